//! CaptchaInterceptor over the fake captcha provider (`--fake-captcha`): off by default as on a
//! server without a provider, then tokens from `POST /__mock/captcha/token`, each verified once.

use reqwest::StatusCode;
use serde_json::{Value, json};
use thunderid_mock::MockServer;

use crate::flow_support::{execute, redacted, step};
use crate::support::TestServer;

const APP: &str = "01900000-0000-7000-8000-0000000000e7";
const SECRET: &str = "captcha-lab-secret";

fn guarded_flow() -> Value {
    json!({
        "id": "01900000-0000-7000-8000-0000000000f7", "handle": "captcha-lab", "name": "Captcha lab",
        "flowType": "AUTHENTICATION",
        "interceptors": [{"name": "CaptchaInterceptor", "mode": "PRE_NODE", "scope": "SELECTED",
                          "applyTo": ["auth"]}],
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "ask"},
            {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
                {"ref": "u", "identifier": "username", "type": "TEXT_INPUT", "required": true},
                {"ref": "p", "identifier": "password", "type": "PASSWORD_INPUT", "required": true}],
                "action": {"ref": "submit", "nextNode": "auth"}}]},
            {"id": "auth", "type": "TASK_EXECUTION", "executor": {"name": "CredentialsAuthExecutor"},
             "onSuccess": "assert"},
            {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"},
             "onSuccess": "end"},
            {"id": "end", "type": "END"}
        ]
    })
}

fn lab(builder: thunderid_mock::MockServerBuilder) -> thunderid_mock::MockServerBuilder {
    let app = json!({"id": APP, "name": "captcha-lab", "type": "custom", "flowSecret": SECRET,
                     "authFlow": "captcha-lab"});
    builder
        .flow(serde_json::from_value(guarded_flow()).expect("a flow"))
        .application(serde_json::from_value(app).expect("an application"))
}

async fn token(t: &TestServer, body: Value) -> String {
    let reply = t.post_json("/__mock/captcha/token", &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let answer = reply.json();
    assert_eq!(answer["expiresIn"], 120);
    answer["token"].as_str().expect("a token").to_owned()
}

async fn prompted(t: &TestServer) -> Value {
    let reply = execute(
        t,
        &json!({"applicationId": APP, "flowType": "AUTHENTICATION"}),
        Some(SECRET),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

const CREDENTIALS: (&str, &str) = ("thor", "Thor@12345");

fn credentials(captcha: Option<&str>) -> Value {
    let mut inputs = json!({"username": CREDENTIALS.0, "password": CREDENTIALS.1});
    if let Some(token) = captcha {
        inputs["captcha_token"] = json!(token);
    }
    inputs
}

#[tokio::test]
async fn without_the_fake_provider_the_interceptor_is_not_registered() {
    let refused = lab(MockServer::builder()).start().await;
    let Err(error) = refused else {
        panic!("the flow is refused")
    };
    let message = error.to_string();
    assert!(
        message.contains("interceptor CaptchaInterceptor is not registered"),
        "{message}"
    );
    let t = TestServer::start().await;
    let reply = t.post_json("/__mock/captcha/token", &json!({})).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("--fake-captcha"), "{}", reply.body);
}

#[tokio::test]
async fn a_sign_in_through_a_guarded_node_needs_a_token_verified_once() {
    let t = TestServer::with(lab(MockServer::builder().fake_captcha())).await;
    let first = prompted(&t).await;
    assert_eq!(first["flowStatus"], "INCOMPLETE", "{first}");
    // The step does not announce the token: the page's captcha widget supplies it.
    assert!(!first.to_string().contains("captcha"), "{first}");
    let refused = step(&t, &first, Some("submit"), credentials(None)).await;
    insta::assert_json_snapshot!(redacted(&refused), @r#"
    {
      "data": {},
      "error": {
        "code": "ICS-1003",
        "description": {
          "defaultValue": "The captcha token could not be verified",
          "key": "error.interceptor.captcha_invalid_description"
        },
        "message": {
          "defaultValue": "Invalid captcha",
          "key": "error.interceptor.captcha_invalid"
        }
      },
      "executionId": "[execution-id]",
      "flowStatus": "ERROR"
    }
    "#);
    // The challenge token was not rotated, and the execution waits at the guarded node with the
    // credentials it has: a token alone completes it.
    let good = token(&t, json!({})).await;
    let done = step(&t, &first, None, json!({"captcha_token": good})).await;
    assert_eq!(done["flowStatus"], "COMPLETE", "{done}");
    assert!(done["assertion"].is_string());
    // The same token a second time is a negative verdict.
    let again = prompted(&t).await;
    let replayed = step(&t, &again, Some("submit"), credentials(Some(&good))).await;
    assert_eq!(replayed["flowStatus"], "ERROR");
    assert_eq!(replayed["error"]["code"], "ICS-1003");
}

#[tokio::test]
async fn verdicts_come_from_the_control_plane() {
    let t = TestServer::with(lab(MockServer::builder().fake_captcha())).await;
    let failing = token(&t, json!({"verdict": "fail"})).await;
    let first = prompted(&t).await;
    let refused = step(&t, &first, Some("submit"), credentials(Some(&failing))).await;
    assert_eq!(refused["error"]["code"], "ICS-1003", "{refused}");
    // The provider failing is the server's 500, and the execution is gone.
    let down = token(&t, json!({"verdict": "error"})).await;
    let body = json!({"executionId": first["executionId"], "challengeToken": first["challengeToken"],
                      "inputs": {"captcha_token": down}});
    let reply = execute(&t, &body, None).await;
    assert_eq!(
        reply.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        reply.body
    );
    let reply = execute(&t, &body, None).await;
    assert_eq!(reply.json()["code"], "FES-1004", "{}", reply.body);
    // A malformed request names what is wrong.
    let reply = t
        .post_json("/__mock/captcha/token", &json!({"verdict": "maybe"}))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("verdict"), "{}", reply.body);
}
