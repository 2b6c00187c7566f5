//! `POST /auth/otp/sms/send` and `/auth/otp/sms/verify` (`service.go` `SendOTP`/`VerifyOTP`,
//! `authn/otp/service.go`, `notification/otp_service.go`).
//!
//! The session token is stateless, as on the server: a JWT (`sub` and `aud` `otp-svc`, valid for
//! the OTP's lifetime) whose `otp_data` holds the recipient, the recipient attribute
//! (`mobile_number`), the OTP's SHA-256 thumbprint and its expiry in milliseconds. Nothing is
//! stored per call, so memory stays flat; like the server, a code verifies as often as it is
//! presented until it expires.

use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::authn::{AuthenticationResponse, SendOtpResponse};

use super::{
    AssertionRequest, AuthenticatedUser, Authenticator, FieldRules, client_error, decode, respond,
};
use crate::error::MockError;
use crate::fixtures::Delivery;
use crate::flow::assertion::{sign, standard_claims};
use crate::flow::executors::notify::otp_message;
use crate::flow::executors::otp::format_expiry;
use crate::ids;
use crate::state::AppState;
use crate::store::outbox::{Channel, OutboxMessage};

/// The session token's `sub` and `aud` (`otpSessionAudience`).
const OTP_AUDIENCE: &str = "otp-svc";
/// The attribute an SMS recipient is (`SendOTP`).
const RECIPIENT_ATTRIBUTE: &str = "mobile_number";
/// The SMS template scenario.
const TEMPLATE: &str = "OTP";

/// Send an OTP by SMS through the sender `senderId` (into the outbox) and answer the session token.
pub(crate) fn send(state: &AppState, body: &[u8]) -> Result<SendOtpResponse, MockError> {
    let body = decode(body, &["senderId", "recipient"])?;
    let sender = body
        .string("senderId")
        .map_err(|_| super::invalid_format())?;
    let recipient = body
        .string("recipient")
        .map_err(|_| super::invalid_format())?;
    let mut rules = FieldRules::default();
    rules.text("senderId", &sender, true, None);
    rules.text("recipient", &recipient, true, None);
    rules.finish()?;

    let now = state.now();
    let settings = &state.settings().flow;
    let validity = settings.otp_validity;
    let code = new_code(usize::try_from(settings.otp_length).unwrap_or(6));
    let mut otp_data = Map::new();
    otp_data.insert("recipient".into(), Value::from(recipient.trim()));
    otp_data.insert("recipientAttr".into(), Value::from(RECIPIENT_ATTRIBUTE));
    otp_data.insert(
        "otp_value".into(),
        Value::from(ids::sha256_base64url(code.as_bytes())),
    );
    otp_data.insert(
        "expiry_time".into(),
        Value::from(now.saturating_add(validity).saturating_mul(1000)),
    );
    let mut claims = Map::new();
    claims.insert("otp_data".into(), Value::Object(otp_data));
    claims.insert("aud".into(), Value::from(OTP_AUDIENCE));
    standard_claims(
        &mut claims,
        state.signer().issuer(),
        now,
        Some(OTP_AUDIENCE),
        validity,
    );

    // The notification sender (`notification_sender_service.go` `Send`): it must exist; a
    // provider that refuses the message is a server error.
    let known = state
        .stores()
        .connections
        .current()
        .senders
        .get(&sender)
        .is_some();
    if !known {
        return Err(client_error(ApiErrorCode::SenderSenderNotFound));
    }
    if state.settings().notifications.sms != Delivery::Outbox {
        return Err(MockError::Internal(anyhow::anyhow!(
            "the SMS sender failed to send the OTP"
        )));
    }
    let session_token = sign(state.signer(), &claims);
    let body = otp_message(&code, &format_expiry(validity));
    state.stores().outbox.write(|o| {
        o.push(OutboxMessage {
            channel: Channel::Sms,
            recipient,
            template: TEMPLATE.to_owned(),
            body,
            code: Some(code),
            link: None,
            sent_at: now,
        });
    });
    Ok(SendOtpResponse {
        status: "SUCCESS".to_owned(),
        session_token,
    })
}

/// Verify the OTP against its session token and authenticate the user whose `mobile_number` is the
/// recipient. A session token that is not the server's is AUTHN-MGR-1008 (passed through); a
/// wrong or expired code AUTHN-OTPAUTHN-1009 (401); no such user a server error, as on the server
/// (the provider's "user not found" is not mapped on this path).
pub(crate) fn verify(state: &AppState, body: &[u8]) -> Result<AuthenticationResponse, MockError> {
    let body = decode(body, &["sessionToken", "skipAssertion", "assertion", "otp"])?;
    let token = body
        .string("sessionToken")
        .map_err(|_| super::invalid_format())?;
    let otp = body.string("otp").map_err(|_| super::invalid_format())?;
    let request = AssertionRequest::from_body(&body)?;
    let mut rules = FieldRules::default();
    rules.text("sessionToken", &token, true, None);
    rules.text("otp", &otp, true, None);
    rules.finish()?;

    let now = state.now();
    let session = session(state, &token, now)
        .ok_or_else(|| client_error(ApiErrorCode::AuthnManagerInvalidRequest))?;
    if now.saturating_mul(1000) > session.expiry_millis
        || ids::sha256_base64url(otp.as_bytes()) != session.thumbprint
    {
        return Err(client_error(ApiErrorCode::AuthnOtpAuthenticationFailed));
    }
    if session.recipient.is_empty() {
        return Err(MockError::Internal(anyhow::anyhow!(
            "the OTP session names no recipient"
        )));
    }
    let attribute = if session.recipient_attribute.is_empty() {
        RECIPIENT_ATTRIBUTE
    } else {
        session.recipient_attribute.as_str()
    };
    let user = state.stores().directory.read(|d| {
        let mut matches = d.users.all().filter(|u| {
            u.attributes.get(attribute).and_then(Value::as_str) == Some(session.recipient.as_str())
        });
        match (matches.next(), matches.next()) {
            (Some(user), None) => Some(AuthenticatedUser::of(user)),
            _ => None,
        }
    });
    let user = user.ok_or_else(|| {
        MockError::Internal(anyhow::anyhow!(
            "no single user has the OTP's recipient (the server cannot resolve the entity)"
        ))
    })?;
    respond(state, user, Authenticator::Otp, &request)
}

/// What a session token carries (`otpSessionData`).
struct OtpSession {
    recipient: String,
    recipient_attribute: String,
    thumbprint: String,
    expiry_millis: u64,
}

/// The token's `otp_data`, when the token verifies (signature, issuer, expiry, `aud` `otp-svc`)
/// and its `otp_data` decodes as the server's struct.
fn session(state: &AppState, token: &str, now: u64) -> Option<OtpSession> {
    let verified = state.signer().verify(token, now, true).ok()?;
    if !audience_is(verified.claims.get("aud"), OTP_AUDIENCE) {
        return None;
    }
    let data = verified.claims.get("otp_data")?.as_object()?;
    let text = |name: &str| match data.get(name) {
        None | Some(Value::Null) => Some(String::new()),
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => None,
    };
    let expiry_millis = match data.get("expiry_time") {
        None | Some(Value::Null) => 0,
        Some(value) => value.as_u64()?,
    };
    Some(OtpSession {
        recipient: text("recipient")?,
        recipient_attribute: text("recipientAttr")?,
        thumbprint: text("otp_value")?,
        expiry_millis,
    })
}

/// Whether `aud` (a string or an array of them) names `expected`.
pub(crate) fn audience_is(aud: Option<&Value>, expected: &str) -> bool {
    match aud {
        Some(Value::String(aud)) => aud == expected,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(expected)),
        _ => false,
    }
}

/// A numeric OTP of `length` digits (the server's default `notification.otp`: numeric).
fn new_code(length: usize) -> String {
    const DIGITS: &[u8] = b"0123456789";
    ids::random_bytes(length.clamp(4, 10))
        .into_iter()
        .map(|b| char::from(DIGITS[usize::from(b) % DIGITS.len()]))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_audience_may_be_a_list() {
        assert!(audience_is(Some(&json!("otp-svc")), "otp-svc"));
        assert!(audience_is(Some(&json!(["a", "otp-svc"])), "otp-svc"));
        assert!(!audience_is(Some(&json!("auth-svc")), "otp-svc"));
        assert!(!audience_is(None, "otp-svc"));
    }

    #[test]
    fn codes_are_digits_of_the_configured_length() {
        let code = new_code(6);
        assert_eq!(code.len(), 6);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
    }
}
