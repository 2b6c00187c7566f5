//! Members of groups and assignees of roles: read from a request, checked against what exists, and
//! shown. Both APIs take `[{id, type}]` with `type` one of `user`, `app`, `agent`, `group`.

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::groups::{Member, MemberType};

use crate::error::MockError;
use crate::fixtures::MemberKind;
use crate::service::access::{Action, Caller, accessible_units};
use crate::service::request::GoObject;
use crate::store::directory::Directory;
use crate::store::groups::MemberRef;
use crate::store::registry::Registry;
use crate::wire::sanitize;

/// The codes one API answers member problems with.
#[derive(Debug, Clone)]
pub(crate) struct MemberCodes {
    /// A body that does not decode, or an empty id.
    pub invalid: ApiErrorCode,
    /// A type outside the four.
    pub kind: ApiErrorCode,
    /// A user, app or agent that does not exist as claimed.
    pub entity: ApiErrorCode,
    /// A group that does not exist.
    pub group: ApiErrorCode,
}

/// Read `[{id, type}]`: each item decoded (the `invalid` code), its type one of the four (`kind`),
/// its id non-empty after sanitizing (`invalid`). The claimed types are kept for echoing.
pub(crate) fn read(items: &[Value], codes: MemberCodes) -> Result<Vec<MemberRef>, MockError> {
    let mut members = Vec::with_capacity(items.len());
    for item in items {
        let object = GoObject::from_value(item, &["id", "type", "display"])
            .map_err(|_| MockError::api(codes.invalid.clone()))?;
        let id = object
            .string("id")
            .map_err(|_| MockError::api(codes.invalid.clone()))?;
        let kind = object
            .string("type")
            .map_err(|_| MockError::api(codes.invalid.clone()))?;
        object
            .string("display")
            .map_err(|_| MockError::api(codes.invalid.clone()))?;
        members.push((sanitize(&id), kind));
    }
    let mut out = Vec::with_capacity(members.len());
    for (id, kind) in members {
        let kind = MemberKind::parse(&kind).ok_or_else(|| MockError::api(codes.kind.clone()))?;
        if id.is_empty() {
            return Err(MockError::api(codes.invalid.clone()));
        }
        out.push(MemberRef::new(kind, id));
    }
    Ok(out)
}

/// Every member exists as claimed: users, apps and agents first (an id claimed with two types, a
/// missing one or one of another kind is `entity`; a user outside the caller's units is 403
/// SSE-4030 for callers without `system`), then groups (`group`).
pub(crate) fn check(
    d: &Directory,
    registry: &Registry,
    caller: Option<&Caller>,
    members: &[MemberRef],
    codes: MemberCodes,
) -> Result<(), MockError> {
    let entities: Vec<&MemberRef> = members.iter().filter(|m| m.is_entity()).collect();
    for member in &entities {
        let clash = entities
            .iter()
            .any(|other| other.id == member.id && other.kind != member.kind);
        if clash || !exists(d, registry, member) {
            return Err(MockError::api(codes.entity.clone()));
        }
    }
    if let Some(caller) = caller
        && let Some(units) = accessible_units(caller, Action::ListUsers, None)
    {
        let outside = entities.iter().any(|m| {
            m.kind == MemberKind::User
                && d.users
                    .get(&m.id)
                    .is_some_and(|u| !units.contains(&u.ou_id))
        });
        if outside {
            return Err(MockError::api(ApiErrorCode::ServerUnauthorized));
        }
    }
    if members
        .iter()
        .filter(|m| !m.is_entity())
        .any(|m| d.groups.get(&m.id).is_none())
    {
        return Err(MockError::api(codes.group.clone()));
    }
    Ok(())
}

/// Whether the member exists with its kind.
pub(crate) fn exists(d: &Directory, registry: &Registry, member: &MemberRef) -> bool {
    match member.kind {
        MemberKind::App => registry.application(&member.id).is_some(),
        MemberKind::Agent => registry.agents.get(&member.id).is_some(),
        _ => d.member_exists(member),
    }
}

/// The members of one page as the group and role services resolve them (`resolveMembers`,
/// `resolveAssignments`): a user, app or agent that no longer exists (a declarative file still
/// lists it) is dropped from the page, though the total counted it; a missing group stays.
pub(crate) fn resolve_page(
    d: &Directory,
    registry: &Registry,
    page: Vec<&MemberRef>,
    display: bool,
) -> Vec<Member> {
    page.into_iter()
        .filter(|m| !m.is_entity() || exists(d, registry, m))
        .map(|m| body(d, registry, m, display))
        .collect()
}

/// A member as the API shows it; `display` (a user's display attribute, an app's name, a group's
/// name, else the id) only when asked.
pub(crate) fn body(
    d: &Directory,
    registry: &Registry,
    member: &MemberRef,
    display: bool,
) -> Member {
    let shown = display.then(|| match member.kind {
        MemberKind::User => d
            .users
            .get(&member.id)
            .map_or_else(|| member.id.clone(), |u| d.display_of(u)),
        MemberKind::App => registry
            .application(&member.id)
            .map_or_else(|| member.id.clone(), |a| a.name.clone()),
        MemberKind::Group => d
            .groups
            .get(&member.id)
            .map_or_else(|| member.id.clone(), |g| g.name.clone()),
        MemberKind::Agent => registry
            .agents
            .get(&member.id)
            .map_or_else(|| member.id.clone(), |a| a.name.clone()),
    });
    Member {
        id: member.id.clone(),
        member_type: MemberType::parse(member.kind.as_str()),
        display: shown,
    }
}
