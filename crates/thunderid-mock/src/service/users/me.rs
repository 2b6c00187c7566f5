//! `/users/me`: the self-service API (`backend/internal/user/handler.go` `HandleSelfUser*`,
//! `service.go`). The caller is the token's `sub`; the resource-owner rule lets any valid token act
//! on its own user.
//!
//! Two quirks of the real server are kept: `PUT /users/me` answers with the attributes *as sent*
//! (undeclared ones included) while it stores only the declared ones, and `?include=display` is the
//! only way to get `display` and `ouHandle`.

use serde_json::{Map, Value, json};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::users::User;

use super::{
    UpdateError, api, invalid_request, load_user, replace_attributes, update_credentials,
    user_body, with_status,
};
use crate::error::MockError;
use crate::security::Principal;
use crate::service::request::{GoObject, Query};
use crate::state::AppState;
use crate::store::declared::Kind as Declared;
use crate::store::users::AttributeError;

/// `GET /users/me[?include=display]`.
pub(crate) fn get_me(
    state: &AppState,
    principal: &Principal,
    query: Option<&str>,
) -> Result<User, MockError> {
    let subject = subject(principal)?;
    let display = Query::parse(query).include_display();
    let read_only = state.is_declarative(Declared::User, subject);
    state.stores().directory.read(|d| {
        let user = d
            .users
            .get(subject)
            .ok_or_else(|| api(ApiErrorCode::UserNotFound))?;
        Ok(user_body(d, user, display, read_only))
    })
}

/// `PUT /users/me`: replaces the whole attribute set.
pub(crate) fn update_me(
    state: &AppState,
    principal: &Principal,
    body: &[u8],
) -> Result<User, MockError> {
    let subject = subject(principal)?;
    let request = GoObject::decode(body, &["attributes"]).map_err(|_| invalid_request())?;
    let attributes = match request.raw("attributes") {
        Some(Value::Object(attributes)) => attributes.clone(),
        // `null` passes the handler's emptiness check (four bytes of raw JSON), then fails the
        // schema's required attributes: validate it as no attributes at all.
        None if request.is_null("attributes") => Map::new(),
        // Absent, or not an object (which the service cannot read as attributes).
        _ => return Err(invalid_request()),
    };
    let user = replace_attributes(state, subject, &attributes).map_err(update_error)?;
    let mut body = state
        .stores()
        .directory
        .read(|d| user_body(d, &user, false, false));
    body.attributes = Some(attributes);
    Ok(body)
}

/// `GET /users/me/meta`: `{"schema": …}`, the user type's schema exactly as stored.
pub(crate) fn get_my_schema(state: &AppState, principal: &Principal) -> Result<Value, MockError> {
    let user =
        load_user(state, subject(principal)?).ok_or_else(|| api(ApiErrorCode::UserNotFound))?;
    state.stores().directory.read(|d| {
        d.user_types
            .by_name(&user.user_type)
            .map(|t| json!({ "schema": t.schema_json }))
            .ok_or_else(|| with_status(ApiErrorCode::UserTypeNotFoundInService, 400))
    })
}

/// `POST /users/me/update-credentials` with `{"attributes":{"password":"…"}}`: 204.
pub(crate) fn update_my_credentials(
    state: &AppState,
    principal: &Principal,
    body: &[u8],
) -> Result<(), MockError> {
    let subject = subject(principal)?;
    let request = GoObject::decode(body, &["attributes"]).map_err(|_| invalid_request())?;
    let credentials: Map<String, Value> = match request.raw("attributes") {
        None => return Err(api(ApiErrorCode::UserMissingCredentials)),
        Some(Value::Object(credentials)) if credentials.is_empty() => {
            return Err(api(ApiErrorCode::UserMissingCredentials));
        }
        Some(Value::Object(credentials)) => credentials.clone(),
        Some(_) => return Err(invalid_request()),
    };
    update_credentials(state, subject, &credentials, |_| Ok(()))
}

/// The token's subject; an empty one is 401 USR-1018.
fn subject(principal: &Principal) -> Result<&str, MockError> {
    let subject = principal.subject.trim();
    if subject.is_empty() {
        Err(api(ApiErrorCode::UserAuthenticationFailed))
    } else {
        Ok(&principal.subject)
    }
}

fn update_error(error: UpdateError) -> MockError {
    let code = match error {
        UpdateError::DirectoryFull => return MockError::DirectoryFull,
        UpdateError::UserNotFound => ApiErrorCode::UserNotFound,
        UpdateError::UnknownUserType | UpdateError::Attribute(AttributeError::UnknownUserType) => {
            ApiErrorCode::UserTypeNotFound
        }
        UpdateError::Credential | UpdateError::Attribute(AttributeError::Credential { .. }) => {
            ApiErrorCode::UserInvalidRequestFormat
        }
        UpdateError::Attribute(AttributeError::Invalid { .. } | AttributeError::Missing { .. }) => {
            ApiErrorCode::UserSchemaValidationFailed
        }
        UpdateError::Attribute(AttributeError::NotUnique { .. }) => {
            ApiErrorCode::UserAttributeConflict
        }
    };
    api(code)
}
