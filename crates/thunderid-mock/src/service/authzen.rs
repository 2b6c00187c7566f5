//! AuthZEN (`backend/internal/authzen/`): "may this subject do this action on this resource
//! server?", answered from the same roles that put permissions into tokens.
//!
//! A subject is an entity id (a user or an app); a resource's `type` is a resource server's
//! `identifier`; an action's `name` is a full permission string. The decision is true when a role
//! assigned to the subject, or to one of its groups (through nesting), grants exactly that
//! permission on that server. Every evaluation call needs the `Direct-Auth-Secret` header to equal
//! the configured secret (`server.json` `security.directAuthSecret`); none is configured by
//! default, so a fresh server refuses them all with 401 AUTH-4010, as the real one does.
//!
//! Errors are not envelope A but `{"error": "<message>"}`.

use serde_json::{Value, json};
use thunderid_protocol::authzen::{
    ActionName, ActionSearchRequest, ActionSearchResponse, AuthzenConfiguration, EvaluationRequest,
    EvaluationResponse, EvaluationsResponse,
};

use crate::error::MockError;
use crate::fixtures::MemberKind;
use crate::state::AppState;
use crate::store::directory::Directory;
use crate::store::groups::MemberRef;
use crate::store::registry::Registry;

/// `GET /.well-known/authzen-configuration`.
pub(crate) fn configuration(state: &AppState) -> AuthzenConfiguration {
    let base = state.config().base_url.clone();
    AuthzenConfiguration {
        access_evaluation_endpoint: format!("{base}/access/v1/evaluation"),
        access_evaluations_endpoint: format!("{base}/access/v1/evaluations"),
        search_action_endpoint: format!("{base}/access/v1/search/action"),
        policy_decision_point: base,
    }
}

/// `POST /access/v1/evaluation`.
pub(crate) fn evaluate(state: &AppState, body: &[u8]) -> Result<EvaluationResponse, MockError> {
    let request: EvaluationRequest = decode(body)?;
    let registry = state.registry();
    state.stores().directory.read(|d| {
        let problem = |message: &str| MockError::Authzen {
            status: 400,
            message: message.to_owned(),
        };
        let inputs = Inputs::of(&request).map_err(problem)?;
        let subject = subject(d, &registry, &inputs).ok_or_else(|| problem("Invalid subject"))?;
        Ok(decide(d, &subject, &inputs))
    })
}

/// `POST /access/v1/evaluations`: each evaluation in order, problems reported in band.
pub(crate) fn evaluate_all(
    state: &AppState,
    body: &[u8],
) -> Result<EvaluationsResponse, MockError> {
    #[derive(serde::Deserialize)]
    struct Batch {
        #[serde(default)]
        evaluations: Option<Vec<EvaluationRequest>>,
    }
    let batch: Batch = decode(body)?;
    let evaluations = match batch.evaluations {
        Some(evaluations) if !evaluations.is_empty() => evaluations,
        _ => {
            return Err(MockError::Authzen {
                status: 400,
                message: "Missing evaluations".to_owned(),
            });
        }
    };
    let registry = state.registry();
    Ok(state.stores().directory.read(|d| EvaluationsResponse {
        evaluations: evaluations
            .iter()
            .map(|request| {
                let inputs = match Inputs::of(request) {
                    Ok(inputs) => inputs,
                    Err(message) => return refused(message),
                };
                // Here the resource is resolved before the subject.
                if d.resource_servers.by_identifier(inputs.resource).is_none() {
                    return refused("Resource not found");
                }
                match subject(d, &registry, &inputs) {
                    Some(subject) => decide(d, &subject, &inputs),
                    None => refused("Invalid subject"),
                }
            })
            .collect(),
    }))
}

/// `POST /access/v1/search/action`: the action permissions the subject holds on the resource
/// server (its own actions, then those of its top-level resources; never resources or nested
/// actions), each once.
pub(crate) fn search_actions(
    state: &AppState,
    body: &[u8],
) -> Result<ActionSearchResponse, MockError> {
    let request: ActionSearchRequest = decode(body)?;
    let problem = |message: &str| MockError::Authzen {
        status: 400,
        message: message.to_owned(),
    };
    if request.subject.id.trim().is_empty() {
        return Err(problem("Missing subject"));
    }
    if request.resource.resource_type.trim().is_empty() {
        return Err(problem("Missing resource"));
    }
    let registry = state.registry();
    state.stores().directory.read(|d| {
        let store = &d.resource_servers;
        let server = store
            .by_identifier(&request.resource.resource_type)
            .ok_or_else(|| problem("Invalid resource"))?;
        let subject = entity(d, &registry, &request.subject.id, "");
        let mut permissions: Vec<&str> = store
            .actions_at(&server.id, None)
            .iter()
            .map(|a| a.permission.as_str())
            .collect();
        for resource in store.resources_under(&server.id, None) {
            permissions.extend(
                store
                    .actions_at(&server.id, Some(&resource.id))
                    .iter()
                    .map(|a| a.permission.as_str()),
            );
        }
        let mut results: Vec<ActionName> = Vec::new();
        for permission in permissions {
            let granted = subject
                .as_ref()
                .is_some_and(|s| d.is_authorized(s, &server.id, permission));
            if granted && !results.iter().any(|r| r.name == permission) {
                results.push(ActionName {
                    name: permission.to_owned(),
                });
            }
        }
        Ok(ActionSearchResponse { results })
    })
}

/// An evaluation's three names, present.
struct Inputs<'a> {
    subject_id: &'a str,
    subject_type: &'a str,
    resource: &'a str,
    action: &'a str,
}

impl<'a> Inputs<'a> {
    fn of(request: &'a EvaluationRequest) -> Result<Self, &'static str> {
        let inputs = Self {
            subject_id: request.subject.id.trim(),
            subject_type: request.subject.subject_type.trim(),
            resource: request.resource.resource_type.trim(),
            action: request.action.name.trim(),
        };
        if inputs.subject_id.is_empty() {
            return Err("Missing subject");
        }
        if inputs.resource.is_empty() {
            return Err("Missing resource");
        }
        if inputs.action.is_empty() {
            return Err("Missing action");
        }
        Ok(inputs)
    }
}

/// The subject as an entity; `None` when a type was given and the entity is not of it.
fn subject(d: &Directory, registry: &Registry, inputs: &Inputs<'_>) -> Option<MemberRef> {
    entity(d, registry, inputs.subject_id, inputs.subject_type)
}

fn entity(d: &Directory, registry: &Registry, id: &str, claimed: &str) -> Option<MemberRef> {
    let kind = if d.users.get(id).is_some() {
        Some(MemberKind::User)
    } else if registry.application(id).is_some() {
        Some(MemberKind::App)
    } else {
        None
    };
    match (claimed, kind) {
        ("", Some(kind)) => Some(MemberRef::new(kind, id)),
        // An unknown entity without a claimed type holds no roles.
        ("", None) => Some(MemberRef::new(MemberKind::Agent, id)),
        (claimed, Some(kind)) if claimed == kind.as_str() => Some(MemberRef::new(kind, id)),
        _ => None,
    }
}

/// The decision for a resolved subject.
fn decide(d: &Directory, subject: &MemberRef, inputs: &Inputs<'_>) -> EvaluationResponse {
    let Some(server) = d.resource_servers.by_identifier(inputs.resource) else {
        return refused("Resource not found");
    };
    if !d.resource_servers.is_permission(&server.id, inputs.action) {
        return refused(&format!(
            "Action {} is not registered on the resource server",
            inputs.action
        ));
    }
    if d.is_authorized(subject, &server.id, inputs.action) {
        EvaluationResponse {
            decision: true,
            context: None,
        }
    } else {
        EvaluationResponse {
            decision: false,
            context: Some(
                json!({"reason": "Subject is not authorized to perform the requested action"}),
            ),
        }
    }
}

/// A `false` decision carrying an error message in its context.
fn refused(message: &str) -> EvaluationResponse {
    EvaluationResponse {
        decision: false,
        context: Some(json!({"error": {"message": message}})),
    }
}

/// The body as the handler decodes it; any failure is `Invalid request format`.
fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, MockError> {
    let value: Value = crate::wire::decode_first_json(body).ok_or_else(invalid_format)?;
    if !value.is_object() {
        return Err(invalid_format());
    }
    serde_json::from_value(value).map_err(|_| invalid_format())
}

fn invalid_format() -> MockError {
    MockError::Authzen {
        status: 400,
        message: "Invalid request format".to_owned(),
    }
}
