//! `cargo xtask <command>`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! Each subcommand is one entry in [`Command`]; `main` only dispatches.

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
    /// Everything CI runs: fmt --check, clippy -D warnings, the whole test suite.
    Ci,
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
    // The whole suite once more against mocks behaving as the v1.0.x line (the default run covers
    // `main`, and the `@server-1.0` scenarios on their own mocks).
    conformance(root, &["--server-version".to_owned(), "1.0".to_owned()])?;
    Ok(())
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
    eprintln!("$ cargo {}", args.join(" "));
    let status = Process::new(&cargo)
        .args(args)
        .current_dir(root)
        .status()
        .with_context(|| format!("failed to run cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("cargo {} failed with {status}", args.join(" "));
    }
    Ok(())
}
