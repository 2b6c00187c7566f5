//! [`SoftwareAuthenticator`]: a passkey provider in software, for tests. It answers the mock's
//! creation options with a new credential (a fresh key, `none` or `packed` self attestation) and its
//! request options with a signed assertion, keeping each credential's counter, and returns the
//! `PublicKeyCredential` JSON a browser would post (`toJSON()`: binary values base64url).
//!
//! The control plane's `/__mock/passkeys/*` routes run one per server; Rust tests can own one.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, RSA_PKCS1_SHA256,
    RsaKeyPair,
};
use ciborium::Value as Cbor;
use serde_json::{Value, json};

use super::authdata::{AttestedCredential, AuthenticatorData, flags};
use super::cose::{self, CoseKey};
use super::{CreationOptions, RequestOptions, base64url, decode_base64, sha256};

/// At most this many credentials are kept; the oldest go first.
const CAPACITY: usize = 1_000;

/// A software authenticator (a platform passkey provider that always verifies its user, unless
/// told otherwise).
#[derive(Debug)]
pub struct SoftwareAuthenticator {
    credentials: Vec<SoftCredential>,
    attestation: Attestation,
}

/// Which attestation statement [`SoftwareAuthenticator::create`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Attestation {
    /// `none` with an empty statement.
    #[default]
    None,
    /// `packed` self attestation: the new key signs `authData ‖ clientDataHash`.
    PackedSelf,
}

/// How one ceremony departs from a well-behaved authenticator, to produce the responses a server
/// must refuse or tolerate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Ceremony {
    /// Leave the UV flag unset (the user was not verified).
    pub skip_user_verification: bool,
    /// Sign with this counter instead of the next one (a cloned authenticator); the stored counter
    /// is not changed.
    pub sign_count: Option<u32>,
    /// Write this challenge into the client data instead of the options' one.
    pub challenge: Option<String>,
    /// Hash this relying party id into the authenticator data instead of the options' one.
    pub rp_id: Option<String>,
    /// Flip a bit of the signature.
    pub corrupt_signature: bool,
}

impl Ceremony {
    /// A well-behaved ceremony.
    pub fn new() -> Self {
        Self::default()
    }

    /// Leave the UV flag unset.
    #[must_use]
    pub fn without_user_verification(mut self) -> Self {
        self.skip_user_verification = true;
        self
    }

    /// Sign with this counter, leaving the stored one alone.
    #[must_use]
    pub fn with_sign_count(mut self, count: u32) -> Self {
        self.sign_count = Some(count);
        self
    }

    /// Answer another challenge than the options'.
    #[must_use]
    pub fn with_challenge(mut self, challenge: impl Into<String>) -> Self {
        self.challenge = Some(challenge.into());
        self
    }

    /// Hash another relying party id into the authenticator data.
    #[must_use]
    pub fn with_rp_id(mut self, rp_id: impl Into<String>) -> Self {
        self.rp_id = Some(rp_id.into());
        self
    }

    /// Flip a bit of the signature.
    #[must_use]
    pub fn with_corrupt_signature(mut self) -> Self {
        self.corrupt_signature = true;
        self
    }
}

/// Why the authenticator could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthenticatorError {
    /// The options are not WebAuthn options JSON.
    #[error("invalid options: {0}")]
    InvalidOptions(String),
    /// No offered algorithm is one the authenticator has (ES256, EdDSA, RS256).
    #[error("no supported algorithm offered")]
    NoSupportedAlgorithm,
    /// No stored credential matches the relying party and the allowed credentials.
    #[error("no credential for relying party {0}")]
    NoCredential(String),
    /// Key generation or signing failed.
    #[error("crypto failure")]
    Crypto,
}

#[derive(Debug)]
struct SoftCredential {
    id: Vec<u8>,
    rp_id: String,
    user_handle: Vec<u8>,
    key: SigningKey,
    sign_count: u32,
}

#[derive(Debug)]
enum SigningKey {
    Es256(EcdsaKeyPair),
    EdDsa(Ed25519KeyPair),
    Rs256(Box<RsaKeyPair>),
}

impl Default for SoftwareAuthenticator {
    fn default() -> Self {
        Self::new()
    }
}

impl SoftwareAuthenticator {
    /// An authenticator with no credentials that writes `none` attestation.
    pub fn new() -> Self {
        Self {
            credentials: Vec::new(),
            attestation: Attestation::None,
        }
    }

    /// The same, writing `attestation` statements.
    #[must_use]
    pub fn with_attestation(mut self, attestation: Attestation) -> Self {
        self.attestation = attestation;
        self
    }

    /// `navigator.credentials.create()`: a new credential for `creation_options` (the JSON the
    /// mock sends as `passkeyCreationOptions`) called from `origin`.
    pub fn create(
        &mut self,
        creation_options: &str,
        origin: &str,
    ) -> Result<Value, AuthenticatorError> {
        self.create_with(creation_options, origin, &Ceremony::default())
    }

    /// [`Self::create`], departing from the rules as `ceremony` says.
    pub fn create_with(
        &mut self,
        creation_options: &str,
        origin: &str,
        ceremony: &Ceremony,
    ) -> Result<Value, AuthenticatorError> {
        self.create_as(creation_options, origin, ceremony, self.attestation)
    }

    /// [`Self::create_with`], writing `attestation` this once (the control plane's choice).
    pub(crate) fn create_as(
        &mut self,
        creation_options: &str,
        origin: &str,
        ceremony: &Ceremony,
        attestation: Attestation,
    ) -> Result<Value, AuthenticatorError> {
        let options: CreationOptions = serde_json::from_str(creation_options)
            .map_err(|e| AuthenticatorError::InvalidOptions(e.to_string()))?;
        let algorithm = options
            .pub_key_cred_params
            .iter()
            .map(|p| p.alg)
            .find(|alg| [cose::ES256, cose::EDDSA, cose::RS256].contains(alg))
            .ok_or(AuthenticatorError::NoSupportedAlgorithm)?;
        let key = SigningKey::generate(algorithm)?;
        let mut id = vec![0u8; 32];
        aws_lc_rs::rand::fill(&mut id).map_err(|_| AuthenticatorError::Crypto)?;
        let user_handle = decode_base64(&options.user.id)
            .ok_or_else(|| AuthenticatorError::InvalidOptions("user.id".into()))?;
        let client_data = client_data(
            "webauthn.create",
            ceremony.challenge.as_deref().unwrap_or(&options.challenge),
            origin,
        );
        let rp_id = ceremony.rp_id.as_deref().unwrap_or(&options.rp.id);
        let auth_data = AuthenticatorData {
            rp_id_hash: sha256(rp_id.as_bytes()),
            flags: user_flags(ceremony),
            sign_count: 0,
            attested: Some(AttestedCredential {
                aaguid: [0; 16],
                credential_id: id.clone(),
                public_key: key.cose_key().encode(),
            }),
        }
        .encode();
        let statement = match attestation {
            Attestation::None => Cbor::Map(Vec::new()),
            Attestation::PackedSelf => {
                let mut signed = auth_data.clone();
                signed.extend_from_slice(&sha256(client_data.as_bytes()));
                let mut sig = key.sign(&signed)?;
                if ceremony.corrupt_signature {
                    corrupt(&mut sig);
                }
                Cbor::Map(vec![
                    (Cbor::Text("alg".into()), Cbor::Integer(algorithm.into())),
                    (Cbor::Text("sig".into()), Cbor::Bytes(sig)),
                ])
            }
        };
        let format = match attestation {
            Attestation::None => "none",
            Attestation::PackedSelf => "packed",
        };
        let object = Cbor::Map(vec![
            (Cbor::Text("fmt".into()), Cbor::Text(format.into())),
            (Cbor::Text("attStmt".into()), statement),
            (
                Cbor::Text("authData".into()),
                Cbor::Bytes(auth_data.clone()),
            ),
        ]);
        let mut attestation_object = Vec::new();
        ciborium::ser::into_writer(&object, &mut attestation_object)
            .map_err(|_| AuthenticatorError::Crypto)?;
        if self.credentials.len() >= CAPACITY {
            self.credentials.remove(0);
        }
        self.credentials.push(SoftCredential {
            id: id.clone(),
            rp_id: options.rp.id.clone(),
            user_handle,
            key,
            sign_count: 0,
        });
        Ok(json!({
            "id": base64url(&id),
            "rawId": base64url(&id),
            "type": "public-key",
            "response": {
                "clientDataJSON": base64url(client_data.as_bytes()),
                "attestationObject": base64url(&attestation_object),
                "authenticatorData": base64url(&auth_data),
                "transports": ["internal", "hybrid"],
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }))
    }

    /// `navigator.credentials.get()`: an assertion for `request_options` (the JSON the mock sends
    /// as `passkeyChallenge`) called from `origin`, by the newest credential of the relying party
    /// that the options allow (any of its credentials when they list none).
    pub fn get(
        &mut self,
        request_options: &str,
        origin: &str,
    ) -> Result<Value, AuthenticatorError> {
        self.get_with(request_options, origin, &Ceremony::default())
    }

    /// [`Self::get`], departing from the rules as `ceremony` says.
    pub fn get_with(
        &mut self,
        request_options: &str,
        origin: &str,
        ceremony: &Ceremony,
    ) -> Result<Value, AuthenticatorError> {
        let options: RequestOptions = serde_json::from_str(request_options)
            .map_err(|e| AuthenticatorError::InvalidOptions(e.to_string()))?;
        let allowed: Vec<Vec<u8>> = options
            .allow_credentials
            .iter()
            .filter_map(|c| decode_base64(&c.id))
            .collect();
        let credential = self
            .credentials
            .iter_mut()
            .rev()
            .find(|c| c.rp_id == options.rp_id && (allowed.is_empty() || allowed.contains(&c.id)))
            .ok_or_else(|| AuthenticatorError::NoCredential(options.rp_id.clone()))?;
        let sign_count = match ceremony.sign_count {
            Some(count) => count,
            None => {
                credential.sign_count = credential.sign_count.saturating_add(1);
                credential.sign_count
            }
        };
        let client_data = client_data(
            "webauthn.get",
            ceremony.challenge.as_deref().unwrap_or(&options.challenge),
            origin,
        );
        let rp_id = ceremony.rp_id.as_deref().unwrap_or(&options.rp_id);
        let auth_data = AuthenticatorData {
            rp_id_hash: sha256(rp_id.as_bytes()),
            flags: user_flags(ceremony),
            sign_count,
            attested: None,
        }
        .encode();
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&sha256(client_data.as_bytes()));
        let mut signature = credential.key.sign(&signed)?;
        if ceremony.corrupt_signature {
            corrupt(&mut signature);
        }
        Ok(json!({
            "id": base64url(&credential.id),
            "rawId": base64url(&credential.id),
            "type": "public-key",
            "response": {
                "clientDataJSON": base64url(client_data.as_bytes()),
                "authenticatorData": base64url(&auth_data),
                "signature": base64url(&signature),
                "userHandle": base64url(&credential.user_handle),
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }))
    }
}

/// The client data a browser writes (its member order).
fn client_data(ceremony: &str, challenge: &str, origin: &str) -> String {
    json!({"type": ceremony, "challenge": challenge, "origin": origin, "crossOrigin": false})
        .to_string()
}

fn user_flags(ceremony: &Ceremony) -> u8 {
    if ceremony.skip_user_verification {
        flags::USER_PRESENT
    } else {
        flags::USER_PRESENT | flags::USER_VERIFIED
    }
}

fn corrupt(signature: &mut [u8]) {
    if let Some(last) = signature.last_mut() {
        *last ^= 0x01;
    }
}

impl SigningKey {
    fn generate(algorithm: i64) -> Result<Self, AuthenticatorError> {
        let crypto = |_| AuthenticatorError::Crypto;
        Ok(match algorithm {
            cose::ES256 => Self::Es256(
                EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING).map_err(crypto)?,
            ),
            cose::EDDSA => Self::EdDsa(Ed25519KeyPair::generate().map_err(crypto)?),
            _ => Self::Rs256(Box::new(
                RsaKeyPair::generate(KeySize::Rsa2048).map_err(crypto)?,
            )),
        })
    }

    fn cose_key(&self) -> CoseKey {
        match self {
            Self::Es256(pair) => {
                let point = pair.public_key().as_ref();
                CoseKey::Es256 {
                    x: point[1..33].to_vec(),
                    y: point[33..65].to_vec(),
                }
            }
            Self::EdDsa(pair) => CoseKey::EdDsa {
                x: pair.public_key().as_ref().to_vec(),
            },
            Self::Rs256(pair) => {
                // The key's PKCS#1 `RSAPublicKey`, read through the rsa crate: aws-lc-rs exposes
                // the components only with its ring-io feature.
                let parsed = <rsa::RsaPublicKey as rsa::pkcs1::DecodeRsaPublicKey>::from_pkcs1_der(
                    pair.public_key().as_ref(),
                );
                match parsed {
                    Ok(public) => CoseKey::Rs256 {
                        n: rsa::traits::PublicKeyParts::n(&public).to_bytes_be(),
                        e: rsa::traits::PublicKeyParts::e(&public).to_bytes_be(),
                    },
                    Err(_) => CoseKey::Rs256 {
                        n: Vec::new(),
                        e: Vec::new(),
                    },
                }
            }
        }
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, AuthenticatorError> {
        let rng = SystemRandom::new();
        match self {
            Self::Es256(pair) => pair
                .sign(&rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| AuthenticatorError::Crypto),
            Self::EdDsa(pair) => Ok(pair.sign(message).as_ref().to_vec()),
            Self::Rs256(pair) => {
                let mut signature = vec![0u8; pair.public_modulus_len()];
                pair.sign(&RSA_PKCS1_SHA256, &rng, message, &mut signature)
                    .map_err(|_| AuthenticatorError::Crypto)?;
                Ok(signature)
            }
        }
    }
}
