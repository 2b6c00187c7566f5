//! [`Executions`]: live flow executions with their absolute expiry, the V1 sign-ins driving them,
//! and the two small tables federated sign-in needs (codes of the fake upstream IdP, and the gate's
//! pending redirects).
//!
//! Every table is an [`Expiring`] map: expired entries are freed in expiry order, so no operation
//! scans the store and memory follows the live entries.

use super::execution::Execution;
use super::expiring::Expiring;
use super::v1::V1Flow;

/// Flow executions and the state of sign-ins in flight.
#[derive(Debug)]
pub(crate) struct Executions {
    executions: Expiring<Execution>,
    v1_flows: Expiring<V1Flow>,
    idp_grants: Expiring<IdpGrant>,
    gate_redirects: Expiring<GateRedirect>,
    /// WebAuthn ceremonies between their start and finish, by session token (the server's
    /// `webauthn:session` runtime store).
    passkey_sessions: Expiring<crate::webauthn::Session>,
    /// OpenID4VP presentation requests by `state` (the server's `vp:state` runtime store).
    vp_states: Expiring<crate::openid4vp::RequestState>,
    /// The bytes the executions may hold ([`crate::config::Limits`]).
    budget: usize,
}

impl Default for Executions {
    fn default() -> Self {
        Self::with_budget(crate::config::Limits::EXECUTION_BYTES)
    }
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
    /// The language the visitor chose on the gate, if any.
    pub language: String,
    pub expires_at: u64,
}

impl Executions {
    /// At most this many V1 flows (small records); past it, the soonest-expiring goes first.
    const CAPACITY: usize = 100_000;
    /// An expired V1 flow is kept this long, so a late call still learns it expired.
    const V1_GRACE: u64 = 3600;
    /// At most this many bytes of fake-IdP codes, and as many of gate redirects (the hosted gate
    /// makes one for any visitor who picks a social sign-in); past it the soonest-expiring goes.
    const SIDE_TABLE_BYTES: usize = 4 << 20;

    /// An empty store whose executions may hold `budget` bytes.
    pub(crate) fn with_budget(budget: usize) -> Self {
        Self {
            executions: Expiring::default(),
            v1_flows: Expiring::default(),
            idp_grants: Expiring::default(),
            gate_redirects: Expiring::default(),
            passkey_sessions: Expiring::default(),
            vp_states: Expiring::default(),
            budget,
        }
    }

    pub(crate) fn budget(&self) -> usize {
        self.budget
    }

    /// Store (or put back) an execution. Expired ones are freed first; only when the live ones
    /// still do not fit the budget does the soonest-expiring one go (O(log n) each).
    pub(crate) fn insert(&mut self, execution: Execution, now: u64) {
        self.prune(now);
        let size = execution.approximate_size();
        let expires_at = execution.expires_at;
        self.executions.insert_within(
            execution.id.clone(),
            execution,
            expires_at,
            size,
            self.budget,
        );
    }

    /// The bytes the stored executions hold (as [`Execution::approximate_size`] counts them).
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.executions.weight()
    }

    /// A live execution, taken out while one call works on it; an expired one reads as absent.
    pub(crate) fn take_live(&mut self, id: &str, now: u64) -> Option<Execution> {
        self.executions.take(id, now).filter(|e| now < e.expires_at)
    }

    /// A live execution, for inspection (the V1 adapter, the control plane).
    pub(crate) fn get(&self, id: &str, now: u64) -> Option<&Execution> {
        self.executions.get(id, now).filter(|e| now < e.expires_at)
    }

    /// Forget an execution (completed, or failed at the HTTP level).
    pub(crate) fn remove(&mut self, id: &str) {
        self.executions.remove(id);
    }

    /// The number of stored executions, expired ones included until pruned.
    pub(crate) fn len(&self) -> usize {
        self.executions.len()
    }

    /// Store (or put back) a V1 flow, kept a grace period past its expiry.
    pub(crate) fn insert_v1_flow(&mut self, flow_id: String, flow: V1Flow, now: u64) {
        self.prune(now);
        if !self.v1_flows.contains(&flow_id) && self.v1_flows.len() >= Self::CAPACITY {
            self.v1_flows.evict_first();
        }
        let keep_until = flow.expires_at.saturating_add(Self::V1_GRACE);
        self.v1_flows.insert(flow_id, flow, keep_until);
    }

    /// Take a V1 flow out while one call works on it; a concurrent call finds nothing.
    pub(crate) fn take_v1_flow(&mut self, flow_id: &str, now: u64) -> Option<V1Flow> {
        self.v1_flows.take(flow_id, now)
    }

    /// Remember the user behind a fake-IdP authorization code.
    pub(crate) fn insert_idp_grant(&mut self, code: String, grant: IdpGrant, now: u64) {
        self.prune(now);
        let expires_at = grant.expires_at;
        let size = std::mem::size_of::<IdpGrant>()
            + code.len()
            + [&grant.idp, &grant.subject, &grant.email]
                .iter()
                .map(|t| t.len())
                .sum::<usize>()
            + [&grant.given_name, &grant.family_name, &grant.nonce]
                .iter()
                .map(|t| t.as_ref().map_or(0, String::len))
                .sum::<usize>()
            + 128;
        self.idp_grants
            .insert_within(code, grant, expires_at, size, Self::SIDE_TABLE_BYTES);
    }

    /// Redeem a fake-IdP authorization code: single use, and only before it expires.
    pub(crate) fn redeem_idp_grant(&mut self, code: &str, now: u64) -> Option<IdpGrant> {
        self.idp_grants
            .take(code, now)
            .filter(|g| now < g.expires_at)
    }

    /// Remember where the gate resumes after the IdP returns with `state`.
    pub(crate) fn insert_gate_redirect(&mut self, state: String, redirect: GateRedirect, now: u64) {
        self.prune(now);
        let expires_at = redirect.expires_at;
        let size = std::mem::size_of::<GateRedirect>()
            + state.len()
            + [
                &redirect.execution_id,
                &redirect.challenge_token,
                &redirect.application_id,
                &redirect.language,
            ]
            .iter()
            .map(|t| t.len())
            .sum::<usize>()
            + redirect.auth_id.as_ref().map_or(0, String::len)
            + 128;
        self.gate_redirects.insert_within(
            state,
            redirect,
            expires_at,
            size,
            Self::SIDE_TABLE_BYTES,
        );
    }

    /// The gate redirect for `state`, consumed.
    pub(crate) fn take_gate_redirect(&mut self, state: &str, now: u64) -> Option<GateRedirect> {
        self.gate_redirects
            .take(state, now)
            .filter(|r| now < r.expires_at)
    }

    /// Keep a WebAuthn ceremony's session until `expires_at`.
    pub(crate) fn insert_passkey_session(
        &mut self,
        token: String,
        session: crate::webauthn::Session,
        expires_at: u64,
        now: u64,
    ) {
        self.prune(now);
        let size = session.approximate_size() + token.len();
        self.passkey_sessions.insert_within(
            token,
            session,
            expires_at,
            size,
            Self::SIDE_TABLE_BYTES,
        );
    }

    /// A live WebAuthn session; a failed finish leaves it for another try, as on the server.
    pub(crate) fn passkey_session(
        &self,
        token: &str,
        now: u64,
    ) -> Option<crate::webauthn::Session> {
        self.passkey_sessions.get(token, now).cloned()
    }

    /// Forget a WebAuthn session (its ceremony succeeded): single use.
    pub(crate) fn remove_passkey_session(&mut self, token: &str) {
        self.passkey_sessions.remove(token);
    }

    /// Save (or overwrite) an OpenID4VP request state until its expiry.
    pub(crate) fn save_vp_state(&mut self, state: crate::openid4vp::RequestState, now: u64) {
        self.prune(now);
        let size = state.approximate_size();
        let expires_at = state.expires_at;
        self.vp_states.insert_within(
            state.state.clone(),
            state,
            expires_at,
            size,
            Self::SIDE_TABLE_BYTES,
        );
    }

    /// An OpenID4VP request state, expired or not (the service decides what expiry means).
    pub(crate) fn vp_state(&self, state: &str, now: u64) -> Option<crate::openid4vp::RequestState> {
        self.vp_states.get(state, now).cloned()
    }

    /// Forget an OpenID4VP request state (delivered, or expired).
    pub(crate) fn remove_vp_state(&mut self, state: &str) {
        self.vp_states.remove(state);
    }

    /// Free every entry that has expired.
    pub(crate) fn prune(&mut self, now: u64) {
        self.passkey_sessions.prune(now);
        self.vp_states.prune(now);
        self.executions.prune(now);
        self.v1_flows.prune(now);
        self.idp_grants.prune(now);
        self.gate_redirects.prune(now);
    }
}

#[cfg(test)]
mod tests {
    use thunderid_protocol::flow::{FlowDefinitionId, FlowType};

    use super::*;

    fn execution(id: &str, expires_at: u64) -> Execution {
        Execution::new(
            id.to_owned(),
            "app".to_owned(),
            FlowType::Authentication,
            FlowDefinitionId::new("flow"),
            false,
            expires_at,
        )
    }

    #[test]
    fn an_execution_lives_until_its_expiry_and_is_then_freed() {
        let mut store = Executions::default();
        store.insert(execution("a", 100), 0);
        assert!(store.get("a", 99).is_some());
        assert!(store.get("a", 100).is_none());
        store.insert(execution("b", 500), 200);
        assert_eq!(store.len(), 1, "the expired execution was freed");
        assert!(store.take_live("b", 200).is_some());
        assert!(store.take_live("b", 200).is_none(), "taken out");
    }

    #[test]
    fn gate_redirects_and_idp_codes_stay_within_their_byte_budget() {
        let mut store = Executions::default();
        let big = "l".repeat(1 << 20);
        for i in 0..40u64 {
            let redirect = GateRedirect {
                execution_id: format!("e{i}"),
                challenge_token: String::new(),
                application_id: String::new(),
                auth_id: None,
                language: big.clone(),
                expires_at: 1_000 + i,
            };
            store.insert_gate_redirect(format!("s{i}"), redirect, 0);
            let grant = IdpGrant {
                idp: "google".to_owned(),
                subject: String::new(),
                email: big.clone(),
                given_name: None,
                family_name: None,
                nonce: None,
                expires_at: 1_000 + i,
            };
            store.insert_idp_grant(format!("c{i}"), grant, 0);
        }
        assert!(store.gate_redirects.weight() <= Executions::SIDE_TABLE_BYTES);
        assert!(store.idp_grants.weight() <= Executions::SIDE_TABLE_BYTES);
        assert!(store.take_gate_redirect("s39", 0).is_some());
        assert!(store.take_gate_redirect("s0", 0).is_none());
        assert!(store.redeem_idp_grant("c39", 0).is_some());
        assert!(store.redeem_idp_grant("c0", 0).is_none());
    }

    #[test]
    fn a_full_store_frees_the_expired_first_then_the_soonest_expiring() {
        let size = execution("a", 0).approximate_size();
        let mut store = Executions::with_budget(3 * size);
        store.insert(execution("a", 100), 0);
        store.insert(execution("b", 300), 0);
        store.insert(execution("c", 200), 0);
        assert_eq!(store.bytes(), 3 * size);
        // Over budget: the expired `a` goes, every live one stays.
        store.insert(execution("d", 400), 150);
        assert_eq!(store.len(), 3);
        assert!(store.get("b", 150).is_some() && store.get("c", 150).is_some());
        // Still full: the soonest-expiring live one (`c`) gives way.
        store.insert(execution("e", 500), 150);
        assert!(store.get("c", 150).is_none());
        assert_eq!(store.len(), 3);
        assert_eq!(store.bytes(), 3 * size);
    }
}
