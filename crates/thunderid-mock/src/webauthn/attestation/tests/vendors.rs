//! tpm, android-key, apple, android-safetynet and compound, with vectors built here.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::json;

use super::*;

/// One DER element (`tag` is the whole identifier octets).
fn tlv(tag: &[u8], content: &[u8]) -> Vec<u8> {
    let mut out = tag.to_vec();
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).expect("short"));
    } else if len < 0x100 {
        out.extend_from_slice(&[0x81, u8::try_from(len).expect("byte")]);
    } else {
        out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn sized(bytes: &[u8]) -> Vec<u8> {
    let mut out = u16::try_from(bytes.len())
        .expect("u16")
        .to_be_bytes()
        .to_vec();
    out.extend_from_slice(bytes);
    out
}

// ---- tpm ----

/// TPMT_PUBLIC for an ECC P-256 key.
fn pub_area(x: &[u8], y: &[u8]) -> Vec<u8> {
    [
        &0x0023u16.to_be_bytes()[..],
        &0x000bu16.to_be_bytes(),
        &0x0006_0472u32.to_be_bytes(),
        &sized(&[]),
        &0x0010u16.to_be_bytes(),
        &0x0010u16.to_be_bytes(),
        &0x0003u16.to_be_bytes(),
        &0x0010u16.to_be_bytes(),
        &sized(x),
        &sized(y),
    ]
    .concat()
}

/// TPMS_ATTEST certifying `name` over `extra`.
fn cert_info(magic: u32, extra: &[u8], name: &[u8]) -> Vec<u8> {
    [
        &magic.to_be_bytes()[..],
        &0x8017u16.to_be_bytes(),
        &sized(&[]),
        &sized(extra),
        &[0u8; 17],
        &[0u8; 8],
        &sized(name),
        &sized(&[]),
    ]
    .concat()
}

/// The SAN of an AIK certificate: a directoryName with the TCG manufacturer, model and version.
fn tpm_san(manufacturer: &str) -> CustomExtension {
    let attribute = |oid_last: u8, value: &str| {
        let oid = tlv(&[0x06], &[0x67, 0x81, 0x05, 0x02, oid_last]);
        tlv(
            &[0x31],
            &tlv(&[0x30], &[oid, tlv(&[0x0c], value.as_bytes())].concat()),
        )
    };
    let dn = tlv(
        &[0x30],
        &[
            attribute(1, manufacturer),
            attribute(2, "NPCT6xx"),
            attribute(3, "id:13"),
        ]
        .concat(),
    );
    let mut ext =
        CustomExtension::from_oid_content(&[2, 5, 29, 17], tlv(&[0x30], &tlv(&[0xa4], &dn)));
    ext.set_criticality(true);
    ext
}

fn aik_cert(
    key: &KeyPair,
    issuer: &Issuer<'_, KeyPair>,
    edit: impl FnOnce(&mut CertificateParams),
) -> Vec<u8> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.distinguished_name = DistinguishedName::new();
    params.custom_extensions.push(tpm_san("id:FFFFF1D0"));
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::Other(vec![2, 23, 133, 8, 3])];
    edit(&mut params);
    params.signed_by(key, issuer).expect("aik").der().to_vec()
}

struct Tpm {
    pub_area: Vec<u8>,
    cert_info: Vec<u8>,
}

impl Tpm {
    fn new(case: &Case) -> Self {
        let CoseKey::Es256 { x, y } = &case.cose else {
            unreachable!()
        };
        let pub_area = pub_area(x, y);
        let name = [&0x000bu16.to_be_bytes()[..], &sha256(&pub_area)].concat();
        let cert_info = cert_info(0xff54_4347, &sha256(&case.signed_data()), &name);
        Self {
            pub_area,
            cert_info,
        }
    }

    fn statement(&self, aik: &KeyPair, aik_der: &[u8]) -> Cbor {
        map(vec![
            ("ver", Cbor::Text("2.0".into())),
            ("alg", Cbor::Integer((-7).into())),
            ("x5c", x5c(&[aik_der])),
            ("sig", Cbor::Bytes(aik.sign(&self.cert_info).expect("sign"))),
            ("certInfo", Cbor::Bytes(self.cert_info.clone())),
            ("pubArea", Cbor::Bytes(self.pub_area.clone())),
        ])
    }
}

#[test]
fn tpm_certifies_the_credential_key_with_an_aik_certificate() {
    let case = Case::new(AAGUID);
    let (_, issuer) = ca();
    let aik = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("aik");
    let aik_der = aik_cert(&aik, &issuer, |_| {});
    let tpm = Tpm::new(&case);
    assert_eq!(
        case.verify("tpm", tpm.statement(&aik, &aik_der), &trust()),
        Ok("attca")
    );

    // pubArea of another key: its name no longer matches either.
    let other = Case::new(AAGUID);
    let mut forged = Tpm::new(&case);
    forged.pub_area = Tpm::new(&other).pub_area;
    assert_eq!(
        case.verify("tpm", forged.statement(&aik, &aik_der), &trust()),
        Err(failed(
            "mismatch between ECCParameters in pubArea and credentialPublicKey"
        ))
    );
    // certInfo over another registration, with a wrong magic, naming another object.
    let mut forged = Tpm::new(&case);
    forged.cert_info = cert_info(0xff54_4347, &sha256(b"other"), &[0, 0x0b]);
    assert!(
        case.verify("tpm", forged.statement(&aik, &aik_der), &trust())
            .is_err()
    );
    let mut forged = Tpm::new(&case);
    forged.cert_info[0] = 0;
    assert_eq!(
        case.verify("tpm", forged.statement(&aik, &aik_der), &trust()),
        Err(failed("magic is not set to TPM_GENERATED_VALUE"))
    );
    let mut forged = Tpm::new(&case);
    let name = [&0x000bu16.to_be_bytes()[..], &[7u8; 32]].concat();
    forged.cert_info = cert_info(0xff54_4347, &sha256(&case.signed_data()), &name);
    assert_eq!(
        case.verify("tpm", forged.statement(&aik, &aik_der), &trust()),
        Err(failed("hash value mismatch attested and pubArea"))
    );
}

#[test]
fn tpm_refuses_aik_certificates_outside_8_3_1() {
    let case = Case::new(AAGUID);
    let (_, issuer) = ca();
    let aik = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("aik");
    let tpm = Tpm::new(&case);
    let check = |edit: fn(&mut CertificateParams)| {
        let der = aik_cert(&aik, &issuer, edit);
        case.verify("tpm", tpm.statement(&aik, &der), &trust())
    };
    assert_eq!(
        check(|p| p.distinguished_name.push(DnType::CommonName, "aik")),
        Err(failed("AIK certificate subject must be empty"))
    );
    assert_eq!(
        check(|p| p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth]),
        Err(failed(
            "AIK certificate extended key usage missing 2.23.133.8.3"
        ))
    );
    assert_eq!(
        check(|p| p.extended_key_usages.clear()),
        Err(failed("AIK certificate missing EKU"))
    );
    assert_eq!(
        check(|p| p.custom_extensions = vec![tpm_san("id:00000000")]),
        Err(failed("invalid TPM manufacturer"))
    );
    assert_eq!(
        check(|p| p.custom_extensions.clear()),
        Err(failed("invalid SAN data in AIK certificate"))
    );
    assert_eq!(
        check(|p| p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained)),
        Err(failed(
            "AIK certificate basic constraints missing or CA is true"
        ))
    );
    // Signed by another key than the AIK certificate's.
    let der = aik_cert(&aik, &issuer, |_| {});
    let other = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("key");
    assert!(
        case.verify("tpm", tpm.statement(&other, &der), &trust())
            .is_err()
    );
}

// ---- android-key ----

/// Android's KeyDescription with `challenge`, the software list as given, an empty TEE list.
fn key_description(challenge: &[u8], software: &[u8]) -> Vec<u8> {
    tlv(
        &[0x30],
        &[
            tlv(&[0x02], &[3]),
            tlv(&[0x0a], &[1]),
            tlv(&[0x02], &[4]),
            tlv(&[0x0a], &[1]),
            tlv(&[0x04], challenge),
            tlv(&[0x04], &[]),
            tlv(&[0x30], software),
            tlv(&[0x30], &[]),
        ]
        .concat(),
    )
}

/// `[1] purpose SET { sign }`, then `[702] origin generated`.
fn signing_list() -> Vec<u8> {
    [
        tlv(&[0xa1], &tlv(&[0x31], &tlv(&[0x02], &[2]))),
        tlv(&[0xbf, 0x85, 0x3e], &tlv(&[0x02], &[0])),
    ]
    .concat()
}

fn android_chain(case: &Case, description: Vec<u8>) -> (Vec<u8>, Vec<u8>) {
    let (root, issuer) = ca();
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.distinguished_name = name(&[(DnType::CommonName, "Android Keystore Key")]);
    params
        .custom_extensions
        .push(CustomExtension::from_oid_content(
            &[1, 3, 6, 1, 4, 1, 11129, 2, 1, 17],
            description,
        ));
    let leaf = params
        .signed_by(&case.key, &issuer)
        .expect("leaf")
        .der()
        .to_vec();
    (root, leaf)
}

fn android_statement(case: &Case, leaf: &[u8]) -> Cbor {
    map(vec![
        ("alg", Cbor::Integer((-7).into())),
        (
            "sig",
            Cbor::Bytes(case.key.sign(&case.signed_data()).expect("sign")),
        ),
        ("x5c", x5c(&[leaf])),
    ])
}

#[test]
fn android_key_needs_a_chain_to_the_pinned_roots_and_the_key_description() {
    let case = Case::new([0; 16]);
    let (root, leaf) = android_chain(
        &case,
        key_description(&case.client_data_hash, &signing_list()),
    );
    let trusted = Trust {
        android_key_roots: vec![root],
        ..trust()
    };
    assert_eq!(
        case.verify("android-key", android_statement(&case, &leaf), &trusted),
        Ok("basic_full")
    );
    // The same statement against Google's roots (the server's): the chain does not reach them.
    assert_eq!(
        case.verify(
            "android-key",
            android_statement(&case, &leaf),
            &Trust::hardware(NOW as u64)
        ),
        Err(failed("error validating x5c cert chain"))
    );
    let refused = |description: Vec<u8>| {
        let (root, leaf) = android_chain(&case, description);
        let trusted = Trust {
            android_key_roots: vec![root],
            ..trust()
        };
        case.verify("android-key", android_statement(&case, &leaf), &trusted)
    };
    assert_eq!(
        refused(key_description(&[0; 32], &signing_list())),
        Err(failed("attestation challenge not equal to clientDataHash"))
    );
    let all_applications = [signing_list(), tlv(&[0xbf, 0x84, 0x58], &[0x05, 0x00])].concat();
    assert_eq!(
        refused(key_description(&case.client_data_hash, &all_applications)),
        Err(failed(
            "attestation certificate extensions contains all applications field"
        ))
    );
    let imported = [
        tlv(&[0xa1], &tlv(&[0x31], &tlv(&[0x02], &[2]))),
        tlv(&[0xbf, 0x85, 0x3e], &tlv(&[0x02], &[2])),
    ]
    .concat();
    assert_eq!(
        refused(key_description(&case.client_data_hash, &imported)),
        Err(failed(
            "authorization list with origin not equal KM_ORIGIN_GENERATED"
        ))
    );
    let encrypt_only = tlv(&[0xa1], &tlv(&[0x31], &tlv(&[0x02], &[0])));
    assert_eq!(
        refused(key_description(&case.client_data_hash, &encrypt_only)),
        Err(failed(
            "authorization list with purpose not equal KM_PURPOSE_SIGN"
        ))
    );
    assert!(refused(vec![0x30, 0x01]).is_err());
}

// ---- apple ----

fn apple_chain(key: &KeyPair, nonce: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let (root, issuer) = ca();
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.distinguished_name = name(&[(DnType::CommonName, "credential")]);
    let value = tlv(&[0x30], &tlv(&[0xa1], &tlv(&[0x04], nonce)));
    params
        .custom_extensions
        .push(CustomExtension::from_oid_content(
            &[1, 2, 840, 113_635, 100, 8, 2],
            value,
        ));
    let leaf = params.signed_by(key, &issuer).expect("leaf").der().to_vec();
    (root, leaf)
}

#[test]
fn apple_checks_the_nonce_extension_and_the_credential_key() {
    let case = Case::new([0; 16]);
    let nonce = sha256(&case.signed_data());
    let check = |key: &KeyPair, nonce: &[u8]| {
        let (root, leaf) = apple_chain(key, nonce);
        let trusted = Trust {
            apple_roots: vec![root],
            ..trust()
        };
        case.verify("apple", map(vec![("x5c", x5c(&[&leaf]))]), &trusted)
    };
    assert_eq!(check(&case.key, &nonce), Ok("anonca"));
    assert_eq!(
        check(&case.key, &[0; 32]),
        Err(failed(
            "attestation certificate does not contain expected nonce"
        ))
    );
    let other = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("key");
    assert_eq!(
        check(&other, &nonce),
        Err(failed(
            "certificate public key does not match public key in authData"
        ))
    );
    let (_, leaf) = apple_chain(&case.key, &nonce);
    assert_eq!(
        case.verify(
            "apple",
            map(vec![("x5c", x5c(&[&leaf]))]),
            &Trust::hardware(NOW as u64)
        ),
        Err(failed("error validating x5c cert chain"))
    );
}

// ---- android-safetynet ----

fn safetynet_response(key: &KeyPair, cert: &[u8], claims: &serde_json::Value) -> Vec<u8> {
    let header = json!({"alg": "RS256", "x5c": [STANDARD.encode(cert)]});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let sig = key.sign(input.as_bytes()).expect("sign");
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig)).into_bytes()
}

#[test]
fn safetynet_checks_the_jws_nonce_host_profile_and_time() {
    let case = Case::new([0; 16]);
    let (_, issuer) = ca();
    let key = KeyPair::generate_for(&PKCS_RSA_SHA256).expect("rsa");
    let cert = |host: &str| {
        let params = CertificateParams::new(vec![host.to_owned()]).expect("params");
        params
            .signed_by(&key, &issuer)
            .expect("cert")
            .der()
            .to_vec()
    };
    let nonce = STANDARD.encode(sha256(&case.signed_data()));
    let claims = |nonce: &str, cts: bool, at: i64| json!({"nonce": nonce, "timestampMs": at * 1000, "ctsProfileMatch": cts, "basicIntegrity": true});
    let check = |response: Vec<u8>| {
        let statement = map(vec![
            ("ver", Cbor::Text("12345".into())),
            ("response", Cbor::Bytes(response)),
        ]);
        case.verify("android-safetynet", statement, &trust())
    };
    let good = cert("attest.android.com");
    assert_eq!(
        check(safetynet_response(
            &key,
            &good,
            &claims(&nonce, true, NOW - 5)
        )),
        Ok("basic_full")
    );
    assert!(check(safetynet_response(&key, &good, &claims("AAAA", true, NOW))).is_err());
    assert!(check(safetynet_response(&key, &good, &claims(&nonce, false, NOW))).is_err());
    assert!(
        check(safetynet_response(
            &key,
            &good,
            &claims(&nonce, true, NOW + 60)
        ))
        .is_err()
    );
    assert!(
        check(safetynet_response(
            &key,
            &cert("attest.example.com"),
            &claims(&nonce, true, NOW)
        ))
        .is_err()
    );
    let mut forged = safetynet_response(&key, &good, &claims(&nonce, true, NOW));
    let last = forged.len() - 2;
    forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
    assert!(check(forged).is_err());
}

// ---- compound ----

#[test]
fn compound_needs_two_valid_statements_of_other_formats() {
    let case = Case::new(AAGUID);
    let (_, issuer) = ca();
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("key");
    let leaf = packed_cert(&key, &issuer, |_| {});
    let packed = map(vec![
        ("fmt", Cbor::Text("packed".into())),
        ("attStmt", packed_statement(&case, &key, &[&leaf])),
    ]);
    let self_sig = case.key.sign(&case.signed_data()).expect("sign");
    let packed_self = map(vec![
        ("fmt", Cbor::Text("packed".into())),
        (
            "attStmt",
            map(vec![
                ("alg", Cbor::Integer((-7).into())),
                ("sig", Cbor::Bytes(self_sig)),
            ]),
        ),
    ]);
    let both = Cbor::Array(vec![packed.clone(), packed_self.clone()]);
    assert_eq!(case.verify("compound", both, &trust()), Ok("none"));
    assert!(
        case.verify("compound", Cbor::Array(vec![packed.clone()]), &trust())
            .is_err()
    );
    let nested = map(vec![
        ("fmt", Cbor::Text("compound".into())),
        ("attStmt", map(vec![])),
    ]);
    assert!(
        case.verify("compound", Cbor::Array(vec![packed, nested]), &trust())
            .is_err()
    );
    let forged_self = map(vec![
        ("fmt", Cbor::Text("packed".into())),
        (
            "attStmt",
            map(vec![
                ("alg", Cbor::Integer((-7).into())),
                ("sig", Cbor::Bytes(vec![0x30, 0])),
            ]),
        ),
    ]);
    assert!(
        case.verify(
            "compound",
            Cbor::Array(vec![packed_self, forged_self]),
            &trust()
        )
        .is_err()
    );
}
