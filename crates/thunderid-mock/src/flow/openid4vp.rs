//! The OpenID4VP verifier service (`authn/openid4vp/service.go`, `wallet.go`), which both
//! OpenID4VPVerifyExecutor and the wallet endpoints call: requests kept in the executions'
//! `vp_states` table under their `state`, the signed request object, the wallet's encrypted
//! response verified and recorded, and the result delivered once.

use crate::openid4vp::verifier::{self, ResponseCheck, Settings, VerifiedPresentation};
use crate::openid4vp::{self, RequestState, Status, jose};
use crate::store::executions::Executions;
use crate::store::locked::Locked;

/// The service's client errors (`error_constants.go`, EUDI-100x).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum VpError {
    /// EUDI-1001: a parameter is missing or malformed.
    #[error("invalid request")]
    InvalidRequest,
    /// EUDI-1002: no live request for the state.
    #[error("unknown or expired request state")]
    UnknownState,
    /// EUDI-1003: the presentation failed verification; the reason is recorded on the state.
    #[error("{0}")]
    VerificationFailed(String),
    /// EUDI-1004: no presentation definition has the handle.
    #[error("unknown presentation definition")]
    UnknownDefinition,
    /// The definition cannot make a query (the server's `ErrPolicy`: a 500).
    #[error("{0}")]
    Policy(String),
}

/// What the verifier needs from one request.
#[derive(Debug)]
pub(crate) struct VpContext<'a> {
    pub verifier: &'a crate::store::vc::Vc,
    pub executions: &'a Locked<Executions>,
    pub base_url: &'a str,
    pub now: u64,
}

/// A new request: what the client shows the wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Initiation {
    pub state: String,
    pub client_id: String,
    pub request_uri: String,
    pub wallet_uri: String,
    pub expires_at: u64,
}

impl VpContext<'_> {
    fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }

    fn request_uri(&self, state: &str) -> String {
        openid4vp::with_state(&format!("{}/openid4vp/request", self.base()), state)
    }

    fn response_uri(&self, state: &str) -> String {
        openid4vp::with_state(&format!("{}/openid4vp/response", self.base()), state)
    }

    /// The definition with this handle in the store's current version (one created over the
    /// management API serves the next request).
    fn definition(&self, handle: &str) -> Result<openid4vp::PresentationDefinition, VpError> {
        self.verifier
            .definition(handle)
            .ok_or(VpError::UnknownDefinition)
    }

    /// `Initiate`: a pending request for the definition with this handle.
    pub(crate) fn initiate(
        &self,
        definition: &str,
        rng: &mut dyn rand::RngCore,
    ) -> Result<Initiation, VpError> {
        let definition = self.definition(definition)?.handle.clone();
        let state = openid4vp::random_token(rng);
        let nonce = openid4vp::random_token(rng);
        let client_id = self.verifier.keys().client_id();
        let request_uri = self.request_uri(&state);
        let expires_at = self.now + openid4vp::STATE_TTL;
        let record = RequestState {
            state: state.clone(),
            definition_id: definition,
            nonce,
            enc_key: jose::EncKey::generate(),
            client_id: client_id.clone(),
            request_uri: request_uri.clone(),
            status: Status::Pending,
            result: None,
            failure_reason: String::new(),
            expires_at,
        };
        let now = self.now;
        self.executions.write(|e| e.save_vp_state(record, now));
        Ok(Initiation {
            wallet_uri: openid4vp::wallet_uri(&client_id, &request_uri),
            state,
            client_id,
            request_uri,
            expires_at,
        })
    }

    /// `load`: a live request.
    fn load(&self, state: &str) -> Result<RequestState, VpError> {
        let now = self.now;
        self.executions
            .read(|e| e.vp_state(state, now))
            .filter(|s| now <= s.expires_at)
            .ok_or(VpError::UnknownState)
    }

    /// `GetRequestObject`: the signed request object.
    pub(crate) fn request_object(&self, state: &str) -> Result<String, VpError> {
        let record = self.load(state)?;
        let definition = &self.definition(&record.definition_id)?;
        let authority_key_ids: Vec<String> = self
            .verifier
            .keys()
            .anchors
            .iter()
            .filter(|a| definition.trusted_authorities.contains(&a.name))
            .filter_map(|a| {
                openid4vp::pki::parse(&a.der)
                    .ok()
                    .map(|c| openid4vp::pki::subject_key_id(&c))
            })
            .collect();
        let dcql = verifier::dcql_query(definition, &authority_key_ids).ok_or_else(|| {
            VpError::Policy("credential_id, vct and at least one claim are required".into())
        })?;
        let claims = verifier::RequestObject {
            client_id: &record.client_id,
            response_uri: &self.response_uri(state),
            nonce: &record.nonce,
            state,
            enc_jwk: record.enc_key.public_jwk(openid4vp::EPHEMERAL_KEY_ID),
            issued_at: self.now,
            validity: openid4vp::REQUEST_VALIDITY,
            dcql,
        }
        .claims();
        Ok(self.verifier.keys().sign_request(&claims))
    }

    /// Record a failure on the request (`fail`) and answer it.
    fn fail(&self, mut record: RequestState, reason: String) -> VpError {
        record.status = Status::Failed;
        record.failure_reason = reason.clone();
        let now = self.now;
        self.executions.write(|e| e.save_vp_state(record, now));
        VpError::VerificationFailed(reason)
    }

    /// `SubmitResponse`: decrypt, verify and record the wallet's response.
    pub(crate) fn submit_response(&self, state: &str, response: &str) -> Result<(), VpError> {
        let record = self.load(state)?;
        let definition = self.definition(&record.definition_id)?;
        let plaintext = match jose::decrypt(response, &record.enc_key) {
            Ok(plaintext) => plaintext,
            Err(e) => {
                let reason = format!(
                    "openid4vp: invalid authorization response: decryption failed: failed to decode JWE: {e}"
                );
                return Err(self.fail(record, reason));
            }
        };
        let check = ResponseCheck {
            state,
            nonce: &record.nonce,
            client_id: &record.client_id,
            definition: &definition,
            anchors: &self.verifier.keys().anchors,
            settings: Settings::DEFAULT,
            now: self.now,
        };
        match verifier::verify_response(&plaintext, &check) {
            Ok(verified) => {
                let mut record = record;
                record.status = Status::Completed;
                record.result = Some(verified);
                let now = self.now;
                self.executions.write(|e| e.save_vp_state(record, now));
                Ok(())
            }
            Err(error) => Err(self.fail(record, error.to_string())),
        }
    }

    /// `SubmitError`: the wallet declined (`error`, `error_description`).
    pub(crate) fn submit_error(
        &self,
        state: &str,
        code: &str,
        description: &str,
    ) -> Result<(), VpError> {
        let record = self.load(state)?;
        let reason = if description.is_empty() {
            code.to_owned()
        } else {
            format!("{code}: {description}")
        };
        self.fail(record, format!("wallet reported error: {reason}"));
        Ok(())
    }

    /// `GetResult`: the request's status; a terminal one is delivered once (the state is deleted).
    pub(crate) fn result(&self, state: &str) -> Result<VpResult, VpError> {
        let now = self.now;
        let Some(mut record) = self.executions.read(|e| e.vp_state(state, now)) else {
            return Err(VpError::UnknownState);
        };
        if now > record.expires_at {
            record.status = Status::Expired;
        }
        if record.status != Status::Pending {
            self.executions.write(|e| e.remove_vp_state(state));
        }
        Ok(VpResult {
            status: record.status,
            client_id: record.client_id,
            request_uri: record.request_uri,
            result: record.result,
            failure_reason: record.failure_reason,
            definition_id: record.definition_id,
        })
    }

    /// The trust anchors (`GetTrustAnchors`): name, subject, SKI, expiry.
    pub(crate) fn trust_anchors(&self) -> Vec<(String, String, String, String)> {
        self.verifier
            .keys()
            .anchors
            .iter()
            .filter_map(|a| {
                let cert = openid4vp::pki::parse(&a.der).ok()?;
                Some((
                    a.name.clone(),
                    cert.subject().to_string(),
                    openid4vp::pki::subject_key_id(&cert),
                    openid4vp::pki::not_after(&cert),
                ))
            })
            .collect()
    }
}

/// A request's state as `GetResult` answers it.
#[derive(Debug, Clone)]
pub(crate) struct VpResult {
    pub status: Status,
    pub client_id: String,
    pub request_uri: String,
    pub result: Option<VerifiedPresentation>,
    pub failure_reason: String,
    pub definition_id: String,
}
