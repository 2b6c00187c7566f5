//! Where an embedded server's task runs: its own thread and runtime (the default), a runtime shared
//! by the process's servers, or the caller's runtime; and how it stops.

use std::net::TcpListener as StdTcpListener;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::serve;
use crate::state::AppState;

/// Where a server's task runs.
#[derive(Debug, Default)]
pub(super) enum RuntimeChoice {
    /// Its own thread with a two-worker runtime: independent of the caller's runtime.
    #[default]
    Dedicated,
    /// The process-wide runtime that every server built with `shared_runtime()` joins.
    Shared,
    /// The caller's runtime.
    Handle(tokio::runtime::Handle),
}

/// The runtime behind [`MockServerBuilder::shared_runtime`]: built on first use, two workers on
/// their own threads, for the life of the process. It carries no server state (keys and clocks stay
/// per server), only the threads that poll the servers' tasks.
pub(super) fn shared_runtime() -> std::io::Result<tokio::runtime::Handle> {
    static SHARED: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    if let Some(runtime) = SHARED.get() {
        return Ok(runtime.handle().clone());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("thunderid-mock-shared")
        .enable_all()
        .build()?;
    // Two first callers may both build one; the loser's is dropped here, before it ran anything.
    Ok(SHARED.get_or_init(|| runtime).handle().clone())
}

/// The server thread: its own two-worker runtime until shutdown.
pub(super) fn run_server(
    listener: StdTcpListener,
    state: AppState,
    shutdown: oneshot::Receiver<()>,
    stopped: oneshot::Sender<()>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the mock's runtime");
            return;
        }
    };
    runtime.block_on(serve_until(listener, state, shutdown));
    runtime.shutdown_timeout(Duration::from_secs(1));
    let _ = stopped.send(());
}

/// Serve until `shutdown` fires or its sender is dropped, then give in-flight requests a second:
/// a client holding a keep-alive connection must not keep the server (or its thread) alive.
pub(super) async fn serve_until(
    listener: StdTcpListener,
    state: AppState,
    shutdown: oneshot::Receiver<()>,
) {
    let listener = match TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(e) => {
            tracing::error!(error = %e, "cannot adopt the listener");
            return;
        }
    };
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let serving = serve(listener, state, async {
        let _ = stop_rx.await;
    });
    tokio::pin!(serving);
    let result = tokio::select! {
        result = &mut serving => result,
        _ = shutdown => {
            let _ = stop_tx.send(());
            tokio::time::timeout(Duration::from_secs(1), &mut serving)
                .await
                .unwrap_or(Ok(()))
        }
    };
    if let Err(e) = result {
        tracing::error!(error = %e, "the mock server stopped with an error");
    }
}
