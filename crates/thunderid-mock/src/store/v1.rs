//! The records of V1 app-native sign-ins in progress (`/oauth2/authn`): which execution each drives
//! and what its client was last offered. `flow::v1` builds them; [`super::executions`] keeps them.

use std::collections::BTreeMap;

use thunderid_protocol::flow::{NextStep, PromptType, V1Message};

/// One V1 sign-in: the execution it drives and what its client was last offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V1Flow {
    /// The AUTHENTICATION execution `/oauth2/authorize` pre-created.
    pub execution_id: String,
    /// The stored authorization request the code is issued for.
    pub auth_id: String,
    /// The client's redirect URI, where the fake IdP sends the browser back.
    pub redirect_uri: String,
    /// The step last offered; a selection must name one of its authenticators.
    pub step: Step,
    /// FAIL_INCOMPLETE answers so far.
    pub failed_attempts: u32,
    /// The execution's absolute expiry.
    pub expires_at: u64,
}

/// A step as the client sees it, and how each authenticator drives the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The wire `nextStep`, without error messages.
    pub next_step: NextStep,
    /// One per authenticator of `next_step`, in the same order.
    pub choices: Vec<Choice>,
}

/// How a selected authenticator continues the execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub authenticator_id: String,
    /// The prompt action that leads to the authenticator; `None` when the execution is paused on
    /// the authenticating task itself.
    pub action: Option<String>,
    /// The `params` the authenticator takes; each is the engine input of the same name.
    pub params: Vec<String>,
    pub prompt_type: PromptType,
}

impl Step {
    /// The choice for `authenticator_id`, if this step offers it.
    pub fn choice(&self, authenticator_id: &str) -> Option<&Choice> {
        self.choices
            .iter()
            .find(|c| c.authenticator_id == authenticator_id)
    }

    /// The wire step with `messages` in front of its own.
    pub fn with_messages(&self, messages: Vec<V1Message>) -> NextStep {
        let mut next_step = self.next_step.clone();
        next_step.messages.splice(0..0, messages);
        next_step
    }
}

impl Choice {
    /// The engine inputs for the `params` the client sent: only the authenticator's own params.
    /// A redirection authenticator sent back without `code` and `state` asks for a fresh redirect,
    /// so stale values of an earlier round are overwritten with empty ones.
    pub fn inputs(&self, params: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        self.params
            .iter()
            .filter_map(|name| match (params.get(name), &self.prompt_type) {
                (Some(value), _) => Some((name.clone(), value.clone())),
                (None, PromptType::RedirectionPrompt) => Some((name.clone(), String::new())),
                (None, PromptType::UserPrompt | PromptType::InternalPrompt) => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirection_without_code_and_state_clears_both() {
        let choice = Choice {
            authenticator_id: "x".into(),
            action: None,
            params: vec!["code".into(), "state".into()],
            prompt_type: PromptType::RedirectionPrompt,
        };
        let inputs = choice.inputs(&BTreeMap::new());
        assert_eq!(
            inputs,
            BTreeMap::from([
                ("code".into(), String::new()),
                ("state".into(), String::new())
            ])
        );
        let user = Choice {
            prompt_type: PromptType::UserPrompt,
            params: vec!["username".into(), "password".into()],
            ..choice
        };
        let sent = BTreeMap::from([
            ("username".to_owned(), "thor".to_owned()),
            ("userID".to_owned(), "someone-else".to_owned()),
        ]);
        assert_eq!(
            user.inputs(&sent),
            BTreeMap::from([("username".into(), "thor".into())])
        );
    }
}
