//! `/flows` (`backend/internal/flow/mgt/`): the nine operations of `flow-management.yaml`. A flow
//! written here is live on the next request: the registry publishes a new version with it, and
//! executions started afterwards run it.
//!
//! Fixture flows are stored flows at version 1 (as the bootstrap creates them) unless the fixture
//! marks them `isReadOnly` — those behave as the server's declarative (file-backed) flows.

mod raw;
mod validate;

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{
    FlowDefinition, FlowListResponse, FlowResponse, FlowSummary, FlowType, FlowVersionListResponse,
    FlowVersionResponse, FlowVersionSummary, RestoreFlowVersionRequest,
};
use thunderid_protocol::user_management::{Usage, UsageResponse};

use crate::error::MockError;
use crate::service::applications;
use crate::service::request::{Paging, Query};
use crate::state::AppState;
use crate::store::registry::{Registry, sql_datetime};
use crate::wire::{decode_first_json, sanitize};
use raw::RawFlow;

/// `flow.max_version_history`'s default.
const MAX_VERSION_HISTORY: usize = 10;
const DEFAULT_PAGE_SIZE: i64 = 30;
const MAX_PAGE_SIZE: i64 = 100;

fn api(code: ApiErrorCode) -> MockError {
    MockError::api(code)
}

/// `GET /flows?limit&offset&flowType`: stored flows newest first, then read-only ones.
pub(crate) fn list(state: &AppState, query: &Query) -> Result<FlowListResponse, MockError> {
    let number = |name: &str, code: ApiErrorCode| match query.get(name) {
        None | Some("") => Ok(None),
        Some(text) => match text.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(Some(n)),
            _ => Err(api(code)),
        },
    };
    let limit = number("limit", ApiErrorCode::FlowMgtInvalidLimit)?;
    let offset = number("offset", ApiErrorCode::FlowMgtInvalidOffset)?.unwrap_or(0);
    let limit = match limit {
        None | Some(0) => DEFAULT_PAGE_SIZE,
        Some(l) => l.min(MAX_PAGE_SIZE),
    };
    let flow_type = query.get("flowType").unwrap_or_default();
    if !flow_type.is_empty() && !validate::is_valid_flow_type(flow_type) {
        return Err(api(ApiErrorCode::FlowMgtInvalidFlowType));
    }
    let registry = state.registry();
    let matching = |f: &&FlowDefinition| flow_type.is_empty() || f.flow_type.as_str() == flow_type;
    let stored = registry.flows().iter().rev().filter(|f| !read_only(f));
    // `mergeAndDeduplicateFlows`: the database's, then the file store's by id.
    let mut declarative: Vec<&FlowDefinition> =
        registry.flows().iter().filter(|f| read_only(f)).collect();
    declarative.sort_by(|a, b| a.id.cmp(&b.id));
    let all: Vec<&FlowDefinition> = stored.chain(declarative).filter(matching).collect();
    // The flow handler's links are rooted at `/flows` and do not carry `flowType`.
    let page = Paging::new(limit, offset).page(all, "/flows", "");
    Ok(FlowListResponse {
        total_results: page.total_results,
        start_index: page.start_index,
        count: page.count,
        flows: page.items.into_iter().map(summary).collect(),
        links: page.links,
    })
}

fn read_only(flow: &FlowDefinition) -> bool {
    flow.is_read_only == Some(true)
}

fn summary(flow: &FlowDefinition) -> FlowSummary {
    FlowSummary {
        id: flow.id.as_str().to_owned(),
        handle: flow.handle.clone(),
        flow_type: flow.flow_type.as_str().to_owned(),
        name: flow.name.clone(),
        active_version: flow.active_version.unwrap_or(1),
        created_at: flow.created_at.clone().unwrap_or_default(),
        updated_at: flow.updated_at.clone().unwrap_or_default(),
        is_read_only: read_only(flow),
    }
}

fn response(flow: &FlowDefinition) -> FlowResponse {
    FlowResponse {
        id: flow.id.as_str().to_owned(),
        handle: flow.handle.clone(),
        name: flow.name.clone(),
        flow_type: flow.flow_type.as_str().to_owned(),
        active_version: flow.active_version.unwrap_or(1),
        interceptors: flow.interceptors.clone(),
        nodes: flow.nodes.clone(),
        created_at: flow.created_at.clone().unwrap_or_default(),
        updated_at: flow.updated_at.clone().unwrap_or_default(),
        is_read_only: read_only(flow),
    }
}

/// A request body decoded and sanitized as the handler does; FLM-1001 when it does not decode.
fn read(body: &[u8]) -> Result<(RawFlow, Value), MockError> {
    let invalid = || api(ApiErrorCode::FlowMgtInvalidRequestFormat);
    let value: Value = decode_first_json(body).ok_or_else(invalid)?;
    let mut raw: RawFlow = serde_json::from_value(value.clone()).map_err(|_| invalid())?;
    // The request model has no `id`: one in the body is ignored.
    raw.id.clear();
    Ok((raw, value))
}

/// The validated definition as the engine's graph. The raw checks are the server's; the typed
/// parse can only fail on what they do not look at (a member of the wrong JSON type).
fn typed(raw: &RawFlow, body: &Value, id: &str) -> Result<FlowDefinition, MockError> {
    let mut object = body.as_object().cloned().unwrap_or_default();
    object.insert("id".into(), Value::String(id.to_owned()));
    object.insert("handle".into(), Value::String(raw.handle.clone()));
    object.insert("name".into(), Value::String(raw.name.clone()));
    for member in ["activeVersion", "isReadOnly", "createdAt", "updatedAt"] {
        object.remove(member);
    }
    if let Some(Value::Array(interceptors)) = object.get_mut("interceptors") {
        for (interceptor, clean) in interceptors.iter_mut().zip(&raw.interceptors) {
            if let Some(i) = interceptor.as_object_mut() {
                i.insert("name".into(), Value::String(clean.name.clone()));
            }
        }
    }
    serde_json::from_value(Value::Object(object))
        .map_err(|_| api(ApiErrorCode::FlowMgtInvalidRequestFormat))
}

fn sanitized(mut raw: RawFlow) -> RawFlow {
    raw.handle = sanitize(&raw.handle);
    raw.name = sanitize(&raw.name);
    for interceptor in &mut raw.interceptors {
        interceptor.name = sanitize(&interceptor.name);
    }
    raw
}

/// A CALL node must name a flow the mock has: the engine follows it without looking again.
fn check_call_targets(registry: &Registry, flow: &FlowDefinition) -> Result<(), MockError> {
    let missing = flow
        .nodes
        .iter()
        .filter_map(|n| n.flow.as_ref())
        .any(|target| {
            target.reference.as_str() != flow.id.as_str()
                && registry.flow(target.reference.as_str()).is_none()
        });
    if missing {
        return Err(api(ApiErrorCode::FlowMgtCallTargetFlowNotFound));
    }
    Ok(())
}

/// `POST /flows`: 201 with the flow at version 1.
pub(crate) fn create(state: &AppState, body: &[u8]) -> Result<FlowResponse, MockError> {
    let (raw, value) = read(body)?;
    create_checked(state, sanitized(raw), &value, None)
}

/// Create a flow (with `id` when an import names one).
pub(crate) fn create_checked(
    state: &AppState,
    mut raw: RawFlow,
    body: &Value,
    id: Option<String>,
) -> Result<FlowResponse, MockError> {
    raw.id = id.clone().unwrap_or_default();
    validate::validate(&raw, state.config().fake_captcha)?;
    let id = id.unwrap_or_else(|| crate::ids::uuid_v7(state.now()));
    let mut flow = typed(&raw, body, &id)?;
    let stamp = sql_datetime(state.now());
    flow.active_version = Some(1);
    flow.is_read_only = Some(false);
    flow.created_at = Some(stamp.clone());
    flow.updated_at = Some(stamp);
    state.stores().registry.update(|registry| {
        if registry.flow(&id).is_some() {
            return Err(api(ApiErrorCode::FlowMgtDuplicateFlowID));
        }
        if registry
            .flow_by_handle(&flow.handle, &flow.flow_type)
            .is_some()
        {
            return Err(api(ApiErrorCode::FlowMgtDuplicateFlowHandle));
        }
        check_call_targets(registry, &flow)?;
        registry.put_flow(flow.clone(), MAX_VERSION_HISTORY);
        Ok(response(&flow))
    })
}

/// `GET /flows/{id}`.
pub(crate) fn get(state: &AppState, id: &str) -> Result<FlowResponse, MockError> {
    state
        .registry()
        .flow(id)
        .map(response)
        .ok_or_else(|| api(ApiErrorCode::FlowMgtFlowNotFound))
}

/// `PUT /flows/{id}`: validation first, then the stored flow's rules, then a new version.
pub(crate) fn update(state: &AppState, id: &str, body: &[u8]) -> Result<FlowResponse, MockError> {
    let (raw, value) = read(body)?;
    update_checked(state, id, sanitized(raw), &value)
}

/// Update flow `id`.
pub(crate) fn update_checked(
    state: &AppState,
    id: &str,
    raw: RawFlow,
    body: &Value,
) -> Result<FlowResponse, MockError> {
    validate::validate(&raw, state.config().fake_captcha)?;
    let mut flow = typed(&raw, body, id)?;
    let now = sql_datetime(state.now());
    state.stores().registry.update(|registry| {
        let existing = registry
            .flow(id)
            .ok_or_else(|| api(ApiErrorCode::FlowMgtFlowNotFound))?;
        if read_only(existing) {
            return Err(api(ApiErrorCode::FlowMgtFlowDeclarativeReadOnly));
        }
        if existing.flow_type != flow.flow_type {
            return Err(api(ApiErrorCode::FlowMgtCannotUpdateFlowType));
        }
        if existing.handle != flow.handle {
            return Err(api(ApiErrorCode::FlowMgtHandleUpdateNotAllowed));
        }
        flow.active_version = Some(existing.active_version.unwrap_or(1) + 1);
        flow.is_read_only = Some(false);
        flow.created_at.clone_from(&existing.created_at);
        flow.updated_at = Some(now.clone());
        check_call_targets(registry, &flow)?;
        registry.put_flow(flow.clone(), MAX_VERSION_HISTORY);
        // `ValidateReferenceUpdate`: the applications bound to this flow must still pass their
        // flow checks; a refusal publishes nothing.
        if !applications::bound_flow_still_valid(registry, id) {
            return Err(api(ApiErrorCode::FlowMgtFlowUpdateBlockedByDependent));
        }
        Ok(response(&flow))
    })
}

/// `DELETE /flows/{id}`: 204 also for an unknown id. No usage check: bindings fall back.
pub(crate) fn delete(state: &AppState, id: &str) -> Result<(), MockError> {
    state.stores().registry.update(|registry| {
        match registry.flow(id) {
            None => return Ok(()),
            Some(flow) if read_only(flow) => {
                return Err(api(ApiErrorCode::FlowMgtFlowDeclarativeReadOnly));
            }
            Some(_) => {}
        }
        registry.remove_flow(id);
        Ok(())
    })
}

/// `GET /flows/{id}/versions`: newest first; none for a read-only flow.
pub(crate) fn versions(state: &AppState, id: &str) -> Result<FlowVersionListResponse, MockError> {
    let registry = state.registry();
    let flow = registry
        .flow(id)
        .ok_or_else(|| api(ApiErrorCode::FlowMgtFlowNotFound))?;
    let active = flow.active_version.unwrap_or(1);
    let versions: Vec<FlowVersionSummary> = registry
        .flow_versions(id)
        .iter()
        .rev()
        .map(|v| FlowVersionSummary {
            version: v.version,
            created_at: v.created_at.clone(),
            is_active: v.version == active,
        })
        .collect();
    Ok(FlowVersionListResponse {
        total_versions: versions.len() as u64,
        versions,
    })
}

/// `strconv.Atoi` then `> 0`, else FLM-1009.
pub(crate) fn parse_version(text: &str) -> Result<u32, MockError> {
    text.parse::<i64>()
        .ok()
        .filter(|&v| v > 0)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| api(ApiErrorCode::FlowMgtInvalidVersion))
}

/// `GET /flows/{id}/versions/{version}`.
pub(crate) fn version(
    state: &AppState,
    id: &str,
    version: &str,
) -> Result<FlowVersionResponse, MockError> {
    let number = parse_version(version)?;
    let registry = state.registry();
    let flow = registry
        .flow(id)
        .filter(|f| !read_only(f))
        .ok_or_else(|| api(ApiErrorCode::FlowMgtVersionNotFound))?;
    let kept = registry
        .flow_versions(id)
        .iter()
        .find(|v| v.version == number)
        .ok_or_else(|| api(ApiErrorCode::FlowMgtVersionNotFound))?;
    Ok(FlowVersionResponse {
        id: id.to_owned(),
        handle: flow.handle.clone(),
        name: flow.name.clone(),
        flow_type: flow.flow_type.as_str().to_owned(),
        version: kept.version,
        is_active: flow.active_version == Some(kept.version),
        interceptors: kept.interceptors.clone(),
        nodes: kept.nodes.clone(),
        created_at: kept.created_at.clone(),
    })
}

/// `POST /flows/{id}/restore`: that version's graph becomes a new active version.
pub(crate) fn restore(state: &AppState, id: &str, body: &[u8]) -> Result<FlowResponse, MockError> {
    let request: RestoreFlowVersionRequest =
        decode_first_json(body).ok_or_else(|| api(ApiErrorCode::FlowMgtInvalidRequestFormat))?;
    let number = u32::try_from(request.version)
        .ok()
        .filter(|&v| v > 0)
        .ok_or_else(|| api(ApiErrorCode::FlowMgtInvalidVersion))?;
    let now = sql_datetime(state.now());
    state.stores().registry.update(|registry| {
        let not_found = || api(ApiErrorCode::FlowMgtVersionNotFound);
        let current = registry
            .flow(id)
            .filter(|f| !read_only(f))
            .ok_or_else(not_found)?;
        let kept = registry
            .flow_versions(id)
            .iter()
            .find(|v| v.version == number)
            .ok_or_else(not_found)?;
        let mut flow = current.clone();
        flow.nodes = kept.nodes.clone();
        flow.interceptors = kept.interceptors.clone();
        flow.active_version = Some(current.active_version.unwrap_or(1) + 1);
        flow.updated_at = Some(now.clone());
        check_call_targets(registry, &flow)?;
        registry.put_flow(flow.clone(), MAX_VERSION_HISTORY);
        Ok(response(&flow))
    })
}

/// `GET /flows/{id}/usages`: the applications bound to the flow.
pub(crate) fn usages(state: &AppState, id: &str) -> Result<UsageResponse, MockError> {
    let registry = state.registry();
    if registry.flow(id).is_none() {
        return Err(api(ApiErrorCode::FlowMgtFlowNotFound));
    }
    let agents = registry.agents.all().filter(|agent| {
        agent
            .inbound
            .as_ref()
            .is_some_and(|i| i.profile.auth_flow_id == id || i.profile.registration_flow_id == id)
    });
    let usages: Vec<Usage> = applications::bound_to_flow(&registry, id)
        .into_iter()
        .map(|(app_id, name)| ("application", app_id, name))
        .chain(agents.map(|a| ("agent", a.id.clone(), a.name.clone())))
        .map(|(kind, entity, name)| Usage {
            resource_type: kind.into(),
            id: entity,
            display_name: name,
            behavior_on_delete: "fallback".into(),
        })
        .collect();
    Ok(UsageResponse::counted(usages))
}

/// `/import`'s flow document: update by id, create with that id when unknown, and when the handle
/// is taken by another flow, update that one (its id is returned so later documents follow it).
pub(crate) fn import(
    state: &AppState,
    document: &Value,
    upsert: bool,
) -> Result<(FlowResponse, &'static str), MockError> {
    // Import does not carry interceptors over.
    let mut document = document.clone();
    if let Some(object) = document.as_object_mut() {
        object.remove("interceptors");
    }
    let document = &document;
    let raw: RawFlow = serde_json::from_value(document.clone())
        .map_err(|_| api(ApiErrorCode::FlowMgtInvalidRequestFormat))?;
    let id = raw.id.clone();
    let mut clean = sanitized(raw);
    clean.id.clear();
    if upsert && !id.is_empty() {
        match update_checked(state, &id, clean.clone(), document) {
            Ok(flow) => return Ok((flow, "update")),
            Err(e) if is_code(&e, &ApiErrorCode::FlowMgtFlowNotFound) => {}
            Err(e) => return Err(e),
        }
    }
    let given = (!id.is_empty()).then(|| id.clone());
    match create_checked(state, clean.clone(), document, given) {
        Ok(flow) => Ok((flow, "create")),
        Err(e) if upsert && is_code(&e, &ApiErrorCode::FlowMgtDuplicateFlowHandle) => {
            let owner = state
                .registry()
                .flow_by_handle(&clean.handle, &FlowType::parse(&clean.flow_type))
                .map(|f| f.id.as_str().to_owned())
                .ok_or(e)?;
            update_checked(state, &owner, clean, document).map(|flow| (flow, "update"))
        }
        Err(e) => Err(e),
    }
}

/// Whether an import document's flow exists (by id, or by handle and type).
pub(crate) fn exists(state: &AppState, document: &Value) -> bool {
    let text = |name: &str| {
        document
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let registry = state.registry();
    registry.flow(text("id")).is_some()
        || registry
            .flow_by_handle(text("handle"), &FlowType::parse(text("flowType")))
            .is_some()
}

fn is_code(error: &MockError, code: &ApiErrorCode) -> bool {
    matches!(error, MockError::Api { error, .. } if &error.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_the_flow_handlers() {
        let links = |limit, offset, total| Paging::new(limit, offset).links("/flows", total, "");
        let hrefs = |l: Vec<thunderid_protocol::organizations::Link>| {
            l.into_iter()
                .map(|l| format!("{} {}", l.rel, l.href))
                .collect::<Vec<_>>()
        };
        assert!(links(30, 0, 0).is_empty());
        assert_eq!(
            hrefs(links(2, 2, 7)),
            [
                "first /flows?offset=0&limit=2",
                "prev /flows?offset=0&limit=2",
                "next /flows?offset=4&limit=2",
                "last /flows?offset=6&limit=2",
            ]
        );
        assert_eq!(hrefs(links(2, 6, 7)).len(), 2);
    }

    #[test]
    fn versions_are_positive_integers() {
        assert_eq!(parse_version("3").ok(), Some(3));
        for bad in ["0", "-1", "x", "", "1.5"] {
            assert!(parse_version(bad).is_err(), "{bad}");
        }
    }
}
