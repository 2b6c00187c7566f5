//! The design API (`design.yaml`): themes and layouts with the server's checks, answers and
//! pagination, and the resolved design in `/design/resolve`, `/flow/meta` and on the gate.

use reqwest::Method;
use serde_json::{Value, json};
use thunderid_mock::Fixtures;
use thunderid_protocol::ApiErrorCode;

use crate::callback::{query_string, spa_query};
use crate::organizations::{admin, assert_api_error, call};
use crate::support::{Reply, TestServer, assert_json_eq};

const SPA_APP: &str = "01900000-0000-7000-8000-0000000000a1";
const THEME: &str = "0195f000-0000-7000-8000-00000000d001";

async fn as_admin(t: &TestServer, method: Method, path: &str, body: Option<&Value>) -> Reply {
    call(t, method, path, Some(&admin(t)), body).await
}

/// The bundled fixtures with the SPA naming [`THEME`] and a layout that does not exist.
fn themed() -> Fixtures {
    let mut fixtures = Fixtures::bundled();
    let spa = fixtures
        .applications
        .iter_mut()
        .find(|a| a.id == SPA_APP)
        .expect("the SPA");
    spa.theme_id = Some(THEME.to_owned());
    spa.layout_id = Some("0195f000-0000-7000-8000-00000000d0ff".to_owned());
    fixtures
}

const ORANGE: &str = r##"{"displayName": "Orange", "handle": "orange", "theme":
  {"defaultColorScheme": "light", "colorSchemes": {"light": {"palette": {"primary": {"main": "#fa7b3f"}}}},
   "direction": "ltr"}}"##;

#[tokio::test]
async fn a_theme_keeps_its_document_as_written_and_lists_its_primary_colour() {
    let t = TestServer::start().await;
    let created = t
        .send(
            t.client
                .post(t.url("/design/themes"))
                .bearer_auth(admin(&t))
                .header("content-type", "application/json")
                .body(ORANGE),
        )
        .await;
    assert_eq!(created.status, 201);
    let id = created.json()["id"].as_str().expect("an id").to_owned();
    assert_eq!(
        created.body,
        format!(
            "{{\"id\":\"{id}\",\"handle\":\"orange\",\"displayName\":\"Orange\",\"description\":\"\",\
             \"theme\":{{\"defaultColorScheme\":\"light\",\"colorSchemes\":{{\"light\":{{\"palette\":\
             {{\"primary\":{{\"main\":\"#fa7b3f\"}}}}}}}},\"direction\":\"ltr\"}},\"createdAt\":\"\",\
             \"updatedAt\":\"\",\"isReadOnly\":false}}\n"
        )
    );
    let got = as_admin(&t, Method::GET, &format!("/design/themes/{id}"), None).await;
    let mut body = got.json();
    assert_eq!(body["createdAt"], "2026-01-01 00:00:00");
    body["id"] = json!("[id]");
    insta::assert_json_snapshot!("theme_get", body);
    let list = as_admin(&t, Method::GET, "/design/themes", None)
        .await
        .json();
    assert_json_eq(
        &list,
        &json!({"totalResults": 1, "startIndex": 1, "count": 1, "themes": [
            {"id": id, "handle": "orange", "displayName": "Orange", "description": "",
             "defaultColorScheme": "light", "primaryColor": "#fa7b3f",
             "createdAt": "2026-01-01 00:00:00", "updatedAt": "2026-01-01 00:00:00", "isReadOnly": false}],
            "links": []}),
    );
}

#[tokio::test]
async fn checks_run_in_the_servers_order() {
    let t = TestServer::start().await;
    as_admin(
        &t,
        Method::POST,
        "/design/themes",
        Some(&serde_json::from_str(ORANGE).unwrap()),
    )
    .await;
    let cases: &[(Method, &str, Value, u16, ApiErrorCode)] = &[
        (
            Method::POST,
            "/design/themes",
            json!([1]),
            400,
            ApiErrorCode::ThemeInvalidThemeData,
        ),
        (
            Method::POST,
            "/design/themes",
            json!({"handle": "x"}),
            400,
            ApiErrorCode::ThemeMissingDisplayName,
        ),
        (
            Method::POST,
            "/design/themes",
            json!({"displayName": "X"}),
            400,
            ApiErrorCode::ThemeMissingThemeHandle,
        ),
        (
            Method::POST,
            "/design/themes",
            json!({"displayName": "X", "handle": "orange"}),
            400,
            ApiErrorCode::ThemeDuplicateThemeHandle,
        ),
        (
            Method::POST,
            "/design/themes",
            json!({"displayName": "X", "handle": "x"}),
            400,
            ApiErrorCode::ThemeMissingTheme,
        ),
        (
            Method::POST,
            "/design/themes",
            json!({"displayName": "X", "handle": "x", "theme": []}),
            400,
            ApiErrorCode::ThemeInvalidThemeFormat,
        ),
        (
            Method::PUT,
            "/design/themes/nope",
            json!({"theme": {}}),
            400,
            ApiErrorCode::ThemeMissingDisplayName,
        ),
        (
            Method::PUT,
            "/design/themes/nope",
            json!({"displayName": "X", "theme": {}}),
            404,
            ApiErrorCode::ThemeThemeNotFound,
        ),
        (
            Method::POST,
            "/design/layouts",
            json!({"displayName": "X", "handle": "x", "layout": "grid"}),
            400,
            ApiErrorCode::LayoutInvalidLayoutFormat,
        ),
        (
            Method::POST,
            "/design/layouts",
            json!({"displayName": "X"}),
            400,
            ApiErrorCode::LayoutMissingLayoutHandle,
        ),
        (
            Method::GET,
            "/design/themes?limit=x",
            Value::Null,
            400,
            ApiErrorCode::ThemeInvalidLimitParam,
        ),
        (
            Method::GET,
            "/design/themes?offset=1.5",
            Value::Null,
            400,
            ApiErrorCode::ThemeInvalidOffsetParam,
        ),
        (
            Method::GET,
            "/design/themes?offset=-1",
            Value::Null,
            400,
            ApiErrorCode::ThemeInvalidOffsetValue,
        ),
        (
            Method::GET,
            "/design/layouts?limit=abc",
            Value::Null,
            400,
            ApiErrorCode::LayoutInvalidLimitParam,
        ),
        (
            Method::GET,
            "/design/layouts/nope",
            Value::Null,
            404,
            ApiErrorCode::LayoutLayoutNotFound,
        ),
        (
            Method::GET,
            "/design/layouts/nope/usages",
            Value::Null,
            404,
            ApiErrorCode::LayoutLayoutNotFound,
        ),
    ];
    for (method, path, body, status, code) in cases {
        let body = (!body.is_null()).then_some(body);
        let reply = as_admin(&t, method.clone(), path, body).await;
        assert_api_error(&reply, *status, code.clone());
    }
    let wide = as_admin(&t, Method::GET, "/design/themes?limit=101", None).await;
    assert_eq!(wide.status, 400);
    assert_json_eq(
        &wide.json(),
        &json!({"code": "THM-1008",
                "message": {"key": "theme.error.invalid_limit", "defaultValue": "Invalid limit"},
                "description": {"key": "error.themeservice.invalid_limit_value_description",
                                "defaultValue": "Limit must be between 1 and 100", "params": {"max": "100"}}}),
    );
}

#[tokio::test]
async fn the_handle_cannot_change_and_a_delete_always_succeeds() {
    let t = TestServer::start().await;
    let body = json!({"displayName": "Grid", "handle": "grid", "layout": {"columns": 2}});
    let created = as_admin(&t, Method::POST, "/design/layouts", Some(&body))
        .await
        .json();
    let path = format!("/design/layouts/{}", created["id"].as_str().unwrap());
    let renamed = json!({"displayName": "Grid", "handle": "other", "layout": {}});
    let reply = as_admin(&t, Method::PUT, &path, Some(&renamed)).await;
    assert_api_error(&reply, 400, ApiErrorCode::LayoutLayoutHandleImmutable);
    let kept =
        json!({"displayName": "Wide grid", "description": "Two columns", "layout": {"columns": 3}});
    let updated = as_admin(&t, Method::PUT, &path, Some(&kept)).await;
    assert_json_eq(
        &updated.json(),
        &json!({"id": created["id"], "handle": "grid", "displayName": "Wide grid", "description": "Two columns",
                "layout": {"columns": 3}, "createdAt": "", "updatedAt": "", "isReadOnly": false}),
    );
    for _ in 0..2 {
        let deleted = as_admin(&t, Method::DELETE, &path, None).await;
        assert_eq!((deleted.status.as_u16(), deleted.body.as_str()), (204, ""));
    }
}

#[tokio::test]
async fn pages_link_to_the_previous_and_next_ones() {
    let t = TestServer::start().await;
    for n in 0..3 {
        let body = json!({"displayName": format!("T{n}"), "handle": format!("t{n}"), "theme": {}});
        as_admin(&t, Method::POST, "/design/themes", Some(&body)).await;
    }
    let page = as_admin(&t, Method::GET, "/design/themes?limit=1&offset=1", None)
        .await
        .json();
    assert_eq!(page["themes"][0]["handle"], "t1");
    assert_json_eq(
        &page["links"],
        &json!([{"href": "/design/themes?limit=1&offset=0", "rel": "previous"},
                {"href": "/design/themes?limit=1&offset=2", "rel": "next"}]),
    );
    assert_eq!(page["startIndex"], 2);
}

#[tokio::test]
async fn an_applications_theme_resolves_and_colours_its_sign_in_page() {
    let t = TestServer::with_fixtures(themed()).await;
    let resolve = format!("/design/resolve?type=app&id={SPA_APP}");
    // The theme named does not exist yet, nor the layout: both are left out.
    assert_eq!(t.get(&resolve).await.body, "{}\n");
    let content = format!(
        "resource_type: theme\nid: {THEME}\nhandle: orange\ndisplayName: Orange\ntheme:\n  colorSchemes:\n    light:\n      palette:\n        primary:\n          main: \"#fa7b3f\"\n"
    );
    let imported = as_admin(
        &t,
        Method::POST,
        "/import",
        Some(&json!({"content": content})),
    )
    .await;
    assert_json_eq(
        &imported.json()["results"],
        &json!([{"resourceType": "theme", "resourceId": THEME, "resourceName": "Orange",
                 "operation": "create", "status": "success"}]),
    );
    let resolved = t.get(&resolve).await;
    assert_eq!(
        resolved.body,
        "{\"theme\":{\"colorSchemes\":{\"light\":{\"palette\":{\"primary\":{\"main\":\"#fa7b3f\"}}}}}}\n"
    );
    let meta = t
        .get(&format!("/flow/meta?type=APP&id={SPA_APP}&namespace=none"))
        .await
        .json();
    assert_json_eq(
        &meta["design"],
        &json!({"theme": {"colorSchemes": {"light": {"palette": {"primary": {"main": "#fa7b3f"}}}}}, "layout": {}}),
    );
    let usages = as_admin(
        &t,
        Method::GET,
        &format!("/design/themes/{THEME}/usages"),
        None,
    )
    .await;
    assert_json_eq(
        &usages.json(),
        &json!({"totalResults": 1, "count": 1, "summary": {"application": 1}, "usages": [
            {"resourceType": "application", "id": SPA_APP, "displayName": "sample-spa", "behaviorOnDelete": "fallback"}]}),
    );
    let authorize = t
        .get(&format!(
            "/oauth2/authorize?{}",
            query_string(&spa_query("openid"))
        ))
        .await;
    let location = authorize.location();
    let page = t
        .get(&format!(
            "{}?{}",
            location.path(),
            location.query().unwrap_or_default()
        ))
        .await;
    assert_eq!(
        page.body.matches(":root{--tid-primary:#fa7b3f;}").count(),
        1,
        "{}",
        page.body
    );
}

#[tokio::test]
async fn resolve_checks_the_type_the_id_and_the_application() {
    let t = TestServer::start().await;
    for (query, status, code) in [
        ("id=x", 400, ApiErrorCode::DesignInvalidResolveType),
        ("type=APP", 400, ApiErrorCode::DesignMissingResolveID),
        (
            "type=OU&id=x",
            400,
            ApiErrorCode::DesignUnsupportedResolveType,
        ),
        (
            "type=APP&id=nope",
            404,
            ApiErrorCode::DesignApplicationNotFound,
        ),
        (
            &format!("type=APP&id={SPA_APP}"),
            404,
            ApiErrorCode::DesignApplicationHasNoDesign,
        ),
    ] {
        assert_api_error(
            &t.get(&format!("/design/resolve?{query}")).await,
            status,
            code,
        );
    }
}

#[tokio::test]
async fn preflights_carry_the_servers_methods() {
    let t = TestServer::start().await;
    for (path, methods) in [
        ("/design/themes", "GET, POST"),
        ("/design/layouts/x", "GET, PUT, DELETE"),
        ("/design/themes/x/usages", "GET"),
        ("/design/resolve", "GET"),
        ("/i18n/languages", "GET"),
        ("/i18n/languages/fr/translations", "POST, DELETE"),
        (
            "/i18n/languages/fr/translations/ns/a/keys/b",
            "POST, DELETE",
        ),
        ("/i18n/languages/fr/translations/ns/a/keys/b/resolve", "GET"),
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
