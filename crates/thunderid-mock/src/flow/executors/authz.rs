//! AuthorizationExecutor and AuthAssertExecutor.

use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::FlowType;

use super::{ExecResult, Task};
use crate::flow::node::EngineError;
use crate::flow::{assertion, keys};

/// AuthorizationExecutor (`authz_executor.go`): `requested_permissions` (runtime data, else the
/// input of that name) becomes `authorized_permissions`: those the user holds through a role (or
/// one of its groups' roles) on the resource server named by `resource_server_identifier` (runtime
/// data, else the input), else on the default resource server, in request order. Matching is exact.
/// With no resource server to ask, every permission is dropped (`authorized_permissions` = "").
pub(super) fn authorize(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let Some(user_id) = task.execution.user.clone() else {
        if task.flow_type == &FlowType::Registration {
            return Ok(ExecResult::complete());
        }
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorUserNotAuthenticated.to_error(),
        ));
    };
    let value = |key: &str| {
        task.execution
            .runtime_value(key)
            .map(str::to_owned)
            .or_else(|| task.execution.inputs.get(key).cloned())
            .unwrap_or_default()
    };
    let requested = value(keys::REQUESTED_PERMISSIONS);
    let requested: Vec<&str> = requested.split_whitespace().collect();
    if requested.is_empty() {
        return Ok(ExecResult::complete());
    }
    if task.env.user(&user_id).is_none() {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorFailedToIdentifyUser.to_error(),
        ));
    }
    let identifier = value(keys::RESOURCE_SERVER_IDENTIFIER);
    let granted = task
        .env
        .directory
        .read(|d| d.granted_permissions(&user_id, &identifier, &requested));
    let mut result = ExecResult::complete();
    result
        .runtime
        .insert(keys::AUTHORIZED_PERMISSIONS.to_owned(), granted.join(" "));
    Ok(result)
}

/// AuthAssertExecutor: mint the assertion for the authenticated user (signed later, outside the
/// state lock). FET-1004 when nobody authenticated; FET-1082 when the authentication does not meet
/// the request's `acr_values` or `max_age`.
pub(super) fn assert(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let Some(user_id) = task.execution.user.clone() else {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorUserNotAuthenticated.to_error(),
        ));
    };
    let Some(user) = task.env.user(&user_id) else {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorUserNotAuthenticated.to_error(),
        ));
    };
    if !assurance_met(task) {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorInteractionRequired.to_error(),
        ));
    }
    let claims = assertion::assertion_claims(task.env, task.execution, &user);
    Ok(ExecResult {
        assertion: Some(claims),
        ..ExecResult::complete()
    })
}

/// `checkAssurance`: the completed class is one the request asked for (when it asked), and the
/// subject authenticated within `max_age` seconds (a malformed or negative `max_age` is no
/// constraint). A fresh sign-in authenticated now; a resumed session brings its own time.
fn assurance_met(task: &Task<'_, '_>) -> bool {
    let runtime = |key: &str| task.execution.runtime_value(key).unwrap_or_default();
    let requested: Vec<&str> = runtime(keys::REQUESTED_AUTH_CLASSES)
        .split_whitespace()
        .collect();
    if !requested.is_empty() {
        let completed = runtime(keys::SELECTED_AUTH_CLASS);
        if completed.is_empty() || !requested.contains(&completed) {
            return false;
        }
    }
    let Ok(max_age) = runtime(keys::MAX_AGE).parse::<i64>() else {
        return true;
    };
    let now = i64::try_from(task.env.now).unwrap_or(i64::MAX);
    let auth_time = runtime(keys::SSO_AUTH_TIME).parse::<i64>().unwrap_or(now);
    max_age < 0 || now.saturating_sub(auth_time) <= max_age
}
