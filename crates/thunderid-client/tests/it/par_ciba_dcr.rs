//! Pushed authorization requests, backchannel authentication and dynamic client registration
//! through the client, against the mock.

use anyhow::{Result, bail};
use thunderid_client::protocol::OAuthErrorCode;
use thunderid_client::protocol::oauth2::{
    BackchannelAuthenticationRequest, ClientRegistrationRequest,
};
use thunderid_client::protocol::secret::AccessToken;
use thunderid_client::{AuthorizeOptions, BackchannelPoll, Error};

use crate::support::{Env, THOR_ID, param, sign_in_with};

const PAR: &str = "/oauth2/par";

#[tokio::test]
async fn a_pushed_authorization_request_signs_in_with_only_the_request_uri_on_the_url() -> Result<()>
{
    let env = Env::start().await?;
    let client = env.spa()?;
    let request = client
        .authorize_url(AuthorizeOptions::default().pushed())
        .await?;
    let names: Vec<String> = request
        .url
        .query_pairs()
        .map(|(k, _)| k.into_owned())
        .collect();
    assert_eq!(names, ["client_id", "request_uri"]);
    let uri = param(request.url.as_str(), "request_uri")?.unwrap_or_default();
    assert!(
        uri.starts_with("urn:ietf:params:oauth:request_uri:"),
        "{uri}"
    );
    let pushed = env.requests(PAR);
    assert_eq!(pushed.len(), 1);
    assert!(
        pushed[0].body.contains("code_challenge_method=S256"),
        "{}",
        pushed[0].body
    );

    let tokens = sign_in_with(&client, AuthorizeOptions::default().pushed()).await?;
    let subject = tokens.id_token_claims.and_then(|c| c.registered.subject);
    assert_eq!(subject.as_deref(), Some(THOR_ID));
    // A confidential client pushes with its Basic credentials.
    let web = sign_in_with(&env.web()?, AuthorizeOptions::default().pushed()).await?;
    assert!(web.id_token_claims.is_some());
    Ok(())
}

#[tokio::test]
async fn a_refused_push_is_the_servers_oauth_error() -> Result<()> {
    let env = Env::start().await?;
    let options = AuthorizeOptions::default().pushed().with_prompt("none");
    match env.spa()?.authorize_url(options).await {
        Err(Error::OAuth { status: 400, body }) => {
            assert_eq!(body.error, OAuthErrorCode::LoginRequired);
        }
        other => bail!("expected login_required, got {other:?}"),
    }
    Ok(())
}

fn ciba_client(env: &Env) -> Result<thunderid_client::Client> {
    env.client(
        env.config()?
            .with_client_id("sample-ciba")
            .with_client_secret("sample-ciba-secret"),
    )
}

#[tokio::test]
async fn a_backchannel_request_is_polled_until_the_user_approves() -> Result<()> {
    let env = Env::start().await?;
    let client = ciba_client(&env)?;
    let request = BackchannelAuthenticationRequest::for_login_hint("thor", "openid email");
    let started = client.backchannel_authorize(&request).await?;
    assert_eq!((started.expires_in, started.interval), (120, 5));
    assert!(matches!(
        client.poll_backchannel(&started.auth_req_id).await?,
        BackchannelPoll::Pending
    ));
    env.advance(1);
    assert!(matches!(
        client.poll_backchannel(&started.auth_req_id).await?,
        BackchannelPoll::SlowDown
    ));
    assert!(env.server.decide_ciba(&started.auth_req_id, true));
    env.advance(started.interval);
    let BackchannelPoll::Tokens(tokens) = client.poll_backchannel(&started.auth_req_id).await?
    else {
        bail!("expected tokens");
    };
    let claims = tokens
        .id_token_claims
        .as_ref()
        .expect("a validated ID token");
    assert_eq!(claims.registered.subject.as_deref(), Some(THOR_ID));
    assert!(tokens.refresh_token.is_some());
    match client.poll_backchannel(&started.auth_req_id).await {
        Err(Error::OAuth { body, .. }) => assert_eq!(body.error, OAuthErrorCode::InvalidGrant),
        other => bail!("a used request is invalid_grant, got {other:?}"),
    }
    Ok(())
}

#[tokio::test]
async fn a_declined_or_refused_backchannel_request_is_an_oauth_error() -> Result<()> {
    let env = Env::start().await?;
    let client = ciba_client(&env)?;
    let started = client
        .backchannel_authorize(&BackchannelAuthenticationRequest::for_login_hint(
            "thor", "openid",
        ))
        .await?;
    assert!(env.server.decide_ciba(&started.auth_req_id, false));
    match client.poll_backchannel(&started.auth_req_id).await {
        Err(Error::OAuth { body, .. }) => assert_eq!(body.error, OAuthErrorCode::AccessDenied),
        other => bail!("expected access_denied, got {other:?}"),
    }
    let unknown = BackchannelAuthenticationRequest::for_login_hint("nobody", "openid");
    match client.backchannel_authorize(&unknown).await {
        Err(Error::OAuth { status: 400, body }) => {
            assert_eq!(body.error, OAuthErrorCode::UnknownUserId)
        }
        other => bail!("expected unknown_user_id, got {other:?}"),
    }
    Ok(())
}

#[tokio::test]
async fn a_registered_client_gets_tokens_at_once() -> Result<()> {
    let env = Env::start().await?;
    let admin = AccessToken::new(env.server.mint_access_token(
        "01900000-0000-7000-8000-000000000100",
        "sample-spa",
        &["system"],
    ));
    let request = ClientRegistrationRequest {
        client_name: Some("robot".to_owned()),
        grant_types: vec!["client_credentials".to_owned()],
        token_endpoint_auth_method: Some("client_secret_post".to_owned()),
        ..ClientRegistrationRequest::default()
    };
    let client = env.spa()?;
    let registered = client.register_client(Some(&admin), &request).await?;
    assert_eq!(registered.client_id.len(), 22);
    assert_eq!(registered.client_secret_expires_at, 0);
    let secret = registered
        .client_secret
        .expect("a secret for client_secret_post");
    let robot = env.client(
        env.config()?
            .with_client_id(registered.client_id.as_str())
            .with_client_secret(secret.secret())
            .with_auth_method(thunderid_client::ClientAuthMethod::ClientSecretPost),
    )?;
    let tokens = robot.client_credentials(&[]).await?;
    assert!(!tokens.access_token.secret().is_empty());

    match client.register_client(None, &request).await {
        Err(Error::OAuth { status: 401, body }) => {
            assert_eq!(body.error, OAuthErrorCode::UnauthorizedClient)
        }
        other => bail!("expected 401 unauthorized_client, got {other:?}"),
    }
    let taken = client.register_client(Some(&admin), &request).await;
    match taken {
        Err(Error::OAuth { status: 400, body }) => {
            assert_eq!(body.error, OAuthErrorCode::InvalidClientMetadata);
            assert_eq!(
                body.error_description,
                "An application with the same name already exists"
            );
        }
        other => bail!("expected invalid_client_metadata, got {other:?}"),
    }
    Ok(())
}
