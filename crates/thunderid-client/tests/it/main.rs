//! End-to-end tests of the client against an in-process `thunderid_mock::MockServer` (no HTTP
//! mocking): one binary, one module per area, shared `support`.

mod support;

#[cfg(feature = "axum")]
mod axum_flow;
#[cfg(feature = "axum")]
mod axum_session;
#[cfg(feature = "axum")]
mod axum_support;

mod discovery;
mod faults;
mod flow;
mod id_token;
mod keys;
mod organizations;
mod par_ciba_dcr;
mod redirect_sign_in;
mod session;
mod tokens;
mod users;
