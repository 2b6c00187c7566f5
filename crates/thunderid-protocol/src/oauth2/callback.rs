//! `POST /oauth2/auth/callback` and `POST /oauth2/logout/callback`
//!
//! The gate (or an SDK embedding the sign-in UI) calls these once a flow ends.
//!
//! **Auth callback** (`O2/callback/callback.go`): JSON [`AuthCallbackRequest`] with the flow's
//! `assertion` (or `errorAssertion`). Only malformed input is 400 (envelope B: "Invalid request body",
//! "authId is required", "assertion is required", "Unsupported callback type"); every other outcome is
//! **200** [`AuthCallbackResponse`] whose `redirect_uri` points at the client (code or error) or at the
//! gate's error page. A CIBA callback answers [`CibaCallbackResponse`].
//!
//! **Logout callback** (`O2/logout/handler.go`): [`LogoutCallbackRequest`] → the same
//! `{"redirect_uri"}` shape (`""` when there is nowhere to go). Bad input is 400 text/plain.

use serde::{Deserialize, Deserializer, Serialize};

use crate::ids::AuthId;
use crate::secret::Assertion;

/// The auth callback body. `authId` and `assertion` read as empty when missing or null, as Go decodes
/// them, so the mock can answer "authId is required" rather than "Invalid request body".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthCallbackRequest {
    #[serde(
        rename = "authId",
        default = "empty_auth_id",
        deserialize_with = "auth_id_or_empty"
    )]
    pub auth_id: AuthId,
    /// A flow `assertion`, or an `errorAssertion` (it has a `flow_error_type` claim).
    #[serde(default = "empty_assertion", deserialize_with = "assertion_or_empty")]
    pub assertion: Assertion,
    /// Copied by the gate from `data.additionalData.callbackType`; absent or empty means
    /// `authorization_code`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub callback_type: Option<CallbackType>,
}

open_enum! {
    /// The auth callback's `type`.
    pub enum CallbackType {
        AuthorizationCode = "authorization_code",
        Ciba = "urn:openid:params:grant-type:ciba",
    }
}

/// The auth callback answer. Note the snake_case key, unlike the rest of the gate's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthCallbackResponse {
    pub redirect_uri: String,
}

/// The answer to a successful CIBA callback: `{"status":"OK"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CibaCallbackResponse {
    pub status: String,
}

/// The logout callback body. A missing or empty `logoutId` is 400 "invalid request".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutCallbackRequest {
    #[serde(rename = "logoutId", default)]
    pub logout_id: String,
}

/// The logout callback answers `{"redirect_uri":"<post_logout_redirect_uri>?state=…"}`, or `""`.
pub type LogoutCallbackResponse = AuthCallbackResponse;

impl AuthCallbackRequest {
    /// A callback for the authorization request `auth_id` (type left to its default).
    pub fn new(auth_id: AuthId, assertion: Assertion) -> Self {
        Self {
            auth_id,
            assertion,
            callback_type: None,
        }
    }

    /// The type the server acts on: `authorization_code` when absent or empty.
    pub fn effective_type(&self) -> CallbackType {
        match &self.callback_type {
            None => CallbackType::AuthorizationCode,
            Some(CallbackType::Other(value)) if value.is_empty() => CallbackType::AuthorizationCode,
            Some(callback_type) => callback_type.clone(),
        }
    }
}

impl CibaCallbackResponse {
    /// `{"status":"OK"}`.
    pub fn ok() -> Self {
        Self {
            status: "OK".to_owned(),
        }
    }
}

fn empty_auth_id() -> AuthId {
    AuthId::new("")
}

fn empty_assertion() -> Assertion {
    Assertion::new("")
}

fn auth_id_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<AuthId, D::Error> {
    Ok(AuthId::new(
        Option::<String>::deserialize(d)?.unwrap_or_default(),
    ))
}

fn assertion_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Assertion, D::Error> {
    Ok(Assertion::new(
        Option::<String>::deserialize(d)?.unwrap_or_default(),
    ))
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the callback types.
    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::strategies::{open_enum, text};

    /// Any [`CallbackType`].
    pub fn callback_type() -> BoxedStrategy<CallbackType> {
        open_enum(CallbackType::ALL, CallbackType::parse)
    }

    /// Any [`AuthCallbackRequest`].
    pub fn auth_callback_request() -> impl Strategy<Value = AuthCallbackRequest> {
        (text(), text(), proptest::option::of(callback_type())).prop_map(
            |(auth_id, assertion, callback_type)| AuthCallbackRequest {
                auth_id: AuthId::new(auth_id),
                assertion: Assertion::new(assertion),
                callback_type,
            },
        )
    }

    /// Any [`AuthCallbackResponse`].
    pub fn auth_callback_response() -> impl Strategy<Value = AuthCallbackResponse> {
        text().prop_map(|redirect_uri| AuthCallbackResponse { redirect_uri })
    }

    /// Any [`CibaCallbackResponse`].
    pub fn ciba_callback_response() -> impl Strategy<Value = CibaCallbackResponse> {
        text().prop_map(|status| CibaCallbackResponse { status })
    }

    /// Any [`LogoutCallbackRequest`].
    pub fn logout_callback_request() -> impl Strategy<Value = LogoutCallbackRequest> {
        text().prop_map(|logout_id| LogoutCallbackRequest { logout_id })
    }
}
