//! [`CaptchaTokens`]: the fake captcha provider's issued tokens, each verified at most once.
//!
//! The real server delegates to the embedding application's `CaptchaValidationProvider` (for
//! example reCAPTCHA's `siteverify`), which answers a verdict for a token and invalidates it. The
//! control plane issues the tokens here with the verdict they will get; verifying one takes it
//! out, so a replayed or unknown token reads as a negative verdict, as the provider's would.

use super::expiring::Expiring;

/// What the provider answers for a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// `success: true`.
    Pass,
    /// `success: false`: the interceptor answers ICS-1003.
    Fail,
    /// The provider itself failed (a `ServiceError`): the request ends in a server error.
    Unavailable,
}

impl Verdict {
    /// The control plane's name for the verdict.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "pass" => Some(Self::Pass),
            "fail" => Some(Self::Fail),
            "error" => Some(Self::Unavailable),
            _ => None,
        }
    }
}

/// Issued tokens not yet verified, with their verdicts.
#[derive(Debug, Default)]
pub(crate) struct CaptchaTokens {
    tokens: Expiring<Verdict>,
}

impl CaptchaTokens {
    /// How long an issued token stays verifiable, as reCAPTCHA's tokens do (two minutes).
    pub(crate) const LIFETIME_SECONDS: u64 = 120;
    /// At most this many live tokens; past it the soonest-expiring goes first.
    pub(crate) const MAX_TOKENS: usize = 10_000;

    /// Keep `token`, which verifies once with `verdict` until `now` + [`Self::LIFETIME_SECONDS`].
    pub(crate) fn issue(&mut self, token: String, verdict: Verdict, now: u64) {
        self.tokens.prune(now);
        self.tokens.insert_within(
            token,
            verdict,
            now.saturating_add(Self::LIFETIME_SECONDS),
            1,
            Self::MAX_TOKENS,
        );
    }

    /// The verdict for `token`, which is used up: unknown, expired or replayed tokens fail.
    pub(crate) fn verify(&mut self, token: &str, now: u64) -> Verdict {
        self.tokens.take(token, now).unwrap_or(Verdict::Fail)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.tokens.len()
    }
}

#[cfg(test)]
mod tests {
    use super::{CaptchaTokens, Verdict};

    #[test]
    fn a_token_verifies_once_and_only_while_it_lives() {
        let mut tokens = CaptchaTokens::default();
        tokens.issue("a".into(), Verdict::Pass, 100);
        tokens.issue("b".into(), Verdict::Pass, 100);
        tokens.issue("c".into(), Verdict::Unavailable, 100);
        assert_eq!(tokens.verify("a", 100), Verdict::Pass);
        assert_eq!(tokens.verify("a", 100), Verdict::Fail, "replayed");
        assert_eq!(tokens.verify("unknown", 100), Verdict::Fail);
        assert_eq!(
            tokens.verify("b", 101 + CaptchaTokens::LIFETIME_SECONDS),
            Verdict::Fail,
            "expired"
        );
        assert_eq!(tokens.verify("c", 101), Verdict::Unavailable);
        assert_eq!(tokens.len(), 0);
    }

    #[test]
    fn the_table_is_bounded() {
        let mut tokens = CaptchaTokens::default();
        for i in 0..CaptchaTokens::MAX_TOKENS + 5 {
            tokens.issue(format!("t{i}"), Verdict::Pass, 100);
        }
        assert_eq!(tokens.len(), CaptchaTokens::MAX_TOKENS);
    }
}
