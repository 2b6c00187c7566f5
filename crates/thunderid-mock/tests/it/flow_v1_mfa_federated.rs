//! V1 over the second-factor and multi-option flows: SMS OTP through the outbox (`sample-mfa`),
//! and `sample-social`'s choice between credentials and the fake "Google" (MULTI_OPTIONS_PROMPT,
//! REDIRECTION_PROMPT, the IdP's code and state sent back through `/oauth2/authn`).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::flow_support::{THOR_ID, last_code};
use crate::flow_v1::{BASIC, authn, exchange, initiate, redacted, thor, verify_with_jwks};
use crate::support::TestServer;

/// base64url("sms-otp-authenticator:LOCAL").
const SMS_OTP: &str = "c21zLW90cC1hdXRoZW50aWNhdG9yOkxPQ0FM";
/// base64url("GoogleOIDCAuthenticator:Google").
const GOOGLE: &str = "R29vZ2xlT0lEQ0F1dGhlbnRpY2F0b3I6R29vZ2xl";
const THOR_MOBILE: &str = "+15550100001";

/// The code of a SUCCESS_COMPLETED body, exchanged; the verified ID token's `sub`.
async fn signed_in_subject(t: &TestServer, client_id: &str, done: &Value) -> String {
    assert_eq!(done["flowStatus"], "SUCCESS_COMPLETED", "{done}");
    assert_eq!(done["authData"]["state"], "v1-state");
    let code = done["authData"]["code"].as_str().expect("a code");
    let reply = exchange(t, client_id, code).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let id_token = reply.json()["id_token"]
        .as_str()
        .expect("id_token")
        .to_owned();
    let claims = verify_with_jwks(t, &id_token).await;
    claims["sub"].as_str().expect("sub").to_owned()
}

#[tokio::test]
async fn sms_otp_follows_the_password_and_the_code_comes_from_the_outbox() {
    let t = TestServer::start().await;
    let flow = initiate(&t, "sample-mfa").await;
    assert_eq!(
        flow["nextStep"]["authenticators"][0]["authenticatorId"],
        BASIC
    );
    let otp_step = authn(&t, &flow, BASIC, thor()).await;
    insta::assert_json_snapshot!("otp_step", redacted(&t, &otp_step));
    let code = last_code(&t, THOR_MOBILE).await;
    let done = authn(&t, &otp_step, SMS_OTP, json!({"otp": code})).await;
    assert_eq!(signed_in_subject(&t, "sample-mfa", &done).await, THOR_ID);
}

#[tokio::test]
async fn a_wrong_otp_is_fail_incomplete_and_the_right_one_still_works() {
    let t = TestServer::start().await;
    let flow = initiate(&t, "sample-mfa").await;
    let otp_step = authn(&t, &flow, BASIC, thor()).await;
    let code = last_code(&t, THOR_MOBILE).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let failed = authn(&t, &otp_step, SMS_OTP, json!({"otp": wrong})).await;
    insta::assert_json_snapshot!("otp_fail_incomplete", redacted(&t, &failed));
    let done = authn(&t, &failed, SMS_OTP, json!({"otp": code})).await;
    assert_eq!(signed_in_subject(&t, "sample-mfa", &done).await, THOR_ID);
}

#[tokio::test]
async fn multi_option_flows_offer_credentials_or_google() {
    let t = TestServer::start().await;
    let flow = initiate(&t, "sample-social").await;
    insta::assert_json_snapshot!("initiate_multi_option", redacted(&t, &flow));
    let done = authn(&t, &flow, BASIC, thor()).await;
    assert_eq!(signed_in_subject(&t, "sample-social", &done).await, THOR_ID);
}

#[tokio::test]
async fn choosing_credentials_without_params_narrows_the_step_to_them() {
    let t = TestServer::start().await;
    let flow = initiate(&t, "sample-social").await;
    let chosen = authn(&t, &flow, BASIC, json!({})).await;
    assert_eq!(chosen["flowStatus"], "INCOMPLETE", "{chosen}");
    assert_eq!(chosen["nextStep"]["stepType"], "AUTHENTICATOR_PROMPT");
    assert_eq!(
        chosen["nextStep"]["authenticators"],
        json!([flow["nextStep"]["authenticators"][0]])
    );
    let reply = crate::flow_v1::authn_at(
        &t,
        chosen["links"][0]["href"].as_str().unwrap_or_default(),
        &chosen["flowId"],
        GOOGLE,
        json!({}),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "Google is no longer offered"
    );
    let done = authn(&t, &chosen, BASIC, thor()).await;
    assert_eq!(signed_in_subject(&t, "sample-social", &done).await, THOR_ID);
}

/// Choose Google: the REDIRECTION_PROMPT and the `code` and `state` the fake IdP returns to the
/// client's redirect URI.
async fn google_round_trip(t: &TestServer) -> (Value, String, String) {
    let flow = initiate(t, "sample-social").await;
    let redirect = authn(t, &flow, GOOGLE, json!({})).await;
    let url =
        redirect["nextStep"]["authenticators"][0]["metadata"]["additionalData"]["redirectUrl"]
            .as_str()
            .expect("a redirectUrl");
    let url = url::Url::parse(url).expect("a URL");
    let back = t
        .get(&format!(
            "{}?{}",
            url.path(),
            url.query().unwrap_or_default()
        ))
        .await;
    assert_eq!(back.status, StatusCode::FOUND);
    let location = back.location();
    assert!(
        location
            .as_str()
            .starts_with("http://localhost:3000/callback?"),
        "the IdP returns to the client: {location}"
    );
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
async fn google_is_a_redirection_prompt_completed_with_the_idps_code_and_state() {
    let t = TestServer::start().await;
    let (redirect, code, state) = google_round_trip(&t).await;
    insta::assert_json_snapshot!("redirection_prompt", redacted(&t, &redirect));
    assert_eq!(
        redirect["nextStep"]["authenticators"][0]["metadata"]["additionalData"]["state"],
        json!(state)
    );
    let done = authn(&t, &redirect, GOOGLE, json!({"code": code, "state": state})).await;
    assert_eq!(signed_in_subject(&t, "sample-social", &done).await, THOR_ID);
}

#[tokio::test]
async fn a_foreign_idp_state_is_fail_incomplete_and_the_right_one_still_works() {
    let t = TestServer::start().await;
    let (redirect, code, state) = google_round_trip(&t).await;
    let failed = authn(
        &t,
        &redirect,
        GOOGLE,
        json!({"code": code, "state": "forged"}),
    )
    .await;
    assert_eq!(failed["flowStatus"], "FAIL_INCOMPLETE", "{failed}");
    assert_eq!(
        failed["nextStep"]["messages"],
        json!([{"type": "ERROR", "message": "Invalid OAuth state parameter"}])
    );
    assert_eq!(
        failed["nextStep"]["authenticators"],
        redirect["nextStep"]["authenticators"]
    );
    let done = authn(&t, &failed, GOOGLE, json!({"code": code, "state": state})).await;
    assert_eq!(signed_in_subject(&t, "sample-social", &done).await, THOR_ID);
}

#[tokio::test]
async fn sending_the_redirection_prompt_back_empty_asks_for_a_fresh_redirect() {
    let t = TestServer::start().await;
    let (redirect, code, _) = google_round_trip(&t).await;
    let spent = authn(&t, &redirect, GOOGLE, json!({"code": "unknown-code"})).await;
    assert_eq!(spent["flowStatus"], "FAIL_INCOMPLETE", "{spent}");
    let again = authn(&t, &spent, GOOGLE, json!({})).await;
    assert_eq!(again["flowStatus"], "INCOMPLETE", "{again}");
    let data = &again["nextStep"]["authenticators"][0]["metadata"]["additionalData"];
    assert_ne!(
        data["state"],
        redirect["nextStep"]["authenticators"][0]["metadata"]["additionalData"]["state"],
        "a new IdP round trip"
    );
    // The first round trip's code was never redeemed; sent without `state` it skips the state
    // check, as in V2.
    let stale = authn(&t, &again, GOOGLE, json!({"code": code})).await;
    assert_eq!(stale["flowStatus"], "SUCCESS_COMPLETED", "{stale}");
}
