//! [`SoftwareAuthenticator`]: a passkey provider in software, for tests. It answers the mock's
//! creation options with a new credential (a fresh key; `none`, `packed` self or with a certificate
//! chain, or `fido-u2f` attestation, the chain from its own attestation CA) and its
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
    /// Made on the first attestation that needs a certificate.
    certificates: Option<AttestationCertificates>,
}

/// The AAGUID the authenticator writes with `packed` attestation, and its attestation certificate
/// carries: `74686964-2d6d-6f63-6b2d-706173736b79` ("thid-mock-passky").
pub const AAGUID: [u8; 16] = *b"thid-mock-passky";

/// Which attestation statement [`SoftwareAuthenticator::create`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Attestation {
    /// `none` with an empty statement.
    #[default]
    None,
    /// `packed` self attestation: the new key signs `authData ‖ clientDataHash`.
    PackedSelf,
    /// `packed` basic attestation: the attestation key signs `authData ‖ clientDataHash`, and
    /// `x5c` holds its certificate (§8.2.1's subject, the [`AAGUID`] extension) and the
    /// authenticator's own CA.
    PackedX5c,
    /// `fido-u2f`: an ES256 credential, the attestation key signs the U2F registration data, and
    /// `x5c` holds its certificate alone.
    FidoU2f,
}

impl Attestation {
    /// The statement format's identifier.
    fn format(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::PackedSelf | Self::PackedX5c => "packed",
            Self::FidoU2f => "fido-u2f",
        }
    }
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
            certificates: None,
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
        // U2F keys are P-256 only.
        let supported: &[i64] = match attestation {
            Attestation::FidoU2f => &[cose::ES256],
            _ => &[cose::ES256, cose::EDDSA, cose::RS256],
        };
        let algorithm = options
            .pub_key_cred_params
            .iter()
            .map(|p| p.alg)
            .find(|alg| supported.contains(alg))
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
        let rp_id_hash = sha256(
            ceremony
                .rp_id
                .as_deref()
                .unwrap_or(&options.rp.id)
                .as_bytes(),
        );
        let cose_key = key.cose_key();
        let auth_data = AuthenticatorData {
            rp_id_hash,
            flags: user_flags(ceremony),
            sign_count: 0,
            attested: Some(AttestedCredential {
                aaguid: if attestation == Attestation::PackedX5c {
                    AAGUID
                } else {
                    [0; 16]
                },
                credential_id: id.clone(),
                public_key: cose_key.encode(),
            }),
        }
        .encode();
        let client_data_hash = sha256(client_data.as_bytes());
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&client_data_hash);
        let text = |s: &str| Cbor::Text(s.into());
        let statement = match attestation {
            Attestation::None => Vec::new(),
            Attestation::PackedSelf => vec![
                (text("alg"), Cbor::Integer(algorithm.into())),
                (
                    text("sig"),
                    Cbor::Bytes(signature(key.sign(&signed)?, ceremony)),
                ),
            ],
            Attestation::PackedX5c => {
                let certificates = self.certificates()?;
                vec![
                    (text("alg"), Cbor::Integer(cose::ES256.into())),
                    (
                        text("sig"),
                        Cbor::Bytes(signature(certificates.sign(&signed)?, ceremony)),
                    ),
                    (text("x5c"), certificates.x5c(2)),
                ]
            }
            Attestation::FidoU2f => {
                let CoseKey::Es256 { x, y } = &cose_key else {
                    return Err(AuthenticatorError::NoSupportedAlgorithm);
                };
                let mut data = vec![0x00];
                data.extend_from_slice(&rp_id_hash);
                data.extend_from_slice(&client_data_hash);
                data.extend_from_slice(&id);
                data.push(0x04);
                data.extend_from_slice(x);
                data.extend_from_slice(y);
                let certificates = self.certificates()?;
                vec![
                    (
                        text("sig"),
                        Cbor::Bytes(signature(certificates.sign(&data)?, ceremony)),
                    ),
                    (text("x5c"), certificates.x5c(1)),
                ]
            }
        };
        let object = Cbor::Map(vec![
            (text("fmt"), text(attestation.format())),
            (Cbor::Text("attStmt".into()), Cbor::Map(statement)),
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

impl SoftwareAuthenticator {
    fn certificates(&mut self) -> Result<&AttestationCertificates, AuthenticatorError> {
        if self.certificates.is_none() {
            self.certificates = Some(AttestationCertificates::generate()?);
        }
        self.certificates.as_ref().ok_or(AuthenticatorError::Crypto)
    }
}

/// The authenticator's attestation key and chain (`[attestation certificate, CA]`), ECDSA P-256,
/// made with rcgen over AWS-LC keys and valid for as long as rcgen's default allows (1975–4096),
/// so any mock clock accepts them.
#[derive(Debug)]
struct AttestationCertificates {
    key: EcdsaKeyPair,
    chain: Vec<Vec<u8>>,
}

impl AttestationCertificates {
    fn generate() -> Result<Self, AuthenticatorError> {
        fn crypto<E>(_: E) -> AuthenticatorError {
            AuthenticatorError::Crypto
        }
        let rng = SystemRandom::new();
        let new_key = || {
            let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
                .map_err(|_| AuthenticatorError::Crypto)?;
            let pair =
                rcgen::KeyPair::try_from(pkcs8.as_ref()).map_err(|_| AuthenticatorError::Crypto)?;
            Ok::<_, AuthenticatorError>((pkcs8, pair))
        };
        let (_, ca_key) = new_key()?;
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(crypto)?;
        ca.distinguished_name = subject("thunderid-mock attestation CA", None);
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca_cert = ca.self_signed(&ca_key).map_err(crypto)?;
        let issuer = rcgen::Issuer::new(ca, ca_key);
        let (leaf_pkcs8, leaf_key) = new_key()?;
        let mut leaf = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(crypto)?;
        leaf.distinguished_name = subject(
            "thunderid-mock software authenticator",
            Some("Authenticator Attestation"),
        );
        let mut aaguid = vec![0x04, 16];
        aaguid.extend_from_slice(&AAGUID);
        leaf.custom_extensions
            .push(rcgen::CustomExtension::from_oid_content(
                &[1, 3, 6, 1, 4, 1, 45724, 1, 1, 4],
                aaguid,
            ));
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).map_err(crypto)?;
        Ok(Self {
            key: EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, leaf_pkcs8.as_ref())
                .map_err(crypto)?,
            chain: vec![leaf_cert.der().to_vec(), ca_cert.der().to_vec()],
        })
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, AuthenticatorError> {
        self.key
            .sign(&SystemRandom::new(), message)
            .map(|s| s.as_ref().to_vec())
            .map_err(|_| AuthenticatorError::Crypto)
    }

    /// The first `count` certificates of the chain, as `x5c`.
    fn x5c(&self, count: usize) -> Cbor {
        Cbor::Array(
            self.chain
                .iter()
                .take(count)
                .cloned()
                .map(Cbor::Bytes)
                .collect(),
        )
    }
}

/// §8.2.1's subject: country, organization, the unit when given, common name.
fn subject(common_name: &str, unit: Option<&str>) -> rcgen::DistinguishedName {
    let mut name = rcgen::DistinguishedName::new();
    name.push(rcgen::DnType::CountryName, "AA");
    name.push(rcgen::DnType::OrganizationName, "thunderid-mock");
    if let Some(unit) = unit {
        name.push(rcgen::DnType::OrganizationalUnitName, unit);
    }
    name.push(rcgen::DnType::CommonName, common_name);
    name
}

/// A statement signature, corrupted when the ceremony asks.
fn signature(mut sig: Vec<u8>, ceremony: &Ceremony) -> Vec<u8> {
    if ceremony.corrupt_signature {
        corrupt(&mut sig);
    }
    sig
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
