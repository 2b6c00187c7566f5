//! Users: the fixture users plus any the API or a flow creates, with their credentials kept apart
//! from their attributes as salted hashes.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::fixtures::Fixtures;
use crate::password::PasswordHash;

/// A stored user.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: String,
    /// The user type's name.
    pub user_type: String,
    pub ou_id: String,
    /// Every attribute except credentials; `username` among them.
    pub attributes: Map<String, Value>,
    /// The user was stored without attributes: the API shows `"attributes": null`.
    pub attributes_null: bool,
    /// Credential attributes (the schema's `credential: true`), hashed, by name.
    pub credentials: BTreeMap<String, PasswordHash>,
    /// The system-managed `passkey` credentials, in registration order.
    pub passkeys: Vec<crate::webauthn::Credential>,
}

impl UserRecord {
    /// The `password` credential.
    pub fn password(&self) -> Option<&PasswordHash> {
        self.credentials.get("password")
    }

    pub fn set_password(&mut self, hash: PasswordHash) {
        self.credentials.insert("password".to_owned(), hash);
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

/// All users, indexed by id (ids are UUIDv7, so this is creation order, as the server lists them).
#[derive(Debug, Default)]
pub struct Users {
    users: BTreeMap<String, UserRecord>,
}

impl Users {
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
                    attributes_null: false,
                    passkeys: Vec::new(),
                    credentials: password
                        .map(|hash| ("password".to_owned(), hash))
                        .into_iter()
                        .collect(),
                };
                (u.id.clone(), record)
            })
            .collect();
        Self { users }
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

    /// Whether a user other than `exclude` has `value` at attribute path `path` (`a.b`).
    pub fn value_taken(&self, path: &str, value: &Value, exclude: Option<&str>) -> bool {
        self.users
            .values()
            .filter(|u| Some(u.id.as_str()) != exclude)
            .any(|u| value_at(&u.attributes, path) == Some(value))
    }

    /// Add or replace a user. The caller has validated the attributes.
    pub fn insert(&mut self, record: UserRecord) {
        self.users.insert(record.id.clone(), record);
    }

    pub fn remove(&mut self, id: &str) -> Option<UserRecord> {
        self.users.remove(id)
    }

    pub fn len(&self) -> usize {
        self.users.len()
    }
}

/// The value at a dot path of an attribute object.
pub(crate) fn value_at<'a>(attributes: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut segments = path.split('.');
    let mut value = attributes.get(segments.next()?)?;
    for segment in segments {
        value = value.as_object()?.get(segment)?;
    }
    Some(value)
}
