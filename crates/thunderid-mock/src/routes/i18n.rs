//! The translation API (see `service::i18n`). Path values are sanitized as the server's handlers
//! do; the three `GET`s are public, the setters need `system`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use thunderid_protocol::i18n::{LanguageListResponse, LanguageTranslations, Translation};

use crate::error::MockError;
use crate::security::Principal;
use crate::service::{i18n, request};
use crate::state::AppState;
use crate::wire::{GoJson, sanitize};

type Json<T> = Result<GoJson<T>, MockError>;

/// `{language}/translations/ns/{namespace}/keys/{key}`, sanitized.
type KeyPath = Path<(String, String, String)>;

fn clean((language, namespace, key): (String, String, String)) -> (String, String, String) {
    (sanitize(&language), sanitize(&namespace), sanitize(&key))
}

/// `GET /i18n/languages`.
pub(crate) async fn list_languages(State(state): State<AppState>) -> GoJson<LanguageListResponse> {
    GoJson(i18n::languages(&state))
}

/// `GET /i18n/languages/{language}/translations/resolve`.
pub(crate) async fn resolve_translations(
    State(state): State<AppState>,
    Path(language): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<LanguageTranslations> {
    let query = request::Query::parse(query.as_deref());
    let namespace = sanitize(query.get("namespace").unwrap_or_default());
    Ok(GoJson(i18n::resolve(
        &state,
        &sanitize(&language),
        &namespace,
    )?))
}

/// `POST /i18n/languages/{language}/translations`.
pub(crate) async fn set_translations(
    State(state): State<AppState>,
    _: Principal,
    Path(language): Path<String>,
    body: Bytes,
) -> Json<LanguageTranslations> {
    Ok(GoJson(i18n::set_all(&state, &sanitize(&language), &body)?))
}

/// `DELETE /i18n/languages/{language}/translations`: 204.
pub(crate) async fn clear_translations(
    State(state): State<AppState>,
    _: Principal,
    Path(language): Path<String>,
) -> Result<StatusCode, MockError> {
    i18n::clear_all(&state, &sanitize(&language))?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET …/ns/{namespace}/keys/{key}/resolve`.
pub(crate) async fn resolve_translation(
    State(state): State<AppState>,
    Path(path): KeyPath,
) -> Json<Translation> {
    let (language, namespace, key) = clean(path);
    Ok(GoJson(i18n::resolve_key(
        &state, &language, &namespace, &key,
    )?))
}

/// `POST …/ns/{namespace}/keys/{key}`.
pub(crate) async fn set_translation(
    State(state): State<AppState>,
    _: Principal,
    Path(path): KeyPath,
    body: Bytes,
) -> Json<Translation> {
    let (language, namespace, key) = clean(path);
    Ok(GoJson(i18n::set_key(
        &state, &language, &namespace, &key, &body,
    )?))
}

/// `DELETE …/ns/{namespace}/keys/{key}`: 204.
pub(crate) async fn clear_translation(
    State(state): State<AppState>,
    _: Principal,
    Path(path): KeyPath,
) -> Result<StatusCode, MockError> {
    let (language, namespace, key) = clean(path);
    i18n::clear_key(&state, &language, &namespace, &key)?;
    Ok(StatusCode::NO_CONTENT)
}
