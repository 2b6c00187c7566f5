//! Discovery, the base-URL fallback, caching and `reinitialize`.

use anyhow::Result;
use thunderid_client::oidc::{DISCOVERY_PATH, FallbackReason};
use thunderid_client::protocol::ids::IssuerUrl;
use thunderid_client::{DiscoveryError, Error, MetadataSource};
use thunderid_mock::MockServer;

use crate::support::Env;

#[tokio::test]
async fn discovery_supplies_the_endpoints_and_issuer() -> Result<()> {
    let env = Env::start().await?;
    let metadata = env.spa()?.provider_metadata().await?;
    let base = env.base();
    assert_eq!(metadata.source, MetadataSource::Discovery);
    assert_eq!(metadata.issuer, IssuerUrl::new(base));
    assert_eq!(
        metadata.authorization_endpoint,
        format!("{base}/oauth2/authorize")
    );
    assert_eq!(metadata.token_endpoint, format!("{base}/oauth2/token"));
    assert_eq!(metadata.jwks_uri, format!("{base}/oauth2/jwks"));
    assert_eq!(
        metadata.userinfo_endpoint,
        Some(format!("{base}/oauth2/userinfo"))
    );
    assert_eq!(
        metadata.revocation_endpoint,
        Some(format!("{base}/oauth2/revoke"))
    );
    assert_eq!(
        metadata.introspection_endpoint,
        Some(format!("{base}/oauth2/introspect"))
    );
    assert_eq!(
        metadata.end_session_endpoint,
        Some(format!("{base}/oauth2/logout"))
    );
    assert!(metadata.authorization_response_iss_parameter_supported);
    Ok(())
}

#[tokio::test]
async fn discovery_is_fetched_once_and_cached() -> Result<()> {
    let env = Env::start().await?;
    let client = env.spa()?;
    client.provider_metadata().await?;
    client.provider_metadata().await?;
    assert_eq!(env.requests(DISCOVERY_PATH).len(), 1);
    Ok(())
}

#[tokio::test]
async fn a_discovery_document_naming_another_issuer_is_refused() -> Result<()> {
    let env = Env::with(MockServer::builder().issuer("https://issuer.example")).await?;
    let result = env.spa()?.provider_metadata().await;
    match result {
        Err(Error::Discovery(DiscoveryError::IssuerMismatch { expected, found })) => {
            assert_eq!(expected, IssuerUrl::new(env.base()));
            assert_eq!(found, IssuerUrl::new("https://issuer.example"));
        }
        other => anyhow::bail!("expected an issuer mismatch, got {other:?}"),
    }
    let configured = env.client(env.spa_config()?.with_issuer("https://issuer.example"))?;
    assert_eq!(
        configured.provider_metadata().await?.source,
        MetadataSource::Discovery
    );
    Ok(())
}

#[tokio::test]
async fn without_discovery_the_endpoints_derive_from_the_base_url() -> Result<()> {
    let env = Env::start().await?;
    let client = env.client(env.spa_config()?.with_discovery(false))?;
    let metadata = client.provider_metadata().await?;
    assert_eq!(
        metadata.source,
        MetadataSource::BaseUrl(FallbackReason::Disabled)
    );
    assert_eq!(
        metadata.token_endpoint,
        format!("{}/oauth2/token", env.base())
    );
    assert_eq!(metadata.issuer, IssuerUrl::new(env.base()));
    assert_eq!(env.requests(DISCOVERY_PATH).len(), 0);
    Ok(())
}

#[tokio::test]
async fn a_discovery_document_that_is_not_200_falls_back_to_the_base_url() -> Result<()> {
    let env = Env::start().await?;
    let base = format!("{}/nowhere", env.base());
    let client = env.client(thunderid_client::Config::new(&base)?.with_client_id("sample-spa"))?;
    let metadata = client.provider_metadata().await?;
    // The server answers an unknown path 404, or 401 when its security middleware sees a
    // non-public path first; either way it is not the 200 discovery needs.
    let status = env
        .requests(&format!("/nowhere{DISCOVERY_PATH}"))
        .pop()
        .map(|entry| entry.status);
    assert!(matches!(status, Some(401 | 404)), "{status:?}");
    assert_eq!(
        metadata.source,
        MetadataSource::BaseUrl(FallbackReason::Status(status.unwrap_or_default()))
    );
    assert_eq!(
        metadata.authorization_endpoint,
        format!("{base}/oauth2/authorize")
    );
    assert_eq!(metadata.issuer, IssuerUrl::new(base));
    Ok(())
}

#[tokio::test]
async fn reinitialize_swaps_the_configuration_and_drops_the_cache() -> Result<()> {
    let env = Env::start().await?;
    let client = env.client(env.spa_config()?.with_discovery(false))?;
    assert_eq!(
        client.provider_metadata().await?.source,
        MetadataSource::BaseUrl(FallbackReason::Disabled)
    );
    client.reinitialize(env.web_config()?)?;
    assert_eq!(
        client
            .config()
            .client_id
            .map(|id| id.into_inner())
            .as_deref(),
        Some("sample-web")
    );
    assert_eq!(
        client.provider_metadata().await?.source,
        MetadataSource::Discovery
    );
    Ok(())
}
