use serde_json::json;

use crate::support::{TestServer, assert_json_eq};

const NATIVE: &str = "01900000-0000-7000-8000-0000000000a3";

#[tokio::test]
async fn app_metadata_brings_the_switches_the_root_unit_and_the_translations() {
    let t = TestServer::start().await;
    let reply = t
        .get(&format!("/flow/meta?type=APP&id={NATIVE}&namespace=signin"))
        .await;
    assert_eq!(reply.status, 200);
    insta::assert_json_snapshot!(reply.json());
}

#[tokio::test]
async fn without_a_type_only_the_translations_come_back() {
    let t = TestServer::start().await;
    let body = t.get("/flow/meta?namespace=signout").await.json();
    assert_json_eq(
        &body,
        &json!({
            "isRegistrationFlowEnabled": false,
            "isRecoveryFlowEnabled": false,
            "design": {"theme": {}, "layout": {}},
            "i18n": {"languages": ["en-US"], "language": "en-US", "totalResults": 4, "translations": {"signout": {
                "errors.failed.description": "Something went wrong. Please try again.",
                "forms.confirm.actions.submit.label": "Sign out",
                "forms.confirm.description": "You are about to sign out of your account. Do you want to continue?",
                "forms.confirm.title": "Sign out?"
            }}}
        }),
    );
}

#[tokio::test]
async fn ou_metadata_names_the_unit() {
    let t = TestServer::start().await;
    let body = t
        .get("/flow/meta?type=OU&id=01900000-0000-7000-8000-000000000002&namespace=none")
        .await
        .json();
    assert_json_eq(
        &body["ou"],
        &json!({"id": "01900000-0000-7000-8000-000000000002", "handle": "engineering", "name": "Engineering",
                "description": "Builds the products"}),
    );
    assert_eq!(body["i18n"]["totalResults"], 0);
}

#[tokio::test]
async fn parameter_errors_follow_the_handler_order() {
    let t = TestServer::start().await;
    for (query, status, code) in [
        ("id=x", 400, "FM-1004"),
        ("type=APP", 400, "FM-1005"),
        ("type=USER&id=x", 400, "FM-1001"),
        ("type=APP&id=nope", 404, "FM-1002"),
        ("type=OU&id=nope", 404, "FM-1003"),
    ] {
        let reply = t.get(&format!("/flow/meta?{query}")).await;
        assert_eq!(
            (
                reply.status.as_u16(),
                reply.json()["code"].as_str().unwrap()
            ),
            (status, code),
            "{query}"
        );
    }
    let body = t.get("/flow/meta?type=APP&id=nope").await.json();
    assert_json_eq(
        &body,
        &json!({"code": "FM-1002",
                "message": {"key": "error.flowmetaservice.resource_not_found", "defaultValue": "Resource not found"},
                "description": {"key": "error.flowmetaservice.application_not_found_description",
                                "defaultValue": "The specified application does not exist"}}),
    );
}
