//! `GET|POST /oauth2/userinfo`
//!
//! Bearer (or DPoP) access token in, JSON claims out (or a JWT when the app configures JWS/JWE
//! userinfo). Errors are [`crate::OAuthErrorResponse`] with `WWW-Authenticate: Bearer error=…`: no
//! header → 401 with an empty body; malformed header → 400 `invalid_request`; bad or
//! client_credentials token → 401 `invalid_token`; no `openid` scope → 403 `insufficient_scope`
//! (`O2/userinfo/`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The userinfo JSON: `sub` plus the claims of the granted scopes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    #[serde(rename = "sub")]
    pub subject: String,
    /// `name`, `email`, `email_verified`, … as the scopes and the `claims` request allow.
    #[serde(flatten)]
    pub claims: BTreeMap<String, Value>,
}

impl UserInfo {
    /// Userinfo for `subject` with no other claims.
    pub fn new(subject: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            claims: BTreeMap::new(),
        }
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for userinfo.
    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::strategies::{extra_members, text};

    /// Any [`UserInfo`].
    pub fn user_info() -> impl Strategy<Value = UserInfo> {
        (text(), extra_members()).prop_map(|(subject, claims)| UserInfo { subject, claims })
    }
}
