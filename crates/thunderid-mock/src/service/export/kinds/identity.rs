//! The identity kinds: groups, roles, organization units, resource servers, users and user
//! types.

use super::{Exported, with_rules};
use crate::service::access::Caller;
use crate::service::export::node::{Fields, Node};
use crate::service::organizations::units;
use crate::service::users::{manage, user_types};
use crate::service::{groups, roles};
use crate::state::AppState;

/// `groupDeclarativeResource`: members as `{id, type}`.
pub(super) fn group(state: &AppState, caller: &Caller, id: &str) -> Option<Exported> {
    let group = Node::of(&groups::get(state, caller, id, None).ok()?);
    let mut members = Vec::new();
    loop {
        let query = format!("limit=100&offset={}", members.len());
        let page = groups::list_members(state, caller, id, Some(&query)).ok()?;
        let page = Node::of(&page);
        let Some(Node::Seq(items)) = page.get("members").cloned() else {
            break;
        };
        if items.is_empty() {
            break;
        }
        members.extend(items.iter().map(member_ref));
    }
    let node = Fields::new()
        .copy(&group, "id", Node::str(""))
        .copy(&group, "name", Node::str(""))
        .copy_opt(&group, "description")
        .copy_opt(&group, "ouId")
        .opt("members", Node::Seq(members))
        .build();
    Some(with_rules(node, group.text("name")))
}

fn member_ref(member: &Node) -> Node {
    Fields::new()
        .copy(member, "id", Node::str(""))
        .copy(member, "type", Node::str(""))
        .build()
}

/// `roleDeclarativeResource`: permissions always, assignments as `{id, type}`.
pub(super) fn role(state: &AppState, id: &str) -> Option<Exported> {
    let role = Node::of(&roles::get(state, id).ok()?);
    let mut assignments = Vec::new();
    loop {
        let query = format!("limit=100&offset={}", assignments.len());
        let page = Node::of(&roles::list_assignments(state, id, Some(&query)).ok()?);
        let Some(Node::Seq(items)) = page.get("assignments").cloned() else {
            break;
        };
        if items.is_empty() {
            break;
        }
        assignments.extend(items.iter().map(member_ref));
    }
    let permissions = match role.get("permissions") {
        Some(Node::Seq(items)) => Node::Seq(
            items
                .iter()
                .map(|p| {
                    Fields::new()
                        .copy(p, "resourceServerId", Node::str(""))
                        .copy(p, "permissions", Node::Seq(Vec::new()))
                        .build()
                })
                .collect(),
        ),
        _ => Node::Seq(Vec::new()),
    };
    let node = Fields::new()
        .copy(&role, "id", Node::str(""))
        .copy(&role, "name", Node::str(""))
        .copy_opt(&role, "description")
        .copy_opt(&role, "ouId")
        .put("permissions", permissions)
        .opt("assignments", Node::Seq(assignments))
        .build();
    Some(with_rules(node, role.text("name")))
}

/// `providers.OrganizationUnit`: `parent` always (null at the top); its `time.Time` timestamps
/// have no exported fields, so the parameterizer writes them as empty mappings.
pub(super) fn unit(state: &AppState, caller: &Caller, id: &str) -> Option<Exported> {
    let unit = Node::of(&units::get_unit(state, caller, id).ok()?);
    let mut fields = Fields::new()
        .copy(&unit, "id", Node::str(""))
        .copy(&unit, "handle", Node::str(""))
        .copy(&unit, "name", Node::str(""))
        .copy_opt(&unit, "description")
        .copy(&unit, "parent", Node::Null);
    for key in ["themeId", "layoutId", "authFlowId", "registrationFlowId"] {
        fields = fields.copy_opt(&unit, key);
    }
    fields = fields
        .copy(&unit, "isRegistrationFlowEnabled", Node::Bool(false))
        .copy_opt(&unit, "recoveryFlowId")
        .copy(&unit, "isRecoveryFlowEnabled", Node::Bool(false));
    for key in [
        "signOutFlowId",
        "userOnboardingFlowId",
        "logoUrl",
        "tosUri",
        "policyUri",
        "cookiePolicyUri",
    ] {
        fields = fields.copy_opt(&unit, key);
    }
    let node = fields
        .put("createdAt", Node::Map(Vec::new()))
        .put("updatedAt", Node::Map(Vec::new()))
        .build();
    Some(with_rules(node, unit.text("name")))
}

/// `providers.ResourceServer` with its resources (parents by handle, each with its actions);
/// the server's own actions are not exported (`GetActionList` per resource). No rules: yaml.v3.
/// `None` when those reads fail past the composite limit
/// ([`export_fails`](crate::service::resources::export_fails)).
pub(super) fn resource_server(state: &AppState, id: &str) -> Option<Exported> {
    state.stores().directory.read(|d| {
        let rs = &d.resource_servers;
        let server = rs.get(id)?;
        if crate::service::resources::export_fails(state, rs, id) {
            return None;
        }
        let mut resources = Vec::new();
        let mut stack: Vec<&crate::store::resource_servers::ResourceRecord> =
            rs.resources_under(id, None).into_iter().rev().collect();
        while let Some(resource) = stack.pop() {
            stack.extend(rs.resources_under(id, Some(&resource.id)).into_iter().rev());
            let parent = resource
                .parent
                .as_deref()
                .and_then(|p| rs.resource(id, p))
                .map(|p| p.handle.clone())
                .unwrap_or_default();
            let actions: Vec<Node> = rs
                .actions_at(id, Some(&resource.id))
                .into_iter()
                .map(|a| {
                    Fields::new()
                        .put("name", Node::str(a.name.clone()))
                        .put("handle", Node::str(a.handle.clone()))
                        .opt("description", Node::str(a.description.clone()))
                        .opt("kind", Node::str(a.kind.clone()))
                        .build()
                })
                .collect();
            resources.push(
                Fields::new()
                    .put("name", Node::str(resource.name.clone()))
                    .put("handle", Node::str(resource.handle.clone()))
                    .opt("description", Node::str(resource.description.clone()))
                    .opt("parent", Node::str(parent))
                    .opt("actions", Node::Seq(actions))
                    .build(),
            );
        }
        let node = Fields::new()
            .put("id", Node::str(server.id.clone()))
            .put("name", Node::str(server.name.clone()))
            .opt("description", Node::str(server.description.clone()))
            .put("identifier", Node::str(server.identifier.clone()))
            .opt("type", Node::str(server.kind.clone()))
            .opt("ouId", Node::str(server.ou_id.clone()))
            .opt("delimiter", Node::Quoted(server.delimiter.clone()))
            .opt("resources", Node::Seq(resources))
            .build();
        Some(Exported {
            node,
            name: server.name.clone(),
            rules: None,
        })
    })
}

/// `userDeclarativeResource`: attributes (`interface{}` values: their JSON text); credentials
/// are never exported. Named by the `username` attribute; a user without one is skipped.
pub(super) fn user(state: &AppState, caller: &Caller, id: &str) -> Option<Exported> {
    let user = Node::of(&manage::get(state, caller, id, None).ok()?);
    let attributes = user
        .get("attributes")
        .cloned()
        .unwrap_or(Node::Map(Vec::new()));
    let name = attributes.text("username");
    let attributes = match attributes {
        Node::Map(_) => attributes.json_text_values(),
        _ => Node::Map(Vec::new()),
    };
    let node = Fields::new()
        .copy(&user, "id", Node::str(""))
        .copy(&user, "type", Node::str(""))
        .copy_opt(&user, "ouId")
        .put("attributes", attributes)
        .build();
    Some(with_rules(node, name))
}

/// `EntityType` of the user category: the schema is a `json.RawMessage` (its JSON text).
pub(super) fn user_type(state: &AppState, caller: &Caller, id: &str) -> Option<Exported> {
    entity_type(&user_types::USER_TYPES, "user", state, caller, id)
}

/// An agent type: the entity type document with `category: agent`.
pub(super) fn agent_type(state: &AppState, caller: &Caller, id: &str) -> Option<Exported> {
    entity_type(&user_types::AGENT_TYPES, "agent", state, caller, id)
}

fn entity_type(
    api: &user_types::Api,
    category: &str,
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Option<Exported> {
    let record = Node::of(&user_types::get_in(api, state, caller, id, None).ok()?);
    let schema = record.get("schema").map_or(Node::Null, |s| match s {
        Node::Map(m) if m.is_empty() => Node::Null,
        other => other.raw_json_text(),
    });
    let node = Fields::new()
        .copy_opt(&record, "id")
        .put("category", Node::str(category))
        .copy(&record, "name", Node::str(""))
        .copy(&record, "ouId", Node::str(""))
        .copy_opt(&record, "allowSelfRegistration")
        .copy_opt(&record, "systemAttributes")
        .put("schema", schema)
        .build();
    Some(with_rules(node, record.text("name")))
}
