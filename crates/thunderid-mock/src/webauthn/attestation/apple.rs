//! §8.8 apple (anonymous attestation): a chain to Apple's WebAuthn root, a credential certificate
//! whose extension 1.2.840.113635.100.8.2 holds `SHA-256(authData ‖ clientDataHash)`, and whose key
//! is the credential's.

use super::super::certificate::{self, der, failed};
use super::super::{WebauthnError, sha256};
use super::{Attested, Statement, Trust};

const NONCE_EXTENSION: &str = "1.2.840.113635.100.8.2";

pub(super) fn verify(
    statement: Statement<'_>,
    attested: &Attested<'_>,
    trust: &Trust,
) -> Result<&'static str, WebauthnError> {
    let certs = statement.x5c()?;
    certificate::verify_chain(&certs, &trust.apple_roots, trust.now)?;
    let cred_cert = &certs[0];
    let nonce = sha256(&attested.signed_data());
    let value = certificate::extension(cred_cert, NONCE_EXTENSION)
        .map(|ext| ext.value)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            failed("attestation certificate extensions missing 1.2.840.113635.100.8.2")
        })?;
    let found = extension_nonce(value)
        .ok_or_else(|| failed("unable to parse apple attestation certificate extensions"))?;
    if found != nonce {
        return Err(failed(
            "attestation certificate does not contain expected nonce",
        ));
    }
    super::android::same_ec_key(attested, cred_cert)?;
    Ok("anonca")
}

/// `SEQUENCE { [1] EXPLICIT OCTET STRING }`.
fn extension_nonce(value: &[u8]) -> Option<&[u8]> {
    let (sequence, _) = der::read(value)?;
    if sequence.number != der::SEQUENCE || !sequence.constructed {
        return None;
    }
    let (tagged, _) = der::read(sequence.value)?;
    if tagged.class != 2 || tagged.number != 1 || !tagged.constructed {
        return None;
    }
    let (octets, _) = der::read(tagged.value)?;
    (octets.number == der::OCTET_STRING && octets.class == 0).then_some(octets.value)
}
