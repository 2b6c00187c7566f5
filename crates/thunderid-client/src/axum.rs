//! Sign-in endpoints for [axum](https://docs.rs/axum) apps: the Express SDK's `thunderID()`,
//! `handleFlow()`, `handleSignIn()`, `handleSignOut()` and `protect()` (seed 001), done right.
//!
//! ```no_run
//! use axum::Router;
//! use axum::routing::{get, post};
//! use thunderid_client::axum::{Mode, ThunderId, handle_flow, handle_sign_in, handle_sign_out};
//!
//! let thunder = ThunderId::builder("http://127.0.0.1:8090")
//!     .client_id("sample-web")
//!     .client_secret("sample-web-secret")
//!     .mode(Mode::Embedded)
//!     .after_sign_in_url("http://localhost:3000/login")
//!     .after_sign_out_url("http://localhost:3000/logout")
//!     .build();
//! let app: Router = Router::new()
//!     .route("/flow/sign-in", post(handle_flow))
//!     .route("/login", get(handle_sign_in))
//!     .route("/logout", get(handle_sign_out))
//!     .layer(thunder.layer());
//! ```
//!
//! # The endpoints
//! * `POST /flow/sign-in` ([`handle_flow`], embedded mode): the first request `{applicationId?,
//!   flowType?}` (`flowType` defaults to sign-in; `SIGN_IN` is read as `AUTHENTICATION`) starts the
//!   flow **through `/oauth2/authorize`**, so the execution belongs to an authorization request and
//!   has an `authId`; the state, nonce and PKCE verifier stay on the server, keyed by `state`. Later
//!   requests `{executionId, challengeToken, authId, action?, inputs}` advance it with the action the
//!   page chose. See [`FlowResponseBody`] for the answers.
//! * `GET /login` ([`handle_sign_in`]): with `code` and `state`, finishes the sign-in (the `state`
//!   must be one this app issued, to this browser), exchanges the code and sets the session cookie
//!   ([`SESSION_COOKIE`]: HttpOnly, SameSite=Lax, Path=/), then redirects to the landing path.
//!   Without them it starts a redirect sign-in (302 to the authorize endpoint).
//! * `GET /logout` ([`handle_sign_out`]): clears the session and redirects through the server's
//!   end-session endpoint with a random `state`; the return (`/logout?state=…`) is checked against
//!   it and redirects to the landing path.
//! * [`protect`] (middleware) and [`Session`] (extractor): 401 `{"error": …}` when not signed in,
//!   or a redirect when [`ThunderIdBuilder::sign_in_page`] is set.
//!
//! # Errors
//! Every failure is JSON `{"error": "<message>"}`, plus `"code"` when the identity server named
//! one (`FES-1004`, …); see [`HandlerError`]. As in the seed, `500` means: the layer is not mounted,
//! the base URL is missing (`"baseUrl is not configured"`), or the flow failed at run time.
//! In-band flow errors are **not** failures: a wrong password (`FET-1005`) answers 200 with the
//! re-prompt and its `error` next to `flowStatus`, so the page can show it.
//!
//! # What differs from the Express SDK (sdk-http-calls §4.1, §5.1)
//! The flow is started through `/oauth2/authorize` (Express starts it from `applicationId` and never
//! has an `authId`, so its flows cannot complete for a web app); the action comes from the request
//! (Express hard-codes `submit`); `error`, `fieldErrors` and `additionalData` are passed through
//! (Express drops them); the callback's `state` must be one this app issued to this browser (a
//! binding cookie, [`BROWSER_COOKIE`], defeats login CSRF); the sign-out `state` is random and
//! checked (Express uses the constant `sign_out_success`).

use std::fmt;
use std::sync::Arc;

use ::axum::Extension;
use ::axum::extract::FromRequestParts;
use ::axum::http::HeaderMap;
use ::axum::http::request::Parts;
use rand::RngCore;

mod cookies;
mod error;
mod flow;
mod pending;
mod protect;
mod sign_in;

pub use error::HandlerError;
pub use flow::{FlowDone, FlowRequestBody, FlowResponseBody, FlowView, handle_flow};
pub use protect::{Session, protect};
pub use sign_in::{handle_sign_in, handle_sign_out};

use crate::config::Config;
use crate::session::{SessionManager, SessionToken};
use crate::{Client, Clock};
use pending::PendingStore;

/// The session cookie's name (the Express and Next SDKs' default).
pub const SESSION_COOKIE: &str = "__thunderid__session";

/// The cookie binding a sign-in in progress to the browser that started it: a random id, never a
/// secret of the identity server.
pub const BROWSER_COOKIE: &str = "__thunderid__browser";

/// How the app signs users in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// The browser is sent to the server's sign-in page (`GET /login` starts it). [`handle_flow`]
    /// answers 500.
    #[default]
    Redirect,
    /// The app renders the sign-in form and drives the flow through [`handle_flow`]; `GET /login`
    /// still finishes it (and still starts a redirect sign-in when called bare).
    Embedded,
}

/// The configured client and the server-side state of the endpoints (the Express SDK's
/// `thunderID(config)`). Cheap to clone. Mount it with [`ThunderId::layer`]; handlers receive it as
/// an extractor, which answers 500 when the layer is missing.
///
/// A configuration that cannot work (no base URL, an invalid one) does not fail the build: the
/// endpoints answer 500 with the reason, as the Express SDK does. Call [`ThunderId::check`] at
/// start-up to fail early instead.
#[derive(Clone)]
pub struct ThunderId {
    inner: Arc<Inner>,
}

/// Builds a [`ThunderId`].
#[must_use = "a builder does nothing until .build() is called"]
pub struct ThunderIdBuilder {
    source: Source,
    client_id: Option<String>,
    client_secret: Option<String>,
    scopes: Option<Vec<String>>,
    after_sign_in_url: Option<String>,
    after_sign_out_url: Option<String>,
    session_secret: Option<Vec<u8>>,
    clock: Option<Arc<dyn Clock>>,
    mode: Mode,
    landing_path: String,
    sign_in_page: Option<String>,
    secure_cookies: Option<bool>,
}

enum Source {
    BaseUrl(String),
    Config(Box<Config>),
}

struct Inner {
    /// The session facade over the client, or why there is none.
    setup: Result<SessionManager, String>,
    mode: Mode,
    /// Where `/login` and `/logout` finally send the browser.
    landing_path: String,
    /// Where [`protect`] sends signed-out browsers (else 401).
    sign_in_page: Option<String>,
    secure_cookies: bool,
    /// The redirect URI, to turn the server's redirect into an app-relative URL.
    redirect_uri: Option<String>,
    pending: PendingStore,
}

impl ThunderId {
    /// A builder for the server at `base_url` (`""` builds a [`ThunderId`] whose endpoints answer
    /// 500 `baseUrl is not configured`).
    pub fn builder(base_url: impl Into<String>) -> ThunderIdBuilder {
        ThunderIdBuilder::new(Source::BaseUrl(base_url.into()))
    }

    /// A builder over a complete client configuration.
    pub fn from_config(config: Config) -> ThunderIdBuilder {
        ThunderIdBuilder::new(Source::Config(Box::new(config)))
    }

    /// The layer that makes this instance available to the handlers (request extensions).
    pub fn layer(&self) -> Extension<ThunderId> {
        Extension(self.clone())
    }

    /// Whether the configuration can work; the reason otherwise.
    pub fn check(&self) -> Result<(), HandlerError> {
        self.sessions().map(|_| ())
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.inner.mode
    }

    /// The session facade.
    pub fn sessions(&self) -> Result<&SessionManager, HandlerError> {
        self.inner
            .setup
            .as_ref()
            .map_err(|reason| HandlerError::NotConfigured(reason.clone()))
    }

    /// The client.
    pub fn client(&self) -> Result<&Client, HandlerError> {
        Ok(self.sessions()?.client())
    }

    /// The signed-in session of a request (its [`SESSION_COOKIE`]), if live.
    pub async fn session(&self, headers: &HeaderMap) -> Option<Session> {
        let token = SessionToken::new(cookies::get(headers, SESSION_COOKIE)?);
        let claims = self.sessions().ok()?.session_payload(&token).await?;
        Some(Session { claims, token })
    }
}

impl ThunderIdBuilder {
    fn new(source: Source) -> Self {
        Self {
            source,
            client_id: None,
            client_secret: None,
            scopes: None,
            after_sign_in_url: None,
            after_sign_out_url: None,
            session_secret: None,
            clock: None,
            mode: Mode::default(),
            landing_path: "/".to_owned(),
            sign_in_page: None,
            secure_cookies: None,
        }
    }

    /// The OAuth `client_id`.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The client secret (confidential apps; `client_secret_basic`).
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// The scopes of sign-in (default `openid profile`).
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// The redirect URI, served by [`handle_sign_in`] (Express's `afterSignInUrl`).
    pub fn after_sign_in_url(mut self, url: impl Into<String>) -> Self {
        self.after_sign_in_url = Some(url.into());
        self
    }

    /// The post-logout redirect URI, served by [`handle_sign_out`] (Express's `afterSignOutUrl`).
    pub fn after_sign_out_url(mut self, url: impl Into<String>) -> Self {
        self.after_sign_out_url = Some(url.into());
        self
    }

    /// The key of the HS256 session cookie (at least 32 bytes). Default: a random key per process,
    /// so sessions end when the process does (they live in memory anyway).
    pub fn session_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.session_secret = Some(secret.into());
        self
    }

    /// The clock of token and session checks (default: the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Redirect or embedded sign-in (default [`Mode::Redirect`]).
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Where the browser lands after sign-in and sign-out (default `/`).
    pub fn landing_path(mut self, path: impl Into<String>) -> Self {
        self.landing_path = path.into();
        self
    }

    /// Where [`protect`] sends signed-out browsers (default: none, answer 401).
    pub fn sign_in_page(mut self, url: impl Into<String>) -> Self {
        self.sign_in_page = Some(url.into());
        self
    }

    /// Whether cookies get `Secure` (default: when the redirect URI is `https`).
    pub fn secure_cookies(mut self, secure: bool) -> Self {
        self.secure_cookies = Some(secure);
        self
    }

    /// Builds the instance. Never fails: see [`ThunderId::check`].
    pub fn build(self) -> ThunderId {
        let setup = self.setup();
        let redirect_uri = setup
            .as_ref()
            .ok()
            .and_then(|sessions| sessions.client().config().redirect_uri);
        let secure_cookies = self.secure_cookies.unwrap_or_else(|| {
            redirect_uri
                .as_deref()
                .is_some_and(|uri| uri.starts_with("https:"))
        });
        ThunderId {
            inner: Arc::new(Inner {
                setup,
                mode: self.mode,
                landing_path: self.landing_path,
                sign_in_page: self.sign_in_page,
                secure_cookies,
                redirect_uri,
                pending: PendingStore::default(),
            }),
        }
    }

    fn setup(&self) -> Result<SessionManager, String> {
        let mut config = match &self.source {
            Source::BaseUrl(url) if url.trim().is_empty() => {
                return Err("baseUrl is not configured".to_owned());
            }
            Source::BaseUrl(url) => Config::new(url).map_err(|e| e.to_string())?,
            Source::Config(config) => (**config).clone(),
        };
        if let Some(client_id) = &self.client_id {
            config = config.with_client_id(client_id.as_str());
        }
        if let Some(secret) = &self.client_secret {
            config = config.with_client_secret(secret.as_str());
        }
        if let Some(scopes) = &self.scopes {
            config = config.with_scopes(scopes.iter().cloned());
        }
        if let Some(url) = &self.after_sign_in_url {
            config = config.with_redirect_uri(url.as_str());
        }
        if let Some(url) = &self.after_sign_out_url {
            config = config.with_post_logout_redirect_uri(url.as_str());
        }
        match (&self.session_secret, &config.session_secret) {
            (Some(secret), _) => config = config.with_session_secret(secret.clone()),
            (None, Some(_)) => {}
            (None, None) => config = config.with_session_secret(random_key()),
        }
        let mut builder = Client::builder(config);
        if let Some(clock) = &self.clock {
            builder = builder.clock(clock.clone());
        }
        let client = builder.build().map_err(|e| e.to_string())?;
        SessionManager::new(client).map_err(|e| e.to_string())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ThunderId {
    type Rejection = HandlerError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<ThunderId>()
            .cloned()
            .ok_or(HandlerError::NotMounted)
    }
}

fn random_key() -> Vec<u8> {
    let mut key = vec![0u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    key
}

impl fmt::Debug for ThunderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("ThunderId")
            .field("setup", &inner.setup.as_ref().map(SessionManager::client))
            .field("mode", &inner.mode)
            .field("landing_path", &inner.landing_path)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ThunderIdBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThunderIdBuilder")
            .field("client_id", &self.client_id)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}
