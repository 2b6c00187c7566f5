//! Signing and verification of the mock's own tokens: the only place that touches key material.
//!
//! Signing goes through the key ring's active key (`tokens::ring`): every sign-in pays for up to
//! four signatures, so the signer runs at the hardware's rate (see BENCHMARKS.md). Verification
//! parses the compact JWS here and, in the real server's order (`jose/jwt/service.go`,
//! `runtime_crypto_provider.go`), refuses an `alg` the server cannot check (never `none`, never an
//! HMAC), resolves the header's `kid` among the published keys, checks that the key takes this
//! `alg`, and checks the signature before it reads a claim. The tests check tokens with
//! `jsonwebtoken` as an independent verifier.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::algorithm::KeyAlgorithm;
use super::ring::{KeyRing, RingKey};
use super::{KeyError, SigningKey};

/// The JWS `typ` header: access tokens are `at+jwt` (RFC 9068), everything else `JWT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenType {
    AccessToken,
    Jwt,
}

impl TokenType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccessToken => "at+jwt",
            Self::Jwt => "JWT",
        }
    }
}

/// The `alg` values the server verifies (`cryptolib.SignAlgorithmFor`): anything else is refused
/// before a key is looked up.
const VERIFIED_ALGORITHMS: [&str; 10] = [
    "RS256",
    "RS512",
    "PS256",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
    "ML-DSA-44",
    "ML-DSA-65",
    "ML-DSA-87",
];

/// Signs and verifies with one server's keys. Cheap to share behind an `Arc`.
pub struct TokenSigner {
    /// The fixture key, as loaded.
    key: SigningKey,
    ring: KeyRing,
    issuer: String,
    leeway: u64,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner")
            .field("kid", &self.key.kid)
            .field("issuer", &self.issuer)
            .finish()
    }
}

/// Why a token was refused. Each case is distinct so callers can map it to the exact wire error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    #[error("the token is not a well-formed JWS")]
    Malformed,
    #[error("the token's algorithm is not one the server verifies, or not its key's")]
    UnsupportedAlgorithm,
    #[error("the token's kid names no published key")]
    UnknownKey,
    #[error("the token's signature does not verify with the server key")]
    BadSignature,
    #[error("the token was not issued by this server")]
    WrongIssuer,
    #[error("the token has no exp claim")]
    MissingExpiry,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
}

/// A token whose signature verified: its header `typ` and its claims.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VerifiedToken {
    pub typ: Option<String>,
    pub claims: Map<String, Value>,
}

impl VerifiedToken {
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    pub fn claim_u64(&self, name: &str) -> Option<u64> {
        self.claims.get(name).and_then(Value::as_u64)
    }
}

impl TokenSigner {
    /// A signer whose ring holds `key` (the fixture key) as its only, active key.
    pub fn new(key: SigningKey, issuer: String, leeway: u64) -> Result<Self, KeyError> {
        let der = rustls_pemfile::private_key(&mut key.private_pem.as_bytes())
            .ok()
            .flatten()
            .ok_or_else(|| KeyError::PrivateKey("no PKCS#8 key in the PEM".to_owned()))?;
        let cert = key
            .x5c
            .first()
            .and_then(|b64| STANDARD.decode(b64).ok())
            .ok_or_else(|| KeyError::Certificate("empty".to_owned()))?;
        let fixture = RingKey::new(KeyAlgorithm::Rs256, der.secret_der(), &cert, 0)?;
        Ok(Self {
            ring: KeyRing::new(fixture, issuer.clone()),
            key,
            issuer,
            leeway,
        })
    }

    /// The fixture key (the active key until a key change; see [`Self::ring`]).
    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    pub(crate) fn ring(&self) -> &KeyRing {
        &self.ring
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Sign `claims` as a JWS (compact serialization) with the active key: its `alg` and `kid`.
    pub fn sign(&self, typ: TokenType, claims: &impl Serialize) -> String {
        // Our claim types are plain data: serializing them cannot fail.
        let payload = serde_json::to_vec(claims).expect("claims serialize");
        self.ring.sign(|key| {
            let header = key.header(typ);
            let mut jws = String::with_capacity(header.len() + payload.len() * 4 / 3 + 400);
            jws.push_str(header);
            jws.push('.');
            URL_SAFE_NO_PAD.encode_string(&payload, &mut jws);
            let signature = key.sign(jws.as_bytes());
            jws.push('.');
            URL_SAFE_NO_PAD.encode_string(signature, &mut jws);
            jws
        })
    }

    /// The key named `kid` if it is published, else the active key: for forged tokens
    /// (`tokens::forge`), whose headers differ from the ones [`Self::sign`] writes.
    pub(crate) fn key_for(&self, kid: Option<&str>) -> Arc<RingKey> {
        kid.and_then(|kid| self.ring.find(kid))
            .unwrap_or_else(|| self.ring.active())
    }

    /// Verify a token this server signed: an `alg` the server verifies, a published key by `kid`
    /// that takes it, `iss`, and `exp`/`nbf` against `now` with the configured leeway.
    /// `check_expiry: false` skips `exp` (as `/oauth2/logout` does for `id_token_hint`).
    pub fn verify(
        &self,
        token: &str,
        now: u64,
        check_expiry: bool,
    ) -> Result<VerifiedToken, VerifyError> {
        let verified = self.verify_signature(token)?;
        if verified.claim_str("iss") != Some(self.issuer.as_str()) {
            return Err(VerifyError::WrongIssuer);
        }
        if check_expiry {
            let exp = verified
                .claim_u64("exp")
                .ok_or(VerifyError::MissingExpiry)?;
            // The real server refuses from `exp + leeway` on (`jose/jwt/service.go`).
            if now >= exp.saturating_add(self.leeway) {
                return Err(VerifyError::Expired);
            }
        }
        if let Some(nbf) = verified.claims.get("nbf") {
            let nbf = nbf.as_u64().ok_or(VerifyError::Malformed)?;
            if nbf > now.saturating_add(self.leeway) {
                return Err(VerifyError::NotYetValid);
            }
        }
        Ok(verified)
    }

    /// The compact JWS's header and claims, once its signature verified: three base64url parts,
    /// a JSON header whose `alg` the server verifies and whose `kid` names a published key that
    /// takes that `alg`, the signature over the first two, then a JSON object of claims.
    fn verify_signature(&self, token: &str) -> Result<VerifiedToken, VerifyError> {
        let (signing_input, signature) = token.rsplit_once('.').ok_or(VerifyError::Malformed)?;
        let (header, payload) = signing_input
            .split_once('.')
            .ok_or(VerifyError::Malformed)?;
        if payload.contains('.') {
            return Err(VerifyError::Malformed);
        }
        let decode = |part: &str| {
            URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| VerifyError::Malformed)
        };
        let header: JwsHeader =
            serde_json::from_slice(&decode(header)?).map_err(|_| VerifyError::Malformed)?;
        if !VERIFIED_ALGORITHMS.contains(&header.alg.as_str()) {
            return Err(VerifyError::UnsupportedAlgorithm);
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.ring.find(kid))
            .ok_or(VerifyError::UnknownKey)?;
        if !key.verifier().accepts(&header.alg) {
            return Err(VerifyError::UnsupportedAlgorithm);
        }
        if !key
            .verifier()
            .verify(&header.alg, signing_input.as_bytes(), &decode(signature)?)
        {
            return Err(VerifyError::BadSignature);
        }
        let claims =
            serde_json::from_slice(&decode(payload)?).map_err(|_| VerifyError::Malformed)?;
        Ok(VerifiedToken {
            typ: header.typ,
            claims,
        })
    }
}

/// The JWS header members verification reads.
#[derive(Deserialize)]
struct JwsHeader {
    alg: String,
    kid: Option<String>,
    typ: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn signer() -> TokenSigner {
        let f = crate::Fixtures::bundled();
        let key = SigningKey::from_pem(&f.signing_key_pem, &f.signing_cert_pem).unwrap();
        TokenSigner::new(key, "https://localhost:8090".to_owned(), 30).unwrap()
    }

    #[test]
    fn a_signed_token_verifies_and_carries_kid_and_typ() {
        let s = signer();
        let token = s.sign(
            TokenType::AccessToken,
            &json!({"iss": "https://localhost:8090", "exp": 2_000, "sub": "u"}),
        );
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.kid.as_deref(), Some(s.key().kid.as_str()));
        assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
        let verified = s.verify(&token, 1_000, true).unwrap();
        assert_eq!(verified.typ.as_deref(), Some("at+jwt"));
        assert_eq!(verified.claim_str("sub"), Some("u"));
    }

    #[test]
    fn expiry_uses_the_leeway_and_can_be_skipped() {
        let s = signer();
        let token = s.sign(
            TokenType::Jwt,
            &json!({"iss": "https://localhost:8090", "exp": 1_000}),
        );
        assert!(s.verify(&token, 1_029, true).is_ok());
        assert_eq!(
            s.verify(&token, 1_030, true).unwrap_err(),
            VerifyError::Expired
        );
        assert!(s.verify(&token, 9_999, false).is_ok());
    }

    #[test]
    fn an_independent_verifier_accepts_the_signature() {
        let s = signer();
        let token = s.sign(
            TokenType::Jwt,
            &json!({"iss": "https://localhost:8090", "exp": 2_000}),
        );
        let key = jsonwebtoken::DecodingKey::from_rsa_components(&s.key().n, &s.key().e).unwrap();
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        let data = jsonwebtoken::decode::<Map<String, Value>>(&token, &key, &validation).unwrap();
        assert_eq!(data.claims["exp"], 2_000);
    }

    #[test]
    fn malformed_tokens_and_other_algorithms_are_refused() {
        let s = signer();
        let token = s.sign(
            TokenType::Jwt,
            &json!({"iss": "https://localhost:8090", "exp": 2_000}),
        );
        let (header, rest) = token.split_once('.').unwrap();
        let (payload, signature) = rest.split_once('.').unwrap();
        let encode = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let hs256 = encode(json!({"alg": "HS256", "typ": "JWT"}));
        let no_alg = encode(json!({"typ": "JWT"}));
        for (token, expected) in [
            (format!("{header}.{payload}"), VerifyError::Malformed),
            (
                format!("{header}.{payload}.{signature}.x"),
                VerifyError::Malformed,
            ),
            (
                format!("{header}.{payload}.{signature}!"),
                VerifyError::Malformed,
            ),
            (
                format!("{no_alg}.{payload}.{signature}"),
                VerifyError::Malformed,
            ),
            (
                format!("{hs256}.{payload}.{signature}"),
                VerifyError::UnsupportedAlgorithm,
            ),
            (
                format!(
                    "{header}.{}.{signature}",
                    encode(json!({"iss": "https://localhost:8090", "exp": 9_999}))
                ),
                VerifyError::BadSignature,
            ),
        ] {
            assert_eq!(
                s.verify(&token, 1_000, true).unwrap_err(),
                expected,
                "{token}"
            );
        }
    }

    #[test]
    fn unsigned_and_foreign_tokens_are_refused() {
        let s = signer();
        // alg: none, payload {"iss":"https://localhost:8090","exp":9999999999}
        let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL2xvY2FsaG9zdDo4MDkwIiwiZXhwIjo5OTk5OTk5OTk5fQ.";
        assert_eq!(
            s.verify(none, 0, true).unwrap_err(),
            VerifyError::UnsupportedAlgorithm
        );
        let token = s.sign(
            TokenType::Jwt,
            &json!({"iss": "https://elsewhere", "exp": 2_000}),
        );
        assert_eq!(
            s.verify(&token, 1_000, true).unwrap_err(),
            VerifyError::WrongIssuer
        );
        let mut tampered = token.clone();
        tampered.replace_range(tampered.len() - 6.., "AAAAAA");
        assert!(matches!(
            s.verify(&tampered, 1_000, true),
            Err(VerifyError::BadSignature | VerifyError::Malformed)
        ));
    }
}
