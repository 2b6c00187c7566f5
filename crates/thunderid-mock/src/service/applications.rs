//! `/applications` (`backend/internal/application/`, `backend/internal/inboundclient/`): the five
//! operations, each check in the server's order ([`validate`]), and the conversion between the API's
//! model and the application the OAuth and flow engines run ([`wire`]). What is created is live on
//! the next request: the registry publishes a new version with it.

mod defaults;
mod oauth;
pub(crate) mod validate;
pub(crate) mod wire;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::applications::{Application, ApplicationListResponse};
use thunderid_protocol::flow::FlowType;

use crate::error::MockError;
use crate::fixtures::MemberKind;
use crate::service::request::FieldRules;
use crate::state::AppState;
use crate::store::declared::Kind as Declared;
use crate::store::directory::Directory;
use crate::store::groups::MemberRef;

use crate::store::registry::Registry;
use validate::Checked;

/// Attributes every user has, whatever its type.
pub(crate) const COMPUTED_ATTRIBUTES: &[&str] =
    &["groups", "roles", "ouId", "ouName", "ouHandle", "userType"];
/// What is being validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Create,
    Update,
}

/// What the checks read besides the request.
pub(crate) struct Context<'a> {
    registry: &'a Registry,
    facts: &'a Facts,
    /// The server's JWT and refresh token lifetimes, for the token defaults.
    validities: (u64, u64),
}

impl<'a> Context<'a> {
    pub(crate) fn new(registry: &'a Registry, facts: &'a Facts, validities: (u64, u64)) -> Self {
        Self {
            registry,
            facts,
            validities,
        }
    }

    pub(crate) fn registry(&self) -> &'a Registry {
        self.registry
    }
}

type UnitFacts = (String, Option<String>, HashMap<FlowType, String>);

fn api(code: ApiErrorCode) -> MockError {
    MockError::api(code)
}

/// What the checks need from the directory, read under its lock before the registry's.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    /// Unit id → (handle, parent, the unit's flow ids by type).
    pub(crate) units: BTreeMap<String, UnitFacts>,
    /// User type name → its non-credential attribute names.
    pub(crate) user_types: BTreeMap<String, Vec<String>>,
    pub(crate) themes: BTreeSet<String>,
    pub(crate) layouts: BTreeSet<String>,
    /// Whether the user-type list fails (more than [`MAX_COMPOSITE_RECORDS`] in the composite
    /// store mode), so `validateAllowedUserTypes`, which pages it, cannot check a client's types.
    pub(crate) user_types_unlisted: bool,
}

impl Facts {
    pub(crate) fn read(d: &Directory) -> Self {
        let units = d
            .units
            .all()
            .into_iter()
            .map(|u| {
                let s = &u.settings;
                let flows = [
                    (FlowType::Authentication, &s.auth_flow_id),
                    (FlowType::Registration, &s.registration_flow_id),
                    (FlowType::Recovery, &s.recovery_flow_id),
                    (FlowType::SignOut, &s.sign_out_flow_id),
                ]
                .into_iter()
                .filter_map(|(t, id)| id.clone().filter(|i| !i.is_empty()).map(|i| (t, i)))
                .collect();
                (u.id.clone(), (u.handle.clone(), u.parent.clone(), flows))
            })
            .collect();
        let user_types = d
            .user_types
            .by_name_order()
            .into_iter()
            .map(|t| {
                let attributes = t
                    .schema
                    .properties()
                    .iter()
                    .filter(|(_, p)| !p.credential)
                    .map(|(name, _)| name.clone())
                    .collect();
                (t.name.clone(), attributes)
            })
            .collect();
        Self {
            units,
            user_types,
            ..Self::default()
        }
    }

    pub(crate) fn unit_exists(&self, id: &str) -> bool {
        self.units.contains_key(id)
    }

    /// A unit by its handle path (`default`, `default/engineering`).
    pub(crate) fn unit_by_handle(&self, path: &str) -> Option<String> {
        let mut parent: Option<String> = None;
        for handle in path.trim_matches('/').split('/') {
            let (id, _) = self
                .units
                .iter()
                .find(|(_, (h, p, _))| h == handle && *p == parent)?;
            parent = Some(id.clone());
        }
        parent
    }

    fn unit_flows(&self, id: &str) -> HashMap<FlowType, String> {
        self.units
            .get(id)
            .map(|(_, _, flows)| flows.clone())
            .unwrap_or_default()
    }
}

/// An APP error with the description the service writes for this case.
fn described(code: ApiErrorCode, key_suffix: &str, text: &str) -> MockError {
    crate::service::request::described(
        code,
        Some(&format!("error.applicationservice.{key_suffix}")),
        text.to_owned(),
    )
}

/// The body as the handler reads it: JSON into the request model (APP-1018), then the struct tags.
fn read(body: &[u8]) -> Result<Application, MockError> {
    let invalid = || MockError::api(ApiErrorCode::AppInvalidRequestFormat);
    let value: Value = crate::wire::decode_first_json(body).ok_or_else(invalid)?;
    // Go decodes only an object (or `null`) into a struct; serde would also take an array.
    let value = match value {
        Value::Null => Value::Object(Default::default()),
        Value::Object(_) => value,
        _ => return Err(invalid()),
    };
    let app: Application = serde_json::from_value(value).map_err(|_| invalid())?;
    let mut rules = FieldRules::default();
    rules.text("name", &app.name, true, Some(100));
    // The server names these fields after their Go fields (their JSON tags carry `omitempty`).
    for (field, value) in [
        ("URL", &app.url),
        ("LogoURL", &app.logo_url),
        ("TosURI", &app.tos_uri),
        ("PolicyURI", &app.policy_uri),
    ] {
        rules.text(field, value, false, Some(2048));
    }
    rules.finish()?;
    Ok(app)
}

pub(crate) use crate::store::declared::MAX_COMPOSITE_RECORDS;
use crate::store::declared::files_last;

/// `GET /applications`: every application, by id. The server's entity and inbound-client stores
/// are composite whatever the store mode, and it lists each under [`MAX_COMPOSITE_RECORDS`]: more
/// than that many applications fail the entity list (500, the provider's system error), and,
/// when there are some, more inbound clients (applications and the agents that have one) than
/// that fail the inbound-client list with APP-1029.
pub(crate) fn list(state: &AppState) -> Result<ApplicationListResponse, MockError> {
    let registry = state.registry();
    let mut apps: Vec<_> = registry.applications().collect();
    if apps.len() > MAX_COMPOSITE_RECORDS {
        return Err(MockError::Internal(anyhow::anyhow!(
            "application entities: result limit exceeded in composite mode"
        )));
    }
    let agent_clients = registry
        .agents
        .all()
        .filter(|a| a.inbound.is_some())
        .count();
    if !apps.is_empty() && apps.len() + agent_clients > MAX_COMPOSITE_RECORDS {
        return Err(MockError::api(ApiErrorCode::AppResultLimitExceeded));
    }
    apps.sort_by(|a, b| a.id.cmp(&b.id));
    let declared = state.declared_ids(Declared::Application);
    files_last(&mut apps, |a| {
        declared.contains(&a.id).then_some(a.id.as_str())
    });
    let applications: Vec<_> = apps
        .into_iter()
        .map(|a| {
            let mut item = wire::summary(&registry, a);
            item.is_read_only = state.is_declarative(Declared::Application, &a.id);
            item
        })
        .collect();
    Ok(ApplicationListResponse {
        total_results: applications.len() as u64,
        count: applications.len() as u64,
        applications,
    })
}

/// `POST /applications`: 201.
pub(crate) fn create(state: &AppState, body: &[u8]) -> Result<Application, MockError> {
    let app = read(body)?;
    create_checked(state, app, None)
}

/// Create `app` (with `id` when an import names one).
pub(crate) fn create_checked(
    state: &AppState,
    mut app: Application,
    id: Option<String>,
) -> Result<Application, MockError> {
    let facts = facts(state);
    let validities = validities(state);
    let id = id.unwrap_or_else(|| crate::ids::uuid_v7(state.now()));
    app.id.clear();
    let checked = state.stores().registry.update(|r| {
        let context = Context {
            registry: r,
            facts: &facts,
            validities,
        };
        let mut checked = validate::check(app, Mode::Create, None, &context)?;
        checked.app.id = id.clone();
        store(r, &checked);
        Ok::<_, MockError>(checked)
    })?;
    Ok(answer(checked, Mode::Create))
}

/// `GET /applications/{id}`.
pub(crate) fn get(state: &AppState, id: &str) -> Result<Application, MockError> {
    let registry = state.registry();
    registry
        .application(id)
        .map(|a| wire::to_wire(&registry, a))
        .ok_or_else(|| MockError::api(ApiErrorCode::AppApplicationNotFound))
}

/// `PUT /applications/{id}`: the whole application replaced.
pub(crate) fn update(state: &AppState, id: &str, body: &[u8]) -> Result<Application, MockError> {
    let app = read(body)?;
    update_checked(state, id, app)
}

/// Update application `id` with `app`.
pub(crate) fn update_checked(
    state: &AppState,
    id: &str,
    mut app: Application,
) -> Result<Application, MockError> {
    // `UpdateApplication` asks the inbound-client store first, before any validation.
    if state.is_declarative(Declared::Application, id) {
        return Err(MockError::api(
            ApiErrorCode::AppCannotModifyDeclarativeResource,
        ));
    }
    let facts = facts(state);
    let validities = validities(state);
    let checked = state.stores().registry.update(|r| {
        let stored = r
            .application(id)
            .cloned()
            .ok_or_else(|| MockError::api(ApiErrorCode::AppApplicationNotFound))?;
        let current = wire::to_wire(r, &stored);
        let secret = stored.oauth.as_ref().and_then(|o| o.client_secret.clone());
        app.id = id.to_owned();
        let context = Context {
            registry: r,
            facts: &facts,
            validities,
        };
        let mut checked = validate::check(
            app,
            Mode::Update,
            Some((&current, secret.as_deref())),
            &context,
        )?;
        checked.app.id = id.to_owned();
        if checked.flow_secret.is_none() {
            checked.app.flow_secret = stored.flow_secret.clone().unwrap_or_default();
        }
        store(r, &checked);
        let fields = |a: &Application| {
            [
                (a.name.clone(), "name"),
                (a.logo_url.clone(), "logo_uri"),
                (a.tos_uri.clone(), "tos_uri"),
                (a.policy_uri.clone(), "policy_uri"),
            ]
        };
        let stale: Vec<&'static str> = fields(&current)
            .into_iter()
            .zip(fields(&checked.app))
            .filter(|((old, _), (new, _))| is_i18n_ref(old) && !is_i18n_ref(new))
            .map(|((_, field), _)| field)
            .collect();
        Ok::<_, MockError>((checked, stale))
    })?;
    let (checked, stale) = checked;
    // `cleanupStaleI18nKeys`: a field that was a `{{t(custom:app.<id>.<field>)}}` reference and is
    // now plain text takes its translations along.
    if !stale.is_empty() {
        state
            .stores()
            .translations
            .update(|t| {
                for field in &stale {
                    t.delete_key("custom", &format!("app.{id}.{field}"));
                }
                Ok::<_, MockError>(())
            })
            .ok();
    }
    Ok(answer(checked, Mode::Update))
}

/// `isI18nRef`: an i18n template reference (`{{t(…)}}`).
fn is_i18n_ref(value: &str) -> bool {
    value.starts_with("{{t(") && value.ends_with(")}}")
}

/// `DELETE /applications/{id}`: idempotent; the application's group memberships and role
/// assignments go first (`CascadeDelete`, from the stored groups and roles only), then the
/// application. A declarative application is refused (APP-1030) after that cascade, as on the
/// server: `DeleteApplication` runs it outside any transaction before the inbound-client store
/// refuses, so the stored memberships stay gone while the application stays.
pub(crate) fn delete(state: &AppState, id: &str) -> Result<(), MockError> {
    strip_stored_memberships(state, &MemberRef::new(MemberKind::App, id));
    if state.is_declarative(Declared::Application, id) {
        return Err(MockError::api(
            ApiErrorCode::AppCannotModifyDeclarativeResource,
        ));
    }
    let removed = state
        .stores()
        .registry
        .update(|r| Ok::<_, MockError>(r.remove_application(id)))
        .ok()
        .flatten();
    if removed.is_some() {
        // The application's localized metadata (`custom`/`app.<id>.<field>`) goes with it.
        state
            .stores()
            .translations
            .update(|t| {
                for field in ["name", "logo_uri", "tos_uri", "policy_uri"] {
                    t.delete_key("custom", &format!("app.{id}.{field}"));
                }
                Ok::<_, MockError>(())
            })
            .ok();
    }
    Ok(())
}

/// The role-assignment and group providers' `CascadeDeleteDependencies` for a deleted
/// application or agent: its memberships and assignments in every group and role but the
/// declarative ones, whose composite stores delete from the database only.
pub(crate) fn strip_stored_memberships(state: &AppState, member: &MemberRef) {
    state.stores().directory.write(|d| d.cascade(member));
}

/// The checks' facts: the directory's, and the stored themes and layouts.
pub(crate) fn facts(state: &AppState) -> Facts {
    let mut facts = state.stores().directory.read(Facts::read);
    facts.user_types_unlisted =
        state.config().read_only_resources && facts.user_types.len() > MAX_COMPOSITE_RECORDS;
    let (themes, layouts) = super::design::ids(state);
    facts.themes = themes.into_iter().collect();
    facts.layouts = layouts.into_iter().collect();
    facts
}

pub(crate) fn validities(state: &AppState) -> (u64, u64) {
    let settings = state.settings();
    (
        settings.jwt.validity_period,
        settings.oauth.refresh_token.validity_period,
    )
}

/// Publish a checked application (and its passkey origins into the `cors` section).
fn store(r: &mut crate::store::registry::Registry, checked: &Checked) {
    let mut app = checked.app.clone();
    if let Some(secret) = &checked.flow_secret {
        app.flow_secret = secret.clone();
    }
    let runtime = wire::from_wire(r, &app);
    r.server_config
        .add_cors_origins(&checked.app.profile.passkey_allowed_origins);
    r.put_application(runtime);
}

/// The create or update answer: the request's flags, the secrets this call set, never a stored
/// secret.
fn answer(checked: Checked, mode: Mode) -> Application {
    let mut app = checked.app;
    app.profile.is_registration_flow_enabled = checked.echoed_flags.0;
    app.profile.is_recovery_flow_enabled = checked.echoed_flags.1;
    app.client_id = app
        .profile
        .inbound_auth_config
        .first()
        .and_then(|e| e.config.as_ref())
        .map(|c| c.client_id.clone())
        .unwrap_or_default();
    app.flow_secret = match mode {
        Mode::Create => checked.flow_secret.unwrap_or_default(),
        Mode::Update => String::new(),
    };
    for entry in &mut app.profile.inbound_auth_config {
        if let Some(config) = entry.config.as_mut() {
            config.client_secret = checked.client_secret.clone().unwrap_or_default();
        }
    }
    if let Some(attestation) = app.profile.attestation.as_mut() {
        wire::strip_attestation_credentials(attestation);
    }
    app
}

/// The applications bound to flow `flow_id` (any of their four flow bindings), as (id, name).
pub(crate) fn bound_to_flow(registry: &Registry, flow_id: &str) -> Vec<(String, String)> {
    registry
        .applications()
        .filter(|app| binds(&wire::to_wire(registry, app), flow_id))
        .map(|app| (app.id.clone(), app.name.clone()))
        .collect()
}

fn binds(app: &Application, flow_id: &str) -> bool {
    [
        &app.profile.auth_flow_id,
        &app.profile.registration_flow_id,
        &app.profile.recovery_flow_id,
        &app.profile.sign_out_flow_id,
    ]
    .iter()
    .any(|bound| bound.as_str() == flow_id)
}

/// `ValidateReferenceUpdate` for a changed flow: every application bound to it still passes its
/// flow checks against `registry` (the version with the change).
pub(crate) fn bound_flow_still_valid(registry: &Registry, flow_id: &str) -> bool {
    registry.applications().all(|app| {
        let app = wire::to_wire(registry, app);
        !binds(&app, flow_id) || validate::check_call_targets(&app, registry).is_ok()
    })
}
