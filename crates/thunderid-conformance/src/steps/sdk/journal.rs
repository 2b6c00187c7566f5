//! What the SDK sent, read back from the mock's journal (`GET /__mock/requests`): PKCE, state and
//! nonce, challenge tokens, the relayed assertion, JWKS fetches, refresh rotation; and the fault
//! the journal cannot arm by itself (a dropped connection).

use std::collections::BTreeSet;

use anyhow::{Context, bail, ensure};
use cucumber::{given, then, when};
use serde_json::{Value, json};

use super::skipped;
use crate::steps::oauth2::code_challenge;
use crate::world::ConformanceWorld;

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
    crate::steps::faults::arm(world, rule).await
}
