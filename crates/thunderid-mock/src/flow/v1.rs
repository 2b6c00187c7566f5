//! The V1 app-native sign-in (`response_mode=direct` and `/oauth2/authn`, seed 002) over the same
//! engine as V2: which authenticators an engine step offers, how a V1 selection becomes engine
//! inputs, and the V1 flows in progress. HTTP lives in `routes/oauth2/direct`.
//!
//! # Mapping an engine step
//! * A PROMPT: one authenticator per offered action whose `nextNode` is an authenticating task
//!   (CredentialsAuthExecutor → `BasicAuthenticator:LOCAL`, IdentifyingExecutor →
//!   `IdentifierExecutor:LOCAL`, OTPExecutor in `verify` mode → `sms-otp-authenticator:LOCAL`
//!   (`email-otp-authenticator` when the graph mails the code), the federated executors →
//!   `GoogleOIDCAuthenticator:Google` and the like). Other actions (sign-up, recovery, resend) have
//!   no V1 counterpart and are left out. When the client already chose an action, only its
//!   authenticator remains.
//! * A task paused on input (a wrong OTP) or on a REDIRECTION: that task's authenticator, with the
//!   fake IdP's URL in `additionalData.redirectUrl`.
//! * One authenticator is an `AUTHENTICATOR_PROMPT`, several a `MULTI_OPTIONS_PROMPT`.
//!
//! No bundled flow offers a passkey, so `INTERNAL_PROMPT` is never produced.

mod authenticators;

use std::collections::{BTreeMap, HashMap};

use thunderid_protocol::ApiError;
use thunderid_protocol::flow::{
    Authenticator, FlowData, FlowDefinition, NextStep, NodeDefinition, NodeType, PromptType,
    StepType, V1Message, V1MessageType, V1StepType,
};

use self::authenticators::Kind;
use super::execution::Execution;
use super::graph;
use super::keys;
use crate::fixtures::Fixtures;
use crate::store::users::UserStore;

/// The V1 flows in progress, by `flowId`.
#[derive(Debug, Default)]
pub struct V1FlowStore {
    flows: HashMap<String, V1Flow>,
}

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

impl V1FlowStore {
    /// At most this many flows; the oldest-expiring go first.
    const CAPACITY: usize = 100_000;
    /// An expired flow is kept this long, so a late call still learns it expired.
    const GRACE: u64 = 3600;

    /// Store (or put back) a flow. Long-expired flows are swept first.
    pub fn insert(&mut self, flow_id: String, flow: V1Flow, now: u64) {
        if !self.flows.contains_key(&flow_id) && self.flows.len() >= Self::CAPACITY {
            self.flows
                .retain(|_, f| now < f.expires_at.saturating_add(Self::GRACE));
            if self.flows.len() >= Self::CAPACITY {
                let oldest = self
                    .flows
                    .iter()
                    .min_by_key(|(_, f)| f.expires_at)
                    .map(|(id, _)| id.clone());
                if let Some(oldest) = oldest {
                    self.flows.remove(&oldest);
                }
            }
        }
        self.flows.insert(flow_id, flow);
    }

    /// Take a flow out while one call works on it; a concurrent call finds nothing.
    pub fn take(&mut self, flow_id: &str) -> Option<V1Flow> {
        self.flows.remove(flow_id)
    }

    /// The number of stored flows.
    pub fn len(&self) -> usize {
        self.flows.len()
    }

    /// Whether no flow is stored.
    pub fn is_empty(&self) -> bool {
        self.flows.is_empty()
    }
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

/// What the V1 client needs to describe an engine step.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StepView<'a> {
    pub fixtures: &'a Fixtures,
    pub users: &'a UserStore,
    /// The execution as stored after the step.
    pub execution: &'a Execution,
    pub step_type: &'a StepType,
    pub data: &'a FlowData,
    /// The client's redirect URI (the fake IdP's return address).
    pub redirect_uri: &'a str,
}

/// The step the execution is paused on, for the V1 client; `None` when it offers nothing the V1
/// API can express (a consent prompt, a registration form).
pub(crate) fn describe(view: &StepView<'_>) -> Option<Step> {
    let graph = graph::flow_by_id(view.fixtures, view.execution.graph.as_str())?;
    let node = graph.node(view.execution.node.as_deref()?)?;
    let offered: Vec<(Authenticator, Choice)> = match node.node_type {
        NodeType::Prompt => prompt_choices(graph, node, view),
        NodeType::TaskExecution => task_choice(graph, node, view).into_iter().collect(),
        NodeType::Start | NodeType::End | NodeType::Call => Vec::new(),
    };
    let mut authenticators: Vec<Authenticator> = Vec::new();
    let mut choices = Vec::new();
    for (authenticator, choice) in offered {
        // Two actions leading to the same authenticator offer it once.
        if authenticators
            .iter()
            .all(|a| a.authenticator_id != authenticator.authenticator_id)
        {
            authenticators.push(authenticator);
            choices.push(choice);
        }
    }
    let step_type = match authenticators.len() {
        0 => return None,
        1 => V1StepType::AuthenticatorPrompt,
        _ => V1StepType::MultiOptionsPrompt,
    };
    Some(Step {
        next_step: NextStep {
            step_type,
            authenticators,
            messages: info_messages(view),
        },
        choices,
    })
}

/// One authenticator per offered action that leads to an authenticating task.
fn prompt_choices(
    graph: &FlowDefinition,
    node: &NodeDefinition,
    view: &StepView<'_>,
) -> Vec<(Authenticator, Choice)> {
    let offered: Vec<&str> = if view.data.actions.is_empty() {
        view.execution.action.as_deref().into_iter().collect()
    } else {
        view.data
            .actions
            .iter()
            .map(|a| a.reference.as_str())
            .collect()
    };
    offered
        .into_iter()
        .filter_map(|reference| {
            let prompt = node
                .prompts
                .iter()
                .find(|p| p.action.as_ref().is_some_and(|a| a.reference == reference))?;
            let target = graph.node(&prompt.action.as_ref()?.next_node)?;
            let kind = Kind::of_action_target(graph, target)?;
            let (authenticator, mut choice) = kind.offer(&prompt.inputs, None);
            choice.action = Some(reference.to_owned());
            Some((authenticator, choice))
        })
        .collect()
}

/// The authenticating task the execution is paused on.
fn task_choice(
    graph: &FlowDefinition,
    node: &NodeDefinition,
    view: &StepView<'_>,
) -> Option<(Authenticator, Choice)> {
    let kind = Kind::of_task(graph, node)?;
    let redirect = match view.step_type {
        StepType::Redirection => Some(authenticators::redirection_data(
            view.data.redirect_url.as_deref()?,
            view.redirect_uri,
        )),
        StepType::View => None,
    };
    Some(kind.offer(&view.data.inputs, redirect))
}

/// User-facing information about what the step just did: where a one-time code went.
fn info_messages(view: &StepView<'_>) -> Vec<V1Message> {
    let sent = |key: &str| view.data.additional_data.get(key).map(String::as_str) == Some("true");
    let recipient = |attribute: &str| user_attribute(view, attribute);
    let target = if sent(keys::data::SMS_SENT) {
        recipient("mobile_number")
    } else if sent(keys::data::EMAIL_SENT) {
        recipient("email")
    } else {
        None
    };
    target
        .map(|to| V1Message {
            message_type: V1MessageType::Info,
            message: format!("The code was sent to {}", mask(&to)),
        })
        .into_iter()
        .collect()
}

/// An input or runtime value of the execution, else the attribute of its user.
fn user_attribute(view: &StepView<'_>, attribute: &str) -> Option<String> {
    let execution = view.execution;
    let direct = execution
        .inputs
        .get(attribute)
        .or_else(|| execution.runtime.get(attribute))
        .filter(|v| !v.is_empty());
    if let Some(value) = direct {
        return Some(value.clone());
    }
    let user_id = execution
        .runtime_value(keys::USER_ID)
        .or(execution.user.as_deref())?;
    view.users
        .get(user_id)?
        .attributes
        .get(attribute)?
        .as_str()
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Hide all but the first two and the last four characters (an e-mail keeps its domain).
fn mask(value: &str) -> String {
    if let Some((local, domain)) = value.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 6 {
        return "*".repeat(chars.len());
    }
    let hidden = chars.len() - 6;
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(hidden))
}

/// An engine error as a V1 error message.
pub(crate) fn error_message(error: &ApiError) -> V1Message {
    let text = error
        .message
        .default_value
        .clone()
        .filter(|m| !m.is_empty())
        .or_else(|| error.description.default_value.clone())
        .unwrap_or_else(|| error.code.as_str().to_owned());
    V1Message {
        message_type: V1MessageType::Error,
        message: text,
    }
}

/// A plain V1 error message.
pub(crate) fn message(text: &str) -> V1Message {
    V1Message {
        message_type: V1MessageType::Error,
        message: text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_and_emails_are_masked() {
        assert_eq!(mask("+15550100001"), "+1******0001");
        assert_eq!(mask("thor@asgard.example"), "t***@asgard.example");
        assert_eq!(mask("12345"), "*****");
    }

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
