//! A flow definition as the server decodes it: strings where its model has strings, so a bad
//! value is a validation error with its code and not a decode failure. Unknown members are ignored.

use serde::Deserialize;
use serde_json::{Map, Value};

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
