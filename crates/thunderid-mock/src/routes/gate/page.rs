//! The gate's page shell, as ThunderID's gate lays it out (`AuthPageLayout`, `AuthCardLayout`,
//! `SignInSlogan`): a centred row with the product slogan beside an outlined card, the wordmark
//! above the card on narrow screens, a language switcher when the translations carry more than
//! one language. Plus the pages that are not a flow step: the error page, a failed flow, a flow
//! that ended without a redirect.

use thunderid_protocol::{ApiError, ApiErrorCode};

use super::markup::escape;
use super::texts::Texts;
use super::theme::Theme;

/// The stylesheet, inlined under the page's CSP nonce (no extra request, no cache to bust).
const STYLESHEET: &str = include_str!("gate.css");

/// The slogan beside the sign-in card (the real gate's texts; not translated there either).
const SLOGAN: &[(&str, &str, &str)] = &[
    (
        "Agent-native Identity",
        "Engineered with native Agent ID to secure end-to-end workflows among humans, AI agents, and machines.",
        "<rect x=\"4\" y=\"8\" width=\"16\" height=\"12\" rx=\"3\"/><path d=\"M12 8V4\"/><circle cx=\"12\" cy=\"3\" r=\"1\"/><circle cx=\"9\" cy=\"14\" r=\"1\"/><circle cx=\"15\" cy=\"14\" r=\"1\"/>",
    ),
    (
        "Decentralized Identity",
        "Standards-based support for DIDs, verifiable credentials, and digital wallets for user-controlled identity.",
        "<rect x=\"3\" y=\"6\" width=\"18\" height=\"14\" rx=\"3\"/><path d=\"M21 11h-4a2 2 0 0 0 0 4h4\"/><path d=\"M3 10h12\"/>",
    ),
    (
        "Post-quantum-safe by Design",
        "Built on a post-quantum cryptographic foundation to be inherently resistant to attacks by design.",
        "<path d=\"M12 3l7 3v5c0 5-3.5 8.5-7 10-3.5-1.5-7-5-7-10V6z\"/><path d=\"M9 12l2 2 4-4\"/>",
    ),
    (
        "Lightweight Runtime with GitOps Support",
        "Cloud-native, API-first runtime that integrates into modern CI/CD, GitOps, and containerized workflows.",
        "<path d=\"M13 2L4 14h7l-1 8 10-13h-7z\"/>",
    ),
];

/// Which frame a page's card sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Frame {
    /// Sign-in and sign-out: the slogan beside the card.
    WithSlogan,
    /// Everything else: the card alone.
    CardOnly,
}

/// What the shell needs besides the card.
#[derive(Debug)]
pub(crate) struct Shell<'a> {
    pub texts: &'a Texts<'a>,
    pub theme: Theme,
    /// The CSP nonce of this response.
    pub nonce: &'a str,
    /// The page's own URL without `language`, for the language switcher; none on pages that
    /// cannot be reloaded.
    pub reload_url: Option<String>,
}

impl Shell<'_> {
    /// The whole document around `card`.
    pub(crate) fn document(&self, title: &str, frame: Frame, card: &str) -> String {
        let (slogan, main_class) = match frame {
            Frame::WithSlogan => (slogan(), "tid-main"),
            Frame::CardOnly => (String::new(), "tid-main tid-card-only"),
        };
        format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"color-scheme\" content=\"light dark\">\n\
             <meta name=\"referrer\" content=\"no-referrer\">\n<title>{title}</title>\n\
             <link rel=\"icon\" href=\"data:,\">\n<style nonce=\"{nonce}\">\n{css}{theme}</style>\n\
             </head>\n<body>\n{switcher}<main class=\"{main_class}\">\n<div class=\"tid-row\">\n\
             <div class=\"tid-column\">\n<div class=\"tid-logo-small\">{small_logo}</div>\n\
             <div class=\"tid-card\">\n{card}</div>\n</div>\n{slogan}</div>\n</main>\n</body>\n</html>\n",
            lang = escape(self.texts.language()),
            dir = self.theme.direction(),
            title = escape(&format!("{title} - ThunderID")),
            nonce = escape(self.nonce),
            css = STYLESHEET,
            theme = self.theme.css(),
            switcher = self.language_switcher(),
            small_logo = wordmark(40),
        )
    }

    /// Links to the same page in each language the translations carry (when there are several).
    fn language_switcher(&self) -> String {
        let (Some(url), [_, _, ..]) = (&self.reload_url, self.texts.languages()) else {
            return String::new();
        };
        let separator = if url.contains('?') { '&' } else { '?' };
        let items: String = self
            .texts
            .languages()
            .iter()
            .map(|language| {
                let current = language == self.texts.language();
                let href = format!(
                    "{url}{separator}language={}",
                    url::form_urlencoded::byte_serialize(language.as_bytes()).collect::<String>()
                );
                format!(
                    "<li><a href=\"{}\" hreflang=\"{lang}\" lang=\"{lang}\"{current}>{lang}</a></li>",
                    escape(&href),
                    lang = escape(language),
                    current = if current { " aria-current=\"true\"" } else { "" }
                )
            })
            .collect();
        format!(
            "<nav class=\"tid-lang\" aria-label=\"{}\"><ul>{items}</ul></nav>\n",
            escape(&self.texts.t("mock:language"))
        )
    }
}

/// The product slogan column (hidden on narrow screens).
fn slogan() -> String {
    let items: String = SLOGAN
        .iter()
        .map(|(title, text, icon)| {
            format!(
                "<li><svg class=\"tid-icon\" width=\"24\" height=\"24\" viewBox=\"0 0 24 24\" fill=\"none\" \
                 stroke=\"currentColor\" stroke-width=\"1.8\" stroke-linecap=\"round\" stroke-linejoin=\"round\" \
                 aria-hidden=\"true\" focusable=\"false\">{icon}</svg><div><p class=\"tid-slogan-title\">{}</p>\
                 <p class=\"tid-slogan-text\">{}</p></div></li>\n",
                escape(title),
                escape(text)
            )
        })
        .collect();
    format!(
        "<aside class=\"tid-slogan\" aria-label=\"ThunderID\">\n{}\n<ul>\n{items}</ul>\n</aside>\n",
        wordmark(50)
    )
}

/// The ThunderID wordmark, drawn for the mock: a bolt in a rounded square and the name.
pub(crate) fn wordmark(height: u32) -> String {
    let width = height * 232 / 50;
    format!(
        "<svg class=\"tid-logo\" role=\"img\" aria-label=\"ThunderID\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 232 50\" \
         focusable=\"false\"><rect x=\"1\" y=\"1\" width=\"48\" height=\"48\" rx=\"12\" fill=\"#3688FF\"/>\
         <path d=\"M28 8 13 28h10l-3 14 16-21H26z\" fill=\"#ffffff\"/>\
         <text x=\"60\" y=\"35\" font-family=\"Inter Variable, Inter, system-ui, sans-serif\" font-size=\"29\" \
         font-weight=\"700\" letter-spacing=\"-0.5\" class=\"tid-logo-name\">Thunder<tspan fill=\"#3688FF\">ID</tspan></text></svg>"
    )
}

/// `/gate/error?errorCode&errorMessage` (the real gate's `Error` page: the wordmark, an image, a
/// title in the error colour and the description).
pub(crate) fn error_card(texts: &Texts<'_>, code: &str, message: &str) -> (String, String) {
    let invalid_request = code == "invalid_request";
    let (title, description) = if invalid_request {
        (
            texts.t("errors:page.invalidRequest.title"),
            texts.t("errors:page.invalidRequest.description"),
        )
    } else if message.is_empty() {
        (
            texts.t("errors:page.defaultTitle"),
            texts.t("errors:page.defaultDescription"),
        )
    } else {
        (texts.t("errors:page.defaultTitle"), message.to_owned())
    };
    let code_line = if code.is_empty() {
        String::new()
    } else {
        format!(
            "<p class=\"tid-caption tid-center\" data-code=\"{0}\">{0}</p>\n",
            escape(code)
        )
    };
    let card = format!(
        "<div class=\"tid-error-art\">{art}</div>\n<h1 class=\"tid-error-title\">{}</h1>\n\
         <p class=\"tid-message tid-body2\">{}</p>\n{code_line}",
        escape(&title),
        escape(&description),
        art = ERROR_ART,
    );
    (title, card)
}

/// A flow error with nothing left to render (`SignInBox`'s terminal branch): the error, then the
/// way back to the application, or what to do without one.
pub(crate) fn failed_card(texts: &Texts<'_>, error: &ApiError) -> (String, String) {
    let expired = error.code == ApiErrorCode::FlowInvalidExecutionId;
    let title = error
        .message
        .default_value
        .clone()
        .unwrap_or_else(|| texts.t("signin:errors.signin.failed.message"));
    let description = if expired {
        texts.t("signin:errors.signin.session.expired")
    } else {
        error
            .description
            .default_value
            .clone()
            .unwrap_or_else(|| texts.t("signin:errors.signin.failed.description"))
    };
    let heading = texts.t("signin:heading");
    let card = format!(
        "<h1 class=\"tid-h1 tid-center\">{}</h1>\n{}{}",
        escape(&heading),
        alert(error.code.as_str(), &title, &description),
        way_back(texts)
    );
    (heading, card)
}

/// The end of a flow with nowhere to redirect: its message, then the way back.
pub(crate) fn finished_card(
    texts: &Texts<'_>,
    signed_out: bool,
    message: Option<&str>,
) -> (String, String) {
    let (title_key, message_key) = if signed_out {
        (
            "mock:finished.signout.title",
            "mock:finished.signout.message",
        )
    } else {
        ("mock:finished.signin.title", "mock:finished.signin.message")
    };
    let title = texts.t(title_key);
    let text = message
        .map(|m| texts.resolve(m))
        .unwrap_or_else(|| texts.t(message_key));
    let card = format!(
        "<h1 class=\"tid-h1 tid-center\">{}</h1>\n<p class=\"tid-message\" role=\"status\">{}</p>\n{}",
        escape(&title),
        escape(&text),
        way_back(texts)
    );
    (title, card)
}

/// An error alert: the message in bold, the description under it.
pub(crate) fn alert(code: &str, title: &str, description: &str) -> String {
    let description = if description.is_empty() || description == title {
        String::new()
    } else {
        format!("\n<span>{}</span>", escape(description))
    };
    format!(
        "<div class=\"tid-alert\" role=\"alert\" data-code=\"{}\"><span class=\"tid-alert-title\">{}</span>{description}</div>\n",
        escape(code),
        escape(title)
    )
}

/// "Return to application" (the application's URL), or what to do without one.
pub(crate) fn way_back(texts: &Texts<'_>) -> String {
    let url = texts
        .meta_value("application.url")
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    match url {
        Some(url) => format!(
            "<p class=\"tid-back\"><a href=\"{}\">{}</a></p>\n",
            escape(&url),
            escape(&texts.t("signin:errors.signin.returnToApplication"))
        ),
        None => format!(
            "<p class=\"tid-back\">{}</p>\n",
            escape(&texts.t("signin:errors.signin.returnToApplicationUnavailable"))
        ),
    }
}

/// The error page's picture, drawn for the mock.
const ERROR_ART: &str = "<svg width=\"120\" height=\"120\" viewBox=\"0 0 120 120\" aria-hidden=\"true\" \
    focusable=\"false\"><circle cx=\"60\" cy=\"60\" r=\"52\" fill=\"none\" stroke=\"currentColor\" \
    stroke-width=\"6\" opacity=\"0.35\"/><circle cx=\"60\" cy=\"60\" r=\"36\" fill=\"currentColor\" \
    opacity=\"0.12\"/><path d=\"M60 34v32\" stroke=\"currentColor\" stroke-width=\"8\" stroke-linecap=\"round\"/>\
    <circle cx=\"60\" cy=\"82\" r=\"5\" fill=\"currentColor\"/></svg>";
