//! The hosted gate driven by a plain HTTP client (no redirects followed, no JavaScript): redirect
//! sign-in with PKCE through the HTML form, errors on the page, federated sign-in through the fake
//! IdP, sign-out, the error page.

use reqwest::StatusCode;
use serde_json::json;

use crate::callback::{SPA, SPA_CALLBACK, VERIFIER, claims_of, query_string, spa_query};
use crate::flow_support::*;
use crate::support::{Reply, TestServer, assert_json_eq};

/// `GET /oauth2/authorize` for `client_id`, following the 302 to the gate's sign-in page.
pub(crate) async fn sign_in_page(
    t: &TestServer,
    client_id: &str,
    scope: &str,
) -> (Reply, url::Url) {
    let mut query = spa_query(scope);
    for pair in &mut query {
        if pair.0 == "client_id" {
            pair.1 = client_id.to_owned();
        }
    }
    let reply = t
        .get(&format!("/oauth2/authorize?{}", query_string(&query)))
        .await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    let gate = reply.location();
    assert_eq!(gate.path(), "/gate/signin");
    let page = follow(t, &reply).await;
    assert_eq!(page.status, StatusCode::OK, "{page:?}");
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    (page, gate)
}

fn query_value(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn a_plain_http_client_completes_a_redirect_sign_in_with_pkce() {
    let t = TestServer::start().await;
    let (page, gate) = sign_in_page(&t, SPA, "openid profile email").await;
    let form = GateForm::parse(&page.body);
    assert_eq!(form.action, "/gate/signin");
    assert_eq!(form.fields, ["username", "password"]);
    let hidden: Vec<&str> = form.hidden.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        hidden,
        [
            "executionId",
            "applicationId",
            "challengeToken",
            "authId",
            "tid-validate",
            "tid-check",
            "tid-check"
        ]
    );
    assert_eq!(
        form.hidden[0].1,
        query_value(&gate, "executionId").unwrap_or_default()
    );
    assert_challenge_token(&form.hidden[2].1);
    // The application disables recovery and registration: the links are not on the page.
    let labels: Vec<&str> = form.buttons.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels, ["Sign In"]);

    let reply = form
        .submit(
            &t,
            &form.button("Sign In"),
            &[("username", "thor"), ("password", "Thor@12345")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    let callback = reply.location();
    assert_eq!(
        format!(
            "{}://{}{}",
            callback.scheme(),
            callback.authority(),
            callback.path()
        ),
        SPA_CALLBACK
    );
    assert_eq!(query_value(&callback, "state").as_deref(), Some("xyz"));
    assert_eq!(
        query_value(&callback, "iss").as_deref(),
        Some(t.server.issuer())
    );
    let code = query_value(&callback, "code").expect("a code");

    let reply = t
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", SPA_CALLBACK),
                ("client_id", SPA),
                ("code_verifier", VERIFIER),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let tokens = reply.json();
    let (_, claims) = claims_of(&t, tokens["id_token"].as_str().expect("an ID token"));
    assert_eq!(claims["sub"], THOR_ID);
    assert_eq!(claims["aud"], SPA);
}

#[tokio::test]
async fn a_wrong_password_is_shown_on_the_page_and_the_form_comes_back() {
    let t = TestServer::start().await;
    let (page, _) = sign_in_page(&t, SPA, "openid").await;
    let form = GateForm::parse(&page.body);
    let reply = form
        .submit(
            &t,
            "action_001",
            &[("username", "thor"), ("password", "nope")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.body.contains(r#"data-code="FET-1005""#),
        "{}",
        reply.body
    );
    let again = GateForm::parse(&reply.body);
    assert_eq!(again.fields, ["username", "password"]);
    assert_ne!(again.hidden, form.hidden, "a fresh challenge token");
    // The old form's token is stale now: the page reports ICS-1002 and the client gets nothing.
    let stale = form
        .submit(
            &t,
            "action_001",
            &[("username", "thor"), ("password", "Thor@12345")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::FOUND);
    let client = stale.location();
    assert_eq!(
        query_value(&client, "error").as_deref(),
        Some("access_denied")
    );
}

#[tokio::test]
async fn reloading_the_sign_in_page_shows_the_same_step() {
    let t = TestServer::start().await;
    let (first, gate) = sign_in_page(&t, SPA, "openid").await;
    let path = format!("{}?{}", gate.path(), gate.query().unwrap_or_default());
    let cookie = gate_cookie(&first);
    let second = t
        .send(t.client.get(t.url(&path)).header("cookie", &cookie))
        .await;
    assert_eq!(
        GateForm::parse(&second.body).fields,
        GateForm::parse(&first.body).fields
    );
    let form = GateForm::parse(&second.body);
    let reply = form
        .submit(
            &t,
            "action_001",
            &[("username", "loki"), ("password", "Loki@12345")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    assert!(query_value(&reply.location(), "code").is_some());
}

#[tokio::test]
async fn another_browser_cannot_open_a_sign_in_page_it_did_not_start() {
    let t = TestServer::start().await;
    let (first, gate) = sign_in_page(&t, SPA, "openid").await;
    let path = format!("{}?{}", gate.path(), gate.query().unwrap_or_default());
    // Holding the executionId is not enough: no challenge token is handed out and the owner's stays.
    for cookie in ["", "tid_gate=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
        let stolen = t
            .send(t.client.get(t.url(&path)).header("cookie", cookie))
            .await;
        assert_eq!(stolen.status, StatusCode::OK);
        assert_eq!(card_text(&stolen.body)[1], "Invalid request");
        assert!(GateForm::parse(&stolen.body).hidden.is_empty());
    }
    let form = GateForm::parse(&first.body);
    let reply = form
        .submit(
            &t,
            "action_001",
            &[("username", "loki"), ("password", "Loki@12345")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    assert!(query_value(&reply.location(), "code").is_some());
}

#[tokio::test]
async fn the_gate_does_not_open_an_app_native_execution() {
    let t = TestServer::start().await;
    let started = start_native(&t, "AUTHENTICATION", json!({})).await;
    let execution_id = started["executionId"].as_str().unwrap_or_default();
    let page = t
        .get(&format!(
            "/gate/signin?applicationId={NATIVE}&executionId={execution_id}"
        ))
        .await;
    assert_eq!(card_text(&page.body)[1], "Invalid request");
    assert!(GateForm::parse(&page.body).hidden.is_empty());
    // The app's own token still continues it: the gate's refusal rotated nothing.
    let next = step(
        &t,
        &started,
        Some("action_001"),
        json!({"username": "thor", "password": "Thor@12345"}),
    )
    .await;
    assert_eq!(next["flowStatus"], "COMPLETE", "{next}");
}

#[tokio::test]
async fn an_unknown_execution_says_the_session_expired_and_shows_the_way_back() {
    let t = TestServer::start().await;
    let reply = t
        .get("/gate/signin?applicationId=x&authId=y&executionId=nope")
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        card_text(&reply.body),
        [
            "Sign In",
            "Invalid request",
            "Your session has expired. Please return to the application and sign in again.",
            "Please return to the application and try again.",
        ]
    );
}

#[tokio::test]
async fn the_error_page_escapes_what_it_shows() {
    let t = TestServer::start().await;
    let reply = t
        .get("/gate/error?errorCode=server_error&errorMessage=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        card_text(&reply.body),
        [
            "Oops, that didn't work",
            "<script>alert(1)</script>",
            "server_error"
        ]
    );
    let escaped = "<p class=\"tid-message tid-body2\">&lt;script&gt;alert(1)&lt;/script&gt;</p>";
    assert_eq!(reply.body.matches(escaped).count(), 1, "{}", reply.body);
}

#[tokio::test]
async fn the_error_page_for_an_invalid_request_uses_the_gates_texts() {
    let t = TestServer::start().await;
    let reply = t
        .get("/gate/error?errorCode=invalid_request&errorMessage=ignored")
        .await;
    assert_eq!(
        card_text(&reply.body),
        [
            "Oh no, we ran into a problem!",
            "The request is invalid. Please check and try again.",
            "invalid_request"
        ]
    );
}

#[tokio::test]
async fn federated_sign_in_goes_through_the_fake_idp_and_back() {
    let t = TestServer::start().await;
    let (page, _) = sign_in_page(&t, "sample-social", "openid").await;
    let form = GateForm::parse(&page.body);
    let google = form.button("Continue with Google");
    let to_idp = form.submit(&t, &google, &[]).await;
    assert_eq!(to_idp.status, StatusCode::FOUND, "{to_idp:?}");
    let idp = to_idp.location();
    assert_eq!(idp.path(), "/__mock/idp/google/authorize");
    assert_eq!(
        query_value(&idp, "redirect_uri"),
        Some(t.url("/gate/callback"))
    );
    let back = t
        .get(&format!(
            "{}?{}&login_hint=loki",
            idp.path(),
            idp.query().unwrap_or_default()
        ))
        .await;
    assert_eq!(back.status, StatusCode::FOUND);
    assert_eq!(back.location().path(), "/gate/callback");
    let done = follow(&t, &back).await;
    assert_eq!(done.status, StatusCode::FOUND, "{done:?}");
    let client = done.location();
    let code = query_value(&client, "code").expect("a code");
    let reply = t
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", SPA_CALLBACK),
                ("client_id", "sample-social"),
                ("code_verifier", VERIFIER),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let (_, claims) = claims_of(
        &t,
        reply.json()["access_token"].as_str().unwrap_or_default(),
    );
    assert_eq!(claims["sub"], "01900000-0000-7000-8000-000000000102");
}

#[tokio::test]
async fn the_idp_return_with_an_unknown_state_is_an_error_page() {
    let t = TestServer::start().await;
    let reply = t.get("/gate/callback?code=x&state=unknown").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.location().path(), "/gate/error");
}

#[tokio::test]
async fn rp_initiated_logout_runs_the_signout_flow_and_returns_to_the_app() {
    let t = TestServer::start().await;
    let query = query_string(&[
        ("client_id", SPA.to_owned()),
        (
            "post_logout_redirect_uri",
            "http://localhost:3000/".to_owned(),
        ),
        ("state", "sign_out_success".to_owned()),
    ]);
    let reply = t.get(&format!("/oauth2/logout?{query}")).await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    let gate = reply.location();
    assert_eq!(gate.path(), "/gate/signout");
    let done = follow(&t, &reply).await;
    assert_eq!(done.status, StatusCode::FOUND, "{done:?}");
    assert_eq!(
        done.header("location"),
        Some("http://localhost:3000/?state=sign_out_success")
    );
    let cookie = done.header("set-cookie").unwrap_or_default();
    assert!(
        cookie.starts_with("tid_sso_")
            && cookie.ends_with("=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
        "{cookie}"
    );
}

#[tokio::test]
async fn the_fake_idp_redirects_only_to_registered_uris_and_signs_in_no_administrator() {
    let t = TestServer::start().await;
    let reply = t.get("/__mock/idp/google/authorize?state=s").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let gate = t.url("/gate/callback");
    for foreign in [
        "http://app/cb".to_owned(),
        "javascript:alert(1)".to_owned(),
        format!("{gate}?x=1"),
        format!("{gate}/../x"),
    ] {
        let reply = t
            .get(&format!(
                "/__mock/idp/google/authorize?{}",
                query_string(&[("redirect_uri", foreign.clone()), ("state", "s".to_owned())])
            ))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{foreign}");
        assert_eq!(reply.body, "invalid redirect_uri\n");
    }
    let authorize = |hint: &str| {
        format!(
            "/__mock/idp/google/authorize?{}",
            query_string(&[
                ("redirect_uri", gate.clone()),
                ("state", "s".to_owned()),
                ("login_hint", hint.to_owned())
            ])
        )
    };
    let reply = t.get(&authorize("nobody")).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = t.get(&authorize("admin")).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body, "the fake IdP signs in no administrator\n");
    let reply = t.get(&authorize("thor")).await;
    assert_eq!(reply.status, StatusCode::FOUND);
    let location = reply.location();
    assert_eq!(location.path(), "/gate/callback");
    assert_eq!(query_value(&location, "state").as_deref(), Some("s"));
    assert_eq!(query_value(&location, "code").map(|c| c.len()), Some(64));
}

#[tokio::test]
async fn the_first_call_of_an_authorize_execution_needs_no_challenge_token() {
    let t = TestServer::start().await;
    let reply = t
        .get(&format!(
            "/oauth2/authorize?{}",
            query_string(&spa_query("openid"))
        ))
        .await;
    let execution_id = query_value(&reply.location(), "executionId").expect("an executionId");
    let body = execute(&t, &json!({"executionId": execution_id}), None)
        .await
        .json();
    assert_eq!(body["flowStatus"], "INCOMPLETE");
    assert!(
        body["data"]["meta"].is_object(),
        "authorize-created executions are verbose"
    );
    // A failure in band now carries an error assertion for the callback.
    let stale = execute(
        &t,
        &json!({"executionId": execution_id, "challengeToken": "x"}),
        None,
    )
    .await
    .json();
    assert_json_eq(&redacted(&stale)["errorAssertion"], &json!("[jwt]"));
    let claims = verify_assertion(&t, stale["errorAssertion"].as_str().unwrap_or_default());
    insta::assert_json_snapshot!(claims, {".authorization_request_id" => "[auth-id]"});
}

#[tokio::test]
async fn the_otp_step_is_a_form_too() {
    let t = TestServer::start().await;
    let (page, _) = sign_in_page(&t, "sample-mfa", "openid").await;
    let form = GateForm::parse(&page.body);
    let otp = form
        .submit(
            &t,
            "action_001",
            &[("username", "thor"), ("password", "Thor@12345")],
        )
        .await;
    assert_eq!(otp.status, StatusCode::OK, "{otp:?}");
    assert_eq!(
        card_text(&otp.body),
        [
            "Verify Your Identity",
            "Enter the verification code sent to your phone",
            "Verification Code *",
            "Verify",
            "Resend OTP"
        ]
    );
    let otp_form = GateForm::parse(&otp.body);
    assert_eq!(otp_form.fields, ["otp"]);
    let labels: Vec<&str> = otp_form.buttons.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels, ["Verify", "Resend OTP"]);
    let code = last_code(&t, "+15550100001").await;
    let done = otp_form
        .submit(&t, &otp_form.button("Verify"), &[("otp", &code)])
        .await;
    assert_eq!(done.status, StatusCode::FOUND, "{done:?}");
    assert!(
        query_value(&done.location(), "code").is_some(),
        "{}",
        done.location()
    );
}

/// A fixture set whose `sample-spa` signs in through a graph with a broken node (an OTPExecutor
/// without a mode): a genuine internal fault.
fn faulty_fixtures() -> thunderid_mock::Fixtures {
    let mut fixtures = thunderid_mock::Fixtures::bundled();
    let flow = json!({
        "id": "01900000-0000-7000-8000-0000000000ff", "handle": "faulty-flow", "name": "Faulty", "flowType": "AUTHENTICATION",
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "broken"},
            {"id": "broken", "type": "TASK_EXECUTION", "executor": {"name": "OTPExecutor"}, "onSuccess": "end"},
            {"id": "end", "type": "END"}
        ]
    });
    fixtures
        .flows
        .push(serde_json::from_value(flow).expect("a graph"));
    fixtures.applications[0].auth_flow = "faulty-flow".to_owned();
    fixtures
}

#[tokio::test]
async fn an_internal_fault_is_sse_5000_with_a_server_error_assertion() {
    let t = TestServer::with_fixtures(faulty_fixtures()).await;
    let reply = t
        .get(&format!(
            "/oauth2/authorize?{}",
            query_string(&spa_query("openid"))
        ))
        .await;
    let execution_id = query_value(&reply.location(), "executionId").expect("an executionId");
    let reply = execute(&t, &json!({"executionId": execution_id}), None).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    let body = reply.json();
    assert_json_eq(
        &redacted(&body),
        &json!({
            "code": "SSE-5000",
            "message": {"key": "error.internal_server_error", "defaultValue": "Internal server error"},
            "description": {"key": "error.internal_server_error_description", "defaultValue": "An unexpected error occurred while processing the request"},
            "errorAssertion": "[jwt]"
        }),
    );
    let claims = verify_assertion(&t, body["errorAssertion"].as_str().unwrap_or_default());
    assert_eq!(claims["flow_error_type"], "server_error");
    // The execution is gone with the fault.
    let again = execute(&t, &json!({"executionId": execution_id}), None).await;
    assert_eq!(again.json()["code"], "FES-1004");
}

#[tokio::test]
async fn the_gate_relays_an_internal_fault_to_the_callback() {
    let t = TestServer::with_fixtures(faulty_fixtures()).await;
    let reply = t
        .get(&format!(
            "/oauth2/authorize?{}",
            query_string(&spa_query("openid"))
        ))
        .await;
    let page = follow(&t, &reply).await;
    assert_eq!(page.status, StatusCode::FOUND, "{page:?}");
    // A server error goes to the gate's error page, not to the client (send_server_errors_to_client
    // is off by default).
    assert_eq!(page.location().path(), "/gate/error");
}

#[tokio::test]
async fn the_sign_in_page_renders_the_steps_components() {
    let t = TestServer::start().await;
    let (page, _) = sign_in_page(&t, SPA, "openid").await;
    let generated =
        regex::Regex::new(r#"value="[0-9a-f-]{36}"|value="[0-9a-f]{64}""#).expect("a pattern");
    let body = &page.body[page.body.find("<body>").unwrap_or(0)..];
    insta::assert_snapshot!(generated.replace_all(body, r#"value="[generated]""#));
}

#[tokio::test]
async fn gate_pages_carry_the_real_gates_headers_and_a_fresh_style_nonce() {
    let t = TestServer::start().await;
    let (page, gate) = sign_in_page(&t, SPA, "openid").await;
    let nonce = regex::Regex::new(r#"<style nonce="([A-Za-z0-9_-]{22})">"#)
        .expect("a pattern")
        .captures(&page.body)
        .map(|c| c[1].to_owned())
        .expect("a nonce on the stylesheet");
    assert_eq!(
        page.header("content-security-policy"),
        Some(
            format!(
                "default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; \
                 img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
                 form-action 'self' {} http://localhost:3000; font-src 'self' data:; \
                 style-src-attr 'self' 'unsafe-inline'; style-src-elem 'self' 'nonce-{nonce}'",
                t.server.base_url()
            )
            .as_str()
        )
    );
    for (name, value) in [
        ("cache-control", "no-cache, no-store, must-revalidate"),
        ("pragma", "no-cache"),
        ("expires", "0"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
    ] {
        assert_eq!(page.header(name), Some(value), "{name}");
    }
    let head = &page.body[..page.body.find("<style").unwrap_or(0)];
    assert_eq!(
        head,
        "<!DOCTYPE html>\n<html lang=\"en-US\" dir=\"ltr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n<title>Sign In - ThunderID</title>\n\
         <link rel=\"icon\" href=\"data:,\">\n"
    );
    let path = format!("{}?{}", gate.path(), gate.query().unwrap_or_default());
    let again = t.get(&path).await;
    assert!(
        !again.body.contains(&nonce),
        "every response gets its own nonce"
    );
}

#[tokio::test]
async fn a_second_redirect_sign_in_with_the_sso_cookie_skips_the_sign_in_page() {
    let t = TestServer::start().await;
    let (page, _) = sign_in_page(&t, "sample-portal", "openid").await;
    let form = GateForm::parse(&page.body);
    let reply = form
        .submit(
            &t,
            &form.button("Sign In"),
            &[("username", "thor"), ("password", "Thor@12345")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    let cookie = reply
        .header("set-cookie")
        .expect("the SSO cookie")
        .to_owned();
    assert!(
        cookie.starts_with("tid_sso_8aa96c48e4b43307=")
            && cookie.ends_with("; Path=/; Max-Age=28800; HttpOnly; SameSite=Lax"),
        "{cookie}"
    );
    let handle = cookie.split(';').next().unwrap_or_default().to_owned();

    let mut query = spa_query("openid");
    for pair in &mut query {
        if pair.0 == "client_id" {
            pair.1 = "sample-portal".to_owned();
        }
    }
    let reply = t
        .get(&format!("/oauth2/authorize?{}", query_string(&query)))
        .await;
    let gate = reply.location();
    let path = format!("{}?{}", gate.path(), gate.query().unwrap_or_default());
    let reply = t
        .send(t.client.get(t.url(&path)).header("cookie", handle))
        .await;
    assert_eq!(reply.status, StatusCode::FOUND, "no page: {reply:?}");
    let callback = reply.location();
    assert_eq!(
        format!(
            "{}://{}{}",
            callback.scheme(),
            callback.authority(),
            callback.path()
        ),
        SPA_CALLBACK
    );
    assert!(query_value(&callback, "code").is_some(), "{callback}");
}
