//! The request journal behind `GET /__mock/requests`: what clients sent and what the mock answered,
//! so a test can assert the exact request an SDK made.

use std::collections::VecDeque;
use std::sync::Mutex;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use crate::state::AppState;

/// One recorded exchange.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalEntry {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy UTF-8); bodies over the capture limit are cut.
    pub body: String,
    pub status: u16,
    pub at: u64,
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

    /// Entries, oldest first; with `path`, only those whose path equals it.
    pub fn list(&self, path: Option<&str>) -> Vec<JournalEntry> {
        self.lock()
            .iter()
            .filter(|e| path.is_none_or(|p| e.path == p))
            .cloned()
            .collect()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }
}

/// Middleware: buffer the request body, run the handler, record the exchange. The control API's own
/// requests are not recorded, so a suite's bookkeeping does not pollute what it asserts on.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
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
        at: state.now(),
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    entry.status = response.status().as_u16();
    state.journal().record(entry);
    response
}
