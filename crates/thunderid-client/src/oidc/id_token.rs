//! JWS verification and claim checks for ID tokens and flow assertions.
//!
//! The order is fixed, and each failure has its own [`IdTokenError`] variant:
//! 1. three base64url segments, a JSON header;
//! 2. the header's `alg` is one the server signs with (RS256, ES256, ES384, ES512, EdDSA, ML-DSA-44,
//!    ML-DSA-65, ML-DSA-87) or one
//!    verifiers such as the JS SDK accept beside them (RS384, RS512, PS256): `none` and every HMAC
//!    are refused here, before a key is even looked up (so a public key can never be used as an
//!    HMAC secret);
//! 3. the `kid` is in the JWKS (fetched again once on a miss), and that key is a signing key of
//!    the `alg`'s type (RSA; EC on the `alg`'s curve; OKP Ed25519; AKP) whose own `alg`, if given, is
//!    the token's;
//! 4. the signature verifies;
//!    A `typ` other than `JWT` (an access token's `at+jwt`) is refused before the key lookup too.
//! 5. the claims decode; `iss` is the expected issuer; `aud` is (or contains) the expected
//!    audience; `exp`, `nbf` and `iat` hold against the injected clock with the leeway; with
//!    several audiences `azp` names this client; `nonce` matches.
//! 6. with the token response: `at_hash` and `c_hash`, when present, are the hashes of the access
//!    token and the code ([`check_token_hashes`]).

use aws_lc_rs::signature::{self, RsaParameters, RsaPublicKeyComponents, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use thunderid_protocol::ids::{IssuerUrl, KeyId};
use thunderid_protocol::oidc::{
    IdTokenClaims, Jwk, JwsAlgorithm, JwsHeader, KeyType, KeyUse, RegisteredClaims,
};

use super::jwks_cache::JwksCache;
use crate::error::IdTokenError;
use crate::http::Http;

/// The algorithms an ID token may be signed with: every one the server's keys sign with, and the
/// RSA variants the JS SDK accepts.
pub const ACCEPTED_ALGORITHMS: &[JwsAlgorithm] = &[
    JwsAlgorithm::Rs256,
    JwsAlgorithm::Rs384,
    JwsAlgorithm::Rs512,
    JwsAlgorithm::Ps256,
    JwsAlgorithm::Es256,
    JwsAlgorithm::Es384,
    JwsAlgorithm::Es512,
    JwsAlgorithm::EdDsa,
    JwsAlgorithm::MlDsa44,
    JwsAlgorithm::MlDsa65,
    JwsAlgorithm::MlDsa87,
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
    let key = verifying_key(&jwk, &kid, &header.algorithm, algorithm)?;
    let Ok(signature) = URL_SAFE_NO_PAD.decode(signature_b64) else {
        return Err(IdTokenError::Malformed(
            "the signature is not base64url".to_owned(),
        ));
    };
    let message_len = header_b64.len() + 1 + payload_b64.len();
    let message = &token.as_bytes()[..message_len];
    if key.verify(message, &signature) {
        decode_segment(payload_b64, "claims")
    } else {
        Err(IdTokenError::BadSignature)
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
        // The hash of the `alg` (Ed25519 signs with SHA-512 inside).
        let digest = match header.algorithm {
            JwsAlgorithm::Rs384 | JwsAlgorithm::Es384 => sha2::Sha384::digest(value).to_vec(),
            JwsAlgorithm::Rs512 | JwsAlgorithm::Es512 | JwsAlgorithm::EdDsa => {
                sha2::Sha512::digest(value).to_vec()
            }
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

/// How an accepted `alg` verifies: the key type it needs and the AWS-LC algorithm.
#[derive(Debug, Clone, Copy)]
enum Verification {
    Rsa(&'static RsaParameters),
    /// The JWK curve and the fixed-size (`R || S`) ECDSA algorithm.
    Ec(&'static str, &'static signature::EcdsaVerificationAlgorithm),
    Ed25519,
    /// ML-DSA (FIPS 204): an `AKP` key with its raw public key in `pub`.
    Lattice(&'static signature::PqdsaVerificationAlgorithm),
}

/// A public key ready to check one signature.
enum VerifyingKey {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
        parameters: &'static RsaParameters,
    },
    Raw(&'static dyn signature::VerificationAlgorithm, Vec<u8>),
}

impl VerifyingKey {
    fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            Self::Rsa { n, e, parameters } => RsaPublicKeyComponents { n, e }
                .verify(parameters, message, signature)
                .is_ok(),
            Self::Raw(algorithm, key) => UnparsedPublicKey::new(*algorithm, key)
                .verify(message, signature)
                .is_ok(),
        }
    }
}

/// The verification of an accepted `alg`; `None` for everything else (`none`, HMACs, …).
fn accepted_algorithm(algorithm: &JwsAlgorithm) -> Option<Verification> {
    Some(match algorithm {
        JwsAlgorithm::Rs256 => Verification::Rsa(&signature::RSA_PKCS1_2048_8192_SHA256),
        JwsAlgorithm::Rs384 => Verification::Rsa(&signature::RSA_PKCS1_2048_8192_SHA384),
        JwsAlgorithm::Rs512 => Verification::Rsa(&signature::RSA_PKCS1_2048_8192_SHA512),
        JwsAlgorithm::Ps256 => Verification::Rsa(&signature::RSA_PSS_2048_8192_SHA256),
        JwsAlgorithm::Es256 => Verification::Ec("P-256", &signature::ECDSA_P256_SHA256_FIXED),
        JwsAlgorithm::Es384 => Verification::Ec("P-384", &signature::ECDSA_P384_SHA384_FIXED),
        JwsAlgorithm::Es512 => Verification::Ec("P-521", &signature::ECDSA_P521_SHA512_FIXED),
        JwsAlgorithm::EdDsa => Verification::Ed25519,
        JwsAlgorithm::MlDsa44 => Verification::Lattice(&signature::ML_DSA_44),
        JwsAlgorithm::MlDsa65 => Verification::Lattice(&signature::ML_DSA_65),
        JwsAlgorithm::MlDsa87 => Verification::Lattice(&signature::ML_DSA_87),
        _ => return None,
    })
}

/// The verification key of a signing JWK of the type `algorithm` needs, meant for `algorithm`.
fn verifying_key(
    jwk: &Jwk,
    kid: &KeyId,
    algorithm: &JwsAlgorithm,
    verification: Verification,
) -> Result<VerifyingKey, IdTokenError> {
    let unusable = |reason: String| IdTokenError::UnusableKey {
        kid: kid.clone(),
        reason,
    };
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
    let wrong_type = || unusable(format!("a {} key cannot verify {algorithm}", jwk.key_type));
    let member = |value: &Option<String>, name: &str| {
        let value = value
            .as_deref()
            .ok_or_else(|| unusable(format!("the key has no {name}")))?;
        URL_SAFE_NO_PAD
            .decode(value)
            .map_err(|_| unusable(format!("the key's {name} is not base64url")))
    };
    match verification {
        Verification::Rsa(parameters) => {
            if jwk.key_type != KeyType::Rsa {
                return Err(wrong_type());
            }
            Ok(VerifyingKey::Rsa {
                n: member(&jwk.modulus, "modulus")?,
                e: member(&jwk.exponent, "exponent")?,
                parameters,
            })
        }
        Verification::Ec(curve, ecdsa) => {
            if jwk.key_type != KeyType::Ec || jwk.curve.as_deref() != Some(curve) {
                return Err(wrong_type());
            }
            // The uncompressed SEC1 point: 0x04, x, y.
            let mut point = vec![4];
            point.extend(member(&jwk.x, "x")?);
            point.extend(member(&jwk.y, "y")?);
            Ok(VerifyingKey::Raw(ecdsa, point))
        }
        Verification::Ed25519 => {
            if jwk.key_type != KeyType::Okp || jwk.curve.as_deref() != Some("Ed25519") {
                return Err(wrong_type());
            }
            Ok(VerifyingKey::Raw(&signature::ED25519, member(&jwk.x, "x")?))
        }
        Verification::Lattice(lattice) => {
            if jwk.key_type != KeyType::Akp {
                return Err(wrong_type());
            }
            Ok(VerifyingKey::Raw(lattice, member(&jwk.public_key, "pub")?))
        }
    }
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
    fn the_servers_algorithms_and_the_rsa_variants_are_accepted() {
        for (alg, accepted) in [
            ("RS256", true),
            ("RS384", true),
            ("RS512", true),
            ("PS256", true),
            ("PS384", false),
            ("ES256", true),
            ("ES384", true),
            ("ES512", true),
            ("EdDSA", true),
            ("ML-DSA-44", true),
            ("ML-DSA-87", true),
            ("HS256", false),
            ("none", false),
        ] {
            assert_eq!(
                accepted_algorithm(&JwsAlgorithm::parse(alg)).is_some(),
                accepted,
                "{alg}"
            );
        }
    }
}
