//! `grant_type=client_credentials` (`O2/granthandlers/client_credentials.go`): an access token whose
//! subject is the application itself. No ID token, no refresh token.

use std::collections::BTreeMap;

use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::oauth2::{GrantType, TokenRequestParams, TokenResponse, TokenType};
use thunderid_protocol::secret::AccessToken;

use super::{AuthenticatedClient, audience, text};
use crate::error::MockError;
use crate::routes::oauth2::check_resources;
use crate::routes::oauth2::validate::parse_scopes;
use crate::state::AppState;
use crate::tokens::issue::{AccessTokenSpec, issue_access_token, lifetimes};

/// `ValidateGrant`.
pub(super) fn validate(request: &TokenRequestParams) -> Result<(), (OAuthErrorCode, &'static str)> {
    check_resources(&request.resource)
}

/// `HandleGrant`: every requested scope is a permission scope; the audience is the resource, or the
/// client when there is none.
pub(super) fn handle(
    state: &AppState,
    client: &AuthenticatedClient<'_>,
    request: &TokenRequestParams,
    now: u64,
) -> Result<TokenResponse, MockError> {
    if request.resource.len() > 1 {
        return Err(MockError::oauth(
            OAuthErrorCode::InvalidTarget,
            "Only a single resource parameter is supported",
        ));
    }
    let scopes = parse_scopes(text(&request.scope));
    let access = issue_access_token(
        state,
        now,
        AccessTokenSpec {
            subject: client.app.id.clone(),
            audience: audience(&request.resource, client.client_id()),
            client_id: client.client_id().to_owned(),
            scopes: scopes.clone(),
            grant_type: GrantType::ClientCredentials,
            // Fixture apps carry no client attributes (`token.accessToken.clientConfig`).
            attributes: BTreeMap::new(),
            token_family_id: None,
            actor: None,
            validity: lifetimes(state, client.oauth).access_token,
        },
    );
    let mut response = TokenResponse::new(
        AccessToken::new(access.token),
        TokenType::Bearer,
        access.expires_in,
    );
    response.scope = (!scopes.is_empty()).then(|| scopes.join(" "));
    Ok(response)
}
