//! `GET /__mock/idp/{name}/authorize`: the fake upstream IdP (see `service::idp`).

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::respond::found_plain;
use crate::error::MockError;
use crate::service::idp::{self, IdpAuthorize};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub(crate) struct AuthorizeQuery {
    redirect_uri: Option<String>,
    state: Option<String>,
    nonce: Option<String>,
    login_hint: Option<String>,
    username: Option<String>,
}

pub(crate) async fn idp_authorize(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(query): Query<AuthorizeQuery>,
) -> Result<Response, MockError> {
    let request = IdpAuthorize {
        redirect_uri: query.redirect_uri,
        state: query.state,
        nonce: query.nonce,
        login_hint: query.login_hint.or(query.username),
    };
    Ok(found_plain(&idp::authorize(&state, &name, &request)?))
}
