//! `POST /oauth2/introspect`
//!
//! RFC 7662. The client authenticates as at the token endpoint; the form carries `token` (and a
//! `token_type_hint` the server ignores). A missing token is 400 `invalid_request` "Token parameter is
//! required". Only `at+jwt` access tokens and refresh-token JWTs can be active; anything else is
//! `{"active":false}` (`O2/introspect/service.go`).

use serde::{Deserialize, Serialize};

use super::token::TokenType;
use super::{TokenTypeHint, form_params};
use crate::ids::{ClientId, IssuerUrl};
use crate::oidc::claims::{Audience, Confirmation};

form_params! {
    /// The introspection form, as sent. `Debug` redacts the token.
    pub struct IntrospectionRequest {
        token: Option<String> = "token",
        /// Ignored by the server ([`TokenTypeHint`]).
        token_type_hint: Option<String> = "token_type_hint",
    }
}

/// The introspection answer (`O2/introspect/model.go`). Every member but `active` is omitted when
/// empty, so an inactive token serializes as exactly `{"active":false}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IntrospectionResponse {
    pub active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientId>,
    /// Copied from a `username` claim when the token has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// `Bearer`, or `DPoP` when the token carries `cnf.jkt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<TokenType>,
    #[serde(rename = "exp", default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
    #[serde(rename = "iat", default, skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<u64>,
    #[serde(rename = "nbf", default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<u64>,
    #[serde(rename = "sub", default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(rename = "aud", default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
    #[serde(rename = "iss", default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<IssuerUrl>,
    #[serde(rename = "jti", default, skip_serializing_if = "Option::is_none")]
    pub jwt_id: Option<String>,
    /// The DPoP binding.
    #[serde(rename = "cnf", default, skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<Confirmation>,
}

impl IntrospectionRequest {
    /// A request for `token`.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: Some(token.into()),
            token_type_hint: None,
        }
    }

    /// `token_type_hint`, typed.
    pub fn token_type_hint(&self) -> Option<TokenTypeHint> {
        self.token_type_hint.as_deref().map(TokenTypeHint::parse)
    }
}

impl IntrospectionResponse {
    /// `{"active":false}`: what the server says about any token it does not accept.
    pub fn inactive() -> Self {
        Self::default()
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the introspection types.
    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::strategies::{form_body, opt_text};
    use crate::oauth2::token::strategies::token_type;
    use crate::oidc::claims::strategies::{audience, confirmation};

    /// Any [`IntrospectionRequest`].
    pub fn introspection_request() -> BoxedStrategy<IntrospectionRequest> {
        form_body(IntrospectionRequest::PARAMETER_NAMES)
    }

    /// Any [`IntrospectionResponse`].
    pub fn introspection_response() -> impl Strategy<Value = IntrospectionResponse> {
        let opt_time = || proptest::option::of(any::<u64>());
        (
            any::<bool>(),
            (
                opt_text(),
                opt_text(),
                opt_text(),
                proptest::option::of(token_type()),
            ),
            (opt_time(), opt_time(), opt_time()),
            (
                opt_text(),
                proptest::option::of(audience()),
                opt_text(),
                opt_text(),
                proptest::option::of(confirmation()),
            ),
        )
            .prop_map(
                |(
                    active,
                    (scope, client_id, username, token_type),
                    (exp, iat, nbf),
                    (sub, aud, iss, jti, cnf),
                )| {
                    IntrospectionResponse {
                        active,
                        scope,
                        client_id: client_id.map(ClientId::new),
                        username,
                        token_type,
                        expires_at: exp,
                        issued_at: iat,
                        not_before: nbf,
                        subject: sub,
                        audience: aud,
                        issuer: iss.map(IssuerUrl::new),
                        jwt_id: jti,
                        confirmation: cnf,
                    }
                },
            )
    }
}
