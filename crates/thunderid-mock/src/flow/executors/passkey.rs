//! PasskeyAuthExecutor (`passkey_executor.go`): `challenge` starts a WebAuthn login (for the user
//! the flow resolved, or discoverable) and hands the request options over as
//! `additionalData.passkeyChallenge`; `verify` checks the assertion posted back; `register_start`
//! and `register_finish` add a passkey to the flow's user (`passkeyCreationOptions`). The ceremony's
//! session lives in the passkey session table under runtime `passkeySessionToken`.

use serde_json::Value;
use thunderid_protocol::flow::execute::additional_data;
use thunderid_protocol::flow::{Input, InputType};
use thunderid_protocol::{ApiError, ApiErrorCode, I18nMessage};

use super::{ExecResult, Task};
use crate::flow::env::Env;
use crate::flow::keys;
use crate::flow::node::EngineError;
use crate::flow::passkeys::{
    self, AuthenticationFinish, PasskeyError, PasskeyStores, RegistrationFinish, RegistrationStart,
};
use crate::graph::ExecutorKind;
use crate::webauthn::AuthenticatorSelection;
use crate::webauthn::options::to_json;

/// Runtime key of the ceremony's session token.
const SESSION_TOKEN: &str = "passkeySessionToken";
/// The inputs `register_finish` asks for (typeless on the server).
const REGISTRATION_INPUTS: [&str; 3] = ["credentialId", "clientDataJSON", "attestationObject"];

pub(super) fn run(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    match task.executor.mode.as_deref() {
        Some("challenge") => challenge(task),
        Some("verify") => verify(task),
        Some("register_start") => register_start(task),
        Some("register_finish") => register_finish(task),
        other => Err(super::internal(format!(
            "invalid executor mode: {}",
            other.unwrap_or_default()
        ))),
    }
}

/// The verify inputs when the node declares none (`GetDefaultInputs`).
pub(super) fn default_inputs() -> Vec<Input> {
    let mut inputs: Vec<Input> = [
        "credentialId",
        "clientDataJSON",
        "authenticatorData",
        "signature",
    ]
    .into_iter()
    .map(|id| Input::new(id, InputType::GenericString))
    .collect();
    let mut handle = Input::new("userHandle", InputType::GenericString);
    handle.required = false;
    inputs.push(handle);
    inputs
}

/// The stores, copied out of the environment so the random source stays borrowable.
fn stores<'e>(env: &Env<'e>) -> PasskeyStores<'e> {
    PasskeyStores {
        directory: env.directory,
        executions: env.executions,
    }
}

fn origins(task: &Task<'_, '_>) -> Vec<String> {
    let app = task
        .env
        .app
        .map(|a| a.passkey_allowed_origins.as_slice())
        .unwrap_or_default();
    passkeys::allowed_origins(app, task.env.base_url)
}

fn rp_id(task: &Task<'_, '_>) -> Result<String, EngineError> {
    task.property("relyingPartyId")
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            super::internal("relying party ID is not configured in node properties".into())
        })
}

/// `code`'s error with its description replaced by `prefix` and the passkey service's reason
/// (`CustomServiceError`).
fn described(code: ApiErrorCode, prefix: &str, reason: &str) -> ApiError {
    let mut error = code.to_error();
    error.description = I18nMessage {
        default_value: Some(format!("{prefix}{reason}")),
        ..error.description
    };
    error
}

fn challenge(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let user_id = task.user_id().unwrap_or_default();
    let rp_id = rp_id(task)?;
    let now = task.env.now;
    let started =
        passkeys::start_authentication(stores(task.env), &mut *task.env.rng, now, &user_id, &rp_id);
    let started = match started {
        Ok(started) => started,
        Err(error) => {
            return Ok(ExecResult::failure(described(
                ApiErrorCode::ExecutorPasskeyAuthFailed,
                "Failed to start passkey authentication: ",
                error.description(),
            )));
        }
    };
    let mut result = ExecResult::complete();
    result
        .runtime
        .insert(SESSION_TOKEN.to_owned(), started.session_token);
    result.additional.insert(
        additional_data::PASSKEY_CHALLENGE.to_owned(),
        to_json(&started.options),
    );
    Ok(result)
}

fn verify(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let required = task.required_inputs(ExecutorKind::PasskeyAuth);
    let missing = task.missing(&required);
    if !missing.is_empty() {
        return Ok(ExecResult::input_required(missing, None));
    }
    let Some(session_token) = task
        .execution
        .runtime_value(SESSION_TOKEN)
        .map(str::to_owned)
    else {
        return Err(super::internal(
            "no session token found for passkey authentication".into(),
        ));
    };
    let input = |key: &str| task.execution.inputs.get(key).cloned().unwrap_or_default();
    let (credential_id, client_data_json, authenticator_data, signature, user_handle) = (
        input("credentialId"),
        input("clientDataJSON"),
        input("authenticatorData"),
        input("signature"),
        input("userHandle"),
    );
    let origins = origins(task);
    let finished = passkeys::finish_authentication(
        stores(task.env),
        task.env.now,
        &origins,
        &AuthenticationFinish {
            credential_id: &credential_id,
            credential_type: "public-key",
            client_data_json: &client_data_json,
            authenticator_data: &authenticator_data,
            signature: &signature,
            user_handle: &user_handle,
            session_token: &session_token,
        },
    );
    match finished {
        Ok(user_id) => Ok(signed_in(user_id)),
        Err(_) => Ok(ExecResult::input_required(
            required,
            Some(ApiErrorCode::ExecutorInvalidPasskey.to_error()),
        )),
    }
}

fn register_start(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let Some(user_id) = task.user_id().filter(|u| !u.is_empty()) else {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorUserIdRequiredForPasskeyReg.to_error(),
        ));
    };
    let rp_id = rp_id(task)?;
    let rp_name = task
        .property("relyingPartyName")
        .unwrap_or_default()
        .to_owned();
    let selection = task
        .node
        .properties
        .get("authenticatorSelection")
        .and_then(Value::as_object)
        .map(|s| {
            let text = |key: &str| {
                s.get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            AuthenticatorSelection {
                authenticator_attachment: text("authenticatorAttachment"),
                resident_key: text("residentKey"),
                user_verification: text("userVerification"),
            }
        });
    let attestation = task
        .property("attestation")
        .filter(|a| !a.is_empty())
        .unwrap_or("none")
        .to_owned();
    let now = task.env.now;
    let start = RegistrationStart {
        user_id: &user_id,
        rp_id: &rp_id,
        rp_name: &rp_name,
        selection,
        attestation: &attestation,
    };
    let started =
        match passkeys::start_registration(stores(task.env), &mut *task.env.rng, now, &start) {
            Ok(started) => started,
            Err(error) => {
                return Ok(registration_failed(
                    "Failed to start passkey registration: ",
                    error,
                ));
            }
        };
    let mut result = ExecResult::complete();
    result
        .runtime
        .insert(SESSION_TOKEN.to_owned(), started.session_token);
    result.additional.insert(
        additional_data::PASSKEY_CREATION_OPTIONS.to_owned(),
        to_json(&started.options),
    );
    Ok(result)
}

fn registration_failed(prefix: &str, error: PasskeyError) -> ExecResult {
    ExecResult::failure(described(
        ApiErrorCode::ExecutorPasskeyRegistrationFailed,
        prefix,
        error.description(),
    ))
}

fn register_finish(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let inputs = || {
        REGISTRATION_INPUTS
            .iter()
            .map(|id| Input::new(*id, InputType::Other(String::new())))
            .collect::<Vec<_>>()
    };
    if REGISTRATION_INPUTS
        .iter()
        .any(|id| !task.execution.inputs.contains_key(*id))
    {
        return Ok(ExecResult::input_required(inputs(), None));
    }
    let Some(session_token) = task
        .execution
        .runtime_value(SESSION_TOKEN)
        .map(str::to_owned)
    else {
        return Err(super::internal(
            "no session token found for passkey registration".into(),
        ));
    };
    let input = |key: &str| task.execution.inputs.get(key).cloned().unwrap_or_default();
    let (credential_id, client_data_json, attestation_object) = (
        input("credentialId"),
        input("clientDataJSON"),
        input("attestationObject"),
    );
    let origins = origins(task);
    let finished = passkeys::finish_registration(
        stores(task.env),
        task.env.now,
        &origins,
        &RegistrationFinish {
            credential_id: &credential_id,
            client_data_json: &client_data_json,
            attestation_object: &attestation_object,
            session_token: &session_token,
        },
    );
    match finished {
        Ok(user_id) => Ok(signed_in(user_id)),
        // The authentication manager replaces the service's reason with its own (AUTHN-MGR-1002).
        Err(_) => Ok(ExecResult::input_required(
            inputs(),
            Some(described(
                ApiErrorCode::ExecutorPasskeyRegistrationFailed,
                "Failed to finish passkey registration: ",
                "The enrollment attempt failed",
            )),
        )),
    }
}

/// A verified assertion or a stored passkey: the user is the execution's, and the ceremony's
/// session is spent.
fn signed_in(user_id: String) -> ExecResult {
    let mut result = ExecResult::complete();
    result
        .runtime
        .insert(keys::USER_ID.to_owned(), user_id.clone());
    result
        .runtime
        .insert(SESSION_TOKEN.to_owned(), String::new());
    result.user = Some(user_id);
    result
}
