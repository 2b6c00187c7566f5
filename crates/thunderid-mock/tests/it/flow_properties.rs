//! Properties of `POST /flow/execute` under arbitrary input: no 5xx, and a request never changes
//! an execution it does not address.

use proptest::prelude::*;
use serde_json::{Value, json};
use thunderid_protocol::flow::execute::strategies::flow_execute_request;
use thunderid_protocol::flow::strategies::json_value;
use thunderid_protocol::ids::{ApplicationId, ExecutionId};

use crate::flow_support::*;
use crate::support::TestServer;

const KEYS: &[&str] = &[
    "applicationId",
    "flowType",
    "flowId",
    "executionId",
    "challengeToken",
    "action",
    "inputs",
    "verbose",
    "username",
    "password",
    "AUTHENTICATION",
    "REGISTRATION",
    "RECOVERY",
    "SIGNOUT",
    "action_001",
];

/// A body: a well-typed request aimed at execution `a`, at a new flow or at nothing, or any JSON.
fn body(a: String, a_token: String) -> impl Strategy<Value = Vec<u8>> {
    let apps = prop::sample::select(vec![NATIVE, SPA, WEB, M2M, MFA, SOCIAL, "nope"]);
    let typed = (flow_execute_request(), apps, 0..4u8, any::<bool>()).prop_map(
        move |(mut request, app, target, token)| {
            request.application_id = Some(ApplicationId::new(app));
            request.execution_id = match target {
                0 => Some(ExecutionId::new(a.clone())),
                1 => None,
                _ => request.execution_id,
            };
            if token {
                request.challenge_token = Some(thunderid_protocol::secret::ChallengeToken::new(
                    a_token.clone(),
                ));
            }
            serde_json::to_vec(&request).unwrap_or_default()
        },
    );
    let any_json = json_value(KEYS).prop_map(|v| serde_json::to_vec(&v).unwrap_or_default());
    let bytes = prop::collection::vec(any::<u8>(), 0..64);
    prop_oneof![6 => typed, 3 => any_json, 1 => bytes]
}

#[test]
fn random_bodies_never_fail_the_server_nor_touch_another_execution() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let t = runtime.block_on(TestServer::start());
    let (a, b) = runtime.block_on(async {
        let a = start_native(&t, "AUTHENTICATION", json!({})).await;
        let b = start_native(&t, "REGISTRATION", json!({"verbose": true})).await;
        (a, b)
    });
    let id = |v: &Value| v["executionId"].as_str().unwrap_or_default().to_owned();
    let (a_id, b_id) = (id(&a), id(&b));
    let snapshot = |id: &str| t.server.execution(id);
    let b_before = snapshot(&b_id).expect("B is stored");
    let a_token = a["challengeToken"].as_str().unwrap_or_default().to_owned();
    let config = ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(bytes in body(a_id.clone(), a_token.clone()))| {
        let reply = runtime.block_on(t.send(t.client.post(t.url("/flow/execute")).body(bytes.clone())));
        prop_assert!(reply.status.as_u16() < 500, "{} for {}", reply.status, String::from_utf8_lossy(&bytes));
        let b_after = snapshot(&b_id);
        prop_assert_eq!(b_after.as_ref(), Some(&b_before));
        // The body is always JSON in one of the two shapes.
        let body: Value = serde_json::from_str(&reply.body).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(body.get("code").is_some() || body.get("flowStatus").is_some(), "{}", reply.body);
    });
    // B still continues with its own token.
    let next = runtime.block_on(step(
        &t,
        &b,
        Some("action_credentials"),
        json!({"username": "jane", "password": "Jane@12345"}),
    ));
    assert_eq!(next["flowStatus"], "INCOMPLETE", "{next}");
}
