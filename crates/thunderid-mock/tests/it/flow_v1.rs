//! The V1 app-native sign-in (`response_mode=direct`, `POST /oauth2/authn`): the first step, a
//! sign-in whose code goes through `/oauth2/token` with PKCE, the same user and flow as V2, failed
//! attempts and expiry, and the helpers of the other V1 modules. Bad requests, the tenant paths
//! and CORS are in `flow_v1_requests`; the second factor and federated sign-in in
//! `flow_v1_mfa_federated`.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::StatusCode;
use serde_json::{Map, Value, json};
use thunderid_mock::Fixtures;

use crate::callback::{CHALLENGE, SPA, SPA_CALLBACK, VERIFIER};
use crate::discovery::redact_base;
use crate::flow_support::{THOR_ID, assert_uuid_v7, execute, step};
use crate::support::{Reply, TestServer, assert_json_eq};

/// base64url("BasicAuthenticator:LOCAL"), as the SDKs hard-code it.
pub const BASIC: &str = "QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM";

/// The SDK's authorize payload for a PKCE client, plus `response_mode=direct`.
pub fn direct_form(client_id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".to_owned()),
        ("client_id", client_id.to_owned()),
        ("redirect_uri", SPA_CALLBACK.to_owned()),
        ("scope", "openid profile".to_owned()),
        ("state", "v1-state".to_owned()),
        ("code_challenge", CHALLENGE.to_owned()),
        ("code_challenge_method", "S256".to_owned()),
        ("response_mode", "direct".to_owned()),
    ]
}

/// `POST {path}` with a form body and `Accept: application/json`, as `initializeEmbeddedSignInFlow`.
pub async fn post_authorize(t: &TestServer, path: &str, form: &[(&str, String)]) -> Reply {
    t.send(
        t.client
            .post(t.url(path))
            .header("accept", "application/json")
            .form(form),
    )
    .await
}

/// Start a V1 flow for `client_id` and return the 200 body.
pub async fn initiate(t: &TestServer, client_id: &str) -> Value {
    let reply = post_authorize(t, "/oauth2/authorize", &direct_form(client_id)).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    reply.json()
}

/// `POST {links[0].href}` with the selection, as `executeEmbeddedSignInFlow` does.
pub async fn authn_at(
    t: &TestServer,
    href: &str,
    flow_id: &Value,
    id: &str,
    params: Value,
) -> Reply {
    let body = json!({
        "flowId": flow_id,
        "selectedAuthenticator": {"authenticatorId": id, "params": params},
    });
    t.send(t.client.post(href).json(&body)).await
}

/// One step of `flow` (its `flowId` and `links`), expecting HTTP 200.
pub async fn authn(t: &TestServer, flow: &Value, id: &str, params: Value) -> Value {
    let href = flow["links"][0]["href"].as_str().expect("links[0].href");
    let reply = authn_at(t, href, &flow["flowId"], id, params).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    reply.json()
}

/// Thor's credentials.
pub fn thor() -> Value {
    json!({"username": "thor", "password": "Thor@12345"})
}

/// The body with generated values checked for shape and replaced: `flowId` → `[flow-id]`, the base
/// URL → `[base]`, `authData.code` → `[code]`, `authData.session_state` → `[session-state]`, and
/// the fake IdP's `state` and `nonce` → `[idp-state]` / `[idp-nonce]`.
#[track_caller]
pub fn redacted(t: &TestServer, body: &Value) -> Value {
    let mut body = redact_base(body.clone(), t.server.base_url());
    if let Some(flow_id) = body.get("flowId").and_then(Value::as_str) {
        assert_uuid_v7(flow_id);
        body["flowId"] = json!("[flow-id]");
    }
    if let Some(code) = body.pointer("/authData/code").and_then(Value::as_str) {
        assert!(
            code.len() == 27
                && code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "not an authorization code: {code}"
        );
        body["authData"]["code"] = json!("[code]");
    }
    if let Some(session) = body
        .pointer("/authData/session_state")
        .and_then(Value::as_str)
    {
        let (digest, salt) = session.split_once('.').expect("hash.salt");
        assert!(is_hex(digest, 64) && is_hex(salt, 32), "{session}");
        body["authData"]["session_state"] = json!("[session-state]");
    }
    redact_idp(&mut body);
    body
}

fn is_hex(text: &str, length: usize) -> bool {
    text.len() == length && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The fake IdP's random `state` and `nonce` in a REDIRECTION_PROMPT's `additionalData`.
fn redact_idp(body: &mut Value) {
    let Some(authenticators) = body
        .pointer_mut("/nextStep/authenticators")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for authenticator in authenticators {
        let Some(data) = authenticator.pointer_mut("/metadata/additionalData") else {
            continue;
        };
        let state = data["state"].as_str().unwrap_or_default().to_owned();
        assert!(is_hex(&state, 64), "IdP state: {state}");
        data["state"] = json!("[idp-state]");
        let url = data["redirectUrl"].as_str().unwrap_or_default();
        let parsed = url::Url::parse(&url.replace("[base]", "http://base")).expect("a URL");
        let nonce = parsed
            .query_pairs()
            .find(|(k, _)| k == "nonce")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        assert!(is_hex(&nonce, 64), "IdP nonce: {nonce}");
        let url = url
            .replace(&state, "[idp-state]")
            .replace(&nonce, "[idp-nonce]");
        data["redirectUrl"] = json!(url);
    }
}

/// Exchange a V1 code as the SDK does after `SUCCESS_COMPLETED` (public client, PKCE).
pub async fn exchange(t: &TestServer, client_id: &str, code: &str) -> Reply {
    t.post_form(
        "/oauth2/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", SPA_CALLBACK),
            ("client_id", client_id),
            ("code_verifier", VERIFIER),
        ],
    )
    .await
}

/// A token's claims, verified against the served JWKS (signature only: the clock is fixed).
pub async fn verify_with_jwks(t: &TestServer, token: &str) -> Map<String, Value> {
    let jwks = t.get("/oauth2/jwks").await.json();
    let header = jsonwebtoken::decode_header(token).expect("a JWS header");
    let key = jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["kid"].as_str() == header.kid.as_deref())
        .unwrap_or_else(|| panic!("no JWK for kid {:?}", header.kid));
    let decoding = DecodingKey::from_rsa_components(
        key["n"].as_str().expect("n"),
        key["e"].as_str().expect("e"),
    )
    .expect("an RSA key");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    jsonwebtoken::decode::<Map<String, Value>>(token, &decoding, &validation)
        .expect("the token verifies against the JWKS")
        .claims
}

/// The claims that differ between two sign-ins of the same user.
fn stable(mut claims: Map<String, Value>) -> Map<String, Value> {
    for volatile in [
        "iat",
        "nbf",
        "exp",
        "jti",
        "auth_time",
        "at_hash",
        "sid",
        "tfid",
    ] {
        claims.remove(volatile);
    }
    claims
}

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn direct_authorize_answers_the_first_step_as_json() {
    let t = TestServer::start().await;
    let body = initiate(&t, SPA).await;
    assert_eq!(
        body["links"][0]["href"],
        json!(t.url("/oauth2/authn")),
        "links[0].href is absolute"
    );
    insta::assert_json_snapshot!("initiate_basic", redacted(&t, &body));
}

#[tokio::test]
async fn get_with_response_mode_direct_answers_the_same_json() {
    let t = TestServer::start().await;
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(direct_form(SPA))
        .finish();
    let reply = t.get(&format!("/oauth2/authorize?{query}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let form_body = initiate(&t, SPA).await;
    assert_json_eq(&redacted(&t, &reply.json()), &redacted(&t, &form_body));
}

#[tokio::test]
async fn a_v1_code_exchanges_with_pkce_and_its_id_token_verifies_against_the_jwks() {
    let t = TestServer::start().await;
    let flow = initiate(&t, SPA).await;
    let done = authn(&t, &flow, BASIC, thor()).await;
    insta::assert_json_snapshot!("success", redacted(&t, &done));
    assert_eq!(done["authData"]["state"], "v1-state");
    let code = done["authData"]["code"].as_str().expect("a code");
    let reply = t
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", SPA_CALLBACK),
                ("client_id", SPA),
                (
                    "code_verifier",
                    "wrong-verifier-wrong-verifier-wrong-verifier-0",
                ),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{reply:?}");
    assert_eq!(reply.json()["error"], "invalid_grant");
    let flow = initiate(&t, SPA).await;
    let done = authn(&t, &flow, BASIC, thor()).await;
    let code = done["authData"]["code"].as_str().expect("a code");
    let tokens = exchange(&t, SPA, code).await;
    assert_eq!(tokens.status, StatusCode::OK, "{tokens:?}");
    let tokens = tokens.json();
    let claims = verify_with_jwks(&t, tokens["id_token"].as_str().expect("id_token")).await;
    assert_eq!(claims["sub"], THOR_ID);
    assert_eq!(claims["aud"], SPA);
    assert_eq!(
        exchange(&t, SPA, code).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn v1_and_v2_sign_the_same_user_in_through_the_same_flow() {
    let t = TestServer::start().await;
    let flow = initiate(&t, SPA).await;
    let done = authn(&t, &flow, BASIC, thor()).await;
    let v1_code = done["authData"]["code"]
        .as_str()
        .expect("a code")
        .to_owned();
    let v2_code = v2_code(&t).await;
    let mut tokens = Vec::new();
    for code in [v1_code, v2_code] {
        let reply = exchange(&t, SPA, &code).await;
        assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
        let id_token = reply.json()["id_token"]
            .as_str()
            .expect("id_token")
            .to_owned();
        tokens.push(stable(verify_with_jwks(&t, &id_token).await));
    }
    assert_json_eq(&json!(tokens[0]), &json!(tokens[1]));
    assert_eq!(tokens[0]["sub"], THOR_ID);
}

/// The same sign-in through V2: authorize, `/flow/execute`, the callback.
async fn v2_code(t: &TestServer) -> String {
    let mut form = direct_form(SPA);
    form.retain(|(k, _)| *k != "response_mode");
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&form)
        .finish();
    let reply = t.get(&format!("/oauth2/authorize?{query}")).await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    let location = reply.location();
    let value = |name: &str| {
        location
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    let first = execute(t, &json!({"executionId": value("executionId")}), None).await;
    let done = step(t, &first.json(), Some("action_001"), thor()).await;
    assert_eq!(done["flowStatus"], "COMPLETE", "{done}");
    let callback = t
        .post_json(
            "/oauth2/auth/callback",
            &json!({"authId": value("authId"), "assertion": done["assertion"]}),
        )
        .await;
    let redirect = url::Url::parse(callback.json()["redirect_uri"].as_str().unwrap_or_default())
        .expect("a redirect");
    redirect
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code")
}

#[tokio::test]
async fn a_wrong_password_is_fail_incomplete_and_the_flow_goes_on() {
    let t = TestServer::start().await;
    let flow = initiate(&t, SPA).await;
    let wrong = json!({"username": "thor", "password": "nope"});
    let failed = authn(&t, &flow, BASIC, wrong).await;
    insta::assert_json_snapshot!("fail_incomplete", redacted(&t, &failed));
    assert_eq!(failed["flowId"], flow["flowId"]);
    let done = authn(&t, &failed, BASIC, thor()).await;
    assert_eq!(done["flowStatus"], "SUCCESS_COMPLETED", "{done}");
}

#[tokio::test]
async fn the_fifth_failure_ends_the_flow_with_fail_completed() {
    let t = TestServer::start().await;
    let flow = initiate(&t, SPA).await;
    let wrong = json!({"username": "thor", "password": "nope"});
    for _ in 0..4 {
        let failed = authn(&t, &flow, BASIC, wrong.clone()).await;
        assert_eq!(failed["flowStatus"], "FAIL_INCOMPLETE", "{failed}");
    }
    let ended = authn(&t, &flow, BASIC, wrong).await;
    insta::assert_json_snapshot!("fail_completed_attempts", redacted(&t, &ended));
    let after = authn_at(&t, &t.url("/oauth2/authn"), &flow["flowId"], BASIC, thor()).await;
    assert_unknown_flow(&after);
    assert_eq!(t.server.stats().flow_executions, 0, "the execution is gone");
}

#[tokio::test]
async fn max_failed_attempts_comes_from_the_server_settings() {
    let mut fixtures = Fixtures::bundled();
    fixtures.server.flow.max_failed_attempts = 2;
    let t = TestServer::with_fixtures(fixtures).await;
    let flow = initiate(&t, SPA).await;
    let wrong = json!({"username": "nobody", "password": "nope"});
    let first = authn(&t, &flow, BASIC, wrong.clone()).await;
    assert_eq!(first["flowStatus"], "FAIL_INCOMPLETE", "{first}");
    assert_eq!(
        first["nextStep"]["messages"][0]["message"],
        "User not found"
    );
    let second = authn(&t, &flow, BASIC, wrong).await;
    assert_eq!(second["flowStatus"], "FAIL_COMPLETED", "{second}");
}

#[tokio::test]
async fn an_expired_flow_is_fail_completed_and_then_unknown() {
    let t = TestServer::start().await;
    let flow = initiate(&t, SPA).await;
    t.server.clock().advance(Duration::from_secs(3599));
    let wrong = json!({"username": "thor", "password": "nope"});
    let failed = authn(&t, &flow, BASIC, wrong).await;
    assert_eq!(failed["flowStatus"], "FAIL_INCOMPLETE", "{failed}");
    t.server.clock().advance(Duration::from_secs(1));
    let ended = authn(&t, &flow, BASIC, thor()).await;
    insta::assert_json_snapshot!("fail_completed_expired", redacted(&t, &ended));
    let again = authn_at(&t, &t.url("/oauth2/authn"), &flow["flowId"], BASIC, thor()).await;
    assert_unknown_flow(&again);
}

/// The 400 of an unknown or finished `flowId`.
#[track_caller]
pub fn assert_unknown_flow(reply: &Reply) {
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{reply:?}");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_json_eq(
        &reply.json(),
        &json!({
            "code": "FES-1004",
            "message": {"key": "error.flowexecservice.invalid_execution_id", "defaultValue": "Invalid request"},
            "description": {
                "key": "error.flowexecservice.invalid_execution_id_description",
                "defaultValue": "Invalid flow execution ID provided in the request"
            }
        }),
    );
}
