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
}

impl Db {
    pub fn from_fixtures(fixtures: &Fixtures) -> Self {
        Self {
            users: users::UserStore::from_fixtures(fixtures),
            oauth: oauth::OAuthStore::default(),
            flows: crate::flow::ExecutionStore::default(),
            outbox: outbox::Outbox::default(),
            organizations: organizations::OrganizationStore::from_fixtures(fixtures),
        }
    }
}
