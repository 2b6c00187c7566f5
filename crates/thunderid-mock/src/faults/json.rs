//! The control plane's JSON for fault rules: read with errors that name the field (`action.status`),
//! and written back as `GET /__mock/faults` lists it.

use serde_json::{Map, Value, json};

use super::rule::{FaultAction, FaultRule, FaultRuleError, FaultView, TokenKind, refuse};
use crate::tokens::{TAMPERS, Tamper};

impl FaultRule {
    /// Read a rule from the control plane's JSON.
    pub(crate) fn from_json(value: &Value) -> Result<Self, FaultRuleError> {
        let object = value
            .as_object()
            .ok_or_else(|| refuse("rule", "must be a JSON object"))?;
        known_fields(
            object,
            "",
            &[
                "method",
                "path",
                "clientId",
                "user",
                "flowNode",
                "flowAction",
                "nth",
                "times",
                "action",
            ],
        )?;
        let action = object
            .get("action")
            .ok_or_else(|| refuse("action", "is required"))?;
        let rule = Self {
            method: string(object, "", "method")?,
            path: string(object, "", "path")?,
            client_id: string(object, "", "clientId")?,
            user: string(object, "", "user")?,
            flow_node: string(object, "", "flowNode")?,
            flow_action: string(object, "", "flowAction")?,
            nth_call: number(object, "", "nth")?.unwrap_or(1),
            times: number(object, "", "times")?,
            action: FaultAction::from_json(action)?,
        };
        rule.validate()?;
        Ok(rule)
    }

    /// The rule as the control plane lists it.
    pub(crate) fn to_json(&self) -> Value {
        let mut object = Map::new();
        let fields = [
            ("method", &self.method),
            ("path", &self.path),
            ("clientId", &self.client_id),
            ("user", &self.user),
            ("flowNode", &self.flow_node),
            ("flowAction", &self.flow_action),
        ];
        for (name, value) in fields {
            if let Some(value) = value {
                object.insert(name.to_owned(), json!(value));
            }
        }
        object.insert("nth".to_owned(), json!(self.nth_call));
        if let Some(times) = self.times {
            object.insert("times".to_owned(), json!(times));
        }
        object.insert("action".to_owned(), self.action.to_json());
        Value::Object(object)
    }
}

impl FaultAction {
    fn from_json(value: &Value) -> Result<Self, FaultRuleError> {
        let object = value
            .as_object()
            .ok_or_else(|| refuse("action", "must be a JSON object"))?;
        let kind = string(object, "action.", "type")?
            .ok_or_else(|| refuse("action.type", "is required"))?;
        let (action, fields): (Self, &[&str]) = match kind.as_str() {
            "status" => {
                let status = number(object, "action.", "status")?
                    .ok_or_else(|| refuse("action.status", "is required"))?;
                let action = Self::Status {
                    status: u16::try_from(status)
                        .map_err(|_| refuse("action.status", "must be between 400 and 599"))?,
                    body: object.get("body").cloned(),
                    retry_after: number(object, "action.", "retryAfter")?,
                };
                (action, &["type", "status", "body", "retryAfter"])
            }
            "delay" => {
                let millis = number(object, "action.", "ms")?
                    .ok_or_else(|| refuse("action.ms", "is required"))?;
                (Self::Delay { millis }, &["type", "ms"])
            }
            "drop" => (Self::Drop, &["type"]),
            "reset" => (Self::Reset, &["type"]),
            "truncate" => {
                let bytes = number(object, "action.", "bytes")?
                    .map(|n| usize::try_from(n).unwrap_or(usize::MAX));
                (Self::Truncate { bytes }, &["type", "bytes"])
            }
            "corrupt" => (Self::Corrupt, &["type"]),
            "tamper" => (tamper_from_json(object)?, &["type", "token", "tamper"]),
            "userinfo_sub_mismatch" => (Self::UserInfoSubMismatch, &["type"]),
            "discovery" => {
                let remove = match object.get("remove") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Array(names)) => names
                        .iter()
                        .map(|name| name.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| refuse("action.remove", "must be an array of strings"))?,
                    Some(_) => return Err(refuse("action.remove", "must be an array of strings")),
                };
                let issuer = string(object, "action.", "issuer")?;
                (
                    Self::Discovery { issuer, remove },
                    &["type", "issuer", "remove"],
                )
            }
            _ => {
                return Err(refuse(
                    "action.type",
                    "must be one of status, delay, drop, reset, truncate, corrupt, tamper, userinfo_sub_mismatch, discovery",
                ));
            }
        };
        known_fields(object, "action.", fields)?;
        action.validate()?;
        Ok(action)
    }

    fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("type".to_owned(), json!(self.name()));
        match self {
            Self::Status {
                status,
                body,
                retry_after,
            } => {
                object.insert("status".to_owned(), json!(status));
                if let Some(body) = body {
                    object.insert("body".to_owned(), body.clone());
                }
                if let Some(seconds) = retry_after {
                    object.insert("retryAfter".to_owned(), json!(seconds));
                }
            }
            Self::Delay { millis } => {
                object.insert("ms".to_owned(), json!(millis));
            }
            Self::Truncate { bytes: Some(bytes) } => {
                object.insert("bytes".to_owned(), json!(bytes));
            }
            Self::Tamper { token, tamper } => {
                object.insert("token".to_owned(), json!(token.field()));
                object.insert("tamper".to_owned(), json!(tamper.name()));
            }
            Self::Drop
            | Self::Reset
            | Self::Truncate { bytes: None }
            | Self::Corrupt
            | Self::UserInfoSubMismatch => {}
            Self::Discovery { issuer, remove } => {
                if let Some(issuer) = issuer {
                    object.insert("issuer".to_owned(), json!(issuer));
                }
                if !remove.is_empty() {
                    object.insert("remove".to_owned(), json!(remove));
                }
            }
        }
        Value::Object(object)
    }
}

fn tamper_from_json(object: &Map<String, Value>) -> Result<FaultAction, FaultRuleError> {
    let token =
        string(object, "action.", "token")?.ok_or_else(|| refuse("action.token", "is required"))?;
    let token = TokenKind::ALL
        .into_iter()
        .find(|kind| kind.field() == token)
        .ok_or_else(|| {
            refuse(
                "action.token",
                "must be one of id_token, access_token, refresh_token, assertion",
            )
        })?;
    let tamper = string(object, "action.", "tamper")?
        .ok_or_else(|| refuse("action.tamper", "is required"))?;
    let tamper = Tamper::from_name(&tamper).ok_or_else(|| {
        let names: Vec<&str> = TAMPERS.iter().map(|(_, name)| *name).collect();
        refuse(
            "action.tamper",
            &format!("must be one of {}", names.join(", ")),
        )
    })?;
    Ok(FaultAction::Tamper { token, tamper })
}

/// Refuse the first member `allowed` does not name.
fn known_fields(
    object: &Map<String, Value>,
    prefix: &str,
    allowed: &[&str],
) -> Result<(), FaultRuleError> {
    match object.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(unknown) => Err(refuse(&format!("{prefix}{unknown}"), "unknown field")),
        None => Ok(()),
    }
}

fn string(
    object: &Map<String, Value>,
    prefix: &str,
    name: &str,
) -> Result<Option<String>, FaultRuleError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(refuse(&format!("{prefix}{name}"), "must be a string")),
    }
}

fn number(
    object: &Map<String, Value>,
    prefix: &str,
    name: &str,
) -> Result<Option<u64>, FaultRuleError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value.as_u64().map(Some).ok_or_else(|| {
            refuse(
                &format!("{prefix}{name}"),
                "must be a non-negative whole number",
            )
        }),
    }
}

impl FaultView {
    /// The rule as the control plane lists it: its id, the rule's members, and the counters.
    pub(crate) fn to_json(&self) -> Value {
        let mut value = self.rule.to_json();
        if let Value::Object(object) = &mut value {
            object.insert("id".to_owned(), json!(self.id));
            object.insert("seen".to_owned(), json!(self.seen));
            object.insert("applied".to_owned(), json!(self.applied));
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn refused(rule: Value) -> String {
        FaultRule::from_json(&rule).unwrap_err().to_string()
    }

    #[test]
    fn malformed_rules_name_the_field() {
        let cases = [
            (json!([]), "rule: must be a JSON object"),
            (json!({}), "action: is required"),
            (json!({"action": {}}), "action.type: is required"),
            (
                json!({"action": {"type": "explode"}}),
                "action.type: must be one of status, delay, drop, reset, truncate, corrupt, tamper, userinfo_sub_mismatch, discovery",
            ),
            (
                json!({"action": {"type": "status"}}),
                "action.status: is required",
            ),
            (
                json!({"action": {"type": "status", "status": 200}}),
                "action.status: must be between 400 and 599 (or give a body)",
            ),
            (
                json!({"action": {"type": "status", "status": 70000}}),
                "action.status: must be between 400 and 599",
            ),
            (
                json!({"action": {"type": "delay", "ms": 60001}}),
                "action.ms: must be at most 60000",
            ),
            (
                json!({"action": {"type": "drop", "ms": 1}}),
                "action.ms: unknown field",
            ),
            (
                json!({"action": {"type": "drop"}, "nth": 0}),
                "nth: must be at least 1",
            ),
            (
                json!({"action": {"type": "drop"}, "times": -1}),
                "times: must be a non-negative whole number",
            ),
            (
                json!({"action": {"type": "drop"}, "path": "oauth2"}),
                "path: must start with /",
            ),
            (
                json!({"action": {"type": "drop"}, "path": "/**/token"}),
                "path: ** may only be the last segment",
            ),
            (
                json!({"action": {"type": "drop"}, "method": 7}),
                "method: must be a string",
            ),
            (
                json!({"action": {"type": "drop"}, "method": "PO ST"}),
                "method: must be an HTTP method such as POST",
            ),
            (
                json!({"action": {"type": "drop"}, "clientId": ""}),
                "clientId: must not be empty",
            ),
            (
                json!({"action": {"type": "drop"}, "client": "x"}),
                "client: unknown field",
            ),
            (
                json!({"action": {"type": "discovery"}}),
                "action: a discovery fault needs issuer or remove",
            ),
            (
                json!({"action": {"type": "discovery", "remove": [1]}}),
                "action.remove: must be an array of strings",
            ),
            (
                json!({"action": {"type": "tamper", "tamper": "alg_none"}}),
                "action.token: is required",
            ),
            (
                json!({"action": {"type": "tamper", "token": "code", "tamper": "alg_none"}}),
                "action.token: must be one of id_token, access_token, refresh_token, assertion",
            ),
            (
                json!({"action": {"type": "tamper", "token": "id_token", "tamper": "nope"}}),
                "action.tamper: must be one of alg_none, hs256_public_key, bad_signature, unknown_kid, missing_kid, wrong_iss, wrong_aud, extra_aud_without_azp, expired, iat_future, nbf_ahead, missing_nonce, wrong_nonce, wrong_at_hash, wrong_c_hash, wrong_typ",
            ),
        ];
        for (rule, message) in cases {
            assert_eq!(refused(rule), message);
        }
    }

    #[test]
    fn a_rule_reads_and_lists_the_same() {
        let value = json!({
            "method": "POST", "path": "/oauth2/*", "clientId": "app", "user": "alice",
            "nth": 2, "times": 3,
            "action": {"type": "status", "status": 503, "retryAfter": 7, "body": "busy"}
        });
        let rule = FaultRule::from_json(&value).unwrap();
        assert_eq!(
            rule,
            FaultRule::new(FaultAction::Status {
                status: 503,
                body: Some(json!("busy")),
                retry_after: Some(7),
            })
            .method("POST")
            .path("/oauth2/*")
            .client("app")
            .user("alice")
            .nth_call(2)
            .times(3)
        );
        assert_eq!(rule.to_json(), value);
        let tamper = json!({"times": 2, "nth": 1,
            "action": {"type": "tamper", "token": "id_token", "tamper": "wrong_aud"}});
        assert_eq!(FaultRule::from_json(&tamper).unwrap().to_json(), tamper);
    }
}
