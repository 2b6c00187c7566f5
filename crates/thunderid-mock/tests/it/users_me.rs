//! `/users/me`: any JWT the server signed is a Bearer token; the security middleware's 401s; the
//! USR-* errors of each call.

use reqwest::Method;
use serde_json::{Value, json};
use thunderid_mock::TokenType;
use thunderid_protocol::ApiErrorCode;

use crate::support::{EPOCH, Reply, TestServer, assert_json_eq};

mod bearer;

pub(crate) const THOR: &str = "01900000-0000-7000-8000-000000000101";
pub(crate) const SPA_APP: &str = "01900000-0000-7000-8000-0000000000a1";
const M2M_APP: &str = "01900000-0000-7000-8000-0000000000a4";

/// An access token for `sub` as the token endpoint issues one (`at+jwt`, one hour).
pub(crate) fn access_token(t: &TestServer, sub: &str) -> String {
    let claims = json!({
        "iss": t.server.issuer(), "sub": sub, "aud": "sample-spa", "exp": EPOCH + 3600, "iat": EPOCH,
        "nbf": EPOCH, "jti": "01900000-0000-7000-8000-00000000f001", "scope": "openid profile email",
        "client_id": "sample-spa", "grant_type": "authorization_code"
    });
    t.server.sign(TokenType::AccessToken, &claims)
}

/// A flow assertion for `sub`, as `/flow/execute` returns on COMPLETE (`JWT`, `aud` = application).
pub(crate) fn flow_assertion(t: &TestServer, sub: &str) -> String {
    sign(
        t,
        json!({
            "iss": t.server.issuer(), "sub": sub, "aud": SPA_APP, "exp": EPOCH + 3600, "iat": EPOCH, "nbf": EPOCH,
            "jti": "01900000-0000-7000-8000-00000000f002",
            "assurance": {"aal": "AAL1", "ial": "IAL1", "authenticators": []}
        }),
    )
}

/// A client_credentials access token: its subject is the application, not a user.
pub(crate) fn client_credentials_token(t: &TestServer) -> String {
    let claims = json!({
        "iss": t.server.issuer(), "sub": M2M_APP, "aud": "sample-m2m", "exp": EPOCH + 3600, "iat": EPOCH,
        "client_id": "sample-m2m", "grant_type": "client_credentials"
    });
    t.server.sign(TokenType::AccessToken, &claims)
}

fn sign(t: &TestServer, claims: Value) -> String {
    t.server.sign(TokenType::Jwt, &claims)
}

/// A request with `Authorization: Bearer <token>` and, when given, a JSON body.
pub(crate) async fn call(
    t: &TestServer,
    method: Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> Reply {
    let mut request = t.client.request(method, t.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(body);
    }
    t.send(request).await
}

async fn call_raw(t: &TestServer, method: Method, path: &str, token: &str, body: &str) -> Reply {
    let request = t
        .client
        .request(method, t.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json");
    t.send(request.body(body.to_owned())).await
}

/// Envelope A for `code`, written out from the protocol's table.
fn api_error(code: ApiErrorCode) -> Value {
    serde_json::to_value(code.to_error()).unwrap_or_default()
}

#[track_caller]
fn assert_api_error(reply: &Reply, status: u16, code: ApiErrorCode) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_json_eq(&reply.json(), &api_error(code));
}

fn thor() -> Value {
    json!({
        "id": THOR, "ouId": "01900000-0000-7000-8000-000000000002", "type": "Person",
        "attributes": {"username": "thor", "email": "thor@asgard.example", "given_name": "Thor",
            "family_name": "Odinson", "mobile_number": "+15550100001"},
        "isReadOnly": false
    })
}

#[tokio::test]
async fn an_access_token_reads_the_signed_in_user() {
    let t = TestServer::start().await;
    let reply = call(&t, Method::GET, "/users/me", &access_token(&t, THOR), None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_json_eq(&reply.json(), &thor());
}

#[tokio::test]
async fn a_flow_assertion_works_as_the_bearer_token_too() {
    let t = TestServer::start().await;
    let token = flow_assertion(&t, THOR);
    let reply = call(&t, Method::GET, "/users/me", &token, None).await;
    assert_eq!(reply.status, 200);
    assert_json_eq(&reply.json(), &thor());
    let reply = call(&t, Method::GET, "/users/me/meta", &token, None).await;
    assert_eq!(reply.status, 200);
    let body = json!({"attributes": {"username": "thor", "email": "thor@asgard.example"}});
    assert_eq!(
        call(&t, Method::PUT, "/users/me", &token, Some(&body))
            .await
            .status,
        200
    );
    let body = json!({"attributes": {"password": "Mjolnir@2026"}});
    assert_eq!(
        call(
            &t,
            Method::POST,
            "/users/me/update-credentials",
            &token,
            Some(&body)
        )
        .await
        .status,
        204
    );
}

#[tokio::test]
async fn include_display_adds_the_display_name_and_the_ou_handle() {
    let t = TestServer::start().await;
    let token = access_token(&t, THOR);
    let reply = call(&t, Method::GET, "/users/me?include=display", &token, None).await;
    assert_eq!(reply.status, 200);
    let mut expected = thor();
    expected["display"] = json!("thor");
    expected["ouHandle"] = json!("engineering");
    assert_json_eq(&reply.json(), &expected);
    // Only `include=display`, and only the first `include`, counts.
    let reply = call(
        &t,
        Method::GET,
        "/users/me?include=displays&include=display",
        &token,
        None,
    )
    .await;
    assert_json_eq(&reply.json(), &thor());
}

#[tokio::test]
async fn put_replaces_the_whole_attribute_set_and_echoes_the_request() {
    let t = TestServer::start().await;
    let token = access_token(&t, THOR);
    let attributes = json!({"username": "thor", "email": "god.of.thunder@asgard.example", "given_name": "Donar",
        "nickname": "Point Break"});
    let reply = call(
        &t,
        Method::PUT,
        "/users/me",
        &token,
        Some(&json!({"attributes": attributes})),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    // The answer carries the attributes as sent, undeclared ones included…
    assert_json_eq(
        &reply.json(),
        &json!({"id": THOR, "ouId": "01900000-0000-7000-8000-000000000002", "type": "Person",
            "attributes": attributes, "isReadOnly": false}),
    );
    // …but only declared ones are stored, and the others are gone.
    let stored = call(&t, Method::GET, "/users/me", &token, None)
        .await
        .json();
    assert_json_eq(
        &stored["attributes"],
        &json!({"username": "thor", "email": "god.of.thunder@asgard.example", "given_name": "Donar"}),
    );
}

#[tokio::test]
async fn put_errors_follow_the_user_service() {
    let t = TestServer::start().await;
    let token = access_token(&t, THOR);
    let put = |body: Value| {
        let (t, token) = (&t, &token);
        async move { call(t, Method::PUT, "/users/me", token, Some(&body)).await }
    };
    let cases = [
        (json!({}), 400, ApiErrorCode::UserInvalidRequestFormat),
        (
            json!({"attributes": []}),
            400,
            ApiErrorCode::UserInvalidRequestFormat,
        ),
        (
            json!({"attributes": {"username": "thor", "email": "a@b.example", "password": "x"}}),
            400,
            ApiErrorCode::UserInvalidRequestFormat,
        ),
        (
            json!({"attributes": {}}),
            400,
            ApiErrorCode::UserSchemaValidationFailed,
        ),
        (
            json!({"attributes": {"email": "thor@asgard.example"}}),
            400,
            ApiErrorCode::UserSchemaValidationFailed,
        ),
        (
            json!({"attributes": {"username": "thor", "email": "not-an-email"}}),
            400,
            ApiErrorCode::UserSchemaValidationFailed,
        ),
        (
            json!({"attributes": {"username": "thor", "email": "thor@asgard.example", "given_name": 7}}),
            400,
            ApiErrorCode::UserSchemaValidationFailed,
        ),
        (
            json!({"attributes": {"username": "thor", "email": "loki@asgard.example"}}),
            409,
            ApiErrorCode::UserAttributeConflict,
        ),
        (
            json!({"attributes": {"username": "loki", "email": "thor@asgard.example"}}),
            409,
            ApiErrorCode::UserAttributeConflict,
        ),
    ];
    for (body, status, code) in cases {
        let reply = put(body.clone()).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        assert_json_eq(&reply.json(), &api_error(code));
    }
    let reply = call_raw(
        &t,
        Method::PUT,
        "/users/me",
        &token,
        r#"{"attributes": null}"#,
    )
    .await;
    assert_api_error(&reply, 400, ApiErrorCode::UserSchemaValidationFailed);
    for body in ["", "not json", "[]", r#"{"attributes": "thor"}"#] {
        let reply = call_raw(&t, Method::PUT, "/users/me", &token, body).await;
        assert_api_error(&reply, 400, ApiErrorCode::UserInvalidRequestFormat);
    }
    // Go's decoder reads the first JSON value and ignores what follows.
    let reply = call_raw(
        &t,
        Method::PUT,
        "/users/me",
        &token,
        r#"{"attributes": {"username": "thor", "email": "thor@asgard.example"}} trailing"#,
    )
    .await;
    assert_eq!(reply.status, 200);
    // Nothing was changed by the refused requests.
    let stored = call(&t, Method::GET, "/users/me", &token, None)
        .await
        .json();
    assert_json_eq(
        &stored["attributes"],
        &json!({"username": "thor", "email": "thor@asgard.example"}),
    );
}

#[tokio::test]
async fn meta_is_the_user_types_schema_with_the_labels_the_sdk_looks_for() {
    let t = TestServer::start().await;
    let reply = call(
        &t,
        Method::GET,
        "/users/me/meta",
        &access_token(&t, THOR),
        None,
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let body = reply.json();
    assert_eq!(
        body["schema"]["given_name"]["displayName"],
        json!("First Name")
    );
    assert_eq!(
        body["schema"]["family_name"]["displayName"],
        json!("Last Name")
    );
    insta::assert_json_snapshot!(body);
}

#[tokio::test]
async fn update_credentials_changes_the_password() {
    let t = TestServer::start().await;
    let body = json!({"attributes": {"password": "Mjolnir@2026"}});
    let reply = call(
        &t,
        Method::POST,
        "/users/me/update-credentials",
        &access_token(&t, THOR),
        Some(&body),
    )
    .await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.body, "");
    assert_eq!(reply.header("content-type"), None);
    assert!(t.server.password_matches(THOR, "Mjolnir@2026"));
    assert!(!t.server.password_matches(THOR, "Thor@12345"));
}

#[tokio::test]
async fn update_credentials_errors_follow_the_user_service() {
    let t = TestServer::start().await;
    let token = access_token(&t, THOR);
    let cases = [
        (r#"{}"#, 400, ApiErrorCode::UserMissingCredentials),
        (
            r#"{"attributes": null}"#,
            400,
            ApiErrorCode::UserMissingCredentials,
        ),
        (
            r#"{"attributes": {}}"#,
            400,
            ApiErrorCode::UserMissingCredentials,
        ),
        (
            r#"{"credentials": {"password": "x"}}"#,
            400,
            ApiErrorCode::UserMissingCredentials,
        ),
        (
            r#"{"attributes": "Mjolnir@2026"}"#,
            400,
            ApiErrorCode::UserInvalidRequestFormat,
        ),
        (
            r#"{"attributes": {"password": 2026}}"#,
            400,
            ApiErrorCode::UserInvalidRequestFormat,
        ),
        (r#"not json"#, 400, ApiErrorCode::UserInvalidRequestFormat),
        (r#""#, 400, ApiErrorCode::UserInvalidRequestFormat),
        (
            r#"{"attributes": {"password": "  "}}"#,
            400,
            ApiErrorCode::UserInvalidCredential,
        ),
        (
            r#"{"attributes": {"password": null}}"#,
            400,
            ApiErrorCode::UserInvalidCredential,
        ),
        (
            r#"{"attributes": {"email": "x@y.example"}}"#,
            400,
            ApiErrorCode::UserInvalidCredential,
        ),
        (
            r#"{"attributes": {"passkey": "x"}}"#,
            400,
            ApiErrorCode::UserInvalidCredential,
        ),
    ];
    for (body, status, code) in cases {
        let reply = call_raw(
            &t,
            Method::POST,
            "/users/me/update-credentials",
            &token,
            body,
        )
        .await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        assert_json_eq(&reply.json(), &api_error(code));
    }
    assert!(
        t.server.password_matches(THOR, "Thor@12345"),
        "refused requests change nothing"
    );
}

#[tokio::test]
async fn a_token_whose_subject_is_not_a_user_is_user_not_found() {
    let t = TestServer::start().await;
    let token = client_credentials_token(&t);
    let attributes = json!({"attributes": {"username": "x", "email": "x@y.example"}});
    let credentials = json!({"attributes": {"password": "Mjolnir@2026"}});
    for (method, path, body) in [
        (Method::GET, "/users/me", None),
        (Method::PUT, "/users/me", Some(&attributes)),
        (Method::GET, "/users/me/meta", None),
        (
            Method::POST,
            "/users/me/update-credentials",
            Some(&credentials),
        ),
    ] {
        let reply = call(&t, method, path, &token, body).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_json_eq(
            &reply.json(),
            &json!({"code": "USR-1003",
                "message": {"key": "error.userservice.user_not_found", "defaultValue": "User not found"},
                "description": {"key": "error.userservice.user_not_found_description",
                    "defaultValue": "The user with the specified id does not exist"}}),
        );
    }
}

#[tokio::test]
async fn a_token_without_a_subject_is_authentication_failed() {
    let t = TestServer::start().await;
    // An error assertion has no `sub`.
    let token = sign(
        &t,
        json!({"iss": t.server.issuer(), "aud": SPA_APP, "exp": EPOCH + 60,
        "flow_error_type": "end_user_error"}),
    );
    for (method, path) in [
        (Method::GET, "/users/me"),
        (Method::GET, "/users/me/meta"),
        (Method::PUT, "/users/me"),
        (Method::POST, "/users/me/update-credentials"),
    ] {
        let reply = call(&t, method, path, &token, Some(&json!({}))).await;
        assert_api_error(&reply, 401, ApiErrorCode::UserAuthenticationFailed);
        assert_eq!(reply.header("www-authenticate"), None);
    }
}
