//! `POST /oauth2/auth/callback`, and the OAuth helpers the other OAuth test modules share
//! ([`begin`], [`assertion_for`], [`authorization_code`], [`spa_tokens`], …).

#![allow(dead_code)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use thunderid_mock::TokenType;

use crate::support::{EPOCH, Reply, TestServer, assert_json_eq};

pub const SPA: &str = "sample-spa";
pub const SPA_APP_ID: &str = "01900000-0000-7000-8000-0000000000a1";
pub const SPA_CALLBACK: &str = "http://localhost:3000/callback";
pub const WEB: &str = "sample-web";
pub const WEB_SECRET: &str = "sample-web-secret";
pub const WEB_APP_ID: &str = "01900000-0000-7000-8000-0000000000a2";
pub const WEB_CALLBACK: &str = "http://localhost:3000/login";
pub const M2M: &str = "sample-m2m";
pub const M2M_SECRET: &str = "sample-m2m-secret";
pub const M2M_APP_ID: &str = "01900000-0000-7000-8000-0000000000a4";
pub const THOR: &str = "01900000-0000-7000-8000-000000000101";
/// RFC 7636 appendix B.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// `Authorization: Basic base64(urlencode(id):urlencode(secret))`, as the JS SDK builds it.
pub fn basic(id: &str, secret: &str) -> String {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", encode(id), encode(secret)))
    )
}

/// The query of an authorization request for the SPA (PKCE S256, `state`, `nonce`).
pub fn spa_query(scope: &str) -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".to_owned()),
        ("client_id", SPA.to_owned()),
        ("redirect_uri", SPA_CALLBACK.to_owned()),
        ("scope", scope.to_owned()),
        ("state", "xyz".to_owned()),
        ("nonce", "n-0S6_WzA2Mj".to_owned()),
        ("code_challenge", CHALLENGE.to_owned()),
        ("code_challenge_method", "S256".to_owned()),
    ]
}

/// The query of an authorization request for the confidential web app (no PKCE).
pub fn web_query(scope: &str) -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".to_owned()),
        ("client_id", WEB.to_owned()),
        ("redirect_uri", WEB_CALLBACK.to_owned()),
        ("scope", scope.to_owned()),
        ("state", "web-state".to_owned()),
    ]
}

pub fn query_string(query: &[(&str, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish()
}

/// Start an authorization through `GET /oauth2/authorize` and return where the gate was sent.
pub async fn begin_at_gate(t: &TestServer, query: &[(&str, String)]) -> url::Url {
    let reply = t
        .get(&format!("/oauth2/authorize?{}", query_string(query)))
        .await;
    assert_eq!(reply.status, 302, "{reply:?}");
    let location = reply.location();
    assert_eq!(location.path(), "/gate/signin", "{location}");
    location
}

/// Start an authorization and return its `authId`.
pub async fn begin(t: &TestServer, query: &[(&str, String)]) -> String {
    query_value(&begin_at_gate(t, query).await, "authId").expect("authId")
}

/// Thor signs in on the execution the gate was sent with (username and password), as the sign-in
/// page does, and the flow's assertion comes back: with the `aci` of the attributes it released.
pub async fn signed_in_assertion(t: &TestServer, gate: &url::Url) -> String {
    let execution_id = query_value(gate, "executionId").expect("executionId");
    let loaded = crate::flow_support::execute(t, &json!({"executionId": execution_id}), None).await;
    assert_eq!(loaded.status, 200, "{loaded:?}");
    let loaded = loaded.json();
    let action = loaded["data"]["actions"][0]["ref"]
        .as_str()
        .expect("the credentials action")
        .to_owned();
    let inputs = json!({"username": "thor", "password": "Thor@12345"});
    let done = crate::flow_support::step(t, &loaded, Some(&action), inputs).await;
    assert_eq!(done["flowStatus"], "COMPLETE", "{done}");
    done["assertion"].as_str().expect("an assertion").to_owned()
}

/// Sign `claims` with the server key as a flow would (`typ: JWT`).
pub fn sign(t: &TestServer, claims: &Value) -> String {
    t.server.sign(TokenType::Jwt, claims)
}

/// A success assertion for `auth_id`, as the flow engine mints it for an OAuth-initiated execution.
pub fn assertion_for(t: &TestServer, auth_id: &str, app_id: &str, user_id: &str) -> String {
    let now = t.server.now();
    sign(
        t,
        &json!({
            "iss": t.server.issuer(), "sub": user_id, "aud": app_id,
            "iat": now, "nbf": now, "exp": now + 3600, "jti": uuid::Uuid::now_v7().to_string(),
            "authorization_request_id": auth_id,
            "assurance": {"aal": "AAL1", "ial": "IAL1",
                "authenticators": [{"authenticator": "CredentialsAuthenticator", "step": 1, "timestamp": now}]}
        }),
    )
}

pub async fn callback(t: &TestServer, auth_id: &str, assertion: &str) -> Reply {
    t.post_json(
        "/oauth2/auth/callback",
        &json!({"authId": auth_id, "assertion": assertion}),
    )
    .await
}

/// The `redirect_uri` of a 200 callback reply, parsed.
pub fn redirect_of(reply: &Reply) -> url::Url {
    assert_eq!(reply.status, 200, "{reply:?}");
    let uri = reply.json()["redirect_uri"]
        .as_str()
        .expect("redirect_uri")
        .to_owned();
    url::Url::parse(&uri).unwrap_or_else(|e| panic!("bad redirect_uri {uri}: {e}"))
}

pub fn query_value(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Run authorize → callback for `query` as Thor and return the code.
pub async fn authorization_code(t: &TestServer, query: &[(&str, String)]) -> String {
    let gate = begin_at_gate(t, query).await;
    let auth_id = query_value(&gate, "authId").expect("authId");
    let assertion = signed_in_assertion(t, &gate).await;
    let redirect = redirect_of(&callback(t, &auth_id, &assertion).await);
    query_value(&redirect, "code").unwrap_or_else(|| panic!("no code in {redirect}"))
}

/// The SPA's token exchange for a fresh code (PKCE, no secret).
pub async fn spa_tokens(t: &TestServer, scope: &str) -> Value {
    let code = authorization_code(t, &spa_query(scope)).await;
    let reply = t
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", SPA_CALLBACK),
                ("client_id", SPA),
                ("code_verifier", VERIFIER),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    reply.json()
}

/// The web app's token exchange, authenticated as the JS SDK does (Basic + `client_id` in the body).
pub async fn web_tokens(t: &TestServer, scope: &str) -> Value {
    let code = authorization_code(t, &web_query(scope)).await;
    let request = t
        .client
        .post(t.url("/oauth2/token"))
        .header("authorization", basic(WEB, WEB_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", WEB_CALLBACK),
            ("client_id", WEB),
        ]);
    let reply = t.send(request).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    reply.json()
}

/// A verified token's claims (signature, `iss` and expiry checked against the server's key).
pub fn claims_of(t: &TestServer, token: &str) -> (Option<String>, serde_json::Map<String, Value>) {
    let verified = t.server.verify(token).expect("a valid token");
    (verified.typ, verified.claims)
}

// ---------------------------------------------------------------------------------------------

fn error_body(error: &str, description: &str) -> Value {
    json!({"error": error, "error_description": description})
}

#[tokio::test]
async fn malformed_input_is_the_only_400() {
    let t = TestServer::start().await;
    let send = |body: &'static str| {
        t.send(
            t.client
                .post(t.url("/oauth2/auth/callback"))
                .header("content-type", "application/json")
                .body(body),
        )
    };
    for (body, description) in [
        ("not json", "Invalid request body"),
        (r#"{"authId": 5, "assertion": "a"}"#, "Invalid request body"),
        (r#"{"assertion": "a"}"#, "authId is required"),
        (
            r#"{"authId": null, "assertion": "a"}"#,
            "authId is required",
        ),
        (r#"{"authId": "x"}"#, "assertion is required"),
        // A CIBA callback for no backchannel request (the CIBA branch's own first check).
        (
            r#"{"authId": "x", "assertion": "a", "type": "urn:openid:params:grant-type:ciba"}"#,
            "Invalid auth_req_id",
        ),
        (
            r#"{"authId": "x", "assertion": "a", "type": "password"}"#,
            "Unsupported callback type",
        ),
    ] {
        let reply = send(body).await;
        assert_eq!(reply.status, 400, "{body}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_json_eq(&reply.json(), &error_body("invalid_request", description));
    }
}

#[tokio::test]
async fn a_valid_assertion_yields_a_single_use_code_for_the_client() {
    let t = TestServer::start().await;
    let auth_id = begin(&t, &spa_query("openid profile")).await;
    let reply = callback(&t, &auth_id, &assertion_for(&t, &auth_id, SPA_APP_ID, THOR)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let redirect = redirect_of(&reply);
    let code = query_value(&redirect, "code").expect("code");
    assert_eq!(code.len(), 27, "20 random bytes, base64url");
    assert!(
        code.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{code}"
    );
    // The parameters come sorted, as Go's url.Values.Encode writes them; `&` is escaped as Go's
    // json.Encoder does.
    let expected = format!(
        "{SPA_CALLBACK}?code={code}&iss={}&state=xyz",
        url::form_urlencoded::byte_serialize(t.server.issuer().as_bytes()).collect::<String>()
    );
    assert_eq!(
        reply.body,
        format!(
            "{{\"redirect_uri\":\"{}\"}}\n",
            expected.replace('&', "\\u0026")
        )
    );
    let again = callback(&t, &auth_id, &assertion_for(&t, &auth_id, SPA_APP_ID, THOR)).await;
    let gate = redirect_of(&again);
    assert_eq!(gate.path(), "/gate/error");
    assert_eq!(
        gate.query(),
        Some("errorCode=invalid_request&errorMessage=Invalid+authorization+request")
    );
}

#[tokio::test]
async fn an_empty_type_means_authorization_code() {
    let t = TestServer::start().await;
    let auth_id = begin(&t, &spa_query("openid")).await;
    let assertion = assertion_for(&t, &auth_id, SPA_APP_ID, THOR);
    let reply = t
        .post_json(
            "/oauth2/auth/callback",
            &json!({"authId": auth_id, "assertion": assertion, "type": ""}),
        )
        .await;
    assert!(query_value(&redirect_of(&reply), "code").is_some());
}

#[tokio::test]
async fn an_unverifiable_assertion_goes_to_the_gate_and_keeps_the_request_alive() {
    let t = TestServer::start().await;
    let auth_id = begin(&t, &spa_query("openid")).await;
    let good = assertion_for(&t, &auth_id, SPA_APP_ID, THOR);
    let mut tampered = good.clone();
    tampered.replace_range(tampered.len() - 8.., "AAAAAAAA");
    for bad in [tampered.as_str(), "not-a-jwt", "a.b.c"] {
        let gate = redirect_of(&callback(&t, &auth_id, bad).await);
        assert_eq!(gate.path(), "/gate/error");
        assert_eq!(
            gate.query(),
            Some("errorCode=invalid_request&errorMessage=Authorization+request+failed")
        );
    }
    assert!(query_value(&redirect_of(&callback(&t, &auth_id, &good).await), "code").is_some());
}

#[tokio::test]
async fn an_expired_assertion_is_refused() {
    let t = TestServer::start().await;
    let auth_id = begin(&t, &spa_query("openid")).await;
    let assertion = assertion_for(&t, &auth_id, SPA_APP_ID, THOR);
    t.server
        .clock()
        .advance(std::time::Duration::from_secs(3600 + 31));
    let gate = redirect_of(&callback(&t, &auth_id, &assertion).await);
    assert_eq!(
        query_value(&gate, "errorMessage").as_deref(),
        Some("Authorization request failed")
    );
}

#[tokio::test]
async fn an_unknown_auth_id_goes_to_the_gate() {
    let t = TestServer::start().await;
    let assertion = assertion_for(&t, "no-such-request", SPA_APP_ID, THOR);
    let gate = redirect_of(&callback(&t, "no-such-request", &assertion).await);
    assert_eq!(
        gate.as_str(),
        t.url("/gate/error?errorCode=invalid_request&errorMessage=Invalid+authorization+request")
    );
}

#[tokio::test]
async fn an_assertion_for_another_request_is_denied_at_the_client() {
    let t = TestServer::start().await;
    let auth_id = begin(&t, &spa_query("openid")).await;
    let other = assertion_for(&t, "another-auth-id", SPA_APP_ID, THOR);
    let redirect = redirect_of(&callback(&t, &auth_id, &other).await);
    assert_eq!(
        redirect.as_str(),
        format!(
            "{SPA_CALLBACK}?error=access_denied&error_description=Assertion+does+not+match+the+authorization+request&iss={}&state=xyz",
            url::form_urlencoded::byte_serialize(t.server.issuer().as_bytes()).collect::<String>()
        )
    );
    // The request was consumed by that attempt.
    let gate =
        redirect_of(&callback(&t, &auth_id, &assertion_for(&t, &auth_id, SPA_APP_ID, THOR)).await);
    assert_eq!(gate.path(), "/gate/error");
}

#[tokio::test]
async fn an_assertion_without_a_subject_is_a_server_error_at_the_client() {
    let t = TestServer::start().await;
    let auth_id = begin(&t, &spa_query("openid")).await;
    let now = t.server.now();
    let assertion = sign(
        &t,
        &json!({"iss": t.server.issuer(), "aud": SPA_APP_ID, "iat": now, "exp": now + 60,
                "authorization_request_id": auth_id}),
    );
    let redirect = redirect_of(&callback(&t, &auth_id, &assertion).await);
    assert_eq!(
        query_value(&redirect, "error").as_deref(),
        Some("server_error")
    );
    assert_eq!(
        query_value(&redirect, "error_description").as_deref(),
        Some("Authorization request failed")
    );
    assert_eq!(query_value(&redirect, "state").as_deref(), Some("xyz"));
}

#[tokio::test]
async fn a_claim_of_the_wrong_type_makes_the_assertion_unreadable() {
    let t = TestServer::start().await;
    let auth_id = begin(&t, &spa_query("openid")).await;
    let now = t.server.now();
    let assertion = sign(
        &t,
        &json!({"iss": t.server.issuer(), "sub": THOR, "iat": now, "exp": now + 60, "authorization_request_id": 7}),
    );
    let gate = redirect_of(&callback(&t, &auth_id, &assertion).await);
    assert_eq!(
        query_value(&gate, "errorMessage").as_deref(),
        Some("Authorization request failed")
    );
    // Unreadable assertions never consume the request.
    assert!(
        query_value(
            &redirect_of(
                &callback(&t, &auth_id, &assertion_for(&t, &auth_id, SPA_APP_ID, THOR)).await
            ),
            "code"
        )
        .is_some()
    );
}

fn error_assertion(t: &TestServer, auth_id: &str, error_type: &str, description: &str) -> String {
    let now = t.server.now();
    sign(
        t,
        &json!({"iss": t.server.issuer(), "aud": SPA_APP_ID, "iat": now, "nbf": now, "exp": now + 3600,
                "jti": "e1", "authorization_request_id": auth_id, "flow_error_type": error_type,
                "flow_error_description": description}),
    )
}

#[tokio::test]
async fn an_end_user_error_is_access_denied_at_the_client_with_a_sanitised_description() {
    let t = TestServer::start().await;
    let auth_id = begin(&t, &spa_query("openid")).await;
    let assertion = error_assertion(&t, &auth_id, "end_user_error", "User denied \"consent\"\n");
    let redirect = redirect_of(&callback(&t, &auth_id, &assertion).await);
    assert_eq!(redirect.path(), "/callback");
    assert_eq!(
        query_value(&redirect, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(
        query_value(&redirect, "error_description").as_deref(),
        Some("User denied consent")
    );
    assert_eq!(query_value(&redirect, "state").as_deref(), Some("xyz"));

    let auth_id = begin(&t, &spa_query("openid")).await;
    let assertion = error_assertion(&t, &auth_id, "end_user_error", "é");
    let redirect = redirect_of(&callback(&t, &auth_id, &assertion).await);
    assert_eq!(
        query_value(&redirect, "error_description").as_deref(),
        Some("Access denied")
    );

    let auth_id = begin(&t, &spa_query("openid")).await;
    let assertion = error_assertion(&t, &auth_id, "end_user_error", &"y".repeat(400));
    let redirect = redirect_of(&callback(&t, &auth_id, &assertion).await);
    assert_eq!(
        query_value(&redirect, "error_description").map(|d| d.len()),
        Some(256)
    );
}

#[tokio::test]
async fn a_server_error_goes_to_the_gate_with_the_state() {
    let t = TestServer::start().await;
    let auth_id = begin(&t, &spa_query("openid")).await;
    let assertion = error_assertion(&t, &auth_id, "server_error", "");
    let gate = redirect_of(&callback(&t, &auth_id, &assertion).await);
    assert_eq!(
        gate.as_str(),
        t.url("/gate/error?errorCode=server_error&errorMessage=Failed+to+process+authorization+request&state=xyz")
    );
}

#[tokio::test]
async fn an_error_assertion_for_another_request_leaves_this_one_alive() {
    let t = TestServer::start().await;
    let auth_id = begin(&t, &spa_query("openid")).await;
    let assertion = error_assertion(&t, "another", "end_user_error", "no");
    let gate = redirect_of(&callback(&t, &auth_id, &assertion).await);
    assert_eq!(
        query_value(&gate, "errorMessage").as_deref(),
        Some("Error assertion does not match the authorization request")
    );
    assert!(
        query_value(
            &redirect_of(
                &callback(&t, &auth_id, &assertion_for(&t, &auth_id, SPA_APP_ID, THOR)).await
            ),
            "code"
        )
        .is_some()
    );
}

#[tokio::test]
async fn a_code_minted_from_an_old_assertion_expires_with_it() {
    let t = TestServer::start().await;
    let auth_id = begin(&t, &spa_query("openid")).await;
    let assertion = assertion_for(&t, &auth_id, SPA_APP_ID, THOR);
    // The code's lifetime runs from the assertion's `iat`: 600 s later it is born expired.
    t.server
        .clock()
        .advance(std::time::Duration::from_secs(600));
    let redirect = redirect_of(&callback(&t, &auth_id, &assertion).await);
    assert_eq!(
        query_value(&redirect, "error").as_deref(),
        Some("server_error")
    );
    assert_eq!(
        query_value(&redirect, "error_description").as_deref(),
        Some("Failed to process authorization request")
    );
    assert_eq!(EPOCH + 600, t.server.now());
}

#[tokio::test]
async fn authorized_permissions_replace_the_requested_permission_scopes() {
    let t = TestServer::start().await;
    let mut query = spa_query("openid booking:read booking:write");
    query.push(("resource", "https://api.booking.example".to_owned()));
    let auth_id = begin(&t, &query).await;
    let now = t.server.now();
    let assertion = sign(
        &t,
        &json!({"iss": t.server.issuer(), "sub": THOR, "aud": SPA_APP_ID, "iat": now, "nbf": now,
                "exp": now + 3600, "authorization_request_id": auth_id, "authorized_permissions": "booking:read"}),
    );
    let code = query_value(
        &redirect_of(&callback(&t, &auth_id, &assertion).await),
        "code",
    )
    .expect("code");
    let reply = t
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", SPA_CALLBACK),
                ("client_id", SPA),
                ("code_verifier", VERIFIER),
            ],
        )
        .await;
    assert_eq!(reply.json()["scope"], "openid booking:read");
}

#[tokio::test]
async fn preflight_is_answered_with_204() {
    let t = TestServer::start().await;
    let reply = t
        .request(reqwest::Method::OPTIONS, "/oauth2/auth/callback")
        .await;
    assert_eq!(reply.status, 204);
}
