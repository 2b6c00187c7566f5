//! The `filter` query parameters.
//!
//! * [`UnitFilter`]: `/organization-units` and `/organization-units/{id}/ous`, as the real server
//!   parses them (`backend/internal/system/filter/parser.go`): `attribute (eq|gt|lt) value`, joined
//!   by `AND`/`OR` (AND binds tighter), the value quoted or a bare number or boolean. Matching is the
//!   server's in-memory one (`file_based_store.go` `evaluateSingleClause`): `eq` ignores case, `gt`
//!   and `lt` compare the text (timestamps as `2006-01-02T15:04:05Z`), and a non-text value matches
//!   nothing.
//! * [`LegacyFilter`]: the WSO2-style `filter` of the legacy organization lists, which the SDK
//!   passes through verbatim: `attribute op value` joined by `and`, with `op` one of `eq`, `ne`,
//!   `co`, `sw`, `ew` (case-insensitive), on `id`, `name` or `orgHandle`.

use std::sync::LazyLock;

use regex::Regex;

use crate::store::organizations::{UnitRecord, rfc3339};

/// Go's `\w`, `\s` and `\S` are ASCII classes (and `\s` has no vertical tab).
const EXPRESSION: &str = r#"^([0-9A-Za-z_]+(?:\.[0-9A-Za-z_]+)*)[\t\n\f\r ]+(eq|gt|lt)[\t\n\f\r ]+(?:"([^"]*)"|([^\t\n\f\r ]+))"#;
const CONNECTOR: &str = r"^(?i)[\t\n\f\r ]+(AND|OR)[\t\n\f\r ]+";

static EXPRESSION_RE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(EXPRESSION).ok());
static CONNECTOR_RE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(CONNECTOR).ok());

/// The attributes the server can filter units on (`ouFilterableColumns`).
const UNIT_ATTRIBUTES: &[&str] = &["name", "handle", "description", "createdAt", "updatedAt"];

/// A parsed unit filter: OR of AND-groups.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct UnitFilter {
    groups: Vec<Vec<Clause>>,
}

#[derive(Debug, Clone, PartialEq)]
struct Clause {
    attribute: String,
    operator: Operator,
    /// `None` for a bare number or boolean, which no text column equals.
    text: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    Eq,
    Gt,
    Lt,
}

impl UnitFilter {
    /// `ParseFilterGroup`; `Err` is OU-1014.
    pub(super) fn parse(filter: &str) -> Result<Self, ()> {
        let (Some(expression), Some(connector)) = (&*EXPRESSION_RE, &*CONNECTOR_RE) else {
            return Err(());
        };
        if filter.is_empty() {
            return Err(());
        }
        let mut remaining = filter;
        let mut groups: Vec<Vec<Clause>> = vec![Vec::new()];
        while !remaining.is_empty() {
            let captures = expression.captures(remaining).ok_or(())?;
            let whole = captures.get(0).ok_or(())?;
            let text = match (captures.get(3), captures.get(4)) {
                (Some(quoted), _) if !quoted.as_str().is_empty() => {
                    Some(quoted.as_str().to_owned())
                }
                (_, Some(bare)) if is_go_scalar(bare.as_str()) => None,
                _ => return Err(()),
            };
            let operator = match &captures[2] {
                "eq" => Operator::Eq,
                "gt" => Operator::Gt,
                _ => Operator::Lt,
            };
            let clause = Clause {
                attribute: captures[1].to_owned(),
                operator,
                text,
            };
            groups.last_mut().ok_or(())?.push(clause);
            remaining = &remaining[whole.end()..];
            if remaining.is_empty() {
                break;
            }
            let joint = connector.captures(remaining).ok_or(())?;
            if joint[1].eq_ignore_ascii_case("OR") {
                groups.push(Vec::new());
            }
            remaining = &remaining[joint.get(0).ok_or(())?.end()..];
        }
        Ok(Self { groups })
    }

    /// Whether every attribute is filterable (the service's check, after paging validation).
    pub(super) fn attributes_supported(&self) -> bool {
        self.groups
            .iter()
            .flatten()
            .all(|clause| UNIT_ATTRIBUTES.contains(&clause.attribute.as_str()))
    }

    pub(super) fn matches(&self, unit: &UnitRecord) -> bool {
        self.groups
            .iter()
            .any(|group| group.iter().all(|clause| clause.matches(unit)))
    }
}

impl Clause {
    fn matches(&self, unit: &UnitRecord) -> bool {
        let value = match self.attribute.as_str() {
            "name" => unit.name.clone(),
            "handle" => unit.handle.clone(),
            "description" => unit.description.clone(),
            "createdAt" => rfc3339(unit.created_at),
            "updatedAt" => rfc3339(unit.updated_at),
            _ => return false,
        };
        let Some(target) = &self.text else {
            return false;
        };
        match self.operator {
            Operator::Eq => value.to_lowercase() == target.to_lowercase(),
            Operator::Gt => value.as_str() > target.as_str(),
            Operator::Lt => value.as_str() < target.as_str(),
        }
    }
}

/// Whether a bare value parses as Go's `ParseInt`, `ParseFloat` or `ParseBool` would accept it.
fn is_go_scalar(raw: &str) -> bool {
    raw.parse::<i64>().is_ok()
        || raw.parse::<f64>().is_ok()
        || matches!(
            raw,
            "1" | "t"
                | "T"
                | "TRUE"
                | "true"
                | "True"
                | "0"
                | "f"
                | "F"
                | "FALSE"
                | "false"
                | "False"
        )
}

/// A parsed legacy filter: every clause must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LegacyFilter {
    clauses: Vec<LegacyClause>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct LegacyClause {
    attribute: LegacyAttribute,
    operator: LegacyOperator,
    value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LegacyAttribute {
    Id,
    Name,
    Handle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LegacyOperator {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
}

impl LegacyFilter {
    /// `Err` is OU-1014.
    pub(super) fn parse(filter: &str) -> Result<Self, ()> {
        let words: Vec<&str> = filter.split_whitespace().collect();
        let mut clauses = Vec::new();
        for chunk in words.split(|word| word.eq_ignore_ascii_case("and")) {
            let [attribute, operator, value @ ..] = chunk else {
                return Err(());
            };
            let value = value.join(" ");
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(&value);
            if value.is_empty() {
                return Err(());
            }
            let attribute = match *attribute {
                "id" => LegacyAttribute::Id,
                "name" => LegacyAttribute::Name,
                "orgHandle" => LegacyAttribute::Handle,
                _ => return Err(()),
            };
            let operator = match operator.to_ascii_lowercase().as_str() {
                "eq" => LegacyOperator::Eq,
                "ne" => LegacyOperator::Ne,
                "co" => LegacyOperator::Co,
                "sw" => LegacyOperator::Sw,
                "ew" => LegacyOperator::Ew,
                _ => return Err(()),
            };
            clauses.push(LegacyClause {
                attribute,
                operator,
                value: value.to_owned(),
            });
        }
        Ok(Self { clauses })
    }

    pub(super) fn matches(&self, unit: &UnitRecord) -> bool {
        self.clauses.iter().all(|clause| {
            let field = match clause.attribute {
                LegacyAttribute::Id => &unit.id,
                LegacyAttribute::Name => &unit.name,
                LegacyAttribute::Handle => &unit.handle,
            };
            let value = clause.value.as_str();
            match clause.operator {
                LegacyOperator::Eq => field == value,
                LegacyOperator::Ne => field != value,
                LegacyOperator::Co => field.contains(value),
                LegacyOperator::Sw => field.starts_with(value),
                LegacyOperator::Ew => field.ends_with(value),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use thunderid_protocol::organizations::OrganizationUnitSettings;

    use super::*;

    fn unit(name: &str, handle: &str) -> UnitRecord {
        UnitRecord {
            id: format!("id-{handle}"),
            handle: handle.to_owned(),
            name: name.to_owned(),
            description: String::new(),
            parent: None,
            is_registration_flow_enabled: false,
            is_recovery_flow_enabled: false,
            settings: OrganizationUnitSettings::default(),
            created_at: 1_767_225_600,
            updated_at: 1_767_225_600,
        }
    }

    #[test]
    fn unit_filters_parse_as_the_server_parses_them() {
        for ok in [
            r#"name eq "Sales""#,
            r#"name eq "A" OR handle eq "b" and description lt "z""#,
            "name eq 5",
            "name eq true",
            "a.b gt 1.5",
        ] {
            assert!(UnitFilter::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "name",
            r#"name ne "x""#,
            r#"name eq """#,
            "name eq bare",
            r#"name eq "x" XOR handle eq "y""#,
            r#"name eq "x" "#,
            r#"name-x eq "x""#,
            r#"name  eq "x"extra"#,
        ] {
            assert!(UnitFilter::parse(bad).is_err(), "{bad}");
        }
        let unsupported = UnitFilter::parse(r#"parent eq "x""#).expect("syntax");
        assert!(!unsupported.attributes_supported());
    }

    #[test]
    fn and_binds_tighter_than_or_and_eq_ignores_case() {
        let sales = unit("Sales", "sales");
        let filter = UnitFilter::parse(r#"name eq "sales" AND handle eq "x" OR handle eq "SALES""#)
            .expect("parses");
        assert!(filter.matches(&sales));
        let filter = UnitFilter::parse(r#"name eq "sales" AND handle eq "x""#).expect("parses");
        assert!(!filter.matches(&sales));
        let filter = UnitFilter::parse(r#"createdAt lt "2026-01-02T00:00:00Z""#).expect("parses");
        assert!(filter.matches(&sales));
        assert!(
            !UnitFilter::parse("name eq 5")
                .expect("parses")
                .matches(&sales)
        );
    }

    #[test]
    fn legacy_filters_use_wso2_operators() {
        let platform = unit("Platform Team", "platform");
        let filter =
            LegacyFilter::parse(r#"name sw Plat and orgHandle EQ "platform""#).expect("ok");
        assert!(filter.matches(&platform));
        assert!(
            LegacyFilter::parse(r#"name co "Team""#)
                .expect("ok")
                .matches(&platform)
        );
        assert!(
            !LegacyFilter::parse("name ew Plat")
                .expect("ok")
                .matches(&platform)
        );
        for bad in [
            "name",
            "name zz x",
            "parent eq x",
            "name eq \"\"",
            "name eq x and",
        ] {
            assert!(LegacyFilter::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_filter_text_parses_or_is_refused_without_panicking(text in ".{0,60}") {
            let sales = unit("Sales", "sales");
            if let Ok(filter) = UnitFilter::parse(&text) {
                let _ = filter.matches(&sales);
            }
            if let Ok(filter) = LegacyFilter::parse(&text) {
                let _ = filter.matches(&sales);
            }
        }
    }
}
