//! An agent's inbound client: the application model's profile fields checked and completed by the
//! inbound-client rules applications use ([`applications::validate::check_inbound`]), with the
//! agent service's OAuth defaults (`buildOAuthProfile`) and its codes for every failure
//! (`translateInboundClientError`): the AGT twin of each APP code, custom descriptions kept under
//! `error.agentservice.`, and the sentinels it does not map answered 500.

use std::sync::Arc;

use thunderid_protocol::agents::Agent;
use thunderid_protocol::applications::{
    Application, InboundAuthConfig, InboundAuthProfile, OAuthClientConfig,
};
use thunderid_protocol::flow::FlowType;
use thunderid_protocol::{ApiError, ApiErrorCode};

use crate::error::MockError;
use crate::fixtures::ApplicationFixture;
use crate::service::applications::{self, Context, Mode};
use crate::store::registry::Registry;

/// Whether the request asks for an inbound client (`needsInboundClient`; the handler passes no
/// handles on REST).
pub(super) fn wanted(request: &Agent) -> bool {
    !request.profile.auth_flow_id.is_empty()
        || !request.profile.registration_flow_id.is_empty()
        || request.profile.is_registration_flow_enabled
        || !request.profile.theme_id.is_empty()
        || !request.profile.layout_id.is_empty()
        || request.profile.assertion.is_some()
        || request.profile.login_consent.is_some()
        || !request.profile.allowed_user_types.is_empty()
        || !request.profile.inbound_auth_config.is_empty()
}

/// `pickOAuthConfig`: the one `oauth2` entry's config (none when absent or `null`); two entries
/// are AGT-1038.
pub(super) fn oauth_config(request: &Agent) -> Result<Option<&OAuthClientConfig>, MockError> {
    let mut entries = request
        .profile
        .inbound_auth_config
        .iter()
        .filter(|e| e.config_type == "oauth2");
    let first = entries.next();
    if entries.next().is_some() {
        return Err(MockError::api(ApiErrorCode::AgentMultipleOAuthConfigs));
    }
    Ok(first.and_then(|e| e.config.as_ref()))
}

/// `requiresClientSecret`: a confidential client whose method is a secret one (or unset).
pub(super) fn requires_secret(config: &OAuthClientConfig) -> bool {
    !config.public_client
        && matches!(
            config.token_endpoint_auth_method.as_str(),
            "" | "client_secret_basic" | "client_secret_post"
        )
}

/// The inbound client of `request`, checked and completed: flow bindings resolved, the server's
/// token, userinfo and scope-claim defaults, the OAuth client with `client_id` and `secret`.
pub(super) fn check(
    request: &Agent,
    id: &str,
    client_id: &str,
    secret: &str,
    mode: Mode,
    context: &Context<'_>,
) -> Result<Application, MockError> {
    // `ResolveInboundAuthProfileHandles` (import documents only): a handle names the flow.
    let by_handle = |handle: &str, flow_type: FlowType, code: ApiErrorCode| {
        context
            .registry()
            .flow_by_handle(handle, &flow_type)
            .map(|f| f.id.as_str().to_owned())
            .ok_or_else(|| MockError::api(code))
    };
    let mut auth_flow_id = request.profile.auth_flow_id.clone();
    if auth_flow_id.is_empty() && !request.profile.auth_flow_handle.is_empty() {
        auth_flow_id = by_handle(
            &request.profile.auth_flow_handle,
            FlowType::Authentication,
            ApiErrorCode::AgentInvalidAuthFlowID,
        )?;
    }
    let mut registration_flow_id = request.profile.registration_flow_id.clone();
    if registration_flow_id.is_empty() && !request.profile.registration_flow_handle.is_empty() {
        registration_flow_id = by_handle(
            &request.profile.registration_flow_handle,
            FlowType::Registration,
            ApiErrorCode::AgentInvalidRegistrationFlowID,
        )?;
    }
    let mut app = Application {
        id: id.to_owned(),
        organization_unit_id: request.organization_unit_id.clone(),
        name: request.name.clone(),
        logo_url: request.logo_url.clone(),
        profile: InboundAuthProfile {
            auth_flow_id,
            registration_flow_id,
            is_registration_flow_enabled: request.profile.is_registration_flow_enabled,
            theme_id: request.profile.theme_id.clone(),
            layout_id: request.profile.layout_id.clone(),
            assertion: request.profile.assertion.clone(),
            login_consent: request.profile.login_consent.clone(),
            allowed_user_types: request.profile.allowed_user_types.clone(),
            ..InboundAuthProfile::default()
        },
        ..Application::default()
    };
    if let Some(config) = oauth_config(request)? {
        let mut config = config.clone();
        // `buildOAuthProfile`: agents default to `client_credentials` and a secret method, and
        // keep no ACR values.
        if config.grant_types.is_empty() {
            config.grant_types = vec!["client_credentials".to_owned()];
        }
        if config.token_endpoint_auth_method.is_empty() {
            config.token_endpoint_auth_method = "client_secret_basic".to_owned();
        }
        config.acr_values.clear();
        config.client_id = client_id.to_owned();
        config.client_secret = secret.to_owned();
        app.profile.inbound_auth_config = vec![InboundAuthConfig {
            config_type: "oauth2".to_owned(),
            config: Some(config),
        }];
    }
    // `applyInboundDefaults`: the consent period is always stored.
    app.profile
        .login_consent
        .get_or_insert_with(Default::default);
    applications::validate::check_inbound(&mut app, mode, context).map_err(agent_error)?;
    Ok(app)
}

/// The OAuth client the token endpoint sees for an agent's inbound client, with its secret.
pub(super) fn client(
    registry: &Registry,
    inbound: &Application,
    secret: Option<&str>,
) -> Option<Arc<ApplicationFixture>> {
    let mut app = inbound.clone();
    let config = app
        .profile
        .inbound_auth_config
        .first_mut()?
        .config
        .as_mut()?;
    config.client_secret = secret.unwrap_or_default().to_owned();
    Some(Arc::new(applications::wire::from_wire(registry, &app)))
}

/// `translateInboundClientError`: the agent twin of an application code.
fn agent_error(error: MockError) -> MockError {
    let MockError::Api { error, .. } = error else {
        return error;
    };
    let mapped = match error.code {
        ApiErrorCode::AppInvalidRedirectURI => ApiErrorCode::AgentInvalidRedirectURI,
        ApiErrorCode::AppInvalidGrantType => ApiErrorCode::AgentInvalidGrantType,
        ApiErrorCode::AppInvalidResponseType => ApiErrorCode::AgentInvalidResponseType,
        ApiErrorCode::AppInvalidTokenEndpointAuthMethod => {
            ApiErrorCode::AgentInvalidTokenEndpointAuthMethod
        }
        ApiErrorCode::AppInvalidPublicClientConfiguration => {
            ApiErrorCode::AgentInvalidPublicClientConfiguration
        }
        ApiErrorCode::AppInvalidOAuthConfiguration => ApiErrorCode::AgentInvalidOAuthConfiguration,
        ApiErrorCode::AppInvalidAuthFlowID => ApiErrorCode::AgentInvalidAuthFlowID,
        ApiErrorCode::AppInvalidRegistrationFlowID => ApiErrorCode::AgentInvalidRegistrationFlowID,
        ApiErrorCode::AppWhileRetrievingFlowDefinition => {
            ApiErrorCode::AgentWhileRetrievingFlowDefinition
        }
        ApiErrorCode::AppInvalidUserType => ApiErrorCode::AgentInvalidUserType,
        ApiErrorCode::AppThemeNotFound => ApiErrorCode::AgentThemeNotFound,
        ApiErrorCode::AppLayoutNotFound => ApiErrorCode::AgentLayoutNotFound,
        ApiErrorCode::AppInvalidUserAttribute => ApiErrorCode::AgentInvalidUserAttribute,
        // The recovery and sign-out flow checks and the CALL-target mismatch have no mapping.
        other => {
            return MockError::Internal(anyhow::anyhow!(
                "inbound client error {} has no agent mapping",
                other.as_str()
            ));
        }
    };
    MockError::api_error(with_description(mapped, &error))
}

/// The mapped code's body; a custom description of the original keeps its text and parameters
/// under the agent service's key.
fn with_description(code: ApiErrorCode, original: &ApiError) -> ApiError {
    let standard = original.code.to_error().description;
    let mut error = code.to_error();
    if original.description != standard {
        error.description = original.description.clone();
        error.description.key = original
            .description
            .key
            .replace("error.applicationservice.", "error.agentservice.");
    }
    error
}
