//! The gate's texts, looked up as the real gate's i18next does: the server's translations for the
//! page's language (what `/flow/meta` serves), then the system language's, then the gate's own
//! bundle (the real gate's `@thunderid/i18n` en-US texts that the server does not carry: error
//! pages, validation messages, element defaults). Template strings in flow labels,
//! `{{ t(ns:key) }}` and `{{ meta(path) }}`, resolve through the same lookup and the page's
//! `/flow/meta` answer.

use serde_json::Value;

use crate::service::gate::{PageMeta, TextTable};

/// The real gate's bundled en-US texts (`frontend/packages/i18n/src/locales/en-US.ts`) for keys
/// the server's translations do not carry, and the mock's own texts under `mock:` for pages the
/// real gate never shows (it always redirects when a flow ends).
const BUNDLE: &[(&str, &str)] = &[
    ("signin:heading", "Sign In"),
    ("signin:errors.signin.failed.message", "Error"),
    (
        "signin:errors.signin.failed.description",
        "We are sorry, something has gone wrong here. Please try again.",
    ),
    (
        "signin:errors.signin.timeout",
        "Time allowed to complete the step has expired.",
    ),
    (
        "signin:errors.signin.session.expired",
        "Your session has expired. Please return to the application and sign in again.",
    ),
    (
        "signin:errors.signin.returnToApplication",
        "Return to application",
    ),
    (
        "signin:errors.signin.returnToApplicationUnavailable",
        "Please return to the application and try again.",
    ),
    ("signup:heading", "Sign Up"),
    ("signup:errors.signup.failed.message", "Error"),
    (
        "signup:errors.signup.failed.description",
        "We are sorry, but we were unable to create your account. Please try again.",
    ),
    (
        "recovery:errors.failed.description",
        "Something went wrong. Please try again.",
    ),
    (
        "signout:errors.failed.description",
        "Something went wrong. Please try again.",
    ),
    ("errors:page.defaultTitle", "Oops, that didn't work"),
    (
        "errors:page.defaultDescription",
        "We're sorry, we ran into a problem. Please try again!",
    ),
    (
        "errors:page.invalidRequest.title",
        "Oh no, we ran into a problem!",
    ),
    (
        "errors:page.invalidRequest.description",
        "The request is invalid. Please check and try again.",
    ),
    ("elements:buttons.github.text", "Continue with GitHub"),
    ("elements:buttons.google.text", "Continue with Google"),
    ("elements:buttons.submit.text", "Continue"),
    ("elements:display.divider.or_separator", "OR"),
    ("elements:fields.first_name.label", "First Name"),
    ("elements:fields.last_name.label", "Last Name"),
    ("elements:fields.email.label", "Email"),
    ("elements:fields.mobile.label", "Mobile Number"),
    ("elements:fields.password.label", "Password"),
    ("elements:fields.username.label", "Username"),
    ("validations:form.field.required", "{{field}} is required."),
    (
        "validations:field.email.invalid",
        "Please enter a valid email address.",
    ),
    (
        "validations:validation.pattern.invalid",
        "{{field}} format is invalid.",
    ),
    (
        "validations:validation.minLength.invalid",
        "{{field}} must be at least {{minLength}} characters.",
    ),
    (
        "validations:validation.maxLength.invalid",
        "{{field}} must not exceed {{maxLength}} characters.",
    ),
    ("mock:finished.signin.title", "You're all set"),
    (
        "mock:finished.signin.message",
        "The flow is complete. You can close this window.",
    ),
    ("mock:finished.signout.title", "Signed out"),
    ("mock:finished.signout.message", "You have been signed out."),
    ("mock:language", "Language"),
];

/// Lookups for one page.
#[derive(Debug)]
pub(crate) struct Texts<'a> {
    page: &'a PageMeta,
    /// `/flow/meta` as JSON, for `{{ meta(path) }}`.
    meta: Value,
}

impl<'a> Texts<'a> {
    pub(crate) fn new(page: &'a PageMeta) -> Self {
        Self {
            page,
            meta: serde_json::to_value(&page.meta).unwrap_or(Value::Null),
        }
    }

    /// The page's language (`en-US`).
    pub(crate) fn language(&self) -> &str {
        &self.page.meta.i18n.language
    }

    /// The languages the translations carry.
    pub(crate) fn languages(&self) -> &[String] {
        self.page.meta.i18n.languages.as_deref().unwrap_or_default()
    }

    /// The text of `ns:key`; the key's last meaningful segment, humanized, when nobody has it.
    pub(crate) fn t(&self, key: &str) -> String {
        self.lookup(key).unwrap_or_else(|| fallback_text(key))
    }

    /// The text of `ns:key` with `{{name}}` placeholders filled in.
    pub(crate) fn t_with(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut text = self.t(key);
        for (name, value) in values {
            text = text.replace(&format!("{{{{{name}}}}}"), value);
        }
        text
    }

    /// The text of `ns:key` when anyone carries it.
    pub(crate) fn lookup(&self, key: &str) -> Option<String> {
        let (namespace, path) = key.split_once(':')?;
        let in_table = |table: &TextTable| table.get(namespace)?.get(path).cloned();
        in_table(&self.page.meta.i18n.translations)
            .or_else(|| in_table(&self.page.fallback))
            .or_else(|| {
                BUNDLE
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, text)| (*text).to_owned())
            })
    }

    /// Resolve the template strings in a flow label: `{{ t(ns:key) }}` to its text and
    /// `{{ meta(path) }}` to the page's metadata (empty when the metadata has no such value).
    pub(crate) fn resolve(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            let Some(len) = rest[start..].find("}}") else {
                break;
            };
            out.push_str(&rest[..start]);
            let inner = rest[start + 2..start + len].trim();
            if let Some(key) = call_argument(inner, "t") {
                out.push_str(&self.t(key));
            } else if let Some(path) = call_argument(inner, "meta") {
                out.push_str(&self.meta_value(path).unwrap_or_default());
            } else {
                out.push_str(&rest[start..start + len + 2]);
            }
            rest = &rest[start + len + 2..];
        }
        out.push_str(rest);
        out
    }

    /// A boolean member of the page's metadata (`isRecoveryFlowEnabled`).
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.meta
            .get(name)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// A string at `path` (`application.logoUrl`) of the page's metadata.
    pub(crate) fn meta_value(&self, path: &str) -> Option<String> {
        path.split('.')
            .try_fold(&self.meta, |value, key| value.get(key))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }
}

/// `t(signin:x)` → `signin:x`.
fn call_argument<'s>(inner: &'s str, function: &str) -> Option<&'s str> {
    inner
        .strip_prefix(function)?
        .trim_start()
        .strip_prefix('(')?
        .strip_suffix(')')
        .map(str::trim)
}

/// What a key nobody translates shows: its last segment that is not a generic one, humanized.
fn fallback_text(key: &str) -> String {
    let path = key.split_once(':').map_or(key, |(_, p)| p);
    let generic = ["label", "placeholder", "text", "prefix", "title", "alt"];
    let segment = path
        .split('.')
        .rev()
        .find(|s| !generic.contains(s))
        .unwrap_or(path);
    humanize(segment)
}

/// `mobile_number` → `Mobile number`.
pub(crate) fn humanize(identifier: &str) -> String {
    let words = identifier.replace(['_', '-'], " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;
    use thunderid_protocol::flow::FlowMetadataResponse;

    use super::*;

    fn page(translations: Value, fallback: Value) -> PageMeta {
        let meta: FlowMetadataResponse = serde_json::from_value(json!({
            "isRegistrationFlowEnabled": false, "isRecoveryFlowEnabled": false,
            "application": {"id": "a", "name": "Mjölnir <Admin>", "logoUrl": "https://x/l.png"},
            "design": {"theme": {}, "layout": {}},
            "i18n": {"languages": ["en-US", "fr-FR"], "language": "fr-FR", "totalResults": 1,
                     "translations": translations}
        }))
        .expect("metadata");
        PageMeta {
            meta,
            fallback: serde_json::from_value(fallback).unwrap_or_else(|_| BTreeMap::new()),
            form_targets: Vec::new(),
        }
    }

    #[test]
    fn lookups_go_language_then_system_language_then_bundle_then_key() {
        let page = page(
            json!({"signin": {"forms.credentials.title": "Connexion"}}),
            json!({"signin": {"forms.credentials.title": "Sign In", "forms.otp.title": "Verify Your Identity"}}),
        );
        let texts = Texts::new(&page);
        assert_eq!(texts.t("signin:forms.credentials.title"), "Connexion");
        assert_eq!(texts.t("signin:forms.otp.title"), "Verify Your Identity");
        assert_eq!(
            texts.t("errors:page.defaultTitle"),
            "Oops, that didn't work"
        );
        assert_eq!(texts.t("signin:forms.mobile_number.label"), "Mobile number");
        assert_eq!(
            texts.t_with("validations:form.field.required", &[("field", "Email")]),
            "Email is required."
        );
    }

    #[test]
    fn templates_resolve_translations_and_metadata() {
        let page = page(json!({"signin": {"x": "Bonjour"}}), json!({}));
        let texts = Texts::new(&page);
        assert_eq!(
            texts.resolve("{{ t(signin:x) }}, {{meta(application.name)}}!"),
            "Bonjour, Mjölnir <Admin>!"
        );
        assert_eq!(texts.resolve("{{ meta(application.url) }}"), "");
        assert_eq!(texts.resolve("{{ other }} {{ open"), "{{ other }} {{ open");
        assert_eq!(
            texts.meta_value("application.logoUrl").as_deref(),
            Some("https://x/l.png")
        );
    }
}
