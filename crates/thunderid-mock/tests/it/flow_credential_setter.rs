//! CredentialSetter's context checks over HTTP: whose password it sets, and from which input.

use reqwest::StatusCode;
use serde_json::{Value, json};
use thunderid_mock::MockServer;

use crate::flow_support::{THOR_ID, execute, step};
use crate::support::TestServer;

const APP: &str = "01900000-0000-7000-8000-0000000000e8";
const SECRET: &str = "setter-lab-secret";

/// A RECOVERY flow whose first task sets a password from `inputs`; with `identify`, an
/// IdentifyingExecutor finds the user by `username` first.
async fn lab(inputs: Value, identify: bool) -> TestServer {
    let mut nodes = vec![json!({"id": "start", "type": "START", "onSuccess": "set"})];
    if identify {
        nodes[0]["onSuccess"] = json!("find");
        nodes.push(
            json!({"id": "find", "type": "TASK_EXECUTION", "onSuccess": "set",
            "executor": {"name": "IdentifyingExecutor", "inputs": [
                {"identifier": "username", "type": "TEXT_INPUT", "required": true}]}}),
        );
    }
    nodes.push(
        json!({"id": "set", "type": "TASK_EXECUTION", "onSuccess": "end",
        "executor": {"name": "CredentialSetter", "inputs": inputs}}),
    );
    nodes.push(json!({"id": "end", "type": "END"}));
    let flow = json!({
        "id": "01900000-0000-7000-8000-0000000000f8", "handle": "setter-lab", "name": "Setter lab",
        "flowType": "RECOVERY", "nodes": nodes
    });
    let app = json!({"id": APP, "name": "setter-lab", "type": "custom", "flowSecret": SECRET,
                     "authFlow": "default-flow", "recoveryFlow": "setter-lab",
                     "isRecoveryFlowEnabled": true});
    TestServer::with(
        MockServer::builder()
            .flow(serde_json::from_value(flow).expect("a flow"))
            .application(serde_json::from_value(app).expect("an application")),
    )
    .await
}

async fn start(t: &TestServer, inputs: Value) -> Value {
    let body = json!({"applicationId": APP, "flowType": "RECOVERY", "inputs": inputs});
    let reply = execute(t, &body, Some(SECRET)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

async fn signs_in(t: &TestServer, password: &str) -> bool {
    let body = json!({"identifiers": {"username": "thor"}, "credentials": {"password": password}});
    let reply = t
        .send(
            t.client
                .post(t.url("/auth/credentials/authenticate"))
                .header("Direct-Auth-Secret", "sample-direct-auth-secret")
                .json(&body),
        )
        .await;
    reply.status == StatusCode::OK
}

#[tokio::test]
async fn a_user_id_the_client_posts_names_nobody() {
    let t = lab(json!([]), false).await;
    let reply = start(&t, json!({"password": "N3w-Secret!", "userID": THOR_ID})).await;
    assert_eq!(reply["flowStatus"], "ERROR", "{reply}");
    assert_eq!(reply["error"]["code"], "FET-1044", "{reply}");
    assert_eq!(
        reply["error"]["description"]["defaultValue"],
        "The user ID could not be resolved from the current flow context"
    );
    assert!(
        !signs_in(&t, "N3w-Secret!").await,
        "thor's password is unchanged"
    );
    assert!(signs_in(&t, "Thor@12345").await);
    // Without the input the prerequisite itself fails.
    let reply = start(&t, json!({"password": "N3w-Secret!"})).await;
    assert_eq!(reply["error"]["code"], "FLC-1001", "{reply}");
}

#[tokio::test]
async fn a_credential_input_without_an_identifier_is_refused_when_used() {
    let inputs = json!([{"identifier": "", "type": "PASSWORD_INPUT", "required": true}]);
    let t = lab(inputs, true).await;
    let first = start(&t, json!({"username": "thor"})).await;
    assert_eq!(first["flowStatus"], "INCOMPLETE", "{first}");
    assert_eq!(first["data"]["inputs"][0]["identifier"], "", "{first}");
    let refused = step(&t, &first, None, json!({"": "N3w-Secret!"})).await;
    assert_eq!(refused["flowStatus"], "ERROR", "{refused}");
    assert_eq!(refused["error"]["code"], "FET-1046", "{refused}");
    assert_eq!(
        refused["error"]["message"]["defaultValue"],
        "Invalid credential input configuration"
    );
}
