//! [`HandlerError`]: every failure of the endpoints, and the one place that picks their statuses.

use ::axum::Json;
use ::axum::http::StatusCode;
use ::axum::http::header::{LOCATION, SET_COOKIE};
use ::axum::response::{AppendHeaders, IntoResponse, Response};
use serde_json::{Map, Value};

use crate::error::Error;

/// Why an endpoint failed. The response is JSON `{"error": "<message>"}` plus `"code"` when the
/// identity server named one, with the status of [`HandlerError::status`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HandlerError {
    /// The handler runs without [`super::ThunderId::layer`] (the seed's "SDK not initialized").
    #[error("the ThunderID layer is not mounted: add .layer(thunder.layer()) to the router")]
    NotMounted,
    /// The configuration cannot work, e.g. `baseUrl is not configured`.
    #[error("{0}")]
    NotConfigured(String),
    /// [`super::handle_flow`] on an instance in [`super::Mode::Redirect`].
    #[error("embedded sign-in is not enabled: build ThunderId with Mode::Embedded")]
    EmbeddedDisabled,
    /// The request body or query is not what the endpoint takes.
    #[error("{0}")]
    BadRequest(String),
    /// The flow failed at run time: the identity server refused a step (an unknown or expired
    /// execution, …), could not be reached, or answered something unusable.
    #[error("flow execution failed: {0}")]
    Flow(Error),
    /// The flow completed without a redirect to the app: the request lacked the `authId`, so the
    /// assertion could not be relayed to the authorization request.
    #[error("the flow completed without a redirect to the app: send the authId with every step")]
    NoRedirect,
    /// `/login?state=…` names no sign-in in progress (unknown, used, or expired).
    #[error("no sign-in in progress for this state: start the sign-in again")]
    UnknownSignIn,
    /// The sign-in was started by another browser (login CSRF, or cookies blocked).
    #[error("this sign-in was started in another browser: start the sign-in again")]
    ForeignSignIn,
    /// The redirect back to the app was refused (the server's `error=`, a bad `iss`, no `code`).
    #[error("sign-in refused: {0}")]
    CallbackRefused(Error),
    /// The code exchange or the session could not be completed.
    #[error("sign-in failed: {0}")]
    SignIn(Error),
    /// `/logout?state=…` names no sign-out of this app.
    #[error("no sign-out in progress for this state")]
    UnknownSignOut,
    /// The sign-out URL could not be built.
    #[error("sign-out failed: {0}")]
    SignOut(Error),
    /// No live session ([`super::protect`], [`super::Session`]); redirects to the sign-in page when
    /// one is configured.
    #[error("not signed in")]
    NotSignedIn {
        /// Where to send the browser instead of answering 401.
        sign_in_page: Option<String>,
    },
    /// Too many sign-ins or sign-outs are in progress.
    #[error("too many sign-ins in progress: try again later")]
    Busy,
}

impl HandlerError {
    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotMounted
            | Self::NotConfigured(_)
            | Self::EmbeddedDisabled
            | Self::Flow(_)
            | Self::NoRedirect
            | Self::SignIn(_)
            | Self::SignOut(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::BadRequest(_)
            | Self::UnknownSignIn
            | Self::ForeignSignIn
            | Self::CallbackRefused(_)
            | Self::UnknownSignOut => StatusCode::BAD_REQUEST,
            Self::NotSignedIn { .. } => StatusCode::UNAUTHORIZED,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The identity server's error code behind the failure, if it named one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Flow(error)
            | Self::CallbackRefused(error)
            | Self::SignIn(error)
            | Self::SignOut(error) => error
                .api_error()
                .map(|body| body.code.as_str())
                .or_else(|| error.oauth_error().map(|body| body.error.as_str())),
            _ => None,
        }
    }

    /// The sign-in failure `error` stands for: a refused callback, or a failed exchange.
    pub(crate) fn sign_in(error: Error) -> Self {
        match error {
            Error::Callback(_) => Self::CallbackRefused(error),
            other => Self::SignIn(other),
        }
    }
}

impl IntoResponse for HandlerError {
    fn into_response(self) -> Response {
        if let Self::NotSignedIn {
            sign_in_page: Some(page),
        } = &self
        {
            return found(page, Vec::new());
        }
        let mut body = Map::new();
        body.insert("error".to_owned(), Value::String(self.to_string()));
        if let Some(code) = self.code() {
            body.insert("code".to_owned(), Value::String(code.to_owned()));
        }
        (self.status(), Json(Value::Object(body))).into_response()
    }
}

/// A 302 to `location` (as Express's `res.redirect`) setting `cookies` (`Set-Cookie` values).
pub(crate) fn found(location: &str, cookies: Vec<String>) -> Response {
    let cookies = AppendHeaders(cookies.into_iter().map(|cookie| (SET_COOKIE, cookie)));
    (
        StatusCode::FOUND,
        [(LOCATION, location.to_owned())],
        cookies,
    )
        .into_response()
}
