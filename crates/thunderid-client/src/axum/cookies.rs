//! Reading the `Cookie` header and writing `Set-Cookie` values. The values this module writes are
//! base64url tokens and JWTs, which need no quoting.

use ::axum::http::HeaderMap;
use ::axum::http::header::COOKIE;

/// The value of cookie `name` in the request (the first one, across every `Cookie` header).
pub(crate) fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"').to_owned())
        .filter(|value| !value.is_empty())
}

/// `name=value` for the whole site, out of reach of scripts and of cross-site subrequests.
pub(crate) fn set(name: &str, value: &str, max_age: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

/// Deletes cookie `name` (set with [`set`]).
pub(crate) fn clear(name: &str, secure: bool) -> String {
    set(name, "", 0, secure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::axum::http::HeaderValue;

    #[test]
    fn a_cookie_is_found_among_others_and_across_headers() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=1; b=2"));
        headers.append(COOKIE, HeaderValue::from_static("session=tok.en.sig"));
        assert_eq!(get(&headers, "b").as_deref(), Some("2"));
        assert_eq!(get(&headers, "session").as_deref(), Some("tok.en.sig"));
        assert_eq!(get(&headers, "c"), None);
    }

    #[test]
    fn an_empty_cookie_reads_as_absent() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("session="));
        assert_eq!(get(&headers, "session"), None);
    }

    #[test]
    fn set_cookie_values_are_http_only_and_same_site_lax() {
        assert_eq!(
            set("s", "v", 60, false),
            "s=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax"
        );
        assert_eq!(
            clear("s", true),
            "s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure"
        );
    }
}
