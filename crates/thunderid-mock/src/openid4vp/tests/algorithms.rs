//! The signature algorithms: EdDSA (Ed25519) beside ES256 for the issuer and the holder, and the
//! server's refusals (an algorithm it does not map, a key of another type, a forged signature,
//! an unusable `cnf.jwk`), each with its text.

use serde_json::{Map, Value, json};

use super::super::jose::{self, JoseError};
use super::super::jws::{self, Alg, PublicKey, SigningKey};
use super::super::sdjwt::{self, KeyBindingCheck, SdJwtError};
use super::super::wallet::{self, Choices, Defect, WalletError};
use super::super::{Keys, pki};
use super::{NOW, definition, present_with, request};

fn claims() -> Value {
    json!({"iss": "https://issuer.example", "iat": NOW})
}

fn header(typ: &str) -> Map<String, Value> {
    json!({"typ": typ}).as_object().unwrap().clone()
}

/// The presented issuer JWT's header and its `cnf.jwk`.
fn issuer_parts(body: &Value) -> (Map<String, Value>, Map<String, Value>) {
    let presentation = body["vp_token"]["mock-pid"][0].as_str().unwrap();
    let issuer_jwt = presentation.split('~').next().unwrap();
    let claims = jose::claims(issuer_jwt).unwrap();
    (
        jose::header(issuer_jwt).unwrap(),
        claims["cnf"]["jwk"].as_object().unwrap().clone(),
    )
}

#[test]
fn every_advertised_issuer_and_holder_algorithm_verifies() {
    for credential_alg in ["ES256", "EdDSA"] {
        for holder_alg in ["ES256", "EdDSA"] {
            let choices = Choices {
                credential_alg,
                holder_alg,
                ..Choices::default()
            };
            let (body, verified) = present_with(None, NOW, choices);
            let verified =
                verified.unwrap_or_else(|e| panic!("{credential_alg}/{holder_alg}: {e}"));
            assert_eq!(verified.subject, "holder-1");
            let (header, cnf) = issuer_parts(&body);
            assert_eq!(header["alg"], credential_alg);
            let kb = body["vp_token"]["mock-pid"][0]
                .as_str()
                .unwrap()
                .rsplit('~')
                .next()
                .unwrap();
            assert_eq!(jose::header(kb).unwrap()["alg"], holder_alg);
            let kty = if holder_alg == "EdDSA" { "OKP" } else { "EC" };
            assert_eq!(cnf["kty"], kty);
        }
    }
}

#[test]
fn the_ed25519_issuer_certificate_chains_to_the_anchor() {
    let keys = Keys::generate();
    let leaf = &keys.issuer_for(Alg::EdDsa).der;
    let anchors: Vec<_> = keys.anchors.iter().collect();
    let key = pki::verify_chain(std::slice::from_ref(leaf), &anchors, NOW).unwrap();
    assert!(matches!(key, PublicKey::Ed25519(ref x) if x.len() == 32));
}

#[test]
fn a_forged_ed25519_issuer_signature_is_refused() {
    let choices = Choices {
        credential_alg: "EdDSA",
        ..Choices::default()
    };
    let (_, verified) = present_with(Some(Defect::WrongIssuerKey), NOW, choices);
    assert_eq!(
        verified.unwrap_err().to_string(),
        "openid4vp: invalid presentation: sdjwt: issuer signature verification failed: signature verification failed"
    );
}

#[test]
fn ed25519_signatures_verify_only_under_their_own_key() {
    let signer = SigningKey::generate(Alg::EdDsa);
    let token = signer.sign_jws(&header("JWT"), &claims());
    assert_eq!(jws::verify(&token, &signer.public_key()), Ok(()));
    let other = SigningKey::generate(Alg::EdDsa).public_key();
    assert_eq!(jws::verify(&token, &other), Err(JoseError::Signature));
    // One flipped bit of the payload.
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[1] = jose::b64(
        json!({"iss": "https://forger.example", "iat": NOW})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(
        jws::verify(&parts.join("."), &signer.public_key()),
        Err(JoseError::Signature)
    );
}

#[test]
fn an_alg_of_another_key_type_is_the_wrong_public_key() {
    let ed = SigningKey::generate(Alg::EdDsa);
    let ec = SigningKey::generate(Alg::Es256);
    let wrong_key = "invalid public key type for algorithm";
    // EdDSA over a P-256 key, ES256 over an Ed25519 key.
    for (signer, other) in [(&ed, &ec), (&ec, &ed)] {
        let token = signer.sign_jws(&header("JWT"), &claims());
        let error = jws::verify(&token, &other.public_key()).unwrap_err();
        assert_eq!(error.to_string(), wrong_key);
    }
    // An Ed25519 signature labelled ES256 or RS256, and ML-DSA which the mock never holds.
    for alg in ["ES256", "RS256", "PS256", "ML-DSA-44"] {
        let mislabelled = ed.sign_jws_as(alg, &header("JWT"), &claims());
        assert_eq!(
            jws::verify(&mislabelled, &ed.public_key())
                .unwrap_err()
                .to_string(),
            wrong_key,
            "{alg}"
        );
    }
}

/// Go's `ecdsa.Verify` takes the header's hash whatever the key's curve: a longer digest is
/// truncated to the curve's order, a shorter one taken as is. Signed here by RustCrypto's prehash
/// signer, which does the same (FIPS 186), since AWS-LC signs no such pairing.
#[test]
fn ecdsa_keys_verify_under_the_other_curves_hashes_as_go_does() {
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    use sha2::{Digest, Sha256, Sha384, Sha512};
    let input = |alg: &str| {
        format!(
            "{}.{}",
            jose::b64(json!({"alg": alg, "typ": "kb+jwt"}).to_string().as_bytes()),
            jose::b64(claims().to_string().as_bytes())
        )
    };
    let digest = |alg: &str, data: &[u8]| match alg {
        "ES256" => Sha256::digest(data).to_vec(),
        "ES384" => Sha384::digest(data).to_vec(),
        _ => Sha512::digest(data).to_vec(),
    };
    let p256 = p256::ecdsa::SigningKey::from_slice(&[7; 32]).unwrap();
    let p256_key = PublicKey::Ec {
        curve: jws::Curve::P256,
        point: p256
            .verifying_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec(),
    };
    let p384 = p384::ecdsa::SigningKey::from_slice(&[7; 48]).unwrap();
    let p384_key = PublicKey::Ec {
        curve: jws::Curve::P384,
        point: p384
            .verifying_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec(),
    };
    let sign = |curve: &str, alg: &str| {
        let input = input(alg);
        let prehash = digest(alg, input.as_bytes());
        let signature = if curve == "P-256" {
            let sig: p256::ecdsa::Signature = p256.sign_prehash(&prehash).unwrap();
            sig.to_bytes().to_vec()
        } else {
            let sig: p384::ecdsa::Signature = p384.sign_prehash(&prehash).unwrap();
            sig.to_bytes().to_vec()
        };
        format!("{input}.{}", jose::b64(&signature))
    };
    for (curve, key, algs) in [
        ("P-256", &p256_key, ["ES256", "ES384", "ES512"]),
        ("P-384", &p384_key, ["ES256", "ES384", "ES512"]),
    ] {
        for alg in algs {
            let token = sign(curve, alg);
            assert_eq!(jws::verify(&token, key), Ok(()), "{alg} over {curve}");
            // Another header over the same signature no longer verifies.
            let (_, signature) = token.rsplit_once('.').unwrap();
            let other = if alg == "ES512" { "ES384" } else { "ES512" };
            let relabelled = format!("{}.{signature}", input(other));
            assert_eq!(
                jws::verify(&relabelled, key),
                Err(JoseError::Signature),
                "{alg} relabelled {other} over {curve}"
            );
        }
    }
}

#[test]
fn algorithms_the_server_does_not_map_are_unsupported() {
    let ed = SigningKey::generate(Alg::EdDsa);
    for alg in ["none", "HS256", "RS384", "PS512", "ES256K", "Ed25519", ""] {
        let token = ed.sign_jws_as(alg, &header("JWT"), &claims());
        assert_eq!(
            jws::verify(&token, &ed.public_key())
                .unwrap_err()
                .to_string(),
            format!("unsupported JWS alg: {alg}")
        );
    }
}

/// `issuer~kb`: an issuer JWT whose `cnf.jwk` is `cnf`, bound by `kb_signer` under `kb_alg`.
fn bound(cnf: Map<String, Value>, kb_signer: &SigningKey, kb_alg: &str) -> Result<(), SdJwtError> {
    bound_by(cnf, |claims| {
        kb_signer.sign_jws_as(kb_alg, &header("kb+jwt"), claims)
    })
}

/// `issuer~kb`: an issuer JWT whose `cnf.jwk` is `cnf`, and the key-binding JWT `sign_kb` makes of
/// the binding's claims.
fn bound_by(cnf: Map<String, Value>, sign_kb: impl Fn(&Value) -> String) -> Result<(), SdJwtError> {
    let issuer = SigningKey::generate(Alg::EdDsa);
    let issuer_jwt = issuer.sign_jws(
        &header("dc+sd-jwt"),
        &json!({"iss": "https://issuer.example", "cnf": {"jwk": cnf}}),
    );
    let sd_hash = sdjwt::digest(&sdjwt::presented_input(&issuer_jwt, &[]), "sha-256");
    let kb = sign_kb(&json!({"aud": "aud-1", "nonce": "nonce-1", "iat": NOW, "sd_hash": sd_hash}));
    let p = sdjwt::parse(&format!("{issuer_jwt}~{kb}")).unwrap();
    sdjwt::verify_issuer(&p, &issuer.public_key())?;
    let resolved = sdjwt::resolve(&p)?;
    sdjwt::verify_key_binding(
        &p,
        &resolved,
        &KeyBindingCheck {
            audience: "aud-1",
            nonce: "nonce-1",
            now: NOW,
            leeway: 60,
            max_age: 300,
        },
    )
}

#[test]
fn an_ed25519_key_binding_verifies_under_its_cnf_key_only() {
    let holder = SigningKey::generate(Alg::EdDsa);
    assert_eq!(bound(holder.public_jwk(), &holder, "EdDSA"), Ok(()));
    let forger = SigningKey::generate(Alg::EdDsa);
    assert_eq!(
        bound(holder.public_jwk(), &forger, "EdDSA")
            .unwrap_err()
            .to_string(),
        "sdjwt: key binding signature verification failed: signature verification failed"
    );
    assert_eq!(
        bound(holder.public_jwk(), &holder, "ES256")
            .unwrap_err()
            .to_string(),
        "sdjwt: key binding signature verification failed: invalid public key type for algorithm"
    );
    assert_eq!(
        bound(holder.public_jwk(), &holder, "none")
            .unwrap_err()
            .to_string(),
        "sdjwt: key binding signature verification failed: unsupported JWS alg: none"
    );
}

/// An ML-DSA holder: the server parses an `AKP` `cnf.jwk` (RFC 9964) and verifies the key
/// binding under the key's own parameter set, whatever ML-DSA `alg` the header names.
#[test]
fn an_ml_dsa_key_binding_verifies_under_its_akp_cnf_key() {
    use aws_lc_rs::signature::{KeyPair, ML_DSA_65_SIGNING, PqdsaKeyPair};
    let pair = PqdsaKeyPair::generate(&ML_DSA_65_SIGNING).unwrap();
    let public = jose::b64(pair.public_key().as_ref());
    let cnf = json!({"kty": "AKP", "alg": "ML-DSA-65", "pub": public});
    let cnf = cnf.as_object().unwrap().clone();
    let sign = |alg: &str, claims: &Value| {
        let mut head = header("kb+jwt");
        head.insert("alg".into(), alg.into());
        let input = format!(
            "{}.{}",
            jose::b64(Value::Object(head).to_string().as_bytes()),
            jose::b64(claims.to_string().as_bytes())
        );
        let mut signature = vec![0; ML_DSA_65_SIGNING.signature_len()];
        pair.sign(input.as_bytes(), &mut signature).unwrap();
        format!("{input}.{}", jose::b64(&signature))
    };
    assert_eq!(bound_by(cnf.clone(), |c| sign("ML-DSA-65", c)), Ok(()));
    assert_eq!(bound_by(cnf.clone(), |c| sign("ML-DSA-44", c)), Ok(()));
    // The binding's signature over other claims, and an ML-DSA key under EdDSA.
    let forged = |claims: &Value| {
        let genuine = sign("ML-DSA-65", claims);
        let other = sign("ML-DSA-65", &json!({"aud": "aud-2"}));
        let (input, _) = other.rsplit_once('.').unwrap();
        format!("{input}.{}", genuine.rsplit('.').next().unwrap())
    };
    assert_eq!(
        bound_by(cnf.clone(), forged).unwrap_err().to_string(),
        "sdjwt: key binding signature verification failed: signature verification failed"
    );
    assert_eq!(
        bound_by(cnf, |c| sign("EdDSA", c)).unwrap_err().to_string(),
        "sdjwt: key binding signature verification failed: invalid public key type for algorithm"
    );
}

#[test]
fn an_unusable_cnf_jwk_is_refused_before_the_signature() {
    let holder = SigningKey::generate(Alg::EdDsa);
    let x = holder.public_jwk()["x"].clone();
    let cases = [
        (
            json!({"kty": "OKP", "crv": "X25519", "x": x}),
            "unsupported OKP curve: X25519",
        ),
        (
            json!({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}),
            "invalid Ed25519 public key length: 3",
        ),
        (json!({"kty": "OKP", "x": x}), "JWK missing OKP parameters"),
        (json!({"crv": "Ed25519", "x": x}), "JWK missing kty"),
        (
            json!({"kty": "oct", "k": "c2VjcmV0"}),
            "unsupported JWK kty: oct",
        ),
        (
            json!({"kty": "AKP", "alg": "ML-DSA-65"}),
            "JWK missing AKP alg or pub",
        ),
        (
            json!({"kty": "AKP", "alg": "ES256", "pub": x}),
            "failed to parse AKP public key: unsupported signature algorithm",
        ),
        (
            json!({"kty": "AKP", "alg": "ML-DSA-44", "pub": x}),
            "failed to parse AKP public key: wrong size for public key",
        ),
        (
            json!({"kty": "EC", "crv": "P-256", "x": x, "y": "AAAA"}),
            "EC coordinate length mismatch for P-256",
        ),
    ];
    for (jwk, text) in cases {
        assert_eq!(
            bound(jwk.as_object().unwrap().clone(), &holder, "EdDSA")
                .unwrap_err()
                .to_string(),
            format!("sdjwt: missing cnf.jwk confirmation key: invalid cnf.jwk: {text}")
        );
    }
}

#[test]
fn the_wallet_refuses_an_algorithm_the_request_does_not_advertise() {
    let keys = Keys::generate();
    let (jwt, _) = request(&keys, &definition());
    for (credential_alg, holder_alg, what) in [
        ("RS256", "ES256", "the credential algorithm"),
        ("EdDSA", "none", "the holder algorithm"),
    ] {
        let choices = Choices {
            credential_alg,
            holder_alg,
            ..Choices::default()
        };
        let error = wallet::present(&keys, &jwt, "h", &Map::new(), None, choices, NOW).unwrap_err();
        assert!(
            matches!(&error, WalletError::Algorithm { what: w, .. } if *w == what),
            "{error}"
        );
        assert!(
            error
                .to_string()
                .ends_with("(its request object advertises ES256, EdDSA)")
        );
    }
}
