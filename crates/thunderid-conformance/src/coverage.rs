//! The coverage gate: every error code the mock can emit, every V2 flow status and step type must
//! appear in at least one scenario. The list of codes is derived, not kept by hand: the protocol
//! crate's enums give every code and its wire string; the mock's sources say which ones it emits.

use std::collections::BTreeSet;
use std::path::Path;

use thunderid_protocol::{ApiErrorCode, OAuthErrorCode};

/// One wire value that must appear in the scenarios, and where the obligation comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Obligation {
    pub value: String,
    pub source: String,
}

/// Every code the mock's sources under `mock_src` emit, as wire strings.
pub fn emitted_codes(mock_src: &Path) -> anyhow::Result<Vec<Obligation>> {
    let api = regex::Regex::new(r"ApiErrorCode::([A-Z][A-Za-z0-9]*)")?;
    let oauth = regex::Regex::new(r"OAuthErrorCode::([A-Z][A-Za-z0-9]*)")?;
    let mut found = BTreeSet::new();
    for file in rust_files(mock_src)? {
        let text = std::fs::read_to_string(&file)?;
        let relative = file
            .strip_prefix(mock_src)
            .unwrap_or(&file)
            .display()
            .to_string();
        // Test modules assert codes; they do not emit them.
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        for capture in api.captures_iter(text) {
            if let Some(code) = ApiErrorCode::ALL
                .iter()
                .find(|c| format!("{c:?}") == capture[1])
            {
                found.insert(Obligation {
                    value: code.as_str().to_owned(),
                    source: relative.clone(),
                });
            }
        }
        for capture in oauth.captures_iter(text) {
            if let Some(code) = OAuthErrorCode::KNOWN
                .iter()
                .find(|c| format!("{c:?}") == capture[1])
            {
                found.insert(Obligation {
                    value: code.as_str().to_owned(),
                    source: relative.clone(),
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

/// The obligations no scenario in `features_dir` mentions.
pub fn gaps(obligations: &[Obligation], features_dir: &Path) -> anyhow::Result<Vec<Obligation>> {
    let mut text = String::new();
    for file in files_with_extension(features_dir, "feature")? {
        for line in std::fs::read_to_string(&file)?.lines() {
            if !line.trim_start().starts_with('#') {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    Ok(obligations
        .iter()
        .filter(|o| !mentions(&text, &o.value))
        .cloned()
        .collect())
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

fn rust_files(dir: &Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    files_with_extension(dir, "rs")
}

fn files_with_extension(dir: &Path, extension: &str) -> anyhow::Result<Vec<std::path::PathBuf>> {
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
}
