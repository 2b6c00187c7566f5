//! `/agents` (`backend/internal/agent/`): agents are entities of an agent type (`default`) with an
//! owner and optionally an inbound client, the same model as an application's, whose OAuth client
//! gets tokens at `/oauth2/token` as soon as it is stored. Each check runs in the agent service's
//! order (`ValidateAgent`, `UpdateAgent`); errors are the AGT codes with the handler's statuses
//! (AGT-1004 404, AGT-1013/1014/1037 409).
//!
//! Names are unique among agents only (an application may share one); client IDs across every
//! entity. Deleting an agent takes its group memberships and role assignments with it.

mod inbound;
mod wire;

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::agents::{
    Agent, AgentGroup, AgentGroupListResponse, AgentListResponse, AgentRoleListResponse,
};

use crate::error::MockError;
use crate::fixtures::{MemberKind, TypeCategory};
use crate::schema::Schema;
use crate::service::access::Caller;
use crate::service::applications::{self, Context, Facts, Mode};
use crate::service::request::{FieldRules, Paging, PagingRules, Query};
use crate::state::AppState;
use crate::store::agents::AgentRecord;
use crate::store::declared::{Kind as Declared, MAX_COMPOSITE_RECORDS, files_last};
use crate::store::directory::Directory;
use crate::store::groups::MemberRef;
use crate::store::registry::Registry;

/// The agent handler's `limit`/`offset`: strict, AGT-1011/AGT-1012.
const PAGING: PagingRules = PagingRules {
    limit: ApiErrorCode::AgentInvalidLimit,
    offset: ApiErrorCode::AgentInvalidOffset,
    lenient: false,
};

fn api(code: ApiErrorCode) -> MockError {
    MockError::api(code)
}

/// The body as the handler decodes it (AGT-1001), with the create request's struct tags.
fn read(body: &[u8], mode: Mode) -> Result<Agent, MockError> {
    let invalid = || api(ApiErrorCode::AgentInvalidRequestFormat);
    let value: Value = crate::wire::decode_first_json(body).ok_or_else(invalid)?;
    let value = match value {
        Value::Null => Value::Object(Default::default()),
        Value::Object(_) => value,
        _ => return Err(invalid()),
    };
    let mut request: Agent = serde_json::from_value(value).map_err(|_| invalid())?;
    // Neither request struct has these; the handler never copies the flow handles on REST.
    request.id.clear();
    request.client_id.clear();
    request.profile.auth_flow_handle.clear();
    request.profile.registration_flow_handle.clear();
    if mode == Mode::Create {
        let mut rules = FieldRules::default();
        rules.text("ouId", &request.organization_unit_id, true, None);
        rules.text("type", &request.agent_type, true, None);
        rules.text("name", &request.name, true, Some(100));
        rules.finish()?;
    }
    // `normalizeLoginConsent`.
    if let Some(consent) = request.profile.login_consent.as_mut() {
        consent.validity_period = consent.validity_period.max(0);
    }
    Ok(request)
}

/// What the checks need from the directory, read before the registry is locked: the inbound
/// facts, the agent type's schema and whether the owner is a user.
struct Lookups {
    facts: Facts,
    schema: Option<Schema>,
    owner_is_user: bool,
    /// Other agents' unique values are checked in the registry; users' here.
    user_taken: Vec<(String, Value)>,
}

fn lookups(state: &AppState, request: &Agent, owner: &str) -> Lookups {
    let facts = applications::facts(state);
    let (schema, owner_is_user, user_taken) = state.stores().directory.read(|d: &Directory| {
        let schema = d
            .user_types
            .by_name_in(TypeCategory::Agent, &request.agent_type)
            .map(|t| t.schema.clone());
        let taken = match (&schema, request.attributes.as_ref()) {
            (Some(schema), Some(Value::Object(attributes))) => schema
                .unique_values(attributes)
                .into_iter()
                .filter(|(path, value)| d.users.value_taken(path, value, None))
                .collect(),
            _ => Vec::new(),
        };
        (schema, d.users.get(owner).is_some(), taken)
    });
    Lookups {
        facts,
        schema,
        owner_is_user,
        user_taken,
    }
}

/// `validateBaseFields` and `validateLogoURL`.
fn check_base(request: &Agent) -> Result<(), MockError> {
    if request.name.is_empty() {
        return Err(api(ApiErrorCode::AgentInvalidAgentName));
    }
    if request.agent_type.is_empty() {
        return Err(api(ApiErrorCode::AgentInvalidAgentType));
    }
    if !request.logo_url.is_empty() && !applications::validate::valid_logo_url(&request.logo_url) {
        return Err(api(ApiErrorCode::AgentInvalidLogoURL));
    }
    Ok(())
}

/// The unit by handle when only that is given; then it must exist (AGT-1005).
fn resolve_unit(request: &mut Agent, facts: &Facts, required: bool) -> Result<(), MockError> {
    let not_found = || api(ApiErrorCode::AgentOrganizationUnitNotFound);
    if request.organization_unit_id.is_empty() && !request.organization_unit_handle.is_empty() {
        request.organization_unit_id = facts
            .unit_by_handle(&request.organization_unit_handle)
            .ok_or_else(not_found)?;
    }
    if required && !facts.unit_exists(&request.organization_unit_id) {
        return Err(not_found());
    }
    Ok(())
}

/// The entity's attributes against the agent type (AGT-1015), then uniqueness (AGT-1014).
fn check_attributes(
    request: &Agent,
    lookups: &Lookups,
    registry: &Registry,
    id: &str,
) -> Result<(), MockError> {
    let Some(schema) = &lookups.schema else {
        return Err(api(ApiErrorCode::AgentSchemaValidationFailed));
    };
    let empty = serde_json::Map::new();
    let attributes = match &request.attributes {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(attributes)) => attributes,
        Some(_) => return Err(api(ApiErrorCode::AgentSchemaValidationFailed)),
    };
    if schema.problem(attributes, true).is_some() {
        return Err(api(ApiErrorCode::AgentSchemaValidationFailed));
    }
    let other_agent = |path: &str, value: &Value| {
        registry.agents.all().any(|a| {
            a.id != id
                && a.attributes
                    .as_ref()
                    .and_then(Value::as_object)
                    .and_then(|o| crate::store::users::value_at(o, path))
                    == Some(value)
        })
    };
    let taken = schema
        .unique_values(attributes)
        .iter()
        .any(|(path, value)| other_agent(path, value))
        || !lookups.user_taken.is_empty();
    if taken {
        return Err(api(ApiErrorCode::AgentAttributeConflict));
    }
    Ok(())
}

/// Whether an entity has this id: a user (read before), an application or an agent.
fn entity_exists(registry: &Registry, lookups: &Lookups, id: &str) -> bool {
    lookups.owner_is_user || registry.application(id).is_some() || registry.agents.get(id).is_some()
}

/// `GET /agents[?limit&offset&filter&include=display]`: by id. The entity store is composite in
/// every store mode (`entity/init.go`): more agents matching the filter than
/// [`MAX_COMPOSITE_RECORDS`] fail the list (the service's 500).
pub(crate) fn list(state: &AppState, query: Option<&str>) -> Result<AgentListResponse, MockError> {
    let query = Query::parse(query);
    let paging = Paging::parse(&query, &PAGING)?.validate(&PAGING)?;
    let filter = wire::filter(&query)?;
    let display = query.include_display();
    let registry = state.registry();
    let mut agents: Vec<_> = registry
        .agents
        .all()
        .filter(|a| filter.as_ref().is_none_or(|f| f.matches(a)))
        .collect();
    if agents.len() > MAX_COMPOSITE_RECORDS {
        return Err(MockError::Internal(anyhow::anyhow!(
            "agent entities: result limit exceeded in composite mode"
        )));
    }
    let declared = state.declared_ids(Declared::Agent);
    files_last(&mut agents, |a| {
        declared.contains(&a.id).then_some(a.id.as_str())
    });
    let units = display.then(|| applications::facts(state));
    let agents: Vec<_> = agents
        .into_iter()
        .map(|a| {
            let mut item = wire::summary(a, units.as_ref());
            item.is_read_only = state.is_declarative(Declared::Agent, &a.id);
            item
        })
        .collect();
    let extra = if display { "&include=display" } else { "" };
    let page = paging.page(agents, "/agents", extra);
    Ok(AgentListResponse {
        total_results: page.total_results,
        start_index: page.start_index,
        count: page.count,
        agents: page.items,
        links: page.links,
    })
}

/// `POST /agents`: 201 with the client secret this call generated or was given.
pub(crate) fn create(state: &AppState, caller: &Caller, body: &[u8]) -> Result<Agent, MockError> {
    let request = read(body, Mode::Create)?;
    create_as(state, caller, request, None)
}

/// [`create`] of a decoded request, under `id` when an import names one.
pub(crate) fn create_as(
    state: &AppState,
    caller: &Caller,
    mut request: Agent,
    id: Option<String>,
) -> Result<Agent, MockError> {
    let owner = if request.owner.is_empty() {
        caller.principal.subject.clone()
    } else {
        request.owner.clone()
    };
    let lookups = lookups(state, &request, &owner);
    let validities = applications::validities(state);
    let id = id.unwrap_or_else(|| crate::ids::uuid_v7(state.now()));
    state.stores().registry.update(|r| {
        check_base(&request)?;
        resolve_unit(&mut request, &lookups.facts, true)?;
        if r.agents.name_taken(&request.name, None) {
            return Err(api(ApiErrorCode::AgentAgentAlreadyExistsWithName));
        }
        let (client_id, secret) = credentials(r, &request, None)?;
        let context = Context::new(r, &lookups.facts, validities);
        let inbound = inbound::wanted(&request)
            .then(|| inbound::check(&request, &id, &client_id, &secret, Mode::Create, &context))
            .transpose()?;
        if !request.owner.is_empty() && !entity_exists(r, &lookups, &owner) {
            return Err(api(ApiErrorCode::AgentOwnerNotFound));
        }
        check_attributes(&request, &lookups, r, &id)?;
        let record = record(
            r,
            &request,
            id.clone(),
            owner.clone(),
            inbound,
            &client_id,
            &secret,
        );
        let flag = request.profile.is_registration_flow_enabled;
        let answer = wire::complete(&request, &record, &secret, flag, &lookups.facts);
        r.agents.put(record);
        Ok(answer)
    })
}

/// `ValidateAgent`'s OAuth step on create, `resolveOAuthCredentials` on update: the client ID
/// (generated when empty; taken by any entity is AGT-1037) and the secret this call sets.
fn credentials(
    registry: &Registry,
    request: &Agent,
    current: Option<&AgentRecord>,
) -> Result<(String, String), MockError> {
    let existing = current.map_or("", |c| c.client_id.as_str());
    let Some(config) = inbound::oauth_config(request)? else {
        return Ok((existing.to_owned(), String::new()));
    };
    let mut client_id = config.client_id.clone();
    if client_id.is_empty() {
        client_id = existing.to_owned();
    }
    if client_id.is_empty() {
        client_id = crate::ids::random_base64url(16);
    } else if client_id != existing && registry.is_client_id_taken(&client_id) {
        return Err(api(ApiErrorCode::AgentAgentAlreadyExistsWithClientID));
    }
    let mut secret = config.client_secret.clone();
    let kept = current.is_some_and(|c| {
        c.client
            .as_ref()
            .and_then(|c| c.oauth.as_ref())
            .is_some_and(|o| {
                matches!(
                    o.token_endpoint_auth_method.as_str(),
                    "client_secret_basic" | "client_secret_post"
                )
            })
    });
    if secret.is_empty() && inbound::requires_secret(config) && !kept {
        secret = crate::ids::random_base64url(32);
    }
    Ok((client_id, secret))
}

/// The stored agent; an update without a new secret keeps the stored one.
fn record(
    registry: &Registry,
    request: &Agent,
    id: String,
    owner: String,
    inbound: Option<thunderid_protocol::applications::Application>,
    client_id: &str,
    secret: &str,
) -> AgentRecord {
    let has_oauth = inbound
        .as_ref()
        .is_some_and(|i| !i.profile.inbound_auth_config.is_empty());
    let stored_secret = if secret.is_empty() {
        registry
            .agents
            .get(&id)
            .and_then(|a| a.client.as_ref())
            .and_then(|c| c.oauth.as_ref())
            .and_then(|o| o.client_secret.clone())
    } else {
        Some(secret.to_owned())
    };
    let client = inbound
        .as_ref()
        .and_then(|i| inbound::client(registry, i, stored_secret.as_deref()));
    AgentRecord {
        id,
        ou_id: request.organization_unit_id.clone(),
        agent_type: request.agent_type.clone(),
        name: request.name.clone(),
        description: request.description.clone(),
        owner,
        attributes: request.attributes.clone().filter(|a| !a.is_null()),
        client_id: if has_oauth {
            client_id.to_owned()
        } else {
            String::new()
        },
        inbound,
        client,
    }
}

/// `GET /agents/{id}[?include=display]`.
pub(crate) fn get(state: &AppState, id: &str, query: Option<&str>) -> Result<Agent, MockError> {
    let display = Query::parse(query).include_display();
    let units = display.then(|| applications::facts(state));
    let registry = state.registry();
    let agent = registry.agents.get(id).ok_or_else(not_found)?;
    Ok(wire::full(agent, units.as_ref()))
}

fn not_found() -> MockError {
    api(ApiErrorCode::AgentAgentNotFound)
}

/// `PUT /agents/{id}`: the whole agent replaced; without profile fields the inbound client (and
/// the client ID) goes.
pub(crate) fn update(state: &AppState, id: &str, body: &[u8]) -> Result<Agent, MockError> {
    let mut request = read(body, Mode::Update)?;
    let current_owner = state
        .registry()
        .agents
        .get(id)
        .map(|a| a.owner.clone())
        .unwrap_or_default();
    let owner = if request.owner.is_empty() {
        current_owner
    } else {
        request.owner.clone()
    };
    let lookups = lookups(state, &request, &owner);
    let validities = applications::validities(state);
    let declarative = state.is_declarative(Declared::Agent, id);
    state.stores().registry.update(|r| {
        check_base(&request)?;
        let current = r.agents.get(id).cloned().ok_or_else(not_found)?;
        if declarative {
            return Err(api(ApiErrorCode::AgentCannotModifyDeclarativeResource));
        }
        if request.name != current.name && r.agents.name_taken(&request.name, Some(id)) {
            return Err(api(ApiErrorCode::AgentAgentAlreadyExistsWithName));
        }
        let (client_id, secret) = credentials(r, &request, Some(current.as_ref()))?;
        if owner != current.owner && !entity_exists(r, &lookups, &owner) {
            return Err(api(ApiErrorCode::AgentOwnerNotFound));
        }
        resolve_unit(&mut request, &lookups.facts, false)?;
        if request.organization_unit_id.is_empty() {
            request.organization_unit_id = current.ou_id.clone();
        } else if request.organization_unit_id != current.ou_id {
            resolve_unit(&mut request, &lookups.facts, true)?;
        }
        // An inbound client the agent did not have is created (create's defaults); one it had is
        // updated.
        let mode = if current.inbound.is_some() {
            Mode::Update
        } else {
            Mode::Create
        };
        let context = Context::new(r, &lookups.facts, validities);
        let inbound = inbound::wanted(&request)
            .then(|| inbound::check(&request, id, &client_id, &secret, mode, &context))
            .transpose()?;
        check_attributes(&request, &lookups, r, id)?;
        let record = record(
            r,
            &request,
            id.to_owned(),
            owner.clone(),
            inbound,
            &client_id,
            &secret,
        );
        let flag = record
            .inbound
            .as_ref()
            .is_some_and(|i| i.profile.is_registration_flow_enabled);
        let answer = wire::complete(&request, &record, &secret, flag, &lookups.facts);
        r.agents.put(record);
        Ok(answer)
    })
}

/// `DELETE /agents/{id}`: 404 for an unknown id; its memberships and assignments go with it.
pub(crate) fn delete(state: &AppState, id: &str) -> Result<(), MockError> {
    let declarative = state.is_declarative(Declared::Agent, id);
    state.stores().registry.update(|r| {
        if r.agents.get(id).is_none() {
            return Err(not_found());
        }
        if declarative {
            return Err(api(ApiErrorCode::AgentCannotModifyDeclarativeResource));
        }
        r.agents.remove(id).map(drop).ok_or_else(not_found)
    })?;
    // The cascade, after the agent's own declarative check (`DeleteAgent` checks first).
    applications::strip_stored_memberships(state, &MemberRef::new(MemberKind::Agent, id));
    Ok(())
}

/// `GET /agents/{id}/groups[?limit&offset]`: the groups the agent is directly in, by name.
pub(crate) fn groups(
    state: &AppState,
    id: &str,
    query: Option<&str>,
) -> Result<AgentGroupListResponse, MockError> {
    let paging = Paging::parse(&Query::parse(query), &PAGING)?.validate(&PAGING)?;
    if state.registry().agents.get(id).is_none() {
        return Err(not_found());
    }
    let member = MemberRef::new(MemberKind::Agent, id);
    let mut groups: Vec<AgentGroup> = state.stores().directory.read(|d| {
        d.groups
            .direct(&member)
            .map(|g| AgentGroup {
                id: g.id.clone(),
                name: g.name.clone(),
                organization_unit_id: g.ou_id.clone(),
            })
            .collect()
    });
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    let page = paging.page(groups, &format!("/agents/{id}/groups"), "");
    Ok(AgentGroupListResponse {
        total_results: page.total_results,
        start_index: page.start_index,
        count: page.count,
        groups: page.items,
        links: page.links,
    })
}

/// `GET /agents/{id}/roles[?limit&offset]`: the names of the roles assigned to the agent or to a
/// group it is directly in, sorted and once each (`GetUserRoles`).
pub(crate) fn roles(
    state: &AppState,
    id: &str,
    query: Option<&str>,
) -> Result<AgentRoleListResponse, MockError> {
    let paging = Paging::parse(&Query::parse(query), &PAGING)?.validate(&PAGING)?;
    if state.registry().agents.get(id).is_none() {
        return Err(not_found());
    }
    let member = MemberRef::new(MemberKind::Agent, id);
    let mut roles: Vec<String> = state.stores().directory.read(|d| {
        let groups: Vec<MemberRef> = d
            .groups
            .direct(&member)
            .map(|g| MemberRef::new(MemberKind::Group, &g.id))
            .collect();
        d.roles
            .all()
            .filter(|r| {
                r.assignments
                    .iter()
                    .any(|a| *a == member || groups.contains(a))
            })
            .map(|r| r.name.clone())
            .collect()
    });
    roles.sort();
    roles.dedup();
    let page = paging.page(roles, &format!("/agents/{id}/roles"), "");
    Ok(AgentRoleListResponse {
        total_results: page.total_results,
        start_index: page.start_index,
        count: page.count,
        roles: page.items,
        links: page.links,
    })
}
