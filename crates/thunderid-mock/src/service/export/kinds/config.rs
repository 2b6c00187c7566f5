//! The configuration-plane kinds: connections, flows, themes and layouts, server
//! configuration sections and translations.

use super::{Exported, with_rules};
use crate::service::connections::{Shape, Vendor};
use crate::service::export::node::{Fields, Node};
use crate::service::export::render::Rules;
use crate::service::{design, flows, server_config};
use crate::state::AppState;

/// `connectionExportModel`: the vendor's stored properties under their JSON names; the secret
/// becomes a variable whose value (the stored secret) goes to the `.env` text.
pub(super) fn connection(state: &AppState, id: &str) -> Option<Exported> {
    let connections = state.stores().connections.current();
    let record = connections
        .idps
        .get(id)
        .or_else(|| connections.senders.get(id))?
        .clone();
    let vendor = Vendor::from_name(record.vendor)?;
    let member = |json: &str| -> Node {
        let Some(field) = vendor.fields().iter().find(|f| f.json == json) else {
            return Node::Null;
        };
        let Some(value) = record.properties.get(field.property) else {
            return Node::Null;
        };
        match field.shape {
            Shape::Text | Shape::Secret => Node::str(value.clone()),
            Shape::Scopes => Node::Seq(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(Node::str)
                    .collect(),
            ),
            Shape::Flag => value.parse().map_or(Node::Null, Node::Bool),
        }
    };
    let mut fields = Fields::new()
        .put("id", Node::str(record.id.clone()))
        .put("type", Node::str(vendor.name()))
        .put("name", Node::str(record.name.clone()))
        .opt("description", Node::str(record.description.clone()));
    for json in [
        "clientId",
        "clientSecret",
        "redirectUri",
        "scopes",
        "prompt",
        "authorizationEndpoint",
        "tokenEndpoint",
        "userInfoEndpoint",
        "jwksEndpoint",
        "issuer",
        "tokenExchangeEnabled",
        "trustedTokenAudience",
    ] {
        fields = fields.opt(json, member(json));
    }
    let attributes = record
        .attribute_configuration
        .as_ref()
        .map_or(Node::Null, |c| attribute_configuration(&Node::of(c)));
    fields = fields.opt("attributeConfiguration", attributes);
    for json in [
        "accountSid",
        "authToken",
        "apiKey",
        "apiSecret",
        "senderId",
        "url",
        "httpMethod",
        "httpHeaders",
        "contentType",
    ] {
        fields = fields.opt(json, member(json));
    }
    let node = fields.build();
    let secret = match vendor {
        Vendor::Twilio => Some("authToken"),
        Vendor::Vonage => Some("apiSecret"),
        Vendor::SmsGateway => None,
        _ if node.get("clientSecret").is_some() => Some("clientSecret"),
        _ => None,
    };
    Some(Exported {
        node,
        name: record.name,
        rules: Some(Rules {
            variables: secret.into_iter().collect(),
            array_variables: Vec::new(),
        }),
    })
}

/// `providers.AttributeConfiguration` under its YAML keys (mixed case, as the server's tags).
fn attribute_configuration(json: &Node) -> Node {
    let resolution = json.get("userTypeResolution").map(|r| {
        Fields::new()
            .copy_opt(r, "default")
            .copy_opt(r, "externalAttribute")
            .copy_opt(r, "valueMapping")
            .build()
    });
    let mappings = match json.get("userTypeAttributeMappings") {
        Some(Node::Seq(items)) => Node::Seq(
            items
                .iter()
                .map(|m| {
                    let attributes = match m.get("attributes") {
                        Some(Node::Seq(list)) => Node::Seq(
                            list.iter()
                                .map(|a| {
                                    Fields::new()
                                        .copy(a, "externalAttribute", Node::str(""))
                                        .copy(a, "localAttribute", Node::str(""))
                                        .build()
                                })
                                .map(|n| {
                                    rename(
                                        n,
                                        &[
                                            ("externalAttribute", "external_attribute"),
                                            ("localAttribute", "local_attribute"),
                                        ],
                                    )
                                })
                                .collect(),
                        ),
                        _ => Node::Null,
                    };
                    Fields::new()
                        .copy(m, "userType", Node::str(""))
                        .opt("attributes", attributes)
                        .build()
                })
                .map(|n| rename(n, &[("userType", "user_type")]))
                .collect(),
        ),
        _ => Node::Null,
    };
    Fields::new()
        .opt("user_type_resolution", resolution.unwrap_or(Node::Null))
        .opt("user_type_attribute_mappings", mappings)
        .copy_opt(json, "accountLinking")
        .build()
}

fn rename(node: Node, names: &[(&str, &str)]) -> Node {
    match node {
        Node::Map(members) => Node::Map(
            members
                .into_iter()
                .map(|(k, v)| {
                    let key = names
                        .iter()
                        .find(|(from, _)| *from == k)
                        .map_or(k, |(_, to)| (*to).to_owned());
                    (key, v)
                })
                .collect(),
        ),
        other => other,
    }
}

/// `CompleteFlowDefinition`: `meta`, `properties` values and validation values are `interface{}`
/// (their JSON text); the version, timestamps and read-only flag are written too.
pub(super) fn flow(state: &AppState, id: &str) -> Option<Exported> {
    let flow = Node::of(&flows::get(state, id).ok()?);
    let nodes = match flow.get("nodes") {
        Some(Node::Seq(items)) => Node::Seq(items.iter().map(flow_node).collect()),
        _ => Node::Seq(Vec::new()),
    };
    let interceptors = match flow.get("interceptors") {
        Some(Node::Seq(items)) => Node::Seq(items.iter().map(|_| Node::Map(Vec::new())).collect()),
        _ => Node::Null,
    };
    let node = Fields::new()
        .copy(&flow, "id", Node::str(""))
        .copy(&flow, "handle", Node::str(""))
        .copy(&flow, "name", Node::str(""))
        .copy(&flow, "flowType", Node::str(""))
        .copy(&flow, "activeVersion", Node::Int("0".into()))
        // `InterceptorDefinition` has no yaml tags: the parameterizer keeps none of its fields.
        .opt("interceptors", interceptors)
        .put("nodes", nodes)
        .copy(&flow, "createdAt", Node::str(""))
        .copy(&flow, "updatedAt", Node::str(""))
        .copy(&flow, "isReadOnly", Node::Bool(false))
        .build();
    Some(with_rules(node, flow.text("name")))
}

fn flow_node(node: &Node) -> Node {
    let Node::Map(members) = node else {
        return node.clone();
    };
    Node::Map(
        members
            .iter()
            .map(|(key, value)| {
                let value = match key.as_str() {
                    "meta" => value.json_text(),
                    "properties" => value.json_text_values(),
                    "layout" => Fields::new()
                        .copy_opt(value, "size")
                        .copy_opt(value, "position")
                        .build(),
                    _ => validation_values(value),
                };
                (key.clone(), value)
            })
            .collect(),
    )
}

/// Below a node: every `inputs[]` item as `InputDefinition` (its validation values as their JSON
/// text).
fn validation_values(node: &Node) -> Node {
    match node {
        Node::Map(members) => Node::Map(
            members
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        Node::Seq(items) if k == "inputs" => {
                            Node::Seq(items.iter().map(input_definition).collect())
                        }
                        other => validation_values(other),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Node::Seq(items) => Node::Seq(items.iter().map(validation_values).collect()),
        other => other.clone(),
    }
}

fn input_definition(input: &Node) -> Node {
    let rules = match input.get("validation") {
        Some(Node::Seq(rules)) => Node::Seq(
            rules
                .iter()
                .map(|rule| {
                    Fields::new()
                        .copy(rule, "type", Node::str(""))
                        .put(
                            "value",
                            rule.get("value").map_or(Node::Null, Node::json_text),
                        )
                        .copy_opt(rule, "message")
                        .build()
                })
                .collect(),
        ),
        _ => Node::Null,
    };
    Fields::new()
        .copy_opt(input, "ref")
        .copy(input, "type", Node::str(""))
        .copy(input, "identifier", Node::str(""))
        .copy(input, "required", Node::Bool(false))
        .copy_opt(input, "oneTimeUse")
        .opt("validation", rules)
        .build()
}

/// `Theme` / `Layout`: the document is a `json.RawMessage` (its JSON text).
pub(super) fn design_record(state: &AppState, kind: design::Kind, id: &str) -> Option<Exported> {
    let record = Node::of(&design::get(state, kind, id).ok()?);
    let member = kind.member();
    let node = Fields::new()
        .copy_opt(&record, "id")
        .copy(&record, "handle", Node::str(""))
        .copy(&record, "displayName", Node::str(""))
        .copy_opt(&record, "description")
        .put(
            member,
            record.get(member).map_or(Node::Null, Node::raw_json_text),
        )
        .copy_opt(&record, "createdAt")
        .copy_opt(&record, "updatedAt")
        .copy(&record, "isReadOnly", Node::Bool(false))
        .build();
    Some(with_rules(node, record.text("displayName")))
}

/// `serverConfigExportDoc`: the merged value (`interface{}`: its JSON text).
pub(super) fn config_section(state: &AppState, name: &str) -> Option<Exported> {
    let layers = Node::of(&server_config::get(state, name).ok()?);
    let value = layers.get("merged").map_or(Node::Null, Node::json_text);
    let node = Fields::new()
        .put("name", Node::str(name))
        .put("value", value)
        .build();
    Some(with_rules(node, name.to_owned()))
}

/// `LanguageTranslations`: namespace → key → text, for one stored language.
pub(super) fn translation(state: &AppState, language: &str) -> Option<Exported> {
    let translations = state.stores().translations.current();
    let mut namespaces: Vec<(String, Node)> = Vec::new();
    for ((namespace, key), values) in translations.entries(None) {
        let Some(value) = values.get(language) else {
            continue;
        };
        if namespaces.last().is_none_or(|(ns, _)| ns != namespace) {
            namespaces.push((namespace.clone(), Node::Map(Vec::new())));
        }
        if let Some((_, Node::Map(keys))) = namespaces.last_mut() {
            keys.push((key.clone(), Node::str(value.clone())));
        }
    }
    if namespaces.is_empty() {
        return None;
    }
    let node = Fields::new()
        .put("language", Node::str(language))
        .put("translations", Node::Map(namespaces))
        .build();
    Some(with_rules(node, language.to_owned()))
}
