//! SCIM 2.0 (RFC 7643 / RFC 7644), as the legacy SDKs and WSO2 Identity Server speak it.
//!
//! The ThunderID server has no SCIM API. The JS SDKs used it until `5cca57c` (replaced by
//! `/users/me`): `GET /scim2/Me`, `GET /scim2/Schemas` and `PATCH /scim2/Me` with a [`PatchOp`], all
//! with `Content-Type: application/scim+json`. WSO2 Identity Server serves the same under
//! `/t/{tenant}/scim2/Me` (seed 003). Note that the SDK read `/scim2/Schemas` as a plain JSON array of
//! [`ScimSchema`] (WSO2's shape), not as a [`ListResponse`].

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

pub mod schema;

pub use schema::{ScimAttributeType, ScimSchema, ScimSchemaAttribute};

/// The SCIM media type.
pub const CONTENT_TYPE: &str = "application/scim+json";
/// The core schema namespace; schema ids start with it.
pub const CORE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0";
/// The core User resource schema.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The core Group resource schema.
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// The enterprise User extension.
pub const ENTERPRISE_USER_SCHEMA: &str =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// The schema of `/Schemas` entries.
pub const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
/// The schema of `/ResourceTypes` entries.
pub const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
/// The schema of `/ServiceProviderConfig`.
pub const SERVICE_PROVIDER_CONFIG_SCHEMA: &str =
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
/// The message schema of a list or search result.
pub const LIST_RESPONSE_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// The message schema of a PATCH body.
pub const PATCH_OP_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// The message schema of an error.
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
/// WSO2's system schema.
pub const WSO2_SYSTEM_SCHEMA: &str = "urn:scim:wso2:schema";
/// WSO2's custom User extension.
pub const WSO2_CUSTOM_USER_SCHEMA: &str = "urn:scim:schemas:extension:custom:User";

/// A SCIM User resource (`/scim2/Me`). Extension schemas (enterprise, WSO2) are members named by their
/// URN, kept in `extensions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimUser {
    pub schemas: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Required by RFC 7643 on a stored user; optional here so partial bodies parse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<ScimName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nick_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<MultiValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phone_numbers: Vec<MultiValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<MultiValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<ScimAddress>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<MultiValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<MultiValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<ScimMeta>,
    /// Extension members keyed by schema URN, and anything else unmodelled.
    #[serde(flatten)]
    pub extensions: BTreeMap<String, Value>,
}

/// `name`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimName {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_suffix: Option<String>,
}

/// One value of a multi-valued attribute (`emails`, `phoneNumbers`, `groups`, …). WSO2 sometimes
/// writes bare strings (`"emails":["a@example.com"]`), kept as [`MultiValue::Plain`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MultiValue {
    Plain(String),
    Complex(MultiValuedAttribute),
}

/// The complex form of a multi-valued attribute value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultiValuedAttribute {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    /// `work`, `home`, `mobile`, …
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
    #[serde(rename = "$ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// One `addresses` value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimAddress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

/// `meta` of a resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// A PATCH body. Note the capital `Operations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchOp {
    pub schemas: Vec<String>,
    #[serde(rename = "Operations")]
    pub operations: Vec<PatchOperation>,
}

/// One PATCH operation. The SDK sent `{"op":"replace","value":{…}}` without a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchOperation {
    pub op: PatchOperationKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

open_enum! {
    /// `op`. RFC 7644 matches case-insensitively; parsing here is exact, so `Replace` is kept as
    /// `Other("Replace")` (see [`PatchOperationKind::parse_ignoring_case`]).
    pub enum PatchOperationKind {
        Add = "add",
        Remove = "remove",
        Replace = "replace",
    }
}

/// A list or search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse<T> {
    pub schemas: Vec<String>,
    pub total_results: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items_per_page: Option<u64>,
    /// 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_index: Option<u64>,
    #[serde(rename = "Resources", default = "Vec::new")]
    pub resources: Vec<T>,
}

/// A SCIM error body. `status` is a string ("404"), as RFC 7644 §3.12 says; a number is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimError {
    pub schemas: Vec<String>,
    #[serde(deserialize_with = "status_string")]
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scim_type: Option<ScimErrorType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

open_enum! {
    /// `scimType` (RFC 7644 §3.12).
    pub enum ScimErrorType {
        InvalidFilter = "invalidFilter",
        TooMany = "tooMany",
        Uniqueness = "uniqueness",
        Mutability = "mutability",
        InvalidSyntax = "invalidSyntax",
        InvalidPath = "invalidPath",
        NoTarget = "noTarget",
        InvalidValue = "invalidValue",
        InvalidVersion = "invalidVers",
        Sensitive = "sensitive",
    }
}

impl PatchOp {
    /// A PATCH with the PatchOp message schema.
    pub fn new(operations: Vec<PatchOperation>) -> Self {
        Self {
            schemas: vec![PATCH_OP_SCHEMA.to_owned()],
            operations,
        }
    }

    /// What the SDK sent to update the profile: one path-less `replace` of `value`.
    pub fn replace(value: Value) -> Self {
        Self::new(vec![PatchOperation {
            op: PatchOperationKind::Replace,
            path: None,
            value: Some(value),
        }])
    }
}

impl PatchOperationKind {
    /// Parses `op` the way RFC 7644 asks (case-insensitively).
    pub fn parse_ignoring_case(value: &str) -> Self {
        Self::ALL
            .iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(value))
            .cloned()
            .unwrap_or_else(|| Self::Other(value.to_owned()))
    }
}

impl<T> ListResponse<T> {
    /// A complete, single-page result.
    pub fn new(resources: Vec<T>) -> Self {
        let count = resources.len() as u64;
        Self {
            schemas: vec![LIST_RESPONSE_SCHEMA.to_owned()],
            total_results: count,
            items_per_page: Some(count),
            start_index: Some(1),
            resources,
        }
    }
}

impl ScimError {
    /// An error body with the Error message schema.
    pub fn new(status: u16, scim_type: Option<ScimErrorType>, detail: impl Into<String>) -> Self {
        Self {
            schemas: vec![ERROR_SCHEMA.to_owned()],
            status: status.to_string(),
            scim_type,
            detail: Some(detail.into()),
        }
    }
}

fn status_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Status {
        Text(String),
        Number(u64),
    }
    Ok(match Status::deserialize(d)? {
        Status::Text(text) => text,
        Status::Number(number) => number.to_string(),
    })
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the SCIM types.
    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::strategies::{json_value, open_enum, opt_text, text};

    fn list<T: std::fmt::Debug>(item: impl Strategy<Value = T>) -> impl Strategy<Value = Vec<T>> {
        prop::collection::vec(item, 0..3)
    }

    /// Any [`ScimName`].
    pub fn scim_name() -> impl Strategy<Value = ScimName> {
        (
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
        )
            .prop_map(
                |(
                    formatted,
                    family_name,
                    given_name,
                    middle_name,
                    honorific_prefix,
                    honorific_suffix,
                )| ScimName {
                    formatted,
                    family_name,
                    given_name,
                    middle_name,
                    honorific_prefix,
                    honorific_suffix,
                },
            )
    }

    /// Any [`MultiValue`].
    pub fn multi_value() -> impl Strategy<Value = MultiValue> {
        let complex = (
            opt_text(),
            opt_text(),
            opt_text(),
            proptest::option::of(any::<bool>()),
            opt_text(),
        )
            .prop_map(
                |(value, display, kind, primary, reference)| MultiValuedAttribute {
                    value,
                    display,
                    kind,
                    primary,
                    reference,
                },
            );
        prop_oneof![
            text().prop_map(MultiValue::Plain),
            complex.prop_map(MultiValue::Complex)
        ]
    }

    /// Any [`ScimAddress`].
    pub fn scim_address() -> impl Strategy<Value = ScimAddress> {
        (
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            proptest::option::of(any::<bool>()),
        )
            .prop_map(
                |(
                    formatted,
                    street_address,
                    locality,
                    region,
                    postal_code,
                    country,
                    kind,
                    primary,
                )| ScimAddress {
                    formatted,
                    street_address,
                    locality,
                    region,
                    postal_code,
                    country,
                    kind,
                    primary,
                },
            )
    }

    /// Any [`ScimMeta`].
    pub fn scim_meta() -> impl Strategy<Value = ScimMeta> {
        (opt_text(), opt_text(), opt_text(), opt_text(), opt_text()).prop_map(
            |(resource_type, created, last_modified, location, version)| ScimMeta {
                resource_type,
                created,
                last_modified,
                location,
                version,
            },
        )
    }

    /// Any [`ScimUser`].
    pub fn scim_user() -> impl Strategy<Value = ScimUser> {
        (
            (
                list(text()),
                opt_text(),
                opt_text(),
                opt_text(),
                proptest::option::of(scim_name()),
            ),
            (
                opt_text(),
                opt_text(),
                opt_text(),
                opt_text(),
                opt_text(),
                opt_text(),
                opt_text(),
                opt_text(),
            ),
            (
                proptest::option::of(any::<bool>()),
                list(multi_value()),
                list(multi_value()),
                list(multi_value()),
            ),
            (
                list(scim_address()),
                list(multi_value()),
                list(multi_value()),
                proptest::option::of(scim_meta()),
            ),
            prop::collection::btree_map("urn:x:[a-z]{1,6}", json_value(), 0..3),
        )
            .prop_map(
                |(
                    (schemas, id, external_id, user_name, name),
                    (
                        display_name,
                        nick_name,
                        profile_url,
                        title,
                        user_type,
                        preferred_language,
                        locale,
                        timezone,
                    ),
                    (active, emails, phone_numbers, photos),
                    (addresses, groups, roles, meta),
                    extensions,
                )| ScimUser {
                    schemas,
                    id,
                    external_id,
                    user_name,
                    name,
                    display_name,
                    nick_name,
                    profile_url,
                    title,
                    user_type,
                    preferred_language,
                    locale,
                    timezone,
                    active,
                    emails,
                    phone_numbers,
                    photos,
                    addresses,
                    groups,
                    roles,
                    meta,
                    extensions,
                },
            )
    }

    /// Any [`PatchOperationKind`].
    pub fn patch_operation_kind() -> BoxedStrategy<PatchOperationKind> {
        open_enum(PatchOperationKind::ALL, PatchOperationKind::parse)
    }

    /// Any [`PatchOp`].
    pub fn patch_op() -> impl Strategy<Value = PatchOp> {
        // `null` and absent are the same for an optional value, so never generate `Some(Null)`.
        let value = json_value().prop_filter("not null", |value| !value.is_null());
        let operation = (
            patch_operation_kind(),
            opt_text(),
            proptest::option::of(value),
        )
            .prop_map(|(op, path, value)| PatchOperation { op, path, value });
        (list(text()), list(operation)).prop_map(|(schemas, operations)| PatchOp {
            schemas,
            operations,
        })
    }

    /// A [`ListResponse`] of items from `item`.
    pub fn list_response<T: std::fmt::Debug>(
        item: impl Strategy<Value = T>,
    ) -> impl Strategy<Value = ListResponse<T>> {
        (
            list(text()),
            any::<u64>(),
            proptest::option::of(any::<u64>()),
            proptest::option::of(any::<u64>()),
            list(item),
        )
            .prop_map(
                |(schemas, total_results, items_per_page, start_index, resources)| ListResponse {
                    schemas,
                    total_results,
                    items_per_page,
                    start_index,
                    resources,
                },
            )
    }

    /// Any [`ScimErrorType`].
    pub fn scim_error_type() -> BoxedStrategy<ScimErrorType> {
        open_enum(ScimErrorType::ALL, ScimErrorType::parse)
    }

    /// Any [`ScimError`].
    pub fn scim_error() -> impl Strategy<Value = ScimError> {
        (
            list(text()),
            text(),
            proptest::option::of(scim_error_type()),
            opt_text(),
        )
            .prop_map(|(schemas, status, scim_type, detail)| ScimError {
                schemas,
                status,
                scim_type,
                detail,
            })
    }
}

#[cfg(test)]
mod tests;
