//! IdentifyingExecutor (`executor/identifying_executor.go`) in its three modes, and
//! FederatedAuthResolverExecutor (`executor/federated_auth_resolver_executor.go`), which share the
//! candidate users and the disambiguation prompt.
//!
//! * `identify` (the default): exactly one user, into runtime `userID`; unknown → asked again with
//!   FET-1001, several → FET-1003.
//! * `resolve`: the node's inputs and any other searchable input narrow the users (or the
//!   `candidateUsers` a previous round left); one → `userID`; several → runtime `candidateUsers`
//!   and a SELECT input (forwarded to the next prompt) for each attribute, `userType` or
//!   `ouHandle` whose values differ; none → FET-1001.
//! * `check_state`: runtime `entityState` is `not_exists`, `exists` or `ambiguous`.
//! * `loginHintAttribute` (CIBA): the search is `{attribute: login_hint}` instead.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{Input, InputType};

use super::credentials::{Identified, NON_SEARCHABLE, find_user};
use super::{ExecResult, Task};
use crate::flow::keys;
use crate::flow::node::{DynamicInput, EngineError};
use crate::graph::ExecutorKind;
use crate::store::users::UserRecord;

/// Runtime data: the users a `resolve` round could not tell apart (a JSON array of entities).
pub(crate) const CANDIDATE_USERS: &str = "candidateUsers";
const LOGIN_HINT: &str = "login_hint";

/// IdentifyingExecutor.
pub(super) fn run(task: &mut Task<'_, '_>) -> ExecResult {
    let hint_attribute = task
        .property("loginHintAttribute")
        .filter(|a| !a.is_empty())
        .map(str::to_owned);
    let hint = task
        .execution
        .inputs
        .get(LOGIN_HINT)
        .filter(|h| !h.is_empty())
        .cloned();
    if hint_attribute.is_some() {
        if hint.is_none() {
            return ExecResult::input_required(
                vec![Input::new(LOGIN_HINT, InputType::GenericString)],
                None,
            );
        }
    } else {
        let missing = task.missing(&task.required_inputs(ExecutorKind::Identifying));
        if !missing.is_empty() {
            return ExecResult::input_required(missing, None);
        }
    }
    let attributes = match (&hint_attribute, hint) {
        (Some(attribute), Some(hint)) => BTreeMap::from([(attribute.clone(), hint)]),
        _ => search_attributes(task),
    };
    match task.executor.mode.as_deref() {
        Some("resolve") => resolve(task, attributes),
        Some("check_state") => check_state(task, &attributes),
        _ => identify(task, &attributes, hint_attribute.is_some()),
    }
}

/// The node's inputs (defaults: `username`), each from the user inputs, else runtime data, even
/// when empty (`buildSearchAttributes`).
fn search_attributes(task: &Task<'_, '_>) -> BTreeMap<String, String> {
    task.required_inputs(ExecutorKind::Identifying)
        .into_iter()
        .filter_map(|input| {
            let value = task
                .execution
                .inputs
                .get(&input.identifier)
                .or_else(|| task.execution.runtime.get(&input.identifier))?;
            Some((input.identifier, value.clone()))
        })
        .collect()
}

fn identify(
    task: &mut Task<'_, '_>,
    attributes: &BTreeMap<String, String>,
    from_hint: bool,
) -> ExecResult {
    let found = match attributes.get(keys::USER_ID).filter(|id| !id.is_empty()) {
        // A known id is looked up, not searched (`IdentifyUser`).
        Some(id) => match task.env.user(id) {
            Some(user) => Identified::One(user.id),
            None => Identified::NotFound,
        },
        None => task.env.users(|users| find_user(users, attributes)),
    };
    match found {
        Identified::One(user_id) => {
            let mut result = ExecResult::complete();
            result.runtime.insert(keys::USER_ID.to_owned(), user_id);
            result
        }
        // With a login hint nobody can type another identifier.
        Identified::NotFound if from_hint => {
            ExecResult::failure(ApiErrorCode::ExecutorUserNotFound.to_error())
        }
        Identified::NotFound => ExecResult::input_required(
            task.required_inputs(ExecutorKind::Identifying),
            Some(ApiErrorCode::ExecutorUserNotFound.to_error()),
        ),
        Identified::Ambiguous => {
            ExecResult::failure(ApiErrorCode::ExecutorAmbiguousUserIdentity.to_error())
        }
    }
}

fn resolve(task: &mut Task<'_, '_>, mut attributes: BTreeMap<String, String>) -> ExecResult {
    // The inputs a disambiguation prompt added (`ouHandle`, `userType`, …) narrow the search too.
    for (key, value) in &task.execution.inputs {
        if !value.is_empty()
            && !attributes.contains_key(key)
            && !NON_SEARCHABLE.contains(&key.as_str())
            && key != keys::USER_ID
        {
            attributes.insert(key.clone(), value.clone());
        }
    }
    let Some(candidates) = candidates(task, &attributes) else {
        return identify_failed();
    };
    match candidates.as_slice() {
        [] => ExecResult::input_required(
            task.required_inputs(ExecutorKind::Identifying),
            Some(ApiErrorCode::ExecutorUserNotFound.to_error()),
        ),
        [one] => {
            let mut result = ExecResult::complete();
            result
                .runtime
                .insert(keys::USER_ID.to_owned(), entity_id(one).to_owned());
            result
        }
        _ => disambiguate(candidates),
    }
}

fn check_state(task: &mut Task<'_, '_>, attributes: &BTreeMap<String, String>) -> ExecResult {
    let Some(candidates) = candidates(task, attributes) else {
        return identify_failed();
    };
    let state = match candidates.len() {
        0 => "not_exists",
        1 => "exists",
        _ => "ambiguous",
    };
    let mut result = ExecResult::complete();
    result
        .runtime
        .insert(keys::ENTITY_STATE.to_owned(), state.to_owned());
    result
}

/// FAILURE FET-1002 whose description is the message (`Failed to identify user`), as a failed
/// search reports it.
fn identify_failed() -> ExecResult {
    let mut error = ApiErrorCode::ExecutorFailedToIdentifyUser.to_error();
    error.description.default_value = error.message.default_value.clone();
    ExecResult::failure(error)
}

/// FederatedAuthResolverExecutor: the node's inputs pick one of runtime `candidateUsers`, which
/// the flow then continues as, provided a federated sign-in (runtime `sub`) authenticated it.
pub(super) fn resolve_federated(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let required = task.executor.inputs.clone();
    let missing = task.missing(&required);
    if !missing.is_empty() {
        return Ok(ExecResult::input_required(missing, None));
    }
    let stored = task
        .execution
        .runtime
        .get(CANDIDATE_USERS)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| super::internal("no stored candidates found in runtime data".into()))?;
    let candidates = decode_candidates(stored)
        .ok_or_else(|| super::internal("failed to deserialize candidate users".into()))?;
    // Only the node's own inputs filter: a client cannot force a match with `userID`.
    let filters: BTreeMap<String, String> = task
        .execution
        .inputs
        .iter()
        .filter(|(key, value)| {
            !value.is_empty() && required.iter().any(|input| &input.identifier == *key)
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let matched = filter_candidates(candidates, &filters);
    let chosen = match matched.as_slice() {
        [] => {
            return Ok(ExecResult::input_required(
                required,
                Some(ApiErrorCode::ExecutorUserNotFound.to_error()),
            ));
        }
        [one] => entity_id(one).to_owned(),
        _ => return Ok(disambiguate(matched)),
    };
    let federated = task
        .execution
        .runtime
        .get("sub")
        .is_some_and(|s| !s.is_empty());
    // The server re-binds the authenticated (federated) user to the chosen one; without a
    // federated subject and an authenticated user there is nothing to re-bind.
    if !federated || task.execution.user.is_none() {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorUserNotAuthenticated.to_error(),
        ));
    }
    Ok(ExecResult {
        user: Some(chosen),
        ..ExecResult::complete()
    })
}

/// Runtime `candidateUsers` narrowed by `attributes`, else a search; `None` when the stored
/// candidates are unreadable.
fn candidates(task: &Task<'_, '_>, attributes: &BTreeMap<String, String>) -> Option<Vec<Value>> {
    if let Some(stored) = task.execution.runtime.get(CANDIDATE_USERS) {
        return Some(filter_candidates(decode_candidates(stored)?, attributes));
    }
    let filters: Vec<(&String, &String)> = attributes
        .iter()
        .filter(|(k, _)| !NON_SEARCHABLE.contains(&k.as_str()))
        .collect();
    Some(task.env.directory.read(|d| {
        d.users
            .all()
            .filter(|user| {
                filters.iter().all(|(key, value)| {
                    user.attributes
                        .get(key.as_str())
                        .and_then(scalar_text)
                        .is_some_and(|text| text == **value)
                })
            })
            .map(|user| {
                let handle = d.units.get(&user.ou_id).map(|u| u.handle.clone());
                entity(user, handle.unwrap_or_default())
            })
            .collect()
    }))
}

/// A user as the server's entity JSON (`providers.Entity`), the form `candidateUsers` keeps.
fn entity(user: &UserRecord, ou_handle: String) -> Value {
    let mut entity = Map::new();
    entity.insert("id".into(), json!(user.id));
    entity.insert("category".into(), json!("user"));
    entity.insert("type".into(), json!(user.user_type));
    entity.insert("state".into(), json!("ACTIVE"));
    entity.insert("ouId".into(), json!(user.ou_id));
    if !ou_handle.is_empty() {
        entity.insert("ouHandle".into(), json!(ou_handle));
    }
    entity.insert("attributes".into(), Value::Object(user.attributes.clone()));
    entity.insert("isReadOnly".into(), json!(false));
    Value::Object(entity)
}

fn decode_candidates(stored: &str) -> Option<Vec<Value>> {
    match serde_json::from_str(stored).ok()? {
        Value::Array(items) => Some(items.into_iter().filter(Value::is_object).collect()),
        Value::Null => Some(Vec::new()),
        _ => None,
    }
}

fn entity_id(entity: &Value) -> &str {
    entity.get("id").and_then(Value::as_str).unwrap_or_default()
}

/// The candidates every filter matches: `userType` the entity type, `ouHandle` its unit's
/// handle, anything else a scalar attribute (`filterUsersByAttributes`).
fn filter_candidates(candidates: Vec<Value>, filters: &BTreeMap<String, String>) -> Vec<Value> {
    candidates
        .into_iter()
        .filter(|entity| {
            filters
                .iter()
                .filter(|(key, _)| !NON_SEARCHABLE.contains(&key.as_str()))
                .all(|(key, expected)| {
                    let actual = match key.as_str() {
                        "userType" => entity.get("type").and_then(scalar_text),
                        "ouHandle" => entity.get("ouHandle").and_then(scalar_text),
                        _ => entity
                            .get("attributes")
                            .and_then(|a| a.get(key.as_str()))
                            .and_then(scalar_text),
                    };
                    actual.as_ref() == Some(expected)
                })
        })
        .collect()
}

/// Several candidates remain: a SELECT input for each attribute whose values differ among them
/// (forwarded to the next prompt) and the candidates kept for the next round; FET-1002 when
/// nothing tells them apart. The server's order is a Go map's; the mock sorts.
fn disambiguate(candidates: Vec<Value>) -> ExecResult {
    let mut values: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entity in &candidates {
        for (key, field) in [("userType", "type"), ("ouHandle", "ouHandle")] {
            if let Some(value) = entity
                .get(field)
                .and_then(scalar_text)
                .filter(|v| !v.is_empty())
            {
                values.entry(key.to_owned()).or_default().insert(value);
            }
        }
        let attributes = entity.get("attributes").and_then(Value::as_object);
        for (key, value) in attributes.into_iter().flatten() {
            if NON_SEARCHABLE.contains(&key.as_str()) {
                continue;
            }
            if let Some(text) = scalar_text(value) {
                values.entry(key.clone()).or_default().insert(text);
            }
        }
    }
    let options: Vec<DynamicInput> = values
        .into_iter()
        .filter(|(_, distinct)| distinct.len() > 1)
        .map(|(identifier, distinct)| {
            let mut input = Input::new(identifier, InputType::Select);
            input.required = false;
            input.options = distinct.into_iter().collect();
            DynamicInput {
                input,
                display_name: None,
            }
        })
        .collect();
    if options.is_empty() {
        return ExecResult::failure(ApiErrorCode::ExecutorFailedToIdentifyUser.to_error());
    }
    let mut result = ExecResult::input_required(Vec::new(), None);
    result.runtime.insert(
        CANDIDATE_USERS.to_owned(),
        Value::Array(candidates).to_string(),
    );
    result.forwarded.inputs = Some(options);
    result
}

/// A scalar as the server compares it (`ConvertInterfaceValueToString`); `None` for objects,
/// arrays and null.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

#[cfg(test)]
mod tests;
