//! InviteExecutor (`executor/invite_executor.go`): `generate` mints the recovery token and link
//! for the EmailExecutor; `verify` checks the token the link brought back. `verify` skips the
//! challenge-token check: the link arrives from an e-mail, not from the page that holds the token.

use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::FlowType;

use super::{ExecResult, Task};
use crate::flow::keys;
use crate::flow::node::EngineError;
use crate::graph::ExecutorKind;

pub(super) fn invite(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    match task.executor.mode.as_deref() {
        Some("generate") => Ok(generate(task)),
        Some("verify") => Ok(verify(task)),
        other => Err(super::internal(format!(
            "invalid InviteExecutor mode {other:?}"
        ))),
    }
}

fn generate(task: &mut Task<'_, '_>) -> ExecResult {
    let token = match task.execution.runtime_value(keys::STORED_INVITE_TOKEN) {
        Some(stored) => stored.to_owned(),
        None => task.uuid_v7(),
    };
    let link = invite_link(task, &token);
    let mut result = ExecResult::complete();
    result
        .runtime
        .insert(keys::STORED_INVITE_TOKEN.to_owned(), token);
    result
        .runtime
        .insert(keys::INVITE_LINK.to_owned(), link.clone());
    result
        .forwarded
        .template
        .insert("inviteLink".to_owned(), link.clone());
    if let Some(app) = task.env.app {
        result
            .forwarded
            .template
            .insert("appName".to_owned(), app.name.clone());
    }
    if task.flow_type == &FlowType::UserOnboarding {
        result
            .additional
            .insert(keys::data::INVITE_LINK.to_owned(), link);
    }
    result
}

fn verify(task: &mut Task<'_, '_>) -> ExecResult {
    let required = task.required_inputs(ExecutorKind::Invite);
    let missing = task.missing(&required);
    if !missing.is_empty() {
        return ExecResult::input_required(missing, None);
    }
    let provided = task
        .execution
        .inputs
        .get("inviteToken")
        .cloned()
        .unwrap_or_default();
    match task.execution.runtime.get(keys::STORED_INVITE_TOKEN) {
        Some(stored) if *stored == provided => ExecResult::complete(),
        Some(_) | None => ExecResult::failure(ApiErrorCode::ExecutorInvalidInviteToken.to_error()),
    }
}

/// `{base}/gate/invite?applicationId=…&executionId=…&inviteToken=…` (query sorted, as Go's
/// `url.Values.Encode` writes it), or under the node's `inviteBaseURL`.
fn invite_link(task: &Task<'_, '_>, token: &str) -> String {
    let mut params: Vec<(&str, String)> = vec![
        ("executionId", task.execution.id.clone()),
        ("inviteToken", token.to_owned()),
    ];
    if !task.execution.app_id.is_empty() {
        params.push(("applicationId", task.execution.app_id.clone()));
    }
    if let Some(auth_id) = task.execution.authorization_request_id() {
        params.push(("auth_req_id", auth_id.to_owned()));
    }
    params.sort_by(|a, b| a.0.cmp(b.0));
    let base = task
        .property("inviteBaseURL")
        .filter(|b| !b.is_empty())
        .map_or_else(
            || format!("{}/gate/invite", task.env.base_url),
            str::to_owned,
        );
    let mut url = match url::Url::parse(&base) {
        Ok(url) => url,
        Err(_) => return base,
    };
    {
        let mut query = url.query_pairs_mut();
        for (key, value) in &params {
            query.append_pair(key, value);
        }
    }
    url.to_string()
}
