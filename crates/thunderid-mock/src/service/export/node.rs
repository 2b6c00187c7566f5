//! The document tree an export renders (`yaml.Node` as `parameterizer.go` builds it from a Go
//! struct): mappings keep their field order, scalars keep how Go formats them, and a `{{- range}}`
//! placeholder stands where an array variable was.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// One node of an exported document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    /// An integer, as `%d` writes it.
    Int(String),
    Float(f64),
    Str(String),
    /// A string `yamlfmt:"quoted"` forces into double quotes (the yaml.v3 path only).
    Quoted(String),
    /// The JSON text of an `interface{}` or `json.RawMessage` field, written as it is (YAML reads
    /// it back as the value).
    Json(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
    /// An array variable's `{{- range .NAME}}` block.
    Range(String),
}

impl Node {
    /// `value` as its JSON text orders it (struct field order for our wire types).
    pub(crate) fn of(value: &impl serde::Serialize) -> Node {
        // Serializing a wire type cannot fail, and its JSON always parses back.
        serde_json::to_string(value)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Node::Null)
    }

    pub(crate) fn str(text: impl Into<String>) -> Node {
        Node::Str(text.into())
    }

    /// A member of a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match self {
            Node::Map(members) => members.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn text(&self, key: &str) -> String {
        match self.get(key) {
            Some(Node::Str(s)) => s.clone(),
            _ => String::new(),
        }
    }

    /// Go's zero value test behind `omitempty`.
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Node::Null => true,
            Node::Bool(b) => !b,
            Node::Int(i) => i == "0",
            Node::Float(f) => *f == 0.0,
            Node::Str(s) | Node::Quoted(s) | Node::Json(s) => s.is_empty(),
            Node::Seq(items) => items.is_empty(),
            Node::Map(members) => members.is_empty(),
            Node::Range(_) => false,
        }
    }

    /// The plain JSON value (object keys sorted, as Go marshals a decoded `interface{}`).
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Node::Null | Node::Range(_) => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(i) => i.parse().map_or(Value::Null, Value::Number),
            Node::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Node::Str(s) | Node::Quoted(s) => Value::String(s.clone()),
            Node::Json(s) => serde_json::from_str(s).unwrap_or(Value::Null),
            Node::Seq(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Node::Map(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// An `interface{}` or `json.RawMessage` field: the parameterizer writes its JSON text as a
    /// string scalar (`handleInterfaceValue`); `null` stays null.
    pub(crate) fn json_text(&self) -> Node {
        match self {
            Node::Null => Node::Null,
            other => Node::Json(crate::wire::go_marshal(&other.to_value())),
        }
    }

    /// A `json.RawMessage` field: the stored JSON text as it is (members in their order, nothing
    /// escaped), as the parameterizer writes the raw bytes.
    pub(crate) fn raw_json_text(&self) -> Node {
        match self {
            Node::Null => Node::Null,
            other => Node::Json(serde_json::to_string(&OrderedJson(other)).unwrap_or_default()),
        }
    }

    /// A `map[string]interface{}` field: every value as its JSON text, keys sorted.
    pub(crate) fn json_text_values(&self) -> Node {
        match self {
            Node::Map(members) => {
                let mut members: Vec<(String, Node)> = members
                    .iter()
                    .map(|(k, v)| (k.clone(), v.json_text()))
                    .collect();
                members.sort_by(|a, b| a.0.cmp(&b.0));
                Node::Map(members)
            }
            other => other.clone(),
        }
    }
}

/// A mapping built in a Go struct's field order: `omitempty` fields are left out when empty.
#[derive(Debug, Default)]
pub(crate) struct Fields(Vec<(String, Node)>);

impl Fields {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// A field without `omitempty`.
    pub(crate) fn put(mut self, key: &str, value: Node) -> Self {
        self.0.push((key.to_owned(), value));
        self
    }

    /// A field with `omitempty`.
    pub(crate) fn opt(self, key: &str, value: Node) -> Self {
        if value.is_empty() {
            self
        } else {
            self.put(key, value)
        }
    }

    /// `key` copied from `source` (absent: `zero`).
    pub(crate) fn copy(self, source: &Node, key: &str, zero: Node) -> Self {
        let value = source.get(key).cloned().unwrap_or(zero);
        self.put(key, value)
    }

    /// `key` copied from `source` when not empty.
    pub(crate) fn copy_opt(self, source: &Node, key: &str) -> Self {
        let value = source.get(key).cloned().unwrap_or(Node::Null);
        self.opt(key, value)
    }

    pub(crate) fn build(self) -> Node {
        Node::Map(self.0)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Int(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut members = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Node>()? {
            members.push((key, value));
        }
        Ok(Node::Map(members))
    }
}

/// A node as JSON in its own member order.
struct OrderedJson<'a>(&'a Node);

impl serde::Serialize for OrderedJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            Node::Map(members) => {
                let mut map = s.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k, &OrderedJson(v))?;
                }
                map.end()
            }
            Node::Seq(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&OrderedJson(item))?;
                }
                seq.end()
            }
            other => other.to_value().serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wire_body_keeps_its_field_order() {
        #[derive(serde::Serialize)]
        struct Body {
            zeta: u8,
            alpha: &'static str,
        }
        let node = Node::of(&Body {
            zeta: 1,
            alpha: "a",
        });
        assert_eq!(
            node,
            Node::Map(vec![
                ("zeta".into(), Node::Int("1".into())),
                ("alpha".into(), Node::str("a")),
            ])
        );
    }

    #[test]
    fn interface_values_become_their_sorted_json_text() {
        let node: Node = serde_json::from_str(r#"{"b": 1, "a": "<x>"}"#).unwrap();
        assert_eq!(
            node.json_text(),
            Node::Json(r#"{"a":"\u003cx\u003e","b":1}"#.to_owned())
        );
    }

    #[test]
    fn a_raw_message_keeps_its_member_order_and_characters() {
        let node: Node =
            serde_json::from_str(r#"{"z": {"b": "<b>", "a": [1, 2.5]}, "y": null}"#).unwrap();
        assert_eq!(
            node.raw_json_text(),
            Node::Json(r#"{"z":{"b":"<b>","a":[1,2.5]},"y":null}"#.to_owned())
        );
    }
}
