//! Writing a document as the server's exporter does (`EXP/parameterizer.go`). A resource with
//! parameterization rules (every kind but resource servers, even with empty rules) goes through
//! the parameterizer's own renderer, which writes scalars as they are (only a value starting
//! `{{` that is no template variable, and a `{`/`[` value directly in a sequence item's mapping,
//! get single quotes); a resource without rules goes through yaml.v3's encoder (indent 2,
//! quoting where YAML needs it). Secrets and redirect URIs become `{{.PREFIX_FIELD}}` variables
//! and `{{- range .PREFIX_FIELD}}` blocks first, their values kept for the `.env` text.

use std::collections::BTreeMap;

mod v3;

use super::node::Node;

/// Parameterization rules: paths of YAML keys, `[]` marking a sequence walked element-wise.
#[derive(Debug, Default, Clone)]
pub(crate) struct Rules {
    pub(crate) variables: Vec<&'static str>,
    pub(crate) array_variables: Vec<&'static str>,
}

/// The rendered document and the values of its variables.
pub(crate) fn parameterized(
    mut node: Node,
    rules: Option<&Rules>,
    resource_name: &str,
) -> (String, BTreeMap<String, String>) {
    let mut out = String::new();
    let Some(rules) = rules else {
        v3::node(&mut out, &node, 0);
        return (out, BTreeMap::new());
    };
    let mut values = BTreeMap::new();
    for path in &rules.variables {
        let name = variable_name(resource_name, path);
        let value = scalar_at(&node, &parts(path));
        if !value.is_empty() {
            values.insert(name.clone(), value);
        }
        replace(&mut node, &parts(path), &|_| {
            Node::Str(format!("{{{{.{name}}}}}"))
        });
    }
    for path in &rules.array_variables {
        let name = variable_name(resource_name, path);
        if let Some(items) = array_at(&node, &parts(path)) {
            let items = serde_json::Value::from(items);
            values.insert(name.clone(), crate::wire::go_marshal(&items));
        }
        replace(&mut node, &parts(path), &|old| match old {
            Node::Seq(_) => Node::Range(name.clone()),
            other => other.clone(),
        });
    }
    node_text(&mut out, &node, 0);
    (out, values)
}

fn parts(path: &str) -> Vec<&str> {
    path.split('.').collect()
}

/// `VarPrefix`: the resource name with spaces as `_`, snake-cased, upper-cased, with every run of
/// other characters one `_`, trailing ones dropped, and `_` before a leading digit.
pub(crate) fn var_prefix(resource_name: &str) -> String {
    sanitize(&snake_upper(&resource_name.replace(' ', "_")))
}

fn variable_name(resource_name: &str, path: &str) -> String {
    let last = path.rsplit('.').next().unwrap_or(path);
    sanitize(&format!(
        "{}_{}",
        var_prefix(resource_name),
        snake_upper(last)
    ))
}

/// `toSnakeCase`: `_` before an upper-case letter after a lower-case one, or before the last
/// capital of an acronym; then upper-cased.
fn snake_upper(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_ascii_uppercase() {
            let prev = chars[i - 1];
            if prev.is_ascii_lowercase()
                || (prev != '_' && chars.get(i + 1).is_some_and(char::is_ascii_lowercase))
            {
                out.push('_');
            }
        }
        out.push(c);
    }
    out.to_uppercase()
}

fn sanitize(name: &str) -> String {
    let mut out = String::new();
    let mut last_underscore = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
            last_underscore = false;
        } else if !last_underscore {
            out.push('_');
            last_underscore = true;
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{out}")
    } else {
        out
    }
}

/// `getScalarFromNode`: the first non-empty scalar at `path`.
fn scalar_at(node: &Node, path: &[&str]) -> String {
    let Some((part, rest)) = path.split_first() else {
        return String::new();
    };
    let (key, each) = key_of(part);
    let Some(value) = node.get(key) else {
        return String::new();
    };
    if each {
        return match value {
            Node::Seq(items) if !rest.is_empty() => items
                .iter()
                .map(|item| scalar_at(item, rest))
                .find(|v| !v.is_empty())
                .unwrap_or_default(),
            _ => String::new(),
        };
    }
    if rest.is_empty() {
        return scalar(value).unwrap_or_default();
    }
    scalar_at(value, rest)
}

/// `getArrayFromNode`: the non-empty scalars of the sequence(s) at `path`.
fn array_at(node: &Node, path: &[&str]) -> Option<Vec<String>> {
    let (part, rest) = path.split_first()?;
    let (key, each) = key_of(part);
    let value = node.get(key)?;
    if each {
        return match value {
            Node::Seq(items) if !rest.is_empty() => Some(
                items
                    .iter()
                    .filter_map(|item| array_at(item, rest))
                    .flatten()
                    .collect(),
            ),
            _ => None,
        };
    }
    if !rest.is_empty() {
        return array_at(value, rest);
    }
    match value {
        Node::Seq(items) => Some(
            items
                .iter()
                .filter_map(scalar)
                .filter(|v| !v.is_empty())
                .collect(),
        ),
        other => scalar(other).filter(|v| !v.is_empty()).map(|v| vec![v]),
    }
}

/// Replace the value at `path` (in every element where the path walks a sequence).
fn replace(node: &mut Node, path: &[&str], with: &dyn Fn(&Node) -> Node) {
    let Some((part, rest)) = path.split_first() else {
        return;
    };
    let (key, each) = key_of(part);
    let Some(value) = node.get_mut(key) else {
        return;
    };
    if each {
        if let Node::Seq(items) = value
            && !rest.is_empty()
        {
            for item in items {
                replace(item, rest, with);
            }
        }
    } else if rest.is_empty() {
        *value = with(value);
    } else {
        replace(value, rest, with);
    }
}

fn key_of(part: &str) -> (&str, bool) {
    match part.strip_suffix("[]") {
        Some(key) => (key, true),
        None => (part, false),
    }
}

/// A scalar's text as the node holds it (`None` for collections).
fn scalar(node: &Node) -> Option<String> {
    Some(match node {
        Node::Null => "null".to_owned(),
        Node::Bool(b) => b.to_string(),
        Node::Int(i) => i.clone(),
        Node::Float(f) => go_g(*f),
        Node::Str(s) | Node::Quoted(s) | Node::Json(s) => s.clone(),
        Node::Seq(_) | Node::Map(_) | Node::Range(_) => return None,
    })
}

/// Go's `%g` for a float64: shortest digits, exponent form below 1e-4 and from 1e6 (`1e+06`).
pub(crate) fn go_g(f: f64) -> String {
    if f == 0.0 {
        return "0".to_owned();
    }
    let e = format!("{f:e}");
    let Some((mantissa, exponent)) = e.split_once('e') else {
        return e;
    };
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if !(-4..6).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.abs());
    }
    format!("{f}")
}

/// Every template variable the export's pattern finds in `text`: `{{.NAME}}` and
/// `{{- range .NAME}}` (`templateVariablePattern`).
pub(crate) fn template_variables(text: &str) -> Vec<String> {
    let name_at = |s: &str| -> Option<(String, usize)> {
        let len = s
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(s.len());
        (len > 0).then(|| (s[..len].to_owned(), len))
    };
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let hit = if let Some(tail) = after.strip_prefix('.') {
            name_at(tail).and_then(|(name, len)| tail[len..].starts_with("}}").then_some(name))
        } else if let Some(tail) = after.strip_prefix('-') {
            let tail = tail.trim_start();
            tail.strip_prefix("range")
                .filter(|t| t.starts_with(char::is_whitespace))
                .map(str::trim_start)
                .and_then(|t| t.strip_prefix('.'))
                .and_then(|t| {
                    let (name, len) = name_at(t)?;
                    t[len..].trim_start().starts_with("}}").then_some(name)
                })
        } else {
            None
        };
        found.extend(hit);
        rest = after;
    }
    found
}

fn is_template(text: &str) -> bool {
    !template_variables(text).is_empty()
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// `renderNode`.
fn node_text(out: &mut String, node: &Node, indent: usize) {
    match node {
        Node::Map(members) => {
            for (key, value) in members {
                pad(out, indent);
                out.push_str(key);
                out.push(':');
                mapping_value(out, value, indent);
            }
        }
        Node::Seq(items) => {
            for item in items {
                pad(out, indent);
                out.push_str("- ");
                if let Node::Map(members) = item
                    && members.is_empty()
                {
                    // The server writes nothing after `- ` here, running into the next line.
                    out.push_str("{}\n");
                } else if let Node::Map(members) = item {
                    item_mapping(out, members, indent);
                } else {
                    out.push_str(&plain_or_quoted(item));
                    out.push('\n');
                }
            }
        }
        Node::Range(_) => {}
        scalar_node => out.push_str(&scalar(scalar_node).unwrap_or_default()),
    }
}

/// `renderMappingValue`.
fn mapping_value(out: &mut String, value: &Node, indent: usize) {
    match value {
        Node::Str(s) if s.starts_with("{{") => {
            if is_template(s) {
                out.push(' ');
                out.push_str(s);
            } else {
                out.push_str(" '");
                out.push_str(&s.replace('\'', "''"));
                out.push('\'');
            }
            out.push('\n');
        }
        Node::Range(name) => {
            out.push('\n');
            range_block(out, name, indent + 2);
        }
        Node::Seq(_) | Node::Map(_) => {
            out.push('\n');
            node_text(out, value, indent + 2);
        }
        other => {
            out.push(' ');
            out.push_str(&plain_or_quoted(other));
            out.push('\n');
        }
    }
}

/// A scalar as the parameterizer writes it: as it is. Where that would not read back (a string
/// with `: ` or ` #` in it, a leading indicator, a line break), the server writes YAML that does
/// not parse or means something else, and no export of it re-imports; the mock quotes those
/// strings as yaml.v3 would, and strings YAML would read as another type (`+1555`, `true`; the
/// server's typed decoder reads them back as strings, the mock's importer would not). JSON texts (`interface{}` fields) stay as they are: YAML reads them
/// as the value.
fn plain_or_quoted(node: &Node) -> String {
    match node {
        Node::Str(s) if is_template(s) => s.clone(),
        Node::Str(s) if s.contains('\n') || s.chars().any(|c| c.is_control() && c != '\t') => {
            v3::double_quoted(s)
        }
        Node::Str(s) if !s.is_empty() && v3::resolves_to_other_type(s) => v3::double_quoted(s),
        Node::Str(s) if !v3::plain_allowed(s) => format!("'{}'", s.replace('\'', "''")),
        other => scalar(other).unwrap_or_default(),
    }
}

/// `renderSequenceItemMapping`: the first key follows `- `, the others align under it.
fn item_mapping(out: &mut String, members: &[(String, Node)], indent: usize) {
    for (i, (key, value)) in members.iter().enumerate() {
        if i > 0 {
            pad(out, indent + 2);
        }
        out.push_str(key);
        out.push(':');
        match value {
            Node::Range(name) => {
                out.push('\n');
                range_block(out, name, indent + 4);
            }
            Node::Seq(_) | Node::Map(_) => {
                out.push('\n');
                node_text(out, value, indent + 4);
            }
            Node::Str(_) => {
                out.push(' ');
                out.push_str(&plain_or_quoted(value));
                out.push('\n');
            }
            other => {
                let text = scalar(other).unwrap_or_default();
                out.push(' ');
                if (text.starts_with('{') || text.starts_with('[')) && !is_template(&text) {
                    out.push('\'');
                    out.push_str(&text.replace('\'', "''"));
                    out.push('\'');
                } else {
                    out.push_str(&text);
                }
                out.push('\n');
            }
        }
    }
}

/// `renderTemplateSequence`.
fn range_block(out: &mut String, name: &str, indent: usize) {
    for line in [
        format!("{{{{- range .{name}}}}}"),
        "- {{.}}".to_owned(),
        "{{- end}}".to_owned(),
    ] {
        pad(out, indent);
        out.push_str(&line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(json: &str) -> Node {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn prefixes_and_variable_names_follow_the_parameterizer() {
        assert_eq!(var_prefix("My App"), "MY_APP");
        assert_eq!(var_prefix("MyApp"), "MY_APP");
        assert_eq!(
            var_prefix("E2E browser/quickstart"),
            "E2E_BROWSER_QUICKSTART"
        );
        assert_eq!(var_prefix("2fa app"), "_2FA_APP");
        assert_eq!(
            variable_name("App", "inboundAuthConfig[].config.clientId"),
            "APP_CLIENT_ID"
        );
        assert_eq!(snake_upper("ClientID"), "CLIENT_ID");
    }

    #[test]
    fn secrets_become_variables_and_redirect_uris_a_range_block() {
        let node = doc(
            r#"{"name": "App", "inboundAuthConfig": [{"type": "oauth2", "config":
                {"clientId": "c1", "clientSecret": "", "redirectUris": ["https://a/cb", "https://b/cb"],
                 "pkceRequired": true}}]}"#,
        );
        let rules = Rules {
            variables: vec![
                "inboundAuthConfig[].config.clientId",
                "inboundAuthConfig[].config.clientSecret",
            ],
            array_variables: vec!["inboundAuthConfig[].config.redirectUris"],
        };
        let (text, values) = parameterized(node, Some(&rules), "App");
        assert_eq!(
            text,
            "name: App\ninboundAuthConfig:\n  - type: oauth2\n    config:\n      clientId: {{.APP_CLIENT_ID}}\n      clientSecret: {{.APP_CLIENT_SECRET}}\n      redirectUris:\n        {{- range .APP_REDIRECT_URIS}}\n        - {{.}}\n        {{- end}}\n      pkceRequired: true\n"
        );
        assert_eq!(values["APP_CLIENT_ID"], "c1");
        assert_eq!(
            values["APP_REDIRECT_URIS"],
            r#"["https://a/cb","https://b/cb"]"#
        );
        assert!(!values.contains_key("APP_CLIENT_SECRET"));
    }

    #[test]
    fn json_in_a_sequence_item_is_single_quoted_and_empty_strings_stay_bare() {
        let node = doc(r#"{"nodes": [{"id": "a", "meta": "{\"x\":1}", "next": ""}], "e": ""}"#);
        let (text, _) = parameterized(node, Some(&Rules::default()), "F");
        assert_eq!(
            text,
            "nodes:\n  - id: a\n    meta: '{\"x\":1}'\n    next: \ne: \n"
        );
    }

    #[test]
    fn strings_that_would_not_read_back_are_quoted_json_texts_are_not() {
        let node = Node::Map(vec![
            ("description".into(), Node::str("An app: public")),
            ("note".into(), Node::str("a #tag")),
            ("value".into(), Node::Json(r#"{"a":[1]}"#.into())),
            ("plain".into(), Node::str("Back to {{appName}}")),
            ("lines".into(), Node::str("a\nb")),
            (
                "items".into(),
                Node::Seq(vec![Node::str("- x"), Node::str("ok")]),
            ),
        ]);
        let (text, _) = parameterized(node, Some(&Rules::default()), "x");
        assert_eq!(
            text,
            "description: 'An app: public'\nnote: 'a #tag'\nvalue: {\"a\":[1]}\nplain: Back to {{appName}}\nlines: \"a\\nb\"\nitems:\n  - '- x'\n  - ok\n"
        );
    }

    #[test]
    fn an_empty_mapping_in_a_sequence_stays_a_document_line() {
        let node = Node::Map(vec![
            (
                "interceptors".into(),
                Node::Seq(vec![Node::Map(Vec::new())]),
            ),
            ("nodes".into(), Node::Seq(Vec::new())),
        ]);
        let (text, _) = parameterized(node, Some(&Rules::default()), "x");
        assert_eq!(text, "interceptors:\n  - {}\nnodes:\n");
    }

    #[test]
    fn without_rules_yaml_v3_quotes_what_would_read_as_another_type() {
        let node = Node::Map(vec![
            ("a".into(), Node::str("true")),
            ("b".into(), Node::str("12")),
            ("c".into(), Node::str("https://x:1/a")),
            ("d".into(), Node::Quoted(":".into())),
            ("e".into(), Node::str("a: b")),
            (
                "f".into(),
                Node::Seq(vec![Node::Map(vec![
                    ("name".into(), Node::str("n")),
                    (
                        "actions".into(),
                        Node::Seq(vec![Node::Map(vec![("h".into(), Node::str(""))])]),
                    ),
                ])]),
            ),
        ]);
        let (text, values) = parameterized(node, None, "x");
        assert_eq!(
            text,
            "a: \"true\"\nb: \"12\"\nc: https://x:1/a\nd: \":\"\ne: 'a: b'\nf:\n  - name: n\n    actions:\n      - h: \"\"\n"
        );
        assert!(values.is_empty());
    }

    #[test]
    fn floats_print_as_go_g() {
        assert_eq!(go_g(100.0), "100");
        assert_eq!(go_g(250.5), "250.5");
        assert_eq!(go_g(1_000_000.0), "1e+06");
        assert_eq!(go_g(0.00001), "1e-05");
    }

    #[test]
    fn the_template_pattern_finds_variables_and_range_blocks_only() {
        assert_eq!(
            template_variables("a {{.A_B}} {{- range .LIST}} {{ t(x) }} {{.lower}}"),
            vec!["A_B".to_owned(), "LIST".to_owned()]
        );
    }
}
