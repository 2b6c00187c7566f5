//! Steps of the `@sdk` scenarios: each SDK operation is one driver command (`crate::sdk::driver`);
//! the browser's part (the sign-in page, the identity provider) is played by the suite; what the
//! SDK sent is read back from the mock's journal (`GET /__mock/requests`).

use std::collections::BTreeSet;

use anyhow::{Context, bail, ensure};
use cucumber::{given, then, when};
use serde_json::{Map, Value, json};

use super::client::browser_signs_in;
use super::oauth2::{code_challenge, query_param};
use crate::catalog;
use crate::sdk::DRIVER;
use crate::sdk::driver::{Answer, SdkError};
use crate::world::ConformanceWorld;

/// Send `cmd` unless the scenario already met an unsupported command; keep the answer.
async fn command(world: &mut ConformanceWorld, cmd: &str, args: Value) -> anyhow::Result<bool> {
    if world.sdk.unsupported.is_some() {
        return Ok(false);
    }
    let driver = DRIVER
        .get()
        .context("@sdk scenarios need a driver: run with --sdk \"COMMAND\"")?;
    let answer = driver.command(cmd, args).await?;
    if answer == Answer::Unsupported {
        world.sdk.unsupported = Some(cmd.to_owned());
        return Ok(false);
    }
    world.sdk.last = Some((cmd.to_owned(), answer));
    Ok(true)
}

/// The data of the last answer, or an error naming what the SDK answered instead.
fn ok(world: &ConformanceWorld) -> anyhow::Result<&Value> {
    match &world.sdk.last {
        Some((_, Answer::Ok(value))) => Ok(value),
        Some((cmd, Answer::Error(e))) => bail!(
            "`{cmd}` failed: kind {:?}, code {:?}, status {:?}: {}",
            e.kind,
            e.code,
            e.status,
            e.message
        ),
        Some((cmd, Answer::Unsupported)) => bail!("`{cmd}` is unsupported"),
        None => bail!("no SDK command was sent yet"),
    }
}

fn failure(world: &ConformanceWorld) -> anyhow::Result<&SdkError> {
    match &world.sdk.last {
        Some((_, Answer::Error(e))) => Ok(e),
        Some((cmd, other)) => bail!("expected `{cmd}` to fail, it answered {other:?}"),
        None => bail!("no SDK command was sent yet"),
    }
}

fn str_member<'v>(value: &'v Value, name: &str) -> anyhow::Result<&'v str> {
    value
        .get(name)
        .and_then(Value::as_str)
        .with_context(|| format!("the answer has no string `{name}`: {value}"))
}

fn skipped(world: &ConformanceWorld) -> bool {
    world.sdk.unsupported.is_some()
}

#[given(expr = "the SDK is configured for {string}")]
async fn configure(world: &mut ConformanceWorld, name: String) -> anyhow::Result<()> {
    let app = catalog::application(world, &name)?;
    let mut args = json!({
        "baseUrl": world.target.base_url(),
        "applicationId": app.id.as_str(),
        "scopes": ["openid", "profile"],
    });
    if let Some(secret) = &app.flow_secret {
        args["flowSecret"] = json!(secret);
    }
    if let Some(oauth) = &app.oauth {
        args["clientId"] = json!(oauth.client_id.as_str());
        if let Some(secret) = &oauth.client_secret {
            args["clientSecret"] = json!(secret);
        }
        if let Some(uri) = oauth.redirect_uris.first() {
            args["redirectUri"] = json!(uri);
        }
        if let Some(uri) = oauth.post_logout_redirect_uris.first() {
            args["postLogoutRedirectUri"] = json!(uri);
        }
    }
    world.app = Some(name);
    if command(world, "configure", args).await? {
        ok(world)?;
    }
    Ok(())
}

// ---- redirect sign-in ----

#[when("the SDK starts a redirect sign-in")]
async fn start_sign_in(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    if command(world, "signIn.start", json!({})).await? {
        let url = str_member(ok(world)?, "url")?;
        world.sdk.authorize_url = Some(url::Url::parse(url).context("signIn.start's url")?);
    }
    Ok(())
}

#[when(expr = "{string} signs in on the sign-in page")]
async fn user_signs_in(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let url = world
        .sdk
        .authorize_url
        .clone()
        .context("no authorize URL: the SDK did not start a sign-in")?;
    let back = browser_signs_in(world, &url, &username).await?;
    world.sdk.callback = Some(back);
    Ok(())
}

async fn hand_callback(world: &mut ConformanceWorld, url: String) -> anyhow::Result<()> {
    command(world, "signIn.callback", json!({ "url": url })).await?;
    Ok(())
}

#[when("the browser comes back to the SDK")]
async fn comes_back(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let back = world.sdk.callback.clone().context("no callback URL")?;
    hand_callback(world, back.to_string()).await
}

#[when(expr = "the browser comes back to the SDK with the {word} parameter {string}")]
async fn comes_back_changed(
    world: &mut ConformanceWorld,
    name: String,
    value: String,
) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let mut back = world.sdk.callback.clone().context("no callback URL")?;
    let pairs: Vec<(String, String)> = back
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .map(|(k, v)| {
            if k == name {
                (k, value.clone())
            } else {
                (k, v)
            }
        })
        .collect();
    back.query_pairs_mut().clear().extend_pairs(pairs);
    hand_callback(world, back.to_string()).await
}

#[when(expr = "the browser comes back to the SDK with the error {string}")]
async fn comes_back_with_error(world: &mut ConformanceWorld, error: String) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    // What the server's callback does when the user denies: the error, the request's state and
    // the issuer (RFC 9207).
    let authorize = world
        .sdk
        .authorize_url
        .clone()
        .context("no sign-in started")?;
    let state = query_param(&authorize, "state").unwrap_or_default();
    let redirect = query_param(&authorize, "redirect_uri").context("no redirect_uri")?;
    let mut back = url::Url::parse(&redirect)?;
    back.query_pairs_mut()
        .append_pair("error", &error)
        .append_pair("error_description", "The user denied the request")
        .append_pair("state", &state)
        .append_pair("iss", &world.issuer());
    hand_callback(world, back.to_string()).await
}

#[given(expr = "the SDK signs {string} in")]
#[when(expr = "the SDK signs {string} in")]
async fn signs_in(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    start_sign_in(world).await?;
    user_signs_in(world, username).await?;
    comes_back(world).await?;
    if !skipped(world) {
        ok(world)?;
    }
    Ok(())
}

// ---- session, user, tokens ----

#[then(expr = "the SDK is signed in as {string}")]
async fn signed_in_as(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    ok(world)?;
    let id = catalog::user(world, &username)?.id.to_string();
    if command(world, "user.get", json!({})).await? {
        let sub = str_member(ok(world)?, "sub")?;
        ensure!(
            sub == id,
            "the SDK's user is {sub:?}, expected {username} ({id})"
        );
    }
    if command(world, "session.get", json!({})).await? {
        let session = ok(world)?;
        ensure!(
            session.get("signedIn") == Some(&Value::Bool(true)),
            "the SDK's session says it is not signed in: {session}"
        );
    }
    Ok(())
}

#[then("the SDK is signed out")]
async fn signed_out(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    if command(world, "session.get", json!({})).await? {
        let session = ok(world)?;
        ensure!(
            session.get("signedIn") == Some(&Value::Bool(false)),
            "the SDK still holds a session: {session}"
        );
    }
    if command(world, "token.get", json!({})).await? {
        let e = failure(world)?;
        ensure!(
            e.kind == "not_signed_in",
            "after sign-out token.get failed with kind {:?}, expected \"not_signed_in\"",
            e.kind
        );
    }
    Ok(())
}

#[then("the SDK's access token is accepted by the UserInfo endpoint")]
async fn access_token_works(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    if !command(world, "token.get", json!({})).await? {
        return Ok(());
    }
    let token = str_member(ok(world)?, "accessToken")?.to_owned();
    let response = world
        .http
        .get(world.url("/oauth2/userinfo"))
        .bearer_auth(token)
        .send()
        .await?;
    ensure!(
        response.status().as_u16() == 200,
        "UserInfo answered {} to the SDK's access token",
        response.status()
    );
    Ok(())
}

#[when(expr = "the SDK refreshes the tokens")]
async fn refresh(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    command(world, "token.refresh", json!({})).await?;
    Ok(())
}

#[then("the refresh succeeds")]
async fn refresh_succeeds(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    str_member(ok(world)?, "accessToken")?;
    Ok(())
}

#[when("the SDK signs out")]
async fn sign_out(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    if command(world, "signOut", json!({})).await? {
        let url = str_member(ok(world)?, "url")?;
        world.sdk.sign_out_url = Some(url::Url::parse(url).context("signOut's url")?);
    }
    Ok(())
}

#[then(expr = "the sign-out URL ends the session and returns to {string}")]
async fn sign_out_url(world: &mut ConformanceWorld, back: String) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let url = world.sdk.sign_out_url.clone().context("no sign-out URL")?;
    let expected = world.url("/oauth2/logout");
    let endpoint = format!("{}{}", &url[..url::Position::BeforePath], url.path());
    ensure!(
        endpoint == expected,
        "the sign-out URL {url} is not the end-session endpoint {expected}"
    );
    ensure!(
        query_param(&url, "id_token_hint").is_some() || query_param(&url, "client_id").is_some(),
        "the sign-out URL names neither the ID token nor the client (OIDC RP-Initiated Logout §2): {url}"
    );
    let post = query_param(&url, "post_logout_redirect_uri");
    ensure!(
        post.as_deref() == Some(back.as_str()),
        "post_logout_redirect_uri is {post:?}, expected {back:?}: {url}"
    );
    Ok(())
}

// ---- failures ----

#[then(expr = "the SDK fails with {string}")]
async fn fails_with_kind(world: &mut ConformanceWorld, kind: String) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let e = failure(world)?;
    ensure!(
        e.kind == kind,
        "expected an error of kind {kind:?}, got {:?} (code {:?}): {}",
        e.kind,
        e.code,
        e.message
    );
    Ok(())
}

#[then(expr = "the SDK fails with {string} {string}")]
async fn fails_with_code(
    world: &mut ConformanceWorld,
    kind: String,
    code: String,
) -> anyhow::Result<()> {
    fails_with_kind(world, kind).await?;
    if skipped(world) {
        return Ok(());
    }
    let e = failure(world)?;
    ensure!(
        e.code.as_deref() == Some(code.as_str()),
        "expected the code {code:?}, the SDK surfaced {:?}: {}",
        e.code,
        e.message
    );
    Ok(())
}

#[then(expr = "the SDK fails with {string} and the status {int}")]
async fn fails_with_status(
    world: &mut ConformanceWorld,
    kind: String,
    status: u16,
) -> anyhow::Result<()> {
    fails_with_kind(world, kind).await?;
    if skipped(world) {
        return Ok(());
    }
    let e = failure(world)?;
    ensure!(
        e.status == Some(status),
        "expected the status {status}, the SDK surfaced {:?}: {}",
        e.status,
        e.message
    );
    Ok(())
}

// ---- app-native flows ----

/// A flow command; a failed one keeps the step the SDK showed before (the app still shows it).
async fn flow_command(world: &mut ConformanceWorld, cmd: &str, args: Value) -> anyhow::Result<()> {
    if command(world, cmd, args).await?
        && let Some((_, Answer::Ok(answer))) = &world.sdk.last
    {
        world.sdk.flow = Some(answer.clone());
    }
    Ok(())
}

#[when(expr = "the SDK starts an {string} flow")]
async fn flow_start(world: &mut ConformanceWorld, flow_type: String) -> anyhow::Result<()> {
    flow_command(world, "flow.start", json!({ "flowType": flow_type })).await
}

#[when("the SDK starts sign-in through the authorization endpoint")]
async fn flow_start_authorize(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let args = json!({ "flowType": "AUTHENTICATION", "viaAuthorize": true });
    flow_command(world, "flow.start", args).await
}

/// The action to send with credentials: the step's first (its primary action; the others are
/// "forgot password", "sign up").
fn submit_action(world: &ConformanceWorld) -> Option<String> {
    let actions = world.sdk.flow.as_ref()?.get("actions")?.as_array()?;
    actions.first()?.as_str().map(str::to_owned)
}

async fn submit(
    world: &mut ConformanceWorld,
    action: Option<String>,
    inputs: Map<String, Value>,
) -> anyhow::Result<()> {
    let mut args = json!({ "inputs": inputs });
    if let Some(action) = action {
        args["action"] = json!(action);
    }
    flow_command(world, "flow.continue", args).await
}

#[when(expr = "the user enters the credentials of {string} in the SDK")]
async fn enters_credentials(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let password = catalog::password(world, &username)?.to_owned();
    let inputs = Map::from_iter([
        ("username".to_owned(), json!(username)),
        ("password".to_owned(), json!(password)),
    ]);
    submit(world, submit_action(world), inputs).await
}

#[when(expr = "the user enters {string} with the password {string} in the SDK")]
async fn enters_password(
    world: &mut ConformanceWorld,
    username: String,
    password: String,
) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let inputs = Map::from_iter([
        ("username".to_owned(), json!(username)),
        ("password".to_owned(), json!(password)),
    ]);
    submit(world, submit_action(world), inputs).await
}

#[when(expr = "the user chooses {string} in the SDK")]
async fn chooses(world: &mut ConformanceWorld, action: String) -> anyhow::Result<()> {
    submit(world, Some(action), Map::new()).await
}

fn flow_answer(world: &ConformanceWorld) -> anyhow::Result<&Value> {
    ok(world)?;
    world.sdk.flow.as_ref().context("no flow answer")
}

#[then(expr = "the SDK shows a {string} step asking for {string}")]
async fn shows_step(
    world: &mut ConformanceWorld,
    step_type: String,
    inputs: String,
) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let flow = flow_answer(world)?;
    ensure!(
        flow.get("status").and_then(Value::as_str) == Some("INCOMPLETE"),
        "expected an INCOMPLETE flow, the SDK shows {flow}"
    );
    ensure!(
        flow.get("stepType").and_then(Value::as_str) == Some(step_type.as_str()),
        "expected a {step_type} step, the SDK shows {flow}"
    );
    let shown: BTreeSet<&str> = flow
        .get("inputs")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let wanted: BTreeSet<&str> = inputs.split(',').map(str::trim).collect();
    ensure!(
        shown == wanted,
        "the SDK asks for {shown:?}, expected {wanted:?}"
    );
    Ok(())
}

#[then(expr = "the SDK shows the flow status {string} with the error code {string}")]
async fn shows_error(
    world: &mut ConformanceWorld,
    status: String,
    code: String,
) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let flow = flow_answer(world)?;
    ensure!(
        flow.get("status").and_then(Value::as_str) == Some(status.as_str()),
        "expected the status {status}, the SDK shows {flow}"
    );
    ensure!(
        flow.get("errorCode").and_then(Value::as_str) == Some(code.as_str()),
        "expected the error code {code}, the SDK shows {flow}"
    );
    Ok(())
}

#[then(expr = "the SDK's flow completes with an assertion for {string}")]
async fn completes(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let flow = flow_answer(world)?.clone();
    ensure!(
        flow.get("status").and_then(Value::as_str) == Some("COMPLETE"),
        "expected COMPLETE, the SDK shows {flow}"
    );
    let assertion = str_member(&flow, "assertion")?;
    let verified = crate::jwt::verify(world, assertion).await?;
    let id = catalog::user(world, &username)?.id.to_string();
    crate::jwt::expect_claim(&verified, "sub", &id)
}

#[then("the SDK's flow completes and the SDK is signed in")]
async fn completes_signed_in(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let flow = flow_answer(world)?;
    ensure!(
        flow.get("status").and_then(Value::as_str) == Some("COMPLETE"),
        "expected COMPLETE, the SDK shows {flow}"
    );
    ensure!(
        flow.get("signedIn") == Some(&Value::Bool(true)),
        "the flow completed but the SDK did not finish the sign-in: {flow}"
    );
    Ok(())
}

/// Play the browser at the identity provider of the REDIRECTION step; its `code` and `state`.
async fn at_identity_provider(
    world: &mut ConformanceWorld,
    login: &str,
) -> anyhow::Result<(String, String)> {
    let flow = flow_answer(world)?;
    let redirect = str_member(flow, "redirectUrl")?;
    let mut url = url::Url::parse(redirect)?;
    url.query_pairs_mut().append_pair("login_hint", login);
    let exchange = world.send(world.http.get(url.as_str())).await?.clone();
    let back = exchange.location()?;
    let code = query_param(&back, "code").context("the IdP sent no code")?;
    let state = query_param(&back, "state").context("the IdP sent no state")?;
    Ok((code, state))
}

#[when(expr = "the user signs in at the identity provider as {string} and comes back to the SDK")]
async fn idp_and_resume(world: &mut ConformanceWorld, login: String) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let (code, state) = at_identity_provider(world, &login).await?;
    let args = json!({ "inputs": { "code": code, "state": state } });
    flow_command(world, "flow.resume", args).await
}

#[when(
    expr = "the user signs in at the identity provider as {string} and comes back to the SDK with the state {string}"
)]
async fn idp_and_resume_state(
    world: &mut ConformanceWorld,
    login: String,
    state: String,
) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let (code, _) = at_identity_provider(world, &login).await?;
    let args = json!({ "inputs": { "code": code, "state": state } });
    flow_command(world, "flow.resume", args).await
}

// ---- what the SDK sent, from the journal ----

/// The journal's entries for `method path`, oldest first.
async fn journal(world: &ConformanceWorld, method: &str, path: &str) -> anyhow::Result<Vec<Value>> {
    let mut url = url::Url::parse(&world.url("/__mock/requests"))?;
    url.query_pairs_mut().append_pair("path", path);
    let body: Value = world.http.get(url.as_str()).send().await?.json().await?;
    let entries = body.as_array().context("the journal is not a list")?;
    Ok(entries
        .iter()
        .filter(|e| e.get("method").and_then(Value::as_str) == Some(method))
        .cloned()
        .collect())
}

fn form(entry: &Value) -> Vec<(String, String)> {
    let body = entry
        .get("body")
        .and_then(Value::as_str)
        .unwrap_or_default();
    url::form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn query_of(entry: &Value) -> Vec<(String, String)> {
    let query = entry
        .get("query")
        .and_then(Value::as_str)
        .unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param<'p>(pairs: &'p [(String, String)], name: &str) -> Option<&'p str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[then("every authorization request used PKCE S256 with a fresh state and nonce")]
async fn pkce_state_nonce(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let requests = journal(world, "GET", "/oauth2/authorize").await?;
    ensure!(
        requests.len() >= 2,
        "expected two sign-ins, the journal has {} authorization requests",
        requests.len()
    );
    let tokens = journal(world, "POST", "/oauth2/token").await?;
    let verifiers: Vec<String> = tokens
        .iter()
        .map(form)
        .filter(|f| param(f, "grant_type") == Some("authorization_code"))
        .filter_map(|f| param(&f, "code_verifier").map(str::to_owned))
        .collect();
    let (mut states, mut nonces, mut challenges) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for (n, request) in requests.iter().enumerate() {
        let q = query_of(request);
        let method = param(&q, "code_challenge_method");
        ensure!(
            method == Some("S256"),
            "authorization request {n}: code_challenge_method is {method:?}, RFC 7636 §4.2 wants S256"
        );
        let challenge = param(&q, "code_challenge").context("no code_challenge")?;
        ensure!(
            challenge.len() == 43 && verifiers.iter().any(|v| code_challenge(v) == challenge),
            "authorization request {n}: the code_challenge {challenge:?} is no S256 of any code_verifier the SDK sent ({} sent)",
            verifiers.len()
        );
        let state = param(&q, "state").context("an authorization request without state")?;
        let nonce = param(&q, "nonce").context("an authorization request without nonce")?;
        ensure!(
            state.len() >= 16 && nonce.len() >= 16,
            "state {state:?} or nonce {nonce:?} is too short to be unguessable"
        );
        ensure!(
            states.insert(state.to_owned()),
            "the state {state:?} was sent twice"
        );
        ensure!(
            nonces.insert(nonce.to_owned()),
            "the nonce {nonce:?} was sent twice"
        );
        ensure!(
            challenges.insert(challenge.to_owned()),
            "the code_challenge {challenge:?} was sent twice"
        );
    }
    Ok(())
}

#[then("every flow step the SDK sent carried the challenge token of the step before, none twice")]
async fn challenge_tokens(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let requests = journal(world, "POST", "/flow/execute").await?;
    let mut seen = BTreeSet::new();
    let mut continuations = 0;
    for request in &requests {
        let body: Value = serde_json::from_str(request["body"].as_str().unwrap_or_default())
            .context("a flow request that is not JSON")?;
        if body.get("executionId").is_none() {
            continue;
        }
        continuations += 1;
        let token = body
            .get("challengeToken")
            .and_then(Value::as_str)
            .with_context(|| format!("a continuation without challengeToken: {body}"))?;
        ensure!(
            seen.insert(token.to_owned()),
            "the challenge token {token:?} was sent twice"
        );
        let status = request["status"].as_u64();
        ensure!(
            status == Some(200),
            "the server refused a continuation ({status:?}): the token was not the current one"
        );
    }
    ensure!(continuations > 0, "the SDK sent no continuation");
    Ok(())
}

#[then("the SDK relayed the flow's assertion to the authorization callback with its authId")]
async fn relayed(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let authorize = journal(world, "GET", "/oauth2/authorize").await?;
    ensure!(
        authorize.len() == 1,
        "expected one authorization request, got {}",
        authorize.len()
    );
    let callbacks = journal(world, "POST", "/oauth2/auth/callback").await?;
    let [callback] = callbacks.as_slice() else {
        bail!(
            "expected one POST /oauth2/auth/callback, the SDK sent {}",
            callbacks.len()
        );
    };
    ensure!(
        callback["status"].as_u64() == Some(200),
        "the callback answered {}",
        callback["status"]
    );
    let body: Value = serde_json::from_str(callback["body"].as_str().unwrap_or_default())
        .context("the callback body is not JSON")?;
    let auth_id = body
        .get("authId")
        .and_then(Value::as_str)
        .context("no authId in the callback")?;
    ensure!(!auth_id.is_empty(), "an empty authId");
    let assertion = body
        .get("assertion")
        .and_then(Value::as_str)
        .context("no assertion in the callback")?
        .to_owned();
    let verified = crate::jwt::verify(world, &assertion).await?;
    ensure!(
        verified.str_claim("sub").is_some(),
        "the relayed assertion has no sub"
    );
    Ok(())
}

#[then(expr = "the SDK fetched the JWKS {int} time(s) after its last token request")]
async fn jwks_after_token(world: &mut ConformanceWorld, times: usize) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let tokens = journal(world, "POST", "/oauth2/token").await?;
    let last = tokens
        .last()
        .and_then(|t| t["at"].as_u64())
        .context("no token request")?;
    let token_count = tokens.len();
    let jwks = journal(world, "GET", "/oauth2/jwks").await?;
    // The journal is in arrival order; `at` has second resolution, so count by position instead.
    let all: Vec<Value> = {
        let url = world.url("/__mock/requests");
        world
            .http
            .get(url)
            .send()
            .await?
            .json::<Vec<Value>>()
            .await?
    };
    let last_token_index = all
        .iter()
        .enumerate()
        .filter(|(_, e)| e["path"] == "/oauth2/token" && e["method"] == "POST")
        .map(|(i, _)| i)
        .next_back()
        .context("no token request")?;
    let after = all[last_token_index + 1..]
        .iter()
        .filter(|e| e["path"] == "/oauth2/jwks" && e["method"] == "GET")
        .count();
    ensure!(
        after == times,
        "after its last token request (at {last}, {token_count} in all) the SDK fetched the JWKS {after} time(s), expected {times} ({} fetches in all)",
        jwks.len()
    );
    Ok(())
}

#[then("the SDK never sent a refresh token twice, and each refresh was answered")]
async fn no_refresh_reuse(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let tokens = journal(world, "POST", "/oauth2/token").await?;
    let mut seen = BTreeSet::new();
    let mut refreshes = 0;
    for entry in &tokens {
        let f = form(entry);
        if param(&f, "grant_type") != Some("refresh_token") {
            continue;
        }
        refreshes += 1;
        let token = param(&f, "refresh_token").context("a refresh without refresh_token")?;
        ensure!(
            seen.insert(token.to_owned()),
            "the SDK sent a refresh token twice (RFC 9700 §4.14.2: rotated tokens are single-use)"
        );
        ensure!(
            entry["status"].as_u64() == Some(200),
            "a refresh was answered {}",
            entry["status"]
        );
    }
    ensure!(
        refreshes >= 2,
        "expected two refreshes, the SDK sent {refreshes}"
    );
    Ok(())
}

#[given(expr = "the mock drops the next {int} connection(s) to {string}")]
#[when(expr = "the mock drops the next {int} connection(s) to {string}")]
async fn drop_next(world: &mut ConformanceWorld, times: u64, path: String) -> anyhow::Result<()> {
    let rule = json!({"path": path, "times": times, "action": {"type": "drop"}});
    let response = world
        .http
        .post(world.url("/__mock/faults"))
        .json(&rule)
        .send()
        .await?;
    ensure!(
        response.status().as_u16() == 201,
        "POST /__mock/faults answered {}",
        response.status()
    );
    Ok(())
}
