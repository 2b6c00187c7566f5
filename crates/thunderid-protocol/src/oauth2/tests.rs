//! Wire tests for the OAuth 2.0 types.
//!
//! Captures come from the SDK E2E PKCE sequence against the bundled CONSOLE app
//! (`thunder-id/javascript-sdks` `.github/actions/run-e2e-suite/action.yml`), the server's OpenAPI
//! examples (`api/oauth2.yaml`) and the SDK request shapes of sdk-http-calls §2 and §5.4. Ids and
//! tokens are made up in the server's formats (UUIDv7, 27-char codes); the issuer is
//! `https://localhost:8090`.

use proptest::prelude::*;
use serde_json::json;

use super::authorize::strategies as authorize_strategies;
use super::callback::strategies as callback_strategies;
use super::introspect::strategies as introspect_strategies;
use super::revoke::strategies as revoke_strategies;
use super::strategies::{json_object_with_keys, json_value};
use super::test_support::{parse_exact, pin_open_enum, round_trips};
use super::token::strategies as token_strategies;
use super::*;
use crate::OAuthErrorCode;
use crate::ids::{AuthId, ClientId};
use crate::secret::{
    AccessToken, Assertion, AuthorizationCode, ClientSecret, PkceCodeVerifier, RefreshToken,
};

mod ciba_dcr;

const CONSOLE_REDIRECT_URI: &str = "https://localhost:8090/console";
const MCP_RESOURCE: &str = "https://localhost:8090/mcp";
/// RFC 7636 appendix B.
const CODE_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CODE_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const AUTH_ID: &str = "0198f0a4-6c1e-7d2b-8e3f-4a5b6c7d8e9f";
const EXECUTION_ID: &str = "0198f0a4-6c21-7f10-9a2b-3c4d5e6f7a8b";
const CONSOLE_APP_ID: &str = "01900000-0000-7000-8000-000000000060";
const CODE: &str = "Qm9yaW5nQ29kZUZvclRlc3RzMQ";

#[test]
fn console_e2e_authorize_query_is_read_as_sent() {
    let request = AuthorizeRequest::from_query_pairs([
        ("client_id", "CONSOLE"),
        ("redirect_uri", CONSOLE_REDIRECT_URI),
        ("scope", "system"),
        ("resource", MCP_RESOURCE),
        ("response_type", "code"),
        ("code_challenge", CODE_CHALLENGE),
        ("code_challenge_method", "S256"),
    ])
    .expect("no repeated parameter");

    let json = serde_json::to_value(&request).expect("serializes");
    assert_eq!(
        json,
        json!({
            "client_id": "CONSOLE",
            "redirect_uri": CONSOLE_REDIRECT_URI,
            "scope": "system",
            "resource": MCP_RESOURCE,
            "response_type": "code",
            "code_challenge": CODE_CHALLENGE,
            "code_challenge_method": "S256"
        })
    );
    assert_eq!(parse_exact::<AuthorizeRequest>(json), request);
    insta::assert_json_snapshot!("authorize_request_console_e2e", request);
    assert_eq!(request.response_type(), Some(ResponseType::Code));
    assert_eq!(
        request.code_challenge_method(),
        Some(CodeChallengeMethod::S256)
    );
    assert_eq!(request.scopes(), vec!["system"]);
}

#[test]
fn sdk_authorize_query_with_prompt_and_state_is_typed_on_demand() {
    let request: AuthorizeRequest = parse_exact(json!({
        "response_type": "code",
        "client_id": "JS_SDK_E2E_NEXTJS",
        "scope": "openid profile",
        "redirect_uri": "http://localhost:3001",
        "response_mode": "query",
        "code_challenge": CODE_CHALLENGE,
        "code_challenge_method": "S256",
        "prompt": "login consent",
        "state": "instance_0_request_0"
    }));
    assert_eq!(request.prompts(), vec![Prompt::Login, Prompt::Consent]);
    assert_eq!(request.response_mode(), Some(ResponseMode::Query));
    assert_eq!(request.scopes(), vec!["openid", "profile"]);
}

#[test]
fn authorize_query_refuses_repeats_except_resource() {
    let repeated =
        AuthorizeRequest::from_query_pairs([("client_id", "CONSOLE"), ("client_id", "OTHER")]);
    assert!(matches!(repeated, Err(AuthorizeQueryError::Repeated { name }) if name == "client_id"));

    let unknown = AuthorizeRequest::from_query_pairs([("foo", "1"), ("foo", "2")]);
    assert!(matches!(unknown, Err(AuthorizeQueryError::Repeated { name }) if name == "foo"));

    let two_resources =
        AuthorizeRequest::from_query_pairs([("resource", "https://a"), ("resource", "https://b")])
            .expect("resource may repeat");
    assert_eq!(two_resources.resource, vec!["https://a", "https://b"]);
    assert_eq!(
        serde_json::to_value(&two_resources).expect("serializes"),
        json!({"resource": ["https://a", "https://b"]})
    );
}

#[test]
fn gate_redirect_carries_the_names_sdks_read() {
    let secure: AuthorizeRedirectParams = parse_exact(json!({
        "applicationId": CONSOLE_APP_ID,
        "authId": AUTH_ID,
        "executionId": EXECUTION_ID
    }));
    insta::assert_json_snapshot!("authorize_redirect_params_console", secure);

    let insecure: AuthorizeRedirectParams = parse_exact(json!({
        "applicationId": CONSOLE_APP_ID,
        "authId": AUTH_ID,
        "executionId": EXECUTION_ID,
        "ui_locales": "en-US",
        "showInsecureWarning": "true"
    }));
    assert!(insecure.show_insecure_warning);
    let mut pairs = to_form_pairs(&insecure).expect("flat");
    pairs.sort();
    assert_eq!(
        pairs,
        vec![
            ("applicationId".to_owned(), CONSOLE_APP_ID.to_owned()),
            ("authId".to_owned(), AUTH_ID.to_owned()),
            ("executionId".to_owned(), EXECUTION_ID.to_owned()),
            ("showInsecureWarning".to_owned(), "true".to_owned()),
            ("ui_locales".to_owned(), "en-US".to_owned()),
        ]
    );
    assert_eq!(
        from_form_pairs::<AuthorizeRedirectParams, _, _, _>(pairs).expect("reads back"),
        insecure
    );
}

#[test]
fn client_and_gate_redirect_queries_round_trip() {
    let success: AuthorizationSuccess = parse_exact(
        json!({"code": CODE, "state": "instance_0_request_0", "iss": "https://localhost:8090"}),
    );
    insta::assert_json_snapshot!("authorization_success", success);

    let denied: AuthorizationErrorParams = parse_exact(json!({
        "error": "access_denied",
        "error_description": "Assertion does not match the authorization request",
        "iss": "https://localhost:8090",
        "state": "xyz"
    }));
    assert_eq!(denied.error, OAuthErrorCode::AccessDenied);
    insta::assert_json_snapshot!("authorization_error_params_access_denied", denied);

    let login_required: AuthorizationErrorParams = parse_exact(json!({
        "error": "login_required",
        "error_description": "Login is required",
        "iss": "https://localhost:8090"
    }));
    assert_eq!(login_required.error, OAuthErrorCode::LoginRequired);

    let gate: GateErrorParams =
        parse_exact(json!({"errorCode": "invalid_request", "errorMessage": "Invalid client_id"}));
    insta::assert_json_snapshot!("gate_error_params_invalid_client", gate);

    let par: PushedAuthorizationResponse = parse_exact(
        json!({"request_uri": "urn:ietf:params:oauth:request_uri:bwc4JDEclOl15qiPviJQ2w", "expires_in": 60}),
    );
    insta::assert_json_snapshot!("pushed_authorization_response", par);
}

#[test]
fn auth_callback_of_the_console_e2e() {
    let request: AuthCallbackRequest = parse_exact(
        json!({"authId": AUTH_ID, "assertion": "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2ln"}),
    );
    assert_eq!(request.effective_type(), CallbackType::AuthorizationCode);
    insta::assert_json_snapshot!("auth_callback_request_console_e2e", request);

    let response: AuthCallbackResponse = parse_exact(json!({
        "redirect_uri": format!("{CONSOLE_REDIRECT_URI}?code={CODE}&iss=https%3A%2F%2Flocalhost%3A8090")
    }));
    insta::assert_json_snapshot!("auth_callback_response_console_e2e", response);

    let ciba: AuthCallbackRequest = parse_exact(json!({
        "authId": "1c266114-a1be-4252-8ad1-04986c5b9ac1",
        "assertion": "eyJ0eXAiOiJKV1QifQ.e30.c2ln",
        "type": "urn:openid:params:grant-type:ciba"
    }));
    assert_eq!(ciba.effective_type(), CallbackType::Ciba);
    assert_eq!(
        parse_exact::<CibaCallbackResponse>(json!({"status": "OK"})),
        CibaCallbackResponse::ok()
    );
}

#[test]
fn auth_callback_reads_missing_fields_as_empty_like_go() {
    let request: AuthCallbackRequest =
        serde_json::from_value(json!({"authId": null})).expect("parses");
    assert_eq!(request.auth_id, AuthId::new(""));
    assert_eq!(request.assertion.secret(), "");
    let empty_type: AuthCallbackRequest =
        serde_json::from_value(json!({"type": ""})).expect("parses");
    assert_eq!(empty_type.effective_type(), CallbackType::AuthorizationCode);
}

#[test]
fn logout_callback_round_trips() {
    let request: LogoutCallbackRequest =
        parse_exact(json!({"logoutId": "0198f0a9-1b2c-7d3e-8f40-5a6b7c8d9e0f"}));
    insta::assert_json_snapshot!("logout_callback_request", request);
    let response: LogoutCallbackResponse =
        parse_exact(json!({"redirect_uri": "http://localhost:3000/logout?state=sign_out_success"}));
    insta::assert_json_snapshot!("logout_callback_response", response);
    assert_eq!(
        parse_exact::<LogoutCallbackResponse>(json!({"redirect_uri": ""})).redirect_uri,
        ""
    );
}

#[test]
fn console_e2e_token_request_matches_the_typed_grant() {
    let pairs = [
        ("grant_type", "authorization_code"),
        ("code", CODE),
        ("redirect_uri", CONSOLE_REDIRECT_URI),
        ("client_id", "CONSOLE"),
        ("resource", MCP_RESOURCE),
        ("code_verifier", CODE_VERIFIER),
    ];
    let sent: TokenRequestParams = from_form_pairs(pairs).expect("fits");
    insta::assert_json_snapshot!("token_request_console_e2e", sent);
    assert_eq!(sent.grant_type(), Some(GrantType::AuthorizationCode));

    let grant = AuthorizationCodeGrant {
        redirect_uri: Some(CONSOLE_REDIRECT_URI.to_owned()),
        code_verifier: Some(PkceCodeVerifier::new(CODE_VERIFIER)),
        resource: Some(MCP_RESOURCE.to_owned()),
        client_id: Some(ClientId::new("CONSOLE")),
        ..AuthorizationCodeGrant::new(AuthorizationCode::new(CODE))
    };
    let built = TokenRequestParams::from(grant);
    assert_eq!(built, sent);
    assert_eq!(
        built.to_pairs(),
        vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", CODE.to_owned()),
            ("redirect_uri", CONSOLE_REDIRECT_URI.to_owned()),
            ("code_verifier", CODE_VERIFIER.to_owned()),
            ("resource", MCP_RESOURCE.to_owned()),
            ("client_id", "CONSOLE".to_owned()),
        ]
    );
}

#[test]
fn sdk_refresh_and_client_credentials_bodies() {
    // T2: client_id, refresh_token, grant_type and the secret in the body.
    let refresh = RefreshTokenGrant {
        client_id: Some(ClientId::new("JS_SDK_E2E_NEXTJS")),
        client_secret: Some(ClientSecret::new("e2e-nextjs-secret")),
        ..RefreshTokenGrant::new(RefreshToken::new("eyJhbGciOiJSUzI1NiJ9.rt.c2ln"))
    };
    insta::assert_json_snapshot!(
        "token_request_sdk_refresh",
        TokenRequestParams::from(refresh)
    );

    // T4: client_credentials with scope.
    let credentials = ClientCredentialsGrant {
        scope: Some("system".to_owned()),
        client_id: Some(ClientId::new("JS_SDK_E2E_EXPRESS")),
        ..ClientCredentialsGrant::default()
    };
    assert_eq!(
        serde_json::to_value(TokenRequestParams::from(credentials)).expect("serializes"),
        json!({"grant_type": "client_credentials", "scope": "system", "client_id": "JS_SDK_E2E_EXPRESS"})
    );
}

#[test]
fn token_exchange_and_organization_switch_bodies() {
    let exchange = TokenExchangeGrant {
        requested_token_type: Some(TokenTypeUri::IdJag),
        audience: vec!["https://idp.example.com".to_owned()],
        ..TokenExchangeGrant::new("eyJhbGciOiJSUzI1NiJ9.id.c2ln", TokenTypeUri::IdToken)
    };
    let exchange_params = TokenRequestParams::from(exchange);
    insta::assert_json_snapshot!("token_request_token_exchange", exchange_params);

    // sdk-http-calls §5.4: the B2B `switchOrganization` custom grant.
    let switch = OrganizationSwitchGrant {
        scope: Some("openid profile".to_owned()),
        client_id: Some(ClientId::new("JS_SDK_E2E_NEXTJS")),
        client_secret: Some(ClientSecret::new("e2e-nextjs-secret")),
        ..OrganizationSwitchGrant::new(
            AccessToken::new("eyJhbGciOiJSUzI1NiJ9.at.c2ln"),
            "7d3f1c2e-org",
        )
    };
    let switch_params = TokenRequestParams::from(switch);
    assert_eq!(
        switch_params.grant_type(),
        Some(GrantType::OrganizationSwitch)
    );
    insta::assert_json_snapshot!("token_request_organization_switch", switch_params);
}

#[test]
fn token_request_keeps_every_resource_and_the_first_scalar() {
    let params: TokenRequestParams = from_form_pairs([
        ("grant_type", "client_credentials"),
        ("grant_type", "refresh_token"),
        ("resource", "https://a.example"),
        ("resource", "https://b.example"),
        ("audience", "x"),
    ])
    .expect("fits");
    assert_eq!(params.grant_type.as_deref(), Some("client_credentials"));
    assert_eq!(
        params.resource,
        vec!["https://a.example", "https://b.example"]
    );
    assert_eq!(params.audience, vec!["x"]);
}

#[test]
fn token_request_debug_redacts_secrets() {
    let params: TokenRequestParams = from_form_pairs([
        ("grant_type", "authorization_code"),
        ("code", "the-code"),
        ("code_verifier", "the-verifier"),
        ("client_secret", "the-secret"),
        ("client_id", "CONSOLE"),
    ])
    .expect("fits");
    assert_eq!(
        format!("{params:?}"),
        concat!(
            r#"TokenRequestParams { grant_type: Some("authorization_code"), code: Some([redacted]), "#,
            "redirect_uri: None, code_verifier: Some([redacted]), refresh_token: None, scope: None, ",
            r#"resource: [], audience: [], client_id: Some("CONSOLE"), client_secret: Some([redacted]), "#,
            "client_assertion_type: None, client_assertion: None, subject_token: None, ",
            "subject_token_type: None, actor_token: None, actor_token_type: None, ",
            "requested_token_type: None, auth_req_id: None, assertion: None, token: None, ",
            "switching_organization: None, organization: None, username: None, password: None }",
        )
    );
    let exchange = TokenExchangeGrant {
        actor_token: Some("actor-secret".to_owned()),
        ..TokenExchangeGrant::new("subject-secret", TokenTypeUri::AccessToken)
    };
    assert_eq!(
        format!("{exchange:?}"),
        concat!(
            r#"TokenExchangeGrant { subject_token: "[redacted]", subject_token_type: AccessToken, "#,
            r#"actor_token: Some("[redacted]"), actor_token_type: None, requested_token_type: None, "#,
            "audience: [], resource: [], scope: None, client_id: None, client_secret: None }",
        )
    );
}

#[test]
fn token_responses_round_trip() {
    // `api/oauth2.yaml` example.
    let openapi: TokenResponse = parse_exact(json!({
        "access_token": "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9...",
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": "8xLOxBtZp8",
        "scope": "openid profile email",
        "id_token": "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9..."
    }));
    insta::assert_json_snapshot!("token_response_openapi", openapi);

    // CONSOLE: `scope=system` without `openid`, so no ID token; it has the refresh_token grant.
    let console: TokenResponse = parse_exact(json!({
        "access_token": "eyJhbGciOiJSUzI1NiIsImtpZCI6IjQ3In0.at.c2ln",
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": "eyJhbGciOiJSUzI1NiIsImtpZCI6IjQ3In0.rt.c2ln",
        "scope": "system"
    }));
    assert_eq!(console.token_type, TokenType::Bearer);
    assert!(console.id_token.is_none());

    let id_jag: TokenResponse = parse_exact(json!({
        "access_token": "eyJ0eXAiOiJvYXV0aC1pZC1qYWcrand0In0.e30.c2ln",
        "token_type": "N_A",
        "expires_in": 300,
        "issued_token_type": "urn:ietf:params:oauth:token-type:id-jag"
    }));
    assert_eq!(id_jag.token_type, TokenType::NotApplicable);
    insta::assert_json_snapshot!("token_response_id_jag", id_jag);

    let minimal = TokenResponse::new(AccessToken::new("a"), TokenType::DPoP, 60);
    assert_eq!(
        serde_json::to_value(minimal).expect("serializes"),
        json!({"access_token": "a", "token_type": "DPoP", "expires_in": 60})
    );
    assert!(
        serde_json::from_value::<TokenResponse>(
            json!({"access_token": "a", "token_type": "Bearer", "expires_in": "3600"})
        )
        .is_err()
    );
}

#[test]
fn introspection_round_trips() {
    let request: IntrospectionRequest =
        parse_exact(json!({"token": "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9..."}));
    assert_eq!(
        request,
        IntrospectionRequest::new("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9...")
    );
    assert_eq!(
        format!("{request:?}"),
        "IntrospectionRequest { token: Some([redacted]), token_type_hint: None }"
    );

    // `api/oauth2.yaml` example.
    let active: IntrospectionResponse = parse_exact(json!({
        "active": true,
        "scope": "openid profile",
        "client_id": "my-client",
        "username": "alice",
        "token_type": "Bearer",
        "exp": 1735689600,
        "iat": 1735686000,
        "sub": "user-123",
        "iss": "https://server.example.com"
    }));
    insta::assert_json_snapshot!("introspection_response_openapi", active);

    let dpop: IntrospectionResponse = parse_exact(json!({
        "active": true,
        "scope": "system",
        "client_id": "CONSOLE",
        "token_type": "DPoP",
        "exp": 1767229200,
        "iat": 1767225600,
        "nbf": 1767225600,
        "sub": "01900000-0000-7000-8000-000000000030",
        "aud": MCP_RESOURCE,
        "iss": "https://localhost:8090",
        "jti": "0198f0a5-0000-7000-8000-00000000aa01",
        "cnf": {"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}
    }));
    insta::assert_json_snapshot!("introspection_response_console_dpop", dpop);

    let inactive: IntrospectionResponse = parse_exact(json!({"active": false}));
    assert_eq!(inactive, IntrospectionResponse::inactive());
    assert_eq!(
        serde_json::to_string(&IntrospectionResponse::inactive()).expect("serializes"),
        r#"{"active":false}"#
    );
}

#[test]
fn sdk_revocation_body_round_trips() {
    // R1: `client_id`, `token`, `token_type_hint=access_token`.
    let request: RevocationRequest = parse_exact(json!({
        "client_id": "JS_SDK_E2E_BROWSER",
        "token": "eyJhbGciOiJSUzI1NiJ9.at.c2ln",
        "token_type_hint": "access_token"
    }));
    assert_eq!(request.token_type_hint(), Some(TokenTypeHint::AccessToken));
    insta::assert_json_snapshot!("revocation_request_sdk", request);
    assert_eq!(
        format!("{request:?}"),
        concat!(
            r#"RevocationRequest { token: Some([redacted]), token_type_hint: Some("access_token"), "#,
            r#"client_id: Some("JS_SDK_E2E_BROWSER"), client_secret: None }"#,
        )
    );
}

#[test]
fn enum_wire_strings_are_pinned() {
    pin_open_enum!(GrantType, unknown: "password", {
        AuthorizationCode => "authorization_code",
        RefreshToken => "refresh_token",
        ClientCredentials => "client_credentials",
        TokenExchange => "urn:ietf:params:oauth:grant-type:token-exchange",
        Ciba => "urn:openid:params:grant-type:ciba",
        JwtBearer => "urn:ietf:params:oauth:grant-type:jwt-bearer",
        OrganizationSwitch => "organization_switch",
    });
    pin_open_enum!(TokenTypeUri, unknown: "urn:x:saml2", {
        AccessToken => "urn:ietf:params:oauth:token-type:access_token",
        RefreshToken => "urn:ietf:params:oauth:token-type:refresh_token",
        IdToken => "urn:ietf:params:oauth:token-type:id_token",
        Jwt => "urn:ietf:params:oauth:token-type:jwt",
        IdJag => "urn:ietf:params:oauth:token-type:id-jag",
    });
    pin_open_enum!(TokenType, unknown: "bearer", {
        Bearer => "Bearer",
        DPoP => "DPoP",
        NotApplicable => "N_A",
    });
    pin_open_enum!(TokenEndpointAuthMethod, unknown: "tls_client_auth", {
        ClientSecretBasic => "client_secret_basic",
        ClientSecretPost => "client_secret_post",
        PrivateKeyJwt => "private_key_jwt",
        None => "none",
    });
    pin_open_enum!(ResponseType, unknown: "token", {
        Code => "code",
    });
    pin_open_enum!(CodeChallengeMethod, unknown: "plain", {
        S256 => "S256",
    });
    pin_open_enum!(ResponseMode, unknown: "jwt", {
        Query => "query",
        Direct => "direct",
        Fragment => "fragment",
        FormPost => "form_post",
    });
    pin_open_enum!(Prompt, unknown: "create", {
        None => "none",
        Login => "login",
        Consent => "consent",
        SelectAccount => "select_account",
    });
    pin_open_enum!(CallbackType, unknown: "device_code", {
        AuthorizationCode => "authorization_code",
        Ciba => "urn:openid:params:grant-type:ciba",
    });
    pin_open_enum!(TokenTypeHint, unknown: "id_token", {
        AccessToken => "access_token",
        RefreshToken => "refresh_token",
    });
}

#[rustfmt::skip]
const KEYS: &[&str] = &[
    "response_type", "client_id", "redirect_uri", "scope", "state", "resource", "applicationId", "authId",
    "executionId", "ui_locales", "showInsecureWarning", "code", "iss", "error", "error_description",
    "errorCode", "errorMessage", "request_uri", "expires_in", "assertion", "type", "logoutId", "status",
    "access_token", "token_type", "refresh_token", "id_token", "issued_token_type", "grant_type", "token",
    "active", "exp", "aud", "cnf", "sub",
];

proptest! {
    #[test]
    fn authorize_types_round_trip(
        request in authorize_strategies::authorize_request(),
        redirect in authorize_strategies::authorize_redirect_params(),
        success in authorize_strategies::authorization_success(),
        error in authorize_strategies::authorization_error_params(),
        gate in authorize_strategies::gate_error_params(),
        par in authorize_strategies::pushed_authorization_response(),
    ) {
        round_trips(&request)?;
        round_trips(&redirect)?;
        round_trips(&success)?;
        round_trips(&error)?;
        round_trips(&gate)?;
        round_trips(&par)?;
    }

    #[test]
    fn form_bodies_survive_form_pairs(request in authorize_strategies::authorize_request(), params in token_strategies::token_request_params()) {
        let pairs = to_form_pairs(&request).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(from_form_pairs::<AuthorizeRequest, _, _, _>(pairs).map_err(|e| TestCaseError::fail(e.to_string()))?, request);
        prop_assert_eq!(from_form_pairs::<TokenRequestParams, _, _, _>(params.to_pairs()).map_err(|e| TestCaseError::fail(e.to_string()))?, params);
    }

    #[test]
    fn token_types_round_trip(
        params in token_strategies::token_request_params(),
        response in token_strategies::token_response(),
        grant_type in token_strategies::grant_type(),
        token_type_uri in token_strategies::token_type_uri(),
        token_type in token_strategies::token_type(),
        auth_method in token_strategies::token_endpoint_auth_method(),
    ) {
        round_trips(&params)?;
        round_trips(&response)?;
        round_trips(&grant_type)?;
        round_trips(&token_type_uri)?;
        round_trips(&token_type)?;
        round_trips(&auth_method)?;
    }

    #[test]
    fn other_endpoint_types_round_trip(
        introspection in introspect_strategies::introspection_request(),
        introspection_response in introspect_strategies::introspection_response(),
        revocation in revoke_strategies::revocation_request(),
        callback in callback_strategies::auth_callback_request(),
        callback_response in callback_strategies::auth_callback_response(),
        ciba in callback_strategies::ciba_callback_response(),
        logout in callback_strategies::logout_callback_request(),
        hint in super::strategies::token_type_hint(),
    ) {
        round_trips(&introspection)?;
        round_trips(&introspection_response)?;
        round_trips(&revocation)?;
        round_trips(&callback)?;
        round_trips(&callback_response)?;
        round_trips(&ciba)?;
        round_trips(&logout)?;
        round_trips(&hint)?;
    }

    #[test]
    fn enums_round_trip(
        response_type in authorize_strategies::response_type(),
        method in authorize_strategies::code_challenge_method(),
        mode in authorize_strategies::response_mode(),
        prompt in authorize_strategies::prompt(),
        callback_type in callback_strategies::callback_type(),
    ) {
        round_trips(&response_type)?;
        round_trips(&method)?;
        round_trips(&mode)?;
        round_trips(&prompt)?;
        round_trips(&callback_type)?;
    }

    #[test]
    fn parsing_random_json_never_panics(any_value in json_value(), object in json_object_with_keys(KEYS)) {
        for value in [any_value, object] {
            let _ = serde_json::from_value::<AuthorizeRequest>(value.clone());
            let _ = serde_json::from_value::<AuthorizeRedirectParams>(value.clone());
            let _ = serde_json::from_value::<AuthorizationSuccess>(value.clone());
            let _ = serde_json::from_value::<AuthorizationErrorParams>(value.clone());
            let _ = serde_json::from_value::<GateErrorParams>(value.clone());
            let _ = serde_json::from_value::<PushedAuthorizationResponse>(value.clone());
            let _ = serde_json::from_value::<TokenRequestParams>(value.clone());
            let _ = serde_json::from_value::<TokenResponse>(value.clone());
            let _ = serde_json::from_value::<IntrospectionRequest>(value.clone());
            let _ = serde_json::from_value::<IntrospectionResponse>(value.clone());
            let _ = serde_json::from_value::<RevocationRequest>(value.clone());
            let _ = serde_json::from_value::<AuthCallbackRequest>(value.clone());
            let _ = serde_json::from_value::<AuthCallbackResponse>(value.clone());
            let _ = serde_json::from_value::<CibaCallbackResponse>(value.clone());
            let _ = serde_json::from_value::<LogoutCallbackRequest>(value.clone());
            let _ = serde_json::from_value::<GrantType>(value.clone());
            let _ = from_form_pairs::<TokenRequestParams, _, String, String>(
                value.as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.to_string())),
            );
        }
    }
}

#[test]
fn assertion_and_secrets_stay_out_of_debug() {
    let request = AuthCallbackRequest::new(AuthId::new(AUTH_ID), Assertion::new("eyJ.secret.sig"));
    assert_eq!(
        format!("{request:?}"),
        format!(
            r#"AuthCallbackRequest {{ auth_id: AuthId("{AUTH_ID}"), assertion: Assertion([redacted]), callback_type: None }}"#
        )
    );
}
