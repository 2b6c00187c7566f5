//! CaptchaInterceptor over the fake provider: where it runs, what it reads, what it answers.

use serde_json::{Value, json};
use thunderid_protocol::flow::StepType;

use super::{Harness, error_code};
use crate::flow::engine::{EngineError, OutcomeStatus};
use crate::store::captcha::Verdict;

/// Username and password on a prompt, then CredentialsAuthExecutor guarded by `interceptor`.
fn guarded_flow(interceptor: Value) -> Value {
    json!({
        "id": "test-captcha", "handle": "test-captcha", "name": "t", "flowType": "AUTHENTICATION",
        "interceptors": [interceptor],
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "ask"},
            {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
                {"identifier": "username", "type": "TEXT_INPUT", "required": true},
                {"identifier": "password", "type": "PASSWORD_INPUT", "required": true}],
                "action": {"ref": "submit", "nextNode": "auth"}}]},
            {"id": "auth", "type": "TASK_EXECUTION", "executor": {"name": "CredentialsAuthExecutor"},
             "onSuccess": "assert"},
            {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"},
             "onSuccess": "end"},
            {"id": "end", "type": "END"}
        ]
    })
}

fn on_auth() -> Value {
    json!({"name": "CaptchaInterceptor", "mode": "PRE_NODE", "scope": "SELECTED", "applyTo": ["auth"]})
}

impl Harness {
    fn captcha_token(&self, name: &str, verdict: Verdict) -> String {
        self.captcha
            .write(|tokens| tokens.issue(name.to_owned(), verdict, super::NOW));
        name.to_owned()
    }
}

const CREDENTIALS: [(&str, &str); 2] = [("username", "thor"), ("password", "Thor@12345")];

#[test]
fn a_guarded_node_needs_a_passing_token_and_a_refusal_keeps_the_execution_there() {
    let mut h = Harness::new(&[guarded_flow(on_auth())]);
    let mut execution = h.start("test-captcha", false);
    // The prompt is not guarded: the first step asks for the credentials.
    let outcome = h.run(&mut execution, None, &[]).expect("a run");
    assert_eq!(outcome.status, OutcomeStatus::Incomplete(StepType::View));
    // No token: ICS-1003 before the executor runs; the execution waits at the guarded node.
    let outcome = h
        .run(&mut execution, Some("submit"), &CREDENTIALS)
        .expect("a run");
    assert_eq!(outcome.status, OutcomeStatus::Error);
    assert_eq!(error_code(&outcome).as_deref(), Some("ICS-1003"));
    assert_eq!(execution.node.as_deref(), Some("auth"));
    assert!(execution.user.is_none());
    // A negative verdict is the same answer, and the token is gone from the inputs either way.
    let failing = h.captcha_token("failing", Verdict::Fail);
    let outcome = h
        .run(&mut execution, None, &[("captcha_token", &failing)])
        .expect("a run");
    assert_eq!(error_code(&outcome).as_deref(), Some("ICS-1003"));
    assert!(!execution.inputs.contains_key("captcha_token"));
    // A passing token lets the stored credentials through.
    let passing = h.captcha_token("passing", Verdict::Pass);
    let outcome = h
        .run(&mut execution, None, &[("captcha_token", &passing)])
        .expect("a run");
    assert_eq!(outcome.status, OutcomeStatus::Complete);
    assert!(outcome.assertion.is_some());
    assert!(!execution.inputs.contains_key("captcha_token"));
}

#[test]
fn a_token_verifies_once() {
    let mut h = Harness::new(&[guarded_flow(on_auth())]);
    let token = h.captcha_token("once", Verdict::Pass);
    let mut first = h.start("test-captcha", false);
    h.run(&mut first, None, &[]).expect("a run");
    let outcome = h
        .run(
            &mut first,
            Some("submit"),
            &[CREDENTIALS[0], CREDENTIALS[1], ("captcha_token", &token)],
        )
        .expect("a run");
    assert_eq!(outcome.status, OutcomeStatus::Complete);
    let mut second = h.start("test-captcha", false);
    h.run(&mut second, None, &[]).expect("a run");
    let outcome = h
        .run(
            &mut second,
            Some("submit"),
            &[CREDENTIALS[0], CREDENTIALS[1], ("captcha_token", &token)],
        )
        .expect("a run");
    assert_eq!(error_code(&outcome).as_deref(), Some("ICS-1003"));
}

#[test]
fn scope_all_guards_every_node_but_those_that_skip_it() {
    let mut flow = guarded_flow(json!({"name": "CaptchaInterceptor", "mode": "PRE_NODE"}));
    // Without a token the very first node (START) is refused.
    let mut h = Harness::new(&[flow.clone()]);
    let mut execution = h.start("test-captcha", false);
    let outcome = h.run(&mut execution, None, &[]).expect("a run");
    assert_eq!(error_code(&outcome).as_deref(), Some("ICS-1003"));
    // START and the prompt opt out; the token guards the executor, and is used up there, so the
    // next node (the assertion) finds none.
    for node in flow["nodes"].as_array_mut().expect("nodes") {
        if matches!(node["id"].as_str(), Some("start" | "ask")) {
            node["properties"] = json!({"skipInterceptors": ["CaptchaInterceptor"]});
        }
    }
    let mut h = Harness::new(&[flow]);
    let mut execution = h.start("test-captcha", false);
    let outcome = h.run(&mut execution, None, &[]).expect("a run");
    assert_eq!(outcome.status, OutcomeStatus::Incomplete(StepType::View));
    let token = h.captcha_token("all", Verdict::Pass);
    let outcome = h
        .run(
            &mut execution,
            Some("submit"),
            &[CREDENTIALS[0], CREDENTIALS[1], ("captcha_token", &token)],
        )
        .expect("a run");
    assert_eq!(error_code(&outcome).as_deref(), Some("ICS-1003"));
    assert_eq!(execution.node.as_deref(), Some("assert"));
    assert!(execution.user.is_some(), "the guarded executor ran");
}

#[test]
fn outside_pre_node_the_interceptor_fails_without_an_error() {
    for mode in ["PRE_REQUEST", "POST_NODE", "POST_REQUEST"] {
        let interceptor = json!({"name": "CaptchaInterceptor", "mode": mode, "scope": "SELECTED", "applyTo": ["start"]});
        let mut h = Harness::new(&[guarded_flow(interceptor)]);
        let mut execution = h.start("test-captcha", false);
        let outcome = h.run(&mut execution, None, &[]).expect("a run");
        assert!(outcome.error.is_none(), "{mode}");
        if mode == "POST_REQUEST" {
            // The step was built; the service reports it as ERROR.
            assert!(outcome.post_request_failed);
            assert_eq!(outcome.status, OutcomeStatus::Incomplete(StepType::View));
        } else {
            assert_eq!(outcome.status, OutcomeStatus::Error, "{mode}");
            assert!(!outcome.post_request_failed, "{mode}");
        }
    }
}

#[test]
fn a_failing_provider_is_an_engine_fault() {
    let mut h = Harness::new(&[guarded_flow(on_auth())]);
    let token = h.captcha_token("down", Verdict::Unavailable);
    let mut execution = h.start("test-captcha", false);
    h.run(&mut execution, None, &[]).expect("a run");
    let result = h.run(
        &mut execution,
        Some("submit"),
        &[CREDENTIALS[0], CREDENTIALS[1], ("captcha_token", &token)],
    );
    assert!(matches!(result, Err(EngineError::Internal(_))));
}
