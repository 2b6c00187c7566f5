//! What a gate page shows around a step: the application's metadata, design and texts exactly as
//! `GET /flow/meta?type=APP&id=…&language=…` resolves them (the real gate reads that endpoint and
//! nothing else), the page's language, and where its forms may lead.

use std::collections::BTreeMap;

use thunderid_protocol::flow::FlowMetadataResponse;

use crate::service::flow_meta::{self, MetaQuery, SYSTEM_LANGUAGE};
use crate::state::AppState;

/// Namespace → key → text.
pub(crate) type TextTable = BTreeMap<String, BTreeMap<String, String>>;

/// The branding and texts of one page.
#[derive(Debug, Clone)]
pub(crate) struct PageMeta {
    /// `/flow/meta` for the application (only `i18n` when the application is unknown).
    pub meta: FlowMetadataResponse,
    /// The system language's translations, for keys the page's language lacks.
    pub fallback: TextTable,
    /// Origins (or schemes) the page's forms may be redirected to after a post: the server's own
    /// and the application's redirect targets. They feed the CSP's `form-action`, which browsers
    /// also enforce on the redirect that answers a form post.
    pub form_targets: Vec<String>,
}

/// The languages a visitor asked for, best first: an explicit choice (`?language=`), then the
/// `Accept-Language` entries by weight.
#[derive(Debug, Clone, Default)]
pub(crate) struct LanguagePreference {
    pub explicit: String,
    pub accepted: Vec<String>,
}

impl LanguagePreference {
    /// Parse an `Accept-Language` header: tags ordered by `q` (stable for ties), `*` and `q=0`
    /// dropped.
    pub(crate) fn with_accept_language(explicit: &str, header: &str) -> Self {
        let mut weighted: Vec<(u32, String)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let q = pieces
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .find_map(|v| v.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                let valid = !tag.is_empty()
                    && tag != "*"
                    && tag.len() <= 35
                    && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
                // Weights have at most three decimals: compare them as integers.
                (valid && q > 0.0).then(|| ((q * 1000.0) as u32, tag.to_owned()))
            })
            .collect();
        weighted.sort_by_key(|(q, _)| std::cmp::Reverse(*q));
        Self {
            explicit: explicit.trim().to_owned(),
            accepted: weighted.into_iter().map(|(_, tag)| tag).collect(),
        }
    }
}

/// The page's metadata for `application_id` in the best language the translations carry.
pub(crate) fn page_meta(
    state: &AppState,
    application_id: &str,
    preference: &LanguagePreference,
) -> PageMeta {
    let available = crate::service::i18n::languages(state).languages;
    let language = choose_language(&available, preference);
    let app_query = MetaQuery::application(application_id, &language);
    let meta = flow_meta::flow_meta(state, &app_query)
        .unwrap_or_else(|_| flow_meta::texts(state, &language, ""));
    let fallback = if language == SYSTEM_LANGUAGE {
        TextTable::new()
    } else {
        flow_meta::texts(state, SYSTEM_LANGUAGE, "")
            .i18n
            .translations
    };
    PageMeta {
        meta,
        fallback,
        form_targets: form_targets(state, application_id),
    }
}

/// The first preferred language the translations carry: an exact match, else one with the same
/// primary subtag (`fr` for `fr-CA`); the system language when nothing matches.
pub(crate) fn choose_language(available: &[String], preference: &LanguagePreference) -> String {
    let wanted = std::iter::once(&preference.explicit)
        .chain(&preference.accepted)
        .filter(|tag| !tag.is_empty());
    for tag in wanted {
        if let Some(exact) = available.iter().find(|a| a.eq_ignore_ascii_case(tag)) {
            return exact.clone();
        }
        let primary = |t: &str| t.split('-').next().unwrap_or_default().to_ascii_lowercase();
        if let Some(near) = available.iter().find(|a| primary(a) == primary(tag)) {
            return near.clone();
        }
    }
    SYSTEM_LANGUAGE.to_owned()
}

/// The server's origin and the origins (or, for private-use schemes, the schemes) of the
/// application's redirect and post-logout redirect URIs.
fn form_targets(state: &AppState, application_id: &str) -> Vec<String> {
    let mut targets = vec![origin_of(&state.config().base_url)];
    if let Some(oauth) = state
        .registry()
        .application(application_id)
        .and_then(|app| app.oauth.clone())
    {
        let uris = oauth
            .redirect_uris
            .iter()
            .chain(&oauth.post_logout_redirect_uris);
        targets.extend(uris.map(|uri| origin_of(uri)));
    }
    targets.retain(|t| !t.is_empty());
    targets.sort();
    targets.dedup();
    targets
}

/// `https://host:port` for web URLs, `scheme:` for others; empty when unparsable.
fn origin_of(uri: &str) -> String {
    match url::Url::parse(uri) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url.origin().ascii_serialization(),
        Ok(url) => format!("{}:", url.scheme()),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(available: &[&str], explicit: &str, header: &str, expected: &str) {
        let available: Vec<String> = available.iter().map(|s| (*s).to_owned()).collect();
        let preference = LanguagePreference::with_accept_language(explicit, header);
        assert_eq!(choose_language(&available, &preference), expected);
    }

    #[test]
    fn the_language_follows_the_choice_then_the_browser_then_the_system() {
        check(&["en-US", "fr-FR"], "", "", "en-US");
        check(&["en-US", "fr-FR"], "", "fr-CA,fr;q=0.9,en;q=0.8", "fr-FR");
        check(&["en-US", "fr-FR"], "", "de, en;q=0.5", "en-US");
        check(&["en-US", "fr-FR"], "en-US", "fr-FR", "en-US");
        check(&["en-US", "fr-FR"], "", "en;q=0.2, fr-FR;q=0.8", "fr-FR");
        check(&["en-US", "fr-FR"], "", "fr-FR;q=0, *", "en-US");
        check(&["en-US"], "<script>", "\"><img", "en-US");
    }

    #[test]
    fn form_targets_are_origins_or_schemes() {
        assert_eq!(
            origin_of("http://localhost:3000/callback?x=1"),
            "http://localhost:3000"
        );
        assert_eq!(origin_of("https://app.example/"), "https://app.example");
        assert_eq!(
            origin_of("com.example.app:/oauth2redirect"),
            "com.example.app:"
        );
        assert_eq!(origin_of("not a uri"), "");
    }
}
