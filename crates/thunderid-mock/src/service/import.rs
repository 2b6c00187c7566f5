//! `POST /import` (`backend/internal/system/importer/`): declarative resource documents (YAML, one
//! `resource_type: <kind>` mapping per document), resolved as a Go template with `variables`,
//! parsed, ordered by dependency, and applied one by one through the same services as the APIs,
//! each with its own outcome. `POST /import/delete` manages declarative files, which the mock does
//! not keep: it answers as a server without a resource directory.

mod application;
pub(crate) mod declarative;
mod identity;
mod template;
mod vc;

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;

use crate::error::MockError;
use crate::service::access::Caller;
use crate::service::request::member_text as text;
use crate::state::AppState;
use crate::store::server_config::ServerConfig;

/// The kinds a document may have (`isKnownResourceType`), in the order they are applied;
/// `server_config` last.
const ORDER: &[&str] = &[
    "organization_unit",
    "user_type",
    "agent_type",
    "resource_server",
    "connection",
    "flow",
    "theme",
    "layout",
    "application",
    "agent",
    "user",
    "group",
    "role",
    "translation",
    "presentation_definition",
    "credential_configuration",
    "server_config",
];

/// The request body.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ImportRequest {
    content: String,
    variables: Map<String, Value>,
    dry_run: bool,
    options: ImportOptions,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ImportOptions {
    upsert: bool,
    continue_on_error: bool,
    target: String,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            upsert: true,
            continue_on_error: true,
            target: "runtime".to_owned(),
        }
    }
}

/// One document's outcome.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Outcome {
    resource_type: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    resource_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    resource_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    operation: String,
    status: &'static str,
    #[serde(skip_serializing_if = "String::is_empty")]
    code: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    message: String,
}

/// The answer (200, even when documents failed).
#[derive(Debug, serde::Serialize)]
pub(crate) struct ImportResponse {
    summary: Summary,
    results: Vec<Outcome>,
}

#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    total_documents: usize,
    imported: usize,
    failed: usize,
    imported_at: String,
}

fn invalid(key: Option<&str>, text: Option<&str>) -> MockError {
    match (key, text) {
        (Some(key), Some(text)) => crate::service::request::described(
            ApiErrorCode::ImportInvalidImportRequest,
            Some(key),
            text.to_owned(),
        ),
        _ => MockError::api(ApiErrorCode::ImportInvalidImportRequest),
    }
}

fn dynamic(code: ApiErrorCode, text: String) -> MockError {
    crate::service::request::described(code, Some("error.import.dynamic"), text)
}

/// `POST /import`.
pub(crate) fn import(
    state: &AppState,
    caller: &Caller,
    body: &[u8],
) -> Result<ImportResponse, MockError> {
    let value: Value = crate::wire::decode_first_json(body).ok_or_else(|| invalid(None, None))?;
    if !value.is_object() {
        return Err(invalid(None, None));
    }
    let request: ImportRequest = serde_json::from_value(value).map_err(|_| invalid(None, None))?;
    if request.content.trim().is_empty() {
        return Err(invalid(
            Some("error.import.emptyContent"),
            Some("import content cannot be empty"),
        ));
    }
    if request.options.target == "file" {
        return Err(invalid(
            Some("error.import.fileTargetNotSupported"),
            Some("file target is not supported; use runtime target"),
        ));
    }
    let resolved = template::render(&request.content, &Value::Object(request.variables))
        .map_err(|text| dynamic(ApiErrorCode::ImportTemplateResolutionFailed, text))?;
    let mut documents =
        parse(&resolved).map_err(|text| dynamic(ApiErrorCode::ImportInvalidYAMLContent, text))?;
    documents.sort_by_key(|(kind, _)| ORDER.iter().position(|k| k == kind));
    let total = documents.len();
    let mut results = Vec::with_capacity(total);
    // A flow imported under another id (its handle was taken) is named by that id afterwards.
    let mut aliases: HashMap<String, String> = HashMap::new();
    for (kind, document) in documents {
        let outcome = if request.dry_run {
            dry_run(state, &kind, &document, request.options.upsert)
        } else {
            apply(
                state,
                caller,
                &kind,
                document,
                request.options.upsert,
                &mut aliases,
            )
        };
        let failed = outcome.status == "failed";
        results.push(outcome);
        if failed && !request.options.continue_on_error {
            break;
        }
    }
    let failed = results.iter().filter(|o| o.status == "failed").count();
    Ok(ImportResponse {
        summary: Summary {
            total_documents: total,
            imported: results.len() - failed,
            failed,
            imported_at: rfc3339_nanos(state.now()),
        },
        results,
    })
}

/// `POST /import/delete`: the mock keeps no declarative files.
pub(crate) fn delete(body: &[u8]) -> Result<Value, MockError> {
    let request: Map<String, Value> =
        crate::wire::decode_first_json(body).ok_or_else(|| invalid(None, None))?;
    let field = |name: &str| {
        request
            .get(name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
    };
    let (Some(kind), Some(_)) = (field("resourceType"), field("resourceKey")) else {
        return Err(invalid(
            Some("error.import.missingDeleteFields"),
            Some("resourceType and resourceKey are required"),
        ));
    };
    const FILE_KINDS: &[&str] = &[
        "application",
        "connection",
        "flow",
        "organization_unit",
        "user_type",
        "role",
        "resource_server",
        "theme",
        "layout",
        "user",
        "translation",
    ];
    if !FILE_KINDS.contains(&kind) {
        return Err(invalid(
            Some("error.import.unsupportedResourceType"),
            Some("unsupported resource type for declarative file management"),
        ));
    }
    Err(invalid(
        Some("error.import.delete.dirNotFound"),
        Some("resource directory not found"),
    ))
}

/// A document and its kind.
pub(crate) type Document = (String, Map<String, Value>);

/// The documents of a multi-document YAML text, each with its kind; empty documents are skipped.
pub(crate) fn parse(text: &str) -> Result<Vec<Document>, String> {
    let mut documents = Vec::new();
    for (index, document) in serde_norway::Deserializer::from_str(text).enumerate() {
        let value = Value::deserialize(document)
            .map_err(|e| format!("failed to parse YAML document: {e}"))?;
        let number = index + 1;
        let object = match value {
            Value::Null => continue,
            Value::Object(object) => object,
            _ => return Err(format!("document {number} root must be a YAML mapping")),
        };
        let kind = object
            .get("resource_type")
            .and_then(Value::as_str)
            .filter(|k| ORDER.contains(k))
            .ok_or_else(|| format!("unable to determine resource type for document {number}"))?
            .to_owned();
        documents.push((kind, object));
    }
    Ok(documents)
}

fn outcome(kind: &str, id: String, name: String, operation: &str) -> Outcome {
    Outcome {
        resource_type: kind.to_owned(),
        resource_id: id,
        resource_name: name,
        operation: operation.to_owned(),
        status: "success",
        code: String::new(),
        message: String::new(),
    }
}

fn failed(mut outcome: Outcome, error: &MockError) -> Outcome {
    outcome.status = "failed";
    if let MockError::Api { error, .. } | MockError::ApiWithStatus { error, .. } = error {
        outcome.code = error.code.as_str().to_owned();
        outcome.message = error.message.default_value.clone().unwrap_or_default();
    } else if let MockError::FieldValidation(_) = error {
        outcome.code = "INVALID_INPUT_METADATA".to_owned();
        outcome.message = "Validation Failed".to_owned();
    } else {
        outcome.code = "SSE-5000".to_owned();
        outcome.message = "Internal server error".to_owned();
    }
    outcome
}

/// Apply one document.
fn apply(
    state: &AppState,
    caller: &Caller,
    kind: &str,
    mut document: Map<String, Value>,
    upsert: bool,
    aliases: &mut HashMap<String, String>,
) -> Outcome {
    document.remove("resource_type");
    match kind {
        "application" => {
            for binding in [
                "authFlowId",
                "registrationFlowId",
                "recoveryFlowId",
                "signOutFlowId",
            ] {
                if let Some(Value::String(id)) = document.get_mut(binding)
                    && let Some(alias) = aliases.get(id.as_str())
                {
                    id.clone_from(alias);
                }
            }
            application::apply(state, document, upsert)
        }
        "flow" => flow(state, document, upsert, aliases),
        kind if identity::KINDS.contains(&kind) => {
            identity::apply(state, caller, kind, document, upsert)
        }
        "server_config" => server_config(state, &document, false),
        "translation" => translation(state, document),
        "connection" => connection(state, &document, upsert),
        "theme" => design(state, super::design::Kind::Theme, document, upsert),
        "layout" => design(state, super::design::Kind::Layout, document, upsert),
        kind if vc::KINDS.contains(&kind) => vc::apply(state, kind, document, upsert),
        other => {
            let id = text(&document, "id");
            let name = text(&document, "name");
            let error = MockError::api(ApiErrorCode::ImportAdapterNotConfigured);
            failed(outcome(other, id, name, "create"), &error)
        }
    }
}

fn flow(
    state: &AppState,
    document: Map<String, Value>,
    upsert: bool,
    aliases: &mut HashMap<String, String>,
) -> Outcome {
    let id = text(&document, "id");
    let name = text(&document, "name");
    match super::flows::import(state, &Value::Object(document), upsert) {
        Ok((flow, operation)) => {
            if !id.is_empty() && flow.id != id {
                aliases.insert(id, flow.id.clone());
            }
            outcome("flow", flow.id, name, operation)
        }
        Err(e) => {
            let operation = if upsert && !id.is_empty() && state.registry().flow(&id).is_some() {
                "update"
            } else {
                "create"
            };
            failed(outcome("flow", id, name, operation), &e)
        }
    }
}

/// A `server_config` document: the section's writable layer, or its read-only one when a
/// declarative file sets it (`defaultResourceServer` is the directory's, always written).
fn server_config(state: &AppState, document: &Map<String, Value>, read_only: bool) -> Outcome {
    let name = text(document, "name");
    let mut o = outcome("server_config", name.clone(), name.clone(), "update");
    if name.is_empty() {
        o.status = "failed";
        o.code = "IMP-1002".into();
        o.message = "server config name is required".into();
        return o;
    }
    let Some(value) = document.get("value").cloned() else {
        o.status = "failed";
        o.code = "IMP-1002".into();
        o.message = "server config value is required".into();
        return o;
    };
    let Some(section) = ServerConfig::section(&name) else {
        return failed(
            o,
            &MockError::api(ApiErrorCode::ServerConfigUnsupportedConfigName),
        );
    };
    let read_only = read_only && section != "defaultResourceServer";
    match super::server_config::set_layer(state, section, value, read_only) {
        Ok(()) => o,
        Err(e) => failed(o, &e),
    }
}

/// A `connection` document (vendor in `type`): the IdP or sender service's upsert.
fn connection(state: &AppState, document: &Map<String, Value>, upsert: bool) -> Outcome {
    match super::connections::import(state, document, upsert) {
        Ok((id, name, operation, Ok(()))) => outcome("connection", id, name, operation),
        Ok((id, name, operation, Err(e))) => failed(outcome("connection", id, name, operation), &e),
        Err(message) => {
            let mut o = outcome("connection", String::new(), String::new(), "");
            o.status = "failed";
            o.code = "IMP-1002".into();
            o.message = format!("failed to decode connection document: {message}");
            o
        }
    }
}

/// A `theme` or `layout` document (`id`, `handle`, `displayName`, `description` and the document,
/// written as Go marshals it): updated by id when upserting, else (or when absent) created.
fn design(
    state: &AppState,
    kind: super::design::Kind,
    document: Map<String, Value>,
    upsert: bool,
) -> Outcome {
    let (member, id, name) = (
        kind.member(),
        text(&document, "id"),
        text(&document, "displayName"),
    );
    let field = |n: &str| match document.get(n) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(format!(
            "failed to decode {member} document: {n} is {other}"
        )),
    };
    let request = (|| {
        Ok::<_, String>(super::design::DesignRequest {
            handle: field("handle")?,
            display_name: field("displayName")?,
            description: field("description")?,
            document: Some(
                document
                    .get(member)
                    .cloned()
                    .unwrap_or(Value::Null)
                    .to_string(),
            ),
        })
    })();
    let request = match request {
        Ok(request) => request,
        Err(message) => {
            let mut o = outcome(member, id, name, "");
            o.status = "failed";
            o.code = "IMP-1002".into();
            o.message = message;
            return o;
        }
    };
    if upsert && !id.is_empty() {
        match super::design::update_record(state, kind, &id, request.clone()) {
            Ok(r) => return outcome(member, r.id, r.display_name, "update"),
            Err(MockError::Api { error, .. })
                if matches!(
                    error.code,
                    ApiErrorCode::ThemeThemeNotFound | ApiErrorCode::LayoutLayoutNotFound
                ) => {}
            Err(e) => return failed(outcome(member, id, name, "update"), &e),
        }
    }
    let requested = (!id.is_empty()).then(|| id.clone());
    match super::design::create_with_id(state, kind, requested, request) {
        Ok(r) => outcome(member, r.id, r.display_name, "create"),
        Err(e) => failed(outcome(member, id, name, "create"), &e),
    }
}

/// A `translation` document (`language`, `translations`): replaces every stored text of the
/// language, as `POST /i18n/languages/{language}/translations` does.
fn translation(state: &AppState, document: Map<String, Value>) -> Outcome {
    #[derive(Deserialize)]
    struct Document {
        #[serde(default)]
        language: String,
        #[serde(default)]
        translations: Option<thunderid_protocol::i18n::TranslationTable>,
    }
    let decoded: Document = match serde_json::from_value(Value::Object(document)) {
        Ok(decoded) => decoded,
        Err(e) => {
            let mut o = outcome("translation", String::new(), String::new(), "");
            o.status = "failed";
            o.code = "IMP-1002".into();
            o.message = format!("failed to decode translation document: {e}");
            return o;
        }
    };
    let o = outcome(
        "translation",
        String::new(),
        decoded.language.clone(),
        "update",
    );
    let translations = decoded.translations.unwrap_or_default();
    match super::i18n::replace_language(state, &decoded.language, translations) {
        Ok(_) => o,
        Err(e) => failed(o, &e),
    }
}

/// Dry run: what each document would do, without validating or writing.
fn dry_run(state: &AppState, kind: &str, document: &Map<String, Value>, upsert: bool) -> Outcome {
    let id = text(document, "id");
    let name = text(
        document,
        match kind {
            "translation" => "language",
            "theme" | "layout" => "displayName",
            _ => "name",
        },
    );
    if matches!(kind, "translation" | "server_config") {
        return outcome(kind, id, name, "update");
    }
    if vc::KINDS.contains(&kind) {
        return vc::dry_run(state, kind, document, upsert);
    }
    let exists = match kind {
        "application" => state.registry().application(&id).is_some(),
        "flow" => super::flows::exists(state, &Value::Object(document.clone())),
        "connection" => match super::connections::exists(state, document) {
            Ok(exists) => exists,
            Err(message) => {
                let mut o = outcome("connection", String::new(), String::new(), "");
                o.status = "failed";
                o.code = "IMP-1002".into();
                o.message = format!("failed to decode connection document: {message}");
                return o;
            }
        },
        kind if identity::KINDS.contains(&kind) => identity::exists(state, kind, &id),
        "theme" | "layout" => {
            let designs = state.stores().designs.current();
            let catalogue = if kind == "theme" {
                &designs.themes
            } else {
                &designs.layouts
            };
            catalogue.get(&id).is_some()
        }
        _ => false,
    };
    let operation = if upsert && !id.is_empty() && exists {
        "update"
    } else {
        "create"
    };
    outcome(kind, id, name, operation)
}

/// Go's RFC 3339 with nanoseconds (`time.RFC3339Nano`), UTC, for whole seconds.
fn rfc3339_nanos(seconds: u64) -> String {
    crate::store::organizations::rfc3339(seconds)
}
