//! ProvisioningExecutor's `allowCrossOUProvisioning` over `POST /flow/execute`: a user of one
//! organization unit registers with an application of another and gets a copy there; a second
//! registration is FET-1024, and the directory holds exactly the two copies.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use thunderid_mock::Fixtures;

use crate::flow_support::{execute, redacted};
use crate::organizations::{admin, call};
use crate::support::{TestServer, assert_json_eq};

const APP: &str = "01900000-0000-7000-8000-0000000000c8";
const ENGINEERING: &str = "01900000-0000-7000-8000-000000000002";
const SALES: &str = "01900000-0000-7000-8000-000000000003";

fn fixtures() -> Fixtures {
    let mut fixtures = Fixtures::bundled();
    fixtures.user_types.push(
        serde_json::from_value(json!({
            "id": "01900000-0000-7000-8000-000000000016", "name": "Member", "ouId": SALES,
            "allowSelfRegistration": true,
            "schema": {"username": {"type": "string", "required": true},
                       "password": {"type": "string", "credential": true}}
        }))
        .expect("a user type"),
    );
    fixtures.users.push(
        serde_json::from_value(json!({
            "id": "01900000-0000-7000-8000-0000000001b1", "type": "Member", "ouId": ENGINEERING,
            "password": "Nova@12345", "attributes": {"username": "nova"}
        }))
        .expect("a user"),
    );
    fixtures.flows.push(
        serde_json::from_value(json!({
            "id": "01900000-0000-7000-8000-0000000000d8", "handle": "join-unit", "name": "Join",
            "flowType": "REGISTRATION", "nodes": [
                {"id": "start", "type": "START", "onSuccess": "provisioning"},
                {"id": "provisioning", "type": "TASK_EXECUTION",
                 "executor": {"name": "ProvisioningExecutor"},
                 "properties": {"allowCrossOUProvisioning": true}, "onSuccess": "end"},
                {"id": "end", "type": "END"}]
        }))
        .expect("a flow"),
    );
    fixtures.applications.push(
        serde_json::from_value(json!({
            "id": APP, "name": "sales-app", "type": "custom", "isRegistrationFlowEnabled": true,
            "registrationFlow": "join-unit", "allowedUserTypes": ["Member"]
        }))
        .expect("an application"),
    );
    fixtures
}

async fn register(t: &TestServer) -> Value {
    let body = json!({"applicationId": APP, "flowType": "REGISTRATION",
                      "inputs": {"username": "nova", "password": "Nova@12345"}});
    let reply = execute(t, &body, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    redacted(&reply.json())
}

/// The units of the users named `nova`, sorted (`GET /users` as the administrator).
async fn units_of_nova(t: &TestServer) -> Vec<String> {
    let reply = call(t, Method::GET, "/users?limit=100", Some(&admin(t)), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let mut units: Vec<String> = reply.json()["users"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|u| u["attributes"]["username"] == "nova")
        .map(|u| u["ouId"].as_str().unwrap_or_default().to_owned())
        .collect();
    units.sort();
    units
}

#[tokio::test]
async fn a_user_of_another_unit_is_provisioned_once_into_the_apps_unit() {
    let t = TestServer::with_fixtures(fixtures()).await;
    let first = register(&t).await;
    assert_eq!(first["flowStatus"], "COMPLETE", "{first}");
    let second = register(&t).await;
    assert_json_eq(
        &second,
        &json!({
            "executionId": "[execution-id]",
            "flowStatus": "ERROR",
            "data": {},
            "error": {
                "code": "FET-1024",
                "message": {"key": "flows.executor.errors.user_already_exists_in_target_ou",
                            "defaultValue": "User already exists in the target organization"},
                "description": {"key": "flows.executor.errors.user_already_exists_in_target_ou_desc",
                                "defaultValue": "A user with the same identity already exists in the target organization unit"}
            }
        }),
    );
    assert_eq!(units_of_nova(&t).await, [ENGINEERING, SALES]);
}
