//! `grant_type=organization_switch`: the legacy B2B SDKs' custom grant (sdk-http-calls §5.4,
//! `ThunderIDNextClient.switchOrganization` before `fe15a52`). Mock-only: the real server has no way
//! to switch organization (contract §4.3) and answers `unsupported_grant_type`; the mock serves it
//! from the organization-unit model so SDKs of that generation can be tested.
//!
//! Request (after the usual client authentication; the client must list `organization_switch` in
//! its `grantTypes`): `token` = the current access token, `switching_organization` = a unit id,
//! optional `scope`.
//!
//! * `token` must be a live access token of ours (`at+jwt`, signature, `exp` with the leeway, not
//!   revoked) issued to the same client for a user that still exists.
//! * Membership: a user belongs to its own unit and every unit below it (the units
//!   `GET /api/users/v1/me/organizations?recursive=true` lists); switching anywhere else — a sibling,
//!   or a unit above — is refused.
//! * `scope`: the token's scopes, or those of the requested ones the token holds.
//!
//! The response is a normal token response: an access token (`grant_type: organization_switch`,
//! same audience and token family as the presented one), an ID token when `openid` is granted, and
//! a refresh token (fresh lifetime, carrying the organization's `org_id` so that the refresh grant
//! keeps the session in it) when the client has `refresh_token`. The access and ID tokens
//! carry the organization three ways: `user_org` (what the current JS SDKs read: they then call
//! `/o/users/me`), `org_id`/`org_name`/`org_handle` (what the legacy SDKs read) and
//! `ouId`/`ouName`/`ouHandle` (ThunderID's claims), replacing the user's own unit attributes.
//!
//! Errors (envelope B, 400):
//!
//! | Case | error | error_description |
//! |---|---|---|
//! | no `token` | `invalid_request` | Missing required parameter: token |
//! | no `switching_organization` | `invalid_request` | Missing required parameter: switching_organization |
//! | bad, revoked, other client's or not an access token | `invalid_grant` | Invalid token |
//! | expired | `invalid_grant` | The token has expired |
//! | unknown unit | `invalid_grant` | Organization not found |
//! | not a member | `invalid_grant` | User is not a member of the organization |

use serde_json::{Map, Value};
use thunderid_protocol::ids::OrganizationUnitId;
use thunderid_protocol::oauth2::{GrantType, TokenRequestParams};
use thunderid_protocol::oidc::OrganizationClaims;

use super::cached_attributes;
use crate::oauth::client_auth::AuthenticatedClient;
use crate::oauth::mint::{Attributes, IdTokenPlan, RefreshPlan, TokenPlan};
use crate::oauth::tokens::{TYP_ACCESS_TOKEN, parse_scopes, scopes, string_claim};
use crate::oauth::{OAuthContext, OAuthError, text};

/// `ValidateGrant`.
pub(super) fn validate(request: &TokenRequestParams) -> Result<(), OAuthError> {
    if text(&request.token).is_empty() {
        return Err(OAuthError::invalid_request(
            "Missing required parameter: token",
        ));
    }
    if text(&request.switching_organization).is_empty() {
        return Err(OAuthError::invalid_request(
            "Missing required parameter: switching_organization",
        ));
    }
    Ok(())
}

/// What the switch takes from the presented access token.
#[derive(Debug)]
struct Session {
    subject: String,
    audience: String,
    scopes: Vec<String>,
    token_family_id: Option<String>,
    /// The sign-in's attribute cache entry (`aci`); empty when the token names none.
    attribute_cache_id: String,
}

/// `HandleGrant`: verify the token, check membership, plan the switched session's tokens.
pub(super) fn plan(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    request: &TokenRequestParams,
) -> Result<TokenPlan, OAuthError> {
    let session = verify_session(ctx, client, text(&request.token))?;
    let target = text(&request.switching_organization);
    let organization = organization_of_member(ctx, &session.subject, target)?;
    let requested = parse_scopes(text(&request.scope));
    let granted: Vec<String> = if requested.is_empty() {
        session.scopes.clone()
    } else {
        requested
            .into_iter()
            .filter(|scope| session.scopes.contains(scope))
            .collect()
    };
    let refresh = if client.oauth.allows_grant(GrantType::RefreshToken.as_str()) {
        RefreshPlan::Issue
    } else {
        RefreshPlan::None
    };
    let mut plan = TokenPlan::user(
        session.subject,
        session.audience,
        granted,
        GrantType::OrganizationSwitch,
        IdTokenPlan::default(),
        refresh,
    );
    plan.token_family_id = session
        .token_family_id
        .or_else(|| Some(crate::ids::uuid_v7(ctx.now)));
    plan.organization = Some(organization);
    // The switched session keeps its sign-in's attribute cache entry, so its tokens, refreshes and
    // UserInfo release what that sign-in released; a token naming none (mock-only: the switch has
    // no sign-in of its own to cache) carries the user's attributes now.
    plan.attributes = if session.attribute_cache_id.is_empty() {
        Attributes::OfUser
    } else {
        let id = &session.attribute_cache_id;
        ctx.oauth.read(|o| cached_attributes(o, id, ctx.now))?
    };
    Ok(plan)
}

/// The claims of organization `target` for user `subject`, or why the user may not act in it
/// (`invalid_grant`). Shared by every grant that moves a user's session into an organization.
pub(crate) fn organization_of_member(
    ctx: &OAuthContext<'_>,
    subject: &str,
    target: &str,
) -> Result<OrganizationClaims, OAuthError> {
    ctx.directory.read(|directory| {
        let home = directory
            .users
            .get(subject)
            .map(|user| user.ou_id.clone())
            .ok_or_else(|| OAuthError::invalid_grant("Invalid token"))?;
        let unit = directory
            .units
            .get(target)
            .ok_or_else(|| OAuthError::invalid_grant("Organization not found"))?;
        if !directory.units.is_within(target, &home) {
            return Err(OAuthError::invalid_grant(
                "User is not a member of the organization",
            ));
        }
        Ok(OrganizationClaims {
            organization_unit_id: Some(OrganizationUnitId::new(unit.id.clone())),
            organization_unit_name: Some(unit.name.clone()),
            organization_unit_handle: Some(unit.handle.clone()),
            organization_id: Some(unit.id.clone()),
            organization_name: Some(unit.name.clone()),
            organization_handle: Some(unit.handle.clone()),
            user_org: Some(unit.id.clone()),
        })
    })
}

/// The presented access token, or why it cannot start a switch.
fn verify_session(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    token: &str,
) -> Result<Session, OAuthError> {
    let invalid = || OAuthError::invalid_grant("Invalid token");
    let verified = ctx
        .signer
        .verify(token, ctx.now, false)
        .map_err(|_| invalid())?;
    let claims: &Map<String, Value> = &verified.claims;
    if verified.typ.as_deref() != Some(TYP_ACCESS_TOKEN)
        || string_claim(claims, "client_id") != Some(client.client_id())
    {
        return Err(invalid());
    }
    let subject = string_claim(claims, "sub").ok_or_else(invalid)?;
    let expires_at = claims
        .get("exp")
        .and_then(Value::as_f64)
        .ok_or_else(invalid)?;
    let leeway = ctx.settings.jwt.leeway as f64;
    if ctx.now as f64 >= expires_at + leeway {
        return Err(OAuthError::invalid_grant("The token has expired"));
    }
    if ctx.is_revoked(string_claim(claims, "jti"), string_claim(claims, "tfid")) {
        return Err(invalid());
    }
    Ok(Session {
        subject: subject.to_owned(),
        audience: string_claim(claims, "aud")
            .unwrap_or(client.client_id())
            .to_owned(),
        scopes: scopes(claims),
        token_family_id: string_claim(claims, "tfid").map(str::to_owned),
        attribute_cache_id: string_claim(claims, "aci").unwrap_or_default().to_owned(),
    })
}
