//! The direct authentication API (`api/authentication.yaml`, `backend/internal/authn/`): a user
//! authenticates with one call (or a start/finish pair) instead of a flow, and gets back who they
//! are and, unless `skipAssertion`, a signed assertion. Every call carries the `Direct-Auth-Secret`
//! header. Errors are envelope A, except the structural validation's `INVALID_INPUT_METADATA`
//! ([`crate::FieldValidationError`]).
//!
//! | Call | Request | Response |
//! |---|---|---|
//! | `POST /auth/credentials/authenticate` | [`CredentialsAuthRequest`] | 200 [`AuthenticationResponse`] |
//! | `POST /auth/otp/sms/send` | [`SendOtpRequest`] | 200 [`SendOtpResponse`] |
//! | `POST /auth/otp/sms/verify` | [`VerifyOtpRequest`] | 200 [`AuthenticationResponse`] |
//! | `POST /auth/oauth/{google,github,standard}/start` | [`IdpAuthStartRequest`] | 200 [`IdpAuthStartResponse`] |
//! | `POST /auth/oauth/{google,github,standard}/finish` | [`IdpAuthFinishRequest`] | 200 [`AuthenticationResponse`] |

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The header every direct authentication call carries.
pub const DIRECT_AUTH_SECRET_HEADER: &str = "Direct-Auth-Secret";

/// `AuthenticationResponseDTO`: the authenticated user and, unless skipped, the assertion.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationResponse {
    pub id: String,
    #[serde(rename = "type", default, skip_serializing_if = "String::is_empty")]
    pub user_type: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ou_id: String,
    /// A JWT: `sub`, `aud` (the server's `jwt.audience`), `userType`, `ouId` and `assurance`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub assertion: String,
}

/// `AuthenticateWithCredentialsRequestDTO`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialsAuthRequest {
    pub identifiers: Map<String, Value>,
    pub credentials: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_assertion: Option<bool>,
    /// A previous assertion to step up from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assertion: Option<String>,
}

/// `SendOTPAuthRequestDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendOtpRequest {
    pub sender_id: String,
    pub recipient: String,
}

/// `SendOTPAuthResponseDTO`: `status` is always `SUCCESS`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendOtpResponse {
    pub status: String,
    pub session_token: String,
}

/// `VerifyOTPAuthRequestDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyOtpRequest {
    pub session_token: String,
    pub otp: String,
    #[serde(default)]
    pub skip_assertion: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub assertion: String,
}

/// `IDPAuthInitRequestDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IdpAuthStartRequest {
    #[serde(rename = "idpId")]
    pub idp_id: String,
}

/// `IDPAuthInitResponseDTO`: where to send the browser, and the token `finish` needs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdpAuthStartResponse {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub redirect_url: String,
    pub session_token: String,
}

/// `IDPAuthFinishRequestDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdpAuthFinishRequest {
    pub session_token: String,
    #[serde(default)]
    pub skip_assertion: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub assertion: String,
    pub code: String,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// `type` and `ouId` are `omitempty` on the server's DTO, as is `assertion`.
    #[test]
    fn empty_members_of_an_authentication_response_are_omitted() {
        let response = AuthenticationResponse {
            id: "u1".to_owned(),
            ..AuthenticationResponse::default()
        };
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            json!({"id": "u1"})
        );
        let full: AuthenticationResponse = serde_json::from_value(
            json!({"id": "u1", "type": "Person", "ouId": "ou", "assertion": "a.b.c"}),
        )
        .unwrap();
        assert_eq!(full.user_type, "Person");
        assert_eq!(full.ou_id, "ou");
    }
}
