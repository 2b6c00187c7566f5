//! Backchannel authentication (CIBA, poll mode): a client asks the server to authenticate a user it
//! names, the user approves from the e-mailed link (driving the flow as the gate's invite page
//! does, then the CIBA callback), and the client polls the token endpoint. The e-mail is read from
//! the mock's outbox and the control plane can answer for the user, so those steps are
//! `@mock-only`.

use anyhow::{Context, bail, ensure};
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use serde_json::{Value, json};

use super::oauth2::table_pairs;
use super::token::{ClientAuth, post_form, token_request};
use crate::catalog;
use crate::world::ConformanceWorld;

const CIBA: &str = "urn:openid:params:grant-type:ciba";

async fn ask(
    world: &mut ConformanceWorld,
    app: &str,
    form: &[(String, String)],
) -> anyhow::Result<()> {
    post_form(
        world,
        "/oauth2/bc-authorize",
        &ClientAuth::Registered(app.to_owned()),
        form,
    )
    .await?;
    world.app = Some(app.to_owned());
    let last = world.last()?;
    if last.status == 200 {
        let id = last.json()?["auth_req_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        world.vars.insert("auth_req_id".into(), id);
    }
    Ok(())
}

#[given(expr = "{string} asks to authenticate {string} in the background")]
#[when(expr = "{string} asks to authenticate {string} in the background")]
async fn asks(world: &mut ConformanceWorld, app: String, username: String) -> anyhow::Result<()> {
    let form = [
        ("login_hint".to_owned(), username),
        ("scope".to_owned(), "openid email".to_owned()),
    ];
    ask(world, &app, &form).await
}

#[given(expr = "{string} asks to authenticate in the background with:")]
#[when(expr = "{string} asks to authenticate in the background with:")]
async fn asks_with(world: &mut ConformanceWorld, app: String, step: &Step) -> anyhow::Result<()> {
    let form = table_pairs(step)?;
    ask(world, &app, &form).await
}

#[then("the backchannel request is accepted")]
async fn accepted(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        last.status == 200,
        "expected 200, got {}: {}",
        last.status,
        last.body
    );
    ensure!(
        last.header("cache-control") == Some("no-store"),
        "no Cache-Control: no-store"
    );
    let body = last.json()?;
    let id = body["auth_req_id"].as_str().context("no auth_req_id")?;
    let v7 = id.len() == 36 && id.as_bytes().get(14) == Some(&b'7');
    ensure!(v7, "auth_req_id {id} is not a UUIDv7");
    ensure!(
        body["interval"] == json!(5),
        "interval {}",
        body["interval"]
    );
    ensure!(
        body["expires_in"].is_u64(),
        "expires_in {}",
        body["expires_in"]
    );
    Ok(())
}

#[given("the client polls for the tokens")]
#[when("the client polls for the tokens")]
async fn polls(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let app = world.app.clone().context("no client asked yet")?;
    let id = world
        .vars
        .get("auth_req_id")
        .cloned()
        .context("no backchannel request yet")?;
    let params = [
        ("grant_type".to_owned(), CIBA.to_owned()),
        ("auth_req_id".to_owned(), id),
    ];
    token_request(world, &ClientAuth::Registered(app), &params).await
}

/// The approval link of the last e-mail to `username`, from the mock's outbox.
async fn approval_link(world: &ConformanceWorld, username: &str) -> anyhow::Result<url::Url> {
    let user = catalog::user(world, username)?;
    let email = user
        .attributes
        .get("email")
        .and_then(Value::as_str)
        .context("the user has no e-mail")?;
    let mut url = url::Url::parse(&world.url("/__mock/outbox"))?;
    url.query_pairs_mut().append_pair("recipient", email);
    let messages: Value = world.http.get(url.as_str()).send().await?.json().await?;
    let message = messages
        .as_array()
        .and_then(|m| m.last())
        .with_context(|| format!("no e-mail to {email}"))?;
    ensure!(
        message["template"] == json!("CIBA_NOTIFICATION"),
        "the last e-mail is {}",
        message["template"]
    );
    let body = message["body"].as_str().unwrap_or_default();
    let start = body
        .find(&world.url("/gate/invite?"))
        .context("the e-mail holds no approval link")?;
    let link = body[start..].split_whitespace().next().unwrap_or_default();
    Ok(url::Url::parse(link)?)
}

async fn execute(world: &mut ConformanceWorld, body: Value) -> anyhow::Result<Value> {
    let request = world.http.post(world.url("/flow/execute")).json(&body);
    let exchange = world.send(request).await?;
    ensure!(
        exchange.status == 200,
        "/flow/execute answered {}: {}",
        exchange.status,
        exchange.body
    );
    exchange.json()
}

#[when(expr = "{string} approves the request from the e-mailed link")]
async fn approves(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    let link = approval_link(world, &username).await?;
    let param = |name: &str| {
        link.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .with_context(|| format!("the link has no {name}"))
    };
    let (execution_id, token, auth_req_id) = (
        param("executionId")?,
        param("inviteToken")?,
        param("auth_req_id")?,
    );
    // As the gate's invite page: the token, then the password, then the callback.
    let prompt = execute(
        world,
        json!({"executionId": execution_id, "inputs": {"inviteToken": token}}),
    )
    .await?;
    let password = catalog::password(world, &username)?.to_owned();
    let done = execute(
        world,
        json!({"executionId": execution_id, "challengeToken": prompt["challengeToken"], "action": "action_approve", "inputs": {"password": password}}),
    )
    .await?;
    if done["flowStatus"] != json!("COMPLETE") {
        bail!("the flow did not complete: {done}");
    }
    let callback = json!({
        "authId": auth_req_id,
        "assertion": done["assertion"],
        "type": done["data"]["additionalData"]["callbackType"],
    });
    let exchange = world
        .send(
            world
                .http
                .post(world.url("/oauth2/auth/callback"))
                .json(&callback),
        )
        .await?;
    ensure!(
        exchange.body == "{\"status\":\"OK\"}\n",
        "the callback answered {}: {}",
        exchange.status,
        exchange.body
    );
    Ok(())
}

#[when(expr = "the mock answers the backchannel request for the user with {word}")]
async fn mock_decides(world: &mut ConformanceWorld, decision: String) -> anyhow::Result<()> {
    let approve = match decision.as_str() {
        "approval" => true,
        "denial" => false,
        other => bail!("approval or denial, not {other}"),
    };
    let id = world
        .vars
        .get("auth_req_id")
        .cloned()
        .context("no backchannel request yet")?;
    let request = world
        .http
        .post(world.url(&format!("/__mock/ciba/{id}")))
        .json(&json!({"approve": approve}));
    world.send(request).await?;
    Ok(())
}
