//! Declarative resources loaded at start (`--resources`), as the server loads
//! `config/resources/` (`DR/loader.go`): every `*.yaml`/`*.yml` file of a directory (and of its
//! per-kind subdirectories, where a file without `resource_type` takes its directory's kind), or
//! one file; `{{.NAME}}` filled in from the environment (`{{range .LIST}}` iterates `LIST_0`,
//! `LIST_1`, …); every document applied through `/import`'s pipeline, in its dependency order. A
//! document that fails stops the start, as on the server; a reset applies them all again.
//!
//! As in the server's default composite store mode, what loads this way is read-only: each
//! resource's id goes into `Stores::declared` (flows are marked in the registry, server
//! configuration sections and translations become the read-only layers under the stored ones),
//! and the services refuse to change it.
//! `--mutable-resources` loads them as stored resources instead.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{ORDER, apply, parse, server_config, template, vc};
use crate::service::access::Caller;
use crate::state::AppState;
use crate::store::declared::Kind;

/// The per-kind directories of `config/resources/` and the kind of their files.
const KIND_DIRS: &[(&str, &str)] = &[
    ("applications", "application"),
    ("agents", "agent"),
    ("agent_types", "agent_type"),
    ("connections", "connection"),
    ("flows", "flow"),
    ("groups", "group"),
    ("layouts", "layout"),
    ("organization_units", "organization_unit"),
    ("resource_servers", "resource_server"),
    ("roles", "role"),
    ("server_configs", "server_config"),
    ("themes", "theme"),
    ("translations", "translation"),
    ("user_types", "user_type"),
    ("users", "user"),
    ("presentation_definitions", "presentation_definition"),
    ("credential_configurations", "credential_configuration"),
];

pub(crate) use crate::state::ResourceFile;

/// The per-kind directory a `kind`'s files go in (`resources` for a kind without one).
#[cfg(feature = "cli")]
pub(crate) fn kind_dir(kind: &str) -> &'static str {
    KIND_DIRS
        .iter()
        .find(|(_, k)| *k == kind)
        .map_or("resources", |(dir, _)| dir)
}

/// Read the files under `path` (a file, or a directory as the server lays it out), sorted by
/// path. Files in a per-kind directory get their kind when they do not name one.
pub(crate) fn read(path: &Path) -> Result<Vec<ResourceFile>, String> {
    let read_file = |path: &Path, kind: Option<&str>| -> Result<ResourceFile, String> {
        let mut text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        if let Some(kind) = kind
            && !text
                .lines()
                .any(|l| l.trim_start().starts_with("resource_type:"))
        {
            text = format!("resource_type: {kind}\n{text}");
        }
        Ok((path.to_owned(), text))
    };
    if path.is_file() {
        return Ok(vec![read_file(path, None)?]);
    }
    let yaml_files = |dir: &Path| -> Result<Vec<PathBuf>, String> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("{}: cannot read: {e}", dir.display()))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| e == "yaml" || e == "yml")
            })
            .collect();
        files.sort();
        Ok(files)
    };
    let mut files = Vec::new();
    for file in yaml_files(path)? {
        files.push(read_file(&file, None)?);
    }
    for (dir, kind) in KIND_DIRS {
        let dir = path.join(dir);
        if dir.is_dir() {
            for file in yaml_files(&dir)? {
                files.push(read_file(&file, Some(kind))?);
            }
        }
    }
    Ok(files)
}

/// The environment (with `extra` over it) as template data: each variable by name, and `NAME` as
/// the list of `NAME_0`, `NAME_1`, … up to the first missing or empty one. An `extra` value that
/// is a JSON array of strings (as an export's `.env` writes an array variable) is that list.
fn environment(extra: &[(String, String)]) -> Value {
    let listed = |v: &str| {
        serde_json::from_str::<Vec<String>>(v)
            .ok()
            .map(|items| Value::Array(items.into_iter().map(Value::String).collect()))
    };
    let vars: Map<String, Value> = std::env::vars()
        .map(|(k, v)| (k, Value::String(v)))
        .chain(extra.iter().map(|(k, v)| {
            (
                k.clone(),
                listed(v).unwrap_or_else(|| Value::String(v.clone())),
            )
        }))
        .collect();
    let mut data = vars.clone();
    for name in vars.keys() {
        let Some(list) = name.strip_suffix("_0") else {
            continue;
        };
        let items: Vec<Value> = (0..)
            .map_while(|i| {
                vars.get(&format!("{list}_{i}"))
                    .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
                    .cloned()
            })
            .collect();
        data.entry(list.to_owned()).or_insert(Value::Array(items));
    }
    Value::Object(data)
}

/// Apply `files` to `state`: every document, or the first failure as a message naming its file.
pub(crate) fn load(
    state: &AppState,
    files: &[ResourceFile],
    variables: &[(String, String)],
) -> Result<usize, String> {
    let data = environment(variables);
    let mut documents = Vec::new();
    for (path, text) in files {
        let resolved =
            template::render(text, &data).map_err(|e| format!("{}: {e}", path.display()))?;
        let parsed = parse(&resolved).map_err(|e| format!("{}: {e}", path.display()))?;
        documents.extend(parsed.into_iter().map(|d| (path.clone(), d)));
    }
    documents.sort_by_key(|(_, (kind, _))| ORDER.iter().position(|k| k == kind));
    let caller = Caller::runtime();
    let mut aliases = std::collections::HashMap::new();
    let count = documents.len();
    let read_only = state.config().read_only_resources;
    for (path, (kind, document)) in documents {
        if read_only && kind == "translation" {
            // The file layer under the stored texts, checked as the server's file loader checks.
            crate::service::i18n::declare_file(state, &document)
                .map_err(|e| format!("{}: translation: {e}", path.display()))?;
            continue;
        }
        let outcome = if read_only && kind == "server_config" {
            server_config(state, &document, true)
        } else if read_only && vc::KINDS.contains(&kind.as_str()) {
            // The server's file store: the file's shape, without a unit.
            vc::declared(state, &kind, document)
        } else {
            apply(state, &caller, &kind, document, true, &mut aliases)
        };
        if read_only && outcome.status != "failed" {
            mark(state, &kind, &outcome.resource_id);
        }
        if outcome.status == "failed" {
            return Err(format!(
                "{}: {kind} {}: {} {}",
                path.display(),
                if outcome.resource_name.is_empty() {
                    &outcome.resource_id
                } else {
                    &outcome.resource_name
                },
                outcome.code,
                outcome.message
            ));
        }
    }
    Ok(count)
}

/// Make `kind` `id`, just loaded, read-only. Notification senders stay stored ones: the server's
/// sender service keeps no composite store (only a server in declarative-only mode reads sender
/// files). Translations never reach here: they are the layer under the stored texts.
fn mark(state: &AppState, kind: &str, id: &str) {
    let kind = match kind {
        "application" => Kind::Application,
        "agent" => Kind::Agent,
        "organization_unit" => Kind::OrganizationUnit,
        "user_type" | "agent_type" => Kind::EntityType,
        "role" => {
            // What the file lists is its file store's; the API changes only what is added.
            state.stores().directory.write(|d| {
                if let Some(role) = d.roles.get_mut(id) {
                    role.from_file = role.assignments.clone();
                }
            });
            Kind::Role
        }
        "group" => {
            state.stores().directory.write(|d| {
                if let Some(group) = d.groups.get_mut(id) {
                    group.from_file = group.members.clone();
                }
            });
            Kind::Group
        }
        "resource_server" => Kind::ResourceServer,
        "theme" => Kind::Theme,
        "layout" => Kind::Layout,
        "user" => Kind::User,
        "presentation_definition" => Kind::PresentationDefinition,
        "credential_configuration" => Kind::CredentialConfiguration,
        "connection" if state.stores().connections.current().idps.get(id).is_some() => {
            Kind::IdentityProvider
        }
        "flow" => {
            let _ = state.stores().registry.update(|r| {
                r.make_read_only(id);
                Ok::<_, ()>(())
            });
            return;
        }
        _ => return,
    };
    state
        .stores()
        .declared
        .write(|d| d.insert(kind, id.to_owned()));
}

/// After a reset: the declarative resources again (they loaded at start, so they load again).
pub(crate) fn reload(state: &AppState) {
    let (files, variables) = state.declarative();
    if let Err(e) = load(state, files, variables) {
        tracing::warn!("declarative resources after reset: {e}");
    }
}
