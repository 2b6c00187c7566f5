//! AuthZEN, the authorization API (`api/authzen.yaml`, `backend/internal/authzen/`): "may this
//! subject do this action on this resource server?". Every evaluation call carries the
//! `Direct-Auth-Secret` header. Errors are [`AuthzenError`], not the API envelope.
//!
//! | Call | Request | Response |
//! |---|---|---|
//! | `GET /.well-known/authzen-configuration` | — | 200 [`AuthzenConfiguration`] |
//! | `POST /access/v1/evaluation` | [`EvaluationRequest`] | 200 [`EvaluationResponse`] |
//! | `POST /access/v1/evaluations` | [`EvaluationsRequest`] | 200 [`EvaluationsResponse`] |
//! | `POST /access/v1/search/action` | [`ActionSearchRequest`] | 200 [`ActionSearchResponse`] |

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `GET /.well-known/authzen-configuration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthzenConfiguration {
    pub policy_decision_point: String,
    pub access_evaluation_endpoint: String,
    pub access_evaluations_endpoint: String,
    pub search_action_endpoint: String,
}

/// The subject: an entity (user, app or agent) by id; `type`, when sent, must be its kind.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Subject {
    #[serde(rename = "type", default)]
    pub subject_type: String,
    #[serde(default)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Map<String, Value>>,
}

/// The resource: `type` is a resource server's identifier; `id` is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ResourceRef {
    #[serde(rename = "type", default)]
    pub resource_type: String,
    #[serde(default)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Map<String, Value>>,
}

/// The action: `name` is a full permission string (`booking:read`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ActionRef {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Map<String, Value>>,
}

/// One evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EvaluationRequest {
    #[serde(default)]
    pub subject: Subject,
    #[serde(default)]
    pub resource: ResourceRef,
    #[serde(default)]
    pub action: ActionRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Map<String, Value>>,
}

/// A decision, with the reason or the problem in `context`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationResponse {
    pub decision: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
}

/// `POST /access/v1/evaluations`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EvaluationsRequest {
    #[serde(default)]
    pub evaluations: Vec<EvaluationRequest>,
}

/// The decisions, in request order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationsResponse {
    pub evaluations: Vec<EvaluationResponse>,
}

/// `POST /access/v1/search/action`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ActionSearchRequest {
    #[serde(default)]
    pub subject: Subject,
    #[serde(default)]
    pub resource: ResourceRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Map<String, Value>>,
}

/// The actions the subject may perform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionSearchResponse {
    pub results: Vec<ActionName>,
}

/// One permitted action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionName {
    pub name: String,
}

/// An AuthZEN error: `{"error": "<message>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthzenError {
    pub error: String,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::oauth2::test_support::parse_exact;

    #[test]
    fn an_evaluation_and_its_denial() {
        let request: EvaluationRequest = serde_json::from_value(json!({
            "subject": {"type": "user", "id": "u"},
            "resource": {"type": "https://api.example/booking", "id": "x"},
            "action": {"name": "booking:read"}
        }))
        .expect("parses");
        assert_eq!(request.action.name, "booking:read");
        let denied: EvaluationResponse = parse_exact(json!({
            "decision": false,
            "context": {"reason": "Subject is not authorized to perform the requested action"}
        }));
        insta::assert_json_snapshot!("evaluation_denied", denied);
        let allowed: EvaluationResponse = parse_exact(json!({"decision": true}));
        assert!(allowed.decision);
    }
}
