//! The SDK scorecard: one outcome per `@sdk` scenario (passed, failed, unsupported), MUST and
//! SHOULD counted apart, weighed against the driver's expected-failures file, written as JUnit XML
//! and as a Markdown summary an SDK author can paste into a pull request.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How binding the rule behind a scenario is (`@must` / `@should`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Must,
    Should,
}

impl Level {
    /// The level a scenario's tags give it; `None` when it has neither tag (an error in the feature).
    pub fn from_tags<'t>(tags: impl IntoIterator<Item = &'t String>) -> Option<Self> {
        tags.into_iter().find_map(|tag| match tag.as_str() {
            "must" => Some(Self::Must),
            "should" => Some(Self::Should),
            _ => None,
        })
    }

    fn label(self) -> &'static str {
        match self {
            Self::Must => "MUST",
            Self::Should => "SHOULD",
        }
    }
}

/// What happened to one scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// The first failing step and its message.
    Failed(String),
    /// The command the SDK does not have.
    Unsupported(String),
}

/// One scenario's line on the scorecard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub feature: String,
    pub scenario: String,
    pub level: Level,
    /// The rule the scenario comes from (its `Source:` line).
    pub source: String,
    pub verdict: Verdict,
}

/// The scenarios a driver is known to fail, by exact name, each with the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpectedFailures(pub BTreeMap<String, String>);

impl ExpectedFailures {
    /// `scenario name | reason` per line; `#` comments and blank lines are skipped.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut map = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, reason) = line
                .split_once(" | ")
                .ok_or_else(|| anyhow::anyhow!("line {}: expected `scenario | reason`", n + 1))?;
            let (name, reason) = (name.trim(), reason.trim());
            anyhow::ensure!(!reason.is_empty(), "line {}: the reason is empty", n + 1);
            if map.insert(name.to_owned(), reason.to_owned()).is_some() {
                anyhow::bail!("line {}: {name:?} is listed twice", n + 1);
            }
        }
        Ok(Self(map))
    }
}

/// The run weighed against the expected failures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scorecard {
    pub sdk: String,
    pub outcomes: Vec<Outcome>,
    pub expected: ExpectedFailures,
}

/// Counts for one level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub unsupported: usize,
}

impl Scorecard {
    pub fn new(sdk: String, mut outcomes: Vec<Outcome>, expected: ExpectedFailures) -> Self {
        outcomes.sort_by(|a, b| (&a.feature, &a.scenario).cmp(&(&b.feature, &b.scenario)));
        Self {
            sdk,
            outcomes,
            expected,
        }
    }

    pub fn counts(&self, level: Level) -> Counts {
        let mut counts = Counts::default();
        for o in self.outcomes.iter().filter(|o| o.level == level) {
            match o.verdict {
                Verdict::Passed => counts.passed += 1,
                Verdict::Failed(_) => counts.failed += 1,
                Verdict::Unsupported(_) => counts.unsupported += 1,
            }
        }
        counts
    }

    /// Failures the expected-failures file does not list: regressions.
    pub fn unexpected_failures(&self) -> Vec<&Outcome> {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.verdict, Verdict::Failed(_)))
            .filter(|o| !self.expected.0.contains_key(&o.scenario))
            .collect()
    }

    /// Listed scenarios that did not fail (they pass now, are unsupported, or no longer exist):
    /// the file is out of date, which fails the run as a regression would.
    pub fn stale_expectations(&self) -> Vec<(&str, &'static str)> {
        self.expected
            .0
            .keys()
            .filter_map(|name| {
                let outcome = self.outcomes.iter().find(|o| &o.scenario == name);
                match outcome.map(|o| &o.verdict) {
                    Some(Verdict::Failed(_)) => None,
                    Some(Verdict::Passed) => Some((name.as_str(), "passes now")),
                    Some(Verdict::Unsupported(_)) => Some((name.as_str(), "is unsupported")),
                    None => Some((name.as_str(), "did not run")),
                }
            })
            .collect()
    }

    /// The run is green when every failure is expected and every expectation still fails.
    pub fn green(&self) -> bool {
        self.unexpected_failures().is_empty() && self.stale_expectations().is_empty()
    }

    /// The Markdown summary.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# SDK conformance: {}\n", self.sdk);
        let _ = writeln!(out, "| level | passed | failed | unsupported |");
        let _ = writeln!(out, "|---|---:|---:|---:|");
        for level in [Level::Must, Level::Should] {
            let c = self.counts(level);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                level.label(),
                c.passed,
                c.failed,
                c.unsupported
            );
        }
        let _ = writeln!(out, "\n| | level | scenario | source | note |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for o in &self.outcomes {
            let (mark, note) = match &o.verdict {
                Verdict::Passed => ("pass", String::new()),
                Verdict::Unsupported(cmd) => ("unsupported", format!("no `{cmd}`")),
                Verdict::Failed(message) => match self.expected.0.get(&o.scenario) {
                    Some(reason) => ("FAIL (expected)", reason.clone()),
                    None => ("FAIL", first_line(message)),
                },
            };
            let _ = writeln!(
                out,
                "| {mark} | {} | {} | {} | {} |",
                o.level.label(),
                cell(&o.scenario),
                cell(&o.source),
                cell(&note)
            );
        }
        let stale = self.stale_expectations();
        if !stale.is_empty() {
            let _ = writeln!(out, "\nExpected failures that did not fail:\n");
            for (name, why) in stale {
                let _ = writeln!(out, "* {name}: {why}");
            }
        }
        out
    }

    /// The last lines of the terminal report.
    pub fn summary(&self) -> String {
        let (must, should) = (self.counts(Level::Must), self.counts(Level::Should));
        let mut out = format!(
            "SDK {}: MUST {} passed, {} failed, {} unsupported; SHOULD {} passed, {} failed, {} unsupported\n",
            self.sdk,
            must.passed,
            must.failed,
            must.unsupported,
            should.passed,
            should.failed,
            should.unsupported
        );
        for o in self.unexpected_failures() {
            let _ = writeln!(out, "unexpected failure: {}", o.scenario);
        }
        for (name, why) in self.stale_expectations() {
            let _ = writeln!(out, "expected failure {why}: {name}");
        }
        out
    }

    /// JUnit XML: one suite per feature; an expected failure is a test case with `<skipped>`
    /// naming the reason, so dashboards stay green yet show it.
    pub fn junit(&self) -> String {
        let mut suites: BTreeMap<&str, Vec<&Outcome>> = BTreeMap::new();
        for o in &self.outcomes {
            suites.entry(&o.feature).or_default().push(o);
        }
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
        for (feature, outcomes) in suites {
            let failures = outcomes
                .iter()
                .filter(|o| {
                    matches!(o.verdict, Verdict::Failed(_))
                        && !self.expected.0.contains_key(&o.scenario)
                })
                .count();
            let skipped = outcomes
                .iter()
                .filter(|o| !matches!(o.verdict, Verdict::Passed))
                .count()
                - failures;
            let _ = writeln!(
                out,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">",
                xml(feature),
                outcomes.len()
            );
            for o in outcomes {
                let _ = write!(
                    out,
                    "    <testcase classname=\"{}\" name=\"[{}] {}\"",
                    xml(feature),
                    o.level.label(),
                    xml(&o.scenario)
                );
                match &o.verdict {
                    Verdict::Passed => out.push_str("/>\n"),
                    Verdict::Unsupported(cmd) => {
                        let _ = writeln!(
                            out,
                            "><skipped message=\"unsupported: {}\"/></testcase>",
                            xml(cmd)
                        );
                    }
                    Verdict::Failed(message) => match self.expected.0.get(&o.scenario) {
                        Some(reason) => {
                            let _ = writeln!(
                                out,
                                "><skipped message=\"expected failure: {}\"/></testcase>",
                                xml(reason)
                            );
                        }
                        None => {
                            let _ = writeln!(
                                out,
                                "><failure message=\"{}\">{}</failure></testcase>",
                                xml(&first_line(message)),
                                xml(message)
                            );
                        }
                    },
                }
            }
            out.push_str("  </testsuite>\n");
        }
        out.push_str("</testsuites>\n");
        out
    }
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or_default();
    if line.chars().count() > 200 {
        format!("{}…", line.chars().take(200).collect::<String>())
    } else {
        line.to_owned()
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(scenario: &str, level: Level, verdict: Verdict) -> Outcome {
        Outcome {
            feature: "F".into(),
            scenario: scenario.into(),
            level,
            source: "RFC 1".into(),
            verdict,
        }
    }

    #[test]
    fn expected_failures_keep_the_run_green_and_catch_both_directions() {
        let expected =
            ExpectedFailures::parse("# known\nb | checks no nonce\nc | was broken\n").unwrap();
        let card = Scorecard::new(
            "sdk".into(),
            vec![
                outcome("a", Level::Must, Verdict::Passed),
                outcome("b", Level::Must, Verdict::Failed("nonce".into())),
                outcome("c", Level::Should, Verdict::Passed),
                outcome(
                    "d",
                    Level::Should,
                    Verdict::Unsupported("token.exchange".into()),
                ),
            ],
            expected,
        );
        assert_eq!(
            card.counts(Level::Must),
            Counts {
                passed: 1,
                failed: 1,
                unsupported: 0
            }
        );
        assert_eq!(
            card.counts(Level::Should),
            Counts {
                passed: 1,
                failed: 0,
                unsupported: 1
            }
        );
        assert!(card.unexpected_failures().is_empty());
        assert_eq!(card.stale_expectations(), vec![("c", "passes now")]);
        assert!(!card.green());
        assert!(
            card.junit()
                .contains(r#"<skipped message="expected failure: checks no nonce"/>"#)
        );
        assert!(
            card.markdown()
                .contains("| FAIL (expected) | MUST | b | RFC 1 | checks no nonce |")
        );
    }

    #[test]
    fn an_unlisted_failure_is_a_regression() {
        let card = Scorecard::new(
            "sdk".into(),
            vec![outcome(
                "a",
                Level::Must,
                Verdict::Failed("boom\nmore".into()),
            )],
            ExpectedFailures::default(),
        );
        assert!(!card.green());
        assert!(card.junit().contains(r#"<failure message="boom">boom"#));
        assert!(card.summary().ends_with("unexpected failure: a\n"));
    }

    #[test]
    fn malformed_expectation_lines_are_refused() {
        assert!(ExpectedFailures::parse("no reason here").is_err());
        assert!(ExpectedFailures::parse("a | x\na | y").is_err());
    }
}
