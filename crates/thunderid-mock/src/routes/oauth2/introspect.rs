//! `POST /oauth2/introspect` (RFC 7662; `O2/introspect/`). The client authenticates as at the token
//! endpoint. Only our live `at+jwt` access tokens and refresh-token JWTs are active; anything else
//! (ID tokens, flow assertions, expired, revoked or foreign tokens) is `{"active":false}`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::routing::post;
use serde_json::{Map, Value};
use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::ids::{ClientId, IssuerUrl};
use thunderid_protocol::oauth2::{IntrospectionResponse, TokenType};
use thunderid_protocol::oidc::Audience;

use super::client_auth::authenticate_client;
use super::params::FormParams;
use super::validate::{self, TYP_ACCESS_TOKEN, TYP_JWT, decode_unverified};
use crate::error::MockError;
use crate::state::AppState;
use crate::wire::GoJson;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/oauth2/introspect", post(introspect))
}

async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<GoJson<IntrospectionResponse>, MockError> {
    let form = FormParams::from_request(&headers, query.as_deref(), &body);
    authenticate_client(&state, &headers, &form)?;
    let token = form.value("token");
    if token.is_empty() {
        return Err(MockError::oauth(
            OAuthErrorCode::InvalidRequest,
            "Token parameter is required",
        ));
    }
    let now = state.now();
    let claims = match decode_unverified(token).and_then(|(header, _)| header.get("typ").cloned()) {
        Some(Value::String(typ)) if typ == TYP_ACCESS_TOKEN => {
            validate::access_token(&state, token, now).map(|t| t.claims)
        }
        Some(Value::String(typ)) if typ == TYP_JWT => {
            validate::live_refresh_token(&state, token, now).map(|t| t.claims)
        }
        _ => None,
    };
    Ok(GoJson(
        claims.map_or_else(IntrospectionResponse::inactive, |claims| active(&claims)),
    ))
}

/// `prepareValidResponse`: the token's own claims, `Bearer`.
fn active(claims: &Map<String, Value>) -> IntrospectionResponse {
    let text = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let time = |name: &str| claims.get(name).and_then(Value::as_u64).filter(|t| *t != 0);
    let audience = match claims.get("aud") {
        Some(Value::String(one)) if !one.is_empty() => Some(Audience::One(one.clone())),
        Some(Value::Array(many)) => {
            let values: Vec<String> = many
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            (!values.is_empty()).then_some(Audience::Many(values))
        }
        _ => None,
    };
    IntrospectionResponse {
        active: true,
        scope: text("scope"),
        client_id: text("client_id").map(ClientId::new),
        username: text("username"),
        token_type: Some(TokenType::Bearer),
        expires_at: time("exp"),
        issued_at: time("iat"),
        not_before: time("nbf"),
        subject: text("sub"),
        audience,
        issuer: text("iss").map(IssuerUrl::new),
        jwt_id: text("jti"),
        confirmation: None,
    }
}
