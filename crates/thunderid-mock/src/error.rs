//! [`MockError`]: every error the mock answers with, and the one place that turns an error into a
//! status, headers and body. Handlers never choose 4xx/5xx statuses themselves.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use thunderid_protocol::scim::{self, ScimError, ScimErrorType};
use thunderid_protocol::{
    ApiError, ApiErrorCode, FieldValidationError, OAuthErrorCode, OAuthErrorResponse,
};

use crate::tokens::KeyRingError;
use crate::wire::GoJson;

/// The mock's only error type. Each variant carries the protocol code the real server uses.
#[derive(Debug, thiserror::Error)]
pub enum MockError {
    /// Envelope B (`{error, error_description}`) under `/oauth2/*`.
    #[error("{error}: {description}")]
    OAuth {
        error: OAuthErrorCode,
        description: String,
        /// `WWW-Authenticate` value, when the real server sends one.
        www_authenticate: Option<String>,
    },
    /// Envelope A (`{code, message, description}`), optionally with the flow's `errorAssertion`.
    #[error("{error}")]
    Api {
        error: ApiError,
        error_assertion: Option<String>,
    },
    /// Envelope A under a status the handler picks rather than the code's usual one (the user
    /// handler writes USR-1002 as 400 itself but as 404 through its error mapper, and passes a user
    /// type's USRS-1002 through as 400).
    #[error("{error}")]
    ApiWithStatus { error: ApiError, status: u16 },
    /// A service error of the direct authentication API (`/auth/...`), in envelope A under the
    /// status its handler picks (`authn/handler.go` `handleServiceError`): AUTH-CRED-1002 and
    /// AUTHN-OTPAUTHN-1009 401, AUTHN-1008 404, any other client error 400, whatever code it
    /// passes through (AUTHN-MGR-1008, a notification sender's MNS-1001).
    #[error("{0}")]
    DirectAuth(ApiError),
    /// AuthZEN's own error body, `{"error": "<message>"}` (400, or 500 for a server fault).
    #[error("{message}")]
    Authzen { status: u16, message: String },
    /// The security middleware's 401 AUTH-4010. `invalid_token` distinguishes a bad token from none.
    #[error("unauthorized")]
    Unauthorized { invalid_token: bool },
    /// The security middleware's 403 AUTH-4030.
    #[error("forbidden")]
    Forbidden,
    /// Dynamic client registration without a token holding `system`: 401 `unauthorized_client`
    /// (no `WWW-Authenticate`).
    #[error("registration needs the system permission")]
    RegistrationUnauthorized,
    /// `/oauth2/userinfo` without an `Authorization` header: 401, empty body.
    #[error("no bearer token")]
    UserInfoNoToken,
    /// `/oauth2/logout`'s 400 `text/plain` errors.
    #[error("{0}")]
    PlainText(&'static str),
    /// A 500 `text/plain` error (Go's `http.Error(w, msg, 500)`), e.g. `/oauth2/logout`'s "logout failed".
    #[error("{0}")]
    PlainTextServerError(&'static str),
    /// A SCIM2 error (`application/scim+json`).
    #[error("SCIM {status}: {detail}")]
    Scim {
        status: u16,
        scim_type: Option<ScimErrorType>,
        detail: String,
    },
    /// The struct-tag validation failure of a JSON body (`INVALID_INPUT_METADATA`, 400), keyed by field.
    #[error("validation failed")]
    FieldValidation(std::collections::BTreeMap<String, String>),
    /// No route matched: Go's `http.NotFound` text.
    #[error("not found")]
    NotFound,
    /// The control API refused a request a web page could have sent (another `Host`, a cross-site
    /// `Origin` or `Sec-Fetch-Site`): 403 `text/plain` with the reason.
    #[error("{0}")]
    ControlRefused(&'static str),
    /// A request body over the limit: 413 with Go's `http.MaxBytesError` text.
    #[error("request body too large")]
    BodyTooLarge,
    /// The path exists but not for this method: Go's `ServeMux` 405, with `Allow`.
    #[error("method not allowed")]
    MethodNotAllowed { allow: &'static str },
    /// A control-plane request the mock refuses (a malformed fault rule): 400 `text/plain` naming
    /// the field.
    #[error("{0}")]
    ControlPlane(String),
    /// A key change the ring refuses (`/__mock/keys`): an unknown `kid` is 404; retiring the
    /// active key, activating a retired one or a key past the bound 409; a failed generation 500.
    /// `text/plain` naming the field.
    #[error(transparent)]
    ControlKeys(#[from] crate::tokens::KeyRingError),
    /// The answer a fault rule injects (`/__mock/faults`): the endpoint's own envelope or the
    /// rule's body, under the rule's status, with `Retry-After` when the rule sets one.
    #[error("injected fault: {status}")]
    Injected {
        status: u16,
        body: InjectedBody,
        retry_after: Option<u64>,
    },
    /// A genuine fault inside the mock: 500 SSE-5000. Logged with its cause.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What an injected fault answers with.
#[derive(Debug, Clone)]
pub(crate) enum InjectedBody {
    /// Envelope B, as `/oauth2/*` answers.
    OAuth,
    /// Envelope A (or Go's 404 text), as every other API answers.
    Api,
    /// The rule's own body: JSON.
    Json(serde_json::Value),
    /// The rule's own body: text.
    Text(String),
}

impl MockError {
    pub fn api(code: ApiErrorCode) -> Self {
        Self::Api {
            error: code.to_error(),
            error_assertion: None,
        }
    }

    /// Envelope A with a body built by the caller (a replaced description, parameters).
    pub fn api_error(error: ApiError) -> Self {
        Self::Api {
            error,
            error_assertion: None,
        }
    }

    /// The HTTP status the real server uses for this error.
    pub fn status(&self) -> StatusCode {
        let code = match self {
            Self::OAuth { error, .. } => match error {
                OAuthErrorCode::InvalidClient | OAuthErrorCode::InvalidToken => 401,
                OAuthErrorCode::InsufficientScope => 403,
                OAuthErrorCode::ServerError => 500,
                _ => 400,
            },
            Self::Api { error, .. } => match error.code.http_status() {
                // In-band codes never travel as an HTTP error; if one does, it is a client error.
                200 => 400,
                status => status,
            },
            Self::DirectAuth(error) => match error.code {
                ApiErrorCode::AuthCredInvalidCredentials
                | ApiErrorCode::AuthnOtpAuthenticationFailed => 401,
                ApiErrorCode::AuthnUserNotFound => 404,
                _ => 400,
            },
            Self::ApiWithStatus { status, .. } | Self::Authzen { status, .. } => *status,
            Self::Unauthorized { .. } | Self::UserInfoNoToken | Self::RegistrationUnauthorized => {
                401
            }
            Self::Forbidden => 403,
            Self::PlainText(_) | Self::FieldValidation(_) | Self::ControlPlane(_) => 400,
            Self::ControlKeys(e) => match e {
                KeyRingError::UnknownKey(_) => 404,
                KeyRingError::RetiringActive(_)
                | KeyRingError::Retired(_)
                | KeyRingError::TooMany(_) => 409,
                KeyRingError::Generate(_) => 500,
            },
            Self::Injected { status, .. } => *status,
            Self::PlainTextServerError(_) => 500,
            Self::Scim { status, .. } => *status,
            Self::NotFound => 404,
            Self::ControlRefused(_) => 403,
            Self::BodyTooLarge => 413,
            Self::MethodNotAllowed { .. } => 405,
            Self::Internal(_) => 500,
        };
        StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<crate::oauth::OAuthError> for MockError {
    fn from(error: crate::oauth::OAuthError) -> Self {
        Self::OAuth {
            error: error.code,
            www_authenticate: error.basic_challenge.then(|| "Basic".to_owned()),
            description: error.description.into_owned(),
        }
    }
}

/// The HTTP-level flow error: envelope A plus `errorAssertion` for OAuth-initiated executions.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ApiErrorBody<'a> {
    #[serde(flatten)]
    error: &'a ApiError,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_assertion: Option<&'a str>,
}

impl IntoResponse for MockError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            Self::OAuth {
                error,
                description,
                www_authenticate,
            } => {
                let body = OAuthErrorResponse::new(error.clone(), description.clone());
                let mut response = (status, GoJson(body)).into_response();
                if let Some(value) = www_authenticate
                    .as_deref()
                    .and_then(|v| HeaderValue::from_str(v).ok())
                {
                    response
                        .headers_mut()
                        .insert(header::WWW_AUTHENTICATE, value);
                }
                response
            }
            Self::Api {
                error,
                error_assertion,
            } => {
                let body = ApiErrorBody {
                    error,
                    error_assertion: error_assertion.as_deref(),
                };
                (status, GoJson(body)).into_response()
            }
            Self::ApiWithStatus { error, .. } | Self::DirectAuth(error) => {
                (status, GoJson(error)).into_response()
            }
            Self::Authzen { message, .. } => {
                (status, GoJson(serde_json::json!({ "error": message }))).into_response()
            }
            Self::Unauthorized { invalid_token } => {
                let challenge = if *invalid_token {
                    "Bearer error=\"invalid_token\", error_description=\"The access token is invalid, expired, or malformed\""
                } else {
                    "Bearer"
                };
                let mut response =
                    (status, GoJson(ApiErrorCode::AuthUnauthorized.to_error())).into_response();
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(challenge),
                );
                response
            }
            Self::Forbidden => {
                (status, GoJson(ApiErrorCode::AuthForbidden.to_error())).into_response()
            }
            Self::RegistrationUnauthorized => {
                let body = OAuthErrorResponse::new(
                    OAuthErrorCode::UnauthorizedClient,
                    "Authentication with sufficient permissions is required to register a client",
                );
                (status, GoJson(body)).into_response()
            }
            Self::UserInfoNoToken => {
                let mut response = status.into_response();
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                response
            }
            Self::PlainText(message)
            | Self::PlainTextServerError(message)
            | Self::ControlRefused(message) => text(status, format!("{message}\n")),
            Self::BodyTooLarge => {
                let mut response = text(status, "http: request body too large\n".to_owned());
                // Go closes a connection whose body limit was hit.
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
                response
            }
            Self::Scim {
                status: code,
                scim_type,
                detail,
            } => {
                let body = ScimError::new(*code, scim_type.clone(), detail.clone());
                let mut response = (status, GoJson(body)).into_response();
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(scim::CONTENT_TYPE),
                );
                response
            }
            Self::FieldValidation(errors) => {
                (status, GoJson(FieldValidationError::new(errors.clone()))).into_response()
            }
            Self::NotFound => text(status, "404 page not found\n".to_owned()),
            Self::MethodNotAllowed { allow } => {
                let mut response = text(status, "Method Not Allowed\n".to_owned());
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(allow));
                response
            }
            Self::ControlPlane(message) => text(status, format!("{message}\n")),
            Self::ControlKeys(e) => text(status, format!("{e}\n")),
            Self::Injected {
                status: code,
                body,
                retry_after,
            } => {
                let mut response = injected(status, *code, body);
                if let Some(seconds) = retry_after {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
                }
                response
            }
            Self::Internal(cause) => {
                tracing::error!(error = %cause, "internal error");
                (status, GoJson(ApiErrorCode::ServerInternal.to_error())).into_response()
            }
        }
    }
}

/// An injected fault's body: the envelope the real server writes at that status (`server_error`
/// "Something went wrong" from the token handler; AUTH-4010/4030 from the security middleware;
/// SSE-5000 for any other status), or the rule's own body.
fn injected(status: StatusCode, code: u16, body: &InjectedBody) -> Response {
    match body {
        InjectedBody::OAuth => {
            let (error, description) = match code {
                401 => (OAuthErrorCode::InvalidClient, "Invalid client credentials"),
                400..=499 => (OAuthErrorCode::InvalidRequest, "Invalid request"),
                _ => (OAuthErrorCode::ServerError, "Something went wrong"),
            };
            (status, GoJson(OAuthErrorResponse::new(error, description))).into_response()
        }
        InjectedBody::Api => {
            let error = match code {
                401 => ApiErrorCode::AuthUnauthorized,
                403 => ApiErrorCode::AuthForbidden,
                404 => return text(status, "404 page not found\n".to_owned()),
                _ => ApiErrorCode::ServerInternal,
            };
            (status, GoJson(error.to_error())).into_response()
        }
        InjectedBody::Json(value) => (status, GoJson(value.clone())).into_response(),
        InjectedBody::Text(body) => text(status, body.clone()),
    }
}

fn text(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
