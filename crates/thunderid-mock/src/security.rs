//! The security middleware, as the real server runs it before any route
//! (`backend/internal/system/security/`: `service.go` `Process`, `permissions.go`, `middleware.go`):
//!
//! 1. `OPTIONS` passes untouched (CORS preflights).
//! 2. A `Bearer` token is authenticated: any JWT this server signed (access token, ID token or
//!    flow assertion; neither `aud` nor `typ` is checked), `iss` the server issuer, the RS256
//!    signature, `exp` required (expired once `now >= exp + leeway`), `nbf` when present, and not
//!    revoked (its `jti` or its family's `tfid`). Permissions come from `scope` (space-separated),
//!    else a `scopes` array, else `authorized_permissions`.
//! 3. The caller must hold the permission the path needs ([`required_permission`]: the server's
//!    first-match table, `system` for anything not in it), matched hierarchically (`system` covers
//!    `system:ou:view`).
//! 4. On a public path ([`PUBLIC_PATHS`]) any failure is ignored; elsewhere no token is 401 AUTH-4010
//!    with a bare `Bearer` challenge, a bad one 401 AUTH-4010 with the `invalid_token` challenge, a
//!    missing permission 403 AUTH-4030. These answers carry no CORS headers (no route ran).
//!
//! Before all of this, the mock's control API (`/__mock/*`) refuses what a web page could send
//! ([`control_guard`]).
//!
//! The verified caller rides in the request's extensions as a [`Principal`], which handlers extract;
//! nothing decodes a token a second time. The mock's own routes (SCIM, the legacy organization
//! APIs, the control plane) take their access rule from the route table instead of the server's
//! table ([`SecurityLayer::mock_access`]), and `/t/carbon.super/…` is judged as the path without the
//! prefix.

use std::sync::LazyLock;

use axum::extract::{FromRequestParts, OptionalFromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use regex::Regex;
use serde_json::{Map, Value};

use crate::error::MockError;
use crate::state::AppState;

/// The root permission: holding it grants everything.
pub(crate) const ROOT: &str = "system";

/// `publicPaths`: reachable without a token.
pub(crate) const PUBLIC_PATHS: &[&str] = &[
    "/health/**",
    "/flow/execute/**",
    "/flow/meta",
    "/oauth2/**",
    "/openid4vp/request",
    "/openid4vp/response",
    "/openid4vp/initiate",
    "/openid4vp/status/**",
    "/openid4vci/offer",
    "/openid4vci/credential-offer/**",
    "/openid4vci/nonce",
    "/openid4vci/credential",
    "/.well-known/authzen-configuration",
    "/.well-known/openid-configuration/**",
    "/.well-known/openid-credential-issuer",
    "/.well-known/oauth-authorization-server/**",
    "/.well-known/oauth-protected-resource",
    "/gate/**",
    "/console/**",
    "/error/**",
    "/design/resolve/**",
    "/i18n/languages",
    "/i18n/languages/*/translations/resolve",
    "/i18n/languages/*/translations/ns/*/keys/*/resolve",
    "/mcp/**",
    "/auth/**",
    "/register/passkey/**",
    "/access/**",
];

/// `apiPermissionEntries`: the first entry matching `METHOD /path` names the permission; an empty
/// one means any authenticated caller.
const API_PERMISSIONS: &[(&str, &str)] = &[
    ("GET /users/me", ""),
    ("PUT /users/me", ""),
    ("GET /users/me/**", ""),
    ("PUT /users/me/**", ""),
    ("POST /users/me/update-credentials", ""),
    ("GET /register/passkey/**", ""),
    ("POST /register/passkey/**", ""),
    ("GET /organization-units/tree", "system:ou:view"),
    ("PUT /organization-units/tree", "system:ou"),
    ("DELETE /organization-units/tree", "system:ou"),
    ("GET /organization-units", "system:ou:view"),
    ("POST /organization-units", "system:ou"),
    ("GET /organization-units/**", "system:ou:view"),
    ("PUT /organization-units/**", "system:ou"),
    ("DELETE /organization-units/**", "system:ou"),
    ("GET /users", "system:user:view"),
    ("POST /users", "system:user"),
    ("GET /users/**", "system:user:view"),
    ("PUT /users/**", "system:user"),
    ("DELETE /users/**", "system:user"),
    ("GET /groups", "system:group:view"),
    ("POST /groups", "system:group"),
    ("GET /groups/**", "system:group:view"),
    ("POST /groups/**", "system:group"),
    ("PUT /groups/**", "system:group"),
    ("DELETE /groups/**", "system:group"),
    ("GET /user-types", "system:usertype:view"),
    ("POST /user-types", "system:usertype"),
    ("GET /user-types/**", "system:usertype:view"),
    ("PUT /user-types/**", "system:usertype"),
    ("DELETE /user-types/**", "system:usertype"),
    ("GET /agent-types", "system:agenttype:view"),
    ("POST /agent-types", "system:agenttype"),
    ("GET /agent-types/**", "system:agenttype:view"),
    ("PUT /agent-types/**", "system:agenttype"),
    ("DELETE /agent-types/**", "system:agenttype"),
    ("POST /import", ROOT),
    ("POST /import/delete", ROOT),
];

/// Longer paths are never public (`maxPublicPathLength`).
const MAX_PUBLIC_PATH_LENGTH: usize = 4096;

static PUBLIC: LazyLock<Vec<Regex>> =
    LazyLock::new(|| PUBLIC_PATHS.iter().map(|p| compile(p)).collect());
static PERMISSIONS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    API_PERMISSIONS
        .iter()
        .map(|(pattern, permission)| (compile(pattern), *permission))
        .collect()
});

/// `compilePathPattern`: `*` is one segment, a trailing `/**` zero or more.
fn compile(pattern: &str) -> Regex {
    let (base, recursive) = match pattern.strip_suffix("/**") {
        Some(base) => (base, true),
        None => (pattern, false),
    };
    let base = regex::escape(base).replace("\\*", "[^/]+");
    let suffix = if recursive { "(?:/.*)?" } else { "" };
    // The patterns are constants of this module, checked by a test.
    Regex::new(&format!("^{base}{suffix}$")).expect("a valid path pattern")
}

/// Who may call a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// No token needed; one that comes is still verified and handed on.
    Public,
    /// A valid token holding this permission (`""`: any valid token).
    Permission(&'static str),
    /// The route answers authentication failures itself (SCIM's own 401 body); a valid token is
    /// handed on.
    OwnRules,
}

/// The rule for `method path` on the real server: public, else the permission table.
pub(crate) fn server_access(method: &Method, path: &str) -> Access {
    if path.len() <= MAX_PUBLIC_PATH_LENGTH && PUBLIC.iter().any(|re| re.is_match(path)) {
        return Access::Public;
    }
    Access::Permission(required_permission(method, path))
}

/// `getRequiredPermissionForAPI`.
pub(crate) fn required_permission(method: &Method, path: &str) -> &'static str {
    let key = format!("{method} {path}");
    PERMISSIONS
        .iter()
        .find(|(re, _)| re.is_match(&key))
        .map_or(ROOT, |(_, permission)| permission)
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub(crate) struct Principal {
    /// The token's `sub`; empty when the token has none.
    pub subject: String,
    /// The permissions the token carries, in token order.
    pub permissions: Vec<String>,
    /// Every verified claim of the token.
    pub claims: Map<String, Value>,
}

impl Principal {
    /// `HasSufficientPermission`: the caller holds `required`, directly or through a parent (`system:ou`
    /// covers `system:ou:view`; `system` covers everything under it). An empty requirement is met by
    /// any caller.
    pub(crate) fn has_permission(&self, required: &str) -> bool {
        required.is_empty()
            || self.permissions.iter().any(|held| {
                held == required
                    || required
                        .strip_prefix(held.as_str())
                        .is_some_and(|rest| rest.starts_with(':'))
            })
    }

    /// A non-empty string claim of the token.
    pub(crate) fn claim(&self, name: &str) -> Option<&str> {
        self.claims
            .get(name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// A protected route's handler takes the caller the middleware verified.
impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = MockError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or(MockError::Unauthorized {
                invalid_token: false,
            })
    }
}

/// A public route's handler may take the caller, if a valid token came.
impl<S: Send + Sync> OptionalFromRequestParts<S> for Principal {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Principal>().cloned())
    }
}

/// The state of the middleware: the server state, and the route table's rules for the mock's own
/// paths (handed in, so this layer does not depend on the routes above it).
#[derive(Debug, Clone)]
pub(crate) struct SecurityLayer {
    pub state: AppState,
    pub mock_access: fn(&Method, &str) -> Option<Access>,
}

/// The middleware (module docs).
pub(crate) async fn security(
    State(layer): State<SecurityLayer>,
    mut request: Request,
    next: Next,
) -> Response {
    if layer.state.config().control_enabled
        && request.uri().path().starts_with(CONTROL_PREFIX)
        && !request.uri().path().starts_with(FAKE_IDP_PREFIX)
        && let Err(refusal) = control_guard(&layer.state, request.headers())
    {
        return refused(refusal);
    }
    if request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let path = without_tenant(request.uri().path());
    let access = (layer.mock_access)(request.method(), path)
        .unwrap_or_else(|| server_access(request.method(), path));
    match authenticate(&layer.state, request.headers()) {
        Ok(principal) => {
            let permitted = match access {
                Access::Permission(required) => principal.has_permission(required),
                Access::Public | Access::OwnRules => true,
            };
            if !permitted {
                return refused(MockError::Forbidden);
            }
            request.extensions_mut().insert(principal);
        }
        Err(error) => {
            if let Access::Permission(_) = access {
                return refused(error);
            }
        }
    }
    next.run(request).await
}

/// The control API's paths. The fake IdP under it is a browser's page, reached by navigation from
/// anywhere, so it is not guarded here (it redirects only to the gate, see `service::idp`).
const CONTROL_PREFIX: &str = "/__mock/";
const FAKE_IDP_PREFIX: &str = "/__mock/idp/";

/// The control API resets state, moves the clock and lists every request and message the mock saw
/// (passwords, secrets, OTPs). Test code calls it directly; no web page may: a request that a
/// browser marks as sent by another site (`Origin`, `Sec-Fetch-Site`) is refused, and so is any
/// `Host` but a loopback name, an IP address or the mock's own public host, which defeats DNS
/// rebinding (the page's origin is the attacker's name, so its `Host` is too).
pub(crate) fn control_guard(state: &AppState, headers: &HeaderMap) -> Result<(), MockError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let host = header("host").unwrap_or_default();
    if !host.is_empty() && !trusted_host(state, host) {
        return Err(MockError::ControlRefused(
            "the control API answers only requests to localhost, an IP address or the mock's own host",
        ));
    }
    if let Some(site) = header("sec-fetch-site")
        && site != "same-origin"
        && site != "none"
    {
        return Err(MockError::ControlRefused(
            "the control API answers no cross-site browser requests",
        ));
    }
    if let Some(origin) = header("origin") {
        let same = url::Url::parse(origin)
            .ok()
            .and_then(|o| {
                let authority = match o.port() {
                    Some(port) => format!("{}:{port}", o.host_str()?),
                    None => o.host_str()?.to_owned(),
                };
                Some(authority.eq_ignore_ascii_case(host))
            })
            .unwrap_or(false);
        if !same {
            return Err(MockError::ControlRefused(
                "the control API answers no cross-site browser requests",
            ));
        }
    }
    Ok(())
}

/// `localhost` (and `*.localhost`, which resolve to loopback), an IP literal, or the host of the
/// base URL or issuer (e.g. `--public-url http://mock:8090` in a compose network).
fn trusted_host(state: &AppState, host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => {
            return rest
                .split(']')
                .next()
                .is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok());
        }
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    }
    .to_ascii_lowercase();
    if name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<std::net::Ipv4Addr>().is_ok()
    {
        return true;
    }
    let config = state.config();
    [&config.base_url, &config.issuer].iter().any(|u| {
        url::Url::parse(u)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .is_some_and(|h| h == name)
    })
}

/// The security middleware answers before any route, so its answers carry no CORS headers.
fn refused(error: MockError) -> Response {
    let mut response = error.into_response();
    response.extensions_mut().insert(crate::cors::NoCors);
    response
}

/// The path without the WSO2-style super-tenant prefix (`/t/carbon.super`) or the
/// organization-qualified one (`/o`): the mock serves both as the path without them.
pub(crate) fn without_tenant(path: &str) -> &str {
    ["/t/carbon.super", "/o"]
        .iter()
        .find_map(|prefix| {
            path.strip_prefix(prefix)
                .filter(|rest| rest.starts_with('/'))
        })
        .unwrap_or(path)
}

/// The authentication step for one request.
pub(crate) fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Principal, MockError> {
    // Go's `Header.Get` reads the first value; the scheme is matched case-insensitively and must be
    // followed by a space, otherwise no authenticator claims the request (bare challenge).
    let value = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    let token = bearer_token(value).ok_or(MockError::Unauthorized {
        invalid_token: false,
    })?;
    let invalid = || MockError::Unauthorized {
        invalid_token: true,
    };
    if token.is_empty() {
        return Err(invalid());
    }
    let now = state.now();
    // `exp` is checked below with the real server's comparison; the signer checks signature, `iss`
    // and `nbf`.
    let verified = state
        .signer()
        .verify(token, now, false)
        .map_err(|_| invalid())?;
    let exp = verified
        .claims
        .get("exp")
        .and_then(Value::as_f64)
        .ok_or_else(invalid)?;
    let leeway = state.settings().jwt.leeway as f64;
    if now as f64 >= exp.trunc() + leeway {
        return Err(invalid());
    }
    let claims = verified.claims;
    // The revocation enforcer runs after authentication: a revoked token (by `jti`) or token family
    // (by `tfid`) is an invalid token, without saying why.
    let claim = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
    };
    let revoked = state.stores().oauth.read(|o| {
        o.is_revoked(claim("jti"), claim("tfid"), now)
            || o.is_subject_revoked(claim("sub"), claims.get("iat").and_then(Value::as_u64), now)
    });
    if revoked {
        return Err(invalid());
    }
    let subject = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Ok(Principal {
        subject,
        permissions: permissions(&claims),
        claims,
    })
}

/// The token after `Bearer ` (any case), trimmed; `None` when the header is not a Bearer header.
fn bearer_token(value: &[u8]) -> Option<&str> {
    const SCHEME: &[u8] = b"bearer ";
    let prefix = value.get(..SCHEME.len())?;
    if !prefix.eq_ignore_ascii_case(SCHEME) {
        return None;
    }
    // A header that is not visible ASCII cannot hold a JWT; treat it as an empty (invalid) token.
    Some(
        std::str::from_utf8(&value[SCHEME.len()..])
            .map(str::trim)
            .unwrap_or_default(),
    )
}

/// `extractScopes`: `scope` (space-separated) wins, then a `scopes` array, then
/// `authorized_permissions`.
fn permissions(claims: &Map<String, Value>) -> Vec<String> {
    let words = |text: &str| {
        text.split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    if let Some(scope) = claims
        .get("scope")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        return words(scope);
    }
    if let Some(scopes) = claims.get("scopes").and_then(Value::as_array) {
        return scopes
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
    }
    claims
        .get("authorized_permissions")
        .and_then(Value::as_str)
        .map(words)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(permissions: &[&str]) -> Principal {
        Principal {
            subject: "u".to_owned(),
            permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
            claims: Map::new(),
        }
    }

    #[test]
    fn permissions_match_hierarchically() {
        assert!(principal(&["system"]).has_permission("system:ou:view"));
        assert!(principal(&["system:ou"]).has_permission("system:ou:view"));
        assert!(principal(&["system:ou:view"]).has_permission("system:ou:view"));
        assert!(!principal(&["system:ou:view"]).has_permission("system:ou"));
        assert!(!principal(&["system:o"]).has_permission("system:ou"));
        assert!(!principal(&["openid", "profile"]).has_permission("system"));
        assert!(principal(&[]).has_permission(""));
    }

    #[test]
    fn the_scheme_is_case_insensitive_and_needs_a_space() {
        assert_eq!(bearer_token(b"Bearer abc"), Some("abc"));
        assert_eq!(bearer_token(b"bEaReR   abc  "), Some("abc"));
        assert_eq!(bearer_token(b"Bearer "), Some(""));
        assert_eq!(bearer_token(b"Bearer"), None);
        assert_eq!(bearer_token(b"Basic abc"), None);
        assert_eq!(bearer_token(b""), None);
    }

    #[test]
    fn scope_wins_over_scopes_and_authorized_permissions() {
        let claims = |v: Value| v.as_object().cloned().unwrap_or_default();
        let both = claims(serde_json::json!({"scope": "a b", "scopes": ["c"]}));
        assert_eq!(permissions(&both), ["a", "b"]);
        let array = claims(serde_json::json!({"scope": "", "scopes": ["c", 1, "d"]}));
        assert_eq!(permissions(&array), ["c", "d"]);
        let assertion = claims(serde_json::json!({"authorized_permissions": "system:ou system"}));
        assert_eq!(permissions(&assertion), ["system:ou", "system"]);
        assert!(permissions(&Map::new()).is_empty());
    }

    #[test]
    fn paths_are_judged_as_the_server_judges_them() {
        let get = Method::GET;
        assert_eq!(server_access(&get, "/oauth2/token"), Access::Public);
        assert_eq!(server_access(&get, "/oauth2"), Access::Public);
        assert_eq!(server_access(&get, "/flow/meta"), Access::Public);
        assert_eq!(
            server_access(&get, "/flow/meta/x"),
            Access::Permission(ROOT)
        );
        assert_eq!(server_access(&get, "/users/me"), Access::Permission(""));
        assert_eq!(
            server_access(&Method::DELETE, "/users/me"),
            Access::Permission("system:user")
        );
        assert_eq!(
            server_access(&get, "/organization-units/x/ous"),
            Access::Permission("system:ou:view")
        );
        assert_eq!(
            server_access(&get, "/i18n/languages/en/translations/resolve"),
            Access::Public
        );
        assert_eq!(
            server_access(&get, "/no/such/path"),
            Access::Permission(ROOT)
        );
        assert_eq!(without_tenant("/t/carbon.super/scim2/Me"), "/scim2/Me");
        assert_eq!(without_tenant("/t/carbon.superx/a"), "/t/carbon.superx/a");
    }
}
