//! User types and agent types (the server's entity types, one table with a category): a name, the
//! unit they belong to, whether people may sign themselves up, the display attribute, and the
//! schema, kept verbatim (what the API returns) and compiled (what validates). Names are unique
//! within a category; `/user-types` never sees an agent type, nor `/agent-types` a user type.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thunderid_protocol::user_management::SystemAttributes;

use crate::fixtures::{Fixtures, TypeCategory};
use crate::schema::Schema;

/// A stored user type.
#[derive(Debug, Clone)]
pub(crate) struct UserTypeRecord {
    pub id: String,
    /// `user` or `agent`.
    pub category: TypeCategory,
    pub name: String,
    pub ou_id: String,
    pub allow_self_registration: bool,
    /// `systemAttributes.display`: the attribute path shown as a user's `display`.
    pub display: Option<String>,
    /// `systemAttributes` as given (absent: omitted from answers).
    pub system_attributes: Option<SystemAttributes>,
    /// The schema as given.
    pub schema_json: Map<String, Value>,
    pub schema: Schema,
}

/// All user types, by id.
#[derive(Debug, Default)]
pub(crate) struct UserTypes {
    types: BTreeMap<String, UserTypeRecord>,
}

impl UserTypes {
    pub(crate) fn from_fixtures(fixtures: &Fixtures) -> Self {
        let types = fixtures
            .user_types
            .iter()
            .filter_map(|t| {
                // The fixture set was validated: every schema compiles.
                let schema = Schema::compile(&Value::Object(t.schema.clone())).ok()?;
                let record = UserTypeRecord {
                    id: t.id.clone(),
                    category: t.category,
                    name: t.name.clone(),
                    ou_id: t.ou_id.clone(),
                    allow_self_registration: t.allow_self_registration,
                    display: t
                        .system_attributes
                        .as_ref()
                        .and_then(|a| a.display.clone())
                        .filter(|d| !d.is_empty()),
                    system_attributes: t.system_attributes.as_ref().map(|a| SystemAttributes {
                        display: a.display.clone().filter(|d| !d.is_empty()),
                    }),
                    schema_json: t.schema.clone(),
                    schema,
                };
                Some((t.id.clone(), record))
            })
            .collect();
        Self { types }
    }

    /// The user type with this id.
    pub(crate) fn get(&self, id: &str) -> Option<&UserTypeRecord> {
        self.get_in(TypeCategory::User, id)
    }

    /// Users name their type by name.
    pub(crate) fn by_name(&self, name: &str) -> Option<&UserTypeRecord> {
        self.by_name_in(TypeCategory::User, name)
    }

    /// Every user type, by name (the list's order).
    pub(crate) fn by_name_order(&self) -> Vec<&UserTypeRecord> {
        self.in_order(TypeCategory::User)
    }

    /// The type of `category` with this id.
    pub(crate) fn get_in(&self, category: TypeCategory, id: &str) -> Option<&UserTypeRecord> {
        self.types.get(id).filter(|t| t.category == category)
    }

    /// The type of `category` with this name.
    pub(crate) fn by_name_in(&self, category: TypeCategory, name: &str) -> Option<&UserTypeRecord> {
        self.types
            .values()
            .find(|t| t.category == category && t.name == name)
    }

    /// Every type of `category`, by name.
    pub(crate) fn in_order(&self, category: TypeCategory) -> Vec<&UserTypeRecord> {
        let mut types: Vec<_> = self
            .types
            .values()
            .filter(|t| t.category == category)
            .collect();
        types.sort_by(|a, b| a.name.cmp(&b.name));
        types
    }

    /// Add or replace a type. The caller has checked the name is free.
    pub(crate) fn put(&mut self, record: UserTypeRecord) {
        self.types.insert(record.id.clone(), record);
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<UserTypeRecord> {
        self.types.remove(id)
    }
}
