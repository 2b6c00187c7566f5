//! `cargo xtask <command>`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! Each subcommand is one entry in [`Command`]; `main` only dispatches.

mod dist;
mod image;
mod npm_e2e;

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
    /// `npm-e2e`, `package`, and `image` where a container engine answers.
    Ci,
    /// The release binary for this host (static where the platform allows, stripped), its
    /// versioned archive, the npm packages and the image's build context, with SHA256SUMS, in
    /// target/dist/.
    Dist,
    /// `dist`, then install the npm tarballs offline into a project in target/npm-e2e/ and run its
    /// node:test suite (npx thunderid-mock, startMock() with openid-client) and tsc on the typings.
    NpmE2e,
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
        Command::Image => image::image(&root, &dist::dist(&root)?),
        Command::Package => package(&root),
        Command::Mock { args } => mock(&root, &args),
        Command::Conformance { args } => conformance(&root, &args),
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
    cargo(root, &["test", "--workspace"])?;
    package(root)?;
    let dist = dist::dist(root)?;
    npm_e2e::npm_e2e(root, &dist)?;
    image::image(root, &dist)?;
    Ok(())
}

/// The crates on crates.io, packaged together so each resolves its unpublished siblings.
/// `--allow-dirty`: this checks that they package and build, on a work tree being edited too;
/// publishing (not done here) refuses a dirty tree.
fn package(root: &Path) -> Result<()> {
    cargo(
        root,
        &[
            "package",
            "--locked",
            "--allow-dirty",
            "--package",
            "thunderid-protocol",
            "--package",
            "thunderid-client",
            "--package",
            "thunderid-mock",
        ],
    )
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
