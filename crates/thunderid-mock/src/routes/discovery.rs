//! Discovery and keys: `GET /.well-known/openid-configuration`, `GET /.well-known/oauth-authorization-server`,
//! `GET /oauth2/jwks`.

use axum::Router;

use crate::state::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}
