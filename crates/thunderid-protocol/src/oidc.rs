//! OpenID Connect: discovery, keys, token claims, userinfo and logout.
//!
//! * [`discovery`]: `GET /.well-known/oauth-authorization-server` and
//!   `GET /.well-known/openid-configuration`.
//! * [`jwks`]: `GET /oauth2/jwks`.
//! * [`claims`]: the JWS header and the decoded payloads of every JWT the server signs (access, ID
//!   and refresh tokens, flow assertions and error assertions).
//! * [`userinfo`]: `GET|POST /oauth2/userinfo`.
//! * [`logout`]: `GET|POST /oauth2/logout` (the `end_session_endpoint`) and its gate redirect.

pub mod claims;
pub mod discovery;
pub mod jwks;
pub mod logout;
pub mod userinfo;

pub use claims::{
    AccessTokenClaims, ActorClaim, Assurance, AssuranceLevel, Audience, AuthenticatorReference,
    Confirmation, ErrorAssertionClaims, FlowAssertionClaims, FlowErrorType, IdTokenClaims,
    JwsHeader, OrganizationClaims, RefreshTokenClaims, RegisteredClaims,
};
pub use discovery::{AuthorizationServerMetadata, OpenIdProviderMetadata};
pub use jwks::{Jwk, Jwks, JwsAlgorithm, KeyType, KeyUse};
pub use logout::{EndSessionRequest, SignOutRedirectParams};
pub use userinfo::UserInfo;

#[cfg(test)]
mod tests;
