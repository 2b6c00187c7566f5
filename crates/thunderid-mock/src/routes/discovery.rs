//! Discovery and keys (`O2/discovery/`, `backend/internal/oauth/jwks/`):
//!
//! * `GET /.well-known/openid-configuration`: [`OpenIdProviderMetadata`].
//! * `GET /.well-known/oauth-authorization-server`: [`AuthorizationServerMetadata`] (no
//!   `scopes_supported`, no OIDC members).
//! * `GET /oauth2/jwks`: the signing key as a [`Jwks`].
//!
//! Both documents are the real server's defaults with endpoints under the base URL (`--public-url`)
//! and `issuer` = the token issuer. One deviation: the real server also publishes an ES256 key
//! (`ecdsa-key`, used for OpenID4VP/VCI), so its `id_token_signing_alg_values_supported` is
//! `["RS256","ES256"]`; the mock serves only the RSA key and says `["RS256"]`.
//!
//! Mock-only, for WSO2 Identity Server clients (seed 003): the OIDC document is also served at
//! `/oauth2/token/.well-known/openid-configuration` (WSO2's discovery path), and every route here
//! also under `/t/carbon.super/…` (other tenants are 404). Reached through the tenant prefix, the
//! documents advertise tenant-prefixed URLs (`{base}/t/carbon.super/oauth2/token`), as WSO2 does
//! with tenant-qualified URLs, for the endpoints the mock also serves under the prefix
//! ([`TENANT_SERVED`]: authorize, token, JWKS); the others keep their base URLs, so every advertised
//! URL answers. The `issuer` stays the token issuer, because clients compare it with the `iss` of
//! the tokens they receive.

use axum::Router;
use axum::extract::{FromRequestParts, RawPathParams, State};
use axum::http::request::Parts;
use axum::routing::get;
use thunderid_protocol::ids::{IssuerUrl, KeyId};
use thunderid_protocol::oauth2::token::GrantType;
use thunderid_protocol::oidc::{
    AuthorizationServerMetadata, Jwk, Jwks, JwsAlgorithm, OpenIdProviderMetadata,
};

use crate::error::MockError;
use crate::state::AppState;
use crate::wire::GoJson;

/// The only tenant the mock knows: WSO2's super tenant.
pub(crate) const SUPER_TENANT: &str = "carbon.super";
/// The path prefix of [`SUPER_TENANT`].
const TENANT_PREFIX: &str = "/t/carbon.super";
/// The endpoints served under [`TENANT_PREFIX`] too: authorize and token by `routes/oauth2`, JWKS
/// here. Tenant-prefixed discovery advertises these with the prefix.
const TENANT_SERVED: [&str; 3] = ["/oauth2/authorize", "/oauth2/token", "/oauth2/jwks"];

pub(crate) fn routes() -> Router<AppState> {
    let oidc = || get(get_openid_configuration);
    let oauth = || get(get_authorization_server_metadata);
    Router::new()
        .route("/.well-known/openid-configuration", oidc())
        .route("/.well-known/oauth-authorization-server", oauth())
        .route("/oauth2/token/.well-known/openid-configuration", oidc())
        .route("/oauth2/jwks", get(get_jwks))
        .route("/t/{tenant}/.well-known/openid-configuration", oidc())
        .route(
            "/t/{tenant}/.well-known/oauth-authorization-server",
            oauth(),
        )
        .route(
            "/t/{tenant}/oauth2/token/.well-known/openid-configuration",
            oidc(),
        )
        .route("/t/{tenant}/oauth2/jwks", get(get_jwks))
}

/// The `/t/{tenant}` prefix a route was reached under: empty without one, `/t/carbon.super` for the
/// super tenant. Any other tenant is answered 404, as an unknown path.
#[derive(Debug, Clone)]
pub(crate) struct TenantPrefix(pub &'static str);

impl<S: Send + Sync> FromRequestParts<S> for TenantPrefix {
    type Rejection = MockError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| MockError::NotFound)?;
        match params.iter().find(|(name, _)| *name == "tenant") {
            None => Ok(Self("")),
            Some((_, SUPER_TENANT)) => Ok(Self(TENANT_PREFIX)),
            Some(_) => Err(MockError::NotFound),
        }
    }
}

async fn get_openid_configuration(
    State(state): State<AppState>,
    TenantPrefix(prefix): TenantPrefix,
) -> GoJson<OpenIdProviderMetadata> {
    let mut metadata = OpenIdProviderMetadata::server_default(
        &state.url(""),
        issuer(&state),
        signing_algorithms(),
    );
    as_configured(&mut metadata.authorization_server);
    prefix_tenant_endpoints(&mut metadata.authorization_server, &state, prefix);
    GoJson(metadata)
}

async fn get_authorization_server_metadata(
    State(state): State<AppState>,
    TenantPrefix(prefix): TenantPrefix,
) -> GoJson<AuthorizationServerMetadata> {
    let mut metadata = AuthorizationServerMetadata::server_default(&state.url(""), issuer(&state));
    as_configured(&mut metadata);
    prefix_tenant_endpoints(&mut metadata, &state, prefix);
    GoJson(metadata)
}

/// The document of a server with dynamic client registration and CIBA switched off, which is what the
/// mock is: the real server advertises those members only when the features are enabled
/// (`discovery/service.go`), and a client must never be sent to an endpoint that does not answer.
/// For the same reason the PAR endpoint, which the real server always lists but the mock does not
/// serve, is left out (README, "Known differences"), and so are the grants the mock does not serve
/// (CIBA, jwt-bearer).
fn as_configured(metadata: &mut AuthorizationServerMetadata) {
    metadata.registration_endpoint = None;
    metadata.pushed_authorization_request_endpoint = None;
    metadata.backchannel_authentication_endpoint = None;
    metadata.backchannel_token_delivery_modes_supported.clear();
    metadata
        .grant_types_supported
        .retain(|grant| !matches!(grant, GrantType::Ciba | GrantType::JwtBearer));
}

/// Point the [`TENANT_SERVED`] endpoints at their tenant-prefixed URLs (no-op without a prefix).
fn prefix_tenant_endpoints(
    metadata: &mut AuthorizationServerMetadata,
    state: &AppState,
    prefix: &str,
) {
    if prefix.is_empty() {
        return;
    }
    let [authorize, token, jwks] = TENANT_SERVED.map(|path| state.url(&format!("{prefix}{path}")));
    metadata.authorization_endpoint = authorize;
    metadata.token_endpoint = token;
    metadata.jwks_uri = jwks;
}

async fn get_jwks(State(state): State<AppState>, TenantPrefix(_): TenantPrefix) -> GoJson<Jwks> {
    GoJson(jwks(&state))
}

fn issuer(state: &AppState) -> IssuerUrl {
    IssuerUrl::new(state.config().issuer.clone())
}

/// The algorithms of the served keys: only the RSA signing key (see the module docs).
fn signing_algorithms() -> Vec<JwsAlgorithm> {
    vec![JwsAlgorithm::Rs256]
}

/// The signing key as the server publishes it: `use: sig`, `alg: RS256`, the certificate chain and
/// both thumbprints (`x5t#S256` equals `kid`).
fn jwks(state: &AppState) -> Jwks {
    let key = state.signer().key();
    let mut jwk = Jwk::rsa(KeyId::new(key.kid.clone()), key.n.clone(), key.e.clone());
    jwk.certificate_chain = key.x5c.clone();
    jwk.thumbprint_sha1 = Some(key.x5t.clone());
    jwk.thumbprint_sha256 = Some(key.kid.clone());
    Jwks { keys: vec![jwk] }
}
