//! The `@app` profile: a web app's embedded sign-in endpoints (seed 001) driven over HTTP the way
//! its sign-in page and the browser would: `POST /flow/sign-in`, `GET /login`, `GET /logout`, and a
//! protected page.
//!
//! By default each scenario starts the example app (`examples/axum-embedded`) in-process on port 0,
//! against the scenario's server. With `--app URL` the scenarios talk to that app instead (an
//! Express app built with the JavaScript SDK, for instance), which must be configured for the
//! bundled `sample-web` application and expose the same paths: `/flow/sign-in`, `/login`,
//! `/logout`, a protected `/account`, and for the failure scenarios (tagged `@app-misconfigured`)
//! copies of the endpoints under `/misconfigured/no-layer` (no SDK middleware) and
//! `/misconfigured/no-base-url` (an empty base URL).
//!
//! The steps keep a cookie jar for the app's origin; every response lands in
//! [`ConformanceWorld::last`], so the generic `the response status is {int}` step applies too.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use anyhow::{Context, ensure};
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use serde_json::{Value, json};

use crate::catalog;
use crate::world::{ConformanceWorld, Exchange};

/// The app chosen with `--app URL` for the whole run (`None`: the in-process example app).
pub static REMOTE_APP: OnceLock<Option<String>> = OnceLock::new();

/// The app-side sign-in endpoint of seed 001.
const FLOW_PATH: &str = "/flow/sign-in";

/// The app a scenario drives, and what the browser holds for it.
#[derive(Debug)]
pub struct AppUnderTest {
    base_url: String,
    /// The in-process example app; dropping it stops it.
    _running: Option<axum_embedded::RunningApp>,
    /// The browser's cookies for the app (name → value).
    jar: BTreeMap<String, String>,
    /// The last 200 view answer of `POST /flow/sign-in`, whose ids the next step sends back.
    view: Option<Value>,
    /// The challenge token of the view before it.
    previous_challenge: Option<Value>,
    /// The end-session URL the app sent the browser to.
    end_session: Option<String>,
}

impl AppUnderTest {
    /// `path` on the app; an absolute URL is kept.
    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base_url)
        }
    }

    fn cookie_header(&self) -> Option<String> {
        (!self.jar.is_empty()).then(|| {
            self.jar
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    /// Takes the response's `Set-Cookie`s into the jar (a deletion removes the cookie).
    fn store_cookies(&mut self, exchange: &Exchange) {
        for cookie in set_cookies(exchange) {
            let Some((name, value)) = cookie.split(';').next().and_then(|p| p.split_once('='))
            else {
                continue;
            };
            if value.is_empty() || is_deletion(cookie) {
                self.jar.remove(name.trim());
            } else {
                self.jar.insert(name.trim().to_owned(), value.to_owned());
            }
        }
    }
}

fn set_cookies(exchange: &Exchange) -> Vec<&str> {
    exchange
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect()
}

/// `Max-Age=0` (or negative), or an `Expires` in 1970 (Express's `res.cookie(name, null, {maxAge: 0})`
/// writes both).
fn is_deletion(cookie: &str) -> bool {
    cookie.split(';').skip(1).any(|attribute| {
        let (name, value) = attribute.split_once('=').unwrap_or((attribute, ""));
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
        (name == "max-age" && value.parse::<i64>().is_ok_and(|age| age <= 0))
            || (name == "expires" && value.contains("1970"))
    })
}

fn web_app(world: &mut ConformanceWorld) -> anyhow::Result<&mut AppUnderTest> {
    world
        .web_app
        .as_mut()
        .context("no app: start the scenario with `Given the web app is running`")
}

/// Sends `method path` to the app with the browser's cookies; keeps the response as `last`.
async fn send(
    world: &mut ConformanceWorld,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> anyhow::Result<()> {
    let app = web_app(world)?;
    let (url, cookie) = (app.url(path), app.cookie_header());
    let mut request = world.http.request(method, url);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    world.send(request).await?;
    let exchange = world.last()?.clone();
    web_app(world)?.store_cookies(&exchange);
    Ok(())
}

/// `POST /flow/sign-in`; a 200 view becomes the one the next step continues.
async fn post_flow(world: &mut ConformanceWorld, path: &str, body: Value) -> anyhow::Result<()> {
    send(world, reqwest::Method::POST, path, Some(body)).await?;
    let last = world.last()?;
    if last.status == 200 {
        let answer = last.json()?;
        if answer.get("executionId").is_some() {
            let app = web_app(world)?;
            app.previous_challenge = app.view.as_ref().map(|v| v["challengeToken"].clone());
            app.view = Some(answer);
        }
    }
    Ok(())
}

/// The first request of seed 001.
fn start_body(world: &ConformanceWorld) -> anyhow::Result<Value> {
    let application_id = catalog::application(world, "sample-web")?.id.clone();
    Ok(json!({"applicationId": application_id, "flowType": "SIGN_IN"}))
}

/// Every component of a tree, depth first.
fn components(tree: &Value) -> Vec<&Value> {
    let mut all = Vec::new();
    for component in tree.as_array().into_iter().flatten() {
        all.push(component);
        all.extend(components(&component["components"]));
    }
    all
}

/// The `ref` of the first input component of `kind`.
fn input_ref<'v>(view: &'v Value, kind: &str) -> anyhow::Result<&'v str> {
    components(&view["components"])
        .into_iter()
        .find(|c| c["type"] == kind)
        .and_then(|c| c["ref"].as_str())
        .with_context(|| format!("the form has no {kind}: {view}"))
}

/// What the page does on submit: the ids of the last view, the chosen action, the inputs.
async fn submit(
    world: &mut ConformanceWorld,
    username: &str,
    password: &str,
) -> anyhow::Result<()> {
    let view = web_app(world)?
        .view
        .clone()
        .context("no sign-in form yet: start the embedded sign-in first")?;
    let action = components(&view["components"])
        .into_iter()
        .find(|c| c["type"] == "ACTION")
        .and_then(|c| c["id"].as_str())
        .with_context(|| format!("the form offers no action: {view}"))?
        .to_owned();
    let mut inputs = serde_json::Map::new();
    inputs.insert(input_ref(&view, "TEXT_INPUT")?.to_owned(), json!(username));
    inputs.insert(
        input_ref(&view, "PASSWORD_INPUT")?.to_owned(),
        json!(password),
    );
    let body = json!({
        "executionId": view["executionId"],
        "challengeToken": view["challengeToken"],
        "authId": view["authId"],
        "action": action,
        "inputs": inputs,
    });
    post_flow(world, FLOW_PATH, body).await
}

fn last_json(world: &ConformanceWorld) -> anyhow::Result<Value> {
    let last = world.last()?;
    ensure!(
        last.status == 200,
        "expected 200, got {}: {}",
        last.status,
        last.body
    );
    last.json()
}

/// Path and query of `url` (the app's own URLs come back absolute from the server).
fn path_and_query(url: &str) -> anyhow::Result<String> {
    let parsed = url::Url::parse(url).with_context(|| format!("{url:?} is not a URL"))?;
    Ok(match parsed.query() {
        Some(query) => format!("{}?{query}", parsed.path()),
        None => parsed.path().to_owned(),
    })
}

#[given("the web app is running")]
async fn web_app_running(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let app = match REMOTE_APP.get().cloned().flatten() {
        Some(url) => AppUnderTest {
            base_url: url.trim_end_matches('/').to_owned(),
            _running: None,
            jar: BTreeMap::new(),
            view: None,
            previous_challenge: None,
            end_session: None,
        },
        None => {
            let settings = axum_embedded::Settings {
                base_url: world.target.base_url().to_owned(),
                ..axum_embedded::Settings::default()
            };
            let running = axum_embedded::spawn(axum_embedded::app(&settings)).await?;
            AppUnderTest {
                base_url: running.base_url(),
                _running: Some(running),
                jar: BTreeMap::new(),
                view: None,
                previous_challenge: None,
                end_session: None,
            }
        }
    };
    world.web_app = Some(app);
    Ok(())
}

#[given(expr = "the server's sign-in flow requires usernames of at least {int} characters")]
async fn username_rule(world: &mut ConformanceWorld, length: u32) -> anyhow::Result<()> {
    let mut changed = false;
    for flow in &mut world.fixtures.flows {
        let mut value = serde_json::to_value(&*flow)?;
        if value["handle"] != "default-flow" || value["flowType"] != "AUTHENTICATION" {
            continue;
        }
        for node in value["nodes"].as_array_mut().into_iter().flatten() {
            if node["id"] == "prompt_credentials" {
                node["prompts"][0]["inputs"][0]["validation"] = json!([{
                    "type": "minLength",
                    "value": length,
                    "message": format!("at least {length} characters"),
                }]);
                changed = true;
            }
        }
        *flow = serde_json::from_value(value)?;
    }
    ensure!(changed, "the fixtures have no default sign-in prompt");
    world.restart_with_fixtures().await?;
    // The in-process app follows the restarted server.
    if world.web_app.take().is_some() {
        web_app_running(world).await?;
    }
    Ok(())
}

#[when("the browser starts the embedded sign-in")]
async fn starts_embedded_sign_in(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let body = start_body(world)?;
    post_flow(world, FLOW_PATH, body).await
}

#[when(expr = "the browser starts the embedded sign-in at {string}")]
async fn starts_embedded_sign_in_at(
    world: &mut ConformanceWorld,
    path: String,
) -> anyhow::Result<()> {
    let body = start_body(world)?;
    post_flow(world, &path, body).await
}

#[when("the browser posts to the embedded sign-in:")]
async fn posts_embedded_sign_in(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let text = step
        .docstring
        .as_deref()
        .context("the step needs a doc string")?;
    let body = serde_json::from_str(text).context("the doc string is JSON")?;
    post_flow(world, FLOW_PATH, body).await
}

#[when(expr = "the browser signs in to the web app as {string}")]
async fn signs_in_as(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    let password = world
        .passwords
        .get(&username)
        .with_context(|| format!("no password for {username}"))?
        .clone();
    submit(world, &username, &password).await
}

#[when(expr = "the browser submits the username {string} and the password {string} to the web app")]
async fn submits_to_web_app(
    world: &mut ConformanceWorld,
    username: String,
    password: String,
) -> anyhow::Result<()> {
    submit(world, &username, &password).await
}

#[when("the browser continues an execution the server does not know")]
async fn continues_unknown_execution(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let view = web_app(world)?.view.clone().unwrap_or_default();
    let body = json!({
        "executionId": "01900000-0000-7000-8000-00000000dead",
        "challengeToken": view["challengeToken"],
        "authId": view["authId"],
        "action": "action_001",
        "inputs": {},
    });
    post_flow(world, FLOW_PATH, body).await
}

#[when("the browser navigates to the redirect")]
async fn navigates_to_redirect(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let answer = world.last()?.json()?;
    let redirect = answer["redirectUrl"]
        .as_str()
        .with_context(|| format!("no redirectUrl in {answer}"))?
        .to_owned();
    send(world, reqwest::Method::GET, &redirect, None).await
}

#[when(expr = "the browser opens {string} on the web app")]
async fn opens(world: &mut ConformanceWorld, path: String) -> anyhow::Result<()> {
    send(world, reqwest::Method::GET, &path, None).await
}

#[when("the browser signs out of the web app")]
async fn signs_out(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    send(world, reqwest::Method::GET, "/logout", None).await?;
    let location = world.last()?.location()?;
    web_app(world)?.end_session = Some(location.to_string());
    Ok(())
}

/// What the server's sign-out page does, then the browser's return to the app.
#[when("the server's sign-out page sends the browser back to the web app")]
async fn sign_out_page_returns(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let end_session = web_app(world)?
        .end_session
        .clone()
        .context("the browser has not been sent to sign out")?;
    let gate = world.send(world.http.get(&end_session)).await?.location()?;
    let param = |name: &str| {
        gate.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
            .with_context(|| format!("no {name} in the sign-out page URL {gate}"))
    };
    let (execution_id, logout_id) = (param("executionId")?, param("logoutId")?);
    let origin = gate.origin().ascii_serialization();
    let flow = world
        .http
        .post(format!("{origin}/flow/execute"))
        .json(&json!({"executionId": execution_id}));
    let flow = world.send(flow).await?.json()?;
    ensure!(
        flow["flowStatus"] == "COMPLETE",
        "the sign-out flow: {flow}"
    );
    let callback = world
        .http
        .post(format!("{origin}/oauth2/logout/callback"))
        .json(&json!({"logoutId": logout_id}));
    let callback = world.send(callback).await?.json()?;
    let back = callback["redirect_uri"]
        .as_str()
        .with_context(|| format!("no redirect_uri in {callback}"))?;
    let back = path_and_query(back)?;
    send(world, reqwest::Method::GET, &back, None).await
}

#[then("the web app shows the sign-in form")]
async fn shows_form(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let answer = last_json(world)?;
    for key in ["executionId", "challengeToken", "authId"] {
        ensure!(
            answer[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key} is missing or empty in {answer}"
        );
    }
    ensure!(answer["flowStatus"] == "INCOMPLETE", "flowStatus: {answer}");
    input_ref(&answer, "TEXT_INPUT")?;
    input_ref(&answer, "PASSWORD_INPUT")?;
    ensure!(
        components(&answer["components"])
            .iter()
            .any(|c| c["type"] == "ACTION"),
        "no ACTION component in {answer}"
    );
    Ok(())
}

#[then(expr = "the web app passes the flow error {string} through with a fresh challenge token")]
async fn passes_error_through(world: &mut ConformanceWorld, code: String) -> anyhow::Result<()> {
    shows_form(world).await?;
    let answer = last_json(world)?;
    ensure!(
        answer["error"]["code"] == code.as_str(),
        "expected error {code} next to flowStatus, got {answer}"
    );
    let previous = web_app(world)?.previous_challenge.clone();
    ensure!(
        previous.as_ref() != Some(&answer["challengeToken"]),
        "the challenge token was not rotated"
    );
    Ok(())
}

#[then(expr = "the web app reports a field error for {string}")]
async fn reports_field_error(
    world: &mut ConformanceWorld,
    identifier: String,
) -> anyhow::Result<()> {
    let answer = last_json(world)?;
    let found = answer["fieldErrors"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|e| e["identifier"] == identifier.as_str() && e["message"].is_string());
    ensure!(found, "no field error for {identifier} in {answer}");
    Ok(())
}

#[then("the web app answers done with a redirect to its login path")]
async fn answers_done(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let answer = last_json(world)?;
    let keys: Vec<&String> = answer
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    ensure!(
        answer["done"] == true && keys.len() == 2,
        "expected exactly {{done: true, redirectUrl}}, got {answer}"
    );
    let redirect = answer["redirectUrl"].as_str().context("no redirectUrl")?;
    let absolute = url::Url::parse("http://app.invalid/")?.join(redirect)?;
    ensure!(
        absolute.path() == "/login",
        "redirectUrl {redirect} is not /login"
    );
    for name in ["code", "state"] {
        ensure!(
            absolute
                .query_pairs()
                .any(|(key, value)| key == name && !value.is_empty()),
            "redirectUrl {redirect} has no {name}"
        );
    }
    Ok(())
}

#[then("the web app sets an HttpOnly SameSite=Lax session cookie")]
async fn sets_session_cookie(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        last.status < 400,
        "the sign-in failed with {}: {}",
        last.status,
        last.body
    );
    let lowered: Vec<String> = set_cookies(last)
        .iter()
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let session = lowered.iter().find(|cookie| {
        let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
        let valued = attributes[0]
            .split_once('=')
            .is_some_and(|(_, v)| !v.is_empty());
        valued
            && !is_deletion(cookie)
            && attributes.contains(&"httponly")
            && attributes.contains(&"samesite=lax")
    });
    ensure!(
        session.is_some(),
        "no HttpOnly SameSite=Lax cookie among {:?}",
        set_cookies(last)
    );
    Ok(())
}

#[then(expr = "the web app answers {int} with a JSON error")]
async fn answers_json_error(world: &mut ConformanceWorld, status: u16) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        last.status == status,
        "expected {status}, got {}: {}",
        last.status,
        last.body
    );
    let body = last.json()?;
    ensure!(
        body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "expected {{\"error\": \"<message>\"}}, got {body}"
    );
    Ok(())
}

#[then(expr = "the web app names the server's error code {string}")]
async fn names_code(world: &mut ConformanceWorld, code: String) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    ensure!(
        body["code"] == code.as_str(),
        "expected code {code}, got {body}"
    );
    Ok(())
}

#[then(
    "the web app clears the session cookie and sends the browser to the server's end-session endpoint"
)]
async fn clears_and_ends_session(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        matches!(last.status, 302 | 303),
        "expected a redirect, got {}: {}",
        last.status,
        last.body
    );
    let location = last.location()?;
    ensure!(
        location.path().ends_with("/oauth2/logout"),
        "expected the end-session endpoint, got {location}"
    );
    ensure!(
        set_cookies(last).iter().any(|cookie| is_deletion(cookie)),
        "no cookie deleted among {:?}",
        set_cookies(last)
    );
    Ok(())
}

#[then("the browser lands on the web app")]
async fn lands(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        (200..400).contains(&last.status),
        "expected to land on the app, got {}: {}",
        last.status,
        last.body
    );
    Ok(())
}
