//! [`AppState`]: what every handler and service can reach. A cheap-to-clone handle around
//! `Arc<Shared>`: the fixed configuration, the clock, the signer, the journal and the stores.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::ServerConfig;
use crate::faults::FaultRules;
use crate::fixtures::{Fixtures, ServerSettings};
use crate::journal::{FetchCounter, Journal};
use crate::store::Stores;
use crate::store::registry::Registry;
use crate::tokens::TokenSigner;

#[derive(Debug, Clone)]
pub(crate) struct AppState {
    inner: Arc<Shared>,
}

/// Declarative resource files (path, text) and the template variables given besides the
/// environment's.
pub(crate) type Declarative = (Vec<ResourceFile>, Vec<(String, String)>);
/// A declarative resource file: its path and text.
pub(crate) type ResourceFile = (std::path::PathBuf, String);

#[derive(Debug)]
struct Shared {
    config: ServerConfig,
    /// The loaded fixture set: what a reset returns to.
    fixtures: Fixtures,
    clock: Arc<Clock>,
    signer: Arc<TokenSigner>,
    journal: Arc<Journal>,
    stores: Arc<Stores>,
    /// Declarative resource files (`--resources`): path and text, applied at start and on reset.
    declarative: std::sync::OnceLock<Declarative>,
    faults: Arc<FaultRules>,
    /// JWKS fetches per client (`/__mock/keys/fetches`).
    jwks_fetches: FetchCounter,
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
            &config.limits,
        ));
        let journal = Journal::new(config.control_enabled, config.limits.journal_bytes);
        // The fixture key was "added" when the server started.
        signer.ring().reset(clock.now());
        Self {
            inner: Arc::new(Shared {
                config,
                fixtures,
                clock,
                signer: Arc::new(signer),
                journal: Arc::new(journal),
                stores,
                declarative: std::sync::OnceLock::new(),
                faults: Arc::default(),
                jwks_fetches: FetchCounter::default(),
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

    /// Keep the declarative resource files the state starts with (set once, before serving).
    pub(crate) fn set_declarative(&self, declarative: Declarative) {
        let _ = self.inner.declarative.set(declarative);
    }

    /// The declarative resource files the state was started with, and the variables given
    /// besides the environment's.
    pub(crate) fn declarative(&self) -> (&[ResourceFile], &[(String, String)]) {
        self.inner
            .declarative
            .get()
            .map_or((&[], &[]), |(files, vars)| {
                (files.as_slice(), vars.as_slice())
            })
    }

    /// Whether `kind` `id` was loaded read-only from a declarative file.
    pub(crate) fn is_declarative(&self, kind: crate::store::declared::Kind, id: &str) -> bool {
        self.inner.stores.declared.read(|d| d.contains(kind, id))
    }

    /// The ids of `kind` loaded read-only, for a check made under another store's lock.
    pub(crate) fn declared_ids(
        &self,
        kind: crate::store::declared::Kind,
    ) -> std::collections::HashSet<String> {
        self.inner
            .stores
            .declared
            .read(|d| d.ids(kind).map(str::to_owned).collect())
    }

    #[cfg(feature = "cli")]
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

    /// The signer as a shared handle, for the fault layer's forged tokens.
    pub(crate) fn signer_handle(&self) -> Arc<TokenSigner> {
        Arc::clone(&self.inner.signer)
    }

    pub(crate) fn journal(&self) -> &Arc<Journal> {
        &self.inner.journal
    }

    /// The JWKS fetch counter (`/__mock/keys/fetches`).
    pub(crate) fn jwks_fetches(&self) -> &FetchCounter {
        &self.inner.jwks_fetches
    }

    /// The armed fault rules (`/__mock/faults`).
    pub(crate) fn faults(&self) -> &Arc<FaultRules> {
        &self.inner.faults
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

    /// State back to the fixtures, the clock back to its base, the journal and fault rules emptied.
    pub(crate) fn reset(&self) {
        self.inner.clock.reset();
        self.inner
            .stores
            .reset(&self.inner.fixtures, self.inner.clock.now());
        self.inner.journal.clear();
        self.inner.faults.clear();
        self.inner.signer.ring().reset(self.inner.clock.now());
        self.inner.jwks_fetches.clear();
    }
}
