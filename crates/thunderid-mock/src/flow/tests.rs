//! Data-first unit tests of the engine: a graph and requests in, outcomes out. The HTTP behaviour
//! is covered by `tests/it/flow_*.rs`.

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};
use thunderid_protocol::flow::{FlowDefinition, FlowType, StepType};

use super::engine::{self, EngineError, Env, Outcome, OutcomeStatus};
use crate::fixtures::{FixtureError, Fixtures};
use crate::store::consents::Consents;
use crate::store::directory::Directory;
use crate::store::execution::Execution;
use crate::store::executions::Executions;
use crate::store::locked::Locked;
use crate::store::oauth::OAuthState;
use crate::store::outbox::Outbox;
use crate::store::registry::Registry;
use crate::store::sessions::Sessions;
use crate::tokens::{SigningKey, TokenSigner};

const NATIVE: &str = "01900000-0000-7000-8000-0000000000a3";
const NOW: u64 = 1_767_225_600;

/// The bundled fixtures plus test graphs, and the mutable state a run needs.
struct Harness {
    fixtures: Fixtures,
    registry: Registry,
    directory: Locked<Directory>,
    outbox: Locked<Outbox>,
    executions: Locked<Executions>,
    sessions: Locked<Sessions>,
    oauth: Locked<OAuthState>,
    consents: Locked<Consents>,
    openid4vp: crate::store::vc::Vc,
    signer: TokenSigner,
    rng: StdRng,
    captcha: Locked<crate::store::captcha::CaptchaTokens>,
}

impl Harness {
    fn new(extra: &[Value]) -> Self {
        Self::with_fixtures(extra, |_| {})
    }

    /// The bundled fixtures changed by `tweak`, plus the test graphs.
    fn with_fixtures(extra: &[Value], tweak: impl FnOnce(&mut Fixtures)) -> Self {
        let mut fixtures = Fixtures::bundled();
        tweak(&mut fixtures);
        for flow in extra {
            fixtures.flows.push(
                serde_json::from_value::<FlowDefinition>(flow.clone()).expect("a valid test graph"),
            );
        }
        let key = SigningKey::from_pem(&fixtures.signing_key_pem, &fixtures.signing_cert_pem)
            .expect("the bundled key");
        Self {
            signer: TokenSigner::new(key, "https://localhost:8090".into(), 30)
                .expect("the bundled key signs"),
            registry: Registry::from_fixtures(&fixtures, 0),
            directory: Locked::new(Directory::from_fixtures(
                &fixtures,
                NOW,
                crate::config::Limits::USER_BYTES,
            )),
            fixtures,
            outbox: Locked::default(),
            executions: Locked::default(),
            sessions: Locked::default(),
            oauth: Locked::default(),
            consents: Locked::default(),
            openid4vp: crate::store::vc::Vc::new(Vec::new()),
            rng: StdRng::seed_from_u64(7),
            captcha: Locked::default(),
        }
    }

    fn start(&self, flow_id: &str, verbose: bool) -> Execution {
        let flow = self.registry.flow(flow_id).expect("the flow exists");
        Execution::new(
            "exec-1".into(),
            NATIVE.into(),
            flow.flow_type.clone(),
            flow.id.clone(),
            verbose,
            NOW + 3600,
        )
    }

    /// Merge a request into the execution and run it.
    fn run(
        &mut self,
        execution: &mut Execution,
        action: Option<&str>,
        inputs: &[(&str, &str)],
    ) -> Result<Outcome, EngineError> {
        execution.inputs.extend(
            inputs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        if let Some(action) = action {
            execution.action = Some(action.to_owned());
        }
        let app = self.registry.application(NATIVE).cloned();
        let mut env = Env {
            registry: &self.registry,
            settings: &self.fixtures.server,
            version: crate::config::ServerVersion::Main,
            app: app.as_deref(),
            directory: &self.directory,
            declared: &Default::default(),
            outbox: &self.outbox,
            executions: &self.executions,
            sessions: &self.sessions,
            oauth: &self.oauth,
            consents: &self.consents,
            openid4vp: &self.openid4vp,
            signer: &self.signer,
            caller: None,
            sso_handle: None,
            now: NOW,
            rng: &mut self.rng,
            base_url: "https://localhost:8090",
            connections: Default::default(),
            issuer: "https://localhost:8090",
            outbound: &crate::flow::outbound::Offline,
            captcha: Some(&self.captcha),
            composite: true,
        };
        engine::run(&mut env, execution)
    }
}

/// A one-prompt AUTHENTICATION graph whose `username` input carries `rules`.
fn validated_flow(rules: Value) -> Value {
    json!({
        "id": "test-validation", "handle": "test-validation", "name": "t", "flowType": "AUTHENTICATION",
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "ask"},
            {"id": "ask", "type": "PROMPT", "prompts": [{
                "inputs": [{"ref": "in_user", "identifier": "username", "type": "TEXT_INPUT", "required": true, "validation": rules}],
                "action": {"ref": "go", "nextNode": "end"}
            }]},
            {"id": "end", "type": "END"}
        ]
    })
}

fn field_errors(outcome: &Outcome) -> Vec<(String, String)> {
    outcome
        .data
        .field_errors
        .iter()
        .map(|e| (e.identifier.clone(), e.message.clone()))
        .collect()
}

#[test]
fn lengths_count_code_points_and_default_messages_are_keys() {
    let rules = json!([{"type": "minLength", "value": 3}, {"type": "maxLength", "value": 4}, {"type": "regex", "value": "^[a-zé]+$"}]);
    let cases: &[(&str, &[&str])] = &[
        ("éé", &["validation.minLength.invalid"]),
        ("ééé", &[]),
        ("éééé", &[]),
        ("ééééé", &["validation.maxLength.invalid"]),
        ("ab1", &["validation.pattern.invalid"]),
    ];
    for (value, expected) in cases {
        let mut h = Harness::new(&[validated_flow(rules.clone())]);
        let mut execution = h.start("test-validation", false);
        let outcome = h
            .run(&mut execution, Some("go"), &[("username", value)])
            .expect("a run");
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|m| ("username".to_owned(), (*m).to_owned()))
            .collect();
        assert_eq!(field_errors(&outcome), expected, "{value}");
        let status = if expected.is_empty() {
            OutcomeStatus::Complete
        } else {
            OutcomeStatus::Incomplete(StepType::View)
        };
        assert_eq!(outcome.status, status, "{value}");
    }
}

#[test]
fn a_validation_failure_re_asks_the_actions_inputs_with_that_action_and_drops_the_value() {
    let rules = json!([{"type": "regex", "value": "^[a-z]+$", "message": "lowercase only"}]);
    let mut h = Harness::new(&[validated_flow(rules)]);
    let mut execution = h.start("test-validation", false);
    let outcome = h
        .run(&mut execution, Some("go"), &[("username", "THOR")])
        .expect("a run");
    let data = serde_json::to_value(&outcome.data).expect("serializable");
    assert_eq!(
        data,
        json!({
            "inputs": [{"ref": "in_user", "identifier": "username", "type": "TEXT_INPUT", "required": true,
                "validation": [{"type": "regex", "value": "^[a-z]+$", "message": "lowercase only"}]}],
            "actions": [{"ref": "go", "nextNode": "end"}],
            "fieldErrors": [{"identifier": "username", "message": "lowercase only"}]
        })
    );
    assert!(!execution.inputs.contains_key("username"));
    // Rules that cannot be evaluated pass, as on the server.
    let lenient = json!([{"type": "minLength", "value": "many"}, {"type": "regex", "value": 5}, {"type": "custom", "value": 1}]);
    let mut h = Harness::new(&[validated_flow(lenient)]);
    let mut execution = h.start("test-validation", false);
    assert_eq!(
        h.run(&mut execution, Some("go"), &[("username", "x")])
            .expect("a run")
            .status,
        OutcomeStatus::Complete
    );
}

#[test]
fn a_display_only_prompt_shows_its_message_and_moves_on() {
    let flow = json!({
        "id": "test-display", "handle": "test-display", "name": "t", "flowType": "RECOVERY",
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "notice"},
            {"id": "notice", "type": "PROMPT", "message": "Read this", "next": "last",
             "meta": {"components": [{"id": "t1", "type": "TEXT", "label": "Hello"}]}},
            {"id": "last", "type": "PROMPT", "message": "Done", "next": "end"},
            {"id": "end", "type": "END"}
        ]
    });
    let mut h = Harness::new(&[flow]);
    let mut execution = h.start("test-display", true);
    let first = h.run(&mut execution, None, &[]).expect("a run");
    assert_eq!(first.status, OutcomeStatus::Incomplete(StepType::View));
    assert_eq!(
        serde_json::to_value(&first.data).expect("json"),
        json!({
            "meta": {"components": [{"id": "t1", "type": "TEXT", "label": "Hello"}]},
            "additionalData": {"message": "Read this"}
        })
    );
    assert_eq!(execution.node.as_deref(), Some("last"));
    let second = h.run(&mut execution, None, &[]).expect("a run");
    assert_eq!(second.status, OutcomeStatus::Complete);
    assert_eq!(
        second
            .data
            .additional_data
            .get("message")
            .map(String::as_str),
        Some("Done")
    );
}

#[test]
fn a_condition_that_does_not_hold_skips_the_node() {
    let flow = json!({
        "id": "test-condition", "handle": "test-condition", "name": "t", "flowType": "AUTHENTICATION",
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "maybe"},
            {"id": "maybe", "type": "PROMPT", "condition": {"key": "{{ ctx(mode) }}", "value": "ask", "onSkip": "end"},
             "prompts": [{"inputs": [{"identifier": "x", "type": "TEXT_INPUT", "required": true}], "action": {"ref": "a", "nextNode": "end"}}]},
            {"id": "end", "type": "END"}
        ]
    });
    let mut h = Harness::new(&[flow]);
    let mut skipped = h.start("test-condition", false);
    assert_eq!(
        h.run(&mut skipped, None, &[]).expect("a run").status,
        OutcomeStatus::Complete
    );
    let mut asked = h.start("test-condition", false);
    let outcome = h.run(&mut asked, None, &[("mode", "ask")]).expect("a run");
    assert_eq!(outcome.status, OutcomeStatus::Incomplete(StepType::View));
}

#[test]
fn a_task_asking_for_nothing_without_on_incomplete_is_an_internal_fault() {
    let flow = json!({
        "id": "test-fault", "handle": "test-fault", "name": "t", "flowType": "SIGNOUT",
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "out"},
            {"id": "out", "type": "TASK_EXECUTION", "properties": {"promptOnSignOut": true},
             "executor": {"name": "SessionSignOutExecutor"}, "onSuccess": "end"},
            {"id": "end", "type": "END"}
        ]
    });
    let mut h = Harness::new(&[flow]);
    let mut execution = h.start("test-fault", false);
    execution
        .runtime
        .insert("logoutPromptRequired".into(), "true".into());
    assert!(matches!(
        h.run(&mut execution, None, &[]),
        Err(EngineError::Internal(_))
    ));
}

#[test]
fn the_bundled_signout_flow_signs_out_without_asking() {
    let mut h = Harness::new(&[]);
    let signout = h
        .registry
        .flow_by_handle("default-flow", &FlowType::SignOut)
        .expect("bundled")
        .id
        .clone();
    let mut execution = h.start(signout.as_str(), false);
    execution
        .runtime
        .insert("logoutPromptRequired".into(), "true".into());
    let outcome = h.run(&mut execution, None, &[]).expect("a run");
    assert_eq!(
        (outcome.status, outcome.sso_cleared),
        (OutcomeStatus::Complete, true)
    );
}

#[test]
fn a_prompting_signout_waits_for_the_confirm_action() {
    let flow = json!({
        "id": "test-confirm", "handle": "test-confirm", "name": "t", "flowType": "SIGNOUT",
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "out"},
            {"id": "out", "type": "TASK_EXECUTION", "properties": {"promptOnSignOut": true},
             "executor": {"name": "SessionSignOutExecutor"}, "onSuccess": "end", "onIncomplete": "confirm"},
            {"id": "confirm", "type": "PROMPT", "prompts": [{"action": {"ref": "action_confirm", "type": "CONFIRM", "nextNode": "out"}}]},
            {"id": "end", "type": "END"}
        ]
    });
    let mut h = Harness::new(&[flow]);
    let mut execution = h.start("test-confirm", false);
    execution
        .runtime
        .insert("logoutPromptRequired".into(), "true".into());
    let asked = h.run(&mut execution, None, &[]).expect("a run");
    assert_eq!(
        (asked.status, asked.sso_cleared),
        (OutcomeStatus::Incomplete(StepType::View), false)
    );
    assert_eq!(
        serde_json::to_value(&asked.data).expect("json"),
        json!({"actions": [{"ref": "action_confirm", "type": "CONFIRM", "nextNode": "out"}]})
    );
    let done = h
        .run(&mut execution, Some("action_confirm"), &[])
        .expect("a run");
    assert_eq!(
        (done.status, done.sso_cleared),
        (OutcomeStatus::Complete, true)
    );
}

#[test]
fn call_nesting_is_limited_to_ten_frames() {
    let flow = json!({
        "id": "test-recursive", "handle": "test-recursive", "name": "t", "flowType": "AUTHENTICATION",
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "again"},
            {"id": "again", "type": "CALL", "flow": {"ref": "test-recursive"}, "onSuccess": "end"},
            {"id": "end", "type": "END"}
        ]
    });
    let mut h = Harness::new(&[flow]);
    let mut execution = h.start("test-recursive", false);
    assert_eq!(
        h.run(&mut execution, None, &[]),
        Err(EngineError::MaxCallDepth)
    );
    assert_eq!(execution.frames.len(), engine::MAX_CALL_DEPTH);
}

#[test]
fn a_callee_returns_to_the_call_nodes_on_success_with_the_callers_runtime() {
    let callee = json!({
        "id": "test-callee", "handle": "test-callee", "name": "t", "flowType": "REGISTRATION",
        "nodes": [{"id": "start", "type": "START", "onSuccess": "end"}, {"id": "end", "type": "END"}]
    });
    let caller = json!({
        "id": "test-caller", "handle": "test-caller", "name": "t", "flowType": "AUTHENTICATION",
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "call"},
            {"id": "call", "type": "CALL", "flow": {"ref": "test-callee"}, "onSuccess": "after"},
            {"id": "after", "type": "PROMPT", "prompts": [{"action": {"ref": "ok", "nextNode": "end"}}]},
            {"id": "end", "type": "END"}
        ]
    });
    let mut h = Harness::new(&[callee, caller]);
    let mut execution = h.start("test-caller", false);
    execution.runtime.insert("kept".into(), "yes".into());
    let outcome = h.run(&mut execution, None, &[]).expect("a run");
    assert_eq!(outcome.status, OutcomeStatus::Incomplete(StepType::View));
    assert_eq!(
        (execution.graph.as_str(), execution.node.as_deref()),
        ("test-caller", Some("after"))
    );
    assert_eq!(
        execution.runtime.get("kept").map(String::as_str),
        Some("yes")
    );
    assert!(execution.frames.is_empty());
}

fn graph_error(flow: Value) -> FixtureError {
    let mut fixtures = Fixtures::bundled();
    fixtures
        .flows
        .push(serde_json::from_value(flow).expect("parses"));
    fixtures.validate().expect_err("refused")
}

#[test]
fn broken_graphs_are_refused_naming_the_field() {
    let base = |nodes: Value| json!({"id": "g", "handle": "g", "name": "g", "flowType": "AUTHENTICATION", "nodes": nodes});
    let cases = [
        (
            base(json!([{"id": "s", "type": "START", "onSuccess": "x"}])),
            "[11] (AUTHENTICATION g).nodes[0].onSuccess",
            "unknown node x",
        ),
        (
            base(
                json!([{"id": "s", "type": "START", "onSuccess": "s"}, {"id": "s", "type": "END"}]),
            ),
            "[11] (AUTHENTICATION g).nodes[1].id",
            "duplicate node id s",
        ),
        (
            base(json!([{"id": "e", "type": "END"}])),
            "[11] (AUTHENTICATION g).nodes",
            "expected exactly one START node, found 0",
        ),
        (
            base(
                json!([{"id": "s", "type": "START", "onSuccess": "t"}, {"id": "t", "type": "TASK_EXECUTION", "executor": {"name": "Nope"}}]),
            ),
            "[11] (AUTHENTICATION g).nodes[1].executor.name",
            "unknown executor Nope",
        ),
        (
            base(
                json!([{"id": "s", "type": "START", "onSuccess": "c"}, {"id": "c", "type": "CALL", "flow": {"ref": "missing"}}]),
            ),
            "[11] (AUTHENTICATION g).nodes[1].flow.ref",
            "unknown flow missing",
        ),
        (
            base(
                json!([{"id": "s", "type": "START", "onSuccess": "d"}, {"id": "d", "type": "TASK_EXECUTION", "executor": {"name": "UserDeleteExecutor"}}]),
            ),
            "[11] (AUTHENTICATION g).nodes[1].executor.name",
            "UserDeleteExecutor cannot run in a AUTHENTICATION flow",
        ),
    ];
    // The broken flow comes after the bundled ones.
    let index = format!("[{}]", Fixtures::bundled().flows.len());
    for (flow, field, reason) in cases {
        let error = graph_error(flow);
        let field = field.replace("[11]", &index);
        assert_eq!(
            (
                error.file.as_str(),
                error.field.as_str(),
                error.reason.as_str()
            ),
            ("flows", field.as_str(), reason)
        );
    }
}

#[test]
fn an_application_must_name_existing_flows() {
    let mut fixtures = Fixtures::bundled();
    fixtures.applications[0].auth_flow = "missing".into();
    let error = fixtures.validate().expect_err("refused");
    assert_eq!(
        (
            error.file.as_str(),
            error.field.as_str(),
            error.reason.as_str()
        ),
        (
            "applications.json",
            "[0].authFlow",
            "no AUTHENTICATION flow with handle missing in flows/"
        )
    );
}

#[test]
fn the_bundled_flows_are_valid() {
    Fixtures::bundled().validate().expect("valid");
}

#[test]
fn params_are_substituted_and_unknown_ones_kept() {
    let params = [("attribute".to_owned(), "email".to_owned())]
        .into_iter()
        .collect();
    assert_eq!(
        super::executors::substitute(
            "a {{param(attribute)}} b {{ param( attribute ) }} {{param(other)}} {{x}}",
            &params
        ),
        "a email b email {{param(other)}} {{x}}"
    );
}

#[test]
fn otp_lifetimes_read_like_the_server_writes_them() {
    let cases = [
        (120, "2 minutes"),
        (60, "1 minute"),
        (90, "90 seconds"),
        (3600, "1 hour"),
        (7200, "2 hours"),
        (0, "0 seconds"),
    ];
    for (seconds, text) in cases {
        assert_eq!(super::executors::otp_format_expiry(seconds), text);
    }
}

#[test]
fn an_assertion_without_an_authenticated_user_is_fet_1004() {
    let flow = json!({
        "id": "test-assert", "handle": "test-assert", "name": "t", "flowType": "AUTHENTICATION",
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "assert"},
            {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
            {"id": "end", "type": "END"}
        ]
    });
    let mut h = Harness::new(&[flow]);
    let mut execution = h.start("test-assert", false);
    let outcome = h.run(&mut execution, None, &[]).expect("a run");
    assert_eq!(outcome.status, OutcomeStatus::Error);
    assert_eq!(
        outcome.error.map(|e| e.code.as_str().to_owned()).as_deref(),
        Some("FET-1004")
    );
    assert!(outcome.assertion.is_none());
}

fn error_code(outcome: &Outcome) -> Option<String> {
    outcome.error.as_ref().map(|e| e.code.as_str().to_owned())
}

mod captcha;
mod credential_setter;
mod cross_ou;
mod federated_resolver;
