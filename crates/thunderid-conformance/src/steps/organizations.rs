//! Organization units (`/organization-units/**`): callers with and without the `system:ou`
//! permissions, and the unit API's own errors.

use anyhow::Context;
use cucumber::gherkin::Step;
use cucumber::{given, when};
use serde_json::Value;

use crate::catalog;
use crate::world::ConformanceWorld;

/// The Bearer token the organization calls carry, kept in `vars`.
pub const CALLER: &str = "organization_caller";

#[given("the caller is an administrator")]
async fn administrator(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let token = super::flow::assertion_for(world, "admin").await?;
    world.vars.insert(CALLER.into(), token);
    Ok(())
}

#[given(expr = "the caller is {string} without any permission")]
async fn plain_user(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    let token = super::flow::assertion_for(world, &username).await?;
    world.vars.insert(CALLER.into(), token);
    Ok(())
}

#[given("the caller has no token")]
async fn anonymous(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    world.vars.remove(CALLER);
    Ok(())
}

async fn call(
    world: &mut ConformanceWorld,
    method: &str,
    path: &str,
    body: Option<String>,
) -> anyhow::Result<()> {
    let method = reqwest::Method::from_bytes(method.as_bytes()).context("an HTTP method")?;
    let path = catalog::resolve(world, path)?;
    let mut request = world.http.request(method, world.url(&path));
    if let Some(token) = world.vars.get(CALLER) {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body);
    }
    let exchange = world.send(request).await?.clone();
    // Remember what was created for later steps (`${var.created}`; `${var.unit}` for units).
    let created = exchange
        .json()
        .ok()
        .and_then(|b| b.get("id").and_then(Value::as_str).map(str::to_owned));
    if let (201, Some(id)) = (exchange.status, created) {
        if path.starts_with("/organization-units") {
            world.vars.insert("unit".into(), id.clone());
        }
        world.vars.insert("created".into(), id);
    }
    Ok(())
}

#[when(expr = "the caller sends {word} {string}")]
async fn caller_sends(
    world: &mut ConformanceWorld,
    method: String,
    path: String,
) -> anyhow::Result<()> {
    call(world, &method, &path, None).await
}

#[when(expr = "the caller sends {word} {string} with the JSON body:")]
async fn caller_sends_json(
    world: &mut ConformanceWorld,
    method: String,
    path: String,
    step: &Step,
) -> anyhow::Result<()> {
    let body = step
        .docstring
        .as_deref()
        .context("the step needs a doc string")?;
    let body = catalog::resolve(world, body)?;
    call(world, &method, &path, Some(body)).await
}
