//! [`Connections`]: identity providers (`backend/internal/idp/store.go`) and SMS notification
//! senders (`backend/internal/notification/store.go`), the two stores the connections API fronts.
//! They are separate tables on the server, so an IdP and a sender may share an id or a name. A
//! fresh server has none.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// One stored connection: its vendor (the API path segment), name, description and properties by
/// their stored names (`client_id`, `auth_token`, …); secrets are kept in clear and masked on the
/// way out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConnectionRecord {
    pub(crate) id: String,
    pub(crate) vendor: &'static str,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) properties: BTreeMap<String, String>,
    /// An IdP's `attributeConfiguration` (`None`: not configured).
    pub(crate) attribute_configuration: Option<AttributeConfiguration>,
}

/// One table, in insertion order (the store's order).
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    /// Shared, so that publishing a changed table copies pointers, not records.
    records: Vec<Arc<ConnectionRecord>>,
}

impl Table {
    pub(crate) fn get(&self, id: &str) -> Option<&ConnectionRecord> {
        self.records.iter().find(|r| r.id == id).map(|r| &**r)
    }

    /// Another record than `except` has this name.
    pub(crate) fn name_taken(&self, name: &str, except: &str) -> bool {
        self.records
            .iter()
            .any(|r| r.name == name && r.id != except)
    }

    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &ConnectionRecord> {
        self.records.iter().map(|r| &**r)
    }

    /// Insert, or replace the record with the same id in place.
    pub(crate) fn put(&mut self, record: ConnectionRecord) {
        match self.records.iter_mut().find(|r| r.id == record.id) {
            Some(slot) => *slot = Arc::new(record),
            None => self.records.push(Arc::new(record)),
        }
    }

    pub(crate) fn remove(&mut self, id: &str) {
        self.records.retain(|r| r.id != id);
    }
}

/// Identity providers and notification senders.
#[derive(Debug, Clone, Default)]
pub(crate) struct Connections {
    pub(crate) idps: Table,
    pub(crate) senders: Table,
}

/// `providers.AttributeConfiguration`: how a federated user's claims pick a user type and map to
/// local attributes. Members in the server's order, empty ones omitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AttributeConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) user_type_resolution: Option<UserTypeResolution>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "nullable"
    )]
    pub(crate) user_type_attribute_mappings: Vec<UserTypeAttributeMapping>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) account_linking: Option<AccountLinking>,
}

impl AttributeConfiguration {
    pub(crate) fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserTypeResolution {
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "nullable"
    )]
    pub(crate) default: String,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "nullable"
    )]
    pub(crate) external_attribute: String,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "nullable"
    )]
    pub(crate) value_mapping: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserTypeAttributeMapping {
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "nullable"
    )]
    pub(crate) user_type: String,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "nullable"
    )]
    pub(crate) attributes: Vec<AttributeMapping>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AttributeMapping {
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) external_attribute: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) local_attribute: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AccountLinking {
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "nullable"
    )]
    pub(crate) attributes: Vec<String>,
}

/// Go leaves a field at its zero value for `null`.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
