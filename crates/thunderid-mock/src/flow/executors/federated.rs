//! Federated sign-in (GoogleOIDCAuthExecutor and its siblings, `executor/oauth_executor.go`)
//! against the mock's fake upstream IdP at `/__mock/idp/{idpId}/authorize`.
//!
//! Without a `code` input the node answers a REDIRECTION step: `data.redirectURL` is the fake
//! IdP's authorize URL (with a fresh `state` and `nonce`), `data.inputs` asks for `code`, and
//! `additionalData.idpName` names the IdP. The client comes back with `inputs: {code, state}`:
//! a `state` that differs from the one sent is FET-1012, an unknown or reused code FET-1013. The
//! IdP's user maps to the local user with the same e-mail; none is FET-1014.

use thunderid_protocol::ApiErrorCode;

use super::{ExecResult, ExecStatus, Task};
use crate::flow::keys;
use crate::flow::node::EngineError;
use crate::graph::{ExecutorKind, FederatedKind};
use crate::store::connections::ConnectionRecord;

/// The client id the mock presents to its fake IdPs.
pub(crate) fn client_id(idp: &str) -> String {
    format!("mock-{idp}-client")
}

/// The display name of a fake IdP (`additionalData.idpName`).
pub(crate) fn display_name(idp: &str) -> String {
    match idp {
        "google" => "Google".to_owned(),
        "github" => "GitHub".to_owned(),
        other => {
            let mut chars = other.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        }
    }
}

pub(super) fn run(task: &mut Task<'_, '_>, kind: FederatedKind) -> Result<ExecResult, EngineError> {
    let idp = task
        .property("idpId")
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| super::internal("idpId is not configured in node properties".into()))?;
    match task
        .execution
        .inputs
        .get("code")
        .filter(|c| !c.is_empty())
        .cloned()
    {
        Some(code) => Ok(complete_sign_in(task, &idp, &code)),
        None => Ok(redirect(task, &idp, kind)),
    }
}

fn redirect(task: &mut Task<'_, '_>, idp: &str, kind: FederatedKind) -> ExecResult {
    let state = task.random_hex();
    let nonce = task.random_hex();
    let connection = task.env.connections.idps.get(idp).cloned();
    let url = authorize_url(
        task.env.base_url,
        idp,
        kind,
        connection.as_ref(),
        &state,
        Some(&nonce),
    );
    let required = task.required_inputs(ExecutorKind::Federated(kind));
    let mut result = ExecResult {
        status: ExecStatus::ExternalRedirection,
        inputs: task.missing(&required),
        redirect_url: Some(url),
        ..ExecResult::default()
    };
    let name = connection.map_or_else(|| display_name(idp), |c| c.name);
    result
        .additional
        .insert(keys::data::IDP_NAME.to_owned(), name);
    result.runtime.insert(keys::OAUTH_STATE.to_owned(), state);
    result.runtime.insert(keys::OIDC_NONCE.to_owned(), nonce);
    result
}

/// The fake IdP's authorize URL for `idp`. A stored connection with that id configures the request
/// as on the server (its client id, scopes, redirect URI and prompt); otherwise the fake IdP's
/// defaults. The direct API's `/auth/oauth/*/start` builds the same URL (with a nonce only for
/// OIDC and Google).
pub(crate) fn authorize_url(
    base_url: &str,
    idp: &str,
    kind: FederatedKind,
    connection: Option<&ConnectionRecord>,
    state: &str,
    nonce: Option<&str>,
) -> String {
    let configured = |name: &str| {
        connection
            .and_then(|c| c.properties.get(name))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    let scope = configured("scopes").map_or_else(
        || match kind {
            FederatedKind::Github | FederatedKind::OAuth => "user:email".to_owned(),
            FederatedKind::Google | FederatedKind::Oidc => "openid email profile".to_owned(),
        },
        |scopes| {
            scopes
                .split(',')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
        },
    );
    let redirect_uri =
        configured("redirect_uri").unwrap_or_else(|| format!("{base_url}/gate/callback"));
    let mut url = url::Url::parse(&format!("{base_url}/__mock/idp/{idp}/authorize"))
        .unwrap_or_else(|_| {
            url::Url::parse("http://localhost/__mock/idp/authorize").expect("a literal URL parses")
        });
    url.query_pairs_mut()
        .append_pair(
            "client_id",
            &configured("client_id").unwrap_or_else(|| client_id(idp)),
        )
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("response_type", "code")
        .append_pair("scope", &scope)
        .append_pair("state", state);
    if let Some(nonce) = nonce {
        url.query_pairs_mut().append_pair("nonce", nonce);
    }
    if let Some(prompt) = configured("prompt") {
        url.query_pairs_mut().append_pair("prompt", &prompt);
    }
    url.to_string()
}

fn complete_sign_in(task: &mut Task<'_, '_>, idp: &str, code: &str) -> ExecResult {
    if let Some(returned) = task.execution.inputs.get("state").filter(|s| !s.is_empty()) {
        if task.execution.runtime.get(keys::OAUTH_STATE) != Some(returned) {
            return ExecResult::failure(ApiErrorCode::ExecutorInvalidOauthState.to_error());
        }
        task.execution.runtime.remove(keys::OAUTH_STATE);
    }
    let now = task.env.now;
    let Some(grant) = task
        .env
        .executions
        .write(|e| e.redeem_idp_grant(code, now))
        .filter(|g| g.idp == idp)
    else {
        return ExecResult::failure(ApiErrorCode::ExecutorInvalidOauthCode.to_error());
    };
    let local = task.env.users(|users| {
        users
            .find_by_attribute("email", &grant.email)
            .map(|u| u.id.clone())
    });
    let Some(user_id) = local else {
        return ExecResult::failure(ApiErrorCode::ExecutorInvalidFederatedUser.to_error());
    };
    let mut result = ExecResult {
        user: Some(user_id),
        ..ExecResult::complete()
    };
    result.runtime.insert("sub".to_owned(), grant.subject);
    result.runtime.insert("email".to_owned(), grant.email);
    if let Some(given_name) = grant.given_name {
        result.runtime.insert("given_name".to_owned(), given_name);
    }
    if let Some(family_name) = grant.family_name {
        result.runtime.insert("family_name".to_owned(), family_name);
    }
    result
        .runtime
        .insert(keys::ENTITY_STATE.to_owned(), "exists".to_owned());
    result
}
