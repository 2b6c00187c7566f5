//! The checks and defaults of a create or update, in the server's order: `idp/utils.go`
//! (required properties, type defaults, scopes), `idp/service.go` (schema-aware defaults, the
//! attribute configuration) and `notification/utils.go` (sender properties).

use thunderid_protocol::ApiErrorCode;

use super::vendor::{BROWSER_REQUIRED, TOKEN_EXCHANGE_REQUIRED, Vendor};
use super::{ConnectionRequest, described};
use crate::error::MockError;
use crate::service::request::MAX_PAGE_SIZE;
use crate::store::connections::AttributeConfiguration;
use crate::store::declared::MAX_COMPOSITE_RECORDS;
use crate::store::user_types::UserTypes;

/// `validateIDPProperties`: the required set, then the type's defaults and scopes.
pub(super) fn check_idp_properties(request: &mut ConnectionRequest) -> Result<(), MockError> {
    let vendor = request.vendor;
    let props = &mut request.properties;
    let reduced = matches!(vendor, Vendor::Google | Vendor::Oidc)
        && (props.get("token_exchange_enabled").map(String::as_str) == Some("true")
            || props.contains_key("id_jag_enabled"));
    let required: &[&str] = match vendor {
        _ if reduced => TOKEN_EXCHANGE_REQUIRED,
        Vendor::Google | Vendor::Github => &BROWSER_REQUIRED[..3],
        _ => BROWSER_REQUIRED,
    };
    if let Some(missing) = required.iter().find(|p| !props.contains_key(**p)) {
        return Err(described(
            ApiErrorCode::IdpInvalidIDPProperty,
            "error.idpservice.required_property_missing_description",
            format!(
                "required property '{missing}' is missing for IDP type '{}'",
                vendor.idp_type()
            ),
            &[("property", missing), ("idpType", vendor.idp_type())],
        ));
    }
    let defaults: &[(&str, &str)] = match vendor {
        Vendor::Google => &[
            (
                "authorization_endpoint",
                "https://accounts.google.com/o/oauth2/v2/auth",
            ),
            ("token_endpoint", "https://oauth2.googleapis.com/token"),
            (
                "userinfo_endpoint",
                "https://openidconnect.googleapis.com/v1/userinfo",
            ),
            (
                "jwks_endpoint",
                "https://www.googleapis.com/oauth2/v3/certs",
            ),
        ],
        Vendor::Github => &[
            (
                "authorization_endpoint",
                "https://github.com/login/oauth/authorize",
            ),
            (
                "token_endpoint",
                "https://github.com/login/oauth/access_token",
            ),
            ("userinfo_endpoint", "https://api.github.com/user"),
            ("user_email_endpoint", "https://api.github.com/user/emails"),
        ],
        _ => &[],
    };
    for (property, value) in defaults {
        props
            .entry((*property).to_owned())
            .or_insert_with(|| (*value).to_owned());
    }
    match vendor {
        Vendor::Google | Vendor::Oidc => {
            let mut scopes: Vec<&str> = props
                .get("scopes")
                .map(|s| s.split(',').filter(|s| !s.is_empty()).collect())
                .unwrap_or_default();
            let joined = if scopes.is_empty() {
                "openid,email,profile".to_owned()
            } else {
                if !scopes.contains(&"openid") {
                    scopes.push("openid");
                }
                scopes.join(",")
            };
            props.insert("scopes".to_owned(), joined);
        }
        Vendor::Github => {
            let has_scope = props
                .get("scopes")
                .is_some_and(|s| s.split(',').any(|s| !s.is_empty()));
            if !has_scope {
                props.insert("scopes".to_owned(), "user:email".to_owned());
            }
        }
        _ => {}
    }
    Ok(())
}

/// Create only: the schema-aware attribute defaults (`applySchemaAwareDefaults`): account linking
/// on `email` when the scopes can yield it and every user type keeps it unique; a resolution and
/// an email/login → `username` mapping for every user type that requires `username`, or, when none
/// does, a resolution to the first type that keeps `email` unique. The user
/// types are one page of the list (`loadCandidateUserTypes`: the first `MaxPageSize` by name),
/// and none when the list fails past the composite store's limit (`composite`).
pub(super) fn schema_aware_defaults(
    request: &mut ConnectionRequest,
    user_types: &UserTypes,
    composite: bool,
) {
    let vendor = request.vendor;
    if !matches!(vendor, Vendor::Google | Vendor::Oidc | Vendor::Github) {
        return;
    }
    let scopes: Vec<&str> = request
        .properties
        .get("scopes")
        .map(|s| s.split(',').collect())
        .unwrap_or_default();
    let yields_email = match vendor {
        Vendor::Github => scopes.iter().any(|s| *s == "user:email" || *s == "user"),
        _ => scopes.contains(&"email"),
    };
    let mut types = user_types.by_name_order();
    if composite && types.len() > MAX_COMPOSITE_RECORDS {
        // The list failed: no candidate to seed from.
        types.clear();
    }
    types.truncate(MAX_PAGE_SIZE as usize);
    let config = request
        .attribute_configuration
        .get_or_insert_with(Default::default);
    let email_unique = !types.is_empty()
        && types
            .iter()
            .all(|t| t.schema.properties().get("email").is_some_and(|p| p.unique));
    if config.account_linking.is_none() && yields_email && email_unique {
        config.account_linking = Some(crate::store::connections::AccountLinking {
            attributes: vec!["email".to_owned()],
        });
    }
    let mapped = vendor == Vendor::Github || yields_email;
    let username_types: Vec<&str> = types
        .iter()
        .filter(|t| {
            t.schema
                .properties()
                .get("username")
                .is_some_and(|p| p.required)
        })
        .map(|t| t.name.as_str())
        .collect();
    if mapped && username_types.is_empty() && config.user_type_attribute_mappings.is_empty() {
        // Nothing to map: the default names a type email can identify one user on.
        let email_matchable = types
            .iter()
            .find(|t| t.schema.properties().get("email").is_some_and(|p| p.unique));
        if let Some(user_type) = email_matchable {
            set_default_user_type(config, &user_type.name);
        }
    }
    if mapped && !username_types.is_empty() && config.user_type_attribute_mappings.is_empty() {
        let external = if vendor == Vendor::Github {
            "login"
        } else {
            "email"
        };
        set_default_user_type(config, username_types[0]);
        config.user_type_attribute_mappings = username_types
            .iter()
            .map(|t| crate::store::connections::UserTypeAttributeMapping {
                user_type: (*t).to_owned(),
                attributes: vec![crate::store::connections::AttributeMapping {
                    external_attribute: external.to_owned(),
                    local_attribute: "username".to_owned(),
                }],
            })
            .collect();
    }
    if config.is_empty() {
        request.attribute_configuration = None;
    }
}

/// `setDefaultUserType`: the resolution's default, unless one is configured (its other members
/// kept).
fn set_default_user_type(
    config: &mut crate::store::connections::AttributeConfiguration,
    user_type: &str,
) {
    let resolution = config
        .user_type_resolution
        .get_or_insert_with(Default::default);
    if resolution.default.trim().is_empty() {
        resolution.default = user_type.to_owned();
    }
}

/// `validateAttributeConfiguration` (IDP-1012, each case its own description).
pub(super) fn check_attribute_configuration(
    config: Option<&AttributeConfiguration>,
    user_types: &UserTypes,
) -> Result<(), MockError> {
    let Some(config) = config else {
        return Ok(());
    };
    let fail = |key: &str, text: String, params: &[(&str, &str)]| {
        Err(described(
            ApiErrorCode::IdpInvalidAttributeConfiguration,
            &format!("error.idpservice.attribute_configuration_{key}_description"),
            text,
            params,
        ))
    };
    let resolution = config.user_type_resolution.as_ref();
    if !config.user_type_attribute_mappings.is_empty()
        && resolution.is_none_or(|r| r.default.trim().is_empty())
    {
        return fail(
            "user_type_required",
            "attribute configuration requires an user type".into(),
            &[],
        );
    }
    if let Some(r) = resolution {
        let has_external = !r.external_attribute.trim().is_empty();
        let has_mapping = !r.value_mapping.is_empty();
        if has_mapping && !has_external {
            return fail(
                "resolution_mapping_without_external",
                "user type resolution value mapping requires an external attribute".into(),
                &[],
            );
        }
        if has_external && r.default.trim().is_empty() {
            return fail(
                "resolution_default_required",
                "claim-driven user type resolution requires a default user type as the fallback"
                    .into(),
                &[],
            );
        }
        if has_external || has_mapping {
            for (value, user_type) in &r.value_mapping {
                if value.trim().is_empty() || user_type.trim().is_empty() {
                    return fail(
                        "resolution_empty_mapping",
                        "user type resolution value mapping must not contain empty values".into(),
                        &[],
                    );
                }
                if user_types.by_name(user_type.trim()).is_none() {
                    return fail(
                        "resolution_target_invalid",
                        format!("user type resolution maps to invalid user type '{user_type}'"),
                        &[("userType", user_type)],
                    );
                }
            }
        }
    }
    let mut seen = Vec::new();
    for entry in &config.user_type_attribute_mappings {
        if entry.user_type.trim().is_empty() {
            return fail(
                "entry_user_type_required",
                "each user type attributes entry requires an user type".into(),
                &[],
            );
        }
        if seen.contains(&entry.user_type.as_str()) {
            return fail(
                "duplicate_user_type",
                format!(
                    "user type '{}' is configured more than once",
                    entry.user_type
                ),
                &[("userType", &entry.user_type)],
            );
        }
        seen.push(&entry.user_type);
        let mut targets = Vec::new();
        for m in &entry.attributes {
            let local = m.local_attribute.trim();
            if m.external_attribute.trim().is_empty() || local.is_empty() {
                return fail(
                    "empty_claim",
                    "attribute mapping must not contain empty attribute names".into(),
                    &[],
                );
            }
            if targets.contains(&local) {
                return fail(
                    "duplicate_target",
                    format!(
                        "local attribute name '{local}' appears as a mapping target more than once"
                    ),
                    &[("attribute", local)],
                );
            }
            targets.push(local);
        }
        let Some(user_type) = user_types.by_name(&entry.user_type) else {
            let text = format!(
                "invalid user type '{}' for attribute configuration: {}",
                entry.user_type,
                ApiErrorCode::UserTypeNotFoundInService
                    .to_error()
                    .description
                    .default_value
                    .unwrap_or_default()
            );
            return fail("user_type_invalid", text, &[]);
        };
        let properties = user_type.schema.properties();
        for m in &entry.attributes {
            if properties
                .get(&m.local_attribute)
                .is_none_or(|p| p.credential)
            {
                return fail(
                    "target_not_in_schema",
                    format!(
                        "local claim '{}' is not an attribute of user type '{}'",
                        m.local_attribute, entry.user_type
                    ),
                    &[
                        ("claim", &m.local_attribute),
                        ("userType", &entry.user_type),
                    ],
                );
            }
        }
    }
    Ok(())
}

/// `validateMessageNotificationSenderProperties` (MNS-1006 with the rule's text).
pub(super) fn check_sender_properties(request: &ConnectionRequest) -> Result<(), MockError> {
    let props = &request.properties;
    let problem = |text: String| {
        Err(described(
            ApiErrorCode::SenderInvalidRequestFormat,
            "error.notificationservice.sender_property_validation_failed_description",
            text,
            &[],
        ))
    };
    if props.is_empty() {
        return problem("message notification sender properties cannot be empty".into());
    }
    let required: &[&str] = match request.vendor {
        Vendor::Twilio => &["account_sid", "auth_token", "sender_id"],
        Vendor::Vonage => &["api_key", "api_secret", "sender_id"],
        _ => &[],
    };
    if let Some(missing) = required.iter().find(|p| !props.contains_key(**p)) {
        return problem(format!(
            "required property missing for the provider: {missing}"
        ));
    }
    match request.vendor {
        Vendor::Twilio => {
            let sid = props.get("account_sid").map(String::as_str).unwrap_or("");
            let valid = sid.len() == 34
                && sid.starts_with("AC")
                && sid[2..].bytes().all(|b| b.is_ascii_hexdigit());
            if !valid {
                return problem("invalid Twilio account SID format".into());
            }
        }
        Vendor::SmsGateway => {
            let upper = |p: &str| props.get(p).map(|v| v.to_uppercase()).unwrap_or_default();
            if !props.contains_key("url") {
                return problem("custom provider must have a URL property".into());
            }
            let method = upper("http_method");
            if !method.is_empty() && method != "GET" && method != "POST" {
                return problem("custom provider must have a valid HTTP method".into());
            }
            let content = upper("content_type");
            if !content.is_empty() && content != "JSON" && content != "FORM" {
                return problem(
                    "custom provider must have a valid content type (JSON or FORM)".into(),
                );
            }
        }
        _ => {}
    }
    Ok(())
}
