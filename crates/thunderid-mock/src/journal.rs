//! The request journal behind `GET /__mock/requests`: what clients sent and what the mock answered,
//! so a test can assert the exact request an SDK made.

use std::collections::VecDeque;
use std::sync::Mutex;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use std::sync::Arc;

use crate::clock::Clock;
use crate::error::MockError;

mod fetches;

pub(crate) use fetches::FetchCounter;
pub use fetches::JwksFetches;

/// One recorded exchange.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct JournalEntry {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy UTF-8); bodies over the capture limit are cut.
    pub body: String,
    /// The status answered; 0 when a fault dropped or reset the connection instead.
    pub status: u16,
    pub at: u64,
    /// The fault rule applied to this request, if any (`/__mock/faults`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<AppliedFault>,
}

/// A fault rule's effect on one request, as the journal records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AppliedFault {
    /// The rule's id (`fault-1`, …).
    pub rule: String,
    /// What it did: `status`, `delay`, `drop`, `reset`, `truncate` or `corrupt`.
    pub action: String,
}

impl AppliedFault {
    pub(crate) fn new(rule: String, action: &str) -> Self {
        Self {
            rule,
            action: action.to_owned(),
        }
    }

    /// Whether the client got no response at all.
    fn closed_connection(&self) -> bool {
        matches!(self.action.as_str(), "drop" | "reset")
    }
}

/// Which journal entries to list; the default selects all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestFilter {
    /// Only requests to this exact path.
    pub path: Option<String>,
    /// Only requests with this method (`GET`, `POST`, …).
    pub method: Option<String>,
    /// Only requests answered with this status.
    pub status: Option<u16>,
}

impl RequestFilter {
    /// Requests to `path`.
    pub fn path(path: impl Into<String>) -> Self {
        Self {
            path: Some(path.into()),
            ..Self::default()
        }
    }

    /// Also only with `method`.
    #[must_use]
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Also only answered with `status`.
    #[must_use]
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    fn matches(&self, entry: &JournalEntry) -> bool {
        self.path.as_ref().is_none_or(|p| &entry.path == p)
            && self
                .method
                .as_ref()
                .is_none_or(|m| entry.method.eq_ignore_ascii_case(m))
            && self.status.is_none_or(|s| entry.status == s)
    }
}

/// A log of requests bounded in entries and in bytes, oldest dropped first. Entries are shared,
/// so listing copies pointers, not bodies.
#[derive(Debug)]
pub struct Journal {
    inner: Mutex<Entries>,
    /// Whether requests are recorded at all (not with `--no-control`: nobody can read them).
    enabled: bool,
    budget: usize,
    /// Listings being sent: each holds the entries it lists until it is sent, so at most
    /// [`Self::LISTINGS`] at once keeps what evicted entries can pin bounded.
    listings: Arc<tokio::sync::Semaphore>,
}

#[derive(Debug, Default)]
struct Entries {
    entries: VecDeque<Arc<JournalEntry>>,
    bytes: usize,
}

impl Default for Journal {
    fn default() -> Self {
        Self::new(true, crate::config::Limits::JOURNAL_BYTES)
    }
}

impl Journal {
    const CAPACITY: usize = 10_000;
    /// Bodies larger than this are cut in the journal (the handler still sees all of it).
    const BODY_LIMIT: usize = 64 * 1024;
    /// Requests larger than this are refused (413) before any handler runs.
    pub const REQUEST_LIMIT: usize = 1024 * 1024;
    /// Listings sent at the same time; more wait for one to finish.
    const LISTINGS: usize = 2;

    pub(crate) fn new(enabled: bool, budget: usize) -> Self {
        Self {
            inner: Mutex::new(Entries::default()),
            enabled,
            budget,
            listings: Arc::new(tokio::sync::Semaphore::new(Self::LISTINGS)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn record(&self, entry: JournalEntry) {
        if !self.enabled {
            return;
        }
        let size = entry.size();
        if size > self.budget {
            return;
        }
        let mut inner = self.lock();
        while inner.entries.len() >= Self::CAPACITY || inner.bytes + size > self.budget {
            let Some(old) = inner.entries.pop_front() else {
                break;
            };
            inner.bytes -= old.size();
        }
        inner.bytes += size;
        inner.entries.push_back(Arc::new(entry));
    }

    /// The entries `filter` selects, oldest first.
    pub fn list(&self, filter: &RequestFilter) -> Vec<JournalEntry> {
        self.shared(filter).iter().map(|e| (**e).clone()).collect()
    }

    /// [`Self::list`] without copying the entries (the control API serializes them directly).
    pub(crate) fn shared(&self, filter: &RequestFilter) -> Vec<Arc<JournalEntry>> {
        self.lock()
            .entries
            .iter()
            .filter(|e| filter.matches(e))
            .cloned()
            .collect()
    }

    /// [`Self::shared`] for a listing sent while it is encoded: waits while [`Self::LISTINGS`]
    /// others are being sent, and the permit returned must live as long as the listing.
    pub(crate) async fn listing(
        &self,
        filter: &RequestFilter,
    ) -> (Vec<Arc<JournalEntry>>, tokio::sync::OwnedSemaphorePermit) {
        // The semaphore is never closed.
        let permit = Arc::clone(&self.listings)
            .acquire_owned()
            .await
            .expect("the listing semaphore is never closed");
        (self.shared(filter), permit)
    }

    /// The bytes the entries hold (as [`JournalEntry::size`] counts them).
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// Forget every entry and give their memory back.
    pub fn clear(&self) {
        *self.lock() = Entries::default();
    }
}

impl JournalEntry {
    /// What the entry holds on the heap, plus its own size.
    fn size(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.method.len()
            + self.path.len()
            + self.query.as_ref().map_or(0, String::len)
            + self
                .headers
                .iter()
                .map(|(n, v)| n.len() + v.len() + std::mem::size_of::<(String, String)>())
                .sum::<usize>()
            + self.body.len()
    }
}

/// What the journal middleware needs: the journal and the clock that stamps entries.
#[derive(Debug, Clone)]
pub(crate) struct JournalLayer {
    pub journal: Arc<Journal>,
    pub clock: Arc<Clock>,
}

/// Middleware: buffer the request body (a body over [`Journal::REQUEST_LIMIT`] is 413 with Go's
/// `http.MaxBytesError` text, never handed on as empty), run the handler, record the exchange. The
/// control API's own requests are not recorded, so a suite's bookkeeping does not pollute what it
/// asserts on.
///
/// As Go's `MaxBytesReader`, the body is read up to the limit before the 413, whatever its
/// declared length: refusing on the `Content-Length` alone would close the connection with the
/// whole body unread, and the reset that closing sends can reach a client still writing it before
/// the 413 does.
pub(crate) async fn record(
    State(layer): State<JournalLayer>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, Journal::REQUEST_LIMIT).await else {
        return MockError::BodyTooLarge.into_response();
    };
    if path.starts_with("/__mock/") || !layer.journal.enabled {
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    }
    let headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let captured = &bytes[..bytes.len().min(Journal::BODY_LIMIT)];
    let mut entry = JournalEntry {
        method: parts.method.as_str().to_owned(),
        path,
        query: parts.uri.query().map(str::to_owned),
        headers,
        body: String::from_utf8_lossy(captured).into_owned(),
        status: 0,
        at: layer.clock.now(),
        fault: None,
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    entry.fault = response.extensions().get::<AppliedFault>().cloned();
    entry.status = match &entry.fault {
        Some(fault) if fault.closed_connection() => 0,
        _ => response.status().as_u16(),
    };
    layer.journal.record(entry);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(body_len: usize) -> JournalEntry {
        JournalEntry {
            method: "POST".to_owned(),
            path: "/flow/execute".to_owned(),
            query: None,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: "x".repeat(body_len),
            status: 200,
            at: 0,
            fault: None,
        }
    }

    #[test]
    fn the_journal_stays_within_its_byte_budget_dropping_the_oldest() {
        let size = entry(1000).size();
        let journal = Journal::new(true, 10 * size);
        for _ in 0..25 {
            journal.record(entry(1000));
        }
        assert_eq!(journal.bytes(), 10 * size);
        assert_eq!(journal.list(&RequestFilter::default()).len(), 10);
        // One bigger than the whole budget is not kept, and evicts nothing.
        journal.record(entry(20 * size));
        assert_eq!(journal.list(&RequestFilter::default()).len(), 10);
        journal.clear();
        assert_eq!(journal.bytes(), 0);
    }

    #[test]
    fn a_disabled_journal_records_nothing() {
        let journal = Journal::new(false, 1 << 20);
        journal.record(entry(10));
        assert!(journal.list(&RequestFilter::default()).is_empty());
    }
}
