//! The engine: runs an [`Execution`] through its graph until it needs input, completes or fails.
//!
//! A pure step over (graphs, execution, environment): no HTTP types, no locks, no clock reads (the
//! time is in [`Env::now`]), no signing (assertions leave as unsigned claims). The node semantics
//! follow `flowexec/engine.go`: START/END, PROMPT, TASK_EXECUTION (`onSuccess`/`onFailure`/
//! `onIncomplete`), CALL with a frame stack of at most [`MAX_CALL_DEPTH`], display-only prompts,
//! and the executor status mapping of `core/task_execution_node.go`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thunderid_protocol::ApiError;
use thunderid_protocol::flow::{
    FlowData, FlowDefinition, FlowType, InterceptorMode, NodeDefinition, NodeType, StepType,
};

pub(crate) use super::env::Env;
use super::interceptors::{self, Gate};
pub(crate) use super::node::{
    DynamicInput, EngineError, Forwarded, MAX_CALL_DEPTH, NodeResponse, NodeStatus, Outcome,
    OutcomeStatus, is_sensitive,
};
use super::{executors, keys, prompt};
use crate::graph::ExecutorKind;
use crate::store::execution::{Execution, Frame, NodeRecord, PausedPrompt};

/// Run `execution` from its current node until it pauses, completes or fails.
pub(crate) fn run(env: &mut Env<'_>, execution: &mut Execution) -> Result<Outcome, EngineError> {
    let mut request = RequestState::default();
    let graph = current_graph(env, execution)?;
    let mut node_id = match execution.node.clone() {
        Some(id) => id,
        None => start_node(graph)?,
    };
    if let Gate::Stop(error) = interceptors::run_for_request(graph, &InterceptorMode::PreRequest) {
        return Ok(error_outcome(&request, error));
    }
    loop {
        let graph = current_graph(env, execution)?;
        let node = graph
            .node(&node_id)
            .ok_or_else(|| internal(format!("node {node_id} not in {}", graph.id)))?;
        execution.node = Some(node_id.clone());
        replay_prompt_inputs(execution, &mut request);
        let forwarded = std::mem::take(&mut request.forwarded);
        if let Some(condition) = &node.condition
            && resolve_condition_key(execution, &condition.key) != condition.value
        {
            node_id = condition.on_skip.clone();
            continue;
        }
        let flow_type = graph.flow_type.clone();
        let consumed = match interceptors::run_for_node(
            env,
            execution,
            graph,
            node,
            &InterceptorMode::PreNode,
        )? {
            Gate::Pass { consumed } => consumed,
            Gate::Stop(error) => {
                // The consumed captcha token leaves even though the node never ran.
                execution.inputs.remove(interceptors::CAPTCHA_TOKEN);
                return Ok(finish_request(graph, error_outcome(&request, error)));
            }
        };
        let response = execute_node(env, execution, node, &flow_type, forwarded)?;
        if consumed {
            execution.inputs.remove(interceptors::CAPTCHA_TOKEN);
        }
        record(execution, node, &response, env.now);
        clear_sensitive_inputs(execution, node, &flow_type);
        track_presented_optional_inputs(execution, &response);
        absorb(execution, &mut request, &response);
        match process(env, execution, node, response, &mut request)? {
            Next::Node(id) => {
                // POST_NODE runs once the node chose where to go (`CurrentNode` is already the
                // next node), against the graph the execution is now in.
                let graph = current_graph(env, execution)?;
                execution.node = Some(id.clone());
                if let Gate::Stop(error) = interceptors::run_for_node(
                    env,
                    execution,
                    graph,
                    node,
                    &InterceptorMode::PostNode,
                )? {
                    return Ok(finish_request(graph, error_outcome(&request, error)));
                }
                node_id = id;
            }
            Next::Stop(outcome) => {
                let graph = current_graph(env, execution)?;
                return Ok(finish_request(graph, *outcome));
            }
        }
    }
}

/// POST_REQUEST runs on every way out of a request. A failing interceptor turns the step into
/// `flowStatus: "ERROR"` without an error object; the step's other members stay as they were.
fn finish_request(graph: &FlowDefinition, mut outcome: Outcome) -> Outcome {
    if let Gate::Stop(error) = interceptors::run_for_request(graph, &InterceptorMode::PostRequest) {
        outcome.post_request_failed = true;
        outcome.error = error;
    }
    outcome
}

/// Per-request state of a run (the engine context fields the server does not persist).
#[derive(Debug, Default)]
struct RequestState {
    additional: BTreeMap<String, String>,
    forwarded: Forwarded,
    assertion: Option<Map<String, Value>>,
    sso_cleared: bool,
    sso_created: Option<String>,
}

enum Next {
    Node(String),
    Stop(Box<Outcome>),
}

fn current_graph<'f>(
    env: &Env<'f>,
    execution: &Execution,
) -> Result<&'f FlowDefinition, EngineError> {
    env.registry
        .flow(execution.graph.as_str())
        .ok_or_else(|| internal(format!("flow {} not found", execution.graph)))
}

fn start_node(flow: &FlowDefinition) -> Result<String, EngineError> {
    flow.start_node()
        .map(|n| n.id.clone())
        .ok_or_else(|| internal(format!("flow {} has no START node", flow.id)))
}

fn internal(message: String) -> EngineError {
    EngineError::Internal(message)
}

/// Dynamic inputs reach a prompt through forwarded data, which lasts one hop; when the execution
/// shows the same prompt again without a chosen action, the inputs it asked for last time are
/// replayed (`engine.go` `replayPromptInputs`). Display names are not persisted, so replayed
/// inputs are labelled with their identifiers.
fn replay_prompt_inputs(execution: &Execution, request: &mut RequestState) {
    let Some(paused) = &execution.paused_prompt else {
        return;
    };
    if paused.inputs.is_empty()
        || execution.action.is_some()
        || execution.node.as_deref() != Some(paused.node_id.as_str())
        || request.forwarded.inputs.is_some()
    {
        return;
    }
    let inputs = paused.inputs.iter().map(|input| DynamicInput {
        input: input.clone(),
        display_name: None,
    });
    request.forwarded.inputs = Some(inputs.collect());
}

/// A condition key is a `{{ctx(name)}}` placeholder resolved from runtime data, then inputs; an
/// unresolved placeholder stays as it is (`core/utils.go` `ResolvePlaceholder`).
fn resolve_condition_key(execution: &Execution, key: &str) -> String {
    let trimmed = key.trim();
    let name = trimmed
        .strip_prefix("{{")
        .and_then(|s| s.strip_suffix("}}"))
        .map(str::trim)
        .and_then(|s| s.strip_prefix("ctx("))
        .and_then(|s| s.strip_suffix(')'))
        .map(str::trim);
    let Some(name) = name else {
        return key.to_owned();
    };
    let value = execution
        .runtime
        .get(name)
        .filter(|v| !v.is_empty())
        .or_else(|| execution.inputs.get(name));
    value
        .filter(|v| !v.is_empty())
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

fn execute_node(
    env: &mut Env<'_>,
    execution: &mut Execution,
    node: &NodeDefinition,
    flow_type: &FlowType,
    forwarded: Forwarded,
) -> Result<NodeResponse, EngineError> {
    match node.node_type {
        NodeType::Start | NodeType::End => Ok(NodeResponse {
            status: NodeStatus::Complete,
            next: node.on_success.clone(),
            ..NodeResponse::default()
        }),
        NodeType::Prompt => Ok(prompt::execute(node, execution, &forwarded)),
        NodeType::TaskExecution => {
            executors::execute_task(env, execution, node, flow_type, forwarded)
        }
        NodeType::Call => {
            let target = node
                .flow
                .as_ref()
                .ok_or_else(|| internal(format!("CALL node {} has no flow", node.id)))?;
            Ok(NodeResponse {
                status: NodeStatus::Call(target.reference.as_str().to_owned()),
                ..NodeResponse::default()
            })
        }
    }
}

/// Append an attempt to the node's execution record (`engine.go` `recordNodeExecution`).
fn record(execution: &mut Execution, node: &NodeDefinition, response: &NodeResponse, now: u64) {
    let completed = response.status == NodeStatus::Complete;
    let end_time_millis = now.saturating_mul(1000);
    if let Some(record) = execution.history.iter_mut().find(|r| r.node_id == node.id) {
        record.completed = completed;
        record.end_time_millis = end_time_millis;
        return;
    }
    let step = execution.history.len() + 1;
    let executor = node.executor.as_ref().map(|e| e.name.clone());
    execution.history.push(NodeRecord {
        node_id: node.id.clone(),
        executor,
        step,
        completed,
        end_time_millis,
    });
}

/// In AUTHENTICATION flows, secrets (PASSWORD_INPUT, OTP_INPUT) leave the stored execution once a
/// task consumed them (`engine.go` `clearSensitiveInputs`).
fn clear_sensitive_inputs(execution: &mut Execution, node: &NodeDefinition, flow_type: &FlowType) {
    if flow_type != &FlowType::Authentication || node.node_type != NodeType::TaskExecution {
        return;
    }
    let Some(executor) = &node.executor else {
        return;
    };
    let inputs = if executor.inputs.is_empty() {
        ExecutorKind::from_name(&executor.name)
            .map(executors::default_inputs)
            .unwrap_or_default()
    } else {
        executor.inputs.clone()
    };
    for input in inputs {
        if is_sensitive(&input.input_type) {
            execution.inputs.remove(&input.identifier);
        }
    }
}

/// Optional inputs shown on a VIEW step are not asked again (`trackPresentedOptionalInputs`).
fn track_presented_optional_inputs(execution: &mut Execution, response: &NodeResponse) {
    if response.status != NodeStatus::Incomplete(StepType::View) {
        return;
    }
    let optional: Vec<&str> = response
        .inputs
        .iter()
        .filter(|i| !i.required)
        .map(|i| i.identifier.as_str())
        .collect();
    if optional.is_empty() {
        return;
    }
    let entry = execution
        .runtime
        .entry(keys::PRESENTED_OPTIONAL_INPUTS.to_owned())
        .or_default();
    let mut parts: Vec<&str> = entry.split_whitespace().collect();
    parts.extend(optional);
    *entry = parts.join(" ");
}

/// Merge a node's response into the execution (`engine.go` `updateContextWithNodeResponse`).
fn absorb(execution: &mut Execution, request: &mut RequestState, response: &NodeResponse) {
    if matches!(response.status, NodeStatus::Complete | NodeStatus::Forward) {
        execution.action = None;
    }
    for (key, value) in &response.runtime {
        execution.runtime.insert(key.clone(), value.clone());
    }
    for (key, value) in &response.additional {
        request.additional.insert(key.clone(), value.clone());
    }
    if let Some(assertion) = &response.assertion {
        request.assertion = Some(assertion.clone());
    }
    if response.sso_cleared {
        request.sso_cleared = true;
    }
    if let Some(handle) = &response.sso_created {
        request.sso_created = Some(handle.clone());
    }
    let forwarded = &response.forwarded;
    if forwarded.inputs.is_some()
        || forwarded.action_type.is_some()
        || !forwarded.template.is_empty()
    {
        request.forwarded = forwarded.clone();
    }
    if let Some(user) = &response.user {
        execution.user = Some(user.clone());
    }
}

/// Decide where to go after a node (`engine.go` `processNodeResponse`).
fn process(
    env: &Env<'_>,
    execution: &mut Execution,
    node: &NodeDefinition,
    response: NodeResponse,
    request: &mut RequestState,
) -> Result<Next, EngineError> {
    match response.status {
        NodeStatus::Complete if crate::graph::is_display_only(node) => {
            display_only(env, execution, node, response, request)
        }
        NodeStatus::Complete if node.node_type == NodeType::End && !execution.frames.is_empty() => {
            let call_node = return_from_callee(env, execution)?;
            let next = call_node.on_success.clone();
            next.map(Next::Node)
                .ok_or_else(|| internal(format!("CALL node {} has no onSuccess", call_node.id)))
        }
        NodeStatus::Complete | NodeStatus::Forward => match response.next {
            Some(next) => Ok(Next::Node(next)),
            None => Ok(Next::Stop(Box::new(finish(
                OutcomeStatus::Complete,
                request,
                FlowData::default(),
            )))),
        },
        NodeStatus::Incomplete(step_type) => {
            incomplete(execution, node, response, request, step_type)
        }
        NodeStatus::Call(target) => call(env, execution, node, &target),
        NodeStatus::Failure if !execution.frames.is_empty() => {
            let call_node = return_from_callee(env, execution)?;
            match &call_node.on_failure {
                Some(on_failure) => Ok(Next::Node(on_failure.clone())),
                None => Ok(Next::Stop(Box::new(error_outcome(request, response.error)))),
            }
        }
        NodeStatus::Failure => Ok(Next::Stop(Box::new(error_outcome(request, response.error)))),
    }
}

fn finish(status: OutcomeStatus, request: &mut RequestState, mut data: FlowData) -> Outcome {
    if data.additional_data.is_empty() {
        data.additional_data = std::mem::take(&mut request.additional);
    }
    Outcome {
        status,
        data,
        error: None,
        assertion: request.assertion.take(),
        sso_cleared: request.sso_cleared,
        sso_created: request.sso_created.take(),
        post_request_failed: false,
    }
}

fn error_outcome(request: &RequestState, error: Option<ApiError>) -> Outcome {
    Outcome {
        status: OutcomeStatus::Error,
        data: FlowData::default(),
        error,
        assertion: None,
        sso_cleared: request.sso_cleared,
        sso_created: request.sso_created.clone(),
        post_request_failed: false,
    }
}

/// A display-only prompt shows its message and moves on; when the next node is END the flow
/// completes with that message (recovery's "Password Reset Successful").
fn display_only(
    env: &Env<'_>,
    execution: &mut Execution,
    node: &NodeDefinition,
    response: NodeResponse,
    request: &mut RequestState,
) -> Result<Next, EngineError> {
    let next_id = node.next.clone().unwrap_or_default();
    let graph = current_graph(env, execution)?;
    let next = graph
        .node(&next_id)
        .ok_or_else(|| internal(format!("display-only prompt {} has no next", node.id)))?;
    let data = FlowData {
        meta: response.meta,
        ..FlowData::default()
    };
    if next.node_type == NodeType::End {
        return Ok(Next::Stop(Box::new(finish(
            OutcomeStatus::Complete,
            request,
            data,
        ))));
    }
    execution.node = Some(next_id.clone());
    execution.segment_start = Some(next_id);
    Ok(Next::Stop(Box::new(finish(
        OutcomeStatus::Incomplete(StepType::View),
        request,
        data,
    ))))
}

/// The node needs input: a VIEW step (prompt or task inputs) or a REDIRECTION step.
fn incomplete(
    execution: &mut Execution,
    node: &NodeDefinition,
    response: NodeResponse,
    request: &mut RequestState,
    step_type: StepType,
) -> Result<Next, EngineError> {
    let mut data = FlowData {
        inputs: response.inputs,
        additional_data: std::mem::take(&mut request.additional),
        ..FlowData::default()
    };
    match step_type {
        StepType::Redirection => {
            let url = response
                .redirect_url
                .ok_or_else(|| internal(format!("node {} redirects nowhere", node.id)))?;
            data.redirect_url = Some(url);
        }
        StepType::View => {
            if data.inputs.is_empty() && response.actions.is_empty() {
                return Err(internal(format!("node {} asks for nothing", node.id)));
            }
            data.actions = response.actions;
            data.meta = response.meta;
            data.field_errors = response.field_errors;
            execution.paused_prompt = Some(PausedPrompt {
                node_id: node.id.clone(),
                inputs: data.inputs.clone(),
            });
        }
    }
    Ok(Next::Stop(Box::new(Outcome {
        status: OutcomeStatus::Incomplete(step_type),
        data,
        error: response.error,
        assertion: None,
        sso_cleared: request.sso_cleared,
        sso_created: request.sso_created.take(),
        post_request_failed: false,
    })))
}

/// Push the caller and switch to the callee's START node (`engine.go` `handleCallResponse`).
fn call(
    env: &Env<'_>,
    execution: &mut Execution,
    node: &NodeDefinition,
    target: &str,
) -> Result<Next, EngineError> {
    if execution.frames.len() >= MAX_CALL_DEPTH {
        return Err(EngineError::MaxCallDepth);
    }
    let callee = env
        .registry
        .flow(target)
        .ok_or_else(|| internal(format!("flow {target} not found")))?;
    let start = start_node(callee)?;
    execution.frames.push(Frame {
        graph: execution.graph.clone(),
        call_node: node.id.clone(),
        action: execution.action.take(),
        segment_start: execution.segment_start.take(),
        runtime: std::mem::take(&mut execution.runtime),
    });
    execution.graph = callee.id.clone();
    execution.paused_prompt = None;
    Ok(Next::Node(start))
}

/// Pop the caller's frame and return its CALL node.
fn return_from_callee<'f>(
    env: &Env<'f>,
    execution: &mut Execution,
) -> Result<&'f NodeDefinition, EngineError> {
    let frame = execution
        .frames
        .pop()
        .ok_or_else(|| internal("frame stack underflow".into()))?;
    execution.graph = frame.graph;
    execution.action = frame.action;
    execution.segment_start = frame.segment_start;
    execution.runtime = frame.runtime;
    execution.paused_prompt = None;
    let graph = current_graph(env, execution)?;
    graph
        .node(&frame.call_node)
        .ok_or_else(|| internal(format!("CALL node {} vanished", frame.call_node)))
}
