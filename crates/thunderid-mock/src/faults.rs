//! Fault rules (`/__mock/faults`, `MockServer::add_fault`): make the mock misbehave on purpose, for
//! chosen requests. A rule matches method, path pattern, client, user, flow step (the node the
//! execution is at, the action submitted) and the n-th matching call,
//! applies once, n times or until removed, and answers a status (the endpoint's own error envelope
//! or a given body, optionally with `Retry-After`), delays, drops or resets the connection, or
//! truncates or corrupts the body. Every applied rule is recorded in the request journal.
//!
//! * `rule`: the rule and its checks (the public types), read from and written as JSON.
//! * `rules`: one server's armed rules and their counters.
//! * `json`: the control plane's JSON for rules, with errors that name the field.
//! * [`inject`], here: the one middleware that applies them, for every route. It sits inside the
//!   journal (so the journal records what the client got, and which rule did it) and outside the
//!   security middleware (so a fault can hit a request before it is authenticated). The control
//!   plane's own paths are never faulted.
//! * `layer`: what the middleware does to a request or an answer.
//! * `tamper`: the rules that work on answers (forged tokens, a UserInfo `sub` that does not match).
//! * `conn`: the listener and stream that let a rule close a connection without an answer.

mod conn;
mod json;
mod layer;
mod rule;
mod rules;
mod tamper;

pub(crate) use conn::{Connection, FaultListener};
pub use rule::{FaultAction, FaultRule, FaultRuleError, FaultView, TokenKind};
pub(crate) use rules::FaultRules;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::clock::Clock;
use crate::error::MockError;
use crate::journal::AppliedFault;
use crate::store::Stores;
use crate::tokens::TokenSigner;
use layer::{Identity, abort, corrupt, identify, injected_body, mangle};
use rules::Call;

/// What the middleware needs: the server's rules; for forged tokens the signer, and the stores
/// and clock to put them on the deny list.
#[derive(Debug, Clone)]
pub(crate) struct FaultLayer {
    pub rules: Arc<FaultRules>,
    pub signer: Arc<TokenSigner>,
    pub stores: Arc<Stores>,
    pub clock: Arc<Clock>,
}

/// The middleware: choose the first due rule for the request (or, for rules that work on answers,
/// for the answer) and apply it.
pub(crate) async fn inject(
    State(layer): State<FaultLayer>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with("/__mock/") || layer.rules.is_empty() {
        return next.run(request).await;
    }
    let (request, identity) = if layer.rules.needs_identity() {
        identify(request).await
    } else {
        (request, Identity::default())
    };
    let method = request.method().as_str().to_owned();
    // The node the execution is at: where the user is in the flow when this call continues it.
    let flow_node = identity.execution_id.as_deref().and_then(|id| {
        let now = layer.clock.now();
        layer
            .stores
            .executions
            .read(|e| e.get(id, now).and_then(|execution| execution.node.clone()))
    });
    let call = Call {
        method: &method,
        path: &path,
        client_id: identity.client_id.as_deref(),
        user: identity.user.as_deref(),
        flow_node: flow_node.as_deref(),
        flow_action: identity.flow_action.as_deref(),
    };
    let Some((rule, action)) = layer.rules.take(&call, |a| !a.after_response()) else {
        if !layer.rules.works_on_answers() {
            return next.run(request).await;
        }
        let response = next.run(request).await;
        return tamper::on_answer(&layer, call, response).await;
    };
    let applied = AppliedFault::new(rule, action.name());
    let mut response = match action {
        FaultAction::Status {
            status,
            body,
            retry_after,
        } => MockError::Injected {
            status,
            body: injected_body(&path, body),
            retry_after,
        }
        .into_response(),
        FaultAction::Delay { millis } => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            next.run(request).await
        }
        FaultAction::Drop | FaultAction::Reset => {
            abort(&request, matches!(action, FaultAction::Reset))
        }
        FaultAction::Truncate { bytes } => {
            let response = next.run(request).await;
            mangle(response, |body| {
                let keep = bytes.unwrap_or(body.len() / 2).min(body.len());
                body.slice(..keep)
            })
            .await
        }
        FaultAction::Corrupt => mangle(next.run(request).await, corrupt).await,
        // Chosen only once the answer is there (`tamper::on_answer`).
        FaultAction::Tamper { .. }
        | FaultAction::UserInfoSubMismatch
        | FaultAction::Discovery { .. } => next.run(request).await,
    };
    response.extensions_mut().insert(applied);
    response
}
