//! Identifier newtypes. Compared as exact strings, as the server does.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// A flow execution id (UUIDv7), returned by `/flow/execute` and in the authorize redirect.
    ExecutionId
);
string_id!(
    /// An application id (UUID): the `applicationId` of flow requests, not the OAuth `client_id`.
    ApplicationId
);
string_id!(
    /// An OAuth `client_id`.
    ClientId
);
string_id!(
    /// A user (entity) id: the `sub` of tokens issued for users.
    UserId
);
string_id!(
    /// An organization unit id (UUID).
    OrganizationUnitId
);
string_id!(
    /// The authorization request id (`authId`) minted by `/oauth2/authorize`.
    AuthId
);
string_id!(
    /// A V1 app-native flow id (`flowId` of `response_mode=direct`).
    FlowId
);
string_id!(
    /// A key id (`kid`) in a JWS header and the JWKS.
    KeyId
);
string_id!(
    /// An issuer URL, compared exactly (no normalisation), as OIDC requires.
    IssuerUrl
);
