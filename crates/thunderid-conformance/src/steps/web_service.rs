//! A web service on a loopback port for flows to call (HTTPRequestExecutor): what it answers and
//! what it received. Flow definitions name it as `{web-service}`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use anyhow::{Context, ensure};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use cucumber::gherkin::Step;
use cucumber::{given, then};
use serde_json::Value;
use thunderid_protocol::flow::FlowDefinition;

use super::flow::response;
use crate::world::ConformanceWorld;

/// The service, started by the first step that needs it, stopped with the scenario.
#[derive(Debug)]
pub struct WebService {
    base_url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Debug, Default)]
struct Shared {
    /// `"METHOD /path"` → status and JSON body.
    answers: Mutex<BTreeMap<String, (u16, String)>>,
    /// `"METHOD /path?query"` and the body, in arrival order.
    received: Mutex<Vec<(String, Value)>>,
}

impl Drop for WebService {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if let Ok(mut received) = shared.received.lock() {
        received.push((format!("{method} {uri}"), body));
    }
    let key = format!("{method} {}", uri.path());
    let found = shared
        .answers
        .lock()
        .ok()
        .and_then(|a| a.get(&key).cloned());
    match found {
        Some((status, body)) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            [("content-type", "application/json")],
            body,
        )
            .into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

async fn service(world: &mut ConformanceWorld) -> anyhow::Result<&WebService> {
    if world.web_service.is_none() {
        let shared = Arc::new(Shared::default());
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(Arc::clone(&shared));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        world.web_service = Some(WebService {
            base_url,
            shared,
            task,
        });
    }
    world.web_service.as_ref().context("the web service runs")
}

#[given(expr = "a web service answers {string} with {int} and the body:")]
async fn answers(
    world: &mut ConformanceWorld,
    step: &Step,
    route: String,
    status: u16,
) -> anyhow::Result<()> {
    let body = step
        .docstring
        .as_deref()
        .context("the step needs a doc string")?
        .trim()
        .to_owned();
    let service = service(world).await?;
    if let Ok(mut answers) = service.shared.answers.lock() {
        answers.insert(route, (status, body));
    }
    Ok(())
}

#[given("the server also has the flow that calls the web service:")]
async fn add_calling_flow(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let base_url = service(world).await?.base_url.clone();
    let text = step
        .docstring
        .as_deref()
        .context("the step needs a doc string")?;
    let flow: FlowDefinition = serde_json::from_str(&text.replace("{web-service}", &base_url))
        .context("the doc string is a flow definition")?;
    world.fixtures.flows.push(flow);
    world.restart_with_fixtures().await
}

#[then(expr = "the web service received {string} with the JSON body:")]
async fn received_with_body(
    world: &mut ConformanceWorld,
    step: &Step,
    request: String,
) -> anyhow::Result<()> {
    let expected: Value = serde_json::from_str(
        step.docstring
            .as_deref()
            .context("the step needs a doc string")?,
    )?;
    let received = received(world)?;
    ensure!(
        received
            .iter()
            .any(|(line, body)| line == &request && body == &expected),
        "expected {request} with {expected}, the service received {received:?}"
    );
    Ok(())
}

#[then(expr = "the web service received {int} request(s)")]
async fn received_count(world: &mut ConformanceWorld, count: usize) -> anyhow::Result<()> {
    let received = received(world)?;
    ensure!(
        received.len() == count,
        "expected {count} requests, the service received {received:?}"
    );
    Ok(())
}

fn received(world: &ConformanceWorld) -> anyhow::Result<Vec<(String, Value)>> {
    let service = world
        .web_service
        .as_ref()
        .context("no web service in this scenario")?;
    Ok(service
        .shared
        .received
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default())
}

#[then(expr = "the flow error says {string}")]
async fn error_description(world: &mut ConformanceWorld, text: String) -> anyhow::Result<()> {
    let response = response(world)?;
    let actual = response
        .pointer("/error/description/defaultValue")
        .and_then(Value::as_str);
    ensure!(
        actual
            == Some(
                text.replace("{web-service}", &web_service_url(world))
                    .as_str()
            ),
        "expected the error description {text:?}, got {actual:?}"
    );
    Ok(())
}

fn web_service_url(world: &ConformanceWorld) -> String {
    world
        .web_service
        .as_ref()
        .map(|s| s.base_url.clone())
        .unwrap_or_default()
}
