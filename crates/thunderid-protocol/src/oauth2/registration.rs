//! `POST /oauth2/dcr/register`: dynamic client registration (RFC 7591 as the server implements it;
//! `O2/dcr/handler.go`, `service.go`, `model.go`).
//!
//! The caller needs a Bearer token holding `system` (unless `oauth.dcr.insecure`). The body is a
//! JSON [`ClientRegistrationRequest`]; the answer is **201** [`ClientRegistrationResponse`] with the
//! members in alphabetical order, or envelope B (`invalid_client_metadata`,
//! `invalid_redirect_uri`; 401 `unauthorized_client` without the permission). The new client is an
//! application of type `custom` and signs in at once. Localized variants (`client_name#fr`) are
//! extra members, kept in [`ClientRegistrationRequest::localized`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The registration request. Unknown members are ignored by the server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClientRegistrationRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ou_id: Option<String>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub post_logout_redirect_uris: Vec<String>,
    /// `["authorization_code"]` when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grant_types: Vec<String>,
    /// `["code"]` when empty and `authorization_code` is among the grants.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_types: Vec<String>,
    /// Unique among applications; the `client_id` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_uri: Option<String>,
    /// `client_secret_basic` when absent; `none` makes a public client that must use PKCE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint_auth_method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks: Option<Value>,
    /// Space-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tos_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_uri: Option<String>,
    #[serde(default, skip_serializing_if = "crate::oauth2::is_false")]
    pub require_pushed_authorization_requests: bool,
    #[serde(default, skip_serializing_if = "crate::oauth2::is_false")]
    pub dpop_bound_access_tokens: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_signed_response_alg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_encrypted_response_alg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_encrypted_response_enc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token_encrypted_response_alg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token_encrypted_response_enc: Option<String>,
    /// `client_name#<tag>`, `logo_uri#<tag>`, `tos_uri#<tag>`, `policy_uri#<tag>` (and anything
    /// else not named above).
    #[serde(flatten)]
    pub localized: BTreeMap<String, Value>,
}

/// The registered client. Members the server leaves empty are omitted (but
/// `client_secret_expires_at` is always there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientRegistrationResponse {
    /// The application id (UUIDv7).
    #[serde(default)]
    pub app_id: String,
    /// 22 base64url characters.
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    /// For `client_secret_basic` and `client_secret_post`: 43 base64url characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<crate::secret::ClientSecret>,
    /// Always 0: the secret does not expire.
    #[serde(default)]
    pub client_secret_expires_at: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<String>,
    #[serde(default, skip_serializing_if = "crate::oauth2::is_false")]
    pub dpop_bound_access_tokens: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grant_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token_encrypted_response_alg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token_encrypted_response_enc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub post_logout_redirect_uris: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirect_uris: Vec<String>,
    #[serde(default, skip_serializing_if = "crate::oauth2::is_false")]
    pub require_pushed_authorization_requests: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint_auth_method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tos_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_encrypted_response_alg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_encrypted_response_enc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_signed_response_alg: Option<String>,
    /// The localized variants sent, echoed (`client_name#fr`, …).
    #[serde(flatten)]
    pub localized: BTreeMap<String, Value>,
}
