//! The server's keys as the client meets them: every algorithm the server signs with verifies, a
//! rotation costs exactly one JWKS refetch, a retired key's tokens are refused once the client's
//! JWKS no longer has the key, and a stale JWKS ends in the typed unknown-key error after one
//! refetch.

use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use thunderid_client::protocol::ids::KeyId;
use thunderid_client::protocol::secret::IdToken;
use thunderid_client::{Error, IdTokenError};
use thunderid_mock::{KeyAlgorithm, TokenType};

use crate::support::{Env, sign_in};

const JWKS: &str = "/oauth2/jwks";

fn header(token: &str) -> Result<Value> {
    let header = token.split('.').next().unwrap_or_default();
    Ok(serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header)?)?)
}

#[tokio::test]
async fn an_id_token_of_every_algorithm_the_server_signs_with_validates() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    sign_in(&client).await?;
    assert_eq!(env.requests(JWKS).len(), 1);
    for (rotation, alg) in KeyAlgorithm::ALL.into_iter().enumerate() {
        let key = env.server.rotate_key(alg)?;
        // A full sign-in: the callback validates the new key's ID token.
        let tokens = sign_in(&client).await?;
        let id_token = tokens.id_token.expect("an ID token");
        let header = header(id_token.secret())?;
        assert_eq!(header["alg"], alg.as_str());
        assert_eq!(header["kid"], key.kid.as_str());
        assert_eq!(
            env.requests(JWKS).len(),
            rotation + 2,
            "exactly one refetch for {alg:?}'s new kid"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_rotation_with_overlap_keeps_old_tokens_valid_until_the_key_is_retired() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let old = sign_in(&client).await?.id_token.expect("an ID token");
    let fixture = env.kid();
    env.server.rotate_key(KeyAlgorithm::Es256)?;
    sign_in(&client).await?;
    // Overlap: the old key is still published and the old ID token still validates.
    client.validate_id_token(&old, None).await?;
    assert_eq!(env.requests(JWKS).len(), 2);

    // Retired: gone from the JWKS. The client learns it at its next refetch (a new kid).
    env.server.retire_key(&fixture)?;
    env.server.rotate_key(KeyAlgorithm::EdDsa)?;
    sign_in(&client).await?;
    assert_eq!(env.requests(JWKS).len(), 3);
    match client.validate_id_token(&old, None).await {
        Err(Error::IdToken(IdTokenError::UnknownKey { kid })) => {
            assert_eq!(kid, Some(KeyId::new(fixture)));
        }
        other => anyhow::bail!("expected the unknown-key error, got {other:?}"),
    }
    assert_eq!(
        env.requests(JWKS).len(),
        4,
        "one refetch for the missing kid"
    );
    Ok(())
}

#[tokio::test]
async fn a_stale_jwks_ends_in_the_unknown_key_error_after_exactly_one_refetch() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    sign_in(&client).await?;
    let key = env.server.rotate_key(KeyAlgorithm::Es384)?;
    env.server.stale_jwks(1);
    let claims = env.id_token_claims("sample-web", None);
    let token = IdToken::new(env.server.sign(TokenType::Jwt, &claims));
    match client.validate_id_token(&token, None).await {
        Err(Error::IdToken(IdTokenError::UnknownKey { kid })) => {
            assert_eq!(kid, Some(KeyId::new(key.kid)));
        }
        other => anyhow::bail!("expected the unknown-key error, got {other:?}"),
    }
    assert_eq!(env.requests(JWKS).len(), 2, "one refetch, never a loop");
    assert_eq!(env.server.jwks_fetches().total, 2);
    // The stale answer is used up: the next validation refetches once and succeeds.
    client.validate_id_token(&token, None).await?;
    assert_eq!(env.requests(JWKS).len(), 3);
    Ok(())
}
