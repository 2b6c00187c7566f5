//! Steps that drive the Rust client (`thunderid-client`) against the server.

/// The client a scenario drives.
#[derive(Debug, Default)]
pub struct ClientState {}
