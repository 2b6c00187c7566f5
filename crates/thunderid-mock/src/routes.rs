//! HTTP routes, one module per area. Each exports `routes() -> Router<AppState>`; handlers extract,
//! call one store or engine method, and map the result.

pub mod control;
pub mod discovery;
pub mod flow;
pub mod flow_meta;
pub mod gate;
pub mod health;
pub mod idp;
pub mod oauth2;
pub mod organizations;
pub mod users;
