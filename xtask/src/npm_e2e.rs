//! `cargo xtask npm-e2e`: proves the npm packages `dist` packed, without publishing them. In
//! `target/npm-e2e/`, a copy of `npm/e2e/` installs its own dependencies from its lockfile
//! (`openid-client`, `typescript`), then the tarballs offline; then `node --test` runs the first
//! test alone (timed together with the install), then the rest (`npx thunderid-mock`, `startMock()`
//! with a published OIDC client), and `tsc` checks the typings.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::dist::{Dist, copy_dir, target_dir};
use crate::{npm_program, run};

pub fn npm_e2e(root: &Path, dist: &Dist) -> Result<()> {
    if dist.npm_tarballs.len() != 2 {
        bail!(
            "dist packed no npm packages for {} (see its output)",
            dist.triple
        );
    }
    let work = target_dir(root).join("npm-e2e");
    if work.exists() {
        fs::remove_dir_all(&work)?;
    }
    fs::create_dir_all(&work)?;
    let source = root.join("npm/e2e");
    for file in ["package.json", "package-lock.json"] {
        fs::copy(source.join(file), work.join(file))?;
    }
    for dir in ["test", "types", "bench"] {
        copy_dir(&source.join(dir), &work.join(dir))?;
    }
    let figures = work.join("figures.json");

    // The project's own dependencies, exactly as locked (from the registry or npm's cache).
    run(npm(&work).args(["ci", "--no-audit", "--no-fund"]))?;

    let started = Instant::now();
    run(npm(&work)
        .args([
            "install",
            "--offline",
            "--no-save",
            "--no-audit",
            "--no-fund",
        ])
        .args(&dist.npm_tarballs))?;
    let installed = started.elapsed();
    run(node_test(&work, &figures).arg("test/first.test.mjs"))?;
    let first_passed = started.elapsed();

    let mut rest: Vec<String> = fs::read_dir(work.join("test"))?
        .map(|entry| Ok(entry?.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_>>()?;
    rest.retain(|name| name.ends_with(".test.mjs") && name != "first.test.mjs");
    rest.sort();
    run(node_test(&work, &figures).args(rest.iter().map(|name| format!("test/{name}"))))?;

    let mut tsc = Command::new(npm_program());
    tsc.args(["exec", "--offline", "--no", "--", "tsc", "-p", "types"])
        .current_dir(&work);
    run(&mut tsc)?;

    let npx = fs::read_to_string(&figures)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|figures| figures["npxStartToDiscoveryMs"].as_f64());
    let size = fs::metadata(&dist.binary)?.len();
    eprintln!("npm-e2e: figures for BENCHMARKS.md");
    eprintln!(
        "  binary ({}): {size} bytes ({:.1} MiB)",
        dist.triple,
        size as f64 / (1024.0 * 1024.0)
    );
    eprintln!(
        "  npm install of the tarballs: {:.2} s; to the first passing test: {:.2} s",
        installed.as_secs_f64(),
        first_passed.as_secs_f64()
    );
    match npx {
        Some(ms) => eprintln!("  npx thunderid-mock start to the first discovery 200: {ms:.0} ms"),
        None => eprintln!("  npx thunderid-mock start to the first discovery 200: not recorded"),
    }
    Ok(())
}

fn npm(work: &Path) -> Command {
    let mut command = Command::new(npm_program());
    command.current_dir(work);
    command
}

/// `node --test` with the packages' own binary (never an override) and the figures file.
fn node_test(work: &Path, figures: &Path) -> Command {
    let mut command = Command::new("node");
    command
        .arg("--test")
        .current_dir(work)
        .env_remove("THUNDERID_MOCK_BINARY")
        .env("THUNDERID_E2E_FIGURES", figures);
    command
}
