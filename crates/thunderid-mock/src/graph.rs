//! Flow graphs: the executor catalogue, lookups, and validation of a set of flows.
//!
//! Validation runs whenever flows are published (fixtures at start, later the management API), so
//! the engine can trust every reference it follows: node ids are unique, every `onSuccess`/`onFailure`/`onIncomplete`/`next`/`nextNode`/
//! `onSkip` names a node of the same graph, there is exactly one START, every TASK_EXECUTION names
//! a known executor, every CALL names an existing flow, and every validation regex compiles.

use std::collections::HashSet;

use thunderid_protocol::flow::{
    FlowDefinition, FlowType, NodeDefinition, NodeType, ValidationRuleType,
};

/// The executors the mock implements, by the name a graph uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExecutorKind {
    CredentialsAuth,
    Authorization,
    AuthAssert,
    Otp,
    Sms,
    Email,
    UserTypeResolver,
    Provisioning,
    AttributeUniqueness,
    Identifying,
    Invite,
    CredentialSetter,
    SessionSignOut,
    PermissionValidator,
    OuResolver,
    /// `OUExecutor`: creates an organization unit.
    OuCreator,
    AttributeCollector,
    PreDelete,
    CriteriaRevocation,
    SessionRevocation,
    UserDelete,
    SsoCheck,
    Session,
    /// `ConsentExecutor`: asks for and records the user's consent.
    Consent,
    /// `MagicLinkExecutor`: e-mailed sign-in links (`generate`, `verify`).
    MagicLink,
    /// `PasskeyAuthExecutor`: WebAuthn sign-in and registration (`challenge`, `verify`,
    /// `register_start`, `register_finish`).
    PasskeyAuth,
    /// `GoogleOIDCAuthExecutor`, `GithubOAuthExecutor`, `OIDCAuthExecutor`, `OAuthExecutor`: all
    /// redirect to the mock's fake upstream IdP.
    Federated(FederatedKind),
    /// `HTTPRequestExecutor`: one outbound HTTP call, its answer mapped into runtime data.
    HttpRequest,
    /// `FederatedAuthResolverExecutor`: picks one of the candidate users a federated sign-in left.
    FederatedAuthResolver,
    /// `OpenID4VPVerifyExecutor`: signs in the holder of a verifiable presentation.
    OpenId4VpVerify,
}

/// Which federated executor a node names; decides the authenticator in the assertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FederatedKind {
    Google,
    Github,
    Oidc,
    OAuth,
}

impl ExecutorKind {
    /// The executor for a graph's `executor.name`.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "CredentialsAuthExecutor" => Self::CredentialsAuth,
            "AuthorizationExecutor" => Self::Authorization,
            "AuthAssertExecutor" => Self::AuthAssert,
            "OTPExecutor" => Self::Otp,
            "SMSExecutor" => Self::Sms,
            "EmailExecutor" => Self::Email,
            "UserTypeResolver" => Self::UserTypeResolver,
            "ProvisioningExecutor" => Self::Provisioning,
            "AttributeUniquenessValidator" => Self::AttributeUniqueness,
            "IdentifyingExecutor" => Self::Identifying,
            "InviteExecutor" => Self::Invite,
            "CredentialSetter" => Self::CredentialSetter,
            "SessionSignOutExecutor" => Self::SessionSignOut,
            "PermissionValidator" => Self::PermissionValidator,
            "OUResolverExecutor" => Self::OuResolver,
            "OUExecutor" => Self::OuCreator,
            "AttributeCollector" => Self::AttributeCollector,
            "PreDeleteExecutor" => Self::PreDelete,
            "CriteriaRevocationExecutor" => Self::CriteriaRevocation,
            "SessionRevocationExecutor" => Self::SessionRevocation,
            "UserDeleteExecutor" => Self::UserDelete,
            "SSOCheckExecutor" => Self::SsoCheck,
            "SessionExecutor" => Self::Session,
            "ConsentExecutor" => Self::Consent,
            "MagicLinkExecutor" => Self::MagicLink,
            "PasskeyAuthExecutor" => Self::PasskeyAuth,
            "GoogleOIDCAuthExecutor" => Self::Federated(FederatedKind::Google),
            "GithubOAuthExecutor" => Self::Federated(FederatedKind::Github),
            "OIDCAuthExecutor" => Self::Federated(FederatedKind::Oidc),
            "OAuthExecutor" => Self::Federated(FederatedKind::OAuth),
            "HTTPRequestExecutor" => Self::HttpRequest,
            "FederatedAuthResolverExecutor" => Self::FederatedAuthResolver,
            "OpenID4VPVerifyExecutor" => Self::OpenId4VpVerify,
            _ => return None,
        })
    }

    /// The authenticator this executor contributes to `assurance.authenticators`, if it
    /// authenticates (`executor/utils.go` `getAuthnServiceName`); its factors are
    /// `flow::assertion::authenticator_factors`.
    pub(crate) fn authenticator(self) -> Option<&'static str> {
        match self {
            Self::CredentialsAuth => Some("CredentialsAuthenticator"),
            Self::Otp => Some("OTPAuthenticator"),
            Self::MagicLink => Some("MagicLinkAuthenticator"),
            Self::Federated(FederatedKind::Google) => Some("GoogleOIDCAuthenticator"),
            Self::Federated(FederatedKind::Github) => Some("GithubOAuthAuthenticator"),
            Self::Federated(FederatedKind::Oidc) => Some("OIDCAuthenticator"),
            Self::Federated(FederatedKind::OAuth) => Some("OAuthAuthenticator"),
            Self::Authorization
            | Self::AuthAssert
            | Self::Sms
            | Self::Email
            | Self::UserTypeResolver
            | Self::Provisioning
            | Self::AttributeUniqueness
            | Self::Identifying
            | Self::Invite
            | Self::CredentialSetter
            | Self::SessionSignOut
            | Self::PermissionValidator
            | Self::OuResolver
            | Self::OuCreator
            | Self::AttributeCollector
            | Self::PreDelete
            | Self::CriteriaRevocation
            | Self::SessionRevocation
            | Self::UserDelete
            | Self::SsoCheck
            | Self::Session
            | Self::Consent
            | Self::HttpRequest
            | Self::FederatedAuthResolver
            | Self::OpenId4VpVerify
            // Not in `getAuthnServiceName`: a passkey sign-in's assertion carries no assurance.
            | Self::PasskeyAuth => None,
        }
    }

    /// Whether a graph of `flow_type` may use this executor (`ExecutorMeta.SupportedFlowTypes`).
    pub(crate) fn allowed_in(self, flow_type: &FlowType) -> bool {
        match self {
            Self::Provisioning => matches!(
                flow_type,
                FlowType::Authentication | FlowType::Registration | FlowType::UserOnboarding
            ),
            Self::SsoCheck | Self::Session => flow_type == &FlowType::Authentication,
            Self::SessionSignOut => flow_type == &FlowType::SignOut,
            Self::PreDelete
            | Self::CriteriaRevocation
            | Self::SessionRevocation
            | Self::UserDelete => flow_type == &FlowType::Administration,
            _ => true,
        }
    }
}

/// An authentication factor (`authn/common/constants.go`); distinct factors decide the AAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Factor {
    Knowledge,
    Possession,
    /// Passkeys and verifiable presentations (with possession); no flow authenticator has it.
    Inherence,
}

/// The flow with this id.
pub(crate) fn find_by_id<'a>(flows: &'a [FlowDefinition], id: &str) -> Option<&'a FlowDefinition> {
    flows.iter().find(|f| f.id.as_str() == id)
}

/// The flow with this handle and type.
pub(crate) fn find_by_handle<'a>(
    flows: &'a [FlowDefinition],
    handle: &str,
    flow_type: &FlowType,
) -> Option<&'a FlowDefinition> {
    flows
        .iter()
        .find(|f| f.handle == handle && &f.flow_type == flow_type)
}

/// Compile a schema or input-validation pattern. Patterns are anchored by their authors, as on the
/// real server (Go `regexp.MatchString` semantics: unanchored search).
pub(crate) fn compile_pattern(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::Regex::new(pattern)
}

/// Whether a PROMPT only displays a message and moves on (`next` and no prompts).
pub(crate) fn is_display_only(node: &NodeDefinition) -> bool {
    node.node_type == NodeType::Prompt && node.next.is_some() && node.prompts.is_empty()
}

/// Why a flow set was refused: the index of the flow, the field (a path inside it) and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FlowSetError {
    pub index: usize,
    pub field: String,
    pub reason: String,
}

/// Check every flow graph of a set: unique ids and (handle, type) pairs, known types, and each
/// graph's nodes and references.
pub(crate) fn check_flow_set(flows: &[FlowDefinition]) -> Result<(), FlowSetError> {
    let mut ids = HashSet::new();
    let mut handles = HashSet::new();
    for (index, flow) in flows.iter().enumerate() {
        let at = |field: &str, reason: String| FlowSetError {
            index,
            field: format!("({} {}).{field}", flow.flow_type, flow.handle),
            reason,
        };
        if !ids.insert(flow.id.as_str()) {
            return Err(at("id", format!("duplicate flow id {}", flow.id)));
        }
        if !flow.flow_type.is_known() {
            return Err(at(
                "flowType",
                format!("unknown flow type {}", flow.flow_type),
            ));
        }
        if !handles.insert((flow.handle.as_str(), flow.flow_type.as_str())) {
            return Err(at(
                "handle",
                format!(
                    "duplicate handle {} for flow type {}",
                    flow.handle, flow.flow_type
                ),
            ));
        }
        check_graph(flows, flow).map_err(|(field, reason)| at(&field, reason))?;
    }
    Ok(())
}

/// The one interceptor a flow may declare (besides the refused default ones), registered by the
/// server only when a captcha provider is plugged in.
pub(crate) const CAPTCHA_INTERCEPTOR: &str = "CaptchaInterceptor";

/// Check the interceptors a flow set declares against those registered: only CaptchaInterceptor
/// can be, and only with a captcha provider plugged in (`captcha`). The engine runs what passes.
pub(crate) fn check_interceptors(
    flows: &[FlowDefinition],
    captcha: bool,
) -> Result<(), FlowSetError> {
    for (index, flow) in flows.iter().enumerate() {
        for (j, interceptor) in flow.interceptors.iter().enumerate() {
            let registered = captcha && interceptor.name == CAPTCHA_INTERCEPTOR;
            if !registered {
                let hint = if interceptor.name == CAPTCHA_INTERCEPTOR {
                    " (it needs the fake captcha provider: --fake-captcha)"
                } else {
                    ""
                };
                return Err(FlowSetError {
                    index,
                    field: format!(
                        "({} {}).interceptors[{j}].name",
                        flow.flow_type, flow.handle
                    ),
                    reason: format!("interceptor {} is not registered{hint}", interceptor.name),
                });
            }
        }
    }
    Ok(())
}

type GraphError = (String, String);

fn check_graph(flows: &[FlowDefinition], flow: &FlowDefinition) -> Result<(), GraphError> {
    let mut node_ids = HashSet::new();
    for (j, node) in flow.nodes.iter().enumerate() {
        if node.id.trim().is_empty() {
            return Err((format!("nodes[{j}].id"), "must not be empty".into()));
        }
        if !node_ids.insert(node.id.as_str()) {
            return Err((
                format!("nodes[{j}].id"),
                format!("duplicate node id {}", node.id),
            ));
        }
    }
    let starts = flow
        .nodes
        .iter()
        .filter(|n| n.node_type == NodeType::Start)
        .count();
    if starts != 1 {
        return Err((
            "nodes".into(),
            format!("expected exactly one START node, found {starts}"),
        ));
    }
    for (j, node) in flow.nodes.iter().enumerate() {
        check_node(flows, &flow.flow_type, &node_ids, node)
            .map_err(|(field, reason)| (format!("nodes[{j}].{field}"), reason))?;
    }
    Ok(())
}

fn check_node(
    flows: &[FlowDefinition],
    flow_type: &FlowType,
    node_ids: &HashSet<&str>,
    node: &NodeDefinition,
) -> Result<(), GraphError> {
    let reference = |field: &str, target: &Option<String>| -> Result<(), GraphError> {
        match target {
            Some(id) if !node_ids.contains(id.as_str()) => {
                Err((field.into(), format!("unknown node {id}")))
            }
            _ => Ok(()),
        }
    };
    reference("onSuccess", &node.on_success)?;
    reference("onFailure", &node.on_failure)?;
    reference("onIncomplete", &node.on_incomplete)?;
    reference("next", &node.next)?;
    if let Some(condition) = &node.condition {
        reference("condition.onSkip", &Some(condition.on_skip.clone()))?;
    }
    match node.node_type {
        NodeType::Start if node.on_success.is_none() => {
            Err(("onSuccess".into(), "a START node needs onSuccess".into()))
        }
        NodeType::TaskExecution => {
            let Some(executor) = &node.executor else {
                return Err((
                    "executor".into(),
                    "a TASK_EXECUTION node needs an executor".into(),
                ));
            };
            let Some(kind) = ExecutorKind::from_name(&executor.name) else {
                return Err((
                    "executor.name".into(),
                    format!("unknown executor {}", executor.name),
                ));
            };
            // `SupportedModes`: PreDeleteExecutor knows only `revoke_all` (its default).
            if kind == ExecutorKind::PreDelete
                && !matches!(executor.mode.as_deref(), None | Some("revoke_all"))
            {
                return Err((
                    "executor.mode".into(),
                    format!("unsupported mode for {}", executor.name),
                ));
            }
            // `SupportedModes` without a default: MagicLinkExecutor needs `generate` or `verify`.
            if kind == ExecutorKind::MagicLink
                && !matches!(executor.mode.as_deref(), Some("generate" | "verify"))
            {
                return Err((
                    "executor.mode".into(),
                    format!("unsupported mode for {}", executor.name),
                ));
            }
            // `SupportedModes` without a default: PasskeyAuthExecutor needs one of its four.
            if kind == ExecutorKind::PasskeyAuth
                && !matches!(
                    executor.mode.as_deref(),
                    Some("challenge" | "verify" | "register_start" | "register_finish")
                )
            {
                return Err((
                    "executor.mode".into(),
                    format!("unsupported mode for {}", executor.name),
                ));
            }
            if !kind.allowed_in(flow_type) {
                return Err((
                    "executor.name".into(),
                    format!("{} cannot run in a {flow_type} flow", executor.name),
                ));
            }
            Ok(())
        }
        NodeType::Call => match &node.flow {
            None => Err(("flow".into(), "a CALL node needs flow.ref".into())),
            Some(target) if find_by_id(flows, target.reference.as_str()).is_none() => Err((
                "flow.ref".into(),
                format!("unknown flow {}", target.reference),
            )),
            Some(_) => Ok(()),
        },
        NodeType::Prompt => {
            for (k, prompt) in node.prompts.iter().enumerate() {
                if let Some(action) = &prompt.action {
                    reference(
                        &format!("prompts[{k}].action.nextNode"),
                        &Some(action.next_node.clone()),
                    )?;
                }
                for (m, input) in prompt.inputs.iter().enumerate() {
                    for (r, rule) in input.validation.iter().enumerate() {
                        if let (ValidationRuleType::Regex, Some(pattern)) =
                            (&rule.rule_type, rule.value.as_str())
                        {
                            compile_pattern(pattern).map_err(|e| {
                                (
                                    format!("prompts[{k}].inputs[{m}].validation[{r}].value"),
                                    format!("invalid pattern: {e}"),
                                )
                            })?;
                        }
                    }
                }
            }
            if node.prompts.is_empty() && node.next.is_none() {
                return Err((
                    "prompts".into(),
                    "a PROMPT node needs prompts or next".into(),
                ));
            }
            Ok(())
        }
        NodeType::Start | NodeType::End => Ok(()),
    }
}
