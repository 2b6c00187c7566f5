//! The SDK's children path and the legacy organization APIs (`/api/users/v1/me/organizations`,
//! `/api/server/v1/organizations[/{id}]`), served from the organization units.

use reqwest::Method;
use serde_json::{Value, json};
use thunderid_protocol::ApiErrorCode;

use super::{
    ENGINEERING, LOKI, PLATFORM, ROOT, SALES, THOR, admin, assert_api_error, call, get_as_admin,
    redact_uuid, token_for, without_base,
};
use crate::support::{TestServer, assert_json_eq};

fn names(body: &Value) -> Vec<String> {
    body["organizations"]
        .as_array()
        .expect("organizations")
        .iter()
        .filter_map(|o| o["name"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_sdk_children_path_answers_the_sdk_shape() {
    let t = TestServer::start().await;
    let path = format!("/api/server/v1/organization-units/{ROOT}/children?limit=1&offset=1");
    let reply = get_as_admin(&t, &path).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_json_eq(
        &reply.json(),
        &json!({
            "organizationUnits": [{"id": SALES, "name": "Sales", "description": "Sells the products",
                "parentId": ROOT, "status": "ACTIVE"}],
            "totalResults": 2, "startIndex": 2, "count": 1
        }),
    );
    let missing = get_as_admin(&t, "/api/server/v1/organization-units/nope/children").await;
    assert_api_error(&missing, 404, ApiErrorCode::OuNotFound);
    let bad = get_as_admin(
        &t,
        &format!("/api/server/v1/organization-units/{ROOT}/children?limit=x"),
    )
    .await;
    assert_api_error(&bad, 400, ApiErrorCode::OuInvalidLimit);
}

#[tokio::test]
async fn my_organizations_are_my_unit_and_the_units_below_it() {
    let t = TestServer::start().await;
    let mine = |sub: &str, query: &str| {
        let token = token_for(&t, sub, "openid", json!({}));
        let path = format!("/api/users/v1/me/organizations{query}");
        let t = &t;
        async move { call(t, Method::GET, &path, Some(&token), None).await }
    };
    // What the SDK's getMeOrganizations sends by default.
    let thor = mine(THOR, "?limit=10&recursive=false").await;
    assert_eq!(thor.status, 200, "{}", thor.body);
    insta::assert_json_snapshot!("my_organizations_thor", without_base(&t, &thor));
    assert_eq!(names(&mine(LOKI, "").await.json()), ["Sales"]);
    let admin_direct = mine(super::ADMIN, "?recursive=false").await;
    assert_eq!(
        names(&admin_direct.json()),
        ["Default", "Engineering", "Sales"]
    );
    let admin_all = mine(super::ADMIN, "?recursive=true").await;
    assert_eq!(
        names(&admin_all.json()),
        ["Default", "Engineering", "Platform", "Sales"]
    );
    let filtered = mine(super::ADMIN, "?recursive=true&filter=name%20co%20a").await;
    assert_eq!(names(&filtered.json()), ["Default", "Platform", "Sales"]);
    let unknown = mine(super::M2M_APP, "").await;
    assert_api_error(&unknown, 404, ApiErrorCode::UserNotFound);
}

#[tokio::test]
async fn legacy_lists_page_with_cursors() {
    let t = TestServer::start().await;
    let first = get_as_admin(&t, "/api/server/v1/organizations?limit=2&recursive=true").await;
    assert_eq!(first.status, 200, "{}", first.body);
    insta::assert_json_snapshot!("all_organizations_first_page", without_base(&t, &first));
    let next = first.json()["nextCursor"]
        .as_str()
        .expect("a cursor")
        .to_owned();
    let second = get_as_admin(
        &t,
        &format!("/api/server/v1/organizations?limit=2&recursive=true&after={next}"),
    )
    .await;
    assert_eq!(names(&second.json()), ["Platform", "Sales"]);
    assert_eq!(second.json()["hasMore"], false);
    assert!(second.json().get("nextCursor").is_none());
    let href = second.json()["links"][0]["href"]
        .as_str()
        .expect("previous")
        .to_owned();
    assert_eq!(second.json()["links"][0]["rel"], "previous");
    let back = get_as_admin(&t, &href).await;
    assert_eq!(names(&back.json()), ["Default", "Engineering"]);
    let roots = get_as_admin(&t, "/api/server/v1/organizations").await;
    assert_eq!(names(&roots.json()), ["Default"]);
    for (query, code) in [
        ("after=!!", ApiErrorCode::OuInvalidOffset),
        ("after=bm9wZQ", ApiErrorCode::OuInvalidOffset),
        ("after=bm9wZQ&before=bm9wZQ", ApiErrorCode::OuInvalidOffset),
        ("limit=0", ApiErrorCode::OuInvalidLimit),
        ("limit=many", ApiErrorCode::OuInvalidLimit),
        ("filter=name%20zz%20x", ApiErrorCode::OuInvalidFilter),
    ] {
        let reply = get_as_admin(&t, &format!("/api/server/v1/organizations?{query}")).await;
        assert_api_error(&reply, 400, code);
    }
}

#[tokio::test]
async fn a_legacy_organization_is_a_unit_created_read_and_patched() {
    let t = TestServer::start().await;
    let token = admin(&t);
    // What the SDK's createOrganization sends.
    let body = json!({"name": "Acme Corp.", "description": "A customer", "parentId": ENGINEERING, "type": "TENANT"});
    let created = call(
        &t,
        Method::POST,
        "/api/server/v1/organizations",
        Some(&token),
        Some(&body),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    insta::assert_json_snapshot!("created_organization", without_base(&t, &created), {".id" => insta::dynamic_redaction(redact_uuid)});
    let id = created.json()["id"].as_str().expect("id").to_owned();
    let unit = get_as_admin(&t, &format!("/organization-units/{id}")).await;
    assert_eq!(unit.json()["handle"], "acme-corp");
    assert_eq!(unit.json()["parent"], ENGINEERING);
    // What updateOrganization sends for createPatchOperations({name, description: ""}).
    let operations = json!([
        {"operation": "REPLACE", "path": "/name", "value": "Acme"},
        {"operation": "REMOVE", "path": "/description"}
    ]);
    let path = format!("/api/server/v1/organizations/{id}");
    let patched = call(&t, Method::PATCH, &path, Some(&token), Some(&operations)).await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.json()["name"], "Acme");
    assert!(patched.json().get("description").is_none());
    let read = get_as_admin(&t, &path).await;
    assert_json_eq(&read.json(), &patched.json());
    let unit = get_as_admin(&t, &format!("/organization-units/{id}")).await;
    assert_eq!(unit.json()["name"], "Acme");
}

#[tokio::test]
async fn legacy_errors_are_the_unit_errors() {
    let t = TestServer::start().await;
    let token = admin(&t);
    let post = |body: Value| {
        let (t, token) = (&t, &token);
        async move {
            call(
                t,
                Method::POST,
                "/api/server/v1/organizations",
                Some(token),
                Some(&body),
            )
            .await
        }
    };
    let patch = |id: &str, body: Value| {
        let path = format!("/api/server/v1/organizations/{id}");
        let (t, token) = (&t, &token);
        async move { call(t, Method::PATCH, &path, Some(token), Some(&body)).await }
    };
    let conflict =
        json!({"name": "Platform", "description": "", "parentId": ENGINEERING, "type": "TENANT"});
    assert_api_error(&post(conflict).await, 409, ApiErrorCode::OuNameConflict);
    let orphan = json!({"name": "X", "description": "", "parentId": "nope", "type": "TENANT"});
    assert_api_error(&post(orphan).await, 400, ApiErrorCode::OuParentNotFound);
    for bad in [
        json!({"name": "X"}),
        json!({"name": "!!!", "type": "TENANT"}),
        json!({"name": "X", "type": "OTHER"}),
    ] {
        assert_api_error(&post(bad).await, 400, ApiErrorCode::OuInvalidRequestFormat);
    }
    let rename = json!([{"operation": "REPLACE", "path": "/name", "value": "Sales"}]);
    assert_api_error(
        &patch(ENGINEERING, rename.clone()).await,
        409,
        ApiErrorCode::OuNameConflict,
    );
    assert_api_error(&patch("nope", rename).await, 404, ApiErrorCode::OuNotFound);
    for bad in [
        json!([]),
        json!({}),
        json!([{"operation": "REMOVE", "path": "/name"}]),
        json!([{"operation": "REPLACE", "path": "/status", "value": "x"}]),
        json!([{"operation": "MOVE", "path": "/name", "value": "x"}]),
        json!([{"operation": "REPLACE", "path": "/name", "value": 5}]),
    ] {
        assert_api_error(
            &patch(PLATFORM, bad).await,
            400,
            ApiErrorCode::OuInvalidRequestFormat,
        );
    }
    let missing = get_as_admin(&t, "/api/server/v1/organizations/nope").await;
    assert_api_error(&missing, 404, ApiErrorCode::OuNotFound);
}
