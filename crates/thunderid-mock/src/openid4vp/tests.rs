//! Verification with fixed inputs: the fake wallet answers a request object, then the verifier
//! checks what it presented; each defect must be refused with the server's reason.

use serde_json::{Map, Value, json};

use super::verifier::{self, ResponseCheck, Settings, VerifyError};
use super::wallet::{self, Defect};
use super::*;

const NOW: u64 = 1_750_000_000;
const STATE: &str = "state-1";
const NONCE: &str = "nonce-1";

fn definition() -> PresentationDefinition {
    serde_json::from_value(json!({
        "handle": "mock-pid", "vct": "urn:thunderid-mock:pid:1",
        "mandatoryClaims": ["username", "email"], "enforceTrustedIssuer": true
    }))
    .unwrap()
}

fn attributes() -> Map<String, Value> {
    json!({"username": "thor", "email": "thor@asgard.example"})
        .as_object()
        .unwrap()
        .clone()
}

/// A request object for `definition` and the key its response is encrypted to.
fn request(keys: &Keys, def: &PresentationDefinition) -> (String, EncKey) {
    let enc = EncKey::generate();
    let claims = verifier::RequestObject {
        client_id: &keys.client_id(),
        response_uri: "https://localhost/openid4vp/response?state=state-1",
        nonce: NONCE,
        state: STATE,
        enc_jwk: enc.public_jwk(EPHEMERAL_KEY_ID),
        issued_at: NOW,
        validity: REQUEST_VALIDITY,
        dcql: verifier::dcql_query(def, &[]).unwrap(),
    }
    .claims();
    (keys.sign_request(&claims), enc)
}

mod algorithms;

fn present(
    defect: Option<Defect>,
    wallet_now: u64,
) -> Result<verifier::VerifiedPresentation, VerifyError> {
    present_with(defect, wallet_now, wallet::Choices::default()).1
}

/// The wallet's decrypted response (`{state, vp_token}`) and what the verifier made of it.
fn present_with(
    defect: Option<Defect>,
    wallet_now: u64,
    choices: wallet::Choices<'_>,
) -> (Value, Result<verifier::VerifiedPresentation, VerifyError>) {
    let keys = Keys::generate();
    let def = definition();
    let (jwt, enc) = request(&keys, &def);
    let answer = wallet::present(
        &keys,
        &jwt,
        "holder-1",
        &attributes(),
        defect,
        choices,
        wallet_now,
    )
    .unwrap();
    assert_eq!(answer.state, STATE);
    let plaintext = jose::decrypt(&answer.response, &enc).unwrap();
    let body = serde_json::from_slice(&plaintext).unwrap();
    let verified = verifier::verify_response(
        &plaintext,
        &ResponseCheck {
            state: STATE,
            nonce: NONCE,
            client_id: &keys.client_id(),
            definition: &def,
            anchors: &keys.anchors,
            settings: Settings::DEFAULT,
            now: NOW,
        },
    );
    (body, verified)
}

/// The wallet's flawless answer to `jwt` for `holder-1` at `NOW`.
fn answer(
    keys: &Keys,
    jwt: &str,
    choices: wallet::Choices<'_>,
) -> Result<wallet::Response, wallet::WalletError> {
    wallet::present(keys, jwt, "holder-1", &attributes(), None, choices, NOW)
}

#[test]
fn a_wallet_presentation_verifies_with_its_subject_and_disclosed_claims() {
    let verified = present(None, NOW).unwrap();
    assert_eq!(verified.subject, "holder-1");
    assert_eq!(
        serde_json::to_value(&verified.claims).unwrap(),
        json!({"email": "thor@asgard.example", "sub": "holder-1", "username": "thor"})
    );
}

#[test]
fn a_forged_issuer_signature_is_refused() {
    assert_eq!(
        present(Some(Defect::WrongIssuerKey), NOW)
            .unwrap_err()
            .to_string(),
        "openid4vp: invalid presentation: sdjwt: issuer signature verification failed: signature verification failed"
    );
}

#[test]
fn another_nonce_or_audience_is_refused() {
    assert_eq!(
        present(Some(Defect::WrongNonce), NOW)
            .unwrap_err()
            .to_string(),
        "openid4vp: invalid presentation: sdjwt: key binding claim validation failed: nonce mismatch"
    );
    assert_eq!(
        present(Some(Defect::WrongAudience), NOW)
            .unwrap_err()
            .to_string(),
        "openid4vp: invalid presentation: sdjwt: key binding claim validation failed: audience mismatch"
    );
}

#[test]
fn an_expired_issuer_certificate_is_untrusted() {
    assert_eq!(
        present(Some(Defect::Expired), NOW).unwrap_err().to_string(),
        "openid4vp: untrusted credential issuer: x509: certificate has expired or is not yet valid"
    );
}

#[test]
fn a_missing_mandatory_claim_is_refused() {
    assert_eq!(
        present(Some(Defect::MissingClaim), NOW)
            .unwrap_err()
            .to_string(),
        "openid4vp: mandatory claim missing: username"
    );
}

#[test]
fn a_stale_key_binding_is_a_replay() {
    assert_eq!(
        present(None, NOW - 301).unwrap_err().to_string(),
        "openid4vp: invalid presentation: sdjwt: key binding claim validation failed: iat too old (replay protection)"
    );
}

#[test]
fn a_response_for_another_request_or_key_is_refused() {
    let keys = Keys::generate();
    let def = definition();
    let (jwt, _) = request(&keys, &def);
    let answer = answer(&keys, &jwt, wallet::Choices::default()).unwrap();
    assert!(jose::decrypt(&answer.response, &EncKey::generate()).is_err());
    let (_, enc) = request(&keys, &def);
    assert_eq!(
        jose::decrypt(&answer.response, &enc)
            .unwrap_err()
            .to_string(),
        "message authentication failed"
    );
}

#[test]
fn a_credential_from_another_issuer_is_untrusted() {
    let keys = Keys::generate();
    let other = Keys::generate();
    let def = definition();
    let (jwt, enc) = request(&keys, &def);
    // The other server's issuer signs: its CA is not this verifier's anchor.
    let answer = answer(&other, &jwt, wallet::Choices::default()).unwrap();
    let plaintext = jose::decrypt(&answer.response, &enc).unwrap();
    let error = verifier::verify_response(
        &plaintext,
        &ResponseCheck {
            state: STATE,
            nonce: NONCE,
            client_id: &keys.client_id(),
            definition: &def,
            anchors: &keys.anchors,
            settings: Settings::DEFAULT,
            now: NOW,
        },
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "openid4vp: untrusted credential issuer: x509: certificate signed by unknown authority"
    );
}

#[test]
fn the_wallet_uri_is_the_servers_deep_link() {
    assert_eq!(
        wallet_uri(
            "x509_san_dns:localhost",
            "http://127.0.0.1:1/openid4vp/request?state=abc"
        ),
        "openid4vp://?client_id=x509_san_dns%3Alocalhost&request_uri=http%3A%2F%2F127.0.0.1%3A1%2Fopenid4vp%2Frequest%3Fstate%3Dabc&request_uri_method=get"
    );
}

#[test]
fn every_advertised_encryption_round_trips_and_a_forged_tag_is_refused() {
    let keys = Keys::generate();
    let def = definition();
    for enc in ["A128GCM", "A256GCM", "A128CBC-HS256", "A256CBC-HS512"] {
        let (jwt, key) = request(&keys, &def);
        let choices = wallet::Choices {
            enc,
            ..wallet::Choices::default()
        };
        let answer = answer(&keys, &jwt, choices).unwrap_or_else(|e| panic!("{enc}: {e}"));
        let protected = answer.response.split('.').next().unwrap();
        let header: Value = serde_json::from_slice(&jose::unb64(protected).unwrap()).unwrap();
        assert_eq!(header["enc"], enc);
        let plaintext = jose::decrypt(&answer.response, &key).unwrap();
        let body: Value = serde_json::from_slice(&plaintext).unwrap();
        assert_eq!(body["state"], STATE, "{enc}");
        // The last segment is the tag: one flipped bit and the response is refused.
        let (rest, tag) = answer.response.rsplit_once('.').unwrap();
        let mut tag = jose::unb64(tag).unwrap();
        tag[0] ^= 1;
        let forged = format!("{rest}.{}", jose::b64(&tag));
        assert_eq!(
            jose::decrypt(&forged, &key).unwrap_err().to_string(),
            "message authentication failed",
            "{enc}"
        );
    }
    // An encryption the request object does not advertise is the wallet's own refusal.
    let (jwt, _) = request(&keys, &def);
    let choices = wallet::Choices {
        enc: "A192GCM",
        ..wallet::Choices::default()
    };
    let refused = answer(&keys, &jwt, choices);
    assert!(refused.is_err());
}
