//! The builder's settings for what lies past the mock's own state: who may call the direct
//! authentication API, and which hosts the flows' HTTP requests may reach.

use super::MockServerBuilder;

impl MockServerBuilder {
    /// The `Direct-Auth-Secret` the direct authentication API (`/auth/...`) and AuthZEN require,
    /// over the fixtures' `server.json` `security.directAuthSecret`. Empty refuses every call.
    pub fn direct_auth_secret(mut self, secret: impl Into<String>) -> Self {
        self.direct_auth_secret = Some(secret.into());
        self
    }

    /// Let HTTPRequestExecutor nodes call this host (a name or IP address as the node's URL spells
    /// it; `*` for any host). Without it they reach loopback hosts only, and another target fails
    /// as a refused connection does. Repeatable.
    pub fn http_executor_allow(mut self, host: impl Into<String>) -> Self {
        self.http_executor_allow.push(host.into());
        self
    }
}
