//! The fake wallet: reads a request object, issues an SD-JWT VC for a holder under the mock
//! issuer's certificate (the mock's trust anchor signs it), binds it to a fresh holder key with a
//! key-binding JWT over the request's nonce and client id, and encrypts the `direct_post.jwt`
//! response to the verifier's ephemeral key. A [`Defect`] makes the credential one the verifier
//! must refuse.

use serde_json::{Map, Value, json};

use super::jose;
use super::jws::{self, Alg, SigningKey};
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
    #[error(
        "the verifier does not accept {what} {alg:?} (its request object advertises {advertised})"
    )]
    Algorithm {
        what: &'static str,
        alg: String,
        advertised: String,
    },
}

/// What the wallet chooses among what the request object advertises.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Choices<'a> {
    /// The response's content encryption (`encrypted_response_enc_values_supported`).
    pub enc: &'a str,
    /// The issuer JWT's `alg` (`sd-jwt_alg_values`).
    pub credential_alg: &'a str,
    /// The key-binding JWT's `alg` and the holder key's type (`kb-jwt_alg_values`).
    pub holder_alg: &'a str,
}

impl Default for Choices<'_> {
    fn default() -> Self {
        Self {
            enc: "A128GCM",
            credential_alg: "ES256",
            holder_alg: "ES256",
        }
    }
}

/// `alg` if the request object lists it under `vp_formats_supported.dc+sd-jwt.<member>` and the
/// wallet has keys for it.
fn advertised_alg(
    request: &Value,
    member: &str,
    what: &'static str,
    alg: &str,
) -> Result<Alg, WalletError> {
    let values: Vec<&str> = request
        .pointer("/client_metadata/vp_formats_supported")
        .and_then(|f| f.get(super::verifier::FORMAT_SD_JWT_VC))
        .and_then(|f| f.get(member))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    values
        .contains(&alg)
        .then(|| Alg::from_name(alg))
        .flatten()
        .ok_or_else(|| WalletError::Algorithm {
            what,
            alg: alg.to_owned(),
            advertised: values.join(", "),
        })
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
    choices: Choices<'_>,
    now: u64,
) -> Result<Response, WalletError> {
    let request = Value::Object(read_request(request_jwt)?);
    let credential_alg = advertised_alg(
        &request,
        "sd-jwt_alg_values",
        "the credential algorithm",
        choices.credential_alg,
    )?;
    let holder_alg = advertised_alg(
        &request,
        "kb-jwt_alg_values",
        "the holder algorithm",
        choices.holder_alg,
    )?;
    let enc = choices.enc;
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
    let holder = SigningKey::generate(holder_alg);
    let credential = Credential {
        vct,
        subject,
        attributes,
        wanted: &wanted,
        holder: &holder,
        alg: credential_alg,
    };
    let issued = issue(keys, &credential, defect, now);
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
    jws::verify(jwt, &pki::public_key(&cert)).map_err(|_| WalletError::RequestSignature)?;
    jose::claims(jwt).map_err(|e| WalletError::Request(e.to_string()))
}

/// What a credential says and who holds it.
struct Credential<'a> {
    vct: &'a str,
    subject: &'a str,
    attributes: &'a Map<String, Value>,
    wanted: &'a [String],
    holder: &'a SigningKey,
    /// The issuer's signature algorithm.
    alg: Alg,
}

/// The issuer JWT and its disclosures, `issuer~d1~…~` (the key-binding JWT goes last).
fn issue(keys: &Keys, credential: &Credential<'_>, defect: Option<Defect>, now: u64) -> String {
    let mut digests = Vec::new();
    let mut disclosures = Vec::new();
    for name in credential.wanted {
        let Some(value) = credential.attributes.get(name) else {
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
        "vct": credential.vct,
        "sub": credential.subject,
        "iat": now,
        "exp": now + 365 * 24 * 3600,
        "cnf": {"jwk": credential.holder.public_jwk()},
        "_sd_alg": "sha-256",
        "_sd": digests,
    });
    let expired;
    let signer: &Certified = if defect == Some(Defect::Expired) {
        expired = pki::issue(
            &keys.issuer_ca,
            ISSUER_CA_NAME,
            ISSUER_NAME,
            credential.alg,
            Validity::EXPIRED,
        );
        &expired
    } else {
        keys.issuer_for(credential.alg)
    };
    let forger;
    let key = if defect == Some(Defect::WrongIssuerKey) {
        forger = SigningKey::generate(credential.alg);
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
