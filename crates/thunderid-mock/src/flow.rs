//! The flow engine: flow graphs from fixtures, live executions, executors. Independent of HTTP:
//! `routes/flow.rs` (V2), the hosted gate and, later, the V1 adapter translate their wire formats
//! to [`service::execute`].
//!
//! # Layout
//! * `graph`: fixture validation, lookups and the executor catalogue.
//! * `execution`, `store`: the state of one execution and the [`ExecutionStore`] in `Db`.
//! * `engine`: the step function over (graph, execution, environment); `prompt` and `meta`: PROMPT
//!   nodes; `executors/`: TASK_EXECUTION nodes; `assertion`: the assertion claims.
//! * `service`: what `/flow/execute` does around the engine: initiation checks, lifetimes,
//!   challenge tokens, HTTP-level errors, signing.
//! * `v1`: the V1 app-native sign-in's view of a step (authenticators) and its flows in progress.

pub(crate) mod assertion;
pub(crate) mod engine;
pub mod execution;
pub(crate) mod executors;
pub mod graph;
pub(crate) mod keys;
pub(crate) mod meta;
pub(crate) mod prompt;
pub(crate) mod service;
pub mod store;
pub mod v1;

#[cfg(test)]
mod tests;

use rand::RngCore;
use thunderid_protocol::flow::FlowType;
use thunderid_protocol::ids::ExecutionId;

use crate::error::MockError;
use crate::fixtures::ApplicationFixture;
use crate::state::AppState;

pub use execution::Execution;
pub use store::ExecutionStore;

/// What `/oauth2/authorize` hands the engine when it pre-creates an AUTHENTICATION execution.
#[derive(Debug, Clone)]
pub struct AuthorizeContext {
    /// The `authId` the request was stored under; becomes the assertion's `authorization_request_id`.
    pub auth_id: String,
    /// The OAuth client of the request.
    pub client_id: String,
    /// The requested scopes, space-separated: the engine's `requested_permissions`.
    pub requested_permissions: String,
}

/// What `/oauth2/logout` hands the engine when it pre-creates a SIGNOUT execution.
#[derive(Debug, Clone)]
pub struct LogoutContext {
    /// The id the logout request was stored under (for the gate's logout callback).
    pub logout_id: String,
    /// No valid `id_token_hint` came: a confirmation prompt may be shown.
    pub prompt_required: bool,
}

/// Pre-create a verbose AUTHENTICATION execution for an authorization request, without running it.
/// Its first `POST /flow/execute {executionId}` needs no challenge token.
///
/// Takes the state lock: call it without holding `state.db()`.
pub fn create_authorize_execution(
    state: &AppState,
    app: &ApplicationFixture,
    context: AuthorizeContext,
) -> Result<ExecutionId, MockError> {
    let runtime = [
        (keys::CLIENT_ID, context.client_id),
        (keys::REQUESTED_PERMISSIONS, context.requested_permissions),
        (keys::AUTHORIZATION_REQUEST_ID, context.auth_id),
    ];
    service::pre_create(state, app, FlowType::Authentication, &runtime)
}

/// Pre-create a SIGNOUT execution for an RP-initiated logout. Its first call needs no challenge
/// token either.
///
/// Takes the state lock: call it without holding `state.db()`.
pub fn create_logout_execution(
    state: &AppState,
    app: &ApplicationFixture,
    context: LogoutContext,
) -> Result<ExecutionId, MockError> {
    let prompt = if context.prompt_required {
        "true"
    } else {
        "false"
    };
    let runtime = [
        (keys::LOGOUT_PROMPT_REQUIRED, prompt.to_owned()),
        ("logoutId", context.logout_id),
    ];
    service::pre_create(state, app, FlowType::SignOut, &runtime)
}

/// A UUIDv7 whose timestamp is `now` (the mock clock), with random low bits.
pub(crate) fn new_uuid_v7(now: u64, rng: &mut dyn RngCore) -> String {
    let mut random = [0u8; 10];
    rng.fill_bytes(&mut random);
    uuid::Builder::from_unix_timestamp_millis(now.saturating_mul(1000), &random)
        .into_uuid()
        .to_string()
}
