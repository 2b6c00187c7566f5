//! RS256 signing and verification of the mock's own tokens: the only place that touches key
//! material.
//!
//! Signing uses `ring` directly: every sign-in pays for up to four RSA-2048 signatures, and ring's
//! assembly signs about three times faster than the pure-Rust `rsa` crate behind jsonwebtoken's
//! `rust_crypto` backend (see BENCHMARKS.md). Verification (cheap with e = 65537) goes through
//! `jsonwebtoken`, which also parses and refuses malformed or non-RS256 tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use serde::Serialize;
use serde_json::{Map, Value};

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

/// Signs and verifies with one server's key. Cheap to share behind an `Arc`.
pub struct TokenSigner {
    key: SigningKey,
    signing: RsaKeyPair,
    /// ring's blinding randomness; the system RNG is thread-safe.
    rng: SystemRandom,
    /// The encoded JWS headers, one per `typ`: they never change, so they are built once.
    access_token_header: String,
    jwt_header: String,
    decoding: DecodingKey,
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
    #[error("the token's algorithm is not RS256")]
    UnsupportedAlgorithm,
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
    pub fn new(key: SigningKey, issuer: String, leeway: u64) -> Result<Self, KeyError> {
        let der = rustls_pemfile::private_key(&mut key.private_pem.as_bytes())
            .ok()
            .flatten()
            .ok_or_else(|| KeyError::PrivateKey("no PKCS#8 key in the PEM".to_owned()))?;
        let signing = RsaKeyPair::from_pkcs8(der.secret_der())
            .map_err(|e| KeyError::PrivateKey(e.to_string()))?;
        let decoding = DecodingKey::from_rsa_components(&key.n, &key.e)
            .map_err(|e| KeyError::PrivateKey(e.to_string()))?;
        // Keys sorted, as Go's encoding/json writes a map header.
        let header = |typ: TokenType| {
            let json = serde_json::json!({"alg": "RS256", "kid": key.kid, "typ": typ.as_str()});
            URL_SAFE_NO_PAD.encode(json.to_string())
        };
        Ok(Self {
            access_token_header: header(TokenType::AccessToken),
            jwt_header: header(TokenType::Jwt),
            key,
            signing,
            rng: SystemRandom::new(),
            decoding,
            issuer,
            leeway,
        })
    }

    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Sign `claims` as an RS256 JWS (compact serialization) with this server's `kid`.
    pub fn sign(&self, typ: TokenType, claims: &impl Serialize) -> String {
        let header = match typ {
            TokenType::AccessToken => &self.access_token_header,
            TokenType::Jwt => &self.jwt_header,
        };
        // Our claim types are plain data: serializing them cannot fail.
        let payload = serde_json::to_vec(claims).expect("claims serialize");
        let mut jws = String::with_capacity(header.len() + payload.len() * 4 / 3 + 400);
        jws.push_str(header);
        jws.push('.');
        URL_SAFE_NO_PAD.encode_string(payload, &mut jws);
        let mut signature = vec![0; self.signing.public().modulus_len()];
        // Fails only if the RNG fails or the buffer has the wrong size; neither can happen with the
        // system RNG and a buffer sized from the key.
        self.signing
            .sign(&RSA_PKCS1_SHA256, &self.rng, jws.as_bytes(), &mut signature)
            .expect("RSA signing with a checked key");
        jws.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut jws);
        jws
    }

    /// The raw RS256 signature of `signing_input` with this server's key: for forged tokens
    /// (`tokens::forge`), whose headers differ from the ones [`Self::sign`] writes.
    pub(crate) fn signature(&self, signing_input: &[u8]) -> Vec<u8> {
        let mut signature = vec![0; self.signing.public().modulus_len()];
        // As in `sign`: cannot fail with the system RNG and a buffer sized from the key.
        self.signing
            .sign(&RSA_PKCS1_SHA256, &self.rng, signing_input, &mut signature)
            .expect("RSA signing with a checked key");
        signature
    }

    /// Verify a token this server signed: RS256 only, the server's key, `iss`, and `exp`/`nbf` against
    /// `now` with the configured leeway. `check_expiry: false` skips `exp` (as `/oauth2/logout` does
    /// for `id_token_hint`).
    pub fn verify(
        &self,
        token: &str,
        now: u64,
        check_expiry: bool,
    ) -> Result<VerifiedToken, VerifyError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| VerifyError::Malformed)?;
        if header.alg != Algorithm::RS256 {
            return Err(VerifyError::UnsupportedAlgorithm);
        }
        let mut validation = Validation::new(Algorithm::RS256);
        // Time and issuer are checked below against the mock clock, not the system clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, &self.decoding, &validation)
            .map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            match e.kind() {
                ErrorKind::InvalidSignature => VerifyError::BadSignature,
                ErrorKind::InvalidAlgorithm => VerifyError::UnsupportedAlgorithm,
                _ => VerifyError::Malformed,
            }
        })?;
        let verified = VerifiedToken {
            typ: data.header.typ,
            claims: data.claims,
        };
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
    fn unsigned_and_foreign_tokens_are_refused() {
        let s = signer();
        // alg: none, payload {"iss":"https://localhost:8090","exp":9999999999}
        let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL2xvY2FsaG9zdDo4MDkwIiwiZXhwIjo5OTk5OTk5OTk5fQ.";
        assert!(s.verify(none, 0, true).is_err());
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
