//! `--server-version 1.0` (the builder's `server_version`): where the v1.0.x line (tag v1.0.0)
//! differs from `main`, the mock behaves as it; each test runs both lines side by side.

use serde_json::{Value, json};
use thunderid_mock::{MockServer, ServerVersion};

use crate::callback::{
    SPA, SPA_CALLBACK, WEB, WEB_SECRET, basic, query_string, query_value, spa_query, spa_tokens,
};
use crate::flow_support::{start_native, step, verify_assertion};
use crate::support::{Reply, TestServer};

async fn on(version: ServerVersion) -> TestServer {
    let t = TestServer::with(MockServer::builder().server_version(version)).await;
    assert_eq!(t.server.server_version(), version);
    t
}

#[tokio::test]
async fn ui_locales_reaches_the_gate_on_main_only() {
    for (version, expected) in [
        (ServerVersion::Main, Some("de")),
        (ServerVersion::V1_0, None),
    ] {
        let t = on(version).await;
        let mut query = spa_query("openid");
        query.push(("ui_locales", "de".to_owned()));
        let gate = crate::callback::begin_at_gate(&t, &query).await;
        assert_eq!(
            query_value(&gate, "ui_locales").as_deref(),
            expected,
            "{version}"
        );
        let pushed = t
            .send(t.client.post(t.url("/oauth2/par")).form(&query))
            .await
            .json();
        let uri = pushed["request_uri"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let reply = t
            .get(&format!(
                "/oauth2/authorize?{}",
                query_string(&[("client_id", SPA.to_owned()), ("request_uri", uri)])
            ))
            .await;
        assert_eq!(
            query_value(&reply.location(), "ui_locales").as_deref(),
            expected,
            "{version} PAR"
        );
    }
}

#[tokio::test]
async fn a_pushed_max_age_is_kept_on_main_only() {
    for (version, expected) in [
        (ServerVersion::Main, Some("30")),
        (ServerVersion::V1_0, None),
    ] {
        let t = on(version).await;
        let mut query = spa_query("openid");
        query.push(("max_age", "30".to_owned()));
        let pushed = t
            .send(t.client.post(t.url("/oauth2/par")).form(&query))
            .await
            .json();
        let uri = pushed["request_uri"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let reply = t
            .get(&format!(
                "/oauth2/authorize?{}",
                query_string(&[("client_id", SPA.to_owned()), ("request_uri", uri)])
            ))
            .await;
        let execution = query_value(&reply.location(), "executionId").unwrap_or_default();
        let view = t.server.execution(&execution).expect("the execution");
        assert_eq!(
            view.runtime.get("max_age").map(String::as_str),
            expected,
            "{version}"
        );
    }
}

async fn introspect(t: &TestServer, token: &str) -> Value {
    t.send(
        t.client
            .post(t.url("/oauth2/introspect"))
            .header("authorization", basic(WEB, WEB_SECRET))
            .form(&[("token", token)]),
    )
    .await
    .json()
}

#[tokio::test]
async fn introspection_reports_id_tokens_active_on_v1_0_only() {
    for (version, active) in [(ServerVersion::Main, false), (ServerVersion::V1_0, true)] {
        let t = on(version).await;
        let tokens = spa_tokens(&t, "openid").await;
        let id_token = tokens["id_token"].as_str().unwrap_or_default();
        let answer = introspect(&t, id_token).await;
        assert_eq!(answer["active"], json!(active), "{version}: {answer}");
        let access = introspect(&t, tokens["access_token"].as_str().unwrap_or_default()).await;
        assert_eq!(access["active"], json!(true), "{version}");
    }
}

async fn logout(t: &TestServer, hint: &str) -> Reply {
    t.get(&format!(
        "/oauth2/logout?{}",
        query_string(&[("id_token_hint", hint.to_owned())])
    ))
    .await
}

#[tokio::test]
async fn an_access_token_is_an_id_token_hint_on_v1_0_only() {
    let t = on(ServerVersion::Main).await;
    let tokens = spa_tokens(&t, "openid").await;
    let reply = logout(&t, tokens["access_token"].as_str().unwrap_or_default()).await;
    assert_eq!(
        (reply.status.as_u16(), reply.body.as_str()),
        (400, "invalid id_token_hint\n")
    );

    let t = on(ServerVersion::V1_0).await;
    let tokens = spa_tokens(&t, "openid").await;
    let reply = logout(&t, tokens["access_token"].as_str().unwrap_or_default()).await;
    assert_eq!(reply.status, 302, "{reply:?}");
    assert_eq!(reply.location().path(), "/gate/signout");
    assert!(
        reply.location().as_str().contains("applicationId="),
        "{}",
        reply.location()
    );
    let _ = SPA_CALLBACK;
}

#[tokio::test]
async fn flow_inputs_are_html_escaped_on_v1_0_only() {
    for (version, stored) in [
        (ServerVersion::Main, "o'brien"),
        (ServerVersion::V1_0, "o&#39;brien"),
    ] {
        let t = on(version).await;
        let first = start_native(&t, "REGISTRATION", json!({})).await;
        let details = step(
            &t,
            &first,
            Some("action_credentials"),
            json!({"username": "o'brien", "password": "Brien@12345&"}),
        )
        .await;
        let done = step(
            &t,
            &details,
            Some("action_schema_attrs"),
            json!({"email": "ob@example.com"}),
        )
        .await;
        assert_eq!(done["flowStatus"], "COMPLETE", "{version}: {done}");
        // Signing in escapes the inputs the same way, so the user still signs in.
        let start = start_native(&t, "AUTHENTICATION", json!({})).await;
        let signed_in = step(
            &t,
            &start,
            Some("action_001"),
            json!({"username": "o'brien", "password": "Brien@12345&"}),
        )
        .await;
        assert_eq!(
            signed_in["flowStatus"], "COMPLETE",
            "{version}: {signed_in}"
        );
        let claims = verify_assertion(&t, signed_in["assertion"].as_str().unwrap_or_default());
        assert_eq!(claims["username"], json!(stored), "{version}");
    }
}

#[test]
fn the_cli_names_the_lines() {
    assert_eq!("1.0".parse::<ServerVersion>(), Ok(ServerVersion::V1_0));
    assert_eq!(ServerVersion::default(), ServerVersion::Main);
}

#[tokio::test]
async fn discovery_lists_the_assertion_signing_algorithms_on_main_only() {
    for (version, listed) in [(ServerVersion::Main, true), (ServerVersion::V1_0, false)] {
        let t = on(version).await;
        for path in [
            "/.well-known/openid-configuration",
            "/.well-known/oauth-authorization-server",
        ] {
            let document = t.get(path).await.json();
            assert!(
                document["token_endpoint_auth_methods_supported"]
                    .as_array()
                    .is_some_and(|methods| methods.contains(&"private_key_jwt".into())),
                "{version} {path}"
            );
            assert_eq!(
                document
                    .get("token_endpoint_auth_signing_alg_values_supported")
                    .is_some(),
                listed,
                "{version} {path}"
            );
        }
    }
}
