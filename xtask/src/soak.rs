//! `cargo xtask soak [--seconds N]`: mixed legitimate and abusive load against the release binary
//! for a set time, then a report: requests, 5xx, panics, peak RSS and cross-talk (a sign-in that
//! came back with someone else's subject). Targets: peak RSS under 256 MB, no 5xx, no cross-talk.
//!
//! Legitimate: app-native sign-ins of `thor` and `loki` (start, credentials, the assertion's `sub`
//! checked), client-credentials tokens. Abusive: bodies over the limit, flow starts never
//! continued, journal flooding with 60 KB bodies, slow connections that never finish their headers,
//! self-registrations of new users with 4 KB attributes (the user budget refuses them in-band once
//! full), authorization requests and pushed requests with a 4 KB `state` that no one continues,
//! and resets of the whole state. `--fill` leaves out the resets, so every budget fills and stays
//! full: the peak is then what the budgets together cost.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

const NATIVE: &str = "01900000-0000-7000-8000-0000000000a3";
const USERS: [(&str, &str, &str); 2] = [
    ("thor", "Thor@12345", "01900000-0000-7000-8000-000000000101"),
    ("loki", "Loki@12345", "01900000-0000-7000-8000-000000000102"),
];

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    server_errors: AtomicU64,
    sign_ins: AtomicU64,
    cross_talk: AtomicU64,
    refused_bodies: AtomicU64,
    interrupted: AtomicU64,
    registered: AtomicU64,
    registrations_refused: AtomicU64,
}

pub(crate) fn soak(root: &Path, seconds: u64, fill: bool) -> Result<()> {
    crate::cargo(
        root,
        &[
            "build",
            "--release",
            "--package",
            "thunderid-mock",
            "--bin",
            "thunderid-mock",
        ],
    )?;
    let dir = root.join("target").join("soak");
    std::fs::create_dir_all(&dir)?;
    let ready = dir.join("ready.json");
    let _ = std::fs::remove_file(&ready);
    let log = std::fs::File::create(dir.join("mock.log"))?;
    let mut child = Command::new(root.join("target/release/thunderid-mock"))
        .args(["--port", "0", "--ready-file"])
        .arg(&ready)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .context("starting the release binary")?;
    let result = run(&mut child, &ready, &dir, seconds, fill);
    let _ = child.kill();
    let _ = child.wait();
    result
}

fn run(child: &mut Child, ready: &Path, dir: &Path, seconds: u64, fill: bool) -> Result<()> {
    let started = Instant::now();
    let port = loop {
        if let Ok(text) = std::fs::read_to_string(ready)
            && let Ok(value) = serde_json::from_str::<serde_json::Value>(&text)
            && let Some(port) = value["port"].as_u64()
        {
            break u16::try_from(port)?;
        }
        if started.elapsed() > Duration::from_secs(20) {
            bail!("the mock did not start");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let counters = Arc::new(Counters::default());
    let stop = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(0));
    let pid = child.id();
    let mut workers = Vec::new();
    // The last worker resets the state; `--fill` leaves it out.
    let workers_count = if fill { 14 } else { 15 };
    for worker in 0..workers_count {
        let (counters, stop) = (Arc::clone(&counters), Arc::clone(&stop));
        workers.push(std::thread::spawn(move || {
            let mut round = 0u64;
            while !stop.load(Ordering::Relaxed) {
                round += 1;
                let _ = match worker {
                    0..=5 => sign_in(addr, &counters, USERS[worker % 2]),
                    6 => token(addr, &counters),
                    7 => huge_body(addr, &counters),
                    8 => flood_starts(addr, &counters),
                    9 => flood_journal(addr, &counters),
                    10 => slow_connection(addr, &counters, &stop),
                    11 => register(addr, &counters, round),
                    12 => flood_authorize(addr, &counters, round),
                    13 => flood_pushed(addr, &counters, round),
                    _ => reset(addr, &counters, round),
                };
            }
        }));
    }
    {
        let (stop, peak) = (Arc::clone(&stop), Arc::clone(&peak));
        workers.push(std::thread::spawn(move || {
            // `THUNDERID_SOAK_TRACE=1` prints the RSS and the live state every second, to see
            // what holds memory when the peak is missed.
            let trace = std::env::var_os("THUNDERID_SOAK_TRACE").is_some();
            let mut tick = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let rss = rss_kib(pid);
                peak.fetch_max(rss, Ordering::Relaxed);
                tick += 1;
                if trace && tick.is_multiple_of(5) {
                    let stats = exchange(addr, &Counters::default(), b"GET /__mock/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        .map(|(_, body)| body)
                        .unwrap_or_default();
                    eprintln!("soak trace: {:>4} s  RSS {:>4} MB  {stats}", tick / 5, rss / 1024);
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        }));
    }
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        let _ = worker.join();
    }
    let high_water = hwm_kib(pid).max(peak.load(Ordering::Relaxed));
    let log = std::fs::read_to_string(dir.join("mock.log")).unwrap_or_default();
    let panics = log.matches("panicked").count();
    let c = &counters;
    let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let report = format!(
        "soak{}: {seconds} s, {} requests ({}/s), {} × 5xx, {panics} panics, peak RSS {} MB, \
         {} sign-ins checked, {} cross-talk, {} bodies over the limit refused (413), \
         {} sign-ins interrupted by resets, {} users registered, {} registrations refused \
         (user budget full)",
        if fill { " --fill" } else { "" },
        load(&c.requests),
        load(&c.requests) / seconds.max(1),
        load(&c.server_errors),
        high_water / 1024,
        load(&c.sign_ins),
        load(&c.cross_talk),
        load(&c.refused_bodies),
        load(&c.interrupted),
        load(&c.registered),
        load(&c.registrations_refused),
    );
    println!("{report}");
    std::fs::write(dir.join("report.txt"), format!("{report}\n"))?;
    if load(&c.server_errors) > 0
        || panics > 0
        || load(&c.cross_talk) > 0
        || high_water > 256 * 1024
    {
        bail!("the soak missed its targets");
    }
    Ok(())
}

/// One request on its own connection: the status and the body.
fn exchange(addr: SocketAddr, counters: &Counters, request: &[u8]) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    counters.requests.fetch_add(1, Ordering::Relaxed);
    // The server may answer (413) before it has read everything.
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status: u16 = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no status line")?;
    if status >= 500 {
        counters.server_errors.fetch_add(1, Ordering::Relaxed);
    }
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

fn post(path: &str, content_type: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: {content_type}\r\n{extra}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn sign_in(addr: SocketAddr, counters: &Counters, user: (&str, &str, &str)) -> Result<()> {
    let start = serde_json::json!({"applicationId": NATIVE, "flowType": "AUTHENTICATION"});
    let (_, body) = exchange(
        addr,
        counters,
        &post(
            "/flow/execute",
            "application/json",
            "Flow-Secret: sample-native-flow-secret\r\n",
            &start.to_string(),
        ),
    )?;
    let step: serde_json::Value = serde_json::from_str(&body)?;
    let next = serde_json::json!({
        "executionId": step["executionId"], "challengeToken": step["challengeToken"],
        "action": "action_001", "inputs": {"username": user.0, "password": user.1},
    });
    let (_, body) = exchange(
        addr,
        counters,
        &post("/flow/execute", "application/json", "", &next.to_string()),
    )?;
    let done: serde_json::Value = serde_json::from_str(&body)?;
    let Some(assertion) = done["assertion"].as_str() else {
        // A reset between the two calls forgets the execution (FES-1004): not cross-talk.
        counters.interrupted.fetch_add(1, Ordering::Relaxed);
        return Ok(());
    };
    let payload = assertion
        .split('.')
        .nth(1)
        .map(base64url)
        .unwrap_or_default();
    let claims: serde_json::Value = serde_json::from_slice(&payload).unwrap_or_default();
    counters.sign_ins.fetch_add(1, Ordering::Relaxed);
    if claims["sub"] != user.2 {
        counters.cross_talk.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

/// Sign up a new user through the bundled REGISTRATION flow, with a 4 KB `given_name`: what a
/// client without credentials can make the mock keep. Past the user budget the flow answers
/// FET-1021 in-band.
fn register(addr: SocketAddr, counters: &Counters, round: u64) -> Result<()> {
    let start = serde_json::json!({"applicationId": NATIVE, "flowType": "REGISTRATION"});
    let flow_step = |previous: &serde_json::Value, action: &str, inputs: serde_json::Value| {
        let body = serde_json::json!({
            "executionId": previous["executionId"], "challengeToken": previous["challengeToken"],
            "action": action, "inputs": inputs,
        });
        exchange(
            addr,
            counters,
            &post("/flow/execute", "application/json", "", &body.to_string()),
        )
        .and_then(|(_, body)| Ok(serde_json::from_str::<serde_json::Value>(&body)?))
    };
    let (_, body) = exchange(
        addr,
        counters,
        &post(
            "/flow/execute",
            "application/json",
            "Flow-Secret: sample-native-flow-secret\r\n",
            &start.to_string(),
        ),
    )?;
    let first: serde_json::Value = serde_json::from_str(&body)?;
    let name = format!("soak-{round}-{}", std::process::id());
    let details = flow_step(
        &first,
        "action_credentials",
        serde_json::json!({"username": name, "password": "Soak@12345"}),
    )?;
    let done = flow_step(
        &details,
        "action_schema_attrs",
        serde_json::json!({"email": format!("{name}@example.com"), "given_name": "g".repeat(4096)}),
    )?;
    match (done["flowStatus"].as_str(), done["error"]["code"].as_str()) {
        (Some("COMPLETE"), _) => counters.registered.fetch_add(1, Ordering::Relaxed),
        (_, Some("FET-1021")) => counters
            .registrations_refused
            .fetch_add(1, Ordering::Relaxed),
        // A reset between the calls forgets the execution.
        _ => counters.interrupted.fetch_add(1, Ordering::Relaxed),
    };
    Ok(())
}

fn token(addr: SocketAddr, counters: &Counters) -> Result<()> {
    // sample-m2m:sample-m2m-secret
    let auth = "Authorization: Basic c2FtcGxlLW0ybTpzYW1wbGUtbTJtLXNlY3JldA==\r\n";
    exchange(
        addr,
        counters,
        &post(
            "/oauth2/token",
            "application/x-www-form-urlencoded",
            auth,
            "grant_type=client_credentials",
        ),
    )?;
    Ok(())
}

fn huge_body(addr: SocketAddr, counters: &Counters) -> Result<()> {
    let body = "a".repeat(2 << 20);
    let (status, _) = exchange(
        addr,
        counters,
        &post("/flow/execute", "application/json", "", &body),
    )?;
    if status == 413 {
        counters.refused_bodies.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

fn flood_starts(addr: SocketAddr, counters: &Counters) -> Result<()> {
    let blob = "x".repeat(4096);
    let start = serde_json::json!({"applicationId": NATIVE, "flowType": "AUTHENTICATION", "inputs": {"blob": blob}});
    exchange(
        addr,
        counters,
        &post(
            "/flow/execute",
            "application/json",
            "Flow-Secret: sample-native-flow-secret\r\n",
            &start.to_string(),
        ),
    )?;
    Ok(())
}

/// An authorization request the gate would pick up, never continued: the mock keeps it until
/// it expires or its budget makes room.
fn flood_authorize(addr: SocketAddr, counters: &Counters, round: u64) -> Result<()> {
    let request = format!(
        "GET /oauth2/authorize?response_type=code&client_id=sample-spa&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&scope=openid&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state={round}{} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        "s".repeat(4096)
    );
    exchange(addr, counters, request.as_bytes())?;
    Ok(())
}

/// A pushed request from the public client (its `client_id` is all it takes), never used.
fn flood_pushed(addr: SocketAddr, counters: &Counters, round: u64) -> Result<()> {
    let body = format!(
        "response_type=code&client_id=sample-spa&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&scope=openid&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state={round}{}",
        "p".repeat(4096)
    );
    let (status, _) = exchange(
        addr,
        counters,
        &post(
            "/oauth2/par",
            "application/x-www-form-urlencoded",
            "",
            &body,
        ),
    )?;
    if status != 201 {
        bail!("a pushed request was refused with {status}");
    }
    Ok(())
}

fn flood_journal(addr: SocketAddr, counters: &Counters) -> Result<()> {
    let body = format!("grant_type=x&junk={}", "j".repeat(60_000));
    let headers = "X-Junk: ".to_owned() + &"h".repeat(8000) + "\r\n";
    exchange(
        addr,
        counters,
        &post(
            "/oauth2/token",
            "application/x-www-form-urlencoded",
            &headers,
            &body,
        ),
    )?;
    Ok(())
}

/// Half a request line, then silence: the header timeout must close it.
fn slow_connection(addr: SocketAddr, counters: &Counters, stop: &AtomicBool) -> Result<()> {
    let mut streams = Vec::new();
    for _ in 0..50 {
        let mut stream = TcpStream::connect(addr)?;
        stream.write_all(b"GET /health/liveness HTTP/1.1\r\nHost: 127.0.0.1\r\n")?;
        counters.requests.fetch_add(1, Ordering::Relaxed);
        streams.push(stream);
    }
    for _ in 0..20 {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

fn reset(addr: SocketAddr, counters: &Counters, round: u64) -> Result<()> {
    std::thread::sleep(Duration::from_millis(500));
    if round.is_multiple_of(10) {
        exchange(
            addr,
            counters,
            &post("/__mock/reset", "application/json", "", ""),
        )?;
    } else {
        let request =
            b"GET /__mock/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        exchange(addr, counters, request)?;
    }
    Ok(())
}

fn base64url(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    };
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for sextet in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(sextet);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    out
}

fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn rss_kib(pid: u32) -> u64 {
    status_kib(pid, "VmRSS:")
}

/// The kernel's own peak (high-water mark) of the resident set.
fn hwm_kib(pid: u32) -> u64 {
    status_kib(pid, "VmHWM:")
}
