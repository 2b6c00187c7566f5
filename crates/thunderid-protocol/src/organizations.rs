//! Organization units (`/organization-units/**`) and the legacy organization APIs.
//!
//! **Organization units** (`backend/internal/ou/`, `pkg/thunderidengine/providers/model.go`): reads
//! need `system:ou:view`, writes `system:ou`. `GET /organization-units` and
//! `GET /organization-units/{id}/ous` (children) answer [`OrganizationUnitListResponse`]; single-unit
//! calls answer [`OrganizationUnit`]; `POST` and `PUT` take [`OrganizationUnitRequest`]. Errors are
//! [`crate::ApiError`] (`OU-*`).
//!
//! **SDK children call**: the JS SDK calls `GET /api/server/v1/organization-units/{id}/children`, a path
//! the server does not have, and reads [`OrganizationUnitChildListResponse`].
//!
//! **Legacy organizations** (JS SDK before `fe15a52`, WSO2-style): `GET /api/users/v1/me/organizations`
//! and `GET /api/server/v1/organizations` ([`OrganizationListResponse`]), `POST` with
//! [`CreateOrganizationRequest`], `GET`/`PATCH /api/server/v1/organizations/{id}`
//! ([`OrganizationDetails`], a JSON array of [`OrganizationPatchOperation`]). There is no switch
//! endpoint on ThunderID; see [`crate::oauth2::token::OrganizationSwitchGrant`].

use serde::{Deserialize, Serialize};

use crate::ids::OrganizationUnitId;

pub mod legacy;

pub use legacy::{
    CreateOrganizationRequest, Organization, OrganizationDetails, OrganizationListResponse,
    OrganizationPatchKind, OrganizationPatchOperation, OrganizationReference, OrganizationType,
};

/// The id of the bundled `default` organization unit.
pub const DEFAULT_ORGANIZATION_UNIT_ID: &str = "01900000-0000-7000-8000-000000000001";

/// One organization unit (`providers.OrganizationUnit`). It has no `isReadOnly` (only list items do);
/// `parent`, the two flow flags and the timestamps are always written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationUnit {
    pub id: OrganizationUnitId,
    pub handle: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `null` for a root unit.
    #[serde(default)]
    pub parent: Option<OrganizationUnitId>,
    /// Always written.
    #[serde(default)]
    pub is_registration_flow_enabled: bool,
    /// Always written.
    #[serde(default)]
    pub is_recovery_flow_enabled: bool,
    #[serde(flatten)]
    pub settings: OrganizationUnitSettings,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
}

/// The optional design, flow and policy settings shared by units and their create/update requests
/// (every member omitted when empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationUnitSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_flow_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_flow_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_flow_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_out_flow_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_onboarding_flow_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tos_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cookie_policy_uri: Option<String>,
}

/// A unit in a list (`providers.OrganizationUnitBasic`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationUnitSummary {
    pub id: OrganizationUnitId,
    pub handle: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// Always written; true for declarative (file-defined) units.
    #[serde(default)]
    pub is_read_only: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// A page of units: root units, or the children of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationUnitListResponse {
    pub total_results: u64,
    /// 1-based.
    pub start_index: u64,
    pub count: u64,
    pub organization_units: Vec<OrganizationUnitSummary>,
    pub links: Vec<Link>,
}

/// A pagination link (`{"href":"organization-units?offset=2&limit=2","rel":"next"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub href: String,
    /// `first`, `prev`, `next`, `last`.
    pub rel: String,
}

/// `POST /organization-units` and `PUT /organization-units/{id}` (`OrganizationUnitRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationUnitRequest {
    /// 1–100 characters, unique among siblings.
    pub handle: String,
    /// 1–100 characters, unique among siblings.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Always written; `null` creates a root unit.
    #[serde(default)]
    pub parent: Option<OrganizationUnitId>,
    /// Absent means false.
    #[serde(default, skip_serializing_if = "crate::oauth2::is_false")]
    pub is_registration_flow_enabled: bool,
    /// Absent means false.
    #[serde(default, skip_serializing_if = "crate::oauth2::is_false")]
    pub is_recovery_flow_enabled: bool,
    #[serde(flatten)]
    pub settings: OrganizationUnitSettings,
}

/// The create body.
pub type CreateOrganizationUnitRequest = OrganizationUnitRequest;
/// The update body: the whole unit is replaced.
pub type UpdateOrganizationUnitRequest = OrganizationUnitRequest;

/// A child unit as the JS SDK's `getOrganizationUnitChildren` reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationUnitChild {
    pub id: OrganizationUnitId,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<OrganizationUnitId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// The SDK's children page (every member but the list optional).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationUnitChildListResponse {
    pub organization_units: Vec<OrganizationUnitChild>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_results: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_index: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

/// A user in `GET /organization-units/{id}/users` (`ou.User`); `display` only with `?include=display`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationUnitUser {
    pub id: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// `GET /organization-units/{id}/users` (`ou.UserListResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationUnitUserListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub users: Vec<OrganizationUnitUser>,
    pub links: Vec<Link>,
}

/// A group in `GET /organization-units/{id}/groups` (`ou.Group`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationUnitGroup {
    pub id: String,
    pub name: String,
}

/// `GET /organization-units/{id}/groups` (`ou.GroupListResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationUnitGroupListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub groups: Vec<OrganizationUnitGroup>,
    pub links: Vec<Link>,
}

/// A role in `GET /organization-units/{id}/roles` (`ou.Role`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationUnitRole {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Always written.
    #[serde(default)]
    pub is_read_only: bool,
}

/// `GET /organization-units/{id}/roles` (`ou.RoleListResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationUnitRoleListResponse {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub roles: Vec<OrganizationUnitRole>,
    pub links: Vec<Link>,
}

impl OrganizationUnitRequest {
    /// A request for a unit named `name` with handle `handle` under `parent` (`None` for a root).
    pub fn new(
        handle: impl Into<String>,
        name: impl Into<String>,
        parent: Option<OrganizationUnitId>,
    ) -> Self {
        Self {
            handle: handle.into(),
            name: name.into(),
            description: None,
            parent,
            is_registration_flow_enabled: false,
            is_recovery_flow_enabled: false,
            settings: OrganizationUnitSettings::default(),
        }
    }
}

impl From<&OrganizationUnit> for OrganizationUnitSummary {
    /// The list item of a unit. A unit does not say whether it is read-only, so this is false.
    fn from(unit: &OrganizationUnit) -> Self {
        Self {
            id: unit.id.clone(),
            handle: unit.handle.clone(),
            name: unit.name.clone(),
            description: unit.description.clone(),
            logo_url: unit.settings.logo_url.clone(),
            is_read_only: false,
            created_at: unit.created_at.clone(),
            updated_at: unit.updated_at.clone(),
        }
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the organization types.
    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::strategies::{opt_text, text};

    fn list<T: std::fmt::Debug>(item: impl Strategy<Value = T>) -> impl Strategy<Value = Vec<T>> {
        prop::collection::vec(item, 0..3)
    }

    fn unit_id() -> impl Strategy<Value = OrganizationUnitId> {
        text().prop_map(OrganizationUnitId::new)
    }

    /// Any [`OrganizationUnitSettings`].
    pub fn organization_unit_settings() -> impl Strategy<Value = OrganizationUnitSettings> {
        (
            (opt_text(), opt_text(), opt_text(), opt_text(), opt_text()),
            (
                opt_text(),
                opt_text(),
                opt_text(),
                opt_text(),
                opt_text(),
                opt_text(),
            ),
        )
            .prop_map(
                |(
                    (theme_id, layout_id, auth_flow_id, registration_flow_id, recovery_flow_id),
                    (
                        sign_out_flow_id,
                        user_onboarding_flow_id,
                        logo_url,
                        tos_uri,
                        policy_uri,
                        cookie_policy_uri,
                    ),
                )| OrganizationUnitSettings {
                    theme_id,
                    layout_id,
                    auth_flow_id,
                    registration_flow_id,
                    recovery_flow_id,
                    sign_out_flow_id,
                    user_onboarding_flow_id,
                    logo_url,
                    tos_uri,
                    policy_uri,
                    cookie_policy_uri,
                },
            )
    }

    /// Any [`OrganizationUnit`].
    pub fn organization_unit() -> impl Strategy<Value = OrganizationUnit> {
        (
            (
                unit_id(),
                text(),
                text(),
                opt_text(),
                proptest::option::of(unit_id()),
            ),
            (
                any::<bool>(),
                any::<bool>(),
                organization_unit_settings(),
                text(),
                text(),
            ),
        )
            .prop_map(
                |(
                    (id, handle, name, description, parent),
                    (
                        is_registration_flow_enabled,
                        is_recovery_flow_enabled,
                        settings,
                        created_at,
                        updated_at,
                    ),
                )| OrganizationUnit {
                    id,
                    handle,
                    name,
                    description,
                    parent,
                    is_registration_flow_enabled,
                    is_recovery_flow_enabled,
                    settings,
                    created_at,
                    updated_at,
                },
            )
    }

    /// Any [`OrganizationUnitSummary`].
    pub fn organization_unit_summary() -> impl Strategy<Value = OrganizationUnitSummary> {
        (
            unit_id(),
            text(),
            text(),
            opt_text(),
            opt_text(),
            any::<bool>(),
            text(),
            text(),
        )
            .prop_map(
                |(
                    id,
                    handle,
                    name,
                    description,
                    logo_url,
                    is_read_only,
                    created_at,
                    updated_at,
                )| OrganizationUnitSummary {
                    id,
                    handle,
                    name,
                    description,
                    logo_url,
                    is_read_only,
                    created_at,
                    updated_at,
                },
            )
    }

    /// Any [`Link`].
    pub fn link() -> impl Strategy<Value = Link> {
        (text(), text()).prop_map(|(href, rel)| Link { href, rel })
    }

    /// Any [`OrganizationUnitListResponse`].
    pub fn organization_unit_list_response() -> impl Strategy<Value = OrganizationUnitListResponse>
    {
        (
            any::<u64>(),
            any::<u64>(),
            any::<u64>(),
            list(organization_unit_summary()),
            list(link()),
        )
            .prop_map(
                |(total_results, start_index, count, organization_units, links)| {
                    OrganizationUnitListResponse {
                        total_results,
                        start_index,
                        count,
                        organization_units,
                        links,
                    }
                },
            )
    }

    /// Any [`OrganizationUnitRequest`].
    pub fn organization_unit_request() -> impl Strategy<Value = OrganizationUnitRequest> {
        (
            text(),
            text(),
            opt_text(),
            proptest::option::of(unit_id()),
            any::<bool>(),
            any::<bool>(),
            organization_unit_settings(),
        )
            .prop_map(
                |(handle, name, description, parent, registration, recovery, settings)| {
                    OrganizationUnitRequest {
                        handle,
                        name,
                        description,
                        parent,
                        is_registration_flow_enabled: registration,
                        is_recovery_flow_enabled: recovery,
                        settings,
                    }
                },
            )
    }

    /// Any [`OrganizationUnitChild`].
    pub fn organization_unit_child() -> impl Strategy<Value = OrganizationUnitChild> {
        (
            unit_id(),
            text(),
            opt_text(),
            proptest::option::of(unit_id()),
            opt_text(),
        )
            .prop_map(
                |(id, name, description, parent_id, status)| OrganizationUnitChild {
                    id,
                    name,
                    description,
                    parent_id,
                    status,
                },
            )
    }

    /// Any [`OrganizationUnitChildListResponse`].
    pub fn organization_unit_child_list_response()
    -> impl Strategy<Value = OrganizationUnitChildListResponse> {
        let count = || proptest::option::of(any::<u64>());
        (list(organization_unit_child()), count(), count(), count()).prop_map(
            |(organization_units, total_results, start_index, count)| {
                OrganizationUnitChildListResponse {
                    organization_units,
                    total_results,
                    start_index,
                    count,
                }
            },
        )
    }
}

#[cfg(test)]
mod tests;
