//! Helpers shared by the flow tests: the bundled applications, `/flow/execute` calls, shape checks
//! and redaction of generated values, and assertion verification with the server's signer.

#![allow(dead_code)]

use reqwest::StatusCode;
use serde_json::{Map, Value, json};

use crate::support::{Reply, TestServer};

/// `sample-spa`: browser, public client.
pub const SPA: &str = "01900000-0000-7000-8000-0000000000a1";
/// `sample-web`: fullstack, confidential, authorization_code.
pub const WEB: &str = "01900000-0000-7000-8000-0000000000a2";
/// `sample-native`: custom, no OAuth profile, Flow-Secret; registration and recovery enabled.
pub const NATIVE: &str = "01900000-0000-7000-8000-0000000000a3";
/// `sample-m2m`.
pub const M2M: &str = "01900000-0000-7000-8000-0000000000a4";
/// `sample-mfa`: browser, `sms-otp-flow`.
pub const MFA: &str = "01900000-0000-7000-8000-0000000000a5";
/// `sample-social`: browser, `multi-option-flow`.
pub const SOCIAL: &str = "01900000-0000-7000-8000-0000000000a6";
pub const NATIVE_SECRET: &str = "sample-native-flow-secret";
pub const THOR_ID: &str = "01900000-0000-7000-8000-000000000101";

/// `POST /flow/execute` with a JSON body and optional `Flow-Secret`.
pub async fn execute(t: &TestServer, body: &Value, flow_secret: Option<&str>) -> Reply {
    let mut request = t.client.post(t.url("/flow/execute")).json(body);
    if let Some(secret) = flow_secret {
        request = request.header("Flow-Secret", secret);
    }
    t.send(request).await
}

/// Start a flow for `sample-native` (with its Flow-Secret) and return the 200 body.
pub async fn start_native(t: &TestServer, flow_type: &str, extra: Value) -> Value {
    let mut body = json!({"applicationId": NATIVE, "flowType": flow_type});
    merge(&mut body, extra);
    let reply = execute(t, &body, Some(NATIVE_SECRET)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

/// Continue an execution with the token of `previous`, an action and inputs.
pub async fn step(t: &TestServer, previous: &Value, action: Option<&str>, inputs: Value) -> Value {
    let mut body = json!({
        "executionId": previous["executionId"],
        "challengeToken": previous["challengeToken"],
        "inputs": inputs,
    });
    if let Some(action) = action {
        body["action"] = json!(action);
    }
    let reply = execute(t, &body, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

fn merge(target: &mut Value, extra: Value) {
    if let (Some(target), Value::Object(extra)) = (target.as_object_mut(), extra) {
        target.extend(extra);
    }
}

/// Assert a string is a UUIDv7.
#[track_caller]
pub fn assert_uuid_v7(value: &str) {
    let parts: Vec<&str> = value.split('-').collect();
    let lengths: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    assert_eq!(lengths, [8, 4, 4, 4, 12], "not a UUID: {value}");
    assert!(
        value.chars().all(|c| c == '-' || c.is_ascii_hexdigit()),
        "not a UUID: {value}"
    );
    assert!(parts[2].starts_with('7'), "not a version 7 UUID: {value}");
    assert!(
        matches!(parts[3].chars().next(), Some('8' | '9' | 'a' | 'b')),
        "wrong UUID variant: {value}"
    );
}

/// Assert a string is a 64-character lowercase hex challenge token.
#[track_caller]
pub fn assert_challenge_token(value: &str) {
    assert_eq!(value.len(), 64, "challenge token length: {value}");
    assert!(
        value
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
        "not hex: {value}"
    );
}

/// Assert a string is a compact JWS (three base64url segments).
#[track_caller]
pub fn assert_jws(value: &str) {
    let parts: Vec<&str> = value.split('.').collect();
    assert_eq!(parts.len(), 3, "not a JWS: {value}");
    assert!(
        parts.iter().all(|p| !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')),
        "not base64url: {value}"
    );
}

/// The body with generated values checked for shape and replaced by placeholders:
/// `executionId` → `[execution-id]`, `challengeToken` → `[challenge]`, `assertion` and
/// `errorAssertion` → `[jwt]`.
#[track_caller]
pub fn redacted(body: &Value) -> Value {
    let mut body = body.clone();
    if let Some(object) = body.as_object_mut() {
        for (key, placeholder) in [
            ("executionId", "[execution-id]"),
            ("challengeToken", "[challenge]"),
            ("assertion", "[jwt]"),
            ("errorAssertion", "[jwt]"),
        ] {
            if let Some(value) = object.get(key).and_then(Value::as_str) {
                match key {
                    "executionId" => assert_uuid_v7(value),
                    "challengeToken" => assert_challenge_token(value),
                    _ => assert_jws(value),
                }
                object.insert(key.to_owned(), json!(placeholder));
            }
        }
    }
    body
}

/// Verify a flow assertion with the server's signer (signature, issuer, expiry) and return its
/// claims, with `jti` checked as a UUIDv7 and replaced by `[jti]`, and `iss` checked against the
/// server and replaced by `[issuer]`.
#[track_caller]
pub fn verify_assertion(t: &TestServer, token: &str) -> Map<String, Value> {
    let verified = t.server.verify(token).expect("the assertion verifies");
    assert_eq!(verified.typ.as_deref(), Some("JWT"));
    let header = decode_header(token);
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["kid"], json!(t.server.key_id()));
    let mut claims = verified.claims;
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .expect("a jti")
        .to_owned();
    assert_uuid_v7(&jti);
    claims.insert("jti".to_owned(), json!("[jti]"));
    // The issuer is the server's base URL, whose port changes from run to run.
    assert_eq!(
        claims.get("iss").and_then(Value::as_str),
        Some(t.server.issuer())
    );
    claims.insert("iss".to_owned(), json!("[issuer]"));
    claims
}

fn decode_header(token: &str) -> Value {
    use base64::Engine;
    let segment = token.split('.').next().unwrap_or_default();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment)
        .expect("base64url header");
    serde_json::from_slice(&bytes).expect("a JSON header")
}

/// The messages in the outbox for `recipient`.
pub async fn outbox(t: &TestServer, recipient: &str) -> Vec<Value> {
    let query = serde_urlencoded::to_string([("recipient", recipient)]).unwrap_or_default();
    let reply = t.get(&format!("/__mock/outbox?{query}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json().as_array().cloned().unwrap_or_default()
}

/// The `code` of the last outbox message for `recipient`.
pub async fn last_code(t: &TestServer, recipient: &str) -> String {
    let messages = outbox(t, recipient).await;
    let last = messages
        .last()
        .unwrap_or_else(|| panic!("no message for {recipient}"));
    last["code"].as_str().expect("a code").to_owned()
}

/// A gate page's form, as a plain HTTP client reads it.
#[derive(Debug, Clone, Default)]
pub struct GateForm {
    /// Where the form posts.
    pub action: String,
    /// Hidden fields, in page order.
    pub hidden: Vec<(String, String)>,
    /// The names of the visible fields.
    pub fields: Vec<String>,
    /// Submit buttons: (action ref, label).
    pub buttons: Vec<(String, String)>,
}

impl GateForm {
    /// Parse a gate page: the main form's action, hidden fields and visible fields, and every
    /// submit button of the page in document order (the buttons of the second form carry the same
    /// hidden fields, so submitting them through [`GateForm::submit`] is equivalent).
    pub fn parse(html: &str) -> Self {
        let attr = |tag: &str, name: &str| {
            regex::Regex::new(&format!(r#"\b{name}="([^"]*)""#))
                .ok()
                .and_then(|re| re.captures(tag).map(|c| c[1].to_owned()))
                .map(|v| unescape(&v))
        };
        let mut form = GateForm::default();
        let main = regex::Regex::new(r"(?s)<form[^>]*>.*?</form>")
            .ok()
            .and_then(|re| re.find(html))
            .map_or("", |m| m.as_str());
        if let Some(open) = regex::Regex::new(r"<form[^>]*>")
            .ok()
            .and_then(|re| re.find(main))
        {
            form.action = attr(open.as_str(), "action").unwrap_or_default();
        }
        let inputs = regex::Regex::new(r"<(input|select)[^>]*>").expect("a valid pattern");
        for tag in inputs.find_iter(main).map(|m| m.as_str()) {
            let name = attr(tag, "name").unwrap_or_default();
            if tag.contains(r#"type="hidden""#) {
                form.hidden
                    .push((name, attr(tag, "value").unwrap_or_default()));
            } else {
                form.fields.push(name);
            }
        }
        let buttons = regex::Regex::new(r"<button[^>]*>([^<]*)</button>").expect("a valid pattern");
        for captures in buttons.captures_iter(html) {
            let value = attr(&captures[0], "value").unwrap_or_default();
            form.buttons.push((value, unescape(&captures[1])));
        }
        form
    }

    /// The action ref of the button labelled `label`.
    #[track_caller]
    pub fn button(&self, label: &str) -> String {
        self.buttons
            .iter()
            .find(|(_, l)| l == label)
            .map(|(v, _)| v.clone())
            .unwrap_or_else(|| panic!("no button {label:?} in {:?}", self.buttons))
    }

    /// Submit with `action` and the given field values, as a browser would.
    pub async fn submit(&self, t: &TestServer, action: &str, values: &[(&str, &str)]) -> Reply {
        let mut fields: Vec<(String, String)> = self.hidden.clone();
        for (name, value) in values {
            fields.push(((*name).to_owned(), (*value).to_owned()));
        }
        fields.push(("action".to_owned(), action.to_owned()));
        t.send(t.client.post(t.url(&self.action)).form(&fields))
            .await
    }
}

fn unescape(text: &str) -> String {
    text.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The visible text of a gate page's card, one entry per line of markup, tags dropped.
pub fn card_text(html: &str) -> Vec<String> {
    let start = html.find(r#"<div class="tid-card">"#).unwrap_or(0);
    let end = html[start..]
        .find("<aside")
        .map_or(html.len(), |e| start + e);
    let tags = regex::Regex::new(r"<[^>]*>").expect("a valid pattern");
    // A script's source is not text the page shows.
    let scripts = regex::Regex::new(r"(?s)<script[^>]*>.*?</script>").expect("a valid pattern");
    scripts
        .replace_all(&html[start..end], "")
        .lines()
        .map(|line| unescape(tags.replace_all(line, "").trim()))
        .filter(|line| !line.is_empty())
        .collect()
}

/// Follow a `Location` on this server (path and query only).
pub async fn follow(t: &TestServer, reply: &Reply) -> Reply {
    let location = reply.location();
    let path = match location.query() {
        Some(query) => format!("{}?{query}", location.path()),
        None => location.path().to_owned(),
    };
    t.get(&path).await
}

/// The `tid_gate` cookie a gate page set (`name=value`), to send back as the same browser.
pub fn gate_cookie(reply: &Reply) -> String {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tid_gate="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no tid_gate cookie: {reply:?}"))
}
