//! The fixture set: applications, users, user types, groups, roles, resource servers, organization
//! units, flow graphs, server settings and the signing key. Loaded from a directory (`--fixtures PATH`) or from the set compiled into the
//! binary, then validated as a whole. Every error names the file, the field and the reason.
//!
//! The file formats are documented in the README ("Fixtures").

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use thunderid_protocol::flow::{FlowDefinition, FlowType};

pub use crate::openid4vp::PresentationDefinition;

mod access;
mod validate;

/// The id of the root organization unit, as the real server bootstraps it.
pub const DEFAULT_OU_ID: &str = "01900000-0000-7000-8000-000000000001";

/// A whole fixture set, validated.
#[derive(Debug, Clone)]
pub struct Fixtures {
    pub server: ServerSettings,
    pub applications: Vec<ApplicationFixture>,
    pub users: Vec<UserFixture>,
    pub user_types: Vec<UserTypeFixture>,
    pub groups: Vec<GroupFixture>,
    pub roles: Vec<RoleFixture>,
    pub resource_servers: Vec<ResourceServerFixture>,
    pub organization_units: Vec<OrganizationUnitFixture>,
    pub flows: Vec<FlowDefinition>,
    /// UI translations served by `GET /flow/meta`: language → namespace → key → text.
    pub translations: Translations,
    /// OpenID4VP presentation definitions (`presentation-definitions.json`), by `handle`: what
    /// an OpenID4VPVerifyExecutor's `presentation_definition_id` names.
    pub presentation_definitions: Vec<PresentationDefinition>,
    pub signing_key_pem: String,
    pub signing_cert_pem: String,
}

/// `translations.json`: language (e.g. `en-US`) → namespace (`signin`) → key → text.
pub type Translations = BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>;

/// Why a fixture set was refused: the file, the field (a JSON path) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {field}: {reason}")]
pub struct FixtureError {
    pub file: String,
    pub field: String,
    pub reason: String,
}

impl FixtureError {
    pub(crate) fn new(
        file: impl Into<String>,
        field: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// `server.json`: server-wide settings. Every field is optional; absent ones take the real server's
/// defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServerSettings {
    #[serde(default)]
    pub cors: CorsSettings,
    #[serde(default)]
    pub jwt: JwtSettings,
    #[serde(default)]
    pub oauth: OAuthSettings,
    #[serde(default)]
    pub flow: FlowSettings,
    #[serde(default)]
    pub security: SecuritySettings,
    /// The resource server (its id) that permission scopes bind to when a request names no
    /// `resource` (the server config `defaultResourceServer`); none by default, as on a fresh server.
    #[serde(default)]
    pub default_resource_server: Option<String>,
    /// What happens to e-mails and SMS the flows send.
    #[serde(default)]
    pub notifications: NotificationSettings,
}

/// `server.json` `notifications`: each channel delivers into the outbox (`GET /__mock/outbox`)
/// unless set otherwise. `"unconfigured"` is a fresh server without SMTP or an SMS sender
/// (FET-1038 for e-mail); `"failing"` is a provider that refuses every message (FET-1036, FET-1042).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotificationSettings {
    #[serde(default)]
    pub email: Delivery,
    #[serde(default)]
    pub sms: Delivery,
}

/// How one notification channel behaves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Delivery {
    #[default]
    Outbox,
    Unconfigured,
    Failing,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecuritySettings {
    /// The `Direct-Auth-Secret` the direct authentication API (`/auth/...`) and the AuthZEN endpoints
    /// require (`server.security.direct_auth_secret`). Empty, the default, refuses every call with
    /// 401, as a fresh server does.
    #[serde(default)]
    pub direct_auth_secret: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CorsSettings {
    /// Origins allowed on every route (the real server's `cors.allowedOrigins`).
    #[serde(default)]
    pub allowed_origins: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JwtSettings {
    /// Default lifetime of access tokens, ID tokens and flow assertions, in seconds.
    #[serde(default = "defaults::jwt_validity")]
    pub validity_period: u64,
    /// Clock skew tolerated when verifying tokens, in seconds.
    #[serde(default = "defaults::leeway")]
    pub leeway: u64,
    /// The `aud` of the direct authentication API's assertions (`jwt.audience`).
    #[serde(default = "defaults::jwt_audience")]
    pub audience: String,
}

impl Default for JwtSettings {
    fn default() -> Self {
        Self {
            validity_period: defaults::jwt_validity(),
            leeway: defaults::leeway(),
            audience: defaults::jwt_audience(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OAuthSettings {
    #[serde(default = "defaults::code_validity")]
    pub authorization_code: Validity,
    #[serde(default = "defaults::auth_request_validity")]
    pub authorization_request: Validity,
    #[serde(default = "defaults::refresh_validity")]
    pub refresh_token: Validity,
    /// Pushed authorization requests (`oauth.par`).
    #[serde(default)]
    pub par: ParSettings,
    /// Dynamic client registration (`oauth.dcr`).
    #[serde(default)]
    pub dcr: DcrSettings,
    /// Backchannel authentication (`oauth.ciba`).
    #[serde(default)]
    pub ciba: CibaSettings,
}

/// `oauth.par`: how long a `request_uri` lives, and whether every client must push.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParSettings {
    /// Seconds a `request_uri` stays valid (`expires_in`); 0 keeps it until used, as on the server.
    #[serde(default = "defaults::par_expires_in")]
    pub expires_in: u64,
    /// Every client must push its authorization requests (discovery then advertises
    /// `require_pushed_authorization_requests`).
    #[serde(default)]
    pub require_par: bool,
}

impl Default for ParSettings {
    fn default() -> Self {
        Self {
            expires_in: defaults::par_expires_in(),
            require_par: false,
        }
    }
}

/// `oauth.dcr`.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DcrSettings {
    /// Registration needs no token holding `system` (`oauth.dcr.insecure`; off by default).
    #[serde(default)]
    pub insecure: bool,
}

/// `oauth.ciba`.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CibaSettings {
    /// How many days past its `exp` an `id_token_hint` is still accepted; 0 means 30.
    #[serde(default)]
    pub id_token_hint_max_age_days: u64,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Validity {
    /// Seconds.
    pub validity_period: u64,
}

/// Flow engine settings: execution lifetimes per flow type and OTP defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FlowSettings {
    #[serde(default = "defaults::auth_flow_expiry")]
    pub authentication_expiry: u64,
    #[serde(default = "defaults::auth_flow_expiry")]
    pub registration_expiry: u64,
    #[serde(default = "defaults::recovery_flow_expiry")]
    pub recovery_expiry: u64,
    #[serde(default = "defaults::recovery_flow_expiry")]
    pub sign_out_expiry: u64,
    #[serde(default = "defaults::onboarding_flow_expiry")]
    pub user_onboarding_expiry: u64,
    #[serde(default = "defaults::otp_length")]
    pub otp_length: u32,
    #[serde(default = "defaults::otp_validity")]
    pub otp_validity: u64,
    /// Failed V1 authentication attempts before the flow ends with FAIL_COMPLETED.
    #[serde(default = "defaults::max_failed_attempts")]
    pub max_failed_attempts: u32,
}

impl Default for FlowSettings {
    fn default() -> Self {
        serde_json::from_value(Value::Object(Default::default()))
            .expect("all flow settings have defaults")
    }
}

mod defaults {
    use super::Validity;
    /// `jwt.audience` (`cmd/server/config/default.json`).
    pub fn jwt_audience() -> String {
        "application".to_owned()
    }

    pub fn jwt_validity() -> u64 {
        3600
    }
    pub fn leeway() -> u64 {
        30
    }
    pub fn code_validity() -> Validity {
        Validity {
            validity_period: 600,
        }
    }
    pub fn auth_request_validity() -> Validity {
        Validity {
            validity_period: 3600,
        }
    }
    pub fn refresh_validity() -> Validity {
        Validity {
            validity_period: 86400,
        }
    }
    pub fn auth_flow_expiry() -> u64 {
        3600
    }
    pub fn recovery_flow_expiry() -> u64 {
        1800
    }
    pub fn onboarding_flow_expiry() -> u64 {
        86400
    }
    pub fn otp_length() -> u32 {
        6
    }
    pub fn otp_validity() -> u64 {
        120
    }
    pub fn max_failed_attempts() -> u32 {
        5
    }
    pub fn par_expires_in() -> u64 {
        60
    }
    pub fn default_flow() -> String {
        "default-flow".to_owned()
    }
    pub fn person() -> Vec<String> {
        vec!["Person".to_owned()]
    }
    pub fn default_ou() -> String {
        super::DEFAULT_OU_ID.to_owned()
    }
    pub fn person_type() -> String {
        "Person".to_owned()
    }
}

/// The kinds of application the real server knows (`api/application.yaml`). The kind decides how an
/// app may start a flow directly (contract §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApplicationKind {
    Browser,
    Fullstack,
    Mobile,
    M2m,
    Mcp,
    Custom,
}

/// `applications.json`: one entry per application.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationFixture {
    /// The application id (UUID): `applicationId` in flow requests and `aud` of flow assertions.
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub kind: ApplicationKind,
    /// The OAuth profile; absent for embedded apps that only run flows.
    #[serde(default)]
    pub oauth: Option<OAuthProfile>,
    /// The `Flow-Secret` a backend app presents to start AUTHENTICATION/SIGNOUT flows directly.
    #[serde(default)]
    pub flow_secret: Option<String>,
    /// Flow handles, one per flow type.
    #[serde(default = "defaults::default_flow")]
    pub auth_flow: String,
    #[serde(default = "defaults::default_flow")]
    pub registration_flow: String,
    #[serde(default = "defaults::default_flow")]
    pub recovery_flow: String,
    #[serde(default = "defaults::default_flow")]
    pub sign_out_flow: String,
    #[serde(default)]
    pub is_registration_flow_enabled: bool,
    #[serde(default)]
    pub is_recovery_flow_enabled: bool,
    #[serde(default = "defaults::person")]
    pub allowed_user_types: Vec<String>,
    #[serde(default)]
    pub assertion: AssertionSettings,
    #[serde(default)]
    pub logo_url: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub tos_uri: Option<String>,
    #[serde(default)]
    pub policy_uri: Option<String>,
    /// The organization unit the application belongs to.
    #[serde(default = "defaults::default_ou")]
    pub ou_id: String,
    /// Display metadata (`template`, `contacts`, `metadata`), kept as given.
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub contacts: Vec<String>,
    #[serde(default)]
    pub metadata: Option<Value>,
    /// The design of the hosted pages (ids of a theme and a layout).
    #[serde(default)]
    pub theme_id: Option<String>,
    #[serde(default)]
    pub layout_id: Option<String>,
    #[serde(default)]
    pub passkey_allowed_origins: Vec<String>,
    /// Mobile apps: how they prove their binary when starting a flow (`Attestation-Token`).
    #[serde(default)]
    pub attestation: Option<AttestationFixture>,
    /// How long a consent given to this app lasts, in seconds (`loginConsent.validityPeriod`); 0,
    /// the default, never expires.
    #[serde(default)]
    pub login_consent: LoginConsentFixture,
}

/// `attestation` of a mobile application (`api/application.yaml` `Attestation`): at most one
/// platform, or `devMode`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttestationFixture {
    #[serde(default)]
    pub android: Option<AndroidAttestation>,
    #[serde(default)]
    pub apple: Option<AppleAttestation>,
    /// Lets the app start flows without a token (the server's attestation dev mode).
    #[serde(default)]
    pub dev_mode: bool,
    /// Mock-only: the tokens the configured platform accepts (the mock cannot ask Google Play or
    /// Apple offline); any other token is FES-1015.
    #[serde(default)]
    pub test_tokens: Vec<String>,
}

/// Google Play Integrity settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AndroidAttestation {
    #[serde(default)]
    pub package_name: String,
    #[serde(default)]
    pub certificate_sha256_digests: Vec<String>,
    /// Write-only on the server; accepted and ignored here.
    #[serde(default)]
    pub service_account_credentials: Option<String>,
}

/// Apple App Attest settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppleAttestation {
    #[serde(default)]
    pub team_id: String,
    #[serde(default)]
    pub bundle_id: String,
}

/// `loginConsent` of an application.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginConsentFixture {
    /// Seconds; 0 never expires.
    #[serde(default)]
    pub validity_period: u64,
}

/// The flow assertion settings of an application.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssertionSettings {
    /// Seconds; absent means the server default (`jwt.validityPeriod`).
    #[serde(default)]
    pub validity_period: Option<u64>,
    /// User attributes put inline into app-native assertions.
    #[serde(default)]
    pub user_attributes: Vec<String>,
}

/// How a client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenEndpointAuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    /// Accepted in configuration; the mock cannot verify client assertions, so such a client never
    /// authenticates.
    PrivateKeyJwt,
    None,
}

impl TokenEndpointAuthMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::PrivateKeyJwt => "private_key_jwt",
            Self::None => "none",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "client_secret_basic" => Some(Self::ClientSecretBasic),
            "client_secret_post" => Some(Self::ClientSecretPost),
            "private_key_jwt" => Some(Self::PrivateKeyJwt),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

/// An application's OAuth 2.0 / OIDC profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OAuthProfile {
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub public_client: bool,
    #[serde(default)]
    pub pkce_required: bool,
    pub token_endpoint_auth_method: TokenEndpointAuthMethod,
    pub grant_types: Vec<String>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    /// CORS origins allowed for this app, on top of `server.json`'s.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    #[serde(default)]
    pub token: TokenSettings,
    /// `code` (the only one); empty means the server default.
    #[serde(default)]
    pub response_types: Vec<String>,
    /// Authorization requests must be pushed (`/oauth2/par`) first.
    #[serde(default)]
    pub require_pushed_authorization_requests: bool,
    #[serde(default)]
    pub dpop_bound_access_tokens: bool,
    #[serde(default)]
    pub include_act_claim: bool,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Custom scope → released claims; absent means the standard OIDC scopes only.
    #[serde(default)]
    pub scope_claims: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    pub user_info: Option<thunderid_protocol::applications::UserInfoConfig>,
    #[serde(default)]
    pub certificate: Option<Value>,
    /// The authentication classes the app accepts (`acrValues`): the `acr_values` an authorization
    /// request may ask for. Empty: the parameter is ignored.
    #[serde(default)]
    pub acr_values: Vec<String>,
}

impl OAuthProfile {
    /// Public clients and clients that opt in must send a PKCE challenge (`RequiresPKCE`).
    pub fn requires_pkce(&self) -> bool {
        self.pkce_required || self.public_client
    }

    pub fn allows_grant(&self, grant_type: &str) -> bool {
        self.grant_types.iter().any(|g| g == grant_type)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenSettings {
    #[serde(default)]
    pub access_token: TokenKindSettings,
    #[serde(default)]
    pub id_token: TokenKindSettings,
    #[serde(default)]
    pub refresh_token: TokenKindSettings,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenKindSettings {
    /// Seconds; absent means the server default.
    #[serde(default)]
    pub validity_period: Option<u64>,
    /// User attributes copied into the token as claims.
    #[serde(default)]
    pub attributes: Vec<String>,
    /// Access tokens: attributes of the application itself in client_credentials tokens.
    #[serde(default)]
    pub client_attributes: Vec<String>,
    /// Access tokens: the audience of a token bound to no resource server (else the client id).
    #[serde(default)]
    pub default_audience: Option<String>,
    /// ID tokens: `JWT` (the only one the mock signs).
    #[serde(default)]
    pub response_type: Option<String>,
}

/// `users.json`: one entry per user.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserFixture {
    pub id: String,
    /// The user type's name.
    #[serde(rename = "type", default = "defaults::person_type")]
    pub user_type: String,
    #[serde(default = "defaults::default_ou")]
    pub ou_id: String,
    /// The plain password; hashed at load and never kept.
    #[serde(default)]
    pub password: Option<String>,
    /// A salted hash, `sha256$<salt hex>$<hex of SHA-256(salt ‖ password)>`.
    #[serde(default)]
    pub password_hash: Option<String>,
    /// Attributes, `username` among them; never credentials.
    pub attributes: serde_json::Map<String, Value>,
    /// Names of groups (in `groups.json`) the user is a direct member of: the same as listing the
    /// user among the group's members.
    #[serde(default)]
    pub groups: Vec<String>,
}

/// `user-types.json`: a user type and its attribute schema, as `POST /user-types` takes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserTypeFixture {
    pub id: String,
    pub name: String,
    /// `user` (the default) or `agent`: agent types sit beside user types, as on the server.
    #[serde(default)]
    pub category: TypeCategory,
    #[serde(default = "defaults::default_ou")]
    pub ou_id: String,
    #[serde(default)]
    pub allow_self_registration: bool,
    #[serde(default)]
    pub system_attributes: Option<SystemAttributesFixture>,
    /// The schema, in the server's format (`type`, `required`, `unique`, `credential`,
    /// `displayName`, `enum`, `regex`/`pattern`, nested `properties` and `items`).
    pub schema: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SystemAttributesFixture {
    /// The attribute (dot path) shown as a user's `display`.
    #[serde(default)]
    pub display: Option<String>,
}

/// Which kind of entity a type describes (`TypeCategory` of the server's entity types).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum TypeCategory {
    #[default]
    User,
    Agent,
}

/// A member of a group or an assignee of a role: a user, app, agent or group, by id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MemberFixture {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: MemberKind,
}

/// What a member or assignee is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MemberKind {
    User,
    App,
    Agent,
    Group,
}

impl MemberKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::App => "app",
            Self::Agent => "agent",
            Self::Group => "group",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "user" => Some(Self::User),
            "app" => Some(Self::App),
            "agent" => Some(Self::Agent),
            "group" => Some(Self::Group),
            _ => None,
        }
    }
}

/// `groups.json`: one entry per group.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupFixture {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "defaults::default_ou")]
    pub ou_id: String,
    #[serde(default)]
    pub members: Vec<MemberFixture>,
}

/// `roles.json`: one entry per role.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoleFixture {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "defaults::default_ou")]
    pub ou_id: String,
    /// Permissions by resource server.
    #[serde(default)]
    pub permissions: Vec<RolePermissionsFixture>,
    /// Who holds the role: users, apps, agents or groups (and their members).
    #[serde(default)]
    pub assignments: Vec<MemberFixture>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RolePermissionsFixture {
    pub resource_server_id: String,
    pub permissions: Vec<String>,
}

/// `resource-servers.json`: one entry per resource server, with its resources and actions as a tree.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceServerFixture {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// What an OAuth `resource` names, and the access token's `aud`.
    pub identifier: String,
    /// `API`, `MCP` or `CUSTOM` (the default).
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default = "defaults::default_ou")]
    pub ou_id: String,
    /// One of `. _ : - /`; `:` by default.
    #[serde(default)]
    pub delimiter: Option<String>,
    #[serde(default)]
    pub resources: Vec<ResourceFixture>,
    /// Actions of the resource server itself (their permission is their handle).
    #[serde(default)]
    pub actions: Vec<ActionFixture>,
}

/// A resource; its permission is its handle, under its parent's permission.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceFixture {
    /// Derived from the resource server and the handle path when absent.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub handle: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub resources: Vec<ResourceFixture>,
    #[serde(default)]
    pub actions: Vec<ActionFixture>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionFixture {
    /// Derived from the resource server and the handle path when absent.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub handle: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `tool` or `resource` (MCP resource servers).
    #[serde(default)]
    pub kind: Option<String>,
}

/// `organization-units.json`: one entry per organization unit.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrganizationUnitFixture {
    pub id: String,
    pub handle: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub logo_url: Option<String>,
}

/// Where the files of a fixture set come from.
trait Source {
    fn read(&self, name: &str) -> Result<Option<String>, FixtureError>;
    /// The flow files, as (file name, contents), sorted by name.
    fn flows(&self) -> Result<Vec<(String, String)>, FixtureError>;
}

/// The default set, compiled into the binary so it works from any directory.
struct Bundled;

macro_rules! bundled_files {
    ($($name:literal),* $(,)?) => {
        fn bundled_file(name: &str) -> Option<&'static str> {
            match name {
                $($name => Some(include_str!(concat!("../fixtures/default/", $name))),)*
                _ => None,
            }
        }
    };
}

bundled_files!(
    "server.json",
    "applications.json",
    "users.json",
    "user-types.json",
    "groups.json",
    "roles.json",
    "resource-servers.json",
    "organization-units.json",
    "signing-key.pem",
    "signing-cert.pem",
    "translations.json",
    "presentation-definitions.json",
);

/// The bundled flow graphs, in file-name order.
const BUNDLED_FLOWS: &[(&str, &str)] = &[
    (
        "administration-user-deletion.json",
        include_str!("../fixtures/default/flows/administration-user-deletion.json"),
    ),
    (
        "authentication-ciba-email.json",
        include_str!("../fixtures/default/flows/authentication-ciba-email.json"),
    ),
    (
        "authentication-consent.json",
        include_str!("../fixtures/default/flows/authentication-consent.json"),
    ),
    (
        "authentication-console.json",
        include_str!("../fixtures/default/flows/authentication-console.json"),
    ),
    (
        "authentication-default.json",
        include_str!("../fixtures/default/flows/authentication-default.json"),
    ),
    (
        "authentication-multi-option.json",
        include_str!("../fixtures/default/flows/authentication-multi-option.json"),
    ),
    (
        "authentication-passkey.json",
        include_str!("../fixtures/default/flows/authentication-passkey.json"),
    ),
    (
        "authentication-sms-otp.json",
        include_str!("../fixtures/default/flows/authentication-sms-otp.json"),
    ),
    (
        "authentication-sso.json",
        include_str!("../fixtures/default/flows/authentication-sso.json"),
    ),
    (
        "authentication-wallet.json",
        include_str!("../fixtures/default/flows/authentication-wallet.json"),
    ),
    (
        "recovery-default.json",
        include_str!("../fixtures/default/flows/recovery-default.json"),
    ),
    (
        "registration-default.json",
        include_str!("../fixtures/default/flows/registration-default.json"),
    ),
    (
        "registration-passkey.json",
        include_str!("../fixtures/default/flows/registration-passkey.json"),
    ),
    (
        "signout-default.json",
        include_str!("../fixtures/default/flows/signout-default.json"),
    ),
    (
        "user-onboarding-default.json",
        include_str!("../fixtures/default/flows/user-onboarding-default.json"),
    ),
];

impl Source for Bundled {
    fn read(&self, name: &str) -> Result<Option<String>, FixtureError> {
        Ok(bundled_file(name).map(str::to_owned))
    }

    fn flows(&self) -> Result<Vec<(String, String)>, FixtureError> {
        Ok(BUNDLED_FLOWS
            .iter()
            .map(|(n, c)| (format!("flows/{n}"), (*c).to_owned()))
            .collect())
    }
}

struct Directory(PathBuf);

impl Source for Directory {
    fn read(&self, name: &str) -> Result<Option<String>, FixtureError> {
        let path = self.0.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(FixtureError::new(
                path.display().to_string(),
                "(file)",
                e.to_string(),
            )),
        }
    }

    fn flows(&self) -> Result<Vec<(String, String)>, FixtureError> {
        let dir = self.0.join("flows");
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(FixtureError::new(
                    dir.display().to_string(),
                    "(directory)",
                    e.to_string(),
                ));
            }
        };
        let mut names = BTreeSet::new();
        for entry in entries {
            let entry = entry.map_err(|e| {
                FixtureError::new(dir.display().to_string(), "(directory)", e.to_string())
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") {
                names.insert(name);
            }
        }
        names
            .into_iter()
            .map(|name| {
                let text = std::fs::read_to_string(dir.join(&name)).map_err(|e| {
                    FixtureError::new(format!("flows/{name}"), "(file)", e.to_string())
                })?;
                Ok((format!("flows/{name}"), text))
            })
            .collect()
    }
}

impl Fixtures {
    /// The fixture set bundled into the binary (`fixtures/default`).
    pub fn bundled() -> Self {
        Self::load_from(&Bundled).expect("the bundled fixtures are valid (checked by a test)")
    }

    /// Load and validate the fixture set in `dir`. Files that are absent take the bundled defaults for
    /// the server settings and the signing key; the other files are empty when absent.
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<Self, FixtureError> {
        let dir = dir.as_ref();
        if !dir.is_dir() {
            return Err(FixtureError::new(
                dir.display().to_string(),
                "(directory)",
                "not a directory",
            ));
        }
        Self::load_from(&Directory(dir.to_path_buf()))
    }

    fn load_from(source: &dyn Source) -> Result<Self, FixtureError> {
        let server = parse_or_default(source, "server.json")?;
        let applications = parse_or_default(source, "applications.json")?;
        let users = parse_or_default(source, "users.json")?;
        let user_types = parse_or_default(source, "user-types.json")?;
        let groups = parse_or_default(source, "groups.json")?;
        let roles = parse_or_default(source, "roles.json")?;
        let resource_servers = parse_or_default(source, "resource-servers.json")?;
        let organization_units = parse_or_default(source, "organization-units.json")?;
        let translations = parse_or_default(source, "translations.json")?;
        let presentation_definitions = parse_or_default(source, "presentation-definitions.json")?;
        let mut flows = Vec::new();
        for (name, text) in source.flows()? {
            flows.push(parse::<FlowDefinition>(&name, &text)?);
        }
        let signing_key_pem = read_or_bundled(source, "signing-key.pem")?;
        let signing_cert_pem = read_or_bundled(source, "signing-cert.pem")?;
        let fixtures = Self {
            server,
            applications,
            users,
            user_types,
            groups,
            roles,
            resource_servers,
            organization_units,
            flows,
            translations,
            presentation_definitions,
            signing_key_pem,
            signing_cert_pem,
        };
        validate::check(&fixtures)?;
        Ok(fixtures)
    }

    /// Check the whole set, as a load does: a set built or changed in code (the builder's
    /// `.application(..)`, `.user(..)`, `.flow(..)`) meets the same rules as one read from files.
    pub fn validate(&self) -> Result<(), FixtureError> {
        validate::check(self)
    }
}

impl ApplicationFixture {
    /// The handle this application configures for a flow type, if the type is app-bound.
    pub fn flow_handle(&self, flow_type: &FlowType) -> Option<&str> {
        match flow_type {
            FlowType::Authentication | FlowType::Administration => Some(&self.auth_flow),
            FlowType::Registration => Some(&self.registration_flow),
            FlowType::Recovery => Some(&self.recovery_flow),
            FlowType::SignOut => Some(&self.sign_out_flow),
            FlowType::UserOnboarding | FlowType::Other(_) => None,
        }
    }
}

/// The unit a fixture names must exist.
fn check_unit(f: &Fixtures, file: &str, i: usize, ou_id: &str) -> Result<(), FixtureError> {
    if f.organization_units.iter().any(|o| o.id == ou_id) {
        Ok(())
    } else {
        Err(FixtureError::new(
            file,
            format!("[{i}].ouId"),
            format!("unknown organization unit {ou_id}"),
        ))
    }
}

fn parse_or_default<T: DeserializeOwned + Default>(
    source: &dyn Source,
    name: &str,
) -> Result<T, FixtureError> {
    match source.read(name)? {
        Some(text) => parse(name, &text),
        None => Ok(T::default()),
    }
}

fn read_or_bundled(source: &dyn Source, name: &str) -> Result<String, FixtureError> {
    match source.read(name)? {
        Some(text) => Ok(text),
        None => Ok(bundled_file(name).unwrap_or_default().to_owned()),
    }
}

/// Parse JSON, reporting the failing field as a JSON path (`[2].oauth.grantTypes`).
fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, FixtureError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            "(document)".to_owned()
        } else {
            path
        };
        FixtureError::new(file, field, e.into_inner().to_string())
    })
}

impl fmt::Display for ApplicationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Self::Browser => "browser",
            Self::Fullstack => "fullstack",
            Self::Mobile => "mobile",
            Self::M2m => "m2m",
            Self::Mcp => "mcp",
            Self::Custom => "custom",
        };
        f.write_str(s)
    }
}
