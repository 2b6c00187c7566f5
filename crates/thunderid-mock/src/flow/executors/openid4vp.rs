//! OpenID4VPVerifyExecutor (`openid4vp_verifier.go`): the first run starts a presentation request
//! for the node's `presentation_definition_id` and asks for no input (the node's `onIncomplete`
//! shows the wallet link); each later run polls the request: pending asks again, a verified
//! presentation signs in the holder (the user whose `sub` attribute is the presentation's subject),
//! a failed one is FET-1079 with the reason, an unknown or expired request FET-1078.

use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::execute::additional_data;

use super::{ExecResult, Task};
use crate::flow::keys;
use crate::flow::openid4vp::{VpContext, VpResult};
use crate::openid4vp::{self, Status};

/// Runtime key of the request's state across polls.
const STATE: &str = "openid4vpVerificationState";
const DEFINITION: &str = "presentation_definition_id";

fn context<'a>(task: &'a Task<'_, '_>) -> VpContext<'a> {
    VpContext {
        verifier: task.env.openid4vp,
        executions: task.env.executions,
        base_url: task.env.base_url,
        now: task.env.now,
    }
}

pub(super) fn run(task: &mut Task<'_, '_>) -> ExecResult {
    match task.execution.runtime_value(STATE).map(str::to_owned) {
        None => initiate(task),
        Some(state) => poll(task, &state),
    }
}

fn wallet_data(result: &mut ExecResult, client_id: &str, request_uri: &str, wallet_uri: &str) {
    for (key, value) in [
        (additional_data::OPENID4VP_CLIENT_ID, client_id),
        (additional_data::OPENID4VP_REQUEST_URI, request_uri),
        (additional_data::OPENID4VP_WALLET_URI, wallet_uri),
    ] {
        result.additional.insert(key.to_owned(), value.to_owned());
    }
}

fn initiate(task: &mut Task<'_, '_>) -> ExecResult {
    let Some(definition) = task
        .property(DEFINITION)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
    else {
        return ExecResult::failure(
            ApiErrorCode::ExecutorOpenId4VPDefinitionNotConfigured.to_error(),
        );
    };
    let ctx = VpContext {
        verifier: task.env.openid4vp,
        executions: task.env.executions,
        base_url: task.env.base_url,
        now: task.env.now,
    };
    let initiated = ctx.initiate(&definition, &mut *task.env.rng);
    let Ok(initiated) = initiated else {
        return ExecResult::failure(ApiErrorCode::ExecutorOpenId4VPInitiateFailed.to_error());
    };
    let mut result = ExecResult::input_required(Vec::new(), None);
    result.runtime.insert(STATE.to_owned(), initiated.state);
    wallet_data(
        &mut result,
        &initiated.client_id,
        &initiated.request_uri,
        &initiated.wallet_uri,
    );
    result
}

fn poll(task: &mut Task<'_, '_>, state: &str) -> ExecResult {
    let Ok(answer) = context(task).result(state) else {
        return ExecResult::failure(ApiErrorCode::ExecutorOpenId4VPExpired.to_error());
    };
    match answer.status {
        Status::Expired => ExecResult::failure(ApiErrorCode::ExecutorOpenId4VPExpired.to_error()),
        Status::Failed => ExecResult::failure(verification_failed(&answer.failure_reason)),
        Status::Completed => authenticate(task, &answer),
        Status::Pending => {
            let mut result = ExecResult::input_required(Vec::new(), None);
            result.runtime.insert(STATE.to_owned(), state.to_owned());
            let wallet_uri = openid4vp::wallet_uri(&answer.client_id, &answer.request_uri);
            wallet_data(
                &mut result,
                &answer.client_id,
                &answer.request_uri,
                &wallet_uri,
            );
            result
        }
    }
}

/// FET-1079 with the reason in its description (`CustomServiceError`; the message stays).
fn verification_failed(reason: &str) -> thunderid_protocol::ApiError {
    let mut error = ApiErrorCode::ExecutorOpenId4VPVerificationFailed.to_error();
    error.description.default_value = Some(format!(
        "OpenID4VP presentation verification failed: {reason}"
    ));
    error.description.params = Some(
        [("reason".to_owned(), reason.to_owned())]
            .into_iter()
            .collect(),
    );
    error
}

/// The holder as the authentication provider resolves it: the user whose `sub` attribute is the
/// subject; none (or an unmatched subject) leaves the flow without a local user.
fn authenticate(task: &mut Task<'_, '_>, answer: &VpResult) -> ExecResult {
    let Some(verified) = &answer.result else {
        return ExecResult::failure(ApiErrorCode::ExecutorOpenId4VPVerificationFailed.to_error());
    };
    let mut result = ExecResult::complete();
    if !verified.subject.is_empty() {
        let subject = verified.subject.clone();
        result.user = task.env.users(|users| {
            users
                .find_by_attribute("sub", &subject)
                .map(|u| u.id.clone())
        });
    }
    result.runtime.extend(openid4vp::claim_strings(verified));
    if let Some(user) = &result.user {
        result
            .runtime
            .insert(keys::USER_ID.to_owned(), user.clone());
    }
    if task.flow_type == &thunderid_protocol::flow::FlowType::Authentication
        && task
            .node
            .properties
            .get("allowAuthenticationWithoutLocalUser")
            .and_then(serde_json::Value::as_bool)
            == Some(true)
    {
        result
            .runtime
            .insert("userEligibleForProvisioning".to_owned(), "true".to_owned());
    }
    task.execution.runtime.remove(STATE);
    result
}
