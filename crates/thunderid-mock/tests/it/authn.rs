//! The direct authentication API (`/auth/...`): the `Direct-Auth-Secret` guard, body decoding and
//! structural validation, the auth response and its assertion, step-up, and each method.

use reqwest::Method;
use serde_json::{Map, Value, json};
use thunderid_mock::bundled::{LOKI, THOR};
use thunderid_mock::{Fixtures, MockServer, TokenType};

use crate::flow_support::{THOR_ID, redacted, verify_assertion};
use crate::support::{EPOCH, Reply, TestServer, assert_json_eq};

/// The bundled fixtures' secret.
pub const SECRET: &str = "sample-direct-auth-secret";

/// POST `body` to `path` with the bundled secret.
pub async fn direct(t: &TestServer, path: &str, body: &Value) -> Reply {
    t.send(
        t.client
            .post(t.url(path))
            .header("direct-auth-secret", SECRET)
            .json(body),
    )
    .await
}

/// POST a raw body to `path` with the bundled secret.
async fn direct_raw(t: &TestServer, path: &str, body: &'static str) -> Reply {
    t.send(
        t.client
            .post(t.url(path))
            .header("direct-auth-secret", SECRET)
            .body(body),
    )
    .await
}

fn thor_credentials() -> Value {
    json!({"identifiers": {"username": THOR.username}, "credentials": {"password": THOR.password}})
}

/// The assertion's claims, verified, with `jti` and `iss` checked and replaced.
pub fn assertion_claims(t: &TestServer, body: &Value) -> Map<String, Value> {
    let token = body["assertion"].as_str().expect("an assertion");
    verify_assertion(t, token)
}

const CREDENTIALS: &str = "/auth/credentials/authenticate";

#[tokio::test]
async fn without_the_secret_every_method_is_a_bare_401() {
    let t = TestServer::start().await;
    for secret in [None, Some("wrong"), Some("")] {
        let mut request = t
            .client
            .post(t.url(CREDENTIALS))
            .header("origin", "http://localhost:3000")
            .json(&thor_credentials());
        if let Some(secret) = secret {
            request = request.header("direct-auth-secret", secret);
        }
        let reply = t.send(request).await;
        assert_eq!(reply.status, 401, "{secret:?}");
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
        assert_eq!(reply.header("access-control-allow-origin"), None);
        assert_json_eq(
            &reply.json(),
            &json!({
                "code": "AUTH-4010",
                "message": {"key": "error.auth.unauthorized", "defaultValue": "Unauthorized"},
                "description": {
                    "key": "error.auth.unauthorized_description",
                    "defaultValue": "Authentication is required to access this resource"
                }
            }),
        );
    }
}

#[tokio::test]
async fn an_unset_secret_refuses_even_an_empty_header() {
    let mut fixtures = Fixtures::bundled();
    fixtures.server.security.direct_auth_secret = String::new();
    let t = TestServer::with_fixtures(fixtures).await;
    let reply = t
        .send(
            t.client
                .post(t.url(CREDENTIALS))
                .header("direct-auth-secret", "")
                .json(&thor_credentials()),
        )
        .await;
    assert_eq!(reply.status, 401);
}

#[tokio::test]
async fn the_builder_sets_the_secret() {
    let t = TestServer::with(MockServer::builder().direct_auth_secret("s3cret")).await;
    let old = direct(&t, CREDENTIALS, &thor_credentials()).await;
    assert_eq!(old.status, 401);
    let reply = t
        .send(
            t.client
                .post(t.url(CREDENTIALS))
                .header("direct-auth-secret", "s3cret")
                .json(&thor_credentials()),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[tokio::test]
async fn a_preflight_is_unguarded_and_allows_no_secret_header() {
    let t = TestServer::start().await;
    let reply = t
        .send(
            t.client
                .request(Method::OPTIONS, t.url(CREDENTIALS))
                .header("origin", "http://localhost:3000")
                .header("access-control-request-method", "POST"),
        )
        .await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.header("access-control-allow-methods"), Some("POST"));
    assert_eq!(
        reply.header("access-control-allow-headers"),
        Some("Content-Type, Authorization")
    );
    assert_eq!(reply.header("access-control-max-age"), Some("600"));
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
}

#[tokio::test]
async fn a_body_that_is_not_the_request_is_authn_1000() {
    let t = TestServer::start().await;
    for body in [
        "{",
        "[]",
        r#"{"identifiers": "thor"}"#,
        r#"{"identifiers": {"username": "thor"}, "credentials": {"password": "x"}, "skipAssertion": "yes"}"#,
    ] {
        let reply = direct_raw(&t, CREDENTIALS, body).await;
        assert_eq!(reply.status, 400, "{body}");
        insta::assert_json_snapshot!("authn_invalid_request_format", reply.json());
    }
}

#[tokio::test]
async fn empty_maps_fail_the_structural_validation() {
    let t = TestServer::start().await;
    for body in ["null", "{}", r#"{"identifiers": {}, "credentials": null}"#] {
        let reply = direct_raw(&t, CREDENTIALS, body).await;
        assert_eq!(reply.status, 400, "{body}");
        insta::assert_json_snapshot!("authn_credentials_validation", reply.json());
    }
}

#[tokio::test]
async fn a_reserved_credential_type_is_refused_before_the_user_is_looked_up() {
    let t = TestServer::start().await;
    for key in ["otp", "sub", "flowSecret", "passkey"] {
        let body = json!({"identifiers": {"username": "nobody"}, "credentials": {key: "x"}});
        let reply = direct(&t, CREDENTIALS, &body).await;
        assert_eq!(reply.status, 400, "{key}");
        insta::assert_json_snapshot!("authn_reserved_credential", reply.json());
    }
}

#[tokio::test]
async fn an_unknown_user_is_404_and_a_wrong_password_401() {
    let t = TestServer::start().await;
    let unknown = json!({"identifiers": {"username": "nobody"}, "credentials": {"password": "x"}});
    let reply = direct(&t, CREDENTIALS, &unknown).await;
    assert_eq!(reply.status, 404);
    insta::assert_json_snapshot!("authn_user_not_found", reply.json());
    let by_id = json!({"identifiers": {"userID": "no-such-id"}, "credentials": {"password": "x"}});
    assert_eq!(direct(&t, CREDENTIALS, &by_id).await.status, 404);
    for credentials in [
        json!({"password": "wrong"}),
        // Only stored credential types with a non-empty string are checked; none is a failure.
        json!({"pin": "1234"}),
        json!({"password": ""}),
        json!({"password": 12345}),
    ] {
        let body = json!({"identifiers": {"username": THOR.username}, "credentials": credentials});
        let reply = direct(&t, CREDENTIALS, &body).await;
        assert_eq!(reply.status, 401, "{credentials}");
        insta::assert_json_snapshot!("authn_invalid_credentials", reply.json());
    }
}

#[tokio::test]
async fn a_user_id_that_is_not_a_string_is_an_invalid_request() {
    let t = TestServer::start().await;
    for id in [json!(42), Value::Null] {
        let body = json!({"identifiers": {"userID": id}, "credentials": {"password": "x"}});
        let reply = direct(&t, CREDENTIALS, &body).await;
        assert_eq!(reply.status, 400, "{id}");
        insta::assert_json_snapshot!("authn_empty_attributes_or_credentials", reply.json());
    }
}

#[tokio::test]
async fn credentials_answer_the_user_and_a_signed_assertion() {
    let t = TestServer::start().await;
    let reply = direct(&t, CREDENTIALS, &thor_credentials()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    insta::assert_json_snapshot!("authn_credentials_response", redacted(&body));
    insta::assert_json_snapshot!("authn_credentials_assertion", assertion_claims(&t, &body));
    // By id, the same user.
    let by_id = json!({"identifiers": {"userID": THOR_ID}, "credentials": {"password": THOR.password}, "skipAssertion": true});
    let reply = direct(&t, CREDENTIALS, &by_id).await;
    assert_json_eq(
        &reply.json(),
        &json!({"id": THOR_ID, "type": "Person", "ouId": "01900000-0000-7000-8000-000000000002"}),
    );
}

#[tokio::test]
async fn skip_assertion_leaves_the_previous_assertion_unread() {
    let t = TestServer::start().await;
    let body = json!({
        "identifiers": {"username": THOR.username},
        "credentials": {"password": THOR.password},
        "skipAssertion": true,
        "assertion": "not-a-jwt"
    });
    let reply = direct(&t, CREDENTIALS, &body).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json().get("assertion"), None);
}

#[tokio::test]
async fn a_second_factor_steps_up_the_previous_assertion() {
    let t = TestServer::start().await;
    let first = direct(&t, CREDENTIALS, &thor_credentials()).await.json();
    t.server.advance(std::time::Duration::from_secs(5));
    let mut body = thor_credentials();
    body["assertion"] = first["assertion"].clone();
    let reply = direct(&t, CREDENTIALS, &body).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let claims = assertion_claims(&t, &reply.json());
    assert_json_eq(
        &claims["assurance"],
        &json!({
            "aal": "AAL1",
            "ial": "IAL1",
            "authenticators": [
                {"authenticator": "CredentialsAuthenticator", "step": 1, "timestamp": EPOCH},
                {"authenticator": "CredentialsAuthenticator", "step": 2, "timestamp": EPOCH + 5}
            ]
        }),
    );
}

#[tokio::test]
async fn a_previous_assertion_must_verify_and_name_the_same_user() {
    let t = TestServer::start().await;
    let thor = direct(&t, CREDENTIALS, &thor_credentials()).await.json();
    let loki = json!({
        "identifiers": {"username": LOKI.username},
        "credentials": {"password": LOKI.password},
        "assertion": thor["assertion"]
    });
    let reply = direct(&t, CREDENTIALS, &loki).await;
    assert_eq!(reply.status, 400);
    insta::assert_json_snapshot!("authn_assertion_subject_mismatch", reply.json());

    let now = t.server.now();
    let issuer = t.server.issuer().to_owned();
    let without_assurance = t.server.sign(
        TokenType::Jwt,
        &json!({"sub": THOR_ID, "iss": issuer, "exp": now + 60}),
    );
    let bad_assurance = t.server.sign(
        TokenType::Jwt,
        &json!({"sub": THOR_ID, "iss": issuer, "exp": now + 60, "assurance": {"aal": 2}}),
    );
    let foreign_issuer = t.server.sign(
        TokenType::Jwt,
        &json!({"sub": THOR_ID, "iss": "https://elsewhere", "exp": now + 60, "assurance": {}}),
    );
    for assertion in [
        "garbage".to_owned(),
        without_assurance,
        bad_assurance,
        foreign_issuer,
    ] {
        let mut body = thor_credentials();
        body["assertion"] = json!(assertion);
        let reply = direct(&t, CREDENTIALS, &body).await;
        assert_eq!(reply.status, 400, "{assertion}");
        insta::assert_json_snapshot!("authn_invalid_assertion", reply.json());
    }
    // An expired one too (past exp and the 30 s leeway).
    t.server.advance(std::time::Duration::from_secs(3600 + 30));
    let mut body = thor_credentials();
    body["assertion"] = thor["assertion"].clone();
    assert_eq!(direct(&t, CREDENTIALS, &body).await.status, 400);
}
