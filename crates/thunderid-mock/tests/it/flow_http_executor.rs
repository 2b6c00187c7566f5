//! HTTPRequestExecutor against a real web service on a loopback port: the request the service
//! receives, the answer mapped into runtime data (observed through a second call that echoes it),
//! retries, `failOnError`, configuration errors and the loopback-only default.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};
use thunderid_mock::MockServer;

use crate::flow_support::execute;
use crate::support::TestServer;

const APP: &str = "01900000-0000-7000-8000-0000000000e1";
const SECRET: &str = "http-lab-secret";

/// What the service received: method, path and query, the headers the test looks at, the body.
#[derive(Debug, Clone, PartialEq)]
struct Received {
    method: String,
    uri: String,
    content_type: Option<String>,
    correlation_id: Option<String>,
    user_agent: Option<String>,
    body: Value,
}

type Journal = Arc<Mutex<Vec<Received>>>;

/// The web service the flows call; it answers by path.
async fn service(
    State(journal): State<Journal>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    journal.lock().expect("journal").push(Received {
        method: method.to_string(),
        uri: uri.to_string(),
        content_type: header("content-type"),
        correlation_id: header("x-correlation-id"),
        user_agent: header("user-agent"),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    });
    match uri.path() {
        "/profile/thor" => axum::Json(json!({
            "user": {"name": "Thor", "score": 1_000_000, "ratio": 0.5, "admin": true,
                     "tags": ["a", "b"], "team": {"id": 7}}
        }))
        .into_response(),
        "/text" => "plain words".into_response(),
        "/fail" => (StatusCode::SERVICE_UNAVAILABLE, "down").into_response(),
        "/moved" => Redirect::to("/profile/thor").into_response(),
        "/big" => vec![b'x'; (1 << 20) + 1].into_response(),
        _ => StatusCode::NO_CONTENT.into_response(),
    }
}

async fn start_service() -> (SocketAddr, Journal) {
    let journal = Journal::default();
    let app = Router::new().fallback(service).with_state(journal.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, journal)
}

/// A sign-in graph: ask `who`, run `call` (an HTTPRequestExecutor node's JSON), post what it
/// mapped to `/echo`, then pause on a last prompt.
fn graph(call: Value, echo: Value) -> Value {
    json!({
        "id": "01900000-0000-7000-8000-0000000000e2", "handle": "http-lab", "name": "HTTP lab",
        "flowType": "AUTHENTICATION",
        "nodes": [
            {"id": "start", "type": "START", "onSuccess": "ask"},
            {"id": "ask", "type": "PROMPT", "prompts": [{
                "inputs": [{"ref": "i1", "identifier": "who", "type": "TEXT_INPUT", "required": true}],
                "action": {"ref": "go", "nextNode": "call"}}]},
            call,
            echo,
            {"id": "done", "type": "PROMPT", "prompts": [{
                "inputs": [{"ref": "i2", "identifier": "more", "type": "TEXT_INPUT", "required": true}],
                "action": {"ref": "finish", "nextNode": "end"}}]},
            {"id": "end", "type": "END"}
        ]
    })
}

fn call_node(properties: Value) -> Value {
    json!({"id": "call", "type": "TASK_EXECUTION", "onSuccess": "echo",
           "executor": {"name": "HTTPRequestExecutor"}, "properties": properties})
}

fn echo_node(addr: SocketAddr, body: Value) -> Value {
    json!({"id": "echo", "type": "TASK_EXECUTION", "onSuccess": "done",
           "executor": {"name": "HTTPRequestExecutor"},
           "properties": {"url": format!("http://{addr}/echo"), "method": "POST", "body": body}})
}

async fn lab(flow: Value, builder: thunderid_mock::MockServerBuilder) -> TestServer {
    let app = json!({"id": APP, "name": "http-lab", "type": "custom", "flowSecret": SECRET,
                     "authFlow": "http-lab"});
    let builder = builder
        .flow(serde_json::from_value(flow).expect("a flow"))
        .application(serde_json::from_value(app).expect("an application"));
    TestServer::with(builder).await
}

/// Start the flow, answer `who`, and return the second response.
async fn run(t: &TestServer, who: &str) -> Value {
    let first = execute(
        t,
        &json!({"applicationId": APP, "flowType": "AUTHENTICATION"}),
        Some(SECRET),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let first = first.json();
    let request = t
        .client
        .post(t.url("/flow/execute"))
        .header("X-Correlation-ID", "corr-123")
        .json(
            &json!({"executionId": first["executionId"], "challengeToken": first["challengeToken"],
                      "action": "go", "inputs": {"who": who}}),
        );
    let reply = t.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

fn received(journal: &Journal) -> Vec<Received> {
    journal.lock().expect("journal").clone()
}

#[tokio::test]
async fn a_json_answer_is_mapped_into_runtime_data_as_go_prints_it() {
    let (addr, journal) = start_service().await;
    let call = call_node(json!({
        "url": format!("http://{addr}/profile/{{{{ ctx(who) }}}}"),
        "responseMapping": "{\"name\":\"response.data.user.name\",\"score\":\"response.data.user.score\",\
            \"ratio\":\"response.data.user.ratio\",\"admin\":\"response.data.user.admin\",\
            \"tags\":\"response.data.user.tags\",\"team\":\"response.data.user.team\",\
            \"status\":\"response.status\",\"nothing\":\"response.data.user.nope\"}"
    }));
    let echo = echo_node(
        addr,
        json!({"name": "{{ctx(name)}}", "score": "{{ctx(score)}}",
        "ratio": "{{ctx(ratio)}}", "admin": "{{ctx(admin)}}", "tags": "{{ctx(tags)}}",
        "team": "{{ctx(team)}}", "status": "{{ctx(status)}}", "nothing": "{{ctx(nothing)}}"}),
    );
    let t = lab(graph(call, echo), MockServer::builder()).await;
    let step = run(&t, "thor").await;
    assert_eq!(step["flowStatus"], "INCOMPLETE", "{step}");
    let calls = received(&journal);
    assert_eq!(
        calls,
        [
            Received {
                method: "GET".into(),
                uri: "/profile/thor".into(),
                content_type: None,
                correlation_id: Some("corr-123".into()),
                user_agent: Some("Go-http-client/1.1".into()),
                body: Value::Null,
            },
            Received {
                method: "POST".into(),
                uri: "/echo".into(),
                content_type: Some("application/json".into()),
                correlation_id: Some("corr-123".into()),
                user_agent: Some("Go-http-client/1.1".into()),
                body: json!({"name": "Thor", "score": "1e+06", "ratio": "0.5", "admin": "true",
                    "tags": "[a b]", "team": "map[id:7]", "status": "200",
                    "nothing": "{{ctx(nothing)}}"}),
            },
        ]
    );
}

#[tokio::test]
async fn a_text_answer_is_mapped_as_raw_and_redirects_are_followed() {
    let (addr, journal) = start_service().await;
    let call = call_node(json!({"url": format!("http://{addr}/text"),
        "responseMapping": {"raw": "response.data.raw"}}));
    let echo = json!({"id": "echo", "type": "TASK_EXECUTION", "onSuccess": "done",
        "executor": {"name": "HTTPRequestExecutor"},
        "properties": {"url": format!("http://{addr}/moved"), "method": "post",
                       "body": "{\"raw\": \"{{ctx(raw)}}\"}"}});
    let t = lab(graph(call, echo), MockServer::builder()).await;
    run(&t, "anyone").await;
    let calls: Vec<(String, String, Value)> = received(&journal)
        .into_iter()
        .map(|r| (r.method, r.uri, r.body))
        .collect();
    // A 302 turns the POST into a GET without a body, as Go's client does.
    assert_eq!(
        calls,
        [
            ("GET".into(), "/text".into(), Value::Null),
            (
                "POST".into(),
                "/moved".into(),
                json!({"raw": "plain words"})
            ),
            ("GET".into(), "/profile/thor".into(), Value::Null),
        ]
    );
}

/// The flow ends in ERROR with `error`; returns that error.
async fn failed(t: &TestServer) -> Value {
    let step = run(t, "thor").await;
    assert_eq!(step["flowStatus"], "ERROR", "{step}");
    step["error"].clone()
}

fn fet_1072(description: &str) -> Value {
    json!({"code": "FET-1072",
        "message": {"key": "flows.executor.errors.http_request_failed", "defaultValue": "HTTP request executor failed"},
        "description": {"key": "flows.executor.errors.http_request_failed_desc", "defaultValue": description}})
}

#[tokio::test]
async fn an_error_status_fails_the_node_under_fail_on_error_without_retries() {
    let (addr, journal) = start_service().await;
    let call = call_node(json!({"url": format!("http://{addr}/fail"),
        "errorHandling": {"failOnError": true, "retryCount": 3, "retryDelay": 1}}));
    let t = lab(
        graph(call, echo_node(addr, json!({}))),
        MockServer::builder(),
    )
    .await;
    assert_eq!(
        failed(&t).await,
        fet_1072("HTTP request failed with status 503: down")
    );
    assert_eq!(received(&journal).len(), 1, "status errors are not retried");
}

#[tokio::test]
async fn an_error_status_is_ignored_without_fail_on_error() {
    let (addr, journal) = start_service().await;
    let call = call_node(json!({"url": format!("http://{addr}/fail"), "timeout": "3"}));
    let t = lab(
        graph(call, echo_node(addr, json!({"a": "b"}))),
        MockServer::builder(),
    )
    .await;
    let step = run(&t, "thor").await;
    assert_eq!(step["flowStatus"], "INCOMPLETE", "{step}");
    assert_eq!(received(&journal).len(), 2);
}

#[tokio::test]
async fn a_connection_that_drops_is_retried_then_reported() {
    // A listener that accepts and hangs up at once: every attempt is a transport error.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let accepted = Arc::new(Mutex::new(0usize));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            // Counted before the hang-up, which the client sees: counting after it let the mock
            // answer the third failure before the third count.
            *counter.lock().expect("counter") += 1;
            drop(stream);
        }
    });
    let call = call_node(json!({"url": format!("http://{addr}/x"),
        "errorHandling": "{\"failOnError\": true, \"retryCount\": 2, \"retryDelay\": 10}"}));
    let t = lab(
        graph(call, echo_node(addr, json!({}))),
        MockServer::builder(),
    )
    .await;
    let error = failed(&t).await;
    let description = error["description"]["defaultValue"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let expected = format!(
        "failed after 3 attempts: failed to execute HTTP request: Get \"http://{addr}/x\": "
    );
    assert!(description.starts_with(&expected), "{description}");
    assert_eq!(error["code"], "FET-1072");
    assert_eq!(*accepted.lock().expect("counter"), 3);
}

#[tokio::test]
async fn a_closed_port_is_a_refused_connection() {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr");
    let call = call_node(json!({"url": format!("http://{addr}/x"),
        "errorHandling": {"failOnError": true}}));
    let t = lab(
        graph(call, echo_node(addr, json!({}))),
        MockServer::builder(),
    )
    .await;
    assert_eq!(
        failed(&t).await,
        fet_1072(&format!(
            "failed after 1 attempts: failed to execute HTTP request: Get \"http://{addr}/x\": dial tcp {addr}: connect: connection refused"
        ))
    );
}

#[tokio::test]
async fn a_host_off_loopback_is_refused_unless_allowed() {
    let call = call_node(json!({"url": "http://192.0.2.1/hook", "method": "DELETE",
        "errorHandling": {"failOnError": true}}));
    let flow = graph(
        call,
        echo_node("127.0.0.1:9".parse().expect("addr"), json!({})),
    );
    let t = lab(flow.clone(), MockServer::builder()).await;
    assert_eq!(
        failed(&t).await,
        fet_1072(
            "failed after 1 attempts: failed to execute HTTP request: Delete \"http://192.0.2.1/hook\": dial tcp 192.0.2.1:80: the mock calls loopback hosts only (allow this one with --http-executor-allow 192.0.2.1)"
        )
    );
}

#[tokio::test]
async fn an_answer_over_a_mebibyte_is_a_read_error() {
    let (addr, _journal) = start_service().await;
    let call = call_node(
        json!({"url": format!("http://{addr}/big"), "errorHandling": {"failOnError": true}}),
    );
    let t = lab(
        graph(call, echo_node(addr, json!({}))),
        MockServer::builder(),
    )
    .await;
    assert_eq!(
        failed(&t).await,
        fet_1072("failed to read response body: length limit exceeded")
    );
}

#[tokio::test]
async fn a_bad_configuration_fails_with_fet_1050() {
    let mut steps = Vec::new();
    for properties in [
        json!({"url": "http://127.0.0.1:9/x", "method": "TRACE"}),
        json!({"url": 42}),
        json!({"method": "GET"}),
    ] {
        let echo = echo_node("127.0.0.1:9".parse().expect("addr"), json!({}));
        let t = lab(graph(call_node(properties), echo), MockServer::builder()).await;
        steps.push(crate::flow_support::redacted(&run(&t, "thor").await));
    }
    assert_eq!(steps[0], steps[1]);
    assert_eq!(steps[0], steps[2]);
    insta::assert_json_snapshot!("http_executor_bad_configuration", steps[0]);
}
