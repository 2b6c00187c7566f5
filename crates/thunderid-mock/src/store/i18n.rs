//! [`Translations`]: the server's translations as its composite store keeps them
//! (`backend/internal/system/i18n/mgt/composite_store.go`): the stored ones (`store.go`, one value
//! per (namespace, key, language)) over the read-only texts of translation files
//! (`file_based_store.go`). The fixture set's `translations.json` is what a fresh mock has stored;
//! the i18n API and `/import` change the stored layer only, so deleting a stored text uncovers a
//! file's text for the same key again. Read by every gate page and `/flow/meta`, changed rarely:
//! published as snapshots.

use std::collections::{BTreeMap, BTreeSet};

use crate::fixtures::Fixtures;

/// (namespace, key).
type Key = (String, String);
/// (namespace, key) → language → value.
type Layer = BTreeMap<Key, BTreeMap<String, String>>;

#[derive(Debug, Clone, Default)]
pub(crate) struct Translations {
    /// What reads see: per key and language, the stored value, else the file's
    /// (`mergeTranslationMaps`, the database overriding).
    entries: Layer,
    /// The stored layer (the server's database): what the API and `/import` write.
    stored: Layer,
    /// The translation files' layer, read-only.
    files: Layer,
    /// The languages of the translation files (one file per language).
    file_languages: BTreeSet<String>,
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

    /// The distinct languages with a stored value, sorted (`ORDER BY LANGUAGE_CODE`), then those
    /// only files declare, sorted (the file store lists by id), as `GetDistinctLanguages` merges.
    pub(crate) fn languages(&self) -> Vec<String> {
        let mut languages: Vec<String> = self
            .stored
            .values()
            .flat_map(|by_language| by_language.keys().cloned())
            .collect();
        languages.sort();
        languages.dedup();
        let files: Vec<String> = self
            .file_languages
            .iter()
            .filter(|l| languages.binary_search(l).is_err())
            .cloned()
            .collect();
        languages.extend(files);
        languages
    }

    /// A translation file's texts: the read-only layer under the stored ones. A second file for
    /// the same language is refused, as the server's loader refuses a duplicate id.
    pub(crate) fn declare_file(
        &mut self,
        language: &str,
        translations: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> Result<(), String> {
        if !self.file_languages.insert(language.to_owned()) {
            return Err(format!(
                "duplicate translation ID '{language}': a translation with this ID already exists \
                 in declarative resources"
            ));
        }
        for (namespace, keys) in translations {
            for (key, value) in keys {
                let id = (namespace.clone(), key.clone());
                self.files
                    .entry(id.clone())
                    .or_default()
                    .insert(language.to_owned(), value.clone());
                self.refresh(&id);
            }
        }
        Ok(())
    }

    /// Recompute what reads see for `id`: the file's values, the stored ones over them.
    fn refresh(&mut self, id: &Key) {
        let mut merged = self.files.get(id).cloned().unwrap_or_default();
        if let Some(stored) = self.stored.get(id) {
            merged.extend(stored.iter().map(|(l, v)| (l.clone(), v.clone())));
        }
        if merged.is_empty() {
            self.entries.remove(id);
        } else {
            self.entries.insert(id.clone(), merged);
        }
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

    /// Store one value (the stored layer).
    pub(crate) fn upsert(&mut self, language: &str, namespace: &str, key: &str, value: &str) {
        let id = (namespace.to_owned(), key.to_owned());
        self.stored
            .entry(id.clone())
            .or_default()
            .insert(language.to_owned(), value.to_owned());
        self.refresh(&id);
    }

    /// Drop one stored value; a file's value for it shows again.
    pub(crate) fn delete(&mut self, language: &str, namespace: &str, key: &str) {
        let id = (namespace.to_owned(), key.to_owned());
        if let Some(by_language) = self.stored.get_mut(&id) {
            by_language.remove(language);
            if by_language.is_empty() {
                self.stored.remove(&id);
            }
            self.refresh(&id);
        }
    }

    /// Drop every stored value of `language`.
    pub(crate) fn delete_language(&mut self, language: &str) {
        let mut changed = Vec::new();
        self.stored.retain(|id, by_language| {
            if by_language.remove(language).is_some() {
                changed.push(id.clone());
            }
            !by_language.is_empty()
        });
        for id in &changed {
            self.refresh(id);
        }
    }

    /// Drop a stored key in every language (an application's `custom` texts when it is deleted).
    pub(crate) fn delete_key(&mut self, namespace: &str, key: &str) {
        let id = (namespace.to_owned(), key.to_owned());
        if self.stored.remove(&id).is_some() {
            self.refresh(&id);
        }
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

    #[test]
    fn a_file_text_lies_under_the_stored_one_and_shows_again_when_it_is_deleted() {
        let mut t = Translations::default();
        let file = BTreeMap::from([(
            "signin".to_owned(),
            BTreeMap::from([("heading".to_owned(), "From file".to_owned())]),
        )]);
        t.declare_file("fr", &file).unwrap();
        t.upsert("fr", "signin", "heading", "Stored");
        t.upsert("de", "signin", "heading", "Gespeichert");
        assert_eq!(t.by_key("signin", "heading")["fr"], "Stored");
        assert_eq!(t.languages(), ["de", "fr"]);
        t.delete("fr", "signin", "heading");
        assert_eq!(t.by_key("signin", "heading")["fr"], "From file");
        t.delete_language("fr");
        t.delete_key("signin", "heading");
        assert_eq!(
            t.by_key("signin", "heading"),
            BTreeMap::from([("fr".to_owned(), "From file".to_owned())])
        );
        assert_eq!(t.languages(), ["fr"]);
        assert_eq!(
            t.declare_file("fr", &file),
            Err(
                "duplicate translation ID 'fr': a translation with this ID already exists in \
                 declarative resources"
                    .to_owned()
            )
        );
    }
}
