//! ID token validation against the mock's JWKS: every check fails with its own variant, forged
//! tokens are refused, and an unknown `kid` makes the JWKS be fetched again exactly once.

use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use serde_json::{Value, json};
use thunderid_client::protocol::ids::{IssuerUrl, KeyId};
use thunderid_client::protocol::secret::IdToken;
use thunderid_client::{Client, Error, IdTokenError};

use crate::support::{EPOCH, Env, THOR_ID, sign, unsigned};

const JWKS: &str = "/oauth2/jwks";

async fn validate(client: &Client, token: String, nonce: Option<&str>) -> Result<IdTokenError> {
    match client.validate_id_token(&IdToken::new(token), nonce).await {
        Err(Error::IdToken(error)) => Ok(error),
        other => anyhow::bail!("expected an ID token error, got {other:?}"),
    }
}

fn another_rsa_key() -> Result<EncodingKey> {
    let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)?;
    Ok(EncodingKey::from_rsa_pem(
        key.to_pkcs8_pem(LineEnding::LF)?.as_bytes(),
    )?)
}

fn with(mut claims: Value, name: &str, value: Value) -> Value {
    if let Some(object) = claims.as_object_mut() {
        object.insert(name.to_owned(), value);
    }
    claims
}

#[tokio::test]
async fn a_token_signed_by_the_server_validates() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let token = env.sign_with_mock_key(
        Algorithm::RS256,
        Some(&env.kid()),
        &env.id_token_claims("sample-web", Some("n-1")),
    )?;
    let claims = client
        .validate_id_token(&IdToken::new(token), Some("n-1"))
        .await?;
    assert_eq!(claims.registered.subject.as_deref(), Some(THOR_ID));
    assert_eq!(claims.registered.issuer, IssuerUrl::new(env.base()));
    assert_eq!(claims.nonce.as_deref(), Some("n-1"));
    Ok(())
}

#[tokio::test]
async fn each_claim_check_fails_with_its_own_error() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let kid = env.kid();
    let good = env.id_token_claims("sample-web", Some("n-1"));
    let signed = |claims: &Value| env.sign_with_mock_key(Algorithm::RS256, Some(&kid), claims);

    let error = validate(
        &client,
        signed(&with(good.clone(), "iss", json!("https://evil.example")))?,
        None,
    )
    .await?;
    assert!(
        matches!(error, IdTokenError::WrongIssuer { found, .. } if found == IssuerUrl::new("https://evil.example"))
    );

    let error = validate(
        &client,
        signed(&with(good.clone(), "aud", json!(["sample-spa", "other"])))?,
        None,
    )
    .await?;
    assert!(
        matches!(error, IdTokenError::WrongAudience { expected, found }
        if expected == "sample-web" && found == vec!["sample-spa".to_owned(), "other".to_owned()])
    );

    let error = validate(
        &client,
        signed(&with(good.clone(), "nbf", json!(EPOCH + 120)))?,
        None,
    )
    .await?;
    assert!(
        matches!(error, IdTokenError::NotYetValid { not_before, now } if not_before == EPOCH + 120 && now == EPOCH)
    );

    let error = validate(&client, signed(&good)?, Some("another-nonce")).await?;
    assert!(matches!(error, IdTokenError::NonceMismatch { found: Some(found) } if found == "n-1"));

    let no_nonce = env.id_token_claims("sample-web", None);
    let error = validate(&client, signed(&no_nonce)?, Some("n-1")).await?;
    assert!(matches!(error, IdTokenError::NonceMismatch { found: None }));

    // Several audiences: accepted when `azp` names this client (OIDC Core 3.1.3.7), not without.
    let in_array = with(good.clone(), "aud", json!(["other", "sample-web"]));
    let error = validate(&client, signed(&in_array)?, Some("n-1")).await?;
    assert!(matches!(
        error,
        IdTokenError::WrongAuthorizedParty { found: None }
    ));
    let with_azp = with(in_array, "azp", json!("sample-web"));
    client
        .validate_id_token(&IdToken::new(signed(&with_azp)?), Some("n-1"))
        .await?;
    let other_azp = with(good.clone(), "azp", json!("other"));
    let error = validate(&client, signed(&other_azp)?, Some("n-1")).await?;
    assert!(
        matches!(error, IdTokenError::WrongAuthorizedParty { found: Some(azp) } if azp == "other")
    );

    let error = validate(
        &client,
        signed(&with(good, "iat", json!(EPOCH + 61)))?,
        Some("n-1"),
    )
    .await?;
    assert!(
        matches!(error, IdTokenError::IssuedInFuture { issued_at, now } if issued_at == EPOCH + 61 && now == EPOCH)
    );
    Ok(())
}

#[tokio::test]
async fn a_token_expires_after_the_leeway() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let token = env.sign_with_mock_key(
        Algorithm::RS256,
        Some(&env.kid()),
        &env.id_token_claims("sample-web", None),
    )?;
    env.advance(3600 + 59);
    client
        .validate_id_token(&IdToken::new(token.clone()), None)
        .await?;
    env.advance(1);
    let error = validate(&client, token, None).await?;
    assert!(
        matches!(error, IdTokenError::Expired { expires_at, now } if expires_at == EPOCH + 3600 && now == EPOCH + 3660)
    );
    Ok(())
}

#[tokio::test]
async fn a_tampered_token_fails_the_signature_check() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let token = env.sign_with_mock_key(
        Algorithm::RS256,
        Some(&env.kid()),
        &env.id_token_claims("sample-web", None),
    )?;
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let forged = with(
        env.id_token_claims("sample-web", None),
        "sub",
        json!("01900000-0000-7000-8000-000000000100"),
    );
    parts[1] = URL_SAFE_NO_PAD.encode(forged.to_string());
    let error = validate(&client, parts.join("."), None).await?;
    assert!(matches!(error, IdTokenError::BadSignature));
    Ok(())
}

#[tokio::test]
async fn a_token_re_signed_with_another_key_under_the_server_kid_is_refused() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let token = sign(
        Algorithm::RS256,
        Some(&env.kid()),
        &env.id_token_claims("sample-web", None),
        &another_rsa_key()?,
    )?;
    let error = validate(&client, token, None).await?;
    assert!(matches!(error, IdTokenError::BadSignature));
    Ok(())
}

#[tokio::test]
async fn an_unknown_kid_refetches_the_jwks_once_then_fails() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let claims = env.id_token_claims("sample-web", None);
    let good = env.sign_with_mock_key(Algorithm::RS256, Some(&env.kid()), &claims)?;
    client
        .validate_id_token(&IdToken::new(good.clone()), None)
        .await?;
    client.validate_id_token(&IdToken::new(good), None).await?;
    assert_eq!(env.requests(JWKS).len(), 1, "the JWKS is cached");

    let rotated = sign(
        Algorithm::RS256,
        Some("rotated-key"),
        &claims,
        &another_rsa_key()?,
    )?;
    let error = validate(&client, rotated.clone(), None).await?;
    assert!(
        matches!(error, IdTokenError::UnknownKey { kid: Some(kid) } if kid == KeyId::new("rotated-key"))
    );
    assert_eq!(
        env.requests(JWKS).len(),
        2,
        "one refetch for the unknown kid"
    );

    validate(&client, rotated, None).await?;
    assert_eq!(
        env.requests(JWKS).len(),
        3,
        "again exactly one refetch, never a loop"
    );
    Ok(())
}

#[tokio::test]
async fn a_token_without_kid_is_refused() -> Result<()> {
    let env = Env::start().await?;
    let token = env.sign_with_mock_key(
        Algorithm::RS256,
        None,
        &env.id_token_claims("sample-web", None),
    )?;
    let error = validate(&env.web()?, token, None).await?;
    assert!(matches!(error, IdTokenError::UnknownKey { kid: None }));
    Ok(())
}

#[tokio::test]
async fn alg_none_is_refused_before_any_key_is_fetched() -> Result<()> {
    let env = Env::start().await?;
    let header = json!({"alg": "none", "typ": "JWT", "kid": env.kid()});
    let token = unsigned(&header, &env.id_token_claims("sample-web", None), "");
    let error = validate(&env.web()?, token, None).await?;
    assert!(
        matches!(&error, IdTokenError::UnsupportedAlgorithm(alg) if alg == "none"),
        "{error:?}"
    );
    assert_eq!(env.requests(JWKS).len(), 0);
    Ok(())
}

#[tokio::test]
async fn hs256_signed_with_the_public_key_is_refused() -> Result<()> {
    let env = Env::start().await?;
    // The classic confusion attack: the server's public modulus used as an HMAC secret.
    let modulus = env.server.signing_key().n.clone();
    let token = sign(
        Algorithm::HS256,
        Some(&env.kid()),
        &env.id_token_claims("sample-web", None),
        &EncodingKey::from_secret(modulus.as_bytes()),
    )?;
    let error = validate(&env.web()?, token, None).await?;
    assert!(
        matches!(&error, IdTokenError::UnsupportedAlgorithm(alg) if alg == "HS256"),
        "{error:?}"
    );
    assert_eq!(env.requests(JWKS).len(), 0);
    Ok(())
}

#[tokio::test]
async fn a_key_published_for_rs256_does_not_verify_ps256() -> Result<()> {
    let env = Env::start().await?;
    let token = env.sign_with_mock_key(
        Algorithm::PS256,
        Some(&env.kid()),
        &env.id_token_claims("sample-web", None),
    )?;
    let error = validate(&env.web()?, token, None).await?;
    assert!(
        matches!(error, IdTokenError::UnusableKey { .. }),
        "{error:?}"
    );
    Ok(())
}

#[tokio::test]
async fn malformed_tokens_are_refused() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    for token in ["", "abc", "a.b", "a.b.c.d", "!!.e30.", "e30.e30.sig"] {
        let error = validate(&client, token.to_owned(), None).await?;
        assert!(
            matches!(error, IdTokenError::Malformed(_)),
            "{token:?}: {error:?}"
        );
    }
    Ok(())
}
