//! SD-JWT (RFC 9901) as the server's `jose/sdjwt` reads it: the combined form split into the
//! issuer JWT, its disclosures and an optional key-binding JWT; digests resolved into the claims
//! (each disclosure used exactly once); the key-binding JWT checked against `cnf.jwk` with its
//! `typ`, `aud`, `nonce`, `iat` window and `sd_hash`. The error texts are the Go package's.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::jose::{self, JoseError};
use super::jws::{self, PublicKey};

/// The layers of SD-JWT verification, each with the Go sentinel's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SdJwtError {
    #[error("sdjwt: invalid format: {0}")]
    Format(String),
    #[error("sdjwt: invalid disclosure: {0}")]
    Disclosure(String),
    #[error("sdjwt: unsupported _sd_alg: {0}")]
    HashAlg(String),
    #[error("sdjwt: issuer signature verification failed: {0}")]
    IssuerSignature(JoseError),
    #[error("sdjwt: disclosure does not match any digest: {0}")]
    UnusedDisclosure(String),
    #[error("sdjwt: digest referenced more than once: {0}")]
    DuplicateDigest(String),
    #[error("sdjwt: disclosed claim collides with existing claim: {0}")]
    Collision(String),
    #[error("sdjwt: key binding JWT required but missing")]
    MissingKeyBinding,
    #[error("sdjwt: missing cnf.jwk confirmation key")]
    MissingConfirmationKey,
    #[error("sdjwt: missing cnf.jwk confirmation key: invalid cnf.jwk: {0}")]
    InvalidConfirmationKey(String),
    #[error("sdjwt: key binding signature verification failed: {0}")]
    KeyBindingSignature(JoseError),
    #[error("sdjwt: key binding claim validation failed: {0}")]
    KeyBindingClaims(String),
}

/// One disclosure: its wire form, digest and content.
#[derive(Debug, Clone)]
pub(crate) struct Disclosure {
    pub raw: String,
    pub digest: String,
    pub name: Option<String>,
    pub value: Value,
}

/// A parsed combined-format SD-JWT.
#[derive(Debug, Clone)]
pub(crate) struct Presentation {
    pub issuer_jwt: String,
    pub disclosures: Vec<Disclosure>,
    pub key_binding_jwt: Option<String>,
}

/// The claims with every disclosed digest resolved.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub claims: Map<String, Value>,
    pub disclosed_paths: Vec<String>,
    pub confirmation_key: Option<Map<String, Value>>,
}

/// What the key-binding JWT must carry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyBindingCheck<'a> {
    pub audience: &'a str,
    pub nonce: &'a str,
    pub now: u64,
    pub leeway: u64,
    pub max_age: u64,
}

fn format_error(e: JoseError) -> SdJwtError {
    SdJwtError::Format(e.to_string())
}

/// `_sd_alg` of the issuer JWT, `sha-256` when absent.
fn hash_alg(issuer_jwt: &str) -> Result<String, SdJwtError> {
    let claims = jose::claims(issuer_jwt).map_err(format_error)?;
    match claims.get("_sd_alg").and_then(Value::as_str) {
        None | Some("") => Ok("sha-256".into()),
        Some(alg @ ("sha-256" | "sha-384" | "sha-512")) => Ok(alg.into()),
        Some(other) => Err(SdJwtError::HashAlg(other.into())),
    }
}

pub(crate) fn digest(value: &str, alg: &str) -> String {
    match alg {
        "sha-384" => jose::b64(&Sha384::digest(value.as_bytes())),
        "sha-512" => jose::b64(&Sha512::digest(value.as_bytes())),
        _ => jose::b64(&Sha256::digest(value.as_bytes())),
    }
}

/// Split `issuer~d1~d2~[kb]`.
pub(crate) fn parse(combined: &str) -> Result<Presentation, SdJwtError> {
    if combined.is_empty() {
        return Err(SdJwtError::Format("empty input".into()));
    }
    let segments: Vec<&str> = combined.split('~').collect();
    if segments.len() < 2 {
        return Err(SdJwtError::Format(
            "expected issuer JWT and at least one separator".into(),
        ));
    }
    let issuer_jwt = segments[0];
    if issuer_jwt.is_empty() {
        return Err(SdJwtError::Format("missing issuer JWT".into()));
    }
    let last = segments[segments.len() - 1];
    let alg = hash_alg(issuer_jwt)?;
    let mut disclosures = Vec::new();
    for raw in &segments[1..segments.len() - 1] {
        if raw.is_empty() {
            return Err(SdJwtError::Format("empty disclosure segment".into()));
        }
        disclosures.push(parse_disclosure(raw, &alg)?);
    }
    Ok(Presentation {
        issuer_jwt: issuer_jwt.to_owned(),
        disclosures,
        key_binding_jwt: (!last.is_empty()).then(|| last.to_owned()),
    })
}

fn parse_disclosure(raw: &str, alg: &str) -> Result<Disclosure, SdJwtError> {
    let bytes =
        jose::unb64(raw).map_err(|e| SdJwtError::Disclosure(format!("base64url decode: {e}")))?;
    let array: Vec<Value> = serde_json::from_slice(&bytes)
        .map_err(|e| SdJwtError::Disclosure(format!("not a JSON array: {e}")))?;
    let salt_ok = array.first().is_some_and(Value::is_string);
    let (name, value) = match array.as_slice() {
        [_, value] if salt_ok => (None, value.clone()),
        [_, Value::String(name), value] if salt_ok => (Some(name.clone()), value.clone()),
        [_, _, _] if salt_ok => {
            return Err(SdJwtError::Disclosure("claim name is not a string".into()));
        }
        [_, _] | [_, _, _] => return Err(SdJwtError::Disclosure("salt is not a string".into())),
        other => {
            return Err(SdJwtError::Disclosure(format!(
                "expected 2 or 3 elements, got {}",
                other.len()
            )));
        }
    };
    Ok(Disclosure {
        raw: raw.to_owned(),
        digest: digest(raw, alg),
        name,
        value,
    })
}

/// Verify the issuer JWT's signature with the issuer certificate's key.
pub(crate) fn verify_issuer(p: &Presentation, key: &PublicKey) -> Result<(), SdJwtError> {
    if *key == PublicKey::Unknown {
        let nil = JoseError::Malformed("no issuer key provided".into());
        return Err(SdJwtError::IssuerSignature(nil));
    }
    jws::verify(&p.issuer_jwt, key).map_err(SdJwtError::IssuerSignature)
}

/// Replace every referenced digest with its disclosure; every disclosure must be used once.
pub(crate) fn resolve(p: &Presentation) -> Result<Resolved, SdJwtError> {
    let payload = jose::claims(&p.issuer_jwt).map_err(format_error)?;
    let mut by_digest = std::collections::HashMap::new();
    for d in &p.disclosures {
        if by_digest.insert(d.digest.clone(), d).is_some() {
            return Err(SdJwtError::DuplicateDigest(d.digest.clone()));
        }
    }
    let mut resolver = Resolver {
        by_digest,
        used: std::collections::HashSet::new(),
        disclosed: Vec::new(),
    };
    let claims = resolver.object(&payload, "")?;
    if let Some(unused) = p
        .disclosures
        .iter()
        .find(|d| !resolver.used.contains(&d.digest))
    {
        return Err(SdJwtError::UnusedDisclosure(unused.digest.clone()));
    }
    let confirmation_key = claims
        .get("cnf")
        .and_then(|c| c.get("jwk"))
        .and_then(Value::as_object)
        .cloned();
    Ok(Resolved {
        claims,
        disclosed_paths: resolver.disclosed,
        confirmation_key,
    })
}

struct Resolver<'p> {
    by_digest: std::collections::HashMap<String, &'p Disclosure>,
    used: std::collections::HashSet<String>,
    disclosed: Vec<String>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

impl Resolver<'_> {
    fn value(&mut self, node: &Value, path: &str) -> Result<Value, SdJwtError> {
        match node {
            Value::Object(object) => self.object(object, path).map(Value::Object),
            Value::Array(items) => self.array(items, path),
            other => Ok(other.clone()),
        }
    }

    fn object(
        &mut self,
        object: &Map<String, Value>,
        path: &str,
    ) -> Result<Map<String, Value>, SdJwtError> {
        let mut out = Map::new();
        for (key, value) in object {
            if key == "_sd" || key == "_sd_alg" {
                continue;
            }
            let resolved = self.value(value, &join(path, key))?;
            out.insert(key.clone(), resolved);
        }
        let Some(digests) = object.get("_sd") else {
            return Ok(out);
        };
        let digests = digests
            .as_array()
            .ok_or_else(|| SdJwtError::Format("_sd is not an array".into()))?;
        for item in digests {
            let digest = item
                .as_str()
                .ok_or_else(|| SdJwtError::Format("_sd entry is not a string".into()))?;
            let Some(d) = self.by_digest.get(digest).copied() else {
                continue; // not disclosed by the holder
            };
            if !self.used.insert(digest.to_owned()) {
                return Err(SdJwtError::DuplicateDigest(digest.to_owned()));
            }
            let Some(name) = &d.name else {
                return Err(SdJwtError::Disclosure(
                    "array disclosure referenced by _sd".into(),
                ));
            };
            if name == "_sd" || name == "..." {
                return Err(SdJwtError::Collision(format!(
                    "reserved claim name {name:?}"
                )));
            }
            if out.contains_key(name) {
                return Err(SdJwtError::Collision(name.clone()));
            }
            let claim_path = join(path, name);
            self.disclosed.push(claim_path.clone());
            let resolved = self.value(&d.value, &claim_path)?;
            out.insert(name.clone(), resolved);
        }
        Ok(out)
    }

    fn array(&mut self, items: &[Value], path: &str) -> Result<Value, SdJwtError> {
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let element_path = format!("{path}[{i}]");
            let digest = item
                .as_object()
                .filter(|o| o.len() == 1)
                .and_then(|o| o.get("..."))
                .and_then(Value::as_str);
            let Some(digest) = digest else {
                out.push(self.value(item, &element_path)?);
                continue;
            };
            let Some(d) = self.by_digest.get(digest).copied() else {
                continue;
            };
            if !self.used.insert(digest.to_owned()) {
                return Err(SdJwtError::DuplicateDigest(digest.to_owned()));
            }
            if d.name.is_some() {
                return Err(SdJwtError::Disclosure(
                    "object disclosure referenced by array element".into(),
                ));
            }
            out.push(self.value(&d.value, &element_path)?);
        }
        Ok(Value::Array(out))
    }
}

/// The `sd_hash` input: the issuer JWT and every disclosure, each followed by `~`.
pub(crate) fn presented_input(issuer_jwt: &str, disclosures: &[String]) -> String {
    let mut out = format!("{issuer_jwt}~");
    for d in disclosures {
        out.push_str(d);
        out.push('~');
    }
    out
}

/// The holder binding (`VerifyKeyBinding`).
pub(crate) fn verify_key_binding(
    p: &Presentation,
    resolved: &Resolved,
    check: &KeyBindingCheck<'_>,
) -> Result<(), SdJwtError> {
    let claims_error = SdJwtError::KeyBindingClaims;
    let kb = p
        .key_binding_jwt
        .as_deref()
        .ok_or(SdJwtError::MissingKeyBinding)?;
    let cnf = resolved
        .confirmation_key
        .as_ref()
        .ok_or(SdJwtError::MissingConfirmationKey)?;
    let holder = jws::jwk_key(cnf).map_err(SdJwtError::InvalidConfirmationKey)?;
    let header = jose::header(kb).map_err(|e| claims_error(e.to_string()))?;
    let typ = header
        .get("typ")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if typ != "kb+jwt" {
        return Err(claims_error(format!("unexpected typ {typ:?}")));
    }
    jws::verify(kb, &holder).map_err(SdJwtError::KeyBindingSignature)?;
    let payload = jose::claims(kb).map_err(|e| claims_error(e.to_string()))?;
    let text = |key: &str| payload.get(key).and_then(Value::as_str).unwrap_or_default();
    if !check.audience.is_empty() && text("aud") != check.audience {
        return Err(claims_error("audience mismatch".into()));
    }
    if !check.nonce.is_empty() && text("nonce") != check.nonce {
        return Err(claims_error("nonce mismatch".into()));
    }
    let iat = match payload.get("iat") {
        None => return Err(claims_error("missing iat".into())),
        Some(v) => v
            .as_f64()
            .ok_or_else(|| claims_error("iat is not a number".into()))?,
    };
    // Go truncates the float to whole seconds.
    #[allow(clippy::cast_possible_truncation)]
    let iat = iat as i64;
    let now = i64::try_from(check.now).unwrap_or(i64::MAX);
    if iat > now.saturating_add(i64::try_from(check.leeway).unwrap_or(0)) {
        return Err(claims_error("iat is in the future".into()));
    }
    if check.max_age > 0 && iat < now.saturating_sub(i64::try_from(check.max_age).unwrap_or(0)) {
        return Err(claims_error("iat too old (replay protection)".into()));
    }
    let alg = hash_alg(&p.issuer_jwt)?;
    let raws: Vec<String> = p.disclosures.iter().map(|d| d.raw.clone()).collect();
    if text("sd_hash") != digest(&presented_input(&p.issuer_jwt, &raws), &alg) {
        return Err(claims_error("sd_hash mismatch".into()));
    }
    Ok(())
}
