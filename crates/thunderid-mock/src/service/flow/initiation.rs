//! The initiation checks of a new execution, in the server's order (`flowexec/service.go`
//! `loadNewContext`, `checkDirectFlowInitiationAllowed`, `getFlowGraph`), and execution lifetimes.

use std::sync::Arc;

use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{FlowDefinition, FlowType};

use super::{Failure, StartCommand};
use crate::fixtures::{ApplicationFixture, ApplicationKind, ServerSettings};
use crate::flow::env::FlowCaller;
use crate::ids;
use crate::store::registry::Registry;

/// The initiation checks, in the server's order (contract §1.2). Returns the flow type, the
/// application and the graph to run.
pub(super) fn check_initiation<'r>(
    registry: &'r Registry,
    command: &StartCommand,
) -> Result<
    (
        FlowType,
        Option<&'r Arc<ApplicationFixture>>,
        &'r FlowDefinition,
    ),
    Failure,
> {
    if !command.flow_id.is_empty() {
        // By id is an administration-only entry: the caller is checked before the flow is looked
        // up, so an anonymous caller learns nothing about which flows exist.
        check_administration_caller(command.caller.as_ref())?;
        let flow = registry.flow(&command.flow_id).ok_or(Failure {
            status: Some(400),
            ..Failure::from(ApiErrorCode::FlowMgtFlowNotFound)
        })?;
        if flow.flow_type != FlowType::Administration {
            return Err(ApiErrorCode::FlowIdExecutionNotPermitted.into());
        }
        return Ok((FlowType::Administration, None, flow));
    }
    let flow_type = FlowType::parse(&command.flow_type);
    match &flow_type {
        FlowType::Other(_) => return Err(ApiErrorCode::FlowInvalidFlowType.into()),
        FlowType::Administration => check_administration_caller(command.caller.as_ref())?,
        FlowType::Authentication | FlowType::SignOut => check_direct_initiation(registry, command)?,
        FlowType::Registration | FlowType::Recovery | FlowType::UserOnboarding => {}
    }
    if flow_type == FlowType::UserOnboarding {
        // The server's `userOnboardingFlow.defaultHandle`; the application is not loaded.
        let flow = registry
            .flow_by_handle("default-flow", &flow_type)
            .ok_or(Failure::from(ApiErrorCode::ServerInternal))?;
        return Ok((flow_type, None, flow));
    }
    let app = registry
        .application(&command.application_id)
        .filter(|_| !command.application_id.is_empty())
        .ok_or(Failure::from(ApiErrorCode::FlowInvalidAppId))?;
    if flow_type == FlowType::Registration && !app.is_registration_flow_enabled {
        return Err(ApiErrorCode::FlowRegistrationDisabled.into());
    }
    if flow_type == FlowType::Recovery && !app.is_recovery_flow_enabled {
        return Err(ApiErrorCode::FlowRecoveryDisabled.into());
    }
    let flow = registry
        .app_flow(app, &flow_type)
        .ok_or(Failure::from(ApiErrorCode::ServerInternal))?;
    Ok((flow_type, Some(app), flow))
}

/// `validateAdministrationCaller`: an authenticated caller holding `system`. Also re-checked on
/// every continuation of an ADMINISTRATION execution.
pub(super) fn check_administration_caller(caller: Option<&FlowCaller>) -> Result<(), Failure> {
    match caller {
        None => Err(ApiErrorCode::FlowAdministrationAuthenticationRequired.into()),
        Some(caller) if caller.subject.is_empty() => {
            Err(ApiErrorCode::FlowAdministrationAuthenticationRequired.into())
        }
        Some(caller) if !caller.has_permission("system") => {
            Err(ApiErrorCode::FlowAdministrationPermissionRequired.into())
        }
        Some(_) => Ok(()),
    }
}

/// Which apps may start AUTHENTICATION and SIGNOUT directly (`checkDirectFlowInitiationAllowed`).
fn check_direct_initiation(registry: &Registry, command: &StartCommand) -> Result<(), Failure> {
    if command.application_id.is_empty() {
        return Ok(());
    }
    let app = registry
        .application(&command.application_id)
        .ok_or(Failure::from(ApiErrorCode::FlowInvalidAppId))?;
    let needs_secret = match app.kind {
        ApplicationKind::Browser | ApplicationKind::M2m => false,
        ApplicationKind::Mobile => return check_attestation(app, &command.attestation_token),
        ApplicationKind::Fullstack | ApplicationKind::Custom | ApplicationKind::Mcp => {
            match &app.oauth {
                None => true,
                Some(oauth) => {
                    let client_credentials_only =
                        oauth.grant_types.len() == 1 && oauth.allows_grant("client_credentials");
                    !(oauth.allows_grant("authorization_code") || client_credentials_only)
                }
            }
        }
    };
    if !needs_secret {
        return Err(ApiErrorCode::FlowDirectFlowInitiationNotPermitted.into());
    }
    if command.flow_secret.is_empty() {
        return Err(ApiErrorCode::FlowSecretRequired.into());
    }
    let expected = app.flow_secret.as_deref().unwrap_or_default();
    if expected.is_empty()
        || !ids::constant_time_eq(expected.as_bytes(), command.flow_secret.as_bytes())
    {
        return Err(ApiErrorCode::FlowSecretInvalid.into());
    }
    Ok(())
}

/// A mobile app proves its binary with the `Attestation-Token` header (`verifyAttestation`): dev
/// mode lets it in without one; no platform configured is FES-1016; no token FES-1014. The mock
/// cannot ask Google Play or check Apple's chain offline: a configured platform accepts the
/// tokens listed in `attestation.testTokens` and refuses any other (FES-1015). A platform without
/// its required fields is a server error, as a verifier with an incomplete config is.
fn check_attestation(app: &ApplicationFixture, token: &str) -> Result<(), Failure> {
    let Some(attestation) = &app.attestation else {
        return Err(ApiErrorCode::FlowAttestationNotConfigured.into());
    };
    if attestation.dev_mode {
        return Ok(());
    }
    let complete = match (&attestation.android, &attestation.apple) {
        (None, None) => return Err(ApiErrorCode::FlowAttestationNotConfigured.into()),
        (Some(android), _) => {
            !android.package_name.is_empty() && !android.certificate_sha256_digests.is_empty()
        }
        (None, Some(apple)) => !apple.team_id.is_empty() && !apple.bundle_id.is_empty(),
    };
    if token.is_empty() {
        return Err(ApiErrorCode::FlowAttestationRequired.into());
    }
    if !complete {
        return Err(ApiErrorCode::ServerInternal.into());
    }
    let valid = attestation
        .test_tokens
        .iter()
        .any(|t| ids::constant_time_eq(t.as_bytes(), token.as_bytes()));
    if valid {
        Ok(())
    } else {
        Err(ApiErrorCode::FlowAttestationInvalid.into())
    }
}

/// The absolute lifetime of an execution (`server.json` `flow`, the server's defaults).
pub(super) fn lifetime(settings: &ServerSettings, flow_type: &FlowType) -> u64 {
    let settings = &settings.flow;
    match flow_type {
        FlowType::Authentication | FlowType::Administration | FlowType::Other(_) => {
            settings.authentication_expiry
        }
        FlowType::Registration => settings.registration_expiry,
        FlowType::Recovery => settings.recovery_expiry,
        FlowType::SignOut => settings.sign_out_expiry,
        FlowType::UserOnboarding => settings.user_onboarding_expiry,
    }
}
