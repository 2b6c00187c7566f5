//! V1 requests that go wrong or go elsewhere: unknown flows and authenticators (envelope A),
//! authorize errors as JSON in direct mode, the confidential client's secret, other response
//! modes and non-direct POSTs, the tenant paths, and CORS for browser SDKs.

use reqwest::StatusCode;
use serde_json::json;

use crate::callback::{SPA, WEB, WEB_CALLBACK, WEB_SECRET};
use crate::flow_v1::{
    BASIC, assert_unknown_flow, authn, authn_at, direct_form, initiate, post_authorize, thor,
};
use crate::support::{TestServer, assert_json_eq};

#[tokio::test]
async fn unknown_flows_authenticators_and_bodies_are_400_with_envelope_a() {
    let t = TestServer::start().await;
    let authn_url = t.url("/oauth2/authn");
    let unknown = authn_at(&t, &authn_url, &json!("no-such-flow"), BASIC, thor()).await;
    assert_unknown_flow(&unknown);
    let flow = initiate(&t, SPA).await;
    let sms = "c21zLW90cC1hdXRoZW50aWNhdG9yOkxPQ0FM";
    let reply = authn_at(&t, &authn_url, &flow["flowId"], sms, json!({"otp": "1"})).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{reply:?}");
    assert_json_eq(
        &reply.json(),
        &json!({
            "code": "FLC-1002",
            "message": {"key": "error.flow.core.prompt_invalid_action", "defaultValue": "Invalid action provided"},
            "description": {
                "key": "error.flow.core.prompt_invalid_action_description",
                "defaultValue": "The action provided is not valid for the current flow step"
            }
        }),
    );
    for body in ["not json", "{\"flowId\": 7}", "{\"flowId\": \"x\"}", "[]"] {
        let reply = t
            .send(
                t.client
                    .post(&authn_url)
                    .header("content-type", "application/json")
                    .body(body),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}: {reply:?}");
        assert_eq!(reply.json()["code"], "FES-1001", "{body}");
    }
    // Neither a bad authenticator nor a bad body spends the flow or counts as a failure.
    let done = authn(&t, &flow, BASIC, thor()).await;
    assert_eq!(done["flowStatus"], "SUCCESS_COMPLETED", "{done}");
}

#[tokio::test]
async fn direct_mode_errors_are_json_with_their_status_never_redirects() {
    let t = TestServer::start().await;
    let with = |name: &'static str, value: Option<&str>| {
        let mut form = direct_form(SPA);
        form.retain(|(k, _)| *k != name);
        if let Some(value) = value {
            form.push((name, value.to_owned()));
        }
        form
    };
    let cases = [
        (
            with("client_id", Some("nope")),
            400,
            "invalid_request",
            "Invalid client_id",
        ),
        (
            with("redirect_uri", Some("http://localhost:3000/other")),
            400,
            "invalid_request",
            "Invalid redirect URI",
        ),
        (
            with("code_challenge", None),
            400,
            "invalid_request",
            "code_challenge is required for this application",
        ),
        (
            with("prompt", Some("none")),
            400,
            "login_required",
            "User authentication is required",
        ),
    ];
    for (form, status, error, description) in cases {
        let reply = post_authorize(&t, "/oauth2/authorize", &form).await;
        assert_eq!(reply.status, status, "{form:?}: {reply:?}");
        assert_eq!(reply.header("location"), None);
        assert_json_eq(
            &reply.json(),
            &json!({"error": error, "error_description": description}),
        );
    }
}

#[tokio::test]
async fn a_confidential_client_may_send_its_secret_which_must_be_right() {
    let t = TestServer::start().await;
    let form = |secret: Option<&str>| {
        let mut form = vec![
            ("response_type", "code".to_owned()),
            ("client_id", WEB.to_owned()),
            ("redirect_uri", WEB_CALLBACK.to_owned()),
            ("scope", "openid".to_owned()),
            ("state", "s".to_owned()),
            ("response_mode", "direct".to_owned()),
        ];
        if let Some(secret) = secret {
            form.push(("client_secret", secret.to_owned()));
        }
        form
    };
    let wrong = post_authorize(&t, "/oauth2/authorize", &form(Some("guess"))).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{wrong:?}");
    assert_json_eq(
        &wrong.json(),
        &json!({"error": "invalid_client", "error_description": "Invalid client credentials"}),
    );
    for secret in [Some(WEB_SECRET), None] {
        let reply = post_authorize(&t, "/oauth2/authorize", &form(secret)).await;
        assert_eq!(reply.status, StatusCode::OK, "{secret:?}: {reply:?}");
        assert_eq!(
            reply.json()["nextStep"]["authenticators"][0]["authenticatorId"],
            BASIC
        );
    }
}

#[tokio::test]
async fn other_response_modes_keep_the_v2_behaviour() {
    let t = TestServer::start().await;
    let mut form = direct_form(SPA);
    form.retain(|(k, _)| *k != "response_mode");
    form.push(("response_mode", "fragment".to_owned()));
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&form)
        .finish();
    let reply = t.get(&format!("/oauth2/authorize?{query}")).await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    let location = reply.location();
    let error = location
        .query_pairs()
        .find(|(k, _)| k == "error")
        .map(|(_, v)| v.into_owned());
    assert_eq!(error.as_deref(), Some("invalid_request"));
    // Only GET is registered for a non-direct authorization request.
    let reply = post_authorize(&t, "/oauth2/authorize", &form).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{reply:?}");
    assert_eq!(reply.header("allow"), Some("GET, HEAD"));
    assert_eq!(reply.body, "Method Not Allowed\n");
}

#[tokio::test]
async fn the_tenant_paths_serve_v1_with_tenant_links() {
    let t = TestServer::start().await;
    let reply = post_authorize(&t, "/t/carbon.super/oauth2/authorize", &direct_form(SPA)).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let flow = reply.json();
    assert_json_eq(
        &flow["links"],
        &json!([{"name": "authentication", "href": t.url("/t/carbon.super/oauth2/authn"), "method": "POST"}]),
    );
    let failed = authn(
        &t,
        &flow,
        BASIC,
        json!({"username": "thor", "password": "x"}),
    )
    .await;
    assert_eq!(
        failed["links"][0]["href"],
        json!(t.url("/t/carbon.super/oauth2/authn"))
    );
    let done = authn(&t, &failed, BASIC, thor()).await;
    assert_eq!(done["flowStatus"], "SUCCESS_COMPLETED", "{done}");
    let other = post_authorize(&t, "/t/wso2.com/oauth2/authorize", &direct_form(SPA)).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let flow = initiate(&t, SPA).await;
    let other = authn_at(
        &t,
        &t.url("/t/wso2.com/oauth2/authn"),
        &flow["flowId"],
        BASIC,
        thor(),
    )
    .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert_eq!(other.body, "404 page not found\n");
}

#[tokio::test]
async fn browser_sdks_get_cors_on_both_v1_calls() {
    let t = TestServer::start().await;
    let origin = "http://localhost:3000";
    let reply = t
        .send(
            t.client
                .post(t.url("/oauth2/authorize"))
                .header("origin", origin)
                .form(&direct_form(SPA)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("access-control-allow-origin"), Some(origin));
    let preflight = t
        .send(
            t.client
                .request(reqwest::Method::OPTIONS, t.url("/oauth2/authn"))
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "content-type"),
        )
        .await;
    assert_eq!(preflight.status, StatusCode::NO_CONTENT);
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some(origin)
    );
    assert_eq!(
        preflight.header("access-control-allow-methods"),
        Some("POST")
    );
    assert_eq!(
        preflight.header("access-control-allow-headers"),
        Some("Content-Type, Authorization")
    );
}
