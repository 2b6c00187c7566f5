//! SCIM2 for the signed-in user, as WSO2 Identity Server (charon) serves it. Mock-only: the ThunderID
//! server has no SCIM API, but SDKs published before `5cca57c` and WSO2 clients (seed 003:
//! `/t/{tenant}/scim2/Me`) call it.
//!
//! * `GET /scim2/Me`: the user as a SCIM User, `200 application/scim+json` with
//!   `Location: {base}/scim2/Users/{id}`.
//! * `PATCH /scim2/Me`: a [`PatchOp`] (see `scim/patch.rs`), validated like `PUT /users/me`; 200 with
//!   the updated user.
//! * `GET /scim2/Schemas`: a plain JSON array holding the core User schema with the attributes the
//!   mock maps. WSO2 answers a bare array (not a `ListResponse`), and the SDK iterates it as one.
//! * All three also under `/t/carbon.super/` (other tenants are 404).
//!
//! Mapping: `userName` = `username`, `name.givenName` = `given_name`, `name.familyName` =
//! `family_name`, `emails[primary]` = `email`, `phoneNumbers[type eq "mobile"]` = `mobile_number`.
//! `meta.created` and `meta.lastModified` are the time in the user's UUIDv7 id (the mock keeps no
//! timestamps), else the current time.
//!
//! Errors are SCIM errors ([`MockError::Scim`]). Without a valid Bearer token the answer is 401 with
//! a SCIM error body, as WSO2's SCIM endpoints answer; no scope is required (WSO2 wants
//! `internal_login`, which ThunderID tokens never carry).

mod patch;

use thunderid_protocol::scim::{
    self, MultiValue, MultiValuedAttribute, PatchOp, ScimAttributeType, ScimErrorType, ScimMeta,
    ScimName, ScimSchema, ScimSchemaAttribute, ScimUser,
};

use super::{UpdateError, load_user, replace_attributes};
use crate::error::MockError;
use crate::schema::Kind;
use crate::security::Principal;
use crate::state::AppState;
use crate::store::user_types::UserTypeRecord;
use crate::store::users::{AttributeError, UserRecord};

/// A SCIM answer: the body and its `Location` (`200 application/scim+json`).
#[derive(Debug)]
pub(crate) struct ScimAnswer<T> {
    pub body: T,
    pub location: String,
}

/// The user attributes behind the SCIM attributes the mock maps.
mod attribute {
    pub const USERNAME: &str = "username";
    pub const GIVEN_NAME: &str = "given_name";
    pub const FAMILY_NAME: &str = "family_name";
    pub const EMAIL: &str = "email";
    pub const MOBILE: &str = "mobile_number";
}

/// `GET /scim2/Me`.
pub(crate) fn get_scim_me(
    state: &AppState,
    prefix: &str,
    principal: &Principal,
) -> Result<ScimAnswer<ScimUser>, MockError> {
    let user = load_user(state, &principal.subject)
        .ok_or_else(|| not_found("User not found in the user store."))?;
    Ok(user_answer(state, prefix, &user))
}

/// `PATCH /scim2/Me`.
pub(crate) fn patch_scim_me(
    state: &AppState,
    prefix: &str,
    principal: &Principal,
    body: &[u8],
) -> Result<ScimAnswer<ScimUser>, MockError> {
    let patch: PatchOp = serde_json::from_slice(body).map_err(|_| {
        scim_error(
            400,
            ScimErrorType::InvalidSyntax,
            "The request body is not a PatchOp message.",
        )
    })?;
    let current = load_user(state, &principal.subject)
        .ok_or_else(|| not_found("No associated user exits in the user store."))?;
    let attributes = patch::apply(&patch, &current.attributes)?;
    let user = replace_attributes(state, &current.id, &attributes).map_err(update_error)?;
    Ok(user_answer(state, prefix, &user))
}

/// `GET /scim2/Schemas`: the User schema, described with the caller's user type (the first type
/// when the caller is not a user).
pub(crate) fn list_scim_schemas(
    state: &AppState,
    prefix: &str,
    principal: &Principal,
) -> ScimAnswer<Vec<ScimSchema>> {
    let user_type = load_user(state, &principal.subject).map(|user| user.user_type);
    let schema = state.stores().directory.read(|d| {
        user_type
            .and_then(|name| d.user_types.by_name(&name))
            .or_else(|| d.user_types.by_name_order().first().copied())
            .cloned()
    });
    ScimAnswer {
        body: vec![user_schema(schema.as_ref())],
        location: state.url(&format!("{prefix}/scim2/Schemas")),
    }
}

/// SCIM's 401 for a request without a valid Bearer token.
pub(crate) fn unauthenticated() -> MockError {
    MockError::Scim {
        status: 401,
        scim_type: None,
        detail: "Authentication failed for this resource.".to_owned(),
    }
}

fn scim_error(status: u16, scim_type: ScimErrorType, detail: impl Into<String>) -> MockError {
    MockError::Scim {
        status,
        scim_type: Some(scim_type),
        detail: detail.into(),
    }
}

fn not_found(detail: &str) -> MockError {
    MockError::Scim {
        status: 404,
        scim_type: None,
        detail: detail.to_owned(),
    }
}

fn update_error(error: UpdateError) -> MockError {
    let invalid = |detail: String| scim_error(400, ScimErrorType::InvalidValue, detail);
    match error {
        UpdateError::DirectoryFull => MockError::DirectoryFull,
        UpdateError::UserNotFound => not_found("No associated user exits in the user store."),
        UpdateError::UnknownUserType | UpdateError::Attribute(AttributeError::UnknownUserType) => {
            invalid("The user's type has no schema.".to_owned())
        }
        UpdateError::Credential | UpdateError::Attribute(AttributeError::Credential { .. }) => {
            invalid("Credentials cannot be changed with PATCH /scim2/Me.".to_owned())
        }
        UpdateError::Attribute(AttributeError::Invalid { attribute, reason }) => invalid(format!(
            "Invalid value for {}: {reason}.",
            scim_name(&attribute)
        )),
        UpdateError::Attribute(AttributeError::Missing { attribute }) => invalid(format!(
            "Required attribute {} is missing.",
            scim_name(&attribute)
        )),
        UpdateError::Attribute(AttributeError::NotUnique { attribute }) => scim_error(
            409,
            ScimErrorType::Uniqueness,
            format!("The value of {} is already in use.", scim_name(&attribute)),
        ),
    }
}

/// The SCIM name of a user attribute, for error details.
fn scim_name(attribute: &str) -> &str {
    match attribute {
        attribute::USERNAME => "userName",
        attribute::GIVEN_NAME => "name.givenName",
        attribute::FAMILY_NAME => "name.familyName",
        attribute::EMAIL => "emails",
        attribute::MOBILE => "phoneNumbers",
        other => other,
    }
}

fn user_answer(state: &AppState, prefix: &str, user: &UserRecord) -> ScimAnswer<ScimUser> {
    let location = state.url(&format!("{prefix}/scim2/Users/{}", user.id));
    let created = timestamp(state, &user.id);
    ScimAnswer {
        body: scim_user(user, &location, created),
        location,
    }
}

/// The user as a SCIM User resource.
fn scim_user(user: &UserRecord, location: &str, created: String) -> ScimUser {
    let text = |name: &str| {
        user.attributes
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let given_name = text(attribute::GIVEN_NAME);
    let family_name = text(attribute::FAMILY_NAME);
    let name = (given_name.is_some() || family_name.is_some()).then(|| ScimName {
        given_name,
        family_name,
        ..ScimName::default()
    });
    let emails = text(attribute::EMAIL).map(|email| MultiValuedAttribute {
        value: Some(email),
        primary: Some(true),
        ..Default::default()
    });
    let phone_numbers = text(attribute::MOBILE).map(|mobile| MultiValuedAttribute {
        value: Some(mobile),
        kind: Some("mobile".to_owned()),
        ..Default::default()
    });
    ScimUser {
        schemas: vec![scim::USER_SCHEMA.to_owned()],
        id: Some(user.id.clone()),
        external_id: None,
        user_name: text(attribute::USERNAME),
        name,
        display_name: None,
        nick_name: None,
        profile_url: None,
        title: None,
        user_type: None,
        preferred_language: None,
        locale: None,
        timezone: None,
        active: None,
        emails: emails.into_iter().map(MultiValue::Complex).collect(),
        phone_numbers: phone_numbers.into_iter().map(MultiValue::Complex).collect(),
        photos: Vec::new(),
        addresses: Vec::new(),
        groups: Vec::new(),
        roles: Vec::new(),
        meta: Some(ScimMeta {
            resource_type: Some("User".to_owned()),
            created: Some(created.clone()),
            last_modified: Some(created),
            location: Some(location.to_owned()),
            version: None,
        }),
        extensions: Default::default(),
    }
}

/// The creation time of a user: the timestamp of a UUIDv7 id, else now (RFC 3339, milliseconds).
fn timestamp(state: &AppState, id: &str) -> String {
    let millis = uuid::Uuid::parse_str(id)
        .ok()
        .and_then(|uuid| uuid.get_timestamp())
        .map(|ts| {
            let (secs, nanos) = ts.to_unix();
            secs * 1000 + u64::from(nanos / 1_000_000)
        })
        .unwrap_or_else(|| state.now() * 1000);
    rfc3339_millis(millis)
}

/// `2026-01-01T00:00:00.000Z` for milliseconds since the epoch.
fn rfc3339_millis(millis: u64) -> String {
    let secs = millis / 1000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        millis % 1000
    )
}

/// The core User schema with the attributes the mock maps, labelled and constrained by `user_type`
/// (WSO2's `displayName`, `required`, `uniqueness`, `regEx`). Attributes the type lacks are left out.
fn user_schema(user_type: Option<&UserTypeRecord>) -> ScimSchema {
    let declared = |name: &str| user_type.and_then(|t| t.schema.property(name));
    let simple = |scim_name: &str, description: &str, source: &str| {
        let definition = declared(source);
        ScimSchemaAttribute {
            required: Some(definition.is_some_and(|d| d.required)),
            uniqueness: Some(
                if definition.is_some_and(|d| d.unique) {
                    "server"
                } else {
                    "none"
                }
                .to_owned(),
            ),
            display_name: definition.and_then(|d| d.display_name.clone()),
            reg_ex: definition.and_then(|d| match &d.kind {
                Kind::String {
                    pattern: Some(pattern),
                    ..
                } => Some(pattern.as_str().to_owned()),
                _ => None,
            }),
            ..schema_attribute(scim_name, ScimAttributeType::String, description)
        }
    };
    let complex = |scim_name: &str,
                   multi_valued: bool,
                   description: &str,
                   sub_attributes: Vec<ScimSchemaAttribute>| {
        ScimSchemaAttribute {
            multi_valued,
            required: Some(false),
            uniqueness: Some("none".to_owned()),
            sub_attributes,
            ..schema_attribute(scim_name, ScimAttributeType::Complex, description)
        }
    };
    let mut attributes = Vec::new();
    if declared(attribute::USERNAME).is_some() {
        attributes.push(simple(
            "userName",
            "Unique identifier for the User.",
            attribute::USERNAME,
        ));
    }
    let names: Vec<_> = [
        (
            "givenName",
            "The given name of the User.",
            attribute::GIVEN_NAME,
        ),
        (
            "familyName",
            "The family name of the User.",
            attribute::FAMILY_NAME,
        ),
    ]
    .into_iter()
    .filter(|(_, _, source)| declared(source).is_some())
    .map(|(name, description, source)| simple(name, description, source))
    .collect();
    if !names.is_empty() {
        attributes.push(complex(
            "name",
            false,
            "The components of the user's real name.",
            names,
        ));
    }
    if declared(attribute::EMAIL).is_some() {
        let primary = ScimSchemaAttribute {
            required: Some(false),
            ..schema_attribute(
                "primary",
                ScimAttributeType::Boolean,
                "Whether this is the primary email address.",
            )
        };
        let value = simple("value", "Email address for the User.", attribute::EMAIL);
        attributes.push(complex(
            "emails",
            true,
            "Email addresses for the user.",
            vec![value, primary],
        ));
    }
    if declared(attribute::MOBILE).is_some() {
        let kind = ScimSchemaAttribute {
            required: Some(false),
            canonical_values: vec!["mobile".to_owned()],
            ..schema_attribute(
                "type",
                ScimAttributeType::String,
                "The type of the phone number.",
            )
        };
        let value = simple("value", "Phone number of the User.", attribute::MOBILE);
        attributes.push(complex(
            "phoneNumbers",
            true,
            "Phone numbers for the User.",
            vec![value, kind],
        ));
    }
    ScimSchema {
        id: scim::USER_SCHEMA.to_owned(),
        name: Some("User".to_owned()),
        description: Some("User Account".to_owned()),
        attributes,
        schemas: Vec::new(),
        meta: None,
    }
}

/// A read-write, single-valued attribute definition with no other members.
fn schema_attribute(
    name: &str,
    attribute_type: ScimAttributeType,
    description: &str,
) -> ScimSchemaAttribute {
    ScimSchemaAttribute {
        name: name.to_owned(),
        attribute_type,
        multi_valued: false,
        description: Some(description.to_owned()),
        required: None,
        case_exact: false,
        mutability: Some("readWrite".to_owned()),
        returned: Some("default".to_owned()),
        uniqueness: None,
        canonical_values: Vec::new(),
        reference_types: Vec::new(),
        sub_attributes: Vec::new(),
        display_name: None,
        display_order: None,
        reg_ex: None,
        supported_by_default: None,
        shared_profile_value_resolving_method: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_with_milliseconds() {
        assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_millis(1_767_225_600_000),
            "2026-01-01T00:00:00.000Z"
        );
        assert_eq!(rfc3339_millis(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(
            rfc3339_millis(1_717_986_918_400),
            "2024-06-10T02:35:18.400Z"
        );
    }
}
