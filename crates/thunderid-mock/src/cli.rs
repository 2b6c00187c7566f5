//! The `thunderid-mock` command line: parse, build the server, print what a developer needs, serve.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

use crate::config::{Limits, ServerVersion};
use crate::server::MockServerBuilder;
use crate::state::AppState;

/// A fast, offline, faithful stand-in for the ThunderID identity server.
#[derive(Debug, Parser)]
#[command(name = "thunderid-mock", version, about)]
pub struct Cli {
    /// Port to listen on.
    #[arg(long, default_value_t = 8090, env = "THUNDERID_MOCK_PORT")]
    pub port: u16,
    /// Address to bind. Anything but loopback exposes the mock (and its control API) to the network.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST), env = "THUNDERID_MOCK_BIND")]
    pub bind: IpAddr,
    /// A fixture directory (see the README); default: the bundled set.
    #[arg(long, env = "THUNDERID_MOCK_FIXTURES")]
    pub fixtures: Option<PathBuf>,
    /// Declarative resources to load at start: a YAML file, or a directory laid out as the
    /// server's `config/resources/` (`{{.NAME}}` is read from the environment).
    #[arg(long, env = "THUNDERID_MOCK_RESOURCES")]
    pub resources: Option<PathBuf>,
    /// A value for `{{.NAME}}` in `--resources`, over the environment: `NAME=VALUE` (a JSON array
    /// value is a list, for `{{range .NAME}}`). Repeatable.
    #[arg(long = "resource-variable", value_name = "NAME=VALUE", value_parser = parse_variable)]
    pub resource_variables: Vec<(String, String)>,
    /// Load `--resources` as stored resources the APIs can change (the server's `mutable` store
    /// mode) instead of read-only, as the server's default composite mode loads resource files.
    #[arg(long, env = "THUNDERID_MOCK_MUTABLE_RESOURCES")]
    pub mutable_resources: bool,
    /// A `.env` file of `NAME=VALUE` lines (what `export` writes) read as `--resource-variable`s.
    #[arg(long, value_name = "FILE")]
    pub resource_env: Option<PathBuf>,
    /// The externally visible base URL, used as issuer and in links (default: the bound address).
    #[arg(long, env = "THUNDERID_MOCK_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Serve HTTPS with a self-signed certificate for localhost, made at start.
    #[arg(long)]
    pub tls: bool,
    /// Do not serve the control API (`/__mock/*`).
    #[arg(long)]
    pub no_control: bool,
    /// The `Direct-Auth-Secret` the direct authentication API (`/auth/...`) and AuthZEN require
    /// (default: the fixtures' `server.json` `security.directAuthSecret`; empty refuses every call).
    #[arg(long, env = "THUNDERID_MOCK_DIRECT_AUTH_SECRET")]
    pub direct_auth_secret: Option<String>,
    /// A host HTTPRequestExecutor nodes may call besides loopback (`*`: any). Repeatable.
    #[arg(long = "http-executor-allow", value_name = "HOST")]
    pub http_executor_allow: Vec<String>,
    /// Plug in the fake captcha provider: flows may declare CaptchaInterceptor, and
    /// `POST /__mock/captcha/token` issues the tokens it verifies (off: such flows are refused,
    /// as on a server without a captcha provider).
    #[arg(long)]
    pub fake_captcha: bool,
    /// Once listening, write `{"baseUrl", "issuer", "localUrl", "port", "pid"}` (and
    /// `"tlsCertificate"` with `--tls`) as JSON to this file, whole, before the banner: how a
    /// launcher learns the port of `--port 0`.
    #[arg(long, env = "THUNDERID_MOCK_READY_FILE")]
    pub ready_file: Option<PathBuf>,
    /// Behave as this release line of the real server where it differs from `main`: `main` or
    /// `1.0` (the v1.0.x line the SDKs' end-to-end suites run; see the README).
    #[arg(long, default_value_t = ServerVersion::Main, env = "THUNDERID_MOCK_SERVER_VERSION")]
    pub server_version: ServerVersion,
    /// At most this many MiB of request journal (`/__mock/requests`); the oldest entries go first.
    #[arg(long, default_value_t = Limits::JOURNAL_BYTES >> 20, env = "THUNDERID_MOCK_JOURNAL_MIB")]
    pub journal_mib: usize,
    /// At most this many MiB of flow executions in progress; past it, expired ones are freed and
    /// then the soonest-expiring goes first.
    #[arg(long, default_value_t = Limits::EXECUTION_BYTES >> 20, env = "THUNDERID_MOCK_EXECUTIONS_MIB")]
    pub executions_mib: usize,
    /// At most this many MiB of SSO sessions; past it, expired ones are freed and then the
    /// soonest-expiring goes first.
    #[arg(long, default_value_t = Limits::SESSION_BYTES >> 20, env = "THUNDERID_MOCK_SESSIONS_MIB")]
    pub sessions_mib: usize,
    /// At most this many MiB of outbox messages (`/__mock/outbox`); the oldest go first.
    #[arg(long, default_value_t = Limits::OUTBOX_BYTES >> 20, env = "THUNDERID_MOCK_OUTBOX_MIB")]
    pub outbox_mib: usize,
    /// At most this many MiB of users before self-registration and a user's own growing update are
    /// refused (what an administrator adds counts but is never refused).
    #[arg(long, default_value_t = Limits::USER_BYTES >> 20, env = "THUNDERID_MOCK_USERS_MIB")]
    pub users_mib: usize,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a new RSA-2048 signing key and its self-signed certificate into a fixture directory.
    Keygen {
        /// Directory to write `signing-key.pem` and `signing-cert.pem` into.
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// Print the state the mock starts with (`--fixtures`, `--resources`) as the declarative
    /// documents `POST /export` writes, or write them under `--out` laid out as the server's
    /// `config/resources/` plus `.env` (load them back with `--resources DIR --resource-env
    /// DIR/.env`).
    Export {
        /// Directory to write one file per document into (per-kind subdirectories) and `.env`.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Exit 0 if the mock on this machine's `--port` answers 200 on `/health/readiness` (plain
    /// HTTP): a container health check that needs no curl.
    Healthcheck,
}

impl Cli {
    /// Run the command until Ctrl-C or SIGTERM.
    pub async fn run(self) -> Result<()> {
        match &self.command {
            Some(Command::Keygen { out }) => return keygen(out),
            Some(Command::Healthcheck) => return healthcheck(self.local_addr(self.port)),
            Some(Command::Export { out }) => return self.export(out.as_deref()),
            None => {}
        }
        if let Some(warning) = exposure_warning(self.bind) {
            tracing::warn!(bind = %self.bind, "{warning}");
            eprintln!("warning: {warning}");
        }
        let addr = SocketAddr::new(self.bind, self.port);
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot bind {addr}"))?;
        let local = listener.local_addr()?;
        let scheme = if self.tls { "https" } else { "http" };
        // A wildcard bind (a container's 0.0.0.0) is no address to put in an issuer: default to
        // localhost, right for `docker run -p 8090:8090`; `--public-url` covers everything else.
        let host = if (self.bind.is_loopback() && self.tls) || self.bind.is_unspecified() {
            format!("localhost:{}", local.port())
        } else {
            local.to_string()
        };
        let mut builder = self.sources()?;
        if let Some(url) = &self.public_url {
            builder = builder.public_url(url.clone());
        }
        if self.no_control {
            builder = builder.no_control();
        }
        for host in &self.http_executor_allow {
            builder = builder.http_executor_allow(host.clone());
        }
        if self.fake_captcha {
            builder = builder.fake_captcha();
        }
        builder = builder
            .server_version(self.server_version)
            .journal_bytes(self.journal_mib.saturating_mul(1 << 20))
            .execution_bytes(self.executions_mib.saturating_mul(1 << 20))
            .session_bytes(self.sessions_mib.saturating_mul(1 << 20))
            .outbox_bytes(self.outbox_mib.saturating_mul(1 << 20))
            .user_bytes(self.users_mib.saturating_mul(1 << 20));
        let state = builder
            .build_state(&format!("{scheme}://{host}"))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let tls = if self.tls {
            Some(crate::tls::self_signed_for_localhost()?)
        } else {
            None
        };
        // The ready file comes before the banner: who has read the banner can read the file.
        if let Some(path) = &self.ready_file {
            let local_url = format!("{scheme}://{}", self.local_addr(local.port()));
            let cert = tls.as_ref().map(|t| t.cert_path.as_path());
            write_ready_file(path, &state, &local_url, local.port(), cert)?;
        }
        print_banner(&state, tls.as_ref().map(|t| &t.cert_path));
        match tls {
            Some(tls) => {
                crate::tls::serve_tls(listener, state, tls.acceptor, shutdown_signal()).await?
            }
            None => crate::server::serve(listener, state, shutdown_signal()).await?,
        }
        Ok(())
    }

    /// The builder with the fixtures and declarative resources (and their variables) given.
    fn sources(&self) -> Result<MockServerBuilder> {
        let mut builder = MockServerBuilder::default();
        if let Some(dir) = &self.fixtures {
            builder = builder.fixtures_dir(dir);
        }
        if let Some(secret) = &self.direct_auth_secret {
            builder = builder.direct_auth_secret(secret.clone());
        }
        if let Some(path) = &self.resources {
            builder = builder.resources(path);
        }
        if self.mutable_resources {
            builder = builder.mutable_resources();
        }
        if let Some(path) = &self.resource_env {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            for line in text
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            {
                let (name, value) =
                    parse_variable(line).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                builder = builder.resource_variable(name, value);
            }
        }
        for (name, value) in &self.resource_variables {
            builder = builder.resource_variable(name.clone(), value.clone());
        }
        Ok(builder)
    }

    /// `export`: the start state as `/export` writes it, printed or written under `out`.
    fn export(&self, out: Option<&Path>) -> Result<()> {
        let base = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://localhost:{}", self.port));
        // The whole state, the resource files included: read-only resources would be left out
        // of a `["*"]` export, as the server's exporters leave them out.
        let state = self
            .sources()?
            .mutable_resources()
            .server_version(self.server_version)
            .build_state(&base)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let export = crate::service::export::everything(&state)
            .map_err(|_| anyhow::anyhow!("nothing to export"))?;
        let Some(out) = out else {
            let response = export.response();
            print!("{}", response.resources);
            if !response.environment_variables.is_empty() {
                // A comment-only document: the printed text still imports as it is.
                println!("\n---\n# .env");
                for line in response.environment_variables.lines() {
                    println!("# {line}");
                }
            }
            return Ok(());
        };
        let mut written = std::collections::BTreeSet::new();
        for file in &export.files {
            let dir = out.join(crate::service::import::declarative::kind_dir(file.kind));
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let stem = file.file_name.trim_end_matches(".yaml");
            let mut path = dir.join(&file.file_name);
            for i in 2.. {
                if written.insert(path.clone()) {
                    break;
                }
                path = dir.join(format!("{stem}_{i}.yaml"));
            }
            std::fs::write(&path, &file.content)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
        std::fs::write(out.join(".env"), &export.env)
            .with_context(|| format!("cannot write {}", out.join(".env").display()))?;
        println!(
            "wrote {} documents and .env to {}",
            export.files.len(),
            out.display()
        );
        Ok(())
    }

    /// The address a process on this machine reaches the mock at (loopback for a wildcard bind).
    fn local_addr(&self, port: u16) -> SocketAddr {
        let ip = match self.bind {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        SocketAddr::new(ip, port)
    }
}

/// The warning printed when the mock is bound beyond loopback: it has a control API and accepts
/// known passwords, so it must not be reachable from a network by accident.
/// `NAME=VALUE`.
fn parse_variable(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("expected NAME=VALUE, got {text:?}")),
    }
}

pub fn exposure_warning(bind: IpAddr) -> Option<String> {
    (!bind.is_loopback()).then(|| {
        format!("--bind {bind} exposes the mock (its fixture passwords and its control API) beyond this machine")
    })
}

fn keygen(out: &std::path::Path) -> Result<()> {
    let (key, cert) = crate::tokens::generate_signing_key("thunderid-mock signing key")?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let key_path = out.join("signing-key.pem");
    let cert_path = out.join("signing-cert.pem");
    std::fs::write(&key_path, key)
        .with_context(|| format!("cannot write {}", key_path.display()))?;
    std::fs::write(&cert_path, cert)
        .with_context(|| format!("cannot write {}", cert_path.display()))?;
    println!("wrote {} and {}", key_path.display(), cert_path.display());
    Ok(())
}

/// `--ready-file`: the file a launcher waits for, written whole and then renamed into place, so a
/// reader never sees half of it.
fn write_ready_file(
    path: &Path,
    state: &AppState,
    local_url: &str,
    port: u16,
    tls_certificate: Option<&Path>,
) -> Result<()> {
    let mut ready = serde_json::json!({
        "baseUrl": state.config().base_url,
        "issuer": state.config().issuer,
        "localUrl": local_url,
        "port": port,
        "pid": std::process::id(),
    });
    if let Some(cert) = tls_certificate {
        ready["tlsCertificate"] = cert.display().to_string().into();
    }
    let partial = path.with_file_name(format!(
        ".{}.partial",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("ready")
    ));
    std::fs::write(&partial, format!("{ready}\n"))
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))
}

/// `healthcheck`: one plain HTTP/1.0 request to `/health/readiness`, with short timeouts.
fn healthcheck(addr: SocketAddr) -> Result<()> {
    use std::io::{Read, Write};
    let timeout = Duration::from_secs(2);
    let mut stream = std::net::TcpStream::connect_timeout(&addr, timeout)
        .with_context(|| format!("cannot connect to {addr}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.write_all(b"GET /health/readiness HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
    let mut status_line = [0u8; 12];
    stream
        .read_exact(&mut status_line)
        .context("no HTTP answer")?;
    match &status_line {
        [
            b'H',
            b'T',
            b'T',
            b'P',
            b'/',
            _,
            _,
            _,
            b' ',
            b'2',
            b'0',
            b'0',
        ] => Ok(()),
        other => bail!("not ready: {}", String::from_utf8_lossy(other).trim_end()),
    }
}

fn print_banner(state: &AppState, cert_path: Option<&PathBuf>) {
    let base = &state.config().base_url;
    println!("thunderid-mock listening on {base}");
    println!("  discovery: {base}/.well-known/openid-configuration");
    println!("  issuer:    {}", state.config().issuer);
    if state.config().version != ServerVersion::Main {
        println!("  behaves as ThunderID {}", state.config().version);
    }
    if state.config().control_enabled {
        println!("  control:   {base}/__mock/ (reset, clock, requests, outbox)");
    }
    if let Some(path) = cert_path {
        println!("  TLS certificate: {}", path.display());
        println!(
            "    trust it instead of disabling TLS checks, e.g. NODE_EXTRA_CA_CERTS={}",
            path.display()
        );
    }
    println!();
    println!(
        "  {:<16} {:<38} {:<10} {:<14} SECRET",
        "APPLICATION", "APPLICATION ID", "TYPE", "CLIENT ID"
    );
    for app in &state.fixtures().applications {
        let (client_id, secret) = match &app.oauth {
            Some(o) => (
                o.client_id.as_str(),
                o.client_secret.as_deref().unwrap_or("(public)"),
            ),
            None => (
                "-",
                app.flow_secret.as_deref().map_or("-", |_| "(Flow-Secret)"),
            ),
        };
        println!(
            "  {:<16} {:<38} {:<10} {:<14} {}",
            app.name,
            app.id,
            app.kind.to_string(),
            client_id,
            secret
        );
    }
    println!();
    println!("  {:<16} {:<38} EMAIL", "USER", "USER ID");
    for user in &state.fixtures().users {
        let attr = |name: &str| {
            user.attributes
                .get(name)
                .and_then(|v| v.as_str())
                .unwrap_or("-")
                .to_owned()
        };
        println!(
            "  {:<16} {:<38} {}",
            attr("username"),
            user.id,
            attr("email")
        );
    }
    println!();
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_non_loopback_binds_warn() {
        assert_eq!(exposure_warning("127.0.0.1".parse().unwrap()), None);
        assert_eq!(exposure_warning("::1".parse().unwrap()), None);
        assert_eq!(
            exposure_warning("0.0.0.0".parse().unwrap()).as_deref(),
            Some(
                "--bind 0.0.0.0 exposes the mock (its fixture passwords and its control API) beyond this machine"
            )
        );
    }

    #[test]
    fn the_defaults_are_loopback_port_8090_with_the_control_api() {
        let cli = Cli::try_parse_from(["thunderid-mock"]).unwrap();
        assert_eq!(
            (cli.bind, cli.port, cli.tls, cli.no_control),
            (IpAddr::V4(Ipv4Addr::LOCALHOST), 8090, false, false)
        );
        assert_eq!(cli.server_version, ServerVersion::Main);
    }

    #[test]
    fn the_release_line_is_chosen_by_name() {
        let cli = Cli::try_parse_from(["thunderid-mock", "--server-version", "1.0"]).unwrap();
        assert_eq!(cli.server_version, ServerVersion::V1_0);
        assert!(Cli::try_parse_from(["thunderid-mock", "--server-version", "0.9"]).is_err());
    }
}
