//! Inputs, actions, validation rules and field errors: the members of `data` in
//! `POST /flow/execute` responses, also used by the prompts and executors of flow graphs.
//!
//! Read from `providers/model.go` (`Input`, `ValidationRule`), `providers/constants.go` (input,
//! action and validation types) and `flow/common/model.go` (`Action`, `FieldError`), at
//! `thunder-id/thunderid` 4e69e01. Members follow the Go `omitempty` tags.

use serde::{Deserialize, Serialize};

open_enum! {
    /// `type` of an [`Input`] (`providers/constants.go`, `ValidInputTypes`, plus `string`).
    pub enum InputType {
        Text = "TEXT_INPUT",
        Email = "EMAIL_INPUT",
        Password = "PASSWORD_INPUT",
        Otp = "OTP_INPUT",
        Phone = "PHONE_INPUT",
        Consent = "CONSENT_INPUT",
        Hidden = "HIDDEN",
        Select = "SELECT",
        OuSelect = "OU_SELECT",
        Number = "NUMBER_INPUT",
        Date = "DATE_INPUT",
        Boolean = "BOOLEAN_INPUT",
        /// Not in `ValidInputTypes`, but the type executors give their built-in inputs (the OAuth
        /// and Google `code`, the passkey fields, …), so REDIRECTION steps carry it.
        GenericString = "string",
    }
}

open_enum! {
    /// `type` of an action: forwarded to the next executor, which decides what it means
    /// (`providers/constants.go`, `ActionType`).
    pub enum ActionType {
        /// Approve / primary.
        Submit = "SUBMIT",
        /// Reject / deny.
        Reject = "REJECT",
        /// Confirms a confirmation prompt (sign-out's `action_confirm`).
        Confirm = "CONFIRM",
    }
}

open_enum! {
    /// `type` of a [`ValidationRule`].
    pub enum ValidationRuleType {
        /// `value` is a regex pattern string.
        Regex = "regex",
        /// `value` is a number of Unicode code points.
        MinLength = "minLength",
        /// `value` is a number of Unicode code points.
        MaxLength = "maxLength",
    }
}

/// An input the client must supply (`providers.Input`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Input {
    /// Links the input to a meta component's `id`.
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The key under which the value is sent in `inputs`.
    pub identifier: String,
    /// How the client should render it.
    #[serde(rename = "type")]
    pub input_type: InputType,
    /// Always written, also when false.
    #[serde(default)]
    pub required: bool,
    /// Allowed values of a SELECT input. The server's type is `[]string`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Rules checked after the presence check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validation: Vec<ValidationRule>,
    /// Removed from the execution once consumed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub one_time_use: bool,
}

/// An action the client may choose (`common.Action`). The server omits each member when empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// Sent back as the request's `action`.
    #[serde(default, rename = "ref", skip_serializing_if = "String::is_empty")]
    pub reference: String,
    /// Forwarded to the next executor, e.g. `CONFIRM`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub action_type: Option<ActionType>,
    /// The node the action leads to.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub next_node: String,
}

/// One validation constraint on an input (`providers.ValidationRule`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationRule {
    /// The kind of constraint.
    #[serde(rename = "type")]
    pub rule_type: ValidationRuleType,
    /// A pattern string for `regex`, a number for the lengths. The server's type is `interface{}`
    /// without `omitempty`, so a missing value is written as `null`.
    #[serde(default)]
    pub value: serde_json::Value,
    /// An i18n key or literal; without it the server reports `validation.<rule>.invalid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A failed validation rule in `data.fieldErrors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The input's `identifier`.
    pub identifier: String,
    /// The rule's message, or the default key.
    pub message: String,
}

impl Input {
    /// A required input without `ref`, options or rules.
    pub fn new(identifier: impl Into<String>, input_type: InputType) -> Self {
        Self {
            reference: None,
            identifier: identifier.into(),
            input_type,
            required: true,
            options: Vec::new(),
            validation: Vec::new(),
            one_time_use: false,
        }
    }

    /// Sets `ref`.
    pub fn with_ref(mut self, reference: impl Into<String>) -> Self {
        self.reference = Some(reference.into());
        self
    }
}

impl Action {
    /// `{ref, nextNode}`.
    pub fn new(reference: impl Into<String>, next_node: impl Into<String>) -> Self {
        Self {
            reference: reference.into(),
            action_type: None,
            next_node: next_node.into(),
        }
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for inputs, actions and validation rules.
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;
    use crate::flow::strategies::{open_enum, text, word};

    /// Arbitrary [`InputType`] values.
    pub fn input_type() -> impl Strategy<Value = InputType> {
        open_enum(InputType::ALL, InputType::parse)
    }

    /// Arbitrary [`ActionType`] values.
    pub fn action_type() -> impl Strategy<Value = ActionType> {
        open_enum(ActionType::ALL, ActionType::parse)
    }

    /// Arbitrary [`ValidationRuleType`] values.
    pub fn validation_rule_type() -> impl Strategy<Value = ValidationRuleType> {
        open_enum(ValidationRuleType::ALL, ValidationRuleType::parse)
    }

    /// Arbitrary [`ValidationRule`] values.
    pub fn validation_rule() -> impl Strategy<Value = ValidationRule> {
        let value = prop_oneof![
            Just(Value::Null),
            any::<u32>().prop_map(Value::from),
            text().prop_map(Value::String),
        ];
        (validation_rule_type(), value, proptest::option::of(text())).prop_map(
            |(rule_type, value, message)| ValidationRule {
                rule_type,
                value,
                message,
            },
        )
    }

    /// Arbitrary [`Input`] values.
    pub fn input() -> impl Strategy<Value = Input> {
        (
            proptest::option::of(word()),
            word(),
            input_type(),
            any::<bool>(),
            prop::collection::vec(text(), 0..3),
            prop::collection::vec(validation_rule(), 0..3),
            any::<bool>(),
        )
            .prop_map(
                |(
                    reference,
                    identifier,
                    input_type,
                    required,
                    options,
                    validation,
                    one_time_use,
                )| Input {
                    reference,
                    identifier,
                    input_type,
                    required,
                    options,
                    validation,
                    one_time_use,
                },
            )
    }

    /// Arbitrary [`Action`] values.
    pub fn action() -> impl Strategy<Value = Action> {
        (
            prop_oneof![Just(String::new()), word()],
            proptest::option::of(action_type()),
            prop_oneof![Just(String::new()), word()],
        )
            .prop_map(|(reference, action_type, next_node)| Action {
                reference,
                action_type,
                next_node,
            })
    }

    /// Arbitrary [`FieldError`] values.
    pub fn field_error() -> impl Strategy<Value = FieldError> {
        (word(), text()).prop_map(|(identifier, message)| FieldError {
            identifier,
            message,
        })
    }
}
