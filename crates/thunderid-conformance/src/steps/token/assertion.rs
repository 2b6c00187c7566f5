//! `private_key_jwt` client assertions: the suite holds one ES256 key (a test key, published in
//! `features/token-client-authentication.feature` as the client's inline JWKS) and signs
//! assertions with it as RFC 7523 and the server's `validateClientAssertion` want them: `iss` and
//! `sub` the client, `aud` the server's issuer, `exp` five minutes after the server's clock, a
//! fresh `jti`.

use anyhow::Context;
use cucumber::gherkin::Step;
use cucumber::when;
use serde_json::json;

use super::{ClientAuth, table_pairs, token_request};
use crate::world::ConformanceWorld;

/// The suite's client key (P-256, PKCS#8); its public half is the JWK with `kid` [`KEY_ID`].
const KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgrurPnlJhYbTQbY4M
O5DauRyTN/w8M/0UYq4czbHESYChRANCAATglLXYzUhiBup4ZLkqIFpUUDQ0ibxs
5z1/LCk8I6DWorBxZdU9MUd829EHTNrBK+kDkXF83QCEc2kmbL4WMaTS
-----END PRIVATE KEY-----
";
const KEY_ID: &str = "conformance-es256";
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Where the last signed assertion is kept, for a replay.
const KEPT: &str = "client_assertion";

async fn sign(world: &ConformanceWorld, client_id: &str) -> anyhow::Result<String> {
    let now = crate::steps::client::server_now(world).await;
    let claims = json!({"iss": client_id, "sub": client_id, "aud": world.issuer(),
        "iat": now, "exp": now + 300, "jti": format!("{:032x}", rand::random::<u128>())});
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = Some(KEY_ID.to_owned());
    let key = jsonwebtoken::EncodingKey::from_ec_pem(KEY_PEM.as_bytes())?;
    Ok(jsonwebtoken::encode(&header, &claims, &key)?)
}

async fn send(world: &mut ConformanceWorld, assertion: String, step: &Step) -> anyhow::Result<()> {
    let mut params = table_pairs(step)?;
    params.push(("client_assertion_type".into(), JWT_BEARER.into()));
    params.push(("client_assertion".into(), assertion.clone()));
    world.vars.insert(KEPT.into(), assertion);
    token_request(world, &ClientAuth::Anonymous, &params).await
}

#[when(expr = "the client {string} calls the token endpoint with a signed client assertion and:")]
async fn with_assertion(
    world: &mut ConformanceWorld,
    client_id: String,
    step: &Step,
) -> anyhow::Result<()> {
    let assertion = sign(world, &client_id).await?;
    send(world, assertion, step).await
}

#[when("the same client assertion is sent to the token endpoint again with:")]
async fn replayed(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let assertion = world
        .vars
        .get(KEPT)
        .cloned()
        .context("no client assertion was sent in this scenario")?;
    send(world, assertion, step).await
}
