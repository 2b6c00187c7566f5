//! [`AppState`]: what every handler and service can reach. A cheap-to-clone handle around
//! `Arc<Shared>`: the fixed configuration, the clock, the signer, the journal and the stores.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::ServerConfig;
use crate::fixtures::{Fixtures, ServerSettings};
use crate::journal::Journal;
use crate::store::Stores;
use crate::store::registry::Registry;
use crate::tokens::TokenSigner;

#[derive(Debug, Clone)]
pub(crate) struct AppState {
    inner: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    config: ServerConfig,
    /// The loaded fixture set: what a reset returns to.
    fixtures: Fixtures,
    clock: Arc<Clock>,
    signer: TokenSigner,
    journal: Arc<Journal>,
    stores: Arc<Stores>,
}

impl AppState {
    pub(crate) fn new(
        config: ServerConfig,
        fixtures: Fixtures,
        clock: Arc<Clock>,
        signer: TokenSigner,
    ) -> Self {
        let stores = Arc::new(Stores::from_fixtures(
            &fixtures,
            clock.now(),
            config.limits.execution_bytes,
        ));
        let journal = Journal::new(config.control_enabled, config.limits.journal_bytes);
        Self {
            inner: Arc::new(Shared {
                config,
                fixtures,
                clock,
                signer,
                journal: Arc::new(journal),
                stores,
            }),
        }
    }

    pub(crate) fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// The server-wide settings (`server.json`).
    pub(crate) fn settings(&self) -> &ServerSettings {
        &self.inner.fixtures.server
    }

    /// The loaded fixture set (translations; what a reset returns to).
    pub(crate) fn fixtures(&self) -> &Fixtures {
        &self.inner.fixtures
    }

    pub(crate) fn clock(&self) -> &Arc<Clock> {
        &self.inner.clock
    }

    /// Seconds since the epoch, from the mock clock.
    pub(crate) fn now(&self) -> u64 {
        self.inner.clock.now()
    }

    pub(crate) fn signer(&self) -> &TokenSigner {
        &self.inner.signer
    }

    pub(crate) fn journal(&self) -> &Arc<Journal> {
        &self.inner.journal
    }

    pub(crate) fn stores(&self) -> &Stores {
        &self.inner.stores
    }

    /// The stores as a shared handle, for layers that read them on each request (CORS origins).
    pub(crate) fn stores_handle(&self) -> Arc<Stores> {
        Arc::clone(&self.inner.stores)
    }

    /// The current configuration: applications and flow graphs.
    pub(crate) fn registry(&self) -> Arc<Registry> {
        self.inner.stores.registry.current()
    }

    /// An absolute URL on this server for `path` (which starts with `/`).
    pub(crate) fn url(&self, path: &str) -> String {
        self.inner.config.url(path)
    }

    /// State back to the fixtures, the clock back to its base, the journal emptied.
    pub(crate) fn reset(&self) {
        self.inner.clock.reset();
        self.inner
            .stores
            .reset(&self.inner.fixtures, self.inner.clock.now());
        self.inner.journal.clear();
    }
}
