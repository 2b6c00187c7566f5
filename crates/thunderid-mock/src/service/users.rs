//! The signed-in user's own profile, two ways:
//!
//! * [`me`]: ThunderID's self-service API (`backend/internal/user/`): `GET|PUT /users/me`,
//!   `GET /users/me/meta`, `POST /users/me/update-credentials`.
//! * [`scim`]: SCIM2 `/scim2/Me` and `/scim2/Schemas` (also under `/t/carbon.super/`), which the
//!   ThunderID server does not have but older SDKs and WSO2 Identity Server clients call. Mock-only.
//!
//! Both take any JWT this server signed as the Bearer token ([`crate::security`]); the user is its `sub`.
//! Both edit attributes through [`replace_attributes`], which validates like the real server's
//! `UpdateUserAttributes`.

pub(crate) mod me;
pub(crate) mod scim;

use serde_json::{Map, Value};

use crate::state::AppState;
use crate::store::users::{AttributeError, UserRecord};

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
}

/// A copy of the user with this id.
fn load_user(state: &AppState, id: &str) -> Option<UserRecord> {
    state.stores().directory.read(|d| d.users.get(id).cloned())
}

/// Replace every attribute of user `id` with `attributes`, as `UpdateUserAttributes` does: credential
/// attributes are refused first, attributes the schema does not declare are dropped (not refused),
/// then the rest is validated (types, patterns, required attributes, then uniqueness against other
/// users). Returns the updated user.
fn replace_attributes(
    state: &AppState,
    id: &str,
    attributes: &Map<String, Value>,
) -> Result<UserRecord, UpdateError> {
    state
        .stores()
        .directory
        .write(|d| replace_in(&mut d.users, id, attributes))
}

fn replace_in(
    users: &mut crate::store::users::Users,
    id: &str,
    attributes: &Map<String, Value>,
) -> Result<UserRecord, UpdateError> {
    let user_type = users
        .get(id)
        .ok_or(UpdateError::UserNotFound)?
        .user_type
        .clone();
    let schema = users
        .user_type(&user_type)
        .ok_or(UpdateError::UnknownUserType)?;
    if attributes
        .keys()
        .any(|name| schema.schema.get(name).is_some_and(|a| a.credential))
    {
        return Err(UpdateError::Credential);
    }
    let declared: Map<String, Value> = attributes
        .iter()
        .filter(|(name, _)| schema.schema.contains_key(*name))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    users
        .validate_attributes(&user_type, &declared, Some(id))
        .map_err(UpdateError::Attribute)?;
    let user = users.get_mut(id).ok_or(UpdateError::UserNotFound)?;
    user.attributes = declared;
    Ok(user.clone())
}
