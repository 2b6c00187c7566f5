//! `POST /oauth2/dcr/register` (`O2/dcr/handler.go`): the caller's permission (a Bearer token
//! holding `system`, unless `oauth.dcr.insecure`), the body read as Go's decoder reads it, then the
//! domain's checks ([`crate::oauth::registration`]) and the new application, added to the registry
//! as one step: it signs in at once.
//!
//! A body that is not JSON, has a member of the wrong type, a localized member (`client_name#fr`)
//! whose tag is not BCP 47, or more than 20 variants of one field, is `invalid_client_metadata`
//! "The request body is missing or has an invalid format".

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thunderid_protocol::OAuthErrorCode;

use super::ServiceResult;
use super::request::{DecodeError, GoObject};
use crate::error::MockError;
use crate::ids;
use crate::oauth::OAuthError;
use crate::oauth::registration::{self, Lookups, MAX_VARIANTS, Metadata, canonical_language_tag};
use crate::security::{Principal, ROOT};
use crate::state::AppState;

/// The request's members, as the server's struct names them.
const FIELDS: &[&str] = &[
    "ou_id",
    "redirect_uris",
    "post_logout_redirect_uris",
    "grant_types",
    "response_types",
    "client_name",
    "client_uri",
    "logo_uri",
    "token_endpoint_auth_method",
    "jwks_uri",
    "jwks",
    "scope",
    "contacts",
    "tos_uri",
    "policy_uri",
    "require_pushed_authorization_requests",
    "dpop_bound_access_tokens",
    "userinfo_signed_response_alg",
    "userinfo_encrypted_response_alg",
    "userinfo_encrypted_response_enc",
    "id_token_encrypted_response_alg",
    "id_token_encrypted_response_enc",
];
/// The fields that take localized variants.
const LOCALIZED: &[&str] = &["client_name", "logo_uri", "tos_uri", "policy_uri"];

/// Register a client: the response members, sorted.
pub(crate) fn register(
    state: &AppState,
    caller: Option<&Principal>,
    body: &[u8],
) -> ServiceResult<Map<String, Value>> {
    let permitted = caller.is_some_and(|c| c.permissions.iter().any(|p| p == ROOT));
    if !state.settings().oauth.dcr.insecure && !permitted {
        return Err(MockError::RegistrationUnauthorized);
    }
    let metadata = decode(body).map_err(|_| {
        OAuthError::new(
            OAuthErrorCode::InvalidClientMetadata,
            "The request body is missing or has an invalid format",
        )
    })?;
    let now = state.now();
    // The first root unit first: the default unit of a request without `ou_id`.
    let units: Vec<String> = state.stores().directory.read(|d| {
        let roots = d.units.roots().into_iter().map(|unit| unit.id.clone());
        let all = d.units.all().into_iter().map(|unit| unit.id.clone());
        roots.take(1).chain(all).collect()
    });
    let registry = state.registry();
    let lookups = Lookups {
        registry: &registry,
        units: &units,
    };
    let registered = registration::register(
        metadata,
        lookups,
        ids::uuid_v7(now),
        ids::random_base64url(16),
        ids::random_base64url(32),
    )?;
    let application = registered.application;
    state
        .stores()
        .registry
        .update(|r| r.add_application(application))
        // Another registration took the name in between: as the server's uniqueness check says.
        .map_err(|_| {
            OAuthError::new(
                OAuthErrorCode::InvalidClientMetadata,
                "An application with the same name already exists",
            )
        })?;
    Ok(registered.response)
}

/// `DecodeJSONBody` into the request struct, then the `#`-tagged members.
fn decode(body: &[u8]) -> Result<Metadata, DecodeError> {
    let object = GoObject::decode(body, FIELDS)?;
    let jwks = match object.raw("jwks") {
        None => None,
        Some(Value::Object(jwks)) if jwks.is_empty() => None,
        Some(Value::Object(jwks)) => Some(jwks.clone()),
        Some(_) => return Err(DecodeError),
    };
    let mut metadata = Metadata {
        ou_id: object.string("ou_id")?,
        redirect_uris: object.strings("redirect_uris")?,
        post_logout_redirect_uris: object.strings("post_logout_redirect_uris")?,
        grant_types: object.strings("grant_types")?,
        response_types: object.strings("response_types")?,
        client_name: object.string("client_name")?,
        client_uri: object.string("client_uri")?,
        logo_uri: object.string("logo_uri")?,
        token_endpoint_auth_method: object.string("token_endpoint_auth_method")?,
        jwks_uri: object.string("jwks_uri")?,
        jwks,
        scope: object.string("scope")?,
        contacts: object.strings("contacts")?,
        tos_uri: object.string("tos_uri")?,
        policy_uri: object.string("policy_uri")?,
        require_pushed_authorization_requests: object
            .bool("require_pushed_authorization_requests")?,
        dpop_bound_access_tokens: object.bool("dpop_bound_access_tokens")?,
        userinfo_signed_response_alg: object.string("userinfo_signed_response_alg")?,
        userinfo_encrypted_response_alg: object.string("userinfo_encrypted_response_alg")?,
        userinfo_encrypted_response_enc: object.string("userinfo_encrypted_response_enc")?,
        id_token_encrypted_response_alg: object.string("id_token_encrypted_response_alg")?,
        id_token_encrypted_response_enc: object.string("id_token_encrypted_response_enc")?,
        localized: BTreeMap::new(),
    };
    let members = match crate::wire::decode_first_json::<Value>(body) {
        Some(Value::Object(members)) => members,
        _ => Map::new(),
    };
    metadata.localized = localized(&members)?;
    Ok(metadata)
}

/// `parseLocalizedFields`: every `field#tag` member must carry a BCP 47 tag; string values of the
/// four localizable fields are kept under the canonical tag, at most 20 per field.
fn localized(members: &Map<String, Value>) -> Result<BTreeMap<String, String>, DecodeError> {
    let mut out = BTreeMap::new();
    for (key, value) in members {
        let Some((field, tag)) = key.split_once('#') else {
            continue;
        };
        let tag = canonical_language_tag(tag).ok_or(DecodeError)?;
        let (Value::String(value), true) = (value, LOCALIZED.contains(&field)) else {
            continue;
        };
        out.insert(format!("{field}#{tag}"), value.clone());
        let prefix = format!("{field}#");
        if out.keys().filter(|k| k.starts_with(&prefix)).count() > MAX_VARIANTS {
            return Err(DecodeError);
        }
    }
    Ok(out)
}
