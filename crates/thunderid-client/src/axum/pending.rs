//! Sign-ins and sign-outs in progress, kept server-side and keyed by their `state`: the PKCE
//! verifier and nonce never leave the server, and a `state` is good for one use, by the browser
//! that started it, within [`PENDING_SIGN_IN_TTL`].
//!
//! Anyone can start a sign-in, so the store is bounded: expired entries are dropped on every insert,
//! and past [`MAX_PENDING`] live entries new ones are refused rather than memory grown.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use crate::oauth2::PendingAuthorization;
use crate::session::PENDING_SIGN_IN_TTL;

/// The most sign-ins (and, separately, sign-outs) in progress at once.
pub(crate) const MAX_PENDING: usize = 10_000;

/// A sign-in in progress.
#[derive(Debug)]
pub(crate) struct PendingSignIn {
    /// The state, nonce and PKCE verifier of the authorization request.
    pub(crate) authorization: PendingAuthorization,
    /// The [`super::BROWSER_COOKIE`] of the browser that started it.
    pub(crate) browser: String,
    expires_at: u64,
}

/// The store: one map per kind, each behind its own lock, never held across `.await`.
#[derive(Debug, Default)]
pub(crate) struct PendingStore {
    sign_ins: Mutex<HashMap<String, PendingSignIn>>,
    sign_outs: Mutex<HashMap<String, u64>>,
}

/// The store is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Full;

impl PendingStore {
    /// Keeps a sign-in under its `state` until `now + PENDING_SIGN_IN_TTL`.
    pub(crate) fn insert_sign_in(
        &self,
        authorization: PendingAuthorization,
        browser: String,
        now: u64,
    ) -> Result<(), Full> {
        let mut sign_ins = lock(&self.sign_ins);
        sign_ins.retain(|_, pending| pending.expires_at > now);
        if sign_ins.len() >= MAX_PENDING {
            return Err(Full);
        }
        let entry = PendingSignIn {
            authorization,
            browser,
            expires_at: now.saturating_add(PENDING_SIGN_IN_TTL),
        };
        sign_ins.insert(entry.authorization.state.clone(), entry);
        Ok(())
    }

    /// Takes the live sign-in of `state` (one use).
    pub(crate) fn take_sign_in(&self, state: &str, now: u64) -> Option<PendingSignIn> {
        lock(&self.sign_ins)
            .remove(state)
            .filter(|pending| pending.expires_at > now)
    }

    /// Keeps a sign-out `state`.
    pub(crate) fn insert_sign_out(&self, state: String, now: u64) -> Result<(), Full> {
        let mut sign_outs = lock(&self.sign_outs);
        sign_outs.retain(|_, expires_at| *expires_at > now);
        if sign_outs.len() >= MAX_PENDING {
            return Err(Full);
        }
        sign_outs.insert(state, now.saturating_add(PENDING_SIGN_IN_TTL));
        Ok(())
    }

    /// Whether `state` is a live sign-out of this app (consumed).
    pub(crate) fn take_sign_out(&self, state: &str, now: u64) -> bool {
        lock(&self.sign_outs)
            .remove(state)
            .is_some_and(|expires_at| expires_at > now)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use thunderid_protocol::secret::PkceCodeVerifier;

    fn authorization(state: &str) -> PendingAuthorization {
        PendingAuthorization {
            state: state.to_owned(),
            nonce: "n".to_owned(),
            pkce_verifier: PkceCodeVerifier::new("v"),
            redirect_uri: "http://localhost:3000/login".to_owned(),
            resource: None,
        }
    }

    #[test]
    fn a_sign_in_is_taken_once_and_only_before_it_expires() {
        let store = PendingStore::default();
        assert_eq!(
            store.insert_sign_in(authorization("s1"), "b".to_owned(), 100),
            Ok(())
        );
        assert_eq!(
            store.insert_sign_in(authorization("s2"), "b".to_owned(), 100),
            Ok(())
        );
        assert_eq!(
            store.take_sign_in("s1", 101).map(|p| p.browser),
            Some("b".to_owned())
        );
        assert!(store.take_sign_in("s1", 101).is_none());
        assert!(
            store
                .take_sign_in("s2", 100 + PENDING_SIGN_IN_TTL)
                .is_none()
        );
    }

    #[test]
    fn a_full_store_refuses_new_entries_until_old_ones_expire() {
        let store = PendingStore::default();
        for n in 0..MAX_PENDING {
            assert_eq!(store.insert_sign_out(n.to_string(), 100), Ok(()));
        }
        assert_eq!(store.insert_sign_out("one more".to_owned(), 100), Err(Full));
        let later = 100 + PENDING_SIGN_IN_TTL;
        assert_eq!(store.insert_sign_out("one more".to_owned(), later), Ok(()));
        assert!(store.take_sign_out("one more", later));
        assert!(!store.take_sign_out("one more", later));
    }
}
