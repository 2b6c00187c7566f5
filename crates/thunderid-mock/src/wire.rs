//! JSON bodies byte-for-byte as the real server writes them, and request strings as it cleans them.
//!
//! The server encodes with Go's `json.NewEncoder(w).Encode(v)`, which escapes `<`, `>`, `&`, U+2028
//! and U+2029 inside strings and ends the body with a newline. Clients that compare bodies byte for
//! byte (snapshot tests, signature checks over bodies) see the same bytes from the mock.

use axum::body::Bytes;
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
    let mut out = go_escape(json);
    out.push('\n');
    out.into_bytes()
}

/// serde's JSON with the characters Go escapes inside strings escaped as Go does.
fn go_escape(json: String) -> String {
    // Most bodies (tokens, assertions, ids) hold none of the characters Go escapes: keep them
    // as serde wrote them instead of copying every character. 0xE2 leads U+2028 and U+2029.
    if !json.bytes().any(|b| matches!(b, b'<' | b'>' | b'&' | 0xE2)) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
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
    out
}

/// A JSON array sent as Go's `json.Encoder` writes it, but encoded a chunk of items at a time
/// while the body is sent, so a large listing (the request journal) never sits in memory whole.
#[derive(Debug)]
pub(crate) struct GoJsonArray<T, G = ()> {
    items: std::vec::IntoIter<T>,
    /// Items written so far (a comma goes before every later one).
    written: usize,
    done: bool,
    /// Held until the body is sent or dropped (a permit bounding concurrent listings).
    _guard: G,
}

impl<T: Serialize, G> GoJsonArray<T, G> {
    /// A chunk ends at the first item boundary past this many bytes.
    const CHUNK: usize = 64 * 1024;

    pub(crate) fn new(items: Vec<T>, guard: G) -> Self {
        Self {
            items: items.into_iter(),
            written: 0,
            done: false,
            _guard: guard,
        }
    }

    /// The next piece of the body: `[` and items up to [`Self::CHUNK`] bytes, …, then `]` and
    /// the newline; `None` once all of it was sent.
    fn next_chunk(&mut self) -> Option<Bytes> {
        if self.done {
            return None;
        }
        let mut json = String::new();
        if self.written == 0 {
            json.push('[');
        }
        for item in self.items.by_ref() {
            if self.written > 0 {
                json.push(',');
            }
            self.written += 1;
            // Serializing our own plain-data types cannot fail.
            json.push_str(&serde_json::to_string(&item).expect("serializing a wire type"));
            if json.len() >= Self::CHUNK {
                return Some(Bytes::from(go_escape(json)));
            }
        }
        self.done = true;
        json.push_str("]\n");
        Some(Bytes::from(go_escape(json)))
    }
}

impl<T: Serialize + Unpin, G: Unpin> futures_core::Stream for GoJsonArray<T, G> {
    type Item = Result<Bytes, std::convert::Infallible>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Ready(self.get_mut().next_chunk().map(Ok))
    }
}

impl<T: Serialize + Unpin + Send + 'static, G: Unpin + Send + 'static> IntoResponse
    for GoJsonArray<T, G>
{
    fn into_response(self) -> Response {
        let mut response = axum::body::Body::from_stream(self).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}

/// A JSON value as Go's `json.Marshal` writes one it decoded into `interface{}`: object keys sorted,
/// every number a float64 (`1.0` is `1`, `1e21` is `1e+21`), `<`, `>`, `&` escaped, no newline.
/// For JSON the server re-encodes into token claims (the `claims` request).
pub(crate) fn go_marshal(value: &serde_json::Value) -> String {
    let bytes = encode(&go_numbers(value));
    let text = String::from_utf8_lossy(&bytes);
    text.trim_end_matches('\n').to_owned()
}

/// `value` with its numbers as Go writes a float64, and its keys sorted.
fn go_numbers(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(number) => match number.as_f64() {
            Some(float) => go_float(float)
                .parse::<serde_json::Number>()
                .map_or_else(|_| value.clone(), Value::Number),
            None => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(go_numbers).collect()),
        Value::Object(members) => {
            let sorted: std::collections::BTreeMap<&String, Value> =
                members.iter().map(|(k, v)| (k, go_numbers(v))).collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        other => other.clone(),
    }
}

/// `encoding/json`'s float64 encoder: shortest digits, exponent form below 1e-6 and from 1e21.
fn go_float(float: f64) -> String {
    let magnitude = float.abs();
    if magnitude != 0.0 && !(1e-6..1e21).contains(&magnitude) {
        let text = format!("{float:e}");
        return match text.split_once('e') {
            Some((mantissa, exponent)) if !exponent.starts_with('-') => {
                format!("{mantissa}e+{exponent}")
            }
            _ => text,
        };
    }
    if float.fract() == 0.0 {
        format!("{float:.0}")
    } else {
        format!("{float}")
    }
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

/// [`sanitize`], then, when `escape_html`, Go's `html.EscapeString` (`&`, `<`, `>`, `'`, `"`): the
/// sanitizer of the v1.0.x line, which main dropped (068e7220f).
pub(crate) fn sanitize_escaping(value: &str, escape_html: bool) -> String {
    let clean = sanitize(value);
    if !escape_html {
        return clean;
    }
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            '"' => out.push_str("&#34;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The streamed array is byte for byte what [`encode`] writes for the whole list, whether it
    /// is empty, fits one chunk or spans many (with escaped characters across them).
    #[test]
    fn a_streamed_array_is_the_encoded_list() {
        let item = |i: usize| json!({"n": i, "body": format!("<{}&>", "x".repeat(i * 700))});
        for len in [0, 1, 3, 400] {
            let items: Vec<_> = (0..len).map(item).collect();
            let mut stream = GoJsonArray::new(items.clone(), ());
            let mut sent = Vec::new();
            let mut chunks = 0;
            while let Some(chunk) = stream.next_chunk() {
                sent.extend_from_slice(&chunk);
                chunks += 1;
            }
            assert_eq!(
                String::from_utf8(sent).unwrap(),
                String::from_utf8(encode(&items)).unwrap()
            );
            assert!(len < 400 || chunks > 10, "{chunks} chunks for {len} items");
        }
    }

    #[test]
    fn marshals_decoded_json_like_go() {
        let value = json!({"b": [1.0, 2.5, 1e21, 0.0000001, -3], "a": "<&>"});
        assert_eq!(
            go_marshal(&value),
            r#"{"a":"\u003c\u0026\u003e","b":[1,2.5,1e+21,1e-7,-3]}"#
        );
    }

    #[test]
    fn the_v1_0_sanitizer_escapes_html_after_cleaning() {
        assert_eq!(
            sanitize_escaping(" O'Brien <&> \"x\"\u{7} ", false),
            "O'Brien <&> \"x\""
        );
        assert_eq!(
            sanitize_escaping(" O'Brien <&> \"x\"\u{7} ", true),
            "O&#39;Brien &lt;&amp;&gt; &#34;x&#34;"
        );
    }

    #[test]
    fn encodes_like_go() {
        let body = encode(&json!({"redirect_uri": "https://a/cb?code=x&state=<s>"}));
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "{\"redirect_uri\":\"https://a/cb?code=x\\u0026state=\\u003cs\\u003e\"}\n"
        );
    }
}
