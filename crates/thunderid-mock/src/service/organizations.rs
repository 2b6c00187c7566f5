//! Organizations, two generations over one model ([`crate::store::organizations`]), for
//! `routes::organizations`:
//!
//! * [`units`] and [`tree`]: the real server's organization-unit API (`backend/internal/ou/`):
//!   `/organization-units`, `/organization-units/{id}[/ous|users|groups|roles]` and
//!   `/organization-units/tree/{handle-path}[/…]`.
//! * [`legacy`]: what the JS SDKs call and the real server does not have: the SDK's children path
//!   `/api/server/v1/organization-units/{id}/children`, and the WSO2-style organization APIs of the
//!   SDKs before `fe15a52` (`/api/users/v1/me/organizations`, `/api/server/v1/organizations[/{id}]`).
//!   A legacy "organization" is an organization unit.
//!
//! Authorization is the real server's two layers. The security middleware needs `system:ou:view`
//! to read and `system:ou` to write (`system` covers both): 401 AUTH-4010 without a valid token, 403
//! AUTH-4030 without the permission. Then the service asks the system authorization service
//! (`backend/internal/system/sysauthz/`) per action ([`Action`]): `system` may do anything; other
//! callers need the action's own permission (listing children needs `system:ou`, listing users
//! `system:user:view`, listing groups `system:group:view`) and may only touch their own unit, the
//! token's `ouId` claim (an action without a unit, such as creating a root unit, is allowed). A
//! refusal there is 403 `SSE-4030`. Lists are filtered the same way: a caller without `system`
//! sees only its own unit.
//!
//! The first layer runs in `crate::security` before any of this; the services here take its verified
//! [`Principal`] as a [`Caller`].
//!
//! Errors are envelope A (`OU-*`), statuses as the OU handler maps them; an invalid JSON body is
//! OU-1001, a body failing the request struct's tags (`handle`/`name` required, at most 100 bytes;
//! URIs at most 2048) is the server's `INVALID_INPUT_METADATA` body ([`MockError::FieldValidation`]).

mod filter;
pub(crate) mod legacy;
pub(crate) mod members;
mod request;
pub(crate) mod tree;
pub(crate) mod units;

use std::collections::HashSet;

use serde::Serialize;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::FlowType;
use thunderid_protocol::ids::OrganizationUnitId;
use thunderid_protocol::organizations::{
    OrganizationUnit, OrganizationUnitGroupListResponse, OrganizationUnitListResponse,
    OrganizationUnitRequest, OrganizationUnitRoleListResponse, OrganizationUnitSummary,
    OrganizationUnitUserListResponse,
};

use crate::error::MockError;
use crate::store::directory::Directory;
use crate::store::organizations::{UnitError, UnitRecord, rfc3339};
use crate::store::registry::Registry;

use request::{read_unit_request, sanitize};

/// One of a unit's lists.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum UnitList {
    Units(OrganizationUnitListResponse),
    Users(OrganizationUnitUserListResponse),
    Groups(OrganizationUnitGroupListResponse),
    Roles(OrganizationUnitRoleListResponse),
}

pub(crate) use super::access::Caller;
pub(super) use super::access::{Action, check_access};
use super::request::PagingRules;
pub(super) use super::request::{Paging, Query};

/// The OU handler's `limit`/`offset`: lenient, OU-1011/OU-1012.
pub(super) const OU_PAGING: PagingRules = PagingRules {
    limit: ApiErrorCode::OuInvalidLimit,
    offset: ApiErrorCode::OuInvalidOffset,
    lenient: true,
};

/// `GetAccessibleResources` for listing units: `None` means every unit, otherwise only these ids.
pub(super) fn accessible_units(caller: &Caller) -> Option<Vec<String>> {
    super::access::accessible_units(caller, Action::ListUnits, None)
}

pub(super) fn api(code: ApiErrorCode) -> MockError {
    MockError::api(code)
}

pub(super) fn unit_error(error: UnitError) -> MockError {
    api(match error {
        UnitError::NotFound => ApiErrorCode::OuNotFound,
        UnitError::ParentNotFound => ApiErrorCode::OuParentNotFound,
        UnitError::Circular => ApiErrorCode::OuCircularDependency,
        UnitError::NameConflict => ApiErrorCode::OuNameConflict,
        UnitError::HandleConflict => ApiErrorCode::OuHandleConflict,
        UnitError::HasDependents => ApiErrorCode::OuCannotDelete,
    })
}

/// A page of units as `OrganizationUnitListResponse`.
pub(super) fn unit_page(
    units: Vec<&UnitRecord>,
    paging: Paging,
    base: &str,
    declared: &HashSet<String>,
) -> OrganizationUnitListResponse {
    let (page, total) = paging.slice(units);
    OrganizationUnitListResponse {
        total_results: total,
        start_index: paging.start_index(),
        count: page.len() as u64,
        organization_units: page
            .into_iter()
            .map(|unit| {
                let mut item = summary(unit);
                item.is_read_only = declared.contains(&unit.id);
                item
            })
            .collect(),
        links: paging.links(base, total, ""),
    }
}

/// A unit as the single-unit calls return it.
pub(super) fn unit_body(unit: &UnitRecord) -> OrganizationUnit {
    OrganizationUnit {
        id: OrganizationUnitId::new(unit.id.clone()),
        handle: unit.handle.clone(),
        name: unit.name.clone(),
        description: non_empty(&unit.description),
        parent: unit.parent.clone().map(OrganizationUnitId::new),
        is_registration_flow_enabled: unit.is_registration_flow_enabled,
        is_recovery_flow_enabled: unit.is_recovery_flow_enabled,
        settings: unit.settings.clone(),
        created_at: rfc3339(unit.created_at),
        updated_at: rfc3339(unit.updated_at),
    }
}

/// A unit as a list item (`OrganizationUnitBasic`; read-only only when a declarative file
/// loaded it, which `unit_page` says).
pub(super) fn summary(unit: &UnitRecord) -> OrganizationUnitSummary {
    OrganizationUnitSummary::from(&unit_body(unit))
}

pub(super) fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// `CreateOrganizationUnit` after the handler: name and handle, authorization on the parent, the
/// parent's existence, the default flows, then the store (sibling conflicts).
pub(super) fn create_unit_record(
    registry: &Registry,
    directory: &mut Directory,
    caller: &Caller,
    request: &OrganizationUnitRequest,
    now: u64,
    id: Option<String>,
) -> Result<UnitRecord, MockError> {
    check_names(request)?;
    let parent = request
        .parent
        .as_ref()
        .map(|p| p.as_str())
        .unwrap_or_default();
    check_access(caller, Action::CreateUnit, parent)?;
    if request.parent.is_some() && directory.units.get(parent).is_none() {
        return Err(api(ApiErrorCode::OuParentNotFound));
    }
    check_flows(registry, request)?;
    directory
        .units
        .create_as(request, now, id)
        .map_err(unit_error)
}

/// `updateOUInternal`: name and handle, the default flows, then the store (parent, cycle,
/// conflicts). The caller has checked authorization and that the unit exists.
pub(super) fn update_unit_record(
    registry: &Registry,
    directory: &mut Directory,
    id: &str,
    request: &OrganizationUnitRequest,
    now: u64,
) -> Result<UnitRecord, MockError> {
    check_names(request)?;
    check_flows(registry, request)?;
    directory.units.update(id, request, now).map_err(unit_error)
}

/// `validateOUName` and `validateOUHandle` on the sanitized request: OU-1001.
fn check_names(request: &OrganizationUnitRequest) -> Result<(), MockError> {
    let handle = request.handle.trim();
    if request.name.trim().is_empty() || handle.is_empty() || handle.contains('/') {
        return Err(api(ApiErrorCode::OuInvalidRequestFormat));
    }
    Ok(())
}

/// `validateDefaultFlows`: each default flow id, when set, names a fixture flow of its type.
fn check_flows(registry: &Registry, request: &OrganizationUnitRequest) -> Result<(), MockError> {
    let settings = &request.settings;
    let checks = [
        (
            &settings.auth_flow_id,
            FlowType::Authentication,
            ApiErrorCode::OuInvalidAuthFlowId,
        ),
        (
            &settings.registration_flow_id,
            FlowType::Registration,
            ApiErrorCode::OuInvalidRegistrationFlowId,
        ),
        (
            &settings.recovery_flow_id,
            FlowType::Recovery,
            ApiErrorCode::OuInvalidRecoveryFlowId,
        ),
        (
            &settings.sign_out_flow_id,
            FlowType::SignOut,
            ApiErrorCode::OuInvalidSignOutFlowId,
        ),
        (
            &settings.user_onboarding_flow_id,
            FlowType::UserOnboarding,
            ApiErrorCode::OuInvalidUserOnboardingFlowId,
        ),
    ];
    for (flow_id, flow_type, error) in checks {
        let Some(flow_id) = flow_id.as_deref().filter(|id| !id.is_empty()) else {
            continue;
        };
        let exists = registry
            .flow(flow_id)
            .is_some_and(|flow| flow.flow_type == flow_type);
        if !exists {
            return Err(api(error));
        }
    }
    Ok(())
}
