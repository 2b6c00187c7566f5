//! Wire tests for `/users/me`.
//!
//! Fixtures: the bundled admin user and `Person` user type of
//! `backend/cmd/server/bootstrap/01-default-resources.yaml` (4e69e01), rendered as
//! `backend/internal/user/model.go` writes them; the agent type's `enum` attribute from the same file.

use proptest::prelude::*;
use serde_json::json;

use super::strategies;
use super::*;
use crate::oauth2::strategies::{json_object_with_keys, json_value};
use crate::oauth2::test_support::{parse_exact, pin_open_enum, round_trips};

const ADMIN_USER_ID: &str = "01900000-0000-7000-8000-000000000030";
const DEFAULT_OU_ID: &str = "01900000-0000-7000-8000-000000000001";

fn admin_attributes() -> serde_json::Value {
    json!({
        "username": "admin",
        "sub": "admin",
        "email": "admin@example.com",
        "name": "Administrator",
        "given_name": "Admin",
        "family_name": "User",
        "mobile_number": "+12345678920"
    })
}

#[test]
fn get_me_for_the_bootstrap_admin() {
    let user: User = parse_exact(json!({
        "id": ADMIN_USER_ID,
        "ouId": DEFAULT_OU_ID,
        "type": "Person",
        "attributes": admin_attributes(),
        "isReadOnly": false
    }));
    insta::assert_json_snapshot!("user_me_admin", user);

    let with_display: User = parse_exact(json!({
        "id": ADMIN_USER_ID,
        "ouId": DEFAULT_OU_ID,
        "ouHandle": "default",
        "type": "Person",
        "attributes": admin_attributes(),
        "display": "admin",
        "isReadOnly": false
    }));
    assert_eq!(with_display.display.as_deref(), Some("admin"));
    insta::assert_json_snapshot!("user_me_admin_include_display", with_display);
}

#[test]
fn is_read_only_is_always_written() {
    let bare = User::new(crate::ids::UserId::new(ADMIN_USER_ID));
    assert_eq!(
        serde_json::to_value(&bare).expect("serializes"),
        json!({"id": ADMIN_USER_ID, "isReadOnly": false})
    );
}

#[test]
fn update_bodies_use_the_attributes_key() {
    let mut edited = admin_attributes();
    edited["given_name"] = json!("Jane");
    let update: UpdateMeRequest = parse_exact(json!({"attributes": edited}));
    insta::assert_json_snapshot!("update_me_request", update);

    let credentials: UpdateCredentialsRequest =
        parse_exact(json!({"attributes": {"password": "N3w-Passw0rd!"}}));
    assert_eq!(
        format!("{credentials:?}"),
        r#"UpdateCredentialsRequest { attributes: [("password", "[redacted]")] }"#
    );
    assert!(
        serde_json::from_value::<UpdateCredentialsRequest>(
            json!({"credentials": {"password": "x"}})
        )
        .is_err()
    );
}

#[test]
fn person_schema_from_users_me_meta() {
    let response: UserSchemaResponse = parse_exact(json!({"schema": {
        "username": {"type": "string", "displayName": "Username", "required": true, "unique": true},
        "email": {
            "type": "string",
            "displayName": "Email",
            "required": true,
            "unique": true,
            "regex": "^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$"
        },
        "given_name": {"type": "string", "displayName": "First Name", "required": false},
        "family_name": {"type": "string", "displayName": "Last Name", "required": false},
        "mobile_number": {"type": "string", "displayName": "Mobile Number", "required": false},
        "sub": {"type": "string", "displayName": "Subject", "required": false},
        "name": {"type": "string", "displayName": "Full Name", "required": false},
        "picture": {"type": "string", "displayName": "Picture", "required": false},
        "password": {"type": "string", "displayName": "Password", "required": false, "credential": true}
    }}));
    assert_eq!(response.schema["password"].credential, Some(true));
    insta::assert_json_snapshot!("user_schema_person", response);
}

#[test]
fn nested_and_enum_attributes() {
    let response: UserSchemaResponse = parse_exact(json!({"schema": {
        "modelProvider": {
            "type": "string",
            "displayName": "Model Provider",
            "required": false,
            "enum": ["openai", "anthropic", "gemini", "mistral"]
        },
        "address": {
            "type": "object",
            "displayName": "Address",
            "properties": {"city": {"type": "string"}, "zip": {"type": "number", "unique": false}}
        },
        "tags": {"type": "array", "items": {"type": "string"}},
        "active": {"type": "boolean", "displayName": "Active"},
        "legacy": {"type": "string", "readOnly": true, "mutability": "READ_ONLY", "subAttributes": [{"type": "string"}]}
    }}));
    let address = &response.schema["address"];
    assert_eq!(address.attribute_type, AttributeType::Object);
    assert_eq!(
        response.schema["tags"].items.as_deref(),
        Some(&AttributeSchema::new(AttributeType::String))
    );
    insta::assert_json_snapshot!("user_schema_nested", response);
}

#[test]
fn enum_wire_strings_are_pinned() {
    pin_open_enum!(AttributeType, unknown: "integer", {
        String => "string",
        Number => "number",
        Boolean => "boolean",
        Object => "object",
        Array => "array",
    });
    pin_open_enum!(Mutability, unknown: "WRITE_ONLY", {
        ReadOnly => "READ_ONLY",
        ReadWrite => "READ_WRITE",
    });
}

#[rustfmt::skip]
const KEYS: &[&str] = &[
    "id", "ouId", "ouHandle", "type", "attributes", "display", "isReadOnly", "schema", "displayName",
    "required", "unique", "credential", "regex", "enum", "properties", "items", "subAttributes", "mutability",
];

proptest! {
    #[test]
    fn user_types_round_trip(
        user in strategies::user(),
        update in strategies::update_me_request(),
        credentials in strategies::update_credentials_request(),
        schema in strategies::user_schema_response(),
        attribute in strategies::attribute_schema(),
        attribute_type in strategies::attribute_type(),
        mutability in strategies::mutability(),
    ) {
        round_trips(&user)?;
        round_trips(&update)?;
        round_trips(&credentials)?;
        round_trips(&schema)?;
        round_trips(&attribute)?;
        round_trips(&attribute_type)?;
        round_trips(&mutability)?;
    }

    #[test]
    fn parsing_random_json_never_panics(any_value in json_value(), object in json_object_with_keys(KEYS)) {
        for value in [any_value, object] {
            let _ = serde_json::from_value::<User>(value.clone());
            let _ = serde_json::from_value::<UpdateMeRequest>(value.clone());
            let _ = serde_json::from_value::<UpdateCredentialsRequest>(value.clone());
            let _ = serde_json::from_value::<UserSchemaResponse>(value.clone());
            let _ = serde_json::from_value::<AttributeSchema>(value.clone());
        }
    }
}
