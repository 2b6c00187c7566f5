//! Certificates for OpenID4VP: the verifier's request-signing certificate (its DNS SAN is the
//! `x509_san_dns` client id), the mock credential issuer's CA (the one trust anchor) and the issuer
//! certificates it signs, and the server's check of an issuer JWT's `x5c` chain against the anchors
//! (each certificate signed by the next, the last by an anchor, all valid at the mock clock's time).

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ParsedExtension;
use x509_parser::time::ASN1Time;

use super::jws::{Alg, PublicKey, SigningKey};

/// A key with its certificate (DER).
#[derive(Debug)]
pub(crate) struct Certified {
    pub key: SigningKey,
    pub der: Vec<u8>,
}

/// How long a generated certificate is valid: `not_before` and `not_after` as (year, month, day).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Validity {
    pub from: (i32, u8, u8),
    pub to: (i32, u8, u8),
}

impl Validity {
    /// The mock's certificates: valid from 2020 for a century.
    pub(crate) const LONG: Self = Self {
        from: (2020, 1, 1),
        to: (2124, 1, 1),
    };
    /// Expired long ago: what the fake wallet's `expired` credential is signed under.
    pub(crate) const EXPIRED: Self = Self {
        from: (2000, 1, 1),
        to: (2001, 1, 1),
    };
}

fn params(common_name: &str, dns: Vec<String>, validity: Validity) -> rcgen::CertificateParams {
    let mut params = rcgen::CertificateParams::new(dns).expect("valid DNS names");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, common_name);
    let (y, m, d) = validity.from;
    params.not_before = rcgen::date_time_ymd(y, m, d);
    let (y, m, d) = validity.to;
    params.not_after = rcgen::date_time_ymd(y, m, d);
    params
}

fn rcgen_key(key: &SigningKey) -> rcgen::KeyPair {
    rcgen::KeyPair::try_from(key.pkcs8()).expect("a P-256 or Ed25519 PKCS#8 key")
}

/// A self-signed P-256 certificate; a CA when `ca`.
pub(crate) fn self_signed(common_name: &str, dns: &[&str], ca: bool) -> Certified {
    let key = SigningKey::generate(Alg::Es256);
    let mut params = params(
        common_name,
        dns.iter().map(|d| (*d).to_owned()).collect(),
        Validity::LONG,
    );
    if ca {
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
    }
    let der = params
        .self_signed(&rcgen_key(&key))
        .expect("certificate generation")
        .der()
        .to_vec();
    Certified { key, der }
}

/// A fresh key for `alg` certified by `ca` (whose certificate carries `ca_name`).
pub(crate) fn issue(
    ca: &Certified,
    ca_name: &str,
    common_name: &str,
    alg: Alg,
    validity: Validity,
) -> Certified {
    let key = SigningKey::generate(alg);
    let mut ca_params = params(ca_name, Vec::new(), Validity::LONG);
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let issuer = rcgen::Issuer::new(ca_params, rcgen_key(&ca.key));
    let der = params(common_name, Vec::new(), validity)
        .signed_by(&rcgen_key(&key), &issuer)
        .expect("certificate generation")
        .der()
        .to_vec();
    Certified { key, der }
}

/// A trust anchor as `GET /openid4vp/trust-anchors` lists it.
#[derive(Debug, Clone)]
pub(crate) struct Anchor {
    pub name: String,
    pub der: Vec<u8>,
}

/// Why an `x5c` chain was refused (the Go `x509` texts).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ChainError {
    #[error("empty x5c chain")]
    Empty,
    #[error("x509: certificate signed by unknown authority")]
    UnknownAuthority,
    #[error("x509: certificate has expired or is not yet valid")]
    Expired,
    #[error("x509: malformed certificate")]
    Malformed,
}

pub(crate) fn parse(der: &[u8]) -> Result<X509Certificate<'_>, ChainError> {
    x509_parser::parse_x509_certificate(der)
        .map(|(_, cert)| cert)
        .map_err(|_| ChainError::Malformed)
}

/// The certificate's public key.
pub(crate) fn public_key(cert: &X509Certificate<'_>) -> PublicKey {
    super::jws::certificate_key(cert)
}

/// The Subject Key Identifier, base64url (empty when the certificate has none).
pub(crate) fn subject_key_id(cert: &X509Certificate<'_>) -> String {
    cert.extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(id) => Some(super::jose::b64(id.0)),
            _ => None,
        })
        .unwrap_or_default()
}

/// Go's `notAfter` in RFC 3339 (UTC).
pub(crate) fn not_after(cert: &X509Certificate<'_>) -> String {
    let t = cert.validity().not_after.to_datetime();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `cert` names `issuer` and carries its signature: ECDSA, Ed25519 or RSA, as Go's `x509`
/// verifies certificate signatures (x509-parser's check on AWS-LC).
fn signed_by(cert: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> bool {
    cert.issuer() == issuer.subject() && cert.verify_signature(Some(issuer.public_key())).is_ok()
}

/// Verify the leaf-first chain to one of `anchors` at `now`; answers the leaf's public key.
pub(crate) fn verify_chain(
    chain: &[Vec<u8>],
    anchors: &[&Anchor],
    now: u64,
) -> Result<PublicKey, ChainError> {
    let parsed = chain
        .iter()
        .map(|der| parse(der))
        .collect::<Result<Vec<_>, _>>()?;
    let leaf = parsed.first().ok_or(ChainError::Empty)?;
    let now = ASN1Time::from_timestamp(i64::try_from(now).unwrap_or(i64::MAX))
        .map_err(|_| ChainError::Malformed)?;
    let roots = anchors
        .iter()
        .map(|a| parse(&a.der))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, cert) in parsed.iter().enumerate() {
        if !cert.validity().is_valid_at(now) {
            return Err(ChainError::Expired);
        }
        if let Some(next) = parsed.get(i + 1) {
            if !signed_by(cert, next) {
                return Err(ChainError::UnknownAuthority);
            }
            continue;
        }
        // The last certificate is an anchor itself, or signed by one.
        let root = roots
            .iter()
            .find(|root| root.as_ref() == cert.as_ref() || signed_by(cert, root))
            .ok_or(ChainError::UnknownAuthority)?;
        if !root.validity().is_valid_at(now) {
            return Err(ChainError::Expired);
        }
    }
    Ok(public_key(leaf))
}
