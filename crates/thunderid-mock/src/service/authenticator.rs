//! The control plane's software authenticator (`POST /__mock/passkeys/attestation` and
//! `/__mock/passkeys/assertion`): it answers the options a flow or the passkey API handed out with
//! the `PublicKeyCredential` JSON a browser would post, so tests in any language can use passkeys.
//! One authenticator per server; a reset forgets its credentials.

use serde::Deserialize;
use serde_json::Value;

use crate::error::MockError;
use crate::state::AppState;
use crate::webauthn::authenticator::{Attestation, Ceremony};

/// `{"options", "origin", "attestation"?, "userVerified"?, "signCount"?, "challenge"?, "rpId"?,
/// "corruptSignature"?}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CeremonyRequest {
    /// The options: the JSON string the mock sent, or that JSON as an object.
    options: Value,
    /// The page's origin, as the browser writes it into the client data.
    origin: String,
    /// `none` (default), `packed` (self attestation), `packed-x5c` (basic attestation with the
    /// authenticator's certificate chain) or `fido-u2f`; registrations only.
    #[serde(default)]
    attestation: Option<String>,
    /// `false`: leave the UV flag unset.
    #[serde(default)]
    user_verified: Option<bool>,
    /// Sign with this counter (assertions), leaving the stored one alone.
    #[serde(default)]
    sign_count: Option<u32>,
    /// Answer this challenge instead of the options'.
    #[serde(default)]
    challenge: Option<String>,
    /// Hash this relying party id instead of the options'.
    #[serde(default)]
    rp_id: Option<String>,
    /// Flip a bit of the signature.
    #[serde(default)]
    corrupt_signature: bool,
}

impl CeremonyRequest {
    fn options_text(&self) -> Result<String, MockError> {
        match &self.options {
            Value::String(text) => Ok(text.clone()),
            Value::Object(_) => Ok(self.options.to_string()),
            _ => Err(MockError::ControlPlane(
                "options: a JSON string or object".to_owned(),
            )),
        }
    }

    fn ceremony(&self) -> Ceremony {
        let mut ceremony = Ceremony::new();
        if self.user_verified == Some(false) {
            ceremony = ceremony.without_user_verification();
        }
        if let Some(count) = self.sign_count {
            ceremony = ceremony.with_sign_count(count);
        }
        if let Some(challenge) = &self.challenge {
            ceremony = ceremony.with_challenge(challenge.clone());
        }
        if let Some(rp_id) = &self.rp_id {
            ceremony = ceremony.with_rp_id(rp_id.clone());
        }
        if self.corrupt_signature {
            ceremony = ceremony.with_corrupt_signature();
        }
        ceremony
    }
}

/// A new credential for creation options.
pub(crate) fn attest(state: &AppState, request: &CeremonyRequest) -> Result<Value, MockError> {
    let options = request.options_text()?;
    let attestation = match request.attestation.as_deref() {
        None | Some("none") => Attestation::None,
        Some("packed") => Attestation::PackedSelf,
        Some("packed-x5c") => Attestation::PackedX5c,
        Some("fido-u2f") => Attestation::FidoU2f,
        Some(other) => {
            return Err(MockError::ControlPlane(format!(
                "attestation: none, packed, packed-x5c or fido-u2f, not {other:?}"
            )));
        }
    };
    let ceremony = request.ceremony();
    state
        .stores()
        .authenticator
        .write(|a| a.create_as(&options, &request.origin, &ceremony, attestation))
        .map_err(|e| MockError::ControlPlane(format!("options: {e}")))
}

/// An assertion for request options, by the newest matching credential.
pub(crate) fn assert(state: &AppState, request: &CeremonyRequest) -> Result<Value, MockError> {
    let options = request.options_text()?;
    let ceremony = request.ceremony();
    state
        .stores()
        .authenticator
        .write(|a| a.get_with(&options, &request.origin, &ceremony))
        .map_err(|e| MockError::ControlPlane(format!("options: {e}")))
}
