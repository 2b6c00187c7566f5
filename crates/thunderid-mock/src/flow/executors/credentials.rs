//! CredentialsAuthExecutor and CredentialSetter: users found by their attributes (also for
//! IdentifyingExecutor, in `identify`), passwords checked and set.

use std::collections::BTreeMap;

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{FlowType, Input};

use super::{ExecResult, Task, prerequisite_missing};
use crate::flow::keys;
use crate::flow::node::{EngineError, is_sensitive};
use crate::graph::ExecutorKind;
use crate::password::PasswordHash;
use crate::store::users::Users;

/// Inputs that never identify a user (`executor/constants.go` `nonSearchableInputs`).
pub(super) const NON_SEARCHABLE: &[&str] = &[
    "password",
    "code",
    "otp",
    "token",
    "nonce",
    "otpSessionToken",
    "inviteToken",
];

/// The result of looking a user up by attributes.
pub(crate) enum Identified {
    One(String),
    NotFound,
    Ambiguous,
}

/// Find the user whose attributes match every filter (`userID` matches the id).
pub(crate) fn find_user(users: &Users, filters: &BTreeMap<String, String>) -> Identified {
    let mut matches = matching(users, filters);
    match (matches.next(), matches.next()) {
        (Some(user), None) => Identified::One(user.id.clone()),
        (Some(_), Some(_)) => Identified::Ambiguous,
        (None, _) => Identified::NotFound,
    }
}

/// Every user [`find_user`] would match, as (id, organization unit).
pub(crate) fn find_users(
    users: &Users,
    filters: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    matching(users, filters)
        .map(|user| (user.id.clone(), user.ou_id.clone()))
        .collect()
}

fn matching<'u>(
    users: &'u Users,
    filters: &'u BTreeMap<String, String>,
) -> impl Iterator<Item = &'u crate::store::users::UserRecord> {
    let searchable: Vec<(&String, &String)> = filters
        .iter()
        .filter(|(k, _)| !NON_SEARCHABLE.contains(&k.as_str()))
        .collect();
    users.all().filter(move |user| {
        !searchable.is_empty()
            && searchable.iter().all(|(key, value)| {
                if key.as_str() == keys::USER_ID {
                    return &&user.id == value;
                }
                user.attributes
                    .get(key.as_str())
                    .is_some_and(|attr| attribute_equals(attr, value))
            })
    })
}

fn attribute_equals(attribute: &Value, value: &str) -> bool {
    match attribute {
        Value::String(s) => s == value,
        Value::Number(n) => n.to_string() == value,
        Value::Bool(b) => b.to_string() == value,
        Value::Null | Value::Array(_) | Value::Object(_) => false,
    }
}

/// CredentialsAuthExecutor: authenticate with the node's identifying and secret inputs; in a
/// REGISTRATION flow, only check that no user has the identifying inputs yet.
pub(super) fn authenticate(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let required = task.required_inputs(ExecutorKind::CredentialsAuth);
    if task.execution.runtime_value(keys::USER_ID).is_some() {
        let secrets: Vec<Input> = required
            .iter()
            .filter(|i| is_sensitive(&i.input_type))
            .cloned()
            .collect();
        if secrets.iter().any(|i| {
            task.execution
                .inputs
                .get(&i.identifier)
                .is_none_or(String::is_empty)
        }) {
            return Ok(ExecResult::input_required(secrets, None));
        }
    } else {
        let missing = task.missing(&required);
        if !missing.is_empty() {
            return Ok(ExecResult::input_required(missing, None));
        }
    }
    let mut identifiers = BTreeMap::new();
    let mut secrets = BTreeMap::new();
    if let Some(user_id) = task.execution.runtime_value(keys::USER_ID) {
        identifiers.insert(keys::USER_ID.to_owned(), user_id.to_owned());
    }
    for input in &required {
        if let Some(value) = task.execution.inputs.get(&input.identifier) {
            let target = if is_sensitive(&input.input_type) {
                &mut secrets
            } else {
                &mut identifiers
            };
            target.insert(input.identifier.clone(), value.clone());
        }
    }
    let found = task.env.users(|users| find_user(users, &identifiers));
    if task.flow_type == &FlowType::Registration {
        return Ok(match found {
            Identified::NotFound => ExecResult::complete(),
            Identified::One(_) => {
                ExecResult::failure(ApiErrorCode::ExecutorUserAlreadyExists.to_error())
            }
            Identified::Ambiguous => {
                ExecResult::failure(ApiErrorCode::ExecutorAmbiguousUserIdentity.to_error())
            }
        });
    }
    let retry =
        |code: ApiErrorCode| ExecResult::input_required(required.clone(), Some(code.to_error()));
    let user_id = match found {
        Identified::One(id) => id,
        Identified::NotFound => return Ok(retry(ApiErrorCode::ExecutorUserNotFound)),
        Identified::Ambiguous => return Ok(retry(ApiErrorCode::ExecutorUserAuthFailed)),
    };
    let verified = task.env.users(|users| {
        users.get(&user_id).is_some_and(|user| {
            !secrets.is_empty()
                && secrets.iter().all(|(name, value)| {
                    user.credentials
                        .get(name.as_str())
                        .is_some_and(|hash| hash.verify(value))
                })
        })
    });
    if !verified {
        return Ok(retry(ApiErrorCode::ExecutorInvalidCredentials));
    }
    Ok(ExecResult {
        user: Some(user_id),
        ..ExecResult::complete()
    })
}

/// CredentialSetter: set the resolved user's password from the node's (first) secret input.
pub(super) fn set_credential(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let required = task.required_inputs(ExecutorKind::CredentialSetter);
    let missing = task.missing(&required);
    if !missing.is_empty() {
        return Ok(ExecResult::input_required(missing, None));
    }
    // `ValidatePrerequisites` is satisfied by a `userID` key in the inputs or runtime data, whatever
    // its value, or by an authenticated user; `GetUserIDFromContext` then reads only a non-empty
    // runtime value or the authenticated user. A client posting `userID` itself thus passes the
    // prerequisite but names nobody: FET-1044, never a password set for the user it named.
    let prerequisite_met = task.execution.inputs.contains_key(keys::USER_ID)
        || task.execution.runtime.contains_key(keys::USER_ID)
        || task.execution.user.is_some();
    if !prerequisite_met {
        return Ok(ExecResult::failure(prerequisite_missing(keys::USER_ID)));
    }
    let Some(user_id) = task.user_id() else {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorUserIdMissingInContext.to_error(),
        ));
    };
    // Never empty: a node without inputs falls back to the default password input (so the
    // server's FET-1045 cannot arise).
    let Some(input) = required.first() else {
        return Err(super::internal("CredentialSetter has no input".into()));
    };
    // The flow validator does not look at executor inputs, so a node may declare one without an
    // identifier; the executor refuses it rather than set a credential named "".
    if input.identifier.is_empty() {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorCredentialInputInvalid.to_error(),
        ));
    }
    let Some(value) = task
        .execution
        .inputs
        .get(&input.identifier)
        .filter(|v| !v.is_empty())
        .cloned()
    else {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorCredentialValueEmpty.to_error(),
        ));
    };
    let hash = PasswordHash::new(&value);
    // A new hash replaces the old one: the record does not grow.
    let set = task
        .env
        .users_mut(|users| users.update(&user_id, |user| user.set_password(hash)));
    if set.is_none() {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorCredentialSetFailed.to_error(),
        ));
    }
    Ok(ExecResult::complete())
}
