//! Runtime-data and additional-data keys, as the real server names them
//! (`flow/common/constants.go`). Runtime data never reaches the wire; the names only matter for
//! consistency with the real server's graphs (conditions read runtime keys).

/// The OAuth `authId` of an execution created by `/oauth2/authorize`.
pub(crate) const AUTHORIZATION_REQUEST_ID: &str = "authorizationRequestId";
/// The OAuth client of an execution created by `/oauth2/authorize`.
pub(crate) const CLIENT_ID: &str = "clientId";
/// Space-separated scopes to authorize (runtime data, else the `requested_permissions` input).
pub(crate) const REQUESTED_PERMISSIONS: &str = "requested_permissions";
/// The identifier of the resource server the requested permissions are for (runtime data, else
/// the input of that name); none falls back to the default resource server.
pub(crate) const RESOURCE_SERVER_IDENTIFIER: &str = "resource_server_identifier";
/// Space-separated scopes the AuthorizationExecutor granted.
pub(crate) const AUTHORIZED_PERMISSIONS: &str = "authorized_permissions";
/// Set by `/oauth2/logout` when no valid `id_token_hint` came.
pub(crate) const LOGOUT_PROMPT_REQUIRED: &str = "logoutPromptRequired";
/// The error a failed task hands to the prompt it forwards to.
pub(crate) const FAILURE_REASON: &str = "failureReasonJSON";
/// The resolved user id.
pub(crate) const USER_ID: &str = "userID";
/// The user type chosen by the UserTypeResolver.
pub(crate) const USER_TYPE: &str = "userType";
/// The organization unit new users are created in.
pub(crate) const DEFAULT_OU_ID: &str = "defaultOUID";
/// Optional inputs already shown once, space-separated.
pub(crate) const PRESENTED_OPTIONAL_INPUTS: &str = "presentedOptionalInputs";
/// The current OTP session.
pub(crate) const OTP_SESSION_TOKEN: &str = "otpSessionToken";
/// How many OTPs were generated in this execution.
pub(crate) const OTP_ATTEMPT_COUNT: &str = "attemptCount";
/// The `state` sent to the upstream IdP.
pub(crate) const OAUTH_STATE: &str = "oauthState";
/// The `nonce` sent to the upstream IdP.
pub(crate) const OIDC_NONCE: &str = "oidcNonce";
/// The recovery (invite) token.
pub(crate) const STORED_INVITE_TOKEN: &str = "storedInviteToken";
/// The recovery (invite) link.
pub(crate) const INVITE_LINK: &str = "inviteLink";
/// Set by the federated executor: whether a local user exists.
pub(crate) const ENTITY_STATE: &str = "entityState";
/// The organization unit chosen (OUResolverExecutor) or created (OUExecutor) for new users.
pub(crate) const OU_ID: &str = "ouId";
/// The subject a user-deletion flow revokes and deletes (the server's `revocationPlan`).
pub(crate) const REVOCATION_PLAN: &str = "revocationPlan";
/// `ssoSessionPresent:<checkpoint>`: whether SSOCheck found a session with that checkpoint.
pub(crate) const SSO_SESSION_PRESENT: &str = "ssoSessionPresent";
/// `ssoSessionSaved:<checkpoint>`: the handle SessionExecutor saved under that checkpoint.
pub(crate) const SSO_SESSION_SAVED: &str = "ssoSessionSaved";
/// The handle of the SSO session this execution found or created.
pub(crate) const SSO_SESSION_HANDLE: &str = "ssoSessionHandle";
/// When the SSO session's user authenticated (Unix seconds), for `max_age`.
pub(crate) const SSO_AUTH_TIME: &str = "ssoAuthTime";
/// The token family the assertion (`tfid`) hands to the tokens this sign-in issues.
pub(crate) const TOKEN_FAMILY_ID: &str = "tokenFamilyId";
/// The application id, set before every task.
pub(crate) const APPLICATION_ID: &str = "applicationId";

/// The `acr_values` the request asks for and the app accepts, space-separated
/// (`ResolveACRValues`).
pub(crate) const REQUESTED_AUTH_CLASSES: &str = "requested_auth_classes";
/// The class of the authentication the user completed (set by a login-options choice).
pub(crate) const SELECTED_AUTH_CLASS: &str = "selected_auth_class";
/// The request's `max_age`, verbatim.
pub(crate) const MAX_AGE: &str = "max_age";
/// `prompt=consent` (and every CIBA request): consent is asked for again.
pub(crate) const FORCE_CONSENT_REPROMPT: &str = "force_consent_reprompt";
/// The request's `claims_locales`.
pub(crate) const REQUIRED_LOCALES: &str = "required_locales";
/// The grant type of the request that started the execution, when its callback is not the
/// authorization code's (`urn:openid:params:grant-type:ciba`). A finished flow (COMPLETE or ERROR)
/// repeats it as `data.additionalData.callbackType`, so the gate knows which callback to call.
pub(crate) const CALLBACK_TYPE: &str = "callbackType";
/// The message a backchannel request shows the user.
pub(crate) const BINDING_MESSAGE: &str = "bindingMessage";

/// The attributes an OAuth sign-in needs for its tokens (`/oauth2/authorize`'s
/// `getRequiredAttributes`), space-separated: the essential ones and the rest. ConsentExecutor asks
/// about these.
pub(crate) const REQUIRED_ESSENTIAL_ATTRIBUTES: &str = "required_essential_attributes";
pub(crate) const REQUIRED_OPTIONAL_ATTRIBUTES: &str = "required_optional_attributes";

/// Written by authorize and CIBA (`resolveUserAttributesCacheTTL`): seconds the sign-in's attribute
/// cache entry lives. Its presence is what makes AuthAssertExecutor cache the attributes under
/// `aci` rather than put them in the assertion.
pub(crate) const USER_ATTRIBUTES_CACHE_TTL_SECONDS: &str = "user_attributes_cache_ttl_seconds";

/// Set by a ConsentExecutor that recorded an answer: the consent record's id.
pub(crate) const CONSENT_ID: &str = "consent_id";
/// The attributes the consent record approves for the app, space-separated.
pub(crate) const CONSENTED_ATTRIBUTES: &str = "consented_attributes";
/// The permissions the consent record approves for the app, space-separated.
pub(crate) const CONSENTED_PERMISSIONS: &str = "consented_permissions";

/// `data.additionalData` keys.
pub(crate) mod data {
    pub(crate) const MESSAGE: &str = "message";
    pub(crate) const IDP_NAME: &str = "idpName";
    pub(crate) const SMS_SENT: &str = "smsSent";
    pub(crate) const EMAIL_SENT: &str = "emailSent";
    pub(crate) const OTP_LENGTH: &str = "otpLength";
    pub(crate) const OTP_NUMERIC_ONLY: &str = "otpNumericOnly";
    pub(crate) const INVITE_LINK: &str = "inviteLink";
    pub(crate) const ROOT_OU_ID: &str = "rootOuId";
    pub(crate) const CALLBACK_TYPE: &str = "callbackType";
}
