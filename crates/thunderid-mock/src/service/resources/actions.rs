//! Actions, at a resource server's level or on one of its resources (`…/actions[/{id}]` and
//! `…/resources/{resourceId}/actions[/{id}]`).

use thunderid_protocol::resources::{Action, ActionListResponse};

use super::{
    PAGING, action_body, action_not_found, api, check_composite_limit, check_handle, invalid,
    read_update, resource_not_found, server_not_found,
};
use crate::error::MockError;
use crate::permission;
use crate::service::request::{FieldRules, GoObject, Paging, Query};
use crate::state::AppState;
use crate::store::declared::Kind as Declared;
use crate::store::directory::Directory;
use crate::store::resource_servers::{ActionRecord, ResourceRecord, ServerRecord};
use crate::wire::sanitize;
use thunderid_protocol::ApiErrorCode;

/// Where an action lives: a resource server, and a resource of it or none.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Level<'a> {
    pub server: &'a str,
    pub resource: Option<&'a str>,
}

impl Level<'_> {
    /// The server (RES-1003), then the resource (RES-1008).
    fn check(&self, d: &Directory) -> Result<(ServerRecord, Option<ResourceRecord>), MockError> {
        let server = d
            .resource_servers
            .get(self.server)
            .ok_or_else(server_not_found)?
            .clone();
        let resource = match self.resource {
            None => None,
            Some(id) => Some(
                d.resource_servers
                    .resource(self.server, id)
                    .ok_or_else(resource_not_found)?
                    .clone(),
            ),
        };
        Ok((server, resource))
    }

    fn base(&self) -> String {
        match self.resource {
            None => format!("/resource-servers/{}/actions", self.server),
            Some(r) => format!("/resource-servers/{}/resources/{r}/actions", self.server),
        }
    }
}

/// `GET …/actions[?kind=tool|resource]`. After the paging, kind, server and resource checks,
/// more than [`MAX_COMPOSITE_RECORDS`](crate::store::declared::MAX_COMPOSITE_RECORDS) actions
/// at that level (of that kind) are RES-1021 in the composite store mode (`getMergedActions`).
pub(crate) fn list_actions(
    state: &AppState,
    level: Level<'_>,
    query: Option<&str>,
) -> Result<ActionListResponse, MockError> {
    let query = Query::parse(query);
    let paging = Paging::parse(&query, &PAGING)?.validate(&PAGING)?;
    let kind = query.get("kind").unwrap_or_default().to_owned();
    if !["", "tool", "resource"].contains(&kind.as_str()) {
        return Err(invalid());
    }
    state.stores().directory.read(|d| {
        level.check(d)?;
        let actions: Vec<_> = d
            .resource_servers
            .actions_at(level.server, level.resource)
            .into_iter()
            .filter(|a| kind.is_empty() || a.kind == kind)
            .collect();
        check_composite_limit(state, actions.len())?;
        let actions = actions.into_iter().map(action_body).collect();
        let page = paging.page(actions, &level.base(), "");
        Ok(ActionListResponse {
            total_results: page.total_results,
            start_index: page.start_index,
            count: page.count,
            actions: page.items,
            links: page.links,
        })
    })
}

/// `POST …/actions`: 201 with its permission; an MCP server's actions are `tool`s unless told.
pub(crate) fn create_action(
    state: &AppState,
    level: Level<'_>,
    body: &[u8],
) -> Result<Action, MockError> {
    let request = GoObject::decode(body, &["name", "handle", "description", "kind"])
        .map_err(|_| invalid())?;
    let text = |name: &str| request.string(name).map_err(|_| invalid());
    let (name, handle, description, kind) = (
        text("name")?,
        text("handle")?,
        text("description")?,
        text("kind")?,
    );
    let mut rules = FieldRules::default();
    rules.text("name", &name, true, None);
    rules.text("handle", &handle, true, Some(permission::MAX_HANDLE_LENGTH));
    rules.finish()?;
    let (name, handle) = (sanitize(&name), sanitize(&handle));
    let id = crate::ids::uuid_v7(state.now());
    state.stores().directory.write(|d| {
        let (server, resource) = level.check(d)?;
        if name.is_empty() || handle.is_empty() {
            return Err(invalid());
        }
        check_handle(&handle, &server.delimiter)?;
        let mcp = server.kind == "MCP";
        let kind = match kind.as_str() {
            "" if mcp => "tool".to_owned(),
            "" | "tool" | "resource" => kind,
            _ => return Err(invalid()),
        };
        let store = &d.resource_servers;
        let clash = store
            .actions_at(level.server, level.resource)
            .iter()
            .any(|a| a.handle == handle)
            || (mcp
                && store
                    .resources_under(level.server, level.resource)
                    .iter()
                    .any(|r| r.handle == handle));
        if clash {
            return Err(api(ApiErrorCode::ResourceHandleConflict));
        }
        let record = ActionRecord {
            id,
            server: level.server.to_owned(),
            resource: level.resource.map(str::to_owned),
            name,
            permission: permission::derive(
                resource.as_ref().map(|r| r.permission.as_str()),
                &server.delimiter,
                &handle,
            ),
            handle,
            description: sanitize(&description),
            kind,
            seq: d.next_seq(),
        };
        let answer = action_body(&record);
        d.resource_servers.put_action(record);
        Ok(answer)
    })
}

/// `GET …/actions/{id}`.
pub(crate) fn get_action(
    state: &AppState,
    level: Level<'_>,
    id: &str,
) -> Result<Action, MockError> {
    state.stores().directory.read(|d| {
        level.check(d)?;
        d.resource_servers
            .action(level.server, level.resource, id)
            .map(action_body)
            .ok_or_else(action_not_found)
    })
}

/// `PUT …/actions/{id}`: name and description; the answer's `permission` is empty, as the
/// server's. Under a resource any body problem is RES-1001.
pub(crate) fn update_action(
    state: &AppState,
    level: Level<'_>,
    id: &str,
    body: &[u8],
) -> Result<Action, MockError> {
    let (name, description) = read_update(body, level.resource.is_none())?;
    check_mutable(state, level, id)?;
    state.stores().directory.write(|d| {
        level.check(d)?;
        let action = d
            .resource_servers
            .action_mut(level.server, level.resource, id)
            .ok_or_else(action_not_found)?;
        action.name = name;
        action.description = description;
        Ok(Action {
            permission: String::new(),
            ..action_body(action)
        })
    })
}

/// RES-1020 for an action of a resource server a declarative file loaded.
fn check_mutable(state: &AppState, level: Level<'_>, id: &str) -> Result<(), MockError> {
    if state.is_declarative(Declared::ResourceServer, level.server) {
        return Err(super::immutable(
            ApiErrorCode::ResourceActionDeclarative,
            id,
        ));
    }
    Ok(())
}

/// `DELETE …/actions/{id}`: idempotent.
pub(crate) fn delete_action(state: &AppState, level: Level<'_>, id: &str) -> Result<(), MockError> {
    check_mutable(state, level, id)?;
    state.stores().directory.write(|d| {
        if d.resource_servers
            .action(level.server, level.resource, id)
            .is_some()
        {
            d.resource_servers.remove_action(id);
            d.drop_dangling_permissions();
        }
    });
    Ok(())
}
