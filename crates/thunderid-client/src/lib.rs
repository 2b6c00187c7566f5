//! An async Rust client for [ThunderID](https://github.com/thunder-id/thunderid): redirect sign-in
//! (authorization code + PKCE), tokens, ID token validation, app-native flows, users and a
//! server-side session facade.
//!
//! It does what the JavaScript SDKs do, plus the checks they skip: `state`, `nonce` and the RFC 9207
//! `iss` parameter are always checked, ID tokens are verified against a cached JWKS with an algorithm
//! allow-list, and a refresh without an `id_token` keeps working.
//!
//! ```no_run
//! use thunderid_client::{AuthorizeOptions, Client, Config};
//!
//! # async fn demo() -> Result<(), thunderid_client::Error> {
//! let config = Config::new("http://127.0.0.1:8090")?
//!     .with_client_id("sample-spa")
//!     .with_redirect_uri("http://localhost:3000/callback");
//! let client = Client::new(config)?;
//!
//! // Send the browser to `request.url`; keep `request.pending` (state, nonce, PKCE verifier).
//! let request = client.authorize_url(AuthorizeOptions::default()).await?;
//! # let callback_url = "";
//! // When the browser comes back to the redirect URI:
//! let tokens = client.handle_callback(request.pending, callback_url).await?;
//! println!("signed in as {:?}", tokens.id_token_claims.map(|c| c.registered.subject));
//! # Ok(()) }
//! ```
//!
//! # Layout
//! * [`Client`], [`ClientBuilder`] (here) and [`Config`] (`config.rs`); [`Clock`] (`clock.rs`).
//! * `http.rs`: the only module that touches `reqwest` (redirects off, rustls).
//! * [`error`]: [`Error`] and the typed failures of each check.
//! * [`oauth2`]: authorize URL (direct or pushed, PAR) and callback, the token endpoint (code,
//!   refresh, client credentials, token exchange), CIBA, dynamic client registration, revocation,
//!   introspection, userinfo, end-session URL.
//! * [`oidc`]: discovery with fallback, the JWKS cache and ID token validation.
//! * [`flow`]: the app-native flow driver over `POST /flow/execute`.
//! * [`users`]: `/users/me` and SCIM2 `/scim2/Me`.
//! * [`organizations`]: legacy organizations, the organization switch, organization units.
//! * [`session`]: a server-side session facade (the Next.js SDK's server actions).
//! * `axum` (cargo feature `axum`): sign-in endpoints for axum apps (the Express SDK's
//!   `thunderID()`, `handleFlow()`, `handleSignIn()`, `handleSignOut()` and `protect()`).

use std::fmt;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

#[cfg(feature = "axum")]
pub mod axum;
mod clock;
mod config;
pub mod error;
pub mod flow;
mod http;
pub mod oauth2;
pub mod oidc;
pub mod organizations;
pub mod session;
pub mod users;

pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{
    ClientAuthMethod, Config, ConfigError, DEFAULT_LEEWAY, DEFAULT_SCOPES, SessionSecret,
};
pub use error::{CallbackError, DiscoveryError, Error, FlowError, IdTokenError, SessionError};
pub use flow::{AuthorizeFlow, Flow, FlowStart, FlowState, FlowStep};
pub use http::TransportError;
pub use oauth2::{
    AuthorizationRequest, AuthorizeOptions, BackchannelPoll, PendingAuthorization, SignOutOptions,
    SignOutUrl, TokenSet,
};
pub use oidc::{MetadataSource, ProviderMetadata};
pub use organizations::{OrganizationQuery, OrganizationUnitQuery, SwitchedSession};
pub use session::{SessionManager, SessionStore};
pub use thunderid_protocol as protocol;
pub use users::UserProfile;

use crate::http::Http;
use crate::oidc::jwks_cache::JwksCache;

/// The default timeout of one HTTP request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A ThunderID client. Cheap to clone: clones share the HTTP pool, the discovery and JWKS caches and
/// the configuration.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

/// Builds a [`Client`]: the configuration plus a clock and a timeout.
///
/// ```
/// use std::sync::Arc;
/// use thunderid_client::{Client, Config, FixedClock};
///
/// let clock = Arc::new(FixedClock::new(1_767_225_600));
/// let config = Config::new("http://127.0.0.1:8090")?;
/// let client = Client::builder(config).clock(clock.clone()).build()?;
/// assert_eq!(client.now(), 1_767_225_600);
/// # Ok::<(), thunderid_client::Error>(())
/// ```
#[must_use = "a builder does nothing until .build() is called"]
pub struct ClientBuilder {
    config: Config,
    clock: Arc<dyn Clock>,
    timeout: Duration,
}

struct Shared {
    http: Http,
    clock: Arc<dyn Clock>,
    settings: RwLock<Arc<Settings>>,
}

/// One configuration with the caches that belong to it; [`Client::reinitialize`] swaps it whole.
pub(crate) struct Settings {
    pub(crate) config: Config,
    metadata: Mutex<Option<Arc<ProviderMetadata>>>,
    pub(crate) jwks: JwksCache,
}

impl Client {
    /// A client with the system clock and [`DEFAULT_TIMEOUT`].
    pub fn new(config: Config) -> Result<Self, Error> {
        Self::builder(config).build()
    }

    /// A builder, to set the clock or the timeout.
    pub fn builder(config: Config) -> ClientBuilder {
        ClientBuilder {
            config,
            clock: Arc::new(SystemClock),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The current configuration.
    pub fn config(&self) -> Config {
        self.settings().config.clone()
    }

    /// Replaces the configuration, dropping the cached discovery document and keys (the SDKs'
    /// `reInitialize`). Operations already running finish with the old configuration.
    pub fn reinitialize(&self, config: Config) -> Result<(), Error> {
        config.validate()?;
        let settings = Arc::new(Settings::new(config));
        *self
            .shared
            .settings
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = settings;
        Ok(())
    }

    /// The client's clock, in seconds since the Unix epoch.
    pub fn now(&self) -> u64 {
        self.shared.clock.now()
    }

    /// The configuration and caches in force now; an operation holds on to one for its duration.
    pub(crate) fn settings(&self) -> Arc<Settings> {
        self.shared
            .settings
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    pub(crate) fn http(&self) -> &Http {
        &self.shared.http
    }
}

impl ClientBuilder {
    /// The clock that token and session checks read (default: [`SystemClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The timeout of each HTTP request (default: [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Validates the configuration and builds the client. No request is made yet: discovery runs
    /// on first use.
    pub fn build(self) -> Result<Client, Error> {
        self.config.validate()?;
        let shared = Shared {
            http: Http::new(self.timeout)?,
            clock: self.clock,
            settings: RwLock::new(Arc::new(Settings::new(self.config))),
        };
        Ok(Client {
            shared: Arc::new(shared),
        })
    }
}

impl Settings {
    fn new(config: Config) -> Self {
        Self {
            config,
            metadata: Mutex::new(None),
            jwks: JwksCache::default(),
        }
    }

    /// The cached metadata, if loaded.
    pub(crate) fn cached_metadata(&self) -> Option<Arc<ProviderMetadata>> {
        self.metadata
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    pub(crate) fn store_metadata(&self, metadata: Arc<ProviderMetadata>) {
        *self
            .metadata
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(metadata);
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.settings().config)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
