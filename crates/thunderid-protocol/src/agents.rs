//! The agent management API (`api/agent.yaml`, `backend/internal/agent/`). Agent types are the
//! entity-type API under `/agent-types` and share [`crate::user_management::UserType`].
//!
//! | Call | Request | Response |
//! |---|---|---|
//! | `GET /agents` | `?limit&offset&filter&include=display` | 200 [`AgentListResponse`] |
//! | `POST /agents` | [`Agent`] | 201 [`Agent`] (with a generated `clientSecret`) |
//! | `GET /agents/{id}` | `?include=display` | 200 [`Agent`] (with `clientId`, no secret) |
//! | `PUT /agents/{id}` | [`Agent`] | 200 [`Agent`] |
//! | `DELETE /agents/{id}` | — | 204 |
//! | `GET /agents/{id}/groups` | `?limit&offset` | 200 [`AgentGroupListResponse`] |
//! | `GET /agents/{id}/roles` | `?limit&offset` | 200 [`AgentRoleListResponse`] |
//!
//! One type serves as request and answer, as for applications: fields in the server's order
//! (`AgentGetResponse`; the create and update answers have no `clientId`), empty ones omitted as
//! Go's `omitempty` omits them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::applications::InboundAuthProfile;
use crate::organizations::Link;

/// An agent (`CreateAgentRequest`, `AgentCompleteResponse`, `AgentGetResponse`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Agent {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(rename = "ouId", skip_serializing_if = "String::is_empty")]
    pub organization_unit_id: String,
    #[serde(rename = "ouHandle", skip_serializing_if = "String::is_empty")]
    pub organization_unit_handle: String,
    /// The agent type's name (`default`).
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub agent_type: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub logo_url: String,
    /// Only in `GET /agents/{id}`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub client_id: String,
    /// The entity (user, application or agent) that owns the agent; the creator when not given.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub owner: String,
    /// Attributes of the agent type's schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Value>,
    /// The inbound profile it shares with applications.
    #[serde(flatten)]
    pub profile: InboundAuthProfile,
}

/// An agent in a list (`BasicAgentResponse`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AgentSummary {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(rename = "ouId", skip_serializing_if = "String::is_empty")]
    pub organization_unit_id: String,
    /// Only with `?include=display`.
    #[serde(rename = "ouHandle", skip_serializing_if = "String::is_empty")]
    pub organization_unit_handle: String,
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub agent_type: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub logo_url: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub client_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub owner: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Value>,
    pub is_read_only: bool,
}

/// `GET /agents`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub agents: Vec<AgentSummary>,
    pub links: Vec<Link>,
}

/// A group an agent belongs to (`AgentGroup`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AgentGroup {
    pub id: String,
    pub name: String,
    #[serde(rename = "ouId")]
    pub organization_unit_id: String,
}

/// `GET /agents/{id}/groups`: direct memberships.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentGroupListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub groups: Vec<AgentGroup>,
    pub links: Vec<Link>,
}

/// `GET /agents/{id}/roles`: the names of the roles assigned to the agent or to its groups.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentRoleListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub roles: Vec<String>,
    pub links: Vec<Link>,
}
