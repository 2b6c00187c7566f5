//! Fault steps for the client's retry policy: a failure without `Retry-After`, which a client must
//! surface rather than retry (`faults.rs` arms the ones with `Retry-After`). `@mock-only`.

use cucumber::given;
use serde_json::json;

use crate::world::ConformanceWorld;

#[given(expr = "the mock answers {int} without Retry-After to the next {int} call(s) of {string}")]
async fn fail_without_retry_after(
    world: &mut ConformanceWorld,
    status: u16,
    times: u64,
    path: String,
) -> anyhow::Result<()> {
    let rule =
        json!({"path": path, "times": times, "action": {"type": "status", "status": status}});
    super::faults::arm(world, rule).await
}
