//! Magic links through the hosted gate: the e-mailed link lands on `/gate/callback` with the
//! execution and the token, and a redirect sign-in ends at the app with a code.

use reqwest::StatusCode;
use serde_json::json;

use crate::callback::{SPA_CALLBACK, query_string, spa_query};
use crate::flow_support::*;
use crate::support::TestServer;

/// The bundled set with `sample-spa` signing in by magic link.
fn magic_link_fixtures() -> thunderid_mock::Fixtures {
    let mut fixtures = thunderid_mock::Fixtures::bundled();
    let flow = json!({
        "id": "01900000-0000-7000-8000-0000000000fe", "handle": "magic-flow", "name": "Magic", "flowType": "AUTHENTICATION",
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "ask"},
            {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
                {"ref": "input_001", "identifier": "email", "type": "EMAIL_INPUT", "required": true}],
                "action": {"ref": "magic_link_action", "nextNode": "generate"}}]},
            {"id": "generate", "type": "TASK_EXECUTION", "executor": {"name": "MagicLinkExecutor", "mode": "generate",
                "inputs": [{"identifier": "email", "type": "EMAIL_INPUT", "required": true}]}, "onSuccess": "send"},
            {"id": "send", "type": "TASK_EXECUTION", "properties": {"emailTemplate": "MAGIC_LINK"},
             "executor": {"name": "EmailExecutor", "mode": "send",
                "inputs": [{"identifier": "email", "type": "EMAIL_INPUT", "required": true}]}, "onSuccess": "sent"},
            {"id": "sent", "type": "PROMPT", "message": "Check your e-mail", "next": "verify"},
            {"id": "verify", "type": "TASK_EXECUTION", "executor": {"name": "MagicLinkExecutor", "mode": "verify"},
             "onSuccess": "assert"},
            {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
            {"id": "end", "type": "END"}
        ]
    });
    fixtures
        .flows
        .push(serde_json::from_value(flow).expect("a graph"));
    fixtures.applications[0].auth_flow = "magic-flow".to_owned();
    fixtures
}

#[tokio::test]
async fn the_emailed_link_finishes_a_redirect_sign_in_at_the_app() {
    let t = TestServer::with_fixtures(magic_link_fixtures()).await;
    let reply = t
        .get(&format!(
            "/oauth2/authorize?{}",
            query_string(&spa_query("openid"))
        ))
        .await;
    let page = follow(&t, &reply).await;
    assert_eq!(page.status, StatusCode::OK, "{page:?}");
    let form = GateForm::parse(&page.body);
    assert_eq!(form.fields, ["email"]);
    let action = form.buttons[0].0.clone();
    let sent = form
        .submit(&t, &action, &[("email", "thor@asgard.example")])
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{sent:?}");
    assert!(
        card_text(&sent.body)
            .iter()
            .any(|l| l == "Check your e-mail"),
        "{:?}",
        card_text(&sent.body)
    );

    let mail = outbox(&t, "thor@asgard.example").await;
    let body = mail[0]["body"].as_str().unwrap_or_default();
    let link = body
        .split_whitespace()
        .find(|w| w.contains("/gate/callback?"))
        .expect("a link in the e-mail");
    let link = url::Url::parse(link).expect("a URL");
    let keys: Vec<String> = link.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(keys, ["applicationId", "id", "token", "type"]);
    let path = format!("{}?{}", link.path(), link.query().unwrap_or_default());
    let landed = t.get(&path).await;
    assert_eq!(landed.status, StatusCode::FOUND, "{landed:?}");
    let callback = landed.location();
    assert_eq!(
        format!(
            "{}://{}{}",
            callback.scheme(),
            callback.authority(),
            callback.path()
        ),
        SPA_CALLBACK
    );
    assert!(
        callback.query_pairs().any(|(k, _)| k == "code"),
        "{callback}"
    );
    // The link works once: the execution is gone, and the gate says the session expired.
    let again = t.get(&path).await;
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
    let expired = "Your session has expired. Please return to the application and sign in again.";
    assert!(
        card_text(&again.body).iter().any(|l| l == expired),
        "{:?}",
        card_text(&again.body)
    );
}
