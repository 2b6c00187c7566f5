//! `/organization-units/tree/{handle-path}[/…]`.

use reqwest::Method;
use serde_json::json;
use thunderid_protocol::ApiErrorCode;

use super::{ENGINEERING, PLATFORM, ROOT, THOR, admin, assert_api_error, call, get_as_admin};
use crate::support::{TestServer, assert_json_eq};

#[tokio::test]
async fn a_unit_is_found_by_the_handles_from_its_root() {
    let t = TestServer::start().await;
    let by_path = get_as_admin(&t, "/organization-units/tree/default/engineering/platform").await;
    let by_id = get_as_admin(&t, &format!("/organization-units/{PLATFORM}")).await;
    assert_eq!(by_path.status, 200, "{}", by_path.body);
    assert_json_eq(&by_path.json(), &by_id.json());
    assert_json_eq(
        &by_path.json(),
        &json!({"id": PLATFORM, "handle": "platform", "name": "Platform",
            "description": "The platform team, inside Engineering", "parent": ENGINEERING,
            "isRegistrationFlowEnabled": false, "isRecoveryFlowEnabled": false,
            "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}),
    );
    // Blank segments and surrounding slashes are ignored.
    let loose = get_as_admin(&t, "/organization-units/tree/default/%20/engineering/").await;
    assert_eq!(loose.json()["id"], ENGINEERING);
    for missing in [
        "/organization-units/tree/engineering",
        "/organization-units/tree/default/nope",
    ] {
        assert_api_error(
            &get_as_admin(&t, missing).await,
            404,
            ApiErrorCode::OuNotFound,
        );
    }
    for empty in ["/organization-units/tree/", "/organization-units/tree/%20"] {
        assert_api_error(
            &get_as_admin(&t, empty).await,
            400,
            ApiErrorCode::OuInvalidHandlePath,
        );
    }
}

#[tokio::test]
async fn the_lists_of_a_unit_are_reached_by_path() {
    let t = TestServer::start().await;
    let children = get_as_admin(&t, "/organization-units/tree/default/ous?limit=1").await;
    assert_json_eq(
        &children.json()["links"],
        &json!([{"href": format!("/organization-units/{ROOT}/ous?offset=1&limit=1"), "rel": "next"},
                {"href": format!("/organization-units/{ROOT}/ous?offset=1&limit=1"), "rel": "last"}]),
    );
    let users = get_as_admin(
        &t,
        "/organization-units/tree/default/engineering/users?include=display",
    )
    .await;
    assert_json_eq(
        &users.json(),
        &json!({"totalResults": 1, "startIndex": 1, "count": 1,
            "users": [{"id": THOR, "type": "Person", "display": "thor"}], "links": []}),
    );
    let roles = get_as_admin(
        &t,
        "/organization-units/tree/default/sales/roles?limit=1&offset=2",
    )
    .await;
    assert_json_eq(
        &roles.json(),
        &json!({"totalResults": 0, "startIndex": 3, "count": 0, "roles": [],
            "links": [{"href": "/organization-units/tree/default/sales/roles?offset=0&limit=1", "rel": "first"},
                      {"href": "/organization-units/tree/default/sales/roles?offset=1&limit=1", "rel": "prev"}]}),
    );
    let groups = get_as_admin(&t, "/organization-units/tree/default/nope/groups").await;
    assert_api_error(&groups, 404, ApiErrorCode::OuNotFound);
    let bad_filter = get_as_admin(&t, "/organization-units/tree/default/ous?filter=x").await;
    assert_api_error(&bad_filter, 400, ApiErrorCode::OuInvalidFilter);
}

#[tokio::test]
async fn a_unit_is_replaced_and_deleted_by_path() {
    let t = TestServer::start().await;
    let token = admin(&t);
    let body = json!({"handle": "platform-team", "name": "Platform Team", "parent": ENGINEERING});
    let path = "/organization-units/tree/default/engineering/platform";
    let replaced = call(&t, Method::PUT, path, Some(&token), Some(&body)).await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    assert_eq!(replaced.json()["handle"], "platform-team");
    let stale = call(&t, Method::PUT, path, Some(&token), Some(&body)).await;
    assert_api_error(&stale, 404, ApiErrorCode::OuNotFound);
    let busy = call(
        &t,
        Method::DELETE,
        "/organization-units/tree/default/engineering",
        Some(&token),
        None,
    )
    .await;
    assert_api_error(&busy, 400, ApiErrorCode::OuCannotDelete);
    let path = "/organization-units/tree/default/engineering/platform-team";
    let deleted = call(&t, Method::DELETE, path, Some(&token), None).await;
    assert_eq!(deleted.status, 204);
    let no_path = call(
        &t,
        Method::DELETE,
        "/organization-units/tree/",
        Some(&token),
        None,
    )
    .await;
    assert_api_error(&no_path, 400, ApiErrorCode::OuInvalidHandlePath);
}
