//! `GET|POST /oauth2/logout` and `POST /oauth2/logout/callback`.

use std::time::Duration;

use serde_json::json;
use thunderid_mock::Fixtures;

use crate::callback::{SPA, SPA_APP_ID, WEB, spa_tokens};
use crate::support::{Reply, TestServer, assert_json_eq};

const AFTER_SIGN_OUT: &str = "http://localhost:3000/";

async fn logout(t: &TestServer, query: &[(&str, &str)]) -> Reply {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    t.get(&format!("/oauth2/logout?{query}")).await
}

#[track_caller]
fn assert_plain_400(reply: &Reply, message: &str) {
    assert_eq!(reply.status, 400, "{reply:?}");
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(reply.body, format!("{message}\n"));
}

/// A logout of the SPA as the gate finds it: started at `/oauth2/logout`, its `logoutId` read
/// from the redirect to the gate.
async fn pending(t: &TestServer, uri: &str, state: &str) -> String {
    let mut query = vec![("client_id", SPA)];
    if !uri.is_empty() {
        query.push(("post_logout_redirect_uri", uri));
    }
    if !state.is_empty() {
        query.push(("state", state));
    }
    let reply = logout(t, &query).await;
    assert_eq!(reply.status, 302, "{reply:?}");
    let location = reply.location();
    assert_eq!(location.path(), "/gate/signout");
    assert_eq!(
        location
            .query_pairs()
            .find(|(k, _)| k == "applicationId")
            .map(|(_, v)| v.into_owned())
            .as_deref(),
        Some(SPA_APP_ID)
    );
    location
        .query_pairs()
        .find(|(k, _)| k == "logoutId")
        .map(|(_, v)| v.into_owned())
        .expect("a logoutId")
}

/// The bundled fixtures with a post-logout URI that carries its own query.
fn with_query_uri() -> Fixtures {
    let mut fixtures = Fixtures::bundled();
    for app in &mut fixtures.applications {
        if let Some(oauth) = app.oauth.as_mut().filter(|o| o.client_id == SPA) {
            oauth
                .post_logout_redirect_uris
                .push("http://localhost:3000/?x=1".to_owned());
        }
    }
    fixtures
}

async fn complete(t: &TestServer, logout_id: &str) -> Reply {
    t.post_json("/oauth2/logout/callback", &json!({"logoutId": logout_id}))
        .await
}

#[tokio::test]
async fn the_client_must_be_named_and_known() {
    let t = TestServer::start().await;
    assert_plain_400(
        &logout(&t, &[]).await,
        "id_token_hint or client_id is required",
    );
    assert_plain_400(
        &logout(&t, &[("client_id", "nobody")]).await,
        "invalid client",
    );
    assert_plain_400(
        &logout(
            &t,
            &[
                ("client_id", SPA),
                ("post_logout_redirect_uri", "http://evil.example/"),
            ],
        )
        .await,
        "invalid post_logout_redirect_uri",
    );
    assert_plain_400(
        &t.get("/oauth2/logout?client_id=%zz").await,
        "invalid request",
    );
}

#[tokio::test]
async fn only_an_id_token_of_ours_is_a_hint() {
    let t = TestServer::start().await;
    let tokens = spa_tokens(&t, "openid").await;
    for hint in [
        "garbage",
        tokens["access_token"].as_str().unwrap(),
        tokens["refresh_token"].as_str().unwrap(),
    ] {
        assert_plain_400(
            &logout(&t, &[("id_token_hint", hint)]).await,
            "invalid id_token_hint",
        );
    }
    let id_token = tokens["id_token"].as_str().unwrap();
    assert_plain_400(
        &logout(&t, &[("id_token_hint", id_token), ("client_id", WEB)]).await,
        "client_id does not match id_token_hint",
    );
}

#[tokio::test]
async fn a_valid_logout_goes_to_the_gate_sign_out_page() {
    let t = TestServer::start().await;
    let tokens = spa_tokens(&t, "openid").await;
    // An expired ID token is still a valid hint.
    t.server.clock().advance(Duration::from_secs(7200));
    let query = [
        ("id_token_hint", tokens["id_token"].as_str().unwrap()),
        ("post_logout_redirect_uri", AFTER_SIGN_OUT),
        ("state", "sign_out_success"),
    ];
    let reply = logout(&t, &query).await;
    assert_eq!(reply.status, 302, "{reply:?}");
    let location = reply.location();
    assert_eq!(
        format!(
            "{}{}",
            location.origin().ascii_serialization(),
            location.path()
        ),
        t.url("/gate/signout")
    );
    let names: Vec<String> = location
        .query_pairs()
        .map(|(k, _)| k.into_owned())
        .collect();
    assert_eq!(names, ["applicationId", "executionId", "logoutId"]);
    let value = |name: &str| {
        location
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    assert_eq!(value("applicationId"), SPA_APP_ID);
    let callback = complete(&t, &value("logoutId")).await;
    assert_json_eq(
        &callback.json(),
        &json!({"redirect_uri": "http://localhost:3000/?state=sign_out_success"}),
    );
}

#[tokio::test]
async fn logout_also_accepts_a_form_post() {
    let t = TestServer::start().await;
    let reply = t
        .post_form("/oauth2/logout", &[("client_id", "nobody")])
        .await;
    assert_plain_400(&reply, "invalid client");
    let reply = t.post_form("/oauth2/logout", &[]).await;
    assert_plain_400(&reply, "id_token_hint or client_id is required");
}

#[tokio::test]
async fn the_callback_returns_the_post_logout_uri_with_state_once() {
    let t = TestServer::with_fixtures(with_query_uri()).await;
    let id = pending(&t, "http://localhost:3000/?x=1", "sign_out_success").await;
    let reply = complete(&t, &id).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(
        reply.body,
        "{\"redirect_uri\":\"http://localhost:3000/?state=sign_out_success\\u0026x=1\"}\n"
    );
    assert_json_eq(
        &complete(&t, &id).await.json(),
        &json!({"redirect_uri": ""}),
    );
    assert_json_eq(
        &complete(&t, "unknown").await.json(),
        &json!({"redirect_uri": ""}),
    );
    let id = pending(&t, AFTER_SIGN_OUT, "").await;
    assert_json_eq(
        &complete(&t, &id).await.json(),
        &json!({"redirect_uri": AFTER_SIGN_OUT}),
    );
    let id = pending(&t, "", "s").await;
    assert_json_eq(
        &complete(&t, &id).await.json(),
        &json!({"redirect_uri": ""}),
    );
}

#[tokio::test]
async fn a_logout_expires_after_ten_minutes() {
    let t = TestServer::start().await;
    let id = pending(&t, AFTER_SIGN_OUT, "s").await;
    t.server.clock().advance(Duration::from_secs(601));
    assert_json_eq(
        &complete(&t, &id).await.json(),
        &json!({"redirect_uri": ""}),
    );
}

#[tokio::test]
async fn the_callback_refuses_bad_input_as_plain_text() {
    let t = TestServer::start().await;
    assert_plain_400(
        &t.post_json("/oauth2/logout/callback", &json!({})).await,
        "invalid request",
    );
    assert_plain_400(
        &t.post_json("/oauth2/logout/callback", &json!({"logoutId": 7}))
            .await,
        "invalid request",
    );
    let reply = t
        .send(t.client.post(t.url("/oauth2/logout/callback")).body("nope"))
        .await;
    assert_plain_400(&reply, "invalid request");
}
