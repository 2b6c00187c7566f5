//! The OAuth 2.0 / OIDC endpoints under `/oauth2/*` (contract §3, §5), PAR, CIBA and dynamic client
//! registration among them. Each handler extracts, calls one service, and maps the result; the
//! decisions are in `service::{authorize, direct, token, userinfo, logout, ciba, registration}` and
//! the `oauth` domain.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{AuthnRequest, AuthnResponse, V1FlowInitiateResponse};
use thunderid_protocol::oauth2::{
    AuthCallbackRequest, AuthCallbackResponse, CibaCallbackResponse, IntrospectionResponse,
    LogoutCallbackRequest, LogoutCallbackResponse,
};

use super::respond::found;
use crate::error::MockError;
use crate::extract::TenantPrefix;
use crate::extract::is_form_body;
use crate::oauth::OAuthError;
use crate::oauth::authorize::{is_direct, parse_request};
use crate::oauth::par;
use crate::oauth::params::{FormParams, parse_query};
use crate::security::Principal;
use crate::service::token::{CallbackAnswer, ClientRequest};
use crate::service::{authorize, ciba, direct, logout, registration, token, userinfo};
use crate::state::AppState;
use crate::wire::{GoJson, decode_first_json};

/// `GET /oauth2/authorize`: a 302 to the gate (or a refusal); `response_mode=direct` answers the
/// V1 JSON instead.
pub(crate) async fn authorize(
    State(state): State<AppState>,
    TenantPrefix(prefix): TenantPrefix,
    method: Method,
    RawQuery(query): RawQuery,
) -> Result<Response, MockError> {
    let request = parse_request(query.as_deref().unwrap_or_default())?;
    if is_direct(&request) {
        return Ok(GoJson(direct::initiate(&state, prefix, &request)?).into_response());
    }
    Ok(found(&authorize::location(&state, &request), &method))
}

/// `POST /oauth2/authorize`: only the V1 direct mode (the form body and the query, read as Go's
/// `r.ParseForm()` does); anything else is 405, as the real server registers only `GET`.
pub(crate) async fn authorize_direct(
    State(state): State<AppState>,
    TenantPrefix(prefix): TenantPrefix,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<GoJson<V1FlowInitiateResponse>, MockError> {
    let mut raw = String::new();
    if is_form_body(&headers) {
        raw.push_str(&String::from_utf8_lossy(&body));
    }
    if let Some(query) = query {
        raw.push('&');
        raw.push_str(&query);
    }
    let direct = parse_query(&raw)
        .0
        .iter()
        .any(|(name, value)| name == "response_mode" && value == "direct");
    if !direct {
        return Err(MockError::MethodNotAllowed { allow: "GET, HEAD" });
    }
    let request = parse_request(&raw)?;
    Ok(GoJson(direct::initiate(&state, prefix, &request)?))
}

/// `POST /oauth2/authn`: one step of a V1 flow.
pub(crate) async fn authn(
    State(state): State<AppState>,
    TenantPrefix(prefix): TenantPrefix,
    body: Bytes,
) -> Result<GoJson<AuthnResponse>, MockError> {
    let request: AuthnRequest = decode_first_json(&body)
        .ok_or_else(|| MockError::api(ApiErrorCode::FlowInvalidRequestPayload))?;
    Ok(GoJson(direct::authenticate(&state, prefix, &request)?))
}

/// `POST /oauth2/token`, with `Cache-Control: no-store` and `Pragma: no-cache` on success.
pub(crate) async fn issue_token(
    State(state): State<AppState>,
    _tenant: TenantPrefix,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, MockError> {
    let request = client_request(&headers, query.as_deref(), &body);
    let response = token::issue_token(&state, &request)?;
    Ok(no_store(GoJson(response).into_response()))
}

/// `POST /oauth2/introspect`.
pub(crate) async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<GoJson<IntrospectionResponse>, MockError> {
    let request = client_request(&headers, query.as_deref(), &body);
    Ok(GoJson(token::introspect(&state, &request)?))
}

/// `POST /oauth2/revoke`: 200 with an empty body.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<StatusCode, MockError> {
    let request = client_request(&headers, query.as_deref(), &body);
    token::revoke(&state, &request)?;
    Ok(StatusCode::OK)
}

/// `POST /oauth2/auth/callback`: `{"redirect_uri": …}`, or `{"status":"OK"}` for CIBA.
pub(crate) async fn auth_callback(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, MockError> {
    let request: AuthCallbackRequest = decode_first_json(&body)
        .ok_or_else(|| OAuthError::invalid_request("Invalid request body"))?;
    Ok(match token::auth_callback(&state, &request)? {
        CallbackAnswer::Redirect(redirect_uri) => {
            GoJson(AuthCallbackResponse { redirect_uri }).into_response()
        }
        CallbackAnswer::Acknowledged => GoJson(CibaCallbackResponse {
            status: "OK".to_owned(),
        })
        .into_response(),
    })
}

/// `POST /oauth2/par`: 201 `{"request_uri", "expires_in"}` (no cache headers).
pub(crate) async fn push_authorization_request(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, MockError> {
    let request = client_request(&headers, query.as_deref(), &body);
    let posted = FormParams::body_only(is_form_body(&headers), &body);
    let push = par::Push {
        body: posted.pairs(),
        malformed: request.form.malformed(),
        dpop_proofs: request.dpop_proofs,
    };
    let response = token::push_authorization_request(&state, &request, &push)?;
    Ok((StatusCode::CREATED, GoJson(response)).into_response())
}

/// `POST /oauth2/bc-authorize`: the backchannel request, with `Cache-Control: no-store` and
/// `Pragma: no-cache` on success.
pub(crate) async fn backchannel_authorize(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, MockError> {
    let request = client_request(&headers, query.as_deref(), &body);
    let response = ciba::backchannel_authorize(&state, &request)?;
    Ok(no_store(GoJson(response).into_response()))
}

/// `POST /oauth2/dcr/register`: 201 with the registered client, members in alphabetical order.
pub(crate) async fn register_client(
    State(state): State<AppState>,
    caller: Option<Principal>,
    body: Bytes,
) -> Result<Response, MockError> {
    let registered = registration::register(&state, caller.as_ref(), &body)?;
    Ok((StatusCode::CREATED, GoJson(registered)).into_response())
}

/// `GET|POST /oauth2/userinfo`.
pub(crate) async fn user_info(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, MockError> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let dpop_proofs = headers.get_all("dpop").iter().count();
    let claims = userinfo::user_info(&state, &authorization, dpop_proofs)?;
    Ok(no_store(GoJson(claims).into_response()))
}

/// `GET|POST /oauth2/logout`: a 302 to the gate's sign-out page.
pub(crate) async fn logout(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, MockError> {
    // Go's `ParseForm` reads a body only for POST, PUT and PATCH.
    let body: &[u8] = if method == Method::POST { &body } else { &[] };
    let request = logout::parse_request(is_form_body(&headers), query.as_deref(), body)?;
    Ok(found(&logout::begin(&state, &request)?, &method))
}

/// `POST /oauth2/logout/callback`.
pub(crate) async fn logout_callback(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<GoJson<LogoutCallbackResponse>, MockError> {
    let request: LogoutCallbackRequest =
        decode_first_json(&body).ok_or(MockError::PlainText("invalid request"))?;
    let redirect_uri = logout::complete(&state, &request.logout_id)?;
    Ok(GoJson(LogoutCallbackResponse { redirect_uri }))
}

/// What a client sent to an authenticated OAuth endpoint.
fn client_request(headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> ClientRequest {
    ClientRequest {
        authorization: headers
            .get(header::AUTHORIZATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
        dpop_proofs: headers.get_all("dpop").iter().count(),
        form: FormParams::from_request(is_form_body(headers), query, body),
    }
}

/// The headers every token response carries.
fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
