//! OUResolverExecutor (`ou_resolver_executor.go`): which organization unit new users go to; and
//! OUExecutor (`ou_executor.go`): create one during registration.

use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{Input, InputType};
use thunderid_protocol::ids::OrganizationUnitId;
use thunderid_protocol::organizations::OrganizationUnitRequest;

use super::{ExecResult, Task, error_with_params};
use crate::flow::keys;
use crate::flow::node::{DynamicInput, EngineError};
use crate::store::organizations::UnitError;

/// The OU_SELECT input both prompting strategies ask for.
fn ou_select() -> Input {
    Input::new(keys::OU_ID, InputType::OuSelect).with_ref("ou_selection_input")
}

/// OUResolverExecutor by `resolveFrom`: absent (or not a string) does nothing; `caller` takes the
/// Bearer token's unit; `prompt` offers the units under the user type's (runtime `defaultOUID`);
/// `promptAll` offers every unit.
pub(super) fn resolve_unit(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let Some(strategy) = task.property("resolveFrom").map(str::to_owned) else {
        return Ok(ExecResult::complete());
    };
    match strategy.as_str() {
        "caller" => Ok(from_caller(task)),
        "prompt" => from_prompt(task),
        "promptAll" => Ok(from_any(task)),
        other => {
            let mut error = ApiErrorCode::ExecutorOuResolutionFailed.to_error();
            let params = [("strategy", other)];
            let described = error_with_params(ApiErrorCode::ExecutorOuResolutionFailed, &params);
            error.description = described.description;
            error.description.default_value =
                Some(format!("Unsupported OU resolution strategy: {other}"));
            Ok(ExecResult::failure(error))
        }
    }
}

fn from_caller(task: &Task<'_, '_>) -> ExecResult {
    let Some(ou_id) = task
        .env
        .caller
        .map(|c| c.ou_id.clone())
        .filter(|ou| !ou.is_empty())
    else {
        let mut error = ApiErrorCode::ExecutorOuResolutionFailed.to_error();
        // Two spaces, as in the server's text.
        error.description.default_value =
            Some("Unable to resolve caller organization unit from  context".to_owned());
        return ExecResult::failure(error);
    };
    let mut result = ExecResult::complete();
    result.runtime.insert(keys::OU_ID.to_owned(), ou_id);
    result
}

/// Ask for a unit under `defaultOUID` (itself included); a unit with no children needs no
/// question.
fn from_prompt(task: &Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let parent = task
        .execution
        .runtime_value(keys::DEFAULT_OU_ID)
        .map(str::to_owned)
        .ok_or_else(|| {
            super::internal("no defaultOUID: UserTypeResolver must run before OUResolver".into())
        })?;
    if let Some(selected) = task
        .execution
        .inputs
        .get(keys::OU_ID)
        .filter(|v| !v.is_empty())
    {
        let (exists, within) = task.env.directory.read(|d| {
            (
                d.units.get(selected).is_some() && d.units.get(&parent).is_some(),
                d.units.is_within(selected, &parent),
            )
        });
        let code = match (exists, within) {
            (false, _) => ApiErrorCode::ExecutorInvalidOu,
            (true, false) => ApiErrorCode::ExecutorOuNotValidForUserType,
            (true, true) => {
                let mut result = ExecResult::complete();
                result
                    .runtime
                    .insert(keys::OU_ID.to_owned(), selected.clone());
                return Ok(result);
            }
        };
        return Ok(ExecResult::input_required(
            vec![ou_select()],
            Some(code.to_error()),
        ));
    }
    let has_children = task
        .env
        .directory
        .read(|d| !d.units.children(&parent).is_empty());
    if !has_children {
        return Ok(ExecResult::complete());
    }
    let mut result = ask_for_unit();
    result
        .additional
        .insert(keys::data::ROOT_OU_ID.to_owned(), parent);
    Ok(result)
}

/// Ask for any existing unit.
fn from_any(task: &Task<'_, '_>) -> ExecResult {
    let Some(selected) = task
        .execution
        .inputs
        .get(keys::OU_ID)
        .filter(|v| !v.is_empty())
    else {
        return ask_for_unit();
    };
    if task.env.directory.read(|d| d.units.get(selected).is_none()) {
        return ExecResult::input_required(
            vec![ou_select()],
            Some(ApiErrorCode::ExecutorOuNotFound.to_error()),
        );
    }
    let mut result = ExecResult::complete();
    result
        .runtime
        .insert(keys::OU_ID.to_owned(), selected.clone());
    result
}

/// INPUT for the OU_SELECT, also forwarded so the `onIncomplete` prompt shows it.
fn ask_for_unit() -> ExecResult {
    let mut result = ExecResult::input_required(vec![ou_select()], None);
    result.forwarded.inputs = Some(vec![DynamicInput {
        input: ou_select(),
        display_name: None,
    }]);
    result
}

/// OUExecutor: create the unit `ouName`/`ouHandle` (and optional `ouDescription`) under the
/// node's `parentOuId`, else runtime `defaultOUID`, else the unit of the app's only
/// self-registrable user type; its id goes to runtime `ouId`. A signed-in user needs no new unit.
pub(super) fn create_unit(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    if let Some(user) = &task.execution.user
        && task.env.user(user).is_some()
    {
        return Ok(ExecResult::complete());
    }
    let required = unit_inputs();
    let missing = task.missing(&required);
    if !missing.is_empty() {
        return Ok(ExecResult::input_required(missing, None));
    }
    let parent = parent_unit(task)?;
    let input = |key: &str| task.execution.inputs.get(key).cloned().unwrap_or_default();
    let (name, handle) = (input("ouName"), input("ouHandle"));
    let description = Some(input("ouDescription")).filter(|d| !d.is_empty());
    let valid = |value: &str| !value.is_empty() && value.chars().count() <= 100;
    if !(valid(&name) && valid(&handle)) {
        let error = creation_failed(ApiErrorCode::OuInvalidRequestFormat);
        return Ok(ExecResult::input_required(unit_inputs(), Some(error)));
    }
    let request = OrganizationUnitRequest {
        handle,
        name,
        description,
        parent: parent.map(OrganizationUnitId::new),
        is_registration_flow_enabled: false,
        is_recovery_flow_enabled: false,
        settings: Default::default(),
    };
    let now = task.env.now;
    let unit = match task.env.directory.write(|d| d.units.create(&request, now)) {
        Ok(unit) => unit,
        Err(error) => {
            let error = match error {
                UnitError::NameConflict => ApiErrorCode::ExecutorOuNameConflict.to_error(),
                UnitError::HandleConflict => ApiErrorCode::ExecutorOuHandleConflict.to_error(),
                UnitError::ParentNotFound => creation_failed(ApiErrorCode::OuParentNotFound),
                UnitError::NotFound | UnitError::Circular | UnitError::HasDependents => {
                    creation_failed(ApiErrorCode::OuInvalidRequestFormat)
                }
            };
            return Ok(ExecResult::input_required(unit_inputs(), Some(error)));
        }
    };
    let mut result = ExecResult::complete();
    result.runtime.insert(keys::OU_ID.to_owned(), unit.id);
    Ok(result)
}

/// FET-1035 carrying the unit service's reason (no space after the colon, as on the server).
fn creation_failed(cause: ApiErrorCode) -> thunderid_protocol::ApiError {
    let mut error = ApiErrorCode::ExecutorOuCreationFailed.to_error();
    error.description.default_value = Some(format!(
        "Failed to create organization unit:{}",
        cause.description_default()
    ));
    error
}

fn unit_inputs() -> Vec<Input> {
    vec![
        Input::new("ouName", InputType::GenericString),
        Input::new("ouHandle", InputType::GenericString),
    ]
}

/// The parent of a unit OUExecutor creates; `None` is a root unit.
fn parent_unit(task: &Task<'_, '_>) -> Result<Option<String>, EngineError> {
    if let Some(value) = task.node.properties.get("parentOuId") {
        let parent = value
            .as_str()
            .ok_or_else(|| super::internal("parentOuId must be a string".into()))?;
        return Ok(Some(parent.to_owned()).filter(|p| !p.is_empty()));
    }
    if let Some(default) = task.execution.runtime_value(keys::DEFAULT_OU_ID) {
        return Ok(Some(default.to_owned()));
    }
    let allowed = task
        .env
        .app
        .map(|a| a.allowed_user_types.clone())
        .unwrap_or_default();
    let open: Vec<String> = task.env.directory.read(|d| {
        allowed
            .iter()
            .filter_map(|name| d.user_types.by_name(name))
            .filter(|t| t.allow_self_registration)
            .map(|t| t.ou_id.clone())
            .collect()
    });
    Ok(match open.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    })
}
