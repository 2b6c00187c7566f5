//! thunderid-mock: a fast, offline, faithful stand-in for the ThunderID identity server.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let server = thunderid_mock::MockServer::start().await?;
//! let discovery = format!("{}/.well-known/openid-configuration", server.base_url());
//! # let _ = discovery; Ok(()) }
//! ```
//!
//! The public API is [`MockServer`] (its builder and typed test handle), the fixture format
//! ([`fixtures`]), and the types the handle returns. Everything else is internal; ARCHITECTURE.md
//! maps it.
//!
//! # Layout (layers bottom-up; a module imports only from its layer or below)
//! * foundation: `clock`, `ids` (ids, codes, hashing), `wire` (Go-exact JSON, input cleaning),
//!   `config`, `password`, `graph` (flow graphs: executors, validation), `schema` (user-type
//!   schemas), `permission` (resource-server permission strings), `tokens` (keys, signing),
//!   `webauthn` (passkey options and verification, the software authenticator), then
//!   `fixtures` (the fixture format, loaded and validated).
//! * `store`: the mutable state, one store per concern, each owning its lock.
//! * the engines, free of HTTP: `flow` (flow graphs over executions) and `oauth` (authorize,
//!   callbacks, client authentication, grants, minting).
//! * `error` (the one error type and status mapping), `state` (`AppState`), and the cross-cutting
//!   HTTP pieces: `security` (the security middleware and `Principal`), `cors`, `journal`,
//!   `extract`, `correlation` (`X-Correlation-ID`), `faults` (fault rules and their middleware).
//! * `service`: what one request does, over the state and the engines.
//! * `routes` (the route table and thin handlers), `app` (the router), then `server`, `cli`, `tls`.

// `MockError` carries a whole `ApiError` so every failure maps to its wire body in one place; it is
// built once per failed request, where its size is noise next to the network round trip.
#![allow(clippy::result_large_err)]

mod app;
pub mod bundled;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
mod clock;
mod config;
mod correlation;
mod cors;
mod error;
mod extract;
mod faults;
pub mod fixtures;
mod flow;
mod graph;
mod ids;
mod journal;
mod oauth;
mod openid4vp;
mod password;
mod permission;
mod routes;
mod schema;
mod security;
mod server;
mod service;
mod state;
mod store;
#[cfg(feature = "tls")]
mod tls;
mod tokens;
mod webauthn;
mod wire;

pub use clock::Clock;
pub use config::{ServerVersion, UnknownServerVersion};
pub use faults::{FaultAction, FaultRule, FaultRuleError, FaultView, TokenKind};
pub use fixtures::{FixtureError, Fixtures};
pub use journal::{AppliedFault, JournalEntry, JwksFetches, RequestFilter};
pub use server::{ExecutionView, MockServer, MockServerBuilder, StartError};
pub use store::Stats;
pub use store::outbox::{Channel, OutboxMessage};
#[cfg(feature = "cli")]
pub use tokens::generate_signing_key;
pub use tokens::{
    Activation, KeyAlgorithm, KeyError, KeyRingError, KeyState, KeyView, SigningKey, Tamper,
    TokenType, VerifiedToken, VerifyError,
};
pub use webauthn::authenticator::{
    Attestation, AuthenticatorError, Ceremony, SoftwareAuthenticator,
};
