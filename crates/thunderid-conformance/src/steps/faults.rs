//! Steps that arm the mock's fault rules over its control API (`POST /__mock/faults`), so they
//! work against a mock in another process too. Scenarios using them are `@mock-only`.

use anyhow::ensure;
use cucumber::given;
use serde_json::{Value, json};

use crate::world::ConformanceWorld;

/// Arm one fault rule; anything but 201 fails the step with the mock's answer.
pub(crate) async fn arm(world: &ConformanceWorld, rule: Value) -> anyhow::Result<()> {
    let response = world
        .http
        .post(world.url("/__mock/faults"))
        .header("content-type", "application/json")
        .body(rule.to_string())
        .send()
        .await?;
    let status = response.status();
    ensure!(
        status.as_u16() == 201,
        "POST /__mock/faults answered {status}: {}",
        response.text().await.unwrap_or_default()
    );
    Ok(())
}

#[given(expr = "the mock forges the next {word} of {string} with {word}")]
async fn forge_next(
    world: &mut ConformanceWorld,
    token: String,
    client_id: String,
    tamper: String,
) -> anyhow::Result<()> {
    let rule = json!({"clientId": client_id, "times": 1,
        "action": {"type": "tamper", "token": token, "tamper": tamper}});
    arm(world, rule).await
}

#[given(expr = "the mock answers {int} to the next {int} call(s) of {string}")]
async fn fail_next(
    world: &mut ConformanceWorld,
    status: u16,
    times: u64,
    path: String,
) -> anyhow::Result<()> {
    let rule = json!({"path": path, "times": times,
        "action": {"type": "status", "status": status, "retryAfter": 1}});
    arm(world, rule).await
}
