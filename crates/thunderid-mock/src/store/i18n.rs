//! [`Translations`]: the server's stored translations (`backend/internal/system/i18n/mgt/store.go`),
//! one value per (namespace, key, language). The fixture set's `translations.json` is what a fresh
//! mock has stored; the i18n API and `/import` change it. Read by every gate page and `/flow/meta`,
//! changed rarely: published as snapshots.

use std::collections::BTreeMap;

use crate::fixtures::Fixtures;

/// (namespace, key) → language → value.
#[derive(Debug, Clone, Default)]
pub(crate) struct Translations {
    entries: BTreeMap<(String, String), BTreeMap<String, String>>,
}

impl Translations {
    pub(crate) fn from_fixtures(fixtures: &Fixtures) -> Self {
        let mut store = Self::default();
        for (language, namespaces) in &fixtures.translations {
            for (namespace, keys) in namespaces {
                for (key, value) in keys {
                    store.upsert(language, namespace, key, value);
                }
            }
        }
        store
    }

    /// The distinct languages with a stored value, sorted (`ORDER BY LANGUAGE_CODE`).
    pub(crate) fn languages(&self) -> Vec<String> {
        let mut languages: Vec<String> = self
            .entries
            .values()
            .flat_map(|by_language| by_language.keys().cloned())
            .collect();
        languages.sort();
        languages.dedup();
        languages
    }

    /// Every (namespace, key) with its values by language, or those of one namespace.
    pub(crate) fn entries<'a>(
        &'a self,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a (String, String), &'a BTreeMap<String, String>)> + 'a {
        self.entries
            .iter()
            .filter(move |((ns, _), _)| namespace.is_none_or(|wanted| ns == wanted))
    }

    /// The values of one key by language.
    pub(crate) fn by_key(&self, namespace: &str, key: &str) -> BTreeMap<String, String> {
        self.entries
            .get(&(namespace.to_owned(), key.to_owned()))
            .cloned()
            .unwrap_or_default()
    }

    /// The values of one key by language, borrowed.
    pub(crate) fn by_key_ref(
        &self,
        namespace: &str,
        key: &str,
    ) -> Option<&BTreeMap<String, String>> {
        self.entries.get(&(namespace.to_owned(), key.to_owned()))
    }

    pub(crate) fn upsert(&mut self, language: &str, namespace: &str, key: &str, value: &str) {
        self.entries
            .entry((namespace.to_owned(), key.to_owned()))
            .or_default()
            .insert(language.to_owned(), value.to_owned());
    }

    pub(crate) fn delete(&mut self, language: &str, namespace: &str, key: &str) {
        let id = (namespace.to_owned(), key.to_owned());
        if let Some(by_language) = self.entries.get_mut(&id) {
            by_language.remove(language);
            if by_language.is_empty() {
                self.entries.remove(&id);
            }
        }
    }

    /// Drop every value of `language`.
    pub(crate) fn delete_language(&mut self, language: &str) {
        self.entries.retain(|_, by_language| {
            by_language.remove(language);
            !by_language.is_empty()
        });
    }

    /// Drop a key in every language (an application's `custom` texts when it is deleted).
    pub(crate) fn delete_key(&mut self, namespace: &str, key: &str) {
        self.entries.remove(&(namespace.to_owned(), key.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deleting_a_language_keeps_the_other_languages_of_a_key() {
        let mut t = Translations::default();
        t.upsert("en-US", "signin", "heading", "Sign in");
        t.upsert("fr", "signin", "heading", "Connexion");
        t.upsert("fr", "signin", "only", "Seulement");
        t.delete_language("fr");
        assert_eq!(t.languages(), ["en-US"]);
        assert_eq!(t.by_key("signin", "heading").len(), 1);
        assert!(t.by_key("signin", "only").is_empty());
    }
}
