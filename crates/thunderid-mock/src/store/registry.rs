//! [`Registry`]: what the server is configured with: its applications and agents, flow graphs and
//! server configuration sections. Read on every request, changed rarely, so it is published as immutable
//! snapshots ([`super::locked::Snapshots`]): a request works on one consistent version from start to
//! end, and a change (the configuration APIs, `/import`) publishes a whole new version or nothing.

use std::collections::HashMap;
use std::sync::Arc;

use thunderid_protocol::flow::{FlowDefinition, FlowType, InterceptorDefinition, NodeDefinition};

use super::agents::Agents;
use super::server_config::ServerConfig;
use crate::fixtures::{ApplicationFixture, Fixtures, MemberKind};
use crate::graph;

/// What an added application collides with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Taken {
    Id,
    Name,
    ClientId,
}

/// One version of the configuration.
#[derive(Debug, Clone, Default)]
pub(crate) struct Registry {
    applications: Vec<Arc<ApplicationFixture>>,
    by_id: HashMap<String, usize>,
    by_client_id: HashMap<String, usize>,
    /// The active version of each flow, in creation order.
    flows: Vec<FlowDefinition>,
    /// Each mutable flow's kept versions, oldest first (read-only flows have none).
    flow_versions: HashMap<String, Vec<FlowVersion>>,
    pub(crate) server_config: ServerConfig,
    /// The agents: entities with an optional OAuth client, sharing the client ID namespace.
    pub(crate) agents: Agents,
}

/// One kept version of a flow (`FLOW_VERSION`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FlowVersion {
    pub version: u32,
    /// `YYYY-MM-DD HH:MM:SS`, as the server's default store writes it.
    pub created_at: String,
    pub interceptors: Vec<InterceptorDefinition>,
    pub nodes: Vec<NodeDefinition>,
}

impl Registry {
    /// The configuration of a (validated) fixture set. Fixture flows are stored flows at version 1
    /// created at `now` (as the bootstrap creates them), unless they say they are read-only.
    pub(crate) fn from_fixtures(fixtures: &Fixtures, now: u64) -> Self {
        let stamp = sql_datetime(now);
        let mut registry = Self {
            server_config: ServerConfig::from_fixtures(fixtures),
            ..Self::default()
        };
        for flow in &fixtures.flows {
            let mut flow = flow.clone();
            if flow.is_read_only == Some(true) {
                flow.active_version = Some(1);
                flow.created_at = None;
                flow.updated_at = None;
            } else {
                flow.is_read_only = Some(false);
                flow.active_version = Some(flow.active_version.unwrap_or(1));
                flow.created_at.get_or_insert_with(|| stamp.clone());
                flow.updated_at.get_or_insert_with(|| stamp.clone());
                registry.flow_versions.insert(
                    flow.id.as_str().to_owned(),
                    vec![FlowVersion {
                        version: flow.active_version.unwrap_or(1),
                        created_at: flow.created_at.clone().unwrap_or_default(),
                        interceptors: flow.interceptors.clone(),
                        nodes: flow.nodes.clone(),
                    }],
                );
            }
            registry.flows.push(flow);
        }
        for app in &fixtures.applications {
            registry.insert_application(app.clone());
        }
        registry
    }

    fn insert_application(&mut self, app: ApplicationFixture) {
        let index = self.applications.len();
        self.by_id.insert(app.id.clone(), index);
        if let Some(oauth) = &app.oauth {
            self.by_client_id.insert(oauth.client_id.clone(), index);
        }
        self.applications.push(Arc::new(app));
    }

    /// Add an application, or replace the one with its id.
    pub(crate) fn put_application(&mut self, app: ApplicationFixture) {
        match self.by_id.get(&app.id) {
            Some(&index) => {
                self.applications[index] = Arc::new(app);
                self.reindex();
            }
            None => self.insert_application(app),
        }
    }

    /// Remove an application.
    pub(crate) fn remove_application(&mut self, id: &str) -> Option<Arc<ApplicationFixture>> {
        let index = *self.by_id.get(id)?;
        let removed = self.applications.remove(index);
        self.reindex();
        Some(removed)
    }

    fn reindex(&mut self) {
        self.by_id.clear();
        self.by_client_id.clear();
        for (index, app) in self.applications.iter().enumerate() {
            self.by_id.insert(app.id.clone(), index);
            if let Some(oauth) = &app.oauth {
                self.by_client_id.insert(oauth.client_id.clone(), index);
            }
        }
    }

    /// Add an application at run time (dynamic client registration), refusing one whose id, name
    /// or `client_id` another application has. Call it inside [`super::locked::Snapshots::update`],
    /// so the check and the add are one step and a refusal publishes nothing.
    pub(crate) fn add_application(&mut self, app: ApplicationFixture) -> Result<(), Taken> {
        if self.by_id.contains_key(&app.id) {
            return Err(Taken::Id);
        }
        if self.is_name_taken(&app.name) {
            return Err(Taken::Name);
        }
        let client_id = app.oauth.as_ref().map(|o| o.client_id.as_str());
        if client_id.is_some_and(|id| self.is_client_id_taken(id)) {
            return Err(Taken::ClientId);
        }
        self.insert_application(app);
        Ok(())
    }

    /// Whether an application or an agent already has this name: an application's name is looked
    /// up in the entity index, which holds agents too.
    pub(crate) fn is_name_taken(&self, name: &str) -> bool {
        self.applications.iter().any(|app| app.name == name) || self.agents.name_taken(name, None)
    }

    /// Whether an application or an agent holds this client ID.
    pub(crate) fn is_client_id_taken(&self, client_id: &str) -> bool {
        self.by_client_id.contains_key(client_id) || self.agents.by_client_id(client_id).is_some()
    }

    /// The OAuth client of an application or an agent, with its kind: what the token endpoint
    /// authenticates.
    pub(crate) fn client_by_client_id(
        &self,
        client_id: &str,
    ) -> Option<(MemberKind, &Arc<ApplicationFixture>)> {
        if let Some(app) = self.application_by_client_id(client_id) {
            return Some((MemberKind::App, app));
        }
        let agent = self.agents.by_client_id(client_id)?;
        agent.client.as_ref().map(|c| (MemberKind::Agent, c))
    }

    /// The application with this id.
    pub(crate) fn application(&self, id: &str) -> Option<&Arc<ApplicationFixture>> {
        self.by_id.get(id).map(|&i| &self.applications[i])
    }

    /// The application whose OAuth profile has this `client_id`.
    pub(crate) fn application_by_client_id(
        &self,
        client_id: &str,
    ) -> Option<&Arc<ApplicationFixture>> {
        self.by_client_id
            .get(client_id)
            .map(|&i| &self.applications[i])
    }

    /// Every application, in configuration order.
    pub(crate) fn applications(&self) -> impl Iterator<Item = &Arc<ApplicationFixture>> {
        self.applications.iter()
    }

    /// Every flow, in creation order.
    pub(crate) fn flows(&self) -> &[FlowDefinition] {
        &self.flows
    }

    /// The kept versions of a flow, oldest first.
    pub(crate) fn flow_versions(&self, id: &str) -> &[FlowVersion] {
        self.flow_versions.get(id).map_or(&[], Vec::as_slice)
    }

    /// Store `flow` as the active version (a new flow is added last) and keep it as a version,
    /// dropping the oldest beyond `max_versions`.
    pub(crate) fn put_flow(&mut self, flow: FlowDefinition, max_versions: usize) {
        let id = flow.id.as_str().to_owned();
        let versions = self.flow_versions.entry(id.clone()).or_default();
        versions.push(FlowVersion {
            version: flow.active_version.unwrap_or(1),
            created_at: flow.updated_at.clone().unwrap_or_default(),
            interceptors: flow.interceptors.clone(),
            nodes: flow.nodes.clone(),
        });
        let excess = versions.len().saturating_sub(max_versions.max(1));
        versions.drain(..excess);
        match self.flows.iter_mut().find(|f| f.id.as_str() == id) {
            Some(slot) => *slot = flow,
            None => self.flows.push(flow),
        }
    }

    /// Make a stored flow read-only, as a declarative file's flow is: version 1, no history,
    /// no timestamps (as a read-only fixture flow).
    pub(crate) fn make_read_only(&mut self, id: &str) {
        if let Some(flow) = self.flows.iter_mut().find(|f| f.id.as_str() == id) {
            flow.is_read_only = Some(true);
            flow.active_version = Some(1);
            flow.created_at = None;
            flow.updated_at = None;
            self.flow_versions.remove(id);
        }
    }

    /// Remove a flow and its versions.
    pub(crate) fn remove_flow(&mut self, id: &str) -> Option<FlowDefinition> {
        let index = self.flows.iter().position(|f| f.id.as_str() == id)?;
        self.flow_versions.remove(id);
        Some(self.flows.remove(index))
    }

    /// The flow with this id.
    pub(crate) fn flow(&self, id: &str) -> Option<&FlowDefinition> {
        graph::find_by_id(&self.flows, id)
    }

    /// The flow with this handle and type.
    pub(crate) fn flow_by_handle(
        &self,
        handle: &str,
        flow_type: &FlowType,
    ) -> Option<&FlowDefinition> {
        graph::find_by_handle(&self.flows, handle, flow_type)
    }

    /// The application's flow of this type; a missing AUTHENTICATION flow falls back to
    /// `default-flow`. ADMINISTRATION runs the application's authentication flow.
    pub(crate) fn app_flow(
        &self,
        app: &ApplicationFixture,
        flow_type: &FlowType,
    ) -> Option<&FlowDefinition> {
        let handle = app.flow_handle(flow_type)?;
        let lookup_type = if flow_type == &FlowType::Administration {
            &FlowType::Authentication
        } else {
            flow_type
        };
        self.flow_by_handle(handle, lookup_type).or_else(|| {
            (lookup_type == &FlowType::Authentication)
                .then(|| self.flow_by_handle("default-flow", lookup_type))?
        })
    }
}

/// `YYYY-MM-DD HH:MM:SS` (UTC): how the server's default (SQLite) store returns its timestamps.
pub(crate) fn sql_datetime(seconds: u64) -> String {
    super::organizations::rfc3339(seconds)
        .trim_end_matches('Z')
        .replacen('T', " ", 1)
}
