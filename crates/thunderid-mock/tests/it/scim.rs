//! SCIM2 `/scim2/Me` and `/scim2/Schemas` (mock-only, for older SDKs and WSO2 clients), also under
//! the `/t/carbon.super/` tenant prefix.

use reqwest::Method;
use serde_json::{Value, json};

use crate::discovery::redact_base;
use crate::support::{Reply, TestServer, assert_json_eq};
use crate::users_me::{THOR, access_token, call, client_credentials_token, flow_assertion};

const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

fn patch(operations: Value) -> Value {
    json!({"schemas": [PATCH_OP], "Operations": operations})
}

async fn patch_me(t: &TestServer, token: &str, body: &str) -> Reply {
    let request = t
        .client
        .patch(t.url("/scim2/Me"))
        .bearer_auth(token)
        .header("content-type", "application/scim+json")
        .body(body.to_owned());
    t.send(request).await
}

#[track_caller]
fn assert_scim_error(reply: &Reply, status: u16, scim_type: Option<&str>, detail: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("application/scim+json"));
    let mut expected = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": status.to_string(), "detail": detail});
    if let Some(scim_type) = scim_type {
        expected["scimType"] = json!(scim_type);
    }
    assert_json_eq(&reply.json(), &expected);
}

#[tokio::test]
async fn me_is_the_user_as_a_scim_resource() {
    let t = TestServer::start().await;
    let reply = call(&t, Method::GET, "/scim2/Me", &access_token(&t, THOR), None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/scim+json"));
    assert_eq!(
        reply.header("location"),
        Some(t.url(&format!("/scim2/Users/{THOR}")).as_str())
    );
    insta::assert_json_snapshot!(redact_base(reply.json(), t.server.base_url()));
}

#[tokio::test]
async fn the_tenant_path_serves_the_same_user_with_tenant_locations() {
    let t = TestServer::start().await;
    let token = flow_assertion(&t, THOR);
    let plain = call(&t, Method::GET, "/scim2/Me", &token, None)
        .await
        .json();
    let reply = call(&t, Method::GET, "/t/carbon.super/scim2/Me", &token, None).await;
    assert_eq!(reply.status, 200);
    let location = t.url(&format!("/t/carbon.super/scim2/Users/{THOR}"));
    assert_eq!(reply.header("location"), Some(location.as_str()));
    let mut expected = plain;
    expected["meta"]["location"] = json!(location);
    assert_json_eq(&reply.json(), &expected);

    let reply = call(&t, Method::GET, "/t/wso2.com/scim2/Me", &token, None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body, "404 page not found\n");
}

#[tokio::test]
async fn the_sdks_path_less_replace_updates_the_profile() {
    let t = TestServer::start().await;
    let token = access_token(&t, THOR);
    // What `updateMeProfile` sent before 5cca57c: one replace, a partial User, no path.
    let body = patch(json!([{"op": "replace", "value": {
        "name": {"givenName": "Donar"},
        "emails": [{"value": "donar@asgard.example", "primary": true}],
        "nickName": "ignored",
        "urn:scim:wso2:schema": {"country": "Asgard"}
    }}]));
    let reply = patch_me(&t, &token, &body.to_string()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("application/scim+json"));
    assert_eq!(
        reply.header("location"),
        Some(t.url(&format!("/scim2/Users/{THOR}")).as_str())
    );
    let user = reply.json();
    assert_eq!(
        user["name"],
        json!({"givenName": "Donar", "familyName": "Odinson"})
    );
    assert_eq!(
        user["emails"],
        json!([{"value": "donar@asgard.example", "primary": true}])
    );
    assert_eq!(user["userName"], json!("thor"));

    let me = call(&t, Method::GET, "/users/me", &token, None)
        .await
        .json();
    assert_json_eq(
        &me["attributes"],
        &json!({"username": "thor", "email": "donar@asgard.example", "given_name": "Donar",
            "family_name": "Odinson", "mobile_number": "+15550100001"}),
    );
}

#[tokio::test]
async fn operations_with_paths_add_replace_and_remove() {
    let t = TestServer::start().await;
    let token = access_token(&t, THOR);
    let body = patch(json!([
        {"op": "Replace", "path": "name.familyName", "value": "Borson"},
        {"op": "add", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "+15550100009"},
        {"op": "remove", "path": "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName"},
        {"op": "replace", "path": "emails", "value": ["thunder@asgard.example"]}
    ]));
    let reply = patch_me(&t, &token, &body.to_string()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let user = reply.json();
    assert_eq!(user["name"], json!({"familyName": "Borson"}));
    assert_eq!(
        user["phoneNumbers"],
        json!([{"value": "+15550100009", "type": "mobile"}])
    );
    assert_eq!(
        user["emails"],
        json!([{"value": "thunder@asgard.example", "primary": true}])
    );

    let body =
        patch(json!([{"op": "remove", "path": "phoneNumbers"}, {"op": "remove", "path": "name"}]));
    let user = patch_me(&t, &token, &body.to_string()).await.json();
    assert_eq!(user.get("phoneNumbers"), None);
    assert_eq!(user.get("name"), None);
}

#[tokio::test]
async fn patch_errors_are_scim_errors() {
    let t = TestServer::start().await;
    let token = access_token(&t, THOR);
    let cases = [
        (json!({"Operations": []}).to_string(), 400, Some("invalidSyntax"),
            "The request body is not a PatchOp message."),
        (json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "Operations": [
            {"op": "replace", "path": "userName", "value": "thor"}]}).to_string(), 400, Some("invalidSyntax"),
            "The request must declare the schema urn:ietf:params:scim:api:messages:2.0:PatchOp."),
        (patch(json!([])).to_string(), 400, Some("invalidValue"), "The request has no Operations."),
        (patch(json!([{"op": "move", "path": "userName"}])).to_string(), 400, Some("invalidSyntax"),
            "Unknown operation: move."),
        (patch(json!([{"op": "remove"}])).to_string(), 400, Some("noTarget"), "The remove operation needs a path."),
        (patch(json!([{"op": "replace", "path": "userName"}])).to_string(), 400, Some("invalidValue"),
            "The replace operation needs a value."),
        (patch(json!([{"op": "replace", "path": "nickName", "value": "x"}])).to_string(), 400, Some("invalidPath"),
            "The path nickName is not supported."),
        (patch(json!([{"op": "replace", "path": "emails[type eq", "value": "x"}])).to_string(), 400,
            Some("invalidPath"), "The path emails[type eq is not supported."),
        (patch(json!([{"op": "replace", "path": "userName", "value": 7}])).to_string(), 400, Some("invalidValue"),
            "userName must be a string."),
        (patch(json!([{"op": "replace", "value": "thor"}])).to_string(), 400, Some("invalidValue"),
            "Without a path, the value must be a User object."),
        (patch(json!([{"op": "replace", "path": "emails", "value": [{"primary": true}]}])).to_string(), 400,
            Some("invalidValue"), "emails needs a value."),
        (patch(json!([{"op": "replace", "path": "emails.value", "value": "not-an-email"}])).to_string(), 400,
            Some("invalidValue"), "Invalid value for emails: does not match the required pattern."),
        (patch(json!([{"op": "remove", "path": "userName"}])).to_string(), 400, Some("invalidValue"),
            "Required attribute userName is missing."),
        (patch(json!([{"op": "replace", "path": "emails", "value": [{"value": "loki@asgard.example"}]}])).to_string(),
            409, Some("uniqueness"), "The value of emails is already in use."),
    ];
    for (body, status, scim_type, detail) in cases {
        assert_scim_error(
            &patch_me(&t, &token, &body).await,
            status,
            scim_type,
            detail,
        );
    }
    for body in [
        "not json",
        r#"{"schemas": [], "Operations": {}}"#,
        r#"{"Operations": [{"path": "x"}]}"#,
    ] {
        let reply = patch_me(&t, &token, body).await;
        assert_scim_error(
            &reply,
            400,
            Some("invalidSyntax"),
            "The request body is not a PatchOp message.",
        );
    }
    // Nothing was changed by the refused requests.
    let me = call(&t, Method::GET, "/scim2/Me", &token, None)
        .await
        .json();
    assert_eq!(me["userName"], json!("thor"));
    assert_eq!(
        me["emails"],
        json!([{"value": "thor@asgard.example", "primary": true}])
    );
}

#[tokio::test]
async fn without_a_valid_token_scim_answers_a_scim_401() {
    let t = TestServer::start().await;
    for (method, path) in [
        (Method::GET, "/scim2/Me"),
        (Method::PATCH, "/scim2/Me"),
        (Method::GET, "/scim2/Schemas"),
        (Method::GET, "/t/carbon.super/scim2/Me"),
    ] {
        let reply = t.send(t.client.request(method.clone(), t.url(path))).await;
        assert_scim_error(
            &reply,
            401,
            None,
            "Authentication failed for this resource.",
        );
        let reply = call(&t, method, path, "not-a-jwt", None).await;
        assert_scim_error(
            &reply,
            401,
            None,
            "Authentication failed for this resource.",
        );
    }
}

#[tokio::test]
async fn a_token_whose_subject_is_not_a_user_is_not_found() {
    let t = TestServer::start().await;
    let token = client_credentials_token(&t);
    let reply = call(&t, Method::GET, "/scim2/Me", &token, None).await;
    assert_scim_error(&reply, 404, None, "User not found in the user store.");
    let body = patch(json!([{"op": "replace", "path": "userName", "value": "x"}]));
    let reply = patch_me(&t, &token, &body.to_string()).await;
    assert_scim_error(
        &reply,
        404,
        None,
        "No associated user exits in the user store.",
    );
}

#[tokio::test]
async fn schemas_is_a_plain_array_with_the_mapped_user_attributes() {
    let t = TestServer::start().await;
    let token = access_token(&t, THOR);
    let reply = call(&t, Method::GET, "/scim2/Schemas", &token, None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/scim+json"));
    assert_eq!(
        reply.header("location"),
        Some(t.url("/scim2/Schemas").as_str())
    );
    let schemas = reply.json();
    assert!(schemas.is_array(), "the SDK iterates the body as an array");
    insta::assert_json_snapshot!(schemas);

    // Callers that are not users get the first user type's schema.
    let other = call(
        &t,
        Method::GET,
        "/t/carbon.super/scim2/Schemas",
        &client_credentials_token(&t),
        None,
    )
    .await;
    assert_eq!(other.status, 200);
    assert_eq!(
        other.header("location"),
        Some(t.url("/t/carbon.super/scim2/Schemas").as_str())
    );
    assert_json_eq(&other.json(), &schemas);
}
