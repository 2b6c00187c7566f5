//! After sign-in: refresh (rotation, reuse, no ID token), client credentials, token exchange,
//! revocation, introspection, userinfo and the end-session URL.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use thunderid_client::protocol::OAuthErrorCode;
use thunderid_client::protocol::oauth2::{TokenExchangeGrant, TokenTypeHint, TokenTypeUri};
use thunderid_client::protocol::secret::AccessToken;
use thunderid_client::{AuthorizeOptions, Error, SignOutOptions};

use crate::support::{Env, M2M_APP, THOR_ID, form, param, sign_in, sign_in_with};

fn oauth_error(
    result: Result<impl std::fmt::Debug, Error>,
) -> Result<(u16, OAuthErrorCode, String)> {
    match result {
        Err(Error::OAuth { status, body }) => Ok((status, body.error, body.error_description)),
        other => bail!("expected an OAuth error, got {other:?}"),
    }
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token_and_validates_the_new_id_token() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = sign_in(&client).await?;
    let first = tokens
        .refresh_token
        .clone()
        .ok_or_else(|| anyhow::anyhow!("no refresh token"))?;
    env.advance(60);
    let refreshed = client.refresh(&first).await?;
    assert_ne!(refreshed.access_token, tokens.access_token);
    assert_ne!(
        refreshed.refresh_token.as_ref(),
        Some(&first),
        "the server rotates refresh tokens"
    );
    assert_eq!(
        refreshed.expires_at,
        crate::support::EPOCH + 60 + refreshed.expires_in
    );
    let subject = refreshed
        .id_token_claims
        .as_ref()
        .and_then(|c| c.registered.subject.clone());
    assert_eq!(
        subject.as_deref(),
        Some(THOR_ID),
        "a refresh with openid returns a validated ID token"
    );
    let body = env
        .requests("/oauth2/token")
        .pop()
        .map(|entry| form(&entry.body))
        .unwrap_or_default();
    assert_eq!(
        body.get("grant_type").map(String::as_str),
        Some("refresh_token")
    );
    Ok(())
}

#[tokio::test]
async fn reusing_a_rotated_refresh_token_is_refused_and_revokes_the_family() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = sign_in(&client).await?;
    let first = tokens
        .refresh_token
        .ok_or_else(|| anyhow::anyhow!("no refresh token"))?;
    let second = client
        .refresh(&first)
        .await?
        .refresh_token
        .ok_or_else(|| anyhow::anyhow!("no rotation"))?;
    let (status, error, description) = oauth_error(client.refresh(&first).await)?;
    assert_eq!(
        (status, error, description.as_str()),
        (400, OAuthErrorCode::InvalidGrant, "Invalid refresh token")
    );
    let (_, error, _) = oauth_error(client.refresh(&second).await)?;
    assert_eq!(
        error,
        OAuthErrorCode::InvalidGrant,
        "the whole family is revoked"
    );
    Ok(())
}

#[tokio::test]
async fn refresh_without_an_id_token_works() -> Result<()> {
    // The JS SDK's core refresh fails here (`idToken.split` on undefined); the client must not.
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = sign_in_with(
        &client,
        AuthorizeOptions::default().with_scopes(["profile"]),
    )
    .await?;
    assert!(tokens.id_token.is_none());
    let refresh_token = tokens
        .refresh_token
        .ok_or_else(|| anyhow::anyhow!("no refresh token"))?;
    let refreshed = client.refresh(&refresh_token).await?;
    assert!(refreshed.id_token.is_none() && refreshed.id_token_claims.is_none());
    assert!(refreshed.refresh_token.is_some());
    Ok(())
}

#[tokio::test]
async fn client_credentials_issue_an_access_token_only() -> Result<()> {
    let env = Env::start().await?;
    let client = env.m2m()?;
    let tokens = client.client_credentials(&[]).await?;
    assert!(tokens.refresh_token.is_none() && tokens.id_token.is_none());
    let introspection = client.introspect(tokens.access_token.secret()).await?;
    assert!(introspection.active);
    assert_eq!(
        introspection.client_id.map(|id| id.into_inner()).as_deref(),
        Some("sample-m2m")
    );
    assert_eq!(introspection.subject.as_deref(), Some(M2M_APP));
    Ok(())
}

#[tokio::test]
async fn a_wrong_client_secret_is_invalid_client() -> Result<()> {
    let env = Env::start().await?;
    let client = env.client(
        env.config()?
            .with_client_id("sample-m2m")
            .with_client_secret("wrong"),
    )?;
    let (status, error, description) = oauth_error(client.client_credentials(&[]).await)?;
    assert_eq!(
        (status, error, description.as_str()),
        (
            401,
            OAuthErrorCode::InvalidClient,
            "Invalid client credentials"
        )
    );
    Ok(())
}

#[tokio::test]
async fn token_exchange_issues_a_token_for_the_subject() -> Result<()> {
    let env = Env::start().await?;
    let web = env.web()?;
    let tokens = sign_in(&web).await?;
    let grant = TokenExchangeGrant::new(tokens.access_token.secret(), TokenTypeUri::AccessToken);
    let exchanged = web.exchange_token(grant).await?;
    assert_eq!(exchanged.issued_token_type, Some(TokenTypeUri::AccessToken));
    let introspection = web.introspect(exchanged.access_token.secret()).await?;
    assert_eq!(
        (introspection.active, introspection.subject.as_deref()),
        (true, Some(THOR_ID))
    );
    let body = env
        .requests("/oauth2/token")
        .pop()
        .map(|entry| form(&entry.body))
        .unwrap_or_default();
    assert_eq!(
        body.get("grant_type").map(String::as_str),
        Some("urn:ietf:params:oauth:grant-type:token-exchange")
    );
    Ok(())
}

#[tokio::test]
async fn a_revoked_refresh_token_no_longer_works() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = sign_in(&client).await?;
    let refresh_token = tokens
        .refresh_token
        .ok_or_else(|| anyhow::anyhow!("no refresh token"))?;
    client
        .revoke(refresh_token.secret(), Some(TokenTypeHint::RefreshToken))
        .await?;
    assert!(!client.introspect(refresh_token.secret()).await?.active);
    let (_, error, _) = oauth_error(client.refresh(&refresh_token).await)?;
    assert_eq!(error, OAuthErrorCode::InvalidGrant);
    client.revoke("not-a-token", None).await?;
    Ok(())
}

#[tokio::test]
async fn introspection_describes_an_access_token() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = sign_in(&client).await?;
    let introspection = client.introspect(tokens.access_token.secret()).await?;
    assert!(introspection.active);
    assert_eq!(introspection.subject.as_deref(), Some(THOR_ID));
    assert_eq!(introspection.scope.as_deref(), Some("openid profile"));
    assert!(!client.introspect("garbage").await?.active);
    Ok(())
}

#[tokio::test]
async fn userinfo_returns_the_subject_and_profile_claims() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = sign_in(&client).await?;
    let info = client.userinfo(&tokens.access_token).await?;
    assert_eq!(info.subject, THOR_ID);
    let (status, error, _) = oauth_error(client.userinfo(&AccessToken::new("garbage")).await)?;
    assert_eq!((status, error), (401, OAuthErrorCode::InvalidToken));
    Ok(())
}

#[tokio::test]
async fn the_end_session_url_names_the_id_token_or_the_client() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = sign_in(&client).await?;
    let mut options = SignOutOptions::default();
    options.id_token_hint = tokens.id_token.clone();
    let with_hint = client.end_session_url(options).await?;
    let query: BTreeMap<String, String> = with_hint.url.query_pairs().into_owned().collect();
    assert_eq!(
        query,
        BTreeMap::from([
            (
                "id_token_hint".to_owned(),
                tokens.id_token.map(|t| t.into_secret()).unwrap_or_default()
            ),
            (
                "post_logout_redirect_uri".to_owned(),
                "http://localhost:3000/logout".to_owned()
            ),
            ("state".to_owned(), with_hint.state.clone()),
        ])
    );
    assert_eq!(with_hint.url.path(), "/oauth2/logout");

    let by_client = client.end_session_url(SignOutOptions::default()).await?;
    assert_eq!(
        param(by_client.url.as_str(), "client_id")?.as_deref(),
        Some("sample-web")
    );
    assert_eq!(param(by_client.url.as_str(), "id_token_hint")?, None);
    assert_ne!(
        by_client.state, with_hint.state,
        "the state is random per request"
    );
    assert!(by_client.is_answered_by(&format!(
        "http://localhost:3000/logout?state={}",
        by_client.state
    )));
    assert!(!by_client.is_answered_by("http://localhost:3000/logout?state=sign_out_success"));
    Ok(())
}

#[tokio::test]
async fn the_server_accepts_the_end_session_url() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = sign_in(&client).await?;
    let mut options = SignOutOptions::default();
    options.id_token_hint = tokens.id_token;
    let sign_out = client.end_session_url(options).await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let response = http.get(sign_out.url.as_str()).send().await?;
    assert_eq!(response.status().as_u16(), 302);
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert_eq!(url::Url::parse(location)?.path(), "/gate/signout");
    Ok(())
}
