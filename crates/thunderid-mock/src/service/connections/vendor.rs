//! The vendors of the connections API and how each one's body maps to stored properties: one
//! field table per vendor, in the server's struct order (`connection/{google,github,…}.go`).

use thunderid_protocol::ApiErrorCode;

use crate::error::MockError;
use crate::store::connections::{Connections, Table};

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
pub(crate) enum Shape {
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
pub(crate) struct Field {
    pub(crate) json: &'static str,
    pub(crate) property: &'static str,
    pub(crate) shape: Shape,
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
pub(super) const BROWSER_REQUIRED: &[&str] = &[
    "client_id",
    "client_secret",
    "redirect_uri",
    "authorization_endpoint",
    "token_endpoint",
];
pub(super) const TOKEN_EXCHANGE_REQUIRED: &[&str] = &["issuer", "jwks_endpoint"];

/// Every sender carries its channel (never shown).
pub(super) const SUPPORTED_CHANNELS: &str = "supported_channels";

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
    pub(crate) fn fields(self) -> &'static [Field] {
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
    pub(super) fn idp_type(self) -> &'static str {
        match self {
            Self::Google => "GOOGLE",
            Self::Github => "GITHUB",
            Self::Oidc => "OIDC",
            _ => "OAUTH",
        }
    }

    pub(super) fn not_found(self) -> MockError {
        MockError::api(if self.is_identity_provider() {
            ApiErrorCode::IdpIDPNotFound
        } else {
            ApiErrorCode::SenderSenderNotFound
        })
    }

    pub(super) fn table(self, connections: &Connections) -> &Table {
        if self.is_identity_provider() {
            &connections.idps
        } else {
            &connections.senders
        }
    }

    pub(super) fn table_mut(self, connections: &mut Connections) -> &mut Table {
        if self.is_identity_provider() {
            &mut connections.idps
        } else {
            &mut connections.senders
        }
    }

    /// The flow node property naming a connection of this vendor.
    pub(super) fn node_property(self) -> &'static str {
        if self.is_identity_provider() {
            "idpId"
        } else {
            "senderId"
        }
    }
}
