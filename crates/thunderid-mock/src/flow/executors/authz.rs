//! AuthorizationExecutor, AuthAssertExecutor and SessionSignOutExecutor.

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::FlowType;

use super::{ExecResult, ExecStatus, Task};
use crate::flow::node::EngineError;
use crate::flow::{assertion, keys};

/// The standard OIDC scopes (`oauth2/constants.go` `StandardOIDCScopes`): never permissions, always
/// passed through, so the OAuth callback keeps them when it replaces the requested scopes.
const OIDC_SCOPES: &[&str] = &["openid", "profile", "email", "phone", "address", "roles"];

/// AuthorizationExecutor: `requested_permissions` (runtime data, else the input of that name)
/// becomes `authorized_permissions`: the requested permissions the user holds, plus the OIDC
/// scopes, in request order.
pub(super) fn authorize(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let Some(user_id) = task.execution.user.clone() else {
        if task.flow_type == &FlowType::Registration {
            return Ok(ExecResult::complete());
        }
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorUserNotAuthenticated.to_error(),
        ));
    };
    let requested = task
        .execution
        .runtime_value(keys::REQUESTED_PERMISSIONS)
        .map(str::to_owned)
        .or_else(|| {
            task.execution
                .inputs
                .get(keys::REQUESTED_PERMISSIONS)
                .cloned()
        })
        .unwrap_or_default();
    let requested: Vec<&str> = requested.split_whitespace().collect();
    if requested.is_empty() {
        return Ok(ExecResult::complete());
    }
    let Some(user) = task.env.user(&user_id) else {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorFailedToIdentifyUser.to_error(),
        ));
    };
    let mut granted: Vec<&str> = Vec::new();
    for scope in requested {
        let allowed =
            OIDC_SCOPES.contains(&scope) || user.permissions.iter().any(|held| grants(held, scope));
        if allowed && !granted.contains(&scope) {
            granted.push(scope);
        }
    }
    let mut result = ExecResult::complete();
    result
        .runtime
        .insert(keys::AUTHORIZED_PERMISSIONS.to_owned(), granted.join(" "));
    Ok(result)
}

/// A held permission grants itself and everything below it (`system` grants `system:ou:view`).
fn grants(held: &str, wanted: &str) -> bool {
    wanted == held
        || wanted
            .strip_prefix(held)
            .is_some_and(|rest| rest.starts_with(':'))
}

/// AuthAssertExecutor: mint the assertion for the authenticated user (signed later, outside the
/// state lock). FET-1004 when nobody authenticated.
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
    let claims = assertion::assertion_claims(task.env, task.execution, &user);
    Ok(ExecResult {
        assertion: Some(claims),
        ..ExecResult::complete()
    })
}

/// SessionSignOutExecutor: end the SSO session; with `promptOnSignOut` and a logout that came
/// without a valid `id_token_hint`, ask for confirmation first (a CONFIRM action).
pub(super) fn sign_out(task: &mut Task<'_, '_>) -> ExecResult {
    let prompt_enabled = task
        .node
        .properties
        .get("promptOnSignOut")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let prompt_required =
        task.execution.runtime_value(keys::LOGOUT_PROMPT_REQUIRED) == Some("true");
    let confirmed = task.forwarded.action_type.as_deref() == Some("CONFIRM");
    if prompt_enabled && prompt_required && !confirmed {
        return ExecResult {
            status: ExecStatus::UserInputRequired,
            ..ExecResult::default()
        };
    }
    ExecResult {
        sso_cleared: true,
        ..ExecResult::complete()
    }
}
