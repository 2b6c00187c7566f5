//! `POST /auth/passkey/{start,finish}` (`authentication.yaml`) and `/register/passkey/{start,finish}`
//! (`registration.yaml`): the passkey service (`flow::passkeys`, shared with PasskeyAuthExecutor)
//! behind the direct API's guard, decoding and structural checks. Every client error of the
//! service is AUTHN-PSK-1001 on the login pair and AUTHN-PSK-1002 on the registration pair
//! (`handler.go`); the allowed origins are the server's, not an application's (the mock's own
//! origin, as the server's default is its own URL).

use serde::Serialize;
use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::authn::AuthenticationResponse;

use super::{
    AssertionRequest, AuthenticatedUser, Authenticator, FieldRules, GoObject, client_error, decode,
    invalid_format, object_member, respond,
};
use crate::error::MockError;
use crate::flow::passkeys::{
    self, AuthenticationFinish, PasskeyError, PasskeyStores, RegistrationFinish, RegistrationStart,
};
use crate::state::AppState;
use crate::webauthn::{AuthenticatorSelection, CreationOptions, RequestOptions};

/// `{"publicKeyCredentialRequestOptions", "sessionToken"}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AuthenticationStartResponse {
    public_key_credential_request_options: RequestOptions,
    session_token: String,
}

/// `{"publicKeyCredentialCreationOptions", "sessionToken"}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RegistrationStartResponse {
    public_key_credential_creation_options: CreationOptions,
    session_token: String,
}

fn stores(state: &AppState) -> PasskeyStores<'_> {
    let stores = state.stores();
    PasskeyStores {
        directory: &stores.directory,
        executions: &stores.executions,
    }
}

fn origins(state: &AppState) -> Vec<String> {
    passkeys::allowed_origins(&[], &state.config().base_url)
}

fn login_failed(error: PasskeyError) -> MockError {
    tracing::debug!(?error, "passkey authentication refused");
    client_error(ApiErrorCode::AuthnPasskeyAuthenticationFailed)
}

fn enrollment_failed(error: PasskeyError) -> MockError {
    tracing::debug!(?error, "passkey enrollment refused");
    client_error(ApiErrorCode::AuthnPasskeyEnrollmentFailed)
}

/// A string member of a nested object: absent or `null` is empty, another type AUTHN-1000.
fn text(object: &Map<String, Value>, name: &str) -> Result<String, MockError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(text)) => Ok(text.clone()),
        Some(_) => Err(invalid_format()),
    }
}

/// A decoded JSON object.
type Object = Map<String, Value>;

/// `publicKeyCredential` and its `response`, as the DTO's nested structs decode them.
fn credential(body: &GoObject) -> Result<(Object, Object), MockError> {
    let credential = object_member(body, "publicKeyCredential")?;
    let response = match credential.get("response") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(response)) => response.clone(),
        Some(_) => return Err(invalid_format()),
    };
    Ok((credential, response))
}

/// What both finish calls read first, in the handler's order: the body, `publicKeyCredential`
/// with its `response`, `sessionToken`, then the assertion options.
struct Finish {
    credential: Object,
    response: Object,
    session_token: String,
    request: AssertionRequest,
}

fn read_finish(body: &[u8]) -> Result<Finish, MockError> {
    let body = decode(
        body,
        &[
            "publicKeyCredential",
            "sessionToken",
            "skipAssertion",
            "assertion",
        ],
    )?;
    let (credential, response) = credential(&body)?;
    let session_token = body.string("sessionToken").map_err(|_| invalid_format())?;
    let request = AssertionRequest::from_body(&body)?;
    Ok(Finish {
        credential,
        response,
        session_token,
        request,
    })
}

/// `POST /auth/passkey/start`: request options for the user (or a discoverable login).
pub(crate) fn start_authentication(
    state: &AppState,
    body: &[u8],
) -> Result<AuthenticationStartResponse, MockError> {
    let body = decode(body, &["userId", "relyingPartyId"])?;
    let user_id = body.string("userId").map_err(|_| invalid_format())?;
    let rp_id = body
        .string("relyingPartyId")
        .map_err(|_| invalid_format())?;
    let mut rules = FieldRules::default();
    rules.text("relyingPartyId", &rp_id, true, None);
    rules.finish()?;
    let mut rng = rand::thread_rng();
    let started =
        passkeys::start_authentication(stores(state), &mut rng, state.now(), &user_id, &rp_id)
            .map_err(login_failed)?;
    Ok(AuthenticationStartResponse {
        public_key_credential_request_options: started.options,
        session_token: started.session_token,
    })
}

/// `POST /auth/passkey/finish`: the assertion verified, the user answered with a `Passkey` step.
pub(crate) fn finish_authentication(
    state: &AppState,
    body: &[u8],
) -> Result<AuthenticationResponse, MockError> {
    let Finish {
        credential,
        response,
        session_token,
        request,
    } = read_finish(body)?;
    let mut rules = FieldRules::default();
    rules.text("sessionToken", &session_token, true, None);
    rules.finish()?;
    let (id, kind) = (text(&credential, "id")?, text(&credential, "type")?);
    let (client_data_json, authenticator_data, signature, user_handle) = (
        text(&response, "clientDataJSON")?,
        text(&response, "authenticatorData")?,
        text(&response, "signature")?,
        text(&response, "userHandle")?,
    );
    let user_id = passkeys::finish_authentication(
        stores(state),
        state.now(),
        &origins(state),
        &AuthenticationFinish {
            credential_id: &id,
            credential_type: &kind,
            client_data_json: &client_data_json,
            authenticator_data: &authenticator_data,
            signature: &signature,
            user_handle: &user_handle,
            session_token: &session_token,
        },
    )
    .map_err(login_failed)?;
    answer(
        state,
        &user_id,
        &request,
        PasskeyError::UserNotFound,
        login_failed,
    )
}

/// `POST /register/passkey/start`: creation options for the user.
pub(crate) fn start_registration(
    state: &AppState,
    body: &[u8],
) -> Result<RegistrationStartResponse, MockError> {
    let body = decode(
        body,
        &[
            "userId",
            "relyingPartyId",
            "relyingPartyName",
            "authenticatorSelection",
            "attestation",
        ],
    )?;
    let string = |name: &str| body.string(name).map_err(|_| invalid_format());
    let (user_id, rp_id, rp_name, attestation) = (
        string("userId")?,
        string("relyingPartyId")?,
        string("relyingPartyName")?,
        string("attestation")?,
    );
    let selection = match body.raw("authenticatorSelection") {
        None | Some(Value::Null) => None,
        Some(Value::Object(selection)) => Some(AuthenticatorSelection {
            authenticator_attachment: text(selection, "authenticatorAttachment")?,
            resident_key: text(selection, "residentKey")?,
            user_verification: text(selection, "userVerification")?,
        }),
        Some(_) => return Err(invalid_format()),
    };
    let mut rng = rand::thread_rng();
    let start = RegistrationStart {
        user_id: &user_id,
        rp_id: &rp_id,
        rp_name: &rp_name,
        selection,
        attestation: &attestation,
    };
    let started = passkeys::start_registration(stores(state), &mut rng, state.now(), &start)
        .map_err(enrollment_failed)?;
    Ok(RegistrationStartResponse {
        public_key_credential_creation_options: started.options,
        session_token: started.session_token,
    })
}

/// `POST /register/passkey/finish`: the passkey stored, the user answered with a `Passkey` step.
pub(crate) fn finish_registration(
    state: &AppState,
    body: &[u8],
) -> Result<AuthenticationResponse, MockError> {
    let Finish {
        credential,
        response,
        session_token,
        request,
    } = read_finish(body)?;
    let id = text(&credential, "id")?;
    let (client_data_json, attestation_object) = (
        text(&response, "clientDataJSON")?,
        text(&response, "attestationObject")?,
    );
    let user_id = passkeys::finish_registration(
        stores(state),
        state.now(),
        &origins(state),
        &RegistrationFinish {
            credential_id: &id,
            client_data_json: &client_data_json,
            attestation_object: &attestation_object,
            session_token: &session_token,
        },
    )
    .map_err(enrollment_failed)?;
    answer(
        state,
        &user_id,
        &request,
        PasskeyError::UserNotFound,
        enrollment_failed,
    )
}

/// The answer for the user the ceremony proved (`Passkey`, possession and inherence).
fn answer(
    state: &AppState,
    user_id: &str,
    request: &AssertionRequest,
    missing: PasskeyError,
    refuse: fn(PasskeyError) -> MockError,
) -> Result<AuthenticationResponse, MockError> {
    let user = state
        .stores()
        .directory
        .read(|d| d.users.get(user_id).map(AuthenticatedUser::of))
        .ok_or_else(|| refuse(missing))?;
    respond(state, user, Authenticator::Passkey, request)
}
