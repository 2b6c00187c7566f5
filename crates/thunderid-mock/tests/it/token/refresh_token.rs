//! `grant_type=refresh_token`: rotation, reuse, narrowing.

use super::*;

// ---- refresh_token -----------------------------------------------------------------------------

#[tokio::test]
async fn refresh_rotates_keeps_the_original_expiry_and_reuse_revokes_the_family() {
    let t = TestServer::start().await;
    let first = spa_tokens(&t, "openid profile").await;
    let rt1 = first["refresh_token"].as_str().unwrap().to_owned();
    let (_, rt1_claims) = claims_of(&t, &rt1);
    assert_eq!(rt1_claims["exp"], EPOCH + 86_400);

    t.server.clock().advance(Duration::from_secs(100));
    let second = refresh_spa(&t, &rt1, None).await;
    assert_eq!(second.status, 200, "{second:?}");
    assert_eq!(second.header("cache-control"), Some("no-store"));
    let second = second.json();
    let rt2 = second["refresh_token"].as_str().unwrap().to_owned();
    let (_, rt2_claims) = claims_of(&t, &rt2);
    assert_ne!(rt1, rt2);
    assert_eq!(
        rt2_claims["exp"],
        EPOCH + 86_400,
        "the rotated token keeps the original expiry"
    );
    assert_eq!(rt2_claims["iat"], EPOCH + 100);
    assert_eq!(rt2_claims["tfid"], rt1_claims["tfid"]);
    assert_eq!(second["expires_in"], 3600);
    let (_, id) = claims_of(&t, second["id_token"].as_str().unwrap());
    assert!(
        id.get("nonce").is_none() && id.get("auth_time").is_none(),
        "{id:?}"
    );
    let (_, access) = claims_of(&t, second["access_token"].as_str().unwrap());
    assert_eq!(
        access["grant_type"], "authorization_code",
        "the family's grant"
    );
    let access2 = second["access_token"].as_str().unwrap().to_owned();
    assert!(introspect_active(&t, &access2).await);

    // Reusing the rotated token: refused, and the whole family dies.
    assert_error(
        &refresh_spa(&t, &rt1, None).await,
        400,
        "invalid_grant",
        "Invalid refresh token",
    );
    assert!(!introspect_active(&t, &access2).await);
    assert_error(
        &refresh_spa(&t, &rt2, None).await,
        400,
        "invalid_grant",
        "Invalid refresh token",
    );
}

#[tokio::test]
async fn refresh_can_narrow_but_not_widen_the_scope() {
    let t = TestServer::start().await;
    let first = spa_tokens(&t, "openid profile email").await;
    let rt = first["refresh_token"].as_str().unwrap();
    let reply = refresh_spa(&t, rt, Some("openid phone")).await;
    assert_error(
        &reply,
        400,
        "invalid_scope",
        "Requested scope exceeds the scope granted by the resource owner",
    );
    // The refused request did not consume the token.
    let narrowed = refresh_spa(&t, rt, Some("openid email")).await.json();
    assert_eq!(narrowed["scope"], "openid email");
    let (_, id) = claims_of(&t, narrowed["id_token"].as_str().unwrap());
    assert_eq!(id["email"], "thor@asgard.example");
    assert!(id.get("given_name").is_none());
    let without_openid = refresh_spa(
        &t,
        narrowed["refresh_token"].as_str().unwrap(),
        Some("email"),
    )
    .await
    .json();
    assert!(without_openid.get("id_token").is_none());
}

#[tokio::test]
async fn refresh_errors() {
    let t = TestServer::start().await;
    let first = spa_tokens(&t, "openid").await;
    let rt = first["refresh_token"].as_str().unwrap();
    assert_error(
        &token(&t, &[("grant_type", "refresh_token"), ("client_id", SPA)]).await,
        400,
        "invalid_request",
        "Refresh token is required",
    );
    assert_error(
        &refresh_spa(&t, "garbage", None).await,
        400,
        "invalid_grant",
        "Invalid refresh token",
    );
    // An access token or an ID token is not a refresh token.
    assert_error(
        &refresh_spa(&t, first["access_token"].as_str().unwrap(), None).await,
        400,
        "invalid_grant",
        "Invalid refresh token",
    );
    assert_error(
        &refresh_spa(&t, first["id_token"].as_str().unwrap(), None).await,
        400,
        "invalid_grant",
        "Invalid refresh token",
    );
    let other = token(
        &t,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("client_id", "sample-mfa"),
        ],
    )
    .await;
    assert_error(&other, 400, "invalid_grant", "Invalid refresh token");
    let resource = token(
        &t,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("client_id", SPA),
            ("resource", "https://api.example"),
        ],
    )
    .await;
    assert_error(
        &resource,
        400,
        "invalid_target",
        "Requested resource does not match the refresh token audience",
    );
    let two = token(
        &t,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("client_id", SPA),
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
    // The client_id audience of an unbound token is no URI, so it can never be named as a resource.
    let unbound = token(
        &t,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("client_id", SPA),
            ("resource", SPA),
        ],
    )
    .await;
    assert_error(
        &unbound,
        400,
        "invalid_target",
        "Invalid resource parameter: must be an absolute URI",
    );
}

#[tokio::test]
async fn a_resource_bound_family_keeps_its_audience_and_permissions() {
    let t = TestServer::start().await;
    let mut query = spa_query("openid booking:read");
    query.push(("resource", "https://api.booking.example".to_owned()));
    let code = authorization_code(&t, &query).await;
    let first = exchange_spa_code(&t, &code).await.json();
    // The flow's AuthorizationExecutor authorized what thor's roles grant there.
    assert_eq!(first["scope"], "openid booking:read");
    let rt = first["refresh_token"].as_str().unwrap();
    let reply = token(
        &t,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("client_id", SPA),
            ("resource", "https://api.booking.example"),
        ],
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json()["scope"], "openid booking:read");
    let (_, access) = claims_of(&t, reply.json()["access_token"].as_str().unwrap());
    assert_eq!(access["aud"], "https://api.booking.example");
}

#[tokio::test]
async fn an_expired_refresh_token_is_invalid() {
    let t = TestServer::start().await;
    let first = spa_tokens(&t, "openid").await;
    t.server.clock().advance(Duration::from_secs(86_400 + 31));
    assert_error(
        &refresh_spa(&t, first["refresh_token"].as_str().unwrap(), None).await,
        400,
        "invalid_grant",
        "Invalid refresh token",
    );
}
