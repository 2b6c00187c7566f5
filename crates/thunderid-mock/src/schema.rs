//! User-type schemas (`backend/internal/entitytype/model/schema.go` and the per-type files): the
//! JSON a user type stores verbatim, compiled into a [`Schema`] that validates user attributes.
//!
//! A schema maps attribute names to property definitions, each with a `type` of `string`, `number`,
//! `boolean`, `object` (nested `properties`) or `array` (an `items` definition), and per type a fixed
//! set of allowed keys (`required`, `unique`, `credential`, `displayName`, `enum`, `regex` or
//! `pattern`). Compile errors carry the server's detail texts, nested as it nests them.
//!
//! Validation gives a single yes or no, as the server's (USR-1019 without details): required
//! attributes present, every value of its declared type, strings in their `enum` and matching their
//! pattern anywhere (Go's `MatchString`), and no undeclared attribute.

use std::collections::BTreeMap;

use regex::Regex;
use serde_json::{Map, Value};

/// A compiled schema.
#[derive(Debug, Clone)]
pub(crate) struct Schema {
    properties: BTreeMap<String, Property>,
}

/// One attribute.
#[derive(Debug, Clone)]
pub(crate) struct Property {
    pub kind: Kind,
    pub required: bool,
    pub unique: bool,
    pub credential: bool,
    pub display_name: Option<String>,
}

/// An attribute's type, with what that type checks.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    String {
        allowed: Option<Vec<String>>,
        pattern: Option<Regex>,
    },
    Number {
        allowed: Option<Vec<f64>>,
    },
    Boolean,
    Object {
        properties: BTreeMap<String, Property>,
    },
    Array {
        items: Box<Property>,
    },
}

/// How an attribute fails its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    /// A required attribute is absent.
    Missing,
    /// The value is not of the declared type (named), in its `enum`, or matching its pattern.
    Invalid(&'static str),
    /// The schema does not declare the attribute.
    Undeclared,
}

/// Why a display attribute was refused (USRS-1011, 1012, 1013).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DisplayError {
    NotInSchema,
    NotDisplayable,
    Credential,
}

impl std::fmt::Display for DisplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NotInSchema => "names no attribute of the schema (dot notation for nested ones)",
            Self::NotDisplayable => "must name a string or number attribute",
            Self::Credential => "must not name a credential attribute",
        })
    }
}

impl Kind {
    /// The type's name in the schema.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Self::String { .. } => "string",
            Self::Number { .. } => "number",
            Self::Boolean => "boolean",
            Self::Object { .. } => "object",
            Self::Array { .. } => "array",
        }
    }
}

impl Schema {
    /// Compile a stored schema (`ValidateSchemaDefinition`); the error is the server's detail text.
    pub(crate) fn compile(schema: &Value) -> Result<Self, String> {
        let object = match schema {
            Value::Object(object) if !object.is_empty() => object,
            Value::Object(_) | Value::Null => {
                return Err(
                    "schema cannot be empty - must contain at least one property definition"
                        .to_owned(),
                );
            }
            _ => return Err("invalid JSON: schema must be a JSON object".to_owned()),
        };
        let properties = compile_properties(object, "property")?;
        Ok(Self { properties })
    }

    /// The top-level attributes, by name.
    pub(crate) fn properties(&self) -> &BTreeMap<String, Property> {
        &self.properties
    }

    pub(crate) fn property(&self, name: &str) -> Option<&Property> {
        self.properties.get(name)
    }

    /// The attribute at a dot path (`address.city`).
    pub(crate) fn property_at(&self, path: &str) -> Option<&Property> {
        let mut segments = path.split('.');
        let mut property = self.properties.get(segments.next()?)?;
        for segment in segments {
            match &property.kind {
                Kind::Object { properties } => property = properties.get(segment)?,
                _ => return None,
            }
        }
        Some(property)
    }

    /// Whether `attributes` conform. `skip_required_credentials`: updates do not ask for required
    /// credentials (they are stored apart and kept).
    pub(crate) fn validate(
        &self,
        attributes: &Map<String, Value>,
        skip_required_credentials: bool,
    ) -> bool {
        self.problem(attributes, skip_required_credentials)
            .is_none()
    }

    /// The first attribute that does not conform, and how (the server says only "no"; the mock's
    /// SCIM and flow answers name the attribute).
    pub(crate) fn problem(
        &self,
        attributes: &Map<String, Value>,
        skip_required_credentials: bool,
    ) -> Option<(String, Problem)> {
        for (name, property) in &self.properties {
            match attributes.get(name) {
                None if property.required
                    && !(skip_required_credentials && property.credential) =>
                {
                    return Some((name.clone(), Problem::Missing));
                }
                None => {}
                Some(value) if !property.accepts(value) => {
                    return Some((name.clone(), Problem::Invalid(property.kind.name())));
                }
                Some(_) => {}
            }
        }
        attributes
            .keys()
            .find(|name| !self.properties.contains_key(*name))
            .map(|name| (name.clone(), Problem::Undeclared))
    }

    /// `validateDisplayAttribute`: the display path names a string or number attribute that is not a
    /// credential.
    pub(crate) fn check_display(&self, path: &str) -> Result<(), DisplayError> {
        let property = self.property_at(path).ok_or(DisplayError::NotInSchema)?;
        match property.kind {
            Kind::String { .. } | Kind::Number { .. } => {}
            _ => return Err(DisplayError::NotDisplayable),
        }
        if property.credential {
            return Err(DisplayError::Credential);
        }
        Ok(())
    }

    /// The names of the top-level credential attributes.
    pub(crate) fn credentials(&self) -> impl Iterator<Item = &str> {
        self.properties
            .iter()
            .filter(|(_, p)| p.credential)
            .map(|(name, _)| name.as_str())
    }

    /// The unique string or number attributes present in `attributes`, as (dot path, value),
    /// nested objects included.
    pub(crate) fn unique_values(&self, attributes: &Map<String, Value>) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        collect_unique(&self.properties, attributes, "", &mut out);
        out
    }
}

impl Property {
    fn accepts(&self, value: &Value) -> bool {
        match (&self.kind, value) {
            (Kind::String { allowed, pattern }, Value::String(text)) => {
                allowed.as_ref().is_none_or(|a| a.contains(text))
                    && pattern.as_ref().is_none_or(|re| re.is_match(text))
            }
            (Kind::Number { allowed }, Value::Number(number)) => {
                let value = number.as_f64().unwrap_or(f64::NAN);
                allowed.as_ref().is_none_or(|a| a.contains(&value))
            }
            (Kind::Boolean, Value::Bool(_)) => true,
            (Kind::Object { properties }, Value::Object(object)) => {
                properties
                    .iter()
                    .all(|(name, property)| match object.get(name) {
                        None => !property.required,
                        // A nested `null` is skipped.
                        Some(Value::Null) => true,
                        Some(value) => property.accepts(value),
                    })
                    && object.keys().all(|name| properties.contains_key(name))
            }
            (Kind::Array { items }, Value::Array(values)) => {
                !(self.required && values.is_empty()) && values.iter().all(|v| items.accepts(v))
            }
            _ => false,
        }
    }
}

fn collect_unique(
    properties: &BTreeMap<String, Property>,
    attributes: &Map<String, Value>,
    prefix: &str,
    out: &mut Vec<(String, Value)>,
) {
    for (name, property) in properties {
        let Some(value) = attributes.get(name) else {
            continue;
        };
        let path = format!("{prefix}{name}");
        match (&property.kind, value) {
            (Kind::String { .. }, Value::String(_)) | (Kind::Number { .. }, Value::Number(_))
                if property.unique =>
            {
                out.push((path, value.clone()));
            }
            (Kind::Object { properties }, Value::Object(object)) => {
                collect_unique(properties, object, &format!("{path}."), out);
            }
            _ => {}
        }
    }
}

fn compile_properties(
    object: &Map<String, Value>,
    label: &str,
) -> Result<BTreeMap<String, Property>, String> {
    object
        .iter()
        .map(|(name, definition)| {
            compile_property(definition)
                .map(|p| (name.clone(), p))
                .map_err(|e| format!("invalid {label} '{name}': {e}"))
        })
        .collect()
}

fn compile_property(definition: &Value) -> Result<Property, String> {
    let Value::Object(definition) = definition else {
        return Err("property definition must be an object".to_owned());
    };
    let kind = match definition.get("type") {
        None => return Err("missing required 'type' field".to_owned()),
        Some(Value::String(kind)) => kind.as_str(),
        Some(_) => return Err("'type' field must be a string".to_owned()),
    };
    let (allowed_keys, family): (&[&str], &str) = match kind {
        "string" => (
            &[
                "type",
                "required",
                "unique",
                "credential",
                "displayName",
                "enum",
                "regex",
                "pattern",
            ],
            "leaf",
        ),
        "number" => (
            &[
                "type",
                "required",
                "unique",
                "credential",
                "displayName",
                "enum",
            ],
            "leaf",
        ),
        "boolean" => (&["type", "required", "displayName"], "leaf"),
        "object" => (&["type", "required", "displayName", "properties"], "object"),
        "array" => (&["type", "required", "displayName", "items"], "array"),
        other => {
            return Err(format!(
                "invalid type '{other}', must be one of: string, number, boolean, object, array"
            ));
        }
    };
    if let Some(key) = definition
        .keys()
        .find(|key| !allowed_keys.contains(&key.as_str()))
    {
        return Err(format!("invalid field '{key}' for {family} property"));
    }
    let flag = |name: &str| match definition.get(name) {
        None => Ok(false),
        Some(Value::Bool(value)) => Ok(*value),
        Some(_) => Err(format!("'{name}' field must be a boolean")),
    };
    let display_name = match definition.get("displayName") {
        None => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => return Err("'displayName' field must be a string".to_owned()),
    };
    let kind = match kind {
        "string" => string_kind(definition)?,
        "number" => number_kind(definition)?,
        "boolean" => Kind::Boolean,
        "object" => match definition.get("properties") {
            None => return Err("missing required 'properties' field for object type".to_owned()),
            Some(Value::Object(nested)) => Kind::Object {
                properties: compile_properties(nested, "nested property")?,
            },
            Some(_) => return Err("'properties' field must be an object".to_owned()),
        },
        _ => match definition.get("items") {
            None => return Err("missing required 'items' field for array type".to_owned()),
            Some(items) => Kind::Array {
                items: Box::new(
                    compile_property(items)
                        .map_err(|e| format!("invalid 'items' definition: {e}"))?,
                ),
            },
        },
    };
    Ok(Property {
        kind,
        required: flag("required")?,
        unique: flag("unique")?,
        credential: flag("credential")?,
        display_name,
    })
}

fn string_kind(definition: &Map<String, Value>) -> Result<Kind, String> {
    let allowed = match enum_values(definition)? {
        None => None,
        Some(values) => Some(
            values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.as_str().map(str::to_owned).ok_or_else(|| {
                        format!(
                            "'enum' array item at index {i} must be a string to match property type"
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    if definition.contains_key("regex") && definition.contains_key("pattern") {
        return Err(
            "cannot define both 'regex' and 'pattern' fields for the same property".to_owned(),
        );
    }
    let pattern = match (definition.get("regex"), definition.get("pattern")) {
        (Some(value), _) => Some(("regex", value)),
        (None, Some(value)) => Some(("pattern", value)),
        (None, None) => None,
    };
    let pattern = match pattern {
        None => None,
        Some((_, Value::String(text))) => Some(
            crate::graph::compile_pattern(text)
                .map_err(|e| format!("failed to compile regex pattern: {e}"))?,
        ),
        Some((name, _)) => return Err(format!("'{name}' field must be a string")),
    };
    Ok(Kind::String { allowed, pattern })
}

fn number_kind(definition: &Map<String, Value>) -> Result<Kind, String> {
    let allowed = match enum_values(definition)? {
        None => None,
        Some(values) => Some(
            values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.as_f64().ok_or_else(|| {
                        format!(
                            "'enum' array item at index {i} must be a number to match property type"
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    Ok(Kind::Number { allowed })
}

fn enum_values(definition: &Map<String, Value>) -> Result<Option<&Vec<Value>>, String> {
    match definition.get("enum") {
        None => Ok(None),
        Some(Value::Array(values)) if values.is_empty() => {
            Err("'enum' array cannot be empty".to_owned())
        }
        Some(Value::Array(values)) => Ok(Some(values)),
        Some(_) => Err("'enum' field must be an array".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn compile(schema: Value) -> Result<Schema, String> {
        Schema::compile(&schema)
    }

    fn attributes(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn compile_errors_are_the_servers_texts() {
        assert_eq!(
            compile(json!({})).unwrap_err(),
            "schema cannot be empty - must contain at least one property definition"
        );
        assert_eq!(
            compile(json!({"a": {"required": true}})).unwrap_err(),
            "invalid property 'a': missing required 'type' field"
        );
        assert_eq!(
            compile(json!({"a": {"type": "date"}})).unwrap_err(),
            "invalid property 'a': invalid type 'date', must be one of: string, number, boolean, object, array"
        );
        assert_eq!(
            compile(json!({"a": {"type": "boolean", "unique": true}})).unwrap_err(),
            "invalid property 'a': invalid field 'unique' for leaf property"
        );
        assert_eq!(
            compile(json!({"address": {"type": "object", "properties": {"zip": {}}}})).unwrap_err(),
            "invalid property 'address': invalid nested property 'zip': missing required 'type' field"
        );
        assert_eq!(
            compile(json!({"a": {"type": "string", "regex": "x", "pattern": "y"}})).unwrap_err(),
            "invalid property 'a': cannot define both 'regex' and 'pattern' fields for the same property"
        );
        assert!(
            compile(json!({"a": {"type": "string", "regex": "("}}))
                .unwrap_err()
                .starts_with("invalid property 'a': failed to compile regex pattern: ")
        );
    }

    #[test]
    fn attributes_validate_against_types_required_and_declared_keys() {
        let schema = compile(json!({
            "username": {"type": "string", "required": true, "unique": true},
            "password": {"type": "string", "required": true, "credential": true},
            "age": {"type": "number", "enum": [1, 2]},
            "tags": {"type": "array", "items": {"type": "string", "regex": "^[a-z]+$"}},
            "address": {"type": "object", "properties": {"zip": {"type": "string", "unique": true}}}
        }))
        .unwrap();
        let ok = attributes(json!({"username": "thor", "password": "x", "age": 2,
            "tags": ["a"], "address": {"zip": "123"}}));
        assert!(schema.validate(&ok, false));
        assert!(!schema.validate(&attributes(json!({"username": "thor"})), false));
        assert!(schema.validate(&attributes(json!({"username": "thor"})), true));
        assert!(!schema.validate(
            &attributes(json!({"username": "thor", "password": "x", "age": 3})),
            false
        ));
        assert!(!schema.validate(
            &attributes(json!({"username": "thor", "password": "x", "x": 1})),
            false
        ));
        assert!(!schema.validate(
            &attributes(json!({"username": "thor", "password": "x", "tags": ["A"]})),
            false
        ));
        assert_eq!(
            schema.unique_values(&ok),
            vec![
                ("address.zip".to_owned(), json!("123")),
                ("username".to_owned(), json!("thor")),
            ]
        );
        assert_eq!(schema.credentials().collect::<Vec<_>>(), ["password"]);
        assert!(schema.property_at("address.zip").is_some());
    }
}
