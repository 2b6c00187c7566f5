//! What depends on a user: `DELETE /users/{id}` with the server's refusals and cascade
//! (`service.go` `DeleteUser`, `ensureNoBlockingDependencies`) and `GET /users/{id}/usages`
//! (`GetUserUsages`). The only dependants are the agents the user owns, each restricting the
//! delete. The agent service finds them in one page of the agent list, which fails past
//! [`MAX_COMPOSITE_RECORDS`](crate::store::declared::MAX_COMPOSITE_RECORDS) agents (the entity store is composite in every mode): the usage is then
//! unknown, and the delete fails closed with the server's 500.

use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::user_management::{Usage, UsageResponse};

use super::{api, with_status};
use crate::error::MockError;
use crate::service::access::Action;
use crate::service::access::{Caller, check_user_access};
use crate::state::AppState;
use crate::store::declared::Kind as Declared;
use crate::store::registry::Registry;

/// `DELETE /users/{id}`: with its group memberships and role assignments (a declarative group's or
/// role's file keeps listing it); refused (409 USR-1027) while the user owns agents
/// (`ensureNoBlockingDependencies`, after the access and declarative checks).
pub(crate) fn delete(state: &AppState, caller: &Caller, id: &str) -> Result<(), MockError> {
    if id.is_empty() {
        return Err(with_status(ApiErrorCode::UserMissingUserId, 400));
    }
    let declarative = state.is_declarative(Declared::User, id);
    let owned_agents = state
        .registry()
        .agents
        .owned_by(id)
        .map(|agents| agents.len());
    state.stores().directory.write(|d| {
        let user = d
            .users
            .get(id)
            .ok_or_else(|| api(ApiErrorCode::UserNotFound))?;
        check_user_access(caller, Action::DeleteUser, &user.ou_id, id)?;
        if declarative {
            return Err(api(ApiErrorCode::UserCannotModifyDeclarativeResource));
        }
        match owned_agents {
            None => {
                return Err(MockError::Internal(anyhow::anyhow!(
                    "user dependency data unavailable: the agent list passed the composite limit"
                )));
            }
            Some(0) => {}
            Some(count) => return Err(blocked_by_agents(count)),
        }
        d.delete_user(id);
        Ok(())
    })
}

/// USR-1027 with `summarizeBlockingUsages`' text: the only blocking usages are owned agents.
fn blocked_by_agents(count: usize) -> MockError {
    let dependencies = format!("{count} agent(s)");
    let mut error = ApiErrorCode::UserHasBlockingDependencies.to_error();
    error.description.default_value = Some(format!(
        "The user cannot be deleted because {dependencies} depend on it. Remove or reassign them first."
    ));
    error.description.params = Some([("dependencies".to_owned(), dependencies)].into());
    MockError::api_error(error)
}

/// `GET /users/{id}/usages`: what depends on the user: the agents it owns (`getAgentsByOwner`;
/// an agent cannot exist without its owner, so each restricts the user's deletion).
pub(crate) fn usages(state: &AppState, id: &str) -> Result<UsageResponse, MockError> {
    let exists = state.stores().directory.read(|d| d.users.get(id).is_some());
    if !exists {
        return Err(api(ApiErrorCode::UserNotFound));
    }
    Ok(match owned_agents(&state.registry(), id) {
        Some(owned) => UsageResponse::of("agent", owned),
        None => UsageResponse::unknown(),
    })
}

/// The agents `user` owns as restricting usages, or `None` when unknown.
fn owned_agents(registry: &Registry, user: &str) -> Option<Vec<Usage>> {
    let owned = registry.agents.owned_by(user)?;
    Some(
        owned
            .into_iter()
            .map(|agent| Usage {
                resource_type: "agent".to_owned(),
                id: agent.id.clone(),
                display_name: agent.name.clone(),
                behavior_on_delete: "restrict".to_owned(),
            })
            .collect(),
    )
}
