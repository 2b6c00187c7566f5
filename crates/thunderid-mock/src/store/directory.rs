//! [`Directory`]: the identities the server manages: users with their user types, and the
//! organization units they live in. One lock for all of it, because their rules span them (a unit
//! with users cannot be deleted; a token's claims read the user and their unit).

use std::collections::BTreeMap;

use serde_json::Value;

use super::organizations::{UnitError, Units};
use super::users::Users;
use crate::fixtures::Fixtures;

/// Users and organization units.
#[derive(Debug)]
pub(crate) struct Directory {
    pub(crate) users: Users,
    pub(crate) units: Units,
}

impl Directory {
    pub(crate) fn from_fixtures(fixtures: &Fixtures, now: u64) -> Self {
        Self {
            users: Users::from_fixtures(fixtures),
            units: Units::from_fixtures(fixtures, now),
        }
    }

    /// `DeleteOrganizationUnit`: exists, then no child units or users.
    pub(crate) fn delete_unit(&mut self, id: &str) -> Result<(), UnitError> {
        let has_users = self.users.all().any(|user| user.ou_id == id);
        self.units.delete(id, has_users)
    }

    /// Every attribute the server knows for a user: the stored attributes plus the computed ones
    /// (`groups`, `userType`, `ouId`, `ouName`, `ouHandle`). Empty for an unknown user.
    pub(crate) fn user_claims(&self, user_id: &str) -> BTreeMap<String, Value> {
        let Some(user) = self.users.get(user_id) else {
            return BTreeMap::new();
        };
        let mut claims: BTreeMap<String, Value> = user
            .attributes
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        if !user.groups.is_empty() {
            claims.insert("groups".to_owned(), Value::from(user.groups.clone()));
        }
        claims.insert("userType".to_owned(), Value::from(user.user_type.clone()));
        // The unit as it is now (the organization-unit API may have renamed it).
        if let Some(ou) = self.units.get(&user.ou_id) {
            claims.insert("ouName".to_owned(), Value::from(ou.name.clone()));
            claims.insert("ouHandle".to_owned(), Value::from(ou.handle.clone()));
        }
        claims.insert("ouId".to_owned(), Value::from(user.ou_id.clone()));
        claims
    }
}
