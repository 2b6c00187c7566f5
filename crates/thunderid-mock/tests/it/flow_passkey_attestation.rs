//! Attestation formats end to end in `passkey-flow`: a passkey registered with `packed` basic
//! attestation (an `x5c` chain) through the Rust authenticator, and one registered with `fido-u2f`
//! through the control plane, each signing in in the next flow; a forged statement is FET-1018.

use serde_json::{Value, json};
use thunderid_mock::{Attestation, SoftwareAuthenticator};

use crate::flow_mfa_federated::first_step;
use crate::flow_passkeys::{assertion_inputs, option_text, origin, registration_inputs};
use crate::flow_support::*;
use crate::support::TestServer;

/// Choose the passkey and name Thor: the challenge, or FET-1019 while he has none.
async fn passkey_for_thor(t: &TestServer) -> Value {
    let first = first_step(t, "sample-passkey").await;
    let identifier = step(t, &first, Some("action_passkey"), json!({})).await;
    step(
        t,
        &identifier,
        Some("action_passkey_identifier"),
        json!({"username": "thor"}),
    )
    .await
}

/// Thor proves his password: the creation options.
async fn creation_step(t: &TestServer) -> Value {
    let no_passkey = passkey_for_thor(t).await;
    assert_eq!(no_passkey["error"]["code"], "FET-1019", "{no_passkey}");
    step(
        t,
        &no_passkey,
        Some("action_register_passkey"),
        json!({"password": "Thor@12345"}),
    )
    .await
}

/// The attestation object's `fmt` and the `attStmt` member names, read back from the CBOR.
fn statement_shape(credential: &Value) -> (String, Vec<String>) {
    let encoded = credential["response"]["attestationObject"]
        .as_str()
        .expect("attestationObject");
    let bytes = base64_url_decode(encoded);
    let object: ciborium::Value = ciborium::de::from_reader(bytes.as_slice()).expect("CBOR");
    let member = |name: &str| {
        object
            .as_map()
            .and_then(|m| m.iter().find(|(k, _)| k.as_text() == Some(name)))
            .map(|(_, v)| v.clone())
            .expect("member")
    };
    let format = member("fmt").as_text().expect("fmt").to_owned();
    let names = member("attStmt")
        .as_map()
        .expect("attStmt")
        .iter()
        .filter_map(|(k, _)| k.as_text().map(str::to_owned))
        .collect();
    (format, names)
}

fn base64_url_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .expect("base64url")
}

#[tokio::test]
async fn a_passkey_with_packed_x5c_attestation_registers_and_signs_in() {
    let t = TestServer::start().await;
    let mut authenticator = SoftwareAuthenticator::new().with_attestation(Attestation::PackedX5c);
    let creation = creation_step(&t).await;
    let credential = authenticator
        .create(
            option_text(&creation, "passkeyCreationOptions"),
            &origin(&t),
        )
        .expect("created");
    assert_eq!(
        statement_shape(&credential),
        (
            "packed".to_owned(),
            vec!["alg".into(), "sig".into(), "x5c".into()]
        )
    );
    let registered = step(&t, &creation, None, registration_inputs(&credential)).await;
    assert_eq!(registered["flowStatus"], "COMPLETE", "{registered}");

    let challenge = passkey_for_thor(&t).await;
    let assertion = authenticator
        .get(option_text(&challenge, "passkeyChallenge"), &origin(&t))
        .expect("asserted");
    let signed_in = step(&t, &challenge, None, assertion_inputs(&assertion)).await;
    assert_eq!(signed_in["flowStatus"], "COMPLETE", "{signed_in}");
    let claims = verify_assertion(&t, signed_in["assertion"].as_str().unwrap_or_default());
    assert_eq!(claims["sub"], THOR_ID);
}

#[tokio::test]
async fn a_passkey_with_fido_u2f_attestation_from_the_control_plane_registers_and_signs_in() {
    let t = TestServer::start().await;
    let creation = creation_step(&t).await;
    let created = t
        .post_json(
            "/__mock/passkeys/attestation",
            &json!({
                "options": option_text(&creation, "passkeyCreationOptions"),
                "origin": origin(&t),
                "attestation": "fido-u2f",
            }),
        )
        .await;
    assert_eq!(created.status, reqwest::StatusCode::OK, "{}", created.body);
    assert_eq!(
        statement_shape(&created.json()),
        ("fido-u2f".to_owned(), vec!["sig".into(), "x5c".into()])
    );
    let registered = step(&t, &creation, None, registration_inputs(&created.json())).await;
    assert_eq!(registered["flowStatus"], "COMPLETE", "{registered}");

    let challenge = passkey_for_thor(&t).await;
    let signed = t
        .post_json(
            "/__mock/passkeys/assertion",
            &json!({"options": option_text(&challenge, "passkeyChallenge"), "origin": origin(&t)}),
        )
        .await;
    let signed_in = step(&t, &challenge, None, assertion_inputs(&signed.json())).await;
    assert_eq!(signed_in["flowStatus"], "COMPLETE", "{signed_in}");
}

#[tokio::test]
async fn a_forged_certificate_statement_is_fet_1018_and_registers_nothing() {
    let t = TestServer::start().await;
    for attestation in ["packed-x5c", "fido-u2f"] {
        let creation = creation_step(&t).await;
        let forged = t
            .post_json(
                "/__mock/passkeys/attestation",
                &json!({
                    "options": option_text(&creation, "passkeyCreationOptions"),
                    "origin": origin(&t),
                    "attestation": attestation,
                    "corruptSignature": true,
                }),
            )
            .await;
        let refused = step(&t, &creation, None, registration_inputs(&forged.json())).await;
        assert_eq!(
            (&refused["flowStatus"], &refused["error"]["code"]),
            (&json!("INCOMPLETE"), &json!("FET-1018")),
            "{attestation}: {refused}"
        );
    }
    let again = passkey_for_thor(&t).await;
    assert_eq!(
        again["error"]["code"], "FET-1019",
        "still no passkey: {again}"
    );
}
