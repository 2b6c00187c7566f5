//! [`Sessions`]: the server-side SSO sessions (`flow/session`), keyed by the handle the
//! `tid_sso_*` cookie carries.
//!
//! A session belongs to one login flow (id and version): editing the flow drops SSO. It holds the
//! checkpoints SessionExecutor saved (the authenticated user and the runtime data to resume with)
//! and the applications that joined it, each with the token family it was issued, so a sign-out can
//! revoke them. A session lives until its idle or absolute expiry, whichever comes first; activity
//! (at most once a minute) pushes the idle expiry out.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::expiring::Expiring;

/// The idle timeout of a session, in seconds (`session.idle_timeout`, 30 minutes).
pub(crate) const IDLE_TIMEOUT: u64 = 30 * 60;
/// The absolute timeout of a session, in seconds (`session.absolute_timeout`, 8 hours); also the
/// cookie's `Max-Age`.
pub(crate) const ABSOLUTE_TIMEOUT: u64 = 8 * 3600;
/// Activity refreshes the idle expiry at most this often (`session.activity_refresh`).
const ACTIVITY_REFRESH: u64 = 60;

/// Live SSO sessions by handle, within a byte budget ([`crate::config::Limits`]).
#[derive(Debug)]
pub(crate) struct Sessions {
    by_handle: Expiring<SsoSession>,
    /// The handles of each subject's stored sessions, kept exact on every way a session leaves,
    /// so revoking a user's sessions is O(its sessions), not a scan.
    by_subject: HashMap<String, HashSet<String>>,
    /// The bytes the sessions may hold, as [`SsoSession::approximate_size`] counts them.
    budget: usize,
}

impl Default for Sessions {
    fn default() -> Self {
        Self::with_budget(crate::config::Limits::SESSION_BYTES)
    }
}

/// One SSO session (`SSO_SESSION` with its contexts and participants).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SsoSession {
    pub id: String,
    pub subject: String,
    pub flow_id: String,
    pub flow_version: u32,
    /// The execution that created it.
    pub execution_id: String,
    /// Unix seconds.
    pub authenticated_at: u64,
    pub last_active_at: u64,
    pub idle_expires_at: u64,
    pub absolute_expires_at: u64,
    /// By checkpoint (the SessionExecutor node id).
    pub checkpoints: BTreeMap<String, Checkpoint>,
    /// By application id.
    pub participants: BTreeMap<String, Participant>,
}

/// What a sign-in resumes from (`SSO_SESSION_CONTEXT`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Checkpoint {
    pub user: String,
    pub runtime: BTreeMap<String, String>,
}

/// An application that joined the session (`SSO_SESSION_PARTICIPANT`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Participant {
    pub first_joined_at: u64,
    pub last_active_at: u64,
    pub token_family_id: String,
}

/// A new session's identity and the flow it belongs to.
#[derive(Debug, Clone)]
pub(crate) struct NewSession {
    pub id: String,
    pub handle: String,
    pub subject: String,
    pub flow_id: String,
    pub flow_version: u32,
    pub execution_id: String,
}

impl SsoSession {
    /// What the session holds on the heap, roughly, plus its own size and the map's overhead:
    /// what it counts against the store's budget.
    pub(crate) fn approximate_size(&self, handle: &str) -> usize {
        const PER_ENTRY: usize = 64;
        let texts = [
            handle,
            &self.id,
            &self.subject,
            &self.flow_id,
            &self.execution_id,
        ];
        let checkpoints: usize = self
            .checkpoints
            .iter()
            .map(|(name, c)| {
                let runtime: usize = c
                    .runtime
                    .iter()
                    .map(|(k, v)| k.len() + v.len() + PER_ENTRY)
                    .sum();
                name.len() + c.user.len() + runtime + PER_ENTRY
            })
            .sum();
        let participants: usize = self
            .participants
            .iter()
            .map(|(app, p)| app.len() + p.token_family_id.len() + PER_ENTRY)
            .sum();
        std::mem::size_of::<Self>()
            + texts.iter().map(|t| t.len()).sum::<usize>()
            + checkpoints
            + participants
            // The expiry index's copy of the handle, and the hash map's slot.
            + handle.len()
            + 2 * PER_ENTRY
    }
}

impl Sessions {
    /// An empty store whose sessions may hold `budget` bytes.
    pub(crate) fn with_budget(budget: usize) -> Self {
        Self {
            by_handle: Expiring::default(),
            by_subject: HashMap::new(),
            budget,
        }
    }

    pub(crate) fn budget(&self) -> usize {
        self.budget
    }

    /// Store (or put back) a session until its idle expiry. Expired sessions are freed first; only
    /// when the live ones do not fit does the one expiring soonest go (O(log n) each).
    fn put(&mut self, handle: String, session: SsoSession, now: u64) {
        let by_subject = &mut self.by_subject;
        let mut forget =
            |handle: String, gone: SsoSession| unindex(by_subject, &gone.subject, &handle);
        self.by_handle.prune_with(now, &mut forget);
        let size = session.approximate_size(&handle);
        let expires = session.idle_expires_at;
        let subject = session.subject.clone();
        self.by_handle.insert_within_with(
            handle.clone(),
            session,
            expires,
            size,
            self.budget,
            &mut forget,
        );
        self.by_subject.entry(subject).or_default().insert(handle);
    }

    /// Take the session under `handle` out of the store (live or not), keeping the index exact;
    /// the live one is returned.
    fn take(&mut self, handle: &str, now: u64) -> Option<SsoSession> {
        let subject = self.by_handle.get_any(handle).map(|s| s.subject.clone())?;
        unindex(&mut self.by_subject, &subject, handle);
        self.by_handle.take(handle, now)
    }

    /// The bytes the stored sessions hold.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.by_handle.weight()
    }

    /// The live session under `handle` for this login flow (id and version), if any.
    pub(crate) fn get(
        &self,
        handle: &str,
        flow_id: &str,
        flow_version: u32,
        now: u64,
    ) -> Option<&SsoSession> {
        self.by_handle
            .get(handle, now)
            .filter(|s| now < s.idle_expires_at && now < s.absolute_expires_at)
            .filter(|s| s.flow_id == flow_id && s.flow_version == flow_version)
    }

    /// The session under `handle`, whatever flow it belongs to (sign-out checks the flow itself).
    pub(crate) fn any(&self, handle: &str, now: u64) -> Option<&SsoSession> {
        self.by_handle
            .get(handle, now)
            .filter(|s| now < s.idle_expires_at && now < s.absolute_expires_at)
    }

    /// Create a session with its first checkpoint and participant.
    pub(crate) fn create(
        &mut self,
        new: NewSession,
        checkpoint: (String, Checkpoint),
        participant: (String, String),
        now: u64,
    ) {
        let absolute = now.saturating_add(ABSOLUTE_TIMEOUT);
        let session = SsoSession {
            id: new.id,
            subject: new.subject,
            flow_id: new.flow_id,
            flow_version: new.flow_version,
            execution_id: new.execution_id,
            authenticated_at: now,
            last_active_at: now,
            idle_expires_at: now.saturating_add(IDLE_TIMEOUT).min(absolute),
            absolute_expires_at: absolute,
            checkpoints: BTreeMap::from([checkpoint]),
            participants: BTreeMap::new(),
        };
        self.put(new.handle.clone(), session, now);
        self.join(&new.handle, &participant.0, &participant.1, now);
    }

    /// Add or replace a checkpoint of an existing session.
    pub(crate) fn save_checkpoint(
        &mut self,
        handle: &str,
        name: String,
        checkpoint: Checkpoint,
        now: u64,
    ) {
        // Taken out and put back, so its size is counted again.
        if let Some(mut session) = self.take(handle, now) {
            session.checkpoints.insert(name, checkpoint);
            self.put(handle.to_owned(), session, now);
        }
    }

    /// Record activity (at most once a minute it extends the idle expiry) and that `app_id`
    /// joined with token family `token_family_id`.
    pub(crate) fn join(&mut self, handle: &str, app_id: &str, token_family_id: &str, now: u64) {
        let Some(mut session) = self.take(handle, now) else {
            return;
        };
        if now.saturating_sub(session.last_active_at) >= ACTIVITY_REFRESH {
            session.last_active_at = now;
            session.idle_expires_at = now
                .saturating_add(IDLE_TIMEOUT)
                .min(session.absolute_expires_at);
        }
        let participant = session
            .participants
            .entry(app_id.to_owned())
            .or_insert_with(|| Participant {
                first_joined_at: now,
                last_active_at: now,
                token_family_id: String::new(),
            });
        participant.last_active_at = now;
        participant.token_family_id = token_family_id.to_owned();
        self.put(handle.to_owned(), session, now);
    }

    /// End the session under `handle`, returning it (for its participants' token families).
    pub(crate) fn end(&mut self, handle: &str, now: u64) -> Option<SsoSession> {
        self.take(handle, now)
    }

    /// End every session of `subject`; returns how many were live.
    pub(crate) fn end_all_of(&mut self, subject: &str, now: u64) -> usize {
        let handles = self.by_subject.remove(subject).unwrap_or_default();
        handles
            .iter()
            .filter_map(|handle| self.by_handle.take(handle, now))
            .count()
    }

    pub(crate) fn len(&self) -> usize {
        self.by_handle.len()
    }
}

/// Drop `handle` from `subject`'s handles (and the subject when it has none left).
fn unindex(by_subject: &mut HashMap<String, HashSet<String>>, subject: &str, handle: &str) {
    if let Some(handles) = by_subject.get_mut(subject) {
        handles.remove(handle);
        if handles.is_empty() {
            by_subject.remove(subject);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(handle: &str, subject: &str) -> NewSession {
        NewSession {
            id: format!("id-{handle}"),
            handle: handle.to_owned(),
            subject: subject.to_owned(),
            flow_id: "flow".to_owned(),
            flow_version: 1,
            execution_id: "exec".to_owned(),
        }
    }

    fn checkpoint() -> (String, Checkpoint) {
        let checkpoint = Checkpoint {
            user: "u".to_owned(),
            runtime: BTreeMap::new(),
        };
        ("session".to_owned(), checkpoint)
    }

    #[test]
    fn a_session_ends_when_idle_and_activity_keeps_it_alive_until_the_absolute_limit() {
        let mut store = Sessions::default();
        store.create(new("h", "u"), checkpoint(), ("app".into(), "f1".into()), 0);
        assert!(store.get("h", "flow", 1, IDLE_TIMEOUT - 1).is_some());
        assert!(store.get("h", "flow", 1, IDLE_TIMEOUT).is_none(), "idle");
        let mut store = Sessions::default();
        store.create(new("h", "u"), checkpoint(), ("app".into(), "f1".into()), 0);
        let mut now = 0;
        while now + 1000 < ABSOLUTE_TIMEOUT {
            now += 1000;
            store.join("h", "app", "f2", now);
        }
        assert!(store.get("h", "flow", 1, now).is_some());
        assert!(
            store.get("h", "flow", 1, ABSOLUTE_TIMEOUT).is_none(),
            "absolute"
        );
    }

    #[test]
    fn sessions_stay_within_their_byte_budget_and_give_way_soonest_expiring_first() {
        let mut probe = Sessions::default();
        probe.create(new("h0", "u"), checkpoint(), ("app".into(), "f1".into()), 0);
        let one = probe.bytes();
        let mut store = Sessions::with_budget(3 * one);
        for (i, now) in [0, 10, 20].into_iter().enumerate() {
            let handle = format!("h{i}");
            store.create(
                new(&handle, "u"),
                checkpoint(),
                ("app".into(), "f1".into()),
                now,
            );
        }
        assert_eq!((store.len(), store.bytes()), (3, 3 * one));
        // Full: the live session expiring first (`h0`) gives way, the others stay.
        store.create(
            new("h3", "u"),
            checkpoint(),
            ("app".into(), "f1".into()),
            30,
        );
        assert!(store.get("h0", "flow", 1, 30).is_none());
        assert!(store.get("h1", "flow", 1, 30).is_some());
        assert!(store.get("h3", "flow", 1, 30).is_some());
        assert!(store.bytes() <= 3 * one);
        // Once the older ones expire, they are what goes: no live session is dropped.
        let later = 20 + IDLE_TIMEOUT;
        store.create(
            new("h4", "u"),
            checkpoint(),
            ("app".into(), "f1".into()),
            later,
        );
        assert!(store.get("h3", "flow", 1, later).is_some());
        assert!(store.get("h4", "flow", 1, later).is_some());
    }

    #[test]
    fn a_growing_session_is_counted_again() {
        let mut store = Sessions::default();
        store.create(new("h", "u"), checkpoint(), ("app".into(), "f1".into()), 0);
        let before = store.bytes();
        let big = Checkpoint {
            user: "u".to_owned(),
            runtime: BTreeMap::from([("k".to_owned(), "v".repeat(1000))]),
        };
        store.save_checkpoint("h", "second".to_owned(), big, 1);
        assert!(
            store.bytes() >= before + 1000,
            "{} vs {before}",
            store.bytes()
        );
        store.join("h", "other-app", "f2", 2);
        assert!(store.get("h", "flow", 1, 2).is_some());
        assert!(store.end("h", 3).is_some());
        assert_eq!(store.bytes(), 0);
    }

    #[test]
    fn a_session_belongs_to_one_flow_version() {
        let mut store = Sessions::default();
        store.create(new("h", "u"), checkpoint(), ("app".into(), "f1".into()), 0);
        assert!(store.get("h", "flow", 2, 1).is_none());
        assert!(store.get("h", "other", 1, 1).is_none());
        assert_eq!(
            store.get("h", "flow", 1, 1).map(|s| s.subject.as_str()),
            Some("u")
        );
    }

    #[test]
    fn ending_all_sessions_of_a_subject_leaves_the_others() {
        let mut store = Sessions::default();
        store.create(new("a", "u"), checkpoint(), ("app".into(), "f1".into()), 0);
        store.create(new("b", "u"), checkpoint(), ("app".into(), "f2".into()), 0);
        store.create(new("c", "v"), checkpoint(), ("app".into(), "f3".into()), 0);
        assert_eq!(store.end_all_of("u", 1), 2);
        assert_eq!(store.len(), 1);
        let ended = store.end("c", 1).expect("c is live");
        assert_eq!(ended.participants["app"].token_family_id, "f3");
    }

    /// The index by subject holds exactly the stored sessions, whichever way they left.
    fn assert_index_exact(store: &Sessions) {
        let indexed: usize = store.by_subject.values().map(HashSet::len).sum();
        assert_eq!(indexed, store.len());
        for (subject, handles) in &store.by_subject {
            for handle in handles {
                let session = store
                    .by_handle
                    .get_any(handle)
                    .expect("indexed handle stored");
                assert_eq!(&session.subject, subject);
            }
        }
    }

    #[test]
    fn the_subject_index_follows_evictions_expiry_and_ends() {
        let mut probe = Sessions::default();
        probe.create(new("h0", "u"), checkpoint(), ("app".into(), "f1".into()), 0);
        let mut store = Sessions::with_budget(3 * probe.bytes());
        for i in 0..6_u64 {
            let subject = if i % 2 == 0 { "u" } else { "v" };
            let handle = format!("h{i}");
            store.create(
                new(&handle, subject),
                checkpoint(),
                ("app".into(), "f".into()),
                i,
            );
            assert_index_exact(&store);
        }
        // Expired ones are pruned on the next write.
        let later = 10 + IDLE_TIMEOUT;
        store.create(
            new("late", "w"),
            checkpoint(),
            ("app".into(), "f".into()),
            later,
        );
        assert_index_exact(&store);
        assert_eq!(store.len(), 1);
        assert_eq!(store.end_all_of("u", later), 0);
        store.create(
            new("x", "w"),
            checkpoint(),
            ("app".into(), "f".into()),
            later,
        );
        store.join("x", "other", "f9", later + 100);
        assert_index_exact(&store);
        assert_eq!(store.end_all_of("w", later + 100), 2);
        assert_index_exact(&store);
        assert!(store.by_subject.is_empty());
    }
}
