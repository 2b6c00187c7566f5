//! Language tags as the server's i18n service reads them (`golang.org/x/text/language`): a tag is
//! valid only in canonical BCP 47 form (`ValidateLanguage`: `BCP47.Parse(tag).String() == tag`),
//! and a key's text is the best match among the languages it is stored in (`selectBestTranslation`).
//!
//! Known difference: Go also rejects three-letter language subtags and regions its tables do not
//! know, and folds a script the language implies (`en-Latn` → `en`); the mock checks two-letter
//! languages against ISO 639-1 and the form of everything else.

use std::collections::BTreeMap;

/// ISO 639-1: the two-letter languages Go knows.
const ISO_639_1: &str = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch \
co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho \
hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb \
lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa \
pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk \
tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

/// Deprecated codes Go replaces (`iw` → `he`), so they are never canonical.
const DEPRECATED: [&str; 5] = ["iw", "in", "ji", "jw", "mo"];

/// The server's preference among stored languages when none matches better
/// (`LanguagePreferenceOrder`).
const PREFERRED: [&str; 2] = ["en-US", "en"];

/// `ValidateLanguage`: a well-formed tag already in canonical form.
pub(crate) fn is_canonical(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let Some(language) = subtags.next() else {
        return false;
    };
    let lower_alpha = |s: &str| s.bytes().all(|b| b.is_ascii_lowercase());
    let lower_alnum = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    if language == "x" {
        return private_use(subtags, lower_alnum);
    }
    let known = match language.len() {
        2 => ISO_639_1.split(' ').any(|l| l == language) && !DEPRECATED.contains(&language),
        3 => lower_alpha(language),
        _ => false,
    };
    if !known || !lower_alpha(language) {
        return false;
    }
    let rest: Vec<&str> = subtags.collect();
    let mut i = 0;
    // Script: four letters, title case.
    if let Some(s) = rest.get(i)
        && s.len() == 4
        && s.bytes().all(|b| b.is_ascii_alphabetic())
    {
        let mut chars = s.chars();
        let first_upper = chars.next().is_some_and(|c| c.is_ascii_uppercase());
        if !first_upper || !chars.all(|c| c.is_ascii_lowercase()) {
            return false;
        }
        i += 1;
    }
    // Region: two upper-case letters or three digits.
    if let Some(s) = rest.get(i) {
        let alpha = s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic());
        let digits = s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit());
        if alpha && !s.bytes().all(|b| b.is_ascii_uppercase()) {
            return false;
        }
        if alpha || digits {
            i += 1;
        }
    }
    // Variants: 5–8 characters, or a digit and three more.
    while let Some(s) = rest.get(i) {
        let variant = (5..=8).contains(&s.len())
            || (s.len() == 4 && s.bytes().next().is_some_and(|b| b.is_ascii_digit()));
        if !variant {
            break;
        }
        if !lower_alnum(s) {
            return false;
        }
        i += 1;
    }
    // Extensions (a singleton and 2–8 character subtags), then private use.
    while let Some(s) = rest.get(i) {
        if *s == "x" {
            return private_use(rest[i + 1..].iter().copied(), lower_alnum);
        }
        if s.len() != 1 || !lower_alnum(s) {
            return false;
        }
        i += 1;
        let start = i;
        while let Some(t) = rest.get(i).filter(|t| t.len() >= 2) {
            if t.len() > 8 || !lower_alnum(t) {
                return false;
            }
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    true
}

fn private_use<'a>(
    mut subtags: impl Iterator<Item = &'a str>,
    lower_alnum: impl Fn(&str) -> bool,
) -> bool {
    let mut any = false;
    subtags.all(|s| {
        any = true;
        (1..=8).contains(&s.len()) && lower_alnum(s)
    }) && any
}

/// The value a key shows in `requested`, from its values by language: the exact language, else the
/// same language without a region or with another one, else the preferred stored language
/// (`en-US`, `en`, then the others in order), as Go's matcher falls back to its first supported
/// tag.
pub(crate) fn best<'a>(
    by_language: &'a BTreeMap<String, String>,
    requested: &str,
) -> Option<&'a str> {
    if by_language.is_empty() {
        return None;
    }
    if let Some(exact) = by_language.get(requested) {
        return Some(exact);
    }
    let primary = |tag: &str| {
        tag.split('-')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    let wanted = primary(requested);
    let mut ordered: Vec<&String> = PREFERRED
        .iter()
        .filter_map(|p| by_language.get_key_value(*p).map(|(k, _)| k))
        .collect();
    ordered.extend(
        by_language
            .keys()
            .filter(|k| !PREFERRED.contains(&k.as_str())),
    );
    let same_language = ordered
        .iter()
        .filter(|tag| primary(tag) == wanted)
        .min_by_key(|tag| tag.contains('-'));
    let chosen = same_language.or(ordered.first())?;
    by_language.get(*chosen).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_tags_are_valid() {
        for tag in [
            "en",
            "en-US",
            "fr-CA",
            "zh-Hant-TW",
            "es-419",
            "de-CH-1996",
            "en-US-u-ca-gregory",
            "x-klingon",
            "fil",
        ] {
            assert!(is_canonical(tag), "{tag}");
        }
        for tag in [
            "", "en-us", "EN", "zh-hant", "english", "xx", "iw", "en_US", "en-", "en-u", "1a",
        ] {
            assert!(!is_canonical(tag), "{tag}");
        }
    }

    #[test]
    fn a_key_falls_back_to_the_same_language_then_the_preferred_one() {
        let values: BTreeMap<String, String> =
            [("en-US", "Hello"), ("fr", "Bonjour"), ("fr-CA", "Allô")]
                .into_iter()
                .map(|(l, v)| (l.to_owned(), v.to_owned()))
                .collect();
        assert_eq!(best(&values, "fr-CA"), Some("Allô"));
        assert_eq!(best(&values, "fr-BE"), Some("Bonjour"));
        assert_eq!(best(&values, "de"), Some("Hello"));
        let only_french: BTreeMap<String, String> =
            [("fr".to_owned(), "Bonjour".to_owned())].into();
        assert_eq!(best(&only_french, "de"), Some("Bonjour"));
    }
}
