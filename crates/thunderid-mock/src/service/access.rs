//! The system authorization service (`backend/internal/system/sysauthz/`): after the security
//! middleware's coarse check, the user, user-type, group and organization-unit services ask whether
//! the caller may do one action on one resource (`IsActionAllowed`), which lists it may see
//! (`GetAccessibleResources`), and whether it may hand out what a membership or assignment grants
//! (`CanGrantMembership` / `CanGrantPermissions`).
//!
//! The rules, in order: a caller without `sub` is refused; one holding `system` may do anything; a
//! user acting on itself may (the resource-owner rule, why `/users/me` needs no permission); else
//! the caller needs the action's permission (hierarchically: `system:user` covers
//! `system:user:view`) and must act inside its own unit, the token's `ouId` (user types may also be
//! read in the units above it). A refusal is 403 `SSE-4030`; a refused grant 403 `SAZ-4030`.

use thunderid_protocol::ApiErrorCode;

use crate::error::MockError;
use crate::fixtures::MemberKind;
use crate::security::{Principal, ROOT};
use crate::store::directory::Directory;
use crate::store::groups::MemberRef;

/// The caller of a management API: who, what it may do, and the unit its token names.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) principal: Principal,
    /// The token's `ouId` claim (`security.GetOUID`); empty when absent.
    pub(crate) ou_id: String,
    /// The token's `org_id` claim, set by an organization switch; empty when absent.
    pub(crate) org_id: String,
}

impl Caller {
    /// The caller behind a verified token.
    pub(crate) fn new(principal: &Principal) -> Self {
        let claim = |name: &str| principal.claim(name).unwrap_or_default().to_owned();
        Self {
            ou_id: claim("ouId"),
            org_id: claim("org_id"),
            principal: principal.clone(),
        }
    }

    /// The server's runtime context (`security.WithRuntimeContext`: loading resources at start,
    /// the export command): a system caller every check lets through.
    pub(crate) fn runtime() -> Self {
        Self::new(&Principal {
            subject: "runtime".to_owned(),
            permissions: vec![ROOT.to_owned()],
            claims: serde_json::Map::new(),
        })
    }

    /// Whether this is [`Self::runtime`] (what loads the declarative files at start).
    pub(crate) fn is_runtime(&self) -> bool {
        self.principal.subject == "runtime" && self.is_root()
    }

    fn is_root(&self) -> bool {
        self.principal.permissions.iter().any(|p| p == ROOT)
    }
}

/// An action on a system resource (`security.Action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    CreateUnit,
    ReadUnit,
    UpdateUnit,
    DeleteUnit,
    ListUnits,
    ListChildUnits,
    CreateUser,
    ReadUser,
    UpdateUser,
    DeleteUser,
    ListUsers,
    CreateGroup,
    ReadGroup,
    UpdateGroup,
    DeleteGroup,
    ListGroups,
    CreateUserType,
    ReadUserType,
    UpdateUserType,
    DeleteUserType,
    ListUserTypes,
    CreateAgentType,
    ReadAgentType,
    UpdateAgentType,
    ListAgentTypes,
}

impl Action {
    /// `actionPermissionMap`.
    fn permission(self) -> &'static str {
        match self {
            Self::CreateUnit | Self::UpdateUnit | Self::DeleteUnit | Self::ListChildUnits => {
                "system:ou"
            }
            Self::ReadUnit | Self::ListUnits => "system:ou:view",
            Self::CreateUser | Self::UpdateUser | Self::DeleteUser => "system:user",
            Self::ReadUser | Self::ListUsers => "system:user:view",
            Self::CreateGroup | Self::UpdateGroup | Self::DeleteGroup => "system:group",
            Self::ReadGroup | Self::ListGroups => "system:group:view",
            Self::CreateUserType | Self::UpdateUserType | Self::DeleteUserType => "system:usertype",
            Self::ReadUserType | Self::ListUserTypes => "system:usertype:view",
            Self::CreateAgentType | Self::UpdateAgentType => "system:agenttype",
            Self::ReadAgentType | Self::ListAgentTypes => "system:agenttype:view",
        }
    }

    fn on_user(self) -> bool {
        matches!(
            self,
            Self::CreateUser | Self::ReadUser | Self::UpdateUser | Self::DeleteUser
        )
    }

    /// User types are readable in the caller's unit and the units above it.
    fn reads_user_types(self) -> bool {
        matches!(self, Self::ReadUserType | Self::ListUserTypes)
    }
}

/// `IsActionAllowed` with the OU-membership policy: `ou_id` is the unit the resource is in (empty:
/// not applicable).
pub(crate) fn check_access(caller: &Caller, action: Action, ou_id: &str) -> Result<(), MockError> {
    allowed(caller, action, ou_id, None, None)
}

/// [`check_access`] for a user resource: the user acting on itself is always allowed.
pub(crate) fn check_user_access(
    caller: &Caller,
    action: Action,
    ou_id: &str,
    user_id: &str,
) -> Result<(), MockError> {
    allowed(caller, action, ou_id, Some(user_id), None)
}

/// [`check_access`] for user types, which may also be read in the caller's ancestor units.
pub(crate) fn check_user_type_access(
    caller: &Caller,
    action: Action,
    ou_id: &str,
    directory: &Directory,
) -> Result<(), MockError> {
    allowed(caller, action, ou_id, None, Some(directory))
}

fn allowed(
    caller: &Caller,
    action: Action,
    ou_id: &str,
    user_id: Option<&str>,
    directory: Option<&Directory>,
) -> Result<(), MockError> {
    let principal = &caller.principal;
    let owner = action.on_user() && user_id == Some(principal.subject.as_str());
    let permitted = if principal.subject.is_empty() {
        false
    } else if caller.is_root() || owner {
        true
    } else if !principal.has_permission(action.permission()) {
        false
    } else if action.reads_user_types() {
        !caller.ou_id.is_empty()
            && (ou_id == caller.ou_id
                || directory.is_some_and(|d| d.units.is_within(&caller.ou_id, ou_id)))
    } else {
        ou_id.is_empty() || caller.ou_id == ou_id
    };
    if permitted {
        Ok(())
    } else {
        Err(MockError::api(ApiErrorCode::ServerUnauthorized))
    }
}

/// `GetAccessibleResources`: `None` means every unit; otherwise only resources in these units.
pub(crate) fn accessible_units(
    caller: &Caller,
    action: Action,
    directory: Option<&Directory>,
) -> Option<Vec<String>> {
    let principal = &caller.principal;
    if principal.subject.is_empty() {
        return Some(Vec::new());
    }
    if caller.is_root() {
        return None;
    }
    if !principal.has_permission(action.permission()) || caller.ou_id.is_empty() {
        return Some(Vec::new());
    }
    let mut units = vec![caller.ou_id.clone()];
    if action.reads_user_types()
        && let Some(directory) = directory
    {
        units.extend(directory.units.ancestors(&caller.ou_id));
    }
    Some(units)
}

/// The grant guard (`CanGrantPermissions`): a caller without `system` may only hand out
/// permissions it holds itself through its roles (per resource server, hierarchically). 403
/// `SAZ-4030` otherwise.
pub(crate) fn check_grant(
    caller: &Caller,
    directory: &Directory,
    granted: &[(String, String)],
) -> Result<(), MockError> {
    if caller.is_root() || granted.is_empty() {
        return Ok(());
    }
    let subject = &caller.principal.subject;
    let held = [MemberKind::User, MemberKind::App, MemberKind::Agent]
        .iter()
        .flat_map(|kind| directory.effective_permissions(&MemberRef::new(*kind, subject.clone())))
        .collect::<Vec<_>>();
    let covered = granted.iter().all(|(server, wanted)| {
        held.iter().any(|(s, have)| {
            s == server
                && (have == wanted
                    || wanted
                        .strip_prefix(have.as_str())
                        .is_some_and(|rest| rest.starts_with(':')))
        })
    });
    if covered {
        Ok(())
    } else {
        Err(MockError::api(ApiErrorCode::GrantNotPermitted))
    }
}
