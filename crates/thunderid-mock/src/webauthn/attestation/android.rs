//! §8.4 android-key (a chain to Google's hardware attestation roots, the key description
//! extension) and §8.5 android-safetynet (a SafetyNet JWS signed by an `attest.android.com`
//! certificate, over the registration's nonce).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::Value;

use super::super::certificate::{self, Certificate, der, failed};
use super::super::{CoseKey, WebauthnError, sha256};
use super::{Attested, Statement, Trust};

const KEY_DESCRIPTION_EXTENSION: &str = "1.3.6.1.4.1.11129.2.1.17";
/// `KM_PURPOSE_SIGN`.
const PURPOSE_SIGN: i64 = 2;

/// go-webauthn's android-key handler, in its order.
pub(super) fn key(
    statement: Statement<'_>,
    attested: &Attested<'_>,
    trust: &Trust,
) -> Result<&'static str, WebauthnError> {
    let alg = statement.alg()?;
    let sig = statement.bytes("sig")?;
    let certs = statement.x5c()?;
    certificate::verify_chain(&certs, &trust.android_key_roots, trust.now)?;
    let cred_cert = &certs[0];
    let signed = attested.signed_data();
    certificate::verify_signature(cred_cert, alg, &signed, sig)?;
    same_ec_key(attested, cred_cert)?;
    attested
        .key
        .verify(&signed, sig)
        .map_err(|_| failed("error parsing public key"))?;
    // Go keeps the last extension with the OID.
    let value = cred_cert
        .extensions()
        .iter()
        .rfind(|ext| ext.oid.to_id_string() == KEY_DESCRIPTION_EXTENSION)
        .map(|ext| ext.value)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            failed("attestation certificate extensions missing 1.3.6.1.4.1.11129.2.1.17")
        })?;
    let description = KeyDescription::parse(value)
        .ok_or_else(|| failed("unable to parse Android key attestation certificate extensions"))?;
    if description.challenge != attested.client_data_hash {
        return Err(failed("attestation challenge not equal to clientDataHash"));
    }
    let (software, tee) = (&description.software, &description.tee);
    if software.all_applications || tee.all_applications {
        return Err(failed(
            "attestation certificate extensions contains all applications field",
        ));
    }
    if software.origin != 0 || tee.origin != 0 {
        return Err(failed(
            "authorization list with origin not equal KM_ORIGIN_GENERATED",
        ));
    }
    if !software.purpose.contains(&PURPOSE_SIGN) && !tee.purpose.contains(&PURPOSE_SIGN) {
        return Err(failed(
            "authorization list with purpose not equal KM_PURPOSE_SIGN",
        ));
    }
    Ok("basic_full")
}

/// `verifyAttestationECDSAPublicKeyMatch`: the credential key is an EC key equal to the
/// certificate's.
pub(super) fn same_ec_key(
    attested: &Attested<'_>,
    cert: &Certificate<'_>,
) -> Result<(), WebauthnError> {
    let CoseKey::Es256 { x, y } = attested.key else {
        return Err(failed("attestation public key is not ECDSA"));
    };
    let point = certificate::p256_point(cert)
        .ok_or_else(|| failed("certificate public key does not match public key in authData"))?;
    let mut expected = vec![0x04];
    expected.extend_from_slice(x);
    expected.extend_from_slice(y);
    if point != expected.as_slice() {
        return Err(failed(
            "certificate public key does not match public key in authData",
        ));
    }
    Ok(())
}

/// The parts of Android's `KeyDescription` go-webauthn checks.
struct KeyDescription<'a> {
    challenge: &'a [u8],
    software: AuthorizationList,
    tee: AuthorizationList,
}

#[derive(Default)]
struct AuthorizationList {
    /// `[1] EXPLICIT SET OF INTEGER`.
    purpose: Vec<i64>,
    /// `[600]` present.
    all_applications: bool,
    /// `[702] EXPLICIT INTEGER`; 0 (KM_ORIGIN_GENERATED) when absent, as Go decodes it.
    origin: i64,
}

impl<'a> KeyDescription<'a> {
    /// `SEQUENCE { attestationVersion INTEGER, attestationSecurityLevel ENUMERATED,
    /// keymasterVersion INTEGER, keymasterSecurityLevel ENUMERATED, attestationChallenge OCTET
    /// STRING, uniqueId OCTET STRING, softwareEnforced AuthorizationList, teeEnforced … }`.
    fn parse(value: &'a [u8]) -> Option<Self> {
        let (sequence, _) = der::read(value)?;
        if sequence.number != der::SEQUENCE {
            return None;
        }
        let fields = der::children(sequence.value)?;
        let expected = [
            der::INTEGER,
            der::ENUMERATED,
            der::INTEGER,
            der::ENUMERATED,
            der::OCTET_STRING,
            der::OCTET_STRING,
            der::SEQUENCE,
            der::SEQUENCE,
        ];
        if fields.len() < expected.len()
            || fields
                .iter()
                .zip(expected)
                .any(|(f, n)| f.class != 0 || f.number != n)
        {
            return None;
        }
        Some(Self {
            challenge: fields[4].value,
            software: AuthorizationList::parse(fields[6].value)?,
            tee: AuthorizationList::parse(fields[7].value)?,
        })
    }
}

impl AuthorizationList {
    fn parse(value: &[u8]) -> Option<Self> {
        let mut list = Self::default();
        for field in der::children(value)? {
            if field.class != 2 {
                return None;
            }
            let (inner, _) = der::read(field.value)?;
            match field.number {
                1 => {
                    if inner.number != der::SET {
                        return None;
                    }
                    for item in der::children(inner.value)? {
                        list.purpose.push(der::integer(item.value)?);
                    }
                }
                600 => list.all_applications = true,
                702 => list.origin = der::integer(inner.value)?,
                _ => {}
            }
        }
        Some(list)
    }
}

const SAFETYNET_HOSTNAME: &str = "attest.android.com";

/// go-webauthn's android-safetynet handler: the JWS in `response` (RS256, the key of its first
/// `x5c` certificate), its nonce, the certificate's host name, `ctsProfileMatch`, a timestamp not
/// in the future.
pub(super) fn safetynet(
    statement: Statement<'_>,
    attested: &Attested<'_>,
    trust: &Trust,
) -> Result<&'static str, WebauthnError> {
    let version = statement
        .get("ver")
        .and_then(ciborium::Value::as_text)
        .ok_or_else(|| failed("unable to find the version of SafetyNet"))?;
    if version.is_empty() {
        return Err(failed("not a proper version for SafetyNet"));
    }
    let response = statement
        .get("response")
        .and_then(ciborium::Value::as_bytes)
        .ok_or_else(|| failed("unable to find the SafetyNet response"))?;
    let (cert_der, claims) = verify_jws(response, trust.now)?;
    let nonce = sha256(&attested.signed_data());
    let sent = claims
        .get("nonce")
        .map(|n| n.as_str().ok_or(()))
        .transpose()
        .map_err(|()| failed("error parsing the SafetyNet response"))?
        .unwrap_or("");
    if STANDARD.decode(sent).ok().as_deref() != Some(&nonce[..]) {
        return Err(failed("invalid nonce for in SafetyNet response"));
    }
    let cert = certificate::parse(&cert_der)?;
    if !issued_to(&cert, SAFETYNET_HOSTNAME) {
        return Err(failed("error finding cert issued to correct hostname"));
    }
    let flag = |name: &str| match claims.get(name) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(failed("error parsing the SafetyNet response")),
    };
    flag("basicIntegrity")?;
    if !flag("ctsProfileMatch")? {
        return Err(failed(
            "ctsProfileMatch attribute of the JWT payload is false",
        ));
    }
    let timestamp_ms = match claims.get("timestampMs") {
        None => 0.0,
        Some(v) => v
            .as_f64()
            .ok_or_else(|| failed("error parsing the SafetyNet response"))?,
    };
    // Go truncates the milliseconds to whole seconds, then refuses a post-dated response.
    if (timestamp_ms / 1000.0).trunc() > trust.now as f64 {
        return Err(failed(
            "SafetyNet response with timestamp after current time",
        ));
    }
    Ok("basic_full")
}

/// The compact JWS: RS256 only, signed by its first `x5c` certificate (standard base64 DER),
/// `exp` and `nbf` honoured when present. The certificate and the claims.
fn verify_jws(
    response: &[u8],
    now: i64,
) -> Result<(Vec<u8>, serde_json::Map<String, Value>), WebauthnError> {
    let invalid = || failed("error finding cert issued to correct hostname");
    let text = std::str::from_utf8(response).map_err(|_| invalid())?;
    let mut parts = text.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    let json = |part: &str| -> Option<serde_json::Map<String, Value>> {
        let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
        match serde_json::from_slice(&bytes).ok()? {
            Value::Object(map) => Some(map),
            _ => None,
        }
    };
    let header = json(header).ok_or_else(invalid)?;
    let claims = json(payload).ok_or_else(invalid)?;
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(invalid());
    }
    let first = header
        .get("x5c")
        .and_then(Value::as_array)
        .and_then(|chain| chain.first())
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(invalid)?;
    let cert_der = STANDARD.decode(first).map_err(|_| invalid())?;
    let cert = certificate::parse(&cert_der)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature.trim_end_matches('='))
        .map_err(|_| invalid())?;
    let signing_input = &text[..header_payload_len(text)];
    certificate::verify_signature(&cert, -257, signing_input.as_bytes(), &signature)
        .map_err(|_| invalid())?;
    let number = |name: &str| claims.get(name).and_then(Value::as_f64);
    if number("exp").is_some_and(|exp| exp <= now as f64)
        || number("nbf").is_some_and(|nbf| nbf > now as f64)
    {
        return Err(invalid());
    }
    Ok((cert_der, claims))
}

fn header_payload_len(text: &str) -> usize {
    text.rfind('.').unwrap_or(text.len())
}

/// Go's `VerifyHostname` for a DNS name: a SAN DNS entry equal to it (ignoring case), or a
/// wildcard entry matching its first label.
fn issued_to(cert: &Certificate<'_>, host: &str) -> bool {
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return false;
    };
    san.value.general_names.iter().any(|name| match name {
        x509_parser::extensions::GeneralName::DNSName(pattern) => {
            let pattern = pattern.trim_end_matches('.');
            match pattern.strip_prefix("*.") {
                Some(suffix) => host
                    .split_once('.')
                    .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(suffix)),
                None => pattern.eq_ignore_ascii_case(host),
            }
        }
        _ => false,
    })
}
