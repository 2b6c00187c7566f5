//! The direct authentication API (see `service::authn`). Each handler runs its service behind the
//! `Direct-Auth-Secret` guard ([`guarded`]), which AuthZEN's evaluations share. A refused secret
//! is a bare 401: the guard runs outside the route's CORS wrapper. `OPTIONS` (204) is answered
//! by the route table's CORS policy, unguarded.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};
use serde::Serialize;

use crate::cors::NoCors;
use crate::error::MockError;
use crate::graph::FederatedKind;
use crate::service::authn;
use crate::state::AppState;
use crate::wire::GoJson;

/// Run `call` behind the direct-auth guard (`direct_auth.go` `Wrap`).
pub(crate) fn guarded(
    state: &AppState,
    headers: &HeaderMap,
    call: impl FnOnce() -> Result<Response, MockError>,
) -> Response {
    let given = headers.get(authn::DIRECT_AUTH_SECRET).map(|v| v.as_bytes());
    if let Err(refused) = authn::check_secret(state, given) {
        let mut response = refused.into_response();
        response.extensions_mut().insert(NoCors);
        return response;
    }
    call().unwrap_or_else(IntoResponse::into_response)
}

/// A `POST` route whose body goes to `call` behind the guard; the answer is Go-style JSON.
fn direct<R: Serialize>(
    call: impl Fn(&AppState, &[u8]) -> Result<R, MockError> + Clone + Send + Sync + 'static,
) -> MethodRouter<AppState> {
    post(
        move |State(state): State<AppState>, headers: HeaderMap, body: Bytes| {
            std::future::ready(guarded(&state, &headers, || {
                call(&state, &body).map(|r| GoJson(r).into_response())
            }))
        },
    )
}

/// `POST /auth/credentials/authenticate`.
pub(crate) fn authenticate_credentials() -> MethodRouter<AppState> {
    direct(authn::credentials::authenticate)
}

/// `POST /auth/otp/sms/send`.
pub(crate) fn send_sms_otp() -> MethodRouter<AppState> {
    direct(authn::otp::send)
}

/// `POST /auth/otp/sms/verify`.
pub(crate) fn verify_sms_otp() -> MethodRouter<AppState> {
    direct(authn::otp::verify)
}

/// `POST /auth/oauth/{google,github,standard}/start`: the path's IdP type.
fn start_idp(kind: FederatedKind) -> MethodRouter<AppState> {
    direct(move |state: &AppState, body: &[u8]| authn::federated::start(state, body, kind))
}

/// `POST /auth/oauth/{google,github,standard}/finish`: the path's IdP type.
fn finish_idp(kind: FederatedKind) -> MethodRouter<AppState> {
    direct(move |state: &AppState, body: &[u8]| authn::federated::finish(state, body, kind))
}

/// `POST /auth/oauth/google/start`.
pub(crate) fn google_start() -> MethodRouter<AppState> {
    start_idp(FederatedKind::Google)
}

/// `POST /auth/oauth/google/finish`.
pub(crate) fn google_finish() -> MethodRouter<AppState> {
    finish_idp(FederatedKind::Google)
}

/// `POST /auth/oauth/github/start`.
pub(crate) fn github_start() -> MethodRouter<AppState> {
    start_idp(FederatedKind::Github)
}

/// `POST /auth/oauth/github/finish`.
pub(crate) fn github_finish() -> MethodRouter<AppState> {
    finish_idp(FederatedKind::Github)
}

/// `POST /auth/oauth/standard/start`: an OAuth (or OIDC) IdP.
pub(crate) fn standard_start() -> MethodRouter<AppState> {
    start_idp(FederatedKind::OAuth)
}

/// `POST /auth/oauth/standard/finish`.
pub(crate) fn standard_finish() -> MethodRouter<AppState> {
    finish_idp(FederatedKind::OAuth)
}

/// `POST /auth/passkey/start`.
pub(crate) fn start_passkey_authentication() -> MethodRouter<AppState> {
    direct(authn::passkey::start_authentication)
}

/// `POST /auth/passkey/finish`.
pub(crate) fn finish_passkey_authentication() -> MethodRouter<AppState> {
    direct(authn::passkey::finish_authentication)
}

/// `POST /register/passkey/start`.
pub(crate) fn start_passkey_registration() -> MethodRouter<AppState> {
    direct(authn::passkey::start_registration)
}

/// `POST /register/passkey/finish`.
pub(crate) fn finish_passkey_registration() -> MethodRouter<AppState> {
    direct(authn::passkey::finish_registration)
}
