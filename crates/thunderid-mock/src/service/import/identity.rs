//! The identity kinds of `/import` (`IMP/service_adapters.go`): organization units, user and agent
//! types (an `agent_type`, or a `user_type` with `category: agent`; the outcome says `user_type`
//! for both, as the server's does), agents, resource servers (with their nested resources and actions), roles, groups and users, each
//! applied through its own service with the importing administrator as the caller, so every
//! check of the API runs. Upsert updates by `id` and creates under that id when the resource is
//! unknown; roles and groups add the document's assignments and members to what is there.

use serde_json::{Map, Value, json};
use thunderid_protocol::ApiErrorCode;

use super::{Outcome, failed, outcome, text};
use crate::error::MockError;
use crate::service::access::Caller;
use crate::service::organizations::units;
use crate::service::resources::actions::{self, Level};
use crate::service::users::user_types::{AGENT_TYPES, Api, DECLARED_AGENT_TYPES, USER_TYPES};
use crate::service::users::{manage, user_types};
use crate::service::{agents, groups, resources, roles};
use crate::state::AppState;

/// The kinds this module applies.
pub(super) const KINDS: &[&str] = &[
    "organization_unit",
    "user_type",
    "agent_type",
    "agent",
    "resource_server",
    "role",
    "group",
    "user",
];

/// Apply one identity document.
pub(super) fn apply(
    state: &AppState,
    caller: &Caller,
    kind: &str,
    mut document: Map<String, Value>,
    upsert: bool,
) -> Outcome {
    resolve_unit_handle(state, &mut document);
    let id = text(&document, "id");
    let name = if kind == "user" {
        String::new()
    } else {
        text(&document, "name")
    };
    let kind = match kind {
        "user_type" if text(&document, "category") == "agent" => "agent_type",
        kind => kind,
    };
    let exists = !id.is_empty() && exists(state, kind, &id);
    // The importer reports both entity-type kinds as `user_type`.
    let reported = if kind == "agent_type" {
        "user_type"
    } else {
        kind
    };
    let result = if upsert && exists {
        update(state, caller, kind, &id, &document).map(|()| (id.clone(), "update"))
    } else if exists {
        // The server's store refuses a second row with the same primary key.
        Err(MockError::api(ApiErrorCode::ServerInternal))
    } else {
        let requested = (!id.is_empty()).then(|| id.clone());
        create(state, caller, kind, requested, &document).map(|created| (created, "create"))
    };
    match result {
        Ok((resource_id, operation)) => outcome(reported, resource_id, name, operation),
        Err(e) => {
            let operation = if upsert && exists { "update" } else { "create" };
            failed(outcome(reported, id, name, operation), &e)
        }
    }
}

/// Whether a resource of `kind` with `id` exists (what a dry run reports).
pub(super) fn exists(state: &AppState, kind: &str, id: &str) -> bool {
    if kind == "agent" {
        return state.registry().agents.get(id).is_some();
    }
    state.stores().directory.read(|d| match kind {
        "agent_type" => d
            .user_types
            .get_in(crate::fixtures::TypeCategory::Agent, id)
            .is_some(),
        "organization_unit" => d.units.get(id).is_some(),
        "user_type" => d.user_types.get(id).is_some(),
        "resource_server" => d.resource_servers.get(id).is_some(),
        "role" => d.roles.get(id).is_some(),
        "group" => d.groups.get(id).is_some(),
        "user" => d.users.get(id).is_some(),
        _ => false,
    })
}

/// `ouHandle` names a unit when `ouId` is empty (the id wins when both are given).
fn resolve_unit_handle(state: &AppState, document: &mut Map<String, Value>) {
    let handle = text(document, "ouHandle");
    if handle.is_empty() || !text(document, "ouId").is_empty() {
        return;
    }
    let unit = state.stores().directory.read(|d| {
        d.units
            .by_path(&[handle.as_str()])
            .or_else(|| d.units.all().into_iter().find(|u| u.handle == handle))
            .map(|u| u.id.clone())
    });
    if let Some(unit) = unit {
        document.insert("ouId".into(), Value::String(unit));
    }
}

fn bytes(value: Value) -> Vec<u8> {
    serde_json::to_vec(&value).unwrap_or_default()
}

/// The members of `document` the API body of `kind` reads.
fn body(kind: &str, document: &Map<String, Value>) -> Vec<u8> {
    let mut body = document.clone();
    body.remove("id");
    body.remove("ouHandle");
    match kind {
        "user_type" | "agent_type" => {
            // The schema may be a mapping or a JSON string.
            if let Some(Value::String(schema)) = body.get("schema")
                && let Ok(parsed) = serde_json::from_str::<Value>(schema)
            {
                body.insert("schema".into(), parsed);
            }
            body.remove("category");
        }
        "resource_server" => {
            body.remove("resources");
        }
        "role" => {
            body.remove("assignments");
        }
        "group" => {
            body.remove("members");
        }
        "user" => {
            // A new user's credentials are attributes of the create request.
            let credentials = body.remove("credentials");
            if let Some(Value::Object(credentials)) = credentials {
                let attributes = body
                    .entry("attributes")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(attributes) = attributes {
                    attributes.extend(credentials);
                }
            }
        }
        _ => {}
    }
    bytes(Value::Object(body))
}

/// The entity-type API of a kind; agent types the start loads read-only are the file loader's.
fn types(state: &AppState, caller: &Caller, kind: &str) -> &'static Api {
    match kind {
        "agent_type" if caller.is_runtime() && state.config().read_only_resources => {
            &DECLARED_AGENT_TYPES
        }
        "agent_type" => &AGENT_TYPES,
        _ => &USER_TYPES,
    }
}

/// An agent document as the service's request (flow handles kept: the importer resolves them).
fn agent(document: &Map<String, Value>) -> Result<thunderid_protocol::agents::Agent, MockError> {
    let mut request = document.clone();
    request.remove("id");
    serde_json::from_value(super::application::as_go_reads_it(request))
        .map_err(|_| MockError::api(ApiErrorCode::AgentInvalidRequestFormat))
}

fn list(document: &Map<String, Value>, name: &str) -> Vec<Value> {
    document
        .get(name)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn create(
    state: &AppState,
    caller: &Caller,
    kind: &str,
    id: Option<String>,
    document: &Map<String, Value>,
) -> Result<String, MockError> {
    let request = body(kind, document);
    match kind {
        "organization_unit" => Ok(units::create_unit_as(state, caller, &request, id)?
            .id
            .to_string()),
        "user_type" | "agent_type" => {
            Ok(user_types::create_as(types(state, caller, kind), state, caller, &request, id)?.id)
        }
        "agent" => {
            let request = agent(document)?;
            Ok(agents::create_as(state, caller, request, id)?.id)
        }
        "resource_server" => {
            let server = resources::create_server_as(state, &request, id)?.id;
            nested_resources(state, &server, document)?;
            Ok(server)
        }
        "role" => {
            let mut request = document.clone();
            request.remove("id");
            request.remove("ouHandle");
            Ok(roles::create_as(state, caller, &bytes(Value::Object(request)), id)?.id)
        }
        "group" => {
            let mut request = document.clone();
            request.remove("id");
            request.remove("ouHandle");
            Ok(groups::create_as(state, caller, &bytes(Value::Object(request)), id)?.id)
        }
        "user" => Ok(manage::create_as(state, caller, &request, id)?
            .id
            .to_string()),
        _ => Err(MockError::api(ApiErrorCode::ImportAdapterNotConfigured)),
    }
}

fn update(
    state: &AppState,
    caller: &Caller,
    kind: &str,
    id: &str,
    document: &Map<String, Value>,
) -> Result<(), MockError> {
    let request = body(kind, document);
    match kind {
        "organization_unit" => units::update_unit(state, caller, id, &request).map(drop),
        "user_type" | "agent_type" => {
            user_types::update_in(types(state, caller, kind), state, caller, id, &request).map(drop)
        }
        "agent" => agents::update(state, id, &request).map(drop),
        "resource_server" => {
            resources::update_server(state, id, &request)?;
            nested_resources(state, id, document)
        }
        "role" => {
            roles::update(state, caller, id, &request)?;
            let assignments = list(document, "assignments");
            if !assignments.is_empty() {
                let body = bytes(json!({ "assignments": assignments }));
                roles::change_assignments(state, caller, id, &body, true)?;
            }
            Ok(())
        }
        "group" => {
            groups::update(state, caller, id, &request)?;
            let members = list(document, "members");
            if !members.is_empty() {
                let body = bytes(json!({ "members": members }));
                groups::change_members(state, caller, id, &body, true)?;
            }
            Ok(())
        }
        "user" => {
            let mut request = document.clone();
            request.remove("id");
            request.remove("ouHandle");
            let credentials = request.remove("credentials");
            manage::update(state, caller, id, &bytes(Value::Object(request)))?;
            if let Some(Value::Object(credentials)) = credentials
                && !credentials.is_empty()
            {
                let body = bytes(json!({ "credentials": credentials }));
                manage::update_user_credentials(state, caller, id, &body)?;
            }
            Ok(())
        }
        _ => Err(MockError::api(ApiErrorCode::ImportAdapterNotConfigured)),
    }
}

/// A resource server document's `resources` (parents named by handle) and their `actions`;
/// handles the server already has are skipped.
fn nested_resources(
    state: &AppState,
    server: &str,
    document: &Map<String, Value>,
) -> Result<(), MockError> {
    for resource in list(document, "resources") {
        let Some(resource) = resource.as_object() else {
            continue;
        };
        let handle = text(resource, "handle");
        let existing = state.stores().directory.read(|d| {
            d.resource_servers
                .resource_by_handle(server, &handle)
                .map(|r| r.id.clone())
        });
        let id = match existing {
            Some(id) => id,
            None => {
                let parent = text(resource, "parent");
                let parent = if parent.is_empty() {
                    Value::Null
                } else {
                    state
                        .stores()
                        .directory
                        .read(|d| {
                            d.resource_servers
                                .resource_by_handle(server, &parent)
                                .map(|r| r.id.clone())
                        })
                        .map_or(Value::String(parent), Value::String)
                };
                let request = json!({
                    "name": text(resource, "name"),
                    "handle": handle,
                    "description": text(resource, "description"),
                    "parent": parent,
                });
                resources::create_resource(state, server, &bytes(request))?.id
            }
        };
        let taken: Vec<String> = state.stores().directory.read(|d| {
            d.resource_servers
                .actions_at(server, Some(&id))
                .into_iter()
                .map(|a| a.handle.clone())
                .collect()
        });
        for action in list(resource, "actions") {
            let Some(action) = action.as_object() else {
                continue;
            };
            if taken.contains(&text(action, "handle")) {
                continue;
            }
            let level = Level {
                server,
                resource: Some(&id),
            };
            actions::create_action(state, level, &bytes(Value::Object(action.clone())))?;
        }
    }
    Ok(())
}
