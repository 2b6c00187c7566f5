//! `GET /oauth2/authorize` into the hosted gate: validate (the `oauth` domain), store the request
//! under a new `authId`, pre-create its AUTHENTICATION execution, and send the browser to
//! `{base}/gate/signin?applicationId=…&authId=…&executionId=…`. Every outcome is a redirect; a
//! refusal goes where [`Refusal::location`] says.

use std::sync::Arc;

use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::ids::ExecutionId;
use thunderid_protocol::oauth2::AuthorizeRequest;

use super::flow::{AuthorizeContext, create_authorize_execution};
use crate::fixtures::ApplicationFixture;
use crate::ids;
use crate::oauth::authorize::{self, Accepted};
use crate::oauth::{Refusal, params, scheme};
use crate::state::AppState;

/// The lifetime of an `authId` when the settings hold none (`oauth.authorization_request`).
const DEFAULT_REQUEST_VALIDITY: u64 = 3600;

/// A stored authorization request and the execution pre-created for it.
pub(crate) struct Begun {
    pub app: Arc<ApplicationFixture>,
    pub auth_id: String,
    pub execution_id: ExecutionId,
    /// The effective redirect URI.
    pub redirect_uri: String,
    pub ui_locales: String,
}

/// Where the browser goes for `request`: the gate's sign-in page, or a refusal.
pub(crate) fn location(state: &AppState, request: &AuthorizeRequest) -> String {
    let registry = state.registry();
    let ctx = super::oauth_context(state);
    match authorize::validate(&ctx, &registry, request).and_then(|accepted| begin(state, accepted))
    {
        Ok(begun) => signin_url(state, &begun),
        Err(refusal) => refusal.location(&state.config().base_url, state.signer().issuer()),
    }
}

/// The gate's sign-in page for a begun request.
fn signin_url(state: &AppState, begun: &Begun) -> String {
    let mut query = vec![
        ("applicationId", begun.app.id.as_str()),
        ("authId", begun.auth_id.as_str()),
        ("executionId", begun.execution_id.as_str()),
    ];
    if !begun.ui_locales.is_empty() {
        query.push(("ui_locales", begun.ui_locales.as_str()));
    }
    if scheme(&begun.redirect_uri).as_deref() == Some("http") {
        query.push(("showInsecureWarning", "true"));
    }
    params::with_query(&state.url("/gate/signin"), &query)
}

/// Store the request under a new `authId` and pre-create its execution. If the execution cannot be
/// created, the request is removed again and the client told `server_error`.
pub(crate) fn begin(state: &AppState, accepted: Accepted) -> Result<Begun, Refusal> {
    let Accepted {
        app,
        request,
        runtime,
        ui_locales,
    } = accepted;
    let now = state.now();
    let validity = match state.settings().oauth.authorization_request.validity_period {
        0 => DEFAULT_REQUEST_VALIDITY,
        seconds => seconds,
    };
    let auth_id = ids::uuid_v7(now);
    let context = AuthorizeContext {
        auth_id: auth_id.clone(),
        client_id: request.client_id.clone(),
        requested_permissions: request.permission_scopes.join(" "),
        resource_server_identifier: request.resources.first().cloned().unwrap_or_default(),
        runtime,
    };
    let redirect_uri = request.redirect_uri.clone();
    let request_state = request.state.clone();
    let oauth = &state.stores().oauth;
    oauth.write(|o| o.add_request(auth_id.clone(), request, now.saturating_add(validity), now));
    let execution_id = match create_authorize_execution(state, &app, context) {
        Ok(execution_id) => execution_id,
        Err(error) => {
            tracing::warn!(%error, "could not pre-create the authentication execution");
            oauth.write(|o| o.remove_request(&auth_id));
            return Err(Refusal::client(
                &redirect_uri,
                OAuthErrorCode::ServerError,
                "Failed to process authorization request",
                &request_state,
            ));
        }
    };
    Ok(Begun {
        app,
        auth_id,
        execution_id,
        redirect_uri,
        ui_locales,
    })
}
