//! Roles: permissions on resource servers, assigned to users, apps, agents and groups.

use std::collections::BTreeMap;

use super::groups::MemberRef;
use crate::fixtures::Fixtures;

/// A stored role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoleRecord {
    pub id: String,
    pub name: String,
    /// Empty when there is none.
    pub description: String,
    pub ou_id: String,
    /// Creation order: lists are newest first.
    pub seq: u64,
    /// Permissions by resource server id, both in insertion order; no empty lists.
    pub permissions: Vec<(String, Vec<String>)>,
    /// Each assignee once, in the order assigned.
    pub assignments: Vec<MemberRef>,
    /// Those of `assignments` a declarative file lists, in its order (the server's file store);
    /// empty for a stored role. The API and the delete cascades change the others only.
    pub from_file: Vec<MemberRef>,
}

impl RoleRecord {
    /// Whether the role grants `permission` on resource server `server` (exactly: issuance and
    /// AuthZEN have no hierarchy).
    pub(crate) fn grants(&self, server: &str, permission: &str) -> bool {
        self.permissions
            .iter()
            .any(|(s, perms)| s == server && perms.iter().any(|p| p == permission))
    }

    /// The assignments the database holds: those no declarative file lists.
    pub(crate) fn stored_assignments(&self) -> impl Iterator<Item = &MemberRef> {
        self.assignments
            .iter()
            .filter(|a| !self.from_file.contains(a))
    }

    /// Assign, skipping those already assigned.
    pub(crate) fn assign(&mut self, assignees: impl IntoIterator<Item = MemberRef>) {
        for assignee in assignees {
            if !self.assignments.contains(&assignee) {
                self.assignments.push(assignee);
            }
        }
    }
}

/// All roles, by id.
#[derive(Debug, Default)]
pub(crate) struct Roles {
    roles: BTreeMap<String, RoleRecord>,
}

impl Roles {
    /// The fixture roles; `next_seq` numbers them in file order.
    pub(crate) fn from_fixtures(fixtures: &Fixtures, next_seq: &mut u64) -> Self {
        let roles = fixtures
            .roles
            .iter()
            .map(|r| {
                *next_seq += 1;
                let mut record = RoleRecord {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    description: r.description.clone().unwrap_or_default(),
                    ou_id: r.ou_id.clone(),
                    seq: *next_seq,
                    permissions: group_permissions(
                        r.permissions
                            .iter()
                            .map(|p| (p.resource_server_id.clone(), p.permissions.clone())),
                    ),
                    assignments: Vec::new(),
                    from_file: Vec::new(),
                };
                record.assign(r.assignments.iter().map(|a| MemberRef::new(a.kind, &a.id)));
                (r.id.clone(), record)
            })
            .collect();
        Self { roles }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&RoleRecord> {
        self.roles.get(id)
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut RoleRecord> {
        self.roles.get_mut(id)
    }

    pub(crate) fn all(&self) -> impl Iterator<Item = &RoleRecord> {
        self.roles.values()
    }

    /// Newest first (the list's order).
    pub(crate) fn newest_first(&self) -> Vec<&RoleRecord> {
        let mut roles: Vec<_> = self.roles.values().collect();
        roles.sort_by_key(|r| std::cmp::Reverse(r.seq));
        roles
    }

    pub(crate) fn name_taken(&self, ou_id: &str, name: &str, except: Option<&str>) -> bool {
        self.roles
            .values()
            .any(|r| r.ou_id == ou_id && r.name == name && Some(r.id.as_str()) != except)
    }

    pub(crate) fn put(&mut self, record: RoleRecord) {
        self.roles.insert(record.id.clone(), record);
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<RoleRecord> {
        self.roles.remove(id)
    }

    /// Remove `assignee`'s stored assignments from every role: the composite store's
    /// `DeleteAssignmentsByAssignee` deletes the database's only, so a declarative role keeps
    /// the assignments its file lists.
    pub(crate) fn unassign_stored(&mut self, assignee: &MemberRef) {
        for role in self.roles.values_mut() {
            if !role.from_file.contains(assignee) {
                role.assignments.retain(|a| a != assignee);
            }
        }
    }

    /// Keep only the permissions `valid` accepts (resource server id, permission); a server whose
    /// list empties is dropped (`CascadeDeleteDependencies`).
    pub(crate) fn retain_permissions(&mut self, valid: impl Fn(&str, &str) -> bool) {
        for role in self.roles.values_mut() {
            for (server, permissions) in &mut role.permissions {
                permissions.retain(|p| valid(server, p));
            }
            role.permissions
                .retain(|(_, permissions)| !permissions.is_empty());
        }
    }
}

/// Permissions as the store keeps them: grouped by resource server in first-seen order, each list in
/// insertion order without repeats; empty lists are not stored.
pub(crate) fn group_permissions(
    entries: impl IntoIterator<Item = (String, Vec<String>)>,
) -> Vec<(String, Vec<String>)> {
    let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
    for (server, permissions) in entries {
        if permissions.is_empty() {
            continue;
        }
        let index = match grouped.iter().position(|(s, _)| *s == server) {
            Some(index) => index,
            None => {
                grouped.push((server, Vec::new()));
                grouped.len() - 1
            }
        };
        for permission in permissions {
            if !grouped[index].1.contains(&permission) {
                grouped[index].1.push(permission);
            }
        }
    }
    grouped
}
