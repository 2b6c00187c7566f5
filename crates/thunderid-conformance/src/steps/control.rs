//! Steps that need the mock: its control API (`/__mock/clock`, `/__mock/outbox`,
//! `/__mock/requests`, `/__mock/reset`), its fake upstream IdP, and fixtures added for one scenario.
//! Scenarios using them are tagged `@mock-only` (or `@custom-fixtures` for the fixture steps).

use anyhow::{Context, bail, ensure};
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use serde_json::{Map, Value, json};
use thunderid_mock::fixtures::{ApplicationFixture, Delivery, UserFixture, UserTypeFixture};
use thunderid_protocol::flow::FlowDefinition;

use super::flow::{self, Challenge};
use super::oauth2::query_param;
use crate::world::{CLOCK_MOVED, ConformanceWorld};

#[when(expr = "{int} seconds pass")]
async fn seconds_pass(world: &mut ConformanceWorld, seconds: u64) -> anyhow::Result<()> {
    let request = world
        .http
        .post(world.url("/__mock/clock"))
        .header("content-type", "application/json")
        .body(json!({ "advanceSeconds": seconds }).to_string());
    let response = request.send().await?;
    ensure!(
        response.status().is_success(),
        "POST /__mock/clock answered {}",
        response.status()
    );
    world.vars.insert(CLOCK_MOVED.into(), seconds.to_string());
    Ok(())
}

#[when("the mock is reset")]
async fn reset(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let response = world.http.post(world.url("/__mock/reset")).send().await?;
    ensure!(
        response.status().as_u16() == 204,
        "POST /__mock/reset answered {}",
        response.status()
    );
    Ok(())
}

/// The messages the mock sent to `recipient`, oldest first.
async fn outbox(world: &ConformanceWorld, recipient: &str) -> anyhow::Result<Vec<Value>> {
    let mut url = url::Url::parse(&world.url("/__mock/outbox"))?;
    url.query_pairs_mut().append_pair("recipient", recipient);
    let response = world.http.get(url.as_str()).send().await?;
    ensure!(
        response.status().is_success(),
        "GET /__mock/outbox answered {}",
        response.status()
    );
    let body: Value = response.json().await?;
    Ok(body.as_array().cloned().unwrap_or_default())
}

async fn last_message(world: &ConformanceWorld, recipient: &str) -> anyhow::Result<Value> {
    outbox(world, recipient)
        .await?
        .pop()
        .with_context(|| format!("the mock sent nothing to {recipient}"))
}

#[then(expr = "an SMS with a {int}-digit code was sent to {string}")]
async fn sms_sent(
    world: &mut ConformanceWorld,
    digits: usize,
    phone: String,
) -> anyhow::Result<()> {
    let message = last_message(world, &phone).await?;
    ensure!(
        message.get("channel").and_then(Value::as_str) == Some("sms"),
        "expected an SMS, got {message}"
    );
    let code = message
        .get("code")
        .and_then(Value::as_str)
        .context("the SMS carries no code")?;
    ensure!(
        code.len() == digits && code.bytes().all(|b| b.is_ascii_digit()),
        "expected a {digits}-digit code, got {code:?}"
    );
    let body = message
        .get("body")
        .and_then(Value::as_str)
        .unwrap_or_default();
    ensure!(
        body.contains(code),
        "the SMS text does not show the code: {body}"
    );
    Ok(())
}

#[when(expr = "the user notes the code sent to {string}")]
async fn note_code(world: &mut ConformanceWorld, recipient: String) -> anyhow::Result<()> {
    let message = last_message(world, &recipient).await?;
    let code = message
        .get("code")
        .and_then(Value::as_str)
        .context("the message carries no code")?
        .to_owned();
    world.vars.insert("noted_code".into(), code);
    Ok(())
}

#[then(expr = "a new code was sent to {string}")]
async fn new_code_sent(world: &mut ConformanceWorld, recipient: String) -> anyhow::Result<()> {
    let noted = world
        .vars
        .get("noted_code")
        .cloned()
        .context("no code was noted")?;
    let message = last_message(world, &recipient).await?;
    let latest = message.get("code").and_then(Value::as_str);
    ensure!(
        latest.is_some_and(|code| code != noted),
        "expected a new code to {recipient}, the latest message still carries the noted one: {message}"
    );
    Ok(())
}

#[when(expr = "the user enters the code sent to {string}")]
async fn enters_sms_code(world: &mut ConformanceWorld, phone: String) -> anyhow::Result<()> {
    let message = last_message(world, &phone).await?;
    let code = message
        .get("code")
        .and_then(Value::as_str)
        .context("the message carries no code")?
        .to_owned();
    let inputs = Map::from_iter([("otp".to_owned(), Value::from(code))]);
    let action = flow::submit_action(world);
    flow::continue_flow(world, action.as_deref(), Some(inputs), Challenge::Current).await
}

/// The link to `marker` (a gate path and `?`) in the last e-mail to `email`.
async fn link_in_last_message(
    world: &ConformanceWorld,
    email: &str,
    marker: &str,
) -> anyhow::Result<url::Url> {
    let message = last_message(world, email).await?;
    let body = message
        .get("body")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let link = body
        .split_whitespace()
        .find(|w| w.contains(marker))
        .with_context(|| format!("no {marker} link in the e-mail: {body}"))?;
    url::Url::parse(link).with_context(|| format!("a bad link {link}"))
}

#[when(expr = "the user follows the recovery link sent to {string}")]
async fn follows_recovery_link(world: &mut ConformanceWorld, email: String) -> anyhow::Result<()> {
    let link = link_in_last_message(world, &email, "/gate/invite?").await?;
    let execution_id = query_param(&link, "executionId").context("no executionId in the link")?;
    let token = query_param(&link, "inviteToken").context("no inviteToken in the link")?;
    // An SDK's recovery page reads the link and continues the execution it names; the link stands
    // in for the challenge token.
    let body = json!({ "executionId": execution_id, "inputs": { "inviteToken": token } });
    flow::execute(world, body, &[]).await
}

/// The magic link in the last e-mail to `email`: the execution it names (`id`) and its token.
async fn magic_link(world: &ConformanceWorld, email: &str) -> anyhow::Result<(String, String)> {
    let link = link_in_last_message(world, email, "/gate/callback?").await?;
    let id = query_param(&link, "id").context("no id in the magic link")?;
    let token = query_param(&link, "token").context("no token in the magic link")?;
    Ok((id, token))
}

/// What an SDK's callback page does with a magic link: continue the execution it names with its
/// token, without a challenge token.
async fn open_magic_link(
    world: &mut ConformanceWorld,
    execution_id: &str,
    token: &str,
) -> anyhow::Result<()> {
    let body = json!({ "executionId": execution_id, "inputs": { "token": token } });
    flow::execute(world, body, &[]).await
}

#[when(expr = "the user follows the magic link sent to {string}")]
async fn follows_magic_link(world: &mut ConformanceWorld, email: String) -> anyhow::Result<()> {
    let (id, token) = magic_link(world, &email).await?;
    open_magic_link(world, &id, &token).await
}

#[when(expr = "the user keeps the magic link sent to {string} as {string}")]
async fn keeps_magic_link(
    world: &mut ConformanceWorld,
    email: String,
    name: String,
) -> anyhow::Result<()> {
    let (id, token) = magic_link(world, &email).await?;
    world.vars.insert(format!("{name}.id"), id);
    world.vars.insert(format!("{name}.token"), token);
    Ok(())
}

#[when(expr = "the user opens the magic link {string} in the current sign-in")]
async fn opens_kept_link_here(world: &mut ConformanceWorld, name: String) -> anyhow::Result<()> {
    let token = world
        .vars
        .get(&format!("{name}.token"))
        .cloned()
        .with_context(|| format!("no magic link {name:?} kept"))?;
    let id = world.flow.execution_id.clone().context("no sign-in yet")?;
    open_magic_link(world, &id, &token).await
}

#[when(expr = "the user opens the magic link sent to {string} with the token {string}")]
async fn opens_link_with_token(
    world: &mut ConformanceWorld,
    email: String,
    token: String,
) -> anyhow::Result<()> {
    let (id, _) = magic_link(world, &email).await?;
    open_magic_link(world, &id, &token).await
}

#[then(expr = "no e-mail was sent to {string}")]
async fn nothing_sent(world: &mut ConformanceWorld, recipient: String) -> anyhow::Result<()> {
    let sent = outbox(world, &recipient).await?;
    ensure!(
        sent.is_empty(),
        "expected nothing sent to {recipient}, got {sent:?}"
    );
    Ok(())
}

#[when(expr = "the user signs in at the identity provider as {string}")]
async fn signs_in_at_idp(world: &mut ConformanceWorld, login: String) -> anyhow::Result<()> {
    let response = flow::response(world)?;
    let redirect = response
        .pointer("/data/redirectURL")
        .and_then(Value::as_str)
        .with_context(|| format!("no data.redirectURL in {response}"))?
        .to_owned();
    sign_in_at_idp(world, &redirect, &login).await
}

/// Follow `redirect` (the fake IdP's authorize URL) as `login` and keep the code and state it
/// sends back as `idp_code` and `idp_state`.
pub async fn sign_in_at_idp(
    world: &mut ConformanceWorld,
    redirect: &str,
    login: &str,
) -> anyhow::Result<()> {
    let mut url = url::Url::parse(redirect)?;
    url.query_pairs_mut().append_pair("login_hint", login);
    let exchange = world.send(world.http.get(url.as_str())).await?.clone();
    ensure!(
        exchange.status == 302,
        "the identity provider answered {}: {}",
        exchange.status,
        exchange.body
    );
    let back = exchange.location()?;
    let code = query_param(&back, "code").context("the IdP sent no code")?;
    let state = query_param(&back, "state").context("the IdP sent no state")?;
    world.vars.insert("idp_code".into(), code);
    world.vars.insert("idp_state".into(), state);
    Ok(())
}

#[when("the app hands the identity provider's answer to the flow")]
async fn hands_idp_answer(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let code = world.vars.get("idp_code").cloned().context("no IdP code")?;
    let state = world
        .vars
        .get("idp_state")
        .cloned()
        .context("no IdP state")?;
    idp_answer(world, code, state).await
}

#[when(expr = "the app hands the identity provider's answer to the flow with the state {string}")]
async fn hands_idp_answer_state(world: &mut ConformanceWorld, state: String) -> anyhow::Result<()> {
    let code = world.vars.get("idp_code").cloned().context("no IdP code")?;
    idp_answer(world, code, state).await
}

#[when(expr = "the app hands the flow the identity provider code {string}")]
async fn hands_idp_code(world: &mut ConformanceWorld, code: String) -> anyhow::Result<()> {
    let state = world.vars.get("idp_state").cloned().unwrap_or_default();
    idp_answer(world, code, state).await
}

async fn idp_answer(
    world: &mut ConformanceWorld,
    code: String,
    state: String,
) -> anyhow::Result<()> {
    let inputs = Map::from_iter([
        ("code".to_owned(), Value::from(code)),
        ("state".to_owned(), Value::from(state)),
    ]);
    flow::continue_flow(world, None, Some(inputs), Challenge::Current).await
}

#[then(expr = "the mock recorded {int} request(s) to {string}")]
async fn journal_count(
    world: &mut ConformanceWorld,
    count: usize,
    path: String,
) -> anyhow::Result<()> {
    let mut url = url::Url::parse(&world.url("/__mock/requests"))?;
    url.query_pairs_mut().append_pair("path", &path);
    let body: Value = world.http.get(url.as_str()).send().await?.json().await?;
    let entries = body.as_array().map_or(0, Vec::len);
    ensure!(
        entries == count,
        "expected {count} recorded requests to {path}, got {entries}"
    );
    Ok(())
}

fn docstring(step: &Step) -> anyhow::Result<&str> {
    step.docstring
        .as_deref()
        .context("the step needs a doc string")
}

#[given("the server also has the flow:")]
async fn add_flow(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let flow: FlowDefinition =
        serde_json::from_str(docstring(step)?).context("the doc string is a flow definition")?;
    world.fixtures.flows.push(flow);
    world.restart_with_fixtures().await
}

#[given("the server loads the declarative resource files:")]
async fn load_resources(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let documents = docstring(step)?.to_owned();
    world.restart_with_resources(&documents).await
}

/// `{n}` in the document becomes each copy's number, twelve digits wide (an id's last group).
#[given(expr = "the server loads {int} declarative copies of the resource:")]
async fn load_copies(
    world: &mut ConformanceWorld,
    step: &Step,
    copies: usize,
) -> anyhow::Result<()> {
    let document = docstring(step)?;
    let documents: Vec<String> = (0..copies)
        .map(|i| document.replace("{n}", &format!("{i:012}")))
        .collect();
    world
        .restart_with_resources(&documents.join("\n---\n"))
        .await
}

/// As above, then once what follows a `# once` line, each of its lines naming `{n}` repeated for
/// every copy (a list that names each copied resource).
#[given(expr = "the server loads {int} declarative copies of the resource, then once:")]
async fn load_copies_then_once(
    world: &mut ConformanceWorld,
    step: &Step,
    copies: usize,
) -> anyhow::Result<()> {
    let (each, once) = docstring(step)?
        .split_once("\n# once\n")
        .context("the doc string has a `# once` line")?;
    let index = |i: usize| format!("{i:012}");
    let mut documents: Vec<String> = (0..copies)
        .map(|i| each.replace("{n}", &index(i)))
        .collect();
    let once: Vec<String> = once
        .lines()
        .flat_map(|line| {
            let repeats = if line.contains("{n}") { copies } else { 1 };
            (0..repeats).map(move |i| line.replace("{n}", &index(i)))
        })
        .collect();
    documents.push(once.join("\n"));
    world
        .restart_with_resources(&documents.join("\n---\n"))
        .await
}

#[given("the server also has the application:")]
async fn add_application(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let app: ApplicationFixture =
        serde_json::from_str(docstring(step)?).context("the doc string is an application")?;
    world.fixtures.applications.push(app);
    world.restart_with_fixtures().await
}

#[given("the server also has the user:")]
async fn add_user(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let user: UserFixture =
        serde_json::from_str(docstring(step)?).context("the doc string is a user")?;
    let username = user
        .attributes
        .get("username")
        .and_then(Value::as_str)
        .context("the user needs a username")?
        .to_owned();
    if let Some(password) = &user.password {
        world.passwords.insert(username, password.clone());
    }
    world.fixtures.users.push(user);
    world.restart_with_fixtures().await
}

#[given("the server also has the user type:")]
async fn add_user_type(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let user_type: UserTypeFixture =
        serde_json::from_str(docstring(step)?).context("the doc string is a user type")?;
    world.fixtures.user_types.push(user_type);
    world.restart_with_fixtures().await
}

/// The real server lets a user type be deleted while users and applications still name it; the
/// scenario reaches that state by dropping the type from the fixtures.
#[given(expr = "the user type {string} is deleted while still in use")]
async fn delete_user_type_in_use(world: &mut ConformanceWorld, name: String) -> anyhow::Result<()> {
    let before = world.fixtures.user_types.len();
    world.fixtures.user_types.retain(|t| t.name != name);
    anyhow::ensure!(
        world.fixtures.user_types.len() < before,
        "no user type {name}"
    );
    world.fixtures_unchecked = true;
    world.restart_with_fixtures().await
}

/// Replace the bundled flow of the same handle and type (the server runs one graph per pair).
#[given("the server's flow is replaced by:")]
async fn replace_flow(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let flow: FlowDefinition =
        serde_json::from_str(docstring(step)?).context("the doc string is a flow definition")?;
    world
        .fixtures
        .flows
        .retain(|f| !(f.handle == flow.handle && f.flow_type == flow.flow_type));
    world.fixtures.flows.push(flow);
    world.restart_with_fixtures().await
}

#[given(expr = "the server's {string} setting is {string}")]
async fn server_text_setting(
    world: &mut ConformanceWorld,
    name: String,
    value: String,
) -> anyhow::Result<()> {
    let delivery: Delivery = serde_json::from_value(Value::from(value.as_str()))
        .context("outbox, unconfigured or failing")?;
    let notifications = &mut world.fixtures.server.notifications;
    match name.as_str() {
        "notifications.email" => notifications.email = delivery,
        "notifications.sms" => notifications.sms = delivery,
        other => bail!("the suite cannot set {other}"),
    }
    world.restart_with_fixtures().await
}

#[given(expr = "the server's {string} setting is {int}")]
async fn server_setting(
    world: &mut ConformanceWorld,
    name: String,
    value: u64,
) -> anyhow::Result<()> {
    let settings = &mut world.fixtures.server;
    match name.as_str() {
        "jwt.validityPeriod" => settings.jwt.validity_period = value,
        "flow.authenticationExpiry" => settings.flow.authentication_expiry = value,
        "flow.otpLength" => {
            settings.flow.otp_length = u32::try_from(value).context("an OTP length")?;
        }
        other => bail!("the suite cannot set {other}"),
    }
    world.restart_with_fixtures().await
}
