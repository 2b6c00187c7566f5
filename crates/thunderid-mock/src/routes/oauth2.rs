//! The OAuth 2.0 / OIDC endpoints under `/oauth2/*` (contract §3, §5):
//!
//! * [`authorize`]: `GET /oauth2/authorize` (also `/t/{tenant}/…`) → the gate's sign-in page;
//! * [`callback`]: `POST /oauth2/auth/callback`, the gate's hand-back after the flow → a code;
//! * [`direct`]: the V1 app-native API, `response_mode=direct` and `POST /oauth2/authn`;
//! * [`token`]: `POST /oauth2/token` (also `/t/{tenant}/…`) with its grants in `token/`;
//! * [`introspect`], [`revoke`]: RFC 7662 / RFC 7009;
//! * [`userinfo`]: `GET|POST /oauth2/userinfo`;
//! * [`logout`]: `GET|POST /oauth2/logout` and `POST /oauth2/logout/callback`.
//!
//! Shared here: [`params`] (Go-exact query parsing and encoding), [`client_auth`] (the client
//! authentication matrix of the token, introspection and revocation endpoints), [`validate`] (is this
//! one of our live tokens?), and the redirects every endpoint builds.

use axum::Router;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use thunderid_protocol::OAuthErrorCode;

use crate::state::AppState;

mod authorize;
mod callback;
mod client_auth;
mod direct;
mod introspect;
mod logout;
mod params;
mod revoke;
mod token;
mod userinfo;
mod validate;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(authorize::routes())
        .merge(callback::routes())
        .merge(direct::routes())
        .merge(token::routes())
        .merge(introspect::routes())
        .merge(revoke::routes())
        .merge(userinfo::routes())
        .merge(logout::routes())
}

/// Where a refused authorization request (or callback) sends the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    /// The gate's error page, with `state` when the server adds it (callbacks only).
    Gate {
        error: OAuthErrorCode,
        message: String,
        state: String,
    },
    /// The client's verified redirect URI, with `iss` and `state`.
    Client {
        redirect_uri: String,
        error: OAuthErrorCode,
        message: String,
        state: String,
    },
}

impl Refusal {
    fn gate(error: OAuthErrorCode, message: impl Into<String>) -> Self {
        Self::Gate {
            error,
            message: message.into(),
            state: String::new(),
        }
    }

    fn client(
        redirect_uri: &str,
        error: OAuthErrorCode,
        message: impl Into<String>,
        state: &str,
    ) -> Self {
        Self::Client {
            redirect_uri: redirect_uri.to_owned(),
            error,
            message: message.into(),
            state: state.to_owned(),
        }
    }

    /// The URL the browser is sent to.
    fn location(&self, app_state: &AppState) -> String {
        match self {
            Self::Gate {
                error,
                message,
                state,
            } => gate_error_url(app_state, error.as_str(), message, state),
            Self::Client {
                redirect_uri,
                error,
                message,
                state,
            } => client_error_url(app_state, redirect_uri, error.as_str(), message, state),
        }
    }
}

/// `OPTIONS` on the routes where the real server registers it: 204 (CORS headers come from the
/// CORS layer).
async fn preflight() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// Go's `http.Redirect(w, r, url, 302)`: `Location`, and for GET/HEAD a small HTML body.
fn found(location: &str, method: &Method) -> Response {
    let Ok(value) = HeaderValue::from_str(location) else {
        // Every location we build is percent-encoded ASCII; anything else is a bug, not a client error.
        return crate::error::MockError::Internal(anyhow::anyhow!("unencodable redirect location"))
            .into_response();
    };
    let mut response = if *method == Method::GET || *method == Method::HEAD {
        let body = format!("<a href=\"{}\">Found</a>.\n\n", html_escape(location));
        let mut response = (StatusCode::FOUND, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        response
    } else {
        StatusCode::FOUND.into_response()
    };
    response.headers_mut().insert(header::LOCATION, value);
    response
}

/// Go's `htmlReplacer` (used by `http.Redirect`).
fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// The gate's error page: `{base}/gate/error?errorCode=…&errorMessage=…[&state=…]`.
fn gate_error_url(state: &AppState, code: &str, message: &str, request_state: &str) -> String {
    let mut query = vec![("errorCode", code), ("errorMessage", message)];
    if !request_state.is_empty() {
        query.push(("state", request_state));
    }
    params::with_query(&state.url("/gate/error"), &query)
}

/// An error sent back to the client: `<redirect_uri>?error=…&error_description=…&iss=…[&state=…]`.
fn client_error_url(
    state: &AppState,
    redirect_uri: &str,
    code: &str,
    description: &str,
    request_state: &str,
) -> String {
    let issuer = state.signer().issuer();
    let mut query = vec![
        ("error", code),
        ("error_description", description),
        ("iss", issuer),
    ];
    if !request_state.is_empty() {
        query.push(("state", request_state));
    }
    params::with_query(redirect_uri, &query)
}

/// `ValidateResourceURIs` over every `resource`: the first failure wins.
fn check_resources(resources: &[String]) -> Result<(), (OAuthErrorCode, &'static str)> {
    resources
        .iter()
        .try_for_each(|resource| check_resource(resource))
}

/// `ValidateResourceURIs`: absolute (has a scheme), no fragment.
fn check_resource(resource: &str) -> Result<(), (OAuthErrorCode, &'static str)> {
    let (rest, fragment) = resource.split_once('#').unwrap_or((resource, ""));
    let parses = !resource.bytes().any(|b| b < 0x20 || b == 0x7f)
        && params::query_unescape(fragment).is_some();
    if !parses || scheme(rest).is_none() {
        return Err((
            OAuthErrorCode::InvalidTarget,
            "Invalid resource parameter: must be an absolute URI",
        ));
    }
    if !fragment.is_empty() {
        return Err((
            OAuthErrorCode::InvalidTarget,
            "Invalid resource parameter: must not contain a fragment component",
        ));
    }
    Ok(())
}

/// Go's `getScheme`, lower-cased as `url.Parse` does: a letter, then letters, digits, `+-.`, then `:`.
fn scheme(uri: &str) -> Option<String> {
    let (candidate, _) = uri.split_once(':')?;
    let mut chars = candidate.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| candidate.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_must_be_absolute_without_a_fragment() {
        assert!(check_resource("https://api.example/x").is_ok());
        assert!(check_resource("urn:example:api").is_ok());
        assert_eq!(
            check_resource("/relative").unwrap_err().1,
            "Invalid resource parameter: must be an absolute URI"
        );
        assert_eq!(
            check_resource("https://api.example/#frag").unwrap_err().1,
            "Invalid resource parameter: must not contain a fragment component"
        );
    }

    #[test]
    fn redirects_carry_go_style_html_only_for_get() {
        let response = found("https://a.example/cb?x=1&y=2", &Method::GET);
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(
            response.headers()[header::LOCATION],
            "https://a.example/cb?x=1&y=2"
        );
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        let response = found("https://a.example/", &Method::POST);
        assert!(response.headers().get(header::CONTENT_TYPE).is_none());
    }
}
