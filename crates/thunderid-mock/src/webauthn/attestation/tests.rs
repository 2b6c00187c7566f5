//! Each format against vectors made here (rcgen certificates, hand-built TPM structures and
//! Android/Apple extensions), then forged one field at a time: each forgery must be refused.

use ciborium::Value as Cbor;
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, PKCS_ECDSA_P256_SHA256, PKCS_RSA_SHA256,
    SigningKey as _,
};

use super::super::authdata::{AttestedCredential, flags};
use super::*;
use crate::webauthn::sha256;

/// 2026-01-01, the mock clock in these tests.
const NOW: i64 = 1_767_225_600;
const AAGUID: [u8; 16] = *b"test-authnr-0001";
const CREDENTIAL_ID: [u8; 8] = [5; 8];

/// A registration to attest: the credential key, its authenticator data, the client data hash.
struct Case {
    key: KeyPair,
    cose: CoseKey,
    raw_auth_data: Vec<u8>,
    auth_data: AuthenticatorData,
    client_data_hash: [u8; 32],
}

impl Case {
    fn new(aaguid: [u8; 16]) -> Self {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("key");
        let point = key.public_key_raw();
        let cose = CoseKey::Es256 {
            x: point[1..33].to_vec(),
            y: point[33..65].to_vec(),
        };
        let auth_data = AuthenticatorData {
            rp_id_hash: sha256(b"localhost"),
            flags: flags::USER_PRESENT | flags::USER_VERIFIED,
            sign_count: 0,
            attested: Some(AttestedCredential {
                aaguid,
                credential_id: CREDENTIAL_ID.to_vec(),
                public_key: cose.encode(),
            }),
        };
        let raw_auth_data = auth_data.encode();
        let auth_data = AuthenticatorData::parse(&raw_auth_data).expect("authData");
        Self {
            key,
            cose,
            raw_auth_data,
            auth_data,
            client_data_hash: sha256(b"{\"type\":\"webauthn.create\"}"),
        }
    }

    fn signed_data(&self) -> Vec<u8> {
        [self.raw_auth_data.as_slice(), &self.client_data_hash].concat()
    }

    fn verify(
        &self,
        format: &str,
        statement: Cbor,
        trust: &Trust,
    ) -> Result<&'static str, WebauthnError> {
        let attested = Attested {
            raw_auth_data: &self.raw_auth_data,
            auth_data: &self.auth_data,
            key: &self.cose,
            client_data_hash: &self.client_data_hash,
        };
        verify(format, &statement, &attested, trust)
    }
}

fn trust() -> Trust {
    Trust {
        now: NOW,
        android_key_roots: Vec::new(),
        apple_roots: Vec::new(),
    }
}

fn map(entries: Vec<(&str, Cbor)>) -> Cbor {
    Cbor::Map(
        entries
            .into_iter()
            .map(|(k, v)| (Cbor::Text(k.into()), v))
            .collect(),
    )
}

fn x5c(certs: &[&[u8]]) -> Cbor {
    Cbor::Array(certs.iter().map(|c| Cbor::Bytes(c.to_vec())).collect())
}

fn name(parts: &[(DnType, &str)]) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    for (kind, value) in parts {
        dn.push(kind.clone(), *value);
    }
    dn
}

/// A test CA: its certificate and an issuer to sign with.
fn ca() -> (Vec<u8>, Issuer<'static, KeyPair>) {
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.distinguished_name = name(&[(DnType::CommonName, "test root")]);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).expect("ca");
    (cert.der().to_vec(), Issuer::new(params, key))
}

fn aaguid_extension(aaguid: &[u8]) -> CustomExtension {
    let mut content = vec![0x04, 16];
    content.extend_from_slice(aaguid);
    CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 45724, 1, 1, 4], content)
}

/// §8.2.1's attestation certificate, changed by `edit`.
fn packed_cert(
    key: &KeyPair,
    issuer: &Issuer<'_, KeyPair>,
    edit: impl FnOnce(&mut CertificateParams),
) -> Vec<u8> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.distinguished_name = name(&[
        (DnType::CountryName, "SE"),
        (DnType::OrganizationName, "Test Vendor"),
        (DnType::OrganizationalUnitName, "Authenticator Attestation"),
        (DnType::CommonName, "Test Authenticator"),
    ]);
    params.custom_extensions.push(aaguid_extension(&AAGUID));
    edit(&mut params);
    params.signed_by(key, issuer).expect("leaf").der().to_vec()
}

fn packed_statement(case: &Case, attestation_key: &KeyPair, chain: &[&[u8]]) -> Cbor {
    let sig = attestation_key.sign(&case.signed_data()).expect("sign");
    map(vec![
        ("alg", Cbor::Integer((-7).into())),
        ("sig", Cbor::Bytes(sig)),
        ("x5c", x5c(chain)),
    ])
}

#[test]
fn packed_with_a_certificate_meeting_8_2_1_is_basic_full() {
    let case = Case::new(AAGUID);
    let (root, issuer) = ca();
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("key");
    let leaf = packed_cert(&key, &issuer, |_| {});
    let statement = packed_statement(&case, &key, &[&leaf, &root]);
    assert_eq!(case.verify("packed", statement, &trust()), Ok("basic_full"));
}

#[test]
fn packed_forgeries_are_refused_one_check_at_a_time() {
    let case = Case::new(AAGUID);
    let (_, issuer) = ca();
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("key");
    let refused = |edit: fn(&mut CertificateParams)| {
        let leaf = packed_cert(&key, &issuer, edit);
        case.verify("packed", packed_statement(&case, &key, &[&leaf]), &trust())
    };
    let reason = |r: Result<&str, WebauthnError>| match r {
        Err(WebauthnError::Attestation(reason)) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(
        reason(refused(|p| {
            p.distinguished_name.remove(DnType::OrganizationalUnitName);
        })),
        "attestation certificate organizational unit is invalid"
    );
    assert_eq!(
        reason(refused(|p| {
            p.distinguished_name.remove(DnType::CountryName);
        })),
        "attestation certificate country code is invalid"
    );
    assert_eq!(
        reason(refused(|p| p
            .distinguished_name
            .push(DnType::CountryName, "S1"))),
        "attestation certificate country code is invalid"
    );
    assert_eq!(
        reason(refused(|p| {
            p.distinguished_name.remove(DnType::OrganizationName);
        })),
        "attestation certificate organization is invalid"
    );
    assert_eq!(
        reason(refused(|p| {
            p.distinguished_name.remove(DnType::CommonName);
        })),
        "attestation certificate common name not set"
    );
    assert_eq!(
        reason(refused(
            |p| p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained)
        )),
        "attestation certificate's basic constraints marked as CA"
    );
    assert_eq!(
        reason(refused(
            |p| p.custom_extensions = vec![aaguid_extension(b"another-aaguid!!")]
        )),
        "certificate AAGUID does not match auth data"
    );
    assert_eq!(
        reason(refused(|p| {
            let mut ext = aaguid_extension(&AAGUID);
            ext.set_criticality(true);
            p.custom_extensions = vec![ext];
        })),
        "attestation certificate FIDO extension marked as critical"
    );
    assert_eq!(
        reason(refused(|p| p.not_after = rcgen::date_time_ymd(2025, 1, 1))),
        "cert in chain is either no longer valid or not yet valid"
    );
    // Without the AAGUID extension the certificate is still acceptable (one model per root).
    assert_eq!(refused(|p| p.custom_extensions.clear()), Ok("basic_full"));
    // A signature by another key, and a statement signed over other data.
    let leaf = packed_cert(&key, &issuer, |_| {});
    let other = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("key");
    assert_eq!(
        reason(case.verify(
            "packed",
            packed_statement(&case, &other, &[&leaf]),
            &trust()
        )),
        "signature validation error"
    );
    let mut forged = packed_statement(&case, &key, &[&leaf]);
    if let Cbor::Map(entries) = &mut forged {
        entries[0].1 = Cbor::Integer((-257).into());
    }
    assert_eq!(
        reason(case.verify("packed", forged, &trust())),
        "unsupported COSE alg: -257"
    );
}

#[test]
fn packed_self_attestation_needs_the_credential_key_and_its_algorithm() {
    let case = Case::new([0; 16]);
    let sig = case.key.sign(&case.signed_data()).expect("sign");
    let statement = |alg: i64| {
        map(vec![
            ("alg", Cbor::Integer(alg.into())),
            ("sig", Cbor::Bytes(sig.clone())),
        ])
    };
    assert_eq!(
        case.verify("packed", statement(-7), &trust()),
        Ok("basic_surrogate")
    );
    assert!(case.verify("packed", statement(-8), &trust()).is_err());
    // A positive alg is a uint64 to Go's decoder, never the int64 it asks for.
    assert!(case.verify("packed", statement(7), &trust()).is_err());
}

fn u2f_data(case: &Case) -> Vec<u8> {
    let CoseKey::Es256 { x, y } = &case.cose else {
        unreachable!()
    };
    [
        &[0u8][..],
        &case.auth_data.rp_id_hash,
        &case.client_data_hash,
        &CREDENTIAL_ID,
        &[4],
        x,
        y,
    ]
    .concat()
}

#[test]
fn fido_u2f_verifies_the_u2f_registration_data() {
    let case = Case::new([0; 16]);
    let (root, issuer) = ca();
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("key");
    let leaf = packed_cert(&key, &issuer, |_| {});
    let statement =
        |sig: Vec<u8>, chain: &[&[u8]]| map(vec![("sig", Cbor::Bytes(sig)), ("x5c", x5c(chain))]);
    let good = key.sign(&u2f_data(&case)).expect("sign");
    assert_eq!(
        case.verify("fido-u2f", statement(good.clone(), &[&leaf]), &trust()),
        Ok("basic_full")
    );
    // Two certificates, a signature over authData (packed's data), an RSA certificate.
    assert!(
        case.verify("fido-u2f", statement(good, &[&leaf, &root]), &trust())
            .is_err()
    );
    let packed_sig = key.sign(&case.signed_data()).expect("sign");
    assert!(
        case.verify("fido-u2f", statement(packed_sig, &[&leaf]), &trust())
            .is_err()
    );
    let rsa = KeyPair::generate_for(&PKCS_RSA_SHA256).expect("rsa");
    let rsa_leaf = packed_cert(&rsa, &issuer, |_| {});
    let rsa_sig = rsa.sign(&u2f_data(&case)).expect("sign");
    assert!(
        case.verify("fido-u2f", statement(rsa_sig, &[&rsa_leaf]), &trust())
            .is_err()
    );
}

mod vendors;
