//! `GET /flow/meta?type=APP|OU&id=<uuid>[&language][&namespace]`: what a sign-in UI needs to brand
//! itself and translate the flow's `{{ t(ns:key) }}` templates (`backend/internal/flow/flowmeta`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The response body. `design` and `i18n` are always present; `application` only for `type=APP`,
/// `ou` when an organization unit applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowMetadataResponse {
    pub is_registration_flow_enabled: bool,
    pub is_recovery_flow_enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<ApplicationMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ou: Option<OuMetadata>,
    pub design: DesignMetadata,
    pub i18n: I18nMetadata,
}

/// The application's branding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationMetadata {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tos_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_uri: Option<String>,
}

/// The organization unit's branding. Every field is omitted when empty, as in Go.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OuMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tos_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cookie_policy_uri: Option<String>,
}

/// Theme and layout documents, passed through as JSON (`{}` when none is configured).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignMetadata {
    pub theme: serde_json::Value,
    pub layout: serde_json::Value,
}

/// Translations for one language, grouped by namespace (`signin`, `signup`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct I18nMetadata {
    /// Go writes `null` for an unset slice; the server always sets it.
    pub languages: Option<Vec<String>>,
    pub language: String,
    pub total_results: u64,
    pub translations: BTreeMap<String, BTreeMap<String, String>>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The shape of `FlowMetadataResponse` (`flowmeta/model.go`), with an app and the root OU.
    #[test]
    fn flow_meta_round_trips_the_server_shape() {
        let wire = json!({
            "isRegistrationFlowEnabled": true,
            "isRecoveryFlowEnabled": false,
            "application": {"id": "01900000-0000-7000-8000-0000000000a3", "name": "sample-native"},
            "ou": {"id": "01900000-0000-7000-8000-000000000001", "handle": "default", "name": "Default"},
            "design": {"theme": {}, "layout": {}},
            "i18n": {"languages": ["en-US"], "language": "en-US", "totalResults": 1,
                     "translations": {"signin": {"forms.credentials.title": "Sign In"}}}
        });
        let parsed: FlowMetadataResponse = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(serde_json::to_value(&parsed).unwrap(), wire);
        insta::assert_json_snapshot!(parsed);
    }

    #[test]
    fn random_bodies_never_panic() {
        for body in [
            json!(null),
            json!({"design": 1}),
            json!({"i18n": {"translations": {"a": {"b": 1}}}}),
            json!([]),
        ] {
            let _ = serde_json::from_value::<FlowMetadataResponse>(body);
        }
    }
}
