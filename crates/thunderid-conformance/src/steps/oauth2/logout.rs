//! RP-initiated logout: the end-session endpoint, the sign-out page's flow and its callback.

use anyhow::{Context, ensure};
use cucumber::gherkin::Step;
use cucumber::{then, when};
use serde_json::{Value, json};

use super::{query_param, redirect_to, table_pairs};
use crate::catalog;
use crate::steps::flow::{self, Challenge};
use crate::world::ConformanceWorld;

/// `GET /oauth2/logout` with the given parameters.
async fn end_session(
    world: &mut ConformanceWorld,
    params: &[(String, String)],
) -> anyhow::Result<()> {
    let mut url = url::Url::parse(&world.url("/oauth2/logout"))?;
    for (name, value) in params {
        let value = catalog::resolve(world, value)?;
        url.query_pairs_mut().append_pair(name, &value);
    }
    let exchange = world.send(world.http.get(url.as_str())).await?.clone();
    // The sign-out page picks the execution and the logout id up from its URL.
    if let Ok(location) = exchange.location()
        && location.path() == "/gate/signout"
    {
        world.flow = Default::default();
        world.flow.execution_id = query_param(&location, "executionId");
        world.oauth.logout_id = query_param(&location, "logoutId");
    }
    Ok(())
}

#[when("the app sends the user to sign out with:")]
async fn sends_to_sign_out(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let params = table_pairs(step)?;
    end_session(world, &params).await
}

#[then("the browser is sent to the sign-out page")]
async fn sent_to_sign_out_page(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let location = redirect_to(world, &world.url("/gate/signout?"))?;
    let app_id = catalog::current_application(world)?.id.clone();
    let application_id = query_param(&location, "applicationId");
    ensure!(
        application_id.as_deref() == Some(app_id.as_str()),
        "expected applicationId {app_id}, got {application_id:?} in {location}"
    );
    ensure!(
        world.flow.execution_id.is_some() && world.oauth.logout_id.is_some(),
        "the sign-out URL needs executionId and logoutId: {location}"
    );
    Ok(())
}

#[then(expr = "the sign-out is refused with {string}")]
async fn sign_out_refused(world: &mut ConformanceWorld, message: String) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        last.status == 400 && last.body == format!("{message}\n"),
        "expected 400 {message:?}, got {} {:?}",
        last.status,
        last.body
    );
    let content_type = last.header("content-type");
    ensure!(
        content_type.is_some_and(|c| c.starts_with("text/plain")),
        "logout errors are text/plain, got {content_type:?}"
    );
    Ok(())
}

#[when("the sign-out page runs the flow")]
async fn sign_out_page_runs(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    flow::continue_flow(world, None, None, Challenge::Missing).await
}

#[when("the sign-out page finishes the logout")]
async fn sign_out_page_finishes(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let logout_id = world.oauth.logout_id.clone().context("no logoutId")?;
    finish_logout(world, &logout_id).await
}

#[when(expr = "the sign-out page finishes the logout {string}")]
async fn sign_out_page_finishes_id(
    world: &mut ConformanceWorld,
    logout_id: String,
) -> anyhow::Result<()> {
    finish_logout(world, &logout_id).await
}

async fn finish_logout(world: &mut ConformanceWorld, logout_id: &str) -> anyhow::Result<()> {
    let request = world
        .http
        .post(world.url("/oauth2/logout/callback"))
        .header("content-type", "application/json")
        .body(json!({ "logoutId": logout_id }).to_string());
    world.send(request).await?;
    Ok(())
}

#[then(expr = "the browser is sent to {string}")]
async fn browser_sent_to(world: &mut ConformanceWorld, target: String) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let expected = catalog::resolve(world, &target)?;
    let actual = body.get("redirect_uri").and_then(Value::as_str);
    ensure!(
        actual == Some(expected.as_str()),
        "expected redirect_uri {expected:?}, got {actual:?} in {body}"
    );
    Ok(())
}
