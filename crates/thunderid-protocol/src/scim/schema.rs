//! `GET /scim2/Schemas`
//!
//! Schema definitions as WSO2 Identity Server serves them (RFC 7643 §7 plus WSO2's members). The
//! legacy SDK read the answer as a plain JSON array of [`ScimSchema`].

use serde::{Deserialize, Serialize};

use super::ScimMeta;

/// A schema definition, one entry of `/scim2/Schemas`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimSchema {
    /// The schema URN.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub attributes: Vec<ScimSchemaAttribute>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<ScimMeta>,
}

/// One attribute definition of a [`ScimSchema`], with WSO2's extra members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimSchemaAttribute {
    pub name: String,
    #[serde(rename = "type")]
    pub attribute_type: ScimAttributeType,
    #[serde(default)]
    pub multi_valued: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(default)]
    pub case_exact: bool,
    /// `readOnly`, `readWrite`, `immutable`, `writeOnly`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutability: Option<String>,
    /// `always`, `never`, `default`, `request`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned: Option<String>,
    /// `none`, `server`, `global`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uniqueness: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub canonical_values: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reference_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_attributes: Vec<ScimSchemaAttribute>,
    /// WSO2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// WSO2 (a number in a string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_order: Option<String>,
    /// WSO2's validation regex.
    #[serde(rename = "regEx", default, skip_serializing_if = "Option::is_none")]
    pub reg_ex: Option<String>,
    /// WSO2 (`"true"`/`"false"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported_by_default: Option<String>,
    /// WSO2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_profile_value_resolving_method: Option<String>,
}

open_enum! {
    /// An attribute definition's `type` (RFC 7643 §2.3).
    pub enum ScimAttributeType {
        String = "string",
        Boolean = "boolean",
        Decimal = "decimal",
        Integer = "integer",
        DateTime = "dateTime",
        Reference = "reference",
        Complex = "complex",
        Binary = "binary",
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the schema definitions.
    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::strategies::{open_enum, opt_text, text};
    use crate::scim::strategies::scim_meta;

    fn list<T: std::fmt::Debug>(item: impl Strategy<Value = T>) -> impl Strategy<Value = Vec<T>> {
        prop::collection::vec(item, 0..3)
    }

    /// Any [`ScimAttributeType`].
    pub fn scim_attribute_type() -> BoxedStrategy<ScimAttributeType> {
        open_enum(ScimAttributeType::ALL, ScimAttributeType::parse)
    }

    /// Any [`ScimSchemaAttribute`].
    pub fn scim_schema_attribute() -> impl Strategy<Value = ScimSchemaAttribute> {
        let leaf = (
            (
                text(),
                scim_attribute_type(),
                any::<bool>(),
                opt_text(),
                proptest::option::of(any::<bool>()),
                any::<bool>(),
            ),
            (
                opt_text(),
                opt_text(),
                opt_text(),
                list(text()),
                list(text()),
            ),
            (opt_text(), opt_text(), opt_text(), opt_text(), opt_text()),
        )
            .prop_map(
                |(
                    (name, attribute_type, multi_valued, description, required, case_exact),
                    (mutability, returned, uniqueness, canonical_values, reference_types),
                    (display_name, display_order, reg_ex, supported_by_default, shared),
                )| ScimSchemaAttribute {
                    name,
                    attribute_type,
                    multi_valued,
                    description,
                    required,
                    case_exact,
                    mutability,
                    returned,
                    uniqueness,
                    canonical_values,
                    reference_types,
                    sub_attributes: Vec::new(),
                    display_name,
                    display_order,
                    reg_ex,
                    supported_by_default,
                    shared_profile_value_resolving_method: shared,
                },
            );
        leaf.prop_recursive(2, 6, 3, |inner| {
            (inner.clone(), list(inner)).prop_map(|(mut attribute, sub_attributes)| {
                attribute.sub_attributes = sub_attributes;
                attribute
            })
        })
    }

    /// Any [`ScimSchema`].
    pub fn scim_schema() -> impl Strategy<Value = ScimSchema> {
        (
            text(),
            opt_text(),
            opt_text(),
            list(scim_schema_attribute()),
            list(text()),
            proptest::option::of(scim_meta()),
        )
            .prop_map(
                |(id, name, description, attributes, schemas, meta)| ScimSchema {
                    id,
                    name,
                    description,
                    attributes,
                    schemas,
                    meta,
                },
            )
    }
}
