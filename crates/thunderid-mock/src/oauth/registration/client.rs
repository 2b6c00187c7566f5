//! What a registration becomes: the application (type `custom`, the default flows) and the answer
//! that announces it.

use serde_json::{Map, Value};

use super::Metadata;
use crate::fixtures::{
    ApplicationFixture, ApplicationKind, AssertionSettings, LoginConsentFixture, OAuthProfile,
    TokenEndpointAuthMethod, TokenSettings,
};

/// The registration response: members alphabetical (the server re-marshals it through a map),
/// empty ones left out but `client_secret_expires_at`.
pub(super) fn response(
    metadata: &Metadata,
    app_id: &str,
    client_id: &str,
    secret: Option<&str>,
) -> Map<String, Value> {
    let mut out = Map::new();
    let mut text = |name: &str, value: &str| {
        if !value.is_empty() {
            out.insert(name.to_owned(), Value::from(value));
        }
    };
    text("app_id", app_id);
    text("client_id", client_id);
    let name = if metadata.client_name.is_empty() {
        client_id
    } else {
        &metadata.client_name
    };
    text("client_name", name);
    text("client_secret", secret.unwrap_or_default());
    text("client_uri", &metadata.client_uri);
    text("jwks_uri", &metadata.jwks_uri);
    text("logo_uri", &metadata.logo_uri);
    text("policy_uri", &metadata.policy_uri);
    text(
        "scope",
        &metadata
            .scope
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    );
    text(
        "token_endpoint_auth_method",
        &metadata.token_endpoint_auth_method,
    );
    text("tos_uri", &metadata.tos_uri);
    let lists = [
        ("contacts", &metadata.contacts),
        ("grant_types", &metadata.grant_types),
        (
            "post_logout_redirect_uris",
            &metadata.post_logout_redirect_uris,
        ),
        ("redirect_uris", &metadata.redirect_uris),
        ("response_types", &metadata.response_types),
    ];
    for (name, values) in lists {
        if !values.is_empty() {
            out.insert(name.to_owned(), Value::from(values.clone()));
        }
    }
    out.insert("client_secret_expires_at".to_owned(), Value::from(0));
    if metadata.require_pushed_authorization_requests {
        out.insert(
            "require_pushed_authorization_requests".to_owned(),
            Value::Bool(true),
        );
    }
    if let Some(jwks) = &metadata.jwks {
        out.insert("jwks".to_owned(), Value::Object(jwks.clone()));
    }
    for (key, value) in &metadata.localized {
        out.insert(key.clone(), Value::from(value.as_str()));
    }
    out
}

/// The application the client becomes: type `custom`, the default flows.
pub(super) fn application(
    metadata: Metadata,
    name: String,
    app_id: String,
    client_id: String,
    client_secret: Option<String>,
    public: bool,
) -> ApplicationFixture {
    let method = match metadata.token_endpoint_auth_method.as_str() {
        "client_secret_post" => TokenEndpointAuthMethod::ClientSecretPost,
        "none" => TokenEndpointAuthMethod::None,
        "private_key_jwt" => TokenEndpointAuthMethod::PrivateKeyJwt,
        _ => TokenEndpointAuthMethod::ClientSecretBasic,
    };
    let certificate = certificate(&metadata);
    let non_empty = |value: String| (!value.is_empty()).then_some(value);
    let default_flow = || "default-flow".to_owned();
    let ou_id = metadata.ou_id.clone();
    ApplicationFixture {
        id: app_id,
        name,
        description: None,
        kind: ApplicationKind::Custom,
        oauth: Some(OAuthProfile {
            client_id,
            client_secret,
            public_client: public,
            pkce_required: public,
            token_endpoint_auth_method: method,
            grant_types: metadata.grant_types,
            redirect_uris: metadata.redirect_uris,
            post_logout_redirect_uris: metadata.post_logout_redirect_uris,
            allowed_origins: Vec::new(),
            token: TokenSettings::default(),
            require_pushed_authorization_requests: metadata.require_pushed_authorization_requests,
            acr_values: Vec::new(),
            response_types: metadata.response_types,
            dpop_bound_access_tokens: false,
            include_act_claim: false,
            scopes: Vec::new(),
            scope_claims: None,
            user_info: None,
            certificate,
        }),
        flow_secret: None,
        auth_flow: default_flow(),
        registration_flow: default_flow(),
        recovery_flow: default_flow(),
        sign_out_flow: default_flow(),
        is_registration_flow_enabled: false,
        is_recovery_flow_enabled: false,
        allowed_user_types: vec!["Person".to_owned()],
        assertion: AssertionSettings::default(),
        logo_url: non_empty(metadata.logo_uri),
        url: non_empty(metadata.client_uri),
        tos_uri: non_empty(metadata.tos_uri),
        policy_uri: non_empty(metadata.policy_uri),
        ou_id,
        template: None,
        contacts: metadata.contacts,
        metadata: None,
        theme_id: None,
        layout_id: None,
        passkey_allowed_origins: Vec::new(),
        attestation: None,
        login_consent: LoginConsentFixture::default(),
    }
}

/// `jwks_uri` or `jwks` as the client's certificate, in the application API's shape.
fn certificate(metadata: &Metadata) -> Option<Value> {
    let (kind, value) = if !metadata.jwks_uri.is_empty() {
        ("JWKS_URI", metadata.jwks_uri.clone())
    } else {
        let jwks = metadata.jwks.as_ref().filter(|jwks| !jwks.is_empty())?;
        ("JWKS", Value::Object(jwks.clone()).to_string())
    };
    Some(serde_json::json!({"type": kind, "value": value}))
}
