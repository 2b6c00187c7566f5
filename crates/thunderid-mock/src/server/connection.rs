//! One HTTP connection with the real server's timeouts (`cmd/server/main.go`): the request headers
//! must arrive within 10 s (`ReadHeaderTimeout`), a response write may stall at most 10 s
//! (`WriteTimeout`), and a connection idle for 120 s is closed (`IdleTimeout`). A slow or silent
//! client therefore holds a connection, and its memory, only for a bounded time.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

pub(crate) const READ_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(120);

/// Serve `app` on one accepted stream until the client or a timeout ends it, or until `closing`
/// turns true: then an idle keep-alive connection closes at once and a request in flight finishes.
pub(crate) async fn serve_connection<S>(
    stream: S,
    app: Router,
    mut closing: tokio::sync::watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(READ_HEADER_TIMEOUT);
    builder.http2().timer(TokioTimer::new());
    let io = TokioIo::new(Deadlines::new(stream));
    let connection = builder.serve_connection_with_upgrades(io, TowerToHyperService::new(app));
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        _ = closing.wait_for(|closing| *closing) => {}
    }
    connection.as_mut().graceful_shutdown();
    let _ = connection.await;
}

/// The connections one listener serves: each told to close when the listener stops, and aborted
/// when the set is dropped.
#[derive(Debug)]
pub(crate) struct Connections {
    tasks: tokio::task::JoinSet<()>,
    closing: tokio::sync::watch::Sender<bool>,
}

impl Connections {
    pub(crate) fn new() -> Self {
        Self {
            tasks: tokio::task::JoinSet::new(),
            closing: tokio::sync::watch::Sender::new(false),
        }
    }

    /// Serve `app` on `stream` beside the others.
    pub(crate) fn serve<S>(&mut self, stream: S, app: Router)
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        // Finished connections leave the set as new ones come.
        while self.tasks.try_join_next().is_some() {}
        self.tasks
            .spawn(serve_connection(stream, app, self.closing.subscribe()));
    }

    /// A task that ends in its own way (a TLS handshake first) but closes with the others.
    #[cfg(feature = "tls")]
    pub(crate) fn spawn(
        &mut self,
        task: impl FnOnce(
            tokio::sync::watch::Receiver<bool>,
        ) -> Pin<Box<dyn Future<Output = ()> + Send>>,
    ) {
        while self.tasks.try_join_next().is_some() {}
        self.tasks.spawn(task(self.closing.subscribe()));
    }

    /// Tell every connection to close, and wait until they have.
    pub(crate) async fn close(mut self) {
        let _ = self.closing.send(true);
        while self.tasks.join_next().await.is_some() {}
    }
}

/// A stream whose reads fail after [`IDLE_TIMEOUT`] without a byte, and whose writes fail after
/// [`WRITE_TIMEOUT`] without progress.
struct Deadlines<S> {
    inner: S,
    read: Pin<Box<Sleep>>,
    write: Pin<Box<Sleep>>,
    writing: bool,
}

impl<S> Deadlines<S> {
    fn new(inner: S) -> Self {
        Self {
            inner,
            read: Box::pin(tokio::time::sleep(IDLE_TIMEOUT)),
            write: Box::pin(tokio::time::sleep(WRITE_TIMEOUT)),
            writing: false,
        }
    }
}

fn timed_out(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, what.to_owned())
}

impl<S: AsyncRead + Unpin> AsyncRead for Deadlines<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                this.read.as_mut().reset(Instant::now() + IDLE_TIMEOUT);
                Poll::Ready(result)
            }
            Poll::Pending => match this.read.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(timed_out("idle timeout"))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl<S: AsyncWrite + Unpin> Deadlines<S> {
    /// A write that made progress resets the deadline; one that stalls past it fails.
    fn track<T>(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match polled {
            Poll::Ready(result) => {
                self.writing = false;
                Poll::Ready(result)
            }
            Poll::Pending => {
                if !self.writing {
                    self.writing = true;
                    self.write.as_mut().reset(Instant::now() + WRITE_TIMEOUT);
                }
                match self.write.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Err(timed_out("write timeout"))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Deadlines<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.track(cx, polled)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let polled = Pin::new(&mut self.inner).poll_flush(cx);
        self.track(cx, polled)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let polled = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.track(cx, polled)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.track(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_silent_client_is_cut_off_after_the_idle_timeout() {
        let (client, server) = tokio::io::duplex(64);
        let mut server = Deadlines::new(server);
        let mut buf = [0u8; 8];
        let read = tokio::spawn(async move { server.read(&mut buf).await });
        tokio::time::sleep(IDLE_TIMEOUT - Duration::from_secs(1)).await;
        assert!(!read.is_finished());
        tokio::time::sleep(Duration::from_secs(2)).await;
        let error = read.await.expect("joined").expect_err("timed out");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        drop(client);
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_stops_reading_is_cut_off_after_the_write_timeout() {
        let (_client, server) = tokio::io::duplex(16);
        let mut server = Deadlines::new(server);
        let write = tokio::spawn(async move { server.write_all(&[0u8; 1024]).await });
        tokio::time::sleep(WRITE_TIMEOUT + Duration::from_secs(1)).await;
        let error = write.await.expect("joined").expect_err("timed out");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    }
}
