//! Resource servers, their resources (a tree) and actions (on the server or on a resource), each
//! with the permission string it defines ([`crate::permission`]).

use std::collections::BTreeMap;

use crate::fixtures::{ActionFixture, Fixtures, ResourceFixture};
use crate::ids::derived_uuid;
use crate::permission;

/// A stored resource server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServerRecord {
    pub id: String,
    pub name: String,
    /// Empty when there is none.
    pub description: String,
    pub identifier: String,
    /// `API`, `MCP` or `CUSTOM`.
    pub kind: String,
    pub ou_id: String,
    pub delimiter: String,
    pub seq: u64,
}

/// A stored resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResourceRecord {
    pub id: String,
    pub server: String,
    pub name: String,
    pub handle: String,
    pub description: String,
    /// The parent resource's id; `None` at the top level.
    pub parent: Option<String>,
    pub permission: String,
    pub seq: u64,
}

/// A stored action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActionRecord {
    pub id: String,
    pub server: String,
    /// The resource it acts on; `None` for the server's own actions.
    pub resource: Option<String>,
    pub name: String,
    pub handle: String,
    pub description: String,
    pub permission: String,
    /// `tool` or `resource`; empty when unset.
    pub kind: String,
    pub seq: u64,
}

/// All resource servers, resources and actions.
#[derive(Debug, Default)]
pub(crate) struct ResourceServers {
    servers: BTreeMap<String, ServerRecord>,
    resources: BTreeMap<String, ResourceRecord>,
    actions: BTreeMap<String, ActionRecord>,
}

impl ResourceServers {
    pub(crate) fn from_fixtures(fixtures: &Fixtures, next_seq: &mut u64) -> Self {
        let mut store = Self::default();
        for server in &fixtures.resource_servers {
            *next_seq += 1;
            let record = ServerRecord {
                id: server.id.clone(),
                name: server.name.clone(),
                description: server.description.clone().unwrap_or_default(),
                identifier: server.identifier.clone(),
                kind: server.kind.clone().unwrap_or_else(|| "CUSTOM".to_owned()),
                ou_id: server.ou_id.clone(),
                delimiter: server
                    .delimiter
                    .clone()
                    .unwrap_or_else(|| permission::DEFAULT_DELIMITER.to_owned()),
                seq: *next_seq,
            };
            let tree = Tree {
                server: &record.id,
                delimiter: &record.delimiter,
            };
            store.servers.insert(record.id.clone(), record.clone());
            tree.load(
                &mut store,
                None,
                &server.resources,
                &server.actions,
                next_seq,
            );
        }
        store
    }

    pub(crate) fn get(&self, id: &str) -> Option<&ServerRecord> {
        self.servers.get(id)
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut ServerRecord> {
        self.servers.get_mut(id)
    }

    pub(crate) fn by_identifier(&self, identifier: &str) -> Option<&ServerRecord> {
        self.servers.values().find(|s| s.identifier == identifier)
    }

    pub(crate) fn newest_first(&self) -> Vec<&ServerRecord> {
        newest_first(self.servers.values())
    }

    pub(crate) fn name_taken(&self, name: &str, except: Option<&str>) -> bool {
        self.servers
            .values()
            .any(|s| s.name == name && Some(s.id.as_str()) != except)
    }

    pub(crate) fn identifier_taken(&self, identifier: &str, except: Option<&str>) -> bool {
        self.servers
            .values()
            .any(|s| s.identifier == identifier && Some(s.id.as_str()) != except)
    }

    pub(crate) fn put_server(&mut self, record: ServerRecord) {
        self.servers.insert(record.id.clone(), record);
    }

    /// Remove a server that has no resources and no actions.
    pub(crate) fn remove_server(&mut self, id: &str) -> Option<ServerRecord> {
        self.servers.remove(id)
    }

    /// Whether the server has any resource or any server-level action.
    pub(crate) fn has_dependents(&self, server: &str) -> bool {
        self.resources.values().any(|r| r.server == server)
            || self
                .actions
                .values()
                .any(|a| a.server == server && a.resource.is_none())
    }

    pub(crate) fn resource(&self, server: &str, id: &str) -> Option<&ResourceRecord> {
        self.resources.get(id).filter(|r| r.server == server)
    }

    pub(crate) fn resource_mut(&mut self, server: &str, id: &str) -> Option<&mut ResourceRecord> {
        self.resources.get_mut(id).filter(|r| r.server == server)
    }

    /// The resources of `server` under `parent` (`None`: the top level), newest first.
    pub(crate) fn resources_under(
        &self,
        server: &str,
        parent: Option<&str>,
    ) -> Vec<&ResourceRecord> {
        newest_first(
            self.resources
                .values()
                .filter(|r| r.server == server && r.parent.as_deref() == parent),
        )
    }

    /// Every resource of `server`, at any depth.
    pub(crate) fn resources_of(&self, server: &str) -> Vec<&ResourceRecord> {
        self.resources
            .values()
            .filter(|r| r.server == server)
            .collect()
    }

    /// The server's resource with this handle (the first, when parents differ).
    pub(crate) fn resource_by_handle(&self, server: &str, handle: &str) -> Option<&ResourceRecord> {
        self.resources
            .values()
            .find(|r| r.server == server && r.handle == handle)
    }

    /// Whether a resource has child resources or actions.
    pub(crate) fn resource_has_dependents(&self, id: &str) -> bool {
        self.resources
            .values()
            .any(|r| r.parent.as_deref() == Some(id))
            || self
                .actions
                .values()
                .any(|a| a.resource.as_deref() == Some(id))
    }

    pub(crate) fn put_resource(&mut self, record: ResourceRecord) {
        self.resources.insert(record.id.clone(), record);
    }

    pub(crate) fn remove_resource(&mut self, id: &str) -> Option<ResourceRecord> {
        self.resources.remove(id)
    }

    /// An action of `server`, on `resource` (`None`: a server-level action).
    pub(crate) fn action(
        &self,
        server: &str,
        resource: Option<&str>,
        id: &str,
    ) -> Option<&ActionRecord> {
        self.actions
            .get(id)
            .filter(|a| a.server == server && a.resource.as_deref() == resource)
    }

    pub(crate) fn action_mut(
        &mut self,
        server: &str,
        resource: Option<&str>,
        id: &str,
    ) -> Option<&mut ActionRecord> {
        self.actions
            .get_mut(id)
            .filter(|a| a.server == server && a.resource.as_deref() == resource)
    }

    /// The actions at one level, newest first.
    pub(crate) fn actions_at(&self, server: &str, resource: Option<&str>) -> Vec<&ActionRecord> {
        newest_first(
            self.actions
                .values()
                .filter(|a| a.server == server && a.resource.as_deref() == resource),
        )
    }

    pub(crate) fn put_action(&mut self, record: ActionRecord) {
        self.actions.insert(record.id.clone(), record);
    }

    pub(crate) fn remove_action(&mut self, id: &str) -> Option<ActionRecord> {
        self.actions.remove(id)
    }

    /// `ValidatePermissions` for one string: the permission of some resource or action of `server`.
    pub(crate) fn is_permission(&self, server: &str, permission: &str) -> bool {
        self.resources
            .values()
            .any(|r| r.server == server && r.permission == permission)
            || self
                .actions
                .values()
                .any(|a| a.server == server && a.permission == permission)
    }
}

/// Records sorted newest first.
fn newest_first<'a, T: HasSeq + 'a>(items: impl Iterator<Item = &'a T>) -> Vec<&'a T> {
    let mut items: Vec<&T> = items.collect();
    items.sort_by_key(|item| std::cmp::Reverse(item.seq()));
    items
}

trait HasSeq {
    fn seq(&self) -> u64;
}

impl HasSeq for ServerRecord {
    fn seq(&self) -> u64 {
        self.seq
    }
}

impl HasSeq for ResourceRecord {
    fn seq(&self) -> u64 {
        self.seq
    }
}

impl HasSeq for ActionRecord {
    fn seq(&self) -> u64 {
        self.seq
    }
}

/// Loads a fixture tree of one server.
struct Tree<'a> {
    server: &'a str,
    delimiter: &'a str,
}

impl Tree<'_> {
    fn load(
        &self,
        store: &mut ResourceServers,
        parent: Option<(&str, &str)>,
        resources: &[ResourceFixture],
        actions: &[ActionFixture],
        next_seq: &mut u64,
    ) {
        let (parent_id, parent_permission) = parent.unzip();
        for action in actions {
            *next_seq += 1;
            let permission = permission::derive(parent_permission, self.delimiter, &action.handle);
            let id = action
                .id
                .clone()
                .unwrap_or_else(|| derived_uuid(&format!("{}/action/{permission}", self.server)));
            store.put_action(ActionRecord {
                id,
                server: self.server.to_owned(),
                resource: parent_id.map(str::to_owned),
                name: action.name.clone(),
                handle: action.handle.clone(),
                description: action.description.clone().unwrap_or_default(),
                permission,
                kind: action.kind.clone().unwrap_or_default(),
                seq: *next_seq,
            });
        }
        for resource in resources {
            *next_seq += 1;
            let permission =
                permission::derive(parent_permission, self.delimiter, &resource.handle);
            let id = resource
                .id
                .clone()
                .unwrap_or_else(|| derived_uuid(&format!("{}/resource/{permission}", self.server)));
            store.put_resource(ResourceRecord {
                id: id.clone(),
                server: self.server.to_owned(),
                name: resource.name.clone(),
                handle: resource.handle.clone(),
                description: resource.description.clone().unwrap_or_default(),
                parent: parent_id.map(str::to_owned),
                permission: permission.clone(),
                seq: *next_seq,
            });
            self.load(
                store,
                Some((&id, &permission)),
                &resource.resources,
                &resource.actions,
                next_seq,
            );
        }
    }
}
