//! A captcha on a sign-in page, as an SDK renders one: the page's captcha widget hands the app a
//! token, which the app posts as the `captcha_token` input. Against the mock the widget is the
//! fake captcha provider's control plane (`POST /__mock/captcha/token`), which the server must be
//! started with.

use anyhow::{Context, ensure};
use cucumber::given;
use serde_json::{Value, json};

use crate::world::ConformanceWorld;

#[given("the server verifies captchas with the fake captcha provider")]
async fn fake_provider(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    world.fake_captcha = true;
    world.restart_with_fixtures().await
}

/// The lab every captcha scenario signs in through: `captcha-lab`, whose flow asks for a username
/// and password and guards the password check (`auth`) with the captcha.
#[given("the sign-in page has a captcha in front of the password check")]
async fn guarded_sign_in(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let flow = json!({
        "id": "01900000-0000-7000-8000-0000000000e2", "handle": "captcha-lab", "name": "Captcha lab",
        "flowType": "AUTHENTICATION",
        "interceptors": [{"name": "CaptchaInterceptor", "mode": "PRE_NODE", "scope": "SELECTED",
                          "applyTo": ["auth"]}],
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "ask"},
            {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
                {"ref": "u", "identifier": "username", "type": "TEXT_INPUT", "required": true},
                {"ref": "p", "identifier": "password", "type": "PASSWORD_INPUT", "required": true}],
                "action": {"ref": "action_submit", "nextNode": "auth"}}]},
            {"id": "auth", "type": "TASK_EXECUTION", "executor": {"name": "CredentialsAuthExecutor"},
             "onSuccess": "assert"},
            {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"},
             "onSuccess": "end"},
            {"id": "end", "type": "END"}
        ]
    });
    let app = json!({"id": "01900000-0000-7000-8000-0000000000e1", "name": "captcha-lab",
                     "type": "custom", "flowSecret": "lab-secret", "authFlow": "captcha-lab"});
    world.fixtures.flows.push(serde_json::from_value(flow)?);
    world
        .fixtures
        .applications
        .push(serde_json::from_value(app)?);
    world.fake_captcha = true;
    world.restart_with_fixtures().await?;
    world.app = Some("captcha-lab".to_owned());
    Ok(())
}

#[given(expr = "the captcha widget gives the page a token {string}")]
async fn passing_token(world: &mut ConformanceWorld, name: String) -> anyhow::Result<()> {
    issue(world, &name, "pass").await
}

#[given(expr = "the captcha widget gives a bot the token {string}")]
async fn failing_token(world: &mut ConformanceWorld, name: String) -> anyhow::Result<()> {
    issue(world, &name, "fail").await
}

/// Keep a token with `verdict` as `${var.<name>}`.
async fn issue(world: &mut ConformanceWorld, name: &str, verdict: &str) -> anyhow::Result<()> {
    let response = world
        .http
        .post(world.url("/__mock/captcha/token"))
        .json(&json!({ "verdict": verdict }))
        .send()
        .await?;
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    ensure!(
        status == 201,
        "the fake captcha provider answered {status}: {body}"
    );
    let token = body["token"]
        .as_str()
        .context("the provider's answer has no token")?;
    world.vars.insert(name.to_owned(), token.to_owned());
    Ok(())
}
