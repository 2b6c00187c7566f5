//! An application request checked in the server's order (`APP/service.go`, `IC/service.go`) and
//! completed with the server's defaults, ready to store.

use std::collections::{BTreeMap, BTreeSet};

use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::applications::{Application, LoginConsentConfig};
use thunderid_protocol::flow::{FlowDefinition, FlowType, NodeType};

use super::{COMPUTED_ATTRIBUTES, Context, Facts, Mode, defaults, oauth};
use crate::error::MockError;
use crate::store::registry::Registry;

const APP_TYPES: &[&str] = &["browser", "fullstack", "mobile", "m2m", "mcp", "custom"];

/// A checked, completed application: what to store, and the secrets this call set.
#[derive(Debug, Clone)]
pub(super) struct Checked {
    pub app: Application,
    /// The request's registration/recovery flags (the answer echoes them even when storage turned
    /// them off).
    pub echoed_flags: (bool, bool),
    pub client_secret: Option<String>,
    pub flow_secret: Option<String>,
}

fn api(code: ApiErrorCode) -> MockError {
    MockError::api(code)
}

/// Every check of create (`CreateApplication`) or update (`UpdateApplication` after the lookup),
/// in order, then the defaults. `current` is the stored application on update.
pub(super) fn check(
    mut app: Application,
    mode: Mode,
    current: Option<(&Application, Option<&str>)>,
    context: &Context<'_>,
) -> Result<Checked, MockError> {
    let (registry, facts) = (context.registry, context.facts);
    let current_secret = current.and_then(|(_, secret)| secret);
    let current = current.map(|(app, _)| app);
    if app.name.trim().is_empty() {
        return Err(api(ApiErrorCode::AppInvalidApplicationName));
    }
    // The entity index holds agents' names too.
    let name_taken = registry
        .applications()
        .any(|a| a.name == app.name && Some(a.id.as_str()) != current.map(|c| c.id.as_str()))
        || registry.agents.name_taken(&app.name, None);
    if name_taken {
        return Err(api(ApiErrorCode::AppApplicationAlreadyExistsWithName));
    }
    // Only `oauth2` entries with a config count (the handler drops the others).
    app.profile
        .inbound_auth_config
        .retain(|entry| entry.config_type == "oauth2" && entry.config.is_some());
    if app.profile.inbound_auth_config.len() > 1 {
        return Err(api(match mode {
            Mode::Create => ApiErrorCode::AppInvalidInboundAuthConfig,
            Mode::Update => ApiErrorCode::AppMultipleOAuthConfigs,
        }));
    }
    let (echo_registration, echo_recovery) = (
        app.profile.is_registration_flow_enabled,
        app.profile.is_recovery_flow_enabled,
    );
    if mode == Mode::Update
        && let Some(current) = current
    {
        if !app.app_type.is_empty() && app.app_type != current.app_type {
            return Err(api(ApiErrorCode::AppApplicationTypeImmutable));
        }
        if app.app_type.is_empty() {
            app.app_type = current.app_type.clone();
        }
    }
    let mut client_secret = None;
    if let Some(config) = app
        .profile
        .inbound_auth_config
        .first_mut()
        .and_then(|e| e.config.as_mut())
    {
        client_secret = oauth::parameters(config, registry, current, current_secret)?;
    }
    // The unit: by id, else (import) by handle.
    if app.organization_unit_id.is_empty() && !app.organization_unit_handle.is_empty() {
        app.organization_unit_id = facts
            .unit_by_handle(&app.organization_unit_handle)
            .ok_or_else(|| api(ApiErrorCode::AppInvalidRequestFormat))?;
    }
    app.organization_unit_handle.clear();
    if app.organization_unit_id.is_empty() || !facts.unit_exists(&app.organization_unit_id) {
        return Err(api(ApiErrorCode::AppInvalidRequestFormat));
    }
    check_urls(&app)?;
    if !app.app_type.is_empty() && !APP_TYPES.contains(&app.app_type.as_str()) {
        return Err(api(ApiErrorCode::AppInvalidApplicationType));
    }
    let consent = app
        .profile
        .login_consent
        .get_or_insert_with(LoginConsentConfig::default);
    consent.validity_period = consent.validity_period.max(0);
    if app
        .profile
        .attestation
        .as_ref()
        .is_some_and(|a| a.get("android").is_some() && a.get("apple").is_some())
    {
        return Err(api(ApiErrorCode::AppAmbiguousAttestationConfig));
    }
    if app.app_type.is_empty() {
        return Err(api(ApiErrorCode::AppApplicationTypeRequired));
    }
    check_inbound(&mut app, mode, context)?;
    let flow_secret = defaults::flow_secret(&mut app, mode);
    Ok(Checked {
        app,
        echoed_flags: (echo_registration, echo_recovery),
        client_secret,
        flow_secret,
    })
}

/// `IsValidLogoURI`: `http(s)` with a host, a `data`/`blob`/`emoji`/`avatar` URI, or a path.
pub(crate) fn valid_logo_url(logo: &str) -> bool {
    match url::Url::parse(logo) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u.host_str().is_some(),
        Ok(u) => matches!(u.scheme(), "data" | "blob" | "emoji" | "avatar"),
        Err(_) => logo.starts_with('/'),
    }
}

/// Steps 14–17 and the defaults: the inbound client's part (`IC/service.go`), which agents share
/// (their service maps the codes to its own).
pub(crate) fn check_inbound(
    app: &mut Application,
    mode: Mode,
    context: &Context<'_>,
) -> Result<(), MockError> {
    let (registry, facts) = (context.registry, context.facts);
    resolve_flows(app, mode, registry, facts)?;
    check_references(app, registry, facts)?;
    check_user_attributes(app, mode, facts)?;
    if let Some(config) = app
        .profile
        .inbound_auth_config
        .first_mut()
        .and_then(|e| e.config.as_mut())
    {
        oauth::check_profile(config)?;
    }
    defaults::apply(app, mode, facts, context.validities);
    Ok(())
}

/// Step 8: `url`, `logoUrl`, `tosUri`, `policyUri`.
fn check_urls(app: &Application) -> Result<(), MockError> {
    let absolute = |text: &str| {
        url::Url::parse(text).is_ok_and(|u| !u.scheme().is_empty() && u.host_str().is_some())
    };
    if !app.url.is_empty() && !absolute(&app.url) {
        return Err(api(ApiErrorCode::AppInvalidApplicationURL));
    }
    if !app.logo_url.is_empty() && !valid_logo_url(&app.logo_url) {
        return Err(api(ApiErrorCode::AppInvalidLogoURL));
    }
    if !app.tos_uri.is_empty() && !absolute(&app.tos_uri) {
        return Err(api(ApiErrorCode::AppInvalidTosURI));
    }
    if !app.policy_uri.is_empty() && !absolute(&app.policy_uri) {
        return Err(api(ApiErrorCode::AppInvalidPolicyURI));
    }
    Ok(())
}

/// Step 14: flow bindings (`resolveFlowDefaults`): handles (import only) to ids, then each empty
/// binding from the unit's flows and the server's default handles.
fn resolve_flows(
    app: &mut Application,
    mode: Mode,
    registry: &Registry,
    facts: &Facts,
) -> Result<(), MockError> {
    let by_handle = |handle: &str, flow_type: &FlowType| {
        registry
            .flow_by_handle(handle, flow_type)
            .map(|f| f.id.as_str().to_owned())
    };
    for (id, handle, flow_type) in [
        (
            &mut app.profile.auth_flow_id,
            &mut app.profile.auth_flow_handle,
            FlowType::Authentication,
        ),
        (
            &mut app.profile.registration_flow_id,
            &mut app.profile.registration_flow_handle,
            FlowType::Registration,
        ),
        (
            &mut app.profile.recovery_flow_id,
            &mut app.profile.recovery_flow_handle,
            FlowType::Recovery,
        ),
        (
            &mut app.profile.sign_out_flow_id,
            &mut app.profile.sign_out_flow_handle,
            FlowType::SignOut,
        ),
    ] {
        if id.is_empty() && !handle.is_empty() {
            *id = by_handle(handle, &flow_type)
                .ok_or_else(|| api(ApiErrorCode::AppInvalidRequestFormat))?;
        }
        handle.clear();
    }
    if !app.profile.is_registration_flow_enabled {
        app.profile.registration_flow_id.clear();
    }
    if !app.profile.is_recovery_flow_enabled {
        app.profile.recovery_flow_id.clear();
    }
    let unit = facts.unit_flows(&app.organization_unit_id);
    let server_default = |flow_type: &FlowType| {
        registry
            .server_config
            .default_flow_handle(flow_type)
            .and_then(|handle| by_handle(&handle, flow_type))
    };
    if app.profile.auth_flow_id.is_empty() {
        let from_unit = (mode == Mode::Update)
            .then(|| unit.get(&FlowType::Authentication).cloned())
            .flatten();
        app.profile.auth_flow_id = from_unit
            .or_else(|| server_default(&FlowType::Authentication))
            .ok_or_else(|| api(ApiErrorCode::AppWhileRetrievingFlowDefinition))?;
    }
    if app.profile.is_registration_flow_enabled && app.profile.registration_flow_id.is_empty() {
        app.profile.registration_flow_id = unit
            .get(&FlowType::Registration)
            .cloned()
            .or_else(|| server_default(&FlowType::Registration))
            .unwrap_or_default();
        app.profile.is_registration_flow_enabled = !app.profile.registration_flow_id.is_empty();
    }
    if app.profile.is_recovery_flow_enabled && app.profile.recovery_flow_id.is_empty() {
        app.profile.recovery_flow_id = unit
            .get(&FlowType::Recovery)
            .cloned()
            .or_else(|| server_default(&FlowType::Recovery))
            .unwrap_or_default();
        app.profile.is_recovery_flow_enabled = !app.profile.recovery_flow_id.is_empty();
    }
    if app.profile.sign_out_flow_id.is_empty() {
        app.profile.sign_out_flow_id = unit
            .get(&FlowType::SignOut)
            .cloned()
            .or_else(|| server_default(&FlowType::SignOut))
            .unwrap_or_default();
    }
    Ok(())
}

/// Step 15: the bound flows exist with their types, agree with the flows they call, and the
/// theme, layout and user types exist.
fn check_references(
    app: &Application,
    registry: &Registry,
    facts: &Facts,
) -> Result<(), MockError> {
    let bindings = [
        (
            &app.profile.auth_flow_id,
            FlowType::Authentication,
            ApiErrorCode::AppInvalidAuthFlowID,
        ),
        (
            &app.profile.registration_flow_id,
            FlowType::Registration,
            ApiErrorCode::AppInvalidRegistrationFlowID,
        ),
        (
            &app.profile.recovery_flow_id,
            FlowType::Recovery,
            ApiErrorCode::AppInvalidRecoveryFlowID,
        ),
    ];
    for (id, flow_type, code) in &bindings {
        if !id.is_empty() && registry.flow(id).is_none_or(|f| &f.flow_type != flow_type) {
            return Err(api(code.clone()));
        }
    }
    if !app.profile.sign_out_flow_id.is_empty()
        && registry
            .flow(&app.profile.sign_out_flow_id)
            .is_none_or(|f| f.flow_type != FlowType::SignOut)
    {
        // The server has no mapping for this one: a 500.
        return Err(MockError::Internal(anyhow::anyhow!(
            "sign-out flow {} is not a SIGNOUT flow",
            app.profile.sign_out_flow_id
        )));
    }
    check_call_targets(app, registry)?;
    if !app.profile.theme_id.is_empty() && !facts.themes.contains(&app.profile.theme_id) {
        return Err(api(ApiErrorCode::AppThemeNotFound));
    }
    if !app.profile.layout_id.is_empty() && !facts.layouts.contains(&app.profile.layout_id) {
        return Err(api(ApiErrorCode::AppLayoutNotFound));
    }
    if !app.profile.allowed_user_types.is_empty() && facts.user_types_unlisted {
        // `ErrUserSchemaLookupFailed`, which the services answer with a 500.
        return Err(MockError::Internal(anyhow::anyhow!(
            "user types: result limit exceeded in composite mode"
        )));
    }
    if app
        .profile
        .allowed_user_types
        .iter()
        .any(|t| !facts.user_types.contains_key(t))
    {
        return Err(api(ApiErrorCode::AppInvalidUserType));
    }
    Ok(())
}

/// `walkReferencedFlows`: every flow a bound flow reaches through CALL nodes, of another type than
/// the bound flow, must be the application's binding for that type when it has one (APP-1039).
pub(super) fn check_call_targets(app: &Application, registry: &Registry) -> Result<(), MockError> {
    let binding = |flow_type: &FlowType| match flow_type {
        FlowType::Authentication => Some(&app.profile.auth_flow_id),
        FlowType::Registration => Some(&app.profile.registration_flow_id),
        FlowType::Recovery => Some(&app.profile.recovery_flow_id),
        FlowType::SignOut => Some(&app.profile.sign_out_flow_id),
        _ => None,
    };
    for root in [
        &app.profile.auth_flow_id,
        &app.profile.registration_flow_id,
        &app.profile.recovery_flow_id,
        &app.profile.sign_out_flow_id,
    ] {
        let Some(flow) = registry.flow(root) else {
            continue;
        };
        let mut seen: BTreeSet<String> = BTreeSet::from([flow.id.as_str().to_owned()]);
        let mut frontier: Vec<&FlowDefinition> = vec![flow];
        while let Some(current) = frontier.pop() {
            for target in call_targets(current) {
                if !seen.insert(target.clone()) {
                    continue;
                }
                let Some(called) = registry.flow(&target) else {
                    continue;
                };
                if called.flow_type != flow.flow_type
                    && let Some(bound) = binding(&called.flow_type)
                    && !bound.is_empty()
                    && bound.as_str() != called.id.as_str()
                {
                    return Err(flow_mismatch(&flow.flow_type, &called.flow_type));
                }
                frontier.push(called);
            }
        }
    }
    Ok(())
}

fn call_targets(flow: &FlowDefinition) -> Vec<String> {
    flow.nodes
        .iter()
        .filter(|n| n.node_type == NodeType::Call)
        .filter_map(|n| n.flow.as_ref().map(|f| f.reference.as_str().to_owned()))
        .collect()
}

fn flow_mismatch(source: &FlowType, target: &FlowType) -> MockError {
    let (source, target) = (
        source.as_str().to_lowercase(),
        target.as_str().to_lowercase(),
    );
    let params: BTreeMap<String, String> = [
        ("sourceFlowType".to_owned(), source.clone()),
        ("flowType".to_owned(), target.clone()),
    ]
    .into();
    let mut error = ApiErrorCode::AppApplicationFlowMismatch
        .to_error()
        .with_params(params);
    error.description.default_value = Some(format!(
        "The {source} flow references a different {target} flow than the one configured on the \
         application. Both must point to the same {target} flow."
    ));
    MockError::api_error(error)
}

/// Step 16: every listed user attribute is one an allowed user type declares (not a credential),
/// or computed. Create refuses (APP-1035); update drops the others.
fn check_user_attributes(
    app: &mut Application,
    mode: Mode,
    facts: &Facts,
) -> Result<(), MockError> {
    if app.profile.allowed_user_types.is_empty() {
        return Ok(());
    }
    let declared: BTreeSet<&str> = app
        .profile
        .allowed_user_types
        .iter()
        .filter_map(|t| facts.user_types.get(t))
        .flatten()
        .map(String::as_str)
        .chain(COMPUTED_ATTRIBUTES.iter().copied())
        .collect();
    let ok = |a: &String| declared.contains(a.as_str());
    let mut lists: Vec<&mut Vec<String>> = Vec::new();
    if let Some(assertion) = app.profile.assertion.as_mut() {
        lists.push(&mut assertion.user_attributes);
    }
    if let Some(config) = app
        .profile
        .inbound_auth_config
        .first_mut()
        .and_then(|e| e.config.as_mut())
    {
        let token = config.token.as_mut();
        if let Some(token) = token {
            if let Some(user) = token
                .access_token
                .as_mut()
                .and_then(|a| a.user_config.as_mut())
            {
                lists.push(&mut user.attributes);
            }
            if let Some(id) = token.id_token.as_mut() {
                lists.push(&mut id.user_attributes);
            }
        }
        if let Some(info) = config.user_info.as_mut() {
            lists.push(&mut info.user_attributes);
        }
    }
    for list in lists {
        match mode {
            Mode::Create if !list.iter().all(ok) => {
                return Err(api(ApiErrorCode::AppInvalidUserAttribute));
            }
            Mode::Create => {}
            Mode::Update => list.retain(ok),
        }
    }
    Ok(())
}
