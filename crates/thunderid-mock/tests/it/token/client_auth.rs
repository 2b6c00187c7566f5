//! Client authentication at the token endpoint: every row of the matrix.

use super::*;

// ---- client authentication -------------------------------------------------------------------

/// Authorization header, form, status, error, description, `WWW-Authenticate`.
type Row<'a> = (
    Option<String>,
    Vec<(&'a str, &'a str)>,
    u16,
    &'a str,
    &'a str,
    Option<&'a str>,
);

#[tokio::test]
async fn every_client_authentication_error_row() {
    let t = TestServer::start().await;
    let cc = ("grant_type", "client_credentials");
    let basic_wrong = basic(M2M, "wrong");
    let cases: Vec<Row<'_>> = vec![
        (
            Some(basic(M2M, M2M_SECRET)),
            vec![cc, ("client_secret", M2M_SECRET)],
            400,
            "invalid_request",
            "Multiple client authentication methods were provided",
            None,
        ),
        (
            None,
            vec![cc, ("client_secret", "s"), ("client_assertion_type", "x")],
            400,
            "invalid_request",
            "Multiple client authentication methods were provided",
            None,
        ),
        (
            None,
            vec![cc],
            400,
            "invalid_request",
            "Missing client_id parameter",
            None,
        ),
        (
            None,
            vec![cc, ("client_secret", M2M_SECRET)],
            400,
            "invalid_request",
            "Missing client_id parameter",
            None,
        ),
        (
            Some(basic("", "secret")),
            vec![cc],
            400,
            "invalid_request",
            "Missing client_id parameter",
            None,
        ),
        (
            Some(basic(M2M, M2M_SECRET)),
            vec![cc, ("client_id", WEB)],
            400,
            "invalid_request",
            "client_id in request body does not match client_id from authentication credentials",
            None,
        ),
        (
            Some(basic("nobody", "secret")),
            vec![cc],
            401,
            "invalid_client",
            "Invalid client credentials",
            Some("Basic"),
        ),
        (
            Some(basic_wrong),
            vec![cc],
            401,
            "invalid_client",
            "Invalid client credentials",
            Some("Basic"),
        ),
        (
            Some(basic(M2M, "")),
            vec![cc],
            401,
            "invalid_client",
            "Invalid client credentials",
            Some("Basic"),
        ),
        (
            Some("Basic %%%".to_owned()),
            vec![cc],
            401,
            "invalid_client",
            "Invalid client credentials",
            Some("Basic"),
        ),
        (
            Some("Bearer abc".to_owned()),
            vec![cc],
            401,
            "invalid_client",
            "Invalid client credentials",
            Some("Basic"),
        ),
        (
            None,
            vec![cc, ("client_id", "nobody")],
            401,
            "invalid_client",
            "Invalid client credentials",
            None,
        ),
        (
            None,
            vec![cc, ("client_id", M2M), ("client_secret", M2M_SECRET)],
            400,
            "unauthorized_client",
            "Client is not allowed to use the specified authentication method",
            None,
        ),
        (
            None,
            vec![cc, ("client_id", M2M)],
            401,
            "invalid_client",
            "Client authentication is required",
            None,
        ),
        (
            None,
            vec![
                cc,
                ("client_assertion_type", "urn:x"),
                ("client_assertion", "a.b.c"),
            ],
            401,
            "invalid_client",
            "Invalid client assertion",
            None,
        ),
        (
            None,
            vec![
                cc,
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", "garbage"),
            ],
            401,
            "invalid_client",
            "Invalid client assertion",
            None,
        ),
        // {"sub":"sample-m2m"}: the client exists but registered client_secret_basic.
        (
            None,
            vec![
                cc,
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", "e30.eyJzdWIiOiJzYW1wbGUtbTJtIn0.c2ln"),
            ],
            400,
            "unauthorized_client",
            "Client is not allowed to use the specified authentication method",
            None,
        ),
    ];
    for (authorization, form, status, error, description, challenge) in cases {
        let mut request = t.client.post(t.url("/oauth2/token")).form(&form);
        if let Some(authorization) = &authorization {
            request = request.header("authorization", authorization);
        }
        let reply = t.send(request).await;
        assert_error(&reply, status, error, description);
        assert_eq!(
            reply.header("www-authenticate"),
            challenge,
            "{authorization:?} {form:?}"
        );
    }
}

#[tokio::test]
async fn a_basic_client_sending_its_secret_in_the_body_is_refused_as_on_the_real_server() {
    // The JS SDK's refresh (sdk-http-calls T2/T3) does this; the real server answers exactly so.
    let t = TestServer::start().await;
    let reply = token(
        &t,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
        ],
    )
    .await;
    assert_error(
        &reply,
        400,
        "unauthorized_client",
        "Client is not allowed to use the specified authentication method",
    );
}

fn with_extra_client(id: &str, secret: &str, method: TokenEndpointAuthMethod) -> Fixtures {
    let mut fixtures = Fixtures::bundled();
    let mut app = fixtures
        .applications
        .iter()
        .find(|a| a.oauth.as_ref().is_some_and(|o| o.client_id == M2M))
        .unwrap()
        .clone();
    app.id = "01900000-0000-7000-8000-0000000000ff".to_owned();
    let oauth = app.oauth.as_mut().unwrap();
    oauth.client_id = id.to_owned();
    oauth.client_secret = Some(secret.to_owned());
    oauth.token_endpoint_auth_method = method;
    fixtures.applications.push(app);
    fixtures
}

#[tokio::test]
async fn basic_credentials_are_url_decoded() {
    let id = "client id+x:y";
    let secret = "s3cr%t:&=é";
    let t = TestServer::with_fixtures(with_extra_client(
        id,
        secret,
        TokenEndpointAuthMethod::ClientSecretBasic,
    ))
    .await;
    let reply = token_basic(&t, id, secret, &[("grant_type", "client_credentials")]).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let (_, claims) = claims_of(&t, reply.json()["access_token"].as_str().unwrap());
    assert_eq!(claims["client_id"], id);
    let raw = format!("Basic {}", base64_std(&format!("{id}:{secret}")));
    let reply = t
        .send(
            t.client
                .post(t.url("/oauth2/token"))
                .header("authorization", raw)
                .form(&[("grant_type", "client_credentials")]),
        )
        .await;
    assert_error(&reply, 401, "invalid_client", "Invalid client credentials");
}

fn base64_std(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[tokio::test]
async fn client_secret_post_authenticates_with_the_body() {
    let t = TestServer::with_fixtures(with_extra_client(
        "poster",
        "p-secret",
        TokenEndpointAuthMethod::ClientSecretPost,
    ))
    .await;
    let ok = token(
        &t,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "poster"),
            ("client_secret", "p-secret"),
        ],
    )
    .await;
    assert_eq!(ok.status, 200, "{ok:?}");
    let wrong = token(
        &t,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "poster"),
            ("client_secret", "nope"),
        ],
    )
    .await;
    assert_error(&wrong, 401, "invalid_client", "Invalid client credentials");
    assert_eq!(wrong.header("www-authenticate"), None);
}

#[tokio::test]
async fn a_json_body_carries_no_parameters() {
    let t = TestServer::start().await;
    let reply = t
        .post_json(
            "/oauth2/token",
            &json!({"grant_type": "client_credentials", "client_id": SPA}),
        )
        .await;
    assert_error(
        &reply,
        400,
        "invalid_request",
        "Missing client_id parameter",
    );
}
