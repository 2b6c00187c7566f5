//! `--tls`: HTTPS with a self-signed certificate for `localhost`, made at start and written to a file
//! so clients can trust it (e.g. `NODE_EXTRA_CA_CERTS`) instead of turning TLS checks off.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::Extension;
use axum::extract::ConnectInfo;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

use crate::faults::FaultListener;
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
    let cert_path = write_private(&certified.cert.pem())?;
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

/// Write the certificate into a new directory with an unguessable name, made by this process
/// (`create_dir` fails on anything already there, a planted symlink included) and readable only by
/// this user; the file is created new, never opened through an existing path.
fn write_private(pem: &str) -> Result<PathBuf> {
    use std::io::Write;
    let dir = std::env::temp_dir().join(format!(
        "thunderid-mock-tls-{}-{}",
        std::process::id(),
        crate::ids::random_hex(8)
    ));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(&dir)
        .with_context(|| format!("cannot create {}", dir.display()))?;
    let cert_path = dir.join("localhost-cert.pem");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&cert_path)
        .with_context(|| format!("cannot create {}", cert_path.display()))?;
    file.write_all(pem.as_bytes())
        .with_context(|| format!("cannot write {}", cert_path.display()))?;
    Ok(cert_path)
}

/// [`crate::serve`] over TLS.
pub async fn serve_tls(
    listener: TcpListener,
    state: AppState,
    acceptor: TlsAcceptor,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = crate::app::router(state);
    let listener = FaultListener(listener);
    let mut connections = crate::server::Connections::new();
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept_stream() => accepted,
            () = &mut shutdown => break,
        };
        let acceptor = acceptor.clone();
        // Each request carries its connection, so a fault rule can drop or reset it.
        let connection = ConnectInfo(stream.connection().clone());
        let app = app.clone().layer(Extension(connection));
        connections.spawn(move |closing| {
            Box::pin(async move {
                // A failed or stalled handshake (e.g. a client that does not trust the
                // certificate) only ends that connection.
                let handshake = acceptor.accept(stream);
                let Ok(Ok(stream)) =
                    tokio::time::timeout(crate::server::READ_HEADER_TIMEOUT, handshake).await
                else {
                    return;
                };
                crate::server::serve_connection(stream, app, closing).await;
            })
        });
    }
    drop(listener);
    connections.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_goes_to_a_new_private_directory_not_a_planted_path() {
        // What an attacker could plant at the old, predictable path.
        let planted =
            std::env::temp_dir().join(format!("thunderid-mock-tls-{}", std::process::id()));
        let path = write_private("pem").expect("written");
        assert!(!path.starts_with(&planted) || path.parent() != Some(planted.as_path()));
        assert_eq!(std::fs::read_to_string(&path).expect("readable"), "pem");
        let other = write_private("pem").expect("written again");
        assert_ne!(
            path.parent(),
            other.parent(),
            "each start has its own directory"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let dir = path.parent().expect("a directory");
            let mode = std::fs::metadata(dir).expect("exists").permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        for p in [path, other] {
            let _ = std::fs::remove_dir_all(p.parent().expect("a directory"));
        }
    }
}
