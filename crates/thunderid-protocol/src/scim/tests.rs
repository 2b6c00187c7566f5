//! Wire tests for the SCIM types.
//!
//! Fixtures: the legacy SDK's PATCH body (`updateMeProfile.ts` at `5cca57c^`, with the profile edit of
//! seed 000), a WSO2 Identity Server `/scim2/Me` user in the shape seed 003 reads, RFC 7644 list and
//! error bodies, and the SDK's `getSchemas` test data.

use proptest::prelude::*;
use serde_json::json;

use super::strategies;
use super::*;
use crate::oauth2::strategies::{json_object_with_keys, json_value};
use crate::oauth2::test_support::{parse_exact, pin_open_enum, round_trips};

fn wso2_me() -> serde_json::Value {
    json!({
        "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, WSO2_SYSTEM_SCHEMA],
        "id": "2a9e1c7a-5b4f-4c8d-9e0f-1a2b3c4d5e6f",
        "userName": "alice",
        "name": {"givenName": "Alice", "familyName": "Smith"},
        "emails": ["alice@example.com"],
        "phoneNumbers": [{"type": "mobile", "value": "+94771234567"}],
        "roles": [{"type": "default", "value": "Internal/everyone"}],
        "meta": {
            "created": "2026-01-01T00:00:00.000Z",
            "location": "https://localhost:9443/t/carbon.super/scim2/Users/2a9e1c7a-5b4f-4c8d-9e0f-1a2b3c4d5e6f",
            "lastModified": "2026-01-02T10:20:30.000Z",
            "resourceType": "User"
        },
        "urn:scim:wso2:schema": {"accountLocked": "false", "askPassword": "false"}
    })
}

#[test]
fn wso2_scim_me_round_trips() {
    let user: ScimUser = parse_exact(wso2_me());
    assert_eq!(
        user.emails,
        vec![MultiValue::Plain("alice@example.com".to_owned())]
    );
    assert_eq!(
        user.extensions[WSO2_SYSTEM_SCHEMA]["accountLocked"],
        json!("false")
    );
    insta::assert_json_snapshot!("scim_user_wso2_me", user);
}

#[test]
fn sdk_profile_patch_is_a_pathless_replace() {
    let patch: PatchOp = parse_exact(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"name": {"givenName": "Jane", "familyName": "Doe"}}}]
    }));
    assert_eq!(
        patch,
        PatchOp::replace(json!({"name": {"givenName": "Jane", "familyName": "Doe"}}))
    );
    insta::assert_json_snapshot!("scim_patch_op_sdk", patch);
    assert!(serde_json::from_value::<PatchOp>(json!({"schemas": [], "operations": []})).is_err());
    assert_eq!(
        PatchOperationKind::parse("Replace"),
        PatchOperationKind::Other("Replace".to_owned())
    );
    assert_eq!(
        PatchOperationKind::parse_ignoring_case("Replace"),
        PatchOperationKind::Replace
    );
}

#[test]
fn list_response_and_errors() {
    let list: ListResponse<ScimUser> = parse_exact(json!({
        "schemas": [LIST_RESPONSE_SCHEMA],
        "totalResults": 1,
        "itemsPerPage": 1,
        "startIndex": 1,
        "Resources": [wso2_me()]
    }));
    assert_eq!(list.resources.len(), 1);
    insta::assert_json_snapshot!("scim_list_response_users", list);
    assert_eq!(
        serde_json::to_value(ListResponse::<ScimUser>::new(vec![])).expect("serializes"),
        json!({
            "schemas": [LIST_RESPONSE_SCHEMA], "totalResults": 0, "itemsPerPage": 0, "startIndex": 1, "Resources": []
        })
    );

    let error: ScimError = parse_exact(json!({
        "schemas": [ERROR_SCHEMA],
        "status": "404",
        "detail": "Specified resource (e.g., User) or endpoint does not exist."
    }));
    insta::assert_json_snapshot!("scim_error_not_found", error);
    let numeric: ScimError = serde_json::from_value(
        json!({"schemas": [ERROR_SCHEMA], "status": 400, "scimType": "invalidValue"}),
    )
    .expect("a numeric status is accepted");
    assert_eq!(
        numeric,
        ScimError {
            detail: None,
            ..ScimError::new(400, Some(ScimErrorType::InvalidValue), "")
        }
    );
}

#[test]
fn core_user_schema_definition() {
    let schema: ScimSchema = parse_exact(json!({
        "id": USER_SCHEMA,
        "name": "User",
        "description": "User Account",
        "attributes": [
            {
                "name": "userName",
                "type": "string",
                "multiValued": false,
                "description": "Unique identifier for the User.",
                "required": true,
                "caseExact": false,
                "mutability": "readWrite",
                "returned": "default",
                "uniqueness": "server",
                "displayName": "Username",
                "displayOrder": "1",
                "regEx": "^[\\S]{3,30}$",
                "supportedByDefault": "true"
            },
            {
                "name": "name",
                "type": "complex",
                "multiValued": false,
                "required": false,
                "caseExact": false,
                "mutability": "readWrite",
                "returned": "default",
                "uniqueness": "none",
                "subAttributes": [
                    {"name": "givenName", "type": "string", "multiValued": false, "caseExact": false, "mutability": "readWrite", "returned": "default", "uniqueness": "none"},
                    {"name": "familyName", "type": "string", "multiValued": false, "caseExact": false, "mutability": "readWrite", "returned": "default", "uniqueness": "none"}
                ]
            },
            {
                "name": "emails",
                "type": "complex",
                "multiValued": true,
                "caseExact": false,
                "canonicalValues": ["work", "home", "other"]
            }
        ],
        "meta": {"resourceType": "Schema", "location": "/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User"}
    }));
    insta::assert_json_snapshot!("scim_schema_core_user", schema);

    // The SDK read `/scim2/Schemas` as a plain array (`getSchemas.test.ts`).
    let sdk: Vec<ScimSchema> = serde_json::from_value(json!([
        {"id": "urn:ietf:params:scim:schemas:core:2.0:User", "name": "User"},
        {"id": "urn:ietf:params:scim:schemas:core:2.0:Group", "name": "Group"}
    ]))
    .expect("parses");
    assert_eq!(sdk[1].id, GROUP_SCHEMA);
}

#[test]
fn enum_wire_strings_are_pinned() {
    pin_open_enum!(PatchOperationKind, unknown: "move", {
        Add => "add",
        Remove => "remove",
        Replace => "replace",
    });
    pin_open_enum!(ScimErrorType, unknown: "invalidVersion", {
        InvalidFilter => "invalidFilter",
        TooMany => "tooMany",
        Uniqueness => "uniqueness",
        Mutability => "mutability",
        InvalidSyntax => "invalidSyntax",
        InvalidPath => "invalidPath",
        NoTarget => "noTarget",
        InvalidValue => "invalidValue",
        InvalidVersion => "invalidVers",
        Sensitive => "sensitive",
    });
    pin_open_enum!(ScimAttributeType, unknown: "number", {
        String => "string",
        Boolean => "boolean",
        Decimal => "decimal",
        Integer => "integer",
        DateTime => "dateTime",
        Reference => "reference",
        Complex => "complex",
        Binary => "binary",
    });
}

#[test]
fn scim_urns_are_pinned() {
    assert_eq!(CONTENT_TYPE, "application/scim+json");
    assert_eq!(
        PATCH_OP_SCHEMA,
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    );
    assert_eq!(
        LIST_RESPONSE_SCHEMA,
        "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    );
    assert_eq!(ERROR_SCHEMA, "urn:ietf:params:scim:api:messages:2.0:Error");
    assert_eq!(USER_SCHEMA, format!("{CORE_SCHEMA}:User"));
}

#[rustfmt::skip]
const KEYS: &[&str] = &[
    "schemas", "id", "userName", "name", "emails", "phoneNumbers", "addresses", "meta", "Operations", "op",
    "path", "value", "totalResults", "Resources", "status", "scimType", "detail", "attributes", "type",
    "multiValued", "subAttributes",
];

proptest! {
    #[test]
    fn scim_types_round_trip(
        user in strategies::scim_user(),
        patch in strategies::patch_op(),
        list in strategies::list_response(strategies::scim_user()),
        error in strategies::scim_error(),
        schema in schema::strategies::scim_schema(),
        value in strategies::multi_value(),
        address in strategies::scim_address(),
    ) {
        round_trips(&user)?;
        round_trips(&patch)?;
        round_trips(&list)?;
        round_trips(&error)?;
        round_trips(&schema)?;
        round_trips(&value)?;
        round_trips(&address)?;
    }

    #[test]
    fn scim_parts_round_trip(
        name in strategies::scim_name(),
        meta in strategies::scim_meta(),
        kind in strategies::patch_operation_kind(),
        error_type in strategies::scim_error_type(),
        attribute_type in schema::strategies::scim_attribute_type(),
        schemas in strategies::list_response(schema::strategies::scim_schema()),
    ) {
        round_trips(&name)?;
        round_trips(&meta)?;
        round_trips(&kind)?;
        round_trips(&error_type)?;
        round_trips(&attribute_type)?;
        round_trips(&schemas)?;
    }

    #[test]
    fn parsing_random_json_never_panics(any_value in json_value(), object in json_object_with_keys(KEYS)) {
        for value in [any_value, object] {
            let _ = serde_json::from_value::<ScimUser>(value.clone());
            let _ = serde_json::from_value::<PatchOp>(value.clone());
            let _ = serde_json::from_value::<ListResponse<ScimUser>>(value.clone());
            let _ = serde_json::from_value::<ScimError>(value.clone());
            let _ = serde_json::from_value::<ScimSchema>(value.clone());
            let _ = serde_json::from_value::<Vec<ScimSchema>>(value.clone());
        }
    }
}
