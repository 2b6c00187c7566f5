//! `cargo xtask bench` (= `cargo bench -p thunderid-mock --bench throughput`): start-up, the RSA
//! signing bound, token issuance and full sign-in throughput of the release binary against that
//! bound and against the Node.js peers users would pick instead, many embedded servers in one
//! process, flow start and token throughput as live state grows, and memory. Writes
//! `BENCHMARKS.md` at the workspace root. Speed targets live here, never in tests.
//!
//! `THUNDERID_BENCH_SECTIONS=signin,state cargo bench -p thunderid-mock --bench throughput` runs only
//! those sections (see [`Sections`]) and prints their report without writing `BENCHMARKS.md`.
//!
//! Every figure is the median of at least five runs. Load comes from this process over loopback; the
//! servers are separate processes (the real `thunderid-mock` binary, the peers under Node), so their
//! RSS can be read. On a shared machine figures move with the load: each section prints the load
//! average, and the ratios that matter are taken within the same run.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ops::{client_credentials, direct_sign_in, flow_start, peer_token, redirect_sign_in};
use serde_json::json;
use wire::Conn;

#[path = "throughput/embedded.rs"]
mod embedded;
#[path = "throughput/ops.rs"]
mod ops;
#[path = "throughput/peers.rs"]
mod peers;
#[path = "throughput/signing.rs"]
mod signing;
#[path = "throughput/state.rs"]
mod state;
#[path = "throughput/tried.rs"]
mod tried;
#[path = "throughput/wire.rs"]
mod wire;

const RUNS: usize = 5;
const WINDOW: Duration = Duration::from_secs(2);
const SIGNATURES_PER_REDIRECT_SIGN_IN: f64 = 4.0; // assertion, access token, ID token, refresh token
const SIGNATURES_PER_DIRECT_SIGN_IN: f64 = 1.0; // the flow assertion
const SPA: &str = "sample-spa";
const NATIVE_APP: &str = "01900000-0000-7000-8000-0000000000a3";
const NATIVE_SECRET: &str = "sample-native-flow-secret";

/// Targets (issue 23): the signer per core against `openssl speed`; client_credentials and sign-ins
/// against the all-core OpenSSL bound; 100 embedded servers.
const TARGET_SIGNER_PER_CORE: f64 = 0.95;
const TARGET_CLIENT_CREDENTIALS: f64 = 0.75;
const TARGET_SIGN_INS: f64 = 0.70;
const EMBEDDED_SERVERS: usize = 100;
const TARGET_EMBEDDED_START_MS: f64 = 1000.0;
const TARGET_EMBEDDED_RSS_MB: f64 = 200.0;

/// The section of BENCHMARKS.md that this benchmark does not write: it and everything after it
/// (figures from `cargo xtask npm-e2e` and from cold builds) are kept.
const DISTRIBUTION_HEADING: &str = "## Distribution";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // The embedded-servers case runs in a child process of this binary.
    if let [_, flag, how, count, ..] = args.as_slice()
        && flag == "--embedded"
    {
        embedded::child(how, count.parse().expect("a count"));
        return;
    }
    // `cargo bench` passes `--bench`; `--quick` skips the million-entry state runs.
    let quick = args.iter().any(|a| a == "--quick");
    let sections = Sections::from_env();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_thunderid-mock"));
    // One worker: the load generator needs a fraction of a core (its CPU per operation is in the
    // tables), and a second worker only preempts the server's two on the same cores.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let mut report = runtime.block_on(run(&binary, &root, quick, &sections));
    if !sections.is_full() {
        // A partial run is for iterating: it prints, and BENCHMARKS.md stays the full run's.
        println!("{report}");
        return;
    }
    let path = root.join("BENCHMARKS.md");
    if let Ok(previous) = std::fs::read_to_string(&path)
        && let Some(at) = previous.find(DISTRIBUTION_HEADING)
    {
        report.push('\n');
        report.push_str(&previous[at..]);
    }
    std::fs::write(&path, &report).expect("write BENCHMARKS.md");
    println!("{report}\nwrote {}", path.display());
}

/// Which sections run: all of them (and BENCHMARKS.md is written), or those named in
/// `THUNDERID_BENCH_SECTIONS` (comma-separated: `startup`, `signing`, `tokens`, `signin`,
/// `embedded`, `state`, `memory`), whose report is only printed.
#[derive(Debug)]
struct Sections(Option<Vec<String>>);

impl Sections {
    const NAMES: [&str; 7] = [
        "startup", "signing", "tokens", "signin", "embedded", "state", "memory",
    ];

    fn from_env() -> Self {
        let Ok(list) = std::env::var("THUNDERID_BENCH_SECTIONS") else {
            return Self(None);
        };
        let names: Vec<String> = list
            .split(',')
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .collect();
        for name in &names {
            assert!(
                Self::NAMES.contains(&name.as_str()),
                "THUNDERID_BENCH_SECTIONS: unknown section {name:?} (known: {})",
                Self::NAMES.join(", ")
            );
        }
        Self(Some(names))
    }

    fn wants(&self, name: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|names| names.iter().any(|n| n == name))
    }

    fn is_full(&self) -> bool {
        self.0.is_none()
    }
}

#[derive(Debug)]
pub struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Exec the binary on a free port and wait for the line that names its URL.
fn spawn(binary: &Path) -> (Server, Instant) {
    spawn_with(binary, &[])
}

/// [`spawn`] with more command-line options.
fn spawn_with(binary: &Path, options: &[&str]) -> (Server, Instant) {
    let mut command = Command::new(binary);
    command
        .args(["--port", "0"])
        .args(options)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    spawn_command(command)
}

/// Start `command` and wait for its first line, which ends with its URL.
fn spawn_command(mut command: Command) -> (Server, Instant) {
    use std::io::{BufRead, BufReader};
    let started = Instant::now();
    let mut child = command.spawn().expect("spawn a server");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a banner line").expect("readable");
    let base = first.rsplit(' ').next().expect("a URL").to_owned();
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (Server { child, base }, started)
}

async fn run(binary: &Path, root: &Path, quick: bool, sections: &Sections) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(128)
        .build()
        .expect("client");
    let mut out = String::new();
    out.push_str("# Benchmarks\n\n");
    out.push_str(&format!(
        "Produced by `cargo xtask bench` (`cargo bench -p thunderid-mock --bench throughput`) on {}; load average (1 min) {} when it started.\n\n",
        machine(),
        load()
    ));
    out.push_str(&format!(
        "Each figure is the median of {RUNS} runs; throughput windows are {} s. The load average after each section is printed with it: other work on the same cores lowers absolute figures, so compare the ratios, which are taken within one run. Server CPU per operation (user + system time of the server process over all runs ÷ operations) does not move with other work on the machine the way rates do.\n\n",
        WINDOW.as_secs()
    ));

    // 1. Start-up.
    if sections.wants("startup") {
        out.push_str(&startup(&client, binary).await);
    }

    // 2. The bound, and the signer against it. Without this section no share of the bound is
    // printed (the CPU time per operation still is).
    let bound = if sections.wants("signing") {
        let bound = signing::measure();
        out.push_str(&signing::report(&bound));
        out.push_str(&format!("Load average after this section: {}.\n\n", load()));
        Some(bound.openssl_all)
    } else {
        None
    };

    // 3. Token issuance, the mock and its peers; 4. full sign-ins, on the same server.
    let (server, _) = spawn(binary);
    if sections.wants("tokens") {
        out.push_str(&token_issuance(root, &server, bound).await);
    }
    if sections.wants("signin") {
        out.push_str(&sign_ins(&server, bound).await);
    }

    // 5. Embedded servers.
    if sections.wants("embedded") {
        out.push_str(&embedded::report(EMBEDDED_SERVERS));
        out.push_str(&format!(
            "\nLoad average after this section: {}.\n\n",
            load()
        ));
    }

    // 6. Live state: no cliffs.
    if !quick && sections.wants("state") {
        out.push_str(&state::executions(&client, binary).await);
        out.push_str(&state::deny_list().await);
        out.push_str(&format!("Load average after this section: {}.\n\n", load()));
    }

    // 7. Memory.
    if sections.wants("memory") {
        out.push_str(&memory(&client, &server).await);
    }
    if sections.is_full() {
        out.push_str(tried::WHAT_WAS_TRIED);
    }
    out
}

/// Exec of the release binary to its first answer.
async fn startup(client: &reqwest::Client, binary: &Path) -> String {
    let mut startups = Vec::new();
    for _ in 0..RUNS.max(7) {
        let (server, started) = spawn(binary);
        let url = format!("{}/.well-known/openid-configuration", server.base);
        let response = client.get(&url).send().await.expect("discovery");
        assert_eq!(response.status(), 200, "discovery answered");
        startups.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    format!(
        "## Start-up\n\n| figure | median | target |\n|---|---|---|\n| exec of the release binary → first 200 from discovery | {:.1} ms | < 50 ms |\n\n",
        median(&mut startups)
    )
}

/// `rate` as a share of the bound, or a dash when the bound was not measured.
fn share(rate: f64, bound: Option<f64>) -> String {
    bound.map_or_else(|| "—".to_owned(), |b| format!("{:.0} %", rate / b * 100.0))
}

/// client_credentials from the mock at three concurrencies, then from the Node.js peers.
async fn token_issuance(root: &Path, server: &Server, bound: Option<f64>) -> String {
    let mut out = String::from("## Token issuance (client_credentials)\n\n");
    out.push_str(&format!(
        "Share of the bound = tokens/s ÷ `openssl speed -multi {n}` ({}, measured above). Target for the mock at concurrency 64: ≥ {:.0} %.\n\n",
        bound.map_or_else(|| "not measured in this run".to_owned(), |b| format!("{b:.0} signatures/s")),
        TARGET_CLIENT_CREDENTIALS * 100.0,
        n = cores()
    ));
    out.push_str("| server | concurrency | tokens/s | share of the bound | server CPU per token | load generator CPU per token | the mock ÷ this |\n|---|---|---|---|---|---|---|\n");
    let mut mock_64 = 0.0;
    for concurrency in [1, 8, 64] {
        let (rate, cpu, load_cpu) = measure_with_cpu(server, concurrency, client_credentials).await;
        mock_64 = rate;
        out.push_str(&format!(
            "| thunderid-mock | {concurrency} | {rate:.0} | {} | {cpu} | {load_cpu} | |\n",
            share(rate, bound)
        ));
    }
    match peers::install(root) {
        Ok(dir) => {
            for peer in &peers::PEERS {
                let peer_server = peers::spawn(&dir, peer);
                let peer = *peer;
                let (rate, cpu, load_cpu) =
                    measure_with_cpu(&peer_server, 64, move |conn| peer_token(conn, peer)).await;
                out.push_str(&format!(
                    "| {} | 64 | {rate:.0} | {} | {cpu} | {load_cpu} | {:.2}× |\n",
                    peer.name,
                    share(rate, bound),
                    mock_64 / rate
                ));
            }
        }
        Err(why) => out.push_str(&format!(
            "| the Node.js peers | | not run: {why} | | | | |\n"
        )),
    }
    out.push_str(&format!(
        "\nEach server signs an RS256 JWT access token per request with a 2048-bit key; the Node.js peers run on one thread, as Node does. Load average after this section: {}.\n\n",
        load()
    ));
    out
}

/// The two sign-ins at concurrency 64, against the bound per signature.
async fn sign_ins(server: &Server, bound: Option<f64>) -> String {
    let redirect = measure_with_cpu(server, 64, redirect_sign_in).await;
    let direct = measure_with_cpu(server, 64, direct_sign_in).await;
    let mut out = String::from("## Full sign-in throughput (concurrency 64)\n\n");
    out.push_str(&format!(
        "Share of the bound = sign-ins/s × signatures per sign-in ÷ `openssl speed -multi {}`. Target: ≥ {:.0} %. CPU per sign-in is a process's user + system time over all runs ÷ sign-ins, for the server and for the load generator (this process, on the same cores); at the bound one signature takes {} of CPU.\n\n",
        cores(),
        TARGET_SIGN_INS * 100.0,
        bound.map_or_else(|| "(not measured)".to_owned(), |b| format!("{:.3} ms", cores() as f64 / b * 1000.0)),
    ));
    out.push_str("| flow | sign-ins/s | RSA signatures per sign-in | share of the bound | server CPU per sign-in | load generator CPU per sign-in |\n|---|---|---|---|---|---|\n");
    for (name, (rate, cpu, load_cpu), signatures) in [
        (
            "redirect: authorize → flow resume → credentials → callback → code exchange (PKCE, ID token, refresh token)",
            redirect,
            SIGNATURES_PER_REDIRECT_SIGN_IN,
        ),
        (
            "app-native direct sign-in with the Flow-Secret",
            direct,
            SIGNATURES_PER_DIRECT_SIGN_IN,
        ),
    ] {
        out.push_str(&format!(
            "| {name} | {rate:.0} | {signatures} | {} | {cpu} | {load_cpu} |\n",
            share(rate * signatures, bound)
        ));
    }
    out.push_str(&format!(
        "\nLoad average after this section: {}.\n\n",
        load()
    ));
    out
}

/// RSS idle, with 10,000 live executions, and after their expiry.
async fn memory(client: &reqwest::Client, server: &Server) -> String {
    let base = server.base.clone();
    let idle = rss_kib(server.child.id());
    let live = create_executions(client, &base, 10_000).await;
    let with_executions = rss_kib(server.child.id());
    let stats_before = stats(client, &base).await;
    // Past every lifetime of an execution, code, authorization request and refresh token: expired
    // entries are freed on the next write of their store, which one more sign-in makes.
    advance_clock(client, &base, 90_000).await;
    create_executions(client, &base, 1).await;
    redirect_sign_in(Conn::connect(&base).await).await;
    let stats_after = stats(client, &base).await;
    let after_expiry = rss_kib(server.child.id());
    let mut out = String::from("## Memory\n\n| state | RSS |\n|---|---|\n");
    out.push_str(&format!(
        "| idle, after the throughput runs | {:.1} MB |\n",
        idle as f64 / 1024.0
    ));
    out.push_str(&format!(
        "| with {live} live flow executions (target < 100 MB) | {:.1} MB |\n",
        with_executions as f64 / 1024.0
    ));
    out.push_str(&format!(
        "| after the clock passes their TTL and a sweep | {:.1} MB |\n\n",
        after_expiry as f64 / 1024.0
    ));
    out.push_str(&format!("Live state before expiry: `{stats_before}`; after: `{stats_after}` (from `GET /__mock/stats`).\n"));
    out
}

/// Run `op` against `base` from `concurrency` tasks, each on its own connection, for [`WINDOW`],
/// [`RUNS`] times; the median operations per second.
async fn measure<F, Fut>(base: &str, concurrency: usize, op: F) -> f64
where
    F: Fn(Conn) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = Conn> + Send,
{
    let mut rates = Vec::new();
    for _ in 0..RUNS {
        rates.push(measure_once(base, concurrency, WINDOW, op.clone()).await.0);
    }
    median(&mut rates)
}

/// [`measure`] against `server`, with the CPU time (user + system) per operation of the server
/// process and of this one (the load generator) over all the runs, as text.
async fn measure_with_cpu<F, Fut>(
    server: &Server,
    concurrency: usize,
    op: F,
) -> (f64, String, String)
where
    F: Fn(Conn) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = Conn> + Send,
{
    let done = Arc::new(AtomicU64::new(0));
    let counted = {
        let done = done.clone();
        move |conn| {
            let done = done.clone();
            let run = op(conn);
            async move {
                let conn = run.await;
                done.fetch_add(1, Ordering::Relaxed);
                conn
            }
        }
    };
    let before = (
        cpu_seconds(server.child.id()),
        cpu_seconds(std::process::id()),
    );
    let rate = measure(&server.base, concurrency, counted).await;
    let server_cpu = cpu_seconds(server.child.id()) - before.0;
    let load_cpu = cpu_seconds(std::process::id()) - before.1;
    let operations = done.load(Ordering::Relaxed);
    let per = |spent: f64| {
        if operations == 0 {
            "—".to_owned()
        } else {
            format!("{:.3} ms", spent / operations as f64 * 1000.0)
        }
    };
    (rate, per(server_cpu), per(load_cpu))
}

/// User + system CPU seconds of process `pid` so far (`/proc/<pid>/stat`, clock ticks of 1/100 s).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name (field 2) may hold spaces; fields after its closing parenthesis start at 3.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime is field 14 and stime field 15: indexes 11 and 12 after the parenthesis.
    (ticks(11) + ticks(12)) as f64 / 100.0
}

/// Run `op` against `base` from `concurrency` tasks for `window`: operations per second, and how
/// many were made.
async fn measure_once<F, Fut>(base: &str, concurrency: usize, window: Duration, op: F) -> (f64, u64)
where
    F: Fn(Conn) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = Conn> + Send,
{
    let done = Arc::new(AtomicU64::new(0));
    let mut conns = Vec::new();
    for _ in 0..concurrency {
        conns.push(Conn::connect(base).await);
    }
    let deadline = Instant::now() + window;
    let mut tasks = Vec::new();
    for mut conn in conns {
        let op = op.clone();
        let done = done.clone();
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                conn = op(conn).await;
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let started = Instant::now();
    for task in tasks {
        task.await.expect("a load task");
    }
    let done = done.load(Ordering::Relaxed);
    (done as f64 / started.elapsed().as_secs_f64(), done)
}

async fn create_executions(client: &reqwest::Client, base: &str, n: usize) -> usize {
    let mut live = 0;
    for chunk in (0..n).collect::<Vec<_>>().chunks(64) {
        let mut tasks = Vec::new();
        for _ in chunk {
            let client = client.clone();
            let url = format!("{base}/flow/execute");
            tasks.push(tokio::spawn(async move {
                let response = client
                    .post(url)
                    .header("Flow-Secret", NATIVE_SECRET)
                    .json(&json!({"applicationId": NATIVE_APP, "flowType": "AUTHENTICATION"}))
                    .send()
                    .await
                    .expect("flow start");
                response.status() == 200
            }));
        }
        for task in tasks {
            live += usize::from(task.await.expect("task"));
        }
    }
    live
}

async fn advance_clock(client: &reqwest::Client, base: &str, seconds: u64) {
    let response = client
        .post(format!("{base}/__mock/clock"))
        .json(&json!({"advanceSeconds": seconds}))
        .send()
        .await
        .expect("clock");
    assert_eq!(response.status(), 200);
}

async fn stats(client: &reqwest::Client, base: &str) -> String {
    match client.get(format!("{base}/__mock/stats")).send().await {
        Ok(response) if response.status() == 200 => {
            response.text().await.unwrap_or_default().trim().to_owned()
        }
        _ => "(no /__mock/stats)".to_owned(),
    }
}

fn rss_kib(pid: u32) -> u64 {
    proc_status_field(pid, "VmRSS:")
}

/// A number from `/proc/<pid>/status` (`VmRSS:` in KiB, `Threads:`).
fn proc_status_field(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The 1-minute load average, as `uptime` prints it.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    format!("{} cores, {cpu}", cores())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}
