//! SDK conformance (`--sdk "COMMAND"`): the `@sdk` scenarios of `features/sdk/` run against an SDK
//! through its driver (protocol v1, `docs/sdk-driver.md`), one scenario at a time, each with a
//! fresh mock and a fresh `configure`. What the SDK sent is checked in the mock's journal.
//!
//! * [`driver`]: the driver process and the protocol (announcement, commands, answers, timeouts).
//! * [`scorecard`]: pass / fail / unsupported per scenario, MUST and SHOULD apart, the
//!   expected-failures file, JUnit and Markdown.
//! * [`run`]: the cucumber run of the `@sdk` scenarios; the steps are in `steps::sdk`.

pub mod driver;
pub mod scorecard;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser as _;
use cucumber::event::{ScenarioFinished, StepError};
use cucumber::{World as _, WriterExt as _, cli, writer};
use serde_json::Value;

use crate::world::ConformanceWorld;
use driver::{Answer, Driver, DriverSpec};
use scorecard::{ExpectedFailures, Level, Outcome, Scorecard, Verdict};

/// The driver of the run (`--sdk`), shared by its scenarios, which run one at a time.
pub static DRIVER: OnceLock<Driver> = OnceLock::new();

/// The default time a driver has to answer one command.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// One scenario's SDK state, kept in the World.
#[derive(Debug, Default)]
pub struct SdkState {
    /// The last answer of the driver.
    pub last: Option<(String, Answer)>,
    /// Set when the SDK answered `unsupported`: the scenario's remaining SDK steps do nothing and
    /// the scorecard counts it as unsupported.
    pub unsupported: Option<String>,
    /// The authorize URL of the last `signIn.start`.
    pub authorize_url: Option<url::Url>,
    /// Where the browser was sent back to the app.
    pub callback: Option<url::Url>,
    /// The last flow answer.
    pub flow: Option<Value>,
    /// The end-session URL of the last `signOut`.
    pub sign_out_url: Option<url::Url>,
}

/// What `--sdk` runs with.
#[derive(Debug, Clone)]
pub struct SdkOptions {
    /// The driver command (split on whitespace, no shell).
    pub command: String,
    pub timeout: Duration,
    /// `scenario | reason` lines: the scenarios this driver is known to fail.
    pub expected_failures: Option<PathBuf>,
    /// Where `scorecard.md` and `junit.xml` go.
    pub scorecard: Option<PathBuf>,
    /// Only scenarios whose name matches (cucumber's `--name`).
    pub name: Option<regex::Regex>,
}

/// Run the `@sdk` scenarios against the driver, write the scorecard files when asked, print the
/// summary and return the scorecard (green when every failure was expected and every expected
/// failure failed). An `Err` is a run that could not start.
pub async fn run(root: &Path, options: SdkOptions) -> anyhow::Result<Scorecard> {
    let expected = match &options.expected_failures {
        None => ExpectedFailures::default(),
        Some(path) => std::fs::read_to_string(path)
            .map_err(anyhow::Error::from)
            .and_then(|text| ExpectedFailures::parse(&text))
            .with_context(|| format!("the expected failures {}", path.display()))?,
    };
    let driver = Driver::new(DriverSpec::parse(&options.command, options.timeout)?)?;
    DRIVER
        .set(driver)
        .map_err(|_| anyhow::anyhow!("one SDK run per process"))?;
    let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::default();
    let recorded = outcomes.clone();
    let cli = cli::Opts::<_, _, _, cli::Empty> {
        re_filter: options.name.clone(),
        ..cli::Opts::parse_from(["thunderid-sdk"])
    };
    let writer = writer::Basic::raw(std::io::stdout(), writer::Coloring::Never, 0)
        .summarized()
        .normalized();
    ConformanceWorld::cucumber()
        .with_writer(writer)
        .fail_on_skipped()
        .max_concurrent_scenarios(1)
        .after(move |feature, _, scenario, finished, world| {
            let outcome = outcome(feature, scenario, finished, world.as_deref());
            recorded
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(outcome);
            Box::pin(async {})
        })
        .with_cli(cli)
        .filter_run(root.join("features/sdk"), |feature, _, scenario| {
            scenario
                .tags
                .iter()
                .chain(&feature.tags)
                .any(|t| t == "sdk")
        })
        .await;
    if let Some(driver) = DRIVER.get() {
        driver.shutdown().await;
    }
    let sdk = DRIVER
        .get()
        .and_then(|d| d.announced.lock().ok().and_then(|a| a.clone()))
        .unwrap_or_else(|| options.command.clone());
    let outcomes = std::mem::take(&mut *outcomes.lock().unwrap_or_else(|e| e.into_inner()));
    let mut expected = expected;
    if options.name.is_some() {
        // A run narrowed with --name says nothing about the expected failures it did not run.
        expected
            .0
            .retain(|name, _| outcomes.iter().any(|o| &o.scenario == name));
    }
    let card = Scorecard::new(sdk, outcomes, expected);
    if let Some(dir) = &options.scorecard {
        std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(dir.join("scorecard.md"), card.markdown()))
            .and_then(|()| std::fs::write(dir.join("junit.xml"), card.junit()))
            .with_context(|| format!("writing the scorecard to {}", dir.display()))?;
    }
    print!("\n{}", card.summary());
    Ok(card)
}

fn outcome(
    feature: &cucumber::gherkin::Feature,
    scenario: &cucumber::gherkin::Scenario,
    finished: &ScenarioFinished,
    world: Option<&ConformanceWorld>,
) -> Outcome {
    let level = Level::from_tags(scenario.tags.iter().chain(&feature.tags));
    let source = scenario
        .description
        .as_deref()
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.trim().strip_prefix("Source:"))
        .map(|s| s.trim().to_owned());
    let unsupported = world.and_then(|w| w.sdk.unsupported.clone());
    let verdict = match (finished, unsupported) {
        // A scenario without its level or source is a mistake in the feature, not an SDK's.
        _ if level.is_none() || source.is_none() => Verdict::Failed(
            "the scenario needs a @must or @should tag and a `Source:` line".to_owned(),
        ),
        (ScenarioFinished::StepFailed(_, _, error), _) => Verdict::Failed(step_error(error)),
        (ScenarioFinished::BeforeHookFailed(_), _) => {
            Verdict::Failed("the before hook failed".to_owned())
        }
        (ScenarioFinished::StepSkipped, _) => {
            Verdict::Failed("a step matches no step definition".to_owned())
        }
        (ScenarioFinished::StepPassed, Some(cmd)) => Verdict::Unsupported(cmd),
        (ScenarioFinished::StepPassed, None) => Verdict::Passed,
    };
    Outcome {
        feature: feature.name.clone(),
        scenario: scenario.name.clone(),
        level: level.unwrap_or(Level::Must),
        source: source.unwrap_or_default(),
        verdict,
    }
}

fn step_error(error: &StepError) -> String {
    match error {
        StepError::Panic(info) => info
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| info.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "the step panicked".to_owned()),
        other => other.to_string(),
    }
}
