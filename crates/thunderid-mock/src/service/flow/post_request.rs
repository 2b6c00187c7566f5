//! A POST_REQUEST interceptor failing after the step was built.

use serde_json::{Map, Value};
use thunderid_protocol::flow::FlowStatus;

use super::{Call, Pending, end_user_error_assertion};
use crate::fixtures::ApplicationFixture;
use crate::flow::engine::OutcomeStatus;
use crate::ids;
use crate::store::execution::Execution;

/// A POST_REQUEST interceptor failed after the step was built (`processInterceptorResponse`): the
/// status becomes ERROR, the rest of the step stays (a completed sign-in keeps its assertion), and
/// the execution is kept, as any ERROR step keeps it. The challenge token was already rotated by
/// the default interceptor, which runs first, but never reaches the client.
pub(super) fn failure(
    call: &Call<'_>,
    app: Option<&ApplicationFixture>,
    mut execution: Execution,
    mut pending: Pending,
    status: OutcomeStatus,
    assertion: Option<Map<String, Value>>,
) -> Pending {
    pending.status = FlowStatus::Error;
    match status {
        OutcomeStatus::Complete => pending.assertion = assertion,
        OutcomeStatus::Incomplete(step_type) => {
            pending.step_type = Some(step_type);
            let unsent = ids::challenge_token();
            execution.challenge_hash = Some(ids::sha256_hex(unsent.as_bytes()));
        }
        OutcomeStatus::Error => {}
    }
    end_user_error_assertion(call, app, &execution, &mut pending);
    call.store(execution);
    pending
}
