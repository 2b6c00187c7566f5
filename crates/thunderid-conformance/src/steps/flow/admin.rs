//! Flows an administrator's console drives with its own Bearer token: user onboarding (invites),
//! the user deletion flow, flows started by id; and what the invitee does with the link.

use anyhow::{Context, ensure};
use cucumber::{given, then, when};
use serde_json::{Map, Value, json};

use super::{Challenge, assertion_for, continue_flow, execute, response};
use crate::catalog;
use crate::params::FlowTypeParam;
use crate::steps::oauth2::query_param;
use crate::world::ConformanceWorld;

/// The bundled user deletion flow (`default-user-deletion-flow`).
const USER_DELETION_FLOW: &str = "01900000-0000-7000-8000-000000000077";

#[given(expr = "the administrator {string} is signed in")]
async fn administrator_signed_in(world: &mut ConformanceWorld, user: String) -> anyhow::Result<()> {
    // The console signs in on its own: a flow the scenario already drives stays where it is.
    let flow = std::mem::take(&mut world.flow);
    let token = assertion_for(world, &user).await;
    world.flow = flow;
    let token = token?;
    world
        .vars
        .insert("administrator".to_owned(), format!("Bearer {token}"));
    Ok(())
}

fn bearer(world: &ConformanceWorld) -> anyhow::Result<String> {
    world
        .vars
        .get("administrator")
        .cloned()
        .context("no administrator is signed in")
}

/// Start a flow as the signed-in administrator; every later call of the flow carries the token.
async fn start_as_administrator(world: &mut ConformanceWorld, body: Value) -> anyhow::Result<()> {
    let bearer = bearer(world)?;
    world.flow = Default::default();
    world.flow.bearer = Some(bearer);
    execute(world, body, &[]).await
}

#[when(expr = "the administrator starts a(n) {flow_type} flow")]
async fn administrator_starts(
    world: &mut ConformanceWorld,
    flow_type: FlowTypeParam,
) -> anyhow::Result<()> {
    start_as_administrator(world, json!({ "flowType": flow_type.0.as_str() })).await
}

#[when(expr = "the administrator starts a(n) {flow_type} flow with the inputs:")]
async fn administrator_starts_with(
    world: &mut ConformanceWorld,
    flow_type: FlowTypeParam,
    step: &cucumber::gherkin::Step,
) -> anyhow::Result<()> {
    let inputs = super::table_inputs(world, step)?;
    let body = json!({ "flowType": flow_type.0.as_str(), "inputs": inputs });
    start_as_administrator(world, body).await
}

#[when(expr = "the administrator starts the flow {string}")]
async fn administrator_starts_flow(
    world: &mut ConformanceWorld,
    flow_id: String,
) -> anyhow::Result<()> {
    start_as_administrator(world, json!({ "flowId": flow_id })).await
}

#[when(expr = "the administrator starts the flow {string} for the user {string}")]
async fn administrator_starts_flow_for(
    world: &mut ConformanceWorld,
    flow_id: String,
    username: String,
) -> anyhow::Result<()> {
    let subject = user_id(world, &username).await?;
    let body = json!({ "flowId": flow_id, "inputs": { "subject": subject } });
    start_as_administrator(world, body).await
}

#[when(expr = "the administrator deletes the user {string} with the user deletion flow")]
async fn administrator_deletes(
    world: &mut ConformanceWorld,
    username: String,
) -> anyhow::Result<()> {
    administrator_starts_flow_for(world, USER_DELETION_FLOW.to_owned(), username).await
}

#[when(expr = "the administrator deletes the user {string} through the users API")]
async fn administrator_deletes_by_api(
    world: &mut ConformanceWorld,
    username: String,
) -> anyhow::Result<()> {
    let id = user_id(world, &username).await?;
    let bearer = bearer(world)?;
    let request = world
        .http
        .delete(world.url(&format!("/users/{id}")))
        .header("authorization", bearer);
    let response = request.send().await?;
    ensure!(
        response.status().as_u16() == 204,
        "DELETE /users/{id} answered {}",
        response.status()
    );
    Ok(())
}

#[when("the administrator's token is no longer sent")]
async fn drop_token(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    world.flow.bearer = None;
    Ok(())
}

/// The id of a user, looked up as an administrator (users created at run time included).
async fn user_id(world: &mut ConformanceWorld, username: &str) -> anyhow::Result<String> {
    if let Ok(user) = catalog::user(world, username) {
        return Ok(user.id.clone());
    }
    let found = find_user(world, username).await?;
    found
        .and_then(|u| u.get("id").and_then(Value::as_str).map(str::to_owned))
        .with_context(|| format!("no user {username}"))
}

async fn find_user(world: &mut ConformanceWorld, username: &str) -> anyhow::Result<Option<Value>> {
    let bearer = bearer(world)?;
    let mut url = url::Url::parse(&world.url("/users"))?;
    url.query_pairs_mut()
        .append_pair("filter", &format!("username eq \"{username}\""));
    let response = world
        .http
        .get(url.as_str())
        .header("authorization", bearer)
        .send()
        .await?;
    let body: Value = response.json().await?;
    Ok(body
        .get("users")
        .and_then(Value::as_array)
        .and_then(|users| users.first())
        .cloned())
}

#[then(expr = "the server has a user {string}")]
async fn user_exists(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    ensure!(
        find_user(world, &username).await?.is_some(),
        "no user {username} on the server"
    );
    Ok(())
}

#[then(expr = "the server has no user {string}")]
async fn user_gone(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    ensure!(
        find_user(world, &username).await?.is_none(),
        "the user {username} still exists"
    );
    Ok(())
}

#[then("the flow hands out an invite link")]
async fn has_invite_link(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let link = invite_link(world)?;
    ensure!(
        query_param(&link, "inviteToken").is_some() && query_param(&link, "executionId").is_some(),
        "the invite link lacks its token or execution: {link}"
    );
    Ok(())
}

fn invite_link(world: &ConformanceWorld) -> anyhow::Result<url::Url> {
    let response = response(world)?;
    let link = response
        .pointer("/data/additionalData/inviteLink")
        .and_then(Value::as_str)
        .with_context(|| format!("no additionalData.inviteLink in {response}"))?;
    url::Url::parse(link).with_context(|| format!("a bad link {link}"))
}

/// The invitee's browser: a page that reads the link and continues the execution it names, with
/// the token instead of a challenge token and without the administrator's credentials.
#[when("the invitee follows the invite link")]
async fn follow_invite_link(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let link = invite_link(world)?;
    let execution_id = query_param(&link, "executionId").context("no executionId")?;
    let token = query_param(&link, "inviteToken").context("no inviteToken")?;
    world.flow.bearer = None;
    world.flow.execution_id = Some(execution_id.clone());
    let body = json!({ "executionId": execution_id, "inputs": { "inviteToken": token } });
    execute(world, body, &[]).await
}

#[when(expr = "the invitee opens the invite link with the token {string}")]
async fn follow_forged_link(world: &mut ConformanceWorld, token: String) -> anyhow::Result<()> {
    let link = invite_link(world)?;
    let execution_id = query_param(&link, "executionId").context("no executionId")?;
    world.flow.bearer = None;
    let body = json!({ "executionId": execution_id, "inputs": { "inviteToken": token } });
    execute(world, body, &[]).await
}

#[when("the user continues with the current step")]
async fn continue_step(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    continue_flow(world, None, Some(Map::new()), Challenge::Current).await
}

/// An app-native sign-in whose app requests an `Attestation-Token` header on the start.
#[when(expr = "the app starts a(n) {flow_type} flow with the attestation token {string}")]
async fn app_starts_attested(
    world: &mut ConformanceWorld,
    flow_type: FlowTypeParam,
    token: String,
) -> anyhow::Result<()> {
    let app = catalog::current_application(world)?;
    let body = json!({ "applicationId": app.id, "flowType": flow_type.0.as_str() });
    world.flow = Default::default();
    let headers: Vec<(&str, &str)> = if token.is_empty() {
        Vec::new()
    } else {
        vec![("attestation-token", token.as_str())]
    };
    execute(world, body, &headers).await
}
