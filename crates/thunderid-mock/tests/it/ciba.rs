//! CIBA, poll mode: `POST /oauth2/bc-authorize`, the e-mailed approval link through the gate and the
//! CIBA callback, the control plane's decision, and every answer of the token endpoint's CIBA grant
//! (the clock is moved, never slept on).

use std::time::Duration;

use serde_json::{Value, json};
use thunderid_mock::bundled::{SAMPLE_CIBA, THOR};

use crate::callback::{basic, claims_of, query_string};
use crate::flow_support::GateForm;
use crate::support::{EPOCH, Reply, TestServer, assert_json_eq};

const CIBA: &str = "urn:openid:params:grant-type:ciba";
const THOR_EMAIL: &str = "thor@asgard.example";

fn secret() -> &'static str {
    SAMPLE_CIBA.client_secret.unwrap_or_default()
}

fn client_id() -> &'static str {
    SAMPLE_CIBA.client_id.unwrap_or_default()
}

/// `POST /oauth2/bc-authorize` as `sample-ciba`.
async fn bc_authorize(t: &TestServer, form: &[(&str, &str)]) -> Reply {
    let form: Vec<(&str, String)> = form.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    t.send(
        t.client
            .post(t.url("/oauth2/bc-authorize"))
            .header("authorization", basic(client_id(), secret()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(query_string(&form)),
    )
    .await
}

/// A request for Thor; its `auth_req_id`.
async fn ask_thor(t: &TestServer) -> String {
    let reply = bc_authorize(t, &[("login_hint", "thor"), ("scope", "openid email")]).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    reply.json()["auth_req_id"]
        .as_str()
        .expect("auth_req_id")
        .to_owned()
}

/// One poll of the token endpoint.
async fn poll(t: &TestServer, auth_req_id: &str) -> Reply {
    t.send(
        t.client
            .post(t.url("/oauth2/token"))
            .header("authorization", basic(client_id(), secret()))
            .form(&[("grant_type", CIBA), ("auth_req_id", auth_req_id)]),
    )
    .await
}

#[track_caller]
fn assert_error(reply: &Reply, status: u16, error: &str, description: &str) {
    assert_eq!(reply.status.as_u16(), status, "{reply:?}");
    assert_json_eq(
        &reply.json(),
        &json!({"error": error, "error_description": description}),
    );
}

/// The approval link of the last e-mail to Thor.
fn approval_link(t: &TestServer) -> String {
    let message = t
        .server
        .outbox_for(THOR_EMAIL)
        .pop()
        .expect("an e-mail to Thor");
    assert_eq!(message.template, "CIBA_NOTIFICATION");
    let start = message
        .body
        .find(&t.url("/gate/invite?"))
        .expect("the link");
    message.body[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Thor follows the link and approves with his password: the gate's success page.
async fn approve_through_the_gate(t: &TestServer) -> Reply {
    let page = t.send(t.client.get(approval_link(t))).await;
    assert_eq!(page.status, 200, "{page:?}");
    let form = GateForm::parse(&page.body);
    assert_eq!(form.fields, ["password"]);
    form.submit(t, &form.buttons[0].0, &[("password", THOR.password)])
        .await
}

#[tokio::test]
async fn a_backchannel_request_answers_its_id_expiry_and_interval_without_caching() {
    let t = TestServer::start().await;
    let reply = bc_authorize(&t, &[("login_hint", "thor"), ("scope", "openid")]).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("pragma"), Some("no-cache"));
    let body = reply.json();
    let id = body["auth_req_id"].as_str().expect("auth_req_id");
    assert_eq!(
        uuid::Uuid::parse_str(id).map(|u| u.get_version_num()),
        Ok(7)
    );
    assert_eq!(body["expires_in"], json!(120));
    assert_eq!(body["interval"], json!(5));
    assert!(
        reply.body.starts_with("{\"auth_req_id\":"),
        "{}",
        reply.body
    );
    let clamped = bc_authorize(
        &t,
        &[
            ("login_hint", "thor"),
            ("scope", "openid"),
            ("requested_expiry", "9999"),
        ],
    )
    .await;
    assert_eq!(clamped.json()["expires_in"], json!(600));
}

#[tokio::test]
async fn the_user_is_e_mailed_a_link_whose_approval_gives_the_polling_client_tokens() {
    let t = TestServer::start().await;
    let id = ask_thor(&t).await;
    let message = t.server.outbox_for(THOR_EMAIL).pop().expect("an e-mail");
    let code = id.replace('-', "")[..8].to_uppercase();
    assert!(
        message
            .body
            .contains(&format!("Code: {}-{}.", &code[..4], &code[4..])),
        "the default binding message: {}",
        message.body
    );
    assert!(approval_link(&t).contains(&format!("auth_req_id={id}")));
    assert_error(
        &poll(&t, &id).await,
        400,
        "authorization_pending",
        "The user has not yet completed authentication",
    );

    let done = approve_through_the_gate(&t).await;
    assert_eq!(done.status, 200, "{done:?}");
    assert!(
        done.body.contains("Authentication successful"),
        "{}",
        done.body
    );

    t.server.advance(Duration::from_secs(5));
    let tokens = poll(&t, &id).await;
    assert_eq!(tokens.status, 200, "{tokens:?}");
    assert_eq!(tokens.header("cache-control"), Some("no-store"));
    let body = tokens.json();
    assert_eq!(body["scope"], json!("openid email"));
    assert!(
        body["refresh_token"].is_string(),
        "sample-ciba has refresh_token"
    );
    let (_, access) = claims_of(&t, body["access_token"].as_str().unwrap_or_default());
    assert_eq!(access["sub"], json!(THOR.id));
    assert_eq!(access["grant_type"], json!(CIBA));
    assert_eq!(access["aud"], json!(client_id()));
    let (_, id_token) = claims_of(&t, body["id_token"].as_str().unwrap_or_default());
    assert_eq!(id_token["email"], json!(THOR_EMAIL));
    assert_eq!(id_token["auth_time"], json!(EPOCH), "the assertion's iat");
    assert_eq!(id_token.get("nonce"), None);

    t.server.advance(Duration::from_secs(5));
    assert_error(
        &poll(&t, &id).await,
        400,
        "invalid_grant",
        "The authentication request has already been used",
    );
}

#[tokio::test]
async fn polling_within_five_seconds_is_slow_down_and_the_interval_never_grows() {
    let t = TestServer::start().await;
    let id = ask_thor(&t).await;
    assert_error(
        &poll(&t, &id).await,
        400,
        "authorization_pending",
        "The user has not yet completed authentication",
    );
    t.server.advance(Duration::from_secs(4));
    assert_error(
        &poll(&t, &id).await,
        400,
        "slow_down",
        "The client is polling too frequently",
    );
    // The slow_down poll counts as the last poll.
    t.server.advance(Duration::from_secs(4));
    assert_error(
        &poll(&t, &id).await,
        400,
        "slow_down",
        "The client is polling too frequently",
    );
    t.server.advance(Duration::from_secs(5));
    assert_error(
        &poll(&t, &id).await,
        400,
        "authorization_pending",
        "The user has not yet completed authentication",
    );
}

#[tokio::test]
async fn a_denied_request_is_access_denied() {
    let t = TestServer::start().await;
    let id = ask_thor(&t).await;
    let decided = t
        .post_json(&format!("/__mock/ciba/{id}"), &json!({"approve": false}))
        .await;
    assert_eq!(decided.status, 204, "{decided:?}");
    assert_error(
        &poll(&t, &id).await,
        400,
        "access_denied",
        "The user denied the authentication request",
    );
    // A decided request takes no second decision.
    let again = t
        .post_json(&format!("/__mock/ciba/{id}"), &json!({"approve": true}))
        .await;
    assert_error(
        &again,
        400,
        "invalid_request",
        "Backchannel authentication request is not pending",
    );
}

#[tokio::test]
async fn the_control_plane_approves_for_the_user_the_flow_identified() {
    let t = TestServer::start().await;
    let id = ask_thor(&t).await;
    assert!(t.server.decide_ciba(&id, true));
    let tokens = poll(&t, &id).await;
    assert_eq!(tokens.status, 200, "{tokens:?}");
    let (_, access) = claims_of(
        &t,
        tokens.json()["access_token"].as_str().unwrap_or_default(),
    );
    assert_eq!(access["sub"], json!(THOR.id));
    assert!(!t.server.decide_ciba("no-such-request", true));
}

#[tokio::test]
async fn after_its_expiry_a_request_is_gone_and_a_one_second_request_is_expired_token() {
    let t = TestServer::start().await;
    let id = ask_thor(&t).await;
    // The store drops the record a second before the request expires, as the server's does.
    t.server.advance(Duration::from_secs(119));
    assert_error(
        &poll(&t, &id).await,
        400,
        "authorization_pending",
        "The user has not yet completed authentication",
    );
    t.server.advance(Duration::from_secs(1));
    assert_error(
        &poll(&t, &id).await,
        400,
        "invalid_grant",
        "Invalid auth_req_id",
    );

    // With `requested_expiry=1` the store keeps the record without expiry: expired_token.
    let reply = bc_authorize(
        &t,
        &[
            ("login_hint", "thor"),
            ("scope", "openid"),
            ("requested_expiry", "1"),
        ],
    )
    .await;
    let short = reply.json()["auth_req_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    t.server.advance(Duration::from_secs(2));
    assert_error(
        &poll(&t, &short).await,
        400,
        "expired_token",
        "The authentication request has expired",
    );
    assert_error(
        &poll(&t, &short).await,
        400,
        "expired_token",
        "The authentication request has expired",
    );
    let late = t
        .post_json(&format!("/__mock/ciba/{short}"), &json!({"approve": true}))
        .await;
    assert_error(
        &late,
        400,
        "invalid_request",
        "Backchannel authentication request is not pending",
    );
}

#[tokio::test]
async fn backchannel_requests_are_refused_in_the_servers_order() {
    let t = TestServer::start().await;
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case<'_>; 9] = [
        (
            &[("scope", "openid")],
            "invalid_request",
            "One of login_hint, id_token_hint, or login_hint_token is required",
        ),
        (
            &[
                ("login_hint", "thor"),
                ("id_token_hint", "x"),
                ("scope", "openid"),
            ],
            "invalid_request",
            "Only one of login_hint, id_token_hint, or login_hint_token may be provided",
        ),
        (
            &[("login_hint_token", "x"), ("scope", "openid")],
            "invalid_request",
            "login_hint_token is not supported, use login_hint",
        ),
        (
            &[("login_hint", "thor")],
            "invalid_request",
            "scope is required",
        ),
        (
            &[("login_hint", "thor"), ("scope", "profile")],
            "invalid_scope",
            "scope must include openid",
        ),
        (
            &[
                ("login_hint", "thor"),
                ("scope", "openid"),
                ("binding_message", "line\nbreak"),
            ],
            "invalid_binding_message",
            "binding_message contains unsupported characters",
        ),
        (
            &[("login_hint", "thor"), ("scope", "openid booking:read")],
            "invalid_target",
            "No resource parameter supplied and no default resource server is configured",
        ),
        (
            &[("login_hint", "nobody"), ("scope", "openid")],
            "unknown_user_id",
            "Unable to resolve the user for the provided login_hint",
        ),
        (
            &[("id_token_hint", "not-a-jwt"), ("scope", "openid")],
            "invalid_request",
            "id_token_hint is not a valid JWT",
        ),
    ];
    for (form, error, description) in cases {
        assert_error(&bc_authorize(&t, form).await, 400, error, description);
    }
    let long = "x".repeat(257);
    let reply = bc_authorize(
        &t,
        &[
            ("login_hint", "thor"),
            ("scope", "openid"),
            ("binding_message", &long),
        ],
    )
    .await;
    assert_error(
        &reply,
        400,
        "invalid_binding_message",
        "binding_message exceeds the maximum allowed length",
    );
    // A client without the CIBA grant.
    let spa = t
        .send(t.client.post(t.url("/oauth2/bc-authorize")).form(&[
            ("client_id", "sample-spa"),
            ("login_hint", "thor"),
            ("scope", "openid"),
        ]))
        .await;
    assert_error(
        &spa,
        400,
        "unauthorized_client",
        "The client is not authorized to use the CIBA grant type",
    );
    assert_eq!(t.server.stats().oauth_entries, 0, "nothing kept");
    assert_eq!(
        t.server.stats().flow_executions,
        0,
        "no execution left behind"
    );
    assert!(t.server.outbox().is_empty());
}

#[tokio::test]
async fn an_id_token_hint_names_the_user_by_its_sub() {
    let t = TestServer::start().await;
    let now = t.server.now();
    let hint = t.server.sign(
        thunderid_mock::TokenType::Jwt,
        &json!({"iss": t.server.issuer(), "sub": "thor", "aud": "x", "exp": now + 60}),
    );
    let reply = bc_authorize(&t, &[("id_token_hint", &hint), ("scope", "openid")]).await;
    assert_eq!(
        reply.status, 200,
        "the bundled flow looks the sub up as a username: {reply:?}"
    );
    let foreign = t.server.sign(
        thunderid_mock::TokenType::Jwt,
        &json!({"iss": "https://other.example", "sub": "thor", "exp": now}),
    );
    assert_error(
        &bc_authorize(&t, &[("id_token_hint", &foreign), ("scope", "openid")]).await,
        400,
        "invalid_request",
        "id_token_hint was not issued by this server",
    );
    let stale = t.server.sign(
        thunderid_mock::TokenType::Jwt,
        &json!({"iss": t.server.issuer(), "sub": "thor", "exp": now - 31 * 86_400}),
    );
    assert_error(
        &bc_authorize(&t, &[("id_token_hint", &stale), ("scope", "openid")]).await,
        400,
        "invalid_request",
        "id_token_hint has exceeded the maximum allowed staleness period",
    );
    let no_sub = t.server.sign(
        thunderid_mock::TokenType::Jwt,
        &json!({"iss": t.server.issuer(), "exp": now}),
    );
    assert_error(
        &bc_authorize(&t, &[("id_token_hint", &no_sub), ("scope", "openid")]).await,
        400,
        "invalid_request",
        "id_token_hint is missing the sub claim",
    );
}

#[tokio::test]
async fn polls_of_unknown_or_foreign_requests_are_invalid_grant() {
    let t = TestServer::start().await;
    let id = ask_thor(&t).await;
    assert_error(
        &poll(&t, "nope").await,
        400,
        "invalid_grant",
        "Invalid auth_req_id",
    );
    let missing = t
        .send(
            t.client
                .post(t.url("/oauth2/token"))
                .header("authorization", basic(client_id(), secret()))
                .form(&[("grant_type", CIBA)]),
        )
        .await;
    assert_error(&missing, 400, "invalid_request", "auth_req_id is required");
    let resource = t
        .send(
            t.client
                .post(t.url("/oauth2/token"))
                .header("authorization", basic(client_id(), secret()))
                .form(&[
                    ("grant_type", CIBA),
                    ("auth_req_id", &id),
                    ("resource", "https://api.booking.example"),
                ]),
        )
        .await;
    assert_error(
        &resource,
        400,
        "invalid_target",
        "The resource parameter does not match the authorized resource",
    );
    let web = t
        .send(
            t.client
                .post(t.url("/oauth2/token"))
                .header("authorization", basic("sample-web", "sample-web-secret"))
                .form(&[("grant_type", CIBA), ("auth_req_id", &id)]),
        )
        .await;
    assert_error(
        &web,
        400,
        "unauthorized_client",
        "The client is not authorized to use this grant type",
    );
}

#[tokio::test]
async fn the_ciba_callback_checks_the_assertion_against_the_request() {
    let t = TestServer::start().await;
    let id = ask_thor(&t).await;
    let now = t.server.now();
    let foreign = crate::callback::assertion_for(&t, "another-request", SAMPLE_CIBA.id, THOR.id);
    let callback = |assertion: String| {
        let id = id.clone();
        let t = &t;
        async move {
            t.post_json(
                "/oauth2/auth/callback",
                &json!({"authId": id, "assertion": assertion, "type": CIBA}),
            )
            .await
        }
    };
    assert_error(
        &callback(foreign).await,
        400,
        "access_denied",
        "Assertion does not match the backchannel authentication request",
    );
    let wrong_app = crate::callback::assertion_for(&t, &id, "some-other-app", THOR.id);
    assert_error(
        &callback(wrong_app).await,
        400,
        "invalid_request",
        "Invalid assertion signature",
    );
    let anonymous = t.server.sign(
        thunderid_mock::TokenType::Jwt,
        &json!({"iss": t.server.issuer(), "aud": SAMPLE_CIBA.id, "iat": now, "exp": now + 60, "authorization_request_id": id}),
    );
    assert_error(
        &callback(anonymous).await,
        400,
        "access_denied",
        "Assertion subject is missing",
    );
    let good = crate::callback::assertion_for(&t, &id, SAMPLE_CIBA.id, THOR.id);
    let reply = callback(good).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.body, "{\"status\":\"OK\"}\n");
    let body: Value = poll(&t, &id).await.json();
    assert!(body["access_token"].is_string(), "{body}");
}
