//! OAuth state: pending authorization requests (`authId`), authorization codes, refresh-token
//! families, revoked tokens and pending logouts.

/// Filled in by the OAuth endpoints.
#[derive(Debug, Default)]
pub struct OAuthStore {}
