//! `GET|POST /oauth2/userinfo`.

use std::time::Duration;

use serde_json::json;

use crate::callback::{M2M, M2M_SECRET, SPA, THOR, basic, spa_tokens};
use crate::support::{Reply, TestServer, assert_json_eq};

async fn userinfo(t: &TestServer, authorization: Option<&str>) -> Reply {
    let mut request = t.client.get(t.url("/oauth2/userinfo"));
    if let Some(authorization) = authorization {
        request = request.header("authorization", authorization);
    }
    t.send(request).await
}

#[track_caller]
fn assert_bearer_error(reply: &Reply, status: u16, error: &str, description: &str) {
    assert_eq!(reply.status, status, "{reply:?}");
    assert_eq!(
        reply.header("www-authenticate"),
        Some(format!("Bearer error=\"{error}\", error_description=\"{description}\"").as_str())
    );
    assert_json_eq(
        &reply.json(),
        &json!({"error": error, "error_description": description}),
    );
}

#[tokio::test]
async fn claims_follow_the_granted_scopes_with_sorted_keys() {
    let t = TestServer::start().await;
    let tokens = spa_tokens(&t, "openid profile email").await;
    let bearer = format!("Bearer {}", tokens["access_token"].as_str().unwrap());
    let reply = userinfo(&t, Some(&bearer)).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("pragma"), Some("no-cache"));
    assert_eq!(
        reply.body,
        format!(
            "{{\"email\":\"thor@asgard.example\",\"family_name\":\"Odinson\",\"given_name\":\"Thor\",\"sub\":\"{THOR}\"}}\n"
        )
    );
    let post = t
        .send(
            t.client
                .post(t.url("/oauth2/userinfo"))
                .header("authorization", &bearer),
        )
        .await;
    assert_eq!(post.body, reply.body);

    let only_openid = spa_tokens(&t, "openid").await;
    let reply = userinfo(
        &t,
        Some(&format!(
            "bearer {}",
            only_openid["access_token"].as_str().unwrap()
        )),
    )
    .await;
    assert_json_eq(&reply.json(), &json!({"sub": THOR}));
}

#[tokio::test]
async fn no_credentials_is_a_bare_401() {
    let t = TestServer::start().await;
    for authorization in [None, Some("Basic abc"), Some("")] {
        let reply = userinfo(&t, authorization).await;
        assert_eq!(reply.status, 401, "{authorization:?}");
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
        assert_eq!(reply.body, "");
    }
}

#[tokio::test]
async fn a_malformed_bearer_header_is_a_400() {
    let t = TestServer::start().await;
    for authorization in ["Bearer", "Bearer    "] {
        let reply = userinfo(&t, Some(authorization)).await;
        assert_bearer_error(
            &reply,
            400,
            "invalid_request",
            "Invalid or malformed Bearer token",
        );
    }
}

#[tokio::test]
async fn bad_expired_revoked_and_other_tokens_are_invalid() {
    let t = TestServer::start().await;
    let tokens = spa_tokens(&t, "openid").await;
    let description = "The access token is invalid, expired, or malformed";
    for token in [
        "garbage",
        tokens["id_token"].as_str().unwrap(),
        tokens["refresh_token"].as_str().unwrap(),
    ] {
        assert_bearer_error(
            &userinfo(&t, Some(&format!("Bearer {token}"))).await,
            401,
            "invalid_token",
            description,
        );
    }
    let access = tokens["access_token"].as_str().unwrap();
    let revoke = t
        .post_form("/oauth2/revoke", &[("token", access), ("client_id", SPA)])
        .await;
    assert_eq!(revoke.status, 200);
    assert_bearer_error(
        &userinfo(&t, Some(&format!("Bearer {access}"))).await,
        401,
        "invalid_token",
        description,
    );

    let fresh = spa_tokens(&t, "openid").await;
    t.server.clock().advance(Duration::from_secs(3600 + 31));
    let bearer = format!("Bearer {}", fresh["access_token"].as_str().unwrap());
    assert_bearer_error(
        &userinfo(&t, Some(&bearer)).await,
        401,
        "invalid_token",
        description,
    );
}

#[tokio::test]
async fn a_client_credentials_token_is_not_for_userinfo() {
    let t = TestServer::start().await;
    let form = [
        ("grant_type", "client_credentials"),
        ("scope", "booking:read"),
        ("resource", "https://api.booking.example"),
    ];
    let reply = t
        .send(
            t.client
                .post(t.url("/oauth2/token"))
                .header("authorization", basic(M2M, M2M_SECRET))
                .form(&form),
        )
        .await;
    let bearer = format!("Bearer {}", reply.json()["access_token"].as_str().unwrap());
    assert_bearer_error(
        &userinfo(&t, Some(&bearer)).await,
        401,
        "invalid_token",
        "UserInfo endpoint is not applicable for client_credentials grant type",
    );
}

#[tokio::test]
async fn without_openid_the_scope_is_insufficient() {
    let t = TestServer::start().await;
    let tokens = spa_tokens(&t, "profile").await;
    let bearer = format!("Bearer {}", tokens["access_token"].as_str().unwrap());
    assert_bearer_error(
        &userinfo(&t, Some(&bearer)).await,
        403,
        "insufficient_scope",
        "The 'openid' scope is required for this request",
    );
}

#[tokio::test]
async fn the_dpop_scheme_cannot_bind_a_bearer_token() {
    let t = TestServer::start().await;
    let reply = userinfo(&t, Some("DPoP abc")).await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.header("www-authenticate"),
        Some(
            "DPoP algs=\"ES256 PS256 ES384 ES512 EdDSA RS256\", error=\"invalid_token\", \
             error_description=\"Exactly one DPoP header is required\""
        )
    );
    assert_json_eq(
        &reply.json(),
        &json!({"error": "invalid_token", "error_description": "Exactly one DPoP header is required"}),
    );
}
