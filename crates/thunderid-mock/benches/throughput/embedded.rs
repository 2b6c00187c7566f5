//! Many embedded servers in one process: start time, RSS and threads, with a thread and runtime per
//! server (the default) and on the shared runtime. Each case runs in a fresh child process (this
//! bench binary with `--embedded <how> <count>`), so one case's freed pages do not flatter the next.

use std::process::Command;
use std::time::Instant;

use thunderid_mock::MockServer;

/// One case's figures, as the child prints them.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub servers: usize,
    /// From the first builder to the last server's first 200 from discovery.
    pub start_ms: f64,
    /// The process before any server, and with every server up and answered.
    pub rss_before_kib: u64,
    pub rss_after_kib: u64,
    pub threads: u64,
}

/// Run one case in a child process.
pub fn measure(how: &str, servers: usize) -> Figures {
    let output = Command::new(std::env::current_exe().expect("this bench"))
        .args(["--embedded", how, &servers.to_string()])
        .output()
        .expect("the embedded-servers child");
    assert!(output.status.success(), "embedded child failed: {output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    let numbers: Vec<f64> = text
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(numbers.len(), 4, "child output {text}");
    Figures {
        servers,
        start_ms: numbers[0],
        rss_before_kib: numbers[1] as u64,
        rss_after_kib: numbers[2] as u64,
        threads: numbers[3] as u64,
    }
}

/// The child: start `servers` servers (`dedicated` or `shared`), ask each for discovery, print
/// `start_ms rss_before rss_after threads`.
pub fn child(how: &str, servers: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = reqwest::Client::new();
    let rss_before = super::rss_kib(std::process::id());
    let started = Instant::now();
    let handles: Vec<MockServer> = (0..servers)
        .map(|_| {
            let builder = MockServer::builder();
            let builder = if how == "shared" {
                builder.shared_runtime()
            } else {
                builder
            };
            builder.start_blocking().expect("a server")
        })
        .collect();
    runtime.block_on(async {
        for server in &handles {
            let url = format!("{}/.well-known/openid-configuration", server.base_url());
            let response = client.get(url).send().await.expect("discovery");
            assert_eq!(response.status(), 200);
        }
    });
    let start_ms = started.elapsed().as_secs_f64() * 1000.0;
    let rss_after = super::rss_kib(std::process::id());
    let threads = super::proc_status_field(std::process::id(), "Threads:");
    println!("{start_ms:.1} {rss_before} {rss_after} {threads}");
}

/// The section: both ways of running `servers` servers, each in a fresh process.
pub fn report(servers: usize) -> String {
    use super::{TARGET_EMBEDDED_RSS_MB, TARGET_EMBEDDED_START_MS};
    let mut out = format!(
        "## {servers} embedded servers in one process\n\nEach case in a fresh process: `MockServer::builder()…start_blocking()` {servers} times, then one discovery request to each. Targets: all answered in < {TARGET_EMBEDDED_START_MS:.0} ms, the process under {TARGET_EMBEDDED_RSS_MB:.0} MB.\n\n| runtime | start of all {servers} | per server | process RSS | RSS per server | threads |\n|---|---|---|---|---|---|\n"
    );
    for (name, how) in [
        (
            "`.shared_runtime()`: one two-worker runtime for all",
            "shared",
        ),
        (
            "default: a thread and a two-worker runtime each",
            "dedicated",
        ),
    ] {
        let f = measure(how, servers);
        out.push_str(&format!(
            "| {name} | {:.0} ms | {:.1} ms | {:.1} MB | {:.2} MB | {} |\n",
            f.start_ms,
            f.start_ms / f.servers as f64,
            f.rss_after_kib as f64 / 1024.0,
            (f.rss_after_kib - f.rss_before_kib.min(f.rss_after_kib)) as f64
                / 1024.0
                / f.servers as f64,
            f.threads
        ));
    }
    out
}
