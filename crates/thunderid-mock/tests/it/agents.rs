//! Agents and agent types (`agent.yaml`): bodies as the server's encoder writes them, the agent
//! service's checks and codes, and an agent's OAuth client getting tokens.

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};
use thunderid_protocol::ApiErrorCode;

use crate::organizations::{ADMIN, admin, assert_api_error, call, redact_uuid, token_for};
use crate::support::{Reply, TestServer};

const DEFAULT_OU: &str = "01900000-0000-7000-8000-000000000001";
const AGENT_TYPE: &str = "01900000-0000-7000-8000-000000000011";
const PERSON: &str = "01900000-0000-7000-8000-000000000010";

async fn as_admin(t: &TestServer, method: Method, path: &str, body: Option<&Value>) -> Reply {
    call(t, method, path, Some(&admin(t)), body).await
}

async fn create(t: &TestServer, body: &Value) -> Value {
    let reply = as_admin(t, Method::POST, "/agents", Some(body)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()
}

async fn token(t: &TestServer, client_id: &str, secret: &str, scope: Option<&str>) -> Reply {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{secret}"));
    let mut form = vec![("grant_type", "client_credentials")];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    t.send(
        t.client
            .post(t.url("/oauth2/token"))
            .header("authorization", format!("Basic {basic}"))
            .form(&form),
    )
    .await
}

fn text(value: &Value, pointer: &str) -> String {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {pointer} in {value}"))
        .to_owned()
}

#[tokio::test]
async fn an_agent_with_an_oauth_client_gets_client_credentials_tokens_until_deleted() {
    let t = TestServer::start().await;
    let created = create(
        &t,
        &json!({"name": "Travel Assistant", "type": "default", "ouId": DEFAULT_OU,
            "description": "Books trips", "attributes": {"model": "gpt", "modelProvider": "openai"},
            "inboundAuthConfig": [{"type": "oauth2", "config": {}}]}),
    )
    .await;
    let id = text(&created, "/id");
    let client_id = text(&created, "/inboundAuthConfig/0/config/clientId");
    let secret = text(&created, "/inboundAuthConfig/0/config/clientSecret");
    assert_eq!((client_id.len(), secret.len()), (22, 43));
    insta::assert_json_snapshot!("agent_created_with_oauth", created, {
        ".id" => insta::dynamic_redaction(redact_uuid),
        ".inboundAuthConfig[0].config.clientId" => "[client-id]",
        ".inboundAuthConfig[0].config.clientSecret" => "[secret]",
    });
    let got = as_admin(&t, Method::GET, &format!("/agents/{id}"), None).await;
    assert_eq!(got.status, 200);
    assert_eq!(text(&got.json(), "/clientId"), client_id);
    assert!(!got.body.contains("clientSecret"), "{}", got.body);
    insta::assert_json_snapshot!("agent_get_with_oauth", got.json(), {
        ".id" => insta::dynamic_redaction(redact_uuid),
        ".clientId" => "[client-id]",
        ".inboundAuthConfig[0].config.clientId" => "[client-id]",
    });

    let issued = token(&t, &client_id, &secret, None).await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    let access = text(&issued.json(), "/access_token");
    let verified = t.server.verify(&access).expect("the mock's own token");
    assert_eq!(verified.claims["sub"], json!(id));
    assert_eq!(verified.claims["aud"], json!(client_id));
    assert_eq!(verified.claims["client_id"], json!(client_id));
    assert_eq!(verified.claims["grant_type"], json!("client_credentials"));
    assert!(issued.json().get("id_token").is_none());
    let wrong = token(&t, &client_id, "wrong", None).await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);

    let deleted = as_admin(&t, Method::DELETE, &format!("/agents/{id}"), None).await;
    assert_eq!(deleted.status, 204);
    let refused = token(&t, &client_id, &secret, None).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert_eq!(refused.json()["error"], "invalid_client");
    let again = as_admin(&t, Method::DELETE, &format!("/agents/{id}"), None).await;
    assert_api_error(&again, 404, ApiErrorCode::AgentAgentNotFound);
}

#[tokio::test]
async fn agent_types_sit_beside_user_types_and_only_default_may_exist() {
    let t = TestServer::start().await;
    let listed = as_admin(&t, Method::GET, "/agent-types?include=display", None).await;
    assert_eq!(
        listed.body,
        format!(
            "{{\"totalResults\":1,\"startIndex\":1,\"count\":1,\"types\":[{{\"id\":\"{AGENT_TYPE}\",\
             \"name\":\"default\",\"ouId\":\"{DEFAULT_OU}\",\"ouHandle\":\"default\",\
             \"allowSelfRegistration\":false,\"isReadOnly\":false}}],\"links\":[]}}\n"
        )
    );
    let got = as_admin(&t, Method::GET, &format!("/agent-types/{AGENT_TYPE}"), None).await;
    insta::assert_json_snapshot!("agent_type_default", got.json());
    let users = as_admin(&t, Method::GET, "/user-types", None).await;
    assert!(!users.body.contains(AGENT_TYPE), "{}", users.body);
    let reply = as_admin(&t, Method::GET, &format!("/user-types/{AGENT_TYPE}"), None).await;
    assert_api_error(&reply, 404, ApiErrorCode::UserTypeNotFoundInService);
    let reply = as_admin(&t, Method::GET, &format!("/agent-types/{PERSON}"), None).await;
    assert_eq!(reply.status, 404);
    insta::assert_json_snapshot!("agent_type_not_found", reply.json());

    let robot = json!({"name": "robot", "ouId": DEFAULT_OU, "schema": {}});
    let reply = as_admin(&t, Method::POST, "/agent-types", Some(&robot)).await;
    assert_api_error(&reply, 400, ApiErrorCode::AgentTypeOnlyDefault);
    let path = format!("/agent-types/{AGENT_TYPE}");
    let reply = as_admin(&t, Method::PUT, &path, Some(&robot)).await;
    assert_api_error(&reply, 400, ApiErrorCode::AgentTypeOnlyDefault);
    let schema = json!({"model": {"type": "string"}});
    let default = json!({"name": "default", "ouId": DEFAULT_OU, "schema": schema});
    let reply = as_admin(&t, Method::POST, "/agent-types", Some(&default)).await;
    assert_eq!(reply.status, 409);
    insta::assert_json_snapshot!("agent_type_name_conflict", reply.json());
    let bad_unit = json!({"name": "default", "ouId": "x", "schema": schema});
    let reply = as_admin(&t, Method::PUT, &path, Some(&bad_unit)).await;
    assert_eq!(reply.status, 400);
    insta::assert_json_snapshot!("agent_type_invalid_request", reply.json());
    let reply = as_admin(&t, Method::DELETE, &path, None).await;
    assert_api_error(&reply, 400, ApiErrorCode::AgentTypeCannotDelete);
    let reply = as_admin(&t, Method::DELETE, "/agent-types/unknown", None).await;
    assert_api_error(&reply, 400, ApiErrorCode::AgentTypeCannotDelete);

    // The schema is edited in place; agents are validated against it from then on.
    let edited = json!({"name": "default", "ouId": DEFAULT_OU,
        "schema": {"model": {"type": "string", "required": true}}});
    let reply = as_admin(&t, Method::PUT, &path, Some(&edited)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let agent = json!({"name": "A", "type": "default", "ouId": DEFAULT_OU});
    let reply = as_admin(&t, Method::POST, "/agents", Some(&agent)).await;
    assert_api_error(&reply, 400, ApiErrorCode::AgentSchemaValidationFailed);
}

#[tokio::test]
async fn agent_types_need_the_agenttype_permissions() {
    let t = TestServer::start().await;
    let viewer = token_for(
        &t,
        ADMIN,
        "system:agenttype:view",
        json!({"ouId": DEFAULT_OU}),
    );
    let listed = call(&t, Method::GET, "/agent-types", Some(&viewer), None).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let body =
        json!({"name": "default", "ouId": DEFAULT_OU, "schema": {"model": {"type": "string"}}});
    let path = format!("/agent-types/{AGENT_TYPE}");
    let refused = call(&t, Method::PUT, &path, Some(&viewer), Some(&body)).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let agents = call(&t, Method::GET, "/agents", Some(&viewer), None).await;
    assert_eq!(agents.status, 403, "{}", agents.body);
    let editor = token_for(&t, ADMIN, "system:agenttype", json!({"ouId": DEFAULT_OU}));
    let updated = call(&t, Method::PUT, &path, Some(&editor), Some(&body)).await;
    assert_eq!(updated.status, 200, "{}", updated.body);
}

#[tokio::test]
async fn an_agent_without_a_profile_is_listed_replaced_and_filtered() {
    let t = TestServer::start().await;
    let created = as_admin(
        &t,
        Method::POST,
        "/agents",
        Some(
            &json!({"name": "Planner", "type": "default", "ouId": DEFAULT_OU,
            "logoUrl": "https://logo.example/p.png", "attributes": {"function": "orchestrator"}}),
        ),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = text(&created.json(), "/id");
    // The logo is a property of the inbound client, which an agent without a profile lacks.
    assert_eq!(
        created.body,
        format!(
            "{{\"id\":\"{id}\",\"ouId\":\"{DEFAULT_OU}\",\"ouHandle\":\"default\",\"type\":\"default\",\
             \"name\":\"Planner\",\"logoUrl\":\"https://logo.example/p.png\",\"owner\":\"{ADMIN}\",\
             \"attributes\":{{\"function\":\"orchestrator\"}},\"isRegistrationFlowEnabled\":false,\
             \"isRecoveryFlowEnabled\":false}}\n"
        )
    );
    let got = as_admin(&t, Method::GET, &format!("/agents/{id}"), None).await;
    assert_eq!(
        got.body,
        format!(
            "{{\"id\":\"{id}\",\"ouId\":\"{DEFAULT_OU}\",\"type\":\"default\",\"name\":\"Planner\",\
             \"owner\":\"{ADMIN}\",\"attributes\":{{\"function\":\"orchestrator\"}},\
             \"isRegistrationFlowEnabled\":false,\"isRecoveryFlowEnabled\":false}}\n"
        )
    );
    let filtered = as_admin(
        &t,
        Method::GET,
        "/agents?filter=function%20eq%20%22orchestrator%22&include=display&limit=1",
        None,
    )
    .await;
    insta::assert_json_snapshot!("agents_filtered", filtered.json(), {
        ".agents[0].id" => insta::dynamic_redaction(redact_uuid),
    });
    let none = as_admin(
        &t,
        Method::GET,
        "/agents?filter=function%20eq%20%22rag%22",
        None,
    )
    .await;
    assert_eq!(
        none.body,
        "{\"totalResults\":0,\"startIndex\":1,\"count\":0,\"agents\":[],\"links\":[]}\n"
    );
    for (query, code) in [
        ("limit=0", ApiErrorCode::AgentInvalidLimit),
        ("limit=101", ApiErrorCode::AgentInvalidLimit),
        ("limit=x", ApiErrorCode::AgentInvalidLimit),
        ("offset=-1", ApiErrorCode::AgentInvalidOffset),
        ("filter=", ApiErrorCode::AgentInvalidFilter),
        ("filter=function%20eq%20x", ApiErrorCode::AgentInvalidFilter),
        (
            "filter=function%20eq%20%22%22",
            ApiErrorCode::AgentInvalidFilter,
        ),
    ] {
        let reply = as_admin(&t, Method::GET, &format!("/agents?{query}"), None).await;
        assert_api_error(&reply, 400, code);
    }

    // A replacement: a new owner must exist; the unit is kept when not given.
    let path = format!("/agents/{id}");
    let body = json!({"name": "Planner", "type": "default", "owner": "nobody"});
    let reply = as_admin(&t, Method::PUT, &path, Some(&body)).await;
    assert_api_error(&reply, 400, ApiErrorCode::AgentOwnerNotFound);
    let body = json!({"name": "Planner 2", "type": "default", "owner": crate::organizations::THOR,
        "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "planner"}}]});
    let reply = as_admin(&t, Method::PUT, &path, Some(&body)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    insta::assert_json_snapshot!("agent_replaced_with_oauth", reply.json(), {
        ".id" => insta::dynamic_redaction(redact_uuid),
        ".inboundAuthConfig[0].config.clientSecret" => "[secret]",
    });
    let usages = as_admin(
        &t,
        Method::GET,
        &format!("/users/{}/usages", crate::organizations::THOR),
        None,
    )
    .await;
    assert_eq!(
        usages.body,
        format!(
            "{{\"totalResults\":1,\"count\":1,\"summary\":{{\"agent\":1}},\"usages\":[{{\
             \"resourceType\":\"agent\",\"id\":\"{id}\",\"displayName\":\"Planner 2\",\
             \"behaviorOnDelete\":\"restrict\"}}]}}\n"
        )
    );
    let flow_usages = as_admin(
        &t,
        Method::GET,
        "/flows/01900000-0000-7000-8000-000000000061/usages",
        None,
    )
    .await;
    assert!(
        flow_usages.body.contains(&format!(
            "{{\"resourceType\":\"agent\",\"id\":\"{id}\",\"displayName\":\"Planner 2\",\
             \"behaviorOnDelete\":\"fallback\"}}"
        )),
        "{}",
        flow_usages.body
    );
}

#[tokio::test]
async fn every_agent_check_answers_its_code() {
    let t = TestServer::start().await;
    create(
        &t,
        &json!({"name": "Taken", "type": "default", "ouId": DEFAULT_OU,
            "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "taken-agent"}}]}),
    )
    .await;
    let base = |extra: Value| {
        let mut body = json!({"name": "X", "type": "default", "ouId": DEFAULT_OU});
        if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
            body.extend(extra);
        }
        body
    };
    let oauth =
        |config: Value| base(json!({"inboundAuthConfig": [{"type": "oauth2", "config": config}]}));
    let cases: Vec<(Value, u16, ApiErrorCode)> = vec![
        (
            base(json!({"logoUrl": "ftp://x"})),
            400,
            ApiErrorCode::AgentInvalidLogoURL,
        ),
        (
            base(json!({"ouId": "x"})),
            400,
            ApiErrorCode::AgentOrganizationUnitNotFound,
        ),
        (
            base(json!({"name": "Taken"})),
            409,
            ApiErrorCode::AgentAgentAlreadyExistsWithName,
        ),
        (
            base(json!({"inboundAuthConfig": [{"type": "oauth2"}, {"type": "oauth2"}]})),
            400,
            ApiErrorCode::AgentMultipleOAuthConfigs,
        ),
        (
            oauth(json!({"clientId": "taken-agent"})),
            409,
            ApiErrorCode::AgentAgentAlreadyExistsWithClientID,
        ),
        (
            oauth(json!({"clientId": "sample-web"})),
            409,
            ApiErrorCode::AgentAgentAlreadyExistsWithClientID,
        ),
        (
            oauth(json!({"grantTypes": ["password"]})),
            400,
            ApiErrorCode::AgentInvalidGrantType,
        ),
        (
            oauth(json!({"tokenEndpointAuthMethod": "tls_client_auth"})),
            400,
            ApiErrorCode::AgentInvalidTokenEndpointAuthMethod,
        ),
        (
            base(json!({"authFlowId": "01900000-0000-7000-8000-000000000064"})),
            400,
            ApiErrorCode::AgentInvalidAuthFlowID,
        ),
        (
            base(json!({"allowedUserTypes": ["Robot"]})),
            400,
            ApiErrorCode::AgentInvalidUserType,
        ),
        (
            base(json!({"themeId": "none"})),
            400,
            ApiErrorCode::AgentThemeNotFound,
        ),
        (
            base(json!({"layoutId": "none"})),
            400,
            ApiErrorCode::AgentLayoutNotFound,
        ),
        (
            base(
                json!({"allowedUserTypes": ["Person"], "assertion": {"userAttributes": ["shoe_size"]}}),
            ),
            400,
            ApiErrorCode::AgentInvalidUserAttribute,
        ),
        (
            base(json!({"owner": "nobody"})),
            400,
            ApiErrorCode::AgentOwnerNotFound,
        ),
        (
            base(json!({"attributes": {"model": 7}})),
            400,
            ApiErrorCode::AgentSchemaValidationFailed,
        ),
        (
            base(json!({"attributes": {"colour": "red"}})),
            400,
            ApiErrorCode::AgentSchemaValidationFailed,
        ),
        (
            base(json!({"type": "robot"})),
            400,
            ApiErrorCode::AgentSchemaValidationFailed,
        ),
    ];
    for (body, status, code) in cases {
        let reply = as_admin(&t, Method::POST, "/agents", Some(&body)).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        assert_api_error(&reply, status, code);
    }
    // Custom descriptions keep their text under the agent service's key.
    let reply = as_admin(
        &t,
        Method::POST,
        "/agents",
        Some(&oauth(json!({"grantTypes": ["authorization_code"]}))),
    )
    .await;
    insta::assert_json_snapshot!("agent_auth_code_without_redirect_uris", reply.json());
    let reply = as_admin(
        &t,
        Method::POST,
        "/agents",
        Some(&oauth(json!({"redirectUris": ["https://a.example/cb#f"]}))),
    )
    .await;
    insta::assert_json_snapshot!("agent_redirect_uri_fragment", reply.json());

    let reply = as_admin(&t, Method::POST, "/agents", Some(&json!([1]))).await;
    assert_api_error(&reply, 400, ApiErrorCode::AgentInvalidRequestFormat);
    let reply = as_admin(
        &t,
        Method::POST,
        "/agents",
        Some(&json!({"name": " ", "type": 1})),
    )
    .await;
    assert_api_error(&reply, 400, ApiErrorCode::AgentInvalidRequestFormat);
    let reply = as_admin(&t, Method::POST, "/agents", Some(&json!({"name": " "}))).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.body,
        "{\"code\":\"INVALID_INPUT_METADATA\",\"message\":\"Validation Failed\",\
         \"description\":\"One or more inbound fields failed structural edge-boundary rules.\",\
         \"errors\":{\"name\":\"The field 'name' is missing but is strictly required.\",\
         \"ouId\":\"The field 'ouId' is missing but is strictly required.\",\
         \"type\":\"The field 'type' is missing but is strictly required.\"}}\n"
    );
    let unknown = "/agents/01900000-0000-7000-8000-0000000000ff";
    for (method, body, status, code) in [
        (
            Method::PUT,
            json!({"type": "default"}),
            400,
            ApiErrorCode::AgentInvalidAgentName,
        ),
        (
            Method::PUT,
            json!({"name": "X"}),
            400,
            ApiErrorCode::AgentInvalidAgentType,
        ),
        (
            Method::PUT,
            json!({"name": "X", "type": "default"}),
            404,
            ApiErrorCode::AgentAgentNotFound,
        ),
        (
            Method::GET,
            Value::Null,
            404,
            ApiErrorCode::AgentAgentNotFound,
        ),
        (
            Method::DELETE,
            Value::Null,
            404,
            ApiErrorCode::AgentAgentNotFound,
        ),
    ] {
        let body = (!body.is_null()).then_some(&body);
        let reply = as_admin(&t, method, unknown, body).await;
        assert_api_error(&reply, status, code);
    }
    for path in [format!("{unknown}/groups"), format!("{unknown}/roles")] {
        let reply = as_admin(&t, Method::GET, &path, None).await;
        assert_api_error(&reply, 404, ApiErrorCode::AgentAgentNotFound);
        let reply = as_admin(&t, Method::GET, &format!("{path}?offset=x"), None).await;
        assert_api_error(&reply, 400, ApiErrorCode::AgentInvalidOffset);
    }
    // An application may not take an agent's client ID; an agent may share an application's name.
    let app = json!({"name": "X", "type": "m2m", "ouId": DEFAULT_OU,
        "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "taken-agent", "grantTypes": ["client_credentials"]}}]});
    let reply = as_admin(&t, Method::POST, "/applications", Some(&app)).await;
    assert_api_error(
        &reply,
        400,
        ApiErrorCode::AppApplicationAlreadyExistsWithClientID,
    );
    create(&t, &base(json!({"name": "sample-spa"}))).await;
}

#[tokio::test]
async fn an_agents_roles_come_from_it_and_its_groups_and_bound_its_tokens() {
    let t = TestServer::start().await;
    let agent = create(
        &t,
        &json!({"name": "Booker", "type": "default", "ouId": DEFAULT_OU,
            "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "booker", "clientSecret": "s3cret"}}]}),
    )
    .await;
    let id = text(&agent, "/id");
    assert_eq!(
        text(&agent, "/inboundAuthConfig/0/config/clientSecret"),
        "s3cret"
    );
    let group = as_admin(
        &t,
        Method::POST,
        "/groups",
        Some(
            &json!({"name": "Bots", "ouId": DEFAULT_OU, "members": [{"id": id, "type": "agent"}]}),
        ),
    )
    .await;
    assert_eq!(group.status, 201, "{}", group.body);
    let group_id = text(&group.json(), "/id");
    for (name, assignee) in [
        ("reader", json!({"id": group_id, "type": "group"})),
        ("writer", json!({"id": id, "type": "agent"})),
    ] {
        let permission = if name == "reader" {
            "booking:read"
        } else {
            "booking:write"
        };
        let role = json!({"name": name, "ouId": DEFAULT_OU, "assignments": [assignee],
            "permissions": [{"resourceServerId": "01900000-0000-7000-8000-000000000021", "permissions": [permission]}]});
        let reply = as_admin(&t, Method::POST, "/roles", Some(&role)).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    let roles = as_admin(
        &t,
        Method::GET,
        &format!("/agents/{id}/roles?limit=1"),
        None,
    )
    .await;
    assert_eq!(
        roles.body,
        format!(
            "{{\"totalResults\":2,\"startIndex\":1,\"count\":1,\"roles\":[\"reader\"],\"links\":[\
             {{\"href\":\"/agents/{id}/roles?offset=1\\u0026limit=1\",\"rel\":\"next\"}},\
             {{\"href\":\"/agents/{id}/roles?offset=1\\u0026limit=1\",\"rel\":\"last\"}}]}}\n"
        )
    );
    let groups = as_admin(&t, Method::GET, &format!("/agents/{id}/groups"), None).await;
    assert_eq!(
        groups.body,
        format!(
            "{{\"totalResults\":1,\"startIndex\":1,\"count\":1,\"groups\":[{{\"id\":\"{group_id}\",\
             \"name\":\"Bots\",\"ouId\":\"{DEFAULT_OU}\"}}],\"links\":[]}}\n"
        )
    );
    let basic = base64::engine::general_purpose::STANDARD.encode("booker:s3cret");
    let issued = t
        .send(
            t.client
                .post(t.url("/oauth2/token"))
                .header("authorization", format!("Basic {basic}"))
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("scope", "booking:read booking:write booking:delete"),
                    ("resource", "https://api.booking.example"),
                ]),
        )
        .await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    assert_eq!(issued.json()["scope"], "booking:read booking:write");
    let verified = t
        .server
        .verify(&text(&issued.json(), "/access_token"))
        .expect("verifies");
    assert_eq!(verified.claims["sub"], json!(id));
    assert_eq!(verified.claims["aud"], json!("https://api.booking.example"));

    // Deleting the agent removes its membership and assignment.
    let deleted = as_admin(&t, Method::DELETE, &format!("/agents/{id}"), None).await;
    assert_eq!(deleted.status, 204);
    let members = as_admin(
        &t,
        Method::GET,
        &format!("/groups/{group_id}/members"),
        None,
    )
    .await;
    assert!(!members.body.contains(&id), "{}", members.body);
    let roles = as_admin(&t, Method::GET, "/roles", None).await;
    for role in roles.json()["roles"].as_array().into_iter().flatten() {
        let rid = role["id"].as_str().unwrap_or_default();
        let assignments =
            as_admin(&t, Method::GET, &format!("/roles/{rid}/assignments"), None).await;
        assert!(!assignments.body.contains(&id), "{}", assignments.body);
    }
}

#[tokio::test]
async fn agent_types_and_agents_import_as_documents() {
    let t = TestServer::start().await;
    let content = "resource_type: agent_type\nid: 01900000-0000-7000-8000-000000000011\n\
        name: default\nouHandle: default\nschema:\n  model:\n    type: string\n---\n\
        resource_type: agent\nid: 019a0000-0000-7000-8000-0000000000e1\nname: Imported\n\
        type: default\nouHandle: default\nattributes:\n  model: m\nauthFlowHandle: default-flow\n\
        inboundAuthConfig:\n  - type: oauth2\n    config:\n      clientId: imported\n      \
        clientSecret: imp-secret\n";
    let reply = as_admin(
        &t,
        Method::POST,
        "/import",
        Some(&json!({"content": content})),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    insta::assert_json_snapshot!("agent_import", reply.json());
    let got = as_admin(
        &t,
        Method::GET,
        "/agents/019a0000-0000-7000-8000-0000000000e1",
        None,
    )
    .await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(
        got.json()["authFlowId"],
        "01900000-0000-7000-8000-000000000061"
    );
    let issued = token(&t, "imported", "imp-secret", None).await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    let schema = as_admin(&t, Method::GET, &format!("/agent-types/{AGENT_TYPE}"), None).await;
    assert_eq!(
        schema.json()["schema"],
        json!({"model": {"type": "string"}})
    );
}

#[tokio::test]
async fn an_agent_exports_as_a_document_that_re_imports_to_the_same_agent() {
    let t = TestServer::start().await;
    let created = create(
        &t,
        &json!({"name": "Travel Assistant", "type": "default", "ouId": DEFAULT_OU,
            "description": "Books trips", "attributes": {"modelProvider": "openai", "model": "gpt"},
            "inboundAuthConfig": [{"type": "oauth2", "config": {}}]}),
    )
    .await;
    let id = text(&created, "/id");
    let exported = as_admin(&t, Method::POST, "/export", Some(&json!({"agents": ["*"]}))).await;
    assert_eq!(exported.status, 200, "{}", exported.body);
    let exported = exported.json();
    let resources = text(&exported, "/resources");
    let env = text(&exported, "/environment_variables");
    let client_id = text(&created, "/inboundAuthConfig/0/config/clientId");
    insta::assert_snapshot!(
        "agent_exported",
        format!(
            "{}\n--- env ---\n{}",
            resources.replace(&id, "[agent-id]"),
            env.replace(&client_id, "[client-id]")
        )
    );

    // The client secret is not readable, so it is an empty variable: give the copy one.
    let mut variables = crate::export::variables(&env);
    let secret_variable = variables
        .as_object()
        .and_then(|vars| vars.keys().find(|k| k.ends_with("CLIENT_SECRET")).cloned())
        .expect("a client secret variable");
    variables[&secret_variable] = json!("copied-secret");
    let copy = TestServer::start().await;
    let body = json!({"content": resources, "variables": variables,
        "options": {"continueOnError": false}});
    let imported = as_admin(&copy, Method::POST, "/import", Some(&body)).await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    assert_eq!(imported.json()["summary"]["failed"], 0, "{}", imported.body);
    let path = format!("/agents/{id}");
    let before = as_admin(&t, Method::GET, &path, None).await.json();
    let mut after = as_admin(&copy, Method::GET, &path, None).await.json();
    // The re-imported document supplies an `idToken`, and the inbound-client validation gives a
    // supplied one the default `responseType`, as the server's does; the rest is the same.
    let id_token = after
        .pointer_mut("/inboundAuthConfig/0/config/token/idToken")
        .and_then(Value::as_object_mut)
        .expect("an idToken");
    assert_eq!(id_token.remove("responseType"), Some(json!("JWT")));
    assert_eq!(before, after);
    assert_eq!(
        token(&copy, &client_id, "copied-secret", None).await.status,
        200
    );
}
