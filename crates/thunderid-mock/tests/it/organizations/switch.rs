//! The `organization_switch` grant at `/oauth2/token`.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Map, Value, json};

use super::{ENGINEERING, PLATFORM, ROOT, SALES, THOR, call, redact_uuid};
use crate::callback::{
    M2M, M2M_SECRET, SPA, WEB, WEB_SECRET, basic, claims_of, spa_tokens, web_tokens,
};
use crate::support::{Reply, TestServer, assert_json_eq};

const SWITCH: &str = "organization_switch";

/// The grant as the web app sends it (Basic client authentication).
async fn switch(t: &TestServer, token: &str, organization: &str, scope: Option<&str>) -> Reply {
    let mut form = vec![
        ("grant_type", SWITCH),
        ("token", token),
        ("switching_organization", organization),
        ("client_id", WEB),
    ];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    let request = t
        .client
        .post(t.url("/oauth2/token"))
        .header("authorization", basic(WEB, WEB_SECRET))
        .form(&form);
    t.send(request).await
}

async fn thor_access_token(t: &TestServer) -> String {
    let tokens = web_tokens(t, "openid profile email").await;
    tokens["access_token"]
        .as_str()
        .expect("access token")
        .to_owned()
}

#[track_caller]
fn assert_oauth_error(reply: &Reply, error: &str, description: &str) {
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_json_eq(
        &reply.json(),
        &json!({"error": error, "error_description": description}),
    );
}

/// Verified claims with the issuer written as `[issuer]`, for snapshots.
fn verified_claims(t: &TestServer, token: &str) -> Map<String, Value> {
    let (_, mut claims) = claims_of(t, token);
    for value in claims.values_mut() {
        if value.as_str() == Some(t.server.issuer()) {
            *value = json!("[issuer]");
        }
    }
    claims
}

#[tokio::test]
async fn a_member_switches_organization_and_keeps_using_the_api() {
    let t = TestServer::start().await;
    let original = thor_access_token(&t).await;
    let reply = switch(&t, &original, PLATFORM, Some("openid profile email")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("pragma"), Some("no-cache"));
    let body = reply.json();
    let redactions = || {
        let mut settings = insta::Settings::clone_current();
        settings.add_redaction(".jti", insta::dynamic_redaction(redact_uuid));
        settings.add_redaction(".tfid", insta::dynamic_redaction(redact_uuid));
        settings.add_redaction(".aci", insta::dynamic_redaction(redact_uuid));
        settings
    };
    insta::assert_json_snapshot!("switch_response", body, {
        ".access_token" => "[jwt]", ".id_token" => "[jwt]", ".refresh_token" => "[jwt]"
    });
    let access = body["access_token"].as_str().expect("access token");
    let (typ, _) = claims_of(&t, access);
    assert_eq!(typ.as_deref(), Some("at+jwt"));
    let (_, original_claims) = claims_of(&t, &original);
    let access_claims = verified_claims(&t, access);
    assert_eq!(
        access_claims["tfid"], original_claims["tfid"],
        "the same session"
    );
    assert_eq!(
        access_claims["aci"], original_claims["aci"],
        "the same sign-in's attributes"
    );
    redactions()
        .bind(|| insta::assert_json_snapshot!("switched_access_token_claims", access_claims));
    let id_token = body["id_token"].as_str().expect("an ID token");
    redactions().bind(|| {
        insta::assert_json_snapshot!("switched_id_token_claims", verified_claims(&t, id_token));
    });

    // The new token works on the user APIs; the user's own unit is unchanged.
    let me = call(&t, Method::GET, "/users/me", Some(access), None).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(
        (me.json()["id"].clone(), me.json()["ouId"].clone()),
        (json!(THOR), json!(ENGINEERING))
    );
    let userinfo = call(&t, Method::GET, "/oauth2/userinfo", Some(access), None).await;
    assert_eq!(userinfo.status, 200, "{}", userinfo.body);
    assert_json_eq(
        &userinfo.json(),
        &json!({"sub": THOR, "email": "thor@asgard.example", "family_name": "Odinson", "given_name": "Thor"}),
    );
    let mine = call(
        &t,
        Method::GET,
        "/api/users/v1/me/organizations",
        Some(access),
        None,
    )
    .await;
    assert_eq!(mine.status, 200, "{}", mine.body);

    // A switched token can switch again, back to the user's own unit.
    let back = switch(&t, access, ENGINEERING, None).await;
    assert_eq!(back.status, 200, "{}", back.body);
    let back_claims = verified_claims(&t, back.json()["access_token"].as_str().expect("token"));
    assert_eq!(back_claims["org_id"], ENGINEERING);
    assert_eq!(back_claims["org_handle"], "engineering");
    assert_eq!(back.json()["scope"], "openid profile email");
}

#[tokio::test]
async fn requested_scopes_are_narrowed_to_the_tokens() {
    let t = TestServer::start().await;
    let original = thor_access_token(&t).await;
    let reply = switch(&t, &original, PLATFORM, Some("email system")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["scope"], "email");
    assert!(
        reply.json().get("id_token").is_none(),
        "no openid, no ID token"
    );
}

#[tokio::test]
async fn a_non_member_is_refused() {
    let t = TestServer::start().await;
    let original = thor_access_token(&t).await;
    for outside in [SALES, ROOT] {
        let reply = switch(&t, &original, outside, None).await;
        assert_oauth_error(
            &reply,
            "invalid_grant",
            "User is not a member of the organization",
        );
    }
    let reply = switch(&t, &original, "nope", None).await;
    assert_oauth_error(&reply, "invalid_grant", "Organization not found");
}

#[tokio::test]
async fn parameter_and_token_errors() {
    let t = TestServer::start().await;
    let original = thor_access_token(&t).await;
    let reply = switch(&t, "", PLATFORM, None).await;
    assert_oauth_error(
        &reply,
        "invalid_request",
        "Missing required parameter: token",
    );
    let reply = switch(&t, &original, "", None).await;
    assert_oauth_error(
        &reply,
        "invalid_request",
        "Missing required parameter: switching_organization",
    );
    let tokens = web_tokens(&t, "openid").await;
    let spa = spa_tokens(&t, "openid").await;
    for not_usable in [
        "not-a-jwt",
        tokens["id_token"].as_str().expect("ID token"),
        tokens["refresh_token"].as_str().expect("refresh token"),
        spa["access_token"]
            .as_str()
            .expect("another client's token"),
    ] {
        let reply = switch(&t, not_usable, PLATFORM, None).await;
        assert_oauth_error(&reply, "invalid_grant", "Invalid token");
    }
    let revoked = tokens["access_token"].as_str().expect("access token");
    let revoke = t
        .send(
            t.client
                .post(t.url("/oauth2/revoke"))
                .header("authorization", basic(WEB, WEB_SECRET))
                .form(&[("token", revoked)]),
        )
        .await;
    assert_eq!(revoke.status, 200, "{}", revoke.body);
    assert_oauth_error(
        &switch(&t, revoked, PLATFORM, None).await,
        "invalid_grant",
        "Invalid token",
    );
    // Valid through the 30 s leeway, expired after it.
    t.server.clock().advance(Duration::from_secs(3600 + 29));
    assert_eq!(switch(&t, &original, PLATFORM, None).await.status, 200);
    t.server.clock().advance(Duration::from_secs(1));
    let reply = switch(&t, &original, PLATFORM, None).await;
    assert_oauth_error(&reply, "invalid_grant", "The token has expired");
}

#[tokio::test]
async fn a_public_client_switches_with_its_client_id() {
    let t = TestServer::start().await;
    let tokens = spa_tokens(&t, "openid email").await;
    let access = tokens["access_token"].as_str().expect("access token");
    let form = [
        ("grant_type", SWITCH),
        ("token", access),
        ("switching_organization", PLATFORM),
        ("scope", "openid email"),
        ("client_id", SPA),
    ];
    let reply = t.post_form("/oauth2/token", &form).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let id_claims = verified_claims(&t, reply.json()["id_token"].as_str().expect("ID token"));
    assert_eq!(
        (
            id_claims["org_id"].clone(),
            id_claims["org_name"].clone(),
            id_claims["aud"].clone()
        ),
        (json!(PLATFORM), json!("Platform"), json!(SPA))
    );
}

#[tokio::test]
async fn clients_without_the_grant_see_it_as_the_real_server_does() {
    let t = TestServer::start().await;
    let request = t
        .client
        .post(t.url("/oauth2/token"))
        .header("authorization", basic(M2M, M2M_SECRET))
        .form(&[
            ("grant_type", SWITCH),
            ("token", "x"),
            ("switching_organization", PLATFORM),
        ]);
    let reply = t.send(request).await;
    assert_oauth_error(
        &reply,
        "unsupported_grant_type",
        "Invalid grant_type parameter",
    );
}
