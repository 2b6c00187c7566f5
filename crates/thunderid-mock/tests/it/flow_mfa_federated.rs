//! The second-factor and federated flows, driven over `/flow/execute` as an SDK embedding the
//! login UI does (the execution comes from `/oauth2/authorize`): SMS OTP through the outbox with
//! FET-1008 and FET-1009, and sign-in with the fake "Google" with FET-1012 and FET-1013.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::callback::{query_string, spa_query};
use crate::flow_support::*;
use crate::support::{TestServer, assert_json_eq};

const THOR_MOBILE: &str = "+15550100001";

/// Authorize as `client_id` and make the execution's first call (no challenge token).
pub(crate) async fn first_step(t: &TestServer, client_id: &str) -> Value {
    let mut query = spa_query("openid");
    for pair in &mut query {
        if pair.0 == "client_id" {
            pair.1 = client_id.to_owned();
        }
    }
    let reply = t
        .get(&format!("/oauth2/authorize?{}", query_string(&query)))
        .await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    let execution_id = reply
        .location()
        .query_pairs()
        .find(|(k, _)| k == "executionId")
        .map(|(_, v)| v.into_owned());
    let reply = execute(t, &json!({"executionId": execution_id}), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

/// Sign in to `sample-mfa` with Thor's password: the OTP prompt.
async fn otp_prompt(t: &TestServer) -> Value {
    let first = first_step(t, "sample-mfa").await;
    step(
        t,
        &first,
        Some("action_001"),
        json!({"username": "thor", "password": "Thor@12345"}),
    )
    .await
}

fn without_meta(body: &Value) -> Value {
    let mut body = redacted(body);
    if let Some(data) = body["data"].as_object_mut() {
        data.remove("meta");
    }
    body
}

#[tokio::test]
async fn the_otp_goes_to_the_users_phone_and_completes_with_aal2() {
    let t = TestServer::start().await;
    let prompt = otp_prompt(&t).await;
    insta::assert_json_snapshot!("otp_prompt", without_meta(&prompt));
    let messages = outbox(&t, THOR_MOBILE).await;
    assert_eq!(messages.len(), 1);
    let code = messages[0]["code"].as_str().expect("the OTP").to_owned();
    assert!(
        code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()),
        "{code}"
    );
    assert_json_eq(
        &messages[0],
        &json!({
            "channel": "sms", "recipient": THOR_MOBILE, "template": "OTP",
            "body": format!("Your verification code is: {code}. It expires in 2 minutes."),
            "code": code, "sentAt": prompt_time(&t)
        }),
    );
    let done = step(&t, &prompt, Some("action_verify_otp"), json!({"otp": code})).await;
    assert_eq!(done["flowStatus"], "COMPLETE", "{done}");
    let claims = verify_assertion(&t, done["assertion"].as_str().unwrap_or_default());
    // An OAuth sign-in keeps the user's attributes in the attribute cache and names the entry.
    assert_uuid_v7(claims["aci"].as_str().unwrap_or_default());
    insta::assert_json_snapshot!("otp_assertion", claims, {
        ".authorization_request_id" => "[auth-id]",
        ".aci" => "[aci]",
    });
}

fn prompt_time(t: &TestServer) -> u64 {
    t.server.now()
}

#[tokio::test]
async fn a_wrong_otp_is_fet_1008_and_asks_for_the_otp_again() {
    let t = TestServer::start().await;
    let prompt = otp_prompt(&t).await;
    let code = last_code(&t, THOR_MOBILE).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let retry = step(
        &t,
        &prompt,
        Some("action_verify_otp"),
        json!({"otp": wrong}),
    )
    .await;
    insta::assert_json_snapshot!(redacted(&retry));
    let done = step(&t, &retry, None, json!({"otp": code})).await;
    assert_eq!(done["flowStatus"], "COMPLETE", "{done}");
}

#[tokio::test]
async fn an_expired_otp_is_fet_1008() {
    let t = TestServer::start().await;
    let prompt = otp_prompt(&t).await;
    let code = last_code(&t, THOR_MOBILE).await;
    t.server.clock().advance(Duration::from_secs(120));
    let retry = step(&t, &prompt, Some("action_verify_otp"), json!({"otp": code})).await;
    assert_eq!(
        (
            retry["flowStatus"].as_str(),
            retry["error"]["code"].as_str()
        ),
        (Some("INCOMPLETE"), Some("FET-1008"))
    );
}

#[tokio::test]
async fn a_fourth_otp_is_fet_1009_with_an_error_assertion() {
    let t = TestServer::start().await;
    let mut body = otp_prompt(&t).await;
    for _ in 0..2 {
        body = step(&t, &body, Some("action_resend_otp"), json!({})).await;
        assert_eq!(body["flowStatus"], "INCOMPLETE", "{body}");
    }
    assert_eq!(outbox(&t, THOR_MOBILE).await.len(), 3);
    let refused = step(&t, &body, Some("action_resend_otp"), json!({})).await;
    insta::assert_json_snapshot!(redacted(&refused));
    let claims = verify_assertion(&t, refused["errorAssertion"].as_str().unwrap_or_default());
    assert_eq!(claims["flow_error_type"], "end_user_error");
    assert_eq!(
        claims["flow_error_description"],
        "The maximum number of OTP verification attempts (3) has been reached"
    );
}

/// The REDIRECTION step of `sample-social`, and the code and state the fake IdP returns for it.
async fn google_redirect(t: &TestServer) -> (Value, String, String) {
    let first = first_step(t, "sample-social").await;
    let redirect = step(t, &first, Some("action_google"), json!({})).await;
    let url = url::Url::parse(
        redirect["data"]["redirectURL"]
            .as_str()
            .expect("a redirectURL"),
    )
    .expect("a URL");
    let back = t
        .get(&format!(
            "{}?{}",
            url.path(),
            url.query().unwrap_or_default()
        ))
        .await;
    assert_eq!(back.status, StatusCode::FOUND);
    let location = back.location();
    let value = |name: &str| {
        location
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    (redirect, value("code"), value("state"))
}

#[tokio::test]
async fn federated_sign_in_redirects_to_the_idp_and_resumes_with_code_and_state() {
    let t = TestServer::start().await;
    let (redirect, code, state) = google_redirect(&t).await;
    let mut shape = redacted(&redirect);
    let url = shape["data"]["redirectURL"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        url.starts_with(
            &t.url("/__mock/idp/google/authorize?client_id=mock-google-client&redirect_uri=")
        ),
        "{url}"
    );
    shape["data"]["redirectURL"] = json!("[idp-authorize-url]");
    insta::assert_json_snapshot!("redirection_step", shape);
    let done = step(&t, &redirect, None, json!({"code": code, "state": state})).await;
    assert_eq!(done["flowStatus"], "COMPLETE", "{done}");
    let claims = verify_assertion(&t, done["assertion"].as_str().unwrap_or_default());
    assert_eq!(claims["sub"], THOR_ID);
    assert_eq!(
        claims["assurance"]["authenticators"][0]["authenticator"],
        "GoogleOIDCAuthenticator"
    );
}

#[tokio::test]
async fn a_foreign_state_is_fet_1012_and_the_right_one_still_works() {
    let t = TestServer::start().await;
    let (redirect, code, state) = google_redirect(&t).await;
    let refused = step(
        &t,
        &redirect,
        None,
        json!({"code": code, "state": "forged"}),
    )
    .await;
    assert_eq!(
        (
            refused["flowStatus"].as_str(),
            refused["error"]["code"].as_str()
        ),
        (Some("ERROR"), Some("FET-1012"))
    );
    assert_jws(refused["errorAssertion"].as_str().unwrap_or_default());
    let retry = json!({"executionId": redirect["executionId"], "challengeToken": redirect["challengeToken"],
        "inputs": {"code": code, "state": state}});
    let done = execute(&t, &retry, None).await.json();
    assert_eq!(done["flowStatus"], "COMPLETE", "{done}");
}

#[tokio::test]
async fn an_unknown_or_reused_code_is_fet_1013() {
    let t = TestServer::start().await;
    let (redirect, _, state) = google_redirect(&t).await;
    let refused = step(
        &t,
        &redirect,
        None,
        json!({"code": "made-up", "state": state}),
    )
    .await;
    assert_eq!(refused["error"]["code"], "FET-1013", "{refused}");
    assert_eq!(
        refused["error"]["message"]["defaultValue"],
        "Invalid OAuth authorization code"
    );
}

#[tokio::test]
async fn an_idp_user_without_a_local_account_is_fet_1014() {
    let t = TestServer::start().await;
    let first = first_step(&t, "sample-social").await;
    let redirect = step(&t, &first, Some("action_google"), json!({})).await;
    let url = url::Url::parse(redirect["data"]["redirectURL"].as_str().unwrap_or_default())
        .expect("a URL");
    let back = t
        .get(&format!(
            "{}?{}&login_hint=stranger%40example.com",
            url.path(),
            url.query().unwrap_or_default()
        ))
        .await;
    let location = back.location();
    let value = |name: &str| {
        location
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let refused = step(
        &t,
        &redirect,
        None,
        json!({"code": value("code"), "state": value("state")}),
    )
    .await;
    assert_eq!(refused["error"]["code"], "FET-1014", "{refused}");
}
