//! The executors' declared metadata (`providers.ExecutorMeta` in each
//! `internal/flow/executor/*.go`): the modes a node may name, the default one, and the node
//! properties an executor supports or requires. `validateExecutorMeta` checks a node against it:
//! mode, then flow type (the caller's), then properties.

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;

use super::super::raw::RawNode;
use super::{Check, custom};

/// One declared property: its key, whether it is required, and the modes it is required in
/// (every mode when empty).
struct Property(&'static str, bool, &'static [&'static str]);

/// What an executor declares: modes, default mode, properties. An executor with no properties
/// declared accepts any.
struct Meta {
    modes: &'static [&'static str],
    default_mode: &'static str,
    properties: &'static [Property],
}

const NONE: Meta = Meta {
    modes: &[],
    default_mode: "",
    properties: &[],
};

const OAUTH: &[Property] = &[
    Property("idpId", true, &[]),
    Property("allowAuthenticationWithoutLocalUser", false, &[]),
    Property("allowRegistrationWithExistingUser", false, &[]),
];

fn meta(executor: &str) -> Meta {
    let props = |properties| Meta { properties, ..NONE };
    match executor {
        "AuthAssertExecutor" => props(&[Property("callbackType", false, &[])]),
        "ConsentExecutor" => props(&[
            Property("timeout", false, &[]),
            Property("failOnDeny", false, &[]),
        ]),
        "EmailExecutor" => Meta {
            modes: &["send"],
            default_mode: "",
            properties: &[Property("emailTemplate", true, &[])],
        },
        "HTTPRequestExecutor" => props(&[
            Property("url", true, &[]),
            Property("method", false, &[]),
            Property("headers", false, &[]),
            Property("body", false, &[]),
            Property("timeout", false, &[]),
            Property("responseMapping", false, &[]),
            Property("errorHandling", false, &[]),
        ]),
        "IdentifyingExecutor" => Meta {
            modes: &["identify", "resolve", "check_state"],
            default_mode: "identify",
            properties: &[Property("loginHintAttribute", false, &[])],
        },
        "InviteExecutor" => Meta {
            modes: &["generate", "verify"],
            default_mode: "",
            properties: &[Property("inviteBaseURL", false, &[])],
        },
        "MagicLinkExecutor" => Meta {
            modes: &["generate", "verify"],
            default_mode: "",
            properties: &[
                Property("tokenExpiry", false, &[]),
                Property("magicLinkURL", false, &[]),
            ],
        },
        "OAuthExecutor" | "OIDCAuthExecutor" | "GithubOAuthExecutor" | "GoogleOIDCAuthExecutor" => {
            props(OAUTH)
        }
        "OpenID4VPVerifyExecutor" => props(&[Property("presentation_definition_id", true, &[])]),
        "OTPExecutor" => Meta {
            modes: &["generate", "verify"],
            default_mode: "",
            properties: &[
                Property("maxAttempts", false, &[]),
                Property("otpLength", false, &[]),
                Property("otpUseNumericOnly", false, &[]),
                Property("otpValidityPeriodSeconds", false, &[]),
            ],
        },
        "OUExecutor" => props(&[Property("parentOuId", false, &[])]),
        "OUResolverExecutor" => props(&[Property("resolveFrom", false, &[])]),
        "PasskeyAuthExecutor" => Meta {
            modes: &["challenge", "verify", "register_start", "register_finish"],
            default_mode: "",
            properties: &[
                Property("relyingPartyId", true, &["challenge", "register_start"]),
                Property("relyingPartyName", false, &[]),
                Property("authenticatorSelection", false, &[]),
                Property("attestation", false, &[]),
            ],
        },
        "PermissionValidator" => props(&[Property("requiredScopes", false, &[])]),
        "PreDeleteExecutor" => Meta {
            modes: &["revoke_all"],
            default_mode: "revoke_all",
            properties: &[],
        },
        "ProvisioningExecutor" => props(&[
            Property("includeOptional", false, &[]),
            Property("includeOptionalCredentials", false, &[]),
            Property("maxPerPrompt", false, &[]),
            Property("assignGroup", false, &[]),
            Property("assignRole", false, &[]),
            Property("allowCrossOUProvisioning", false, &[]),
        ]),
        "SMSExecutor" => props(&[
            Property("senderId", true, &[]),
            Property("smsTemplate", true, &[]),
        ]),
        "SSOCheckExecutor" => props(&[Property("checkpointRef", true, &[])]),
        "UserTypeResolver" => props(&[Property("allowedUserTypes", false, &[])]),
        _ => NONE,
    }
}

/// `validateExecutorMode`: a node names one of the declared modes, or none when there is a
/// default.
pub(super) fn check_mode(node: &RawNode, name: &str, mode: &str) -> Check {
    let meta = meta(name);
    if meta.modes.is_empty() {
        return Ok(());
    }
    if mode.is_empty() {
        if !meta.default_mode.is_empty() {
            return Ok(());
        }
        return Err(custom(
            ApiErrorCode::FlowMgtInvalidExecutorConfig,
            "executor_mode_required_description",
            "Node '{{param(nodeID)}}': executor '{{param(executorName)}}' requires a mode",
            &[("nodeID", &node.id), ("executorName", name)],
        ));
    }
    if meta.modes.contains(&mode) {
        return Ok(());
    }
    Err(custom(
        ApiErrorCode::FlowMgtInvalidExecutorConfig,
        "unsupported_executor_mode_description",
        "Node '{{param(nodeID)}}': executor '{{param(executorName)}}' does not support mode \
         '{{param(mode)}}'",
        &[("nodeID", &node.id), ("executorName", name), ("mode", mode)],
    ))
}

/// `validateExecutorProperties`: every required property present and not null or `""` (in the
/// effective mode), then no property the executor does not declare.
pub(super) fn check_properties(node: &RawNode, name: &str, mode: &str) -> Check {
    let meta = meta(name);
    if meta.properties.is_empty() {
        return Ok(());
    }
    let mode = if mode.is_empty() {
        meta.default_mode
    } else {
        mode
    };
    for Property(key, is_required, modes) in meta.properties {
        if !is_required || !(modes.is_empty() || modes.contains(&mode)) {
            continue;
        }
        let missing = match node.properties.get(*key) {
            None | Some(Value::Null) => true,
            Some(Value::String(text)) => text.is_empty(),
            Some(_) => false,
        };
        if missing {
            return Err(custom(
                ApiErrorCode::FlowMgtInvalidExecutorConfig,
                "missing_required_executor_property_description",
                "Node '{{param(nodeID)}}': executor '{{param(executorName)}}' requires property \
                 '{{param(propertyKey)}}'",
                &[
                    ("nodeID", &node.id),
                    ("executorName", name),
                    ("propertyKey", key),
                ],
            ));
        }
    }
    // Go ranges over the map in a random order; the mock reports the first unsupported key in
    // the body's order.
    if let Some(key) = node
        .properties
        .keys()
        .find(|k| !meta.properties.iter().any(|Property(p, ..)| p == k))
    {
        return Err(custom(
            ApiErrorCode::FlowMgtInvalidExecutorConfig,
            "unsupported_executor_property_description",
            "Node '{{param(nodeID)}}': executor '{{param(executorName)}}' does not support \
             property '{{param(propertyKey)}}'",
            &[
                ("nodeID", &node.id),
                ("executorName", name),
                ("propertyKey", key),
            ],
        ));
    }
    Ok(())
}
