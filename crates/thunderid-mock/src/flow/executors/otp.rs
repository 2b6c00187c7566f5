//! OTPExecutor (`executor/otp_executor.go`): `generate` mints a one-time password for the resolved
//! user and hands it to the next node (SMSExecutor/EmailExecutor) as template data; `verify`
//! checks the code the user typed and authenticates that user.
//!
//! Defaults come from `server.json` `flow` (6 digits, 120 s); node properties `otpLength`,
//! `otpUseNumericOnly`, `otpValidityPeriodSeconds` and `maxAttempts` (generations, default 3)
//! override them.

use std::collections::BTreeMap;

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{FlowType, Input, InputType};

use super::credentials::{Identified, find_user};
use super::{ExecResult, Task, prerequisite_missing};
use crate::flow::keys;
use crate::flow::node::EngineError;
use crate::graph::ExecutorKind;
use crate::store::execution::OtpSession;

const DEFAULT_MAX_ATTEMPTS: u64 = 3;

pub(super) fn run(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    match task.executor.mode.as_deref() {
        Some("generate") => generate(task),
        Some("verify") => verify(task),
        other => Err(super::internal(format!(
            "invalid OTPExecutor mode {other:?}"
        ))),
    }
}

fn generate(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let attempts: u64 = match task
        .execution
        .runtime
        .get(keys::OTP_ATTEMPT_COUNT)
        .filter(|v| !v.is_empty())
    {
        Some(raw) => raw
            .parse()
            .map_err(|_| super::internal(format!("bad OTP attempt count {raw}")))?,
        None => 0,
    };
    if attempts >= max_attempts(task) {
        let mut error = ApiErrorCode::ExecutorMaxOtpAttemptsReached.to_error();
        error.description.default_value = Some(format!(
            "The maximum number of OTP verification attempts ({attempts}) has been reached"
        ));
        return Ok(ExecResult::failure(error));
    }
    let mut result = ExecResult::complete();
    let user_id = match task.user_id() {
        Some(id) => Some(id),
        None => {
            let inputs = generate_inputs(task);
            let filters: BTreeMap<String, String> = inputs
                .iter()
                .filter(|i| i.identifier != "otp")
                .filter_map(|i| task.value(&i.identifier).map(|v| (i.identifier.clone(), v)))
                .collect();
            if filters.is_empty() {
                return Ok(ExecResult::input_required(inputs, None));
            }
            match task.env.users(|users| find_user(users, &filters)) {
                Identified::One(id) => Some(id),
                Identified::NotFound | Identified::Ambiguous
                    if task.flow_type == &FlowType::Registration =>
                {
                    None
                }
                Identified::NotFound | Identified::Ambiguous => {
                    return Ok(ExecResult::failure(
                        ApiErrorCode::ExecutorUserNotFound.to_error(),
                    ));
                }
            }
        }
    };
    if let Some(id) = &user_id {
        result.runtime.insert(keys::USER_ID.to_owned(), id.clone());
    }
    let (length, numeric, validity) = otp_settings(task);
    let code = new_code(task, length, numeric);
    let session = task.random_hex();
    task.execution.otp_sessions.insert(
        session.clone(),
        OtpSession {
            code: code.clone(),
            expires_at: task.env.now + validity,
            user_id,
        },
    );
    result
        .runtime
        .insert(keys::OTP_SESSION_TOKEN.to_owned(), session);
    result.runtime.insert(
        keys::OTP_ATTEMPT_COUNT.to_owned(),
        (attempts + 1).to_string(),
    );
    result.additional.insert(
        keys::data::OTP_LENGTH.to_owned(),
        code.chars().count().to_string(),
    );
    result.additional.insert(
        keys::data::OTP_NUMERIC_ONLY.to_owned(),
        code.chars().all(|c| c.is_ascii_digit()).to_string(),
    );
    result.forwarded.template.insert("otpCode".to_owned(), code);
    result
        .forwarded
        .template
        .insert("expiryTime".to_owned(), format_expiry(validity));
    Ok(result)
}

fn verify(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    if !task.execution.runtime.contains_key(keys::OTP_SESSION_TOKEN) {
        return Ok(ExecResult::failure(prerequisite_missing(
            keys::OTP_SESSION_TOKEN,
        )));
    }
    let required = task.required_inputs(ExecutorKind::Otp);
    let invalid = |required: Vec<Input>| {
        ExecResult::input_required(required, Some(ApiErrorCode::ExecutorInvalidOtp.to_error()))
    };
    let Some(provided) = task
        .execution
        .inputs
        .get("otp")
        .filter(|v| !v.is_empty())
        .cloned()
    else {
        return Ok(invalid(required));
    };
    let token = task
        .execution
        .runtime
        .get(keys::OTP_SESSION_TOKEN)
        .cloned()
        .unwrap_or_default();
    if token.is_empty() {
        return Err(super::internal(
            "no OTP session token in runtime data".into(),
        ));
    }
    let now = task.env.now;
    let matches = task
        .execution
        .otp_sessions
        .get(&token)
        .is_some_and(|s| now < s.expires_at && s.code == provided);
    if !matches {
        return Ok(invalid(required));
    }
    let session = task.execution.otp_sessions.remove(&token);
    let mut result = ExecResult::complete();
    result
        .runtime
        .insert(keys::OTP_SESSION_TOKEN.to_owned(), String::new());
    result.user = session
        .and_then(|s| s.user_id)
        .or_else(|| task.execution.user.clone());
    Ok(result)
}

fn generate_inputs(task: &Task<'_, '_>) -> Vec<Input> {
    if task.executor.inputs.is_empty() {
        vec![Input::new("mobile_number", InputType::Phone)]
    } else {
        task.executor.inputs.clone()
    }
}

fn max_attempts(task: &Task<'_, '_>) -> u64 {
    match task.node.properties.get("maxAttempts") {
        Some(Value::String(s)) => s.parse().ok().filter(|n| *n > 0),
        Some(Value::Number(n)) => n.as_u64().filter(|n| *n > 0),
        _ => None,
    }
    .unwrap_or(DEFAULT_MAX_ATTEMPTS)
}

/// (length, digits only, validity seconds).
fn otp_settings(task: &Task<'_, '_>) -> (usize, bool, u64) {
    let settings = &task.env.settings.flow;
    let props = &task.node.properties;
    let length = props
        .get("otpLength")
        .and_then(Value::as_u64)
        .unwrap_or(u64::from(settings.otp_length));
    let numeric = props
        .get("otpUseNumericOnly")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let validity = props
        .get("otpValidityPeriodSeconds")
        .and_then(Value::as_u64)
        .unwrap_or(settings.otp_validity);
    (
        usize::try_from(length.clamp(4, 32)).unwrap_or(6),
        numeric,
        validity,
    )
}

fn new_code(task: &mut Task<'_, '_>, length: usize, numeric: bool) -> String {
    const DIGITS: &[u8] = b"0123456789";
    const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let alphabet = if numeric { DIGITS } else { ALPHANUMERIC };
    (0..length)
        .map(|_| {
            let index = (task.env.rng.next_u32() as usize) % alphabet.len();
            char::from(alphabet[index])
        })
        .collect()
}

/// `120` → `2 minutes`, `90` → `90 seconds` (`utils.FormatExpiryDuration`).
pub(crate) fn format_expiry(seconds: u64) -> String {
    if seconds == 0 {
        return "0 seconds".to_owned();
    }
    let (value, unit) = if seconds.is_multiple_of(3600) {
        (seconds / 3600, "hour")
    } else if seconds.is_multiple_of(60) {
        (seconds / 60, "minute")
    } else {
        (seconds, "second")
    };
    format!("{value} {unit}{}", if value > 1 { "s" } else { "" })
}
