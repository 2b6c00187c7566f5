//! `GET /oauth2/authorize`
//!
//! The request is a query of raw strings ([`AuthorizeRequest`]; the same parameters form the body of
//! `POST /oauth2/par`). The server always answers 302, to one of:
//! * the gate's sign-in page, on success: [`AuthorizeRedirectParams`];
//! * the client's `redirect_uri` with [`AuthorizationErrorParams`], for errors it may tell the client;
//! * the gate's error page with [`GateErrorParams`], for the others (unknown client, bad `redirect_uri`).
//!
//! After sign-in, `POST /oauth2/auth/callback` (see [`super::callback`]) sends the browser to the
//! client with [`AuthorizationSuccess`] (or [`AuthorizationErrorParams`]).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{FormError, form_params};
use crate::OAuthErrorCode;
use crate::ids::{ApplicationId, AuthId, ExecutionId, IssuerUrl};
use crate::secret::AuthorizationCode;

form_params! {
    /// The authorization request, every parameter as sent.
    ///
    /// Raw strings on purpose: the mock validates them in the server's order with the server's
    /// messages (`O2/authz/service.go`, `validator.go`). Typed views: [`AuthorizeRequest::response_type`],
    /// [`AuthorizeRequest::prompts`], …
    pub struct AuthorizeRequest {
        /// Only `code` is accepted ([`ResponseType`]).
        response_type: Option<String> = "response_type",
        client_id: Option<String> = "client_id",
        /// Exact match against the registered URIs; may be omitted when exactly one is registered.
        redirect_uri: Option<String> = "redirect_uri",
        /// Space-separated scopes: OIDC scopes plus permission scopes of a resource server.
        scope: Option<String> = "scope",
        state: Option<String> = "state",
        /// At most 64 characters.
        nonce: Option<String> = "nonce",
        /// 43 base64url characters (S256 of the verifier).
        code_challenge: Option<String> = "code_challenge",
        /// Only `S256` ([`CodeChallengeMethod`]).
        code_challenge_method: Option<String> = "code_challenge_method",
        /// Omitted or `query`; `direct` was the V1 app-native mode ([`ResponseMode`]).
        response_mode: Option<String> = "response_mode",
        /// RFC 8707 resource indicators. The only parameter that may repeat; more than one value is
        /// refused with `invalid_target`.
        resource: Vec<String> = "resource",
        /// Space-separated [`Prompt`] values.
        prompt: Option<String> = "prompt",
        acr_values: Option<String> = "acr_values",
        /// Seconds, as a decimal string.
        max_age: Option<String> = "max_age",
        /// The OIDC `claims` request, as JSON text.
        claims: Option<String> = "claims",
        claims_locales: Option<String> = "claims_locales",
        /// Passed on to the gate redirect.
        ui_locales: Option<String> = "ui_locales",
        login_hint: Option<String> = "login_hint",
        /// DPoP key thumbprint to bind the code to.
        dpop_jkt: Option<String> = "dpop_jkt",
        /// A PAR `urn:ietf:params:oauth:request_uri:…`.
        request_uri: Option<String> = "request_uri",
        /// Sent by SDKs with V1 `response_mode=direct`; ignored by the V2 server.
        client_secret: Option<String> = "client_secret",
    }
}

open_enum! {
    /// `response_type`.
    pub enum ResponseType {
        Code = "code",
    }
}

open_enum! {
    /// `code_challenge_method`. The server accepts only S256; `plain` parses as `Other("plain")`.
    pub enum CodeChallengeMethod {
        S256 = "S256",
    }
}

open_enum! {
    /// `response_mode`. The server accepts only `query` (or none).
    pub enum ResponseMode {
        Query = "query",
        /// The V1 app-native mode (`POST /oauth2/authorize` answering JSON).
        Direct = "direct",
        Fragment = "fragment",
        FormPost = "form_post",
    }
}

open_enum! {
    /// One value of the space-separated `prompt` (OIDC Core §3.1.2.1).
    pub enum Prompt {
        /// Always refused with `login_required`: the server keeps no server-side session.
        None = "none",
        Login = "login",
        Consent = "consent",
        /// Refused with `account_selection_required`.
        SelectAccount = "select_account",
    }
}

/// Why an authorize query was refused before validation (400 `invalid_request`
/// "Invalid authorization request").
#[derive(Debug)]
pub enum AuthorizeQueryError {
    /// A parameter other than `resource` appeared more than once.
    Repeated { name: String },
    /// The pairs did not fit [`AuthorizeRequest`].
    Malformed(FormError),
}

/// The query of the 302 to the gate's sign-in page (`{base}/gate/signin?…`) after a valid request.
///
/// SDKs read `authId` and `executionId` from the sign-in page URL, so these names are a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizeRedirectParams {
    pub application_id: ApplicationId,
    pub auth_id: AuthId,
    /// The pre-created AUTHENTICATION execution, run by the gate with `POST /flow/execute`.
    pub execution_id: ExecutionId,
    /// Copied from the request.
    #[serde(
        rename = "ui_locales",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ui_locales: Option<String>,
    /// `"true"` when `redirect_uri` is plain http; omitted otherwise.
    #[serde(
        default,
        skip_serializing_if = "crate::oauth2::is_false",
        with = "crate::oauth2::query_flag"
    )]
    pub show_insecure_warning: bool,
}

/// The query added to the client's `redirect_uri` when a code is issued:
/// `?code=…&iss=…[&state=…]` (RFC 9207 `iss`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationSuccess {
    /// 27 base64url characters, single use, valid 600 s.
    pub code: AuthorizationCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(rename = "iss")]
    pub issuer: IssuerUrl,
}

/// The query added to the client's `redirect_uri` for an error:
/// `?error=…&error_description=…&iss=…[&state=…]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationErrorParams {
    pub error: OAuthErrorCode,
    #[serde(default)]
    pub error_description: String,
    /// The server always adds it; optional so that other servers' redirects parse.
    #[serde(rename = "iss", default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<IssuerUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// The query of the gate's error page (`{base}/gate/error?errorCode=…&errorMessage=…`).
///
/// `state` is added only by the auth callback, and only when the request had one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GateErrorParams {
    /// An OAuth error code (`invalid_request`, `server_error`, …).
    pub error_code: OAuthErrorCode,
    pub error_message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// `POST /oauth2/par` answers 201 with this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushedAuthorizationResponse {
    /// `urn:ietf:params:oauth:request_uri:<key>`.
    pub request_uri: String,
    /// 60 by default.
    pub expires_in: u64,
}

impl AuthorizeRequest {
    /// A code-flow request for `client_id` (`response_type=code`), to be completed field by field.
    pub fn code_flow(client_id: impl Into<String>) -> Self {
        Self {
            response_type: Some(ResponseType::Code.as_str().to_owned()),
            client_id: Some(client_id.into()),
            ..Self::default()
        }
    }

    /// Reads a decoded query, refusing repeated parameters as the server does (`resource` excepted;
    /// unknown parameters count too).
    pub fn from_query_pairs<I, K, V>(pairs: I) -> Result<Self, AuthorizeQueryError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let mut seen = BTreeMap::new();
        for (name, _) in &pairs {
            let count = seen.entry(name.as_str()).or_insert(0_usize);
            *count += 1;
            if *count > 1 && name != "resource" {
                return Err(AuthorizeQueryError::Repeated { name: name.clone() });
            }
        }
        super::from_form_pairs(pairs).map_err(AuthorizeQueryError::Malformed)
    }

    /// `response_type`, typed.
    pub fn response_type(&self) -> Option<ResponseType> {
        self.response_type.as_deref().map(ResponseType::parse)
    }

    /// `code_challenge_method`, typed.
    pub fn code_challenge_method(&self) -> Option<CodeChallengeMethod> {
        self.code_challenge_method
            .as_deref()
            .map(CodeChallengeMethod::parse)
    }

    /// `response_mode`, typed.
    pub fn response_mode(&self) -> Option<ResponseMode> {
        self.response_mode.as_deref().map(ResponseMode::parse)
    }

    /// The space-separated `prompt` values, typed.
    pub fn prompts(&self) -> Vec<Prompt> {
        self.prompt
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(Prompt::parse)
            .collect()
    }

    /// The space-separated `scope` values.
    pub fn scopes(&self) -> Vec<&str> {
        self.scope
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .collect()
    }
}

impl fmt::Display for AuthorizeQueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Repeated { name } => write!(f, "query parameter {name:?} must not be repeated"),
            Self::Malformed(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for AuthorizeQueryError {}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the authorize types.
    use proptest::prelude::*;

    use super::*;
    use crate::error::strategies::oauth_error_code;
    use crate::oauth2::strategies::{form_body, open_enum, opt_text, text};

    /// Any [`AuthorizeRequest`].
    pub fn authorize_request() -> BoxedStrategy<AuthorizeRequest> {
        form_body(AuthorizeRequest::PARAMETER_NAMES)
    }

    /// Any [`ResponseType`].
    pub fn response_type() -> BoxedStrategy<ResponseType> {
        open_enum(ResponseType::ALL, ResponseType::parse)
    }

    /// Any [`CodeChallengeMethod`].
    pub fn code_challenge_method() -> BoxedStrategy<CodeChallengeMethod> {
        open_enum(CodeChallengeMethod::ALL, CodeChallengeMethod::parse)
    }

    /// Any [`ResponseMode`].
    pub fn response_mode() -> BoxedStrategy<ResponseMode> {
        open_enum(ResponseMode::ALL, ResponseMode::parse)
    }

    /// Any [`Prompt`].
    pub fn prompt() -> BoxedStrategy<Prompt> {
        open_enum(Prompt::ALL, Prompt::parse)
    }

    /// Any [`AuthorizeRedirectParams`].
    pub fn authorize_redirect_params() -> impl Strategy<Value = AuthorizeRedirectParams> {
        (text(), text(), text(), opt_text(), any::<bool>()).prop_map(
            |(application_id, auth_id, execution_id, ui_locales, show_insecure_warning)| {
                AuthorizeRedirectParams {
                    application_id: ApplicationId::new(application_id),
                    auth_id: AuthId::new(auth_id),
                    execution_id: ExecutionId::new(execution_id),
                    ui_locales,
                    show_insecure_warning,
                }
            },
        )
    }

    /// Any [`AuthorizationSuccess`].
    pub fn authorization_success() -> impl Strategy<Value = AuthorizationSuccess> {
        (text(), opt_text(), text()).prop_map(|(code, state, issuer)| AuthorizationSuccess {
            code: AuthorizationCode::new(code),
            state,
            issuer: IssuerUrl::new(issuer),
        })
    }

    /// Any [`AuthorizationErrorParams`].
    pub fn authorization_error_params() -> impl Strategy<Value = AuthorizationErrorParams> {
        (oauth_error_code(), text(), opt_text(), opt_text()).prop_map(
            |(error, error_description, issuer, state)| AuthorizationErrorParams {
                error,
                error_description,
                issuer: issuer.map(IssuerUrl::new),
                state,
            },
        )
    }

    /// Any [`GateErrorParams`].
    pub fn gate_error_params() -> impl Strategy<Value = GateErrorParams> {
        (oauth_error_code(), text(), opt_text()).prop_map(|(error_code, error_message, state)| {
            GateErrorParams {
                error_code,
                error_message,
                state,
            }
        })
    }

    /// Any [`PushedAuthorizationResponse`].
    pub fn pushed_authorization_response() -> impl Strategy<Value = PushedAuthorizationResponse> {
        (text(), any::<u64>()).prop_map(|(request_uri, expires_in)| PushedAuthorizationResponse {
            request_uri,
            expires_in,
        })
    }
}
