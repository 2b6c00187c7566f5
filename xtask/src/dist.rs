//! `cargo xtask dist`: the release binary for the host, statically linked where the platform allows
//! (glibc and MSVC `crt-static`), stripped (the `dist-release` profile); then in `target/dist/`: the
//! versioned archive, the npm packages (the launcher and the host's platform package, packed by
//! `npm pack`), the build context of the container image, and `SHA256SUMS` over all of them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::{npm_program, run};

/// What `dist` made.
#[derive(Debug)]
pub struct Dist {
    pub version: String,
    pub triple: String,
    /// The stripped binary, as built.
    pub binary: PathBuf,
    /// `target/dist/`.
    pub dir: PathBuf,
    /// The npm tarballs: the launcher, then the host's platform package (empty without npm or
    /// for a host no platform package is for).
    pub npm_tarballs: Vec<PathBuf>,
}

pub fn dist(root: &Path) -> Result<Dist> {
    let version = workspace_version(root)?;
    check_npm_versions(root, &version)?;
    let triple = host_triple()?;
    let binary = build_binary(root, &triple)?;
    check_static(&binary, &triple)?;
    let size = fs::metadata(&binary)?.len();
    eprintln!(
        "dist: {} ({:.1} MiB, {})",
        binary.display(),
        size as f64 / (1024.0 * 1024.0),
        linkage(&triple)
    );

    let dir = target_dir(root).join("dist");
    if dir.exists() {
        fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    fs::create_dir_all(&dir)?;
    let mut artifacts = vec![archive(root, &dir, &binary, &version, &triple)?];
    let npm_tarballs = npm_packages(root, &dir, &binary, &version, &triple)?;
    artifacts.extend(npm_tarballs.iter().cloned());
    if triple.contains("-linux-") {
        image_context(root, &dir, &binary)?;
    }
    write_checksums(&dir, &artifacts)?;
    for artifact in &artifacts {
        eprintln!("dist: wrote {}", artifact.display());
    }
    Ok(Dist {
        version,
        triple,
        binary,
        dir,
        npm_tarballs,
    })
}

/// The target directory cargo builds into (`CARGO_TARGET_DIR` or `<root>/target`).
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// `[workspace.package] version` from the root manifest: the version of every crate and package.
pub fn workspace_version(root: &Path) -> Result<String> {
    let manifest = fs::read_to_string(root.join("Cargo.toml"))?;
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[workspace.package]";
        } else if in_package && let Some(value) = line.strip_prefix("version = ") {
            return Ok(value.trim_matches('"').to_owned());
        }
    }
    bail!("no version in [workspace.package] of Cargo.toml")
}

fn host_triple() -> Result<String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let output = Command::new(rustc).arg("-vV").output()?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .context("rustc -vV names no host")
}

/// Whether the C runtime can be linked in statically: glibc and MSVC by `crt-static`; musl is
/// static already; macOS has no static system libraries.
fn crt_static(triple: &str) -> bool {
    triple.ends_with("-linux-gnu") || triple.ends_with("-windows-msvc")
}

fn linkage(triple: &str) -> &'static str {
    if crt_static(triple) || triple.ends_with("-musl") {
        "statically linked"
    } else {
        "dynamically linked to the system libraries"
    }
}

/// `cargo build --profile dist-release --target <host>`; with `--target`, the `crt-static` flag reaches
/// only the binary, not build scripts and proc macros (which must stay dynamic).
fn build_binary(root: &Path, triple: &str) -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .args([
            "build",
            "--locked",
            "--profile",
            "dist-release",
            "--package",
        ])
        .args([
            "thunderid-mock",
            "--bin",
            "thunderid-mock",
            "--target",
            triple,
        ])
        .args(["--message-format", "json-render-diagnostics"])
        .current_dir(root)
        .stdout(Stdio::piped());
    if crt_static(triple) {
        let var = format!(
            "CARGO_TARGET_{}_RUSTFLAGS",
            triple.to_uppercase().replace('-', "_")
        );
        command.env(var, "-C target-feature=+crt-static");
    }
    eprintln!("$ cargo build --profile dist-release --package thunderid-mock --target {triple}");
    let output = command.output().context("cannot run cargo build")?;
    if !output.status.success() {
        bail!(
            "cargo build --profile dist-release failed with {}",
            output.status
        );
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .context("cargo build named no executable")
}

/// On Linux, `ldd` must find no shared libraries.
fn check_static(binary: &Path, triple: &str) -> Result<()> {
    if !triple.ends_with("-linux-gnu") {
        return Ok(());
    }
    let Ok(output) = Command::new("ldd").arg(binary).output() else {
        eprintln!("dist: no ldd here, so the static linking is unchecked");
        return Ok(());
    };
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if said.contains("not a dynamic executable") || said.contains("statically linked") {
        eprintln!("dist: ldd: {}", said.trim());
        Ok(())
    } else {
        bail!(
            "{} is not statically linked; ldd says:\n{said}",
            binary.display()
        )
    }
}

/// `thunderid-mock-v<version>-<triple>.tar.gz`: the binary, README, LICENSE and CHANGELOG in a
/// directory of the same name.
fn archive(root: &Path, dir: &Path, binary: &Path, version: &str, triple: &str) -> Result<PathBuf> {
    let name = format!("thunderid-mock-v{version}-{triple}");
    let stage = dir.join("stage");
    let content = stage.join(&name);
    fs::create_dir_all(&content)?;
    copy(
        binary,
        &content.join(binary.file_name().context("a file name")?),
    )?;
    for doc in ["README.md", "LICENSE", "CHANGELOG.md"] {
        copy(&root.join(doc), &content.join(doc))?;
    }
    let archive = dir.join(format!("{name}.tar.gz"));
    let mut tar = Command::new("tar");
    tar.arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(&stage)
        .arg(&name);
    run(&mut tar)?;
    fs::remove_dir_all(&stage)?;
    Ok(archive)
}

/// Stage and `npm pack` the launcher and the host's platform package. Skipped, with a message,
/// without npm or for a host no platform package is for.
fn npm_packages(
    root: &Path,
    dir: &Path,
    binary: &Path,
    version: &str,
    triple: &str,
) -> Result<Vec<PathBuf>> {
    let Some(platform) = platform_package(root, triple)? else {
        eprintln!("dist: no npm platform package is for {triple}; npm packages skipped");
        return Ok(Vec::new());
    };
    if Command::new(npm_program())
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("dist: npm is not installed; npm packages skipped");
        return Ok(Vec::new());
    }
    let stage = dir.join("npm");
    let launcher = stage.join("thunderid-mock");
    copy_dir(&root.join("npm/thunderid-mock"), &launcher)?;
    copy(&root.join("LICENSE"), &launcher.join("LICENSE"))?;

    let platform_dir = stage.join(platform.file_name().context("a platform dir")?);
    fs::create_dir_all(platform_dir.join("bin"))?;
    copy(
        &platform.join("package.json"),
        &platform_dir.join("package.json"),
    )?;
    copy(&root.join("LICENSE"), &platform_dir.join("LICENSE"))?;
    copy(
        binary,
        &platform_dir
            .join("bin")
            .join(binary.file_name().context("a file name")?),
    )?;
    fs::write(
        platform_dir.join("README.md"),
        format!(
            "# thunderid-mock {version} for {triple}\n\nThe binary of \
             [thunderid-mock](https://www.npmjs.com/package/thunderid-mock) for this platform. \
             Install `thunderid-mock`, which picks this package.\n"
        ),
    )?;

    let mut tarballs = Vec::new();
    for package in [&launcher, &platform_dir] {
        let mut pack = Command::new(npm_program());
        pack.args(["pack", "--silent", "--pack-destination"])
            .arg(dir)
            .current_dir(package);
        let output = pack.output().context("cannot run npm pack")?;
        if !output.status.success() {
            bail!(
                "npm pack in {} failed: {}",
                package.display(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let file = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        tarballs.push(dir.join(file));
    }
    fs::remove_dir_all(&stage)?;
    Ok(tarballs)
}

/// The directory under `npm/platforms/` whose package.json has `"rustTarget": <triple>`.
fn platform_package(root: &Path, triple: &str) -> Result<Option<PathBuf>> {
    for entry in fs::read_dir(root.join("npm/platforms"))? {
        let dir = entry?.path();
        let manifest = read_json(&dir.join("package.json"))?;
        if manifest["rustTarget"] == triple {
            return Ok(Some(dir));
        }
    }
    Ok(None)
}

/// The launcher, every platform package and the launcher's dependencies on them carry `version`.
pub fn check_npm_versions(root: &Path, version: &str) -> Result<()> {
    let mut wrong = Vec::new();
    let launcher = read_json(&root.join("npm/thunderid-mock/package.json"))?;
    if launcher["version"] != version {
        wrong.push(format!("thunderid-mock is {}", launcher["version"]));
    }
    let dependencies = launcher["optionalDependencies"]
        .as_object()
        .context("the launcher has optionalDependencies")?;
    let mut platforms = Vec::new();
    for entry in fs::read_dir(root.join("npm/platforms"))? {
        let manifest = read_json(&entry?.path().join("package.json"))?;
        let name = manifest["name"].as_str().context("a name")?.to_owned();
        if manifest["version"] != version {
            wrong.push(format!("{name} is {}", manifest["version"]));
        }
        if dependencies.get(&name).and_then(|v| v.as_str()) != Some(version) {
            wrong.push(format!(
                "the launcher needs {name}@{:?}",
                dependencies.get(&name)
            ));
        }
        platforms.push(name);
    }
    for name in dependencies.keys().filter(|n| !platforms.contains(n)) {
        wrong.push(format!(
            "the launcher needs {name}, which npm/platforms/ lacks"
        ));
    }
    if !wrong.is_empty() {
        bail!(
            "the npm packages must carry the crate version {version}: {}",
            wrong.join("; ")
        );
    }
    Ok(())
}

/// `target/dist/image/`: the build context of the `Dockerfile`: the binary, the fixtures, and
/// `rootfs/tmp/`, the image's temp directory.
fn image_context(root: &Path, dir: &Path, binary: &Path) -> Result<()> {
    let context = dir.join("image");
    fs::create_dir_all(context.join("rootfs/tmp"))?;
    copy(binary, &context.join("thunderid-mock"))?;
    copy_dir(&root.join("fixtures/default"), &context.join("fixtures"))
}

/// `SHA256SUMS` in `sha256sum -c` format.
fn write_checksums(dir: &Path, artifacts: &[PathBuf]) -> Result<()> {
    let mut sums = String::new();
    for artifact in artifacts {
        let digest = Sha256::digest(fs::read(artifact)?);
        let name = artifact.file_name().context("a file name")?;
        sums.push_str(&format!("{}  {}\n", hex(&digest), name.to_string_lossy()));
    }
    fs::write(dir.join("SHA256SUMS"), sums)?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn read_json(path: &Path) -> Result<serde_json::Value> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    fs::copy(from, to)
        .map(drop)
        .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))
}

pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            copy(&entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_npm_packages_carry_the_crate_version() {
        let root = crate::project_root();
        let version = workspace_version(&root).unwrap();
        check_npm_versions(&root, &version).unwrap();
    }

    #[test]
    fn every_platform_package_names_a_rust_target() {
        let root = crate::project_root();
        for triple in [
            "x86_64-unknown-linux-gnu",
            "aarch64-unknown-linux-gnu",
            "x86_64-apple-darwin",
            "aarch64-apple-darwin",
            "x86_64-pc-windows-msvc",
        ] {
            assert!(
                platform_package(&root, triple).unwrap().is_some(),
                "{triple}"
            );
        }
    }
}
