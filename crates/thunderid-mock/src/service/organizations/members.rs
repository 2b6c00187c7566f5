//! The member lists of a unit: `GET /organization-units/{id}/users|groups|roles` and their
//! `tree/{path}/…` forms (`service.go` `GetOrganizationUnitUsers`, `…Groups`, `…Roles`).
//!
//! Users are the unit's users, by id, with `display` (the type's display attribute) only under
//! `?include=display`; groups are the unit's groups by name; roles its roles, newest first.
//!
//! Each list reads a composite store through its service's resolver, whose limit error the unit
//! service does not map: past [`MAX_COMPOSITE_RECORDS`] records the list is the server's 500. The
//! entity store is composite in every store mode (users: the two stores' counts summed); the
//! group and role stores cap each count at the limit, so only stored and declarative records
//! together pass it.

use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::organizations::{
    OrganizationUnitGroup, OrganizationUnitGroupListResponse, OrganizationUnitRole,
    OrganizationUnitRoleListResponse, OrganizationUnitUser, OrganizationUnitUserListResponse,
};

use super::{Action, Caller, OU_PAGING, Paging, Query, UnitList, api, check_access};
use crate::error::MockError;
use crate::state::AppState;
use crate::store::declared::{
    Kind as Declared, MAX_COMPOSITE_RECORDS, files_last, list_over_composite_limit,
};

/// Which member list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MemberList {
    Users,
    Groups,
    Roles,
}

impl MemberList {
    /// The path segment.
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Users => "users",
            Self::Groups => "groups",
            Self::Roles => "roles",
        }
    }

    /// What the service authorizes first; roles are not authorized at all.
    fn action(self) -> Option<Action> {
        match self {
            Self::Users => Some(Action::ReadUser),
            Self::Groups => Some(Action::ReadGroup),
            Self::Roles => None,
        }
    }
}

/// The list for unit `id`: authorization, paging ranges, existence, then the page. `base` is the
/// path the pagination links use.
pub(super) fn list(
    state: &AppState,
    caller: &Caller,
    list: MemberList,
    id: &str,
    query: &Query,
    paging: Paging,
    base: &str,
) -> Result<UnitList, MockError> {
    if let Some(action) = list.action() {
        check_access(caller, action, id)?;
    }
    let paging = paging.validate(&OU_PAGING)?;
    let declared = match list {
        MemberList::Users => state.declared_ids(Declared::User),
        MemberList::Groups => state.declared_ids(Declared::Group),
        MemberList::Roles => state.declared_ids(Declared::Role),
    };
    let over_limit = |what: &str| {
        MockError::Internal(anyhow::anyhow!(
            "{what} of a unit: result limit exceeded in composite mode"
        ))
    };
    state.stores().directory.read(|db| {
        if db.units.get(id).is_none() {
            return Err(api(ApiErrorCode::OuNotFound));
        }
        let start_index = paging.start_index();
        let response = match list {
            MemberList::Users => {
                let display = query.get("include") == Some("display");
                let mut users: Vec<_> = db.users.all().filter(|user| user.ou_id == id).collect();
                files_last(&mut users, |u| {
                    declared.contains(&u.id).then_some(u.id.as_str())
                });
                if users.len() > MAX_COMPOSITE_RECORDS {
                    return Err(over_limit("users"));
                }
                let users: Vec<OrganizationUnitUser> = users
                    .into_iter()
                    .map(|user| OrganizationUnitUser {
                        id: user.id.clone(),
                        user_type: Some(user.user_type.clone()).filter(|t| !t.is_empty()),
                        display: display.then(|| db.display_of(user)),
                    })
                    .collect();
                let extra = if display { "&include=display" } else { "" };
                let (users, total) = paging.slice(users);
                UnitList::Users(OrganizationUnitUserListResponse {
                    total_results: total,
                    start_index,
                    count: users.len() as u64,
                    users,
                    links: paging.links(base, total, extra),
                })
            }
            MemberList::Groups => {
                let groups: Vec<_> = db
                    .groups
                    .by_name_order()
                    .into_iter()
                    .filter(|g| g.ou_id == id)
                    .collect();
                if list_over_composite_limit(&groups, |g| declared.contains(&g.id), true) {
                    return Err(over_limit("groups"));
                }
                let mut groups = groups;
                files_last(&mut groups, |g| {
                    declared.contains(&g.id).then_some(g.id.as_str())
                });
                let groups = groups
                    .into_iter()
                    .map(|g| OrganizationUnitGroup {
                        id: g.id.clone(),
                        name: g.name.clone(),
                    })
                    .collect();
                let page = paging.page(groups, base, "");
                UnitList::Groups(OrganizationUnitGroupListResponse {
                    total_results: page.total_results,
                    start_index,
                    count: page.count,
                    groups: page.items,
                    links: page.links,
                })
            }
            MemberList::Roles => {
                let roles: Vec<_> = db
                    .roles
                    .newest_first()
                    .into_iter()
                    .filter(|r| r.ou_id == id)
                    .collect();
                if list_over_composite_limit(&roles, |r| declared.contains(&r.id), true) {
                    return Err(over_limit("roles"));
                }
                let mut roles = roles;
                files_last(&mut roles, |r| {
                    declared.contains(&r.id).then_some(r.id.as_str())
                });
                // `mergeRoles` marks the file store's roles read-only.
                let roles = roles
                    .into_iter()
                    .map(|r| OrganizationUnitRole {
                        id: r.id.clone(),
                        name: r.name.clone(),
                        description: Some(r.description.clone()).filter(|d| !d.is_empty()),
                        is_read_only: declared.contains(&r.id),
                    })
                    .collect();
                let page = paging.page(roles, base, "");
                UnitList::Roles(OrganizationUnitRoleListResponse {
                    total_results: page.total_results,
                    start_index,
                    count: page.count,
                    roles: page.items,
                    links: page.links,
                })
            }
        };
        Ok(response)
    })
}
