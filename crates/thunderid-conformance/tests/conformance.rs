//! The conformance suite's runner (`harness = false`): `cargo test -p thunderid-conformance --test
//! conformance -- [--server URL] [--junit PATH] [--tags EXPR]`, or `cargo xtask conformance`.
//!
//! Runs every scenario in `features/` concurrently, writes JUnit XML, prints a per-feature report and
//! ends with `N passed, N failed`. Before running, the coverage gate checks that every code the mock
//! can emit appears in some scenario (skipped with `--server`: the gate is about the mock).

use std::io;
use std::path::{Path, PathBuf};

use cucumber::writer::Stats as _;
use cucumber::{World as _, WriterExt as _, cli, writer};
use thunderid_conformance::target::{REMOTE_SERVER, RemoteServer};
use thunderid_conformance::{ConformanceWorld, coverage, report};

#[derive(cli::Args)]
struct SuiteOpts {
    /// Run the server-facing scenarios against this ThunderID-compatible server instead of an
    /// in-process mock.
    #[arg(long)]
    server: Option<String>,
    /// Where to write the JUnit XML report.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Run the scenarios without the coverage gate (for iterating on one feature; CI never sets it).
    #[arg(long)]
    no_coverage_gate: bool,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let code = runtime.block_on(run(&workspace_root()));
    std::process::exit(code);
}

async fn run(root: &Path) -> i32 {
    let opts = cli::Opts::<_, _, _, SuiteOpts>::parsed();
    let junit_path = &opts
        .custom
        .junit
        .clone()
        .unwrap_or_else(|| root.join("target/conformance/junit.xml"));
    let remote = match &opts.custom.server {
        Some(url) => match RemoteServer::probe(url).await {
            Ok(remote) => Some(remote),
            Err(e) => {
                eprintln!("cannot reach --server {url}: {e}");
                return 2;
            }
        },
        None => None,
    };
    let skip_mock_only = remote.as_ref().is_some_and(|r| !r.control);
    if skip_mock_only {
        println!(
            "the server has no control API (/__mock): scenarios tagged @mock-only are skipped"
        );
    }
    if remote.is_none() && !opts.custom.no_coverage_gate {
        match coverage_gaps(root) {
            Ok(gaps) if gaps.is_empty() => {}
            Ok(gaps) => {
                eprintln!("coverage gate: these codes the mock can emit appear in no scenario:");
                for gap in &gaps {
                    eprintln!(
                        "  {} (emitted in crates/thunderid-mock/src/{})",
                        gap.value, gap.source
                    );
                }
                println!("0 passed, {} failed", gaps.len());
                return 1;
            }
            Err(e) => {
                eprintln!("coverage gate failed to run: {e}");
                return 2;
            }
        }
    }
    let _ = REMOTE_SERVER.set(remote);

    if let Some(dir) = junit_path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let junit = match std::fs::File::create(junit_path) {
        Ok(file) => file,
        Err(e) => {
            eprintln!("cannot write {}: {e}", junit_path.display());
            return 2;
        }
    };
    let cli = cli::Opts {
        re_filter: opts.re_filter,
        tags_filter: opts.tags_filter,
        parser: opts.parser,
        runner: opts.runner,
        writer: opts.writer,
        custom: cli::Empty,
    };
    let writer = writer::Basic::raw(io::stdout(), writer::Coloring::Never, 0)
        .summarized()
        .tee::<ConformanceWorld, _>(writer::JUnit::for_tee(junit, 0))
        .normalized();
    let result = ConformanceWorld::cucumber()
        .with_writer(writer)
        .fail_on_skipped()
        .max_concurrent_scenarios(16)
        .with_cli(cli)
        .filter_run(root.join("features"), move |_, _, scenario| {
            !(skip_mock_only && scenario.tags.iter().any(|t| t == "mock-only"))
        })
        .await;
    let failed = result.execution_has_failed();
    let xml = std::fs::read_to_string(junit_path).unwrap_or_default();
    print!("\n{}", report::render(&report::from_junit(&xml)));
    if failed { 1 } else { 0 }
}

fn coverage_gaps(root: &Path) -> anyhow::Result<Vec<coverage::Obligation>> {
    let obligations = coverage::emitted_codes(&root.join("crates/thunderid-mock/src"))?;
    coverage::gaps(&obligations, &root.join("features"))
}
