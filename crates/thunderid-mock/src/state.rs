//! [`AppState`]: what every handler can reach. A cheap-to-clone handle around `Arc<Shared>`.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::clock::Clock;
use crate::fixtures::{ApplicationFixture, Fixtures};
use crate::journal::Journal;
use crate::store::Db;
use crate::tokens::TokenSigner;

/// Settings fixed when the server starts.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The externally visible base URL, without a trailing slash (`--public-url`, else the bound
    /// address). Links in discovery and redirects are built from it.
    pub base_url: String,
    /// The `iss` of every token; equals `base_url` unless set explicitly.
    pub issuer: String,
    /// Whether `/__mock/*` is served.
    pub control_enabled: bool,
}

#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    config: ServerConfig,
    fixtures: Fixtures,
    clock: Clock,
    signer: TokenSigner,
    journal: Journal,
    db: Mutex<Db>,
}

impl AppState {
    pub fn new(
        config: ServerConfig,
        fixtures: Fixtures,
        clock: Clock,
        signer: TokenSigner,
    ) -> Self {
        let db = Mutex::new(Db::from_fixtures(&fixtures));
        Self {
            inner: Arc::new(Shared {
                config,
                fixtures,
                clock,
                signer,
                journal: Journal::default(),
                db,
            }),
        }
    }

    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    pub fn fixtures(&self) -> &Fixtures {
        &self.inner.fixtures
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// Seconds since the epoch, from the mock clock.
    pub fn now(&self) -> u64 {
        self.inner.clock.now()
    }

    pub fn signer(&self) -> &TokenSigner {
        &self.inner.signer
    }

    pub fn journal(&self) -> &Journal {
        &self.inner.journal
    }

    /// Lock the mutable state. Hold the guard briefly: never across `.await`, never while signing.
    pub fn db(&self) -> MutexGuard<'_, Db> {
        // A panic while locked leaves data that is still structurally valid (every mutation is a
        // single insert/remove), so recover the guard instead of failing every later request.
        self.inner
            .db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// State back to the fixtures, the clock back to its base, the journal emptied.
    pub fn reset(&self) {
        *self.db() = Db::from_fixtures(&self.inner.fixtures);
        self.inner.clock.reset();
        self.inner.journal.clear();
    }

    pub fn application(&self, id: &str) -> Option<&ApplicationFixture> {
        self.inner.fixtures.application(id)
    }

    pub fn application_by_client_id(&self, client_id: &str) -> Option<&ApplicationFixture> {
        self.inner.fixtures.application_by_client_id(client_id)
    }

    /// An absolute URL on this server for `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.inner.config.base_url)
    }
}
