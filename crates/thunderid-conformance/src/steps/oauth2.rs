//! Redirect sign-in steps: the authorization endpoint, the sign-in page's flow, the auth callback,
//! and RP-initiated logout. Token endpoint steps are in `token.rs`.

use anyhow::{Context, bail, ensure};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use rand::RngCore as _;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use thunderid_protocol::OAuthErrorCode;

use super::flow::{self, Challenge};
use crate::catalog;
use crate::params::OAuthErrorParam;
use crate::world::ConformanceWorld;

mod logout;
mod par;

/// A table cell that removes a default parameter.
pub const ABSENT: &str = "(absent)";

/// 32 random bytes, base64url: a state, a nonce or a PKCE verifier (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// RFC 7636 S256.
pub fn code_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The query parameters of a URL, in order.
pub fn query(url: &url::Url) -> Vec<(String, String)> {
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// One query parameter of a URL.
pub fn query_param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Send the browser to `/oauth2/authorize` as an SDK does: code flow, PKCE S256, state and nonce,
/// the app's registered redirect URI; `overrides` replace (or, with `(absent)`, drop) defaults.
pub async fn authorize(
    world: &mut ConformanceWorld,
    overrides: &[(String, String)],
) -> anyhow::Result<()> {
    let params = authorization_parameters(world, overrides)?;
    let mut url = url::Url::parse(&world.url("/oauth2/authorize"))?;
    url.query_pairs_mut().extend_pairs(params.iter());
    to_sign_in_page(world, url).await
}

/// Send the browser to `url` (an authorize URL) and pick the request up from the sign-in page's
/// URL, as the gate does.
pub async fn to_sign_in_page(world: &mut ConformanceWorld, url: url::Url) -> anyhow::Result<()> {
    let exchange = world.send(world.http.get(url.as_str())).await?.clone();
    // The sign-in page picks the request and its execution up from its URL.
    if let Ok(location) = exchange.location()
        && location.path() == "/gate/signin"
    {
        world.oauth.auth_id = query_param(&location, "authId");
        world.flow.execution_id = query_param(&location, "executionId");
    }
    Ok(())
}

/// The parameters of an SDK's authorization request (module docs of [`authorize`]), remembered in
/// the scenario's OAuth session (state, nonce, redirect URI, PKCE verifier).
pub fn authorization_parameters(
    world: &mut ConformanceWorld,
    overrides: &[(String, String)],
) -> anyhow::Result<Vec<(String, String)>> {
    let app = catalog::current_application(world)?;
    let oauth = catalog::oauth(app)?;
    let verifier = random_token();
    let defaults = [
        ("response_type", "code".to_owned()),
        ("client_id", oauth.client_id.clone()),
        (
            "redirect_uri",
            oauth.redirect_uris.first().cloned().unwrap_or_default(),
        ),
        ("scope", "openid profile email".to_owned()),
        ("state", random_token()),
        ("nonce", random_token()),
        ("code_challenge", code_challenge(&verifier)),
        ("code_challenge_method", "S256".to_owned()),
    ];
    let mut params: Vec<(String, String)> = defaults
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    for (name, value) in overrides {
        let value = catalog::resolve(world, value)?;
        match params.iter().position(|(k, _)| k == name) {
            Some(i) if value == ABSENT => {
                params.remove(i);
            }
            Some(i) => params[i].1 = value,
            None if value == ABSENT => {}
            None => params.push((name.clone(), value)),
        }
    }
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    world.oauth = Default::default();
    world.flow = Default::default();
    world.oauth.state = get("state");
    world.oauth.nonce = get("nonce");
    world.oauth.redirect_uri = get("redirect_uri");
    world.oauth.code_verifier = get("code_challenge").map(|_| verifier);
    world.oauth.authorize_params = params.clone();
    Ok(params)
}

pub fn table_pairs(step: &Step) -> anyhow::Result<Vec<(String, String)>> {
    let table = step.table.as_ref().context("the step needs a table")?;
    table
        .rows
        .iter()
        .map(|row| match row.as_slice() {
            [name, value] => Ok((name.clone(), value.clone())),
            _ => bail!("each row needs exactly two cells: name | value"),
        })
        .collect()
}

#[given("the app sends the user to sign in")]
#[when("the app sends the user to sign in")]
async fn sends_to_sign_in(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    authorize(world, &[]).await
}

#[when("the app sends the user to sign in with:")]
async fn sends_to_sign_in_with(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let overrides = table_pairs(step)?;
    authorize(world, &overrides).await
}

#[then(expr = "the sign-in page URL carries {string} {string}")]
async fn sign_in_url_carries(
    world: &mut ConformanceWorld,
    name: String,
    value: String,
) -> anyhow::Result<()> {
    let location = world.last()?.location()?;
    let actual = query_param(&location, &name);
    ensure!(
        actual.as_deref() == Some(value.as_str()),
        "{name}: expected {value:?} in {location}"
    );
    Ok(())
}

#[then(expr = "the sign-in page URL has no {string}")]
async fn sign_in_url_lacks(world: &mut ConformanceWorld, name: String) -> anyhow::Result<()> {
    let location = world.last()?.location()?;
    ensure!(
        query_param(&location, &name).is_none(),
        "unexpected {name} in {location}"
    );
    Ok(())
}

/// Check the redirect to the gate's sign-in page and pick up `authId` and `executionId`.
pub fn expect_sign_in_page(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        last.status == 302,
        "expected a 302 to the sign-in page, got {}: {}",
        last.status,
        last.body
    );
    let location = last.location()?;
    let expected = world.url("/gate/signin");
    let actual = format!(
        "{}{}",
        location.origin().ascii_serialization(),
        location.path()
    );
    ensure!(
        actual == expected,
        "expected the sign-in page {expected}, got {location}"
    );
    let app_id = catalog::current_application(world)?.id.clone();
    let application_id = query_param(&location, "applicationId");
    ensure!(
        application_id.as_deref() == Some(app_id.as_str()),
        "expected applicationId {app_id}, got {application_id:?} in {location}"
    );
    let auth_id = query_param(&location, "authId").context("no authId in the sign-in URL")?;
    let execution_id =
        query_param(&location, "executionId").context("no executionId in the sign-in URL")?;
    world.oauth.auth_id = Some(auth_id);
    world.flow.execution_id = Some(execution_id);
    Ok(())
}

#[then("the browser is sent to the sign-in page")]
async fn sent_to_sign_in_page(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    expect_sign_in_page(world)
}

/// A redirect whose target starts with `prefix`, with its query.
fn redirect_to(world: &ConformanceWorld, prefix: &str) -> anyhow::Result<url::Url> {
    let last = world.last()?;
    ensure!(
        last.status == 302,
        "expected a 302 redirect, got {}: {}",
        last.status,
        last.body
    );
    let location = last.location()?;
    ensure!(
        location.as_str().starts_with(prefix),
        "expected a redirect to {prefix}, got {location}"
    );
    Ok(location)
}

/// The gate's error page carries exactly `errorCode` and `errorMessage` (and `state` if given).
fn expect_gate_error(
    location: &url::Url,
    error: &OAuthErrorCode,
    message: &str,
) -> anyhow::Result<()> {
    let code = query_param(location, "errorCode");
    let text = query_param(location, "errorMessage");
    ensure!(
        code.as_deref() == Some(error.as_str()) && text.as_deref() == Some(message),
        "expected the error page with {} {message:?}, got errorCode {code:?} errorMessage {text:?} ({location})",
        error.as_str()
    );
    Ok(())
}

#[then(expr = "the browser is sent to the error page with {oauth_error} and {string}")]
async fn sent_to_error_page(
    world: &mut ConformanceWorld,
    error: OAuthErrorParam,
    message: String,
) -> anyhow::Result<()> {
    let location = redirect_to(world, &world.url("/gate/error"))?;
    expect_gate_error(&location, &error.0, &message)
}

/// The client's redirect URI carries `error`, `error_description`, `iss` and our `state`.
fn expect_client_error(
    world: &ConformanceWorld,
    location: &url::Url,
    error: &OAuthErrorCode,
    description: &str,
) -> anyhow::Result<()> {
    let actual = (
        query_param(location, "error"),
        query_param(location, "error_description"),
    );
    ensure!(
        actual.0.as_deref() == Some(error.as_str()) && actual.1.as_deref() == Some(description),
        "expected {} {description:?} at the app, got error {:?} error_description {:?} ({location})",
        error.as_str(),
        actual.0,
        actual.1
    );
    let iss = query_param(location, "iss");
    ensure!(
        iss == Some(world.issuer()),
        "expected iss {} on the error redirect, got {iss:?}",
        world.issuer()
    );
    let state = query_param(location, "state");
    ensure!(
        state == world.oauth.state,
        "expected the app's state back, got {state:?}"
    );
    Ok(())
}

#[then(expr = "the browser is sent back to the app with {oauth_error} and {string}")]
async fn sent_back_with_error(
    world: &mut ConformanceWorld,
    error: OAuthErrorParam,
    description: String,
) -> anyhow::Result<()> {
    let redirect_uri = world
        .oauth
        .redirect_uri
        .clone()
        .context("no redirect_uri was sent")?;
    let location = redirect_to(world, &redirect_uri)?;
    expect_client_error(world, &location, &error.0, &description)
}

#[when("the sign-in page loads the flow")]
async fn sign_in_page_loads(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    flow::continue_flow(world, None, None, Challenge::Missing).await
}

#[given("the user opens the sign-in page")]
#[when("the user opens the sign-in page")]
async fn opens_sign_in_page(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    authorize(world, &[]).await?;
    expect_sign_in_page(world)?;
    flow::continue_flow(world, None, None, Challenge::Missing).await
}

#[given("the user opens the sign-in page with:")]
#[when("the user opens the sign-in page with:")]
async fn opens_sign_in_page_with(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let overrides = table_pairs(step)?;
    authorize(world, &overrides).await?;
    expect_sign_in_page(world)?;
    flow::continue_flow(world, None, None, Challenge::Missing).await
}

/// `POST /oauth2/auth/callback {authId, assertion}`; keeps where the browser goes next.
pub async fn callback(
    world: &mut ConformanceWorld,
    auth_id: &str,
    assertion: &str,
) -> anyhow::Result<()> {
    let body = json!({ "authId": auth_id, "assertion": assertion });
    let request = world
        .http
        .post(world.url("/oauth2/auth/callback"))
        .header("content-type", "application/json")
        .body(body.to_string());
    let exchange = world.send(request).await?.clone();
    if exchange.status != 200 {
        return Ok(());
    }
    let json = exchange.json()?;
    let uri = json
        .get("redirect_uri")
        .and_then(Value::as_str)
        .with_context(|| format!("the callback answered without redirect_uri: {json}"))?;
    let url = url::Url::parse(uri).with_context(|| format!("redirect_uri {uri:?} is not a URL"))?;
    world.oauth.code = query_param(&url, "code");
    world.oauth.client_redirect = Some(url);
    Ok(())
}

#[when("the sign-in page hands the assertion to the server")]
async fn hands_assertion(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let auth_id = world.oauth.auth_id.clone().context("no authId")?;
    let assertion = world.flow.assertion.clone().context("no assertion")?;
    callback(world, &auth_id, &assertion).await
}

#[when("the sign-in page hands the error assertion to the server")]
async fn hands_error_assertion(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let auth_id = world.oauth.auth_id.clone().context("no authId")?;
    let assertion = world
        .flow
        .error_assertion
        .clone()
        .context("no error assertion")?;
    callback(world, &auth_id, &assertion).await
}

#[when(expr = "the sign-in page hands the server the authId {string} and the assertion")]
async fn hands_assertion_for(world: &mut ConformanceWorld, auth_id: String) -> anyhow::Result<()> {
    let assertion = world.flow.assertion.clone().context("no assertion")?;
    callback(world, &auth_id, &assertion).await
}

#[when(expr = "the sign-in page hands the server an app-native assertion for {string}")]
async fn hands_foreign_assertion(world: &mut ConformanceWorld, user: String) -> anyhow::Result<()> {
    let auth_id = world.oauth.auth_id.clone().context("no authId")?;
    let assertion = flow::assertion_for(world, &user).await?;
    callback(world, &auth_id, &assertion).await
}

#[when("the sign-in page hands the server a tampered assertion")]
async fn hands_tampered(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let auth_id = world.oauth.auth_id.clone().context("no authId")?;
    let assertion = world.flow.assertion.clone().context("no assertion")?;
    callback(world, &auth_id, &tamper(&assertion)).await
}

/// Change one character in the middle of a JWT's signature: still well-formed base64url (the last
/// character may carry padding bits, so it is left alone), but no longer the server's signature.
pub fn tamper(token: &str) -> String {
    let mut tampered = token.to_owned();
    if let Some(dot) = token.rfind('.') {
        let i = dot + 1 + (token.len() - dot - 1) / 2;
        if i < token.len() - 1 {
            let replacement = if token.as_bytes()[i] == b'x' {
                "y"
            } else {
                "x"
            };
            tampered.replace_range(i..=i, replacement);
        }
    }
    tampered
}

#[then("the app receives an authorization code")]
async fn receives_code(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let url = world.oauth.client_redirect.clone().with_context(|| {
        format!(
            "the callback gave no redirect: {}",
            world.last.as_ref().map_or("", |l| l.body.as_str())
        )
    })?;
    let redirect_uri = world
        .oauth
        .redirect_uri
        .clone()
        .context("no redirect_uri")?;
    ensure!(
        url.as_str().starts_with(&redirect_uri),
        "expected a redirect to {redirect_uri}, got {url}"
    );
    let code = world
        .oauth
        .code
        .clone()
        .with_context(|| format!("no code in {url}"))?;
    ensure!(
        code.len() == 27
            && code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "a code is 20 random bytes in base64url (27 characters), got {code:?}"
    );
    let iss = query_param(&url, "iss");
    ensure!(
        iss == Some(world.issuer()),
        "expected iss {} (RFC 9207), got {iss:?}",
        world.issuer()
    );
    let state = query_param(&url, "state");
    ensure!(
        state == world.oauth.state,
        "expected the app's state back, got {state:?}"
    );
    Ok(())
}

#[then(expr = "the app receives the error {oauth_error} with the description {string}")]
async fn receives_error(
    world: &mut ConformanceWorld,
    error: OAuthErrorParam,
    description: String,
) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        last.status == 200,
        "the callback answers 200 even for failures, got {}: {}",
        last.status,
        last.body
    );
    let url = world
        .oauth
        .client_redirect
        .clone()
        .context("the callback gave no redirect")?;
    let redirect_uri = world
        .oauth
        .redirect_uri
        .clone()
        .context("no redirect_uri")?;
    ensure!(
        url.as_str().starts_with(&redirect_uri),
        "expected a redirect to the app ({redirect_uri}), got {url}"
    );
    expect_client_error(world, &url, &error.0, &description)
}

#[then(expr = "the callback sends the browser to the error page with {oauth_error} and {string}")]
async fn callback_to_error_page(
    world: &mut ConformanceWorld,
    error: OAuthErrorParam,
    message: String,
) -> anyhow::Result<()> {
    let url = world
        .oauth
        .client_redirect
        .clone()
        .context("the callback gave no redirect")?;
    ensure!(
        url.as_str().starts_with(&world.url("/gate/error")),
        "expected the gate's error page, got {url}"
    );
    expect_gate_error(&url, &error.0, &message)
}

/// Drive a whole redirect sign-in for the current app up to the authorization code.
pub async fn sign_in_for_code(world: &mut ConformanceWorld, username: &str) -> anyhow::Result<()> {
    sign_in_for_code_with(world, username, &[]).await
}

/// [`sign_in_for_code`] with authorization parameters added or replaced (`scope`, `resource`).
pub async fn sign_in_for_code_with(
    world: &mut ConformanceWorld,
    username: &str,
    overrides: &[(String, String)],
) -> anyhow::Result<()> {
    authorize(world, overrides).await?;
    expect_sign_in_page(world)?;
    flow::continue_flow(world, None, None, Challenge::Missing).await?;
    let password = catalog::password(world, username)?.to_owned();
    let action = flow::submit_action(world);
    let inputs = serde_json::Map::from_iter([
        ("username".to_owned(), Value::from(username)),
        ("password".to_owned(), Value::from(password)),
    ]);
    flow::continue_flow(world, action.as_deref(), Some(inputs), Challenge::Current).await?;
    let assertion = world.flow.assertion.clone().with_context(|| {
        format!(
            "signing {username} in gave no assertion: {}",
            world.last.as_ref().map_or("", |l| l.body.as_str())
        )
    })?;
    let auth_id = world.oauth.auth_id.clone().context("no authId")?;
    callback(world, &auth_id, &assertion).await?;
    world
        .oauth
        .code
        .clone()
        .map(|_| ())
        .context("the callback gave no code")
}

#[given(expr = "the user {string} has an authorization code")]
async fn has_code(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    sign_in_for_code(world, &username).await
}

#[given(expr = "the user {string} has signed in with:")]
#[when(expr = "the user {string} signs in with:")]
async fn has_signed_in_with(
    world: &mut ConformanceWorld,
    username: String,
    step: &Step,
) -> anyhow::Result<()> {
    let overrides = table_pairs(step)?;
    sign_in_for_code_with(world, &username, &overrides).await?;
    super::token::exchange_code(world, &[]).await?;
    let last = world.last()?;
    ensure!(
        last.status == 200,
        "the code exchange failed with {}: {}",
        last.status,
        last.body
    );
    Ok(())
}

#[given(expr = "the user {string} has signed in")]
async fn has_signed_in(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    sign_in_for_code(world, &username).await?;
    super::token::exchange_code(world, &[]).await?;
    let last = world.last()?;
    ensure!(
        last.status == 200,
        "the code exchange failed with {}: {}",
        last.status,
        last.body
    );
    Ok(())
}
