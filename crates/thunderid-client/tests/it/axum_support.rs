//! The harness of the axum endpoint tests: an app serving `thunderid_client::axum`'s handlers on
//! port 0 against the in-process mock, and a browser-like HTTP client (no redirects followed, a
//! cookie jar).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Context, Result, bail, ensure};
use axum::Router;
use axum::routing::{get, post};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use thunderid_client::axum::{
    Mode, Session, ThunderId, ThunderIdBuilder, handle_flow, handle_sign_in, handle_sign_out,
    protect,
};

use crate::support::{Env, WEB_APP};

/// The paths of the app's endpoints (as in seed 001).
pub const FLOW: &str = "/flow/sign-in";

/// One response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Result<Value> {
        serde_json::from_str(&self.body)
            .with_context(|| format!("not JSON (status {}): {}", self.status, self.body))
    }

    pub fn location(&self) -> Result<&str> {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .with_context(|| format!("no Location (status {}): {}", self.status, self.body))
    }

    /// The `Set-Cookie` values, in order.
    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }

    /// The `Set-Cookie` of cookie `name`.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies()
            .into_iter()
            .find(|c| c.split_once('=').is_some_and(|(n, _)| n == name))
    }
}

/// A running app and a browser pointed at it.
pub struct WebApp {
    pub env: Env,
    pub thunder: ThunderId,
    pub base: String,
    http: reqwest::Client,
    /// The browser's cookies for the app.
    pub jar: BTreeMap<String, String>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for WebApp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The app under test: the three endpoints and a protected `/account`.
pub fn router(thunder: &ThunderId) -> Router {
    let account = Router::new()
        .route(
            "/account",
            get(|session: Session| async move {
                axum::Json(json!({"sub": session.claims.sub, "scopes": session.claims.scopes}))
            }),
        )
        .route_layer(axum::middleware::from_fn(protect));
    Router::new()
        .merge(account)
        .merge(endpoints())
        .layer(thunder.layer())
}

/// The three endpoints, without the layer.
pub fn endpoints() -> Router {
    Router::new()
        .route(FLOW, post(handle_flow))
        .route("/login", get(handle_sign_in))
        .route("/logout", get(handle_sign_out))
}

/// sample-web in embedded mode on the mock's clock.
pub fn thunder(env: &Env) -> Result<ThunderIdBuilder> {
    let clock = Arc::new(env.server.clock_fn());
    Ok(ThunderId::from_config(env.web_config()?)
        .clock(clock)
        .mode(Mode::Embedded))
}

impl WebApp {
    /// sample-web, embedded, on the bundled fixtures.
    pub async fn start() -> Result<Self> {
        let env = Env::start().await?;
        let thunder = thunder(&env)?.build();
        Self::serve(env, thunder.clone(), router(&thunder)).await
    }

    /// `router` (built around `thunder`) against `env`.
    pub async fn serve(env: Env, thunder: ThunderId, router: Router) -> Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let base = format!("http://{}", listener.local_addr()?);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            env,
            thunder,
            base,
            http,
            jar: BTreeMap::new(),
            task,
        })
    }

    /// `POST /flow/sign-in` with `body`.
    pub async fn post_flow(&mut self, body: &Value) -> Result<Reply> {
        let request = self
            .http
            .post(format!("{}{FLOW}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        self.send(request).await
    }

    /// `POST` of a raw body to `path`.
    pub async fn post_raw(&mut self, path: &str, body: &str) -> Result<Reply> {
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_owned());
        self.send(request).await
    }

    /// `GET` of an app path (`/login?…`) or an absolute URL (cookies go only to the app).
    pub async fn get(&mut self, path_or_url: &str) -> Result<Reply> {
        let url = if path_or_url.starts_with('/') {
            format!("{}{path_or_url}", self.base)
        } else {
            path_or_url.to_owned()
        };
        let request = self.http.get(url);
        self.send(request).await
    }

    async fn send(&mut self, mut request: reqwest::RequestBuilder) -> Result<Reply> {
        let probe = request
            .try_clone()
            .context("a cloneable request")?
            .build()?;
        if probe.url().as_str().starts_with(&self.base) && !self.jar.is_empty() {
            let cookie = self
                .jar
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ");
            request = request.header("cookie", cookie);
        }
        let response = request.send().await?;
        let reply = Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await?,
        };
        for cookie in reply.set_cookies() {
            let pair = cookie.split(';').next().unwrap_or_default();
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            if value.is_empty() || cookie.contains("Max-Age=0") {
                self.jar.remove(name);
            } else {
                self.jar.insert(name.to_owned(), value.to_owned());
            }
        }
        Ok(reply)
    }

    /// Starts the embedded sign-in as the seed's page does; the 200 answer.
    pub async fn start_flow(&mut self) -> Result<Value> {
        let reply = self
            .post_flow(&json!({"applicationId": WEB_APP, "flowType": "SIGN_IN"}))
            .await?;
        ensure!(
            reply.status == 200,
            "start: {} {}",
            reply.status,
            reply.body
        );
        reply.json()
    }

    /// The next step: `{executionId, challengeToken, authId}` of `previous`, plus `action`, `inputs`.
    pub async fn step(
        &mut self,
        previous: &Value,
        action: Option<&str>,
        inputs: Value,
    ) -> Result<Reply> {
        let mut body = json!({
            "executionId": previous["executionId"],
            "challengeToken": previous["challengeToken"],
            "authId": previous["authId"],
            "inputs": inputs,
        });
        if let Some(action) = action {
            body["action"] = json!(action);
        }
        self.post_flow(&body).await
    }

    /// Signs thor in through the embedded flow; returns the `/login` reply.
    pub async fn sign_in(&mut self) -> Result<Reply> {
        let view = self.start_flow().await?;
        let reply = self
            .step(
                &view,
                Some("action_001"),
                json!({"username": "thor", "password": "Thor@12345"}),
            )
            .await?;
        let done = reply.json()?;
        let Some(redirect) = done["redirectUrl"].as_str() else {
            bail!("expected done, got {done}");
        };
        self.get(redirect).await
    }
}

/// Every component of a tree, depth first.
pub fn flatten(components: &Value) -> Vec<&Value> {
    let mut all = Vec::new();
    for component in components.as_array().into_iter().flatten() {
        all.push(component);
        all.extend(flatten(&component["components"]));
    }
    all
}

/// The sorted keys of a JSON object.
pub fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    keys
}
