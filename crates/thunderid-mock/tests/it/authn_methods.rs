//! The direct authentication API's SMS OTP and identity provider methods
//! (`/auth/otp/sms/*`, `/auth/oauth/*`).

use reqwest::Method;
use serde_json::{Value, json};
use thunderid_mock::bundled::THOR;

use crate::authn::{assertion_claims, direct};
use crate::flow_support::{THOR_ID, outbox, redacted};
use crate::organizations::{admin, call};
use crate::support::{EPOCH, TestServer, assert_json_eq};

const SEND: &str = "/auth/otp/sms/send";
const VERIFY: &str = "/auth/otp/sms/verify";

/// A Vonage SMS sender's id.
async fn sms_sender(t: &TestServer) -> String {
    let body = json!({"name": "Vonage", "apiKey": "k", "apiSecret": "s", "senderId": "Acme"});
    let reply = call(
        t,
        Method::POST,
        "/connections/vonage",
        Some(&admin(t)),
        Some(&body),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()["id"].as_str().expect("an id").to_owned()
}

/// An identity provider connection of `vendor` whose redirect URI is the gate's callback.
async fn idp(t: &TestServer, vendor: &str) -> String {
    let mut body = json!({"name": vendor, "clientId": "c", "clientSecret": "s",
        "redirectUri": t.url("/gate/callback")});
    if matches!(vendor, "oidc" | "oauth") {
        body["authorizationEndpoint"] = json!("https://idp.example/authorize");
        body["tokenEndpoint"] = json!("https://idp.example/token");
    }
    let path = format!("/connections/{vendor}");
    let reply = call(t, Method::POST, &path, Some(&admin(t)), Some(&body)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()["id"].as_str().expect("an id").to_owned()
}

/// Send an OTP to thor's phone: the session token and the code.
async fn send_to_thor(t: &TestServer) -> (String, String) {
    let sender = sms_sender(t).await;
    let reply = direct(
        t,
        SEND,
        &json!({"senderId": sender, "recipient": "+15550100001"}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    let messages = outbox(t, "+15550100001").await;
    let code = messages.last().expect("an SMS")["code"]
        .as_str()
        .expect("a code")
        .to_owned();
    (
        body["sessionToken"].as_str().expect("a token").to_owned(),
        code,
    )
}

#[tokio::test]
async fn an_sms_otp_goes_to_the_outbox_with_a_stateless_session_token() {
    let t = TestServer::start().await;
    let sender = sms_sender(&t).await;
    let reply = direct(
        &t,
        SEND,
        &json!({"senderId": sender, "recipient": "+15550100001"}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["status"], "SUCCESS");
    let token = body["sessionToken"].as_str().expect("a session token");
    let mut claims = t.server.verify(token).expect("the server signed it").claims;
    let data = claims.remove("otp_data").expect("otp_data");
    let messages = outbox(&t, "+15550100001").await;
    let sms = messages.last().expect("an SMS");
    let code = sms["code"].as_str().expect("a code");
    assert_eq!(code.len(), 6);
    assert_eq!(
        sms["body"],
        json!(format!(
            "Your verification code is: {code}. It expires in 2 minutes."
        ))
    );
    assert_eq!(data["recipient"], "+15550100001");
    assert_eq!(data["recipientAttr"], "mobile_number");
    assert_eq!(data["expiry_time"], json!((EPOCH + 120) * 1000));
    assert_ne!(data["otp_value"], json!(code), "only a thumbprint is kept");
    assert_eq!(claims["aud"], "otp-svc");
    assert_eq!(claims["sub"], "otp-svc");
    assert_eq!(claims["exp"], json!(EPOCH + 120));
}

#[tokio::test]
async fn sending_needs_a_known_sender_and_both_members() {
    let t = TestServer::start().await;
    let reply = direct(
        &t,
        SEND,
        &json!({"senderId": "nope", "recipient": "+15550100001"}),
    )
    .await;
    assert_eq!(reply.status, 400);
    insta::assert_json_snapshot!("authn_otp_unknown_sender", reply.json());
    let reply = direct(&t, SEND, &json!({"senderId": " ", "recipient": ""})).await;
    assert_eq!(reply.status, 400);
    insta::assert_json_snapshot!("authn_otp_send_validation", reply.json());
    assert!(outbox(&t, "+15550100001").await.is_empty());
}

#[tokio::test]
async fn the_right_code_signs_in_the_user_with_that_phone_number() {
    let t = TestServer::start().await;
    let (session, code) = send_to_thor(&t).await;
    let wrong = direct(&t, VERIFY, &json!({"sessionToken": session, "otp": "x"})).await;
    assert_eq!(wrong.status, 401);
    insta::assert_json_snapshot!("authn_otp_authentication_failed", wrong.json());
    let reply = direct(&t, VERIFY, &json!({"sessionToken": session, "otp": code})).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    insta::assert_json_snapshot!("authn_otp_response", redacted(&body));
    let claims = assertion_claims(&t, &body);
    assert_json_eq(
        &claims["assurance"],
        &json!({"aal": "AAL1", "ial": "IAL1", "authenticators": [
            {"authenticator": "OTPAuthenticator", "step": 1, "timestamp": EPOCH}]}),
    );
    // Stateless, as on the server: the code verifies again until it expires.
    let again = direct(&t, VERIFY, &json!({"sessionToken": session, "otp": code})).await;
    assert_eq!(again.status, 200);
}

#[tokio::test]
async fn an_expired_code_is_401_until_the_token_itself_expires() {
    let t = TestServer::start().await;
    let (session, code) = send_to_thor(&t).await;
    let body = json!({"sessionToken": session, "otp": code, "skipAssertion": true});
    t.server.advance(std::time::Duration::from_secs(121));
    assert_eq!(direct(&t, VERIFY, &body).await.status, 401);
    // Past the token's expiry and the 30 s leeway, the token no longer verifies.
    t.server.advance(std::time::Duration::from_secs(30));
    let reply = direct(&t, VERIFY, &body).await;
    assert_eq!(reply.status, 400);
    insta::assert_json_snapshot!("authn_otp_invalid_session", reply.json());
}

#[tokio::test]
async fn a_session_token_for_another_purpose_is_refused() {
    let t = TestServer::start().await;
    let id = idp(&t, "google").await;
    let start = direct(&t, "/auth/oauth/google/start", &json!({"idpId": id})).await;
    let idp_session = start.json()["sessionToken"].clone();
    let reply = direct(
        &t,
        VERIFY,
        &json!({"sessionToken": idp_session, "otp": "1"}),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["code"], "AUTHN-MGR-1008");
}

#[tokio::test]
async fn a_code_for_a_phone_no_user_has_is_a_server_error() {
    let t = TestServer::start().await;
    let sender = sms_sender(&t).await;
    let reply = direct(
        &t,
        SEND,
        &json!({"senderId": sender, "recipient": "+15559999999"}),
    )
    .await;
    let session = reply.json()["sessionToken"].clone();
    let code = outbox(&t, "+15559999999").await.last().expect("an SMS")["code"].clone();
    let reply = direct(&t, VERIFY, &json!({"sessionToken": session, "otp": code})).await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.json()["code"], "SSE-5000");
}

/// Start at `/auth/oauth/{endpoint}/start`, sign in at the fake IdP as `login`: the session token
/// and the code.
async fn idp_code(t: &TestServer, endpoint: &str, idp_id: &str, login: &str) -> (String, String) {
    let path = format!("/auth/oauth/{endpoint}/start");
    let reply = direct(t, &path, &json!({"idpId": idp_id})).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    let mut url = url::Url::parse(body["redirectUrl"].as_str().expect("a redirect URL")).unwrap();
    url.query_pairs_mut().append_pair("login_hint", login);
    let back = t.send(t.client.get(url.as_str())).await;
    assert_eq!(back.status, 302, "{}", back.body);
    let code = back
        .location()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    (
        body["sessionToken"].as_str().expect("a token").to_owned(),
        code,
    )
}

#[tokio::test]
async fn google_start_answers_the_fake_idps_authorize_url_and_a_session_token() {
    let t = TestServer::start().await;
    let id = idp(&t, "google").await;
    let reply = direct(&t, "/auth/oauth/google/start", &json!({"idpId": id})).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    let url = url::Url::parse(body["redirectUrl"].as_str().unwrap()).unwrap();
    assert_eq!(url.path(), format!("/__mock/idp/{id}/authorize"));
    let query: std::collections::BTreeMap<String, String> =
        url.query_pairs().into_owned().collect();
    let names: Vec<&str> = query.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "client_id",
            "nonce",
            "redirect_uri",
            "response_type",
            "scope",
            "state"
        ]
    );
    assert_eq!(query["client_id"], "c");
    assert_eq!(query["redirect_uri"], t.url("/gate/callback"));
    let claims = t
        .server
        .verify(body["sessionToken"].as_str().unwrap())
        .expect("the server signed it")
        .claims;
    assert_json_eq(
        &claims["auth_data"],
        &json!({"idpId": id, "idpType": "GOOGLE", "nonce": query["nonce"]}),
    );
    assert_eq!(claims["aud"], "auth-svc");
    assert_eq!(claims["exp"], json!(EPOCH + 600));
}

#[tokio::test]
async fn finishing_with_the_idps_code_signs_in_the_local_user_once() {
    let t = TestServer::start().await;
    let id = idp(&t, "github").await;
    let (session, code) = idp_code(&t, "github", &id, THOR.username).await;
    let body = json!({"sessionToken": session, "code": code});
    let reply = direct(&t, "/auth/oauth/github/finish", &body).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let answer = reply.json();
    assert_eq!(answer["id"], THOR_ID);
    let claims = assertion_claims(&t, &answer);
    assert_eq!(
        claims["assurance"]["authenticators"][0]["authenticator"],
        "GithubOAuthAuthenticator"
    );
    // The code is single use at the IdP.
    let reply = direct(&t, "/auth/oauth/github/finish", &body).await;
    assert_eq!(reply.status, 400);
    insta::assert_json_snapshot!("authn_federated_failed", reply.json());
}

#[tokio::test]
async fn the_standard_endpoints_take_oauth_and_oidc_providers() {
    let t = TestServer::start().await;
    for (vendor, authenticator) in [
        ("oauth", "OAuthAuthenticator"),
        ("oidc", "OIDCAuthenticator"),
    ] {
        let id = idp(&t, vendor).await;
        let (session, code) = idp_code(&t, "standard", &id, THOR.username).await;
        let body = json!({"sessionToken": session, "code": code});
        let reply = direct(&t, "/auth/oauth/standard/finish", &body).await;
        assert_eq!(reply.status, 200, "{vendor}: {}", reply.body);
        let claims = assertion_claims(&t, &reply.json());
        assert_eq!(
            claims["assurance"]["authenticators"][0]["authenticator"],
            authenticator
        );
    }
}

#[tokio::test]
async fn the_endpoint_must_match_the_providers_type() {
    let t = TestServer::start().await;
    let google = idp(&t, "google").await;
    for endpoint in ["github", "standard"] {
        let path = format!("/auth/oauth/{endpoint}/start");
        let reply = direct(&t, &path, &json!({"idpId": google})).await;
        assert_eq!(reply.status, 400, "{endpoint}");
        insta::assert_json_snapshot!("authn_invalid_idp_type", reply.json());
    }
    // A Google session token at the GitHub finish.
    let (session, code) = idp_code(&t, "google", &google, THOR.username).await;
    let reply = direct(
        &t,
        "/auth/oauth/github/finish",
        &json!({"sessionToken": session, "code": code}),
    )
    .await;
    assert_eq!(reply.json()["code"], "AUTHN-1003");
}

#[tokio::test]
async fn idp_errors_follow_the_servers_order() {
    let t = TestServer::start().await;
    let reply = direct(&t, "/auth/oauth/google/start", &json!({"idpId": "nope"})).await;
    assert_eq!(reply.status, 400);
    insta::assert_json_snapshot!("authn_unknown_idp", reply.json());
    let reply = direct(&t, "/auth/oauth/google/start", &json!({})).await;
    insta::assert_json_snapshot!("authn_idp_start_validation", reply.json());
    let long = "x".repeat(501);
    let reply = direct(
        &t,
        "/auth/oauth/google/finish",
        &json!({"sessionToken": "", "code": long}),
    )
    .await;
    insta::assert_json_snapshot!("authn_idp_finish_validation", reply.json());
    let reply = direct(
        &t,
        "/auth/oauth/google/finish",
        &json!({"sessionToken": "x", "code": "y"}),
    )
    .await;
    insta::assert_json_snapshot!("authn_invalid_session_token", reply.json());
    let other: Value = json!({"sessionToken": "x", "code": 5});
    assert_eq!(
        direct(&t, "/auth/oauth/google/finish", &other).await.json()["code"],
        "AUTHN-1000"
    );
}

#[tokio::test]
async fn an_idp_user_without_a_local_account_is_a_server_error() {
    let t = TestServer::start().await;
    let id = idp(&t, "google").await;
    let (session, code) = idp_code(&t, "google", &id, "stranger@elsewhere.example").await;
    let reply = direct(
        &t,
        "/auth/oauth/google/finish",
        &json!({"sessionToken": session, "code": code}),
    )
    .await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.json()["code"], "SSE-5000");
}
