//! The client against the mock's fault rules: every tampered ID token of a real sign-in is refused
//! with its own typed error, an unknown `kid` costs exactly one JWKS refetch, a failing token
//! endpoint surfaces as an error rather than a retry, and a read (the JWKS, discovery) answered
//! 429/503 with a short `Retry-After` is sent again, a bounded number of times.

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

fn calls(env: &Env, path: &str) -> usize {
    env.server.requests(&RequestFilter::path(path)).len()
}

#[tokio::test]
async fn a_jwks_or_discovery_asked_to_retry_soon_is_fetched_again() -> Result<()> {
    let env = Env::start().await?;
    let client = env.spa()?;
    for (path, status) in [
        ("/oauth2/jwks", 503),
        ("/.well-known/openid-configuration", 429),
    ] {
        env.server.add_fault(
            FaultRule::new(FaultAction::retry_after(status, 0))
                .path(path)
                .once(),
        )?;
    }
    sign_in(&client).await?;
    assert_eq!(calls(&env, "/oauth2/jwks"), 2, "the 503 and the retry");
    assert_eq!(
        calls(&env, "/.well-known/openid-configuration"),
        2,
        "the 429 and the retry"
    );
    Ok(())
}

#[tokio::test]
async fn a_failing_read_surfaces_without_retry_after_with_a_long_one_or_past_the_bound()
-> Result<()> {
    let env = Env::start().await?;
    let cases = [
        (FaultAction::status(503), 1),
        (FaultAction::retry_after(503, 60), 1),
        (FaultAction::status(500), 1),
        // Asked to retry every time: the first try and two retries, then the error.
        (FaultAction::retry_after(429, 0), 3),
    ];
    for (action, expected) in cases {
        let before = calls(&env, "/oauth2/jwks");
        let id = env
            .server
            .add_fault(FaultRule::new(action.clone()).path("/oauth2/jwks"))?;
        let error = sign_in(&env.spa()?).await.expect_err("the JWKS fails");
        assert!(
            matches!(
                error.downcast_ref::<Error>(),
                Some(Error::IdToken(IdTokenError::Jwks(_)))
            ),
            "{action:?}: {error:?}"
        );
        assert_eq!(calls(&env, "/oauth2/jwks") - before, expected, "{action:?}");
        env.server.remove_fault(&id);
    }
    Ok(())
}
