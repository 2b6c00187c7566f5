//! AuthorizationExecutor and AuthAssertExecutor.

use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::FlowType;

use super::{ExecResult, Task};
use crate::fixtures::MemberKind;
use crate::flow::node::EngineError;
use crate::flow::{assertion, keys};
use crate::store::groups::MemberRef;

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
    let granted: Vec<&str> = task.env.directory.read(|d| {
        let server = if identifier.is_empty() {
            d.default_resource_server
                .as_deref()
                .and_then(|id| d.resource_servers.get(id))
        } else {
            d.resource_servers.by_identifier(&identifier)
        };
        let Some(server) = server else {
            return Vec::new();
        };
        let user = MemberRef::new(MemberKind::User, &user_id);
        let mut granted: Vec<&str> = Vec::new();
        for permission in &requested {
            if !granted.contains(permission) && d.is_authorized(&user, &server.id, permission) {
                granted.push(permission);
            }
        }
        granted
    });
    let mut result = ExecResult::complete();
    result
        .runtime
        .insert(keys::AUTHORIZED_PERMISSIONS.to_owned(), granted.join(" "));
    Ok(result)
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
