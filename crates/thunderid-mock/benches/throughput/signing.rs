//! The RSA-2048 signing bound: the mock's signer against `openssl speed rsa2048` in the same run, per
//! core and on all cores, with ring (the signer's previous backend) and jsonwebtoken's pure-Rust
//! `rsa` backend for the record. Each round runs every backend once, interleaved, so a burst of
//! load elsewhere on the machine hits them alike; the figures are medians over the rounds.
//!
//! Per core, rates are per second of CPU time: `openssl speed` divides by CPU user time unless told
//! `-elapsed`, so the mock's signer is timed by its thread's time on a CPU
//! (`/proc/thread-self/schedstat`), and the ratio holds on a machine shared with other work. All-core
//! rates are per second of wall-clock time (`-elapsed`), as a server's throughput is.

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

use super::{RUNS, TARGET_SIGNER_PER_CORE, cores, median};

/// Signatures per second.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    pub mock_1: f64,
    pub mock_all: f64,
    pub ring_1: f64,
    pub ring_all: f64,
    pub rust_crypto_1: f64,
    pub openssl_1: Option<f64>,
    /// `openssl speed -multi <cores>`, or the mock's own all-core rate without `openssl`: the bound
    /// every throughput share is taken against.
    pub openssl_all: f64,
    pub openssl_found: bool,
}

pub fn measure() -> Bound {
    let fixtures = thunderid_mock::Fixtures::bundled();
    let claims = json!({"iss": "https://localhost:8090", "sub": "bench", "exp": 4_000_000_000u64});
    // The mock's signer, through the handle's `sign` (the same call every token takes).
    let server = thunderid_mock::MockServer::builder()
        .shared_runtime()
        .start_blocking()
        .expect("a mock for signing");
    let mock = || {
        let _ = server.sign(thunderid_mock::TokenType::Jwt, &claims);
    };
    let der = pkcs8_der(&fixtures.signing_key_pem);
    let ring_key = ring::signature::RsaKeyPair::from_pkcs8(&der).expect("ring parses the key");
    let rng = ring::rand::SystemRandom::new();
    let message = server.sign(thunderid_mock::TokenType::Jwt, &claims);
    let ring = || {
        let mut signature = vec![0; ring_key.public().modulus_len()];
        ring_key
            .sign(
                &ring::signature::RSA_PKCS1_SHA256,
                &rng,
                message.as_bytes(),
                &mut signature,
            )
            .expect("ring signs");
    };
    let encoding = jsonwebtoken::EncodingKey::from_rsa_pem(fixtures.signing_key_pem.as_bytes())
        .expect("the key");
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    let rust_crypto = || {
        let _ = jsonwebtoken::encode(&header, &claims, &encoding).expect("sign");
    };
    let n = cores();
    let mut rounds: [Vec<f64>; 7] = Default::default();
    for _ in 0..RUNS {
        rounds[0].push(rate_per_cpu_second(&mock));
        if let Some(rate) = openssl_speed(1) {
            rounds[1].push(rate);
        }
        rounds[2].push(rate(&mock, n));
        if let Some(rate) = openssl_speed(n) {
            rounds[3].push(rate);
        }
        rounds[4].push(rate_per_cpu_second(&ring));
        rounds[5].push(rate(&ring, n));
        rounds[6].push(rate_per_cpu_second(&rust_crypto));
    }
    let [
        mock_1,
        openssl_1,
        mock_all,
        openssl_all,
        ring_1,
        ring_all,
        rust_crypto_1,
    ] = rounds.map(|mut r| (!r.is_empty()).then(|| median(&mut r)));
    let mock_all = mock_all.expect("measured");
    Bound {
        mock_1: mock_1.expect("measured"),
        mock_all,
        ring_1: ring_1.expect("measured"),
        ring_all: ring_all.expect("measured"),
        rust_crypto_1: rust_crypto_1.expect("measured"),
        openssl_1,
        openssl_all: openssl_all.unwrap_or(mock_all),
        openssl_found: openssl_all.is_some(),
    }
}

pub fn report(b: &Bound) -> String {
    let n = cores();
    let mut out = String::from(
        "## The bound: RSA-2048 signatures per second\n\n| backend | 1 thread, per CPU second | all cores, per second | share of `openssl speed` per core |\n|---|---|---|---|\n",
    );
    let share = |rate: f64| match b.openssl_1 {
        Some(openssl) => format!("{:.0} %", rate / openssl * 100.0),
        None => "—".to_owned(),
    };
    out.push_str(&format!(
        "| the mock's signer (`aws-lc-rs`, through `MockServer::sign`: JSON, base64url and the signature) | {:.0} | {:.0} | {} |\n",
        b.mock_1,
        b.mock_all,
        share(b.mock_1)
    ));
    out.push_str(&format!(
        "| `ring` (the previous signer), the signature alone | {:.0} | {:.0} | {} |\n",
        b.ring_1,
        b.ring_all,
        share(b.ring_1)
    ));
    out.push_str(&format!(
        "| `jsonwebtoken` + pure-Rust `rsa` (the first signer) | {:.0} | | {} |\n",
        b.rust_crypto_1,
        share(b.rust_crypto_1)
    ));
    if b.openssl_found {
        out.push_str(&format!(
            "| `openssl speed rsa2048` (1 thread, CPU user time) and `openssl speed -elapsed -multi {n} rsa2048` | {:.0} | {:.0} | 100 % |\n\n",
            b.openssl_1.unwrap_or_default(),
            b.openssl_all
        ));
    } else {
        out.push_str("| `openssl speed rsa2048` | not available on this machine: the bound below is the mock's own all-core rate | | |\n\n");
    }
    out.push_str(&format!(
        "Target: the mock's signer ≥ {:.0} % of `openssl speed` per core; this run: {}. The all-core OpenSSL figure ({:.0}/s) is the bound the throughput sections divide by.\n\n",
        TARGET_SIGNER_PER_CORE * 100.0,
        share(b.mock_1),
        b.openssl_all
    ));
    out
}

/// Signatures per second of the thread's CPU time: at least half a CPU second of signing (at most
/// ten seconds of wall-clock time on a busy machine).
fn rate_per_cpu_second(sign: &(dyn Fn() + Sync)) -> f64 {
    let cpu_before = thread_cpu_ns();
    let started = Instant::now();
    let mut n = 0u64;
    loop {
        sign();
        n += 1;
        let cpu = thread_cpu_ns().saturating_sub(cpu_before);
        if cpu >= 500_000_000 || started.elapsed() > Duration::from_secs(10) {
            return n as f64 / (cpu.max(1) as f64 / 1e9);
        }
    }
}

/// Nanoseconds this thread has spent on a CPU (the first field of `/proc/thread-self/schedstat`).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("/proc/thread-self/schedstat (Linux)")
}

/// Signatures per second of wall-clock time from `threads` threads signing for one second each.
fn rate(sign: &(dyn Fn() + Sync), threads: usize) -> f64 {
    let per_thread = || {
        let started = Instant::now();
        let mut n = 0u64;
        while started.elapsed() < Duration::from_secs(1) {
            sign();
            n += 1;
        }
        n as f64 / started.elapsed().as_secs_f64()
    };
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads).map(|_| s.spawn(per_thread)).collect();
        handles.into_iter().map(|h| h.join().expect("thread")).sum()
    })
}

/// `openssl speed -seconds 1 rsa2048` (per CPU user second), or with `processes` > 1
/// `openssl speed -elapsed -seconds 1 -multi N rsa2048` (per wall-clock second, all processes
/// together): the sign/s column.
fn openssl_speed(processes: usize) -> Option<f64> {
    let mut command = Command::new("openssl");
    command.args(["speed", "-seconds", "1"]);
    if processes > 1 {
        command.args(["-elapsed", "-multi", &processes.to_string()]);
    }
    let output = command.arg("rsa2048").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    // `rsa 2048 bits 0.000364s 0.000019s   2747.0  51657.0`: the times carry an `s` suffix, so
    // the plain numbers are bits, sign/s and verify/s.
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("rsa 2048 bits"))?;
    let numbers: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    numbers.get(1).copied()
}

/// The DER inside a PKCS#8 PEM.
fn pkcs8_der(pem: &str) -> Vec<u8> {
    use base64::Engine;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .expect("base64 PEM body")
}
