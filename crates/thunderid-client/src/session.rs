//! A server-side session facade: the operations of the Next.js SDK's server actions (seed 000) for
//! any Rust web framework. The app keeps one opaque [`SessionToken`] per browser (a cookie); this
//! module turns it into a signed-in user.
//!
//! * The session token is an HS256 JWT under [`crate::Config::session_secret`] with the Next SDK's
//!   claims ([`SessionClaims`]); `exp` is the access token's expiry. A tampered, foreign, mistyped or
//!   expired token reads as signed out.
//! * What must not travel in the cookie (refresh token, ID token, the PKCE verifier of a sign-in in
//!   progress) lives in a [`SessionStore`] ([`MemorySessionStore`] by default), keyed by the
//!   session id. Clearing the record signs the session out even if the cookie survives.
//!
//! ```no_run
//! use thunderid_client::session::{SessionManager, SignInOutcome, SignInRequest};
//! use thunderid_client::{AuthorizeOptions, Client, Config};
//!
//! # async fn demo() -> Result<(), thunderid_client::Error> {
//! let config = Config::new("http://127.0.0.1:8090")?
//!     .with_client_id("sample-web")
//!     .with_client_secret("sample-web-secret")
//!     .with_redirect_uri("http://localhost:3000/login")
//!     .with_session_secret(*b"0123456789abcdef0123456789abcdef");
//! let sessions = SessionManager::new(Client::new(config)?)?;
//! let request = SignInRequest::Redirect(AuthorizeOptions::default());
//! if let SignInOutcome::Redirect { url, temp_session } = sessions.sign_in(request).await? {
//!     // Set `temp_session` as a cookie and redirect to `url`. Back on /login?code=…:
//!     # let callback = "";
//!     let signed_in = sessions.complete_sign_in(&temp_session, callback).await?;
//!     assert!(sessions.is_signed_in(&signed_in.session_token).await);
//!     # let _ = url;
//! }
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thunderid_protocol::flow::FlowType;
use thunderid_protocol::secret::{AccessToken, Assertion, IdToken, RefreshToken};
use thunderid_protocol::users::UserSchemaResponse;
use url::Url;

pub mod store;
pub mod token;

pub use store::{MemorySessionStore, SessionStore, SessionStoreError, StoreFuture};
pub use token::{SESSION_TYPE, SessionClaims, SessionId, SessionToken, TEMP_TYPE};

use crate::Client;
use crate::config::{ConfigError, SessionSecret};
use crate::error::{Error, FlowError, SessionError};
use crate::flow::{FlowStart, FlowState, FlowStep};
use crate::oauth2::{AuthorizeOptions, PendingAuthorization, SignOutOptions, SignOutUrl, TokenSet};
use crate::users::UserProfile;
use token::{Expiry, TempClaims};

/// How long a sign-in may take between the redirect and the callback (the Next SDK's temp cookie).
pub const PENDING_SIGN_IN_TTL: u64 = 15 * 60;

/// The session facade.
#[derive(Clone)]
pub struct SessionManager {
    client: Client,
    store: Arc<dyn SessionStore>,
}

/// A step of an app-native flow, through the facade.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum FlowRequest {
    /// Start a flow (sign-in: AUTHENTICATION; sign-up: REGISTRATION).
    Start(FlowStart),
    /// Continue a flow from its saved state.
    Continue {
        /// The state returned with the previous step.
        flow: FlowState,
        /// The action chosen, if any.
        action: Option<String>,
        /// The inputs.
        inputs: BTreeMap<String, String>,
    },
}

/// How to sign in.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SignInRequest {
    /// Redirect sign-in: returns the authorize URL and a temporary session token.
    Redirect(AuthorizeOptions),
    /// App-native sign-in (needs `application_id` and, for backend apps, the `Flow-Secret`).
    Flow(FlowRequest),
}

/// What a sign-in (or sign-up) step produced.
// Returned once per request and matched at once: boxing the flow step would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
#[non_exhaustive]
pub enum SignInOutcome {
    /// Send the browser to `url`; keep `temp_session` (a cookie) for
    /// [`SessionManager::complete_sign_in`].
    Redirect {
        /// The authorize URL.
        url: Url,
        /// The temporary session token.
        temp_session: SessionToken,
    },
    /// The flow goes on (or failed in band): show `step`, keep `flow` for the next request.
    Flow {
        /// The server's answer.
        step: FlowStep,
        /// The state to send back with the next step.
        flow: FlowState,
    },
    /// Signed in.
    SignedIn(SignedIn),
}

/// A new session.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignedIn {
    /// The session token (the cookie value).
    pub session_token: SessionToken,
    /// The session's id.
    pub session_id: SessionId,
    /// When the session (its access token) expires.
    pub expires_at: u64,
}

/// The result of [`SessionManager::refresh_token`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Refreshed {
    /// The new session token, replacing the old cookie.
    pub session_token: SessionToken,
    /// The new expiry (the Next action's `expiresAt`).
    pub expires_at: u64,
}

/// The result of [`SessionManager::get_user_profile`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SessionUserProfile {
    /// The user, and its flattened form.
    pub profile: UserProfile,
    /// The user type's schema.
    pub schema: UserSchemaResponse,
}

/// The server-side record of a session.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum SessionRecord {
    Pending {
        authorization: PendingAuthorization,
    },
    Active {
        refresh_token: Option<RefreshToken>,
        id_token: Option<IdToken>,
    },
}

/// The material of a new session.
struct NewSession {
    access_token: AccessToken,
    subject: String,
    scopes: String,
    organization_id: Option<String>,
    lifetime: u64,
    refresh_token: Option<RefreshToken>,
    id_token: Option<IdToken>,
}

impl SessionManager {
    /// A facade over `client` with an in-memory store. The client's configuration must have a
    /// session secret.
    pub fn new(client: Client) -> Result<Self, Error> {
        Self::with_store(client, Arc::new(MemorySessionStore::new()))
    }

    /// A facade over `client` with `store`.
    pub fn with_store(client: Client, store: Arc<dyn SessionStore>) -> Result<Self, Error> {
        let manager = Self { client, store };
        manager.secret()?;
        Ok(manager)
    }

    /// The client behind the facade.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// `signInAction`: a redirect URL (with a temporary session), or one app-native flow step, which
    /// signs in when the flow completes with an assertion.
    pub async fn sign_in(&self, request: SignInRequest) -> Result<SignInOutcome, Error> {
        match request {
            SignInRequest::Redirect(options) => self.start_redirect(options).await,
            SignInRequest::Flow(request) => {
                let (step, flow) = self.run_flow(request, FlowType::Authentication).await?;
                match step {
                    FlowStep::Complete {
                        assertion: Some(assertion),
                        ..
                    } => Ok(SignInOutcome::SignedIn(
                        self.sign_in_with_assertion(&assertion).await?,
                    )),
                    FlowStep::Complete {
                        assertion: None, ..
                    } => Err(FlowError::CompletedWithoutAssertion.into()),
                    step => Ok(SignInOutcome::Flow { step, flow }),
                }
            }
        }
    }

    /// `signUpAction`: one step of an app-native REGISTRATION flow. A flow that completes with an
    /// assertion signs in; the bundled registration flow completes without one.
    pub async fn sign_up(&self, request: FlowRequest) -> Result<SignInOutcome, Error> {
        let (step, flow) = self.run_flow(request, FlowType::Registration).await?;
        match step {
            FlowStep::Complete {
                assertion: Some(assertion),
                ..
            } => Ok(SignInOutcome::SignedIn(
                self.sign_in_with_assertion(&assertion).await?,
            )),
            step => Ok(SignInOutcome::Flow { step, flow }),
        }
    }

    /// `handleOAuthCallbackAction`: finishes a redirect sign-in. The temporary session must be valid
    /// and its pending sign-in unused; the callback is checked (`state`, `iss`, `error`), the code
    /// exchanged and the ID token validated. The new session gets a new id.
    pub async fn complete_sign_in(
        &self,
        temp_session: &SessionToken,
        callback: &str,
    ) -> Result<SignedIn, Error> {
        let secret = self.secret()?;
        let claims: TempClaims = token::read(
            temp_session,
            &secret,
            TEMP_TYPE,
            self.client.now(),
            Expiry::Enforce,
        )
        .ok_or(SessionError::NoPendingSignIn)?;
        let record = self.load(&claims.session_id).await?;
        self.remove(&claims.session_id).await?;
        let Some(SessionRecord::Pending { authorization }) = record else {
            return Err(SessionError::NoPendingSignIn.into());
        };
        let tokens = self.client.handle_callback(authorization, callback).await?;
        self.open(NewSession::from_tokens(tokens, self.client.now()))
            .await
    }

    /// Finishes a redirect sign-in whose [`PendingAuthorization`] the app kept itself (the axum
    /// endpoints keep it server-side, keyed by `state`): checks the callback, exchanges the code,
    /// validates the ID token and opens a session with a new id.
    pub async fn complete_sign_in_with(
        &self,
        pending: PendingAuthorization,
        callback: &str,
    ) -> Result<SignedIn, Error> {
        self.secret()?;
        let tokens = self.client.handle_callback(pending, callback).await?;
        self.open(NewSession::from_tokens(tokens, self.client.now()))
            .await
    }

    /// `signOutAction`: forgets the session and returns the end-session URL (named by the ID token
    /// when there is one), or `None` for app-native sessions of apps without a `client_id`. An
    /// expired session can sign out; a tampered one cannot.
    pub async fn sign_out(&self, session: &SessionToken) -> Result<Option<SignOutUrl>, Error> {
        let claims = self
            .read(session, Expiry::Ignore)?
            .ok_or(SessionError::NotSignedIn)?;
        let id_token = match self.load(&claims.session_id).await? {
            Some(SessionRecord::Active { id_token, .. }) => id_token,
            _ => None,
        };
        let has_client = self.client.settings().config.client_id.is_some();
        let url = match (id_token, has_client) {
            (None, false) => None,
            (id_token_hint, _) => Some(
                self.client
                    .end_session_url(SignOutOptions {
                        id_token_hint,
                        ..SignOutOptions::default()
                    })
                    .await?,
            ),
        };
        self.remove(&claims.session_id).await?;
        Ok(url)
    }

    /// `refreshToken()`: refreshes the session's tokens (an expired session with a valid signature
    /// may refresh) and returns the new session token with its `expires_at`. On failure the session
    /// is cleared, as the Next action deletes the cookie.
    pub async fn refresh_token(&self, session: &SessionToken) -> Result<Refreshed, Error> {
        let claims = self
            .read(session, Expiry::Ignore)?
            .ok_or(SessionError::NotSignedIn)?;
        let (refresh_token, id_token) = match self.load(&claims.session_id).await? {
            Some(SessionRecord::Active {
                refresh_token: Some(refresh_token),
                id_token,
            }) => (refresh_token, id_token),
            Some(SessionRecord::Active {
                refresh_token: None,
                ..
            }) => return Err(SessionError::NoRefreshToken.into()),
            _ => return Err(SessionError::NotSignedIn.into()),
        };
        let tokens = match self.client.refresh(&refresh_token).await {
            Ok(tokens) => tokens,
            Err(error) => {
                self.remove(&claims.session_id).await?;
                return Err(error);
            }
        };
        let now = self.client.now();
        let fresh = SessionClaims {
            access_token: Some(tokens.access_token),
            scopes: tokens.scope.unwrap_or(claims.scopes),
            iat: now,
            exp: now.saturating_add(tokens.expires_in),
            ..claims
        };
        let record = SessionRecord::Active {
            refresh_token: tokens.refresh_token,
            id_token: tokens.id_token.or(id_token),
        };
        self.save(&fresh.session_id, &record, None).await?;
        let session_token = token::mint(&fresh, &self.secret()?)?;
        Ok(Refreshed {
            session_token,
            expires_at: fresh.exp,
        })
    }

    /// `isSignedIn()`: a valid, unexpired session token whose record still exists.
    pub async fn is_signed_in(&self, session: &SessionToken) -> bool {
        self.active(session).await.is_some()
    }

    /// `getSessionId()`.
    pub async fn session_id(&self, session: &SessionToken) -> Option<SessionId> {
        self.active(session).await.map(|claims| claims.session_id)
    }

    /// `getSessionPayload()`: `sub`, scopes, organization, expiry, …
    pub async fn session_payload(&self, session: &SessionToken) -> Option<SessionClaims> {
        self.active(session).await
    }

    /// `getAccessToken()`.
    pub async fn access_token(&self, session: &SessionToken) -> Option<AccessToken> {
        self.active(session)
            .await
            .and_then(|claims| claims.access_token)
    }

    /// `clearSession()`: forgets the session without a sign-out URL. A token that does not verify
    /// names no session, so there is nothing to clear.
    pub async fn clear_session(&self, session: &SessionToken) -> Result<(), Error> {
        match self.read(session, Expiry::Ignore)? {
            Some(claims) => self.remove(&claims.session_id).await,
            None => Ok(()),
        }
    }

    /// `getUserAction()`: the user from `/users/me`, flattened.
    pub async fn get_user(&self, session: &SessionToken) -> Result<Map<String, Value>, Error> {
        let token = self
            .access_token(session)
            .await
            .ok_or(SessionError::NotSignedIn)?;
        Ok(self.client.get_me(&token).await?.flattened)
    }

    /// `getUserProfileAction()`: the user and the user type's schema.
    pub async fn get_user_profile(
        &self,
        session: &SessionToken,
    ) -> Result<SessionUserProfile, Error> {
        let token = self
            .access_token(session)
            .await
            .ok_or(SessionError::NotSignedIn)?;
        let profile = self.client.get_me(&token).await?;
        let schema = self.client.get_me_meta(&token).await?;
        Ok(SessionUserProfile { profile, schema })
    }

    /// `updateUserProfileAction()`: `PUT /users/me` with the complete attribute set.
    pub async fn update_user_profile(
        &self,
        session: &SessionToken,
        attributes: Map<String, Value>,
    ) -> Result<UserProfile, Error> {
        let token = self
            .access_token(session)
            .await
            .ok_or(SessionError::NotSignedIn)?;
        self.client.update_me(&token, attributes).await
    }

    async fn start_redirect(&self, options: AuthorizeOptions) -> Result<SignInOutcome, Error> {
        let secret = self.secret()?;
        let request = self.client.authorize_url(options).await?;
        let now = self.client.now();
        let session_id = SessionId::random();
        let expires_at = now.saturating_add(PENDING_SIGN_IN_TTL);
        let record = SessionRecord::Pending {
            authorization: request.pending,
        };
        self.save(&session_id, &record, Some(expires_at)).await?;
        let claims = TempClaims {
            session_id,
            token_type: TEMP_TYPE.to_owned(),
            iat: now,
            exp: expires_at,
        };
        Ok(SignInOutcome::Redirect {
            url: request.url,
            temp_session: token::mint(&claims, &secret)?,
        })
    }

    async fn run_flow(
        &self,
        request: FlowRequest,
        flow_type: FlowType,
    ) -> Result<(FlowStep, FlowState), Error> {
        let (flow, step) = match request {
            FlowRequest::Start(start) => {
                let mut flow = self.client.flow();
                let step = flow.start(FlowStart { flow_type, ..start }).await?;
                (flow, step)
            }
            FlowRequest::Continue {
                flow,
                action,
                inputs,
            } => {
                let mut flow = self.client.resume_flow(flow);
                let step = match action {
                    Some(action) => flow.submit(action, inputs).await?,
                    None if inputs.is_empty() => flow.resume().await?,
                    None => flow.submit_inputs(inputs).await?,
                };
                (flow, step)
            }
        };
        Ok((step, flow.into_state()))
    }

    async fn sign_in_with_assertion(&self, assertion: &Assertion) -> Result<SignedIn, Error> {
        let claims = self.client.verify_assertion(assertion).await?;
        let registered = &claims.registered;
        let organization_id = claims
            .organization
            .organization_unit_id
            .as_ref()
            .map(|id| id.as_str().to_owned());
        self.open(NewSession {
            access_token: AccessToken::new(assertion.secret()),
            subject: registered.subject.clone().unwrap_or_default(),
            scopes: claims.authorized_permissions.clone().unwrap_or_default(),
            organization_id: organization_id
                .or_else(|| claims.organization.organization_id.clone()),
            lifetime: registered.expires_at.saturating_sub(registered.issued_at),
            refresh_token: None,
            id_token: None,
        })
        .await
    }

    async fn open(&self, session: NewSession) -> Result<SignedIn, Error> {
        let secret = self.secret()?;
        let now = self.client.now();
        let session_id = SessionId::random();
        let claims = SessionClaims {
            access_token: Some(session.access_token),
            session_id: session_id.clone(),
            scopes: session.scopes,
            token_type: SESSION_TYPE.to_owned(),
            sub: session.subject,
            organization_id: session.organization_id,
            iat: now,
            exp: now.saturating_add(session.lifetime),
        };
        let record = SessionRecord::Active {
            refresh_token: session.refresh_token,
            id_token: session.id_token,
        };
        self.save(&session_id, &record, None).await?;
        let session_token = token::mint(&claims, &secret)?;
        Ok(SignedIn {
            session_token,
            session_id,
            expires_at: claims.exp,
        })
    }

    /// The claims of a live session: valid token, unexpired, record present and active.
    async fn active(&self, session: &SessionToken) -> Option<SessionClaims> {
        let claims = self.read(session, Expiry::Enforce).ok().flatten()?;
        match self.load(&claims.session_id).await {
            Ok(Some(SessionRecord::Active { .. })) => Some(claims),
            _ => None,
        }
    }

    fn read(&self, session: &SessionToken, expiry: Expiry) -> Result<Option<SessionClaims>, Error> {
        Ok(token::read(
            session,
            &self.secret()?,
            SESSION_TYPE,
            self.client.now(),
            expiry,
        ))
    }

    fn secret(&self) -> Result<SessionSecret, Error> {
        Ok(self
            .client
            .settings()
            .config
            .session_secret
            .clone()
            .ok_or(ConfigError::Missing("session_secret"))?)
    }

    async fn load(&self, id: &SessionId) -> Result<Option<SessionRecord>, Error> {
        let Some(bytes) = self.store.load(id).await.map_err(store_error)? else {
            return Ok(None);
        };
        let record = serde_json::from_slice(&bytes)
            .map_err(|e| SessionError::CorruptRecord(e.to_string()))?;
        Ok(Some(record))
    }

    async fn save(
        &self,
        id: &SessionId,
        record: &SessionRecord,
        expires_at: Option<u64>,
    ) -> Result<(), Error> {
        let bytes = serde_json::to_vec(record).map_err(|e| Error::Encode(e.to_string()))?;
        self.store
            .save(id, bytes, expires_at)
            .await
            .map_err(store_error)
    }

    async fn remove(&self, id: &SessionId) -> Result<(), Error> {
        self.store.remove(id).await.map_err(store_error)
    }
}

impl NewSession {
    fn from_tokens(tokens: TokenSet, now: u64) -> Self {
        let claims = tokens.id_token_claims.as_ref();
        let organization = claims.map(|c| &c.organization);
        let organization_id = organization.and_then(|o| {
            o.organization_unit_id
                .as_ref()
                .map(|id| id.as_str().to_owned())
                .or_else(|| o.organization_id.clone())
        });
        Self {
            subject: claims
                .and_then(|c| c.registered.subject.clone())
                .unwrap_or_default(),
            scopes: tokens.scope.clone().unwrap_or_default(),
            organization_id,
            lifetime: tokens.expires_at.saturating_sub(now),
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            id_token: tokens.id_token,
        }
    }
}

fn store_error(error: SessionStoreError) -> Error {
    SessionError::Store(error.0).into()
}

impl fmt::Debug for SessionManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionManager")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

/// Organizations (the legacy Next.js `switchOrganization` action).
impl SessionManager {
    /// `switchOrganization`: switches the session's tokens to `organization_id`
    /// ([`Client::switch_organization`] with the session's access token) and returns the new
    /// session token, which keeps the session id and names the organization (`organizationId`).
    /// The record takes the new refresh token (none if the server sent none: the old one would
    /// refresh back into the previous organization) and the new ID token. A refused switch leaves
    /// the session as it was.
    pub async fn switch_organization(
        &self,
        session: &SessionToken,
        organization_id: &str,
    ) -> Result<crate::organizations::SwitchedSession, Error> {
        let claims = self
            .read(session, Expiry::Enforce)?
            .ok_or(SessionError::NotSignedIn)?;
        let Some(SessionRecord::Active { id_token, .. }) = self.load(&claims.session_id).await?
        else {
            return Err(SessionError::NotSignedIn.into());
        };
        let access_token = claims
            .access_token
            .clone()
            .ok_or(SessionError::NotSignedIn)?;
        let tokens = self
            .client
            .switch_organization(&access_token, organization_id)
            .await?;
        let switched = crate::organizations::SwitchedTokens::from(tokens);
        let now = self.client.now();
        let fresh = SessionClaims {
            access_token: Some(switched.access_token),
            sub: switched.subject.unwrap_or(claims.sub),
            scopes: switched.scope.unwrap_or(claims.scopes),
            organization_id: switched
                .organization_id
                .or_else(|| Some(organization_id.to_owned())),
            iat: now,
            exp: now.saturating_add(switched.expires_in),
            ..claims
        };
        let record = SessionRecord::Active {
            refresh_token: switched.refresh_token,
            id_token: switched.id_token.or(id_token),
        };
        self.save(&fresh.session_id, &record, None).await?;
        Ok(crate::organizations::SwitchedSession {
            session_token: token::mint(&fresh, &self.secret()?)?,
            expires_at: fresh.exp,
            organization: switched.organization,
        })
    }
}
