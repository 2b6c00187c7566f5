//! Applying a SCIM [`PatchOp`] (RFC 7644 §3.5.2) to a user's attributes.
//!
//! * `add` and `replace` set what `path` addresses to `value`; without a `path`, `value` is a partial
//!   User whose known members (`userName`, `name`, `emails`, `phoneNumbers`) are applied and whose
//!   other members are ignored, as WSO2 ignores attributes it does not map. This is what the SDK
//!   sent: `{"op":"replace","value":{…}}`.
//! * `remove` clears what `path` addresses; it needs a `path` (`noTarget` otherwise).
//! * Paths: `userName`, `name`, `name.givenName`, `name.familyName`, `emails`, `phoneNumbers`, and
//!   `emails[…]`, `emails.value`, `emails[…].value` (likewise `phoneNumbers`), optionally prefixed with
//!   the User schema URN; names match case-insensitively and a filter selects the one value the mock
//!   keeps. Anything else is `invalidPath`.
//! * `op` matches case-insensitively; an unknown `op` is `invalidSyntax`, a value of the wrong type
//!   `invalidValue`.

use serde_json::{Map, Value};
use thunderid_protocol::scim::{
    self, MultiValue, PatchOp, PatchOperation, PatchOperationKind, ScimErrorType, ScimName,
};

use super::{attribute, scim_error};
use crate::error::MockError;

/// The new attributes after every operation of `patch`, in order, on `current`.
pub(super) fn apply(
    patch: &PatchOp,
    current: &Map<String, Value>,
) -> Result<Map<String, Value>, MockError> {
    if !patch.schemas.iter().any(|s| s == scim::PATCH_OP_SCHEMA) {
        return Err(scim_error(
            400,
            ScimErrorType::InvalidSyntax,
            format!(
                "The request must declare the schema {}.",
                scim::PATCH_OP_SCHEMA
            ),
        ));
    }
    if patch.operations.is_empty() {
        return Err(scim_error(
            400,
            ScimErrorType::InvalidValue,
            "The request has no Operations.",
        ));
    }
    let mut attributes = current.clone();
    for operation in &patch.operations {
        apply_operation(&mut attributes, operation)?;
    }
    Ok(attributes)
}

/// What a `path` addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    UserName,
    /// `name` as a whole.
    Name,
    GivenName,
    FamilyName,
    /// `emails` as a whole (the mock keeps one address).
    Emails,
    /// One email's value (`emails[…]`, `emails.value`).
    Email,
    PhoneNumbers,
    Mobile,
}

fn apply_operation(
    attributes: &mut Map<String, Value>,
    operation: &PatchOperation,
) -> Result<(), MockError> {
    let kind = PatchOperationKind::parse_ignoring_case(operation.op.as_str());
    match kind {
        PatchOperationKind::Add | PatchOperationKind::Replace => {
            let value = operation.value.as_ref().ok_or_else(|| {
                scim_error(
                    400,
                    ScimErrorType::InvalidValue,
                    format!("The {} operation needs a value.", kind.as_str()),
                )
            })?;
            match &operation.path {
                Some(path) => set(attributes, parse_path(path)?, value),
                None => set_resource(attributes, value),
            }
        }
        PatchOperationKind::Remove => {
            let path = operation.path.as_deref().ok_or_else(|| {
                scim_error(
                    400,
                    ScimErrorType::NoTarget,
                    "The remove operation needs a path.",
                )
            })?;
            remove(attributes, parse_path(path)?);
            Ok(())
        }
        PatchOperationKind::Other(op) => Err(scim_error(
            400,
            ScimErrorType::InvalidSyntax,
            format!("Unknown operation: {op}."),
        )),
    }
}

/// A path-less `add`/`replace`: `value` is a partial User.
fn set_resource(attributes: &mut Map<String, Value>, value: &Value) -> Result<(), MockError> {
    let Value::Object(members) = value else {
        return Err(invalid_value(
            "Without a path, the value must be a User object.",
        ));
    };
    for (name, member) in members {
        let target = match () {
            _ if name.eq_ignore_ascii_case("userName") => Target::UserName,
            _ if name.eq_ignore_ascii_case("name") => Target::Name,
            _ if name.eq_ignore_ascii_case("emails") => Target::Emails,
            _ if name.eq_ignore_ascii_case("phoneNumbers") => Target::PhoneNumbers,
            // `schemas`, `id`, `meta`, extensions and attributes the mock does not map.
            _ => continue,
        };
        set(attributes, target, member)?;
    }
    Ok(())
}

fn set(
    attributes: &mut Map<String, Value>,
    target: Target,
    value: &Value,
) -> Result<(), MockError> {
    let mut put = |name: &str, text: String| {
        attributes.insert(name.to_owned(), Value::String(text));
    };
    match target {
        Target::UserName => put(attribute::USERNAME, text(value, "userName")?),
        Target::GivenName => put(attribute::GIVEN_NAME, text(value, "name.givenName")?),
        Target::FamilyName => put(attribute::FAMILY_NAME, text(value, "name.familyName")?),
        Target::Email => put(attribute::EMAIL, text(value, "emails.value")?),
        Target::Mobile => put(attribute::MOBILE, text(value, "phoneNumbers.value")?),
        Target::Name => {
            let name: ScimName = serde_json::from_value(value.clone())
                .map_err(|_| invalid_value("name must be an object of strings."))?;
            // Sub-attributes not given are left as they are (RFC 7644 §3.5.2.3).
            if let Some(given_name) = name.given_name {
                put(attribute::GIVEN_NAME, given_name);
            }
            if let Some(family_name) = name.family_name {
                put(attribute::FAMILY_NAME, family_name);
            }
        }
        Target::Emails => match chosen_value(value, "emails", |v| v.primary == Some(true))? {
            Some(email) => put(attribute::EMAIL, email),
            None => remove(attributes, Target::Emails),
        },
        Target::PhoneNumbers => match chosen_value(value, "phoneNumbers", |v| {
            v.kind.as_deref() == Some("mobile")
        })? {
            Some(mobile) => put(attribute::MOBILE, mobile),
            None => remove(attributes, Target::PhoneNumbers),
        },
    }
    Ok(())
}

fn remove(attributes: &mut Map<String, Value>, target: Target) {
    let names: &[&str] = match target {
        Target::UserName => &[attribute::USERNAME],
        Target::Name => &[attribute::GIVEN_NAME, attribute::FAMILY_NAME],
        Target::GivenName => &[attribute::GIVEN_NAME],
        Target::FamilyName => &[attribute::FAMILY_NAME],
        Target::Emails | Target::Email => &[attribute::EMAIL],
        Target::PhoneNumbers | Target::Mobile => &[attribute::MOBILE],
    };
    for name in names {
        attributes.remove(*name);
    }
}

/// The value a multi-valued attribute keeps: the one `preferred` picks, else the first. `value` may
/// be an array, a single value, or WSO2's bare strings. An empty array keeps nothing.
fn chosen_value(
    value: &Value,
    attribute: &str,
    preferred: impl Fn(&thunderid_protocol::scim::MultiValuedAttribute) -> bool,
) -> Result<Option<String>, MockError> {
    let values: Vec<MultiValue> = match value {
        Value::Array(_) => serde_json::from_value(value.clone()),
        _ => serde_json::from_value(value.clone()).map(|single| vec![single]),
    }
    .map_err(|_| invalid_value(format!("{attribute} must be a list of values.")))?;
    let pick = values
        .iter()
        .find(|v| matches!(v, MultiValue::Complex(complex) if preferred(complex)))
        .or_else(|| values.first());
    match pick {
        None => Ok(None),
        Some(MultiValue::Plain(text)) => Ok(Some(text.clone())),
        Some(MultiValue::Complex(complex)) => complex
            .value
            .clone()
            .map(Some)
            .ok_or_else(|| invalid_value(format!("{attribute} needs a value."))),
    }
}

/// `userName`, `name.givenName`, `emails[type eq "work"].value`, `urn:…:User:name`, … (see the module
/// docs).
fn parse_path(path: &str) -> Result<Target, MockError> {
    let invalid = || {
        scim_error(
            400,
            ScimErrorType::InvalidPath,
            format!("The path {path} is not supported."),
        )
    };
    let trimmed = path.trim();
    let unqualified = strip_prefix_ignoring_case(trimmed, scim::USER_SCHEMA)
        .and_then(|rest| rest.strip_prefix(':'))
        .unwrap_or(trimmed);
    // `attr[filter]`, `attr[filter].sub`, `attr.sub` or `attr`.
    let (attribute, filtered, sub) = match unqualified.split_once('[') {
        Some((attribute, rest)) => {
            let (filter, after) = rest.split_once(']').ok_or_else(invalid)?;
            if filter.trim().is_empty() {
                return Err(invalid());
            }
            let sub = match after {
                "" => None,
                _ => Some(after.strip_prefix('.').ok_or_else(invalid)?),
            };
            (attribute, true, sub)
        }
        None => match unqualified.split_once('.') {
            Some((attribute, sub)) => (attribute, false, Some(sub)),
            None => (unqualified, false, None),
        },
    };
    let is = |name: &str, expected: &str| name.eq_ignore_ascii_case(expected);
    let is_value = sub.is_none_or(|sub| is(sub, "value"));
    let target = match () {
        _ if is(attribute, "userName") && !filtered && sub.is_none() => Target::UserName,
        _ if is(attribute, "name") && !filtered => match sub {
            None => Target::Name,
            Some(sub) if is(sub, "givenName") => Target::GivenName,
            Some(sub) if is(sub, "familyName") => Target::FamilyName,
            Some(_) => return Err(invalid()),
        },
        _ if is(attribute, "emails") && !filtered && sub.is_none() => Target::Emails,
        _ if is(attribute, "emails") && is_value => Target::Email,
        _ if is(attribute, "phoneNumbers") && !filtered && sub.is_none() => Target::PhoneNumbers,
        _ if is(attribute, "phoneNumbers") && is_value => Target::Mobile,
        _ => return Err(invalid()),
    };
    Ok(target)
}

fn strip_prefix_ignoring_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn text(value: &Value, attribute: &str) -> Result<String, MockError> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| invalid_value(format!("{attribute} must be a string.")))
}

fn invalid_value(detail: impl Into<String>) -> MockError {
    scim_error(400, ScimErrorType::InvalidValue, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_address_the_mapped_attributes() {
        let ok = |path: &str| parse_path(path).ok();
        assert_eq!(ok("userName"), Some(Target::UserName));
        assert_eq!(ok("USERNAME"), Some(Target::UserName));
        assert_eq!(ok("name"), Some(Target::Name));
        assert_eq!(ok("name.givenName"), Some(Target::GivenName));
        assert_eq!(
            ok("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName"),
            Some(Target::FamilyName)
        );
        assert_eq!(ok("emails"), Some(Target::Emails));
        assert_eq!(ok("emails.value"), Some(Target::Email));
        assert_eq!(ok("emails[primary eq true].value"), Some(Target::Email));
        assert_eq!(ok("emails[type eq \"work\"]"), Some(Target::Email));
        assert_eq!(
            ok("phoneNumbers[type eq \"mobile\"].value"),
            Some(Target::Mobile)
        );
        for bad in [
            "nickName",
            "name.middleName",
            "emails[].value",
            "emails[x",
            "emails[a eq b]display",
            "userName.x",
            "name[x eq y]",
        ] {
            assert!(parse_path(bad).is_err(), "{bad}");
        }
    }
}
