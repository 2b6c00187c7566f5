//! `POST /flow/execute` (V2), the flow graph definitions the mock loads, and the app-native V1
//! protocol (`POST /oauth2/authorize` with `response_mode=direct`, `POST /oauth2/authn`).
//!
//! * [`execute`]: the V2 request and response envelope, `data`, the well-known `additionalData`
//!   keys, the HTTP-level error body and the flow/step enums.
//! * [`input`]: inputs, actions, validation rules and field errors, shared by responses and graphs.
//! * [`component`]: the UI component tree carried in `data.meta.components` and in a PROMPT node's
//!   `meta`. Attributes we do not model are kept, so fixture components round-trip unchanged.
//! * [`graph`]: the flow definition format (`CompleteFlowDefinition` on the server): nodes, prompts,
//!   executors, conditions and CALL references.
//! * [`v1`]: the V1 app-native sign-in protocol the SDKs spoke before V2.
//!
//! Enums come in two kinds. **Closed** ones ([`FlowStatus`], [`StepType`], [`NodeType`], the V1
//! statuses) reject unknown strings, because a typo there would hide a bug. **Open** ones
//! ([`FlowType`], [`InputType`], [`ComponentType`], …) keep an unknown string in `Other` so it
//! round-trips; the mock never emits `Other`. Both kinds expose `as_str()`, `ALL` and `FromStr`.

use std::fmt;

/// Declares a closed string enum: unknown strings are a deserialization (or `FromStr`) error.
macro_rules! closed_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("`", $wire, "`")] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$(Self::$variant,)+];

            /// The wire strings, in declaration order.
            const WIRE: &'static [&'static str] = &[$($wire,)+];

            /// The wire string.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }

            /// Parses a wire string; `None` for anything else (matching is case-sensitive).
            pub fn parse(value: &str) -> Option<Self> {
                match value {
                    $($wire => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::flow::UnknownValueError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::parse(value).ok_or_else(|| $crate::flow::UnknownValueError {
                    kind: stringify!($name),
                    value: value.to_owned(),
                })
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = <String as ::serde::Deserialize>::deserialize(d)?;
                Self::parse(&value)
                    .ok_or_else(|| <D::Error as ::serde::de::Error>::unknown_variant(&value, Self::WIRE))
            }
        }
    };
}

pub mod component;
pub mod consent;
pub mod execute;
pub mod graph;
pub mod input;
pub mod management;
pub mod metadata;
pub mod v1;

#[cfg(test)]
mod tests;

pub use component::{
    Component, ComponentAction, ComponentOption, ComponentType, ComponentVariant, EventType,
    FlowMeta, LabeledOption, PrefixOption, Prefixes, TextOrNumber,
};
pub use execute::{
    FlowData, FlowErrorResponse, FlowExecuteRequest, FlowExecuteResponse, FlowStatus, FlowType,
    StepType, additional_data,
};
pub use graph::{
    ActionDefinition, ConditionDefinition, ExecutorDefinition, FlowDefinition, FlowDefinitionId,
    FlowReference, InterceptorDefinition, InterceptorMode, InterceptorScope, NodeDefinition,
    NodeType, NodeVariant, PromptDefinition,
};
pub use input::{
    Action, ActionType, FieldError, Input, InputType, ValidationRule, ValidationRuleType,
};
pub use management::{
    FlowListResponse, FlowResponse, FlowSummary, FlowVersionListResponse, FlowVersionResponse,
    FlowVersionSummary, RestoreFlowVersionRequest,
};
pub use metadata::{
    ApplicationMetadata, DesignMetadata, FlowMetadataResponse, I18nMetadata, OuMetadata,
};
pub use v1::{
    AuthData, Authenticator, AuthenticatorMetadata, AuthenticatorParam, AuthnRequest,
    AuthnResponse, Link, NextStep, ParamType, PromptType, SelectedAuthenticator,
    V1FlowInitiateResponse, V1FlowStatus, V1Message, V1MessageType, V1StepType, authenticator_id,
};

/// A string that is not one of a closed enum's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValueError {
    /// The enum's Rust name, e.g. `FlowStatus`.
    pub kind: &'static str,
    /// The rejected string.
    pub value: String,
}

impl fmt::Display for UnknownValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} value {:?}", self.kind, self.value)
    }
}

impl std::error::Error for UnknownValueError {}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest helpers shared by the flow types' strategies.
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde_json::{Map, Value};

    /// A known value of an open enum, or an unknown one parsed from a random word.
    pub fn open_enum<T>(all: &'static [T], parse: fn(&str) -> T) -> impl Strategy<Value = T>
    where
        T: Clone + std::fmt::Debug + 'static,
    {
        prop_oneof![
            prop::sample::select(all),
            "[A-Za-z_]{1,16}".prop_map(move |s| parse(&s))
        ]
    }

    /// Short identifier-like strings (refs, ids, node names).
    pub fn word() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9_]{0,12}"
    }

    /// Free text, including characters that need escaping in JSON.
    pub fn text() -> impl Strategy<Value = String> {
        ".{0,24}"
    }

    /// A string-to-string map such as `inputs` or `additionalData`.
    pub fn string_map() -> impl Strategy<Value = BTreeMap<String, String>> {
        prop::collection::btree_map(word(), text(), 0..4)
    }

    /// Any JSON value, a few levels deep. Object keys are drawn from `keys` half of the time, so that
    /// deserializers see their own field names with values of the wrong shape.
    pub fn json_value(keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
        let key = prop_oneof![prop::sample::select(keys).prop_map(str::to_owned), word()];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            text().prop_map(Value::String),
            prop::sample::select(keys).prop_map(|k| Value::String(k.to_owned())),
        ];
        leaf.prop_recursive(5, 64, 8, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(key.clone(), inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
            ]
        })
    }

    /// A JSON object of extra attributes whose keys never collide with `taken`.
    pub fn extra_map(taken: &'static [&'static str]) -> impl Strategy<Value = Map<String, Value>> {
        let value = prop_oneof![
            text().prop_map(Value::String),
            any::<i32>().prop_map(Value::from),
            any::<bool>().prop_map(Value::Bool),
        ];
        prop::collection::btree_map("x[A-Za-z]{1,10}", value, 0..3).prop_map(move |m| {
            m.into_iter()
                .filter(|(k, _)| !taken.contains(&k.as_str()))
                .collect::<Map<_, _>>()
        })
    }
}
