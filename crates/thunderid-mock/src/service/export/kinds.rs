//! One exporter per kind (each server package's `declarative_resource.go`): the ids `["*"]`
//! stands for, and one resource as the Go struct the server marshals (its `yaml` tags decide the
//! keys, their order and `omitempty`), with the name the file and variables are named after and
//! the parameterization rules. A resource that cannot be read is `None` (skipped, as the server
//! skips a lookup failure).

mod config;
mod identity;
mod vc;

use super::node::{Fields, Node};
use super::render::Rules;
use crate::service::access::Caller;
use crate::service::request::Query;
use crate::service::users::{manage, user_types};
use crate::service::{
    agents, applications, connections, design, flows, groups, resources, roles, server_config,
};
use crate::state::AppState;
use crate::store::declared::MAX_COMPOSITE_RECORDS;

/// One resource ready to render.
pub(super) struct Exported {
    pub(super) node: Node,
    /// What `ValidateResource` returns: the file and variable prefix are derived from it.
    pub(super) name: String,
    /// `None`: marshalled by yaml.v3 (resource servers); otherwise the parameterizer's renderer.
    pub(super) rules: Option<Rules>,
}

/// The ids of every resource of `kind` (`GetAllResourceIDs`).
pub(super) fn all_ids(state: &AppState, caller: &Caller, kind: &str) -> Vec<String> {
    match kind {
        // A list that fails (its composite limit) exports nothing of the kind, as the server's
        // export skips a kind whose ids it cannot read.
        "application" => applications::list(state)
            .map(|list| list.applications.into_iter().map(|a| a.id).collect())
            .unwrap_or_default(),
        "connection" => {
            if connections::over_composite_limit(state) {
                return Vec::new();
            }
            let connections = state.stores().connections.current();
            let idps = connections.idps.iter().map(|r| r.id.clone());
            let senders = connections.senders.iter().map(|r| r.id.clone());
            idps.chain(senders).collect()
        }
        "flow" => paged("flows", |q| flows::list(state, &Query::parse(Some(q))).ok()),
        "group" => paged("groups", |q| groups::list(state, caller, Some(q)).ok()),
        "layout" => design::export_ids(state, design::Kind::Layout),
        "theme" => design::export_ids(state, design::Kind::Theme),
        "organization_unit" => state.stores().directory.read(|d| {
            // Parents before their children, so the documents re-import in order.
            let mut ids = Vec::new();
            let mut stack: Vec<String> =
                d.units.roots().iter().rev().map(|u| u.id.clone()).collect();
            while let Some(id) = stack.pop() {
                stack.extend(d.units.children(&id).iter().rev().map(|u| u.id.clone()));
                ids.push(id);
            }
            ids
        }),
        "resource_server" => resources::export_ids(state),
        "role" => paged("roles", |q| roles::list(state, Some(q)).ok()),
        "server_config" => server_config::list()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        "translation" => state.stores().translations.current().languages(),
        "user" => paged("users", |q| manage::list(state, caller, Some(q)).ok()),
        "user_type" => paged("types", |q| user_types::list(state, caller, Some(q)).ok()),
        "agent_type" => paged("types", |q| {
            user_types::list_in(&user_types::AGENT_TYPES, state, caller, Some(q)).ok()
        }),
        // Ordered by id, as the agent list is; none past the list's composite limit.
        "agent" => {
            let mut ids: Vec<String> = state
                .registry()
                .agents
                .all()
                .map(|a| a.id.clone())
                .collect();
            if ids.len() > MAX_COMPOSITE_RECORDS {
                return Vec::new();
            }
            ids.sort();
            ids
        }
        "presentation_definition" => {
            crate::service::vc::stored_ids::<crate::openid4vp::PresentationDefinition>(state)
        }
        "credential_configuration" => {
            crate::service::vc::stored_ids::<crate::store::vc::CredentialConfiguration>(state)
        }
        _ => Vec::new(),
    }
}

/// Every id of a paged list, 100 at a time.
fn paged<T: serde::Serialize>(member: &str, page: impl Fn(&str) -> Option<T>) -> Vec<String> {
    let mut ids = Vec::new();
    loop {
        let query = format!("limit=100&offset={}", ids.len());
        let Some(body) = page(&query).map(|b| serde_json::to_value(b).unwrap_or_default()) else {
            return ids;
        };
        let items = body[member].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            return ids;
        }
        ids.extend(
            items
                .iter()
                .filter_map(|i| i["id"].as_str().map(str::to_owned)),
        );
    }
}

/// One resource of `kind` (`GetResourceByID` then `ValidateResource`); `None` when it cannot be
/// read or has no name.
pub(super) fn one(state: &AppState, caller: &Caller, kind: &str, id: &str) -> Option<Exported> {
    let exported = match kind {
        "application" => application(state, id)?,
        "connection" => config::connection(state, id)?,
        "flow" => config::flow(state, id)?,
        "group" => identity::group(state, caller, id)?,
        "layout" => config::design_record(state, design::Kind::Layout, id)?,
        "theme" => config::design_record(state, design::Kind::Theme, id)?,
        "organization_unit" => identity::unit(state, caller, id)?,
        "resource_server" => identity::resource_server(state, id)?,
        "role" => identity::role(state, id)?,
        "server_config" => config::config_section(state, id)?,
        "translation" => config::translation(state, id)?,
        "user" => identity::user(state, caller, id)?,
        "user_type" => identity::user_type(state, caller, id)?,
        "agent_type" => identity::agent_type(state, caller, id)?,
        "agent" => agent(state, id)?,
        "presentation_definition" => vc::definition(state, id)?,
        "credential_configuration" => vc::configuration(state, id)?,
        _ => return None,
    };
    (!exported.name.is_empty()).then_some(exported)
}

fn with_rules(node: Node, name: String) -> Exported {
    Exported {
        node,
        name,
        rules: Some(Rules::default()),
    }
}

/// `providers.Application` (the `InboundAuthProfile` block inline): no client secret is readable,
/// so a confidential client's `clientSecret` is an empty variable; public clients have none.
fn application(state: &AppState, id: &str) -> Option<Exported> {
    let app = Node::of(&applications::get(state, id).ok()?);
    let name = app.text("name");
    let mut public = false;
    let inbound: Vec<Node> = match app.get("inboundAuthConfig") {
        Some(Node::Seq(items)) => items
            .iter()
            .map(|entry| {
                let config = entry.get("config").cloned().unwrap_or(Node::Null);
                public |= config.get("publicClient") == Some(&Node::Bool(true));
                Fields::new()
                    .copy(entry, "type", Node::str(""))
                    .opt("config", oauth_config(&config, true))
                    .build()
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut fields = Fields::new();
    for key in [
        "id",
        "ouId",
        "name",
        "description",
        "type",
        "template",
        "url",
        "logoUrl",
        "tosUri",
        "policyUri",
        "contacts",
    ] {
        fields = fields.copy_opt(&app, key);
    }
    fields = inbound_profile(fields, &app);
    let metadata = app
        .get("metadata")
        .map_or(Node::Null, Node::json_text_values);
    let node = fields
        .opt("inboundAuthConfig", Node::Seq(inbound))
        .opt("metadata", metadata)
        .build();
    let mut rules = Rules {
        variables: vec!["inboundAuthConfig[].config.clientId"],
        array_variables: vec!["inboundAuthConfig[].config.redirectUris"],
    };
    if !public {
        rules
            .variables
            .push("inboundAuthConfig[].config.clientSecret");
    }
    Some(Exported {
        node,
        name,
        rules: Some(rules),
    })
}

/// `AgentGetResponse` with its inbound profile inline (`agent/declarative_resource.go`): the
/// client ID always a variable, the secret unless the client is public, the redirect URIs only
/// when there are some (a machine agent has none).
fn agent(state: &AppState, id: &str) -> Option<Exported> {
    let agent = Node::of(&agents::get(state, id, None).ok()?);
    let name = agent.text("name");
    let entries = match agent.get("inboundAuthConfig") {
        Some(Node::Seq(items)) => items.clone(),
        _ => Vec::new(),
    };
    let config = |entry: &Node| entry.get("config").cloned().unwrap_or(Node::Null);
    let public = entries
        .iter()
        .any(|e| config(e).get("publicClient") == Some(&Node::Bool(true)));
    let redirects = entries
        .iter()
        .any(|e| matches!(config(e).get("redirectUris"), Some(Node::Seq(u)) if !u.is_empty()));
    let inbound: Vec<Node> = entries
        .iter()
        .map(|entry| {
            Fields::new()
                .copy(entry, "type", Node::str(""))
                .opt("config", oauth_config(&config(entry), redirects))
                .build()
        })
        .collect();
    let mut fields = Fields::new();
    for key in [
        "id",
        "ouId",
        "type",
        "name",
        "description",
        "logoUrl",
        "owner",
        "attributes",
    ] {
        fields = fields.copy_opt(&agent, key);
    }
    fields = inbound_profile(fields, &agent);
    let node = fields.opt("inboundAuthConfig", Node::Seq(inbound)).build();
    let mut rules = Rules {
        variables: vec!["inboundAuthConfig[].config.clientId"],
        array_variables: Vec::new(),
    };
    if !public {
        rules
            .variables
            .push("inboundAuthConfig[].config.clientSecret");
    }
    if redirects {
        rules
            .array_variables
            .push("inboundAuthConfig[].config.redirectUris");
    }
    Some(Exported {
        node,
        name,
        rules: Some(rules),
    })
}

/// The inline `InboundAuthProfile` block applications and agents share, in its struct's order (the
/// two flags written even when false).
fn inbound_profile(mut fields: Fields, source: &Node) -> Fields {
    for key in [
        "authFlowId",
        "authFlowHandle",
        "registrationFlowId",
        "registrationFlowHandle",
    ] {
        fields = fields.copy_opt(source, key);
    }
    fields = fields
        .copy(source, "isRegistrationFlowEnabled", Node::Bool(false))
        .copy_opt(source, "recoveryFlowId")
        .copy_opt(source, "recoveryFlowHandle")
        .copy(source, "isRecoveryFlowEnabled", Node::Bool(false));
    for key in [
        "signOutFlowId",
        "signOutFlowHandle",
        "themeId",
        "layoutId",
        "assertion",
        "loginConsent",
        "allowedUserTypes",
        "subjectAttribute",
        "passkeyAllowedOrigins",
        "attestation",
    ] {
        fields = fields.copy_opt(source, key);
    }
    fields
}

/// `OAuthConfigWithSecret`: the fields in the rules are written even when empty; the redirect URIs
/// are in them unless `redirect_rule` is false (an agent without any), and then omitted when empty.
fn oauth_config(config: &Node, redirect_rule: bool) -> Node {
    if *config == Node::Null {
        return Node::Null;
    }
    let public = config.get("publicClient") == Some(&Node::Bool(true));
    let mut fields = Fields::new().copy(config, "clientId", Node::str("")).copy(
        config,
        "clientSecret",
        Node::str(""),
    );
    if public {
        fields = Fields::new()
            .copy(config, "clientId", Node::str(""))
            .copy_opt(config, "clientSecret");
    }
    fields = if redirect_rule {
        fields.copy(config, "redirectUris", Node::Seq(Vec::new()))
    } else {
        fields.copy_opt(config, "redirectUris")
    };
    fields = fields
        .copy_opt(config, "postLogoutRedirectUris")
        .copy_opt(config, "grantTypes")
        .copy_opt(config, "responseTypes")
        .copy_opt(config, "tokenEndpointAuthMethod");
    for key in [
        "pkceRequired",
        "publicClient",
        "requirePushedAuthorizationRequests",
        "dpopBoundAccessTokens",
        "includeActClaim",
    ] {
        fields = fields.copy(config, key, Node::Bool(false));
    }
    for key in [
        "token",
        "scopes",
        "userInfo",
        "scopeClaims",
        "certificate",
        "acrValues",
    ] {
        fields = fields.copy_opt(config, key);
    }
    fields.build()
}
