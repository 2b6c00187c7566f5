//! The test harness: a [`TestServer`] on a free loopback port with a fixed clock, a client that does
//! not follow redirects, and helpers that keep the tests about behaviour, not plumbing.

#![allow(dead_code)]

use reqwest::header::HeaderMap;
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;
use thunderid_mock::{Clock, Fixtures, MockServer};

/// 2026-01-01T00:00:00Z: every test's clock starts here, so timestamps in snapshots are exact.
pub const EPOCH: u64 = 1_767_225_600;

pub struct TestServer {
    pub server: MockServer,
    pub client: Client,
}

/// A captured response: status, headers and the raw body.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Location` header, parsed.
    pub fn location(&self) -> url::Url {
        let location = self
            .header("location")
            .unwrap_or_else(|| panic!("no Location header: {self:?}"));
        url::Url::parse(location).unwrap_or_else(|e| panic!("bad Location {location}: {e}"))
    }
}

impl TestServer {
    pub async fn start() -> Self {
        Self::with(MockServer::builder()).await
    }

    pub async fn with_fixtures(fixtures: Fixtures) -> Self {
        Self::with(MockServer::builder().fixtures(fixtures)).await
    }

    pub async fn with(builder: thunderid_mock::MockServerBuilder) -> Self {
        let server = builder
            .clock(Clock::fixed(EPOCH))
            .start()
            .await
            .expect("the mock starts");
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self { server, client }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("the request reaches the mock");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.expect("a readable body");
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.client.get(self.url(path))).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.send(self.client.post(self.url(path)).json(body)).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.send(self.client.post(self.url(path)).form(form)).await
    }

    pub async fn request(&self, method: Method, path: &str) -> Reply {
        self.send(self.client.request(method, self.url(path))).await
    }
}

/// Compare JSON and print both sides on a mismatch.
#[track_caller]
pub fn assert_json_eq(actual: &Value, expected: &Value) {
    if actual != expected {
        panic!(
            "JSON mismatch\n--- actual ---\n{}\n--- expected ---\n{}",
            serde_json::to_string_pretty(actual).unwrap_or_default(),
            serde_json::to_string_pretty(expected).unwrap_or_default()
        );
    }
}
