//! CORS as the real server does it (`backend/internal/system/middleware/cors.go`): options are per
//! route, the allowed origins are server-wide (`server.json` `cors.allowedOrigins`, plus each app's
//! `oauth.allowedOrigins`). An allowed origin is echoed with `Vary: Origin` and, on most routes,
//! `Access-Control-Allow-Credentials: true`; a preflight adds the route's methods, headers and
//! `Access-Control-Max-Age`, and routes that register `OPTIONS` answer it with 204. Routes without an
//! entry (such as `GET /oauth2/authorize`) get no CORS headers at all.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// The CORS options of one route, as registered with `middleware.WithCORS` on the real server.
#[derive(Debug)]
struct CorsRoute {
    path: PathMatch,
    methods: &'static str,
    headers: &'static str,
    credentials: bool,
    /// Whether the route registers an `OPTIONS` handler that answers 204.
    preflight: bool,
}

#[derive(Debug)]
enum PathMatch {
    Exact(&'static str),
    /// Everything under this prefix (Go's `"GET /users/"` subtree patterns).
    Prefix(&'static str),
}

const DEFAULT_HEADERS: &str = "Content-Type, Authorization";
const MAX_AGE: &str = "600";

const fn route(
    path: PathMatch,
    methods: &'static str,
    credentials: bool,
    preflight: bool,
) -> CorsRoute {
    CorsRoute {
        path,
        methods,
        headers: DEFAULT_HEADERS,
        credentials,
        preflight,
    }
}

/// Read from each package's `init.go` at thunder-id/thunderid 4e69e01.
static ROUTES: &[CorsRoute] = &[
    route(PathMatch::Exact("/flow/execute"), "POST", true, true),
    route(PathMatch::Exact("/oauth2/token"), "POST", true, false),
    route(PathMatch::Exact("/oauth2/jwks"), "GET, OPTIONS", true, true),
    route(
        PathMatch::Exact("/oauth2/userinfo"),
        "GET, POST, OPTIONS",
        true,
        true,
    ),
    CorsRoute {
        path: PathMatch::Exact("/.well-known/openid-configuration"),
        methods: "GET, OPTIONS",
        headers: "Content-Type",
        credentials: false,
        preflight: true,
    },
    CorsRoute {
        path: PathMatch::Exact("/.well-known/oauth-authorization-server"),
        methods: "GET, OPTIONS",
        headers: "Content-Type",
        credentials: false,
        preflight: true,
    },
    route(PathMatch::Exact("/users"), "GET, POST", true, true),
    route(
        PathMatch::Prefix("/users/"),
        "GET, PUT, DELETE, POST",
        true,
        true,
    ),
];

fn find(path: &str) -> Option<&'static CorsRoute> {
    ROUTES.iter().find(|r| match r.path {
        PathMatch::Exact(p) => p == path,
        PathMatch::Prefix(p) => path.starts_with(p),
    })
}

/// Middleware applying [`ROUTES`].
pub async fn cors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(route) = find(request.uri().path()) else {
        return next.run(request).await;
    };
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let origin = single_origin(request.headers());
    let mut response = if request.method() == Method::OPTIONS && route.preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    match origin {
        Origin::None => {}
        Origin::Many => {
            headers.append(header::VARY, HeaderValue::from_static("Origin"));
        }
        Origin::One(origin) => {
            headers.append(header::VARY, HeaderValue::from_static("Origin"));
            if !is_allowed(&state, &origin) {
                return response;
            }
            if let Ok(value) = HeaderValue::from_str(&origin) {
                headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
            }
            if route.credentials {
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    HeaderValue::from_static("true"),
                );
            }
            if preflight {
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    HeaderValue::from_static(route.methods),
                );
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    HeaderValue::from_static(route.headers),
                );
                headers.insert(
                    header::ACCESS_CONTROL_MAX_AGE,
                    HeaderValue::from_static(MAX_AGE),
                );
            }
        }
    }
    response
}

enum Origin {
    None,
    Many,
    One(String),
}

/// The server refuses to evaluate several `Origin` headers, and ignores an empty one.
fn single_origin(headers: &HeaderMap) -> Origin {
    let mut values = headers.get_all(header::ORIGIN).iter();
    match (values.next(), values.next()) {
        (None, _) => Origin::None,
        (Some(_), Some(_)) => Origin::Many,
        (Some(value), None) => match value.to_str().map(str::trim) {
            Ok("") | Err(_) => Origin::None,
            Ok(origin) => Origin::One(origin.to_owned()),
        },
    }
}

fn is_allowed(state: &AppState, origin: &str) -> bool {
    let fixtures = state.fixtures();
    fixtures
        .server
        .cors
        .allowed_origins
        .iter()
        .any(|o| o == origin)
        || fixtures
            .applications
            .iter()
            .filter_map(|a| a.oauth.as_ref())
            .any(|o| o.allowed_origins.iter().any(|allowed| allowed == origin))
}
