//! The fake captcha provider's control plane (`POST /__mock/captcha/token`): it plays the widget a
//! page would embed, handing out the token a solved challenge yields. CaptchaInterceptor verifies
//! each token once with the verdict it was issued with; the provider exists only with
//! `--fake-captcha`, as the server registers the interceptor only with a provider plugged in.

use axum::body::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::MockError;
use crate::state::AppState;
use crate::store::captcha::{CaptchaTokens, Verdict};

/// `{"verdict"?: "pass" | "fail" | "error"}`; an empty body is a pass.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    #[serde(default)]
    verdict: Option<String>,
}

/// A new single-use token: `{"token", "expiresIn"}`.
pub(crate) fn issue(state: &AppState, body: &Bytes) -> Result<Value, MockError> {
    if !state.config().fake_captcha {
        return Err(MockError::ControlPlane(
            "the fake captcha provider is off: start the mock with --fake-captcha".to_owned(),
        ));
    }
    let request: TokenRequest = if body.iter().all(u8::is_ascii_whitespace) {
        TokenRequest::default()
    } else {
        serde_json::from_slice(body).map_err(|e| MockError::ControlPlane(format!("body: {e}")))?
    };
    let verdict = match request.verdict.as_deref() {
        None => Verdict::Pass,
        Some(text) => Verdict::parse(text).ok_or_else(|| {
            MockError::ControlPlane(format!(
                "verdict: \"pass\", \"fail\" or \"error\", not {text:?}"
            ))
        })?,
    };
    let token = crate::ids::random_base64url(32);
    let now = state.now();
    state
        .stores()
        .captcha
        .write(|tokens| tokens.issue(token.clone(), verdict, now));
    Ok(json!({"token": token, "expiresIn": CaptchaTokens::LIFETIME_SECONDS}))
}
