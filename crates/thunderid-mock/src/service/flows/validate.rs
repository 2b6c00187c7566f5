//! `ValidateFlowDefinition` (`backend/internal/flow/mgt/validator.go`): metadata, structure, flow-type
//! constraints, each node, interceptors — in that order, the first failure wins.
//!
//! It reads the request as the server decodes it ([`RawFlow`]: strings where the server has strings,
//! so an unknown node type is FLM-1021 and not a decode failure), not as the engine's typed graph.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use thunderid_protocol::flow::FlowType;
use thunderid_protocol::{ApiError, ApiErrorCode};

use super::raw::{RawFlow, RawInterceptor, RawNode};
use crate::error::MockError;
use crate::flow::executors::substitute;

mod meta;
mod nodes;

const INTERCEPTOR_MODES: &[&str] = &["PRE_REQUEST", "PRE_NODE", "POST_NODE", "POST_REQUEST"];
const INTERCEPTOR_SCOPES: &[&str] = &["ALL", "SELECTED"];
/// Always-enforced interceptors a flow may not declare (`DefaultInterceptorNames`).
const DEFAULT_INTERCEPTORS: &[&str] = &["ChallengeTokenInterceptor"];

/// The six flow types of `ValidFlowTypes`.
pub(crate) fn is_valid_flow_type(text: &str) -> bool {
    let flow_type = FlowType::parse(text);
    flow_type.is_known()
}

/// `isValidHandleFormat`: `^[a-z0-9][a-z0-9_-]*[a-z0-9]$` or one character `[a-z0-9]`.
fn is_valid_handle(handle: &str) -> bool {
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let bytes: Vec<char> = handle.chars().collect();
    match bytes.as_slice() {
        [] => false,
        [only] => ok(*only),
        [first, middle @ .., last] => {
            ok(*first) && ok(*last) && middle.iter().all(|&c| ok(c) || c == '_' || c == '-')
        }
    }
}

/// A `CustomServiceError`: the code's message, a replaced description with its params filled in.
pub(super) fn custom(
    code: ApiErrorCode,
    key_suffix: &str,
    text: &str,
    params: &[(&str, &str)],
) -> MockError {
    let mut error: ApiError = code.to_error();
    error.description.key = format!("error.flowmgtservice.{key_suffix}");
    if params.is_empty() {
        error.description.default_value = Some(text.to_owned());
    } else {
        let params: BTreeMap<String, String> = params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        error.description.default_value = Some(substitute(text, &params));
        error.description.params = Some(params);
    }
    MockError::api_error(error)
}

pub(super) type Check = Result<(), MockError>;

/// Validate a sanitized definition. `captcha`: whether a captcha provider is plugged in, without
/// which CaptchaInterceptor is not registered (`registerCaptchaInterceptor`).
pub(crate) fn validate(flow: &RawFlow, captcha: bool) -> Check {
    metadata(flow)?;
    let index = structure(&flow.nodes)?;
    flow_type_constraints(&flow.flow_type, &flow.nodes)?;
    for node in &flow.nodes {
        nodes::node_format(node, &index)?;
        if node.node_type == "TASK_EXECUTION" {
            nodes::executor_constraints(node, &flow.flow_type)?;
            nodes::executor_specific(node, &index, &flow.nodes)?;
        }
    }
    interceptors(&flow.interceptors, &index, captcha)
}

fn metadata(flow: &RawFlow) -> Check {
    if flow.handle.is_empty() {
        return Err(MockError::api(ApiErrorCode::FlowMgtMissingFlowHandle));
    }
    if !is_valid_handle(&flow.handle) {
        return Err(MockError::api(ApiErrorCode::FlowMgtInvalidFlowHandleFormat));
    }
    if flow.name.is_empty() {
        return Err(MockError::api(ApiErrorCode::FlowMgtMissingFlowName));
    }
    if !is_valid_flow_type(&flow.flow_type) {
        return Err(MockError::api(ApiErrorCode::FlowMgtInvalidFlowType));
    }
    if !flow.id.is_empty() && uuid::Uuid::parse_str(&flow.id).is_err() {
        return Err(MockError::api(ApiErrorCode::FlowMgtInvalidFlowIDFormat));
    }
    match flow.nodes.len() {
        0 | 1 => Err(custom(
            ApiErrorCode::FlowMgtInvalidFlowData,
            "flow_requires_start_and_end_nodes_description",
            "Flow definition must contain at least a start and an end node",
            &[],
        )),
        2 => Err(custom(
            ApiErrorCode::FlowMgtInvalidFlowData,
            "flow_requires_intermediate_nodes_description",
            "Flow definition must contain nodes between start and end nodes",
            &[],
        )),
        _ => Ok(()),
    }
}

fn present_executors(nodes: &[RawNode]) -> HashSet<&str> {
    nodes
        .iter()
        .filter(|n| n.node_type == "TASK_EXECUTION")
        .filter_map(|n| n.executor.as_ref().map(|e| e.name.as_str()))
        .collect()
}

fn flow_type_constraints(flow_type: &str, nodes: &[RawNode]) -> Check {
    let required: &[&str] = match flow_type {
        "AUTHENTICATION" => &["AuthAssertExecutor"],
        "REGISTRATION" | "USER_ONBOARDING" => &["ProvisioningExecutor", "UserTypeResolver"],
        _ => &[],
    };
    let present = present_executors(nodes);
    for name in required {
        if !present.contains(name) {
            return Err(custom(
                ApiErrorCode::FlowMgtInvalidExecutorConfig,
                "required_executor_missing_description",
                "Flow type {{param(flowType)}} requires executor '{{param(executorName)}}'",
                &[("flowType", flow_type), ("executorName", name)],
            ));
        }
    }
    if present.contains("SessionRevocationExecutor")
        && !present.contains("CriteriaRevocationExecutor")
    {
        return Err(custom(
            ApiErrorCode::FlowMgtInvalidExecutorConfig,
            "companion_executor_missing_description",
            "Executor '{{param(executorName)}}' requires executor \
             '{{param(companionExecutorName)}}' in the same flow",
            &[
                ("executorName", "SessionRevocationExecutor"),
                ("companionExecutorName", "CriteriaRevocationExecutor"),
            ],
        ));
    }
    Ok(())
}

pub(super) type Index<'a> = HashMap<&'a str, &'a RawNode>;

/// Every outgoing reference of a node: (target, field name).
fn references(node: &RawNode) -> Vec<(&str, &'static str)> {
    let mut refs = Vec::new();
    for (target, field) in [
        (&node.on_success, "onSuccess"),
        (&node.on_failure, "onFailure"),
        (&node.on_incomplete, "onIncomplete"),
        (&node.next, "next"),
    ] {
        if !target.is_empty() {
            refs.push((target.as_str(), field));
        }
    }
    if let Some(condition) = &node.condition
        && !condition.on_skip.is_empty()
    {
        refs.push((condition.on_skip.as_str(), "condition.onSkip"));
    }
    for prompt in &node.prompts {
        if let Some(action) = &prompt.action
            && !action.next_node.is_empty()
        {
            refs.push((action.next_node.as_str(), "action.nextNode"));
        }
    }
    refs
}

fn structure(nodes: &[RawNode]) -> Result<Index<'_>, MockError> {
    let mut index: Index<'_> = HashMap::new();
    for node in nodes {
        if index.insert(node.id.as_str(), node).is_some() {
            return Err(custom(
                ApiErrorCode::FlowMgtInvalidFlowStructure,
                "duplicate_node_id_description",
                "Duplicate node ID: '{{param(nodeID)}}'",
                &[("nodeID", &node.id)],
            ));
        }
    }
    let (mut starts, mut ends) = (0, 0);
    for node in nodes {
        if !nodes::NODE_TYPES.contains(&node.node_type.as_str()) {
            return Err(custom(
                ApiErrorCode::FlowMgtInvalidNodeConfig,
                "invalid_node_type_description",
                "Node '{{param(nodeID)}}' has invalid type '{{param(type)}}'",
                &[("nodeID", &node.id), ("type", &node.node_type)],
            ));
        }
        match node.node_type.as_str() {
            "START" => starts += 1,
            "END" => ends += 1,
            _ => {}
        }
    }
    let cardinality = |key: &str, text: &str| {
        Err(custom(
            ApiErrorCode::FlowMgtInvalidFlowStructure,
            key,
            text,
            &[],
        ))
    };
    match (starts, ends) {
        (0, _) => {
            return cardinality(
                "missing_start_node_description",
                "Flow definition must have exactly one START node",
            );
        }
        (2.., _) => {
            return cardinality(
                "duplicate_start_node_description",
                "Flow definition must have exactly one START node, found multiple",
            );
        }
        (_, 0) => {
            return cardinality(
                "missing_end_node_description",
                "Flow definition must have exactly one END node",
            );
        }
        (_, 2..) => {
            return cardinality(
                "duplicate_end_node_description",
                "Flow definition must have exactly one END node, found multiple",
            );
        }
        _ => {}
    }
    for node in nodes {
        for (target, field) in references(node) {
            if !index.contains_key(target) {
                return Err(custom(
                    ApiErrorCode::FlowMgtInvalidNodeReference,
                    "node_references_nonexistent_description",
                    "Node '{{param(sourceNodeID)}}' references non-existent node \
                     '{{param(targetNodeID)}}' in '{{param(fieldName)}}'",
                    &[
                        ("sourceNodeID", &node.id),
                        ("targetNodeID", target),
                        ("fieldName", field),
                    ],
                ));
            }
        }
    }
    let mut forward: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut backward: HashMap<&str, Vec<&str>> = HashMap::new();
    for node in nodes {
        for (target, _) in references(node) {
            forward.entry(node.id.as_str()).or_default().push(target);
            backward.entry(target).or_default().push(node.id.as_str());
        }
    }
    let of_type = |t: &str| {
        nodes
            .iter()
            .find(|n| n.node_type == t)
            .map(|n| n.id.as_str())
            .unwrap_or_default()
    };
    let reached = breadth_first(of_type("START"), &forward);
    if let Some(node) = nodes.iter().find(|n| !reached.contains(n.id.as_str())) {
        return Err(custom(
            ApiErrorCode::FlowMgtInvalidFlowStructure,
            "orphaned_node_description",
            "Node '{{param(nodeID)}}' is not reachable from the START node",
            &[("nodeID", &node.id)],
        ));
    }
    let ending = breadth_first(of_type("END"), &backward);
    if let Some(node) = nodes.iter().find(|n| !ending.contains(n.id.as_str())) {
        return Err(custom(
            ApiErrorCode::FlowMgtInvalidFlowStructure,
            "no_termination_description",
            "Node '{{param(nodeID)}}' has no path to the END node",
            &[("nodeID", &node.id)],
        ));
    }
    Ok(index)
}

fn breadth_first<'a>(from: &'a str, edges: &HashMap<&'a str, Vec<&'a str>>) -> HashSet<&'a str> {
    let mut seen = HashSet::from([from]);
    let mut queue = VecDeque::from([from]);
    while let Some(current) = queue.pop_front() {
        for &next in edges.get(current).into_iter().flatten() {
            if seen.insert(next) {
                queue.push_back(next);
            }
        }
    }
    seen
}

fn interceptors(interceptors: &[RawInterceptor], index: &Index<'_>, captcha: bool) -> Check {
    use ApiErrorCode::FlowMgtInvalidFlowData as Data;
    for (i, interceptor) in interceptors.iter().enumerate() {
        let name = interceptor.name.as_str();
        if name.is_empty() {
            return Err(custom(
                Data,
                "interceptor_name_required",
                "Interceptor at index {{param(index)}} must have a name",
                &[("index", &i.to_string())],
            ));
        }
        if DEFAULT_INTERCEPTORS.contains(&name) {
            return Err(custom(
                Data,
                "interceptor_default_not_configurable",
                "Default interceptor '{{param(interceptorName)}}' cannot be configured in a flow \
                 definition",
                &[("interceptorName", name)],
            ));
        }
        if !INTERCEPTOR_MODES.contains(&interceptor.mode.as_str()) {
            return Err(custom(
                Data,
                "interceptor_invalid_mode",
                "Interceptor '{{param(interceptorName)}}' has invalid mode '{{param(mode)}}'",
                &[("interceptorName", name), ("mode", &interceptor.mode)],
            ));
        }
        if !interceptor.scope.is_empty()
            && !INTERCEPTOR_SCOPES.contains(&interceptor.scope.as_str())
        {
            return Err(custom(
                Data,
                "interceptor_invalid_scope",
                "Interceptor '{{param(interceptorName)}}' has invalid scope '{{param(scope)}}'",
                &[("interceptorName", name), ("scope", &interceptor.scope)],
            ));
        }
        if interceptor.scope == "SELECTED" && interceptor.apply_to.is_empty() {
            return Err(custom(
                Data,
                "interceptor_selected_scope_requires_apply_to",
                "Interceptor with scope SELECTED must specify at least one node in applyTo",
                &[],
            ));
        }
        // Besides the defaults (refused above), only the captcha interceptor can be registered.
        if !(captcha && name == crate::flow::interceptors::CAPTCHA) {
            return Err(custom(
                Data,
                "interceptor_not_registered",
                "Interceptor '{{param(interceptorName)}}' is not registered",
                &[("interceptorName", name)],
            ));
        }
    }
    for interceptor in interceptors {
        if interceptor.scope != "SELECTED" {
            continue;
        }
        for node in &interceptor.apply_to {
            if !index.contains_key(node.as_str()) {
                return Err(custom(
                    ApiErrorCode::FlowMgtInvalidNodeReference,
                    "interceptor_invalid_apply_to_description",
                    "Interceptor '{{param(interceptorName)}}': applyTo references non-existent \
                     node '{{param(nodeID)}}'",
                    &[("interceptorName", &interceptor.name), ("nodeID", node)],
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_follow_the_servers_pattern() {
        for good in ["a", "7", "basic-login", "a_b-c9"] {
            assert!(is_valid_handle(good), "{good}");
        }
        for bad in ["", "-a", "a-", "A", "a b", "é", "_"] {
            assert!(!is_valid_handle(bad), "{bad}");
        }
    }
}
