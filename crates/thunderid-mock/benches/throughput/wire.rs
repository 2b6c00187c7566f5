//! The load generator's HTTP/1.1 client: one keep-alive connection per load task, requests written
//! as bytes and answers read by `Content-Length` (or chunks), as `wrk` and `oha` do. A general
//! client (reqwest: a pool, URL parsing, a header map per request, JSON into a `Value`) cost about
//! as much CPU per request as the server's own HTTP handling, on the same two cores the server
//! signs on, so it lowered every throughput figure it measured; the servers are not changed by it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One connection to a server.
#[derive(Debug)]
pub struct Conn {
    stream: TcpStream,
    /// `host:port`, for the `Host` header.
    host: String,
    /// Bytes read past the previous answer (none, as requests are not pipelined) and the buffer
    /// answers are read into.
    buf: Vec<u8>,
}

/// An answer: its status, the headers the load needs, and the body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// A request body and its type.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    None,
    Json(&'a str),
    Form(&'a str),
}

impl Conn {
    /// Connect to `base` (`http://host:port`).
    pub async fn connect(base: &str) -> Self {
        let host = base
            .strip_prefix("http://")
            .expect("an http:// base URL")
            .trim_end_matches('/')
            .to_owned();
        let stream = TcpStream::connect(&host).await.expect("connect");
        stream.set_nodelay(true).expect("TCP_NODELAY");
        Self {
            stream,
            host,
            buf: Vec::with_capacity(16 * 1024),
        }
    }

    /// Send one request and read its answer. `headers` are extra `(name, value)` pairs.
    pub async fn send(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: Body<'_>,
    ) -> Reply {
        let mut request = String::with_capacity(512);
        request.push_str(method);
        request.push(' ');
        request.push_str(target);
        request.push_str(" HTTP/1.1\r\nHost: ");
        request.push_str(&self.host);
        request.push_str("\r\n");
        for (name, value) in headers {
            request.push_str(name);
            request.push_str(": ");
            request.push_str(value);
            request.push_str("\r\n");
        }
        let content = match body {
            Body::None => None,
            Body::Json(text) => Some(("application/json", text)),
            Body::Form(text) => Some(("application/x-www-form-urlencoded", text)),
        };
        if let Some((kind, text)) = content {
            request.push_str("Content-Type: ");
            request.push_str(kind);
            request.push_str("\r\nContent-Length: ");
            request.push_str(&text.len().to_string());
            request.push_str("\r\n\r\n");
            request.push_str(text);
        } else {
            request.push_str("\r\n");
        }
        self.stream
            .write_all(request.as_bytes())
            .await
            .expect("write a request");
        self.read_reply().await
    }

    async fn read_reply(&mut self) -> Reply {
        let head_end = loop {
            if let Some(at) = find(&self.buf, b"\r\n\r\n") {
                break at;
            }
            self.fill().await;
        };
        let head = std::str::from_utf8(&self.buf[..head_end]).expect("an ASCII head");
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .expect("a status line");
        let (mut length, mut chunked, mut location) = (0, false, None);
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().expect("a length");
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            } else if name.eq_ignore_ascii_case("location") {
                location = Some(value.to_owned());
            }
        }
        self.buf.drain(..head_end + 4);
        let body = if chunked {
            self.read_chunks().await
        } else {
            self.take(length).await
        };
        Reply {
            status,
            location,
            body,
        }
    }

    /// The next `n` bytes.
    async fn take(&mut self, n: usize) -> Vec<u8> {
        while self.buf.len() < n {
            self.fill().await;
        }
        self.buf.drain(..n).collect()
    }

    async fn read_chunks(&mut self) -> Vec<u8> {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(at) = find(&self.buf, b"\r\n") {
                    break at;
                }
                self.fill().await;
            };
            let size = std::str::from_utf8(&self.buf[..line_end])
                .ok()
                .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok())
                .expect("a chunk size");
            self.buf.drain(..line_end + 2);
            let chunk = self.take(size + 2).await;
            if size == 0 {
                return body;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }

    async fn fill(&mut self) {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.stream.read(&mut chunk).await.expect("read an answer");
        assert!(n > 0, "the server closed the connection");
        self.buf.extend_from_slice(&chunk[..n]);
    }
}

/// `Authorization: Basic …` for a client id and secret.
pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

/// The string value of the first `"name":"…"` member of a JSON text (values the mock writes
/// without escapes: ids, tokens, URLs), without parsing the whole document.
pub fn json_str<'a>(body: &'a [u8], name: &str) -> Option<&'a str> {
    let key = format!("\"{name}\":\"");
    let start = find(body, key.as_bytes())? + key.len();
    let len = body[start..].iter().position(|&b| b == b'"')?;
    std::str::from_utf8(&body[start..start + len]).ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
