//! The builder's memory budgets ([`crate::config::Limits`]): whatever clients send, each of these
//! stores stays within its budget.

use super::MockServerBuilder;

impl MockServerBuilder {
    /// At most this many bytes of request journal (default 16 MiB); the oldest entries go first.
    pub fn journal_bytes(mut self, bytes: usize) -> Self {
        self.limits.journal_bytes = bytes;
        self
    }

    /// At most this many bytes of flow executions in progress (default 48 MiB); past it the
    /// soonest-expiring execution goes first.
    pub fn execution_bytes(mut self, bytes: usize) -> Self {
        self.limits.execution_bytes = bytes;
        self
    }

    /// At most this many bytes of SSO sessions (default 16 MiB); past it expired sessions are
    /// freed, then the one expiring soonest goes.
    pub fn session_bytes(mut self, bytes: usize) -> Self {
        self.limits.session_bytes = bytes;
        self
    }

    /// At most this many bytes of outbox messages (default 4 MiB); past it the oldest go first.
    pub fn outbox_bytes(mut self, bytes: usize) -> Self {
        self.limits.outbox_bytes = bytes;
        self
    }

    /// At most this many bytes of users (default 32 MiB) before what a client without an
    /// administrator's token adds is refused: self-registration then fails in-band, as a failed
    /// provisioning does on the server, and a user's own update that grows it answers 413. Users an
    /// administrator or the fixtures add count but are never refused.
    pub fn user_bytes(mut self, bytes: usize) -> Self {
        self.limits.user_bytes = bytes;
        self
    }
}
