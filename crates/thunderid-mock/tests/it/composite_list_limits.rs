//! The 1000-record limit of the server's composite stores on the simple lists: resource servers,
//! a level's resources and actions (RES-1021), themes and layouts, user types (the 500 the
//! services answer for the store's unmapped error) and agents (500 in every store mode, as the
//! entity store is always composite). Each list is checked after its paging and existence
//! checks, passes at 1000 records and fails at 1001; the mutable store mode lists them all.

use reqwest::Method;
use serde_json::{Value, json};
use thunderid_mock::MockServer;
use thunderid_protocol::ApiErrorCode;

use crate::composite_limits::total;
use crate::declarative_layers::{call, scratch};
use crate::organizations::{ENGINEERING, THOR, token_for};
use crate::support::TestServer;

const UNIT: &str = "01900000-0000-7000-8000-000000000001";
/// The bundled `sales` unit, which the bundled user thor (in `engineering`) cannot see.
const SALES: &str = "01900000-0000-7000-8000-000000000003";
const BULK_SERVER: &str = "019c0000-0000-7000-8000-00000000a000";

/// `count` copies of `template` as one declarative file, `{n}` numbered as the conformance
/// step numbers them (twelve digits: an id's last group).
fn copies(template: &str, count: usize) -> String {
    (0..count)
        .map(|i| template.replace("{n}", &format!("{i:012}")))
        .collect::<Vec<_>>()
        .join("---\n")
}

/// The error code of a body.
fn code(body: &Value) -> &str {
    body["code"].as_str().unwrap_or_default()
}

async fn error_code(t: &TestServer, path: &str) -> (u16, String) {
    let (status, body) = call(t, Method::GET, path, None).await;
    (status, code(&body).to_owned())
}

/// `POST /export` of `body`: the status and the error code (empty on success).
async fn export(t: &TestServer, body: Value) -> (u16, String) {
    let (status, body) = call(t, Method::POST, "/export", Some(&body)).await;
    (status, code(&body).to_owned())
}

fn res_1021() -> String {
    ApiErrorCode::ResourceResultLimitExceeded
        .as_str()
        .to_owned()
}

#[tokio::test]
async fn the_resource_server_list_is_res_1021_past_a_thousand_servers() {
    let plain = TestServer::start().await;
    let bundled = total(&plain, "/resource-servers").await.as_u64().unwrap() as usize;
    let template = "resource_type: resource_server\nid: 019c0000-0000-7000-8000-{n}\n\
                    name: Bulk API {n}\nidentifier: https://bulk.example/{n}\nouHandle: default\n";
    let dir = scratch("composite-servers", &copies(template, 1000 - bundled));
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    assert_eq!(total(&t, "/resource-servers").await, json!(1000));
    let server = json!({"name": "One too many", "identifier": "https://one.example", "ouId": UNIT});
    let (status, created) = call(&t, Method::POST, "/resource-servers", Some(&server)).await;
    assert_eq!(status, 201, "{created}");
    let (status, body) = call(&t, Method::GET, "/resource-servers?limit=5", None).await;
    assert_eq!(status, 400);
    insta::assert_json_snapshot!("resource_server_list_over_the_composite_limit", body);
    // The paging checks come first.
    let (status, code) = error_code(&t, "/resource-servers?limit=x").await;
    assert_eq!((status, code.as_str()), (400, "RES-1011"));
    // The exporter pages the same list, so `["*"]` exports no resource server.
    assert_eq!(
        export(&t, json!({"resourceServers": ["*"]})).await,
        (400, "EXP-1002".to_owned())
    );

    let t = TestServer::with(MockServer::builder().resources(&dir).mutable_resources()).await;
    let (status, _) = call(&t, Method::POST, "/resource-servers", Some(&server)).await;
    assert_eq!(status, 201);
    assert_eq!(total(&t, "/resource-servers").await, json!(1001));
    let _ = std::fs::remove_dir_all(&dir);
}

/// One resource server: 1000 top-level resources, the first with 1001 actions (one of kind
/// `resource`, the others `tool`), the second with 1001 children.
fn bulk_server() -> String {
    let mut resources = Vec::new();
    let actions = (0..1001)
        .map(|i| {
            let kind = if i == 0 { "resource" } else { "tool" };
            format!("{{name: Act {i}, handle: act-{i}, kind: {kind}}}")
        })
        .collect::<Vec<_>>()
        .join(", ");
    resources.push(format!(
        "  - {{name: Top 0, handle: top-0, actions: [{actions}]}}"
    ));
    resources.extend((1..1000).map(|i| format!("  - {{name: Top {i}, handle: top-{i}}}")));
    resources.extend(
        (0..1001).map(|i| format!("  - {{name: Child {i}, handle: child-{i}, parent: top-1}}")),
    );
    format!(
        "resource_type: resource_server\nid: {BULK_SERVER}\nname: Bulk API\n\
         identifier: https://bulk.example/api\nouHandle: default\nresources:\n{}\n",
        resources.join("\n")
    )
}

/// The ids of the bulk server's resources `top-0` and `top-1`.
async fn top_resources(t: &TestServer) -> (String, String) {
    let path = format!("/resource-servers/{BULK_SERVER}/resources?limit=100&offset=900");
    let (status, page) = call(t, Method::GET, &path, None).await;
    assert_eq!(status, 200, "{page}");
    let id = |handle: &str| {
        page["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["handle"] == handle)
            .and_then(|r| r["id"].as_str())
            .unwrap_or_else(|| panic!("{handle} on the last page: {page}"))
            .to_owned()
    };
    (id("top-0"), id("top-1"))
}

#[tokio::test]
async fn resource_and_action_lists_are_res_1021_past_a_thousand_at_their_level() {
    let dir = scratch("composite-resources", &bulk_server());
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    let base = format!("/resource-servers/{BULK_SERVER}");
    assert_eq!(total(&t, &format!("{base}/resources")).await, json!(1000));
    let (acting, parent) = top_resources(&t).await;
    let children = format!("{base}/resources?parentId={parent}");
    assert_eq!(error_code(&t, &children).await, (400, res_1021()));
    // Paging, then the server, then the parent come first.
    let checks = [
        (format!("{children}&offset=-1"), 400, "RES-1012"),
        (
            "/resource-servers/unknown/resources?parentId=x".to_owned(),
            404,
            "RES-1003",
        ),
        (
            format!("{base}/resources?parentId=unknown"),
            404,
            "RES-1008",
        ),
    ];
    for (path, status, expected) in checks {
        assert_eq!(error_code(&t, &path).await, (status, expected.to_owned()));
    }
    let actions = format!("{base}/resources/{acting}/actions");
    assert_eq!(error_code(&t, &actions).await, (400, res_1021()));
    // The kind filter comes before the count.
    assert_eq!(
        total(&t, &format!("{actions}?kind=tool")).await,
        json!(1000)
    );
    assert_eq!(
        total(&t, &format!("{actions}?kind=resource")).await,
        json!(1)
    );
    // Its exporter reads every resource and each one's actions: an explicit id exports nothing.
    assert_eq!(
        export(&t, json!({"resourceServers": [BULK_SERVER]})).await,
        (400, "EXP-1002".to_owned())
    );

    let t = TestServer::with(MockServer::builder().resources(&dir).mutable_resources()).await;
    let (acting, parent) = top_resources(&t).await;
    let children = format!("{base}/resources?parentId={parent}");
    assert_eq!(total(&t, &children).await, json!(1001));
    let actions = format!("{base}/resources/{acting}/actions");
    assert_eq!(total(&t, &actions).await, json!(1001));
    assert_eq!(
        export(&t, json!({"resourceServers": [BULK_SERVER]}))
            .await
            .0,
        200
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_servers_own_actions_are_res_1021_past_a_thousand() {
    let modes = [
        (MockServer::builder(), true),
        (MockServer::builder().mutable_resources(), false),
    ];
    for (builder, composite) in modes {
        let t = TestServer::with(builder).await;
        let server = json!({"name": "Tools", "identifier": "https://tools.example", "ouId": UNIT});
        let (status, created) = call(&t, Method::POST, "/resource-servers", Some(&server)).await;
        assert_eq!(status, 201, "{created}");
        let actions = format!(
            "/resource-servers/{}/actions",
            created["id"].as_str().unwrap()
        );
        for i in 0..1001 {
            let kind = if i == 0 { "resource" } else { "tool" };
            let action =
                json!({"name": format!("Act {i}"), "handle": format!("act-{i}"), "kind": kind});
            let (status, body) = call(&t, Method::POST, &actions, Some(&action)).await;
            assert_eq!(status, 201, "{body}");
        }
        if composite {
            assert_eq!(error_code(&t, &actions).await, (400, res_1021()));
            assert_eq!(
                error_code(&t, &format!("{actions}?kind=bad")).await.1,
                "RES-1001"
            );
            assert_eq!(
                total(&t, &format!("{actions}?kind=tool")).await,
                json!(1000)
            );
        } else {
            assert_eq!(total(&t, &actions).await, json!(1001));
        }
    }
}

#[tokio::test]
async fn theme_and_layout_lists_fail_past_a_thousand_in_the_composite_mode() {
    let plain = TestServer::start().await;
    let themes = total(&plain, "/design/themes").await.as_u64().unwrap() as usize;
    let layouts = total(&plain, "/design/layouts").await.as_u64().unwrap() as usize;
    let documents = [
        copies(
            "resource_type: theme\nid: 019c0000-0000-7000-8000-{n}\nhandle: theme-{n}\n\
             displayName: Theme {n}\ntheme:\n  direction: ltr\n",
            1000 - themes,
        ),
        copies(
            "resource_type: layout\nid: 019d0000-0000-7000-8000-{n}\nhandle: layout-{n}\n\
             displayName: Layout {n}\nlayout:\n  direction: ltr\n",
            1000 - layouts,
        ),
    ]
    .join("---\n");
    let dir = scratch("composite-designs", &documents);
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    let mut bodies = Vec::new();
    for kind in ["theme", "layout"] {
        let path = format!("/design/{kind}s");
        assert_eq!(total(&t, &path).await, json!(1000), "{kind}");
        let design =
            json!({"handle": "one-more", "displayName": "One more", kind: {"direction": "ltr"}});
        let (status, created) = call(&t, Method::POST, &path, Some(&design)).await;
        assert_eq!(status, 201, "{created}");
        // Whatever the page, once the paging checks pass.
        let (status, body) = call(&t, Method::GET, &format!("{path}?offset=2000"), None).await;
        assert_eq!(status, 500, "{kind}");
        bodies.push(body);
        let paging = if kind == "theme" {
            "THM-1010"
        } else {
            "LAY-1011"
        };
        let limit = format!("{path}?limit=x");
        assert_eq!(error_code(&t, &limit).await, (400, paging.to_owned()));
    }
    assert_eq!(bodies[0], bodies[1]);
    insta::assert_json_snapshot!("design_list_over_the_composite_limit", bodies[0]);
    // The exporters page the same lists.
    assert_eq!(
        export(&t, json!({"themes": ["*"], "layouts": ["*"]})).await,
        (400, "EXP-1002".to_owned())
    );

    let t = TestServer::with(MockServer::builder().resources(&dir).mutable_resources()).await;
    for kind in ["theme", "layout"] {
        let path = format!("/design/{kind}s");
        let design =
            json!({"handle": "one-more", "displayName": "One more", kind: {"direction": "ltr"}});
        let (status, _) = call(&t, Method::POST, &path, Some(&design)).await;
        assert_eq!(status, 201);
        assert_eq!(total(&t, &path).await, json!(1001), "{kind}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_user_type_list_fails_past_a_thousand_types_the_caller_sees() {
    let plain = TestServer::start().await;
    let bundled = total(&plain, "/user-types").await.as_u64().unwrap() as usize;
    let template = "resource_type: user_type\nid: 019c0000-0000-7000-8000-{n}\nname: Bulk {n}\n\
                    ouId: 01900000-0000-7000-8000-000000000003\n\
                    schema: '{\"username\": {\"type\": \"string\", \"required\": true}}'\n";
    let dir = scratch("composite-user-types", &copies(template, 1000 - bundled));
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    assert_eq!(total(&t, "/user-types").await, json!(1000));
    // A new identity provider's defaults come from one page of the list: the first 100 types.
    assert_eq!(seeded_mappings(&t, "Google").await, 100);
    let user_type = json!({"name": "One more", "ouId": SALES,
                           "schema": {"username": {"type": "string"}}});
    let (status, created) = call(&t, Method::POST, "/user-types", Some(&user_type)).await;
    assert_eq!(status, 201, "{created}");
    let (status, body) = call(&t, Method::GET, "/user-types", None).await;
    assert_eq!((status, code(&body)), (500, "SSE-5000"));
    // Past the limit it seeds nothing, and an application naming allowed user types cannot be
    // checked (`validateAllowedUserTypes` pages the list): the services' 500.
    assert_eq!(seeded_mappings(&t, "Google 2").await, 0);
    assert_eq!(
        create_app(&t, "Typed", &["Person"]).await,
        (500, "SSE-5000".to_owned())
    );
    assert_eq!(create_app(&t, "Untyped", &[]).await, (201, String::new()));
    let (status, body) = call(&t, Method::GET, "/user-types?limit=x", None).await;
    assert_eq!((status, code(&body)), (400, "USRS-1005"));
    // A caller restricted to its units counts only their types: thor's units do not hold the
    // bulk types, which are in `sales`.
    let token = token_for(
        &t,
        THOR,
        "system:usertype:view",
        json!({"ouId": ENGINEERING}),
    );
    let reply = t
        .send(t.client.get(t.url("/user-types")).bearer_auth(&token))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["totalResults"], json!(bundled));
    // The exporter pages the same list, and so does an onboarding flow's UserTypeResolver.
    assert_eq!(
        export(&t, json!({"userTypes": ["*"]})).await,
        (400, "EXP-1002".to_owned())
    );
    let onboarding = onboard(&t).await;
    let error = json!({"code": "FET-1057",
        "message": {"key": "flows.executor.errors.user_type_retrieval_failed",
                    "defaultValue": "Failed to retrieve user types"},
        "description": {"key": "flows.executor.errors.user_type_retrieval_failed_desc",
                        "defaultValue": "An error occurred while retrieving available user types"}});
    assert_eq!(
        (&onboarding["flowStatus"], &onboarding["error"]),
        (&json!("ERROR"), &error)
    );

    let t = TestServer::with(MockServer::builder().resources(&dir).mutable_resources()).await;
    let (status, _) = call(&t, Method::POST, "/user-types", Some(&user_type)).await;
    assert_eq!(status, 201);
    assert_eq!(total(&t, "/user-types").await, json!(1001));
    assert_eq!(onboard(&t).await["flowStatus"], json!("INCOMPLETE"));
    assert_eq!(seeded_mappings(&t, "Google").await, 100);
    assert_eq!(
        create_app(&t, "Typed", &["Person"]).await,
        (201, String::new())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// How many user-type attribute mappings a new Google connection named `name` gets by default.
async fn seeded_mappings(t: &TestServer, name: &str) -> usize {
    let google = json!({"name": name, "clientId": "c", "clientSecret": "s",
                        "redirectUri": "https://localhost:8090/gate/callback"});
    let (status, body) = call(t, Method::POST, "/connections/google", Some(&google)).await;
    assert_eq!(status, 201, "{body}");
    body["attributeConfiguration"]["userTypeAttributeMappings"]
        .as_array()
        .map_or(0, Vec::len)
}

/// `POST /applications` of a browser application allowing `user_types`: the status and code.
async fn create_app(t: &TestServer, name: &str, user_types: &[&str]) -> (u16, String) {
    let app =
        json!({"name": name, "type": "browser", "ouId": UNIT, "allowedUserTypes": user_types});
    let (status, body) = call(t, Method::POST, "/applications", Some(&app)).await;
    (status, code(&body).to_owned())
}

/// The first step of a USER_ONBOARDING flow the administrator starts.
async fn onboard(t: &TestServer) -> Value {
    let start = json!({"flowType": "USER_ONBOARDING"});
    let (status, body) = call(t, Method::POST, "/flow/execute", Some(&start)).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn the_agent_list_fails_past_a_thousand_agents_in_every_store_mode() {
    let plain = TestServer::start().await;
    let bundled = total(&plain, "/agents").await.as_u64().unwrap() as usize;
    let template = "resource_type: agent\nid: 019c0000-0000-7000-8000-{n}\nname: Bulk agent {n}\n\
                    type: default\nouHandle: default\nattributes: {model: bulk}\n";
    let dir = scratch("composite-agents", &copies(template, 1000 - bundled));
    for builder in [
        MockServer::builder().resources(&dir),
        MockServer::builder().resources(&dir).mutable_resources(),
    ] {
        let t = TestServer::with(builder).await;
        assert_eq!(total(&t, "/agents").await, json!(1000));
        let agent = json!({"name": "One more", "type": "default", "ouId": UNIT,
                           "attributes": {"model": "extra"}});
        let (status, created) = call(&t, Method::POST, "/agents", Some(&agent)).await;
        assert_eq!(status, 201, "{created}");
        let (status, body) = call(&t, Method::GET, "/agents?limit=1", None).await;
        assert_eq!((status, code(&body)), (500, "SSE-5000"));
        // A user's agents are looked for in that list: their usage is unknown, and a delete
        // fails closed, whether or not the user owns any.
        let loki = "/users/01900000-0000-7000-8000-000000000102";
        let (status, usages) = call(&t, Method::GET, &format!("{loki}/usages"), None).await;
        assert_eq!(status, 200);
        assert_eq!(
            usages,
            json!({"totalResults": null, "count": 0, "summary": null, "usages": []})
        );
        let (status, body) = call(&t, Method::DELETE, loki, None).await;
        assert_eq!((status, code(&body)), (500, "SSE-5000"));
        // A filter narrows what is counted.
        let one = "/agents?filter=model%20eq%20%22extra%22";
        assert_eq!(total(&t, one).await, json!(1));
        assert_eq!(
            export(&t, json!({"agents": ["*"]})).await,
            (400, "EXP-1002".to_owned())
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn declarative_agent_types_load_under_any_name_and_stop_at_the_limit() {
    // The server's file loader reads `user_types/` with `category: agent` without the service's
    // `default`-only rule; with the bundled `default`, 999 files make 1000 types.
    let template = "resource_type: agent_type\nid: 019d0000-0000-7000-8000-{n}\n\
                    name: Kind {n}\nouHandle: default\nschema: '{\"model\": {\"type\": \"string\"}}'\n";
    let dir = scratch("composite-agent-types", &copies(template, 999));
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    let _ = std::fs::remove_dir_all(&dir);
    let (status, list) = call(&t, Method::GET, "/agent-types?limit=100", None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["totalResults"], json!(1000));
    let agent = json!({"name": "Typed", "type": "Kind 000000000007", "ouId": UNIT,
                       "attributes": {"model": "m"}});
    let (status, created) = call(&t, Method::POST, "/agents", Some(&agent)).await;
    assert_eq!(status, 201, "{created}");
    // The API and `/import` keep the rule.
    let other = json!({"name": "Other", "ouId": UNIT, "schema": {}});
    let (status, body) = call(&t, Method::POST, "/agent-types", Some(&other)).await;
    assert_eq!((status, code(&body)), (400, "USRS-1014"));
    let content = "resource_type: agent_type\nname: Imported\nouHandle: default\nschema: '{}'\n";
    let body = json!({"content": content, "options": {"continueOnError": true}});
    let (status, summary) = call(&t, Method::POST, "/import", Some(&body)).await;
    assert_eq!(status, 200);
    assert_eq!(
        summary["results"][0]["code"],
        json!("USRS-1014"),
        "{summary}"
    );

    // One more file passes the limit: the list fails whatever the page.
    let dir = scratch("composite-agent-types-over", &copies(template, 1000));
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        error_code(&t, "/agent-types?limit=1").await,
        (500, "SSE-5000".to_owned())
    );
}
