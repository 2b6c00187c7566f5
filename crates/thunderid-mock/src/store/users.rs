//! Users: the fixture users plus any a flow registers, with salted password hashes and attribute
//! validation against the user-type schema.

use std::collections::BTreeMap;

use rand::RngCore;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::fixtures::{AttributeValueType, Fixtures, UserTypeFixture};

/// A stored user.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: String,
    pub user_type: String,
    pub ou_id: String,
    /// Every attribute except credentials; `username` among them.
    pub attributes: Map<String, Value>,
    pub password: Option<PasswordHash>,
    pub groups: Vec<String>,
    pub permissions: Vec<String>,
}

impl UserRecord {
    pub fn username(&self) -> Option<&str> {
        self.attributes.get("username").and_then(Value::as_str)
    }

    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions
            .iter()
            .any(|p| p == "system" || p == permission)
    }
}

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
        let mut salt = vec![0u8; 16];
        rand::thread_rng().fill_bytes(&mut salt);
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
        candidate
            .iter()
            .zip(self.digest.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }

    fn digest(salt: &[u8], password: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(salt);
        hasher.update(password.as_bytes());
        hasher.finalize().into()
    }
}

/// Why attributes were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeError {
    /// A value does not fit the schema (USR-1019 on `/users/me`; field errors in flows).
    Invalid { attribute: String, reason: String },
    /// A required attribute is missing.
    Missing { attribute: String },
    /// A unique attribute's value is taken by another user (USR-1014 / FET-1061).
    NotUnique { attribute: String },
    /// A credential attribute was sent where none is allowed (USR-1001).
    Credential { attribute: String },
    /// The user type does not exist (USR-1021).
    UnknownUserType,
}

/// All users, indexed by id.
#[derive(Debug, Default)]
pub struct UserStore {
    users: BTreeMap<String, UserRecord>,
    user_types: Vec<UserTypeFixture>,
}

impl UserStore {
    pub fn from_fixtures(fixtures: &Fixtures) -> Self {
        let users = fixtures
            .users
            .iter()
            .map(|u| {
                let password = match (&u.password, &u.password_hash) {
                    (Some(plain), _) => Some(PasswordHash::new(plain)),
                    (None, Some(hash)) => PasswordHash::parse(hash).ok(),
                    (None, None) => None,
                };
                let record = UserRecord {
                    id: u.id.clone(),
                    user_type: u.user_type.clone(),
                    ou_id: u.ou_id.clone(),
                    attributes: u.attributes.clone(),
                    password,
                    groups: u.groups.clone(),
                    permissions: u.permissions.clone(),
                };
                (u.id.clone(), record)
            })
            .collect();
        Self {
            users,
            user_types: fixtures.user_types.clone(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&UserRecord> {
        self.users.get(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut UserRecord> {
        self.users.get_mut(id)
    }

    pub fn all(&self) -> impl Iterator<Item = &UserRecord> {
        self.users.values()
    }

    pub fn find_by_username(&self, username: &str) -> Option<&UserRecord> {
        self.find_by_attribute("username", username)
    }

    /// The user whose string attribute `name` equals `value`.
    pub fn find_by_attribute(&self, name: &str, value: &str) -> Option<&UserRecord> {
        self.users
            .values()
            .find(|u| u.attributes.get(name).and_then(Value::as_str) == Some(value))
    }

    pub fn user_type(&self, name: &str) -> Option<&UserTypeFixture> {
        self.user_types.iter().find(|t| t.name == name)
    }

    /// Check `attributes` against the schema of `user_type`: types, patterns, required and unique
    /// attributes. `exclude` is the user being updated (its own values do not clash). Credential
    /// attributes are refused: they travel separately.
    pub fn validate_attributes(
        &self,
        user_type: &str,
        attributes: &Map<String, Value>,
        exclude: Option<&str>,
    ) -> Result<(), AttributeError> {
        let schema = self
            .user_type(user_type)
            .ok_or(AttributeError::UnknownUserType)?;
        for (name, value) in attributes {
            let Some(attr) = schema.schema.get(name) else {
                return Err(AttributeError::Invalid {
                    attribute: name.clone(),
                    reason: "not in the user type's schema".to_owned(),
                });
            };
            if attr.credential {
                return Err(AttributeError::Credential {
                    attribute: name.clone(),
                });
            }
            let type_ok = match attr.value_type {
                AttributeValueType::String => value.is_string(),
                AttributeValueType::Number => value.is_number(),
                AttributeValueType::Boolean => value.is_boolean(),
            };
            if !type_ok {
                return Err(AttributeError::Invalid {
                    attribute: name.clone(),
                    reason: format!("must be a {}", attr.value_type.as_str()),
                });
            }
            if let (Some(pattern), Some(text)) = (&attr.regex, value.as_str()) {
                let matches = compile_regex(pattern)
                    .map(|re| re.is_match(text))
                    .unwrap_or(false);
                if !matches {
                    return Err(AttributeError::Invalid {
                        attribute: name.clone(),
                        reason: "does not match the required pattern".to_owned(),
                    });
                }
            }
        }
        for (name, attr) in &schema.schema {
            if attr.required && !attr.credential && !attributes.contains_key(name) {
                return Err(AttributeError::Missing {
                    attribute: name.clone(),
                });
            }
        }
        // Uniqueness last, as the real user service orders its checks: a request with a schema
        // problem and a clash is a schema error.
        for (name, value) in attributes {
            let unique = schema.schema.get(name).is_some_and(|attr| attr.unique);
            if let (true, Some(text)) = (unique, value.as_str()) {
                let taken = self
                    .find_by_attribute(name, text)
                    .is_some_and(|u| Some(u.id.as_str()) != exclude);
                if taken {
                    return Err(AttributeError::NotUnique {
                        attribute: name.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Add a user. The caller has validated the attributes.
    pub fn insert(&mut self, record: UserRecord) {
        self.users.insert(record.id.clone(), record);
    }
}

/// Compile a schema or input-validation pattern. Patterns are anchored by their authors, as on the
/// real server (Go `regexp.MatchString` semantics: unanchored search).
pub fn compile_regex(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::Regex::new(pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hashes_verify_and_round_trip() {
        let fixtures = Fixtures::bundled();
        let store = UserStore::from_fixtures(&fixtures);
        let thor = store.find_by_username("thor").unwrap();
        let hash = thor.password.as_ref().unwrap();
        assert!(hash.verify("Thor@12345"));
        assert!(!hash.verify("thor@12345"));
        let fresh = PasswordHash::new("pw");
        assert!(fresh.verify("pw"));
        assert_eq!(format!("{fresh:?}"), "PasswordHash([redacted])");
    }

    #[test]
    fn malformed_hashes_are_refused() {
        assert!(PasswordHash::parse("md5$00$00").is_err());
        assert!(PasswordHash::parse("sha256$zz$00").is_err());
        assert!(PasswordHash::parse("sha256$00$0011").is_err());
    }

    #[test]
    fn attributes_are_checked_against_the_schema() {
        let fixtures = Fixtures::bundled();
        let store = UserStore::from_fixtures(&fixtures);
        let thor = store.find_by_username("thor").unwrap();
        let mut attrs = thor.attributes.clone();
        assert_eq!(
            store.validate_attributes("Person", &attrs, Some(&thor.id)),
            Ok(())
        );
        assert_eq!(
            store.validate_attributes("Person", &attrs, None),
            Err(AttributeError::NotUnique {
                attribute: "email".to_owned()
            })
        );
        attrs.insert("email".to_owned(), Value::from("not-an-email"));
        assert!(matches!(
            store.validate_attributes("Person", &attrs, Some(&thor.id)),
            Err(AttributeError::Invalid { .. })
        ));
        attrs.remove("email");
        assert_eq!(
            store.validate_attributes("Person", &attrs, Some(&thor.id)),
            Err(AttributeError::Missing {
                attribute: "email".to_owned()
            })
        );
    }
}
