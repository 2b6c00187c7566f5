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

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the registration types.
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::strategies::{json_value, opt_text, text};
    use crate::secret::ClientSecret;

    fn texts() -> impl Strategy<Value = Vec<String>> + Clone {
        prop::collection::vec(text(), 0..3)
    }

    /// Localized variants: keys carry a `#` so they never collide with a modelled member.
    fn localized() -> impl Strategy<Value = BTreeMap<String, Value>> {
        prop::collection::btree_map(
            "(client_name|logo_uri|tos_uri|policy_uri)#[a-z]{2}",
            json_value(),
            0..3,
        )
    }

    /// Any [`ClientRegistrationRequest`].
    pub fn client_registration_request() -> impl Strategy<Value = ClientRegistrationRequest> {
        (
            (opt_text(), texts(), texts(), texts(), texts(), opt_text()),
            (opt_text(), opt_text(), opt_text(), opt_text(), opt_text()),
            (
                texts(),
                opt_text(),
                opt_text(),
                any::<bool>(),
                any::<bool>(),
            ),
            (opt_text(), opt_text(), localized()),
        )
            .prop_map(
                |(
                    (ou_id, redirect_uris, post_logout, grant_types, response_types, client_name),
                    (client_uri, logo_uri, method, jwks_uri, scope),
                    (contacts, tos_uri, policy_uri, require_par, dpop),
                    (userinfo_alg, id_token_alg, localized),
                )| ClientRegistrationRequest {
                    ou_id,
                    redirect_uris,
                    post_logout_redirect_uris: post_logout,
                    grant_types,
                    response_types,
                    client_name,
                    client_uri,
                    logo_uri,
                    token_endpoint_auth_method: method,
                    jwks_uri,
                    jwks: None,
                    scope,
                    contacts,
                    tos_uri,
                    policy_uri,
                    require_pushed_authorization_requests: require_par,
                    dpop_bound_access_tokens: dpop,
                    userinfo_signed_response_alg: userinfo_alg,
                    userinfo_encrypted_response_alg: None,
                    userinfo_encrypted_response_enc: None,
                    id_token_encrypted_response_alg: id_token_alg,
                    id_token_encrypted_response_enc: None,
                    localized,
                },
            )
    }

    /// Any [`ClientRegistrationResponse`].
    pub fn client_registration_response() -> impl Strategy<Value = ClientRegistrationResponse> {
        (
            (text(), text(), opt_text(), opt_text(), any::<u64>()),
            (texts(), texts(), texts(), texts(), opt_text()),
            (opt_text(), any::<bool>(), localized()),
        )
            .prop_map(
                |(
                    (app_id, client_id, client_name, secret, expires_at),
                    (redirect_uris, grant_types, response_types, contacts, scope),
                    (method, require_par, localized),
                )| ClientRegistrationResponse {
                    app_id,
                    client_id,
                    client_name,
                    client_secret: secret.map(ClientSecret::new),
                    client_secret_expires_at: expires_at,
                    client_uri: None,
                    contacts,
                    dpop_bound_access_tokens: false,
                    grant_types,
                    id_token_encrypted_response_alg: None,
                    id_token_encrypted_response_enc: None,
                    jwks: None,
                    jwks_uri: None,
                    logo_uri: None,
                    policy_uri: None,
                    post_logout_redirect_uris: Vec::new(),
                    redirect_uris,
                    require_pushed_authorization_requests: require_par,
                    response_types,
                    scope,
                    token_endpoint_auth_method: method,
                    tos_uri: None,
                    userinfo_encrypted_response_alg: None,
                    userinfo_encrypted_response_enc: None,
                    userinfo_signed_response_alg: None,
                    localized,
                },
            )
    }
}
