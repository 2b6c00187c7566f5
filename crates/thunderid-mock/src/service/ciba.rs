//! `POST /oauth2/bc-authorize` (`O2/ciba/service.go` `InitiateBackchannelAuth`) and the control
//! plane's decision on a backchannel request.
//!
//! After client authentication and the domain's checks ([`crate::oauth::ciba`]), the app's
//! AUTHENTICATION flow starts and runs at once, without a browser, with the hint as its
//! `login_hint` input, a lifetime of `expires_in`, and the request in its runtime data. A flow that
//! cannot start, or ends in ERROR, refuses the request: "User not found" as `unknown_user_id`,
//! anything else (an ambiguous user included, whose message the server's mapping misses) as 500
//! `server_error`; no execution is left behind. An INCOMPLETE or COMPLETE flow is accepted and the
//! request stored, PENDING.
//!
//! The control plane (`POST /__mock/ciba/{auth_req_id}`, [`crate::MockServer::decide_ciba`]) lets a
//! test answer for the user without following the e-mailed link: it ends the request's execution
//! and hands the CIBA callback what the flow would have, an assertion for the user the flow
//! identified (approve) or an end-user error assertion (deny).

use std::collections::BTreeMap;

use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::flow::FlowStatus;
use thunderid_protocol::oauth2::BackchannelAuthenticationResponse;

use super::flow::backchannel;
use super::token::{ClientRequest, authenticate};
use super::{ServiceResult, oauth_context};
use crate::error::MockError;
use crate::oauth::OAuthError;
use crate::oauth::ciba::{self, GRANT, INTERVAL};
use crate::state::AppState;
use crate::store::keys;
use crate::store::oauth::{CibaRequest, CibaState};

/// The flow messages that mean "no such user" (`mapFlowErrorToCIBAError`).
const UNKNOWN_USER: &[&str] = &["User not found", "User identity is ambiguous"];

/// `POST /oauth2/bc-authorize`.
pub(crate) fn backchannel_authorize(
    state: &AppState,
    request: &ClientRequest,
) -> ServiceResult<BackchannelAuthenticationResponse> {
    let registry = state.registry();
    let client = authenticate(state, &registry, request)?;
    let ctx = oauth_context(state);
    let accepted = ciba::validate(&ctx, &client, &request.form)?;
    let failed = || {
        MockError::from(OAuthError::new(
            OAuthErrorCode::ServerError,
            "Failed to process backchannel authentication request",
        ))
    };
    let mut runtime = vec![
        (keys::AUTHORIZATION_REQUEST_ID, accepted.auth_req_id.clone()),
        (keys::CALLBACK_TYPE, GRANT.to_owned()),
        (keys::CLIENT_ID, client.client_id().to_owned()),
        (
            keys::REQUESTED_PERMISSIONS,
            accepted.permission_scopes.join(" "),
        ),
        (
            keys::RESOURCE_SERVER_IDENTIFIER,
            accepted.resource_server_identifier.clone(),
        ),
        (keys::BINDING_MESSAGE, accepted.binding_message.clone()),
        (keys::FORCE_CONSENT_REPROMPT, "true".to_owned()),
    ];
    runtime.extend(ciba::attribute_runtime(&ctx, &client, &accepted));
    if !accepted.acr_values.is_empty() {
        runtime.push((keys::REQUESTED_AUTH_CLASSES, accepted.acr_values.clone()));
    }
    let inputs = BTreeMap::from([("login_hint".to_owned(), accepted.login_hint.clone())]);
    let executed =
        backchannel::initiate_and_execute(state, &client.app, runtime, inputs, accepted.expires_in)
            .map_err(|error| {
                tracing::warn!(%error, "the backchannel request's flow did not start");
                failed()
            })?;
    if executed.status == FlowStatus::Error {
        backchannel::discard(state, &executed.execution_id);
        let message = executed
            .error
            .and_then(|e| e.message.default_value)
            .unwrap_or_default();
        return Err(if UNKNOWN_USER.contains(&message.as_str()) {
            OAuthError::new(
                OAuthErrorCode::UnknownUserId,
                "Unable to resolve the user for the provided login_hint",
            )
            .into()
        } else {
            failed()
        });
    }
    let now = state.now();
    let stored = CibaRequest {
        client_id: client.client_id().to_owned(),
        standard_scopes: accepted.standard_scopes,
        resources: (!accepted.resource_server_identifier.is_empty())
            .then_some(accepted.resource_server_identifier)
            .into_iter()
            .collect(),
        state: CibaState::Pending,
        expiry_time: now.saturating_add(accepted.expires_in),
        last_polled_at: None,
        execution_id: executed.execution_id,
        user_id: String::new(),
        authorized_scopes: Vec::new(),
        completed_acr: None,
        auth_time: 0,
        attribute_cache_id: String::new(),
    };
    let id = accepted.auth_req_id.clone();
    state.stores().oauth.write(|o| o.add_ciba(id, stored, now));
    Ok(BackchannelAuthenticationResponse {
        auth_req_id: accepted.auth_req_id,
        expires_in: accepted.expires_in,
        interval: INTERVAL,
    })
}

/// The control plane's decision: end the request's execution and give the CIBA callback the
/// assertion the flow would (approve; without a `sub` when the flow identified nobody) or an
/// end-user error assertion (deny). The callback's own checks answer for a request that is unknown,
/// expired or decided; one whose execution is gone is no longer pending.
pub(crate) fn decide(state: &AppState, auth_req_id: &str, approve: bool) -> ServiceResult<()> {
    let now = state.now();
    let stored = state.stores().oauth.read(|o| o.ciba(auth_req_id, now));
    let Some(stored) = stored else {
        return Err(OAuthError::invalid_request("Invalid auth_req_id").into());
    };
    let not_pending =
        || OAuthError::invalid_request("Backchannel authentication request is not pending");
    if stored.state != CibaState::Pending {
        return Err(not_pending().into());
    }
    let assertion =
        backchannel::decide(state, &stored.execution_id, approve).ok_or_else(not_pending)?;
    let ctx = oauth_context(state);
    let registry = state.registry();
    let application_id = |client_id: &str| {
        let app = registry.application_by_client_id(client_id);
        app.map(|app| app.id.clone())
    };
    Ok(ciba::callback(
        &ctx,
        application_id,
        auth_req_id,
        &assertion,
    )?)
}
