//! The session facade (the Next.js server actions): redirect and app-native sign-in, the session
//! token's checks (tampered, expired, cleared), refresh, sign-out and the user operations.

use anyhow::{Context, Result, bail};
use serde_json::json;
use thunderid_client::session::{
    FlowRequest, SessionManager, SessionToken, SignInOutcome, SignInRequest, SignedIn,
};
use thunderid_client::{
    AuthorizeOptions, Client, Error, FlowStart, FlowState, FlowStep, SessionError,
};

use crate::support::{EPOCH, Env, SESSION_SECRET, THOR_ID, credentials, first_action, param};

fn sessions(env: &Env, config: thunderid_client::Config) -> Result<SessionManager> {
    Ok(SessionManager::new(
        env.client(config.with_session_secret(SESSION_SECRET))?,
    )?)
}

/// Follows an authorize URL the way a browser and the gate would: the 302 to the sign-in page, the
/// flow with thor's password, the auth callback. Returns the callback URL.
async fn authenticate_at(client: &Client, url: &url::Url) -> Result<String> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let response = http.get(url.as_str()).send().await?;
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .context("a Location")?;
    let (auth_id, execution_id, _) = thunderid_client::flow::parse_sign_in_redirect(location)
        .context("authId and executionId")?;
    let state: FlowState =
        serde_json::from_value(json!({"executionId": execution_id, "authId": auth_id}))?;
    let mut flow = client.resume_flow(state);
    let step = flow.resume().await?;
    match flow
        .submit(first_action(&step)?, credentials("thor", "Thor@12345"))
        .await?
    {
        FlowStep::Complete {
            redirect_uri: Some(callback),
            ..
        } => Ok(callback),
        other => bail!("expected COMPLETE with a redirect, got {other:?}"),
    }
}

/// A redirect sign-in through the facade.
async fn redirect_sign_in(sessions: &SessionManager) -> Result<SignedIn> {
    let SignInOutcome::Redirect { url, temp_session } = sessions
        .sign_in(SignInRequest::Redirect(AuthorizeOptions::default()))
        .await?
    else {
        bail!("expected a redirect");
    };
    let callback = authenticate_at(sessions.client(), &url).await?;
    Ok(sessions.complete_sign_in(&temp_session, &callback).await?)
}

fn session_error<T: std::fmt::Debug>(result: Result<T, Error>) -> Result<SessionError> {
    match result {
        Err(Error::Session(error)) => Ok(error),
        other => bail!("expected a session error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_redirect_sign_in_opens_a_session() -> Result<()> {
    let env = Env::start().await?;
    let sessions = sessions(&env, env.web_config()?)?;
    let signed_in = redirect_sign_in(&sessions).await?;
    let token = &signed_in.session_token;
    assert!(sessions.is_signed_in(token).await);
    assert_eq!(
        sessions.session_id(token).await,
        Some(signed_in.session_id.clone())
    );
    let payload = sessions.session_payload(token).await.context("a payload")?;
    assert_eq!(
        (
            payload.sub.as_str(),
            payload.scopes.as_str(),
            payload.token_type.as_str()
        ),
        (THOR_ID, "openid profile", "session")
    );
    assert_eq!((payload.iat, payload.exp), (EPOCH, signed_in.expires_at));
    assert!(sessions.access_token(token).await.is_some());
    Ok(())
}

#[tokio::test]
async fn a_pending_sign_in_is_single_use_and_expires() -> Result<()> {
    let env = Env::start().await?;
    let sessions = sessions(&env, env.web_config()?)?;
    let SignInOutcome::Redirect { url, temp_session } = sessions
        .sign_in(SignInRequest::Redirect(AuthorizeOptions::default()))
        .await?
    else {
        bail!("expected a redirect");
    };
    let callback = authenticate_at(sessions.client(), &url).await?;
    sessions.complete_sign_in(&temp_session, &callback).await?;
    let again = session_error(sessions.complete_sign_in(&temp_session, &callback).await)?;
    assert_eq!(again, SessionError::NoPendingSignIn);

    let SignInOutcome::Redirect {
        temp_session: late, ..
    } = sessions
        .sign_in(SignInRequest::Redirect(AuthorizeOptions::default()))
        .await?
    else {
        bail!("expected a redirect");
    };
    env.advance(15 * 60);
    assert_eq!(
        session_error(sessions.complete_sign_in(&late, &callback).await)?,
        SessionError::NoPendingSignIn
    );
    Ok(())
}

#[tokio::test]
async fn a_callback_for_another_sign_in_is_refused() -> Result<()> {
    let env = Env::start().await?;
    let sessions = sessions(&env, env.web_config()?)?;
    let SignInOutcome::Redirect { url, .. } = sessions
        .sign_in(SignInRequest::Redirect(AuthorizeOptions::default()))
        .await?
    else {
        bail!("expected a redirect");
    };
    let SignInOutcome::Redirect {
        temp_session: other,
        ..
    } = sessions
        .sign_in(SignInRequest::Redirect(AuthorizeOptions::default()))
        .await?
    else {
        bail!("expected a redirect");
    };
    let callback = authenticate_at(sessions.client(), &url).await?;
    let result = sessions.complete_sign_in(&other, &callback).await;
    assert!(
        matches!(
            result,
            Err(Error::Callback(
                thunderid_client::CallbackError::StateMismatch
            ))
        ),
        "{result:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_tampered_or_foreign_session_token_reads_as_signed_out() -> Result<()> {
    let env = Env::start().await?;
    let sessions = sessions(&env, env.web_config()?)?;
    let signed_in = redirect_sign_in(&sessions).await?;
    let raw = signed_in.session_token.secret();
    let tampered = SessionToken::new(format!("{}x", raw));
    assert!(!sessions.is_signed_in(&tampered).await);
    assert_eq!(sessions.session_payload(&tampered).await, None);
    assert_eq!(
        session_error(sessions.sign_out(&tampered).await)?,
        SessionError::NotSignedIn
    );
    assert_eq!(
        session_error(sessions.refresh_token(&tampered).await)?,
        SessionError::NotSignedIn
    );

    let foreign = SessionManager::new(
        env.client(
            env.web_config()?
                .with_session_secret(*b"another-secret-of-thirty-two-b!!"),
        )?,
    )?;
    assert!(!foreign.is_signed_in(&signed_in.session_token).await);
    assert!(sessions.is_signed_in(&signed_in.session_token).await);
    Ok(())
}

#[tokio::test]
async fn an_expired_session_reads_as_signed_out_until_refreshed() -> Result<()> {
    let env = Env::start().await?;
    let sessions = sessions(&env, env.web_config()?)?;
    let signed_in = redirect_sign_in(&sessions).await?;
    env.advance(signed_in.expires_at - EPOCH);
    assert!(!sessions.is_signed_in(&signed_in.session_token).await);
    assert_eq!(sessions.access_token(&signed_in.session_token).await, None);

    let refreshed = sessions.refresh_token(&signed_in.session_token).await?;
    let now = EPOCH + (signed_in.expires_at - EPOCH);
    assert!(refreshed.expires_at > now);
    assert!(sessions.is_signed_in(&refreshed.session_token).await);
    assert_eq!(
        sessions.session_id(&refreshed.session_token).await,
        Some(signed_in.session_id)
    );
    Ok(())
}

#[tokio::test]
async fn sign_out_returns_the_end_session_url_and_ends_the_session() -> Result<()> {
    let env = Env::start().await?;
    let sessions = sessions(&env, env.web_config()?)?;
    let signed_in = redirect_sign_in(&sessions).await?;
    let url = sessions
        .sign_out(&signed_in.session_token)
        .await?
        .context("an end-session URL")?;
    assert!(param(url.url.as_str(), "id_token_hint")?.is_some());
    assert_eq!(
        param(url.url.as_str(), "post_logout_redirect_uri")?.as_deref(),
        Some("http://localhost:3000/logout")
    );
    assert!(
        !sessions.is_signed_in(&signed_in.session_token).await,
        "the cookie survives, the session does not"
    );
    assert_eq!(
        session_error(sessions.refresh_token(&signed_in.session_token).await)?,
        SessionError::NotSignedIn
    );
    Ok(())
}

#[tokio::test]
async fn clear_session_forgets_the_session() -> Result<()> {
    let env = Env::start().await?;
    let sessions = sessions(&env, env.web_config()?)?;
    let signed_in = redirect_sign_in(&sessions).await?;
    sessions.clear_session(&signed_in.session_token).await?;
    assert!(!sessions.is_signed_in(&signed_in.session_token).await);
    sessions
        .clear_session(&SessionToken::new("not-a-token"))
        .await?;
    Ok(())
}

#[tokio::test]
async fn user_operations_use_the_session_access_token() -> Result<()> {
    let env = Env::start().await?;
    let sessions = sessions(&env, env.web_config()?)?;
    let signed_in = redirect_sign_in(&sessions).await?;
    let token = &signed_in.session_token;
    let user = sessions.get_user(token).await?;
    assert_eq!(user.get("email"), Some(&json!("thor@asgard.example")));
    let profile = sessions.get_user_profile(token).await?;
    let label = profile
        .schema
        .schema
        .get("given_name")
        .and_then(|a| a.display_name.as_deref());
    assert_eq!(label, Some("First Name"));
    let mut attributes = profile.profile.user.attributes.unwrap_or_default();
    attributes.insert("family_name".to_owned(), json!("Borson"));
    let updated = sessions.update_user_profile(token, attributes).await?;
    assert_eq!(updated.flattened.get("family_name"), Some(&json!("Borson")));
    let signed_out = SessionToken::new("x.y.z");
    assert_eq!(
        session_error(sessions.get_user(&signed_out).await)?,
        SessionError::NotSignedIn
    );
    Ok(())
}

#[tokio::test]
async fn an_app_native_sign_in_opens_a_session_from_the_assertion() -> Result<()> {
    let env = Env::start().await?;
    let sessions = sessions(&env, env.native_config()?)?;
    let SignInOutcome::Flow { step, flow } = sessions
        .sign_in(SignInRequest::Flow(FlowRequest::Start(
            FlowStart::authentication(),
        )))
        .await?
    else {
        bail!("expected a prompt");
    };
    let next = FlowRequest::Continue {
        flow,
        action: Some(first_action(&step)?),
        inputs: credentials("thor", "Thor@12345"),
    };
    let SignInOutcome::SignedIn(signed_in) = sessions.sign_in(SignInRequest::Flow(next)).await?
    else {
        bail!("expected a session");
    };
    let payload = sessions
        .session_payload(&signed_in.session_token)
        .await
        .context("a payload")?;
    assert_eq!(payload.sub, THOR_ID);
    assert_eq!(
        signed_in.expires_at,
        EPOCH + 3600,
        "the session lives as long as the assertion"
    );
    let user = sessions.get_user(&signed_in.session_token).await?;
    assert_eq!(user.get("id"), Some(&json!(THOR_ID)));
    assert_eq!(
        session_error(sessions.refresh_token(&signed_in.session_token).await)?,
        SessionError::NoRefreshToken
    );
    assert_eq!(
        sessions.sign_out(&signed_in.session_token).await?,
        None,
        "no OAuth client, no end-session URL"
    );
    Ok(())
}

#[tokio::test]
async fn a_wrong_password_through_the_facade_keeps_the_flow_going() -> Result<()> {
    let env = Env::start().await?;
    let sessions = sessions(&env, env.native_config()?)?;
    let SignInOutcome::Flow { step, flow } = sessions
        .sign_in(SignInRequest::Flow(FlowRequest::Start(
            FlowStart::authentication(),
        )))
        .await?
    else {
        bail!("expected a prompt");
    };
    let next = FlowRequest::Continue {
        flow,
        action: Some(first_action(&step)?),
        inputs: credentials("thor", "nope"),
    };
    let SignInOutcome::Flow { step, .. } = sessions.sign_in(SignInRequest::Flow(next)).await?
    else {
        bail!("expected a re-prompt");
    };
    assert!(
        matches!(step, FlowStep::Incomplete { error: Some(_), .. }),
        "{step:?}"
    );
    Ok(())
}

#[tokio::test]
async fn the_facade_needs_a_session_secret() -> Result<()> {
    let env = Env::start().await?;
    let result = SessionManager::new(env.web()?);
    assert!(matches!(
        result,
        Err(Error::Config(thunderid_client::ConfigError::Missing(
            "session_secret"
        )))
    ));
    let weak = env.client(env.web_config()?.with_session_secret(*b"short"));
    assert!(weak.is_err());
    Ok(())
}
