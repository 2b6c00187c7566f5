//! CORS as the real server does it (`backend/internal/system/middleware/cors.go`): options are per
//! route, the allowed origins are server-wide (`server.json` `cors.allowedOrigins`, plus each app's
//! `oauth.allowedOrigins`).
//!
//! * The server wraps each `(method, path)` handler it registers with `middleware.WithCORS`, so CORS
//!   headers appear only when such a handler runs: a method the path does not register (the mux's
//!   405) gets none, and neither does a 401/403 from the security middleware, which answers before
//!   any route runs ([`NoCors`]). Routes without an entry (such as `GET /oauth2/authorize`) get none.
//! * With one non-empty `Origin` header the response carries `Vary: Origin`; when the origin is
//!   allowed (compared after canonicalisation: scheme and host lower-cased, trailing dot dropped) it is
//!   echoed verbatim in `Access-Control-Allow-Origin`, with `Access-Control-Allow-Credentials: true`
//!   on most routes. Several `Origin` headers get `Vary: Origin` and nothing else.
//! * A preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin adds the
//!   route's `Access-Control-Allow-Methods`, `Access-Control-Allow-Headers` (`Content-Type,
//!   Authorization` by default; `Flow-Secret`, `Attestation-Token` and `DPoP` are never allowed) and
//!   `Access-Control-Max-Age: 600`. Routes that register `OPTIONS` answer it with an empty 204.
//! * The mock's WSO2 Identity Server aliases (`/t/carbon.super/…`, `/oauth2/token/.well-known/…`,
//!   `/scim2/*`) have entries of their own, marked below.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::routes::discovery::SUPER_TENANT;
use crate::state::AppState;

/// Response extension: the response was written before any route's CORS wrapper (the security
/// middleware's AUTH-4010/AUTH-4030), so it carries no CORS headers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NoCors;

/// The CORS options of one path, as registered with `middleware.WithCORS` on the real server.
#[derive(Debug)]
struct CorsRoute {
    path: PathMatch,
    /// The methods registered on this path with `WithCORS` (`GET` also serves `HEAD`). `OPTIONS`
    /// among them means the path answers `OPTIONS` itself, with 204.
    handles: &'static [&'static str],
    /// `Access-Control-Allow-Methods` on a preflight (the route's `AllowedMethods`).
    allow_methods: &'static str,
    /// `Access-Control-Allow-Headers` on a preflight.
    allow_headers: &'static str,
    /// Whether `Access-Control-Allow-Credentials: true` is sent.
    credentials: bool,
}

#[derive(Debug)]
enum PathMatch {
    Exact(&'static str),
    /// Everything under this prefix (Go's `"GET /users/"` subtree patterns and `{path...}` wildcards).
    Prefix(&'static str),
}

/// `middleware.DefaultAllowedHeaders`.
const DEFAULT_HEADERS: &str = "Content-Type, Authorization";
/// Every route registers `MaxAge: 600`.
const MAX_AGE: &str = "600";

const GET_OPTIONS: &[&str] = &["GET", "OPTIONS"];
const POST_ONLY: &[&str] = &["POST"];
const POST_OPTIONS: &[&str] = &["POST", "OPTIONS"];
const GET_POST_OPTIONS: &[&str] = &["GET", "POST", "OPTIONS"];

const fn route(
    path: PathMatch,
    handles: &'static [&'static str],
    allow_methods: &'static str,
) -> CorsRoute {
    CorsRoute {
        path,
        handles,
        allow_methods,
        allow_headers: DEFAULT_HEADERS,
        credentials: true,
    }
}

/// The discovery documents: `Content-Type` only, no credentials (`O2/discovery/init.go`).
const fn discovery(path: &'static str) -> CorsRoute {
    CorsRoute {
        path: PathMatch::Exact(path),
        handles: GET_OPTIONS,
        allow_methods: "GET, OPTIONS",
        allow_headers: "Content-Type",
        credentials: false,
    }
}

/// Read from each package's `init.go` at thunder-id/thunderid 4e69e01. The first entry whose path
/// matches and that registers the request's method applies, as in Go's `ServeMux` (a more specific
/// pattern wins; `DELETE /users/me` falls to `DELETE /users/`), so exact paths precede prefixes.
static ROUTES: &[CorsRoute] = &[
    // backend/internal/flow/flowexec, flowmeta
    route(PathMatch::Exact("/flow/execute"), POST_OPTIONS, "POST"),
    route(PathMatch::Exact("/flow/meta"), GET_OPTIONS, "GET, OPTIONS"),
    // backend/internal/oauth/oauth2/{token,callback,introspect,revocation,userinfo,logout,par,ciba,dcr}
    route(PathMatch::Exact("/oauth2/token"), POST_ONLY, "POST"),
    route(
        PathMatch::Exact("/oauth2/auth/callback"),
        POST_OPTIONS,
        "POST",
    ),
    route(
        PathMatch::Exact("/oauth2/introspect"),
        POST_OPTIONS,
        "POST, OPTIONS",
    ),
    route(
        PathMatch::Exact("/oauth2/revoke"),
        POST_OPTIONS,
        "POST, OPTIONS",
    ),
    route(
        PathMatch::Exact("/oauth2/userinfo"),
        GET_POST_OPTIONS,
        "GET, POST, OPTIONS",
    ),
    route(
        PathMatch::Exact("/oauth2/logout"),
        GET_POST_OPTIONS,
        "GET, POST, OPTIONS",
    ),
    route(
        PathMatch::Exact("/oauth2/logout/callback"),
        POST_OPTIONS,
        "GET, POST, OPTIONS",
    ),
    route(PathMatch::Exact("/oauth2/par"), POST_ONLY, "POST"),
    route(PathMatch::Exact("/oauth2/bc-authorize"), POST_ONLY, "POST"),
    route(
        PathMatch::Exact("/oauth2/dcr/register"),
        POST_OPTIONS,
        "POST, OPTIONS",
    ),
    // backend/internal/oauth/jwks, oauth2/discovery
    route(
        PathMatch::Exact("/oauth2/jwks"),
        GET_OPTIONS,
        "GET, OPTIONS",
    ),
    discovery("/.well-known/openid-configuration"),
    discovery("/.well-known/oauth-authorization-server"),
    // backend/internal/user
    route(PathMatch::Exact("/users"), GET_POST_OPTIONS, "GET, POST"),
    route(
        PathMatch::Exact("/users/me"),
        &["GET", "PUT", "OPTIONS"],
        "GET, PUT",
    ),
    route(PathMatch::Exact("/users/me/meta"), GET_OPTIONS, "GET"),
    route(
        PathMatch::Exact("/users/me/update-credentials"),
        POST_OPTIONS,
        "POST",
    ),
    route(
        PathMatch::Prefix("/users/tree/"),
        GET_POST_OPTIONS,
        "GET, POST",
    ),
    route(
        PathMatch::Prefix("/users/"),
        &["GET", "PUT", "DELETE", "POST", "OPTIONS"],
        "GET, PUT, DELETE, POST",
    ),
    // backend/internal/ou
    route(
        PathMatch::Exact("/organization-units"),
        GET_POST_OPTIONS,
        "GET, POST",
    ),
    route(
        PathMatch::Prefix("/organization-units/"),
        &["GET", "PUT", "DELETE", "OPTIONS"],
        "GET, PUT, DELETE",
    ),
    // Mock-only, for WSO2 Identity Server clients: its discovery alias and SCIM2 (WSO2 allows
    // credentials and preflights on them).
    discovery("/oauth2/token/.well-known/openid-configuration"),
    route(
        PathMatch::Exact("/scim2/Me"),
        &["GET", "PATCH", "OPTIONS"],
        "GET, PATCH",
    ),
    route(PathMatch::Exact("/scim2/Schemas"), GET_OPTIONS, "GET"),
    // Mock-only, for the V1 app-native API (seed 002), which browser SDKs call cross-origin: the
    // direct-mode form POST to /oauth2/authorize (a simple request, so no OPTIONS: GET and preflights
    // of /oauth2/authorize keep no CORS) and the JSON POST to /oauth2/authn.
    route(PathMatch::Exact("/oauth2/authorize"), POST_ONLY, "POST"),
    route(PathMatch::Exact("/oauth2/authn"), POST_OPTIONS, "POST"),
    // Mock-only organization calls of the JS SDKs (`routes/organizations/legacy.rs`), with the
    // options of the unit API they stand for.
    route(
        PathMatch::Prefix("/api/server/v1/organization-units/"),
        GET_OPTIONS,
        "GET",
    ),
    route(
        PathMatch::Exact("/api/users/v1/me/organizations"),
        GET_OPTIONS,
        "GET",
    ),
    route(
        PathMatch::Exact("/api/server/v1/organizations"),
        GET_POST_OPTIONS,
        "GET, POST",
    ),
    route(
        PathMatch::Prefix("/api/server/v1/organizations/"),
        &["GET", "PATCH", "OPTIONS"],
        "GET, PATCH",
    ),
];

/// The entry that applies to `method` on `path`, if any. Paths under the mock's tenant prefix use
/// the entry of the path without it.
fn find(method: &Method, path: &str) -> Option<&'static CorsRoute> {
    let path = path
        .strip_prefix("/t/")
        .and_then(|rest| rest.strip_prefix(SUPER_TENANT))
        .unwrap_or(path);
    // Go's ServeMux lets a GET pattern serve HEAD.
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    ROUTES.iter().find(|r| {
        let path_matches = match r.path {
            PathMatch::Exact(p) => p == path,
            PathMatch::Prefix(p) => path.starts_with(p),
        };
        path_matches && r.handles.contains(&method)
    })
}

/// Middleware applying [`ROUTES`].
pub async fn cors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(route) = find(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let origin = single_origin(request.headers());
    let mut response = if request.method() == Method::OPTIONS {
        // `find` only returns a route for OPTIONS when the route registers it: an empty 204.
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    if response.extensions().get::<NoCors>().is_some() {
        return response;
    }
    let headers = response.headers_mut();
    let origin = match origin {
        Origin::Absent => return response,
        Origin::Many | Origin::Unparseable => {
            headers.append(header::VARY, HeaderValue::from_static("Origin"));
            return response;
        }
        Origin::One { raw, key } => {
            headers.append(header::VARY, HeaderValue::from_static("Origin"));
            if !is_allowed(&state, &key) {
                return response;
            }
            raw
        }
    };
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if route.credentials {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
    if preflight {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(route.allow_methods),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(route.allow_headers),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static(MAX_AGE),
        );
    }
    response
}

/// The request's `Origin`, as the server's `applyCORSHeaders` sees it.
enum Origin {
    /// No header, or an empty one: no CORS headers at all.
    Absent,
    /// Several headers: the server refuses to evaluate them.
    Many,
    /// Not an http(s) origin (`cors.ParseOrigin` fails): never allowed.
    Unparseable,
    /// One parseable origin: its trimmed text (echoed as is) and its canonical form.
    One { raw: HeaderValue, key: OriginKey },
}

fn single_origin(headers: &HeaderMap) -> Origin {
    let mut values = headers.get_all(header::ORIGIN).iter();
    let value = match (values.next(), values.next()) {
        (None, _) => return Origin::Absent,
        (Some(_), Some(_)) => return Origin::Many,
        (Some(value), None) => value,
    };
    let Ok(text) = value.to_str() else {
        return Origin::Unparseable;
    };
    let raw = text.trim();
    if raw.is_empty() {
        return Origin::Absent;
    }
    match (canonical_origin(raw), HeaderValue::from_str(raw)) {
        (Some(key), Ok(raw)) => Origin::One { raw, key },
        _ => Origin::Unparseable,
    }
}

/// An origin as the server's matcher compares it.
#[derive(Debug, PartialEq, Eq)]
enum OriginKey {
    /// The opaque origin `null`.
    Null,
    /// `scheme://host[:port]`, scheme and host lower-cased, IDNs in ASCII, a trailing dot dropped,
    /// the port kept as written (`cors/canonical.go`).
    Canonical(String),
}

/// `cors.ParseOrigin` followed by `canonicalizeFromURL`; `None` for anything that is not a bare
/// http(s) origin (a path, query, fragment or userinfo, a control character, another scheme).
fn canonical_origin(raw: &str) -> Option<OriginKey> {
    if raw == "null" {
        return Some(OriginKey::Null);
    }
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return None;
    }
    let (_, authority) = raw.split_once("://")?;
    if authority.is_empty() || authority.contains(['/', '?', '#', '@']) {
        return None;
    }
    let url = url::Url::parse(raw).ok()?;
    let scheme = url.scheme();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = url.host_str()?.trim_end_matches('.');
    if host.is_empty() {
        return None;
    }
    // `url` drops a default port; Go keeps the port exactly as written, so read it from the text.
    let port = authority
        .rfind(':')
        .filter(|&i| !authority[i..].contains(']'))
        .map(|i| &authority[i + 1..])
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    Some(OriginKey::Canonical(match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    }))
}

fn is_allowed(state: &AppState, origin: &OriginKey) -> bool {
    let fixtures = state.fixtures();
    let app_origins = fixtures
        .applications
        .iter()
        .filter_map(|a| a.oauth.as_ref())
        .flat_map(|o| &o.allowed_origins);
    fixtures
        .server
        .cors
        .allowed_origins
        .iter()
        .chain(app_origins)
        .any(|allowed| canonical_origin(allowed.trim()).as_ref() == Some(origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> Option<OriginKey> {
        canonical_origin(text)
    }

    #[test]
    fn origins_compare_in_canonical_form() {
        assert_eq!(key("HTTP://LocalHost:3000"), key("http://localhost:3000"));
        assert_eq!(key("https://app.example."), key("https://app.example"));
        assert_eq!(
            key("http://localhost:80"),
            Some(OriginKey::Canonical("http://localhost:80".to_owned()))
        );
        assert_eq!(
            key("http://[::1]:3000"),
            Some(OriginKey::Canonical("http://[::1]:3000".to_owned()))
        );
        assert_eq!(key("null"), Some(OriginKey::Null));
    }

    #[test]
    fn anything_but_a_bare_http_origin_is_refused() {
        for bad in [
            "http://localhost:3000/",
            "http://localhost:3000/app",
            "http://localhost?x=1",
            "http://localhost#f",
            "http://user@localhost",
            "ftp://localhost",
            "localhost:3000",
            "http://",
            "http://local\thost",
        ] {
            assert_eq!(key(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_method_the_path_does_not_register_gets_no_cors() {
        assert!(find(&Method::POST, "/oauth2/token").is_some());
        assert!(find(&Method::OPTIONS, "/oauth2/token").is_none());
        assert!(find(&Method::GET, "/oauth2/authorize").is_none());
        assert!(find(&Method::HEAD, "/oauth2/jwks").is_some());
        assert_eq!(
            find(&Method::DELETE, "/users/me").map(|r| r.allow_methods),
            Some("GET, PUT, DELETE, POST")
        );
        assert_eq!(
            find(&Method::GET, "/t/carbon.super/scim2/Me").map(|r| r.allow_methods),
            Some("GET, PATCH")
        );
        assert!(find(&Method::GET, "/t/other/scim2/Me").is_none());
    }
}
