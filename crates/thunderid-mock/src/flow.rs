//! The flow engine: runs flow graphs over live executions with the executors. Independent of HTTP
//! and of the server state: it reads and changes the stores it is handed in [`engine::Env`], one
//! short locked operation at a time, and leaves signing to its caller (assertions come out as
//! claims). `service::flow` wraps it for `/flow/execute`, the hosted gate and the V1 adapter.
//!
//! # Layout
//! * `engine`: the step function over (graph, execution, environment); `env` and `node`: the
//!   environment and the vocabulary nodes share (what a node returns, how a run ends); `prompt`
//!   and `meta`: PROMPT nodes; `executors/`: TASK_EXECUTION nodes; `assertion`: the assertion
//!   claims; `keys` (in the store): the runtime-data keys the executors share; `outbound`: the
//!   client interface HTTPRequestExecutor calls through (the caller supplies the client);
//!   `passkeys`: the passkey service (WebAuthn ceremonies over the directory and the session
//!   table) that PasskeyAuthExecutor and the passkey Direct API share; `interceptors`: the
//!   flow-declared interceptors (CaptchaInterceptor over the fake captcha provider).
//! * `v1`: the V1 app-native sign-in's view of a step (authenticators).

pub(crate) mod assertion;
pub(crate) mod engine;
pub(crate) mod env;
pub(crate) mod executors;
pub(crate) mod interceptors;
pub(crate) use crate::store::keys;
pub(crate) mod meta;
pub(crate) mod node;
pub(crate) mod openid4vp;
pub(crate) mod outbound;
pub(crate) mod passkeys;
pub(crate) mod prompt;
pub(crate) mod v1;

#[cfg(test)]
mod tests;
