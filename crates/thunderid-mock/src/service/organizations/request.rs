//! The request body of `POST`/`PUT /organization-units[/…]` as the OU handler reads it
//! (`sysutils.DecodeJSONBody`, `validateStructNatively`, `sanitizeOrganizationUnitRequest`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::organizations::OrganizationUnitRequest;

use super::api;
use crate::error::MockError;

/// The request body of `POST`/`PUT` as the handler reads it: decoded like Go's `json.Decoder`
/// (OU-1001 when it is not a JSON object of the right types), validated by the struct tags
/// ([`MockError::FieldValidation`]), then sanitized (`sanitizeOrganizationUnitRequest`).
pub(super) fn read_unit_request(body: &[u8]) -> Result<OrganizationUnitRequest, MockError> {
    let invalid = || api(ApiErrorCode::OuInvalidRequestFormat);
    let value: Value = crate::wire::decode_first_json(body).ok_or_else(invalid)?;
    let object = match value {
        // Go decodes `null` into a struct as "nothing set".
        Value::Null => Map::new(),
        Value::Object(object) => object,
        _ => return Err(invalid()),
    };
    let mut fields = go_field_names(object);
    for name in ["handle", "name"] {
        fields
            .entry(name.to_owned())
            .or_insert_with(|| Value::String(String::new()));
    }
    let mut request: OrganizationUnitRequest =
        serde_json::from_value(Value::Object(fields.into_iter().collect()))
            .map_err(|_| invalid())?;
    let errors = field_errors(&request);
    if !errors.is_empty() {
        return Err(MockError::FieldValidation(errors));
    }
    request.handle = sanitize(&request.handle);
    request.name = sanitize(&request.name);
    request.description = request
        .description
        .as_deref()
        .map(sanitize)
        .filter(|d| !d.is_empty());
    Ok(request)
}

/// The request's members, matched to its keys as Go matches JSON keys (an exact key first, else
/// one equal ignoring case); `null` leaves a member unset. Unknown keys are dropped.
fn go_field_names(object: Map<String, Value>) -> BTreeMap<String, Value> {
    const FIELDS: &[&str] = &[
        "handle",
        "name",
        "description",
        "parent",
        "themeId",
        "layoutId",
        "authFlowId",
        "registrationFlowId",
        "isRegistrationFlowEnabled",
        "recoveryFlowId",
        "isRecoveryFlowEnabled",
        "signOutFlowId",
        "userOnboardingFlowId",
        "logoUrl",
        "tosUri",
        "policyUri",
        "cookiePolicyUri",
    ];
    let mut fields = BTreeMap::new();
    for field in FIELDS {
        let value = object.get(*field).or_else(|| {
            object
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(field))
                .map(|(_, value)| value)
        });
        match value {
            None | Some(Value::Null) => {}
            Some(value) => {
                fields.insert((*field).to_owned(), value.clone());
            }
        }
    }
    // An empty optional text is the same as none (Go's zero value); an empty `parent` is not: it
    // is a pointer to "" and names no unit.
    fields.retain(|name, value| {
        matches!(name.as_str(), "handle" | "name" | "parent") || value.as_str() != Some("")
    });
    fields
}

/// `validateStructNatively` over the `native` tags of `OrganizationUnitRequest`.
fn field_errors(request: &OrganizationUnitRequest) -> BTreeMap<String, String> {
    let mut errors = BTreeMap::new();
    for (name, value) in [("handle", &request.handle), ("name", &request.name)] {
        if value.trim().is_empty() {
            errors.insert(
                name.to_owned(),
                format!("The field '{name}' is missing but is strictly required."),
            );
        } else if value.len() > 100 {
            errors.insert(name.to_owned(), too_long(name, 100));
        }
    }
    let settings = &request.settings;
    for (name, value) in [
        ("logoUrl", &settings.logo_url),
        ("tosUri", &settings.tos_uri),
        ("policyUri", &settings.policy_uri),
        ("cookiePolicyUri", &settings.cookie_policy_uri),
    ] {
        if value.as_deref().is_some_and(|v| v.len() > 2048) {
            errors.insert(name.to_owned(), too_long(name, 2048));
        }
    }
    errors
}

fn too_long(name: &str, max: usize) -> String {
    format!("The field '{name}' exceeds its maximum allowed size of {max} characters.")
}

/// `SanitizeString`: trimmed, control characters other than newline and tab removed.
pub(super) fn sanitize(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn bodies_decode_like_go_and_fail_the_struct_tags() {
        let request = read_unit_request(
            br#"{"Handle":" eng ","NAME":"E\u0001ng","parent":null,"description":""} trailing"#,
        )
        .expect("decodes");
        assert_eq!(
            (request.handle.as_str(), request.name.as_str()),
            ("eng", "Eng")
        );
        assert_eq!((request.parent, request.description), (None, None));
        let Err(MockError::FieldValidation(errors)) = read_unit_request(b"null") else {
            panic!("null has no handle or name");
        };
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["handle", "name"]);
        let long = format!(r#"{{"handle":"h","name":"{}"}}"#, "n".repeat(101));
        let Err(MockError::FieldValidation(errors)) = read_unit_request(long.as_bytes()) else {
            panic!("too long");
        };
        assert_eq!(
            errors.get("name").map(String::as_str),
            Some("The field 'name' exceeds its maximum allowed size of 100 characters.")
        );
        for bad in [
            &b""[..],
            b"[]",
            b"{",
            br#"{"handle":5,"name":"n"}"#,
            br#"{"handle":"h","name":"n","parent":7}"#,
        ] {
            assert!(
                matches!(read_unit_request(bad), Err(MockError::Api { .. })),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    proptest! {
        #[test]
        fn any_body_is_a_request_or_a_client_error(body in prop::collection::vec(any::<u8>(), 0..80)) {
            match read_unit_request(&body) {
                Ok(_) | Err(MockError::Api { .. } | MockError::FieldValidation(_)) => {}
                Err(other) => prop_assert!(false, "unexpected {other:?}"),
            }
        }

        #[test]
        fn any_json_object_is_a_request_or_a_client_error(
            handle in proptest::option::of(".{0,8}"),
            name in proptest::option::of(".{0,8}"),
            parent in proptest::option::of(".{0,4}"),
        ) {
            let body = serde_json::json!({"handle": handle, "Name": name, "parent": parent});
            match read_unit_request(body.to_string().as_bytes()) {
                // Sanitized: no control characters but newline and tab.
                Ok(request) => {
                    let text = [request.handle, request.name].concat();
                    let clean = !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
                    prop_assert!(clean, "unsanitized {:?}", text);
                }
                Err(MockError::Api { .. } | MockError::FieldValidation(_)) => {}
                Err(other) => prop_assert!(false, "unexpected {other:?}"),
            }
        }
    }
}
