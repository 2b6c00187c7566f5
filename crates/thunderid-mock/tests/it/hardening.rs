//! What an attacker or a load generator could try: web pages reaching the control API (CSRF, DNS
//! rebinding), bodies over the limit, the journal under `--no-control`, and memory budgets.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{TestServer, assert_json_eq};

const CROSS_SITE: &str = "the control API answers no cross-site browser requests\n";

#[tokio::test]
async fn a_cross_site_page_cannot_reset_or_move_the_clock() {
    let t = TestServer::start().await;
    // A "simple" cross-site POST: JSON sent as text/plain, as a form or fetch(no-cors) would.
    let simple = t
        .send(
            t.client
                .post(t.url("/__mock/clock"))
                .header("origin", "https://evil.example")
                .header("content-type", "text/plain")
                .body(r#"{"advanceSeconds": 999999}"#),
        )
        .await;
    assert_eq!(simple.status, StatusCode::FORBIDDEN);
    assert_eq!(simple.body, CROSS_SITE);
    let reset = t
        .send(
            t.client
                .post(t.url("/__mock/reset"))
                .header("sec-fetch-site", "cross-site"),
        )
        .await;
    assert_eq!(reset.status, StatusCode::FORBIDDEN);
    assert_eq!(reset.body, CROSS_SITE);
    let before = t.get("/__mock/clock").await.json();
    assert_json_eq(&before, &json!({"now": crate::support::EPOCH}));
    // Test code (no Origin, or its own) and the browser's address bar still get through.
    let own = t.url("");
    for (name, value) in [("origin", own.as_str()), ("sec-fetch-site", "none")] {
        let reply = t
            .send(t.client.get(t.url("/__mock/clock")).header(name, value))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{name}: {value}");
    }
}

#[tokio::test]
async fn a_rebound_host_name_cannot_read_the_journal_or_the_outbox() {
    let t = TestServer::start().await;
    for path in ["/__mock/requests", "/__mock/outbox", "/__mock/stats"] {
        let reply = t
            .send(
                t.client
                    .get(t.url(path))
                    .header("host", "attacker.example:1234"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(
            reply.body,
            "the control API answers only requests to localhost, an IP address or the mock's own host\n"
        );
    }
    for host in ["localhost:1", "app.localhost", "127.0.0.1:9", "[::1]:80"] {
        let reply = t
            .send(t.client.get(t.url("/__mock/stats")).header("host", host))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{host}");
    }
    // The rest of the mock answers any host, as the server does.
    let discovery = t
        .send(
            t.client
                .get(t.url("/.well-known/openid-configuration"))
                .header("host", "attacker.example"),
        )
        .await;
    assert_eq!(discovery.status, StatusCode::OK);
}

#[tokio::test]
async fn a_public_url_host_may_use_the_control_api() {
    let t = TestServer::with(
        thunderid_mock::MockServer::builder().public_url("http://mock.internal:8090"),
    )
    .await;
    let own = raw(
        &t,
        "GET /__mock/stats HTTP/1.1\r\nHost: mock.internal:8090\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(own.starts_with("HTTP/1.1 200 "), "{own}");
    let other = raw(
        &t,
        "GET /__mock/stats HTTP/1.1\r\nHost: other.internal:8090\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(other.starts_with("HTTP/1.1 403 "), "{other}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_not_an_empty_body() {
    let t = TestServer::start().await;
    let big = "a".repeat(1024 * 1024 + 1);
    for request in [
        t.client
            .post(t.url("/oauth2/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(big.clone()),
        t.client
            .post(t.url("/flow/execute"))
            .header("content-type", "application/json")
            .body(big.clone()),
    ] {
        let reply = t.send(request).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(reply.body, "http: request body too large\n");
        assert_eq!(
            reply.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
    }
    // Streamed without a length (chunked), the same.
    let reply = raw(
        &t,
        &format!(
            "POST /flow/execute HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{big}\r\n1\r\nb\r\n0\r\n\r\n",
            big.len()
        ),
    )
    .await;
    assert!(
        reply.starts_with("HTTP/1.1 413 "),
        "{}",
        &reply[..reply.len().min(200)]
    );
    // Exactly at the limit is read whole (and refused by the handler as a bad body, not 413).
    let at_limit = t
        .send(
            t.client
                .post(t.url("/flow/execute"))
                .header("content-type", "application/json")
                .body("a".repeat(1024 * 1024)),
        )
        .await;
    assert_eq!(at_limit.status, StatusCode::BAD_REQUEST);
}

/// One raw HTTP/1.1 exchange; the answer as text.
async fn raw(t: &TestServer, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(t.server.address())
        .await
        .expect("connects");
    // The server may answer and close before it read everything.
    let _ = stream.write_all(request.as_bytes()).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn without_the_control_api_nothing_is_journaled_and_the_fake_idp_is_gone() {
    let t = TestServer::with(thunderid_mock::MockServer::builder().no_control()).await;
    t.get("/.well-known/openid-configuration").await;
    assert!(t.server.received_requests().is_empty());
    let gate = t.url("/gate/callback");
    let idp = t
        .get(&format!(
            "/__mock/idp/google/authorize?redirect_uri={}&state=s",
            url::form_urlencoded::byte_serialize(gate.as_bytes()).collect::<String>()
        ))
        .await;
    assert_eq!(idp.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_journal_keeps_within_its_byte_budget() {
    let t = TestServer::with(thunderid_mock::MockServer::builder().journal_bytes(256 * 1024)).await;
    let body = json!({"applicationId": "x", "inputs": {"blob": "z".repeat(60_000)}});
    for _ in 0..20 {
        t.post_json("/flow/execute", &body).await;
    }
    let kept = t.server.received_requests();
    assert!((3..=4).contains(&kept.len()), "{}", kept.len());
    let listed = t.get("/__mock/requests").await.json();
    assert_eq!(listed.as_array().map(Vec::len), Some(kept.len()));
}
