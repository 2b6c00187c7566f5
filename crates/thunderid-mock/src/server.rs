//! [`MockServer`]: the embeddable server. `MockServer::builder()...start().await` binds
//! `127.0.0.1:0` unless told otherwise, runs on its own thread and runtime (so it works under any
//! test runtime, or none), and stops when the handle is dropped. The binary shares [`serve`].

use std::future::Future;
use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::path::PathBuf;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::clock::Clock;
use crate::fixtures::{FixtureError, Fixtures};
use crate::state::{AppState, ServerConfig};
use crate::tokens::{KeyError, SigningKey, TokenSigner};

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
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
}

/// Configures a [`MockServer`]. Every option has a default: `MockServer::builder().start().await`
/// serves the bundled fixtures on a free loopback port.
#[must_use = "a builder does nothing until .start() is called"]
#[derive(Debug, Default)]
pub struct MockServerBuilder {
    fixtures: Option<Fixtures>,
    fixtures_dir: Option<PathBuf>,
    addr: Option<SocketAddr>,
    public_url: Option<String>,
    issuer: Option<String>,
    clock: Option<Clock>,
    no_control: bool,
}

impl MockServerBuilder {
    /// Serve this fixture set instead of the bundled one.
    pub fn fixtures(mut self, fixtures: Fixtures) -> Self {
        self.fixtures = Some(fixtures);
        self
    }

    /// Load the fixture set from a directory at start.
    pub fn fixtures_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.fixtures_dir = Some(dir.into());
        self
    }

    /// Bind this address (default `127.0.0.1:0`: loopback, a free port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = Some(addr);
        self
    }

    /// The externally visible base URL (links, redirects, and the issuer unless [`Self::issuer`]
    /// is set). Default: `http://<bound address>`.
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// The `iss` of every token and of discovery. Default: the base URL.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// The clock; default [`Clock::system`]. Use [`Clock::fixed`] for exact timestamps in tests.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Do not serve the control API (`/__mock/*`).
    pub fn no_control(mut self) -> Self {
        self.no_control = true;
        self
    }

    /// Bind, build the state and serve on a dedicated thread.
    pub async fn start(self) -> Result<MockServer, StartError> {
        self.start_blocking()
    }

    /// [`Self::start`] for callers without an async runtime.
    pub fn start_blocking(self) -> Result<MockServer, StartError> {
        let addr = self
            .addr
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let listener =
            StdTcpListener::bind(addr).map_err(|source| StartError::Bind { addr, source })?;
        let local = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr, source })?;
        listener
            .set_nonblocking(true)
            .map_err(|source| StartError::Bind { addr, source })?;
        let state = self.build_state(&format!("http://{local}"))?;

        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let (stopped_tx, stopped_rx) = oneshot::channel::<()>();
        let thread_state = state.clone();
        std::thread::Builder::new()
            .name(format!("thunderid-mock-{}", local.port()))
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        tracing::error!(error = %e, "cannot build the mock's runtime");
                        return;
                    }
                };
                runtime.block_on(async move {
                    match TcpListener::from_std(listener) {
                        Ok(listener) => {
                            let shutdown = async {
                                let _ = shutdown_rx.await;
                            };
                            if let Err(e) = serve(listener, thread_state, shutdown).await {
                                tracing::error!(error = %e, "the mock server stopped with an error");
                            }
                        }
                        Err(e) => tracing::error!(error = %e, "cannot adopt the listener"),
                    }
                });
                // Let in-flight connections finish without hanging the thread forever.
                runtime.shutdown_timeout(Duration::from_secs(1));
                let _ = stopped_tx.send(());
            })
            .map_err(StartError::Runtime)?;

        Ok(MockServer {
            state,
            addr: local,
            shutdown: Some(shutdown_tx),
            stopped: Some(stopped_rx),
        })
    }

    /// The state for a server whose default base URL is `bound_url`. Also used by the binary and by
    /// in-process router tests.
    pub fn build_state(&self, bound_url: &str) -> Result<AppState, StartError> {
        let fixtures = match (&self.fixtures, &self.fixtures_dir) {
            (Some(f), _) => f.clone(),
            (None, Some(dir)) => Fixtures::load_dir(dir)?,
            (None, None) => Fixtures::bundled(),
        };
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
        };
        Ok(AppState::new(config, fixtures, clock, signer))
    }
}

/// Serve the mock on `listener` until `shutdown` resolves. The one entry point shared by the binary,
/// [`MockServer`] and the tests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = crate::app::router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
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

    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    /// The server's clock, shared with the control API's `POST /__mock/clock`.
    pub fn clock(&self) -> &Clock {
        self.state.clock()
    }

    /// State back to the fixtures (same as `POST /__mock/reset`).
    pub fn reset(&self) {
        self.state.reset();
    }

    /// The request journal (same as `GET /__mock/requests`).
    pub fn received_requests(&self) -> Vec<crate::journal::JournalEntry> {
        self.state.journal().list(None)
    }

    /// The state behind the server, for tests that inspect it directly.
    pub fn state(&self) -> &AppState {
        &self.state
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
