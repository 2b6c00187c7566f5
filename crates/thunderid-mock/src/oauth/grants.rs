//! `POST /oauth2/token`'s grants (`O2/token/service.go`, `O2/granthandlers/*`): which grant a request
//! asks for and whether the client may use it, each grant's own parameter checks
//! (`ValidateGrant`), and the grant itself (`HandleGrant`), which returns a [`TokenPlan`] for the
//! minter. One file per grant: [`authorization_code`], [`refresh_token`], [`client_credentials`],
//! [`token_exchange`], [`ciba`] (polling a backchannel request), and the mock-only
//! [`organization_switch`]. jwt-bearer is a known grant type the mock has no handler for.
//!
//! Audience: a token is bound to one resource server ([`crate::oauth::resource`]): its identifier
//! is the access token's `aud` and its permissions the only permission scopes kept; a token bound
//! to none has the client_id as its audience and only OIDC scopes.

pub(crate) mod authorization_code;
pub(crate) mod ciba;
pub(crate) mod client_credentials;
pub(crate) mod organization_switch;
pub(crate) mod refresh_token;
pub(crate) mod token_exchange;

use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::oauth2::{GrantType, TokenRequestParams};

use super::claims::split_scopes;
use super::client_auth::AuthenticatedClient;
use super::mint::{Attributes, CacheEntry, TokenPlan};
use super::{OAuthContext, OAuthError};
use crate::store::oauth::OAuthState;

/// The grants the mock implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grant {
    AuthorizationCode,
    RefreshToken,
    ClientCredentials,
    TokenExchange,
    /// CIBA polling.
    Ciba,
    /// Mock-only: the legacy SDKs' `organization_switch` (issue 9).
    OrganizationSwitch,
}

impl Grant {
    /// `grant_type` present, supported and allowed for the client.
    pub(crate) fn select(
        client: &AuthenticatedClient,
        request: &TokenRequestParams,
    ) -> Result<Self, OAuthError> {
        let Some(grant_type) = request.grant_type().filter(|g| !g.as_str().is_empty()) else {
            return Err(OAuthError::invalid_request("Missing grant_type parameter"));
        };
        let grant = match &grant_type {
            GrantType::AuthorizationCode => Some(Self::AuthorizationCode),
            GrantType::RefreshToken => Some(Self::RefreshToken),
            GrantType::ClientCredentials => Some(Self::ClientCredentials),
            GrantType::TokenExchange => Some(Self::TokenExchange),
            GrantType::Ciba => Some(Self::Ciba),
            // Known to the server, but the mock has no handler for it.
            GrantType::JwtBearer => None,
            // ORGANIZATION SWITCH (issue 9): the legacy SDKs' custom grant, which the real server
            // does not know. The mock serves it to clients that list it in their `grantTypes`; for
            // every other client it stays unknown, as on the real server.
            GrantType::OrganizationSwitch
                if client
                    .oauth
                    .allows_grant(GrantType::OrganizationSwitch.as_str()) =>
            {
                Some(Self::OrganizationSwitch)
            }
            GrantType::OrganizationSwitch | GrantType::Other(_) => {
                return Err(OAuthError::new(
                    OAuthErrorCode::UnsupportedGrantType,
                    "Invalid grant_type parameter",
                ));
            }
        };
        if !client.oauth.allows_grant(grant_type.as_str()) {
            return Err(OAuthError::new(
                OAuthErrorCode::UnauthorizedClient,
                "The client is not authorized to use this grant type",
            ));
        }
        grant.ok_or_else(|| {
            OAuthError::new(
                OAuthErrorCode::UnsupportedGrantType,
                "Unsupported grant type",
            )
        })
    }

    /// The grant's `ValidateGrant`: its own parameters (CIBA also finds its request), before the
    /// DPoP check.
    pub(crate) fn validate(
        self,
        ctx: &OAuthContext<'_>,
        client: &AuthenticatedClient,
        request: &TokenRequestParams,
    ) -> Result<(), OAuthError> {
        match self {
            Self::AuthorizationCode => authorization_code::validate(request),
            Self::RefreshToken => refresh_token::validate(request),
            Self::ClientCredentials => client_credentials::validate(request),
            Self::TokenExchange => token_exchange::validate(request),
            Self::Ciba => ciba::validate(ctx, client, request),
            Self::OrganizationSwitch => organization_switch::validate(request),
        }
    }

    /// The grant's `HandleGrant`: what to issue, with the grant's effects on the stores applied.
    pub(crate) fn plan(
        self,
        ctx: &OAuthContext<'_>,
        client: &AuthenticatedClient,
        request: &TokenRequestParams,
    ) -> Result<TokenPlan, OAuthError> {
        match self {
            Self::AuthorizationCode => authorization_code::plan(ctx, client, request),
            Self::RefreshToken => refresh_token::plan(ctx, client, request),
            Self::ClientCredentials => client_credentials::plan(ctx, client, request),
            Self::TokenExchange => token_exchange::plan(ctx, client, request),
            Self::Ciba => ciba::plan(ctx, client, request),
            Self::OrganizationSwitch => organization_switch::plan(ctx, client, request),
        }
    }
}

/// `GetAttributeCache` as the grants call it: the entry `id` names, or, when it is gone (expired
/// or evicted), the server error the token service answers; no entry when the sign-in released no
/// attribute (`id` empty).
fn cached_attributes(oauth: &OAuthState, id: &str, now: u64) -> Result<Attributes, OAuthError> {
    if id.is_empty() {
        return Ok(Attributes::Cached(None));
    }
    let attributes = oauth.cached_attributes(id, now).ok_or_else(|| {
        OAuthError::new(
            OAuthErrorCode::ServerError,
            "Failed to process token request",
        )
    })?;
    Ok(Attributes::Cached(Some(CacheEntry {
        id: id.to_owned(),
        attributes,
    })))
}

/// The audience and scopes of a user's token: `oidc` scopes kept, permission scopes bound to the
/// resource server `resources` (or the default one) names, downscoped to its permissions.
pub(crate) fn bound_scopes(
    ctx: &OAuthContext<'_>,
    client_id: &str,
    resources: &[String],
    scopes: &[String],
) -> Result<(String, Vec<String>), OAuthError> {
    let (mut oidc, permissions) = split_scopes(scopes);
    let binding = ctx
        .directory
        .read(|d| super::resource::bind(d, resources, &permissions))?;
    Ok(match binding {
        None => (client_id.to_owned(), oidc),
        Some(binding) => {
            oidc.extend(binding.permissions);
            (binding.identifier, oidc)
        }
    })
}

/// Keep only the OIDC scopes (an unbound token carries no permissions when refreshed).
fn oidc_only(scopes: Vec<String>) -> Vec<String> {
    split_scopes(&scopes).0
}
