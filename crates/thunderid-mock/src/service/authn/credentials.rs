//! `POST /auth/credentials/authenticate` (`service.go` `AuthenticateWithCredentials`, the default
//! authentication provider and `entity/service.go` `AuthenticateEntity`): the user found by
//! `identifiers`, checked against `credentials`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::authn::AuthenticationResponse;

use super::{
    AssertionRequest, AuthenticatedUser, Authenticator, FieldRules, client_error, decode,
    object_member, respond,
};
use crate::error::MockError;
use crate::flow::executors::credentials::{Identified, find_user};
use crate::state::AppState;
use crate::store::users::{UserRecord, Users};

/// Credential keys that pick an internal mechanism in the provider chain, refused on this API
/// (`authnprovider/common/constants.go`: the internal types, `sub`, then the system types), in
/// the order the server looks for them.
const RESERVED_CREDENTIALS: [&str; 9] = [
    "provisionedEntityID",
    "passkey",
    "otp",
    "federated",
    "magiclink",
    "openid4vp",
    "sub",
    "clientSecret",
    "flowSecret",
];

/// The identifier that names the user by id (`UserAttributeUserID`).
const USER_ID: &str = "userID";

/// Why the provider refused (`authnprovider/manager` codes, as `mapCredentialsAuthnError` maps
/// them).
enum Refusal {
    /// AUTHN-MGR-1001 → AUTH-CRED-1002 (401).
    AuthenticationFailed,
    /// AUTHN-MGR-1007 → AUTHN-1008 (404).
    UserNotFound,
    /// AUTHN-MGR-1008 → AUTH-CRED-1001 (400).
    InvalidRequest,
    /// A server error: 500.
    Internal(&'static str),
}

/// Authenticate with credentials: structural checks, reserved credential keys (AUTH-CRED-1005),
/// then the user and the credentials, then the answer.
pub(crate) fn authenticate(
    state: &AppState,
    body: &[u8],
) -> Result<AuthenticationResponse, MockError> {
    let body = decode(
        body,
        &["identifiers", "credentials", "skipAssertion", "assertion"],
    )?;
    let identifiers = object_member(&body, "identifiers")?;
    let credentials = object_member(&body, "credentials")?;
    let request = AssertionRequest::from_body(&body)?;
    let mut rules = FieldRules::default();
    rules.present("credentials", !credentials.is_empty());
    rules.present("identifiers", !identifiers.is_empty());
    rules.finish()?;
    if RESERVED_CREDENTIALS
        .iter()
        .any(|key| credentials.contains_key(*key))
    {
        return Err(client_error(ApiErrorCode::AuthCredReservedCredentialType));
    }
    let user = state
        .stores()
        .directory
        .read(|d| verify(&d.users, &identifiers, &credentials));
    let user = match user {
        Ok(user) => user,
        Err(Refusal::AuthenticationFailed) => {
            return Err(client_error(ApiErrorCode::AuthCredInvalidCredentials));
        }
        Err(Refusal::UserNotFound) => return Err(client_error(ApiErrorCode::AuthnUserNotFound)),
        Err(Refusal::InvalidRequest) => {
            return Err(client_error(
                ApiErrorCode::AuthCredEmptyAttributesOrCredentials,
            ));
        }
        Err(Refusal::Internal(why)) => return Err(MockError::Internal(anyhow::anyhow!(why))),
    };
    respond(state, user, Authenticator::Credentials, &request)
}

/// The default provider: a `userID` identifier names the user (a non-string one is an invalid
/// request); otherwise every identifier must match (none or several users: not found, or a
/// server error). The credentials that the user has stored and that are non-empty strings must
/// all verify, and there must be at least one.
fn verify(
    users: &Users,
    identifiers: &Map<String, Value>,
    credentials: &Map<String, Value>,
) -> Result<AuthenticatedUser, Refusal> {
    let user = match identifiers.get(USER_ID) {
        // Go compares the interface with "": only the empty string falls through to the search.
        Some(Value::String(id)) if !id.is_empty() => users.get(id).ok_or(Refusal::UserNotFound)?,
        Some(Value::String(_)) | None => identify(users, identifiers)?,
        Some(_) => return Err(Refusal::InvalidRequest),
    };
    if !credentials_verify(user, credentials) {
        return Err(Refusal::AuthenticationFailed);
    }
    Ok(AuthenticatedUser::of(user))
}

/// `IdentifyEntity`: the one user whose attributes equal every identifier.
fn identify<'u>(
    users: &'u Users,
    identifiers: &Map<String, Value>,
) -> Result<&'u UserRecord, Refusal> {
    let mut filters = BTreeMap::new();
    for (name, value) in identifiers {
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            // No stored attribute equals a null, an array or an object.
            Value::Null | Value::Array(_) | Value::Object(_) => {
                return Err(Refusal::UserNotFound);
            }
        };
        filters.insert(name.clone(), text);
    }
    match find_user(users, &filters) {
        Identified::One(id) => users.get(&id).ok_or(Refusal::UserNotFound),
        Identified::NotFound => Err(Refusal::UserNotFound),
        Identified::Ambiguous => Err(Refusal::Internal(
            "several users match the identifiers (the server's provider answers a server error)",
        )),
    }
}

/// `verifyCredentials`: only stored credential types with a non-empty string value are checked;
/// none left is a failure.
fn credentials_verify(user: &UserRecord, credentials: &Map<String, Value>) -> bool {
    let mut checked = 0;
    for (name, value) in credentials {
        let Some(hash) = user.credentials.get(name) else {
            continue;
        };
        let Some(text) = value.as_str().filter(|t| !t.is_empty()) else {
            continue;
        };
        if !hash.verify(text) {
            return false;
        }
        checked += 1;
    }
    checked > 0
}
