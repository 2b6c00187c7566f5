//! `/resource-servers` (`backend/internal/resource/handler.go`, `service.go`): resource servers,
//! their resources (a tree) and actions (on the server or on a resource), each defining a
//! permission string ([`crate::permission`]) that roles grant. The middleware asks for `system` on
//! every path. Lists are newest first. Deleting anything drops the role permissions that named it.

pub(crate) mod actions;

pub(crate) use actions::{
    Level, create_action, delete_action, get_action, list_actions, update_action,
};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::resources::{
    Action, Resource, ResourceListResponse, ResourceServer, ResourceServerListResponse,
    ResourceServerType,
};

use crate::error::MockError;
use crate::permission::{self, HandleError};
use crate::service::request::{FieldRules, GoObject, Paging, PagingRules, Query};
use crate::state::AppState;
use crate::store::declared::{Kind as Declared, MAX_COMPOSITE_RECORDS, files_last};
use crate::store::resource_servers::{ActionRecord, ResourceRecord, ResourceServers, ServerRecord};
use crate::wire::sanitize;

/// The resource handler's `limit`/`offset`: strict, RES-1011/RES-1012.
const PAGING: PagingRules = PagingRules {
    limit: ApiErrorCode::ResourceInvalidLimit,
    offset: ApiErrorCode::ResourceInvalidOffset,
    lenient: false,
};

/// `GET /resource-servers`. In the composite store mode more servers than
/// [`MAX_COMPOSITE_RECORDS`] (the database's and the files' together) fail the list with
/// RES-1021 after the paging checks (`GetResourceServerListCount`).
pub(crate) fn list_servers(
    state: &AppState,
    query: Option<&str>,
) -> Result<ResourceServerListResponse, MockError> {
    let paging = paging(query)?;
    let declared = state.declared_ids(Declared::ResourceServer);
    state.stores().directory.read(|d| {
        let mut servers = d.resource_servers.newest_first();
        check_composite_limit(state, servers.len())?;
        files_last(&mut servers, |s| {
            declared.contains(&s.id).then_some(s.id.as_str())
        });
        let servers = servers.into_iter().map(server_body).collect();
        let page = paging.page(servers, "/resource-servers", "");
        Ok(ResourceServerListResponse {
            total_results: page.total_results,
            start_index: page.start_index,
            count: page.count,
            resource_servers: page.items,
            links: page.links,
        })
    })
}

/// The ids an export of every resource server reads by paging the list (`GetAllResourceIDs`):
/// none when the list fails past the composite limit, as the export then skips the kind.
pub(crate) fn export_ids(state: &AppState) -> Vec<String> {
    state.stores().directory.read(|d| {
        let servers = d.resource_servers.newest_first();
        match check_composite_limit(state, servers.len()) {
            Ok(()) => servers.into_iter().map(|s| s.id.clone()).collect(),
            Err(_) => Vec::new(),
        }
    })
}

/// Whether the exporter cannot read a server in the composite store mode: more than
/// [`MAX_COMPOSITE_RECORDS`] resources in all (`GetAllResourceList`: the count's limit error is
/// the service's 500) or actions on one resource (its `GetActionList` pages, RES-1021). The
/// export then leaves the server out.
pub(crate) fn export_fails(state: &AppState, store: &ResourceServers, id: &str) -> bool {
    let past = |count: usize| check_composite_limit(state, count).is_err();
    let resources = store.resources_of(id);
    past(resources.len())
        || resources
            .iter()
            .any(|r| past(store.actions_at(id, Some(&r.id)).len()))
}

/// `POST /resource-servers`: 201; `type` defaults to `CUSTOM`, `delimiter` to `:`.
pub(crate) fn create_server(state: &AppState, body: &[u8]) -> Result<ResourceServer, MockError> {
    create_server_as(state, body, None)
}

/// [`create_server`] under `id` when an import names one.
pub(crate) fn create_server_as(
    state: &AppState,
    body: &[u8],
    id: Option<String>,
) -> Result<ResourceServer, MockError> {
    let request = GoObject::decode(
        body,
        &[
            "name",
            "description",
            "identifier",
            "type",
            "ouId",
            "delimiter",
        ],
    )
    .map_err(|_| invalid())?;
    let text = |name: &str| request.string(name).map_err(|_| invalid());
    let (name, description, identifier) =
        (text("name")?, text("description")?, text("identifier")?);
    let (kind, ou_id, delimiter) = (text("type")?, text("ouId")?, text("delimiter")?);
    let mut rules = FieldRules::default();
    rules.text("name", &name, true, None);
    rules.text("identifier", &identifier, true, None);
    rules.text("ouId", &ou_id, true, None);
    rules.finish()?;
    let (name, identifier, ou_id) = (sanitize(&name), sanitize(&identifier), sanitize(&ou_id));
    if name.is_empty() || ou_id.is_empty() || identifier.is_empty() {
        return Err(invalid());
    }
    let kind = match kind.as_str() {
        "" => "CUSTOM",
        "API" | "MCP" | "CUSTOM" => kind.as_str(),
        _ => return Err(invalid()),
    };
    let delimiter = if delimiter.is_empty() {
        permission::DEFAULT_DELIMITER.to_owned()
    } else if permission::valid_delimiter(&delimiter) {
        delimiter
    } else {
        return Err(api(ApiErrorCode::ResourceInvalidDelimiter));
    };
    let id = id.unwrap_or_else(|| crate::ids::uuid_v7(state.now()));
    state.stores().directory.write(|d| {
        if d.units.get(&ou_id).is_none() {
            return Err(api(ApiErrorCode::ResourceOuNotFound));
        }
        if d.resource_servers.name_taken(&name, None) {
            return Err(api(ApiErrorCode::ResourceServerNameConflict));
        }
        if d.resource_servers.identifier_taken(&identifier, None) {
            return Err(api(ApiErrorCode::ResourceServerIdentifierConflict));
        }
        let record = ServerRecord {
            id,
            name,
            description: sanitize(&description),
            identifier,
            kind: kind.to_owned(),
            ou_id,
            delimiter,
            seq: d.next_seq(),
        };
        let answer = server_body(&record);
        d.resource_servers.put_server(record);
        Ok(answer)
    })
}

/// `GET /resource-servers/{id}`.
pub(crate) fn get_server(state: &AppState, id: &str) -> Result<ResourceServer, MockError> {
    state
        .stores()
        .directory
        .read(|d| d.resource_servers.get(id).map(server_body))
        .ok_or_else(server_not_found)
}

/// `PUT /resource-servers/{id}`: name, description, identifier (empty keeps it) and unit; `type`
/// and `delimiter` never change.
pub(crate) fn update_server(
    state: &AppState,
    id: &str,
    body: &[u8],
) -> Result<ResourceServer, MockError> {
    let request = GoObject::decode(body, &["name", "description", "identifier", "ouId"])
        .map_err(|_| invalid())?;
    let text = |name: &str| request.string(name).map_err(|_| invalid());
    let (name, description, identifier, ou_id) = (
        text("name")?,
        text("description")?,
        text("identifier")?,
        text("ouId")?,
    );
    let mut rules = FieldRules::default();
    rules.text("ouId", &ou_id, true, None);
    rules.finish()?;
    let (name, identifier, ou_id) = (sanitize(&name), sanitize(&identifier), sanitize(&ou_id));
    if name.is_empty() || ou_id.is_empty() {
        return Err(invalid());
    }
    let declarative = state.is_declarative(Declared::ResourceServer, id);
    state.stores().directory.write(|d| {
        let current = d.resource_servers.get(id).ok_or_else(server_not_found)?;
        if declarative {
            return Err(immutable(ApiErrorCode::ResourceServerDeclarative, id));
        }
        let identifier = if identifier.is_empty() {
            current.identifier.clone()
        } else {
            identifier
        };
        if identifier != current.identifier
            && d.resource_servers.identifier_taken(&identifier, Some(id))
        {
            return Err(api(ApiErrorCode::ResourceServerIdentifierConflict));
        }
        if d.units.get(&ou_id).is_none() {
            return Err(api(ApiErrorCode::ResourceOuNotFound));
        }
        if name != current.name && d.resource_servers.name_taken(&name, Some(id)) {
            return Err(api(ApiErrorCode::ResourceServerNameConflict));
        }
        let server = d
            .resource_servers
            .get_mut(id)
            .ok_or_else(server_not_found)?;
        server.name = name;
        server.description = sanitize(&description);
        server.identifier = identifier;
        server.ou_id = ou_id;
        Ok(server_body(server))
    })
}

/// `DELETE /resource-servers/{id}`: idempotent; refused (RES-1006) while it has resources or
/// actions of its own.
pub(crate) fn delete_server(state: &AppState, id: &str) -> Result<(), MockError> {
    if state.is_declarative(Declared::ResourceServer, id) {
        return Err(immutable(ApiErrorCode::ResourceServerDeclarative, id));
    }
    state.stores().directory.write(|d| {
        if d.resource_servers.get(id).is_none() {
            return Ok(());
        }
        if d.resource_servers.has_dependents(id) {
            return Err(api(ApiErrorCode::ResourceCannotDelete));
        }
        d.resource_servers.remove_server(id);
        d.drop_dangling_permissions();
        Ok(())
    })
}

/// `GET /resource-servers/{rs}/resources[?parentId=…]`: the top level, or a resource's children.
/// After the paging, server and parent checks, more than [`MAX_COMPOSITE_RECORDS`] resources
/// under that parent are RES-1021 in the composite store mode (`getMergedResourcesByParent`).
pub(crate) fn list_resources(
    state: &AppState,
    server: &str,
    query: Option<&str>,
) -> Result<ResourceListResponse, MockError> {
    let query = Query::parse(query);
    let paging = Paging::parse(&query, &PAGING)?.validate(&PAGING)?;
    let parent = query.get("parentId").map(str::to_owned);
    state.stores().directory.read(|d| {
        let store = &d.resource_servers;
        store.get(server).ok_or_else(server_not_found)?;
        if let Some(parent) = &parent {
            store
                .resource(server, parent)
                .ok_or_else(resource_not_found)?;
        }
        let resources = store.resources_under(server, parent.as_deref());
        check_composite_limit(state, resources.len())?;
        let resources = resources.into_iter().map(resource_body).collect();
        let page = paging.page(
            resources,
            &format!("/resource-servers/{server}/resources"),
            "",
        );
        Ok(ResourceListResponse {
            total_results: page.total_results,
            start_index: page.start_index,
            count: page.count,
            resources: page.items,
            links: page.links,
        })
    })
}

/// `POST /resource-servers/{rs}/resources`: 201 with its permission.
pub(crate) fn create_resource(
    state: &AppState,
    server: &str,
    body: &[u8],
) -> Result<Resource, MockError> {
    let request = GoObject::decode(body, &["name", "handle", "description", "parent"])
        .map_err(|_| invalid())?;
    let text = |name: &str| request.string(name).map_err(|_| invalid());
    let (name, handle, description) = (text("name")?, text("handle")?, text("description")?);
    let parent = request.opt_string("parent").map_err(|_| invalid())?;
    let mut rules = FieldRules::default();
    rules.text("handle", &handle, true, Some(permission::MAX_HANDLE_LENGTH));
    rules.finish()?;
    let (name, handle) = (sanitize(&name), sanitize(&handle));
    let parent = parent.map(|p| sanitize(&p));
    let id = crate::ids::uuid_v7(state.now());
    state.stores().directory.write(|d| {
        let rs = d
            .resource_servers
            .get(server)
            .ok_or_else(server_not_found)?
            .clone();
        if name.is_empty() || handle.is_empty() {
            return Err(invalid());
        }
        check_handle(&handle, &rs.delimiter)?;
        let parent = match &parent {
            None => None,
            Some(id) => Some(
                d.resource_servers
                    .resource(server, id)
                    .ok_or_else(|| api(ApiErrorCode::ResourceParentNotFound))?
                    .clone(),
            ),
        };
        let parent_id = parent.as_ref().map(|p| p.id.as_str());
        let clash = d
            .resource_servers
            .resources_under(server, parent_id)
            .iter()
            .any(|r| r.handle == handle)
            || (rs.kind == "MCP"
                && d.resource_servers
                    .actions_at(server, parent_id)
                    .iter()
                    .any(|a| a.handle == handle));
        if clash {
            return Err(api(ApiErrorCode::ResourceHandleConflict));
        }
        let record = ResourceRecord {
            id,
            server: server.to_owned(),
            name,
            permission: permission::derive(
                parent.as_ref().map(|p| p.permission.as_str()),
                &rs.delimiter,
                &handle,
            ),
            handle,
            description: sanitize(&description),
            parent: parent.map(|p| p.id),
            seq: d.next_seq(),
        };
        let answer = resource_body(&record);
        d.resource_servers.put_resource(record);
        Ok(answer)
    })
}

/// `GET /resource-servers/{rs}/resources/{id}`.
pub(crate) fn get_resource(
    state: &AppState,
    server: &str,
    id: &str,
) -> Result<Resource, MockError> {
    state.stores().directory.read(|d| {
        d.resource_servers
            .get(server)
            .ok_or_else(server_not_found)?;
        d.resource_servers
            .resource(server, id)
            .map(resource_body)
            .ok_or_else(resource_not_found)
    })
}

/// `PUT /resource-servers/{rs}/resources/{id}`: name and description; the answer's `permission` is
/// empty, as the server's.
pub(crate) fn update_resource(
    state: &AppState,
    server: &str,
    id: &str,
    body: &[u8],
) -> Result<Resource, MockError> {
    let (name, description) = read_update(body, true)?;
    if state.is_declarative(Declared::ResourceServer, server) {
        return Err(immutable(ApiErrorCode::ResourceDeclarative, id));
    }
    state.stores().directory.write(|d| {
        d.resource_servers
            .get(server)
            .ok_or_else(server_not_found)?;
        let resource = d
            .resource_servers
            .resource_mut(server, id)
            .ok_or_else(resource_not_found)?;
        resource.name = name;
        resource.description = description;
        Ok(Resource {
            permission: String::new(),
            ..resource_body(resource)
        })
    })
}

/// `DELETE /resource-servers/{rs}/resources/{id}`: idempotent; refused (RES-1006) while it has child
/// resources or actions.
pub(crate) fn delete_resource(state: &AppState, server: &str, id: &str) -> Result<(), MockError> {
    if state.is_declarative(Declared::ResourceServer, server) {
        return Err(immutable(ApiErrorCode::ResourceDeclarative, id));
    }
    state.stores().directory.write(|d| {
        if d.resource_servers.resource(server, id).is_none() {
            return Ok(());
        }
        if d.resource_servers.resource_has_dependents(id) {
            return Err(api(ApiErrorCode::ResourceCannotDelete));
        }
        d.resource_servers.remove_resource(id);
        d.drop_dangling_permissions();
        Ok(())
    })
}

/// An update body (`name` required): the struct tags' structured answer when `structured`, else
/// RES-1001 for any problem.
fn read_update(body: &[u8], structured: bool) -> Result<(String, String), MockError> {
    let request = GoObject::decode(body, &["name", "description"]).map_err(|_| invalid())?;
    let name = request.string("name").map_err(|_| invalid())?;
    let description = request.string("description").map_err(|_| invalid())?;
    let mut rules = FieldRules::default();
    rules.text("name", &name, true, None);
    if !structured && !rules.is_empty() {
        return Err(invalid());
    }
    rules.finish()?;
    Ok((sanitize(&name), sanitize(&description)))
}

fn check_handle(handle: &str, delimiter: &str) -> Result<(), MockError> {
    permission::check_handle(handle, delimiter).map_err(|e| {
        api(match e {
            HandleError::Invalid => ApiErrorCode::ResourceInvalidHandle,
            HandleError::ContainsDelimiter => ApiErrorCode::ResourceDelimiterInHandle,
        })
    })
}

/// RES-1021 for a list of `count` records past [`MAX_COMPOSITE_RECORDS`] in the composite store
/// mode (`composite_store.go`'s `errResultLimitExceededInCompositeMode`, which the service maps
/// to `ErrResultLimitExceededInCompositeMode`); the mutable mode's database store lists them all.
fn check_composite_limit(state: &AppState, count: usize) -> Result<(), MockError> {
    if state.config().read_only_resources && count > MAX_COMPOSITE_RECORDS {
        return Err(api(ApiErrorCode::ResourceResultLimitExceeded));
    }
    Ok(())
}

fn paging(query: Option<&str>) -> Result<Paging, MockError> {
    Paging::parse(&Query::parse(query), &PAGING)?.validate(&PAGING)
}

fn server_body(server: &ServerRecord) -> ResourceServer {
    ResourceServer {
        id: server.id.clone(),
        name: server.name.clone(),
        description: non_empty(&server.description),
        identifier: server.identifier.clone(),
        server_type: ResourceServerType::parse(&server.kind),
        organization_unit_id: server.ou_id.clone(),
        delimiter: server.delimiter.clone(),
        is_read_only: false,
    }
}

fn resource_body(resource: &ResourceRecord) -> Resource {
    Resource {
        id: resource.id.clone(),
        name: resource.name.clone(),
        handle: resource.handle.clone(),
        description: non_empty(&resource.description),
        parent: resource.parent.clone(),
        permission: resource.permission.clone(),
    }
}

fn action_body(action: &ActionRecord) -> Action {
    Action {
        id: action.id.clone(),
        name: action.name.clone(),
        handle: action.handle.clone(),
        description: non_empty(&action.description),
        permission: action.permission.clone(),
        kind: non_empty(&action.kind),
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

fn api(code: ApiErrorCode) -> MockError {
    MockError::api(code)
}

fn invalid() -> MockError {
    api(ApiErrorCode::ResourceInvalidRequestFormat)
}

fn server_not_found() -> MockError {
    api(ApiErrorCode::ResourceServerNotFound)
}

fn resource_not_found() -> MockError {
    api(ApiErrorCode::ResourceNotFound)
}

fn action_not_found() -> MockError {
    api(ApiErrorCode::ResourceActionNotFound)
}

/// RES-1018/1019/1020: a resource server a declarative file loaded, with everything under it,
/// cannot change (`WithParams`: the id in the description's parameters).
pub(crate) fn immutable(code: ApiErrorCode, id: &str) -> MockError {
    let mut error = code.to_error();
    error.description.default_value = error
        .description
        .default_value
        .map(|text| text.replace("{{param(id)}}", id));
    error.description.params = Some([("id".to_owned(), id.to_owned())].into());
    MockError::api_error(error)
}
