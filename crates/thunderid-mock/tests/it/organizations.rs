//! Organizations: the organization-unit API, its handle-path form, the legacy organization APIs and
//! the `organization_switch` grant. This module holds the shared helpers and the permission tests.

use reqwest::Method;
use serde_json::{Value, json};
use thunderid_mock::TokenType;
use thunderid_protocol::ApiErrorCode;

use crate::support::{EPOCH, Reply, TestServer, assert_json_eq};

mod legacy;
mod refresh_and_exchange;
mod switch;
mod tree;
mod units;

pub(crate) const ROOT: &str = "01900000-0000-7000-8000-000000000001";
pub(crate) const ENGINEERING: &str = "01900000-0000-7000-8000-000000000002";
pub(crate) const SALES: &str = "01900000-0000-7000-8000-000000000003";
pub(crate) const PLATFORM: &str = "01900000-0000-7000-8000-000000000004";
pub(crate) const ADMIN: &str = "01900000-0000-7000-8000-000000000100";
pub(crate) const THOR: &str = "01900000-0000-7000-8000-000000000101";
pub(crate) const LOKI: &str = "01900000-0000-7000-8000-000000000102";
pub(crate) const M2M_APP: &str = "01900000-0000-7000-8000-0000000000a4";

/// An access token for `sub` with `scope`, plus `extra` claims (such as `ouId`), signed by the mock.
pub(crate) fn token_for(t: &TestServer, sub: &str, scope: &str, extra: Value) -> String {
    let mut claims = json!({
        "iss": t.server.issuer(), "sub": sub, "aud": "sample-web", "exp": EPOCH + 3600,
        "iat": EPOCH, "nbf": EPOCH, "jti": uuid::Uuid::now_v7().to_string(), "scope": scope,
        "client_id": "sample-web", "grant_type": "authorization_code"
    });
    if let (Some(claims), Value::Object(extra)) = (claims.as_object_mut(), extra) {
        claims.extend(extra);
    }
    t.server.sign(TokenType::AccessToken, &claims)
}

/// The admin's token: `system` grants every organization call.
pub(crate) fn admin(t: &TestServer) -> String {
    token_for(t, ADMIN, "openid system", json!({}))
}

/// A request with an optional Bearer token and JSON body.
pub(crate) async fn call(
    t: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Reply {
    let mut request = t.client.request(method, t.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    t.send(request).await
}

/// `GET path` as the admin.
pub(crate) async fn get_as_admin(t: &TestServer, path: &str) -> Reply {
    call(t, Method::GET, path, Some(&admin(t)), None).await
}

/// An envelope-A error with the code's default texts.
#[track_caller]
pub(crate) fn assert_api_error(reply: &Reply, status: u16, code: ApiErrorCode) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_json_eq(
        &reply.json(),
        &serde_json::to_value(code.to_error()).expect("serializes"),
    );
}

/// A body with this server's base URL written as `[base]`, for snapshots.
pub(crate) fn without_base(t: &TestServer, reply: &Reply) -> Value {
    serde_json::from_str(&reply.body.replace(t.server.base_url(), "[base]"))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", reply.body))
}

/// Redact a UUIDv7 after checking its shape.
pub(crate) fn redact_uuid(
    value: insta::internals::Content,
    _path: insta::internals::ContentPath<'_>,
) -> String {
    let text = value.as_str().unwrap_or_default();
    let uuid = uuid::Uuid::parse_str(text).unwrap_or_else(|_| panic!("not a UUID: {text}"));
    assert_eq!(uuid.get_version_num(), 7, "not a UUIDv7: {text}");
    "[uuid-v7]".to_owned()
}

/// Every kind of organization call, with the permission the middleware asks for.
const CALLS: &[(&str, &str, bool)] = &[
    ("GET", "/organization-units", false),
    ("POST", "/organization-units", true),
    (
        "GET",
        "/organization-units/01900000-0000-7000-8000-000000000002",
        false,
    ),
    (
        "PUT",
        "/organization-units/01900000-0000-7000-8000-000000000002",
        true,
    ),
    (
        "DELETE",
        "/organization-units/01900000-0000-7000-8000-000000000004",
        true,
    ),
    (
        "GET",
        "/organization-units/01900000-0000-7000-8000-000000000001/ous",
        false,
    ),
    (
        "GET",
        "/organization-units/01900000-0000-7000-8000-000000000002/users",
        false,
    ),
    ("GET", "/organization-units/tree/default/engineering", false),
    ("PUT", "/organization-units/tree/default/engineering", true),
    (
        "DELETE",
        "/organization-units/tree/default/engineering/platform",
        true,
    ),
    (
        "GET",
        "/api/server/v1/organization-units/01900000-0000-7000-8000-000000000001/children",
        false,
    ),
    ("GET", "/api/server/v1/organizations", false),
    ("POST", "/api/server/v1/organizations", true),
    (
        "GET",
        "/api/server/v1/organizations/01900000-0000-7000-8000-000000000002",
        false,
    ),
    (
        "PATCH",
        "/api/server/v1/organizations/01900000-0000-7000-8000-000000000002",
        true,
    ),
];

fn method(name: &str) -> Method {
    Method::from_bytes(name.as_bytes()).expect("a method")
}

#[tokio::test]
async fn without_a_token_every_organization_call_is_401() {
    let t = TestServer::start().await;
    let calls = CALLS
        .iter()
        .chain(&[("GET", "/api/users/v1/me/organizations", false)]);
    for (name, path, _) in calls {
        let reply = call(&t, method(name), path, None, Some(&json!({}))).await;
        assert_api_error(&reply, 401, ApiErrorCode::AuthUnauthorized);
        assert_eq!(
            reply.header("www-authenticate"),
            Some("Bearer"),
            "{name} {path}"
        );
        let reply = call(&t, method(name), path, Some("not-a-jwt"), None).await;
        assert_api_error(&reply, 401, ApiErrorCode::AuthUnauthorized);
    }
}

#[tokio::test]
async fn thor_without_system_ou_view_is_403_and_a_viewer_may_not_write() {
    let t = TestServer::start().await;
    // Thor's own token from a real sign-in carries no permission.
    let thor = crate::callback::web_tokens(&t, "openid profile email").await;
    let thor = thor["access_token"]
        .as_str()
        .expect("access token")
        .to_owned();
    let viewer = token_for(&t, THOR, "system:ou:view", json!({"ouId": ENGINEERING}));
    for (name, path, write) in CALLS {
        let reply = call(&t, method(name), path, Some(&thor), Some(&json!({}))).await;
        assert_api_error(&reply, 403, ApiErrorCode::AuthForbidden);
        if *write {
            let reply = call(&t, method(name), path, Some(&viewer), Some(&json!({}))).await;
            assert_api_error(&reply, 403, ApiErrorCode::AuthForbidden);
        }
    }
}

#[tokio::test]
async fn the_admin_holding_system_may_read_everything() {
    let t = TestServer::start().await;
    for (name, path, write) in CALLS {
        if *write {
            continue;
        }
        let reply = call(&t, method(name), path, Some(&admin(&t)), None).await;
        assert_eq!(reply.status, 200, "{name} {path}: {}", reply.body);
    }
}

#[tokio::test]
async fn a_caller_without_system_is_confined_to_the_unit_of_its_token() {
    let t = TestServer::start().await;
    let viewer = token_for(&t, THOR, "system:ou:view", json!({"ouId": ENGINEERING}));
    let get = |path: &'static str| call(&t, Method::GET, path, Some(&viewer), None);
    let list = get("/organization-units").await;
    assert_eq!(list.status, 200);
    let names: Vec<String> = list.json()["organizationUnits"]
        .as_array()
        .expect("units")
        .iter()
        .filter_map(|u| u["name"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(names, ["Engineering"]);
    let own = get("/organization-units/01900000-0000-7000-8000-000000000002").await;
    assert_eq!(own.status, 200, "{}", own.body);
    let other = get("/organization-units/01900000-0000-7000-8000-000000000003").await;
    assert_api_error(&other, 403, ApiErrorCode::ServerUnauthorized);
    // Listing children is a `system:ou` action, even for the caller's own unit.
    let children = get("/organization-units/01900000-0000-7000-8000-000000000002/ous").await;
    assert_api_error(&children, 403, ApiErrorCode::ServerUnauthorized);
    // Users need `system:user:view` as well.
    let users = get("/organization-units/01900000-0000-7000-8000-000000000002/users").await;
    assert_api_error(&users, 403, ApiErrorCode::ServerUnauthorized);
    // Roles are not authorized beyond the middleware.
    let roles = get("/organization-units/01900000-0000-7000-8000-000000000002/roles").await;
    assert_eq!(roles.status, 200, "{}", roles.body);
    // Without `ouId` in the token the caller sees nothing.
    let anonymous_unit = token_for(&t, THOR, "system:ou:view", json!({}));
    let list = call(
        &t,
        Method::GET,
        "/organization-units",
        Some(&anonymous_unit),
        None,
    )
    .await;
    assert_json_eq(
        &list.json(),
        &json!({"totalResults": 0, "startIndex": 1, "count": 0, "organizationUnits": [], "links": []}),
    );
}

#[tokio::test]
async fn a_unit_writer_may_change_only_its_own_unit_and_create_roots() {
    let t = TestServer::start().await;
    let writer = token_for(&t, THOR, "system:ou", json!({"ouId": ENGINEERING}));
    let body = json!({"handle": "engineering", "name": "Engineering R&D", "parent": ROOT});
    let own = call(
        &t,
        Method::PUT,
        &format!("/organization-units/{ENGINEERING}"),
        Some(&writer),
        Some(&body),
    )
    .await;
    assert_eq!(own.status, 200, "{}", own.body);
    let body = json!({"handle": "sales", "name": "Sales", "parent": ROOT});
    let other = call(
        &t,
        Method::PUT,
        &format!("/organization-units/{SALES}"),
        Some(&writer),
        Some(&body),
    )
    .await;
    assert_api_error(&other, 403, ApiErrorCode::ServerUnauthorized);
    let under_root = json!({"handle": "ops", "name": "Ops", "parent": ROOT});
    let reply = call(
        &t,
        Method::POST,
        "/organization-units",
        Some(&writer),
        Some(&under_root),
    )
    .await;
    assert_api_error(&reply, 403, ApiErrorCode::ServerUnauthorized);
    let root = json!({"handle": "ops", "name": "Ops"});
    let reply = call(
        &t,
        Method::POST,
        "/organization-units",
        Some(&writer),
        Some(&root),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
}

#[tokio::test]
async fn the_legacy_paths_have_cors_options_and_refusals_have_none() {
    let t = TestServer::start().await;
    let origin = "http://localhost:3000";
    let preflight = t
        .send(
            t.client
                .request(Method::OPTIONS, t.url("/api/server/v1/organizations/x"))
                .header("origin", origin)
                .header("access-control-request-method", "PATCH"),
        )
        .await;
    assert_eq!(preflight.status, 204);
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some(origin)
    );
    assert_eq!(
        preflight.header("access-control-allow-methods"),
        Some("GET, PATCH")
    );
    let token = admin(&t);
    let allowed = t
        .send(
            t.client
                .get(t.url("/api/users/v1/me/organizations"))
                .bearer_auth(&token)
                .header("origin", origin),
        )
        .await;
    assert_eq!(allowed.status, 200, "{}", allowed.body);
    assert_eq!(allowed.header("access-control-allow-origin"), Some(origin));
    assert_eq!(
        allowed.header("access-control-allow-credentials"),
        Some("true")
    );
    let refused = t
        .send(
            t.client
                .get(t.url("/organization-units"))
                .header("origin", origin),
        )
        .await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.header("access-control-allow-origin"), None);
}
