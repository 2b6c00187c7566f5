//! An async Rust client for ThunderID. Filled in by the client issue; today it only re-exports the
//! protocol types it will speak.

pub use thunderid_protocol as protocol;
