//! [`Designs`]: themes and layouts (`backend/internal/design/{theme,layout}/mgt/store.go`). Each is
//! a handle, a display name and a JSON document kept as the text it was given (compacted), with
//! the database's `YYYY-MM-DD HH:MM:SS` timestamps. A fresh server has none.

/// One theme or layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DesignRecord {
    pub(crate) id: String,
    pub(crate) handle: String,
    pub(crate) display_name: String,
    pub(crate) description: String,
    /// The `theme` / `layout` document as compact JSON text.
    pub(crate) document: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// The records of one kind, oldest first.
#[derive(Debug, Clone, Default)]
pub(crate) struct Catalogue {
    records: Vec<DesignRecord>,
}

impl Catalogue {
    pub(crate) fn get(&self, id: &str) -> Option<&DesignRecord> {
        self.records.iter().find(|r| r.id == id)
    }

    /// Another record than `except` has this handle.
    pub(crate) fn handle_taken(&self, handle: &str, except: &str) -> bool {
        self.records
            .iter()
            .any(|r| r.handle == handle && r.id != except)
    }

    /// `ORDER BY CREATED_AT DESC`: the newest first (later insertions first within a second).
    pub(crate) fn newest_first(&self) -> impl Iterator<Item = &DesignRecord> {
        self.records.iter().rev()
    }

    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    pub(crate) fn insert(&mut self, record: DesignRecord) {
        self.records.push(record);
    }

    /// Replace the record with the same id (its creation time stays).
    pub(crate) fn replace(&mut self, record: DesignRecord) {
        if let Some(slot) = self.records.iter_mut().find(|r| r.id == record.id) {
            *slot = record;
        }
    }

    pub(crate) fn remove(&mut self, id: &str) {
        self.records.retain(|r| r.id != id);
    }
}

/// Themes and layouts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Designs {
    pub(crate) themes: Catalogue,
    pub(crate) layouts: Catalogue,
}
