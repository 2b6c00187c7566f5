//! The passkey service (`authn/passkey/service.go`) over the directory and the WebAuthn session
//! table: start and finish authentication and registration, with the server's checks in its order
//! and its `PSK-*` errors. PasskeyAuthExecutor and the passkey Direct API both call it; each maps a
//! [`PasskeyError`] to its own code.

use base64::Engine as _;
use rand::RngCore;

use crate::store::directory::Directory;
use crate::store::executions::Executions;
use crate::store::locked::Locked;
use crate::store::users::UserRecord;
use crate::webauthn::{
    self, Assertion, AuthenticatorSelection, CreationOptions, RequestOptions, WebauthnError,
};

/// How long a ceremony's session lives, in seconds (`sessionTTL`).
const SESSION_TTL: u64 = 120;

/// The stores the service reads and changes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PasskeyStores<'a> {
    pub directory: &'a Locked<Directory>,
    pub executions: &'a Locked<Executions>,
}

/// A client error of the passkey service (`authn/passkey/error_constants.go`); only its
/// description reaches the wire, inside the executor's or the Direct API's own error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PasskeyError {
    /// PSK-1001.
    EmptyUserIdentifier,
    /// PSK-1002.
    EmptyRelyingPartyId,
    /// PSK-1003.
    EmptyCredentialId,
    /// PSK-1004.
    EmptyCredentialType,
    /// PSK-1005.
    InvalidAuthenticatorResponse,
    /// PSK-1006.
    EmptySessionToken,
    /// PSK-1007.
    InvalidFinishData,
    /// PSK-1009.
    InvalidSignature,
    /// PSK-1011.
    InvalidAttestationResponse,
    /// PSK-1012.
    UserNotFound,
    /// PSK-1014.
    SessionExpired,
    /// PSK-1015.
    NoCredentialsFound,
}

impl PasskeyError {
    /// The error's description default value.
    pub(crate) fn description(self) -> &'static str {
        match self {
            Self::EmptyUserIdentifier => "Either user ID or username must be provided",
            Self::EmptyRelyingPartyId => "The relying party ID is required",
            Self::EmptyCredentialId => "The credential ID is required",
            Self::EmptyCredentialType => "The credential type is required",
            Self::InvalidAuthenticatorResponse => {
                "The authenticator response is missing required fields (clientDataJSON, \
                 authenticatorData, or signature)"
            }
            Self::EmptySessionToken => "The session token is required",
            Self::InvalidFinishData => "The finish data cannot be null",
            Self::InvalidSignature => "The signature verification failed",
            Self::InvalidAttestationResponse => {
                "The attestation response is missing required fields (clientDataJSON or \
                 attestationObject)"
            }
            Self::UserNotFound => "The specified user was not found",
            Self::SessionExpired => "The session has expired. Please start a new session",
            Self::NoCredentialsFound => {
                "No credentials found for the user. Please register a credential first"
            }
        }
    }
}

/// The options of a started ceremony and the token that finishes it.
#[derive(Debug, Clone)]
pub(crate) struct Started<O> {
    pub options: O,
    /// 32 random bytes, standard base64.
    pub session_token: String,
}

/// `StartAuthentication`: for a known user (`user_id` non-empty) the options allow their
/// credentials; without one the login is discoverable.
pub(crate) fn start_authentication(
    stores: PasskeyStores<'_>,
    rng: &mut dyn RngCore,
    now: u64,
    user_id: &str,
    rp_id: &str,
) -> Result<Started<RequestOptions>, PasskeyError> {
    if rp_id.trim().is_empty() {
        return Err(PasskeyError::EmptyRelyingPartyId);
    }
    let challenge = random_bytes(rng);
    let (options, session) = if user_id.is_empty() {
        webauthn::request_options(&challenge, rp_id, None)
    } else {
        let credentials = stores
            .directory
            .read(|d| {
                d.users.get(user_id).map(|u| {
                    u.passkeys
                        .iter()
                        .map(|c| (c.id.clone(), c.transports.clone()))
                        .collect::<Vec<_>>()
                })
            })
            .ok_or(PasskeyError::UserNotFound)?;
        if credentials.is_empty() {
            return Err(PasskeyError::NoCredentialsFound);
        }
        webauthn::request_options(&challenge, rp_id, Some((user_id.as_bytes(), &credentials)))
    };
    let session_token = store_session(stores, rng, now, session);
    Ok(Started {
        options,
        session_token,
    })
}

/// What an assertion finish carries, as the client sent it (base64 text).
#[derive(Debug, Clone, Copy)]
pub(crate) struct AuthenticationFinish<'a> {
    pub credential_id: &'a str,
    pub credential_type: &'a str,
    pub client_data_json: &'a str,
    pub authenticator_data: &'a str,
    pub signature: &'a str,
    pub user_handle: &'a str,
    pub session_token: &'a str,
}

/// `FinishAuthentication`: the signing user's id once the assertion verified; their credential's
/// counter and flags are stored and the session is spent.
pub(crate) fn finish_authentication(
    stores: PasskeyStores<'_>,
    now: u64,
    origins: &[String],
    finish: &AuthenticationFinish<'_>,
) -> Result<String, PasskeyError> {
    let blank = |s: &str| s.trim().is_empty();
    if blank(finish.credential_id) {
        return Err(PasskeyError::EmptyCredentialId);
    }
    if blank(finish.credential_type) {
        return Err(PasskeyError::EmptyCredentialType);
    }
    if blank(finish.client_data_json) || blank(finish.authenticator_data) || blank(finish.signature)
    {
        return Err(PasskeyError::InvalidAuthenticatorResponse);
    }
    if blank(finish.session_token) {
        return Err(PasskeyError::EmptySessionToken);
    }
    let session = stores
        .executions
        .read(|e| e.passkey_session(finish.session_token, now))
        .ok_or(PasskeyError::SessionExpired)?;
    let usernameless = session.user_id.is_empty();
    let user_id = if usernameless {
        if finish.user_handle.is_empty() {
            return Err(PasskeyError::InvalidAuthenticatorResponse);
        }
        let handle = base64::engine::general_purpose::STANDARD
            .decode(finish.user_handle)
            .or_else(|_| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(finish.user_handle)
            })
            .map_err(|_| PasskeyError::InvalidAuthenticatorResponse)?;
        String::from_utf8_lossy(&handle).into_owned()
    } else {
        String::from_utf8_lossy(&session.user_id).into_owned()
    };
    let credentials = stores
        .directory
        .read(|d| d.users.get(&user_id).map(|u| u.passkeys.clone()))
        .ok_or(PasskeyError::UserNotFound)?;
    if credentials.is_empty() {
        return Err(PasskeyError::NoCredentialsFound);
    }
    let decode =
        |s: &str| webauthn::decode_base64(s).ok_or(PasskeyError::InvalidAuthenticatorResponse);
    let credential_id = decode(finish.credential_id)?;
    let client_data_json = decode(finish.client_data_json)?;
    let authenticator_data = decode(finish.authenticator_data)?;
    let signature = decode(finish.signature)?;
    let user_handle = if finish.user_handle.is_empty() {
        Vec::new()
    } else {
        decode(finish.user_handle)?
    };
    webauthn::AuthenticatorData::parse(&authenticator_data)
        .map_err(|_| PasskeyError::InvalidAuthenticatorResponse)?;
    let verified = (|| {
        let credential = credentials
            .iter()
            .find(|c| c.id == credential_id)
            .ok_or(WebauthnError::CredentialNotAllowed)?;
        // A discoverable login binds the user through the handle: it must name this user.
        let mut session = session.clone();
        if usernameless {
            session.user_id = user_id.as_bytes().to_vec();
        }
        webauthn::verify_assertion(
            &session,
            origins,
            credential,
            &Assertion {
                credential_id: &credential_id,
                client_data_json: &client_data_json,
                authenticator_data: &authenticator_data,
                signature: &signature,
                user_handle: &user_handle,
            },
        )
    })()
    .map_err(|e| {
        tracing::debug!(error = %e, "passkey assertion refused");
        PasskeyError::InvalidSignature
    })?;
    // The same credential with a new counter and flags: the record keeps its size.
    stores.directory.write(|d| {
        d.users.update(&user_id, |u| {
            if let Some(stored) = u.passkeys.iter_mut().find(|c| c.id == verified.id) {
                *stored = verified;
            }
        })
    });
    stores
        .executions
        .write(|e| e.remove_passkey_session(finish.session_token));
    Ok(user_id)
}

/// What a registration start asks for.
#[derive(Debug, Clone)]
pub(crate) struct RegistrationStart<'a> {
    pub user_id: &'a str,
    pub rp_id: &'a str,
    /// Empty: the rp id.
    pub rp_name: &'a str,
    pub selection: Option<AuthenticatorSelection>,
    /// Empty: the key is left out of the options.
    pub attestation: &'a str,
}

/// `StartRegistration`: creation options for the user.
pub(crate) fn start_registration(
    stores: PasskeyStores<'_>,
    rng: &mut dyn RngCore,
    now: u64,
    start: &RegistrationStart<'_>,
) -> Result<Started<CreationOptions>, PasskeyError> {
    if start.user_id.trim().is_empty() {
        return Err(PasskeyError::EmptyUserIdentifier);
    }
    if start.rp_id.trim().is_empty() {
        return Err(PasskeyError::EmptyRelyingPartyId);
    }
    let user = stores
        .directory
        .read(|d| d.users.get(start.user_id).map(registering_user))
        .ok_or(PasskeyError::UserNotFound)?;
    let rp_name = if start.rp_name.is_empty() {
        start.rp_id
    } else {
        start.rp_name
    };
    let challenge = random_bytes(rng);
    let (options, session) = webauthn::creation_options(
        &challenge,
        start.rp_id,
        rp_name,
        &user,
        start.selection.clone(),
        start.attestation,
    );
    let session_token = store_session(stores, rng, now, session);
    Ok(Started {
        options,
        session_token,
    })
}

/// The names a registration shows (`webauthn_user.go`): the username, else the e-mail, else the
/// id; the given and family names, else the given name, else the id.
fn registering_user(user: &UserRecord) -> webauthn::options::RegisteringUser {
    let text = |key: &str| {
        user.attributes
            .get(key)
            .and_then(serde_json::Value::as_str)
            .filter(|v| !v.is_empty())
    };
    let name = text("username")
        .or_else(|| text("email"))
        .unwrap_or(&user.id)
        .to_owned();
    let display_name = match (text("given_name"), text("family_name")) {
        (Some(given), Some(family)) => format!("{given} {family}"),
        (Some(given), None) => given.to_owned(),
        _ => user.id.clone(),
    };
    webauthn::options::RegisteringUser {
        handle: user.id.as_bytes().to_vec(),
        name,
        display_name,
    }
}

/// What a registration finish carries, as the client sent it (base64 text).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RegistrationFinish<'a> {
    pub credential_id: &'a str,
    pub client_data_json: &'a str,
    pub attestation_object: &'a str,
    pub session_token: &'a str,
}

/// `FinishRegistration`: the new credential appended to the user's passkeys; the user's id.
pub(crate) fn finish_registration(
    stores: PasskeyStores<'_>,
    now: u64,
    origins: &[String],
    finish: &RegistrationFinish<'_>,
) -> Result<String, PasskeyError> {
    let blank = |s: &str| s.trim().is_empty();
    if blank(finish.session_token) {
        return Err(PasskeyError::EmptySessionToken);
    }
    if blank(finish.credential_id)
        || blank(finish.client_data_json)
        || blank(finish.attestation_object)
    {
        return Err(PasskeyError::InvalidFinishData);
    }
    let decode =
        |s: &str| webauthn::decode_base64(s).ok_or(PasskeyError::InvalidAttestationResponse);
    let credential_id = decode(finish.credential_id)?;
    let client_data_json = decode(finish.client_data_json)?;
    let attestation_object = decode(finish.attestation_object)?;
    let session = stores
        .executions
        .read(|e| e.passkey_session(finish.session_token, now))
        .ok_or(PasskeyError::SessionExpired)?;
    let user_id = String::from_utf8_lossy(&session.user_id).into_owned();
    if stores.directory.read(|d| d.users.get(&user_id).is_none()) {
        return Err(PasskeyError::UserNotFound);
    }
    let registration = webauthn::Registration {
        credential_id: &credential_id,
        client_data_json: &client_data_json,
        attestation_object: &attestation_object,
    };
    let credential = webauthn::verify_registration(
        &session,
        origins,
        &registration,
        &webauthn::Trust::hardware(now),
        vec!["internal".to_owned(), "hybrid".to_owned()],
    )
    .map_err(|e| {
        tracing::debug!(error = %e, "passkey registration refused");
        PasskeyError::InvalidAttestationResponse
    })?;
    // A registration needs no administrator: the larger record must fit the user budget, and a
    // full directory refuses it as a failed registration.
    let stored = stores.directory.write(|d| {
        d.users.update_within_budget(&user_id, |user| {
            user.passkeys.retain(|c| c.id != credential.id);
            user.passkeys.push(credential);
        })
    });
    match stored {
        Ok(Some(())) => {}
        Ok(None) => return Err(PasskeyError::UserNotFound),
        Err(_) => return Err(PasskeyError::InvalidAttestationResponse),
    }
    stores
        .executions
        .write(|e| e.remove_passkey_session(finish.session_token));
    Ok(user_id)
}

/// The allowed origins: the application's `passkeyAllowedOrigins`, else this server's own origin
/// (the server's default, `https://localhost:8090`, is its own public URL).
pub(crate) fn allowed_origins(app_origins: &[String], base_url: &str) -> Vec<String> {
    if !app_origins.is_empty() {
        return app_origins.to_vec();
    }
    let origin = url::Url::parse(base_url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| base_url.trim_end_matches('/').to_owned());
    vec![origin]
}

fn random_bytes(rng: &mut dyn RngCore) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    bytes
}

fn store_session(
    stores: PasskeyStores<'_>,
    rng: &mut dyn RngCore,
    now: u64,
    session: webauthn::Session,
) -> String {
    let token = base64::engine::general_purpose::STANDARD.encode(random_bytes(rng));
    stores.executions.write(|e| {
        e.insert_passkey_session(token.clone(), session, now.saturating_add(SESSION_TTL), now);
    });
    token
}
