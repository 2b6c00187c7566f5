//! A consent page's post, turned into the `consent_decisions` input as the SDKs compile it on
//! submit (`SignIn.tsx` `handleSubmit`): the approving action approves every essential element and
//! the optional ones whose box was ticked; any other action denies everything with the reason
//! `user_denied`; a post the page's timer made once `stepTimeout` passed (the reason field says
//! `timeout`) denies everything with the reason `timeout`, whichever action carried it, as the
//! SDK's timeout handler does. The page carries the prompt it showed and its approving action as hidden fields,
//! as the real gate keeps them in the browser; what the executor accepts is still decided by its
//! signed consent session, never by the page.

use std::collections::BTreeMap;

use thunderid_protocol::flow::consent::{
    ConsentDecisions, ConsentPurposePrompt, ElementDecision, PurposeDecision, REASON_TIMEOUT,
    REASON_USER_DENIED,
};

/// The hidden field carrying the step's `consentPrompt`.
pub(crate) const PROMPT_FIELD: &str = "tid-consent";
/// The hidden field naming the action that approves (the step's primary action).
pub(crate) const ALLOW_FIELD: &str = "tid-consent-allow";
/// The field the page's timer adds when it posts an expired prompt (the SDK's `__consent_reason__`).
pub(crate) const REASON_FIELD: &str = "tid-consent-reason";
/// The input the executor reads.
const DECISIONS_INPUT: &str = "consent_decisions";
/// The prefix of an optional element's checkbox (`getConsentOptionalKey`).
const OPTIONAL_PREFIX: &str = "__consent_opt__";

/// What a consent page posted besides its inputs.
#[derive(Debug, Default)]
pub(crate) struct ConsentForm {
    /// The `consentPrompt` the page showed (a JSON array of purposes).
    pub prompt: String,
    /// The action that approves.
    pub approve_action: String,
    /// [`REASON_TIMEOUT`] when the page's timer posted it; otherwise empty.
    pub reason: String,
}

/// The form key of an optional element's checkbox.
pub(crate) fn optional_key(purpose_id: &str, name: &str) -> String {
    format!("{OPTIONAL_PREFIX}{purpose_id}__{name}")
}

/// Replace the page's checkboxes in `inputs` by `consent_decisions`. A prompt that does not parse
/// leaves the input out, so the step is asked again as the server asks a missing input.
pub(crate) fn compile(
    form: &ConsentForm,
    action: Option<&str>,
    inputs: &mut BTreeMap<String, String>,
) {
    let ticked: Vec<String> = inputs
        .iter()
        .filter(|(name, value)| name.starts_with(OPTIONAL_PREFIX) && *value == "true")
        .map(|(name, _)| name.clone())
        .collect();
    inputs.retain(|name, _| !name.starts_with(OPTIONAL_PREFIX));
    let Ok(prompts) = serde_json::from_str::<Vec<ConsentPurposePrompt>>(&form.prompt) else {
        return;
    };
    // An expired prompt is never an approval, whichever action carried the post.
    let timed_out = form.reason == REASON_TIMEOUT;
    let approved = !timed_out && action.is_some_and(|a| !a.is_empty() && a == form.approve_action);
    let purposes = prompts
        .iter()
        .map(|purpose| {
            let essential = purpose.essential.iter().map(|e| ElementDecision {
                name: e.name.clone(),
                approved,
            });
            let optional = purpose.optional.iter().map(|e| ElementDecision {
                name: e.name.clone(),
                approved: approved && ticked.contains(&optional_key(&purpose.purpose_id, &e.name)),
            });
            PurposeDecision {
                purpose_name: purpose.purpose_name.clone(),
                approved,
                elements: essential.chain(optional).collect(),
            }
        })
        .collect();
    let decisions = ConsentDecisions {
        approved,
        reason: match (approved, timed_out) {
            (true, _) => String::new(),
            (false, true) => REASON_TIMEOUT.to_owned(),
            (false, false) => REASON_USER_DENIED.to_owned(),
        },
        purposes,
    };
    if let Ok(json) = serde_json::to_string(&decisions) {
        inputs.insert(DECISIONS_INPUT.to_owned(), json);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROMPT: &str = r#"[{"purposeName":"attributes:a","purposeId":"attributes:a","type":"attributes",
        "essential":[{"name":"email"}],"optional":[{"name":"given_name"},{"name":"family_name"}]},
        {"purposeName":"permissions:a","purposeId":"","type":"permissions","essential":[],
        "optional":[{"name":"booking:read"}]}]"#;

    fn posted(action: &str, ticked: &[&str]) -> serde_json::Value {
        posted_for(action, ticked, "")
    }

    fn posted_for(action: &str, ticked: &[&str], reason: &str) -> serde_json::Value {
        let form = ConsentForm {
            prompt: PROMPT.to_owned(),
            approve_action: "consent_action_allow".to_owned(),
            reason: reason.to_owned(),
        };
        let mut inputs: BTreeMap<String, String> = ticked
            .iter()
            .map(|k| ((*k).to_owned(), "true".to_owned()))
            .collect();
        compile(&form, Some(action), &mut inputs);
        assert_eq!(inputs.len(), 1, "{inputs:?}");
        serde_json::from_str(&inputs[DECISIONS_INPUT]).unwrap()
    }

    #[test]
    fn allowing_approves_the_essential_and_the_ticked_optional_elements() {
        let decisions = posted(
            "consent_action_allow",
            &[
                "__consent_opt__attributes:a__family_name",
                "__consent_opt____booking:read",
            ],
        );
        assert_eq!(
            decisions,
            serde_json::json!({"approved": true, "purposes": [
                {"purposeName": "attributes:a", "approved": true, "elements": [
                    {"name": "email", "approved": true}, {"name": "given_name", "approved": false},
                    {"name": "family_name", "approved": true}]},
                {"purposeName": "permissions:a", "approved": true, "elements": [
                    {"name": "booking:read", "approved": true}]}]})
        );
    }

    #[test]
    fn a_post_the_timer_made_denies_everything_for_the_timeout_whatever_its_action() {
        for action in ["consent_action_allow", "consent_action_deny"] {
            let decisions = posted_for(
                action,
                &["__consent_opt__attributes:a__family_name"],
                REASON_TIMEOUT,
            );
            assert_eq!(
                decisions,
                serde_json::json!({"approved": false, "reason": "timeout", "purposes": [
                    {"purposeName": "attributes:a", "approved": false, "elements": [
                        {"name": "email", "approved": false},
                        {"name": "given_name", "approved": false},
                        {"name": "family_name", "approved": false}]},
                    {"purposeName": "permissions:a", "approved": false, "elements": [
                        {"name": "booking:read", "approved": false}]}]})
            );
        }
    }

    #[test]
    fn any_other_action_denies_everything_as_the_user_s_choice() {
        let decisions = posted(
            "consent_action_deny",
            &["__consent_opt__attributes:a__family_name"],
        );
        assert_eq!(
            decisions,
            serde_json::json!({"approved": false, "reason": "user_denied", "purposes": [
                {"purposeName": "attributes:a", "approved": false, "elements": [
                    {"name": "email", "approved": false}, {"name": "given_name", "approved": false},
                    {"name": "family_name", "approved": false}]},
                {"purposeName": "permissions:a", "approved": false, "elements": [
                    {"name": "booking:read", "approved": false}]}]})
        );
    }

    #[test]
    fn an_unreadable_prompt_posts_no_decisions() {
        let form = ConsentForm {
            prompt: "{".to_owned(),
            approve_action: "allow".to_owned(),
            reason: String::new(),
        };
        let mut inputs = BTreeMap::from([("__consent_opt__x__y".to_owned(), "true".to_owned())]);
        compile(&form, Some("allow"), &mut inputs);
        assert!(inputs.is_empty());
    }
}
