//! The flow `assertion` and `errorAssertion` JWTs (`executor/auth_assert_executor.go`,
//! `flowexec/service.go` `buildErrorAssertion`, `jose/jwt/service.go` `GenerateJWT`).
//!
//! Claims are built under the state lock and signed after it is released: RS256, `typ: JWT`,
//! the server's `kid`.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::env::Env;
use super::keys;
use crate::fixtures::ApplicationFixture;
use crate::graph::{ExecutorKind, Factor};
use crate::store::execution::Execution;
use crate::store::users::UserRecord;
use crate::tokens::{TokenSigner, TokenType};

/// Claims the real server puts in every JWT it mints and never takes from attributes.
const STANDARD_CLAIMS: &[&str] = &["sub", "iss", "aud", "exp", "iat", "auth_time"];

/// Why a flow failed, for the error assertion's `flow_error_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FlowErrorType {
    /// An in-band `flowStatus: ERROR`.
    EndUser,
    /// An HTTP 4xx.
    Client,
    /// An HTTP 5xx.
    Server,
}

impl FlowErrorType {
    fn as_str(self) -> &'static str {
        match self {
            Self::EndUser => "end_user_error",
            Self::Client => "client_error",
            Self::Server => "server_error",
        }
    }
}

/// The assertion for `user` at the end of `execution`: who (`sub`), for which app (`aud`), how
/// (`assurance`), what was authorized, the OAuth request it answers, and the user attributes it
/// releases: for an OAuth sign-in (the runtime names a cache TTL) kept in the attribute cache under
/// `aci`, when there are any; for app-native flows inline.
pub(crate) fn assertion_claims(
    env: &Env<'_>,
    execution: &Execution,
    user: &UserRecord,
) -> Map<String, Value> {
    let mut claims = Map::new();
    if let Some(assurance) = assurance(execution) {
        claims.insert("assurance".into(), assurance);
    }
    let permissions = permissions_claim(execution);
    if !permissions.is_empty() {
        claims.insert("authorized_permissions".into(), Value::from(permissions));
    }
    if let Some(family) = execution.runtime_value(keys::TOKEN_FAMILY_ID) {
        claims.insert("tfid".into(), Value::from(family));
    }
    if let Some(auth_id) = execution.authorization_request_id() {
        claims.insert("authorization_request_id".into(), Value::from(auth_id));
    }
    let attributes = user_attributes(env, execution, user);
    match execution
        .runtime
        .get(keys::USER_ATTRIBUTES_CACHE_TTL_SECONDS)
    {
        // OAuth-initiated: the tokens read the attributes from the cache, never from the user
        // store, so what this sign-in released (after a consent step, the consented ones) holds for
        // its refreshes and UserInfo. The TTL is the number authorize or CIBA wrote.
        Some(ttl) if !attributes.is_empty() => {
            let id = crate::ids::uuid_v7(env.now);
            let ttl = ttl.parse().unwrap_or_default();
            let attributes = attributes.into_iter().collect();
            env.oauth
                .write(|o| o.cache_attributes(id.clone(), attributes, ttl, env.now));
            claims.insert("aci".into(), Value::from(id));
        }
        Some(_) => {}
        None => claims.extend(attributes),
    }
    claims.insert("aud".into(), Value::from(execution.app_id.clone()));
    let validity = env.app.and_then(|a| a.assertion.validity_period);
    standard(env, &mut claims, Some(&user.id), validity);
    claims
}

/// The claims of an error assertion for an execution tied to an OAuth request.
pub(crate) fn error_assertion_claims(
    env: &Env<'_>,
    execution: &Execution,
    error_type: FlowErrorType,
    description: &str,
) -> Option<Map<String, Value>> {
    let auth_id = execution.authorization_request_id()?;
    let mut claims = Map::new();
    claims.insert("aud".into(), Value::from(execution.app_id.clone()));
    claims.insert("authorization_request_id".into(), Value::from(auth_id));
    claims.insert("flow_error_type".into(), Value::from(error_type.as_str()));
    claims.insert("flow_error_description".into(), Value::from(description));
    let validity = env.app.and_then(|a| a.assertion.validity_period);
    standard(env, &mut claims, None, validity);
    Some(claims)
}

/// Sign assertion claims as the server signs them.
pub(crate) fn sign(signer: &TokenSigner, claims: &Map<String, Value>) -> String {
    signer.sign(TokenType::Jwt, claims)
}

/// `iss`, `sub` (when there is one), `iat`, `nbf`, `exp`, `jti`.
fn standard(
    env: &Env<'_>,
    claims: &mut Map<String, Value>,
    sub: Option<&str>,
    validity: Option<u64>,
) {
    let validity = validity
        .filter(|v| *v > 0)
        .unwrap_or(env.settings.jwt.validity_period);
    standard_claims(claims, env.issuer, env.now, sub, validity);
}

/// The claims `GenerateJWT` adds to every JWT: `iss`, `sub` (when there is one), `iat`, `nbf`,
/// `exp` (`now + validity`), `jti`.
pub(crate) fn standard_claims(
    claims: &mut Map<String, Value>,
    issuer: &str,
    now: u64,
    sub: Option<&str>,
    validity: u64,
) {
    claims.insert("iss".into(), Value::from(issuer));
    if let Some(sub) = sub {
        claims.insert("sub".into(), Value::from(sub));
    }
    claims.insert("iat".into(), Value::from(now));
    claims.insert("nbf".into(), Value::from(now));
    claims.insert("exp".into(), Value::from(now.saturating_add(validity)));
    claims.insert("jti".into(), Value::from(crate::ids::uuid_v7(now)));
}

/// `assurance`: the authenticators that completed, in step order, and the AAL their distinct
/// factors reach. Absent when no authenticating executor ran.
fn assurance(execution: &Execution) -> Option<Value> {
    let mut seen = HashSet::new();
    let mut engaged: Vec<(usize, &'static str, u64)> = Vec::new();
    let mut records: Vec<_> = execution.history.iter().filter(|r| r.completed).collect();
    records.sort_by_key(|r| r.step);
    for record in records {
        let kind = record.executor.as_deref().and_then(ExecutorKind::from_name);
        let Some(name) = kind.and_then(ExecutorKind::authenticator) else {
            continue;
        };
        if seen.insert(name) {
            engaged.push((record.step, name, record.end_time_millis));
        }
    }
    if engaged.is_empty() {
        return None;
    }
    let authenticators: Vec<EngagedAuthenticator> = engaged
        .iter()
        .enumerate()
        .map(|(i, (_, name, at))| EngagedAuthenticator {
            authenticator: (*name).to_owned(),
            step: i64::try_from(i + 1).unwrap_or(i64::MAX),
            timestamp: i64::try_from(*at).unwrap_or(i64::MAX),
        })
        .collect();
    Some(assurance_claim(&authenticators))
}

/// One authenticator in an `assurance` claim (`authn/common` `AuthenticatorReference`); the direct
/// authentication API reads these back from a previous assertion when it steps up.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct EngagedAuthenticator {
    #[serde(default)]
    pub authenticator: String,
    #[serde(default)]
    pub step: i64,
    #[serde(default)]
    pub timestamp: i64,
}

/// The factors an authenticator proves (`authn/init.go` `RegisterAuthenticator`); an unknown name
/// proves none.
pub(crate) fn authenticator_factors(name: &str) -> &'static [Factor] {
    match name {
        "CredentialsAuthenticator"
        | "OAuthAuthenticator"
        | "OIDCAuthenticator"
        | "GithubOAuthAuthenticator"
        | "GoogleOIDCAuthenticator" => &[Factor::Knowledge],
        "OTPAuthenticator" | "MagicLinkAuthenticator" => &[Factor::Possession],
        "Passkey" | "OpenID4VPAuthenticator" => &[Factor::Possession, Factor::Inherence],
        _ => &[],
    }
}

/// The `assurance` claim over these authenticators (`assert.GenerateAssertion`): the AAL from the
/// number of distinct factors they prove, IAL1 always, and the authenticators as given.
pub(crate) fn assurance_claim(authenticators: &[EngagedAuthenticator]) -> Value {
    let factors: HashSet<Factor> = authenticators
        .iter()
        .flat_map(|a| authenticator_factors(&a.authenticator).iter().copied())
        .collect();
    let aal = match factors.len() {
        0 => "UNKNOWN",
        1 => "AAL1",
        2 => "AAL2",
        _ => "AAL3",
    };
    json!({"aal": aal, "ial": "IAL1", "authenticators": authenticators})
}

/// `resolvePermissionsForClaim`: after a consent step, the consented permissions still authorized
/// (in consent order); otherwise what AuthorizationExecutor granted.
fn permissions_claim(execution: &Execution) -> String {
    let authorized = execution.runtime.get(keys::AUTHORIZED_PERMISSIONS);
    let Some(consented) = execution.runtime.get(keys::CONSENTED_PERMISSIONS) else {
        return authorized.cloned().unwrap_or_default();
    };
    let Some(authorized) = authorized else {
        return consented.clone();
    };
    let mut allowed: Vec<&str> = authorized.split_whitespace().collect();
    let mut out: Vec<&str> = Vec::new();
    for permission in consented.split_whitespace() {
        if let Some(at) = allowed.iter().position(|a| *a == permission) {
            allowed.remove(at);
            out.push(permission);
        }
    }
    out.join(" ")
}

/// The consented attributes of an execution whose consent step recorded an answer.
fn required_attributes_of(execution: &Execution) -> Vec<String> {
    execution
        .runtime
        .get(keys::CONSENTED_ATTRIBUTES)
        .map(|names| names.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// `getRequiredUserAttributes`: after a consent step, exactly the consented attributes; otherwise
/// what the OAuth request requires (essential and optional, as authorize wrote them); otherwise
/// the application's `assertion.userAttributes`.
fn required_attributes(app: &ApplicationFixture, execution: &Execution) -> Vec<String> {
    if execution.runtime.contains_key(keys::CONSENT_ID) {
        return required_attributes_of(execution);
    }
    let essential = execution.runtime.get(keys::REQUIRED_ESSENTIAL_ATTRIBUTES);
    let optional = execution.runtime.get(keys::REQUIRED_OPTIONAL_ATTRIBUTES);
    if essential.is_some() || optional.is_some() {
        return [essential, optional]
            .into_iter()
            .flatten()
            .flat_map(|names| names.split_whitespace().map(str::to_owned))
            .collect();
    }
    app.assertion.user_attributes.clone()
}

/// The required attributes, from runtime data first, then the user; plus the computed `groups`
/// and `roles` (names, through nested groups), `userType`, `ouId`, `ouName`, `ouHandle`.
fn user_attributes(
    env: &Env<'_>,
    execution: &Execution,
    user: &UserRecord,
) -> Vec<(String, Value)> {
    let Some(app) = env.app else {
        return Vec::new();
    };
    let required = required_attributes(app, execution);
    let mut out = Vec::new();
    for name in &required {
        let computed = ["groups", "roles", "userType", "ouId", "ouName", "ouHandle"];
        if computed.contains(&name.as_str()) || STANDARD_CLAIMS.contains(&name.as_str()) {
            continue;
        }
        if let Some(value) = execution.runtime_value(name) {
            out.push((name.clone(), Value::from(value)));
        } else if let Some(value) = user.attributes.get(name) {
            out.push((name.clone(), value.clone()));
        }
    }
    let wants = |claim: &str| required.iter().any(|a| a == claim);
    if wants("groups") || wants("roles") {
        let mut computed = env.directory.read(|d| d.user_claims(&user.id));
        for name in ["groups", "roles"] {
            if let Some(value) = computed.remove(name).filter(|_| wants(name)) {
                out.push((name.into(), value));
            }
        }
    }
    if wants("userType") {
        out.push(("userType".into(), Value::from(user.user_type.clone())));
    }
    // The unit as it is now (the organization-unit API may have renamed it).
    let unit = env.directory.read(|d| d.units.get(&user.ou_id).cloned());
    if let Some(ou) = unit {
        if wants("ouId") {
            out.push(("ouId".into(), Value::from(ou.id.clone())));
        }
        if wants("ouName") {
            out.push(("ouName".into(), Value::from(ou.name.clone())));
        }
        if wants("ouHandle") {
            out.push(("ouHandle".into(), Value::from(ou.handle.clone())));
        }
    }
    out
}
