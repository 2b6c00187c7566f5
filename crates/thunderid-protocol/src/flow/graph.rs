//! Flow graph definitions, the format the mock loads from fixture files: the JSON form of the
//! server's `CompleteFlowDefinition` and `NodeDefinition` (`providers/model.go`), as used by the
//! flow-management API (`/flows`) and the bundled `resource_type: flow` resources.
//!
//! Unknown members are ignored, as the server ignores them; `layout` (canvas position) is kept
//! opaque so a graph round-trips. Closed enums ([`NodeType`], [`InterceptorMode`],
//! [`InterceptorScope`]) reject typos at load time.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::flow::component::FlowMeta;
use crate::flow::execute::FlowType;
use crate::flow::input::{ActionType, Input};

closed_enum! {
    /// A node's `type` (`flow/common/constants.go`, `ValidNodeTypes`).
    pub enum NodeType {
        /// Entry point; continues at `onSuccess`.
        Start = "START",
        /// Exit point.
        End = "END",
        /// Asks the user for inputs (or shows a message, when it has `next`).
        Prompt = "PROMPT",
        /// Runs an executor.
        TaskExecution = "TASK_EXECUTION",
        /// Runs another flow (`flow.ref`), then resumes at `onSuccess`.
        Call = "CALL",
    }
}

closed_enum! {
    /// When an interceptor runs.
    pub enum InterceptorMode {
        PreRequest = "PRE_REQUEST",
        PreNode = "PRE_NODE",
        PostNode = "POST_NODE",
        PostRequest = "POST_REQUEST",
    }
}

closed_enum! {
    /// Which nodes a per-node interceptor applies to.
    pub enum InterceptorScope {
        All = "ALL",
        /// The nodes listed in `applyTo`.
        Selected = "SELECTED",
    }
}

open_enum! {
    /// A PROMPT node's `variant`.
    pub enum NodeVariant {
        /// Filters the prompt's actions by the request's `acr_values`.
        LoginOptions = "LOGIN_OPTIONS",
    }
}

/// A flow definition's id (a UUID): the graph `id`, a CALL node's `flow.ref`, the request's `flowId`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FlowDefinitionId(String);

/// A complete flow definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowDefinition {
    /// UUID; referenced by CALL nodes and application configs.
    pub id: FlowDefinitionId,
    /// URL-friendly handle, e.g. `default-flow`. Unique per flow type.
    pub handle: String,
    /// Display name.
    pub name: String,
    /// The kind of flow this graph implements.
    pub flow_type: FlowType,
    /// Version number of the active definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_version: Option<u32>,
    /// Declarative (bundled) flows are read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_read_only: Option<bool>,
    /// Flow-declared interceptors (the default ones always run).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interceptors: Vec<InterceptorDefinition>,
    /// The nodes; exactly one should be START.
    #[serde(default)]
    pub nodes: Vec<NodeDefinition>,
    /// Creation timestamp (management API only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Last update timestamp (management API only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// An interceptor declared on a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InterceptorDefinition {
    /// Registered interceptor name, e.g. `CaptchaInterceptor`.
    pub name: String,
    /// When it runs.
    pub mode: InterceptorMode,
    /// Which nodes it applies to (per-node modes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<InterceptorScope>,
    /// Node ids, for `scope: SELECTED`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apply_to: Vec<String>,
    /// Interceptor configuration.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub properties: Map<String, Value>,
}

/// One node of a flow graph. Which members apply depends on `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeDefinition {
    /// Unique within the flow.
    pub id: String,
    /// What the node does.
    #[serde(rename = "type")]
    pub node_type: NodeType,
    /// Flow-builder canvas position; ignored, kept as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<Value>,
    /// PROMPT: the UI components. Also accepted as a JSON-encoded string, the form the server's
    /// YAML marshaller writes (`NodeDefinition.UnmarshalYAML`); always written as an object.
    #[serde(
        default,
        deserialize_with = "meta_object_or_json_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub meta: Option<FlowMeta>,
    /// PROMPT: groups of inputs, each with the action that submits them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prompts: Vec<PromptDefinition>,
    /// PROMPT sub-type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<NodeVariant>,
    /// Display-only PROMPT: the node to continue at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Display-only PROMPT: the message for non-verbose clients (`additionalData.message`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Executor configuration (`idpId`, `emailTemplate`, `promptOnSignOut`, …).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub properties: Map<String, Value>,
    /// TASK_EXECUTION: the executor to run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executor: Option<ExecutorDefinition>,
    /// START, TASK_EXECUTION, CALL: the next node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_success: Option<String>,
    /// TASK_EXECUTION: where an executor FAILURE goes; absent means flow ERROR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<String>,
    /// TASK_EXECUTION: the PROMPT that collects the executor's missing inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_incomplete: Option<String>,
    /// Run the node only when a runtime value matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<ConditionDefinition>,
    /// CALL: the flow to run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<FlowReference>,
}

/// A prompt's inputs and the action that submits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptDefinition {
    /// The inputs this prompt asks for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<Input>,
    /// The action that submits them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<ActionDefinition>,
}

/// A prompt action (`ActionDefinition`). Unlike a response's `Action`, `ref` and `nextNode` are
/// required and always written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionDefinition {
    /// The action `ref` the client sends.
    #[serde(default, rename = "ref")]
    pub reference: String,
    /// Forwarded to the next node's executor, e.g. `CONFIRM`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub action_type: Option<ActionType>,
    /// The node to continue at.
    pub next_node: String,
}

/// The executor of a TASK_EXECUTION node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutorDefinition {
    /// e.g. `CredentialsAuthExecutor`.
    pub name: String,
    /// e.g. `generate`/`verify` for OTPExecutor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Inputs the executor needs (overriding its built-in ones).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<Input>,
}

/// Run the node only when runtime data `key` equals `value`; otherwise continue at `onSkip`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConditionDefinition {
    /// Runtime data key.
    pub key: String,
    /// Value it must equal.
    pub value: String,
    /// Node to continue at when it does not.
    pub on_skip: String,
}

/// `flow` of a CALL node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowReference {
    /// The callee flow.
    #[serde(rename = "ref")]
    pub reference: FlowDefinitionId,
}

impl FlowDefinitionId {
    /// Wraps an id.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id, unwrapped.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for FlowDefinitionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for FlowDefinitionId {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl From<String> for FlowDefinitionId {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl FlowDefinition {
    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&NodeDefinition> {
        self.nodes.iter().find(|node| node.id == id)
    }

    /// The START node, if there is exactly one.
    pub fn start_node(&self) -> Option<&NodeDefinition> {
        let mut starts = self
            .nodes
            .iter()
            .filter(|node| node.node_type == NodeType::Start);
        match (starts.next(), starts.next()) {
            (Some(start), None) => Some(start),
            _ => None,
        }
    }
}

impl NodeDefinition {
    /// A node with only `id` and `type`.
    pub fn new(id: impl Into<String>, node_type: NodeType) -> Self {
        Self {
            id: id.into(),
            node_type,
            layout: None,
            meta: None,
            prompts: Vec::new(),
            variant: None,
            next: None,
            message: None,
            properties: Map::new(),
            executor: None,
            on_success: None,
            on_failure: None,
            on_incomplete: None,
            condition: None,
            flow: None,
        }
    }
}

/// `meta` is an object in JSON, but a JSON-encoded string when written by the server's YAML path.
fn meta_object_or_json_string<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<FlowMeta>, D::Error> {
    use serde::de::Error;

    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(encoded)) => serde_json::from_str(&encoded)
            .map(Some)
            .map_err(D::Error::custom),
        Some(object) => serde_json::from_value(object)
            .map(Some)
            .map_err(D::Error::custom),
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for flow graph definitions.
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::flow::component::strategies::flow_meta;
    use crate::flow::execute::strategies::flow_type;
    use crate::flow::input::strategies::{action_type, input};
    use crate::flow::strategies::{extra_map, open_enum, text, word};

    /// Arbitrary [`NodeType`] values.
    pub fn node_type() -> impl Strategy<Value = NodeType> {
        prop::sample::select(NodeType::ALL)
    }

    /// Arbitrary [`NodeVariant`] values.
    pub fn node_variant() -> impl Strategy<Value = NodeVariant> {
        open_enum(NodeVariant::ALL, NodeVariant::parse)
    }

    /// Arbitrary [`InterceptorDefinition`] values.
    pub fn interceptor_definition() -> impl Strategy<Value = InterceptorDefinition> {
        (
            word(),
            prop::sample::select(InterceptorMode::ALL),
            proptest::option::of(prop::sample::select(InterceptorScope::ALL)),
            prop::collection::vec(word(), 0..3),
            extra_map(&[]),
        )
            .prop_map(
                |(name, mode, scope, apply_to, properties)| InterceptorDefinition {
                    name,
                    mode,
                    scope,
                    apply_to,
                    properties,
                },
            )
    }

    /// Arbitrary [`ActionDefinition`] values.
    pub fn action_definition() -> impl Strategy<Value = ActionDefinition> {
        (word(), proptest::option::of(action_type()), word()).prop_map(
            |(reference, action_type, next_node)| ActionDefinition {
                reference,
                action_type,
                next_node,
            },
        )
    }

    /// Arbitrary [`PromptDefinition`] values.
    pub fn prompt_definition() -> impl Strategy<Value = PromptDefinition> {
        (
            prop::collection::vec(input(), 0..3),
            proptest::option::of(action_definition()),
        )
            .prop_map(|(inputs, action)| PromptDefinition { inputs, action })
    }

    /// Arbitrary [`ExecutorDefinition`] values.
    pub fn executor_definition() -> impl Strategy<Value = ExecutorDefinition> {
        (
            word(),
            proptest::option::of(word()),
            prop::collection::vec(input(), 0..2),
        )
            .prop_map(|(name, mode, inputs)| ExecutorDefinition { name, mode, inputs })
    }

    /// Arbitrary [`ConditionDefinition`] values.
    pub fn condition_definition() -> impl Strategy<Value = ConditionDefinition> {
        (word(), text(), word()).prop_map(|(key, value, on_skip)| ConditionDefinition {
            key,
            value,
            on_skip,
        })
    }

    /// Arbitrary [`NodeDefinition`] values.
    pub fn node_definition() -> impl Strategy<Value = NodeDefinition> {
        let layout = (any::<i16>(), any::<i16>())
            .prop_map(|(x, y)| json!({ "position": { "x": x, "y": y } }));
        let head = (
            word(),
            node_type(),
            proptest::option::of(layout),
            proptest::option::of(flow_meta()),
            prop::collection::vec(prompt_definition(), 0..3),
            proptest::option::of(node_variant()),
            proptest::option::of(word()),
            proptest::option::of(text()),
        );
        let tail = (
            extra_map(&[]),
            proptest::option::of(executor_definition()),
            proptest::option::of(word()),
            proptest::option::of(word()),
            proptest::option::of(word()),
            proptest::option::of(condition_definition()),
            proptest::option::of(word().prop_map(|id| FlowReference {
                reference: FlowDefinitionId::new(id),
            })),
        );
        (head, tail).prop_map(
            |(
                (id, node_type, layout, meta, prompts, variant, next, message),
                (properties, executor, on_success, on_failure, on_incomplete, condition, flow),
            )| NodeDefinition {
                id,
                node_type,
                layout,
                meta,
                prompts,
                variant,
                next,
                message,
                properties,
                executor,
                on_success,
                on_failure,
                on_incomplete,
                condition,
                flow,
            },
        )
    }

    /// Arbitrary [`FlowDefinition`] values.
    pub fn flow_definition() -> impl Strategy<Value = FlowDefinition> {
        (
            (
                word().prop_map(FlowDefinitionId::new),
                word(),
                text(),
                flow_type(),
            ),
            (
                proptest::option::of(any::<u32>()),
                proptest::option::of(any::<bool>()),
            ),
            prop::collection::vec(interceptor_definition(), 0..2),
            prop::collection::vec(node_definition(), 0..4),
            (proptest::option::of(text()), proptest::option::of(text())),
        )
            .prop_map(
                |(
                    (id, handle, name, flow_type),
                    (active_version, is_read_only),
                    interceptors,
                    nodes,
                    (created_at, updated_at),
                )| {
                    FlowDefinition {
                        id,
                        handle,
                        name,
                        flow_type,
                        active_version,
                        is_read_only,
                        interceptors,
                        nodes,
                        created_at,
                        updated_at,
                    }
                },
            )
    }
}
