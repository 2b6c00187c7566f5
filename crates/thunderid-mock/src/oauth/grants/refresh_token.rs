//! `grant_type=refresh_token` (`O2/granthandlers/refresh_token.go`).
//!
//! The new tokens carry the user attributes of the sign-in's attribute cache entry (the refresh
//! token's `aci`), never the user's current ones: after a consent step, only the consented ones.
//! An entry that is gone (expired, evicted) is the token service's `server_error`, with the
//! presented token left usable; a used one is extended to outlive the longest of the new tokens.
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
use thunderid_protocol::oauth2::{GrantType, TokenRequestParams};

use super::organization_switch::organization_of_member;
use super::{cached_attributes, oidc_only};
use crate::fixtures::MemberKind;
use crate::oauth::claims::{ClaimsRequest, is_standard_scope, split_scopes};
use crate::oauth::client_auth::AuthenticatedClient;
use crate::oauth::mint::{
    ATTRIBUTE_CACHE_BUFFER, Attributes, IdTokenPlan, RefreshPlan, TokenPlan, lifetimes,
};
use crate::oauth::tokens::{
    RefreshTokenView, parse_scopes, refresh_token as verified_refresh_token, string_claim,
};
use crate::oauth::{OAuthContext, OAuthError, check_resources, text};
use crate::store::directory::Directory;
use crate::store::groups::MemberRef;

/// `ValidateGrant`.
pub(super) fn validate(request: &TokenRequestParams) -> Result<(), OAuthError> {
    if text(&request.refresh_token).is_empty() {
        return Err(OAuthError::invalid_request("Refresh token is required"));
    }
    check_resources(&request.resource)
}

/// `HandleGrant`: check the token (deny list, owner, subject, scope, resource), rotate it, then
/// plan the new tokens.
pub(super) fn plan(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    request: &TokenRequestParams,
) -> Result<TokenPlan, OAuthError> {
    let invalid_token = || OAuthError::invalid_grant("Invalid refresh token");
    let now = ctx.now;
    let token =
        verified_refresh_token(ctx, text(&request.refresh_token)).ok_or_else(invalid_token)?;
    // The subject must still exist (`verifyCredentialsUnchanged`); what it may still have on the
    // token's resource server is read now, outside the OAuth state's lock.
    let (subject_exists, current) = ctx.directory.read(|d| {
        (
            d.users.get(&token.access_token_subject).is_some(),
            current_permissions(d, &token, client.client_id()),
        )
    });
    let cache_id = string_claim(&token.claims, "aci")
        .unwrap_or_default()
        .to_owned();
    let access_validity = lifetimes(ctx.settings, &client.oauth).access_token;
    let mut plan = ctx.oauth.write(|oauth| {
        oauth
            .check_refresh_token(
                token.jwt_id.as_deref(),
                token.token_family_id.as_deref(),
                now,
            )
            .map_err(|_| invalid_token())?;
        if token.client_id != client.client_id() || !subject_exists {
            return Err(invalid_token());
        }
        let mut plan = rotation_plan(&token, request, current, now)?;
        plan.attributes = cached_attributes(oauth, &cache_id, now)?;
        // Single use: the presented token joins the deny list until it would have expired.
        oauth.revoke_token(
            token.jwt_id.as_deref().unwrap_or_default(),
            token.expires_at,
            now,
        );
        // `extendCacheTTL`: the entry outlives the rotated token (same expiry) and the new access
        // token, plus the buffer; it was read under this lock, so it is there to extend.
        if !cache_id.is_empty() {
            let longest = token.expires_at.max(now.saturating_add(access_validity));
            let ttl = longest - now + ATTRIBUTE_CACHE_BUFFER;
            oauth.extend_attribute_cache(&cache_id, ttl, now);
        }
        Ok(plan)
    })?;
    // The original request's `claims` and `claims_locales` ride along in the refresh token.
    plan.claims = string_claim(&token.claims, "access_token_claims_request")
        .and_then(ClaimsRequest::from_stored);
    plan.claims_locales = string_claim(&token.claims, "access_token_claims_locales")
        .unwrap_or_default()
        .to_owned();
    if let Some(organization_id) = string_claim(&token.claims, "org_id") {
        plan.organization = Some(organization_of_member(ctx, &plan.subject, organization_id)?);
        // Mock-only: a switched session has no cache entry of its own (see the switch).
        if cache_id.is_empty() {
            plan.attributes = Attributes::OfUser;
        }
    }
    Ok(plan)
}

/// Everything the rotation is allowed to grant, or why not; no state changes.
fn rotation_plan(
    token: &RefreshTokenView,
    request: &TokenRequestParams,
    current: Current,
    now: u64,
) -> Result<TokenPlan, OAuthError> {
    let scopes = narrowed_scopes(text(&request.scope), &token.scopes)?;
    let [audience] = token.access_token_audiences.as_slice() else {
        return Err(OAuthError::invalid_grant(
            "Refresh token is not bound to a single resource server",
        ));
    };
    match request.resource.as_slice() {
        [] => {}
        [resource] if resource == audience => {}
        [_] => {
            return Err(OAuthError::invalid_target(
                "Requested resource does not match the refresh token audience",
            ));
        }
        _ => {
            return Err(OAuthError::invalid_target(
                "Only a single resource parameter is supported",
            ));
        }
    }
    // A token bound to no resource server (its audience is the client) carries only OIDC scopes;
    // a bound one keeps the permissions the user still holds there (revoked ones vanish silently).
    let scopes = match current {
        Current::Unbound => oidc_only(scopes),
        Current::Gone => {
            return Err(OAuthError::invalid_target(
                "The resource server bound to the refresh token no longer exists",
            ));
        }
        Current::Holds(held) => scopes
            .into_iter()
            .filter(|scope| is_standard_scope(scope) || held.contains(scope))
            .collect(),
    };
    if token.expires_at <= now {
        // Inside the verification leeway the rotated token would be born expired.
        return Err(OAuthError::new(
            OAuthErrorCode::ServerError,
            "Failed to process token request",
        ));
    }
    let mut plan = TokenPlan::user(
        token.access_token_subject.clone(),
        audience.clone(),
        scopes,
        GrantType::parse(&token.grant_type),
        IdTokenPlan::default(),
        RefreshPlan::Rotate {
            expires_at: token.expires_at,
        },
    );
    plan.token_family_id = token.token_family_id.clone();
    Ok(plan)
}

/// What the user may still have on the token's resource server.
#[derive(Debug)]
enum Current {
    /// The token is bound to no resource server (its audience is the client, or several).
    Unbound,
    /// Its resource server was deleted.
    Gone,
    /// Of the token's permission scopes, those the user's roles grant now.
    Holds(Vec<String>),
}

fn current_permissions(d: &Directory, token: &RefreshTokenView, client_id: &str) -> Current {
    let [audience] = token.access_token_audiences.as_slice() else {
        return Current::Unbound;
    };
    if audience == client_id {
        return Current::Unbound;
    }
    let Some(server) = d.resource_servers.by_identifier(audience) else {
        return Current::Gone;
    };
    let user = MemberRef::new(MemberKind::User, &token.access_token_subject);
    let (_, permissions) = split_scopes(&token.scopes);
    Current::Holds(
        permissions
            .into_iter()
            .filter(|p| {
                d.resource_servers.is_permission(&server.id, p)
                    && d.is_authorized(&user, &server.id, p)
            })
            .collect(),
    )
}

/// `validateAndApplyScopes`: all granted scopes, or a requested subset of them.
fn narrowed_scopes(requested: &str, granted: &[String]) -> Result<Vec<String>, OAuthError> {
    let requested = parse_scopes(requested);
    if requested.is_empty() {
        return Ok(granted.to_vec());
    }
    if requested.iter().all(|scope| granted.contains(scope)) {
        return Ok(requested);
    }
    Err(OAuthError::new(
        OAuthErrorCode::InvalidScope,
        "Requested scope exceeds the scope granted by the resource owner",
    ))
}
