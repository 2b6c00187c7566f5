//! What the server's composite stores do beyond refusing changes: translation files lie under
//! the stored texts, the composite lists stop at 1000 records, a declarative application's
//! stored memberships go before its delete is refused, and users read from files say so.

use serde_json::{Value, json};
use thunderid_mock::MockServer;
use thunderid_mock::fixtures::Fixtures;

use crate::support::{TestServer, assert_json_eq};

const ADMIN: &str = "01900000-0000-7000-8000-000000000100";
const UNIT: &str = "01900000-0000-7000-8000-000000000001";
const APP: &str = "019a0000-0000-7000-8000-0000000000e1";
const USER: &str = "019a0000-0000-7000-8000-0000000000f8";

/// A scratch directory holding `documents` as its one resource file.
pub(crate) fn scratch(name: &str, documents: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "thunderid-mock-layers-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("resources.yaml"), documents).unwrap();
    dir
}

/// `method path` as the administrator: the status and the JSON body (`null` when empty).
pub(crate) async fn call(
    t: &TestServer,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let token = t.server.mint_access_token(ADMIN, "sample-spa", &["system"]);
    let mut request = t.client.request(method, t.url(path)).bearer_auth(&token);
    if let Some(body) = body {
        request = request.json(body);
    }
    let reply = t.send(request).await;
    let body = if reply.body.is_empty() {
        Value::Null
    } else {
        reply.json()
    };
    (reply.status.as_u16(), body)
}

const TRANSLATIONS: &str = r#"
resource_type: translation
language: fr
translations:
  layers:
    heading: Connexion (fichier)
    only: Seulement dans le fichier
"#;

async fn resolve_fr(t: &TestServer) -> Value {
    call(
        t,
        reqwest::Method::GET,
        "/i18n/languages/fr/translations/resolve?namespace=layers",
        None,
    )
    .await
    .1
}

#[tokio::test]
async fn translation_files_lie_under_the_stored_texts_and_a_delete_uncovers_them() {
    let dir = scratch("translations", TRANSLATIONS);
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    let key = "/i18n/languages/fr/translations/ns/layers/keys/heading";
    let (_, languages) = call(&t, reqwest::Method::GET, "/i18n/languages", None).await;
    assert_eq!(
        languages["languages"].as_array().unwrap().last(),
        Some(&json!("fr"))
    );
    let file_only = resolve_fr(&t).await;

    // A stored text overrides the file's; deleting it uncovers the file's again.
    let (status, _) = call(
        &t,
        reqwest::Method::POST,
        key,
        Some(&json!({"value": "Stored"})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, stored) = call(&t, reqwest::Method::GET, &format!("{key}/resolve"), None).await;
    assert_json_eq(
        &stored,
        &json!({"language": "fr", "namespace": "layers", "key": "heading", "value": "Stored"}),
    );
    let (status, _) = call(&t, reqwest::Method::DELETE, key, None).await;
    assert_eq!(status, 204);
    let (_, uncovered) = call(&t, reqwest::Method::GET, &format!("{key}/resolve"), None).await;
    assert_json_eq(
        &uncovered,
        &json!({"language": "fr", "namespace": "layers", "key": "heading",
                "value": "Connexion (fichier)"}),
    );

    // Replacing the language's texts replaces the stored ones only; clearing it keeps the file's.
    let (status, _) = call(
        &t,
        reqwest::Method::POST,
        "/i18n/languages/fr/translations",
        Some(&json!({"translations": {"layers": {"heading": "Remplacé", "extra": "En plus"}}})),
    )
    .await;
    assert_eq!(status, 200);
    insta::assert_json_snapshot!("translation_layers_replaced", resolve_fr(&t).await);
    let (status, _) = call(
        &t,
        reqwest::Method::DELETE,
        "/i18n/languages/fr/translations",
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(resolve_fr(&t).await, file_only);
    insta::assert_json_snapshot!("translation_layers_file_only", file_only);

    // A reset keeps the files' texts and drops the stored ones.
    call(
        &t,
        reqwest::Method::POST,
        key,
        Some(&json!({"value": "Stored"})),
    )
    .await;
    t.server.reset();
    assert_eq!(resolve_fr(&t).await, file_only);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn two_translation_files_for_one_language_stop_the_start() {
    let dir = scratch(
        "translations-twice",
        &format!("{TRANSLATIONS}---{TRANSLATIONS}"),
    );
    let Err(error) = MockServer::builder().resources(&dir).start().await else {
        panic!("the start succeeds");
    };
    assert_eq!(
        error.to_string(),
        format!(
            "invalid declarative resources: {}: translation: duplicate translation ID 'fr': a translation with this ID already \
             exists in declarative resources",
            dir.join("resources.yaml").display()
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The bundled fixtures with applications (without OAuth profiles) up to `total`.
fn fixtures_with_applications(total: usize) -> Fixtures {
    let mut fixtures = Fixtures::bundled();
    let template = fixtures.applications[0].clone();
    for i in fixtures.applications.len()..total {
        let mut app = template.clone();
        app.id = format!("019b0000-0000-7000-8000-{i:012}");
        app.name = format!("Bulk application {i}");
        app.oauth = None;
        fixtures.applications.push(app);
    }
    fixtures
}

#[tokio::test]
async fn the_application_list_stops_at_a_thousand_inbound_clients_as_the_composite_stores_do() {
    let t = TestServer::with_fixtures(fixtures_with_applications(1000)).await;
    let (status, list) = call(&t, reqwest::Method::GET, "/applications", None).await;
    assert_eq!((status, list["totalResults"].clone()), (200, json!(1000)));

    // An agent with an OAuth client is one more inbound client: APP-1029.
    let agent = json!({"name": "Planner", "type": "default", "ouId": UNIT,
                       "inboundAuthConfig": [{"type": "oauth2", "config": {}}]});
    let (status, created) = call(&t, reqwest::Method::POST, "/agents", Some(&agent)).await;
    assert_eq!(status, 201, "{created}");
    let (status, body) = call(&t, reqwest::Method::GET, "/applications", None).await;
    assert_eq!(status, 400);
    insta::assert_json_snapshot!("application_list_over_the_composite_limit", body);

    // More than a thousand applications fail the entity list first: the server's 500.
    let app = json!({"name": "One too many", "ouId": UNIT, "type": "browser"});
    let (status, created) = call(&t, reqwest::Method::POST, "/applications", Some(&app)).await;
    assert_eq!(status, 201, "{created}");
    let (status, body) = call(&t, reqwest::Method::GET, "/applications", None).await;
    assert_eq!(status, 500);
    insta::assert_json_snapshot!("application_entities_over_the_composite_limit", body);
}

const MEMBERSHIPS: &str = r#"
resource_type: application
id: 019a0000-0000-7000-8000-0000000000e1
ouHandle: default
name: Declared app
type: browser
---
resource_type: group
id: 019a0000-0000-7000-8000-0000000000f2
name: Declared group
ouHandle: default
members: [{id: 019a0000-0000-7000-8000-0000000000e1, type: app}]
---
resource_type: role
id: 019a0000-0000-7000-8000-0000000000f3
name: Declared role
ouHandle: default
assignments: [{id: 019a0000-0000-7000-8000-0000000000e1, type: app}]
---
resource_type: user_type
id: 019a0000-0000-7000-8000-0000000000f7
name: Contractor
ouHandle: default
schema: '{"username": {"type": "string", "required": true, "unique": true}}'
---
resource_type: user
id: 019a0000-0000-7000-8000-0000000000f8
type: Contractor
ouHandle: default
attributes: {username: declared-user}
"#;

#[tokio::test]
async fn deleting_a_declarative_application_strips_its_stored_memberships_then_refuses() {
    let dir = scratch("memberships", MEMBERSHIPS);
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    let member = json!([{"id": APP, "type": "app"}]);
    let (status, group) = call(
        &t,
        reqwest::Method::POST,
        "/groups",
        Some(&json!({"name": "Stored group", "ouId": UNIT, "members": member})),
    )
    .await;
    assert_eq!(status, 201, "{group}");
    let (status, role) = call(
        &t,
        reqwest::Method::POST,
        "/roles",
        Some(&json!({"name": "Stored role", "ouId": UNIT, "assignments": member})),
    )
    .await;
    assert_eq!(status, 201, "{role}");
    let stored_group = format!("/groups/{}/members", group["id"].as_str().unwrap());
    let stored_role = format!("/roles/{}/assignments", role["id"].as_str().unwrap());
    let declared_group = "/groups/019a0000-0000-7000-8000-0000000000f2/members";
    let declared_role = "/roles/019a0000-0000-7000-8000-0000000000f3/assignments";
    let count = |body: &Value| body["totalResults"].clone();
    for path in [&stored_group, &stored_role, declared_group, declared_role] {
        let (_, body) = call(&t, reqwest::Method::GET, path, None).await;
        assert_eq!(count(&body), json!(1), "{path}: {body}");
    }

    let (status, body) = call(
        &t,
        reqwest::Method::DELETE,
        &format!("/applications/{APP}"),
        None,
    )
    .await;
    assert_eq!(status, 400);
    insta::assert_json_snapshot!("declarative_application_delete_after_its_cascade", body);
    let (status, _) = call(
        &t,
        reqwest::Method::GET,
        &format!("/applications/{APP}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    // The stored group and role lost it; the declarative ones keep what their files list.
    for (path, left) in [
        (stored_group.as_str(), 0),
        (stored_role.as_str(), 0),
        (declared_group, 1),
        (declared_role, 1),
    ] {
        let (_, body) = call(&t, reqwest::Method::GET, path, None).await;
        assert_eq!(count(&body), json!(left), "{path}: {body}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn users_from_declarative_files_say_they_are_read_only() {
    let dir = scratch("users", MEMBERSHIPS);
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    let (_, user) = call(&t, reqwest::Method::GET, &format!("/users/{USER}"), None).await;
    assert_json_eq(
        &user,
        &json!({"id": USER, "ouId": UNIT, "type": "Contractor",
                "attributes": {"username": "declared-user"}, "isReadOnly": true}),
    );
    let (_, list) = call(&t, reqwest::Method::GET, "/users?limit=100", None).await;
    let flags: Vec<(Value, Value)> = list["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["id"].clone(), u["isReadOnly"].clone()))
        .collect();
    assert!(flags.contains(&(json!(USER), json!(true))), "{flags:?}");
    assert!(flags.contains(&(json!(ADMIN), json!(false))), "{flags:?}");
    let (_, admin) = call(&t, reqwest::Method::GET, &format!("/users/{ADMIN}"), None).await;
    assert_eq!(admin["isReadOnly"], json!(false));

    let token = t.server.mint_access_token(USER, "sample-spa", &[]);
    let me = t
        .send(t.client.get(t.url("/users/me")).bearer_auth(&token))
        .await
        .json();
    assert_eq!(
        (me["id"].clone(), me["isReadOnly"].clone()),
        (json!(USER), json!(true))
    );

    // Loaded as stored resources, they are not.
    let t = TestServer::with(MockServer::builder().resources(&dir).mutable_resources()).await;
    let (_, user) = call(&t, reqwest::Method::GET, &format!("/users/{USER}"), None).await;
    assert_eq!(user["isReadOnly"], json!(false));
    let _ = std::fs::remove_dir_all(&dir);
}
