//! An axum web app with embedded sign-in (seed 001), built on `thunderid_client::axum`:
//!
//! * `GET /`: the signed-in state, or the sign-in form, rendered in the browser from the
//!   components `POST /flow/sign-in` returns (`page.html`).
//! * `POST /flow/sign-in`, `GET /login`, `GET /logout`: the library's handlers.
//! * `GET /account`: the session's claims, behind `protect` (401 when signed out).
//! * `/misconfigured/no-layer/*` and `/misconfigured/no-base-url/*`: the same three endpoints
//!   deliberately misconfigured (no layer; an empty base URL), so that the seed's failure cases can
//!   be exercised (the conformance profile `@app` does).
//!
//! `main.rs` parses flags and serves [`app`]; tests and the conformance suite call [`spawn`].

use std::net::SocketAddr;

use axum::Router;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::{get, post};
use serde_json::json;
use thunderid_client::axum::{
    Mode, Session, ThunderId, handle_flow, handle_sign_in, handle_sign_out, protect,
};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// sample-web's application id in the bundled fixtures.
pub const SAMPLE_WEB_APPLICATION_ID: &str = "01900000-0000-7000-8000-0000000000a2";

/// Where the deliberately misconfigured copies of the endpoints live.
pub const NO_LAYER_PREFIX: &str = "/misconfigured/no-layer";
/// See [`NO_LAYER_PREFIX`].
pub const NO_BASE_URL_PREFIX: &str = "/misconfigured/no-base-url";

const PAGE: &str = include_str!("page.html");

/// The app's settings; the defaults are sample-web's against `cargo xtask mock`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The identity server.
    pub base_url: String,
    /// The OAuth client.
    pub client_id: String,
    /// Its secret.
    pub client_secret: String,
    /// The application id the page sends with its first request.
    pub application_id: String,
    /// The registered redirect URI (its path must be served by this app: `/login`).
    pub after_sign_in_url: String,
    /// The registered post-logout redirect URI (`/logout`).
    pub after_sign_out_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            base_url: "http://127.0.0.1:8090".to_owned(),
            client_id: "sample-web".to_owned(),
            client_secret: "sample-web-secret".to_owned(),
            application_id: SAMPLE_WEB_APPLICATION_ID.to_owned(),
            after_sign_in_url: "http://localhost:3000/login".to_owned(),
            after_sign_out_url: "http://localhost:3000/logout".to_owned(),
        }
    }
}

impl Settings {
    /// The ThunderID instance these settings describe (embedded mode).
    pub fn thunder(&self) -> ThunderId {
        ThunderId::builder(&self.base_url)
            .client_id(&self.client_id)
            .client_secret(&self.client_secret)
            .mode(Mode::Embedded)
            .after_sign_in_url(&self.after_sign_in_url)
            .after_sign_out_url(&self.after_sign_out_url)
            .build()
    }
}

/// The app for `settings`.
pub fn app(settings: &Settings) -> Router {
    app_with(settings.thunder(), &settings.application_id)
}

/// The app around a ready-made instance (tests pass one on their own clock).
pub fn app_with(thunder: ThunderId, application_id: &str) -> Router {
    let page = render_page(application_id);
    let account = Router::new()
        .route("/account", get(account))
        .route_layer(axum::middleware::from_fn(protect));
    let misconfigured = ThunderId::builder("").mode(Mode::Embedded).build();
    Router::new()
        .route(
            "/",
            get(move |thunder: ThunderId, headers: HeaderMap| home(thunder, headers, page.clone())),
        )
        .merge(account)
        .merge(sign_in_routes())
        .layer(thunder.layer())
        .nest(NO_LAYER_PREFIX, sign_in_routes())
        .nest(
            NO_BASE_URL_PREFIX,
            sign_in_routes().layer(misconfigured.layer()),
        )
}

/// The three endpoints of seed 001.
fn sign_in_routes() -> Router {
    Router::new()
        .route("/flow/sign-in", post(handle_flow))
        .route("/login", get(handle_sign_in))
        .route("/logout", get(handle_sign_out))
}

/// `GET /`: who is signed in, or the embedded sign-in form.
async fn home(thunder: ThunderId, headers: HeaderMap, page: String) -> Html<String> {
    let status = match thunder.session(&headers).await {
        Some(session) => format!(
            r#"<p id="status">Signed in as <code>{}</code>. <a href="/account">Account</a> · <a href="/logout">Sign out</a></p>"#,
            escape_html(&session.claims.sub)
        ),
        None => r#"<p id="status">Signed out.</p>"#.to_owned(),
    };
    Html(page.replace("<!--STATUS-->", &status))
}

/// `GET /account`: the session's claims (only signed-in browsers get here).
async fn account(session: Session) -> Response {
    let claims = &session.claims;
    Json(json!({
        "sub": claims.sub,
        "scopes": claims.scopes,
        "expiresAt": claims.exp,
    }))
    .into_response()
}

fn render_page(application_id: &str) -> String {
    // A JSON string literal is a valid JavaScript string literal; `<` is escaped so that no value
    // can close the script element.
    let literal = serde_json::Value::from(application_id)
        .to_string()
        .replace('<', "\\u003c");
    PAGE.replace("\"__APPLICATION_ID__\"", &literal)
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A running app; dropping it stops the server.
#[derive(Debug)]
pub struct RunningApp {
    address: SocketAddr,
    task: JoinHandle<()>,
}

impl RunningApp {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The bound address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }
}

impl Drop for RunningApp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves `router` on `127.0.0.1:0` in a background task of the current runtime.
pub async fn spawn(router: Router) -> std::io::Result<RunningApp> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let address = listener.local_addr()?;
    let task = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            eprintln!("axum-embedded stopped: {error}");
        }
    });
    Ok(RunningApp { address, task })
}
