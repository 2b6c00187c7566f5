//! [`PasswordHash`]: how the mock keeps credentials: salted SHA-256, compared in constant time.

use sha2::{Digest, Sha256};

/// A salted SHA-256 password hash, `sha256$<salt hex>$<digest hex>`.
///
/// A fast hash on purpose: a mock needs no slow KDF, and every sign-in in the benchmarks pays for it.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash {
    salt: Vec<u8>,
    digest: [u8; 32],
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash([redacted])")
    }
}

impl PasswordHash {
    /// Hash `password` with a fresh random salt.
    pub fn new(password: &str) -> Self {
        let salt = crate::ids::random_bytes(16);
        let digest = Self::digest(&salt, password);
        Self { salt, digest }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parts = text.split('$');
        let (Some("sha256"), Some(salt), Some(digest), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("expected sha256$<salt hex>$<digest hex>".to_owned());
        };
        let salt = hex::decode(salt).map_err(|e| format!("salt is not hex: {e}"))?;
        let digest: [u8; 32] = hex::decode(digest)
            .map_err(|e| format!("digest is not hex: {e}"))?
            .try_into()
            .map_err(|_| "digest must be 32 bytes (64 hex chars)".to_owned())?;
        Ok(Self { salt, digest })
    }

    /// Constant-time comparison, so timing does not reveal how much of a guess matched.
    pub fn verify(&self, password: &str) -> bool {
        let candidate = Self::digest(&self.salt, password);
        crate::ids::constant_time_eq(&candidate, &self.digest)
    }

    fn digest(salt: &[u8], password: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(salt);
        hasher.update(password.as_bytes());
        hasher.finalize().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hashes_verify_and_round_trip() {
        let fresh = PasswordHash::new("pw");
        assert!(fresh.verify("pw"));
        assert!(!fresh.verify("pW"));
        assert_eq!(format!("{fresh:?}"), "PasswordHash([redacted])");
    }

    #[test]
    fn malformed_hashes_are_refused() {
        assert!(PasswordHash::parse("md5$00$00").is_err());
        assert!(PasswordHash::parse("sha256$zz$00").is_err());
        assert!(PasswordHash::parse("sha256$00$0011").is_err());
    }
}
