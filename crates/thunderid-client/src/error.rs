//! Errors. [`Error`] keeps apart what the server said (OAuth and API envelopes), what the transport
//! did, what could not be decoded (with the raw body), and what the client itself refused (ID token,
//! callback, flow and session checks), each as a typed variant.

use bytes::Bytes;
use thunderid_protocol::OAuthErrorResponse;
use thunderid_protocol::error::ApiError;
use thunderid_protocol::ids::{IssuerUrl, KeyId};
use thunderid_protocol::oauth2::{AuthorizationErrorParams, GateErrorParams};
use thunderid_protocol::scim::ScimError;

use crate::config::ConfigError;
use crate::http::TransportError;

/// Everything that can go wrong in a client operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration does not allow the operation.
    #[error("configuration: {0}")]
    Config(#[from] ConfigError),
    /// No HTTP response arrived.
    #[error("transport: {0}")]
    Transport(#[from] TransportError),
    /// A request body could not be encoded.
    #[error("cannot encode the request: {0}")]
    Encode(String),
    /// An OAuth endpoint answered with the OAuth error envelope (`{error, error_description}`).
    #[error("OAuth error (HTTP {status}): {body}")]
    OAuth {
        /// The HTTP status.
        status: u16,
        /// The error body.
        body: OAuthErrorResponse,
    },
    /// A ThunderID API (`/flow/execute`, `/users/**`) answered with the API error envelope
    /// (`{code, message, description}`), e.g. `FES-1004` for an unknown execution.
    #[error("API error (HTTP {status}): {body}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The error body (boxed: it is the largest payload and errors travel by value).
        body: Box<ApiError>,
    },
    /// A SCIM endpoint answered with a SCIM error.
    #[error("SCIM error (HTTP {status}): {}", body.detail.as_deref().unwrap_or("no detail"))]
    Scim {
        /// The HTTP status.
        status: u16,
        /// The error body.
        body: ScimError,
    },
    /// A status the operation does not accept, with a body that is no error envelope (e.g. a 204
    /// where the SDK contract requires 200, or a 401 with an empty body).
    #[error("unexpected response (HTTP {status})")]
    UnexpectedResponse {
        /// The HTTP status.
        status: u16,
        /// The raw body.
        body: Bytes,
    },
    /// A response body did not have the expected shape.
    #[error("cannot decode the response (HTTP {status}) at `{path}`: {message}")]
    Decode {
        /// The HTTP status.
        status: u16,
        /// Where in the document decoding failed (`keys[0].kty`).
        path: String,
        /// The decoder's message.
        message: String,
        /// The raw body.
        body: Bytes,
    },
    /// The discovery document cannot be trusted.
    #[error("discovery: {0}")]
    Discovery(#[from] DiscoveryError),
    /// An ID token (or flow assertion) failed validation.
    #[error("ID token rejected: {0}")]
    IdToken(#[from] IdTokenError),
    /// The authorization response (the redirect back to the app) was refused.
    #[error("authorization callback: {0}")]
    Callback(#[from] CallbackError),
    /// An app-native flow could not go on.
    #[error("flow: {0}")]
    Flow(#[from] FlowError),
    /// A session-facade operation failed.
    #[error("session: {0}")]
    Session(#[from] SessionError),
}

/// Why a discovery document was refused. Other discovery failures (non-200, bad JSON, transport)
/// fall back to the endpoints derived from the base URL, as the SDKs do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// The document names another issuer than the one configured (mix-up protection).
    #[error("the document's issuer {found} is not the expected {expected}")]
    IssuerMismatch {
        /// The configured issuer.
        expected: IssuerUrl,
        /// The document's `issuer`.
        found: IssuerUrl,
    },
}

/// Why an ID token (or a flow assertion) was rejected. Each check fails with its own variant.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdTokenError {
    /// Not a compact JWS with a JSON header and the expected claims.
    #[error("malformed token: {0}")]
    Malformed(String),
    /// The header's `alg` is not one of RS256, RS384, RS512, PS256 (`none` and HMAC included): refused
    /// before any key is looked at.
    #[error("algorithm {0:?} is not accepted")]
    UnsupportedAlgorithm(String),
    /// No key in the JWKS has this `kid`, even after fetching the JWKS again (`None`: no `kid`).
    #[error("no key with kid {kid:?} in the JWKS")]
    UnknownKey {
        /// The header's `kid`.
        kid: Option<KeyId>,
    },
    /// The key with this `kid` cannot verify this token (not RSA, not for signing, another `alg`).
    #[error("key {kid} cannot verify the token: {reason}")]
    UnusableKey {
        /// The key's id.
        kid: KeyId,
        /// Why.
        reason: String,
    },
    /// The signature does not verify with the key.
    #[error("the signature does not verify")]
    BadSignature,
    /// `iss` is not the expected issuer.
    #[error("issuer {found} is not the expected {expected}")]
    WrongIssuer {
        /// The expected issuer.
        expected: IssuerUrl,
        /// The token's `iss`.
        found: IssuerUrl,
    },
    /// `aud` does not contain the client id (or application id, for assertions).
    #[error("audience {found:?} does not contain {expected}")]
    WrongAudience {
        /// The expected audience.
        expected: String,
        /// The token's audiences.
        found: Vec<String>,
    },
    /// `exp` (plus the leeway) is in the past.
    #[error("expired at {expires_at} (now {now})")]
    Expired {
        /// The token's `exp`.
        expires_at: u64,
        /// The client's clock.
        now: u64,
    },
    /// `nbf` (minus the leeway) is in the future.
    #[error("not valid before {not_before} (now {now})")]
    NotYetValid {
        /// The token's `nbf`.
        not_before: u64,
        /// The client's clock.
        now: u64,
    },
    /// The header's `typ` says this is not an ID token or assertion (e.g. `at+jwt`, an access token
    /// passed off as an ID token).
    #[error("token type {0:?} is not JWT")]
    WrongType(String),
    /// `iat` (minus the leeway) is in the future.
    #[error("issued at {issued_at}, in the future (now {now})")]
    IssuedInFuture {
        /// The token's `iat`.
        issued_at: u64,
        /// The client's clock.
        now: u64,
    },
    /// Several audiences and no `azp` naming this client, or an `azp` of another party.
    #[error("authorized party {found:?} is not this client")]
    WrongAuthorizedParty {
        /// The token's `azp`, if it has one.
        found: Option<String>,
    },
    /// `at_hash` is not the hash of the access token it came with.
    #[error("at_hash does not match the access token")]
    AccessTokenHashMismatch,
    /// `c_hash` is not the hash of the authorization code it was redeemed for.
    #[error("c_hash does not match the authorization code")]
    CodeHashMismatch,
    /// `nonce` is not the one sent in the authorization request.
    #[error("nonce mismatch")]
    NonceMismatch {
        /// The token's nonce (the expected one is not repeated here).
        found: Option<String>,
    },
    /// The JWKS could not be fetched or read.
    #[error("cannot load the JWKS: {0}")]
    Jwks(Box<Error>),
}

/// Why an authorization response (the redirect back with `code` or `error`) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// The callback is neither a URL nor a query string.
    #[error("malformed callback: {0}")]
    Malformed(String),
    /// `state` is missing.
    #[error("the callback has no state")]
    MissingState,
    /// `state` is not the one sent (CSRF or a mixed-up response).
    #[error("the callback's state is not the one sent")]
    StateMismatch,
    /// The server advertises RFC 9207 but the callback has no `iss`.
    #[error("the callback has no iss parameter")]
    MissingIssuer,
    /// `iss` is not the expected issuer (RFC 9207 mix-up protection).
    #[error("the callback's iss {found} is not the expected {expected}")]
    IssuerMismatch {
        /// The expected issuer.
        expected: IssuerUrl,
        /// The callback's `iss`.
        found: IssuerUrl,
    },
    /// The server answered with an error (`?error=access_denied&…`).
    #[error("the server refused the authorization: {}: {}", .0.error, .0.error_description)]
    Authorization(AuthorizationErrorParams),
    /// The redirect went to the server's error page instead of the app.
    #[error("the server's error page: {}: {}", .0.error_code, .0.error_message)]
    GateError(GateErrorParams),
    /// No `code`.
    #[error("the callback has no code")]
    MissingCode,
}

/// Why an app-native flow could not go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FlowError {
    /// `submit` or `resume` on a flow that has no execution yet.
    #[error("the flow has not been started")]
    NotStarted,
    /// The flow is over (COMPLETE, or ERROR without an execution to retry).
    #[error("the flow has finished")]
    Finished,
    /// The flow completed without an assertion where one is needed to sign in.
    #[error("the flow completed without an assertion")]
    CompletedWithoutAssertion,
    /// `GET /oauth2/authorize` did not redirect to the sign-in page with `authId` and `executionId`.
    #[error("unexpected authorize response (HTTP {status}, Location {location:?})")]
    UnexpectedAuthorizeResponse {
        /// The HTTP status.
        status: u16,
        /// The `Location` header.
        location: Option<String>,
    },
}

/// Why a session-facade operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The session token is missing, tampered with, of the wrong type, or expired.
    #[error("no valid session")]
    NotSignedIn,
    /// No pending sign-in for this temporary session (expired, used, or never started).
    #[error("no pending sign-in: start the authentication flow again")]
    NoPendingSignIn,
    /// The session has no refresh token.
    #[error("the session has no refresh token")]
    NoRefreshToken,
    /// The session store failed.
    #[error("session store: {0}")]
    Store(String),
    /// A stored session record could not be read back.
    #[error("corrupt session record: {0}")]
    CorruptRecord(String),
}

impl Error {
    /// The OAuth error body, when the server answered with one.
    pub fn oauth_error(&self) -> Option<&OAuthErrorResponse> {
        match self {
            Self::OAuth { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The API error body, when the server answered with one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The HTTP status of a server-side failure.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::OAuth { status, .. }
            | Self::Api { status, .. }
            | Self::Scim { status, .. }
            | Self::UnexpectedResponse { status, .. }
            | Self::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }
}
