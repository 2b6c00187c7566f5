//! `POST /oauth2/token`: client authentication, every grant, token shapes, rotation and replay.

use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use thunderid_mock::Fixtures;
use thunderid_mock::fixtures::TokenEndpointAuthMethod;

use crate::callback::{
    M2M, M2M_APP_ID, M2M_SECRET, SPA, SPA_CALLBACK, THOR, VERIFIER, WEB, WEB_CALLBACK, WEB_SECRET,
    authorization_code, basic, claims_of, spa_query, spa_tokens, web_tokens,
};
use crate::support::{EPOCH, Reply, TestServer, assert_json_eq};

pub(super) const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
pub(super) const AT_URN: &str = "urn:ietf:params:oauth:token-type:access_token";
pub(super) const ID_URN: &str = "urn:ietf:params:oauth:token-type:id_token";

pub(super) async fn token(t: &TestServer, form: &[(&str, &str)]) -> Reply {
    t.post_form("/oauth2/token", form).await
}

pub(super) async fn token_basic(
    t: &TestServer,
    id: &str,
    secret: &str,
    form: &[(&str, &str)],
) -> Reply {
    t.send(
        t.client
            .post(t.url("/oauth2/token"))
            .header("authorization", basic(id, secret))
            .form(form),
    )
    .await
}

#[track_caller]
pub(super) fn assert_error(reply: &Reply, status: u16, error: &str, description: &str) {
    assert_eq!(reply.status, status, "{reply:?}");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_json_eq(
        &reply.json(),
        &json!({"error": error, "error_description": description}),
    );
}

/// A JWT's three segments, checked before a snapshot redacts it.
pub(super) fn redact_jwt(
    value: insta::internals::Content,
    _path: insta::internals::ContentPath<'_>,
) -> String {
    let text = value.as_str().unwrap_or_default().to_owned();
    assert_eq!(text.split('.').count(), 3, "not a compact JWS: {text}");
    "[jwt]".to_owned()
}

pub(super) fn redact_uuid(
    value: insta::internals::Content,
    _path: insta::internals::ContentPath<'_>,
) -> String {
    uuid::Uuid::parse_str(value.as_str().unwrap_or_default()).expect("a UUID");
    "[uuid]".to_owned()
}

pub(super) fn with_issuer_redacted(
    t: &TestServer,
    mut claims: Map<String, Value>,
) -> Map<String, Value> {
    for name in ["iss", "aud"] {
        if claims.get(name).and_then(Value::as_str) == Some(t.server.issuer()) {
            claims.insert(name.to_owned(), json!("[issuer]"));
        }
    }
    claims
}

pub(super) async fn exchange_spa_code(t: &TestServer, code: &str) -> Reply {
    token(
        t,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", SPA_CALLBACK),
            ("client_id", SPA),
            ("code_verifier", VERIFIER),
        ],
    )
    .await
}

pub(super) async fn refresh_spa(t: &TestServer, refresh_token: &str, scope: Option<&str>) -> Reply {
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", SPA),
    ];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    token(t, &form).await
}

pub(super) async fn introspect_active(t: &TestServer, token: &str) -> bool {
    let reply = t
        .send(
            t.client
                .post(t.url("/oauth2/introspect"))
                .header("authorization", basic(WEB, WEB_SECRET))
                .form(&[("token", token)]),
        )
        .await;
    reply.json()["active"].as_bool().expect("active")
}

mod authorization_code;
mod client_auth;
mod client_credentials_and_exchange;
mod refresh_token;

// ---- grant selection ---------------------------------------------------------------------------

#[tokio::test]
async fn grant_type_must_be_present_supported_and_allowed() {
    let t = TestServer::start().await;
    let m2m =
        |form: &'static [(&'static str, &'static str)]| token_basic(&t, M2M, M2M_SECRET, form);
    assert_error(
        &m2m(&[]).await,
        400,
        "invalid_request",
        "Missing grant_type parameter",
    );
    assert_error(
        &m2m(&[("grant_type", "")]).await,
        400,
        "invalid_request",
        "Missing grant_type parameter",
    );
    for unsupported in [
        "password",
        "organization_switch",
        "implicit",
        "AUTHORIZATION_CODE",
    ] {
        let reply = token_basic(&t, M2M, M2M_SECRET, &[("grant_type", unsupported)]).await;
        assert_error(
            &reply,
            400,
            "unsupported_grant_type",
            "Invalid grant_type parameter",
        );
    }
    for not_allowed in [
        "authorization_code",
        "refresh_token",
        "urn:openid:params:grant-type:ciba",
        "urn:ietf:params:oauth:grant-type:jwt-bearer",
    ] {
        let reply = token_basic(&t, M2M, M2M_SECRET, &[("grant_type", not_allowed)]).await;
        assert_error(
            &reply,
            400,
            "unauthorized_client",
            "The client is not authorized to use this grant type",
        );
    }
    let reply = token(
        &t,
        &[("grant_type", "client_credentials"), ("client_id", SPA)],
    )
    .await;
    assert_error(
        &reply,
        400,
        "unauthorized_client",
        "The client is not authorized to use this grant type",
    );
}

#[tokio::test]
async fn dpop_proofs_are_refused() {
    let t = TestServer::start().await;
    let request = t
        .client
        .post(t.url("/oauth2/token"))
        .header("authorization", basic(M2M, M2M_SECRET))
        .header("dpop", "a")
        .header("dpop", "b");
    assert_error(
        &t.send(request.form(&[("grant_type", "client_credentials")]))
            .await,
        400,
        "invalid_dpop_proof",
        "Multiple DPoP headers",
    );
    let request = t
        .client
        .post(t.url("/oauth2/token"))
        .header("authorization", basic(M2M, M2M_SECRET))
        .header("dpop", "a");
    assert_error(
        &t.send(request.form(&[("grant_type", "client_credentials")]))
            .await,
        400,
        "invalid_dpop_proof",
        "Invalid DPoP proof",
    );
}

#[tokio::test]
async fn the_tenant_prefixed_token_endpoint_behaves_the_same() {
    let t = TestServer::start().await;
    let reply = t
        .send(
            t.client
                .post(t.url("/t/carbon.super/oauth2/token"))
                .header("authorization", basic(M2M, M2M_SECRET))
                .form(&[("grant_type", "client_credentials")]),
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let reply = t
        .post_form(
            "/t/wso2.com/oauth2/token",
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!(reply.status, 404);
}

// ---- properties --------------------------------------------------------------------------------

fn one_of(values: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        proptest::sample::select(values).prop_map(|v| Some(v.to_owned())),
        ".{0,40}".prop_map(Some)
    ]
}

prop_compose! {
    fn token_form()(
        grant_type in one_of(&["authorization_code", "refresh_token", "client_credentials", TOKEN_EXCHANGE, "password", "urn:openid:params:grant-type:ciba"]),
        client_id in one_of(&[SPA, WEB, M2M]),
        client_secret in one_of(&[WEB_SECRET, M2M_SECRET]),
        code in one_of(&["abc"]),
        verifier in one_of(&[VERIFIER]),
        redirect_uri in one_of(&[SPA_CALLBACK, WEB_CALLBACK]),
        refresh_token in one_of(&["a.b.c"]),
        subject in one_of(&["a.b.c"]),
        subject_type in one_of(&[AT_URN, ID_URN]),
        scope in one_of(&["openid", "openid profile"]),
        resource in proptest::collection::vec(one_of(&["https://api.example", "x"]), 0..3),
        assertion in one_of(&["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"]),
    ) -> Vec<(String, String)> {
        let mut form = Vec::new();
        for (name, value) in [("grant_type", grant_type), ("client_id", client_id), ("client_secret", client_secret),
            ("code", code), ("code_verifier", verifier), ("redirect_uri", redirect_uri), ("refresh_token", refresh_token),
            ("subject_token", subject), ("subject_token_type", subject_type), ("scope", scope),
            ("client_assertion_type", assertion)] {
            if let Some(value) = value { form.push((name.to_owned(), value)); }
        }
        form.extend(resource.into_iter().flatten().map(|r| ("resource".to_owned(), r)));
        form
    }
}

#[test]
fn random_token_requests_never_fail_the_server_or_mint_a_token_for_a_bad_request() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let t = runtime.block_on(TestServer::start());
    let config = ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(form in token_form(), use_basic in any::<bool>(), secret in one_of(&[M2M_SECRET, WEB_SECRET]))| {
        let mut request = t.client.post(t.url("/oauth2/token")).form(&form);
        if use_basic {
            request = request.header("authorization", basic(M2M, secret.as_deref().unwrap_or_default()));
        }
        let reply = runtime.block_on(t.send(request));
        prop_assert!(matches!(reply.status.as_u16(), 200 | 400 | 401), "{reply:?}");
        let value = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        if reply.status == 200 {
            // Only client_credentials can succeed without a real code, token or subject.
            prop_assert_eq!(value("grant_type"), Some("client_credentials"));
            prop_assert!(reply.json()["access_token"].is_string());
        } else {
            prop_assert!(reply.json().get("access_token").is_none());
        }
    });
}
