//! `grant_type=client_credentials` (`O2/granthandlers/client_credentials.go`): an access token whose
//! subject is the client's entity itself (an application or an agent). No ID token, no refresh token.
//!
//! Every requested scope is a permission scope here, OIDC ones included. With a `resource` or any
//! scope the token binds to a resource server (the default one when no `resource` is sent), and
//! keeps only the permissions the application holds there through its roles (assigned to it or to
//! its groups). With neither, its scope is empty and its audience the client.

use std::collections::BTreeMap;

use thunderid_protocol::oauth2::{GrantType, TokenRequestParams};

use crate::oauth::client_auth::AuthenticatedClient;
use crate::oauth::mint::{Attributes, RefreshPlan, TokenPlan};
use crate::oauth::resource::bind;
use crate::oauth::tokens::parse_scopes;
use crate::oauth::{OAuthContext, OAuthError, check_resources, text};

/// `ValidateGrant`.
pub(super) fn validate(request: &TokenRequestParams) -> Result<(), OAuthError> {
    check_resources(&request.resource)
}

/// `HandleGrant`: bind, downscope, then keep what the application is authorized for.
pub(super) fn plan(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    request: &TokenRequestParams,
) -> Result<TokenPlan, OAuthError> {
    let requested = parse_scopes(text(&request.scope));
    let binding = ctx.directory.read(|d| {
        bind(d, &request.resource, &requested)
            .map(|b| b.map(|b| b.authorized_for(d, client.kind, &client.app.id)))
    })?;
    let (audience, scopes) = match binding {
        Some(binding) => (binding.identifier, binding.permissions),
        None => (client.client_id().to_owned(), Vec::new()),
    };
    Ok(TokenPlan {
        subject: client.app.id.clone(),
        audience,
        scopes,
        grant_type: GrantType::ClientCredentials,
        // Fixture apps carry no client attributes (`token.accessToken.clientConfig`).
        attributes: Attributes::Given(BTreeMap::new()),
        token_family_id: None,
        actor: None,
        id_token: None,
        refresh: RefreshPlan::None,
        organization: None,
        issued_token_type: None,
        claims: None,
        claims_locales: String::new(),
    })
}
