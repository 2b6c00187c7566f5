//! `--tls`: HTTPS with a self-signed certificate for `localhost`, made at start and written to a file
//! so clients can trust it (e.g. `NODE_EXTRA_CA_CERTS`) instead of turning TLS checks off.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

use crate::state::AppState;

/// The acceptor and where its certificate was written.
pub struct LocalTls {
    pub acceptor: TlsAcceptor,
    pub cert_path: PathBuf,
}

/// Make a certificate for `localhost`, `127.0.0.1` and `::1`, write it to a temp file.
pub fn self_signed_for_localhost() -> Result<LocalTls> {
    let names = vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    let certified =
        rcgen::generate_simple_self_signed(names).context("cannot make a TLS certificate")?;
    let dir = std::env::temp_dir().join(format!("thunderid-mock-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let cert_path = dir.join("localhost-cert.pem");
    std::fs::write(&cert_path, certified.cert.pem())
        .with_context(|| format!("cannot write {}", cert_path.display()))?;
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .context("TLS protocol versions")?
    .with_no_client_auth()
    .with_single_cert(vec![certified.cert.der().clone()], key)
    .context("TLS server configuration")?;
    Ok(LocalTls {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        cert_path,
    })
}

/// [`crate::serve`] over TLS.
pub async fn serve_tls(
    listener: TcpListener,
    state: AppState,
    acceptor: TlsAcceptor,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = crate::app::router(state);
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => accepted?,
            () = &mut shutdown => return Ok(()),
        };
        let acceptor = acceptor.clone();
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            // A failed handshake (e.g. a client that does not trust the certificate) only ends
            // that connection.
            let Ok(stream) = acceptor.accept(stream).await else {
                return;
            };
            let _ = auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
