//! The OAuth profile of an application: the parameters' defaults, the client id and secret
//! (create step 6), and the profile's rules (step 17, `validateOAuthProfile`).

use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::applications::{Application, OAuthClientConfig};

use super::{api, described};
use crate::error::MockError;
use crate::store::registry::Registry;

/// Grant types the server allows (`oauth.allowed_grant_types`).
const GRANT_TYPES: &[&str] = &[
    "authorization_code",
    "client_credentials",
    "refresh_token",
    "urn:ietf:params:oauth:grant-type:token-exchange",
    "urn:openid:params:grant-type:ciba",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
];
const AUTH_METHODS: &[&str] = &[
    "client_secret_basic",
    "client_secret_post",
    "private_key_jwt",
    "none",
];
/// Step 6: defaults of the OAuth parameters, ACR values, the client id and the client secret.
pub(super) fn parameters(
    config: &mut OAuthClientConfig,
    registry: &Registry,
    current: Option<&Application>,
    current_secret: Option<&str>,
) -> Result<Option<String>, MockError> {
    if config.grant_types.is_empty() {
        config.grant_types = vec!["authorization_code".to_owned()];
    }
    let auth_code = config.grant_types.iter().any(|g| g == "authorization_code");
    if config.public_client && !auth_code {
        return Err(api(ApiErrorCode::AppNativeFlowNotAllowedForSPA));
    }
    if config.response_types.is_empty() && auth_code {
        config.response_types = vec!["code".to_owned()];
    }
    if config.token_endpoint_auth_method.is_empty() {
        config.token_endpoint_auth_method = "client_secret_basic".to_owned();
    }
    if let Some(acr) = config.acr_values.first() {
        let mut error = ApiErrorCode::AppInvalidAcrValues.to_error();
        error.description.key = "error.applicationservice.invalid_acr_values_unrecognized".into();
        error.description.default_value =
            Some(format!("ACR value '{acr}' is not recognized by the system"));
        error.description.params = Some([("acr".to_owned(), acr.clone())].into());
        error.message.params = error.description.params.clone();
        return Err(MockError::api_error(error));
    }
    let current_client = current.and_then(|c| {
        c.profile
            .inbound_auth_config
            .first()
            .and_then(|e| e.config.as_ref())
    });
    if config.client_id.is_empty() {
        config.client_id = crate::ids::random_base64url(16);
    } else {
        let own = current_client.is_some_and(|c| c.client_id == config.client_id);
        let taken = registry
            .application_by_client_id(&config.client_id)
            .is_some_and(|a| Some(a.id.as_str()) != current.map(|c| c.id.as_str()))
            || registry.agents.by_client_id(&config.client_id).is_some();
        if !own && taken {
            return Err(api(ApiErrorCode::AppApplicationAlreadyExistsWithClientID));
        }
    }
    let secret_method = matches!(
        config.token_endpoint_auth_method.as_str(),
        "client_secret_basic" | "client_secret_post"
    );
    if !config.client_secret.is_empty() || !secret_method {
        return Ok(Some(config.client_secret.clone()).filter(|s| !s.is_empty()));
    }
    // An update keeps the stored secret of a confidential secret client (and does not show it).
    let keeps = current_client.is_some_and(|c| {
        !c.public_client
            && matches!(
                c.token_endpoint_auth_method.as_str(),
                "client_secret_basic" | "client_secret_post"
            )
    });
    if let (true, Some(secret)) = (keeps, current_secret) {
        config.client_secret = secret.to_owned();
        return Ok(None);
    }
    let secret = crate::ids::random_base64url(32);
    config.client_secret = secret.clone();
    Ok(Some(secret))
}

/// Step 17 (`validateOAuthProfile`): redirect URIs, grant and response types, the authentication
/// method, public clients, userinfo and ID token settings.
pub(super) fn check_profile(config: &mut OAuthClientConfig) -> Result<(), MockError> {
    let invalid_uri = || api(ApiErrorCode::AppInvalidRedirectURI);
    for uri in &config.redirect_uris {
        let parsed = url::Url::parse(uri).map_err(|_| invalid_uri())?;
        if uri.contains('*') {
            return Err(invalid_uri());
        }
        let web = matches!(parsed.scheme(), "http" | "https");
        if (web && parsed.host_str().is_none())
            || (!web && parsed.host_str().is_none() && parsed.path().is_empty())
        {
            return Err(invalid_uri());
        }
        if parsed.fragment().is_some() {
            return Err(described(
                ApiErrorCode::AppInvalidRedirectURI,
                "redirect_uri_fragment_not_allowed_description",
                "Redirect URIs must not contain a fragment component",
            ));
        }
    }
    let grants = &config.grant_types;
    let has = |g: &str| grants.iter().any(|x| x == g);
    let oauth_error = |suffix: &str, text: &str| {
        described(ApiErrorCode::AppInvalidOAuthConfiguration, suffix, text)
    };
    if has("authorization_code") && config.redirect_uris.is_empty() {
        return Err(oauth_error(
            "auth_code_requires_redirect_uris_description",
            "authorization_code grant type requires redirect URIs",
        ));
    }
    if grants.iter().any(|g| !GRANT_TYPES.contains(&g.as_str())) {
        return Err(api(ApiErrorCode::AppInvalidGrantType));
    }
    if config.response_types.iter().any(|r| r != "code") {
        return Err(api(ApiErrorCode::AppInvalidResponseType));
    }
    if grants.len() == 1 && has("client_credentials") && !config.response_types.is_empty() {
        return Err(oauth_error(
            "client_credentials_cannot_use_response_types_description",
            "client_credentials grant type cannot be used with response types",
        ));
    }
    if has("authorization_code") && !config.response_types.iter().any(|r| r == "code") {
        return Err(oauth_error(
            "auth_code_requires_code_response_type_description",
            "authorization_code grant type requires 'code' response type",
        ));
    }
    if has("refresh_token")
        && !has("authorization_code")
        && !has("urn:openid:params:grant-type:ciba")
    {
        return Err(oauth_error(
            "refresh_token_requires_token_issuing_grant_description",
            "refresh_token grant type requires a token-issuing grant type",
        ));
    }
    if config.pkce_required && !has("authorization_code") {
        return Err(oauth_error(
            "pkce_requires_authorization_code_description",
            "PKCE can only be enabled when the authorization_code grant type is selected",
        ));
    }
    if !config.response_types.is_empty() && !has("authorization_code") {
        return Err(oauth_error(
            "response_types_require_authorization_code_description",
            "Response types can only be configured with the authorization_code grant type",
        ));
    }
    let method = config.token_endpoint_auth_method.as_str();
    if !AUTH_METHODS.contains(&method) {
        return Err(api(ApiErrorCode::AppInvalidTokenEndpointAuthMethod));
    }
    if method == "private_key_jwt" {
        if config.certificate.is_none() {
            return Err(oauth_error(
                "private_key_jwt_requires_certificate_description",
                "private_key_jwt authentication method requires a certificate",
            ));
        }
        if !config.client_secret.is_empty() {
            return Err(oauth_error(
                "private_key_jwt_cannot_have_client_secret_description",
                "private_key_jwt authentication method cannot have a client secret",
            ));
        }
    }
    if method == "none" {
        let refusal = if !config.public_client {
            Some((
                "none_auth_method_requires_public_client_description",
                "'none' authentication method requires the client to be a public client",
            ))
        } else if !config.client_secret.is_empty() {
            Some((
                "none_auth_method_cannot_have_secret_description",
                "'none' authentication method cannot have a client secret",
            ))
        } else if has("client_credentials") {
            Some((
                "client_credentials_cannot_use_none_auth_description",
                "client_credentials grant type cannot use 'none' authentication method",
            ))
        } else if has("urn:ietf:params:oauth:grant-type:jwt-bearer") {
            Some((
                "jwt_bearer_cannot_use_none_auth_description",
                "jwt-bearer grant type requires a confidential client and cannot use 'none' token endpoint authentication method",
            ))
        } else {
            None
        };
        if let Some((suffix, text)) = refusal {
            return Err(oauth_error(suffix, text));
        }
    }
    if config.public_client {
        if method != "none" {
            return Err(described(
                ApiErrorCode::AppInvalidPublicClientConfiguration,
                "public_client_must_use_none_auth_description",
                "Public clients must use 'none' as token endpoint authentication method",
            ));
        }
        if !config.pkce_required {
            return Err(described(
                ApiErrorCode::AppInvalidPublicClientConfiguration,
                "public_client_must_have_pkce_description",
                "Public clients must have PKCE required set to true",
            ));
        }
    }
    if let Some(info) = &config.user_info
        && !matches!(info.response_type.as_str(), "" | "JSON" | "JWS")
    {
        return Err(oauth_error(
            "userinfo_unsupported_response_type_description",
            "userinfo responseType is not supported",
        ));
    }
    if let Some(id) = config.token.as_mut().and_then(|t| t.id_token.as_mut()) {
        if id.response_type.is_empty() {
            id.response_type = "JWT".to_owned();
        }
        match id.response_type.as_str() {
            "JWT" if !id.encryption_alg.is_empty() || !id.encryption_enc.is_empty() => {
                return Err(oauth_error(
                    "idtoken_encryption_fields_not_allowed_description",
                    "idToken encryptionAlg and encryptionEnc must not be set when responseType is JWT",
                ));
            }
            "JWT" => {}
            "JWE" | "NESTED_JWT" => {
                return Err(oauth_error(
                    "idtoken_encryption_requires_certificate_description",
                    "a certificate (JWKS or JWKS_URI) is required when ID token encryption is configured",
                ));
            }
            _ => {
                return Err(oauth_error(
                    "idtoken_unsupported_response_type_description",
                    "ID token responseType is not supported",
                ));
            }
        }
    }
    Ok(())
}
