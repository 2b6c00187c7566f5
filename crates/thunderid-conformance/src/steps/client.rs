//! Steps that drive the Rust client (`thunderid-client`) against the server: what an SDK must check
//! on its own side (the callback, the ID token) and the server-side session facade. The browser's
//! part (the sign-in page) is played by the suite over plain HTTP.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cucumber::{given, then, when};
use serde_json::{Map, Value, json};
use thunderid_client::protocol::secret::IdToken;
use thunderid_client::session::{
    FlowRequest, SessionManager, SessionToken, SignInOutcome, SignInRequest,
};
use thunderid_client::{
    AuthorizeOptions, Client, Config, FixedClock, FlowStart, FlowState, FlowStep,
    PendingAuthorization, TokenSet,
};

use super::flow::{self, Challenge};
use super::oauth2::{self as redirect, query_param, tamper};
use crate::catalog;
use crate::world::ConformanceWorld;

/// The client a scenario drives, and what it got back.
pub struct ClientState {
    pub client: Client,
    /// The client's own clock, started at the server's time; scenarios move it to test expiry.
    pub clock: Arc<FixedClock>,
    pub app: String,
    pub pending: Option<PendingAuthorization>,
    pub tokens: Option<TokenSet>,
    /// The outcome of the last client operation: `Ok` or the error's debug form.
    pub outcome: Option<Result<(), String>>,
    pub sessions: Option<SessionManager>,
    pub session: Option<SessionToken>,
    pub flow_state: Option<FlowState>,
    pub sign_out_url: Option<url::Url>,
}

impl std::fmt::Debug for ClientState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientState")
            .field("app", &self.app)
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
}

fn state(world: &mut ConformanceWorld) -> anyhow::Result<&mut ClientState> {
    world
        .client
        .as_mut()
        .context("no client: start with `Given the Rust client for \"…\"`")
}

/// The server's clock: the control API's when it has one, else this machine's.
pub(crate) async fn server_now(world: &ConformanceWorld) -> u64 {
    let control = async {
        let response = world
            .http
            .get(world.url("/__mock/clock"))
            .send()
            .await
            .ok()?;
        let body: Value = response.json().await.ok()?;
        body.get("now").and_then(Value::as_u64)
    };
    match control.await {
        Some(now) => now,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    }
}

/// A client configured as the app `name` is registered, with its own clock.
async fn client_for(
    world: &ConformanceWorld,
    name: &str,
) -> anyhow::Result<(Client, Arc<FixedClock>)> {
    let app = catalog::application(world, name)?;
    let mut config = Config::new(world.target.base_url())?
        .with_application_id(app.id.as_str())
        .with_session_secret(*b"conformance-session-secret-32byte");
    if let Some(secret) = &app.flow_secret {
        config = config.with_flow_secret(secret.clone());
    }
    if let Some(oauth) = &app.oauth {
        config = config.with_client_id(oauth.client_id.as_str());
        if let Some(secret) = &oauth.client_secret {
            config = config.with_client_secret(secret.clone());
        }
        if let Some(uri) = oauth.redirect_uris.first() {
            config = config.with_redirect_uri(uri.clone());
        }
        if let Some(uri) = oauth.post_logout_redirect_uris.first() {
            config = config.with_post_logout_redirect_uri(uri.clone());
        }
    }
    let clock = Arc::new(FixedClock::new(server_now(world).await));
    let client = Client::builder(config).clock(clock.clone()).build()?;
    Ok((client, clock))
}

#[given(expr = "the Rust client for {string}")]
async fn the_client(world: &mut ConformanceWorld, name: String) -> anyhow::Result<()> {
    let (client, clock) = client_for(world, &name).await?;
    let sessions = SessionManager::new(client.clone())?;
    world.app = Some(name.clone());
    world.client = Some(ClientState {
        client,
        clock,
        app: name,
        pending: None,
        tokens: None,
        outcome: None,
        sessions: Some(sessions),
        session: None,
        flow_state: None,
        sign_out_url: None,
    });
    Ok(())
}

/// Play the browser: follow the authorize URL to the sign-in page, sign `username` in there, hand
/// the assertion back, and return where the server sends the browser (the app's redirect URI).
pub(crate) async fn browser_signs_in(
    world: &mut ConformanceWorld,
    authorize_url: &url::Url,
    username: &str,
) -> anyhow::Result<url::Url> {
    world.flow = Default::default();
    world.oauth = Default::default();
    world.send(world.http.get(authorize_url.as_str())).await?;
    redirect::expect_sign_in_page(world)?;
    flow::continue_flow(world, None, None, Challenge::Missing).await?;
    let password = catalog::password(world, username)?.to_owned();
    let action = flow::submit_action(world);
    let inputs = Map::from_iter([
        ("username".to_owned(), Value::from(username)),
        ("password".to_owned(), Value::from(password)),
    ]);
    flow::continue_flow(world, action.as_deref(), Some(inputs), Challenge::Current).await?;
    let assertion = world.flow.assertion.clone().with_context(|| {
        format!(
            "{username} did not sign in: {:?}",
            world.last.as_ref().map(|l| &l.body)
        )
    })?;
    let auth_id = world.oauth.auth_id.clone().context("no authId")?;
    redirect::callback(world, &auth_id, &assertion).await?;
    world
        .oauth
        .client_redirect
        .clone()
        .context("the callback did not send the browser back to the app")
}

#[when(expr = "the client starts a redirect sign-in and {string} signs in on the sign-in page")]
async fn redirect_sign_in(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    let request = state(world)?
        .client
        .authorize_url(AuthorizeOptions::default())
        .await?;
    let back = browser_signs_in(world, &request.url, &username).await?;
    let st = state(world)?;
    st.pending = Some(request.pending);
    world.vars.insert("callback".into(), back.to_string());
    Ok(())
}

/// Hand the callback URL to the client; keep the tokens or the error.
async fn finish(world: &mut ConformanceWorld, callback: String) -> anyhow::Result<()> {
    let st = state(world)?;
    let pending = st.pending.take().context("no sign-in in progress")?;
    match st.client.handle_callback(pending, &callback).await {
        Ok(tokens) => {
            st.tokens = Some(tokens);
            st.outcome = Some(Ok(()));
        }
        Err(error) => st.outcome = Some(Err(format!("{error:?}"))),
    }
    Ok(())
}

#[when("the browser returns to the app")]
async fn browser_returns(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let callback = world.vars.get("callback").cloned().context("no callback")?;
    finish(world, callback).await
}

#[when(expr = "the browser returns to the app with the {word} parameter {string}")]
async fn browser_returns_changed(
    world: &mut ConformanceWorld,
    name: String,
    value: String,
) -> anyhow::Result<()> {
    let callback = world.vars.get("callback").cloned().context("no callback")?;
    let mut url = url::Url::parse(&callback)?;
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .filter(|(k, _)| k != &name)
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    if value != "(absent)" {
        url.query_pairs_mut().append_pair(&name, &value);
    }
    finish(world, url.to_string()).await
}

#[when(expr = "{string} has signed in through the Rust client")]
#[given(expr = "{string} has signed in through the Rust client")]
async fn signed_in_through_client(
    world: &mut ConformanceWorld,
    username: String,
) -> anyhow::Result<()> {
    redirect_sign_in(world, username).await?;
    browser_returns(world).await?;
    match &state(world)?.outcome {
        Some(Ok(())) => Ok(()),
        other => bail!("the client's sign-in failed: {other:?}"),
    }
}

#[then(expr = "the client holds a validated ID token for {string}")]
async fn holds_id_token(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    let user_id = catalog::user(world, &username)?.id.clone();
    let st = state(world)?;
    ensure!(
        st.outcome == Some(Ok(())),
        "the client refused the sign-in: {:?}",
        st.outcome
    );
    let tokens = st.tokens.as_ref().context("no tokens")?;
    let claims = tokens
        .id_token_claims
        .as_ref()
        .context("the client kept no validated ID token claims")?;
    ensure!(
        claims.registered.subject.as_deref() == Some(user_id.as_str()),
        "expected sub {user_id}, got {:?}",
        claims.registered.subject
    );
    ensure!(
        claims.nonce.is_some(),
        "the ID token of a redirect sign-in carries the nonce"
    );
    Ok(())
}

fn id_token(world: &mut ConformanceWorld) -> anyhow::Result<IdToken> {
    state(world)?
        .tokens
        .as_ref()
        .and_then(|t| t.id_token.clone())
        .context("the client holds no ID token")
}

async fn validate(
    world: &mut ConformanceWorld,
    token: IdToken,
    nonce: Option<String>,
) -> anyhow::Result<()> {
    let st = state(world)?;
    let result = st.client.validate_id_token(&token, nonce.as_deref()).await;
    st.outcome = Some(result.map(|_| ()).map_err(|e| format!("{e:?}")));
    Ok(())
}

fn sent_nonce(world: &mut ConformanceWorld) -> anyhow::Result<Option<String>> {
    Ok(state(world)?
        .tokens
        .as_ref()
        .and_then(|t| t.id_token_claims.as_ref())
        .and_then(|c| c.nonce.clone()))
}

#[when("the client validates the ID token again")]
async fn validates_again(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let token = id_token(world)?;
    let nonce = sent_nonce(world)?;
    validate(world, token, nonce).await
}

#[when(expr = "the client validates the ID token expecting the nonce {string}")]
async fn validates_nonce(world: &mut ConformanceWorld, nonce: String) -> anyhow::Result<()> {
    let token = id_token(world)?;
    validate(world, token, Some(nonce)).await
}

#[when("the client validates the ID token with its signature tampered with")]
async fn validates_tampered(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let token = IdToken::new(tamper(id_token(world)?.secret()));
    let nonce = sent_nonce(world)?;
    validate(world, token, nonce).await
}

/// The ID token re-encoded with another header (`alg`, `kid`) and its original signature.
fn reheader(token: &IdToken, header: &Value) -> anyhow::Result<IdToken> {
    let parts: Vec<&str> = token.secret().split('.').collect();
    let [_, payload, signature] = parts.as_slice() else {
        bail!("the ID token is not a compact JWS");
    };
    let header = URL_SAFE_NO_PAD.encode(header.to_string());
    Ok(IdToken::new(format!("{header}.{payload}.{signature}")))
}

#[when(expr = "the client validates the ID token re-signed with the algorithm {string}")]
async fn validates_alg(world: &mut ConformanceWorld, alg: String) -> anyhow::Result<()> {
    let token = reheader(&id_token(world)?, &json!({ "alg": alg, "typ": "JWT" }))?;
    let nonce = sent_nonce(world)?;
    validate(world, token, nonce).await
}

#[when(expr = "the client validates the ID token under the key id {string}")]
async fn validates_kid(world: &mut ConformanceWorld, kid: String) -> anyhow::Result<()> {
    let token = reheader(
        &id_token(world)?,
        &json!({ "alg": "RS256", "typ": "JWT", "kid": kid }),
    )?;
    let nonce = sent_nonce(world)?;
    validate(world, token, nonce).await
}

#[when(expr = "the client's clock moves {int} seconds forward")]
async fn clock_moves(world: &mut ConformanceWorld, seconds: u64) -> anyhow::Result<()> {
    state(world)?.clock.advance(Duration::from_secs(seconds));
    Ok(())
}

#[when(expr = "a Rust client for {string} validates that ID token")]
async fn other_client_validates(world: &mut ConformanceWorld, name: String) -> anyhow::Result<()> {
    let token = id_token(world)?;
    let nonce = sent_nonce(world)?;
    let (client, _) = client_for(world, &name).await?;
    let result = client.validate_id_token(&token, nonce.as_deref()).await;
    state(world)?.outcome = Some(result.map(|_| ()).map_err(|e| format!("{e:?}")));
    Ok(())
}

#[when("the client verifies the app-native assertion")]
async fn verifies_assertion(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let assertion = world.flow.assertion.clone().context("no assertion")?;
    let st = state(world)?;
    let result = st
        .client
        .verify_assertion(&thunderid_client::protocol::secret::Assertion::new(
            assertion,
        ))
        .await;
    st.outcome = Some(result.map(|_| ()).map_err(|e| format!("{e:?}")));
    Ok(())
}

#[then("the client accepts it")]
async fn accepts(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let outcome = state(world)?.outcome.clone();
    ensure!(
        outcome == Some(Ok(())),
        "expected the client to accept, got {outcome:?}"
    );
    Ok(())
}

#[then(expr = "the client refuses it with {word}")]
async fn refuses(world: &mut ConformanceWorld, variant: String) -> anyhow::Result<()> {
    let outcome = state(world)?.outcome.clone();
    let Some(Err(error)) = outcome else {
        bail!("expected the client to refuse with {variant}, got {outcome:?}");
    };
    // The error's debug form names the failed check, e.g. `IdToken(BadSignature)`.
    let names_it = error.match_indices(&variant).any(|(i, _)| {
        let before = error[..i].chars().next_back();
        let after = error[i + variant.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    });
    ensure!(
        names_it,
        "expected the client to refuse with {variant}, got {error}"
    );
    Ok(())
}

fn sessions(world: &mut ConformanceWorld) -> anyhow::Result<SessionManager> {
    state(world)?
        .sessions
        .clone()
        .context("the client has no session facade")
}

fn session(world: &mut ConformanceWorld) -> anyhow::Result<SessionToken> {
    state(world)?.session.clone().context("no session yet")
}

#[when(expr = "{string} signs in by redirect through the session facade")]
#[given(expr = "{string} signs in by redirect through the session facade")]
async fn facade_redirect(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    let manager = sessions(world)?;
    let outcome = manager
        .sign_in(SignInRequest::Redirect(AuthorizeOptions::default()))
        .await?;
    let SignInOutcome::Redirect { url, temp_session } = outcome else {
        bail!("a redirect sign-in should answer with a URL, got {outcome:?}");
    };
    let back = browser_signs_in(world, &url, &username).await?;
    let signed_in = manager
        .complete_sign_in(&temp_session, back.as_str())
        .await?;
    state(world)?.session = Some(signed_in.session_token);
    Ok(())
}

#[when(expr = "{string} signs in app-natively through the session facade")]
#[given(expr = "{string} signs in app-natively through the session facade")]
async fn facade_flow(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    let manager = sessions(world)?;
    let password = catalog::password(world, &username)?.to_owned();
    let first = manager
        .sign_in(SignInRequest::Flow(FlowRequest::Start(
            FlowStart::authentication(),
        )))
        .await?;
    let SignInOutcome::Flow { step, flow } = first else {
        bail!("the first step should ask for input, got {first:?}");
    };
    ensure!(
        matches!(step, FlowStep::Incomplete { .. }),
        "expected an INCOMPLETE step, got {step:?}"
    );
    let inputs = BTreeMap::from([
        ("username".to_owned(), username.clone()),
        ("password".to_owned(), password),
    ]);
    let second = manager
        .sign_in(SignInRequest::Flow(FlowRequest::Continue {
            flow,
            action: Some("action_001".to_owned()),
            inputs,
        }))
        .await?;
    let SignInOutcome::SignedIn(signed_in) = second else {
        bail!("the credentials should sign {username} in, got {second:?}");
    };
    state(world)?.session = Some(signed_in.session_token);
    Ok(())
}

#[then(expr = "the session is signed in as {string}")]
async fn session_signed_in(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    let user_id = catalog::user(world, &username)?.id.clone();
    let manager = sessions(world)?;
    let token = session(world)?;
    ensure!(
        manager.is_signed_in(&token).await,
        "the session is not signed in"
    );
    let payload = manager
        .session_payload(&token)
        .await
        .context("no session payload")?;
    ensure!(
        payload.sub == user_id,
        "expected the session's sub {user_id}, got {}",
        payload.sub
    );
    ensure!(
        manager.access_token(&token).await.is_some(),
        "a signed-in session holds an access token"
    );
    Ok(())
}

#[then("the session is signed out")]
async fn session_signed_out(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let manager = sessions(world)?;
    let token = session(world)?;
    ensure!(
        !manager.is_signed_in(&token).await,
        "the session is still signed in"
    );
    Ok(())
}

#[when("the app refreshes the session")]
async fn refresh_session(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let manager = sessions(world)?;
    let token = session(world)?;
    let refreshed = manager.refresh_token(&token).await?;
    let now = state(world)?.client.now();
    ensure!(
        refreshed.expires_at > now,
        "the refreshed session expires at {} (now {now})",
        refreshed.expires_at
    );
    state(world)?.session = Some(refreshed.session_token);
    Ok(())
}

#[when("the session cookie is tampered with")]
async fn tamper_session(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let token = session(world)?;
    state(world)?.session = Some(SessionToken::new(tamper(token.secret())));
    Ok(())
}

#[when("the app signs the session out")]
async fn sign_out(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let manager = sessions(world)?;
    let token = session(world)?;
    let url = manager.sign_out(&token).await?;
    state(world)?.sign_out_url = url.map(|u| u.url);
    Ok(())
}

#[then("the sign-out URL names the ID token and the post-logout redirect URI")]
async fn sign_out_url(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let expected_endpoint = world.url("/oauth2/logout");
    let app = catalog::current_application(world)?;
    let post_logout = catalog::oauth(app)?
        .post_logout_redirect_uris
        .first()
        .cloned()
        .context("the app registers no post-logout redirect URI")?;
    let url = state(world)?
        .sign_out_url
        .clone()
        .context("the sign-out gave no URL")?;
    ensure!(
        url.as_str().starts_with(&expected_endpoint),
        "expected the end-session endpoint {expected_endpoint}, got {url}"
    );
    ensure!(
        query_param(&url, "id_token_hint").is_some(),
        "no id_token_hint in {url}"
    );
    ensure!(
        query_param(&url, "post_logout_redirect_uri").as_deref() == Some(post_logout.as_str()),
        "expected post_logout_redirect_uri {post_logout} in {url}"
    );
    // The server accepts the URL the client built.
    world.send(world.http.get(url.as_str())).await?;
    let location = world.last()?.location()?;
    ensure!(
        location.path() == "/gate/signout",
        "the end-session endpoint should send the browser to the sign-out page, got {location}"
    );
    Ok(())
}

#[then(expr = "the session's user has {string} set to {string}")]
async fn session_user(
    world: &mut ConformanceWorld,
    name: String,
    value: String,
) -> anyhow::Result<()> {
    let manager = sessions(world)?;
    let token = session(world)?;
    let user = manager.get_user(&token).await?;
    let actual = user.get(&name).and_then(Value::as_str);
    ensure!(
        actual == Some(value.as_str()),
        "expected the user's {name} {value:?}, got {actual:?} in {user:?}"
    );
    Ok(())
}

#[when(expr = "the app changes the session user's {string} to {string}")]
async fn change_session_user(
    world: &mut ConformanceWorld,
    name: String,
    value: String,
) -> anyhow::Result<()> {
    let manager = sessions(world)?;
    let token = session(world)?;
    let profile = manager.get_user_profile(&token).await?;
    let mut attributes = profile.profile.user.attributes.clone().unwrap_or_default();
    attributes.insert(name, Value::from(value));
    manager.update_user_profile(&token, attributes).await?;
    Ok(())
}
