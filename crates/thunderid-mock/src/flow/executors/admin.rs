//! Executors of administrative flows: PermissionValidator (`permission_validator.go`) and the
//! user-deletion chain PreDeleteExecutor → CriteriaRevocationExecutor → SessionRevocationExecutor
//! → UserDeleteExecutor (`pre_delete_executor.go`, `criteria_revocation_executor.go`,
//! `session_revocation_executor.go`, `user_delete_executor.go`).
//!
//! PreDelete writes the revocation plan (runtime `revocationPlan`) the next three read: the subject
//! whose tokens and sessions go, then the user itself.

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{Input, InputType};

use super::{ExecResult, Task};
use crate::flow::keys;
use crate::flow::node::EngineError;
use crate::store::declared::Kind as Declared;

/// PermissionValidator: the request's caller must hold one of `requiredScopes` (default
/// `system`), directly or through a parent permission. It reads the Bearer token of the request
/// it runs in, so it must run in the request that carries one.
pub(super) fn validate_permissions(task: &mut Task<'_, '_>) -> ExecResult {
    let configured: Vec<String> = task
        .node
        .properties
        .get("requiredScopes")
        .and_then(Value::as_array)
        .map(|scopes| {
            scopes
                .iter()
                .filter_map(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let required = if configured.is_empty() {
        vec!["system".to_owned()]
    } else {
        configured
    };
    let satisfied = task
        .env
        .caller
        .is_some_and(|caller| required.iter().any(|r| caller.has_permission(r)));
    if satisfied {
        ExecResult::complete()
    } else {
        ExecResult::failure(ApiErrorCode::ExecutorInsufficientPermissions.to_error())
    }
}

/// PreDeleteExecutor (`revoke_all`): the `subject` input must name a user that may be deleted;
/// the plan to revoke and delete it goes to runtime data.
pub(super) fn pre_delete(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let required = match task.executor.inputs.is_empty() {
        true => vec![Input::new("subject", InputType::Text)],
        false => task.executor.inputs.clone(),
    };
    let missing = task.missing(&required);
    if !missing.is_empty() {
        return Ok(ExecResult::input_required(missing, None));
    }
    // The mode is `revoke_all` (graph validation refuses any other), so FET-1083 cannot arise.
    let subject = task
        .execution
        .inputs
        .get("subject")
        .cloned()
        .unwrap_or_default();
    // `ValidateDeleteUser`: an empty id, an unknown user, a declarative one and one that owns
    // agents are client errors; agents that cannot be listed are a server error. The caller holds
    // `system` (the administration gate), so the access check always passes.
    if subject.is_empty() || task.env.user(&subject).is_none() {
        return Ok(not_deletable());
    }
    let declarative = task
        .env
        .declared
        .read(|d| d.contains(Declared::User, &subject));
    if declarative {
        return Ok(not_deletable());
    }
    let owned = task.env.registry.agents.owned_by(&subject).ok_or_else(|| {
        super::internal("user dependency data unavailable: too many agents to list".into())
    })?;
    if !owned.is_empty() {
        return Ok(not_deletable());
    }
    let mut result = ExecResult::complete();
    result
        .runtime
        .insert(keys::REVOCATION_PLAN.to_owned(), subject);
    Ok(result)
}

fn not_deletable() -> ExecResult {
    ExecResult::failure(ApiErrorCode::ExecutorUserDeletionNotAllowed.to_error())
}

/// The subject of the revocation plan; a missing plan is a graph fault.
fn planned_subject(task: &Task<'_, '_>) -> Result<String, EngineError> {
    task.execution
        .runtime_value(keys::REVOCATION_PLAN)
        .map(str::to_owned)
        .ok_or_else(|| super::internal("no revocation plan in runtime data".into()))
}

/// CriteriaRevocationExecutor: every token issued to the planned subject so far is revoked.
pub(super) fn revoke_tokens(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let subject = planned_subject(task)?;
    let now = task.env.now;
    task.env.oauth.write(|o| o.revoke_subject(&subject, now));
    Ok(ExecResult::complete())
}

/// SessionRevocationExecutor: the planned subject's SSO sessions end (their token families are
/// not revoked here; the criteria revocation already covers the subject's tokens).
pub(super) fn revoke_sessions(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let subject = planned_subject(task)?;
    let now = task.env.now;
    task.env.sessions.write(|s| s.end_all_of(&subject, now));
    Ok(ExecResult::complete())
}

/// UserDeleteExecutor: the planned subject is deleted with its memberships and assignments; a
/// user already gone is FET-1085.
pub(super) fn delete_user(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let subject = planned_subject(task)?;
    let deleted = task.env.directory.write(|d| d.delete_user(&subject));
    Ok(match deleted {
        Some(_) => ExecResult::complete(),
        None => ExecResult::failure(ApiErrorCode::ExecutorUserDeletionFailed.to_error()),
    })
}
