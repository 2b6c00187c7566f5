//! `POST /oauth2/bc-authorize` (CIBA Core 1.0, poll mode; `O2/ciba/handler.go`).
//!
//! The client authenticates as at the token endpoint and sends a
//! [`BackchannelAuthenticationRequest`]; the server answers **200** (with `Cache-Control: no-store`)
//! [`BackchannelAuthenticationResponse`], then the client polls `POST /oauth2/token` with
//! `grant_type=urn:openid:params:grant-type:ciba` and the `auth_req_id`
//! ([`super::token::CibaGrant`]).

use serde::{Deserialize, Serialize};

use super::form_params;

form_params! {
    /// The backchannel authentication request (a form), every parameter as sent.
    pub struct BackchannelAuthenticationRequest {
        /// Exactly one of `login_hint`, `id_token_hint` and `login_hint_token` (which the server
        /// refuses). The hint is matched by the flow (the bundled CIBA flow: the username).
        login_hint: Option<String> = "login_hint",
        /// An ID token (any token the server signed) whose `sub` becomes the hint.
        id_token_hint: Option<String> = "id_token_hint",
        login_hint_token: Option<String> = "login_hint_token",
        /// Space-separated; must include `openid`.
        scope: Option<String> = "scope",
        /// At most 256 printable characters; shown to the user.
        binding_message: Option<String> = "binding_message",
        /// Seconds; 120 when absent or invalid, at most 600.
        requested_expiry: Option<String> = "requested_expiry",
        acr_values: Option<String> = "acr_values",
        /// RFC 8707 resource indicators (at most one is accepted).
        resource: Vec<String> = "resource",
    }
}

/// The answer to a backchannel authentication request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackchannelAuthenticationResponse {
    /// A UUIDv7.
    pub auth_req_id: String,
    /// Seconds the request lives.
    pub expires_in: u64,
    /// Seconds between polls (always 5).
    pub interval: u64,
}

impl BackchannelAuthenticationRequest {
    /// A request for the user `login_hint` names, with these scopes (`openid` among them).
    pub fn for_login_hint(login_hint: impl Into<String>, scope: impl Into<String>) -> Self {
        Self {
            login_hint: Some(login_hint.into()),
            scope: Some(scope.into()),
            ..Self::default()
        }
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the CIBA types.
    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::strategies::{form_body, text};

    /// Any [`BackchannelAuthenticationRequest`].
    pub fn backchannel_authentication_request() -> BoxedStrategy<BackchannelAuthenticationRequest> {
        form_body(BackchannelAuthenticationRequest::PARAMETER_NAMES)
    }

    /// Any [`BackchannelAuthenticationResponse`].
    pub fn backchannel_authentication_response()
    -> impl Strategy<Value = BackchannelAuthenticationResponse> {
        (text(), any::<u64>(), any::<u64>()).prop_map(|(auth_req_id, expires_in, interval)| {
            BackchannelAuthenticationResponse {
                auth_req_id,
                expires_in,
                interval,
            }
        })
    }
}
