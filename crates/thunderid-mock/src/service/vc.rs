//! The verifiable-credential management APIs (`vc/presentation`, `vc/credential`: one handler,
//! service and code set each, the same rules): `/openid4vp/presentation-definitions` and
//! `/openid4vci/credential-configurations`. The service's order: required fields and format,
//! claim names, the organization unit (`ouHandle` resolved when `ouId` is empty), then the store
//! (handle taken, not found, a declarative resource immutable). Delete is idempotent and checks no
//! usage: a flow naming a deleted definition fails when it next starts (EUDI-1004 in its
//! executor), as on the server. The list is the whole table, stored ones first, then the
//! declarative ones (the composite store's merge), at most 1000.

mod decode;

use std::collections::BTreeMap;

use serde::Serialize;
use thunderid_protocol::ApiErrorCode;

pub(crate) use decode::{DecodeError, Source};

use crate::error::MockError;
use crate::openid4vp::PresentationDefinition;
use crate::state::AppState;
use crate::store::declared::Kind as Declared;
use crate::store::vc::{CredentialConfiguration, VcResources};

/// `dc+sd-jwt`, the only format either kind accepts (and the default).
const FORMAT: &str = "dc+sd-jwt";
/// `MaxCompositeStoreRecords`.
const MAX_RECORDS: usize = 1000;
/// Registered SD-JWT claims a credential configuration cannot declare (`reservedClaimNames`).
const RESERVED_CLAIMS: &[&str] = &[
    "iss", "nbf", "exp", "cnf", "vct", "status", "_sd", "_sd_alg", "...", "sub", "iat",
];

/// A kind's error codes.
pub(crate) struct Codes {
    pub(crate) invalid_request: ApiErrorCode,
    pub(crate) not_found: ApiErrorCode,
    already_exists: ApiErrorCode,
    unsupported_format: ApiErrorCode,
    immutable: ApiErrorCode,
    limit: ApiErrorCode,
    invalid_ou: ApiErrorCode,
    empty_claim: ApiErrorCode,
    duplicate_claim: ApiErrorCode,
}

/// What the service needs of a resource kind.
pub(crate) trait Resource: Clone + Serialize + Sized {
    /// The import kind (`resource_type`) and the document name in decode errors.
    const KIND: &'static str;
    const NOUN: &'static str;
    const DECLARED: Declared;
    const CODES: Codes;

    fn id(&self) -> &str;
    fn set_id(&mut self, id: String);
    fn handle(&self) -> &str;
    fn ou_id(&self) -> &str;
    fn set_ou_id(&mut self, ou_id: String);
    /// Required fields, the default format, the claims.
    fn validate(&mut self) -> Result<(), MockError>;
    fn table(resources: &VcResources) -> &Vec<Self>;
    fn table_mut(resources: &mut VcResources) -> &mut Vec<Self>;
    /// The list's summary, with the unit's handle.
    fn summary(&self, ou_handle: &str) -> serde_json::Value;
    /// A request body or a document.
    fn decode(value: &serde_json::Value, source: Source) -> Result<Draft<Self>, DecodeError>;
}

fn required(handle: &str, vct: &str, codes: &Codes) -> Result<(), MockError> {
    if handle.trim().is_empty() || vct.trim().is_empty() {
        return Err(MockError::api(codes.invalid_request.clone()));
    }
    Ok(())
}

fn format(format: &mut String, codes: &Codes) -> Result<(), MockError> {
    if format.is_empty() {
        FORMAT.clone_into(format);
    }
    if format != FORMAT {
        return Err(MockError::api(codes.unsupported_format.clone()));
    }
    Ok(())
}

/// The code with its description's `{{param(claim)}}` filled in (`WithParams`).
fn claim_error(code: &ApiErrorCode, claim: &str) -> MockError {
    let mut error = code.to_error();
    let text = code
        .description_default()
        .replace("{{param(claim)}}", claim);
    error.description.default_value = Some(text);
    error.description.params = Some(BTreeMap::from([("claim".to_owned(), claim.to_owned())]));
    MockError::api_error(error)
}

/// Non-empty, unique names (and, for credential claims, none reserved), in one list.
fn claim_names<'a>(
    names: impl Iterator<Item = &'a String>,
    codes: &Codes,
    reserved: bool,
) -> Result<(), MockError> {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        let name = name.trim();
        if name.is_empty() {
            return Err(MockError::api(codes.empty_claim.clone()));
        }
        if reserved && RESERVED_CLAIMS.contains(&name) {
            return Err(claim_error(
                &ApiErrorCode::VciConfigurationReservedClaim,
                name,
            ));
        }
        if !seen.insert(name) {
            return Err(claim_error(&codes.duplicate_claim, name));
        }
    }
    Ok(())
}

/// The accessors both resource structs share (the same field names).
macro_rules! accessors {
    () => {
        fn id(&self) -> &str {
            &self.id
        }
        fn set_id(&mut self, id: String) {
            self.id = id;
        }
        fn handle(&self) -> &str {
            &self.handle
        }
        fn ou_id(&self) -> &str {
            &self.ou_id
        }
        fn set_ou_id(&mut self, ou_id: String) {
            self.ou_id = ou_id;
        }
    };
}

impl Resource for PresentationDefinition {
    const KIND: &'static str = "presentation_definition";
    const NOUN: &'static str = "presentation definition";
    const DECLARED: Declared = Declared::PresentationDefinition;
    const CODES: Codes = Codes {
        invalid_request: ApiErrorCode::VpDefinitionInvalidRequest,
        not_found: ApiErrorCode::VpDefinitionNotFound,
        already_exists: ApiErrorCode::VpDefinitionAlreadyExists,
        unsupported_format: ApiErrorCode::VpDefinitionUnsupportedFormat,
        immutable: ApiErrorCode::VpDefinitionImmutable,
        limit: ApiErrorCode::VpDefinitionResultLimitExceeded,
        invalid_ou: ApiErrorCode::VpDefinitionInvalidOU,
        empty_claim: ApiErrorCode::VpDefinitionEmptyClaimName,
        duplicate_claim: ApiErrorCode::VpDefinitionDuplicateClaim,
    };

    accessors!();

    /// `validateDefinition`: the requested claims apart (they repeat the other two), mandatory
    /// and optional as one list (a name cannot be both).
    fn validate(&mut self) -> Result<(), MockError> {
        required(&self.handle, &self.vct, &Self::CODES)?;
        format(&mut self.format, &Self::CODES)?;
        claim_names(self.requested_claims.iter(), &Self::CODES, false)?;
        claim_names(
            self.mandatory_claims.iter().chain(&self.optional_claims),
            &Self::CODES,
            false,
        )
    }

    fn table(resources: &VcResources) -> &Vec<Self> {
        &resources.definitions
    }
    fn decode(value: &serde_json::Value, source: Source) -> Result<Draft<Self>, DecodeError> {
        decode::definition(value, source)
    }
    fn table_mut(resources: &mut VcResources) -> &mut Vec<Self> {
        &mut resources.definitions
    }

    fn summary(&self, ou_handle: &str) -> serde_json::Value {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Summary<'a> {
            id: &'a str,
            handle: &'a str,
            ou_id: &'a str,
            #[serde(skip_serializing_if = "str::is_empty")]
            ou_handle: &'a str,
            #[serde(skip_serializing_if = "str::is_empty")]
            name: &'a str,
            vct: &'a str,
            format: &'a str,
        }
        serde_json::to_value(Summary {
            id: &self.id,
            handle: &self.handle,
            ou_id: &self.ou_id,
            ou_handle,
            name: &self.name,
            vct: &self.vct,
            format: &self.format,
        })
        .unwrap_or_default()
    }
}

impl Resource for CredentialConfiguration {
    const KIND: &'static str = "credential_configuration";
    const NOUN: &'static str = "credential configuration";
    const DECLARED: Declared = Declared::CredentialConfiguration;
    const CODES: Codes = Codes {
        invalid_request: ApiErrorCode::VciConfigurationInvalidRequest,
        not_found: ApiErrorCode::VciConfigurationNotFound,
        already_exists: ApiErrorCode::VciConfigurationAlreadyExists,
        unsupported_format: ApiErrorCode::VciConfigurationUnsupportedFormat,
        immutable: ApiErrorCode::VciConfigurationImmutable,
        limit: ApiErrorCode::VciConfigurationResultLimitExceeded,
        invalid_ou: ApiErrorCode::VciConfigurationInvalidOU,
        empty_claim: ApiErrorCode::VciConfigurationEmptyClaimName,
        duplicate_claim: ApiErrorCode::VciConfigurationDuplicateClaim,
    };

    accessors!();

    /// `validateConfiguration`: a validity, when given, above zero.
    fn validate(&mut self) -> Result<(), MockError> {
        required(&self.handle, &self.vct, &Self::CODES)?;
        format(&mut self.format, &Self::CODES)?;
        if self.validity_seconds.is_some_and(|v| v <= 0) {
            return Err(MockError::api(Self::CODES.invalid_request));
        }
        claim_names(self.claims.iter().map(|c| &c.name), &Self::CODES, true)
    }

    fn table(resources: &VcResources) -> &Vec<Self> {
        &resources.configurations
    }
    fn decode(value: &serde_json::Value, source: Source) -> Result<Draft<Self>, DecodeError> {
        decode::configuration(value, source)
    }
    fn table_mut(resources: &mut VcResources) -> &mut Vec<Self> {
        &mut resources.configurations
    }

    fn summary(&self, ou_handle: &str) -> serde_json::Value {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Summary<'a> {
            id: &'a str,
            handle: &'a str,
            ou_id: &'a str,
            #[serde(skip_serializing_if = "str::is_empty")]
            ou_handle: &'a str,
            format: &'a str,
            vct: &'a str,
            #[serde(skip_serializing_if = "str::is_empty")]
            name: &'a str,
        }
        serde_json::to_value(Summary {
            id: &self.id,
            handle: &self.handle,
            ou_id: &self.ou_id,
            ou_handle,
            format: &self.format,
            vct: &self.vct,
            name: &self.name,
        })
        .unwrap_or_default()
    }
}

/// A resource as a request or document gives it, with the unit's handle it names.
#[derive(Debug, Clone)]
pub(crate) struct Draft<T> {
    pub(crate) resource: T,
    pub(crate) ou_handle: String,
}

/// The response body: the resource with `ouHandle` after `ouId` (omitted when empty).
pub(crate) fn body<T: Resource>(resource: &T, ou_handle: &str) -> serde_json::Value {
    let serde_json::Value::Object(fields) = serde_json::to_value(resource).unwrap_or_default()
    else {
        return serde_json::Value::Null;
    };
    let mut out = serde_json::Map::new();
    for (key, value) in fields {
        let after_unit = key == "ouId";
        out.insert(key, value);
        if after_unit && !ou_handle.is_empty() {
            out.insert("ouHandle".into(), ou_handle.into());
        }
    }
    serde_json::Value::Object(out)
}

/// The unit's handle, for display (`populateOUHandle`).
fn unit_handle(state: &AppState, ou_id: &str) -> String {
    if ou_id.is_empty() {
        return String::new();
    }
    state
        .stores()
        .directory
        .read(|d| d.units.get(ou_id).map(|u| u.handle.clone()))
        .unwrap_or_default()
}

/// `resolveOU`: the handle path resolved when no id is given, then the unit must exist.
fn resolve_unit<T: Resource>(state: &AppState, draft: &mut Draft<T>) -> Result<(), MockError> {
    let invalid = || MockError::api(T::CODES.invalid_ou.clone());
    if draft.resource.ou_id().is_empty() && !draft.ou_handle.trim().is_empty() {
        let path: Vec<&str> = draft
            .ou_handle
            .split('/')
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .collect();
        let id = state
            .stores()
            .directory
            .read(|d| d.units.by_path(&path).map(|u| u.id.clone()))
            .ok_or_else(invalid)?;
        draft.resource.set_ou_id(id);
    }
    let ou_id = draft.resource.ou_id().trim().to_owned();
    if ou_id.is_empty()
        || !state
            .stores()
            .directory
            .read(|d| d.units.get(draft.resource.ou_id()).is_some())
    {
        return Err(invalid());
    }
    Ok(())
}

/// `Create…`: validated, its unit resolved, its handle free; under the given id or a new one.
pub(crate) fn create<T: Resource>(
    state: &AppState,
    mut draft: Draft<T>,
) -> Result<Draft<T>, MockError> {
    draft.resource.validate()?;
    resolve_unit(state, &mut draft)?;
    if draft.resource.id().is_empty() {
        draft.resource.set_id(crate::ids::uuid_v7(state.now()));
    }
    let resource = draft.resource.clone();
    state.stores().openid4vp.resources.update(|r| {
        let table = T::table_mut(r);
        if table.iter().any(|d| d.handle() == resource.handle()) {
            return Err(MockError::api(T::CODES.already_exists.clone()));
        }
        if table.iter().any(|d| d.id() == resource.id()) {
            // The table's primary key: the server's insert fails.
            return Err(MockError::api(ApiErrorCode::ServerInternal));
        }
        table.push(resource);
        Ok(())
    })?;
    Ok(draft)
}

/// One resource by id.
fn find<T: Resource>(state: &AppState, id: &str) -> Option<T> {
    T::table(&state.stores().openid4vp.resources.current())
        .iter()
        .find(|d| d.id() == id)
        .cloned()
}

/// `Get…`: the resource and its unit's handle.
pub(crate) fn get<T: Resource>(state: &AppState, id: &str) -> Result<(T, String), MockError> {
    let id = id.trim();
    if id.is_empty() {
        return Err(MockError::api(T::CODES.invalid_request.clone()));
    }
    let resource: T = find(state, id).ok_or_else(|| MockError::api(T::CODES.not_found.clone()))?;
    let handle = unit_handle(state, resource.ou_id());
    Ok((resource, handle))
}

/// `List…Summaries`: stored ones, then the declarative ones.
pub(crate) fn list<T: Resource>(state: &AppState) -> Result<Vec<serde_json::Value>, MockError> {
    let declared = state.declared_ids(T::DECLARED);
    let current = state.stores().openid4vp.resources.current();
    let (mut files, stored): (Vec<&T>, Vec<&T>) = T::table(&current)
        .iter()
        .partition(|d| declared.contains(d.id()));
    // The file store lists by id.
    files.sort_by(|a, b| a.id().cmp(b.id()));
    if files.len() + stored.len() > MAX_RECORDS {
        return Err(MockError::api(T::CODES.limit.clone()));
    }
    Ok(stored
        .into_iter()
        .chain(files)
        .map(|d| d.summary(&unit_handle(state, d.ou_id())))
        .collect())
}

/// `Update…`: validated and resolved first, then found, its new handle free, not declarative.
pub(crate) fn update<T: Resource>(
    state: &AppState,
    id: &str,
    mut draft: Draft<T>,
) -> Result<Draft<T>, MockError> {
    let id = id.trim();
    if id.is_empty() {
        return Err(MockError::api(T::CODES.invalid_request.clone()));
    }
    draft.resource.validate()?;
    resolve_unit(state, &mut draft)?;
    let declared = state.is_declarative(T::DECLARED, id);
    draft.resource.set_id(id.to_owned());
    let resource = draft.resource.clone();
    state.stores().openid4vp.resources.update(|r| {
        let table = T::table_mut(r);
        let index = table
            .iter()
            .position(|d| d.id() == id)
            .ok_or_else(|| MockError::api(T::CODES.not_found.clone()))?;
        if table[index].handle() != resource.handle()
            && table.iter().any(|d| d.handle() == resource.handle())
        {
            return Err(MockError::api(T::CODES.already_exists.clone()));
        }
        if declared {
            return Err(MockError::api(T::CODES.immutable.clone()));
        }
        table[index] = resource;
        Ok(())
    })?;
    Ok(draft)
}

/// `Delete…`: an unknown id is already deleted; a declarative one stays.
pub(crate) fn delete<T: Resource>(state: &AppState, id: &str) -> Result<(), MockError> {
    let id = id.trim();
    if id.is_empty() {
        return Err(MockError::api(T::CODES.invalid_request.clone()));
    }
    let declared = state.is_declarative(T::DECLARED, id);
    state.stores().openid4vp.resources.update(|r| {
        let table = T::table_mut(r);
        let Some(index) = table.iter().position(|d| d.id() == id) else {
            return Ok(());
        };
        if declared {
            return Err(MockError::api(T::CODES.immutable.clone()));
        }
        table.remove(index);
        Ok(())
    })
}

/// The ids an export's `["*"]` stands for: the stored ones, in order.
pub(crate) fn stored_ids<T: Resource>(state: &AppState) -> Vec<String> {
    let declared = state.declared_ids(T::DECLARED);
    T::table(&state.stores().openid4vp.resources.current())
        .iter()
        .filter(|d| !declared.contains(d.id()))
        .map(|d| d.id().to_owned())
        .collect()
}

/// Whether a resource with this id exists (an import's dry run).
pub(crate) fn exists<T: Resource>(state: &AppState, id: &str) -> bool {
    find::<T>(state, id).is_some()
}

/// A declarative file's resource (`loadDeclarativeResources`): no unit, an id required, the
/// service's validation, stored under its id and marked read-only by the caller.
pub(crate) fn load_declared<T: Resource>(state: &AppState, mut resource: T) -> Result<(), String> {
    if resource.id().is_empty() {
        return Err(format!("{} ID is required", T::NOUN));
    }
    if let Err(MockError::Api { error, .. }) = resource.validate() {
        return Err(format!(
            "validation failed: {}",
            error.message.default_value.unwrap_or_default()
        ));
    }
    state.stores().openid4vp.resources.update(|r| {
        let table = T::table_mut(r);
        if table
            .iter()
            .any(|d| d.id() == resource.id() || d.handle() == resource.handle())
        {
            return Err(format!("duplicate {} {}", T::NOUN, resource.id()));
        }
        table.push(resource);
        Ok(())
    })
}

/// A management request's body (`DecodeJSONBody`): anything but a JSON object is the kind's
/// invalid-request error.
pub(crate) fn request<T: Resource>(body: &[u8]) -> Result<Draft<T>, MockError> {
    let invalid = || MockError::api(T::CODES.invalid_request.clone());
    let value: serde_json::Value = crate::wire::decode_first_json(body).ok_or_else(invalid)?;
    let value = if value.is_null() {
        serde_json::Value::Object(serde_json::Map::new())
    } else {
        value
    };
    T::decode(&value, Source::Api).map_err(|_| invalid())
}

/// The body of a created or updated resource: what was given, its unit's handle as given.
pub(crate) fn echo<T: Resource>(draft: &Draft<T>) -> serde_json::Value {
    body(&draft.resource, &draft.ou_handle)
}
