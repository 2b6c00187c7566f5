//! The resource server API (`api/resource.yaml`, `backend/internal/resource/`): resource servers,
//! their resources (a tree) and actions, whose `permission` strings roles grant and tokens carry.
//! Every call needs the `system` permission. Lists are newest first.
//!
//! | Call | Request | Response |
//! |---|---|---|
//! | `GET\|POST /resource-servers` | — / [`ResourceServerRequest`] | [`ResourceServerListResponse`] / 201 [`ResourceServer`] |
//! | `GET\|PUT\|DELETE /resource-servers/{id}` | — / [`ResourceServerRequest`] / — | [`ResourceServer`] / 204 |
//! | `GET\|POST /resource-servers/{rs}/resources[?parentId]` | — / [`ResourceRequest`] | [`ResourceListResponse`] / 201 [`Resource`] |
//! | `GET\|PUT\|DELETE /resource-servers/{rs}/resources/{id}` | — / [`ResourceRequest`] / — | [`Resource`] / 204 |
//! | `GET\|POST /resource-servers/{rs}/actions[?kind]` and `…/resources/{r}/actions` | — / [`ActionRequest`] | [`ActionListResponse`] / 201 [`Action`] |
//! | `GET\|PUT\|DELETE …/actions/{id}` | — / [`ActionRequest`] / — | [`Action`] / 204 |

use serde::{Deserialize, Serialize};

use crate::organizations::Link;

/// A resource server: its `identifier` is what `resource` names and what `aud` carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceServer {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub identifier: String,
    #[serde(rename = "type")]
    pub server_type: ResourceServerType,
    #[serde(rename = "ouId")]
    pub organization_unit_id: String,
    pub delimiter: String,
    pub is_read_only: bool,
}

open_enum! {
    /// A resource server's kind; the server shows an empty one as `CUSTOM`.
    pub enum ResourceServerType {
        Api = "API",
        Mcp = "MCP",
        Custom = "CUSTOM",
    }
}

/// `POST /resource-servers` and `PUT /resource-servers/{id}` (`type` and `delimiter` only on create).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceServerRequest {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub identifier: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub server_type: Option<String>,
    #[serde(rename = "ouId", default)]
    pub organization_unit_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
}

/// A page of resource servers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceServerListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub resource_servers: Vec<ResourceServer>,
    pub links: Vec<Link>,
}

/// A resource: its permission is its handle, under its parent's permission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub id: String,
    pub name: String,
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The parent resource's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Empty in the answer to an update (a server quirk).
    pub permission: String,
}

/// `POST …/resources` (`handle` and `parent` only on create) and `PUT …/resources/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRequest {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// A page of resources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub resources: Vec<Resource>,
    pub links: Vec<Link>,
}

/// An action, on a resource server or on a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    pub id: String,
    pub name: String,
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Empty in the answer to an update (a server quirk).
    pub permission: String,
    /// `tool` or `resource` (MCP servers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// `POST …/actions` (`handle` and `kind` only on create) and `PUT …/actions/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionRequest {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// A page of actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub actions: Vec<Action>,
    pub links: Vec<Link>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::oauth2::test_support::parse_exact;

    #[test]
    fn the_bootstrap_system_resource_server() {
        let server: ResourceServer = parse_exact(json!({
            "id": "01900000-0000-7000-8000-000000000020", "name": "System",
            "description": "System resource server", "identifier": "https://localhost:8090/mcp",
            "type": "CUSTOM", "ouId": "01900000-0000-7000-8000-000000000001", "delimiter": ":",
            "isReadOnly": false
        }));
        insta::assert_json_snapshot!("resource_server_system", server);
        let action: Action = parse_exact(json!({
            "id": "a", "name": "Read", "handle": "read", "permission": "booking:read"
        }));
        assert_eq!(action.kind, None);
    }

    #[test]
    fn server_types_are_pinned() {
        crate::oauth2::test_support::pin_open_enum!(ResourceServerType, unknown: "GRPC", {
            Api => "API",
            Mcp => "MCP",
            Custom => "CUSTOM",
        });
    }
}
