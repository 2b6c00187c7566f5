//! The hosted gate (the real server's `/gate` login UI), server-rendered and JavaScript-free:
//!
//! * `GET /gate/signin?applicationId&authId&executionId`: where `/oauth2/authorize` sends the
//!   browser. Shows the execution's current step; `POST /gate/signin` (a form: `executionId`,
//!   `challengeToken`, `authId`, `applicationId`, `action`, and the inputs by identifier) drives it.
//!   On COMPLETE the gate hands the assertion to the authorization callback and answers 302 to the
//!   client's redirect URI (`code`, `state`, `iss`); an ERROR with an error assertion goes the same
//!   way (`error=access_denied`).
//! * `GET /gate/signout?applicationId&executionId&logoutId`: where `/oauth2/logout` sends the
//!   browser. Runs the SIGNOUT flow (a confirmation form when it asks), then the logout callback and
//!   302 to `post_logout_redirect_uri?state=…`.
//! * `GET /gate/callback?code&state`: the upstream IdP's return after a REDIRECTION step.
//! * `GET /gate/invite?applicationId&executionId&inviteToken`: the password-recovery link.
//! * `GET /gate/error?errorCode&errorMessage`: the error page.
//!
//! Every page takes its language from `?language=` (kept in the forms) or `Accept-Language`, and
//! its branding and texts from the application's `/flow/meta`. Pages carry the real gate's
//! headers: a nonce-based CSP, no caching. What happens between pages is `service::gate`'s; the
//! pages are rendered by the submodules.

mod consent;
mod fields;
mod markup;
mod page;
mod step;
mod texts;
mod theme;
mod wallet;

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::Response;
use base64::Engine;
use serde::Deserialize;

use self::page::{Frame, Shell};
use self::step::StepForm;
use self::texts::Texts;
use self::theme::Theme;
use super::respond::{found_plain, html_response};
use crate::service::gate::{
    self, Answer, Check, Gate, LanguagePreference, Mode, Outcome, PageMeta, StepPage, Submission,
};
use crate::service::sso;
use crate::state::AppState;

/// The query of the sign-in, sign-out and invite pages.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PageQuery {
    #[serde(default)]
    application_id: String,
    /// The invite page of a backchannel request names it `auth_req_id`.
    #[serde(default, alias = "auth_req_id")]
    auth_id: String,
    #[serde(default)]
    execution_id: String,
    #[serde(default)]
    logout_id: String,
    #[serde(default)]
    invite_token: String,
    #[serde(default)]
    language: String,
}

impl PageQuery {
    fn gate(&self, headers: &HeaderMap, browser: &BrowserKey) -> Gate {
        Gate {
            application_id: self.application_id.clone(),
            auth_id: self.auth_id.clone(),
            logout_id: self.logout_id.clone(),
            execution_id: self.execution_id.clone(),
            language: preference(&self.language, headers),
            cookies: cookies(headers),
            browser: browser.hash(),
        }
    }
}

/// The cookie that ties a gate page's execution to the browser that opened it.
const GATE_COOKIE: &str = "tid_gate";

/// The browser's gate key: from its cookie, or new (then set on the response).
struct BrowserKey {
    key: String,
    fresh: bool,
}

impl BrowserKey {
    fn of(headers: &HeaderMap) -> Self {
        match cookies(headers).remove(GATE_COOKIE) {
            Some(key)
                if key.len() == 43
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
            {
                Self { key, fresh: false }
            }
            _ => Self {
                key: base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(crate::ids::random_bytes(32)),
                fresh: true,
            },
        }
    }

    fn hash(&self) -> String {
        crate::ids::sha256_hex(self.key.as_bytes())
    }

    fn set_on(&self, response: &mut Response, secure: bool) {
        if !self.fresh {
            return;
        }
        let secure = if secure { "; Secure" } else { "" };
        let cookie = format!(
            "{GATE_COOKIE}={}; Path=/gate; HttpOnly{secure}; SameSite=Lax",
            self.key
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
}

/// The browser's cookies: the SSO handle travels with every step the gate drives.
fn cookies(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(sso::parse_cookies)
        .unwrap_or_default()
}

pub(crate) async fn signin_page(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let browser = BrowserKey::of(&headers);
    let gate = query.gate(&headers, &browser);
    let answer = gate::show(&state, &gate, Mode::SignIn);
    respond(&state, Mode::SignIn, &browser, answer)
}

pub(crate) async fn signin_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    submit(&state, &headers, &body, Mode::SignIn)
}

pub(crate) async fn signout_page(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let browser = BrowserKey::of(&headers);
    let gate = query.gate(&headers, &browser);
    let answer = gate::show(&state, &gate, Mode::SignOut);
    respond(&state, Mode::SignOut, &browser, answer)
}

pub(crate) async fn signout_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    submit(&state, &headers, &body, Mode::SignOut)
}

/// The upstream IdP came back: resume the execution the gate redirected from.
pub(crate) async fn idp_return(
    State(state): State<AppState>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let browser = BrowserKey::of(&headers);
    let (language, cookies) = (preference("", &headers), cookies(&headers));
    let answer = gate::idp_return(&state, &query, language, cookies, browser.hash());
    respond(&state, Mode::SignIn, &browser, answer)
}

/// An invite link: the recovery e-mail's, or a backchannel request's approval link.
pub(crate) async fn invite_link(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let browser = BrowserKey::of(&headers);
    let gate = query.gate(&headers, &browser);
    let answer = gate::invite_link(&state, &gate, &query.invite_token);
    respond(&state, Mode::SignIn, &browser, answer)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorQuery {
    #[serde(default)]
    error_code: String,
    #[serde(default)]
    error_message: String,
    #[serde(default)]
    language: String,
}

pub(crate) async fn error_page(
    State(state): State<AppState>,
    Query(query): Query<ErrorQuery>,
    headers: HeaderMap,
) -> Response {
    let gate = Gate {
        language: preference(&query.language, &headers),
        ..Gate::default()
    };
    let meta = gate.page_meta(&state);
    let texts = Texts::new(&meta);
    let (title, card) = page::error_card(&texts, &query.error_code, &query.error_message);
    page_response(&meta, None, &title, Frame::CardOnly, &card)
}

/// A form post: the gate context from the hidden fields, the chosen action, and every other
/// non-empty field as an input.
fn submit(state: &AppState, headers: &HeaderMap, body: &[u8], mode: Mode) -> Response {
    let browser = BrowserKey::of(headers);
    let Ok(fields) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body) else {
        let outcome = gate::error_redirect(state, "invalid_request", "Invalid form submission");
        return respond(state, mode, &browser, outcome.into());
    };
    let mut gate = Gate {
        cookies: cookies(headers),
        browser: browser.hash(),
        ..Gate::default()
    };
    let mut submission = Submission::default();
    let mut language = String::new();
    for (name, value) in fields {
        match name.as_str() {
            "executionId" => gate.execution_id = value,
            "applicationId" => gate.application_id = value,
            "authId" => gate.auth_id = value,
            "logoutId" => gate.logout_id = value,
            "challengeToken" => submission.challenge_token = value,
            "language" => language = value,
            "action" => submission.action = Some(value),
            "tid-check" => submission.checks.extend(Check::parse(&value)),
            "tid-validate" => submission.checked_action = value,
            gate::consent::PROMPT_FIELD => {
                submission.consent.get_or_insert_default().prompt = value
            }
            gate::consent::ALLOW_FIELD => {
                submission.consent.get_or_insert_default().approve_action = value;
            }
            gate::consent::REASON_FIELD => {
                submission.consent.get_or_insert_default().reason = value
            }
            _ if value.is_empty() => {}
            _ => {
                submission.inputs.insert(name, value);
            }
        }
    }
    gate.language = preference(&language, headers);
    let answer = gate::submit(state, &gate, mode, submission);
    respond(state, mode, &browser, answer)
}

/// The visitor's languages: an explicit choice, then `Accept-Language`.
fn preference(explicit: &str, headers: &HeaderMap) -> LanguagePreference {
    let accepted = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    LanguagePreference::with_accept_language(explicit, accepted)
}

/// The page or redirect for an answer, with the SSO cookie cleared when the flow ended a session.
fn respond(state: &AppState, mode: Mode, browser: &BrowserKey, answer: Answer) -> Response {
    let mut response = match answer.outcome {
        Outcome::Redirect(location) => found_plain(&location),
        Outcome::Step(step) => step_response(mode, *step),
        Outcome::Finished(finished) => {
            let texts = Texts::new(&finished.page);
            let (title, card) = match &finished.data.meta {
                Some(meta) if !meta.components.is_empty() => {
                    let form = StepForm {
                        action: "",
                        hidden: Vec::new(),
                        nonce: "",
                        now_ms: 0,
                    };
                    let (title, shown) =
                        step::step_card(&texts, &form, &finished.data, None, &BTreeMap::new());
                    (title, format!("{shown}{}", page::way_back(&texts)))
                }
                _ => page::finished_card(
                    &texts,
                    finished.mode == Mode::SignOut,
                    finished
                        .data
                        .additional_data
                        .get("message")
                        .map(String::as_str),
                ),
            };
            page_response(&finished.page, None, &title, Frame::CardOnly, &card)
        }
        Outcome::Failed(failed) => {
            let texts = Texts::new(&failed.page);
            let (title, card) = page::failed_card(&texts, &failed.error);
            page_response(&failed.page, None, &title, Frame::CardOnly, &card)
        }
    };
    if let Some(cookie) = answer.sso_cookie {
        let cookie = super::flow::set_cookie(&cookie, state.config().is_https());
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    browser.set_on(&mut response, state.config().is_https());
    response
}

/// A step of a flow, with the hidden fields that carry the gate's context.
fn step_response(mode: Mode, step: StepPage) -> Response {
    let StepPage {
        gate,
        execution_id,
        challenge_token,
        data,
        error,
        page: meta,
        values,
        now_ms,
    } = step;
    let action = match mode {
        Mode::SignIn => "/gate/signin",
        Mode::SignOut => "/gate/signout",
    };
    // The step's own script (a passkey button) runs under the page's nonce.
    let nonce = new_nonce();
    let form = StepForm {
        action,
        hidden: vec![
            ("executionId", execution_id.clone()),
            ("applicationId", gate.application_id.clone()),
            ("challengeToken", challenge_token.unwrap_or_default()),
            ("authId", gate.auth_id.clone()),
            ("logoutId", gate.logout_id.clone()),
            ("language", gate.language.explicit.clone()),
        ],
        nonce: &nonce,
        now_ms,
    };
    let reload = reload_url(action, &gate, &execution_id);
    let texts = Texts::new(&meta);
    let (title, card) = step::step_card(&texts, &form, &data, error.as_ref(), &values);
    // A consent prompt's timer posts it as timed out when the time is up, as the real page does.
    let card = card + &consent::expiry(&data, &nonce, form.now_ms);
    nonced_page(
        &meta,
        Some(reload),
        &title,
        Frame::WithSlogan,
        &card,
        &nonce,
    )
}

/// The page's own address (showing the execution again), without a language.
fn reload_url(action: &str, gate: &Gate, execution_id: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("applicationId", &gate.application_id);
    for (name, value) in [("authId", &gate.auth_id), ("logoutId", &gate.logout_id)] {
        if !value.is_empty() {
            query.append_pair(name, value);
        }
    }
    query.append_pair("executionId", execution_id);
    format!("{action}?{}", query.finish())
}

/// A whole page with the gate's security headers.
fn page_response(
    meta: &PageMeta,
    reload_url: Option<String>,
    title: &str,
    frame: Frame,
    card: &str,
) -> Response {
    nonced_page(meta, reload_url, title, frame, card, &new_nonce())
}

/// A fresh CSP nonce.
fn new_nonce() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(crate::ids::random_bytes(16))
}

/// [`page_response`] under a nonce the card's scripts already carry.
fn nonced_page(
    meta: &PageMeta,
    reload_url: Option<String>,
    title: &str,
    frame: Frame,
    card: &str,
    nonce: &str,
) -> Response {
    let texts = Texts::new(meta);
    let shell = Shell {
        texts: &texts,
        theme: Theme::from_design(&meta.meta.design.theme),
        nonce,
        reload_url,
    };
    let mut response = html_response(shell.document(title, frame, card));
    let headers = response.headers_mut();
    let policy = content_security_policy(nonce, &meta.form_targets);
    for (name, value) in [
        ("content-security-policy", policy.as_str()),
        ("cache-control", "no-cache, no-store, must-revalidate"),
        ("pragma", "no-cache"),
        ("expires", "0"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    response
}

/// The real server's enforced policy for `/gate/` (`csp.yaml` over the deny-first baseline of
/// `csp/policy.go`, the nonce on `script-src` and `style-src-elem`), with `form-action` widened to
/// where the gate's forms are redirected: browsers apply `form-action` to the redirect that answers
/// a form post, and the real gate posts with `fetch` instead.
fn content_security_policy(nonce: &str, form_targets: &[String]) -> String {
    let targets: String = form_targets
        .iter()
        .filter(|t| {
            t.chars()
                .all(|c| !c.is_whitespace() && c != ';' && c != ',')
        })
        .map(|t| format!(" {t}"))
        .collect();
    format!(
        "default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'{targets}; \
         font-src 'self' data:; style-src-attr 'self' 'unsafe-inline'; style-src-elem 'self' 'nonce-{nonce}'"
    )
}
