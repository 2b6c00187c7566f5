//! The fixture set: applications, users, user types, organization units, flow graphs, server settings
//! and the signing key. Loaded from a directory (`--fixtures PATH`) or from the set compiled into the
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
    pub organization_units: Vec<OrganizationUnitFixture>,
    pub flows: Vec<FlowDefinition>,
    /// UI translations served by `GET /flow/meta`: language → namespace → key → text.
    pub translations: Translations,
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
}

impl Default for JwtSettings {
    fn default() -> Self {
        Self {
            validity_period: defaults::jwt_validity(),
            leeway: defaults::leeway(),
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
    None,
}

impl TokenEndpointAuthMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::None => "none",
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
}

/// `users.json`: one entry per user.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserFixture {
    pub id: String,
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
    /// Attributes, `username` among them.
    pub attributes: serde_json::Map<String, Value>,
    #[serde(default)]
    pub groups: Vec<String>,
    /// Permission strings such as `system` or `system:ou:view`.
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// `user-types.json`: a user type and its attribute schema.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserTypeFixture {
    pub id: String,
    pub name: String,
    #[serde(default = "defaults::default_ou")]
    pub ou_id: String,
    #[serde(default)]
    pub allow_self_registration: bool,
    pub schema: BTreeMap<String, AttributeSchemaFixture>,
}

/// One attribute of a user-type schema.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttributeSchemaFixture {
    /// `string`, `number` or `boolean`.
    #[serde(rename = "type")]
    pub value_type: AttributeValueType,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub unique: bool,
    #[serde(default)]
    pub credential: bool,
    #[serde(default)]
    pub regex: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttributeValueType {
    String,
    Number,
    Boolean,
}

impl AttributeValueType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Boolean => "boolean",
        }
    }
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
    "organization-units.json",
    "signing-key.pem",
    "signing-cert.pem",
    "translations.json",
);

/// The bundled flow graphs, in file-name order.
const BUNDLED_FLOWS: &[(&str, &str)] = &[
    (
        "authentication-default.json",
        include_str!("../fixtures/default/flows/authentication-default.json"),
    ),
    (
        "authentication-multi-option.json",
        include_str!("../fixtures/default/flows/authentication-multi-option.json"),
    ),
    (
        "authentication-sms-otp.json",
        include_str!("../fixtures/default/flows/authentication-sms-otp.json"),
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
        "signout-default.json",
        include_str!("../fixtures/default/flows/signout-default.json"),
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
        let organization_units = parse_or_default(source, "organization-units.json")?;
        let translations = parse_or_default(source, "translations.json")?;
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
            organization_units,
            flows,
            translations,
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
