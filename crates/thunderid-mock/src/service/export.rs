//! `POST /export` (`backend/internal/system/export/`): the resources a request names (`["*"]`:
//! every one of that kind), each written as a declarative document the way the server's exporter
//! writes it, kinds in alphabetical order, every document under a `# File: <name>.yaml` line and
//! joined by `\n---\n`; secrets and redirect URIs as template variables, whose values form the
//! `.env` text. What it writes re-imports through `/import` (with those values as `variables`)
//! or `--resources` to the same state.
//!
//! Where the server's output is not deterministic (Go map iteration: attribute, property and
//! translation keys; the order of `["*"]` organization units), the mock writes keys sorted and
//! units parents first.

mod kinds;
pub(crate) mod node;
mod render;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;

use crate::error::MockError;
use crate::service::access::Caller;
use crate::service::request::GoObject;
use crate::state::AppState;

/// The request's list members and the kinds they name (`ExportRequest`), in the order the
/// exporter processes them: alphabetical by kind.
const KINDS: &[(&str, &str)] = &[
    ("agent", "agents"),
    ("agent_type", "agentTypes"),
    ("application", "applications"),
    ("connection", "connections"),
    ("credential_configuration", "credentialConfigurations"),
    ("flow", "flows"),
    ("group", "groups"),
    ("layout", "layouts"),
    ("organization_unit", "organizationUnits"),
    ("presentation_definition", "presentationDefinitions"),
    ("resource_server", "resourceServers"),
    ("role", "roles"),
    ("server_config", "serverConfigs"),
    ("theme", "themes"),
    ("translation", "translations"),
    ("user", "users"),
    ("user_type", "userTypes"),
];

/// The answer (`JSONExportResponse`).
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct ExportResponse {
    pub(crate) resources: String,
    pub(crate) environment_variables: String,
}

/// One exported file.
#[derive(Debug, Clone)]
pub(crate) struct ExportFile {
    /// Read by `thunderid-mock export --out` (the `cli` feature) for the per-kind directory.
    #[cfg_attr(not(feature = "cli"), allow(dead_code))]
    pub(crate) kind: &'static str,
    pub(crate) file_name: String,
    pub(crate) content: String,
}

/// Everything an export produced: the files in order and the `.env` text.
#[derive(Debug, Clone)]
pub(crate) struct Export {
    pub(crate) files: Vec<ExportFile>,
    pub(crate) env: String,
}

impl Export {
    /// The response body: files joined as the handler's `buildCombinedResources` joins them.
    pub(crate) fn response(&self) -> ExportResponse {
        let resources = self
            .files
            .iter()
            .map(|f| format!("# File: {}\n{}", f.file_name, f.content))
            .collect::<Vec<_>>()
            .join("\n---\n");
        ExportResponse {
            resources,
            environment_variables: self.env.clone(),
        }
    }
}

/// What to export: ids per kind, and the file naming pattern.
#[derive(Debug, Default, Clone)]
pub(crate) struct Selection {
    pub(crate) ids: BTreeMap<&'static str, Vec<String>>,
    pub(crate) naming_pattern: String,
}

impl Selection {
    /// Every resource of every kind.
    #[cfg(feature = "cli")]
    fn everything() -> Self {
        Self {
            ids: KINDS
                .iter()
                .map(|(kind, _)| (*kind, vec!["*".to_owned()]))
                .collect(),
            naming_pattern: String::new(),
        }
    }
}

/// Everything the mock holds, as the system administrator exports it (`thunderid-mock export`).
#[cfg(feature = "cli")]
pub(crate) fn everything(state: &AppState) -> Result<Export, MockError> {
    run(state, &Caller::runtime(), &Selection::everything())
}

/// `POST /export`.
pub(crate) fn export(
    state: &AppState,
    caller: &Caller,
    body: &[u8],
) -> Result<ExportResponse, MockError> {
    let selection =
        decode(body).ok_or_else(|| MockError::api(ApiErrorCode::ExportInvalidRequest))?;
    Ok(run(state, caller, &selection)?.response())
}

/// The request as Go decodes `ExportRequest` (members matched ignoring case, unknown ones
/// ignored); `None` when it does not decode.
fn decode(body: &[u8]) -> Option<Selection> {
    let mut names: Vec<&str> = KINDS.iter().map(|(_, member)| *member).collect();
    names.push("options");
    let request = GoObject::decode(body, &names).ok()?;
    let mut selection = Selection::default();
    for (kind, member) in KINDS {
        let ids = request.strings(member).ok()?;
        if !ids.is_empty() {
            selection.ids.insert(kind, ids);
        }
    }
    let options = request.raw("options").cloned().unwrap_or(Value::Null);
    let options = GoObject::from_value(
        &options,
        &[
            "includeMetadata",
            "includeDependencies",
            "format",
            "folderStructure",
            "pagination",
        ],
    )
    .ok()?;
    options.bool("includeMetadata").ok()?;
    options.bool("includeDependencies").ok()?;
    // Any format: JSON is not implemented and falls back to YAML.
    options.string("format").ok()?;
    let folders = options
        .raw("folderStructure")
        .cloned()
        .unwrap_or(Value::Null);
    let folders = GoObject::from_value(
        &folders,
        &["groupByType", "customStructure", "fileNamingPattern"],
    )
    .ok()?;
    folders.bool("groupByType").ok()?;
    if let Some(custom) = folders.raw("customStructure")
        && !(custom.is_object() && custom.as_object()?.values().all(Value::is_string))
    {
        return None;
    }
    selection.naming_pattern = folders.string("fileNamingPattern").ok()?;
    let pagination = options.raw("pagination").cloned().unwrap_or(Value::Null);
    let pagination = GoObject::from_value(&pagination, &["page", "limit"]).ok()?;
    for member in ["page", "limit"] {
        if let Some(value) = pagination.raw(member)
            && !value.as_f64().is_some_and(|n| n.fract() == 0.0)
        {
            return None;
        }
    }
    Some(selection)
}

/// Export `selection`: EXP-1002 when nothing could be exported.
pub(crate) fn run(
    state: &AppState,
    caller: &Caller,
    selection: &Selection,
) -> Result<Export, MockError> {
    let mut files = Vec::new();
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for (kind, _) in KINDS {
        let Some(requested) = selection.ids.get(kind) else {
            continue;
        };
        let ids = if requested.len() == 1 && requested[0] == "*" {
            let mut ids = kinds::all_ids(state, caller, kind);
            if let Some(declared) = read_only_kind(kind) {
                ids.retain(|id| !state.is_declarative(declared, id));
            }
            ids
        } else {
            requested.clone()
        };
        for id in ids {
            let Some(exported) = kinds::one(state, caller, kind, &id) else {
                continue;
            };
            let prefix_name = allocate(&mut taken, &exported.name);
            let (content, vars) =
                render::parameterized(exported.node, exported.rules.as_ref(), &prefix_name);
            values.extend(vars);
            files.push(ExportFile {
                kind,
                file_name: file_name(&selection.naming_pattern, &exported.name, kind, &id),
                content: format!("resource_type: {kind}\n{content}"),
            });
        }
    }
    if files.is_empty() {
        return Err(crate::service::request::described(
            ApiErrorCode::ExportNoResourcesFound,
            Some("error.exportservice.no_valid_resources_for_export_description"),
            "No valid resources found for export".to_owned(),
        ));
    }
    let names: BTreeSet<String> = files
        .iter()
        .flat_map(|f| render::template_variables(&f.content))
        .collect();
    let env = names
        .into_iter()
        .map(|name| {
            let value = values.get(&name).cloned().unwrap_or_default();
            format!("{name}={value}\n")
        })
        .collect();
    Ok(Export { files, env })
}

/// `varNameAllocator.nameFor`: the resource name, or `name_2`, `name_3`, … when an earlier
/// resource of the request already has its variable prefix.
fn allocate(taken: &mut BTreeSet<String>, name: &str) -> String {
    let mut candidate = name.to_owned();
    for i in 2.. {
        if taken.insert(render::var_prefix(&candidate)) {
            break;
        }
        candidate = format!("{name}_{i}");
    }
    candidate
}

/// `generateFileName`: the naming pattern (`${name}`, `${type}`, `${id}`) or the sanitized name,
/// always `.yaml` (a `json` format has already fallen back to YAML).
fn file_name(pattern: &str, name: &str, kind: &str, id: &str) -> String {
    let base = if pattern.is_empty() {
        sanitize_file_name(name)
    } else {
        pattern
            .replace("${name}", &sanitize_file_name(name))
            .replace("${type}", kind)
            .replace("${id}", id)
    };
    format!("{base}.yaml")
}

/// Spaces as `_`, then only ASCII letters, digits, `-` and `_`; `resource` when nothing is left.
fn sanitize_file_name(name: &str) -> String {
    let out: String = name
        .replace(' ', "_")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if out.is_empty() {
        "resource".to_owned()
    } else {
        out
    }
}

/// The kinds whose `["*"]` leaves out what a declarative file loaded (their exporters list
/// only database-backed resources); flows, groups, connections, themes and layouts keep them.
fn read_only_kind(kind: &str) -> Option<crate::store::declared::Kind> {
    use crate::store::declared::Kind;
    Some(match kind {
        "application" => Kind::Application,
        "agent" => Kind::Agent,
        "user_type" | "agent_type" => Kind::EntityType,
        "organization_unit" => Kind::OrganizationUnit,
        "resource_server" => Kind::ResourceServer,
        "role" => Kind::Role,
        "user" => Kind::User,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_follow_the_sanitizer_and_the_pattern() {
        assert_eq!(
            file_name("", "My App (v2)", "application", "1"),
            "My_App_v2.yaml"
        );
        assert_eq!(file_name("", "été", "application", "1"), "t.yaml");
        assert_eq!(file_name("", "!!", "application", "1"), "resource.yaml");
        assert_eq!(
            file_name("${type}-${name}-${id}", "A b", "role", "r1"),
            "role-A_b-r1.yaml"
        );
    }

    #[test]
    fn colliding_prefixes_get_numbered_names() {
        let mut taken = BTreeSet::new();
        assert_eq!(allocate(&mut taken, "My App"), "My App");
        assert_eq!(allocate(&mut taken, "my-app"), "my-app_2");
        assert_eq!(allocate(&mut taken, "MY_APP"), "MY_APP_3");
    }

    #[test]
    fn requests_decode_as_go_does() {
        assert!(decode(b"").is_none());
        assert!(decode(b"[]").is_none());
        assert!(decode(br#"{"applications": "x"}"#).is_none());
        assert!(decode(br#"{"options": {"format": 1}}"#).is_none());
        let s =
            decode(br#"{"Applications": ["*"], "x": 1, "options": {"format": "json"}}"#).unwrap();
        assert_eq!(s.ids["application"], vec!["*".to_owned()]);
        assert!(decode(b"null").unwrap().ids.is_empty());
    }
}
