//! The key types the real server signs with, one JWS `alg` each (`kmprovider/defaultkm`:
//! `GetPublicKeys` gives an RSA key RS256, an EC key ES256/ES384/ES512 by curve, an Ed25519 key
//! EdDSA, an ML-DSA key ML-DSA-44/65/87), and their primitives on `aws-lc-rs`: a parsed private key
//! that signs and a public key that checks a signature. ML-DSA signs the message itself (no
//! pre-hash, empty context), as the server's `cryptolib` does.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, EcdsaSigningAlgorithm, EcdsaVerificationAlgorithm, Ed25519KeyPair, KeyPair,
    PqdsaKeyPair, PqdsaSigningAlgorithm, UnparsedPublicKey, VerificationAlgorithm,
};

use super::KeyError;
use super::rsa::{RsaSigningKey, RsaVerifyingKey};

/// The algorithm of a signing key, as the JWKS and the token headers name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// RSA-2048, RSASSA-PKCS1-v1_5 with SHA-256 (the fixture key's).
    Rs256,
    /// ECDSA on P-256 with SHA-256.
    Es256,
    /// ECDSA on P-384 with SHA-384.
    Es384,
    /// ECDSA on P-521 with SHA-512.
    Es512,
    /// Ed25519.
    EdDsa,
    /// ML-DSA-44 (FIPS 204).
    MlDsa44,
    /// ML-DSA-65.
    MlDsa65,
    /// ML-DSA-87.
    MlDsa87,
}

impl KeyAlgorithm {
    /// Every algorithm a key can be added with, in the order the README lists them.
    pub const ALL: [Self; 8] = [
        Self::Rs256,
        Self::Es256,
        Self::Es384,
        Self::Es512,
        Self::EdDsa,
        Self::MlDsa44,
        Self::MlDsa65,
        Self::MlDsa87,
    ];

    /// The JWS `alg` (`RS256`, `ES256`, …, `EdDSA`, `ML-DSA-44`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Es256 => "ES256",
            Self::Es384 => "ES384",
            Self::Es512 => "ES512",
            Self::EdDsa => "EdDSA",
            Self::MlDsa44 => "ML-DSA-44",
            Self::MlDsa65 => "ML-DSA-65",
            Self::MlDsa87 => "ML-DSA-87",
        }
    }

    /// The algorithm with this JWS name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|alg| alg.as_str() == name)
    }

    /// The EC curve's JWK name and the signing and verification algorithms (fixed-size `R || S`,
    /// as JWS writes ECDSA signatures).
    fn curve(
        self,
    ) -> Option<(
        &'static str,
        &'static EcdsaSigningAlgorithm,
        &'static EcdsaVerificationAlgorithm,
    )> {
        match self {
            Self::Es256 => Some((
                "P-256",
                &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                &signature::ECDSA_P256_SHA256_FIXED,
            )),
            Self::Es384 => Some((
                "P-384",
                &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
                &signature::ECDSA_P384_SHA384_FIXED,
            )),
            Self::Es512 => Some((
                "P-521",
                &signature::ECDSA_P521_SHA512_FIXED_SIGNING,
                &signature::ECDSA_P521_SHA512_FIXED,
            )),
            _ => None,
        }
    }

    /// The ML-DSA parameter set: signing, verification, and the certificate's algorithm.
    fn lattice(
        self,
    ) -> Option<(
        &'static PqdsaSigningAlgorithm,
        &'static signature::PqdsaVerificationAlgorithm,
        &'static rcgen::SignatureAlgorithm,
    )> {
        match self {
            Self::MlDsa44 => Some((
                &signature::ML_DSA_44_SIGNING,
                &signature::ML_DSA_44,
                &rcgen::PKCS_ML_DSA_44,
            )),
            Self::MlDsa65 => Some((
                &signature::ML_DSA_65_SIGNING,
                &signature::ML_DSA_65,
                &rcgen::PKCS_ML_DSA_65,
            )),
            Self::MlDsa87 => Some((
                &signature::ML_DSA_87_SIGNING,
                &signature::ML_DSA_87,
                &rcgen::PKCS_ML_DSA_87,
            )),
            _ => None,
        }
    }
}

/// A parsed private key. Signing takes `&self` from any thread.
pub(crate) enum PrivateKey {
    Rsa(RsaSigningKey),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
    MlDsa(PqdsaKeyPair),
}

/// The public half, as the JWK carries it.
pub(crate) enum PublicKey {
    /// Modulus and exponent, big-endian.
    Rsa { n: Vec<u8>, e: Vec<u8> },
    /// The curve's name and the uncompressed point's coordinates, each padded to the curve size.
    Ec {
        crv: &'static str,
        x: Vec<u8>,
        y: Vec<u8>,
    },
    /// The 32-byte Ed25519 key.
    Ed(Vec<u8>),
    /// The raw ML-DSA public key (the JWK's `pub`, kty `AKP`).
    Akp(Vec<u8>),
}

/// A key's verifier: the public key, parsed once.
pub(crate) struct Verifier {
    alg: KeyAlgorithm,
    rsa: Option<RsaVerifyingKey>,
    /// The SEC1 point (EC) or the raw key (Ed25519, ML-DSA).
    raw: Vec<u8>,
}

impl PrivateKey {
    /// Parse a PKCS#8 DER key of `alg`, with its public half.
    pub(crate) fn from_pkcs8(
        alg: KeyAlgorithm,
        der: &[u8],
    ) -> Result<(Self, PublicKey, Vec<u8>), KeyError> {
        let refused = |e: &dyn std::fmt::Display| KeyError::PrivateKey(e.to_string());
        match alg {
            KeyAlgorithm::Rs256 => {
                let pair = signature::RsaKeyPair::from_pkcs8(der).map_err(|e| refused(&e))?;
                let spki = pair
                    .public_key()
                    .as_der()
                    .map_err(|e| refused(&e))?
                    .as_ref()
                    .to_vec();
                // The components through the rsa crate: aws-lc-rs exposes them only with ring-io.
                let parsed =
                    <rsa::RsaPrivateKey as rsa::pkcs8::DecodePrivateKey>::from_pkcs8_der(der)
                        .map_err(|e| refused(&e))?;
                let n = rsa::traits::PublicKeyParts::n(&parsed).to_bytes_be();
                let e = rsa::traits::PublicKeyParts::e(&parsed).to_bytes_be();
                Ok((
                    Self::Rsa(RsaSigningKey::from_pkcs8_der(der)?),
                    PublicKey::Rsa { n, e },
                    spki,
                ))
            }
            KeyAlgorithm::Es256 | KeyAlgorithm::Es384 | KeyAlgorithm::Es512 => {
                let (crv, signing, _) = alg.curve().expect("an EC algorithm");
                let pair = EcdsaKeyPair::from_pkcs8(signing, der).map_err(|e| refused(&e))?;
                let point = pair.public_key().as_ref();
                // Uncompressed SEC1: 0x04, then x and y of equal size.
                let coordinates = &point[1..];
                let (x, y) = coordinates.split_at(coordinates.len() / 2);
                let public = PublicKey::Ec {
                    crv,
                    x: x.to_vec(),
                    y: y.to_vec(),
                };
                let spki = pair
                    .public_key()
                    .as_der()
                    .map_err(|e| refused(&e))?
                    .as_ref()
                    .to_vec();
                Ok((Self::Ec(pair), public, spki))
            }
            KeyAlgorithm::EdDsa => {
                let pair = Ed25519KeyPair::from_pkcs8(der).map_err(|e| refused(&e))?;
                let raw = pair.public_key().as_ref().to_vec();
                let spki = pair
                    .public_key()
                    .as_der()
                    .map_err(|e| refused(&e))?
                    .as_ref()
                    .to_vec();
                Ok((Self::Ed(pair), PublicKey::Ed(raw), spki))
            }
            KeyAlgorithm::MlDsa44 | KeyAlgorithm::MlDsa65 | KeyAlgorithm::MlDsa87 => {
                let (signing, _, _) = alg.lattice().expect("an ML-DSA algorithm");
                let pair = PqdsaKeyPair::from_pkcs8(signing, der).map_err(|e| refused(&e))?;
                let raw = pair.public_key().as_ref().to_vec();
                let spki = pair
                    .public_key()
                    .as_der()
                    .map_err(|e| refused(&e))?
                    .as_ref()
                    .to_vec();
                Ok((Self::MlDsa(pair), PublicKey::Akp(raw), spki))
            }
        }
    }

    /// The JWS signature of `message` (RSA: the modulus' size; ECDSA: `R || S`).
    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        match self {
            Self::Rsa(key) => key.sign_rs256(message),
            // Fails only when AWS-LC cannot draw randomness, as a parsed key never does otherwise.
            Self::Ec(pair) => pair
                .sign(&SystemRandom::new(), message)
                .expect("ECDSA signing with a parsed key")
                .as_ref()
                .to_vec(),
            Self::Ed(pair) => pair.sign(message).as_ref().to_vec(),
            Self::MlDsa(pair) => {
                let mut signature = vec![0; pair.algorithm().signature_len()];
                // Fails only for a buffer of the wrong size, and this one is sized from the key.
                let written = pair
                    .sign(message, &mut signature)
                    .expect("ML-DSA signing with a parsed key");
                signature.truncate(written);
                signature
            }
        }
    }
}

impl Verifier {
    pub(crate) fn new(alg: KeyAlgorithm, public: &PublicKey) -> Self {
        match public {
            PublicKey::Rsa { n, e } => Self {
                alg,
                rsa: Some(RsaVerifyingKey::from_components(n.clone(), e.clone())),
                raw: Vec::new(),
            },
            PublicKey::Ec { x, y, .. } => {
                let mut point = Vec::with_capacity(1 + x.len() + y.len());
                point.push(4);
                point.extend_from_slice(x);
                point.extend_from_slice(y);
                Self {
                    alg,
                    rsa: None,
                    raw: point,
                }
            }
            PublicKey::Ed(raw) | PublicKey::Akp(raw) => Self {
                alg,
                rsa: None,
                raw: raw.clone(),
            },
        }
    }

    /// Whether this key accepts a token whose header says `alg`. As the server's
    /// `cryptolib.SignAlgorithmFor` with the key's type: an RSA key checks RS256, RS512 and PS256;
    /// an EC or Ed25519 key only its own algorithm. Never `none`, never an HMAC.
    pub(crate) fn accepts(&self, alg: &str) -> bool {
        match self.alg {
            KeyAlgorithm::Rs256 => matches!(alg, "RS256" | "RS512" | "PS256"),
            other => other.as_str() == alg,
        }
    }

    /// Whether `signature` is this key's signature of `message` under `alg` (which
    /// [`Self::accepts`]).
    pub(crate) fn verify(&self, alg: &str, message: &[u8], signature: &[u8]) -> bool {
        if let Some(rsa) = &self.rsa {
            return rsa.verify(alg, message, signature);
        }
        let algorithm: &'static dyn VerificationAlgorithm =
            match (self.alg.curve(), self.alg.lattice()) {
                (Some((_, _, verification)), _) => verification,
                (None, Some((_, verification, _))) => verification,
                (None, None) => &signature::ED25519,
            };
        UnparsedPublicKey::new(algorithm, &self.raw)
            .verify(message, signature)
            .is_ok()
    }
}

/// A new key of `alg` and a self-signed certificate for it, both DER (PKCS#8 and X.509), made
/// with AWS-LC and rcgen.
pub(crate) fn generate(
    alg: KeyAlgorithm,
    common_name: &str,
) -> Result<(Vec<u8>, Vec<u8>), KeyError> {
    let failed = |e: &dyn std::fmt::Display| KeyError::Generate(e.to_string());
    let rng = SystemRandom::new();
    let pkcs8 = match alg {
        KeyAlgorithm::Rs256 => {
            let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
                .map_err(|e| failed(&e))?;
            let der: aws_lc_rs::encoding::Pkcs8V1Der<'_> = pair.as_der().map_err(|e| failed(&e))?;
            der.as_ref().to_vec()
        }
        KeyAlgorithm::Es256 | KeyAlgorithm::Es384 | KeyAlgorithm::Es512 => {
            let (_, signing, _) = alg.curve().expect("an EC algorithm");
            EcdsaKeyPair::generate_pkcs8(signing, &rng)
                .map_err(|e| failed(&e))?
                .as_ref()
                .to_vec()
        }
        KeyAlgorithm::EdDsa => Ed25519KeyPair::generate_pkcs8(&rng)
            .map_err(|e| failed(&e))?
            .as_ref()
            .to_vec(),
        KeyAlgorithm::MlDsa44 | KeyAlgorithm::MlDsa65 | KeyAlgorithm::MlDsa87 => Vec::new(),
    };
    // rcgen reads the classical key types from PKCS#8, but makes an ML-DSA key itself (it cannot
    // load one); both with AWS-LC.
    let key_pair = match alg.lattice() {
        Some((_, _, certificate)) => rcgen::KeyPair::generate_for(certificate),
        None => rcgen::KeyPair::try_from(pkcs8.as_slice()),
    }
    .map_err(|e| failed(&e))?;
    let pkcs8 = if pkcs8.is_empty() {
        key_pair.serialize_der()
    } else {
        pkcs8
    };
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(|e| failed(&e))?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, common_name);
    params.not_after = rcgen::date_time_ymd(2124, 1, 1);
    let cert = params.self_signed(&key_pair).map_err(|e| failed(&e))?;
    Ok((pkcs8, cert.der().to_vec()))
}

/// `der` as PEM with `label` (`PUBLIC KEY`, `PRIVATE KEY`), 64 characters a line.
pub(crate) fn pem(label: &str, der: &[u8]) -> String {
    let body = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, der);
    let mut pem = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap_or_default());
        pem.push('\n');
    }
    pem.push_str(&format!("-----END {label}-----\n"));
    pem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_generates_a_key_that_signs_and_verifies_only_its_message() {
        for alg in KeyAlgorithm::ALL {
            let (pkcs8, cert) = generate(alg, "test").unwrap();
            assert!(!cert.is_empty());
            let (private, public, spki) = PrivateKey::from_pkcs8(alg, &pkcs8).unwrap();
            assert!(!spki.is_empty());
            let verifier = Verifier::new(alg, &public);
            let signature = private.sign(b"header.payload");
            assert!(verifier.accepts(alg.as_str()), "{alg:?}");
            assert!(
                verifier.verify(alg.as_str(), b"header.payload", &signature),
                "{alg:?}"
            );
            assert!(
                !verifier.verify(alg.as_str(), b"header.payloaD", &signature),
                "{alg:?}"
            );
            assert!(!verifier.accepts("none") && !verifier.accepts("HS256"));
        }
    }

    #[test]
    fn ec_coordinates_are_the_curve_size() {
        for (alg, size) in [
            (KeyAlgorithm::Es256, 32),
            (KeyAlgorithm::Es384, 48),
            (KeyAlgorithm::Es512, 66),
        ] {
            let (pkcs8, _) = generate(alg, "test").unwrap();
            let Ok((_, PublicKey::Ec { x, y, .. }, _)) = PrivateKey::from_pkcs8(alg, &pkcs8) else {
                panic!("an EC key");
            };
            assert_eq!((x.len(), y.len()), (size, size), "{alg:?}");
        }
    }

    #[test]
    fn an_ec_key_accepts_only_its_own_algorithm() {
        let (pkcs8, _) = generate(KeyAlgorithm::Es384, "test").unwrap();
        let (_, public, _) = PrivateKey::from_pkcs8(KeyAlgorithm::Es384, &pkcs8).unwrap();
        let verifier = Verifier::new(KeyAlgorithm::Es384, &public);
        assert!(!verifier.accepts("ES256"));
        assert!(!verifier.accepts("RS256"));
        assert!(verifier.accepts("ES384"));
    }
}
