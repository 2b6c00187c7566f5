//! The OAuth 2.0 / OIDC domain, free of HTTP like [`crate::flow`]: what the real server's `oauth2`
//! packages decide, as functions over an [`OAuthContext`] (the stores, the signer, the settings and
//! the time) that return plain results. `service/` calls them; `routes/` only extracts and maps.
//!
//! # Layout
//! * [`authorize`]: parse and validate an authorization request, in the server's order;
//!   [`Refusal`] says where a refused request sends the browser. [`par`]: pushed authorization
//!   requests, validated as authorize validates and kept for their `request_uri`.
//! * [`claims`]: the standard scopes' claims, allow-lists and the OIDC `claims` request.
//! * [`ciba`]: backchannel authentication requests and their callback; [`registration`]: dynamic
//!   client registration's checks and the application a registration becomes.
//! * [`callback`]: verify a flow's assertion and issue the code, or relay the flow's failure.
//! * [`client_auth`]: the client authentication matrix of the token, introspection and revocation
//!   endpoints.
//! * [`grants`]: `POST /oauth2/token`'s grant selection and one file per grant, each returning a
//!   [`mint::TokenPlan`]; [`mint`] signs a plan as one call.
//! * [`introspection`]: introspection and revocation; [`resource`]: binding a token to a resource
//!   server (`aud`) and cutting its permission scopes down to what the server defines.
//! * [`tokens`]: "is this one of our live tokens?"; [`params`]: Go-exact query parsing and encoding.

pub(crate) mod authorize;
pub(crate) mod callback;
pub(crate) mod ciba;
pub(crate) mod claims;
mod client_assertion;
pub(crate) mod client_auth;
pub(crate) mod grants;
pub(crate) mod introspection;
pub(crate) mod mint;
pub(crate) mod par;
pub(crate) mod params;
pub(crate) mod registration;
pub(crate) mod resource;
pub(crate) mod tokens;

use std::borrow::Cow;

use thunderid_protocol::OAuthErrorCode;

use crate::config::ServerVersion;
use crate::fixtures::ServerSettings;
use crate::store::directory::Directory;
use crate::store::locked::Locked;
use crate::store::oauth::OAuthState;
use crate::tokens::TokenSigner;

/// What the OAuth domain reads and changes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OAuthContext<'a> {
    pub directory: &'a Locked<Directory>,
    pub oauth: &'a Locked<OAuthState>,
    pub signer: &'a TokenSigner,
    pub settings: &'a ServerSettings,
    /// This server's base URL, for the gate's pages.
    pub base_url: &'a str,
    /// Seconds since the epoch, from the mock clock.
    pub now: u64,
    /// The release line the server behaves as.
    pub version: ServerVersion,
}

impl OAuthContext<'_> {
    /// The `iss` of every token.
    pub(crate) fn issuer(&self) -> &str {
        self.signer.issuer()
    }

    /// What a `private_key_jwt` client assertion is checked against; `outbound` fetches a
    /// `JWKS_URI`.
    pub(crate) fn assertion_check<'a>(
        &'a self,
        outbound: &'a dyn crate::flow::outbound::Outbound,
    ) -> client_assertion::AssertionCheck<'a> {
        client_assertion::AssertionCheck {
            issuer: self.issuer(),
            leeway: self.settings.jwt.leeway,
            now: self.now,
            oauth: self.oauth,
            outbound,
        }
    }

    /// Whether a token with this `jti` / `tfid` was revoked.
    pub(crate) fn is_revoked(&self, jwt_id: Option<&str>, token_family_id: Option<&str>) -> bool {
        self.oauth
            .read(|o| o.is_revoked(jwt_id, token_family_id, self.now))
    }

    /// Whether tokens of `subject` issued at `issued_at` were revoked by a criteria revocation.
    pub(crate) fn is_subject_revoked(&self, subject: Option<&str>, issued_at: Option<u64>) -> bool {
        self.oauth
            .read(|o| o.is_subject_revoked(subject, issued_at, self.now))
    }

    /// The signer for this request's tokens.
    pub(crate) fn minter(&self) -> mint::Minter<'_> {
        mint::Minter::new(self.signer, self.directory, self.settings, self.now)
    }
}

/// An OAuth error (envelope B): the code, its description, and whether the answer challenges with
/// `WWW-Authenticate: Basic` (a failed client authentication that came with an `Authorization`
/// header).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {description}")]
pub(crate) struct OAuthError {
    pub code: OAuthErrorCode,
    pub description: Cow<'static, str>,
    pub basic_challenge: bool,
}

impl OAuthError {
    pub(crate) fn new(code: OAuthErrorCode, description: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            description: description.into(),
            basic_challenge: false,
        }
    }

    pub(crate) fn invalid_request(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(OAuthErrorCode::InvalidRequest, description)
    }

    pub(crate) fn invalid_grant(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(OAuthErrorCode::InvalidGrant, description)
    }

    pub(crate) fn invalid_target(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(OAuthErrorCode::InvalidTarget, description)
    }
}

impl From<(OAuthErrorCode, &'static str)> for OAuthError {
    fn from((code, description): (OAuthErrorCode, &'static str)) -> Self {
        Self::new(code, description)
    }
}

/// Where a refused authorization request (or callback) sends the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The gate's error page, with `state` when the server adds it (callbacks only).
    Gate {
        error: OAuthErrorCode,
        message: String,
        state: String,
    },
    /// The client's verified redirect URI, with `iss` and `state`.
    Client {
        redirect_uri: String,
        error: OAuthErrorCode,
        message: String,
        state: String,
    },
}

impl Refusal {
    pub(crate) fn gate(error: OAuthErrorCode, message: impl Into<String>) -> Self {
        Self::Gate {
            error,
            message: message.into(),
            state: String::new(),
        }
    }

    pub(crate) fn client(
        redirect_uri: &str,
        error: OAuthErrorCode,
        message: impl Into<String>,
        state: &str,
    ) -> Self {
        Self::Client {
            redirect_uri: redirect_uri.to_owned(),
            error,
            message: message.into(),
            state: state.to_owned(),
        }
    }

    /// The URL the browser is sent to.
    pub(crate) fn location(&self, base_url: &str, issuer: &str) -> String {
        match self {
            Self::Gate {
                error,
                message,
                state,
            } => gate_error_url(base_url, error.as_str(), message, state),
            Self::Client {
                redirect_uri,
                error,
                message,
                state,
            } => {
                let mut query = vec![
                    ("error", error.as_str()),
                    ("error_description", message.as_str()),
                    ("iss", issuer),
                ];
                if !state.is_empty() {
                    query.push(("state", state.as_str()));
                }
                params::with_query(redirect_uri, &query)
            }
        }
    }

    /// The refusal as the JSON error it is where nothing redirects (the V1 direct mode).
    pub(crate) fn into_error(self) -> OAuthError {
        match self {
            Self::Gate { error, message, .. } | Self::Client { error, message, .. } => {
                OAuthError::new(error, message)
            }
        }
    }
}

/// The gate's error page: `{base}/gate/error?errorCode=…&errorMessage=…[&state=…]`.
pub(crate) fn gate_error_url(base_url: &str, code: &str, message: &str, state: &str) -> String {
    let mut query = vec![("errorCode", code), ("errorMessage", message)];
    if !state.is_empty() {
        query.push(("state", state));
    }
    params::with_query(&format!("{base_url}/gate/error"), &query)
}

/// `ValidateResourceURIs` over every `resource`: the first failure wins.
pub(crate) fn check_resources(resources: &[String]) -> Result<(), OAuthError> {
    resources
        .iter()
        .try_for_each(|resource| check_resource(resource))
}

/// `ValidateResourceURIs`: absolute (has a scheme), no fragment.
fn check_resource(resource: &str) -> Result<(), OAuthError> {
    let (rest, fragment) = resource.split_once('#').unwrap_or((resource, ""));
    let parses = !resource.bytes().any(|b| b < 0x20 || b == 0x7f)
        && params::query_unescape(fragment).is_some();
    if !parses || scheme(rest).is_none() {
        return Err(OAuthError::invalid_target(
            "Invalid resource parameter: must be an absolute URI",
        ));
    }
    if !fragment.is_empty() {
        return Err(OAuthError::invalid_target(
            "Invalid resource parameter: must not contain a fragment component",
        ));
    }
    Ok(())
}

/// Go's `getScheme`, lower-cased as `url.Parse` does: a letter, then letters, digits, `+-.`, then `:`.
pub(crate) fn scheme(uri: &str) -> Option<String> {
    let (candidate, _) = uri.split_once(':')?;
    let mut chars = candidate.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| candidate.to_ascii_lowercase())
}

/// A parameter as Go's `Values.Get` / `r.FormValue` reads it: `""` when absent.
pub(crate) fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_must_be_absolute_without_a_fragment() {
        assert!(check_resource("https://api.example/x").is_ok());
        assert!(check_resource("urn:example:api").is_ok());
        assert_eq!(
            check_resource("/relative").unwrap_err().description,
            "Invalid resource parameter: must be an absolute URI"
        );
        assert_eq!(
            check_resource("https://api.example/#frag")
                .unwrap_err()
                .description,
            "Invalid resource parameter: must not contain a fragment component"
        );
    }

    #[test]
    fn refusals_to_the_client_carry_iss_and_state() {
        let refusal = Refusal::client(
            "https://app.example/cb",
            OAuthErrorCode::AccessDenied,
            "Access denied",
            "xyz",
        );
        assert_eq!(
            refusal.location("https://localhost:8090", "https://localhost:8090"),
            "https://app.example/cb?error=access_denied&error_description=Access+denied&iss=https%3A%2F%2Flocalhost%3A8090&state=xyz"
        );
    }
}
