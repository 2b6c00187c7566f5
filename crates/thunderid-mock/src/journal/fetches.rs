//! How often the JWKS was fetched, in total and per client (`GET /__mock/keys/fetches`): a counter
//! beside the journal, so the count survives the journal's byte limit. Bounded: past
//! [`MAX_CLIENTS`] distinct user agents or peers, further ones are counted under `(other)`.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use serde_json::{Value, json};

/// Distinct user agents (and peers) counted by name; the rest share one bucket.
const MAX_CLIENTS: usize = 256;
const OTHER: &str = "(other)";

/// The counts, as the control plane and `MockServer::jwks_fetches` report them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct JwksFetches {
    pub total: u64,
    /// By `User-Agent` (`(none)` without one).
    pub by_user_agent: BTreeMap<String, u64>,
    /// By the peer's address (`ip:port`: one keep-alive connection keeps its port).
    pub by_peer: BTreeMap<String, u64>,
}

impl JwksFetches {
    /// The control plane's JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "total": self.total,
            "byUserAgent": self.by_user_agent,
            "byPeer": self.by_peer,
        })
    }
}

/// One server's counter.
#[derive(Debug, Default)]
pub(crate) struct FetchCounter {
    counts: Mutex<JwksFetches>,
}

impl FetchCounter {
    pub(crate) fn record(&self, user_agent: Option<&str>, peer: Option<String>) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.total += 1;
        bump(&mut counts.by_user_agent, user_agent.unwrap_or("(none)"));
        bump(&mut counts.by_peer, peer.as_deref().unwrap_or("(unknown)"));
    }

    pub(crate) fn snapshot(&self) -> JwksFetches {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn clear(&self) {
        *self.counts.lock().unwrap_or_else(PoisonError::into_inner) = JwksFetches::default();
    }
}

fn bump(map: &mut BTreeMap<String, u64>, name: &str) {
    if let Some(count) = map.get_mut(name) {
        *count += 1;
    } else if map.len() < MAX_CLIENTS {
        map.insert(name.to_owned(), 1);
    } else {
        *map.entry(OTHER.to_owned()).or_default() += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetches_are_counted_per_agent_and_peer_and_bounded() {
        let counter = FetchCounter::default();
        counter.record(Some("a"), Some("127.0.0.1:1".to_owned()));
        counter.record(Some("a"), Some("127.0.0.1:2".to_owned()));
        counter.record(None, None);
        let counts = counter.snapshot();
        assert_eq!(counts.total, 3);
        assert_eq!(counts.by_user_agent["a"], 2);
        assert_eq!(counts.by_user_agent["(none)"], 1);
        assert_eq!(counts.by_peer["(unknown)"], 1);
        for i in 0..MAX_CLIENTS + 10 {
            counter.record(Some(&format!("ua-{i}")), None);
        }
        let counts = counter.snapshot();
        assert_eq!(counts.by_user_agent.len(), MAX_CLIENTS + 1);
        assert_eq!(counts.by_user_agent[OTHER], 12);
        counter.clear();
        assert_eq!(counter.snapshot(), JwksFetches::default());
    }
}
