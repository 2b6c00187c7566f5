//! Discovery and keys (`O2/discovery/`, `backend/internal/oauth/jwks/`):
//!
//! * `GET /.well-known/openid-configuration`: [`OpenIdProviderMetadata`].
//! * `GET /.well-known/oauth-authorization-server`: [`AuthorizationServerMetadata`] (no
//!   `scopes_supported`, no OIDC members).
//! * `GET /oauth2/jwks`: the published keys as a [`Jwks`] (`service::keys`), with no
//!   `Cache-Control`, as the server's handler sets none.
//!
//! Both documents are the real server's defaults (thunder-id/thunderid 4e69e01,
//! `O2/discovery/service.go` over `backend/cmd/server/config/default.json`), member for member and
//! in its member order, with endpoints under the base URL (`--public-url`) and `issuer` = the token
//! issuer, minus what the mock does not serve ([`as_served`]):
//!
//! * `dpop_signing_alg_values_supported`: no DPoP;
//! * the jwt-bearer grant and its `authorization_grant_profiles_supported` (ID-JAG);
//! * ES256 among the signing algorithms while no EC key is published: the real server also
//!   publishes an ES256 key (`ecdsa-key`, for OpenID4VP/VCI); the mock lists the algorithms of the
//!   keys in its ring (`/__mock/keys`), the fixture RSA key alone by default;
//! * `userinfo_signing_alg_values_supported` and the UserInfo / ID token encryption members:
//!   UserInfo is always JSON and ID tokens are never encrypted.
//!
//! `require_pushed_authorization_requests` appears when `server.json` sets `oauth.par.requirePar`.
//! `tests/it/discovery.rs` compares both documents with a checked-in copy of the server's, derived
//! from its code (`tests/it/expected/discovery.json`).
//!
//! Mock-only, for WSO2 Identity Server clients (seed 003): the OIDC document is also served at
//! `/oauth2/token/.well-known/openid-configuration` (WSO2's discovery path), and every route here
//! also under `/t/carbon.super/…` (other tenants are 404). Reached through the tenant prefix, the
//! documents advertise tenant-prefixed URLs (`{base}/t/carbon.super/oauth2/token`), as WSO2 does
//! with tenant-qualified URLs, for the endpoints the route table serves under the prefix (authorize,
//! token, JWKS); the others keep their base URLs, so every advertised URL answers. The `issuer` stays the token issuer, because clients compare it with the `iss` of
//! the tokens they receive.

use axum::Extension;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, header};
use thunderid_protocol::ids::IssuerUrl;
use thunderid_protocol::oauth2::token::GrantType;
use thunderid_protocol::oidc::{AuthorizationServerMetadata, Jwks, OpenIdProviderMetadata};

use super::{Endpoint, endpoint_url};
use crate::extract::TenantPrefix;
use crate::faults::Connection;
use crate::service::keys;
use crate::state::AppState;
use crate::wire::GoJson;

/// `GET /.well-known/openid-configuration`.
pub(crate) async fn get_openid_configuration(
    State(state): State<AppState>,
    TenantPrefix(prefix): TenantPrefix,
) -> GoJson<OpenIdProviderMetadata> {
    let base = state.url("");
    let mut metadata = OpenIdProviderMetadata::server_default(
        &base,
        issuer(&state),
        keys::signing_algorithms(&state),
    );
    as_served(&mut metadata.authorization_server, &state, prefix);
    oidc_as_served(&mut metadata);
    metadata.userinfo_endpoint =
        endpoint_url(Endpoint::UserInfo, &base, prefix).unwrap_or(metadata.userinfo_endpoint);
    metadata.end_session_endpoint = endpoint_url(Endpoint::EndSession, &base, prefix);
    GoJson(metadata)
}

/// `GET /.well-known/oauth-authorization-server`.
pub(crate) async fn get_authorization_server_metadata(
    State(state): State<AppState>,
    TenantPrefix(prefix): TenantPrefix,
) -> GoJson<AuthorizationServerMetadata> {
    let mut metadata = AuthorizationServerMetadata::server_default(&state.url(""), issuer(&state));
    as_served(&mut metadata, &state, prefix);
    GoJson(metadata)
}

/// `GET /oauth2/jwks`.
pub(crate) async fn get_jwks(
    State(state): State<AppState>,
    _: TenantPrefix,
    headers: HeaderMap,
    connection: Option<Extension<ConnectInfo<Connection>>>,
) -> GoJson<Jwks> {
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let peer = connection.and_then(|Extension(ConnectInfo(c))| c.peer().map(|p| p.to_string()));
    GoJson(keys::jwks(&state, user_agent, peer))
}

/// The endpoints as the route table serves them (a client must never be sent to an endpoint that
/// does not answer), under the tenant prefix where the table serves one; what the mock does not
/// serve left out (module docs).
fn as_served(metadata: &mut AuthorizationServerMetadata, state: &AppState, prefix: &str) {
    let base = state.url("");
    let url = |endpoint| endpoint_url(endpoint, &base, prefix);
    if let Some(authorize) = url(Endpoint::Authorization) {
        metadata.authorization_endpoint = authorize;
    }
    if let Some(token) = url(Endpoint::Token) {
        metadata.token_endpoint = token;
    }
    if let Some(jwks) = url(Endpoint::Jwks) {
        metadata.jwks_uri = jwks;
    }
    metadata.registration_endpoint = url(Endpoint::Registration);
    metadata.revocation_endpoint = url(Endpoint::Revocation);
    metadata.introspection_endpoint = url(Endpoint::Introspection);
    metadata.pushed_authorization_request_endpoint = url(Endpoint::PushedAuthorization);
    metadata.require_pushed_authorization_requests = state.settings().oauth.par.require_par;
    metadata.backchannel_authentication_endpoint = url(Endpoint::Backchannel);
    metadata
        .grant_types_supported
        .retain(|grant| !matches!(grant, GrantType::JwtBearer));
    metadata.authorization_grant_profiles_supported.clear();
    if state.config().version.is_v1_0() {
        // The v1.0.x line predates the member (5ba9f5a35); it accepts the same assertions.
        metadata
            .token_endpoint_auth_signing_alg_values_supported
            .clear();
    }
    metadata.dpop_signing_alg_values_supported.clear();
}

/// The OIDC members the mock does not serve (module docs).
fn oidc_as_served(metadata: &mut OpenIdProviderMetadata) {
    metadata.userinfo_signing_alg_values_supported.clear();
    metadata.userinfo_encryption_alg_values_supported.clear();
    metadata.userinfo_encryption_enc_values_supported.clear();
    metadata.id_token_encryption_alg_values_supported.clear();
    metadata.id_token_encryption_enc_values_supported.clear();
}

fn issuer(state: &AppState) -> IssuerUrl {
    IssuerUrl::new(state.config().issuer.clone())
}
