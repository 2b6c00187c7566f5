//! The two kinds' bodies as the server reads them: a management request through Go's
//! `encoding/json` into the request struct (members matched ignoring case, a member of the wrong
//! type fails the decode) and then `requestToDTO`'s sanitizing; an `/import` document or a
//! declarative file through yaml.v3 into the DTO (exact keys, any scalar into a string field, no
//! sanitizing).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Draft;
use crate::openid4vp::PresentationDefinition;
use crate::store::vc::{ClaimMapping, CredentialConfiguration, CredentialDisplay};
use crate::wire::sanitize;

/// Where a body comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// A management API request.
    Api,
    /// An `/import` document or a declarative file.
    Document,
}

/// Why a body did not decode (the document's message names the field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DecodeError(pub(crate) String);

struct Fields<'a> {
    object: &'a Map<String, Value>,
    source: Source,
}

/// yaml.v3's text for a node of the wrong kind (without its line: the document is already
/// parsed); the API's decode error is never shown.
fn wrong(_name: &str, want: &str, got: &Value) -> DecodeError {
    let tag = match got {
        Value::Object(_) => "!!map",
        Value::Array(_) => "!!seq",
        Value::String(_) => "!!str",
        Value::Number(n) if n.is_f64() => "!!float",
        Value::Number(_) => "!!int",
        Value::Bool(_) => "!!bool",
        Value::Null => "!!null",
    };
    DecodeError(format!(
        "yaml: unmarshal errors:\n  cannot unmarshal {tag} into {want}"
    ))
}

impl<'a> Fields<'a> {
    fn new(value: &'a Value, source: Source, name: &str) -> Result<Self, DecodeError> {
        match value {
            Value::Object(object) => Ok(Self { object, source }),
            other => Err(wrong(name, "object", other)),
        }
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        let found = self.object.get(name).or_else(|| match self.source {
            Source::Api => self
                .object
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v),
            Source::Document => None,
        });
        found.filter(|v| !v.is_null())
    }

    fn scalar(&self, name: &str, value: &Value) -> Result<String, DecodeError> {
        match (value, self.source) {
            (Value::String(s), Source::Api) => Ok(sanitize(s)),
            (Value::String(s), Source::Document) => Ok(s.clone()),
            (Value::Number(n), Source::Document) => Ok(n.to_string()),
            (Value::Bool(b), Source::Document) => Ok(b.to_string()),
            (Value::Null, _) => Ok(String::new()),
            (other, _) => Err(wrong(name, "string", other)),
        }
    }

    fn string(&self, name: &str) -> Result<String, DecodeError> {
        self.get(name)
            .map_or(Ok(String::new()), |v| self.scalar(name, v))
    }

    fn strings(&self, name: &str) -> Result<Vec<String>, DecodeError> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items.iter().map(|i| self.scalar(name, i)).collect(),
            Some(other) => Err(wrong(name, "[]string", other)),
        }
    }

    fn flag(&self, name: &str) -> Result<Option<bool>, DecodeError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(wrong(name, "bool", other)),
        }
    }

    /// `map[string][]string`; the API's sanitizing drops empty values and emptied entries.
    fn claim_values(&self, name: &str) -> Result<BTreeMap<String, Vec<String>>, DecodeError> {
        let object = match self.get(name) {
            None => return Ok(BTreeMap::new()),
            Some(Value::Object(object)) => object,
            Some(other) => return Err(wrong(name, "map[string][]string", other)),
        };
        let mut out = BTreeMap::new();
        for (path, values) in object {
            let values: Vec<String> = match values {
                Value::Array(items) => items
                    .iter()
                    .map(|i| self.scalar(name, i))
                    .collect::<Result<_, _>>()?,
                Value::Null => Vec::new(),
                other => return Err(wrong(name, "[]string", other)),
            };
            match self.source {
                Source::Api => {
                    let path = sanitize(path);
                    let values: Vec<String> =
                        values.into_iter().filter(|v| !v.is_empty()).collect();
                    if !path.is_empty() && !values.is_empty() {
                        out.insert(path, values);
                    }
                }
                Source::Document => {
                    out.insert(path.clone(), values);
                }
            }
        }
        Ok(out)
    }

    fn integer(&self, name: &str) -> Result<Option<i64>, DecodeError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| wrong(name, "int", &Value::Number(n.clone()))),
            Some(other) => Err(wrong(name, "int", other)),
        }
    }
}

/// A presentation definition.
pub(crate) fn definition(
    value: &Value,
    source: Source,
) -> Result<Draft<PresentationDefinition>, DecodeError> {
    let f = Fields::new(value, source, "presentation definition")?;
    let id = match source {
        Source::Api => String::new(),
        Source::Document => f.string("id")?,
    };
    let resource = PresentationDefinition {
        id,
        handle: f.string("handle")?,
        ou_id: f.string("ouId")?,
        name: f.string("name")?,
        description: f.string("description")?,
        vct: f.string("vct")?,
        format: f.string("format")?,
        requested_claims: f.strings("requestedClaims")?,
        mandatory_claims: f.strings("mandatoryClaims")?,
        optional_claims: f.strings("optionalClaims")?,
        claim_values: f.claim_values("claimValues")?,
        enforce_trusted_issuer: f.flag("enforceTrustedIssuer")?,
        trusted_authorities: f.strings("trustedAuthorities")?,
    };
    Ok(Draft {
        resource,
        ou_handle: f.string("ouHandle")?,
    })
}

/// A credential configuration.
pub(crate) fn configuration(
    value: &Value,
    source: Source,
) -> Result<Draft<CredentialConfiguration>, DecodeError> {
    let f = Fields::new(value, source, "credential configuration")?;
    let id = match source {
        Source::Api => String::new(),
        Source::Document => f.string("id")?,
    };
    let claims = match f.get("claims") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                let c = Fields::new(item, source, "claims")?;
                Ok(ClaimMapping {
                    name: c.string("name")?,
                    display_name: c.string("displayName")?,
                })
            })
            .collect::<Result<_, DecodeError>>()?,
        Some(other) => return Err(wrong("claims", "[]ClaimMapping", other)),
    };
    let display = match f.get("display") {
        None => None,
        Some(value) => {
            let d = Fields::new(value, source, "display")?;
            let display = CredentialDisplay {
                locale: d.string("locale")?,
                logo_uri: d.string("logoUri")?,
            };
            // `sanitizeDisplay`: an empty display is none.
            let empty = display.locale.is_empty() && display.logo_uri.is_empty();
            (!(empty && source == Source::Api)).then_some(display)
        }
    };
    let resource = CredentialConfiguration {
        id,
        handle: f.string("handle")?,
        ou_id: f.string("ouId")?,
        name: f.string("name")?,
        description: f.string("description")?,
        format: f.string("format")?,
        vct: f.string("vct")?,
        claims,
        display,
        validity_seconds: f.integer("validitySeconds")?,
    };
    Ok(Draft {
        resource,
        ou_handle: f.string("ouHandle")?,
    })
}
