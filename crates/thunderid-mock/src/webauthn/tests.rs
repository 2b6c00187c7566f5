//! The core against fixed vectors (a fixed Ed25519 key, challenge and credential id: Ed25519
//! signatures are deterministic, so every byte is fixed) and against the software authenticator
//! for ES256 and RS256, each refusal by its own check.

use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair as _};
use ciborium::Value as Cbor;
use serde_json::json;

use super::authdata::{AttestedCredential, flags};
use super::authenticator::{Attestation, Ceremony, SoftwareAuthenticator};
use super::*;

const ORIGIN: &str = "https://localhost:8090";
const RP_ID: &str = "localhost";

fn origins() -> Vec<String> {
    vec![ORIGIN.to_owned()]
}

fn user() -> options::RegisteringUser {
    options::RegisteringUser {
        handle: b"0198c5e0-0000-7000-8000-000000000001".to_vec(),
        name: "alice".into(),
        display_name: "Alice Smith".into(),
    }
}

fn fixed_key() -> Ed25519KeyPair {
    Ed25519KeyPair::from_seed_unchecked(&[42u8; 32]).expect("seed")
}

const CREDENTIAL_ID: [u8; 16] = [9u8; 16];

fn client_data(ceremony: &str, challenge: &str, origin: &str) -> Vec<u8> {
    json!({"type": ceremony, "challenge": challenge, "origin": origin, "crossOrigin": false})
        .to_string()
        .into_bytes()
}

/// A `none` registration of the fixed key for `session`, with the given flags and rp id.
fn fixed_registration(session: &Session, flags: u8, rp_id: &str) -> (Vec<u8>, Vec<u8>) {
    let key = CoseKey::EdDsa {
        x: fixed_key().public_key().as_ref().to_vec(),
    };
    let auth_data = AuthenticatorData {
        rp_id_hash: sha256(rp_id.as_bytes()),
        flags,
        sign_count: 0,
        attested: Some(AttestedCredential {
            aaguid: [0; 16],
            credential_id: CREDENTIAL_ID.to_vec(),
            public_key: key.encode(),
        }),
    }
    .encode();
    let object = Cbor::Map(vec![
        (Cbor::Text("fmt".into()), Cbor::Text("none".into())),
        (Cbor::Text("attStmt".into()), Cbor::Map(Vec::new())),
        (Cbor::Text("authData".into()), Cbor::Bytes(auth_data)),
    ]);
    let mut bytes = Vec::new();
    ciborium::ser::into_writer(&object, &mut bytes).expect("cbor");
    (
        client_data("webauthn.create", &session.challenge, ORIGIN),
        bytes,
    )
}

/// The mock clock's time in these tests (2026-01-01).
pub(super) const NOW: u64 = 1_767_225_600;

/// [`verify_registration`] with the hardware roots at [`NOW`].
fn register(
    session: &Session,
    origins: &[String],
    credential_id: &[u8],
    client_data_json: &[u8],
    attestation_object: &[u8],
    transports: Vec<String>,
) -> Result<Credential, WebauthnError> {
    verify_registration(
        session,
        origins,
        &Registration {
            credential_id,
            client_data_json,
            attestation_object,
        },
        &Trust::hardware(NOW),
        transports,
    )
}

fn registration_session() -> Session {
    creation_options(&[7u8; 32], RP_ID, RP_ID, &user(), None, "none").1
}

fn registered() -> Credential {
    let session = registration_session();
    let (client, object) = fixed_registration(&session, flags::USER_PRESENT, RP_ID);
    register(
        &session,
        &origins(),
        &CREDENTIAL_ID,
        &client,
        &object,
        vec![],
    )
    .expect("the fixed registration verifies")
}

struct SignedAssertion {
    client_data: Vec<u8>,
    auth_data: Vec<u8>,
    signature: Vec<u8>,
}

fn fixed_assertion(session: &Session, count: u32, flags: u8) -> SignedAssertion {
    let client_data = client_data("webauthn.get", &session.challenge, ORIGIN);
    let auth_data = AuthenticatorData {
        rp_id_hash: sha256(RP_ID.as_bytes()),
        flags,
        sign_count: count,
        attested: None,
    }
    .encode();
    let mut signed = auth_data.clone();
    signed.extend_from_slice(&sha256(&client_data));
    let signature = fixed_key().sign(&signed).as_ref().to_vec();
    SignedAssertion {
        client_data,
        auth_data,
        signature,
    }
}

fn login_session() -> Session {
    let user = user();
    let credentials = [(CREDENTIAL_ID.to_vec(), Vec::new())];
    request_options(&[5u8; 32], RP_ID, Some((&user.handle, &credentials))).1
}

fn check_assertion(
    session: &Session,
    credential: &Credential,
    signed: &SignedAssertion,
) -> Result<Credential, WebauthnError> {
    verify_assertion(
        session,
        &origins(),
        credential,
        &Assertion {
            credential_id: &CREDENTIAL_ID,
            client_data_json: &signed.client_data,
            authenticator_data: &signed.auth_data,
            signature: &signed.signature,
            user_handle: &user().handle,
        },
    )
}

#[test]
fn creation_options_are_written_as_the_server_writes_them() {
    let (options, session) =
        creation_options(&[7u8; 32], RP_ID, "ThunderID", &user(), None, "none");
    assert_eq!(
        options::to_json(&options),
        r#"{"challenge":"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc","rp":{"name":"ThunderID","id":"localhost"},"user":{"name":"alice","displayName":"Alice Smith","id":"MDE5OGM1ZTAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAx"},"pubKeyCredParams":[{"type":"public-key","alg":-7},{"type":"public-key","alg":-35},{"type":"public-key","alg":-36},{"type":"public-key","alg":-257},{"type":"public-key","alg":-258},{"type":"public-key","alg":-259},{"type":"public-key","alg":-37},{"type":"public-key","alg":-38},{"type":"public-key","alg":-39},{"type":"public-key","alg":-8}],"authenticatorSelection":{},"timeout":300000,"attestation":"none"}"#
    );
    assert_eq!(session.user_verification, "");
    let selection = AuthenticatorSelection {
        authenticator_attachment: "platform".into(),
        resident_key: "required".into(),
        user_verification: "discouraged".into(),
    };
    let (options, session) =
        creation_options(&[7u8; 32], RP_ID, RP_ID, &user(), Some(selection), "");
    let text = options::to_json(&options);
    assert!(text.ends_with(r#""authenticatorSelection":{"authenticatorAttachment":"platform","residentKey":"required","userVerification":"discouraged"},"timeout":120000}"#), "{text}");
    assert_eq!(session.user_verification, "discouraged");
}

#[test]
fn request_options_list_the_users_credentials_or_none_when_usernameless() {
    let user = user();
    let credentials = [(
        CREDENTIAL_ID.to_vec(),
        vec!["internal".to_owned(), "hybrid".to_owned()],
    )];
    let (options, _) = request_options(&[5u8; 32], RP_ID, Some((&user.handle, &credentials)));
    assert_eq!(
        options::to_json(&options),
        r#"{"challenge":"BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU","timeout":300000,"rpId":"localhost","allowCredentials":[{"type":"public-key","id":"CQkJCQkJCQkJCQkJCQkJCQ","transports":["internal","hybrid"]}]}"#
    );
    let (options, session) = request_options(&[5u8; 32], RP_ID, None);
    assert_eq!(
        options::to_json(&options),
        r#"{"challenge":"BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU","timeout":300000,"rpId":"localhost","userVerification":"preferred"}"#
    );
    assert!(session.user_id.is_empty());
}

#[test]
fn a_fixed_registration_gives_the_credential_it_attests() {
    let credential = registered();
    assert_eq!(credential.id, CREDENTIAL_ID);
    assert_eq!(credential.attestation_type, "none");
    assert_eq!(credential.sign_count, 0);
    assert!(credential.user_present && !credential.user_verified);
    assert_eq!(
        CoseKey::parse(&credential.public_key).map(|k| k.algorithm()),
        Ok(-8)
    );
}

#[test]
fn a_registration_is_refused_for_each_broken_binding() {
    let session = registration_session();
    let (client, object) = fixed_registration(&session, flags::USER_PRESENT, RP_ID);
    let check = |client: &[u8], object: &[u8], session: &Session| {
        register(session, &origins(), &CREDENTIAL_ID, client, object, vec![])
    };
    let wrong_origin = client_data(
        "webauthn.create",
        &session.challenge,
        "https://evil.example",
    );
    assert_eq!(
        check(&wrong_origin, &object, &session),
        Err(WebauthnError::Origin("https://evil.example".into()))
    );
    let wrong_challenge = client_data("webauthn.create", "AAAA", ORIGIN);
    assert_eq!(
        check(&wrong_challenge, &object, &session),
        Err(WebauthnError::Challenge)
    );
    let wrong_type = client_data("webauthn.get", &session.challenge, ORIGIN);
    assert!(matches!(
        check(&wrong_type, &object, &session),
        Err(WebauthnError::CeremonyType(..))
    ));
    let (_, other_rp) = fixed_registration(&session, flags::USER_PRESENT, "evil.example");
    assert_eq!(
        check(&client, &other_rp, &session),
        Err(WebauthnError::RpIdHash)
    );
    let (_, absent) = fixed_registration(&session, 0, RP_ID);
    assert_eq!(
        check(&client, &absent, &session),
        Err(WebauthnError::UserNotPresent)
    );
    let mut strict = session.clone();
    strict.user_verification = "required".into();
    assert_eq!(
        check(&client, &object, &strict),
        Err(WebauthnError::UserNotVerified)
    );
    let mut no_eddsa = session.clone();
    no_eddsa.algorithms = vec![-7];
    assert_eq!(
        check(&client, &object, &no_eddsa),
        Err(WebauthnError::AlgorithmNotOffered(-8))
    );
    let cross = json!({"type": "webauthn.create", "challenge": session.challenge, "origin": ORIGIN, "crossOrigin": true}).to_string();
    assert_eq!(
        check(cross.as_bytes(), &object, &session),
        Err(WebauthnError::CrossOrigin)
    );
    assert!(matches!(
        check(&client, b"\xff\x00", &session),
        Err(WebauthnError::Malformed(_))
    ));
}

#[test]
fn a_fixed_assertion_verifies_and_moves_the_counter() {
    let credential = registered();
    let session = login_session();
    let signed = fixed_assertion(&session, 1, flags::USER_PRESENT);
    let updated = check_assertion(&session, &credential, &signed).expect("verifies");
    assert_eq!(updated.sign_count, 1);
    assert!(!updated.clone_warning);
}

#[test]
fn an_assertion_is_refused_for_each_broken_binding() {
    let credential = registered();
    let session = login_session();
    let good = fixed_assertion(&session, 1, flags::USER_PRESENT);
    let mut forged = fixed_assertion(&session, 1, flags::USER_PRESENT);
    forged.signature[0] ^= 0x80;
    assert_eq!(
        check_assertion(&session, &credential, &forged),
        Err(WebauthnError::Signature)
    );
    let mut other_origin = fixed_assertion(&session, 1, flags::USER_PRESENT);
    other_origin.client_data =
        client_data("webauthn.get", &session.challenge, "http://localhost:8090");
    assert_eq!(
        check_assertion(&session, &credential, &other_origin),
        Err(WebauthnError::Origin("http://localhost:8090".into()))
    );
    let mut other_session = session.clone();
    other_session.challenge = base64url(&[6u8; 32]);
    assert_eq!(
        check_assertion(&other_session, &credential, &good),
        Err(WebauthnError::Challenge)
    );
    let mut other_rp = session.clone();
    other_rp.rp_id = "example.com".into();
    assert_eq!(
        check_assertion(&other_rp, &credential, &good),
        Err(WebauthnError::RpIdHash)
    );
    let mut strict = session.clone();
    strict.user_verification = "required".into();
    assert_eq!(
        check_assertion(&strict, &credential, &good),
        Err(WebauthnError::UserNotVerified)
    );
    let verified = fixed_assertion(&strict, 1, flags::USER_PRESENT | flags::USER_VERIFIED);
    assert!(check_assertion(&strict, &credential, &verified).is_ok());
    let mut elsewhere = session.clone();
    elsewhere.allowed_credentials = vec![vec![1u8; 16]];
    assert_eq!(
        check_assertion(&elsewhere, &credential, &good),
        Err(WebauthnError::CredentialNotAllowed)
    );
    let mut other_user = session.clone();
    other_user.user_id = b"someone-else".to_vec();
    assert_eq!(
        check_assertion(&other_user, &credential, &good),
        Err(WebauthnError::UserHandle)
    );
    let mut leftover = fixed_assertion(&session, 1, flags::USER_PRESENT);
    leftover.auth_data.push(0);
    assert!(matches!(
        check_assertion(&session, &credential, &leftover),
        Err(WebauthnError::Malformed(_))
    ));
}

#[test]
fn a_counter_that_does_not_grow_sets_the_clone_warning_as_go_webauthn_does() {
    let mut credential = registered();
    let session = login_session();
    let both_zero = check_assertion(
        &session,
        &credential,
        &fixed_assertion(&session, 0, flags::USER_PRESENT),
    )
    .expect("0 after 0 is an authenticator without a counter");
    assert!(!both_zero.clone_warning);
    credential.sign_count = 5;
    let replayed = check_assertion(
        &session,
        &credential,
        &fixed_assertion(&session, 5, flags::USER_PRESENT),
    )
    .expect("the server signs in all the same");
    assert!(replayed.clone_warning);
    assert_eq!(replayed.sign_count, 5, "the stored counter is kept");
    let grown = check_assertion(
        &session,
        &credential,
        &fixed_assertion(&session, 6, flags::USER_PRESENT),
    )
    .expect("verifies");
    assert_eq!((grown.sign_count, grown.clone_warning), (6, false));
}

/// The software authenticator round trip for a key type: register, then sign in twice.
fn round_trip(algorithms: &[i64], attestation: Attestation) -> Credential {
    let (mut options, session) = creation_options(&[3u8; 32], RP_ID, RP_ID, &user(), None, "none");
    options
        .pub_key_cred_params
        .retain(|p| algorithms.contains(&p.alg));
    let mut authenticator = SoftwareAuthenticator::new().with_attestation(attestation);
    let created = authenticator
        .create(&options::to_json(&options), ORIGIN)
        .expect("created");
    let field = |v: &serde_json::Value, name: &str| {
        decode_base64(v["response"][name].as_str().unwrap_or_default()).unwrap_or_default()
    };
    let id = decode_base64(created["id"].as_str().unwrap_or_default()).unwrap_or_default();
    let mut credential = register(
        &session,
        &origins(),
        &id,
        &field(&created, "clientDataJSON"),
        &field(&created, "attestationObject"),
        vec!["internal".into()],
    )
    .expect("the authenticator's registration verifies");
    for expected in 1..=2 {
        let user = user();
        let ids = [(credential.id.clone(), Vec::new())];
        let (options, session) =
            request_options(&[expected as u8; 32], RP_ID, Some((&user.handle, &ids)));
        let got = authenticator
            .get(&options::to_json(&options), ORIGIN)
            .expect("asserted");
        credential = verify_assertion(
            &session,
            &origins(),
            &credential,
            &Assertion {
                credential_id: &id,
                client_data_json: &field(&got, "clientDataJSON"),
                authenticator_data: &field(&got, "authenticatorData"),
                signature: &field(&got, "signature"),
                user_handle: &field(&got, "userHandle"),
            },
        )
        .expect("the authenticator's assertion verifies");
        assert_eq!(credential.sign_count, expected);
    }
    credential
}

#[test]
fn es256_with_packed_self_attestation_round_trips() {
    let credential = round_trip(&[-7], Attestation::PackedSelf);
    assert_eq!(
        (
            credential.attestation_type.as_str(),
            credential.attestation_format.as_str()
        ),
        ("basic_surrogate", "packed")
    );
}

#[test]
fn rs256_and_eddsa_round_trip() {
    assert_eq!(
        CoseKey::parse(&round_trip(&[-257], Attestation::None).public_key).map(|k| k.algorithm()),
        Ok(-257)
    );
    assert_eq!(
        CoseKey::parse(&round_trip(&[-8], Attestation::PackedSelf).public_key)
            .map(|k| k.algorithm()),
        Ok(-8)
    );
}

#[test]
fn a_packed_statement_with_a_forged_signature_is_refused() {
    let (options, session) = creation_options(&[3u8; 32], RP_ID, RP_ID, &user(), None, "none");
    let mut authenticator = SoftwareAuthenticator::new().with_attestation(Attestation::PackedSelf);
    let ceremony = Ceremony {
        corrupt_signature: true,
        ..Ceremony::default()
    };
    let created = authenticator
        .create_with(&options::to_json(&options), ORIGIN, &ceremony)
        .expect("created");
    let field = |name: &str| {
        decode_base64(created["response"][name].as_str().unwrap_or_default()).unwrap_or_default()
    };
    let id = decode_base64(created["id"].as_str().unwrap_or_default()).unwrap_or_default();
    let refused = register(
        &session,
        &origins(),
        &id,
        &field("clientDataJSON"),
        &field("attestationObject"),
        vec![],
    );
    assert_eq!(
        refused,
        Err(WebauthnError::Attestation(
            "unable to verify signature".into()
        ))
    );
}

#[test]
fn values_decode_from_every_base64_variant_the_server_accepts() {
    for text in ["-_8", "-_8=", "+/8", "+/8="] {
        assert_eq!(decode_base64(text), Some(vec![0xfb, 0xff]), "{text}");
    }
    assert_eq!(decode_base64("*"), None);
}
