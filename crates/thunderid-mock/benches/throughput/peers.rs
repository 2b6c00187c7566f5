//! The servers users would pick instead of the mock, run on the same box under the same load: axa's
//! `oauth2-mock-server` and panva's `oidc-provider`, installed from the npm registry into
//! `target/bench-peers` on first use (Node.js 20+ from PATH; `.ci/node-deps` provides one).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::Server;

/// A peer: how to start it and how to ask it for a client_credentials token.
#[derive(Debug, Clone, Copy)]
pub struct Peer {
    pub name: &'static str,
    script: &'static str,
    pub token_path: &'static str,
    pub client: (&'static str, &'static str),
    /// Form fields besides `grant_type`.
    pub extra: &'static [(&'static str, &'static str)],
}

pub const PEERS: [Peer; 2] = [
    Peer {
        name: "axa `oauth2-mock-server`",
        script: "axa.mjs",
        token_path: "/token",
        client: ("bench", "bench"),
        extra: &[],
    },
    Peer {
        name: "panva `oidc-provider` (JWT access tokens)",
        script: "panva.mjs",
        token_path: "/token",
        client: ("bench-m2m", "bench-m2m-secret"),
        extra: &[("scope", "api")],
    },
];

/// The versions installed; a later run reuses the install.
const PACKAGES: [&str; 2] = ["oauth2-mock-server@8", "oidc-provider@9"];

/// `target/bench-peers` with both packages and the two start scripts, or why not.
pub fn install(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("target/bench-peers");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    if !dir.join("node_modules/oidc-provider").is_dir()
        || !dir.join("node_modules/oauth2-mock-server").is_dir()
    {
        std::fs::write(
            dir.join("package.json"),
            r#"{"name":"bench-peers","private":true}"#,
        )
        .map_err(|e| e.to_string())?;
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
            .args(PACKAGES)
            .current_dir(&dir)
            .status()
            .map_err(|e| format!("npm: {e}"))?;
        if !status.success() {
            return Err(format!("npm install failed: {status}"));
        }
    }
    // Node resolves `import 'oidc-provider'` from the script's own folder.
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/throughput");
    for peer in PEERS {
        std::fs::copy(scripts.join(peer.script), dir.join(peer.script))
            .map_err(|e| e.to_string())?;
    }
    Ok(dir)
}

/// Start a peer; its first line ends with its URL.
pub fn spawn(dir: &Path, peer: &Peer) -> Server {
    let mut command = Command::new("node");
    command
        .arg(peer.script)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let (mut server, _) = super::spawn_command(command);
    // axa names its issuer `localhost`: use the address it bound.
    server.base = server.base.replace("//localhost:", "//127.0.0.1:");
    server
}
