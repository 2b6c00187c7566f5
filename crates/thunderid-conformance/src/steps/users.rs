//! The signed-in user's own profile: `/users/me` (ThunderID) and SCIM2 `/scim2/Me`.

use std::str::FromStr;

use anyhow::{Context, ensure};
use cucumber::gherkin::Step;
use cucumber::{Parameter, then, when};
use serde_json::Value;

use super::oauth2::tamper;
use crate::catalog;
use crate::params::{ParamError, TokenKind};
use crate::world::ConformanceWorld;

/// The credential a protected call presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Parameter)]
#[param(
    name = "bearer",
    regex = "the access token|the ID token|the refresh token|the assertion|the error assertion|no token|a tampered access token|an empty bearer token"
)]
pub enum Bearer {
    Token(TokenKind),
    Assertion,
    ErrorAssertion,
    Nothing,
    Tampered,
    Empty,
}

impl FromStr for Bearer {
    type Err = ParamError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "the assertion" => Self::Assertion,
            "the error assertion" => Self::ErrorAssertion,
            "no token" => Self::Nothing,
            "a tampered access token" => Self::Tampered,
            "an empty bearer token" => Self::Empty,
            other => Self::Token(other.trim_start_matches("the ").parse()?),
        })
    }
}

/// The `Authorization` header value for `bearer`, if any.
pub fn authorization(world: &ConformanceWorld, bearer: Bearer) -> anyhow::Result<Option<String>> {
    let token = match bearer {
        Bearer::Nothing => return Ok(None),
        Bearer::Empty => return Ok(Some("Bearer ".to_owned())),
        Bearer::Token(kind) => super::token::token_of(world, kind)?,
        Bearer::Tampered => tamper(&super::token::token_of(world, TokenKind::Access)?),
        Bearer::Assertion => world
            .flow
            .assertion
            .clone()
            .context("no assertion in this scenario")?,
        Bearer::ErrorAssertion => world
            .flow
            .error_assertion
            .clone()
            .context("no error assertion in this scenario")?,
    };
    Ok(Some(format!("Bearer {token}")))
}

async fn call(
    world: &mut ConformanceWorld,
    method: reqwest::Method,
    path: &str,
    bearer: Bearer,
    body: Option<String>,
) -> anyhow::Result<()> {
    let mut request = world.http.request(method, world.url(path));
    if let Some(value) = authorization(world, bearer)? {
        request = request.header("authorization", value);
    }
    if let Some(body) = body {
        let content_type = if path.starts_with("/scim2") {
            "application/scim+json"
        } else {
            "application/json"
        };
        request = request.header("content-type", content_type).body(body);
    }
    world.send(request).await?;
    Ok(())
}

fn docstring(world: &ConformanceWorld, step: &Step) -> anyhow::Result<String> {
    let text = step
        .docstring
        .as_deref()
        .context("the step needs a doc string")?;
    catalog::resolve(world, text)
}

#[when(expr = "the user fetches their profile with {bearer}")]
async fn fetch_profile(world: &mut ConformanceWorld, bearer: Bearer) -> anyhow::Result<()> {
    call(world, reqwest::Method::GET, "/users/me", bearer, None).await
}

#[when(expr = "the user fetches their profile with display details with {bearer}")]
async fn fetch_profile_display(world: &mut ConformanceWorld, bearer: Bearer) -> anyhow::Result<()> {
    let path = "/users/me?include=display";
    call(world, reqwest::Method::GET, path, bearer, None).await
}

#[when(expr = "the user fetches their organization profile at {string} with {bearer}")]
async fn fetch_at(
    world: &mut ConformanceWorld,
    path: String,
    bearer: Bearer,
) -> anyhow::Result<()> {
    call(world, reqwest::Method::GET, &path, bearer, None).await
}

#[when(expr = "the user fetches their profile schema with {bearer}")]
async fn fetch_schema(world: &mut ConformanceWorld, bearer: Bearer) -> anyhow::Result<()> {
    call(world, reqwest::Method::GET, "/users/me/meta", bearer, None).await
}

#[when(expr = "the user updates their profile with {bearer}:")]
async fn update_profile(
    world: &mut ConformanceWorld,
    bearer: Bearer,
    step: &Step,
) -> anyhow::Result<()> {
    let body = docstring(world, step)?;
    call(world, reqwest::Method::PUT, "/users/me", bearer, Some(body)).await
}

#[when(expr = "the user changes their credentials with {bearer}:")]
async fn change_credentials(
    world: &mut ConformanceWorld,
    bearer: Bearer,
    step: &Step,
) -> anyhow::Result<()> {
    let body = docstring(world, step)?;
    let path = "/users/me/update-credentials";
    call(world, reqwest::Method::POST, path, bearer, Some(body)).await
}

#[when(expr = "the user fetches their SCIM profile with {bearer}")]
async fn fetch_scim(world: &mut ConformanceWorld, bearer: Bearer) -> anyhow::Result<()> {
    call(world, reqwest::Method::GET, "/scim2/Me", bearer, None).await
}

#[when(expr = "the user patches their SCIM profile with {bearer}:")]
async fn patch_scim(
    world: &mut ConformanceWorld,
    bearer: Bearer,
    step: &Step,
) -> anyhow::Result<()> {
    let body = docstring(world, step)?;
    call(
        world,
        reqwest::Method::PATCH,
        "/scim2/Me",
        bearer,
        Some(body),
    )
    .await
}

#[when(expr = "the client fetches the SCIM schemas with {bearer}")]
async fn fetch_scim_schemas(world: &mut ConformanceWorld, bearer: Bearer) -> anyhow::Result<()> {
    call(world, reqwest::Method::GET, "/scim2/Schemas", bearer, None).await
}

#[then(expr = "the profile has {string} set to {string}")]
async fn profile_attribute(
    world: &mut ConformanceWorld,
    name: String,
    value: String,
) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        last.status == 200,
        "expected the profile, got {}: {}",
        last.status,
        last.body
    );
    let body = last.json()?;
    let expected = catalog::resolve(world, &value)?;
    let pointer = format!("/{}", name.replace('.', "/"));
    let actual = body.pointer(&pointer).map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    ensure!(
        actual.as_deref() == Some(expected.as_str()),
        "profile {name}: expected {expected:?}, got {actual:?} in {body}"
    );
    Ok(())
}

#[then(expr = "the profile has no {string}")]
async fn profile_lacks(world: &mut ConformanceWorld, name: String) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let pointer = format!("/{}", name.replace('.', "/"));
    ensure!(
        body.pointer(&pointer).is_none(),
        "expected no {name} in {body}"
    );
    Ok(())
}

#[then(expr = "the SCIM error is {int} {string}")]
async fn scim_error(
    world: &mut ConformanceWorld,
    status: u16,
    detail: String,
) -> anyhow::Result<()> {
    let last = world.last()?;
    let body = last.json()?;
    let actual_status = body.get("status").and_then(Value::as_str);
    let actual_detail = body.get("detail").and_then(Value::as_str);
    ensure!(
        last.status == status
            && actual_status == Some(status.to_string().as_str())
            && actual_detail == Some(detail.as_str()),
        "expected SCIM {status} {detail:?}, got {} {body}",
        last.status
    );
    let content_type = last.header("content-type");
    ensure!(
        content_type == Some("application/scim+json"),
        "SCIM errors are application/scim+json, got {content_type:?}"
    );
    Ok(())
}
