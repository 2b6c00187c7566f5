//! Organization units: the fixture tree (`organization-units.json`) plus whatever the API creates,
//! mutable, rebuilt by `POST /__mock/reset` like the rest of the stores.
//!
//! This is the one model behind both generations of organization APIs: the real server's
//! `/organization-units` and the legacy organizations (`/api/server/v1/organizations`, the
//! `organization_switch` grant), where a legacy "organization" is an organization unit.
//!
//! Behaviour follows the real server's database store (`backend/internal/ou/store.go`): lists are
//! ordered by name (byte order, as SQLite's `ORDER BY NAME`), handles and names conflict only among
//! siblings and only when equal byte for byte, and a handle path is resolved one handle at a time
//! from a root unit. Every unit is mutable (`isReadOnly: false`), as in the server's default
//! `mutable` store mode.
//!
//! Timestamps: the fixture units are created when the server starts (or is reset), at the mock
//! clock's time then.

use std::collections::BTreeMap;

use thunderid_protocol::organizations::{OrganizationUnitRequest, OrganizationUnitSettings};

use crate::fixtures::Fixtures;

/// A stored organization unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRecord {
    pub id: String,
    pub handle: String,
    pub name: String,
    /// Empty when there is none (the wire omits it).
    pub description: String,
    /// `None` for a root unit.
    pub parent: Option<String>,
    pub is_registration_flow_enabled: bool,
    pub is_recovery_flow_enabled: bool,
    pub settings: OrganizationUnitSettings,
    /// Unix seconds.
    pub created_at: u64,
    pub updated_at: u64,
}

/// Why the store refused a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitError {
    /// No unit has this id (OU-1003).
    NotFound,
    /// The requested parent does not exist (OU-1005).
    ParentNotFound,
    /// The new parent is the unit itself or one of its descendants (OU-1007).
    Circular,
    /// A sibling has the same name (OU-1004).
    NameConflict,
    /// A sibling has the same handle (OU-1008).
    HandleConflict,
    /// The unit still has child units or users (OU-1006).
    HasDependents,
}

/// All organization units, by id.
#[derive(Debug, Default)]
pub struct Units {
    units: BTreeMap<String, UnitRecord>,
}

impl Units {
    pub fn from_fixtures(fixtures: &Fixtures, now: u64) -> Self {
        let units = fixtures
            .organization_units
            .iter()
            .map(|ou| {
                let settings = OrganizationUnitSettings {
                    logo_url: ou.logo_url.clone(),
                    ..OrganizationUnitSettings::default()
                };
                let record = UnitRecord {
                    id: ou.id.clone(),
                    handle: ou.handle.clone(),
                    name: ou.name.clone(),
                    description: ou.description.clone().unwrap_or_default(),
                    parent: ou.parent.clone(),
                    is_registration_flow_enabled: false,
                    is_recovery_flow_enabled: false,
                    settings,
                    created_at: now,
                    updated_at: now,
                };
                (ou.id.clone(), record)
            })
            .collect();
        Self { units }
    }

    pub fn get(&self, id: &str) -> Option<&UnitRecord> {
        self.units.get(id)
    }

    /// Every unit, in name order.
    pub fn all(&self) -> Vec<&UnitRecord> {
        sorted(self.units.values())
    }

    /// The root units, in name order.
    pub fn roots(&self) -> Vec<&UnitRecord> {
        sorted(self.units.values().filter(|u| u.parent.is_none()))
    }

    /// The direct children of `id`, in name order.
    pub fn children(&self, id: &str) -> Vec<&UnitRecord> {
        sorted(
            self.units
                .values()
                .filter(|u| u.parent.as_deref() == Some(id)),
        )
    }

    /// `id` and every unit below it, depth first, siblings in name order.
    pub fn subtree(&self, id: &str) -> Vec<&UnitRecord> {
        let mut out = Vec::new();
        let mut stack: Vec<&UnitRecord> = self.get(id).into_iter().collect();
        while let Some(unit) = stack.pop() {
            out.push(unit);
            stack.extend(self.children(&unit.id).into_iter().rev());
        }
        out
    }

    /// The ids above `id`, nearest first. Stops at a missing parent or a cycle.
    pub fn ancestors(&self, id: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut current = self.get(id).and_then(|u| u.parent.clone());
        while let Some(parent) = current {
            if parent == id || out.contains(&parent) {
                break;
            }
            current = self.get(&parent).and_then(|u| u.parent.clone());
            out.push(parent);
        }
        out
    }

    /// Whether `id` is `ancestor` or lies below it.
    pub fn is_within(&self, id: &str, ancestor: &str) -> bool {
        self.get(id).is_some()
            && (id == ancestor || self.ancestors(id).iter().any(|a| a == ancestor))
    }

    /// The unit at a handle path (`GetOrganizationUnitByPath`): the first handle names a root unit,
    /// each next one a child of the previous.
    pub fn by_path(&self, handles: &[&str]) -> Option<&UnitRecord> {
        let mut parent: Option<&str> = None;
        let mut found = None;
        for handle in handles {
            let unit = self
                .units
                .values()
                .find(|u| u.handle == *handle && u.parent.as_deref() == parent)?;
            parent = Some(&unit.id);
            found = Some(unit);
        }
        found
    }

    /// Create a unit from a validated, sanitized request (`CreateOrganizationUnit` after its
    /// authorization and flow checks): the parent must exist, then name and handle must be free
    /// among the siblings.
    pub fn create(
        &mut self,
        request: &OrganizationUnitRequest,
        now: u64,
    ) -> Result<UnitRecord, UnitError> {
        self.create_as(request, now, None)
    }

    /// [`Self::create`] under `id` when an import names one (the caller checks it is free).
    pub fn create_as(
        &mut self,
        request: &OrganizationUnitRequest,
        now: u64,
        id: Option<String>,
    ) -> Result<UnitRecord, UnitError> {
        let parent = request.parent.as_ref().map(|p| p.as_str().to_owned());
        if let Some(parent) = &parent
            && !self.units.contains_key(parent)
        {
            return Err(UnitError::ParentNotFound);
        }
        self.check_conflicts(&request.name, &request.handle, parent.as_deref(), None)?;
        let record = UnitRecord {
            id: id.unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
            created_at: now,
            updated_at: now,
            ..record_from(request, String::new())
        };
        self.units.insert(record.id.clone(), record.clone());
        Ok(record)
    }

    /// Replace unit `id` with a validated, sanitized request (`updateOUInternal` after its flow
    /// checks): parent exists, no cycle, then the sibling conflicts, checked only for what changed.
    pub fn update(
        &mut self,
        id: &str,
        request: &OrganizationUnitRequest,
        now: u64,
    ) -> Result<UnitRecord, UnitError> {
        let existing = self.get(id).ok_or(UnitError::NotFound)?.clone();
        let parent = request.parent.as_ref().map(|p| p.as_str().to_owned());
        if let Some(parent) = &parent {
            if !self.units.contains_key(parent) {
                return Err(UnitError::ParentNotFound);
            }
            if parent == id || self.ancestors(parent).iter().any(|a| a == id) {
                return Err(UnitError::Circular);
            }
        }
        let parent_changed = existing.parent != parent;
        let name = (parent_changed || existing.name != request.name).then_some(&request.name);
        let handle =
            (parent_changed || existing.handle != request.handle).then_some(&request.handle);
        if let Some(name) = name
            && self.sibling_has(parent.as_deref(), Some(id), |u| u.name == *name)
        {
            return Err(UnitError::NameConflict);
        }
        if let Some(handle) = handle
            && self.sibling_has(parent.as_deref(), Some(id), |u| u.handle == *handle)
        {
            return Err(UnitError::HandleConflict);
        }
        let record = UnitRecord {
            created_at: existing.created_at,
            updated_at: now,
            ..record_from(request, existing.id)
        };
        self.units.insert(record.id.clone(), record.clone());
        Ok(record)
    }

    /// Delete unit `id` unless child units or users (`has_users`) still depend on it.
    pub fn delete(&mut self, id: &str, has_users: bool) -> Result<(), UnitError> {
        if !self.units.contains_key(id) {
            return Err(UnitError::NotFound);
        }
        if has_users || !self.children(id).is_empty() {
            return Err(UnitError::HasDependents);
        }
        self.units.remove(id);
        Ok(())
    }

    fn check_conflicts(
        &self,
        name: &str,
        handle: &str,
        parent: Option<&str>,
        except: Option<&str>,
    ) -> Result<(), UnitError> {
        if self.sibling_has(parent, except, |u| u.name == name) {
            return Err(UnitError::NameConflict);
        }
        if self.sibling_has(parent, except, |u| u.handle == handle) {
            return Err(UnitError::HandleConflict);
        }
        Ok(())
    }

    /// Whether a unit under `parent` (other than `except`) satisfies `matches`.
    fn sibling_has(
        &self,
        parent: Option<&str>,
        except: Option<&str>,
        matches: impl Fn(&UnitRecord) -> bool,
    ) -> bool {
        self.units
            .values()
            .any(|u| u.parent.as_deref() == parent && Some(u.id.as_str()) != except && matches(u))
    }
}

/// A record holding `request`'s fields under `id` (timestamps zero).
fn record_from(request: &OrganizationUnitRequest, id: String) -> UnitRecord {
    UnitRecord {
        id,
        handle: request.handle.clone(),
        name: request.name.clone(),
        description: request.description.clone().unwrap_or_default(),
        parent: request.parent.as_ref().map(|p| p.as_str().to_owned()),
        is_registration_flow_enabled: request.is_registration_flow_enabled,
        is_recovery_flow_enabled: request.is_recovery_flow_enabled,
        settings: request.settings.clone(),
        created_at: 0,
        updated_at: 0,
    }
}

/// `ORDER BY NAME`: byte order, ties by id so the order is total.
fn sorted<'a>(units: impl Iterator<Item = &'a UnitRecord>) -> Vec<&'a UnitRecord> {
    let mut units: Vec<&UnitRecord> = units.collect();
    units.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    units
}

/// Unix seconds as Go marshals a UTC `time.Time` with no fraction: `2026-01-01T00:00:00Z`.
pub fn rfc3339(seconds: u64) -> String {
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Howard Hinnant's `civil_from_days` for days since 1970-01-01 (never negative here).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use thunderid_protocol::ids::OrganizationUnitId;

    use super::*;

    const ROOT: &str = "01900000-0000-7000-8000-000000000001";
    const ENGINEERING: &str = "01900000-0000-7000-8000-000000000002";
    const SALES: &str = "01900000-0000-7000-8000-000000000003";
    const PLATFORM: &str = "01900000-0000-7000-8000-000000000004";

    fn store() -> Units {
        Units::from_fixtures(&Fixtures::bundled(), 100)
    }

    fn request(handle: &str, name: &str, parent: Option<&str>) -> OrganizationUnitRequest {
        OrganizationUnitRequest::new(handle, name, parent.map(OrganizationUnitId::new))
    }

    fn ids(units: Vec<&UnitRecord>) -> Vec<&str> {
        units.into_iter().map(|u| u.id.as_str()).collect()
    }

    #[test]
    fn the_bundled_tree_is_navigable() {
        let store = store();
        assert_eq!(ids(store.roots()), [ROOT]);
        assert_eq!(ids(store.children(ROOT)), [ENGINEERING, SALES]);
        assert_eq!(
            ids(store.subtree(ROOT)),
            [ROOT, ENGINEERING, PLATFORM, SALES]
        );
        assert_eq!(store.ancestors(PLATFORM), [ENGINEERING, ROOT]);
        assert!(store.is_within(PLATFORM, ENGINEERING));
        assert!(!store.is_within(SALES, ENGINEERING));
        assert_eq!(
            store
                .by_path(&["default", "engineering", "platform"])
                .map(|u| u.id.as_str()),
            Some(PLATFORM)
        );
        assert!(store.by_path(&["engineering"]).is_none());
        assert_eq!(store.get(ROOT).map(|u| u.created_at), Some(100));
    }

    #[test]
    fn siblings_may_not_share_a_name_or_handle() {
        let mut store = store();
        let taken_name = request("eng2", "Engineering", Some(ROOT));
        assert_eq!(store.create(&taken_name, 5), Err(UnitError::NameConflict));
        let taken_handle = request("engineering", "Other", Some(ROOT));
        assert_eq!(
            store.create(&taken_handle, 5),
            Err(UnitError::HandleConflict)
        );
        let elsewhere = request("engineering", "Engineering", Some(SALES));
        assert!(store.create(&elsewhere, 5).is_ok());
        let orphan = request("x", "X", Some("missing"));
        assert_eq!(store.create(&orphan, 5), Err(UnitError::ParentNotFound));
    }

    #[test]
    fn an_update_may_not_create_a_cycle() {
        let mut store = store();
        let under_child = request("engineering", "Engineering", Some(PLATFORM));
        assert_eq!(
            store.update(ENGINEERING, &under_child, 5),
            Err(UnitError::Circular)
        );
        let under_itself = request("engineering", "Engineering", Some(ENGINEERING));
        assert_eq!(
            store.update(ENGINEERING, &under_itself, 5),
            Err(UnitError::Circular)
        );
        let moved = request("platform", "Platform", Some(SALES));
        let updated = store.update(PLATFORM, &moved, 7).expect("moved");
        assert_eq!((updated.created_at, updated.updated_at), (100, 7));
        assert_eq!(ids(store.children(SALES)), [PLATFORM]);
    }

    #[test]
    fn only_leaves_without_users_are_deleted() {
        let mut store = store();
        assert_eq!(
            store.delete(ENGINEERING, false),
            Err(UnitError::HasDependents)
        );
        assert_eq!(store.delete(PLATFORM, true), Err(UnitError::HasDependents));
        assert_eq!(store.delete(PLATFORM, false), Ok(()));
        assert_eq!(store.delete(PLATFORM, false), Err(UnitError::NotFound));
    }

    #[test]
    fn timestamps_are_written_as_go_writes_utc_times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_600), "2026-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_827_696), "2000-02-29T12:34:56Z");
    }
}
