//! JWS verification and claim checks for ID tokens and flow assertions.
//!
//! The order is fixed, and each failure has its own [`IdTokenError`] variant:
//! 1. three base64url segments, a JSON header;
//! 2. the header's `alg` is RS256, RS384, RS512 or PS256: `none` and every HMAC are refused here,
//!    before a key is even looked up (so a public key can never be used as an HMAC secret);
//! 3. the `kid` is in the JWKS (fetched again once on a miss), and that key is an RSA signing key
//!    for this `alg`;
//! 4. the signature verifies;
//!    A `typ` other than `JWT` (an access token's `at+jwt`) is refused before the key lookup too.
//! 5. the claims decode; `iss` is the expected issuer; `aud` is (or contains) the expected
//!    audience; `exp`, `nbf` and `iat` hold against the injected clock with the leeway; with
//!    several audiences `azp` names this client; `nonce` matches.
//! 6. with the token response: `at_hash` and `c_hash`, when present, are the hashes of the access
//!    token and the code ([`check_token_hashes`]).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::de::DeserializeOwned;
use thunderid_protocol::ids::{IssuerUrl, KeyId};
use thunderid_protocol::oidc::{
    IdTokenClaims, Jwk, JwsAlgorithm, JwsHeader, KeyType, KeyUse, RegisteredClaims,
};

use super::jwks_cache::JwksCache;
use crate::error::IdTokenError;
use crate::http::Http;

/// The algorithms an ID token may be signed with (the JS SDK's RSA subset).
pub const ACCEPTED_ALGORITHMS: &[JwsAlgorithm] = &[
    JwsAlgorithm::Rs256,
    JwsAlgorithm::Rs384,
    JwsAlgorithm::Rs512,
    JwsAlgorithm::Ps256,
];

/// What the claims must say.
#[derive(Debug, Clone)]
pub(crate) struct Expectations<'a> {
    pub(crate) issuer: &'a IssuerUrl,
    /// The client id (ID tokens) or application id (assertions).
    pub(crate) audience: &'a str,
    pub(crate) now: u64,
    pub(crate) leeway: u64,
}

/// Where the verification keys come from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeySource<'a> {
    pub(crate) http: &'a Http,
    pub(crate) cache: &'a JwksCache,
    pub(crate) jwks_uri: &'a str,
}

/// Steps 1–4: checks the header and the signature, and returns the decoded claims.
pub(crate) async fn verify_signed<T: DeserializeOwned>(
    token: &str,
    keys: KeySource<'_>,
) -> Result<T, IdTokenError> {
    let mut segments = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(IdTokenError::Malformed(
            "a compact JWS has three segments".to_owned(),
        ));
    };
    let header: JwsHeader = decode_segment(header_b64, "header")?;
    let algorithm = accepted_algorithm(&header.algorithm)
        .ok_or_else(|| IdTokenError::UnsupportedAlgorithm(header.algorithm.as_str().to_owned()))?;
    if let Some(typ) = header
        .token_type
        .as_ref()
        .filter(|typ| !typ.eq_ignore_ascii_case("JWT"))
    {
        return Err(IdTokenError::WrongType(typ.clone()));
    }
    let kid = header
        .key_id
        .ok_or(IdTokenError::UnknownKey { kid: None })?;
    let jwk = keys.cache.key(keys.http, keys.jwks_uri, &kid).await?;
    let key = decoding_key(&jwk, &kid, &header.algorithm)?;
    if URL_SAFE_NO_PAD.decode(signature_b64).is_err() {
        return Err(IdTokenError::Malformed(
            "the signature is not base64url".to_owned(),
        ));
    }
    let message_len = header_b64.len() + 1 + payload_b64.len();
    let message = &token.as_bytes()[..message_len];
    match jsonwebtoken::crypto::verify(signature_b64, message, &key, algorithm) {
        Ok(true) => decode_segment(payload_b64, "claims"),
        Ok(false) | Err(_) => Err(IdTokenError::BadSignature),
    }
}

/// Step 5 for any token: `iss`, `aud`, `exp`, `nbf`.
pub(crate) fn check_registered(
    claims: &RegisteredClaims,
    expect: &Expectations<'_>,
) -> Result<(), IdTokenError> {
    if &claims.issuer != expect.issuer {
        return Err(IdTokenError::WrongIssuer {
            expected: expect.issuer.clone(),
            found: claims.issuer.clone(),
        });
    }
    if !claims.audience.contains(expect.audience) {
        return Err(IdTokenError::WrongAudience {
            expected: expect.audience.to_owned(),
            found: claims
                .audience
                .values()
                .into_iter()
                .map(str::to_owned)
                .collect(),
        });
    }
    if expect.now >= claims.expires_at.saturating_add(expect.leeway) {
        return Err(IdTokenError::Expired {
            expires_at: claims.expires_at,
            now: expect.now,
        });
    }
    if claims.not_before > expect.now.saturating_add(expect.leeway) {
        return Err(IdTokenError::NotYetValid {
            not_before: claims.not_before,
            now: expect.now,
        });
    }
    if claims.issued_at > expect.now.saturating_add(expect.leeway) {
        return Err(IdTokenError::IssuedInFuture {
            issued_at: claims.issued_at,
            now: expect.now,
        });
    }
    Ok(())
}

/// Step 5 for ID tokens: the registered claims, then `nonce` when one was sent.
pub(crate) fn check_id_token(
    claims: &IdTokenClaims,
    expect: &Expectations<'_>,
    nonce: Option<&str>,
) -> Result<(), IdTokenError> {
    check_registered(&claims.registered, expect)?;
    // OIDC Core 3.1.3.7: several audiences need an `azp`, and an `azp` must be this client.
    let azp = claims.extra.get("azp").and_then(|v| v.as_str());
    let several = claims.registered.audience.values().len() > 1;
    if (several && azp.is_none()) || azp.is_some_and(|azp| azp != expect.audience) {
        return Err(IdTokenError::WrongAuthorizedParty {
            found: azp.map(str::to_owned),
        });
    }
    match nonce {
        Some(expected) if claims.nonce.as_deref() != Some(expected) => {
            Err(IdTokenError::NonceMismatch {
                found: claims.nonce.clone(),
            })
        }
        _ => Ok(()),
    }
}

/// Step 6 (OIDC Core 3.1.3.8, 3.3.2.11): `at_hash` and `c_hash`, when the ID token has them, are
/// the left half of the hash of the access token and the code, with the hash of the token's `alg`.
pub(crate) fn check_token_hashes(
    id_token: &str,
    claims: &IdTokenClaims,
    access_token: Option<&str>,
    code: Option<&str>,
) -> Result<(), IdTokenError> {
    let header: JwsHeader =
        decode_segment(id_token.split('.').next().unwrap_or_default(), "header")?;
    let half_hash = |value: &str| {
        use sha2::Digest;
        let digest = match header.algorithm {
            JwsAlgorithm::Rs384 => sha2::Sha384::digest(value).to_vec(),
            JwsAlgorithm::Rs512 => sha2::Sha512::digest(value).to_vec(),
            _ => sha2::Sha256::digest(value).to_vec(),
        };
        URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
    };
    let claim = |name: &str| claims.extra.get(name).and_then(|v| v.as_str());
    if let (Some(expected), Some(token)) = (claim("at_hash"), access_token)
        && expected != half_hash(token)
    {
        return Err(IdTokenError::AccessTokenHashMismatch);
    }
    if let (Some(expected), Some(code)) = (claim("c_hash"), code)
        && expected != half_hash(code)
    {
        return Err(IdTokenError::CodeHashMismatch);
    }
    Ok(())
}

/// The `jsonwebtoken` algorithm for an accepted `alg`; `None` for everything else.
fn accepted_algorithm(algorithm: &JwsAlgorithm) -> Option<Algorithm> {
    match algorithm {
        JwsAlgorithm::Rs256 => Some(Algorithm::RS256),
        JwsAlgorithm::Rs384 => Some(Algorithm::RS384),
        JwsAlgorithm::Rs512 => Some(Algorithm::RS512),
        JwsAlgorithm::Ps256 => Some(Algorithm::PS256),
        _ => None,
    }
}

/// The verification key of an RSA signing JWK meant for `algorithm`.
fn decoding_key(
    jwk: &Jwk,
    kid: &KeyId,
    algorithm: &JwsAlgorithm,
) -> Result<DecodingKey, IdTokenError> {
    let unusable = |reason: String| IdTokenError::UnusableKey {
        kid: kid.clone(),
        reason,
    };
    if jwk.key_type != KeyType::Rsa {
        return Err(unusable(format!(
            "a {} key cannot verify {algorithm}",
            jwk.key_type
        )));
    }
    if jwk
        .key_use
        .as_ref()
        .is_some_and(|key_use| key_use != &KeyUse::Signature)
    {
        return Err(unusable("the key is not a signing key".to_owned()));
    }
    if let Some(key_algorithm) = jwk
        .algorithm
        .as_ref()
        .filter(|key_algorithm| *key_algorithm != algorithm)
    {
        return Err(unusable(format!(
            "the key is for {key_algorithm}, the token says {algorithm}"
        )));
    }
    let (Some(modulus), Some(exponent)) = (&jwk.modulus, &jwk.exponent) else {
        return Err(unusable("the key has no modulus or exponent".to_owned()));
    };
    DecodingKey::from_rsa_components(modulus, exponent).map_err(|e| unusable(e.to_string()))
}

fn decode_segment<T: DeserializeOwned>(segment: &str, what: &str) -> Result<T, IdTokenError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|e| IdTokenError::Malformed(format!("the {what} is not base64url: {e}")))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| IdTokenError::Malformed(format!("the {what} does not decode: {e}")))
}

#[cfg(test)]
mod tests {
    use thunderid_protocol::oidc::Audience;

    use super::*;

    fn registered(aud: Audience, exp: u64, nbf: u64) -> RegisteredClaims {
        RegisteredClaims {
            issuer: IssuerUrl::new("https://id.example"),
            subject: Some("user".to_owned()),
            audience: aud,
            expires_at: exp,
            issued_at: nbf,
            not_before: nbf,
            jwt_id: "jti".to_owned(),
        }
    }

    fn expect(now: u64) -> (IssuerUrl, u64) {
        (IssuerUrl::new("https://id.example"), now)
    }

    #[test]
    fn time_checks_apply_the_leeway_on_both_sides() {
        let (issuer, _) = expect(0);
        let at = |now| Expectations {
            issuer: &issuer,
            audience: "app",
            now,
            leeway: 60,
        };
        let claims = registered(Audience::One("app".to_owned()), 1_000, 500);
        assert!(check_registered(&claims, &at(1_059)).is_ok());
        assert!(matches!(
            check_registered(&claims, &at(1_060)),
            Err(IdTokenError::Expired {
                expires_at: 1_000,
                now: 1_060
            })
        ));
        assert!(check_registered(&claims, &at(440)).is_ok());
        assert!(matches!(
            check_registered(&claims, &at(439)),
            Err(IdTokenError::NotYetValid {
                not_before: 500,
                now: 439
            })
        ));
    }

    #[test]
    fn the_audience_may_be_an_array_containing_the_client() {
        let (issuer, now) = expect(100);
        let expectations = Expectations {
            issuer: &issuer,
            audience: "app",
            now,
            leeway: 0,
        };
        let many = registered(
            Audience::Many(vec!["other".to_owned(), "app".to_owned()]),
            1_000,
            0,
        );
        assert!(check_registered(&many, &expectations).is_ok());
        let wrong = registered(Audience::Many(vec!["other".to_owned()]), 1_000, 0);
        assert!(matches!(
            check_registered(&wrong, &expectations),
            Err(IdTokenError::WrongAudience { found, .. }) if found == vec!["other".to_owned()]
        ));
    }

    #[test]
    fn only_the_rsa_subset_is_accepted() {
        for (alg, accepted) in [
            ("RS256", true),
            ("RS384", true),
            ("RS512", true),
            ("PS256", true),
            ("PS384", false),
            ("ES256", false),
            ("HS256", false),
            ("none", false),
            ("EdDSA", false),
        ] {
            assert_eq!(
                accepted_algorithm(&JwsAlgorithm::parse(alg)).is_some(),
                accepted,
                "{alg}"
            );
        }
    }
}
