//! The fake wallet: reads a request object, issues an SD-JWT VC for a holder under the mock
//! issuer's certificate (the mock's trust anchor signs it), binds it to a fresh holder key with a
//! key-binding JWT over the request's nonce and client id, and encrypts the `direct_post.jwt`
//! response to the verifier's ephemeral key. A [`Defect`] makes the credential one the verifier
//! must refuse.

use serde_json::{Map, Value, json};

use super::jose::{self, EcKey};
use super::pki::{self, Certified, Validity};
use super::sdjwt;
use super::{ISSUER_CA_NAME, ISSUER_NAME, Keys};

/// A flaw to plant in the presentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Defect {
    /// The issuer JWT is signed by a key other than its `x5c` certificate's.
    WrongIssuerKey,
    /// The key-binding JWT answers another nonce.
    WrongNonce,
    /// The key-binding JWT names another audience.
    WrongAudience,
    /// The issuer certificate expired long ago.
    Expired,
    /// The first requested claim is not disclosed.
    MissingClaim,
}

impl Defect {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "wrong_issuer_key" => Self::WrongIssuerKey,
            "wrong_nonce" => Self::WrongNonce,
            "wrong_audience" => Self::WrongAudience,
            "expired" => Self::Expired,
            "missing_claim" => Self::MissingClaim,
            _ => return None,
        })
    }
}

/// Why the wallet could not answer a request object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum WalletError {
    #[error("the request object is not a JWT: {0}")]
    Request(String),
    #[error("the request object's signature does not verify against its x5c certificate")]
    RequestSignature,
    #[error("the request object has no {0}")]
    Missing(&'static str),
    #[error("encrypting the response failed: {0}")]
    Encrypt(String),
}

/// The `direct_post.jwt` form the wallet sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Response {
    pub response_uri: String,
    pub state: String,
    pub response: String,
}

/// Answer `request_jwt` for a holder with `subject` and `attributes` at `now`.
pub(crate) fn present(
    keys: &Keys,
    request_jwt: &str,
    subject: &str,
    attributes: &Map<String, Value>,
    defect: Option<Defect>,
    enc: &str,
    now: u64,
) -> Result<Response, WalletError> {
    let request = Value::Object(read_request(request_jwt)?);
    let text = |key: &'static str| {
        request
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or(WalletError::Missing(key))
    };
    let (client_id, nonce, state, response_uri) = (
        text("client_id")?,
        text("nonce")?,
        text("state")?,
        text("response_uri")?,
    );
    let credential = request
        .pointer("/dcql_query/credentials/0")
        .ok_or(WalletError::Missing("dcql_query"))?;
    let id = credential
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let vct = credential
        .pointer("/meta/vct_values/0")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut wanted: Vec<String> = credential
        .get("claims")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| {
            c.pointer("/path/0")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    if defect == Some(Defect::MissingClaim) && !wanted.is_empty() {
        wanted.remove(0);
    }
    let holder = EcKey::generate();
    let issued = issue(
        keys, vct, subject, attributes, &wanted, &holder, defect, now,
    );
    let kb_claims = json!({
        "aud": if defect == Some(Defect::WrongAudience) { "x509_san_dns:wallet.invalid".to_owned() } else { client_id },
        "nonce": if defect == Some(Defect::WrongNonce) { format!("{nonce}-other") } else { nonce },
        "iat": now,
        "sd_hash": sdjwt::digest(&issued, "sha-256"),
    });
    let mut kb_header = Map::new();
    kb_header.insert("typ".into(), "kb+jwt".into());
    let presentation = format!("{issued}{}", holder.sign_jws(&kb_header, &kb_claims));
    let body = json!({"state": state, "vp_token": {id: [presentation]}});
    let recipient = request
        .pointer("/client_metadata/jwks/keys/0")
        .and_then(Value::as_object)
        .ok_or(WalletError::Missing("client_metadata.jwks"))?;
    let advertised = request
        .pointer("/client_metadata/encrypted_response_enc_values_supported")
        .and_then(Value::as_array)
        .is_some_and(|values| values.iter().any(|v| v.as_str() == Some(enc)));
    if !advertised {
        return Err(WalletError::Encrypt(format!(
            "the verifier does not accept the encryption {enc:?}"
        )));
    }
    let response = jose::encrypt(body.to_string().as_bytes(), recipient, enc)
        .map_err(|e| WalletError::Encrypt(e.to_string()))?;
    Ok(Response {
        response_uri,
        state,
        response,
    })
}

/// The request object's claims, its signature checked against its `x5c` leaf.
fn read_request(jwt: &str) -> Result<Map<String, Value>, WalletError> {
    let header = jose::header(jwt).map_err(|e| WalletError::Request(e.to_string()))?;
    let leaf = header
        .get("x5c")
        .and_then(|x| x.get(0))
        .and_then(Value::as_str)
        .and_then(|t| base64::Engine::decode(&base64::engine::general_purpose::STANDARD, t).ok())
        .ok_or(WalletError::Missing("x5c"))?;
    let cert = pki::parse(&leaf).map_err(|e| WalletError::Request(e.to_string()))?;
    jose::verify_es256(jwt, &pki::public_point(&cert))
        .map_err(|_| WalletError::RequestSignature)?;
    jose::claims(jwt).map_err(|e| WalletError::Request(e.to_string()))
}

/// The issuer JWT and its disclosures, `issuer~d1~…~` (the key-binding JWT goes last).
#[allow(clippy::too_many_arguments)]
fn issue(
    keys: &Keys,
    vct: &str,
    subject: &str,
    attributes: &Map<String, Value>,
    wanted: &[String],
    holder: &EcKey,
    defect: Option<Defect>,
    now: u64,
) -> String {
    let mut digests = Vec::new();
    let mut disclosures = Vec::new();
    for name in wanted {
        let Some(value) = attributes.get(name) else {
            continue;
        };
        let mut salt = [0u8; 16];
        aws_lc_rs::rand::SecureRandom::fill(&aws_lc_rs::rand::SystemRandom::new(), &mut salt)
            .expect("randomness");
        let raw = jose::b64(
            json!([jose::b64(&salt), name, value])
                .to_string()
                .as_bytes(),
        );
        digests.push(sdjwt::digest(&raw, "sha-256"));
        disclosures.push(raw);
    }
    digests.sort();
    let claims = json!({
        "iss": keys.issuer_url,
        "vct": vct,
        "sub": subject,
        "iat": now,
        "exp": now + 365 * 24 * 3600,
        "cnf": {"jwk": holder.public_jwk()},
        "_sd_alg": "sha-256",
        "_sd": digests,
    });
    let expired;
    let signer: &Certified = if defect == Some(Defect::Expired) {
        expired = pki::issue(
            &keys.issuer_ca,
            ISSUER_CA_NAME,
            ISSUER_NAME,
            Validity::EXPIRED,
        );
        &expired
    } else {
        &keys.issuer
    };
    let forger;
    let key = if defect == Some(Defect::WrongIssuerKey) {
        forger = EcKey::generate();
        &forger
    } else {
        &signer.key
    };
    let mut header = Map::new();
    header.insert("typ".into(), "dc+sd-jwt".into());
    header.insert(
        "x5c".into(),
        json!([base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            &signer.der
        )]),
    );
    let issuer_jwt = key.sign_jws(&header, &claims);
    sdjwt::presented_input(&issuer_jwt, &disclosures)
}
