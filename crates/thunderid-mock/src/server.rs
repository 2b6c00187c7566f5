//! [`MockServer`]: the embeddable server and its typed test handle. `MockServer::builder()...start()`
//! binds `127.0.0.1:0` unless told otherwise, runs on its own thread and runtime (so it works under
//! any test runtime, or none), and stops when the handle is dropped. The binary shares
//! [`serve`]'s machinery. Many servers in one process can share one runtime instead
//! ([`MockServerBuilder::shared_runtime`], [`MockServerBuilder::runtime`]): a server is then one
//! task, not a thread and two workers.
//!
//! The handle offers what tests need without reaching into the server: move the clock, share it with
//! a client, read the outbox and the request journal, mint and check tokens, and look at a flow
//! execution. Each method calls the same state operation as the control plane (`/__mock/*`).

mod access;
mod address;
mod connection;
mod limits;

pub(crate) use self::connection::Connections;
#[cfg(feature = "tls")]
pub(crate) use self::connection::{READ_HEADER_TIMEOUT, serve_connection};

use axum::Extension;
use axum::extract::ConnectInfo;
use std::collections::BTreeMap;
use std::future::Future;
use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use thunderid_protocol::flow::FlowDefinition;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::clock::Clock;
use crate::config::{Limits, ServerConfig, ServerVersion};
use crate::faults::{FaultListener, FaultRule, FaultRuleError, FaultView};
use crate::fixtures::{ApplicationFixture, FixtureError, Fixtures, UserFixture};
use crate::journal::{JournalEntry, RequestFilter};
use crate::service::import::declarative;
use crate::state::AppState;
use crate::store::Stats;
use crate::store::outbox::OutboxMessage;
use crate::tokens::{KeyError, SigningKey, TokenSigner, TokenType, VerifiedToken, VerifyError};

mod keys;
mod runtime;

use runtime::{RuntimeChoice, run_server, serve_until, shared_runtime};

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    #[error("invalid fixtures: {0}")]
    Fixtures(#[from] FixtureError),
    #[error("invalid signing key: {0}")]
    Key(#[from] KeyError),
    #[error("cannot bind {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot start the server thread: {0}")]
    Runtime(std::io::Error),
    /// A declarative resource file could not be read or one of its documents failed.
    #[error("invalid declarative resources: {0}")]
    Resources(String),
}

/// Configures a [`MockServer`]. Every option has a default: `MockServer::builder().start().await`
/// serves the bundled fixtures on a free loopback port.
#[must_use = "a builder does nothing until .start() is called"]
#[derive(Debug, Default)]
pub struct MockServerBuilder {
    fixtures: Option<Fixtures>,
    fixtures_dir: Option<PathBuf>,
    addr: Option<SocketAddr>,
    listener: Option<StdTcpListener>,
    public_url: Option<String>,
    issuer: Option<String>,
    clock: Option<Clock>,
    no_control: bool,
    version: ServerVersion,
    limits: Limits,
    applications: Vec<ApplicationFixture>,
    users: Vec<UserFixture>,
    flows: Vec<FlowDefinition>,
    unchecked: bool,
    resources: Option<PathBuf>,
    resource_variables: Vec<(String, String)>,
    mutable_resources: bool,
    runtime: RuntimeChoice,
    direct_auth_secret: Option<String>,
    http_executor_allow: Vec<String>,
    fake_captcha: bool,
}

impl MockServerBuilder {
    /// Load the server's declarative resources (YAML documents with `resource_type`, as
    /// `config/resources/` holds them) from this file or directory at start, after the fixtures;
    /// `{{.NAME}}` is filled in from the environment. A reset applies them again.
    pub fn resources(mut self, path: impl Into<PathBuf>) -> Self {
        self.resources = Some(path.into());
        self
    }

    /// Load the declarative resources as stored ones the APIs can change (the server's `mutable`
    /// store mode), not read-only as its default composite mode loads resource files.
    pub fn mutable_resources(mut self) -> Self {
        self.mutable_resources = true;
        self
    }

    /// A template variable for the declarative resources, over the environment's.
    pub fn resource_variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.resource_variables.push((name.into(), value.into()));
        self
    }

    /// Serve this fixture set instead of the bundled one.
    pub fn fixtures(mut self, fixtures: Fixtures) -> Self {
        self.fixtures = Some(fixtures);
        self
    }

    /// Serve this fixture set without checking references between its parts: for states the real
    /// server reaches at run time and a fixture file may not describe (a user type deleted while
    /// users and applications still name it). Every file-level rule still applies when the set is
    /// read from files.
    pub fn fixtures_unchecked(mut self, fixtures: Fixtures) -> Self {
        self.fixtures = Some(fixtures);
        self.unchecked = true;
        self
    }

    /// Load the fixture set from a directory at start.
    pub fn fixtures_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.fixtures_dir = Some(dir.into());
        self
    }

    /// Add an application to the fixture set (checked at start like `applications.json`).
    pub fn application(mut self, application: ApplicationFixture) -> Self {
        self.applications.push(application);
        self
    }

    /// Add a user to the fixture set (checked at start like `users.json`).
    pub fn user(mut self, user: UserFixture) -> Self {
        self.users.push(user);
        self
    }

    /// Add a flow graph to the fixture set (checked at start like a file in `flows/`).
    pub fn flow(mut self, flow: FlowDefinition) -> Self {
        self.flows.push(flow);
        self
    }

    /// The clock; default [`Clock::system`]. Use [`Clock::fixed`] for exact timestamps in tests.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Behave as this release line of the real server where it differs from `main` (default
    /// [`ServerVersion::Main`]); the README lists the differences.
    pub fn server_version(mut self, version: ServerVersion) -> Self {
        self.version = version;
        self
    }

    /// Serve on a runtime shared by every server of the process that asks for it (two worker
    /// threads in all), instead of a thread and runtime per server: for a test binary that starts
    /// many servers. Like the default, it works under any test runtime, or none.
    pub fn shared_runtime(mut self) -> Self {
        self.runtime = RuntimeChoice::Shared;
        self
    }

    /// Serve on this runtime (for example `tokio::runtime::Handle::current()`), adding no thread.
    /// The server answers only while that runtime runs: under a current-thread test runtime, a test
    /// that blocks its thread (a blocking HTTP client) would wait on itself.
    pub fn runtime(mut self, handle: tokio::runtime::Handle) -> Self {
        self.runtime = RuntimeChoice::Handle(handle);
        self
    }

    /// Bind, build the state and serve (on a dedicated thread unless a runtime was chosen).
    pub async fn start(self) -> Result<MockServer, StartError> {
        self.start_blocking()
    }

    /// [`Self::start`] for callers without an async runtime.
    pub fn start_blocking(mut self) -> Result<MockServer, StartError> {
        let addr = self
            .addr
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let listener = match self.listener.take() {
            Some(listener) => listener,
            None => {
                StdTcpListener::bind(addr).map_err(|source| StartError::Bind { addr, source })?
            }
        };
        let local = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr, source })?;
        listener
            .set_nonblocking(true)
            .map_err(|source| StartError::Bind { addr, source })?;
        let state = self.build_state(&format!("http://{local}"))?;
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let (stopped_tx, stopped_rx) = oneshot::channel::<()>();
        let task_state = state.clone();
        let handle = match &self.runtime {
            RuntimeChoice::Dedicated => None,
            RuntimeChoice::Shared => Some(shared_runtime().map_err(StartError::Runtime)?),
            RuntimeChoice::Handle(handle) => Some(handle.clone()),
        };
        match handle {
            Some(handle) => {
                handle.spawn(async move {
                    serve_until(listener, task_state, shutdown_rx).await;
                    let _ = stopped_tx.send(());
                });
            }
            None => {
                std::thread::Builder::new()
                    .name(format!("thunderid-mock-{}", local.port()))
                    .spawn(move || run_server(listener, task_state, shutdown_rx, stopped_tx))
                    .map_err(StartError::Runtime)?;
            }
        }
        Ok(MockServer {
            state,
            addr: local,
            shutdown: Some(shutdown_tx),
            stopped: Some(stopped_rx),
        })
    }

    /// The fixture set: the chosen one plus what was added in code, validated as a whole.
    fn fixture_set(&self) -> Result<Fixtures, FixtureError> {
        let mut fixtures = match (&self.fixtures, &self.fixtures_dir) {
            (Some(f), _) => f.clone(),
            (None, Some(dir)) => Fixtures::load_dir(dir)?,
            (None, None) => Fixtures::bundled(),
        };
        let added =
            !(self.applications.is_empty() && self.users.is_empty() && self.flows.is_empty());
        fixtures
            .applications
            .extend(self.applications.iter().cloned());
        fixtures.users.extend(self.users.iter().cloned());
        fixtures.flows.extend(self.flows.iter().cloned());
        // A set built in code is checked like one read from files.
        if (added || self.fixtures.is_some()) && !self.unchecked {
            fixtures.validate()?;
        }
        Ok(fixtures)
    }

    /// The state for a server whose default base URL is `bound_url` (also the binary's).
    pub(crate) fn build_state(&self, bound_url: &str) -> Result<AppState, StartError> {
        let mut fixtures = self.fixture_set()?;
        self.check_interceptors(&fixtures)?;
        if let Some(secret) = &self.direct_auth_secret {
            fixtures.server.security.direct_auth_secret = secret.clone();
        }
        let base_url = self
            .public_url
            .clone()
            .unwrap_or_else(|| bound_url.to_owned());
        let issuer = self.issuer.clone().unwrap_or_else(|| base_url.clone());
        let key = SigningKey::from_pem(&fixtures.signing_key_pem, &fixtures.signing_cert_pem)?;
        let signer = TokenSigner::new(key, issuer.clone(), fixtures.server.jwt.leeway)?;
        let clock = match &self.clock {
            Some(clock) => clock.clone_fresh(),
            None => Clock::system(),
        };
        let config = ServerConfig {
            base_url,
            issuer,
            control_enabled: !self.no_control,
            version: self.version,
            limits: self.limits,
            http_executor_allow: self.http_executor_allow.clone(),
            read_only_resources: !self.mutable_resources,
            fake_captcha: self.fake_captcha,
        };
        let state = AppState::new(config, fixtures, Arc::new(clock), signer);
        if let Some(path) = &self.resources {
            let files = declarative::read(path).map_err(StartError::Resources)?;
            declarative::load(&state, &files, &self.resource_variables)
                .map_err(StartError::Resources)?;
            state.set_declarative((files, self.resource_variables.clone()));
        }
        Ok(state)
    }
}

/// Serve the mock on `listener` until `shutdown` resolves: the one entry point shared by the binary
/// and [`MockServer`].
pub(crate) async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = crate::app::router(state);
    let listener = FaultListener(listener);
    let mut connections = Connections::new();
    tokio::pin!(shutdown);
    loop {
        // Accept errors (out of file descriptors and the like) are retried inside.
        let stream = tokio::select! {
            accepted = listener.accept_stream() => accepted,
            () = &mut shutdown => break,
        };
        stream.set_nodelay(true);
        // Each request carries its connection, so a fault rule can drop or reset it.
        let connection = ConnectInfo(stream.connection().clone());
        connections.serve(stream, app.clone().layer(Extension(connection)));
    }
    drop(listener);
    connections.close().await;
    Ok(())
}

/// A running mock server. Dropping it stops the server.
#[must_use = "the server stops as soon as this handle is dropped"]
#[derive(Debug)]
pub struct MockServer {
    state: AppState,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    stopped: Option<oneshot::Receiver<()>>,
}

/// A flow execution as a test sees it (`MockServer::execution`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExecutionView {
    pub id: String,
    pub application_id: String,
    /// The node the execution waits on; `None` before its first step.
    pub node: Option<String>,
    /// The inputs kept between steps (secrets are never kept).
    pub inputs: BTreeMap<String, String>,
    /// The runtime data of the current frame.
    pub runtime: BTreeMap<String, String>,
    /// The authenticated user, once there is one.
    pub user: Option<String>,
    pub expires_at: u64,
}

impl MockServer {
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// A server with the bundled fixtures on a free loopback port.
    pub async fn start() -> Result<Self, StartError> {
        Self::builder().start().await
    }

    /// The base URL, without a trailing slash (e.g. `http://127.0.0.1:41234`).
    pub fn base_url(&self) -> &str {
        &self.state.config().base_url
    }

    /// The issuer (`iss`) of every token.
    pub fn issuer(&self) -> &str {
        &self.state.config().issuer
    }

    /// The release line the server behaves as.
    pub fn server_version(&self) -> ServerVersion {
        self.state.config().version
    }

    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    /// The server's clock, shared with the control API's `POST /__mock/clock`.
    pub fn clock(&self) -> &Clock {
        self.state.clock()
    }

    /// Seconds since the epoch, on the server's clock.
    pub fn now(&self) -> u64 {
        self.state.now()
    }

    /// Move the server's clock forward.
    pub fn advance(&self, by: Duration) {
        self.state.clock().advance(by);
    }

    /// The server's clock as a function, for a client that must agree with it (the client checks
    /// `exp` and `iat` against its own clock; a fixed mock clock would otherwise look far in the past).
    pub fn clock_fn(&self) -> impl Fn() -> u64 + Send + Sync + 'static {
        let clock = Arc::clone(self.state.clock());
        move || clock.now()
    }

    /// State back to the fixtures (same as `POST /__mock/reset`).
    pub fn reset(&self) {
        self.state.reset();
        declarative::reload(&self.state);
    }

    /// The request journal, oldest first (same as `GET /__mock/requests`).
    pub fn received_requests(&self) -> Vec<JournalEntry> {
        self.state.journal().list(&RequestFilter::default())
    }

    /// The journal entries that match `filter`.
    pub fn requests(&self, filter: &RequestFilter) -> Vec<JournalEntry> {
        self.state.journal().list(filter)
    }

    /// Every message the server "sent", oldest first (same as `GET /__mock/outbox`).
    pub fn outbox(&self) -> Vec<OutboxMessage> {
        self.state.stores().outbox.read(|o| o.list(None))
    }

    /// The messages sent to `recipient` (a phone number or e-mail address), oldest first.
    pub fn outbox_for(&self, recipient: &str) -> Vec<OutboxMessage> {
        self.state.stores().outbox.read(|o| o.list(Some(recipient)))
    }

    /// The code (OTP, recovery token) of the last message sent to `recipient`.
    pub fn last_code_sent_to(&self, recipient: &str) -> Option<String> {
        self.outbox_for(recipient)
            .into_iter()
            .rev()
            .find_map(|message| message.code)
    }

    /// How much live state the server holds (same as `GET /__mock/stats`).
    pub fn stats(&self) -> Stats {
        self.state.stores().stats()
    }

    /// Answer a backchannel (CIBA) request for its user, as the e-mailed approval link would (same
    /// as `POST /__mock/ciba/{auth_req_id}`): `true` when the request took the decision.
    pub fn decide_ciba(&self, auth_req_id: &str, approve: bool) -> bool {
        crate::service::ciba::decide(&self.state, auth_req_id, approve).is_ok()
    }

    /// Arm a fault rule (same as `POST /__mock/faults`): its id, or why the rule is malformed.
    pub fn add_fault(&self, rule: FaultRule) -> Result<String, FaultRuleError> {
        self.state.faults().add(rule)
    }

    /// The armed fault rules with their counters, oldest first (same as `GET /__mock/faults`).
    pub fn faults(&self) -> Vec<FaultView> {
        self.state.faults().list()
    }

    /// Disarm one fault rule (same as `DELETE /__mock/faults/{id}`): whether it was armed.
    pub fn remove_fault(&self, id: &str) -> bool {
        self.state.faults().remove(id)
    }

    /// Disarm every fault rule (same as `DELETE /__mock/faults`).
    pub fn clear_faults(&self) {
        self.state.faults().clear();
    }

    /// Whether an authorization request (an `authId`) is waiting for its flow.
    pub fn has_pending_authorization(&self, auth_id: &str) -> bool {
        let now = self.now();
        self.state
            .stores()
            .oauth
            .read(|o| o.has_request(auth_id, now))
    }

    /// A live flow execution.
    pub fn execution(&self, id: &str) -> Option<ExecutionView> {
        let now = self.now();
        self.state.stores().executions.read(|e| {
            e.get(id, now).map(|execution| ExecutionView {
                id: execution.id.clone(),
                application_id: execution.app_id.clone(),
                node: execution.node.clone(),
                inputs: execution.inputs.clone(),
                runtime: execution.runtime.clone(),
                user: execution.user.clone(),
                expires_at: execution.expires_at,
            })
        })
    }

    /// Whether `password` is the current password of the user with this id.
    pub fn password_matches(&self, user_id: &str, password: &str) -> bool {
        self.state.stores().directory.read(|d| {
            d.users
                .get(user_id)
                .and_then(|user| user.password())
                .is_some_and(|hash| hash.verify(password))
        })
    }

    /// The `kid` of the fixture key (the signing key until a key change: [`Self::keys`]).
    pub fn key_id(&self) -> &str {
        &self.state.signer().key().kid
    }

    /// The fixture key's public parts, as the JWKS publishes them.
    pub fn signing_key(&self) -> &SigningKey {
        self.state.signer().key()
    }

    /// Sign arbitrary claims with the server's active key, as the server signs its tokens: for tokens a
    /// test needs with exactly these claims (expired, without `sub`, of another family).
    pub fn sign(&self, typ: TokenType, claims: &Value) -> String {
        self.state.signer().sign(typ, claims)
    }

    /// An access token of this server for `user_id` with `scopes`, issued to `client_id`, valid
    /// for the configured JWT lifetime: what a sign-in would give the user, minted directly.
    pub fn mint_access_token(&self, user_id: &str, client_id: &str, scopes: &[&str]) -> String {
        let now = self.now();
        let claims = serde_json::json!({
            "iss": self.issuer(),
            "sub": user_id,
            "aud": client_id,
            "client_id": client_id,
            "scope": scopes.join(" "),
            "grant_type": "authorization_code",
            "iat": now,
            "nbf": now,
            "exp": now + self.state.settings().jwt.validity_period,
            "jti": crate::ids::uuid_v7(now),
        });
        self.sign(TokenType::AccessToken, &claims)
    }

    /// Verify a token as the server verifies its own: the signature with its key, `iss`, and `exp`
    /// and `nbf` against its clock with the configured leeway.
    pub fn verify(&self, token: &str) -> Result<VerifiedToken, VerifyError> {
        self.state.signer().verify(token, self.now(), true)
    }

    /// Put a token (by `jti`) on the deny list until `expires_at`, as a revocation would.
    pub fn revoke_token(&self, jwt_id: &str, expires_at: u64) {
        let now = self.now();
        self.state
            .stores()
            .oauth
            .write(|o| o.revoke_token(jwt_id, expires_at, now));
    }

    /// Revoke every token carrying this token family id (`tfid`).
    pub fn revoke_token_family(&self, token_family_id: &str) {
        let now = self.now();
        self.state
            .stores()
            .oauth
            .write(|o| o.revoke_family(token_family_id, now));
    }

    /// Stop the server and wait until it has stopped.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(rx) = self.stopped.take() {
            let _ = rx.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
