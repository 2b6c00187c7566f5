//! Between the API's application model and the application the engines run: flow bindings are ids
//! on the wire and handles at run time; secrets never leave through a read.

use serde_json::Value;
use thunderid_protocol::applications::{
    AccessTokenConfig, Application, ApplicationSummary, AssertionConfig, IdTokenConfig,
    InboundAuthConfig, InboundAuthProfile, LoginConsentConfig, OAuthClientConfig, OAuthTokenConfig,
    RefreshTokenConfig, TokenAttributesConfig,
};
use thunderid_protocol::flow::FlowType;

use crate::fixtures::{
    AndroidAttestation, AppleAttestation, ApplicationFixture, ApplicationKind, AssertionSettings,
    AttestationFixture, LoginConsentFixture, OAuthProfile, TokenEndpointAuthMethod,
    TokenKindSettings, TokenSettings,
};
use crate::store::registry::Registry;

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

fn kind(text: &str) -> ApplicationKind {
    match text {
        "fullstack" => ApplicationKind::Fullstack,
        "mobile" => ApplicationKind::Mobile,
        "m2m" => ApplicationKind::M2m,
        "mcp" => ApplicationKind::Mcp,
        "custom" => ApplicationKind::Custom,
        _ => ApplicationKind::Browser,
    }
}

/// The handle of flow `id` (bindings run by handle), or `default-flow` when it names none.
fn handle(registry: &Registry, id: &str) -> String {
    registry
        .flow(id)
        .map_or_else(|| "default-flow".to_owned(), |f| f.handle.clone())
}

/// The id of the flow an application binds by `handle` for `flow_type`.
fn flow_id(registry: &Registry, handle: &str, flow_type: &FlowType) -> String {
    registry
        .flow_by_handle(handle, flow_type)
        .map(|f| f.id.as_str().to_owned())
        .unwrap_or_default()
}

/// The application the engines run, from a checked API model.
pub(crate) fn from_wire(registry: &Registry, app: &Application) -> ApplicationFixture {
    let config = app
        .profile
        .inbound_auth_config
        .first()
        .and_then(|e| e.config.as_ref());
    let assertion = app.profile.assertion.clone().unwrap_or_default();
    ApplicationFixture {
        id: app.id.clone(),
        name: app.name.clone(),
        description: non_empty(&app.description),
        kind: kind(&app.app_type),
        oauth: config.map(profile),
        flow_secret: non_empty(&app.flow_secret),
        auth_flow: handle(registry, &app.profile.auth_flow_id),
        registration_flow: handle(registry, &app.profile.registration_flow_id),
        recovery_flow: handle(registry, &app.profile.recovery_flow_id),
        sign_out_flow: handle(registry, &app.profile.sign_out_flow_id),
        is_registration_flow_enabled: app.profile.is_registration_flow_enabled,
        is_recovery_flow_enabled: app.profile.is_recovery_flow_enabled,
        allowed_user_types: app.profile.allowed_user_types.clone(),
        assertion: AssertionSettings {
            validity_period: (assertion.validity_period > 0).then_some(assertion.validity_period),
            user_attributes: assertion.user_attributes,
        },
        logo_url: non_empty(&app.logo_url),
        url: non_empty(&app.url),
        tos_uri: non_empty(&app.tos_uri),
        policy_uri: non_empty(&app.policy_uri),
        ou_id: app.organization_unit_id.clone(),
        template: non_empty(&app.template),
        contacts: app.contacts.clone(),
        metadata: app.metadata.clone(),
        theme_id: non_empty(&app.profile.theme_id),
        layout_id: non_empty(&app.profile.layout_id),
        login_consent: LoginConsentFixture {
            validity_period: app
                .profile
                .login_consent
                .as_ref()
                .map_or(0, |c| u64::try_from(c.validity_period).unwrap_or(0)),
        },
        passkey_allowed_origins: app.profile.passkey_allowed_origins.clone(),
        attestation: app.profile.attestation.as_ref().map(attestation_from_wire),
    }
}

fn profile(config: &OAuthClientConfig) -> OAuthProfile {
    let token = config.token.clone().unwrap_or_default();
    let access = token.access_token.unwrap_or_default();
    let user = access.user_config.unwrap_or_default();
    let id = token.id_token.unwrap_or_default();
    OAuthProfile {
        client_id: config.client_id.clone(),
        client_secret: non_empty(&config.client_secret),
        public_client: config.public_client,
        pkce_required: config.pkce_required,
        token_endpoint_auth_method: TokenEndpointAuthMethod::parse(
            &config.token_endpoint_auth_method,
        )
        .unwrap_or(TokenEndpointAuthMethod::ClientSecretBasic),
        grant_types: config.grant_types.clone(),
        redirect_uris: config.redirect_uris.clone(),
        post_logout_redirect_uris: config.post_logout_redirect_uris.clone(),
        allowed_origins: Vec::new(),
        token: TokenSettings {
            access_token: TokenKindSettings {
                validity_period: (user.validity_period > 0).then_some(user.validity_period),
                attributes: user.attributes,
                client_attributes: access
                    .client_config
                    .map(|c| c.attributes)
                    .unwrap_or_default(),
                default_audience: non_empty(&access.default_audience),
                response_type: None,
            },
            id_token: TokenKindSettings {
                validity_period: (id.validity_period > 0).then_some(id.validity_period),
                attributes: id.user_attributes,
                response_type: non_empty(&id.response_type),
                ..TokenKindSettings::default()
            },
            refresh_token: TokenKindSettings {
                validity_period: token
                    .refresh_token
                    .map(|r| r.validity_period)
                    .filter(|v| *v > 0),
                ..TokenKindSettings::default()
            },
        },
        response_types: config.response_types.clone(),
        require_pushed_authorization_requests: config.require_pushed_authorization_requests,
        dpop_bound_access_tokens: config.dpop_bound_access_tokens,
        include_act_claim: config.include_act_claim,
        scopes: config.scopes.clone(),
        scope_claims: config.scope_claims.clone(),
        user_info: config.user_info.clone(),
        certificate: config.certificate.clone(),
        acr_values: config.acr_values.clone(),
    }
}

/// The API's view of an application (`GET /applications/{id}`): no secrets, no handles.
pub(crate) fn to_wire(registry: &Registry, app: &ApplicationFixture) -> Application {
    let binding = |handle: &str, flow_type: FlowType, enabled: bool| {
        if enabled {
            flow_id(registry, handle, &flow_type)
        } else {
            String::new()
        }
    };
    let attestation = app.attestation.as_ref().map(attestation_to_wire);
    Application {
        id: app.id.clone(),
        organization_unit_id: app.ou_id.clone(),
        name: app.name.clone(),
        description: app.description.clone().unwrap_or_default(),
        client_id: app
            .oauth
            .as_ref()
            .map(|o| o.client_id.clone())
            .unwrap_or_default(),
        app_type: app.kind.to_string(),
        template: app.template.clone().unwrap_or_default(),
        url: app.url.clone().unwrap_or_default(),
        logo_url: app.logo_url.clone().unwrap_or_default(),
        tos_uri: app.tos_uri.clone().unwrap_or_default(),
        policy_uri: app.policy_uri.clone().unwrap_or_default(),
        contacts: app.contacts.clone(),
        profile: InboundAuthProfile {
            auth_flow_id: binding(&app.auth_flow, FlowType::Authentication, true),
            registration_flow_id: binding(
                &app.registration_flow,
                FlowType::Registration,
                app.is_registration_flow_enabled,
            ),
            is_registration_flow_enabled: app.is_registration_flow_enabled,
            recovery_flow_id: binding(
                &app.recovery_flow,
                FlowType::Recovery,
                app.is_recovery_flow_enabled,
            ),
            is_recovery_flow_enabled: app.is_recovery_flow_enabled,
            sign_out_flow_id: binding(&app.sign_out_flow, FlowType::SignOut, true),
            theme_id: app.theme_id.clone().unwrap_or_default(),
            layout_id: app.layout_id.clone().unwrap_or_default(),
            assertion: Some(AssertionConfig {
                validity_period: app.assertion.validity_period.unwrap_or_default(),
                user_attributes: app.assertion.user_attributes.clone(),
            }),
            login_consent: Some(LoginConsentConfig {
                validity_period: i64::try_from(app.login_consent.validity_period)
                    .unwrap_or(i64::MAX),
            }),
            allowed_user_types: app.allowed_user_types.clone(),
            passkey_allowed_origins: app.passkey_allowed_origins.clone(),
            attestation,
            inbound_auth_config: app
                .oauth
                .as_ref()
                .map(|o| InboundAuthConfig {
                    config_type: "oauth2".to_owned(),
                    config: Some(client_config(o)),
                })
                .into_iter()
                .collect(),
            ..InboundAuthProfile::default()
        },
        metadata: app.metadata.clone(),
        ..Application::default()
    }
}

fn client_config(o: &OAuthProfile) -> OAuthClientConfig {
    let token = &o.token;
    let validity = |v: Option<u64>| v.unwrap_or_default();
    OAuthClientConfig {
        client_id: o.client_id.clone(),
        client_secret: String::new(),
        redirect_uris: o.redirect_uris.clone(),
        post_logout_redirect_uris: o.post_logout_redirect_uris.clone(),
        grant_types: o.grant_types.clone(),
        response_types: o.response_types.clone(),
        token_endpoint_auth_method: o.token_endpoint_auth_method.as_str().to_owned(),
        pkce_required: o.pkce_required,
        public_client: o.public_client,
        require_pushed_authorization_requests: o.require_pushed_authorization_requests,
        dpop_bound_access_tokens: o.dpop_bound_access_tokens,
        include_act_claim: o.include_act_claim,
        token: Some(OAuthTokenConfig {
            access_token: Some(AccessTokenConfig {
                user_config: Some(TokenAttributesConfig {
                    validity_period: validity(token.access_token.validity_period),
                    attributes: token.access_token.attributes.clone(),
                }),
                client_config: (!token.access_token.client_attributes.is_empty()).then(|| {
                    TokenAttributesConfig {
                        validity_period: 0,
                        attributes: token.access_token.client_attributes.clone(),
                    }
                }),
                default_audience: token
                    .access_token
                    .default_audience
                    .clone()
                    .unwrap_or_default(),
            }),
            id_token: Some(IdTokenConfig {
                validity_period: validity(token.id_token.validity_period),
                user_attributes: token.id_token.attributes.clone(),
                response_type: token.id_token.response_type.clone().unwrap_or_default(),
                ..IdTokenConfig::default()
            }),
            refresh_token: Some(RefreshTokenConfig {
                validity_period: validity(token.refresh_token.validity_period),
            }),
            id_jag: None,
        }),
        scopes: o.scopes.clone(),
        user_info: o.user_info.clone(),
        scope_claims: o.scope_claims.clone(),
        certificate: o.certificate.clone(),
        acr_values: o.acr_values.clone(),
    }
}

/// An application in a list.
pub(crate) fn summary(registry: &Registry, app: &ApplicationFixture) -> ApplicationSummary {
    let full = to_wire(registry, app);
    ApplicationSummary {
        id: full.id,
        name: full.name,
        description: full.description,
        client_id: full.client_id,
        logo_url: full.logo_url,
        auth_flow_id: full.profile.auth_flow_id,
        registration_flow_id: full.profile.registration_flow_id,
        is_registration_flow_enabled: full.profile.is_registration_flow_enabled,
        recovery_flow_id: full.profile.recovery_flow_id,
        is_recovery_flow_enabled: full.profile.is_recovery_flow_enabled,
        sign_out_flow_id: full.profile.sign_out_flow_id,
        is_sign_out_flow_enabled: false,
        theme_id: full.profile.theme_id,
        layout_id: full.profile.layout_id,
        app_type: full.app_type,
        template: full.template,
        is_read_only: false,
    }
}

/// `serviceAccountCredentials` is write-only.
pub(crate) fn strip_attestation_credentials(attestation: &mut Value) {
    if let Some(android) = attestation
        .get_mut("android")
        .and_then(Value::as_object_mut)
    {
        android.remove("serviceAccountCredentials");
    }
}

/// `attestation` as the API takes it, read the way Go decodes JSON: unknown keys are ignored, a
/// value of the wrong type reads as empty (the shape is checked in `validate`).
fn attestation_from_wire(value: &Value) -> AttestationFixture {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_owned();
    let texts = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    AttestationFixture {
        android: value
            .get("android")
            .filter(|v| v.is_object())
            .map(|a| AndroidAttestation {
                package_name: text(a.get("packageName")),
                certificate_sha256_digests: texts(a.get("certificateSha256Digests")),
                service_account_credentials: None,
            }),
        apple: value
            .get("apple")
            .filter(|v| v.is_object())
            .map(|a| AppleAttestation {
                team_id: text(a.get("teamId")),
                bundle_id: text(a.get("bundleId")),
            }),
        dev_mode: value
            .get("devMode")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        test_tokens: texts(value.get("testTokens")),
    }
}

/// `attestation` as the API shows it: the service account credentials are write-only, and the
/// mock-only `testTokens` stay out of the server's shape.
fn attestation_to_wire(attestation: &AttestationFixture) -> Value {
    let mut out = serde_json::Map::new();
    if let Some(android) = &attestation.android {
        out.insert(
            "android".to_owned(),
            serde_json::json!({
                "packageName": android.package_name,
                "certificateSha256Digests": android.certificate_sha256_digests,
            }),
        );
    }
    if let Some(apple) = &attestation.apple {
        out.insert(
            "apple".to_owned(),
            serde_json::json!({"teamId": apple.team_id, "bundleId": apple.bundle_id}),
        );
    }
    if attestation.dev_mode {
        out.insert("devMode".to_owned(), Value::Bool(true));
    }
    Value::Object(out)
}
