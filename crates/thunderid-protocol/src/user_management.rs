//! The user management API (`api/user.yaml`, `backend/internal/user/`, `backend/internal/entitytype/`):
//! users and user types, for administrators. The signed-in user's own endpoints are in
//! [`crate::users`].
//!
//! | Call | Request | Response |
//! |---|---|---|
//! | `GET /users[?limit&offset&filter&include=display]` | — | 200 [`UserListResponse`] |
//! | `POST /users` | [`CreateUserRequest`] | 201 [`crate::users::User`] |
//! | `GET /users/{id}` | — | 200 [`crate::users::User`] |
//! | `PUT /users/{id}` | [`UpdateUserRequest`] | 200 [`crate::users::User`] |
//! | `DELETE /users/{id}` | — | 204 |
//! | `GET /users/{id}/groups` | — | 200 [`UserGroupListResponse`] |
//! | `GET /users/{id}/usages` | — | 200 [`UsageResponse`] |
//! | `POST /users/{id}/update-credentials` | [`AdminCredentialsRequest`] | 204 |
//! | `GET /users/tree/{path}` | — | 200 [`UserListResponse`] (items carry only `id`, `isReadOnly`) |
//! | `POST /users/tree/{path}` | [`CreateUserRequest`] without `ouId` | 201 [`crate::users::User`] |
//! | `GET /user-types` | — | 200 [`UserTypeListResponse`] |
//! | `POST /user-types` | [`UserTypeRequest`] | 201 [`UserType`] |
//! | `GET /user-types/{id}` | — | 200 [`UserType`] |
//! | `PUT /user-types/{id}` | [`UserTypeRequest`] | 200 [`UserType`] |
//! | `DELETE /user-types/{id}` | — | 204 |

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::organizations::Link;
use crate::users::User;

/// A page of users (`UserListResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserListResponse {
    pub total_results: u64,
    /// 1-based.
    pub start_index: u64,
    pub count: u64,
    pub users: Vec<User>,
    pub links: Vec<Link>,
}

/// `POST /users` (and `POST /users/tree/{path}`, where the path names the unit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateUserRequest {
    /// Required (`ouId`); absent from the tree form.
    #[serde(rename = "ouId", default, skip_serializing_if = "Option::is_none")]
    pub organization_unit_id: Option<String>,
    /// The user type's name, e.g. `Person`.
    #[serde(rename = "type")]
    pub user_type: String,
    /// Credentials (schema `credential: true`) are stored hashed and never returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Map<String, Value>>,
    /// Accepted and ignored by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
}

/// `PUT /users/{id}`: the whole user; only `ouId`, `type` and `attributes` are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateUserRequest {
    #[serde(rename = "ouId", default)]
    pub organization_unit_id: String,
    #[serde(rename = "type", default)]
    pub user_type: String,
    /// Omitted: the attributes are cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Map<String, Value>>,
}

/// A group a user belongs to directly (`GET /users/{id}/groups`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroup {
    pub id: String,
    pub name: String,
    #[serde(rename = "ouId")]
    pub organization_unit_id: String,
}

/// A page of a user's groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub groups: Vec<UserGroup>,
    pub links: Vec<Link>,
}

/// What depends on a resource (`GET /users/{id}/usages`, and the other `…/usages`): the
/// dependency registry's answer. `totalResults` and `summary` are `null` when a provider could not
/// report (usage unknown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageResponse {
    pub total_results: Option<u64>,
    pub count: u64,
    pub summary: Option<BTreeMap<String, u64>>,
    pub usages: Vec<Usage>,
}

impl UsageResponse {
    /// Every usage, all of `kind` (the summary counts them under it; no entry when there is none).
    pub fn of(kind: &str, usages: Vec<Usage>) -> Self {
        let total = usages.len() as u64;
        let summary = if usages.is_empty() {
            BTreeMap::new()
        } else {
            BTreeMap::from([(kind.to_owned(), total)])
        };
        Self {
            total_results: Some(total),
            count: total,
            summary: Some(summary),
            usages,
        }
    }
}

impl UsageResponse {
    /// The registry's answer when a provider failed: usage unknown.
    pub fn unknown() -> Self {
        Self {
            total_results: None,
            count: 0,
            summary: None,
            usages: Vec::new(),
        }
    }

    /// Every usage, counted by its `resourceType` in the summary.
    pub fn counted(usages: Vec<Usage>) -> Self {
        let mut summary = BTreeMap::new();
        for usage in &usages {
            *summary.entry(usage.resource_type.clone()).or_insert(0) += 1;
        }
        let total = usages.len() as u64;
        Self {
            total_results: Some(total),
            count: total,
            summary: Some(summary),
            usages,
        }
    }
}

/// One resource depending on a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub resource_type: String,
    pub id: String,
    pub display_name: String,
    /// `restrict`: the user cannot be deleted while it exists.
    pub behavior_on_delete: String,
}

/// `POST /users/{id}/update-credentials` (the administrator's form: the key is `credentials`).
/// `Debug` prints only the credential names.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCredentialsRequest {
    pub credentials: Map<String, Value>,
}

impl fmt::Debug for AdminCredentialsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminCredentialsRequest")
            .field(
                "credentials",
                &self
                    .credentials
                    .keys()
                    .map(|name| (name, "[redacted]"))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// A user type (`EntityType`): a name, its unit and its attribute schema, kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserType {
    pub id: String,
    pub name: String,
    #[serde(rename = "ouId")]
    pub organization_unit_id: String,
    /// Only with `?include=display`.
    #[serde(rename = "ouHandle", default, skip_serializing_if = "Option::is_none")]
    pub organization_unit_handle: Option<String>,
    pub allow_self_registration: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_attributes: Option<SystemAttributes>,
    /// Attribute name → definition (`type`, `required`, `unique`, `credential`, `displayName`,
    /// `enum`, `regex`/`pattern`, `properties`, `items`).
    pub schema: Map<String, Value>,
}

/// A user type's system attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SystemAttributes {
    /// The attribute (dot path) shown as a user's `display`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// A user type in a list: no schema, with `isReadOnly`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserTypeSummary {
    pub id: String,
    pub name: String,
    #[serde(rename = "ouId")]
    pub organization_unit_id: String,
    #[serde(rename = "ouHandle", default, skip_serializing_if = "Option::is_none")]
    pub organization_unit_handle: Option<String>,
    pub allow_self_registration: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_attributes: Option<SystemAttributes>,
    pub is_read_only: bool,
}

/// A page of user types, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserTypeListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub types: Vec<UserTypeSummary>,
    pub links: Vec<Link>,
}

/// `POST /user-types` and `PUT /user-types/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserTypeRequest {
    pub name: String,
    #[serde(rename = "ouId")]
    pub organization_unit_id: String,
    #[serde(default)]
    pub allow_self_registration: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_attributes: Option<SystemAttributes>,
    /// Required on create; compiled (types, nested properties, patterns) before it is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Value>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::oauth2::test_support::parse_exact;

    #[test]
    fn a_user_page_and_a_user_type_are_the_servers_shapes() {
        let page: UserListResponse = parse_exact(json!({
            "totalResults": 1, "startIndex": 1, "count": 1,
            "users": [{"id": "u1", "ouId": "ou", "type": "Person",
                "attributes": {"username": "thor"}, "isReadOnly": false}],
            "links": [{"href": "/users?offset=1&limit=1", "rel": "next"}]
        }));
        insta::assert_json_snapshot!("user_list", page);
        let person: UserType = parse_exact(json!({
            "id": "01900000-0000-7000-8000-000000000010", "name": "Person",
            "ouId": "01900000-0000-7000-8000-000000000001", "allowSelfRegistration": true,
            "systemAttributes": {"display": "username"},
            "schema": {"username": {"type": "string", "displayName": "Username", "required": true, "unique": true},
                       "password": {"type": "string", "displayName": "Password", "credential": true}}
        }));
        insta::assert_json_snapshot!("user_type_person", person);
        let summary: UserTypeSummary = parse_exact(json!({
            "id": "t", "name": "Person", "ouId": "ou", "allowSelfRegistration": false,
            "isReadOnly": false
        }));
        assert!(!summary.is_read_only);
    }

    #[test]
    fn a_create_request_carries_the_type_name_and_attributes() {
        let request: CreateUserRequest = parse_exact(json!({
            "ouId": "ou", "type": "Person",
            "attributes": {"username": "e2e-test-user", "password": "E2ePassword@123"}
        }));
        assert_eq!(request.user_type, "Person");
        let credentials = AdminCredentialsRequest {
            credentials: json!({"password": "secret"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        };
        assert_eq!(
            format!("{credentials:?}"),
            r#"AdminCredentialsRequest { credentials: [("password", "[redacted]")] }"#
        );
    }
}
