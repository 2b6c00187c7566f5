//! Rules that work on answers: a token of a JSON answer forged (`tokens::forge`), or UserInfo's
//! `sub` changed. A rule is counted only on answers that carry what it changes, so `times: n`
//! means the next n such tokens. The change is made in the answer's bytes, so every other member
//! keeps its place and encoding. A forged token's `jti` goes on the deny list: the mock refuses it
//! wherever it checks revocation, as it refuses a revoked token.

use axum::body::{Bytes, HttpBody};
use axum::http::header;
use axum::response::Response;
use serde_json::Value;

use super::FaultLayer;
use super::layer::{mangle, subject_of};
use super::rule::FaultAction;
use super::rules::Call;
use crate::journal::AppliedFault;
use crate::tokens::forge;

/// Apply the first due answer rule to `response`, if it carries what the rule changes.
pub(super) async fn on_answer(layer: &FaultLayer, call: Call<'_>, response: Response) -> Response {
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !response.status().is_success() || !json {
        return response;
    }
    let mut applied = None;
    let response = mangle(response, |bytes| {
        let Ok(Value::Object(answer)) = serde_json::from_slice::<Value>(&bytes) else {
            return bytes;
        };
        let userinfo = call.path.ends_with("/oauth2/userinfo");
        let discovery = call.path.contains("/.well-known/");
        let carries = |action: &FaultAction| match action {
            FaultAction::Tamper { token, .. } => {
                answer.get(token.field()).is_some_and(Value::is_string)
            }
            FaultAction::UserInfoSubMismatch => userinfo && answer.contains_key("sub"),
            FaultAction::Discovery { .. } => discovery && answer.contains_key("issuer"),
            _ => false,
        };
        // A token answer names its user in its tokens.
        let subject = call.user.map(str::to_owned).or_else(|| {
            ["id_token", "access_token", "assertion"]
                .iter()
                .find_map(|field| answer.get(*field)?.as_str().and_then(subject_of))
        });
        let call = Call {
            user: subject.as_deref(),
            ..call
        };
        let Some((rule, action)) = layer.rules.take(&call, carries) else {
            return bytes;
        };
        applied = Some(AppliedFault::new(rule, action.name()));
        if let FaultAction::Discovery { issuer, remove } = &action {
            return discovery_document(answer, issuer.as_deref(), remove);
        }
        match change(layer, &action, &answer) {
            Some((from, to)) => replace(&bytes, &from, &to),
            None => bytes,
        }
    })
    .await;
    let mut response = response;
    if let Some(applied) = applied {
        response.extensions_mut().insert(applied);
    } else {
        // Untouched answers keep their length.
        let length = response.body().size_hint().exact();
        if let Some(length) = length {
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, length.into());
        }
    }
    response
}

/// What to replace in the answer's bytes: `(old, new)`, both as JSON text.
fn change(
    layer: &FaultLayer,
    action: &FaultAction,
    answer: &serde_json::Map<String, Value>,
) -> Option<(String, String)> {
    match action {
        FaultAction::Tamper { token, tamper } => {
            let original = answer.get(token.field())?.as_str()?;
            let forged = forge(&layer.signer, original, *tamper)?;
            if let Some(jwt_id) = &forged.jwt_id {
                let now = layer.clock.now();
                let until = forged.expires_at.max(now + 1);
                layer
                    .stores
                    .oauth
                    .write(|o| o.revoke_token(jwt_id, until, now));
            }
            Some((quoted(original), quoted(&forged.token)))
        }
        FaultAction::UserInfoSubMismatch => {
            let sub = answer.get("sub")?.as_str()?;
            let other = format!("{sub}-not-the-id-token-sub");
            Some((
                format!("\"sub\":{}", quoted(sub)),
                format!("\"sub\":{}", quoted(&other)),
            ))
        }
        _ => None,
    }
}

/// The discovery document with another issuer and without the removed members (written again,
/// so its members come out sorted).
fn discovery_document(
    mut answer: serde_json::Map<String, Value>,
    issuer: Option<&str>,
    remove: &[String],
) -> Bytes {
    for name in remove {
        answer.remove(name);
    }
    if let Some(issuer) = issuer {
        answer.insert("issuer".to_owned(), Value::String(issuer.to_owned()));
    }
    Bytes::from(crate::wire::encode(&Value::Object(answer)))
}

fn quoted(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

/// `bytes` with the first `from` replaced by `to`.
fn replace(bytes: &Bytes, from: &str, to: &str) -> Bytes {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bytes.clone();
    };
    Bytes::from(text.replacen(from, to, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_occurrence_changes_and_the_rest_keeps_its_bytes() {
        let body = Bytes::from_static(br#"{"b":"x","a":"x"}"#);
        assert_eq!(
            replace(&body, "\"x\"", "\"y\"").as_ref(),
            br#"{"b":"y","a":"x"}"#
        );
    }
}
