//! Query strings and form bodies exactly as Go's `net/url` reads and writes them, because the server's
//! validation order and its redirects depend on those details:
//!
//! * [`parse_query`] is `url.ParseQuery`: `&`-separated, `+` is a space, a pair with a bad `%` escape
//!   or a `;` is skipped and reported, empty keys are skipped.
//! * [`encode`] is `url.Values.Encode`: keys sorted, `QueryEscape` on names and values.
//! * [`with_query`] is the server's `GetURIWithQueryParams`: the URI's own query merged with the new
//!   parameters and re-encoded sorted.
//! * [`GoUrl::parse`] is `url.Parse`, as far as the registration checks read it.

/// Decoded `(name, value)` pairs in arrival order, read the way `r.FormValue` / `r.Form[...]` read.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormParams {
    pairs: Vec<(String, String)>,
    /// Some pair did not decode: the error `r.ParseForm()` returns.
    malformed: bool,
}

impl FormParams {
    /// The parameters of a request: the form body (only for `application/x-www-form-urlencoded`, as
    /// Go's `ParseForm`), then the URL query, exactly the order of Go's `r.Form`. Malformed pairs are
    /// dropped, as `r.FormValue` silently does.
    pub(crate) fn from_request(form_body: bool, query: Option<&str>, body: &[u8]) -> Self {
        let mut pairs = Vec::new();
        let mut malformed = false;
        if form_body {
            let (body_pairs, bad) = parse_query(&String::from_utf8_lossy(body));
            pairs.extend(body_pairs);
            malformed |= bad;
        }
        if let Some(query) = query {
            let (query_pairs, bad) = parse_query(query);
            pairs.extend(query_pairs);
            malformed |= bad;
        }
        Self { pairs, malformed }
    }

    /// Only the form body (`r.PostForm`): the parameters PAR reads.
    pub(crate) fn body_only(form_body: bool, body: &[u8]) -> Self {
        Self::from_request(form_body, None, body)
    }

    /// `r.ParseForm()` failed: a pair of the body or the query did not decode.
    pub(crate) fn malformed(&self) -> bool {
        self.malformed
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

/// The parts of a URL Go's `url.Parse` yields that the checks read; `None` where it errors.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct GoUrl {
    pub(crate) scheme: String,
    pub(crate) host: String,
    pub(crate) path: String,
    pub(crate) raw_query: String,
    pub(crate) fragment: String,
}

impl GoUrl {
    /// `url.Parse`: lower-cased scheme, host (port digits only), unescaped path and fragment.
    pub(crate) fn parse(raw: &str) -> Option<Self> {
        if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
            return None;
        }
        let (rest, fragment) = raw.split_once('#').unwrap_or((raw, ""));
        let mut url = Self {
            fragment: path_unescape(fragment)?,
            ..Self::default()
        };
        let (scheme, rest) = match split_scheme(rest)? {
            Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
            None => (String::new(), rest),
        };
        url.scheme = scheme;
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        url.raw_query = query.to_owned();
        if !url.scheme.is_empty() && !rest.starts_with('/') {
            // Opaque (`mailto:x`): no host, no path.
            return Some(url);
        }
        if url.scheme.is_empty() && rest.split('/').next().is_some_and(|s| s.contains(':')) {
            return None;
        }
        let path = match rest.strip_prefix("//") {
            Some(authority_and_path) => {
                let split = authority_and_path
                    .find('/')
                    .unwrap_or(authority_and_path.len());
                let (authority, path) = authority_and_path.split_at(split);
                let host = authority
                    .rsplit_once('@')
                    .map_or(authority, |(_, host)| host);
                url.host = parse_host(host)?;
                path
            }
            None => rest,
        };
        url.path = path_unescape(path)?;
        Some(url)
    }
}

/// `getScheme`: `Some(None)` without a scheme, `None` for `:` first (missing protocol scheme).
fn split_scheme(raw: &str) -> Option<Option<(&str, &str)>> {
    for (i, c) in raw.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return None,
            ':' => return Some(Some((&raw[..i], &raw[i + 1..]))),
            _ => return Some(None),
        }
    }
    Some(None)
}

/// A host with an optional port of digits (IPv6 in brackets kept as is).
fn parse_host(host: &str) -> Option<String> {
    let port_start = match host.rfind(']') {
        Some(bracket) => host[bracket..].find(':').map(|i| bracket + i),
        None => host.rfind(':'),
    };
    if let Some(colon) = port_start
        && !host[colon + 1..].bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    path_unescape(host)
}

/// `%XX` decoding (a `+` stays); a bad escape is an error.
fn path_unescape(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
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
