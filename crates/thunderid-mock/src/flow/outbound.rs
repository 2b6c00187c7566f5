//! [`Outbound`]: the one way an executor reaches another server (HTTPRequestExecutor). The engine
//! stays free of I/O: it describes a request and reads an answer; the caller of the engine
//! supplies the client (`service::outbound`), and the engine's tests a scripted one.

use std::time::Duration;

/// One HTTP request an executor wants sent, already resolved (placeholders filled in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutboundRequest {
    /// `GET`, `POST`, `PUT`, `DELETE` or `PATCH`.
    pub method: String,
    pub url: String,
    /// In the order they are set; names compare case-insensitively.
    pub headers: Vec<(String, String)>,
    /// `None` sends no body.
    pub body: Option<Vec<u8>>,
    /// The whole exchange, headers and body, must finish within it (Go's `Client.Timeout`).
    pub timeout: Duration,
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutboundResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Why no answer came back. The texts follow Go's `net/http` errors where the mock can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OutboundError {
    /// The request never got an answer (refused target, connection error, timeout before the
    /// headers, too many redirects): the executor retries these.
    Send(String),
    /// The answer's body could not be read (timeout, too large): not retried, as on the server,
    /// whose retry loop wraps only `Client.Do`.
    Read(String),
}

/// Sends requests for the engine. It blocks the calling thread until the answer is in (the engine
/// is synchronous); implementations must keep the async runtime serving meanwhile.
pub(crate) trait Outbound: Send + Sync {
    /// Send one request.
    fn send(&self, request: &OutboundRequest) -> Result<OutboundResponse, OutboundError>;

    /// Wait between two tries.
    fn pause(&self, delay: Duration);

    /// The id of the request being served (`X-Correlation-ID`), for the call's own header.
    fn correlation_id(&self) -> String;
}

/// For environments that send nothing (engine tests that need no network): every request fails
/// as a refused connection would.
#[cfg(test)]
#[derive(Debug, Default)]
pub(crate) struct Offline;

#[cfg(test)]
impl Outbound for Offline {
    fn send(&self, request: &OutboundRequest) -> Result<OutboundResponse, OutboundError> {
        Err(OutboundError::Send(format!(
            "{} \"{}\": no network in this environment",
            go_method_op(&request.method),
            request.url
        )))
    }

    fn pause(&self, _delay: Duration) {}

    fn correlation_id(&self) -> String {
        String::new()
    }
}

/// Go's `url.Error.Op` for a method: `Get`, `Post`, …
pub(crate) fn go_method_op(method: &str) -> String {
    let mut chars = method.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
    })
}
