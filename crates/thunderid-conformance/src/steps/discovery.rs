//! Discovery documents, the JWKS, and what a browser sees of CORS.

use anyhow::{Context, ensure};
use cucumber::{then, when};
use serde_json::Value;

use crate::jwt;
use crate::world::ConformanceWorld;

#[then(expr = "the document names {string} as {string}")]
async fn document_names(
    world: &mut ConformanceWorld,
    path: String,
    member: String,
) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let expected = world.url(&path);
    let actual = body.get(&member).and_then(Value::as_str);
    ensure!(
        actual == Some(expected.as_str()),
        "expected {member} {expected}, got {actual:?}"
    );
    Ok(())
}

#[then("the document's issuer is the server")]
async fn issuer_is_server(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let actual = body.get("issuer").and_then(Value::as_str);
    ensure!(
        actual == Some(world.issuer().as_str()),
        "expected issuer {}, got {actual:?}",
        world.issuer()
    );
    Ok(())
}

#[then(expr = "the document lists {string} under {string}")]
async fn document_lists(
    world: &mut ConformanceWorld,
    values: String,
    member: String,
) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let actual: Vec<&str> = body
        .get(&member)
        .and_then(Value::as_array)
        .with_context(|| format!("{member} is not a list in {body}"))?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let expected: Vec<&str> = values.split(',').map(str::trim).collect();
    ensure!(
        actual == expected,
        "expected {member} {expected:?}, got {actual:?}"
    );
    Ok(())
}

/// Every value named is in the list, in any order (the server may list more).
#[then(expr = "the document lists {string} among {string}")]
async fn document_lists_among(
    world: &mut ConformanceWorld,
    values: String,
    member: String,
) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let actual: Vec<&str> = body
        .get(&member)
        .and_then(Value::as_array)
        .with_context(|| format!("{member} is not a list in {body}"))?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for value in values.split(',').map(str::trim) {
        ensure!(
            actual.contains(&value),
            "{member} lacks {value}: {actual:?}"
        );
    }
    Ok(())
}

#[then(expr = "the document has {string} set to {word}")]
async fn document_flag(
    world: &mut ConformanceWorld,
    member: String,
    value: String,
) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let expected: Value = serde_json::from_str(&value).context("a JSON literal")?;
    ensure!(
        body.get(&member) == Some(&expected),
        "expected {member} {expected}, got {:?}",
        body.get(&member)
    );
    Ok(())
}

#[then(expr = "the document has no {string}")]
async fn document_lacks(world: &mut ConformanceWorld, member: String) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    ensure!(
        body.get(&member).is_none(),
        "expected no {member} in {body}"
    );
    Ok(())
}

#[then("every endpoint in the document is on the server")]
async fn endpoints_on_server(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    let base = format!("{}/", world.target.base_url());
    let object = body.as_object().context("the document is an object")?;
    let mut seen = 0;
    for (name, value) in object {
        if name.ends_with("_endpoint") || name == "jwks_uri" {
            let url = value.as_str().unwrap_or_default();
            ensure!(url.starts_with(&base), "{name} {url} is not under {base}");
            seen += 1;
        }
    }
    ensure!(seen > 0, "the document names no endpoints");
    Ok(())
}

#[then("the JWKS holds the RSA key that signs the server's tokens")]
async fn jwks_signing_key(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let jwks = world.last()?.json()?;
    world.jwks = Some(jwks.clone());
    let keys = jwks
        .get("keys")
        .and_then(Value::as_array)
        .context("the JWKS has no keys")?;
    let rsa = keys
        .iter()
        .find(|k| k.get("kty").and_then(Value::as_str) == Some("RSA"))
        .context("the JWKS has no RSA key")?;
    for (member, value) in [("use", "sig"), ("alg", "RS256")] {
        ensure!(
            rsa.get(member).and_then(Value::as_str) == Some(value),
            "the RSA key needs {member} {value}: {rsa}"
        );
    }
    let kid = rsa.get("kid").and_then(Value::as_str).unwrap_or_default();
    ensure!(
        rsa.get("x5t#S256").and_then(Value::as_str) == Some(kid),
        "the kid is the certificate's SHA-256 thumbprint (x5t#S256): {rsa}"
    );
    ensure!(
        rsa.get("x5c")
            .and_then(Value::as_array)
            .is_some_and(|c| !c.is_empty()),
        "the RSA key carries its certificate chain (x5c): {rsa}"
    );
    // Whatever the server signs must verify with this key.
    let assertion = super::flow::assertion_for(world, "thor").await?;
    let header = jsonwebtoken::decode_header(&assertion)?;
    ensure!(
        header.kid.as_deref() == Some(kid),
        "tokens are signed with kid {:?}, the JWKS offers {kid}",
        header.kid
    );
    jwt::verify(world, &assertion).await.map(|_| ())
}

#[when(expr = "the browser at {string} sends {word} {string}")]
async fn browser_sends(
    world: &mut ConformanceWorld,
    origin: String,
    method: String,
    path: String,
) -> anyhow::Result<()> {
    let method = reqwest::Method::from_bytes(method.as_bytes()).context("an HTTP method")?;
    let request = world
        .http
        .request(method, world.url(&path))
        .header("origin", origin);
    world.send(request).await?;
    Ok(())
}

#[when(expr = "the browser at {string} asks before sending {word} {string}")]
async fn browser_preflight(
    world: &mut ConformanceWorld,
    origin: String,
    method: String,
    path: String,
) -> anyhow::Result<()> {
    preflight(world, origin, method, path, None).await
}

#[when(
    expr = "the browser at {string} asks before sending {word} {string} with the headers {string}"
)]
async fn browser_preflight_headers(
    world: &mut ConformanceWorld,
    origin: String,
    method: String,
    path: String,
    headers: String,
) -> anyhow::Result<()> {
    preflight(world, origin, method, path, Some(headers)).await
}

async fn preflight(
    world: &mut ConformanceWorld,
    origin: String,
    method: String,
    path: String,
    headers: Option<String>,
) -> anyhow::Result<()> {
    let mut request = world
        .http
        .request(reqwest::Method::OPTIONS, world.url(&path))
        .header("origin", origin)
        .header("access-control-request-method", method);
    if let Some(headers) = headers {
        request = request.header("access-control-request-headers", headers);
    }
    world.send(request).await?;
    Ok(())
}

#[then(expr = "the browser may read the response as {string}")]
async fn cors_allowed(world: &mut ConformanceWorld, origin: String) -> anyhow::Result<()> {
    let last = world.last()?;
    let allowed = last.header("access-control-allow-origin");
    ensure!(
        allowed == Some(origin.as_str()),
        "expected Access-Control-Allow-Origin {origin}, got {allowed:?}"
    );
    let vary = last.header("vary").unwrap_or_default();
    ensure!(
        vary.split(',')
            .any(|v| v.trim().eq_ignore_ascii_case("origin")),
        "an echoed origin needs Vary: Origin, got {vary:?}"
    );
    Ok(())
}

#[then("the browser may not read the response")]
async fn cors_refused(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let last = world.last()?;
    for header in [
        "access-control-allow-origin",
        "access-control-allow-credentials",
    ] {
        ensure!(
            last.header(header).is_none(),
            "expected no {header}, got {:?}",
            last.header(header)
        );
    }
    Ok(())
}
