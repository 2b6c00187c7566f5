//! X.509 for attestation statements, over `x509-parser` (parsing) and AWS-LC (signatures): a
//! statement's certificates, a signature checked with a certificate's key under a COSE algorithm
//! (Go's `Certificate.CheckSignature` as go-webauthn calls it), validity on the mock's clock, the
//! chain check android-key and apple make against the vendors' roots, and a small DER reader for
//! the vendors' extensions.

use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{ParsedExtension, X509Extension};
use x509_parser::prelude::FromDer as _;
use x509_parser::x509::SubjectPublicKeyInfo;

use super::WebauthnError;

/// A certificate of an attestation statement.
pub(crate) type Certificate<'a> = X509Certificate<'a>;

/// Parse one DER certificate; trailing bytes are refused, as Go's `x509.ParseCertificate` does.
pub(crate) fn parse(der: &[u8]) -> Result<Certificate<'_>, WebauthnError> {
    match X509Certificate::from_der(der) {
        Ok(([], cert)) => Ok(cert),
        _ => Err(failed("error parsing certificate from ASN.1 data")),
    }
}

/// A statement failure with its reason (go-webauthn's details).
pub(crate) fn failed(reason: &str) -> WebauthnError {
    WebauthnError::Attestation(reason.to_owned())
}

/// Whether `now` (Unix seconds) lies within the certificate's validity.
pub(crate) fn valid_at(cert: &Certificate<'_>, now: i64) -> bool {
    let validity = cert.validity();
    validity.not_before.timestamp() <= now && now <= validity.not_after.timestamp()
}

/// The extension with `oid` (dotted), if present.
pub(crate) fn extension<'a>(cert: &'a Certificate<'_>, oid: &str) -> Option<&'a X509Extension<'a>> {
    cert.extensions()
        .iter()
        .find(|ext| ext.oid.to_id_string() == oid)
}

/// Whether the Basic Constraints extension says CA (Go's `IsCA`).
pub(crate) fn is_ca(cert: &Certificate<'_>) -> bool {
    matches!(cert.basic_constraints(), Ok(Some(bc)) if bc.value.ca)
}

/// The curve of an EC key (`P-256`, `P-384`, `P-521`), from the SPKI's parameters.
fn ec_curve(spki: &SubjectPublicKeyInfo<'_>) -> Option<&'static str> {
    let params = spki.algorithm.parameters.as_ref()?;
    let oid = params.as_oid().ok()?.to_id_string();
    match oid.as_str() {
        "1.2.840.10045.3.1.7" => Some("P-256"),
        "1.3.132.0.34" => Some("P-384"),
        "1.3.132.0.35" => Some("P-521"),
        _ => None,
    }
}

const RSA_KEY: &str = "1.2.840.113549.1.1.1";
const EC_KEY: &str = "1.2.840.10045.2.1";
const ED25519_KEY: &str = "1.3.101.112";

/// Verify `signature` over `message` with the certificate's key under COSE algorithm `alg`
/// (`webauthncose.SigAlgFromCOSEAlg`): an algorithm the table lacks, or one for another key type,
/// fails as Go's `CheckSignature` does.
pub(crate) fn verify_signature(
    cert: &Certificate<'_>,
    alg: i64,
    message: &[u8],
    signature: &[u8],
) -> Result<(), WebauthnError> {
    let spki = cert.public_key();
    let key_type = spki.algorithm.algorithm.to_id_string();
    let algorithm: &'static dyn VerificationAlgorithm = match (alg, key_type.as_str()) {
        (-65535, RSA_KEY) => &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        (-257, RSA_KEY) => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        (-258, RSA_KEY) => &signature::RSA_PKCS1_2048_8192_SHA384,
        (-259, RSA_KEY) => &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        (-37, RSA_KEY) => &signature::RSA_PSS_2048_8192_SHA256,
        (-38, RSA_KEY) => &signature::RSA_PSS_2048_8192_SHA384,
        (-39, RSA_KEY) => &signature::RSA_PSS_2048_8192_SHA512,
        (-7 | -9 | -35 | -51 | -36 | -52, EC_KEY) => {
            ecdsa(alg, ec_curve(spki)).ok_or_else(|| failed("unsupported ECDSA curve"))?
        }
        (-8 | -19, ED25519_KEY) => &signature::ED25519,
        _ => return Err(failed(&format!("unsupported COSE alg: {alg}"))),
    };
    UnparsedPublicKey::new(algorithm, spki.subject_public_key.data.as_ref())
        .verify(message, signature)
        .map_err(|_| failed("signature validation error"))
}

/// ECDSA: the hash is the algorithm's, the curve the key's (Go hashes, then verifies on any curve).
fn ecdsa(alg: i64, curve: Option<&str>) -> Option<&'static dyn VerificationAlgorithm> {
    let hash = match alg {
        -7 | -9 => 256,
        -35 | -51 => 384,
        _ => 512,
    };
    Some(match (curve?, hash) {
        ("P-256", 256) => &signature::ECDSA_P256_SHA256_ASN1,
        ("P-256", 384) => &signature::ECDSA_P256_SHA384_ASN1,
        ("P-256", _) => &signature::ECDSA_P256_SHA512_ASN1,
        ("P-384", 256) => &signature::ECDSA_P384_SHA256_ASN1,
        ("P-384", 384) => &signature::ECDSA_P384_SHA384_ASN1,
        ("P-384", _) => &signature::ECDSA_P384_SHA512_ASN1,
        ("P-521", 256) => &signature::ECDSA_P521_SHA256_ASN1,
        ("P-521", 384) => &signature::ECDSA_P521_SHA384_ASN1,
        _ => &signature::ECDSA_P521_SHA512_ASN1,
    })
}

/// The uncompressed P-256 point of an EC certificate key, if it is one.
pub(crate) fn p256_point<'a>(cert: &'a Certificate<'_>) -> Option<&'a [u8]> {
    let spki = cert.public_key();
    (spki.algorithm.algorithm.to_id_string() == EC_KEY && ec_curve(spki) == Some("P-256"))
        .then(|| spki.subject_public_key.data.as_ref())
}

/// go-webauthn's `attStatementCertChainVerify` with fixed roots and `mangleNotAfter`: the leaf (the
/// first certificate that is no CA) must chain through the others to one of `roots`. Expired
/// statement certificates count as valid (go-webauthn moves their NotAfter a year ahead, to check
/// lineage only); a root must be valid at `now`. Each issuer is a CA, each signature verifies, and a
/// certificate with an Extended Key Usage must allow server authentication (Go's default).
pub(crate) fn verify_chain(
    certs: &[Certificate<'_>],
    roots: &[Vec<u8>],
    now: i64,
) -> Result<(), WebauthnError> {
    let invalid = || failed("error validating x5c cert chain");
    let leaf_index = certs.iter().position(|c| !is_ca(c)).unwrap_or(0);
    let roots: Vec<Certificate<'_>> = roots.iter().filter_map(|der| parse(der).ok()).collect();
    let usable = |cert: &Certificate<'_>| {
        cert.validity().not_before.timestamp() <= now
            && allows_server_auth(cert)
            && !has_unknown_critical_extension(cert)
    };
    let mut current = certs.get(leaf_index).ok_or_else(invalid)?;
    if !usable(current) {
        return Err(invalid());
    }
    // Each step climbs one issuer; a chain longer than the statement's certificates loops.
    for _ in 0..=certs.len() {
        let signed_by = |issuer: &Certificate<'_>| {
            issuer.subject().as_raw() == current.issuer().as_raw()
                && current.verify_signature(Some(issuer.public_key())).is_ok()
        };
        if roots
            .iter()
            .any(|root| signed_by(root) && valid_at(root, now))
        {
            return Ok(());
        }
        current = certs
            .iter()
            .enumerate()
            .find(|(i, c)| *i != leaf_index && is_ca(c) && usable(c) && signed_by(c))
            .map(|(_, c)| c)
            .ok_or_else(invalid)?;
    }
    Err(invalid())
}

fn allows_server_auth(cert: &Certificate<'_>) -> bool {
    match cert.extended_key_usage() {
        Ok(Some(eku)) => eku.value.any || eku.value.server_auth,
        Ok(None) => true,
        Err(_) => false,
    }
}

fn has_unknown_critical_extension(cert: &Certificate<'_>) -> bool {
    cert.extensions().iter().any(|ext| {
        ext.critical
            && matches!(
                ext.parsed_extension(),
                ParsedExtension::UnsupportedExtension { .. }
            )
    })
}

/// A minimal DER reader for the vendors' extensions (Android's key description, Apple's nonce):
/// one tag-length-value at a time, definite lengths only.
pub(crate) mod der {
    /// One element: its class and constructed bit and number (`tag`), and its contents.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) struct Tlv<'a> {
        /// The class bits (0 universal, 2 context-specific).
        pub class: u8,
        pub constructed: bool,
        pub number: u32,
        pub value: &'a [u8],
    }

    pub(crate) const SEQUENCE: u32 = 16;
    pub(crate) const SET: u32 = 17;
    pub(crate) const OCTET_STRING: u32 = 4;
    pub(crate) const INTEGER: u32 = 2;
    pub(crate) const ENUMERATED: u32 = 10;

    /// Read one element; the rest of the input after it.
    pub(crate) fn read(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
        let (&first, mut rest) = input.split_first()?;
        let class = first >> 6;
        let constructed = first & 0x20 != 0;
        let mut number = u32::from(first & 0x1f);
        if number == 0x1f {
            number = 0;
            loop {
                let (&byte, tail) = rest.split_first()?;
                rest = tail;
                number = number.checked_mul(128)? | u32::from(byte & 0x7f);
                if byte & 0x80 == 0 {
                    break;
                }
            }
        }
        let (&len_byte, tail) = rest.split_first()?;
        rest = tail;
        let len = if len_byte < 0x80 {
            usize::from(len_byte)
        } else {
            let count = usize::from(len_byte & 0x7f);
            if count == 0 || count > 4 || rest.len() < count {
                return None;
            }
            let (bytes, tail) = rest.split_at(count);
            rest = tail;
            bytes.iter().fold(0usize, |n, b| (n << 8) | usize::from(*b))
        };
        if rest.len() < len {
            return None;
        }
        let (value, rest) = rest.split_at(len);
        Some((
            Tlv {
                class,
                constructed,
                number,
                value,
            },
            rest,
        ))
    }

    /// Every element of a constructed value, in order; `None` if one is malformed.
    pub(crate) fn children(mut value: &[u8]) -> Option<Vec<Tlv<'_>>> {
        let mut out = Vec::new();
        while !value.is_empty() {
            let (tlv, rest) = read(value)?;
            out.push(tlv);
            value = rest;
        }
        Some(out)
    }

    /// A non-negative INTEGER's or ENUMERATED's value, if it fits in an i64.
    pub(crate) fn integer(value: &[u8]) -> Option<i64> {
        if value.is_empty() || value.len() > 8 {
            return None;
        }
        let negative = value[0] & 0x80 != 0;
        let start: i64 = if negative { -1 } else { 0 };
        Some(value.iter().fold(start, |n, b| (n << 8) | i64::from(*b)))
    }
}
