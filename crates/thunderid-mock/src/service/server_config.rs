//! `/server-config` (`backend/internal/serverconfig/`): the configuration sections, each as its
//! read-only layer, writable layer and merged value. A new value takes effect at once: `cors` for
//! CORS, `flow` for the default flows new applications get, `defaultResourceServer` for the
//! resource permission scopes bind to.

use serde_json::{Value, json};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::FlowType;

use crate::error::MockError;
use crate::state::AppState;
use crate::store::registry::Registry;
use crate::store::server_config::{SECTIONS, ServerConfig};

/// `PUT` bodies larger than this are refused.
const MAX_BODY: usize = 1 << 20;

/// `GET /server-config`: the section names.
pub(crate) fn list() -> Vec<&'static str> {
    SECTIONS.to_vec()
}

fn section(name: &str) -> Result<&'static str, MockError> {
    ServerConfig::section(name)
        .ok_or_else(|| MockError::api(ApiErrorCode::ServerConfigUnsupportedConfigName))
}

/// `GET /server-config/{name}`.
pub(crate) fn get(state: &AppState, name: &str) -> Result<Layers, MockError> {
    let section = section(name)?;
    Ok(layers(state, &state.registry(), section))
}

/// `PUT /server-config/{name}`: the body replaces the writable layer.
pub(crate) fn put(state: &AppState, name: &str, body: &[u8]) -> Result<Layers, MockError> {
    let invalid_request = || MockError::api(ApiErrorCode::ServerConfigInvalidRequestFormat);
    if body.len() > MAX_BODY {
        return Err(invalid_request());
    }
    let value: Value = serde_json::from_slice(body).map_err(|_| invalid_request())?;
    let section = section(name)?;
    set(state, section, value)?;
    Ok(layers(state, &state.registry(), section))
}

/// Validate and set a section's writable layer (the API and `/import`).
pub(crate) fn set(state: &AppState, section: &'static str, value: Value) -> Result<(), MockError> {
    set_layer(state, section, value, false)
}

/// Check a section's value and store it in the writable layer, or (for a declarative file in
/// composite mode) the read-only one, which the API's writes then override.
pub(crate) fn set_layer(
    state: &AppState,
    section: &'static str,
    value: Value,
    read_only: bool,
) -> Result<(), MockError> {
    let invalid = || MockError::api(ApiErrorCode::ServerConfigInvalidConfigValue);
    if !value.is_object() {
        return Err(invalid());
    }
    if section == "defaultResourceServer" {
        let id = match value.get("resourceServerId") {
            None | Some(Value::Null) => None,
            Some(Value::String(id)) => Some(id.clone()).filter(|id| !id.is_empty()),
            Some(_) => return Err(invalid()),
        };
        state.stores().directory.write(|d| {
            if id
                .as_deref()
                .is_some_and(|id| d.resource_servers.get(id).is_none())
            {
                return Err(invalid());
            }
            d.default_resource_server = id;
            Ok(())
        })?;
    }
    state.stores().registry.update(|r| {
        check(r, section, &value).map_err(|()| invalid())?;
        if read_only {
            r.server_config.set_read_only(section, value);
        } else {
            r.server_config.set_writable(section, value);
        }
        Ok(())
    })
}

/// The section's validation: `cors` entries are origins or compilable patterns; `flow` lifetimes
/// are not negative and default handles name flows of their type; `session` values are numbers.
fn check(r: &Registry, section: &str, value: &Value) -> Result<(), ()> {
    match section {
        "cors" => {
            let entries = match value.get("allowedOrigins") {
                None | Some(Value::Null) => return Ok(()),
                Some(Value::Array(entries)) => entries,
                Some(_) => return Err(()),
            };
            let valid = entries.iter().all(|entry| match entry {
                Value::String(origin) => url::Url::parse(origin)
                    .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.path() == "/"),
                other => other
                    .get("regex")
                    .and_then(Value::as_str)
                    .is_some_and(|p| regex::Regex::new(p).is_ok()),
            });
            valid.then_some(()).ok_or(())
        }
        "flow" => {
            let Some(object) = value.as_object() else {
                return Err(());
            };
            for (member, flow_type) in [
                ("authFlow", FlowType::Authentication),
                ("registrationFlow", FlowType::Registration),
                ("userOnboardingFlow", FlowType::UserOnboarding),
                ("recoveryFlow", FlowType::Recovery),
                ("signOutFlow", FlowType::SignOut),
                ("userDeletionFlow", FlowType::Administration),
            ] {
                let Some(entry) = object.get(member) else {
                    continue;
                };
                if entry
                    .get("expirySeconds")
                    .is_some_and(|e| e.as_i64().is_none_or(|e| e < 0))
                {
                    return Err(());
                }
                if let Some(handle) = entry
                    .get("defaultHandle")
                    .and_then(Value::as_str)
                    .filter(|h| !h.is_empty())
                    && r.flow_by_handle(handle, &flow_type).is_none()
                {
                    return Err(());
                }
            }
            Ok(())
        }
        "session" => {
            let numbers = value
                .as_object()
                .is_some_and(|o| o.values().all(|v| v.is_u64() || v.is_null()));
            numbers.then_some(()).ok_or(())
        }
        _ => Ok(()),
    }
}

/// A section's three layers, in the server's field order.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Layers {
    read_only: Value,
    writable: Value,
    merged: Value,
}

/// `{"readOnly", "writable", "merged"}` of a section; an absent `cors` layer is an empty list.
fn layers(state: &AppState, r: &Registry, section: &str) -> Layers {
    let config = &r.server_config;
    if section == "defaultResourceServer" {
        let read_only = state
            .settings()
            .default_resource_server
            .as_ref()
            .map_or_else(|| json!({}), |id| json!({"resourceServerId": id}));
        let writable = config.writable(section).cloned();
        let merged = writable.clone().unwrap_or_else(|| read_only.clone());
        return Layers {
            read_only,
            writable: writable.unwrap_or(Value::Null),
            merged,
        };
    }
    let empty = || {
        if section == "cors" {
            json!({"allowedOrigins": []})
        } else {
            Value::Null
        }
    };
    Layers {
        read_only: config.read_only(section).cloned().unwrap_or_else(empty),
        writable: config.writable(section).cloned().unwrap_or_else(empty),
        merged: config.merged(section),
    }
}
