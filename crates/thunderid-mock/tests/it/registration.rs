//! `POST /oauth2/dcr/register`: who may register, what a registration answers (members in
//! alphabetical order), that the new client signs in at once, and the metadata the server refuses.

use serde_json::{Value, json};

use crate::callback::{basic, query_string, query_value};
use crate::support::{Reply, TestServer, assert_json_eq};

const ADMIN: &str = "01900000-0000-7000-8000-000000000100";

fn admin_token(t: &TestServer) -> String {
    t.server.mint_access_token(ADMIN, "sample-spa", &["system"])
}

async fn register(t: &TestServer, body: &Value) -> Reply {
    let token = admin_token(t);
    t.send(
        t.client
            .post(t.url("/oauth2/dcr/register"))
            .bearer_auth(token)
            .json(body),
    )
    .await
}

#[track_caller]
fn assert_error(reply: &Reply, status: u16, error: &str, description: &str) {
    assert_eq!(reply.status.as_u16(), status, "{reply:?}");
    assert_json_eq(
        &reply.json(),
        &json!({"error": error, "error_description": description}),
    );
}

#[tokio::test]
async fn registration_needs_a_token_holding_system() {
    let t = TestServer::start().await;
    let body = json!({"redirect_uris": ["https://app.example/cb"]});
    let anonymous = t.post_json("/oauth2/dcr/register", &body).await;
    let description = "Authentication with sufficient permissions is required to register a client";
    assert_error(&anonymous, 401, "unauthorized_client", description);
    assert_eq!(anonymous.header("www-authenticate"), None);
    let user = t.server.mint_access_token(
        crate::callback::THOR,
        "sample-spa",
        &["openid", "system:user"],
    );
    let weak = t
        .send(
            t.client
                .post(t.url("/oauth2/dcr/register"))
                .bearer_auth(user)
                .json(&body),
        )
        .await;
    assert_error(&weak, 401, "unauthorized_client", description);
    let invalid = t
        .send(
            t.client
                .post(t.url("/oauth2/dcr/register"))
                .bearer_auth("not-a-token")
                .json(&body),
        )
        .await;
    assert_error(&invalid, 401, "unauthorized_client", description);
}

#[tokio::test]
async fn a_registration_answers_201_with_the_client_in_alphabetical_order() {
    let t = TestServer::start().await;
    let reply = register(
        &t,
        &json!({"client_name": "My App", "redirect_uris": ["https://app.example/cb"], "scope": "openid  profile", "client_name#fr-ca": "Mon appli"}),
    )
    .await;
    assert_eq!(reply.status, 201, "{reply:?}");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("cache-control"), None);
    let body = reply.json();
    let client_id = body["client_id"].as_str().expect("client_id");
    assert_eq!(client_id.len(), 22, "16 random bytes, base64url");
    assert_eq!(body["client_secret"].as_str().map(str::len), Some(43));
    let app_id = body["app_id"].as_str().expect("app_id");
    assert_eq!(
        uuid::Uuid::parse_str(app_id).map(|u| u.get_version_num()),
        Ok(7)
    );
    let mut redacted = body.clone();
    redacted["app_id"] = json!("[app-id]");
    redacted["client_id"] = json!("[client-id]");
    redacted["client_secret"] = json!("[secret]");
    assert_json_eq(
        &redacted,
        &json!({
            "app_id": "[app-id]",
            "client_id": "[client-id]",
            "client_name": "My App",
            "client_name#fr-CA": "Mon appli",
            "client_secret": "[secret]",
            "client_secret_expires_at": 0,
            "grant_types": ["authorization_code"],
            "redirect_uris": ["https://app.example/cb"],
            "response_types": ["code"],
            "scope": "openid profile",
            "token_endpoint_auth_method": "client_secret_basic"
        }),
    );
    let members: Vec<&str> = body
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let order: Vec<usize> = members
        .iter()
        .map(|m| reply.body.find(&format!("\"{m}\":")).unwrap_or(0))
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "alphabetical on the wire: {}",
        reply.body
    );
}

#[tokio::test]
async fn a_registered_client_signs_in_at_once() {
    let t = TestServer::start().await;
    let m2m = register(&t, &json!({"client_name": "robot", "grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_post"})).await.json();
    assert_eq!(m2m.get("response_types"), None);
    let (id, secret) = (
        m2m["client_id"].as_str().unwrap_or_default(),
        m2m["client_secret"].as_str().unwrap_or_default(),
    );
    let tokens = t
        .send(t.client.post(t.url("/oauth2/token")).form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ]))
        .await;
    assert_eq!(tokens.status, 200, "{tokens:?}");

    let spa = register(&t, &json!({"redirect_uris": ["http://localhost:4000/cb"], "token_endpoint_auth_method": "none"})).await.json();
    let spa_id = spa["client_id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        spa["client_name"],
        json!(spa_id),
        "the client_id names an unnamed client"
    );
    assert_eq!(spa.get("client_secret"), None);
    let query = query_string(&[
        ("response_type", "code".to_owned()),
        ("client_id", spa_id.clone()),
        ("scope", "openid".to_owned()),
        ("code_challenge", crate::callback::CHALLENGE.to_owned()),
        ("code_challenge_method", "S256".to_owned()),
    ]);
    let reply = t.get(&format!("/oauth2/authorize?{query}")).await;
    assert_eq!(reply.status, 302);
    assert_eq!(
        reply.location().path(),
        "/gate/signin",
        "{}",
        reply.location()
    );
    assert!(query_value(&reply.location(), "authId").is_some());
    // Basic with the new secret works too.
    let web = register(
        &t,
        &json!({"client_name": "web", "grant_types": ["client_credentials"]}),
    )
    .await
    .json();
    let basic_tokens = t
        .send(
            t.client
                .post(t.url("/oauth2/token"))
                .header(
                    "authorization",
                    basic(
                        web["client_id"].as_str().unwrap_or_default(),
                        web["client_secret"].as_str().unwrap_or_default(),
                    ),
                )
                .form(&[("grant_type", "client_credentials")]),
        )
        .await;
    assert_eq!(basic_tokens.status, 200, "{basic_tokens:?}");
    // A reset forgets registered clients.
    t.server.reset();
    let after = t
        .send(t.client.post(t.url("/oauth2/token")).form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ]))
        .await;
    assert_eq!(after.status, 401);
}

#[tokio::test]
async fn metadata_the_server_refuses_is_refused_with_its_error_and_nothing_is_registered() {
    let t = TestServer::start().await;
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"redirect_uris": ["/relative"]}),
            "invalid_redirect_uri",
            "One or more provided redirect URIs are not valid URIs",
        ),
        (
            json!({"redirect_uris": ["https://app.example/cb#x"]}),
            "invalid_redirect_uri",
            "Redirect URIs must not contain a fragment component",
        ),
        (
            json!({"redirect_uris": ["https://*.example/cb"]}),
            "invalid_redirect_uri",
            "One or more provided redirect URIs are not valid URIs",
        ),
        (
            json!({}),
            "invalid_client_metadata",
            "authorization_code grant type requires redirect URIs",
        ),
        (
            json!({"grant_types": ["password"]}),
            "invalid_client_metadata",
            "One or more provided grant types are invalid",
        ),
        (
            json!({"grant_types": ["client_credentials"], "response_types": ["token"]}),
            "invalid_client_metadata",
            "One or more provided response types are invalid",
        ),
        (
            json!({"grant_types": ["client_credentials"], "response_types": ["code"]}),
            "invalid_client_metadata",
            "client_credentials grant type cannot be used with response types",
        ),
        (
            json!({"grant_types": ["client_credentials", "refresh_token"]}),
            "invalid_client_metadata",
            "refresh_token grant type requires a token-issuing grant type",
        ),
        (
            json!({"grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_jwt"}),
            "invalid_client_metadata",
            "The provided token endpoint authentication method is invalid",
        ),
        (
            json!({"grant_types": ["client_credentials"], "token_endpoint_auth_method": "private_key_jwt"}),
            "invalid_client_metadata",
            "private_key_jwt authentication method requires a certificate",
        ),
        (
            json!({"grant_types": ["client_credentials"], "token_endpoint_auth_method": "none"}),
            "invalid_client_metadata",
            "Single-page applications (public clients) must use the authorization_code grant type with PKCE for redirect-based flows. Direct (native) flow execution is not supported for browser-based single-page applications.",
        ),
        (
            json!({"grant_types": ["client_credentials"], "client_uri": "not a url"}),
            "invalid_client_metadata",
            "The provided application URL is not a valid URI",
        ),
        (
            json!({"grant_types": ["client_credentials"], "logo_uri": "logo.png"}),
            "invalid_client_metadata",
            "The provided logo URL is not a valid URI",
        ),
        (
            json!({"grant_types": ["client_credentials"], "ou_id": "no-such-unit"}),
            "invalid_client_metadata",
            "The request body is malformed or contains invalid data",
        ),
        (
            json!({"grant_types": ["client_credentials"], "jwks_uri": "https://keys.example/jwks", "jwks": {"keys": []}}),
            "invalid_client_metadata",
            "Cannot specify both 'jwks' and 'jwks_uri' parameters",
        ),
        (
            json!({"grant_types": ["client_credentials"], "jwks_uri": "http://keys.example/jwks"}),
            "invalid_client_metadata",
            "One or more client metadata values are invalid",
        ),
        (
            json!({"grant_types": ["client_credentials"], "tos_uri#fr": "not a url"}),
            "invalid_client_metadata",
            "One or more client metadata values are invalid",
        ),
        (
            json!({"grant_types": ["client_credentials"], "client_name#not a tag": "x"}),
            "invalid_client_metadata",
            "The request body is missing or has an invalid format",
        ),
        (
            json!({"redirect_uris": "https://app.example/cb"}),
            "invalid_client_metadata",
            "The request body is missing or has an invalid format",
        ),
        (
            json!({"grant_types": ["client_credentials"], "client_name": "sample-spa"}),
            "invalid_client_metadata",
            "An application with the same name already exists",
        ),
    ];
    for (body, error, description) in cases {
        assert_error(&register(&t, &body).await, 400, error, description);
    }
    let not_json = t
        .send(
            t.client
                .post(t.url("/oauth2/dcr/register"))
                .bearer_auth(admin_token(&t))
                .body("{"),
        )
        .await;
    assert_error(
        &not_json,
        400,
        "invalid_client_metadata",
        "The request body is missing or has an invalid format",
    );
    // The first registration of a name wins; the second is refused.
    let first = register(
        &t,
        &json!({"client_name": "twice", "grant_types": ["client_credentials"]}),
    )
    .await;
    assert_eq!(first.status, 201);
    assert_error(
        &register(
            &t,
            &json!({"client_name": "twice", "grant_types": ["client_credentials"]}),
        )
        .await,
        400,
        "invalid_client_metadata",
        "An application with the same name already exists",
    );
}

#[tokio::test]
async fn metadata_the_mock_does_not_serve_is_refused_by_name() {
    let t = TestServer::start().await;
    for (body, description) in [
        (
            json!({"grant_types": ["client_credentials"], "dpop_bound_access_tokens": true}),
            "DPoP-bound access tokens are not served by thunderid-mock",
        ),
        (
            json!({"grant_types": ["client_credentials"], "userinfo_signed_response_alg": "RS256"}),
            "signed or encrypted UserInfo and ID tokens are not served by thunderid-mock",
        ),
    ] {
        assert_error(
            &register(&t, &body).await,
            400,
            "invalid_client_metadata",
            description,
        );
    }
}

#[tokio::test]
async fn an_insecure_server_registers_without_a_token() {
    let mut fixtures = thunderid_mock::Fixtures::bundled();
    fixtures.server.oauth.dcr.insecure = true;
    let t = TestServer::with_fixtures(fixtures).await;
    let reply = t
        .post_json(
            "/oauth2/dcr/register",
            &json!({"grant_types": ["client_credentials"]}),
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:?}");
}
