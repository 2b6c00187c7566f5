//! The attribute cache (`aci`) as the server keeps it: an OAuth sign-in stores the attributes it
//! released under an id its code, access and refresh tokens carry; the code, the refresh grant
//! and UserInfo read them from there, never from the user store. After a consent step that is
//! what the user allowed; the values are those of the sign-in; and a lost entry is the server's
//! `server_error`.

use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};
use thunderid_mock::bundled::THOR;

use crate::callback::claims_of;
use crate::flow_support::GateForm;
use crate::gate_consent::{APP_ID, CLIENT, consent_page, redeem};
use crate::support::{Reply, TestServer, assert_json_eq};

/// Sign thor in to the consent app, sharing only `email`, and return the token response.
async fn signed_in_sharing_email(t: &TestServer) -> Value {
    let page = consent_page(t).await;
    let form = GateForm::parse(&page.body);
    let email = format!("__consent_opt__attributes:{APP_ID}__email");
    let allowed = form
        .submit(t, "consent_action_allow", &[(&email, "true")])
        .await;
    redeem(t, &allowed).await
}

async fn refresh(t: &TestServer, refresh_token: &Value) -> Reply {
    let refresh_token = refresh_token.as_str().expect("a refresh token");
    t.post_form(
        "/oauth2/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", CLIENT),
        ],
    )
    .await
}

async fn user_info(t: &TestServer, access_token: &Value) -> Reply {
    let token = access_token.as_str().expect("an access token");
    t.send(t.client.get(t.url("/oauth2/userinfo")).bearer_auth(token))
        .await
}

fn claims(t: &TestServer, token: &Value) -> Map<String, Value> {
    claims_of(t, token.as_str().expect("a token")).1
}

#[tokio::test]
async fn a_refresh_and_userinfo_after_consent_release_only_the_consented_attributes() {
    let t = TestServer::start().await;
    let first = signed_in_sharing_email(&t).await;
    let aci = claims(&t, &first["access_token"])["aci"].clone();
    assert!(aci.as_str().is_some_and(|id| id.len() == 36), "{aci}");
    assert_eq!(claims(&t, &first["refresh_token"])["aci"], aci);
    let refreshed = refresh(&t, &first["refresh_token"]).await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
    let body = refreshed.json();
    for name in ["access_token", "id_token"] {
        let claims = claims(&t, &body[name]);
        assert_eq!(claims["email"], "thor@asgard.example", "{name}");
        assert_eq!(claims.get("given_name"), None, "{name}");
        assert_eq!(claims.get("family_name"), None, "{name}");
    }
    // The rotated refresh token and the new access token name the same entry; the ID token none.
    assert_eq!(claims(&t, &body["access_token"])["aci"], aci);
    assert_eq!(claims(&t, &body["refresh_token"])["aci"], aci);
    assert_eq!(claims(&t, &body["id_token"]).get("aci"), None);
    for token in [&first["access_token"], &body["access_token"]] {
        let info = user_info(&t, token).await;
        assert_eq!(info.status, StatusCode::OK, "{}", info.body);
        assert_json_eq(
            &info.json(),
            &json!({"sub": THOR.id, "email": "thor@asgard.example"}),
        );
    }
}

#[tokio::test]
async fn the_tokens_keep_the_values_of_the_sign_in_when_the_user_changes() {
    let t = TestServer::start().await;
    let first = signed_in_sharing_email(&t).await;
    let token = first["access_token"].as_str().expect("an access token");
    let body = json!({"attributes": {"username": "thor", "email": "thunder@asgard.example",
        "given_name": "Thor", "family_name": "Odinson"}});
    let changed = crate::users_me::call(&t, Method::PUT, "/users/me", token, Some(&body)).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let refreshed = refresh(&t, &first["refresh_token"]).await.json();
    assert_eq!(
        claims(&t, &refreshed["id_token"])["email"],
        "thor@asgard.example"
    );
    let info = user_info(&t, &refreshed["access_token"]).await.json();
    assert_eq!(info["email"], "thor@asgard.example");
    // A new sign-in reads the user again.
    let second = signed_in_sharing_email(&t).await;
    assert_eq!(
        claims(&t, &second["access_token"])["email"],
        "thunder@asgard.example"
    );
}

#[tokio::test]
async fn once_the_entry_is_gone_refresh_and_userinfo_fail_as_the_server_fails_them() {
    let t = TestServer::start().await;
    let first = signed_in_sharing_email(&t).await;
    // A reset empties the runtime state as the server's restart empties its in-memory store; the
    // keys, and so the tokens, stay valid.
    t.server.reset();
    let refreshed = refresh(&t, &first["refresh_token"]).await;
    assert_eq!(refreshed.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_json_eq(
        &refreshed.json(),
        &json!({"error": "server_error", "error_description": "Failed to process token request"}),
    );
    let info = user_info(&t, &first["access_token"]).await;
    assert_eq!(info.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_json_eq(
        &info.json(),
        &json!({"error": "server_error", "error_description": "Internal server error"}),
    );
    assert_eq!(info.header("www-authenticate"), None);
}
