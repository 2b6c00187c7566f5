//! `GET /.well-known/oauth-authorization-server` and `GET /.well-known/openid-configuration`
//!
//! Shapes and optionality follow `O2/discovery/model.go` (the `omitempty` tags): members the server
//! always writes are plain fields (possibly empty lists or `false`), the others are `Option` or
//! skipped when empty. Unknown members are ignored. The JS SDK reads the OIDC document and requires
//! status 200; it never reads `id_token_signing_alg_values_supported`.

use serde::{Deserialize, Serialize};

use super::jwks::JwsAlgorithm;
use crate::ids::IssuerUrl;
use crate::oauth2::authorize::{CodeChallengeMethod, ResponseType};
use crate::oauth2::token::{GrantType, TokenEndpointAuthMethod};

/// RFC 8414 authorization server metadata (`OAuth2AuthorizationServerMetadata`). It has no
/// `scopes_supported`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationServerMetadata {
    pub issuer: IssuerUrl,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    /// When dynamic client registration is enabled (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_endpoint: Option<String>,
    /// When revocation is enabled (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed_authorization_request_endpoint: Option<String>,
    /// Written only when true.
    #[serde(default, skip_serializing_if = "crate::oauth2::is_false")]
    pub require_pushed_authorization_requests: bool,
    /// When CIBA is allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backchannel_authentication_endpoint: Option<String>,
    /// `["poll"]` when CIBA is allowed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backchannel_token_delivery_modes_supported: Vec<String>,
    /// Always written (false).
    #[serde(default)]
    pub backchannel_user_code_parameter_supported: bool,
    #[serde(default)]
    pub response_types_supported: Vec<ResponseType>,
    #[serde(default)]
    pub grant_types_supported: Vec<GrantType>,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Vec<TokenEndpointAuthMethod>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub token_endpoint_auth_signing_alg_values_supported: Vec<JwsAlgorithm>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code_challenge_methods_supported: Vec<CodeChallengeMethod>,
    /// Always written (true): the server adds `iss` to authorization responses (RFC 9207).
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dpop_signing_alg_values_supported: Vec<JwsAlgorithm>,
    /// `["urn:ietf:params:oauth:grant-profile:id-jag"]` when the jwt-bearer grant is allowed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorization_grant_profiles_supported: Vec<String>,
}

/// OpenID Provider metadata (`OIDCProviderMetadata`): the RFC 8414 document plus the OIDC members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenIdProviderMetadata {
    #[serde(flatten)]
    pub authorization_server: AuthorizationServerMetadata,
    pub userinfo_endpoint: String,
    /// The six standard scopes.
    #[serde(default)]
    pub scopes_supported: Vec<String>,
    /// `["public"]`.
    #[serde(default)]
    pub subject_types_supported: Vec<String>,
    /// The algorithms of the configured keys (`["RS256","ES256"]`).
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<JwsAlgorithm>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub userinfo_signing_alg_values_supported: Vec<JwsAlgorithm>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub userinfo_encryption_alg_values_supported: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub userinfo_encryption_enc_values_supported: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub id_token_encryption_alg_values_supported: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub id_token_encryption_enc_values_supported: Vec<String>,
    /// Standard JWT claims plus every claim of the standard scopes.
    #[serde(default)]
    pub claims_supported: Vec<String>,
    /// Always written (true).
    #[serde(default)]
    pub claims_parameter_supported: bool,
    /// `<base>/oauth2/logout` when logout is enabled (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_session_endpoint: Option<String>,
    /// From `oauth.auth_class.acr_amr`, sorted; omitted when none are configured.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acr_values_supported: Vec<String>,
}

impl AuthorizationServerMetadata {
    /// The document the server publishes with its default configuration, for endpoints under
    /// `base_url` (no trailing slash).
    pub fn server_default(base_url: &str, issuer: IssuerUrl) -> Self {
        let algorithms = vec![
            JwsAlgorithm::Rs256,
            JwsAlgorithm::Rs512,
            JwsAlgorithm::Ps256,
            JwsAlgorithm::Es256,
            JwsAlgorithm::Es384,
            JwsAlgorithm::Es512,
            JwsAlgorithm::EdDsa,
            JwsAlgorithm::MlDsa44,
            JwsAlgorithm::MlDsa65,
            JwsAlgorithm::MlDsa87,
        ];
        Self {
            issuer,
            authorization_endpoint: format!("{base_url}/oauth2/authorize"),
            token_endpoint: format!("{base_url}/oauth2/token"),
            jwks_uri: format!("{base_url}/oauth2/jwks"),
            registration_endpoint: Some(format!("{base_url}/oauth2/dcr/register")),
            revocation_endpoint: Some(format!("{base_url}/oauth2/revoke")),
            introspection_endpoint: Some(format!("{base_url}/oauth2/introspect")),
            pushed_authorization_request_endpoint: Some(format!("{base_url}/oauth2/par")),
            require_pushed_authorization_requests: false,
            backchannel_authentication_endpoint: Some(format!("{base_url}/oauth2/bc-authorize")),
            backchannel_token_delivery_modes_supported: vec!["poll".to_owned()],
            backchannel_user_code_parameter_supported: false,
            response_types_supported: vec![ResponseType::Code],
            grant_types_supported: GrantType::SERVER_DEFAULT.to_vec(),
            token_endpoint_auth_methods_supported: vec![
                TokenEndpointAuthMethod::ClientSecretBasic,
                TokenEndpointAuthMethod::ClientSecretPost,
                TokenEndpointAuthMethod::PrivateKeyJwt,
                TokenEndpointAuthMethod::None,
            ],
            token_endpoint_auth_signing_alg_values_supported: algorithms.clone(),
            code_challenge_methods_supported: vec![CodeChallengeMethod::S256],
            authorization_response_iss_parameter_supported: true,
            dpop_signing_alg_values_supported: algorithms,
            authorization_grant_profiles_supported: vec![
                "urn:ietf:params:oauth:grant-profile:id-jag".to_owned(),
            ],
        }
    }
}

impl OpenIdProviderMetadata {
    /// The OIDC document the server publishes with its default configuration; `signing_algorithms`
    /// are those of the keys in the JWKS (`["RS256","ES256"]` for the default key pair).
    pub fn server_default(
        base_url: &str,
        issuer: IssuerUrl,
        signing_algorithms: Vec<JwsAlgorithm>,
    ) -> Self {
        let strings = |values: &[&str]| values.iter().map(|v| (*v).to_owned()).collect::<Vec<_>>();
        let key_encryption = strings(&[
            "RSA-OAEP",
            "RSA-OAEP-256",
            "ECDH-ES",
            "ECDH-ES+A128KW",
            "ECDH-ES+A192KW",
            "ECDH-ES+A256KW",
        ]);
        let content_encryption = strings(&[
            "A128CBC-HS256",
            "A192CBC-HS384",
            "A256CBC-HS512",
            "A128GCM",
            "A192GCM",
            "A256GCM",
        ]);
        Self {
            authorization_server: AuthorizationServerMetadata::server_default(base_url, issuer),
            userinfo_endpoint: format!("{base_url}/oauth2/userinfo"),
            scopes_supported: strings(&["openid", "profile", "email", "phone", "address", "roles"]),
            subject_types_supported: strings(&["public"]),
            id_token_signing_alg_values_supported: signing_algorithms.clone(),
            userinfo_signing_alg_values_supported: signing_algorithms,
            userinfo_encryption_alg_values_supported: key_encryption.clone(),
            userinfo_encryption_enc_values_supported: content_encryption.clone(),
            id_token_encryption_alg_values_supported: key_encryption,
            id_token_encryption_enc_values_supported: content_encryption,
            claims_supported: strings(&[
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "auth_time",
                "name",
                "family_name",
                "given_name",
                "middle_name",
                "nickname",
                "preferred_username",
                "profile",
                "picture",
                "website",
                "gender",
                "birthdate",
                "zoneinfo",
                "locale",
                "updated_at",
                "email",
                "email_verified",
                "phone_number",
                "phone_number_verified",
                "address",
                "roles",
            ]),
            claims_parameter_supported: true,
            end_session_endpoint: Some(format!("{base_url}/oauth2/logout")),
            acr_values_supported: Vec::new(),
        }
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the discovery documents.
    use proptest::prelude::*;

    use super::*;
    use crate::oauth2::authorize::strategies::{code_challenge_method, response_type};
    use crate::oauth2::strategies::{opt_text, text};
    use crate::oauth2::token::strategies::{grant_type, token_endpoint_auth_method};
    use crate::oidc::jwks::strategies::jws_algorithm;

    fn list<T: std::fmt::Debug>(item: impl Strategy<Value = T>) -> impl Strategy<Value = Vec<T>> {
        prop::collection::vec(item, 0..3)
    }

    /// Any [`AuthorizationServerMetadata`].
    pub fn authorization_server_metadata() -> impl Strategy<Value = AuthorizationServerMetadata> {
        (
            (text(), text(), text(), text()),
            (
                opt_text(),
                opt_text(),
                opt_text(),
                opt_text(),
                any::<bool>(),
            ),
            (opt_text(), list(text()), any::<bool>()),
            (
                list(response_type()),
                list(grant_type()),
                list(token_endpoint_auth_method()),
            ),
            (
                list(jws_algorithm()),
                list(code_challenge_method()),
                any::<bool>(),
            ),
            (list(jws_algorithm()), list(text())),
        )
            .prop_map(
                |(
                    (issuer, authorization_endpoint, token_endpoint, jwks_uri),
                    (
                        registration_endpoint,
                        revocation_endpoint,
                        introspection_endpoint,
                        par_endpoint,
                        require_par,
                    ),
                    (backchannel_endpoint, delivery_modes, user_code),
                    (response_types, grant_types, auth_methods),
                    (auth_signing_algs, challenge_methods, iss_parameter),
                    (dpop_algs, grant_profiles),
                )| AuthorizationServerMetadata {
                    issuer: IssuerUrl::new(issuer),
                    authorization_endpoint,
                    token_endpoint,
                    jwks_uri,
                    registration_endpoint,
                    revocation_endpoint,
                    introspection_endpoint,
                    pushed_authorization_request_endpoint: par_endpoint,
                    require_pushed_authorization_requests: require_par,
                    backchannel_authentication_endpoint: backchannel_endpoint,
                    backchannel_token_delivery_modes_supported: delivery_modes,
                    backchannel_user_code_parameter_supported: user_code,
                    response_types_supported: response_types,
                    grant_types_supported: grant_types,
                    token_endpoint_auth_methods_supported: auth_methods,
                    token_endpoint_auth_signing_alg_values_supported: auth_signing_algs,
                    code_challenge_methods_supported: challenge_methods,
                    authorization_response_iss_parameter_supported: iss_parameter,
                    dpop_signing_alg_values_supported: dpop_algs,
                    authorization_grant_profiles_supported: grant_profiles,
                },
            )
    }

    /// Any [`OpenIdProviderMetadata`].
    pub fn open_id_provider_metadata() -> impl Strategy<Value = OpenIdProviderMetadata> {
        (
            authorization_server_metadata(),
            (
                text(),
                list(text()),
                list(text()),
                list(jws_algorithm()),
                list(jws_algorithm()),
            ),
            (list(text()), list(text()), list(text()), list(text())),
            (list(text()), any::<bool>(), opt_text(), list(text())),
        )
            .prop_map(
                |(
                    authorization_server,
                    (userinfo_endpoint, scopes, subject_types, id_token_algs, userinfo_algs),
                    (userinfo_enc_alg, userinfo_enc_enc, id_token_enc_alg, id_token_enc_enc),
                    (claims, claims_parameter, end_session_endpoint, acr_values),
                )| OpenIdProviderMetadata {
                    authorization_server,
                    userinfo_endpoint,
                    scopes_supported: scopes,
                    subject_types_supported: subject_types,
                    id_token_signing_alg_values_supported: id_token_algs,
                    userinfo_signing_alg_values_supported: userinfo_algs,
                    userinfo_encryption_alg_values_supported: userinfo_enc_alg,
                    userinfo_encryption_enc_values_supported: userinfo_enc_enc,
                    id_token_encryption_alg_values_supported: id_token_enc_alg,
                    id_token_encryption_enc_values_supported: id_token_enc_enc,
                    claims_supported: claims,
                    claims_parameter_supported: claims_parameter,
                    end_session_endpoint,
                    acr_values_supported: acr_values,
                },
            )
    }
}
