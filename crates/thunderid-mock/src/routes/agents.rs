//! Agents and agent types (see `service::agents`, `service::users::user_types`): `/agents…` needs
//! `system`; `/agent-types…` needs `system:agenttype[:view]`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use thunderid_protocol::agents::{
    Agent, AgentGroupListResponse, AgentListResponse, AgentRoleListResponse,
};
use thunderid_protocol::user_management::{UserType, UserTypeListResponse};

use crate::error::MockError;
use crate::security::Principal;
use crate::service::access::Caller;
use crate::service::agents;
use crate::service::users::user_types::{self, AGENT_TYPES};
use crate::state::AppState;
use crate::wire::GoJson;

type Json<T> = Result<GoJson<T>, MockError>;

/// `GET /agents`.
pub(crate) async fn list_agents(
    State(state): State<AppState>,
    _: Principal,
    RawQuery(query): RawQuery,
) -> Json<AgentListResponse> {
    Ok(GoJson(agents::list(&state, query.as_deref())?))
}

/// `POST /agents`: 201.
pub(crate) async fn create_agent(
    State(state): State<AppState>,
    principal: Principal,
    body: Bytes,
) -> Result<Response, MockError> {
    let agent = agents::create(&state, &Caller::new(&principal), &body)?;
    Ok((StatusCode::CREATED, GoJson(agent)).into_response())
}

/// `GET /agents/{id}`.
pub(crate) async fn get_agent(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<Agent> {
    Ok(GoJson(agents::get(&state, &id, query.as_deref())?))
}

/// `PUT /agents/{id}`.
pub(crate) async fn update_agent(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json<Agent> {
    Ok(GoJson(agents::update(&state, &id, &body)?))
}

/// `DELETE /agents/{id}`: 204.
pub(crate) async fn delete_agent(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, MockError> {
    agents::delete(&state, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /agents/{id}/groups`.
pub(crate) async fn agent_groups(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<AgentGroupListResponse> {
    Ok(GoJson(agents::groups(&state, &id, query.as_deref())?))
}

/// `GET /agents/{id}/roles`.
pub(crate) async fn agent_roles(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<AgentRoleListResponse> {
    Ok(GoJson(agents::roles(&state, &id, query.as_deref())?))
}

/// `GET /agent-types`.
pub(crate) async fn list_agent_types(
    State(state): State<AppState>,
    principal: Principal,
    RawQuery(query): RawQuery,
) -> Json<UserTypeListResponse> {
    let caller = Caller::new(&principal);
    Ok(GoJson(user_types::list_in(
        &AGENT_TYPES,
        &state,
        &caller,
        query.as_deref(),
    )?))
}

/// `POST /agent-types`: 201 (only `default`, which exists: 409).
pub(crate) async fn create_agent_type(
    State(state): State<AppState>,
    principal: Principal,
    body: Bytes,
) -> Result<Response, MockError> {
    let caller = Caller::new(&principal);
    let created = user_types::create_as(&AGENT_TYPES, &state, &caller, &body, None)?;
    Ok((StatusCode::CREATED, GoJson(created)).into_response())
}

/// `GET /agent-types/{id}`.
pub(crate) async fn get_agent_type(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<UserType> {
    let caller = Caller::new(&principal);
    Ok(GoJson(user_types::get_in(
        &AGENT_TYPES,
        &state,
        &caller,
        &id,
        query.as_deref(),
    )?))
}

/// `PUT /agent-types/{id}`.
pub(crate) async fn update_agent_type(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json<UserType> {
    let caller = Caller::new(&principal);
    Ok(GoJson(user_types::update_in(
        &AGENT_TYPES,
        &state,
        &caller,
        &id,
        &body,
    )?))
}

/// `DELETE /agent-types/{id}`: always 400 USRS-1015.
pub(crate) async fn delete_agent_type(_: Principal) -> Result<StatusCode, MockError> {
    user_types::delete_agent_type()?;
    Ok(StatusCode::NO_CONTENT)
}
