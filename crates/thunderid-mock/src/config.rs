//! [`ServerConfig`]: the settings fixed when a server starts, before any fixture is read.

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
