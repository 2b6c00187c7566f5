//! The RSA primitive: one parsed private key and its RS256 (RSASSA-PKCS1-v1_5 with SHA-256)
//! signature, and one public key that checks such a signature. Everything above it (JWS encoding
//! and parsing, key sets) goes through [`RsaSigningKey`] and [`RsaVerifyingKey`], so the library
//! behind them can change in this one file.
//!
//! AWS-LC (through `aws-lc-rs`) signs at the rate of `openssl speed rsa2048` on the same core,
//! about twice ring's; the `openssl` crate against the system library gave the same rate but would
//! tie the static release binary to the system's libssl (BENCHMARKS.md has the figures). The key
//! is parsed once: its CRT parameters and Montgomery contexts are reused by every signature.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_2048_8192_SHA512, RSA_PKCS1_SHA256,
    RSA_PSS_2048_8192_SHA256, RsaKeyPair, RsaPublicKeyComponents,
};

use super::KeyError;

/// A private RSA key ready to sign. Cheap to share: signing takes `&self` from any thread.
pub(crate) struct RsaSigningKey {
    pair: RsaKeyPair,
    /// Unused by AWS-LC's PKCS#1 v1.5 signing (deterministic, blinded internally); the API asks for
    /// one.
    rng: SystemRandom,
}

impl RsaSigningKey {
    /// Parse a PKCS#8 DER private key.
    pub(crate) fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let pair = RsaKeyPair::from_pkcs8(der).map_err(|e| KeyError::PrivateKey(e.to_string()))?;
        Ok(Self {
            pair,
            rng: SystemRandom::new(),
        })
    }

    /// The RS256 signature of `message`: as many bytes as the modulus.
    pub(crate) fn sign_rs256(&self, message: &[u8]) -> Vec<u8> {
        let mut signature = vec![0; self.pair.public_modulus_len()];
        // Fails only for a buffer of the wrong size, and this one is sized from the key.
        self.pair
            .sign(&RSA_PKCS1_SHA256, &self.rng, message, &mut signature)
            .expect("RSA signing with a parsed key");
        signature
    }
}

/// A public RSA key (modulus and exponent, big-endian) that checks RS256 signatures.
pub(crate) struct RsaVerifyingKey {
    n: Vec<u8>,
    e: Vec<u8>,
}

impl RsaVerifyingKey {
    pub(crate) fn from_components(n: Vec<u8>, e: Vec<u8>) -> Self {
        Self { n, e }
    }

    /// Whether `signature` is this key's RS256 signature of `message`. Moduli below 2048 bits are
    /// refused, as the signing side refuses them.
    #[cfg(test)]
    pub(crate) fn verify_rs256(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verify("RS256", message, signature)
    }

    /// Whether `signature` is this key's signature of `message` under the JWS `alg`: RS256, RS512
    /// or PS256 (what the server's `cryptolib` checks with an RSA key); any other `alg` fails.
    pub(crate) fn verify(&self, alg: &str, message: &[u8], signature: &[u8]) -> bool {
        let algorithm = match alg {
            "RS256" => &RSA_PKCS1_2048_8192_SHA256,
            "RS512" => &RSA_PKCS1_2048_8192_SHA512,
            "PS256" => &RSA_PSS_2048_8192_SHA256,
            _ => return false,
        };
        RsaPublicKeyComponents {
            n: &self.n,
            e: &self.e,
        }
        .verify(algorithm, message, signature)
        .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};

    use super::*;

    fn key() -> (RsaSigningKey, Vec<u8>) {
        let pem = crate::Fixtures::bundled().signing_key_pem;
        let der = rustls_pemfile::private_key(&mut pem.as_bytes())
            .unwrap()
            .unwrap();
        let pair = RsaKeyPair::from_pkcs8(der.secret_der()).unwrap();
        let public = aws_lc_rs::signature::KeyPair::public_key(&pair)
            .as_ref()
            .to_vec();
        (
            RsaSigningKey::from_pkcs8_der(der.secret_der()).unwrap(),
            public,
        )
    }

    #[test]
    fn a_signature_verifies_and_only_for_its_message() {
        let (signer, public) = key();
        let signature = signer.sign_rs256(b"header.payload");
        assert_eq!(signature.len(), 256);
        let public = UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &public);
        assert!(public.verify(b"header.payload", &signature).is_ok());
        assert!(public.verify(b"header.payloaD", &signature).is_err());
    }

    #[test]
    fn the_verifying_key_accepts_only_this_keys_signature_of_the_message() {
        let (signer, _) = key();
        let f = crate::Fixtures::bundled();
        let key = crate::SigningKey::from_pem(&f.signing_key_pem, &f.signing_cert_pem).unwrap();
        let decode = |s: &str| {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(s)
                .unwrap()
        };
        let verifying = RsaVerifyingKey::from_components(decode(&key.n), decode(&key.e));
        let signature = signer.sign_rs256(b"header.payload");
        assert!(verifying.verify_rs256(b"header.payload", &signature));
        assert!(!verifying.verify_rs256(b"header.payloaD", &signature));
        let mut flipped = signature.clone();
        flipped[100] ^= 1;
        assert!(!verifying.verify_rs256(b"header.payload", &flipped));
        assert!(!verifying.verify_rs256(b"header.payload", &[]));
    }

    #[test]
    fn pkcs1_v1_5_signatures_are_deterministic() {
        let (signer, _) = key();
        assert_eq!(signer.sign_rs256(b"m"), signer.sign_rs256(b"m"));
    }

    #[test]
    fn a_key_that_is_not_pkcs8_is_refused() {
        assert!(matches!(
            RsaSigningKey::from_pkcs8_der(b"not a key"),
            Err(KeyError::PrivateKey(_))
        ));
    }
}
