//! The resources loaded from declarative files (`--resources`), as the server's composite store
//! mode keeps them apart (`DR/helpers.go`, each service's `composite_store.go`): their ids by kind.
//! The services answer `isReadOnly: true` for them and refuse to change or delete them with their
//! "cannot modify declarative" codes. Resources created over the API or `/import` are not here.

use std::collections::HashSet;

/// `serverconst.MaxCompositeStoreRecords`: the most records a list over a composite store
/// (database and declarative files) reads; past it the list fails instead of paging.
pub(crate) const MAX_COMPOSITE_RECORDS: usize = 1000;

/// Whether `CompositeMergeListHelperWithLimit` gives up on a list: the two stores' counts
/// together past the limit. The group and role stores cap each count at the limit first, so
/// only records in both stores can pass it (`capped`).
pub(crate) fn over_composite_limit(stored: usize, declared: usize, capped: bool) -> bool {
    let cap = |n: usize| {
        if capped {
            n.min(MAX_COMPOSITE_RECORDS)
        } else {
            n
        }
    };
    cap(stored) + cap(declared) > MAX_COMPOSITE_RECORDS
}

/// [`over_composite_limit`] over one merged list, each record counted in the store `from_file`
/// names.
pub(crate) fn list_over_composite_limit<T>(
    records: &[T],
    from_file: impl Fn(&T) -> bool,
    capped: bool,
) -> bool {
    let declared = records.iter().filter(|r| from_file(r)).count();
    over_composite_limit(records.len() - declared, declared, capped)
}

/// The order of a list the server merges from its two stores (`mergeAndDeduplicate…`): the
/// database's records in the list's own order, then the files' by `file_key` (the file store lists
/// by id, `GenericFileBasedStore.List`; entity types by name). `file_key` is `None` for a stored
/// record. The sort is stable, so the stored ones keep their order.
pub(crate) fn files_last<T>(
    records: &mut [T],
    file_key: impl for<'a> Fn(&'a T) -> Option<&'a str>,
) {
    records.sort_by(|a, b| file_key(a).cmp(&file_key(b)));
}

/// [`files_last`] for the two stores that merge the files' records first (themes and layouts).
pub(crate) fn files_first<T>(
    records: &mut [T],
    file_key: impl for<'a> Fn(&'a T) -> Option<&'a str>,
) {
    records.sort_by(|a, b| match (file_key(a), file_key(b)) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
}

/// The kinds a declarative file can hold read-only, each checked by its service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Application,
    Agent,
    /// Identity providers (`connection` documents of an IdP vendor).
    IdentityProvider,
    OrganizationUnit,
    /// User types and agent types (one entity-type table on the server).
    EntityType,
    Role,
    Group,
    ResourceServer,
    Theme,
    Layout,
    User,
    PresentationDefinition,
    CredentialConfiguration,
}

/// The declarative resources' ids, by kind.
#[derive(Debug, Default)]
pub(crate) struct Declared {
    ids: HashSet<(Kind, String)>,
}

impl Declared {
    pub(crate) fn insert(&mut self, kind: Kind, id: String) {
        self.ids.insert((kind, id));
    }

    pub(crate) fn contains(&self, kind: Kind, id: &str) -> bool {
        // A tuple key cannot be looked up by `&str` without an owned copy.
        self.ids.contains(&(kind, id.to_owned()))
    }

    /// The ids of one kind (for an export that leaves them out).
    pub(crate) fn ids(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.ids
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, id)| id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_lists_keep_the_stored_order_and_sort_the_files() {
        let mut records = vec!["s2", "f9", "s1", "f3", "s3"];
        files_last(&mut records, |r| r.starts_with('f').then_some(*r));
        assert_eq!(records, ["s2", "s1", "s3", "f3", "f9"]);
        files_first(&mut records, |r| r.starts_with('f').then_some(*r));
        assert_eq!(records, ["f3", "f9", "s2", "s1", "s3"]);
    }

    #[test]
    fn capped_lists_pass_the_limit_only_with_records_in_both_stores() {
        let limit = MAX_COMPOSITE_RECORDS;
        assert!(!over_composite_limit(0, limit + 1, true));
        assert!(!over_composite_limit(limit + 1, 0, true));
        assert!(over_composite_limit(1, limit + 1, true));
        assert!(over_composite_limit(0, limit + 1, false));
        assert!(!over_composite_limit(1, limit - 1, false));
    }
}
