//! The translation API (`backend/internal/system/i18n/mgt/service.go`): stored texts by language,
//! namespace and key, each key resolved to the best stored language, with the server's built-in
//! `system` texts under `en-US`. What it changes shows at once in `/flow/meta` and on the gate,
//! which read [`resolve`].

mod language;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::i18n::{
    LanguageListResponse, LanguageTranslations, Translation, TranslationTable,
};

use crate::error::MockError;
use crate::service::request::GoObject;
use crate::state::AppState;

pub(crate) use language::is_canonical;

/// The server's system language (`i18n/mgt/constants.go`).
pub(crate) const SYSTEM_LANGUAGE: &str = "en-US";
/// The namespace of the built-in texts.
const SYSTEM_NAMESPACE: &str = "system";

/// The built-in `system` texts (`i18n/core/defaults.go`) the mock knows: every error message and
/// description of the code table, under its key.
static SYSTEM_DEFAULTS: LazyLock<BTreeMap<&'static str, &'static str>> = LazyLock::new(|| {
    let mut defaults = BTreeMap::new();
    for code in ApiErrorCode::ALL {
        defaults
            .entry(code.message_key())
            .or_insert(code.message_default());
        defaults
            .entry(code.description_key())
            .or_insert(code.description_default());
    }
    defaults
});

fn error(code: ApiErrorCode) -> MockError {
    MockError::api(code)
}

fn valid_namespace(namespace: &str) -> bool {
    !namespace.is_empty()
        && namespace.len() <= 64
        && namespace
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 256
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The language checks of the setters: present (I18N-1004), canonical (I18N-1001).
fn check_language(language: &str) -> Result<(), MockError> {
    if language.is_empty() {
        return Err(error(ApiErrorCode::I18nMissingLanguage));
    }
    if !is_canonical(language) {
        return Err(error(ApiErrorCode::I18nInvalidLanguage));
    }
    Ok(())
}

/// `validate`: language, namespace (I18N-1002), key (I18N-1003).
fn check_entry(language: &str, namespace: &str, key: &str) -> Result<(), MockError> {
    check_language(language)?;
    if !valid_namespace(namespace) {
        return Err(error(ApiErrorCode::I18nInvalidNamespace));
    }
    if !valid_key(key) {
        return Err(error(ApiErrorCode::I18nInvalidKey));
    }
    Ok(())
}

/// `GET /i18n/languages`: the stored languages, sorted, then those only translation files have,
/// with the system language appended when absent.
pub(crate) fn languages(state: &AppState) -> LanguageListResponse {
    let mut languages = state.stores().translations.current().languages();
    if !languages.iter().any(|l| l == SYSTEM_LANGUAGE) {
        languages.push(SYSTEM_LANGUAGE.to_owned());
    }
    LanguageListResponse { languages }
}

/// `GET /i18n/languages/{language}/translations/resolve`: every key (of `namespace`, when given) in
/// the best stored language; the system texts join when no namespace or `system` is asked for.
pub(crate) fn resolve(
    state: &AppState,
    language: &str,
    namespace: &str,
) -> Result<LanguageTranslations, MockError> {
    let language = if language.is_empty() {
        SYSTEM_LANGUAGE
    } else {
        language
    };
    if !is_canonical(language) {
        return Err(error(ApiErrorCode::I18nInvalidLanguage));
    }
    if !namespace.is_empty() && !valid_namespace(namespace) {
        return Err(error(ApiErrorCode::I18nInvalidNamespace));
    }
    let stored = state.stores().translations.current();
    let mut translations = TranslationTable::new();
    let mut total = 0u64;
    let mut put = |ns: &str, key: &str, value: Option<&str>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            translations
                .entry(ns.to_owned())
                .or_default()
                .insert(key.to_owned(), value.to_owned());
        }
    };
    let with_system = namespace.is_empty() || namespace == SYSTEM_NAMESPACE;
    for ((ns, key), values) in stored.entries((!namespace.is_empty()).then_some(namespace)) {
        total += 1;
        let default = SYSTEM_DEFAULTS
            .get(key.as_str())
            .filter(|_| with_system && ns == SYSTEM_NAMESPACE);
        match default {
            // A built-in text the store lacks in en-US competes with the stored languages.
            Some(default) if !values.contains_key(SYSTEM_LANGUAGE) => {
                let mut merged = values.clone();
                merged.insert(SYSTEM_LANGUAGE.to_owned(), (*default).to_owned());
                put(ns, key, language::best(&merged, language));
            }
            _ => put(ns, key, language::best(values, language)),
        }
    }
    if with_system {
        for (key, value) in SYSTEM_DEFAULTS.iter() {
            if stored.by_key_ref(SYSTEM_NAMESPACE, key).is_none() {
                total += 1;
                put(SYSTEM_NAMESPACE, key, Some(value));
            }
        }
    }
    Ok(LanguageTranslations {
        language: language.to_owned(),
        total_results: total,
        translations,
    })
}

/// The `translations` member of a body: namespace → key → text (Go's
/// `map[string]map[string]string`; `null` is an empty map).
fn table(value: Option<&Value>) -> Option<TranslationTable> {
    let Some(value) = value else {
        return Some(TranslationTable::new());
    };
    let outer = match value {
        Value::Null => return Some(TranslationTable::new()),
        Value::Object(outer) => outer,
        _ => return None,
    };
    let mut table = TranslationTable::new();
    for (namespace, keys) in outer {
        let keys = match keys {
            Value::Null => BTreeMap::new(),
            Value::Object(keys) => keys
                .iter()
                .map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect::<Option<_>>()?,
            _ => return None,
        };
        table.insert(namespace.clone(), keys);
    }
    Some(table)
}

/// `POST /i18n/languages/{language}/translations`.
pub(crate) fn set_all(
    state: &AppState,
    language: &str,
    body: &[u8],
) -> Result<LanguageTranslations, MockError> {
    let invalid = || error(ApiErrorCode::I18nInvalidRequestFormat);
    let request = GoObject::decode(body, &["translations"]).map_err(|_| invalid())?;
    let translations = table(request.raw("translations")).ok_or_else(invalid)?;
    replace_language(state, language, translations)
}

/// `SetTranslationOverrides`: replace every stored text of `language` (the API and `/import`).
pub(crate) fn replace_language(
    state: &AppState,
    language: &str,
    translations: TranslationTable,
) -> Result<LanguageTranslations, MockError> {
    check_language(language)?;
    if translations.is_empty() {
        return Err(error(ApiErrorCode::I18nEmptyTranslations));
    }
    for (namespace, keys) in &translations {
        if !valid_namespace(namespace) {
            return Err(error(ApiErrorCode::I18nInvalidNamespace));
        }
        for (key, value) in keys {
            if !valid_key(key) {
                return Err(error(ApiErrorCode::I18nInvalidKey));
            }
            if value.is_empty() {
                return Err(error(ApiErrorCode::I18nMissingValue));
            }
        }
    }
    let total = translations.values().map(|keys| keys.len() as u64).sum();
    state
        .stores()
        .translations
        .update(|t| -> Result<(), MockError> {
            t.delete_language(language);
            for (namespace, keys) in &translations {
                for (key, value) in keys {
                    t.upsert(language, namespace, key, value);
                }
            }
            Ok(())
        })?;
    Ok(LanguageTranslations {
        language: language.to_owned(),
        total_results: total,
        translations,
    })
}

/// A translation file loaded read-only (`--resources`): its texts become the layer under the
/// stored ones, as the server's composite store loads `config/resources/translations`. The file
/// loader checks only what `validateTranslationWrapper` checks: a language, a `translations`
/// mapping, no second file for the language; the API's checks do not apply to files.
pub(crate) fn declare_file(state: &AppState, document: &Map<String, Value>) -> Result<(), String> {
    let language = match document.get("language") {
        Some(Value::String(language)) => language.clone(),
        None | Some(Value::Null) => String::new(),
        Some(other) => return Err(format!("cannot decode language {other}")),
    };
    if language.is_empty() {
        return Err("translation language is required".to_owned());
    }
    let translations = match document.get("translations") {
        None | Some(Value::Null) => return Err("translation translations is required".to_owned()),
        Some(value) => file_table(value).ok_or("cannot decode translations")?,
    };
    state
        .stores()
        .translations
        .update(|t| t.declare_file(&language, &translations))
}

/// A file's `translations` as yaml.v3 decodes `map[string]map[string]string`: any scalar is its
/// text, `null` an empty one.
fn file_table(value: &Value) -> Option<TranslationTable> {
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => Some(String::new()),
        Value::Bool(_) | Value::Number(_) => Some(v.to_string()),
        _ => None,
    };
    let mut table = TranslationTable::new();
    for (namespace, keys) in value.as_object()? {
        let keys = match keys {
            Value::Null => BTreeMap::new(),
            Value::Object(keys) => keys
                .iter()
                .map(|(k, v)| scalar(v).map(|v| (k.clone(), v)))
                .collect::<Option<_>>()?,
            _ => return None,
        };
        table.insert(namespace.clone(), keys);
    }
    Some(table)
}

/// `DELETE /i18n/languages/{language}/translations`.
pub(crate) fn clear_all(state: &AppState, language: &str) -> Result<(), MockError> {
    check_language(language)?;
    state
        .stores()
        .translations
        .update(|t| -> Result<(), MockError> {
            t.delete_language(language);
            Ok(())
        })
}

/// `GET …/ns/{namespace}/keys/{key}/resolve`: the key in the best stored language (the system text
/// counts as stored in `en-US`); I18N-1006 when there is none.
pub(crate) fn resolve_key(
    state: &AppState,
    language: &str,
    namespace: &str,
    key: &str,
) -> Result<Translation, MockError> {
    check_entry(language, namespace, key)?;
    let mut values = state.stores().translations.current().by_key(namespace, key);
    if namespace == SYSTEM_NAMESPACE
        && let Some(default) = SYSTEM_DEFAULTS.get(key)
    {
        values
            .entry(SYSTEM_LANGUAGE.to_owned())
            .or_insert_with(|| (*default).to_owned());
    }
    let value = language::best(&values, language)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| error(ApiErrorCode::I18nTranslationNotFound))?;
    Ok(Translation {
        language: language.to_owned(),
        namespace: namespace.to_owned(),
        key: key.to_owned(),
        value: value.to_owned(),
    })
}

/// `POST …/ns/{namespace}/keys/{key}`: upsert one text.
pub(crate) fn set_key(
    state: &AppState,
    language: &str,
    namespace: &str,
    key: &str,
    body: &[u8],
) -> Result<Translation, MockError> {
    let invalid = || error(ApiErrorCode::I18nInvalidRequestFormat);
    let request = GoObject::decode(body, &["value"]).map_err(|_| invalid())?;
    let value = crate::wire::sanitize(&request.string("value").map_err(|_| invalid())?);
    check_entry(language, namespace, key)?;
    if value.is_empty() {
        return Err(error(ApiErrorCode::I18nMissingValue));
    }
    state
        .stores()
        .translations
        .update(|t| -> Result<(), MockError> {
            t.upsert(language, namespace, key, &value);
            Ok(())
        })?;
    Ok(Translation {
        language: language.to_owned(),
        namespace: namespace.to_owned(),
        key: key.to_owned(),
        value,
    })
}

/// `DELETE …/ns/{namespace}/keys/{key}`: absent is fine.
pub(crate) fn clear_key(
    state: &AppState,
    language: &str,
    namespace: &str,
    key: &str,
) -> Result<(), MockError> {
    check_entry(language, namespace, key)?;
    state
        .stores()
        .translations
        .update(|t| -> Result<(), MockError> {
            t.delete(language, namespace, key);
            Ok(())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_and_keys_follow_the_server_patterns() {
        assert!(valid_namespace("sign-in_2"));
        assert!(!valid_namespace("sign.in"));
        assert!(!valid_namespace(&"n".repeat(65)));
        assert!(valid_key("forms.title-1_a"));
        assert!(!valid_key("forms title"));
        assert!(!valid_key(&"k".repeat(257)));
    }

    #[test]
    fn the_system_texts_carry_every_error_message() {
        assert_eq!(
            SYSTEM_DEFAULTS.get("error.i18nservice.translation_not_found"),
            Some(&"Translation not found")
        );
    }
}
