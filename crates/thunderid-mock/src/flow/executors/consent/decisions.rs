//! The user's answer (`consent_decisions`) against what the session token says was asked:
//! `fillMissingDecisions`, `applyDecisionHierarchy`, `buildConsentElementApprovals`.

use serde::Deserialize;
use thunderid_protocol::flow::consent::{ConsentDecisions, ElementDecision, PurposeDecision};

use super::PERMISSION_PREFIX;
use crate::store::consents::{ElementApproval, Namespace, PurposeItem};

/// What the session token remembers of one prompted purpose.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SessionPurpose {
    pub(super) purpose_name: String,
    #[serde(default)]
    pub(super) essential: Option<Vec<String>>,
    #[serde(default)]
    optional: Option<Vec<String>>,
}

impl SessionPurpose {
    pub(super) fn names(&self) -> impl Iterator<Item = &String> {
        self.essential.iter().chain(self.optional.iter()).flatten()
    }
}

/// Go's `json.Unmarshal` into the decisions: one JSON value, `null` the zero value.
pub(super) fn parse_decisions(raw: &str) -> Option<ConsentDecisions> {
    serde_json::from_str::<Option<ConsentDecisions>>(raw)
        .ok()
        .map(Option::unwrap_or_default)
}

/// `fillMissingDecisions`: a prompted purpose the answer left out is denied, and (unless `elements`
/// is false, as on v1.0.0) so is each omitted element of a purpose not approved at every level.
pub(super) fn fill_missing(
    session: &[SessionPurpose],
    decisions: &mut ConsentDecisions,
    elements: bool,
) {
    let denied = |name: &String| ElementDecision {
        name: name.clone(),
        approved: false,
    };
    for prompted in session {
        let index = decisions
            .purposes
            .iter()
            .position(|p| p.purpose_name == prompted.purpose_name);
        let Some(index) = index else {
            decisions.purposes.push(PurposeDecision {
                purpose_name: prompted.purpose_name.clone(),
                approved: false,
                elements: prompted.names().map(denied).collect(),
            });
            continue;
        };
        if !elements || (decisions.approved && decisions.purposes[index].approved) {
            continue;
        }
        let purpose = &mut decisions.purposes[index];
        for name in prompted.names() {
            if !purpose.elements.iter().any(|e| &e.name == name) {
                purpose.elements.push(denied(name));
            }
        }
    }
}

/// `applyDecisionHierarchy`: a denial as a whole denies every purpose; a denied purpose denies its
/// elements.
pub(super) fn apply_hierarchy(decisions: &mut ConsentDecisions) {
    for purpose in &mut decisions.purposes {
        if !decisions.approved {
            purpose.approved = false;
        }
        if !purpose.approved {
            for element in &mut purpose.elements {
                element.approved = false;
            }
        }
    }
}

/// `buildConsentElementApprovals`: only what was prompted is written.
pub(super) fn approvals(
    session: &[SessionPurpose],
    decisions: &ConsentDecisions,
) -> Vec<PurposeItem> {
    decisions
        .purposes
        .iter()
        .filter_map(|decision| {
            let prompted = session
                .iter()
                .find(|s| s.purpose_name == decision.purpose_name)?;
            let namespace = if decision.purpose_name.starts_with(PERMISSION_PREFIX) {
                Namespace::Permission
            } else {
                Namespace::Attribute
            };
            let elements = decision
                .elements
                .iter()
                .filter(|e| prompted.names().any(|n| *n == e.name))
                .map(|e| ElementApproval {
                    name: e.name.clone(),
                    namespace,
                    approved: e.approved,
                })
                .collect();
            Some(PurposeItem {
                name: decision.purpose_name.clone(),
                elements,
            })
        })
        .collect()
}

/// Undo Go's `html.EscapeString` (the only escaping the v1.0.x line applies to inputs).
pub(super) fn html_unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unanswered_elements_are_denied_and_a_denial_runs_down_the_hierarchy() {
        let session = vec![SessionPurpose {
            purpose_name: "attributes:a".into(),
            essential: Some(vec!["email".into()]),
            optional: Some(vec!["phone".into()]),
        }];
        let mut decisions = parse_decisions(
            r#"{"approved":true,"purposes":[{"purposeName":"attributes:a","approved":false,
                "elements":[{"name":"email","approved":true}]}]}"#,
        )
        .unwrap();
        fill_missing(&session, &mut decisions, true);
        apply_hierarchy(&mut decisions);
        let items = approvals(&session, &decisions);
        let answers: Vec<(&str, bool)> = items[0]
            .elements
            .iter()
            .map(|e| (e.name.as_str(), e.approved))
            .collect();
        assert_eq!(answers, [("email", false), ("phone", false)]);
        assert_eq!(parse_decisions("null"), Some(ConsentDecisions::default()));
        assert_eq!(parse_decisions("{\"approved\":1}"), None);
        assert_eq!(html_unescape("&#34;a&amp;lt;&#34;"), "\"a&lt;\"");
    }
}
