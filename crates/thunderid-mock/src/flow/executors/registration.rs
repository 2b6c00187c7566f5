//! Self-registration executors: UserTypeResolver, ProvisioningExecutor and
//! AttributeUniquenessValidator (`executor/user_type_resolver.go`, `provisioning_executor.go`,
//! `attribute_uniqueness_validator.go`).

use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{FlowType, Input, InputType};

mod existing;

use super::credentials::{Identified, find_user};
use super::{ExecResult, Task, error_with_params, prerequisite_missing};
use crate::fixtures::MemberKind;
use crate::flow::keys;
use crate::flow::node::{DynamicInput, EngineError};
use crate::password::PasswordHash;
use crate::schema::Kind;
use crate::store::declared::MAX_COMPOSITE_RECORDS;
use crate::store::groups::MemberRef;
use crate::store::user_types::UserTypeRecord;
use crate::store::users::{AttributeError, UserRecord};

/// UserTypeResolver: pick the user type new users get. One allowed type resolves silently; several
/// are offered as a SELECT (`userType`).
pub(super) fn resolve_user_type(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let allowed: Vec<String> = task
        .env
        .app
        .map(|a| a.allowed_user_types.clone())
        .unwrap_or_default();
    match task.flow_type {
        FlowType::Authentication if allowed.is_empty() => {
            return Ok(ExecResult::failure(
                ApiErrorCode::ExecutorAuthNotAvailableForApp.to_error(),
            ));
        }
        FlowType::Registration => {}
        FlowType::UserOnboarding => return Ok(onboarding_user_type(task)),
        FlowType::Authentication
        | FlowType::Recovery
        | FlowType::SignOut
        | FlowType::Administration
        | FlowType::Other(_) => return Ok(ExecResult::complete()),
    }
    if allowed.is_empty() {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorSelfRegNotAvailableForApp.to_error(),
        ));
    }
    let node_allowed = node_allowed_types(task);
    let allowed: Vec<String> = if node_allowed.is_empty() {
        allowed
    } else {
        let filtered: Vec<String> = allowed
            .into_iter()
            .filter(|t| node_allowed.contains(t))
            .collect();
        if filtered.is_empty() {
            return Ok(ExecResult::failure(
                ApiErrorCode::ExecutorNoValidUserTypes.to_error(),
            ));
        }
        filtered
    };
    if let Some(chosen) = task.execution.inputs.get(keys::USER_TYPE).cloned() {
        if !allowed.contains(&chosen) {
            return Ok(ExecResult::failure(
                ApiErrorCode::ExecutorUserTypeNotAllowed.to_error(),
            ));
        }
        return Ok(choose(task, &chosen));
    }
    if let [only] = allowed.as_slice() {
        return Ok(choose(task, only));
    }
    let open: Vec<UserTypeRecord> = task.env.directory.read(|d| {
        allowed
            .iter()
            .filter_map(|name| d.user_types.by_name(name))
            .filter(|t| t.allow_self_registration)
            .cloned()
            .collect()
    });
    match open.as_slice() {
        [] => Ok(ExecResult::failure(
            ApiErrorCode::ExecutorSelfRegNotAvailableForApp.to_error(),
        )),
        [only] => {
            let name = only.name.clone();
            Ok(choose(task, &name))
        }
        several => Ok(ask_user_type(several)),
    }
}

/// The node's `allowedUserTypes` (empty: no restriction).
fn node_allowed_types(task: &Task<'_, '_>) -> Vec<String> {
    task.node
        .properties
        .get("allowedUserTypes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// USER_ONBOARDING: an administrator picks the new user's type among all types (the node's
/// `allowedUserTypes`, and, once a unit is chosen, the types whose unit contains it). Without a
/// chosen type, more than 1000 types in the composite store mode fail the list: FET-1057.
fn onboarding_user_type(task: &Task<'_, '_>) -> ExecResult {
    let node_allowed = node_allowed_types(task);
    let chosen_ou = task.execution.runtime_value(keys::OU_ID).map(str::to_owned);
    if let Some(chosen) = task.execution.inputs.get(keys::USER_TYPE).cloned() {
        if !node_allowed.is_empty() && !node_allowed.contains(&chosen) {
            return ExecResult::failure(ApiErrorCode::ExecutorUserTypeNotAllowed.to_error());
        }
        let Some(user_type) = task.env.user_type(&chosen).filter(|t| !t.ou_id.is_empty()) else {
            return ExecResult::failure(ApiErrorCode::ExecutorInvalidUserType.to_error());
        };
        if let Some(ou) = &chosen_ou
            && !task
                .env
                .directory
                .read(|d| d.units.is_within(ou, &user_type.ou_id))
        {
            return ExecResult::failure(ApiErrorCode::ExecutorUserTypeNotValidForOu.to_error());
        }
        return resolved(&user_type);
    }
    // `GetEntityTypeList` reads a page of 100, which the composite store refuses past its limit.
    let composite = task.env.composite;
    let listed = task.env.directory.read(|d| {
        let all = d.user_types.by_name_order();
        if composite && all.len() > MAX_COMPOSITE_RECORDS {
            return None;
        }
        let all: Vec<&UserTypeRecord> = all.into_iter().take(100).collect();
        let candidates = all
            .iter()
            .filter(|t| node_allowed.is_empty() || node_allowed.contains(&t.name))
            .filter(|t| {
                chosen_ou
                    .as_ref()
                    .is_none_or(|ou| d.units.is_within(ou, &t.ou_id))
            })
            .map(|t| (*t).clone())
            .collect::<Vec<_>>();
        Some((!all.is_empty(), candidates))
    });
    let Some((any, candidates)) = listed else {
        return ExecResult::failure(ApiErrorCode::ExecutorUserTypeRetrievalFailed.to_error());
    };
    if !any {
        return ExecResult::failure(ApiErrorCode::ExecutorNoUserTypesAvailable.to_error());
    }
    match candidates.as_slice() {
        [] => ExecResult::failure(ApiErrorCode::ExecutorNoValidUserTypes.to_error()),
        [only] => resolved(only),
        several => ask_user_type(several),
    }
}

fn resolved(user_type: &UserTypeRecord) -> ExecResult {
    let mut result = ExecResult::complete();
    result
        .runtime
        .insert(keys::USER_TYPE.to_owned(), user_type.name.clone());
    result
        .runtime
        .insert(keys::DEFAULT_OU_ID.to_owned(), user_type.ou_id.clone());
    result
}

/// INPUT for a `userType` SELECT over `types`, also forwarded to the `onIncomplete` prompt.
fn ask_user_type(types: &[UserTypeRecord]) -> ExecResult {
    let mut input = Input::new(keys::USER_TYPE, InputType::Select).with_ref("usertype_input");
    input.options = types.iter().map(|t| t.name.clone()).collect();
    let mut result = ExecResult::input_required(vec![input.clone()], None);
    result.forwarded.inputs = Some(vec![DynamicInput {
        input,
        display_name: None,
    }]);
    result
}

fn choose(task: &Task<'_, '_>, name: &str) -> ExecResult {
    let Some(user_type) = task.env.user_type(name) else {
        return ExecResult::failure(ApiErrorCode::ExecutorInvalidUserType.to_error());
    };
    if !user_type.allow_self_registration {
        return ExecResult::failure(ApiErrorCode::ExecutorSelfRegDisabledForUserType.to_error());
    }
    let mut result = ExecResult::complete();
    result
        .runtime
        .insert(keys::USER_TYPE.to_owned(), user_type.name.clone());
    result
        .runtime
        .insert(keys::DEFAULT_OU_ID.to_owned(), user_type.ou_id.clone());
    result
}

/// ProvisioningExecutor: create the user from the collected inputs. Missing schema attributes are
/// asked for first (forwarded to the `onIncomplete` prompt, which builds their components).
pub(super) fn provision(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    if task.flow_type == &FlowType::Authentication
        && task.execution.runtime_value("userEligibleForProvisioning") != Some("true")
    {
        return Ok(ExecResult::complete());
    }
    let type_name = task
        .execution
        .runtime_value(keys::USER_TYPE)
        .map(str::to_owned)
        .or_else(|| {
            task.env
                .app
                .and_then(|a| a.allowed_user_types.first().cloned())
        })
        .ok_or_else(|| super::internal("user type not found".into()))?;
    let user_type = task
        .env
        .user_type(&type_name)
        .ok_or_else(|| super::internal(format!("no user type {type_name}")))?;
    let missing = missing_schema_inputs(task, &user_type);
    if !missing.is_empty() {
        let inputs = missing.iter().map(|d| d.input.clone()).collect();
        let mut result = ExecResult::input_required(inputs, None);
        let cap = task
            .node
            .properties
            .get("maxPerPrompt")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let cap = if cap > 0 {
            usize::try_from(cap).unwrap_or(usize::MAX)
        } else {
            usize::MAX
        };
        result.forwarded.inputs = Some(missing.into_iter().take(cap).collect());
        return Ok(result);
    }
    let mut attributes = Map::new();
    let mut credentials = Vec::new();
    for (name, schema) in user_type.schema.properties() {
        let Some(value) = task.value(name) else {
            continue;
        };
        if schema.credential {
            credentials.push((name.clone(), value));
        } else {
            attributes.insert(name.clone(), typed(&value, &schema.kind));
        }
    }
    if attributes.is_empty() && credentials.is_empty() {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorProvisioningUserAttrsMissing.to_error(),
        ));
    }
    let filters = attributes
        .iter()
        .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
        .collect();
    if let Some(stopped) = existing::decide(task, &filters) {
        return Ok(stopped);
    }
    let id = task.uuid_v7();
    let ou_id = task
        .execution
        .runtime_value(keys::OU_ID)
        .or_else(|| task.execution.runtime_value(keys::DEFAULT_OU_ID))
        .map_or_else(|| user_type.ou_id.clone(), str::to_owned);
    let record = UserRecord {
        id: id.clone(),
        user_type: user_type.name.clone(),
        ou_id,
        attributes,
        attributes_null: false,
        passkeys: Vec::new(),
        credentials: credentials
            .into_iter()
            .map(|(name, value)| (name, PasswordHash::new(&value)))
            .collect(),
    };
    // Checked and stored under one lock, so two registrations cannot both take a unique value. A
    // flow acts for a client without an administrator's token, so the user must fit the budget;
    // a full directory fails as another provisioning error does on the server.
    let created = task.env.directory.write(|d| {
        d.validate_attributes(&record.user_type, &record.attributes, None)
            .map_err(Some)?;
        d.users.insert_within_budget(record).map_err(|_| None)
    });
    match created {
        Ok(()) => {}
        Err(Some(AttributeError::NotUnique { .. })) => {
            return Ok(ExecResult::failure(
                ApiErrorCode::ExecutorProvisioningAttributeConflict.to_error(),
            ));
        }
        Err(_) => {
            return Ok(ExecResult::failure(
                ApiErrorCode::ExecutorProvisioningFailed.to_error(),
            ));
        }
    }
    if !assign_groups_and_roles(task, &id) {
        // The user stays created, as on the server.
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorProvisioningAssignmentFailed.to_error(),
        ));
    }
    let mut result = ExecResult {
        user: Some(id.clone()),
        ..ExecResult::complete()
    };
    result.runtime.insert(keys::USER_ID.to_owned(), id);
    if task.flow_type == &FlowType::Authentication {
        result
            .runtime
            .insert("userAutoProvisioned".to_owned(), "true".to_owned());
    }
    Ok(result)
}

/// `assignGroupsAndRoles`: add the new user to the groups of `assignGroup`, all or none, then to
/// the roles of `assignRole` (comma-separated ids; a non-string property is ignored). An unknown
/// id fails that step; groups added before a role failure stay.
fn assign_groups_and_roles(task: &Task<'_, '_>, user_id: &str) -> bool {
    let ids = |key: &str| -> Vec<String> {
        task.property(key)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (groups, roles) = (ids("assignGroup"), ids("assignRole"));
    if groups.is_empty() && roles.is_empty() {
        return true;
    }
    let member = MemberRef::new(MemberKind::User, user_id);
    task.env.directory.write(|d| {
        if !groups.iter().all(|id| d.groups.get(id).is_some()) {
            return false;
        }
        for id in &groups {
            if let Some(group) = d.groups.get_mut(id) {
                group.add([member.clone()]);
            }
        }
        if !roles.iter().all(|id| d.roles.get(id).is_some()) {
            return false;
        }
        for id in &roles {
            if let Some(role) = d.roles.get_mut(id) {
                role.assign([member.clone()]);
            }
        }
        true
    })
}

/// Schema attributes still unanswered: required, then optional attributes, then required and
/// optional credentials (`buildMissingInputs`). Optional ones are asked only with the node
/// properties `includeOptional` / `includeOptionalCredentials`, or when the node declares them.
fn missing_schema_inputs(task: &Task<'_, '_>, user_type: &UserTypeRecord) -> Vec<DynamicInput> {
    let flag = |name: &str| {
        task.node
            .properties
            .get(name)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    let include_optional = flag("includeOptional");
    let include_optional_credentials = flag("includeOptionalCredentials");
    let presented: Vec<&str> = task
        .execution
        .runtime
        .get(keys::PRESENTED_OPTIONAL_INPUTS)
        .map(|raw| raw.split_whitespace().collect())
        .unwrap_or_default();
    let (mut required, mut optional) = (Vec::new(), Vec::new());
    let (mut required_credentials, mut optional_credentials) = (Vec::new(), Vec::new());
    for (name, schema) in user_type.schema.properties() {
        if task.value(name).is_some() {
            continue;
        }
        let node_input = task.executor.inputs.iter().find(|i| &i.identifier == name);
        let is_required = schema.required || node_input.is_some_and(|i| i.required);
        let included = if schema.credential {
            include_optional_credentials
        } else {
            include_optional
        };
        if !is_required
            && (presented.contains(&name.as_str()) || !(included || node_input.is_some()))
        {
            continue;
        }
        let input_type = if schema.credential {
            InputType::Password
        } else {
            node_input.map_or_else(|| input_type_for(&schema.kind), |i| i.input_type.clone())
        };
        let mut input = node_input
            .cloned()
            .unwrap_or_else(|| Input::new(name.clone(), input_type.clone()));
        input.identifier = name.clone();
        input.input_type = input_type;
        input.required = is_required;
        let dynamic = DynamicInput {
            input,
            display_name: schema.display_name.clone(),
        };
        match (schema.credential, is_required) {
            (true, true) => required_credentials.push(dynamic),
            (true, false) => optional_credentials.push(dynamic),
            (false, true) => required.push(dynamic),
            (false, false) => optional.push(dynamic),
        }
    }
    required
        .into_iter()
        .chain(optional)
        .chain(required_credentials)
        .chain(optional_credentials)
        .collect()
}

fn input_type_for(kind: &Kind) -> InputType {
    match kind {
        Kind::Boolean => InputType::Boolean,
        Kind::Number { .. } => InputType::Number,
        Kind::String { .. } | Kind::Object { .. } | Kind::Array { .. } => InputType::Text,
    }
}

/// A collected string converted to the schema type, kept as a string when it does not parse.
fn typed(value: &str, kind: &Kind) -> Value {
    match kind {
        Kind::String { .. } | Kind::Object { .. } | Kind::Array { .. } => Value::from(value),
        Kind::Number { .. } => serde_json::from_str::<serde_json::Number>(value)
            .map_or_else(|_| Value::from(value), Value::Number),
        Kind::Boolean => value
            .parse::<bool>()
            .map_or_else(|_| Value::from(value), Value::Bool),
    }
}

/// AttributeUniquenessValidator: a unique schema attribute already taken re-asks it with FET-1061
/// (`params: {attribute}`).
pub(super) fn check_uniqueness(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let Some(type_name) = task.execution.runtime.get(keys::USER_TYPE).cloned() else {
        return Ok(ExecResult::failure(prerequisite_missing(keys::USER_TYPE)));
    };
    let user_type = task
        .env
        .user_type(&type_name)
        .ok_or_else(|| super::internal(format!("no user type {type_name}")))?;
    for (name, _) in user_type
        .schema
        .properties()
        .iter()
        .filter(|(_, s)| s.unique && !s.credential)
    {
        let Some(value) = task.execution.inputs.get(name).filter(|v| !v.is_empty()) else {
            continue;
        };
        let filters = std::iter::once((name.clone(), value.clone())).collect();
        if !matches!(
            task.env.users(|users| find_user(users, &filters)),
            Identified::NotFound
        ) {
            let error = error_with_params(
                ApiErrorCode::ExecutorAttributeNotUnique,
                &[("attribute", name)],
            );
            return Ok(ExecResult::input_required(Vec::new(), Some(error)));
        }
    }
    Ok(ExecResult::complete())
}
