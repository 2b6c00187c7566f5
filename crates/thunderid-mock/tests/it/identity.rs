//! Identity management beyond what the conformance scenarios read: orders of checks, cascades,
//! the default resource server, prefixes, CORS and the bounds of what is stored.

use reqwest::Method;
use serde_json::{Value, json};
use thunderid_mock::bundled::{ADMIN, LOKI, SAMPLE_M2M, THOR};
use thunderid_mock::{Fixtures, MockServer};

use crate::organizations::{admin, call, token_for};
use crate::support::{TestServer, assert_json_eq};

const BOOKING: &str = "01900000-0000-7000-8000-000000000021";
const STAFF: &str = "01900000-0000-7000-8000-000000000042";
const EDITOR: &str = "01900000-0000-7000-8000-000000000052";

async fn as_admin(t: &TestServer, method: Method, path: &str, body: Option<&Value>) -> Value {
    let reply = call(t, method, path, Some(&admin(t)), body).await;
    assert!(reply.status.is_success(), "{path}: {reply:?}");
    if reply.body.is_empty() {
        Value::Null
    } else {
        reply.json()
    }
}

#[tokio::test]
async fn a_group_deleted_takes_its_role_assignments_and_memberships_along() {
    let t = TestServer::start().await;
    let token = admin(&t);
    // staff inside Avengers, so deleting staff must also drop that membership.
    let body = json!({"members": [{"id": STAFF, "type": "group"}]});
    let path = "/groups/01900000-0000-7000-8000-000000000041/members/add";
    as_admin(&t, Method::POST, path, Some(&body)).await;
    let reply = call(
        &t,
        Method::DELETE,
        &format!("/groups/{STAFF}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(reply.status, 204);
    let members = as_admin(
        &t,
        Method::GET,
        "/groups/01900000-0000-7000-8000-000000000041/members",
        None,
    )
    .await;
    assert_eq!(members["members"], json!([{"id": THOR.id, "type": "user"}]));
    let assignments = as_admin(
        &t,
        Method::GET,
        &format!("/roles/{EDITOR}/assignments"),
        None,
    )
    .await;
    assert_eq!(assignments["totalResults"], 0);
}

#[tokio::test]
async fn deleting_a_user_removes_it_from_groups_and_roles() {
    let t = TestServer::start().await;
    as_admin(&t, Method::DELETE, &format!("/users/{}", LOKI.id), None).await;
    let viewer = as_admin(
        &t,
        Method::GET,
        "/roles/01900000-0000-7000-8000-000000000051/assignments",
        None,
    )
    .await;
    assert_eq!(
        viewer["assignments"],
        json!([{"id": SAMPLE_M2M.id, "type": "app"}])
    );
    // The OU can now be deleted: nothing lives in it any more.
    let reply = call(
        &t,
        Method::DELETE,
        "/organization-units/01900000-0000-7000-8000-000000000003",
        Some(&admin(&t)),
        None,
    )
    .await;
    assert_eq!(reply.status, 204, "{reply:?}");
}

#[tokio::test]
async fn a_unit_with_groups_cannot_be_deleted() {
    let t = TestServer::start().await;
    // platform is a leaf; give it a group.
    let body = json!({"name": "ops", "ouId": "01900000-0000-7000-8000-000000000004"});
    as_admin(&t, Method::POST, "/groups", Some(&body)).await;
    let reply = call(
        &t,
        Method::DELETE,
        "/organization-units/01900000-0000-7000-8000-000000000004",
        Some(&admin(&t)),
        None,
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["code"], "OU-1006");
}

#[tokio::test]
async fn a_bad_body_on_an_unknown_user_type_is_400_before_404() {
    let t = TestServer::start().await;
    let reply = call(
        &t,
        Method::PUT,
        "/user-types/01900000-0000-7000-8000-0000000000ff",
        Some(&admin(&t)),
        Some(&json!({"name": "X", "ouId": "01900000-0000-7000-8000-000000000001"})),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json()["description"]["defaultValue"],
        "The user type request contains invalid or missing required fields: schema definition must not be empty"
    );
}

#[tokio::test]
async fn nothing_is_half_applied_after_a_refused_change() {
    let t = TestServer::start().await;
    let token = admin(&t);
    // A role whose second assignment does not exist: refused, and no role was created.
    let body = json!({"name": "half", "ouId": "01900000-0000-7000-8000-000000000001",
        "assignments": [{"id": THOR.id, "type": "user"}, {"id": "ghost", "type": "user"}]});
    let reply = call(&t, Method::POST, "/roles", Some(&token), Some(&body)).await;
    assert_eq!(reply.json()["code"], "ROL-1007");
    let roles = as_admin(&t, Method::GET, "/roles", None).await;
    assert_eq!(roles["totalResults"], 3);
    // Members added together: one bad id refuses them all.
    let body =
        json!({"members": [{"id": LOKI.id, "type": "user"}, {"id": "ghost", "type": "group"}]});
    let reply = call(
        &t,
        Method::POST,
        &format!("/groups/{STAFF}/members/add"),
        Some(&token),
        Some(&body),
    )
    .await;
    assert_eq!(reply.json()["code"], "GRP-1008");
    let members = as_admin(&t, Method::GET, &format!("/groups/{STAFF}/members"), None).await;
    assert_eq!(members["totalResults"], 1);
}

#[tokio::test]
async fn a_default_resource_server_binds_permission_scopes_without_a_resource() {
    let mut fixtures = Fixtures::bundled();
    fixtures.server.default_resource_server = Some(BOOKING.to_owned());
    let t = TestServer::with(MockServer::builder().fixtures(fixtures)).await;
    let reply = t
        .send(
            t.client
                .post(t.url("/oauth2/token"))
                .basic_auth("sample-m2m", Some("sample-m2m-secret"))
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("scope", "booking:read openid"),
                ]),
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json()["scope"], "booking:read");
    let claims = t
        .server
        .verify(reply.json()["access_token"].as_str().unwrap_or_default())
        .expect("a valid token")
        .claims;
    assert_eq!(claims["aud"], "https://api.booking.example");
}

#[tokio::test]
async fn organization_apis_answer_under_the_super_tenant_only() {
    let t = TestServer::start().await;
    let token = admin(&t);
    let reply = call(
        &t,
        Method::GET,
        "/t/carbon.super/organization-units",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let reply = call(
        &t,
        Method::GET,
        "/t/other/organization-units",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn the_organization_qualified_profile_paths_answer_as_the_plain_ones() {
    let t = TestServer::start().await;
    let token = token_for(&t, THOR.id, "openid", json!({}));
    for path in ["/o/users/me", "/o/users/me/meta"] {
        let plain = call(
            &t,
            Method::GET,
            path.trim_start_matches("/o"),
            Some(&token),
            None,
        )
        .await;
        let qualified = call(&t, Method::GET, path, Some(&token), None).await;
        assert_eq!(qualified.status, 200, "{path}: {qualified:?}");
        assert_json_eq(&qualified.json(), &plain.json());
    }
    // Other paths under /o are unknown: the security middleware judges them as the bare path.
    let reply = call(&t, Method::GET, "/o/users", Some(&token), None).await;
    assert_eq!(reply.status, 403);
}

#[tokio::test]
async fn a_refused_direct_auth_secret_is_a_bare_401_without_cors() {
    let t = TestServer::start().await;
    let reply = t
        .send(
            t.client
                .post(t.url("/access/v1/evaluation"))
                .header("origin", "http://localhost:3000")
                .json(&json!({})),
        )
        .await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.header("access-control-allow-origin"), None);
    assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
    // With the secret the same origin gets CORS headers.
    let reply = t
        .send(
            t.client
                .post(t.url("/access/v1/evaluation"))
                .header("origin", "http://localhost:3000")
                .header("direct-auth-secret", "sample-direct-auth-secret")
                .json(&json!({})),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
}

#[tokio::test]
async fn without_a_configured_secret_authzen_refuses_everyone() {
    let mut fixtures = Fixtures::bundled();
    fixtures.server.security.direct_auth_secret = String::new();
    let t = TestServer::with_fixtures(fixtures).await;
    let reply = t
        .send(
            t.client
                .post(t.url("/access/v1/search/action"))
                .header("direct-auth-secret", "")
                .json(&json!({})),
        )
        .await;
    assert_eq!(reply.status, 401);
}

#[tokio::test]
async fn preflights_on_management_paths_carry_the_servers_methods() {
    let t = TestServer::start().await;
    for (path, methods) in [
        ("/users/x", "GET, PUT, DELETE, POST"),
        ("/user-types/x", "GET, PUT, DELETE"),
        ("/groups/x", "GET, POST, PUT, DELETE"),
        ("/roles/x/assignments/add", "POST"),
        ("/resource-servers/x/resources/y/actions", "GET, POST"),
    ] {
        let reply = t
            .send(
                t.client
                    .request(Method::OPTIONS, t.url(path))
                    .header("origin", "http://localhost:3000")
                    .header("access-control-request-method", "GET"),
            )
            .await;
        assert_eq!(reply.status, 204, "{path}");
        assert_eq!(
            reply.header("access-control-allow-methods"),
            Some(methods),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_created_user_is_stored_with_its_credentials_apart() {
    let t = TestServer::start().await;
    let body = json!({"ouId": "01900000-0000-7000-8000-000000000001", "type": "Person",
        "attributes": {"username": "sif", "email": "sif@asgard.example", "password": "Sif@12345"}});
    let user = as_admin(&t, Method::POST, "/users", Some(&body)).await;
    let id = user["id"].as_str().unwrap_or_default();
    assert!(t.server.password_matches(id, "Sif@12345"));
    assert!(user["attributes"].get("password").is_none());
    // The admin update-credentials call needs `system`: system:user is not enough.
    let writer = token_for(&t, ADMIN.id, "system:user", json!({}));
    let body = json!({"credentials": {"password": "x"}});
    let reply = call(
        &t,
        Method::POST,
        &format!("/users/{id}/update-credentials"),
        Some(&writer),
        Some(&body),
    )
    .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.json()["code"], "AUTH-4030");
}
