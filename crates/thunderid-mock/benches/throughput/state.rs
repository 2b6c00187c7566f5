//! No cliffs: flow starts and tokens as live state grows to a million entries. Executions grow
//! through the HTTP API of a fresh binary (the store's capacity and eviction are what is measured);
//! the deny list grows through the embedded handle's `revoke_token`, a million revocations in a
//! second, and every introspection consults it.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::wire::{Body, Conn};
use super::{client_credentials, flow_start, measure_once, stats};

/// Where the curves are sampled.
const CHECKPOINTS: [usize; 4] = [0, 10_000, 100_000, 1_000_000];
const WINDOW: Duration = Duration::from_secs(2);

/// The execution budget of that server, in MiB (`--executions-mib`): room for the million
/// executions and those the measuring windows add (about 1.5 KB each), so none is evicted.
const EXECUTIONS_MIB: &str = "3072";

pub async fn executions(client: &reqwest::Client, binary: &Path) -> String {
    let (server, _) = super::spawn_with(binary, &["--executions-mib", EXECUTIONS_MIB]);
    let base = server.base.clone();
    let pid = server.child.id();
    let mut out = format!(
        "## Live state: flow executions\n\nA server started with `--executions-mib {EXECUTIONS_MIB}`, so that more than a million live executions fit. For each checkpoint the state is reset and filled with that many unfinished app-native flow starts (Flow-Secret); then flow starts/s and client_credentials tokens/s over one window each at concurrency 64 (the window's own starts pile up too), with the server's CPU time per operation, the live count from `/__mock/stats` after both windows, and RSS.\n\n| live executions | flow starts/s | server CPU per flow start | tokens/s | server CPU per token | live after the windows | RSS |\n|---|---|---|---|---|---|---|\n",
    );
    for checkpoint in CHECKPOINTS {
        reset(client, &base).await;
        let filled = Instant::now();
        fill(&base, checkpoint).await;
        let filled = filled.elapsed();
        let live: Value = serde_json::from_str(&stats(client, &base).await).unwrap_or_default();
        assert_eq!(live["flowExecutions"], checkpoint, "{live}");
        let (starts, start_cpu) = window_with_cpu(pid, &base, flow_start).await;
        let (tokens, token_cpu) = window_with_cpu(pid, &base, client_credentials).await;
        let after: Value = serde_json::from_str(&stats(client, &base).await).unwrap_or_default();
        out.push_str(&format!(
            "| {checkpoint} | {starts:.0} | {start_cpu:.3} ms | {tokens:.0} | {token_cpu:.3} ms | {} | {:.0} MB |\n",
            after["flowExecutions"],
            super::rss_kib(pid) as f64 / 1024.0
        ));
        if checkpoint > 0 {
            eprintln!("{checkpoint} executions: filled in {filled:.1?}");
        }
    }
    out.push('\n');
    out
}

/// One window of `op` at concurrency 64 against the server `pid`: operations per second, and the
/// server's CPU milliseconds per operation.
async fn window_with_cpu<F, Fut>(pid: u32, base: &str, op: F) -> (f64, f64)
where
    F: Fn(Conn) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = Conn> + Send,
{
    let before = super::cpu_seconds(pid);
    let (rate, operations) = measure_once(base, 64, WINDOW, op).await;
    let spent = super::cpu_seconds(pid) - before;
    (rate, spent / operations.max(1) as f64 * 1000.0)
}

/// Start `n` app-native flows and leave them unfinished, from 64 connections.
async fn fill(base: &str, n: usize) {
    let tasks = 64.min(n.max(1));
    let mut handles = Vec::new();
    for i in 0..tasks {
        let share = n / tasks + usize::from(i < n % tasks);
        let mut conn = Conn::connect(base).await;
        handles.push(tokio::spawn(async move {
            for _ in 0..share {
                conn = flow_start(conn).await;
            }
        }));
    }
    for handle in handles {
        handle.await.expect("a fill task");
    }
}

async fn reset(client: &reqwest::Client, base: &str) {
    let response = client
        .post(format!("{base}/__mock/reset"))
        .send()
        .await
        .expect("reset");
    assert!(
        response.status().is_success(),
        "reset: {}",
        response.status()
    );
}

pub async fn deny_list() -> String {
    let server = thunderid_mock::MockServer::builder()
        .shared_runtime()
        .start_blocking()
        .expect("a mock");
    let base = server.base_url().to_owned();
    let token = server.mint_access_token("bench", "sample-m2m", &["openid"]);
    let mut out = String::from(
        "## Live state: revoked tokens\n\nAn embedded server (`shared_runtime`) whose deny list grows through `MockServer::revoke_token` (each entry live for an hour). At each checkpoint: introspections/s of a live access token (each one looks the token up on the deny list) and client_credentials tokens/s, one window each at concurrency 64.\n\n| revoked tokens | introspections/s | tokens/s |\n|---|---|---|\n",
    );
    let mut revoked = 0;
    for checkpoint in CHECKPOINTS {
        let until = server.now() + 3600;
        for i in revoked..checkpoint {
            server.revoke_token(&format!("bench-{i}"), until);
        }
        revoked = checkpoint;
        let form = format!("token={token}&token_type_hint=access_token");
        let (introspections, _) = measure_once(&base, 64, WINDOW, move |conn| {
            introspect(conn, form.clone())
        })
        .await;
        let (tokens, _) = measure_once(&base, 64, WINDOW, client_credentials).await;
        out.push_str(&format!(
            "| {revoked} | {introspections:.0} | {tokens:.0} |\n"
        ));
    }
    out.push('\n');
    out
}

/// Introspect a live access token (`form` names it); it must be active.
async fn introspect(mut conn: Conn, form: String) -> Conn {
    let reply = conn
        .send(
            "POST",
            "/oauth2/introspect",
            &[("Authorization", &super::ops::M2M_AUTH)],
            Body::Form(&form),
        )
        .await;
    assert_eq!(reply.status, 200, "introspection");
    let body: Value = serde_json::from_slice(&reply.body).expect("JSON");
    assert_eq!(body["active"], true, "{body}");
    conn
}
