//! Authorization request parameters as the server handles them (`claims` in the ID token and
//! UserInfo, `acr_values`, `max_age`, `ui_locales`, the ignored ones), `X-Correlation-ID` on every
//! response, and unknown paths as the security middleware answers them.

use serde_json::{Value, json};
use thunderid_mock::Fixtures;

use crate::callback::{
    SPA, SPA_CALLBACK, THOR, VERIFIER, assertion_for, authorization_code, callback, claims_of,
    query_string, query_value, redirect_of, spa_query,
};
use crate::flow_support::{GateForm, follow};
use crate::support::{Reply, TestServer};

/// The SPA's query for `scope` with `extra` parameters.
fn query(scope: &str, extra: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut query = spa_query(scope);
    query.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    query
}

async fn tokens_for(t: &TestServer, query: &[(&str, String)]) -> Value {
    let code = authorization_code(t, query).await;
    let reply = t
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", SPA_CALLBACK),
                ("client_id", SPA),
                ("code_verifier", VERIFIER),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    reply.json()
}

async fn user_info(t: &TestServer, access_token: &str) -> Value {
    let reply = t
        .send(
            t.client
                .get(t.url("/oauth2/userinfo"))
                .bearer_auth(access_token),
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    reply.json()
}

#[tokio::test]
async fn requested_claims_reach_the_id_token_and_userinfo_and_survive_a_refresh() {
    let t = TestServer::start().await;
    let claims = r#"{"id_token":{"given_name":null,"email":{"essential":true}},"userinfo":{"family_name":null}}"#;
    let tokens = tokens_for(
        &t,
        &query("openid", &[("claims", claims), ("claims_locales", "fr")]),
    )
    .await;
    let (_, id_token) = claims_of(&t, tokens["id_token"].as_str().unwrap_or_default());
    assert_eq!(id_token["given_name"], json!("Thor"));
    assert_eq!(id_token["email"], json!("thor@asgard.example"));
    assert_eq!(id_token.get("family_name"), None, "asked of UserInfo only");
    let access_token = tokens["access_token"].as_str().unwrap_or_default();
    let (_, access) = claims_of(&t, access_token);
    assert_eq!(
        access["claims_req"],
        json!(r#"{"userinfo":{"family_name":null}}"#)
    );
    assert_eq!(access["claims_locales"], json!("fr"));
    let info = user_info(&t, access_token).await;
    assert_eq!(info, json!({"sub": THOR, "family_name": "Odinson"}));

    let refreshed = t
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "refresh_token"),
                (
                    "refresh_token",
                    tokens["refresh_token"].as_str().unwrap_or_default(),
                ),
                ("client_id", SPA),
            ],
        )
        .await
        .json();
    let (_, refresh) = claims_of(&t, tokens["refresh_token"].as_str().unwrap_or_default());
    assert_eq!(
        refresh["access_token_claims_request"],
        json!(
            r#"{"id_token":{"email":{"essential":true},"given_name":null},"userinfo":{"family_name":null}}"#
        )
    );
    let (_, id_token) = claims_of(&t, refreshed["id_token"].as_str().unwrap_or_default());
    assert_eq!(id_token["given_name"], json!("Thor"));
    assert_eq!(
        user_info(&t, refreshed["access_token"].as_str().unwrap_or_default()).await["family_name"],
        json!("Odinson")
    );
}

#[tokio::test]
async fn a_claim_whose_value_does_not_match_is_left_out_even_when_a_scope_releases_it() {
    let t = TestServer::start().await;
    let claims = r#"{"id_token":{"email":{"value":"loki@asgard.example"},"given_name":{"values":["Thor","Odin"]}}}"#;
    let tokens = tokens_for(&t, &query("openid email", &[("claims", claims)])).await;
    let (_, id_token) = claims_of(&t, tokens["id_token"].as_str().unwrap_or_default());
    assert_eq!(id_token.get("email"), None);
    assert_eq!(id_token["given_name"], json!("Thor"));
}

#[tokio::test]
async fn a_subject_the_user_is_not_is_access_denied_at_the_callback() {
    let t = TestServer::start().await;
    let claims = r#"{"id_token":{"sub":{"value":"someone-else"}}}"#;
    let gate = crate::callback::begin_at_gate(&t, &query("openid", &[("claims", claims)])).await;
    let auth_id = query_value(&gate, "authId").unwrap_or_default();
    let app_id = query_value(&gate, "applicationId").unwrap_or_default();
    let redirect =
        redirect_of(&callback(&t, &auth_id, &assertion_for(&t, &auth_id, &app_id, THOR)).await);
    assert_eq!(
        query_value(&redirect, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(
        query_value(&redirect, "error_description").as_deref(),
        Some("Authorization request failed")
    );
}

#[tokio::test]
async fn malformed_claims_go_to_the_error_page_even_with_a_valid_redirect_uri() {
    let t = TestServer::start().await;
    for claims in [
        r#"{"id_token":{"email":{"value":"a","values":["b"]}}}"#,
        r#"{"userinfo":{"email":{"values":[]}}}"#,
        "[]",
    ] {
        let reply = t
            .get(&format!(
                "/oauth2/authorize?{}",
                query_string(&query("openid", &[("claims", claims)]))
            ))
            .await;
        let location = reply.location();
        assert_eq!(location.path(), "/gate/error", "{claims}");
        assert_eq!(
            query_value(&location, "errorMessage").as_deref(),
            Some("The claims request parameter is malformed or contains invalid values")
        );
    }
}

/// The bundled set with the SPA accepting one authentication class.
fn spa_with_acr() -> Fixtures {
    let mut fixtures = Fixtures::bundled();
    for app in &mut fixtures.applications {
        if let Some(oauth) = app.oauth.as_mut().filter(|o| o.client_id == SPA) {
            oauth.acr_values = vec!["urn:thunder:acr:mfa".to_owned()];
        }
    }
    fixtures
}

/// Sign in as Thor on the gate's pages for `query`; where the browser ends up.
async fn sign_in_on_the_gate(t: &TestServer, query: &[(&str, String)]) -> url::Url {
    let reply = t
        .get(&format!("/oauth2/authorize?{}", query_string(query)))
        .await;
    let page = follow(t, &reply).await;
    let form = GateForm::parse(&page.body);
    let done = form
        .submit(
            t,
            &form.button("Sign In"),
            &[("username", "thor"), ("password", "Thor@12345")],
        )
        .await;
    assert_eq!(done.status, 302, "{done:?}");
    done.location()
}

#[tokio::test]
async fn acr_values_the_flow_cannot_satisfy_end_in_access_denied() {
    let t = TestServer::with_fixtures(spa_with_acr()).await;
    let redirect = sign_in_on_the_gate(
        &t,
        &query("openid", &[("acr_values", "urn:thunder:acr:other")]),
    )
    .await;
    assert_eq!(
        query_value(&redirect, "error").as_deref(),
        Some("access_denied"),
        "{redirect}"
    );
    assert_eq!(
        query_value(&redirect, "error_description").as_deref(),
        Some(
            "The accumulated authentication assurance does not satisfy the requested acr_values or max_age"
        )
    );
}

#[tokio::test]
async fn acr_values_are_ignored_for_an_app_that_names_none_and_max_age_passes_a_fresh_sign_in() {
    let t = TestServer::start().await;
    let redirect = sign_in_on_the_gate(
        &t,
        &query("openid", &[("acr_values", "urn:x"), ("max_age", "0")]),
    )
    .await;
    assert!(query_value(&redirect, "code").is_some(), "{redirect}");
    let gate = crate::callback::begin_at_gate(
        &t,
        &query("openid", &[("max_age", "60"), ("prompt", "consent")]),
    )
    .await;
    let execution = t
        .server
        .execution(&query_value(&gate, "executionId").unwrap_or_default())
        .expect("execution");
    assert_eq!(
        execution.runtime.get("max_age").map(String::as_str),
        Some("60")
    );
    assert_eq!(
        execution
            .runtime
            .get("force_consent_reprompt")
            .map(String::as_str),
        Some("true")
    );
    assert_eq!(execution.runtime.get("requested_auth_classes"), None);
}

#[tokio::test]
async fn the_effective_acr_values_are_the_requested_ones_the_app_accepts_else_all_of_them() {
    let t = TestServer::with_fixtures(spa_with_acr()).await;
    let gate = crate::callback::begin_at_gate(
        &t,
        &query("openid", &[("acr_values", "urn:x urn:thunder:acr:mfa")]),
    )
    .await;
    let execution = t
        .server
        .execution(&query_value(&gate, "executionId").unwrap_or_default())
        .expect("execution");
    assert_eq!(
        execution
            .runtime
            .get("requested_auth_classes")
            .map(String::as_str),
        Some("urn:thunder:acr:mfa")
    );
    let gate = crate::callback::begin_at_gate(&t, &query("openid", &[])).await;
    let execution = t
        .server
        .execution(&query_value(&gate, "executionId").unwrap_or_default())
        .expect("execution");
    assert_eq!(
        execution
            .runtime
            .get("requested_auth_classes")
            .map(String::as_str),
        Some("urn:thunder:acr:mfa")
    );
}

#[tokio::test]
async fn ui_locales_is_forwarded_and_login_hint_and_request_objects_are_ignored() {
    let t = TestServer::start().await;
    let gate = crate::callback::begin_at_gate(
        &t,
        &query(
            "openid",
            &[
                ("ui_locales", "fr-CA en"),
                ("login_hint", "loki"),
                ("request", "eyJhbGciOiJub25lIn0.e30."),
                ("display", "popup"),
            ],
        ),
    )
    .await;
    assert_eq!(
        query_value(&gate, "ui_locales").as_deref(),
        Some("fr-CA en")
    );
    let names: Vec<String> = gate.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(
        names,
        [
            "applicationId",
            "authId",
            "executionId",
            "showInsecureWarning",
            "ui_locales"
        ]
    );
}

#[tokio::test]
async fn every_response_carries_a_correlation_id_echoed_when_sent() {
    let t = TestServer::start().await;
    let generated = t.get("/health/liveness").await;
    let id = generated
        .header("x-correlation-id")
        .expect("a generated id")
        .to_owned();
    let parsed = uuid::Uuid::parse_str(&id).expect("a UUID");
    assert_eq!(parsed.get_version_num(), 4);
    assert_eq!(id, id.to_lowercase());
    for (header, value) in [
        ("x-correlation-id", "abc 123"),
        ("x-request-id", "req-1"),
        ("x-trace-id", "trace-1"),
    ] {
        let reply = t
            .send(t.client.get(t.url("/no/such/path")).header(header, value))
            .await;
        assert_eq!(reply.header("x-correlation-id"), Some(value), "{header}");
        assert_eq!(reply.header("x-request-id"), None);
    }
    let first_wins = t
        .send(
            t.client
                .get(t.url("/oauth2/jwks"))
                .header("x-trace-id", "t")
                .header("x-correlation-id", "c"),
        )
        .await;
    assert_eq!(first_wins.header("x-correlation-id"), Some("c"));
    let preflight = t
        .send(
            t.client
                .request(reqwest::Method::OPTIONS, t.url("/oauth2/token")),
        )
        .await;
    assert!(
        preflight.header("x-correlation-id").is_some(),
        "{preflight:?}"
    );
}

#[track_caller]
fn assert_api_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status.as_u16(), status, "{reply:?}");
    assert_eq!(reply.json()["code"], json!(code));
}

#[tokio::test]
async fn unknown_paths_are_answered_as_the_security_middleware_answers_them() {
    let t = TestServer::start().await;
    let anonymous = t.get("/does-not-exist").await;
    assert_api_error(&anonymous, 401, "AUTH-4010");
    assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));
    let bad = t
        .send(t.client.get(t.url("/does-not-exist")).bearer_auth("nope"))
        .await;
    assert_api_error(&bad, 401, "AUTH-4010");
    let user = t.server.mint_access_token(THOR, SPA, &["openid"]);
    let forbidden = t
        .send(t.client.get(t.url("/does-not-exist")).bearer_auth(&user))
        .await;
    assert_api_error(&forbidden, 403, "AUTH-4030");
    assert_eq!(forbidden.header("www-authenticate"), None);
    let admin = t.server.mint_access_token(THOR, SPA, &["system"]);
    let missing = t
        .send(t.client.get(t.url("/does-not-exist")).bearer_auth(&admin))
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body, "404 page not found\n");
    // Under a public prefix nobody needs a token to learn it is not there.
    let public = t
        .send(t.client.get(t.url("/oauth2/nope")).bearer_auth("nope"))
        .await;
    assert_eq!(
        (public.status.as_u16(), public.body.as_str()),
        (404, "404 page not found\n")
    );
}
