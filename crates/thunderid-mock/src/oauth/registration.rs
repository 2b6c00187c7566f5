//! Dynamic client registration (`POST /oauth2/dcr/register`, RFC 7591 as the server implements it:
//! `O2/dcr/service.go`, the application service's `CreateApplication` / `ValidateApplication` and
//! the inbound client's `validateOAuthProfile`), in the server's order:
//!
//! 1. `jwks` and `jwks_uri` together; a `jwks_uri` that is not `https` with a host.
//! 2. The unit: `ou_id`, else the first root unit.
//! 3. The name (`client_name`, else the new `client_id`) must be unused; a public client (`none`)
//!    must have `authorization_code` (after the grant defaults to it); the response types default
//!    to `code` with it, the method to `client_secret_basic`.
//! 4. The unit exists; `client_uri`, `logo_uri`, `tos_uri`, `policy_uri` are valid.
//! 5. Redirect URIs (`invalid_redirect_uri`), grant and response types, the auth method.
//! 6. Localized `logo_uri#…`, `tos_uri#…`, `policy_uri#…` variants are valid URIs.
//!
//! Every client error is `invalid_client_metadata` with the application error's text, except the
//! redirect URIs'. `jwks` or `jwks_uri` becomes the client's certificate (`JWKS` with the set
//! re-marshalled, or `JWKS_URI`), as `convertDCRToApplication` does, so a `private_key_jwt` client
//! authenticates with it. Metadata the server
//! would accept but the mock does not serve (signed or encrypted UserInfo and ID tokens, DPoP-bound
//! tokens, the jwt-bearer grant) is refused with `invalid_client_metadata` naming it, rather than
//! registering a client that cannot work. Nothing is kept unless every check passes.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thunderid_protocol::OAuthErrorCode;

use super::OAuthError;
use super::params::GoUrl;
use crate::fixtures::ApplicationFixture;
use crate::store::registry::Registry;

mod client;

use client::{application, response};

/// The grants, response types and methods the server allows by default.
const GRANT_TYPES: &[&str] = &[
    "client_credentials",
    "authorization_code",
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
/// Grants after which `refresh_token` makes sense (`refreshTokenIssuingGrantTypes`).
const REFRESH_ISSUING: &[&str] = &["authorization_code", "urn:openid:params:grant-type:ciba"];
/// At most this many localized variants per field.
pub(crate) const MAX_VARIANTS: usize = 20;

/// The registration request, as the server's decoder read it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Metadata {
    pub ou_id: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub grant_types: Vec<String>,
    pub response_types: Vec<String>,
    pub client_name: String,
    pub client_uri: String,
    pub logo_uri: String,
    pub token_endpoint_auth_method: String,
    pub jwks_uri: String,
    /// A non-empty `jwks` object.
    pub jwks: Option<Map<String, Value>>,
    pub scope: String,
    pub contacts: Vec<String>,
    pub tos_uri: String,
    pub policy_uri: String,
    pub require_pushed_authorization_requests: bool,
    pub dpop_bound_access_tokens: bool,
    pub userinfo_signed_response_alg: String,
    pub userinfo_encrypted_response_alg: String,
    pub userinfo_encrypted_response_enc: String,
    pub id_token_encrypted_response_alg: String,
    pub id_token_encrypted_response_enc: String,
    /// `field#tag` (canonical tag) → value, for `client_name`, `logo_uri`, `tos_uri`, `policy_uri`.
    pub localized: BTreeMap<String, String>,
}

/// What the registration checks against: the configuration and the organization units.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lookups<'a> {
    pub registry: &'a Registry,
    /// Every unit's id, the first root unit first (the default for a request without `ou_id`).
    pub units: &'a [String],
}

/// A client ready to be added, and the answer that announces it.
#[derive(Debug)]
pub(crate) struct Registered {
    pub application: ApplicationFixture,
    /// The response members, sorted as Go's map marshalling writes them.
    pub response: Map<String, Value>,
}

fn metadata_error(description: &'static str) -> OAuthError {
    OAuthError::new(OAuthErrorCode::InvalidClientMetadata, description)
}

fn redirect_error(description: &'static str) -> OAuthError {
    OAuthError::new(OAuthErrorCode::InvalidRedirectUri, description)
}

/// Validate `metadata` and build the application it registers (`app_id`, `client_id` and
/// `client_secret` are the caller's fresh values).
pub(crate) fn register(
    mut metadata: Metadata,
    lookups: Lookups<'_>,
    app_id: String,
    client_id: String,
    client_secret: String,
) -> Result<Registered, OAuthError> {
    if !metadata.jwks_uri.is_empty() && metadata.jwks.is_some() {
        return Err(metadata_error(
            "Cannot specify both 'jwks' and 'jwks_uri' parameters",
        ));
    }
    if !metadata.jwks_uri.is_empty() {
        let secure = GoUrl::parse(&metadata.jwks_uri)
            .is_some_and(|url| url.scheme == "https" && !url.host.is_empty());
        if !secure {
            return Err(metadata_error(
                "One or more client metadata values are invalid",
            ));
        }
    }
    if metadata.ou_id.is_empty() {
        metadata.ou_id = lookups
            .units
            .first()
            .ok_or_else(|| {
                OAuthError::new(
                    OAuthErrorCode::ServerError,
                    "An unexpected error occurred while processing the request",
                )
            })?
            .to_owned();
    }
    let localized_name = metadata
        .localized
        .keys()
        .any(|k| k.starts_with("client_name#"));
    let name = match (metadata.client_name.as_str(), localized_name) {
        (_, true) => format!("{{{{t(custom:app.{app_id}.name)}}}}"),
        ("", false) => client_id.clone(),
        (name, false) => name.to_owned(),
    };
    if lookups.registry.is_name_taken(&name) {
        return Err(metadata_error(
            "An application with the same name already exists",
        ));
    }
    let public = metadata.token_endpoint_auth_method == "none";
    if metadata.grant_types.is_empty() {
        metadata.grant_types = vec!["authorization_code".to_owned()];
    }
    let has_code = metadata
        .grant_types
        .iter()
        .any(|g| g == "authorization_code");
    if public && !has_code {
        return Err(metadata_error(
            "Single-page applications (public clients) must use the authorization_code grant type with PKCE for redirect-based flows. Direct (native) flow execution is not supported for browser-based single-page applications.",
        ));
    }
    if metadata.response_types.is_empty() && has_code {
        metadata.response_types = vec!["code".to_owned()];
    }
    if metadata.token_endpoint_auth_method.is_empty() {
        metadata.token_endpoint_auth_method = "client_secret_basic".to_owned();
    }
    check_application_fields(&metadata, &lookups)?;
    check_oauth_profile(&metadata, public)?;
    check_served(&metadata)?;
    check_localized_uris(&metadata)?;
    let secret = matches!(
        metadata.token_endpoint_auth_method.as_str(),
        "client_secret_basic" | "client_secret_post"
    )
    .then_some(client_secret);
    let response = response(&metadata, &app_id, &client_id, secret.as_deref());
    let application = application(metadata, name, app_id, client_id, secret, public);
    Ok(Registered {
        application,
        response,
    })
}

/// `validateApplicationFields`: the unit exists, the URLs are URLs.
fn check_application_fields(metadata: &Metadata, lookups: &Lookups<'_>) -> Result<(), OAuthError> {
    if !lookups.units.contains(&metadata.ou_id) {
        return Err(metadata_error(
            "The request body is malformed or contains invalid data",
        ));
    }
    type Check<'m> = (&'m str, fn(&str) -> bool, &'static str);
    let checks: [Check<'_>; 4] = [
        (
            &metadata.client_uri,
            is_valid_uri,
            "The provided application URL is not a valid URI",
        ),
        (
            &metadata.logo_uri,
            is_valid_logo_uri,
            "The provided logo URL is not a valid URI",
        ),
        (
            &metadata.tos_uri,
            is_valid_uri,
            "The provided Terms of Service URI is not a valid URI",
        ),
        (
            &metadata.policy_uri,
            is_valid_uri,
            "The provided Privacy Policy URI is not a valid URI",
        ),
    ];
    for (value, valid, description) in checks {
        if !value.is_empty() && !valid(value) {
            return Err(metadata_error(description));
        }
    }
    Ok(())
}

/// `validateOAuthProfile` up to the auth method (the rest is what the mock does not serve).
fn check_oauth_profile(metadata: &Metadata, public: bool) -> Result<(), OAuthError> {
    for uri in &metadata.redirect_uris {
        check_redirect_uri(uri)?;
    }
    let grants = &metadata.grant_types;
    let has = |grant: &str| grants.iter().any(|g| g == grant);
    if has("authorization_code") && metadata.redirect_uris.is_empty() {
        return Err(metadata_error(
            "authorization_code grant type requires redirect URIs",
        ));
    }
    if grants.iter().any(|g| !GRANT_TYPES.contains(&g.as_str())) {
        return Err(metadata_error(
            "One or more provided grant types are invalid",
        ));
    }
    let responses = &metadata.response_types;
    if responses.iter().any(|r| r != "code") {
        return Err(metadata_error(
            "One or more provided response types are invalid",
        ));
    }
    if grants.len() == 1 && has("client_credentials") && !responses.is_empty() {
        return Err(metadata_error(
            "client_credentials grant type cannot be used with response types",
        ));
    }
    if has("authorization_code") && !responses.iter().any(|r| r == "code") {
        return Err(metadata_error(
            "authorization_code grant type requires 'code' response type",
        ));
    }
    if has("refresh_token") && !grants.iter().any(|g| REFRESH_ISSUING.contains(&g.as_str())) {
        return Err(metadata_error(
            "refresh_token grant type requires a token-issuing grant type",
        ));
    }
    if !responses.is_empty() && !has("authorization_code") {
        return Err(metadata_error(
            "Response types can only be configured with the authorization_code grant type",
        ));
    }
    let method = metadata.token_endpoint_auth_method.as_str();
    if !AUTH_METHODS.contains(&method) {
        return Err(metadata_error(
            "The provided token endpoint authentication method is invalid",
        ));
    }
    let has_certificate = !metadata.jwks_uri.is_empty() || metadata.jwks.is_some();
    if method == "private_key_jwt" && !has_certificate {
        return Err(metadata_error(
            "private_key_jwt authentication method requires a certificate",
        ));
    }
    if public && has("client_credentials") {
        return Err(metadata_error(
            "client_credentials grant type cannot use 'none' authentication method",
        ));
    }
    if public && has("urn:ietf:params:oauth:grant-type:jwt-bearer") {
        return Err(metadata_error(
            "jwt-bearer grant type requires a confidential client and cannot use 'none' token endpoint authentication method",
        ));
    }
    Ok(())
}

/// `validateRedirectURIs`, for one URI (wildcards are off, as by default).
fn check_redirect_uri(uri: &str) -> Result<(), OAuthError> {
    let invalid = || redirect_error("One or more provided redirect URIs are not valid URIs");
    if uri
        .split_once("://")
        .is_some_and(|(scheme, _)| scheme.contains('*'))
    {
        return Err(invalid());
    }
    let url = GoUrl::parse(uri).ok_or_else(invalid)?;
    let web = url.scheme == "http" || url.scheme == "https";
    if url.scheme.is_empty()
        || (web && url.host.is_empty())
        || (!web && url.host.is_empty() && url.path.is_empty())
    {
        return Err(invalid());
    }
    if !url.fragment.is_empty() {
        return Err(redirect_error(
            "Redirect URIs must not contain a fragment component",
        ));
    }
    if url.host.contains('*') || url.raw_query.contains('*') || url.path.contains('*') {
        return Err(invalid());
    }
    Ok(())
}

/// What the server would accept but the mock cannot serve.
fn check_served(metadata: &Metadata) -> Result<(), OAuthError> {
    let unserved = if metadata
        .grant_types
        .iter()
        .any(|g| g == "urn:ietf:params:oauth:grant-type:jwt-bearer")
    {
        Some("the jwt-bearer grant is not served by thunderid-mock")
    } else if metadata.dpop_bound_access_tokens {
        Some("DPoP-bound access tokens are not served by thunderid-mock")
    } else if !(metadata.userinfo_signed_response_alg.is_empty()
        && metadata.userinfo_encrypted_response_alg.is_empty()
        && metadata.userinfo_encrypted_response_enc.is_empty()
        && metadata.id_token_encrypted_response_alg.is_empty()
        && metadata.id_token_encrypted_response_enc.is_empty())
    {
        Some("signed or encrypted UserInfo and ID tokens are not served by thunderid-mock")
    } else {
        None
    };
    unserved.map_or(Ok(()), |description| Err(metadata_error(description)))
}

/// The localized URI variants, checked where the server writes them (it then deletes the app).
fn check_localized_uris(metadata: &Metadata) -> Result<(), OAuthError> {
    for (key, value) in &metadata.localized {
        let valid = match key.split_once('#').map(|(field, _)| field) {
            Some("logo_uri") => is_valid_logo_uri(value),
            Some("tos_uri" | "policy_uri") => is_valid_uri(value),
            _ => true,
        };
        if !valid {
            return Err(metadata_error(
                "One or more client metadata values are invalid",
            ));
        }
    }
    Ok(())
}

/// `IsValidURI`: parses, with a scheme and a host.
fn is_valid_uri(uri: &str) -> bool {
    GoUrl::parse(uri).is_some_and(|url| !url.scheme.is_empty() && !url.host.is_empty())
}

/// `IsValidLogoURI`: http(s) with a host, a `data:`, `blob:`, `emoji:` or `avatar:` URI, or a path
/// from the root.
fn is_valid_logo_uri(uri: &str) -> bool {
    let Some(url) = GoUrl::parse(uri) else {
        return false;
    };
    match url.scheme.as_str() {
        "http" | "https" => !url.host.is_empty(),
        "data" | "blob" | "emoji" | "avatar" => true,
        "" => url.path.starts_with('/'),
        _ => false,
    }
}

/// `BCP 47` as `language.Parse` accepts it, canonicalized (`en-us` → `en-US`, `zh-hant` →
/// `zh-Hant`); `None` for anything else.
pub(crate) fn canonical_language_tag(tag: &str) -> Option<String> {
    if tag.is_empty() || tag.len() > 35 {
        return None;
    }
    let mut parts = tag.split(['-', '_']);
    let language = parts.next()?;
    if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut out = vec![language.to_ascii_lowercase()];
    let mut stage = 0; // 0: script next, 1: region next, 2: variants
    for part in parts {
        let alpha = part.bytes().all(|b| b.is_ascii_alphabetic());
        let digits = part.bytes().all(|b| b.is_ascii_digit());
        let alnum = part.bytes().all(|b| b.is_ascii_alphanumeric());
        if stage == 0 && part.len() == 4 && alpha {
            let mut script = part.to_ascii_lowercase();
            script[..1].make_ascii_uppercase();
            out.push(script);
            stage = 1;
        } else if stage <= 1 && ((part.len() == 2 && alpha) || (part.len() == 3 && digits)) {
            out.push(part.to_ascii_uppercase());
            stage = 2;
        } else if alnum
            && ((5..=8).contains(&part.len())
                || (part.len() == 4 && part.as_bytes()[0].is_ascii_digit()))
        {
            out.push(part.to_ascii_lowercase());
            stage = 2;
        } else {
            return None;
        }
    }
    Some(out.join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_are_checked_as_the_server_checks_them() {
        for good in [
            "https://app.example/cb",
            "http://localhost:3000/cb?x=1",
            "myapp:/callback",
        ] {
            assert!(check_redirect_uri(good).is_ok(), "{good}");
        }
        for bad in [
            "/relative",
            "https:///nohost",
            "myapp:opaque",
            "h*ttps://a/cb",
            "https://*.a.example/cb",
            "https://a/cb?x=*",
            "https://a:port/cb",
            "::",
        ] {
            assert_eq!(
                check_redirect_uri(bad).unwrap_err().description,
                "One or more provided redirect URIs are not valid URIs",
                "{bad}"
            );
        }
        assert_eq!(
            check_redirect_uri("https://a/cb#frag")
                .unwrap_err()
                .description,
            "Redirect URIs must not contain a fragment component"
        );
    }

    #[test]
    fn language_tags_are_canonicalized() {
        assert_eq!(canonical_language_tag("en-us").as_deref(), Some("en-US"));
        assert_eq!(
            canonical_language_tag("ZH-hant-tw").as_deref(),
            Some("zh-Hant-TW")
        );
        assert_eq!(canonical_language_tag("fr").as_deref(), Some("fr"));
        assert_eq!(canonical_language_tag("es-419").as_deref(), Some("es-419"));
        for bad in ["", "x", "english", "en-", "en-#", "e1"] {
            assert_eq!(canonical_language_tag(bad), None, "{bad}");
        }
    }

    #[test]
    fn logo_uris_may_be_data_or_root_paths() {
        assert!(is_valid_logo_uri("data:image/png;base64,AAAA"));
        assert!(is_valid_logo_uri("/logo.png"));
        assert!(!is_valid_logo_uri("logo.png"));
        assert!(!is_valid_logo_uri("ftp://host/logo.png"));
        assert!(is_valid_uri("https://app.example"));
        assert!(!is_valid_uri("app.example"));
    }
}
