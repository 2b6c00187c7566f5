//! `/users/me`: the self-service API (`backend/internal/user/handler.go` `HandleSelfUser*`,
//! `service.go`). Errors are envelope A with `USR-*` codes; bodies are decoded as Go's
//! `json.Decoder` does (the first JSON value; trailing bytes are ignored).
//!
//! Two quirks of the real server are kept: `PUT /users/me` answers with the attributes *as sent*
//! (undeclared ones included) while it stores only the declared ones, and `?include=display` is the
//! only way to get `display` and `ouHandle`.

use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::ids::{OrganizationUnitId, UserId};
use thunderid_protocol::users::{
    AttributeSchema, AttributeType, UpdateMeRequest, User, UserSchemaResponse,
};

use super::{UpdateError, load_user, replace_attributes};
use crate::error::MockError;
use crate::fixtures::{AttributeSchemaFixture, AttributeValueType};
use crate::password::PasswordHash;
use crate::security::Principal;
use crate::state::AppState;
use crate::store::users::{AttributeError, UserRecord};
use crate::wire::decode_first_json;

/// Credential types the server manages itself; never updatable here (`CredentialTypePasskey`).
const SYSTEM_MANAGED_CREDENTIALS: &[&str] = &["passkey"];

/// `GET /users/me[?include=display]`.
pub(crate) fn get_me(
    state: &AppState,
    principal: &Principal,
    query: Option<&str>,
) -> Result<User, MockError> {
    let user = load_user(state, subject(principal)?)
        .ok_or_else(|| MockError::api(ApiErrorCode::UserNotFound))?;
    let mut body = user_body(&user, Some(user.attributes.clone()));
    if include_display(query) {
        // The Person type's display attribute is `username` (`systemAttributes.display`); the
        // fixtures have no such setting, so the mock uses `username` for every type.
        body.display = Some(user.username().unwrap_or(&user.id).to_owned());
        // The unit as it is now: the organization-unit API may have renamed it.
        body.organization_unit_handle = state
            .stores()
            .directory
            .read(|d| d.units.get(&user.ou_id).map(|ou| ou.handle.clone()));
    }
    Ok(body)
}

/// `PUT /users/me`: replaces the whole attribute set.
pub(crate) fn update_me(
    state: &AppState,
    principal: &Principal,
    body: &[u8],
) -> Result<User, MockError> {
    let subject = subject(principal)?;
    let attributes = match decode_first_json::<UpdateMeRequest>(body) {
        Some(request) => request.attributes,
        // `"attributes": null` passes the handler's emptiness check on the real server and then
        // fails the schema's required attributes (USR-1019): validate it as no attributes at all.
        None if decode_first_json::<Map<String, Value>>(body)
            .is_some_and(|b| b.get("attributes") == Some(&Value::Null)) =>
        {
            Map::new()
        }
        None => return Err(invalid_request()),
    };
    let user = replace_attributes(state, subject, &attributes).map_err(update_error)?;
    Ok(user_body(&user, Some(attributes)))
}

/// `GET /users/me/meta`: the schema of the user's type.
pub(crate) fn get_my_schema(
    state: &AppState,
    principal: &Principal,
) -> Result<UserSchemaResponse, MockError> {
    let user = load_user(state, subject(principal)?)
        .ok_or_else(|| MockError::api(ApiErrorCode::UserNotFound))?;
    let user_type = state
        .stores()
        .directory
        .read(|d| d.users.user_type(&user.user_type).cloned())
        .ok_or_else(|| MockError::api(ApiErrorCode::UserTypeNotFound))?;
    let schema = user_type
        .schema
        .iter()
        .map(|(name, attribute)| (name.clone(), attribute_schema(attribute)))
        .collect();
    Ok(UserSchemaResponse { schema })
}

/// `POST /users/me/update-credentials` with `{"attributes":{"password":"…"}}`: 204.
///
/// The body is inspected as JSON rather than as `UpdateCredentialsRequest` because the server tells
/// apart a missing, `null` or empty `attributes` (USR-1017) from one of the wrong type (USR-1001).
pub(crate) fn update_my_credentials(
    state: &AppState,
    principal: &Principal,
    body: &[u8],
) -> Result<(), MockError> {
    let subject = subject(principal)?;
    let request: Map<String, Value> = decode_first_json(body).ok_or_else(invalid_request)?;
    let credentials = match request.get("attributes") {
        None | Some(Value::Null) => {
            return Err(MockError::api(ApiErrorCode::UserMissingCredentials));
        }
        Some(Value::Object(credentials)) if credentials.is_empty() => {
            return Err(MockError::api(ApiErrorCode::UserMissingCredentials));
        }
        Some(Value::Object(credentials)) => credentials,
        Some(_) => return Err(invalid_request()),
    };
    if credentials
        .keys()
        .any(|name| SYSTEM_MANAGED_CREDENTIALS.contains(&name.as_str()))
    {
        return Err(MockError::api(ApiErrorCode::UserInvalidCredential));
    }
    let password = new_password(state, subject, credentials)?;
    // Hash outside the lock; only `password` has a place to live in the mock's user record.
    let hash = password.map(PasswordHash::new);
    state.stores().directory.write(|d| {
        let user = d
            .users
            .get_mut(subject)
            .ok_or_else(|| MockError::api(ApiErrorCode::UserNotFound))?;
        if let Some(hash) = hash {
            user.password = Some(hash);
        }
        Ok(())
    })
}

/// Check the credentials as `UpdateUserCredentials` does and return the new password, if any: the
/// user must exist (USR-1003), values must be strings (USR-1001; `null` reads as empty), non-blank and
/// declared as credentials by the user's schema (USR-1024).
fn new_password<'a>(
    state: &AppState,
    user_id: &str,
    credentials: &'a Map<String, Value>,
) -> Result<Option<&'a str>, MockError> {
    let user =
        load_user(state, user_id).ok_or_else(|| MockError::api(ApiErrorCode::UserNotFound))?;
    let mut values = Vec::with_capacity(credentials.len());
    for (name, value) in credentials {
        let text = match value {
            Value::String(text) => text.as_str(),
            Value::Null => "",
            _ => return Err(invalid_request()),
        };
        values.push((name.as_str(), text));
    }
    if values.iter().any(|(_, text)| text.trim().is_empty()) {
        return Err(MockError::api(ApiErrorCode::UserInvalidCredential));
    }
    let schema = state
        .stores()
        .directory
        .read(|d| d.users.user_type(&user.user_type).cloned())
        .ok_or_else(|| MockError::api(ApiErrorCode::UserTypeNotFound))?;
    if values
        .iter()
        .any(|(name, _)| !schema.schema.get(*name).is_some_and(|a| a.credential))
    {
        return Err(MockError::api(ApiErrorCode::UserInvalidCredential));
    }
    Ok(values
        .into_iter()
        .find(|(name, _)| *name == "password")
        .map(|(_, text)| text))
}

/// The token's subject; an empty one is 401 USR-1018.
fn subject(principal: &Principal) -> Result<&str, MockError> {
    let subject = principal.subject.trim();
    if subject.is_empty() {
        Err(MockError::api(ApiErrorCode::UserAuthenticationFailed))
    } else {
        Ok(&principal.subject)
    }
}

fn invalid_request() -> MockError {
    MockError::api(ApiErrorCode::UserInvalidRequestFormat)
}

fn update_error(error: UpdateError) -> MockError {
    let code = match error {
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
    MockError::api(code)
}

/// `?include=display`: Go's `Query().Get("include")` reads the first value.
fn include_display(query: Option<&str>) -> bool {
    let pairs = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes());
    pairs
        .into_iter()
        .find(|(name, _)| name == "include")
        .is_some_and(|(_, value)| value == "display")
}

/// The user as the API shows it (`model.go` `User`: empty members omitted, `isReadOnly` always).
fn user_body(user: &UserRecord, attributes: Option<Map<String, Value>>) -> User {
    let non_empty = |text: &str| (!text.is_empty()).then(|| text.to_owned());
    User {
        organization_unit_id: non_empty(&user.ou_id).map(OrganizationUnitId::new),
        user_type: non_empty(&user.user_type),
        attributes,
        ..User::new(UserId::new(user.id.clone()))
    }
}

/// One attribute of `/users/me/meta`, written as the bundled Person type is (`required` always,
/// `unique` and `credential` only when set).
fn attribute_schema(attribute: &AttributeSchemaFixture) -> AttributeSchema {
    let attribute_type = match attribute.value_type {
        AttributeValueType::String => AttributeType::String,
        AttributeValueType::Number => AttributeType::Number,
        AttributeValueType::Boolean => AttributeType::Boolean,
    };
    AttributeSchema {
        display_name: attribute.display_name.clone(),
        required: Some(attribute.required),
        unique: attribute.unique.then_some(true),
        credential: attribute.credential.then_some(true),
        regex: attribute.regex.clone(),
        ..AttributeSchema::new(attribute_type)
    }
}
