//! `GET /oauth2/jwks`
//!
//! The public keys of the server (`backend/internal/oauth/jwks/`): `default-key` (RSA, RS256), which
//! signs every token and assertion, and `ecdsa-key` (EC P-256, ES256). `kid` is base64url(SHA-256 of the
//! certificate DER), which is also `x5t#S256`. The JS SDK imports keys without an algorithm argument,
//! so every key must carry `alg`.

use serde::{Deserialize, Serialize};

use crate::ids::KeyId;

/// `{"keys":[…]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// One public key (`jwks/model.go` `JWKS`). Every member but `kty` is `omitempty` on the server; the
/// server sets `kid`, `use` and `alg` on every key it publishes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    #[serde(rename = "kid", default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<KeyId>,
    #[serde(rename = "kty")]
    pub key_type: KeyType,
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    pub key_use: Option<KeyUse>,
    #[serde(rename = "alg", default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<JwsAlgorithm>,
    /// RSA modulus, base64url.
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    pub modulus: Option<String>,
    /// RSA exponent, base64url (`AQAB`).
    #[serde(rename = "e", default, skip_serializing_if = "Option::is_none")]
    pub exponent: Option<String>,
    /// EC / OKP curve (`P-256`, `Ed25519`).
    #[serde(rename = "crv", default, skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// ML-DSA (`AKP`) public key, base64url.
    #[serde(rename = "pub", default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// The certificate chain, standard base64 DER.
    #[serde(rename = "x5c", default, skip_serializing_if = "Vec::is_empty")]
    pub certificate_chain: Vec<String>,
    /// SHA-1 certificate thumbprint, base64url.
    #[serde(rename = "x5t", default, skip_serializing_if = "Option::is_none")]
    pub thumbprint_sha1: Option<String>,
    /// SHA-256 certificate thumbprint, base64url (equals `kid`).
    #[serde(rename = "x5t#S256", default, skip_serializing_if = "Option::is_none")]
    pub thumbprint_sha256: Option<String>,
}

open_enum! {
    /// JWS `alg` values the server can sign and verify with (`GetSupportedSigningAlgorithms`), plus
    /// RS384/PS384/PS512 which verifiers such as the JS SDK accept.
    pub enum JwsAlgorithm {
        Rs256 = "RS256",
        Rs384 = "RS384",
        Rs512 = "RS512",
        Ps256 = "PS256",
        Ps384 = "PS384",
        Ps512 = "PS512",
        Es256 = "ES256",
        Es384 = "ES384",
        Es512 = "ES512",
        EdDsa = "EdDSA",
        MlDsa44 = "ML-DSA-44",
        MlDsa65 = "ML-DSA-65",
        MlDsa87 = "ML-DSA-87",
    }
}

open_enum! {
    /// `kty`.
    pub enum KeyType {
        Rsa = "RSA",
        Ec = "EC",
        Okp = "OKP",
        /// ML-DSA keys (RFC 9964).
        Akp = "AKP",
    }
}

open_enum! {
    /// `use`.
    pub enum KeyUse {
        Signature = "sig",
        Encryption = "enc",
    }
}

impl Jwks {
    /// The key with this `kid`, as a verifier looks it up.
    pub fn find(&self, key_id: &KeyId) -> Option<&Jwk> {
        self.keys
            .iter()
            .find(|key| key.key_id.as_ref() == Some(key_id))
    }
}

impl Jwk {
    /// An RSA signing key as the server publishes it (`use: sig`, `alg: RS256`).
    pub fn rsa(key_id: KeyId, modulus: String, exponent: String) -> Self {
        Self {
            key_id: Some(key_id),
            key_type: KeyType::Rsa,
            key_use: Some(KeyUse::Signature),
            algorithm: Some(JwsAlgorithm::Rs256),
            modulus: Some(modulus),
            exponent: Some(exponent),
            curve: None,
            x: None,
            y: None,
            public_key: None,
            certificate_chain: Vec::new(),
            thumbprint_sha1: None,
            thumbprint_sha256: None,
        }
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the JWKS types.
    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::strategies::{open_enum, opt_text, text};

    /// Any [`JwsAlgorithm`].
    pub fn jws_algorithm() -> BoxedStrategy<JwsAlgorithm> {
        open_enum(JwsAlgorithm::ALL, JwsAlgorithm::parse)
    }

    /// Any [`KeyType`].
    pub fn key_type() -> BoxedStrategy<KeyType> {
        open_enum(KeyType::ALL, KeyType::parse)
    }

    /// Any [`KeyUse`].
    pub fn key_use() -> BoxedStrategy<KeyUse> {
        open_enum(KeyUse::ALL, KeyUse::parse)
    }

    /// Any [`Jwk`].
    pub fn jwk() -> impl Strategy<Value = Jwk> {
        (
            (
                opt_text(),
                key_type(),
                proptest::option::of(key_use()),
                proptest::option::of(jws_algorithm()),
            ),
            (
                opt_text(),
                opt_text(),
                opt_text(),
                opt_text(),
                opt_text(),
                opt_text(),
            ),
            (prop::collection::vec(text(), 0..3), opt_text(), opt_text()),
        )
            .prop_map(
                |(
                    (key_id, key_type, key_use, algorithm),
                    (modulus, exponent, curve, x, y, public_key),
                    (certificate_chain, thumbprint_sha1, thumbprint_sha256),
                )| Jwk {
                    key_id: key_id.map(KeyId::new),
                    key_type,
                    key_use,
                    algorithm,
                    modulus,
                    exponent,
                    curve,
                    x,
                    y,
                    public_key,
                    certificate_chain,
                    thumbprint_sha1,
                    thumbprint_sha256,
                },
            )
    }

    /// Any [`Jwks`].
    pub fn jwks() -> impl Strategy<Value = Jwks> {
        prop::collection::vec(jwk(), 0..3).prop_map(|keys| Jwks { keys })
    }
}
