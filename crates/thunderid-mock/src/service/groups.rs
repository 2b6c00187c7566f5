//! `/groups` (`backend/internal/group/handler.go`, `service.go`): groups, their members, and the
//! groups of a unit by handle path, each check in the server's order. Groups nest; a group's
//! members are users, apps, agents and other groups. `GET /groups/{id}` lists only the members a
//! declarative file gives the group (use `/members`): the server's database store loads none there.
//! A declarative group's file members stay whatever the API removes (the composite store changes
//! the database only).

use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::groups::{
    Group, GroupListResponse, GroupSummary, Member, MemberListResponse,
};

use crate::error::MockError;
use crate::fixtures::MemberKind;
use crate::service::access::{Action, Caller, accessible_units, check_access, check_grant};
use crate::service::members::{self, MemberCodes};
use crate::service::request::{FieldRules, GoObject, Paging, PagingRules, Query, described};
use crate::state::AppState;
use crate::store::declared::{
    Kind as Declared, files_last, list_over_composite_limit, over_composite_limit,
};
use crate::store::directory::Directory;
use crate::store::groups::{GroupRecord, MemberRef};
use crate::store::registry::Registry;
use crate::wire::sanitize;

/// The group handler's `limit`/`offset`: lenient, GRP-1011/GRP-1012.
const PAGING: PagingRules = PagingRules {
    limit: ApiErrorCode::GroupInvalidLimit,
    offset: ApiErrorCode::GroupInvalidOffset,
    lenient: true,
};

const CODES: MemberCodes = MemberCodes {
    invalid: ApiErrorCode::GroupInvalidRequestFormat,
    kind: ApiErrorCode::GroupInvalidMemberType,
    entity: ApiErrorCode::GroupInvalidMemberId,
    group: ApiErrorCode::GroupInvalidGroupMemberId,
};

/// `GET /groups[?limit&offset&include=display]`: by name; non-`system` callers see their unit. In
/// the composite store mode, more groups than
/// [`MAX_COMPOSITE_RECORDS`](crate::store::declared::MAX_COMPOSITE_RECORDS) in the database and the
/// files together (each count capped at it) fail the list (the service's 500).
pub(crate) fn list(
    state: &AppState,
    caller: &Caller,
    query: Option<&str>,
) -> Result<GroupListResponse, MockError> {
    let query = Query::parse(query);
    let paging = Paging::parse(&query, &PAGING)?.validate(&PAGING)?;
    let display = query.include_display();
    let declared = state.declared_ids(Declared::Group);
    let list = state.stores().directory.read(|d| {
        let units = accessible_units(caller, Action::ListGroups, None);
        let mut groups: Vec<_> = d
            .groups
            .by_name_order()
            .into_iter()
            .filter(|g| units.as_ref().is_none_or(|ids| ids.contains(&g.ou_id)))
            .collect();
        if list_over_composite_limit(&groups, |g| declared.contains(&g.id), true) {
            return Err(MockError::Internal(anyhow::anyhow!(
                "groups: result limit exceeded in composite mode"
            )));
        }
        files_last(&mut groups, |g| {
            declared.contains(&g.id).then_some(g.id.as_str())
        });
        Ok(group_page(d, groups, paging, "/groups", display))
    })?;
    Ok(flag_list(state, list))
}

/// The list items a declarative file loaded say they are read-only.
fn flag_list(state: &AppState, mut list: GroupListResponse) -> GroupListResponse {
    for group in &mut list.groups {
        group.is_read_only = state.is_declarative(Declared::Group, &group.id);
    }
    list
}

/// GRP-1015 for a group a declarative file loaded: `UpdateGroup` and `DeleteGroup` ask before
/// they look the group up.
fn check_mutable(state: &AppState, id: &str) -> Result<(), MockError> {
    if state.is_declarative(Declared::Group, id) {
        return Err(MockError::api(ApiErrorCode::GroupDeclarative));
    }
    Ok(())
}

/// `POST /groups`: 201 with the members as sent.
pub(crate) fn create(state: &AppState, caller: &Caller, body: &[u8]) -> Result<Group, MockError> {
    create_as(state, caller, body, None)
}

/// [`create`] under `id` when an import names one.
pub(crate) fn create_as(
    state: &AppState,
    caller: &Caller,
    body: &[u8],
    id: Option<String>,
) -> Result<Group, MockError> {
    let request = read_request(
        body,
        "error.groupservice.create_group_request_parse_failed_description",
    )?;
    create_in(state, caller, request, id)
}

/// `GET /groups/{id}[?include=display]`.
pub(crate) fn get(
    state: &AppState,
    caller: &Caller,
    id: &str,
    query: Option<&str>,
) -> Result<Group, MockError> {
    let display = Query::parse(query).include_display();
    let registry = state.registry();
    let mut group = state.stores().directory.read(|d| {
        let group = d.groups.get(id).ok_or_else(not_found)?;
        check_access(caller, Action::ReadGroup, &group.ou_id)?;
        let mut answer = body(d, group, display);
        answer.members = file_members(d, &registry, group, display);
        Ok::<_, MockError>(answer)
    })?;
    group.is_read_only = state.is_declarative(Declared::Group, id);
    Ok(group)
}

/// `PUT /groups/{id}`: name, description (omitted clears it) and unit; members are unchanged.
pub(crate) fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    body_bytes: &[u8],
) -> Result<Group, MockError> {
    let request = read_request(
        body_bytes,
        "error.groupservice.update_group_request_parse_failed_description",
    )?;
    check_mutable(state, id)?;
    state.stores().directory.write(|d| {
        let current = d.groups.get(id).ok_or_else(not_found)?;
        let moved = current.ou_id != request.ou_id;
        if moved && d.units.get(&request.ou_id).is_none() {
            return Err(MockError::api(ApiErrorCode::GroupInvalidOuId));
        }
        check_access(caller, Action::UpdateGroup, &current.ou_id)?;
        if moved {
            check_access(caller, Action::UpdateGroup, &request.ou_id)?;
        }
        if (moved || current.name != request.name)
            && d.groups.name_taken(&request.ou_id, &request.name, Some(id))
        {
            return Err(MockError::api(ApiErrorCode::GroupNameConflict));
        }
        let group = d.groups.get_mut(id).ok_or_else(not_found)?;
        group.name = request.name;
        group.description = request.description;
        group.ou_id = request.ou_id;
        let group = group.clone();
        Ok(body(d, &group, false))
    })
}

/// `DELETE /groups/{id}`: with its role assignments and its memberships in other groups (but those
/// a declarative group's or role's file lists); a group with members may be deleted.
pub(crate) fn delete(state: &AppState, caller: &Caller, id: &str) -> Result<(), MockError> {
    check_mutable(state, id)?;
    state.stores().directory.write(|d| {
        let group = d.groups.get(id).ok_or_else(not_found)?;
        check_access(caller, Action::DeleteGroup, &group.ou_id)?;
        d.delete_group(id);
        Ok(())
    })
}

/// `GET /groups/{id}/members[?limit&offset&include=display]`: the stored members (users, apps and
/// agents, then groups, each by id), then those the group's file lists, in its order
/// (`mergeMembers`). Past [`MAX_COMPOSITE_RECORDS`](crate::store::declared::MAX_COMPOSITE_RECORDS)
/// stored and file members together (each count capped at it) the list fails with the service's
/// 500 (`compositeMergeByID`).
pub(crate) fn list_members(
    state: &AppState,
    caller: &Caller,
    id: &str,
    query: Option<&str>,
) -> Result<MemberListResponse, MockError> {
    let query = Query::parse(query);
    let paging = Paging::parse(&query, &PAGING)?.validate(&PAGING)?;
    let display = query.include_display();
    let registry = state.registry();
    state.stores().directory.read(|d| {
        let group = d.groups.get(id).ok_or_else(not_found)?;
        check_access(caller, Action::ReadGroup, &group.ou_id)?;
        let mut ordered: Vec<&MemberRef> = group.stored_members().collect();
        if over_composite_limit(ordered.len(), group.from_file.len(), true) {
            return Err(MockError::Internal(anyhow::anyhow!(
                "group members: result limit exceeded in composite mode"
            )));
        }
        ordered.sort_by(|a, b| (!a.is_entity(), &a.id).cmp(&(!b.is_entity(), &b.id)));
        ordered.extend(&group.from_file);
        let extra = if display { "&include=display" } else { "" };
        let page = paging.page(ordered, &format!("/groups/{id}/members"), extra);
        let members = members::resolve_page(d, &registry, page.items, display);
        Ok(MemberListResponse {
            total_results: page.total_results,
            start_index: page.start_index,
            count: members.len() as u64,
            members,
            links: page.links,
        })
    })
}

/// `POST /groups/{id}/members/add` (`add`) or `…/remove`: the group as `GET` shows it.
pub(crate) fn change_members(
    state: &AppState,
    caller: &Caller,
    id: &str,
    body_bytes: &[u8],
    add: bool,
) -> Result<Group, MockError> {
    let invalid = || MockError::api(ApiErrorCode::GroupInvalidRequestFormat);
    let request = GoObject::decode(body_bytes, &["members"]).map_err(|_| invalid())?;
    let items = request.array("members").map_err(|_| invalid())?;
    let items = match items {
        Some(items) if !items.is_empty() => items,
        _ => return Err(MockError::api(ApiErrorCode::GroupEmptyMembers)),
    };
    let wanted = members::read(items, CODES)?;
    let registry = state.registry();
    let declarative = state.is_declarative(Declared::Group, id);
    state.stores().directory.write(|d| {
        let group = d.groups.get(id).ok_or_else(not_found)?;
        check_access(caller, Action::UpdateGroup, &group.ou_id)?;
        // What membership in this group grants: its roles and those of the groups above it.
        let granted: Vec<(String, String)> = d
            .groups
            .with_ancestors(id)
            .iter()
            .flat_map(|g| {
                d.roles
                    .all()
                    .filter(|r| {
                        r.assignments
                            .contains(&MemberRef::new(MemberKind::Group, &g.id))
                    })
                    .flat_map(|r| {
                        r.permissions.iter().flat_map(|(server, perms)| {
                            perms.iter().map(|p| (server.clone(), p.clone()))
                        })
                    })
            })
            .collect();
        check_grant(caller, d, &granted)?;
        members::check(d, &registry, Some(caller), &wanted, CODES)?;
        let group = d.groups.get_mut(id).ok_or_else(not_found)?;
        if add {
            group.add(wanted);
        } else {
            // The composite store removes from the database: what the file lists stays.
            let from_file = &group.from_file;
            group
                .members
                .retain(|m| !wanted.contains(m) || from_file.contains(m));
        }
        let group = group.clone();
        let mut answer = body(d, &group, false);
        answer.members = file_members(d, &registry, &group, false);
        answer.is_read_only = declarative;
        Ok(answer)
    })
}

/// `GET /groups/tree/{path}`: the groups directly in the unit at this handle path, by name; past
/// the composite limit in stored and declarative groups together (each capped), the service's 500
/// (`GetGroupsByOrganizationUnit`).
pub(crate) fn list_in_tree(
    state: &AppState,
    caller: &Caller,
    path: &str,
    query: Option<&str>,
) -> Result<GroupListResponse, MockError> {
    if path.is_empty() {
        return Err(path_required());
    }
    let query = Query::parse(query);
    let paging = Paging::parse(&query, &PAGING)?;
    let handles = handle_path(path)?;
    let display = query.include_display();
    let declared = state.declared_ids(Declared::Group);
    let list = state.stores().directory.read(|d| {
        let unit = d.units.by_path(&handles).ok_or_else(not_found)?;
        let paging = paging.validate(&PAGING)?;
        check_access(caller, Action::ListGroups, &unit.id)?;
        let mut groups: Vec<_> = d
            .groups
            .by_name_order()
            .into_iter()
            .filter(|g| g.ou_id == unit.id)
            .collect();
        if list_over_composite_limit(&groups, |g| declared.contains(&g.id), true) {
            return Err(MockError::Internal(anyhow::anyhow!(
                "groups of a unit: result limit exceeded in composite mode"
            )));
        }
        files_last(&mut groups, |g| {
            declared.contains(&g.id).then_some(g.id.as_str())
        });
        Ok::<_, MockError>(group_page(
            d,
            groups,
            paging,
            &format!("/groups/tree/{path}"),
            display,
        ))
    })?;
    Ok(flag_list(state, list))
}

/// `POST /groups/tree/{path}`: create a group in the unit at this handle path.
pub(crate) fn create_in_tree(
    state: &AppState,
    caller: &Caller,
    path: &str,
    body_bytes: &[u8],
) -> Result<Group, MockError> {
    if path.is_empty() {
        return Err(path_required());
    }
    let mut request = read_fields(
        body_bytes,
        "error.groupservice.create_group_by_path_request_parse_failed_description",
        false,
    )?;
    let handles = handle_path(path)?;
    request.ou_id = state
        .stores()
        .directory
        .read(|d| d.units.by_path(&handles).map(|u| u.id.clone()))
        .ok_or_else(not_found)?;
    create_in(state, caller, request, None)
}

/// `CreateGroup` from its checks on the sanitized request.
fn create_in(
    state: &AppState,
    caller: &Caller,
    request: Request,
    id: Option<String>,
) -> Result<Group, MockError> {
    if request.name.is_empty() || request.ou_id.is_empty() {
        return Err(MockError::api(ApiErrorCode::GroupInvalidRequestFormat));
    }
    let wanted = members::read(&request.members, CODES)?;
    let id = id.unwrap_or_else(|| crate::ids::uuid_v7(state.now()));
    let registry = state.registry();
    state.stores().directory.write(|d| {
        if d.units.get(&request.ou_id).is_none() {
            return Err(MockError::api(ApiErrorCode::GroupInvalidOuId));
        }
        check_access(caller, Action::CreateGroup, &request.ou_id)?;
        members::check(d, &registry, Some(caller), &wanted, CODES)?;
        if d.groups.name_taken(&request.ou_id, &request.name, None) {
            return Err(MockError::api(ApiErrorCode::GroupNameConflict));
        }
        let mut record = GroupRecord {
            id,
            name: request.name,
            description: request.description,
            ou_id: request.ou_id,
            members: Vec::new(),
            from_file: Vec::new(),
        };
        record.add(wanted.iter().cloned());
        let mut answer = body(d, &record, false);
        // The members as sent, duplicates included.
        answer.members = (!wanted.is_empty()).then(|| {
            wanted
                .iter()
                .map(|m| members::body(d, &registry, m, false))
                .collect()
        });
        d.groups.put(record);
        Ok(answer)
    })
}

/// A create or update body, decoded, tag-checked and sanitized.
#[derive(Debug)]
struct Request {
    name: String,
    description: String,
    ou_id: String,
    members: Vec<serde_json::Value>,
}

fn read_request(body: &[u8], parse_failed_key: &str) -> Result<Request, MockError> {
    let request = read_fields(body, parse_failed_key, true)?;
    if request.name.is_empty() || request.ou_id.is_empty() {
        return Err(MockError::api(ApiErrorCode::GroupInvalidRequestFormat));
    }
    Ok(request)
}

/// Decode (GRP-1001 with the handler's text), the struct tags (`name` required, at most 100 bytes;
/// `ouId` required unless the unit comes from the path), then sanitize.
fn read_fields(
    body: &[u8],
    parse_failed_key: &str,
    needs_unit: bool,
) -> Result<Request, MockError> {
    let parse_failed = |detail: &str| {
        let text = format!("failed to decode JSON: {detail}");
        let mut error = ApiErrorCode::GroupInvalidRequestFormat.to_error();
        error.description.key = parse_failed_key.to_owned();
        error.description.default_value = Some(format!("Failed to parse request body: {text}"));
        error.description.params = Some([("error".to_owned(), text)].into_iter().collect());
        MockError::api_error(error)
    };
    let request = GoObject::decode(body, &["name", "description", "ouId", "members"])
        .map_err(|_| parse_failed("the body is not a JSON object"))?;
    let mistyped = |_| parse_failed("a member has the wrong type");
    let name = request.string("name").map_err(mistyped)?;
    let description = request.string("description").map_err(mistyped)?;
    let ou_id = request.string("ouId").map_err(mistyped)?;
    let members = request.array("members").map_err(mistyped)?.cloned();
    let mut rules = FieldRules::default();
    rules.text("name", &name, true, Some(100));
    if needs_unit {
        rules.text("ouId", &ou_id, true, None);
    }
    rules.finish()?;
    Ok(Request {
        name: sanitize(&name),
        description: sanitize(&description),
        ou_id: sanitize(&ou_id),
        members: members.unwrap_or_default(),
    })
}

fn not_found() -> MockError {
    MockError::api(ApiErrorCode::GroupNotFound)
}

/// GRP-1001 for a tree call without a handle path.
pub(crate) fn path_required() -> MockError {
    described(
        ApiErrorCode::GroupInvalidRequestFormat,
        Some("error.groupservice.handle_path_required_description"),
        "Handle path is required".to_owned(),
    )
}

/// A handle path: `/` around it trimmed; blank or with an empty segment is GRP-1001.
fn handle_path(path: &str) -> Result<Vec<&str>, MockError> {
    let trimmed = path.trim_matches('/');
    let handles: Vec<&str> = trimmed.split('/').collect();
    if trimmed.trim().is_empty() || handles.iter().any(|h| h.trim().is_empty()) {
        return Err(MockError::api(ApiErrorCode::GroupInvalidRequestFormat));
    }
    Ok(handles)
}

/// The members a group's answer shows: `GetGroup` reads a stored group from the database, which
/// loads no members, and a declarative one from its file, with the members it lists (resolved as
/// the member list resolves them; none is no `members` at all).
fn file_members(
    d: &Directory,
    registry: &Registry,
    group: &GroupRecord,
    display: bool,
) -> Option<Vec<Member>> {
    let listed = members::resolve_page(d, registry, group.from_file.iter().collect(), display);
    (!listed.is_empty()).then_some(listed)
}

/// A group without members; `ouHandle` only with `include=display`.
fn body(d: &Directory, group: &GroupRecord, display: bool) -> Group {
    Group {
        id: group.id.clone(),
        name: group.name.clone(),
        description: Some(group.description.clone()).filter(|t| !t.is_empty()),
        organization_unit_id: group.ou_id.clone(),
        organization_unit_handle: display
            .then(|| d.units.get(&group.ou_id).map(|u| u.handle.clone()))
            .flatten(),
        members: None,
        is_read_only: false,
    }
}

fn group_page(
    d: &Directory,
    groups: Vec<&GroupRecord>,
    paging: Paging,
    base: &str,
    display: bool,
) -> GroupListResponse {
    let summaries: Vec<GroupSummary> = groups
        .into_iter()
        .map(|g| {
            let full = body(d, g, display);
            GroupSummary {
                id: full.id,
                name: full.name,
                description: full.description,
                organization_unit_id: full.organization_unit_id,
                organization_unit_handle: full.organization_unit_handle,
                is_read_only: false,
            }
        })
        .collect();
    let extra = if display { "&include=display" } else { "" };
    let page = paging.page(summaries, base, extra);
    GroupListResponse {
        total_results: page.total_results,
        start_index: page.start_index,
        count: page.count,
        groups: page.items,
        links: page.links,
    }
}
