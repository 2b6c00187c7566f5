//! OAuth 2.0: the token endpoint (authorization code, refresh, client credentials, RFC 8693 token
//! exchange), revocation, introspection and userinfo. The authorize URL (direct or pushed, RFC
//! 9126) and its callback live in [`authorize`], the end-session URL in [`logout`], CIBA in
//! [`backchannel`], dynamic client registration ([`Client::register_client`]) in `registration`.
//!
//! Client authentication follows [`crate::Config::auth_method`]: `client_secret_basic` sends
//! `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1) plus `client_id`
//! in the body as the SDKs do; `client_secret_post` puts both in the body; `none` sends `client_id`.
//! Every success must be exactly 200, as the SDKs require.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use thunderid_protocol::oauth2::{
    AuthorizationCodeGrant, ClientCredentialsGrant, IntrospectionRequest, RefreshTokenGrant,
    RevocationRequest, TokenExchangeGrant, TokenRequestParams, TokenResponse, TokenType,
    TokenTypeHint, TokenTypeUri,
};
use thunderid_protocol::oidc::{IdTokenClaims, UserInfo};
use thunderid_protocol::secret::{AccessToken, AuthorizationCode, IdToken, RefreshToken};

pub mod authorize;
pub mod backchannel;
pub mod logout;
mod registration;

pub use authorize::{AuthorizationRequest, AuthorizeOptions, PendingAuthorization};
pub use backchannel::BackchannelPoll;
pub use logout::{SignOutOptions, SignOutUrl};

use crate::config::{ClientAuthMethod, Config, ConfigError};
use crate::error::Error;
use crate::http::{HttpRequest, Method};
use crate::oidc::ProviderMetadata;
use crate::{Client, Settings};

/// The tokens of one token response, with the validated ID token claims.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TokenSet {
    /// The access token (for ThunderID, a JWT with `typ: at+jwt`).
    pub access_token: AccessToken,
    /// `Bearer` (or `DPoP`, `N_A`).
    pub token_type: TokenType,
    /// Lifetime in seconds, as the server said.
    pub expires_in: u64,
    /// The client clock at receipt plus `expires_in`.
    pub expires_at: u64,
    /// The refresh token; after a refresh without rotation, the one that was used.
    pub refresh_token: Option<RefreshToken>,
    /// The granted scopes, space-separated.
    pub scope: Option<String>,
    /// The ID token, when `openid` was granted.
    pub id_token: Option<IdToken>,
    /// The ID token's claims, validated.
    pub id_token_claims: Option<IdTokenClaims>,
    /// Token exchange only: what `access_token` holds.
    pub issued_token_type: Option<TokenTypeUri>,
}

impl TokenSet {
    /// The granted scopes.
    pub fn scopes(&self) -> Vec<&str> {
        self.scope
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .collect()
    }

    /// Whether the access token has expired at `now`.
    pub fn is_expired(&self, now: u64) -> bool {
        now >= self.expires_at
    }

    /// After a refresh: the server's new refresh token, or `used` when it did not rotate.
    fn keeping_refresh_token(mut self, used: &RefreshToken) -> Self {
        self.refresh_token = self.refresh_token.or_else(|| Some(used.clone()));
        self
    }

    pub(crate) fn from_response(
        response: TokenResponse,
        now: u64,
        id_token_claims: Option<IdTokenClaims>,
    ) -> Self {
        Self {
            access_token: response.access_token,
            token_type: response.token_type,
            expires_in: response.expires_in,
            expires_at: now.saturating_add(response.expires_in),
            refresh_token: response.refresh_token,
            scope: response.scope,
            id_token: response.id_token,
            id_token_claims,
            issued_token_type: response.issued_token_type,
        }
    }
}

impl Client {
    /// Exchanges an authorization code (already checked by [`Client::check_callback`]) for tokens:
    /// sends the PKCE verifier and `redirect_uri` of `pending`, and validates the ID token with
    /// `pending.nonce`. [`Client::handle_callback`] does both steps.
    pub async fn exchange_code(
        &self,
        pending: PendingAuthorization,
        code: AuthorizationCode,
    ) -> Result<TokenSet, Error> {
        let settings = self.settings();
        let code_text = code.secret().to_owned();
        let mut grant = AuthorizationCodeGrant::new(code);
        grant.redirect_uri = Some(pending.redirect_uri);
        grant.code_verifier = Some(pending.pkce_verifier);
        grant.resource = pending.resource;
        let response = self.request_token(&settings, grant.into()).await?;
        let claims = match &response.id_token {
            Some(token) => {
                let claims = self
                    .validate_id_token_with(&settings, token, Some(&pending.nonce))
                    .await?;
                crate::oidc::check_token_hashes(
                    token.secret(),
                    &claims,
                    Some(response.access_token.secret()),
                    Some(&code_text),
                )?;
                Some(claims)
            }
            None => None,
        };
        Ok(TokenSet::from_response(response, self.now(), claims))
    }

    /// Refreshes tokens. A returned ID token is validated (without a nonce); a response without one
    /// is fine. When the server does not rotate the refresh token, the result keeps `refresh_token`.
    ///
    /// ```no_run
    /// # use thunderid_client::{Client, Error, TokenSet};
    /// # async fn demo(client: Client, tokens: TokenSet) -> Result<(), Error> {
    /// if let Some(refresh_token) = &tokens.refresh_token {
    ///     let fresh = client.refresh(refresh_token).await?;
    ///     println!("new access token valid until {}", fresh.expires_at);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn refresh(&self, refresh_token: &RefreshToken) -> Result<TokenSet, Error> {
        let settings = self.settings();
        let grant = RefreshTokenGrant::new(refresh_token.clone());
        let response = self.request_token(&settings, grant.into()).await?;
        let claims = match &response.id_token {
            Some(token) => Some(self.validate_id_token_with(&settings, token, None).await?),
            None => None,
        };
        Ok(TokenSet::from_response(response, self.now(), claims)
            .keeping_refresh_token(refresh_token))
    }

    /// The `client_credentials` grant, with `scopes` (none: the server's default).
    ///
    /// ```no_run
    /// use thunderid_client::{Client, Config};
    ///
    /// # async fn demo() -> Result<(), thunderid_client::Error> {
    /// let config = Config::new("http://127.0.0.1:8090")?
    ///     .with_client_id("sample-m2m")
    ///     .with_client_secret("sample-m2m-secret");
    /// let tokens = Client::new(config)?.client_credentials(&[]).await?;
    /// # let _ = tokens; Ok(()) }
    /// ```
    pub async fn client_credentials(&self, scopes: &[&str]) -> Result<TokenSet, Error> {
        let settings = self.settings();
        let grant = ClientCredentialsGrant {
            scope: join_scopes(scopes),
            ..ClientCredentialsGrant::default()
        };
        let response = self.request_token(&settings, grant.into()).await?;
        Ok(TokenSet::from_response(response, self.now(), None))
    }

    /// RFC 8693 token exchange. The grant's own `client_id`/`client_secret` are ignored: the client
    /// authenticates as configured.
    ///
    /// ```no_run
    /// use thunderid_client::protocol::oauth2::{TokenExchangeGrant, TokenTypeUri};
    ///
    /// # use thunderid_client::{Client, Error};
    /// # async fn demo(client: Client, subject: &str) -> Result<(), Error> {
    /// let grant = TokenExchangeGrant::new(subject, TokenTypeUri::AccessToken);
    /// let exchanged = client.exchange_token(grant).await?;
    /// # let _ = exchanged; Ok(()) }
    /// ```
    pub async fn exchange_token(&self, grant: TokenExchangeGrant) -> Result<TokenSet, Error> {
        let settings = self.settings();
        let response = self.request_token(&settings, grant.into()).await?;
        Ok(TokenSet::from_response(response, self.now(), None))
    }

    /// Revokes `token` (RFC 7009). The server answers 200 even for unknown tokens.
    pub async fn revoke(&self, token: &str, hint: Option<TokenTypeHint>) -> Result<(), Error> {
        let settings = self.settings();
        let metadata = self.metadata_for(&settings).await?;
        let endpoint =
            ProviderMetadata::require(&metadata.revocation_endpoint, "revocation_endpoint")?;
        let mut body = RevocationRequest::new(token);
        body.token_type_hint = hint.map(|hint| hint.as_str().to_owned());
        let pairs = owned(body.to_pairs());
        let response = self
            .send_authenticated(&settings.config, &endpoint, pairs)
            .await?;
        if response.is(200) {
            Ok(())
        } else if response.is_success() {
            Err(response.unexpected())
        } else {
            Err(response.oauth_failure())
        }
    }

    /// Introspects `token` (RFC 7662).
    pub async fn introspect(
        &self,
        token: &str,
    ) -> Result<thunderid_protocol::oauth2::IntrospectionResponse, Error> {
        let settings = self.settings();
        let metadata = self.metadata_for(&settings).await?;
        let endpoint =
            ProviderMetadata::require(&metadata.introspection_endpoint, "introspection_endpoint")?;
        let pairs = owned(IntrospectionRequest::new(token).to_pairs());
        let response = self
            .send_authenticated(&settings.config, &endpoint, pairs)
            .await?;
        if response.is(200) {
            response.json()
        } else {
            Err(response.oauth_failure())
        }
    }

    /// The userinfo claims for `access_token`.
    pub async fn userinfo(&self, access_token: &AccessToken) -> Result<UserInfo, Error> {
        let settings = self.settings();
        let metadata = self.metadata_for(&settings).await?;
        let endpoint = ProviderMetadata::require(&metadata.userinfo_endpoint, "userinfo_endpoint")?;
        let request = HttpRequest::new(Method::Get, endpoint)
            .header("Accept", "application/json")
            .bearer(access_token.secret());
        let response = self.http().send(request).await?;
        if response.is(200) {
            response.json()
        } else {
            Err(response.oauth_failure())
        }
    }

    /// POSTs a grant to the token endpoint with client authentication; 200 or an error.
    pub(crate) async fn request_token(
        &self,
        settings: &Settings,
        mut params: TokenRequestParams,
    ) -> Result<TokenResponse, Error> {
        let metadata = self.metadata_for(settings).await?;
        params.client_id = None;
        params.client_secret = None;
        let pairs = owned(params.to_pairs());
        let response = self
            .send_authenticated(&settings.config, &metadata.token_endpoint, pairs)
            .await?;
        if response.is(200) {
            response.json()
        } else if response.is_success() {
            Err(response.unexpected())
        } else {
            Err(response.oauth_failure())
        }
    }

    async fn send_authenticated(
        &self,
        config: &Config,
        endpoint: &str,
        mut pairs: Vec<(String, String)>,
    ) -> Result<crate::http::HttpResponse, Error> {
        let client_id = config.require_client_id()?;
        pairs.push(("client_id".to_owned(), client_id.as_str().to_owned()));
        let mut request =
            HttpRequest::new(Method::Post, endpoint).header("Accept", "application/json");
        match config.auth_method() {
            ClientAuthMethod::ClientSecretBasic => {
                let secret = config
                    .client_secret
                    .as_ref()
                    .ok_or(ConfigError::SecretRequired(config.auth_method()))?;
                let credentials = format!(
                    "{}:{}",
                    form_encode(client_id.as_str()),
                    form_encode(secret.secret())
                );
                request = request.header(
                    "Authorization",
                    format!("Basic {}", STANDARD.encode(credentials)),
                );
            }
            ClientAuthMethod::ClientSecretPost => {
                let secret = config
                    .client_secret
                    .as_ref()
                    .ok_or(ConfigError::SecretRequired(config.auth_method()))?;
                pairs.push(("client_secret".to_owned(), secret.secret().to_owned()));
            }
            ClientAuthMethod::None => {}
        }
        self.http().send(request.form(pairs)).await
    }
}

/// `application/x-www-form-urlencoded` encoding of one value (RFC 6749 §2.3.1 for Basic).
pub(crate) fn form_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn join_scopes(scopes: &[&str]) -> Option<String> {
    let joined = scopes
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then_some(joined)
}

pub(crate) fn owned(pairs: Vec<(&'static str, String)>) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_encoded_before_base64() {
        assert_eq!(form_encode("web:app"), "web%3Aapp");
        assert_eq!(form_encode("s3cr+t/= x"), "s3cr%2Bt%2F%3D+x");
    }

    #[test]
    fn a_refresh_without_rotation_keeps_the_used_refresh_token() {
        let used = RefreshToken::new("rt-1");
        let response = TokenResponse::new(AccessToken::new("at"), TokenType::Bearer, 3600);
        let tokens =
            TokenSet::from_response(response.clone(), 100, None).keeping_refresh_token(&used);
        assert_eq!(
            (tokens.refresh_token, tokens.expires_at),
            (Some(used.clone()), 3700)
        );
        let rotated = TokenResponse {
            refresh_token: Some(RefreshToken::new("rt-2")),
            ..response
        };
        let tokens = TokenSet::from_response(rotated, 100, None).keeping_refresh_token(&used);
        assert_eq!(tokens.refresh_token, Some(RefreshToken::new("rt-2")));
    }

    #[test]
    fn empty_scopes_are_left_out() {
        assert_eq!(join_scopes(&[]), None);
        assert_eq!(join_scopes(&[" ", ""]), None);
        assert_eq!(
            join_scopes(&["read", " write "]).as_deref(),
            Some("read write")
        );
    }
}
