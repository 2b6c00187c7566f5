//! `ValidateFlowDefinition` (`backend/internal/flow/mgt/validator.go`): metadata, structure, flow-type
//! constraints, each node, interceptors — in that order, the first failure wins.
//!
//! It reads the request as the server decodes it ([`RawFlow`]: strings where the server has strings,
//! so an unknown node type is FLM-1021 and not a decode failure), not as the engine's typed graph.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde::Deserialize;
use serde_json::{Map, Value};
use thunderid_protocol::flow::FlowType;
use thunderid_protocol::{ApiError, ApiErrorCode};

use crate::error::MockError;
use crate::flow::executors::substitute;
use crate::graph::ExecutorKind;

/// A flow definition as `FlowDefinitionRequest` decodes it; unknown members are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RawFlow {
    pub id: String,
    pub handle: String,
    pub name: String,
    pub flow_type: String,
    pub interceptors: Vec<RawInterceptor>,
    pub nodes: Vec<RawNode>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RawInterceptor {
    pub name: String,
    pub mode: String,
    pub scope: String,
    pub apply_to: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RawNode {
    pub id: String,
    #[serde(rename = "type")]
    pub node_type: String,
    pub prompts: Vec<RawPrompt>,
    pub next: String,
    pub properties: Map<String, Value>,
    pub executor: Option<RawExecutor>,
    pub on_success: String,
    pub on_failure: String,
    pub on_incomplete: String,
    pub condition: Option<RawCondition>,
    pub flow: Option<RawFlowRef>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RawPrompt {
    pub inputs: Vec<RawInput>,
    pub action: Option<RawAction>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RawAction {
    pub next_node: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawInput {
    pub identifier: String,
    #[serde(rename = "type")]
    pub input_type: String,
    pub validation: Vec<RawRule>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawRule {
    #[serde(rename = "type")]
    pub rule_type: String,
    pub value: Value,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RawExecutor {
    pub name: String,
    pub mode: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RawCondition {
    pub on_skip: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawFlowRef {
    #[serde(rename = "ref")]
    pub reference: String,
}

/// The executors the server registers (`internal/flow/executor`), by the name a graph uses.
const REGISTERED_EXECUTORS: &[&str] = &[
    "CredentialsAuthExecutor",
    "MagicLinkExecutor",
    "PasskeyAuthExecutor",
    "OAuthExecutor",
    "OIDCAuthExecutor",
    "GithubOAuthExecutor",
    "GoogleOIDCAuthExecutor",
    "IdentifyingExecutor",
    "AuthAssertExecutor",
    "ProvisioningExecutor",
    "AttributeCollector",
    "AuthorizationExecutor",
    "PermissionValidator",
    "OUExecutor",
    "HTTPRequestExecutor",
    "UserTypeResolver",
    "InviteExecutor",
    "EmailExecutor",
    "CredentialSetter",
    "ConsentExecutor",
    "OUResolverExecutor",
    "AttributeUniquenessValidator",
    "SMSExecutor",
    "FederatedAuthResolverExecutor",
    "SSOCheckExecutor",
    "SessionExecutor",
    "SessionSignOutExecutor",
    "OTPExecutor",
    "PreDeleteExecutor",
    "CriteriaRevocationExecutor",
    "SessionRevocationExecutor",
    "UserDeleteExecutor",
];

const NODE_TYPES: &[&str] = &["START", "END", "PROMPT", "TASK_EXECUTION", "CALL"];
const INPUT_TYPES: &[&str] = &[
    "TEXT_INPUT",
    "EMAIL_INPUT",
    "PASSWORD_INPUT",
    "OTP_INPUT",
    "PHONE_INPUT",
    "CONSENT_INPUT",
    "HIDDEN",
    "SELECT",
    "OU_SELECT",
    "NUMBER_INPUT",
    "DATE_INPUT",
    "BOOLEAN_INPUT",
];
const RULE_TYPES: &[&str] = &["regex", "minLength", "maxLength"];
const INTERCEPTOR_MODES: &[&str] = &["PRE_REQUEST", "PRE_NODE", "POST_NODE", "POST_REQUEST"];
const INTERCEPTOR_SCOPES: &[&str] = &["ALL", "SELECTED"];
/// Always-enforced interceptors a flow may not declare (`DefaultInterceptorNames`).
const DEFAULT_INTERCEPTORS: &[&str] = &["ChallengeTokenInterceptor"];
/// Registered interceptors besides the defaults: the captcha one registers only with a captcha
/// service configured, which a default server (and the mock) has not.
const REGISTERED_INTERCEPTORS: &[&str] = &["ChallengeTokenInterceptor"];

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
fn custom(code: ApiErrorCode, key_suffix: &str, text: &str, params: &[(&str, &str)]) -> MockError {
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

type Check = Result<(), MockError>;

/// Validate a sanitized definition.
pub(crate) fn validate(flow: &RawFlow) -> Check {
    metadata(flow)?;
    let index = structure(&flow.nodes)?;
    flow_type_constraints(&flow.flow_type, &flow.nodes)?;
    for node in &flow.nodes {
        node_format(node, &index)?;
        if node.node_type == "TASK_EXECUTION" {
            executor_constraints(node, &flow.flow_type)?;
            executor_specific(node, &index, &flow.nodes)?;
        }
    }
    interceptors(&flow.interceptors, &index)
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

type Index<'a> = HashMap<&'a str, &'a RawNode>;

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
        if !NODE_TYPES.contains(&node.node_type.as_str()) {
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

fn node_error(code: ApiErrorCode, key: &str, text: &str, node: &RawNode) -> Check {
    Err(custom(code, key, text, &[("nodeID", &node.id)]))
}

fn node_format(node: &RawNode, index: &Index<'_>) -> Check {
    use ApiErrorCode::{FlowMgtInvalidFlowData as Data, FlowMgtInvalidNodeConfig as Config};
    match node.node_type.as_str() {
        "START" => {
            if node.on_success.is_empty() {
                return node_error(
                    Data,
                    "start_node_missing_on_success_description",
                    "START node '{{param(nodeID)}}' must have onSuccess",
                    node,
                );
            }
            if node.executor.is_some() {
                return node_error(
                    Data,
                    "start_node_has_executor_description",
                    "START node '{{param(nodeID)}}' must not have an executor",
                    node,
                );
            }
            if !node.prompts.is_empty() {
                return node_error(
                    Data,
                    "start_node_has_prompts_description",
                    "START node '{{param(nodeID)}}' must not have prompts",
                    node,
                );
            }
            if !node.on_failure.is_empty() {
                return node_error(
                    Data,
                    "start_node_has_on_failure_description",
                    "START node '{{param(nodeID)}}' must not have onFailure",
                    node,
                );
            }
            if !node.on_incomplete.is_empty() {
                return node_error(
                    Data,
                    "start_node_has_on_incomplete_description",
                    "START node '{{param(nodeID)}}' must not have onIncomplete",
                    node,
                );
            }
            Ok(())
        }
        "END" => {
            let checks = [
                (!node.on_success.is_empty(), "on_success", "onSuccess"),
                (!node.on_failure.is_empty(), "on_failure", "onFailure"),
                (
                    !node.on_incomplete.is_empty(),
                    "on_incomplete",
                    "onIncomplete",
                ),
                (node.executor.is_some(), "executor", "an executor"),
                (!node.prompts.is_empty(), "prompts", "prompts"),
                (!node.next.is_empty(), "next", "next"),
            ];
            for (bad, key, what) in checks {
                if bad {
                    return node_error(
                        Data,
                        &format!("end_node_has_{key}_description"),
                        &format!("END node '{{{{param(nodeID)}}}}' must not have {what}"),
                        node,
                    );
                }
            }
            Ok(())
        }
        "TASK_EXECUTION" => {
            if node.executor.as_ref().is_none_or(|e| e.name.is_empty()) {
                return node_error(
                    Config,
                    "task_node_missing_executor_description",
                    "TASK_EXECUTION node '{{param(nodeID)}}' must have an executor with a \
                     non-empty name",
                    node,
                );
            }
            if node.on_success.is_empty() {
                return node_error(
                    Config,
                    "task_node_missing_on_success_description",
                    "TASK_EXECUTION node '{{param(nodeID)}}' must have onSuccess",
                    node,
                );
            }
            let not_prompt =
                |target: &str| index.get(target).is_some_and(|t| t.node_type != "PROMPT");
            if !node.on_failure.is_empty() && not_prompt(&node.on_failure) {
                return node_error(
                    Config,
                    "task_node_invalid_failure_target_description",
                    "TASK_EXECUTION node '{{param(nodeID)}}': onFailure must point to a PROMPT node",
                    node,
                );
            }
            if !node.on_incomplete.is_empty() && not_prompt(&node.on_incomplete) {
                return node_error(
                    Config,
                    "task_node_invalid_incomplete_target_description",
                    "TASK_EXECUTION node '{{param(nodeID)}}': onIncomplete must point to a PROMPT \
                     node",
                    node,
                );
            }
            Ok(())
        }
        "PROMPT" => prompt_node(node),
        "CALL" => call_node(node),
        _ => Ok(()),
    }
}

fn prompt_node(node: &RawNode) -> Check {
    use ApiErrorCode::FlowMgtInvalidNodeConfig as Config;
    match (node.prompts.is_empty(), node.next.is_empty()) {
        (false, false) => {
            return node_error(
                Config,
                "prompt_node_has_both_prompts_and_next_description",
                "PROMPT node '{{param(nodeID)}}' must have either prompts or next, not both",
                node,
            );
        }
        (true, true) => {
            return node_error(
                Config,
                "prompt_node_missing_prompts_or_next_description",
                "PROMPT node '{{param(nodeID)}}' must have either prompts or next",
                node,
            );
        }
        // Display-only: nothing more to check.
        (true, false) => return Ok(()),
        (false, true) => {}
    }
    for (i, prompt) in node.prompts.iter().enumerate() {
        if prompt
            .action
            .as_ref()
            .is_none_or(|a| a.next_node.is_empty())
        {
            return Err(custom(
                Config,
                "prompt_missing_action_description",
                "PROMPT node '{{param(nodeID)}}': prompt at index {{param(index)}} must have an \
                 action with nextNode",
                &[("nodeID", &node.id), ("index", &i.to_string())],
            ));
        }
        for input in &prompt.inputs {
            input_definition(&node.id, input)?;
        }
    }
    Ok(())
}

fn input_definition(node_id: &str, input: &RawInput) -> Check {
    use ApiErrorCode::FlowMgtInvalidInputConfig as InputConfig;
    let id = input.identifier.as_str();
    if !input.input_type.is_empty() && !INPUT_TYPES.contains(&input.input_type.as_str()) {
        return Err(custom(
            InputConfig,
            "invalid_input_type_description",
            "Node '{{param(nodeID)}}': input '{{param(inputID)}}' has invalid type \
             '{{param(type)}}'",
            &[
                ("nodeID", node_id),
                ("inputID", id),
                ("type", &input.input_type),
            ],
        ));
    }
    for rule in &input.validation {
        if !RULE_TYPES.contains(&rule.rule_type.as_str()) {
            return Err(custom(
                InputConfig,
                "invalid_validation_rule_type_description",
                "Node '{{param(nodeID)}}': input '{{param(inputID)}}' has invalid validation \
                 rule type '{{param(ruleType)}}'",
                &[
                    ("nodeID", node_id),
                    ("inputID", id),
                    ("ruleType", &rule.rule_type),
                ],
            ));
        }
        if rule.rule_type == "regex" {
            let Some(pattern) = rule.value.as_str() else {
                return Err(custom(
                    InputConfig,
                    "regex_rule_value_not_string_description",
                    "Node '{{param(nodeID)}}': input '{{param(inputID)}}' regex validation rule \
                     value must be a string",
                    &[("nodeID", node_id), ("inputID", id)],
                ));
            };
            if let Err(e) = crate::graph::compile_pattern(pattern) {
                // The text is the regex engine's own; Go's differs in wording, not in substance.
                let error = e.to_string().lines().last().unwrap_or_default().to_owned();
                return Err(custom(
                    InputConfig,
                    "invalid_regex_pattern_description",
                    "Node '{{param(nodeID)}}': input '{{param(inputID)}}' has invalid regex \
                     pattern: {{param(error)}}",
                    &[("nodeID", node_id), ("inputID", id), ("error", &error)],
                ));
            }
        }
    }
    Ok(())
}

fn call_node(node: &RawNode) -> Check {
    use ApiErrorCode::FlowMgtInvalidNodeConfig as Config;
    if node.flow.as_ref().is_none_or(|f| f.reference.is_empty()) {
        return node_error(
            Config,
            "call_node_missing_flow_ref_description",
            "CALL node '{{param(nodeID)}}' must have a flow reference with a non-empty ref",
            node,
        );
    }
    let checks = [
        (
            node.on_success.is_empty(),
            "missing_on_success",
            "must have onSuccess",
        ),
        (
            node.executor.is_some(),
            "has_executor",
            "must not have an executor",
        ),
        (
            !node.prompts.is_empty(),
            "has_prompts",
            "must not have prompts",
        ),
        (!node.next.is_empty(), "has_next", "must not have next"),
        (
            !node.on_incomplete.is_empty(),
            "has_on_incomplete",
            "must not have onIncomplete",
        ),
    ];
    for (bad, key, what) in checks {
        if bad {
            return node_error(
                Config,
                &format!("call_node_{key}_description"),
                &format!("CALL node '{{{{param(nodeID)}}}}' {what}"),
                node,
            );
        }
    }
    Ok(())
}

/// Registered, and the mode and flow type its meta allows.
fn executor_constraints(node: &RawNode, flow_type: &str) -> Check {
    let Some(executor) = &node.executor else {
        return Ok(());
    };
    let name = executor.name.as_str();
    // An executor the server has but the mock does not run is refused as unregistered: a flow the
    // mock accepted must be one it can run.
    let kind = REGISTERED_EXECUTORS
        .contains(&name)
        .then(|| ExecutorKind::from_name(name))
        .flatten();
    let Some(kind) = kind else {
        return Err(custom(
            ApiErrorCode::FlowMgtInvalidExecutorConfig,
            "executor_not_registered_description",
            "Node '{{param(nodeID)}}': executor '{{param(executorName)}}' is not registered",
            &[("nodeID", &node.id), ("executorName", name)],
        ));
    };
    if kind == ExecutorKind::PreDelete && !matches!(executor.mode.as_str(), "" | "revoke_all") {
        return Err(custom(
            ApiErrorCode::FlowMgtInvalidExecutorConfig,
            "unsupported_executor_mode_description",
            "Node '{{param(nodeID)}}': executor '{{param(executorName)}}' does not support mode \
             '{{param(mode)}}'",
            &[
                ("nodeID", &node.id),
                ("executorName", name),
                ("mode", &executor.mode),
            ],
        ));
    }
    if !kind.allowed_in(&FlowType::parse(flow_type)) {
        return Err(custom(
            ApiErrorCode::FlowMgtInvalidExecutorConfig,
            "unsupported_executor_flow_type_description",
            "Node '{{param(nodeID)}}': executor '{{param(executorName)}}' is not compatible with \
             flow type '{{param(flowType)}}'",
            &[
                ("nodeID", &node.id),
                ("executorName", name),
                ("flowType", flow_type),
            ],
        ));
    }
    Ok(())
}

/// `SSOCheckExecutor.checkpointRef` names a `SessionExecutor` node; every `SessionExecutor` is
/// named by one.
fn executor_specific(node: &RawNode, index: &Index<'_>, nodes: &[RawNode]) -> Check {
    let name = node.executor.as_ref().map(|e| e.name.as_str());
    match name {
        Some("SSOCheckExecutor") => {
            let Some(reference) = node
                .properties
                .get("checkpointRef")
                .filter(|v| !v.is_null())
            else {
                return Ok(());
            };
            let Some(target) = reference.as_str() else {
                return node_error(
                    ApiErrorCode::FlowMgtInvalidExecutorConfig,
                    "checkpoint_ref_not_string_description",
                    "Node '{{param(nodeID)}}': checkpointRef must be a string",
                    node,
                );
            };
            let params = [("nodeID", node.id.as_str()), ("targetNodeID", target)];
            match index.get(target) {
                None => Err(custom(
                    ApiErrorCode::FlowMgtInvalidNodeReference,
                    "checkpoint_ref_invalid_target_description",
                    "Node '{{param(nodeID)}}': checkpointRef references non-existent node \
                     '{{param(targetNodeID)}}'",
                    &params,
                )),
                Some(t)
                    if t.node_type != "TASK_EXECUTION"
                        || t.executor.as_ref().map(|e| e.name.as_str())
                            != Some("SessionExecutor") =>
                {
                    Err(custom(
                        ApiErrorCode::FlowMgtInvalidExecutorConfig,
                        "checkpoint_ref_not_session_description",
                        "Node '{{param(nodeID)}}': checkpointRef must reference a SessionExecutor \
                         node, got '{{param(targetNodeID)}}'",
                        &params,
                    ))
                }
                Some(_) => Ok(()),
            }
        }
        Some("SessionExecutor") => {
            let referenced = nodes.iter().any(|n| {
                n.node_type == "TASK_EXECUTION"
                    && n.executor.as_ref().map(|e| e.name.as_str()) == Some("SSOCheckExecutor")
                    && n.properties.get("checkpointRef").and_then(Value::as_str)
                        == Some(node.id.as_str())
            });
            if referenced {
                Ok(())
            } else {
                node_error(
                    ApiErrorCode::FlowMgtInvalidExecutorConfig,
                    "orphan_session_executor_description",
                    "SessionExecutor node '{{param(nodeID)}}' is not referenced by any \
                     SSOCheckExecutor via checkpointRef",
                    node,
                )
            }
        }
        _ => Ok(()),
    }
}

fn interceptors(interceptors: &[RawInterceptor], index: &Index<'_>) -> Check {
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
        if !REGISTERED_INTERCEPTORS.contains(&name) {
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
