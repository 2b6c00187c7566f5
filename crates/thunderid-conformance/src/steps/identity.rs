//! Identity and access control: permissions granted through roles (set up the way an administrator
//! would, over the management API, so the steps work against a real server too), values kept from
//! responses, and AuthZEN calls with the direct-auth secret.

use anyhow::{Context, ensure};
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use serde_json::{Value, json};

use super::authn::{direct_auth_secret, post_with_secret};
use super::flow::{SYSTEM_RESOURCE_SERVER, assertion_for};
use super::organizations::CALLER;
use super::token::{ClientAuth, token_request};
use crate::catalog;
use crate::world::ConformanceWorld;

/// The bootstrap System resource server's id.
const SYSTEM_SERVER_ID: &str = "01900000-0000-7000-8000-000000000020";
/// The bundled (and bootstrap) default organization unit.
const DEFAULT_OU: &str = "01900000-0000-7000-8000-000000000001";

/// One management call as the administrator: the status and the JSON body.
async fn admin_call(
    world: &mut ConformanceWorld,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> anyhow::Result<(u16, Value)> {
    let mut request = world
        .http
        .request(method, world.url(path))
        .header("authorization", format!("Bearer {token}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

/// Make `permission` (`system:a:b`) exist on the System resource server: `system` is its resource,
/// the middle segments nested resources, the last an action. Returns nothing; each piece is
/// created only when missing.
async fn ensure_system_permission(
    world: &mut ConformanceWorld,
    admin: &str,
    permission: &str,
) -> anyhow::Result<()> {
    let segments: Vec<&str> = permission.split(':').collect();
    ensure!(
        segments.first() == Some(&"system"),
        "permissions are made on the System resource server: start with system"
    );
    if segments.len() == 1 {
        return Ok(());
    }
    let base = format!("/resource-servers/{SYSTEM_SERVER_ID}");
    let (_, top) = admin_call(
        world,
        admin,
        reqwest::Method::GET,
        &format!("{base}/resources"),
        None,
    )
    .await?;
    let mut parent = find_handle(&top["resources"], "system")
        .context("the System resource server has no `system` resource")?;
    for handle in &segments[1..segments.len() - 1] {
        let path = format!("{base}/resources?parentId={parent}");
        let (_, children) = admin_call(world, admin, reqwest::Method::GET, &path, None).await?;
        parent = match find_handle(&children["resources"], handle) {
            Some(id) => id,
            None => {
                let body = json!({"name": handle, "handle": handle, "parent": parent});
                let (status, created) = admin_call(
                    world,
                    admin,
                    reqwest::Method::POST,
                    &format!("{base}/resources"),
                    Some(body),
                )
                .await?;
                ensure!(
                    status == 201,
                    "creating resource {handle}: {status} {created}"
                );
                created["id"].as_str().unwrap_or_default().to_owned()
            }
        };
    }
    let action = segments[segments.len() - 1];
    let path = format!("{base}/resources/{parent}/actions");
    let (_, actions) = admin_call(world, admin, reqwest::Method::GET, &path, None).await?;
    if find_handle(&actions["actions"], action).is_none() {
        let body = json!({"name": action, "handle": action});
        let (status, created) =
            admin_call(world, admin, reqwest::Method::POST, &path, Some(body)).await?;
        ensure!(
            status == 201,
            "creating action {action}: {status} {created}"
        );
    }
    Ok(())
}

fn find_handle(list: &Value, handle: &str) -> Option<String> {
    list.as_array()?
        .iter()
        .find(|item| item["handle"] == handle)
        .and_then(|item| item["id"].as_str())
        .map(str::to_owned)
}

/// Give `assignee` (`{"id", "type"}`) a new role holding `permission` on the System resource server.
async fn grant(
    world: &mut ConformanceWorld,
    permission: &str,
    assignee: Value,
) -> anyhow::Result<()> {
    let admin = assertion_for(world, "admin").await?;
    ensure_system_permission(world, &admin, permission).await?;
    let body = json!({
        "name": format!("holds {permission} ({})", assignee["id"].as_str().unwrap_or_default()),
        "ouId": DEFAULT_OU,
        "permissions": [{"resourceServerId": SYSTEM_SERVER_ID, "permissions": [permission]}],
        "assignments": [assignee],
    });
    let (status, created) =
        admin_call(world, &admin, reqwest::Method::POST, "/roles", Some(body)).await?;
    ensure!(status == 201, "creating the role: {status} {created}");
    Ok(())
}

#[given(expr = "the caller is a machine client holding {string}")]
async fn machine(world: &mut ConformanceWorld, permission: String) -> anyhow::Result<()> {
    let app_id = catalog::application(world, "sample-m2m")?.id.clone();
    grant(world, &permission, json!({"id": app_id, "type": "app"})).await?;
    let params = [
        ("grant_type".to_owned(), "client_credentials".to_owned()),
        ("scope".to_owned(), permission.clone()),
        ("resource".to_owned(), SYSTEM_RESOURCE_SERVER.to_owned()),
    ];
    token_request(world, &ClientAuth::Registered("sample-m2m".into()), &params).await?;
    let token = world
        .oauth
        .tokens
        .as_ref()
        .and_then(|t| t.access_token.clone())
        .context("the machine client got no token")?;
    ensure!(
        world.last()?.json()?["scope"] == permission.as_str(),
        "the machine client was not granted {permission}: {}",
        world.last()?.body
    );
    world.vars.insert(CALLER.into(), token);
    Ok(())
}

#[given(expr = "{string} is given a role holding {string}")]
async fn user_role(
    world: &mut ConformanceWorld,
    username: String,
    permission: String,
) -> anyhow::Result<()> {
    let user_id = catalog::user(world, &username)?.id.clone();
    grant(world, &permission, json!({"id": user_id, "type": "user"})).await
}

#[given(expr = "the caller is {string} signed in to {string} asking for {string}")]
async fn user_caller(
    world: &mut ConformanceWorld,
    username: String,
    app: String,
    permissions: String,
) -> anyhow::Result<()> {
    user_caller_on(
        world,
        username,
        app,
        permissions,
        SYSTEM_RESOURCE_SERVER.to_owned(),
    )
    .await
}

#[given(expr = "the caller is {string} signed in to {string} asking for {string} on {string}")]
async fn user_caller_on(
    world: &mut ConformanceWorld,
    username: String,
    app: String,
    permissions: String,
    identifier: String,
) -> anyhow::Result<()> {
    let saved = world.app.replace(app.clone());
    let token = super::flow::assertion_with(world, &username, &permissions, &identifier).await;
    world.app = saved;
    world.vars.insert(CALLER.into(), token?);
    Ok(())
}

#[given("the caller holds the access token")]
async fn caller_holds_access_token(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let token = world
        .oauth
        .tokens
        .as_ref()
        .and_then(|t| t.access_token.clone())
        .context("no access token yet")?;
    world.vars.insert(CALLER.into(), token);
    Ok(())
}

#[given(expr = "the response member {string} is kept as {string}")]
#[when(expr = "the response member {string} is kept as {string}")]
#[then(expr = "the response member {string} is kept as {string}")]
async fn keep_member(
    world: &mut ConformanceWorld,
    path: String,
    name: String,
) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let value = path
        .split('.')
        .try_fold(&body, |value, segment| match segment.parse::<usize>() {
            Ok(index) => value.get(index),
            Err(_) => value.get(segment),
        })
        .with_context(|| format!("the response has no {path}: {body}"))?;
    let text = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    world.vars.insert(name, text);
    Ok(())
}

#[when(expr = "the policy enforcement point asks {string} with:")]
async fn ask_authzen(
    world: &mut ConformanceWorld,
    path: String,
    step: &Step,
) -> anyhow::Result<()> {
    post_with_secret(world, &path, Some(direct_auth_secret()), step).await
}

#[when(expr = "a caller without the direct-auth secret asks {string} with:")]
async fn ask_authzen_without_secret(
    world: &mut ConformanceWorld,
    path: String,
    step: &Step,
) -> anyhow::Result<()> {
    post_with_secret(world, &path, None, step).await
}

#[when(expr = "a caller with the wrong direct-auth secret asks {string} with:")]
async fn ask_authzen_wrong_secret(
    world: &mut ConformanceWorld,
    path: String,
    step: &Step,
) -> anyhow::Result<()> {
    post_with_secret(world, &path, Some("not-the-secret".to_owned()), step).await
}

#[given(expr = "the user {string} has the password {string}")]
async fn knows_password(
    world: &mut ConformanceWorld,
    username: String,
    password: String,
) -> anyhow::Result<()> {
    world.passwords.insert(username, password);
    Ok(())
}

#[when(expr = "the machine client {string} with the secret {string} asks for a token")]
async fn machine_client_token(
    world: &mut ConformanceWorld,
    client_id: String,
    secret: String,
) -> anyhow::Result<()> {
    let secret = catalog::resolve(world, &secret)?;
    let params = [("grant_type".to_owned(), "client_credentials".to_owned())];
    token_request(world, &ClientAuth::Basic(client_id, secret), &params).await
}

async fn import(
    world: &mut ConformanceWorld,
    variables: &str,
    dry_run: bool,
    options: Value,
    step: &Step,
) -> anyhow::Result<()> {
    let content = step
        .docstring
        .as_deref()
        .context("the step needs the documents as a doc string")?;
    // Gherkin keeps the line break after the opening delimiter; the documents start after it.
    let content = content.strip_prefix('\n').unwrap_or(content);
    // `${var.<name>}` placeholders (ids captured earlier); Go template actions are left alone.
    let content = &crate::catalog::resolve(world, content)?;
    let variables: Value =
        serde_json::from_str(variables).context("the variables are a JSON object")?;
    let body = json!({"content": content, "variables": variables, "dryRun": dry_run,
                      "options": options});
    let mut request = world.http.post(world.url("/import")).json(&body);
    if let Some(token) = world.vars.get(CALLER) {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    world.send(request).await?;
    Ok(())
}

#[when(expr = "the caller imports with the variables {string}:")]
async fn imports(
    world: &mut ConformanceWorld,
    variables: String,
    step: &Step,
) -> anyhow::Result<()> {
    import(world, &variables, false, json!({"upsert": true}), step).await
}

#[when(expr = "the caller imports with the options {string}:")]
async fn imports_with_options(
    world: &mut ConformanceWorld,
    options: String,
    step: &Step,
) -> anyhow::Result<()> {
    let options: Value = serde_json::from_str(&options).context("the options are a JSON object")?;
    import(world, "{}", false, options, step).await
}

#[when(expr = "the caller imports as a dry run with the variables {string}:")]
async fn imports_dry(
    world: &mut ConformanceWorld,
    variables: String,
    step: &Step,
) -> anyhow::Result<()> {
    import(world, &variables, true, json!({"upsert": true}), step).await
}

/// The last export's body, kept for a later import.
const EXPORTED: &str = "exported";

#[when("the caller exports:")]
async fn exports(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let body = step
        .docstring
        .as_deref()
        .context("the step needs the request as a doc string")?;
    // Taken as it is: a naming pattern's `${name}` is no suite placeholder.
    let mut request = world
        .http
        .post(world.url("/export"))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(token) = world.vars.get(CALLER) {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let exchange = world.send(request).await?;
    let kept = exchange.body.clone();
    world.vars.insert(EXPORTED.to_owned(), kept);
    Ok(())
}

/// Import what the last export wrote, its `.env` lines as the variables (an array variable's
/// value is JSON), as the export's reader would.
#[when("the caller imports what it exported")]
async fn imports_the_export(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let exported: Value =
        serde_json::from_str(world.vars.get(EXPORTED).context("nothing was exported")?)
            .context("the export answered JSON")?;
    let content = exported["resources"].as_str().context("no resources")?;
    let mut variables = serde_json::Map::new();
    for line in exported["environment_variables"]
        .as_str()
        .unwrap_or_default()
        .lines()
    {
        let (name, value) = line.split_once('=').context("a NAME=value line")?;
        let value = serde_json::from_str::<Vec<String>>(value)
            .map_or_else(|_| Value::from(value), Value::from);
        variables.insert(name.to_owned(), value);
    }
    let body = json!({"content": content, "variables": variables});
    let mut request = world.http.post(world.url("/import")).json(&body);
    if let Some(token) = world.vars.get(CALLER) {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    world.send(request).await?;
    Ok(())
}
