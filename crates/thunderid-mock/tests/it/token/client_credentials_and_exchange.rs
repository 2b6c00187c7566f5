//! `grant_type=client_credentials` and RFC 8693 token exchange.

use super::*;

// ---- client_credentials ------------------------------------------------------------------------

#[tokio::test]
async fn client_credentials_issue_an_access_token_for_the_application() {
    let t = TestServer::start().await;
    let reply = token_basic(
        &t,
        M2M,
        M2M_SECRET,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "booking:read booking:write openid"),
            ("resource", "https://api.booking.example"),
        ],
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let body = reply.json();
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["access_token", "expires_in", "scope", "token_type"]);
    // Bounded by the application's roles: sample-m2m holds `viewer` (booking:read) only; `openid` is
    // no permission of the resource server.
    assert_eq!(body["scope"], "booking:read");
    let (typ, claims) = claims_of(&t, body["access_token"].as_str().unwrap());
    assert_eq!(typ.as_deref(), Some("at+jwt"));
    insta::assert_json_snapshot!("client_credentials_access_token_claims", with_issuer_redacted(&t, claims), {
        ".jti" => insta::dynamic_redaction(redact_uuid),
    });
    // Nothing asked, nothing granted: the client is the audience.
    let bare = token_basic(&t, M2M, M2M_SECRET, &[("grant_type", "client_credentials")]).await;
    assert_eq!(bare.status, 200, "{bare:?}");
    assert!(bare.json().get("scope").is_none(), "{bare:?}");
    let (_, claims) = claims_of(&t, bare.json()["access_token"].as_str().unwrap());
    assert_eq!(claims["aud"], M2M);
    assert_eq!(claims["sub"], M2M_APP_ID);
    // The System resource server: sample-m2m holds no role there, so no `system`.
    let system = token_basic(
        &t,
        M2M,
        M2M_SECRET,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "system"),
            ("resource", "https://localhost:8090/mcp"),
        ],
    )
    .await;
    assert_eq!(system.status, 200, "{system:?}");
    assert!(system.json().get("scope").is_none(), "{system:?}");
    let (_, claims) = claims_of(&t, system.json()["access_token"].as_str().unwrap());
    assert_eq!(claims["aud"], "https://localhost:8090/mcp");
    // A scope without a resource, and no default resource server.
    assert_error(
        &token_basic(
            &t,
            M2M,
            M2M_SECRET,
            &[("grant_type", "client_credentials"), ("scope", "system")],
        )
        .await,
        400,
        "invalid_target",
        "No resource parameter supplied and no default resource server is configured",
    );
    assert_error(
        &token_basic(
            &t,
            M2M,
            M2M_SECRET,
            &[
                ("grant_type", "client_credentials"),
                ("resource", "https://unknown.example"),
            ],
        )
        .await,
        400,
        "invalid_target",
        "The resource parameter does not match any registered resource server",
    );
    let two = token_basic(
        &t,
        M2M,
        M2M_SECRET,
        &[
            ("grant_type", "client_credentials"),
            ("resource", "https://a"),
            ("resource", "https://b"),
        ],
    )
    .await;
    assert_error(
        &two,
        400,
        "invalid_target",
        "Only a single resource parameter is supported",
    );
}

// ---- token exchange ----------------------------------------------------------------------------

async fn exchange(t: &TestServer, form: &[(&str, &str)]) -> Reply {
    let mut full = vec![("grant_type", TOKEN_EXCHANGE)];
    full.extend_from_slice(form);
    token_basic(t, WEB, WEB_SECRET, &full).await
}

#[tokio::test]
async fn token_exchange_issues_an_access_token_for_the_subject() {
    let t = TestServer::start().await;
    let subject = spa_tokens(&t, "openid profile email").await;
    let access = subject["access_token"].as_str().unwrap();
    let reply = exchange(
        &t,
        &[("subject_token", access), ("subject_token_type", AT_URN)],
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let body = reply.json();
    assert_eq!(body["issued_token_type"], AT_URN);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "openid profile email");
    assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none());
    let (_, claims) = claims_of(&t, body["access_token"].as_str().unwrap());
    insta::assert_json_snapshot!("token_exchange_access_token_claims", with_issuer_redacted(&t, claims), {
        ".jti" => insta::dynamic_redaction(redact_uuid),
    });

    let narrowed = exchange(
        &t,
        &[
            ("subject_token", access),
            ("subject_token_type", AT_URN),
            ("scope", "openid nope"),
            (
                "requested_token_type",
                "urn:ietf:params:oauth:token-type:jwt",
            ),
        ],
    )
    .await
    .json();
    assert_eq!(narrowed["scope"], "openid");
    assert_eq!(
        narrowed["issued_token_type"],
        "urn:ietf:params:oauth:token-type:jwt"
    );

    let m2m_reply = token_basic(&t, M2M, M2M_SECRET, &[("grant_type", "client_credentials")])
        .await
        .json();
    let m2m_token = m2m_reply["access_token"].as_str().unwrap().to_owned();
    let acting = exchange(
        &t,
        &[
            ("subject_token", access),
            ("subject_token_type", AT_URN),
            ("actor_token", &m2m_token),
            ("actor_token_type", AT_URN),
        ],
    )
    .await;
    let (_, claims) = claims_of(&t, acting.json()["access_token"].as_str().unwrap());
    assert_json_eq(
        &claims["act"],
        &json!({"sub": M2M_APP_ID, "iss": t.server.issuer()}),
    );
}

/// Form, error, description.
type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);

#[tokio::test]
async fn token_exchange_errors() {
    let t = TestServer::start().await;
    let subject = spa_tokens(&t, "openid").await;
    let access = subject["access_token"].as_str().unwrap().to_owned();
    let id_token = subject["id_token"].as_str().unwrap().to_owned();
    let now = t.server.now();
    let foreign = t.server.sign(
        thunderid_mock::TokenType::AccessToken,
        &json!({"iss": "https://elsewhere", "sub": "x", "exp": now + 60}),
    );
    let cases: Vec<Case<'_>> = vec![
        (
            vec![],
            "invalid_request",
            "Missing required parameter: subject_token",
        ),
        (
            vec![("subject_token", &access)],
            "invalid_request",
            "Missing required parameter: subject_token_type",
        ),
        (
            vec![("subject_token", &access), ("subject_token_type", "urn:x")],
            "invalid_request",
            "Unsupported subject_token_type",
        ),
        (
            vec![
                ("subject_token", &access),
                ("subject_token_type", AT_URN),
                ("resource", "rel"),
            ],
            "invalid_target",
            "Invalid resource parameter: must be an absolute URI",
        ),
        (
            vec![
                ("subject_token", &access),
                ("subject_token_type", AT_URN),
                ("actor_token", "a"),
            ],
            "invalid_request",
            "actor_token_type is required when actor_token is provided",
        ),
        (
            vec![
                ("subject_token", &access),
                ("subject_token_type", AT_URN),
                ("actor_token_type", AT_URN),
            ],
            "invalid_request",
            "actor_token_type must not be provided without actor_token",
        ),
        (
            vec![
                ("subject_token", &access),
                ("subject_token_type", AT_URN),
                ("actor_token", "a"),
                ("actor_token_type", "urn:y"),
            ],
            "invalid_request",
            "Unsupported actor_token_type",
        ),
        (
            vec![
                ("subject_token", &access),
                ("subject_token_type", AT_URN),
                ("requested_token_type", "urn:z"),
            ],
            "invalid_request",
            "Unsupported requested_token_type",
        ),
        (
            vec![
                ("subject_token", &access),
                ("subject_token_type", AT_URN),
                ("requested_token_type", ID_URN),
            ],
            "invalid_request",
            "Unsupported requested_token_type. Only access tokens, JWT tokens, and ID-JAGs are supported",
        ),
        (
            vec![
                ("subject_token", &access),
                ("subject_token_type", AT_URN),
                (
                    "requested_token_type",
                    "urn:ietf:params:oauth:token-type:id-jag",
                ),
            ],
            "invalid_request",
            "ID-JAG requests require subject_token_type urn:ietf:params:oauth:token-type:id_token",
        ),
        (
            vec![
                ("subject_token", &id_token),
                ("subject_token_type", ID_URN),
                (
                    "requested_token_type",
                    "urn:ietf:params:oauth:token-type:id-jag",
                ),
            ],
            "invalid_target",
            "The client is not permitted to request ID-JAGs",
        ),
        (
            vec![("subject_token", "garbage"), ("subject_token_type", AT_URN)],
            "invalid_request",
            "Invalid subject_token",
        ),
        (
            vec![("subject_token", &foreign), ("subject_token_type", AT_URN)],
            "invalid_request",
            "The subject_token issuer is not registered as a trusted token exchange issuer",
        ),
        (
            vec![("subject_token", &id_token), ("subject_token_type", AT_URN)],
            "invalid_request",
            "The subject_token is not an access token (missing at+jwt typ header)",
        ),
        (
            vec![
                ("subject_token", &access),
                ("subject_token_type", AT_URN),
                ("actor_token", "bad"),
                ("actor_token_type", AT_URN),
            ],
            "invalid_request",
            "Invalid actor_token",
        ),
        (
            vec![
                ("subject_token", &id_token),
                ("subject_token_type", ID_URN),
                ("scope", "openid"),
            ],
            "invalid_scope",
            "Cannot request scopes when the subject token has no scopes. Requested scopes must be a subset of the subject token's scopes.",
        ),
    ];
    for (form, error, description) in cases {
        assert_error(&exchange(&t, &form).await, 400, error, description);
    }
    t.server.clock().advance(Duration::from_secs(3600 + 30));
    let expired = exchange(
        &t,
        &[("subject_token", &access), ("subject_token_type", AT_URN)],
    )
    .await;
    assert_error(
        &expired,
        400,
        "invalid_request",
        "The subject_token has expired",
    );
}

#[tokio::test]
async fn a_revoked_subject_token_cannot_be_exchanged() {
    let t = TestServer::start().await;
    let subject = spa_tokens(&t, "openid").await;
    let access = subject["access_token"].as_str().unwrap();
    let revoke = t
        .post_form(
            "/oauth2/revoke",
            &[
                ("token", subject["refresh_token"].as_str().unwrap()),
                ("client_id", SPA),
            ],
        )
        .await;
    assert_eq!(revoke.status, 200);
    let reply = exchange(
        &t,
        &[("subject_token", access), ("subject_token_type", AT_URN)],
    )
    .await;
    assert_error(&reply, 400, "invalid_request", "Invalid subject_token");
}
