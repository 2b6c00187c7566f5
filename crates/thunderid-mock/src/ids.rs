//! Identifiers, secrets and their comparison, in one place: UUIDv7 on the mock clock, authorization
//! codes, challenge tokens, random hex, SHA-256 hashing and constant-time comparison.
//!
//! Every id the mock hands out comes from here, so ids sort by the mock clock (as the real server's
//! `GenerateUUIDv7` ids sort by its clock) and no module invents its own randomness format.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Bytes of randomness in an authorization code (`OAuth2AuthorizationCodeLength`): 27 base64url
/// characters.
const CODE_BYTES: usize = 20;

/// A UUIDv7 whose timestamp is `now` (mock-clock seconds), with random low bits, drawn from `rng`
/// (a seeded generator in engine tests, the thread RNG otherwise).
pub(crate) fn uuid_v7_with(now: u64, rng: &mut dyn RngCore) -> String {
    let mut random = [0u8; 10];
    rng.fill_bytes(&mut random);
    uuid::Builder::from_unix_timestamp_millis(now.saturating_mul(1000), &random)
        .into_uuid()
        .to_string()
}

/// [`uuid_v7_with`] from the thread RNG: `jti`, `authId`, `logoutId`, execution ids, token families.
pub(crate) fn uuid_v7(now: u64) -> String {
    uuid_v7_with(now, &mut rand::thread_rng())
}

/// A random version-4 UUID (`uuid.New()`): the correlation id of a request that brought none. Not on
/// the mock clock: the real server's is random too.
pub(crate) fn uuid_v4() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A stable UUID (version 8) derived from `seed`: fixture objects without an id of their own get
/// the same one on every start and reset.
pub(crate) fn derived_uuid(seed: &str) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// A fresh authorization code: 20 random bytes, base64url without padding.
pub(crate) fn authorization_code() -> String {
    let mut bytes = [0_u8; CODE_BYTES];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `bytes` random bytes, base64url without padding: a PAR `request_uri` key (32 bytes, 43
/// characters), generated client ids (16, 22), client and flow secrets (32, 43).
pub(crate) fn random_base64url(bytes: usize) -> String {
    URL_SAFE_NO_PAD.encode(random_bytes(bytes))
}

/// A flow challenge token: 32 random bytes as 64 hex characters.
pub(crate) fn challenge_token() -> String {
    random_hex(32)
}

/// `bytes` random bytes as lower-case hex.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// `bytes` random bytes.
pub(crate) fn random_bytes(bytes: usize) -> Vec<u8> {
    let mut buffer = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buffer);
    buffer
}

/// Lower-case hex of SHA-256(`data`): how challenge tokens are stored, and the base of derived names
/// (the SSO cookie, the fake IdP's subjects).
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// base64url (no padding) of SHA-256(`data`): PKCE S256 and JWK thumbprints.
pub(crate) fn sha256_base64url(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(data))
}

/// Compare without revealing how much matched (secrets, hashed tokens).
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_carry_the_mock_clock() {
        let id = uuid_v7(1_767_225_600);
        let parsed = uuid::Uuid::parse_str(&id).unwrap();
        assert_eq!(parsed.get_version_num(), 7);
        let (seconds, _) = parsed.get_timestamp().unwrap().to_unix();
        assert_eq!(seconds, 1_767_225_600);
    }

    #[test]
    fn codes_are_27_base64url_characters_and_tokens_64_hex() {
        let code = authorization_code();
        assert_eq!(code.len(), 27);
        assert!(
            code.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(code, authorization_code());
        let token = challenge_token();
        assert_eq!(token.len(), 64);
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn comparison_needs_equal_length_and_bytes() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert_eq!(
            sha256_base64url(b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
