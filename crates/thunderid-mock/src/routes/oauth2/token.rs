//! `POST /oauth2/token` (and `POST /t/carbon.super/oauth2/token`; other tenants are 404, see
//! [`TenantPrefix`]).
//!
//! The order is the real server's (`O2/token/handler.go`, `service.go`): client authentication,
//! at most one `DPoP` header, `grant_type` present and supported, allowed for the client, the grant's
//! own parameter checks, then the grant itself. Success is 200 [`TokenResponse`] with
//! `Cache-Control: no-store` and `Pragma: no-cache`.
//!
//! The grants live in `token/`: [`authorization_code`], [`refresh_token`], [`client_credentials`],
//! [`token_exchange`]. CIBA and jwt-bearer are known grant types the mock has no handler for.
//!
//! Audience: the mock has no resource-server registry. A `resource` is taken as the token's audience
//! as sent (after the RFC 8707 shape checks); without one the audience is the client_id, and
//! permission scopes are kept rather than resolved against a default resource server.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::oauth2::{
    GrantType, TokenRequestParams, TokenResponse, TokenType, from_form_pairs,
};
use thunderid_protocol::oidc::OrganizationClaims;
use thunderid_protocol::secret::{AccessToken, IdToken, RefreshToken};

use super::client_auth::{AuthenticatedClient, authenticate_client};
use super::params::FormParams;
use crate::error::MockError;
use crate::routes::discovery::TenantPrefix;
use crate::state::AppState;
use crate::tokens::issue::{
    self, AccessTokenSpec, IdTokenSpec, IssuedToken, RefreshTokenSpec, allowed_attributes,
    issue_access_token_in, issue_id_token_in, issue_refresh_token_in, lifetimes, scope_claims,
    user_claims,
};
use crate::wire::GoJson;

mod authorization_code;
mod client_credentials;
mod organization_switch;
mod refresh_token;
mod token_exchange;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth2/token", post(issue_token))
        .route("/t/{tenant}/oauth2/token", post(issue_token))
}

/// The grants the mock implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    AuthorizationCode,
    RefreshToken,
    ClientCredentials,
    TokenExchange,
    /// Mock-only: the legacy SDKs' `organization_switch` (issue 9).
    OrganizationSwitch,
}

async fn issue_token(
    State(state): State<AppState>,
    _tenant: TenantPrefix,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, MockError> {
    let form = FormParams::from_request(&headers, query.as_deref(), &body);
    let client = authenticate_client(&state, &headers, &form)?;
    let request: TokenRequestParams =
        from_form_pairs(form.pairs().iter().cloned()).map_err(|_| {
            MockError::oauth(
                OAuthErrorCode::InvalidRequest,
                "Failed to parse request body",
            )
        })?;
    let dpop_proofs = headers.get_all("dpop").iter().count();
    if dpop_proofs > 1 {
        return Err(MockError::oauth(
            OAuthErrorCode::InvalidDpopProof,
            "Multiple DPoP headers",
        ));
    }
    let grant = select_grant(&client, &request)?;
    validate_grant(grant, &request)?;
    if dpop_proofs == 1 {
        // The mock does not verify DPoP proofs; the server rejects any it cannot verify like this.
        return Err(MockError::oauth(
            OAuthErrorCode::InvalidDpopProof,
            "Invalid DPoP proof",
        ));
    }
    let now = state.now();
    let response = match grant {
        Grant::AuthorizationCode => authorization_code::handle(&state, &client, &request, now)?,
        Grant::RefreshToken => refresh_token::handle(&state, &client, &request, now)?,
        Grant::ClientCredentials => client_credentials::handle(&state, &client, &request, now)?,
        Grant::TokenExchange => token_exchange::handle(&state, &client, &request, now)?,
        Grant::OrganizationSwitch => organization_switch::handle(&state, &client, &request, now)?,
    };
    Ok(no_store(GoJson(response).into_response()))
}

/// `grant_type` present, supported and allowed for the client.
fn select_grant(
    client: &AuthenticatedClient<'_>,
    request: &TokenRequestParams,
) -> Result<Grant, MockError> {
    let Some(grant_type) = request.grant_type().filter(|g| !g.as_str().is_empty()) else {
        return Err(MockError::oauth(
            OAuthErrorCode::InvalidRequest,
            "Missing grant_type parameter",
        ));
    };
    let grant = match &grant_type {
        GrantType::AuthorizationCode => Some(Grant::AuthorizationCode),
        GrantType::RefreshToken => Some(Grant::RefreshToken),
        GrantType::ClientCredentials => Some(Grant::ClientCredentials),
        GrantType::TokenExchange => Some(Grant::TokenExchange),
        // Known to the server, but the mock has no handler for them.
        GrantType::Ciba | GrantType::JwtBearer => None,
        // ORGANIZATION SWITCH (issue 9): the legacy SDKs' custom grant, which the real server does
        // not know. The mock serves it (`token/organization_switch.rs`) to clients that list it in
        // their `grantTypes`; for every other client it stays unknown, as on the real server.
        GrantType::OrganizationSwitch
            if client
                .oauth
                .allows_grant(GrantType::OrganizationSwitch.as_str()) =>
        {
            Some(Grant::OrganizationSwitch)
        }
        GrantType::OrganizationSwitch | GrantType::Other(_) => {
            return Err(MockError::oauth(
                OAuthErrorCode::UnsupportedGrantType,
                "Invalid grant_type parameter",
            ));
        }
    };
    if !client.oauth.allows_grant(grant_type.as_str()) {
        return Err(MockError::oauth(
            OAuthErrorCode::UnauthorizedClient,
            "The client is not authorized to use this grant type",
        ));
    }
    grant.ok_or_else(|| {
        MockError::oauth(
            OAuthErrorCode::UnsupportedGrantType,
            "Unsupported grant type",
        )
    })
}

/// Each grant handler's `ValidateGrant`.
fn validate_grant(grant: Grant, request: &TokenRequestParams) -> Result<(), MockError> {
    let checked = match grant {
        Grant::AuthorizationCode => authorization_code::validate(request),
        Grant::RefreshToken => refresh_token::validate(request),
        Grant::ClientCredentials => client_credentials::validate(request),
        Grant::TokenExchange => token_exchange::validate(request),
        Grant::OrganizationSwitch => organization_switch::validate(request),
    };
    checked.map_err(|(error, description)| MockError::oauth(error, description))
}

/// The headers every token response carries.
fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// What the grant does with refresh tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefreshPlan {
    /// No refresh token.
    None,
    /// A new family member with a fresh lifetime (code grant, client has `refresh_token`).
    Issue,
    /// A rotation keeping the presented token's absolute expiry.
    Rotate { expires_at: u64 },
}

/// Tokens for a user: an access token, an ID token when `openid` was granted, a refresh token per plan.
#[derive(Debug, Clone)]
struct UserTokens {
    subject: String,
    audience: String,
    scopes: Vec<String>,
    /// The `grant_type` claim: the grant that started the family.
    grant_type: GrantType,
    token_family_id: Option<String>,
    nonce: Option<String>,
    auth_time: Option<u64>,
    acr: Option<String>,
    refresh: RefreshPlan,
}

/// Sign a user's tokens (outside the database lock) and build the response.
fn issue_user_tokens(
    state: &AppState,
    client: &AuthenticatedClient<'_>,
    now: u64,
    plan: UserTokens,
) -> TokenResponse {
    issue_user_tokens_in(state, client, now, plan, OrganizationClaims::default())
}

/// [`issue_user_tokens`] for a session switched to `organization` (a refresh of a switched
/// session): the access and ID tokens carry it, and the refresh token its id.
fn issue_user_tokens_in(
    state: &AppState,
    client: &AuthenticatedClient<'_>,
    now: u64,
    plan: UserTokens,
    organization: OrganizationClaims,
) -> TokenResponse {
    let oauth = client.oauth;
    let lifetimes = lifetimes(state, oauth);
    let attributes = user_claims(state, &plan.subject);
    let organization_id = organization.organization_id.clone();
    let access = issue_access_token_in(
        state,
        now,
        AccessTokenSpec {
            subject: plan.subject.clone(),
            audience: plan.audience.clone(),
            client_id: oauth.client_id.clone(),
            scopes: plan.scopes.clone(),
            grant_type: plan.grant_type.clone(),
            attributes: allowed_attributes(&attributes, &oauth.token.access_token.attributes),
            token_family_id: plan.token_family_id.clone(),
            actor: None,
            validity: lifetimes.access_token,
        },
        organization.clone(),
    );
    let id_token = plan.scopes.iter().any(|s| s == "openid").then(|| {
        issue_id_token_in(
            state,
            now,
            IdTokenSpec {
                subject: plan.subject.clone(),
                client_id: oauth.client_id.clone(),
                claims: scope_claims(&plan.scopes, &attributes, &oauth.token.id_token.attributes),
                nonce: plan.nonce.clone(),
                auth_time: plan.auth_time,
                acr: plan.acr.clone(),
                validity: lifetimes.id_token,
            },
            organization,
        )
    });
    let refresh = issue_family_refresh_token(
        state,
        client,
        now,
        &plan,
        lifetimes.refresh_token,
        organization_id.as_deref(),
    );
    let mut response = TokenResponse::new(
        AccessToken::new(access.token),
        TokenType::Bearer,
        access.expires_in,
    );
    response.scope = (!plan.scopes.is_empty()).then(|| plan.scopes.join(" "));
    response.id_token = id_token.map(|t| IdToken::new(t.token));
    response.refresh_token = refresh.map(|t| RefreshToken::new(t.token));
    response
}

/// The refresh token the plan calls for, joining the plan's family.
fn issue_family_refresh_token(
    state: &AppState,
    client: &AuthenticatedClient<'_>,
    now: u64,
    plan: &UserTokens,
    validity: u64,
    organization_id: Option<&str>,
) -> Option<IssuedToken> {
    let expires_at = match plan.refresh {
        RefreshPlan::None => return None,
        RefreshPlan::Issue => now.saturating_add(validity),
        RefreshPlan::Rotate { expires_at } => expires_at,
    };
    let spec = RefreshTokenSpec {
        client_id: client.client_id().to_owned(),
        scopes: plan.scopes.clone(),
        access_token_subject: plan.subject.clone(),
        access_token_audience: vec![plan.audience.clone()],
        grant_type: plan.grant_type.clone(),
        token_family_id: plan.token_family_id.clone(),
        expires_at,
    };
    Some(issue_refresh_token_in(state, now, spec, organization_id))
}

/// The audience of a token bound to `resources` (at most one is accepted upstream): the resource, or
/// the client_id when there is none.
fn audience(resources: &[String], client_id: &str) -> String {
    resources
        .first()
        .cloned()
        .unwrap_or_else(|| client_id.to_owned())
}

/// Keep only the OIDC scopes (an unbound token carries no permissions when refreshed).
fn oidc_only(scopes: Vec<String>) -> Vec<String> {
    issue::split_scopes(&scopes).0
}

/// A parameter as `r.FormValue` reads it: `""` when absent.
fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or_default()
}
