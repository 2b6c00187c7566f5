//! Passkeys, as a browser page does them: the step's WebAuthn options go to an authenticator (the
//! mock's software authenticator, `POST /__mock/passkeys/attestation` and `/assertion`), and what
//! it returns is posted back as the step's inputs.

use anyhow::{Context, ensure};
use cucumber::{then, when};
use serde_json::{Map, Value, json};

use super::flow::{Challenge, continue_flow, response};
use crate::world::ConformanceWorld;

/// The options a step carries as a JSON string in `additionalData`. A step asked again after a
/// refused response carries none (the ceremony's session still holds): the page keeps the options
/// it was given, and so does the scenario.
fn options(world: &mut ConformanceWorld, key: &str) -> anyhow::Result<Value> {
    let carried = response(world)?
        .pointer(&format!("/data/additionalData/{key}"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let text = match carried {
        Some(text) => {
            world.vars.insert(key.to_owned(), text.clone());
            text
        }
        None => world
            .vars
            .get(key)
            .cloned()
            .with_context(|| format!("the step carries no {key}"))?,
    };
    serde_json::from_str(&text).with_context(|| format!("{key} is not JSON: {text}"))
}

/// The server's own origin: where the hosted pages run.
fn own_origin(world: &ConformanceWorld) -> String {
    world.url("/").trim_end_matches('/').to_owned()
}

/// Ask the control plane's authenticator, and post its answer back as the step's inputs.
async fn ceremony(
    world: &mut ConformanceWorld,
    kind: &str,
    key: &str,
    extra: Value,
) -> anyhow::Result<()> {
    let mut body = json!({"options": options(world, key)?, "origin": own_origin(world)});
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    let path = format!("/__mock/passkeys/{kind}");
    let answer = world.http.post(world.url(&path)).json(&body).send().await?;
    let status = answer.status().as_u16();
    let text = answer.text().await.unwrap_or_default();
    ensure!(status == 200, "POST {path} answered {status}: {text}");
    let credential: Value = serde_json::from_str(&text)?;
    let field = |name: &str| credential["response"][name].clone();
    let mut inputs = Map::new();
    inputs.insert("credentialId".into(), credential["id"].clone());
    inputs.insert("clientDataJSON".into(), field("clientDataJSON"));
    if kind == "attestation" {
        inputs.insert("attestationObject".into(), field("attestationObject"));
    } else {
        for name in ["authenticatorData", "signature", "userHandle"] {
            inputs.insert(name.into(), field(name));
        }
    }
    continue_flow(world, None, Some(inputs), Challenge::Current).await
}

#[when("the browser creates a passkey with the step's creation options")]
async fn create(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    ceremony(world, "attestation", "passkeyCreationOptions", json!({})).await
}

#[when(
    expr = "the browser creates a passkey with the step's creation options on the origin {string}"
)]
async fn create_elsewhere(world: &mut ConformanceWorld, origin: String) -> anyhow::Result<()> {
    ceremony(
        world,
        "attestation",
        "passkeyCreationOptions",
        json!({"origin": origin}),
    )
    .await
}

#[when(expr = "the browser creates a passkey with {string} attestation")]
async fn create_attested(world: &mut ConformanceWorld, format: String) -> anyhow::Result<()> {
    ceremony(
        world,
        "attestation",
        "passkeyCreationOptions",
        json!({"attestation": format}),
    )
    .await
}

#[when(expr = "the browser creates a passkey with {string} attestation and a forged statement")]
async fn create_forged(world: &mut ConformanceWorld, format: String) -> anyhow::Result<()> {
    ceremony(
        world,
        "attestation",
        "passkeyCreationOptions",
        json!({"attestation": format, "corruptSignature": true}),
    )
    .await
}

#[when("the browser creates a passkey without verifying the user")]
async fn create_unverified(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    ceremony(
        world,
        "attestation",
        "passkeyCreationOptions",
        json!({"userVerified": false}),
    )
    .await
}

#[when("the browser signs the step's passkey challenge")]
async fn sign(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    ceremony(world, "assertion", "passkeyChallenge", json!({})).await
}

#[when(expr = "the browser signs the step's passkey challenge on the origin {string}")]
async fn sign_elsewhere(world: &mut ConformanceWorld, origin: String) -> anyhow::Result<()> {
    ceremony(
        world,
        "assertion",
        "passkeyChallenge",
        json!({"origin": origin}),
    )
    .await
}

#[when("the browser signs the step's passkey challenge with a forged signature")]
async fn sign_forged(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    ceremony(
        world,
        "assertion",
        "passkeyChallenge",
        json!({"corruptSignature": true}),
    )
    .await
}

#[when(expr = "the browser signs the step's passkey challenge for the relying party {string}")]
async fn sign_other_rp(world: &mut ConformanceWorld, rp_id: String) -> anyhow::Result<()> {
    ceremony(
        world,
        "assertion",
        "passkeyChallenge",
        json!({"rpId": rp_id}),
    )
    .await
}

#[then(
    expr = "the step offers passkey creation options for the relying party {string} and the user {string}"
)]
async fn creation_options(
    world: &mut ConformanceWorld,
    rp_id: String,
    username: String,
) -> anyhow::Result<()> {
    let options = options(world, "passkeyCreationOptions")?;
    ensure!(
        options["rp"]["id"] == rp_id.as_str(),
        "rp: {}",
        options["rp"]
    );
    ensure!(
        options["user"]["name"] == username.as_str(),
        "user: {}",
        options["user"]
    );
    ensure!(
        options["challenge"].as_str().is_some_and(|c| c.len() == 43),
        "challenge: {}",
        options["challenge"]
    );
    Ok(())
}

#[then(
    expr = "the step carries a passkey challenge for the relying party {string} allowing {int} credential(s)"
)]
async fn request_options(
    world: &mut ConformanceWorld,
    rp_id: String,
    count: usize,
) -> anyhow::Result<()> {
    let options = options(world, "passkeyChallenge")?;
    ensure!(
        options["rpId"] == rp_id.as_str(),
        "rpId: {}",
        options["rpId"]
    );
    let allowed = options["allowCredentials"].as_array().map_or(0, Vec::len);
    ensure!(
        allowed == count,
        "allowCredentials: {}",
        options["allowCredentials"]
    );
    Ok(())
}

/// Finish a Direct API ceremony: the last answer's options go to the control plane's
/// authenticator (from the server's own origin, with `extra`), and its credential to `path` with
/// the answer's session token and the Direct-Auth-Secret.
async fn finish_direct(
    world: &mut ConformanceWorld,
    kind: &str,
    options_member: &str,
    path: &str,
    extra: Value,
) -> anyhow::Result<()> {
    let started = world.last()?.json()?;
    let options = started
        .get(options_member)
        .cloned()
        .with_context(|| format!("the answer has no {options_member}: {started}"))?;
    let session_token = started["sessionToken"].clone();
    let mut body = json!({"options": options, "origin": own_origin(world)});
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    let control = format!("/__mock/passkeys/{kind}");
    let answer = world
        .http
        .post(world.url(&control))
        .json(&body)
        .send()
        .await?;
    let status = answer.status().as_u16();
    let text = answer.text().await.unwrap_or_default();
    ensure!(status == 200, "POST {control} answered {status}: {text}");
    let credential: Value = serde_json::from_str(&text)?;
    let request = world
        .http
        .post(world.url(path))
        .header("direct-auth-secret", super::authn::direct_auth_secret())
        .json(&json!({"publicKeyCredential": credential, "sessionToken": session_token}));
    world.send(request).await?;
    Ok(())
}

#[when("the backend finishes the passkey registration with the browser's new passkey")]
async fn direct_register(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    finish_direct(
        world,
        "attestation",
        "publicKeyCredentialCreationOptions",
        "/register/passkey/finish",
        json!({}),
    )
    .await
}

#[when(
    expr = "the backend finishes the passkey registration with a passkey made on the origin {string}"
)]
async fn direct_register_elsewhere(
    world: &mut ConformanceWorld,
    origin: String,
) -> anyhow::Result<()> {
    finish_direct(
        world,
        "attestation",
        "publicKeyCredentialCreationOptions",
        "/register/passkey/finish",
        json!({"origin": origin}),
    )
    .await
}

#[when("the backend finishes the passkey sign-in with the browser's assertion")]
async fn direct_sign_in(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    finish_direct(
        world,
        "assertion",
        "publicKeyCredentialRequestOptions",
        "/auth/passkey/finish",
        json!({}),
    )
    .await
}

#[when("the backend finishes the passkey sign-in with a forged assertion")]
async fn direct_sign_in_forged(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    finish_direct(
        world,
        "assertion",
        "publicKeyCredentialRequestOptions",
        "/auth/passkey/finish",
        json!({"corruptSignature": true}),
    )
    .await
}
