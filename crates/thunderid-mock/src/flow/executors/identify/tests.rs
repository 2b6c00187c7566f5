use serde_json::json;

use super::*;

fn candidate(id: &str, user_type: &str, ou: &str, attributes: Value) -> Value {
    json!({"id": id, "type": user_type, "ouHandle": ou, "attributes": attributes})
}

fn twins() -> Vec<Value> {
    vec![
        candidate(
            "u1",
            "person",
            "north",
            json!({"email": "a@x", "team": "red", "age": 30, "password": "p1"}),
        ),
        candidate(
            "u2",
            "person",
            "south",
            json!({"email": "a@x", "team": "blue", "age": 31, "password": "p2"}),
        ),
    ]
}

#[test]
fn filters_match_type_unit_and_scalar_attributes() {
    let by = |pairs: &[(&str, &str)]| {
        let filters = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        filter_candidates(twins(), &filters)
            .iter()
            .map(|e| entity_id(e).to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(by(&[("ouHandle", "south")]), ["u2"]);
    assert_eq!(by(&[("userType", "person"), ("age", "30")]), ["u1"]);
    assert_eq!(by(&[("email", "a@x")]), ["u1", "u2"]);
    // Non-searchable keys never filter.
    assert_eq!(by(&[("password", "nope")]), ["u1", "u2"]);
    assert!(by(&[("nickname", "x")]).is_empty());
}

#[test]
fn disambiguation_offers_the_attributes_that_differ() {
    let result = disambiguate(twins());
    assert_eq!(result.status, super::super::ExecStatus::UserInputRequired);
    assert!(result.inputs.is_empty());
    let offered: Vec<(String, Vec<String>, bool)> = result
        .forwarded
        .inputs
        .unwrap_or_default()
        .into_iter()
        .map(|d| (d.input.identifier, d.input.options, d.input.required))
        .collect();
    assert_eq!(
        offered,
        [
            (
                "age".to_owned(),
                vec!["30".to_owned(), "31".to_owned()],
                false
            ),
            (
                "ouHandle".to_owned(),
                vec!["north".to_owned(), "south".to_owned()],
                false
            ),
            (
                "team".to_owned(),
                vec!["blue".to_owned(), "red".to_owned()],
                false
            ),
        ]
    );
    let kept = result.runtime.get(CANDIDATE_USERS).expect("kept");
    assert_eq!(decode_candidates(kept), Some(twins()));
}

#[test]
fn candidates_nothing_tells_apart_fail_with_fet_1002() {
    let same = candidate("u1", "person", "north", json!({"email": "a@x"}));
    let mut other = same.clone();
    other["id"] = json!("u2");
    let result = disambiguate(vec![same, other]);
    assert_eq!(result.status, super::super::ExecStatus::Failure);
    assert_eq!(
        result.error.map(|e| e.code),
        Some(ApiErrorCode::ExecutorFailedToIdentifyUser)
    );
}

#[test]
fn stored_candidates_must_be_an_array() {
    assert_eq!(decode_candidates("null"), Some(Vec::new()));
    assert_eq!(decode_candidates("{}"), None);
    assert_eq!(decode_candidates(""), None);
}
