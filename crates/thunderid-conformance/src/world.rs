//! [`ConformanceWorld`]: the state of one scenario.

use std::collections::BTreeMap;
use std::fmt;

use cucumber::World;
use reqwest::header::HeaderMap;
use serde_json::Value;
use thunderid_mock::{Fixtures, MockServer};

use crate::catalog;
use crate::target::{REMOTE_SERVER, Target};

/// The `vars` key a clock move leaves behind (see [`ConformanceWorld::after_scenario`]).
pub const CLOCK_MOVED: &str = "clock_moved";

/// One HTTP exchange the scenario made: what came back.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Exchange {
    pub fn json(&self) -> anyhow::Result<Value> {
        serde_json::from_str(&self.body).map_err(|e| {
            anyhow::anyhow!(
                "the body (status {}) is not JSON ({e}): {}",
                self.status,
                self.body
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Location` of a redirect, parsed.
    pub fn location(&self) -> anyhow::Result<url::Url> {
        let location = self.header("location").ok_or_else(|| {
            anyhow::anyhow!(
                "expected a redirect, got status {} without Location: {}",
                self.status,
                self.body
            )
        })?;
        url::Url::parse(location)
            .map_err(|e| anyhow::anyhow!("Location {location:?} is not a URL: {e}"))
    }
}

/// The flow execution a scenario is driving (`POST /flow/execute`).
#[derive(Debug, Clone, Default)]
pub struct FlowSession {
    pub execution_id: Option<String>,
    /// The challenge token of the last INCOMPLETE response.
    pub challenge_token: Option<String>,
    /// Every challenge token issued before the current one, oldest first.
    pub stale_challenge_tokens: Vec<String>,
    /// The last 200 response of `/flow/execute`.
    pub response: Option<Value>,
    /// The last request body sent, for replays.
    pub last_request: Option<Value>,
    /// The assertion of the last COMPLETE response.
    pub assertion: Option<String>,
    /// The error assertion of the last ERROR (or HTTP-level error) response.
    pub error_assertion: Option<String>,
    /// The `Authorization` header every request of this flow carries (an administrator's flows).
    pub bearer: Option<String>,
}

/// One token response.
#[derive(Debug, Clone, Default)]
pub struct TokenSet {
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
    pub body: Value,
}

/// The redirect sign-in a scenario is driving (`/oauth2/*`).
#[derive(Debug, Clone, Default)]
pub struct OAuthSession {
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_verifier: Option<String>,
    pub redirect_uri: Option<String>,
    /// The parameters of the last authorization request, as sent.
    pub authorize_params: Vec<(String, String)>,
    pub auth_id: Option<String>,
    /// Where the last callback sent the browser.
    pub client_redirect: Option<url::Url>,
    pub code: Option<String>,
    pub tokens: Option<TokenSet>,
    /// Token responses before the current one, oldest first.
    pub previous_tokens: Vec<TokenSet>,
    /// The `logoutId` the end-session endpoint handed the gate.
    pub logout_id: Option<String>,
}

/// The state of one scenario. Built fresh for every scenario, so scenarios are independent and run
/// concurrently.
#[derive(World)]
#[world(init = Self::new)]
pub struct ConformanceWorld {
    pub target: Target,
    /// A client that never follows redirects, so redirects can be asserted.
    pub http: reqwest::Client,
    /// The last response received.
    pub last: Option<Exchange>,
    /// Named values captured by steps (codes, ids, tokens), for later steps to use.
    pub vars: BTreeMap<String, String>,
    /// The fixtures the server is assumed to serve: the bundled set, plus what `@custom-fixtures`
    /// scenarios add to the embedded mock.
    pub fixtures: Fixtures,
    /// The fixtures hold a state only run-time changes reach (a user type deleted while in use).
    pub fixtures_unchecked: bool,
    /// Whether restarts plug in the fake captcha provider (`--fake-captcha`).
    pub fake_captcha: bool,
    /// Declarative resource files the next restart loads (`restart_with_resources`).
    resources: Option<std::path::PathBuf>,
    /// Plain passwords of the users the scenarios sign in as.
    pub passwords: BTreeMap<String, String>,
    /// The application the scenario acts as (its name).
    pub app: Option<String>,
    pub flow: FlowSession,
    pub oauth: OAuthSession,
    /// The server's JWKS, fetched once per scenario.
    pub jwks: Option<Value>,
    /// The Rust client (`thunderid-client`) of the client scenarios.
    pub client: Option<crate::steps::client::ClientState>,
    /// The web app of the `@app` scenarios (`Given the web app is running`).
    pub web_app: Option<crate::steps::app::AppUnderTest>,
    /// The cookies the server set on flow responses, by name, as a browser or an SDK's cookie jar
    /// keeps them (the `tid_sso_*` handle); sent back on every flow request.
    pub cookies: BTreeMap<String, String>,
    /// The SDK under test of the `@sdk` scenarios (`--sdk`).
    pub sdk: crate::sdk::SdkState,
    /// The loopback web service flows call (`Given a web service answers …`).
    pub web_service: Option<crate::steps::web_service::WebService>,
}

impl ConformanceWorld {
    async fn new() -> anyhow::Result<Self> {
        let target = match REMOTE_SERVER.get().cloned().flatten() {
            Some(remote) => Target::Remote {
                base_url: remote.base_url,
                control: remote.control,
            },
            None => Target::Embedded(
                MockServer::builder()
                    .server_version(crate::target::server_version())
                    .start()
                    .await?,
            ),
        };
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            target,
            http,
            last: None,
            vars: BTreeMap::new(),
            fixtures: Fixtures::bundled(),
            fixtures_unchecked: false,
            fake_captcha: false,
            resources: None,
            passwords: catalog::bundled_passwords(),
            app: None,
            flow: FlowSession::default(),
            oauth: OAuthSession::default(),
            jwks: None,
            client: None,
            web_app: None,
            cookies: BTreeMap::new(),
            sdk: crate::sdk::SdkState::default(),
            web_service: None,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.target.base_url())
    }

    /// The issuer the server's tokens carry: its base URL.
    pub fn issuer(&self) -> String {
        match &self.target {
            Target::Embedded(server) => server.issuer().to_owned(),
            Target::Remote { base_url, .. } => base_url.clone(),
        }
    }

    /// Send a request and keep the response as [`Self::last`].
    pub async fn send(&mut self, request: reqwest::RequestBuilder) -> anyhow::Result<&Exchange> {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await?;
        Ok(self.last.insert(Exchange {
            status,
            headers,
            body,
        }))
    }

    /// The last response, or an error naming the step that forgot to make a request.
    pub fn last(&self) -> anyhow::Result<&Exchange> {
        self.last
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("no request has been made in this scenario yet"))
    }

    /// Clean up after a scenario. Against a shared server with a control API, a scenario that moved
    /// the clock (always `@serial`, so nothing else is running) resets the server, so the clocks of
    /// the scenarios and apps after it agree with real time again.
    pub async fn after_scenario(&mut self) {
        if let Target::Remote { control: true, .. } = &self.target
            && self.vars.contains_key(CLOCK_MOVED)
        {
            let reset = self.http.post(self.url("/__mock/reset")).send().await;
            if let Err(e) = reset {
                eprintln!("could not reset the server after a clock move: {e}");
            }
        }
    }

    /// Restart the embedded mock as the release line `version` (a `@server-1.0` or `@server-main`
    /// scenario), keeping its fixtures. A remote server is what it is.
    pub async fn pin_version(
        &mut self,
        version: thunderid_mock::ServerVersion,
    ) -> anyhow::Result<()> {
        match &self.target {
            Target::Embedded(server) if server.server_version() != version => {
                self.restart(version).await
            }
            Target::Embedded(_) | Target::Remote { .. } => Ok(()),
        }
    }

    /// Restart the embedded mock with [`Self::fixtures`] (after a scenario added some).
    pub async fn restart_with_fixtures(&mut self) -> anyhow::Result<()> {
        let version = match &self.target {
            Target::Embedded(server) => server.server_version(),
            Target::Remote { .. } => crate::target::server_version(),
        };
        self.restart(version).await
    }

    /// Start again with these declarative resource documents (YAML) loaded as `--resources`
    /// files. The file is written to the temporary directory and removed once the mock has read it.
    pub async fn restart_with_resources(&mut self, documents: &str) -> anyhow::Result<()> {
        let path = std::env::temp_dir().join(format!(
            "thunderid-conformance-resources-{}-{}.yaml",
            std::process::id(),
            SCRATCH.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::write(&path, documents)?;
        self.resources = Some(path.clone());
        let version = match &self.target {
            Target::Embedded(server) => server.server_version(),
            Target::Remote { .. } => crate::target::server_version(),
        };
        let started = self.restart(version).await;
        self.resources = None;
        let _ = std::fs::remove_file(&path);
        started
    }

    async fn restart(&mut self, version: thunderid_mock::ServerVersion) -> anyhow::Result<()> {
        match &self.target {
            Target::Embedded(_) => {
                let mut builder = MockServer::builder().server_version(version);
                if let Some(path) = &self.resources {
                    builder = builder.resources(path);
                }
                if self.fake_captcha {
                    builder = builder.fake_captcha();
                }
                let builder = if self.fixtures_unchecked {
                    builder.fixtures_unchecked(self.fixtures.clone())
                } else {
                    builder.fixtures(self.fixtures.clone())
                };
                let server = builder.start().await?;
                self.target = Target::Embedded(server);
                self.jwks = None;
                Ok(())
            }
            Target::Remote { .. } => anyhow::bail!(
                "this scenario adds fixtures, which only an embedded mock can do; \
                 tag it @custom-fixtures so --server runs skip it"
            ),
        }
    }
}

/// Numbers the scenarios' resource files apart (scenarios run concurrently in one process).
static SCRATCH: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

// Hand-written: `-vv` prints the World on failure, and captured values may be secrets.
impl fmt::Debug for ConformanceWorld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConformanceWorld")
            .field("target", &self.target.base_url())
            .field("last_status", &self.last.as_ref().map(|e| e.status))
            .field("app", &self.app)
            .field("execution_id", &self.flow.execution_id)
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .field("cookies", &self.cookies.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}
