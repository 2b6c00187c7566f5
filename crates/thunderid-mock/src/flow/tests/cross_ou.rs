//! ProvisioningExecutor with `allowCrossOUProvisioning`: an existing user is provisioned again into
//! the flow's target unit, unless there is none (FET-1023) or they are already there (FET-1024).

use serde_json::{Value, json};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::StepType;

use super::{Harness, NATIVE};
use crate::fixtures::Fixtures;
use crate::flow::engine::OutcomeStatus;

const ENGINEERING: &str = "01900000-0000-7000-8000-000000000002";
const SALES: &str = "01900000-0000-7000-8000-000000000003";

fn join_flow(cross_ou: bool, inputs: Value) -> Value {
    json!({
        "id": "test-join", "handle": "test-join", "name": "t", "flowType": "REGISTRATION",
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "provision"},
            {"id": "provision", "type": "TASK_EXECUTION", "onSuccess": "end",
             "properties": {"allowCrossOUProvisioning": cross_ou},
             "executor": {"name": "ProvisioningExecutor", "inputs": inputs}},
            {"id": "end", "type": "END"}
        ]
    })
}

/// A `Member` type (Sales, nothing unique) that the native app registers, and `nova` in each of
/// `units`.
fn members(units: &'static [&'static str], open_types: usize) -> impl FnOnce(&mut Fixtures) {
    move |fixtures| {
        for (n, name) in ["Member", "Visitor"]
            .iter()
            .take(open_types.max(1))
            .enumerate()
        {
            fixtures.user_types.push(
                serde_json::from_value(json!({
                    "id": format!("01900000-0000-7000-8000-00000000001{n}"), "name": name,
                    "ouId": SALES, "allowSelfRegistration": n < open_types,
                    "schema": {"username": {"type": "string", "required": true}}
                }))
                .expect("a user type"),
            );
        }
        for (n, unit) in units.iter().enumerate() {
            fixtures.users.push(
                serde_json::from_value(json!({
                    "id": format!("01900000-0000-7000-8000-0000000009b{n}"), "type": "Member",
                    "ouId": unit, "attributes": {"username": "nova"}
                }))
                .expect("a user"),
            );
        }
        let app = fixtures
            .applications
            .iter_mut()
            .find(|a| a.id == NATIVE)
            .expect("the native app");
        app.allowed_user_types = ["Member", "Visitor"]
            .iter()
            .take(open_types.max(1))
            .map(|t| (*t).to_owned())
            .collect();
    }
}

fn register(h: &mut Harness) -> (OutcomeStatus, Option<ApiErrorCode>, Vec<String>) {
    let mut execution = h.start("test-join", false);
    let outcome = h
        .run(&mut execution, None, &[("username", "nova")])
        .expect("a run");
    let units = h.directory.read(|d| {
        let mut units: Vec<String> = d
            .users
            .all()
            .filter(|u| u.attributes.get("username") == Some(&json!("nova")))
            .map(|u| u.ou_id.clone())
            .collect();
        units.sort();
        units
    });
    (outcome.status, outcome.error.map(|e| e.code), units)
}

#[test]
fn an_existing_user_elsewhere_is_provisioned_into_the_target_unit() {
    let mut h = Harness::with_fixtures(&[join_flow(true, json!([]))], members(&[ENGINEERING], 1));
    assert_eq!(
        register(&mut h),
        (
            OutcomeStatus::Complete,
            None,
            vec![ENGINEERING.to_owned(), SALES.to_owned()]
        )
    );
    // Now ambiguous: the match in the target unit is the one that counts.
    assert_eq!(
        register(&mut h),
        (
            OutcomeStatus::Error,
            Some(ApiErrorCode::ExecutorUserAlreadyExistsInTargetOu),
            vec![ENGINEERING.to_owned(), SALES.to_owned()]
        )
    );
}

#[test]
fn several_matches_none_in_the_target_unit_provision_one_more() {
    const ELSEWHERE: &[&str] = &[ENGINEERING, "01900000-0000-7000-8000-000000000004"];
    let mut h = Harness::with_fixtures(&[join_flow(true, json!([]))], members(ELSEWHERE, 1));
    let (status, error, units) = register(&mut h);
    assert_eq!((status, error), (OutcomeStatus::Complete, None));
    assert_eq!(units.len(), 3);
}

#[test]
fn without_a_target_unit_the_existing_user_is_refused_with_fet_1023() {
    let mut h = Harness::with_fixtures(&[join_flow(true, json!([]))], members(&[ENGINEERING], 2));
    assert_eq!(
        register(&mut h),
        (
            OutcomeStatus::Error,
            Some(ApiErrorCode::ExecutorCrossOuProvisioningTargetMissing),
            vec![ENGINEERING.to_owned()]
        )
    );
}

#[test]
fn declared_inputs_are_asked_again_with_the_error() {
    let inputs = json!([{"identifier": "username", "type": "TEXT_INPUT", "required": true}]);
    let mut h = Harness::with_fixtures(&[join_flow(true, inputs)], members(&[SALES], 1));
    let (status, error, units) = register(&mut h);
    assert_eq!(status, OutcomeStatus::Incomplete(StepType::View));
    assert_eq!(
        error,
        Some(ApiErrorCode::ExecutorUserAlreadyExistsInTargetOu)
    );
    assert_eq!(units, [SALES]);
}

#[test]
fn without_the_property_an_existing_user_is_fet_1007_and_several_fet_1003() {
    let mut h = Harness::with_fixtures(&[join_flow(false, json!([]))], members(&[ENGINEERING], 1));
    assert_eq!(
        register(&mut h).1,
        Some(ApiErrorCode::ExecutorUserAlreadyExists)
    );
    let mut h = Harness::with_fixtures(
        &[join_flow(false, json!([]))],
        members(&[ENGINEERING, SALES], 1),
    );
    assert_eq!(
        register(&mut h).1,
        Some(ApiErrorCode::ExecutorAmbiguousUserIdentity)
    );
}
