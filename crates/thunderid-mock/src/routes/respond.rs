//! Response helpers the route modules share: Go's redirects and HTML pages.

use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Go's `http.Redirect(w, r, url, 302)`: `Location`, and for GET/HEAD a small HTML body.
pub(crate) fn found(location: &str, method: &Method) -> Response {
    if *method != Method::GET && *method != Method::HEAD {
        return found_plain(location);
    }
    let body = format!("<a href=\"{}\">Found</a>.\n\n", html_escape(location));
    let mut response = (StatusCode::FOUND, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    with_location(response, location)
}

/// A 302 without a body (the gate's and the fake IdP's redirects).
pub(crate) fn found_plain(location: &str) -> Response {
    with_location(StatusCode::FOUND.into_response(), location)
}

fn with_location(mut response: Response, location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => {
            response.headers_mut().insert(header::LOCATION, value);
            response
        }
        // Every location we build is percent-encoded ASCII; anything else is a bug, not a client
        // error.
        Err(_) => {
            crate::error::MockError::Internal(anyhow::anyhow!("unencodable redirect location"))
                .into_response()
        }
    }
}

/// An HTML page.
pub(crate) fn html_response(body: String) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
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

#[cfg(test)]
mod tests {
    use super::*;

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
