//! Flow execution steps (`POST /flow/execute`): starting flows, submitting inputs and actions,
//! challenge tokens, and what each response must look like.

use anyhow::{Context, bail, ensure};
use cucumber::gherkin::Step;
use cucumber::{given, when};
use serde_json::{Map, Value, json};
use thunderid_protocol::flow::FlowType;

use crate::catalog;
use crate::params::FlowTypeParam;
use crate::world::ConformanceWorld;

mod admin;
mod checks;
mod consent;
mod sso;
mod v1;

pub use checks::{check_api_error, check_claims_table};

/// Which challenge token a continuation carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Challenge {
    /// The one from the last INCOMPLETE response (what a correct client sends).
    Current,
    /// One issued before the last rotation.
    Stale,
    /// None at all.
    Missing,
}

/// Post a body to `/flow/execute` and record what came back in the flow session.
pub async fn execute(
    world: &mut ConformanceWorld,
    body: Value,
    headers: &[(&str, &str)],
) -> anyhow::Result<()> {
    let mut request = world
        .http
        .post(world.url("/flow/execute"))
        .header("content-type", "application/json")
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(bearer) = &world.flow.bearer
        && !headers.iter().any(|(name, _)| *name == "authorization")
    {
        request = request.header("authorization", bearer.as_str());
    }
    if !world.cookies.is_empty() {
        let jar: Vec<String> = world
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        request = request.header("cookie", jar.join("; "));
    }
    world.flow.last_request = Some(body);
    let exchange = world.send(request).await?.clone();
    keep_cookies(world, &exchange.headers);
    let Ok(json) = exchange.json() else {
        return Ok(());
    };
    if let Some(assertion) = json.get("errorAssertion").and_then(Value::as_str) {
        world.flow.error_assertion = Some(assertion.to_owned());
    }
    if exchange.status != 200 {
        return Ok(());
    }
    if let Some(id) = json.get("executionId").and_then(Value::as_str) {
        world.flow.execution_id = Some(id.to_owned());
    }
    if let Some(token) = json.get("challengeToken").and_then(Value::as_str)
        && let Some(previous) = world.flow.challenge_token.replace(token.to_owned())
    {
        world.flow.stale_challenge_tokens.push(previous);
    }
    if let Some(assertion) = json.get("assertion").and_then(Value::as_str) {
        world.flow.assertion = Some(assertion.to_owned());
    }
    world.flow.response = Some(json);
    Ok(())
}

/// Keep what `Set-Cookie` set, drop what it cleared (`Max-Age=0`), as a cookie jar does.
fn keep_cookies(world: &mut ConformanceWorld, headers: &reqwest::header::HeaderMap) {
    for value in headers.get_all("set-cookie") {
        let Ok(value) = value.to_str() else { continue };
        let mut attributes = value.split(';').map(str::trim);
        let Some((name, content)) = attributes.next().and_then(|p| p.split_once('=')) else {
            continue;
        };
        let cleared = attributes.any(|a| a.eq_ignore_ascii_case("max-age=0")) || content.is_empty();
        if cleared {
            world.cookies.remove(name);
        } else {
            world.cookies.insert(name.to_owned(), content.to_owned());
        }
    }
}

/// Continue the current execution with `action` and `inputs`.
pub async fn continue_flow(
    world: &mut ConformanceWorld,
    action: Option<&str>,
    inputs: Option<Map<String, Value>>,
    challenge: Challenge,
) -> anyhow::Result<()> {
    let execution_id = world
        .flow
        .execution_id
        .clone()
        .context("no flow execution is in progress")?;
    let mut body = json!({ "executionId": execution_id });
    let token = match challenge {
        Challenge::Current => world.flow.challenge_token.clone(),
        Challenge::Stale => Some(
            world
                .flow
                .stale_challenge_tokens
                .last()
                .cloned()
                .context("no challenge token has been rotated out yet")?,
        ),
        Challenge::Missing => None,
    };
    if let Some(token) = token {
        body["challengeToken"] = Value::from(token);
    }
    if let Some(action) = action {
        body["action"] = Value::from(action);
    }
    if let Some(inputs) = inputs {
        body["inputs"] = Value::Object(inputs);
    }
    execute(world, body, &[]).await
}

/// The last `/flow/execute` response (HTTP 200).
pub fn response(world: &ConformanceWorld) -> anyhow::Result<&Value> {
    let last = world.last()?;
    ensure!(
        last.status == 200,
        "expected an in-band flow response (200), got {}: {}",
        last.status,
        last.body
    );
    world
        .flow
        .response
        .as_ref()
        .context("no flow response has been received")
}

/// The action a client presses to submit a form: the first action the step offers, or none when
/// the server already holds the chosen action (it then lists no actions).
pub fn submit_action(world: &ConformanceWorld) -> Option<String> {
    world
        .flow
        .response
        .as_ref()
        .and_then(|r| r.pointer("/data/actions/0/ref"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// A table `| name | value |` as flow inputs, with `${…}` placeholders resolved.
pub fn table_inputs(world: &ConformanceWorld, step: &Step) -> anyhow::Result<Map<String, Value>> {
    let table = step.table.as_ref().context("the step needs a table")?;
    let mut inputs = Map::new();
    for row in &table.rows {
        let [name, value] = row.as_slice() else {
            bail!("each row needs exactly two cells: name | value");
        };
        inputs.insert(name.clone(), Value::from(catalog::resolve(world, value)?));
    }
    Ok(inputs)
}

/// Start a flow for the current application, as an SDK does (`Flow-Secret` only on starts).
pub async fn start_for_app(
    world: &mut ConformanceWorld,
    flow_type: &FlowType,
    extra: Map<String, Value>,
) -> anyhow::Result<()> {
    start(world, flow_type, Secret::Own, extra).await
}

async fn start(
    world: &mut ConformanceWorld,
    flow_type: &FlowType,
    secret: Secret<'_>,
    extra: Map<String, Value>,
) -> anyhow::Result<()> {
    let app = catalog::current_application(world)?;
    let mut body = json!({ "applicationId": app.id, "flowType": flow_type.as_str() });
    for (key, value) in extra {
        body[key] = value;
    }
    let secret = match secret {
        Secret::Own => app.flow_secret.clone(),
        Secret::None => None,
        Secret::This(value) => Some(value.to_owned()),
    };
    world.flow = Default::default();
    match secret {
        Some(secret) => execute(world, body, &[("flow-secret", secret.as_str())]).await,
        None => execute(world, body, &[]).await,
    }
}

enum Secret<'a> {
    Own,
    None,
    This(&'a str),
}

#[given(expr = "the application {string}")]
async fn the_application(world: &mut ConformanceWorld, name: String) -> anyhow::Result<()> {
    catalog::application(world, &name)?;
    world.app = Some(name);
    Ok(())
}

#[given(expr = "the app starts a(n) {flow_type} flow")]
#[when(expr = "the app starts a(n) {flow_type} flow")]
async fn app_starts(world: &mut ConformanceWorld, flow_type: FlowTypeParam) -> anyhow::Result<()> {
    start(world, &flow_type.0, Secret::Own, Map::new()).await
}

#[given(expr = "the app starts a(n) {flow_type} flow in verbose mode")]
#[when(expr = "the app starts a(n) {flow_type} flow in verbose mode")]
async fn app_starts_verbose(
    world: &mut ConformanceWorld,
    flow_type: FlowTypeParam,
) -> anyhow::Result<()> {
    let extra = Map::from_iter([("verbose".to_owned(), Value::Bool(true))]);
    start(world, &flow_type.0, Secret::Own, extra).await
}

#[when(expr = "the app starts a(n) {flow_type} flow without a flow secret")]
async fn app_starts_without_secret(
    world: &mut ConformanceWorld,
    flow_type: FlowTypeParam,
) -> anyhow::Result<()> {
    start(world, &flow_type.0, Secret::None, Map::new()).await
}

#[when(expr = "the app starts a(n) {flow_type} flow with the flow secret {string}")]
async fn app_starts_with_secret(
    world: &mut ConformanceWorld,
    flow_type: FlowTypeParam,
    secret: String,
) -> anyhow::Result<()> {
    start(world, &flow_type.0, Secret::This(&secret), Map::new()).await
}

#[when(expr = "the app starts a(n) {flow_type} flow submitting the credentials of {string}")]
async fn app_starts_with_credentials(
    world: &mut ConformanceWorld,
    flow_type: FlowTypeParam,
    username: String,
) -> anyhow::Result<()> {
    let password = catalog::password(world, &username)?.to_owned();
    let extra = Map::from_iter([
        ("action".to_owned(), Value::from("action_001")),
        (
            "inputs".to_owned(),
            json!({ "username": username, "password": password }),
        ),
    ]);
    start(world, &flow_type.0, Secret::Own, extra).await
}

#[when(expr = "the app starts a(n) {flow_type} flow with the inputs:")]
async fn app_starts_with_inputs(
    world: &mut ConformanceWorld,
    flow_type: FlowTypeParam,
    step: &Step,
) -> anyhow::Result<()> {
    let inputs = table_inputs(world, step)?;
    let extra = Map::from_iter([("inputs".to_owned(), Value::Object(inputs))]);
    start(world, &flow_type.0, Secret::Own, extra).await
}

#[when(expr = "the app starts a(n) {flow_type} flow for the application id {string}")]
async fn app_starts_for_id(
    world: &mut ConformanceWorld,
    flow_type: FlowTypeParam,
    application_id: String,
) -> anyhow::Result<()> {
    let body = json!({ "applicationId": application_id, "flowType": flow_type.0.as_str() });
    world.flow = Default::default();
    execute(world, body, &[]).await
}

#[when(expr = "a caller starts an ADMINISTRATION flow {string}")]
async fn administration_flow(world: &mut ConformanceWorld, how: String) -> anyhow::Result<()> {
    // `how`: "without a token", "as thor", "by flow id as admin".
    let (by_id, who) = match how.as_str() {
        "without a token" => (false, None),
        other => match other.strip_prefix("by flow id as ") {
            Some(user) => (true, Some(user.to_owned())),
            None => (
                false,
                Some(
                    other
                        .strip_prefix("as ")
                        .context(
                            "say \"without a token\", \"as <user>\" or \"by flow id as <user>\"",
                        )?
                        .to_owned(),
                ),
            ),
        },
    };
    let body = if by_id {
        json!({ "flowId": "01900000-0000-7000-8000-000000000061" })
    } else {
        json!({ "flowType": "ADMINISTRATION" })
    };
    world.flow = Default::default();
    match who {
        Some(user) => {
            let token = assertion_for(world, &user).await?;
            let bearer = format!("Bearer {token}");
            execute(world, body, &[("authorization", bearer.as_str())]).await
        }
        None => execute(world, body, &[]).await,
    }
}

/// The bootstrap System resource server's identifier (a literal on the real server too).
pub const SYSTEM_RESOURCE_SERVER: &str = "https://localhost:8090/mcp";

/// A server-signed token for `username`: the assertion of an app-native sign-in with
/// `sample-native` that asked for the `system` permission (the server accepts any of its JWTs as a
/// Bearer token, and reads permissions from `authorized_permissions`).
pub async fn assertion_for(world: &mut ConformanceWorld, username: &str) -> anyhow::Result<String> {
    let saved_app = world.app.replace("sample-native".to_owned());
    let token = assertion_with(world, username, "system", SYSTEM_RESOURCE_SERVER).await;
    world.app = saved_app;
    token
}

/// The assertion of an app-native sign-in of `username` with the current app, asking for
/// `permissions` on the resource server `identifier` (as an SDK maps requested scopes).
pub async fn assertion_with(
    world: &mut ConformanceWorld,
    username: &str,
    permissions: &str,
    identifier: &str,
) -> anyhow::Result<String> {
    let password = catalog::password(world, username)?.to_owned();
    start(world, &FlowType::Authentication, Secret::Own, Map::new()).await?;
    let inputs = Map::from_iter([
        ("username".to_owned(), Value::from(username)),
        ("password".to_owned(), Value::from(password)),
        ("requested_permissions".to_owned(), Value::from(permissions)),
        (
            "resource_server_identifier".to_owned(),
            Value::from(identifier),
        ),
    ]);
    continue_flow(world, Some("action_001"), Some(inputs), Challenge::Current).await?;
    world.flow.assertion.clone().with_context(|| {
        format!(
            "signing {username} in app-natively gave no assertion: {}",
            world.last.as_ref().map_or("", |l| l.body.as_str())
        )
    })
}

#[given(expr = "the user submits the credentials of {string}")]
#[when(expr = "the user submits the credentials of {string}")]
async fn submit_credentials(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    let password = catalog::password(world, &username)?.to_owned();
    submit_username_password(world, &username, &password, Challenge::Current).await
}

#[when(expr = "the user submits the credentials of {string} with a stale challenge token")]
async fn submit_credentials_stale(
    world: &mut ConformanceWorld,
    username: String,
) -> anyhow::Result<()> {
    let password = catalog::password(world, &username)?.to_owned();
    submit_username_password(world, &username, &password, Challenge::Stale).await
}

#[when(expr = "the user submits the credentials of {string} without a challenge token")]
async fn submit_credentials_no_token(
    world: &mut ConformanceWorld,
    username: String,
) -> anyhow::Result<()> {
    let password = catalog::password(world, &username)?.to_owned();
    submit_username_password(world, &username, &password, Challenge::Missing).await
}

#[when(expr = "the user submits the username {string} and the password {string}")]
async fn submit_username_and_password(
    world: &mut ConformanceWorld,
    username: String,
    password: String,
) -> anyhow::Result<()> {
    submit_username_password(world, &username, &password, Challenge::Current).await
}

async fn submit_username_password(
    world: &mut ConformanceWorld,
    username: &str,
    password: &str,
    challenge: Challenge,
) -> anyhow::Result<()> {
    let action = submit_action(world);
    let inputs = Map::from_iter([
        ("username".to_owned(), Value::from(username)),
        ("password".to_owned(), Value::from(password)),
    ]);
    continue_flow(world, action.as_deref(), Some(inputs), challenge).await
}

#[given(expr = "the user chooses {string}")]
#[when(expr = "the user chooses {string}")]
async fn choose_action(world: &mut ConformanceWorld, action: String) -> anyhow::Result<()> {
    continue_flow(world, Some(&action), None, Challenge::Current).await
}

#[when(expr = "the user chooses {string} with:")]
async fn choose_action_with(
    world: &mut ConformanceWorld,
    action: String,
    step: &Step,
) -> anyhow::Result<()> {
    let inputs = table_inputs(world, step)?;
    continue_flow(world, Some(&action), Some(inputs), Challenge::Current).await
}

#[when("the user submits:")]
async fn submit_inputs(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let inputs = table_inputs(world, step)?;
    let action = submit_action(world);
    continue_flow(world, action.as_deref(), Some(inputs), Challenge::Current).await
}

#[when("the user submits without choosing an action:")]
async fn submit_inputs_no_action(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let inputs = table_inputs(world, step)?;
    continue_flow(world, None, Some(inputs), Challenge::Current).await
}

#[when("the client resumes the flow with only its execution id")]
async fn resume_with_id(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    continue_flow(world, None, None, Challenge::Missing).await
}

#[when(expr = "the client continues the flow {string}")]
async fn continue_unknown(
    world: &mut ConformanceWorld,
    execution_id: String,
) -> anyhow::Result<()> {
    let body = json!({ "executionId": execution_id, "inputs": { "username": "thor" } });
    execute(world, body, &[]).await
}

#[when("the client sends the same flow request again")]
async fn replay(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let body = world
        .flow
        .last_request
        .clone()
        .context("no flow request has been sent yet")?;
    execute(world, body, &[]).await
}
