//! Resources loaded with `--resources` are read-only, as in the server's composite store mode:
//! each kind's change and delete answer its "cannot modify declarative" error and leave it as it
//! was, lists say `isReadOnly: true`, what the API creates stays mutable, a reset restores the
//! flags, and `mutable_resources()` loads them as ordinary stored resources.

use serde_json::{Value, json};
use thunderid_mock::MockServer;

use crate::declarative_layers::call;
use crate::support::TestServer;

const UNIT: &str = "01900000-0000-7000-8000-000000000001";

const DOCUMENTS: &str = r#"
resource_type: organization_unit
id: 019a0000-0000-7000-8000-0000000000f1
handle: declared-unit
name: Declared unit
---
resource_type: group
id: 019a0000-0000-7000-8000-0000000000f2
name: Declared group
ouHandle: default
---
resource_type: role
id: 019a0000-0000-7000-8000-0000000000f3
name: Declared role
ouHandle: default
---
resource_type: resource_server
id: 019a0000-0000-7000-8000-0000000000f6
name: Declared API
identifier: https://declared.example/api
ouHandle: default
---
resource_type: flow
id: 019a0000-0000-7000-8000-0000000000e2
handle: declared-flow
name: Declared flow
flowType: AUTHENTICATION
nodes:
  - {id: start, type: START, onSuccess: assert}
  - {id: assert, type: TASK_EXECUTION, executor: {name: AuthAssertExecutor}, onSuccess: end}
  - {id: end, type: END}
---
resource_type: theme
id: 019a0000-0000-7000-8000-0000000000f4
handle: declared-theme
displayName: Declared theme
theme:
  direction: ltr
---
resource_type: layout
id: 019a0000-0000-7000-8000-0000000000f5
handle: declared-layout
displayName: Declared layout
layout:
  direction: ltr
---
resource_type: user_type
id: 019a0000-0000-7000-8000-0000000000f7
name: Contractor
ouHandle: default
schema: '{"username": {"type": "string", "required": true, "unique": true}, "password": {"type": "string", "credential": true}}'
---
resource_type: user
id: 019a0000-0000-7000-8000-0000000000f8
type: Contractor
ouHandle: default
attributes: {username: declared-user}
credentials: {password: Declared-1}
---
resource_type: connection
id: 019a0000-0000-7000-8000-0000000000f9
type: oauth
name: Partner
clientId: p
clientSecret: s
redirectUri: https://app.example/cb
authorizationEndpoint: https://partner.example/authorize
tokenEndpoint: https://partner.example/token
---
resource_type: application
id: 019a0000-0000-7000-8000-0000000000e1
ouHandle: default
name: Declared app
type: browser
authFlowHandle: declared-flow
"#;

fn flow_body(handle: &str) -> Value {
    json!({"handle": handle, "name": "Changed", "flowType": "AUTHENTICATION", "nodes": [
        {"id": "start", "type": "START", "onSuccess": "assert"},
        {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
        {"id": "end", "type": "END"}]})
}

/// Each kind: the resource's path, a PUT body that passes the checks before the declarative one.
fn kinds() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "organization unit",
            "/organization-units/019a0000-0000-7000-8000-0000000000f1",
            json!({"handle": "declared-unit", "name": "Changed"}),
        ),
        (
            "group",
            "/groups/019a0000-0000-7000-8000-0000000000f2",
            json!({"name": "Changed", "ouId": UNIT}),
        ),
        (
            "role",
            "/roles/019a0000-0000-7000-8000-0000000000f3",
            json!({"name": "Changed", "ouId": UNIT}),
        ),
        (
            "resource server",
            "/resource-servers/019a0000-0000-7000-8000-0000000000f6",
            json!({"name": "Changed", "ouId": UNIT}),
        ),
        (
            "flow",
            "/flows/019a0000-0000-7000-8000-0000000000e2",
            flow_body("declared-flow"),
        ),
        (
            "application",
            "/applications/019a0000-0000-7000-8000-0000000000e1",
            json!({"name": "Changed", "ouId": UNIT, "type": "browser"}),
        ),
        (
            "theme",
            "/design/themes/019a0000-0000-7000-8000-0000000000f4",
            json!({"displayName": "Changed", "theme": {"direction": "rtl"}}),
        ),
        (
            "layout",
            "/design/layouts/019a0000-0000-7000-8000-0000000000f5",
            json!({"displayName": "Changed", "layout": {"direction": "rtl"}}),
        ),
        (
            "user type",
            "/user-types/019a0000-0000-7000-8000-0000000000f7",
            json!({"name": "Contractor", "ouId": UNIT,
                   "schema": {"username": {"type": "string", "required": true}}}),
        ),
        (
            "user",
            "/users/019a0000-0000-7000-8000-0000000000f8",
            json!({"type": "Contractor", "ouId": UNIT, "attributes": {"username": "changed"}}),
        ),
        (
            "identity provider",
            "/connections/oauth/019a0000-0000-7000-8000-0000000000f9",
            json!({"name": "Changed", "clientId": "p", "redirectUri": "https://app.example/cb",
                   "authorizationEndpoint": "https://partner.example/authorize",
                   "tokenEndpoint": "https://partner.example/token"}),
        ),
    ]
}

fn scratch(name: &str) -> std::path::PathBuf {
    crate::declarative_layers::scratch(name, DOCUMENTS)
}

/// Every kind's PUT and DELETE answers, keyed by kind.
async fn refusals(t: &TestServer) -> Value {
    let mut answers = serde_json::Map::new();
    for (kind, path, body) in kinds() {
        let before = call(t, reqwest::Method::GET, path, None).await;
        assert_eq!(before.0, 200, "{kind}: {before:?}");
        let put = call(t, reqwest::Method::PUT, path, Some(&body)).await;
        let delete = call(t, reqwest::Method::DELETE, path, None).await;
        let after = call(t, reqwest::Method::GET, path, None).await;
        assert_eq!(before, after, "{kind} changed");
        answers.insert(
            kind.to_owned(),
            json!({"put": [put.0, put.1], "delete": [delete.0, delete.1]}),
        );
    }
    Value::Object(answers)
}

#[tokio::test]
async fn declarative_resources_refuse_change_and_delete_until_and_after_a_reset() {
    let dir = scratch("refused");
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    let first = refusals(&t).await;
    insta::assert_json_snapshot!("declarative_refusals", first);

    // The lists say which are read-only.
    let (_, groups) = call(&t, reqwest::Method::GET, "/groups", None).await;
    let flags: Vec<(Value, Value)> = groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["name"].clone(), g["isReadOnly"].clone()))
        .collect();
    assert!(
        flags.contains(&(json!("Declared group"), json!(true))),
        "{flags:?}"
    );
    let (_, flow) = call(
        &t,
        reqwest::Method::GET,
        "/flows/019a0000-0000-7000-8000-0000000000e2",
        None,
    )
    .await;
    assert_eq!(flow["isReadOnly"], json!(true));

    // What the API creates stays mutable.
    let (status, created) = call(
        &t,
        reqwest::Method::POST,
        "/groups",
        Some(&json!({"name": "API group", "ouId": UNIT})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["isReadOnly"], json!(false));
    let path = format!("/groups/{}", created["id"].as_str().unwrap());
    let (status, _) = call(
        &t,
        reqwest::Method::PUT,
        &path,
        Some(&json!({"name": "Renamed", "ouId": UNIT})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(&t, reqwest::Method::DELETE, &path, None).await;
    assert_eq!(status, 204);

    // A reset loads the files again, read-only again.
    t.server.reset();
    assert_eq!(refusals(&t).await, first);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn mutable_resources_load_as_stored_resources() {
    let dir = scratch("mutable");
    let t = TestServer::with(MockServer::builder().resources(&dir).mutable_resources()).await;
    for (kind, path, body) in kinds() {
        let (status, answer) = call(&t, reqwest::Method::PUT, path, Some(&body)).await;
        assert_eq!(status, 200, "{kind}: {answer}");
    }
    let (status, _) = call(
        &t,
        reqwest::Method::DELETE,
        "/groups/019a0000-0000-7000-8000-0000000000f2",
        None,
    )
    .await;
    assert_eq!(status, 204);
    let _ = std::fs::remove_dir_all(&dir);
}
