//! The ThunderID conformance suite: Gherkin scenarios in `features/`, run by cucumber against an
//! in-process `thunderid-mock` (fresh per scenario) or, with `--server URL`, any ThunderID-compatible
//! server.
//!
//! # Layout
//! * [`world`]: [`ConformanceWorld`], the per-scenario state (target, HTTP client, captured
//!   responses, tokens, the flow in progress).
//! * [`target`]: where the scenarios run: an embedded mock or a remote server.
//! * [`steps`]: step definitions, one module per domain (not per feature file); [`params`]: the
//!   parameter types (`{flow_status}`, `{api_error_code}`, `{oauth_error}`, …).
//! * [`catalog`]: the applications and users the scenarios name; [`jwt`]: token verification
//!   against the server's JWKS.
//! * [`coverage`]: the coverage gate: every code the mock can emit appears in a scenario.
//! * [`report`]: the per-feature summary and the final `N passed, N failed` line.
//! * [`sdk`]: `--sdk` mode: the `@sdk` scenarios against an SDK through its driver, and the
//!   scorecard.

pub mod catalog;
pub mod coverage;
pub mod jwt;
pub mod params;
pub mod report;
pub mod sdk;
pub mod steps;
pub mod target;
pub mod world;

pub use target::Target;
pub use world::ConformanceWorld;
