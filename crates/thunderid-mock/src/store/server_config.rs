//! Server configuration sections (`backend/internal/serverconfig/`): `cors`, `session`, `flow` and
//! `csp` live here, each as a read-only layer (the fixture files) and a writable layer (set over the
//! API or by `/import`), merged per section. `defaultResourceServer` is the directory's (it names a
//! directory entity); the service joins the two.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use thunderid_protocol::flow::FlowType;

use crate::fixtures::Fixtures;

/// The sections, in the server's order.
pub(crate) const SECTIONS: [&str; 5] = ["cors", "defaultResourceServer", "session", "flow", "csp"];

/// The flow section's members, by flow type.
const FLOW_MEMBERS: [(&str, FlowType); 6] = [
    ("authFlow", FlowType::Authentication),
    ("registrationFlow", FlowType::Registration),
    ("userOnboardingFlow", FlowType::UserOnboarding),
    ("recoveryFlow", FlowType::Recovery),
    ("signOutFlow", FlowType::SignOut),
    ("userDeletionFlow", FlowType::Administration),
];

/// The configuration sections this store holds.
#[derive(Debug, Clone, Default)]
pub(crate) struct ServerConfig {
    read_only: BTreeMap<&'static str, Value>,
    writable: BTreeMap<&'static str, Value>,
}

impl ServerConfig {
    /// The fixture files are the read-only layer (`server.json` `cors.allowedOrigins`); the
    /// writable layer starts as a bootstrapped server's (`02-server-configurations.yaml`: the default
    /// flow handles and lifetimes).
    pub(crate) fn from_fixtures(fixtures: &Fixtures) -> Self {
        let flow = &fixtures.server.flow;
        let mut config = Self::default();
        config.read_only.insert(
            "cors",
            json!({"allowedOrigins": fixtures.server.cors.allowed_origins}),
        );
        config.writable.insert(
            "flow",
            json!({
                "authFlow": {"defaultHandle": "default-flow", "expirySeconds": flow.authentication_expiry},
                "registrationFlow": {"expirySeconds": flow.registration_expiry},
                "recoveryFlow": {"expirySeconds": flow.recovery_expiry},
                "signOutFlow": {"defaultHandle": "default-flow", "expirySeconds": flow.sign_out_expiry},
                "userOnboardingFlow": {"defaultHandle": "default-flow", "expirySeconds": flow.user_onboarding_expiry},
                "userDeletionFlow": {"defaultHandle": "default-user-deletion-flow"}
            }),
        );
        config
    }

    /// A section name as the server knows it.
    pub(crate) fn section(name: &str) -> Option<&'static str> {
        SECTIONS.iter().copied().find(|s| *s == name)
    }

    pub(crate) fn read_only(&self, section: &str) -> Option<&Value> {
        self.read_only.get(section)
    }

    pub(crate) fn writable(&self, section: &str) -> Option<&Value> {
        self.writable.get(section)
    }

    /// Replace a section's writable layer.
    pub(crate) fn set_writable(&mut self, section: &'static str, value: Value) {
        self.writable.insert(section, value);
    }

    /// Set a section's read-only layer from a declarative file (composite mode: the file store's
    /// layer). CORS origins add to the fixture's; other sections are replaced.
    pub(crate) fn set_read_only(&mut self, section: &'static str, value: Value) {
        if section == "cors"
            && let Some(Value::Array(existing)) = self
                .read_only
                .get(section)
                .and_then(|v| v.get("allowedOrigins"))
            && let Some(Value::Array(added)) = value.get("allowedOrigins")
        {
            let mut entries = existing.clone();
            entries.extend(added.iter().filter(|e| !existing.contains(e)).cloned());
            self.read_only
                .insert(section, json!({"allowedOrigins": entries}));
            return;
        }
        self.read_only.insert(section, value);
    }

    /// The merged value of `section` (the read-only layer first, then the writable one).
    pub(crate) fn merged(&self, section: &str) -> Value {
        let read_only = self.read_only.get(section);
        let writable = self.writable.get(section);
        match section {
            "cors" => json!({"allowedOrigins": self.cors_entries()}),
            "flow" => merge_flow(read_only, writable),
            _ => match (read_only, writable) {
                (Some(Value::Object(base)), Some(Value::Object(over))) => {
                    let mut merged = base.clone();
                    merged.extend(over.iter().map(|(k, v)| (k.clone(), v.clone())));
                    Value::Object(merged)
                }
                (_, Some(value)) | (Some(value), None) => value.clone(),
                (None, None) => Value::Object(Map::new()),
            },
        }
    }

    /// Every allowed CORS origin entry: literal origins (strings) and `{"regex": …}` patterns,
    /// the read-only ones first, without repeats.
    pub(crate) fn cors_entries(&self) -> Vec<Value> {
        let mut entries: Vec<Value> = Vec::new();
        for layer in [self.read_only.get("cors"), self.writable.get("cors")]
            .into_iter()
            .flatten()
        {
            let listed = layer.get("allowedOrigins").and_then(Value::as_array);
            for entry in listed.into_iter().flatten() {
                if !entries.contains(entry) {
                    entries.push(entry.clone());
                }
            }
        }
        entries
    }

    /// Add origins to the writable `cors` layer (an application's passkey origins), skipping
    /// repeats.
    pub(crate) fn add_cors_origins(&mut self, origins: &[String]) {
        let mut current = self
            .writable
            .get("cors")
            .and_then(|c| c.get("allowedOrigins"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for origin in origins {
            let origin = Value::from(origin.clone());
            if !origin.as_str().unwrap_or_default().contains('*') && !current.contains(&origin) {
                current.push(origin);
            }
        }
        self.writable
            .insert("cors", json!({ "allowedOrigins": current }));
    }

    /// The server's default flow handle for a flow type (`flow.<type>.defaultHandle`).
    pub(crate) fn default_flow_handle(&self, flow_type: &FlowType) -> Option<String> {
        let member = FLOW_MEMBERS.iter().find(|(_, t)| t == flow_type)?.0;
        self.merged("flow")
            .get(member)?
            .get("defaultHandle")?
            .as_str()
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
    }
}

/// The flow section's merge: per flow type, a non-empty writable handle and a positive writable
/// lifetime win over the read-only layer's.
fn merge_flow(read_only: Option<&Value>, writable: Option<&Value>) -> Value {
    let mut merged = Map::new();
    for (member, _) in FLOW_MEMBERS {
        let base = read_only.and_then(|v| v.get(member));
        let over = writable.and_then(|v| v.get(member));
        let handle = [over, base]
            .into_iter()
            .flatten()
            .filter_map(|v| v.get("defaultHandle").and_then(Value::as_str))
            .find(|h| !h.is_empty());
        let expiry = [over, base]
            .into_iter()
            .flatten()
            .filter_map(|v| v.get("expirySeconds").and_then(Value::as_i64))
            .find(|e| *e > 0);
        let mut entry = Map::new();
        if let Some(handle) = handle {
            entry.insert("defaultHandle".into(), Value::from(handle));
        }
        if let Some(expiry) = expiry {
            entry.insert("expirySeconds".into(), Value::from(expiry));
        }
        merged.insert(member.to_owned(), Value::Object(entry));
    }
    Value::Object(merged)
}
