//! The role API (`api/role.yaml`, `backend/internal/role/`). Every call needs the `system`
//! permission.
//!
//! | Call | Request | Response |
//! |---|---|---|
//! | `GET /roles` | — | 200 [`RoleListResponse`] (newest first) |
//! | `POST /roles` | [`RoleRequest`] | 201 [`Role`] with `assignments` |
//! | `GET /roles/{id}` | — | 200 [`Role`] |
//! | `PUT /roles/{id}` | [`RoleRequest`] (without assignments) | 200 [`Role`] |
//! | `DELETE /roles/{id}` | — | 204 |
//! | `GET /roles/{id}/assignments[?type]` | — | 200 [`AssignmentListResponse`] |
//! | `POST /roles/{id}/assignments/add`, `…/remove` | [`AssignmentsRequest`] | 204 |

use serde::{Deserialize, Serialize};

use crate::groups::Member;
use crate::organizations::Link;

/// A role and the permissions it grants, by resource server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "ouId")]
    pub organization_unit_id: String,
    #[serde(rename = "ouHandle", default, skip_serializing_if = "Option::is_none")]
    pub organization_unit_handle: Option<String>,
    /// As sent on create and update (`null` when an update sent none).
    pub permissions: Option<Vec<ResourcePermissions>>,
    /// Only in the create answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignments: Option<Vec<Member>>,
}

/// The permissions a role holds on one resource server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcePermissions {
    pub resource_server_id: String,
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// A role in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleSummary {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "ouId")]
    pub organization_unit_id: String,
    #[serde(rename = "ouHandle", default, skip_serializing_if = "Option::is_none")]
    pub organization_unit_handle: Option<String>,
    pub is_read_only: bool,
}

/// A page of roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub roles: Vec<RoleSummary>,
    pub links: Vec<Link>,
}

/// `POST /roles` and `PUT /roles/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleRequest {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "ouId", default)]
    pub organization_unit_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<ResourcePermissions>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignments: Option<Vec<Member>>,
}

/// `POST /roles/{id}/assignments/add` and `…/remove`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentsRequest {
    #[serde(default)]
    pub assignments: Vec<Member>,
}

/// A page of a role's assignments, in assignment order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignmentListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub assignments: Vec<Member>,
    pub links: Vec<Link>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::oauth2::test_support::parse_exact;

    #[test]
    fn the_bootstrap_administrator_role() {
        let role: Role = parse_exact(json!({
            "id": "01900000-0000-7000-8000-000000000050", "name": "Administrator",
            "description": "System administrator role with full permissions",
            "ouId": "01900000-0000-7000-8000-000000000001", "ouHandle": "default",
            "permissions": [{"resourceServerId": "01900000-0000-7000-8000-000000000020", "permissions": ["system"]}]
        }));
        insta::assert_json_snapshot!("role_administrator", role);
        let updated_without_permissions: Role = parse_exact(json!({
            "id": "r", "name": "n", "ouId": "ou", "permissions": null
        }));
        assert_eq!(updated_without_permissions.permissions, None);
    }
}
