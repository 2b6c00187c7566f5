//! The `application` kind of `/import`: the document decoded as the server's YAML model (nulls
//! as Go's zero values), flow and unit handles resolved by the service, then an update by id when
//! upserting, else a create under that id.

use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::applications::Application;

use super::{Outcome, failed, outcome, text};
use crate::error::MockError;
use crate::state::AppState;

/// An `application` document.
pub(super) fn apply(state: &AppState, document: Map<String, Value>, upsert: bool) -> Outcome {
    let id = text(&document, "id");
    let name = text(&document, "name");
    let app: Application = match serde_json::from_value(as_go_reads_it(document)) {
        Ok(app) => app,
        Err(e) => {
            let mut o = outcome("application", id, name, "");
            o.status = "failed";
            o.code = "IMP-1002".into();
            o.message = format!("failed to decode application document: {e}");
            return o;
        }
    };
    // Import drops a secret a public `none` client cannot have.
    let mut app = app;
    for entry in &mut app.profile.inbound_auth_config {
        if let Some(config) = entry.config.as_mut()
            && config.public_client
            && config.token_endpoint_auth_method == "none"
        {
            config.client_secret.clear();
        }
    }
    if upsert && !id.is_empty() {
        match crate::service::applications::update_checked(state, &id, app.clone()) {
            Ok(_) => return outcome("application", id, name, "update"),
            Err(MockError::Api { error, .. })
                if error.code == ApiErrorCode::AppApplicationNotFound => {}
            Err(e) => return failed(outcome("application", id, name, "update"), &e),
        }
    }
    let requested = (!id.is_empty()).then(|| id.clone());
    match crate::service::applications::create_checked(state, app, requested) {
        Ok(created) => outcome("application", created.id, name, "create"),
        Err(e) => failed(outcome("application", id, name, "create"), &e),
    }
}

/// A document with an inbound profile as yaml.v3 decodes it into the server's struct (applications
/// and agents): a null leaves the field at its zero value (`clientSecret:` with nothing after it,
/// as an export writes an empty secret variable), and a scope with no claims (`phone:`) stays as a
/// key with a nil slice.
pub(super) fn as_go_reads_it(mut document: Map<String, Value>) -> Value {
    if let Some(Value::Array(entries)) = document.get_mut("inboundAuthConfig") {
        for entry in entries {
            if let Some(Value::Object(claims)) = entry.pointer_mut("/config/scopeClaims") {
                for value in claims.values_mut().filter(|v| v.is_null()) {
                    *value = Value::Array(Vec::new());
                }
            }
        }
    }
    without_nulls(Value::Object(document))
}

/// `value` without its null object members, recursively.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}
