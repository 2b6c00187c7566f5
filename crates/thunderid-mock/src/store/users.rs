//! Users: the fixture users plus any a flow registers, with salted password hashes and attribute
//! validation against the user-type schema.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::fixtures::{AttributeValueType, Fixtures, UserTypeFixture};
use crate::password::PasswordHash;

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
pub struct Users {
    users: BTreeMap<String, UserRecord>,
    user_types: Vec<UserTypeFixture>,
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

    /// Every user type, in fixture order.
    pub fn user_types(&self) -> &[UserTypeFixture] {
        &self.user_types
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
                let matches = crate::graph::compile_pattern(pattern)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_checked_against_the_schema() {
        let fixtures = Fixtures::bundled();
        let store = Users::from_fixtures(&fixtures);
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
