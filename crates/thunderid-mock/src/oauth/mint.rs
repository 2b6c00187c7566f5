//! Building and signing the OAuth tokens (contract §3.4, `O2/tokenservice/builder.go`):
//!
//! * access token, header `typ: at+jwt`: `iss`, `sub`, `aud`, `exp`/`iat`/`nbf`, `jti` (UUIDv7),
//!   `scope`, `client_id`, `grant_type`, `aci`, `tfid`, `act`, plus the user attributes the app
//!   allows, read from the sign-in's attribute cache entry;
//! * ID token, `typ: JWT`: `aud` = client_id, `auth_time`, `nonce`, `acr`, and the profile claims of
//!   the granted scopes restricted to the app's ID-token attributes;
//! * refresh token, `typ: JWT`: `sub` = client_id, `aud` = issuer, `scope`, `access_token_sub`,
//!   `access_token_aud`, `grant_type`, `aci`, `tfid`; mock-only, `org_id` in a session switched to an
//!   organization (the `organization_switch` grant), so that refreshing keeps the organization.
//!
//! A grant decides *what* to issue as a [`TokenPlan`]; the [`Minter`] signs a plan as one call. It
//! takes the signer, the mock clock's `now` and a claims lookup (the directory), never the server
//! state. Claims are built with the protocol's claim types and signed as a sorted map, so payloads
//! come out in the order Go's `encoding/json` writes a map. Nothing is signed under a store lock.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use thunderid_protocol::ids::{ClientId, IssuerUrl};
use thunderid_protocol::oauth2::GrantType;
use thunderid_protocol::oidc::{
    AccessTokenClaims, ActorClaim, Audience, IdTokenClaims, OrganizationClaims, RefreshTokenClaims,
    RegisteredClaims,
};

use thunderid_protocol::oauth2::{TokenResponse, TokenType as ResponseTokenType, TokenTypeUri};
use thunderid_protocol::secret::{AccessToken, IdToken, RefreshToken};

use super::claims::{ClaimsRequest, allowed_attributes, build_claims};
use crate::fixtures::{OAuthProfile, ServerSettings};
use crate::store::directory::Directory;
use crate::store::locked::Locked;
use crate::store::oauth::CachedAttributes;
use crate::tokens::{TokenSigner, TokenType};

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
pub(crate) struct IssuedToken {
    pub token: String,
    /// Seconds from issue to expiry: the token response's `expires_in`.
    pub expires_in: u64,
}

/// Token lifetimes for one application, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lifetimes {
    pub access_token: u64,
    pub id_token: u64,
    pub refresh_token: u64,
}

/// Which attributes an access token carries.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Attributes {
    /// The sign-in's attribute cache entry (`aci`), as the grant read it; `None` when the sign-in
    /// released no attribute, and then the tokens carry none.
    Cached(Option<CacheEntry>),
    /// The subject's current user attributes (the mock-only organization switch, which has no
    /// sign-in of its own).
    OfUser,
    /// These, already filtered (a token exchange copies them from the subject token).
    Given(BTreeMap<String, Value>),
}

/// One attribute cache entry: its id (the tokens' `aci`) and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CacheEntry {
    pub id: String,
    pub attributes: CachedAttributes,
}

/// What the ID token says beyond the subject's profile claims.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct IdTokenPlan {
    pub nonce: Option<String>,
    pub auth_time: Option<u64>,
    pub acr: Option<String>,
}

/// What the grant does with refresh tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefreshPlan {
    /// No refresh token.
    None,
    /// A new family member with a fresh lifetime.
    Issue,
    /// A rotation keeping the presented token's absolute expiry.
    Rotate { expires_at: u64 },
}

/// Everything a grant decided to issue: the minter turns it into a token response.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TokenPlan {
    /// A user id, or the application id for client credentials.
    pub subject: String,
    /// One audience: the resource, or the client_id for unbound (OIDC-only) requests.
    pub audience: String,
    pub scopes: Vec<String>,
    /// The `grant_type` claim: the grant that started the family.
    pub grant_type: GrantType,
    pub attributes: Attributes,
    pub token_family_id: Option<String>,
    pub actor: Option<ActorClaim>,
    /// An ID token, when `openid` was granted to a user.
    pub id_token: Option<IdTokenPlan>,
    pub refresh: RefreshPlan,
    /// The organization of a switched session: its claims replace the user's own unit attributes,
    /// and the refresh token carries its id.
    pub organization: Option<OrganizationClaims>,
    /// The response's `issued_token_type` (token exchange).
    pub issued_token_type: Option<TokenTypeUri>,
    /// The authorization request's `claims`: the ID token's requested claims, the access token's
    /// `claims_req` (its `userinfo` part) and the refresh token's copy.
    pub claims: Option<ClaimsRequest>,
    /// The request's `claims_locales`; empty when none.
    pub claims_locales: String,
}

impl TokenPlan {
    /// A plan for a user's session: an access token (with no user attributes until the grant sets
    /// the sign-in's cache entry), an ID token when `openid` is among the scopes, and the refresh
    /// token `refresh` calls for.
    pub(crate) fn user(
        subject: String,
        audience: String,
        scopes: Vec<String>,
        grant_type: GrantType,
        id_token: IdTokenPlan,
        refresh: RefreshPlan,
    ) -> Self {
        let openid = scopes.iter().any(|s| s == "openid");
        Self {
            subject,
            audience,
            scopes,
            grant_type,
            attributes: Attributes::Cached(None),
            token_family_id: None,
            actor: None,
            id_token: openid.then_some(id_token),
            refresh,
            organization: None,
            issued_token_type: None,
            claims: None,
            claims_locales: String::new(),
        }
    }
}

/// Signs plans.
pub(crate) struct Minter<'a> {
    signer: &'a TokenSigner,
    claims: &'a Locked<Directory>,
    settings: &'a ServerSettings,
    now: u64,
}

impl<'a> Minter<'a> {
    pub(crate) fn new(
        signer: &'a TokenSigner,
        claims: &'a Locked<Directory>,
        settings: &'a ServerSettings,
        now: u64,
    ) -> Self {
        Self {
            signer,
            claims,
            settings,
            now,
        }
    }

    /// Sign `plan` for the client `profile` and build the token response.
    pub(crate) fn mint(&self, profile: &OAuthProfile, plan: TokenPlan) -> TokenResponse {
        let lifetimes = lifetimes(self.settings, profile);
        let (user, cache_id) = match (&plan.attributes, &plan.id_token) {
            (Attributes::Cached(None), _) | (Attributes::Given(_), None) => (BTreeMap::new(), None),
            (Attributes::Cached(Some(entry)), _) => {
                ((*entry.attributes).clone(), Some(entry.id.clone()))
            }
            (Attributes::OfUser | Attributes::Given(_), _) => {
                (self.claims.read(|d| d.user_claims(&plan.subject)), None)
            }
        };
        let organization = plan.organization.clone().unwrap_or_default();
        let attributes = match &plan.attributes {
            Attributes::Cached(_) | Attributes::OfUser => {
                allowed_attributes(&user, &profile.token.access_token.attributes)
            }
            Attributes::Given(given) => given.clone(),
        };
        let access = self.access_token(
            AccessTokenSpec {
                subject: plan.subject.clone(),
                audience: plan.audience.clone(),
                client_id: profile.client_id.clone(),
                scopes: plan.scopes.clone(),
                grant_type: plan.grant_type.clone(),
                attributes,
                attribute_cache_id: cache_id.clone(),
                token_family_id: plan.token_family_id.clone(),
                actor: plan.actor.clone(),
                validity: lifetimes.access_token,
                claims_request: plan.claims.as_ref().and_then(ClaimsRequest::userinfo_json),
                claims_locales: non_empty(&plan.claims_locales),
            },
            &organization,
        );
        let id_token = plan.id_token.as_ref().map(|id| {
            self.id_token(
                IdTokenSpec {
                    subject: plan.subject.clone(),
                    client_id: profile.client_id.clone(),
                    claims: build_claims(
                        &plan.scopes,
                        plan.claims.as_ref().map(|c| &c.id_token),
                        &user,
                        &profile.token.id_token.attributes,
                    ),
                    nonce: id.nonce.clone(),
                    auth_time: id.auth_time,
                    acr: id.acr.clone(),
                    validity: lifetimes.id_token,
                },
                &organization,
            )
        });
        let refresh_expiry = match plan.refresh {
            RefreshPlan::None => None,
            RefreshPlan::Issue => Some(self.now.saturating_add(lifetimes.refresh_token)),
            RefreshPlan::Rotate { expires_at } => Some(expires_at),
        };
        let refresh = refresh_expiry.map(|expires_at| {
            self.refresh_token(
                RefreshTokenSpec {
                    client_id: profile.client_id.clone(),
                    scopes: plan.scopes.clone(),
                    access_token_subject: plan.subject.clone(),
                    access_token_audience: vec![plan.audience.clone()],
                    grant_type: plan.grant_type.clone(),
                    attribute_cache_id: cache_id.clone(),
                    token_family_id: plan.token_family_id.clone(),
                    expires_at,
                    claims_request: plan.claims.as_ref().and_then(ClaimsRequest::to_json),
                    claims_locales: non_empty(&plan.claims_locales),
                },
                organization.organization_id.as_deref(),
            )
        });
        let mut response = TokenResponse::new(
            AccessToken::new(access.token),
            ResponseTokenType::Bearer,
            access.expires_in,
        );
        response.scope = joined(&plan.scopes);
        response.id_token = id_token.map(|t| IdToken::new(t.token));
        response.refresh_token = refresh.map(|t| RefreshToken::new(t.token));
        response.issued_token_type = plan.issued_token_type;
        response
    }

    /// Sign an access token (`typ: at+jwt`). With an organization, its claims replace the user's own
    /// `ouId`/`ouName`/`ouHandle` attributes.
    pub(crate) fn access_token(
        &self,
        spec: AccessTokenSpec,
        organization: &OrganizationClaims,
    ) -> IssuedToken {
        let expires_at = self.now.saturating_add(spec.validity);
        let registered =
            self.registered(Some(spec.subject), Audience::One(spec.audience), expires_at);
        let claims = AccessTokenClaims {
            registered,
            scope: joined(&spec.scopes),
            client_id: Some(ClientId::new(spec.client_id)),
            grant_type: Some(spec.grant_type),
            attribute_cache_id: spec.attribute_cache_id,
            identity_provider: None,
            actor: spec.actor,
            claims_request: spec.claims_request,
            claims_locales: spec.claims_locales,
            confirmation: None,
            token_family_id: spec.token_family_id.filter(|id| !id.is_empty()),
            extra: without_organization(without_reserved(spec.attributes), organization),
            organization: organization.clone(),
        };
        let token = self.sign(TokenType::AccessToken, &claims);
        IssuedToken {
            token,
            expires_in: spec.validity,
        }
    }

    /// Sign an ID token (`typ: JWT`, `aud` = client_id).
    pub(crate) fn id_token(
        &self,
        spec: IdTokenSpec,
        organization: &OrganizationClaims,
    ) -> IssuedToken {
        let expires_at = self.now.saturating_add(spec.validity);
        let registered = self.registered(
            Some(spec.subject),
            Audience::One(spec.client_id),
            expires_at,
        );
        let claims = IdTokenClaims {
            registered,
            auth_time: spec.auth_time.filter(|t| *t > 0),
            nonce: spec.nonce.filter(|n| !n.is_empty()),
            authentication_class: spec.acr.filter(|a| !a.is_empty()),
            extra: without_organization(without_reserved(spec.claims), organization),
            organization: organization.clone(),
        };
        let token = self.sign(TokenType::Jwt, &claims);
        IssuedToken {
            token,
            expires_in: spec.validity,
        }
    }

    /// Sign a refresh token (`typ: JWT`, `sub` = client_id, `aud` = issuer). In a session switched
    /// to an organization it also carries the organization's id as `org_id` (mock-only; the real
    /// server has no switch), so that the refresh grant issues the next tokens in the same one.
    pub(crate) fn refresh_token(
        &self,
        spec: RefreshTokenSpec,
        organization_id: Option<&str>,
    ) -> IssuedToken {
        let issuer = self.signer.issuer().to_owned();
        let registered =
            self.registered(Some(spec.client_id), Audience::One(issuer), spec.expires_at);
        let claims = RefreshTokenClaims {
            registered,
            scope: joined(&spec.scopes),
            access_token_subject: spec.access_token_subject,
            access_token_audiences: Some(spec.access_token_audience),
            grant_type: spec.grant_type,
            actor_subject: None,
            attribute_cache_id: spec.attribute_cache_id,
            access_token_claims_request: spec.claims_request,
            access_token_claims_locales: spec.claims_locales,
            dpop_jwk_thumbprint: None,
            token_family_id: spec.token_family_id.filter(|id| !id.is_empty()),
        };
        let claims = SwitchedRefreshTokenClaims {
            claims,
            organization_id: organization_id.filter(|id| !id.is_empty()),
        };
        let token = self.sign(TokenType::Jwt, &claims);
        IssuedToken {
            token,
            expires_in: spec.expires_at.saturating_sub(self.now),
        }
    }

    fn registered(
        &self,
        subject: Option<String>,
        audience: Audience,
        expires_at: u64,
    ) -> RegisteredClaims {
        RegisteredClaims {
            issuer: IssuerUrl::new(self.signer.issuer()),
            subject: subject.filter(|s| !s.is_empty()),
            audience,
            expires_at,
            issued_at: self.now,
            not_before: self.now,
            jwt_id: crate::ids::uuid_v7(self.now),
        }
    }

    /// Sign `claims` with their keys sorted, as Go marshals the server's claim map.
    fn sign(&self, typ: TokenType, claims: &impl Serialize) -> String {
        let sorted: BTreeMap<String, Value> = match serde_json::to_value(claims) {
            Ok(Value::Object(map)) => map.into_iter().collect(),
            _ => BTreeMap::new(),
        };
        self.signer.sign(typ, &sorted)
    }
}

/// What an access token says.
#[derive(Debug, Clone)]
pub(crate) struct AccessTokenSpec {
    pub subject: String,
    pub audience: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub grant_type: GrantType,
    /// User (or client) attributes, already filtered by the app's allow-list.
    pub attributes: BTreeMap<String, Value>,
    /// `aci`: the attribute cache entry the attributes came from.
    pub attribute_cache_id: Option<String>,
    pub token_family_id: Option<String>,
    pub actor: Option<ActorClaim>,
    pub validity: u64,
    /// `claims_req`: the `userinfo` part of the request's `claims`, as JSON text.
    pub claims_request: Option<String>,
    pub claims_locales: Option<String>,
}

/// What an ID token says.
#[derive(Debug, Clone)]
pub(crate) struct IdTokenSpec {
    pub subject: String,
    pub client_id: String,
    /// Profile claims of the granted scopes and the `claims` request (see [`build_claims`]).
    pub claims: BTreeMap<String, Value>,
    pub nonce: Option<String>,
    pub auth_time: Option<u64>,
    pub acr: Option<String>,
    pub validity: u64,
}

/// What a refresh token says.
#[derive(Debug, Clone)]
pub(crate) struct RefreshTokenSpec {
    pub client_id: String,
    pub scopes: Vec<String>,
    pub access_token_subject: String,
    pub access_token_audience: Vec<String>,
    /// The grant that started the family (kept across rotations).
    pub grant_type: GrantType,
    /// `aci`, kept across rotations so the next tokens read the same entry.
    pub attribute_cache_id: Option<String>,
    pub token_family_id: Option<String>,
    /// Absolute expiry: a rotated token keeps its predecessor's.
    pub expires_at: u64,
    /// `access_token_claims_request`: the whole `claims` request, as JSON text.
    pub claims_request: Option<String>,
    pub claims_locales: Option<String>,
}

/// A refresh token's claims plus the organization of a switched session.
#[derive(Serialize)]
struct SwitchedRefreshTokenClaims<'a> {
    #[serde(flatten)]
    claims: RefreshTokenClaims,
    #[serde(rename = "org_id", skip_serializing_if = "Option::is_none")]
    organization_id: Option<&'a str>,
}

/// The application's lifetimes: its `oauth.token.*.validityPeriod`, else `jwt.validityPeriod` (access
/// and ID tokens) or `oauth.refreshToken.validityPeriod` (refresh tokens).
pub(crate) fn lifetimes(settings: &ServerSettings, profile: &OAuthProfile) -> Lifetimes {
    let jwt = positive(Some(settings.jwt.validity_period)).unwrap_or(DEFAULT_JWT_VALIDITY);
    let refresh = positive(Some(settings.oauth.refresh_token.validity_period))
        .unwrap_or(DEFAULT_REFRESH_VALIDITY);
    let token = &profile.token;
    Lifetimes {
        access_token: positive(token.access_token.validity_period).unwrap_or(jwt),
        id_token: positive(token.id_token.validity_period).unwrap_or(jwt),
        refresh_token: positive(token.refresh_token.validity_period).unwrap_or(refresh),
    }
}

/// The server's fixed margin on attribute cache lifetimes (`AttributeCacheTTLBufferSeconds`).
pub(crate) const ATTRIBUTE_CACHE_BUFFER: u64 = 60;

/// `resolveUserAttributesCacheTTL`: how long a sign-in's attribute cache entry lives for a client:
/// its longest-lived token (the refresh token only when it may refresh), plus `window` (how long
/// the code or the backchannel request waits to be redeemed) and the buffer.
pub(crate) fn attribute_cache_ttl(
    settings: &ServerSettings,
    profile: &OAuthProfile,
    window: u64,
) -> u64 {
    let lifetimes = lifetimes(settings, profile);
    let mut longest = lifetimes.access_token;
    if profile.allows_grant(GrantType::RefreshToken.as_str()) {
        longest = longest.max(lifetimes.refresh_token);
    }
    longest
        .saturating_add(window)
        .saturating_add(ATTRIBUTE_CACHE_BUFFER)
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

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

fn positive(value: Option<u64>) -> Option<u64> {
    value.filter(|v| *v > 0)
}
