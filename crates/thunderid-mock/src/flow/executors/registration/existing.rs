//! ProvisioningExecutor meets users who already have the collected attributes
//! (`provisioning_executor.go` `handleExistingUser`, `resolveAmbiguousUserForProvisioning`).
//!
//! Without `allowCrossOUProvisioning` an existing user stops provisioning: a sign-in goes on with
//! them, a registration is refused (FET-1007). With it, the user is provisioned again into the
//! flow's target organization unit unless there is none (FET-1023) or they are already in it
//! (FET-1024); several matches are no longer ambiguous when one of them is in the target unit.

use std::collections::BTreeMap;

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::FlowType;

use super::super::credentials::{Identified, find_user, find_users};
use super::super::{ExecResult, Task};
use crate::flow::keys;
use crate::graph::ExecutorKind;

/// The node property that allows provisioning an existing user into another unit.
const ALLOW_CROSS_OU: &str = "allowCrossOUProvisioning";
/// Runtime data: a registration may go on with an existing user.
const ALLOW_EXISTING_USER: &str = "allowRegistrationWithExistingUser";

/// What to do about the users matching `filters`: `None` creates the user; `Some` ends the step.
pub(super) fn decide(
    task: &Task<'_, '_>,
    filters: &BTreeMap<String, String>,
) -> Option<ExecResult> {
    let cross_ou = task.node.properties.get(ALLOW_CROSS_OU) == Some(&Value::Bool(true));
    let existing = match task.env.users(|users| find_user(users, filters)) {
        Identified::NotFound => return None,
        Identified::One(id) => id,
        Identified::Ambiguous if cross_ou => {
            let target = target_ou(task);
            let matches = task.env.users(|users| find_users(users, filters));
            matches.into_iter().find(|(_, ou)| *ou == target)?.0
        }
        Identified::Ambiguous => {
            return Some(ExecResult::failure(
                ApiErrorCode::ExecutorAmbiguousUserIdentity.to_error(),
            ));
        }
    };
    if !cross_ou {
        return Some(stop(task, ApiErrorCode::ExecutorUserAlreadyExists));
    }
    let target = target_ou(task);
    if target.is_empty() {
        return Some(stop(
            task,
            ApiErrorCode::ExecutorCrossOuProvisioningTargetMissing,
        ));
    }
    let unit = task
        .env
        .users(|users| users.get(&existing).map(|u| u.ou_id.clone()));
    match unit {
        Some(unit) if unit == target => Some(stop(
            task,
            ApiErrorCode::ExecutorUserAlreadyExistsInTargetOu,
        )),
        // The user is elsewhere (or gone since the search): provision them into the target.
        _ => None,
    }
}

/// The unit new users go to (`getTargetEntityRef`): runtime `ouId` (OUResolverExecutor), else
/// `defaultOUID` (UserTypeResolver), else the unit of the application's only user type open to
/// self-registration; empty when there is none.
pub(super) fn target_ou(task: &Task<'_, '_>) -> String {
    for key in [keys::OU_ID, keys::DEFAULT_OU_ID] {
        if let Some(ou) = task.execution.runtime_value(key).filter(|v| !v.is_empty()) {
            return ou.to_owned();
        }
    }
    let allowed = task
        .env
        .app
        .map(|a| a.allowed_user_types.clone())
        .unwrap_or_default();
    let open: Vec<String> = allowed
        .iter()
        .filter_map(|name| task.env.user_type(name))
        .filter(|t| t.allow_self_registration)
        .map(|t| t.ou_id)
        .collect();
    match open.as_slice() {
        [only] => only.clone(),
        _ => String::new(),
    }
}

/// An existing user that is not provisioned: a sign-in continues with them; a registration may
/// continue when the flow allows it, else asks its declared inputs again with `code`, else fails.
fn stop(task: &Task<'_, '_>, code: ApiErrorCode) -> ExecResult {
    if task.flow_type == &FlowType::Authentication {
        return ExecResult::complete();
    }
    if task.execution.runtime_value(ALLOW_EXISTING_USER) == Some("true") {
        return ExecResult::complete();
    }
    let inputs = task.required_inputs(ExecutorKind::Provisioning);
    if inputs.is_empty() {
        ExecResult::failure(code.to_error())
    } else {
        ExecResult::input_required(inputs, Some(code.to_error()))
    }
}
