//! `private_key_jwt`: the client assertion checks of the real server's `validateClientAssertion`
//! (`O2/clientauth/clientauth.go`), in its order, over the JWT service's `VerifyJWTWithPublicKey`
//! (`jose/jwt/service.go`):
//!
//! 1. the client has a certificate;
//! 2. `aud` is a single string equal to the server's issuer (FAPI 2.0 §5.3.2.1);
//! 3. the signature: an inline JWKS (`type` anything but `JWKS_URI`) must parse, the header must
//!    carry a non-empty string `kid`, the first key with that `kid` is taken, then the header's
//!    `alg`, the key's type and the signature as `cryptolib.Verify` checks them (shared with the
//!    OpenID4VP verifier, [`jws`]). A `JWKS_URI` certificate (`VerifyJWTWithJWKS`): the header's
//!    `kid` must be a string, the set comes from the URL's cache (`jwks_cache_ttl`, 300 s) or a
//!    `GET` through the HTTP executor's client (loopback and `--http-executor-allow` hosts only,
//!    plain HTTP, 10 s, a 200 with a JSON body), then the key by `kid` and the signature as above;
//! 4. `verifyJWTClaims`: `exp` required (expired once `now >= exp + leeway`), `nbf` when present
//!    (`now < nbf - leeway` refused), `aud` again, `iss` equal to the client id (`iat` is not read);
//! 5. `jti` a non-empty string, recorded until `exp + leeway`: a second use is a replay.
//!
//! Every refusal answers the same `invalid_client` error; the reason is kept for tests.

use serde_json::{Map, Value};

use crate::flow::outbound::{Outbound, OutboundRequest};
use crate::openid4vp::jose::unb64;
use crate::openid4vp::jws;
use crate::store::locked::Locked;
use crate::store::oauth::OAuthState;

/// What an assertion is checked against: the server's issuer and leeway, its clock and its replay
/// store.
#[derive(Clone, Copy)]
pub(crate) struct AssertionCheck<'a> {
    pub issuer: &'a str,
    /// `jwt.leeway`, in seconds.
    pub leeway: u64,
    pub now: u64,
    pub oauth: &'a Locked<OAuthState>,
    /// How a `JWKS_URI` is fetched.
    pub outbound: &'a dyn Outbound,
}

/// How long a fetched key set is reused (`server.security.jwks_cache_ttl`'s default).
const JWKS_CACHE_TTL: u64 = 300;
/// The JWT service's HTTP client timeout.
const JWKS_FETCH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Why an assertion was refused (the wire error is the same for all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    NoCertificate,
    Payload,
    Audience,
    /// A `JWKS_URI` that could not be fetched or parsed.
    JwksUri,
    CertificateFormat,
    Header,
    MissingKid,
    NoMatchingKey,
    Key,
    Signature,
    Expired,
    NotYetValid,
    Issuer,
    MissingJti,
    Replay,
}

/// `jwt.DecodeJWTPayload`: three segments, the second unpadded base64url JSON object.
pub(crate) fn decode_payload(assertion: &str) -> Option<Map<String, Value>> {
    decode_segment(assertion, 1)
}

fn decode_segment(assertion: &str, index: usize) -> Option<Map<String, Value>> {
    let parts: Vec<&str> = assertion.split('.').collect();
    if parts.len() != 3 {
        return None;
    }
    let bytes = unb64(parts[index]).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// `validateClientAssertion` for the client `client_id` holding `certificate`.
pub(crate) fn validate(
    check: &AssertionCheck<'_>,
    certificate: Option<&Value>,
    client_id: &str,
    assertion: &str,
) -> Result<(), Refusal> {
    let certificate = certificate
        .filter(|c| !c.is_null())
        .ok_or(Refusal::NoCertificate)?;
    let claims = decode_payload(assertion).ok_or(Refusal::Payload)?;
    if claims.get("aud").and_then(Value::as_str) != Some(check.issuer) {
        return Err(Refusal::Audience);
    }
    verify_signature(check, certificate, assertion)?;
    verify_claims(check, &claims, client_id)?;
    record_jti(check, &claims)
}

fn verify_signature(
    check: &AssertionCheck<'_>,
    certificate: &Value,
    assertion: &str,
) -> Result<(), Refusal> {
    let text = |name: &str| certificate.get(name).and_then(Value::as_str);
    let uri = text("type") == Some("JWKS_URI");
    let keys = if uri {
        if assertion.split('.').count() != 3 {
            return Err(Refusal::Payload);
        }
        None
    } else {
        Some(parse_jwks(text("value").unwrap_or_default().as_bytes())?)
    };
    let header = decode_segment(assertion, 0).ok_or(Refusal::Header)?;
    // The URI path only asks for a string `kid`; the inline one for a non-empty one.
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .filter(|k| uri || !k.is_empty())
        .ok_or(Refusal::MissingKid)?;
    let keys = match keys {
        Some(keys) => keys,
        None => fetch_jwks(check, text("value").unwrap_or_default())?,
    };
    let jwk = keys
        .into_iter()
        .find(|key| key.get("kid").and_then(Value::as_str) == Some(kid))
        .ok_or(Refusal::NoMatchingKey)?;
    let key = jws::jwk_key(&jwk).map_err(|_| Refusal::Key)?;
    jws::verify(assertion, &key).map_err(|_| Refusal::Signature)
}

/// `{"keys": [...]}` as Go unmarshals it (`null` or no `keys`: none).
fn parse_jwks(bytes: &[u8]) -> Result<Vec<Map<String, Value>>, Refusal> {
    #[derive(serde::Deserialize)]
    struct Jwks {
        #[serde(default)]
        keys: Option<Vec<Map<String, Value>>>,
    }
    let jwks: Jwks = serde_json::from_slice(bytes).map_err(|_| Refusal::CertificateFormat)?;
    Ok(jwks.keys.unwrap_or_default())
}

/// `getJWKSKeys`: the cached set while fresh, else a `GET` that must answer 200 with a JWKS.
fn fetch_jwks(check: &AssertionCheck<'_>, url: &str) -> Result<Vec<Map<String, Value>>, Refusal> {
    if let Some(keys) = check.oauth.read(|o| o.cached_jwks(url, check.now)) {
        return Ok(keys);
    }
    let request = OutboundRequest {
        method: "GET".to_owned(),
        url: url.to_owned(),
        headers: Vec::new(),
        body: None,
        timeout: JWKS_FETCH_TIMEOUT,
    };
    let response = check
        .outbound
        .send(&request)
        .map_err(|_| Refusal::JwksUri)?;
    if response.status != 200 {
        return Err(Refusal::JwksUri);
    }
    let keys = parse_jwks(&response.body).map_err(|_| Refusal::JwksUri)?;
    let expires_at = check.now.saturating_add(JWKS_CACHE_TTL);
    check.oauth.write(|o| {
        o.cache_jwks(
            url,
            keys.clone(),
            response.body.len(),
            expires_at,
            check.now,
        )
    });
    Ok(keys)
}

/// `int64(claim)` of a JSON number, as Go truncates it.
fn whole(value: f64) -> i64 {
    value.trunc() as i64
}

fn verify_claims(
    check: &AssertionCheck<'_>,
    claims: &Map<String, Value>,
    client_id: &str,
) -> Result<(), Refusal> {
    let now = i64::try_from(check.now).unwrap_or(i64::MAX);
    let leeway = i64::try_from(check.leeway).unwrap_or(i64::MAX);
    let exp = claims
        .get("exp")
        .and_then(Value::as_f64)
        .ok_or(Refusal::Expired)?;
    if now >= whole(exp).saturating_add(leeway) {
        return Err(Refusal::Expired);
    }
    if let Some(nbf) = claims.get("nbf") {
        let nbf = nbf.as_f64().ok_or(Refusal::NotYetValid)?;
        if now < whole(nbf).saturating_sub(leeway) {
            return Err(Refusal::NotYetValid);
        }
    }
    if claims.get("iss").and_then(Value::as_str) != Some(client_id) {
        return Err(Refusal::Issuer);
    }
    Ok(())
}

/// `recordAssertionJTI`: one use per `jti` until `exp + leeway`.
fn record_jti(check: &AssertionCheck<'_>, claims: &Map<String, Value>) -> Result<(), Refusal> {
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .filter(|j| !j.is_empty())
        .ok_or(Refusal::MissingJti)?;
    let exp = claims
        .get("exp")
        .and_then(Value::as_f64)
        .ok_or(Refusal::Expired)?;
    let leeway = i64::try_from(check.leeway).unwrap_or(i64::MAX);
    let expires_at = u64::try_from(whole(exp).saturating_add(leeway)).unwrap_or(0);
    let inserted = check
        .oauth
        .write(|o| o.record_assertion_jti(jti, expires_at, check.now));
    if inserted {
        Ok(())
    } else {
        Err(Refusal::Replay)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::flow::outbound::Offline;
    use crate::openid4vp::jws::{Alg, SigningKey};

    const ISSUER: &str = "https://localhost:8090";
    const NOW: u64 = 1_000_000;

    fn jwks_certificate(key: &SigningKey, kid: &str) -> Value {
        let mut jwk = key.public_jwk();
        jwk.insert("kid".into(), kid.into());
        json!({"type": "JWKS", "value": json!({"keys": [jwk]}).to_string()})
    }

    fn sign(key: &SigningKey, kid: &str, claims: &Value) -> String {
        let mut header = Map::new();
        header.insert("kid".into(), kid.into());
        key.sign_jws(&header, claims)
    }

    fn good() -> Value {
        json!({"iss": "c1", "sub": "c1", "aud": ISSUER, "exp": NOW + 60, "jti": "j"})
    }

    /// Each refusal for its own reason, in the server's order; nothing is recorded until the end.
    #[test]
    fn each_check_refuses_for_its_reason_and_only_a_full_pass_records_the_jti() {
        let store = Locked::new(OAuthState::default());
        let check = AssertionCheck {
            issuer: ISSUER,
            leeway: 30,
            now: NOW,
            oauth: &store,
            outbound: &Offline,
        };
        let key = SigningKey::generate(Alg::Es256);
        let cert = jwks_certificate(&key, "k1");
        let with = |change: &dyn Fn(&mut Map<String, Value>)| {
            let mut claims = good();
            change(claims.as_object_mut().unwrap());
            sign(&key, "k1", &claims)
        };
        let run = |cert: Option<&Value>, assertion: &str| validate(&check, cert, "c1", assertion);
        let other = SigningKey::generate(Alg::Es256);
        let uri = json!({"type": "JWKS_URI", "value": "https://keys.example"});
        let broken = json!({"type": "JWKS", "value": "{"});
        let cases: Vec<(Option<&Value>, String, Refusal)> = vec![
            (None, with(&|_| {}), Refusal::NoCertificate),
            (Some(&cert), "a.b".into(), Refusal::Payload),
            (
                Some(&cert),
                with(&|c| {
                    c.insert("aud".into(), json!([ISSUER]));
                }),
                Refusal::Audience,
            ),
            (Some(&uri), with(&|_| {}), Refusal::JwksUri),
            (Some(&broken), with(&|_| {}), Refusal::CertificateFormat),
            (Some(&cert), sign(&key, "", &good()), Refusal::MissingKid),
            (
                Some(&cert),
                sign(&key, "k2", &good()),
                Refusal::NoMatchingKey,
            ),
            (Some(&cert), sign(&other, "k1", &good()), Refusal::Signature),
            (
                Some(&cert),
                with(&|c| {
                    c.insert("exp".into(), json!(NOW - 30));
                }),
                Refusal::Expired,
            ),
            (
                Some(&cert),
                with(&|c| {
                    c.insert("nbf".into(), json!(NOW + 31));
                }),
                Refusal::NotYetValid,
            ),
            (
                Some(&cert),
                with(&|c| {
                    c.insert("nbf".into(), json!("soon"));
                }),
                Refusal::NotYetValid,
            ),
            (
                Some(&cert),
                with(&|c| {
                    c.remove("iss");
                }),
                Refusal::Issuer,
            ),
            (
                Some(&cert),
                with(&|c| {
                    c.insert("jti".into(), json!(7));
                }),
                Refusal::MissingJti,
            ),
        ];
        for (cert, assertion, reason) in cases {
            assert_eq!(run(cert, &assertion), Err(reason), "{assertion}");
        }
        let assertion = with(&|_| {});
        assert_eq!(run(Some(&cert), &assertion), Ok(()));
        assert_eq!(run(Some(&cert), &assertion), Err(Refusal::Replay));
    }
}
