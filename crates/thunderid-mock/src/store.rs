//! The mock's mutable state, all in memory: one [`Db`] behind one `std::sync::Mutex` in
//! [`crate::state::AppState`].
//!
//! One lock, because operations span areas (a code exchange touches the code, the refresh family and
//! the user) and must leave state consistent after any error; critical sections are short (no I/O,
//! no signing, no `.await` while locked), so contention stays low.

pub mod oauth;
pub mod organizations;
pub mod outbox;
pub mod users;

use crate::fixtures::Fixtures;

/// Everything a request can change. Rebuilt from the fixtures by `POST /__mock/reset`.
#[derive(Debug)]
pub struct Db {
    pub users: users::UserStore,
    pub oauth: oauth::OAuthStore,
    pub flows: crate::flow::ExecutionStore,
    pub outbox: outbox::Outbox,
    pub organizations: organizations::OrganizationStore,
    /// V1 app-native sign-ins (`/oauth2/authn`) in progress.
    pub v1_flows: crate::flow::v1::V1FlowStore,
}

/// How much live state the mock holds: `GET /__mock/stats`, for tests and the memory benchmark.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub users: usize,
    pub flow_executions: usize,
    /// Authorization requests, codes, revocation records and pending logouts.
    pub oauth_entries: usize,
    pub outbox_messages: usize,
}

impl Db {
    pub fn stats(&self) -> Stats {
        Stats {
            users: self.users.all().count(),
            flow_executions: self.flows.len(),
            oauth_entries: self.oauth.len(),
            outbox_messages: self.outbox.len(),
        }
    }

    pub fn from_fixtures(fixtures: &Fixtures) -> Self {
        Self {
            users: users::UserStore::from_fixtures(fixtures),
            oauth: oauth::OAuthStore::default(),
            flows: crate::flow::ExecutionStore::default(),
            outbox: outbox::Outbox::default(),
            organizations: organizations::OrganizationStore::from_fixtures(fixtures),
            v1_flows: crate::flow::v1::V1FlowStore::default(),
        }
    }
}
