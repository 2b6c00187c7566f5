//! Generic HTTP steps: send a request, check status, headers, bodies and error codes.

use anyhow::{Context, ensure};
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use serde_json::Value;

use crate::catalog;
use crate::world::ConformanceWorld;

#[given("the server is running")]
async fn server_is_running(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let url = world.url("/health/liveness");
    let status = world.send(world.http.get(url)).await?.status;
    ensure!(status == 200, "liveness answered {status}");
    Ok(())
}

#[when(expr = "the client sends {word} {string}")]
async fn client_sends(
    world: &mut ConformanceWorld,
    method: String,
    path: String,
) -> anyhow::Result<()> {
    let method = reqwest::Method::from_bytes(method.as_bytes()).context("an HTTP method")?;
    let url = world.url(&catalog::resolve(world, &path)?);
    world.send(world.http.request(method, url)).await?;
    Ok(())
}

#[when(expr = "the client sends {word} {string} with the JSON body:")]
async fn client_sends_json(
    world: &mut ConformanceWorld,
    method: String,
    path: String,
    step: &Step,
) -> anyhow::Result<()> {
    let method = reqwest::Method::from_bytes(method.as_bytes()).context("an HTTP method")?;
    let body = step
        .docstring
        .as_deref()
        .context("the step needs a doc string")?;
    let url = world.url(&path);
    let request = world
        .http
        .request(method, url)
        .header("content-type", "application/json")
        .body(body.to_owned());
    world.send(request).await?;
    Ok(())
}

#[when(expr = "the client sends {word} {string} with the form {string}")]
async fn client_sends_form(
    world: &mut ConformanceWorld,
    method: String,
    path: String,
    form: String,
) -> anyhow::Result<()> {
    let method = reqwest::Method::from_bytes(method.as_bytes()).context("an HTTP method")?;
    let request = world
        .http
        .request(method, world.url(&path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form);
    world.send(request).await?;
    Ok(())
}

#[then(expr = "the response status is {int}")]
async fn response_status(world: &mut ConformanceWorld, status: u16) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        last.status == status,
        "expected status {status}, got {} with body {}",
        last.status,
        last.body
    );
    Ok(())
}

#[then(expr = "the response header {string} is {string}")]
async fn response_header(
    world: &mut ConformanceWorld,
    name: String,
    value: String,
) -> anyhow::Result<()> {
    let actual = world.last()?.header(&name);
    ensure!(
        actual == Some(value.as_str()),
        "header {name}: expected {value:?}, got {actual:?}"
    );
    Ok(())
}

#[then(expr = "the response has no header {string}")]
async fn response_lacks_header(world: &mut ConformanceWorld, name: String) -> anyhow::Result<()> {
    let actual = world.last()?.header(&name);
    ensure!(
        actual.is_none(),
        "header {name} should be absent, got {actual:?}"
    );
    Ok(())
}

#[then("the response body is empty")]
async fn response_body_empty(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let body = &world.last()?.body;
    ensure!(body.is_empty(), "expected an empty body, got {body}");
    Ok(())
}

/// The step's doc string as JSON, with `${…}` placeholders resolved.
fn expected_json(world: &ConformanceWorld, step: &Step) -> anyhow::Result<Value> {
    let text = step
        .docstring
        .as_deref()
        .context("the step needs a doc string")?;
    serde_json::from_str(&catalog::resolve(world, text)?).context("the expected body is JSON")
}

#[then("the response body is the JSON:")]
async fn response_body_json(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let expected = expected_json(world, step)?;
    let actual = world.last()?.json()?;
    ensure!(
        actual == expected,
        "body mismatch\nexpected: {expected:#}\nactual:   {actual:#}"
    );
    Ok(())
}

#[then("the response body includes the JSON:")]
async fn response_body_includes(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let expected = expected_json(world, step)?;
    let actual = world.last()?.json()?;
    ensure!(
        includes(&actual, &expected),
        "the body does not include the expected members\nexpected: {expected:#}\nactual:   {actual:#}"
    );
    Ok(())
}

/// Every member of `expected` is in `actual` with an equal value (objects recursively; arrays and
/// scalars exactly).
fn includes(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(actual), Value::Object(expected)) => expected
            .iter()
            .all(|(k, v)| actual.get(k).is_some_and(|a| includes(a, v))),
        _ => actual == expected,
    }
}

#[then(expr = "the response body has no {string}")]
async fn response_body_lacks(world: &mut ConformanceWorld, member: String) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    ensure!(
        body.get(&member).is_none(),
        "expected no {member} in {body}"
    );
    Ok(())
}

#[then(expr = "the response header {string} starts with {string}")]
async fn response_header_prefix(
    world: &mut ConformanceWorld,
    name: String,
    prefix: String,
) -> anyhow::Result<()> {
    let prefix = catalog::resolve(world, &prefix)?;
    let actual = world.last()?.header(&name);
    ensure!(
        actual.is_some_and(|v| v.starts_with(&prefix)),
        "header {name}: expected it to start with {prefix:?}, got {actual:?}"
    );
    Ok(())
}

#[then(expr = "the error code is {string}")]
async fn error_code(world: &mut ConformanceWorld, code: String) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let actual = body
        .pointer("/code")
        .or_else(|| body.pointer("/error/code"))
        .and_then(Value::as_str);
    ensure!(
        actual == Some(code.as_str()),
        "expected error code {code}, got {actual:?} in {body}"
    );
    Ok(())
}

#[then(expr = "the OAuth error is {string}")]
async fn oauth_error(world: &mut ConformanceWorld, error: String) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let actual = body.get("error").and_then(Value::as_str);
    ensure!(
        actual == Some(error.as_str()),
        "expected OAuth error {error}, got {actual:?} in {body}"
    );
    Ok(())
}

#[then(expr = "the OAuth error is {string} with the description {string}")]
async fn oauth_error_with_description(
    world: &mut ConformanceWorld,
    error: String,
    description: String,
) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let expected = serde_json::json!({"error": error, "error_description": description});
    ensure!(body == expected, "expected {expected}, got {body}");
    Ok(())
}
