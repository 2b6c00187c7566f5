//! Query strings and form bodies exactly as Go's `net/url` reads and writes them, because the server's
//! validation order and its redirects depend on those details:
//!
//! * [`parse_query`] is `url.ParseQuery`: `&`-separated, `+` is a space, a pair with a bad `%` escape
//!   or a `;` is skipped and reported, empty keys are skipped.
//! * [`encode`] is `url.Values.Encode`: keys sorted, `QueryEscape` on names and values.
//! * [`with_query`] is the server's `GetURIWithQueryParams`: the URI's own query merged with the new
//!   parameters and re-encoded sorted.

/// Decoded `(name, value)` pairs in arrival order, read the way `r.FormValue` / `r.Form[...]` read.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormParams {
    pairs: Vec<(String, String)>,
}

impl FormParams {
    /// The parameters of a request: the form body (only for `application/x-www-form-urlencoded`, as
    /// Go's `ParseForm`), then the URL query, exactly the order of Go's `r.Form`. Malformed pairs are
    /// dropped, as `r.FormValue` silently does.
    pub(crate) fn from_request(form_body: bool, query: Option<&str>, body: &[u8]) -> Self {
        let mut pairs = Vec::new();
        if form_body {
            pairs.extend(parse_query(&String::from_utf8_lossy(body)).0);
        }
        if let Some(query) = query {
            pairs.extend(parse_query(query).0);
        }
        Self { pairs }
    }

    /// The first value of `name`, or `""` when absent (`r.FormValue`).
    pub(crate) fn value(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

/// `url.ParseQuery`: the pairs that decode, and whether any did not (the error `ParseForm` returns).
pub(crate) fn parse_query(raw: &str) -> (Vec<(String, String)>, bool) {
    let mut pairs = Vec::new();
    let mut malformed = false;
    for segment in raw.split('&') {
        if segment.contains(';') {
            malformed = true;
            continue;
        }
        if segment.is_empty() {
            continue;
        }
        let (key, value) = segment.split_once('=').unwrap_or((segment, ""));
        match (query_unescape(key), query_unescape(value)) {
            (Some(key), Some(value)) => pairs.push((key, value)),
            _ => malformed = true,
        }
    }
    (pairs, malformed)
}

/// `url.QueryUnescape`: `+` is a space, `%XX` a byte; a bad escape is an error.
pub(crate) fn query_unescape(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hi = bytes.get(i + 1).and_then(|b| (*b as char).to_digit(16))?;
                let lo = bytes.get(i + 2).and_then(|b| (*b as char).to_digit(16))?;
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// `url.QueryEscape`: unreserved characters stay, a space becomes `+`, everything else `%XX`.
pub(crate) fn query_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `url.Values.Encode`: sorted by name (values of one name keep their order).
pub(crate) fn encode(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", query_escape(k), query_escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `uri` with `params` added to its query, the whole query re-encoded sorted (`GetURIWithQueryParams`).
pub(crate) fn with_query(uri: &str, params: &[(&str, &str)]) -> String {
    let (without_fragment, fragment) = match uri.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (uri, None),
    };
    let (base, query) = without_fragment
        .split_once('?')
        .unwrap_or((without_fragment, ""));
    let mut pairs = parse_query(query).0;
    pairs.extend(
        params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    let mut out = base.to_owned();
    if !pairs.is_empty() {
        out.push('?');
        out.push_str(&encode(&pairs));
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_go_parse_query() {
        let (pairs, malformed) = parse_query("a=1&b=x+y%21&&c&=z&d=%zz&e;f=2&a=3");
        let expected: Vec<(String, String)> =
            [("a", "1"), ("b", "x y!"), ("c", ""), ("", "z"), ("a", "3")]
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
        assert_eq!(pairs, expected);
        assert!(malformed);
        assert!(!parse_query("a=1&b=2").1);
    }

    #[test]
    fn encodes_sorted_with_query_escape() {
        let uri = with_query(
            "http://localhost:3000/cb?z=1",
            &[("state", "a b&c"), ("code", "x~_-.")],
        );
        assert_eq!(uri, "http://localhost:3000/cb?code=x~_-.&state=a+b%26c&z=1");
        assert_eq!(with_query("https://a/cb", &[]), "https://a/cb");
        assert_eq!(
            with_query("https://a/cb#f", &[("k", "/")]),
            "https://a/cb?k=%2F#f"
        );
    }
}
