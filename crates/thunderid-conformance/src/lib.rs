//! The ThunderID conformance suite: Gherkin scenarios in `features/`, run by cucumber against an
//! in-process `thunderid-mock` (fresh per scenario) or, with `--server URL`, any ThunderID-compatible
//! server.
//!
//! # Layout
//! * [`world`]: [`ConformanceWorld`], the per-scenario state (target, HTTP client, captured
//!   responses, tokens, the flow in progress).
//! * [`target`]: where the scenarios run: an embedded mock or a remote server.
//! * [`steps`]: step definitions, one module per domain (not per feature file).
//! * [`coverage`]: the coverage gate: every code the mock can emit appears in a scenario.
//! * [`report`]: the per-feature summary and the final `N passed, N failed` line.

pub mod coverage;
pub mod report;
pub mod steps;
pub mod target;
pub mod world;

pub use target::Target;
pub use world::ConformanceWorld;
