//! CORS: allowed origins echoed with credentials and `Vary: Origin`, per-route preflights, and the
//! responses that carry no CORS headers at all.

use reqwest::Method;
use thunderid_mock::Fixtures;

use crate::support::{Reply, TestServer};
use crate::users_me::{THOR, access_token};

const ALLOWED: &str = "http://localhost:3000";
const UNKNOWN: &str = "https://evil.example";

/// The CORS headers of a response, `(name, value)` in a fixed order, absent ones left out.
fn cors_headers(reply: &Reply) -> Vec<(&'static str, String)> {
    [
        "access-control-allow-origin",
        "access-control-allow-credentials",
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-max-age",
        "vary",
    ]
    .into_iter()
    .flat_map(|name| {
        reply
            .headers
            .get_all(name)
            .iter()
            .map(move |v| (name, v.to_str().unwrap_or("?").to_owned()))
    })
    .collect()
}

fn expected(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    pairs
        .iter()
        .map(|(name, value)| (*name, (*value).to_owned()))
        .collect()
}

async fn preflight(t: &TestServer, path: &str, origin: &str, method: &str) -> Reply {
    let request = t
        .client
        .request(Method::OPTIONS, t.url(path))
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header(
            "access-control-request-headers",
            "content-type, authorization, flow-secret",
        );
    t.send(request).await
}

#[tokio::test]
async fn an_allowed_origin_is_echoed_with_credentials_and_vary() {
    let t = TestServer::start().await;
    let reply = t
        .send(
            t.client
                .get(t.url("/oauth2/jwks"))
                .header("origin", ALLOWED),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        cors_headers(&reply),
        expected(&[
            ("access-control-allow-origin", ALLOWED),
            ("access-control-allow-credentials", "true"),
            ("vary", "Origin")
        ])
    );
    let token = access_token(&t, THOR);
    let request = t
        .client
        .get(t.url("/users/me"))
        .bearer_auth(&token)
        .header("origin", ALLOWED);
    let reply = t.send(request).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        cors_headers(&reply),
        expected(&[
            ("access-control-allow-origin", ALLOWED),
            ("access-control-allow-credentials", "true"),
            ("vary", "Origin")
        ])
    );
}

#[tokio::test]
async fn discovery_allows_origins_without_credentials() {
    let t = TestServer::start().await;
    for path in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ] {
        let reply = t
            .send(t.client.get(t.url(path)).header("origin", ALLOWED))
            .await;
        assert_eq!(reply.status, 200);
        assert_eq!(
            cors_headers(&reply),
            expected(&[("access-control-allow-origin", ALLOWED), ("vary", "Origin")])
        );
    }
}

#[tokio::test]
async fn origins_match_canonically_and_are_echoed_as_sent() {
    let t = TestServer::start().await;
    let reply = t
        .send(
            t.client
                .get(t.url("/oauth2/jwks"))
                .header("origin", "HTTP://LOCALHOST:3000"),
        )
        .await;
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("HTTP://LOCALHOST:3000")
    );
    for origin in [
        "http://localhost:3000/",
        "http://localhost:3001",
        "https://localhost:3000",
        "null",
    ] {
        let reply = t
            .send(t.client.get(t.url("/oauth2/jwks")).header("origin", origin))
            .await;
        assert_eq!(
            cors_headers(&reply),
            expected(&[("vary", "Origin")]),
            "{origin}"
        );
    }
}

#[tokio::test]
async fn an_unknown_origin_gets_vary_but_no_cors_headers() {
    let t = TestServer::start().await;
    let reply = t
        .send(
            t.client
                .get(t.url("/oauth2/jwks"))
                .header("origin", UNKNOWN),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(cors_headers(&reply), expected(&[("vary", "Origin")]));
    let reply = preflight(&t, "/users/me", UNKNOWN, "PUT").await;
    assert_eq!(reply.status, 204);
    assert_eq!(cors_headers(&reply), expected(&[("vary", "Origin")]));
}

#[tokio::test]
async fn without_an_origin_there_are_no_cors_headers() {
    let t = TestServer::start().await;
    let reply = t.get("/oauth2/jwks").await;
    assert_eq!(cors_headers(&reply), expected(&[]));
    let reply = t
        .send(t.client.get(t.url("/oauth2/jwks")).header("origin", "  "))
        .await;
    assert_eq!(cors_headers(&reply), expected(&[]));
}

#[tokio::test]
async fn several_origin_headers_are_not_evaluated() {
    let t = TestServer::start().await;
    let request = t
        .client
        .get(t.url("/oauth2/jwks"))
        .header("origin", ALLOWED)
        .header("origin", ALLOWED);
    let reply = t.send(request).await;
    assert_eq!(reply.status, 200);
    assert_eq!(cors_headers(&reply), expected(&[("vary", "Origin")]));
}

#[tokio::test]
async fn each_kind_of_route_answers_its_preflight() {
    let t = TestServer::start().await;
    let default_headers = "Content-Type, Authorization";
    let cases = [
        ("/flow/execute", "POST", "POST", default_headers, true),
        ("/oauth2/jwks", "GET", "GET, OPTIONS", default_headers, true),
        (
            "/.well-known/openid-configuration",
            "GET",
            "GET, OPTIONS",
            "Content-Type",
            false,
        ),
        (
            "/.well-known/oauth-authorization-server",
            "GET",
            "GET, OPTIONS",
            "Content-Type",
            false,
        ),
        (
            "/oauth2/token/.well-known/openid-configuration",
            "GET",
            "GET, OPTIONS",
            "Content-Type",
            false,
        ),
        ("/users/me", "PUT", "GET, PUT", default_headers, true),
        ("/users/me/meta", "GET", "GET", default_headers, true),
        (
            "/users/me/update-credentials",
            "POST",
            "POST",
            default_headers,
            true,
        ),
        (
            "/users/01900000-0000-7000-8000-000000000102",
            "DELETE",
            "GET, PUT, DELETE, POST",
            default_headers,
            true,
        ),
        (
            "/organization-units",
            "POST",
            "GET, POST",
            default_headers,
            true,
        ),
        (
            "/organization-units/01900000-0000-7000-8000-000000000002",
            "PUT",
            "GET, PUT, DELETE",
            default_headers,
            true,
        ),
        ("/scim2/Me", "PATCH", "GET, PATCH", default_headers, true),
        (
            "/t/carbon.super/scim2/Me",
            "PATCH",
            "GET, PATCH",
            default_headers,
            true,
        ),
        ("/scim2/Schemas", "GET", "GET", default_headers, true),
    ];
    for (path, method, methods, headers, credentials) in cases {
        let reply = preflight(&t, path, ALLOWED, method).await;
        assert_eq!(reply.status, 204, "{path}");
        assert_eq!(reply.body, "", "{path}");
        let mut want = vec![("access-control-allow-origin", ALLOWED)];
        if credentials {
            want.push(("access-control-allow-credentials", "true"));
        }
        want.extend([
            ("access-control-allow-methods", methods),
            // Flow-Secret is never allowed, whatever the browser asks for.
            ("access-control-allow-headers", headers),
            ("access-control-max-age", "600"),
            ("vary", "Origin"),
        ]);
        assert_eq!(cors_headers(&reply), expected(&want), "{path}");
    }
}

#[tokio::test]
async fn an_options_request_that_is_not_a_preflight_gets_no_preflight_headers() {
    let t = TestServer::start().await;
    let reply = t
        .send(
            t.client
                .request(Method::OPTIONS, t.url("/oauth2/jwks"))
                .header("origin", ALLOWED),
        )
        .await;
    assert_eq!(reply.status, 204);
    assert_eq!(
        cors_headers(&reply),
        expected(&[
            ("access-control-allow-origin", ALLOWED),
            ("access-control-allow-credentials", "true"),
            ("vary", "Origin")
        ])
    );
}

#[tokio::test]
async fn routes_that_register_no_options_handler_answer_no_preflight() {
    let t = TestServer::start().await;
    // POST /oauth2/token registers no OPTIONS handler on the real server (the mux answers 405).
    let reply = preflight(&t, "/oauth2/token", ALLOWED, "POST").await;
    assert_ne!(reply.status, 204);
    assert_eq!(cors_headers(&reply), expected(&[]));
}

#[tokio::test]
async fn authorize_has_no_cors() {
    let t = TestServer::start().await;
    let reply = t
        .send(
            t.client
                .get(t.url("/oauth2/authorize?client_id=sample-spa"))
                .header("origin", ALLOWED),
        )
        .await;
    assert_eq!(cors_headers(&reply), expected(&[]));
    let reply = preflight(&t, "/oauth2/authorize", ALLOWED, "GET").await;
    assert_ne!(reply.status, 204);
    assert_eq!(cors_headers(&reply), expected(&[]));
}

#[tokio::test]
async fn the_security_middlewares_401_carries_no_cors_headers() {
    let t = TestServer::start().await;
    let reply = t
        .send(t.client.get(t.url("/users/me")).header("origin", ALLOWED))
        .await;
    assert_eq!(reply.status, 401);
    assert_eq!(cors_headers(&reply), expected(&[]));
    // A handler's own error does carry them.
    let request = t
        .client
        .put(t.url("/users/me"))
        .bearer_auth(access_token(&t, THOR))
        .header("origin", ALLOWED);
    let reply = t.send(request.body("not json")).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.header("access-control-allow-origin"), Some(ALLOWED));
}

#[tokio::test]
async fn an_applications_allowed_origins_count_too() {
    let mut fixtures = Fixtures::bundled();
    fixtures.server.cors.allowed_origins.clear();
    for oauth in fixtures
        .applications
        .iter_mut()
        .filter_map(|a| a.oauth.as_mut())
    {
        oauth.allowed_origins.clear();
    }
    let app = fixtures
        .applications
        .iter_mut()
        .find_map(|a| a.oauth.as_mut())
        .expect("an OAuth app");
    app.allowed_origins = vec!["https://spa.example".to_owned()];
    let t = TestServer::with_fixtures(fixtures).await;
    let reply = t
        .send(
            t.client
                .get(t.url("/oauth2/jwks"))
                .header("origin", "https://spa.example"),
        )
        .await;
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("https://spa.example")
    );
    let reply = t
        .send(
            t.client
                .get(t.url("/oauth2/jwks"))
                .header("origin", ALLOWED),
        )
        .await;
    assert_eq!(cors_headers(&reply), expected(&[("vary", "Origin")]));
}
