//! The token endpoint and its siblings, over the `oauth` domain:
//!
//! * `POST /oauth2/token` in the real server's order (`O2/token/handler.go`, `service.go`): client
//!   authentication, at most one `DPoP` header, `grant_type` present and supported, allowed for the
//!   client, the grant's own parameter checks, then the grant, whose plan the minter signs.
//! * `POST /oauth2/introspect`, `POST /oauth2/revoke`: client authentication, then the domain.
//! * `POST /oauth2/auth/callback`: the flow's assertion into a code (or the flow's failure relayed),
//!   or, with the CIBA `type`, into a backchannel request's outcome.
//! * `POST /oauth2/par`: client authentication, then the pushed request ([`par`]).

use thunderid_protocol::oauth2::{
    AuthCallbackRequest, IntrospectionResponse, PushedAuthorizationResponse, TokenRequestParams,
    TokenResponse, from_form_pairs,
};

use super::{ServiceResult, oauth_context};
use crate::oauth::callback::Callback;
use crate::oauth::client_auth::{AuthenticatedClient, authenticate_client};
use crate::oauth::grants::Grant;
use crate::oauth::params::FormParams;
use crate::oauth::{OAuthError, callback, ciba, introspection, par};
use crate::state::AppState;

/// What a client sent to one of the authenticated OAuth endpoints.
#[derive(Debug)]
pub(crate) struct ClientRequest {
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// How many `DPoP` headers came.
    pub dpop_proofs: usize,
    pub form: FormParams,
}

/// `POST /oauth2/token`.
pub(crate) fn issue_token(
    state: &AppState,
    request: &ClientRequest,
) -> ServiceResult<TokenResponse> {
    let ctx = oauth_context(state);
    let registry = state.registry();
    let client = authenticate(state, &registry, request)?;
    let params: TokenRequestParams = from_form_pairs(request.form.pairs().iter().cloned())
        .map_err(|_| OAuthError::invalid_request("Failed to parse request body"))?;
    if request.dpop_proofs > 1 {
        return Err(OAuthError::new(
            thunderid_protocol::OAuthErrorCode::InvalidDpopProof,
            "Multiple DPoP headers",
        )
        .into());
    }
    let grant = Grant::select(&client, &params)?;
    grant.validate(&ctx, &client, &params)?;
    if request.dpop_proofs == 1 {
        // The mock does not verify DPoP proofs; the server rejects any it cannot verify like this.
        return Err(OAuthError::new(
            thunderid_protocol::OAuthErrorCode::InvalidDpopProof,
            "Invalid DPoP proof",
        )
        .into());
    }
    let plan = grant.plan(&ctx, &client, &params)?;
    // Signing happens here, after every store operation of the grant has returned.
    Ok(ctx.minter().mint(&client.oauth, plan))
}

/// `POST /oauth2/introspect`.
pub(crate) fn introspect(
    state: &AppState,
    request: &ClientRequest,
) -> ServiceResult<IntrospectionResponse> {
    let registry = state.registry();
    authenticate(state, &registry, request)?;
    let ctx = oauth_context(state);
    Ok(introspection::introspect(
        &ctx,
        request.form.value("token"),
    )?)
}

/// `POST /oauth2/revoke`.
pub(crate) fn revoke(state: &AppState, request: &ClientRequest) -> ServiceResult<()> {
    let registry = state.registry();
    let client = authenticate(state, &registry, request)?;
    let ctx = oauth_context(state);
    Ok(introspection::revoke(
        &ctx,
        &client,
        request.form.value("token"),
    )?)
}

/// What a callback answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CallbackAnswer {
    /// `{"redirect_uri": …}`: where the browser goes next.
    Redirect(String),
    /// `{"status":"OK"}`: a backchannel request took the flow's outcome.
    Acknowledged,
}

/// `POST /oauth2/auth/callback`.
pub(crate) fn auth_callback(
    state: &AppState,
    request: &AuthCallbackRequest,
) -> ServiceResult<CallbackAnswer> {
    let ctx = oauth_context(state);
    let (auth_id, assertion) = (request.auth_id.as_str(), request.assertion.secret());
    Ok(match callback::check(request)? {
        Callback::AuthorizationCode => {
            CallbackAnswer::Redirect(callback::complete(&ctx, auth_id, assertion))
        }
        Callback::Ciba => {
            let registry = state.registry();
            let application_id = |client_id: &str| {
                let app = registry.application_by_client_id(client_id);
                app.map(|app| app.id.clone())
            };
            ciba::callback(&ctx, application_id, auth_id, assertion)?;
            CallbackAnswer::Acknowledged
        }
    })
}

/// `POST /oauth2/par`: authenticate the client, then validate and keep the pushed request.
pub(crate) fn push_authorization_request(
    state: &AppState,
    request: &ClientRequest,
    push: &par::Push<'_>,
) -> ServiceResult<PushedAuthorizationResponse> {
    let registry = state.registry();
    let client = authenticate(state, &registry, request)?;
    let ctx = oauth_context(state);
    Ok(par::push(&ctx, &client, push)?)
}

pub(crate) fn authenticate(
    state: &AppState,
    registry: &crate::store::registry::Registry,
    request: &ClientRequest,
) -> Result<AuthenticatedClient, OAuthError> {
    let ctx = oauth_context(state);
    let outbound = super::flow::outbound::HttpOutbound {
        allowed: &state.config().http_executor_allow,
    };
    let check = ctx.assertion_check(&outbound);
    authenticate_client(
        registry,
        &check,
        request.authorization.as_deref(),
        &request.form,
    )
}
