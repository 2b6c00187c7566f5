//! The translation API (`api/i18n.yaml`, `backend/internal/system/i18n/mgt/`).
//!
//! | Call | Request | Response |
//! |---|---|---|
//! | `GET /i18n/languages` | — | 200 [`LanguageListResponse`] |
//! | `GET /i18n/languages/{language}/translations/resolve?namespace=` | — | 200 [`LanguageTranslations`] |
//! | `POST /i18n/languages/{language}/translations` | [`SetTranslationsRequest`] | 200 [`LanguageTranslations`] |
//! | `DELETE /i18n/languages/{language}/translations` | — | 204 |
//! | `GET /i18n/languages/{language}/translations/ns/{namespace}/keys/{key}/resolve` | — | 200 [`Translation`] |
//! | `POST /i18n/languages/{language}/translations/ns/{namespace}/keys/{key}` | [`SetTranslationRequest`] | 200 [`Translation`] |
//! | `DELETE /i18n/languages/{language}/translations/ns/{namespace}/keys/{key}` | — | 204 |

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Namespace → key → text.
pub type TranslationTable = BTreeMap<String, BTreeMap<String, String>>;

/// The languages with stored translations, and the system language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageListResponse {
    pub languages: Vec<String>,
}

/// A language's texts (`providers.LanguageTranslationsResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LanguageTranslations {
    /// As requested, not the language each text was found in.
    pub language: String,
    /// Resolved: the (namespace, key) pairs considered; set: the texts stored. Omitted when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub total_results: u64,
    pub translations: TranslationTable,
}

/// One text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Translation {
    pub language: String,
    pub namespace: String,
    pub key: String,
    pub value: String,
}

/// The body of `POST …/translations`: replaces every stored text of the language.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SetTranslationsRequest {
    #[serde(default)]
    pub translations: TranslationTable,
}

/// The body of `POST …/keys/{key}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SetTranslationRequest {
    #[serde(default)]
    pub value: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_resolved_language_without_results_omits_the_count() {
        // i18n.yaml `LanguageTranslationsResponse`; Go's `omitempty` on `totalResults`.
        let body = LanguageTranslations {
            language: "fr".into(),
            total_results: 0,
            translations: TranslationTable::new(),
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"language": "fr", "translations": {}})
        );
        let back: LanguageTranslations =
            serde_json::from_value(json!({"language": "fr", "translations": {}})).unwrap();
        assert_eq!(back, body);
    }

    #[test]
    fn a_translation_round_trips() {
        let wire =
            json!({"language": "en-US", "namespace": "signin", "key": "heading", "value": "Hi"});
        let t: Translation = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(serde_json::to_value(t).unwrap(), wire);
    }
}
