//! `POST /flow/sign-in` (`handle_flow`): the start through `/oauth2/authorize`, steps with the
//! page's action, in-band errors passed through, completion as a relative redirect, and the 500s
//! of seed 001.

use anyhow::{Context, Result};
use serde_json::{Value, json};
use thunderid_client::axum::{Mode, ThunderId};

use crate::axum_support::{FLOW, WebApp, endpoints, flatten, keys, router, thunder};
use crate::support::{Env, WEB_APP, form, param};

#[tokio::test]
async fn a_first_request_starts_sign_in_through_authorize_and_answers_the_form() -> Result<()> {
    let mut app = WebApp::start().await?;
    let reply = app
        .post_flow(&json!({"applicationId": WEB_APP, "flowType": "SIGN_IN"}))
        .await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json()?;
    assert_eq!(
        keys(&body),
        [
            "authId",
            "challengeToken",
            "components",
            "executionId",
            "flowStatus"
        ]
    );
    assert_eq!(body["flowStatus"], "INCOMPLETE");
    let inputs: Vec<(&str, &str)> = flatten(&body["components"])
        .into_iter()
        .filter_map(|c| Some((c["type"].as_str()?, c["ref"].as_str()?)))
        .collect();
    assert_eq!(
        inputs,
        [("TEXT_INPUT", "username"), ("PASSWORD_INPUT", "password")]
    );

    // The execution belongs to an authorization request with PKCE; the browser is bound to it.
    let authorize = app.env.requests("/oauth2/authorize");
    assert_eq!(authorize.len(), 1);
    let query = form(authorize[0].query.as_deref().unwrap_or_default());
    assert_eq!(
        (
            query.get("client_id").map(String::as_str),
            query.get("redirect_uri").map(String::as_str),
            query.get("code_challenge_method").map(String::as_str),
        ),
        (
            Some("sample-web"),
            Some("http://localhost:3000/login"),
            Some("S256")
        )
    );
    let browser = reply
        .set_cookie("__thunderid__browser")
        .context("a browser cookie")?;
    assert_eq!(
        browser.split_once(';').map(|(_, attributes)| attributes),
        Some(" Path=/; Max-Age=900; HttpOnly; SameSite=Lax")
    );
    Ok(())
}

#[tokio::test]
async fn the_right_password_answers_done_with_the_login_path_code_and_state() -> Result<()> {
    let mut app = WebApp::start().await?;
    let view = app.start_flow().await?;
    let reply = app
        .step(
            &view,
            Some("action_001"),
            json!({"username": "thor", "password": "Thor@12345"}),
        )
        .await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json()?;
    assert_eq!(keys(&body), ["done", "redirectUrl"]);
    assert_eq!(body["done"], true);
    let redirect = body["redirectUrl"].as_str().context("a redirect")?;
    let absolute = format!("http://localhost:3000{redirect}");
    assert_eq!(url::Url::parse(&absolute)?.path(), "/login");
    assert!(param(&absolute, "code")?.is_some());
    assert!(param(&absolute, "state")?.is_some());
    // The assertion was relayed for the authId of the first answer.
    let relayed = app.env.requests("/oauth2/auth/callback");
    let relayed: Value = serde_json::from_str(&relayed[0].body)?;
    assert_eq!(relayed["authId"], view["authId"]);
    Ok(())
}

#[tokio::test]
async fn the_action_is_the_one_the_page_chose() -> Result<()> {
    let mut app = WebApp::start().await?;
    let view = app.start_flow().await?;
    let reply = app
        .step(&view, Some("action_001"), json!({"username": "thor"}))
        .await?;
    let body = reply.json()?;
    let asked: Vec<&str> = flatten(&body["components"])
        .into_iter()
        .filter_map(|c| c["ref"].as_str())
        .collect();
    assert_eq!(asked, ["password"]);
    let sent: Vec<Value> = app
        .env
        .requests("/flow/execute")
        .iter()
        .map(|entry| serde_json::from_str(&entry.body))
        .collect::<Result<_, _>>()?;
    assert_eq!(
        sent.last().map(|body| &body["action"]),
        Some(&json!("action_001"))
    );
    assert_eq!(
        sent.last().map(|body| &body["challengeToken"]),
        Some(&view["challengeToken"])
    );
    Ok(())
}

#[tokio::test]
async fn a_wrong_password_passes_fet_1005_through_with_a_fresh_challenge_token() -> Result<()> {
    let mut app = WebApp::start().await?;
    let view = app.start_flow().await?;
    let reply = app
        .step(
            &view,
            Some("action_001"),
            json!({"username": "thor", "password": "not-his"}),
        )
        .await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json()?;
    assert_eq!(
        keys(&body),
        [
            "authId",
            "challengeToken",
            "components",
            "error",
            "executionId",
            "flowStatus"
        ]
    );
    assert_eq!(
        (&body["flowStatus"], &body["error"]["code"]),
        (&json!("INCOMPLETE"), &json!("FET-1005"))
    );
    assert_eq!(body["executionId"], view["executionId"]);
    assert_ne!(body["challengeToken"], view["challengeToken"]);
    // The page can retry with the new token.
    let retry = app
        .step(
            &body,
            Some("action_001"),
            json!({"username": "thor", "password": "Thor@12345"}),
        )
        .await?;
    assert_eq!(retry.json()?["done"], true);
    Ok(())
}

#[tokio::test]
async fn field_errors_are_passed_through() -> Result<()> {
    let env = Env::with(thunderid_mock::MockServer::builder().fixtures(username_rule_fixtures()?))
        .await?;
    let thunder = thunder(&env)?.build();
    let mut app = WebApp::serve(env, thunder.clone(), router(&thunder)).await?;
    let view = app.start_flow().await?;
    let reply = app
        .step(
            &view,
            Some("action_001"),
            json!({"username": "th", "password": "Thor@12345"}),
        )
        .await?;
    let body = reply.json()?;
    assert_eq!(body["flowStatus"], "INCOMPLETE");
    assert_eq!(
        body["fieldErrors"],
        json!([{"identifier": "username", "message": "at least 3 characters"}])
    );
    Ok(())
}

/// The bundled fixtures with a `minLength: 3` rule on the default sign-in flow's username.
fn username_rule_fixtures() -> Result<thunderid_mock::Fixtures> {
    let mut fixtures = thunderid_mock::Fixtures::bundled();
    for flow in &mut fixtures.flows {
        let mut value = serde_json::to_value(&*flow)?;
        if value["handle"] != "default-flow" || value["flowType"] != "AUTHENTICATION" {
            continue;
        }
        for node in value["nodes"].as_array_mut().into_iter().flatten() {
            if node["id"] == "prompt_credentials" {
                node["prompts"][0]["inputs"][0]["validation"] = json!([
                    {"type": "minLength", "value": 3, "message": "at least 3 characters"}
                ]);
            }
        }
        *flow = serde_json::from_value(value)?;
    }
    Ok(fixtures)
}

#[tokio::test]
async fn a_failure_at_run_time_is_a_500_with_the_servers_code() -> Result<()> {
    let mut app = WebApp::start().await?;
    let view = app.start_flow().await?;
    let mut stale = view.clone();
    stale["executionId"] = json!("01900000-0000-7000-8000-00000000dead");
    let reply = app.step(&stale, Some("action_001"), json!({})).await?;
    assert_eq!(reply.status, 500);
    assert_eq!(keys(&reply.json()?), ["code", "error"]);
    assert_eq!(reply.json()?["code"], "FES-1004");
    Ok(())
}

#[tokio::test]
async fn without_the_layer_the_endpoint_answers_500() -> Result<()> {
    let env = Env::start().await?;
    let thunder = thunder(&env)?.build();
    let mut app = WebApp::serve(env, thunder, endpoints()).await?;
    let reply = app.post_flow(&json!({"applicationId": WEB_APP})).await?;
    assert_eq!(reply.status, 500);
    assert_eq!(
        reply.json()?,
        json!({"error": "the ThunderID layer is not mounted: add .layer(thunder.layer()) to the router"})
    );
    Ok(())
}

#[tokio::test]
async fn without_a_base_url_every_endpoint_answers_500() -> Result<()> {
    let env = Env::start().await?;
    let thunder = ThunderId::builder("").mode(Mode::Embedded).build();
    let mut app = WebApp::serve(env, thunder.clone(), router(&thunder)).await?;
    let expected = json!({"error": "baseUrl is not configured"});
    for reply in [
        app.post_flow(&json!({"applicationId": WEB_APP})).await?,
        app.get("/login?code=c&state=s").await?,
        app.get("/logout").await?,
    ] {
        assert_eq!((reply.status, reply.json()?), (500, expected.clone()));
    }
    assert_eq!(
        thunder.check().map_err(|e| e.to_string()),
        Err("baseUrl is not configured".to_owned())
    );
    Ok(())
}

#[tokio::test]
async fn in_redirect_mode_embedded_sign_in_answers_500() -> Result<()> {
    let env = Env::start().await?;
    let thunder = thunder(&env)?.mode(Mode::Redirect).build();
    let mut app = WebApp::serve(env, thunder.clone(), router(&thunder)).await?;
    let reply = app.post_flow(&json!({})).await?;
    assert_eq!(
        (reply.status, reply.json()?),
        (
            500,
            json!({"error": "embedded sign-in is not enabled: build ThunderId with Mode::Embedded"})
        )
    );
    Ok(())
}

#[tokio::test]
async fn bad_requests_are_400_json() -> Result<()> {
    let mut app = WebApp::start().await?;
    let not_json = app.post_raw(FLOW, "{").await?;
    assert_eq!(not_json.status, 400);
    assert_eq!(keys(&not_json.json()?), ["error"]);
    let registration = app
        .post_flow(&json!({"applicationId": WEB_APP, "flowType": "REGISTRATION"}))
        .await?;
    assert_eq!(
        (registration.status, registration.json()?),
        (
            400,
            json!({"error": "flowType REGISTRATION is not supported here: this endpoint signs in (AUTHENTICATION, or SIGN_IN)"})
        )
    );
    let other_app = app
        .post_flow(&json!({"applicationId": "01900000-0000-7000-8000-0000000000a1"}))
        .await?;
    assert_eq!(
        (other_app.status, other_app.json()?),
        (
            400,
            json!({"error": format!("applicationId 01900000-0000-7000-8000-0000000000a1 is not this app's application ({WEB_APP})")})
        )
    );
    Ok(())
}

#[tokio::test]
async fn a_step_without_the_auth_id_cannot_complete() -> Result<()> {
    let mut app = WebApp::start().await?;
    let mut view = app.start_flow().await?;
    view["authId"] = Value::Null;
    let reply = app
        .step(
            &view,
            Some("action_001"),
            json!({"username": "thor", "password": "Thor@12345"}),
        )
        .await?;
    assert_eq!(
        (reply.status, reply.json()?),
        (
            500,
            json!({"error": "the flow completed without a redirect to the app: send the authId with every step"})
        )
    );
    Ok(())
}
