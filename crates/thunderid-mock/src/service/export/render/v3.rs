//! yaml.v3's encoder (`SetIndent(2)`), as the exporter marshals a resource without
//! parameterization rules: block style, strings plain where YAML reads them back unchanged.

use super::{pad, scalar};
use crate::service::export::node::Node;

/// yaml.v3's encoder with `SetIndent(2)`, for a resource without rules.
pub(super) fn node(out: &mut String, node: &Node, indent: usize) {
    match node {
        Node::Map(members) => {
            for (key, value) in members {
                pad(out, indent);
                v3_member(out, key, value, indent);
            }
        }
        Node::Seq(items) => v3_items(out, items, indent),
        other => {
            out.push_str(&v3_scalar(other));
            out.push('\n');
        }
    }
}

fn v3_member(out: &mut String, key: &str, value: &Node, indent: usize) {
    out.push_str(&v3_string(key, false));
    out.push(':');
    match value {
        Node::Map(m) if !m.is_empty() => {
            out.push('\n');
            node(out, value, indent + 2);
        }
        Node::Seq(items) if !items.is_empty() => {
            out.push('\n');
            v3_items(out, items, indent + 2);
        }
        Node::Map(_) => out.push_str(" {}\n"),
        Node::Seq(_) => out.push_str(" []\n"),
        other => {
            out.push(' ');
            out.push_str(&v3_scalar(other));
            out.push('\n');
        }
    }
}

fn v3_items(out: &mut String, items: &[Node], indent: usize) {
    for item in items {
        pad(out, indent);
        out.push_str("- ");
        match item {
            Node::Map(members) if !members.is_empty() => {
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        pad(out, indent + 2);
                    }
                    v3_member(out, key, value, indent + 2);
                }
            }
            Node::Seq(inner) if !inner.is_empty() => {
                out.push('\n');
                v3_items(out, inner, indent + 2);
            }
            Node::Map(_) => out.push_str("{}\n"),
            Node::Seq(_) => out.push_str("[]\n"),
            other => {
                out.push_str(&v3_scalar(other));
                out.push('\n');
            }
        }
    }
}

fn v3_scalar(node: &Node) -> String {
    match node {
        Node::Str(s) => v3_string(s, false),
        Node::Quoted(s) => v3_string(s, true),
        Node::Json(s) => v3_string(s, false),
        other => scalar(other).unwrap_or_default(),
    }
}

/// A string as yaml.v3 writes a `!!str` node: plain when YAML reads it back as that string,
/// double-quoted when it would read as another type (or `quoted` asks), else single-quoted.
fn v3_string(s: &str, quoted: bool) -> String {
    let printable = s.chars().all(|c| c == '\t' || !c.is_control());
    if quoted || !printable || s.contains('\n') || resolves_to_other_type(s) {
        return double_quoted(s);
    }
    if plain_allowed(s) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

pub(super) fn resolves_to_other_type(s: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", ".inf",
        ".Inf", ".INF", "+.inf", "-.inf", ".nan", ".NaN", ".NAN",
    ];
    if SPECIAL.contains(&s) {
        return true;
    }
    let digits = s.trim_start_matches(['-', '+']);
    let numeric_shape = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits.chars().all(|c| {
            c.is_ascii_hexdigit() || matches!(c, '.' | '_' | 'e' | 'E' | '+' | '-' | 'x' | 'o')
        });
    numeric_shape && (s.parse::<f64>().is_ok() || s.parse::<i64>().is_ok())
}

pub(super) fn plain_allowed(s: &str) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    let second_blank = s.chars().nth(1).is_none_or(|c| c == ' ' || c == '\t');
    if s.starts_with(' ')
        || s.ends_with(' ')
        || "#,[]{}&*!|>'\"%@`".contains(first)
        || (matches!(first, '-' | '?' | ':') && second_blank)
        || s.starts_with("---")
        || s.starts_with("...")
        || s.contains(": ")
        || s.ends_with(':')
        || s.contains(" #")
    {
        return false;
    }
    true
}

pub(super) fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
