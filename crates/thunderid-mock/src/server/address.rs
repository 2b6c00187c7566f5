//! The builder's settings for where the server listens and the addresses it gives itself: the
//! socket, the public base URL and the issuer.

use std::net::{SocketAddr, TcpListener as StdTcpListener};

use super::MockServerBuilder;

impl MockServerBuilder {
    /// Bind this address (default `127.0.0.1:0`: loopback, a free port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = Some(addr);
        self
    }

    /// Serve on this already bound listener instead of binding [`Self::bind`]'s address: a test
    /// that must know the port before the server is built (to name it in [`Self::public_url`])
    /// binds port 0 itself and hands the socket over, so no other process can take the port
    /// between the two.
    pub fn listener(mut self, listener: StdTcpListener) -> Self {
        self.listener = Some(listener);
        self
    }

    /// The externally visible base URL (links, redirects, and the issuer unless [`Self::issuer`]
    /// is set). Default: `http://<bound address>`.
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// The `iss` of every token and of discovery. Default: the base URL.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }
}
