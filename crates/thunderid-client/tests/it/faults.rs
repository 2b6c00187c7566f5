//! The client against the mock's fault rules: every tampered ID token of a real sign-in is refused
//! with its own typed error, an unknown `kid` costs exactly one JWKS refetch, and a failing token
//! endpoint surfaces as an error rather than a retry.

use anyhow::{Result, bail};
use thunderid_client::protocol::ids::KeyId;
use thunderid_client::{Error, IdTokenError};
use thunderid_mock::{FaultAction, FaultRule, RequestFilter, Tamper, TokenKind};

use crate::support::{Env, sign_in};

/// Sign in with the next ID token forged by `tamper`; the client's refusal.
async fn refusal(env: &Env, tamper: Tamper) -> Result<IdTokenError> {
    let rule = FaultRule::new(FaultAction::Tamper {
        token: TokenKind::IdToken,
        tamper,
    })
    .client("sample-spa")
    .once();
    env.server.add_fault(rule)?;
    match sign_in(&env.spa()?).await {
        Ok(tokens) => bail!("{tamper:?}: the client accepted {tokens:?}"),
        Err(error) => match error.downcast::<Error>() {
            Ok(Error::IdToken(refused)) => Ok(refused),
            other => bail!("{tamper:?}: expected an ID token error, got {other:?}"),
        },
    }
}

#[tokio::test]
async fn every_tampered_id_token_is_refused_with_its_own_error() -> Result<()> {
    let env = Env::start().await?;
    let issuer = env.base().to_owned();
    for tamper in [
        Tamper::AlgNone,
        Tamper::Hs256PublicKey,
        Tamper::BadSignature,
        Tamper::UnknownKid,
        Tamper::MissingKid,
        Tamper::WrongIssuer,
        Tamper::WrongAudience,
        Tamper::ExtraAudienceWithoutAzp,
        Tamper::Expired,
        Tamper::IssuedInFuture,
        Tamper::NotYetValid,
        Tamper::MissingNonce,
        Tamper::WrongNonce,
        Tamper::WrongAtHash,
        Tamper::WrongCHash,
        Tamper::WrongTyp,
    ] {
        let error = refusal(&env, tamper).await?;
        let expected = match tamper {
            Tamper::AlgNone => {
                matches!(&error, IdTokenError::UnsupportedAlgorithm(a) if a == "none")
            }
            Tamper::Hs256PublicKey => {
                matches!(&error, IdTokenError::UnsupportedAlgorithm(a) if a == "HS256")
            }
            Tamper::BadSignature => matches!(error, IdTokenError::BadSignature),
            Tamper::UnknownKid => matches!(&error,
                IdTokenError::UnknownKey { kid: Some(kid) } if *kid == KeyId::new("unknown-key")),
            Tamper::MissingKid => matches!(error, IdTokenError::UnknownKey { kid: None }),
            Tamper::WrongIssuer => matches!(&error,
                IdTokenError::WrongIssuer { found, .. } if found.as_str() == format!("{issuer}/elsewhere")),
            Tamper::WrongAudience => matches!(error, IdTokenError::WrongAudience { .. }),
            Tamper::ExtraAudienceWithoutAzp => {
                matches!(error, IdTokenError::WrongAuthorizedParty { found: None })
            }
            Tamper::Expired => matches!(error, IdTokenError::Expired { .. }),
            Tamper::IssuedInFuture => matches!(error, IdTokenError::IssuedInFuture { .. }),
            Tamper::NotYetValid => matches!(error, IdTokenError::NotYetValid { .. }),
            Tamper::MissingNonce => matches!(error, IdTokenError::NonceMismatch { found: None }),
            Tamper::WrongNonce => matches!(&error,
                IdTokenError::NonceMismatch { found: Some(n) } if n == "a-nonce-never-sent"),
            Tamper::WrongAtHash => matches!(error, IdTokenError::AccessTokenHashMismatch),
            Tamper::WrongCHash => matches!(error, IdTokenError::CodeHashMismatch),
            Tamper::WrongTyp => matches!(&error, IdTokenError::WrongType(t) if t == "at+jwt"),
            _ => false,
        };
        assert!(expected, "{tamper:?} refused as {error:?}");
    }
    // The rules are spent: the next sign-in works.
    sign_in(&env.spa()?).await?;
    Ok(())
}

#[tokio::test]
async fn an_unknown_kid_costs_exactly_one_jwks_refetch() -> Result<()> {
    let env = Env::start().await?;
    let client = env.spa()?;
    sign_in(&client).await?;
    let jwks = || {
        env.server
            .requests(&RequestFilter::path("/oauth2/jwks"))
            .len()
    };
    assert_eq!(jwks(), 1);
    env.server.add_fault(
        FaultRule::new(FaultAction::Tamper {
            token: TokenKind::IdToken,
            tamper: Tamper::UnknownKid,
        })
        .once(),
    )?;
    assert!(sign_in(&client).await.is_err());
    assert_eq!(jwks(), 2, "one refetch for the unknown kid");
    sign_in(&client).await?;
    assert_eq!(jwks(), 2, "the known kid is served from the cache");
    Ok(())
}

#[tokio::test]
async fn a_failing_token_endpoint_surfaces_once_and_the_next_try_succeeds() -> Result<()> {
    let env = Env::start().await?;
    let client = env.spa()?;
    env.server.add_fault(
        FaultRule::new(FaultAction::retry_after(503, 1))
            .path("/oauth2/token")
            .once(),
    )?;
    let error = sign_in(&client).await.expect_err("a 503 is an error");
    let error = error.downcast::<Error>()?;
    assert!(
        matches!(&error, Error::OAuth { .. }),
        "the server's server_error surfaces: {error:?}"
    );
    let calls = env.server.requests(&RequestFilter::path("/oauth2/token"));
    assert_eq!(
        calls.len(),
        1,
        "the client does not retry a token request on its own"
    );
    sign_in(&client).await?;
    Ok(())
}
