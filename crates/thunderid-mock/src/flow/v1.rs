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
//! Passkey actions have no V1 authenticator here, so `INTERNAL_PROMPT` is never produced.

mod authenticators;

use thunderid_protocol::ApiError;
use thunderid_protocol::flow::{
    Authenticator, FlowData, FlowDefinition, NextStep, NodeDefinition, NodeType, StepType,
    V1Message, V1MessageType, V1StepType,
};

use self::authenticators::Kind;
use super::keys;
use crate::store::execution::Execution;
use crate::store::registry::Registry;
use crate::store::users::Users;
use crate::store::v1::{Choice, Step};

/// What the V1 client needs to describe an engine step.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StepView<'a> {
    pub registry: &'a Registry,
    pub users: &'a Users,
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
    let graph = view.registry.flow(view.execution.graph.as_str())?;
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
}
