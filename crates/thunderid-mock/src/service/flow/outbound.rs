//! The HTTP client behind HTTPRequestExecutor ([`Outbound`]): plain HTTP/1.1 over hyper, to
//! loopback by default.
//!
//! **Targets.** A host is called only when it resolves to loopback addresses alone (`localhost`,
//! `127.0.0.1`, `[::1]`), or when the server was told to allow it (`--http-executor-allow HOST`,
//! the builder's `http_executor_allow`; `*` allows every host). Any other target, and `https`, fail
//! as a connection error would: the executor then retries, and fails the node with FET-1072 under
//! `failOnError`, else carries on. Each redirect hop is checked the same way.
//!
//! **Limits.** The node's timeout covers connecting, redirects (at most 10, as Go's client), the
//! headers and the body; a body over [`MAX_BODY_BYTES`] is a read error.
//!
//! **Blocking.** The engine is synchronous, so a call blocks its thread: on a multi-thread runtime
//! inside `block_in_place` (the runtime moves its other tasks to other workers); on a
//! current-thread runtime (a server given `runtime(handle)` of one) on a helper thread, while that
//! runtime waits, so a target served by that same runtime cannot answer.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request, header};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::time::Instant;
use url::Url;

use crate::flow::outbound::{
    Outbound, OutboundError, OutboundRequest, OutboundResponse, go_method_op,
};

/// The largest response body read (1 MiB); the server reads any size.
pub(crate) const MAX_BODY_BYTES: usize = 1 << 20;
/// Go's client follows at most this many redirects.
const MAX_REDIRECTS: usize = 10;

/// Sends an executor's requests to the targets the server allows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HttpOutbound<'a> {
    /// Hosts allowed besides loopback (`*`: all).
    pub allowed: &'a [String],
}

impl Outbound for HttpOutbound<'_> {
    fn send(&self, request: &OutboundRequest) -> Result<OutboundResponse, OutboundError> {
        let allowed = self.allowed;
        block(async move {
            let deadline = Instant::now() + request.timeout;
            match tokio::time::timeout_at(deadline, send(allowed, request, deadline)).await {
                Ok(result) => result,
                Err(_) => Err(OutboundError::Send(format!(
                    "{} \"{}\": context deadline exceeded (Client.Timeout exceeded while awaiting \
                     headers)",
                    go_method_op(&request.method),
                    request.url
                ))),
            }
        })
        .unwrap_or_else(|| {
            Err(OutboundError::Send(
                "the request's thread stopped".to_owned(),
            ))
        })
    }

    fn pause(&self, delay: Duration) {
        block(tokio::time::sleep(delay));
    }

    fn correlation_id(&self) -> String {
        crate::correlation::current().unwrap_or_else(crate::ids::uuid_v4)
    }
}

/// Run `future` to completion from synchronous code without stalling the runtime (see the module
/// documentation); `None` if its thread panicked.
fn block<F>(future: F) -> Option<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
            Some(tokio::task::block_in_place(|| handle.block_on(future)))
        }
        _ => std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()
                        .map(|runtime| runtime.block_on(future))
                })
                .join()
                .ok()
                .flatten()
        }),
    }
}

/// Send `request`, following redirects as Go's client does.
async fn send(
    allowed: &[String],
    request: &OutboundRequest,
    deadline: Instant,
) -> Result<OutboundResponse, OutboundError> {
    let op = |method: &str, url: &str, cause: &dyn std::fmt::Display| {
        OutboundError::Send(format!("{} \"{url}\": {cause}", go_method_op(method)))
    };
    let mut method = request.method.clone();
    let mut body = request.body.clone();
    let mut headers = request.headers.clone();
    let mut url = request.url.clone();
    for hop in 0..=MAX_REDIRECTS {
        let target = Url::parse(&url).map_err(|e| op(&method, &url, &e))?;
        let (response, _connection) =
            exchange(allowed, &target, &method, &headers, body.as_deref())
                .await
                .map_err(|cause| op(&method, &url, &cause))?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .map(str::to_owned);
        let Some(next) = location.filter(|_| matches!(status, 301 | 302 | 303 | 307 | 308)) else {
            let remaining = deadline.saturating_duration_since(Instant::now());
            let read = axum::body::to_bytes(Body::new(response.into_body()), MAX_BODY_BYTES);
            return match tokio::time::timeout(remaining, read).await {
                Ok(Ok(bytes)) => Ok(OutboundResponse {
                    status,
                    body: bytes.to_vec(),
                }),
                Ok(Err(e)) => Err(OutboundError::Read(e.to_string())),
                Err(_) => Err(OutboundError::Read(
                    "context deadline exceeded (Client.Timeout or context cancellation while \
                     reading body)"
                        .to_owned(),
                )),
            };
        };
        if hop == MAX_REDIRECTS {
            return Err(op(&method, &url, &"stopped after 10 redirects"));
        }
        let next = target.join(&next).map_err(|e| op(&method, &url, &e))?;
        if matches!(status, 301..=303) {
            body = None;
            if method != "GET" && method != "HEAD" {
                method = "GET".to_owned();
            }
        }
        if next.host_str() != target.host_str() {
            // Credentials stay with the host they were meant for.
            headers.retain(|(name, _)| {
                !["authorization", "www-authenticate", "cookie", "cookie2"]
                    .contains(&name.to_ascii_lowercase().as_str())
            });
        }
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case("referer"));
        headers.push(("Referer".to_owned(), url.clone()));
        url = next.to_string();
    }
    Err(op(&method, &url, &"stopped after 10 redirects"))
}

/// The task driving one connection, stopped when dropped: a timed-out call leaves nothing behind.
struct Connection(tokio::task::JoinHandle<Result<(), hyper::Error>>);

impl Drop for Connection {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// One request and its response head over a fresh connection (kept open while the body is read).
async fn exchange(
    allowed: &[String],
    target: &Url,
    method: &str,
    headers: &[(String, String)],
    body: Option<&[u8]>,
) -> Result<(hyper::Response<hyper::body::Incoming>, Connection), String> {
    if target.scheme() != "http" {
        return Err(format!(
            "unsupported protocol scheme \"{}\" (the mock calls plain http only)",
            target.scheme()
        ));
    }
    let host = target
        .host_str()
        .ok_or_else(|| "http: no Host in request URL".to_owned())?;
    let port = target.port_or_known_default().unwrap_or(80);
    let addresses = resolve(allowed, host, port).await?;
    let stream = connect(&addresses).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake::<_, Body>(TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
    let driver = Connection(tokio::spawn(connection));
    let mut path = target.path().to_owned();
    if let Some(query) = target.query() {
        path.push('?');
        path.push_str(query);
    }
    let mut builder = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?)
        .uri(path);
    let authority = match target.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    builder = builder.header(header::HOST, authority);
    // Go sends the URL's host, whatever a `Host` header says.
    for (name, value) in headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("host"))
    {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
        let value = HeaderValue::from_str(value).map_err(|e| e.to_string())?;
        builder = builder.header(name, value);
    }
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("user-agent"))
    {
        builder = builder.header(header::USER_AGENT, "Go-http-client/1.1");
    }
    let request = builder
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_vec())))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    Ok((response, driver))
}

/// The addresses to try: any for an allowed host, else only when every one is loopback.
async fn resolve(allowed: &[String], host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((bare, port))
        .await
        .map_err(|e| format!("dial tcp: lookup {bare}: {e}"))?
        .collect();
    let listed = allowed
        .iter()
        .any(|a| a == "*" || a.eq_ignore_ascii_case(bare));
    if !listed && (addresses.is_empty() || !addresses.iter().all(|a| a.ip().is_loopback())) {
        return Err(format!(
            "dial tcp {bare}:{port}: the mock calls loopback hosts only (allow this one with \
             --http-executor-allow {bare})"
        ));
    }
    Ok(addresses)
}

async fn connect(addresses: &[SocketAddr]) -> Result<TcpStream, String> {
    let mut last = String::from("dial tcp: no address");
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => return Ok(stream),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                last = format!("dial tcp {address}: connect: connection refused");
            }
            Err(e) => last = format!("dial tcp {address}: {e}"),
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn allowed(list: &[&str], host: &str) -> bool {
        let list: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        resolve(&list, host, 80).await.is_ok()
    }

    #[tokio::test]
    async fn only_loopback_is_reached_unless_the_host_is_allowed() {
        assert!(allowed(&[], "127.0.0.1").await);
        assert!(allowed(&[], "[::1]").await);
        assert!(allowed(&[], "localhost").await);
        assert!(!allowed(&[], "192.0.2.1").await);
        assert!(allowed(&["192.0.2.1"], "192.0.2.1").await);
        assert!(allowed(&["*"], "192.0.2.7").await);
        assert!(!allowed(&["192.0.2.1"], "192.0.2.7").await);
    }
}
