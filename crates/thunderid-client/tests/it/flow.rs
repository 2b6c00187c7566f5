//! The app-native flow driver: starts with the Flow-Secret, the challenge token threaded and
//! rotated, in-band and HTTP-level errors, the assertion relay, registration.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use thunderid_client::protocol::ApiErrorCode;
use thunderid_client::protocol::flow::StepType;
use thunderid_client::{AuthorizeOptions, Error, FlowStart, FlowState, FlowStep};

use thunderid_mock::{FaultAction, FaultRule};

use crate::support::{Env, NATIVE_APP, SPA_APP, THOR_ID, credentials, first_action, header};

const EXECUTE: &str = "/flow/execute";

fn api_error(result: Result<FlowStep, Error>) -> Result<(u16, Value)> {
    match result {
        Err(Error::Api { status, body }) => Ok((status, serde_json::to_value(&*body)?)),
        other => bail!("expected an API error, got {other:?}"),
    }
}

fn error_code(step: &FlowStep) -> Option<String> {
    match step {
        FlowStep::Incomplete { error, .. } | FlowStep::Error { error, .. } => {
            error.as_ref().map(|e| e.code.as_str().to_owned())
        }
        FlowStep::Complete { .. } => None,
        _ => None,
    }
}

#[tokio::test]
async fn app_native_sign_in_completes_with_a_verifiable_assertion() -> Result<()> {
    let env = Env::start().await?;
    let client = env.native()?;
    let mut flow = client.flow();
    let step = flow
        .start(FlowStart::authentication().with_scopes(["openid", "profile"]))
        .await?;
    match &step {
        FlowStep::Incomplete {
            kind,
            inputs,
            components,
            error,
            ..
        } => {
            assert_eq!(*kind, StepType::View);
            let identifiers: Vec<&str> = inputs
                .iter()
                .map(|input| input.identifier.as_str())
                .collect();
            assert_eq!(identifiers, vec!["username", "password"]);
            assert!(
                !components.is_empty(),
                "verbose starts carry the UI components"
            );
            assert!(error.is_none());
        }
        other => bail!("expected a credentials prompt, got {other:?}"),
    }
    let token = flow
        .state()
        .challenge_token
        .clone()
        .context("a challenge token")?;
    assert_eq!(token.secret().len(), 64);
    let step = flow
        .submit(first_action(&step)?, credentials("thor", "Thor@12345"))
        .await?;
    let FlowStep::Complete {
        assertion: Some(assertion),
        redirect_uri: None,
        ..
    } = step
    else {
        bail!("expected COMPLETE with an assertion, got {step:?}");
    };
    assert!(flow.state().finished);
    let claims = client.verify_assertion(&assertion).await?;
    assert_eq!(claims.registered.subject.as_deref(), Some(THOR_ID));

    let requests = env.requests(EXECUTE);
    let start: Value = serde_json::from_str(&requests[0].body)?;
    assert_eq!(
        start,
        json!({"applicationId": NATIVE_APP, "flowType": "AUTHENTICATION", "verbose": true,
               "inputs": {"requested_permissions": "openid profile"}})
    );
    assert_eq!(
        header(&requests[0], "flow-secret"),
        Some("sample-native-flow-secret")
    );
    let step_body: Value = serde_json::from_str(&requests[1].body)?;
    assert_eq!(step_body["challengeToken"], json!(token.secret()));
    assert_eq!(step_body["inputs"]["username"], json!("thor"));
    assert_eq!(
        header(&requests[1], "flow-secret"),
        None,
        "the Flow-Secret goes only with the start"
    );
    Ok(())
}

#[tokio::test]
async fn a_wrong_password_reprompts_with_fet_1005_and_a_new_challenge_token() -> Result<()> {
    let env = Env::start().await?;
    let mut flow = env.native()?.flow();
    let step = flow.start(FlowStart::authentication()).await?;
    let first = flow.state().challenge_token.clone();
    let step = flow
        .submit(first_action(&step)?, credentials("thor", "wrong"))
        .await?;
    assert_eq!(
        error_code(&step).as_deref(),
        Some(ApiErrorCode::ExecutorInvalidCredentials.as_str())
    );
    assert!(matches!(step, FlowStep::Incomplete { .. }));
    assert_ne!(
        flow.state().challenge_token,
        first,
        "every INCOMPLETE rotates the token"
    );
    let step = flow
        .submit(first_action(&step)?, credentials("thor", "Thor@12345"))
        .await?;
    assert!(
        matches!(
            step,
            FlowStep::Complete {
                assertion: Some(_),
                ..
            }
        ),
        "{step:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_stale_challenge_token_is_ics_1002_and_the_latest_stays_valid() -> Result<()> {
    let env = Env::start().await?;
    let client = env.native()?;
    let mut flow = client.flow();
    let step = flow.start(FlowStart::authentication()).await?;
    let action = first_action(&step)?;
    let saved: FlowState = flow.state().clone();
    flow.submit(action.clone(), credentials("thor", "wrong"))
        .await?;

    let mut stale = client.resume_flow(saved);
    let step = stale
        .submit(action.clone(), credentials("thor", "Thor@12345"))
        .await?;
    match &step {
        FlowStep::Error {
            error: Some(error),
            error_assertion: None,
            redirect_uri: None,
        } => {
            assert_eq!(
                error,
                &ApiErrorCode::InterceptorChallengeTokenInvalid.to_error()
            );
        }
        other => bail!("expected ICS-1002, got {other:?}"),
    }
    let step = flow
        .submit(action, credentials("thor", "Thor@12345"))
        .await?;
    assert!(
        matches!(
            step,
            FlowStep::Complete {
                assertion: Some(_),
                ..
            }
        ),
        "{step:?}"
    );
    Ok(())
}

#[tokio::test]
async fn an_unknown_execution_is_fes_1004() -> Result<()> {
    let env = Env::start().await?;
    let state: FlowState =
        serde_json::from_value(json!({"executionId": "01900000-0000-7000-8000-00000000dead"}))?;
    let mut flow = env.native()?.resume_flow(state);
    let (status, body) = api_error(flow.resume().await)?;
    assert_eq!(
        (status, body),
        (
            400,
            serde_json::to_value(ApiErrorCode::FlowInvalidExecutionId.to_error())?
        )
    );
    assert!(matches!(
        flow.resume().await,
        Err(Error::Flow(thunderid_client::FlowError::Finished))
    ));
    Ok(())
}

#[tokio::test]
async fn a_browser_app_may_not_start_a_flow_directly() -> Result<()> {
    let env = Env::start().await?;
    let client = env.client(env.config()?.with_application_id(SPA_APP))?;
    let (status, body) = api_error(client.flow().start(FlowStart::authentication()).await)?;
    assert_eq!(
        (status, body),
        (
            403,
            serde_json::to_value(ApiErrorCode::FlowDirectFlowInitiationNotPermitted.to_error())?
        )
    );
    Ok(())
}

#[tokio::test]
async fn a_backend_app_needs_its_flow_secret() -> Result<()> {
    let env = Env::start().await?;
    let without = env.client(env.config()?.with_application_id(NATIVE_APP))?;
    let (status, body) = api_error(without.flow().start(FlowStart::authentication()).await)?;
    assert_eq!(
        (status, body),
        (
            401,
            serde_json::to_value(ApiErrorCode::FlowSecretRequired.to_error())?
        )
    );
    let wrong = env.client(
        env.config()?
            .with_application_id(NATIVE_APP)
            .with_flow_secret("wrong"),
    )?;
    let (status, body) = api_error(wrong.flow().start(FlowStart::authentication()).await)?;
    assert_eq!(
        (status, body),
        (
            401,
            serde_json::to_value(ApiErrorCode::FlowSecretInvalid.to_error())?
        )
    );
    Ok(())
}

#[tokio::test]
async fn a_flow_started_by_authorize_relays_its_assertion_to_the_auth_callback() -> Result<()> {
    let env = Env::start().await?;
    let client = env.spa()?;
    let started = client
        .start_flow_via_authorize(AuthorizeOptions::default())
        .await?;
    let auth_id = started.flow.state().auth_id.clone().context("an authId")?;
    let mut flow = started.flow;
    let step = flow.resume().await?;
    let first: Value = serde_json::from_str(&env.requests(EXECUTE)[0].body)?;
    assert_eq!(
        first,
        json!({"executionId": flow.state().execution_id, "verbose": true})
    );
    let step = flow
        .submit(first_action(&step)?, credentials("thor", "Thor@12345"))
        .await?;
    let FlowStep::Complete {
        assertion: Some(assertion),
        redirect_uri: Some(redirect_uri),
        ..
    } = step
    else {
        bail!("expected COMPLETE with a redirect, got {step:?}");
    };
    let relayed: Value = serde_json::from_str(&env.requests("/oauth2/auth/callback")[0].body)?;
    assert_eq!(relayed, json!({"authId": auth_id, "assertion": assertion}));
    let target = redirect_uri.split_once('?').map(|(target, _)| target);
    assert_eq!(target, Some("http://localhost:3000/callback"));
    let tokens = client
        .handle_callback(started.pending, &redirect_uri)
        .await?;
    assert!(tokens.id_token.is_some());
    Ok(())
}

#[tokio::test]
async fn submitting_before_starting_is_refused_locally() -> Result<()> {
    let env = Env::start().await?;
    let result = env
        .native()?
        .flow()
        .submit("action_001", BTreeMap::new())
        .await;
    assert!(matches!(
        result,
        Err(Error::Flow(thunderid_client::FlowError::NotStarted))
    ));
    assert_eq!(env.requests(EXECUTE).len(), 0);
    Ok(())
}

#[tokio::test]
async fn registration_creates_a_user_that_can_then_sign_in() -> Result<()> {
    let env = Env::start().await?;
    let client = env.native()?;
    let values = BTreeMap::from([
        ("username", "sif"),
        ("password", "Sif@123456"),
        ("email", "sif@asgard.example"),
        ("given_name", "Sif"),
        ("family_name", "Warrior"),
        ("mobile_number", "+15550100003"),
    ]);
    let mut flow = client.flow();
    let mut step = flow.start(FlowStart::registration()).await?;
    for _ in 0..6 {
        let FlowStep::Incomplete {
            inputs,
            actions,
            error: None,
            ..
        } = &step
        else {
            break;
        };
        let answers: BTreeMap<String, String> = inputs
            .iter()
            .filter_map(|input| {
                values
                    .get(input.identifier.as_str())
                    .map(|v| (input.identifier.clone(), (*v).to_owned()))
            })
            .collect();
        let action = actions
            .first()
            .map(|a| a.reference.clone())
            .context("an action")?;
        step = flow.submit(action, answers).await?;
    }
    assert!(matches!(step, FlowStep::Complete { .. }), "{step:?}");

    let mut sign_in = client.flow();
    let step = sign_in.start(FlowStart::authentication()).await?;
    let step = sign_in
        .submit(first_action(&step)?, credentials("sif", "Sif@123456"))
        .await?;
    assert!(
        matches!(
            step,
            FlowStep::Complete {
                assertion: Some(_),
                ..
            }
        ),
        "{step:?}"
    );
    Ok(())
}

#[tokio::test]
async fn an_sms_otp_step_follows_the_password_and_takes_the_code_from_the_outbox() -> Result<()> {
    let env = Env::start().await?;
    let config = env
        .config()?
        .with_client_id("sample-mfa")
        .with_redirect_uri("http://localhost:3000/callback");
    let client = env.client(config)?;
    let started = client
        .start_flow_via_authorize(AuthorizeOptions::default())
        .await?;
    let mut flow = started.flow;
    let step = flow.resume().await?;
    let step = flow
        .submit(first_action(&step)?, credentials("thor", "Thor@12345"))
        .await?;
    let FlowStep::Incomplete {
        inputs, actions, ..
    } = &step
    else {
        bail!("expected the OTP prompt, got {step:?}");
    };
    let identifiers: Vec<&str> = inputs
        .iter()
        .map(|input| input.identifier.as_str())
        .collect();
    assert_eq!(identifiers, vec!["otp"]);
    let action = actions
        .first()
        .map(|a| a.reference.clone())
        .context("an action")?;
    let otp = env
        .server
        .last_code_sent_to("+15550100001")
        .context("an OTP in the outbox")?;
    let step = flow
        .submit(action, BTreeMap::from([("otp".to_owned(), otp)]))
        .await?;
    let FlowStep::Complete {
        redirect_uri: Some(callback),
        ..
    } = step
    else {
        bail!("expected COMPLETE with a redirect, got {step:?}");
    };
    let tokens = client.handle_callback(started.pending, &callback).await?;
    assert_eq!(
        tokens
            .id_token_claims
            .and_then(|c| c.registered.subject)
            .as_deref(),
        Some(THOR_ID)
    );
    Ok(())
}

#[tokio::test]
async fn choosing_a_social_login_is_a_redirection_step() -> Result<()> {
    let env = Env::start().await?;
    let config = env
        .config()?
        .with_client_id("sample-social")
        .with_redirect_uri("http://localhost:3000/callback");
    let started = env
        .client(config)?
        .start_flow_via_authorize(AuthorizeOptions::default())
        .await?;
    let mut flow = started.flow;
    let step = flow.resume().await?;
    let FlowStep::Incomplete { actions, .. } = &step else {
        bail!("expected the login options, got {step:?}");
    };
    let refs: Vec<&str> = actions
        .iter()
        .map(|action| action.reference.as_str())
        .collect();
    assert_eq!(refs, vec!["action_001", "action_google"]);
    let step = flow.submit("action_google", BTreeMap::new()).await?;
    match step {
        FlowStep::Incomplete {
            kind: StepType::Redirection,
            redirect_url: Some(url),
            ..
        } => {
            assert!(url::Url::parse(&url).is_ok(), "{url}");
        }
        other => bail!("expected a REDIRECTION step, got {other:?}"),
    }
    Ok(())
}

#[tokio::test]
async fn a_503_or_a_dropped_connection_mid_flow_leaves_the_step_to_send_again() -> Result<()> {
    let env = Env::start().await?;
    let mut flow = env.native()?.flow();
    let step = flow.start(FlowStart::authentication()).await?;
    let action = first_action(&step)?;
    let before = flow.state().clone();
    for (fault, expected) in [
        (FaultAction::retry_after(503, 1), Some(503)),
        (FaultAction::status(429), Some(429)),
        (FaultAction::Drop, None),
    ] {
        env.server
            .add_fault(FaultRule::new(fault).path(EXECUTE).once())?;
        let result = flow
            .submit(action.clone(), credentials("thor", "Thor@12345"))
            .await;
        match (&result, expected) {
            (Err(Error::Transport(_)), None) => {}
            (Err(Error::Api { status, .. }), Some(expected)) if *status == expected => {}
            other => bail!("expected a temporary failure, got {other:?}"),
        }
        assert_eq!(flow.state(), &before, "execution and challenge token kept");
    }
    let step = flow
        .submit(action, credentials("thor", "Thor@12345"))
        .await?;
    assert!(
        matches!(
            step,
            FlowStep::Complete {
                assertion: Some(_),
                ..
            }
        ),
        "the same challenge token is accepted again: {step:?}"
    );
    let retries: Vec<Value> = env.requests(EXECUTE)[1..]
        .iter()
        .map(|r| serde_json::from_str(&r.body))
        .collect::<Result<_, _>>()?;
    assert!(retries.windows(2).all(|w| w[0] == w[1]), "{retries:?}");
    Ok(())
}
