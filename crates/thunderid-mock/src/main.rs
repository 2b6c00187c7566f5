//! The `thunderid-mock` binary: logging, then the CLI. Everything else lives in the library.

use clap::Parser;
use tracing_subscriber::EnvFilter;

/// A request allocates and frees many small strings and maps; glibc's malloc spent about 7 % of the
/// server's CPU on them under sign-in load, mimalloc about half of that (BENCHMARKS.md). Only the
/// binary sets it: a library user keeps their own allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    thunderid_mock::cli::Cli::parse().run().await
}
