//! Messages the mock "sent" (OTP SMS, recovery e-mails), readable at `GET /__mock/outbox`.

use serde::Serialize;

/// The channel a message went out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Channel {
    Sms,
    Email,
}

/// One delivered message.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OutboxMessage {
    pub channel: Channel,
    pub recipient: String,
    /// The template that produced it, e.g. `OTP` or `PASSWORD_RECOVERY`.
    pub template: String,
    pub body: String,
    /// The machine-readable secret in the message (the OTP, the recovery token), so tests need not
    /// parse the body.
    pub code: Option<String>,
    /// The link in the message (an invite, a recovery or a magic link), when it carries one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    pub sent_at: u64,
}

/// Append-only list of messages, cleared by reset.
#[derive(Debug, Default)]
pub struct Outbox {
    messages: Vec<OutboxMessage>,
}

impl Outbox {
    /// Keep at most this many messages: a long-running mock must not grow without bound.
    const CAPACITY: usize = 10_000;

    pub fn push(&mut self, message: OutboxMessage) {
        if self.messages.len() == Self::CAPACITY {
            self.messages.remove(0);
        }
        self.messages.push(message);
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    /// Messages, oldest first, optionally only those to `recipient`.
    pub fn list(&self, recipient: Option<&str>) -> Vec<OutboxMessage> {
        self.messages
            .iter()
            .filter(|m| recipient.is_none_or(|r| m.recipient == r))
            .cloned()
            .collect()
    }
}
