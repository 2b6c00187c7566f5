//! [`ServerConfig`]: the settings fixed when a server starts, before any fixture is read, and
//! [`ServerVersion`], the release line of the real server the mock behaves as.

use std::fmt;
use std::str::FromStr;

/// How a server is reached and what it serves.
#[derive(Debug, Clone)]
pub(crate) struct ServerConfig {
    /// The externally visible base URL, without a trailing slash (`--public-url`, else the bound
    /// address). Links in discovery and redirects are built from it.
    pub base_url: String,
    /// The `iss` of every token; equals `base_url` unless set explicitly.
    pub issuer: String,
    /// Whether `/__mock/*` is served.
    pub control_enabled: bool,
    /// The release line the mock behaves as.
    pub version: ServerVersion,
    /// How much memory the journal and the execution store may hold.
    pub limits: Limits,
    /// Hosts HTTPRequestExecutor may call besides loopback (`--http-executor-allow`; `*`: any).
    pub http_executor_allow: Vec<String>,
    /// Whether `--resources` documents load read-only, as the server's composite store mode
    /// loads `config/resources/` (`--mutable-resources` turns it off).
    pub read_only_resources: bool,
    /// Whether the fake captcha provider is plugged in (`--fake-captcha`, the builder's
    /// `fake_captcha`): the server registers CaptchaInterceptor only when its embedding
    /// application supplies a `CaptchaValidationProvider`, so without it a flow naming the
    /// interceptor is refused, as on a default server.
    pub fake_captcha: bool,
}

/// Memory budgets, in bytes (`--journal-mib`, `--executions-mib`, `--sessions-mib`,
/// `--outbox-mib`, `--users-mib`; the builder's `journal_bytes`, `execution_bytes`,
/// `session_bytes`, `outbox_bytes` and `user_bytes`). Whatever clients send, the journal, the flow
/// executions, the SSO sessions and the outbox stay within them; past a budget the oldest journal
/// entries and outbox messages, and the soonest-expiring executions and sessions (expired ones
/// first), go first. Users are never evicted: past their budget, what a client without an
/// administrator's token would add is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub journal_bytes: usize,
    pub execution_bytes: usize,
    pub session_bytes: usize,
    pub outbox_bytes: usize,
    pub user_bytes: usize,
}

impl Limits {
    /// 16 MiB of journal.
    pub(crate) const JOURNAL_BYTES: usize = 16 << 20;
    /// 48 MiB of executions: some 30,000 sign-ins in progress.
    pub(crate) const EXECUTION_BYTES: usize = 48 << 20;
    /// 16 MiB of SSO sessions: some 25,000 signed-in browsers.
    pub(crate) const SESSION_BYTES: usize = 16 << 20;
    /// 4 MiB of outbox: some 5,000 OTP and link messages.
    pub(crate) const OUTBOX_BYTES: usize = 4 << 20;
    /// 32 MiB of users before self-registration stops: some 50,000 registered users.
    pub(crate) const USER_BYTES: usize = 32 << 20;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            journal_bytes: Self::JOURNAL_BYTES,
            execution_bytes: Self::EXECUTION_BYTES,
            session_bytes: Self::SESSION_BYTES,
            outbox_bytes: Self::OUTBOX_BYTES,
            user_bytes: Self::USER_BYTES,
        }
    }
}

impl ServerConfig {
    /// An absolute URL on this server for `path` (which starts with `/`).
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Whether the server is reached over HTTPS (cookies get `Secure`).
    pub(crate) fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// Which line of the real server the mock follows (`--server-version`, the builder's
/// `server_version`). The mock follows `main` (thunder-id/thunderid 4e69e01); `V1_0` is the
/// v1.0.0 release (757b5ff), which the SDKs' own end-to-end suites run. Where the two differ, the
/// README lists each difference with the server commit it comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServerVersion {
    /// The `main` branch: the default.
    #[default]
    Main,
    /// The v1.0.x release line, as tagged `v1.0.0`.
    V1_0,
}

impl ServerVersion {
    /// The name `--server-version` takes: `main` or `1.0`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Main => "main",
            Self::V1_0 => "1.0",
        }
    }

    /// Whether this is the v1.0.x line.
    pub(crate) fn is_v1_0(self) -> bool {
        self == Self::V1_0
    }
}

impl fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `--server-version` value that names no known line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown server version {0:?}: expected `main` or `1.0`")]
pub struct UnknownServerVersion(String);

impl FromStr for ServerVersion {
    type Err = UnknownServerVersion;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "main" => Ok(Self::Main),
            "1.0" | "1.0.0" | "v1.0" | "v1.0.0" | "1.0.x" => Ok(Self::V1_0),
            other => Err(UnknownServerVersion(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_by_their_release_names() {
        assert_eq!("main".parse(), Ok(ServerVersion::Main));
        for name in ["1.0", "1.0.0", "v1.0.0", "1.0.x"] {
            assert_eq!(name.parse(), Ok(ServerVersion::V1_0), "{name}");
        }
        assert!("2.0".parse::<ServerVersion>().is_err());
        assert_eq!(ServerVersion::V1_0.to_string(), "1.0");
    }
}
