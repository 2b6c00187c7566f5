//! The application management API (`api/application.yaml`, `backend/internal/application/`,
//! `backend/internal/inboundclient/`).
//!
//! | Call | Request | Response |
//! |---|---|---|
//! | `GET /applications` | — | 200 [`ApplicationListResponse`] |
//! | `POST /applications` | [`Application`] | 201 [`Application`] (with `flowSecret` and a generated `clientSecret`) |
//! | `GET /applications/{id}` | — | 200 [`Application`] (no secrets) |
//! | `PUT /applications/{id}` | [`Application`] | 200 [`Application`] |
//! | `DELETE /applications/{id}` | — | 204 |
//!
//! One type serves as request and response: the server reads the same fields it writes (it ignores
//! the handles on REST, and never returns `flowSecret` after creation). Fields are in the server's
//! order; empty ones are omitted as Go's `omitempty` omits them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An application (`ApplicationCompleteResponse`, `ApplicationGetResponse`, `ApplicationRequest`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Application {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(rename = "ouId", skip_serializing_if = "String::is_empty")]
    pub organization_unit_id: String,
    /// Import and declarative files only: the unit's handle, when `ouId` is empty.
    #[serde(rename = "ouHandle", skip_serializing_if = "String::is_empty")]
    pub organization_unit_handle: String,
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// A copy of the OAuth profile's client id.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub client_id: String,
    /// `browser`, `fullstack`, `mobile`, `m2m`, `mcp` or `custom`.
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub app_type: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub template: String,
    /// Only in the answer to the create that generated or set it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub flow_secret: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub url: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub logo_url: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub tos_uri: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub policy_uri: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<String>,
    /// The inbound profile (flows, design, assertion, consent, user types, OAuth profile).
    #[serde(flatten)]
    pub profile: InboundAuthProfile,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

/// The inbound-client fields an application and an agent share, in the server's order
/// (`InboundAuthProfile`, embedded in both request and response types): flattened into
/// [`Application`] and [`crate::agents::Agent`], so their bodies keep these members in place.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InboundAuthProfile {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub auth_flow_id: String,
    /// Import and declarative files only.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub auth_flow_handle: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub registration_flow_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub registration_flow_handle: String,
    pub is_registration_flow_enabled: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub recovery_flow_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub recovery_flow_handle: String,
    pub is_recovery_flow_enabled: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sign_out_flow_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sign_out_flow_handle: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub theme_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub layout_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assertion: Option<AssertionConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_consent: Option<LoginConsentConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_user_types: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub passkey_allowed_origins: Vec<String>,
    /// Mobile attestation (`android` / `apple` / `devMode`), kept as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inbound_auth_config: Vec<InboundAuthConfig>,
}

/// The flow assertion settings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AssertionConfig {
    #[serde(skip_serializing_if = "is_zero")]
    pub validity_period: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub user_attributes: Vec<String>,
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

/// How long a login consent lasts (`validityPeriod` is always written).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LoginConsentConfig {
    pub validity_period: i64,
}

/// One inbound protocol; only `oauth2` exists.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct InboundAuthConfig {
    #[serde(rename = "type")]
    pub config_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<OAuthClientConfig>,
}

/// An OAuth 2.0 / OIDC client profile (`OAuthConfigWithSecret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OAuthClientConfig {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub client_id: String,
    /// Only in the answer to the create or update that set or generated it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub client_secret: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub redirect_uris: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub post_logout_redirect_uris: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grant_types: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub response_types: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub token_endpoint_auth_method: String,
    pub pkce_required: bool,
    pub public_client: bool,
    pub require_pushed_authorization_requests: bool,
    pub dpop_bound_access_tokens: bool,
    pub include_act_claim: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<OAuthTokenConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_info: Option<UserInfoConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope_claims: Option<BTreeMap<String, Vec<String>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub acr_values: Vec<String>,
}

/// Token settings of an OAuth profile.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OAuthTokenConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<AccessTokenConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<IdTokenConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<RefreshTokenConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_jag: Option<Value>,
}

/// Access token settings: for users and for the client itself.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccessTokenConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_config: Option<TokenAttributesConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_config: Option<TokenAttributesConfig>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub default_audience: String,
}

/// A lifetime and the attributes a token carries.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TokenAttributesConfig {
    #[serde(skip_serializing_if = "is_zero")]
    pub validity_period: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
}

/// ID token settings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IdTokenConfig {
    #[serde(skip_serializing_if = "is_zero")]
    pub validity_period: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub user_attributes: Vec<String>,
    /// `JWT`, `JWE` or `NESTED_JWT`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub response_type: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub encryption_alg: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub encryption_enc: String,
}

/// Refresh token settings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RefreshTokenConfig {
    #[serde(skip_serializing_if = "is_zero")]
    pub validity_period: u64,
}

/// Userinfo settings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserInfoConfig {
    /// `JSON`, `JWS`, `JWE` or `NESTED_JWT`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub response_type: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub user_attributes: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub signing_alg: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub encryption_alg: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub encryption_enc: String,
}

/// `GET /applications` (no paging: every application).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationListResponse {
    pub total_results: u64,
    pub count: u64,
    pub applications: Vec<ApplicationSummary>,
}

/// An application in a list (`BasicApplicationResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApplicationSummary {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub client_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub logo_url: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub auth_flow_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub registration_flow_id: String,
    pub is_registration_flow_enabled: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub recovery_flow_id: String,
    pub is_recovery_flow_enabled: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sign_out_flow_id: String,
    /// Always `false`: the server never sets it.
    pub is_sign_out_flow_enabled: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub theme_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub layout_id: String,
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub app_type: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub template: String,
    pub is_read_only: bool,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_application_omits_empty_members_as_go_does() {
        let app: Application = serde_json::from_value(json!({
            "name": "Console", "type": "browser", "ouId": "ou",
            "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "CONSOLE",
                "grantTypes": ["authorization_code"], "publicClient": true, "pkceRequired": true}}]
        }))
        .expect("an application");
        insta::assert_json_snapshot!("application_minimal", app);
    }

    /// Every member of the inbound profile, as compact JSON in the server's order.
    const PROFILE: &str = concat!(
        r#""authFlowId":"a","authFlowHandle":"ah","registrationFlowId":"r","#,
        r#""registrationFlowHandle":"rh","isRegistrationFlowEnabled":true,"recoveryFlowId":"c","#,
        r#""recoveryFlowHandle":"ch","isRecoveryFlowEnabled":true,"signOutFlowId":"s","#,
        r#""signOutFlowHandle":"sh","themeId":"t","layoutId":"l","#,
        r#""assertion":{"validityPeriod":60,"userAttributes":["email"]},"#,
        r#""loginConsent":{"validityPeriod":0},"allowedUserTypes":["Person"],"#,
        r#""passkeyAllowedOrigins":["https://app.example"],"attestation":{"devMode":true},"#,
        r#""inboundAuthConfig":[{"type":"oauth2"}]"#
    );

    #[test]
    fn the_shared_inbound_profile_keeps_its_members_in_place_in_both_bodies() {
        let app = format!(
            concat!(
                r#"{{"id":"i","ouId":"o","ouHandle":"oh","name":"n","description":"d","#,
                r#""clientId":"c1","type":"browser","template":"tp","flowSecret":"f","url":"u","#,
                r#""logoUrl":"lg","tosUri":"ts","policyUri":"p","contacts":["x"],{},"#,
                r#""metadata":{{"k":"v"}}}}"#
            ),
            PROFILE
        );
        let decoded: Application = serde_json::from_str(&app).expect("an application");
        assert_eq!(decoded.profile.theme_id, "t");
        assert_eq!(serde_json::to_string(&decoded).unwrap(), app);
        let agent = format!(
            concat!(
                r#"{{"id":"i","ouId":"o","ouHandle":"oh","type":"default","name":"n","#,
                r#""description":"d","logoUrl":"lg","clientId":"c1","owner":"w","#,
                r#""attributes":{{"model":"m"}},{}}}"#
            ),
            PROFILE
        );
        let decoded: crate::agents::Agent = serde_json::from_str(&agent).expect("an agent");
        assert_eq!(decoded.profile.allowed_user_types, ["Person"]);
        assert_eq!(serde_json::to_string(&decoded).unwrap(), agent);
    }
}
