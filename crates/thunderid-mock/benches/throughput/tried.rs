//! The last section of BENCHMARKS.md: what was tried, and what each change gave.

/// The choices behind these numbers. The figures quoted here come from this run's tables, except
/// the `openssl` crate, measured in a scratch build (BENCHMARKS.md says when).
pub const WHAT_WAS_TRIED: &str = "
## What was tried, and what each gave

* **Crypto backend.** Every redirect sign-in needs four RSA-2048 signatures (the flow assertion, the
  access, ID and refresh tokens) and an app-native one needs one, so signing is the ceiling. The
  first signer, `jsonwebtoken`'s `rust_crypto` backend (the pure-Rust `rsa` crate), and then `ring`
  are both in the bound table above, measured in this run: ring has no wide-vector RSA code and
  signs at about half of what OpenSSL does on the same core. `aws-lc-rs` (AWS-LC, with the key parsed
  once) and the `openssl` crate against the system's OpenSSL 3.0 were tried side by side in a scratch
  build (`/tmp/signbench`, 2 s windows, load average 1.5): ring 2,344 and 2,436/s on one thread,
  aws-lc-rs 4,836 and 5,000/s, the `openssl` crate 4,746 and 4,834/s, `openssl speed -seconds 2
  rsa2048` 4,923/s; on both cores 4,578 / 9,231 / 9,190/s and `-multi 2` 9,482/s. The two are equal;
  the mock signs with aws-lc-rs (`tokens/rsa.rs`, `RsaSigningKey`) because it builds from its own
  C sources with the `cc` crate (no cmake, no system library), links statically into the release
  binary, and its C build (about half a minute of one core) replaced ring's in the tree: rustls
  and rcgen use it too. The `openssl` crate would need libssl-dev on every machine that builds the
  mock and would tie the static binary to the system's libssl. Verification moved to the same
  primitive (`RsaVerifyingKey`; the JWS is parsed in `tokens/signer.rs`, RS256 only, never `none`),
  which took `jsonwebtoken` and its elliptic-curve and Ed25519 crates out of the library's
  dependencies; `jsonwebtoken` stays in the tests as an independent verifier of what the mock
  signs.
* **Locking.** Every signature is made outside every lock, so signing runs on all cores in parallel
  and no lock shows up in a profile.
* **Embedded servers.** A thread and a two-worker runtime per server is what lets a server run
  under any test runtime, or none; `shared_runtime()` keeps that property with two threads in all,
  and a server becomes one task: its cost is then its state (fixtures, key, stores).
* **Data structures.** Hash maps keyed by id for executions, codes and requests, each with an index
  ordered by expiry, so pruning touches only expired entries and a full store gives up the entry
  that expires first. The allocator keeps freed pages for reuse, so RSS does not shrink after a
  sweep, but it does not grow again either.
* **Where a sign-in's CPU goes.** The release server profiled under this benchmark's sign-in load
  (`THUNDERID_BENCH_SECTIONS=signin cargo bench -p thunderid-mock --bench throughput`, and
  `perf record -F 1999 -p <server pid>` over the redirect and the app-native windows): RSA-2048
  (AWS-LC's AVX-512 IFMA exponentiation, its blinding and its check of each signature) 67–76 % of
  the server's samples, the kernel's loopback TCP 7–10 %, glibc's malloc and free 7–8 %, and the
  rest (hyper, axum's per-request service clones, JSON, the flow engine, the journal) under 1 % a
  function: no flow graph, fixture or application is cloned per request at a visible cost, and no
  lock shows. Two things changed. The binary allocates with mimalloc: the allocator's share went
  from 6.8 to 3.1 % (redirect) and from 8.1 to 6.1 % (app-native). The layers every request
  passes wrap the router once instead of each route (`Router::layer` boxed every route again per
  layer, so each request cloned and freed seven boxes): axum's and tower's share of the app-native
  samples went from 5.3 to 2.8 %, RSA's from 67 to 69 %. And the load generator, which
  runs on the same two cores, dropped reqwest for a keep-alive HTTP/1.1 client that reads answers
  by `Content-Length` and picks the few JSON members it needs (`throughput/wire.rs`): its CPU per
  redirect sign-in went from 0.17–0.23 ms to 0.08–0.10 ms and per app-native one from 0.064 to
  0.027–0.033 ms (the CPU columns above; both measured in the same hour at a load average of 5–8
  from other builds). The server's own CPU per sign-in (1.02–1.13 ms redirect, 0.27–0.29 ms
  app-native at that load) is now about 0.2 ms per signature plus 0.2 ms (redirect, five requests)
  or 0.07 ms (app-native, two): with both cores busy, the share of the bound can reach signature
  CPU ÷ (server + load generator CPU) per sign-in, about 74 % and 69 % with these figures.
  Last, the load generator runs on one Tokio worker instead of one per core: it needs a fraction
  of a core, and its second worker only preempted the server's two. On a quiet machine, a
  partial run (`THUNDERID_BENCH_SECTIONS=signing,tokens,signin`, load average 2) gave 70 %
  for the app-native sign-in (6,947/s, server CPU 0.259 ms per sign-in) and 76 % for the
  redirect one, against 68 % and 71 % in the full run before the change; the full run that wrote
  the tables above, right after, gave 68 % and 69 %. Runs differ by a few points, as the bound
  itself does (9,552 to 9,914 signatures/s across these runs), so the change is within that
  spread: the app-native sign-in sits at 68–70 % of the bound, the redirect one at 69–76 %.
* **No cliffs.** The live-executions curve is measured on a fresh fill per checkpoint, so each row
  starts at exactly that many live executions; the server's CPU per flow start and per token is
  the flat line to read (rates move with the machine's load). What the mock keeps per token: an
  access or ID token is a self-contained JWT and a refresh token is kept nowhere until it is
  rotated or revoked, so the state that grows with tokens is the deny list (rotated and revoked
  tokens by `jti`, each live until its token expires) and the codes: “a million live tokens” is
  a million deny-list entries, which every introspection, refresh and token check consults.
";
