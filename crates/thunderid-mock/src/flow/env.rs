//! [`Env`]: everything outside an execution that its nodes read or change.

use std::sync::Arc;

use rand::RngCore;

use crate::config::ServerVersion;
use crate::fixtures::{ApplicationFixture, ServerSettings};
use crate::flow::outbound::Outbound;
use crate::store::captcha::CaptchaTokens;
use crate::store::connections::Connections;
use crate::store::consents::Consents;
use crate::store::directory::Directory;
use crate::store::executions::Executions;
use crate::store::locked::Locked;
use crate::store::oauth::OAuthState;
use crate::store::outbox::{Outbox, OutboxMessage};
use crate::store::registry::Registry;
use crate::store::sessions::Sessions;
use crate::store::user_types::UserTypeRecord;
use crate::store::users::{UserRecord, Users};
use crate::tokens::TokenSigner;

/// The verified caller of a request, as flows see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FlowCaller {
    /// The token's `sub`.
    pub subject: String,
    /// The token's permissions (`scope`, `scopes` or `authorized_permissions`).
    pub permissions: Vec<String>,
    /// The token's `ouId` claim; empty when absent.
    pub ou_id: String,
}

impl FlowCaller {
    /// `HasSufficientPermission`: `required` is held directly or through a parent (`system` covers
    /// `system:user`).
    pub(crate) fn has_permission(&self, required: &str) -> bool {
        self.permissions.iter().any(|held| {
            held == required
                || required
                    .strip_prefix(held.as_str())
                    .is_some_and(|rest| rest.starts_with(':'))
        })
    }
}

/// Everything outside the execution that nodes read or change. The stores are reached through
/// their own locks, one short operation at a time; the engine never holds a lock across nodes.
pub(crate) struct Env<'a> {
    /// The configuration version this call runs against (flow graphs, applications).
    pub registry: &'a Registry,
    pub settings: &'a ServerSettings,
    /// The release line the mock behaves as.
    pub version: ServerVersion,
    /// The execution's application; `None` only for app-independent flows.
    pub app: Option<&'a ApplicationFixture>,
    pub directory: &'a Locked<Directory>,
    /// The ids of what `--resources` loaded read-only (PreDeleteExecutor refuses such a user).
    pub declared: &'a Locked<crate::store::declared::Declared>,
    pub outbox: &'a Locked<Outbox>,
    /// For the fake IdP's codes; the running execution itself is not in it.
    pub executions: &'a Locked<Executions>,
    /// SSO sessions.
    pub sessions: &'a Locked<Sessions>,
    /// Token revocations (sign-out, user deletion).
    pub oauth: &'a Locked<OAuthState>,
    /// Consent records (ConsentExecutor).
    pub consents: &'a Locked<Consents>,
    /// The OpenID4VP verifier (keys and the live presentation definitions).
    pub openid4vp: &'a crate::store::vc::Vc,
    /// Signs and verifies the server's own short-lived tokens (the consent session); never
    /// called under a store lock.
    pub signer: &'a TokenSigner,
    /// Who sent this request (its verified Bearer token), if anyone: the security context
    /// PermissionValidator and OUResolverExecutor (`caller`) read. It is per request, never stored.
    pub caller: Option<&'a FlowCaller>,
    /// The SSO session handle the request's `tid_sso_*` cookie for this flow carried.
    pub sso_handle: Option<&'a str>,
    /// Seconds since the epoch, from the mock clock.
    pub now: u64,
    pub rng: &'a mut dyn RngCore,
    /// This server's base URL, for links (IdP redirects, recovery links).
    pub base_url: &'a str,
    /// The stored connections (a snapshot): the IdP a federated node's `idpId` names.
    pub connections: Arc<Connections>,
    /// The `iss` of assertions.
    pub issuer: &'a str,
    /// Sends HTTPRequestExecutor's calls.
    pub outbound: &'a dyn Outbound,
    /// The fake captcha provider CaptchaInterceptor verifies with; `None` when none is plugged in
    /// (then no graph declaring the interceptor was accepted).
    pub captcha: Option<&'a Locked<CaptchaTokens>>,
    /// Whether the stores are in the composite store mode (`--resources` read-only, the server's
    /// default), whose lists fail past
    /// [`MAX_COMPOSITE_RECORDS`](crate::store::declared::MAX_COMPOSITE_RECORDS) records.
    pub composite: bool,
}

impl Env<'_> {
    /// A copy of a stored user.
    pub(crate) fn user(&self, id: &str) -> Option<UserRecord> {
        self.directory.read(|d| d.users.get(id).cloned())
    }

    /// Read the users.
    pub(crate) fn users<R>(&self, f: impl FnOnce(&Users) -> R) -> R {
        self.directory.read(|d| f(&d.users))
    }

    /// Change the users; `f` validates before it mutates.
    pub(crate) fn users_mut<R>(&self, f: impl FnOnce(&mut Users) -> R) -> R {
        self.directory.write(|d| f(&mut d.users))
    }

    /// A copy of the user type with this name.
    pub(crate) fn user_type(&self, name: &str) -> Option<UserTypeRecord> {
        self.directory.read(|d| d.user_types.by_name(name).cloned())
    }

    /// Deliver a message to the outbox.
    pub(crate) fn send(&self, message: OutboxMessage) {
        self.outbox.write(|o| o.push(message));
    }
}

impl std::fmt::Debug for Env<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("now", &self.now)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}
