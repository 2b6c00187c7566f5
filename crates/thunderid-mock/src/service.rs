//! Services: what one request does, over the server state. Each is called once by its handler,
//! works through the stores (never holding a lock across another store or an `.await`), calls the
//! engines (`flow`, `oauth`), signs outside any lock, and answers with a result or a [`MockError`].
//!
//! * [`flow`]: `/flow/execute` (start and continue), and the executions authorize and logout
//!   pre-create.
//! * [`authorize`]: `/oauth2/authorize` into the gate; [`direct`]: the V1 app-native API;
//!   [`authn`]: the direct authentication API (`/auth/...`) and its `Direct-Auth-Secret` guard.
//! * [`token`]: `/oauth2/token`, introspection, revocation, the authorization callback, PAR.
//! * [`ciba`]: `/oauth2/bc-authorize` and the control plane's decision on a backchannel request;
//!   [`registration`]: `/oauth2/dcr/register`.
//! * [`keys`]: the JWKS as a fetch sees it, the discovery algorithms, `/__mock/keys`.
//! * [`logout`], [`userinfo`], [`gate`] (the hosted pages' logic), [`idp`] (the fake upstream IdP),
//!   [`authenticator`] (the control plane's software passkey authenticator), [`captcha`] (the
//!   fake captcha provider's tokens).
//! * [`flow_meta`], [`users`] (management, user types, self-service and SCIM), [`groups`] and
//!   [`members`], [`roles`], [`resources`] (resource servers, resources, actions), [`authzen`],
//!   [`organizations`] (units and the legacy organization APIs).
//! * Shared by the management APIs: [`request`] (query, paging, Go-style body decoding, struct-tag
//!   checks) and [`access`] (the system authorization service: per-action, per-unit checks).

pub(crate) mod access;
pub(crate) mod agents;
pub(crate) mod applications;
pub(crate) mod authenticator;
pub(crate) mod authn;
pub(crate) mod authorize;
pub(crate) mod authzen;
pub(crate) mod captcha;
pub(crate) mod ciba;
pub(crate) mod connections;
pub(crate) mod design;
pub(crate) mod direct;
pub(crate) mod export;
pub(crate) mod flow;
pub(crate) mod flow_meta;
pub(crate) mod flows;
pub(crate) mod gate;
pub(crate) mod groups;
pub(crate) mod i18n;
pub(crate) mod idp;
pub(crate) mod import;
pub(crate) mod keys;
pub(crate) mod logout;
pub(crate) mod members;
pub(crate) mod openid4vp;
pub(crate) mod organizations;
pub(crate) mod registration;
pub(crate) mod request;
pub(crate) mod resources;
pub(crate) mod roles;
pub(crate) mod server_config;
pub(crate) mod sso;
pub(crate) mod token;
pub(crate) mod userinfo;
pub(crate) mod users;
pub(crate) mod vc;

use crate::error::MockError;
use crate::oauth::OAuthContext;
use crate::state::AppState;

/// The OAuth domain's view of `state`.
pub(crate) fn oauth_context(state: &AppState) -> OAuthContext<'_> {
    let stores = state.stores();
    OAuthContext {
        directory: &stores.directory,
        oauth: &stores.oauth,
        signer: state.signer(),
        settings: state.settings(),
        base_url: &state.config().base_url,
        now: state.now(),
        version: state.config().version,
    }
}

/// Every service answers with this.
pub(crate) type ServiceResult<T> = Result<T, MockError>;
