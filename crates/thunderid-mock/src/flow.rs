//! The flow engine: flow graphs from fixtures, live executions, executors. Independent of HTTP:
//! `routes/flow.rs` (V2) and, later, the V1 adapter translate the wire to these calls.
//!
//! Placeholder API, agreed between the OAuth endpoints and the engine; the engine issue fills it in.

pub mod graph;

use thunderid_protocol::ids::ExecutionId;

use crate::error::MockError;
use crate::fixtures::ApplicationFixture;
use crate::state::AppState;

/// Live flow executions, by id.
#[derive(Debug, Default)]
pub struct ExecutionStore {}

/// What `/oauth2/authorize` hands the engine when it pre-creates an AUTHENTICATION execution.
#[derive(Debug, Clone)]
pub struct AuthorizeContext {
    /// The `authId` the request was stored under; becomes the assertion's `authorization_request_id`.
    pub auth_id: String,
    pub client_id: String,
    /// The requested scopes, space-separated: the engine's `requested_permissions`.
    pub requested_permissions: String,
}

/// What `/oauth2/logout` hands the engine when it pre-creates a SIGNOUT execution.
#[derive(Debug, Clone)]
pub struct LogoutContext {
    pub logout_id: String,
    /// No valid `id_token_hint` came: a confirmation prompt may be shown.
    pub prompt_required: bool,
}

/// Pre-create a verbose AUTHENTICATION execution for an authorization request, without running it.
/// Its first `POST /flow/execute {executionId}` needs no challenge token.
pub fn create_authorize_execution(
    _state: &AppState,
    _app: &ApplicationFixture,
    _context: AuthorizeContext,
) -> Result<ExecutionId, MockError> {
    Err(MockError::Internal(anyhow::anyhow!(
        "the flow engine is not built yet"
    )))
}

/// Pre-create a SIGNOUT execution for an RP-initiated logout.
pub fn create_logout_execution(
    _state: &AppState,
    _app: &ApplicationFixture,
    _context: LogoutContext,
) -> Result<ExecutionId, MockError> {
    Err(MockError::Internal(anyhow::anyhow!(
        "the flow engine is not built yet"
    )))
}
