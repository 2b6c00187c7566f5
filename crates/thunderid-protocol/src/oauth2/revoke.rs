//! `POST /oauth2/revoke`
//!
//! RFC 7009. The client authenticates as at the token endpoint. The answer is **200 with an empty
//! body**, also for unknown tokens (the JS SDK requires exactly 200). Errors: missing token → 400
//! `invalid_request` "Token parameter is required"; a token of another client → 400 `invalid_grant`
//! "The token was not issued to the authenticated client" (`O2/revocation/handler.go`).

use super::{TokenTypeHint, form_params};

form_params! {
    /// The revocation form, as sent. `Debug` redacts the token and the secret.
    ///
    /// The JS SDK sends `client_id`, `token`, `token_type_hint=access_token` and, when configured,
    /// `client_secret` in the body.
    pub struct RevocationRequest {
        token: Option<String> = "token",
        token_type_hint: Option<String> = "token_type_hint",
        client_id: Option<String> = "client_id",
        client_secret: Option<String> = "client_secret",
    }
}

impl RevocationRequest {
    /// A request to revoke `token`.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: Some(token.into()),
            ..Self::default()
        }
    }

    /// `token_type_hint`, typed.
    pub fn token_type_hint(&self) -> Option<TokenTypeHint> {
        self.token_type_hint.as_deref().map(TokenTypeHint::parse)
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the revocation types.
    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::strategies::form_body;

    /// Any [`RevocationRequest`].
    pub fn revocation_request() -> BoxedStrategy<RevocationRequest> {
        form_body(RevocationRequest::PARAMETER_NAMES)
    }
}
