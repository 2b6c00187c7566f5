//! The signed-in user's self-service endpoints (`/users/me`).
//!
//! Any JWT the server signed is accepted as the Bearer token (access token, ID token or flow
//! assertion); the user is its `sub`. Errors are [`crate::ApiError`] (`USR-*`, `AUTH-4010`).
//!
//! | Call | Request | Response |
//! |---|---|---|
//! | `GET /users/me[?include=display]` | — | 200 [`User`] |
//! | `PUT /users/me` | [`UpdateMeRequest`] (replaces every attribute) | 200 [`User`] |
//! | `GET /users/me/meta` | — | 200 [`UserSchemaResponse`] |
//! | `POST /users/me/update-credentials` | [`UpdateCredentialsRequest`] | 204 |

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::{OrganizationUnitId, UserId};

/// A user (`backend/internal/user/model.go` `User`). Everything but `isReadOnly` is omitted when empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    #[serde(rename = "ouId", default, skip_serializing_if = "Option::is_none")]
    pub organization_unit_id: Option<OrganizationUnitId>,
    /// Only with `?include=display`.
    #[serde(rename = "ouHandle", default, skip_serializing_if = "Option::is_none")]
    pub organization_unit_handle: Option<String>,
    /// The user type (schema) name, e.g. `Person`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    /// The user's attributes as a JSON object. The SDK flattens them into the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Map<String, Value>>,
    /// Only with `?include=display`: the schema's display attribute, else the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    /// Always written.
    #[serde(default)]
    pub is_read_only: bool,
}

/// `PUT /users/me`: the complete new attribute set, validated against the user type's schema.
/// Credential attributes here are 400 `USR-1001`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateMeRequest {
    pub attributes: Map<String, Value>,
}

/// `POST /users/me/update-credentials`. The key is `attributes`, not `credentials` (the admin API uses
/// `credentials`). `Debug` prints only the attribute names.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCredentialsRequest {
    /// e.g. `{"password":"…"}`. Empty is 400 `USR-1017`.
    pub attributes: Map<String, Value>,
}

/// `GET /users/me/meta`: the user type's schema, attribute name → definition.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UserSchemaResponse {
    #[serde(default)]
    pub schema: BTreeMap<String, AttributeSchema>,
}

/// One attribute of a user type schema (`backend/internal/entitytype/model/*.go`), plus the members
/// the SDK's `AttributeSchema` reads that the server does not define (`description`, `readOnly`,
/// `mutability`, `subAttributes`). Members are kept only when present, since the schema is stored and
/// returned verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributeSchema {
    #[serde(rename = "type")]
    pub attribute_type: AttributeType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Strings and numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
    /// A credential (hashed, never returned, updated through `update-credentials`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutability: Option<Mutability>,
    /// Strings: a regular expression the value must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Strings: the same, under its JSON-Schema name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Strings and numbers: the allowed values.
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub allowed_values: Option<Vec<Value>>,
    /// Objects: the nested attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<BTreeMap<String, AttributeSchema>>,
    /// Arrays: the item definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<AttributeSchema>>,
    /// The SDK's (SCIM-era) nested attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_attributes: Option<Vec<AttributeSchema>>,
}

open_enum! {
    /// An attribute's `type`.
    pub enum AttributeType {
        String = "string",
        Number = "number",
        Boolean = "boolean",
        Object = "object",
        Array = "array",
    }
}

open_enum! {
    /// The SDK's `mutability` values.
    pub enum Mutability {
        ReadOnly = "READ_ONLY",
        ReadWrite = "READ_WRITE",
    }
}

impl User {
    /// A user with an id only; `isReadOnly` false.
    pub fn new(id: UserId) -> Self {
        Self {
            id,
            organization_unit_id: None,
            organization_unit_handle: None,
            user_type: None,
            attributes: None,
            display: None,
            is_read_only: false,
        }
    }
}

impl AttributeSchema {
    /// An attribute of `attribute_type` with no other members.
    pub fn new(attribute_type: AttributeType) -> Self {
        Self {
            attribute_type,
            display_name: None,
            description: None,
            required: None,
            unique: None,
            credential: None,
            read_only: None,
            mutability: None,
            regex: None,
            pattern: None,
            allowed_values: None,
            properties: None,
            items: None,
            sub_attributes: None,
        }
    }
}

impl fmt::Debug for UpdateCredentialsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateCredentialsRequest")
            .field(
                "attributes",
                &self
                    .attributes
                    .keys()
                    .map(|name| (name, "[redacted]"))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the user types.
    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::strategies::{json_value, open_enum, opt_text, text};

    /// A JSON object of attributes.
    pub fn attributes() -> impl Strategy<Value = Map<String, Value>> {
        prop::collection::btree_map(text(), json_value(), 0..4)
            .prop_map(|map| map.into_iter().collect())
    }

    /// Any [`User`].
    pub fn user() -> impl Strategy<Value = User> {
        (
            text(),
            opt_text(),
            opt_text(),
            opt_text(),
            proptest::option::of(attributes()),
            opt_text(),
            any::<bool>(),
        )
            .prop_map(
                |(id, ou_id, ou_handle, user_type, attributes, display, is_read_only)| User {
                    id: UserId::new(id),
                    organization_unit_id: ou_id.map(OrganizationUnitId::new),
                    organization_unit_handle: ou_handle,
                    user_type,
                    attributes,
                    display,
                    is_read_only,
                },
            )
    }

    /// Any [`UpdateMeRequest`].
    pub fn update_me_request() -> impl Strategy<Value = UpdateMeRequest> {
        attributes().prop_map(|attributes| UpdateMeRequest { attributes })
    }

    /// Any [`UpdateCredentialsRequest`].
    pub fn update_credentials_request() -> impl Strategy<Value = UpdateCredentialsRequest> {
        attributes().prop_map(|attributes| UpdateCredentialsRequest { attributes })
    }

    /// Any [`AttributeType`].
    pub fn attribute_type() -> BoxedStrategy<AttributeType> {
        open_enum(AttributeType::ALL, AttributeType::parse)
    }

    /// Any [`Mutability`].
    pub fn mutability() -> BoxedStrategy<Mutability> {
        open_enum(Mutability::ALL, Mutability::parse)
    }

    fn leaf_attribute_schema() -> impl Strategy<Value = AttributeSchema> {
        let flag = || proptest::option::of(any::<bool>());
        (
            (
                attribute_type(),
                opt_text(),
                opt_text(),
                flag(),
                flag(),
                flag(),
                flag(),
            ),
            (proptest::option::of(mutability()), opt_text(), opt_text()),
            proptest::option::of(prop::collection::vec(json_value(), 0..3)),
        )
            .prop_map(
                |(
                    (
                        attribute_type,
                        display_name,
                        description,
                        required,
                        unique,
                        credential,
                        read_only,
                    ),
                    (mutability, regex, pattern),
                    allowed_values,
                )| AttributeSchema {
                    attribute_type,
                    display_name,
                    description,
                    required,
                    unique,
                    credential,
                    read_only,
                    mutability,
                    regex,
                    pattern,
                    allowed_values,
                    properties: None,
                    items: None,
                    sub_attributes: None,
                },
            )
    }

    /// Any [`AttributeSchema`].
    pub fn attribute_schema() -> impl Strategy<Value = AttributeSchema> {
        leaf_attribute_schema().prop_recursive(2, 8, 3, |inner| {
            (
                leaf_attribute_schema(),
                proptest::option::of(prop::collection::btree_map(text(), inner.clone(), 0..3)),
                proptest::option::of(inner.clone().prop_map(Box::new)),
                proptest::option::of(prop::collection::vec(inner, 0..3)),
            )
                .prop_map(|(mut schema, properties, items, sub_attributes)| {
                    schema.properties = properties;
                    schema.items = items;
                    schema.sub_attributes = sub_attributes;
                    schema
                })
        })
    }

    /// Any [`UserSchemaResponse`].
    pub fn user_schema_response() -> impl Strategy<Value = UserSchemaResponse> {
        prop::collection::btree_map(text(), attribute_schema(), 0..4)
            .prop_map(|schema| UserSchemaResponse { schema })
    }
}

#[cfg(test)]
mod tests;
