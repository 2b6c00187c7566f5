//! `POST /oauth2/authorize` (`response_mode=direct`) and `POST /oauth2/authn`: the V1 app-native
//! sign-in protocol.
//!
//! The SDKs dropped it in `javascript-sdks` 633f2f2; the shapes are read at `633f2f2^`
//! (`packages/javascript/src/models/embedded-signin-flow.ts`, React `SignIn/v1/BaseSignIn.tsx`)
//! and the V1 docs. The authorize call is a form POST of the usual authorize parameters plus
//! `response_mode=direct` (an `oauth2` concern); its JSON answer is [`V1FlowInitiateResponse`].
//! The client then POSTs [`AuthnRequest`] to `links[0].href` until `SUCCESS_COMPLETED`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::flow::execute::FlowType;
use crate::ids::FlowId;

closed_enum! {
    /// `flowStatus` of a V1 response.
    pub enum V1FlowStatus {
        /// More steps follow.
        Incomplete = "INCOMPLETE",
        /// Done; `authData` carries the authorization code.
        SuccessCompleted = "SUCCESS_COMPLETED",
        /// A step failed (e.g. wrong password) but the flow can continue.
        FailIncomplete = "FAIL_INCOMPLETE",
        /// The flow failed for good.
        FailCompleted = "FAIL_COMPLETED",
    }
}

closed_enum! {
    /// `nextStep.stepType`.
    pub enum V1StepType {
        /// Prompt for `authenticators[0]`.
        AuthenticatorPrompt = "AUTHENTICATOR_PROMPT",
        /// Let the user choose among `authenticators`.
        MultiOptionsPrompt = "MULTI_OPTIONS_PROMPT",
    }
}

closed_enum! {
    /// `metadata.promptType` of an authenticator.
    pub enum PromptType {
        /// The user types the `params`.
        UserPrompt = "USER_PROMPT",
        /// The client handles it (e.g. a passkey with `additionalData.challengeData`).
        InternalPrompt = "INTERNAL_PROMPT",
        /// Open `additionalData.redirectUrl`, then send back `{code, state}`.
        RedirectionPrompt = "REDIRECTION_PROMPT",
    }
}

open_enum! {
    /// `params[].type` of an authenticator.
    pub enum ParamType {
        String = "STRING",
        Integer = "INTEGER",
        MultiValued = "MULTI_VALUED",
        /// The SDK's extended type for OTP fields.
        OtpCode = "OTPCode",
    }
}

open_enum! {
    /// `type` of a step message. The SDK treats a missing type as `INFO`.
    pub enum V1MessageType {
        Info = "INFO",
        Error = "ERROR",
    }
}

/// Response of `POST /oauth2/authorize` with `response_mode=direct`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct V1FlowInitiateResponse {
    /// Sent back in every [`AuthnRequest`].
    pub flow_id: FlowId,
    /// `INCOMPLETE` on a fresh flow.
    pub flow_status: V1FlowStatus,
    /// Always `AUTHENTICATION`.
    pub flow_type: FlowType,
    /// The first step.
    pub next_step: NextStep,
    /// The client POSTs the next step to `links[0].href`, which must be absolute.
    pub links: Vec<Link>,
}

/// What the client must do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NextStep {
    /// Single prompt or a choice.
    pub step_type: V1StepType,
    /// The authenticators offered.
    pub authenticators: Vec<Authenticator>,
    /// Shown above the form (e.g. after FAIL_INCOMPLETE).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<V1Message>,
}

/// One authenticator the user can use at this step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Authenticator {
    /// base64url (no padding) of `Name:IdP`; see [`authenticator_id`].
    pub authenticator_id: String,
    /// Display name, e.g. `Username & Password`.
    pub authenticator: String,
    /// e.g. `LOCAL`.
    pub idp: String,
    /// How to prompt for it.
    pub metadata: AuthenticatorMetadata,
    /// The `params` the client must send, e.g. `["username", "password"]`.
    #[serde(default)]
    pub required_params: Vec<String>,
}

/// `metadata` of an [`Authenticator`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticatorMetadata {
    /// Translation key of the authenticator name.
    pub i18n_key: String,
    /// How the client collects the params.
    pub prompt_type: PromptType,
    /// The form fields; absent for redirection authenticators.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<AuthenticatorParam>,
    /// `redirectUrl` (REDIRECTION_PROMPT) or `challengeData` (passkey).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_data: Option<Map<String, Value>>,
}

/// One form field of an authenticator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticatorParam {
    /// The key sent in `selectedAuthenticator.params`.
    pub param: String,
    /// Value type.
    #[serde(rename = "type")]
    pub param_type: ParamType,
    /// Display order.
    pub order: u32,
    /// Translation key of the label.
    pub i18n_key: String,
    /// Label.
    pub display_name: String,
    /// Render as a password field.
    pub confidential: bool,
}

/// A message for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct V1Message {
    /// Severity.
    #[serde(rename = "type")]
    pub message_type: V1MessageType,
    /// Text to show.
    pub message: String,
}

/// A hypermedia link: where and how to send the next step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// e.g. `authentication`.
    pub name: String,
    /// Absolute URL of `/oauth2/authn`.
    pub href: String,
    /// e.g. `POST`.
    pub method: String,
}

/// Body of `POST /oauth2/authn`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthnRequest {
    /// From the initiate response.
    pub flow_id: FlowId,
    /// The authenticator and its values.
    pub selected_authenticator: SelectedAuthenticator,
}

/// The authenticator chosen and its parameter values.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectedAuthenticator {
    /// An `authenticatorId` from `nextStep.authenticators`.
    pub authenticator_id: String,
    /// Values keyed by `param` (`username`, `password`; `code`, `state` after a redirection; `{}` to
    /// choose a redirection authenticator).
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

/// Response of `POST /oauth2/authn`. On `SUCCESS_COMPLETED` only `flowStatus` and `authData` are
/// needed; otherwise the next step and links are repeated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthnResponse {
    /// Present while the flow continues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_id: Option<FlowId>,
    /// Outcome of this step.
    pub flow_status: V1FlowStatus,
    /// `AUTHENTICATION`, while the flow continues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_type: Option<FlowType>,
    /// The step to show next (also after `FAIL_INCOMPLETE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_step: Option<NextStep>,
    /// Where to send the next step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// On `SUCCESS_COMPLETED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_data: Option<AuthData>,
    /// Tolerated at the top level; the SDK reads `nextStep.messages`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<V1Message>,
}

/// `authData` of a successful `/oauth2/authn`: the input of the normal code exchange.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthData {
    /// The authorization code.
    pub code: String,
    /// Echoes the authorize `state`; the SDK finds its PKCE verifier by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// OIDC session state, passed on to the token exchange.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_state: Option<String>,
}

/// The V1 `authenticatorId`: base64url without padding of `Name:IdP`,
/// e.g. `("BasicAuthenticator", "LOCAL")` → `QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM`.
pub fn authenticator_id(name: &str, idp: &str) -> String {
    base64url_no_pad(format!("{name}:{idp}").as_bytes())
}

/// RFC 4648 §5 base64url, without `=` padding.
pub(crate) fn base64url_no_pad(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let mut group = [0u8; 3];
        group[..chunk.len()].copy_from_slice(chunk);
        let bits = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
        // n input bytes give n + 1 significant sextets; the rest would be padding.
        for sextet in 0..=chunk.len() {
            let index = (bits >> (18 - 6 * sextet)) & 0x3f;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

impl Authenticator {
    /// An authenticator whose id is derived from `name` and `idp`.
    pub fn new(
        name: &str,
        idp: &str,
        display_name: impl Into<String>,
        metadata: AuthenticatorMetadata,
    ) -> Self {
        let required_params = metadata.params.iter().map(|p| p.param.clone()).collect();
        Self {
            authenticator_id: authenticator_id(name, idp),
            authenticator: display_name.into(),
            idp: idp.to_owned(),
            metadata,
            required_params,
        }
    }
}

impl AuthnRequest {
    /// Submit `params` for the authenticator `authenticator_id`.
    pub fn new(
        flow_id: impl Into<FlowId>,
        authenticator_id: impl Into<String>,
        params: BTreeMap<String, String>,
    ) -> Self {
        Self {
            flow_id: flow_id.into(),
            selected_authenticator: SelectedAuthenticator {
                authenticator_id: authenticator_id.into(),
                params,
            },
        }
    }
}

impl AuthnResponse {
    /// `SUCCESS_COMPLETED` with `authData`.
    pub fn success(auth_data: AuthData) -> Self {
        Self {
            flow_id: None,
            flow_status: V1FlowStatus::SuccessCompleted,
            flow_type: None,
            next_step: None,
            links: Vec::new(),
            auth_data: Some(auth_data),
            messages: Vec::new(),
        }
    }
}

// Hand-written so parameter values (passwords) never reach logs; only their keys are shown.
impl fmt::Debug for AuthnRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthnRequest")
            .field("flow_id", &self.flow_id)
            .field("selected_authenticator", &self.selected_authenticator)
            .finish()
    }
}

impl fmt::Debug for SelectedAuthenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectedAuthenticator")
            .field("authenticator_id", &self.authenticator_id)
            .field("params", &self.params.keys().collect::<Vec<_>>())
            .finish()
    }
}

// The code is a credential: keep it out of logs.
impl fmt::Debug for AuthData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthData")
            .field("code", &"[redacted]")
            .field("state", &self.state)
            .field("session_state", &self.session_state)
            .finish()
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the V1 types.
    use proptest::prelude::*;

    use super::*;
    use crate::flow::execute::strategies::flow_type;
    use crate::flow::strategies::{extra_map, open_enum, string_map, text, word};

    /// Arbitrary [`V1FlowStatus`] values.
    pub fn v1_flow_status() -> impl Strategy<Value = V1FlowStatus> {
        prop::sample::select(V1FlowStatus::ALL)
    }

    /// Arbitrary [`V1StepType`] values.
    pub fn v1_step_type() -> impl Strategy<Value = V1StepType> {
        prop::sample::select(V1StepType::ALL)
    }

    /// Arbitrary [`PromptType`] values.
    pub fn prompt_type() -> impl Strategy<Value = PromptType> {
        prop::sample::select(PromptType::ALL)
    }

    /// Arbitrary [`ParamType`] values.
    pub fn param_type() -> impl Strategy<Value = ParamType> {
        open_enum(ParamType::ALL, ParamType::parse)
    }

    /// Arbitrary [`V1Message`] values.
    pub fn v1_message() -> impl Strategy<Value = V1Message> {
        (open_enum(V1MessageType::ALL, V1MessageType::parse), text()).prop_map(
            |(message_type, message)| V1Message {
                message_type,
                message,
            },
        )
    }

    /// Arbitrary [`Link`] values.
    pub fn link() -> impl Strategy<Value = Link> {
        (word(), text(), prop::sample::select(&["GET", "POST"][..])).prop_map(
            |(name, href, method)| Link {
                name,
                href,
                method: method.to_owned(),
            },
        )
    }

    /// Arbitrary [`AuthenticatorParam`] values.
    pub fn authenticator_param() -> impl Strategy<Value = AuthenticatorParam> {
        (
            word(),
            param_type(),
            any::<u32>(),
            word(),
            text(),
            any::<bool>(),
        )
            .prop_map(
                |(param, param_type, order, i18n_key, display_name, confidential)| {
                    AuthenticatorParam {
                        param,
                        param_type,
                        order,
                        i18n_key,
                        display_name,
                        confidential,
                    }
                },
            )
    }

    /// Arbitrary [`Authenticator`] values.
    pub fn authenticator() -> impl Strategy<Value = Authenticator> {
        let metadata = (
            word(),
            prompt_type(),
            prop::collection::vec(authenticator_param(), 0..3),
            proptest::option::of(extra_map(&[])),
        )
            .prop_map(|(i18n_key, prompt_type, params, additional_data)| {
                AuthenticatorMetadata {
                    i18n_key,
                    prompt_type,
                    params,
                    additional_data,
                }
            });
        (
            word(),
            word(),
            text(),
            metadata,
            prop::collection::vec(word(), 0..3),
        )
            .prop_map(|(name, idp, authenticator, metadata, required_params)| {
                Authenticator {
                    authenticator_id: authenticator_id(&name, &idp),
                    authenticator,
                    idp,
                    metadata,
                    required_params,
                }
            })
    }

    /// Arbitrary [`NextStep`] values.
    pub fn next_step() -> impl Strategy<Value = NextStep> {
        (
            v1_step_type(),
            prop::collection::vec(authenticator(), 0..3),
            prop::collection::vec(v1_message(), 0..2),
        )
            .prop_map(|(step_type, authenticators, messages)| NextStep {
                step_type,
                authenticators,
                messages,
            })
    }

    /// Arbitrary [`V1FlowInitiateResponse`] values.
    pub fn v1_flow_initiate_response() -> impl Strategy<Value = V1FlowInitiateResponse> {
        (
            word(),
            v1_flow_status(),
            flow_type(),
            next_step(),
            prop::collection::vec(link(), 0..2),
        )
            .prop_map(|(flow_id, flow_status, flow_type, next_step, links)| {
                V1FlowInitiateResponse {
                    flow_id: FlowId::new(flow_id),
                    flow_status,
                    flow_type,
                    next_step,
                    links,
                }
            })
    }

    /// Arbitrary [`AuthnRequest`] values.
    pub fn authn_request() -> impl Strategy<Value = AuthnRequest> {
        (word(), word(), string_map())
            .prop_map(|(flow_id, id, params)| AuthnRequest::new(flow_id, id, params))
    }

    /// Arbitrary [`AuthData`] values.
    pub fn auth_data() -> impl Strategy<Value = AuthData> {
        (
            word(),
            proptest::option::of(text()),
            proptest::option::of(text()),
        )
            .prop_map(|(code, state, session_state)| AuthData {
                code,
                state,
                session_state,
            })
    }

    /// Arbitrary [`AuthnResponse`] values.
    pub fn authn_response() -> impl Strategy<Value = AuthnResponse> {
        (
            proptest::option::of(word().prop_map(FlowId::new)),
            v1_flow_status(),
            proptest::option::of(flow_type()),
            proptest::option::of(next_step()),
            prop::collection::vec(link(), 0..2),
            proptest::option::of(auth_data()),
            prop::collection::vec(v1_message(), 0..2),
        )
            .prop_map(
                |(flow_id, flow_status, flow_type, next_step, links, auth_data, messages)| {
                    AuthnResponse {
                        flow_id,
                        flow_status,
                        flow_type,
                        next_step,
                        links,
                        auth_data,
                        messages,
                    }
                },
            )
    }
}
