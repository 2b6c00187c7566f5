//! HTTPRequestExecutor (`executor/http_request_executor.go`): one HTTP call from a flow, its
//! answer mapped into runtime data.
//!
//! The node's properties configure it, each as a native JSON value or as a string holding JSON:
//! `url` (required), `method` (`GET` by default; GET, POST, PUT, DELETE, PATCH), `headers`, `body`
//! (an object, sent as JSON), `timeout` (seconds, default 10, at most 20), `responseMapping`
//! (`runtimeKey → "response.data.path"`) and `errorHandling` (`failOnError`, `retryCount` ≤ 5,
//! `retryDelay` ≤ 5000 ms). `{{ ctx(name) }}` placeholders in the url, header values and body
//! strings are filled from runtime data and inputs. A bad configuration fails with FET-1050; a
//! failed call (no answer, or a status ≥ 400) fails with FET-1072 under `failOnError`, and is
//! ignored otherwise. The call itself goes through [`Outbound`](crate::flow::outbound::Outbound).

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;
use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;

use super::{ExecResult, Task};
use crate::flow::keys;
use crate::flow::outbound::{OutboundError, OutboundRequest};

const DEFAULT_TIMEOUT_SECS: i64 = 10;
const MAX_TIMEOUT_SECS: i64 = 20;
const MAX_RETRY_COUNT: i64 = 5;
const MAX_RETRY_DELAY_MS: i64 = 5000;
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];

/// `core/utils.go` `placeholderPattern` (`\w` is ASCII in RE2).
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\{\s*ctx\(\s*([0-9A-Za-z_]+)\s*\)\s*\}\}").expect("a literal regex compiles")
});
/// The OU placeholders whose values are looked up before resolution.
static OU_PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\{\s*ctx\(\s*(ouHandle|ouName|ouDescription)\s*\)\s*\}\}")
        .expect("a literal regex compiles")
});

/// The executor's configuration after defaults and limits (`httpRequestConfig`).
#[derive(Debug, Clone, PartialEq)]
struct Config {
    url: String,
    method: String,
    headers: BTreeMap<String, String>,
    body: Map<String, Value>,
    timeout_secs: i64,
    mapping: BTreeMap<String, String>,
    error_handling: Option<ErrorHandling>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct ErrorHandling {
    fail_on_error: bool,
    retry_count: i64,
    retry_delay_ms: i64,
}

/// Run the node.
pub(super) fn run(task: &mut Task<'_, '_>) -> ExecResult {
    let Some(mut config) = parse_config(&task.node.properties) else {
        return ExecResult::failure(ApiErrorCode::ExecutorHttpRequestConfigInvalid.to_error());
    };
    enrich_unit(task, &config);
    resolve_placeholders(task, &mut config);
    let mut result = ExecResult::complete();
    let outcome = call_with_retries(task, &config).map(|(status, body)| {
        let data = map_response(status, &body);
        for (key, path) in &config.mapping {
            if let Some(value) = value_at_path(&data, path) {
                result.runtime.insert(key.clone(), go_format(value));
            }
        }
    });
    if let Err(message) = outcome {
        tracing::debug!(%message, "HTTPRequestExecutor call failed");
        if config.error_handling.is_some_and(|e| e.fail_on_error) {
            let mut error = ApiErrorCode::ExecutorHttpRequestFailed.to_error();
            error.description.default_value = Some(message);
            return ExecResult::failure(error);
        }
    }
    result
}

/// Parse and validate the properties (`parseAndValidateConfig`); `None` is FET-1050.
fn parse_config(properties: &Map<String, Value>) -> Option<Config> {
    if properties.is_empty() {
        return None;
    }
    let url = properties
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())?
        .to_owned();
    let method = properties
        .get("method")
        .and_then(Value::as_str)
        .map(str::to_uppercase)
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "GET".to_owned());
    if !METHODS.contains(&method.as_str()) {
        return None;
    }
    let timeout_secs = match properties.get("timeout") {
        Some(Value::String(text)) => go_atoi(text).unwrap_or(0),
        Some(Value::Number(number)) => number.as_f64().map_or(0, truncate),
        _ => 0,
    };
    let timeout_secs = if timeout_secs <= 0 {
        DEFAULT_TIMEOUT_SECS
    } else {
        timeout_secs.min(MAX_TIMEOUT_SECS)
    };
    let body = match json_property(properties, "body") {
        Some(Value::Object(body)) => body,
        _ => Map::new(),
    };
    Some(Config {
        url,
        method,
        headers: string_map(properties, "headers"),
        body,
        timeout_secs,
        mapping: string_map(properties, "responseMapping"),
        error_handling: error_handling(properties),
    })
}

/// A property given natively, or as a string holding JSON (a string that is not JSON is ignored).
fn json_property(properties: &Map<String, Value>, key: &str) -> Option<Value> {
    match properties.get(key)? {
        Value::String(text) => serde_json::from_str(text).ok(),
        other => Some(other.clone()),
    }
}

/// An object of strings: the string members of a native object; decoded from a string as Go's
/// `json.Unmarshal` into `map[string]string` does (a `null` member becomes "", members of other
/// types are skipped).
fn string_map(properties: &Map<String, Value>, key: &str) -> BTreeMap<String, String> {
    let from_string = matches!(properties.get(key), Some(Value::String(_)));
    let Some(Value::Object(members)) = json_property(properties, key) else {
        return BTreeMap::new();
    };
    members
        .into_iter()
        .filter_map(|(name, value)| match value {
            Value::String(text) => Some((name, text)),
            Value::Null if from_string => Some((name, String::new())),
            _ => None,
        })
        .collect()
}

/// `errorHandling` (`parseErrorHandling`), capped at 5 retries and 5000 ms.
fn error_handling(properties: &Map<String, Value>) -> Option<ErrorHandling> {
    let mut handling = match properties.get("errorHandling")? {
        Value::String(text) => decode_error_handling(text)?,
        Value::Object(members) => ErrorHandling {
            fail_on_error: members
                .get("failOnError")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            retry_count: members
                .get("retryCount")
                .and_then(Value::as_f64)
                .map_or(0, truncate),
            retry_delay_ms: members
                .get("retryDelay")
                .and_then(Value::as_f64)
                .map_or(0, truncate),
        },
        _ => return None,
    };
    handling.retry_count = handling.retry_count.min(MAX_RETRY_COUNT);
    handling.retry_delay_ms = handling.retry_delay_ms.min(MAX_RETRY_DELAY_MS);
    Some(handling)
}

/// `errorHandling` as a JSON string, decoded into Go's struct: field names match case-insensitively,
/// and any member of the wrong type discards the whole setting (`json.Unmarshal` returned an error).
fn decode_error_handling(text: &str) -> Option<ErrorHandling> {
    let mut handling = ErrorHandling::default();
    match serde_json::from_str::<Value>(text).ok()? {
        Value::Null => return Some(handling),
        Value::Object(members) => {
            for (name, value) in members {
                let integer = || match &value {
                    Value::Null => Some(None),
                    Value::Number(n) => n.as_i64().map(Some),
                    _ => None,
                };
                match name.to_ascii_lowercase().as_str() {
                    "failonerror" => match value {
                        Value::Bool(flag) => handling.fail_on_error = flag,
                        Value::Null => {}
                        _ => return None,
                    },
                    "retrycount" => {
                        if let Some(count) = integer()? {
                            handling.retry_count = count;
                        }
                    }
                    "retrydelay" => {
                        if let Some(delay) = integer()? {
                            handling.retry_delay_ms = delay;
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => return None,
    }
    Some(handling)
}

/// Go's `int(f)` for the values a node holds.
fn truncate(value: f64) -> i64 {
    // Saturating: a timeout of 1e300 is capped anyway.
    value.trunc() as i64
}

/// `strconv.Atoi`: an optional sign, then ASCII digits only.
fn go_atoi(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// With an OU placeholder in the url, a header or the body, the unit's handle, name and
/// description go into runtime data (`enrichOURuntimeData`). The unit is runtime `ouId`, else the
/// authenticated user's id: the server passes the entity id where it means its OU (its bug, kept,
/// so the lookup finds no unit and the placeholders stay).
fn enrich_unit(task: &mut Task<'_, '_>, config: &Config) {
    let body = serde_json::to_string(&config.body).unwrap_or_default();
    let mentions = std::iter::once(config.url.as_str())
        .chain(config.headers.values().map(String::as_str))
        .chain(std::iter::once(body.as_str()))
        .any(|text| OU_PLACEHOLDER.is_match(text));
    if !mentions {
        return;
    }
    let Some(unit_id) = task
        .execution
        .runtime_value(keys::OU_ID)
        .map(str::to_owned)
        .or_else(|| task.execution.user.clone())
    else {
        return;
    };
    let Some(unit) = task.env.directory.read(|d| d.units.get(&unit_id).cloned()) else {
        return;
    };
    let runtime = &mut task.execution.runtime;
    runtime.insert("ouHandle".to_owned(), unit.handle);
    runtime.insert("ouName".to_owned(), unit.name);
    runtime.insert("ouDescription".to_owned(), unit.description);
}

/// Fill `{{ ctx(name) }}` in the url, header values and body strings (`ResolvePlaceholder`).
fn resolve_placeholders(task: &Task<'_, '_>, config: &mut Config) {
    config.url = resolve(task, &config.url);
    for value in config.headers.values_mut() {
        *value = resolve(task, value);
    }
    for value in config.body.values_mut() {
        resolve_value(task, value);
    }
}

fn resolve_value(task: &Task<'_, '_>, value: &mut Value) {
    match value {
        Value::String(text) => *text = resolve(task, text),
        Value::Array(items) => items.iter_mut().for_each(|v| resolve_value(task, v)),
        Value::Object(members) => members.values_mut().for_each(|v| resolve_value(task, v)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// One string's placeholders: `userId` from runtime `userId` or the authenticated user, `ouId`
/// from runtime `ouId` or the authenticated user's unit, anything else from runtime data, then
/// inputs. An unresolved placeholder stays as written.
fn resolve(task: &Task<'_, '_>, text: &str) -> String {
    let execution = &*task.execution;
    let non_empty =
        |map: &BTreeMap<String, String>, key: &str| map.get(key).filter(|v| !v.is_empty()).cloned();
    PLACEHOLDER
        .replace_all(text, |captures: &regex::Captures<'_>| {
            let name = &captures[1];
            let value = match name {
                "userId" => non_empty(&execution.runtime, "userId")
                    .or_else(|| execution.user.clone().filter(|u| !u.is_empty())),
                "ouId" => non_empty(&execution.runtime, keys::OU_ID).or_else(|| {
                    let user = execution.user.as_deref()?;
                    task.env
                        .user(user)
                        .map(|u| u.ou_id)
                        .filter(|ou| !ou.is_empty())
                }),
                _ => non_empty(&execution.runtime, name)
                    .or_else(|| non_empty(&execution.inputs, name)),
            };
            value.unwrap_or_else(|| captures[0].to_owned())
        })
        .into_owned()
}

/// Send the request, retrying failures to get an answer (`executeRequestWithRetry`); an error
/// status is an answer, not retried. `Err` is the error text the server logs and, under
/// `failOnError`, puts in the description.
fn call_with_retries(task: &Task<'_, '_>, config: &Config) -> Result<(u16, Vec<u8>), String> {
    let request = build_request(task, config);
    let (retries, delay) = config
        .error_handling
        .map_or((0, 0), |e| (e.retry_count, e.retry_delay_ms));
    let attempts = retries.saturating_add(1);
    let mut last = None;
    for attempt in 0..attempts.max(0) {
        if attempt > 0 && delay > 0 {
            task.env
                .outbound
                .pause(Duration::from_millis(delay.unsigned_abs()));
        }
        match task.env.outbound.send(&request) {
            Ok(response) => {
                if response.status >= 400 {
                    return Err(format!(
                        "HTTP request failed with status {}: {}",
                        response.status,
                        String::from_utf8_lossy(&response.body)
                    ));
                }
                return Ok((response.status, response.body));
            }
            Err(OutboundError::Read(cause)) => {
                return Err(format!("failed to read response body: {cause}"));
            }
            Err(OutboundError::Send(cause)) => last = Some(cause),
        }
    }
    // With a negative retry count the server makes no attempt and wraps a nil error.
    Err(match last {
        Some(cause) => {
            format!("failed after {attempts} attempts: failed to execute HTTP request: {cause}")
        }
        None => format!("failed after {attempts} attempts: %!w(<nil>)"),
    })
}

/// The request as `executeRequest` builds it: the body as JSON, then the configured headers,
/// `X-Correlation-ID` unless configured, and `Content-Type: application/json` for a body unless
/// configured.
fn build_request(task: &Task<'_, '_>, config: &Config) -> OutboundRequest {
    let body = (!config.body.is_empty())
        .then(|| crate::wire::go_marshal(&Value::Object(config.body.clone())).into_bytes());
    let mut headers: Vec<(String, String)> = config
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let has = |headers: &[(String, String)], name: &str| {
        headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case(name) && !v.is_empty())
    };
    if !has(&headers, "X-Correlation-ID") {
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case("X-Correlation-ID"));
        headers.push((
            "X-Correlation-ID".to_owned(),
            task.env.outbound.correlation_id(),
        ));
    }
    if body.is_some() && !has(&headers, "Content-Type") {
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case("Content-Type"));
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
    }
    OutboundRequest {
        method: config.method.clone(),
        url: config.url.clone(),
        headers,
        body,
        timeout: Duration::from_secs(config.timeout_secs.unsigned_abs()),
    }
}

/// The mapping root `{"response": {"data": …, "status": …}}`: the body as a JSON object, `null`
/// when empty, `{"raw": text}` when it is not a JSON object (`processResponse`).
fn map_response(status: u16, body: &[u8]) -> Value {
    let data = if body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(value @ (Value::Object(_) | Value::Null)) => value,
            _ => serde_json::json!({ "raw": String::from_utf8_lossy(body) }),
        }
    };
    serde_json::json!({ "response": { "data": data, "status": status } })
}

/// The value at a dot path through objects (`extractValueFromPath`); empty segments are skipped,
/// and `null` counts as absent.
fn value_at_path<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    let mut current = root;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        current = current.as_object()?.get(part)?;
        if current.is_null() {
            return None;
        }
    }
    Some(current)
}

/// A decoded JSON value as Go's `fmt.Sprintf("%v", v)` prints it: numbers are float64 in `%g`
/// style (`1e+06`), objects `map[k:v …]` with sorted keys, arrays `[a b]`, `null` `<nil>`.
fn go_format(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".to_owned(),
        Value::Bool(flag) => flag.to_string(),
        // JSON numbers decode as float64; the root's status is an int, printed the same way.
        Value::Number(number) => go_float(number.as_f64().unwrap_or(0.0)),
        Value::String(text) => text.clone(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(go_format).collect();
            format!("[{}]", items.join(" "))
        }
        Value::Object(members) => {
            let mut entries: Vec<(&String, &Value)> = members.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let entries: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{k}:{}", go_format(v)))
                .collect();
            format!("map[{}]", entries.join(" "))
        }
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`: the shortest digits, in exponent form when the exponent
/// is below -4 or at least 6 (`1e+06`, `1.5e-05`), else plain.
fn go_float(value: f64) -> String {
    if value == 0.0 {
        return "0".to_owned();
    }
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .unwrap_or((scientific.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..6).contains(&exponent) {
        return format!("{value}");
    }
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
}

#[cfg(test)]
mod tests;
