//! Messages the mock "sent" (OTP SMS, recovery e-mails), readable at `GET /__mock/outbox`.

use std::collections::VecDeque;

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

/// The messages, oldest first, within a byte budget ([`crate::config::Limits`]); cleared by reset.
#[derive(Debug)]
pub struct Outbox {
    messages: VecDeque<(OutboxMessage, usize)>,
    /// The sum of the kept messages' sizes.
    bytes: usize,
    budget: usize,
}

impl Default for Outbox {
    fn default() -> Self {
        Self::with_budget(crate::config::Limits::OUTBOX_BYTES)
    }
}

impl OutboxMessage {
    /// What the message holds on the heap, roughly, plus its own size.
    fn approximate_size(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.recipient.len()
            + self.template.len()
            + self.body.len()
            + self.code.as_ref().map_or(0, String::len)
            + self.link.as_ref().map_or(0, String::len)
    }
}

impl Outbox {
    /// An empty outbox that keeps at most `budget` bytes of messages.
    pub(crate) fn with_budget(budget: usize) -> Self {
        Self {
            messages: VecDeque::new(),
            bytes: 0,
            budget,
        }
    }

    pub(crate) fn budget(&self) -> usize {
        self.budget
    }

    /// Keep `message`; past the budget the oldest messages go first (O(1) each). A message
    /// larger than the whole budget is not kept.
    pub fn push(&mut self, message: OutboxMessage) {
        let size = message.approximate_size();
        if size > self.budget {
            return;
        }
        while self.bytes + size > self.budget {
            let Some((_, old)) = self.messages.pop_front() else {
                break;
            };
            self.bytes -= old;
        }
        self.bytes += size;
        self.messages.push_back((message, size));
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    /// Messages, oldest first, optionally only those to `recipient`.
    pub fn list(&self, recipient: Option<&str>) -> Vec<OutboxMessage> {
        self.messages
            .iter()
            .map(|(m, _)| m)
            .filter(|m| recipient.is_none_or(|r| m.recipient == r))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(n: usize, body: usize) -> OutboxMessage {
        OutboxMessage {
            channel: Channel::Email,
            recipient: format!("user{n}@example.com"),
            template: "OTP".to_owned(),
            body: "x".repeat(body),
            code: Some("123456".to_owned()),
            link: None,
            sent_at: n as u64,
        }
    }

    #[test]
    fn the_outbox_stays_within_its_byte_budget_dropping_the_oldest() {
        let one = message(0, 1000).approximate_size();
        let mut outbox = Outbox::with_budget(3 * one);
        for n in 0..5 {
            outbox.push(message(n, 1000));
        }
        assert_eq!((outbox.len(), outbox.bytes), (3, 3 * one));
        let kept: Vec<u64> = outbox.list(None).iter().map(|m| m.sent_at).collect();
        assert_eq!(kept, [2, 3, 4]);
        // One larger than the whole budget is not kept, and drops nothing.
        outbox.push(message(9, 4 * one));
        assert_eq!(outbox.len(), 3);
        assert_eq!(outbox.list(Some("user4@example.com")).len(), 1);
    }
}
