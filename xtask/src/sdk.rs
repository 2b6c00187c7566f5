//! `cargo xtask sdk-javascript`: the `@sdk` scenarios against the published `@thunderid/javascript`
//! through `drivers/javascript/` (installed with `npm ci` from its lockfile), with its
//! expected-failures file; the scorecard goes to `target/conformance/sdk-javascript/`. A failure
//! that is not listed, or a listed one that passes, fails the step.

use std::path::Path;
use std::process::Command;

use anyhow::Result;

use crate::dist::target_dir;

pub fn javascript(root: &Path) -> Result<()> {
    let driver = root.join("drivers/javascript");
    crate::run(
        Command::new(crate::npm_program())
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&driver),
    )?;
    let scorecard = target_dir(root).join("conformance/sdk-javascript");
    let args = [
        "--sdk".to_owned(),
        format!("node {}", driver.join("driver.mjs").display()),
        "--expected-failures".to_owned(),
        driver.join("expected-failures.txt").display().to_string(),
        "--scorecard".to_owned(),
        scorecard.display().to_string(),
    ];
    crate::conformance(root, &args)?;
    eprintln!(
        "sdk-javascript: scorecard in {}",
        scorecard.join("scorecard.md").display()
    );
    Ok(())
}
