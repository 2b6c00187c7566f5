//! `/organization-units` and `/organization-units/{id}[/…]`: shapes, paging, filters, CRUD and every
//! `OU-*` error.

use reqwest::Method;
use serde_json::{Value, json};
use thunderid_protocol::ApiErrorCode;

use super::{
    ENGINEERING, PLATFORM, ROOT, SALES, THOR, admin, assert_api_error, call, get_as_admin,
    redact_uuid,
};
use crate::support::{TestServer, assert_json_eq};

async fn send(t: &TestServer, method: Method, path: &str, body: &Value) -> crate::support::Reply {
    call(t, method, path, Some(&admin(t)), Some(body)).await
}

#[tokio::test]
async fn the_root_list_has_the_servers_shape() {
    let t = TestServer::start().await;
    let reply = get_as_admin(&t, "/organization-units").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert!(
        reply.body.ends_with('\n'),
        "Go's encoder ends with a newline"
    );
    assert_json_eq(
        &reply.json(),
        &json!({
            "totalResults": 1, "startIndex": 1, "count": 1,
            "organizationUnits": [{
                "id": ROOT, "handle": "default", "name": "Default",
                "description": "The root organization unit", "isReadOnly": false,
                "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"
            }],
            "links": []
        }),
    );
}

#[tokio::test]
async fn children_are_listed_by_name_with_the_servers_pagination_links() {
    let t = TestServer::start().await;
    let first = get_as_admin(&t, &format!("/organization-units/{ROOT}/ous?limit=1")).await;
    assert_eq!(first.status, 200, "{}", first.body);
    insta::assert_json_snapshot!("children_first_page", first.json());
    let second = get_as_admin(
        &t,
        &format!("/organization-units/{ROOT}/ous?limit=1&offset=1"),
    )
    .await;
    insta::assert_json_snapshot!("children_second_page", second.json());
    let all = get_as_admin(
        &t,
        &format!("/organization-units/{ENGINEERING}/ous?limit=0"),
    )
    .await;
    assert_eq!(all.json()["organizationUnits"][0]["name"], "Platform");
    assert_eq!(all.json()["count"], 1);
    let leaf = get_as_admin(&t, &format!("/organization-units/{PLATFORM}/ous")).await;
    assert_json_eq(
        &leaf.json(),
        &json!({"totalResults": 0, "startIndex": 1, "count": 0, "organizationUnits": [], "links": []}),
    );
}

#[tokio::test]
async fn filters_select_units_and_malformed_ones_are_ou_1014() {
    let t = TestServer::start().await;
    let children = |filter: &str| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("filter", filter)
            .finish();
        let path = format!("/organization-units/{ROOT}/ous?{query}");
        let t = &t;
        async move { get_as_admin(t, &path).await }
    };
    let names = |reply: &crate::support::Reply| -> Vec<String> {
        reply.json()["organizationUnits"]
            .as_array()
            .expect("units")
            .iter()
            .filter_map(|u| u["name"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(names(&children(r#"name eq "SALES""#).await), ["Sales"]);
    assert_eq!(
        names(&children(r#"handle eq "sales" or handle eq "engineering""#).await),
        ["Engineering", "Sales"]
    );
    assert_eq!(names(&children(r#"name gt "F""#).await), ["Sales"]);
    assert!(names(&children("name eq 5").await).is_empty());
    for bad in [
        "",
        "  ",
        "name",
        r#"name ne "x""#,
        r#"name eq """#,
        r#"parent eq "x""#,
    ] {
        assert_api_error(&children(bad).await, 400, ApiErrorCode::OuInvalidFilter);
    }
    let roots = get_as_admin(&t, "/organization-units?filter=name%20eq%20%22nope%22").await;
    assert_eq!(roots.json()["totalResults"], 0);
}

#[tokio::test]
async fn paging_parameters_are_ou_1010_and_ou_1011() {
    let t = TestServer::start().await;
    for (query, code) in [
        ("limit=abc", ApiErrorCode::OuInvalidLimit),
        ("limit=101", ApiErrorCode::OuInvalidLimit),
        ("limit=-1", ApiErrorCode::OuInvalidLimit),
        ("offset=x", ApiErrorCode::OuInvalidOffset),
        ("offset=-1", ApiErrorCode::OuInvalidOffset),
        ("limit=1.5&offset=x", ApiErrorCode::OuInvalidLimit),
    ] {
        for path in [
            "/organization-units".to_owned(),
            format!("/organization-units/{ROOT}/ous"),
            format!("/organization-units/{ROOT}/users"),
        ] {
            let reply = get_as_admin(&t, &format!("{path}?{query}")).await;
            assert_api_error(&reply, 400, code.clone());
        }
    }
    let huge = get_as_admin(
        &t,
        "/organization-units?limit=100&offset=9223372036854775807",
    )
    .await;
    assert_eq!(huge.status, 200, "{}", huge.body);
    assert_eq!(huge.json()["count"], 0);
    let reply = get_as_admin(&t, "/organization-units?limit=0&offset=5").await;
    assert_json_eq(
        &reply.json(),
        &json!({"totalResults": 1, "startIndex": 6, "count": 0, "organizationUnits": [],
            "links": [{"href": "/organization-units?offset=0&limit=30", "rel": "first"},
                      {"href": "/organization-units?offset=0&limit=30", "rel": "prev"}]}),
    );
}

#[tokio::test]
async fn a_unit_is_created_read_replaced_and_deleted() {
    let t = TestServer::start().await;
    let body = json!({"handle": "qa", "name": "  Quality\u{0007} ", "description": "Tests things",
        "parent": ENGINEERING, "logoUrl": "https://example.com/qa.png", "isRecoveryFlowEnabled": true});
    let created = send(&t, Method::POST, "/organization-units", &body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    insta::assert_json_snapshot!("created_unit", created.json(), {".id" => insta::dynamic_redaction(redact_uuid)});
    let id = created.json()["id"].as_str().expect("id").to_owned();
    let read = get_as_admin(&t, &format!("/organization-units/{id}")).await;
    assert_json_eq(&read.json(), &created.json());
    t.server.clock().advance(std::time::Duration::from_secs(60));
    let replacement = json!({"handle": "quality", "name": "Quality", "parent": ROOT});
    let replaced = send(
        &t,
        Method::PUT,
        &format!("/organization-units/{id}"),
        &replacement,
    )
    .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    assert_json_eq(
        &replaced.json(),
        &json!({"id": id, "handle": "quality", "name": "Quality", "parent": ROOT,
            "isRegistrationFlowEnabled": false, "isRecoveryFlowEnabled": false,
            "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:01:00Z"}),
    );
    let children = get_as_admin(&t, &format!("/organization-units/{ROOT}/ous")).await;
    assert_eq!(children.json()["totalResults"], 3);
    let deleted = call(
        &t,
        Method::DELETE,
        &format!("/organization-units/{id}"),
        Some(&admin(&t)),
        None,
    )
    .await;
    assert_eq!(deleted.status, 204);
    assert!(deleted.body.is_empty());
    let gone = get_as_admin(&t, &format!("/organization-units/{id}")).await;
    assert_api_error(&gone, 404, ApiErrorCode::OuNotFound);
}

#[tokio::test]
async fn a_body_failing_the_struct_tags_is_invalid_input_metadata() {
    let t = TestServer::start().await;
    let long = "x".repeat(101);
    let reply = send(
        &t,
        Method::POST,
        "/organization-units",
        &json!({"name": " ", "handle": long}),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_json_eq(
        &reply.json(),
        &json!({
            "code": "INVALID_INPUT_METADATA", "message": "Validation Failed",
            "description": "One or more inbound fields failed structural edge-boundary rules.",
            "errors": {
                "handle": "The field 'handle' exceeds its maximum allowed size of 100 characters.",
                "name": "The field 'name' is missing but is strictly required."
            }
        }),
    );
}

#[tokio::test]
async fn create_errors_are_the_servers() {
    let t = TestServer::start().await;
    let raw = |body: &'static str| {
        t.send(
            t.client
                .post(t.url("/organization-units"))
                .bearer_auth(admin(&t))
                .header("content-type", "application/json")
                .body(body),
        )
    };
    for body in [
        "",
        "{",
        "[]",
        r#"{"handle": 1, "name": "n"}"#,
        r#"{"handle":"h","name":"n","parent":5}"#,
    ] {
        assert_api_error(&raw(body).await, 400, ApiErrorCode::OuInvalidRequestFormat);
    }
    let cases = [
        (
            json!({"handle": "a/b", "name": "AB"}),
            400,
            ApiErrorCode::OuInvalidRequestFormat,
        ),
        (
            json!({"handle": "x", "name": "\u{0001}"}),
            400,
            ApiErrorCode::OuInvalidRequestFormat,
        ),
        (
            json!({"handle": "x", "name": "X", "parent": "nope"}),
            400,
            ApiErrorCode::OuParentNotFound,
        ),
        (
            json!({"handle": "x", "name": "X", "parent": ""}),
            400,
            ApiErrorCode::OuParentNotFound,
        ),
        (
            json!({"handle": "eng", "name": "Engineering", "parent": ROOT}),
            409,
            ApiErrorCode::OuNameConflict,
        ),
        (
            json!({"handle": "sales", "name": "Other", "parent": ROOT}),
            409,
            ApiErrorCode::OuHandleConflict,
        ),
        (
            json!({"handle": "default", "name": "Default"}),
            409,
            ApiErrorCode::OuNameConflict,
        ),
        (
            json!({"handle": "x", "name": "X", "authFlowId": "nope"}),
            400,
            ApiErrorCode::OuInvalidAuthFlowId,
        ),
    ];
    for (body, status, code) in cases {
        let reply = send(&t, Method::POST, "/organization-units", &body).await;
        assert_api_error(&reply, status, code);
    }
}

#[tokio::test]
async fn update_errors_are_the_servers() {
    let t = TestServer::start().await;
    let put = |id: &str, body: Value| {
        let path = format!("/organization-units/{id}");
        let t = &t;
        async move { send(t, Method::PUT, &path, &body).await }
    };
    let engineering =
        |parent: &str| json!({"handle": "engineering", "name": "Engineering", "parent": parent});
    assert_api_error(
        &put("nope", engineering(ROOT)).await,
        404,
        ApiErrorCode::OuNotFound,
    );
    assert_api_error(
        &put(ENGINEERING, engineering(PLATFORM)).await,
        400,
        ApiErrorCode::OuCircularDependency,
    );
    assert_api_error(
        &put(ENGINEERING, engineering(ENGINEERING)).await,
        400,
        ApiErrorCode::OuCircularDependency,
    );
    assert_api_error(
        &put(ENGINEERING, engineering("nope")).await,
        400,
        ApiErrorCode::OuParentNotFound,
    );
    let renamed = json!({"handle": "engineering", "name": "Sales", "parent": ROOT});
    assert_api_error(
        &put(ENGINEERING, renamed).await,
        409,
        ApiErrorCode::OuNameConflict,
    );
    let rehandled = json!({"handle": "sales", "name": "Engineering", "parent": ROOT});
    assert_api_error(
        &put(ENGINEERING, rehandled).await,
        409,
        ApiErrorCode::OuHandleConflict,
    );
    // The body is checked before the unit is looked up.
    assert_api_error(
        &put("nope", json!([])).await,
        400,
        ApiErrorCode::OuInvalidRequestFormat,
    );
    // Unchanged name and handle are not conflicts with the unit itself.
    assert_eq!(put(ENGINEERING, engineering(ROOT)).await.status, 200);
    // Moving Platform under Sales keeps it findable there.
    let moved = put(
        PLATFORM,
        json!({"handle": "platform", "name": "Platform", "parent": SALES}),
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let sales = get_as_admin(&t, &format!("/organization-units/{SALES}/ous")).await;
    assert_eq!(sales.json()["organizationUnits"][0]["id"], PLATFORM);
}

#[tokio::test]
async fn units_with_children_or_users_are_not_deleted() {
    let t = TestServer::start().await;
    let token = admin(&t);
    let delete = |id: &str| {
        let path = format!("/organization-units/{id}");
        let (t, token) = (&t, &token);
        async move { call(t, Method::DELETE, &path, Some(token), None).await }
    };
    assert_api_error(
        &delete(ENGINEERING).await,
        400,
        ApiErrorCode::OuCannotDelete,
    );
    assert_api_error(&delete(SALES).await, 400, ApiErrorCode::OuCannotDelete);
    assert_api_error(&delete("nope").await, 404, ApiErrorCode::OuNotFound);
    assert_eq!(delete(PLATFORM).await.status, 204);
    assert_api_error(&delete(PLATFORM).await, 404, ApiErrorCode::OuNotFound);
    // Reset brings the fixture tree back.
    let reset = t.post_json("/__mock/reset", &json!({})).await;
    assert!(reset.status.is_success(), "{}", reset.body);
    assert_eq!(
        get_as_admin(&t, &format!("/organization-units/{PLATFORM}"))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn member_lists_have_the_servers_shapes() {
    let t = TestServer::start().await;
    let users = get_as_admin(&t, &format!("/organization-units/{ENGINEERING}/users")).await;
    assert_json_eq(
        &users.json(),
        &json!({"totalResults": 1, "startIndex": 1, "count": 1,
            "users": [{"id": THOR, "type": "Person"}], "links": []}),
    );
    let display = get_as_admin(
        &t,
        &format!("/organization-units/{ROOT}/users?include=display"),
    )
    .await;
    insta::assert_json_snapshot!("users_with_display", display.json());
    for list in ["groups", "roles"] {
        let reply = get_as_admin(&t, &format!("/organization-units/{SALES}/{list}")).await;
        assert_json_eq(
            &reply.json(),
            &json!({"totalResults": 0, "startIndex": 1, "count": 0, list: [], "links": []}),
        );
        let missing = get_as_admin(&t, &format!("/organization-units/nope/{list}")).await;
        assert_api_error(&missing, 404, ApiErrorCode::OuNotFound);
    }
    let unknown = get_as_admin(&t, &format!("/organization-units/{SALES}/apps")).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.body, "404 page not found\n");
    let missing_id = get_as_admin(&t, "/organization-units/").await;
    assert_api_error(&missing_id, 400, ApiErrorCode::OuMissingOuId);
    let missing_unit = get_as_admin(&t, "/organization-units/nope").await;
    assert_api_error(&missing_unit, 404, ApiErrorCode::OuNotFound);
}
