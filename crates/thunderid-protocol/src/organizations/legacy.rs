//! `GET /api/users/v1/me/organizations`, `GET|POST /api/server/v1/organizations` and
//! `GET|PATCH /api/server/v1/organizations/{id}`
//!
//! The WSO2-style organization APIs the JS SDK called before `fe15a52` (`getMeOrganizations.ts`,
//! `getAllOrganizations.ts`, `createOrganization.ts`, `getOrganization.ts`, `updateOrganization.ts`).
//! The ThunderID server has none of them; the mock can serve them for the legacy SDK scenarios.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Link;

/// A legacy organization (the SDK's `Organization`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub org_handle: String,
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// A page of legacy organizations. `getMyOrganizations` reads only `organizations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationListResponse {
    #[serde(default)]
    pub organizations: Vec<Organization>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<Link>>,
}

/// One legacy organization in full (`GET`/`PATCH /api/server/v1/organizations/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationDetails {
    pub id: String,
    pub name: String,
    pub org_handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub organization_type: Option<OrganizationType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<OrganizationReference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, Value>>,
}

/// `parent` of a legacy organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationReference {
    pub id: String,
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// `POST /api/server/v1/organizations`. The SDK always sends `type: "TENANT"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOrganizationRequest {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_handle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(rename = "type")]
    pub organization_type: OrganizationType,
}

open_enum! {
    /// A legacy organization's `type`.
    pub enum OrganizationType {
        Tenant = "TENANT",
        Structural = "STRUCTURAL",
    }
}

/// One element of the legacy PATCH body (a JSON array of these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationPatchOperation {
    pub operation: OrganizationPatchKind,
    /// `/<attribute>`, e.g. `/name`.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

open_enum! {
    /// `operation` of an [`OrganizationPatchOperation`].
    pub enum OrganizationPatchKind {
        Add = "ADD",
        Replace = "REPLACE",
        Remove = "REMOVE",
    }
}

impl CreateOrganizationRequest {
    /// What the SDK's `createOrganization` sends: a `TENANT` named `name`.
    pub fn tenant(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: None,
            org_handle: None,
            parent_id: None,
            organization_type: OrganizationType::Tenant,
        }
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the legacy organization types.
    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::strategies::{json_value, open_enum, opt_text, text};
    use crate::organizations::strategies::link;

    fn list<T: std::fmt::Debug>(item: impl Strategy<Value = T>) -> impl Strategy<Value = Vec<T>> {
        prop::collection::vec(item, 0..3)
    }

    /// Any [`Organization`].
    pub fn organization() -> impl Strategy<Value = Organization> {
        (text(), text(), text(), opt_text(), opt_text()).prop_map(
            |(id, name, org_handle, reference, status)| Organization {
                id,
                name,
                org_handle,
                reference,
                status,
            },
        )
    }

    /// Any [`OrganizationListResponse`].
    pub fn organization_list_response() -> impl Strategy<Value = OrganizationListResponse> {
        (
            list(organization()),
            proptest::option::of(any::<bool>()),
            opt_text(),
            proptest::option::of(any::<u64>()),
            proptest::option::of(list(link())),
        )
            .prop_map(
                |(organizations, has_more, next_cursor, total_count, links)| {
                    OrganizationListResponse {
                        organizations,
                        has_more,
                        next_cursor,
                        total_count,
                        links,
                    }
                },
            )
    }

    /// Any [`OrganizationType`].
    pub fn organization_type() -> BoxedStrategy<OrganizationType> {
        open_enum(OrganizationType::ALL, OrganizationType::parse)
    }

    /// Any [`OrganizationDetails`].
    pub fn organization_details() -> impl Strategy<Value = OrganizationDetails> {
        let parent = (text(), opt_text())
            .prop_map(|(id, reference)| OrganizationReference { id, reference });
        (
            (
                text(),
                text(),
                text(),
                opt_text(),
                opt_text(),
                proptest::option::of(organization_type()),
            ),
            (
                opt_text(),
                opt_text(),
                proptest::option::of(parent),
                proptest::option::of(list(text())),
            ),
            proptest::option::of(prop::collection::btree_map(text(), json_value(), 0..3)),
        )
            .prop_map(
                |(
                    (id, name, org_handle, description, status, organization_type),
                    (created, last_modified, parent, permissions),
                    attributes,
                )| OrganizationDetails {
                    id,
                    name,
                    org_handle,
                    description,
                    status,
                    organization_type,
                    created,
                    last_modified,
                    parent,
                    permissions,
                    attributes,
                },
            )
    }

    /// Any [`CreateOrganizationRequest`].
    pub fn create_organization_request() -> impl Strategy<Value = CreateOrganizationRequest> {
        (
            text(),
            opt_text(),
            opt_text(),
            opt_text(),
            organization_type(),
        )
            .prop_map(
                |(name, description, org_handle, parent_id, organization_type)| {
                    CreateOrganizationRequest {
                        name,
                        description,
                        org_handle,
                        parent_id,
                        organization_type,
                    }
                },
            )
    }

    /// Any [`OrganizationPatchKind`].
    pub fn organization_patch_kind() -> BoxedStrategy<OrganizationPatchKind> {
        open_enum(OrganizationPatchKind::ALL, OrganizationPatchKind::parse)
    }

    /// Any [`OrganizationPatchOperation`].
    pub fn organization_patch_operation() -> impl Strategy<Value = OrganizationPatchOperation> {
        let value =
            json_value().prop_filter("null is the same as absent", |value| !value.is_null());
        (
            organization_patch_kind(),
            text(),
            proptest::option::of(value),
        )
            .prop_map(|(operation, path, value)| OrganizationPatchOperation {
                operation,
                path,
                value,
            })
    }
}
