//! The design API (`backend/internal/design/`): themes and layouts (`theme/mgt`, `layout/mgt`: the
//! same operations and order with their own codes) and `GET /design/resolve` (`resolve`), which
//! `/flow/meta` also asks, so a theme set on an application recolours its sign-in pages at once.

mod wire;

use std::collections::BTreeMap;

use serde_json::Value;
use serde_json::value::RawValue;
use thunderid_protocol::ApiErrorCode;

use crate::error::MockError;
use crate::service::request::{self, GoObject};
use crate::state::AppState;
use crate::store::declared::{Kind as Declared, MAX_COMPOSITE_RECORDS, files_first};
use crate::store::design::{Catalogue, DesignRecord, Designs};

pub(crate) use wire::{DesignList, DesignResponse, ResolvedDesign, Usages};

/// Themes or layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Theme,
    Layout,
}

/// A kind's error codes, in the service's terms.
struct Codes {
    invalid_data: ApiErrorCode,
    not_found: ApiErrorCode,
    missing_display_name: ApiErrorCode,
    missing_document: ApiErrorCode,
    invalid_format: ApiErrorCode,
    limit_value: ApiErrorCode,
    offset_value: ApiErrorCode,
    limit_param: ApiErrorCode,
    offset_param: ApiErrorCode,
    duplicate_handle: ApiErrorCode,
    missing_handle: ApiErrorCode,
    handle_immutable: ApiErrorCode,
}

impl Kind {
    /// The document's member name, and the import kind.
    pub(crate) fn member(self) -> &'static str {
        match self {
            Self::Theme => "theme",
            Self::Layout => "layout",
        }
    }

    fn catalogue(self, designs: &Designs) -> &Catalogue {
        match self {
            Self::Theme => &designs.themes,
            Self::Layout => &designs.layouts,
        }
    }

    fn declared(self) -> Declared {
        match self {
            Self::Theme => Declared::Theme,
            Self::Layout => Declared::Layout,
        }
    }

    fn catalogue_mut(self, designs: &mut Designs) -> &mut Catalogue {
        match self {
            Self::Theme => &mut designs.themes,
            Self::Layout => &mut designs.layouts,
        }
    }

    /// THM-1014 / LAY-1015 for a theme or layout a declarative file loaded (the services ask
    /// before they look the record up). The responses' `isReadOnly` stays false: the handlers
    /// never copy it.
    fn check_mutable(self, state: &AppState, id: &str) -> Result<(), MockError> {
        let code = match self {
            Self::Theme => ApiErrorCode::ThemeCannotModifyDeclarativeResource,
            Self::Layout => ApiErrorCode::LayoutCannotModifyDeclarativeResource,
        };
        if state.is_declarative(self.declared(), id) {
            return Err(MockError::api(code));
        }
        Ok(())
    }

    fn codes(self) -> Codes {
        use ApiErrorCode as C;
        match self {
            Self::Theme => Codes {
                invalid_data: C::ThemeInvalidThemeData,
                not_found: C::ThemeThemeNotFound,
                missing_display_name: C::ThemeMissingDisplayName,
                missing_document: C::ThemeMissingTheme,
                invalid_format: C::ThemeInvalidThemeFormat,
                limit_value: C::ThemeInvalidLimitValue,
                offset_value: C::ThemeInvalidOffsetValue,
                limit_param: C::ThemeInvalidLimitParam,
                offset_param: C::ThemeInvalidOffsetParam,
                duplicate_handle: C::ThemeDuplicateThemeHandle,
                missing_handle: C::ThemeMissingThemeHandle,
                handle_immutable: C::ThemeThemeHandleImmutable,
            },
            Self::Layout => Codes {
                invalid_data: C::LayoutInvalidLayoutData,
                not_found: C::LayoutLayoutNotFound,
                missing_display_name: C::LayoutMissingDisplayName,
                missing_document: C::LayoutMissingLayout,
                invalid_format: C::LayoutInvalidLayoutFormat,
                limit_value: C::LayoutInvalidLimitValue,
                offset_value: C::LayoutInvalidOffsetValue,
                limit_param: C::LayoutInvalidLimitParam,
                offset_param: C::LayoutInvalidOffsetParam,
                duplicate_handle: C::LayoutDuplicateLayoutHandle,
                missing_handle: C::LayoutMissingLayoutHandle,
                handle_immutable: C::LayoutLayoutHandleImmutable,
            },
        }
    }

    /// The custom description of an out-of-range limit.
    fn limit_key(self) -> &'static str {
        match self {
            Self::Theme => "error.themeservice.invalid_limit_value_description",
            Self::Layout => "error.layoutservice.invalid_limit_value_description",
        }
    }
}

/// A create or update request (`CreateThemeRequest`, `UpdateLayoutRequest`, …).
#[derive(Debug, Clone, Default)]
pub(crate) struct DesignRequest {
    pub(crate) handle: String,
    pub(crate) display_name: String,
    pub(crate) description: String,
    /// The document as given (`json.RawMessage`); `None` when absent.
    pub(crate) document: Option<String>,
}

impl DesignRequest {
    /// Decode a body as Go fills the request struct: string members, and the document's raw text.
    fn decode(kind: Kind, body: &[u8]) -> Result<Self, MockError> {
        let invalid = || MockError::api(kind.codes().invalid_data);
        let fields = ["handle", "displayName", "description", kind.member()];
        let object = GoObject::decode(body, &fields).map_err(|_| invalid())?;
        let text = |name| object.string(name).map_err(|_| invalid());
        let document = if object.is_null(kind.member()) {
            Some("null".to_owned())
        } else {
            raw_member(body, kind.member()).map_err(|()| invalid())?
        };
        Ok(Self {
            handle: text("handle")?,
            display_name: text("displayName")?,
            description: text("description")?,
            document,
        })
    }
}

/// The raw text of `member` in a body object (exact name first, else ignoring case; the last
/// duplicate wins, as Go's decoder fills a field), compacted.
fn raw_member(body: &[u8], member: &str) -> Result<Option<String>, ()> {
    let entries: Option<Vec<(String, Box<RawValue>)>> = serde_json::Deserializer::from_slice(body)
        .into_iter::<Option<BTreeMapRaw>>()
        .next()
        .and_then(Result::ok)
        .map(|m| m.map(|m| m.0).unwrap_or_default());
    let entries = entries.ok_or(())?;
    let exact = entries.iter().rev().find(|(k, _)| k == member);
    let found = exact.or_else(|| {
        entries
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(member))
    });
    Ok(found.map(|(_, raw)| compact(raw.get())))
}

/// Object members in order, with their raw values.
struct BTreeMapRaw(Vec<(String, Box<RawValue>)>);

impl<'de> serde::Deserialize<'de> for BTreeMapRaw {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = BTreeMapRaw;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Box<RawValue>>()? {
                    entries.push((k, v));
                }
                Ok(BTreeMapRaw(entries))
            }
        }
        d.deserialize_map(Visitor)
    }
}

/// JSON text without insignificant whitespace (`json.Compact`), order and spelling kept.
fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// `validateThemePreferences`: present (`…-1006`), and a JSON object or `null` (`…-1007`).
fn check_document(kind: Kind, document: Option<&str>) -> Result<String, MockError> {
    let codes = kind.codes();
    let document = document
        .filter(|d| !d.is_empty())
        .ok_or_else(|| MockError::api(codes.missing_document))?;
    match serde_json::from_str::<Value>(document) {
        Ok(Value::Object(_) | Value::Null) => Ok(document.to_owned()),
        _ => Err(MockError::api(codes.invalid_format)),
    }
}

/// The database's `datetime('now')`.
fn db_time(state: &AppState) -> String {
    crate::store::registry::sql_datetime(state.now())
}

/// `parsePaginationParams` then `validatePaginationParams`: limit and offset as integers
/// (`…-1010`/`…-1011`), a missing or zero limit is 30, then the range (`…-1008` with the server's
/// own description, `…-1009`).
fn paging(kind: Kind, query: &request::Query) -> Result<(usize, usize), MockError> {
    let codes = kind.codes();
    let parse = |name, code: &ApiErrorCode| match query.get(name).filter(|v| !v.is_empty()) {
        None => Ok(0),
        Some(v) => v.parse::<i64>().map_err(|_| MockError::api(code.clone())),
    };
    let mut limit = parse("limit", &codes.limit_param)?;
    let offset = parse("offset", &codes.offset_param)?;
    if limit == 0 {
        limit = request::DEFAULT_PAGE_SIZE;
    }
    if !(1..=request::MAX_PAGE_SIZE).contains(&limit) {
        let mut error = codes.limit_value.to_error();
        error.description.key = kind.limit_key().to_owned();
        error.description.default_value = Some(format!(
            "Limit must be between 1 and {}",
            request::MAX_PAGE_SIZE
        ));
        error.description.params = Some(BTreeMap::from([(
            "max".to_owned(),
            request::MAX_PAGE_SIZE.to_string(),
        )]));
        return Err(MockError::api_error(error));
    }
    let offset = usize::try_from(offset).map_err(|_| MockError::api(codes.offset_value))?;
    Ok((limit as usize, offset))
}

/// `GET /design/themes` (and layouts): newest first. In the composite store mode more than
/// [`MAX_COMPOSITE_RECORDS`] (the database's and the files' together) fail the list after the
/// paging checks, whatever the page: the store's `errResultLimitExceededInCompositeMode`, which
/// the service does not map, so the server's 500.
pub(crate) fn list(
    state: &AppState,
    kind: Kind,
    query: &request::Query,
) -> Result<DesignList, MockError> {
    let (limit, offset) = paging(kind, query)?;
    let designs = state.stores().designs.current();
    let catalogue = kind.catalogue(&designs);
    let total = catalogue.len();
    if over_limit(state, catalogue) {
        return Err(MockError::Internal(anyhow::anyhow!(
            "{}s: result limit exceeded in composite mode",
            kind.member()
        )));
    }
    // `mergeAndDeduplicateThemes` / `…Layouts` put the files' records first, by id.
    let declared = state.declared_ids(kind.declared());
    let mut all: Vec<&DesignRecord> = catalogue.newest_first().collect();
    files_first(&mut all, |r| {
        declared.contains(&r.id).then_some(r.id.as_str())
    });
    let page: Vec<DesignRecord> = all.into_iter().skip(offset).take(limit).cloned().collect();
    Ok(DesignList::new(kind, total, offset, limit, page))
}

/// `POST /design/themes`: 201.
pub(crate) fn create(
    state: &AppState,
    kind: Kind,
    body: &[u8],
) -> Result<DesignResponse, MockError> {
    let request = DesignRequest::decode(kind, body)?;
    let record = create_with_id(state, kind, None, request)?;
    Ok(DesignResponse::written(kind, &record))
}

/// `CreateTheme` with an optional id (the API generates one; `/import` brings its own).
pub(crate) fn create_with_id(
    state: &AppState,
    kind: Kind,
    id: Option<String>,
    request: DesignRequest,
) -> Result<DesignRecord, MockError> {
    let codes = kind.codes();
    if request.display_name.is_empty() {
        return Err(MockError::api(codes.missing_display_name));
    }
    if request.handle.is_empty() {
        return Err(MockError::api(codes.missing_handle));
    }
    let now = db_time(state);
    let id = id.unwrap_or_else(|| crate::ids::uuid_v7(state.now()));
    state.stores().designs.update(|designs| {
        let catalogue = kind.catalogue_mut(designs);
        if catalogue.get(&id).is_some() {
            // The store's primary key refuses it: the server answers 500.
            return Err(MockError::Internal(anyhow::anyhow!(
                "{} {id} exists",
                kind.member()
            )));
        }
        if catalogue.handle_taken(&request.handle, "") {
            return Err(MockError::api(codes.duplicate_handle.clone()));
        }
        let document = check_document(kind, request.document.as_deref())?;
        let record = DesignRecord {
            id: id.clone(),
            handle: request.handle.clone(),
            display_name: request.display_name.clone(),
            description: request.description.clone(),
            document,
            created_at: now.clone(),
            updated_at: now.clone(),
        };
        catalogue.insert(record.clone());
        Ok(record)
    })
}

/// `GET /design/themes/{id}`.
pub(crate) fn get(state: &AppState, kind: Kind, id: &str) -> Result<DesignResponse, MockError> {
    let designs = state.stores().designs.current();
    let record = kind
        .catalogue(&designs)
        .get(id)
        .ok_or_else(|| MockError::api(kind.codes().not_found))?;
    Ok(DesignResponse::stored(kind, record))
}

/// `PUT /design/themes/{id}`: display name, then the record, then handle and document.
pub(crate) fn update(
    state: &AppState,
    kind: Kind,
    id: &str,
    body: &[u8],
) -> Result<DesignResponse, MockError> {
    let request = DesignRequest::decode(kind, body)?;
    let record = update_record(state, kind, id, request)?;
    Ok(DesignResponse::written(kind, &record))
}

/// `UpdateTheme` (the API and `/import`).
pub(crate) fn update_record(
    state: &AppState,
    kind: Kind,
    id: &str,
    request: DesignRequest,
) -> Result<DesignRecord, MockError> {
    let codes = kind.codes();
    if request.display_name.is_empty() {
        return Err(MockError::api(codes.missing_display_name));
    }
    kind.check_mutable(state, id)?;
    let now = db_time(state);
    state.stores().designs.update(|designs| {
        let catalogue = kind.catalogue_mut(designs);
        let existing = catalogue
            .get(id)
            .cloned()
            .ok_or_else(|| MockError::api(codes.not_found.clone()))?;
        if !request.handle.is_empty() && request.handle != existing.handle {
            return Err(MockError::api(codes.handle_immutable.clone()));
        }
        let document = check_document(kind, request.document.as_deref())?;
        let record = DesignRecord {
            display_name: request.display_name.clone(),
            description: request.description.clone(),
            document,
            updated_at: now.clone(),
            ..existing
        };
        catalogue.replace(record.clone());
        Ok(record)
    })
}

/// `DELETE /design/themes/{id}`: 204 whether or not it existed, and whoever uses it (they fall
/// back to the default design); refused first for one a declarative file loaded.
pub(crate) fn delete(state: &AppState, kind: Kind, id: &str) -> Result<(), MockError> {
    kind.check_mutable(state, id)?;
    state
        .stores()
        .designs
        .update(|designs| {
            kind.catalogue_mut(designs).remove(id);
            Ok::<_, MockError>(())
        })
        .ok();
    Ok(())
}

/// `GET /design/themes/{id}/usages`: the applications that name it, a page of them.
pub(crate) fn usages(
    state: &AppState,
    kind: Kind,
    id: &str,
    query: &request::Query,
) -> Result<Usages, MockError> {
    let (limit, offset) = paging(kind, query)?;
    if kind
        .catalogue(&state.stores().designs.current())
        .get(id)
        .is_none()
    {
        return Err(MockError::api(kind.codes().not_found));
    }
    let registry = state.registry();
    let mut users: Vec<(&'static str, String, String)> = registry
        .applications()
        .filter(|app| {
            let reference = match kind {
                Kind::Theme => &app.theme_id,
                Kind::Layout => &app.layout_id,
            };
            reference.as_deref() == Some(id)
        })
        .map(|app| ("application", app.id.clone(), app.name.clone()))
        .collect();
    // Agents share the inbound-client store and report after the applications.
    users.extend(
        registry
            .agents
            .all()
            .filter(|agent| {
                agent.inbound.as_ref().is_some_and(|i| match kind {
                    Kind::Theme => i.profile.theme_id == id,
                    Kind::Layout => i.profile.layout_id == id,
                })
            })
            .map(|agent| ("agent", agent.id.clone(), agent.name.clone())),
    );
    Ok(Usages::page(users, offset, limit))
}

/// The ids of the stored themes and layouts (what an application may name).
pub(crate) fn ids(state: &AppState) -> (Vec<String>, Vec<String>) {
    let designs = state.stores().designs.current();
    let ids = |c: &Catalogue| c.newest_first().map(|r| r.id.clone()).collect();
    (ids(&designs.themes), ids(&designs.layouts))
}

/// The ids an export of every theme (layout) reads by paging the list: none when the list fails
/// past the composite limit, as the export then skips the kind.
pub(crate) fn export_ids(state: &AppState, kind: Kind) -> Vec<String> {
    let designs = state.stores().designs.current();
    let catalogue = kind.catalogue(&designs);
    if over_limit(state, catalogue) {
        return Vec::new();
    }
    catalogue.newest_first().map(|r| r.id.clone()).collect()
}

/// `CompositeMergeListHelperWithLimit` in the composite store mode: more records than
/// [`MAX_COMPOSITE_RECORDS`]; the mutable mode's database store has no limit.
fn over_limit(state: &AppState, catalogue: &Catalogue) -> bool {
    state.config().read_only_resources && catalogue.len() > MAX_COMPOSITE_RECORDS
}

/// `GET /design/resolve?type=APP&id=…`: the application's theme and layout; one that no longer
/// exists is left out.
pub(crate) fn resolve(
    state: &AppState,
    resolve_type: &str,
    id: &str,
) -> Result<ResolvedDesign, MockError> {
    use ApiErrorCode as C;
    let resolve_type = resolve_type.to_uppercase();
    if resolve_type.is_empty() {
        return Err(MockError::api(C::DesignInvalidResolveType));
    }
    if id.is_empty() {
        return Err(MockError::api(C::DesignMissingResolveID));
    }
    if resolve_type != "APP" {
        return Err(MockError::api(C::DesignUnsupportedResolveType));
    }
    let registry = state.registry();
    let app = registry
        .application(id)
        .ok_or_else(|| MockError::api(C::DesignApplicationNotFound))?;
    let theme_id = app.theme_id.clone().unwrap_or_default();
    let layout_id = app.layout_id.clone().unwrap_or_default();
    if theme_id.is_empty() && layout_id.is_empty() {
        return Err(MockError::api(C::DesignApplicationHasNoDesign));
    }
    let designs = state.stores().designs.current();
    let document = |c: &Catalogue, id: &str| c.get(id).map(|r| r.document.clone());
    Ok(ResolvedDesign {
        theme: document(&designs.themes, &theme_id),
        layout: document(&designs.layouts, &layout_id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacting_keeps_order_spelling_and_string_spaces() {
        assert_eq!(
            compact("{ \"b\" : [1.0, 2 ],\n \"a\": \"x  \\\" y\" }"),
            "{\"b\":[1.0,2],\"a\":\"x  \\\" y\"}"
        );
    }

    #[test]
    fn the_raw_member_is_the_last_one_matching_exactly_else_ignoring_case() {
        let body = br#"{"Theme": {"z": 1}, "theme": {"a": 2}, "theme": {"b": 3}}"#;
        assert_eq!(raw_member(body, "theme"), Ok(Some("{\"b\":3}".to_owned())));
        assert_eq!(
            raw_member(br#"{"THEME": []}"#, "theme"),
            Ok(Some("[]".to_owned()))
        );
        assert_eq!(raw_member(b"null", "theme"), Ok(None));
        assert_eq!(raw_member(b"[1]", "theme"), Err(()));
    }
}
