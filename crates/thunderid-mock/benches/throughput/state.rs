//! No cliffs: flow starts and tokens as live state grows to a million entries. Executions grow
//! through the HTTP API of a fresh binary (the store's capacity and eviction are what is measured);
//! the deny list grows through the embedded handle's `revoke_token`, a million revocations in a
//! second, and every introspection consults it.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::wire::{Body, Conn};
use super::{client_credentials, create_executions, flow_start, measure_once, stats};

/// Where the curves are sampled.
const CHECKPOINTS: [usize; 4] = [0, 10_000, 100_000, 1_000_000];
const WINDOW: Duration = Duration::from_secs(2);

/// The execution budget of that server, in MiB (`--executions-mib`): room for the million
/// executions and those the measuring windows add (about 1.5 KB each), so none is evicted.
const EXECUTIONS_MIB: &str = "3072";

pub async fn executions(client: &reqwest::Client, binary: &Path) -> String {
    let (server, _) = super::spawn_with(binary, &["--executions-mib", EXECUTIONS_MIB]);
    let base = server.base.clone();
    let mut out = format!(
        "## Live state: flow executions\n\nA fresh server started with `--executions-mib {EXECUTIONS_MIB}`, so that a million live executions fit; flow starts (app-native, Flow-Secret) pile up unfinished executions. At each checkpoint: flow starts/s and client_credentials tokens/s over one window at concurrency 64, the live count from `/__mock/stats`, and RSS.\n\n| flow starts made | flow starts/s | tokens/s | live executions | RSS |\n|---|---|---|---|---|\n",
    );
    let mut made = 0;
    for checkpoint in CHECKPOINTS {
        let filled = Instant::now();
        made += create_executions(client, &base, checkpoint.saturating_sub(made)).await;
        let filled = filled.elapsed();
        let starts = measure_once(&base, 64, WINDOW, flow_start).await;
        let tokens = measure_once(&base, 64, WINDOW, client_credentials).await;
        let live: Value = serde_json::from_str(&stats(client, &base).await).unwrap_or_default();
        out.push_str(&format!(
            "| {made} | {starts:.0} | {tokens:.0} | {} | {:.0} MB |\n",
            live["flowExecutions"],
            super::rss_kib(server.child.id()) as f64 / 1024.0
        ));
        if checkpoint > 0 {
            eprintln!("{checkpoint} executions: filled in {filled:.1?}");
        }
    }
    out.push('\n');
    out
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
        let introspections = measure_once(&base, 64, WINDOW, move |conn| {
            introspect(conn, form.clone())
        })
        .await;
        let tokens = measure_once(&base, 64, WINDOW, client_credentials).await;
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
            &[("Authorization", &super::M2M_AUTH)],
            Body::Form(&form),
        )
        .await;
    assert_eq!(reply.status, 200, "introspection");
    let body: Value = serde_json::from_slice(&reply.body).expect("JSON");
    assert_eq!(body["active"], true, "{body}");
    conn
}
