//! `POST /oauth2/par` and `/oauth2/authorize` with a `request_uri` (RFC 9126): the pushed request
//! is validated as authorize validates it, kept 60 s, single use, bound to the client that pushed
//! it; `authorize` takes it and ignores every other parameter but `client_id`.

use serde_json::{Value, json};
use thunderid_mock::{Fixtures, MockServer};

use crate::callback::{
    SPA, SPA_CALLBACK, WEB, WEB_SECRET, assertion_for, basic, callback, query_string, query_value,
    redirect_of, spa_query, web_query,
};
use crate::support::{Reply, TestServer, assert_json_eq};

const PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// Push `form` as the SPA (a public client: `client_id` only).
async fn push_as_spa(t: &TestServer, form: &[(&str, String)]) -> Reply {
    t.send(
        t.client
            .post(t.url("/oauth2/par"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(query_string(form)),
    )
    .await
}

/// Push `form` as the confidential web app (Basic).
async fn push_as_web(t: &TestServer, form: &[(&str, String)]) -> Reply {
    t.send(
        t.client
            .post(t.url("/oauth2/par"))
            .header("authorization", basic(WEB, WEB_SECRET))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(query_string(form)),
    )
    .await
}

fn request_uri(reply: &Reply) -> String {
    assert_eq!(reply.status, 201, "{reply:?}");
    reply.json()["request_uri"]
        .as_str()
        .expect("request_uri")
        .to_owned()
}

async fn authorize_with(t: &TestServer, client_id: &str, request_uri: &str) -> Reply {
    let query = query_string(&[
        ("client_id", client_id.to_owned()),
        ("request_uri", request_uri.to_owned()),
    ]);
    t.get(&format!("/oauth2/authorize?{query}")).await
}

#[track_caller]
fn assert_error(reply: &Reply, status: u16, error: &str, description: &str) {
    assert_eq!(reply.status.as_u16(), status, "{reply:?}");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_json_eq(
        &reply.json(),
        &json!({"error": error, "error_description": description}),
    );
}

#[track_caller]
fn assert_gate_error(reply: &Reply, message: &str) {
    assert_eq!(reply.status, 302, "{reply:?}");
    let location = reply.location();
    assert_eq!(location.path(), "/gate/error", "{location}");
    assert_eq!(
        query_value(&location, "errorCode").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(
        query_value(&location, "errorMessage").as_deref(),
        Some(message)
    );
    assert_eq!(query_value(&location, "state"), None);
}

#[tokio::test]
async fn a_pushed_request_answers_201_with_a_77_character_request_uri_for_60_seconds() {
    let t = TestServer::start().await;
    let reply = push_as_spa(&t, &spa_query("openid profile")).await;
    assert_eq!(reply.status, 201, "{reply:?}");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(
        reply.header("cache-control"),
        None,
        "no cache headers at PAR"
    );
    let body = reply.json();
    let uri = body["request_uri"].as_str().expect("request_uri");
    let key = uri.strip_prefix(PREFIX).expect("the RFC 9126 prefix");
    assert_eq!(key.len(), 43, "32 random bytes, base64url: {key}");
    assert!(
        key.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_eq!(body["expires_in"], json!(60));
    let members: Vec<&str> = reply.body.split('"').skip(1).step_by(2).take(2).collect();
    assert_eq!(
        members,
        ["request_uri", uri],
        "request_uri comes first, as Go writes it"
    );
}

#[tokio::test]
async fn authorize_takes_the_pushed_request_and_ignores_other_parameters() {
    let t = TestServer::start().await;
    let mut pushed = spa_query("openid profile");
    pushed.push(("ui_locales", "fr-CA".to_owned()));
    let uri = request_uri(&push_as_spa(&t, &pushed).await);
    // Parameters on the authorize URL are neither checked nor merged.
    let query = query_string(&[
        ("client_id", SPA.to_owned()),
        ("request_uri", uri.clone()),
        ("redirect_uri", "https://evil.example/cb".to_owned()),
        ("prompt", "none".to_owned()),
        ("state", "ignored".to_owned()),
    ]);
    let reply = t.get(&format!("/oauth2/authorize?{query}")).await;
    assert_eq!(reply.status, 302, "{reply:?}");
    let gate = reply.location();
    assert_eq!(gate.path(), "/gate/signin");
    assert_eq!(query_value(&gate, "ui_locales").as_deref(), Some("fr-CA"));
    let auth_id = query_value(&gate, "authId").expect("authId");
    let app_id = query_value(&gate, "applicationId").expect("applicationId");
    let redirect = redirect_of(
        &callback(
            &t,
            &auth_id,
            &assertion_for(&t, &auth_id, &app_id, crate::callback::THOR),
        )
        .await,
    );
    assert!(redirect.as_str().starts_with(SPA_CALLBACK), "{redirect}");
    assert_eq!(
        query_value(&redirect, "state").as_deref(),
        Some("xyz"),
        "the pushed state"
    );
    assert!(query_value(&redirect, "code").is_some());
}

#[tokio::test]
async fn a_request_uri_is_single_use_expires_and_is_bound_to_its_client() {
    let t = TestServer::start().await;
    let used = request_uri(&push_as_spa(&t, &spa_query("openid")).await);
    assert_eq!(authorize_with(&t, SPA, &used).await.status, 302);
    let replay = authorize_with(&t, SPA, &used).await;
    assert_gate_error(&replay, "Invalid, expired, or already used request_uri");

    let expiring = request_uri(&push_as_spa(&t, &spa_query("openid")).await);
    t.server.advance(std::time::Duration::from_secs(61));
    assert_gate_error(
        &authorize_with(&t, SPA, &expiring).await,
        "Invalid, expired, or already used request_uri",
    );

    // Another client presenting it burns it: it is taken before the client is compared.
    let stolen = request_uri(&push_as_spa(&t, &spa_query("openid")).await);
    assert_gate_error(
        &authorize_with(&t, WEB, &stolen).await,
        "Invalid, expired, or already used request_uri",
    );
    assert_gate_error(
        &authorize_with(&t, SPA, &stolen).await,
        "Invalid, expired, or already used request_uri",
    );
    for bogus in ["not-a-urn", "urn:ietf:params:oauth:request_uri:nope"] {
        assert_gate_error(
            &authorize_with(&t, SPA, bogus).await,
            "Invalid, expired, or already used request_uri",
        );
    }
    // Nothing pushed is left behind.
    assert_eq!(
        t.server.stats().oauth_entries,
        1,
        "the one begun request only"
    );
}

#[tokio::test]
async fn client_id_is_required_next_to_the_request_uri() {
    let t = TestServer::start().await;
    let uri = request_uri(&push_as_spa(&t, &spa_query("openid")).await);
    let reply = t
        .get(&format!(
            "/oauth2/authorize?{}",
            query_string(&[("request_uri", uri)])
        ))
        .await;
    assert_gate_error(&reply, "Missing client_id parameter");
}

#[tokio::test]
async fn the_pushing_client_authenticates_as_at_the_token_endpoint() {
    let t = TestServer::start().await;
    let anonymous = t
        .send(
            t.client
                .post(t.url("/oauth2/par"))
                .form(&[("response_type", "code")]),
        )
        .await;
    assert_error(
        &anonymous,
        400,
        "invalid_request",
        "Missing client_id parameter",
    );
    let wrong = t
        .send(
            t.client
                .post(t.url("/oauth2/par"))
                .header("authorization", basic(WEB, "wrong"))
                .form(&[("response_type", "code")]),
        )
        .await;
    assert_error(&wrong, 401, "invalid_client", "Invalid client credentials");
    assert_eq!(wrong.header("www-authenticate"), Some("Basic"));
    let ok = push_as_web(&t, &web_query("openid")).await;
    assert_eq!(ok.status, 201, "{ok:?}");
}

#[tokio::test]
async fn pushed_requests_are_refused_in_the_servers_order() {
    let t = TestServer::start().await;
    let with = |changes: &[(&'static str, &str)]| {
        let mut form = spa_query("openid");
        for (name, value) in changes {
            form.retain(|(k, _)| k != name);
            if !value.is_empty() {
                form.push((name, (*value).to_owned()));
            }
        }
        form
    };
    type Case = (Vec<(&'static str, String)>, &'static str, &'static str);
    let cases: Vec<Case> = vec![
        (
            with(&[("request_uri", "urn:x")]),
            "invalid_request",
            "request_uri parameter must not be included in a pushed authorization request",
        ),
        (
            with(&[("redirect_uri", "https://evil.example/cb")]),
            "invalid_request",
            "Invalid redirect URI",
        ),
        (
            with(&[("prompt", "none")]),
            "login_required",
            "User authentication is required",
        ),
        (
            with(&[("response_type", "token")]),
            "unsupported_response_type",
            "Unsupported response type",
        ),
        (
            with(&[("response_mode", "direct")]),
            "invalid_request",
            "Unsupported response_mode parameter",
        ),
        (
            with(&[("code_challenge", "")]),
            "invalid_request",
            "code_challenge is required for this application",
        ),
        (
            with(&[("resource", "/relative")]),
            "invalid_target",
            "Invalid resource parameter: must be an absolute URI",
        ),
        (
            with(&[("claims", "[1]")]),
            "invalid_request",
            "The claims request parameter is malformed or contains invalid values",
        ),
        (
            with(&[("scope", "openid booking:read")]),
            "invalid_target",
            "No resource parameter supplied and no default resource server is configured",
        ),
        (
            with(&[("resource", "https://unknown.example")]),
            "invalid_target",
            "The resource parameter does not match any registered resource server",
        ),
    ];
    for (form, error, description) in cases {
        assert_error(&push_as_spa(&t, &form).await, 400, error, description);
    }
    let mut two = spa_query("openid");
    two.push(("resource", "https://api.booking.example".to_owned()));
    two.push(("resource", "https://api.booking.example".to_owned()));
    assert_error(
        &push_as_spa(&t, &two).await,
        400,
        "invalid_target",
        "Only a single resource parameter is supported",
    );
    let mut repeated = spa_query("openid");
    repeated.push(("scope", "profile".to_owned()));
    assert_error(
        &push_as_spa(&t, &repeated).await,
        400,
        "invalid_request",
        "Parameter \"scope\" must not be repeated",
    );
    let malformed = t
        .send(
            t.client
                .post(t.url("/oauth2/par"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("{}&bad=%zz", query_string(&spa_query("openid")))),
        )
        .await;
    assert_error(
        &malformed,
        400,
        "invalid_request",
        "Failed to parse request body",
    );
    let dpop = t
        .send(
            t.client
                .post(t.url("/oauth2/par"))
                .header("dpop", "eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.c2ln")
                .form(&spa_query("openid")),
        )
        .await;
    assert_error(&dpop, 400, "invalid_dpop_proof", "Invalid DPoP proof");
    assert_eq!(t.server.stats().oauth_entries, 0, "nothing was kept");
}

#[tokio::test]
async fn only_the_body_counts_as_the_pushed_request() {
    let t = TestServer::start().await;
    let mut form = spa_query("openid");
    form.retain(|(k, _)| *k != "redirect_uri");
    // A redirect URI on the PAR URL is not a pushed parameter (the only registered one is used).
    let reply = t
        .send(
            t.client
                .post(t.url(&format!(
                    "/oauth2/par?redirect_uri={}",
                    "https%3A%2F%2Fevil.example%2Fcb"
                )))
                .form(&form),
        )
        .await;
    let uri = request_uri(&reply);
    let gate = authorize_with(&t, SPA, &uri).await.location();
    let auth_id = query_value(&gate, "authId").expect("authId");
    let app_id = query_value(&gate, "applicationId").expect("applicationId");
    let redirect = redirect_of(
        &callback(
            &t,
            &auth_id,
            &assertion_for(&t, &auth_id, &app_id, crate::callback::THOR),
        )
        .await,
    );
    assert!(redirect.as_str().starts_with(SPA_CALLBACK), "{redirect}");
}

/// The bundled set with the SPA required to push.
fn spa_must_push() -> Fixtures {
    let mut fixtures = Fixtures::bundled();
    for app in &mut fixtures.applications {
        if let Some(oauth) = app.oauth.as_mut().filter(|o| o.client_id == SPA) {
            oauth.require_pushed_authorization_requests = true;
        }
    }
    fixtures
}

#[tokio::test]
async fn a_client_that_must_push_cannot_authorize_directly() {
    let t = TestServer::with_fixtures(spa_must_push()).await;
    let direct = t
        .get(&format!(
            "/oauth2/authorize?{}",
            query_string(&spa_query("openid"))
        ))
        .await;
    assert_gate_error(
        &direct,
        "Pushed authorization request is required for this client",
    );
    let uri = request_uri(&push_as_spa(&t, &spa_query("openid")).await);
    assert_eq!(
        authorize_with(&t, SPA, &uri).await.location().path(),
        "/gate/signin"
    );
    // Other clients still may.
    let web = t
        .get(&format!(
            "/oauth2/authorize?{}",
            query_string(&web_query("openid"))
        ))
        .await;
    assert_eq!(web.location().path(), "/gate/signin");
}

#[tokio::test]
async fn a_server_that_requires_par_refuses_every_direct_request() {
    let mut fixtures = Fixtures::bundled();
    fixtures.server.oauth.par.require_par = true;
    fixtures.server.oauth.par.expires_in = 5;
    let t = TestServer::with(MockServer::builder().fixtures(fixtures)).await;
    let web = t
        .get(&format!(
            "/oauth2/authorize?{}",
            query_string(&web_query("openid"))
        ))
        .await;
    assert_gate_error(
        &web,
        "Pushed authorization request is required for this client",
    );
    let reply = push_as_web(&t, &web_query("openid")).await;
    assert_eq!(reply.json()["expires_in"], json!(5));
}

#[tokio::test]
async fn pushed_max_age_and_acr_reach_the_flow() {
    let t = TestServer::start().await;
    let mut form = spa_query("openid");
    form.push(("max_age", "300".to_owned()));
    form.push(("claims_locales", "fr".to_owned()));
    let uri = request_uri(&push_as_spa(&t, &form).await);
    let gate = authorize_with(&t, SPA, &uri).await.location();
    let execution = query_value(&gate, "executionId").expect("executionId");
    let view = t
        .server
        .execution(&execution)
        .expect("the pre-created execution");
    assert_eq!(view.runtime.get("max_age").map(String::as_str), Some("300"));
    assert_eq!(
        view.runtime.get("required_locales").map(String::as_str),
        Some("fr")
    );
    let body: Value = push_as_spa(&t, &spa_query("openid")).await.json();
    assert!(body["request_uri"].is_string());
}
