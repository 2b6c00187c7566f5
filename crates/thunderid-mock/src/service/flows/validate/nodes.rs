//! The per-node scope of the validator: each node type's shape, prompt inputs and their rules,
//! CALL nodes, and the executor checks (registered, then `meta`'s mode, flow type, properties;
//! SSO checkpoints).

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::FlowType;

use super::super::raw::{RawInput, RawNode};
use super::{Check, Index, custom};
use crate::graph::ExecutorKind;

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
    "OpenID4VPVerifyExecutor",
];

pub(super) const NODE_TYPES: &[&str] = &["START", "END", "PROMPT", "TASK_EXECUTION", "CALL"];
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
fn node_error(code: ApiErrorCode, key: &str, text: &str, node: &RawNode) -> Check {
    Err(custom(code, key, text, &[("nodeID", &node.id)]))
}

pub(super) fn node_format(node: &RawNode, index: &Index<'_>) -> Check {
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
pub(super) fn executor_constraints(node: &RawNode, flow_type: &str) -> Check {
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
    super::meta::check_mode(node, name, &executor.mode)?;
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
    super::meta::check_properties(node, name, &executor.mode)
}

/// `SSOCheckExecutor.checkpointRef` names a `SessionExecutor` node; every `SessionExecutor` is
/// named by one.
pub(super) fn executor_specific(node: &RawNode, index: &Index<'_>, nodes: &[RawNode]) -> Check {
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
