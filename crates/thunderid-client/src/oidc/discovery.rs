//! OIDC discovery: `GET {base}/.well-known/openid-configuration`, with the JS SDK's fallback to
//! endpoints derived from the base URL (sdk-http-calls §1.2).
//!
//! The document is used only when the status is exactly 200, it decodes, and its `issuer` is the
//! expected one. A wrong issuer is an error (a mix-up attack must not silently degrade to fallback
//! endpoints); any other failure falls back, and [`ProviderMetadata::source`] says why.

use thunderid_protocol::ids::IssuerUrl;
use thunderid_protocol::oidc::OpenIdProviderMetadata;

use crate::config::{Config, ConfigError};
use crate::error::{DiscoveryError, Error};
use crate::http::{Http, HttpRequest, Method};

/// The path of the discovery document under the base URL.
pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// The endpoints and issuer the client works with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderMetadata {
    /// The issuer every token and callback must name.
    pub issuer: IssuerUrl,
    /// `authorization_endpoint`.
    pub authorization_endpoint: String,
    /// `token_endpoint`.
    pub token_endpoint: String,
    /// `jwks_uri`.
    pub jwks_uri: String,
    /// `userinfo_endpoint`.
    pub userinfo_endpoint: Option<String>,
    /// `revocation_endpoint`.
    pub revocation_endpoint: Option<String>,
    /// `introspection_endpoint`.
    pub introspection_endpoint: Option<String>,
    /// `end_session_endpoint`.
    pub end_session_endpoint: Option<String>,
    /// `pushed_authorization_request_endpoint` (RFC 9126).
    pub pushed_authorization_request_endpoint: Option<String>,
    /// `backchannel_authentication_endpoint` (CIBA).
    pub backchannel_authentication_endpoint: Option<String>,
    /// `registration_endpoint` (RFC 7591).
    pub registration_endpoint: Option<String>,
    /// Whether authorization responses carry `iss` (RFC 9207). ThunderID always adds it, so the
    /// fallback assumes it.
    pub authorization_response_iss_parameter_supported: bool,
    /// Where these values came from.
    pub source: MetadataSource,
}

/// Where [`ProviderMetadata`] came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetadataSource {
    /// The discovery document.
    Discovery,
    /// Derived from the base URL, because discovery is off or failed.
    BaseUrl(FallbackReason),
}

/// Why the endpoints were derived from the base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FallbackReason {
    /// [`Config::discovery`] is false.
    Disabled,
    /// The document's status was not 200.
    Status(u16),
    /// The document could not be fetched.
    Transport(String),
    /// The document did not decode.
    Decode(String),
}

impl ProviderMetadata {
    /// The endpoints ThunderID serves under `base_url`, with `issuer` (sdk-http-calls §1.2).
    pub fn derived(base_url: &str, issuer: IssuerUrl, reason: FallbackReason) -> Self {
        Self {
            issuer,
            authorization_endpoint: format!("{base_url}/oauth2/authorize"),
            token_endpoint: format!("{base_url}/oauth2/token"),
            jwks_uri: format!("{base_url}/oauth2/jwks"),
            userinfo_endpoint: Some(format!("{base_url}/oauth2/userinfo")),
            revocation_endpoint: Some(format!("{base_url}/oauth2/revoke")),
            introspection_endpoint: Some(format!("{base_url}/oauth2/introspect")),
            end_session_endpoint: Some(format!("{base_url}/oauth2/logout")),
            pushed_authorization_request_endpoint: Some(format!("{base_url}/oauth2/par")),
            backchannel_authentication_endpoint: Some(format!("{base_url}/oauth2/bc-authorize")),
            registration_endpoint: Some(format!("{base_url}/oauth2/dcr/register")),
            authorization_response_iss_parameter_supported: true,
            source: MetadataSource::BaseUrl(reason),
        }
    }

    /// An optional endpoint, or [`ConfigError::MissingEndpoint`].
    pub(crate) fn require(endpoint: &Option<String>, name: &'static str) -> Result<String, Error> {
        endpoint
            .clone()
            .ok_or(Error::Config(ConfigError::MissingEndpoint(name)))
    }

    fn from_document(document: OpenIdProviderMetadata) -> Self {
        let server = document.authorization_server;
        Self {
            issuer: server.issuer,
            authorization_endpoint: server.authorization_endpoint,
            token_endpoint: server.token_endpoint,
            jwks_uri: server.jwks_uri,
            userinfo_endpoint: Some(document.userinfo_endpoint).filter(|e| !e.is_empty()),
            revocation_endpoint: server.revocation_endpoint,
            introspection_endpoint: server.introspection_endpoint,
            end_session_endpoint: document.end_session_endpoint,
            pushed_authorization_request_endpoint: server.pushed_authorization_request_endpoint,
            backchannel_authentication_endpoint: server.backchannel_authentication_endpoint,
            registration_endpoint: server.registration_endpoint,
            authorization_response_iss_parameter_supported: server
                .authorization_response_iss_parameter_supported,
            source: MetadataSource::Discovery,
        }
    }
}

/// Loads the metadata for `config`: discovery, or the fallback.
pub(crate) async fn load(http: &Http, config: &Config) -> Result<ProviderMetadata, Error> {
    let base = config.base_url();
    let expected = config.expected_issuer();
    if !config.discovery {
        return Ok(ProviderMetadata::derived(
            base,
            expected,
            FallbackReason::Disabled,
        ));
    }
    let request = HttpRequest::new(Method::Get, format!("{base}{DISCOVERY_PATH}"))
        .header("Accept", "application/json");
    let reason = match http.send(request).await {
        Err(error) => FallbackReason::Transport(error.to_string()),
        Ok(response) if !response.is(200) => FallbackReason::Status(response.status),
        Ok(response) => match response.json::<OpenIdProviderMetadata>() {
            Err(error) => FallbackReason::Decode(error.to_string()),
            Ok(document) => {
                let metadata = ProviderMetadata::from_document(document);
                if metadata.issuer != expected {
                    return Err(DiscoveryError::IssuerMismatch {
                        expected,
                        found: metadata.issuer,
                    }
                    .into());
                }
                return Ok(metadata);
            }
        },
    };
    Ok(ProviderMetadata::derived(base, expected, reason))
}
