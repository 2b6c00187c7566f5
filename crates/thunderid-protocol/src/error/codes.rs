//! The API error code table (envelope A), one row per code:
//! `Variant => (code, HTTP status or 200 for in-band, message key, message default, description key,
//! description default)`.
//!
//! Read from the real server's `error_constants.go` files (flowexec, flow/core, flow/executor,
//! flow/interceptor, flowmeta, user, entitytype, group, role, resource, authzen, sysauthz, ou),
//! `apierror/error.go` (AUTH-*) and `pkg/thunderidengine/common/error.go` (SSE-*). Statuses follow
//! each package's handler mapping.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! api_error_codes {
    ($($variant:ident => ($code:literal, $status:literal, $mkey:literal, $mdefault:literal, $dkey:literal, $ddefault:literal),)*) => {
        /// Every envelope-A error code the server defines (FES-, FLC-, ICS-, FET-, FM-, AUTH-, USR-,
        /// USRS-, GRP-, ROL-, RES-, SAZ-, OU-, SSE-), and AuthZEN's AZN- codes (whose wire body is
        /// `{"error": <message default>}`).
        ///
        /// Open enum: unknown codes round-trip through [`ApiErrorCode::Other`]. The mock never emits it.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ApiErrorCode {
            $(
                #[doc = concat!("`", $code, "`: ", $mdefault, ". ", $ddefault)]
                $variant,
            )*
            /// A code this crate does not know, kept verbatim.
            Other(String),
        }

        impl ApiErrorCode {
            /// Every known code, in table order.
            pub const ALL: &'static [ApiErrorCode] = &[$(Self::$variant,)*];

            /// The wire code, e.g. `"FES-1004"`.
            pub fn as_str(&self) -> &str {
                match self { $(Self::$variant => $code,)* Self::Other(code) => code }
            }

            /// The HTTP status the server answers with; 200 for codes carried in band in a flow response.
            pub fn http_status(&self) -> u16 {
                match self { $(Self::$variant => $status,)* Self::Other(_) => 500 }
            }

            pub fn message_key(&self) -> &'static str {
                match self { $(Self::$variant => $mkey,)* Self::Other(_) => "error.unknown" }
            }

            pub fn message_default(&self) -> &'static str {
                match self { $(Self::$variant => $mdefault,)* Self::Other(_) => "Unknown error" }
            }

            pub fn description_key(&self) -> &'static str {
                match self { $(Self::$variant => $dkey,)* Self::Other(_) => "error.unknown_description" }
            }

            pub fn description_default(&self) -> &'static str {
                match self { $(Self::$variant => $ddefault,)* Self::Other(_) => "Unknown error" }
            }

            /// Parse a wire code; unknown codes become [`ApiErrorCode::Other`].
            pub fn parse(code: &str) -> Self {
                match code { $($code => Self::$variant,)* other => Self::Other(other.to_owned()) }
            }
        }
    };
}

api_error_codes! {
    AuthUnauthorized => ("AUTH-4010", 401, "error.auth.unauthorized", "Unauthorized", "error.auth.unauthorized_description", "Authentication is required to access this resource"),
    AuthForbidden => ("AUTH-4030", 403, "error.auth.forbidden", "Forbidden", "error.auth.forbidden_description", "You do not have sufficient permissions to access this resource"),
    FlowInvalidRequestPayload => ("FES-1001", 400, "error.flowexecservice.invalid_request_payload", "Invalid request payload", "error.flowexecservice.invalid_request_payload_description", "Failed to decode request payload"),
    FlowNodeResponse => ("FES-1002", 400, "error.flowexecservice.invalid_node_response", "Invalid node response", "error.flowexecservice.invalid_node_response_description", "Error response received from the node"),
    FlowInvalidAppId => ("FES-1003", 400, "error.flowexecservice.invalid_app_id", "Invalid request", "error.flowexecservice.invalid_app_id_description", "Invalid app ID provided in the request"),
    FlowInvalidExecutionId => ("FES-1004", 400, "error.flowexecservice.invalid_execution_id", "Invalid request", "error.flowexecservice.invalid_execution_id_description", "Invalid flow execution ID provided in the request"),
    FlowInvalidFlowType => ("FES-1005", 400, "error.flowexecservice.invalid_flow_type", "Invalid request", "error.flowexecservice.invalid_flow_type_description", "Invalid flow type provided in the request"),
    FlowRegistrationDisabled => ("FES-1006", 400, "error.flowexecservice.registration_not_allowed", "Registration not allowed", "error.flowexecservice.registration_not_allowed_description", "Registration flow is disabled for the application"),
    FlowApplicationRetrievalClientError => ("FES-1007", 400, "error.flowexecservice.application_retrieval_error", "Application retrieval error", "error.flowexecservice.application_retrieval_error_description", "Error while retrieving application details"),
    FlowInvalidFlowInitContext => ("FES-1008", 400, "error.flowexecservice.invalid_flow_init_context", "Invalid request", "error.flowexecservice.invalid_flow_init_context_description", "Invalid flow initialization context provided"),
    FlowRecoveryDisabled => ("FES-1009", 400, "error.flowexecservice.recovery_not_allowed", "Recovery not allowed", "error.flowexecservice.recovery_not_allowed_description", "Recovery flow is disabled for the application"),
    FlowDirectFlowInitiationNotPermitted => ("FES-1010", 403, "error.flowexecservice.direct_flow_initiation_not_permitted", "Direct flow initiation not permitted", "error.flowexecservice.direct_flow_initiation_not_permitted_description", "Direct flow initiation is not permitted for this application type"),
    FlowSecretRequired => ("FES-1011", 401, "error.flowexecservice.flow_secret_required", "Authentication required", "error.flowexecservice.flow_secret_required_description", "Backend applications must provide a valid flow secret to initiate a new flow"),
    FlowSecretInvalid => ("FES-1012", 401, "error.flowexecservice.flow_secret_invalid", "Authentication failed", "error.flowexecservice.flow_secret_invalid_description", "The provided flow secret is invalid"),
    FlowMaxCallDepthExceeded => ("FES-1013", 400, "error.flowexecservice.max_call_depth_exceeded", "Maximum call depth exceeded", "error.flowexecservice.max_call_depth_exceeded_description", "The maximum allowed call depth has been exceeded during flow execution"),
    FlowAttestationRequired => ("FES-1014", 401, "error.flowexecservice.attestation_required", "Authentication required", "error.flowexecservice.attestation_required_description", "Mobile applications must present a valid attestation token to initiate a new flow"),
    FlowAttestationInvalid => ("FES-1015", 401, "error.flowexecservice.attestation_invalid", "Authentication failed", "error.flowexecservice.attestation_invalid_description", "The provided attestation token is invalid"),
    FlowAttestationNotConfigured => ("FES-1016", 400, "error.flowexecservice.attestation_not_configured", "Attestation not configured", "error.flowexecservice.attestation_not_configured_description", "Mobile applications must configure platform attestation to initiate a flow"),
    FlowAdministrationAuthenticationRequired => ("FES-1017", 401, "error.flowexecservice.administration_authentication_required", "Authentication required", "error.flowexecservice.administration_authentication_required_description", "Administrative flows require an authenticated caller"),
    FlowIdExecutionNotPermitted => ("FES-1018", 403, "error.flowexecservice.flow_id_execution_not_permitted", "Flow execution not permitted", "error.flowexecservice.flow_id_execution_not_permitted_description", "The selected flow cannot be executed directly by its ID"),
    FlowAdministrationPermissionRequired => ("FES-1019", 403, "error.flowexecservice.administration_permission_required", "Insufficient permissions", "error.flowexecservice.administration_permission_required_description", "Administrative flows require the system permission"),
    FlowMgtFlowNotFound => ("FLM-1003", 400, "error.flowmgtservice.flow_not_found", "Flow not found", "error.flowmgtservice.flow_not_found_description", "The flow with the specified id does not exist"),
    ExecutorUserNotFound => ("FET-1001", 200, "flows.executor.errors.user_not_found", "User not found", "flows.executor.errors.user_not_found_desc", "The user could not be found in the system"),
    ExecutorFailedToIdentifyUser => ("FET-1002", 200, "flows.executor.errors.failed_to_identify_user", "Failed to identify user", "flows.executor.errors.failed_to_identify_user_desc", "Unable to identify the user with the provided information"),
    ExecutorAmbiguousUserIdentity => ("FET-1003", 200, "flows.executor.errors.ambiguous_user_identity", "Ambiguous user identity", "flows.executor.errors.ambiguous_user_identity_desc", "User identity is ambiguous and cannot be determined"),
    ExecutorUserNotAuthenticated => ("FET-1004", 200, "flows.executor.errors.user_not_authenticated", "User is not authenticated", "flows.executor.errors.user_not_authenticated_desc", "The user has not been authenticated in this flow"),
    ExecutorInvalidCredentials => ("FET-1005", 200, "flows.executor.errors.invalid_credentials", "Invalid credentials provided", "flows.executor.errors.invalid_credentials_desc", "The credentials provided are invalid"),
    ExecutorUserAuthFailed => ("FET-1006", 200, "flows.executor.errors.user_auth_failed", "User authentication failed", "flows.executor.errors.user_auth_failed_desc", "An error occurred while authenticating the user"),
    ExecutorUserAlreadyExists => ("FET-1007", 200, "flows.executor.errors.user_already_exists", "User already exists", "flows.executor.errors.user_already_exists_desc", "A user already exists with the provided attributes"),
    ExecutorInvalidOtp => ("FET-1008", 200, "flows.executor.errors.invalid_otp", "Invalid OTP provided", "flows.executor.errors.invalid_otp_desc", "The one-time password provided is invalid or has expired"),
    ExecutorMaxOtpAttemptsReached => ("FET-1009", 200, "flows.executor.errors.max_otp_attempts_reached", "Maximum OTP attempts reached", "flows.executor.errors.max_otp_attempts_reached_desc", "The maximum number of OTP verification attempts has been reached"),
    ExecutorInvalidMagicLinkToken => ("FET-1010", 200, "flows.executor.errors.invalid_magic_link_token", "Invalid magic link token", "flows.executor.errors.invalid_magic_link_token_desc", "The magic link token is invalid or has expired"),
    ExecutorMagicLinkGeneration => ("FET-1011", 200, "flows.executor.errors.magic_link_generation_failed", "Magic link generation failed", "flows.executor.errors.magic_link_generation_failed_desc", "Failed to generate the magic link"),
    ExecutorInvalidOauthState => ("FET-1012", 200, "flows.executor.errors.invalid_oauth_state", "Invalid OAuth state parameter", "flows.executor.errors.invalid_oauth_state_desc", "The OAuth state parameter is invalid or does not match the expected value"),
    ExecutorInvalidOauthCode => ("FET-1013", 200, "flows.executor.errors.invalid_oauth_code", "Invalid OAuth authorization code", "flows.executor.errors.invalid_oauth_code_desc", "The OAuth authorization code is invalid or could not be exchanged for tokens"),
    ExecutorInvalidFederatedUser => ("FET-1014", 200, "flows.executor.errors.invalid_federated_user", "Invalid federated user", "flows.executor.errors.invalid_federated_user_desc", "The federated user information is invalid or inconsistent"),
    ExecutorInvalidPasskey => ("FET-1015", 200, "flows.executor.errors.invalid_passkey", "Invalid passkey credentials", "flows.executor.errors.invalid_passkey_desc", "The passkey credentials provided are invalid"),
    ExecutorNoRegisteredPasskeys => ("FET-1016", 200, "flows.executor.errors.no_registered_passkeys", "No registered passkeys found", "flows.executor.errors.no_registered_passkeys_desc", "No registered passkeys were found for the user"),
    ExecutorUserIdRequiredForPasskeyReg => ("FET-1017", 200, "flows.executor.errors.user_id_required_for_passkey_reg", "User ID missing for passkey registration", "flows.executor.errors.user_id_required_for_passkey_reg_desc", "A user ID is required to register a passkey"),
    ExecutorPasskeyRegistrationFailed => ("FET-1018", 200, "flows.executor.errors.passkey_registration_failed", "Passkey registration failed", "flows.executor.errors.passkey_registration_failed_desc", "An error occurred while registering the passkey"),
    ExecutorPasskeyAuthFailed => ("FET-1019", 200, "flows.executor.errors.passkey_auth_failed", "Passkey authentication failed", "flows.executor.errors.passkey_auth_failed_desc", "An error occurred while authenticating with the passkey"),
    ExecutorProvisioningUserAttrsMissing => ("FET-1020", 200, "flows.executor.errors.provisioning_user_attrs_missing", "No user attributes provided for provisioning", "flows.executor.errors.provisioning_user_attrs_missing_desc", "User attributes are required to provision a new user"),
    ExecutorProvisioningFailed => ("FET-1021", 200, "flows.executor.errors.provisioning_failed", "User provisioning failed", "flows.executor.errors.provisioning_failed_desc", "An error occurred while provisioning the user"),
    ExecutorProvisioningAssignmentFailed => ("FET-1022", 200, "flows.executor.errors.provisioning_assignment_failed", "Failed to assign groups and roles", "flows.executor.errors.provisioning_assignment_failed_desc", "An error occurred while assigning groups and roles to the provisioned user"),
    ExecutorCrossOuProvisioningTargetMissing => ("FET-1023", 200, "flows.executor.errors.cross_ou_provisioning_target_missing", "Target OU is not set for cross-OU provisioning", "flows.executor.errors.cross_ou_provisioning_target_missing_desc", "A target organization unit must be specified for cross-OU user provisioning"),
    ExecutorUserAlreadyExistsInTargetOu => ("FET-1024", 200, "flows.executor.errors.user_already_exists_in_target_ou", "User already exists in the target organization", "flows.executor.errors.user_already_exists_in_target_ou_desc", "A user with the same identity already exists in the target organization unit"),
    ExecutorCannotProvisionAutomatically => ("FET-1025", 200, "flows.executor.errors.cannot_provision_automatically", "Cannot provision user automatically", "flows.executor.errors.cannot_provision_automatically_desc", "The user cannot be provisioned automatically with the provided information"),
    ExecutorSelfRegistrationDisabled => ("FET-1026", 200, "flows.executor.errors.self_registration_disabled", "Self-registration not enabled", "flows.executor.errors.self_registration_disabled_desc", "Self-registration is not enabled for this application or user type"),
    ExecutorInsufficientPermissions => ("FET-1027", 200, "flows.executor.errors.insufficient_permissions", "Insufficient permissions", "flows.executor.errors.insufficient_permissions_desc", "The user does not have sufficient permissions to perform this action"),
    ExecutorAuthorizationFailed => ("FET-1028", 200, "flows.executor.errors.authorization_failed", "Authorization validation failed", "flows.executor.errors.authorization_failed_desc", "Authorization validation failed for the current user"),
    ExecutorInvalidOu => ("FET-1029", 200, "flows.executor.errors.invalid_ou", "Selected organization unit is invalid", "flows.executor.errors.invalid_ou_desc", "The selected organization unit is not valid for this operation"),
    ExecutorOuNotFound => ("FET-1030", 200, "flows.executor.errors.ou_not_found", "Organization unit not found", "flows.executor.errors.ou_not_found_desc", "The selected organization unit does not exist"),
    ExecutorOuNameConflict => ("FET-1031", 200, "flows.executor.errors.ou_name_conflict", "Organization unit with the same name already exists", "flows.executor.errors.ou_name_conflict_desc", "An organization unit with the same name already exists in this context"),
    ExecutorOuHandleConflict => ("FET-1032", 200, "flows.executor.errors.ou_handle_conflict", "Organization unit with the same handle already exists", "flows.executor.errors.ou_handle_conflict_desc", "An organization unit with the same handle already exists in this context"),
    ExecutorOuCreationPrereqFailed => ("FET-1033", 200, "flows.executor.errors.ou_creation_prereq_failed", "Prerequisites validation failed for OU creation", "flows.executor.errors.ou_creation_prereq_failed_desc", "The prerequisites for creating an organization unit have not been met"),
    ExecutorOuResolutionFailed => ("FET-1034", 200, "flows.executor.errors.ou_resolution_failed", "Failed to resolve organization unit", "flows.executor.errors.ou_resolution_failed_desc", "Unable to resolve the organization unit for the current context"),
    ExecutorOuCreationFailed => ("FET-1035", 200, "flows.executor.errors.ou_creation_failed", "Organization unit creation failed", "flows.executor.errors.ou_creation_failed_desc", "An error occurred while creating the organization unit"),
    ExecutorEmailSendFailed => ("FET-1036", 200, "flows.executor.errors.email_send_failed", "Failed to send email", "flows.executor.errors.email_send_failed_desc", "An error occurred while sending the email"),
    ExecutorEmailRecipientMissing => ("FET-1037", 200, "flows.executor.errors.email_recipient_missing", "Email recipient is required", "flows.executor.errors.email_recipient_missing_desc", "An email recipient must be provided to send the notification"),
    ExecutorEmailServiceNotConfigured => ("FET-1038", 200, "flows.executor.errors.email_service_not_configured", "Email service is not configured", "flows.executor.errors.email_service_not_configured_desc", "The email notification service has not been configured"),
    ExecutorSmsRecipientMissing => ("FET-1039", 200, "flows.executor.errors.sms_recipient_missing", "SMS recipient is required", "flows.executor.errors.sms_recipient_missing_desc", "An SMS recipient must be provided to send the notification"),
    ExecutorSmsInvalidPhone => ("FET-1040", 200, "flows.executor.errors.sms_invalid_phone", "SMS recipient is not a valid phone number", "flows.executor.errors.sms_invalid_phone_desc", "The provided SMS recipient is not a valid phone number"),
    ExecutorSmsTemplateMissing => ("FET-1041", 200, "flows.executor.errors.sms_template_missing", "SMS template is required", "flows.executor.errors.sms_template_missing_desc", "An SMS template must be provided to send the notification"),
    ExecutorSmsProviderNotConfigured => ("FET-1042", 200, "flows.executor.errors.sms_provider_not_configured", "SMS notification provider is not configured", "flows.executor.errors.sms_provider_not_configured_desc", "The SMS notification provider has not been configured or is erroneous"),
    ExecutorPrerequisitesFailed => ("FET-1043", 200, "flows.executor.errors.prerequisites_failed", "Prerequisites validation failed", "flows.executor.errors.prerequisites_failed_desc", "The prerequisites for this operation have not been met"),
    ExecutorUserIdMissingInContext => ("FET-1044", 200, "flows.executor.errors.user_id_missing_in_context", "User ID not found", "flows.executor.errors.user_id_missing_in_context_desc", "The user ID could not be resolved from the current flow context"),
    ExecutorCredentialInputMissing => ("FET-1045", 200, "flows.executor.errors.credential_input_missing", "No credential input configured", "flows.executor.errors.credential_input_missing_desc", "No credential input has been configured for the credential setter"),
    ExecutorCredentialInputInvalid => ("FET-1046", 200, "flows.executor.errors.credential_input_invalid", "Invalid credential input configuration", "flows.executor.errors.credential_input_invalid_desc", "The credential input configuration is invalid for the credential setter"),
    ExecutorCredentialValueEmpty => ("FET-1047", 200, "flows.executor.errors.credential_value_empty", "Credential value is empty", "flows.executor.errors.credential_value_empty_desc", "The credential value must not be empty for the credential setter"),
    ExecutorCredentialSetFailed => ("FET-1048", 200, "flows.executor.errors.credential_set_failed", "Failed to set credentials", "flows.executor.errors.credential_set_failed_desc", "An error occurred while setting the user credentials"),
    ExecutorAttributeCollectFailed => ("FET-1049", 200, "flows.executor.errors.attribute_collect_failed", "Failed to update user attributes", "flows.executor.errors.attribute_collect_failed_desc", "An error occurred while updating the user attributes"),
    ExecutorHttpRequestConfigInvalid => ("FET-1050", 200, "flows.executor.errors.http_request_config_invalid", "Configuration error", "flows.executor.errors.http_request_config_invalid_desc", "The HTTP request executor configuration is invalid"),
    ExecutorAuthNotAvailableForApp => ("FET-1051", 200, "flows.executor.errors.auth_not_available_for_app", "Authentication not available for this application", "flows.executor.errors.auth_not_available_for_app_desc", "The requested authentication method is not available for this application"),
    ExecutorSelfRegNotAvailableForApp => ("FET-1052", 200, "flows.executor.errors.self_reg_not_available_for_app", "Self-registration not available for this application", "flows.executor.errors.self_reg_not_available_for_app_desc", "Self-registration is not available for this application"),
    ExecutorNoValidUserTypes => ("FET-1053", 200, "flows.executor.errors.no_valid_user_types", "No valid user types available", "flows.executor.errors.no_valid_user_types_desc", "There are no valid user types configured for this flow"),
    ExecutorUserTypeNotAllowed => ("FET-1054", 200, "flows.executor.errors.user_type_not_allowed", "User type not allowed for this flow", "flows.executor.errors.user_type_not_allowed_desc", "The selected user type is not allowed for this flow"),
    ExecutorInvalidUserType => ("FET-1055", 200, "flows.executor.errors.invalid_user_type", "Invalid user type", "flows.executor.errors.invalid_user_type_desc", "The provided user type is not valid"),
    ExecutorNoUserTypesAvailable => ("FET-1056", 200, "flows.executor.errors.no_user_types_available", "No user types available", "flows.executor.errors.no_user_types_available_desc", "No user types are currently available"),
    ExecutorUserTypeRetrievalFailed => ("FET-1057", 200, "flows.executor.errors.user_type_retrieval_failed", "Failed to retrieve user types", "flows.executor.errors.user_type_retrieval_failed_desc", "An error occurred while retrieving available user types"),
    ExecutorUserTypeNotValidForOu => ("FET-1058", 200, "flows.executor.errors.user_type_not_valid_for_ou", "User type is not valid", "flows.executor.errors.user_type_not_valid_for_ou_desc", "The selected user type is not valid for the chosen organization unit"),
    ExecutorSelfRegDisabledForUserType => ("FET-1059", 200, "flows.executor.errors.self_reg_disabled_for_user_type", "Self-registration is disabled for the user type", "flows.executor.errors.self_reg_disabled_for_user_type_desc", "Self-registration is not enabled for the selected user type"),
    ExecutorAttributeNotFoundForUser => ("FET-1060", 200, "flows.executor.errors.attribute_not_found_for_user", "Required attribute not found", "flows.executor.errors.attribute_not_found_for_user_desc", "A required attribute was not found for the user"),
    ExecutorAttributeNotUnique => ("FET-1061", 200, "flows.executor.errors.attribute_not_unique", "User already exists with the provided {{param(attribute)}}", "flows.executor.errors.attribute_not_unique_desc", "The provided {{param(attribute)}} is already associated with another user and expects a unique value"),
    ExecutorAttributeRetrievalFailed => ("FET-1062", 200, "flows.executor.errors.attribute_retrieval_failed", "Failed to retrieve user attributes", "flows.executor.errors.attribute_retrieval_failed_desc", "An error occurred while retrieving user attributes"),
    ExecutorCredentialProcessingFailed => ("FET-1063", 200, "flows.executor.errors.credential_processing_failed", "Failed to process credentials", "flows.executor.errors.credential_processing_failed_desc", "An error occurred while processing the credentials"),
    ExecutorInvalidAction => ("FET-1064", 200, "flows.executor.errors.invalid_action", "Invalid action provided", "flows.executor.errors.invalid_action_desc", "The action provided is not valid for the current flow step"),
    ExecutorConsentPrereqFailed => ("FET-1065", 200, "flows.executor.errors.consent_prereq_failed", "Prerequisites validation failed for consent", "flows.executor.errors.consent_prereq_failed_desc", "The prerequisites for the consent executor have not been met"),
    ExecutorConsentDenied => ("FET-1066", 200, "flows.executor.errors.consent_denied", "User denied consent", "flows.executor.errors.consent_denied_desc", "The user has denied the required consent"),
    ExecutorConsentDecisionsMissing => ("FET-1067", 200, "flows.executor.errors.consent_decisions_missing", "Consent decisions input is missing or empty", "flows.executor.errors.consent_decisions_missing_desc", "The consent decisions input is missing or empty"),
    ExecutorConsentDecisionsParseFail => ("FET-1068", 200, "flows.executor.errors.consent_decisions_parse", "Failed to parse consent decisions", "flows.executor.errors.consent_decisions_parse_desc", "The consent decisions input could not be parsed"),
    ExecutorConsentPromptTimedOut => ("FET-1069", 200, "flows.executor.errors.consent_prompt_timed_out", "Consent prompt has timed out", "flows.executor.errors.consent_prompt_timed_out_desc", "The consent prompt has timed out without a response"),
    ExecutorConsentRecordFailed => ("FET-1070", 200, "flows.executor.errors.consent_record_failed", "Failed to record consent", "flows.executor.errors.consent_record_failed_desc", "An error occurred while recording the user consent"),
    ExecutorConsentResolutionFailed => ("FET-1071", 200, "flows.executor.errors.consent_resolution_failed", "Failed to resolve consent", "flows.executor.errors.consent_resolution_failed_desc", "An error occurred while resolving the user consent requirements"),
    ExecutorHttpRequestFailed => ("FET-1072", 200, "flows.executor.errors.http_request_failed", "HTTP request executor failed", "flows.executor.errors.http_request_failed_desc", "The HTTP request executor failed to complete the request"),
    ExecutorInvalidInviteToken => ("FET-1073", 200, "flows.executor.errors.invalid_invite_token", "Invalid invite token", "flows.executor.errors.invalid_invite_token_desc", "The provided invite token is invalid or has expired"),
    ExecutorInviteTokenGenerationFailed => ("FET-1074", 200, "flows.executor.errors.invite_token_generation_failed", "Failed to generate invite token", "flows.executor.errors.invite_token_generation_failed_desc", "An error occurred while generating the invite token"),
    ExecutorOuNotValidForUserType => ("FET-1075", 200, "flows.executor.errors.ou_not_valid_for_user_type", "The selected organization unit is not valid for the chosen user type.", "flows.executor.errors.ou_not_valid_for_user_type_desc", "The selected organization unit is not valid for the chosen user type"),
    ExecutorOpenId4VPDefinitionNotConfigured => ("FET-1076", 200, "flows.executor.errors.openid4vp_definition_not_configured", "OpenID4VP presentation definition is not configured", "flows.executor.errors.openid4vp_definition_not_configured_desc", "The OpenID4VP node is missing the presentation_definition_id property"),
    ExecutorOpenId4VPInitiateFailed => ("FET-1077", 200, "flows.executor.errors.openid4vp_initiate_failed", "Failed to initiate the OpenID4VP request", "flows.executor.errors.openid4vp_initiate_failed_desc", "An error occurred while initiating the OpenID4VP presentation request"),
    ExecutorOpenId4VPExpired => ("FET-1078", 200, "flows.executor.errors.openid4vp_expired", "The OpenID4VP request expired before a response was received", "flows.executor.errors.openid4vp_expired_desc", "The OpenID4VP presentation request expired before the wallet submitted a response"),
    ExecutorOpenId4VPVerificationFailed => ("FET-1079", 200, "flows.executor.errors.openid4vp_verification_failed", "OpenID4VP presentation verification failed", "flows.executor.errors.openid4vp_verification_failed_desc", "The OpenID4VP presentation verification failed"),
    ExecutorProvisioningAttributeConflict => ("FET-1080", 200, "flows.executor.errors.provisioning_attribute_conflict", "A user with the provided attributes already exists", "flows.executor.errors.provisioning_attribute_conflict_desc", "User provisioning failed because one or more unique attribute values are already taken"),
    ExecutorNoLiveSsoSession => ("FET-1081", 200, "flows.executor.errors.no_live_sso_session", "No live SSO session", "flows.executor.errors.no_live_sso_session_desc", "No live, compatible SSO session exists for this flow; full authentication is required"),
    ExecutorInteractionRequired => ("FET-1082", 200, "flows.executor.errors.interaction_required", "Interaction required", "flows.executor.errors.interaction_required_desc", "The accumulated authentication assurance does not satisfy the requested acr_values or max_age"),
    ExecutorInvalidRevocationMode => ("FET-1083", 200, "flows.executor.errors.invalid_revocation_mode", "Invalid revocation mode", "flows.executor.errors.invalid_revocation_mode_desc", "The requested revocation mode is not supported for this action"),
    ExecutorUserDeletionNotAllowed => ("FET-1084", 200, "flows.executor.errors.user_deletion_not_allowed", "User deletion not allowed", "flows.executor.errors.user_deletion_not_allowed_desc", "The user cannot be deleted in the current state"),
    ExecutorUserDeletionFailed => ("FET-1085", 200, "flows.executor.errors.user_deletion_failed", "User deletion failed", "flows.executor.errors.user_deletion_failed_desc", "The user could not be deleted"),
    FlowCoreExecutorPrerequisiteNotMet => ("FLC-1001", 200, "error.flow.core.executor_prerequisite_not_met", "A prerequisite for the executor was not met", "error.flow.core.executor_prerequisite_not_met_description", "One or more prerequisites required for the executor were not satisfied. Please check the inputs and try again."),
    FlowCoreInvalidActionProvided => ("FLC-1002", 200, "error.flow.core.prompt_invalid_action", "Invalid action provided", "error.flow.core.prompt_invalid_action_description", "The action provided is not valid for the current flow step"),
    FlowMetaInvalidType => ("FM-1001", 400, "error.flowmetaservice.invalid_request", "Invalid request", "error.flowmetaservice.invalid_type_description", "The 'type' parameter must be either 'APP' or 'OU'"),
    FlowMetaApplicationNotFound => ("FM-1002", 404, "error.flowmetaservice.resource_not_found", "Resource not found", "error.flowmetaservice.application_not_found_description", "The specified application does not exist"),
    FlowMetaOuNotFound => ("FM-1003", 404, "error.flowmetaservice.ou_not_found", "Resource not found", "error.flowmetaservice.ou_not_found_description", "The specified organization unit does not exist"),
    FlowMetaMissingType => ("FM-1004", 400, "error.flowmetaservice.missing_required_parameter", "Missing required parameter", "error.flowmetaservice.missing_type_description", "The 'type' query parameter is required"),
    FlowMetaMissingId => ("FM-1005", 400, "error.flowmetaservice.missing_id_parameter", "Missing required parameter", "error.flowmetaservice.missing_id_description", "The 'id' query parameter is required"),
    FlowMetaApplicationFetchFailed => ("FM-5001", 500, "error.flowmetaservice.internal_server_error", "Internal server error", "error.flowmetaservice.application_fetch_failed_description", "Failed to retrieve application information"),
    FlowMetaOuFetchFailed => ("FM-5002", 500, "error.flowmetaservice.ou_fetch_failed", "Internal server error", "error.flowmetaservice.ou_fetch_failed_description", "Failed to retrieve organization unit information"),
    InterceptorFailed => ("ICS-1001", 200, "error.interceptor.failed", "Interceptor validation failed", "error.interceptor.failed_description", "A flow interceptor rejected the request"),
    InterceptorChallengeTokenInvalid => ("ICS-1002", 200, "error.interceptor.challenge_token_invalid", "Invalid challenge token", "error.interceptor.challenge_token_invalid_description", "The challenge token is missing or invalid"),
    InterceptorCaptchaInvalid => ("ICS-1003", 200, "error.interceptor.captcha_invalid", "Invalid captcha", "error.interceptor.captcha_invalid_description", "The captcha token could not be verified"),
    OuInvalidRequestFormat => ("OU-1001", 400, "error.ouservice.invalid_request_format", "Invalid request format", "error.ouservice.invalid_request_format_description", "The request body is malformed, contains invalid data, or required fields are missing/empty"),
    OuMissingOuId => ("OU-1002", 400, "error.ouservice.missing_ou_id", "Invalid request format", "error.ouservice.missing_ou_id_description", "Organization unit ID is required"),
    OuNotFound => ("OU-1003", 404, "error.ouservice.organization_unit_not_found", "Organization unit not found", "error.ouservice.organization_unit_not_found_description", "The organization unit with the specified id does not exist"),
    OuNameConflict => ("OU-1004", 409, "error.ouservice.organization_unit_name_conflict", "Organization unit name conflict", "error.ouservice.organization_unit_name_conflict_description", "An organization unit with the same name exists under the same parent"),
    OuParentNotFound => ("OU-1005", 400, "error.ouservice.parent_organization_unit_not_found", "Parent organization unit not found", "error.ouservice.parent_organization_unit_not_found_description", "Parent organization unit not found"),
    OuCannotDelete => ("OU-1006", 400, "error.ouservice.organization_unit_has_children", "Organization unit has children", "error.ouservice.organization_unit_has_children_description", "Cannot delete organization unit with children or users/groups"),
    OuCircularDependency => ("OU-1007", 400, "error.ouservice.circular_dependency_detected", "Circular dependency detected", "error.ouservice.circular_dependency_detected_description", "Setting this parent would create a circular dependency"),
    OuHandleConflict => ("OU-1008", 409, "error.ouservice.organization_unit_handle_conflict", "Organization unit handle conflict", "error.ouservice.organization_unit_handle_conflict_description", "An organization unit with the same handle already exists under the same parent"),
    OuInvalidHandlePath => ("OU-1009", 400, "error.ouservice.invalid_handle_path", "Invalid handle path", "error.ouservice.invalid_handle_path_description", "The specified handle path does not exist"),
    OuInvalidLimit => ("OU-1010", 400, "error.ouservice.invalid_limit_parameter", "Invalid limit parameter", "error.ouservice.invalid_limit_parameter_description", "The limit parameter must be a positive integer"),
    OuInvalidOffset => ("OU-1011", 400, "error.ouservice.invalid_offset_parameter", "Invalid offset parameter", "error.ouservice.invalid_offset_parameter_description", "The offset parameter must be a non-negative integer"),
    OuCannotModifyDeclarativeResource => ("OU-1012", 400, "error.ouservice.cannot_modify_declarative_resource", "Cannot modify declarative resource", "error.ouservice.cannot_modify_declarative_resource_description", "The organization unit is declarative and cannot be modified or deleted"),
    OuResultLimitExceeded => ("OU-1013", 400, "error.ouservice.result_limit_exceeded", "Result limit exceeded", "error.ouservice.result_limit_exceeded_description", "The result exceeds the composite store limit"),
    OuInvalidFilter => ("OU-1014", 400, "error.ouservice.invalid_filter", "Invalid filter parameter", "error.ouservice.invalid_filter_description", "The filter parameter is invalid. Use format: attribute (eq|gt|lt) \"value\""),
    OuInvalidAuthFlowId => ("OU-1015", 400, "error.ouservice.invalid_auth_flow_id", "Invalid default authentication flow ID", "error.ouservice.invalid_auth_flow_id_description", "The authFlowId does not reference an existing authentication flow"),
    OuInvalidRegistrationFlowId => ("OU-1016", 400, "error.ouservice.invalid_registration_flow_id", "Invalid default registration flow ID", "error.ouservice.invalid_registration_flow_id_description", "The registrationFlowId does not reference an existing registration flow"),
    OuInvalidRecoveryFlowId => ("OU-1017", 400, "error.ouservice.invalid_recovery_flow_id", "Invalid default recovery flow ID", "error.ouservice.invalid_recovery_flow_id_description", "The recoveryFlowId does not reference an existing recovery flow"),
    OuInvalidSignOutFlowId => ("OU-1018", 400, "error.ouservice.invalid_signout_flow_id", "Invalid default sign-out flow ID", "error.ouservice.invalid_signout_flow_id_description", "The signOutFlowId does not reference an existing sign-out flow"),
    OuInvalidUserOnboardingFlowId => ("OU-1019", 400, "error.ouservice.invalid_user_onboarding_flow_id", "Invalid default user onboarding flow ID", "error.ouservice.invalid_user_onboarding_flow_id_description", "The userOnboardingFlowId does not reference an existing user onboarding flow"),
    ServerUnauthorized => ("SSE-4030", 403, "error.unauthorized", "Unauthorized", "error.unauthorized_description", "The caller is not authorized to perform this operation"),
    ServerInternal => ("SSE-5000", 500, "error.internal_server_error", "Internal server error", "error.internal_server_error_description", "An unexpected error occurred while processing the request"),
    ServerEncodingError => ("SSE-5001", 500, "error.encoding_error", "Encoding error", "error.encoding_error_description", "An error occurred while encoding the response"),
    UserInvalidRequestFormat => ("USR-1001", 400, "error.userservice.invalid_request_format", "Invalid request format", "error.userservice.invalid_request_format_description", "The request body is malformed or contains invalid data"),
    UserMissingUserId => ("USR-1002", 400, "error.userservice.missing_user_id", "Invalid request format", "error.userservice.missing_user_id_description", "User ID is required"),
    UserNotFound => ("USR-1003", 404, "error.userservice.user_not_found", "User not found", "error.userservice.user_not_found_description", "The user with the specified id does not exist"),
    UserOrganizationUnitNotFound => ("USR-1005", 404, "error.userservice.organization_unit_not_found", "Organization unit not found", "error.userservice.organization_unit_not_found_description", "The specified organization unit does not exist"),
    UserHandlePathRequired => ("USR-1008", 400, "error.userservice.handle_path_required", "Handle path required", "error.userservice.handle_path_required_description", "Handle path is required for this operation"),
    UserInvalidHandlePath => ("USR-1009", 400, "error.userservice.invalid_handle_path", "Invalid handle path", "error.userservice.invalid_handle_path_description", "Handle path must contain valid organizational unit identifiers separated by forward slashes"),
    UserInvalidLimit => ("USR-1011", 400, "error.userservice.invalid_limit_parameter", "Invalid pagination parameter", "error.userservice.invalid_limit_parameter_description", "The limit parameter must be a positive integer"),
    UserInvalidOffset => ("USR-1012", 400, "error.userservice.invalid_offset_parameter", "Invalid pagination parameter", "error.userservice.invalid_offset_parameter_description", "The offset parameter must be a non-negative integer"),
    UserAttributeConflict => ("USR-1014", 409, "error.userservice.attribute_conflict", "Attribute conflict", "error.userservice.attribute_conflict_description", "A user with the same unique attribute value already exists"),
    UserMissingRequiredFields => ("USR-1016", 400, "error.userservice.missing_required_fields", "Missing required fields", "error.userservice.missing_required_fields_description", "At least one identifying attribute must be provided"),
    UserMissingCredentials => ("USR-1017", 400, "error.userservice.missing_credentials", "Missing credentials", "error.userservice.missing_credentials_description", "At least one credential field must be provided"),
    UserAuthenticationFailed => ("USR-1018", 401, "error.userservice.authentication_failed", "Authentication failed", "error.userservice.authentication_failed_description", "Invalid credentials provided"),
    UserSchemaValidationFailed => ("USR-1019", 400, "error.userservice.schema_validation_failed", "Schema validation failed", "error.userservice.schema_validation_failed_description", "User attributes do not conform to the required schema"),
    UserInvalidFilter => ("USR-1020", 400, "error.userservice.invalid_filter_parameter", "Invalid filter parameter", "error.userservice.invalid_filter_parameter_description", "The filter format is invalid"),
    UserTypeNotFound => ("USR-1021", 400, "error.userservice.user_type_not_found", "User type not found", "error.userservice.user_type_not_found_description", "The specified user type does not exist"),
    UserInvalidOuId => ("USR-1022", 400, "error.userservice.invalid_organization_unit", "Invalid organization unit", "error.userservice.invalid_organization_unit_description", "Organization unit id must be specified as a valid UUID"),
    UserOrganizationUnitMismatch => ("USR-1023", 400, "error.userservice.organization_unit_mismatch", "Organization unit mismatch", "error.userservice.organization_unit_mismatch_description", "The organization unit does not match the user type configuration"),
    UserInvalidCredential => ("USR-1024", 400, "error.userservice.invalid_credential", "Invalid request format", "error.userservice.invalid_credential_description", "Invalid credential fields in request"),
    UserCannotModifyDeclarativeResource => ("USR-1025", 400, "error.userservice.cannot_modify_declarative_resource", "Cannot modify declarative resource", "error.userservice.cannot_modify_declarative_resource_description", "The user is declarative and cannot be modified or deleted"),
    UserAmbiguousUser => ("USR-1026", 400, "error.userservice.ambiguous_user", "Ambiguous user", "error.userservice.ambiguous_user_description", "Multiple users match the provided filters"),
    UserHasBlockingDependencies => ("USR-1027", 409, "error.userservice.user_has_blocking_dependencies", "User cannot be deleted", "error.userservice.user_has_blocking_dependencies_description", "The user cannot be deleted because other resources depend on it. Remove or reassign them first."),
    UserCredentialUpdateNotAllowed => ("USR-1028", 400, "error.userservice.credential_update_not_allowed", "Credential update not allowed", "error.userservice.credential_update_not_allowed_description", "The credential updates through this endpoint are not allowed"),
    UserTypeInvalidRequestFormat => ("USRS-1001", 400, "error.entitytypeservice.invalid_request_format", "Invalid request format", "error.entitytypeservice.invalid_request_format_description", "The request body is malformed or contains invalid data"),
    UserTypeNotFoundInService => ("USRS-1002", 404, "error.entitytypeservice.user_type_not_found", "User type not found", "error.entitytypeservice.user_type_not_found_description", "The user type with the specified id does not exist"),
    UserTypeNameConflict => ("USRS-1003", 409, "error.entitytypeservice.user_type_name_conflict", "User type name conflict", "error.entitytypeservice.user_type_name_conflict_description", "A user type with the same name already exists"),
    UserTypeInvalidRequest => ("USRS-1004", 400, "error.entitytypeservice.invalid_user_type_request", "Invalid user type request", "error.entitytypeservice.invalid_user_type_request_description", "The user type request contains invalid or missing required fields"),
    UserTypeInvalidLimit => ("USRS-1005", 400, "error.entitytypeservice.invalid_limit_parameter", "Invalid pagination parameter", "error.entitytypeservice.invalid_limit_parameter_description", "The limit parameter must be a positive integer"),
    UserTypeInvalidOffset => ("USRS-1006", 400, "error.entitytypeservice.invalid_offset_parameter", "Invalid pagination parameter", "error.entitytypeservice.invalid_offset_parameter_description", "The offset parameter must be a non-negative integer"),
    UserTypeDeclarative => ("USRS-1008", 403, "error.entitytypeservice.cannot_modify_declarative_resource", "Cannot modify declarative resource", "error.entitytypeservice.cannot_modify_declarative_resource_description", "The user type is declarative and cannot be modified or deleted"),
    UserTypeInvalidDisplayAttribute => ("USRS-1011", 400, "error.entitytypeservice.invalid_display_attribute", "Invalid display attribute", "error.entitytypeservice.invalid_display_attribute_description", "Display attribute must reference an attribute defined in the schema (use dot notation for nested attributes, e.g. 'address.city')"),
    UserTypeNonDisplayableAttribute => ("USRS-1012", 400, "error.entitytypeservice.non_displayable_attribute_type", "Non-displayable attribute type", "error.entitytypeservice.non_displayable_attribute_type_description", "Display attribute must reference a string or number type"),
    UserTypeCredentialDisplayAttribute => ("USRS-1013", 400, "error.entitytypeservice.credential_attribute_not_allowed_as_display", "Credential attribute not allowed as display", "error.entitytypeservice.credential_attribute_not_allowed_as_display_description", "Display attribute must not reference a credential attribute"),
    AgentTypeOnlyDefault => ("USRS-1014", 400, "error.entitytypeservice.agent_type_only_default_allowed", "Only the default agent type is allowed", "error.entitytypeservice.agent_type_only_default_allowed_description", "Agent types are restricted to a single 'default' schema; create or rename to other names is not permitted"),
    AgentTypeCannotDelete => ("USRS-1015", 400, "error.entitytypeservice.agent_type_cannot_delete", "Agent type cannot be deleted", "error.entitytypeservice.agent_type_cannot_delete_description", "The default agent type cannot be deleted. Edit the schema instead"),
    GroupInvalidRequestFormat => ("GRP-1001", 400, "error.groupservice.invalid_request_format", "Invalid request format", "error.groupservice.invalid_request_format_description", "The request body is malformed or contains invalid data"),
    GroupMissingId => ("GRP-1002", 400, "error.groupservice.missing_group_id", "Invalid request format", "error.groupservice.missing_group_id_description", "Group ID is required"),
    GroupNotFound => ("GRP-1003", 404, "error.groupservice.group_not_found", "Group not found", "error.groupservice.group_not_found_description", "The group with the specified id does not exist"),
    GroupNameConflict => ("GRP-1004", 409, "error.groupservice.group_name_conflict", "Group name conflict", "error.groupservice.group_name_conflict_description", "A group with the same name exists under the same parent"),
    GroupInvalidOuId => ("GRP-1005", 400, "error.groupservice.invalid_ou_id", "Invalid OU ID", "error.groupservice.invalid_ou_id_description", "Organization unit does not exists"),
    GroupInvalidMemberId => ("GRP-1007", 400, "error.groupservice.invalid_member_id", "Invalid member ID", "error.groupservice.invalid_member_id_description", "One or more user or app member IDs in the request do not exist or do not match the claimed type"),
    GroupInvalidGroupMemberId => ("GRP-1008", 400, "error.groupservice.invalid_group_member_id", "Invalid group member ID", "error.groupservice.invalid_group_member_id_description", "One or more group member IDs in the request do not exist"),
    GroupInvalidLimit => ("GRP-1011", 400, "error.groupservice.invalid_limit_parameter", "Invalid limit parameter", "error.groupservice.invalid_limit_parameter_description", "The limit parameter must be a positive integer"),
    GroupInvalidOffset => ("GRP-1012", 400, "error.groupservice.invalid_offset_parameter", "Invalid offset parameter", "error.groupservice.invalid_offset_parameter_description", "The offset parameter must be a non-negative integer"),
    GroupEmptyMembers => ("GRP-1013", 400, "error.groupservice.empty_members_list", "Empty members list", "error.groupservice.empty_members_list_description", "The members list cannot be empty"),
    GroupInvalidMemberType => ("GRP-1014", 400, "error.groupservice.invalid_member_type", "Invalid member type", "error.groupservice.invalid_member_type_description", "The member type must be 'user', 'group', or 'app'"),
    GroupDeclarative => ("GRP-1015", 400, "error.groupservice.cannot_modify_declarative_group", "Cannot modify declarative group", "error.groupservice.cannot_modify_declarative_group_description", "The group is defined in declarative configuration and cannot be modified"),
    GroupDeclarativeOnlyMode => ("GRP-1016", 400, "error.groupservice.cannot_create_group_in_declarative_only_mode", "Cannot create group in declarative-only mode", "error.groupservice.cannot_create_group_in_declarative_only_mode_description", "Group creation is not allowed when running in declarative-only mode. Groups must be defined in declarative configuration files"),
    RoleInvalidRequestFormat => ("ROL-1001", 400, "error.roleservice.invalid_request_format", "Invalid request format", "error.roleservice.invalid_request_format_description", "The request body is malformed or contains invalid data"),
    RoleMissingId => ("ROL-1002", 400, "error.roleservice.missing_role_id", "Invalid request format", "error.roleservice.missing_role_id_description", "Role ID is required"),
    RoleNotFound => ("ROL-1003", 404, "error.roleservice.role_not_found", "Role not found", "error.roleservice.role_not_found_description", "The role with the specified id does not exist"),
    RoleNameConflict => ("ROL-1004", 409, "error.roleservice.role_name_conflict", "Role name conflict", "error.roleservice.role_name_conflict_description", "A role with the same name exists under the same organization unit"),
    RoleOuNotFound => ("ROL-1005", 400, "error.roleservice.organization_unit_not_found", "Organization unit not found", "error.roleservice.organization_unit_not_found_description", "Organization unit not found"),
    RoleInvalidAssignmentId => ("ROL-1007", 400, "error.roleservice.invalid_assignment_id", "Invalid assignment ID", "error.roleservice.invalid_assignment_id_description", "One or more assignment IDs in the request do not exist or do not match the claimed type"),
    RoleInvalidLimit => ("ROL-1008", 400, "error.roleservice.invalid_limit_parameter", "Invalid limit parameter", "error.roleservice.invalid_limit_parameter_description", "The limit parameter must be a positive integer"),
    RoleInvalidOffset => ("ROL-1009", 400, "error.roleservice.invalid_offset_parameter", "Invalid offset parameter", "error.roleservice.invalid_offset_parameter_description", "The offset parameter must be a non-negative integer"),
    RoleEmptyAssignments => ("ROL-1010", 400, "error.roleservice.empty_assignments_list", "Empty assignments list", "error.roleservice.empty_assignments_list_description", "At least one assignment must be provided"),
    RoleMissingEntityOrGroups => ("ROL-1011", 400, "error.roleservice.missing_entity_or_groups", "Invalid request format", "error.roleservice.either_entity_id_or_groups_must_be_provided_for_authorization_check_description", "Either entityId or groups must be provided for authorization check"),
    RoleInvalidPermissions => ("ROL-1012", 400, "error.roleservice.invalid_permissions", "Invalid permissions", "error.roleservice.invalid_permissions_description", "One or more permissions do not exist in the resource management system"),
    RoleDeclarative => ("ROL-1013", 400, "error.roleservice.cannot_modify_declarative_role", "Cannot modify declarative role", "error.roleservice.cannot_modify_declarative_role_description", "The role is defined in declarative configuration and cannot be modified"),
    RoleDeclarativeOnlyMode => ("ROL-1015", 400, "error.roleservice.cannot_create_role_in_declarative_only_mode", "Cannot create role in declarative-only mode", "error.roleservice.cannot_create_role_in_declarative_only_mode_description", "Role creation is not allowed when running in declarative-only mode. Roles must be defined in declarative configuration files"),
    RoleInvalidAssigneeType => ("ROL-1016", 400, "error.roleservice.invalid_assignee_type", "Invalid assignee type", "error.roleservice.invalid_assignee_type_description", "The type parameter must be 'user', 'group', or 'app'"),
    RoleResultLimitExceeded => ("ROL-1017", 400, "error.roleservice.result_limit_exceeded_in_composite_mode", "Result limit exceeded in composite mode", "error.roleservice.result_limit_exceeded_in_composite_mode_description", "The total number of records exceeds the maximum limit in composite mode"),
    RoleIdConflict => ("ROL-1018", 400, "error.roleservice.role_id_conflict", "Role ID conflict", "error.roleservice.role_id_conflict_description", "A role with the specified ID already exists"),
    ResourceInvalidRequestFormat => ("RES-1001", 400, "error.resourceservice.invalid_request_format", "Invalid request format", "error.resourceservice.invalid_request_format_description", "The request body is malformed or contains invalid data"),
    ResourceMissingId => ("RES-1002", 400, "error.resourceservice.missing_id", "Invalid request format", "error.resourceservice.missing_id_description", "ID is required"),
    ResourceServerNotFound => ("RES-1003", 404, "error.resourceservice.resource_server_not_found", "Resource server not found", "error.resourceservice.resource_server_not_found_description", "The resource server with the specified id does not exist"),
    ResourceServerNameConflict => ("RES-1004", 409, "error.resourceservice.name_conflict", "Name conflict", "error.resourceservice.name_conflict_description", "A resource server with the same name already exists"),
    ResourceParentNotFound => ("RES-1005", 400, "error.resourceservice.parent_resource_not_found", "Parent resource not found", "error.resourceservice.parent_resource_not_found_description", "The specified parent resource does not exist"),
    ResourceCannotDelete => ("RES-1006", 400, "error.resourceservice.cannot_delete", "Cannot delete", "error.resourceservice.cannot_delete_description", "Cannot delete resource server/resource that has dependencies"),
    ResourceNotFound => ("RES-1008", 404, "error.resourceservice.resource_not_found", "Resource not found", "error.resourceservice.resource_not_found_description", "The resource with the specified id does not exist"),
    ResourceActionNotFound => ("RES-1009", 404, "error.resourceservice.action_not_found", "Action not found", "error.resourceservice.action_not_found_description", "The action with the specified id does not exist"),
    ResourceOuNotFound => ("RES-1010", 400, "error.resourceservice.organization_unit_not_found", "Organization unit not found", "error.resourceservice.organization_unit_not_found_description", "The specified organization unit does not exist"),
    ResourceInvalidLimit => ("RES-1011", 400, "error.resourceservice.invalid_limit_parameter", "Invalid limit parameter", "error.resourceservice.invalid_limit_parameter_description", "The limit parameter must be a positive integer"),
    ResourceInvalidOffset => ("RES-1012", 400, "error.resourceservice.invalid_offset_parameter", "Invalid offset parameter", "error.resourceservice.invalid_offset_parameter_description", "The offset parameter must be a non-negative integer"),
    ResourceServerIdentifierConflict => ("RES-1013", 409, "error.resourceservice.identifier_conflict", "Identifier conflict", "error.resourceservice.identifier_conflict_description", "A resource server with the same identifier already exists"),
    ResourceHandleConflict => ("RES-1014", 409, "error.resourceservice.handle_conflict", "Handle conflict", "error.resourceservice.handle_conflict_description", "The same handle already exists within the specified resource"),
    ResourceInvalidDelimiter => ("RES-1015", 400, "error.resourceservice.invalid_delimiter", "Invalid delimiter", "error.resourceservice.invalid_delimiter_description", "Delimiter must be a single valid character (a-z A-Z 0-9 . _ : - /)"),
    ResourceInvalidHandle => ("RES-1016", 400, "error.resourceservice.invalid_handle", "Invalid handle", "error.resourceservice.invalid_handle_description", "Handle length must be less than 100 characters and contain valid characters (a-z A-Z 0-9 . _ : - /)"),
    ResourceDelimiterInHandle => ("RES-1017", 400, "error.resourceservice.delimiter_conflict_in_handle", "Delimiter conflict in handle", "error.resourceservice.delimiter_conflict_in_handle_description", "Handle cannot contain the delimiter character"),
    ResourceServerDeclarative => ("RES-1018", 400, "error.resourceservice.cannot_modify_declarative_resource_server", "Cannot modify declarative resource server", "error.resourceservice.cannot_modify_declarative_resource_server_description", "Resource server {{param(id)}} is defined in declarative configuration and cannot be modified"),
    ResourceDeclarative => ("RES-1019", 400, "error.resourceservice.cannot_modify_declarative_resource", "Cannot modify declarative resource", "error.resourceservice.cannot_modify_declarative_resource_description", "Resource {{param(id)}} is defined in declarative configuration and cannot be modified"),
    ResourceActionDeclarative => ("RES-1020", 400, "error.resourceservice.cannot_modify_declarative_action", "Cannot modify declarative action", "error.resourceservice.cannot_modify_declarative_action_description", "Action {{param(id)}} is defined in declarative configuration and cannot be modified"),
    ResourceResultLimitExceeded => ("RES-1021", 400, "error.resourceservice.result_limit_exceeded_in_composite_mode", "Result limit exceeded in composite mode", "error.resourceservice.result_limit_exceeded_in_composite_mode_description", "The total number of records exceeds the maximum limit in composite mode"),
    ResourceServerIdConflict => ("RES-1023", 400, "error.resourceservice.resource_server_id_conflict", "Resource server ID conflict", "error.resourceservice.resource_server_id_conflict_description", "A resource server with the specified ID already exists"),
    AuthzenInvalidRequestFormat => ("AZN-1001", 400, "error.authzen.invalid_request_format", "Invalid request format", "error.authzen.invalid_request_format_description", "The request body is malformed or contains invalid data"),
    AuthzenMissingSubject => ("AZN-1002", 400, "error.authzen.missing_subject", "Missing subject", "error.authzen.missing_subject_description", "Subject id is required"),
    AuthzenMissingResource => ("AZN-1003", 400, "error.authzen.missing_resource", "Missing resource", "error.authzen.missing_resource_description", "Resource type is required"),
    AuthzenMissingResourceId => ("AZN-1004", 400, "error.authzen.missing_resource_id", "Missing resource id", "error.authzen.missing_resource_id_description", "Resource id is required"),
    AuthzenMissingAction => ("AZN-1005", 400, "error.authzen.missing_action", "Missing action", "error.authzen.missing_action_description", "Action name is required"),
    AuthzenMissingEvaluations => ("AZN-1006", 400, "error.authzen.missing_evaluations", "Missing evaluations", "error.authzen.missing_evaluations_description", "At least one evaluation is required"),
    AuthzenInvalidSubject => ("AZN-1007", 400, "error.authzen.invalid_subject", "Invalid subject", "error.authzen.invalid_subject_description", "Subject id does not match subject type"),
    AuthzenInvalidAction => ("AZN-1008", 200, "error.authzen.invalid_action", "Invalid action", "error.authzen.invalid_action_description", "Action name is not registered on the resource server"),
    AuthzenInvalidResource => ("AZN-1009", 400, "error.authzen.invalid_resource", "Invalid resource", "error.authzen.invalid_resource_description", "Resource type is not registered as a resource server"),
    GrantNotPermitted => ("SAZ-4030", 403, "error.sysauthz.grant_not_permitted", "Insufficient privileges to grant these permissions", "error.sysauthz.grant_not_permitted_description", "The operation would grant permissions that the caller does not hold"),
}

impl ApiErrorCode {
    /// The code's family prefix: `FES`, `FET`, `ICS`, `FLC`, `FM`, `AUTH`, `USR`, `USRS`, `GRP`,
    /// `ROL`, `RES`, `AZN`, `SAZ`, `OU` or `SSE`.
    pub fn prefix(&self) -> &str {
        self.as_str().split('-').next().unwrap_or_default()
    }
}

impl fmt::Display for ApiErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ApiErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ApiErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(Self::parse(&s))
    }
}
