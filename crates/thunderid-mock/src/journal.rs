//! The request journal behind `GET /__mock/requests`: what clients sent and what the mock answered,
//! so a test can assert the exact request an SDK made.

use std::collections::VecDeque;
use std::sync::Mutex;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use std::sync::Arc;

use crate::clock::Clock;

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

/// A bounded log of requests, oldest dropped first.
#[derive(Debug, Default)]
pub struct Journal {
    entries: Mutex<VecDeque<JournalEntry>>,
}

impl Journal {
    const CAPACITY: usize = 10_000;
    /// Bodies larger than this are cut in the journal (the handler still sees all of it).
    const BODY_LIMIT: usize = 64 * 1024;
    /// Requests larger than this are refused before any handler runs.
    pub const REQUEST_LIMIT: usize = 1024 * 1024;

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<JournalEntry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn record(&self, entry: JournalEntry) {
        let mut entries = self.lock();
        if entries.len() == Self::CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// The entries `filter` selects, oldest first.
    pub fn list(&self, filter: &RequestFilter) -> Vec<JournalEntry> {
        self.lock()
            .iter()
            .filter(|e| filter.matches(e))
            .cloned()
            .collect()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }
}

/// What the journal middleware needs: the journal and the clock that stamps entries.
#[derive(Debug, Clone)]
pub(crate) struct JournalLayer {
    pub journal: Arc<Journal>,
    pub clock: Arc<Clock>,
}

/// Middleware: buffer the request body, run the handler, record the exchange. The control API's own
/// requests are not recorded, so a suite's bookkeeping does not pollute what it asserts on.
pub(crate) async fn record(
    State(layer): State<JournalLayer>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with("/__mock/") {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, Journal::REQUEST_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => Bytes::new(),
    };
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
