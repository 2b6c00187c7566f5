//! Forged tokens for fault rules: a token the mock issued, changed the way an attacker or a broken
//! server would change it, so a client's validation can be proven to refuse it. The claims-only
//! changes are signed again with the real key (through [`TokenSigner::signature`]), so the only
//! thing wrong with the token is the one thing the tamper names.

use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use super::TokenSigner;

/// How a token is tampered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tamper {
    /// `alg: none` and no signature.
    AlgNone,
    /// `alg: HS256`, the HMAC keyed with the server's public key PEM (the key-confusion attack).
    Hs256PublicKey,
    /// The real header and claims, a signature with one byte changed.
    BadSignature,
    /// A `kid` the JWKS does not have (the signature is the real key's).
    UnknownKid,
    /// No `kid` in the header.
    MissingKid,
    /// `iss` of another server.
    WrongIssuer,
    /// `aud` of another client.
    WrongAudience,
    /// A second audience beside the client, and no `azp`.
    ExtraAudienceWithoutAzp,
    /// `exp` an hour in the past (`iat` two hours back).
    Expired,
    /// `iat` an hour ahead.
    IssuedInFuture,
    /// `nbf` an hour ahead.
    NotYetValid,
    /// No `nonce`.
    MissingNonce,
    /// A `nonce` the client never sent.
    WrongNonce,
    /// An `at_hash` of another access token.
    WrongAtHash,
    /// A `c_hash` of another code.
    WrongCHash,
    /// The other `typ` (`at+jwt` for `JWT` and back).
    WrongTyp,
}

/// Every tamper with its wire name, in the order the README lists them.
pub(crate) const TAMPERS: [(Tamper, &str); 16] = [
    (Tamper::AlgNone, "alg_none"),
    (Tamper::Hs256PublicKey, "hs256_public_key"),
    (Tamper::BadSignature, "bad_signature"),
    (Tamper::UnknownKid, "unknown_kid"),
    (Tamper::MissingKid, "missing_kid"),
    (Tamper::WrongIssuer, "wrong_iss"),
    (Tamper::WrongAudience, "wrong_aud"),
    (Tamper::ExtraAudienceWithoutAzp, "extra_aud_without_azp"),
    (Tamper::Expired, "expired"),
    (Tamper::IssuedInFuture, "iat_future"),
    (Tamper::NotYetValid, "nbf_ahead"),
    (Tamper::MissingNonce, "missing_nonce"),
    (Tamper::WrongNonce, "wrong_nonce"),
    (Tamper::WrongAtHash, "wrong_at_hash"),
    (Tamper::WrongCHash, "wrong_c_hash"),
    (Tamper::WrongTyp, "wrong_typ"),
];

impl Tamper {
    /// The wire name (`alg_none`, `wrong_aud`, …).
    pub fn name(self) -> &'static str {
        TAMPERS
            .iter()
            .find(|(t, _)| *t == self)
            .map_or("", |(_, name)| name)
    }

    /// The tamper with this wire name.
    pub fn from_name(name: &str) -> Option<Self> {
        TAMPERS.iter().find(|(_, n)| *n == name).map(|(t, _)| *t)
    }
}

/// The forged token, and what the mock must remember to refuse it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Forged {
    pub(crate) token: String,
    /// The original token's `jti` (and `exp`): the mock puts it on its deny list.
    pub(crate) jwt_id: Option<String>,
    pub(crate) expires_at: u64,
}

/// A wrong hash of the right length (16 bytes, as SHA-256's left half).
const WRONG_HASH: &str = "AAAAAAAAAAAAAAAAAAAAAA";
const HOUR: u64 = 3600;

/// Forge `token` (a compact JWS this server signed); `None` if it is not one.
pub(crate) fn forge(signer: &TokenSigner, token: &str, tamper: Tamper) -> Option<Forged> {
    let mut segments = token.split('.');
    let (header, claims) = (segments.next()?, segments.next()?);
    let mut header: Map<String, Value> = decode(header)?;
    let original_kid = header.get("kid").and_then(Value::as_str).map(str::to_owned);
    let mut claims: Map<String, Value> = decode(claims)?;
    let jwt_id = claims.get("jti").and_then(Value::as_str).map(str::to_owned);
    let expires_at = claims.get("exp").and_then(Value::as_u64).unwrap_or(0);
    let iat = claims.get("iat").and_then(Value::as_u64).unwrap_or(0);
    let shift = |claims: &mut Map<String, Value>, name: &str, to: u64| {
        claims.insert(name.to_owned(), json!(to));
    };
    match tamper {
        Tamper::AlgNone => {
            header.insert("alg".to_owned(), json!("none"));
        }
        Tamper::Hs256PublicKey => {
            header.insert("alg".to_owned(), json!("HS256"));
        }
        Tamper::BadSignature => {}
        Tamper::UnknownKid => {
            header.insert("kid".to_owned(), json!("unknown-key"));
        }
        Tamper::MissingKid => {
            header.remove("kid");
        }
        Tamper::WrongIssuer => {
            let issuer = format!("{}/elsewhere", signer.issuer());
            claims.insert("iss".to_owned(), json!(issuer));
        }
        Tamper::WrongAudience => {
            claims.insert("aud".to_owned(), json!("another-client"));
        }
        Tamper::ExtraAudienceWithoutAzp => {
            let mut audiences = match claims.remove("aud") {
                Some(Value::Array(list)) => list,
                Some(one) => vec![one],
                None => Vec::new(),
            };
            audiences.push(json!("another-client"));
            claims.insert("aud".to_owned(), Value::Array(audiences));
            claims.remove("azp");
        }
        Tamper::Expired => {
            shift(&mut claims, "iat", iat.saturating_sub(2 * HOUR));
            shift(&mut claims, "exp", iat.saturating_sub(HOUR));
            if claims.contains_key("nbf") {
                shift(&mut claims, "nbf", iat.saturating_sub(2 * HOUR));
            }
        }
        Tamper::IssuedInFuture => {
            shift(&mut claims, "iat", iat + HOUR);
            shift(&mut claims, "exp", expires_at + HOUR);
        }
        Tamper::NotYetValid => {
            shift(&mut claims, "nbf", iat + HOUR);
            shift(&mut claims, "exp", expires_at + HOUR);
        }
        Tamper::MissingNonce => {
            claims.remove("nonce");
        }
        Tamper::WrongNonce => {
            claims.insert("nonce".to_owned(), json!("a-nonce-never-sent"));
        }
        Tamper::WrongAtHash => {
            claims.insert("at_hash".to_owned(), json!(WRONG_HASH));
        }
        Tamper::WrongCHash => {
            claims.insert("c_hash".to_owned(), json!(WRONG_HASH));
        }
        Tamper::WrongTyp => {
            let typ = match header.get("typ").and_then(Value::as_str) {
                Some("at+jwt") => "JWT",
                _ => "at+jwt",
            };
            header.insert("typ".to_owned(), json!(typ));
        }
    }
    // Signed again by the key that signed the original (its `kid` as issued).
    let key = signer.key_for(original_kid.as_deref());
    let mut input = encode(&header);
    input.push('.');
    input.push_str(&encode(&claims));
    let signature = match tamper {
        Tamper::AlgNone => Vec::new(),
        Tamper::Hs256PublicKey => {
            let secret = hmac::Key::new(hmac::HMAC_SHA256, key.public_pem().as_bytes());
            hmac::sign(&secret, input.as_bytes()).as_ref().to_vec()
        }
        Tamper::BadSignature => {
            let mut signature = key.sign(input.as_bytes());
            if let Some(last) = signature.last_mut() {
                *last ^= 0xFF;
            }
            signature
        }
        _ => key.sign(input.as_bytes()),
    };
    input.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut input);
    Some(Forged {
        token: input,
        jwt_id,
        expires_at,
    })
}

fn decode(segment: &str) -> Option<Map<String, Value>> {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).ok()?).ok()
}

fn encode(object: &Map<String, Value>) -> String {
    URL_SAFE_NO_PAD.encode(Value::Object(object.clone()).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::{SigningKey, TokenType, VerifyError};

    fn signer() -> TokenSigner {
        let f = crate::Fixtures::bundled();
        let key = SigningKey::from_pem(&f.signing_key_pem, &f.signing_cert_pem).unwrap();
        TokenSigner::new(key, "https://localhost:8090".to_owned(), 30).unwrap()
    }

    fn parts(token: &str) -> (Map<String, Value>, Map<String, Value>) {
        let mut s = token.split('.');
        (
            decode(s.next().unwrap()).unwrap(),
            decode(s.next().unwrap()).unwrap(),
        )
    }

    #[test]
    fn each_tamper_changes_exactly_what_it_names() {
        let s = signer();
        let original = s.sign(
            TokenType::Jwt,
            &json!({"iss": "https://localhost:8090", "aud": "app", "azp": "app", "iat": 10_000,
                    "exp": 13_600, "nonce": "n", "jti": "j"}),
        );
        let forged = |t| forge(&s, &original, t).unwrap().token;
        let (header, claims) = parts(&forged(Tamper::ExtraAudienceWithoutAzp));
        assert_eq!(claims["aud"], json!(["app", "another-client"]));
        assert!(!claims.contains_key("azp") && header["alg"] == "RS256");
        assert_eq!(parts(&forged(Tamper::Expired)).1["exp"], 6_400);
        assert_eq!(parts(&forged(Tamper::NotYetValid)).1["nbf"], 13_600);
        assert!(!parts(&forged(Tamper::MissingKid)).0.contains_key("kid"));
        assert_eq!(parts(&forged(Tamper::WrongTyp)).0["typ"], "at+jwt");
        assert!(forged(Tamper::AlgNone).ends_with('.'));
        // Claims-only tampers verify with the real key: only the named claim is wrong.
        assert!(s.verify(&forged(Tamper::WrongNonce), 10_000, true).is_ok());
        assert_eq!(
            s.verify(&forged(Tamper::WrongIssuer), 10_000, true)
                .unwrap_err(),
            VerifyError::WrongIssuer
        );
        assert_eq!(
            s.verify(&forged(Tamper::BadSignature), 10_000, true)
                .unwrap_err(),
            VerifyError::BadSignature
        );
        for tamper in [Tamper::AlgNone, Tamper::Hs256PublicKey] {
            assert!(s.verify(&forged(tamper), 10_000, true).is_err());
        }
        let record = forge(&s, &original, Tamper::WrongAtHash).unwrap();
        assert_eq!(
            (record.jwt_id.as_deref(), record.expires_at),
            (Some("j"), 13_600)
        );
        assert!(forge(&s, "not-a-jwt", Tamper::AlgNone).is_none());
    }

    #[test]
    fn the_key_confusion_token_is_an_hmac_over_the_public_key_pem() {
        let s = signer();
        let original = s.sign(TokenType::Jwt, &json!({"iss": "x"}));
        let token = forge(&s, &original, Tamper::Hs256PublicKey).unwrap().token;
        // The fixture key's SPKI PEM, as the rsa crate writes it: the same text the ring keeps.
        let number = |b64: &str| rsa::BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(b64).unwrap());
        let public = rsa::RsaPublicKey::new(number(&s.key().n), number(&s.key().e)).unwrap();
        let pem =
            rsa::pkcs8::EncodePublicKey::to_public_key_pem(&public, rsa::pkcs8::LineEnding::LF)
                .unwrap();
        assert_eq!(s.key_for(None).public_pem(), pem);
        let key = jsonwebtoken::DecodingKey::from_secret(pem.as_bytes());
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.required_spec_claims.clear();
        assert!(jsonwebtoken::decode::<Value>(&token, &key, &validation).is_ok());
        for (tamper, name) in TAMPERS {
            assert_eq!(Tamper::from_name(name), Some(tamper));
            assert_eq!(tamper.name(), name);
        }
    }
}
