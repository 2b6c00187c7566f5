//! OAuth 2.0 endpoints under `/oauth2/*`.
//!
//! * [`authorize`]: `GET /oauth2/authorize` (and the `POST /oauth2/par` body): the raw parameters,
//!   the gate redirect, the client redirects and the gate error page.
//! * [`token`]: `POST /oauth2/token`: the raw form of every grant, typed grant builders for clients and
//!   the token response.
//! * [`introspect`]: `POST /oauth2/introspect`.
//! * [`revoke`]: `POST /oauth2/revoke`.
//! * [`ciba`]: `POST /oauth2/bc-authorize` (backchannel authentication, polled with
//!   [`CibaGrant`]); [`registration`]: `POST /oauth2/dcr/register` (dynamic client registration).
//! * [`callback`]: `POST /oauth2/auth/callback` and `POST /oauth2/logout/callback` (the gate's calls).
//!
//! Form and query bodies are structs of raw strings ([`TokenRequestParams`], [`AuthorizeRequest`], …):
//! the mock must see exactly what was sent to reproduce the server's validation order and messages.
//! Typed views (enums such as [`GrantType`]) are parsed from them on demand. [`to_form_pairs`] and
//! [`from_form_pairs`] convert any of these bodies to and from `(name, value)` pairs, keeping repeated
//! names (`resource`, `audience`) as the server's `r.Form[...]` does.
//!
//! Errors under `/oauth2/*` use [`crate::OAuthErrorResponse`].

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::map::Entry;
use serde_json::{Map, Value};

pub mod authorize;
pub mod callback;
pub mod ciba;
pub mod introspect;
pub mod registration;
pub mod revoke;
pub mod token;

pub use authorize::{
    AuthorizationErrorParams, AuthorizationSuccess, AuthorizeQueryError, AuthorizeRedirectParams,
    AuthorizeRequest, CodeChallengeMethod, GateErrorParams, Prompt, PushedAuthorizationResponse,
    ResponseMode, ResponseType,
};
pub use callback::{
    AuthCallbackRequest, AuthCallbackResponse, CallbackType, CibaCallbackResponse,
    LogoutCallbackRequest, LogoutCallbackResponse,
};
pub use ciba::{BackchannelAuthenticationRequest, BackchannelAuthenticationResponse};
pub use introspect::{IntrospectionRequest, IntrospectionResponse};
pub use registration::{ClientRegistrationRequest, ClientRegistrationResponse};
pub use revoke::RevocationRequest;
pub use token::{
    AuthorizationCodeGrant, CibaGrant, ClientCredentialsGrant, GrantType, OrganizationSwitchGrant,
    RefreshTokenGrant, TokenEndpointAuthMethod, TokenExchangeGrant, TokenRequestParams,
    TokenResponse, TokenType, TokenTypeUri,
};

open_enum! {
    /// The `token_type_hint` of introspection and revocation (RFC 7009 §2.1). The server ignores it.
    pub enum TokenTypeHint {
        AccessToken = "access_token",
        RefreshToken = "refresh_token",
    }
}

/// Why a body could not be turned into, or read from, `(name, value)` pairs.
#[derive(Debug)]
pub enum FormError {
    /// The value did not serialize to a JSON object of strings (or arrays of strings).
    NotAFlatObject,
    /// The pairs did not fit the target type.
    Decode(serde_json::Error),
}

/// Serializes a form or query body (any type of this module) into `(name, value)` pairs.
///
/// A field holding several values (`resource`) yields one pair per value. The order of the pairs is
/// unspecified (the server does not care); the raw bodies' `to_pairs` keeps declaration order.
pub fn to_form_pairs<T: Serialize>(body: &T) -> Result<Vec<(String, String)>, FormError> {
    let Ok(Value::Object(object)) = serde_json::to_value(body) else {
        return Err(FormError::NotAFlatObject);
    };
    let mut pairs = Vec::with_capacity(object.len());
    for (name, value) in object {
        match value {
            Value::String(value) => pairs.push((name, value)),
            Value::Array(values) => {
                for value in values {
                    let Value::String(value) = value else {
                        return Err(FormError::NotAFlatObject);
                    };
                    pairs.push((name.clone(), value));
                }
            }
            _ => return Err(FormError::NotAFlatObject),
        }
    }
    Ok(pairs)
}

/// Reads a form or query body from decoded `(name, value)` pairs.
///
/// A repeated name becomes a list: fields that take several values (`resource`, `audience`) keep them
/// all, single-valued fields of the raw bodies keep the first, as Go's `r.FormValue` does.
pub fn from_form_pairs<T, I, K, V>(pairs: I) -> Result<T, FormError>
where
    T: DeserializeOwned,
    I: IntoIterator<Item = (K, V)>,
    K: Into<String>,
    V: Into<String>,
{
    let mut object = Map::new();
    for (name, value) in pairs {
        let value = Value::String(value.into());
        match object.entry(name.into()) {
            Entry::Vacant(slot) => {
                slot.insert(value);
            }
            Entry::Occupied(mut slot) => match slot.get_mut() {
                Value::Array(values) => values.push(value),
                first => {
                    let first_value = first.take();
                    *first = Value::Array(vec![first_value, value]);
                }
            },
        }
    }
    serde_json::from_value(Value::Object(object)).map_err(FormError::Decode)
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAFlatObject => f.write_str("form body must be an object of strings"),
            Self::Decode(error) => write!(f, "invalid form body: {error}"),
        }
    }
}

impl std::error::Error for FormError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::NotAFlatObject => None,
            Self::Decode(error) => Some(error),
        }
    }
}

/// `skip_serializing_if` helper for flags the server writes with `omitempty`.
pub(crate) fn is_false(value: &bool) -> bool {
    !*value
}

/// Declares a raw form or query body: every field is `Option<String>` (one value, the first wins) or
/// `Vec<String>` (a parameter that may repeat), absent fields are not serialized, and `Debug` redacts
/// the values of secret parameters (see [`form_field::is_secret_parameter`]).
macro_rules! form_params {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident: $ty:ty = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Default, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(
                    rename = $wire,
                    default,
                    with = "crate::oauth2::form_field",
                    skip_serializing_if = "crate::oauth2::form_field::is_absent"
                )]
                pub $field: $ty,
            )+
        }

        impl $name {
            /// The parameter names this body knows, in declaration order.
            pub const PARAMETER_NAMES: &'static [&'static str] = &[$($wire,)+];

            /// The body as form pairs, in declaration order, one pair per value.
            pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
                let mut pairs = Vec::new();
                $(
                    for value in crate::oauth2::form_field::FormField::values(&self.$field) {
                        pairs.push(($wire, value.to_owned()));
                    }
                )+
                pairs
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let mut out = f.debug_struct(stringify!($name));
                $(
                    if crate::oauth2::form_field::is_secret_parameter($wire) {
                        out.field(stringify!($field), &crate::oauth2::form_field::Redacted(&self.$field));
                    } else {
                        out.field(stringify!($field), &self.$field);
                    }
                )+
                out.finish()
            }
        }
    };
}
pub(crate) use form_params;

/// Serde support for the fields of [`form_params!`] bodies.
pub(crate) mod form_field {
    use std::fmt;

    use serde::de::{self, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};

    /// A raw form field: one value (`Option<String>`) or several (`Vec<String>`).
    pub(crate) trait FormField: Default {
        fn values(&self) -> Vec<&str>;
        /// Adds a value read from the wire. A single-valued field keeps the first one.
        fn push(&mut self, value: String);
    }

    impl FormField for Option<String> {
        fn values(&self) -> Vec<&str> {
            self.as_deref().into_iter().collect()
        }

        fn push(&mut self, value: String) {
            self.get_or_insert(value);
        }
    }

    impl FormField for Vec<String> {
        fn values(&self) -> Vec<&str> {
            self.iter().map(String::as_str).collect()
        }

        fn push(&mut self, value: String) {
            Vec::push(self, value);
        }
    }

    /// Parameters whose values are credentials or tokens: never printed by `Debug`.
    pub(crate) fn is_secret_parameter(name: &str) -> bool {
        matches!(
            name,
            "code"
                | "code_verifier"
                | "refresh_token"
                | "client_secret"
                | "client_assertion"
                | "subject_token"
                | "actor_token"
                | "token"
                | "assertion"
                | "password"
                | "id_token_hint"
        )
    }

    pub(crate) fn is_absent<T: FormField>(field: &T) -> bool {
        field.values().is_empty()
    }

    /// One value as a string, several as an array (what [`super::from_form_pairs`] builds).
    pub(crate) fn serialize<T: FormField, S: Serializer>(
        field: &T,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match field.values().as_slice() {
            [single] => s.serialize_str(single),
            values => s.collect_seq(values),
        }
    }

    /// Accepts a string, an array of strings (a repeated parameter) or null.
    pub(crate) fn deserialize<'de, T: FormField, D: Deserializer<'de>>(
        d: D,
    ) -> Result<T, D::Error> {
        struct FieldVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: FormField> Visitor<'de> for FieldVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
                let mut field = T::default();
                field.push(value.to_owned());
                Ok(field)
            }

            fn visit_unit<E: de::Error>(self) -> Result<T, E> {
                Ok(T::default())
            }

            fn visit_none<E: de::Error>(self) -> Result<T, E> {
                Ok(T::default())
            }

            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<T, D2::Error> {
                d.deserialize_any(self)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
                let mut field = T::default();
                while let Some(value) = seq.next_element::<String>()? {
                    field.push(value);
                }
                Ok(field)
            }
        }

        d.deserialize_any(FieldVisitor(std::marker::PhantomData))
    }

    /// `Debug` for a secret field: shows whether it is present, never its value.
    pub(crate) struct Redacted<'a, T>(pub(crate) &'a T);

    impl<T: FormField> fmt::Debug for Redacted<'_, T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self.0.values().len() {
                0 => f.write_str("None"),
                _ => f.write_str("Some([redacted])"),
            }
        }
    }
}

/// A query flag the server writes as the string `"true"` and omits otherwise
/// (`showInsecureWarning`). Accepts a JSON boolean too.
pub(crate) mod query_flag {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(value: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if *value { "true" } else { "false" })
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Flag {
            Bool(bool),
            Text(String),
        }
        Ok(match Flag::deserialize(d)? {
            Flag::Bool(value) => value,
            Flag::Text(text) => text == "true",
        })
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the OAuth types, and generic helpers the other areas reuse.
    use std::collections::BTreeMap;
    use std::fmt;

    use proptest::prelude::*;
    use serde_json::Value;

    use super::TokenTypeHint;

    /// Short arbitrary text (any Unicode, possibly empty).
    pub fn text() -> impl Strategy<Value = String> + Clone {
        ".{0,12}"
    }

    /// Optional short text.
    pub fn opt_text() -> impl Strategy<Value = Option<String>> + Clone {
        proptest::option::of(text())
    }

    /// A value of an open enum: a known one, or an unknown string parsed (so it never aliases a known
    /// value).
    pub fn open_enum<T>(all: &'static [T], parse: fn(&str) -> T) -> BoxedStrategy<T>
    where
        T: Clone + fmt::Debug + 'static,
    {
        prop_oneof![
            proptest::sample::select(all),
            "[A-Za-z0-9_:.+-]{0,16}".prop_map(move |s| parse(&s))
        ]
        .boxed()
    }

    /// Any JSON value, a few levels deep: for "parsing never panics" and for free-form claims.
    pub fn json_value() -> BoxedStrategy<Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("JSON numbers are finite", |n| n.is_finite())
                .prop_map(Value::from),
            text().prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(text(), inner, 0..6)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
        .boxed()
    }

    /// A JSON object whose keys are mostly drawn from `keys` (a type's field names), so that random
    /// input reaches the field parsers rather than being rejected at the top.
    pub fn json_object_with_keys(keys: &'static [&'static str]) -> BoxedStrategy<Value> {
        let key =
            prop_oneof![3 => proptest::sample::select(keys).prop_map(str::to_owned), 1 => text()];
        prop::collection::btree_map(key, json_value(), 0..12)
            .prop_map(|map| Value::Object(map.into_iter().collect()))
            .boxed()
    }

    /// Free-form extra members (user attributes, unknown claims). Keys start with `x_` so they never
    /// collide with a modelled field.
    pub fn extra_members() -> impl Strategy<Value = BTreeMap<String, Value>> {
        prop::collection::btree_map("x_[a-z0-9_]{1,8}", json_value(), 0..4)
    }

    /// A raw form body of `T` from random pairs over its parameter names (repeats included).
    pub fn form_body<T>(names: &'static [&'static str]) -> BoxedStrategy<T>
    where
        T: serde::de::DeserializeOwned + fmt::Debug + 'static,
    {
        prop::collection::vec((proptest::sample::select(names), text()), 0..12)
            .prop_filter_map("fits the body", |pairs| super::from_form_pairs(pairs).ok())
            .boxed()
    }

    /// Any [`TokenTypeHint`].
    pub fn token_type_hint() -> BoxedStrategy<TokenTypeHint> {
        open_enum(TokenTypeHint::ALL, TokenTypeHint::parse)
    }
}

/// Helpers shared by the areas' `tests.rs`.
#[cfg(test)]
pub(crate) mod test_support {
    use std::fmt::Debug;

    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    /// Parses a captured body and checks that serializing it gives the same JSON back.
    #[track_caller]
    pub(crate) fn parse_exact<T: Serialize + DeserializeOwned + Debug>(body: Value) -> T {
        let parsed: T = match serde_json::from_value(body.clone()) {
            Ok(parsed) => parsed,
            Err(error) => panic!("{error}\nbody: {body:#}"),
        };
        let back = serde_json::to_value(&parsed).expect("serializes");
        assert_eq!(
            back, body,
            "re-serialized body differs from the capture\nparsed: {parsed:#?}"
        );
        parsed
    }

    /// Checks one open or closed enum value in both directions.
    #[track_caller]
    pub(crate) fn assert_wire_string<T>(value: T, wire: &str)
    where
        T: Serialize + DeserializeOwned + Debug + PartialEq,
    {
        assert_eq!(
            serde_json::to_value(&value).expect("serializes"),
            Value::String(wire.to_owned())
        );
        let parsed: T = serde_json::from_value(Value::String(wire.to_owned())).expect("parses");
        assert_eq!(parsed, value);
    }

    /// Pins every known value in both directions, checks the table is complete, and that an unknown value
    /// survives a round trip.
    #[track_caller]
    pub(crate) fn check_open_enum<T>(
        all: &[T],
        table: &[(T, &str)],
        parse: fn(&str) -> T,
        unknown: &str,
    ) where
        T: serde::Serialize
            + serde::de::DeserializeOwned
            + std::fmt::Debug
            + PartialEq
            + Clone
            + std::fmt::Display,
    {
        assert_eq!(
            all.len(),
            table.len(),
            "the table must list every known value"
        );
        for (value, wire) in table {
            assert!(all.contains(value));
            assert_eq!(value.to_string(), *wire);
            assert_eq!(parse(wire), *value);
            assert_wire_string(value.clone(), wire);
        }
        let other = parse(unknown);
        assert_eq!(
            all.iter().position(|known| *known == other),
            None,
            "{unknown} must not be known"
        );
        assert_wire_string(other, unknown);
    }

    /// Pins an open enum's wire strings: `pin_open_enum!(Type, unknown: "x", { Variant => "wire", … })`
    /// lists every known variant in declaration order, and `x` must round-trip as `Other`.
    macro_rules! pin_open_enum {
        ($ty:ident, unknown: $unknown:literal, { $($variant:ident => $wire:literal,)+ }) => {
            $crate::oauth2::test_support::check_open_enum(
                $ty::ALL,
                &[$(($ty::$variant, $wire)),+],
                $ty::parse,
                $unknown,
            )
        };
    }
    pub(crate) use pin_open_enum;

    /// `from_value(to_value(x)) == x`, as a proptest assertion.
    pub(crate) fn round_trips<T>(value: &T) -> Result<(), proptest::test_runner::TestCaseError>
    where
        T: Serialize + DeserializeOwned + Debug + PartialEq,
    {
        let json = serde_json::to_value(value)
            .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
        let back: T = serde_json::from_value(json.clone())
            .map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}: {json}")))?;
        proptest::prop_assert_eq!(&back, value);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
