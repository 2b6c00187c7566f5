//! The V1 authenticators the engine's executors stand for: names, ids (base64url of `Name:IdP`,
//! the values the SDKs hard-code in `ApplicationNativeAuthenticationConstants`), display names,
//! prompt types and params.

use serde_json::{Map, Value};
use thunderid_protocol::flow::{
    Authenticator, AuthenticatorMetadata, AuthenticatorParam, FlowDefinition, Input, InputType,
    NodeDefinition, NodeType, ParamType, PromptType, authenticator_id,
};

use crate::flow::executors::federated_display_name;
use crate::flow::node::is_sensitive;
use crate::graph::{ExecutorKind, FederatedKind};
use crate::store::v1::Choice;

/// The IdP of every non-federated authenticator.
const LOCAL: &str = "LOCAL";
/// What a redirection authenticator is sent back with.
const REDIRECTION_PARAMS: [&str; 2] = ["code", "state"];

/// The V1 authenticator an authenticating task stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
    /// CredentialsAuthExecutor.
    Basic,
    /// IdentifyingExecutor.
    Identifier,
    /// OTPExecutor; `email` when the graph mails the code instead of texting it.
    Otp { email: bool },
    /// A federated executor and its node's `idpId`.
    Federated { kind: FederatedKind, idp_id: String },
}

impl Kind {
    /// The authenticator a prompt action leads to. An OTP task counts only in `verify` mode:
    /// an action into a generating one is a resend, not a way to sign in.
    pub(super) fn of_action_target(graph: &FlowDefinition, node: &NodeDefinition) -> Option<Self> {
        let kind = Self::of_task(graph, node)?;
        let mode = node.executor.as_ref().and_then(|e| e.mode.as_deref());
        let resends = matches!(kind, Self::Otp { .. }) && mode != Some("verify");
        (!resends).then_some(kind)
    }

    /// The authenticator of a TASK_EXECUTION node, if its executor authenticates.
    pub(super) fn of_task(graph: &FlowDefinition, node: &NodeDefinition) -> Option<Self> {
        if node.node_type != NodeType::TaskExecution {
            return None;
        }
        let executor = node.executor.as_ref()?;
        match ExecutorKind::from_name(&executor.name)? {
            ExecutorKind::CredentialsAuth => Some(Self::Basic),
            ExecutorKind::Identifying => Some(Self::Identifier),
            ExecutorKind::Otp => Some(Self::Otp {
                email: mails_codes(graph),
            }),
            ExecutorKind::Federated(kind) => Some(Self::Federated {
                kind,
                idp_id: node
                    .properties
                    .get("idpId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            }),
            ExecutorKind::Authorization
            | ExecutorKind::AuthAssert
            | ExecutorKind::Sms
            | ExecutorKind::Email
            | ExecutorKind::UserTypeResolver
            | ExecutorKind::Provisioning
            | ExecutorKind::AttributeUniqueness
            | ExecutorKind::Invite
            | ExecutorKind::CredentialSetter
            | ExecutorKind::SessionSignOut
            | ExecutorKind::PermissionValidator
            | ExecutorKind::OuResolver
            | ExecutorKind::OuCreator
            | ExecutorKind::AttributeCollector
            | ExecutorKind::PreDelete
            | ExecutorKind::HttpRequest
            | ExecutorKind::OpenId4VpVerify
            | ExecutorKind::FederatedAuthResolver
            | ExecutorKind::CriteriaRevocation
            | ExecutorKind::SessionRevocation
            | ExecutorKind::UserDelete
            | ExecutorKind::SsoCheck
            | ExecutorKind::Session
            | ExecutorKind::Consent
            | ExecutorKind::MagicLink
            // A passkey would be an `INTERNAL_PROMPT`; the V1 adapter does not offer one.
            | ExecutorKind::PasskeyAuth => None,
        }
    }

    /// The authenticator for a step asking `inputs`, and how selecting it drives the engine.
    /// `redirect` is the `additionalData` of a REDIRECTION step.
    pub(super) fn offer(
        &self,
        inputs: &[Input],
        redirect: Option<Map<String, Value>>,
    ) -> (Authenticator, Choice) {
        let (prompt_type, params, required) = match self {
            Self::Federated { .. } => (
                PromptType::RedirectionPrompt,
                Vec::new(),
                REDIRECTION_PARAMS.map(str::to_owned).to_vec(),
            ),
            Self::Basic | Self::Identifier | Self::Otp { .. } => {
                let params: Vec<AuthenticatorParam> = inputs
                    .iter()
                    .enumerate()
                    .map(|(i, input)| param(i, input))
                    .collect();
                let required = params.iter().map(|p| p.param.clone()).collect();
                (PromptType::UserPrompt, params, required)
            }
        };
        let idp = self.idp();
        let id = authenticator_id(self.name(), &idp);
        let authenticator = Authenticator {
            authenticator_id: id.clone(),
            authenticator: self.display_name(),
            idp,
            metadata: AuthenticatorMetadata {
                i18n_key: self.i18n_key(),
                prompt_type,
                params,
                additional_data: redirect,
            },
            required_params: required.clone(),
        };
        let choice = Choice {
            authenticator_id: id,
            action: None,
            params: required,
            prompt_type,
        };
        (authenticator, choice)
    }

    /// The `Name` half of the authenticator id (WSO2 Identity Server's authenticator names).
    fn name(&self) -> &'static str {
        match self {
            Self::Basic => "BasicAuthenticator",
            Self::Identifier => "IdentifierExecutor",
            Self::Otp { email: false } => "sms-otp-authenticator",
            Self::Otp { email: true } => "email-otp-authenticator",
            Self::Federated { kind, .. } => match kind {
                FederatedKind::Google => "GoogleOIDCAuthenticator",
                FederatedKind::Github => "GithubAuthenticator",
                FederatedKind::Oidc => "OpenIDConnectAuthenticator",
                FederatedKind::OAuth => "OAuth2Authenticator",
            },
        }
    }

    /// `LOCAL`, or the fake IdP's display name (`Google`).
    fn idp(&self) -> String {
        match self {
            Self::Basic | Self::Identifier | Self::Otp { .. } => LOCAL.to_owned(),
            Self::Federated { idp_id, .. } => federated_display_name(idp_id),
        }
    }

    fn display_name(&self) -> String {
        match self {
            Self::Basic => "Username & Password".to_owned(),
            Self::Identifier => "Identifier First".to_owned(),
            Self::Otp { email: false } => "SMS OTP".to_owned(),
            Self::Otp { email: true } => "Email OTP".to_owned(),
            Self::Federated { idp_id, .. } => federated_display_name(idp_id),
        }
    }

    fn i18n_key(&self) -> String {
        match self {
            Self::Basic => "authenticator.basic".to_owned(),
            Self::Identifier => "authenticator.identifier.first".to_owned(),
            Self::Otp { email: false } => "authenticator.sms.otp".to_owned(),
            Self::Otp { email: true } => "authenticator.email.otp".to_owned(),
            Self::Federated { idp_id, .. } => format!("authenticator.{}", idp_id.to_lowercase()),
        }
    }
}

/// Whether the graph sends its codes by e-mail (an EmailExecutor and no SMSExecutor).
fn mails_codes(graph: &FlowDefinition) -> bool {
    let has = |kind: ExecutorKind| {
        graph.nodes.iter().any(|n| {
            n.executor
                .as_ref()
                .is_some_and(|e| ExecutorKind::from_name(&e.name) == Some(kind))
        })
    };
    has(ExecutorKind::Email) && !has(ExecutorKind::Sms)
}

/// One form field of a user-prompt authenticator: the engine input of the same name.
fn param(order: usize, input: &Input) -> AuthenticatorParam {
    let param_type = match &input.input_type {
        InputType::Otp => ParamType::OtpCode,
        InputType::Number => ParamType::Integer,
        InputType::Text
        | InputType::Email
        | InputType::Password
        | InputType::Phone
        | InputType::Consent
        | InputType::Hidden
        | InputType::Select
        | InputType::OuSelect
        | InputType::Date
        | InputType::Boolean
        | InputType::GenericString
        | InputType::Other(_) => ParamType::String,
    };
    AuthenticatorParam {
        param: input.identifier.clone(),
        param_type,
        order: u32::try_from(order).unwrap_or(u32::MAX),
        i18n_key: format!("{}.param", input.identifier),
        display_name: label(&input.identifier),
        confidential: is_sensitive(&input.input_type),
    }
}

/// A readable label for an input identifier: `otp` → `OTP Code`, `mobile_number` →
/// `Mobile Number`.
fn label(identifier: &str) -> String {
    if identifier == "otp" {
        return "OTP Code".to_owned();
    }
    identifier
        .split(['_', '-'])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `additionalData` of a REDIRECTION step: the fake IdP's URL, sent back to the client's
/// redirect URI (as a V1 client reads `code` and `state` from its own callback), and the IdP
/// `state` to expect.
pub(super) fn redirection_data(idp_url: &str, client_redirect_uri: &str) -> Map<String, Value> {
    let mut data = Map::new();
    let (url, state) = match url::Url::parse(idp_url) {
        Ok(mut url) => {
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .into_owned()
                .map(|(name, value)| {
                    if name == "redirect_uri" && !client_redirect_uri.is_empty() {
                        (name, client_redirect_uri.to_owned())
                    } else {
                        (name, value)
                    }
                })
                .collect();
            let state = pairs
                .iter()
                .find(|(name, _)| name == "state")
                .map(|(_, value)| value.clone());
            url.query_pairs_mut().clear().extend_pairs(&pairs);
            (url.to_string(), state)
        }
        Err(_) => (idp_url.to_owned(), None),
    };
    data.insert("redirectUrl".to_owned(), Value::String(url));
    if let Some(state) = state {
        data.insert("state".to_owned(), Value::String(state));
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_ones_the_sdks_hard_code() {
        let basic = Kind::Basic.offer(&[], None).0;
        assert_eq!(basic.authenticator_id, "QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM");
        let sms = Kind::Otp { email: false }.offer(&[], None).0;
        assert_eq!(sms.authenticator_id, "c21zLW90cC1hdXRoZW50aWNhdG9yOkxPQ0FM");
        let google = Kind::Federated {
            kind: FederatedKind::Google,
            idp_id: "google".into(),
        };
        let google = google.offer(&[], None).0;
        assert_eq!(
            google.authenticator_id,
            "R29vZ2xlT0lEQ0F1dGhlbnRpY2F0b3I6R29vZ2xl"
        );
        let github = Kind::Federated {
            kind: FederatedKind::Github,
            idp_id: "github".into(),
        };
        assert_eq!(
            github.offer(&[], None).0.authenticator_id,
            "R2l0aHViQXV0aGVudGljYXRvcjpHaXRIdWI"
        );
    }

    #[test]
    fn the_idp_comes_back_to_the_client() {
        let data = redirection_data(
            "http://mock/__mock/idp/google/authorize?client_id=c&redirect_uri=http%3A%2F%2Fmock%2Fgate%2Fcallback&state=s1",
            "http://localhost:3000/callback",
        );
        assert_eq!(
            data["redirectUrl"],
            "http://mock/__mock/idp/google/authorize?client_id=c&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&state=s1"
        );
        assert_eq!(data["state"], "s1");
    }

    #[test]
    fn labels_are_readable() {
        assert_eq!(label("username"), "Username");
        assert_eq!(label("mobile_number"), "Mobile Number");
        assert_eq!(label("otp"), "OTP Code");
    }
}
