//! `GET /flow/meta?type=APP|OU&id=<uuid>[&language][&namespace]`: branding and translations for a
//! sign-in UI, as `backend/internal/flow/flowmeta` builds them.
//!
//! * No `type`: only `i18n`. `id` without `type` is FM-1004; `type` without `id` is FM-1005; an
//!   unknown type is FM-1001.
//! * `type=APP`: the application (404 FM-1002 if unknown), its registration/recovery switches, and
//!   the root organization unit when there is exactly one root.
//! * `type=OU`: the unit (404 FM-1003 if unknown).
//! * Translations are the i18n service's, resolved per key to the best stored language (the
//!   language defaults to `en-US`); a namespace narrows them to one group.
//! * `design` is the application's theme and layout as `GET /design/resolve` gives them.

use serde::Deserialize;
use serde_json::json;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{
    ApplicationMetadata, DesignMetadata, FlowMetadataResponse, I18nMetadata, OuMetadata,
};

use crate::error::MockError;
use crate::state::AppState;
use crate::store::organizations::UnitRecord;

pub(crate) use super::i18n::SYSTEM_LANGUAGE;

/// The query of `GET /flow/meta`.
#[derive(Debug, Deserialize)]
pub(crate) struct MetaQuery {
    #[serde(rename = "type", default)]
    meta_type: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    namespace: String,
}

impl MetaQuery {
    /// `?type=APP&id=<application_id>&language=<language>`.
    pub(crate) fn application(application_id: &str, language: &str) -> Self {
        Self {
            meta_type: "APP".to_owned(),
            id: application_id.to_owned(),
            language: language.to_owned(),
            namespace: String::new(),
        }
    }
}

/// `GET /flow/meta`.
pub(crate) fn flow_meta(
    state: &AppState,
    q: &MetaQuery,
) -> Result<FlowMetadataResponse, MockError> {
    let (meta_type, id) = (q.meta_type.trim(), q.id.trim());
    if !id.is_empty() && meta_type.is_empty() {
        return Err(MockError::api(ApiErrorCode::FlowMetaMissingType));
    }
    if !meta_type.is_empty() && id.is_empty() {
        return Err(MockError::api(ApiErrorCode::FlowMetaMissingId));
    }
    let mut response = texts(state, q.language.trim(), q.namespace.trim());
    let ou_id = match meta_type {
        "" => return Ok(response),
        "APP" => {
            let registry = state.registry();
            let app = registry
                .application(id)
                .ok_or_else(|| MockError::api(ApiErrorCode::FlowMetaApplicationNotFound))?;
            response.is_registration_flow_enabled = app.is_registration_flow_enabled;
            response.is_recovery_flow_enabled = app.is_recovery_flow_enabled;
            response.application = Some(ApplicationMetadata {
                id: app.id.clone(),
                name: app.name.clone(),
                description: app.description.clone(),
                logo_url: app.logo_url.clone(),
                url: app.url.clone(),
                tos_uri: app.tos_uri.clone(),
                policy_uri: app.policy_uri.clone(),
            });
            // The server uses the root unit only when it is the only one.
            state
                .stores()
                .directory
                .read(|d| match d.units.roots().as_slice() {
                    [only] => Some(only.id.clone()),
                    _ => None,
                })
        }
        "OU" => Some(id.to_owned()),
        _ => return Err(MockError::api(ApiErrorCode::FlowMetaInvalidType)),
    };
    if let Some(ou_id) = ou_id {
        let unit = state
            .stores()
            .directory
            .read(|d| d.units.get(&ou_id).map(ou_metadata))
            .ok_or_else(|| MockError::api(ApiErrorCode::FlowMetaOuNotFound))?;
        response.ou = Some(unit);
    }
    // `populateDesignMetadata`: the application's resolved design; units have none yet (the
    // resolver refuses `OU`), and a failure leaves `{}`.
    if meta_type == "APP"
        && let Ok(design) = super::design::resolve(state, meta_type, id)
    {
        let parse = |text: Option<String>| {
            text.and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or_else(|| json!({}))
        };
        response.design.theme = parse(design.theme);
        response.design.layout = parse(design.layout);
    }
    Ok(response)
}

/// The answer without a type: only the translations of `language` (all namespaces when
/// `namespace` is empty).
pub(crate) fn texts(state: &AppState, language: &str, namespace: &str) -> FlowMetadataResponse {
    FlowMetadataResponse {
        is_registration_flow_enabled: false,
        is_recovery_flow_enabled: false,
        application: None,
        ou: None,
        design: DesignMetadata {
            theme: json!({}),
            layout: json!({}),
        },
        i18n: i18n(state, language, namespace),
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

fn ou_metadata(unit: &UnitRecord) -> OuMetadata {
    OuMetadata {
        id: non_empty(&unit.id),
        handle: non_empty(&unit.handle),
        name: non_empty(&unit.name),
        description: non_empty(&unit.description),
        logo_url: unit.settings.logo_url.clone(),
        tos_uri: unit.settings.tos_uri.clone(),
        policy_uri: unit.settings.policy_uri.clone(),
        cookie_policy_uri: unit.settings.cookie_policy_uri.clone(),
    }
}

/// `populateI18nMetadata`: the texts resolved as `GET …/translations/resolve` does; an invalid
/// language or namespace leaves them empty (the server only logs it).
fn i18n(state: &AppState, language: &str, namespace: &str) -> I18nMetadata {
    let language = if language.is_empty() {
        SYSTEM_LANGUAGE
    } else {
        language
    };
    let resolved = super::i18n::resolve(state, language, namespace).ok();
    I18nMetadata {
        languages: Some(super::i18n::languages(state).languages),
        language: resolved
            .as_ref()
            .map_or_else(String::new, |r| r.language.clone()),
        total_results: resolved.as_ref().map_or(0, |r| r.total_results),
        translations: resolved.map(|r| r.translations).unwrap_or_default(),
    }
}
