//! The two error envelopes ThunderID puts on the wire, and every error code as an enum.
//!
//! * **API error** (`{code, message, description}`), used by `/flow/execute`, `/users/**`,
//!   `/organization-units/**` and the security middleware: [`ApiError`] with an [`ApiErrorCode`].
//! * **OAuth error** (`{error, error_description}`), used under `/oauth2/*`: [`OAuthErrorResponse`]
//!   with an [`OAuthErrorCode`].
//!
//! The code table in `error/codes.rs` was read from the real server's error constants
//! (`backend/internal/**/error_constants.go` at `thunder-id/thunderid` 4e69e01), so code, i18n keys and
//! default texts match byte for byte.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod codes;

pub use codes::ApiErrorCode;

/// An i18n message: a translation key and the English default.
///
/// `params` carries the values for `{{param(name)}}` placeholders (e.g. FET-1061's `attribute`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct I18nMessage {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<std::collections::BTreeMap<String, String>>,
}

impl I18nMessage {
    pub fn new(key: impl Into<String>, default_value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            default_value: Some(default_value.into()),
            params: None,
        }
    }
}

/// Envelope A: `{"code","message":{key,defaultValue},"description":{key,defaultValue}}`.
///
/// Also the shape of the in-band `error` object of a flow response. An HTTP-level flow error on an
/// OAuth-initiated execution adds `errorAssertion` (see [`crate::flow::FlowErrorResponse`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ApiErrorCode,
    pub message: I18nMessage,
    pub description: I18nMessage,
}

impl ApiError {
    /// The error exactly as the server renders `code` by default.
    pub fn from_code(code: &ApiErrorCode) -> Self {
        code.to_error()
    }

    /// Attach `params` to both messages (FET-1061 uses `{"attribute": "email"}`).
    pub fn with_params(mut self, params: std::collections::BTreeMap<String, String>) -> Self {
        self.message.params = Some(params.clone());
        self.description.params = Some(params);
        self
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self
            .description
            .default_value
            .as_deref()
            .or(self.message.default_value.as_deref());
        match text {
            Some(text) => write!(f, "{}: {text}", self.code),
            None => write!(f, "{}", self.code),
        }
    }
}

impl std::error::Error for ApiError {}

/// How a code reaches the client: as an HTTP status of its own, or in band inside a 200 flow response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorTransport {
    /// Returned with this HTTP status in envelope A.
    Http(u16),
    /// Carried in `error` of an HTTP 200 flow response (`INCOMPLETE` re-prompt or `ERROR`).
    InBand,
}

impl ApiErrorCode {
    /// Where the server puts this code: the HTTP status, or in band (200).
    pub fn transport(&self) -> ErrorTransport {
        match self.http_status() {
            200 => ErrorTransport::InBand,
            status => ErrorTransport::Http(status),
        }
    }

    /// The envelope-A body the server sends for this code, with its default texts.
    pub fn to_error(&self) -> ApiError {
        ApiError {
            code: self.clone(),
            message: I18nMessage::new(self.message_key(), self.message_default()),
            description: I18nMessage::new(self.description_key(), self.description_default()),
        }
    }
}

/// OAuth 2.0 error codes (RFC 6749 §4.1.2.1 / §5.2, RFC 6750 §3.1, RFC 8693, RFC 8707, RFC 9449,
/// OIDC Core §3.1.2.6, CIBA) as the server emits them.
///
/// Open enum: an unknown code round-trips through [`OAuthErrorCode::Other`]; the mock never emits it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OAuthErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    InvalidScope,
    InvalidTarget,
    AccessDenied,
    ServerError,
    TemporarilyUnavailable,
    InvalidToken,
    InsufficientScope,
    LoginRequired,
    AccountSelectionRequired,
    ConsentRequired,
    InteractionRequired,
    InvalidRequestUri,
    InvalidRequestObject,
    InvalidDpopProof,
    AuthorizationPending,
    SlowDown,
    ExpiredToken,
    InvalidClientMetadata,
    InvalidRedirectUri,
    UnsupportedTokenType,
    /// CIBA: the `binding_message` is too long or not printable.
    InvalidBindingMessage,
    /// CIBA: no user matches the hint.
    UnknownUserId,
    /// A code this crate does not know, kept verbatim.
    Other(String),
}

impl OAuthErrorCode {
    /// Every code this crate knows, in declaration order (for coverage gates and tests).
    pub const KNOWN: &'static [OAuthErrorCode] = &[
        Self::InvalidRequest,
        Self::InvalidClient,
        Self::InvalidGrant,
        Self::UnauthorizedClient,
        Self::UnsupportedGrantType,
        Self::UnsupportedResponseType,
        Self::InvalidScope,
        Self::InvalidTarget,
        Self::AccessDenied,
        Self::ServerError,
        Self::TemporarilyUnavailable,
        Self::InvalidToken,
        Self::InsufficientScope,
        Self::LoginRequired,
        Self::AccountSelectionRequired,
        Self::ConsentRequired,
        Self::InteractionRequired,
        Self::InvalidRequestUri,
        Self::InvalidRequestObject,
        Self::InvalidDpopProof,
        Self::AuthorizationPending,
        Self::SlowDown,
        Self::ExpiredToken,
        Self::InvalidClientMetadata,
        Self::InvalidRedirectUri,
        Self::UnsupportedTokenType,
        Self::InvalidBindingMessage,
        Self::UnknownUserId,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::InvalidScope => "invalid_scope",
            Self::InvalidTarget => "invalid_target",
            Self::AccessDenied => "access_denied",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
            Self::LoginRequired => "login_required",
            Self::AccountSelectionRequired => "account_selection_required",
            Self::ConsentRequired => "consent_required",
            Self::InteractionRequired => "interaction_required",
            Self::InvalidRequestUri => "invalid_request_uri",
            Self::InvalidRequestObject => "invalid_request_object",
            Self::InvalidDpopProof => "invalid_dpop_proof",
            Self::AuthorizationPending => "authorization_pending",
            Self::SlowDown => "slow_down",
            Self::ExpiredToken => "expired_token",
            Self::InvalidClientMetadata => "invalid_client_metadata",
            Self::InvalidRedirectUri => "invalid_redirect_uri",
            Self::UnsupportedTokenType => "unsupported_token_type",
            Self::InvalidBindingMessage => "invalid_binding_message",
            Self::UnknownUserId => "unknown_user_id",
            Self::Other(s) => s,
        }
    }

    /// Parse a wire string; unknown codes become [`OAuthErrorCode::Other`].
    pub fn parse(s: &str) -> Self {
        Self::KNOWN
            .iter()
            .find(|c| c.as_str() == s)
            .cloned()
            .unwrap_or_else(|| Self::Other(s.to_owned()))
    }
}

impl fmt::Display for OAuthErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for OAuthErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for OAuthErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Self::parse(&s))
    }
}

/// Envelope B: `{"error","error_description"}`. The server always writes both keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthErrorResponse {
    pub error: OAuthErrorCode,
    #[serde(default)]
    pub error_description: String,
}

impl OAuthErrorResponse {
    pub fn new(error: OAuthErrorCode, description: impl Into<String>) -> Self {
        Self {
            error,
            error_description: description.into(),
        }
    }
}

impl fmt::Display for OAuthErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.error_description)
    }
}

impl std::error::Error for OAuthErrorResponse {}

/// The body of a request that failed the server's struct-tag validation (`DecodeJSONBody` →
/// `WriteStructuredErrorResponse`, `backend/internal/system/utils/http_util.go`), sent with 400 before
/// any service code runs, e.g. by `POST /organization-units` without a `handle`:
/// `{"code":"INVALID_INPUT_METADATA","message":"Validation Failed","description":"…","errors":{"handle":"…"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldValidationError {
    /// Always [`FieldValidationError::CODE`].
    pub code: String,
    /// Always `Validation Failed`.
    pub message: String,
    pub description: String,
    /// JSON field name → reason, one entry per failing field.
    pub errors: std::collections::BTreeMap<String, String>,
}

impl FieldValidationError {
    /// The fixed `code`.
    pub const CODE: &'static str = "INVALID_INPUT_METADATA";

    /// The body for these field errors, with the server's fixed texts.
    pub fn new(errors: std::collections::BTreeMap<String, String>) -> Self {
        Self {
            code: Self::CODE.to_owned(),
            message: "Validation Failed".to_owned(),
            description: "One or more inbound fields failed structural edge-boundary rules."
                .to_owned(),
            errors,
        }
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the error types.
    use proptest::prelude::*;

    use super::*;

    pub fn api_error_code() -> impl Strategy<Value = ApiErrorCode> {
        prop_oneof![
            prop::sample::select(ApiErrorCode::ALL.to_vec()),
            "[A-Z]{2,4}-[0-9]{4,5}".prop_map(|s| ApiErrorCode::parse(&s)),
        ]
    }

    pub fn oauth_error_code() -> impl Strategy<Value = OAuthErrorCode> {
        prop_oneof![
            prop::sample::select(OAuthErrorCode::KNOWN.to_vec()),
            "[a-z_]{1,20}".prop_map(|s| OAuthErrorCode::parse(&s)),
        ]
    }

    pub fn i18n_message() -> impl Strategy<Value = I18nMessage> {
        (
            "[a-z._]{1,30}",
            proptest::option::of(".{0,40}"),
            proptest::option::of(prop::collection::btree_map("[a-z]{1,8}", ".{0,10}", 0..3)),
        )
            .prop_map(|(key, default_value, params)| I18nMessage {
                key,
                default_value,
                params,
            })
    }

    pub fn api_error() -> impl Strategy<Value = ApiError> {
        (api_error_code(), i18n_message(), i18n_message()).prop_map(
            |(code, message, description)| ApiError {
                code,
                message,
                description,
            },
        )
    }

    pub fn oauth_error_response() -> impl Strategy<Value = OAuthErrorResponse> {
        (oauth_error_code(), ".{0,60}").prop_map(|(error, d)| OAuthErrorResponse::new(error, d))
    }
}

#[cfg(test)]
mod tests;
