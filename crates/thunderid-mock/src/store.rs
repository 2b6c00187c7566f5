//! The mock's mutable state, all in memory: one store per concern, each owning its lock
//! ([`locked`]); no guard ever leaves a store.
//!
//! | store | holds | lock |
//! |---|---|---|
//! | [`Stores::registry`] | applications, agents, flow graphs, server configuration | snapshots (read-mostly) |
//! | [`Stores::directory`] | users, user types, groups, roles, resource servers, organization units | one mutex |
//! | [`Stores::executions`] | flow executions, V1 sign-ins, fake-IdP codes, gate redirects | one mutex |
//! | [`Stores::oauth`] | authorization requests (pushed ones too), backchannel requests, codes, revocations, pending logouts | one mutex |
//! | [`Stores::outbox`] | messages "sent" (OTPs, links) | one mutex |
//! | [`Stores::sessions`] | SSO sessions (the `tid_sso_*` cookie's handles) | one mutex |
//! | [`Stores::consents`] | consent records (ConsentExecutor's answers) | one mutex |
//! | [`Stores::declared`] | the ids of the resources loaded read-only from declarative files | one mutex |
//! | [`Stores::captcha`] | the fake captcha provider's unverified tokens | one mutex |
//! | [`Stores::openid4vp`] | presentation definitions and credential configurations (and the verifier's keys) | snapshots |
//!
//! An operation never holds two of these locks at once: each method locks one store, works and
//! returns. Where a rule spans areas, the data sits in one store (the directory holds users, groups,
//! roles and units together: deleting a user removes its memberships and assignments, deleting a
//! unit asks about its users and groups).

pub(crate) mod agents;
pub(crate) mod captcha;
pub(crate) mod connections;
pub(crate) mod consents;
pub(crate) mod declared;
pub(crate) mod design;
pub(crate) mod directory;
pub(crate) mod execution;
pub(crate) mod executions;
mod expiring;
pub(crate) mod groups;
pub(crate) mod i18n;
pub(crate) mod keys;
pub(crate) mod locked;
pub(crate) mod oauth;
pub(crate) mod organizations;
pub(crate) mod outbox;
pub(crate) mod registry;
pub(crate) mod resource_servers;
pub(crate) mod roles;
pub(crate) mod server_config;
pub(crate) mod sessions;
pub(crate) mod user_types;
pub(crate) mod users;
pub(crate) mod v1;
pub(crate) mod vc;

use serde::Serialize;

use self::connections::Connections;
use self::consents::Consents;
use self::design::Designs;
use self::directory::Directory;
use self::executions::Executions;
use self::i18n::Translations;
use self::locked::{Locked, Snapshots};
use self::oauth::OAuthState;
use self::outbox::Outbox;
use self::registry::Registry;
use self::sessions::Sessions;
use crate::config::Limits;
use crate::fixtures::Fixtures;

/// Every store of one server.
#[derive(Debug)]
pub(crate) struct Stores {
    pub(crate) registry: Snapshots<Registry>,
    pub(crate) directory: Locked<Directory>,
    pub(crate) executions: Locked<Executions>,
    pub(crate) oauth: Locked<OAuthState>,
    pub(crate) outbox: Locked<Outbox>,
    pub(crate) sessions: Locked<Sessions>,
    /// The stored translations (the i18n API).
    pub(crate) translations: Snapshots<Translations>,
    /// Themes and layouts (the design API).
    pub(crate) designs: Snapshots<Designs>,
    /// Identity providers and SMS senders (the connections API).
    pub(crate) connections: Snapshots<Connections>,
    pub(crate) consents: Locked<Consents>,
    /// The resources `--resources` loaded read-only (composite store mode).
    pub(crate) declared: Locked<self::declared::Declared>,
    /// The control plane's software authenticator (`/__mock/passkeys/*`): its credentials'
    /// private keys and counters, at most a thousand.
    pub(crate) authenticator: Locked<crate::webauthn::authenticator::SoftwareAuthenticator>,
    /// The OpenID4VP verifier's keys (generated per server), the presentation definitions and the
    /// credential configurations (the fixtures', the management APIs', `/import`'s).
    pub(crate) openid4vp: self::vc::Vc,
    /// The fake captcha provider's tokens (`/__mock/captcha/token`), at most ten thousand.
    pub(crate) captcha: Locked<self::captcha::CaptchaTokens>,
}

/// How much live state the mock holds: `GET /__mock/stats`, for tests and the memory benchmark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Stats {
    pub users: usize,
    pub flow_executions: usize,
    /// Authorization requests (pushed ones too), backchannel requests, codes, revocation records
    /// and pending logouts.
    pub oauth_entries: usize,
    pub outbox_messages: usize,
    pub sso_sessions: usize,
}

impl Stores {
    /// The stores of a (validated) fixture set, created at `now`, within `limits`.
    pub(crate) fn from_fixtures(fixtures: &Fixtures, now: u64, limits: &Limits) -> Self {
        Self {
            registry: Snapshots::new(Registry::from_fixtures(fixtures, now)),
            directory: Locked::new(Directory::from_fixtures(fixtures, now, limits.user_bytes)),
            executions: Locked::new(Executions::with_budget(limits.execution_bytes)),
            oauth: Locked::new(OAuthState::default()),
            outbox: Locked::new(Outbox::with_budget(limits.outbox_bytes)),
            sessions: Locked::new(Sessions::with_budget(limits.session_bytes)),
            translations: Snapshots::new(Translations::from_fixtures(fixtures)),
            designs: Snapshots::new(Designs::default()),
            connections: Snapshots::new(Connections::default()),
            consents: Locked::new(Consents::default()),
            declared: Locked::default(),
            authenticator: Locked::new(Default::default()),
            openid4vp: self::vc::Vc::new(fixtures.presentation_definitions.clone()),
            captcha: Locked::default(),
        }
    }

    /// Everything back to the fixtures, as created at `now`.
    pub(crate) fn reset(&self, fixtures: &Fixtures, now: u64) {
        self.registry
            .replace(Registry::from_fixtures(fixtures, now));
        let budget = self.directory.read(|d| d.users.budget());
        self.directory
            .replace(Directory::from_fixtures(fixtures, now, budget));
        let budget = self.executions.read(Executions::budget);
        self.executions.replace(Executions::with_budget(budget));
        self.oauth.replace(OAuthState::default());
        let budget = self.outbox.read(Outbox::budget);
        self.outbox.replace(Outbox::with_budget(budget));
        let budget = self.sessions.read(Sessions::budget);
        self.sessions.replace(Sessions::with_budget(budget));
        self.translations
            .replace(Translations::from_fixtures(fixtures));
        self.designs.replace(Designs::default());
        self.connections.replace(Connections::default());
        self.consents.replace(Consents::default());
        self.declared.replace(Default::default());
        self.authenticator.replace(Default::default());
        self.captcha.replace(Default::default());
        self.openid4vp.resources.replace(self::vc::VcResources {
            definitions: fixtures.presentation_definitions.clone(),
            configurations: Vec::new(),
        });
    }

    pub(crate) fn stats(&self) -> Stats {
        Stats {
            users: self.directory.read(|d| d.users.len()),
            flow_executions: self.executions.read(Executions::len),
            oauth_entries: self.oauth.read(OAuthState::len),
            outbox_messages: self.outbox.read(Outbox::len),
            sso_sessions: self.sessions.read(Sessions::len),
        }
    }
}
