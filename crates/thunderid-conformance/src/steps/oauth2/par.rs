//! Pushed authorization requests (RFC 9126): the app pushes the parameters of its authorization
//! request to `/oauth2/par` as its client, then sends the browser to `/oauth2/authorize` with the
//! `request_uri` it got back (and its `client_id`).

use anyhow::{Context, ensure};
use cucumber::gherkin::Step;
use cucumber::{given, then, when};

use super::{authorization_parameters, table_pairs, to_sign_in_page};
use crate::catalog;
use crate::steps::token::{ClientAuth, post_form};
use crate::world::ConformanceWorld;

/// Every `request_uri` starts with this.
const PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

async fn push(world: &mut ConformanceWorld, overrides: &[(String, String)]) -> anyhow::Result<()> {
    let params = authorization_parameters(world, overrides)?;
    let app = world.app.clone().context("no application chosen")?;
    post_form(world, "/oauth2/par", &ClientAuth::Registered(app), &params).await?;
    let last = world.last()?;
    if last.status == 201 {
        let uri = last.json()?["request_uri"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        world.vars.insert("request_uri".into(), uri);
    }
    Ok(())
}

#[given("the app pushes the authorization request")]
#[when("the app pushes the authorization request")]
async fn pushes(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    push(world, &[]).await
}

#[when("the app pushes the authorization request with:")]
async fn pushes_with(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let overrides = table_pairs(step)?;
    push(world, &overrides).await
}

#[then(expr = "the server answers with a request_uri valid for {int} seconds")]
async fn answers_request_uri(world: &mut ConformanceWorld, seconds: u64) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        last.status == 201,
        "expected 201, got {}: {}",
        last.status,
        last.body
    );
    let body = last.json()?;
    let uri = body["request_uri"].as_str().context("no request_uri")?;
    let key = uri
        .strip_prefix(PREFIX)
        .with_context(|| format!("{uri} lacks {PREFIX}"))?;
    ensure!(key.len() == 43, "a 43-character key, got {key:?}");
    ensure!(
        body["expires_in"] == seconds,
        "expected expires_in {seconds}, got {}",
        body["expires_in"]
    );
    Ok(())
}

/// `GET /oauth2/authorize?client_id=…&request_uri=…[&extra]` as `client_id`.
async fn authorize_with_request_uri(
    world: &mut ConformanceWorld,
    client_id: String,
    extra: &[(String, String)],
) -> anyhow::Result<()> {
    let request_uri = world
        .vars
        .get("request_uri")
        .cloned()
        .context("nothing pushed yet")?;
    let mut url = url::Url::parse(&world.url("/oauth2/authorize"))?;
    url.query_pairs_mut()
        .append_pair("client_id", &client_id)
        .append_pair("request_uri", &request_uri)
        .extend_pairs(extra.iter());
    to_sign_in_page(world, url).await
}

fn client_id_of(world: &ConformanceWorld, app: &str) -> anyhow::Result<String> {
    Ok(catalog::oauth(catalog::application(world, app)?)?
        .client_id
        .clone())
}

#[given("the app sends the user to sign in with the request_uri")]
#[when("the app sends the user to sign in with the request_uri")]
async fn signs_in_with_request_uri(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let app = world.app.clone().context("no application chosen")?;
    let client_id = client_id_of(world, &app)?;
    authorize_with_request_uri(world, client_id, &[]).await
}

#[when("the app sends the user to sign in with the request_uri and:")]
async fn signs_in_with_request_uri_and(
    world: &mut ConformanceWorld,
    step: &Step,
) -> anyhow::Result<()> {
    let app = world.app.clone().context("no application chosen")?;
    let client_id = client_id_of(world, &app)?;
    let extra = table_pairs(step)?;
    authorize_with_request_uri(world, client_id, &extra).await
}

#[when(expr = "{string} sends the user to sign in with the request_uri")]
async fn other_signs_in_with_request_uri(
    world: &mut ConformanceWorld,
    app: String,
) -> anyhow::Result<()> {
    let client_id = client_id_of(world, &app)?;
    authorize_with_request_uri(world, client_id, &[]).await
}

#[when(
    expr = "a client authenticating as {string} with the secret {string} calls the PAR endpoint"
)]
async fn basic_push(
    world: &mut ConformanceWorld,
    client_id: String,
    secret: String,
) -> anyhow::Result<()> {
    let params = authorization_parameters(world, &[])?;
    post_form(
        world,
        "/oauth2/par",
        &ClientAuth::Basic(client_id, secret),
        &params,
    )
    .await
}
