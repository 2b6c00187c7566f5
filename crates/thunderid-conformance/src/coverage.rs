//! The coverage gate: every error code the mock can emit, every V2 flow status and step type must
//! appear in at least one scenario. The list of codes is derived, not kept by hand: the protocol
//! crate's enums give every code and its wire string; the mock's sources say which ones it emits.
//!
//! A code that genuinely cannot be triggered from outside (say, a fault the fixtures' validation
//! rules out) is listed in `features/coverage-exemptions.txt`, one `CODE  reason` per line; the
//! runner prints every exemption with its reason. An exemption for a code the mock no longer emits
//! is an error, so the list cannot rot.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use thunderid_protocol::flow::{FlowStatus, StepType};
use thunderid_protocol::{ApiErrorCode, OAuthErrorCode};

/// One wire value that must appear in the scenarios, and where the obligation comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Obligation {
    pub value: String,
    pub source: String,
}

/// A code the scenarios need not trigger, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exemption {
    pub code: String,
    pub reason: String,
}

/// What the gate found.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Obligations no scenario mentions and no exemption excuses.
    pub gaps: Vec<Obligation>,
    /// The exemptions in force.
    pub exemptions: Vec<Exemption>,
    /// Exemptions for values that are no obligation (any more): the gate fails on them.
    pub stale: Vec<Exemption>,
    /// Exempt values that a scenario mentions anyway: the exemption can go.
    pub unneeded: Vec<Exemption>,
    /// Flow codes (FES, FET, ICS, FLC) the mock never emits and `unemitted-codes.txt` does not
    /// explain: every one must be produced or have its reason written down.
    pub unexplained: Vec<String>,
    /// Codes `unemitted-codes.txt` explains although the mock emits them: the entry must go.
    pub explained_but_emitted: Vec<String>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.gaps.is_empty()
            && self.stale.is_empty()
            && self.unexplained.is_empty()
            && self.explained_but_emitted.is_empty()
    }

    /// The gate's report: exemptions, then problems.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if !self.exemptions.is_empty() {
            let _ = writeln!(
                out,
                "coverage gate: {} exempt code(s) (features/coverage-exemptions.txt):",
                self.exemptions.len()
            );
            for e in &self.exemptions {
                let _ = writeln!(out, "  {:<10} {}", e.code, e.reason);
            }
        }
        for e in &self.unneeded {
            let _ = writeln!(
                out,
                "coverage gate: {} is exempt but a scenario mentions it; drop the exemption",
                e.code
            );
        }
        for e in &self.stale {
            let _ = writeln!(
                out,
                "coverage gate: {} is exempt but the mock does not emit it; drop the exemption",
                e.code
            );
        }
        for code in &self.unexplained {
            let _ = writeln!(
                out,
                "coverage gate: {code} is never emitted by the mock; emit it or explain why in features/unemitted-codes.txt"
            );
        }
        for code in &self.explained_but_emitted {
            let _ = writeln!(
                out,
                "coverage gate: {code} is in features/unemitted-codes.txt but the mock emits it; drop the entry"
            );
        }
        if !self.gaps.is_empty() {
            let _ = writeln!(
                out,
                "coverage gate: these values the mock can emit appear in no scenario:"
            );
            for gap in &self.gaps {
                let _ = writeln!(out, "  {} (from {})", gap.value, gap.source);
            }
        }
        out
    }
}

/// Run the gate for the workspace at `root`.
pub fn check(root: &Path) -> anyhow::Result<Outcome> {
    let mut obligations = emitted_codes(&root.join("crates/thunderid-mock/src"))?;
    obligations.extend(flow_vocabulary());
    let features = root.join("features");
    let exemptions = exemptions(&features.join("coverage-exemptions.txt"))?;
    let text = feature_text(&features)?;
    let exempt: BTreeSet<&str> = exemptions.iter().map(|e| e.code.as_str()).collect();
    let gaps = obligations
        .iter()
        .filter(|o| !mentions(&text, &o.value) && !exempt.contains(o.value.as_str()))
        .cloned()
        .collect();
    let stale = exemptions
        .iter()
        .filter(|e| !obligations.iter().any(|o| o.value == e.code))
        .cloned()
        .collect();
    let unneeded = exemptions
        .iter()
        .filter(|e| mentions(&text, &e.code))
        .cloned()
        .collect();
    let unemitted = exemptions_from(&features.join("unemitted-codes.txt"))?;
    let emitted: BTreeSet<&str> = obligations.iter().map(|o| o.value.as_str()).collect();
    let explained: BTreeSet<&str> = unemitted.iter().map(|e| e.code.as_str()).collect();
    let unexplained = flow_codes()
        .filter(|code| !emitted.contains(code.as_str()) && !explained.contains(code.as_str()))
        .collect();
    let explained_but_emitted = unemitted
        .iter()
        .filter(|e| emitted.contains(e.code.as_str()))
        .map(|e| e.code.clone())
        .collect();
    Ok(Outcome {
        gaps,
        exemptions,
        stale,
        unneeded,
        unexplained,
        explained_but_emitted,
    })
}

/// Every flow error code of the protocol crate: the flow service's, the executors', the
/// interceptors' and the flow core's.
fn flow_codes() -> impl Iterator<Item = String> {
    ApiErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .filter(|c| {
            ["FES-", "FET-", "ICS-", "FLC-"]
                .iter()
                .any(|p| c.starts_with(p))
        })
}

fn exemptions_from(path: &Path) -> anyhow::Result<Vec<Exemption>> {
    exemptions(path)
}

/// Every V2 flow status and step type: each must be seen in some scenario.
pub fn flow_vocabulary() -> Vec<Obligation> {
    let statuses = FlowStatus::ALL.iter().map(|s| Obligation {
        value: s.as_str().to_owned(),
        source: "the V2 flow statuses".to_owned(),
    });
    let steps = StepType::ALL.iter().map(|s| Obligation {
        value: s.as_str().to_owned(),
        source: "the V2 step types".to_owned(),
    });
    statuses.chain(steps).collect()
}

/// Parse `coverage-exemptions.txt`: `CODE  reason` per line; blank lines and `#` comments are
/// ignored. A missing file means no exemptions.
pub fn exemptions(path: &Path) -> anyhow::Result<Vec<Exemption>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    parse_exemptions(&text).with_context(|| format!("in {}", path.display()))
}

fn parse_exemptions(text: &str) -> anyhow::Result<Vec<Exemption>> {
    let mut out = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (code, reason) = line
            .split_once(char::is_whitespace)
            .map(|(c, r)| (c, r.trim()))
            .unwrap_or((line, ""));
        if reason.is_empty() {
            bail!("line {}: {code} needs a reason", number + 1);
        }
        out.push(Exemption {
            code: code.to_owned(),
            reason: reason.to_owned(),
        });
    }
    Ok(out)
}

/// Every code the mock's sources under `mock_src` emit, as wire strings.
pub fn emitted_codes(mock_src: &Path) -> anyhow::Result<Vec<Obligation>> {
    let api = regex::Regex::new(r"ApiErrorCode::([A-Z][A-Za-z0-9]*)")?;
    let oauth = regex::Regex::new(r"OAuthErrorCode::([A-Z][A-Za-z0-9]*)")?;
    let mut found = BTreeSet::new();
    for file in files_with_extension(mock_src, "rs")? {
        let text = non_test_code(&std::fs::read_to_string(&file)?);
        let relative = file
            .strip_prefix(mock_src)
            .unwrap_or(&file)
            .display()
            .to_string();
        for capture in api.captures_iter(&text) {
            if let Some(code) = ApiErrorCode::ALL
                .iter()
                .find(|c| format!("{c:?}") == capture[1])
            {
                found.insert(Obligation {
                    value: code.as_str().to_owned(),
                    source: format!("crates/thunderid-mock/src/{relative}"),
                });
            }
        }
        for capture in oauth.captures_iter(&text) {
            if let Some(code) = OAuthErrorCode::KNOWN
                .iter()
                .find(|c| format!("{c:?}") == capture[1])
            {
                found.insert(Obligation {
                    value: code.as_str().to_owned(),
                    source: format!("crates/thunderid-mock/src/{relative}"),
                });
            }
        }
    }
    // One obligation per value: keep the first source that names it.
    let mut seen = BTreeSet::new();
    Ok(found
        .into_iter()
        .filter(|o| seen.insert(o.value.clone()))
        .collect())
}

/// The source without its test code: a `#[cfg(test)] mod x;` declaration is dropped, and a
/// `#[cfg(test)] mod x { … }` block ends the scan (test modules sit at the end of a file). Test
/// code asserts codes; it does not emit them.
fn non_test_code(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut lines = source.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() != "#[cfg(test)]" {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let next = lines.peek().map(|l| l.trim()).unwrap_or_default();
        let is_mod = next.starts_with("mod ") || next.starts_with("pub(crate) mod ");
        if is_mod && next.ends_with(';') {
            lines.next();
        } else if is_mod {
            break;
        }
    }
    out
}

/// The non-comment lines of every `.feature` file under `dir`.
fn feature_text(dir: &Path) -> anyhow::Result<String> {
    let mut text = String::new();
    for file in files_with_extension(dir, "feature")? {
        for line in std::fs::read_to_string(&file)?.lines() {
            if !line.trim_start().starts_with('#') {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    Ok(text)
}

/// Whole-token match, so `FET-100` does not count as `FET-1001`.
fn mentions(text: &str, value: &str) -> bool {
    text.match_indices(value).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + value.len()..].chars().next();
        let boundary =
            |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-'));
        boundary(before) && boundary(after)
    })
}

fn files_with_extension(dir: &Path, extension: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_matches_whole_codes_only() {
        assert!(mentions("the error code is \"FET-1001\"", "FET-1001"));
        assert!(!mentions("FET-10011", "FET-1001"));
        assert!(mentions("invalid_grant", "invalid_grant"));
        assert!(!mentions("invalid_grant_type", "invalid_grant"));
    }

    #[test]
    fn a_test_module_declaration_does_not_hide_the_code_after_it() {
        let source = "use x;\n#[cfg(test)]\nmod tests;\nfn f() { ApiErrorCode::A }\n";
        assert!(non_test_code(source).contains("ApiErrorCode::A"));
        assert!(!non_test_code(source).contains("mod tests"));
    }

    #[test]
    fn an_inline_test_module_ends_the_scan() {
        let source = "fn f() { A }\n#[cfg(test)]\nmod tests {\n    fn g() { B }\n}\n";
        let code = non_test_code(source);
        assert!(code.contains('A') && !code.contains('B'));
    }

    #[test]
    fn exemptions_need_a_reason() {
        let parsed = parse_exemptions("# header\n\nSSE-5000   only for a genuine fault\n");
        assert_eq!(
            parsed.ok(),
            Some(vec![Exemption {
                code: "SSE-5000".into(),
                reason: "only for a genuine fault".into()
            }])
        );
        assert!(parse_exemptions("FET-1002\n").is_err());
    }

    #[test]
    fn the_flow_vocabulary_is_every_status_and_step_type() {
        let values: Vec<String> = flow_vocabulary().into_iter().map(|o| o.value).collect();
        assert_eq!(
            values,
            ["INCOMPLETE", "COMPLETE", "ERROR", "VIEW", "REDIRECTION"]
        );
    }
}
