//! PROMPT nodes (`core/prompt_node.go`): which inputs and actions a step asks for, input
//! validation, display-only prompts, and the verbose `meta` trimmed to what is asked.
//!
//! * No action chosen: every missing input across the node's prompts, and every action.
//! * A chosen action that matches a prompt: only that prompt's missing inputs, no actions.
//! * One action, inputs all present: the action is chosen automatically.
//! * An unknown action counts as none.
//! * Validation runs after the presence check; failures re-ask the action's inputs with
//!   `fieldErrors` and that single action.
//! * A task that failed into this prompt leaves its error in runtime data: the prompt clears its
//!   own inputs, re-asks all of them with all actions, and reports the error.

use std::collections::{BTreeMap, HashMap, HashSet};

use thunderid_protocol::ApiError;
use thunderid_protocol::flow::{
    Action, Component, FieldError, FlowMeta, Input, InputType, NodeDefinition, StepType,
    ValidationRule, ValidationRuleType,
};

use super::keys;
use super::node::{DynamicInput, Forwarded, NodeResponse, NodeStatus};
use crate::store::execution::Execution;

/// Run a PROMPT node against the execution's inputs. `execution.action` is read but not changed:
/// the engine clears it when the prompt completes.
pub(crate) fn execute(
    node: &NodeDefinition,
    execution: &mut Execution,
    forwarded: &Forwarded,
) -> NodeResponse {
    let mut response = NodeResponse {
        status: NodeStatus::Incomplete(StepType::View),
        ..NodeResponse::default()
    };
    // The action as this node sees it; a failure being handled clears it for this run only.
    let mut action = execution.action.clone();
    if let Some(reason) = execution.runtime.remove(keys::FAILURE_REASON) {
        response.error = serde_json::from_str::<ApiError>(&reason).ok();
        for input in all_inputs(node) {
            execution.inputs.remove(&input.identifier);
        }
        action = None;
    }
    if crate::graph::is_display_only(node) {
        response.status = NodeStatus::Complete;
        if execution.verbose {
            response.meta = node.meta.clone();
        }
        if let Some(message) = node.message.as_deref().filter(|m| !m.is_empty()) {
            response
                .additional
                .insert(keys::data::MESSAGE.to_owned(), message.to_owned());
        }
        return response;
    }
    let labels = display_names(forwarded);
    if resolve_inputs(node, execution, forwarded, &mut action, &mut response) {
        if revalidate(node, execution, &mut action, &mut response, &labels) {
            return response;
        }
        let chosen = action.as_deref().and_then(|a| find_action(node, a));
        response.status = NodeStatus::Complete;
        response.next = chosen.map(|a| a.next_node.clone());
        response.forwarded.action_type = chosen
            .and_then(|a| a.action_type.as_ref())
            .map(|t| t.as_str().to_owned());
        response.inputs.clear();
        response.actions.clear();
        return response;
    }
    if execution.verbose {
        response.meta = node
            .meta
            .as_ref()
            .map(|meta| render_meta(node, meta, &response.inputs, &response.actions, &labels));
    }
    response
}

/// Every input of the node's prompts, first occurrence of each identifier.
pub(crate) fn all_inputs(node: &NodeDefinition) -> Vec<Input> {
    let mut seen = HashSet::new();
    node.prompts
        .iter()
        .flat_map(|p| p.inputs.iter())
        .filter(|i| seen.insert(i.identifier.clone()))
        .cloned()
        .collect()
}

/// Every action of the node's prompts, as a response lists them.
pub(crate) fn all_actions(node: &NodeDefinition) -> Vec<Action> {
    node.prompts
        .iter()
        .filter_map(|p| p.action.as_ref())
        .map(|a| Action {
            reference: a.reference.clone(),
            action_type: a.action_type.clone(),
            next_node: a.next_node.clone(),
        })
        .collect()
}

fn find_action<'n>(
    node: &'n NodeDefinition,
    reference: &str,
) -> Option<&'n thunderid_protocol::flow::ActionDefinition> {
    node.prompts
        .iter()
        .filter_map(|p| p.action.as_ref())
        .find(|a| a.reference == reference)
}

/// The inputs of the prompt whose action is `action`, or all inputs.
fn inputs_for_action(node: &NodeDefinition, action: Option<&str>) -> Vec<Input> {
    action
        .and_then(|a| {
            node.prompts
                .iter()
                .find(|p| p.action.as_ref().is_some_and(|pa| pa.reference == a))
        })
        .map_or_else(|| all_inputs(node), |p| p.inputs.clone())
}

fn display_names(forwarded: &Forwarded) -> HashMap<String, String> {
    forwarded
        .inputs
        .iter()
        .flatten()
        .filter_map(|d| {
            d.display_name
                .clone()
                .map(|name| (d.input.identifier.clone(), name))
        })
        .collect()
}

/// Whether all required inputs and an action are available; otherwise fills in what to ask.
fn resolve_inputs(
    node: &NodeDefinition,
    execution: &Execution,
    forwarded: &Forwarded,
    action: &mut Option<String>,
    response: &mut NodeResponse,
) -> bool {
    let required = match action.as_deref().and_then(|a| find_action(node, a)) {
        Some(_) => inputs_for_action(node, action.as_deref()),
        None => all_inputs(node),
    };
    response.inputs = missing_inputs(execution, &required);
    let mut has_all = response.inputs.is_empty();
    if enrich_from_forwarded(execution, forwarded, response) {
        has_all = false;
    }
    let actions = all_actions(node);
    let mut has_action = actions.is_empty()
        || action
            .as_deref()
            .is_some_and(|a| actions.iter().any(|x| x.reference == a));
    if !has_action {
        response.actions = actions.clone();
    }
    // A single action over some inputs is chosen once those inputs are all present; a prompt
    // without inputs (a confirmation) waits for the explicit action.
    if has_all
        && !has_action
        && action.is_none()
        && actions.len() == 1
        && !all_inputs(node).is_empty()
    {
        *action = Some(actions[0].reference.clone());
        has_action = true;
        response.actions.clear();
    }
    has_all && has_action
}

/// The inputs not yet satisfied by the accumulated inputs or runtime data (presence is enough,
/// even with an empty value), skipping optional inputs already shown once.
pub(crate) fn missing_inputs(execution: &Execution, required: &[Input]) -> Vec<Input> {
    let presented: HashSet<&str> = execution
        .runtime
        .get(keys::PRESENTED_OPTIONAL_INPUTS)
        .map(|raw| raw.split_whitespace().collect())
        .unwrap_or_default();
    required
        .iter()
        .filter(|input| {
            !execution.inputs.contains_key(&input.identifier)
                && !execution.runtime.contains_key(&input.identifier)
                && (input.required || !presented.contains(input.identifier.as_str()))
        })
        .cloned()
        .collect()
}

/// Merge forwarded (dynamic) inputs into the response; true when new inputs were added.
fn enrich_from_forwarded(
    execution: &Execution,
    forwarded: &Forwarded,
    response: &mut NodeResponse,
) -> bool {
    let Some(dynamic) = &forwarded.inputs else {
        return false;
    };
    let mut added = false;
    for DynamicInput { input, .. } in dynamic {
        if let Some(existing) = response
            .inputs
            .iter_mut()
            .find(|i| i.identifier == input.identifier)
        {
            if input.required {
                existing.required = true;
            }
            if input.input_type == InputType::Password {
                existing.input_type = InputType::Password;
            }
            if input.input_type == InputType::Select
                && existing.input_type == InputType::Select
                && !input.options.is_empty()
            {
                existing.options = input.options.clone();
            }
            continue;
        }
        let satisfied = |map: &BTreeMap<String, String>| {
            map.get(&input.identifier).is_some_and(|v| !v.is_empty())
        };
        if satisfied(&execution.inputs) || satisfied(&execution.runtime) {
            continue;
        }
        response.inputs.push(input.clone());
        added = true;
    }
    added
}

/// Validate the chosen action's inputs; on failure, re-ask them with `fieldErrors`.
fn revalidate(
    node: &NodeDefinition,
    execution: &mut Execution,
    action: &mut Option<String>,
    response: &mut NodeResponse,
    labels: &HashMap<String, String>,
) -> bool {
    let action_inputs = inputs_for_action(node, action.as_deref());
    let field_errors = validate(&action_inputs, &execution.inputs);
    if field_errors.is_empty() {
        return false;
    }
    let matching = action
        .as_deref()
        .and_then(|a| find_action(node, a))
        .map(|a| Action {
            reference: a.reference.clone(),
            action_type: a.action_type.clone(),
            next_node: a.next_node.clone(),
        });
    for error in &field_errors {
        execution.inputs.remove(&error.identifier);
        execution.runtime.remove(&error.identifier);
    }
    *action = None;
    response.inputs = action_inputs
        .into_iter()
        .filter(|i| !execution.runtime.contains_key(&i.identifier))
        .collect();
    response.actions = matching.map_or_else(|| all_actions(node), |a| vec![a]);
    response.field_errors = field_errors;
    response.status = NodeStatus::Incomplete(StepType::View);
    if execution.verbose {
        response.meta = node
            .meta
            .as_ref()
            .map(|meta| render_meta(node, meta, &response.inputs, &response.actions, labels));
    }
    true
}

/// One field error per failing rule (`core/input_validation.go`).
pub(crate) fn validate(inputs: &[Input], values: &BTreeMap<String, String>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for input in inputs {
        let Some(value) = values.get(&input.identifier) else {
            continue;
        };
        for rule in &input.validation {
            if !rule_passes(rule, value) {
                errors.push(FieldError {
                    identifier: input.identifier.clone(),
                    message: rule_message(rule),
                });
            }
        }
    }
    errors
}

/// Unknown rule types, non-string patterns and non-numeric lengths pass, as on the server.
fn rule_passes(rule: &ValidationRule, value: &str) -> bool {
    let length = || value.chars().count() as f64;
    match &rule.rule_type {
        ValidationRuleType::Regex => match rule.value.as_str().map(crate::graph::compile_pattern) {
            Some(Ok(pattern)) => pattern.is_match(value),
            Some(Err(_)) | None => true,
        },
        ValidationRuleType::MinLength => {
            number(&rule.value).is_none_or(|min| length() >= min.trunc())
        }
        ValidationRuleType::MaxLength => {
            number(&rule.value).is_none_or(|max| length() <= max.trunc())
        }
        ValidationRuleType::Other(_) => true,
    }
}

fn number(value: &serde_json::Value) -> Option<f64> {
    value
        .as_f64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
}

fn rule_message(rule: &ValidationRule) -> String {
    if let Some(message) = rule.message.as_deref().filter(|m| !m.is_empty()) {
        return message.to_owned();
    }
    match &rule.rule_type {
        ValidationRuleType::MinLength => "validation.minLength.invalid",
        ValidationRuleType::MaxLength => "validation.maxLength.invalid",
        ValidationRuleType::Regex | ValidationRuleType::Other(_) => "validation.pattern.invalid",
    }
    .to_owned()
}

/// The node's meta trimmed to the requested inputs and actions, with components synthesized for
/// dynamic inputs (`trimMetaToRequestedInputs`, `appendSyntheticMetaComponents`).
fn render_meta(
    node: &NodeDefinition,
    meta: &FlowMeta,
    inputs: &[Input],
    actions: &[Action],
    labels: &HashMap<String, String>,
) -> FlowMeta {
    let allowed: HashSet<&str> = inputs
        .iter()
        .filter_map(|i| i.reference.as_deref())
        .chain(actions.iter().map(|a| a.reference.as_str()))
        .filter(|r| !r.is_empty())
        .collect();
    let node_inputs = all_inputs(node);
    let node_actions = all_actions(node);
    let known: HashSet<&str> = node_inputs
        .iter()
        .filter_map(|i| i.reference.as_deref())
        .chain(node_actions.iter().map(|a| a.reference.as_str()))
        .filter(|r| !r.is_empty())
        .collect();
    let trimmed = FlowMeta {
        components: trim(&meta.components, &allowed, &known),
        extra: meta.extra.clone(),
    };
    super::meta::append_synthetic(&node_inputs, trimmed, inputs, labels)
}

fn trim(
    components: &[Component],
    allowed: &HashSet<&str>,
    known: &HashSet<&str>,
) -> Vec<Component> {
    let mut out = Vec::with_capacity(components.len());
    for component in components {
        if known.contains(component.id.as_str()) {
            if allowed.contains(component.id.as_str()) {
                out.push(component.clone());
            }
            continue;
        }
        let mut kept = component.clone();
        if let Some(children) = &component.components {
            kept.components = Some(trim(children, allowed, known));
        }
        out.push(kept);
    }
    out
}
