//! The app-native flow steps of the `@sdk` scenarios: `flow.start`, `flow.continue`,
//! `flow.resume`, and what the SDK shows.

use std::collections::BTreeSet;

use anyhow::{Context, ensure};
use cucumber::{then, when};
use serde_json::{Map, Value, json};

use super::{command, ok, skipped, str_member};
use crate::catalog;
use crate::sdk::driver::Answer;
use crate::steps::oauth2::query_param;
use crate::world::ConformanceWorld;

/// A flow command; a failed one keeps the step the SDK showed before (the app still shows it).
async fn flow_command(world: &mut ConformanceWorld, cmd: &str, args: Value) -> anyhow::Result<()> {
    if command(world, cmd, args).await?
        && let Some((_, Answer::Ok(answer))) = &world.sdk.last
    {
        world.sdk.flow = Some(answer.clone());
    }
    Ok(())
}

#[when(expr = "the SDK starts an {string} flow")]
async fn flow_start(world: &mut ConformanceWorld, flow_type: String) -> anyhow::Result<()> {
    flow_command(world, "flow.start", json!({ "flowType": flow_type })).await
}

#[when("the SDK starts sign-in through the authorization endpoint")]
async fn flow_start_authorize(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let args = json!({ "flowType": "AUTHENTICATION", "viaAuthorize": true });
    flow_command(world, "flow.start", args).await
}

/// The action to send with credentials: the step's first (its primary action; the others are
/// "forgot password", "sign up").
fn submit_action(world: &ConformanceWorld) -> Option<String> {
    let actions = world.sdk.flow.as_ref()?.get("actions")?.as_array()?;
    actions.first()?.as_str().map(str::to_owned)
}

async fn submit(
    world: &mut ConformanceWorld,
    action: Option<String>,
    inputs: Map<String, Value>,
) -> anyhow::Result<()> {
    let mut args = json!({ "inputs": inputs });
    if let Some(action) = action {
        args["action"] = json!(action);
    }
    flow_command(world, "flow.continue", args).await
}

#[when(expr = "the user enters the credentials of {string} in the SDK")]
async fn enters_credentials(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let password = catalog::password(world, &username)?.to_owned();
    let inputs = Map::from_iter([
        ("username".to_owned(), json!(username)),
        ("password".to_owned(), json!(password)),
    ]);
    submit(world, submit_action(world), inputs).await
}

#[when(expr = "the user enters {string} with the password {string} in the SDK")]
async fn enters_password(
    world: &mut ConformanceWorld,
    username: String,
    password: String,
) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let inputs = Map::from_iter([
        ("username".to_owned(), json!(username)),
        ("password".to_owned(), json!(password)),
    ]);
    submit(world, submit_action(world), inputs).await
}

#[when(expr = "the user chooses {string} in the SDK")]
async fn chooses(world: &mut ConformanceWorld, action: String) -> anyhow::Result<()> {
    submit(world, Some(action), Map::new()).await
}

fn flow_answer(world: &ConformanceWorld) -> anyhow::Result<&Value> {
    ok(world)?;
    world.sdk.flow.as_ref().context("no flow answer")
}

#[then(expr = "the SDK shows a {string} step asking for {string}")]
async fn shows_step(
    world: &mut ConformanceWorld,
    step_type: String,
    inputs: String,
) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let flow = flow_answer(world)?;
    ensure!(
        flow.get("status").and_then(Value::as_str) == Some("INCOMPLETE"),
        "expected an INCOMPLETE flow, the SDK shows {flow}"
    );
    ensure!(
        flow.get("stepType").and_then(Value::as_str) == Some(step_type.as_str()),
        "expected a {step_type} step, the SDK shows {flow}"
    );
    let shown: BTreeSet<&str> = flow
        .get("inputs")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let wanted: BTreeSet<&str> = inputs.split(',').map(str::trim).collect();
    ensure!(
        shown == wanted,
        "the SDK asks for {shown:?}, expected {wanted:?}"
    );
    Ok(())
}

#[then(expr = "the SDK shows the flow status {string} with the error code {string}")]
async fn shows_error(
    world: &mut ConformanceWorld,
    status: String,
    code: String,
) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let flow = flow_answer(world)?;
    ensure!(
        flow.get("status").and_then(Value::as_str) == Some(status.as_str()),
        "expected the status {status}, the SDK shows {flow}"
    );
    ensure!(
        flow.get("errorCode").and_then(Value::as_str) == Some(code.as_str()),
        "expected the error code {code}, the SDK shows {flow}"
    );
    Ok(())
}

#[then(expr = "the SDK's flow completes with an assertion for {string}")]
async fn completes(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let flow = flow_answer(world)?.clone();
    ensure!(
        flow.get("status").and_then(Value::as_str) == Some("COMPLETE"),
        "expected COMPLETE, the SDK shows {flow}"
    );
    let assertion = str_member(&flow, "assertion")?;
    let verified = crate::jwt::verify(world, assertion).await?;
    let id = catalog::user(world, &username)?.id.to_string();
    crate::jwt::expect_claim(&verified, "sub", &id)
}

#[then("the SDK's flow completes and the SDK is signed in")]
async fn completes_signed_in(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let flow = flow_answer(world)?;
    ensure!(
        flow.get("status").and_then(Value::as_str) == Some("COMPLETE"),
        "expected COMPLETE, the SDK shows {flow}"
    );
    ensure!(
        flow.get("signedIn") == Some(&Value::Bool(true)),
        "the flow completed but the SDK did not finish the sign-in: {flow}"
    );
    Ok(())
}

/// Play the browser at the identity provider of the REDIRECTION step; its `code` and `state`.
async fn at_identity_provider(
    world: &mut ConformanceWorld,
    login: &str,
) -> anyhow::Result<(String, String)> {
    let flow = flow_answer(world)?;
    let redirect = str_member(flow, "redirectUrl")?;
    let mut url = url::Url::parse(redirect)?;
    url.query_pairs_mut().append_pair("login_hint", login);
    let exchange = world.send(world.http.get(url.as_str())).await?.clone();
    let back = exchange.location()?;
    let code = query_param(&back, "code").context("the IdP sent no code")?;
    let state = query_param(&back, "state").context("the IdP sent no state")?;
    Ok((code, state))
}

#[when(expr = "the user signs in at the identity provider as {string} and comes back to the SDK")]
async fn idp_and_resume(world: &mut ConformanceWorld, login: String) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let (code, state) = at_identity_provider(world, &login).await?;
    let args = json!({ "inputs": { "code": code, "state": state } });
    flow_command(world, "flow.resume", args).await
}

#[when(
    expr = "the user signs in at the identity provider as {string} and comes back to the SDK with the state {string}"
)]
async fn idp_and_resume_state(
    world: &mut ConformanceWorld,
    login: String,
    state: String,
) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let (code, _) = at_identity_provider(world, &login).await?;
    let args = json!({ "inputs": { "code": code, "state": state } });
    flow_command(world, "flow.resume", args).await
}
