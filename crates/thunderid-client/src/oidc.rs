//! OpenID Connect: discovery (with the base-URL fallback), the JWKS cache and token validation.
//!
//! * [`discovery`]: [`ProviderMetadata`] and how it is loaded.
//! * `jwks_cache`: the server's keys, cached, fetched again once on an unknown `kid`.
//! * `id_token`: signature and claim checks, each failure its own [`crate::IdTokenError`].

use std::sync::Arc;

use thunderid_protocol::oidc::{FlowAssertionClaims, IdTokenClaims};
use thunderid_protocol::secret::{Assertion, IdToken};

pub mod discovery;
pub(crate) mod id_token;
pub(crate) mod jwks_cache;

pub use discovery::{DISCOVERY_PATH, FallbackReason, MetadataSource, ProviderMetadata};
pub use id_token::ACCEPTED_ALGORITHMS;
pub(crate) use id_token::check_token_hashes;

use crate::config::ConfigError;
use crate::error::Error;
use crate::{Client, Settings};
use id_token::{Expectations, KeySource};

impl Client {
    /// The server's endpoints and issuer: loaded by discovery on first use (or derived from the base
    /// URL), then cached until [`Client::reinitialize`]. A fallback caused by a transport failure is
    /// not cached, so discovery is tried again.
    ///
    /// ```no_run
    /// # async fn demo(client: thunderid_client::Client) -> Result<(), thunderid_client::Error> {
    /// let metadata = client.provider_metadata().await?;
    /// println!("tokens come from {}", metadata.token_endpoint);
    /// # Ok(()) }
    /// ```
    pub async fn provider_metadata(&self) -> Result<Arc<ProviderMetadata>, Error> {
        let settings = self.settings();
        self.metadata_for(&settings).await
    }

    /// Validates an ID token: signature against the server's JWKS, `iss`, `aud` (the client id),
    /// `exp`/`nbf` with the configured leeway, and `nonce` when `nonce` is given.
    ///
    /// ```no_run
    /// # use thunderid_client::{Client, Error, protocol::secret::IdToken};
    /// # async fn demo(client: Client, token: IdToken) -> Result<(), Error> {
    /// let claims = client.validate_id_token(&token, Some("the-nonce-sent")).await?;
    /// println!("subject {:?}", claims.registered.subject);
    /// # Ok(()) }
    /// ```
    pub async fn validate_id_token(
        &self,
        token: &IdToken,
        nonce: Option<&str>,
    ) -> Result<IdTokenClaims, Error> {
        let settings = self.settings();
        self.validate_id_token_with(&settings, token, nonce).await
    }

    /// Verifies a flow `assertion` like an ID token whose audience is the application id (the
    /// server's `aud` for assertions). There is no nonce.
    pub async fn verify_assertion(
        &self,
        assertion: &Assertion,
    ) -> Result<FlowAssertionClaims, Error> {
        let settings = self.settings();
        let metadata = self.metadata_for(&settings).await?;
        let config = &settings.config;
        let audience = config
            .application_id
            .as_ref()
            .ok_or(ConfigError::Missing("application_id"))?;
        let claims: FlowAssertionClaims =
            id_token::verify_signed(assertion.secret(), self.keys(&settings, &metadata)).await?;
        let expect = self.expectations(&settings, &metadata, audience.as_str());
        id_token::check_registered(&claims.registered, &expect)?;
        Ok(claims)
    }

    pub(crate) async fn metadata_for(
        &self,
        settings: &Settings,
    ) -> Result<Arc<ProviderMetadata>, Error> {
        if let Some(metadata) = settings.cached_metadata() {
            return Ok(metadata);
        }
        let metadata = Arc::new(discovery::load(self.http(), &settings.config).await?);
        // A fallback forced by a transport failure may be transient: try discovery again next time.
        if !matches!(
            metadata.source,
            MetadataSource::BaseUrl(FallbackReason::Transport(_))
        ) {
            settings.store_metadata(metadata.clone());
        }
        Ok(metadata)
    }

    pub(crate) async fn validate_id_token_with(
        &self,
        settings: &Settings,
        token: &IdToken,
        nonce: Option<&str>,
    ) -> Result<IdTokenClaims, Error> {
        let metadata = self.metadata_for(settings).await?;
        let client_id = settings.config.require_client_id()?;
        let claims: IdTokenClaims =
            id_token::verify_signed(token.secret(), self.keys(settings, &metadata)).await?;
        let expect = self.expectations(settings, &metadata, client_id.as_str());
        id_token::check_id_token(&claims, &expect, nonce)?;
        Ok(claims)
    }

    fn keys<'a>(&'a self, settings: &'a Settings, metadata: &'a ProviderMetadata) -> KeySource<'a> {
        KeySource {
            http: self.http(),
            cache: &settings.jwks,
            jwks_uri: &metadata.jwks_uri,
        }
    }

    fn expectations<'a>(
        &self,
        settings: &Settings,
        metadata: &'a ProviderMetadata,
        audience: &'a str,
    ) -> Expectations<'a> {
        Expectations {
            issuer: &metadata.issuer,
            audience,
            now: self.now(),
            leeway: settings.config.leeway.as_secs(),
        }
    }
}
