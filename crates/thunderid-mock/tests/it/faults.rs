//! Fault rules over `/__mock/faults` and the `MockServer` handle: matching, counting, every
//! action, the journal's record, malformed rules, and reset.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use thunderid_mock::{FaultAction, FaultRule, RequestFilter};

use crate::callback::{M2M, M2M_SECRET, THOR, basic};
use crate::support::{Reply, TestServer, assert_json_eq};

const DISCOVERY: &str = "/.well-known/openid-configuration";

async fn arm(t: &TestServer, rule: Value) -> String {
    let reply = t.post_json("/__mock/faults", &rule).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()["id"].as_str().unwrap().to_owned()
}

async fn client_credentials(t: &TestServer, client: &str, secret: &str) -> Reply {
    t.send(
        t.client
            .post(t.url("/oauth2/token"))
            .header("authorization", basic(client, secret))
            .form(&[("grant_type", "client_credentials")]),
    )
    .await
}

#[tokio::test]
async fn rules_are_armed_listed_removed_and_cleared_by_reset() {
    let t = TestServer::start().await;
    let rule = json!({"method": "GET", "path": "/oauth2/*", "times": 2,
        "action": {"type": "status", "status": 503, "retryAfter": 3}});
    let reply = t.post_json("/__mock/faults", &rule).await;
    assert_eq!(reply.status, 201);
    let id = reply.json()["id"].as_str().unwrap().to_owned();
    let mut listed = rule.clone();
    listed["id"] = json!(id);
    listed["nth"] = json!(1);
    listed["seen"] = json!(0);
    listed["applied"] = json!(0);
    assert_json_eq(&reply.json(), &listed);
    assert_json_eq(&t.get("/__mock/faults").await.json(), &json!([listed]));

    let second = arm(&t, json!({"action": {"type": "drop"}, "path": "/nowhere"})).await;
    let delete = |id: &str| t.client.delete(t.url(&format!("/__mock/faults/{id}")));
    assert_eq!(t.send(delete(&second)).await.status, 204);
    assert_eq!(t.send(delete(&second)).await.status, 404);
    assert_eq!(
        t.get("/__mock/faults")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    assert_eq!(
        t.send(t.client.post(t.url("/__mock/reset"))).await.status,
        204
    );
    assert_json_eq(&t.get("/__mock/faults").await.json(), &json!([]));
    assert_eq!(t.get(DISCOVERY).await.status, 200);

    arm(&t, json!({"action": {"type": "drop"}, "path": "/nowhere"})).await;
    let cleared = t.send(t.client.delete(t.url("/__mock/faults"))).await;
    assert_eq!(cleared.status, 204);
    assert!(t.server.faults().is_empty());
}

#[tokio::test]
async fn a_malformed_rule_is_refused_naming_the_field_and_arms_nothing() {
    let t = TestServer::start().await;
    let cases = [
        (
            json!({"action": {"type": "status", "status": 99}}),
            "action.status: must be between 400 and 599 (or give a body)\n",
        ),
        (
            json!({"action": {"type": "delay"}}),
            "action.ms: is required\n",
        ),
        (
            json!({"action": {"type": "drop"}, "nth": "2"}),
            "nth: must be a non-negative whole number\n",
        ),
        (
            json!({"action": {"type": "drop"}, "paths": "/x"}),
            "paths: unknown field\n",
        ),
    ];
    for (rule, message) in cases {
        let reply = t.post_json("/__mock/faults", &rule).await;
        assert_eq!((reply.status.as_u16(), reply.body.as_str()), (400, message));
        assert_eq!(
            reply.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
    }
    let reply = t
        .send(t.client.post(t.url("/__mock/faults")).body("{not json"))
        .await;
    assert_eq!(
        (reply.status.as_u16(), reply.body.as_str()),
        (400, "rule: invalid JSON body\n")
    );
    assert_json_eq(&t.get("/__mock/faults").await.json(), &json!([]));

    let error = t
        .server
        .add_fault(FaultRule::new(FaultAction::status(503)).times(0))
        .unwrap_err();
    assert_eq!(
        (error.field.as_str(), error.reason.as_str()),
        ("times", "must be at least 1")
    );
}

#[tokio::test]
async fn a_status_fault_answers_the_endpoints_own_envelope_and_the_journal_says_which_rule() {
    let t = TestServer::start().await;
    let id = arm(
        &t,
        json!({"path": "/oauth2/token",
        "action": {"type": "status", "status": 503, "retryAfter": 5}}),
    )
    .await;
    let reply = client_credentials(&t, M2M, M2M_SECRET).await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.header("retry-after"), Some("5"));
    assert_json_eq(
        &reply.json(),
        &json!({"error": "server_error", "error_description": "Something went wrong"}),
    );

    arm(
        &t,
        json!({"path": "/users/**", "action": {"type": "status", "status": 500}}),
    )
    .await;
    let reply = t.get("/users/me").await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.json()["code"], "SSE-5000");
    assert_eq!(reply.header("retry-after"), None);

    arm(&t, json!({"path": "/flow/meta", "action": {"type": "status", "status": 418, "body": {"teapot": true}}})).await;
    let reply = t.get("/flow/meta").await;
    assert_eq!(reply.status, 418);
    assert_json_eq(&reply.json(), &json!({"teapot": true}));

    let journal = t.server.requests(&RequestFilter::path("/oauth2/token"));
    let fault = journal[0]
        .fault
        .as_ref()
        .expect("the journal names the fault");
    assert_eq!(
        (fault.rule.as_str(), fault.action.as_str()),
        (id.as_str(), "status")
    );
    assert_eq!(journal[0].status, 503);
    let listed = t.get("/__mock/requests?path=/oauth2/token").await.json();
    assert_json_eq(
        &listed[0]["fault"],
        &json!({"rule": id, "action": "status"}),
    );
    // An unfaulted request has no `fault` member at all.
    assert_eq!(t.get("/health/liveness").await.status, 200);
    let entry = &t.get("/__mock/requests?path=/health/liveness").await.json()[0];
    assert_eq!(entry["status"], 200);
    assert!(entry.get("fault").is_none(), "{entry}");
}

#[tokio::test]
async fn fail_n_times_then_succeed_and_the_nth_call_of_one_client() {
    let t = TestServer::start().await;
    t.server
        .add_fault(
            FaultRule::new(FaultAction::retry_after(429, 1))
                .method("post")
                .path("/oauth2/token")
                .times(2),
        )
        .unwrap();
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(
            client_credentials(&t, M2M, M2M_SECRET)
                .await
                .status
                .as_u16(),
        );
    }
    assert_eq!(seen, [429, 429, 200]);
    let view = &t.server.faults()[0];
    assert_eq!((view.seen, view.applied), (3, 2));

    t.server.clear_faults();
    let id = t
        .server
        .add_fault(
            FaultRule::new(FaultAction::status(500))
                .client(M2M)
                .nth_call(2)
                .once(),
        )
        .unwrap();
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(
            client_credentials(&t, M2M, M2M_SECRET)
                .await
                .status
                .as_u16(),
        );
        // Another client's calls neither match nor count.
        seen.push(client_credentials(&t, "other", "x").await.status.as_u16());
    }
    assert_eq!(seen, [200, 401, 500, 401, 200, 401]);
    assert!(t.server.remove_fault(&id));
}

#[tokio::test]
async fn a_rule_can_match_the_bearer_tokens_user() {
    let t = TestServer::start().await;
    t.server
        .add_fault(FaultRule::new(FaultAction::status(503)).user(THOR))
        .unwrap();
    let thor = t.server.mint_access_token(THOR, M2M, &["openid"]);
    let other = t.server.mint_access_token("someone-else", M2M, &["openid"]);
    let userinfo = |token: &str| {
        t.client
            .get(t.url("/oauth2/userinfo"))
            .bearer_auth(token.to_owned())
    };
    assert_eq!(t.send(userinfo(&thor)).await.status, 503);
    assert_ne!(t.send(userinfo(&other)).await.status, 503);
    let flow = json!({"executionId": "x", "inputs": {"username": THOR}});
    assert_eq!(t.post_json("/flow/execute", &flow).await.status, 503);
}

#[tokio::test]
async fn a_delay_holds_the_answer_back_then_handles_the_request() {
    let t = TestServer::start().await;
    arm(
        &t,
        json!({"path": DISCOVERY, "action": {"type": "delay", "ms": 300}}),
    )
    .await;
    let started = Instant::now();
    let reply = t.get(DISCOVERY).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["issuer"], t.server.issuer());
}

#[tokio::test]
async fn drop_and_reset_end_the_connection_without_an_answer() {
    let t = TestServer::start().await;
    for action in ["drop", "reset"] {
        arm(
            &t,
            json!({"path": DISCOVERY, "times": 1, "action": {"type": action}}),
        )
        .await;
        let error = t
            .client
            .get(t.url(DISCOVERY))
            .send()
            .await
            .expect_err("no answer");
        assert!(
            !error.is_status() && !error.is_timeout(),
            "{action}: {error:?}"
        );
        // The server itself is fine: the next request is answered.
        assert_eq!(t.get(DISCOVERY).await.status, 200);
    }
    let journal = t.server.requests(&RequestFilter::path(DISCOVERY));
    let recorded: Vec<(u16, Option<&str>)> = journal
        .iter()
        .map(|e| (e.status, e.fault.as_ref().map(|f| f.action.as_str())))
        .collect();
    assert_eq!(
        recorded,
        [
            (0, Some("drop")),
            (200, None),
            (0, Some("reset")),
            (200, None)
        ]
    );
}

#[tokio::test]
async fn truncate_and_corrupt_spoil_the_body_of_a_real_answer() {
    let t = TestServer::start().await;
    let whole = t.get(DISCOVERY).await.body;
    arm(
        &t,
        json!({"path": DISCOVERY, "times": 1, "action": {"type": "truncate", "bytes": 10}}),
    )
    .await;
    let reply = t.get(DISCOVERY).await;
    assert_eq!(
        (reply.status.as_u16(), reply.body.as_str()),
        (200, &whole[..10])
    );
    arm(
        &t,
        json!({"path": DISCOVERY, "times": 1, "action": {"type": "truncate"}}),
    )
    .await;
    assert_eq!(t.get(DISCOVERY).await.body, whole[..whole.len() / 2]);

    arm(
        &t,
        json!({"path": DISCOVERY, "times": 1, "action": {"type": "corrupt"}}),
    )
    .await;
    let bytes = t
        .client
        .get(t.url(DISCOVERY))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.len(), whole.len());
    assert!(serde_json::from_slice::<Value>(&bytes).is_err());
}

#[tokio::test]
async fn the_control_plane_is_never_faulted_and_rules_stay_with_their_server() {
    let t = TestServer::start().await;
    let other = TestServer::start().await;
    arm(&t, json!({"action": {"type": "status", "status": 500}})).await;
    assert_eq!(t.get("/__mock/clock").await.status, 200);
    assert_eq!(t.get("/__mock/faults").await.status, 200);
    assert_eq!(t.get(DISCOVERY).await.status, 500);
    assert_eq!(other.get(DISCOVERY).await.status, 200);
}

#[tokio::test]
async fn discovery_can_name_another_issuer_and_lose_endpoints() {
    let t = TestServer::start().await;
    let whole = t.get(DISCOVERY).await.json();
    arm(
        &t,
        json!({"path": DISCOVERY, "times": 1, "action": {"type": "discovery",
        "issuer": "https://elsewhere.example", "remove": ["token_endpoint", "jwks_uri"]}}),
    )
    .await;
    let reply = t.get(DISCOVERY).await;
    assert_eq!(reply.status, 200);
    let mut expected = whole.clone();
    let members = expected.as_object_mut().unwrap();
    members.remove("token_endpoint");
    members.remove("jwks_uri");
    members.insert("issuer".to_owned(), json!("https://elsewhere.example"));
    assert_json_eq(&reply.json(), &expected);
    assert_json_eq(&t.get(DISCOVERY).await.json(), &whole);
    // A jwks_uri that fails is a status rule on the JWKS path.
    arm(
        &t,
        json!({"path": "/oauth2/jwks", "action": {"type": "status", "status": 503}}),
    )
    .await;
    assert_eq!(t.get("/oauth2/jwks").await.status, 503);
}

#[tokio::test]
async fn a_flow_step_rule_applies_only_where_the_execution_is_and_leaves_it_untouched() {
    use crate::flow_support::{execute, start_native};
    let t = TestServer::start().await;
    let rule = json!({"flowNode": "prompt_credentials", "flowAction": "action_001", "times": 1,
        "action": {"type": "status", "status": 503, "retryAfter": 2}});
    let id = arm(&t, rule.clone()).await;
    // The start has no execution yet: no step to match.
    let first = start_native(&t, "AUTHENTICATION", json!({})).await;
    let submit = |action: &str| {
        json!({"executionId": first["executionId"], "challengeToken": first["challengeToken"],
            "action": action, "inputs": {"username": "thor", "password": "Thor@12345"}})
    };
    // Another action at the node does not match either.
    let other = execute(&t, &submit("action_forgot_password"), None).await;
    assert_ne!(other.status, 503, "{}", other.body);
    let first = start_native(&t, "AUTHENTICATION", json!({})).await;
    let submit = json!({"executionId": first["executionId"], "challengeToken": first["challengeToken"],
        "action": "action_001", "inputs": {"username": "thor", "password": "Thor@12345"}});
    let faulted = execute(&t, &submit, None).await;
    assert_eq!(faulted.status, 503);
    assert_eq!(faulted.header("retry-after"), Some("2"));
    // The fault answered before the flow ran: the same step, sent again, completes.
    let done = execute(&t, &submit, None).await;
    assert_eq!(done.json()["flowStatus"], "COMPLETE", "{}", done.body);
    let mut listed = rule;
    listed["id"] = json!(id);
    listed["nth"] = json!(1);
    listed["seen"] = json!(2);
    listed["applied"] = json!(1);
    assert_json_eq(&t.get("/__mock/faults").await.json(), &json!([listed]));
    let typed = FaultRule::new(FaultAction::Drop)
        .flow_node("prompt_credentials")
        .flow_action("action_001");
    assert_eq!(
        t.server.faults()[0].rule.flow_node.as_deref(),
        Some("prompt_credentials")
    );
    assert!(t.server.add_fault(typed).is_ok());
    for (body, message) in [
        (
            json!({"flowNode": "", "action": {"type": "drop"}}),
            "flowNode: must not be empty\n",
        ),
        (
            json!({"flowAction": "", "action": {"type": "drop"}}),
            "flowAction: must not be empty\n",
        ),
    ] {
        let reply = t.post_json("/__mock/faults", &body).await;
        assert_eq!((reply.status.as_u16(), reply.body.as_str()), (400, message));
    }
}
