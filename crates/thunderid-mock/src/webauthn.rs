//! WebAuthn, pure: the options the server sends (`PublicKeyCredentialCreationOptions` and
//! `…RequestOptions` in the exact JSON go-webauthn v0.17.4 writes), and the verification of what a
//! browser posts back: a registration (client data, authenticator data, every attestation format
//! go-webauthn verifies, in `attestation`, with `certificate` for their X.509) and an assertion
//! (the signature over `authData ‖ SHA-256(clientDataJSON)` with the stored COSE key, the sign
//! counter). No I/O and no clock: callers keep the ceremony's [`Session`], say when it expired, and
//! pass the time attestation certificates are checked at in a [`Trust`].
//!
//! `authenticator` is the software authenticator tests use to answer the mock's challenges.

mod attestation;
mod authdata;
pub mod authenticator;
mod certificate;
mod cose;
pub(crate) mod options;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use ciborium::Value as Cbor;
use serde::Deserialize;

use crate::ids::constant_time_eq;

pub(crate) use self::attestation::Trust;
pub(crate) use self::authdata::AuthenticatorData;
pub(crate) use self::cose::CoseKey;
pub(crate) use self::options::{
    AuthenticatorSelection, CreationOptions, RequestOptions, creation_options, request_options,
};

/// The COSE algorithms the server offers, in its order: ES256, ES384, ES512, RS256, RS384, RS512,
/// PS256, PS384, PS512, EdDSA (`webauthncose` defaults).
pub(crate) const OFFERED_ALGORITHMS: [i64; 10] =
    [-7, -35, -36, -257, -258, -259, -37, -38, -39, -8];

/// How long a ceremony's options say the browser may take, in milliseconds (`webauthn/const.go`):
/// 300000, or 120000 when user verification is `discouraged`.
pub(crate) fn timeout_millis(user_verification: &str) -> u64 {
    if user_verification == "discouraged" {
        120_000
    } else {
        300_000
    }
}

/// What the server keeps between a ceremony's start and its finish (go-webauthn `SessionData`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Session {
    /// The challenge as sent: base64url without padding.
    pub challenge: String,
    pub rp_id: String,
    /// The user's handle (the entity id's bytes); empty for a discoverable (usernameless) login.
    pub user_id: Vec<u8>,
    /// The credential ids an assertion may use; empty means any of the user's.
    pub allowed_credentials: Vec<Vec<u8>>,
    /// `required`, `preferred`, `discouraged` or empty.
    pub user_verification: String,
    /// The COSE algorithms a registration may use.
    pub algorithms: Vec<i64>,
}

impl Session {
    /// An approximate size in bytes, for store budgets.
    pub(crate) fn approximate_size(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.challenge.len()
            + self.rp_id.len()
            + self.user_id.len()
            + self.allowed_credentials.iter().map(Vec::len).sum::<usize>()
            + self.algorithms.len() * 8
            + 64
    }
}

/// A registered credential as the server stores it (go-webauthn `Credential`, less the attestation
/// it keeps only for audit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Credential {
    pub id: Vec<u8>,
    /// The COSE key, as the authenticator sent it.
    pub public_key: Vec<u8>,
    /// go-webauthn's attestation type: `none`, `basic_surrogate` (self), `basic_full`, `attca`,
    /// `anonca`.
    pub attestation_type: String,
    pub attestation_format: String,
    pub transports: Vec<String>,
    pub user_present: bool,
    pub user_verified: bool,
    pub backup_eligible: bool,
    pub backup_state: bool,
    pub aaguid: [u8; 16],
    pub sign_count: u32,
    /// Set when an assertion's counter did not grow; the server lets it sign in all the same.
    pub clone_warning: bool,
}

/// Why a registration or an assertion was refused. The services map every variant to the one code
/// the server answers (PSK-1009 for an assertion, PSK-1011 for a registration); the text is for the
/// log and the tests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum WebauthnError {
    #[error("malformed {0}")]
    Malformed(&'static str),
    #[error("client data type is {0:?}, expected {1:?}")]
    CeremonyType(String, &'static str),
    #[error("the challenge does not match the session's")]
    Challenge,
    #[error("origin {0:?} is not allowed")]
    Origin(String),
    #[error("cross-origin ceremonies are not allowed")]
    CrossOrigin,
    #[error("the rpIdHash is not SHA-256 of the relying party id")]
    RpIdHash,
    #[error("the user was not present")]
    UserNotPresent,
    #[error("user verification is required but was not performed")]
    UserNotVerified,
    #[error("backup state is set without backup eligibility, or eligibility changed")]
    BackupFlags,
    #[error("credential algorithm {0} was not offered")]
    AlgorithmNotOffered(i64),
    #[error("unsupported public key: {0}")]
    UnsupportedKey(String),
    #[error("attestation: {0}")]
    Attestation(String),
    #[error("the signature does not verify")]
    Signature,
    #[error("the credential is not one the session allows")]
    CredentialNotAllowed,
    #[error("the user handle does not match")]
    UserHandle,
}

/// Decode a value a client sent in any of the encodings the server accepts: base64url without and
/// with padding, then standard base64 without and with padding (in that order).
pub(crate) fn decode_base64(value: &str) -> Option<Vec<u8>> {
    [&URL_SAFE_NO_PAD, &URL_SAFE, &STANDARD_NO_PAD, &STANDARD]
        .iter()
        .find_map(|engine| engine.decode(value).ok())
}

/// Base64url without padding, as WebAuthn's JSON writes binary values.
pub(crate) fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `CollectedClientData`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClientData {
    #[serde(rename = "type")]
    ceremony: String,
    challenge: String,
    origin: String,
    #[serde(default)]
    cross_origin: bool,
    #[serde(default)]
    top_origin: Option<String>,
}

/// The client data checks of both ceremonies (go-webauthn `CollectedClientData.Verify`): the type,
/// the challenge (constant time), the origin among `origins`, no cross-origin call.
fn verify_client_data(
    client_data_json: &[u8],
    ceremony: &'static str,
    session: &Session,
    origins: &[String],
) -> Result<(), WebauthnError> {
    let data: ClientData = serde_json::from_slice(client_data_json)
        .map_err(|_| WebauthnError::Malformed("clientDataJSON"))?;
    if data.ceremony != ceremony {
        return Err(WebauthnError::CeremonyType(data.ceremony, ceremony));
    }
    if !constant_time_eq(data.challenge.as_bytes(), session.challenge.as_bytes()) {
        return Err(WebauthnError::Challenge);
    }
    if !origins
        .iter()
        .any(|allowed| allowed.eq_ignore_ascii_case(&data.origin))
    {
        return Err(WebauthnError::Origin(data.origin));
    }
    if data.cross_origin || data.top_origin.is_some_and(|t| !t.is_empty()) {
        return Err(WebauthnError::CrossOrigin);
    }
    Ok(())
}

/// The authenticator data checks of both ceremonies: the rpIdHash, UP always, UV when the session
/// required it, BS only with BE.
fn verify_flags(data: &AuthenticatorData, session: &Session) -> Result<(), WebauthnError> {
    if !constant_time_eq(&data.rp_id_hash, &sha256(session.rp_id.as_bytes())) {
        return Err(WebauthnError::RpIdHash);
    }
    if !data.user_present() {
        return Err(WebauthnError::UserNotPresent);
    }
    if session.user_verification == "required" && !data.user_verified() {
        return Err(WebauthnError::UserNotVerified);
    }
    if data.backup_state() && !data.backup_eligible() {
        return Err(WebauthnError::BackupFlags);
    }
    Ok(())
}

/// What a browser posted for a registration, decoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Registration<'a> {
    pub credential_id: &'a [u8],
    pub client_data_json: &'a [u8],
    pub attestation_object: &'a [u8],
}

/// Verify a registration (go-webauthn `CreateCredential`): the client data, the attestation
/// object's authenticator data and statement (checked against `trust`); the new credential on
/// success.
pub(crate) fn verify_registration(
    session: &Session,
    origins: &[String],
    registration: &Registration<'_>,
    trust: &Trust,
    transports: Vec<String>,
) -> Result<Credential, WebauthnError> {
    let Registration {
        credential_id,
        client_data_json,
        attestation_object,
    } = *registration;
    verify_client_data(client_data_json, "webauthn.create", session, origins)?;
    let object: Cbor = ciborium::de::from_reader(attestation_object)
        .map_err(|_| WebauthnError::Malformed("attestationObject"))?;
    let format = cbor_text(&object, "fmt").ok_or(WebauthnError::Malformed("attestation format"))?;
    let statement =
        cbor_field(&object, "attStmt").ok_or(WebauthnError::Malformed("attestation statement"))?;
    let raw_auth_data = cbor_field(&object, "authData")
        .and_then(Cbor::as_bytes)
        .ok_or(WebauthnError::Malformed("authData"))?;
    let auth_data = AuthenticatorData::parse(raw_auth_data)?;
    verify_flags(&auth_data, session)?;
    let attested = auth_data
        .attested
        .as_ref()
        .ok_or(WebauthnError::Malformed("attested credential data"))?;
    if attested.credential_id != credential_id {
        return Err(WebauthnError::Malformed("credential id"));
    }
    let key = CoseKey::parse(&attested.public_key)?;
    if !session.algorithms.contains(&key.algorithm()) {
        return Err(WebauthnError::AlgorithmNotOffered(key.algorithm()));
    }
    let client_data_hash = sha256(client_data_json);
    let attestation_type = attestation::verify(
        format,
        statement,
        &attestation::Attested {
            raw_auth_data,
            auth_data: &auth_data,
            key: &key,
            client_data_hash: &client_data_hash,
        },
        trust,
    )?;
    Ok(Credential {
        id: credential_id.to_vec(),
        public_key: attested.public_key.clone(),
        attestation_type: attestation_type.to_owned(),
        attestation_format: format.to_owned(),
        transports,
        user_present: auth_data.user_present(),
        user_verified: auth_data.user_verified(),
        backup_eligible: auth_data.backup_eligible(),
        backup_state: auth_data.backup_state(),
        aaguid: attested.aaguid,
        sign_count: auth_data.sign_count,
        clone_warning: false,
    })
}

/// What an assertion carries (`AuthenticatorAssertionResponse`), decoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Assertion<'a> {
    pub credential_id: &'a [u8],
    pub client_data_json: &'a [u8],
    pub authenticator_data: &'a [u8],
    pub signature: &'a [u8],
    /// Empty when the client sent none.
    pub user_handle: &'a [u8],
}

/// Verify an assertion against the stored `credential` (go-webauthn `validateLogin`); the
/// credential updated (counter, flags) on success. A counter that did not grow (unless both are 0)
/// sets the clone warning and keeps the stored count, and the sign-in still succeeds, as on the
/// server.
pub(crate) fn verify_assertion(
    session: &Session,
    origins: &[String],
    credential: &Credential,
    assertion: &Assertion<'_>,
) -> Result<Credential, WebauthnError> {
    if !session.allowed_credentials.is_empty()
        && !session
            .allowed_credentials
            .iter()
            .any(|id| id == assertion.credential_id)
    {
        return Err(WebauthnError::CredentialNotAllowed);
    }
    if credential.id != assertion.credential_id {
        return Err(WebauthnError::CredentialNotAllowed);
    }
    if !session.user_id.is_empty()
        && !assertion.user_handle.is_empty()
        && assertion.user_handle != session.user_id.as_slice()
    {
        return Err(WebauthnError::UserHandle);
    }
    verify_client_data(assertion.client_data_json, "webauthn.get", session, origins)?;
    let data = AuthenticatorData::parse(assertion.authenticator_data)?;
    verify_flags(&data, session)?;
    let key = CoseKey::parse(&credential.public_key)?;
    let mut signed = assertion.authenticator_data.to_vec();
    signed.extend_from_slice(&sha256(assertion.client_data_json));
    key.verify(&signed, assertion.signature)?;
    if data.backup_eligible() != credential.backup_eligible {
        return Err(WebauthnError::BackupFlags);
    }
    let mut updated = credential.clone();
    if data.sign_count <= credential.sign_count
        && (data.sign_count != 0 || credential.sign_count != 0)
    {
        updated.clone_warning = true;
    } else {
        updated.sign_count = data.sign_count;
    }
    updated.user_present = data.user_present();
    updated.user_verified = data.user_verified();
    updated.backup_state = data.backup_state();
    Ok(updated)
}

pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

fn cbor_field<'a>(value: &'a Cbor, name: &str) -> Option<&'a Cbor> {
    value
        .as_map()?
        .iter()
        .find(|(k, _)| k.as_text() == Some(name))
        .map(|(_, v)| v)
}

fn cbor_text<'a>(value: &'a Cbor, name: &str) -> Option<&'a str> {
    cbor_field(value, name).and_then(Cbor::as_text)
}

#[cfg(test)]
mod tests;
