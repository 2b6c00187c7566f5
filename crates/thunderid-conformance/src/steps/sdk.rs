//! Steps of the `@sdk` scenarios: each SDK operation is one driver command (`crate::sdk::driver`);
//! the browser's part (the sign-in page, the identity provider) is played by the suite; what the
//! SDK sent is read back from the mock's journal (`GET /__mock/requests`): `sdk::flow` holds the
//! app-native flow steps, `sdk::journal` the checks of what the SDK sent.

mod flow;
mod journal;
use anyhow::{Context, bail, ensure};
use cucumber::{given, then, when};
use serde_json::{Value, json};

use super::client::browser_signs_in;
use super::oauth2::query_param;
use crate::catalog;
use crate::sdk::DRIVER;
use crate::sdk::driver::{Answer, SdkError};
use crate::world::ConformanceWorld;

/// Send `cmd` unless the scenario already met an unsupported command; keep the answer.
pub(crate) async fn command(
    world: &mut ConformanceWorld,
    cmd: &str,
    args: Value,
) -> anyhow::Result<bool> {
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
pub(crate) fn ok(world: &ConformanceWorld) -> anyhow::Result<&Value> {
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

pub(crate) fn failure(world: &ConformanceWorld) -> anyhow::Result<&SdkError> {
    match &world.sdk.last {
        Some((_, Answer::Error(e))) => Ok(e),
        Some((cmd, other)) => bail!("expected `{cmd}` to fail, it answered {other:?}"),
        None => bail!("no SDK command was sent yet"),
    }
}

pub(crate) fn str_member<'v>(value: &'v Value, name: &str) -> anyhow::Result<&'v str> {
    value
        .get(name)
        .and_then(Value::as_str)
        .with_context(|| format!("the answer has no string `{name}`: {value}"))
}

pub(crate) fn skipped(world: &ConformanceWorld) -> bool {
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

async fn exchange(world: &mut ConformanceWorld, subject: String) -> anyhow::Result<()> {
    let args = json!({
        "subjectToken": subject,
        "subjectTokenType": "urn:ietf:params:oauth:token-type:access_token",
    });
    command(world, "token.exchange", args).await?;
    Ok(())
}

#[when("the SDK exchanges its access token")]
async fn exchange_own(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    if !command(world, "token.get", json!({})).await? {
        return Ok(());
    }
    let token = str_member(ok(world)?, "accessToken")?.to_owned();
    exchange(world, token).await
}

#[when(expr = "the SDK exchanges the token {string}")]
async fn exchange_given(world: &mut ConformanceWorld, token: String) -> anyhow::Result<()> {
    exchange(world, token).await
}

#[then("the exchanged token is a new access token the UserInfo endpoint accepts")]
async fn exchanged_works(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    if skipped(world) {
        return Ok(());
    }
    let token = str_member(ok(world)?, "accessToken")?.to_owned();
    let verified = crate::jwt::verify(world, &token).await?;
    ensure!(
        verified.typ() == Some("at+jwt"),
        "the exchanged token is no access token (typ {:?})",
        verified.typ()
    );
    let response = world
        .http
        .get(world.url("/oauth2/userinfo"))
        .bearer_auth(token)
        .send()
        .await?;
    ensure!(
        response.status().as_u16() == 200,
        "UserInfo answered {} to the exchanged token",
        response.status()
    );
    Ok(())
}

#[when(expr = "the SDK switches to the organization {string}")]
async fn switch_organization(world: &mut ConformanceWorld, id: String) -> anyhow::Result<()> {
    command(
        world,
        "organization.switch",
        json!({ "organizationId": id }),
    )
    .await?;
    Ok(())
}

/// The `user_org` claim of the session's access token (set only by an organization switch).
async fn session_organization(world: &mut ConformanceWorld) -> anyhow::Result<Option<String>> {
    if !command(world, "token.get", json!({})).await? {
        return Ok(None);
    }
    let token = str_member(ok(world)?, "accessToken")?.to_owned();
    let verified = crate::jwt::verify(world, &token).await?;
    Ok(verified.str_claim("user_org").map(str::to_owned))
}

#[then(expr = "the SDK's access token names the organization {string}")]
async fn names_organization(world: &mut ConformanceWorld, id: String) -> anyhow::Result<()> {
    let found = session_organization(world).await?;
    if skipped(world) {
        return Ok(());
    }
    ensure!(
        found.as_deref() == Some(id.as_str()),
        "the session's access token has user_org {found:?}, not {id}"
    );
    Ok(())
}

#[then("the SDK's access token names no switched organization")]
async fn names_no_organization(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let found = session_organization(world).await?;
    ensure!(
        found.is_none(),
        "the session moved to {found:?} although the switch was refused"
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
