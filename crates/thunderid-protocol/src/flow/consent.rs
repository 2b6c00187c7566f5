//! The consent step (`ConsentExecutor`, `providers/model.go`): the purposes the server asks about,
//! carried as a JSON string in `data.additionalData.consentPrompt`, and the decisions the client
//! posts back as the `consent_decisions` input (also a JSON string).
//!
//! Decisions decode as Go's `encoding/json` does: absent members and `null` are their zero value.

use serde::{Deserialize, Deserializer, Serialize};

/// The `type` of an attribute purpose.
pub const PURPOSE_TYPE_ATTRIBUTES: &str = "attributes";
/// The `type` of a permission purpose.
pub const PURPOSE_TYPE_PERMISSIONS: &str = "permissions";
/// The `reason` a client sends when the prompt timed out before the user decided.
pub const REASON_TIMEOUT: &str = "timeout";
/// The `reason` a client sends when the user pressed deny.
pub const REASON_USER_DENIED: &str = "user_denied";

/// One purpose of `consentPrompt` (`ConsentPurposePrompt`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentPurposePrompt {
    /// `attributes:<appId>` or `permissions:<appId>`.
    pub purpose_name: String,
    /// The purpose's id; `""` for the permission purpose, which the server builds per request.
    pub purpose_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// [`PURPOSE_TYPE_ATTRIBUTES`] or [`PURPOSE_TYPE_PERMISSIONS`].
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    pub purpose_type: String,
    /// Elements the user must approve to continue (always written, possibly empty).
    #[serde(default, deserialize_with = "zero_if_null")]
    pub essential: Vec<PromptElement>,
    /// Elements the user may decline (always written, possibly empty).
    #[serde(default, deserialize_with = "zero_if_null")]
    pub optional: Vec<PromptElement>,
}

/// One element of a purpose (`PromptElement`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptElement {
    /// An attribute name or a permission string.
    pub name: String,
    /// For permissions: the longest other prompted permission this one extends.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub parent: String,
}

/// The `consent_decisions` input (`ConsentDecisions`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentDecisions {
    /// The answer as a whole: `false` denies every purpose.
    #[serde(default, deserialize_with = "zero_if_null")]
    pub approved: bool,
    /// Why, e.g. [`REASON_TIMEOUT`].
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "zero_if_null"
    )]
    pub reason: String,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub purposes: Vec<PurposeDecision>,
}

/// The decision on one purpose (`PurposeDecision`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurposeDecision {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub purpose_name: String,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub approved: bool,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub elements: Vec<ElementDecision>,
}

/// The decision on one element (`ElementDecision`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementDecision {
    #[serde(default, deserialize_with = "zero_if_null")]
    pub name: String,
    #[serde(default, deserialize_with = "zero_if_null")]
    pub approved: bool,
}

/// Go leaves a field at its zero value for `null`.
fn zero_if_null<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Proptest strategies for the consent types.
#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    use proptest::prelude::*;

    use super::*;

    fn name() -> impl Strategy<Value = String> {
        "[a-z:_]{1,12}"
    }

    pub fn prompt_element() -> impl Strategy<Value = PromptElement> {
        (name(), prop_oneof![Just(String::new()), name()])
            .prop_map(|(name, parent)| PromptElement { name, parent })
    }

    pub fn consent_purpose_prompt() -> impl Strategy<Value = ConsentPurposePrompt> {
        (
            name(),
            prop_oneof![Just(String::new()), name()],
            prop_oneof![Just(String::new()), "[ -~]{1,20}"],
            prop_oneof![
                Just(String::new()),
                Just(PURPOSE_TYPE_ATTRIBUTES.to_owned()),
                Just(PURPOSE_TYPE_PERMISSIONS.to_owned())
            ],
            prop::collection::vec(prompt_element(), 0..3),
            prop::collection::vec(prompt_element(), 0..3),
        )
            .prop_map(
                |(purpose_name, purpose_id, description, purpose_type, essential, optional)| {
                    ConsentPurposePrompt {
                        purpose_name,
                        purpose_id,
                        description,
                        purpose_type,
                        essential,
                        optional,
                    }
                },
            )
    }

    pub fn consent_decisions() -> impl Strategy<Value = ConsentDecisions> {
        let element =
            (name(), any::<bool>()).prop_map(|(name, approved)| ElementDecision { name, approved });
        let purpose = (name(), any::<bool>(), prop::collection::vec(element, 0..3)).prop_map(
            |(purpose_name, approved, elements)| PurposeDecision {
                purpose_name,
                approved,
                elements,
            },
        );
        (
            any::<bool>(),
            prop_oneof![
                Just(String::new()),
                Just(REASON_TIMEOUT.to_owned()),
                Just(REASON_USER_DENIED.to_owned())
            ],
            prop::collection::vec(purpose, 0..3),
        )
            .prop_map(|(approved, reason, purposes)| ConsentDecisions {
                approved,
                reason,
                purposes,
            })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn decisions_decode_as_go_does_with_absent_and_null_members() {
        let decoded: ConsentDecisions = serde_json::from_value(json!({
            "approved": null,
            "purposes": [{"purposeName": "attributes:app", "elements": null}]
        }))
        .unwrap();
        assert_eq!(
            decoded,
            ConsentDecisions {
                approved: false,
                reason: String::new(),
                purposes: vec![PurposeDecision {
                    purpose_name: "attributes:app".into(),
                    approved: false,
                    elements: Vec::new(),
                }],
            }
        );
    }

    #[test]
    fn a_prompt_writes_empty_lists_and_omits_empty_optional_members() {
        let prompt = ConsentPurposePrompt {
            purpose_name: "permissions:app".into(),
            purpose_id: String::new(),
            description: String::new(),
            purpose_type: PURPOSE_TYPE_PERMISSIONS.into(),
            essential: Vec::new(),
            optional: vec![PromptElement {
                name: "system".into(),
                parent: String::new(),
            }],
        };
        assert_eq!(
            serde_json::to_value(&prompt).unwrap(),
            json!({"purposeName": "permissions:app", "purposeId": "", "type": "permissions",
                   "essential": [], "optional": [{"name": "system"}]})
        );
    }
}
