//! Identity-assurance `verified_claims` in a `claims` request (`decodeVerifiedClaims`): validated
//! as the server validates them and normalized as it re-encodes them; never released.

use serde_json::{Map, Value};

use super::{ClaimSpec, MalformedClaims, go_member};

/// `decodeVerifiedClaims`: an object or a non-empty array of objects, each with a `verification`
/// (a `trust_framework`, null or a constraint; an optional `time.max_age` ≥ 0) and a non-empty
/// `claims` object of valid constraints. Normalized as the server re-encodes it.
pub(super) fn verified_claims(value: &Value) -> Result<Vec<Value>, MalformedClaims> {
    let entries = match value {
        Value::Array(entries) if !entries.is_empty() => entries.iter().collect::<Vec<_>>(),
        Value::Object(_) => vec![value],
        _ => return Err(MalformedClaims),
    };
    entries.into_iter().map(verified_entry).collect()
}

fn verified_entry(entry: &Value) -> Result<Value, MalformedClaims> {
    let Value::Object(members) = entry else {
        return Err(MalformedClaims);
    };
    let verification = match go_member(members, "verification") {
        Some(Value::Object(verification)) => verification_element(verification)?,
        _ => return Err(MalformedClaims),
    };
    let mut claims = Map::new();
    match go_member(members, "claims") {
        Some(Value::Object(requested)) if !requested.is_empty() => {
            for (name, value) in requested {
                let spec = match value {
                    Value::Null => Value::Null,
                    value => {
                        let spec = ClaimSpec::decode(value)?;
                        spec.validate()?;
                        spec.encode()
                    }
                };
                claims.insert(name.clone(), spec);
            }
        }
        _ => return Err(MalformedClaims),
    }
    let mut out = Map::new();
    out.insert("verification".to_owned(), verification);
    out.insert("claims".to_owned(), Value::Object(claims));
    Ok(Value::Object(out))
}

fn verification_element(members: &Map<String, Value>) -> Result<Value, MalformedClaims> {
    let trust_framework = match go_member(members, "trust_framework") {
        None => return Err(MalformedClaims),
        Some(Value::Null) => Value::Null,
        Some(Value::Object(framework)) => trust_framework(framework)?,
        Some(_) => return Err(MalformedClaims),
    };
    let mut out = Map::new();
    out.insert("trust_framework".to_owned(), trust_framework);
    match go_member(members, "time") {
        None | Some(Value::Null) => {}
        Some(Value::Object(time)) => {
            let mut encoded = Map::new();
            match go_member(time, "max_age") {
                None => {}
                Some(Value::Number(n)) if n.as_i64().is_some_and(|age| age >= 0) => {
                    encoded.insert("max_age".to_owned(), Value::Number(n.clone()));
                }
                Some(_) => return Err(MalformedClaims),
            }
            out.insert("time".to_owned(), Value::Object(encoded));
        }
        Some(_) => return Err(MalformedClaims),
    }
    Ok(Value::Object(out))
}

/// `TrustFrameworkRequest`: string `value`, string `values` (exclusive, not empty), `essential`.
fn trust_framework(members: &Map<String, Value>) -> Result<Value, MalformedClaims> {
    let value = match go_member(members, "value") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(value)) => value.clone(),
        Some(_) => return Err(MalformedClaims),
    };
    let values = match go_member(members, "values") {
        None | Some(Value::Null) => None,
        Some(Value::Array(values)) => Some(
            values
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(Value::String(s.clone())),
                    Value::Null => Ok(Value::String(String::new())),
                    _ => Err(MalformedClaims),
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(_) => return Err(MalformedClaims),
    };
    let essential = match go_member(members, "essential") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(essential)) => *essential,
        Some(_) => return Err(MalformedClaims),
    };
    if values.as_ref().is_some_and(Vec::is_empty)
        || (!value.is_empty() && values.as_ref().is_some_and(|v| !v.is_empty()))
    {
        return Err(MalformedClaims);
    }
    let mut out = Map::new();
    if !value.is_empty() {
        out.insert("value".to_owned(), Value::String(value));
    }
    if let Some(values) = values.filter(|v| !v.is_empty()) {
        out.insert("values".to_owned(), Value::Array(values));
    }
    if essential {
        out.insert("essential".to_owned(), Value::Bool(true));
    }
    Ok(Value::Object(out))
}
