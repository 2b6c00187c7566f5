//! Where scenarios run.

use std::sync::OnceLock;

use thunderid_mock::{MockServer, ServerVersion};

/// The server under test.
#[derive(Debug)]
pub enum Target {
    /// A fresh in-process mock, one per scenario.
    Embedded(MockServer),
    /// Any ThunderID-compatible server (`--server URL`). `control` says whether it serves the mock's
    /// control API (`/__mock/*`); scenarios tagged `@mock-only` need it.
    Remote { base_url: String, control: bool },
}

impl Target {
    pub fn base_url(&self) -> &str {
        match self {
            Self::Embedded(server) => server.base_url(),
            Self::Remote { base_url, .. } => base_url,
        }
    }

    pub fn has_control_api(&self) -> bool {
        match self {
            Self::Embedded(_) => true,
            Self::Remote { control, .. } => *control,
        }
    }
}

/// The remote server chosen on the command line, shared by every scenario of a run.
pub static REMOTE_SERVER: OnceLock<Option<RemoteServer>> = OnceLock::new();

/// A remote target as configured for the run.
#[derive(Debug, Clone)]
pub struct RemoteServer {
    pub base_url: String,
    pub control: bool,
}

impl RemoteServer {
    /// Probe `base_url` for the control API once, before the run.
    pub async fn probe(base_url: &str) -> anyhow::Result<Self> {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let client = reqwest::Client::builder()
            .danger_accept_invalid_certs(false)
            .build()?;
        let control = match client.get(format!("{base_url}/__mock/clock")).send().await {
            Ok(response) => response.status().is_success(),
            Err(_) => false,
        };
        Ok(Self { base_url, control })
    }
}

/// The release line the run targets (`--server-version`): what an embedded mock behaves as, and
/// which version-tagged scenarios (`@server-main`, `@server-1.0`) apply to a remote server.
pub static SERVER_VERSION: OnceLock<ServerVersion> = OnceLock::new();

/// The line of the run: `main` unless `--server-version` said otherwise.
pub fn server_version() -> ServerVersion {
    SERVER_VERSION.get().copied().unwrap_or_default()
}

/// The line a scenario's tags pin it to, if any.
pub fn pinned_version<'t>(tags: impl IntoIterator<Item = &'t String>) -> Option<ServerVersion> {
    tags.into_iter().find_map(|tag| match tag.as_str() {
        "server-main" => Some(ServerVersion::Main),
        "server-1.0" => Some(ServerVersion::V1_0),
        _ => None,
    })
}
