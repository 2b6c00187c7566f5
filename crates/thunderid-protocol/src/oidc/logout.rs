//! `GET|POST /oauth2/logout`
//!
//! The `end_session_endpoint` (RP-initiated logout, `O2/logout/`). The client is resolved from
//! `id_token_hint` (signature, `typ: JWT` and `iss` checked, **expiry not**) or from `client_id`.
//! Errors are 400 `text/plain` ("invalid id_token_hint", "id_token_hint or client_id is required", …).
//! Success is a 302 to the gate's sign-out page ([`SignOutRedirectParams`]); the gate runs the SIGNOUT
//! flow and then calls `POST /oauth2/logout/callback` (see [`crate::oauth2::callback`]).

use serde::{Deserialize, Serialize};

use crate::ids::{ApplicationId, ExecutionId};
use crate::oauth2::form_params;

/// The `state` the JS SDK sends and checks for to detect a successful sign-out.
pub const SIGN_OUT_SUCCESS_STATE: &str = "sign_out_success";

form_params! {
    /// The end-session parameters (query or form), as sent. `Debug` redacts `id_token_hint`.
    pub struct EndSessionRequest {
        id_token_hint: Option<String> = "id_token_hint",
        client_id: Option<String> = "client_id",
        /// Checked against the client's registered `postLogoutRedirectUris`.
        post_logout_redirect_uri: Option<String> = "post_logout_redirect_uri",
        /// Echoed on the post-logout redirect.
        state: Option<String> = "state",
    }
}

/// The query of the 302 to the gate's sign-out page (`{base}/gate/signout?…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignOutRedirectParams {
    pub application_id: ApplicationId,
    /// The SIGNOUT execution the gate continues with `POST /flow/execute`.
    pub execution_id: ExecutionId,
    /// Single use; the gate posts it to `/oauth2/logout/callback`.
    pub logout_id: String,
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for logout.
    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::strategies::{form_body, text};

    /// Any [`EndSessionRequest`].
    pub fn end_session_request() -> BoxedStrategy<EndSessionRequest> {
        form_body(EndSessionRequest::PARAMETER_NAMES)
    }

    /// Any [`SignOutRedirectParams`].
    pub fn sign_out_redirect_params() -> impl Strategy<Value = SignOutRedirectParams> {
        (text(), text(), text()).prop_map(|(application_id, execution_id, logout_id)| {
            SignOutRedirectParams {
                application_id: ApplicationId::new(application_id),
                execution_id: ExecutionId::new(execution_id),
                logout_id,
            }
        })
    }
}
