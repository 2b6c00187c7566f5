//! `X-Correlation-ID` on every response, as the real server's outermost middleware sets it
//! (`backend/internal/system/middleware/correlationid.go`): the first non-empty of the request's
//! `X-Correlation-ID`, `X-Request-ID` and `X-Trace-ID` (the first value of each, as Go's
//! `Header.Get` reads it), echoed verbatim under `X-Correlation-ID`; without one, a fresh random
//! UUIDv4. It wraps everything, so 401/403 from the security middleware, the mux's 404 and 405,
//! preflights and the gate's pages carry it too.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The response header (Go writes it canonicalized as `X-Correlation-Id`; names are
/// case-insensitive, and HTTP/1.1 from hyper writes them lower-case).
const CORRELATION_ID: HeaderName = HeaderName::from_static("x-correlation-id");

/// The request headers read, in the server's order of priority.
const SOURCES: [&str; 3] = ["x-correlation-id", "x-request-id", "x-trace-id"];

tokio::task_local! {
    /// The id of the request this task serves, for calls the request makes onward (an
    /// HTTPRequestExecutor's `X-Correlation-ID`, as the server passes its trace id on).
    static CURRENT: HeaderValue;
}

/// The id of the request being served on this task, if any.
pub(crate) fn current() -> Option<String> {
    CURRENT
        .try_with(|id| id.to_str().ok().map(str::to_owned))
        .ok()
        .flatten()
}

/// The middleware.
pub(crate) async fn correlate(request: Request, next: Next) -> Response {
    let id = SOURCES
        .iter()
        .find_map(|name| {
            request
                .headers()
                .get(*name)
                .filter(|value| !value.is_empty())
                .cloned()
        })
        .unwrap_or_else(generated);
    let mut response = CURRENT.scope(id.clone(), next.run(request)).await;
    response.headers_mut().insert(CORRELATION_ID, id);
    response
}

/// `uuid.New()`: a random version-4 UUID, lower-case hex.
fn generated() -> HeaderValue {
    HeaderValue::from_str(&crate::ids::uuid_v4()).unwrap_or(HeaderValue::from_static(""))
}
