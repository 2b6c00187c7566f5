//! `grant_type=authorization_code`.

use super::*;

// ---- authorization_code ------------------------------------------------------------------------

#[tokio::test]
async fn a_full_code_flow_through_the_gate_and_the_flow_engine() {
    let t = TestServer::start().await;
    let authorize = t
        .get(&format!(
            "/oauth2/authorize?{}",
            crate::callback::query_string(&spa_query("openid profile"))
        ))
        .await;
    assert_eq!(authorize.status, 302, "{authorize:?}");
    let gate = authorize.location();
    assert_eq!(gate.path(), "/gate/signin");
    let param = |name: &str| {
        gate.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    let (auth_id, execution_id) = (param("authId"), param("executionId"));

    // The gate runs the pre-created execution: no challenge token on the first call.
    let first = crate::flow_support::execute(&t, &json!({"executionId": execution_id}), None)
        .await
        .json();
    assert_eq!(first["flowStatus"], "INCOMPLETE", "{first}");
    let done = crate::flow_support::step(
        &t,
        &first,
        Some("action_001"),
        json!({"username": "thor", "password": "Thor@12345"}),
    )
    .await;
    assert_eq!(done["flowStatus"], "COMPLETE", "{done}");
    let assertion = done["assertion"].as_str().expect("an assertion");

    let callback = crate::callback::callback(&t, &auth_id, assertion).await;
    let redirect = crate::callback::redirect_of(&callback);
    assert_eq!(
        format!(
            "{}{}",
            redirect.origin().ascii_serialization(),
            redirect.path()
        ),
        SPA_CALLBACK
    );
    let code = crate::callback::query_value(&redirect, "code").expect("code");
    assert_eq!(
        crate::callback::query_value(&redirect, "state").as_deref(),
        Some("xyz")
    );

    let tokens = exchange_spa_code(&t, &code).await;
    assert_eq!(tokens.status, 200, "{tokens:?}");
    let (_, id) = claims_of(&t, tokens.json()["id_token"].as_str().unwrap());
    assert_eq!(id["sub"], THOR);
    assert_eq!(id["given_name"], "Thor");
    assert_eq!(id["nonce"], "n-0S6_WzA2Mj");
}

#[tokio::test]
async fn the_code_grant_issues_signed_tokens_of_the_documented_shape() {
    let t = TestServer::start().await;
    let code = authorization_code(&t, &spa_query("openid profile email")).await;
    let reply = exchange_spa_code(&t, &code).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("pragma"), Some("no-cache"));
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let body = reply.json();
    assert!(body["expires_in"].is_u64(), "expires_in is a JSON number");
    insta::assert_json_snapshot!("code_grant_response", body, {
        ".access_token" => insta::dynamic_redaction(redact_jwt),
        ".id_token" => insta::dynamic_redaction(redact_jwt),
        ".refresh_token" => insta::dynamic_redaction(redact_jwt),
    });

    let kid = t.server.key_id();
    for (name, typ) in [
        ("access_token", "at+jwt"),
        ("id_token", "JWT"),
        ("refresh_token", "JWT"),
    ] {
        let header = jsonwebtoken::decode_header(body[name].as_str().unwrap()).unwrap();
        assert_eq!(header.typ.as_deref(), Some(typ), "{name}");
        assert_eq!(header.kid.as_deref(), Some(kid), "{name}");
        assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
    }
    let (_, access) = claims_of(&t, body["access_token"].as_str().unwrap());
    let (_, id) = claims_of(&t, body["id_token"].as_str().unwrap());
    let (_, refresh) = claims_of(&t, body["refresh_token"].as_str().unwrap());
    assert_eq!(access["tfid"], refresh["tfid"], "one family");
    assert_eq!(access["aci"], refresh["aci"], "one attribute cache entry");
    let redactions = || {
        let mut settings = insta::Settings::clone_current();
        settings.add_redaction(".jti", insta::dynamic_redaction(redact_uuid));
        settings.add_redaction(".aci", insta::dynamic_redaction(redact_uuid));
        settings.add_redaction(".tfid", insta::dynamic_redaction(redact_uuid));
        settings
    };
    redactions().bind(|| {
        insta::assert_json_snapshot!(
            "code_grant_access_token_claims",
            with_issuer_redacted(&t, access)
        );
        insta::assert_json_snapshot!("code_grant_id_token_claims", with_issuer_redacted(&t, id));
        insta::assert_json_snapshot!(
            "code_grant_refresh_token_claims",
            with_issuer_redacted(&t, refresh)
        );
    });
}

#[tokio::test]
async fn a_replayed_code_is_refused_and_revokes_what_it_issued() {
    let t = TestServer::start().await;
    let code = authorization_code(&t, &spa_query("openid")).await;
    let first = exchange_spa_code(&t, &code).await.json();
    let access = first["access_token"].as_str().unwrap();
    assert!(introspect_active(&t, access).await);
    assert_error(
        &exchange_spa_code(&t, &code).await,
        400,
        "invalid_grant",
        "Invalid authorization code",
    );
    assert!(
        !introspect_active(&t, access).await,
        "the replay revoked the family"
    );
    let reply = refresh_spa(&t, first["refresh_token"].as_str().unwrap(), None).await;
    assert_error(&reply, 400, "invalid_grant", "Invalid refresh token");
}

#[tokio::test]
async fn a_code_of_another_client_is_invalid_and_stays_usable() {
    let t = TestServer::start().await;
    let code = authorization_code(&t, &spa_query("openid")).await;
    let reply = token(
        &t,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "sample-mfa"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_error(&reply, 400, "invalid_grant", "Invalid authorization code");
    assert_eq!(exchange_spa_code(&t, &code).await.status, 200);
}

#[tokio::test]
async fn an_expired_code_is_invalid() {
    let t = TestServer::start().await;
    let code = authorization_code(&t, &spa_query("openid")).await;
    t.server.clock().advance(Duration::from_secs(601));
    // The server's store drops the code at its expiry, so it reads as unknown.
    assert_error(
        &exchange_spa_code(&t, &code).await,
        400,
        "invalid_grant",
        "Invalid authorization code",
    );
}

#[tokio::test]
async fn a_code_is_still_valid_at_its_last_second() {
    let t = TestServer::start().await;
    let code = authorization_code(&t, &spa_query("openid")).await;
    t.server.clock().advance(Duration::from_secs(600));
    assert_eq!(exchange_spa_code(&t, &code).await.status, 200);
}

#[tokio::test]
async fn code_grant_parameter_errors() {
    let t = TestServer::start().await;
    let reply = token(
        &t,
        &[("grant_type", "authorization_code"), ("client_id", SPA)],
    )
    .await;
    assert_error(
        &reply,
        400,
        "invalid_request",
        "Authorization code is required",
    );
    let reply = token(
        &t,
        &[
            ("grant_type", "authorization_code"),
            ("code", "x"),
            ("client_id", SPA),
            ("resource", "relative"),
        ],
    )
    .await;
    assert_error(
        &reply,
        400,
        "invalid_target",
        "Invalid resource parameter: must be an absolute URI",
    );
    let reply = token(
        &t,
        &[
            ("grant_type", "authorization_code"),
            ("code", "nope"),
            ("client_id", SPA),
        ],
    )
    .await;
    assert_error(&reply, 400, "invalid_grant", "Invalid authorization code");
}

#[tokio::test]
async fn pkce_failures_burn_the_code() {
    let t = TestServer::start().await;
    let cases: [(&[(&str, &str)], &str); 3] = [
        (&[], "code_verifier is required"),
        (
            &[(
                "code_verifier",
                "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx",
            )],
            "Invalid code verifier",
        ),
        (&[("code_verifier", "short")], "Invalid code verifier"),
    ];
    for (extra, description) in cases {
        let code = authorization_code(&t, &spa_query("openid")).await;
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", SPA_CALLBACK),
            ("client_id", SPA),
        ];
        form.extend_from_slice(extra);
        assert_error(&token(&t, &form).await, 400, "invalid_grant", description);
        assert_error(
            &exchange_spa_code(&t, &code).await,
            400,
            "invalid_grant",
            "Invalid authorization code",
        );
    }
}

#[tokio::test]
async fn the_redirect_uri_must_match_only_when_it_was_sent_to_authorize() {
    let t = TestServer::start().await;
    let code = authorization_code(&t, &spa_query("openid")).await;
    let reply = token(
        &t,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", SPA),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_error(&reply, 400, "invalid_grant", "Invalid redirect URI");

    let query: Vec<_> = spa_query("openid")
        .into_iter()
        .filter(|(k, _)| *k != "redirect_uri")
        .collect();
    let code = authorization_code(&t, &query).await;
    let reply = token(
        &t,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", SPA),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:?}");
}

#[tokio::test]
async fn a_resource_binds_the_audience_and_must_match_the_code() {
    let t = TestServer::start().await;
    let mut query = spa_query("openid");
    query.push(("resource", "https://api.booking.example".to_owned()));
    let code = authorization_code(&t, &query).await;
    let mismatch = token(
        &t,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", SPA_CALLBACK),
            ("client_id", SPA),
            ("code_verifier", VERIFIER),
            ("resource", "https://other.example/"),
        ],
    )
    .await;
    assert_error(
        &mismatch,
        400,
        "invalid_target",
        "Resource parameter mismatch",
    );

    let code = authorization_code(&t, &query).await;
    let reply = exchange_spa_code(&t, &code).await;
    let body = reply.json();
    let (_, access) = claims_of(&t, body["access_token"].as_str().unwrap());
    assert_eq!(access["aud"], "https://api.booking.example");
    let (_, refresh) = claims_of(&t, body["refresh_token"].as_str().unwrap());
    assert_eq!(
        refresh["access_token_aud"],
        json!(["https://api.booking.example"])
    );
}

#[tokio::test]
async fn a_confidential_client_authenticated_like_the_js_sdk_gets_tokens() {
    let t = TestServer::start().await;
    let body = web_tokens(&t, "openid email").await;
    let (_, access) = claims_of(&t, body["access_token"].as_str().unwrap());
    assert_eq!(access["client_id"], WEB);
    assert_eq!(access["sub"], THOR);
    assert!(body["refresh_token"].is_string());
    let (_, id) = claims_of(&t, body["id_token"].as_str().unwrap());
    assert_eq!(id["aud"], WEB);
    assert_eq!(id["email"], "thor@asgard.example");
    assert!(id.get("given_name").is_none(), "profile was not granted");
}

#[tokio::test]
async fn no_id_token_without_openid_and_no_refresh_token_without_the_grant() {
    let mut fixtures = Fixtures::bundled();
    let spa = fixtures
        .applications
        .iter_mut()
        .find(|a| a.oauth.as_ref().is_some_and(|o| o.client_id == SPA))
        .unwrap();
    spa.oauth.as_mut().unwrap().grant_types = vec!["authorization_code".to_owned()];
    let t = TestServer::with_fixtures(fixtures).await;
    let body = spa_tokens(&t, "profile").await;
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["access_token", "expires_in", "scope", "token_type"]);
    assert_eq!(body["scope"], "profile");
}

#[tokio::test]
async fn issued_tokens_verify_against_the_served_jwks() {
    let t = TestServer::start().await;
    let body = spa_tokens(&t, "openid").await;
    let jwks = t.get("/oauth2/jwks").await.json();
    for name in ["access_token", "id_token", "refresh_token"] {
        let token = body[name].as_str().unwrap();
        let header = jsonwebtoken::decode_header(token).unwrap();
        let key = jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kid"].as_str() == header.kid.as_deref())
            .unwrap_or_else(|| panic!("{name}: no JWK for kid {:?}", header.kid));
        let decoding = jsonwebtoken::DecodingKey::from_rsa_components(
            key["n"].as_str().unwrap(),
            key["e"].as_str().unwrap(),
        )
        .unwrap();
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        // The mock clock is fixed in 2026; only the signature is checked here.
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        let decoded = jsonwebtoken::decode::<Value>(token, &decoding, &validation);
        assert!(decoded.is_ok(), "{name}: {decoded:?}");
    }
}
