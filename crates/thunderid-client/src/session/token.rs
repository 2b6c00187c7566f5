//! Session tokens: HS256 JWTs under the configured session secret, shaped like the Next.js SDK's
//! session cookie (`accessToken`, `sessionId`, `scopes`, `type: "session"`, `sub`, `iat`, `exp`) and
//! temporary sign-in cookie (`sessionId`, `type: "temp"`, `iat`, `exp`).
//!
//! Verification accepts exactly `alg: HS256`, checks the HMAC, the `type`, and `exp` against the
//! client's clock; anything else reads as "no session".

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use thunderid_protocol::secret::AccessToken;

use crate::config::SessionSecret;
use crate::error::Error;

/// `type` of a signed-in session token.
pub const SESSION_TYPE: &str = "session";
/// `type` of a temporary (sign-in in progress) token.
pub const TEMP_TYPE: &str = "temp";

/// A session token (the cookie value). `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionToken(String);

/// A session id: 32 random bytes, base64url.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(String);

/// The claims of a session token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SessionClaims {
    /// The access token (for app-native sessions, the flow assertion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<AccessToken>,
    /// The session's id, the key of its server-side record.
    pub session_id: SessionId,
    /// The granted scopes, space-separated (a string, as the Next SDK writes it).
    #[serde(default)]
    pub scopes: String,
    /// Always [`SESSION_TYPE`].
    #[serde(rename = "type")]
    pub token_type: String,
    /// The user.
    pub sub: String,
    /// The user's organization unit, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Issued at (seconds).
    pub iat: u64,
    /// Expires at: the access token's expiry.
    pub exp: u64,
}

/// The claims of a temporary token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TempClaims {
    pub(crate) session_id: SessionId,
    #[serde(rename = "type")]
    pub(crate) token_type: String,
    pub(crate) iat: u64,
    pub(crate) exp: u64,
}

/// Whether an expired token is still read (refresh and sign-out accept one whose signature holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expiry {
    Enforce,
    Ignore,
}

impl SessionToken {
    /// Wraps a token received from the browser.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token, to put in a cookie.
    pub fn secret(&self) -> &str {
        &self.0
    }

    /// The token, consuming the wrapper.
    pub fn into_secret(self) -> String {
        self.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken([redacted])")
    }
}

impl SessionId {
    /// A fresh random id.
    pub(crate) fn random() -> Self {
        Self(crate::oauth2::authorize::random_token())
    }

    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Something with a `type` and an `exp`.
pub(crate) trait TypedClaims {
    fn token_type(&self) -> &str;
    fn expires_at(&self) -> u64;
}

impl TypedClaims for SessionClaims {
    fn token_type(&self) -> &str {
        &self.token_type
    }

    fn expires_at(&self) -> u64 {
        self.exp
    }
}

impl TypedClaims for TempClaims {
    fn token_type(&self) -> &str {
        &self.token_type
    }

    fn expires_at(&self) -> u64 {
        self.exp
    }
}

/// Signs `claims` as an HS256 JWT.
pub(crate) fn mint(claims: &impl Serialize, secret: &SessionSecret) -> Result<SessionToken, Error> {
    let key = EncodingKey::from_secret(secret.secret());
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key)
        .map(SessionToken)
        .map_err(|e| Error::Encode(e.to_string()))
}

/// The claims of `token` if it is an HS256 JWT under `secret` of type `expected_type` and (with
/// [`Expiry::Enforce`]) not expired at `now`.
pub(crate) fn read<T: DeserializeOwned + TypedClaims>(
    token: &SessionToken,
    secret: &SessionSecret,
    expected_type: &str,
    now: u64,
    expiry: Expiry,
) -> Option<T> {
    let mut segments = token.0.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return None;
    };
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    // Only HS256: `none`, other HMACs and asymmetric algorithms are refused before verifying.
    if header.get("alg").and_then(serde_json::Value::as_str) != Some("HS256") {
        return None;
    }
    let message = &token.0.as_bytes()[..token.0.len() - signature.len() - 1];
    let key = DecodingKey::from_secret(secret.secret());
    if !jsonwebtoken::crypto::verify(signature, message, &key, Algorithm::HS256).ok()? {
        return None;
    }
    let claims: T = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    let live = expiry == Expiry::Ignore || now < claims.expires_at();
    (claims.token_type() == expected_type && live).then_some(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> SessionSecret {
        SessionSecret::new(vec![42u8; 32])
    }

    fn claims(exp: u64) -> SessionClaims {
        SessionClaims {
            access_token: Some(AccessToken::new("at")),
            session_id: SessionId("sid".to_owned()),
            scopes: "openid profile".to_owned(),
            token_type: SESSION_TYPE.to_owned(),
            sub: "user".to_owned(),
            organization_id: None,
            iat: 100,
            exp,
        }
    }

    fn read_session(token: &SessionToken, now: u64, expiry: Expiry) -> Option<SessionClaims> {
        read(token, &secret(), SESSION_TYPE, now, expiry)
    }

    #[test]
    fn a_minted_token_reads_back_until_it_expires() -> Result<(), Error> {
        let token = mint(&claims(200), &secret())?;
        assert_eq!(
            read_session(&token, 199, Expiry::Enforce),
            Some(claims(200))
        );
        assert_eq!(read_session(&token, 200, Expiry::Enforce), None);
        assert_eq!(read_session(&token, 200, Expiry::Ignore), Some(claims(200)));
        Ok(())
    }

    #[test]
    fn tampered_foreign_and_mistyped_tokens_read_as_nothing() -> Result<(), Error> {
        let token = mint(&claims(200), &secret())?;
        let (head, rest) = token.secret().split_once('.').unwrap_or_default();
        let (_, signature) = rest.split_once('.').unwrap_or_default();
        let forged_payload = URL_SAFE_NO_PAD.encode(
            br#"{"sessionId":"sid","scopes":"","type":"session","sub":"admin","iat":1,"exp":999}"#,
        );
        let tampered = SessionToken::new(format!("{head}.{forged_payload}.{signature}"));
        assert_eq!(read_session(&tampered, 150, Expiry::Ignore), None);

        let other_key = mint(&claims(200), &SessionSecret::new(vec![1u8; 32]))?;
        assert_eq!(read_session(&other_key, 150, Expiry::Ignore), None);

        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let unsigned = SessionToken::new(format!("{none_header}.{forged_payload}."));
        assert_eq!(read_session(&unsigned, 150, Expiry::Ignore), None);

        let temp = TempClaims {
            session_id: SessionId("sid".to_owned()),
            token_type: TEMP_TYPE.to_owned(),
            iat: 1,
            exp: 999,
        };
        let temp_token = mint(&temp, &secret())?;
        assert_eq!(read_session(&temp_token, 150, Expiry::Enforce), None);
        assert_eq!(
            read::<TempClaims>(&temp_token, &secret(), TEMP_TYPE, 150, Expiry::Enforce),
            Some(temp)
        );
        Ok(())
    }

    #[test]
    fn session_tokens_are_redacted_in_debug_output() {
        assert_eq!(
            format!("{:?}", SessionToken::new("eyJ...")),
            "SessionToken([redacted])"
        );
    }
}
