//! Looking at tokens after the fact: introspection (RFC 7662), revocation (RFC 7009) and userinfo.

use anyhow::{Context, ensure};
use cucumber::gherkin::Step;
use cucumber::{then, when};
use serde_json::{Value, json};

use super::{ClientAuth, post_form, table_pairs, token_of};
use crate::catalog;
use crate::params::TokenKind;
use crate::world::ConformanceWorld;

/// `token_type_hint`-less introspection or revocation of `token` by `app`.
async fn token_call(
    world: &mut ConformanceWorld,
    path: &str,
    app: String,
    token: Option<String>,
) -> anyhow::Result<()> {
    let params = token
        .map(|t| vec![("token".to_owned(), t)])
        .unwrap_or_default();
    post_form(world, path, &ClientAuth::Registered(app), &params).await
}

#[when(expr = "{string} introspects the {token_kind}")]
async fn introspects(
    world: &mut ConformanceWorld,
    app: String,
    kind: TokenKind,
) -> anyhow::Result<()> {
    let token = token_of(world, kind)?;
    token_call(world, "/oauth2/introspect", app, Some(token)).await
}

#[when(expr = "{string} introspects the token {string}")]
async fn introspects_literal(
    world: &mut ConformanceWorld,
    app: String,
    token: String,
) -> anyhow::Result<()> {
    token_call(world, "/oauth2/introspect", app, Some(token)).await
}

#[when(expr = "{string} introspects without a token")]
async fn introspects_nothing(world: &mut ConformanceWorld, app: String) -> anyhow::Result<()> {
    token_call(world, "/oauth2/introspect", app, None).await
}

#[then("the token is active")]
async fn token_active(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let last = world.last()?;
    let body = last.json()?;
    ensure!(
        last.status == 200 && body.get("active") == Some(&Value::Bool(true)),
        "expected an active token, got {} {body}",
        last.status
    );
    Ok(())
}

#[then("the token is not active")]
async fn token_inactive(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let last = world.last()?;
    let body = last.json()?;
    ensure!(
        last.status == 200 && body == json!({ "active": false }),
        "expected exactly {{\"active\":false}}, got {} {body}",
        last.status
    );
    Ok(())
}

#[then("the introspection says:")]
async fn introspection_says(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    for (name, value) in table_pairs(step)? {
        let expected = catalog::resolve(world, &value)?;
        let actual = match body.get(&name) {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => "(absent)".to_owned(),
        };
        ensure!(
            actual == expected,
            "introspection {name}: expected {expected:?}, got {actual:?}"
        );
    }
    Ok(())
}

#[when(expr = "{string} revokes the {token_kind}")]
async fn revokes(world: &mut ConformanceWorld, app: String, kind: TokenKind) -> anyhow::Result<()> {
    let token = token_of(world, kind)?;
    token_call(world, "/oauth2/revoke", app, Some(token)).await
}

#[when(expr = "{string} revokes the token {string}")]
async fn revokes_literal(
    world: &mut ConformanceWorld,
    app: String,
    token: String,
) -> anyhow::Result<()> {
    token_call(world, "/oauth2/revoke", app, Some(token)).await
}

#[then("the revocation succeeds")]
async fn revocation_succeeds(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        last.status == 200 && last.body.is_empty(),
        "a revocation answers 200 with an empty body, got {} {:?}",
        last.status,
        last.body
    );
    Ok(())
}

/// Ask `/oauth2/userinfo` with an optional `Authorization` header value.
async fn userinfo(
    world: &mut ConformanceWorld,
    authorization: Option<String>,
    post: bool,
) -> anyhow::Result<()> {
    let url = world.url("/oauth2/userinfo");
    let mut request = if post {
        world.http.post(url)
    } else {
        world.http.get(url)
    };
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    world.send(request).await?;
    Ok(())
}

#[when("the app asks for the user's info")]
async fn asks_userinfo(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let token = token_of(world, TokenKind::Access)?;
    userinfo(world, Some(format!("Bearer {token}")), false).await
}

#[when("the app asks for the user's info with a POST")]
async fn asks_userinfo_post(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let token = token_of(world, TokenKind::Access)?;
    userinfo(world, Some(format!("Bearer {token}")), true).await
}

#[when(expr = "the app asks for the user's info with the {token_kind}")]
async fn asks_userinfo_with(world: &mut ConformanceWorld, kind: TokenKind) -> anyhow::Result<()> {
    let token = token_of(world, kind)?;
    userinfo(world, Some(format!("Bearer {token}")), false).await
}

#[when(expr = "the app asks for the user's info with the Authorization header {string}")]
async fn asks_userinfo_header(world: &mut ConformanceWorld, value: String) -> anyhow::Result<()> {
    let value = catalog::resolve(world, &value)?;
    userinfo(world, Some(value), false).await
}

#[when("the app asks for the user's info without a token")]
async fn asks_userinfo_anonymous(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    userinfo(world, None, false).await
}

/// The server keeps what an OAuth sign-in released in its attribute cache: the assertion names the
/// entry (`aci`), and the tokens issued from it, refreshed ones included, name the same one.
#[then(expr = "the {token_kind} names the sign-in's attribute cache entry")]
async fn names_cache_entry(world: &mut ConformanceWorld, kind: TokenKind) -> anyhow::Result<()> {
    let assertion = world.flow.assertion.clone().context("no assertion yet")?;
    let assertion = crate::jwt::verify(world, &assertion).await?;
    let entry = assertion
        .claim("aci")
        .and_then(Value::as_str)
        .context("the assertion names no attribute cache entry (aci)")?
        .to_owned();
    let token = token_of(world, kind)?;
    let verified = crate::jwt::verify(world, &token).await?;
    let named = verified.claim("aci").and_then(Value::as_str);
    ensure!(
        named == Some(entry.as_str()),
        "expected the {kind} to name the entry {entry}, got {named:?}"
    );
    Ok(())
}
