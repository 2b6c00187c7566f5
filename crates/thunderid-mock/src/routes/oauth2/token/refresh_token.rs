//! `grant_type=refresh_token` (`O2/granthandlers/refresh_token.go`).
//!
//! Rotation, as the server's defaults configure it (`renew_on_grant`, `revoke_previous_on_renew`): a
//! new refresh token that keeps the presented one's absolute expiry, and the presented one revoked.
//! Presenting a revoked (rotated) token again revokes the whole family (RFC 9700 §4.14.2).
//!
//! A session switched to an organization (the mock-only `organization_switch` grant, or a token
//! exchange with an organization) stays in it: its refresh token carries the organization's `org_id`,
//! and the new tokens carry the organization's claims as the live unit store has them now (a renamed
//! unit shows its new name). The membership is checked again after the rotation, as the switch checks
//! it: a user no longer in the organization (or a deleted unit) gets the switch's `invalid_grant`, and
//! the presented refresh token is spent, ending the switched session.

use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::oauth2::{GrantType, TokenRequestParams, TokenResponse};
use thunderid_protocol::oidc::OrganizationClaims;

use super::organization_switch::organization_of_member;
use super::{AuthenticatedClient, RefreshPlan, UserTokens, issue_user_tokens_in, oidc_only, text};
use crate::error::MockError;
use crate::routes::oauth2::check_resources;
use crate::routes::oauth2::validate::{
    RefreshTokenView, parse_scopes, refresh_token as verified_refresh_token, string_claim,
};
use crate::state::AppState;

/// `ValidateGrant`.
pub(super) fn validate(request: &TokenRequestParams) -> Result<(), (OAuthErrorCode, &'static str)> {
    if text(&request.refresh_token).is_empty() {
        return Err((OAuthErrorCode::InvalidRequest, "Refresh token is required"));
    }
    check_resources(&request.resource)
}

/// `HandleGrant`: check the token (deny list, owner, subject, scope, resource), rotate it, then sign
/// the new tokens outside the lock.
pub(super) fn handle(
    state: &AppState,
    client: &AuthenticatedClient<'_>,
    request: &TokenRequestParams,
    now: u64,
) -> Result<TokenResponse, MockError> {
    let invalid_token = || MockError::oauth(OAuthErrorCode::InvalidGrant, "Invalid refresh token");
    let token = verified_refresh_token(state, text(&request.refresh_token), now)
        .ok_or_else(invalid_token)?;
    let plan = {
        let mut db = state.db();
        db.oauth
            .check_refresh_token(
                token.jwt_id.as_deref(),
                token.token_family_id.as_deref(),
                now,
            )
            .map_err(|_| invalid_token())?;
        if token.client_id != client.client_id() {
            return Err(invalid_token());
        }
        // The subject must still exist (`verifyCredentialsUnchanged`).
        if db.users.get(&token.access_token_subject).is_none() {
            return Err(invalid_token());
        }
        let plan = rotation_plan(&token, client, request, now)?;
        // Single use: the presented token joins the deny list until it would have expired.
        db.oauth.revoke_token(
            token.jwt_id.as_deref().unwrap_or_default(),
            token.expires_at,
            now,
        );
        plan
    };
    // Outside the lock: `organization_of_member` takes it itself.
    let organization = match string_claim(&token.claims, "org_id") {
        Some(organization_id) => {
            organization_of_member(state, &plan.subject, organization_id, now)?
        }
        None => OrganizationClaims::default(),
    };
    Ok(issue_user_tokens_in(state, client, now, plan, organization))
}

/// Everything the rotation is allowed to grant, or why not; no state changes.
fn rotation_plan(
    token: &RefreshTokenView,
    client: &AuthenticatedClient<'_>,
    request: &TokenRequestParams,
    now: u64,
) -> Result<UserTokens, MockError> {
    let scopes = narrowed_scopes(text(&request.scope), &token.scopes)?;
    let [audience] = token.access_token_audiences.as_slice() else {
        return Err(MockError::oauth(
            OAuthErrorCode::InvalidGrant,
            "Refresh token is not bound to a single resource server",
        ));
    };
    match request.resource.as_slice() {
        [] => {}
        [resource] if resource == audience => {}
        [_] => {
            return Err(MockError::oauth(
                OAuthErrorCode::InvalidTarget,
                "Requested resource does not match the refresh token audience",
            ));
        }
        _ => {
            return Err(MockError::oauth(
                OAuthErrorCode::InvalidTarget,
                "Only a single resource parameter is supported",
            ));
        }
    }
    // A token bound to no resource server (its audience is the client) carries only OIDC scopes.
    let scopes = if audience == client.client_id() {
        oidc_only(scopes)
    } else {
        scopes
    };
    if token.expires_at <= now {
        // Inside the verification leeway the rotated token would be born expired.
        return Err(MockError::oauth(
            OAuthErrorCode::ServerError,
            "Failed to process token request",
        ));
    }
    Ok(UserTokens {
        subject: token.access_token_subject.clone(),
        audience: audience.clone(),
        scopes,
        grant_type: GrantType::parse(&token.grant_type),
        token_family_id: token.token_family_id.clone(),
        nonce: None,
        auth_time: None,
        acr: None,
        refresh: RefreshPlan::Rotate {
            expires_at: token.expires_at,
        },
    })
}

/// `validateAndApplyScopes`: all granted scopes, or a requested subset of them.
fn narrowed_scopes(requested: &str, granted: &[String]) -> Result<Vec<String>, MockError> {
    let requested = parse_scopes(requested);
    if requested.is_empty() {
        return Ok(granted.to_vec());
    }
    if requested.iter().all(|scope| granted.contains(scope)) {
        return Ok(requested);
    }
    Err(MockError::oauth(
        OAuthErrorCode::InvalidScope,
        "Requested scope exceeds the scope granted by the resource owner",
    ))
}
