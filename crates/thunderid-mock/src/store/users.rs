//! Users: the fixture users plus any the API or a flow creates, with their credentials kept apart
//! from their attributes as salted hashes.
//!
//! The store counts the bytes its users hold. What a client without an administrator's token can
//! make it keep (users a self-registration flow creates, and what they add to themselves) goes in
//! only within the budget ([`crate::config::Limits`]); what an administrator or the fixtures add is
//! counted but never refused, as with the other administered stores.

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
    /// About the bytes the record holds: its texts, attribute values and passkeys, plus a fixed
    /// allowance per map entry and per credential hash.
    pub fn approximate_size(&self) -> usize {
        const PER_ENTRY: usize = 48;
        const PER_CREDENTIAL: usize = 160;
        let texts = self.id.len() + self.user_type.len() + self.ou_id.len();
        let attributes: usize = self
            .attributes
            .iter()
            .map(|(name, value)| name.len() + value_size(value) + PER_ENTRY)
            .sum();
        let credentials: usize = self
            .credentials
            .keys()
            .map(|name| name.len() + PER_CREDENTIAL)
            .sum();
        let passkeys: usize = self
            .passkeys
            .iter()
            .map(|p| {
                let transports: usize = p.transports.iter().map(|t| t.len() + PER_ENTRY).sum();
                std::mem::size_of_val(p)
                    + p.id.len()
                    + p.public_key.len()
                    + p.attestation_type.len()
                    + p.attestation_format.len()
                    + transports
            })
            .sum();
        std::mem::size_of::<Self>() + texts + attributes + credentials + passkeys
    }

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

/// A change a client without an administrator's token asked for would take the users past their
/// byte budget; nothing was changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirectoryFull;

/// All users, indexed by id (ids are UUIDv7, so this is creation order, as the server lists them).
#[derive(Debug)]
pub struct Users {
    users: BTreeMap<String, UserRecord>,
    /// The sum of the records' [`UserRecord::approximate_size`].
    bytes: usize,
    /// What self-service changes may take the users to.
    budget: usize,
}

impl Default for Users {
    fn default() -> Self {
        Self {
            users: BTreeMap::new(),
            bytes: 0,
            budget: crate::config::Limits::USER_BYTES,
        }
    }
}

/// The approximate bytes of a JSON value (its texts, plus a fixed allowance per node).
fn value_size(value: &Value) -> usize {
    const PER_NODE: usize = 32;
    PER_NODE
        + match value {
            Value::String(text) => text.len(),
            Value::Array(items) => items.iter().map(value_size).sum(),
            Value::Object(members) => members
                .iter()
                .map(|(name, value)| name.len() + value_size(value))
                .sum(),
            Value::Null | Value::Bool(_) | Value::Number(_) => 0,
        }
}

impl Users {
    pub fn from_fixtures(fixtures: &Fixtures) -> Self {
        let mut users = Self::default();
        let records = fixtures.users.iter().map(|u| {
            let password = match (&u.password, &u.password_hash) {
                (Some(plain), _) => Some(PasswordHash::new(plain)),
                (None, Some(hash)) => PasswordHash::parse(hash).ok(),
                (None, None) => None,
            };
            UserRecord {
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
            }
        });
        for record in records {
            users.insert(record);
        }
        users
    }

    /// The bytes self-service changes may take the users to.
    pub fn budget(&self) -> usize {
        self.budget
    }

    pub fn set_budget(&mut self, budget: usize) {
        self.budget = budget;
    }

    /// The bytes the users hold, as [`UserRecord::approximate_size`] counts them.
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn get(&self, id: &str) -> Option<&UserRecord> {
        self.users.get(id)
    }

    /// Change the user with this id as an administrator may (counted, never refused); `None` when
    /// there is no such user.
    pub fn update<R>(&mut self, id: &str, change: impl FnOnce(&mut UserRecord) -> R) -> Option<R> {
        let user = self.users.get_mut(id)?;
        let before = user.approximate_size();
        let out = change(user);
        self.bytes = self.bytes - before + user.approximate_size();
        Some(out)
    }

    /// Change the user with this id on the user's own behalf: a change that makes the record larger
    /// is refused, unchanged, when it would take the users past the budget.
    pub fn update_within_budget<R>(
        &mut self,
        id: &str,
        change: impl FnOnce(&mut UserRecord) -> R,
    ) -> Result<Option<R>, DirectoryFull> {
        let Some(user) = self.users.get(id) else {
            return Ok(None);
        };
        let mut changed = user.clone();
        let out = change(&mut changed);
        let (before, after) = (user.approximate_size(), changed.approximate_size());
        if after > before && self.bytes - before + after > self.budget {
            return Err(DirectoryFull);
        }
        self.bytes = self.bytes - before + after;
        self.users.insert(id.to_owned(), changed);
        Ok(Some(out))
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

    /// Add or replace a user as an administrator may (counted, never refused). The caller has
    /// validated the attributes.
    pub fn insert(&mut self, record: UserRecord) {
        self.bytes += record.approximate_size();
        if let Some(old) = self.users.insert(record.id.clone(), record) {
            self.bytes -= old.approximate_size();
        }
    }

    /// Add a user a client without an administrator's token created (self-registration): refused
    /// when it would take the users past the budget.
    pub fn insert_within_budget(&mut self, record: UserRecord) -> Result<(), DirectoryFull> {
        let replaced = self
            .users
            .get(&record.id)
            .map_or(0, UserRecord::approximate_size);
        if self.bytes - replaced + record.approximate_size() > self.budget {
            return Err(DirectoryFull);
        }
        self.insert(record);
        Ok(())
    }

    pub fn remove(&mut self, id: &str) -> Option<UserRecord> {
        let removed = self.users.remove(id)?;
        self.bytes -= removed.approximate_size();
        Some(removed)
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn user(id: &str, name: &str) -> UserRecord {
        UserRecord {
            id: id.to_owned(),
            user_type: "customer".to_owned(),
            ou_id: "ou".to_owned(),
            attributes: json!({"username": name})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            attributes_null: false,
            credentials: BTreeMap::new(),
            passkeys: Vec::new(),
        }
    }

    fn counted(users: &Users) -> usize {
        users.all().map(UserRecord::approximate_size).sum()
    }

    #[test]
    fn the_byte_count_follows_every_change() {
        let mut users = Users::default();
        users.insert(user("a", "alice"));
        users.insert(user("b", "bob"));
        users.insert(user("a", "alice-with-a-longer-name"));
        assert_eq!(users.bytes(), counted(&users));
        users.update("b", |u| u.set_password(PasswordHash::new("pw")));
        let grown = users.update_within_budget("a", |u| {
            u.attributes
                .insert("bio".to_owned(), json!("x".repeat(100)));
        });
        assert_eq!(grown, Ok(Some(())));
        assert_eq!(users.bytes(), counted(&users));
        users.remove("a");
        assert_eq!(users.bytes(), counted(&users));
        users.remove("b");
        assert_eq!(users.bytes(), 0);
    }

    #[test]
    fn self_service_stops_at_the_budget_and_changes_nothing() {
        let mut users = Users::default();
        let one = user("a", "alice").approximate_size();
        users.set_budget(2 * one);
        assert_eq!(users.insert_within_budget(user("a", "alice")), Ok(()));
        assert_eq!(users.insert_within_budget(user("b", "bobby")), Ok(()));
        assert_eq!(
            users.insert_within_budget(user("c", "carol")),
            Err(DirectoryFull)
        );
        assert!(users.get("c").is_none());
        let before = users.bytes();
        let grow = users.update_within_budget("a", |u| {
            u.attributes
                .insert("bio".to_owned(), json!("x".repeat(100)));
        });
        assert_eq!(grow, Err(DirectoryFull));
        assert_eq!(users.bytes(), before);
        assert!(
            users
                .get("a")
                .is_some_and(|u| !u.attributes.contains_key("bio"))
        );
        // Shrinking is always allowed, and frees room.
        let shrink = users.update_within_budget("b", |u| {
            u.attributes.insert("username".to_owned(), json!("b"));
        });
        assert_eq!(shrink, Ok(Some(())));
        assert!(users.bytes() < before);
        // An administrator is counted but never refused.
        users.insert(user("c", "carol"));
        assert!(users.bytes() > users.budget());
        assert_eq!(users.bytes(), counted(&users));
    }
}
