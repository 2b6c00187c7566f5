//! thunderid-mock: a fast, offline, faithful stand-in for the ThunderID identity server.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let server = thunderid_mock::MockServer::start().await?;
//! let discovery = format!("{}/.well-known/openid-configuration", server.base_url());
//! # let _ = discovery; Ok(()) }
//! ```
//!
//! # Layout
//! * [`server`]: [`MockServer`] and its builder; [`serve`], shared by the binary and the tests.
//! * `app`: the router and its layers (journal, CORS, tracing); `routes/`: one module per area.
//! * [`state`]: [`AppState`], the handle every handler gets; [`store`]: the mutable state (users,
//!   OAuth requests and codes, flow executions, outbox) behind one lock.
//! * [`fixtures`]: the fixture files, loaded and validated; the bundled set is compiled in.
//! * [`tokens`]: the signing key and the only use of `jsonwebtoken`.
//! * [`flow`]: the flow engine (graphs, executions, executors), independent of HTTP.
//! * [`clock`]: the one clock every expiry reads. [`journal`]: the request log of the control API.
//! * `error`: [`MockError`], the only error type, and the one place statuses are chosen.

// `MockError` carries a whole `ApiError` so every failure maps to its wire body in one place; it is
// built once per failed request, where its size is noise next to the network round trip.
#![allow(clippy::result_large_err)]

mod app;
mod auth;
pub mod cli;
pub mod clock;
mod cors;
mod error;
mod extract;
pub mod fixtures;
pub mod flow;
pub mod journal;
mod routes;
pub mod server;
pub mod state;
pub mod store;
mod tls;
pub mod tokens;
mod wire;

pub use clock::Clock;
pub use error::MockError;
pub use fixtures::{FixtureError, Fixtures};
pub use server::{MockServer, MockServerBuilder, StartError, serve};
pub use state::AppState;

/// The router for `state`, for tests that drive it in-process with `tower::ServiceExt::oneshot`.
pub fn router(state: AppState) -> axum::Router {
    app::router(state)
}
