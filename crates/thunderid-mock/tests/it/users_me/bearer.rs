//! The security middleware in front of `/users/me`: no token, rejected tokens, expiry on the mock
//! clock and revocation.

use reqwest::Method;
use serde_json::{Value, json};

use super::{THOR, access_token, call, sign};
use crate::support::{EPOCH, Reply, TestServer, assert_json_eq};

/// AUTH-4010 with the given `WWW-Authenticate` challenge.
#[track_caller]
fn assert_unauthorized(reply: &Reply, challenge: &str) {
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert_eq!(reply.header("www-authenticate"), Some(challenge));
    assert_json_eq(
        &reply.json(),
        &json!({"code": "AUTH-4010",
            "message": {"key": "error.auth.unauthorized", "defaultValue": "Unauthorized"},
            "description": {"key": "error.auth.unauthorized_description",
                "defaultValue": "Authentication is required to access this resource"}}),
    );
}

const INVALID_TOKEN: &str = "Bearer error=\"invalid_token\", error_description=\"The access token is invalid, expired, or malformed\"";

#[tokio::test]
async fn without_a_bearer_token_every_call_is_challenged() {
    let t = TestServer::start().await;
    for (method, path) in [
        (Method::GET, "/users/me"),
        (Method::PUT, "/users/me"),
        (Method::GET, "/users/me/meta"),
        (Method::POST, "/users/me/update-credentials"),
    ] {
        let reply = t.send(t.client.request(method.clone(), t.url(path))).await;
        assert_unauthorized(&reply, "Bearer");
        for header in ["Basic dGhvcjpUaG9yQDEyMzQ1", "Bearer", "Token abc"] {
            let reply = t
                .send(
                    t.client
                        .request(method.clone(), t.url(path))
                        .header("authorization", header),
                )
                .await;
            assert_unauthorized(&reply, "Bearer");
        }
    }
}

#[tokio::test]
async fn a_rejected_token_gets_the_invalid_token_challenge() {
    let t = TestServer::start().await;
    let issuer = t.server.issuer().to_owned();
    let good = access_token(&t, THOR);
    let mut tampered = good.clone();
    tampered.truncate(tampered.len() - 4);
    tampered.push_str("AAAA");
    // alg none: {"alg":"none","typ":"JWT"} . {"iss":<issuer>,"sub":THOR,"exp":EPOCH+3600} .
    let b64 = |v: Value| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let unsigned = format!(
        "{}.{}.",
        b64(json!({"alg": "none", "typ": "JWT"})),
        b64(json!({"iss": issuer, "sub": THOR, "exp": EPOCH + 3600}))
    );
    let rejected = [
        "not-a-jwt".to_owned(),
        tampered,
        unsigned,
        sign(
            &t,
            json!({"iss": "https://elsewhere.example", "sub": THOR, "exp": EPOCH + 3600}),
        ),
        sign(&t, json!({"sub": THOR, "exp": EPOCH + 3600})),
        sign(&t, json!({"iss": issuer, "sub": THOR})),
        sign(&t, json!({"iss": issuer, "sub": THOR, "exp": "tomorrow"})),
        // Expired once now >= exp + 30 s of leeway…
        sign(&t, json!({"iss": issuer, "sub": THOR, "exp": EPOCH - 30})),
        // …and not valid before nbf - 30 s.
        sign(
            &t,
            json!({"iss": issuer, "sub": THOR, "exp": EPOCH + 3600, "nbf": EPOCH + 31}),
        ),
    ];
    for token in &rejected {
        let reply = call(&t, Method::GET, "/users/me", token, None).await;
        assert_unauthorized(&reply, INVALID_TOKEN);
    }
    // Trailing whitespace is not part of a header value, so `Bearer    ` is a bare `Bearer`: no
    // authenticator claims it.
    let reply = t
        .send(
            t.client
                .get(t.url("/users/me"))
                .header("authorization", "Bearer    "),
        )
        .await;
    assert_unauthorized(&reply, "Bearer");
    // The leeway edges are still accepted, and the scheme is case-insensitive.
    for token in [
        sign(&t, json!({"iss": issuer, "sub": THOR, "exp": EPOCH - 29})),
        sign(
            &t,
            json!({"iss": issuer, "sub": THOR, "exp": EPOCH + 3600, "nbf": EPOCH + 30}),
        ),
    ] {
        assert_eq!(
            call(&t, Method::GET, "/users/me", &token, None)
                .await
                .status,
            200
        );
    }
    let reply = t
        .send(
            t.client
                .get(t.url("/users/me"))
                .header("authorization", format!("bearer {good}")),
        )
        .await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn tokens_expire_on_the_mock_clock() {
    let t = TestServer::start().await;
    let token = access_token(&t, THOR);
    t.server
        .clock()
        .advance(std::time::Duration::from_secs(3600 + 29));
    assert_eq!(
        call(&t, Method::GET, "/users/me", &token, None)
            .await
            .status,
        200
    );
    t.server.clock().advance(std::time::Duration::from_secs(1));
    assert_unauthorized(
        &call(&t, Method::GET, "/users/me", &token, None).await,
        INVALID_TOKEN,
    );
}

#[tokio::test]
async fn a_revoked_token_or_token_family_is_refused() {
    let t = TestServer::start().await;
    let token = access_token(&t, THOR);
    let issuer = t.server.issuer().to_owned();
    let family = sign(
        &t,
        json!({"iss": issuer, "sub": THOR, "exp": EPOCH + 3600, "tfid": "family-1"}),
    );
    assert_eq!(
        call(&t, Method::GET, "/users/me", &token, None)
            .await
            .status,
        200
    );
    assert_eq!(
        call(&t, Method::GET, "/users/me", &family, None)
            .await
            .status,
        200
    );
    t.server
        .revoke_token("01900000-0000-7000-8000-00000000f001", EPOCH + 3600);
    t.server.revoke_token_family("family-1");
    assert_unauthorized(
        &call(&t, Method::GET, "/users/me", &token, None).await,
        INVALID_TOKEN,
    );
    assert_unauthorized(
        &call(&t, Method::GET, "/users/me", &family, None).await,
        INVALID_TOKEN,
    );
}
