//! The signing keys: the JWKS as a fetch sees it (counted per client), the algorithms discovery
//! lists, and the control plane's key changes (`/__mock/keys`), read from JSON with errors that
//! name the field, as `/__mock/faults` does.

use serde_json::{Map, Value};
use thunderid_protocol::oidc::{Jwk, Jwks, JwsAlgorithm};

use crate::error::MockError;
use crate::state::AppState;
use crate::tokens::{Activation, KeyAlgorithm, KeyView};

/// `GET /oauth2/jwks`: the published keys (or, while a stale JWKS is armed, the set before the last
/// change), oldest first; the fetch is counted for its client.
pub(crate) fn jwks(state: &AppState, user_agent: Option<&str>, peer: Option<String>) -> Jwks {
    state.jwks_fetches().record(user_agent, peer);
    let keys = state.signer().ring().jwks_fetch();
    Jwks {
        keys: keys
            .iter()
            .map(|key| key.jwk().clone())
            .collect::<Vec<Jwk>>(),
    }
}

/// `id_token_signing_alg_values_supported`: the published keys' algorithms, each once, in key
/// order (the server's `getSupportedSigningAlgorithms`).
pub(crate) fn signing_algorithms(state: &AppState) -> Vec<JwsAlgorithm> {
    let mut algorithms: Vec<JwsAlgorithm> = Vec::new();
    for key in state.signer().ring().published() {
        let alg = JwsAlgorithm::parse(key.alg().as_str());
        if !algorithms.contains(&alg) {
            algorithms.push(alg);
        }
    }
    algorithms
}

/// `POST /__mock/keys` `{"alg": "ES256", "activate": true}` or `{"alg": …,
/// "activateAfterTokens": n}`: a new key.
pub(crate) fn add(state: &AppState, body: &[u8]) -> Result<KeyView, MockError> {
    let object = object(body, "key")?;
    known_fields(&object, &["alg", "activate", "activateAfterTokens"])?;
    let alg = algorithm(&object)?.ok_or_else(|| refuse("alg", "is required"))?;
    let activate = match object.get("activate") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(refuse("activate", "must be a boolean")),
    };
    let after = count(&object, "activateAfterTokens")?;
    let activation = match (activate, after) {
        (true, Some(_)) => {
            return Err(refuse(
                "activateAfterTokens",
                "cannot be given with activate: true",
            ));
        }
        (true, None) => Activation::Now,
        (false, Some(n)) => Activation::AfterTokens(n),
        (false, None) => Activation::Never,
    };
    Ok(state.signer().ring().add(alg, activation, state.now())?)
}

/// `POST /__mock/keys/rotate` `{"alg": …}` (optional, RS256 by default; an empty body is fine):
/// a new key, active at once; the previous one stays published.
pub(crate) fn rotate(state: &AppState, body: &[u8]) -> Result<KeyView, MockError> {
    let alg = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let object = object(body, "rotation")?;
        known_fields(&object, &["alg"])?;
        algorithm(&object)?
    };
    let alg = alg.unwrap_or(KeyAlgorithm::Rs256);
    Ok(state
        .signer()
        .ring()
        .add(alg, Activation::Now, state.now())?)
}

/// `POST /__mock/keys/stale-jwks` `{"fetches": n}`: the next `n` JWKS fetches see the set as it was
/// before the last change (0 disarms).
pub(crate) fn stale_jwks(state: &AppState, body: &[u8]) -> Result<(), MockError> {
    let object = object(body, "stale JWKS")?;
    known_fields(&object, &["fetches"])?;
    let fetches = count(&object, "fetches")?.ok_or_else(|| refuse("fetches", "is required"))?;
    state.signer().ring().stale_jwks(fetches);
    Ok(())
}

fn object(body: &[u8], what: &str) -> Result<Map<String, Value>, MockError> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(refuse(what, "must be a JSON object")),
        Err(_) => Err(refuse(what, "invalid JSON body")),
    }
}

fn known_fields(object: &Map<String, Value>, known: &[&str]) -> Result<(), MockError> {
    match object.keys().find(|name| !known.contains(&name.as_str())) {
        Some(name) => Err(refuse(name, "unknown field")),
        None => Ok(()),
    }
}

fn algorithm(object: &Map<String, Value>) -> Result<Option<KeyAlgorithm>, MockError> {
    let Some(value) = object.get("alg") else {
        return Ok(None);
    };
    value
        .as_str()
        .and_then(KeyAlgorithm::from_name)
        .map(Some)
        .ok_or_else(|| {
            let names: Vec<&str> = KeyAlgorithm::ALL.iter().map(|a| a.as_str()).collect();
            refuse("alg", &format!("must be one of {}", names.join(", ")))
        })
}

fn count(object: &Map<String, Value>, field: &str) -> Result<Option<u64>, MockError> {
    match object.get(field) {
        None => Ok(None),
        Some(value) => value
            .as_u64()
            .map(Some)
            .ok_or_else(|| refuse(field, "must be a non-negative integer")),
    }
}

fn refuse(field: &str, reason: &str) -> MockError {
    MockError::ControlPlane(format!("{field}: {reason}"))
}
