//! JSON bodies byte-for-byte as the real server writes them, and request strings as it cleans them.
//!
//! The server encodes with Go's `json.NewEncoder(w).Encode(v)`, which escapes `<`, `>`, `&`, U+2028
//! and U+2029 inside strings and ends the body with a newline. Clients that compare bodies byte for
//! byte (snapshot tests, signature checks over bodies) see the same bytes from the mock.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A JSON response body encoded the way Go's `json.Encoder` encodes it.
#[derive(Debug)]
pub struct GoJson<T>(pub T);

/// Status 200; wrap in `(status, GoJson(body))` for another status.
impl<T: Serialize> IntoResponse for GoJson<T> {
    fn into_response(self) -> Response {
        let mut response = self.to_bytes().into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}

impl<T: Serialize> GoJson<T> {
    /// The encoded bytes, newline included.
    pub fn to_bytes(&self) -> Vec<u8> {
        encode(&self.0)
    }
}

/// Encode `value` as Go's `json.Encoder` would.
pub fn encode(value: &impl Serialize) -> Vec<u8> {
    // Serializing our own plain-data types cannot fail.
    let json = serde_json::to_string(value).expect("serializing a wire type cannot fail");
    let mut out = String::with_capacity(json.len() + 1);
    // The escaped characters can only occur inside JSON strings, so a plain scan is exact.
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('\n');
    out.into_bytes()
}

/// Go's `json.NewDecoder(body).Decode(&v)`, as every real handler reads its body: the first JSON
/// value; anything after it is ignored. `None` when there is no value or it does not fit `T`.
pub fn decode_first_json<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::Deserializer::from_slice(body)
        .into_iter::<T>()
        .next()?
        .ok()
}

/// The server's `utils.SanitizeString` for request strings: trim whitespace and drop control
/// characters other than newline and tab.
pub(crate) fn sanitize(value: &str) -> String {
    value
        .trim()
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn encodes_like_go() {
        let body = encode(&json!({"redirect_uri": "https://a/cb?code=x&state=<s>"}));
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "{\"redirect_uri\":\"https://a/cb?code=x\\u0026state=\\u003cs\\u003e\"}\n"
        );
    }
}
