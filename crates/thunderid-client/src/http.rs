//! The HTTP layer: the only module that touches `reqwest`.
//!
//! Requests are plain values ([`HttpRequest`]) and responses are fully buffered ([`HttpResponse`]:
//! status, the few headers the client reads, raw body), so the protocol code above never sees a
//! `reqwest` type. Redirects are never followed: the authorize endpoint's 302 carries the data.
//!
//! Retries are bounded and only for reads: a `GET` (discovery, the JWKS, UserInfo, …) answered 429
//! or 503 with a `Retry-After` of at most [`MAX_RETRY_AFTER`] seconds is sent again after that
//! wait, at most [`MAX_RETRIES`] times. Everything else surfaces at once: a `POST` may have done
//! its work (an authorization code redeemed, a flow step taken) before the server failed, a 5xx
//! without `Retry-After` says nothing about when to come back, and a long `Retry-After` is the
//! caller's decision, not a hidden stall.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use thunderid_protocol::OAuthErrorResponse;
use thunderid_protocol::error::ApiError;
use thunderid_protocol::scim::ScimError;

use crate::error::Error;

/// How often a `GET` is sent again after a 429 or 503 with `Retry-After`.
pub(crate) const MAX_RETRIES: u32 = 2;
/// The longest `Retry-After` (seconds) the client waits out on its own.
pub(crate) const MAX_RETRY_AFTER: u64 = 5;

/// A request that did not get an HTTP response: connection refused, TLS failure, timeout, …
pub struct TransportError(reqwest::Error);

/// The HTTP client: `reqwest` with rustls, redirects off, a timeout.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
}

/// The methods the client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Put,
    Patch,
}

/// A request body.
#[derive(Debug)]
pub(crate) enum Body {
    Empty,
    /// `application/x-www-form-urlencoded`, encoded here.
    Form(Vec<(String, String)>),
    /// A JSON document with its media type (`application/json`, `application/scim+json`).
    Json {
        content_type: &'static str,
        bytes: Vec<u8>,
    },
}

/// One request, as data.
#[derive(Debug)]
pub(crate) struct HttpRequest {
    pub(crate) method: Method,
    pub(crate) url: String,
    /// Extra headers (`Authorization`, `Flow-Secret`, `Accept`).
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Body,
}

/// A buffered response.
#[derive(Debug, Clone)]
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    /// The `Location` header, when present.
    pub(crate) location: Option<String>,
    /// `Retry-After` in seconds, when present as a number.
    pub(crate) retry_after: Option<u64>,
    pub(crate) body: Bytes,
}

impl Http {
    /// A client with redirects off and `timeout` per request.
    pub(crate) fn new(timeout: Duration) -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .user_agent(concat!("thunderid-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(TransportError)?;
        Ok(Self { client })
    }

    /// Sends `request` and buffers the whole response; a read the server asks to retry soon is
    /// sent again (module docs).
    pub(crate) async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let retryable = request.method == Method::Get && matches!(request.body, Body::Empty);
        if !retryable {
            return self.send_once(request).await;
        }
        let mut retries = 0;
        loop {
            let again = HttpRequest {
                method: request.method,
                url: request.url.clone(),
                headers: request.headers.clone(),
                body: Body::Empty,
            };
            let response = self.send_once(again).await?;
            let wait = response
                .retry_after
                .filter(|seconds| *seconds <= MAX_RETRY_AFTER)
                .filter(|_| matches!(response.status, 429 | 503));
            match wait {
                Some(seconds) if retries < MAX_RETRIES => {
                    retries += 1;
                    tokio::time::sleep(Duration::from_secs(seconds)).await;
                }
                _ => return Ok(response),
            }
        }
    }

    async fn send_once(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
        };
        let mut builder = self.client.request(method, &request.url);
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        builder = match request.body {
            Body::Empty => builder,
            Body::Form(pairs) => {
                let encoded = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(pairs)
                    .finish();
                builder
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(encoded)
            }
            Body::Json {
                content_type,
                bytes,
            } => builder.header("Content-Type", content_type).body(bytes),
        };
        let response = builder.send().await.map_err(TransportError)?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse().ok());
        let body = response.bytes().await.map_err(TransportError)?;
        Ok(HttpResponse {
            status,
            location,
            retry_after,
            body,
        })
    }
}

impl HttpRequest {
    /// A request without headers or body.
    pub(crate) fn new(method: Method, url: impl Into<String>) -> Self {
        Self {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: Body::Empty,
        }
    }

    /// Adds a header.
    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// `Authorization: Bearer <token>`.
    pub(crate) fn bearer(self, token: &str) -> Self {
        self.header("Authorization", format!("Bearer {token}"))
    }

    /// A form body.
    pub(crate) fn form(mut self, pairs: Vec<(String, String)>) -> Self {
        self.body = Body::Form(pairs);
        self
    }

    /// A JSON body of `value` with `content_type`.
    pub(crate) fn json_as(
        mut self,
        content_type: &'static str,
        value: &impl serde::Serialize,
    ) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(value).map_err(|e| Error::Encode(e.to_string()))?;
        self.body = Body::Json {
            content_type,
            bytes,
        };
        Ok(self)
    }

    /// A JSON body of `value` (`application/json`, with `Accept: application/json`).
    pub(crate) fn json(self, value: &impl serde::Serialize) -> Result<Self, Error> {
        self.header("Accept", "application/json")
            .json_as("application/json", value)
    }
}

impl HttpResponse {
    /// Whether the status is exactly `status`.
    pub(crate) fn is(&self, status: u16) -> bool {
        self.status == status
    }

    /// Whether the status is 2xx.
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Decodes the body as `T`; a failure keeps the status, the serde path and the raw body.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(&mut deserializer).map_err(|e| Error::Decode {
            status: self.status,
            path: e.path().to_string(),
            message: e.inner().to_string(),
            body: self.body.clone(),
        })
    }

    /// The error of a failed OAuth call: the OAuth envelope when the body is one, else the raw
    /// response.
    pub(crate) fn oauth_failure(self) -> Error {
        match serde_json::from_slice::<OAuthErrorResponse>(&self.body) {
            Ok(body) => Error::OAuth {
                status: self.status,
                body,
            },
            Err(_) => self.unexpected(),
        }
    }

    /// The error of a failed API call (`/flow/execute`, `/users/**`): the API envelope when the body
    /// is one, else the raw response.
    pub(crate) fn api_failure(self) -> Error {
        match serde_json::from_slice::<ApiError>(&self.body) {
            Ok(body) => Error::Api {
                status: self.status,
                body: Box::new(body),
            },
            Err(_) => self.unexpected(),
        }
    }

    /// The error of a failed SCIM call.
    pub(crate) fn scim_failure(self) -> Error {
        match serde_json::from_slice::<ScimError>(&self.body) {
            Ok(body) => Error::Scim {
                status: self.status,
                body,
            },
            Err(_) => self.api_failure(),
        }
    }

    /// A response the operation does not expect.
    pub(crate) fn unexpected(self) -> Error {
        Error::UnexpectedResponse {
            status: self.status,
            body: self.body,
        }
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only the kind: reqwest's own text names the URL, whose query may carry a code or state.
        f.debug_tuple("TransportError")
            .field(&format_args!("{self}"))
            .finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_timeout() {
            f.write_str("the request timed out")
        } else if self.0.is_connect() {
            f.write_str("cannot connect to the server")
        } else {
            f.write_str("the request failed before a response arrived")
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}
