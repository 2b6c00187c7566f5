//! FederatedAuthResolverExecutor over candidate users a federated sign-in left in runtime data.

use serde_json::{Value, json};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::StepType;

use super::Harness;
use crate::flow::engine::{EngineError, OutcomeStatus};
use crate::store::execution::Execution;

const THOR: &str = "01900000-0000-7000-8000-000000000101";

fn resolver_flow() -> Value {
    json!({
        "id": "test-federated-resolver", "handle": "test-federated-resolver", "name": "t",
        "flowType": "AUTHENTICATION",
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "choose"},
            {"id": "choose", "type": "TASK_EXECUTION", "onSuccess": "assert", "onIncomplete": "pick",
             "executor": {"name": "FederatedAuthResolverExecutor", "inputs": [
                {"identifier": "username", "type": "TEXT_INPUT", "required": true}]}},
            {"id": "pick", "type": "PROMPT", "prompts": [{"inputs": [],
                "action": {"ref": "again", "nextNode": "choose"}}]},
            {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
            {"id": "end", "type": "END"}
        ]
    })
}

/// An execution a federated sign-in authenticated as someone, leaving two candidates.
fn after_federated_sign_in(h: &Harness) -> Execution {
    let mut execution = h.start("test-federated-resolver", false);
    let candidates = json!([
        {"id": THOR, "type": "person", "attributes": {"username": "thor", "team": "red"}},
        {"id": "01900000-0000-7000-8000-0000000009a9", "type": "person",
         "attributes": {"username": "thor-twin", "team": "blue"}}
    ]);
    execution
        .runtime
        .insert("candidateUsers".into(), candidates.to_string());
    execution.runtime.insert("sub".into(), "google-123".into());
    execution.user = Some("01900000-0000-7000-8000-0000000009a9".into());
    execution
}

#[test]
fn the_chosen_candidate_becomes_the_signed_in_user() {
    let mut h = Harness::new(&[resolver_flow()]);
    let mut execution = after_federated_sign_in(&h);
    let outcome = h
        .run(&mut execution, None, &[("username", "thor")])
        .expect("a run");
    assert_eq!(outcome.status, OutcomeStatus::Complete);
    let sub = outcome.assertion.as_ref().and_then(|a| a.get("sub"));
    assert_eq!(sub, Some(&json!(THOR)));
}

#[test]
fn no_match_asks_again_with_fet_1001_and_no_sub_fails_with_fet_1004() {
    let mut h = Harness::new(&[resolver_flow()]);
    let mut execution = after_federated_sign_in(&h);
    let outcome = h
        .run(&mut execution, None, &[("username", "nobody")])
        .expect("a run");
    assert_eq!(outcome.status, OutcomeStatus::Incomplete(StepType::View));
    assert_eq!(
        outcome.error.map(|e| e.code),
        Some(ApiErrorCode::ExecutorUserNotFound)
    );

    let mut execution = after_federated_sign_in(&h);
    execution.runtime.remove("sub");
    let outcome = h
        .run(&mut execution, None, &[("username", "thor")])
        .expect("a run");
    assert_eq!(outcome.status, OutcomeStatus::Error);
    assert_eq!(
        outcome.error.map(|e| e.code),
        Some(ApiErrorCode::ExecutorUserNotAuthenticated)
    );
}

#[test]
fn without_candidates_the_node_is_a_server_error() {
    let mut h = Harness::new(&[resolver_flow()]);
    let mut execution = after_federated_sign_in(&h);
    execution.runtime.remove("candidateUsers");
    let result = h.run(&mut execution, None, &[("username", "thor")]);
    assert!(
        matches!(result, Err(EngineError::Internal(_))),
        "{result:?}"
    );
}
