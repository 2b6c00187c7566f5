use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use crate::tokens::{
    Activation, KeyAlgorithm, KeyRingError, KeyState, SigningKey, TokenSigner, TokenType,
    VerifyError,
};

const ISSUER: &str = "https://localhost:8090";

fn signer() -> TokenSigner {
    let f = crate::Fixtures::bundled();
    let key = SigningKey::from_pem(&f.signing_key_pem, &f.signing_cert_pem).unwrap();
    TokenSigner::new(key, ISSUER.to_owned(), 30).unwrap()
}

fn token(s: &TokenSigner) -> String {
    s.sign(TokenType::Jwt, &json!({"iss": ISSUER, "exp": 2_000}))
}

fn header(token: &str) -> Map<String, Value> {
    let header = token.split('.').next().unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap()
}

fn states(s: &TokenSigner) -> Vec<(String, KeyState, u64)> {
    s.ring()
        .list()
        .into_iter()
        .map(|v| (v.kid, v.state, v.tokens_signed))
        .collect()
}

#[test]
fn each_algorithm_signs_with_its_kid_and_an_independent_verifier_accepts_it() {
    let s = signer();
    // jsonwebtoken (the tests' independent verifier) has no ES512 and no ML-DSA; AWS-LC checks
    // them in `verify`.
    for alg in KeyAlgorithm::ALL {
        let view = s.ring().add(alg, Activation::Now, 10).unwrap();
        let token = token(&s);
        let h = header(&token);
        assert_eq!(h["alg"], alg.as_str());
        assert_eq!(h["kid"], view.kid.as_str());
        assert!(s.verify(&token, 1_000, true).is_ok(), "{alg:?}");
        let independent = !matches!(
            alg,
            KeyAlgorithm::Es512
                | KeyAlgorithm::MlDsa44
                | KeyAlgorithm::MlDsa65
                | KeyAlgorithm::MlDsa87
        );
        if !independent {
            continue;
        }
        let jwk = s.ring().find(&view.kid).unwrap().jwk().clone();
        let jwk: jsonwebtoken::jwk::Jwk =
            serde_json::from_value(serde_json::to_value(&jwk).unwrap()).unwrap();
        let decoding = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
        let algorithm: jsonwebtoken::Algorithm = alg.as_str().parse().unwrap();
        let mut validation = jsonwebtoken::Validation::new(algorithm);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<Value>(&token, &decoding, &validation)
            .unwrap_or_else(|e| panic!("{alg:?}: {e}"));
    }
}

#[test]
fn a_rotation_keeps_the_old_key_published_and_its_tokens_valid() {
    let s = signer();
    let fixture = s.key().kid.clone();
    let old = token(&s);
    let new_key = s
        .ring()
        .add(KeyAlgorithm::Es256, Activation::Now, 5)
        .unwrap();
    let new = token(&s);
    assert_eq!(header(&new)["kid"], new_key.kid.as_str());
    assert!(s.verify(&old, 1_000, true).is_ok());
    assert!(s.verify(&new, 1_000, true).is_ok());
    assert_eq!(
        states(&s),
        [
            (fixture.clone(), KeyState::Published, 1),
            (new_key.kid.clone(), KeyState::Active, 1)
        ]
    );
    assert_eq!(
        s.ring().retire(&new_key.kid).unwrap_err(),
        KeyRingError::RetiringActive(new_key.kid.clone())
    );
    s.ring().retire(&fixture).unwrap();
    assert_eq!(
        s.verify(&old, 1_000, true).unwrap_err(),
        VerifyError::UnknownKey
    );
    assert_eq!(
        s.ring().activate(&fixture).unwrap_err(),
        KeyRingError::Retired(fixture.clone())
    );
    assert_eq!(s.ring().published().len(), 1);
    assert_eq!(
        s.ring().activate("nope").unwrap_err(),
        KeyRingError::UnknownKey("nope".to_owned())
    );
}

#[test]
fn an_armed_key_takes_over_after_exactly_n_tokens() {
    let s = signer();
    let fixture = s.key().kid.clone();
    let armed = s
        .ring()
        .add(KeyAlgorithm::EdDsa, Activation::AfterTokens(2), 0)
        .unwrap();
    assert_eq!(armed.activates_after_tokens, Some(2));
    assert_eq!(armed.state, KeyState::Published);
    let kids: Vec<Value> = (0..4).map(|_| header(&token(&s))["kid"].clone()).collect();
    assert_eq!(
        kids,
        [
            json!(fixture),
            json!(fixture),
            json!(armed.kid),
            json!(armed.kid)
        ]
    );
    assert_eq!(
        states(&s),
        [
            (fixture, KeyState::Published, 2),
            (armed.kid, KeyState::Active, 2)
        ]
    );
}

#[test]
fn a_stale_jwks_serves_the_set_before_the_last_change_for_n_fetches() {
    let s = signer();
    let fixture = s.key().kid.clone();
    let kids = |keys: Vec<std::sync::Arc<super::RingKey>>| -> Vec<String> {
        keys.iter().map(|k| k.kid.clone()).collect()
    };
    let added = s
        .ring()
        .add(KeyAlgorithm::Es384, Activation::Now, 0)
        .unwrap();
    s.ring().stale_jwks(2);
    assert_eq!(kids(s.ring().jwks_fetch()), std::slice::from_ref(&fixture));
    assert_eq!(kids(s.ring().jwks_fetch()), std::slice::from_ref(&fixture));
    assert_eq!(kids(s.ring().jwks_fetch()), [fixture.clone(), added.kid]);
}

#[test]
fn reset_restores_the_fixture_key_alone() {
    let s = signer();
    let fixture = s.key().kid.clone();
    s.ring()
        .add(KeyAlgorithm::Rs256, Activation::Now, 0)
        .unwrap();
    let foreign = token(&s);
    s.ring().stale_jwks(5);
    s.ring().reset(77);
    assert_eq!(states(&s), [(fixture.clone(), KeyState::Active, 0)]);
    assert_eq!(s.ring().list()[0].created_at, 77);
    assert_eq!(s.ring().jwks_fetch().len(), 1);
    assert_eq!(header(&token(&s))["kid"], fixture.as_str());
    assert_eq!(
        s.verify(&foreign, 1_000, true).unwrap_err(),
        VerifyError::UnknownKey
    );
}

#[test]
fn a_token_must_name_a_key_and_use_its_algorithm() {
    let s = signer();
    let ec = s
        .ring()
        .add(KeyAlgorithm::Es256, Activation::Never, 0)
        .unwrap();
    let rsa_token = token(&s);
    let (_, rest) = rsa_token.split_once('.').unwrap();
    let encode = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
    // The RSA signature under the EC key's kid with alg RS256: the EC key does not take RS256.
    let wrong_key = format!("{}.{rest}", encode(json!({"alg": "RS256", "kid": ec.kid})));
    assert_eq!(
        s.verify(&wrong_key, 1_000, true).unwrap_err(),
        VerifyError::UnsupportedAlgorithm
    );
    let no_kid = format!("{}.{rest}", encode(json!({"alg": "RS256"})));
    assert_eq!(
        s.verify(&no_kid, 1_000, true).unwrap_err(),
        VerifyError::UnknownKey
    );
}

#[test]
fn the_ring_holds_a_bounded_number_of_keys() {
    let s = signer();
    for _ in 1..super::MAX_KEYS {
        s.ring()
            .add(KeyAlgorithm::EdDsa, Activation::Never, 0)
            .unwrap();
    }
    assert_eq!(
        s.ring()
            .add(KeyAlgorithm::EdDsa, Activation::Never, 0)
            .unwrap_err(),
        KeyRingError::TooMany(super::MAX_KEYS)
    );
    s.ring().reset(0);
    assert!(
        s.ring()
            .add(KeyAlgorithm::EdDsa, Activation::Never, 0)
            .is_ok()
    );
}
