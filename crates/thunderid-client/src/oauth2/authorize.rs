//! The authorization request (`GET /oauth2/authorize`, directly or pushed first to
//! `/oauth2/par`) and its response (the redirect back to the app).
//!
//! Every request gets a fresh `state`, `nonce` and PKCE S256 verifier (32 random bytes each,
//! base64url), kept in a [`PendingAuthorization`] the app stores until the browser comes back. The
//! callback is then checked in this order: the server's error page, `state`, the RFC 9207 `iss`
//! parameter, `error`, `code`. The JS SDKs check none of these (sdk-http-calls §2.1).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thunderid_protocol::ids::IssuerUrl;
use thunderid_protocol::oauth2::{
    AuthorizationErrorParams, AuthorizeRequest, CodeChallengeMethod, GateErrorParams,
    PushedAuthorizationResponse, from_form_pairs,
};
use thunderid_protocol::secret::{AuthorizationCode, PkceCodeVerifier};
use url::Url;

use crate::Client;
use crate::config::ConfigError;
use crate::error::{CallbackError, Error};
use crate::oauth2::TokenSet;

/// Options of one authorization request; everything defaults to the configuration.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct AuthorizeOptions {
    /// The scopes (default: [`crate::Config::effective_scopes`]).
    pub scopes: Option<Vec<String>>,
    /// The redirect URI (default: [`crate::Config::redirect_uri`]).
    pub redirect_uri: Option<String>,
    /// `prompt`.
    pub prompt: Option<String>,
    /// An RFC 8707 `resource`; repeated in the code exchange.
    pub resource: Option<String>,
    /// `ui_locales`.
    pub ui_locales: Option<String>,
    /// `login_hint`.
    pub login_hint: Option<String>,
    /// Further parameters, appended as given.
    pub extra_params: Vec<(String, String)>,
    /// Push the parameters to the PAR endpoint first (RFC 9126): the URL then carries only
    /// `client_id` and the `request_uri`.
    pub push: bool,
}

/// What the app keeps between sending the browser away and its return: the `state`, `nonce` and
/// PKCE verifier of one request. Serializable so that server apps can store it; `Debug` redacts the
/// verifier. Use it once.
#[derive(Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PendingAuthorization {
    /// The `state` sent; the callback must return it.
    pub state: String,
    /// The `nonce` sent; the ID token must carry it.
    pub nonce: String,
    /// The PKCE verifier, sent with the code.
    pub pkce_verifier: PkceCodeVerifier,
    /// The `redirect_uri` sent, repeated in the code exchange.
    pub redirect_uri: String,
    /// The `resource` sent, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

/// An authorization request: where to send the browser, and what to keep.
#[derive(Debug)]
#[non_exhaustive]
pub struct AuthorizationRequest {
    /// The authorize URL.
    pub url: Url,
    /// The state to keep until the callback.
    pub pending: PendingAuthorization,
}

impl AuthorizeOptions {
    /// Sets the scopes.
    pub fn with_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the redirect URI.
    pub fn with_redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// Sets `prompt`.
    pub fn with_prompt(mut self, prompt: impl Into<String>) -> Self {
        self.prompt = Some(prompt.into());
        self
    }

    /// Sets `resource`.
    pub fn with_resource(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    /// Adds a parameter.
    pub fn with_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_params.push((name.into(), value.into()));
        self
    }

    /// Pushes the request to the PAR endpoint first (RFC 9126).
    pub fn pushed(mut self) -> Self {
        self.push = true;
        self
    }
}

/// One authorization request before it is sent: the modelled parameters, the extra ones, and what
/// the app keeps.
struct Parameters {
    request: AuthorizeRequest,
    extra: Vec<(String, String)>,
    pending: PendingAuthorization,
}

impl Client {
    /// Builds an authorization request (code flow, PKCE S256, fresh `state` and `nonce`); with
    /// [`AuthorizeOptions::pushed`], pushed to the PAR endpoint first.
    ///
    /// ```no_run
    /// use thunderid_client::AuthorizeOptions;
    ///
    /// # async fn demo(client: thunderid_client::Client) -> Result<(), thunderid_client::Error> {
    /// let options = AuthorizeOptions::default().with_scopes(["openid", "email"]);
    /// let request = client.authorize_url(options).await?;
    /// println!("send the browser to {}", request.url);
    /// # Ok(()) }
    /// ```
    pub async fn authorize_url(
        &self,
        options: AuthorizeOptions,
    ) -> Result<AuthorizationRequest, Error> {
        if options.push {
            return self.pushed_authorize_url(options).await;
        }
        let settings = self.settings();
        let metadata = self.metadata_for(&settings).await?;
        let Parameters {
            request,
            extra,
            pending,
        } = self.authorization_parameters(&settings, options)?;
        let mut url = Url::parse(&metadata.authorization_endpoint)
            .map_err(|e| Error::Encode(e.to_string()))?;
        url.query_pairs_mut()
            .extend_pairs(request.to_pairs())
            .extend_pairs(extra);
        Ok(AuthorizationRequest { url, pending })
    }

    /// [`Client::authorize_url`] with the parameters pushed first (RFC 9126): they go to the PAR
    /// endpoint with the client's authentication (201 `{request_uri, expires_in}`), and the URL
    /// carries only `client_id` and the `request_uri` (single use, valid `expires_in` seconds).
    async fn pushed_authorize_url(
        &self,
        options: AuthorizeOptions,
    ) -> Result<AuthorizationRequest, Error> {
        let settings = self.settings();
        let metadata = self.metadata_for(&settings).await?;
        let endpoint = crate::ProviderMetadata::require(
            &metadata.pushed_authorization_request_endpoint,
            "pushed_authorization_request_endpoint",
        )?;
        let Parameters {
            request,
            extra,
            pending,
        } = self.authorization_parameters(&settings, options)?;
        let mut pairs: Vec<(String, String)> = request
            .to_pairs()
            .into_iter()
            .filter(|(name, _)| *name != "client_id")
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        pairs.extend(extra);
        let response = self
            .send_authenticated(&settings.config, &endpoint, pairs)
            .await?;
        if !response.is(201) {
            return Err(if response.is_success() {
                response.unexpected()
            } else {
                response.oauth_failure()
            });
        }
        let pushed: PushedAuthorizationResponse = response.json()?;
        let mut url = Url::parse(&metadata.authorization_endpoint)
            .map_err(|e| Error::Encode(e.to_string()))?;
        url.query_pairs_mut()
            .append_pair("client_id", settings.config.require_client_id()?.as_str())
            .append_pair("request_uri", &pushed.request_uri);
        Ok(AuthorizationRequest { url, pending })
    }

    /// The parameters of one request and what to keep: the raw request, the extra parameters, and
    /// the pending state.
    fn authorization_parameters(
        &self,
        settings: &crate::Settings,
        options: AuthorizeOptions,
    ) -> Result<Parameters, Error> {
        let config = &settings.config;
        let redirect_uri = options
            .redirect_uri
            .or_else(|| config.redirect_uri.clone())
            .ok_or(ConfigError::Missing("redirect_uri"))?;
        let verifier = PkceCodeVerifier::new(random_token());
        let pending = PendingAuthorization {
            state: random_token(),
            nonce: random_token(),
            redirect_uri,
            resource: options.resource,
            pkce_verifier: verifier,
        };
        let mut request = AuthorizeRequest::code_flow(config.require_client_id()?.as_str());
        request.redirect_uri = Some(pending.redirect_uri.clone());
        request.scope = Some(
            options
                .scopes
                .unwrap_or_else(|| config.effective_scopes())
                .join(" "),
        );
        request.state = Some(pending.state.clone());
        request.nonce = Some(pending.nonce.clone());
        request.code_challenge = Some(pkce_challenge(&pending.pkce_verifier));
        request.code_challenge_method = Some(CodeChallengeMethod::S256.as_str().to_owned());
        request.prompt = options.prompt;
        request.resource = pending.resource.iter().cloned().collect();
        request.ui_locales = options.ui_locales;
        request.login_hint = options.login_hint;
        Ok(Parameters {
            request,
            extra: options.extra_params,
            pending,
        })
    }

    /// Handles the redirect back to the app: checks the callback ([`Client::check_callback`]) and
    /// exchanges the code ([`Client::exchange_code`]). `callback` is the full callback URL or its
    /// query string.
    pub async fn handle_callback(
        &self,
        pending: PendingAuthorization,
        callback: &str,
    ) -> Result<TokenSet, Error> {
        let code = self.check_callback(&pending, callback).await?;
        self.exchange_code(pending, code).await
    }

    /// Checks a callback without exchanging the code: the server's error page, `state`, `iss`,
    /// `error` and `code`, in that order.
    pub async fn check_callback(
        &self,
        pending: &PendingAuthorization,
        callback: &str,
    ) -> Result<AuthorizationCode, Error> {
        let settings = self.settings();
        let metadata = self.metadata_for(&settings).await?;
        let params = CallbackParams::parse(callback)?;
        params.check(
            pending,
            &metadata.issuer,
            metadata.authorization_response_iss_parameter_supported,
        )
    }
}

/// The decoded query of a callback.
struct CallbackParams {
    pairs: Vec<(String, String)>,
}

impl CallbackParams {
    fn parse(callback: &str) -> Result<Self, CallbackError> {
        let query = match Url::parse(callback) {
            Ok(url) => url.query().unwrap_or_default().to_owned(),
            Err(_) => callback.trim_start_matches('?').to_owned(),
        };
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        for (index, (name, _)) in pairs.iter().enumerate() {
            if pairs[..index].iter().any(|(earlier, _)| earlier == name) {
                return Err(CallbackError::Malformed(format!(
                    "parameter {name:?} is repeated"
                )));
            }
        }
        Ok(Self { pairs })
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn check(
        &self,
        pending: &PendingAuthorization,
        issuer: &IssuerUrl,
        iss_required: bool,
    ) -> Result<AuthorizationCode, Error> {
        if self.get("errorCode").is_some() {
            let params: GateErrorParams = from_form_pairs(self.pairs.clone())
                .map_err(|e| CallbackError::Malformed(e.to_string()))?;
            return Err(CallbackError::GateError(params).into());
        }
        match self.get("state") {
            None => return Err(CallbackError::MissingState.into()),
            Some(state) if state != pending.state => {
                return Err(CallbackError::StateMismatch.into());
            }
            Some(_) => {}
        }
        match self.get("iss").map(IssuerUrl::from) {
            Some(found) if &found != issuer => {
                return Err(CallbackError::IssuerMismatch {
                    expected: issuer.clone(),
                    found,
                }
                .into());
            }
            None if iss_required => return Err(CallbackError::MissingIssuer.into()),
            _ => {}
        }
        if self.get("error").is_some() {
            let params: AuthorizationErrorParams = from_form_pairs(self.pairs.clone())
                .map_err(|e| CallbackError::Malformed(e.to_string()))?;
            return Err(CallbackError::Authorization(params).into());
        }
        match self.get("code") {
            Some(code) if !code.is_empty() => Ok(AuthorizationCode::new(code)),
            _ => Err(CallbackError::MissingCode.into()),
        }
    }
}

/// 32 random bytes from the OS, base64url without padding (43 characters).
pub(crate) fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The S256 challenge of `verifier`: base64url(SHA-256(verifier)).
pub(crate) fn pkce_challenge(verifier: &PkceCodeVerifier) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.secret().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> PendingAuthorization {
        PendingAuthorization {
            state: "s1".to_owned(),
            nonce: "n1".to_owned(),
            pkce_verifier: PkceCodeVerifier::new("v"),
            redirect_uri: "http://app/cb".to_owned(),
            resource: None,
        }
    }

    fn check(callback: &str) -> Result<AuthorizationCode, Error> {
        CallbackParams::parse(callback)?.check(&pending(), &IssuerUrl::new("http://id"), true)
    }

    #[test]
    fn the_rfc_7636_example_verifier_has_the_rfc_challenge() {
        let verifier = PkceCodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            pkce_challenge(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn random_tokens_are_43_characters_and_differ() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
    }

    #[test]
    fn a_good_callback_yields_the_code() {
        let code = check("http://app/cb?code=abc&state=s1&iss=http%3A%2F%2Fid")
            .map(AuthorizationCode::into_secret);
        assert_eq!(code.ok().as_deref(), Some("abc"));
    }

    #[test]
    fn callbacks_are_checked_in_order() {
        let kind = |callback: &str| match check(callback) {
            Err(Error::Callback(error)) => Some(error),
            _ => None,
        };
        assert_eq!(
            kind("code=abc&iss=http://id"),
            Some(CallbackError::MissingState)
        );
        assert_eq!(
            kind("code=abc&state=other&iss=http://id"),
            Some(CallbackError::StateMismatch)
        );
        assert_eq!(
            kind("code=abc&state=s1"),
            Some(CallbackError::MissingIssuer)
        );
        assert_eq!(
            kind("code=abc&state=s1&iss=http://evil"),
            Some(CallbackError::IssuerMismatch {
                expected: IssuerUrl::new("http://id"),
                found: IssuerUrl::new("http://evil")
            })
        );
        assert_eq!(
            kind("state=s1&iss=http://id"),
            Some(CallbackError::MissingCode)
        );
        assert_eq!(
            kind("state=s1&state=s1&iss=http://id&code=a")
                .map(|e| matches!(e, CallbackError::Malformed(_))),
            Some(true)
        );
        assert_eq!(
            kind("error=access_denied&error_description=no&state=s1&iss=http://id"),
            Some(CallbackError::Authorization(AuthorizationErrorParams {
                error: thunderid_protocol::OAuthErrorCode::AccessDenied,
                error_description: "no".to_owned(),
                issuer: Some(IssuerUrl::new("http://id")),
                state: Some("s1".to_owned()),
            }))
        );
    }
}
