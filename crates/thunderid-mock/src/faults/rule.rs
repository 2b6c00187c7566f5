//! A fault rule: which requests it matches, how often it applies, what it does. Read from the
//! control plane's JSON with errors that name the field, or built in Rust with the same checks.

use std::time::Duration;

use serde_json::Value;

use crate::tokens::Tamper;

/// One fault rule. Build it with [`FaultRule::new`] and the matchers; every matcher left out
/// matches everything.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FaultRule {
    /// Only this method (`GET`, `POST`, …; any case).
    pub method: Option<String>,
    /// Only paths matching this pattern: segments match exactly, `*` matches one segment, and a
    /// last `**` matches the rest (also nothing).
    pub path: Option<String>,
    /// Only requests of this client (Basic username, or a `client_id` in the form or query).
    pub client_id: Option<String>,
    /// Only requests of this user (the Bearer token's `sub`, or a `username` in the form or in the
    /// flow's `inputs`).
    pub user: Option<String>,
    /// Only flow calls (`POST /flow/execute`) that continue an execution now at this node id
    /// (the prompt the user answers).
    pub flow_node: Option<String>,
    /// Only flow calls that submit this action ref (the body's `action`).
    pub flow_action: Option<String>,
    /// Apply from the n-th matching call on (1: the first).
    pub nth_call: u64,
    /// Apply this many times; `None`: until removed.
    pub times: Option<u64>,
    pub action: FaultAction,
}

/// What a rule does to a request it applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultAction {
    /// Answer `status` without running the handler: with `body` (a JSON string is sent as text),
    /// or the endpoint's own error envelope; `Retry-After: retry_after` when set.
    Status {
        status: u16,
        body: Option<Value>,
        retry_after: Option<u64>,
    },
    /// Wait, then handle the request as usual.
    Delay { millis: u64 },
    /// Close the connection without an answer.
    Drop,
    /// Reset the connection (TCP RST) without an answer.
    Reset,
    /// Handle the request, then send only the first `bytes` of the body (default: half).
    Truncate { bytes: Option<usize> },
    /// Handle the request, then garble the body so it no longer parses.
    Corrupt,
    /// Handle the request, then replace the `token` in its JSON answer with a forged one. Counted
    /// only on answers that carry such a token, so `times: n` is "the next n tokens".
    Tamper { token: TokenKind, tamper: Tamper },
    /// Handle a UserInfo request, then answer a `sub` that is not the ID token's.
    UserInfoSubMismatch,
    /// Handle a discovery request, then answer another `issuer` and without the `remove`d
    /// members (`token_endpoint`, `jwks_uri`, …).
    Discovery {
        issuer: Option<String>,
        remove: Vec<String>,
    },
}

/// Which token of an answer a tamper rule forges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenKind {
    /// `id_token` of a token response.
    IdToken,
    /// `access_token` of a token response.
    AccessToken,
    /// `refresh_token` of a token response.
    RefreshToken,
    /// `assertion` of a completed flow (`/flow/execute`).
    Assertion,
}

impl TokenKind {
    pub(super) const ALL: [Self; 4] = [
        Self::IdToken,
        Self::AccessToken,
        Self::RefreshToken,
        Self::Assertion,
    ];

    /// The member of the JSON answer that carries it, also its name in a rule.
    pub fn field(self) -> &'static str {
        match self {
            Self::IdToken => "id_token",
            Self::AccessToken => "access_token",
            Self::RefreshToken => "refresh_token",
            Self::Assertion => "assertion",
        }
    }
}

/// Why a rule was refused: the field (as the JSON names it) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
#[non_exhaustive]
pub struct FaultRuleError {
    pub field: String,
    pub reason: String,
}

/// A rule as listed: its id, the rule, and how often it matched and applied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FaultView {
    pub id: String,
    pub rule: FaultRule,
    /// Matching calls so far (applied or not).
    pub seen: u64,
    /// Calls the rule applied to.
    pub applied: u64,
}

/// The longest delay a rule may ask for: a test's timeout is shorter than this.
const MAX_DELAY_MILLIS: u64 = 60_000;

pub(super) fn refuse(field: &str, reason: &str) -> FaultRuleError {
    FaultRuleError {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

impl FaultRule {
    /// A rule that applies `action` to every request until removed.
    pub fn new(action: FaultAction) -> Self {
        Self {
            method: None,
            path: None,
            client_id: None,
            user: None,
            flow_node: None,
            flow_action: None,
            nth_call: 1,
            times: None,
            action,
        }
    }

    #[must_use]
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    #[must_use]
    pub fn path(mut self, pattern: impl Into<String>) -> Self {
        self.path = Some(pattern.into());
        self
    }

    #[must_use]
    pub fn client(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    #[must_use]
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// Only flow calls continuing an execution that is at the node `id`.
    #[must_use]
    pub fn flow_node(mut self, id: impl Into<String>) -> Self {
        self.flow_node = Some(id.into());
        self
    }

    /// Only flow calls submitting the action `reference`.
    #[must_use]
    pub fn flow_action(mut self, reference: impl Into<String>) -> Self {
        self.flow_action = Some(reference.into());
        self
    }

    /// Skip the first `n - 1` matching calls.
    #[must_use]
    pub fn nth_call(mut self, n: u64) -> Self {
        self.nth_call = n;
        self
    }

    /// Apply `n` times, then let requests through (fail n times, then succeed).
    #[must_use]
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Apply to one call only.
    #[must_use]
    pub fn once(self) -> Self {
        self.times(1)
    }

    /// The checks the control plane applies, so a rule built in Rust is held to the same.
    pub fn validate(&self) -> Result<(), FaultRuleError> {
        if let Some(method) = &self.method
            && (method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            return Err(refuse("method", "must be an HTTP method such as POST"));
        }
        if let Some(path) = &self.path {
            if !path.starts_with('/') {
                return Err(refuse("path", "must start with /"));
            }
            if path.split('/').rev().skip(1).any(|s| s == "**") {
                return Err(refuse("path", "** may only be the last segment"));
            }
        }
        for (field, value) in [
            ("clientId", &self.client_id),
            ("user", &self.user),
            ("flowNode", &self.flow_node),
            ("flowAction", &self.flow_action),
        ] {
            if value.as_deref() == Some("") {
                return Err(refuse(field, "must not be empty"));
            }
        }
        if self.nth_call == 0 {
            return Err(refuse("nth", "must be at least 1"));
        }
        if self.times == Some(0) {
            return Err(refuse("times", "must be at least 1"));
        }
        self.action.validate()
    }

    /// Whether `path` matches the rule's pattern.
    pub(crate) fn matches_path(&self, path: &str) -> bool {
        let Some(pattern) = &self.path else {
            return true;
        };
        let mut pattern_segments = pattern.split('/');
        let mut path_segments = path.split('/');
        loop {
            match (pattern_segments.next(), path_segments.next()) {
                (None, None) | (Some("**"), _) => return true,
                (Some("*"), Some(s)) if !s.is_empty() => {}
                (Some(p), Some(s)) if p == s => {}
                _ => return false,
            }
        }
    }
}

impl FaultAction {
    /// Answer `status` with the endpoint's own error envelope.
    pub fn status(status: u16) -> Self {
        Self::Status {
            status,
            body: None,
            retry_after: None,
        }
    }

    /// Answer `status` with this body (a JSON string is sent as `text/plain`).
    pub fn status_with_body(status: u16, body: Value) -> Self {
        Self::Status {
            status,
            body: Some(body),
            retry_after: None,
        }
    }

    /// Answer `status` (429, 503) with `Retry-After: seconds` and the endpoint's error envelope.
    pub fn retry_after(status: u16, seconds: u64) -> Self {
        Self::Status {
            status,
            body: None,
            retry_after: Some(seconds),
        }
    }

    /// Wait `by` (whole milliseconds), then handle the request.
    pub fn delay(by: Duration) -> Self {
        Self::Delay {
            millis: u64::try_from(by.as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// Send only the first `bytes` of the body.
    pub fn truncate(bytes: usize) -> Self {
        Self::Truncate { bytes: Some(bytes) }
    }

    /// The action's name, as the JSON and the journal write it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Status { .. } => "status",
            Self::Delay { .. } => "delay",
            Self::Drop => "drop",
            Self::Reset => "reset",
            Self::Truncate { .. } => "truncate",
            Self::Corrupt => "corrupt",
            Self::Tamper { .. } => "tamper",
            Self::UserInfoSubMismatch => "userinfo_sub_mismatch",
            Self::Discovery { .. } => "discovery",
        }
    }

    /// Whether the action works on the handler's answer and is chosen only once it is there.
    pub(crate) fn after_response(&self) -> bool {
        matches!(
            self,
            Self::Tamper { .. } | Self::UserInfoSubMismatch | Self::Discovery { .. }
        )
    }

    pub(super) fn validate(&self) -> Result<(), FaultRuleError> {
        match self {
            Self::Status { status, body, .. } => {
                let lowest = if body.is_some() { 200 } else { 400 };
                if !(lowest..=599).contains(status) {
                    let reason = if body.is_some() {
                        "must be between 200 and 599"
                    } else {
                        "must be between 400 and 599 (or give a body)"
                    };
                    return Err(refuse("action.status", reason));
                }
            }
            Self::Delay { millis } if *millis > MAX_DELAY_MILLIS => {
                return Err(refuse("action.ms", "must be at most 60000"));
            }
            Self::Discovery {
                issuer: None,
                remove,
            } if remove.is_empty() => {
                return Err(refuse("action", "a discovery fault needs issuer or remove"));
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_patterns() {
        let rule = |p: &str| FaultRule::new(FaultAction::Drop).path(p);
        assert!(rule("/oauth2/token").matches_path("/oauth2/token"));
        assert!(!rule("/oauth2/token").matches_path("/oauth2/token/x"));
        assert!(rule("/oauth2/*").matches_path("/oauth2/jwks"));
        assert!(!rule("/oauth2/*").matches_path("/oauth2/"));
        assert!(!rule("/oauth2/*").matches_path("/oauth2/a/b"));
        assert!(rule("/users/**").matches_path("/users/me/passkeys"));
        assert!(rule("/users/**").matches_path("/users"));
        assert!(FaultRule::new(FaultAction::Drop).matches_path("/anything"));
    }
}
