//! CredentialSetter's context checks: whose password it sets, from which input.

use serde_json::{Value, json};
use thunderid_protocol::flow::StepType;

use super::{Harness, error_code};
use crate::flow::engine::OutcomeStatus;

/// A RECOVERY graph whose only task is a CredentialSetter with `inputs`.
fn credential_setter_flow(inputs: Value) -> Value {
    json!({
        "id": "test-setter", "handle": "test-setter", "name": "t", "flowType": "RECOVERY",
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "set"},
            {"id": "set", "type": "TASK_EXECUTION",
             "executor": {"name": "CredentialSetter", "inputs": inputs}, "onSuccess": "end"},
            {"id": "end", "type": "END"}
        ]
    })
}

const THOR: &str = "01900000-0000-7000-8000-000000000101";

#[test]
fn a_posted_user_id_meets_the_setters_prerequisite_but_names_nobody() {
    let mut h = Harness::new(&[credential_setter_flow(json!([]))]);
    // Without any userID: the prerequisite fails.
    let mut execution = h.start("test-setter", false);
    let outcome = h
        .run(&mut execution, None, &[("password", "n3w-Secret")])
        .expect("a run");
    assert_eq!(error_code(&outcome).as_deref(), Some("FLC-1001"));
    // A userID input passes the prerequisite, but only runtime data or the authenticated user
    // name the user whose password is set.
    let mut execution = h.start("test-setter", false);
    let outcome = h
        .run(
            &mut execution,
            None,
            &[("password", "n3w-Secret"), ("userID", THOR)],
        )
        .expect("a run");
    assert_eq!(outcome.status, OutcomeStatus::Error);
    assert_eq!(error_code(&outcome).as_deref(), Some("FET-1044"));
    let unchanged = h.directory.read(|d| {
        d.users
            .get(THOR)
            .and_then(|u| u.password())
            .is_some_and(|p| p.verify("n3w-Secret"))
    });
    assert!(!unchanged, "no password was set");
    // An empty runtime userID is present too, and names nobody.
    let mut execution = h.start("test-setter", false);
    execution.runtime.insert("userID".into(), String::new());
    let outcome = h
        .run(&mut execution, None, &[("password", "n3w-Secret")])
        .expect("a run");
    assert_eq!(error_code(&outcome).as_deref(), Some("FET-1044"));
}

#[test]
fn a_credential_input_without_an_identifier_is_fet_1046() {
    let inputs = json!([{"identifier": "", "type": "PASSWORD_INPUT", "required": true}]);
    let mut h = Harness::new(&[credential_setter_flow(inputs)]);
    let mut execution = h.start("test-setter", false);
    execution.runtime.insert("userID".into(), THOR.into());
    let outcome = h.run(&mut execution, None, &[]).expect("a run");
    assert_eq!(outcome.status, OutcomeStatus::Incomplete(StepType::View));
    let outcome = h
        .run(&mut execution, None, &[("", "n3w-Secret")])
        .expect("a run");
    assert_eq!(outcome.status, OutcomeStatus::Error);
    assert_eq!(error_code(&outcome).as_deref(), Some("FET-1046"));
}
