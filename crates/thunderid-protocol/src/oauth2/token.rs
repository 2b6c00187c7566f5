//! `POST /oauth2/token`
//!
//! The body is `application/x-www-form-urlencoded`. The server reads it as one flat set of parameters
//! whatever the grant (`O2/token/handler.go`), so the mock reads [`TokenRequestParams`] and validates
//! the raw values in the server's order. Clients build a body with a typed grant
//! ([`AuthorizationCodeGrant`], [`RefreshTokenGrant`], …) and convert it.
//!
//! Success is 200 [`TokenResponse`] with `Cache-Control: no-store`; errors are
//! [`crate::OAuthErrorResponse`] (400, 401 for client authentication, 500 for `server_error`).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::form_params;
use crate::ids::ClientId;
use crate::secret::{
    AccessToken, AuthorizationCode, ClientSecret, IdToken, PkceCodeVerifier, RefreshToken,
};

/// `client_assertion_type` for `private_key_jwt` client authentication.
pub const CLIENT_ASSERTION_TYPE_JWT_BEARER: &str =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

open_enum! {
    /// `grant_type`.
    pub enum GrantType {
        AuthorizationCode = "authorization_code",
        RefreshToken = "refresh_token",
        ClientCredentials = "client_credentials",
        /// RFC 8693.
        TokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange",
        /// CIBA poll mode.
        Ciba = "urn:openid:params:grant-type:ciba",
        /// An ID-JAG from a trusted IdP.
        JwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer",
        /// The legacy B2B SDKs' custom grant (`switchOrganization`). The ThunderID server does not
        /// support it and answers `unsupported_grant_type`.
        OrganizationSwitch = "organization_switch",
    }
}

open_enum! {
    /// RFC 8693 token type identifiers (`subject_token_type`, `actor_token_type`,
    /// `requested_token_type`, `issued_token_type`).
    pub enum TokenTypeUri {
        AccessToken = "urn:ietf:params:oauth:token-type:access_token",
        RefreshToken = "urn:ietf:params:oauth:token-type:refresh_token",
        IdToken = "urn:ietf:params:oauth:token-type:id_token",
        Jwt = "urn:ietf:params:oauth:token-type:jwt",
        /// Identity Assertion Authorization Grant.
        IdJag = "urn:ietf:params:oauth:token-type:id-jag",
    }
}

open_enum! {
    /// `token_type` of a token response and of introspection.
    pub enum TokenType {
        Bearer = "Bearer",
        /// A DPoP-bound access token.
        DPoP = "DPoP",
        /// An RFC 8693 response whose token is not an access token (ID-JAG).
        NotApplicable = "N_A",
    }
}

open_enum! {
    /// How a client authenticates at the token, introspection and revocation endpoints.
    pub enum TokenEndpointAuthMethod {
        ClientSecretBasic = "client_secret_basic",
        ClientSecretPost = "client_secret_post",
        PrivateKeyJwt = "private_key_jwt",
        /// A public client: `client_id` only.
        None = "none",
    }
}

form_params! {
    /// Every form field any grant uses, as sent. `Debug` redacts codes, tokens and secrets.
    pub struct TokenRequestParams {
        grant_type: Option<String> = "grant_type",
        /// `authorization_code`.
        code: Option<String> = "code",
        /// `authorization_code`: required when it was sent to authorize.
        redirect_uri: Option<String> = "redirect_uri",
        /// `authorization_code`: the PKCE verifier (43–128 unreserved characters).
        code_verifier: Option<String> = "code_verifier",
        /// `refresh_token`.
        refresh_token: Option<String> = "refresh_token",
        scope: Option<String> = "scope",
        /// RFC 8707; may repeat.
        resource: Vec<String> = "resource",
        /// Token exchange; may repeat.
        audience: Vec<String> = "audience",
        client_id: Option<String> = "client_id",
        /// `client_secret_post`.
        client_secret: Option<String> = "client_secret",
        /// `private_key_jwt`: [`CLIENT_ASSERTION_TYPE_JWT_BEARER`].
        client_assertion_type: Option<String> = "client_assertion_type",
        client_assertion: Option<String> = "client_assertion",
        /// Token exchange.
        subject_token: Option<String> = "subject_token",
        subject_token_type: Option<String> = "subject_token_type",
        actor_token: Option<String> = "actor_token",
        actor_token_type: Option<String> = "actor_token_type",
        requested_token_type: Option<String> = "requested_token_type",
        /// CIBA.
        auth_req_id: Option<String> = "auth_req_id",
        /// `jwt-bearer`: the ID-JAG.
        assertion: Option<String> = "assertion",
        /// `organization_switch`: the current access token.
        token: Option<String> = "token",
        /// `organization_switch`: the target organization id. The mock also reads it on a token
        /// exchange.
        switching_organization: Option<String> = "switching_organization",
        /// Mock-only: a token exchange into an organization (an alias of `switching_organization`).
        organization: Option<String> = "organization",
        /// The server reads them, but `password` is not a supported grant.
        username: Option<String> = "username",
        password: Option<String> = "password",
    }
}

/// The `authorization_code` grant.
#[derive(Debug)]
pub struct AuthorizationCodeGrant {
    pub code: AuthorizationCode,
    /// Must repeat the authorize request's `redirect_uri` when one was sent.
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<PkceCodeVerifier>,
    pub resource: Option<String>,
    pub client_id: Option<ClientId>,
    /// Only for `client_secret_post`; Basic authentication is a header, not part of the body.
    pub client_secret: Option<ClientSecret>,
}

/// The `refresh_token` grant.
#[derive(Debug, Clone)]
pub struct RefreshTokenGrant {
    pub refresh_token: RefreshToken,
    /// Must not exceed the originally granted scope.
    pub scope: Option<String>,
    pub client_id: Option<ClientId>,
    pub client_secret: Option<ClientSecret>,
}

/// The `client_credentials` grant.
#[derive(Debug, Clone, Default)]
pub struct ClientCredentialsGrant {
    pub scope: Option<String>,
    pub resource: Vec<String>,
    pub client_id: Option<ClientId>,
    pub client_secret: Option<ClientSecret>,
}

/// The RFC 8693 token-exchange grant. `Debug` redacts the tokens.
#[derive(Clone)]
pub struct TokenExchangeGrant {
    pub subject_token: String,
    pub subject_token_type: TokenTypeUri,
    pub actor_token: Option<String>,
    pub actor_token_type: Option<TokenTypeUri>,
    pub requested_token_type: Option<TokenTypeUri>,
    pub audience: Vec<String>,
    pub resource: Vec<String>,
    pub scope: Option<String>,
    pub client_id: Option<ClientId>,
    pub client_secret: Option<ClientSecret>,
}

/// The legacy SDKs' custom `organization_switch` grant (sdk-http-calls §5.4): the current access
/// token plus the organization to switch to. Not RFC 8693; the real server rejects it.
#[derive(Debug, Clone)]
pub struct OrganizationSwitchGrant {
    pub token: AccessToken,
    pub switching_organization: String,
    pub scope: Option<String>,
    pub client_id: Option<ClientId>,
    pub client_secret: Option<ClientSecret>,
}

/// The CIBA grant: poll for the outcome of a backchannel authentication request.
#[derive(Debug, Clone)]
pub struct CibaGrant {
    pub auth_req_id: String,
    pub client_id: Option<ClientId>,
    pub client_secret: Option<ClientSecret>,
}

/// A successful token response (`O2/model/token.go` `TokenResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: AccessToken,
    pub token_type: TokenType,
    /// Seconds. Always a JSON number: the Next.js SDK adds it to the current time.
    pub expires_in: u64,
    /// Issued with `authorization_code` and CIBA when the client also has `refresh_token`; rotated by
    /// `refresh_token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<RefreshToken>,
    /// The access token's scopes, space-joined; omitted when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Only when `openid` was granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<IdToken>,
    /// Token exchange only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_token_type: Option<TokenTypeUri>,
}

impl GrantType {
    /// The grants the server allows by default, in its configuration order
    /// (`oauth.allowed_grant_types`); this is also discovery's `grant_types_supported`.
    pub const SERVER_DEFAULT: &'static [GrantType] = &[
        Self::ClientCredentials,
        Self::AuthorizationCode,
        Self::RefreshToken,
        Self::TokenExchange,
        Self::Ciba,
        Self::JwtBearer,
    ];
}

impl TokenRequestParams {
    /// `grant_type`, typed.
    pub fn grant_type(&self) -> Option<GrantType> {
        self.grant_type.as_deref().map(GrantType::parse)
    }

    /// The space-separated `scope` values.
    pub fn scopes(&self) -> Vec<&str> {
        self.scope
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .collect()
    }

    /// Fills `client_id` / `client_secret` from a grant's optional client fields.
    fn with_client(
        mut self,
        client_id: Option<ClientId>,
        client_secret: Option<ClientSecret>,
    ) -> Self {
        self.client_id = client_id.map(ClientId::into_inner);
        self.client_secret = client_secret.map(ClientSecret::into_secret);
        self
    }
}

impl AuthorizationCodeGrant {
    /// A grant for `code`; set the other fields as the authorize request requires.
    pub fn new(code: AuthorizationCode) -> Self {
        Self {
            code,
            redirect_uri: None,
            code_verifier: None,
            resource: None,
            client_id: None,
            client_secret: None,
        }
    }
}

impl From<AuthorizationCodeGrant> for TokenRequestParams {
    fn from(grant: AuthorizationCodeGrant) -> Self {
        TokenRequestParams {
            grant_type: Some(GrantType::AuthorizationCode.as_str().to_owned()),
            code: Some(grant.code.into_secret()),
            redirect_uri: grant.redirect_uri,
            code_verifier: grant.code_verifier.map(PkceCodeVerifier::into_secret),
            resource: grant.resource.into_iter().collect(),
            ..TokenRequestParams::default()
        }
        .with_client(grant.client_id, grant.client_secret)
    }
}

impl RefreshTokenGrant {
    /// A grant for `refresh_token` with the original scope.
    pub fn new(refresh_token: RefreshToken) -> Self {
        Self {
            refresh_token,
            scope: None,
            client_id: None,
            client_secret: None,
        }
    }
}

impl From<RefreshTokenGrant> for TokenRequestParams {
    fn from(grant: RefreshTokenGrant) -> Self {
        TokenRequestParams {
            grant_type: Some(GrantType::RefreshToken.as_str().to_owned()),
            refresh_token: Some(grant.refresh_token.into_secret()),
            scope: grant.scope,
            ..TokenRequestParams::default()
        }
        .with_client(grant.client_id, grant.client_secret)
    }
}

impl CibaGrant {
    /// A poll for `auth_req_id`.
    pub fn new(auth_req_id: impl Into<String>) -> Self {
        Self {
            auth_req_id: auth_req_id.into(),
            client_id: None,
            client_secret: None,
        }
    }
}

impl From<CibaGrant> for TokenRequestParams {
    fn from(grant: CibaGrant) -> Self {
        TokenRequestParams {
            grant_type: Some(GrantType::Ciba.as_str().to_owned()),
            auth_req_id: Some(grant.auth_req_id),
            ..TokenRequestParams::default()
        }
        .with_client(grant.client_id, grant.client_secret)
    }
}

impl From<ClientCredentialsGrant> for TokenRequestParams {
    fn from(grant: ClientCredentialsGrant) -> Self {
        TokenRequestParams {
            grant_type: Some(GrantType::ClientCredentials.as_str().to_owned()),
            scope: grant.scope,
            resource: grant.resource,
            ..TokenRequestParams::default()
        }
        .with_client(grant.client_id, grant.client_secret)
    }
}

impl TokenExchangeGrant {
    /// An exchange of `subject_token` of the given type.
    pub fn new(subject_token: impl Into<String>, subject_token_type: TokenTypeUri) -> Self {
        Self {
            subject_token: subject_token.into(),
            subject_token_type,
            actor_token: None,
            actor_token_type: None,
            requested_token_type: None,
            audience: Vec::new(),
            resource: Vec::new(),
            scope: None,
            client_id: None,
            client_secret: None,
        }
    }
}

impl From<TokenExchangeGrant> for TokenRequestParams {
    fn from(grant: TokenExchangeGrant) -> Self {
        let uri = |value: TokenTypeUri| value.as_str().to_owned();
        TokenRequestParams {
            grant_type: Some(GrantType::TokenExchange.as_str().to_owned()),
            subject_token: Some(grant.subject_token),
            subject_token_type: Some(uri(grant.subject_token_type)),
            actor_token: grant.actor_token,
            actor_token_type: grant.actor_token_type.map(uri),
            requested_token_type: grant.requested_token_type.map(uri),
            audience: grant.audience,
            resource: grant.resource,
            scope: grant.scope,
            ..TokenRequestParams::default()
        }
        .with_client(grant.client_id, grant.client_secret)
    }
}

impl fmt::Debug for TokenExchangeGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenExchangeGrant")
            .field("subject_token", &"[redacted]")
            .field("subject_token_type", &self.subject_token_type)
            .field(
                "actor_token",
                &self.actor_token.as_ref().map(|_| "[redacted]"),
            )
            .field("actor_token_type", &self.actor_token_type)
            .field("requested_token_type", &self.requested_token_type)
            .field("audience", &self.audience)
            .field("resource", &self.resource)
            .field("scope", &self.scope)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

impl OrganizationSwitchGrant {
    /// A switch of the session holding `token` to `organization_id`.
    pub fn new(token: AccessToken, organization_id: impl Into<String>) -> Self {
        Self {
            token,
            switching_organization: organization_id.into(),
            scope: None,
            client_id: None,
            client_secret: None,
        }
    }
}

impl From<OrganizationSwitchGrant> for TokenRequestParams {
    fn from(grant: OrganizationSwitchGrant) -> Self {
        TokenRequestParams {
            grant_type: Some(GrantType::OrganizationSwitch.as_str().to_owned()),
            token: Some(grant.token.into_secret()),
            switching_organization: Some(grant.switching_organization),
            scope: grant.scope,
            ..TokenRequestParams::default()
        }
        .with_client(grant.client_id, grant.client_secret)
    }
}

impl TokenResponse {
    /// A response carrying only an access token.
    pub fn new(access_token: AccessToken, token_type: TokenType, expires_in: u64) -> Self {
        Self {
            access_token,
            token_type,
            expires_in,
            refresh_token: None,
            scope: None,
            id_token: None,
            issued_token_type: None,
        }
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the token types.
    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::strategies::{form_body, open_enum, opt_text, text};

    /// Any [`GrantType`].
    pub fn grant_type() -> BoxedStrategy<GrantType> {
        open_enum(GrantType::ALL, GrantType::parse)
    }

    /// Any [`TokenTypeUri`].
    pub fn token_type_uri() -> BoxedStrategy<TokenTypeUri> {
        open_enum(TokenTypeUri::ALL, TokenTypeUri::parse)
    }

    /// Any [`TokenType`].
    pub fn token_type() -> BoxedStrategy<TokenType> {
        open_enum(TokenType::ALL, TokenType::parse)
    }

    /// Any [`TokenEndpointAuthMethod`].
    pub fn token_endpoint_auth_method() -> BoxedStrategy<TokenEndpointAuthMethod> {
        open_enum(TokenEndpointAuthMethod::ALL, TokenEndpointAuthMethod::parse)
    }

    /// Any [`TokenRequestParams`].
    pub fn token_request_params() -> BoxedStrategy<TokenRequestParams> {
        form_body(TokenRequestParams::PARAMETER_NAMES)
    }

    /// Any [`TokenResponse`].
    pub fn token_response() -> impl Strategy<Value = TokenResponse> {
        (
            text(),
            token_type(),
            any::<u64>(),
            opt_text(),
            opt_text(),
            opt_text(),
            proptest::option::of(token_type_uri()),
        )
            .prop_map(
                |(
                    access_token,
                    token_type,
                    expires_in,
                    refresh_token,
                    scope,
                    id_token,
                    issued_token_type,
                )| {
                    TokenResponse {
                        access_token: AccessToken::new(access_token),
                        token_type,
                        expires_in,
                        refresh_token: refresh_token.map(RefreshToken::new),
                        scope,
                        id_token: id_token.map(IdToken::new),
                        issued_token_type,
                    }
                },
            )
    }
}
