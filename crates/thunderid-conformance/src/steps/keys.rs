//! Steps that change the mock's signing keys over its control API (`/__mock/keys`), so they work
//! against a mock in another process too, and check what the keys signed. Scenarios using them are
//! `@mock-only`. The kids involved are kept in the World's vars: `original key` (the key that
//! signed before the first change) and `new key` (the last key added).

use anyhow::{Context, bail, ensure};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cucumber::{given, then, when};
use serde_json::{Value, json};

use super::token::{ClientAuth, post_form};
use crate::world::ConformanceWorld;

const ORIGINAL: &str = "original key";
const NEW: &str = "new key";

/// POST to the control API; the JSON answer when the status is the expected one.
async fn control(
    world: &ConformanceWorld,
    path: &str,
    body: Option<Value>,
    expected: u16,
) -> anyhow::Result<Value> {
    let mut request = world.http.post(world.url(path));
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    ensure!(status == expected, "POST {path} answered {status}: {text}");
    // A key as JSON, or the refusal's `text/plain` message.
    Ok(serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn keys(world: &ConformanceWorld) -> anyhow::Result<Vec<Value>> {
    let listed: Value = world
        .http
        .get(world.url("/__mock/keys"))
        .send()
        .await?
        .json()
        .await?;
    listed
        .as_array()
        .cloned()
        .context("GET /__mock/keys is not a list")
}

/// Remember the active key as the original one, before the first change.
async fn remember_original(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    if world.vars.contains_key(ORIGINAL) {
        return Ok(());
    }
    let active = keys(world)
        .await?
        .into_iter()
        .find(|key| key["state"] == "active")
        .context("no active key")?;
    let kid = active["kid"].as_str().context("a key without kid")?;
    world.vars.insert(ORIGINAL.into(), kid.to_owned());
    Ok(())
}

fn remember_new(world: &mut ConformanceWorld, key: &Value) -> anyhow::Result<()> {
    let kid = key["kid"].as_str().context("the new key has no kid")?;
    world.vars.insert(NEW.into(), kid.to_owned());
    Ok(())
}

fn var(world: &ConformanceWorld, name: &str) -> anyhow::Result<String> {
    world
        .vars
        .get(name)
        .cloned()
        .with_context(|| format!("no {name} yet"))
}

/// A compact JWS's header.
fn header(token: &str) -> anyhow::Result<Value> {
    let header = token.split('.').next().unwrap_or_default();
    Ok(serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header)?)?)
}

#[given(expr = "the mock rotates to a new {word} key")]
#[when(expr = "the mock rotates to a new {word} key")]
async fn rotates(world: &mut ConformanceWorld, alg: String) -> anyhow::Result<()> {
    remember_original(world).await?;
    let key = control(world, "/__mock/keys/rotate", Some(json!({"alg": alg})), 201).await?;
    ensure!(
        key["state"] == "active",
        "the rotated key is not active: {key}"
    );
    remember_new(world, &key)
}

#[given(expr = "the mock adds a new {word} key that signs after {int} more token(s)")]
async fn armed(world: &mut ConformanceWorld, alg: String, tokens: u64) -> anyhow::Result<()> {
    remember_original(world).await?;
    let body = json!({"alg": alg, "activateAfterTokens": tokens});
    let key = control(world, "/__mock/keys", Some(body), 201).await?;
    remember_new(world, &key)
}

#[when("the mock retires the original key")]
async fn retires(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let kid = var(world, ORIGINAL)?;
    let key = control(world, &format!("/__mock/keys/{kid}/retire"), None, 200).await?;
    ensure!(key["state"] == "retired", "the key was not retired: {key}");
    Ok(())
}

#[then("the mock refuses to retire the new key, which is active")]
async fn refuses_retiring_active(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let kid = var(world, NEW)?;
    let refusal = control(world, &format!("/__mock/keys/{kid}/retire"), None, 409).await?;
    let expected =
        format!("kid: {kid} is the active key; activate another key before retiring it\n");
    ensure!(
        refusal == Value::String(expected),
        "the refusal was {refusal}"
    );
    Ok(())
}

#[given(
    expr = "the mock serves the JWKS from before the last key change for the next {int} fetch(es)"
)]
async fn stale(world: &mut ConformanceWorld, fetches: u64) -> anyhow::Result<()> {
    let body = json!({"fetches": fetches});
    control(world, "/__mock/keys/stale-jwks", Some(body), 204).await?;
    Ok(())
}

#[then(expr = "the mock counted {int} JWKS fetch(es)")]
async fn fetch_count(world: &mut ConformanceWorld, count: u64) -> anyhow::Result<()> {
    let counts: Value = world
        .http
        .get(world.url("/__mock/keys/fetches"))
        .send()
        .await?
        .json()
        .await?;
    ensure!(
        counts["total"] == count,
        "expected {count} JWKS fetches, got {counts}"
    );
    Ok(())
}

#[then(expr = "the client's ID token is signed with {word} by the new key")]
async fn id_token_signed(world: &mut ConformanceWorld, alg: String) -> anyhow::Result<()> {
    let tokens = world
        .client
        .as_ref()
        .and_then(|c| c.tokens.as_ref())
        .context("the client holds no tokens")?;
    let id_token = tokens.id_token.as_ref().context("no ID token")?;
    let header = header(id_token.secret())?;
    ensure!(
        header["alg"] == alg.as_str(),
        "the ID token's header is {header}"
    );
    ensure!(
        header["kid"] == var(world, NEW)?.as_str(),
        "the ID token's header is {header}"
    );
    Ok(())
}

#[then(expr = "the access token is signed by the {word} key")]
async fn access_token_signed(world: &mut ConformanceWorld, which: String) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let token = body["access_token"].as_str().context("no access_token")?;
    let expected = match which.as_str() {
        "original" => var(world, ORIGINAL)?,
        "new" => var(world, NEW)?,
        other => bail!("no {other} key: say original or new"),
    };
    let header = header(token)?;
    ensure!(
        header["kid"] == expected.as_str(),
        "the access token's header is {header}, expected the {which} key {expected}"
    );
    Ok(())
}

fn client_access_token(world: &ConformanceWorld) -> anyhow::Result<String> {
    let tokens = world
        .client
        .as_ref()
        .and_then(|c| c.tokens.as_ref())
        .context("the client holds no tokens")?;
    Ok(tokens.access_token.secret().to_owned())
}

#[then(expr = "the mock's userinfo answers {int} to the client's access token")]
async fn userinfo_status(world: &mut ConformanceWorld, status: u16) -> anyhow::Result<()> {
    let token = client_access_token(world)?;
    let request = world
        .http
        .get(world.url("/oauth2/userinfo"))
        .bearer_auth(token);
    let got = world.send(request).await?.status;
    ensure!(got == status, "userinfo answered {got}, expected {status}");
    Ok(())
}

#[then(expr = "the mock's introspection says the client's access token is {word}")]
async fn introspection(world: &mut ConformanceWorld, state: String) -> anyhow::Result<()> {
    let token = client_access_token(world)?;
    let params = [("token".to_owned(), token)];
    post_form(
        world,
        "/oauth2/introspect",
        &ClientAuth::Registered("sample-web".into()),
        &params,
    )
    .await?;
    let active = world.last()?.json()?["active"].as_bool();
    let expected = match state.as_str() {
        "active" => true,
        "inactive" => false,
        other => bail!("say active or inactive, not {other}"),
    };
    ensure!(
        active == Some(expected),
        "introspection said active = {active:?}"
    );
    Ok(())
}

#[when("the client refreshes its tokens")]
async fn refreshes(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let st = world.client.as_mut().context("no client")?;
    let refresh = st
        .tokens
        .as_ref()
        .and_then(|t| t.refresh_token.clone())
        .context("the client holds no refresh token")?;
    match st.client.refresh(&refresh).await {
        Ok(tokens) => {
            st.tokens = Some(tokens);
            st.outcome = Some(Ok(()));
        }
        Err(error) => st.outcome = Some(Err(format!("{error:?}"))),
    }
    Ok(())
}

#[then("the mock lists only the original key, active")]
async fn only_original(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let original = var(world, ORIGINAL)?;
    let listed = keys(world).await?;
    ensure!(
        listed.len() == 1
            && listed[0]["kid"] == original.as_str()
            && listed[0]["state"] == "active",
        "expected only {original}, active; got {listed:?}"
    );
    let jwks: Value = world
        .http
        .get(world.url("/oauth2/jwks"))
        .send()
        .await?
        .json()
        .await?;
    let kids: Vec<&Value> = jwks["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|k| &k["kid"])
        .collect();
    ensure!(kids == [&json!(original)], "the JWKS lists {kids:?}");
    Ok(())
}
