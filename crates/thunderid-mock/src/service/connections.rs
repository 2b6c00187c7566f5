//! `/connections` (`backend/internal/connection/`): one API over two stores, identity providers
//! (`internal/idp/`, vendors `google`, `github`, `oidc`, `oauth`) and SMS notification senders
//! (`internal/notification/`, vendors `twilio`, `vonage`, `sms-gateway`). Each vendor's body is a
//! flat object whose members map to stored properties ([`Vendor::fields`]); secrets are write-only.
//! A flow node names a connection by `properties.idpId` / `properties.senderId`, which blocks
//! deleting it.

mod wire;

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::user_management::{Usage, UsageResponse};

use crate::error::MockError;
use crate::service::request::{self, GoObject, Query};
use crate::state::AppState;
use crate::store::connections::{AttributeConfiguration, ConnectionRecord, Connections, Table};
use crate::store::user_types::UserTypes;

pub(crate) use wire::{ConnectionDetail, ConnectionList, ConnectionSummary};

/// What a secret reads as once stored.
const MASK: &str = "******";

/// A connection vendor: the path segment and the response's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Vendor {
    Google,
    Github,
    Oidc,
    OAuth,
    Twilio,
    Vonage,
    SmsGateway,
}

/// How a member is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Text,
    /// Write-only: masked in answers, kept on update when omitted.
    Secret,
    /// `[]string`, stored comma-joined.
    Scopes,
    /// `*bool`, stored `true`/`false`.
    Flag,
}

/// One request/response member and its stored property.
#[derive(Debug)]
struct Field {
    json: &'static str,
    property: &'static str,
    shape: Shape,
}

const fn field(json: &'static str, property: &'static str, shape: Shape) -> Field {
    Field {
        json,
        property,
        shape,
    }
}

const CLIENT_ID: Field = field("clientId", "client_id", Shape::Text);
const CLIENT_SECRET: Field = field("clientSecret", "client_secret", Shape::Secret);
const REDIRECT_URI: Field = field("redirectUri", "redirect_uri", Shape::Text);
const AUTHORIZATION: Field = field(
    "authorizationEndpoint",
    "authorization_endpoint",
    Shape::Text,
);
const TOKEN: Field = field("tokenEndpoint", "token_endpoint", Shape::Text);
const USERINFO: Field = field("userInfoEndpoint", "userinfo_endpoint", Shape::Text);
const JWKS: Field = field("jwksEndpoint", "jwks_endpoint", Shape::Text);
const ISSUER: Field = field("issuer", "issuer", Shape::Text);
const SCOPES: Field = field("scopes", "scopes", Shape::Scopes);
const PROMPT: Field = field("prompt", "prompt", Shape::Text);
const TOKEN_EXCHANGE: Field = field(
    "tokenExchangeEnabled",
    "token_exchange_enabled",
    Shape::Flag,
);
const TRUSTED_AUDIENCE: Field = field(
    "trustedTokenAudience",
    "trusted_token_audience",
    Shape::Text,
);
const ID_JAG: Field = field("idJagEnabled", "id_jag_enabled", Shape::Flag);
const SENDER_ID: Field = field("senderId", "sender_id", Shape::Text);

const GOOGLE: &[Field] = &[
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    SCOPES,
    PROMPT,
    JWKS,
    ISSUER,
    TOKEN_EXCHANGE,
];
const GITHUB: &[Field] = &[CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, SCOPES, PROMPT];
const OIDC: &[Field] = &[
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    AUTHORIZATION,
    TOKEN,
    USERINFO,
    JWKS,
    ISSUER,
    SCOPES,
    PROMPT,
    TOKEN_EXCHANGE,
    TRUSTED_AUDIENCE,
    ID_JAG,
];
const OAUTH: &[Field] = &[
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    AUTHORIZATION,
    TOKEN,
    USERINFO,
    SCOPES,
    PROMPT,
];
const TWILIO: &[Field] = &[
    field("accountSid", "account_sid", Shape::Text),
    field("authToken", "auth_token", Shape::Secret),
    SENDER_ID,
];
const VONAGE: &[Field] = &[
    field("apiKey", "api_key", Shape::Text),
    field("apiSecret", "api_secret", Shape::Secret),
    SENDER_ID,
];
const SMS_GATEWAY: &[Field] = &[
    field("url", "url", Shape::Text),
    field("httpMethod", "http_method", Shape::Text),
    field("httpHeaders", "http_headers", Shape::Text),
    field("contentType", "content_type", Shape::Text),
];

/// `IDP/constants.go`: the properties an IdP type requires, and (Google, OIDC) the reduced set
/// when token exchange or ID-JAG is on.
const BROWSER_REQUIRED: &[&str] = &[
    "client_id",
    "client_secret",
    "redirect_uri",
    "authorization_endpoint",
    "token_endpoint",
];
const TOKEN_EXCHANGE_REQUIRED: &[&str] = &["issuer", "jwks_endpoint"];

/// Every sender carries its channel (never shown).
const SUPPORTED_CHANNELS: &str = "supported_channels";

impl Vendor {
    pub(crate) const ALL: [Vendor; 7] = [
        Self::Google,
        Self::Github,
        Self::Oidc,
        Self::OAuth,
        Self::Twilio,
        Self::Vonage,
        Self::SmsGateway,
    ];

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.name() == name)
    }

    /// The path segment and `type`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Google => "google",
            Self::Github => "github",
            Self::Oidc => "oidc",
            Self::OAuth => "oauth",
            Self::Twilio => "twilio",
            Self::Vonage => "vonage",
            Self::SmsGateway => "sms-gateway",
        }
    }

    pub(crate) fn is_identity_provider(self) -> bool {
        matches!(self, Self::Google | Self::Github | Self::Oidc | Self::OAuth)
    }

    /// The list's `categories` entry.
    pub(crate) fn category(self) -> &'static str {
        if self.is_identity_provider() {
            "identity-provider"
        } else {
            "sms-provider"
        }
    }

    /// The request and response members, in the server's struct order.
    fn fields(self) -> &'static [Field] {
        match self {
            Self::Google => GOOGLE,
            Self::Github => GITHUB,
            Self::Oidc => OIDC,
            Self::OAuth => OAUTH,
            Self::Twilio => TWILIO,
            Self::Vonage => VONAGE,
            Self::SmsGateway => SMS_GATEWAY,
        }
    }

    /// The IdP type as the server spells it in messages.
    fn idp_type(self) -> &'static str {
        match self {
            Self::Google => "GOOGLE",
            Self::Github => "GITHUB",
            Self::Oidc => "OIDC",
            _ => "OAUTH",
        }
    }

    fn not_found(self) -> MockError {
        MockError::api(if self.is_identity_provider() {
            ApiErrorCode::IdpIDPNotFound
        } else {
            ApiErrorCode::SenderSenderNotFound
        })
    }

    fn table(self, connections: &Connections) -> &Table {
        if self.is_identity_provider() {
            &connections.idps
        } else {
            &connections.senders
        }
    }

    fn table_mut(self, connections: &mut Connections) -> &mut Table {
        if self.is_identity_provider() {
            &mut connections.idps
        } else {
            &mut connections.senders
        }
    }

    /// The flow node property naming a connection of this vendor.
    fn node_property(self) -> &'static str {
        if self.is_identity_provider() {
            "idpId"
        } else {
            "senderId"
        }
    }
}

/// A decoded create/update body: what the handler's DTO mapping produces.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionRequest {
    vendor: Vendor,
    name: String,
    description: String,
    /// Non-blank values only, by stored name.
    properties: BTreeMap<String, String>,
    attribute_configuration: Option<AttributeConfiguration>,
}

impl ConnectionRequest {
    /// Decode a body as Go fills the vendor's request struct; any mismatch is IDP-1009 (for every
    /// vendor: the handler shares the IdP code).
    fn decode(vendor: Vendor, body: &[u8]) -> Result<Self, MockError> {
        let value = crate::wire::decode_first_json(body).ok_or_else(invalid_format)?;
        Self::from_value(vendor, &value).map_err(|()| invalid_format())
    }

    fn from_value(vendor: Vendor, value: &Value) -> Result<Self, ()> {
        let mut names = vec!["name", "description", "attributeConfiguration"];
        names.extend(vendor.fields().iter().map(|f| f.json));
        let object = GoObject::from_value(value, &names).map_err(|_| ())?;
        let mut properties = BTreeMap::new();
        let mut put = |property: &str, value: String| {
            // `appendProperty`: blank values are never stored.
            if !value.trim().is_empty() {
                properties.insert(property.to_owned(), value);
            }
        };
        for f in vendor.fields() {
            match f.shape {
                Shape::Text | Shape::Secret => {
                    put(f.property, object.string(f.json).map_err(|_| ())?)
                }
                Shape::Scopes => put(
                    f.property,
                    object.strings(f.json).map_err(|_| ())?.join(","),
                ),
                Shape::Flag if object.has(f.json) => {
                    put(f.property, object.bool(f.json).map_err(|_| ())?.to_string());
                }
                Shape::Flag => {}
            }
        }
        // A trusted audience alone turns token exchange on (`oidcToIDPDTO`).
        if vendor == Vendor::Oidc
            && properties.contains_key("trusted_token_audience")
            && !properties.contains_key("token_exchange_enabled")
        {
            properties.insert("token_exchange_enabled".to_owned(), "true".to_owned());
        }
        let attribute_configuration = match object.raw("attributeConfiguration") {
            Some(raw) if vendor.is_identity_provider() => {
                Some(serde_json::from_value(raw.clone()).map_err(|_| ())?)
            }
            _ => None,
        };
        Ok(Self {
            vendor,
            name: object.string("name").map_err(|_| ())?,
            description: object.string("description").map_err(|_| ())?,
            properties,
            attribute_configuration,
        })
    }
}

fn invalid_format() -> MockError {
    MockError::api(ApiErrorCode::IdpInvalidRequestFormat)
}

/// IDP-1006 / IDP-1012 / MNS-1006 with the case's own description.
fn described(code: ApiErrorCode, key: &str, text: String, params: &[(&str, &str)]) -> MockError {
    let mut error = code.to_error();
    error.description.key = key.to_owned();
    error.description.default_value = Some(text);
    if !params.is_empty() {
        error.description.params = Some(
            params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        );
    }
    MockError::api_error(error)
}

/// `validateIDPProperties`: the required set, then the type's defaults and scopes.
fn check_idp_properties(request: &mut ConnectionRequest) -> Result<(), MockError> {
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
/// an email/login → `username` mapping for every user type that requires `username`.
fn schema_aware_defaults(request: &mut ConnectionRequest, user_types: &UserTypes) {
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
    let types = user_types.by_name_order();
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
    if mapped && !username_types.is_empty() && config.user_type_attribute_mappings.is_empty() {
        let external = if vendor == Vendor::Github {
            "login"
        } else {
            "email"
        };
        if config.user_type_resolution.is_none() {
            config.user_type_resolution = Some(crate::store::connections::UserTypeResolution {
                default: username_types[0].to_owned(),
                ..Default::default()
            });
        }
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

/// `validateAttributeConfiguration` (IDP-1012, each case its own description).
fn check_attribute_configuration(
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
fn check_sender_properties(request: &ConnectionRequest) -> Result<(), MockError> {
    let props = &request.properties;
    let problem = |text: String| {
        Err(described(
            ApiErrorCode::SenderInvalidRequestFormat,
            "error.notificationservice.sender_property_validation_failed_description",
            text,
            &[],
        ))
    };
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

/// Name and property checks of a create or update; `create` adds the schema-aware defaults.
fn validate(
    state: &AppState,
    request: &mut ConnectionRequest,
    create: bool,
) -> Result<(), MockError> {
    if request.vendor.is_identity_provider() {
        if request.name.trim().is_empty() {
            return Err(MockError::api(ApiErrorCode::IdpInvalidIDPName));
        }
        check_idp_properties(request)?;
        state.stores().directory.read(|d| {
            if create {
                schema_aware_defaults(request, &d.user_types);
            }
            check_attribute_configuration(request.attribute_configuration.as_ref(), &d.user_types)
        })
    } else {
        if request.name.trim().is_empty() {
            return Err(MockError::api(ApiErrorCode::SenderInvalidSenderName));
        }
        request
            .properties
            .insert(SUPPORTED_CHANNELS.to_owned(), "sms".to_owned());
        check_sender_properties(request)
    }
}

fn name_taken(vendor: Vendor) -> MockError {
    MockError::api(if vendor.is_identity_provider() {
        ApiErrorCode::IdpIDPAlreadyExists
    } else {
        ApiErrorCode::SenderDuplicateSenderName
    })
}

fn record(id: String, request: ConnectionRequest) -> ConnectionRecord {
    ConnectionRecord {
        id,
        vendor: request.vendor.name(),
        name: request.name,
        description: request.description,
        properties: request.properties,
        attribute_configuration: request.attribute_configuration,
    }
}

fn vendor_of(record: &ConnectionRecord) -> Vendor {
    Vendor::from_name(record.vendor).unwrap_or(Vendor::OAuth)
}

/// `GET /connections?category&limit&offset`: every IdP and SMS sender, by type, name, id.
pub(crate) fn list(state: &AppState, query: &Query) -> Result<ConnectionList, MockError> {
    let category = query.get("category").unwrap_or_default();
    if !matches!(category, "" | "identity-provider" | "sms-provider") {
        return Err(MockError::api(
            ApiErrorCode::ConnectionInvalidConnectionCategory,
        ));
    }
    let number = |name: &str, code: ApiErrorCode, default: i64| match query.get(name) {
        None | Some("") => Ok(default),
        Some(text) => text.parse::<i64>().map_err(|_| MockError::api(code)),
    };
    let limit = number(
        "limit",
        ApiErrorCode::ConnectionInvalidLimit,
        request::DEFAULT_PAGE_SIZE,
    )?;
    let offset = number("offset", ApiErrorCode::ConnectionInvalidOffset, 0)?;
    let rules = request::PagingRules {
        limit: ApiErrorCode::ConnectionInvalidLimit,
        offset: ApiErrorCode::ConnectionInvalidOffset,
        lenient: true,
    };
    let paging = request::Paging::new(limit, offset).validate(&rules)?;
    let connections = state.stores().connections.current();
    let mut items: Vec<ConnectionSummary> = connections
        .idps
        .iter()
        .chain(connections.senders.iter())
        .filter(|r| category.is_empty() || vendor_of(r).category() == category)
        .map(ConnectionSummary::from_record)
        .collect();
    items.sort_by(|a, b| {
        (a.vendor.name(), a.name.to_lowercase(), &a.id).cmp(&(
            b.vendor.name(),
            b.name.to_lowercase(),
            &b.id,
        ))
    });
    let extra = if category.is_empty() {
        String::new()
    } else {
        format!("&category={category}")
    };
    Ok(ConnectionList(paging.page(items, "/connections", &extra)))
}

/// `GET /connections/{vendor}`: that vendor's instances, store order, unpaged.
pub(crate) fn list_vendor(state: &AppState, vendor: Vendor) -> Vec<ConnectionSummary> {
    let connections = state.stores().connections.current();
    vendor
        .table(&connections)
        .iter()
        .filter(|r| r.vendor == vendor.name())
        .map(ConnectionSummary::from_record)
        .collect()
}

/// `POST /connections/{vendor}`: 201.
pub(crate) fn create(
    state: &AppState,
    vendor: Vendor,
    body: &[u8],
) -> Result<ConnectionDetail, MockError> {
    let request = ConnectionRequest::decode(vendor, body)?;
    let record = create_with_id(state, None, request)?;
    Ok(ConnectionDetail::new(&record))
}

/// Create with an optional id (the API generates one; `/import` brings its own).
fn create_with_id(
    state: &AppState,
    id: Option<String>,
    mut request: ConnectionRequest,
) -> Result<ConnectionRecord, MockError> {
    validate(state, &mut request, true)?;
    let vendor = request.vendor;
    let id = id.unwrap_or_else(|| crate::ids::uuid_v7(state.now()));
    state.stores().connections.update(|connections| {
        let table = vendor.table_mut(connections);
        if table.name_taken(&request.name, "") {
            return Err(name_taken(vendor));
        }
        if table.get(&id).is_some() {
            // The store's primary key refuses it: the server answers 500.
            return Err(MockError::Internal(anyhow::anyhow!(
                "connection {id} exists"
            )));
        }
        let record = record(id.clone(), request.clone());
        table.put(record.clone());
        Ok(record)
    })
}

/// The instance, if it is one of `vendor`'s (else the vendor's 404).
fn load(state: &AppState, vendor: Vendor, id: &str) -> Result<ConnectionRecord, MockError> {
    let connections = state.stores().connections.current();
    vendor
        .table(&connections)
        .get(id)
        .filter(|r| r.vendor == vendor.name())
        .cloned()
        .ok_or_else(|| vendor.not_found())
}

/// `GET /connections/{vendor}/{id}`.
pub(crate) fn get(
    state: &AppState,
    vendor: Vendor,
    id: &str,
) -> Result<ConnectionDetail, MockError> {
    Ok(ConnectionDetail::new(&load(state, vendor, id)?))
}

/// `PUT /connections/{vendor}/{id}`: full replacement; an omitted secret keeps the stored one.
pub(crate) fn update(
    state: &AppState,
    vendor: Vendor,
    id: &str,
    body: &[u8],
) -> Result<ConnectionDetail, MockError> {
    let mut request = ConnectionRequest::decode(vendor, body)?;
    let existing = load(state, vendor, id)?;
    // `mergeStoredSecrets`.
    for f in vendor.fields().iter().filter(|f| f.shape == Shape::Secret) {
        if let (false, Some(stored)) = (
            request.properties.contains_key(f.property),
            existing.properties.get(f.property),
        ) {
            request
                .properties
                .insert(f.property.to_owned(), stored.clone());
        }
    }
    let record = update_record(state, id, request)?;
    Ok(ConnectionDetail::new(&record))
}

/// The service's update (the API after the vendor check, and `/import`).
fn update_record(
    state: &AppState,
    id: &str,
    mut request: ConnectionRequest,
) -> Result<ConnectionRecord, MockError> {
    validate(state, &mut request, false)?;
    let vendor = request.vendor;
    state.stores().connections.update(|connections| {
        let table = vendor.table_mut(connections);
        if table.get(id).is_none() {
            return Err(vendor.not_found());
        }
        if table.name_taken(&request.name, id) {
            return Err(name_taken(vendor));
        }
        let record = record(id.to_owned(), request.clone());
        table.put(record.clone());
        Ok(record)
    })
}

/// The flows whose current graph names `id` in a node's `idpId`/`senderId`.
fn dependent_flows(state: &AppState, vendor: Vendor, id: &str) -> Vec<Usage> {
    let property = vendor.node_property();
    state
        .registry()
        .flows()
        .iter()
        .filter(|flow| {
            flow.nodes
                .iter()
                .any(|n| n.properties.get(property).and_then(Value::as_str) == Some(id))
        })
        .map(|flow| Usage {
            resource_type: "flow".into(),
            id: flow.id.to_string(),
            display_name: flow.name.clone(),
            behavior_on_delete: "restrict".into(),
        })
        .collect()
}

/// `DELETE /connections/{vendor}/{id}`: 204, refused (409) while a flow names it.
pub(crate) fn delete(state: &AppState, vendor: Vendor, id: &str) -> Result<(), MockError> {
    load(state, vendor, id)?;
    let blocking = dependent_flows(state, vendor, id);
    if !blocking.is_empty() {
        let (code, key, what) = if vendor.is_identity_provider() {
            (
                ApiErrorCode::IdpIDPHasBlockingDependencies,
                "error.idpservice.idp_has_blocking_dependencies_description",
                "identity provider",
            )
        } else {
            (
                ApiErrorCode::SenderSenderHasBlockingDependencies,
                "error.notificationservice.sender_has_blocking_dependencies_description",
                "notification sender",
            )
        };
        let text = format!(
            "The {what} cannot be deleted because {} flow(s) depend on it. Remove or reassign them first.",
            blocking.len()
        );
        return Err(described(code, key, text, &[]));
    }
    state.stores().connections.update(|connections| {
        vendor.table_mut(connections).remove(id);
        Ok::<_, MockError>(())
    })
}

/// `GET /connections/{vendor}/{id}/usages`.
pub(crate) fn usages(
    state: &AppState,
    vendor: Vendor,
    id: &str,
) -> Result<UsageResponse, MockError> {
    load(state, vendor, id)?;
    let usages = dependent_flows(state, vendor, id);
    let mut summary = BTreeMap::new();
    if !usages.is_empty() {
        summary.insert("flow".to_owned(), usages.len() as u64);
    }
    Ok(UsageResponse {
        total_results: usages.len() as u64,
        count: usages.len() as u64,
        summary,
        usages,
    })
}

/// A `connection` document's outcome parts: (id, name, operation, result).
pub(crate) type ImportResult = (String, String, &'static str, Result<(), MockError>);

/// `/import`'s `connection` document: the vendor from `type`, members in their JSON spelling;
/// update by id when upserting (through the service: no secret merging), create with that id
/// when unknown. `Err(text)`: the document does not decode.
pub(crate) fn import(
    state: &AppState,
    document: &Map<String, Value>,
    upsert: bool,
) -> Result<ImportResult, String> {
    let (_, request) = decode_document(document)?;
    let id = text(document, "id");
    let name = request.name.clone();
    if upsert && !id.is_empty() {
        match update_record(state, &id, request.clone()) {
            Ok(r) => return Ok((r.id, r.name, "update", Ok(()))),
            Err(e) if !is_not_found(&e) => return Ok((id, name, "update", Err(e))),
            Err(_) => {}
        }
    }
    let requested = (!id.is_empty()).then(|| id.clone());
    Ok(match create_with_id(state, requested, request) {
        Ok(r) => (r.id, r.name, "create", Ok(())),
        Err(e) => (id, name, "create", Err(e)),
    })
}

/// Dry run: whether the document's id names a stored connection of its family.
pub(crate) fn exists(state: &AppState, document: &Map<String, Value>) -> Result<bool, String> {
    let (vendor, _) = decode_document(document)?;
    let connections = state.stores().connections.current();
    Ok(vendor
        .table(&connections)
        .get(&text(document, "id"))
        .is_some())
}

fn is_not_found(error: &MockError) -> bool {
    matches!(error, MockError::Api { error, .. }
        if matches!(error.code, ApiErrorCode::IdpIDPNotFound | ApiErrorCode::SenderSenderNotFound))
}

fn text(document: &Map<String, Value>, name: &str) -> String {
    document
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn decode_document(document: &Map<String, Value>) -> Result<(Vendor, ConnectionRequest), String> {
    let kind = text(document, "type");
    let vendor =
        Vendor::from_name(&kind).ok_or_else(|| format!("unsupported connection vendor: {kind}"))?;
    let request = ConnectionRequest::from_value(vendor, &Value::Object(document.clone()))
        .map_err(|()| "failed to parse connection document: invalid member type".to_owned())?;
    Ok((vendor, request))
}
