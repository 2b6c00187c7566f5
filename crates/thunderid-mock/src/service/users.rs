//! Users, three ways:
//!
//! * [`manage`]: the user management API (`api/user.yaml`, `backend/internal/user/`): users CRUD,
//!   `/users/tree/{handle path}`, a user's groups and usages, and an administrator's
//!   `update-credentials`; [`user_types`]: `/user-types` (`backend/internal/entitytype/`).
//! * [`me`]: the signed-in user's self-service API: `GET|PUT /users/me`, `GET /users/me/meta`,
//!   `POST /users/me/update-credentials`.
//! * [`scim`]: SCIM2 `/scim2/Me` and `/scim2/Schemas` (also under `/t/carbon.super/`), which the
//!   ThunderID server does not have but older SDKs and WSO2 Identity Server clients call. Mock-only.
//!
//! Errors are envelope A with `USR-*` / `USRS-*` codes, statuses as the user handler maps them
//! (`handleError`); SCIM has its own. Attributes are checked against the user type's schema
//! ([`crate::schema`]) and for uniqueness across all users; credentials (the schema's
//! `credential: true` attributes) are kept apart, hashed, and never returned.

pub(crate) mod dependents;
pub(crate) mod manage;
pub(crate) mod me;
pub(crate) mod scim;
pub(crate) mod user_types;

use serde_json::{Map, Value};
use thunderid_protocol::ids::{OrganizationUnitId, UserId};
use thunderid_protocol::users::User;
use thunderid_protocol::{ApiError, ApiErrorCode};

use crate::error::MockError;
use crate::password::PasswordHash;
use crate::state::AppState;
use crate::store::directory::Directory;
use crate::store::users::{AttributeError, UserRecord};

/// Credential types the server manages itself; never updatable by these APIs
/// (`CredentialTypePasskey`).
const SYSTEM_MANAGED_CREDENTIALS: &[&str] = &["passkey"];

/// Why [`replace_attributes`] refused an update.
#[derive(Debug)]
enum UpdateError {
    /// No user has this id (a client_credentials token's `sub` is an application id).
    UserNotFound,
    /// The user's type has no schema.
    UnknownUserType,
    /// A credential attribute was sent (credentials change through `update-credentials`).
    Credential,
    /// The attributes do not fit the schema, or a unique value is taken.
    Attribute(AttributeError),
    /// The larger record would take the users past their budget.
    DirectoryFull,
}

/// A copy of the user with this id.
fn load_user(state: &AppState, id: &str) -> Option<UserRecord> {
    state.stores().directory.read(|d| d.users.get(id).cloned())
}

/// Replace every attribute of user `id` with `attributes`, as `UpdateUserAttributes` does: credential
/// attributes are refused first, attributes the schema does not declare are dropped (not refused),
/// then the rest is validated (types, patterns, required attributes, then uniqueness against other
/// users). The user changes itself, so a larger record must fit the budget. Returns the updated
/// user.
fn replace_attributes(
    state: &AppState,
    id: &str,
    attributes: &Map<String, Value>,
) -> Result<UserRecord, UpdateError> {
    state.stores().directory.write(|d| {
        let user_type = d
            .users
            .get(id)
            .ok_or(UpdateError::UserNotFound)?
            .user_type
            .clone();
        let schema = &d
            .user_types
            .by_name(&user_type)
            .ok_or(UpdateError::UnknownUserType)?
            .schema;
        if schema.credentials().any(|c| attributes.contains_key(c)) {
            return Err(UpdateError::Credential);
        }
        let declared: Map<String, Value> = attributes
            .iter()
            .filter(|(name, _)| schema.property(name).is_some())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        d.validate_attributes(&user_type, &declared, Some(id))
            .map_err(UpdateError::Attribute)?;
        d.users
            .update_within_budget(id, |user| {
                user.attributes = declared;
                user.attributes_null = false;
                user.clone()
            })
            .map_err(|_| UpdateError::DirectoryFull)?
            .ok_or(UpdateError::UserNotFound)
    })
}

/// The user as the API shows it (`model.go` `User`); `display` and `ouHandle` only with
/// `?include=display`; `isReadOnly` for a user a declarative file defines (the composite entity
/// store marks what it reads from its file store).
fn user_body(directory: &Directory, user: &UserRecord, display: bool, read_only: bool) -> User {
    User {
        organization_unit_id: Some(OrganizationUnitId::new(user.ou_id.clone())),
        organization_unit_handle: display
            .then(|| directory.units.get(&user.ou_id).map(|ou| ou.handle.clone()))
            .flatten(),
        user_type: Some(user.user_type.clone()),
        attributes: (!user.attributes_null).then(|| user.attributes.clone()),
        display: display.then(|| directory.display_of(user)),
        is_read_only: read_only,
        ..User::new(UserId::new(user.id.clone()))
    }
}

fn api(code: ApiErrorCode) -> MockError {
    MockError::api(code)
}

fn invalid_request() -> MockError {
    api(ApiErrorCode::UserInvalidRequestFormat)
}

/// `UpdateUserCredentials` from its type checks on (both the administrator's and the self-service
/// call end here): the user must exist (USR-1003) and `authorize` it; values must be strings
/// (USR-1001; `null` reads as empty), non-blank and declared as credentials by the user's schema
/// (USR-1024). New hashes replace old ones per credential; others are kept.
fn update_credentials(
    state: &AppState,
    user_id: &str,
    credentials: &Map<String, Value>,
    authorize: impl FnOnce(&UserRecord) -> Result<(), MockError>,
) -> Result<(), MockError> {
    if credentials
        .keys()
        .any(|name| SYSTEM_MANAGED_CREDENTIALS.contains(&name.as_str()))
    {
        return Err(api(ApiErrorCode::UserInvalidCredential));
    }
    let user = load_user(state, user_id).ok_or_else(|| api(ApiErrorCode::UserNotFound))?;
    authorize(&user)?;
    let mut values = Vec::with_capacity(credentials.len());
    for (name, value) in credentials {
        let text = match value {
            Value::String(text) => text.as_str(),
            Value::Null => "",
            _ => return Err(invalid_request()),
        };
        values.push((name.clone(), text));
    }
    if values.iter().any(|(_, text)| text.trim().is_empty()) {
        return Err(api(ApiErrorCode::UserInvalidCredential));
    }
    let declared = state.stores().directory.read(|d| {
        d.user_types.by_name(&user.user_type).is_some_and(|t| {
            values
                .iter()
                .all(|(name, _)| t.schema.property(name).is_some_and(|p| p.credential))
        })
    });
    if !declared {
        return Err(api(ApiErrorCode::UserInvalidCredential));
    }
    // Hash outside the lock.
    let hashes: Vec<(String, PasswordHash)> = values
        .into_iter()
        .map(|(name, text)| (name, PasswordHash::new(text)))
        .collect();
    // Only credentials the schema declares: the record grows by at most a hash per declared one.
    state.stores().directory.write(|d| {
        d.users
            .update(user_id, |user| user.credentials.extend(hashes))
            .ok_or_else(|| api(ApiErrorCode::UserNotFound))
    })
}

/// `GET|PUT|DELETE /users/` (no id): 400 USR-1002, as those handlers write it themselves.
pub(crate) fn missing_id() -> MockError {
    with_status(ApiErrorCode::UserMissingUserId, 400)
}

/// A USR error under the status the handler writes it with itself (USR-1002 from the GET, PUT and
/// DELETE handlers is 400; an unknown user-type code passes through as 400).
fn with_status(code: ApiErrorCode, status: u16) -> MockError {
    MockError::ApiWithStatus {
        error: ApiError::from_code(&code),
        status,
    }
}
