//! The design API's bodies, members in the server's order. The theme or layout document is
//! written as the text it was stored as (`json.RawMessage`), so its member order survives.

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;

use super::Kind;
use crate::store::design::DesignRecord;

/// A stored document as raw JSON (stored documents are always valid JSON).
fn raw(text: &str) -> Box<RawValue> {
    RawValue::from_string(text.to_owned())
        .unwrap_or_else(|_| RawValue::from_string("null".to_owned()).expect("null is JSON"))
}

/// A theme or layout (`Theme`, `Layout`).
#[derive(Debug)]
pub(crate) struct DesignResponse {
    kind: Kind,
    record: DesignRecord,
}

impl DesignResponse {
    /// POST and PUT answers: the handler copies no timestamps.
    pub(crate) fn written(kind: Kind, record: &DesignRecord) -> Self {
        let mut record = record.clone();
        record.created_at.clear();
        record.updated_at.clear();
        Self { kind, record }
    }

    /// GET answers: the stored timestamps.
    pub(crate) fn stored(kind: Kind, record: &DesignRecord) -> Self {
        Self {
            kind,
            record: record.clone(),
        }
    }
}

impl Serialize for DesignResponse {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = &self.record;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &r.id)?;
        map.serialize_entry("handle", &r.handle)?;
        map.serialize_entry("displayName", &r.display_name)?;
        // A layout's description is `omitempty`; a theme's is not.
        if self.kind == Kind::Theme || !r.description.is_empty() {
            map.serialize_entry("description", &r.description)?;
        }
        map.serialize_entry(self.kind.member(), &raw(&r.document))?;
        map.serialize_entry("createdAt", &r.created_at)?;
        map.serialize_entry("updatedAt", &r.updated_at)?;
        // The handlers never copy it.
        map.serialize_entry("isReadOnly", &false)?;
        map.end()
    }
}

/// A pagination link (`{"href", "rel"}`).
#[derive(Debug, serde::Serialize)]
pub(crate) struct Link {
    href: String,
    rel: &'static str,
}

/// `GET /design/themes` and `/design/layouts`.
#[derive(Debug)]
pub(crate) struct DesignList {
    kind: Kind,
    total: usize,
    offset: usize,
    page: Vec<DesignRecord>,
    links: Vec<Link>,
}

impl DesignList {
    pub(crate) fn new(
        kind: Kind,
        total: usize,
        offset: usize,
        limit: usize,
        page: Vec<DesignRecord>,
    ) -> Self {
        let base = match kind {
            Kind::Theme => "/design/themes",
            Kind::Layout => "/design/layouts",
        };
        let mut links = Vec::new();
        if offset > 0 {
            links.push(Link {
                href: format!(
                    "{base}?limit={limit}&offset={}",
                    offset.saturating_sub(limit)
                ),
                rel: "previous",
            });
        }
        if offset + limit < total {
            links.push(Link {
                href: format!("{base}?limit={limit}&offset={}", offset + limit),
                rel: "next",
            });
        }
        Self {
            kind,
            total,
            offset,
            page,
            links,
        }
    }
}

/// One list item.
struct Item<'a>(Kind, &'a DesignRecord);

impl Serialize for Item<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Item(kind, r) = self;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &r.id)?;
        map.serialize_entry("handle", &r.handle)?;
        map.serialize_entry("displayName", &r.display_name)?;
        if *kind == Kind::Theme || !r.description.is_empty() {
            map.serialize_entry("description", &r.description)?;
        }
        if *kind == Kind::Theme {
            let (scheme, primary) = colour_info(&r.document);
            map.serialize_entry("defaultColorScheme", &scheme)?;
            map.serialize_entry("primaryColor", &primary)?;
        }
        map.serialize_entry("createdAt", &r.created_at)?;
        map.serialize_entry("updatedAt", &r.updated_at)?;
        map.serialize_entry("isReadOnly", &false)?;
        map.end()
    }
}

/// `extractThemeColorInfo`: `defaultColorScheme`, and that scheme's `palette.primary.main`.
fn colour_info(document: &str) -> (String, String) {
    let Ok(theme) = serde_json::from_str::<serde_json::Value>(document) else {
        return (String::new(), String::new());
    };
    let scheme = theme
        .get("defaultColorScheme")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    if scheme.is_empty() {
        return (String::new(), String::new());
    }
    let primary = theme
        .get("colorSchemes")
        .and_then(|c| c.get(&scheme))
        .and_then(|c| c.pointer("/palette/primary/main"))
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    (scheme, primary)
}

impl Serialize for DesignList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let items: Vec<Item<'_>> = self.page.iter().map(|r| Item(self.kind, r)).collect();
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("totalResults", &self.total)?;
        map.serialize_entry("startIndex", &(self.offset + 1))?;
        map.serialize_entry("count", &self.page.len())?;
        let member = match self.kind {
            Kind::Theme => "themes",
            Kind::Layout => "layouts",
        };
        map.serialize_entry(member, &items)?;
        map.serialize_entry("links", &self.links)?;
        map.end()
    }
}

/// One user of a theme or layout (`resourcedependency.ResourceDependency`).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Usage {
    resource_type: &'static str,
    id: String,
    display_name: String,
    behavior_on_delete: &'static str,
}

/// `GET …/{id}/usages` (`DependenciesResponse`, paginated).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Usages {
    total_results: usize,
    count: usize,
    summary: BTreeMap<&'static str, usize>,
    usages: Vec<Usage>,
}

impl Usages {
    /// The applications and agents (kind, id, name) that name the design, cut to one page.
    pub(crate) fn page(
        users: Vec<(&'static str, String, String)>,
        offset: usize,
        limit: usize,
    ) -> Self {
        let total = users.len();
        let mut summary = BTreeMap::new();
        for (kind, _, _) in &users {
            *summary.entry(*kind).or_insert(0) += 1;
        }
        let usages: Vec<Usage> = users
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|(resource_type, id, display_name)| Usage {
                resource_type,
                id,
                display_name,
                behavior_on_delete: "fallback",
            })
            .collect();
        Self {
            total_results: total,
            count: usages.len(),
            summary,
            usages,
        }
    }
}

/// `GET /design/resolve` (`providers.DesignResponse`): each member omitted when absent.
#[derive(Debug)]
pub(crate) struct ResolvedDesign {
    pub(crate) theme: Option<String>,
    pub(crate) layout: Option<String>,
}

impl Serialize for ResolvedDesign {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if let Some(theme) = &self.theme {
            map.serialize_entry("theme", &raw(theme))?;
        }
        if let Some(layout) = &self.layout {
            map.serialize_entry("layout", &raw(layout))?;
        }
        map.end()
    }
}
