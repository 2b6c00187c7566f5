//! The readable report: per feature, scenarios passed, failed and skipped, read back from the JUnit
//! XML the run wrote; and the last line, `N passed, N failed`.

use std::fmt::Write as _;

/// Counts for one feature (one JUnit test suite).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureCounts {
    pub feature: String,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

/// Read the per-suite counts from cucumber's JUnit XML.
pub fn from_junit(xml: &str) -> Vec<FeatureCounts> {
    let suite = regex::Regex::new(r"<testsuite\s([^>]*)>").expect("a valid pattern");
    let attr = |attrs: &str, name: &str| -> usize {
        regex::Regex::new(&format!(r#"\b{name}="(\d+)""#))
            .ok()
            .and_then(|re| re.captures(attrs).and_then(|c| c[1].parse().ok()))
            .unwrap_or(0)
    };
    let name = regex::Regex::new(r#"\bname="([^"]*)""#).expect("a valid pattern");
    suite
        .captures_iter(xml)
        .map(|c| {
            let attrs = &c[1];
            let tests = attr(attrs, "tests");
            let failed = attr(attrs, "failures") + attr(attrs, "errors");
            let skipped = attr(attrs, "skipped");
            let feature = name
                .captures(attrs)
                .map(|n| feature_name(&unescape(&n[1])))
                .unwrap_or_default();
            FeatureCounts {
                feature,
                passed: tests.saturating_sub(failed + skipped),
                failed,
                skipped,
            }
        })
        .collect()
}

/// The table and the closing line.
pub fn render(counts: &[FeatureCounts]) -> String {
    let mut out = String::new();
    let width = counts
        .iter()
        .map(|c| c.feature.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let _ = writeln!(
        out,
        "{:<width$}  {:>6}  {:>6}  {:>7}",
        "feature", "passed", "failed", "skipped"
    );
    for c in counts {
        let _ = writeln!(
            out,
            "{:<width$}  {:>6}  {:>6}  {:>7}",
            c.feature, c.passed, c.failed, c.skipped
        );
    }
    let passed: usize = counts.iter().map(|c| c.passed).sum();
    let failed: usize = counts.iter().map(|c| c.failed).sum();
    let skipped: usize = counts.iter().map(|c| c.skipped).sum();
    if skipped > 0 {
        let _ = writeln!(out, "{passed} passed, {failed} failed, {skipped} skipped");
    } else {
        let _ = writeln!(out, "{passed} passed, {failed} failed");
    }
    out
}

/// cucumber names a suite `Feature: <name>: <path>`; the report shows `<name>`.
fn feature_name(suite: &str) -> String {
    let name = suite.strip_prefix("Feature: ").unwrap_or(suite);
    match name.rsplit_once(": ") {
        Some((name, path)) if path.ends_with(".feature") => name.to_owned(),
        _ => name.to_owned(),
    }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_come_from_the_junit_suites() {
        let xml = r#"<testsuites><testsuite id="0" name="Feature: Discovery: /w/features/discovery.feature" package="testsuite/x" tests="3" errors="0" failures="1" hostname="localhost" timestamp="t" time="0" skipped="1"></testsuite></testsuites>"#;
        let counts = from_junit(xml);
        assert_eq!(
            counts,
            vec![FeatureCounts {
                feature: "Discovery".to_owned(),
                passed: 1,
                failed: 1,
                skipped: 1
            }]
        );
        assert!(render(&counts).ends_with("1 passed, 1 failed, 1 skipped\n"));
    }
}
