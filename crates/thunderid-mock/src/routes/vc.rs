//! The verifiable-credential management APIs (see `service::vc`): presentation definitions
//! (`/openid4vp/presentation-definitions`) and credential configurations
//! (`/openid4vci/credential-configurations`), the same five operations each.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::error::MockError;
use crate::openid4vp::PresentationDefinition;
use crate::security::Principal;
use crate::service::vc::{self, Resource};
use crate::state::AppState;
use crate::store::vc::CredentialConfiguration;
use crate::wire::GoJson;

type Json = Result<GoJson<Value>, MockError>;

fn create<T: Resource>(state: &AppState, body: &[u8]) -> Result<Response, MockError> {
    let created = vc::create::<T>(state, vc::request(body)?)?;
    Ok((StatusCode::CREATED, GoJson(vc::echo(&created))).into_response())
}

fn list<T: Resource>(state: &AppState) -> Json {
    Ok(GoJson(Value::Array(vc::list::<T>(state)?)))
}

fn get_one<T: Resource>(state: &AppState, id: &str) -> Json {
    let (resource, handle) = vc::get::<T>(state, id)?;
    Ok(GoJson(vc::body(&resource, &handle)))
}

fn update<T: Resource>(state: &AppState, id: &str, body: &[u8]) -> Json {
    // The handler reads the body before the service checks the id.
    let draft = vc::request(body)?;
    Ok(GoJson(vc::echo(&vc::update::<T>(state, id, draft)?)))
}

fn delete<T: Resource>(state: &AppState, id: &str) -> Result<StatusCode, MockError> {
    vc::delete::<T>(state, id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /openid4vp/presentation-definitions`: 201.
pub(crate) async fn create_definition(
    State(state): State<AppState>,
    _: Principal,
    body: Bytes,
) -> Result<Response, MockError> {
    create::<PresentationDefinition>(&state, &body)
}

/// `GET /openid4vp/presentation-definitions`: every summary, unpaged.
pub(crate) async fn list_definitions(State(state): State<AppState>, _: Principal) -> Json {
    list::<PresentationDefinition>(&state)
}

/// `GET /openid4vp/presentation-definitions/{id}`.
pub(crate) async fn get_definition(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Json {
    get_one::<PresentationDefinition>(&state, &id)
}

/// `PUT /openid4vp/presentation-definitions/{id}`.
pub(crate) async fn update_definition(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json {
    update::<PresentationDefinition>(&state, &id, &body)
}

/// `DELETE /openid4vp/presentation-definitions/{id}`: 204.
pub(crate) async fn delete_definition(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, MockError> {
    delete::<PresentationDefinition>(&state, &id)
}

/// `POST /openid4vci/credential-configurations`: 201.
pub(crate) async fn create_configuration(
    State(state): State<AppState>,
    _: Principal,
    body: Bytes,
) -> Result<Response, MockError> {
    create::<CredentialConfiguration>(&state, &body)
}

/// `GET /openid4vci/credential-configurations`: every summary, unpaged.
pub(crate) async fn list_configurations(State(state): State<AppState>, _: Principal) -> Json {
    list::<CredentialConfiguration>(&state)
}

/// `GET /openid4vci/credential-configurations/{id}`.
pub(crate) async fn get_configuration(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Json {
    get_one::<CredentialConfiguration>(&state, &id)
}

/// `PUT /openid4vci/credential-configurations/{id}`.
pub(crate) async fn update_configuration(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json {
    update::<CredentialConfiguration>(&state, &id, &body)
}

/// `DELETE /openid4vci/credential-configurations/{id}`: 204.
pub(crate) async fn delete_configuration(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, MockError> {
    delete::<CredentialConfiguration>(&state, &id)
}
