//! Building and signing the OAuth tokens (contract §3.4, `O2/tokenservice/builder.go`):
//!
//! * access token, header `typ: at+jwt`: `iss`, `sub`, `aud`, `exp`/`iat`/`nbf`, `jti` (UUIDv7),
//!   `scope`, `client_id`, `grant_type`, `tfid`, `act`, plus the user attributes the app allows;
//! * ID token, `typ: JWT`: `aud` = client_id, `auth_time`, `nonce`, `acr`, and the profile claims of
//!   the granted scopes restricted to the app's ID-token attributes;
//! * refresh token, `typ: JWT`: `sub` = client_id, `aud` = issuer, `scope`, `access_token_sub`,
//!   `access_token_aud`, `grant_type`, `tfid`; mock-only, `org_id` in a session switched to an
//!   organization (the `organization_switch` grant), so that refreshing keeps the organization.
//!
//! Claims are built with the protocol's claim types and signed as a sorted map, so payloads come out
//! in the order Go's `encoding/json` writes a map. Times come from the caller's `now` (the mock
//! clock); callers sign outside the database lock.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use thunderid_protocol::ids::{ClientId, IssuerUrl};
use thunderid_protocol::oauth2::GrantType;
use thunderid_protocol::oidc::{
    AccessTokenClaims, ActorClaim, Audience, IdTokenClaims, OrganizationClaims, RefreshTokenClaims,
    RegisteredClaims,
};

use super::TokenType;
use crate::fixtures::OAuthProfile;
use crate::state::AppState;

/// The standard OIDC scopes and the claims each releases (`StandardOIDCScopes`).
pub const STANDARD_SCOPES: &[(&str, &[&str])] = &[
    ("openid", &["sub"]),
    (
        "profile",
        &[
            "name",
            "family_name",
            "given_name",
            "middle_name",
            "nickname",
            "preferred_username",
            "profile",
            "picture",
            "website",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale",
            "updated_at",
        ],
    ),
    ("email", &["email", "email_verified"]),
    ("phone", &["phone_number", "phone_number_verified"]),
    ("address", &["address"]),
    ("roles", &["roles"]),
];

/// Claims the token builder sets itself; user attributes never override them.
const RESERVED_CLAIMS: &[&str] = &[
    "sub",
    "iss",
    "aud",
    "exp",
    "nbf",
    "iat",
    "jti",
    "scope",
    "client_id",
    "act",
    "grant_type",
    "aci",
    "cnf",
    "tfid",
    "auth_time",
    "nonce",
    "acr",
    "claims_req",
    "claims_locales",
];

/// Default lifetimes when the settings hold no positive value (the real server's defaults).
const DEFAULT_JWT_VALIDITY: u64 = 3600;
const DEFAULT_REFRESH_VALIDITY: u64 = 86_400;

/// A signed token and when it ends.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub jwt_id: String,
    pub expires_at: u64,
    /// Seconds from issue to expiry: the token response's `expires_in`.
    pub expires_in: u64,
}

/// Token lifetimes for one application, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    pub access_token: u64,
    pub id_token: u64,
    pub refresh_token: u64,
}

/// What an access token says.
#[derive(Debug, Clone)]
pub struct AccessTokenSpec {
    pub subject: String,
    /// One audience: the resource, or the client_id for unbound (OIDC-only) requests.
    pub audience: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub grant_type: GrantType,
    /// User (or client) attributes, already filtered by the app's allow-list.
    pub attributes: BTreeMap<String, Value>,
    pub token_family_id: Option<String>,
    pub actor: Option<ActorClaim>,
    pub validity: u64,
}

/// What an ID token says.
#[derive(Debug, Clone)]
pub struct IdTokenSpec {
    pub subject: String,
    pub client_id: String,
    /// Profile claims of the granted scopes (see [`scope_claims`]).
    pub claims: BTreeMap<String, Value>,
    pub nonce: Option<String>,
    pub auth_time: Option<u64>,
    pub acr: Option<String>,
    pub validity: u64,
}

/// What a refresh token says.
#[derive(Debug, Clone)]
pub struct RefreshTokenSpec {
    pub client_id: String,
    pub scopes: Vec<String>,
    pub access_token_subject: String,
    pub access_token_audience: Vec<String>,
    /// The grant that started the family (kept across rotations).
    pub grant_type: GrantType,
    pub token_family_id: Option<String>,
    /// Absolute expiry: a rotated token keeps its predecessor's.
    pub expires_at: u64,
}

/// Whether `scope` is a standard OIDC scope (every other scope is a permission of a resource server).
pub fn is_standard_scope(scope: &str) -> bool {
    STANDARD_SCOPES.iter().any(|(name, _)| *name == scope)
}

/// Split scopes into (OIDC scopes, permission scopes), keeping their order.
pub fn split_scopes(scopes: &[String]) -> (Vec<String>, Vec<String>) {
    scopes
        .iter()
        .cloned()
        .partition(|scope| is_standard_scope(scope))
}

/// The application's lifetimes: its `oauth.token.*.validityPeriod`, else `jwt.validityPeriod` (access
/// and ID tokens) or `oauth.refreshToken.validityPeriod` (refresh tokens).
pub fn lifetimes(state: &AppState, profile: &OAuthProfile) -> Lifetimes {
    let server = &state.fixtures().server;
    let jwt = positive(Some(server.jwt.validity_period)).unwrap_or(DEFAULT_JWT_VALIDITY);
    let refresh = positive(Some(server.oauth.refresh_token.validity_period))
        .unwrap_or(DEFAULT_REFRESH_VALIDITY);
    let token = &profile.token;
    Lifetimes {
        access_token: positive(token.access_token.validity_period).unwrap_or(jwt),
        id_token: positive(token.id_token.validity_period).unwrap_or(jwt),
        refresh_token: positive(token.refresh_token.validity_period).unwrap_or(refresh),
    }
}

/// Sign an access token (`typ: at+jwt`).
pub fn issue_access_token(state: &AppState, now: u64, spec: AccessTokenSpec) -> IssuedToken {
    issue_access_token_in(state, now, spec, OrganizationClaims::default())
}

/// [`issue_access_token`] for a session switched to an organization (the `organization_switch`
/// grant): `organization` replaces the user's own `ouId`/`ouName`/`ouHandle` attributes.
pub fn issue_access_token_in(
    state: &AppState,
    now: u64,
    spec: AccessTokenSpec,
    organization: OrganizationClaims,
) -> IssuedToken {
    let expires_at = now.saturating_add(spec.validity);
    let registered = registered(
        state,
        Some(spec.subject),
        Audience::One(spec.audience),
        now,
        expires_at,
    );
    let jwt_id = registered.jwt_id.clone();
    let claims = AccessTokenClaims {
        registered,
        scope: joined(&spec.scopes),
        client_id: Some(ClientId::new(spec.client_id)),
        grant_type: Some(spec.grant_type),
        attribute_cache_id: None,
        identity_provider: None,
        actor: spec.actor,
        claims_request: None,
        claims_locales: None,
        confirmation: None,
        token_family_id: spec.token_family_id.filter(|id| !id.is_empty()),
        extra: without_organization(without_reserved(spec.attributes), &organization),
        organization,
    };
    let token = sign(state, TokenType::AccessToken, &claims);
    IssuedToken {
        token,
        jwt_id,
        expires_at,
        expires_in: spec.validity,
    }
}

/// Sign an ID token (`typ: JWT`, `aud` = client_id).
pub fn issue_id_token(state: &AppState, now: u64, spec: IdTokenSpec) -> IssuedToken {
    issue_id_token_in(state, now, spec, OrganizationClaims::default())
}

/// [`issue_id_token`] carrying the organization of a switched session (see
/// [`issue_access_token_in`]).
pub fn issue_id_token_in(
    state: &AppState,
    now: u64,
    spec: IdTokenSpec,
    organization: OrganizationClaims,
) -> IssuedToken {
    let expires_at = now.saturating_add(spec.validity);
    let registered = registered(
        state,
        Some(spec.subject),
        Audience::One(spec.client_id),
        now,
        expires_at,
    );
    let jwt_id = registered.jwt_id.clone();
    let claims = IdTokenClaims {
        registered,
        auth_time: spec.auth_time.filter(|t| *t > 0),
        nonce: spec.nonce.filter(|n| !n.is_empty()),
        authentication_class: spec.acr.filter(|a| !a.is_empty()),
        extra: without_organization(without_reserved(spec.claims), &organization),
        organization,
    };
    let token = sign(state, TokenType::Jwt, &claims);
    IssuedToken {
        token,
        jwt_id,
        expires_at,
        expires_in: spec.validity,
    }
}

/// Sign a refresh token (`typ: JWT`, `sub` = client_id, `aud` = issuer).
pub fn issue_refresh_token(state: &AppState, now: u64, spec: RefreshTokenSpec) -> IssuedToken {
    issue_refresh_token_in(state, now, spec, None)
}

/// [`issue_refresh_token`] for a session switched to an organization: the token also carries the
/// organization's id as `org_id` (mock-only; the real server has no switch), so that the refresh
/// grant can issue the next tokens in the same organization.
pub fn issue_refresh_token_in(
    state: &AppState,
    now: u64,
    spec: RefreshTokenSpec,
    organization_id: Option<&str>,
) -> IssuedToken {
    let issuer = state.signer().issuer().to_owned();
    let registered = registered(
        state,
        Some(spec.client_id),
        Audience::One(issuer),
        now,
        spec.expires_at,
    );
    let jwt_id = registered.jwt_id.clone();
    let claims = RefreshTokenClaims {
        registered,
        scope: joined(&spec.scopes),
        access_token_subject: spec.access_token_subject,
        access_token_audiences: Some(spec.access_token_audience),
        grant_type: spec.grant_type,
        actor_subject: None,
        attribute_cache_id: None,
        access_token_claims_request: None,
        access_token_claims_locales: None,
        dpop_jwk_thumbprint: None,
        token_family_id: spec.token_family_id.filter(|id| !id.is_empty()),
    };
    let claims = SwitchedRefreshTokenClaims {
        claims,
        organization_id: organization_id.filter(|id| !id.is_empty()),
    };
    let token = sign(state, TokenType::Jwt, &claims);
    IssuedToken {
        token,
        jwt_id,
        expires_at: spec.expires_at,
        expires_in: spec.expires_at.saturating_sub(now),
    }
}

/// A refresh token's claims plus the organization of a switched session.
#[derive(Serialize)]
struct SwitchedRefreshTokenClaims<'a> {
    #[serde(flatten)]
    claims: RefreshTokenClaims,
    #[serde(rename = "org_id", skip_serializing_if = "Option::is_none")]
    organization_id: Option<&'a str>,
}

/// Every attribute the server knows for a user: the stored attributes plus the computed ones
/// (`groups`, `userType`, `ouId`, `ouName`, `ouHandle`). Empty for an unknown user.
pub fn user_claims(state: &AppState, user_id: &str) -> BTreeMap<String, Value> {
    let (mut claims, ou_id) = {
        let db = state.db();
        let Some(user) = db.users.get(user_id) else {
            return BTreeMap::new();
        };
        let mut claims: BTreeMap<String, Value> = user
            .attributes
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        if !user.groups.is_empty() {
            claims.insert("groups".to_owned(), Value::from(user.groups.clone()));
        }
        claims.insert("userType".to_owned(), Value::from(user.user_type.clone()));
        // The unit as it is now (the organization-unit API may have renamed it).
        if let Some(ou) = db.organizations.get(&user.ou_id) {
            claims.insert("ouName".to_owned(), Value::from(ou.name.clone()));
            claims.insert("ouHandle".to_owned(), Value::from(ou.handle.clone()));
        }
        (claims, user.ou_id.clone())
    };
    claims.insert("ouId".to_owned(), Value::from(ou_id));
    claims
}

/// The attributes named in `allowed` (`FilterAttributesByAllowList`): none when the list is empty.
pub fn allowed_attributes(
    attributes: &BTreeMap<String, Value>,
    allowed: &[String],
) -> BTreeMap<String, Value> {
    allowed
        .iter()
        .filter_map(|name| {
            attributes
                .get(name)
                .map(|value| (name.clone(), value.clone()))
        })
        .collect()
}

/// The claims the granted scopes release (`BuildClaims` without a `claims` request): only with
/// `openid`, only attributes in `allowed`, only those the user has (non-null).
pub fn scope_claims(
    scopes: &[String],
    attributes: &BTreeMap<String, Value>,
    allowed: &[String],
) -> BTreeMap<String, Value> {
    let mut claims = BTreeMap::new();
    if !scopes.iter().any(|s| s == "openid") || allowed.is_empty() {
        return claims;
    }
    for scope in scopes {
        let released = STANDARD_SCOPES
            .iter()
            .find(|(name, _)| name == scope)
            .map_or(&[][..], |(_, c)| *c);
        for claim in released {
            if !allowed.iter().any(|a| a == claim) {
                continue;
            }
            if let Some(value) = attributes.get(*claim).filter(|v| !v.is_null()) {
                claims.insert((*claim).to_owned(), value.clone());
            }
        }
    }
    claims
}

/// A new UUIDv7, as the server's `GenerateUUIDv7` (used for `jti`, `authId`, `logoutId`, `tfid`).
pub fn new_uuid_v7() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn registered(
    state: &AppState,
    subject: Option<String>,
    audience: Audience,
    now: u64,
    expires_at: u64,
) -> RegisteredClaims {
    RegisteredClaims {
        issuer: IssuerUrl::new(state.signer().issuer()),
        subject: subject.filter(|s| !s.is_empty()),
        audience,
        expires_at,
        issued_at: now,
        not_before: now,
        jwt_id: new_uuid_v7(),
    }
}

/// Sign `claims` with their keys sorted, as Go marshals the server's claim map.
fn sign(state: &AppState, typ: TokenType, claims: &impl Serialize) -> String {
    let sorted: BTreeMap<String, Value> = match serde_json::to_value(claims) {
        Ok(Value::Object(map)) => map.into_iter().collect(),
        _ => BTreeMap::new(),
    };
    state.signer().sign(typ, &sorted)
}

fn joined(scopes: &[String]) -> Option<String> {
    (!scopes.is_empty()).then(|| scopes.join(" "))
}

fn without_reserved(mut attributes: BTreeMap<String, Value>) -> BTreeMap<String, Value> {
    attributes.retain(|name, _| !RESERVED_CLAIMS.contains(&name.as_str()));
    attributes
}

/// Without the user's own unit attributes when the token names an organization of its own.
fn without_organization(
    mut attributes: BTreeMap<String, Value>,
    organization: &OrganizationClaims,
) -> BTreeMap<String, Value> {
    if organization != &OrganizationClaims::default() {
        for name in [
            "ouId",
            "ouName",
            "ouHandle",
            "org_id",
            "org_name",
            "org_handle",
        ] {
            attributes.remove(name);
        }
    }
    attributes
}

fn positive(value: Option<u64>) -> Option<u64> {
    value.filter(|v| *v > 0)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn attrs() -> BTreeMap<String, Value> {
        [
            ("email", json!("thor@asgard.example")),
            ("given_name", json!("Thor")),
            ("nickname", Value::Null),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn scope_claims_need_openid_the_scope_and_the_allow_list() {
        let allowed = strings(&["email", "given_name", "nickname"]);
        assert!(scope_claims(&strings(&["email"]), &attrs(), &allowed).is_empty());
        assert_eq!(
            scope_claims(&strings(&["openid", "email"]), &attrs(), &allowed),
            BTreeMap::from([("email".to_owned(), json!("thor@asgard.example"))])
        );
        let profile = scope_claims(&strings(&["openid", "profile"]), &attrs(), &allowed);
        assert_eq!(
            profile,
            BTreeMap::from([("given_name".to_owned(), json!("Thor"))]),
            "null values are skipped"
        );
        assert!(scope_claims(&strings(&["openid", "email"]), &attrs(), &[]).is_empty());
    }

    #[test]
    fn scopes_split_into_oidc_and_permission_scopes() {
        let (oidc, permissions) = split_scopes(&strings(&["openid", "system", "email", "read:x"]));
        assert_eq!(oidc, strings(&["openid", "email"]));
        assert_eq!(permissions, strings(&["system", "read:x"]));
    }
}
