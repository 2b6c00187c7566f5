//! [`Execution`]: the state of one live flow execution, independent of any wire format. The V2
//! `/flow/execute` route and the V1 adapter both drive it through the engine.
//!
//! It holds what the real server persists between requests (`flowexec/model.go`
//! `flowContextContent`): the position in the graph (with the CALL frame stack), the accumulated
//! inputs and runtime data, the authenticated user, the node history and the challenge-token hash.
//! Per-request data (additional data, forwarded data) is not kept, as on the real server.

use std::collections::BTreeMap;

use thunderid_protocol::flow::{FlowDefinitionId, FlowType, Input};

/// One live flow execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Execution {
    /// UUIDv7.
    pub id: String,
    /// The application it runs for (empty only for app-independent flows).
    pub app_id: String,
    /// The type the execution was started as; decides its lifetime.
    pub root_flow_type: FlowType,
    /// Whether responses carry `data.meta`; fixed at creation.
    pub verbose: bool,
    /// The graph being run now (a callee while a CALL is in progress).
    pub graph: FlowDefinitionId,
    /// The node to run next; `None` before the first call (the START node).
    pub node: Option<String>,
    /// The selected prompt action, kept until the prompt completes.
    pub action: Option<String>,
    /// The first node of the current segment (after a display-only prompt), whose executor policy
    /// may allow skipping the challenge-token check.
    pub segment_start: Option<String>,
    /// Accumulated user inputs, by identifier.
    pub inputs: BTreeMap<String, String>,
    /// Runtime data of the current frame.
    pub runtime: BTreeMap<String, String>,
    /// Saved callers while a CALL node runs its callee; the top is the last element.
    pub frames: Vec<Frame>,
    /// The authenticated user's id, once an authenticating executor succeeded.
    pub user: Option<String>,
    /// One record per executed node, in first-execution order.
    pub history: Vec<NodeRecord>,
    /// The inputs of the prompt the execution is paused on, replayed when it is shown again.
    pub paused_prompt: Option<PausedPrompt>,
    /// SHA-256 (hex) of the last challenge token issued; `None` until the first INCOMPLETE.
    pub challenge_hash: Option<String>,
    /// One-time passwords generated in this execution, by session token.
    pub otp_sessions: BTreeMap<String, OtpSession>,
    /// Absolute expiry (seconds since the epoch), fixed at creation.
    pub expires_at: u64,
    /// Which browser the hosted gate may show this execution to without a challenge token.
    pub gate: GateBinding,
}

/// Who may load an execution's page on the hosted gate (`GET /gate/signin?executionId=…`), which
/// shows the current step with a fresh challenge token. Only executions made for the gate can be
/// opened there, and once a browser opened one (or drove it with a valid token) only that browser
/// can open it again: holding an `executionId` is not enough to take a flow over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum GateBinding {
    /// An app-native execution: only its challenge token continues it.
    #[default]
    Closed,
    /// Made by `/oauth2/authorize` or `/oauth2/logout` for the gate; no browser opened it yet.
    Open,
    /// Bound to the browser whose gate key hashes (SHA-256, hex) to this.
    Bound(String),
}

impl GateBinding {
    /// Whether the browser with this gate-key hash may load the page.
    pub fn admits(&self, browser: &str) -> bool {
        match self {
            Self::Closed => false,
            Self::Open => true,
            Self::Bound(hash) => crate::ids::constant_time_eq(hash.as_bytes(), browser.as_bytes()),
        }
    }
}

/// A caller's state, saved while its CALL node runs the callee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub graph: FlowDefinitionId,
    /// The CALL node to resume at (its `onSuccess`/`onFailure`).
    pub call_node: String,
    pub action: Option<String>,
    pub segment_start: Option<String>,
    pub runtime: BTreeMap<String, String>,
}

/// The execution record of one node (`providers.NodeExecutionRecord`), used for the assertion's
/// `assurance.authenticators`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRecord {
    pub node_id: String,
    /// The executor name, for TASK_EXECUTION nodes.
    pub executor: Option<String>,
    /// 1-based position in the history.
    pub step: usize,
    /// Whether the last attempt completed.
    pub completed: bool,
    /// End of the last attempt, in milliseconds (the server records `UnixMilli`).
    pub end_time_millis: u64,
}

/// The prompt an execution is paused on and the inputs it asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PausedPrompt {
    pub node_id: String,
    pub inputs: Vec<Input>,
}

/// A generated one-time password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpSession {
    pub code: String,
    pub expires_at: u64,
    /// The user the code was sent to; verifying it authenticates this user.
    pub user_id: Option<String>,
}

impl Execution {
    /// A fresh execution positioned before the START node of `graph`.
    pub fn new(
        id: String,
        app_id: String,
        flow_type: FlowType,
        graph: FlowDefinitionId,
        verbose: bool,
        expires_at: u64,
    ) -> Self {
        Self {
            id,
            app_id,
            root_flow_type: flow_type,
            verbose,
            graph,
            node: None,
            action: None,
            segment_start: None,
            inputs: BTreeMap::new(),
            runtime: BTreeMap::new(),
            frames: Vec::new(),
            user: None,
            history: Vec::new(),
            paused_prompt: None,
            challenge_hash: None,
            otp_sessions: BTreeMap::new(),
            expires_at,
            gate: GateBinding::Closed,
        }
    }

    /// What the execution holds on the heap, roughly (strings and records), plus its own size: what
    /// it counts against the store's byte budget.
    pub fn approximate_size(&self) -> usize {
        let map = |m: &BTreeMap<String, String>| -> usize {
            m.iter().map(|(k, v)| k.len() + v.len() + 64).sum()
        };
        std::mem::size_of::<Self>()
            + self.id.len()
            + self.app_id.len()
            + map(&self.inputs)
            + map(&self.runtime)
            + self
                .frames
                .iter()
                .map(|f| map(&f.runtime) + f.call_node.len() + 128)
                .sum::<usize>()
            + self
                .history
                .iter()
                .map(|h| h.node_id.len() + 96)
                .sum::<usize>()
            + self
                .paused_prompt
                .as_ref()
                .map_or(0, |p| p.node_id.len() + p.inputs.len() * 256)
            + self.otp_sessions.len() * 192
            + 256
    }

    /// The OAuth `authId` this execution serves, when `/oauth2/authorize` created it. Read from the
    /// current frame, as the server does: a callee starts with empty runtime data.
    pub fn authorization_request_id(&self) -> Option<&str> {
        self.runtime_value(super::keys::AUTHORIZATION_REQUEST_ID)
    }

    /// A non-empty runtime value of the current frame.
    pub fn runtime_value(&self, key: &str) -> Option<&str> {
        self.runtime
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}
