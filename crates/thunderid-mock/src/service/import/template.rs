//! The `/import` content as Go's `text/template` runs it (`IMP/resolver.go`) with `variables` as
//! data and `missingkey=error`: `{{.X}}`, `{{.X.Y}}`, `{{.}}`, `{{range .L}}…{{else}}…{{end}}`,
//! `{{if .X}}…{{else}}…{{end}}`, `{{with .X}}…{{end}}`, comments, and the `{{-` / `-}}` whitespace
//! trims. The flows' own placeholders (`{{ t(ns:key) }}`, `{{ meta(x) }}`, `{{appName}}`,
//! `{{ctx(x)}}`) are not template actions and stay verbatim, as the server shields them.
//!
//! Written by hand: the Go-template crates are unmaintained or pull in functions the server does
//! not have, and this subset is what the server's documents use.

use serde_json::Value;

/// The template's name in Go's error texts.
const NAME: &str = "import_content";

/// One piece of a parsed template.
#[derive(Debug, Clone)]
enum Node {
    Text(String),
    /// `{{ expr }}`, printed.
    Print {
        expr: String,
        line: usize,
        col: usize,
    },
    Range {
        expr: String,
        body: Vec<Node>,
        otherwise: Vec<Node>,
        line: usize,
        col: usize,
    },
    If {
        expr: String,
        body: Vec<Node>,
        otherwise: Vec<Node>,
        line: usize,
        col: usize,
    },
    With {
        expr: String,
        body: Vec<Node>,
        otherwise: Vec<Node>,
        line: usize,
        col: usize,
    },
}

/// Resolve `content` with `variables`; the error is Go's text.
pub(crate) fn render(content: &str, variables: &Value) -> Result<String, String> {
    let tokens = tokenize(content)?;
    let mut position = 0;
    let (nodes, end) = parse(&tokens, &mut position)?;
    if let Some(stray) = end {
        return Err(format!(
            "failed to parse import template: template: {NAME}:{}: unexpected {{{{{stray}}}}}",
            tokens.get(position.saturating_sub(1)).map_or(0, |t| t.line)
        ));
    }
    let mut out = String::with_capacity(content.len());
    execute(&nodes, variables, &mut out)?;
    Ok(out)
}

/// A lexed piece: text, or an action with where it starts.
#[derive(Debug, Clone)]
struct Token {
    action: Option<String>,
    text: String,
    line: usize,
    col: usize,
}

fn tokenize(content: &str) -> Result<Vec<Token>, String> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut rest = content;
    let mut consumed = 0;
    let position = |offset: usize| {
        let before = &content[..offset];
        let line = before.matches('\n').count() + 1;
        let col = offset - before.rfind('\n').map_or(0, |i| i + 1);
        (line, col)
    };
    while let Some(start) = rest.find("{{") {
        let Some(length) = rest[start..].find("}}") else {
            let (line, _) = position(consumed + start);
            return Err(format!(
                "failed to parse import template: template: {NAME}:{line}: unclosed action"
            ));
        };
        let inner = &rest[start + 2..start + length];
        // Go reports the position of the expression, after the braces (and a trim marker).
        let lead = inner.len() - inner.trim_start_matches(['-', ' ', '\t']).len();
        let (line, col) = position(consumed + start + 2 + lead);
        let mut text = rest[..start].to_owned();
        let trim_left = inner.starts_with('-') && inner[1..].starts_with(char::is_whitespace);
        let trim_right =
            inner.ends_with('-') && inner[..inner.len() - 1].ends_with(char::is_whitespace);
        let mut body = inner;
        if trim_left {
            body = &body[1..];
            text = text.trim_end().to_owned();
        }
        if trim_right {
            body = &body[..body.len() - 1];
        }
        let body = body.trim();
        if shielded(body) {
            // Not a template action: kept verbatim, with its braces.
            text.push_str(&rest[start..start + length + 2]);
            tokens.push(Token {
                action: None,
                text,
                line,
                col,
            });
        } else {
            tokens.push(Token {
                action: None,
                text,
                line,
                col,
            });
            tokens.push(Token {
                action: Some(body.to_owned()),
                text: String::new(),
                line,
                col,
            });
        }
        consumed += start + length + 2;
        rest = &rest[start + length + 2..];
        if trim_right {
            let trimmed = rest.trim_start();
            consumed += rest.len() - trimmed.len();
            rest = trimmed;
        }
    }
    tokens.push(Token {
        action: None,
        text: rest.to_owned(),
        line: 0,
        col: 0,
    });
    Ok(tokens)
}

/// Expressions the server protects from the template engine: the flows' helper calls and bare
/// identifiers (`t(...)`, `meta(...)`, `appName…`, `ctx(x)`).
fn shielded(body: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "range", "if", "with", "template", "block", "define", "end", "else",
    ];
    if body.starts_with("t(") || body.starts_with("meta(") || body.starts_with("appName") {
        return true;
    }
    if body.starts_with("/*") {
        return false;
    }
    let first = body.split_whitespace().next().unwrap_or_default();
    !(body.starts_with('.')
        || body.starts_with('$')
        || body.contains('|')
        || body.contains(":=")
        || body.contains(' ')
        || KEYWORDS.contains(&first))
}

/// Parse until `end` or `else`; returns the nodes and the keyword that stopped it.
fn parse(tokens: &[Token], position: &mut usize) -> Result<(Vec<Node>, Option<String>), String> {
    let mut nodes = Vec::new();
    while let Some(token) = tokens.get(*position) {
        *position += 1;
        let Some(action) = &token.action else {
            if !token.text.is_empty() {
                nodes.push(Node::Text(token.text.clone()));
            }
            continue;
        };
        let (line, col) = (token.line, token.col);
        if action.starts_with("/*") {
            continue;
        }
        let mut words = action.splitn(2, char::is_whitespace);
        let keyword = words.next().unwrap_or_default();
        let expr = words.next().unwrap_or_default().trim().to_owned();
        match keyword {
            "end" | "else" => return Ok((nodes, Some(keyword.to_owned()))),
            "range" | "if" | "with" => {
                let (body, stop) = parse(tokens, position)?;
                let otherwise = match stop.as_deref() {
                    Some("else") => match parse(tokens, position)? {
                        (nodes, Some(end)) if end == "end" => nodes,
                        _ => return Err(unclosed(keyword, line)),
                    },
                    Some("end") => Vec::new(),
                    _ => return Err(unclosed(keyword, line)),
                };
                nodes.push(match keyword {
                    "range" => Node::Range {
                        expr,
                        body,
                        otherwise,
                        line,
                        col,
                    },
                    "if" => Node::If {
                        expr,
                        body,
                        otherwise,
                        line,
                        col,
                    },
                    _ => Node::With {
                        expr,
                        body,
                        otherwise,
                        line,
                        col,
                    },
                });
            }
            _ => nodes.push(Node::Print {
                expr: action.clone(),
                line,
                col,
            }),
        }
    }
    Ok((nodes, None))
}

fn unclosed(keyword: &str, line: usize) -> String {
    format!("failed to parse import template: template: {NAME}:{line}: unexpected EOF in {keyword}")
}

fn execute(nodes: &[Node], dot: &Value, out: &mut String) -> Result<(), String> {
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Print { expr, line, col } => {
                out.push_str(&print(&evaluate(expr, dot, *line, *col)?));
            }
            Node::Range {
                expr,
                body,
                otherwise,
                line,
                col,
            } => {
                let items: Vec<Value> = match evaluate(expr, dot, *line, *col)? {
                    Value::Array(items) => items,
                    Value::Object(map) => map.into_iter().map(|(_, v)| v).collect(),
                    Value::Null => Vec::new(),
                    other => {
                        return Err(failure(
                            *line,
                            *col,
                            expr,
                            &format!("range can't iterate over {}", print(&other)),
                        ));
                    }
                };
                if items.is_empty() {
                    execute(otherwise, dot, out)?;
                }
                for item in &items {
                    execute(body, item, out)?;
                }
            }
            Node::If {
                expr,
                body,
                otherwise,
                line,
                col,
            } => {
                let value = evaluate(expr, dot, *line, *col)?;
                execute(if truthy(&value) { body } else { otherwise }, dot, out)?;
            }
            Node::With {
                expr,
                body,
                otherwise,
                line,
                col,
            } => {
                let value = evaluate(expr, dot, *line, *col)?;
                if truthy(&value) {
                    execute(body, &value, out)?;
                } else {
                    execute(otherwise, dot, out)?;
                }
            }
        }
    }
    Ok(())
}

/// `.`, `.X`, `.X.Y`; a missing key is an error (`missingkey=error`).
fn evaluate(expr: &str, dot: &Value, line: usize, col: usize) -> Result<Value, String> {
    let expr = expr.trim();
    if expr == "." {
        return Ok(dot.clone());
    }
    let Some(path) = expr.strip_prefix('.') else {
        return Err(failure(line, col, expr, "unsupported expression"));
    };
    let mut value = dot;
    for key in path.split('.') {
        value = match value {
            Value::Object(map) => map.get(key).ok_or_else(|| {
                failure(
                    line,
                    col,
                    expr,
                    &format!("map has no entry for key \"{key}\""),
                )
            })?,
            _ => {
                return Err(failure(
                    line,
                    col,
                    expr,
                    &format!("can't evaluate field {key} in type {}", go_type(value)),
                ));
            }
        };
    }
    Ok(value.clone())
}

fn failure(line: usize, col: usize, expr: &str, reason: &str) -> String {
    format!(
        "failed to resolve import template variables: template: {NAME}:{line}:{col}: executing \
         \"{NAME}\" at <{expr}>: {reason}"
    )
}

fn go_type(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "string",
        Value::Number(_) => "float64",
        Value::Bool(_) => "bool",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
        Value::Null => "interface {}",
    }
}

/// Go's template truth: false, 0, nil, empty string, array or map are false.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// How `{{.}}` prints a value (`fmt.Print`).
fn print(value: &Value) -> String {
    match value {
        Value::Null => "<no value>".to_owned(),
        Value::String(s) => s.clone(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(print).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(map) => format!(
            "map[{}]",
            map.iter()
                .map(|(k, v)| format!("{k}:{}", print(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_sdk_suites_placeholders_resolve() {
        let template = "clientId: \"{{.ID}}\"\nuris:\n  {{- range .URIS}}\n  - {{.}}\n  {{- end}}\nlabel: {{ t(signin:title) }} {{appName}}\n";
        let out = render(
            template,
            &json!({"ID": "abc", "URIS": ["http://a", "http://b"]}),
        )
        .expect("renders");
        assert_eq!(
            out,
            "clientId: \"abc\"\nuris:\n  - http://a\n  - http://b\nlabel: {{ t(signin:title) }} {{appName}}\n"
        );
    }

    #[test]
    fn a_missing_variable_is_gos_error() {
        let error = render("a\nb: {{.X}}", &json!({})).expect_err("missing");
        assert_eq!(
            error,
            "failed to resolve import template variables: template: import_content:2:5: executing \"import_content\" at <.X>: map has no entry for key \"X\""
        );
    }

    #[test]
    fn if_with_and_else_branches() {
        let out = render(
            "{{if .A}}yes{{else}}no{{end}}-{{with .B}}{{.C}}{{end}}",
            &json!({"A": false, "B": {"C": 1}}),
        )
        .expect("renders");
        assert_eq!(out, "no-1");
        assert!(render("{{range .L}}x", &json!({"L": []})).is_err());
    }
}
