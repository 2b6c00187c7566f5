//! [`Config`]: where the server is and who the client is. Built once, validated when the
//! [`crate::Client`] is built, and swappable at runtime with [`crate::Client::reinitialize`].

use std::fmt;
use std::time::Duration;

use thunderid_protocol::ids::{ApplicationId, ClientId, IssuerUrl};
use thunderid_protocol::secret::{ClientSecret, FlowSecret};
use url::Url;

/// The scopes asked for when none are configured (the JS SDK's default).
pub const DEFAULT_SCOPES: &[&str] = &["openid", "profile"];

/// The default tolerance for clock skew when checking `exp` and `nbf`.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

/// How the client authenticates at the token, revocation and introspection endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuthMethod {
    /// `Authorization: Basic base64(urlencode(client_id) ":" urlencode(client_secret))` (RFC 6749
    /// §2.3.1).
    ClientSecretBasic,
    /// `client_id` and `client_secret` in the form body.
    ClientSecretPost,
    /// A public client: `client_id` in the body, no secret.
    None,
}

/// The client's configuration.
///
/// ```
/// use thunderid_client::{ClientAuthMethod, Config};
///
/// let config = Config::new("http://127.0.0.1:8090/")?
///     .with_client_id("sample-web")
///     .with_client_secret("sample-web-secret")
///     .with_redirect_uri("http://localhost:3000/login");
/// assert_eq!(config.base_url(), "http://127.0.0.1:8090");
/// assert_eq!(config.auth_method(), ClientAuthMethod::ClientSecretBasic);
/// # Ok::<(), thunderid_client::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    base_url: String,
    /// The OAuth `client_id`; needed for every OAuth operation.
    pub client_id: Option<ClientId>,
    /// The client secret of a confidential client.
    pub client_secret: Option<ClientSecret>,
    /// Overrides the default method: `client_secret_basic` with a secret, `none` without.
    pub token_endpoint_auth_method: Option<ClientAuthMethod>,
    /// The application's id (not its `client_id`): needed to start app-native flows.
    pub application_id: Option<ApplicationId>,
    /// The `Flow-Secret` a backend app presents when it starts a flow.
    pub flow_secret: Option<FlowSecret>,
    /// The scopes of sign-in; [`DEFAULT_SCOPES`] when empty.
    pub scopes: Vec<String>,
    /// Where the server sends the browser after sign-in.
    pub redirect_uri: Option<String>,
    /// Where the server sends the browser after sign-out.
    pub post_logout_redirect_uri: Option<String>,
    /// Fetch `{base}/.well-known/openid-configuration` (default true). When false, or when the fetch
    /// fails, the endpoints are derived from the base URL.
    pub discovery: bool,
    /// The issuer tokens and discovery must name; the base URL when unset.
    pub issuer: Option<IssuerUrl>,
    /// Clock skew tolerated when checking `exp` and `nbf` ([`DEFAULT_LEEWAY`]).
    pub leeway: Duration,
    /// The key of the session facade's HS256 session tokens (at least 32 bytes).
    pub session_secret: Option<SessionSecret>,
}

/// The HMAC key of session tokens. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionSecret(Vec<u8>);

/// Why a configuration cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not an absolute `http`/`https` URL without query or fragment.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The rejected value.
        url: String,
        /// Why.
        reason: String,
    },
    /// The operation needs a setting that is not configured.
    #[error("the operation needs `{0}` to be configured")]
    Missing(&'static str),
    /// The server's metadata has no such endpoint.
    #[error("the server publishes no `{0}`")]
    MissingEndpoint(&'static str),
    /// `client_secret_basic` or `client_secret_post` without a secret.
    #[error("token endpoint auth method {0:?} needs a client secret")]
    SecretRequired(ClientAuthMethod),
    /// The session secret is shorter than 32 bytes.
    #[error("the session secret must be at least 32 bytes")]
    WeakSessionSecret,
}

impl Config {
    /// A configuration for the server at `base_url`. A trailing `/` is dropped.
    pub fn new(base_url: impl AsRef<str>) -> Result<Self, ConfigError> {
        Ok(Self {
            base_url: normalize_base_url(base_url.as_ref())?,
            client_id: None,
            client_secret: None,
            token_endpoint_auth_method: None,
            application_id: None,
            flow_secret: None,
            scopes: Vec::new(),
            redirect_uri: None,
            post_logout_redirect_uri: None,
            discovery: true,
            issuer: None,
            leeway: DEFAULT_LEEWAY,
            session_secret: None,
        })
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The issuer tokens must carry: [`Config::issuer`], else the base URL.
    pub fn expected_issuer(&self) -> IssuerUrl {
        self.issuer
            .clone()
            .unwrap_or_else(|| IssuerUrl::new(self.base_url.clone()))
    }

    /// The effective token endpoint auth method.
    pub fn auth_method(&self) -> ClientAuthMethod {
        match (self.token_endpoint_auth_method, &self.client_secret) {
            (Some(method), _) => method,
            (None, Some(_)) => ClientAuthMethod::ClientSecretBasic,
            (None, None) => ClientAuthMethod::None,
        }
    }

    /// The scopes of sign-in: the configured ones, else [`DEFAULT_SCOPES`].
    pub fn effective_scopes(&self) -> Vec<String> {
        if self.scopes.is_empty() {
            DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect()
        } else {
            self.scopes.clone()
        }
    }

    /// Sets `client_id`.
    pub fn with_client_id(mut self, client_id: impl Into<ClientId>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Sets the client secret.
    pub fn with_client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(ClientSecret::new(secret));
        self
    }

    /// Sets the token endpoint auth method.
    pub fn with_auth_method(mut self, method: ClientAuthMethod) -> Self {
        self.token_endpoint_auth_method = Some(method);
        self
    }

    /// Sets the application id used to start app-native flows.
    pub fn with_application_id(mut self, application_id: impl Into<ApplicationId>) -> Self {
        self.application_id = Some(application_id.into());
        self
    }

    /// Sets the `Flow-Secret`.
    pub fn with_flow_secret(mut self, secret: impl Into<String>) -> Self {
        self.flow_secret = Some(FlowSecret::new(secret));
        self
    }

    /// Sets the scopes.
    pub fn with_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the redirect URI.
    pub fn with_redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// Sets the post-logout redirect URI.
    pub fn with_post_logout_redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.post_logout_redirect_uri = Some(uri.into());
        self
    }

    /// Turns OIDC discovery on or off.
    pub fn with_discovery(mut self, enabled: bool) -> Self {
        self.discovery = enabled;
        self
    }

    /// Sets the expected issuer.
    pub fn with_issuer(mut self, issuer: impl Into<IssuerUrl>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Sets the clock-skew leeway.
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Sets the session secret.
    pub fn with_session_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.session_secret = Some(SessionSecret::new(secret));
        self
    }

    /// Checks the settings that do not depend on the operation.
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        let method = self.auth_method();
        let needs_secret = matches!(
            method,
            ClientAuthMethod::ClientSecretBasic | ClientAuthMethod::ClientSecretPost
        );
        if needs_secret && self.client_secret.is_none() {
            return Err(ConfigError::SecretRequired(method));
        }
        if let Some(secret) = &self.session_secret {
            secret.check()?;
        }
        Ok(())
    }

    /// The `client_id`, or [`ConfigError::Missing`].
    pub(crate) fn require_client_id(&self) -> Result<&ClientId, ConfigError> {
        self.client_id
            .as_ref()
            .ok_or(ConfigError::Missing("client_id"))
    }
}

impl SessionSecret {
    /// A secret of these bytes.
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Self(secret.into())
    }

    /// The key bytes.
    pub fn secret(&self) -> &[u8] {
        &self.0
    }

    fn check(&self) -> Result<(), ConfigError> {
        if self.0.len() < 32 {
            Err(ConfigError::WeakSessionSecret)
        } else {
            Ok(())
        }
    }
}

impl fmt::Debug for SessionSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionSecret([redacted])")
    }
}

fn normalize_base_url(raw: &str) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidBaseUrl {
        url: raw.to_owned(),
        reason: reason.to_owned(),
    };
    let url = Url::parse(raw).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    // Keep the caller's spelling (the issuer is compared as an exact string), minus trailing `/`.
    Ok(raw.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trailing_slash_is_dropped_and_bad_urls_are_refused() {
        assert_eq!(
            Config::new("https://id.example/t/a/")
                .map(|c| c.base_url)
                .ok()
                .as_deref(),
            Some("https://id.example/t/a")
        );
        assert!(matches!(
            Config::new("ftp://x"),
            Err(ConfigError::InvalidBaseUrl { .. })
        ));
        assert!(matches!(
            Config::new("http://x/?a=1"),
            Err(ConfigError::InvalidBaseUrl { .. })
        ));
        assert!(matches!(
            Config::new("not a url"),
            Err(ConfigError::InvalidBaseUrl { .. })
        ));
    }

    #[test]
    fn the_auth_method_defaults_from_the_secret() -> Result<(), ConfigError> {
        let public = Config::new("http://x")?;
        assert_eq!(public.auth_method(), ClientAuthMethod::None);
        let confidential = public.clone().with_client_secret("s");
        assert_eq!(
            confidential.auth_method(),
            ClientAuthMethod::ClientSecretBasic
        );
        let missing = Config::new("http://x")?.with_auth_method(ClientAuthMethod::ClientSecretPost);
        assert_eq!(
            missing.validate(),
            Err(ConfigError::SecretRequired(
                ClientAuthMethod::ClientSecretPost
            ))
        );
        Ok(())
    }

    #[test]
    fn secrets_never_reach_debug_output() -> Result<(), ConfigError> {
        let config = Config::new("http://x")?
            .with_client_secret("client-secret-value")
            .with_flow_secret("flow-secret-value")
            .with_session_secret(vec![7u8; 32]);
        assert_eq!(
            format!("{:?}", config.client_secret),
            "Some(ClientSecret([redacted]))"
        );
        assert_eq!(
            format!("{:?}", config.flow_secret),
            "Some(FlowSecret([redacted]))"
        );
        assert_eq!(
            format!("{:?}", config.session_secret),
            "Some(SessionSecret([redacted]))"
        );
        Ok(())
    }
}
