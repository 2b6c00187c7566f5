//! [`ConformanceWorld`]: the state of one scenario.

use std::fmt;

use cucumber::World;
use reqwest::header::HeaderMap;
use serde_json::Value;
use thunderid_mock::MockServer;

use crate::target::{REMOTE_SERVER, Target};

/// One HTTP exchange the scenario made: what came back.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Exchange {
    pub fn json(&self) -> anyhow::Result<Value> {
        serde_json::from_str(&self.body)
            .map_err(|e| anyhow::anyhow!("the body is not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
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
    pub vars: std::collections::BTreeMap<String, String>,
}

impl ConformanceWorld {
    async fn new() -> anyhow::Result<Self> {
        let target = match REMOTE_SERVER.get().cloned().flatten() {
            Some(remote) => Target::Remote {
                base_url: remote.base_url,
                control: remote.control,
            },
            None => Target::Embedded(MockServer::start().await?),
        };
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            target,
            http,
            last: None,
            vars: Default::default(),
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.target.base_url())
    }

    /// Send a request and keep the response as [`Self::last`].
    pub async fn send(&mut self, request: reqwest::RequestBuilder) -> anyhow::Result<&Exchange> {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await?;
        self.last = Some(Exchange {
            status,
            headers,
            body,
        });
        Ok(self.last.as_ref().expect("just set"))
    }

    /// The last response, or an error naming the step that forgot to make a request.
    pub fn last(&self) -> anyhow::Result<&Exchange> {
        self.last
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("no request has been made in this scenario yet"))
    }
}

// Hand-written: `-vv` prints the World on failure, and captured values may be secrets.
impl fmt::Debug for ConformanceWorld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConformanceWorld")
            .field("target", &self.target.base_url())
            .field("last_status", &self.last.as_ref().map(|e| e.status))
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .finish()
    }
}
