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
    fn capped_lists_pass_the_limit_only_with_records_in_both_stores() {
        let limit = MAX_COMPOSITE_RECORDS;
        assert!(!over_composite_limit(0, limit + 1, true));
        assert!(!over_composite_limit(limit + 1, 0, true));
        assert!(over_composite_limit(1, limit + 1, true));
        assert!(over_composite_limit(0, limit + 1, false));
        assert!(!over_composite_limit(1, limit - 1, false));
    }
}
