//! CORS as the real server does it (`backend/internal/system/middleware/cors.go`): options are per
//! route, the allowed origins are server-wide (`server.json` `cors.allowedOrigins`, plus each app's
//! `oauth.allowedOrigins`).
//!
//! * The server wraps each `(method, path)` handler it registers with `middleware.WithCORS`, so CORS
//!   headers appear only when such a handler runs: a method the path does not register (the mux's
//!   405) gets none, and neither does a 401/403 from the security middleware, which answers before
//!   any route runs ([`NoCors`]). Routes without a policy (such as `GET /oauth2/authorize`) get none.
//!   Each route's [`Cors`] policy is in the route table (`routes::table`), read from each package's
//!   `init.go` at thunder-id/thunderid 4e69e01.
//! * With one non-empty `Origin` header the response carries `Vary: Origin`; when the origin is
//!   allowed (compared after canonicalisation: scheme and host lower-cased, trailing dot dropped) it is
//!   echoed verbatim in `Access-Control-Allow-Origin`, with `Access-Control-Allow-Credentials: true`
//!   on most routes. Several `Origin` headers get `Vary: Origin` and nothing else.
//! * A preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin adds the
//!   route's `Access-Control-Allow-Methods`, `Access-Control-Allow-Headers` (`Content-Type,
//!   Authorization` by default; `Flow-Secret`, `Attestation-Token` and `DPoP` are never allowed) and
//!   `Access-Control-Max-Age: 600`. Routes that register `OPTIONS` answer it with an empty 204.
//! * The mock's WSO2 Identity Server aliases (`/t/carbon.super/…`, `/oauth2/token/.well-known/…`,
//!   `/scim2/*`) have policies of their own, marked in the table.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::store::Stores;
use crate::store::registry::Registry;

/// Response extension: the response was written before any route's CORS wrapper (the security
/// middleware's AUTH-4010/AUTH-4030), so it carries no CORS headers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NoCors;

/// The CORS options of one path, as registered with `middleware.WithCORS` on the real server.
#[derive(Debug)]
pub(crate) struct Cors {
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

/// `middleware.DefaultAllowedHeaders`.
const DEFAULT_HEADERS: &str = "Content-Type, Authorization";
/// Every route registers `MaxAge: 600`.
const MAX_AGE: &str = "600";

impl Cors {
    /// A route's policy: the registered methods and the preflight's `Access-Control-Allow-Methods`,
    /// with the default headers and credentials.
    pub(crate) const fn new(handles: &'static [&'static str], allow_methods: &'static str) -> Self {
        Self {
            handles,
            allow_methods,
            allow_headers: DEFAULT_HEADERS,
            credentials: true,
        }
    }

    /// [`Cors::new`] without `Access-Control-Allow-Credentials` (AuthZEN's discovery document).
    pub(crate) const fn without_credentials(
        handles: &'static [&'static str],
        allow_methods: &'static str,
    ) -> Self {
        Self {
            handles,
            allow_methods,
            allow_headers: DEFAULT_HEADERS,
            credentials: false,
        }
    }

    /// The discovery documents: `Content-Type` only, no credentials (`O2/discovery/init.go`).
    pub(crate) const DISCOVERY: Self = Self {
        handles: &["GET", "OPTIONS"],
        allow_methods: "GET, OPTIONS",
        allow_headers: "Content-Type",
        credentials: false,
    };

    /// Whether this route registers `method` with `WithCORS` (Go's `ServeMux` lets `GET` serve `HEAD`).
    fn handles(&self, method: &Method) -> bool {
        let method = if method == Method::HEAD {
            "GET"
        } else {
            method.as_str()
        };
        self.handles.contains(&method)
    }
}

/// Where the allowed origins come from: `server.json`'s `cors.allowedOrigins`, and each
/// application's `oauth.allowedOrigins` in the current configuration.
#[derive(Debug, Clone)]
pub(crate) struct AllowedOrigins {
    pub configured: Arc<[String]>,
    pub registry: Arc<dyn RegistrySource>,
}

/// The current configuration, for [`AllowedOrigins`].
pub(crate) trait RegistrySource: std::fmt::Debug + Send + Sync {
    fn current(&self) -> Arc<Registry>;
}

impl RegistrySource for Stores {
    fn current(&self) -> Arc<Registry> {
        self.registry.current()
    }
}

/// The state of one route's CORS layer: its policy and the origins.
#[derive(Debug, Clone)]
pub(crate) struct CorsLayer {
    pub policy: &'static Cors,
    pub origins: AllowedOrigins,
}

/// Middleware applying one route's policy.
pub(crate) async fn cors(State(layer): State<CorsLayer>, request: Request, next: Next) -> Response {
    let route = layer.policy;
    if !route.handles(request.method()) {
        return next.run(request).await;
    }
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
            if !is_allowed(&layer.origins, &key) {
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

fn is_allowed(origins: &AllowedOrigins, origin: &OriginKey) -> bool {
    let matches = |allowed: &String| canonical_origin(allowed.trim()).as_ref() == Some(origin);
    if origins.configured.iter().any(matches) {
        return true;
    }
    let registry = origins.registry.current();
    let app_allowed = registry
        .applications()
        .filter_map(|a| a.oauth.as_ref())
        .flat_map(|o| &o.allowed_origins)
        .any(matches);
    // The `cors` server-config section: literal origins and `{"regex": …}` patterns (matched
    // against the origin in its canonical form).
    app_allowed
        || registry
            .server_config
            .cors_entries()
            .iter()
            .any(|entry| match entry {
                serde_json::Value::String(literal) => matches(literal),
                other => other
                    .get("regex")
                    .and_then(serde_json::Value::as_str)
                    .and_then(|pattern| regex::Regex::new(pattern).ok())
                    .zip(match origin {
                        OriginKey::Canonical(text) => Some(text.as_str()),
                        OriginKey::Null => Some("null"),
                    })
                    .is_some_and(|(re, text)| re.is_match(text)),
            })
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
}
