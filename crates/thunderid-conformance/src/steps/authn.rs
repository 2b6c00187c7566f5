//! The direct authentication API (`/auth/...`): a backend authenticates a user in one call (or a
//! start/finish pair) with the server's Direct-Auth-Secret, and reads back the user and the signed
//! assertion. AuthZEN's evaluation calls share the secret and [`post_with_secret`].

use anyhow::{Context, ensure};
use cucumber::gherkin::Step;
use cucumber::{then, when};
use serde_json::Value;

use crate::catalog;
use crate::jwt;
use crate::world::ConformanceWorld;

/// The direct-auth secret of the bundled fixtures; `THUNDERID_DIRECT_AUTH_SECRET` overrides it for
/// `--server` runs.
const BUNDLED_DIRECT_AUTH_SECRET: &str = "sample-direct-auth-secret";

/// The secret the target server expects.
pub fn direct_auth_secret() -> String {
    std::env::var("THUNDERID_DIRECT_AUTH_SECRET")
        .unwrap_or_else(|_| BUNDLED_DIRECT_AUTH_SECRET.to_owned())
}

/// POST the step's doc string (placeholders resolved) to `path`, with `secret` when given.
pub async fn post_with_secret(
    world: &mut ConformanceWorld,
    path: &str,
    secret: Option<String>,
    step: &Step,
) -> anyhow::Result<()> {
    let body = step
        .docstring
        .as_deref()
        .context("the step needs a doc string")?;
    let body = catalog::resolve(world, body)?;
    let mut request = world
        .http
        .post(world.url(path))
        .header("content-type", "application/json")
        .body(body);
    if let Some(secret) = secret {
        request = request.header("direct-auth-secret", secret);
    }
    world.send(request).await?;
    Ok(())
}

#[when(expr = "the backend calls {string} with:")]
async fn backend_calls(
    world: &mut ConformanceWorld,
    path: String,
    step: &Step,
) -> anyhow::Result<()> {
    post_with_secret(world, &path, Some(direct_auth_secret()), step).await
}

#[when(expr = "a backend without the direct-auth secret calls {string} with:")]
async fn backend_calls_without_secret(
    world: &mut ConformanceWorld,
    path: String,
    step: &Step,
) -> anyhow::Result<()> {
    post_with_secret(world, &path, None, step).await
}

/// The last response's `assertion`, verified against the server's JWKS.
async fn answered_assertion(world: &mut ConformanceWorld) -> anyhow::Result<jwt::Verified> {
    let body = world.last()?.json()?;
    let token = body
        .get("assertion")
        .and_then(Value::as_str)
        .with_context(|| format!("the response has no assertion: {body}"))?
        .to_owned();
    jwt::verify(world, &token).await
}

#[then("the answered assertion has the claims:")]
async fn answered_assertion_claims(
    world: &mut ConformanceWorld,
    step: &Step,
) -> anyhow::Result<()> {
    let verified = answered_assertion(world).await?;
    let table = step.table.as_ref().context("the step needs a table")?;
    for row in &table.rows {
        let [claim, value] = row.as_slice() else {
            anyhow::bail!("each row needs exactly two cells: claim | value");
        };
        jwt::expect_claim(&verified, claim, &catalog::resolve(world, value)?)?;
    }
    Ok(())
}

#[then(expr = "the answered assertion is at {string} after the authenticators {string}")]
async fn answered_assurance(
    world: &mut ConformanceWorld,
    aal: String,
    names: String,
) -> anyhow::Result<()> {
    let verified = answered_assertion(world).await?;
    let assurance = verified
        .claim("assurance")
        .context("the assertion has no assurance")?;
    ensure!(
        assurance.get("aal").and_then(Value::as_str) == Some(aal.as_str()),
        "expected {aal}, got {assurance}"
    );
    let expected: Vec<(String, u64)> = names
        .split(',')
        .map(|n| n.trim().to_owned())
        .zip(1..)
        .collect();
    let actual: Vec<(String, u64)> = assurance
        .get("authenticators")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|a| {
                    let name = a.get("authenticator").and_then(Value::as_str);
                    let step = a.get("step").and_then(Value::as_u64);
                    (
                        name.unwrap_or_default().to_owned(),
                        step.unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    ensure!(
        actual == expected,
        "expected the steps {expected:?}, got {actual:?}"
    );
    Ok(())
}

#[when(expr = "the user signs in at the identity provider the backend was sent to as {string}")]
async fn signs_in_at_answered_idp(
    world: &mut ConformanceWorld,
    login: String,
) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let redirect = body
        .get("redirectUrl")
        .and_then(Value::as_str)
        .with_context(|| format!("the response has no redirectUrl: {body}"))?
        .to_owned();
    super::control::sign_in_at_idp(world, &redirect, &login).await
}
