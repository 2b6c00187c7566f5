//! The driver process and protocol v1 (`docs/sdk-driver.md`): spawn the SDK author's command, read
//! the port it announces on its first JSON line, then one `POST /command` per SDK call, each with a
//! timeout. A driver that exits, hangs or answers garbage fails the command that met it, with the
//! raw answer; it is killed and started again before the next scenario.

use std::process::Stdio;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The protocol version this suite speaks.
pub const PROTOCOL_VERSION: u64 = 1;

/// How long a driver may take to announce its port.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// What one command came back with.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The SDK did it; the data it returned.
    Ok(Value),
    /// The SDK reported a failure.
    Error(SdkError),
    /// The SDK has no such operation: the scenario is skipped, not failed.
    Unsupported,
}

/// A failure the SDK reported, in the protocol's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkError {
    /// One of [`ERROR_KINDS`].
    pub kind: String,
    /// The server's code when there is one (`invalid_grant`, `FES-1004`).
    pub code: Option<String>,
    /// The HTTP status of the server's answer, when there was one.
    pub status: Option<u16>,
    pub message: String,
}

/// The error kinds a driver may answer (docs/sdk-driver.md).
pub const ERROR_KINDS: &[&str] = &[
    "server",
    "authorization",
    "state",
    "id_token",
    "transport",
    "not_signed_in",
    "invalid_input",
    "other",
];

/// How the suite starts the driver: the command, split on whitespace (no shell), and the
/// per-command timeout.
#[derive(Debug, Clone)]
pub struct DriverSpec {
    pub program: String,
    pub args: Vec<String>,
    pub timeout: Duration,
}

impl DriverSpec {
    pub fn parse(command: &str, timeout: Duration) -> anyhow::Result<Self> {
        let mut words = command.split_whitespace().map(str::to_owned);
        let program = words.next().context("--sdk needs a command")?;
        Ok(Self {
            program,
            args: words.collect(),
            timeout,
        })
    }
}

struct Running {
    child: Child,
    port: u16,
    /// Set when a command timed out or the answer was garbage: the next scenario gets a new one.
    broken: bool,
}

/// The driver of a run: started lazily, restarted when it died or misbehaved.
pub struct Driver {
    spec: DriverSpec,
    running: Mutex<Option<Running>>,
    http: reqwest::Client,
    next_id: AtomicU64,
    /// What the driver announced about itself (`sdk`), for the scorecard.
    pub announced: Mutex<Option<String>>,
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}

impl Driver {
    pub fn new(spec: DriverSpec) -> anyhow::Result<Self> {
        Ok(Self {
            spec,
            running: Mutex::new(None),
            http: reqwest::Client::builder().no_proxy().build()?,
            next_id: AtomicU64::new(1),
            announced: Mutex::new(None),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Running>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The port of a live driver, starting one when there is none or the last one died or broke.
    pub async fn ensure_running(&self) -> anyhow::Result<u16> {
        let stale = {
            let mut running = self.lock();
            if let Some(r) = running.as_mut()
                && !r.broken
                && matches!(r.child.try_wait(), Ok(None))
            {
                return Ok(r.port);
            }
            running.take()
        };
        if let Some(mut old) = stale {
            let _ = old.child.kill().await;
        }
        let (child, port, sdk) = self.spawn().await?;
        *self.announced.lock().unwrap_or_else(|e| e.into_inner()) = sdk;
        *self.lock() = Some(Running {
            child,
            port,
            broken: false,
        });
        Ok(port)
    }

    async fn spawn(&self) -> anyhow::Result<(Child, u16, Option<String>)> {
        let mut child = Command::new(&self.spec.program)
            .args(&self.spec.args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start the driver `{}`", self.spec.program))?;
        let stdout = child.stdout.take().context("the driver's stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(READY_TIMEOUT, async {
            // Lines before the announcement that are not JSON (an npm banner) are ignored.
            while let Some(line) = lines.next_line().await? {
                if line.trim_start().starts_with('{') {
                    return parse_ready(&line);
                }
            }
            bail!("the driver closed its stdout without announcing its port")
        })
        .await;
        let (port, sdk) = match ready {
            Ok(Ok(ready)) => ready,
            Ok(Err(e)) => {
                // A closed stdout usually means the process is exiting: wait briefly for its status.
                let status = tokio::time::timeout(Duration::from_secs(2), child.wait())
                    .await
                    .ok()
                    .and_then(Result::ok);
                let _ = child.kill().await;
                return Err(e.context(match status {
                    Some(status) => format!("the driver exited ({status})"),
                    None => "the driver did not start".to_owned(),
                }));
            }
            Err(_) => {
                let _ = child.kill().await;
                bail!(
                    "the driver did not announce its port within {} s",
                    READY_TIMEOUT.as_secs()
                )
            }
        };
        // Keep reading stdout so the driver never blocks on a full pipe; its lines go to stderr.
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("[driver] {line}");
            }
        });
        Ok((child, port, sdk))
    }

    /// Stop the driver (the end of a run; a static is never dropped, so `kill_on_drop` is not enough).
    pub async fn shutdown(&self) {
        let running = self.lock().take();
        if let Some(mut r) = running {
            let _ = r.child.kill().await;
        }
    }

    fn mark_broken(&self) {
        if let Some(r) = self.lock().as_mut() {
            r.broken = true;
        }
    }

    /// Send one command; a protocol failure (timeout, dead driver, garbage) is an `Err` naming the
    /// command, and the driver is restarted before the next scenario.
    pub async fn command(&self, cmd: &str, args: Value) -> anyhow::Result<Answer> {
        let port = self.ensure_running().await?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let body = json!({"v": PROTOCOL_VERSION, "id": id, "cmd": cmd, "args": args});
        let request = self
            .http
            .post(format!("http://127.0.0.1:{port}/command"))
            .json(&body)
            .send();
        let exchange = async {
            let response = request.await?;
            let status = response.status().as_u16();
            Ok::<_, reqwest::Error>((status, response.text().await?))
        };
        let (status, text) = match tokio::time::timeout(self.spec.timeout, exchange).await {
            Err(_) => {
                self.mark_broken();
                bail!(
                    "the driver did not answer `{cmd}` within {} ms",
                    self.spec.timeout.as_millis()
                );
            }
            Ok(Err(e)) => {
                self.mark_broken();
                bail!("the driver did not answer `{cmd}`: {e}");
            }
            Ok(Ok(answer)) => answer,
        };
        match parse_answer(id, status, &text) {
            Ok(answer) => Ok(answer),
            Err(e) => {
                self.mark_broken();
                Err(e.context(format!("protocol error on `{cmd}`; raw answer: {text}")))
            }
        }
    }
}

/// `{"thunderidDriver": 1, "port": N, "sdk": "…"}`
fn parse_ready(line: &str) -> anyhow::Result<(u16, Option<String>)> {
    let ready: Value = serde_json::from_str(line)
        .with_context(|| format!("the driver's first JSON line is not JSON: {line}"))?;
    let version = ready.get("thunderidDriver").and_then(Value::as_u64);
    if version != Some(PROTOCOL_VERSION) {
        bail!(
            "the driver announced protocol {version:?}, this suite speaks {PROTOCOL_VERSION}: {line}"
        );
    }
    let port = ready
        .get("port")
        .and_then(Value::as_u64)
        .and_then(|p| u16::try_from(p).ok())
        .filter(|p| *p != 0)
        .with_context(|| format!("the driver's announcement has no port: {line}"))?;
    let sdk = ready.get("sdk").and_then(Value::as_str).map(str::to_owned);
    Ok((port, sdk))
}

/// An answer is exactly one of `ok`, `error`, `unsupported`, with the command's `id` if any.
fn parse_answer(id: u64, status: u16, text: &str) -> anyhow::Result<Answer> {
    if status != 200 {
        bail!("HTTP status {status}, expected 200");
    }
    let value: Value = serde_json::from_str(text).context("the answer is not JSON")?;
    let object = value
        .as_object()
        .context("the answer is not a JSON object")?;
    if let Some(answered) = object.get("id")
        && answered.as_u64() != Some(id)
    {
        bail!("the answer is for id {answered}, the command was {id}");
    }
    let members = ["ok", "error", "unsupported"]
        .into_iter()
        .filter(|m| object.contains_key(*m))
        .collect::<Vec<_>>();
    match members.as_slice() {
        ["ok"] => Ok(Answer::Ok(object["ok"].clone())),
        ["unsupported"] if object["unsupported"] == Value::Bool(true) => Ok(Answer::Unsupported),
        ["error"] => parse_error(&object["error"]).map(Answer::Error),
        _ => bail!("the answer must have exactly one of `ok`, `error`, `unsupported: true`"),
    }
}

fn parse_error(error: &Value) -> anyhow::Result<SdkError> {
    let kind = error
        .get("kind")
        .and_then(Value::as_str)
        .context("`error.kind` is missing")?;
    if !ERROR_KINDS.contains(&kind) {
        bail!("`error.kind` {kind:?} is not one of {ERROR_KINDS:?}");
    }
    let code = match error.get("code") {
        None | Some(Value::Null) => None,
        Some(Value::String(code)) => Some(code.clone()),
        Some(other) => bail!("`error.code` must be a string, got {other}"),
    };
    let status = match error.get("status") {
        None | Some(Value::Null) => None,
        Some(status) => Some(
            status
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .context("`error.status` must be an HTTP status")?,
        ),
    };
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Ok(SdkError {
        kind: kind.to_owned(),
        code,
        status,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_one_of_three_shapes() {
        assert_eq!(
            parse_answer(1, 200, r#"{"id":1,"ok":{"url":"x"}}"#).unwrap(),
            Answer::Ok(json!({"url": "x"}))
        );
        assert_eq!(
            parse_answer(1, 200, r#"{"unsupported":true}"#).unwrap(),
            Answer::Unsupported
        );
        assert_eq!(
            parse_answer(2, 200, r#"{"id":2,"error":{"kind":"server","code":"invalid_grant","status":400,"message":"m"}}"#).unwrap(),
            Answer::Error(SdkError {
                kind: "server".into(),
                code: Some("invalid_grant".into()),
                status: Some(400),
                message: "m".into()
            })
        );
    }

    #[test]
    fn garbage_is_a_protocol_error() {
        for (status, text) in [
            (200, "not json"),
            (200, "[]"),
            (200, r#"{"ok":1,"error":{"kind":"server"}}"#),
            (200, r#"{"error":{"kind":"oops"}}"#),
            (200, r#"{"unsupported":"yes"}"#),
            (200, r#"{"id":7,"ok":{}}"#),
            (500, r#"{"ok":{}}"#),
        ] {
            assert!(parse_answer(1, status, text).is_err(), "{status} {text}");
        }
    }

    #[test]
    fn the_announcement_names_protocol_and_port() {
        assert_eq!(
            parse_ready(r#"{"thunderidDriver":1,"port":4321,"sdk":"x 1.0"}"#).unwrap(),
            (4321, Some("x 1.0".to_owned()))
        );
        assert!(parse_ready(r#"{"thunderidDriver":2,"port":4321}"#).is_err());
        assert!(parse_ready(r#"{"thunderidDriver":1}"#).is_err());
    }

    fn sh(script: &str) -> DriverSpec {
        DriverSpec {
            program: "sh".into(),
            args: vec!["-c".into(), script.into()],
            timeout: Duration::from_millis(500),
        }
    }

    #[tokio::test]
    async fn a_driver_that_exits_at_once_is_a_clear_failure() {
        let driver = Driver::new(sh("echo starting; exit 3")).unwrap();
        let error = driver.command("configure", json!({})).await.unwrap_err();
        let message = format!("{error:#}");
        assert!(
            message.starts_with("the driver exited (exit status: 3)"),
            "{message}"
        );
    }

    #[tokio::test]
    async fn a_hanging_driver_times_out_naming_the_command_and_is_replaced() {
        // Announces a port nobody answers on quickly: a listener that never replies.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let held = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        let script = format!(r#"echo '{{"thunderidDriver":1,"port":{port}}}'; exec sleep 30"#);
        let driver = Driver::new(sh(&script)).unwrap();
        let error = driver.command("signIn.start", json!({})).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "the driver did not answer `signIn.start` within 500 ms"
        );
        let first = driver.lock().as_ref().map(|r| r.child.id());
        driver.ensure_running().await.unwrap();
        let second = driver.lock().as_ref().map(|r| r.child.id());
        assert_ne!(first, second, "a broken driver is started again");
        held.abort();
    }

    #[tokio::test]
    async fn a_garbage_answer_is_a_protocol_error_with_the_raw_answer() {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer).await;
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\nconnection: close\r\n\r\nnot json!")
                    .await;
            }
        });
        let script = format!(r#"echo '{{"thunderidDriver":1,"port":{port}}}'; exec sleep 30"#);
        let driver = Driver::new(sh(&script)).unwrap();
        let error = driver.command("user.get", json!({})).await.unwrap_err();
        assert_eq!(
            format!("{error:#}"),
            "protocol error on `user.get`; raw answer: not json!: the answer is not JSON: expected ident at line 1 column 2"
        );
        assert!(driver.lock().as_ref().is_some_and(|r| r.broken));
        server.abort();
    }

    #[tokio::test]
    async fn a_driver_that_crashed_is_started_again_for_the_next_command() {
        // Announces a port nobody listens on, then exits: the command meets a dead driver.
        let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = free.local_addr().unwrap().port();
        drop(free);
        let script = format!(r#"echo '{{"thunderidDriver":1,"port":{port}}}'"#);
        let driver = Driver::new(sh(&script)).unwrap();
        let error = driver.command("signOut", json!({})).await.unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("the driver did not answer `signOut`: "),
            "{error}"
        );
        let first = driver.lock().as_ref().and_then(|r| r.child.id());
        driver.ensure_running().await.unwrap();
        let second = driver.lock().as_ref().and_then(|r| r.child.id());
        assert_ne!(first, second, "a dead driver is started again");
    }
}
