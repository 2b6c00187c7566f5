//! The V1 app-native protocol older SDKs speak: `POST /oauth2/authorize` with
//! `response_mode=direct` answers the first step as JSON, `POST /oauth2/authn` answers each next one,
//! and `SUCCESS_COMPLETED` carries an authorization code for the usual token exchange.

use anyhow::{Context, ensure};
use cucumber::{given, then, when};
use serde_json::{Value, json};

use crate::catalog;
use crate::steps::oauth2::{code_challenge, random_token};
use crate::world::ConformanceWorld;

/// `authenticatorId` of the username and password authenticator: base64url(`BasicAuthenticator:LOCAL`).
const BASIC_AUTHENTICATOR: &str = "QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM";

#[given("the app starts a V1 app-native sign-in")]
#[when("the app starts a V1 app-native sign-in")]
async fn v1_start(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let app = catalog::current_application(world)?;
    let oauth = catalog::oauth(app)?;
    let verifier = random_token();
    let state = random_token();
    let params = [
        ("response_type", "code".to_owned()),
        ("response_mode", "direct".to_owned()),
        ("client_id", oauth.client_id.clone()),
        (
            "redirect_uri",
            oauth.redirect_uris.first().cloned().unwrap_or_default(),
        ),
        ("scope", "openid profile email".to_owned()),
        ("state", state.clone()),
        ("code_challenge", code_challenge(&verifier)),
        ("code_challenge_method", "S256".to_owned()),
    ];
    world.oauth = Default::default();
    world.oauth.state = Some(state);
    world.oauth.code_verifier = Some(verifier);
    world.oauth.redirect_uri = params
        .iter()
        .find(|(k, _)| *k == "redirect_uri")
        .map(|(_, v)| v.clone());
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish();
    let request = world
        .http
        .post(world.url("/oauth2/authorize"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(body);
    let exchange = world.send(request).await?.clone();
    if let Some(flow_id) = exchange
        .json()
        .ok()
        .and_then(|b| b.get("flowId").and_then(Value::as_str).map(str::to_owned))
    {
        world.vars.insert("v1_flow".into(), flow_id);
    }
    Ok(())
}

/// `POST` the authenticator choice to `links[0].href`, as the SDK does.
async fn authn(
    world: &mut ConformanceWorld,
    flow_id: &str,
    authenticator: &str,
    params: Value,
) -> anyhow::Result<()> {
    let body = json!({
        "flowId": flow_id,
        "selectedAuthenticator": { "authenticatorId": authenticator, "params": params },
    });
    let request = world
        .http
        .post(world.url("/oauth2/authn"))
        .header("content-type", "application/json")
        .body(body.to_string());
    let exchange = world.send(request).await?.clone();
    if exchange.status == 200 {
        let json = exchange.json()?;
        if let Some(code) = json.pointer("/authData/code").and_then(Value::as_str) {
            world.oauth.code = Some(code.to_owned());
        }
    }
    Ok(())
}

fn flow_id(world: &ConformanceWorld) -> anyhow::Result<String> {
    world
        .vars
        .get("v1_flow")
        .cloned()
        .context("no V1 flow has been started")
}

#[when(expr = "the user signs in with the V1 username and password authenticator as {string}")]
async fn v1_credentials(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    let password = catalog::password(world, &username)?.to_owned();
    let id = flow_id(world)?;
    let params = json!({ "username": username, "password": password });
    authn(world, &id, BASIC_AUTHENTICATOR, params).await
}

#[when(expr = "the user sends the V1 password {string} for {string}")]
async fn v1_password(
    world: &mut ConformanceWorld,
    password: String,
    username: String,
) -> anyhow::Result<()> {
    let id = flow_id(world)?;
    let params = json!({ "username": username, "password": password });
    authn(world, &id, BASIC_AUTHENTICATOR, params).await
}

#[when(expr = "the user picks the V1 authenticator {string}")]
async fn v1_pick(world: &mut ConformanceWorld, authenticator: String) -> anyhow::Result<()> {
    let id = flow_id(world)?;
    authn(world, &id, &authenticator, json!({})).await
}

#[when(expr = "the app continues the V1 flow {string}")]
async fn v1_unknown(world: &mut ConformanceWorld, flow_id: String) -> anyhow::Result<()> {
    let params = json!({ "username": "thor", "password": "Thor@12345" });
    authn(world, &flow_id, BASIC_AUTHENTICATOR, params).await
}

#[then(expr = "the V1 flow status is {string}")]
async fn v1_status(world: &mut ConformanceWorld, status: String) -> anyhow::Result<()> {
    let last = world.last()?;
    let body = last.json()?;
    let actual = body.get("flowStatus").and_then(Value::as_str);
    ensure!(
        last.status == 200 && actual == Some(status.as_str()),
        "expected V1 flowStatus {status}, got {} {actual:?} in {body}",
        last.status
    );
    Ok(())
}

#[then(expr = "the V1 step offers the authenticator {string}")]
async fn v1_offers(world: &mut ConformanceWorld, name: String) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let authenticators = body
        .pointer("/nextStep/authenticators")
        .and_then(Value::as_array)
        .with_context(|| format!("no nextStep.authenticators in {body}"))?;
    let found = authenticators.iter().any(|a| {
        a.get("authenticator").and_then(Value::as_str) == Some(name.as_str())
            && a.get("authenticatorId").and_then(Value::as_str).is_some()
    });
    ensure!(found, "no authenticator {name:?} in {authenticators:?}");
    let href = body.pointer("/links/0/href").and_then(Value::as_str);
    let expected = world.url("/oauth2/authn");
    ensure!(
        href == Some(expected.as_str()),
        "links[0].href must be the absolute {expected}, got {href:?}"
    );
    Ok(())
}

#[then("the V1 flow hands back an authorization code and the app's state")]
async fn v1_code(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let code = body.pointer("/authData/code").and_then(Value::as_str);
    ensure!(code.is_some(), "no authData.code in {body}");
    let state = body.pointer("/authData/state").and_then(Value::as_str);
    ensure!(
        state == world.oauth.state.as_deref(),
        "authData.state must echo the authorize state, got {state:?}"
    );
    Ok(())
}
