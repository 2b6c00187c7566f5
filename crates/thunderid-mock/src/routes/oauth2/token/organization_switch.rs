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
//! carry the organization twice: `org_id`/`org_name`/`org_handle` (what the legacy SDKs read) and
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
use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::ids::OrganizationUnitId;
use thunderid_protocol::oauth2::{GrantType, TokenRequestParams, TokenResponse, TokenType};
use thunderid_protocol::oidc::OrganizationClaims;
use thunderid_protocol::secret::{AccessToken, IdToken, RefreshToken};

use super::{AuthenticatedClient, text};
use crate::error::MockError;
use crate::routes::oauth2::validate::{TYP_ACCESS_TOKEN, parse_scopes, scopes, string_claim};
use crate::state::AppState;
use crate::tokens::issue::{
    AccessTokenSpec, IdTokenSpec, RefreshTokenSpec, allowed_attributes, issue_access_token_in,
    issue_id_token_in, issue_refresh_token_in, lifetimes, new_uuid_v7, scope_claims, user_claims,
};

/// `ValidateGrant`.
pub(super) fn validate(request: &TokenRequestParams) -> Result<(), (OAuthErrorCode, &'static str)> {
    if text(&request.token).is_empty() {
        return Err((
            OAuthErrorCode::InvalidRequest,
            "Missing required parameter: token",
        ));
    }
    if text(&request.switching_organization).is_empty() {
        return Err((
            OAuthErrorCode::InvalidRequest,
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
}

/// `HandleGrant`: verify the token, check membership, sign the tokens outside the lock.
pub(super) fn handle(
    state: &AppState,
    client: &AuthenticatedClient<'_>,
    request: &TokenRequestParams,
    now: u64,
) -> Result<TokenResponse, MockError> {
    let session = verify_session(state, client, text(&request.token), now)?;
    let target = text(&request.switching_organization);
    let organization = organization_of_member(state, &session.subject, target, now)?;
    let requested = parse_scopes(text(&request.scope));
    let granted: Vec<String> = if requested.is_empty() {
        session.scopes.clone()
    } else {
        requested
            .into_iter()
            .filter(|scope| session.scopes.contains(scope))
            .collect()
    };
    Ok(issue(state, client, now, &session, granted, organization))
}

/// The claims of organization `target` for user `subject`, or why the user may not act in it
/// (`invalid_grant`). Shared by any grant that moves a user's session into an organization (an RFC
/// 8693 exchange with an organization parameter could call it too).
pub(super) fn organization_of_member(
    state: &AppState,
    subject: &str,
    target: &str,
    now: u64,
) -> Result<OrganizationClaims, MockError> {
    let mut db = state.db();
    db.organizations.stamp(now);
    let home = db
        .users
        .get(subject)
        .map(|user| user.ou_id.clone())
        .ok_or_else(|| invalid_grant("Invalid token"))?;
    let unit = db
        .organizations
        .get(target)
        .ok_or_else(|| invalid_grant("Organization not found"))?;
    if !db.organizations.is_within(target, &home) {
        return Err(invalid_grant("User is not a member of the organization"));
    }
    Ok(OrganizationClaims {
        organization_unit_id: Some(OrganizationUnitId::new(unit.id.clone())),
        organization_unit_name: Some(unit.name.clone()),
        organization_unit_handle: Some(unit.handle.clone()),
        organization_id: Some(unit.id.clone()),
        organization_name: Some(unit.name.clone()),
        organization_handle: Some(unit.handle.clone()),
    })
}

/// The presented access token, or why it cannot start a switch.
fn verify_session(
    state: &AppState,
    client: &AuthenticatedClient<'_>,
    token: &str,
    now: u64,
) -> Result<Session, MockError> {
    let invalid = || invalid_grant("Invalid token");
    let verified = state
        .signer()
        .verify(token, now, false)
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
    let leeway = state.fixtures().server.jwt.leeway as f64;
    if now as f64 >= expires_at + leeway {
        return Err(invalid_grant("The token has expired"));
    }
    let revoked = state.db().oauth.is_revoked(
        string_claim(claims, "jti"),
        string_claim(claims, "tfid"),
        now,
    );
    if revoked {
        return Err(invalid());
    }
    Ok(Session {
        subject: subject.to_owned(),
        audience: string_claim(claims, "aud")
            .unwrap_or(client.client_id())
            .to_owned(),
        scopes: scopes(claims),
        token_family_id: string_claim(claims, "tfid").map(str::to_owned),
    })
}

/// Sign the switched session's tokens.
fn issue(
    state: &AppState,
    client: &AuthenticatedClient<'_>,
    now: u64,
    session: &Session,
    scopes: Vec<String>,
    organization: OrganizationClaims,
) -> TokenResponse {
    let oauth = client.oauth;
    let lifetimes = lifetimes(state, oauth);
    let attributes = user_claims(state, &session.subject);
    let token_family_id = session
        .token_family_id
        .clone()
        .or_else(|| Some(new_uuid_v7()));
    let organization_id = organization.organization_id.clone();
    let access = issue_access_token_in(
        state,
        now,
        AccessTokenSpec {
            subject: session.subject.clone(),
            audience: session.audience.clone(),
            client_id: oauth.client_id.clone(),
            scopes: scopes.clone(),
            grant_type: GrantType::OrganizationSwitch,
            attributes: allowed_attributes(&attributes, &oauth.token.access_token.attributes),
            token_family_id: token_family_id.clone(),
            actor: None,
            validity: lifetimes.access_token,
        },
        organization.clone(),
    );
    let id_token = scopes.iter().any(|s| s == "openid").then(|| {
        let spec = IdTokenSpec {
            subject: session.subject.clone(),
            client_id: oauth.client_id.clone(),
            claims: scope_claims(&scopes, &attributes, &oauth.token.id_token.attributes),
            nonce: None,
            auth_time: None,
            acr: None,
            validity: lifetimes.id_token,
        };
        issue_id_token_in(state, now, spec, organization)
    });
    let refresh = oauth
        .allows_grant(GrantType::RefreshToken.as_str())
        .then(|| {
            let spec = RefreshTokenSpec {
                client_id: oauth.client_id.clone(),
                scopes: scopes.clone(),
                access_token_subject: session.subject.clone(),
                access_token_audience: vec![session.audience.clone()],
                grant_type: GrantType::OrganizationSwitch,
                token_family_id,
                expires_at: now.saturating_add(lifetimes.refresh_token),
            };
            issue_refresh_token_in(state, now, spec, organization_id.as_deref())
        });
    let mut response = TokenResponse::new(
        AccessToken::new(access.token),
        TokenType::Bearer,
        access.expires_in,
    );
    response.scope = (!scopes.is_empty()).then(|| scopes.join(" "));
    response.id_token = id_token.map(|t| IdToken::new(t.token));
    response.refresh_token = refresh.map(|t| RefreshToken::new(t.token));
    response
}

fn invalid_grant(description: &str) -> MockError {
    MockError::oauth(OAuthErrorCode::InvalidGrant, description)
}
