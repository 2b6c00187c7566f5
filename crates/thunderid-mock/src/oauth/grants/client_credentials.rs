//! `grant_type=client_credentials` (`O2/granthandlers/client_credentials.go`): an access token whose
//! subject is the application itself. No ID token, no refresh token.

use std::collections::BTreeMap;

use thunderid_protocol::oauth2::{GrantType, TokenRequestParams};

use super::audience;
use crate::oauth::client_auth::AuthenticatedClient;
use crate::oauth::mint::{Attributes, RefreshPlan, TokenPlan};
use crate::oauth::tokens::parse_scopes;
use crate::oauth::{OAuthError, check_resources, text};

/// `ValidateGrant`.
pub(super) fn validate(request: &TokenRequestParams) -> Result<(), OAuthError> {
    check_resources(&request.resource)
}

/// `HandleGrant`: every requested scope is a permission scope; the audience is the resource, or the
/// client when there is none.
pub(super) fn plan(
    client: &AuthenticatedClient,
    request: &TokenRequestParams,
) -> Result<TokenPlan, OAuthError> {
    if request.resource.len() > 1 {
        return Err(OAuthError::invalid_target(
            "Only a single resource parameter is supported",
        ));
    }
    Ok(TokenPlan {
        subject: client.app.id.clone(),
        audience: audience(&request.resource, client.client_id()),
        scopes: parse_scopes(text(&request.scope)),
        grant_type: GrantType::ClientCredentials,
        // Fixture apps carry no client attributes (`token.accessToken.clientConfig`).
        attributes: Attributes::Given(BTreeMap::new()),
        token_family_id: None,
        actor: None,
        id_token: None,
        refresh: RefreshPlan::None,
        organization: None,
        issued_token_type: None,
    })
}
