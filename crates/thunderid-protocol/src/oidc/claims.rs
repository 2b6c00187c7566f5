//! The JWTs the server signs: the JWS header and the decoded payloads.
//!
//! Every token is a compact JWS signed with `default-key` (RS256). `GenerateJWT`
//! (`backend/internal/system/jose/jwt/service.go`) adds `iss`, `exp`, `iat`, `nbf`, `jti` and, when
//! non-empty, `sub` to the caller's claims ([`RegisteredClaims`]). Claims the server copies from user
//! attributes (`email`, `given_name`, `groups`, …) land in each type's `extra` map; the organization
//! claims are modelled in [`OrganizationClaims`].
//!
//! | JWT | `typ` | `sub` | `aud` | Source |
//! |---|---|---|---|---|
//! | access token | `at+jwt` | user, or application (client_credentials) | resource server, default audience or client_id | `O2/tokenservice/builder.go` |
//! | ID token | `JWT` | user | client_id | same |
//! | refresh token | `JWT` | client_id | issuer | same |
//! | flow assertion | `JWT` | user (or its subject attribute) | applicationId | `FE/auth_assert_executor.go` |
//! | error assertion | `JWT` | none | applicationId | `FX/service.go` `buildErrorAssertion` |

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::jwks::JwsAlgorithm;
use crate::ids::{ClientId, IssuerUrl, KeyId, OrganizationUnitId};
use crate::oauth2::token::GrantType;

/// The protected header: `{"alg","typ","kid"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwsHeader {
    #[serde(rename = "alg")]
    pub algorithm: JwsAlgorithm,
    /// [`JwsHeader::TYP_ACCESS_TOKEN`] for access tokens, [`JwsHeader::TYP_JWT`] for everything else.
    #[serde(rename = "typ", default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// base64url(SHA-256(certificate DER)), as in the JWKS.
    #[serde(rename = "kid", default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<KeyId>,
}

/// `aud`: one string or several. The server writes a single audience as a string, and only access
/// tokens bound to several audiences as an array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

/// The claims `GenerateJWT` sets on every token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredClaims {
    #[serde(rename = "iss")]
    pub issuer: IssuerUrl,
    /// Absent only on error assertions. A user id, an application id or a client id (see the table
    /// in the module docs), so a plain string.
    #[serde(rename = "sub", default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(rename = "aud")]
    pub audience: Audience,
    #[serde(rename = "exp")]
    pub expires_at: u64,
    #[serde(rename = "iat")]
    pub issued_at: u64,
    /// Equal to `iat`.
    #[serde(rename = "nbf")]
    pub not_before: u64,
    /// A UUIDv7.
    #[serde(rename = "jti")]
    pub jwt_id: String,
}

/// Organization claims. `ouId`/`ouName`/`ouHandle` are the server's computed user attributes, present
/// when the app lists them; `org_id`/`org_name`/`org_handle` are what the legacy B2B SDKs read from the
/// ID token after an organization switch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationClaims {
    #[serde(rename = "ouId", default, skip_serializing_if = "Option::is_none")]
    pub organization_unit_id: Option<OrganizationUnitId>,
    #[serde(rename = "ouName", default, skip_serializing_if = "Option::is_none")]
    pub organization_unit_name: Option<String>,
    #[serde(rename = "ouHandle", default, skip_serializing_if = "Option::is_none")]
    pub organization_unit_handle: Option<String>,
    #[serde(rename = "org_id", default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    #[serde(rename = "org_name", default, skip_serializing_if = "Option::is_none")]
    pub organization_name: Option<String>,
    #[serde(
        rename = "org_handle",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub organization_handle: Option<String>,
    /// The organization the session is switched to, as the JS SDKs read it from the ID token
    /// (React/Vue/Nuxt move `/users/me` under `{baseUrl}/o` when it is present; Next.js stores it as
    /// the session's organization).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_org: Option<String>,
}

/// An access token's payload (header `typ: at+jwt`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenClaims {
    #[serde(flatten)]
    pub registered: RegisteredClaims,
    /// Space-separated; omitted when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_type: Option<GrantType>,
    /// Attribute-cache id, from which `/oauth2/userinfo` reads the user attributes.
    #[serde(rename = "aci", default, skip_serializing_if = "Option::is_none")]
    pub attribute_cache_id: Option<String>,
    /// The issuer of the IdP that authenticated a jwt-bearer (ID-JAG) subject.
    #[serde(rename = "idp", default, skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
    #[serde(rename = "act", default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<ActorClaim>,
    /// The userinfo part of the `claims` request, serialized as JSON text.
    #[serde(
        rename = "claims_req",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub claims_request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims_locales: Option<String>,
    /// The DPoP binding.
    #[serde(rename = "cnf", default, skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<Confirmation>,
    /// Token family id.
    #[serde(rename = "tfid", default, skip_serializing_if = "Option::is_none")]
    pub token_family_id: Option<String>,
    #[serde(flatten)]
    pub organization: OrganizationClaims,
    /// User attributes allowed by the app's access-token config (`given_name`, `groups`, …).
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `act` (RFC 8693 §4.1): who acts for the subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorClaim {
    #[serde(rename = "sub")]
    pub subject: String,
    #[serde(rename = "iss", default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// A nested `act`, copied verbatim from the subject token.
    #[serde(rename = "act", default, skip_serializing_if = "Option::is_none")]
    pub nested: Option<BTreeMap<String, Value>>,
}

/// `cnf`: the DPoP key thumbprint a token is bound to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    #[serde(rename = "jkt", default, skip_serializing_if = "Option::is_none")]
    pub jwk_thumbprint: Option<String>,
}

/// An ID token's payload (header `typ: JWT`). There is no `at_hash`, `c_hash`, `sid` or `azp`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdTokenClaims {
    #[serde(flatten)]
    pub registered: RegisteredClaims,
    /// The assertion's `iat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// The completed authentication class.
    #[serde(rename = "acr", default, skip_serializing_if = "Option::is_none")]
    pub authentication_class: Option<String>,
    #[serde(flatten)]
    pub organization: OrganizationClaims,
    /// Profile claims from the granted scopes and the `claims` request (`email`, `name`, …).
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A refresh token's payload (header `typ: JWT`; clients treat it as opaque). `sub` is the client id,
/// `aud` the issuer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshTokenClaims {
    #[serde(flatten)]
    pub registered: RegisteredClaims,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The access token's `sub`; always written, possibly empty.
    #[serde(rename = "access_token_sub", default)]
    pub access_token_subject: String,
    /// The access token's audiences; always written, `null` when there were none.
    #[serde(rename = "access_token_aud", default)]
    pub access_token_audiences: Option<Vec<String>>,
    /// The grant that issued the family; always written.
    pub grant_type: GrantType,
    #[serde(rename = "act_sub", default, skip_serializing_if = "Option::is_none")]
    pub actor_subject: Option<String>,
    #[serde(rename = "aci", default, skip_serializing_if = "Option::is_none")]
    pub attribute_cache_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token_claims_request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token_claims_locales: Option<String>,
    #[serde(rename = "dpop_jkt", default, skip_serializing_if = "Option::is_none")]
    pub dpop_jwk_thumbprint: Option<String>,
    #[serde(rename = "tfid", default, skip_serializing_if = "Option::is_none")]
    pub token_family_id: Option<String>,
}

/// The flow `assertion` of a COMPLETE authentication (header `typ: JWT`; `aud` = applicationId).
///
/// OAuth-initiated executions carry `authorization_request_id` and `aci`; app-native ones carry the
/// app's assertion user attributes inline (in `extra`, plus the organization claims and `userType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowAssertionClaims {
    #[serde(flatten)]
    pub registered: RegisteredClaims,
    /// Present when an authenticating executor ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assurance: Option<Assurance>,
    /// Space-separated permissions approved by authorization or consent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized_permissions: Option<String>,
    #[serde(
        rename = "completed_auth_class",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub completed_authentication_class: Option<String>,
    /// The OAuth `authId` (or CIBA `auth_req_id`); the callback requires it to match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_request_id: Option<String>,
    #[serde(rename = "tfid", default, skip_serializing_if = "Option::is_none")]
    pub token_family_id: Option<String>,
    #[serde(rename = "aci", default, skip_serializing_if = "Option::is_none")]
    pub attribute_cache_id: Option<String>,
    #[serde(rename = "userType", default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    #[serde(flatten)]
    pub organization: OrganizationClaims,
    /// Inline user attributes (`email`, `given_name`, `groups`, `roles`, …).
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `assurance`: how strongly the user was authenticated (`backend/internal/authn/assert/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assurance {
    #[serde(rename = "aal")]
    pub authentication_level: AssuranceLevel,
    #[serde(rename = "ial")]
    pub identity_level: AssuranceLevel,
    pub authenticators: Vec<AuthenticatorReference>,
}

/// One authenticator that took part, numbered by step from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthenticatorReference {
    /// e.g. `CredentialsAuthenticator`.
    pub authenticator: String,
    pub step: u32,
    /// Unix seconds.
    pub timestamp: u64,
}

open_enum! {
    /// `aal` / `ial` values.
    pub enum AssuranceLevel {
        Aal1 = "AAL1",
        Aal2 = "AAL2",
        Aal3 = "AAL3",
        Ial1 = "IAL1",
        Ial2 = "IAL2",
        Ial3 = "IAL3",
        Unknown = "UNKNOWN",
    }
}

/// The `errorAssertion` of a failed OAuth-initiated flow (no `sub`; `aud` = applicationId).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorAssertionClaims {
    #[serde(flatten)]
    pub registered: RegisteredClaims,
    pub authorization_request_id: String,
    pub flow_error_type: FlowErrorType,
    /// The English default description of the flow error.
    pub flow_error_description: String,
}

open_enum! {
    /// `flow_error_type`: decides whether the callback redirects `access_denied` to the client or
    /// `server_error` to the gate.
    pub enum FlowErrorType {
        /// An in-band `flowStatus: ERROR`.
        EndUserError = "end_user_error",
        ClientError = "client_error",
        ServerError = "server_error",
    }
}

impl JwsHeader {
    /// `typ` of access tokens (RFC 9068).
    pub const TYP_ACCESS_TOKEN: &'static str = "at+jwt";
    /// The media-type form of [`Self::TYP_ACCESS_TOKEN`], which validators must also accept.
    pub const TYP_ACCESS_TOKEN_MEDIA_TYPE: &'static str = "application/at+jwt";
    /// `typ` of ID tokens, refresh tokens and flow assertions.
    pub const TYP_JWT: &'static str = "JWT";
    /// `typ` of an Identity Assertion Authorization Grant.
    pub const TYP_ID_JAG: &'static str = "oauth-id-jag+jwt";

    /// The header the server writes: `alg`, `typ` and `kid`.
    pub fn new(algorithm: JwsAlgorithm, token_type: &str, key_id: KeyId) -> Self {
        Self {
            algorithm,
            token_type: Some(token_type.to_owned()),
            key_id: Some(key_id),
        }
    }

    /// Whether `typ` marks an access token (either spelling).
    pub fn is_access_token(&self) -> bool {
        matches!(
            self.token_type.as_deref(),
            Some(Self::TYP_ACCESS_TOKEN | Self::TYP_ACCESS_TOKEN_MEDIA_TYPE)
        )
    }
}

impl Audience {
    /// The audiences as the server writes them: a string for one, an array for several.
    pub fn from_values(mut values: Vec<String>) -> Self {
        match values.len() {
            1 => Self::One(values.remove(0)),
            _ => Self::Many(values),
        }
    }

    /// Every audience.
    pub fn values(&self) -> Vec<&str> {
        match self {
            Self::One(value) => vec![value.as_str()],
            Self::Many(values) => values.iter().map(String::as_str).collect(),
        }
    }

    /// Whether `audience` is one of them (how the SDK checks `aud` against its client id).
    pub fn contains(&self, audience: &str) -> bool {
        self.values().contains(&audience)
    }
}

impl From<&str> for Audience {
    fn from(value: &str) -> Self {
        Self::One(value.to_owned())
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the claim types.
    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::strategies::{extra_members, json_value, open_enum, opt_text, text};
    use crate::oauth2::token::strategies::grant_type;
    use crate::oidc::jwks::strategies::jws_algorithm;

    /// Any [`JwsHeader`].
    pub fn jws_header() -> impl Strategy<Value = JwsHeader> {
        (jws_algorithm(), opt_text(), opt_text()).prop_map(|(algorithm, token_type, key_id)| {
            JwsHeader {
                algorithm,
                token_type,
                key_id: key_id.map(KeyId::new),
            }
        })
    }

    /// Any [`Audience`].
    pub fn audience() -> impl Strategy<Value = Audience> {
        prop_oneof![
            text().prop_map(Audience::One),
            prop::collection::vec(text(), 0..3).prop_map(Audience::Many)
        ]
    }

    /// Any [`RegisteredClaims`].
    pub fn registered_claims() -> impl Strategy<Value = RegisteredClaims> {
        (
            text(),
            opt_text(),
            audience(),
            any::<u64>(),
            any::<u64>(),
            any::<u64>(),
            text(),
        )
            .prop_map(
                |(issuer, subject, audience, expires_at, issued_at, not_before, jwt_id)| {
                    RegisteredClaims {
                        issuer: IssuerUrl::new(issuer),
                        subject,
                        audience,
                        expires_at,
                        issued_at,
                        not_before,
                        jwt_id,
                    }
                },
            )
    }

    /// Any [`OrganizationClaims`].
    pub fn organization_claims() -> impl Strategy<Value = OrganizationClaims> {
        (
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
        )
            .prop_map(
                |(ou_id, ou_name, ou_handle, org_id, org_name, org_handle, user_org)| {
                    OrganizationClaims {
                        organization_unit_id: ou_id.map(OrganizationUnitId::new),
                        organization_unit_name: ou_name,
                        organization_unit_handle: ou_handle,
                        organization_id: org_id,
                        organization_name: org_name,
                        organization_handle: org_handle,
                        user_org,
                    }
                },
            )
    }

    /// Any [`Confirmation`].
    pub fn confirmation() -> impl Strategy<Value = Confirmation> {
        opt_text().prop_map(|jwk_thumbprint| Confirmation { jwk_thumbprint })
    }

    /// Any [`ActorClaim`].
    pub fn actor_claim() -> impl Strategy<Value = ActorClaim> {
        (
            text(),
            opt_text(),
            proptest::option::of(prop::collection::btree_map(text(), json_value(), 0..3)),
        )
            .prop_map(|(subject, issuer, nested)| ActorClaim {
                subject,
                issuer,
                nested,
            })
    }

    /// Any [`AccessTokenClaims`].
    pub fn access_token_claims() -> impl Strategy<Value = AccessTokenClaims> {
        (
            registered_claims(),
            (
                opt_text(),
                opt_text(),
                proptest::option::of(grant_type()),
                opt_text(),
                opt_text(),
            ),
            (
                proptest::option::of(actor_claim()),
                opt_text(),
                opt_text(),
                proptest::option::of(confirmation()),
            ),
            (opt_text(), organization_claims(), extra_members()),
        )
            .prop_map(
                |(
                    registered,
                    (scope, client_id, grant_type, attribute_cache_id, identity_provider),
                    (actor, claims_request, claims_locales, confirmation),
                    (token_family_id, organization, extra),
                )| AccessTokenClaims {
                    registered,
                    scope,
                    client_id: client_id.map(ClientId::new),
                    grant_type,
                    attribute_cache_id,
                    identity_provider,
                    actor,
                    claims_request,
                    claims_locales,
                    confirmation,
                    token_family_id,
                    organization,
                    extra,
                },
            )
    }

    /// Any [`IdTokenClaims`].
    pub fn id_token_claims() -> impl Strategy<Value = IdTokenClaims> {
        (
            registered_claims(),
            proptest::option::of(any::<u64>()),
            opt_text(),
            opt_text(),
            organization_claims(),
            extra_members(),
        )
            .prop_map(
                |(registered, auth_time, nonce, authentication_class, organization, extra)| {
                    IdTokenClaims {
                        registered,
                        auth_time,
                        nonce,
                        authentication_class,
                        organization,
                        extra,
                    }
                },
            )
    }

    /// Any [`RefreshTokenClaims`].
    pub fn refresh_token_claims() -> impl Strategy<Value = RefreshTokenClaims> {
        (
            registered_claims(),
            (
                opt_text(),
                text(),
                proptest::option::of(prop::collection::vec(text(), 0..3)),
                grant_type(),
            ),
            (
                opt_text(),
                opt_text(),
                opt_text(),
                opt_text(),
                opt_text(),
                opt_text(),
            ),
        )
            .prop_map(
                |(
                    registered,
                    (scope, access_token_subject, access_token_audiences, grant_type),
                    (
                        actor_subject,
                        attribute_cache_id,
                        claims_request,
                        claims_locales,
                        dpop,
                        token_family_id,
                    ),
                )| RefreshTokenClaims {
                    registered,
                    scope,
                    access_token_subject,
                    access_token_audiences,
                    grant_type,
                    actor_subject,
                    attribute_cache_id,
                    access_token_claims_request: claims_request,
                    access_token_claims_locales: claims_locales,
                    dpop_jwk_thumbprint: dpop,
                    token_family_id,
                },
            )
    }

    /// Any [`AssuranceLevel`].
    pub fn assurance_level() -> BoxedStrategy<AssuranceLevel> {
        open_enum(AssuranceLevel::ALL, AssuranceLevel::parse)
    }

    /// Any [`Assurance`].
    pub fn assurance() -> impl Strategy<Value = Assurance> {
        let authenticator =
            (text(), any::<u32>(), any::<u64>()).prop_map(|(authenticator, step, timestamp)| {
                AuthenticatorReference {
                    authenticator,
                    step,
                    timestamp,
                }
            });
        (
            assurance_level(),
            assurance_level(),
            prop::collection::vec(authenticator, 0..3),
        )
            .prop_map(
                |(authentication_level, identity_level, authenticators)| Assurance {
                    authentication_level,
                    identity_level,
                    authenticators,
                },
            )
    }

    /// Any [`FlowAssertionClaims`].
    pub fn flow_assertion_claims() -> impl Strategy<Value = FlowAssertionClaims> {
        (
            registered_claims(),
            (
                proptest::option::of(assurance()),
                opt_text(),
                opt_text(),
                opt_text(),
            ),
            (
                opt_text(),
                opt_text(),
                opt_text(),
                organization_claims(),
                extra_members(),
            ),
        )
            .prop_map(
                |(
                    registered,
                    (assurance, authorized_permissions, completed_class, authorization_request_id),
                    (token_family_id, attribute_cache_id, user_type, organization, extra),
                )| FlowAssertionClaims {
                    registered,
                    assurance,
                    authorized_permissions,
                    completed_authentication_class: completed_class,
                    authorization_request_id,
                    token_family_id,
                    attribute_cache_id,
                    user_type,
                    organization,
                    extra,
                },
            )
    }

    /// Any [`FlowErrorType`].
    pub fn flow_error_type() -> BoxedStrategy<FlowErrorType> {
        open_enum(FlowErrorType::ALL, FlowErrorType::parse)
    }

    /// Any [`ErrorAssertionClaims`].
    pub fn error_assertion_claims() -> impl Strategy<Value = ErrorAssertionClaims> {
        (registered_claims(), text(), flow_error_type(), text()).prop_map(
            |(registered, authorization_request_id, flow_error_type, flow_error_description)| {
                ErrorAssertionClaims {
                    registered,
                    authorization_request_id,
                    flow_error_type,
                    flow_error_description,
                }
            },
        )
    }
}
