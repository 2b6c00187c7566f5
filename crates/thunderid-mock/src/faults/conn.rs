//! Connections a fault can close: [`FaultListener`] hands out [`FaultStream`]s, each tied to a
//! [`Connection`] that requests carry (as `ConnectInfo`). Once a rule drops or resets the
//! connection, the stream refuses every further write, so hyper closes it before the response's
//! first byte: the client sees the connection end (or, for a reset, an RST) with no answer.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

const OPEN: u8 = 0;
const DROP: u8 = 1;
const RESET: u8 = 2;

/// One accepted connection, as a request sees it.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    state: Arc<AtomicU8>,
    /// The peer's address (`GET /__mock/keys/fetches` counts JWKS fetches by it).
    peer: Option<SocketAddr>,
}

impl Connection {
    fn new(peer: Option<SocketAddr>) -> Self {
        Self {
            state: Arc::new(AtomicU8::new(OPEN)),
            peer,
        }
    }

    pub(crate) fn peer(&self) -> Option<SocketAddr> {
        self.peer
    }

    /// End the connection without an answer; with `reset`, as a TCP RST.
    pub(crate) fn abort(&self, reset: bool) {
        self.state
            .store(if reset { RESET } else { DROP }, Ordering::SeqCst);
    }
}

/// A TCP listener whose connections faults can close.
#[derive(Debug)]
pub(crate) struct FaultListener(pub TcpListener);

impl FaultListener {
    /// Accept the next connection; errors (too many open files, a peer gone before accept) are
    /// logged and retried, as axum's own listener does.
    pub(crate) async fn accept_stream(&self) -> FaultStream {
        loop {
            match self.0.accept().await {
                Ok((stream, peer)) => {
                    return FaultStream {
                        connection: Connection::new(Some(peer)),
                        inner: stream,
                    };
                }
                Err(e) => {
                    tracing::debug!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }
}

impl Listener for FaultListener {
    type Io = FaultStream;
    /// The connection: its fault switch and its peer's address.
    type Addr = Connection;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let stream = self.accept_stream().await;
        let connection = stream.connection.clone();
        (stream, connection)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr().map(|_| Connection::new(None))
    }
}

impl Connected<IncomingStream<'_, FaultListener>> for Connection {
    fn connect_info(stream: IncomingStream<'_, FaultListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP stream that stops writing once its connection is aborted.
#[derive(Debug)]
pub(crate) struct FaultStream {
    inner: TcpStream,
    connection: Connection,
}

impl FaultStream {
    pub(crate) fn connection(&self) -> &Connection {
        &self.connection
    }

    /// `TCP_NODELAY`, as axum's listener sets it.
    pub(crate) fn set_nodelay(&self, on: bool) {
        let _ = self.inner.set_nodelay(on);
    }

    /// `Some(error)` once aborted; for a reset, the socket is set to send an RST when closed.
    fn aborted(&self) -> Option<io::Error> {
        match self.connection.state.load(Ordering::SeqCst) {
            OPEN => None,
            state => {
                if state == RESET {
                    // Linger 0 only makes the close abortive; it cannot block here.
                    let _ = self.inner.set_zero_linger();
                }
                Some(io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    "connection closed by a fault rule",
                ))
            }
        }
    }
}

impl AsyncRead for FaultStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(e) = self.aborted() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(e) = self.aborted() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.aborted() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.aborted() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
