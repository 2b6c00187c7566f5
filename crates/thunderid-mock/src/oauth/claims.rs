//! What tokens and UserInfo say about the user: the standard scopes and the claims each releases,
//! the application's allow-lists, and the OIDC `claims` request parameter (OIDC Core §5.5) as the
//! real server parses and applies it (`O2/model/parameter.go`, `O2/utils/oauthutils.go`
//! `ParseClaimsRequest`, `O2/tokenservice/utils.go` `BuildClaims`).
//!
//! A `claims` request names, per target (`id_token`, `userinfo`), claims with an optional
//! constraint: `null`, or `{essential?, value?, values?}`. A claim the scopes release and the
//! request names is kept only when the user's value meets its constraint; a requested claim the
//! scopes do not release is added when the app's allow-list has it and the value meets the
//! constraint. `essential` is parsed and never enforced, as on the server. Identity-assurance
//! `verified_claims` are validated and carried along (refresh tokens keep them) but never released.
//!
//! The request travels as JSON text: stored as sent (already validated), re-encoded as Go's
//! `json.Marshal` writes it into the access token's `claims_req` (the `userinfo` part only) and the
//! refresh token's `access_token_claims_request`.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

mod verified;

/// The standard OIDC scopes and the claims each releases (`StandardOIDCScopes`).
pub(crate) const STANDARD_SCOPES: &[(&str, &[&str])] = &[
    ("openid", &["sub"]),
    (
        "profile",
        &[
            "name",
            "family_name",
            "given_name",
            "middle_name",
            "nickname",
            "preferred_username",
            "profile",
            "picture",
            "website",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale",
            "updated_at",
        ],
    ),
    ("email", &["email", "email_verified"]),
    ("phone", &["phone_number", "phone_number_verified"]),
    ("address", &["address"]),
    ("roles", &["roles"]),
];

/// Whether `scope` is a standard OIDC scope (every other scope is a permission of a resource server).
pub(crate) fn is_standard_scope(scope: &str) -> bool {
    STANDARD_SCOPES.iter().any(|(name, _)| *name == scope)
}

/// Split scopes into (OIDC scopes, permission scopes), keeping their order.
pub(crate) fn split_scopes(scopes: &[String]) -> (Vec<String>, Vec<String>) {
    scopes
        .iter()
        .cloned()
        .partition(|scope| is_standard_scope(scope))
}

/// The attributes named in `allowed` (`FilterAttributesByAllowList`): none when the list is empty.
pub(crate) fn allowed_attributes(
    attributes: &BTreeMap<String, Value>,
    allowed: &[String],
) -> BTreeMap<String, Value> {
    allowed
        .iter()
        .filter_map(|name| {
            attributes
                .get(name)
                .map(|value| (name.clone(), value.clone()))
        })
        .collect()
}

/// The claims the granted scopes release (`BuildClaims` without a `claims` request): only with
/// `openid`, only attributes in `allowed`, only those the user has (non-null).
pub(crate) fn scope_claims(
    scopes: &[String],
    attributes: &BTreeMap<String, Value>,
    allowed: &[String],
) -> BTreeMap<String, Value> {
    let mut claims = BTreeMap::new();
    if !scopes.iter().any(|s| s == "openid") || allowed.is_empty() {
        return claims;
    }
    for scope in scopes {
        let released = STANDARD_SCOPES
            .iter()
            .find(|(name, _)| name == scope)
            .map_or(&[][..], |(_, c)| *c);
        for claim in released {
            if !allowed.iter().any(|a| a == claim) {
                continue;
            }
            if let Some(value) = attributes.get(*claim).filter(|v| !v.is_null()) {
                claims.insert((*claim).to_owned(), value.clone());
            }
        }
    }
    claims
}

/// `getRequiredAttributes`: the attributes a sign-in must fetch for the tokens, as (essential,
/// optional), each sorted (the server joins Go map keys): the access token's attributes, and with
/// `openid` the ID token's and UserInfo's allow-listed claims the `claims` request names
/// (essential when it says so) or the scopes release (the app's `scopeClaims` first). What is
/// essential is not also optional.
pub(crate) fn required_attributes(
    scopes: &[String],
    request: Option<&ClaimsRequest>,
    profile: &crate::fixtures::OAuthProfile,
) -> (Vec<String>, Vec<String>) {
    let mut essential: Vec<String> = Vec::new();
    let mut optional: Vec<String> = profile.token.access_token.attributes.clone();
    if scopes.iter().any(|s| s == "openid") {
        let id_token = &profile.token.id_token.attributes;
        let userinfo: &[String] = profile
            .user_info
            .as_ref()
            .map_or(&[], |u| u.user_attributes.as_slice());
        if let Some(request) = request {
            let sections = [
                (&request.id_token, id_token.as_slice()),
                (&request.userinfo, userinfo),
            ];
            for (requested, allowed) in sections {
                for (name, spec) in requested {
                    if !allowed.contains(name) {
                        continue;
                    }
                    if spec.as_ref().is_some_and(|s| s.essential) {
                        essential.push(name.clone());
                    } else {
                        optional.push(name.clone());
                    }
                }
            }
        }
        for scope in scopes {
            let mapped = profile.scope_claims.as_ref().and_then(|m| m.get(scope));
            let released: Vec<&str> = match mapped {
                Some(claims) => claims.iter().map(String::as_str).collect(),
                None => STANDARD_SCOPES
                    .iter()
                    .find(|(name, _)| name == scope)
                    .map_or_else(Vec::new, |(_, c)| c.to_vec()),
            };
            for claim in released {
                if id_token.iter().chain(userinfo).any(|a| a == claim) {
                    optional.push(claim.to_owned());
                }
            }
        }
    }
    essential.sort();
    essential.dedup();
    optional.sort();
    optional.dedup();
    optional.retain(|name| !essential.contains(name));
    (essential, optional)
}

/// `BuildClaims`: the claims for one target (the ID token, or UserInfo). Only with `openid`; the
/// scopes' claims (allow-listed, present), where a claim the request names follows the request
/// instead: kept when allow-listed, present and meeting its constraint.
pub(crate) fn build_claims(
    scopes: &[String],
    requested: Option<&BTreeMap<String, Option<ClaimSpec>>>,
    attributes: &BTreeMap<String, Value>,
    allowed: &[String],
) -> BTreeMap<String, Value> {
    let mut claims = scope_claims(scopes, attributes, allowed);
    let Some(requested) = requested.filter(|_| scopes.iter().any(|s| s == "openid")) else {
        return claims;
    };
    claims.retain(|name, _| !requested.contains_key(name));
    if allowed.is_empty() {
        return claims;
    }
    for (name, spec) in requested {
        let Some(value) = attributes.get(name).filter(|v| !v.is_null()) else {
            continue;
        };
        if allowed.contains(name) && spec.as_ref().is_none_or(|spec| spec.matches(value)) {
            claims.insert(name.clone(), value.clone());
        }
    }
    claims
}

/// A parsed `claims` request (`ClaimsRequest`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ClaimsRequest {
    pub(crate) userinfo: BTreeMap<String, Option<ClaimSpec>>,
    pub(crate) id_token: BTreeMap<String, Option<ClaimSpec>>,
    /// `verified_claims` of each target, normalized to an array of entries.
    verified_userinfo: Vec<Value>,
    verified_id_token: Vec<Value>,
}

/// One requested claim's constraint (`IndividualClaimRequest`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ClaimSpec {
    pub(crate) essential: bool,
    pub(crate) value: Option<Value>,
    pub(crate) values: Option<Vec<Value>>,
}

/// A `claims` parameter the server rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MalformedClaims;

impl ClaimsRequest {
    /// `ParseClaimsRequest`: a JSON object (or `null`) whose `userinfo` and `id_token` members
    /// (others are ignored) map claim names to `null` or constraints; `value` and `values` are
    /// exclusive and `values` must not be empty; `verified_claims` must be well formed.
    pub(crate) fn parse(text: &str) -> Result<Self, MalformedClaims> {
        let value: Value = serde_json::from_str(text).map_err(|_| MalformedClaims)?;
        let members = match &value {
            Value::Null => return Ok(Self::default()),
            Value::Object(members) => members,
            _ => return Err(MalformedClaims),
        };
        let (userinfo, verified_userinfo) = section(go_member(members, "userinfo"))?;
        let (id_token, verified_id_token) = section(go_member(members, "id_token"))?;
        for spec in userinfo.values().chain(id_token.values()).flatten() {
            spec.validate()?;
        }
        Ok(Self {
            userinfo,
            id_token,
            verified_userinfo,
            verified_id_token,
        })
    }

    /// The request as a stored parameter: `None` for none (empty text).
    pub(crate) fn from_stored(text: &str) -> Option<Self> {
        (!text.is_empty()).then(|| Self::parse(text).ok()).flatten()
    }

    fn is_empty(&self) -> bool {
        self.userinfo.is_empty()
            && self.id_token.is_empty()
            && self.verified_userinfo.is_empty()
            && self.verified_id_token.is_empty()
    }

    /// The whole request as Go's `json.Marshal` writes it (`SerializeClaimsRequest`): a refresh
    /// token's `access_token_claims_request`. `None` when it requests nothing.
    pub(crate) fn to_json(&self) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let mut out = Map::new();
        if let Some(userinfo) = encode_section(&self.userinfo, &self.verified_userinfo) {
            out.insert("userinfo".to_owned(), userinfo);
        }
        if let Some(id_token) = encode_section(&self.id_token, &self.verified_id_token) {
            out.insert("id_token".to_owned(), id_token);
        }
        Some(crate::wire::go_marshal(&Value::Object(out)))
    }

    /// Only the `userinfo` claims (never `verified_claims`): an access token's `claims_req`.
    pub(crate) fn userinfo_json(&self) -> Option<String> {
        (!self.userinfo.is_empty()).then(|| {
            Self {
                userinfo: self.userinfo.clone(),
                ..Self::default()
            }
            .to_json()
        })?
    }

    /// `validateSubClaimConstraint`: a `sub` either target constrains must be the user.
    pub(crate) fn allows_subject(&self, subject: &str) -> bool {
        let subject = Value::from(subject);
        [&self.id_token, &self.userinfo].iter().all(|target| {
            target
                .get("sub")
                .and_then(Option::as_ref)
                .is_none_or(|spec| spec.matches(&subject))
        })
    }
}

impl ClaimSpec {
    /// `MatchesValue`: no constraint, the `value`, or one of the `values` (`CompareValues`).
    pub(crate) fn matches(&self, actual: &Value) -> bool {
        match (&self.value, &self.values) {
            (Some(expected), _) => same_value(actual, expected),
            (None, Some(values)) if !values.is_empty() => {
                values.iter().any(|v| same_value(actual, v))
            }
            (None, _) => true,
        }
    }

    /// `Validate`: `value` and `values` are exclusive; `values`, when given, is not empty.
    fn validate(&self) -> Result<(), MalformedClaims> {
        let values = self.values.as_ref();
        if self.value.is_some() && values.is_some_and(|v| !v.is_empty()) {
            return Err(MalformedClaims);
        }
        if values.is_some_and(Vec::is_empty) {
            return Err(MalformedClaims);
        }
        Ok(())
    }

    /// `DecodeIndividualClaimRequest` into the struct: an object whose `essential` is a boolean and
    /// whose `values` is an array (members matched as Go matches struct fields).
    fn decode(value: &Value) -> Result<Self, MalformedClaims> {
        let Value::Object(members) = value else {
            return Err(MalformedClaims);
        };
        let essential = match go_member(members, "essential") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(essential)) => *essential,
            Some(_) => return Err(MalformedClaims),
        };
        let values = match go_member(members, "values") {
            None | Some(Value::Null) => None,
            Some(Value::Array(values)) => Some(values.clone()),
            Some(_) => return Err(MalformedClaims),
        };
        Ok(Self {
            essential,
            value: go_member(members, "value")
                .filter(|v| !v.is_null())
                .cloned(),
            values,
        })
    }

    /// The struct with `omitempty` members, as `json.Marshal` writes it.
    fn encode(&self) -> Value {
        let mut out = Map::new();
        if self.essential {
            out.insert("essential".to_owned(), Value::Bool(true));
        }
        if let Some(value) = &self.value {
            out.insert("value".to_owned(), value.clone());
        }
        if let Some(values) = self.values.as_ref().filter(|v| !v.is_empty()) {
            out.insert("values".to_owned(), Value::Array(values.clone()));
        }
        Value::Object(out)
    }
}

/// A struct field as Go's decoder finds it: the exact name, else the first member equal to it
/// ignoring ASCII case.
fn go_member<'v>(members: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    members.get(name).or_else(|| {
        members
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    })
}

type Section = (BTreeMap<String, Option<ClaimSpec>>, Vec<Value>);

/// `decodeClaimsSection`: a target's claims, its `verified_claims` apart.
fn section(value: Option<&Value>) -> Result<Section, MalformedClaims> {
    let members = match value {
        None | Some(Value::Null) => return Ok(Section::default()),
        Some(Value::Object(members)) => members,
        Some(_) => return Err(MalformedClaims),
    };
    let mut claims = BTreeMap::new();
    let mut verified = Vec::new();
    for (name, value) in members {
        if name == "verified_claims" {
            verified = verified::verified_claims(value)?;
        } else if value.is_null() {
            claims.insert(name.clone(), None);
        } else {
            claims.insert(name.clone(), Some(ClaimSpec::decode(value)?));
        }
    }
    Ok((claims, verified))
}

fn encode_section(
    claims: &BTreeMap<String, Option<ClaimSpec>>,
    verified: &[Value],
) -> Option<Value> {
    if claims.is_empty() && verified.is_empty() {
        return None;
    }
    let mut out: Map<String, Value> = claims
        .iter()
        .map(|(name, spec)| {
            let value = spec.as_ref().map_or(Value::Null, ClaimSpec::encode);
            (name.clone(), value)
        })
        .collect();
    if !verified.is_empty() {
        out.insert(
            "verified_claims".to_owned(),
            Value::Array(verified.to_vec()),
        );
    }
    Some(Value::Object(out))
}

/// `CompareValues`: strings by text, numbers as float64, booleans; anything else never matches.
fn same_value(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Number(a), Value::Number(b)) => as_f64(a) == as_f64(b),
        (Value::Bool(a), Value::Bool(b)) => a == b,
        _ => false,
    }
}

fn as_f64(number: &Number) -> Option<f64> {
    number.as_f64()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn attrs() -> BTreeMap<String, Value> {
        [
            ("email", json!("thor@asgard.example")),
            ("given_name", json!("Thor")),
            ("nickname", Value::Null),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn scope_claims_need_openid_the_scope_and_the_allow_list() {
        let allowed = strings(&["email", "given_name", "nickname"]);
        assert!(scope_claims(&strings(&["email"]), &attrs(), &allowed).is_empty());
        assert_eq!(
            scope_claims(&strings(&["openid", "email"]), &attrs(), &allowed),
            BTreeMap::from([("email".to_owned(), json!("thor@asgard.example"))])
        );
        let profile = scope_claims(&strings(&["openid", "profile"]), &attrs(), &allowed);
        assert_eq!(
            profile,
            BTreeMap::from([("given_name".to_owned(), json!("Thor"))]),
            "null values are skipped"
        );
        assert!(scope_claims(&strings(&["openid", "email"]), &attrs(), &[]).is_empty());
    }

    #[test]
    fn scopes_split_into_oidc_and_permission_scopes() {
        let (oidc, permissions) = split_scopes(&strings(&["openid", "system", "email", "read:x"]));
        assert_eq!(oidc, strings(&["openid", "email"]));
        assert_eq!(permissions, strings(&["system", "read:x"]));
    }

    #[test]
    fn claims_requests_parse_as_the_server_parses_them() {
        let ok = |text: &str| ClaimsRequest::parse(text).is_ok();
        assert!(ok("null"));
        assert!(ok(
            r#"{"id_token":{"email":null,"name":{"essential":true}},"other":1}"#
        ));
        assert!(ok(r#"{"userinfo":{"email":{"value":"a","Values":null}}}"#));
        assert!(ok(
            r#"{"id_token":{"verified_claims":{"verification":{"trust_framework":null},"claims":{"given_name":null}}}}"#
        ));
        for bad in [
            "[1]",
            "not json",
            r#"{"userinfo":[]}"#,
            r#"{"userinfo":{"email":"yes"}}"#,
            r#"{"userinfo":{"email":{"essential":"yes"}}}"#,
            r#"{"id_token":{"email":{"value":"a","values":["b"]}}}"#,
            r#"{"id_token":{"email":{"values":[]}}}"#,
            r#"{"id_token":{"verified_claims":[]}}"#,
            r#"{"id_token":{"verified_claims":{"claims":{"a":null}}}}"#,
            r#"{"id_token":{"verified_claims":{"verification":{},"claims":{"a":null}}}}"#,
            r#"{"id_token":{"verified_claims":{"verification":{"trust_framework":null},"claims":{}}}}"#,
            r#"{"id_token":{"verified_claims":{"verification":{"trust_framework":null,"time":{"max_age":-1}},"claims":{"a":null}}}}"#,
        ] {
            assert_eq!(ClaimsRequest::parse(bad), Err(MalformedClaims), "{bad}");
        }
    }

    #[test]
    fn requested_claims_follow_their_constraints_and_the_allow_list() {
        let request = ClaimsRequest::parse(
            r#"{"id_token":{"email":{"value":"loki@asgard.example"},"given_name":{"values":["Thor"]},"family_name":null}}"#,
        )
        .unwrap();
        let allowed = strings(&["email", "given_name"]);
        let claims = build_claims(
            &strings(&["openid", "email"]),
            Some(&request.id_token),
            &attrs(),
            &allowed,
        );
        // email is released by the scope, but its requested value does not match: dropped.
        assert_eq!(
            claims,
            BTreeMap::from([("given_name".to_owned(), json!("Thor"))])
        );
        assert!(
            build_claims(
                &strings(&["email"]),
                Some(&request.id_token),
                &attrs(),
                &allowed
            )
            .is_empty()
        );
    }

    #[test]
    fn the_request_is_re_encoded_as_go_marshals_it() {
        let request = ClaimsRequest::parse(
            r#"{"userinfo":{"name":{"essential":false,"value":1.0},"email":null},"id_token":{"sub":{"value":"u"}}}"#,
        )
        .unwrap();
        assert_eq!(
            request.to_json().as_deref(),
            Some(
                r#"{"id_token":{"sub":{"value":"u"}},"userinfo":{"email":null,"name":{"value":1}}}"#
            )
        );
        assert_eq!(
            request.userinfo_json().as_deref(),
            Some(r#"{"userinfo":{"email":null,"name":{"value":1}}}"#)
        );
        assert!(request.allows_subject("u"));
        assert!(!request.allows_subject("someone-else"));
        assert_eq!(ClaimsRequest::parse("{}").unwrap().to_json(), None);
    }
}
