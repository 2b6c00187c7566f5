//! The `@sdk` scenarios against the project's Rust client, through its driver binary and the real
//! protocol (`cargo test -p thunderid-conformance --test sdk`): it must pass every MUST scenario,
//! and every other failure must be listed in `drivers/rust/expected-failures.txt`.

use std::path::Path;

use thunderid_conformance::sdk::scorecard::Level;
use thunderid_conformance::sdk::{self, DEFAULT_TIMEOUT, SdkOptions};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let options = SdkOptions {
        command: env!("CARGO_BIN_EXE_thunderid-rust-driver").to_owned(),
        timeout: DEFAULT_TIMEOUT,
        expected_failures: Some(root.join("drivers/rust/expected-failures.txt")),
        scorecard: Some(root.join("target/conformance/sdk-rust")),
        name: None,
    };
    let card = match runtime.block_on(sdk::run(&root, options)) {
        Ok(card) => card,
        Err(e) => {
            eprintln!("the SDK run could not start: {e:#}");
            std::process::exit(2);
        }
    };
    let must = card.counts(Level::Must);
    let ran = card.outcomes.len();
    if ran == 0 || must.failed > 0 || must.unsupported > 0 || !card.green() {
        eprintln!(
            "the Rust client must pass every MUST scenario ({ran} ran; MUST: {} failed, {} unsupported)",
            must.failed, must.unsupported
        );
        std::process::exit(1);
    }
}
