use serde_json::{Map, Value, json};

use super::*;

fn properties(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn config(value: Value) -> Option<Config> {
    parse_config(&properties(value))
}

#[test]
fn defaults_apply_to_a_bare_url() {
    assert_eq!(
        config(json!({"url": "http://localhost/x"})),
        Some(Config {
            url: "http://localhost/x".into(),
            method: "GET".into(),
            headers: BTreeMap::new(),
            body: Map::new(),
            timeout_secs: 10,
            mapping: BTreeMap::new(),
            error_handling: None,
        })
    );
}

#[test]
fn properties_may_be_json_strings_or_objects() {
    let from_strings = config(json!({
        "url": "http://localhost/x", "method": "post", "timeout": "15",
        "headers": "{\"A\": \"1\", \"B\": 2, \"C\": null}",
        "body": "{\"k\": [\"v\"]}",
        "responseMapping": "{\"id\": \"response.data.id\"}",
        "errorHandling": "{\"FailOnError\": true, \"retrycount\": 9, \"retryDelay\": 9000}"
    }))
    .expect("valid");
    assert_eq!(from_strings.method, "POST");
    assert_eq!(from_strings.timeout_secs, 15);
    assert_eq!(
        from_strings.headers,
        BTreeMap::from([("A".into(), "1".into()), ("C".into(), String::new())])
    );
    assert_eq!(
        Value::Object(from_strings.body.clone()),
        json!({"k": ["v"]})
    );
    assert_eq!(
        from_strings.error_handling,
        Some(ErrorHandling {
            fail_on_error: true,
            retry_count: 5,
            retry_delay_ms: 5000
        })
    );
    let from_objects = config(json!({
        "url": "http://localhost/x", "method": "POST", "timeout": 15.9,
        "headers": {"A": "1", "B": 2},
        "body": {"k": ["v"]},
        "responseMapping": {"id": "response.data.id"},
        "errorHandling": {"failOnError": true, "retryCount": 9.7, "retryDelay": 9000}
    }))
    .expect("valid");
    assert_eq!(
        from_objects.headers,
        BTreeMap::from([("A".into(), "1".into())])
    );
    assert_eq!(from_objects.timeout_secs, 15);
    assert_eq!(from_objects.error_handling, from_strings.error_handling);
    assert_eq!(from_objects.mapping, from_strings.mapping);
}

#[test]
fn timeouts_default_below_one_and_cap_at_twenty() {
    for (timeout, expected) in [
        (json!(0), 10),
        (json!(-3), 10),
        (json!("1.5"), 10),
        (json!(" 5"), 10),
        (json!("+5"), 5),
        (json!(99), 20),
        (json!(true), 10),
    ] {
        let parsed = config(json!({"url": "http://l/", "timeout": timeout}));
        assert_eq!(parsed.map(|c| c.timeout_secs), Some(expected), "{timeout}");
    }
}

#[test]
fn an_error_handling_string_with_a_wrong_type_is_ignored_whole() {
    for text in [
        "{\"failOnError\": true, \"retryCount\": 1.5}",
        "{\"failOnError\": \"yes\"}",
        "[1]",
        "not json",
    ] {
        let parsed = config(json!({"url": "http://l/", "errorHandling": text})).expect("valid");
        assert_eq!(parsed.error_handling, None, "{text}");
    }
    let null = config(json!({"url": "http://l/", "errorHandling": "null"})).expect("valid");
    assert_eq!(null.error_handling, Some(ErrorHandling::default()));
}

#[test]
fn missing_url_or_an_unknown_method_is_invalid() {
    assert_eq!(config(json!({})), None);
    assert_eq!(config(json!({"url": ""})), None);
    assert_eq!(config(json!({"url": ["http://l/"]})), None);
    assert_eq!(config(json!({"url": "http://l/", "method": "HEAD"})), None);
    assert!(config(json!({"url": "http://l/", "method": 5})).is_some());
}

#[test]
fn values_print_as_go_prints_them() {
    for (value, expected) in [
        (json!(200), "200"),
        (json!(123_456), "123456"),
        (json!(1_000_000), "1e+06"),
        (json!(1_234_567), "1.234567e+06"),
        (json!(0.0001), "0.0001"),
        (json!(0.00001), "1e-05"),
        (json!(-2.5), "-2.5"),
        (json!(0), "0"),
        (json!(true), "true"),
        (json!("text"), "text"),
        (json!([1, "a", null]), "[1 a <nil>]"),
        (
            json!({"b": 1, "a": {"c": [true]}}),
            "map[a:map[c:[true]] b:1]",
        ),
    ] {
        assert_eq!(go_format(&value), expected, "{value}");
    }
}

#[test]
fn paths_walk_objects_only_and_skip_empty_segments() {
    let root = map_response(201, br#"{"user": {"id": "u1", "list": [1], "gone": null}}"#);
    assert_eq!(
        value_at_path(&root, "response.data.user.id"),
        Some(&json!("u1"))
    );
    assert_eq!(
        value_at_path(&root, ".response..status."),
        Some(&json!(201))
    );
    assert_eq!(value_at_path(&root, "response.data.user.list.0"), None);
    assert_eq!(value_at_path(&root, "response.data.user.gone"), None);
    assert_eq!(
        map_response(200, b"[1, 2]"),
        json!({"response": {"data": {"raw": "[1, 2]"}, "status": 200}})
    );
    assert_eq!(
        map_response(204, b""),
        json!({"response": {"data": null, "status": 204}})
    );
}
