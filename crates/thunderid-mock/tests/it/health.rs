use serde_json::json;

use crate::support::{TestServer, assert_json_eq};

#[tokio::test]
async fn liveness_is_an_empty_200() {
    let t = TestServer::start().await;
    let reply = t.get("/health/liveness").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, "");
}

#[tokio::test]
async fn readiness_reports_every_service_up() {
    let t = TestServer::start().await;
    let reply = t.get("/health/readiness").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_json_eq(
        &reply.json(),
        &json!({"status": "UP", "serviceStatus": [
            {"serviceName": "ConfigDB", "status": "UP"},
            {"serviceName": "RuntimeTransientDB", "status": "UP"},
            {"serviceName": "EntityDB", "status": "UP"}
        ]}),
    );
}

#[tokio::test]
async fn unknown_public_paths_get_go_style_404_text() {
    let t = TestServer::start().await;
    let reply = t.get("/oauth2/no-such-endpoint").await;
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(reply.header("x-frame-options"), Some("DENY"));
    assert_eq!(reply.body, "404 page not found\n");
}

/// The security middleware runs before routing: outside the public paths, no token means 401.
#[tokio::test]
async fn unknown_protected_paths_without_a_token_are_unauthorized() {
    let t = TestServer::start().await;
    let reply = t.get("/no/such/path").await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
    assert_eq!(reply.json()["code"], "AUTH-4010");
}

#[tokio::test]
async fn servers_run_side_by_side_and_stop_when_dropped() {
    let a = TestServer::start().await;
    let b = TestServer::start().await;
    assert_ne!(a.server.base_url(), b.server.base_url());
    a.server.clock().advance(std::time::Duration::from_secs(60));
    assert_eq!(
        a.get("/__mock/clock").await.json(),
        json!({"now": crate::support::EPOCH + 60})
    );
    assert_eq!(
        b.get("/__mock/clock").await.json(),
        json!({"now": crate::support::EPOCH})
    );
    let url = a.url("/health/liveness");
    a.server.shutdown().await;
    assert!(
        b.client.get(url).send().await.is_err(),
        "a stopped server refuses connections"
    );
}

/// Servers on the shared runtime and on the caller's runtime are as independent as servers on their
/// own threads: each its own clock and keys, and each stops on its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_on_a_shared_or_the_callers_runtime_are_independent_and_stop() {
    let shared = TestServer::with(thunderid_mock::MockServer::builder().shared_runtime()).await;
    let callers = TestServer::with(
        thunderid_mock::MockServer::builder().runtime(tokio::runtime::Handle::current()),
    )
    .await;
    assert_ne!(shared.server.base_url(), callers.server.base_url());
    shared
        .server
        .clock()
        .advance(std::time::Duration::from_secs(60));
    assert_eq!(
        shared.get("/__mock/clock").await.json(),
        json!({"now": crate::support::EPOCH + 60})
    );
    assert_eq!(
        callers.get("/__mock/clock").await.json(),
        json!({"now": crate::support::EPOCH})
    );
    // A token of one server does not verify on the other: the keys are the same fixture, but the
    // issuers differ.
    let token = shared.server.mint_access_token("u", "c", &["openid"]);
    assert!(shared.server.verify(&token).is_ok());
    assert!(callers.server.verify(&token).is_err());
    for server in [shared, callers] {
        let url = server.url("/health/liveness");
        assert_eq!(server.get("/health/liveness").await.status, 200);
        let client = server.client.clone();
        server.server.shutdown().await;
        assert!(
            client.get(url).send().await.is_err(),
            "a stopped server refuses connections"
        );
    }
}
