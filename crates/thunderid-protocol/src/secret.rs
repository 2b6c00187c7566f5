//! Secret newtypes: `Debug` prints `Name([redacted])`, there is no `Display`, and the value is only
//! reachable through `secret()` / `into_secret()`, so secrets never leak into logs by accident.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident $(, $derive:ident)*) => {
        $(#[$doc])*
        #[derive(PartialEq, Eq, Serialize, Deserialize $(, $derive)*)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret value. Named so that every use is easy to find.
            pub fn secret(&self) -> &str {
                &self.0
            }

            pub fn into_secret(self) -> String {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret!(
    /// An OAuth client secret.
    ClientSecret, Clone
);
secret!(
    /// A backend app's `Flow-Secret` header value.
    FlowSecret, Clone
);
secret!(
    /// An access token (a JWT with `typ: at+jwt`).
    AccessToken, Clone
);
secret!(
    /// A refresh token (a JWT the client treats as opaque).
    RefreshToken, Clone
);
secret!(
    /// An ID token (a JWT with `typ: JWT`).
    IdToken, Clone
);
secret!(
    /// An authorization code (single use, 600 s).
    AuthorizationCode, Clone
);
secret!(
    /// A flow challenge token: 64 hex chars, rotated on every INCOMPLETE response.
    ChallengeToken, Clone
);
secret!(
    /// A flow `assertion` or `errorAssertion` JWT.
    Assertion, Clone
);
secret!(
    /// A user's password as submitted in a flow input.
    Password, Clone
);
secret!(
    /// A PKCE code verifier. Deliberately not `Clone`: it is used once, in the token request.
    PkceCodeVerifier
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_is_redacted() {
        assert_eq!(
            format!("{:?}", ClientSecret::new("s3cret")),
            "ClientSecret([redacted])"
        );
        assert_eq!(
            format!("{:?}", PkceCodeVerifier::new("v")),
            "PkceCodeVerifier([redacted])"
        );
    }

    #[test]
    fn secrets_serialize_as_plain_strings() {
        let json = serde_json::to_string(&AccessToken::new("abc")).unwrap();
        assert_eq!(json, "\"abc\"");
    }
}
