//! The connections API's bodies, members in the server's struct order. A vendor's detail object
//! is written from its field table: non-empty stored values only, secrets masked.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::vendor::Shape;
use super::{MASK, Vendor, vendor_of};
use crate::service::request::Page;
use crate::store::connections::ConnectionRecord;

/// A list item: `{"id","name","description"?}`, plus `type`, `categories` and `idJagEnabled`
/// in `GET /connections`.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionSummary {
    pub(crate) id: String,
    pub(crate) name: String,
    description: String,
    pub(crate) vendor: Vendor,
    id_jag_enabled: Option<bool>,
    /// Write the cross-vendor members.
    full: bool,
}

impl ConnectionSummary {
    pub(crate) fn from_record(record: &ConnectionRecord) -> Self {
        Self {
            id: record.id.clone(),
            name: record.name.clone(),
            description: record.description.clone(),
            vendor: vendor_of(record),
            id_jag_enabled: record
                .properties
                .get("id_jag_enabled")
                .and_then(|v| v.parse().ok()),
            full: false,
        }
    }
}

impl Serialize for ConnectionSummary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("name", &self.name)?;
        if !self.description.is_empty() {
            map.serialize_entry("description", &self.description)?;
        }
        if self.full {
            map.serialize_entry("type", self.vendor.name())?;
            map.serialize_entry("categories", &[self.vendor.category()])?;
            if let Some(enabled) = self.id_jag_enabled {
                map.serialize_entry("idJagEnabled", &enabled)?;
            }
        }
        map.end()
    }
}

/// `GET /connections`.
#[derive(Debug)]
pub(crate) struct ConnectionList(pub(crate) Page<ConnectionSummary>);

impl Serialize for ConnectionList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let page = &self.0;
        let items: Vec<ConnectionSummary> = page
            .items
            .iter()
            .cloned()
            .map(|mut item| {
                item.full = true;
                item
            })
            .collect();
        let mut map = s.serialize_map(Some(5))?;
        map.serialize_entry("totalResults", &page.total_results)?;
        map.serialize_entry("startIndex", &page.start_index)?;
        map.serialize_entry("count", &page.count)?;
        map.serialize_entry("connections", &items)?;
        map.serialize_entry("links", &page.links)?;
        map.end()
    }
}

/// A vendor's detail object (POST, GET, PUT).
#[derive(Debug)]
pub(crate) struct ConnectionDetail {
    record: ConnectionRecord,
}

impl ConnectionDetail {
    pub(crate) fn new(record: &ConnectionRecord) -> Self {
        Self {
            record: record.clone(),
        }
    }
}

impl Serialize for ConnectionDetail {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = &self.record;
        let vendor = vendor_of(r);
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &r.id)?;
        map.serialize_entry("name", &r.name)?;
        if !r.description.is_empty() {
            map.serialize_entry("description", &r.description)?;
        }
        map.serialize_entry("type", vendor.name())?;
        for f in vendor.fields() {
            let Some(value) = r.properties.get(f.property) else {
                continue;
            };
            match f.shape {
                Shape::Text => map.serialize_entry(f.json, value)?,
                Shape::Secret => map.serialize_entry(f.json, MASK)?,
                Shape::Scopes => {
                    // `splitScopes`: trimmed, empties dropped, omitted when none.
                    let scopes: Vec<&str> = value
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .collect();
                    if !scopes.is_empty() {
                        map.serialize_entry(f.json, &scopes)?;
                    }
                }
                Shape::Flag => {
                    if let Ok(flag) = value.parse::<bool>() {
                        map.serialize_entry(f.json, &flag)?;
                    }
                }
            }
        }
        if let Some(config) = &r.attribute_configuration {
            map.serialize_entry("attributeConfiguration", config)?;
        }
        map.end()
    }
}
