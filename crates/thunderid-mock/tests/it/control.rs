use serde_json::json;

use crate::support::{EPOCH, TestServer, assert_json_eq};

#[tokio::test]
async fn the_clock_moves_only_forward_and_reset_puts_it_back() {
    let t = TestServer::start().await;
    assert_json_eq(&t.get("/__mock/clock").await.json(), &json!({"now": EPOCH}));
    let reply = t
        .post_json("/__mock/clock", &json!({"advanceSeconds": 3600}))
        .await;
    assert_eq!(reply.status, 200);
    assert_json_eq(&reply.json(), &json!({"now": EPOCH + 3600}));
    let reply = t
        .post_json("/__mock/clock", &json!({"advanceSeconds": -5}))
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.body, "invalid JSON body\n");
    assert_eq!(
        t.send(t.client.post(t.url("/__mock/reset"))).await.status,
        204
    );
    assert_json_eq(&t.get("/__mock/clock").await.json(), &json!({"now": EPOCH}));
}

#[tokio::test]
async fn the_journal_records_what_clients_sent_but_not_control_calls() {
    let t = TestServer::start().await;
    t.send(
        t.client
            .get(t.url("/health/liveness?probe=1"))
            .header("x-test", "yes"),
    )
    .await;
    t.get("/__mock/clock").await;
    let entries = t.get("/__mock/requests").await.json();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let entry = &entries[0];
    assert_eq!(entry["method"], "GET");
    assert_eq!(entry["path"], "/health/liveness");
    assert_eq!(entry["query"], "probe=1");
    assert_eq!(entry["status"], 200);
    assert_eq!(entry["at"], EPOCH);
    assert!(
        entry["headers"]
            .as_array()
            .unwrap()
            .contains(&json!(["x-test", "yes"]))
    );
    let filtered = t.get("/__mock/requests?path=/oauth2/token").await.json();
    assert_json_eq(&filtered, &json!([]));
}

#[tokio::test]
async fn the_control_api_can_be_turned_off() {
    let t = TestServer::with(thunderid_mock::MockServer::builder().no_control()).await;
    assert_eq!(
        t.send(t.client.post(t.url("/__mock/reset"))).await.status,
        404
    );
}

#[tokio::test]
async fn the_outbox_starts_empty() {
    let t = TestServer::start().await;
    assert_json_eq(&t.get("/__mock/outbox").await.json(), &json!([]));
}

#[tokio::test]
async fn stats_count_live_state_and_expired_executions_are_swept() {
    let t = TestServer::start().await;
    assert_json_eq(
        &t.get("/__mock/stats").await.json(),
        &json!({"users": 4, "flowExecutions": 0, "oauthEntries": 0, "outboxMessages": 0, "ssoSessions": 0}),
    );
    let start = |t: &TestServer| {
        t.client
            .post(t.url("/flow/execute"))
            .header("Flow-Secret", "sample-native-flow-secret")
            .json(&json!({"applicationId": "01900000-0000-7000-8000-0000000000a3", "flowType": "AUTHENTICATION"}))
    };
    for _ in 0..3 {
        assert_eq!(t.send(start(&t)).await.status, 200);
    }
    assert_eq!(t.get("/__mock/stats").await.json()["flowExecutions"], 3);
    // Past the 3600 s lifetime, the next write sweeps the expired executions away.
    t.post_json("/__mock/clock", &json!({"advanceSeconds": 3601}))
        .await;
    assert_eq!(t.send(start(&t)).await.status, 200);
    assert_eq!(t.get("/__mock/stats").await.json()["flowExecutions"], 1);
}
