//! §8.3 tpm: `pubArea` (TPMT_PUBLIC) must hold the credential key, `certInfo` (TPMS_ATTEST) must
//! certify that key's name over `hash(authData ‖ clientDataHash)`, signed by the AIK certificate,
//! which meets §8.3.1 (version 3, empty subject, the TCG names in its SAN, the AIK EKU, no CA).
//! The TPM structures are big-endian, sized buffers are a u16 length then the bytes.

use super::super::certificate::{self, failed};
use super::super::{CoseKey, WebauthnError};
use super::{Attested, Statement};

const TPM_GENERATED_VALUE: u32 = 0xff54_4347;
const TPM_ST_ATTEST_CERTIFY: u16 = 0x8017;
const TPM_ALG_RSA: u16 = 0x0001;
const TPM_ALG_ECC: u16 = 0x0023;
const TPM_ALG_NULL: u16 = 0x0010;
const TPM_ALG_SHA1: u16 = 0x0004;
const TPM_ALG_SHA256: u16 = 0x000b;
const TPM_ALG_SHA384: u16 = 0x000c;
const TPM_ALG_SHA512: u16 = 0x000d;
const TPM_ECC_NIST_P256: u16 = 0x0003;

const SAN_EXTENSION: &str = "2.5.29.17";
const EKU_EXTENSION: &str = "2.5.29.37";
const AIK_CERTIFICATE_EKU: &str = "2.23.133.8.3";
const TPM_MANUFACTURER: &str = "2.23.133.2.1";
const TPM_MODEL: &str = "2.23.133.2.2";
const TPM_VERSION: &str = "2.23.133.2.3";

/// go-webauthn's tpm handler, in its order.
pub(super) fn verify(
    statement: Statement<'_>,
    attested: &Attested<'_>,
) -> Result<&'static str, WebauthnError> {
    let version = statement.text("ver")?;
    let alg = statement.alg()?;
    let sig = statement.bytes("sig")?;
    let cert_info = statement.bytes("certInfo")?;
    let pub_area_bytes = statement.bytes("pubArea")?;
    if statement.get("ecdaaKeyId").is_some() {
        return Err(failed("tpm with ECDAA is not implemented"));
    }
    let x5c = statement
        .x5c_array()
        .ok_or_else(|| failed("tpm without x5c is not implemented"))?;
    if version != "2.0" {
        return Err(failed("WebAuthn only supports TPM 2.0 currently"));
    }
    let pub_area = PubArea::parse(pub_area_bytes)
        .ok_or_else(|| failed("unable to decode TPMT_PUBLIC in attestation statement"))?;
    pub_area.matches(attested.key)?;
    let attest =
        CertInfo::parse(cert_info).ok_or_else(|| failed("unable to decode TPMS_ATTEST"))?;
    if attest.magic != TPM_GENERATED_VALUE {
        return Err(failed("magic is not set to TPM_GENERATED_VALUE"));
    }
    if attest.kind != TPM_ST_ATTEST_CERTIFY {
        return Err(failed("type is not set to TPM_ST_ATTEST_CERTIFY"));
    }
    if attest.extra_data != hash_for_alg(alg, &attested.signed_data()) {
        return Err(failed("extraData is not set to hash of attToBeSigned"));
    }
    let der = x5c
        .first()
        .and_then(ciborium::Value::as_bytes)
        .ok_or_else(|| failed("error getting certificate from x5c cert chain"))?;
    let aik = certificate::parse(der)?;
    certificate::verify_signature(&aik, alg, cert_info, sig)?;
    check_aik(&aik)?;
    let name = pub_area
        .name()
        .ok_or_else(|| failed("unsupported pubArea name algorithm"))?;
    if !crate::ids::constant_time_eq(attest.certified_name, &name) {
        return Err(failed("hash value mismatch attested and pubArea"));
    }
    Ok("attca")
}

/// §8.3.1 in go-webauthn's order.
fn check_aik(aik: &certificate::Certificate<'_>) -> Result<(), WebauthnError> {
    if aik.version().0 != 2 {
        return Err(failed("AIK certificate version must be 3"));
    }
    if aik.subject().iter_attributes().next().is_some() {
        return Err(failed("AIK certificate subject must be empty"));
    }
    let (mut manufacturer, mut model, mut version) = (String::new(), String::new(), String::new());
    let mut eku_valid = false;
    for ext in aik.extensions() {
        match ext.oid.to_id_string().as_str() {
            SAN_EXTENSION => {
                let Ok(Some(san)) = aik.subject_alternative_name() else {
                    return Err(failed("AIK certificate SAN malformed"));
                };
                for name in &san.value.general_names {
                    let x509_parser::extensions::GeneralName::DirectoryName(dn) = name else {
                        continue;
                    };
                    for attr in dn.iter_attributes() {
                        let Ok(value) = attr.as_str() else { continue };
                        match attr.attr_type().to_id_string().as_str() {
                            TPM_MANUFACTURER => {
                                manufacturer = value.trim_start_matches("id:").into()
                            }
                            TPM_MODEL => model = value.into(),
                            TPM_VERSION => version = value.trim_start_matches("id:").into(),
                            _ => {}
                        }
                    }
                }
            }
            EKU_EXTENSION => {
                let Ok(Some(eku)) = aik.extended_key_usage() else {
                    return Err(failed("AIK certificate extended key usage malformed"));
                };
                if !eku
                    .value
                    .other
                    .iter()
                    .any(|oid| oid.to_id_string() == AIK_CERTIFICATE_EKU)
                {
                    return Err(failed(
                        "AIK certificate extended key usage missing 2.23.133.8.3",
                    ));
                }
                eku_valid = true;
            }
            _ => {}
        }
    }
    if manufacturer.is_empty() || model.is_empty() || version.is_empty() {
        return Err(failed("invalid SAN data in AIK certificate"));
    }
    if !is_tpm_manufacturer(&manufacturer) {
        return Err(failed("invalid TPM manufacturer"));
    }
    if !eku_valid {
        return Err(failed("AIK certificate missing EKU"));
    }
    if certificate::is_ca(aik) {
        return Err(failed(
            "AIK certificate basic constraints missing or CA is true",
        ));
    }
    Ok(())
}

/// The TCG vendor ids go-webauthn accepts (the TCG registry, plus FIDO's conformance id).
fn is_tpm_manufacturer(id: &str) -> bool {
    const IDS: [&str; 31] = [
        "414D4400", "414E5400", "41544D4C", "4252434D", "4353434F", "464C5953", "524F4343",
        "474F4F47", "48504900", "48504500", "48495349", "49424d00", "49424D00", "49465800",
        "494E5443", "4C454E00", "4D534654", "4E534D20", "4E545A00", "4E534700", "4E544300",
        "51434F4D", "534D534E", "53454345", "534E5300", "534D5343", "53544D20", "54584E00",
        "57454300", "5345414C", "FFFFF1D0",
    ];
    IDS.contains(&id)
}

/// `HasherFromCOSEAlg`: the COSE algorithm's hash, SHA-256 for one it does not know.
fn hash_for_alg(alg: i64, data: &[u8]) -> Vec<u8> {
    use aws_lc_rs::digest;
    let algorithm = match alg {
        -65535 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        -258 | -38 | -35 | -51 => &digest::SHA384,
        -259 | -39 | -36 | -52 | -8 | -19 => &digest::SHA512,
        _ => &digest::SHA256,
    };
    digest::digest(algorithm, data).as_ref().to_vec()
}

fn tpm_hash(alg: u16, data: &[u8]) -> Option<Vec<u8>> {
    use aws_lc_rs::digest;
    let algorithm = match alg {
        TPM_ALG_SHA1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        TPM_ALG_SHA256 => &digest::SHA256,
        TPM_ALG_SHA384 => &digest::SHA384,
        TPM_ALG_SHA512 => &digest::SHA512,
        _ => return None,
    };
    Some(digest::digest(algorithm, data).as_ref().to_vec())
}

/// A cursor over a TPM structure.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A TPM2B: u16 size, then the bytes.
    fn sized(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()?;
        self.take(usize::from(n))
    }

    /// A scheme (TPMT_*_SCHEME or TPMT_SYM_DEF_OBJECT): the algorithm, then `extra` u16s unless
    /// it is TPM_ALG_NULL.
    fn scheme(&mut self, extra: usize) -> Option<u16> {
        let alg = self.u16()?;
        if alg != TPM_ALG_NULL {
            self.take(2 * extra)?;
        }
        Some(alg)
    }
}

/// TPMT_PUBLIC, the parts the checks read.
struct PubArea<'a> {
    name_alg: u16,
    /// The structure's bytes, which its name hashes.
    raw: &'a [u8],
    key: PubKey<'a>,
}

enum PubKey<'a> {
    Rsa {
        exponent: u32,
        modulus: &'a [u8],
    },
    Ecc {
        curve: u16,
        x: &'a [u8],
        y: &'a [u8],
    },
}

impl<'a> PubArea<'a> {
    fn parse(bytes: &'a [u8]) -> Option<Self> {
        let mut r = Reader(bytes);
        let kind = r.u16()?;
        let name_alg = r.u16()?;
        r.u32()?; // objectAttributes
        r.sized()?; // authPolicy
        let key = match kind {
            TPM_ALG_RSA => {
                r.scheme(2)?; // symmetric: keyBits, mode
                r.scheme(1)?; // scheme: hashAlg
                r.u16()?; // keyBits
                let exponent = r.u32()?;
                let modulus = r.sized()?;
                PubKey::Rsa { exponent, modulus }
            }
            TPM_ALG_ECC => {
                r.scheme(2)?;
                r.scheme(1)?;
                let curve = r.u16()?;
                r.scheme(1)?; // kdf
                let x = r.sized()?;
                let y = r.sized()?;
                PubKey::Ecc { curve, x, y }
            }
            _ => return None,
        };
        let used = bytes.len() - r.0.len();
        Some(Self {
            name_alg,
            raw: &bytes[..used],
            key,
        })
    }

    /// The credential key must be the one `pubArea` describes.
    fn matches(&self, key: &CoseKey) -> Result<(), WebauthnError> {
        match (key, &self.key) {
            (
                CoseKey::Es256 { x, y },
                PubKey::Ecc {
                    curve,
                    x: px,
                    y: py,
                },
            ) => {
                if *curve != TPM_ECC_NIST_P256 || px != x || py != y {
                    return Err(failed(
                        "mismatch between ECCParameters in pubArea and credentialPublicKey",
                    ));
                }
            }
            (CoseKey::Es256 { .. }, PubKey::Rsa { .. }) => {
                return Err(failed(
                    "mismatch between ECCParameters in pubArea and credentialPublicKey",
                ));
            }
            (CoseKey::Rs256 { n, e }, PubKey::Rsa { exponent, modulus }) => {
                if modulus != n || e.len() < 3 {
                    return Err(failed(
                        "mismatch between RSAParameters in pubArea and credentialPublicKey",
                    ));
                }
                // go-webauthn reads the COSE exponent's first three bytes little-endian.
                let cose = u32::from(e[0]) | u32::from(e[1]) << 8 | u32::from(e[2]) << 16;
                let tpm = if *exponent == 0 { 65_537 } else { *exponent };
                if cose != tpm {
                    return Err(failed(
                        "mismatch between RSAParameters in pubArea and credentialPublicKey",
                    ));
                }
            }
            (CoseKey::Rs256 { .. }, PubKey::Ecc { .. }) => {
                return Err(failed(
                    "mismatch between RSAParameters in pubArea and credentialPublicKey",
                ));
            }
            (CoseKey::EdDsa { .. }, _) => return Err(failed("unsupported key")),
        }
        Ok(())
    }

    /// The object's Name: nameAlg, then the nameAlg hash of the structure.
    fn name(&self) -> Option<Vec<u8>> {
        let mut name = self.name_alg.to_be_bytes().to_vec();
        name.extend_from_slice(&tpm_hash(self.name_alg, self.raw)?);
        Some(name)
    }
}

/// TPMS_ATTEST for TPM_ST_ATTEST_CERTIFY.
struct CertInfo<'a> {
    magic: u32,
    kind: u16,
    extra_data: &'a [u8],
    certified_name: &'a [u8],
}

impl<'a> CertInfo<'a> {
    fn parse(bytes: &'a [u8]) -> Option<Self> {
        let mut r = Reader(bytes);
        let magic = r.u32()?;
        let kind = r.u16()?;
        r.sized()?; // qualifiedSigner
        let extra_data = r.sized()?;
        r.take(17)?; // clockInfo: clock, resetCount, restartCount, safe
        r.take(8)?; // firmwareVersion
        let certified_name = if kind == TPM_ST_ATTEST_CERTIFY {
            let name = r.sized()?;
            r.sized()?; // qualifiedName
            name
        } else {
            &[]
        };
        Some(Self {
            magic,
            kind,
            extra_data,
            certified_name,
        })
    }
}
