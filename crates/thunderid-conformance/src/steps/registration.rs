//! Dynamic client registration: an administrator (a token holding `system`, obtained as an
//! app-native sign-in of `admin`) registers a client, which then signs in at once.

use anyhow::{Context, ensure};
use cucumber::gherkin::Step;
use cucumber::{then, when};

use super::flow::assertion_for;
use crate::world::ConformanceWorld;

async fn register(
    world: &mut ConformanceWorld,
    token: Option<String>,
    step: &Step,
) -> anyhow::Result<()> {
    let body = step
        .docstring
        .as_deref()
        .context("the step needs a JSON doc string")?
        .to_owned();
    let mut request = world
        .http
        .post(world.url("/oauth2/dcr/register"))
        .header("content-type", "application/json")
        .body(body);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let exchange = world.send(request).await?.clone();
    if exchange.status == 201 {
        let body = exchange.json()?;
        for member in ["client_id", "client_secret"] {
            if let Some(value) = body[member].as_str() {
                world.vars.insert(member.to_owned(), value.to_owned());
            }
        }
    }
    Ok(())
}

#[when("an administrator registers a client with:")]
async fn admin_registers(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let token = assertion_for(world, "admin").await?;
    register(world, Some(token), step).await
}

#[when("an anonymous caller registers a client with:")]
async fn anonymous_registers(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    register(world, None, step).await
}

#[then("the client is registered")]
async fn registered(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        last.status == 201,
        "expected 201, got {}: {}",
        last.status,
        last.body
    );
    let body = last.json()?;
    let client_id = body["client_id"].as_str().context("no client_id")?;
    ensure!(
        client_id.len() == 22,
        "a 22-character client_id, got {client_id:?}"
    );
    ensure!(
        body["client_secret_expires_at"] == 0,
        "client_secret_expires_at {}",
        body["client_secret_expires_at"]
    );
    // The server re-marshals the answer through a map: members come in alphabetical order.
    let members = body.as_object().context("an object")?.keys();
    let positions: Vec<usize> = members
        .map(|m| last.body.find(&format!("\"{m}\":")).unwrap_or_default())
        .collect();
    ensure!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "members out of order: {}",
        last.body
    );
    Ok(())
}
