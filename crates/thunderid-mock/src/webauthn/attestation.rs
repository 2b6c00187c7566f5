//! Attestation statements (WebAuthn §8), verified as go-webauthn v0.17.4 does for a server that
//! configures no metadata service (the real server's `webauthn.Config` names none): each format's
//! signature and certificate checks, and no trust decision beyond them. `packed` (self, or with an
//! `x5c` chain whose certificates are only checked for their fields and dates), `fido-u2f`, `tpm`,
//! `android-key` and `apple` (whose chains must reach Google's and Apple's hardware roots, as
//! go-webauthn pins them), `android-safetynet` and `compound`. Every failure is one
//! [`WebauthnError::Attestation`]: the services answer the server's one registration code for all.

mod android;
mod apple;
mod tpm;

use ciborium::Value as Cbor;

use super::certificate::{self, Certificate, failed};
use super::{AuthenticatorData, CoseKey, WebauthnError};

/// What a statement is checked against besides the ceremony: the mock clock's time (certificate
/// dates) and the roots android-key and apple chains must reach.
#[derive(Debug, Clone)]
pub(crate) struct Trust {
    /// Unix seconds.
    pub now: i64,
    /// DER certificates.
    pub android_key_roots: Vec<Vec<u8>>,
    pub apple_roots: Vec<Vec<u8>>,
}

impl Trust {
    /// The roots go-webauthn pins (Google's hardware attestation roots, Apple's WebAuthn root),
    /// public certificates kept beside this file.
    pub(crate) fn hardware(now: u64) -> Self {
        let der = |pem: &str| {
            rustls_pemfile::certs(&mut pem.as_bytes())
                .filter_map(Result::ok)
                .map(|c| c.to_vec())
                .collect::<Vec<_>>()
        };
        let android = [
            include_str!("attestation/roots/android-key-root-1.pem"),
            include_str!("attestation/roots/android-key-root-2.pem"),
            include_str!("attestation/roots/android-key-root-3.pem"),
            include_str!("attestation/roots/android-key-root-4.pem"),
            include_str!("attestation/roots/android-key-root-5.pem"),
        ];
        Self {
            now: i64::try_from(now).unwrap_or(i64::MAX),
            android_key_roots: android.iter().flat_map(|pem| der(pem)).collect(),
            apple_roots: der(include_str!("attestation/roots/apple-webauthn-root-ca.pem")),
        }
    }
}

/// The registration a statement vouches for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attested<'a> {
    pub raw_auth_data: &'a [u8],
    pub auth_data: &'a AuthenticatorData,
    pub key: &'a CoseKey,
    pub client_data_hash: &'a [u8; 32],
}

impl Attested<'_> {
    /// `authData ‖ clientDataHash`, what most statements sign.
    fn signed_data(&self) -> Vec<u8> {
        let mut data = self.raw_auth_data.to_vec();
        data.extend_from_slice(self.client_data_hash);
        data
    }

    fn aaguid(&self) -> [u8; 16] {
        self.auth_data
            .attested
            .as_ref()
            .map_or([0; 16], |a| a.aaguid)
    }
}

/// A statement's members (`attStmt`, a CBOR map with text keys).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Statement<'a>(pub &'a [(Cbor, Cbor)]);

impl<'a> Statement<'a> {
    fn get(&self, name: &str) -> Option<&'a Cbor> {
        self.0
            .iter()
            .find(|(k, _)| k.as_text() == Some(name))
            .map(|(_, v)| v)
    }

    /// `alg`: Go reads it as an `int64`, which only a negative CBOR integer decodes to.
    fn alg(&self) -> Result<i64, WebauthnError> {
        self.get("alg")
            .and_then(Cbor::as_integer)
            .and_then(|i| i64::try_from(i).ok())
            .filter(|alg| *alg < 0)
            .ok_or_else(|| failed("error retrieving alg value"))
    }

    fn bytes(&self, name: &str) -> Result<&'a [u8], WebauthnError> {
        self.get(name)
            .and_then(Cbor::as_bytes)
            .map(Vec::as_slice)
            .ok_or_else(|| failed(&format!("error retrieving {name} value")))
    }

    fn text(&self, name: &str) -> Result<&'a str, WebauthnError> {
        self.get(name)
            .and_then(Cbor::as_text)
            .ok_or_else(|| failed(&format!("error retrieving {name} value")))
    }

    /// `x5c` as an array, if it is one.
    fn x5c_array(&self) -> Option<&'a [Cbor]> {
        self.get("x5c").and_then(Cbor::as_array).map(Vec::as_slice)
    }

    /// `x5c` parsed (`attStatementParseX5CS`): a non-empty array of DER certificates.
    fn x5c(&self) -> Result<Vec<Certificate<'a>>, WebauthnError> {
        let array = self
            .x5c_array()
            .ok_or_else(|| failed("error retrieving x5c value"))?;
        if array.is_empty() {
            return Err(failed("error retrieving x5c value: empty array"));
        }
        array
            .iter()
            .map(|item| {
                item.as_bytes()
                    .ok_or_else(|| failed("x5c item is not a byte array"))
                    .and_then(|der| certificate::parse(der))
            })
            .collect()
    }
}

/// Verify the statement of format `format`; the attestation type go-webauthn records
/// (`none`, `basic_surrogate`, `basic_full`, `attca`, `anonca`).
pub(crate) fn verify(
    format: &str,
    statement: &Cbor,
    attested: &Attested<'_>,
    trust: &Trust,
) -> Result<&'static str, WebauthnError> {
    if format == "none" {
        return match statement.as_map() {
            Some(map) if map.is_empty() => Ok("none"),
            _ => Err(failed("attestation format none with attestation present")),
        };
    }
    if format == "compound" {
        return compound(statement, attested, trust);
    }
    let map = statement
        .as_map()
        .ok_or_else(|| failed("attestation statement is not a map"))?;
    verify_format(format, Statement(map), attested, trust)
}

fn verify_format(
    format: &str,
    statement: Statement<'_>,
    attested: &Attested<'_>,
    trust: &Trust,
) -> Result<&'static str, WebauthnError> {
    match format {
        "packed" => packed(statement, attested, trust),
        "fido-u2f" => fido_u2f(statement, attested),
        "tpm" => tpm::verify(statement, attested),
        "android-key" => android::key(statement, attested, trust),
        "android-safetynet" => android::safetynet(statement, attested, trust),
        "apple" => apple::verify(statement, attested, trust),
        other => Err(failed(&format!(
            "attestation format {other} is unsupported"
        ))),
    }
}

/// §8.9 compound: at least two statements of other (known) formats, each verified; type `none`.
fn compound(
    statement: &Cbor,
    attested: &Attested<'_>,
    trust: &Trust,
) -> Result<&'static str, WebauthnError> {
    let items = statement
        .as_array()
        .filter(|items| items.len() >= 2)
        .ok_or_else(|| failed("compound statement attStmt isn't an array of two or more"))?;
    let mut parts = Vec::with_capacity(items.len());
    for item in items {
        let member = |name: &str| {
            item.as_map()?
                .iter()
                .find(|(k, _)| k.as_text() == Some(name))
                .map(|(_, v)| v)
        };
        let format = member("fmt")
            .and_then(Cbor::as_text)
            .ok_or_else(|| failed("compound sub-statement does not have a format"))?;
        let inner = member("attStmt")
            .and_then(Cbor::as_map)
            .ok_or_else(|| failed("compound sub-statement has no attestation statement"))?;
        match format {
            "compound" | "" | "none" => {
                return Err(failed(&format!("compound sub-statement format {format:?}")));
            }
            "packed" | "fido-u2f" | "tpm" | "android-key" | "android-safetynet" | "apple" => {}
            other => {
                return Err(failed(&format!(
                    "sub-statement format {other} is unsupported"
                )));
            }
        }
        parts.push((format, Statement(inner)));
    }
    for (format, inner) in parts {
        verify_format(format, inner, attested, trust)?;
    }
    Ok("none")
}

/// §8.2 packed: with `x5c` basic attestation, else self attestation (`ecdaaKeyId` is not
/// implemented by go-webauthn).
fn packed(
    statement: Statement<'_>,
    attested: &Attested<'_>,
    trust: &Trust,
) -> Result<&'static str, WebauthnError> {
    let alg = statement.alg()?;
    let sig = statement.bytes("sig")?;
    if let Some(x5c) = statement.x5c_array() {
        return packed_basic(x5c, alg, sig, attested, trust.now);
    }
    if statement
        .get("ecdaaKeyId")
        .and_then(Cbor::as_bytes)
        .is_some()
    {
        return Err(failed("packed (ECDAA) is not implemented"));
    }
    if alg != attested.key.algorithm() {
        return Err(failed(
            "public key algorithm does not equal att statement algorithm",
        ));
    }
    attested
        .key
        .verify(&attested.signed_data(), sig)
        .map_err(|_| failed("unable to verify signature"))?;
    Ok("basic_surrogate")
}

/// The `id-fido-gen-ce-aaguid` extension.
const AAGUID_EXTENSION: &str = "1.3.6.1.4.1.45724.1.1.4";

/// go-webauthn's `handleBasicAttestation`: every certificate parses and is valid now; the first
/// signed `authData ‖ clientDataHash`; it meets §8.2.1 (version 3, subject C/O/OU/CN, no CA, an
/// AAGUID extension that is not critical and matches authData's).
fn packed_basic(
    x5c: &[Cbor],
    alg: i64,
    sig: &[u8],
    attested: &Attested<'_>,
    now: i64,
) -> Result<&'static str, WebauthnError> {
    let mut certs = Vec::with_capacity(x5c.len());
    for item in x5c {
        let der = item
            .as_bytes()
            .ok_or_else(|| failed("error getting certificate from x5c cert chain"))?;
        let cert = certificate::parse(der)?;
        if !certificate::valid_at(&cert, now) {
            return Err(failed(
                "cert in chain is either no longer valid or not yet valid",
            ));
        }
        certs.push(cert);
    }
    let cert = certs
        .first()
        .ok_or_else(|| failed("error getting certificate from x5c cert chain"))?;
    certificate::verify_signature(cert, alg, &attested.signed_data(), sig)?;
    if cert.version().0 != 2 {
        return Err(failed("attestation certificate is incorrect version"));
    }
    let subject = cert.subject();
    let countries: Vec<&str> = subject
        .iter_country()
        .map(|a| a.as_str().unwrap_or(""))
        .collect();
    if countries.len() != 1 || !is_iso3166_alpha2(countries[0]) {
        return Err(failed("attestation certificate country code is invalid"));
    }
    let organization: String = subject
        .iter_organization()
        .filter_map(|a| a.as_str().ok())
        .collect();
    if organization.is_empty() {
        return Err(failed("attestation certificate organization is invalid"));
    }
    let unit = subject
        .iter_organizational_unit()
        .filter_map(|a| a.as_str().ok())
        .collect::<Vec<_>>()
        .join(" ");
    if unit != "Authenticator Attestation" {
        return Err(failed(
            "attestation certificate organizational unit is invalid",
        ));
    }
    // Go keeps the last CN of the subject.
    let common_name = subject
        .iter_common_name()
        .last()
        .and_then(|a| a.as_str().ok())
        .unwrap_or("");
    if common_name.is_empty() {
        return Err(failed("attestation certificate common name not set"));
    }
    let mut found = None;
    for ext in cert.extensions() {
        if ext.oid.to_id_string() == AAGUID_EXTENSION {
            if ext.critical {
                return Err(failed(
                    "attestation certificate FIDO extension marked as critical",
                ));
            }
            found = Some(ext.value);
        }
    }
    if let Some(value) = found.filter(|v| !v.is_empty()) {
        let inner = match certificate::der::read(value) {
            Some((tlv, _)) if tlv.number == certificate::der::OCTET_STRING && !tlv.constructed => {
                tlv.value
            }
            _ => return Err(failed("error unmarshalling AAGUID from certificate")),
        };
        if inner != attested.aaguid() {
            return Err(failed("certificate AAGUID does not match auth data"));
        }
    }
    if certificate::is_ca(cert) {
        return Err(failed(
            "attestation certificate's basic constraints marked as CA",
        ));
    }
    Ok("basic_full")
}

/// §8.6 fido-u2f: an ES256 credential key; one P-256 certificate whose key signed
/// `0x00 ‖ rpIdHash ‖ clientDataHash ‖ credentialId ‖ 0x04 ‖ x ‖ y` (ECDSA with SHA-256).
fn fido_u2f(
    statement: Statement<'_>,
    attested: &Attested<'_>,
) -> Result<&'static str, WebauthnError> {
    let CoseKey::Es256 { x, y } = attested.key else {
        return Err(failed("non-ES256 public key algorithm used"));
    };
    let x5c = statement
        .x5c_array()
        .ok_or_else(|| failed("missing properly formatted x5c data"))?;
    let sig = statement.bytes("sig")?;
    let [item] = x5c else {
        return Err(failed("x5c must contain exactly one element"));
    };
    let der = item
        .as_bytes()
        .ok_or_else(|| failed("error decoding ASN.1 data from x5c"))?;
    let cert = certificate::parse(der)?;
    if certificate::p256_point(&cert).is_none() {
        return Err(failed(
            "attestation certificate does not contain a P-256 ECDSA public key",
        ));
    }
    let credential_id = attested
        .auth_data
        .attested
        .as_ref()
        .map_or(&[][..], |a| a.credential_id.as_slice());
    let mut data = vec![0x00];
    data.extend_from_slice(&attested.auth_data.rp_id_hash);
    data.extend_from_slice(attested.client_data_hash);
    data.extend_from_slice(credential_id);
    data.push(0x04);
    data.extend_from_slice(x);
    data.extend_from_slice(y);
    certificate::verify_signature(&cert, -7, &data, sig)?;
    Ok("basic_full")
}

/// The ISO 3166-1 alpha-2 codes go-webauthn accepts: the assigned ones and the user-assigned
/// AA, QM–QZ, XA–XZ and ZZ.
fn is_iso3166_alpha2(code: &str) -> bool {
    const ASSIGNED: &str = include_str!("attestation/iso3166.txt");
    let bytes = code.as_bytes();
    if bytes.len() != 2 {
        return false;
    }
    let user_assigned = matches!(code, "AA" | "ZZ")
        || (bytes[0] == b'Q' && (b'M'..=b'Z').contains(&bytes[1]))
        || (bytes[0] == b'X' && bytes[1].is_ascii_uppercase());
    user_assigned || ASSIGNED.split_whitespace().any(|c| c == code)
}

#[cfg(test)]
mod tests;
