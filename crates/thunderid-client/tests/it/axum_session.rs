//! `GET /login`, `GET /logout` and `protect`: the session cookie, the callback's checks, sign-out
//! through the end-session endpoint and back.

use anyhow::{Context, Result};
use serde_json::{Value, json};
use thunderid_client::axum::ThunderId;

use crate::axum_support::{WebApp, endpoints, keys, router, thunder};
use crate::support::{EPOCH, Env, THOR_ID, form, header, param};

#[tokio::test]
async fn login_exchanges_the_code_and_sets_an_http_only_same_site_lax_session_cookie() -> Result<()>
{
    let mut app = WebApp::start().await?;
    let reply = app.sign_in().await?;
    assert_eq!((reply.status, reply.location()?), (302, "/"));
    let cookie = reply
        .set_cookie("__thunderid__session")
        .context("a session cookie")?;
    assert_eq!(
        cookie.split_once(';').map(|(_, attributes)| attributes),
        Some(" Path=/; Max-Age=3600; HttpOnly; SameSite=Lax")
    );
    // The code went with client_secret_basic and the PKCE verifier kept for the state.
    let token = app.env.requests("/oauth2/token");
    let sent = form(&token[0].body);
    assert_eq!(
        sent.get("grant_type").map(String::as_str),
        Some("authorization_code")
    );
    assert_eq!(sent.get("code_verifier").map(String::len), Some(43));
    assert_eq!(
        header(&token[0], "authorization").map(|h| h.starts_with("Basic ")),
        Some(true)
    );
    let account = app.get("/account").await?;
    assert_eq!(
        (account.status, account.json()?),
        (200, json!({"sub": THOR_ID, "scopes": "openid profile"}))
    );
    let session = app
        .thunder
        .session(&cookie_headers(&app)?)
        .await
        .context("a session")?;
    assert_eq!(
        (session.claims.iat, session.claims.exp),
        (EPOCH, EPOCH + 3600)
    );
    Ok(())
}

fn cookie_headers(app: &WebApp) -> Result<axum::http::HeaderMap> {
    let mut headers = axum::http::HeaderMap::new();
    let cookie = app
        .jar
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("; ");
    headers.insert("cookie", cookie.parse()?);
    Ok(headers)
}

/// The `/login?…` of a completed embedded sign-in, without following it.
async fn completed_sign_in(app: &mut WebApp) -> Result<String> {
    let view = app.start_flow().await?;
    let done = app
        .step(
            &view,
            Some("action_001"),
            json!({"username": "thor", "password": "Thor@12345"}),
        )
        .await?
        .json()?;
    Ok(done["redirectUrl"]
        .as_str()
        .context("a redirect")?
        .to_owned())
}

#[tokio::test]
async fn a_state_is_good_for_one_sign_in() -> Result<()> {
    let mut app = WebApp::start().await?;
    let login = completed_sign_in(&mut app).await?;
    assert_eq!(app.get(&login).await?.status, 302);
    let again = app.get(&login).await?;
    assert_eq!(
        (again.status, again.json()?),
        (
            400,
            json!({"error": "no sign-in in progress for this state: start the sign-in again"})
        )
    );
    Ok(())
}

#[tokio::test]
async fn a_sign_in_finished_in_another_browser_is_refused() -> Result<()> {
    let mut app = WebApp::start().await?;
    let login = completed_sign_in(&mut app).await?;
    app.jar.clear();
    let reply = app.get(&login).await?;
    assert_eq!(
        (reply.status, reply.json()?),
        (
            400,
            json!({"error": "this sign-in was started in another browser: start the sign-in again"})
        )
    );
    assert_eq!(reply.set_cookie("__thunderid__session"), None);
    assert_eq!(app.env.requests("/oauth2/token").len(), 0);
    Ok(())
}

#[tokio::test]
async fn a_tampered_callback_is_refused_before_the_code_is_exchanged() -> Result<()> {
    let mut app = WebApp::start().await?;
    let login = completed_sign_in(&mut app).await?;
    let absolute = format!("http://localhost:3000{login}");
    let tampered = crate::support::with_param(&absolute, "iss", Some("https://evil.example"))?;
    let tampered = tampered.trim_start_matches("http://localhost:3000");
    let reply = app.get(tampered).await?;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(keys(&reply.json()?), ["error"]);
    assert_eq!(app.env.requests("/oauth2/token").len(), 0);
    Ok(())
}

#[tokio::test]
async fn a_bare_login_starts_a_redirect_sign_in() -> Result<()> {
    let mut app = WebApp::start().await?;
    let reply = app.get("/login").await?;
    assert_eq!(reply.status, 302);
    let location = reply.location()?.to_owned();
    assert_eq!(
        url::Url::parse(&location)?.path(),
        "/oauth2/authorize",
        "{location}"
    );
    assert_eq!(
        param(&location, "client_id")?.as_deref(),
        Some("sample-web")
    );
    assert_eq!(
        param(&location, "code_challenge_method")?.as_deref(),
        Some("S256")
    );
    assert!(reply.set_cookie("__thunderid__browser").is_some());
    Ok(())
}

#[tokio::test]
async fn sign_out_ends_the_session_and_comes_back_with_its_state() -> Result<()> {
    let mut app = WebApp::start().await?;
    app.sign_in().await?;
    let session_cookie = app.jar.get("__thunderid__session").cloned();
    let reply = app.get("/logout").await?;
    assert_eq!(reply.status, 302);
    assert_eq!(
        reply.set_cookie("__thunderid__session"),
        Some("__thunderid__session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
    );
    let end_session = reply.location()?.to_owned();
    assert_eq!(
        end_session.split_once('?').map(|(endpoint, _)| endpoint),
        Some(format!("{}/oauth2/logout", app.env.base()).as_str())
    );
    assert_eq!(
        param(&end_session, "post_logout_redirect_uri")?.as_deref(),
        Some("http://localhost:3000/logout")
    );
    assert!(param(&end_session, "id_token_hint")?.is_some());
    let state = param(&end_session, "state")?.context("a state")?;

    // The old cookie no longer opens a session.
    if let Some(old) = session_cookie {
        app.jar.insert("__thunderid__session".to_owned(), old);
    }
    assert_eq!(app.get("/account").await?.status, 401);

    let back = finish_logout(&mut app, &end_session).await?;
    assert_eq!(back, format!("http://localhost:3000/logout?state={state}"));
    let landing = app.get(&format!("/logout?state={state}")).await?;
    assert_eq!((landing.status, landing.location()?), (302, "/"));
    let replay = app.get(&format!("/logout?state={state}")).await?;
    assert_eq!(
        (replay.status, replay.json()?),
        (
            400,
            json!({"error": "no sign-out in progress for this state"})
        )
    );
    Ok(())
}

/// What the server's sign-out page does: follow the end-session redirect, run the SIGNOUT flow,
/// finish the logout. Returns the post-logout redirect.
async fn finish_logout(app: &mut WebApp, end_session: &str) -> Result<String> {
    let gate = app.get(end_session).await?;
    let gate = gate.location()?.to_owned();
    let execution_id = param(&gate, "executionId")?.context("an executionId")?;
    let logout_id = param(&gate, "logoutId")?.context("a logoutId")?;
    let http = reqwest::Client::new();
    let flow: Value = http
        .post(format!("{}/flow/execute", app.env.base()))
        .json(&json!({"executionId": execution_id}))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(flow["flowStatus"], "COMPLETE", "{flow}");
    let callback: Value = http
        .post(format!("{}/oauth2/logout/callback", app.env.base()))
        .json(&json!({"logoutId": logout_id}))
        .send()
        .await?
        .json()
        .await?;
    Ok(callback["redirect_uri"]
        .as_str()
        .context("a redirect_uri")?
        .to_owned())
}

#[tokio::test]
async fn sign_out_without_a_session_just_lands() -> Result<()> {
    let mut app = WebApp::start().await?;
    app.jar.insert(
        "__thunderid__session".to_owned(),
        "forged.token.value".to_owned(),
    );
    let reply = app.get("/logout").await?;
    assert_eq!((reply.status, reply.location()?), (302, "/"));
    assert_eq!(
        reply.set_cookie("__thunderid__session"),
        Some("__thunderid__session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
    );
    Ok(())
}

#[tokio::test]
async fn protect_answers_401_or_redirects_to_the_sign_in_page() -> Result<()> {
    let mut app = WebApp::start().await?;
    let reply = app.get("/account").await?;
    assert_eq!(
        (reply.status, reply.json()?),
        (401, json!({"error": "not signed in"}))
    );

    let env = Env::start().await?;
    let thunder = thunder(&env)?.sign_in_page("/").build();
    let mut app = WebApp::serve(env, thunder.clone(), router(&thunder)).await?;
    let reply = app.get("/account").await?;
    assert_eq!((reply.status, reply.location()?), (302, "/"));
    Ok(())
}

#[tokio::test]
async fn login_and_logout_without_the_layer_answer_500() -> Result<()> {
    let env = Env::start().await?;
    let thunder: ThunderId = thunder(&env)?.build();
    let mut app = WebApp::serve(env, thunder, endpoints()).await?;
    let expected = json!({"error": "the ThunderID layer is not mounted: add .layer(thunder.layer()) to the router"});
    for path in ["/login?code=c&state=s", "/logout"] {
        let reply = app.get(path).await?;
        assert_eq!((reply.status, reply.json()?), (500, expected.clone()));
    }
    Ok(())
}
