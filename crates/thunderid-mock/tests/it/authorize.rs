//! `GET /oauth2/authorize`: the validation order, where each error goes, and the gate redirect.

use proptest::prelude::*;
use serde_json::json;
use thunderid_mock::Fixtures;

use crate::callback::{
    CHALLENGE, SPA, SPA_APP_ID, SPA_CALLBACK, WEB, WEB_CALLBACK, query_string, spa_query,
};
use crate::support::{Reply, TestServer, assert_json_eq};

fn enc(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

async fn authorize(t: &TestServer, query: &str) -> Reply {
    t.get(&format!("/oauth2/authorize?{query}")).await
}

/// The exact `Location` of a gate error page.
fn gate_error(t: &TestServer, code: &str, message: &str) -> String {
    t.url(&format!(
        "/gate/error?errorCode={code}&errorMessage={}",
        enc(message)
    ))
}

/// The exact `Location` of an error sent back to the SPA (state `xyz`).
fn spa_error(t: &TestServer, code: &str, description: &str) -> String {
    format!(
        "{SPA_CALLBACK}?error={code}&error_description={}&iss={}&state=xyz",
        enc(description),
        enc(t.server.issuer())
    )
}

/// The SPA query with `name` replaced by `value` (or removed when `None`), plus `extra` pairs.
fn spa_with(name: &str, value: Option<&str>, extra: &[(&'static str, &str)]) -> String {
    let mut query: Vec<(&str, String)> = spa_query("openid profile")
        .into_iter()
        .filter(|(k, _)| *k != name)
        .collect();
    if let Some(value) = value {
        query.push((static_name(name), value.to_owned()));
    }
    query.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    query_string(&query)
}

fn static_name(name: &str) -> &'static str {
    [
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "nonce",
        "code_challenge",
        "code_challenge_method",
    ]
    .into_iter()
    .find(|n| *n == name)
    .unwrap_or("unknown")
}

#[track_caller]
fn assert_redirect(reply: &Reply, location: &str) {
    assert_eq!(reply.status, 302, "{reply:?}");
    assert_eq!(reply.header("location"), Some(location));
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let escaped = location.replace('&', "&amp;");
    assert_eq!(reply.body, format!("<a href=\"{escaped}\">Found</a>.\n\n"));
}

#[tokio::test]
async fn a_valid_request_goes_to_the_gate_with_its_auth_and_execution_ids() {
    let t = TestServer::start().await;
    let query = spa_with("state", Some("xyz"), &[("ui_locales", "fr-CA en")]);
    let reply = authorize(&t, &query).await;
    assert_eq!(reply.status, 302, "{reply:?}");
    let location = reply.location();
    assert_eq!(
        format!(
            "{}{}",
            location.origin().ascii_serialization(),
            location.path()
        ),
        t.url("/gate/signin")
    );
    let names: Vec<String> = location
        .query_pairs()
        .map(|(k, _)| k.into_owned())
        .collect();
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
    let value = |name: &str| {
        location
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    assert_eq!(value("applicationId"), SPA_APP_ID);
    assert_eq!(
        value("showInsecureWarning"),
        "true",
        "the redirect URI is plain http"
    );
    assert_eq!(value("ui_locales"), "fr-CA en");
    let auth_id = uuid::Uuid::parse_str(&value("authId")).expect("a UUID");
    assert_eq!(auth_id.get_version_num(), 7);
    uuid::Uuid::parse_str(&value("executionId")).expect("a UUID");
    assert!(t.server.has_pending_authorization(&value("authId")));
}

#[tokio::test]
async fn expired_requests_are_freed_so_memory_stays_flat() {
    let t = TestServer::start().await;
    let query = spa_with("state", Some("xyz"), &[]);
    for _ in 0..50 {
        assert_eq!(authorize(&t, &query).await.status, 302);
    }
    assert_eq!(t.server.stats().oauth_entries, 50);
    t.server
        .clock()
        .advance(std::time::Duration::from_secs(3601));
    assert_eq!(
        authorize(&t, &query).await.location().path(),
        "/gate/signin"
    );
    assert_eq!(
        t.server.stats().oauth_entries,
        1,
        "the next insert pruned every expired request"
    );
}

#[tokio::test]
async fn the_tenant_prefixed_path_behaves_the_same() {
    let t = TestServer::start().await;
    let reply = t
        .get("/t/carbon.super/oauth2/authorize?client_id=nope")
        .await;
    assert_redirect(
        &reply,
        &gate_error(&t, "invalid_request", "Invalid client_id"),
    );
    let reply = t.get("/t/wso2.com/oauth2/authorize?client_id=nope").await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body, "404 page not found\n");
}

#[tokio::test]
async fn repeated_parameters_and_unparsable_queries_are_a_json_400() {
    let t = TestServer::start().await;
    for query in [
        format!("{}&state=again", spa_with("state", Some("xyz"), &[])),
        format!("{}&foo=1&foo=2", spa_with("state", Some("xyz"), &[])),
        format!("{}&x=%zz", spa_with("state", Some("xyz"), &[])),
        format!("{}&a;b=1", spa_with("state", Some("xyz"), &[])),
    ] {
        let reply = authorize(&t, &query).await;
        assert_eq!(reply.status, 400, "{query}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_json_eq(
            &reply.json(),
            &json!({"error": "invalid_request", "error_description": "Invalid authorization request"}),
        );
    }
}

#[tokio::test]
async fn client_and_redirect_problems_go_to_the_gate_error_page() {
    let t = TestServer::start().await;
    let cases = [
        (
            spa_with("client_id", None, &[]),
            "invalid_request",
            "Missing client_id parameter",
        ),
        (
            spa_with("client_id", Some(""), &[]),
            "invalid_request",
            "Missing client_id parameter",
        ),
        (
            spa_with("client_id", Some("unknown"), &[]),
            "invalid_request",
            "Invalid client_id",
        ),
        (
            spa_with(
                "state",
                Some("xyz"),
                &[("request_uri", "urn:ietf:params:oauth:request_uri:x")],
            ),
            "invalid_request",
            "Invalid, expired, or already used request_uri",
        ),
        (
            spa_with(
                "state",
                Some("xyz"),
                &[
                    ("resource", "https://a.example"),
                    ("resource", "https://b.example"),
                ],
            ),
            "invalid_target",
            "Only a single resource parameter is supported",
        ),
        (
            spa_with("state", Some("xyz"), &[("claims", "[1]")]),
            "invalid_request",
            "The claims request parameter is malformed or contains invalid values",
        ),
        (
            spa_with("redirect_uri", Some("http://localhost:3000/other"), &[]),
            "invalid_request",
            "Invalid redirect URI",
        ),
        (
            spa_with("redirect_uri", Some("http://localhost:3000/callback/"), &[]),
            "invalid_request",
            "Invalid redirect URI",
        ),
        // The server's bundled sample-m2m has no redirect URIs at all.
        (
            "response_type=code&client_id=sample-m2m".to_owned(),
            "invalid_request",
            "Invalid redirect URI",
        ),
    ];
    for (query, code, message) in cases {
        let reply = authorize(&t, &query).await;
        assert_redirect(&reply, &gate_error(&t, code, message));
    }
}

#[tokio::test]
async fn request_errors_go_back_to_the_client_with_iss_and_state() {
    let t = TestServer::start().await;
    let long_nonce = "n".repeat(65);
    let cases = [
        (
            spa_with("state", Some("xyz"), &[("prompt", "")]),
            "invalid_request",
            "The prompt parameter cannot be empty",
        ),
        (
            spa_with("state", Some("xyz"), &[("prompt", "login bogus")]),
            "invalid_request",
            "Unsupported prompt parameter value",
        ),
        (
            spa_with("state", Some("xyz"), &[("prompt", "none login")]),
            "invalid_request",
            "prompt value 'none' must not be combined with other values",
        ),
        (
            spa_with("state", Some("xyz"), &[("prompt", "none")]),
            "login_required",
            "User authentication is required",
        ),
        (
            spa_with("state", Some("xyz"), &[("prompt", "select_account")]),
            "account_selection_required",
            "Account selection is not supported",
        ),
        (
            spa_with("response_type", None, &[]),
            "invalid_request",
            "Missing response_type parameter",
        ),
        (
            spa_with("response_type", Some("token"), &[]),
            "unsupported_response_type",
            "Unsupported response type",
        ),
        (
            spa_with("state", Some("xyz"), &[("response_mode", "fragment")]),
            "invalid_request",
            "Unsupported response_mode parameter",
        ),
        (
            spa_with("code_challenge", None, &[]),
            "invalid_request",
            "code_challenge is required for this application",
        ),
        (
            spa_with("code_challenge_method", Some("plain"), &[]),
            "invalid_request",
            "Invalid code_challenge or code_challenge_method parameter",
        ),
        (
            spa_with("code_challenge_method", None, &[]),
            "invalid_request",
            "Invalid code_challenge or code_challenge_method parameter",
        ),
        (
            spa_with("code_challenge", Some("tooshort"), &[]),
            "invalid_request",
            "Invalid code_challenge or code_challenge_method parameter",
        ),
        (
            spa_with("nonce", Some(&long_nonce), &[]),
            "invalid_request",
            "nonce exceeds maximum allowed length",
        ),
        (
            spa_with("state", Some("xyz"), &[("dpop_jkt", "short")]),
            "invalid_request",
            "Invalid dpop_jkt parameter",
        ),
        (
            spa_with("state", Some("xyz"), &[("resource", "/relative")]),
            "invalid_target",
            "Invalid resource parameter: must be an absolute URI",
        ),
        (
            spa_with(
                "state",
                Some("xyz"),
                &[("resource", "https://api.example/#x")],
            ),
            "invalid_target",
            "Invalid resource parameter: must not contain a fragment component",
        ),
    ];
    for (query, code, description) in cases {
        let reply = authorize(&t, &query).await;
        assert_redirect(&reply, &spa_error(&t, code, description));
    }
}

#[tokio::test]
async fn the_prompt_is_checked_before_the_response_type() {
    let t = TestServer::start().await;
    let reply = authorize(&t, &spa_with("response_type", None, &[("prompt", "none")])).await;
    assert_redirect(
        &reply,
        &spa_error(&t, "login_required", "User authentication is required"),
    );
}

#[tokio::test]
async fn without_a_redirect_uri_request_errors_go_to_the_gate_without_state() {
    let t = TestServer::start().await;
    // sample-spa registers exactly one redirect URI, so it may be omitted.
    let reply = authorize(&t, &spa_with("redirect_uri", None, &[("prompt", "none")])).await;
    assert_redirect(
        &reply,
        &gate_error(&t, "login_required", "User authentication is required"),
    );
}

#[tokio::test]
async fn a_client_without_the_code_grant_is_unauthorized() {
    let mut fixtures = Fixtures::bundled();
    let web = fixtures
        .applications
        .iter_mut()
        .find(|a| a.oauth.as_ref().is_some_and(|o| o.client_id == WEB))
        .unwrap();
    web.oauth.as_mut().unwrap().grant_types = vec!["client_credentials".to_owned()];
    let t = TestServer::with_fixtures(fixtures).await;
    let query = format!(
        "response_type=code&client_id={WEB}&redirect_uri={}&state=s1",
        enc(WEB_CALLBACK)
    );
    let reply = authorize(&t, &query).await;
    let location = format!(
        "{WEB_CALLBACK}?error=unauthorized_client&error_description={}&iss={}&state=s1",
        enc("Authorization code grant type is not allowed for the client"),
        enc(t.server.issuer())
    );
    assert_redirect(&reply, &location);
}

#[tokio::test]
async fn a_confidential_client_needs_no_pkce_but_a_sent_challenge_must_be_s256() {
    let t = TestServer::start().await;
    let base = format!(
        "response_type=code&client_id={WEB}&redirect_uri={}&state=s1",
        enc(WEB_CALLBACK)
    );
    let reply = authorize(
        &t,
        &format!("{base}&code_challenge={CHALLENGE}&code_challenge_method=plain"),
    )
    .await;
    assert_eq!(reply.location().path(), "/login");
    let description = reply
        .location()
        .query_pairs()
        .find(|(k, _)| k == "error_description")
        .unwrap()
        .1
        .into_owned();
    assert_eq!(
        description,
        "Invalid code_challenge or code_challenge_method parameter"
    );
}

#[tokio::test]
async fn authorize_sends_no_cors_headers() {
    let t = TestServer::start().await;
    let request = t.client.get(t.url(&format!(
        "/oauth2/authorize?{}",
        spa_with("client_id", Some("x"), &[])
    )));
    let reply = t
        .send(request.header("origin", "http://localhost:3000"))
        .await;
    assert_eq!(reply.status, 302);
    assert_eq!(reply.header("access-control-allow-origin"), None);
}

fn known_or(values: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        proptest::sample::select(values).prop_map(|v| Some(v.to_owned())),
        ".{0,80}".prop_map(Some),
    ]
}

prop_compose! {
    fn authorize_pairs()(
        client_id in known_or(&[SPA, WEB, "sample-m2m", "sample-mfa"]),
        redirect_uri in known_or(&[SPA_CALLBACK, WEB_CALLBACK, "http://localhost:3000/"]),
        response_type in known_or(&["code", "token", ""]),
        challenge in known_or(&[CHALLENGE]),
        method in known_or(&["S256", "plain"]),
        prompt in known_or(&["none", "login", "consent", "select_account", " "]),
        resource in proptest::collection::vec(known_or(&["https://api.example", "/x", "urn:a#b"]), 0..3),
        extra in proptest::collection::vec(("[a-z_]{1,12}", ".{0,20}"), 0..4),
    ) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        for (name, value) in [("client_id", client_id), ("redirect_uri", redirect_uri),
            ("response_type", response_type), ("code_challenge", challenge),
            ("code_challenge_method", method), ("prompt", prompt)] {
            if let Some(value) = value { pairs.push((name.to_owned(), value)); }
        }
        pairs.extend(resource.into_iter().flatten().map(|r| ("resource".to_owned(), r)));
        pairs.extend(extra);
        pairs
    }
}

#[test]
fn random_authorize_requests_never_fail_the_server_or_yield_a_code() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let t = runtime.block_on(TestServer::start());
    let config = ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(pairs in authorize_pairs(), raw in ".{0,40}")| {
        let mut query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
        if raw.len() % 3 == 0 {
            query.push('&');
            query.push_str(&raw);
        }
        let reply = runtime.block_on(authorize(&t, &query));
        prop_assert!(reply.status == 302 || reply.status == 400, "{reply:?}");
        if reply.status == 302 {
            let location = reply.location();
            prop_assert!(location.query_pairs().all(|(k, _)| k != "code"), "{location}");
            let to_gate = location.as_str().starts_with(&t.url("/gate/"));
            let has_error = location.query_pairs().any(|(k, _)| k == "error");
            prop_assert!(to_gate || has_error, "{location}");
        }
    });
}
