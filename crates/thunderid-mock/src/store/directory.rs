//! [`Directory`]: the identities the server manages and who may do what: users and their types,
//! groups, roles, resource servers, and the organization units they all live in. One lock for all
//! of it, because the rules span them: deleting a user removes its memberships and role
//! assignments, deleting a unit asks about its users and groups, a token's claims read the user,
//! their groups, their roles and their unit, and deleting a resource drops the role permissions
//! that named it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::groups::{GroupRecord, Groups, MemberRef};
use super::organizations::{UnitError, Units};
use super::resource_servers::ResourceServers;
use super::roles::{RoleRecord, Roles};
use super::user_types::UserTypes;
use super::users::{AttributeError, UserRecord, Users, value_at};
use crate::fixtures::{Fixtures, MemberKind};
use crate::schema::Problem;

/// Users, user types, groups, roles, resource servers and organization units.
#[derive(Debug)]
pub(crate) struct Directory {
    pub(crate) users: Users,
    pub(crate) user_types: UserTypes,
    pub(crate) units: Units,
    pub(crate) groups: Groups,
    pub(crate) roles: Roles,
    pub(crate) resource_servers: ResourceServers,
    /// The resource server permission scopes bind to when a request names none.
    pub(crate) default_resource_server: Option<String>,
    /// The last creation sequence number handed out (lists that are "newest first" sort by it).
    seq: u64,
}

impl Directory {
    /// The directory of a fixture set, created at `now`; self-service may take its users to
    /// `user_bytes`.
    pub(crate) fn from_fixtures(fixtures: &Fixtures, now: u64, user_bytes: usize) -> Self {
        let mut seq = 0;
        let resource_servers = ResourceServers::from_fixtures(fixtures, &mut seq);
        let roles = Roles::from_fixtures(fixtures, &mut seq);
        let mut users = Users::from_fixtures(fixtures);
        users.set_budget(user_bytes);
        Self {
            users,
            user_types: UserTypes::from_fixtures(fixtures),
            units: Units::from_fixtures(fixtures, now),
            groups: Groups::from_fixtures(fixtures),
            roles,
            resource_servers,
            default_resource_server: fixtures.server.default_resource_server.clone(),
            seq,
        }
    }

    /// A fresh creation sequence number.
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Check `attributes` for a user of type `user_type` as the flows and the self-service APIs
    /// do: credentials refused, the schema (types, patterns, required and declared attributes),
    /// then uniqueness against every other user. `exclude` is the user being updated; updates do
    /// not ask for required credentials.
    pub(crate) fn validate_attributes(
        &self,
        user_type: &str,
        attributes: &Map<String, Value>,
        exclude: Option<&str>,
    ) -> Result<(), AttributeError> {
        let user_type = self
            .user_types
            .by_name(user_type)
            .ok_or(AttributeError::UnknownUserType)?;
        let schema = &user_type.schema;
        if let Some(name) = schema.credentials().find(|c| attributes.contains_key(*c)) {
            return Err(AttributeError::Credential {
                attribute: name.to_owned(),
            });
        }
        if let Some((attribute, problem)) = schema.problem(attributes, true) {
            return Err(match problem {
                Problem::Missing => AttributeError::Missing { attribute },
                Problem::Invalid(kind) => {
                    let typed = match attributes.get(&attribute) {
                        Some(Value::String(_)) => kind == "string",
                        Some(Value::Number(_)) => kind == "number",
                        Some(Value::Bool(_)) => kind == "boolean",
                        Some(Value::Object(_)) => kind == "object",
                        Some(Value::Array(_)) => kind == "array",
                        _ => false,
                    };
                    let reason = if typed {
                        "does not match the required pattern".to_owned()
                    } else {
                        format!("must be a {kind}")
                    };
                    AttributeError::Invalid { attribute, reason }
                }
                Problem::Undeclared => AttributeError::Invalid {
                    attribute,
                    reason: "is not in the user type's schema".to_owned(),
                },
            });
        }
        self.check_unique(user_type.name.as_str(), attributes, exclude)
    }

    /// Uniqueness (`validateEntityType`): every unique value present must not be another user's.
    pub(crate) fn check_unique(
        &self,
        user_type: &str,
        attributes: &Map<String, Value>,
        exclude: Option<&str>,
    ) -> Result<(), AttributeError> {
        let Some(user_type) = self.user_types.by_name(user_type) else {
            return Ok(());
        };
        for (path, value) in user_type.schema.unique_values(attributes) {
            if self.users.value_taken(&path, &value, exclude) {
                return Err(AttributeError::NotUnique { attribute: path });
            }
        }
        Ok(())
    }

    /// `DeleteOrganizationUnit`: exists, then no child units, users or groups.
    pub(crate) fn delete_unit(&mut self, id: &str) -> Result<(), UnitError> {
        let has_members = self.users.all().any(|user| user.ou_id == id)
            || self.groups.all().any(|group| group.ou_id == id);
        self.units.delete(id, has_members)
    }

    /// Delete a user with its stored group memberships and role assignments.
    pub(crate) fn delete_user(&mut self, id: &str) -> Option<UserRecord> {
        let user = self.users.remove(id)?;
        self.cascade(&MemberRef::new(MemberKind::User, id));
        Some(user)
    }

    /// Delete a group with its stored role assignments and memberships in other groups.
    pub(crate) fn delete_group(&mut self, id: &str) -> Option<GroupRecord> {
        let group = self.groups.remove(id)?;
        self.cascade(&MemberRef::new(MemberKind::Group, id));
        Some(group)
    }

    /// `CascadeDeleteDependencies` of the group and role services for a deleted member: what a
    /// declarative file lists stays (the composite stores delete from the database only).
    pub(crate) fn cascade(&mut self, member: &MemberRef) {
        self.groups.remove_stored_member(member);
        self.roles.unassign_stored(member);
    }

    /// Drop role permissions that no longer name a resource or action of their server (after a
    /// resource server, resource or action is deleted).
    pub(crate) fn drop_dangling_permissions(&mut self) {
        let servers = &self.resource_servers;
        self.roles
            .retain_permissions(|server, permission| servers.is_permission(server, permission));
    }

    /// Whether a user, agent or group with this id and kind exists (apps live in the registry and
    /// are checked by the caller).
    pub(crate) fn member_exists(&self, member: &MemberRef) -> bool {
        match member.kind {
            MemberKind::User => self.users.get(&member.id).is_some(),
            MemberKind::Group => self.groups.get(&member.id).is_some(),
            MemberKind::App | MemberKind::Agent => false,
        }
    }

    /// The roles held by `entity` directly or through any of its groups, by name.
    pub(crate) fn roles_of(&self, entity: &MemberRef) -> Vec<&RoleRecord> {
        let groups: Vec<MemberRef> = self
            .groups
            .transitive(entity)
            .into_iter()
            .map(|g| MemberRef::new(MemberKind::Group, &g.id))
            .collect();
        let mut roles: Vec<&RoleRecord> = self
            .roles
            .all()
            .filter(|role| {
                role.assignments
                    .iter()
                    .any(|a| a == entity || groups.contains(a))
            })
            .collect();
        roles.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        roles
    }

    /// Whether `entity` holds `permission` on resource server `server` through a role (exact
    /// match: there is no hierarchy in issuance or AuthZEN).
    pub(crate) fn is_authorized(&self, entity: &MemberRef, server: &str, permission: &str) -> bool {
        self.roles_of(entity)
            .iter()
            .any(|role| role.grants(server, permission))
    }

    /// What the AuthorizationExecutor grants `user_id` of `requested` (in request order, once
    /// each): those the user holds through a role on the resource server `identifier` names, else
    /// on the default one; none without a resource server to ask.
    pub(crate) fn granted_permissions(
        &self,
        user_id: &str,
        identifier: &str,
        requested: &[&str],
    ) -> Vec<String> {
        let server = if identifier.is_empty() {
            self.default_resource_server
                .as_deref()
                .and_then(|id| self.resource_servers.get(id))
        } else {
            self.resource_servers.by_identifier(identifier)
        };
        let Some(server) = server else {
            return Vec::new();
        };
        let user = MemberRef::new(MemberKind::User, user_id);
        let mut granted: Vec<String> = Vec::new();
        for permission in requested {
            if !granted.iter().any(|g| g == permission)
                && self.is_authorized(&user, &server.id, permission)
            {
                granted.push((*permission).to_owned());
            }
        }
        granted
    }

    /// The permissions of every role `entity` holds, by resource server (the grant guard's
    /// "effective permissions").
    pub(crate) fn effective_permissions(&self, entity: &MemberRef) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for role in self.roles_of(entity) {
            for (server, permissions) in &role.permissions {
                for permission in permissions {
                    out.push((server.clone(), permission.clone()));
                }
            }
        }
        out
    }

    /// What a user shows as `display`: its type's display attribute when that is a string or a
    /// number, else its id (`GetDisplayValue`).
    pub(crate) fn display_of(&self, user: &UserRecord) -> String {
        let path = self
            .user_types
            .by_name(&user.user_type)
            .and_then(|t| t.display.as_deref());
        match path.and_then(|p| value_at(&user.attributes, p)) {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Number(number)) => number.to_string(),
            _ => user.id.clone(),
        }
    }

    /// Every attribute the server knows for a user: the stored attributes plus the computed ones
    /// (`groups` and `roles` by name, `userType`, `ouId`, `ouName`, `ouHandle`). Empty for an unknown
    /// user.
    pub(crate) fn user_claims(&self, user_id: &str) -> BTreeMap<String, Value> {
        let Some(user) = self.users.get(user_id) else {
            return BTreeMap::new();
        };
        let mut claims: BTreeMap<String, Value> = user
            .attributes
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        let member = MemberRef::new(MemberKind::User, user_id);
        let groups: Vec<Value> = self
            .groups
            .transitive(&member)
            .iter()
            .map(|g| Value::from(g.name.clone()))
            .collect();
        if !groups.is_empty() {
            claims.insert("groups".to_owned(), Value::Array(groups));
        }
        let mut roles: Vec<String> = self
            .roles_of(&member)
            .iter()
            .map(|r| r.name.clone())
            .collect();
        roles.dedup();
        if !roles.is_empty() {
            claims.insert("roles".to_owned(), Value::from(roles));
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::fixtures::Fixtures;
    use crate::store::groups::GroupRecord;
    use crate::store::roles::RoleRecord;

    /// One change an administrator can make, on small id pools so that they collide.
    #[derive(Debug, Clone)]
    enum Op {
        AddUser(u8),
        DeleteUser(u8),
        AddGroup(u8, Vec<(bool, u8)>),
        AddMember(u8, bool, u8),
        DeleteGroup(u8),
        AddRole(u8, Vec<(bool, u8)>),
        DeleteAction(u8),
    }

    fn user_id(n: u8) -> String {
        format!("user-{}", n % 6)
    }

    fn group_id(n: u8) -> String {
        format!("group-{}", n % 4)
    }

    fn member(d: &Directory, (group, n): (bool, u8)) -> Option<MemberRef> {
        let member = if group {
            MemberRef::new(MemberKind::Group, group_id(n))
        } else {
            MemberRef::new(MemberKind::User, user_id(n))
        };
        // The services check existence first; only existing members are ever stored.
        d.member_exists(&member).then_some(member)
    }

    fn apply(d: &mut Directory, op: Op) {
        match op {
            Op::AddUser(n) => {
                let mut user = d.users.all().next().cloned().expect("fixture users");
                user.id = user_id(n);
                d.users.insert(user);
            }
            Op::DeleteUser(n) => {
                d.delete_user(&user_id(n));
            }
            Op::AddGroup(n, members) => {
                let mut group = GroupRecord {
                    id: group_id(n),
                    name: group_id(n),
                    description: String::new(),
                    ou_id: crate::fixtures::DEFAULT_OU_ID.to_owned(),
                    members: Vec::new(),
                    from_file: Vec::new(),
                };
                let members: Vec<_> = members.into_iter().filter_map(|m| member(d, m)).collect();
                group.add(members);
                d.groups.put(group);
            }
            Op::AddMember(n, group, m) => {
                if let Some(member) = member(d, (group, m))
                    && let Some(target) = d.groups.get_mut(&group_id(n))
                {
                    target.add([member]);
                }
            }
            Op::DeleteGroup(n) => {
                d.delete_group(&group_id(n));
            }
            Op::AddRole(n, assignees) => {
                let server = "01900000-0000-7000-8000-000000000021";
                // The role service refuses permissions its resource server does not define.
                if !["booking:read", "booking:write"]
                    .iter()
                    .all(|p| d.resource_servers.is_permission(server, p))
                {
                    return;
                }
                let seq = d.next_seq();
                let mut role = RoleRecord {
                    id: format!("role-{n}"),
                    name: format!("role-{n}"),
                    description: String::new(),
                    ou_id: crate::fixtures::DEFAULT_OU_ID.to_owned(),
                    seq,
                    permissions: vec![(
                        "01900000-0000-7000-8000-000000000021".to_owned(),
                        vec!["booking:read".to_owned(), "booking:write".to_owned()],
                    )],
                    assignments: Vec::new(),
                    from_file: Vec::new(),
                };
                let assignees: Vec<_> =
                    assignees.into_iter().filter_map(|m| member(d, m)).collect();
                role.assign(assignees);
                d.roles.put(role);
            }
            Op::DeleteAction(n) => {
                let server = "01900000-0000-7000-8000-000000000021";
                let actions: Vec<String> = d
                    .resource_servers
                    .resources_under(server, None)
                    .iter()
                    .flat_map(|r| d.resource_servers.actions_at(server, Some(&r.id)))
                    .map(|a| a.id.clone())
                    .collect();
                if let Some(id) = actions.get(usize::from(n) % actions.len().max(1)) {
                    d.resource_servers.remove_action(id);
                    d.drop_dangling_permissions();
                }
            }
        }
    }

    fn op() -> impl Strategy<Value = Op> {
        let members = prop::collection::vec((any::<bool>(), any::<u8>()), 0..4);
        prop_oneof![
            any::<u8>().prop_map(Op::AddUser),
            any::<u8>().prop_map(Op::DeleteUser),
            (any::<u8>(), members.clone()).prop_map(|(n, m)| Op::AddGroup(n, m)),
            (any::<u8>(), any::<bool>(), any::<u8>()).prop_map(|(n, g, m)| Op::AddMember(n, g, m)),
            any::<u8>().prop_map(Op::DeleteGroup),
            (any::<u8>(), members).prop_map(|(n, m)| Op::AddRole(n, m)),
            any::<u8>().prop_map(Op::DeleteAction),
        ]
    }

    proptest! {
        /// Whatever an administrator does, no membership or assignment points at something gone,
        /// no role grants a permission its resource server no longer defines, and claims never
        /// name a group or role that does not exist.
        #[test]
        fn any_sequence_of_changes_leaves_no_dangling_reference(ops in prop::collection::vec(op(), 0..40)) {
            let fixtures = Fixtures::bundled();
            let mut d = Directory::from_fixtures(&fixtures, 0, crate::config::Limits::USER_BYTES);
            for op in ops {
                apply(&mut d, op);
            }
            for group in d.groups.all() {
                for member in &group.members {
                    prop_assert!(d.member_exists(member), "{} has a dangling member {member:?}", group.id);
                }
            }
            for role in d.roles.all() {
                for assignee in &role.assignments {
                    let app = assignee.kind == MemberKind::App;
                    prop_assert!(app || d.member_exists(assignee), "{} names {assignee:?}", role.id);
                }
                for (server, permissions) in &role.permissions {
                    prop_assert!(!permissions.is_empty());
                    for permission in permissions {
                        prop_assert!(d.resource_servers.is_permission(server, permission));
                    }
                }
            }
            for user in d.users.all() {
                let claims = d.user_claims(&user.id);
                for name in claims.get("groups").and_then(Value::as_array).into_iter().flatten() {
                    prop_assert!(d.groups.all().any(|g| Some(g.name.as_str()) == name.as_str()));
                }
                for name in claims.get("roles").and_then(Value::as_array).into_iter().flatten() {
                    prop_assert!(d.roles.all().any(|r| Some(r.name.as_str()) == name.as_str()));
                }
            }
        }
    }

    #[test]
    fn roles_reach_members_through_nested_groups() {
        let fixtures = Fixtures::bundled();
        let mut d = Directory::from_fixtures(&fixtures, 0, crate::config::Limits::USER_BYTES);
        let thor = MemberRef::new(MemberKind::User, crate::bundled::THOR.id);
        let booking = "01900000-0000-7000-8000-000000000021";
        assert!(d.is_authorized(&thor, booking, "booking:write"));
        // staff's editor role goes with staff.
        d.delete_group("01900000-0000-7000-8000-000000000042");
        assert!(!d.is_authorized(&thor, booking, "booking:write"));
        // Avengers inside Administrators: thor now holds `system` (exactly, no hierarchy).
        let avengers = MemberRef::new(MemberKind::Group, "01900000-0000-7000-8000-000000000041");
        if let Some(admins) = d.groups.get_mut("01900000-0000-7000-8000-000000000040") {
            admins.add([avengers]);
        }
        let system = "01900000-0000-7000-8000-000000000020";
        assert!(d.is_authorized(&thor, system, "system"));
        assert!(!d.is_authorized(&thor, system, "system:ou"));
        let claims = d.user_claims(crate::bundled::THOR.id);
        assert_eq!(
            claims["groups"],
            serde_json::json!(["Administrators", "Avengers"])
        );
        assert_eq!(claims["roles"], serde_json::json!(["Administrator"]));
    }
}
