//! The harness: an in-process mock with a fixed clock, clients whose clock is the mock's, the
//! bundled apps and users, and helpers that drive a sign-in to its end.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use thunderid_client::protocol::flow::StepType;
use thunderid_client::{AuthorizeOptions, Client, Config, FlowStep, TokenSet};
use thunderid_mock::{Fixtures, JournalEntry, MockServer, MockServerBuilder};

/// 2026-01-01T00:00:00Z: every test's clock starts here.
pub const EPOCH: u64 = 1_767_225_600;

pub const SPA_APP: &str = "01900000-0000-7000-8000-0000000000a1";
pub const WEB_APP: &str = "01900000-0000-7000-8000-0000000000a2";
pub const NATIVE_APP: &str = "01900000-0000-7000-8000-0000000000a3";
pub const M2M_APP: &str = "01900000-0000-7000-8000-0000000000a4";
pub const NATIVE_FLOW_SECRET: &str = "sample-native-flow-secret";
pub const THOR_ID: &str = "01900000-0000-7000-8000-000000000101";
pub const SESSION_SECRET: &[u8] = b"a-test-session-secret-of-32-bytes!";

/// A running mock and helpers around it.
pub struct Env {
    pub server: MockServer,
}

impl Env {
    /// The bundled fixtures.
    pub async fn start() -> Result<Self> {
        Self::with(MockServer::builder()).await
    }

    /// The bundled fixtures plus `apps` (application fixtures as JSON).
    pub async fn with_apps(apps: Vec<Value>) -> Result<Self> {
        let mut fixtures = Fixtures::bundled();
        for app in apps {
            fixtures.applications.push(serde_json::from_value(app)?);
        }
        Self::with(MockServer::builder().fixtures(fixtures)).await
    }

    pub async fn with(builder: MockServerBuilder) -> Result<Self> {
        let server = builder
            .clock(thunderid_mock::Clock::fixed(EPOCH))
            .start()
            .await?;
        Ok(Self { server })
    }

    pub fn base(&self) -> &str {
        self.server.base_url()
    }

    /// A client for `config` on the mock's clock.
    pub fn client(&self, config: Config) -> Result<Client> {
        // The mock's clock: advancing the mock moves both.
        let clock = Arc::new(self.server.clock_fn());
        Ok(Client::builder(config).clock(clock).build()?)
    }

    pub fn config(&self) -> Result<Config> {
        Ok(Config::new(self.base())?)
    }

    /// sample-spa: public client, PKCE.
    pub fn spa_config(&self) -> Result<Config> {
        Ok(self
            .config()?
            .with_client_id("sample-spa")
            .with_redirect_uri("http://localhost:3000/callback"))
    }

    /// sample-web: confidential, client_secret_basic.
    pub fn web_config(&self) -> Result<Config> {
        Ok(self
            .config()?
            .with_client_id("sample-web")
            .with_client_secret("sample-web-secret")
            .with_redirect_uri("http://localhost:3000/login")
            .with_post_logout_redirect_uri("http://localhost:3000/logout"))
    }

    /// sample-native: app-native, Flow-Secret, no OAuth profile.
    pub fn native_config(&self) -> Result<Config> {
        Ok(self
            .config()?
            .with_application_id(NATIVE_APP)
            .with_flow_secret(NATIVE_FLOW_SECRET))
    }

    /// sample-m2m: client_credentials.
    pub fn m2m_config(&self) -> Result<Config> {
        Ok(self
            .config()?
            .with_client_id("sample-m2m")
            .with_client_secret("sample-m2m-secret"))
    }

    pub fn spa(&self) -> Result<Client> {
        self.client(self.spa_config()?)
    }

    pub fn web(&self) -> Result<Client> {
        self.client(self.web_config()?)
    }

    pub fn native(&self) -> Result<Client> {
        self.client(self.native_config()?)
    }

    pub fn m2m(&self) -> Result<Client> {
        self.client(self.m2m_config()?)
    }

    /// Moves the mock's clock (and so every test client's).
    pub fn advance(&self, seconds: u64) {
        self.server.clock().advance(Duration::from_secs(seconds));
    }

    /// The journal entries of `path`, oldest first.
    pub fn requests(&self, path: &str) -> Vec<JournalEntry> {
        self.server
            .received_requests()
            .into_iter()
            .filter(|entry| entry.path == path)
            .collect()
    }

    /// The `kid` of the mock's signing key.
    pub fn kid(&self) -> String {
        self.server.key_id().to_owned()
    }

    /// Signs `claims` with the mock's own private key, `alg` and `kid` of the caller's choosing.
    pub fn sign_with_mock_key(
        &self,
        alg: Algorithm,
        kid: Option<&str>,
        claims: &Value,
    ) -> Result<String> {
        let key = EncodingKey::from_rsa_pem(Fixtures::bundled().signing_key_pem.as_bytes())?;
        sign(alg, kid, claims, &key)
    }

    /// ID token claims for `audience` as the mock would issue them now.
    pub fn id_token_claims(&self, audience: &str, nonce: Option<&str>) -> Value {
        let now = self.server.clock().now();
        let mut claims = json!({
            "iss": self.base(), "sub": THOR_ID, "aud": audience,
            "exp": now + 3600, "iat": now, "nbf": now, "jti": "test-jti",
        });
        if let (Some(nonce), Some(object)) = (nonce, claims.as_object_mut()) {
            object.insert("nonce".to_owned(), json!(nonce));
        }
        claims
    }
}

/// Signs `claims` as a JWS with `key`.
pub fn sign(
    alg: Algorithm,
    kid: Option<&str>,
    claims: &Value,
    key: &EncodingKey,
) -> Result<String> {
    let mut header = Header::new(alg);
    header.typ = Some("JWT".to_owned());
    header.kid = kid.map(str::to_owned);
    Ok(jsonwebtoken::encode(&header, claims, key)?)
}

/// An unsigned token with this header (for `alg: none` and friends).
pub fn unsigned(header: &Value, claims: &Value, signature: &str) -> String {
    let encode = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
    format!("{}.{}.{signature}", encode(header), encode(claims))
}

/// `{"username": …, "password": …}`.
pub fn credentials(username: &str, password: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("username".to_owned(), username.to_owned()),
        ("password".to_owned(), password.to_owned()),
    ])
}

/// The `ref` of the first action of an INCOMPLETE step (the default flow's `action_001`).
pub fn first_action(step: &FlowStep) -> Result<String> {
    match step {
        FlowStep::Incomplete {
            kind: StepType::View,
            actions,
            ..
        } => actions
            .first()
            .map(|action| action.reference.clone())
            .context("the step offers no action"),
        other => bail!("expected a VIEW step, got {other:?}"),
    }
}

/// Drives `/oauth2/authorize` → flow → auth callback with thor's password; returns the client's
/// pending authorization and the callback URL (`redirect_uri?code=…&state=…&iss=…`).
pub async fn authorize_and_authenticate(
    client: &Client,
    options: AuthorizeOptions,
) -> Result<(thunderid_client::PendingAuthorization, String)> {
    let started = client.start_flow_via_authorize(options).await?;
    let mut flow = started.flow;
    let step = flow.resume().await?;
    let action = first_action(&step)?;
    match flow
        .submit(action, credentials("thor", "Thor@12345"))
        .await?
    {
        FlowStep::Complete {
            redirect_uri: Some(redirect_uri),
            ..
        } => Ok((started.pending, redirect_uri)),
        other => Err(anyhow!("expected COMPLETE with a redirect, got {other:?}")),
    }
}

/// A full redirect sign-in as thor.
pub async fn sign_in(client: &Client) -> Result<TokenSet> {
    sign_in_with(client, AuthorizeOptions::default()).await
}

pub async fn sign_in_with(client: &Client, options: AuthorizeOptions) -> Result<TokenSet> {
    let (pending, callback) = authorize_and_authenticate(client, options).await?;
    Ok(client.handle_callback(pending, &callback).await?)
}

/// A copy of a pending authorization (it is deliberately not `Clone`).
pub fn copy_pending(
    pending: &thunderid_client::PendingAuthorization,
) -> Result<thunderid_client::PendingAuthorization> {
    Ok(serde_json::from_value(serde_json::to_value(pending)?)?)
}

/// `url` with query parameter `name` set to `value` (or removed when `None`).
pub fn with_param(url: &str, name: &str, value: Option<&str>) -> Result<String> {
    let mut parsed = url::Url::parse(url)?;
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(key, _)| key != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(kept);
    if let Some(value) = value {
        parsed.query_pairs_mut().append_pair(name, value);
    }
    Ok(parsed.into())
}

/// The query parameter `name` of `url`.
pub fn param(url: &str, name: &str) -> Result<Option<String>> {
    let parsed = url::Url::parse(url)?;
    Ok(parsed
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned()))
}

/// A journal body decoded as a form.
pub fn form(body: &str) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

/// A journal entry's header `name`.
pub fn header<'a>(entry: &'a JournalEntry, name: &str) -> Option<&'a str> {
    entry
        .headers
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}
