//! Token checks the way a relying party does them: fetch the server's JWKS, pick the key by `kid`,
//! verify the RS256 signature. Tokens are never compared as strings.

use anyhow::{Context, bail, ensure};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

use crate::world::ConformanceWorld;

/// A token whose signature verified against the server's JWKS.
#[derive(Debug, Clone)]
pub struct Verified {
    pub header: jsonwebtoken::Header,
    pub claims: Map<String, Value>,
}

impl Verified {
    /// The `typ` header.
    pub fn typ(&self) -> Option<&str> {
        self.header.typ.as_deref()
    }

    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.claims.get(name)
    }

    pub fn str_claim(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }
}

/// The server's JWKS (`GET /oauth2/jwks`), fetched once per scenario.
pub async fn jwks(world: &mut ConformanceWorld) -> anyhow::Result<Value> {
    if let Some(jwks) = &world.jwks {
        return Ok(jwks.clone());
    }
    let response = world.http.get(world.url("/oauth2/jwks")).send().await?;
    let status = response.status().as_u16();
    let body = response.text().await?;
    ensure!(status == 200, "GET /oauth2/jwks answered {status}: {body}");
    let jwks: Value = serde_json::from_str(&body).context("the JWKS is JSON")?;
    world.jwks = Some(jwks.clone());
    Ok(jwks)
}

/// Verify `token`'s RS256 signature with the JWKS key named by its `kid`, and that `iss` is the
/// server. Expiry is checked separately (against the server's clock, which scenarios move).
pub async fn verify(world: &mut ConformanceWorld, token: &str) -> anyhow::Result<Verified> {
    let header = jsonwebtoken::decode_header(token)
        .with_context(|| format!("not a JWT: {}", shorten(token)))?;
    ensure!(
        header.alg == Algorithm::RS256,
        "expected alg RS256, got {:?}",
        header.alg
    );
    let kid = header.kid.clone().context("the token header has no kid")?;
    let jwks = jwks(world).await?;
    let key = jwks
        .get("keys")
        .and_then(Value::as_array)
        .and_then(|keys| {
            keys.iter()
                .find(|k| k.get("kid").and_then(Value::as_str) == Some(kid.as_str()))
        })
        .with_context(|| format!("no key with kid {kid} in the server's JWKS"))?;
    let component = |name: &str| {
        key.get(name)
            .and_then(Value::as_str)
            .with_context(|| format!("JWKS key {kid} has no {name}"))
    };
    let decoding = DecodingKey::from_rsa_components(component("n")?, component("e")?)
        .context("the JWKS key is a valid RSA key")?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let data = jsonwebtoken::decode::<Map<String, Value>>(token, &decoding, &validation)
        .map_err(|e| anyhow::anyhow!("the signature does not verify against the JWKS: {e}"))?;
    let issuer = world.issuer();
    let iss = data.claims.get("iss").and_then(Value::as_str);
    ensure!(
        iss == Some(issuer.as_str()),
        "expected iss {issuer}, got {iss:?}"
    );
    Ok(Verified {
        header: data.header,
        claims: data.claims,
    })
}

/// Check that a claim has the expected value; arrays match a string by membership, numbers by
/// their decimal text.
pub fn expect_claim(verified: &Verified, name: &str, expected: &str) -> anyhow::Result<()> {
    let actual = verified.claim(name);
    let matches = match actual {
        Some(Value::String(s)) => s == expected,
        Some(Value::Number(n)) => n.to_string() == expected,
        Some(Value::Bool(b)) => b.to_string() == expected,
        // A JSON array is the whole claim; a bare value is one of its members.
        Some(Value::Array(items)) => match serde_json::from_str::<Value>(expected) {
            Ok(whole @ Value::Array(_)) => actual == Some(&whole),
            _ => items.iter().any(|i| i.as_str() == Some(expected)),
        },
        Some(Value::Object(_)) => serde_json::from_str::<Value>(expected).ok().as_ref() == actual,
        Some(Value::Null) | None => false,
    };
    if !matches {
        bail!(
            "claim {name}: expected {expected:?}, got {}",
            actual.map_or_else(|| "nothing".to_owned(), Value::to_string)
        );
    }
    Ok(())
}

/// The first characters of a secret, for messages.
pub fn shorten(token: &str) -> String {
    let head: String = token.chars().take(16).collect();
    if token.chars().count() > 16 {
        format!("{head}…")
    } else {
        head
    }
}
