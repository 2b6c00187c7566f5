//! Redirect sign-in: the authorize URL, the callback checks (`state`, `iss`, `error`), the code
//! exchange with each client authentication method, and the code's single use and expiry.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::json;
use sha2::{Digest, Sha256};
use thunderid_client::protocol::OAuthErrorCode;
use thunderid_client::protocol::ids::{ApplicationId, IssuerUrl};
use thunderid_client::protocol::secret::PkceCodeVerifier;
use thunderid_client::{AuthorizeOptions, CallbackError, Error};

use crate::support::{
    Env, SPA_APP, THOR_ID, authorize_and_authenticate, copy_pending, form, header, param, sign_in,
    with_param,
};

const TOKEN: &str = "/oauth2/token";

fn callback_error(result: Result<impl std::fmt::Debug, Error>) -> Result<CallbackError> {
    match result {
        Err(Error::Callback(error)) => Ok(error),
        other => bail!("expected a callback error, got {other:?}"),
    }
}

fn oauth_error(
    result: Result<impl std::fmt::Debug, Error>,
) -> Result<(u16, OAuthErrorCode, String)> {
    match result {
        Err(Error::OAuth { status, body }) => Ok((status, body.error, body.error_description)),
        other => bail!("expected an OAuth error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_authorize_url_carries_pkce_s256_and_fresh_state_and_nonce() -> Result<()> {
    let env = Env::start().await?;
    let client = env.spa()?;
    let first = client.authorize_url(AuthorizeOptions::default()).await?;
    let second = client.authorize_url(AuthorizeOptions::default()).await?;
    let query: BTreeMap<String, String> = first.url.query_pairs().into_owned().collect();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(
        first.pending.pkce_verifier.secret().as_bytes(),
    ));
    assert_eq!(
        query,
        BTreeMap::from([
            ("response_type".to_owned(), "code".to_owned()),
            ("client_id".to_owned(), "sample-spa".to_owned()),
            (
                "redirect_uri".to_owned(),
                "http://localhost:3000/callback".to_owned()
            ),
            ("scope".to_owned(), "openid profile".to_owned()),
            ("state".to_owned(), first.pending.state.clone()),
            ("nonce".to_owned(), first.pending.nonce.clone()),
            ("code_challenge".to_owned(), challenge),
            ("code_challenge_method".to_owned(), "S256".to_owned()),
        ])
    );
    assert_eq!(first.url.path(), "/oauth2/authorize");
    assert_eq!(
        (
            first.pending.state.len(),
            first.pending.nonce.len(),
            first.pending.pkce_verifier.secret().len()
        ),
        (43, 43, 43)
    );
    assert_ne!(first.pending.state, second.pending.state);
    assert_ne!(first.pending.nonce, second.pending.nonce);
    assert_ne!(
        first.pending.pkce_verifier.secret(),
        second.pending.pkce_verifier.secret()
    );
    Ok(())
}

#[tokio::test]
async fn the_authorize_redirect_is_read_for_auth_id_and_execution_id() -> Result<()> {
    let env = Env::start().await?;
    let started = env
        .spa()?
        .start_flow_via_authorize(AuthorizeOptions::default())
        .await?;
    assert_eq!(started.application_id, Some(ApplicationId::new(SPA_APP)));
    assert!(started.flow.state().auth_id.is_some() && started.flow.state().execution_id.is_some());
    assert!(started.flow.state().challenge_token.is_none());
    Ok(())
}

#[tokio::test]
async fn a_public_client_signs_in_by_redirect() -> Result<()> {
    let env = Env::start().await?;
    let tokens = sign_in(&env.spa()?).await?;
    let claims = tokens
        .id_token_claims
        .as_ref()
        .map(|c| c.registered.subject.clone());
    assert_eq!(claims, Some(Some(THOR_ID.to_owned())));
    assert!(tokens.refresh_token.is_some());
    assert_eq!(tokens.scopes(), vec!["openid", "profile"]);
    assert_eq!(tokens.expires_at, crate::support::EPOCH + tokens.expires_in);

    let exchange = env.requests(TOKEN).pop().map(|entry| {
        (
            header(&entry, "authorization").map(str::to_owned),
            form(&entry.body),
        )
    });
    let (authorization, body) = exchange.unwrap_or_default();
    assert_eq!(authorization, None);
    assert_eq!(
        body.get("client_id").map(String::as_str),
        Some("sample-spa")
    );
    assert_eq!(body.get("client_secret"), None);
    assert_eq!(
        body.get("grant_type").map(String::as_str),
        Some("authorization_code")
    );
    assert_eq!(body.get("code_verifier").map(String::len), Some(43));
    Ok(())
}

#[tokio::test]
async fn a_confidential_client_authenticates_with_basic() -> Result<()> {
    let env = Env::start().await?;
    let tokens = sign_in(&env.web()?).await?;
    assert!(tokens.id_token_claims.is_some());
    let exchange = env.requests(TOKEN).pop().map(|entry| {
        (
            header(&entry, "authorization").map(str::to_owned),
            form(&entry.body),
        )
    });
    let (authorization, body) = exchange.unwrap_or_default();
    assert_eq!(
        authorization,
        Some(format!(
            "Basic {}",
            STANDARD.encode("sample-web:sample-web-secret")
        ))
    );
    assert_eq!(body.get("client_secret"), None);
    Ok(())
}

#[tokio::test]
async fn client_secret_post_sends_the_secret_in_the_body() -> Result<()> {
    let env = Env::with_apps(vec![json!({
        "id": "01900000-0000-7000-8000-0000000000b1", "name": "post-app", "type": "fullstack",
        "oauth": {
            "clientId": "post-app", "clientSecret": "post-secret", "tokenEndpointAuthMethod": "client_secret_post",
            "grantTypes": ["authorization_code"], "redirectUris": ["http://localhost:3000/post"]
        }
    })])
    .await?;
    let config = env
        .config()?
        .with_client_id("post-app")
        .with_client_secret("post-secret")
        .with_auth_method(thunderid_client::ClientAuthMethod::ClientSecretPost)
        .with_redirect_uri("http://localhost:3000/post");
    sign_in(&env.client(config)?).await?;
    let entry = env.requests(TOKEN).pop();
    assert_eq!(
        entry.as_ref().and_then(|e| header(e, "authorization")),
        None
    );
    let body = entry.map(|e| form(&e.body)).unwrap_or_default();
    assert_eq!(
        body.get("client_secret").map(String::as_str),
        Some("post-secret")
    );
    Ok(())
}

#[tokio::test]
async fn basic_credentials_are_url_encoded() -> Result<()> {
    let env = Env::with_apps(vec![json!({
        "id": "01900000-0000-7000-8000-0000000000b2", "name": "odd-m2m", "type": "m2m",
        "oauth": {
            "clientId": "odd:client", "clientSecret": "s3cr+t/=:%", "tokenEndpointAuthMethod": "client_secret_basic",
            "grantTypes": ["client_credentials"]
        }
    })])
    .await?;
    let client = env.client(
        env.config()?
            .with_client_id("odd:client")
            .with_client_secret("s3cr+t/=:%"),
    )?;
    client.client_credentials(&[]).await?;
    let authorization = env
        .requests(TOKEN)
        .pop()
        .and_then(|e| header(&e, "authorization").map(str::to_owned));
    assert_eq!(
        authorization,
        Some(format!(
            "Basic {}",
            STANDARD.encode("odd%3Aclient:s3cr%2Bt%2F%3D%3A%25")
        ))
    );
    Ok(())
}

#[tokio::test]
async fn a_callback_with_a_wrong_or_missing_state_is_refused() -> Result<()> {
    let env = Env::start().await?;
    let client = env.spa()?;
    let (pending, callback) =
        authorize_and_authenticate(&client, AuthorizeOptions::default()).await?;
    let wrong = with_param(&callback, "state", Some("not-the-state"))?;
    assert_eq!(
        callback_error(
            client
                .handle_callback(copy_pending(&pending)?, &wrong)
                .await
        )?,
        CallbackError::StateMismatch
    );
    let missing = with_param(&callback, "state", None)?;
    assert_eq!(
        callback_error(
            client
                .handle_callback(copy_pending(&pending)?, &missing)
                .await
        )?,
        CallbackError::MissingState
    );
    assert_eq!(
        env.requests(TOKEN).len(),
        0,
        "no code is sent after a refused callback"
    );
    client.handle_callback(pending, &callback).await?;
    Ok(())
}

#[tokio::test]
async fn a_callback_with_a_wrong_or_missing_iss_is_refused() -> Result<()> {
    let env = Env::start().await?;
    let client = env.spa()?;
    let (pending, callback) =
        authorize_and_authenticate(&client, AuthorizeOptions::default()).await?;
    assert_eq!(param(&callback, "iss")?.as_deref(), Some(env.base()));
    let wrong = with_param(&callback, "iss", Some("https://evil.example"))?;
    assert_eq!(
        callback_error(
            client
                .handle_callback(copy_pending(&pending)?, &wrong)
                .await
        )?,
        CallbackError::IssuerMismatch {
            expected: IssuerUrl::new(env.base()),
            found: IssuerUrl::new("https://evil.example")
        }
    );
    let missing = with_param(&callback, "iss", None)?;
    assert_eq!(
        callback_error(client.handle_callback(pending, &missing).await)?,
        CallbackError::MissingIssuer
    );
    Ok(())
}

#[tokio::test]
async fn an_error_redirect_from_the_server_is_a_typed_error() -> Result<()> {
    let env = Env::start().await?;
    let result = env
        .spa()?
        .start_flow_via_authorize(AuthorizeOptions::default().with_prompt("none"))
        .await;
    match callback_error(result)? {
        CallbackError::Authorization(params) => {
            assert_eq!(params.error, OAuthErrorCode::LoginRequired);
            assert_eq!(params.issuer, Some(IssuerUrl::new(env.base())));
        }
        other => bail!("expected an authorization error, got {other:?}"),
    }
    Ok(())
}

#[tokio::test]
async fn an_error_callback_for_our_state_is_a_typed_error() -> Result<()> {
    let env = Env::start().await?;
    let client = env.spa()?;
    let request = client.authorize_url(AuthorizeOptions::default()).await?;
    let callback = format!(
        "http://localhost:3000/callback?error=access_denied&error_description=User+denied&state={}&iss={}",
        request.pending.state,
        env.base()
    );
    match callback_error(client.handle_callback(request.pending, &callback).await)? {
        CallbackError::Authorization(params) => {
            assert_eq!(
                (params.error, params.error_description.as_str()),
                (OAuthErrorCode::AccessDenied, "User denied")
            );
        }
        other => bail!("expected an authorization error, got {other:?}"),
    }
    Ok(())
}

#[tokio::test]
async fn an_expired_code_is_refused() -> Result<()> {
    let env = Env::start().await?;
    let client = env.spa()?;
    let (pending, callback) =
        authorize_and_authenticate(&client, AuthorizeOptions::default()).await?;
    env.advance(601);
    // The server stores a code with a TTL equal to its validity (`auth_code_store.go`), so an expired
    // code is simply unknown: "Invalid authorization code", not "Expired authorization code".
    let (status, error, description) =
        oauth_error(client.handle_callback(pending, &callback).await)?;
    assert_eq!(
        (status, error, description.as_str()),
        (
            400,
            OAuthErrorCode::InvalidGrant,
            "Invalid authorization code"
        )
    );
    Ok(())
}

#[tokio::test]
async fn a_replayed_code_is_refused() -> Result<()> {
    let env = Env::start().await?;
    let client = env.spa()?;
    let (pending, callback) =
        authorize_and_authenticate(&client, AuthorizeOptions::default()).await?;
    let replay = copy_pending(&pending)?;
    client.handle_callback(pending, &callback).await?;
    let (status, error, description) =
        oauth_error(client.handle_callback(replay, &callback).await)?;
    assert_eq!(
        (status, error, description.as_str()),
        (
            400,
            OAuthErrorCode::InvalidGrant,
            "Invalid authorization code"
        )
    );
    Ok(())
}

#[tokio::test]
async fn a_wrong_pkce_verifier_is_refused() -> Result<()> {
    let env = Env::start().await?;
    let client = env.spa()?;
    let (mut pending, callback) =
        authorize_and_authenticate(&client, AuthorizeOptions::default()).await?;
    pending.pkce_verifier = PkceCodeVerifier::new("x".repeat(43));
    let (status, error, description) =
        oauth_error(client.handle_callback(pending, &callback).await)?;
    assert_eq!(
        (status, error, description.as_str()),
        (400, OAuthErrorCode::InvalidGrant, "Invalid code verifier")
    );
    Ok(())
}

#[tokio::test]
async fn the_id_token_nonce_must_be_the_one_sent() -> Result<()> {
    let env = Env::start().await?;
    let client = env.spa()?;
    let (mut pending, callback) =
        authorize_and_authenticate(&client, AuthorizeOptions::default()).await?;
    pending.nonce = "a-nonce-never-sent".to_owned();
    let result = client.handle_callback(pending, &callback).await;
    assert!(
        matches!(
            result,
            Err(Error::IdToken(
                thunderid_client::IdTokenError::NonceMismatch { found: Some(_) }
            ))
        ),
        "{result:?}"
    );
    Ok(())
}
