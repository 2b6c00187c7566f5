//! `/roles` (`backend/internal/role/handler.go`, `service.go`, `assignment_service.go`): roles, the
//! permissions they grant on resource servers, and who holds them. The middleware asks for `system`
//! on every role path; the role service itself checks no unit.

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::roles::{
    AssignmentListResponse, ResourcePermissions, Role, RoleListResponse, RoleSummary,
};

use crate::error::MockError;
use crate::fixtures::MemberKind;
use crate::service::access::{Caller, check_grant};
use crate::service::members::{self, MemberCodes};
use crate::service::request::{FieldRules, GoObject, Paging, PagingRules, Query};
use crate::state::AppState;
use crate::store::declared::{Kind as Declared, files_last, over_composite_limit};
use crate::store::directory::Directory;
use crate::store::groups::MemberRef;
use crate::store::roles::{RoleRecord, group_permissions};
use crate::wire::sanitize;

/// The role handler's `limit`/`offset`: lenient, ROL-1008/ROL-1009.
const PAGING: PagingRules = PagingRules {
    limit: ApiErrorCode::RoleInvalidLimit,
    offset: ApiErrorCode::RoleInvalidOffset,
    lenient: true,
};

const CODES: MemberCodes = MemberCodes {
    invalid: ApiErrorCode::RoleInvalidRequestFormat,
    kind: ApiErrorCode::RoleInvalidAssigneeType,
    entity: ApiErrorCode::RoleInvalidAssignmentId,
    group: ApiErrorCode::RoleInvalidAssignmentId,
};

/// `GET /roles[?limit&offset]`: newest first. In the composite store mode, more roles than
/// [`MAX_COMPOSITE_RECORDS`](crate::store::declared::MAX_COMPOSITE_RECORDS) in the database and
/// the files together (each count capped at it) are ROL-1017.
pub(crate) fn list(state: &AppState, query: Option<&str>) -> Result<RoleListResponse, MockError> {
    let query = Query::parse(query);
    let paging = Paging::parse(&query, &PAGING)?.validate(&PAGING)?;
    let declared = state.declared_ids(Declared::Role);
    let from_files = declared.len();
    let composite = state.config().read_only_resources;
    state.stores().directory.read(|d| {
        let mut roles = d.roles.newest_first();
        let stored = roles.len().saturating_sub(from_files);
        if composite && over_composite_limit(stored, from_files, true) {
            return Err(api(ApiErrorCode::RoleResultLimitExceeded));
        }
        files_last(&mut roles, |r| {
            declared.contains(&r.id).then_some(r.id.as_str())
        });
        let roles: Vec<RoleSummary> = roles
            .into_iter()
            .map(|r| RoleSummary {
                id: r.id.clone(),
                name: r.name.clone(),
                description: non_empty(&r.description),
                organization_unit_id: r.ou_id.clone(),
                organization_unit_handle: unit_handle(d, &r.ou_id),
                is_read_only: declared.contains(&r.id),
            })
            .collect();
        let page = paging.page(roles, "/roles", "");
        Ok(RoleListResponse {
            total_results: page.total_results,
            start_index: page.start_index,
            count: page.count,
            roles: page.items,
            links: page.links,
        })
    })
}

/// `POST /roles`: 201 with the permissions and assignments as sent.
pub(crate) fn create(state: &AppState, caller: &Caller, bytes: &[u8]) -> Result<Role, MockError> {
    create_as(state, caller, bytes, None)
}

/// [`create`] under `id` when an import names one.
pub(crate) fn create_as(
    state: &AppState,
    caller: &Caller,
    bytes: &[u8],
    id: Option<String>,
) -> Result<Role, MockError> {
    let request = Request::read(bytes)?;
    let assignments = members::read(&request.assignments, CODES)?;
    let id = id.unwrap_or_else(|| crate::ids::uuid_v7(state.now()));
    let registry = state.registry();
    state.stores().directory.write(|d| {
        if d.units.get(&request.ou_id).is_none() {
            return Err(api(ApiErrorCode::RoleOuNotFound));
        }
        let permissions = request.checked_permissions(d)?;
        check_grant(caller, d, &flatten(&permissions))?;
        members::check(d, &registry, None, &assignments, CODES)?;
        if d.roles.name_taken(&request.ou_id, &request.name, None) {
            return Err(api(ApiErrorCode::RoleNameConflict));
        }
        let mut record = RoleRecord {
            id,
            name: request.name.clone(),
            description: request.description.clone(),
            ou_id: request.ou_id.clone(),
            seq: d.next_seq(),
            permissions,
            assignments: Vec::new(),
            from_file: Vec::new(),
        };
        record.assign(assignments.iter().cloned());
        let mut answer = body(d, &record, Some(request.sent_permissions()));
        answer.assignments = (!assignments.is_empty()).then(|| {
            assignments
                .iter()
                .map(|a| members::body(d, &registry, a, false))
                .collect()
        });
        d.roles.put(record);
        Ok(answer)
    })
}

/// `GET /roles/{id}`: permissions grouped by resource server, in insertion order.
pub(crate) fn get(state: &AppState, id: &str) -> Result<Role, MockError> {
    state.stores().directory.read(|d| {
        let role = d.roles.get(id).ok_or_else(not_found)?;
        Ok(body(d, role, None))
    })
}

/// `PUT /roles/{id}`: name, description, unit and permissions replaced (omitted permissions remove
/// them all); assignments unchanged.
pub(crate) fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    body_bytes: &[u8],
) -> Result<Role, MockError> {
    let request = Request::read(body_bytes)?;
    let declarative = state.is_declarative(Declared::Role, id);
    state.stores().directory.write(|d| {
        let permissions = request.checked_permissions(d)?;
        check_grant(caller, d, &flatten(&permissions))?;
        if d.roles.get(id).is_none() {
            return Err(not_found());
        }
        if declarative {
            return Err(api(ApiErrorCode::RoleDeclarative));
        }
        if d.units.get(&request.ou_id).is_none() {
            return Err(api(ApiErrorCode::RoleOuNotFound));
        }
        if d.roles.name_taken(&request.ou_id, &request.name, Some(id)) {
            return Err(api(ApiErrorCode::RoleNameConflict));
        }
        let role = d.roles.get_mut(id).ok_or_else(not_found)?;
        role.name = request.name.clone();
        role.description = request.description.clone();
        role.ou_id = request.ou_id.clone();
        role.permissions = permissions;
        let role = role.clone();
        let sent = request
            .permissions
            .is_some()
            .then(|| request.sent_permissions());
        let mut answer = body(d, &role, None);
        answer.permissions = sent;
        Ok(answer)
    })
}

/// `DELETE /roles/{id}`: idempotent; a role with assignments may be deleted, one a declarative
/// file loaded may not (ROL-1013).
pub(crate) fn delete(state: &AppState, id: &str) -> Result<(), MockError> {
    let declarative = state.is_declarative(Declared::Role, id);
    state.stores().directory.write(|d| {
        if declarative && d.roles.get(id).is_some() {
            return Err(api(ApiErrorCode::RoleDeclarative));
        }
        d.roles.remove(id);
        Ok(())
    })
}

/// `GET /roles/{id}/assignments[?limit&offset&include=display&type=…]`: the stored assignments in
/// assignment order, then those the role's file lists, in its order (`mergeAssignments`). Past
/// [`MAX_COMPOSITE_RECORDS`](crate::store::declared::MAX_COMPOSITE_RECORDS) stored and file
/// assignments of the asked type together (each count capped at it; users, apps and agents count
/// as one `entity` type) the list is ROL-1017.
pub(crate) fn list_assignments(
    state: &AppState,
    id: &str,
    query: Option<&str>,
) -> Result<AssignmentListResponse, MockError> {
    let query = Query::parse(query);
    let paging = Paging::parse(&query, &PAGING)?;
    let kind = match query.get("type").unwrap_or_default() {
        "" => None,
        text => Some(
            MemberKind::parse(text).ok_or_else(|| api(ApiErrorCode::RoleInvalidAssigneeType))?,
        ),
    };
    let paging = paging.validate(&PAGING)?;
    let display = query.include_display();
    let registry = state.registry();
    state.stores().directory.read(|d| {
        let role = d.roles.get(id).ok_or_else(not_found)?;
        // The stores count by their own types: a user, app or agent is an `entity`.
        let stored_type = |a: &&MemberRef| match kind {
            None => true,
            Some(MemberKind::Group) => !a.is_entity(),
            Some(_) => a.is_entity(),
        };
        let stored: Vec<&MemberRef> = role.stored_assignments().filter(stored_type).collect();
        let from_file = role.from_file.iter().filter(stored_type).count();
        if over_composite_limit(stored.len(), from_file, true) {
            return Err(api(ApiErrorCode::RoleResultLimitExceeded));
        }
        // A type of entity counts the existing entities of that kind only (the server filters them
        // by category before paging); otherwise the page drops the missing ones the total counts.
        let assignments: Vec<&MemberRef> = stored
            .into_iter()
            .chain(role.from_file.iter().filter(stored_type))
            .filter(|a| kind.is_none_or(|k| a.kind == k))
            .filter(|a| {
                kind.is_none_or(|k| k == MemberKind::Group) || members::exists(d, &registry, a)
            })
            .collect();
        let mut extra = String::new();
        if display {
            extra.push_str("&include=display");
        }
        if let Some(kind) = kind {
            extra.push_str("&type=");
            extra.push_str(kind.as_str());
        }
        let page = paging.page(assignments, &format!("/roles/{id}/assignments"), &extra);
        let assignments = members::resolve_page(d, &registry, page.items, display);
        Ok(AssignmentListResponse {
            total_results: page.total_results,
            start_index: page.start_index,
            count: assignments.len() as u64,
            assignments,
            links: page.links,
        })
    })
}

/// `POST /roles/{id}/assignments/add` (`add`) or `…/remove`: 204.
pub(crate) fn change_assignments(
    state: &AppState,
    caller: &Caller,
    id: &str,
    body_bytes: &[u8],
    add: bool,
) -> Result<(), MockError> {
    let invalid = || api(ApiErrorCode::RoleInvalidRequestFormat);
    let request = GoObject::decode(body_bytes, &["assignments"]).map_err(|_| invalid())?;
    let items = match request.array("assignments").map_err(|_| invalid())? {
        Some(items) if !items.is_empty() => items.clone(),
        _ => return Err(invalid()),
    };
    let registry = state.registry();
    state.stores().directory.write(|d| {
        let granted = d
            .roles
            .get(id)
            .map(|r| flatten(&r.permissions))
            .unwrap_or_default();
        check_grant(caller, d, &granted)?;
        let assignees = members::read(&items, CODES)?;
        if d.roles.get(id).is_none() {
            return Err(not_found());
        }
        members::check(d, &registry, None, &assignees, CODES)?;
        let role = d.roles.get_mut(id).ok_or_else(not_found)?;
        if add {
            role.assign(assignees);
        } else {
            // The composite store removes from the database: what the file lists stays.
            let from_file = &role.from_file;
            role.assignments
                .retain(|a| !assignees.contains(a) || from_file.contains(a));
        }
        Ok(())
    })
}

/// A create or update body, decoded, tag-checked and sanitized.
#[derive(Debug)]
struct Request {
    name: String,
    description: String,
    ou_id: String,
    /// `(resourceServerId, permissions)` as sent; `None` when absent.
    permissions: Option<Vec<(String, Vec<String>)>>,
    assignments: Vec<Value>,
}

impl Request {
    fn read(body: &[u8]) -> Result<Self, MockError> {
        let invalid = || api(ApiErrorCode::RoleInvalidRequestFormat);
        let request = GoObject::decode(
            body,
            &["name", "description", "ouId", "permissions", "assignments"],
        )
        .map_err(|_| invalid())?;
        let name = request.string("name").map_err(|_| invalid())?;
        let description = request.string("description").map_err(|_| invalid())?;
        let ou_id = request.string("ouId").map_err(|_| invalid())?;
        let permissions = match request.array("permissions").map_err(|_| invalid())? {
            None => None,
            Some(items) => Some(
                items
                    .iter()
                    .map(|item| {
                        let entry =
                            GoObject::from_value(item, &["resourceServerId", "permissions"])?;
                        Ok((
                            sanitize(&entry.string("resourceServerId")?),
                            entry.strings("permissions")?,
                        ))
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_: crate::service::request::DecodeError| invalid())?,
            ),
        };
        let assignments = request
            .array("assignments")
            .map_err(|_| invalid())?
            .cloned()
            .unwrap_or_default();
        let mut rules = FieldRules::default();
        rules.text("name", &name, true, Some(100));
        rules.text("ouId", &ou_id, true, None);
        rules.finish()?;
        let request = Self {
            name: sanitize(&name),
            description: sanitize(&description),
            ou_id: sanitize(&ou_id),
            permissions,
            assignments,
        };
        if request.name.is_empty() || request.ou_id.is_empty() {
            return Err(invalid());
        }
        Ok(request)
    }

    /// `validatePermissions`: every non-empty entry names an existing resource server and only its
    /// permissions (ROL-1012); the result as stored.
    fn checked_permissions(&self, d: &Directory) -> Result<Vec<(String, Vec<String>)>, MockError> {
        let entries = self.permissions.clone().unwrap_or_default();
        for (server, permissions) in &entries {
            if server.is_empty() {
                return Err(api(ApiErrorCode::RoleInvalidPermissions));
            }
            if permissions.is_empty() {
                continue;
            }
            let valid = d.resource_servers.get(server).is_some()
                && permissions
                    .iter()
                    .all(|p| d.resource_servers.is_permission(server, p));
            if !valid {
                return Err(api(ApiErrorCode::RoleInvalidPermissions));
            }
        }
        Ok(group_permissions(entries))
    }

    /// The permissions as sent (`[]` when absent).
    fn sent_permissions(&self) -> Vec<ResourcePermissions> {
        self.permissions
            .iter()
            .flatten()
            .map(|(server, permissions)| ResourcePermissions {
                resource_server_id: server.clone(),
                permissions: permissions.clone(),
            })
            .collect()
    }
}

fn flatten(permissions: &[(String, Vec<String>)]) -> Vec<(String, String)> {
    permissions
        .iter()
        .flat_map(|(server, perms)| perms.iter().map(|p| (server.clone(), p.clone())))
        .collect()
}

/// A role as GET shows it; `permissions` overrides the stored ones (the create answer echoes the
/// request).
fn body(d: &Directory, role: &RoleRecord, permissions: Option<Vec<ResourcePermissions>>) -> Role {
    let stored = role
        .permissions
        .iter()
        .map(|(server, perms)| ResourcePermissions {
            resource_server_id: server.clone(),
            permissions: perms.clone(),
        })
        .collect();
    Role {
        id: role.id.clone(),
        name: role.name.clone(),
        description: non_empty(&role.description),
        organization_unit_id: role.ou_id.clone(),
        organization_unit_handle: unit_handle(d, &role.ou_id),
        permissions: Some(permissions.unwrap_or(stored)),
        assignments: None,
    }
}

fn unit_handle(d: &Directory, ou_id: &str) -> Option<String> {
    d.units.get(ou_id).map(|u| u.handle.clone())
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

fn api(code: ApiErrorCode) -> MockError {
    MockError::api(code)
}

fn not_found() -> MockError {
    api(ApiErrorCode::RoleNotFound)
}
