//! The RP-initiated logout URL (`end_session_endpoint`, OIDC RP-Initiated Logout 1.0).
//!
//! The client is named by `id_token_hint` when the app has an ID token, else by `client_id`
//! (sdk-http-calls §2.4). Unlike the SDKs' constant `sign_out_success`, the `state` is random unless
//! the caller picks one, and is returned so the app can check it when the browser comes back.

use thunderid_protocol::oidc::EndSessionRequest;
use thunderid_protocol::secret::IdToken;
use url::Url;

use crate::Client;
use crate::config::ConfigError;
use crate::error::Error;
use crate::oauth2::authorize::random_token;
use crate::oidc::ProviderMetadata;

/// Options of the end-session URL.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SignOutOptions {
    /// The ID token of the session (preferred over `client_id`).
    pub id_token_hint: Option<IdToken>,
    /// Where to go afterwards (default: [`crate::Config::post_logout_redirect_uri`]).
    pub post_logout_redirect_uri: Option<String>,
    /// The `state` to send (default: random).
    pub state: Option<String>,
}

/// An end-session URL and the `state` it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignOutUrl {
    /// Where to send the browser.
    pub url: Url,
    /// The `state` the server echoes to the post-logout redirect URI.
    pub state: String,
}

impl SignOutOptions {
    /// Options naming the session by its ID token.
    pub fn with_id_token(id_token: IdToken) -> Self {
        Self {
            id_token_hint: Some(id_token),
            ..Self::default()
        }
    }
}

impl SignOutUrl {
    /// Whether the post-logout redirect (`?state=…`) is the answer to this sign-out: same `state`, no
    /// `error`.
    pub fn is_answered_by(&self, callback: &str) -> bool {
        let Ok(url) = Url::parse(callback) else {
            return false;
        };
        let mut state = None;
        for (name, value) in url.query_pairs() {
            match name.as_ref() {
                "error" => return false,
                "state" => state = Some(value.into_owned()),
                _ => {}
            }
        }
        state.as_deref() == Some(self.state.as_str())
    }
}

impl Client {
    /// The end-session URL: `id_token_hint` or `client_id`, `post_logout_redirect_uri`, `state`.
    ///
    /// ```no_run
    /// use thunderid_client::SignOutOptions;
    ///
    /// # use thunderid_client::{Client, Error, TokenSet};
    /// # async fn demo(client: Client, tokens: TokenSet) -> Result<(), Error> {
    /// let mut options = SignOutOptions::default();
    /// options.id_token_hint = tokens.id_token;
    /// let sign_out = client.end_session_url(options).await?;
    /// println!("send the browser to {}", sign_out.url);
    /// # Ok(()) }
    /// ```
    pub async fn end_session_url(&self, options: SignOutOptions) -> Result<SignOutUrl, Error> {
        let settings = self.settings();
        let metadata = self.metadata_for(&settings).await?;
        let config = &settings.config;
        let endpoint =
            ProviderMetadata::require(&metadata.end_session_endpoint, "end_session_endpoint")?;
        let state = options.state.unwrap_or_else(random_token);
        let mut request = EndSessionRequest::default();
        match options.id_token_hint {
            Some(hint) => request.id_token_hint = Some(hint.into_secret()),
            None => {
                let client_id = config
                    .client_id
                    .as_ref()
                    .ok_or(ConfigError::Missing("client_id"))?;
                request.client_id = Some(client_id.as_str().to_owned());
            }
        }
        request.post_logout_redirect_uri = options
            .post_logout_redirect_uri
            .or_else(|| config.post_logout_redirect_uri.clone());
        request.state = Some(state.clone());
        let mut url = Url::parse(&endpoint).map_err(|e| Error::Encode(e.to_string()))?;
        url.query_pairs_mut().extend_pairs(request.to_pairs());
        Ok(SignOutUrl { url, state })
    }
}
