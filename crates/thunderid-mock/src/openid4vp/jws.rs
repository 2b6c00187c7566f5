//! Compact JWS signing and verification as the server's `jose/sdjwt` `verifyJWS` does it over
//! `cryptolib`: the header's `alg` picks a signature algorithm (`SignAlgorithmFor`: RS256, RS512,
//! PS256, ES256, ES384, ES512, EdDSA, ML-DSA-*; anything else, `none` included, is "unsupported
//! JWS alg"), then the key must be of that algorithm's type ("invalid public key type for
//! algorithm"), then the signature must verify. Keys come from an `x5c` certificate or a
//! `cnf.jwk` (`JWKToPublicKey`'s checks and texts, ML-DSA `AKP` keys included). The signers are
//! the mock's: ES256 (P-256) and EdDSA (Ed25519).

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair,
    RsaPublicKeyComponents, UnparsedPublicKey, VerificationAlgorithm,
};
use serde_json::{Map, Value};
use x509_parser::certificate::X509Certificate;
use x509_parser::public_key::PublicKey as X509Key;

use super::jose::{self, JoseError, b64, unb64};

/// `cryptolib.ErrInvalidPublicKey`.
const INVALID_KEY: &str = "invalid public key type for algorithm";

/// The JWS algorithms the mock signs with: the ones the server's request object advertises in
/// `sd-jwt_alg_values` and `kb-jwt_alg_values`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alg {
    Es256,
    EdDsa,
}

impl Alg {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        match name {
            "ES256" => Some(Self::Es256),
            "EdDSA" => Some(Self::EdDsa),
            _ => None,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::EdDsa => "EdDSA",
        }
    }
}

/// A signing key with its PKCS#8 document (rcgen reads it to certify the key).
pub(crate) enum SigningKey {
    Es256 {
        pair: EcdsaKeyPair,
        pkcs8: Vec<u8>,
    },
    EdDsa {
        pair: Ed25519KeyPair,
        pkcs8: Vec<u8>,
    },
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({}, [redacted])", self.alg().name())
    }
}

impl SigningKey {
    pub(crate) fn generate(alg: Alg) -> Self {
        let rng = SystemRandom::new();
        match alg {
            Alg::Es256 => {
                let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                    .expect("P-256 key generation cannot fail")
                    .as_ref()
                    .to_vec();
                let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8)
                    .expect("a generated key parses");
                Self::Es256 { pair, pkcs8 }
            }
            Alg::EdDsa => {
                let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng)
                    .expect("Ed25519 key generation cannot fail")
                    .as_ref()
                    .to_vec();
                let pair = Ed25519KeyPair::from_pkcs8(&pkcs8).expect("a generated key parses");
                Self::EdDsa { pair, pkcs8 }
            }
        }
    }

    pub(crate) fn alg(&self) -> Alg {
        match self {
            Self::Es256 { .. } => Alg::Es256,
            Self::EdDsa { .. } => Alg::EdDsa,
        }
    }

    pub(crate) fn pkcs8(&self) -> &[u8] {
        match self {
            Self::Es256 { pkcs8, .. } | Self::EdDsa { pkcs8, .. } => pkcs8,
        }
    }

    /// The public half as a JWK: `EC`/`P-256` or `OKP`/`Ed25519`.
    pub(crate) fn public_jwk(&self) -> Map<String, Value> {
        match self {
            Self::Es256 { pair, .. } => jose::point_jwk(pair.public_key().as_ref()),
            Self::EdDsa { pair, .. } => {
                let mut jwk = Map::new();
                jwk.insert("kty".into(), "OKP".into());
                jwk.insert("crv".into(), "Ed25519".into());
                jwk.insert("x".into(), b64(pair.public_key().as_ref()).into());
                jwk
            }
        }
    }

    /// The public half as a verifier holds it.
    #[cfg(test)]
    pub(crate) fn public_key(&self) -> PublicKey {
        match self {
            Self::Es256 { pair, .. } => PublicKey::Ec {
                curve: Curve::P256,
                point: pair.public_key().as_ref().to_vec(),
            },
            Self::EdDsa { pair, .. } => PublicKey::Ed25519(pair.public_key().as_ref().to_vec()),
        }
    }

    /// `header.claims.signature` under this key's algorithm (`alg` is set here).
    pub(crate) fn sign_jws(&self, header: &Map<String, Value>, claims: &Value) -> String {
        self.sign_jws_as(self.alg().name(), header, claims)
    }

    /// As [`Self::sign_jws`] with any `alg` header: for tests of a mismatched `alg` and key.
    pub(crate) fn sign_jws_as(
        &self,
        alg: &str,
        header: &Map<String, Value>,
        claims: &Value,
    ) -> String {
        let mut header = header.clone();
        header.insert("alg".into(), Value::from(alg));
        let input = format!(
            "{}.{}",
            b64(Value::Object(header).to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let signature = match self {
            Self::Es256 { pair, .. } => pair
                .sign(&SystemRandom::new(), input.as_bytes())
                .expect("ECDSA signing cannot fail")
                .as_ref()
                .to_vec(),
            Self::EdDsa { pair, .. } => pair.sign(input.as_bytes()).as_ref().to_vec(),
        };
        format!("{input}.{}", b64(&signature))
    }
}

/// The NIST curves Go's `ecdsa` keys are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curve {
    P256,
    P384,
    P521,
}

impl Curve {
    fn coordinate_len(self) -> usize {
        match self {
            Self::P256 => 32,
            Self::P384 => 48,
            Self::P521 => 66,
        }
    }
}

/// The ML-DSA parameter sets (`cryptolib.MLDSAPublicKeyFromBytes`, circl's schemes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MlDsaSet {
    P44,
    P65,
    P87,
}

impl MlDsaSet {
    fn from_alg(alg: &str) -> Option<Self> {
        match alg {
            "ML-DSA-44" => Some(Self::P44),
            "ML-DSA-65" => Some(Self::P65),
            "ML-DSA-87" => Some(Self::P87),
            _ => None,
        }
    }

    /// The raw public key's size, which circl's `UnmarshalBinaryPublicKey` requires.
    fn public_key_len(self) -> usize {
        match self {
            Self::P44 => 1312,
            Self::P65 => 1952,
            Self::P87 => 2592,
        }
    }

    fn verification(self) -> &'static signature::PqdsaVerificationAlgorithm {
        match self {
            Self::P44 => &signature::ML_DSA_44,
            Self::P65 => &signature::ML_DSA_65,
            Self::P87 => &signature::ML_DSA_87,
        }
    }
}

/// A verification key, as Go's `crypto.PublicKey` holds one after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PublicKey {
    /// An uncompressed point.
    Ec {
        curve: Curve,
        point: Vec<u8>,
    },
    Ed25519(Vec<u8>),
    /// Big-endian modulus and exponent.
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// An ML-DSA key from an `AKP` JWK (RFC 9964): its parameter set and raw public key.
    MlDsa {
        set: MlDsaSet,
        raw: Vec<u8>,
    },
    /// A certificate key Go parses but the mock cannot verify with (DSA, X25519): every
    /// algorithm refuses it as the wrong key type, as `cryptolib` refuses a key of another type.
    Other,
    /// A certificate key of an algorithm Go's `x509` does not know: its `PublicKey` is nil.
    Unknown,
}

/// `SignAlgorithmFor` over the JWS `alg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SignAlg {
    RsaSha256,
    RsaSha512,
    RsaPssSha256,
    EcdsaSha256,
    EcdsaSha384,
    EcdsaSha512,
    Ed25519,
    MlDsa,
}

fn sign_alg(alg: &str) -> Option<SignAlg> {
    Some(match alg {
        "RS256" => SignAlg::RsaSha256,
        "RS512" => SignAlg::RsaSha512,
        "PS256" => SignAlg::RsaPssSha256,
        "ES256" => SignAlg::EcdsaSha256,
        "ES384" => SignAlg::EcdsaSha384,
        "ES512" => SignAlg::EcdsaSha512,
        "EdDSA" => SignAlg::Ed25519,
        "ML-DSA-44" | "ML-DSA-65" | "ML-DSA-87" => SignAlg::MlDsa,
        _ => return None,
    })
}

/// `verifyJWS`: the format, the header, the `alg`, the signature's encoding, then the key type
/// and the signature, in the server's order and with its texts.
pub(crate) fn verify(token: &str, key: &PublicKey) -> Result<(), JoseError> {
    let parts: Vec<&str> = token.split('.').collect();
    let [head, body, signature] = <[&str; 3]>::try_from(parts).map_err(|_| JoseError::Format)?;
    // `jws.DecodeHeader`'s texts.
    let header = unb64(head)
        .map_err(|e| JoseError::Malformed(format!("failed to decode JWS header: {e}")))?;
    let header: Map<String, Value> = serde_json::from_slice(&header)
        .map_err(|e| JoseError::Malformed(format!("failed to unmarshal JWS header: {e}")))?;
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let sign_alg = sign_alg(alg).ok_or_else(|| JoseError::Algorithm(alg.to_owned()))?;
    let mut signature = unb64(signature)
        .map_err(|e| JoseError::Malformed(format!("invalid signature encoding: {e}")))?;
    let input = format!("{head}.{body}");
    let algorithm: &'static dyn VerificationAlgorithm = match (sign_alg, key) {
        (SignAlg::Ed25519, PublicKey::Ed25519(_)) => &signature::ED25519,
        // `verifyMLDSA` verifies under the key's own parameter set, whichever ML-DSA `alg` the
        // header names.
        (SignAlg::MlDsa, PublicKey::MlDsa { set, .. }) => set.verification(),
        (
            SignAlg::EcdsaSha256 | SignAlg::EcdsaSha384 | SignAlg::EcdsaSha512,
            PublicKey::Ec { curve, .. },
        ) => {
            // Go checks the fixed R||S length of the key's curve first.
            if signature.len() != 2 * curve.coordinate_len() {
                return Err(JoseError::Signature);
            }
            match ecdsa_algorithm(sign_alg, *curve) {
                Some(algorithm) => algorithm,
                None => {
                    // A hash of another size than the curve's: AWS-LC has these pairings in
                    // their ASN.1 form only.
                    let (algorithm, der) = ecdsa_cross_algorithm(sign_alg, *curve, &signature)
                        .ok_or(JoseError::Signature)?;
                    signature = der;
                    algorithm
                }
            }
        }
        (
            SignAlg::RsaSha256 | SignAlg::RsaSha512 | SignAlg::RsaPssSha256,
            PublicKey::Rsa { n, e },
        ) => {
            let params = match sign_alg {
                SignAlg::RsaSha256 => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
                SignAlg::RsaSha512 => &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
                _ => &signature::RSA_PSS_2048_8192_SHA256,
            };
            return RsaPublicKeyComponents { n, e }
                .verify(params, input.as_bytes(), &signature)
                .map_err(|_| JoseError::Signature);
        }
        _ => return Err(JoseError::Malformed(INVALID_KEY.into())),
    };
    let bytes = match key {
        PublicKey::Ec { point, .. } => point.as_slice(),
        PublicKey::Ed25519(x) => x.as_slice(),
        PublicKey::MlDsa { raw, .. } => raw.as_slice(),
        PublicKey::Rsa { .. } | PublicKey::Other | PublicKey::Unknown => &[],
    };
    UnparsedPublicKey::new(algorithm, bytes)
        .verify(input.as_bytes(), &signature)
        .map_err(|_| JoseError::Signature)
}

/// The ECDSA verifications AWS-LC has for a curve and hash in the JWS's fixed R||S form.
fn ecdsa_algorithm(alg: SignAlg, curve: Curve) -> Option<&'static dyn VerificationAlgorithm> {
    Some(match (alg, curve) {
        (SignAlg::EcdsaSha256, Curve::P256) => &signature::ECDSA_P256_SHA256_FIXED,
        (SignAlg::EcdsaSha384, Curve::P384) => &signature::ECDSA_P384_SHA384_FIXED,
        (SignAlg::EcdsaSha256, Curve::P521) => &signature::ECDSA_P521_SHA256_FIXED,
        (SignAlg::EcdsaSha384, Curve::P521) => &signature::ECDSA_P521_SHA384_FIXED,
        (SignAlg::EcdsaSha512, Curve::P521) => &signature::ECDSA_P521_SHA512_FIXED,
        _ => return None,
    })
}

/// The pairings of a P-256 or P-384 key with another hash than its own, which Go's
/// `ecdsa.Verify` accepts (a longer digest truncated to the curve's order, a shorter one taken
/// as is, as FIPS 186 has it): AWS-LC verifies them in ASN.1 form, so the fixed R||S signature
/// (already checked to be the curve's length) is re-encoded as a DER `Ecdsa-Sig-Value`.
fn ecdsa_cross_algorithm(
    alg: SignAlg,
    curve: Curve,
    fixed: &[u8],
) -> Option<(&'static dyn VerificationAlgorithm, Vec<u8>)> {
    let algorithm: &'static dyn VerificationAlgorithm = match (alg, curve) {
        (SignAlg::EcdsaSha384, Curve::P256) => &signature::ECDSA_P256_SHA384_ASN1,
        (SignAlg::EcdsaSha512, Curve::P256) => &signature::ECDSA_P256_SHA512_ASN1,
        (SignAlg::EcdsaSha256, Curve::P384) => &signature::ECDSA_P384_SHA256_ASN1,
        (SignAlg::EcdsaSha512, Curve::P384) => &signature::ECDSA_P384_SHA512_ASN1,
        _ => return None,
    };
    let (r, s) = fixed.split_at(fixed.len() / 2);
    Some((algorithm, ecdsa_der(r, s)))
}

/// `SEQUENCE { INTEGER r, INTEGER s }` from two unsigned big-endian halves (at most 48 bytes
/// each, so every length fits DER's short form). Written by hand: it is a dozen bytes of framing.
fn ecdsa_der(r: &[u8], s: &[u8]) -> Vec<u8> {
    fn integer(out: &mut Vec<u8>, value: &[u8]) {
        let digits = match value.iter().position(|b| *b != 0) {
            Some(first) => &value[first..],
            None => &[0u8][..],
        };
        let pad = digits[0] & 0x80 != 0;
        out.push(0x02);
        out.push((digits.len() + usize::from(pad)) as u8);
        if pad {
            out.push(0);
        }
        out.extend_from_slice(digits);
    }
    let mut body = Vec::with_capacity(r.len() + s.len() + 6);
    integer(&mut body, r);
    integer(&mut body, s);
    let mut der = vec![0x30, body.len() as u8];
    der.extend(body);
    der
}

/// A certificate's subject public key (`x509.Certificate.PublicKey`).
pub(crate) fn certificate_key(cert: &X509Certificate<'_>) -> PublicKey {
    const ED25519_OID: &str = "1.3.101.112";
    const X25519_OID: &str = "1.3.101.110";
    const P256: &str = "1.2.840.10045.3.1.7";
    const P384: &str = "1.3.132.0.34";
    const P521: &str = "1.3.132.0.35";
    let spki = cert.public_key();
    match spki.algorithm.algorithm.to_id_string().as_str() {
        ED25519_OID => return PublicKey::Ed25519(spki.subject_public_key.data.to_vec()),
        X25519_OID => return PublicKey::Other,
        _ => {}
    }
    match spki.parsed() {
        Ok(X509Key::RSA(rsa)) => PublicKey::Rsa {
            n: strip_zeros(rsa.modulus),
            e: strip_zeros(rsa.exponent),
        },
        Ok(X509Key::EC(point)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string());
            let curve = match curve.as_deref() {
                Some(P256) => Curve::P256,
                Some(P384) => Curve::P384,
                Some(P521) => Curve::P521,
                _ => return PublicKey::Other,
            };
            PublicKey::Ec {
                curve,
                point: point.data().to_vec(),
            }
        }
        Ok(X509Key::DSA(_)) => PublicKey::Other,
        _ => PublicKey::Unknown,
    }
}

fn strip_zeros(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes[start..].to_vec()
}

/// `JWKToPublicKey` (RSA, EC, OKP and AKP; its texts).
pub(crate) fn jwk_key(jwk: &Map<String, Value>) -> Result<PublicKey, String> {
    let text = |key: &str| jwk.get(key).and_then(Value::as_str);
    let Some(kty) = text("kty") else {
        return Err("JWK missing kty".into());
    };
    match kty {
        "RSA" => rsa_jwk(text("n"), text("e")),
        "EC" => ec_jwk(
            text("crv").unwrap_or_default(),
            text("x").unwrap_or_default(),
            text("y").unwrap_or_default(),
        ),
        "OKP" => {
            let (Some(crv), Some(x)) = (text("crv"), text("x")) else {
                return Err("JWK missing OKP parameters".into());
            };
            if crv != "Ed25519" {
                return Err(format!("unsupported OKP curve: {crv}"));
            }
            let x = unb64(x).map_err(|e| format!("failed to decode Ed25519 x: {e}"))?;
            if x.len() != 32 {
                return Err(format!("invalid Ed25519 public key length: {}", x.len()));
            }
            Ok(PublicKey::Ed25519(x))
        }
        "AKP" => {
            let (Some(alg), Some(public)) = (text("alg"), text("pub")) else {
                return Err("JWK missing AKP alg or pub".into());
            };
            let raw = unb64(public).map_err(|e| format!("failed to decode AKP pub: {e}"))?;
            let set = MlDsaSet::from_alg(alg).ok_or(
                "failed to parse AKP public key: unsupported signature algorithm".to_owned(),
            )?;
            if raw.len() != set.public_key_len() {
                return Err("failed to parse AKP public key: wrong size for public key".into());
            }
            Ok(PublicKey::MlDsa { set, raw })
        }
        other => Err(format!("unsupported JWK kty: {other}")),
    }
}

fn rsa_jwk(n: Option<&str>, e: Option<&str>) -> Result<PublicKey, String> {
    let (Some(n), Some(e)) = (n, e) else {
        return Err("JWK missing RSA modulus or exponent".into());
    };
    let n = unb64(n).map_err(|e| format!("failed to decode RSA modulus: {e}"))?;
    let e = unb64(e).map_err(|e| format!("failed to decode RSA exponent: {e}"))?;
    if n.first().is_none_or(|b| *b == 0) {
        return Err("RSA modulus is not minimally encoded".into());
    }
    if !(256..=1024).contains(&n.len()) {
        return Err(format!("unsupported RSA modulus size: {} bytes", n.len()));
    }
    if e.is_empty() || e.len() > 4 || e[0] == 0 {
        return Err("invalid RSA exponent encoding".into());
    }
    let exponent = e.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    if exponent < 3 || exponent % 2 == 0 {
        return Err("invalid RSA exponent".into());
    }
    Ok(PublicKey::Rsa { n, e })
}

fn ec_jwk(crv: &str, x: &str, y: &str) -> Result<PublicKey, String> {
    if crv.is_empty() || x.is_empty() || y.is_empty() {
        return Err("EC JWK missing crv/x/y".into());
    }
    let curve = match crv {
        "P-256" => Curve::P256,
        "P-384" => Curve::P384,
        "P-521" => Curve::P521,
        other => return Err(format!("unsupported EC curve: {other}")),
    };
    let x = unb64(x).map_err(|e| format!("decode EC x: {e}"))?;
    let y = unb64(y).map_err(|e| format!("decode EC y: {e}"))?;
    let len = curve.coordinate_len();
    if x.len() != len || y.len() != len {
        return Err(format!("EC coordinate length mismatch for {crv}"));
    }
    let mut point = Vec::with_capacity(1 + 2 * len);
    point.push(4);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    // Go's `ParseUncompressedPublicKey` refuses a point off the curve (its inner text is Go's
    // `nistec` one; the mock says "invalid public key"); AWS-LC parses it here.
    let on_curve = match curve {
        Curve::P256 => signature::ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &point),
        Curve::P384 => signature::ParsedPublicKey::new(&signature::ECDSA_P384_SHA384_FIXED, &point),
        Curve::P521 => signature::ParsedPublicKey::new(&signature::ECDSA_P521_SHA512_FIXED, &point),
    };
    if on_curve.is_err() {
        return Err("invalid EC public key: invalid public key".into());
    }
    Ok(PublicKey::Ec { curve, point })
}
