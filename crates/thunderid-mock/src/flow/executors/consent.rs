//! ConsentExecutor (`consent_executor.go`, `authn/consent/service.go`, `consent/service.go`).
//!
//! Without `consent_decisions` it *resolves*: the application's attribute purpose (the union of
//! the attributes its assertion and tokens carry) and, when AuthorizationExecutor granted some, a
//! permission purpose; elements the user approved in an ACTIVE record are skipped. What is left is
//! prompted (`additionalData.consentPrompt`, a JSON string), and a signed consent session token
//! remembers exactly what was asked. With `consent_decisions` it *records*: the answer is checked
//! against that token, unanswered elements count as denied, and the record is created or merged.
//! Denying an essential element fails the flow (FET-1066) after the record is written.

use serde_json::{Map, Value, json};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::consent::{
    ConsentPurposePrompt, PURPOSE_TYPE_ATTRIBUTES, PURPOSE_TYPE_PERMISSIONS, PromptElement,
    REASON_TIMEOUT,
};

mod decisions;

use self::decisions::{
    SessionPurpose, apply_hierarchy, approvals, fill_missing, html_unescape, parse_decisions,
};
use super::{ExecResult, Task};
use crate::flow::keys;
use crate::flow::node::EngineError;
use crate::store::consents::{Answer, Consent};
use crate::store::users::UserRecord;
use crate::tokens::TokenType;

/// The input the decisions arrive in.
pub(super) const DECISIONS: &str = "consent_decisions";
/// The `aud` of consent session tokens.
const SESSION_AUDIENCE: &str = "consent-svc";
/// How long a consent session token is valid, in seconds.
const SESSION_VALIDITY: u64 = 3600;
const SESSION_CLAIM: &str = "consent_session";
const ATTRIBUTE_PREFIX: &str = "attributes:";
const PERMISSION_PREFIX: &str = "permissions:";
/// The permission delimiters a parent must be followed by (`resource.IsPermissionDelimiter`).
const PERMISSION_DELIMITERS: &[char] = &['.', '_', ':', '-', '/'];

/// Runtime keys (`flow/common/constants.go`).
const SESSION_TOKEN: &str = "consent_session_token";
const STEP_TIMEOUT: &str = "step_timeout";
const REQUIRED_ESSENTIAL: &str = keys::REQUIRED_ESSENTIAL_ATTRIBUTES;
const REQUIRED_OPTIONAL: &str = keys::REQUIRED_OPTIONAL_ATTRIBUTES;

/// A purpose the application has (`consent.ConsentPurpose`).
struct Purpose {
    id: String,
    name: String,
    description: String,
    elements: Vec<String>,
}

pub(super) fn run(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    if task.user_id().is_none() {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorConsentPrereqFailed.to_error(),
        ));
    }
    let Some(user_id) = task.execution.user.clone() else {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorUserNotAuthenticated.to_error(),
        ));
    };
    let user = task
        .env
        .user(&user_id)
        .ok_or_else(|| super::internal("the consenting user no longer exists".into()))?;
    let required = task.required_inputs(crate::graph::ExecutorKind::Consent);
    let missing = task.missing(&required);
    if missing.is_empty() {
        record(task, &user_id)
    } else {
        resolve(task, &user, missing)
    }
}

/// `checkConsent` / `ResolveConsent`.
fn resolve(
    task: &mut Task<'_, '_>,
    user: &UserRecord,
    missing: Vec<thunderid_protocol::flow::Input>,
) -> Result<ExecResult, EngineError> {
    let app = task
        .env
        .app
        .ok_or_else(|| super::internal("a consent step needs an application".into()))?;
    let runtime = |key: &str| task.execution.runtime.get(key).cloned();
    let (essential, optional) = match (runtime(REQUIRED_ESSENTIAL), runtime(REQUIRED_OPTIONAL)) {
        (None, None) => (Vec::new(), app.assertion.user_attributes.clone()),
        (essential, optional) => (fields(essential), fields(optional)),
    };
    let authorized = fields(runtime(keys::AUTHORIZED_PERMISSIONS));
    let mut purposes: Vec<Purpose> = attribute_purpose(app).into_iter().collect();
    if !authorized.is_empty() {
        purposes.push(Purpose {
            id: String::new(),
            name: format!("{PERMISSION_PREFIX}{}", app.id),
            description: format!("Permission consent purpose for application {}", app.name),
            elements: authorized.clone(),
        });
    }
    if purposes.is_empty() {
        return Ok(ExecResult::complete());
    }
    let approved: Vec<String> =
        if task.execution.runtime_value(keys::FORCE_CONSENT_REPROMPT) == Some("true") {
            Vec::new()
        } else {
            let now = task.env.now;
            let records = task.env.consents.read(|c| c.active(&app.id, &user.id, now));
            approved_keys(&records)
        };
    let available = available_attributes(user);
    let mut prompts = Vec::new();
    for purpose in &purposes {
        let prompt = if purpose.name.starts_with(PERMISSION_PREFIX) {
            permission_prompt(purpose, &approved, &authorized)
        } else {
            attribute_prompt(purpose, &approved, &available, &essential, &optional)
        };
        prompts.extend(prompt);
    }
    if prompts.is_empty() {
        return Ok(ExecResult::complete());
    }
    let token = session_token(task, &prompts);
    let mut result = ExecResult::input_required(missing, None);
    let encoded = crate::wire::encode(&prompts);
    result.additional.insert(
        thunderid_protocol::flow::additional_data::CONSENT_PROMPT.to_owned(),
        String::from_utf8_lossy(&encoded).trim_end().to_owned(),
    );
    result.runtime.insert(SESSION_TOKEN.to_owned(), token);
    let timeout = task
        .property("timeout")
        .and_then(|t| t.parse::<i64>().ok())
        .and_then(|t| u64::try_from(t).ok())
        .filter(|t| *t > 0);
    if let Some(seconds) = timeout {
        let expires_at = task
            .env
            .now
            .saturating_add(seconds)
            .saturating_mul(1000)
            .to_string();
        result.additional.insert(
            thunderid_protocol::flow::additional_data::STEP_TIMEOUT.to_owned(),
            expires_at.clone(),
        );
        result.runtime.insert(STEP_TIMEOUT.to_owned(), expires_at);
    }
    Ok(result)
}

/// `handleConsentDecisions` / `RecordConsent`.
fn record(task: &mut Task<'_, '_>, user_id: &str) -> Result<ExecResult, EngineError> {
    let raw = task
        .execution
        .inputs
        .get(DECISIONS)
        .cloned()
        .unwrap_or_default();
    if raw.is_empty() {
        return Ok(failure(ApiErrorCode::ExecutorConsentDecisionsMissing));
    }
    // The v1.0.x line HTML-escapes every flow input, and this executor undoes it.
    let raw = if task.env.version.is_v1_0() {
        html_unescape(&raw)
    } else {
        raw
    };
    let Some(mut decisions) = parse_decisions(&raw) else {
        return Ok(failure(ApiErrorCode::ExecutorConsentDecisionsParseFail));
    };
    // `failOnDeny` came after v1.0.0 (eadeaf6d1), as did filling in a denied purpose's elements.
    let current = !task.env.version.is_v1_0();
    let fail_on_deny =
        current && task.node.properties.get("failOnDeny") == Some(&Value::Bool(true));
    if decisions.reason == REASON_TIMEOUT {
        if fail_on_deny {
            return Ok(failure(ApiErrorCode::ExecutorConsentPromptTimedOut));
        }
        let mut result = ExecResult::complete();
        result
            .runtime
            .insert(keys::CONSENTED_ATTRIBUTES.to_owned(), String::new());
        result
            .runtime
            .insert(keys::CONSENTED_PERMISSIONS.to_owned(), String::new());
        return Ok(result);
    }
    let now_millis = task.env.now.saturating_mul(1000);
    let expired = task
        .execution
        .runtime_value(STEP_TIMEOUT)
        .and_then(|t| t.parse::<u64>().ok())
        .is_some_and(|expires_at| now_millis > expires_at);
    if expired {
        return Ok(failure(ApiErrorCode::ExecutorConsentPromptTimedOut));
    }
    let Some(session) = verify_session(task) else {
        return Ok(failure(ApiErrorCode::ExecutorConsentRecordFailed));
    };
    fill_missing(&session, &mut decisions, current);
    apply_hierarchy(&mut decisions);
    let essential_denied = decisions.purposes.iter().any(|p| {
        p.elements.iter().any(|e| {
            !e.approved
                && session.iter().any(|s| {
                    s.purpose_name == p.purpose_name
                        && s.essential.iter().flatten().any(|n| *n == e.name)
                })
        })
    });
    let app_id = task.execution.app_id.clone();
    let validity = task.env.app.map_or(0, |a| a.login_consent.validity_period);
    let now = task.env.now;
    let answer = Answer {
        app_id: app_id.clone(),
        user_id: user_id.to_owned(),
        purposes: approvals(&session, &decisions),
        validity_time: if validity > 0 {
            now.saturating_add(validity)
        } else {
            0
        },
        new_id: task.uuid_v7(),
        authorization_id: task.uuid_v7(),
        now,
    };
    let stored = task.env.consents.write(|c| c.record(answer));
    if essential_denied || (fail_on_deny && !decisions.approved) {
        return Ok(failure(ApiErrorCode::ExecutorConsentDenied));
    }
    let mut result = ExecResult::complete();
    let approved = |prefix: &str| stored.approved(&format!("{prefix}{app_id}")).join(" ");
    result.runtime.insert(
        keys::CONSENTED_ATTRIBUTES.to_owned(),
        approved(ATTRIBUTE_PREFIX),
    );
    result.runtime.insert(
        keys::CONSENTED_PERMISSIONS.to_owned(),
        approved(PERMISSION_PREFIX),
    );
    result
        .runtime
        .insert(keys::CONSENT_ID.to_owned(), stored.id);
    Ok(result)
}

fn failure(code: ApiErrorCode) -> ExecResult {
    ExecResult::failure(code.to_error())
}

/// Space-separated fields of an optional runtime value.
fn fields(value: Option<String>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// The attribute purpose (`buildAttributePurpose`): every attribute the app's assertion, access
/// token or ID token carries, sorted; none when the app names no attribute.
fn attribute_purpose(app: &crate::fixtures::ApplicationFixture) -> Option<Purpose> {
    let mut names: Vec<String> = app.assertion.user_attributes.clone();
    if let Some(oauth) = &app.oauth {
        names.extend(oauth.token.access_token.attributes.iter().cloned());
        names.extend(oauth.token.id_token.attributes.iter().cloned());
    }
    names.sort();
    names.dedup();
    if names.is_empty() {
        return None;
    }
    let name = format!("{ATTRIBUTE_PREFIX}{}", app.id);
    Some(Purpose {
        id: name.clone(),
        description: format!("Attribute consent purpose for application {}", app.id),
        name,
        elements: names,
    })
}

/// `purpose:element` of every element approved in the user's active records.
fn approved_keys(records: &[Consent]) -> Vec<String> {
    records
        .iter()
        .flat_map(|c| &c.purposes)
        .flat_map(|p| {
            p.elements
                .iter()
                .filter(|e| e.approved)
                .map(move |e| format!("{}:{}", p.name, e.name))
        })
        .collect()
}

/// The attributes the user has, plus those every user has by construction (`groups`, `roles`,
/// `userType`, the unit's `ouId`, `ouName`, `ouHandle`).
fn available_attributes(user: &UserRecord) -> Vec<String> {
    let mut names: Vec<String> = user.attributes.keys().cloned().collect();
    names.extend(["groups", "roles"].map(str::to_owned));
    if !user.user_type.is_empty() {
        names.push("userType".into());
    }
    if !user.ou_id.is_empty() {
        names.extend(["ouId", "ouName", "ouHandle"].map(str::to_owned));
    }
    names
}

fn element(name: &str) -> PromptElement {
    PromptElement {
        name: name.to_owned(),
        parent: String::new(),
    }
}

/// `buildAttributePurposePrompt`.
fn attribute_prompt(
    purpose: &Purpose,
    approved: &[String],
    available: &[String],
    essential: &[String],
    optional: &[String],
) -> Option<ConsentPurposePrompt> {
    let mut prompt = ConsentPurposePrompt {
        purpose_name: purpose.name.clone(),
        purpose_id: purpose.id.clone(),
        description: purpose.description.clone(),
        purpose_type: PURPOSE_TYPE_ATTRIBUTES.to_owned(),
        essential: Vec::new(),
        optional: Vec::new(),
    };
    for name in &purpose.elements {
        let is_essential = essential.contains(name);
        if !is_essential && !optional.contains(name) {
            continue;
        }
        if !available.contains(name) || approved.contains(&format!("{}:{name}", purpose.name)) {
            continue;
        }
        if is_essential {
            prompt.essential.push(element(name));
        } else {
            prompt.optional.push(element(name));
        }
    }
    (!prompt.essential.is_empty() || !prompt.optional.is_empty()).then_some(prompt)
}

/// `buildPermissionPurposePrompt`: every element optional, each with the longest other prompted
/// permission it extends (followed by a delimiter) as `parent`.
fn permission_prompt(
    purpose: &Purpose,
    approved: &[String],
    authorized: &[String],
) -> Option<ConsentPurposePrompt> {
    let prompted: Vec<&String> = purpose
        .elements
        .iter()
        .filter(|name| {
            authorized.contains(name) && !approved.contains(&format!("{}:{name}", purpose.name))
        })
        .collect();
    if prompted.is_empty() {
        return None;
    }
    let optional = prompted
        .iter()
        .map(|name| {
            let parent = prompted
                .iter()
                .filter(|q| {
                    q.len() < name.len()
                        && name.starts_with(q.as_str())
                        && name[q.len()..].starts_with(PERMISSION_DELIMITERS)
                })
                .max_by_key(|q| q.len())
                .map(|q| (*q).clone())
                .unwrap_or_default();
            PromptElement {
                name: (*name).clone(),
                parent,
            }
        })
        .collect();
    Some(ConsentPurposePrompt {
        purpose_name: purpose.name.clone(),
        purpose_id: purpose.id.clone(),
        description: purpose.description.clone(),
        purpose_type: PURPOSE_TYPE_PERMISSIONS.to_owned(),
        essential: Vec::new(),
        optional,
    })
}

/// The consent session token: what was prompted, signed by the server for an hour.
fn session_token(task: &mut Task<'_, '_>, prompts: &[ConsentPurposePrompt]) -> String {
    let names = |elements: &[PromptElement]| -> Value {
        if elements.is_empty() {
            Value::Null
        } else {
            elements
                .iter()
                .map(|e| Value::from(e.name.clone()))
                .collect()
        }
    };
    let purposes: Vec<Value> = prompts
        .iter()
        .map(|p| {
            json!({"purposeName": p.purpose_name, "essential": names(&p.essential),
                   "optional": names(&p.optional)})
        })
        .collect();
    let now = task.env.now;
    let mut claims = Map::new();
    claims.insert(SESSION_CLAIM.into(), json!({ "purposes": purposes }));
    claims.insert("aud".into(), Value::from(SESSION_AUDIENCE));
    claims.insert("iss".into(), Value::from(task.env.issuer));
    claims.insert("iat".into(), Value::from(now));
    claims.insert("nbf".into(), Value::from(now));
    claims.insert(
        "exp".into(),
        Value::from(now.saturating_add(SESSION_VALIDITY)),
    );
    claims.insert("jti".into(), Value::from(task.uuid_v7()));
    task.env.signer.sign(TokenType::Jwt, &claims)
}

/// The prompted purposes, if the execution's session token verifies (signature, issuer, expiry,
/// audience) and decodes.
fn verify_session(task: &Task<'_, '_>) -> Option<Vec<SessionPurpose>> {
    let token = task.execution.runtime_value(SESSION_TOKEN)?;
    let verified = task.env.signer.verify(token, task.env.now, true).ok()?;
    if verified.claim_str("aud") != Some(SESSION_AUDIENCE) {
        return None;
    }
    let session = verified.claims.get(SESSION_CLAIM)?.get("purposes")?;
    serde_json::from_value::<Option<Vec<SessionPurpose>>>(session.clone())
        .ok()
        .map(Option::unwrap_or_default)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purpose(name: &str, elements: &[&str]) -> Purpose {
        Purpose {
            id: String::new(),
            name: name.into(),
            description: String::new(),
            elements: elements.iter().map(|e| (*e).to_owned()).collect(),
        }
    }

    #[test]
    fn a_permission_names_the_longest_prompted_permission_it_extends() {
        let perms: Vec<String> = ["system", "system:user", "system:user:view", "systemx"]
            .map(str::to_owned)
            .to_vec();
        let prompt = permission_prompt(
            &purpose(
                "permissions:a",
                &["system", "system:user", "system:user:view", "systemx"],
            ),
            &[],
            &perms,
        )
        .unwrap();
        let parents: Vec<(&str, &str)> = prompt
            .optional
            .iter()
            .map(|e| (e.name.as_str(), e.parent.as_str()))
            .collect();
        assert_eq!(
            parents,
            [
                ("system", ""),
                ("system:user", "system"),
                ("system:user:view", "system:user"),
                ("systemx", "")
            ]
        );
    }
}
