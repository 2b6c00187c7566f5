//! Agents (`backend/internal/agent/`): entities of category `agent`, each with its agent type's
//! attributes, an owner, and optionally an inbound client (flows, design, assertion and the OAuth
//! client it gets tokens with). They live in the [`super::registry::Registry`] beside the
//! applications because the two share one namespace of client IDs (and applications one of names
//! with them), and the token endpoint finds either by client ID in the same version.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::Value;
use thunderid_protocol::applications::Application;

use crate::fixtures::ApplicationFixture;

/// A stored agent.
#[derive(Debug, Clone)]
pub(crate) struct AgentRecord {
    pub id: String,
    pub ou_id: String,
    /// The agent type's name.
    pub agent_type: String,
    pub name: String,
    pub description: String,
    pub owner: String,
    /// The agent type's attributes, as given (`null` when none were sent).
    pub attributes: Option<Value>,
    /// The OAuth client ID (empty without an OAuth profile).
    pub client_id: String,
    /// The inbound client, in the application API's model with the server's defaults filled in
    /// (the logo URL is its property, so an agent without one keeps no logo, as on the server).
    pub inbound: Option<Application>,
    /// The OAuth client the token endpoint authenticates (with the secret), when there is one.
    pub client: Option<Arc<ApplicationFixture>>,
}

impl AgentRecord {
    pub(crate) fn logo_url(&self) -> &str {
        self.inbound.as_ref().map_or("", |i| i.logo_url.as_str())
    }
}

/// Every agent by id (ids are UUIDv7, so this is creation order, as the server lists them), and
/// the agent of each client ID.
#[derive(Debug, Clone, Default)]
pub(crate) struct Agents {
    agents: BTreeMap<String, Arc<AgentRecord>>,
    by_client_id: HashMap<String, String>,
}

impl Agents {
    pub(crate) fn get(&self, id: &str) -> Option<&Arc<AgentRecord>> {
        self.agents.get(id)
    }

    pub(crate) fn all(&self) -> impl Iterator<Item = &Arc<AgentRecord>> {
        self.agents.values()
    }

    /// The agents `user` owns, each restricting the user's deletion, as `getAgentsByOwner` finds
    /// them in one page of the agent list: `None` when that list fails, past
    /// [`MAX_COMPOSITE_RECORDS`](super::declared::MAX_COMPOSITE_RECORDS) agents (the entity store
    /// is composite in every mode).
    pub(crate) fn owned_by(&self, user: &str) -> Option<Vec<&Arc<AgentRecord>>> {
        if self.agents.len() > super::declared::MAX_COMPOSITE_RECORDS {
            return None;
        }
        Some(self.agents.values().filter(|a| a.owner == user).collect())
    }

    /// The agent holding this client ID.
    pub(crate) fn by_client_id(&self, client_id: &str) -> Option<&Arc<AgentRecord>> {
        self.by_client_id
            .get(client_id)
            .and_then(|id| self.agents.get(id))
    }

    /// Whether another agent than `except` has this name.
    pub(crate) fn name_taken(&self, name: &str, except: Option<&str>) -> bool {
        self.agents
            .values()
            .any(|a| a.name == name && Some(a.id.as_str()) != except)
    }

    /// Add or replace an agent. The caller has checked its name and client ID.
    pub(crate) fn put(&mut self, agent: AgentRecord) {
        self.remove(&agent.id);
        if !agent.client_id.is_empty() {
            self.by_client_id
                .insert(agent.client_id.clone(), agent.id.clone());
        }
        self.agents.insert(agent.id.clone(), Arc::new(agent));
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<Arc<AgentRecord>> {
        let removed = self.agents.remove(id)?;
        if !removed.client_id.is_empty() {
            self.by_client_id.remove(&removed.client_id);
        }
        Some(removed)
    }
}
