//! OpenID4VP, as a wallet app does it: the step's `openid4vpWalletUri` goes to the mock's fake
//! wallet (`POST /__mock/wallet/present`), which fetches the signed request object, presents a
//! credential for a user and posts it to the verifier's `response_uri`; its answer becomes the
//! last response. The page meanwhile polls the flow.

use anyhow::{Context, ensure};
use cucumber::{then, when};
use serde_json::{Value, json};

use super::flow::response;
use crate::world::ConformanceWorld;

const WALLET_URI: &str = "openid4vpWalletUri";

#[then(expr = "the step links to the wallet with the client id {string}")]
async fn links_to_wallet(world: &mut ConformanceWorld, client_id: String) -> anyhow::Result<()> {
    let data = response(world)?
        .pointer("/data/additionalData")
        .cloned()
        .context("the step carries no additionalData")?;
    let text = |key: &str| {
        data.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    ensure!(text("openid4vpClientId") == client_id, "client id: {data}");
    let request_uri = text("openid4vpRequestUri");
    let prefix = world.url("/openid4vp/request?state=");
    ensure!(
        request_uri.starts_with(&prefix),
        "request URI {request_uri:?} is not under {prefix:?}"
    );
    let expected: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", &client_id)
        .append_pair("request_uri", &request_uri)
        .append_pair("request_uri_method", "get")
        .finish();
    ensure!(
        text(WALLET_URI) == format!("openid4vp://?{expected}"),
        "wallet URI: {data}"
    );
    world.vars.insert(WALLET_URI.to_owned(), text(WALLET_URI));
    Ok(())
}

/// Ask the fake wallet to present `username`'s credential, with `options` added to its request
/// (`defect`, `credentialAlg`, `holderAlg`).
async fn present(
    world: &mut ConformanceWorld,
    username: &str,
    options: &[(&str, &str)],
) -> anyhow::Result<()> {
    let carried = response(world)
        .ok()
        .and_then(|r| r.pointer("/data/additionalData/openid4vpWalletUri"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let wallet_uri = match carried {
        Some(uri) => uri,
        None => world
            .vars
            .get(WALLET_URI)
            .cloned()
            .context("no wallet link seen yet")?,
    };
    world.vars.insert(WALLET_URI.to_owned(), wallet_uri.clone());
    let mut body = json!({"requestUri": wallet_uri, "username": username});
    for (name, value) in options {
        body[*name] = json!(value);
    }
    let request = world
        .http
        .post(world.url("/__mock/wallet/present"))
        .json(&body);
    world.send(request).await?;
    Ok(())
}

#[when(expr = "the user's wallet presents the credential of {string}")]
async fn wallet_presents(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    present(world, &username, &[]).await?;
    presented(world)
}

/// The verifier accepted the presentation.
fn presented(world: &ConformanceWorld) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        last.status == 200,
        "the verifier refused the presentation: {} {}",
        last.status,
        last.body
    );
    Ok(())
}

#[when(expr = "the user's wallet presents the credential of {string} with the defect {string}")]
async fn wallet_presents_defect(
    world: &mut ConformanceWorld,
    username: String,
    defect: String,
) -> anyhow::Result<()> {
    present(world, &username, &[("defect", &defect)]).await
}

#[when(
    expr = "the user's wallet presents the credential of {string} signed with {string} and a {string} holder key"
)]
async fn wallet_presents_with_algorithms(
    world: &mut ConformanceWorld,
    username: String,
    credential_alg: String,
    holder_alg: String,
) -> anyhow::Result<()> {
    let options = [
        ("credentialAlg", credential_alg.as_str()),
        ("holderAlg", holder_alg.as_str()),
    ];
    present(world, &username, &options).await?;
    presented(world)
}

#[then(expr = "the error description is {string}")]
async fn flow_error_description(
    world: &mut ConformanceWorld,
    description: String,
) -> anyhow::Result<()> {
    let response = response(world)?;
    let actual = response
        .pointer("/error/description/defaultValue")
        .and_then(Value::as_str);
    ensure!(
        actual == Some(description.as_str()),
        "expected the description {description:?}, got {actual:?} in {response}"
    );
    Ok(())
}
