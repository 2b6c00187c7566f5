//! The conformance suite's runner (`harness = false`): `cargo test -p thunderid-conformance --test
//! conformance -- [--server URL] [--junit PATH] [--tags EXPR]`, or `cargo xtask conformance`.
//!
//! Runs every scenario in `features/` concurrently, writes JUnit XML, prints a per-feature report and
//! ends with `N passed, N failed`. Before running, the coverage gate checks that every code the mock
//! can emit appears in some scenario (skipped with `--server`: the gate is about the mock).
//!
//! Tags: `@mock-only` scenarios need the mock's control API (skipped against a server without
//! `/__mock`); `@custom-fixtures` scenarios add fixtures to an in-process mock and `@stateful` ones
//! change users or units for good (both skipped with `--server`); `@serial` scenarios (they move
//! the clock or read the shared outbox) run alone.
//!
//! `@server-main` / `@server-1.0` scenarios pin a release line where the two differ (README, "The
//! server version switch"): an in-process run gives each its own mock; `--server-version 1.0` runs
//! everything against the 1.0 line and skips `@server-main`; against `--server`, only the line the
//! server runs applies.
//!
//! `--sdk "COMMAND"` runs only the `@sdk` scenarios (`features/sdk/`), against an SDK through its
//! driver, and prints its scorecard (`thunderid_conformance::sdk`); every other run leaves them out.
//!
//! `--app URL` runs the `@app` scenarios (an app's embedded sign-in endpoints, seed 001) against
//! that web app instead of the in-process example app; `@custom-fixtures` scenarios are then skipped
//! (the app's server is not ours to configure).

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cucumber::tag::Ext as _;
use cucumber::writer::Stats as _;
use cucumber::{World as _, WriterExt as _, cli, writer};
use thunderid_conformance::target::{REMOTE_SERVER, RemoteServer, SERVER_VERSION, pinned_version};
use thunderid_conformance::{ConformanceWorld, coverage, report, sdk};
use thunderid_mock::ServerVersion;

#[derive(cli::Args)]
struct SuiteOpts {
    /// Run the server-facing scenarios against this ThunderID-compatible server instead of an
    /// in-process mock.
    #[arg(long)]
    server: Option<String>,
    /// Run the `@app` scenarios against this web app instead of the in-process example app.
    #[arg(long)]
    app: Option<String>,
    /// Where to write the JUnit XML report.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Run the scenarios without the coverage gate (for iterating on one feature; CI never sets it).
    #[arg(long)]
    no_coverage_gate: bool,
    /// The release line the run targets: `main` (default) or `1.0`. An in-process mock behaves as
    /// it; `@server-main` / `@server-1.0` scenarios of the other line are skipped, except that a
    /// `main` run still runs the `@server-1.0` ones against a mock switched to 1.0.
    #[arg(long, default_value_t = ServerVersion::Main)]
    server_version: ServerVersion,
    /// Run only the `@sdk` scenarios (`features/sdk/`) against an SDK through this driver command
    /// (driver protocol v1, docs/sdk-driver.md), e.g. `--sdk "node drivers/javascript/driver.mjs"`.
    #[arg(long)]
    sdk: Option<String>,
    /// How long the driver may take to answer one command, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    sdk_timeout_ms: u64,
    /// The driver's expected failures (`scenario | reason` per line).
    #[arg(long)]
    expected_failures: Option<PathBuf>,
    /// Where the SDK run writes `scorecard.md` and `junit.xml`.
    #[arg(long)]
    scorecard: Option<PathBuf>,
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
    if let Some(command) = opts.custom.sdk.clone() {
        let options = sdk::SdkOptions {
            command,
            timeout: Duration::from_millis(opts.custom.sdk_timeout_ms),
            expected_failures: opts.custom.expected_failures.clone(),
            scorecard: opts.custom.scorecard.clone(),
            name: opts.re_filter.clone(),
        };
        return match sdk::run(root, options).await {
            Ok(card) if card.green() => 0,
            Ok(_) => 1,
            Err(e) => {
                eprintln!("the SDK run could not start: {e:#}");
                2
            }
        };
    }
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
    // Scenarios that add fixtures need an in-process mock: any --server run skips them.
    let skip_custom_fixtures = remote.is_some() || opts.custom.app.is_some();
    // Scenarios that change users or units for good would leave a shared server changed for the
    // scenarios after them: only a fresh in-process mock runs them.
    let skip_stateful = remote.is_some();
    if skip_mock_only {
        println!(
            "the server has no control API (/__mock): scenarios tagged @mock-only are skipped"
        );
    }
    // The gate's notes (its exemptions) go into the final report; a failed gate stops the run.
    let mut gate_note = String::new();
    if remote.is_none() && !opts.custom.no_coverage_gate {
        match coverage::check(root) {
            Ok(outcome) if outcome.passed() => gate_note = outcome.render(),
            Ok(outcome) => {
                eprint!("{}", outcome.render());
                println!(
                    "0 passed, {} failed",
                    outcome.gaps.len()
                        + outcome.stale.len()
                        + outcome.unexplained.len()
                        + outcome.explained_but_emitted.len()
                );
                return 1;
            }
            Err(e) => {
                eprintln!("coverage gate failed to run: {e:#}");
                return 2;
            }
        }
    }
    let version = opts.custom.server_version;
    let _ = SERVER_VERSION.set(version);
    // A remote server is one line; an in-process main run switches mocks for `@server-1.0`.
    let pins_other_lines = remote.is_some() || version != ServerVersion::Main;
    let _ = REMOTE_SERVER.set(remote);
    let _ = thunderid_conformance::steps::app::REMOTE_APP.set(opts.custom.app.clone());

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
    // cucumber applies either the CLI's --tags or the filter below, not both: fold --tags into the
    // filter so that the skips above still apply to a tag-filtered run.
    let tags_filter = opts.tags_filter;
    let cli = cli::Opts {
        re_filter: opts.re_filter,
        tags_filter: None,
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
        .before(|feature, _, scenario, world| {
            let pinned = pinned_version(scenario.tags.iter().chain(&feature.tags));
            Box::pin(async move {
                if let Some(version) = pinned
                    && let Err(e) = world.pin_version(version).await
                {
                    eprintln!("could not switch the mock to {version}: {e}");
                }
            })
        })
        .after(|_, _, _, _, world| {
            Box::pin(async move {
                if let Some(world) = world {
                    world.after_scenario().await;
                }
            })
        })
        .with_cli(cli)
        .filter_run(root.join("features"), move |feature, rule, scenario| {
            let tagged = |tag: &str| scenario.tags.iter().chain(&feature.tags).any(|t| t == tag);
            let selected = tags_filter.as_ref().is_none_or(|tags| {
                tags.eval(
                    feature
                        .tags
                        .iter()
                        .chain(rule.iter().flat_map(|r| &r.tags))
                        .chain(&scenario.tags),
                )
            });
            let other_line = pinned_version(scenario.tags.iter().chain(&feature.tags))
                .is_some_and(|pinned| pinned != version && pins_other_lines);
            // `@sdk` scenarios need a driver: only `--sdk` runs them.
            selected
                && !tagged("sdk")
                && !other_line
                && !(skip_mock_only && tagged("mock-only")
                    || skip_custom_fixtures && tagged("custom-fixtures")
                    || skip_stateful && tagged("stateful"))
        })
        .await;
    let failed = result.execution_has_failed();
    let xml = std::fs::read_to_string(junit_path).unwrap_or_default();
    print!("\n{gate_note}{}", report::render(&report::from_junit(&xml)));
    if failed { 1 } else { 0 }
}
