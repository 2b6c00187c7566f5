//! The builder's settings for what lies past the mock's own state: whether tests may drive it
//! (the control API), who may call the direct authentication API, which hosts the flows' HTTP requests may reach, and whether a captcha
//! provider is plugged in.

use super::MockServerBuilder;
use crate::fixtures::{FixtureError, Fixtures};

impl MockServerBuilder {
    /// Do not serve the control API (`/__mock/*`).
    pub fn no_control(mut self) -> Self {
        self.no_control = true;
        self
    }

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

    /// Plug in the fake captcha provider, as an embedding application supplies a
    /// `CaptchaValidationProvider`: flows may then declare `CaptchaInterceptor`, and
    /// `POST /__mock/captcha/token` issues the single-use tokens it verifies. Off by default, as
    /// on a server without a provider.
    pub fn fake_captcha(mut self) -> Self {
        self.fake_captcha = true;
        self
    }

    /// The fixture flows may declare only the interceptors this server registers (checked ones:
    /// an unchecked set fails at execution instead, as the server's graph builder does).
    pub(super) fn check_interceptors(&self, fixtures: &Fixtures) -> Result<(), FixtureError> {
        if self.unchecked {
            return Ok(());
        }
        crate::graph::check_interceptors(&fixtures.flows, self.fake_captcha)
            .map_err(|e| FixtureError::new("flows", format!("[{}] {}", e.index, e.field), e.reason))
    }
}
