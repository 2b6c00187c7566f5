//! Flow execution steps (`POST /flow/execute`): starting flows, submitting inputs and actions,
//! challenge tokens, and what each response must look like.

use anyhow::{Context, bail, ensure};
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use serde_json::{Map, Value, json};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{FlowStatus, FlowType, StepType};

use crate::catalog;
use crate::jwt;
use crate::params::{ApiErrorCodeParam, FlowStatusParam, FlowTypeParam, StepTypeParam};
use crate::world::ConformanceWorld;

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
    world.flow.last_request = Some(body);
    let exchange = world.send(request).await?.clone();
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
    if let Some(token) = json.get("challengeToken").and_then(Value::as_str) {
        if let Some(previous) = world.flow.challenge_token.replace(token.to_owned()) {
            world.flow.stale_challenge_tokens.push(previous);
        }
    }
    if let Some(assertion) = json.get("assertion").and_then(Value::as_str) {
        world.flow.assertion = Some(assertion.to_owned());
    }
    world.flow.response = Some(json);
    Ok(())
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
                        .context("say \"without a token\", \"as <user>\" or \"by flow id as <user>\"")?
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

/// A server-signed token for `username`: the assertion of an app-native sign-in with
/// `sample-native` that asked for the `system` permission (the server accepts any of its JWTs as a
/// Bearer token, and reads permissions from `authorized_permissions`).
pub async fn assertion_for(world: &mut ConformanceWorld, username: &str) -> anyhow::Result<String> {
    let saved_app = world.app.replace("sample-native".to_owned());
    let password = catalog::password(world, username)?.to_owned();
    start(world, &FlowType::Authentication, Secret::Own, Map::new()).await?;
    // As an SDK maps requested scopes: the assertion then carries the permissions the user holds.
    let inputs = Map::from_iter([
        ("username".to_owned(), Value::from(username)),
        ("password".to_owned(), Value::from(password)),
        ("requested_permissions".to_owned(), Value::from("system")),
    ]);
    continue_flow(world, Some("action_001"), Some(inputs), Challenge::Current).await?;
    world.app = saved_app;
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
async fn continue_unknown(world: &mut ConformanceWorld, execution_id: String) -> anyhow::Result<()> {
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

#[then(expr = "the flow status is {flow_status}")]
async fn flow_status(world: &mut ConformanceWorld, status: FlowStatusParam) -> anyhow::Result<()> {
    let response = response(world)?;
    let actual = response.get("flowStatus").and_then(Value::as_str);
    ensure!(
        actual == Some(status.0.as_str()),
        "expected flowStatus {}, got {actual:?} in {response}",
        status.0
    );
    check_envelope(response)
}

/// What every in-band response must hold (contract §1.3, §9.1).
fn check_envelope(response: &Value) -> anyhow::Result<()> {
    ensure!(
        response.get("executionId").and_then(Value::as_str).is_some(),
        "executionId is missing: {response}"
    );
    ensure!(
        response.get("data").is_some_and(Value::is_object),
        "data must always be an object: {response}"
    );
    ensure!(
        response.get("stepId").is_none(),
        "the server never emits stepId: {response}"
    );
    let incomplete = response.get("flowStatus").and_then(Value::as_str) == Some("INCOMPLETE");
    for key in ["type", "challengeToken"] {
        ensure!(
            response.get(key).is_some() == incomplete,
            "{key} must be present exactly on INCOMPLETE responses: {response}"
        );
    }
    Ok(())
}

#[then(expr = "the flow status is {flow_status} and the error code is {api_error_code}")]
async fn flow_status_and_error(
    world: &mut ConformanceWorld,
    status: FlowStatusParam,
    code: ApiErrorCodeParam,
) -> anyhow::Result<()> {
    flow_status(world, status).await?;
    let response = response(world)?;
    let error = response
        .get("error")
        .with_context(|| format!("expected error {}, got none in {response}", code.0))?;
    check_api_error(error, &code.0)
}

/// An envelope-A error object: the expected code with its message and description keys.
pub fn check_api_error(error: &Value, code: &ApiErrorCode) -> anyhow::Result<()> {
    let actual = error.get("code").and_then(Value::as_str);
    ensure!(
        actual == Some(code.as_str()),
        "expected error code {}, got {actual:?} in {error}",
        code.as_str()
    );
    for (field, key) in [
        ("message", code.message_key()),
        ("description", code.description_key()),
    ] {
        let actual = error.pointer(&format!("/{field}/key")).and_then(Value::as_str);
        ensure!(
            actual == Some(key),
            "error {}: expected {field}.key {key:?}, got {actual:?} in {error}",
            code.as_str()
        );
        ensure!(
            error
                .pointer(&format!("/{field}/defaultValue"))
                .and_then(Value::as_str)
                .is_some_and(|v| !v.is_empty()),
            "error {}: {field}.defaultValue is missing in {error}",
            code.as_str()
        );
    }
    Ok(())
}

#[then(expr = "the flow is refused with {int} and the error code {api_error_code}")]
async fn flow_refused(
    world: &mut ConformanceWorld,
    status: u16,
    code: ApiErrorCodeParam,
) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        last.status == status,
        "expected HTTP {status} with {}, got {}: {}",
        code.0.as_str(),
        last.status,
        last.body
    );
    ensure!(
        code.0.http_status() == status,
        "the protocol table gives {} the status {}, not {status}",
        code.0.as_str(),
        code.0.http_status()
    );
    let body = last.json()?;
    check_api_error(&body, &code.0)
}

#[then(expr = "the flow shows a {step_type} step")]
async fn flow_step(world: &mut ConformanceWorld, step_type: StepTypeParam) -> anyhow::Result<()> {
    flow_status(world, FlowStatusParam(FlowStatus::Incomplete)).await?;
    let response = response(world)?;
    let actual = response.get("type").and_then(Value::as_str);
    ensure!(
        actual == Some(step_type.0.as_str()),
        "expected a {} step, got {actual:?} in {response}",
        step_type.0
    );
    if step_type.0 == StepType::Redirection {
        ensure!(
            response.pointer("/data/redirectURL").is_some(),
            "a REDIRECTION step carries data.redirectURL: {response}"
        );
    }
    Ok(())
}

fn identifiers(response: &Value, list: &str, field: &str) -> Vec<String> {
    response
        .pointer(&format!("/data/{list}"))
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.get(field).and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn split_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[then(expr = "the flow asks for {string}")]
async fn asks_for(world: &mut ConformanceWorld, inputs: String) -> anyhow::Result<()> {
    let response = response(world)?;
    let actual = identifiers(response, "inputs", "identifier");
    let expected = split_list(&inputs);
    ensure!(
        actual == expected,
        "expected the inputs {expected:?}, got {actual:?} in {response}"
    );
    Ok(())
}

#[then(expr = "the flow offers the actions {string}")]
async fn offers_actions(world: &mut ConformanceWorld, actions: String) -> anyhow::Result<()> {
    let response = response(world)?;
    let actual = identifiers(response, "actions", "ref");
    let expected = split_list(&actions);
    ensure!(
        actual == expected,
        "expected the actions {expected:?}, got {actual:?} in {response}"
    );
    Ok(())
}

#[then("the flow offers no actions")]
async fn offers_no_actions(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let response = response(world)?;
    ensure!(
        response.pointer("/data/actions").is_none(),
        "expected no actions, got {response}"
    );
    Ok(())
}

#[then("the flow asks for the inputs:")]
async fn asks_for_table(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let table = step.table.as_ref().context("the step needs a table")?;
    let response = response(world)?;
    let inputs = response
        .pointer("/data/inputs")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let header = table.rows.first().context("the table needs a header row")?;
    ensure!(
        inputs.len() == table.rows.len() - 1,
        "expected {} inputs, got {}: {inputs:?}",
        table.rows.len() - 1,
        inputs.len()
    );
    for (row, input) in table.rows.iter().skip(1).zip(&inputs) {
        for (column, expected) in header.iter().zip(row) {
            let actual = match input.get(column) {
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            ensure!(
                &actual == expected,
                "input {}: expected {column} {expected:?}, got {actual:?}",
                input.get("identifier").unwrap_or(&Value::Null)
            );
        }
    }
    Ok(())
}

#[then("the flow has no error")]
async fn no_error(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let response = response(world)?;
    ensure!(
        response.get("error").is_none(),
        "expected no error, got {response}"
    );
    Ok(())
}

#[then("the response carries a fresh challenge token")]
async fn fresh_challenge(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let response = response(world)?;
    let token = response
        .get("challengeToken")
        .and_then(Value::as_str)
        .with_context(|| format!("no challengeToken in {response}"))?;
    ensure!(
        token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "a challenge token is 64 hex characters, got {:?}",
        jwt::shorten(token)
    );
    ensure!(
        !world.flow.stale_challenge_tokens.iter().any(|t| t == token),
        "the challenge token was not rotated"
    );
    Ok(())
}

#[then("the response carries no challenge token")]
async fn no_challenge(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let response = response(world)?;
    ensure!(
        response.get("challengeToken").is_none(),
        "expected no challengeToken, got {response}"
    );
    Ok(())
}

#[then("the response clears the SSO cookie")]
async fn clears_sso_cookie(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    use sha2::Digest as _;
    let app = catalog::current_application(world)?;
    let flow = world
        .fixtures
        .flows
        .iter()
        .find(|f| f.handle == app.auth_flow && f.flow_type == FlowType::Authentication)
        .with_context(|| format!("no authentication flow {}", app.auth_flow))?;
    // `tid_sso_` + the first 16 hex characters of SHA-256(the login flow's id).
    let digest = sha2::Sha256::digest(flow.id.as_str().as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let expected = format!("tid_sso_{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax", &hex[..16]);
    let actual = world.last()?.header("set-cookie");
    ensure!(
        actual == Some(expected.as_str()),
        "expected Set-Cookie {expected:?}, got {actual:?}"
    );
    Ok(())
}

#[then("the execution id is a UUIDv7")]
async fn execution_id_uuid_v7(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let id = world
        .flow
        .execution_id
        .as_deref()
        .context("no execution id")?;
    let uuid = url::Url::parse(&format!("urn:uuid:{id}")).ok();
    let version = id.split('-').nth(2).and_then(|group| group.chars().next());
    ensure!(
        uuid.is_some() && id.len() == 36 && version == Some('7'),
        "expected a UUIDv7, got {id:?}"
    );
    Ok(())
}

#[then(expr = "the flow completes with an assertion for {string}")]
async fn completes_with_assertion(
    world: &mut ConformanceWorld,
    username: String,
) -> anyhow::Result<()> {
    flow_status(world, FlowStatusParam(FlowStatus::Complete)).await?;
    let token = response(world)?
        .get("assertion")
        .and_then(Value::as_str)
        .context("COMPLETE without an assertion")?
        .to_owned();
    let verified = jwt::verify(world, &token).await?;
    ensure!(
        verified.typ() == Some("JWT"),
        "an assertion has typ JWT, got {:?}",
        verified.typ()
    );
    let user_id = catalog::user(world, &username)?.id.clone();
    let app_id = response(world)
        .ok()
        .and_then(|_| world.app.as_deref())
        .map(|name| catalog::application(world, name).map(|a| a.id.clone()))
        .transpose()?;
    jwt::expect_claim(&verified, "sub", &user_id)?;
    if let Some(app_id) = app_id {
        jwt::expect_claim(&verified, "aud", &app_id)?;
    }
    for claim in ["iat", "exp", "nbf", "jti"] {
        ensure!(
            verified.claim(claim).is_some(),
            "the assertion has no {claim}"
        );
    }
    Ok(())
}

#[then("the flow completes without an assertion")]
async fn completes_without_assertion(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    flow_status(world, FlowStatusParam(FlowStatus::Complete)).await?;
    let response = response(world)?;
    ensure!(
        response.get("assertion").is_none(),
        "expected no assertion, got {response}"
    );
    Ok(())
}

#[then("the assertion carries the claims:")]
async fn assertion_claims(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let token = world.flow.assertion.clone().context("no assertion yet")?;
    let verified = jwt::verify(world, &token).await?;
    check_claims_table(world, &verified, step)
}

#[then(expr = "the assertion has no claim {string}")]
async fn assertion_lacks_claim(world: &mut ConformanceWorld, claim: String) -> anyhow::Result<()> {
    let token = world.flow.assertion.clone().context("no assertion yet")?;
    let verified = jwt::verify(world, &token).await?;
    ensure!(
        verified.claim(&claim).is_none(),
        "expected no {claim} claim, got {}",
        verified.claim(&claim).unwrap_or(&Value::Null)
    );
    Ok(())
}

/// Check every `| claim | value |` row of the step's table against verified claims.
pub fn check_claims_table(
    world: &ConformanceWorld,
    verified: &jwt::Verified,
    step: &Step,
) -> anyhow::Result<()> {
    let table = step.table.as_ref().context("the step needs a table")?;
    for row in &table.rows {
        let [claim, value] = row.as_slice() else {
            bail!("each row needs exactly two cells: claim | value");
        };
        jwt::expect_claim(verified, claim, &catalog::resolve(world, value)?)?;
    }
    Ok(())
}

#[then(expr = "the assertion records the authenticators {string}")]
async fn assertion_authenticators(
    world: &mut ConformanceWorld,
    names: String,
) -> anyhow::Result<()> {
    let token = world.flow.assertion.clone().context("no assertion yet")?;
    let verified = jwt::verify(world, &token).await?;
    let actual: Vec<String> = verified
        .claim("assurance")
        .and_then(|a| a.get("authenticators"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|a| a.get("authenticator").and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let expected = split_list(&names);
    ensure!(
        actual == expected,
        "expected the authenticators {expected:?}, got {actual:?}"
    );
    Ok(())
}

#[then(expr = "the flow data has {string} set to {string}")]
async fn additional_data(
    world: &mut ConformanceWorld,
    key: String,
    value: String,
) -> anyhow::Result<()> {
    let response = response(world)?;
    let actual = response
        .pointer(&format!("/data/additionalData/{key}"))
        .and_then(Value::as_str);
    ensure!(
        actual == Some(value.as_str()),
        "expected data.additionalData.{key} {value:?}, got {actual:?} in {response}"
    );
    Ok(())
}

#[then("the flow data carries UI components")]
async fn has_meta(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let response = response(world)?;
    let components = response
        .pointer("/data/meta/components")
        .and_then(Value::as_array);
    ensure!(
        components.is_some_and(|c| !c.is_empty()),
        "expected data.meta.components, got {response}"
    );
    Ok(())
}

#[then("the flow data carries no UI components")]
async fn has_no_meta(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let response = response(world)?;
    ensure!(
        response.pointer("/data/meta").is_none(),
        "expected no data.meta, got {response}"
    );
    Ok(())
}

#[then(expr = "the flow reports the field error {string} for {string}")]
async fn field_error(
    world: &mut ConformanceWorld,
    message: String,
    identifier: String,
) -> anyhow::Result<()> {
    let response = response(world)?;
    let errors = response
        .pointer("/data/fieldErrors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let found = errors.iter().any(|e| {
        e.get("identifier").and_then(Value::as_str) == Some(identifier.as_str())
            && e.get("message").and_then(Value::as_str) == Some(message.as_str())
    });
    ensure!(
        found,
        "expected the field error {message:?} for {identifier}, got {errors:?}"
    );
    Ok(())
}

#[then(expr = "the response carries an error assertion of type {string}")]
async fn error_assertion(world: &mut ConformanceWorld, error_type: String) -> anyhow::Result<()> {
    let token = world
        .flow
        .error_assertion
        .clone()
        .context("no errorAssertion was received")?;
    let verified = jwt::verify(world, &token).await?;
    jwt::expect_claim(&verified, "flow_error_type", &error_type)?;
    ensure!(
        verified.claim("sub").is_none(),
        "an error assertion has no sub"
    );
    let auth_id = world.oauth.auth_id.clone().context("no authId")?;
    jwt::expect_claim(&verified, "authorization_request_id", &auth_id)
}

#[then("the response carries no error assertion")]
async fn no_error_assertion(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    ensure!(
        body.get("errorAssertion").is_none(),
        "expected no errorAssertion, got {body}"
    );
    Ok(())
}

#[then("the flow error names its parameter:")]
async fn error_params(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let response = response(world)?;
    let params = response
        .pointer("/error/message/params")
        .and_then(Value::as_object)
        .with_context(|| format!("no error.message.params in {response}"))?;
    let table = step.table.as_ref().context("the step needs a table")?;
    for row in &table.rows {
        let [name, value] = row.as_slice() else {
            bail!("each row needs exactly two cells: param | value");
        };
        let actual = params.get(name).and_then(Value::as_str);
        ensure!(
            actual == Some(value.as_str()),
            "param {name}: expected {value:?}, got {actual:?}"
        );
    }
    Ok(())
}
