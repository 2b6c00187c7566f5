//! The flow management API (`flow-management.yaml`, `backend/internal/flow/mgt/model.go`): flows,
//! their versions, and restoring one. Requests are the graph types of [`super::graph`].

use serde::{Deserialize, Serialize};

use super::graph::{InterceptorDefinition, NodeDefinition};
use crate::organizations::Link;

/// A flow as `POST`/`GET`/`PUT /flows…` and restore return it (`CompleteFlowDefinition`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowResponse {
    pub id: String,
    pub handle: String,
    pub name: String,
    pub flow_type: String,
    /// Omitted when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub active_version: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interceptors: Vec<InterceptorDefinition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<NodeDefinition>,
    /// `YYYY-MM-DD HH:MM:SS`; omitted for declarative flows.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub created_at: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub updated_at: String,
    pub is_read_only: bool,
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

/// One item of `GET /flows` (`BasicFlowDefinition`): every member always present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowSummary {
    pub id: String,
    pub handle: String,
    pub flow_type: String,
    pub name: String,
    pub active_version: u32,
    pub created_at: String,
    pub updated_at: String,
    pub is_read_only: bool,
}

/// `GET /flows`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub flows: Vec<FlowSummary>,
    pub links: Vec<Link>,
}

/// `GET /flows/{id}/versions`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowVersionListResponse {
    pub total_versions: u64,
    pub versions: Vec<FlowVersionSummary>,
}

/// One kept version (`BasicFlowVersion`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowVersionSummary {
    pub version: u32,
    pub created_at: String,
    pub is_active: bool,
}

/// `GET /flows/{id}/versions/{version}` (`FlowVersion`): the flow's current name, that version's graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowVersionResponse {
    pub id: String,
    pub handle: String,
    pub name: String,
    pub flow_type: String,
    pub version: u32,
    pub is_active: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interceptors: Vec<InterceptorDefinition>,
    pub nodes: Vec<NodeDefinition>,
    pub created_at: String,
}

/// `POST /flows/{id}/restore`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreFlowVersionRequest {
    #[serde(default)]
    pub version: i64,
}
