//! AttributeCollector (`attribute_collector.go`): complete a signed-in user's profile. The node's
//! inputs the user already has are taken from the profile (into runtime data); the rest are asked
//! for, then stored on the user.

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{FlowType, InputType};

use super::{ExecResult, Task};
use crate::flow::keys;
use crate::flow::node::EngineError;

pub(super) fn collect(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    if task.flow_type == &FlowType::Registration {
        return Ok(ExecResult::complete());
    }
    // Signed in means the prerequisite `userID` is met too (the user's id counts).
    let Some(user_id) = task.execution.user.clone() else {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorUserNotAuthenticated.to_error(),
        ));
    };
    let required = task.executor.inputs.clone();
    let mut missing = task.missing(&required);
    if !missing.is_empty() {
        let user = task.env.user(&user_id);
        missing.retain(|input| {
            let known = user
                .as_ref()
                .and_then(|u| u.attributes.get(&input.identifier))
                .filter(|_| input.identifier != "password")
                .and_then(scalar);
            match known {
                Some(value) => {
                    task.execution
                        .runtime
                        .insert(input.identifier.clone(), value);
                    false
                }
                None => true,
            }
        });
        if !missing.is_empty() {
            return Ok(ExecResult::input_required(missing, None));
        }
    }
    let mut updates = serde_json::Map::new();
    for input in &required {
        if input.identifier == keys::USER_ID {
            continue;
        }
        let value = task
            .execution
            .inputs
            .get(&input.identifier)
            .or_else(|| task.execution.runtime.get(&input.identifier));
        if let Some(value) = value {
            updates.insert(input.identifier.clone(), typed(&input.input_type, value));
        }
    }
    // Checked and stored under one lock: the user must still exist and the merged attributes must
    // fit its schema (a unique value taken meanwhile, say).
    let stored = task.env.directory.write(|d| {
        let user = d.users.get(&user_id).ok_or(())?;
        let mut merged = user.attributes.clone();
        merged.extend(updates);
        let user_type = user.user_type.clone();
        d.validate_attributes(&user_type, &merged, Some(&user_id))
            .map_err(|_| ())?;
        // A flow acts for the user: growing the record must fit the budget.
        d.users
            .update_within_budget(&user_id, |user| {
                user.attributes = merged;
                user.attributes_null = false;
            })
            .map_err(|_| ())?
            .ok_or(())
    });
    Ok(match stored {
        Ok(()) => ExecResult::complete(),
        Err(()) => ExecResult::failure(ApiErrorCode::ExecutorAttributeCollectFailed.to_error()),
    })
}

/// A stored attribute as an input value; objects and arrays do not answer an input.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::String(_) | Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// BOOLEAN_INPUT becomes a bool and NUMBER_INPUT a number (kept as text when it does not parse).
fn typed(input_type: &InputType, value: &str) -> Value {
    if *input_type == InputType::Boolean {
        return value
            .parse::<bool>()
            .map_or_else(|_| Value::from(value), Value::Bool);
    }
    if *input_type == InputType::Number {
        return value
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::from(value), Value::Number);
    }
    Value::from(value)
}
