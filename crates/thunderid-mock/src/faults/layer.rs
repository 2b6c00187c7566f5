//! What the fault middleware does to a request or an answer: who the request is from, the injected
//! answer, closing the connection, and spoiling a body.

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::Value;

use super::conn::Connection;
use crate::error::InjectedBody;
use crate::extract::is_form_body;
use crate::journal::Journal;

/// Response bodies larger than this are passed through untouched by truncate and corrupt.
const MANGLE_LIMIT: usize = 16 * 1024 * 1024;

/// Who a request is from, as far as rules care.
#[derive(Debug, Default)]
pub(super) struct Identity {
    pub(super) client_id: Option<String>,
    pub(super) user: Option<String>,
    /// A flow call's `executionId` and `action` (JSON body).
    pub(super) execution_id: Option<String>,
    pub(super) flow_action: Option<String>,
}

/// Read the client and user from the headers, query and body (the body is already buffered by the
/// journal, so reading it again is a copy of bytes in memory).
pub(super) async fn identify(request: Request) -> (Request, Identity) {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, Journal::REQUEST_LIMIT)
        .await
        .unwrap_or_default();
    let form: Vec<(String, String)> = if is_form_body(&parts.headers) {
        serde_urlencoded::from_bytes(&bytes).unwrap_or_default()
    } else {
        Vec::new()
    };
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let field = |name: &str| {
        form.iter()
            .chain(&query)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let json = if form.is_empty() {
        serde_json::from_slice::<Value>(&bytes).ok()
    } else {
        None
    };
    let member = |pointer: &str| {
        json.as_ref()
            .and_then(|v| v.pointer(pointer))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let identity = Identity {
        client_id: basic_username(&parts.headers).or_else(|| field("client_id")),
        user: bearer_subject(&parts.headers)
            .or_else(|| field("username"))
            .or_else(|| member("/inputs/username")),
        execution_id: member("/executionId"),
        flow_action: member("/action"),
    };
    (Request::from_parts(parts, Body::from(bytes)), identity)
}

fn authorization(headers: &HeaderMap, scheme: &str) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (given, credentials) = value.split_once(' ')?;
    given
        .eq_ignore_ascii_case(scheme)
        .then(|| credentials.trim().to_owned())
}

/// The client id of `Authorization: Basic` (form-encoded, as RFC 6749 §2.3.1 says).
fn basic_username(headers: &HeaderMap) -> Option<String> {
    let decoded = STANDARD.decode(authorization(headers, "Basic")?).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, _) = decoded.split_once(':')?;
    url::form_urlencoded::parse(format!("u={user}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
}

/// The `sub` of a Bearer JWT, unverified: a rule only routes on it, the handler still checks it.
fn bearer_subject(headers: &HeaderMap) -> Option<String> {
    subject_of(&authorization(headers, "Bearer")?)
}

/// The `sub` of a JWT, unverified.
pub(super) fn subject_of(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    claims.get("sub")?.as_str().map(str::to_owned)
}

/// The rule's body, or the envelope of the API `path` belongs to.
pub(super) fn injected_body(path: &str, body: Option<Value>) -> InjectedBody {
    match body {
        Some(Value::String(text)) => InjectedBody::Text(text),
        Some(value) => InjectedBody::Json(value),
        None if is_oauth(path) => InjectedBody::OAuth,
        None => InjectedBody::Api,
    }
}

/// Whether `path` is under `/oauth2/`, also below the tenant or organization prefix.
fn is_oauth(path: &str) -> bool {
    ["", "/t/carbon.super", "/o"].iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with("/oauth2/"))
    })
}

/// Mark the connection aborted; the response is never written. Without a connection (a router
/// driven in memory) the body fails instead, which aborts the exchange just the same.
pub(super) fn abort(request: &Request, reset: bool) -> Response {
    match request.extensions().get::<ConnectInfo<Connection>>() {
        Some(ConnectInfo(connection)) => connection.abort(reset),
        None => tracing::warn!("a fault closed a request that has no connection"),
    }
    Response::new(Body::new(Failing))
}

/// Buffer the response body and send `change(body)` instead, without a stale `Content-Length`.
pub(super) async fn mangle(response: Response, change: impl FnOnce(Bytes) -> Bytes) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MANGLE_LIMIT).await else {
        return Response::from_parts(parts, Body::new(Failing));
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(change(bytes)))
}

/// Break the body so no JSON or UTF-8 parser accepts it: its first and middle bytes become 0xFF.
pub(super) fn corrupt(body: Bytes) -> Bytes {
    let mut bytes = body.to_vec();
    if bytes.is_empty() {
        bytes.push(0xFF);
    }
    let middle = bytes.len() / 2;
    bytes[0] = 0xFF;
    bytes[middle] = 0xFF;
    Bytes::from(bytes)
}

/// A body whose first frame is an error.
struct Failing;

impl axum::body::HttpBody for Failing {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        std::task::Poll::Ready(Some(Err(std::io::Error::other(
            "connection closed by a fault rule",
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_bodies_parse_neither_as_json_nor_as_text() {
        let body = corrupt(Bytes::from_static(br#"{"access_token":"x"}"#));
        assert!(serde_json::from_slice::<Value>(&body).is_err());
        assert!(std::str::from_utf8(&body).is_err());
        assert_eq!(corrupt(Bytes::new()).as_ref(), [0xFF]);
    }

    #[test]
    fn basic_usernames_are_form_decoded() {
        let mut headers = HeaderMap::new();
        let value = format!("Basic {}", STANDARD.encode("my%20app:secret"));
        headers.insert(header::AUTHORIZATION, value.parse().unwrap());
        assert_eq!(basic_username(&headers).as_deref(), Some("my app"));
    }
}
