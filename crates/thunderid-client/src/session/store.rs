//! Where the session facade keeps what must not travel in the cookie: the refresh token, the ID
//! token and pending sign-ins (the PKCE verifier). Records are opaque bytes keyed by
//! [`SessionId`], so a store can be a map, Redis or a database table.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use super::token::SessionId;

/// The future a [`SessionStore`] method returns.
pub type StoreFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, SessionStoreError>> + Send + 'a>>;

/// A failure of the store itself (connection lost, …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SessionStoreError(pub String);

/// A key-value store for session records.
///
/// `expires_at` (seconds since the epoch) is a hint for stores with native expiry; the facade checks
/// expiry itself.
pub trait SessionStore: Send + Sync {
    /// The record of `id`, if any.
    fn load<'a>(&'a self, id: &'a SessionId) -> StoreFuture<'a, Option<Vec<u8>>>;
    /// Stores (or replaces) the record of `id`.
    fn save<'a>(
        &'a self,
        id: &'a SessionId,
        record: Vec<u8>,
        expires_at: Option<u64>,
    ) -> StoreFuture<'a, ()>;
    /// Deletes the record of `id` (no error if there is none).
    fn remove<'a>(&'a self, id: &'a SessionId) -> StoreFuture<'a, ()>;
}

/// The in-memory records: bytes and their expiry hint.
type Records = HashMap<SessionId, (Vec<u8>, Option<u64>)>;

/// The default store: a map in memory, for one process. Records leave on use, sign-out or
/// [`MemorySessionStore::purge_expired`].
#[derive(Debug, Default)]
pub struct MemorySessionStore {
    records: Mutex<Records>,
}

impl MemorySessionStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many records are stored.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Drops the records whose expiry hint is at or before `now` (abandoned sign-ins).
    pub fn purge_expired(&self, now: u64) {
        self.lock()
            .retain(|_, (_, expires_at)| expires_at.is_none_or(|at| at > now));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Records> {
        self.records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SessionStore for MemorySessionStore {
    fn load<'a>(&'a self, id: &'a SessionId) -> StoreFuture<'a, Option<Vec<u8>>> {
        let record = self.lock().get(id).map(|(record, _)| record.clone());
        Box::pin(async move { Ok(record) })
    }

    fn save<'a>(
        &'a self,
        id: &'a SessionId,
        record: Vec<u8>,
        expires_at: Option<u64>,
    ) -> StoreFuture<'a, ()> {
        self.lock().insert(id.clone(), (record, expires_at));
        Box::pin(async { Ok(()) })
    }

    fn remove<'a>(&'a self, id: &'a SessionId) -> StoreFuture<'a, ()> {
        self.lock().remove(id);
        Box::pin(async { Ok(()) })
    }
}
