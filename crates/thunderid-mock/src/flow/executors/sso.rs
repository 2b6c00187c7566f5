//! Single sign-on (`sso_check_executor.go`, `session_executor.go`, `session_signout_executor.go`):
//! SSOCheckExecutor finds a live session for the browser's `tid_sso_*` handle, SessionExecutor
//! resumes from it or saves one (the engine then sets the cookie), SessionSignOutExecutor ends it
//! and revokes the token family of every application that joined.

use std::collections::BTreeMap;

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;

use super::{ExecResult, ExecStatus, Task};
use crate::flow::keys;
use crate::flow::node::EngineError;
use crate::store::sessions::{Checkpoint, NewSession};

/// Runtime keys a checkpoint never keeps: request-bound data of the sign-in that saved it.
const NOT_SNAPSHOTTED: &[&str] = &[
    keys::REQUESTED_PERMISSIONS,
    keys::RESOURCE_SERVER_IDENTIFIER,
    "required_essential_attributes",
    "required_optional_attributes",
    "required_locales",
    keys::CLIENT_ID,
    keys::AUTHORIZATION_REQUEST_ID,
    keys::TOKEN_FAMILY_ID,
    keys::APPLICATION_ID,
    keys::SSO_SESSION_HANDLE,
];

/// The login flow this execution runs (the root graph, not a callee): its id and version.
fn login_flow(task: &Task<'_, '_>) -> (String, u32) {
    let root = task
        .execution
        .frames
        .first()
        .map_or(&task.execution.graph, |frame| &frame.graph);
    let version = task
        .env
        .registry
        .flow(root.as_str())
        .and_then(|f| f.active_version)
        .unwrap_or(1);
    (root.as_str().to_owned(), version)
}

/// SSOCheckExecutor: COMPLETE when the browser's session is live for this flow and holds the
/// checkpoint `checkpointRef`; otherwise FAILURE FET-1081 (usually routed to the credentials
/// prompt, which then shows the error).
pub(super) fn check(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let checkpoint = task
        .property("checkpointRef")
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| super::internal("checkpointRef is not configured".into()))?;
    let (flow_id, version) = login_flow(task);
    let now = task.env.now;
    let handle = task.env.sso_handle.map(str::to_owned);
    let found = handle.as_ref().is_some_and(|handle| {
        task.env.sessions.read(|s| {
            s.get(handle, &flow_id, version, now)
                .is_some_and(|session| session.checkpoints.contains_key(&checkpoint))
        })
    });
    let present = format!("{}:{checkpoint}", keys::SSO_SESSION_PRESENT);
    let mut result = if found {
        ExecResult::complete()
    } else {
        ExecResult::failure(ApiErrorCode::ExecutorNoLiveSsoSession.to_error())
    };
    result
        .runtime
        .insert(present, if found { "true" } else { "false" }.to_owned());
    if let (true, Some(handle)) = (found, handle) {
        result
            .runtime
            .insert(keys::SSO_SESSION_HANDLE.to_owned(), handle);
    }
    Ok(result)
}

/// SessionExecutor: the node's id is its checkpoint. After a successful SSOCheck it resumes the
/// signed-in user from the checkpoint; otherwise it saves the signed-in user into the browser's
/// session, creating one (and the cookie) when there is none. Either way the sign-in gets a fresh
/// token family (`tfid`), recorded against the application.
pub(super) fn session(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let checkpoint = task.node.id.clone();
    let now = task.env.now;
    let app_id = task.execution.app_id.clone();
    let family = match task.execution.runtime_value(keys::TOKEN_FAMILY_ID) {
        Some(existing) => existing.to_owned(),
        None => task.uuid_v7(),
    };
    let present = format!("{}:{checkpoint}", keys::SSO_SESSION_PRESENT);
    if task.execution.runtime_value(&present) == Some("true") {
        let handle = task
            .execution
            .runtime_value(keys::SSO_SESSION_HANDLE)
            .map(str::to_owned)
            .ok_or_else(|| super::internal("no SSO session handle to resume".into()))?;
        let loaded = task.env.sessions.write(|s| {
            let session = s.any(&handle, now)?;
            let authenticated_at = session.authenticated_at;
            let saved = session.checkpoints.get(&checkpoint)?.clone();
            s.join(&handle, &app_id, &family, now);
            Some((saved, authenticated_at))
        });
        let (saved, authenticated_at) = loaded
            .ok_or_else(|| super::internal("the SSO session or checkpoint vanished".into()))?;
        let mut result = ExecResult {
            user: Some(saved.user),
            ..ExecResult::complete()
        };
        result.runtime.extend(saved.runtime);
        result
            .runtime
            .insert(keys::SSO_AUTH_TIME.to_owned(), authenticated_at.to_string());
        result
            .runtime
            .insert(keys::TOKEN_FAMILY_ID.to_owned(), family);
        return Ok(result);
    }
    let mut result = ExecResult::complete();
    let Some(user) = task.execution.user.clone() else {
        return Ok(result);
    };
    result
        .runtime
        .insert(keys::TOKEN_FAMILY_ID.to_owned(), family.clone());
    let saved_key = format!("{}:{checkpoint}", keys::SSO_SESSION_SAVED);
    if let Some(handle) = task.execution.runtime_value(&saved_key) {
        result.sso_created = Some(handle.to_owned());
        return Ok(result);
    }
    let snapshot = Checkpoint {
        user: user.clone(),
        runtime: snapshot(&task.execution.runtime),
    };
    let (flow_id, version) = login_flow(task);
    let existing = task
        .execution
        .runtime_value(keys::SSO_SESSION_HANDLE)
        .map(str::to_owned);
    let handle = match existing {
        Some(handle) => {
            let saved = task.env.sessions.write(|s| {
                let same_user = s
                    .get(&handle, &flow_id, version, now)
                    .is_some_and(|session| session.subject == user);
                if same_user {
                    s.save_checkpoint(&handle, checkpoint.clone(), snapshot, now);
                    s.join(&handle, &app_id, &family, now);
                }
                same_user
            });
            if !saved {
                // Another user's session: left alone.
                return Ok(result);
            }
            handle
        }
        None => {
            let handle = task.random_hex();
            let new = NewSession {
                id: task.uuid_v7(),
                handle: handle.clone(),
                subject: user,
                flow_id,
                flow_version: version,
                execution_id: task.execution.id.clone(),
            };
            task.env.sessions.write(|s| {
                s.create(
                    new,
                    (checkpoint.clone(), snapshot),
                    (app_id.clone(), family.clone()),
                    now,
                )
            });
            result.sso_created = Some(handle.clone());
            handle
        }
    };
    result.runtime.insert(saved_key, handle.clone());
    result
        .runtime
        .insert(keys::SSO_SESSION_HANDLE.to_owned(), handle);
    Ok(result)
}

/// The runtime data a checkpoint keeps.
fn snapshot(runtime: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    runtime
        .iter()
        .filter(|(key, _)| {
            !NOT_SNAPSHOTTED.contains(&key.as_str())
                && !key.starts_with(keys::SSO_SESSION_PRESENT)
                && !key.starts_with(keys::SSO_SESSION_SAVED)
                && key.as_str() != keys::FAILURE_REASON
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// SessionSignOutExecutor: with `promptOnSignOut` and a logout that came without a valid
/// `id_token_hint`, ask for confirmation first (a CONFIRM action). Then end the browser's session
/// for the app's login flow, revoking every participant's token family. The cookie is cleared
/// even when there was no session.
pub(super) fn sign_out(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let prompt_enabled = task
        .node
        .properties
        .get("promptOnSignOut")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let prompt_required =
        task.execution.runtime_value(keys::LOGOUT_PROMPT_REQUIRED) == Some("true");
    let confirmed = task.forwarded.action_type.as_deref() == Some("CONFIRM");
    if prompt_enabled && prompt_required && !confirmed {
        return Ok(ExecResult {
            status: ExecStatus::UserInputRequired,
            ..ExecResult::default()
        });
    }
    let now = task.env.now;
    let login_flow = task
        .env
        .app
        .and_then(|app| {
            task.env
                .registry
                .app_flow(app, &thunderid_protocol::flow::FlowType::Authentication)
        })
        .map(|f| f.id.as_str().to_owned());
    if let (Some(handle), Some(expected)) = (task.env.sso_handle, login_flow) {
        let foreign = task
            .env
            .sessions
            .read(|s| s.any(handle, now).is_some_and(|sn| sn.flow_id != expected));
        if foreign {
            return Err(super::internal(
                "the SSO session belongs to another login flow".into(),
            ));
        }
        if let Some(ended) = task.env.sessions.write(|s| s.end(handle, now)) {
            task.env.oauth.write(|o| {
                for participant in ended.participants.values() {
                    o.revoke_family(&participant.token_family_id, now);
                }
            });
        }
    }
    Ok(ExecResult {
        sso_cleared: true,
        ..ExecResult::complete()
    })
}
