//! `POST /oauth2/introspect` and `POST /oauth2/revoke`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::callback::{
    M2M, M2M_SECRET, SPA, THOR, WEB, WEB_SECRET, assertion_for, basic, spa_tokens,
};
use crate::support::{Reply, TestServer, assert_json_eq};

async fn introspect(t: &TestServer, token: &str) -> Reply {
    let form = [("token", token), ("token_type_hint", "access_token")];
    t.send(
        t.client
            .post(t.url("/oauth2/introspect"))
            .header("authorization", basic(WEB, WEB_SECRET))
            .form(&form),
    )
    .await
}

async fn revoke_as_spa(t: &TestServer, token: &str) -> Reply {
    t.post_form(
        "/oauth2/revoke",
        &[
            ("token", token),
            ("token_type_hint", "access_token"),
            ("client_id", SPA),
        ],
    )
    .await
}

#[track_caller]
fn assert_inactive(reply: &Reply) {
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.body, "{\"active\":false}\n");
}

fn redact_uuid(
    value: insta::internals::Content,
    _path: insta::internals::ContentPath<'_>,
) -> String {
    uuid::Uuid::parse_str(value.as_str().unwrap_or_default()).expect("a UUID");
    "[uuid]".to_owned()
}

fn without_issuer(t: &TestServer, mut body: Value) -> Value {
    assert_eq!(body["iss"], t.server.issuer());
    body["iss"] = json!("[issuer]");
    body
}

#[tokio::test]
async fn an_access_token_is_active_with_its_claims() {
    let t = TestServer::start().await;
    let tokens = spa_tokens(&t, "openid profile").await;
    let reply = introspect(&t, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!("introspect_access_token", without_issuer(&t, reply.json()), {
        ".jti" => insta::dynamic_redaction(redact_uuid),
    });
}

#[tokio::test]
async fn a_refresh_token_is_active_and_names_its_client_as_subject() {
    let t = TestServer::start().await;
    let tokens = spa_tokens(&t, "openid").await;
    let reply = introspect(&t, tokens["refresh_token"].as_str().unwrap()).await;
    let mut body = reply.json();
    assert_eq!(body["active"], true);
    assert_eq!(body["sub"], SPA);
    assert_eq!(body["aud"], t.server.issuer());
    assert!(
        body.get("client_id").is_none(),
        "refresh tokens carry no client_id claim"
    );
    body["jti"] = json!("-");
    body["iss"] = json!("-");
    body["aud"] = json!("-");
    assert_json_eq(
        &body,
        &json!({"active": true, "scope": "openid", "token_type": "Bearer", "exp": crate::support::EPOCH + 86_400,
                "iat": crate::support::EPOCH, "nbf": crate::support::EPOCH, "sub": SPA, "aud": "-", "iss": "-", "jti": "-"}),
    );
}

#[tokio::test]
async fn anything_but_a_live_access_or_refresh_token_is_inactive() {
    let t = TestServer::start().await;
    let tokens = spa_tokens(&t, "openid").await;
    assert_inactive(&introspect(&t, tokens["id_token"].as_str().unwrap()).await);
    assert_inactive(&introspect(&t, &assertion_for(&t, "a", "b", THOR)).await);
    assert_inactive(&introspect(&t, "garbage").await);
    assert_inactive(&introspect(&t, "a.b.c").await);
    t.server.clock().advance(Duration::from_secs(3600 + 31));
    assert_inactive(&introspect(&t, tokens["access_token"].as_str().unwrap()).await);
}

#[tokio::test]
async fn introspection_needs_a_token_and_an_authenticated_client() {
    let t = TestServer::start().await;
    let reply = t
        .send(
            t.client
                .post(t.url("/oauth2/introspect"))
                .header("authorization", basic(WEB, WEB_SECRET))
                .form(&[("x", "y")]),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_json_eq(
        &reply.json(),
        &json!({"error": "invalid_request", "error_description": "Token parameter is required"}),
    );
    let reply = t.post_form("/oauth2/introspect", &[("token", "x")]).await;
    assert_eq!(reply.status, 400);
    assert_json_eq(
        &reply.json(),
        &json!({"error": "invalid_request", "error_description": "Missing client_id parameter"}),
    );
    let reply = t
        .send(
            t.client
                .post(t.url("/oauth2/introspect"))
                .header("authorization", basic(WEB, "wrong"))
                .form(&[("token", "x")]),
        )
        .await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.header("www-authenticate"), Some("Basic"));
}

#[tokio::test]
async fn revocation_answers_200_with_an_empty_body_even_for_unknown_tokens() {
    let t = TestServer::start().await;
    for token in ["garbage", "a.b.c"] {
        let reply = revoke_as_spa(&t, token).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        assert_eq!(reply.body, "");
        assert_eq!(reply.header("content-type"), None);
    }
}

#[tokio::test]
async fn a_revoked_access_token_is_inactive() {
    let t = TestServer::start().await;
    let tokens = spa_tokens(&t, "openid").await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(revoke_as_spa(&t, access).await.status, 200);
    assert_inactive(&introspect(&t, access).await);
}

#[tokio::test]
async fn revoking_a_refresh_token_revokes_its_family() {
    let t = TestServer::start().await;
    let tokens = spa_tokens(&t, "openid").await;
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert_eq!(revoke_as_spa(&t, refresh).await.status, 200);
    assert_inactive(&introspect(&t, tokens["access_token"].as_str().unwrap()).await);
    assert_inactive(&introspect(&t, refresh).await);
    let reply = t
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh),
                ("client_id", SPA),
            ],
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_json_eq(
        &reply.json(),
        &json!({"error": "invalid_grant", "error_description": "Invalid refresh token"}),
    );
}

#[tokio::test]
async fn another_clients_token_cannot_be_revoked() {
    let t = TestServer::start().await;
    let tokens = spa_tokens(&t, "openid").await;
    for token in [
        &tokens["access_token"],
        &tokens["refresh_token"],
        &tokens["id_token"],
    ] {
        let form = [("token", token.as_str().unwrap())];
        let reply = t
            .send(
                t.client
                    .post(t.url("/oauth2/revoke"))
                    .header("authorization", basic(M2M, M2M_SECRET))
                    .form(&form),
            )
            .await;
        assert_eq!(reply.status, 400, "{reply:?}");
        assert_json_eq(
            &reply.json(),
            &json!({"error": "invalid_grant", "error_description": "The token was not issued to the authenticated client"}),
        );
    }
    assert_eq!(
        introspect(&t, tokens["access_token"].as_str().unwrap())
            .await
            .json()["active"],
        true
    );
}

#[tokio::test]
async fn an_expired_token_can_still_be_revoked() {
    let t = TestServer::start().await;
    let tokens = spa_tokens(&t, "openid").await;
    t.server.clock().advance(Duration::from_secs(7200));
    assert_eq!(
        revoke_as_spa(&t, tokens["refresh_token"].as_str().unwrap())
            .await
            .status,
        200
    );
    let reply = revoke_as_spa(&t, "").await;
    assert_eq!(reply.status, 400);
    assert_json_eq(
        &reply.json(),
        &json!({"error": "invalid_request", "error_description": "Token parameter is required"}),
    );
}

#[tokio::test]
async fn revocation_authenticates_the_client_first() {
    let t = TestServer::start().await;
    let reply = t
        .post_form(
            "/oauth2/revoke",
            &[
                ("token", "x"),
                ("client_id", WEB),
                ("client_secret", WEB_SECRET),
            ],
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_json_eq(
        &reply.json(),
        &json!({"error": "unauthorized_client", "error_description": "Client is not allowed to use the specified authentication method"}),
    );
}
