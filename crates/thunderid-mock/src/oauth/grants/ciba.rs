//! `grant_type=urn:openid:params:grant-type:ciba` (`O2/granthandlers/ciba.go`): a client polls
//! with its `auth_req_id` until the user decides.
//!
//! `ValidateGrant` finds the request (unknown, gone from the store or another client's:
//! `invalid_grant` "Invalid auth_req_id") and checks `resource`; `HandleGrant` then runs the state
//! machine: past its expiry `expired_token` (and the request becomes EXPIRED), PENDING
//! `authorization_pending` or, within 5 s of the previous poll, `slow_down` (every pending poll
//! counts, and the interval never grows), DENIED `access_denied`, CONSUMED `invalid_grant`,
//! AUTHENTICATED tokens, after which the request is CONSUMED.

use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::oauth2::{GrantType, TokenRequestParams};

use super::cached_attributes;
use crate::oauth::ciba::INTERVAL;
use crate::oauth::claims::split_scopes;
use crate::oauth::client_auth::AuthenticatedClient;
use crate::oauth::mint::{IdTokenPlan, RefreshPlan, TokenPlan};
use crate::oauth::{OAuthContext, OAuthError, check_resources, text};
use crate::store::oauth::{CibaRequest, CibaState};

/// `ValidateGrant`.
pub(super) fn validate(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    request: &TokenRequestParams,
) -> Result<(), OAuthError> {
    let auth_req_id = text(&request.auth_req_id);
    if auth_req_id.is_empty() {
        return Err(OAuthError::invalid_request("auth_req_id is required"));
    }
    let now = ctx.now;
    let stored = ctx
        .oauth
        .read(|o| o.ciba(auth_req_id, now))
        .filter(|r| r.client_id == client.client_id())
        .ok_or_else(|| OAuthError::invalid_grant("Invalid auth_req_id"))?;
    check_resources(&request.resource)?;
    match request.resource.as_slice() {
        [] => Ok(()),
        [resource] if stored.resources.first() == Some(resource) => Ok(()),
        _ => Err(OAuthError::invalid_target(
            "The resource parameter does not match the authorized resource",
        )),
    }
}

/// `HandleGrant`.
pub(super) fn plan(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    request: &TokenRequestParams,
) -> Result<TokenPlan, OAuthError> {
    let auth_req_id = text(&request.auth_req_id);
    let now = ctx.now;
    let authenticated = ctx.oauth.write(|o| {
        let stored = o
            .ciba_mut(auth_req_id, now)
            .ok_or_else(|| OAuthError::invalid_grant("Invalid auth_req_id"))?;
        poll(stored, now)
    })?;
    let (audience, scopes) = issued_audience_and_scopes(ctx, client, &authenticated)?;
    // Consumed only once the tokens can be issued (the attribute cache entry read): a concurrent
    // poll that lost loses here.
    let attributes = ctx.oauth.write(|o| {
        let attributes = cached_attributes(o, &authenticated.attribute_cache_id, now)?;
        match o.ciba_mut(auth_req_id, now) {
            Some(stored) if stored.state == CibaState::Authenticated => {
                stored.state = CibaState::Consumed;
                Ok(attributes)
            }
            _ => Err(already_used()),
        }
    })?;
    let refresh = if client.oauth.allows_grant(GrantType::RefreshToken.as_str()) {
        RefreshPlan::Issue
    } else {
        RefreshPlan::None
    };
    let mut plan = TokenPlan::user(
        authenticated.user_id,
        audience,
        scopes,
        GrantType::Ciba,
        IdTokenPlan {
            nonce: None,
            auth_time: Some(authenticated.auth_time),
            acr: authenticated.completed_acr,
        },
        refresh,
    );
    plan.attributes = attributes;
    Ok(plan)
}

/// The state machine over the stored request: an error for every state but AUTHENTICATED.
fn poll(stored: &mut CibaRequest, now: u64) -> Result<CibaRequest, OAuthError> {
    if now > stored.expiry_time {
        if !matches!(stored.state, CibaState::Expired | CibaState::Consumed) {
            stored.state = CibaState::Expired;
        }
        return Err(OAuthError::new(
            OAuthErrorCode::ExpiredToken,
            "The authentication request has expired",
        ));
    }
    match stored.state {
        CibaState::Pending => {
            let too_fast = stored
                .last_polled_at
                .is_some_and(|last| now.saturating_sub(last) < INTERVAL);
            stored.last_polled_at = Some(now);
            Err(if too_fast {
                OAuthError::new(
                    OAuthErrorCode::SlowDown,
                    "The client is polling too frequently",
                )
            } else {
                OAuthError::new(
                    OAuthErrorCode::AuthorizationPending,
                    "The user has not yet completed authentication",
                )
            })
        }
        CibaState::Denied => Err(OAuthError::new(
            OAuthErrorCode::AccessDenied,
            "The user denied the authentication request",
        )),
        CibaState::Consumed => Err(already_used()),
        CibaState::Expired => Err(OAuthError::invalid_grant(
            "Invalid authentication request state",
        )),
        CibaState::Authenticated => Ok(stored.clone()),
    }
}

fn already_used() -> OAuthError {
    OAuthError::invalid_grant("The authentication request has already been used")
}

/// `resolveIssuedAudiencesAndScopes`: an unbound request gets the client as audience and its OIDC
/// scopes; a bound one its resource server's identifier and the permissions that server still
/// defines.
fn issued_audience_and_scopes(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    request: &CibaRequest,
) -> Result<(String, Vec<String>), OAuthError> {
    let scopes = if request.authorized_scopes.is_empty() {
        &request.standard_scopes
    } else {
        &request.authorized_scopes
    };
    let (mut oidc, permissions) = split_scopes(scopes);
    let Some(identifier) = request.resources.first() else {
        if !permissions.is_empty() {
            return Err(OAuthError::invalid_grant(
                "The authentication request is not bound to a resource server",
            ));
        }
        return Ok((client.client_id().to_owned(), oidc));
    };
    let kept = ctx.directory.read(|d| {
        let server = d.resource_servers.by_identifier(identifier)?;
        let mut kept: Vec<String> = Vec::new();
        for permission in &permissions {
            if d.resource_servers.is_permission(&server.id, permission)
                && !kept.contains(permission)
            {
                kept.push(permission.clone());
            }
        }
        Some(kept)
    });
    let kept = kept.ok_or_else(|| {
        OAuthError::new(
            OAuthErrorCode::ServerError,
            "Failed to process token request",
        )
    })?;
    oidc.extend(kept);
    Ok((identifier.clone(), oidc))
}
