//! Groups: named sets of users, apps, agents and other groups, in an organization unit. Groups nest
//! (a member of type `group`); an entity's groups are its direct groups and every group that
//! contains one of them.

use std::collections::BTreeMap;

use crate::fixtures::{Fixtures, MemberKind};

/// A member of a group or an assignee of a role.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct MemberRef {
    pub kind: MemberKind,
    pub id: String,
}

impl MemberRef {
    pub(crate) fn new(kind: MemberKind, id: impl Into<String>) -> Self {
        Self {
            kind,
            id: id.into(),
        }
    }

    /// A user, app or agent (the server's `entity` members), rather than a group.
    pub(crate) fn is_entity(&self) -> bool {
        self.kind != MemberKind::Group
    }
}

/// A stored group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GroupRecord {
    pub id: String,
    pub name: String,
    /// Empty when there is none.
    pub description: String,
    pub ou_id: String,
    /// Each member once, in the order added.
    pub members: Vec<MemberRef>,
    /// Those of `members` a declarative file lists, in its order (the server's file store); empty
    /// for a stored group. The API and the delete cascades change the others only.
    pub from_file: Vec<MemberRef>,
}

impl GroupRecord {
    /// The members the database holds: those no declarative file lists.
    pub(crate) fn stored_members(&self) -> impl Iterator<Item = &MemberRef> {
        self.members.iter().filter(|m| !self.from_file.contains(m))
    }

    /// Add members not yet in the group (adding is idempotent).
    pub(crate) fn add(&mut self, members: impl IntoIterator<Item = MemberRef>) {
        for member in members {
            if !self.members.contains(&member) {
                self.members.push(member);
            }
        }
    }
}

/// All groups, by id.
#[derive(Debug, Default)]
pub(crate) struct Groups {
    groups: BTreeMap<String, GroupRecord>,
}

impl Groups {
    pub(crate) fn from_fixtures(fixtures: &Fixtures) -> Self {
        let mut groups: BTreeMap<String, GroupRecord> = fixtures
            .groups
            .iter()
            .map(|g| {
                let mut record = GroupRecord {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    description: g.description.clone().unwrap_or_default(),
                    ou_id: g.ou_id.clone(),
                    members: Vec::new(),
                    from_file: Vec::new(),
                };
                record.add(g.members.iter().map(|m| MemberRef::new(m.kind, &m.id)));
                (g.id.clone(), record)
            })
            .collect();
        // A user's `groups` (names) is the same as listing the user in each group.
        for user in &fixtures.users {
            for name in &user.groups {
                if let Some(group) = groups.values_mut().find(|g| &g.name == name) {
                    group.add([MemberRef::new(MemberKind::User, &user.id)]);
                }
            }
        }
        Self { groups }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&GroupRecord> {
        self.groups.get(id)
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut GroupRecord> {
        self.groups.get_mut(id)
    }

    pub(crate) fn all(&self) -> impl Iterator<Item = &GroupRecord> {
        self.groups.values()
    }

    /// Groups by name, then id (the list's order).
    pub(crate) fn by_name_order(&self) -> Vec<&GroupRecord> {
        let mut groups: Vec<_> = self.groups.values().collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        groups
    }

    /// A group named `name` in unit `ou_id`, other than `except`.
    pub(crate) fn name_taken(&self, ou_id: &str, name: &str, except: Option<&str>) -> bool {
        self.groups
            .values()
            .any(|g| g.ou_id == ou_id && g.name == name && Some(g.id.as_str()) != except)
    }

    pub(crate) fn put(&mut self, record: GroupRecord) {
        self.groups.insert(record.id.clone(), record);
    }

    /// Remove a group (the directory takes it out of other groups' members).
    pub(crate) fn remove(&mut self, id: &str) -> Option<GroupRecord> {
        self.groups.remove(id)
    }

    /// Remove `member` from every group that stores it: the composite store's
    /// `DeleteMembershipsByMember` deletes the database's memberships only, so a declarative
    /// group keeps the members its file lists.
    pub(crate) fn remove_stored_member(&mut self, member: &MemberRef) {
        for group in self.groups.values_mut() {
            if !group.from_file.contains(member) {
                group.members.retain(|m| m != member);
            }
        }
    }

    /// The groups `member` is directly in.
    pub(crate) fn direct(&self, member: &MemberRef) -> impl Iterator<Item = &GroupRecord> {
        self.groups
            .values()
            .filter(move |g| g.members.contains(member))
    }

    /// `member`'s direct groups and every group containing one of them, recursively (cycles are
    /// allowed, as on the server, and visited once), by name.
    pub(crate) fn transitive(&self, member: &MemberRef) -> Vec<&GroupRecord> {
        let mut found: Vec<&GroupRecord> = Vec::new();
        let mut frontier: Vec<&GroupRecord> = self.direct(member).collect();
        while let Some(group) = frontier.pop() {
            if found.iter().any(|g| g.id == group.id) {
                continue;
            }
            found.push(group);
            let as_member = MemberRef::new(MemberKind::Group, &group.id);
            frontier.extend(self.direct(&as_member));
        }
        found.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        found
    }

    /// `group` and every group containing it, recursively (the groups whose roles reach its
    /// members).
    pub(crate) fn with_ancestors(&self, group: &str) -> Vec<&GroupRecord> {
        let mut found: Vec<&GroupRecord> = self.get(group).into_iter().collect();
        let ancestors = self.transitive(&MemberRef::new(MemberKind::Group, group));
        found.extend(ancestors.into_iter().filter(|g| g.id != group));
        found
    }
}
