//! The verifier's rules (`authn/openid4vp` `wallet.go`, `dcql.go`, `model.go`): a presentation
//! definition as a DCQL query and a policy, the signed request object, and the checks of a
//! decrypted `direct_post.jwt` response: the state, the presentations for the definition's
//! credential id, each SD-JWT VC's issuer chain and signature, disclosures, holder binding (nonce
//! and audience), `vct`, and the claim policy. The failure texts are the server's `err.Error()`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::jose;
use super::pki::{self, Anchor};
use super::sdjwt::{self, KeyBindingCheck, SdJwtError};

/// The credential format the server requests and verifies.
pub(crate) const FORMAT_SD_JWT_VC: &str = "dc+sd-jwt";

/// A presentation definition (`vc/presentation` `PresentationDefinitionDTO`, its JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct PresentationDefinition {
    #[serde(default)]
    pub id: String,
    pub handle: String,
    #[serde(default)]
    pub ou_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub vct: String,
    #[serde(default)]
    pub format: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requested_claims: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mandatory_claims: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub optional_claims: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub claim_values: BTreeMap<String, Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforce_trusted_issuer: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_authorities: Vec<String>,
}

impl PresentationDefinition {
    /// `dtoToDefinition`: the requested claims, else mandatory then optional.
    pub(crate) fn all_claims(&self) -> Vec<String> {
        if self.requested_claims.is_empty() {
            self.mandatory_claims
                .iter()
                .chain(&self.optional_claims)
                .cloned()
                .collect()
        } else {
            self.requested_claims.clone()
        }
    }
}

/// Why a response failed; `Display` is the reason the status and FET-1079 carry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum VerifyError {
    #[error("openid4vp: invalid authorization response: {0}")]
    InvalidResponse(String),
    #[error("openid4vp: invalid presentation: {0}")]
    InvalidPresentation(String),
    #[error("openid4vp: response state mismatch")]
    StateMismatch,
    #[error("openid4vp: untrusted credential issuer: {0}")]
    UntrustedIssuer(String),
    #[error("openid4vp: unexpected credential type (vct): got {got:?}, want {want:?}")]
    UnexpectedVct { got: String, want: String },
    #[error("openid4vp: disclosed claim was not requested: {0}")]
    UnrequestedClaim(String),
    #[error("openid4vp: mandatory claim missing: {0}")]
    MissingMandatoryClaim(String),
    #[error("openid4vp: disclosed claim value not in the allowed set: {0}")]
    ClaimValueNotAllowed(String),
}

impl From<SdJwtError> for VerifyError {
    fn from(error: SdJwtError) -> Self {
        Self::InvalidPresentation(error.to_string())
    }
}

/// What a verified presentation yields.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct VerifiedPresentation {
    pub subject: String,
    /// Dotted paths to values, SD-JWT metadata left out.
    pub claims: BTreeMap<String, Value>,
}

/// The engine settings that apply to every definition (`default.json` `openid4vp`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub leeway: u64,
    pub key_binding_max_age: u64,
    pub enforce_key_binding: bool,
}

impl Settings {
    pub(crate) const DEFAULT: Self = Self {
        leeway: 30,
        key_binding_max_age: 300,
        enforce_key_binding: true,
    };
}

/// The DCQL query of a definition (`buildQuery`); `None` when the definition cannot make one.
pub(crate) fn dcql_query(
    def: &PresentationDefinition,
    authority_key_ids: &[String],
) -> Option<Value> {
    let claims = def.all_claims();
    if def.handle.is_empty() || def.vct.is_empty() || claims.is_empty() {
        return None;
    }
    let mut dcql_claims = Vec::new();
    for path in &claims {
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return None;
        }
        let mut claim = Map::new();
        claim.insert("path".into(), json!(path.split('.').collect::<Vec<_>>()));
        if let Some(values) = def.claim_values.get(path).filter(|v| !v.is_empty()) {
            claim.insert("values".into(), json!(values));
        }
        dcql_claims.push(Value::Object(claim));
    }
    let mut credential = json!({
        "id": def.handle,
        "format": FORMAT_SD_JWT_VC,
        "meta": {"vct_values": [def.vct]},
        "claims": dcql_claims,
    });
    if !authority_key_ids.is_empty() {
        credential["trusted_authorities"] = json!([{"type": "aki", "values": authority_key_ids}]);
    }
    Some(json!({"credentials": [credential]}))
}

/// The request object's claims (`buildRequestObject`), before signing.
#[derive(Debug)]
pub(crate) struct RequestObject<'a> {
    pub client_id: &'a str,
    pub response_uri: &'a str,
    pub nonce: &'a str,
    pub state: &'a str,
    pub enc_jwk: Map<String, Value>,
    pub issued_at: u64,
    pub validity: u64,
    pub dcql: Value,
}

impl RequestObject<'_> {
    pub(crate) fn claims(&self) -> Value {
        json!({
            "iss": self.client_id,
            "response_type": "vp_token",
            "response_mode": "direct_post.jwt",
            "client_id": self.client_id,
            "response_uri": self.response_uri,
            "nonce": self.nonce,
            "state": self.state,
            "iat": self.issued_at,
            "exp": self.issued_at + self.validity,
            "dcql_query": self.dcql,
            "client_metadata": {
                "jwks": {"keys": [self.enc_jwk]},
                "vp_formats_supported": {
                    FORMAT_SD_JWT_VC: {
                        "kb-jwt_alg_values": ["ES256", "EdDSA"],
                        "sd-jwt_alg_values": ["ES256", "EdDSA"],
                    }
                },
                "encrypted_response_enc_values_supported":
                    ["A128GCM", "A256GCM", "A128CBC-HS256", "A256CBC-HS512"],
            },
        })
    }
}

/// One response check: the request's state and nonce, the definition and trust settings.
#[derive(Debug)]
pub(crate) struct ResponseCheck<'a> {
    pub state: &'a str,
    pub nonce: &'a str,
    pub client_id: &'a str,
    pub definition: &'a PresentationDefinition,
    pub anchors: &'a [Anchor],
    pub settings: Settings,
    pub now: u64,
}

/// Verify a decrypted response body (`SubmitResponse` after decryption).
pub(crate) fn verify_response(
    plaintext: &[u8],
    check: &ResponseCheck<'_>,
) -> Result<VerifiedPresentation, VerifyError> {
    let invalid = VerifyError::InvalidResponse;
    let body: Map<String, Value> =
        serde_json::from_slice(plaintext).map_err(|e| invalid(e.to_string()))?;
    let state = body
        .get("state")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let vp_token = body
        .get("vp_token")
        .filter(|v| !v.is_null())
        .ok_or_else(|| invalid("missing vp_token".into()))?;
    let by_id = vp_token
        .as_object()
        .ok_or_else(|| invalid("vp_token must be a DCQL object keyed by credential id".into()))?;
    let mut presentations: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, value) in by_id {
        let list = match value {
            Value::String(single) => vec![single.as_str()],
            Value::Array(items) if items.iter().all(Value::is_string) => {
                items.iter().filter_map(Value::as_str).collect()
            }
            _ => {
                return Err(invalid(format!(
                    "credential {id:?}: presentation must be a string or array of strings"
                )));
            }
        };
        presentations.insert(id, list);
    }
    if !state.is_empty() && state != check.state {
        return Err(VerifyError::StateMismatch);
    }
    let candidates = presentations
        .get(check.definition.handle.as_str())
        .filter(|l| !l.is_empty())
        .ok_or_else(|| {
            invalid(format!(
                "no presentation for credential {:?}",
                check.definition.handle
            ))
        })?;
    let mut last = None;
    for presentation in candidates {
        match verify_one(presentation, check) {
            Ok(verified) => return Ok(verified),
            Err(error) => last = Some(error),
        }
    }
    Err(last.unwrap_or(VerifyError::InvalidResponse("no presentation".into())))
}

fn verify_one(
    presentation: &str,
    check: &ResponseCheck<'_>,
) -> Result<VerifiedPresentation, VerifyError> {
    let def = check.definition;
    let p = sdjwt::parse(presentation)?;
    let unverified = jose::claims(&p.issuer_jwt).map_err(|e| SdJwtError::Format(e.to_string()))?;
    if unverified
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .is_empty()
    {
        return Err(VerifyError::InvalidPresentation(
            "credential missing iss".into(),
        ));
    }
    let chain = x5c_chain(&p.issuer_jwt)?;
    let mut issuer_key = pki::public_key(
        &pki::parse(&chain[0]).map_err(|e| VerifyError::InvalidPresentation(e.to_string()))?,
    );
    if def.enforce_trusted_issuer.unwrap_or(false) {
        let allowed: Vec<&Anchor> = check
            .anchors
            .iter()
            .filter(|a| {
                def.trusted_authorities.is_empty() || def.trusted_authorities.contains(&a.name)
            })
            .collect();
        if check.anchors.is_empty() {
            return Err(VerifyError::UntrustedIssuer(
                "no trust anchors configured".into(),
            ));
        }
        issuer_key = pki::verify_chain(&chain, &allowed, check.now)
            .map_err(|e| VerifyError::UntrustedIssuer(e.to_string()))?;
    }
    sdjwt::verify_issuer(&p, &issuer_key)?;
    let resolved = sdjwt::resolve(&p)?;
    if check.settings.enforce_key_binding || p.key_binding_jwt.is_some() {
        sdjwt::verify_key_binding(
            &p,
            &resolved,
            &KeyBindingCheck {
                audience: check.client_id,
                nonce: check.nonce,
                now: check.now,
                leeway: check.settings.leeway,
                max_age: check.settings.key_binding_max_age,
            },
        )?;
    }
    let vct = resolved
        .claims
        .get("vct")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if vct != def.vct {
        return Err(VerifyError::UnexpectedVct {
            got: vct.into(),
            want: def.vct.clone(),
        });
    }
    enforce_claim_policy(&resolved.disclosed_paths, &resolved.claims, def)?;
    let mut subject = resolved
        .claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let thumbprint = resolved
        .confirmation_key
        .as_ref()
        .map(jose::jwk_thumbprint)
        .unwrap_or_default();
    if subject.is_empty() && !thumbprint.is_empty() {
        subject = format!("urn:ietf:params:oauth:jwk-thumbprint:sha-256:{thumbprint}");
    }
    Ok(VerifiedPresentation {
        subject,
        claims: flatten(&resolved.claims),
    })
}

fn x5c_chain(issuer_jwt: &str) -> Result<Vec<Vec<u8>>, VerifyError> {
    let invalid = VerifyError::InvalidPresentation;
    let header = jose::header(issuer_jwt).map_err(|e| invalid(e.to_string()))?;
    let entries = header
        .get("x5c")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| invalid("issuer JWT missing x5c header".into()))?;
    entries
        .iter()
        .map(|entry| {
            let text = entry
                .as_str()
                .ok_or_else(|| invalid("malformed x5c entry".into()))?;
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, text)
                .map_err(|e| invalid(e.to_string()))
        })
        .collect()
}

fn lookup<'c>(claims: &'c Map<String, Value>, path: &str) -> Option<&'c Value> {
    let mut segments = path.split('.');
    let mut current = claims.get(segments.next()?)?;
    for segment in segments {
        current = current.as_object()?.get(segment)?;
    }
    Some(current)
}

/// Go's `fmt.Sprint` of a JSON value, for the allowed-values check.
fn sprint(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn enforce_claim_policy(
    disclosed: &[String],
    claims: &Map<String, Value>,
    def: &PresentationDefinition,
) -> Result<(), VerifyError> {
    let requested = def.all_claims();
    let unrequested = disclosed.iter().find(|p| !requested.contains(p));
    if let (false, Some(extra)) = (requested.is_empty(), unrequested) {
        return Err(VerifyError::UnrequestedClaim(extra.clone()));
    }
    if let Some(missing) = def
        .mandatory_claims
        .iter()
        .find(|m| lookup(claims, m).is_none())
    {
        return Err(VerifyError::MissingMandatoryClaim(missing.clone()));
    }
    for (path, allowed) in &def.claim_values {
        if lookup(claims, path).is_some_and(|value| !allowed.contains(&sprint(value))) {
            return Err(VerifyError::ClaimValueNotAllowed(path.clone()));
        }
    }
    Ok(())
}

/// `flattenClaims`: dotted paths, without the SD-JWT metadata claims.
fn flatten(claims: &Map<String, Value>) -> BTreeMap<String, Value> {
    const META: &[&str] = &[
        "iss", "vct", "cnf", "iat", "exp", "nbf", "status", "_sd_alg",
    ];
    fn into(out: &mut BTreeMap<String, Value>, prefix: &str, node: &Map<String, Value>) {
        for (key, value) in node {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                Value::Object(nested) => into(out, &path, nested),
                other => {
                    out.insert(path, other.clone());
                }
            }
        }
    }
    let kept: Map<String, Value> = claims
        .iter()
        .filter(|(k, _)| !META.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut out = BTreeMap::new();
    into(&mut out, "", &kept);
    out
}
