//! `cargo xtask <command>`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! Each subcommand is one entry in [`Command`]; `main` only dispatches.

mod dist;
mod image;
mod npm_e2e;
mod sdk;
mod soak;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "thunderid-mock project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Everything CI runs: fmt --check, clippy -D warnings, the whole test suite, `dist`,
    /// `npm-e2e`, `sdk-javascript`, `package`, and `image` where a container engine answers.
    Ci,
    /// The release binary for this host (static where the platform allows, stripped), its
    /// versioned archive, the npm packages and the image's build context, with SHA256SUMS, in
    /// target/dist/.
    Dist,
    /// `dist`, then install the npm tarballs offline into a project in target/npm-e2e/ and run its
    /// node:test suite (npx thunderid-mock, startMock() with openid-client) and tsc on the typings.
    NpmE2e,
    /// The `@sdk` scenarios against the published `@thunderid/javascript` through
    /// drivers/javascript/ (`npm ci`), with its expected failures; the scorecard goes to
    /// target/conformance/sdk-javascript/.
    SdkJavascript,
    /// `dist`, then build the container image and smoke-test it; skipped without a container engine.
    Image,
    /// `cargo package` the publishable crates together (each verified by a build from its .crate).
    Package,
    /// Start the mock server on http://127.0.0.1:8090 with the bundled fixtures.
    /// Extra arguments go to the `thunderid-mock` binary (see `cargo xtask mock -- --help`).
    Mock {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Run the Gherkin conformance suite: per-feature report, JUnit XML at
    /// target/conformance/junit.xml. Arguments go to the runner: `--tags EXPR`, `--server URL`,
    /// `--name REGEX`, `--junit PATH`.
    Conformance {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Mixed legitimate and abusive load against the release binary for `--seconds` (default 60):
    /// reports requests, 5xx, panics, peak RSS and cross-talk; fails past the targets.
    Soak {
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Leave out the resets, so every budget fills and stays full.
        #[arg(long)]
        fill: bool,
    },
    /// Run the benchmarks (start-up, token issuance, sign-in throughput, the RSA bound, memory)
    /// against the release binary and write BENCHMARKS.md.
    Bench,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let root = project_root();
    match cli.command {
        Command::Ci => ci(&root),
        Command::Dist => dist::dist(&root).map(drop),
        Command::NpmE2e => npm_e2e::npm_e2e(&root, &dist::dist(&root)?),
        Command::SdkJavascript => sdk::javascript(&root),
        Command::Image => image::image(&root, &dist::dist(&root)?),
        Command::Package => package(&root),
        Command::Mock { args } => mock(&root, &args),
        Command::Conformance { args } => conformance(&root, &args),
        Command::Soak { seconds, fill } => soak::soak(&root, seconds, fill),
        Command::Bench => cargo(
            &root,
            &[
                "bench",
                "--package",
                "thunderid-mock",
                "--bench",
                "throughput",
            ],
        ),
    }
}

/// The workspace root, from this crate's manifest directory, so xtask works from any directory.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the root")
        .to_path_buf()
}

fn ci(root: &Path) -> Result<()> {
    cargo(root, &["fmt", "--all", "--check"])?;
    cargo(
        root,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    // The lean library a test-only user builds (`default-features = false`: no CLI, no TLS).
    cargo(
        root,
        &[
            "clippy",
            "-p",
            "thunderid-mock",
            "--lib",
            "--no-default-features",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    cargo(root, &["test", "--workspace"])?;
    package(root)?;
    let dist = dist::dist(root)?;
    npm_e2e::npm_e2e(root, &dist)?;
    // The Rust client's driver ran in `cargo test --workspace` (tests/sdk.rs); the JavaScript SDK's
    // needs Node, which npm-e2e needed too.
    sdk::javascript(root)?;
    image::image(root, &dist)?;
    // The whole suite once more against mocks behaving as the v1.0.x line (the default run covers
    // `main`, and the `@server-1.0` scenarios on their own mocks).
    conformance(root, &["--server-version".to_owned(), "1.0".to_owned()])?;
    Ok(())
}

/// The crates on crates.io, packaged together so each resolves its unpublished siblings.
/// `--allow-dirty`: this checks that they package and build, on a work tree being edited too;
/// publishing (not done here) refuses a dirty tree.
fn package(root: &Path) -> Result<()> {
    let target = root.join("target").join("package-verify");
    forget_packaged_siblings(&target)?;
    let target = target.to_str().context("the target dir is not UTF-8")?;
    cargo(
        root,
        &[
            "package",
            "--locked",
            "--allow-dirty",
            "--target-dir",
            target,
            "--package",
            "thunderid-protocol",
            "--package",
            "thunderid-client",
            "--package",
            "thunderid-mock",
        ],
    )
}

/// Cargo verifies each crate against its siblings taken from a temporary local registry, and
/// treats registry sources as immutable: a copy extracted (under `$CARGO_HOME/registry/src/-<hash>/`)
/// or built by an earlier run is reused as is, so a second run would verify against old sources.
/// Drop both: the extracted copies, and our crates' builds in the verification's own target dir.
fn forget_packaged_siblings(target: &Path) -> Result<()> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    // Local registries have no name: their directories start with `-`.
    let mut dirs: Vec<PathBuf> = home
        .and_then(|home| std::fs::read_dir(home.join("registry").join("src")).ok())
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| file_name_starts(path, "-"))
        .collect();
    dirs.push(target.join("debug").join(".fingerprint"));
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry?.path();
            if file_name_starts(&path, "thunderid-") {
                std::fs::remove_dir_all(&path)
                    .with_context(|| format!("removing {}", path.display()))?;
            }
        }
    }
    Ok(())
}

fn file_name_starts(path: &Path, prefix: &str) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with(prefix))
}

fn mock(root: &Path, args: &[String]) -> Result<()> {
    let mut all = vec![
        "run",
        "--quiet",
        "--package",
        "thunderid-mock",
        "--bin",
        "thunderid-mock",
        "--",
    ];
    all.extend(args.iter().map(String::as_str));
    cargo(root, &all)
}

fn conformance(root: &Path, args: &[String]) -> Result<()> {
    let mut all = vec![
        "test",
        "--quiet",
        "--package",
        "thunderid-conformance",
        "--test",
        "conformance",
        "--",
    ];
    all.extend(args.iter().map(String::as_str));
    cargo(root, &all)
}

fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    run(Process::new(&cargo).args(args).current_dir(root))
}

/// Run a command to its end, echoing it first; a failure names the command.
fn run(command: &mut Process) -> Result<()> {
    let shown = format!(
        "{} {}",
        command.get_program().to_string_lossy(),
        command
            .get_args()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    eprintln!("$ {shown}");
    let status = command
        .status()
        .with_context(|| format!("failed to run {shown}"))?;
    if !status.success() {
        bail!("{shown} failed with {status}");
    }
    Ok(())
}

/// npm's launcher: a `.cmd` script on Windows.
fn npm_program() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}
