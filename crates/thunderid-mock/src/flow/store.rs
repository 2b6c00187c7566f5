//! [`ExecutionStore`]: live executions with their absolute expiry, plus the two small tables the
//! federated sign-in needs (codes of the fake upstream IdP, and the gate's pending redirects).

use std::collections::HashMap;

use super::execution::Execution;

/// Live flow executions, by id, and the state of in-flight federated sign-ins.
#[derive(Debug, Default)]
pub struct ExecutionStore {
    executions: HashMap<String, Execution>,
    idp_grants: HashMap<String, IdpGrant>,
    gate_redirects: HashMap<String, GateRedirect>,
    /// When the next sweep of expired entries is due (mock-clock seconds). Sweeping on insert at
    /// most once a minute keeps memory flat without a background task or a per-request scan.
    next_sweep_at: u64,
}

/// What the fake upstream IdP knows about the user behind one authorization code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpGrant {
    /// The IdP name from the authorize path, e.g. `google`.
    pub idp: String,
    /// The IdP's subject for the user.
    pub subject: String,
    pub email: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// The `nonce` of the authorize request, echoed into the (notional) ID token.
    pub nonce: Option<String>,
    pub expires_at: u64,
}

/// A REDIRECTION step the hosted gate followed: where to resume when the IdP comes back to
/// `/gate/callback` with this `state`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateRedirect {
    pub execution_id: String,
    pub challenge_token: String,
    pub application_id: String,
    pub auth_id: Option<String>,
    pub expires_at: u64,
}

impl ExecutionStore {
    /// At most this many live executions; the oldest-expiring ones are dropped first, so a
    /// long-running mock cannot grow without bound.
    const CAPACITY: usize = 100_000;

    /// How often, in mock-clock seconds, inserts sweep out expired entries.
    const SWEEP_INTERVAL: u64 = 60;

    /// Store (or replace) an execution. Expired entries are swept first, at most once a minute.
    pub fn insert(&mut self, execution: Execution, now: u64) {
        if now >= self.next_sweep_at {
            self.sweep(now);
            self.next_sweep_at = now.saturating_add(Self::SWEEP_INTERVAL);
        }
        if !self.executions.contains_key(&execution.id) && self.executions.len() >= Self::CAPACITY {
            self.sweep(now);
            if self.executions.len() >= Self::CAPACITY {
                let oldest = self
                    .executions
                    .values()
                    .min_by_key(|e| e.expires_at)
                    .map(|e| e.id.clone());
                if let Some(oldest) = oldest {
                    self.executions.remove(&oldest);
                }
            }
        }
        self.executions.insert(execution.id.clone(), execution);
    }

    /// A live execution, by id. An expired one is removed and reported as absent.
    pub fn take_live(&mut self, id: &str, now: u64) -> Option<Execution> {
        let execution = self.executions.remove(id)?;
        (now < execution.expires_at).then_some(execution)
    }

    /// A copy of a live execution, for inspection (tests, the V1 adapter).
    pub fn get(&self, id: &str, now: u64) -> Option<&Execution> {
        self.executions.get(id).filter(|e| now < e.expires_at)
    }

    /// Forget an execution (completed, or failed at the HTTP level).
    pub fn remove(&mut self, id: &str) {
        self.executions.remove(id);
    }

    /// The number of stored executions, expired ones included until swept.
    pub fn len(&self) -> usize {
        self.executions.len()
    }

    /// Whether no execution is stored.
    pub fn is_empty(&self) -> bool {
        self.executions.is_empty()
    }

    /// Remember the user behind a fake-IdP authorization code.
    pub fn insert_idp_grant(&mut self, code: String, grant: IdpGrant, now: u64) {
        self.idp_grants.retain(|_, g| now < g.expires_at);
        self.idp_grants.insert(code, grant);
    }

    /// Redeem a fake-IdP authorization code: single use, and only before it expires.
    pub fn redeem_idp_grant(&mut self, code: &str, now: u64) -> Option<IdpGrant> {
        self.idp_grants.remove(code).filter(|g| now < g.expires_at)
    }

    /// Remember where the gate resumes after the IdP returns with `state`.
    pub fn insert_gate_redirect(&mut self, state: String, redirect: GateRedirect, now: u64) {
        self.gate_redirects.retain(|_, r| now < r.expires_at);
        self.gate_redirects.insert(state, redirect);
    }

    /// The gate redirect for `state`, consumed.
    pub fn take_gate_redirect(&mut self, state: &str, now: u64) -> Option<GateRedirect> {
        self.gate_redirects
            .remove(state)
            .filter(|r| now < r.expires_at)
    }

    fn sweep(&mut self, now: u64) {
        self.executions.retain(|_, e| now < e.expires_at);
        self.idp_grants.retain(|_, g| now < g.expires_at);
        self.gate_redirects.retain(|_, r| now < r.expires_at);
    }
}
