//! [`protect`] (middleware) and [`Session`] (extractor): only signed-in browsers get through.

use ::axum::extract::{FromRequestParts, Request};
use ::axum::http::request::Parts;
use ::axum::middleware::Next;
use ::axum::response::{IntoResponse, Response};

use super::ThunderId;
use super::error::HandlerError;
use crate::session::{SessionClaims, SessionToken};

/// A live session: the claims of the [`super::SESSION_COOKIE`] (`sub`, scopes, expiry, …) and the
/// token itself, for the [`crate::session::SessionManager`] operations.
///
/// As an extractor it answers 401 `{"error": "not signed in"}` (or redirects to the configured
/// sign-in page) when the request has no live session.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Session {
    /// The session's claims.
    pub claims: SessionClaims,
    /// The session token (the cookie's value).
    pub token: SessionToken,
}

/// Middleware: lets signed-in requests through (with their [`Session`] in the request extensions)
/// and answers the rest with 401, or a 302 to [`super::ThunderIdBuilder::sign_in_page`].
///
/// ```no_run
/// use axum::Router;
/// use axum::routing::get;
/// use thunderid_client::axum::{ThunderId, protect};
///
/// # fn demo(thunder: ThunderId) -> Router {
/// Router::new()
///     .route("/account", get(|| async { "only for signed-in users" }))
///     .route_layer(axum::middleware::from_fn(protect))
///     .layer(thunder.layer())
/// # }
/// ```
pub async fn protect(thunder: ThunderId, mut request: Request, next: Next) -> Response {
    match thunder.session(request.headers()).await {
        Some(session) => {
            request.extensions_mut().insert(session);
            next.run(request).await
        }
        None => not_signed_in(&thunder).into_response(),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = HandlerError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(session) = parts.extensions.get::<Session>() {
            return Ok(session.clone());
        }
        let thunder = ThunderId::from_request_parts(parts, state).await?;
        thunder.sessions()?;
        match thunder.session(&parts.headers).await {
            Some(session) => Ok(session),
            None => Err(not_signed_in(&thunder)),
        }
    }
}

fn not_signed_in(thunder: &ThunderId) -> HandlerError {
    HandlerError::NotSignedIn {
        sign_in_page: thunder.inner.sign_in_page.clone(),
    }
}
