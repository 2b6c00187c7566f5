//! `GET /__mock/idp/{name}/authorize`: the mock's fake upstream IdP ("Google", "GitHub", …) for
//! federated sign-in flows. It signs nobody in interactively: it picks a user and redirects straight
//! back to `redirect_uri` with `code` and `state`, as a real IdP does after a successful login.
//!
//! The user is chosen by `login_hint` (or `username`): a local username or e-mail, or any other
//! e-mail (a user the mock does not know). Without a hint it is `thor`. The code is single use and
//! valid 600 seconds; the federated executor redeems it and maps the IdP user to the local user
//! with the same e-mail.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rand::RngCore;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::MockError;
use crate::flow::store::IdpGrant;
use crate::state::AppState;

/// How long a fake-IdP code can be redeemed.
const CODE_VALIDITY: u64 = 600;
/// The user a hint-less sign-in picks.
const DEFAULT_USER: &str = "thor";

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/__mock/idp/{name}/authorize", get(authorize))
}

#[derive(Debug, Deserialize)]
struct AuthorizeQuery {
    redirect_uri: Option<String>,
    state: Option<String>,
    nonce: Option<String>,
    login_hint: Option<String>,
    username: Option<String>,
}

async fn authorize(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(query): Query<AuthorizeQuery>,
) -> Result<Response, MockError> {
    let redirect_uri = query
        .redirect_uri
        .as_deref()
        .and_then(|uri| url::Url::parse(uri).ok())
        .ok_or(MockError::PlainText("invalid redirect_uri"))?;
    let hint = query
        .login_hint
        .as_deref()
        .or(query.username.as_deref())
        .unwrap_or(DEFAULT_USER);
    let now = state.now();
    let grant = {
        let db = state.db();
        let user = db
            .users
            .find_by_username(hint)
            .or_else(|| db.users.find_by_attribute("email", hint));
        let text = |name: &str| {
            user.and_then(|u| u.attributes.get(name))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let email = text("email").unwrap_or_else(|| hint.to_owned());
        if !email.contains('@') {
            return Err(MockError::PlainText("unknown user"));
        }
        IdpGrant {
            idp: name.clone(),
            subject: format!(
                "{name}-{}",
                &hex::encode(Sha256::digest(email.as_bytes()))[..20]
            ),
            given_name: text("given_name"),
            family_name: text("family_name"),
            email,
            nonce: query.nonce.clone(),
            expires_at: now + CODE_VALIDITY,
        }
    };
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let code = hex::encode(bytes);
    state.db().flows.insert_idp_grant(code.clone(), grant, now);
    let mut location = redirect_uri;
    location
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", query.state.as_deref().unwrap_or(""));
    let value = HeaderValue::from_str(location.as_str())
        .map_err(|_| MockError::Internal(anyhow::anyhow!("unencodable redirect location")))?;
    let mut response = StatusCode::FOUND.into_response();
    response.headers_mut().insert(header::LOCATION, value);
    Ok(response)
}
