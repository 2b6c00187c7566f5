//! `POST /export`: the current state written as declarative documents (kinds in alphabetical
//! order, secrets as template variables with their values in the `.env` text), the request's
//! errors, and the round trip: what an export writes, `/import` re-imports into a fresh mock to
//! the same state.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Reply, TestServer};

const ADMIN: &str = "01900000-0000-7000-8000-000000000100";

async fn call(t: &TestServer, method: Method, path: &str, body: Option<&Value>) -> Reply {
    let token = t.server.mint_access_token(ADMIN, "sample-spa", &["system"]);
    let mut request = t.client.request(method, t.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(body);
    }
    t.send(request).await
}

async fn export(t: &TestServer, body: &Value) -> Reply {
    call(t, Method::POST, "/export", Some(body)).await
}

#[tokio::test]
async fn everything_the_bundled_fixtures_hold_exports_as_documents() {
    let t = TestServer::start().await;
    let kinds = [
        "applications",
        "connections",
        "flows",
        "groups",
        "layouts",
        "organizationUnits",
        "resourceServers",
        "roles",
        "serverConfigs",
        "themes",
        "translations",
        "users",
        "userTypes",
        "agents",
        "agentTypes",
        "presentationDefinitions",
        "credentialConfigurations",
    ];
    let body: serde_json::Map<String, Value> = kinds
        .iter()
        .map(|k| ((*k).to_owned(), json!(["*"])))
        .collect();
    let reply = export(&t, &Value::Object(body)).await;
    assert_eq!(reply.status.as_u16(), 200, "{reply:?}");
    let body = reply.json();
    assert_eq!(body.as_object().unwrap().len(), 2);
    insta::assert_snapshot!("bundled_resources", body["resources"].as_str().unwrap());
    insta::assert_snapshot!(
        "bundled_env",
        body["environment_variables"].as_str().unwrap()
    );
}

#[tokio::test]
async fn a_body_go_cannot_decode_is_exp_1001() {
    let t = TestServer::start().await;
    let expected = json!({"code": "EXP-1001",
        "message": {"key": "error.exportservice.invalid_request", "defaultValue": "Invalid export request"},
        "description": {"key": "error.exportservice.invalid_request_description",
                        "defaultValue": "The provided export request is invalid or malformed"}});
    for body in [
        "",
        "{",
        "[]",
        r#"{"applications": "*"}"#,
        r#"{"users": [1]}"#,
        r#"{"options": {"format": 1}}"#,
        r#"{"options": {"folderStructure": {"groupByType": "yes"}}}"#,
    ] {
        let token = t.server.mint_access_token(ADMIN, "sample-spa", &["system"]);
        let reply = t
            .send(
                t.client
                    .post(t.url("/export"))
                    .bearer_auth(token)
                    .body(body),
            )
            .await;
        assert_eq!(reply.status.as_u16(), 400, "{body}: {reply:?}");
        crate::support::assert_json_eq(&reply.json(), &expected);
    }
}

#[tokio::test]
async fn nothing_to_export_is_exp_1002_with_the_services_description() {
    let t = TestServer::start().await;
    let expected = json!({"code": "EXP-1002",
        "message": {"key": "error.exportservice.no_resources_found", "defaultValue": "No resources found"},
        "description": {"key": "error.exportservice.no_valid_resources_for_export_description",
                        "defaultValue": "No valid resources found for export"}});
    // Nothing named, unknown ids (skipped one by one), and kinds the mock holds none of.
    for body in [
        json!({}),
        json!({"applications": ["no-such-app"], "users": ["nobody"]}),
        json!({"agents": ["*"], "agentTypes": ["nobody"], "credentialConfigurations": ["*"]}),
        json!({"options": {"format": "yaml"}}),
    ] {
        let reply = export(&t, &body).await;
        assert_eq!(reply.status.as_u16(), 400, "{body}: {reply:?}");
        crate::support::assert_json_eq(&reply.json(), &expected);
    }
}

#[tokio::test]
async fn export_needs_the_system_permission() {
    let t = TestServer::start().await;
    let anonymous = t
        .post_json("/export", &json!({"applications": ["*"]}))
        .await;
    assert_eq!(anonymous.status.as_u16(), 401, "{anonymous:?}");
    let token = t
        .server
        .mint_access_token(ADMIN, "sample-spa", &["system:user"]);
    let reply = t
        .send(
            t.client
                .post(t.url("/export"))
                .bearer_auth(token)
                .json(&json!({"applications": ["*"]})),
        )
        .await;
    assert_eq!(reply.status.as_u16(), 403, "{reply:?}");
}

#[tokio::test]
async fn one_resource_with_a_naming_pattern_and_json_falling_back_to_yaml() {
    let t = TestServer::start().await;
    let reply = export(&t, &json!({
        "applications": ["01900000-0000-7000-8000-0000000000a3", "no-such-app"],
        "options": {"format": "json", "folderStructure": {"fileNamingPattern": "${type}-${name}-${id}",
                                                          "groupByType": true}}})).await;
    assert_eq!(reply.status.as_u16(), 200, "{reply:?}");
    let body = reply.json();
    insta::assert_snapshot!("one_application", body["resources"].as_str().unwrap());
    // An app without an OAuth profile has no variables.
    assert_eq!(body["environment_variables"], json!(""));
}

#[tokio::test]
async fn connection_secrets_are_variables_whose_values_the_env_text_carries() {
    let t = TestServer::start().await;
    let created = call(
        &t,
        Method::POST,
        "/connections/google",
        Some(&json!({
        "name": "Google", "clientId": "g-client", "clientSecret": "g-secret",
        "redirectUri": "https://localhost:8090/callback", "scopes": ["openid", "email"]})),
    )
    .await;
    assert_eq!(created.status.as_u16(), 201, "{created:?}");
    let sms = call(&t, Method::POST, "/connections/twilio", Some(&json!({
        "name": "My App", "accountSid": "AC0123456789abcdef0123456789abcdef", "authToken": "t0ken", "senderId": "+1555"}))).await;
    assert_eq!(sms.status.as_u16(), 201, "{sms:?}");
    let app = json!({"name": "Google", "type": "browser", "ouId": ROOT_OU,
        "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "google-app",
            "redirectUris": ["https://a.example/cb"], "grantTypes": ["authorization_code"],
            "responseTypes": ["code"], "tokenEndpointAuthMethod": "client_secret_basic"}}]});
    let app = call(&t, Method::POST, "/applications", Some(&app)).await;
    assert_eq!(app.status.as_u16(), 201, "{app:?}");
    let ids = |reply: &Reply| reply.json()["id"].as_str().unwrap().to_owned();
    let reply = export(
        &t,
        &json!({"connections": [ids(&created), ids(&sms)], "applications": [ids(&app)]}),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 200, "{reply:?}");
    let body = reply.json();
    let resources = body["resources"].as_str().unwrap();
    let resources = resources
        .replace(&ids(&created), "[google-id]")
        .replace(&ids(&sms), "[twilio-id]")
        .replace(&ids(&app), "[app-id]");
    insta::assert_snapshot!("connections_and_a_colliding_name", resources);
    // The application took `GOOGLE`; the connection of the same name is `GOOGLE_2`.
    assert_eq!(
        body["environment_variables"],
        json!(
            "GOOGLE_2_CLIENT_SECRET=g-secret\nGOOGLE_CLIENT_ID=google-app\nGOOGLE_CLIENT_SECRET=\nGOOGLE_REDIRECT_URIS=[\"https://a.example/cb\"]\nMY_APP_AUTH_TOKEN=t0ken\n"
        )
    );
}

/// A generated resource set: units under the root, user types, users, groups, roles, flows and
/// applications, each referring only to what exists.
#[derive(Debug, Clone)]
struct ResourceSet {
    documents: Vec<Value>,
    /// (request member, resource id, the GET paths that show it).
    resources: Vec<(&'static str, String, Vec<String>)>,
}

const ROOT_OU: &str = "01900000-0000-7000-8000-000000000001";
const BOOKING_API: &str = "01900000-0000-7000-8000-000000000021";
const DEFAULT_AUTH_FLOW: &str = "01900000-0000-7000-8000-000000000061";

fn id(kind: u8, i: usize) -> String {
    format!("019b0000-0000-7000-8000-0000000{kind:02x}{i:03x}")
}

fn resource_set() -> impl Strategy<Value = ResourceSet> {
    let name = "[A-Z][a-z]{2,7}( [A-Z][a-z]{2,7})?";
    (
        prop::collection::vec((name, any::<bool>()), 1..3),
        prop::collection::vec(any::<bool>(), 1..3),
        prop::collection::vec((name, any::<prop::sample::Index>(), any::<prop::sample::Index>()), 0..3),
        prop::collection::vec((name, prop::collection::vec(any::<prop::sample::Index>(), 0..3)), 0..3),
        prop::collection::vec((name, any::<bool>(), prop::collection::vec(any::<prop::sample::Index>(), 0..3)), 0..3),
        prop::collection::vec(name, 0..3),
        prop::collection::vec((name, any::<bool>(), 1..3usize, any::<prop::sample::Index>()), 1..3),
        prop::collection::vec((name, "[a-z#0-9 ]{1,12}"), 0..2),
        prop::collection::vec((name, any::<bool>(), any::<prop::sample::Index>(), 0..3usize), 0..3),
    )
        .prop_map(|(units, types, users, groups, roles, flows, apps, themes, credentials)| {
            let mut set = ResourceSet { documents: Vec::new(), resources: Vec::new() };
            let mut unit_ids = vec![ROOT_OU.to_owned()];
            for (i, (name, nested)) in units.iter().enumerate() {
                let unit = id(1, i);
                let parent = if *nested { unit_ids.last().unwrap().clone() } else { ROOT_OU.to_owned() };
                set.documents.push(json!({"resource_type": "organization_unit", "id": unit,
                    "handle": format!("unit-{i}"), "name": format!("{name} {i}"),
                    "description": format!("Unit {i}"), "parent": parent}));
                set.resources.push(("organizationUnits", unit.clone(), vec![format!("/organization-units/{unit}")]));
                unit_ids.push(unit);
            }
            let type_names: Vec<String> = (0..types.len()).map(|i| format!("Kind{i}")).collect();
            for (i, self_registration) in types.iter().enumerate() {
                let type_id = id(2, i);
                set.documents.push(json!({"resource_type": "user_type", "id": type_id,
                    "name": type_names[i], "ouId": ROOT_OU, "allowSelfRegistration": self_registration,
                    "systemAttributes": {"display": "username"},
                    "schema": {"username": {"type": "string", "required": true, "unique": true},
                               "email": {"type": "string", "displayName": "E-mail"},
                               "age": {"type": "number"}}}));
                set.resources.push(("userTypes", type_id.clone(), vec![format!("/user-types/{type_id}")]));
            }
            let mut user_ids = Vec::new();
            for (i, (name, kind, unit)) in users.iter().enumerate() {
                let user = id(3, i);
                set.documents.push(json!({"resource_type": "user", "id": user,
                    "type": kind.get(&type_names), "ouId": unit.get(&unit_ids),
                    "attributes": {"username": format!("user{i}"), "email": format!("{}@x.example", name.replace(' ', ".").to_lowercase()), "age": 30 + i}}));
                set.resources.push(("users", user.clone(), vec![format!("/users/{user}")]));
                user_ids.push(user);
            }
            let mut group_ids = Vec::new();
            for (i, (name, members)) in groups.iter().enumerate() {
                let group = id(4, i);
                let mut members: Vec<String> = if user_ids.is_empty() { Vec::new() } else {
                    members.iter().map(|m| m.get(&user_ids).clone()).collect() };
                members.sort();
                members.dedup();
                let members: Vec<Value> = members.iter().map(|m| json!({"id": m, "type": "user"})).collect();
                set.documents.push(json!({"resource_type": "group", "id": group,
                    "name": format!("{name} {i}"), "description": "A group", "ouId": ROOT_OU, "members": members}));
                set.resources.push(("groups", group.clone(),
                    vec![format!("/groups/{group}"), format!("/groups/{group}/members")]));
                group_ids.push(group);
            }
            for (i, (name, write, assignees)) in roles.iter().enumerate() {
                let role = id(5, i);
                let mut permissions = vec!["booking:read"];
                if *write { permissions.push("booking:write"); }
                let pool: Vec<(String, &str)> = user_ids.iter().map(|u| (u.clone(), "user"))
                    .chain(group_ids.iter().map(|g| (g.clone(), "group"))).collect();
                let mut assignments: Vec<(String, &str)> = if pool.is_empty() { Vec::new() } else {
                    assignees.iter().map(|a| a.get(&pool).clone()).collect() };
                assignments.sort();
                assignments.dedup();
                let assignments: Vec<Value> = assignments.iter().map(|(a, t)| json!({"id": a, "type": t})).collect();
                set.documents.push(json!({"resource_type": "role", "id": role,
                    "name": format!("{name} {i}"), "ouId": ROOT_OU,
                    "permissions": [{"resourceServerId": BOOKING_API, "permissions": permissions}],
                    "assignments": assignments}));
                set.resources.push(("roles", role.clone(),
                    vec![format!("/roles/{role}"), format!("/roles/{role}/assignments")]));
            }
            for (i, (name, color)) in themes.iter().enumerate() {
                let theme = id(8, i);
                set.documents.push(json!({"resource_type": "theme", "id": theme,
                    "handle": format!("theme-{i}"), "displayName": format!("{name}: {i}"),
                    "description": format!("# {color}"),
                    "theme": {"colors": {"primary": color, "dark": {"steps": [1, 2.5]}}, "direction": "ltr"}}));
                set.resources.push(("themes", theme.clone(), vec![format!("/design/themes/{theme}")]));
            }
            let mut flow_ids = vec![DEFAULT_AUTH_FLOW.to_owned()];
            for (i, name) in flows.iter().enumerate() {
                let flow = id(6, i);
                set.documents.push(json!({"resource_type": "flow", "id": flow,
                    "handle": format!("generated-{i}"), "name": format!("{name} {i}"),
                    "flowType": "AUTHENTICATION",
                    "nodes": [
                        {"id": "start", "type": "START", "onSuccess": "assert",
                         "layout": {"size": {"width": 120.5, "height": 40}, "position": {"x": 10, "y": 20}}},
                        {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"},
                         "properties": {"callbackType": "x"}, "onSuccess": "end"},
                        {"id": "end", "type": "END"}]}));
                set.resources.push(("flows", flow.clone(), vec![format!("/flows/{flow}")]));
                flow_ids.push(flow);
            }
            for (i, (name, public, uris, flow)) in apps.iter().enumerate() {
                let app = id(7, i);
                let redirects: Vec<String> = (0..*uris).map(|u| format!("https://app{i}.example/cb{u}")).collect();
                let mut config = json!({"clientId": format!("generated-client-{i}"), "redirectUris": redirects,
                    "grantTypes": ["authorization_code", "refresh_token"], "responseTypes": ["code"],
                    "pkceRequired": true, "scopes": ["openid", "profile"],
                    // Without it the ID token's response type is left unset, and a re-import
                    // (which names the token settings) gets the default `JWT`: on the server too.
                    "token": {"idToken": {"responseType": "JWT"}}});
                if *public {
                    config["publicClient"] = json!(true);
                    config["tokenEndpointAuthMethod"] = json!("none");
                } else {
                    config["tokenEndpointAuthMethod"] = json!("client_secret_basic");
                    config["clientSecret"] = json!(format!("generated-secret-{i}"));
                }
                set.documents.push(json!({"resource_type": "application", "id": app,
                    "name": format!("{name} {i}"), "ouId": ROOT_OU, "type": "browser",
                    "authFlowId": flow.get(&flow_ids), "allowedUserTypes": type_names,
                    "metadata": {"team": name, "tier": i},
                    "inboundAuthConfig": [{"type": "oauth2", "config": config}]}));
                set.resources.push(("applications", app.clone(), vec![format!("/applications/{app}")]));
            }
            // A presentation definition and a credential configuration per entry: trusted
            // authorities (an array variable) and claim values, or neither.
            for (i, (name, constrained, unit, authorities)) in credentials.iter().enumerate() {
                let (definition, configuration) = (id(9, i), id(10, i));
                let handle = format!("vc-{i}");
                let mut document = json!({"resource_type": "presentation_definition", "id": definition,
                    "handle": handle, "ouId": unit.get(&unit_ids), "name": format!("{name} {i}"),
                    "vct": format!("urn:example:{i}"), "mandatoryClaims": ["email"],
                    "optionalClaims": ["given_name"], "enforceTrustedIssuer": constrained,
                    "trustedAuthorities": (0..*authorities).map(|a| format!("ca-{a}")).collect::<Vec<_>>()});
                if *constrained {
                    document["claimValues"] = json!({"email": ["a@x.example", "b@x.example"]});
                }
                set.documents.push(document);
                set.resources.push(("presentationDefinitions", definition.clone(),
                    vec![format!("/openid4vp/presentation-definitions/{definition}")]));
                let mut document = json!({"resource_type": "credential_configuration", "id": configuration,
                    "handle": handle, "ouId": unit.get(&unit_ids), "vct": format!("urn:example:{i}"),
                    "claims": [{"name": "email", "displayName": "E-mail"}, {"name": "given_name"}]});
                if *constrained {
                    document["display"] = json!({"locale": "en", "logoUri": "https://x.example/logo.png"});
                    document["validitySeconds"] = json!(3600 + i);
                }
                set.documents.push(document);
                set.resources.push(("credentialConfigurations", configuration.clone(),
                    vec![format!("/openid4vci/credential-configurations/{configuration}")]));
            }
            set
        })
}

/// `NAME=value` lines as `/import` variables (an array variable's value is JSON).
pub(crate) fn variables(env: &str) -> Value {
    let mut vars = serde_json::Map::new();
    for line in env.lines() {
        let (name, value) = line.split_once('=').expect("NAME=value");
        let value = if value.starts_with('[') {
            serde_json::from_str(value).expect("a JSON array")
        } else {
            json!(value)
        };
        vars.insert(name.to_owned(), value);
    }
    Value::Object(vars)
}

/// What a GET shows, without the timestamps a re-import does not keep.
fn without_timestamps(mut value: Value) -> Value {
    if let Value::Object(object) = &mut value {
        object.remove("createdAt");
        object.remove("updatedAt");
    }
    value
}

async fn import(t: &TestServer, content: &str, variables: &Value) -> Value {
    let body =
        json!({"content": content, "variables": variables, "options": {"continueOnError": false}});
    let reply = call(t, Method::POST, "/import", Some(&body)).await;
    assert_eq!(reply.status.as_u16(), 200, "{reply:?}");
    reply.json()
}

/// Seed a fresh mock with `set` through `/import`, export what it holds; the copy comes from
/// `copy(resources, env)`; every GET shows the same in both.
async fn round_trip<F, Fut>(set: &ResourceSet, copy: F) -> Result<(), TestCaseError>
where
    F: FnOnce(String, String) -> Fut,
    Fut: std::future::Future<Output = TestServer>,
{
    let original = TestServer::start().await;
    let content: Vec<String> = set.documents.iter().map(Value::to_string).collect();
    let seeded = import(&original, &content.join("\n---\n"), &json!({})).await;
    prop_assert_eq!(&seeded["summary"]["failed"], &json!(0), "{}", seeded);
    let mut request = serde_json::Map::new();
    for (member, id, _) in &set.resources {
        request
            .entry(*member)
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .unwrap()
            .push(json!(id));
    }
    let exported = export(&original, &Value::Object(request)).await;
    prop_assert_eq!(exported.status.as_u16(), 200, "{:?}", exported);
    let exported = exported.json();
    let resources = exported["resources"].as_str().unwrap().to_owned();
    let env = exported["environment_variables"]
        .as_str()
        .unwrap()
        .to_owned();
    let copy = copy(resources.clone(), env).await;
    for (_, _, paths) in &set.resources {
        for path in paths {
            let before = call(&original, Method::GET, path, None).await;
            let after = call(&copy, Method::GET, path, None).await;
            prop_assert_eq!(before.status, after.status, "{}", path);
            prop_assert_eq!(
                without_timestamps(before.json()),
                without_timestamps(after.json()),
                "{}\n{}",
                path,
                resources
            );
        }
    }
    Ok(())
}

/// A fresh mock with the export posted to `/import`, the `.env` values as `variables`.
async fn imported_copy(resources: String, env: String) -> TestServer {
    let copy = TestServer::start().await;
    let reimported = import(&copy, &resources, &variables(&env)).await;
    assert_eq!(
        reimported["summary"]["failed"],
        json!(0),
        "{reimported}\n{resources}"
    );
    copy
}

#[test]
fn an_export_re_imports_into_a_fresh_mock_as_the_same_state() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let config = ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(set in resource_set())| {
        runtime.block_on(round_trip(&set, imported_copy))?;
    });
}

#[test]
fn an_export_written_as_resource_files_starts_a_mock_in_the_same_state() {
    use proptest::strategy::ValueTree;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..3 {
        let set = resource_set().new_tree(&mut runner).unwrap().current();
        let declared = |resources: String, env: String| async move {
            let dir =
                std::env::temp_dir().join(format!("thunderid-mock-export-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("state.yaml"), resources).unwrap();
            // Mutable: the state compared is the stored one (read-only loading flags `isReadOnly`).
            let mut builder = thunderid_mock::MockServer::builder()
                .resources(&dir)
                .mutable_resources();
            for line in env.lines() {
                let (name, value) = line.split_once('=').unwrap();
                builder = builder.resource_variable(name, value);
            }
            let copy = TestServer::with(builder).await;
            let _ = std::fs::remove_dir_all(&dir);
            copy
        };
        runtime.block_on(round_trip(&set, declared)).unwrap();
    }
}
