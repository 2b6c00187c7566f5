//! MagicLinkExecutor (`magic_link_executor.go`, `authn/magiclink`): `generate` finds the user the
//! node's inputs name and mints a signed, short-lived link token bound to this execution (the
//! next EmailExecutor sends it with the `MAGIC_LINK` template); `verify` takes the token back from
//! the link, with no challenge token, and signs the user in. An unknown user gets no link and no
//! error (`skipDelivery`), so the page cannot tell who exists.

use serde_json::{Map, Value};
use thunderid_protocol::flow::FlowType;
use thunderid_protocol::{ApiError, ApiErrorCode};

use super::credentials::{Identified, find_user};
use super::{ExecResult, Task};
use crate::flow::keys;
use crate::flow::node::EngineError;
use crate::graph::ExecutorKind;
use crate::tokens::TokenType;

/// The input the link's token arrives in.
pub(super) const TOKEN: &str = "token";
/// The `aud` of link tokens.
const AUDIENCE: &str = "magiclink-svc";
/// How long a link lives by default, in seconds (`magiclink.DefaultExpirySeconds`).
const DEFAULT_EXPIRY: u64 = 300;
/// Inputs that never identify a user (`nonSearchableInputs`).
const NON_SEARCHABLE: &[&str] = &["password", "code", "otp", "token", "otpSessionToken"];
/// Runtime keys (`flow/common/constants.go`).
const DESTINATION_ATTRIBUTE: &str = "magicLinkDestinationAttribute";
const USED_JTI: &str = "magicLinkUsedJti";
const SKIP_DELIVERY: &str = "skipDelivery";

pub(super) fn run(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    match task.executor.mode.as_deref() {
        Some("generate") => generate(task),
        Some("verify") => verify(task),
        other => Err(super::internal(format!(
            "invalid executor mode: {}",
            other.unwrap_or_default()
        ))),
    }
}

/// `InitiateMagicLink`.
fn generate(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let search = search_attributes(task);
    let destination = task
        .executor
        .inputs
        .first()
        .map(|i| i.identifier.clone())
        .filter(|id| searchable(id))
        .unwrap_or_else(|| "email".to_owned());
    let value = search.get(&destination).cloned().unwrap_or_default();
    let mut result = ExecResult::complete();
    let registration = task.flow_type == &FlowType::Registration;
    let identified = task.env.users(|users| find_user(users, &search));
    let subject = if registration {
        result
            .runtime
            .insert(DESTINATION_ATTRIBUTE.to_owned(), destination.clone());
        if value.is_empty() {
            return Err(super::internal(format!(
                "{destination} is required for magic link registration"
            )));
        }
        match identified {
            Identified::One(_) => {
                result
                    .runtime
                    .insert(SKIP_DELIVERY.to_owned(), "true".to_owned());
                return Ok(result);
            }
            Identified::Ambiguous => {
                return Err(super::internal("failed to identify user".into()));
            }
            Identified::NotFound => value.clone(),
        }
    } else {
        let user = match (task.execution.user.clone(), identified) {
            (Some(user), _) | (None, Identified::One(user)) => user,
            (None, Identified::NotFound | Identified::Ambiguous) => {
                result
                    .runtime
                    .insert(SKIP_DELIVERY.to_owned(), "true".to_owned());
                return Ok(result);
            }
        };
        result
            .runtime
            .insert(keys::USER_ID.to_owned(), user.clone());
        user
    };
    let expiry = task
        .node
        .properties
        .get("tokenExpiry")
        .and_then(|v| match v {
            Value::String(s) => s.parse::<i64>().ok(),
            Value::Number(n) => n.as_i64(),
            _ => None,
        })
        .and_then(|n| u64::try_from(n).ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_EXPIRY);
    let token = link_token(task, &subject, expiry);
    let link = link(task, &token)?;
    if !value.is_empty() {
        result.runtime.insert(destination, value);
    }
    let template = &mut result.forwarded.template;
    template.insert("magicLink".to_owned(), link);
    template.insert("expiryTime".to_owned(), super::otp::format_expiry(expiry));
    if let Some(app) = task.env.app {
        template.insert("appName".to_owned(), app.name.clone());
    }
    Ok(result)
}

/// The user inputs that identify the user: the node's searchable inputs, else every searchable
/// non-empty input.
fn search_attributes(task: &Task<'_, '_>) -> std::collections::BTreeMap<String, String> {
    let declared: Vec<&String> = task
        .executor
        .inputs
        .iter()
        .map(|i| &i.identifier)
        .filter(|id| searchable(id))
        .collect();
    task.execution
        .inputs
        .iter()
        .filter(|(key, value)| {
            !value.is_empty()
                && if declared.is_empty() {
                    searchable(key)
                } else {
                    declared.contains(key)
                }
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn searchable(identifier: &str) -> bool {
    !identifier.is_empty() && !NON_SEARCHABLE.contains(&identifier)
}

/// The link token: the server's JWT for `magiclink-svc`, naming this execution.
fn link_token(task: &mut Task<'_, '_>, subject: &str, expiry: u64) -> String {
    let now = task.env.now;
    let mut claims = Map::new();
    claims.insert("sub".into(), Value::from(subject));
    claims.insert("iss".into(), Value::from(task.env.issuer));
    claims.insert("aud".into(), Value::from(AUDIENCE));
    claims.insert("iat".into(), Value::from(now));
    claims.insert("nbf".into(), Value::from(now));
    claims.insert("exp".into(), Value::from(now.saturating_add(expiry)));
    claims.insert("jti".into(), Value::from(task.uuid_v7()));
    claims.insert("executionId".into(), Value::from(task.execution.id.clone()));
    task.env.signer.sign(TokenType::Jwt, &claims)
}

/// `magicLinkURL` (else the gate's callback) with `applicationId`, `id`, `token` and `type` added
/// to its query, the keys sorted as Go's `url.Values.Encode` writes them.
fn link(task: &Task<'_, '_>, token: &str) -> Result<String, EngineError> {
    let base = task
        .property("magicLinkURL")
        .filter(|u| !u.is_empty())
        .map_or_else(
            || format!("{}/gate/callback", task.env.base_url),
            str::to_owned,
        );
    let mut url = url::Url::parse(&base)
        .map_err(|e| super::internal(format!("invalid magicLinkURL {base}: {e}")))?;
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let app_id = task.env.app.map(|a| a.id.clone()).unwrap_or_default();
    for (key, value) in [
        ("applicationId", app_id),
        ("id", task.execution.id.clone()),
        ("token", token.to_owned()),
        ("type", task.flow_type.as_str().to_owned()),
    ] {
        pairs.retain(|(k, _)| k != key);
        pairs.push((key.to_owned(), value));
    }
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    url.query_pairs_mut().clear().extend_pairs(pairs);
    Ok(url.to_string())
}

/// `executeVerify`: authenticate the token (signature, issuer, expiry, audience, subject), then
/// check it belongs to this execution and was not used in it before.
fn verify(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let required = task.required_inputs(ExecutorKind::MagicLink);
    let missing = task.missing(&required);
    if !missing.is_empty() {
        return Ok(ExecResult::input_required(missing, None));
    }
    let registration = task.flow_type == &FlowType::Registration;
    let destination = task
        .execution
        .runtime_value(DESTINATION_ATTRIBUTE)
        .map(str::to_owned);
    if registration && destination.is_none() {
        return Err(super::internal(
            "magic link destination attribute missing from runtime data".into(),
        ));
    }
    let token = task
        .execution
        .inputs
        .get(TOKEN)
        .cloned()
        .unwrap_or_default();
    let verified = task
        .env
        .signer
        .verify(&token, task.env.now, true)
        .ok()
        .filter(|t| t.claim_str("aud") == Some(AUDIENCE));
    let Some(verified) = verified else {
        return Ok(ExecResult::failure(authentication_failed()));
    };
    let Some(subject) = verified.claim_str("sub").filter(|s| !s.is_empty()) else {
        return Ok(ExecResult::failure(authentication_failed()));
    };
    let mut result = ExecResult::complete();
    if let Some(attribute) = destination.filter(|_| registration) {
        result.runtime.insert(attribute, subject.to_owned());
    } else {
        // The link signs in the user it was made for, if they still exist.
        if task.env.user(subject).is_none() {
            return Ok(ExecResult::failure(authentication_failed()));
        }
        result
            .runtime
            .insert(keys::USER_ID.to_owned(), subject.to_owned());
        result.user = Some(subject.to_owned());
    }
    let invalid = || ExecResult::failure(ApiErrorCode::ExecutorInvalidMagicLinkToken.to_error());
    if verified.claim_str("executionId") != Some(task.execution.id.as_str()) {
        return Ok(invalid());
    }
    let Some(jti) = verified.claim_str("jti").filter(|j| !j.is_empty()) else {
        return Ok(invalid());
    };
    if task.execution.runtime_value(USED_JTI) == Some(jti) {
        return Ok(invalid());
    }
    result.runtime.insert(USED_JTI.to_owned(), jti.to_owned());
    Ok(result)
}

/// The authentication manager's `AUTHN-MGR-1001`, returned in-band as is.
fn authentication_failed() -> ApiError {
    ApiErrorCode::AuthnManagerAuthenticationFailed.to_error()
}
