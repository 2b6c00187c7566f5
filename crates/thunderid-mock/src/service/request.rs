//! How the management handlers read a request, shared by every API: the query string
//! ([`Query`]), `limit`/`offset` and the pagination links ([`Paging`]), a JSON body as Go's
//! `json.Decoder` fills a struct ([`GoObject`]), and the `native` struct-tag checks
//! ([`FieldRules`], the server's `INVALID_INPUT_METADATA` body).

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::organizations::Link;

use crate::error::MockError;

/// `serverconst.DefaultPageSize`, used when `limit` is absent (or, for some APIs, 0).
pub(crate) const DEFAULT_PAGE_SIZE: i64 = 30;
/// `serverconst.MaxPageSize`.
pub(crate) const MAX_PAGE_SIZE: i64 = 100;

/// The query string as Go's `r.URL.Query()` reads it (first value wins).
#[derive(Debug, Default)]
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        Self(
            url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// `?include=display`.
    pub(crate) fn include_display(&self) -> bool {
        self.get("include") == Some("display")
    }
}

/// How one API reads `limit` and `offset`: its two codes, and whether it is lenient (a `limit` of
/// 0 means the default and ranges are checked later, by the service) or strict (the handler refuses
/// a `limit` below 1 or an `offset` below 0 at once).
#[derive(Debug, Clone)]
pub(crate) struct PagingRules {
    pub limit: ApiErrorCode,
    pub offset: ApiErrorCode,
    pub lenient: bool,
}

/// `limit` and `offset` as parsed. Their ranges are checked by [`Paging::validate`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    limit: i64,
    offset: i64,
}

impl Paging {
    /// Values a handler parsed itself.
    pub(crate) fn new(limit: i64, offset: i64) -> Self {
        Self { limit, offset }
    }

    /// The handler's parse: an absent (or empty) value is the default; one that is not an integer
    /// is the API's code.
    pub(crate) fn parse(query: &Query, rules: &PagingRules) -> Result<Self, MockError> {
        let number = |name: &str, error: &ApiErrorCode| match query.get(name) {
            None | Some("") => Ok(None),
            Some(text) => text
                .parse::<i64>()
                .map(Some)
                .map_err(|_| MockError::api(error.clone())),
        };
        let limit = number("limit", &rules.limit)?;
        let offset = number("offset", &rules.offset)?.unwrap_or(0);
        if !rules.lenient {
            if limit.is_some_and(|l| l <= 0) {
                return Err(MockError::api(rules.limit.clone()));
            }
            if offset < 0 {
                return Err(MockError::api(rules.offset.clone()));
            }
        }
        let limit = match limit {
            None | Some(0) => DEFAULT_PAGE_SIZE,
            Some(limit) => limit,
        };
        Ok(Self { limit, offset })
    }

    /// `validatePaginationParams`: 1 ≤ limit ≤ 100, offset ≥ 0.
    pub(crate) fn validate(self, rules: &PagingRules) -> Result<Self, MockError> {
        if !(1..=MAX_PAGE_SIZE).contains(&self.limit) {
            return Err(MockError::api(rules.limit.clone()));
        }
        if self.offset < 0 {
            return Err(MockError::api(rules.offset.clone()));
        }
        Ok(self)
    }

    /// This page of `items`, and the total.
    pub(crate) fn slice<T>(self, items: Vec<T>) -> (Vec<T>, u64) {
        let total = items.len() as u64;
        let offset = usize::try_from(self.offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(self.limit).unwrap_or(0);
        (items.into_iter().skip(offset).take(limit).collect(), total)
    }

    pub(crate) fn start_index(self) -> u64 {
        u64::try_from(self.offset).unwrap_or_default() + 1
    }

    /// `BuildPaginationLinks(base, limit, offset, total, extra)`.
    pub(crate) fn links(self, base: &str, total: u64, extra: &str) -> Vec<Link> {
        let (limit, offset) = (self.limit, self.offset);
        let total = i64::try_from(total).unwrap_or(i64::MAX);
        let link = |offset: i64, rel: &str| Link {
            href: format!("{base}?offset={offset}&limit={limit}{extra}"),
            rel: rel.to_owned(),
        };
        let mut links = Vec::new();
        if limit <= 0 {
            return links;
        }
        if offset > 0 {
            links.push(link(0, "first"));
            links.push(link((offset - limit).max(0), "prev"));
        }
        if offset.saturating_add(limit) < total {
            links.push(link(offset.saturating_add(limit), "next"));
        }
        // Go's integer division truncates toward zero, so an empty list has its last page at 0.
        let last = (total - 1) / limit * limit;
        if offset < last {
            links.push(link(last, "last"));
        }
        links
    }
}

/// A page of a list: the items, and the five members every list body has.
#[derive(Debug)]
pub(crate) struct Page<T> {
    pub total_results: u64,
    pub start_index: u64,
    pub count: u64,
    pub items: Vec<T>,
    pub links: Vec<Link>,
}

impl Paging {
    /// Page `items`; `base` and `extra` build the links.
    pub(crate) fn page<T>(self, items: Vec<T>, base: &str, extra: &str) -> Page<T> {
        let (items, total) = self.slice(items);
        Page {
            total_results: total,
            start_index: self.start_index(),
            count: items.len() as u64,
            links: self.links(base, total, extra),
            items,
        }
    }
}

/// A JSON object's string member (`""` when absent or not a string): the documents `/import`
/// applies.
pub(crate) fn member_text(object: &Map<String, Value>, name: &str) -> String {
    object
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Envelope A for `code` with its description replaced (a handler's own text, or the service's
/// default with a detail appended); `key` `None` keeps the code's description key.
pub(crate) fn described(code: ApiErrorCode, key: Option<&str>, text: String) -> MockError {
    let mut error = code.to_error();
    if let Some(key) = key {
        error.description.key = key.to_owned();
    }
    error.description.default_value = Some(text);
    MockError::api_error(error)
}

/// A body the Go decoder could not read into the handler's struct: not JSON, not an object, or a
/// member of the wrong type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecodeError;

/// A JSON object as Go's `encoding/json` fills a struct from it: members matched to the struct's
/// field names exactly, else ignoring case; unknown members dropped; a `null` member leaves the
/// field at its zero value.
#[derive(Debug, Clone, Default)]
pub(crate) struct GoObject {
    fields: Map<String, Value>,
    /// Fields given as `null`: a `json.RawMessage` field keeps the four bytes.
    nulls: Vec<String>,
}

impl GoObject {
    /// The body's first JSON value (`json.NewDecoder(r.Body).Decode`): an object, or `null` (no
    /// fields set).
    pub(crate) fn decode(body: &[u8], fields: &[&str]) -> Result<Self, DecodeError> {
        let value: Value = crate::wire::decode_first_json(body).ok_or(DecodeError)?;
        Self::from_value(&value, fields)
    }

    /// A nested object (an array item, a member).
    pub(crate) fn from_value(value: &Value, fields: &[&str]) -> Result<Self, DecodeError> {
        let object = match value {
            Value::Null => return Ok(Self::default()),
            Value::Object(object) => object,
            _ => return Err(DecodeError),
        };
        let mut out = Self::default();
        for field in fields {
            let value = object.get(*field).or_else(|| {
                object
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(field))
                    .map(|(_, value)| value)
            });
            match value {
                Some(Value::Null) => out.nulls.push((*field).to_owned()),
                Some(value) => {
                    out.fields.insert((*field).to_owned(), value.clone());
                }
                None => {}
            }
        }
        Ok(out)
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    /// The field was given as `null`.
    pub(crate) fn is_null(&self, name: &str) -> bool {
        self.nulls.iter().any(|n| n == name)
    }

    /// A string field; absent is "".
    pub(crate) fn string(&self, name: &str) -> Result<String, DecodeError> {
        Ok(self.opt_string(name)?.unwrap_or_default())
    }

    /// A `*string` field.
    pub(crate) fn opt_string(&self, name: &str) -> Result<Option<String>, DecodeError> {
        match self.fields.get(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(DecodeError),
        }
    }

    pub(crate) fn bool(&self, name: &str) -> Result<bool, DecodeError> {
        match self.fields.get(name) {
            None => Ok(false),
            Some(Value::Bool(value)) => Ok(*value),
            Some(_) => Err(DecodeError),
        }
    }

    /// A slice field; `None` when absent.
    pub(crate) fn array(&self, name: &str) -> Result<Option<&Vec<Value>>, DecodeError> {
        match self.fields.get(name) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(_) => Err(DecodeError),
        }
    }

    /// A `[]string` field.
    pub(crate) fn strings(&self, name: &str) -> Result<Vec<String>, DecodeError> {
        self.array(name)?
            .map(|items| {
                items
                    .iter()
                    .map(|item| match item {
                        Value::String(text) => Ok(text.clone()),
                        // Go decodes a `null` element of a []string as "".
                        Value::Null => Ok(String::new()),
                        _ => Err(DecodeError),
                    })
                    .collect()
            })
            .unwrap_or_else(|| Ok(Vec::new()))
    }

    /// A raw JSON member, as given.
    pub(crate) fn raw(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }
}

/// The `native` struct tags (`validateStructNatively`), top-level fields only: each field gets its
/// first failing rule; every failing field is reported.
#[derive(Debug, Default)]
pub(crate) struct FieldRules(BTreeMap<String, String>);

impl FieldRules {
    /// `required` (non-blank after trimming) then `max=N` bytes, when given.
    pub(crate) fn text(&mut self, name: &str, value: &str, required: bool, max: Option<usize>) {
        if required && value.trim().is_empty() {
            self.missing(name);
        } else if let Some(max) = max.filter(|max| value.len() > *max) {
            self.0.insert(
                name.to_owned(),
                format!("The field '{name}' exceeds its maximum allowed size of {max} characters."),
            );
        }
    }

    /// `required` on a slice, map or raw JSON: not absent and not empty.
    pub(crate) fn present(&mut self, name: &str, present: bool) {
        if !present {
            self.missing(name);
        }
    }

    fn missing(&mut self, name: &str) {
        self.0.insert(
            name.to_owned(),
            format!("The field '{name}' is missing but is strictly required."),
        );
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The structured 400 when any rule failed.
    pub(crate) fn finish(self) -> Result<(), MockError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(MockError::FieldValidation(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(limit: i64, offset: i64) -> Paging {
        Paging { limit, offset }
    }

    fn rels(links: &[Link]) -> Vec<(&str, &str)> {
        links
            .iter()
            .map(|l| (l.rel.as_str(), l.href.as_str()))
            .collect()
    }

    #[test]
    fn pagination_links_are_the_servers() {
        assert!(paging(30, 0).links("/ou", 0, "").is_empty());
        assert!(paging(2, 0).links("/ou", 2, "").is_empty());
        assert_eq!(
            rels(&paging(2, 0).links("/ou", 5, "")),
            [
                ("next", "/ou?offset=2&limit=2"),
                ("last", "/ou?offset=4&limit=2")
            ]
        );
        assert_eq!(
            rels(&paging(2, 3).links("/ou", 5, "&include=display")),
            [
                ("first", "/ou?offset=0&limit=2&include=display"),
                ("prev", "/ou?offset=1&limit=2&include=display"),
                ("last", "/ou?offset=4&limit=2&include=display"),
            ]
        );
        assert_eq!(
            rels(&paging(2, 9).links("/ou", 5, "")),
            [
                ("first", "/ou?offset=0&limit=2"),
                ("prev", "/ou?offset=7&limit=2")
            ]
        );
    }

    #[test]
    fn lenient_and_strict_parsing_differ_on_zero_and_negatives() {
        let lenient = PagingRules {
            limit: ApiErrorCode::GroupInvalidLimit,
            offset: ApiErrorCode::GroupInvalidOffset,
            lenient: true,
        };
        let strict = PagingRules {
            lenient: false,
            ..lenient.clone()
        };
        let (lenient, strict) = (&lenient, &strict);
        let q = |s: &str| Query::parse(Some(s));
        assert_eq!(Paging::parse(&q("limit=0"), lenient).unwrap().limit, 30);
        assert!(Paging::parse(&q("limit=0"), strict).is_err());
        assert!(Paging::parse(&q("limit=-1"), lenient).is_ok());
        assert!(
            Paging::parse(&q("limit=-1"), lenient)
                .unwrap()
                .validate(lenient)
                .is_err()
        );
        assert!(Paging::parse(&q("offset=-1"), strict).is_err());
        assert!(Paging::parse(&q("limit=x"), lenient).is_err());
        assert!(
            Paging::parse(&q("limit=101"), strict)
                .unwrap()
                .validate(strict)
                .is_err()
        );
    }

    #[test]
    fn bodies_decode_like_go() {
        let object = GoObject::decode(
            br#"{"NAME":"a","ouid":"b","x":1,"members":null} junk"#,
            &["name", "ouId", "members"],
        )
        .unwrap();
        assert_eq!(object.string("name"), Ok("a".to_owned()));
        assert_eq!(object.string("ouId"), Ok("b".to_owned()));
        assert!(!object.has("members"));
        assert!(GoObject::decode(b"[]", &["name"]).is_err());
        assert!(GoObject::decode(b"", &["name"]).is_err());
        let typed = GoObject::decode(br#"{"name":5}"#, &["name"]).unwrap();
        assert_eq!(typed.string("name"), Err(DecodeError));
        assert!(
            GoObject::decode(b"null", &["name"])
                .unwrap()
                .string("name")
                .unwrap()
                .is_empty()
        );
    }
}
