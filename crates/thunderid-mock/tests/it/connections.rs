//! The connections API (`connections.yaml`): exact bodies as the server's encoder writes them,
//! write-only secrets, the vendor check, and the CORS of each kind of path.

use reqwest::Method;
use serde_json::{Value, json};
use thunderid_protocol::ApiErrorCode;

use crate::organizations::{admin, assert_api_error, call};
use crate::support::{Reply, TestServer};

async fn as_admin(t: &TestServer, method: Method, path: &str, body: Option<&Value>) -> Reply {
    call(t, method, path, Some(&admin(t)), body).await
}

#[tokio::test]
async fn a_github_connection_is_written_as_the_server_writes_it() {
    let t = TestServer::start().await;
    let body = json!({"name": "GitHub", "description": "<Org>", "clientId": "c", "clientSecret": "s",
        "redirectUri": "https://localhost:8090/gate/callback", "prompt": "", "unknown": 1});
    let created = as_admin(&t, Method::POST, "/connections/github", Some(&body)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().expect("an id").to_owned();
    assert_eq!(id.len(), 36);
    let expected = format!(
        "{{\"id\":\"{id}\",\"name\":\"GitHub\",\"description\":\"\\u003cOrg\\u003e\",\"type\":\"github\",\
         \"clientId\":\"c\",\"clientSecret\":\"******\",\"redirectUri\":\"https://localhost:8090/gate/callback\",\
         \"scopes\":[\"user:email\"],\"attributeConfiguration\":{{\"userTypeResolution\":{{\"default\":\"Person\"}},\
         \"userTypeAttributeMappings\":[{{\"userType\":\"Person\",\"attributes\":[{{\"externalAttribute\":\"login\",\
         \"localAttribute\":\"username\"}}]}}],\"accountLinking\":{{\"attributes\":[\"email\"]}}}}}}\n"
    );
    assert_eq!(created.body, expected);
    let got = as_admin(&t, Method::GET, &format!("/connections/github/{id}"), None).await;
    assert_eq!(got.body, expected);

    // A replacement without the secret keeps it; without an attribute configuration drops it.
    let put = json!({"name": "GitHub", "clientId": "c2", "redirectUri": "https://a/cb", "scopes": ["read:user"]});
    let updated = as_admin(
        &t,
        Method::PUT,
        &format!("/connections/github/{id}"),
        Some(&put),
    )
    .await;
    assert_eq!(
        updated.body,
        format!(
            "{{\"id\":\"{id}\",\"name\":\"GitHub\",\"type\":\"github\",\"clientId\":\"c2\",\
             \"clientSecret\":\"******\",\"redirectUri\":\"https://a/cb\",\"scopes\":[\"read:user\"]}}\n"
        )
    );
    let listed = as_admin(&t, Method::GET, "/connections/github", None).await;
    assert_eq!(
        listed.body,
        format!("[{{\"id\":\"{id}\",\"name\":\"GitHub\"}}]\n")
    );
    let empty = as_admin(&t, Method::GET, "/connections/twilio", None).await;
    assert_eq!(empty.body, "[]\n");
}

#[tokio::test]
async fn without_a_type_requiring_a_username_the_default_is_one_email_identifies() {
    // Person without a required username: nothing to map, so the resolution names the first type
    // that keeps email unique, and a configured resolution's own default is kept.
    let mut fixtures = thunderid_mock::fixtures::Fixtures::bundled();
    let person = fixtures
        .user_types
        .iter_mut()
        .find(|t| t.name == "Person")
        .expect("the bundled Person type");
    person.schema["username"]["required"] = json!(false);
    let t = TestServer::with_fixtures(fixtures).await;
    let body = json!({"name": "Google", "clientId": "c", "clientSecret": "s",
        "redirectUri": "https://localhost:8090/gate/callback"});
    let created = as_admin(&t, Method::POST, "/connections/google", Some(&body)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        created.json()["attributeConfiguration"],
        json!({"userTypeResolution": {"default": "Person"},
               "accountLinking": {"attributes": ["email"]}})
    );
    let configured = json!({"name": "Google 2", "clientId": "c", "clientSecret": "s",
        "redirectUri": "https://localhost:8090/gate/callback",
        "attributeConfiguration": {"userTypeResolution": {"default": "Person"}}});
    let created = as_admin(&t, Method::POST, "/connections/google", Some(&configured)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        created.json()["attributeConfiguration"]["userTypeResolution"],
        json!({"default": "Person"})
    );
}

#[tokio::test]
async fn an_id_of_another_vendor_is_not_found_and_an_unknown_vendor_is_not_routed() {
    let t = TestServer::start().await;
    let body = json!({"name": "V", "apiKey": "k", "apiSecret": "s", "senderId": "Acme"});
    let created = as_admin(&t, Method::POST, "/connections/vonage", Some(&body)).await;
    let id = created.json()["id"].as_str().expect("an id").to_owned();
    for path in [
        format!("/connections/twilio/{id}"),
        format!("/connections/sms-gateway/{id}/usages"),
    ] {
        let reply = as_admin(&t, Method::GET, &path, None).await;
        assert_api_error(&reply, 404, ApiErrorCode::SenderSenderNotFound);
    }
    let reply = as_admin(&t, Method::GET, &format!("/connections/google/{id}"), None).await;
    assert_api_error(&reply, 404, ApiErrorCode::IdpIDPNotFound);
    let reply = as_admin(&t, Method::GET, "/connections/email", None).await;
    assert_eq!(
        (reply.status.as_u16(), reply.body.as_str()),
        (404_u16, "404 page not found\n")
    );
    let usages = as_admin(
        &t,
        Method::GET,
        &format!("/connections/vonage/{id}/usages"),
        None,
    )
    .await;
    assert_eq!(
        usages.body,
        "{\"totalResults\":0,\"count\":0,\"summary\":{},\"usages\":[]}\n"
    );
}

#[tokio::test]
async fn the_connection_paths_answer_their_preflight() {
    let t = TestServer::start().await;
    for (path, methods) in [
        ("/connections", "GET"),
        ("/connections/oidc", "GET, POST"),
        ("/connections/oidc/x", "GET, PUT, DELETE"),
        ("/connections/oidc/x/usages", "GET"),
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
async fn a_federated_node_naming_a_stored_connection_redirects_with_its_settings() {
    let t = TestServer::start().await;
    // The social sign-in flow's Google node names `idpId: google`.
    let content = "resource_type: connection\nid: google\ntype: google\nname: Workspace Google\n\
                   clientId: workspace-client\nclientSecret: s\nredirectUri: https://app.example/callback\n\
                   scopes: [email, profile]\nprompt: select_account\n";
    let imported = as_admin(
        &t,
        Method::POST,
        "/import",
        Some(&json!({"content": content})),
    )
    .await;
    assert_eq!(
        imported.json()["summary"]["imported"],
        1,
        "{}",
        imported.body
    );
    let first = crate::flow_mfa_federated::first_step(&t, "sample-social").await;
    let redirect = crate::flow_support::step(&t, &first, Some("action_google"), json!({})).await;
    assert_eq!(
        redirect["data"]["additionalData"]["idpName"], "Workspace Google",
        "{redirect}"
    );
    let url = url::Url::parse(redirect["data"]["redirectURL"].as_str().unwrap_or_default())
        .expect("a URL");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "state" && k != "nonce")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let expected = [
        ("client_id", "workspace-client"),
        ("redirect_uri", "https://app.example/callback"),
        ("response_type", "code"),
        ("scope", "email profile openid"),
        ("prompt", "select_account"),
    ];
    assert_eq!(
        pairs,
        expected.map(|(k, v)| (k.to_owned(), v.to_owned())).to_vec()
    );
}
