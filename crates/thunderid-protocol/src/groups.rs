//! The group API (`api/group.yaml`, `backend/internal/group/`).
//!
//! | Call | Request | Response |
//! |---|---|---|
//! | `GET /groups[?limit&offset&include=display]` | — | 200 [`GroupListResponse`] |
//! | `POST /groups` | [`GroupRequest`] (with `members`) | 201 [`Group`] |
//! | `GET /groups/{id}` | — | 200 [`Group`] (never with `members`) |
//! | `PUT /groups/{id}` | [`GroupRequest`] (without `members`) | 200 [`Group`] |
//! | `DELETE /groups/{id}` | — | 204 |
//! | `GET /groups/{id}/members` | — | 200 [`MemberListResponse`] |
//! | `POST /groups/{id}/members/add`, `…/remove` | [`MembersRequest`] | 200 [`Group`] |
//! | `GET\|POST /groups/tree/{path}` | — / [`GroupRequest`] | 200 [`GroupListResponse`] / 201 [`Group`] |

use serde::{Deserialize, Serialize};

use crate::organizations::Link;

/// A group. `members` appear only in the create answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "ouId")]
    pub organization_unit_id: String,
    #[serde(rename = "ouHandle", default, skip_serializing_if = "Option::is_none")]
    pub organization_unit_handle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Member>>,
    pub is_read_only: bool,
}

/// A group in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupSummary {
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

/// A page of groups, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub groups: Vec<GroupSummary>,
    pub links: Vec<Link>,
}

/// A member of a group, or a principal a role is assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    #[serde(rename = "type")]
    pub member_type: MemberType,
    /// Only with `?include=display` on lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

open_enum! {
    /// What a member (or an assignee) is.
    pub enum MemberType {
        User = "user",
        App = "app",
        Agent = "agent",
        Group = "group",
    }
}

/// A page of members: users, apps and agents first, then groups, each by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub members: Vec<Member>,
    pub links: Vec<Link>,
}

/// `POST /groups` and `PUT /groups/{id}` (members are only read on create).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRequest {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "ouId", default)]
    pub organization_unit_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Member>>,
}

/// `POST /groups/{id}/members/add` and `…/remove`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersRequest {
    #[serde(default)]
    pub members: Vec<Member>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::oauth2::test_support::parse_exact;

    #[test]
    fn a_created_group_echoes_its_members() {
        let group: Group = parse_exact(json!({
            "id": "01900000-0000-7000-8000-000000000040", "name": "Administrators",
            "description": "System administrators group",
            "ouId": "01900000-0000-7000-8000-000000000001",
            "members": [{"id": "01900000-0000-7000-8000-000000000030", "type": "user"}],
            "isReadOnly": false
        }));
        insta::assert_json_snapshot!("group_created", group);
    }

    #[test]
    fn member_types_are_pinned() {
        crate::oauth2::test_support::pin_open_enum!(MemberType, unknown: "robot", {
            User => "user",
            App => "app",
            Agent => "agent",
            Group => "group",
        });
    }
}
