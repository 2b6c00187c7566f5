//! `GET /login` ([`handle_sign_in`]) and `GET /logout` ([`handle_sign_out`]).

use ::axum::extract::RawQuery;
use ::axum::http::HeaderMap;
use ::axum::response::Response;
use url::form_urlencoded;

use super::error::{HandlerError, found};
use super::{BROWSER_COOKIE, SESSION_COOKIE, ThunderId, cookies};
use crate::error::{Error, SessionError};
use crate::oauth2::AuthorizeOptions;
use crate::oauth2::authorize::random_token;
use crate::session::{PENDING_SIGN_IN_TTL, SessionToken};

/// `GET /login`. With `state` (and `code` or `error`): the redirect back from the server. The
/// `state` must name a sign-in this app started, from this browser ([`BROWSER_COOKIE`]), not yet
/// finished nor expired; the callback is checked (`iss`, `error`), the code exchanged with the PKCE
/// verifier kept for that state, the ID token validated, and the [`SESSION_COOKIE`] set (HttpOnly,
/// SameSite=Lax, Path=/, Max-Age = the access token's lifetime) before a 302 to the landing path.
///
/// Without parameters: starts a redirect sign-in (302 to the authorize endpoint).
pub async fn handle_sign_in(
    thunder: ThunderId,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, HandlerError> {
    let sessions = thunder.sessions()?;
    let client = sessions.client();
    let query = query.unwrap_or_default();
    let Some(state) = param(&query, "state") else {
        if param(&query, "code").is_some() || param(&query, "error").is_some() {
            return Err(HandlerError::BadRequest(
                "the callback has no state".to_owned(),
            ));
        }
        return start_redirect(&thunder, &headers).await;
    };
    let pending = thunder
        .inner
        .pending
        .take_sign_in(&state, client.now())
        .ok_or(HandlerError::UnknownSignIn)?;
    if cookies::get(&headers, BROWSER_COOKIE).as_deref() != Some(pending.browser.as_str()) {
        return Err(HandlerError::ForeignSignIn);
    }
    let signed_in = sessions
        .complete_sign_in_with(pending.authorization, &query)
        .await
        .map_err(HandlerError::sign_in)?;
    let max_age = signed_in.expires_at.saturating_sub(client.now());
    let cookie = cookies::set(
        SESSION_COOKIE,
        signed_in.session_token.secret(),
        max_age,
        thunder.inner.secure_cookies,
    );
    Ok(found(&thunder.inner.landing_path, vec![cookie]))
}

/// A redirect sign-in: the authorize URL, its secrets kept under its `state`.
async fn start_redirect(
    thunder: &ThunderId,
    headers: &HeaderMap,
) -> Result<Response, HandlerError> {
    let client = thunder.client()?;
    let request = client
        .authorize_url(AuthorizeOptions::default())
        .await
        .map_err(HandlerError::SignIn)?;
    let browser = cookies::get(headers, BROWSER_COOKIE).unwrap_or_else(random_token);
    thunder
        .inner
        .pending
        .insert_sign_in(request.pending, browser.clone(), client.now())
        .map_err(|_| HandlerError::Busy)?;
    let cookie = cookies::set(
        BROWSER_COOKIE,
        &browser,
        PENDING_SIGN_IN_TTL,
        thunder.inner.secure_cookies,
    );
    Ok(found(request.url.as_str(), vec![cookie]))
}

/// `GET /logout`. With a session: forgets it, clears the [`SESSION_COOKIE`] and sends the browser
/// to the end-session endpoint (named by the ID token, with a random `state` kept here). Back with
/// `?state=…`: the state must be that one (else 400); then a 302 to the landing path. Without a
/// session (none, expired, tampered): clears the cookie and goes to the landing path.
pub async fn handle_sign_out(
    thunder: ThunderId,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, HandlerError> {
    let sessions = thunder.sessions()?;
    let client = sessions.client();
    let landing = thunder.inner.landing_path.as_str();
    let clear = cookies::clear(SESSION_COOKIE, thunder.inner.secure_cookies);
    if let Some(state) = param(query.as_deref().unwrap_or_default(), "state") {
        return if thunder.inner.pending.take_sign_out(&state, client.now()) {
            Ok(found(landing, Vec::new()))
        } else {
            Err(HandlerError::UnknownSignOut)
        };
    }
    let Some(token) = cookies::get(&headers, SESSION_COOKIE) else {
        return Ok(found(landing, vec![clear]));
    };
    match sessions.sign_out(&SessionToken::new(token)).await {
        Ok(Some(sign_out)) => {
            thunder
                .inner
                .pending
                .insert_sign_out(sign_out.state, client.now())
                .map_err(|_| HandlerError::Busy)?;
            Ok(found(sign_out.url.as_str(), vec![clear]))
        }
        Ok(None) | Err(Error::Session(SessionError::NotSignedIn)) => {
            Ok(found(landing, vec![clear]))
        }
        Err(error) => Err(HandlerError::SignOut(error)),
    }
}

/// The first value of query parameter `name`.
fn param(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}
