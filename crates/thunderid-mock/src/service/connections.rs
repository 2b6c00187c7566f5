//! `/connections` (`backend/internal/connection/`): one API over two stores, identity providers
//! (`internal/idp/`, vendors `google`, `github`, `oidc`, `oauth`) and SMS notification senders
//! (`internal/notification/`, vendors `twilio`, `vonage`, `sms-gateway`). Each vendor's body is a
//! flat object whose members map to stored properties ([`Vendor::fields`]); secrets are write-only.
//! A flow node names a connection by `properties.idpId` / `properties.senderId`, which blocks
//! deleting it.

mod checks;
mod vendor;
mod wire;

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::user_management::{Usage, UsageResponse};

use crate::error::MockError;
use crate::service::request::{self, GoObject, Query, member_text};
use crate::state::AppState;
use crate::store::connections::{AttributeConfiguration, ConnectionRecord};
use crate::store::declared::{Kind as Declared, files_last};

pub(crate) use vendor::Vendor;
pub(crate) use wire::{ConnectionDetail, ConnectionList, ConnectionSummary};

use checks::{
    check_attribute_configuration, check_idp_properties, check_sender_properties,
    schema_aware_defaults,
};
use vendor::SUPPORTED_CHANNELS;
pub(crate) use vendor::Shape;

/// What a secret reads as once stored.
const MASK: &str = "******";

/// A decoded create/update body: what the handler's DTO mapping produces.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionRequest {
    vendor: Vendor,
    name: String,
    description: String,
    /// Non-blank values only, by stored name.
    properties: BTreeMap<String, String>,
    attribute_configuration: Option<AttributeConfiguration>,
}

impl ConnectionRequest {
    /// Decode a body as Go fills the vendor's request struct; any mismatch is IDP-1009 (for every
    /// vendor: the handler shares the IdP code).
    fn decode(vendor: Vendor, body: &[u8]) -> Result<Self, MockError> {
        let value = crate::wire::decode_first_json(body).ok_or_else(invalid_format)?;
        Self::from_value(vendor, &value).map_err(|()| invalid_format())
    }

    fn from_value(vendor: Vendor, value: &Value) -> Result<Self, ()> {
        let mut names = vec!["name", "description", "attributeConfiguration"];
        names.extend(vendor.fields().iter().map(|f| f.json));
        let object = GoObject::from_value(value, &names).map_err(|_| ())?;
        let mut properties = BTreeMap::new();
        let mut put = |property: &str, value: String| {
            // `appendProperty`: blank values are never stored.
            if !value.trim().is_empty() {
                properties.insert(property.to_owned(), value);
            }
        };
        for f in vendor.fields() {
            match f.shape {
                Shape::Text | Shape::Secret => {
                    put(f.property, object.string(f.json).map_err(|_| ())?)
                }
                Shape::Scopes => put(
                    f.property,
                    object.strings(f.json).map_err(|_| ())?.join(","),
                ),
                Shape::Flag if object.has(f.json) => {
                    put(f.property, object.bool(f.json).map_err(|_| ())?.to_string());
                }
                Shape::Flag => {}
            }
        }
        // A trusted audience alone turns token exchange on (`oidcToIDPDTO`).
        if vendor == Vendor::Oidc
            && properties.contains_key("trusted_token_audience")
            && !properties.contains_key("token_exchange_enabled")
        {
            properties.insert("token_exchange_enabled".to_owned(), "true".to_owned());
        }
        let attribute_configuration = match object.raw("attributeConfiguration") {
            Some(raw) if vendor.is_identity_provider() => {
                Some(serde_json::from_value(raw.clone()).map_err(|_| ())?)
            }
            _ => None,
        };
        Ok(Self {
            vendor,
            name: object.string("name").map_err(|_| ())?,
            description: object.string("description").map_err(|_| ())?,
            properties,
            attribute_configuration,
        })
    }
}

fn invalid_format() -> MockError {
    MockError::api(ApiErrorCode::IdpInvalidRequestFormat)
}

/// IDP-1006 / IDP-1012 / MNS-1006 with the case's own description.
fn described(code: ApiErrorCode, key: &str, text: String, params: &[(&str, &str)]) -> MockError {
    let mut error = code.to_error();
    error.description.key = key.to_owned();
    error.description.default_value = Some(text);
    if !params.is_empty() {
        error.description.params = Some(
            params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        );
    }
    MockError::api_error(error)
}

/// Name and property checks of a create or update; `create` adds the schema-aware defaults.
fn validate(
    state: &AppState,
    request: &mut ConnectionRequest,
    create: bool,
) -> Result<(), MockError> {
    if request.vendor.is_identity_provider() {
        if request.name.trim().is_empty() {
            return Err(MockError::api(ApiErrorCode::IdpInvalidIDPName));
        }
        check_idp_properties(request)?;
        state.stores().directory.read(|d| {
            if create {
                schema_aware_defaults(request, &d.user_types, state.config().read_only_resources);
            }
            check_attribute_configuration(request.attribute_configuration.as_ref(), &d.user_types)
        })
    } else {
        // `validateNotificationSender`: the name is not trimmed; the channel is a default
        // applied after the checks.
        if request.name.is_empty() {
            return Err(MockError::api(ApiErrorCode::SenderInvalidSenderName));
        }
        check_sender_properties(request)?;
        request
            .properties
            .insert(SUPPORTED_CHANNELS.to_owned(), "sms".to_owned());
        Ok(())
    }
}

fn name_taken(vendor: Vendor) -> MockError {
    MockError::api(if vendor.is_identity_provider() {
        ApiErrorCode::IdpIDPAlreadyExists
    } else {
        ApiErrorCode::SenderDuplicateSenderName
    })
}

fn record(id: String, request: ConnectionRequest) -> ConnectionRecord {
    ConnectionRecord {
        id,
        vendor: request.vendor.name(),
        name: request.name,
        description: request.description,
        properties: request.properties,
        attribute_configuration: request.attribute_configuration,
    }
}

fn vendor_of(record: &ConnectionRecord) -> Vendor {
    Vendor::from_name(record.vendor).unwrap_or(Vendor::OAuth)
}

/// `GET /connections?category&limit&offset`: every IdP and SMS sender, by type, name, id.
pub(crate) fn list(state: &AppState, query: &Query) -> Result<ConnectionList, MockError> {
    let category = query.get("category").unwrap_or_default();
    if !matches!(category, "" | "identity-provider" | "sms-provider") {
        return Err(MockError::api(
            ApiErrorCode::ConnectionInvalidConnectionCategory,
        ));
    }
    let number = |name: &str, code: ApiErrorCode, default: i64| match query.get(name) {
        None | Some("") => Ok(default),
        Some(text) => text.parse::<i64>().map_err(|_| MockError::api(code)),
    };
    let limit = number(
        "limit",
        ApiErrorCode::ConnectionInvalidLimit,
        request::DEFAULT_PAGE_SIZE,
    )?;
    let offset = number("offset", ApiErrorCode::ConnectionInvalidOffset, 0)?;
    let rules = request::PagingRules {
        limit: ApiErrorCode::ConnectionInvalidLimit,
        offset: ApiErrorCode::ConnectionInvalidOffset,
        lenient: true,
    };
    let paging = request::Paging::new(limit, offset).validate(&rules)?;
    if category != "sms-provider" && over_composite_limit(state) {
        return Err(MockError::api(
            ApiErrorCode::IdpResultLimitExceededInCompositeMode,
        ));
    }
    let connections = state.stores().connections.current();
    let mut items: Vec<ConnectionSummary> = connections
        .idps
        .iter()
        .chain(connections.senders.iter())
        .filter(|r| category.is_empty() || vendor_of(r).category() == category)
        .map(ConnectionSummary::from_record)
        .collect();
    items.sort_by(|a, b| {
        (a.vendor.name(), a.name.to_lowercase(), &a.id).cmp(&(
            b.vendor.name(),
            b.name.to_lowercase(),
            &b.id,
        ))
    });
    let extra = if category.is_empty() {
        String::new()
    } else {
        format!("&category={category}")
    };
    Ok(ConnectionList(paging.page(items, "/connections", &extra)))
}

/// `GET /connections/{vendor}`: that vendor's instances, store order, unpaged. An IdP vendor reads
/// the whole identity-provider list first (IDP-1011 past its composite limit).
pub(crate) fn list_vendor(
    state: &AppState,
    vendor: Vendor,
) -> Result<Vec<ConnectionSummary>, MockError> {
    if vendor.is_identity_provider() && over_composite_limit(state) {
        return Err(MockError::api(
            ApiErrorCode::IdpResultLimitExceededInCompositeMode,
        ));
    }
    let connections = state.stores().connections.current();
    let mut records: Vec<_> = vendor
        .table(&connections)
        .iter()
        .filter(|r| r.vendor == vendor.name())
        .collect();
    // The identity-provider store merges the database's first, then the files' by id.
    let declared = state.declared_ids(Declared::IdentityProvider);
    files_last(&mut records, |r| {
        declared.contains(&r.id).then_some(r.id.as_str())
    });
    Ok(records
        .into_iter()
        .map(ConnectionSummary::from_record)
        .collect())
}

/// Whether `GetIdentityProviderList` fails: in the composite store mode (the default; not with
/// `--mutable-resources`), more identity providers (stored and declarative) than
/// `MaxCompositeStoreRecords`.
pub(crate) fn over_composite_limit(state: &AppState) -> bool {
    state.config().read_only_resources
        && state.stores().connections.current().idps.len()
            > super::applications::MAX_COMPOSITE_RECORDS
}

/// `POST /connections/{vendor}`: 201.
pub(crate) fn create(
    state: &AppState,
    vendor: Vendor,
    body: &[u8],
) -> Result<ConnectionDetail, MockError> {
    let request = ConnectionRequest::decode(vendor, body)?;
    let record = create_with_id(state, None, request)?;
    Ok(ConnectionDetail::new(&record))
}

/// Create with an optional id (the API generates one; `/import` brings its own).
fn create_with_id(
    state: &AppState,
    id: Option<String>,
    mut request: ConnectionRequest,
) -> Result<ConnectionRecord, MockError> {
    validate(state, &mut request, true)?;
    let vendor = request.vendor;
    let id = id.unwrap_or_else(|| crate::ids::uuid_v7(state.now()));
    state.stores().connections.update(|connections| {
        let table = vendor.table_mut(connections);
        if table.name_taken(&request.name, "") {
            return Err(name_taken(vendor));
        }
        if table.get(&id).is_some() {
            // The store's primary key refuses it: the server answers 500.
            return Err(MockError::Internal(anyhow::anyhow!(
                "connection {id} exists"
            )));
        }
        let record = record(id.clone(), request.clone());
        table.put(record.clone());
        Ok(record)
    })
}

/// The instance, if it is one of `vendor`'s (else the vendor's 404).
fn load(state: &AppState, vendor: Vendor, id: &str) -> Result<ConnectionRecord, MockError> {
    let connections = state.stores().connections.current();
    vendor
        .table(&connections)
        .get(id)
        .filter(|r| r.vendor == vendor.name())
        .cloned()
        .ok_or_else(|| vendor.not_found())
}

/// `GET /connections/{vendor}/{id}`.
pub(crate) fn get(
    state: &AppState,
    vendor: Vendor,
    id: &str,
) -> Result<ConnectionDetail, MockError> {
    Ok(ConnectionDetail::new(&load(state, vendor, id)?))
}

/// `PUT /connections/{vendor}/{id}`: full replacement; an omitted secret keeps the stored one.
pub(crate) fn update(
    state: &AppState,
    vendor: Vendor,
    id: &str,
    body: &[u8],
) -> Result<ConnectionDetail, MockError> {
    let mut request = ConnectionRequest::decode(vendor, body)?;
    let existing = load(state, vendor, id)?;
    // `mergeStoredSecrets`.
    for f in vendor.fields().iter().filter(|f| f.shape == Shape::Secret) {
        if let (false, Some(stored)) = (
            request.properties.contains_key(f.property),
            existing.properties.get(f.property),
        ) {
            request
                .properties
                .insert(f.property.to_owned(), stored.clone());
        }
    }
    let record = update_record(state, id, request)?;
    Ok(ConnectionDetail::new(&record))
}

/// The service's update (the API after the vendor check, and `/import`).
fn update_record(
    state: &AppState,
    id: &str,
    mut request: ConnectionRequest,
) -> Result<ConnectionRecord, MockError> {
    validate(state, &mut request, false)?;
    let vendor = request.vendor;
    let declarative = state.is_declarative(Declared::IdentityProvider, id);
    state.stores().connections.update(|connections| {
        let table = vendor.table_mut(connections);
        if table.get(id).is_none() {
            return Err(vendor.not_found());
        }
        if table.name_taken(&request.name, id) {
            return Err(name_taken(vendor));
        }
        // The composite store refuses the write of a file-backed identity provider.
        if declarative {
            return Err(MockError::api(ApiErrorCode::IdpIDPDeclarativeReadOnly));
        }
        let record = record(id.to_owned(), request.clone());
        table.put(record.clone());
        Ok(record)
    })
}

/// The flows whose current graph names `id` in a node's `idpId`/`senderId`.
fn dependent_flows(state: &AppState, vendor: Vendor, id: &str) -> Vec<Usage> {
    let property = vendor.node_property();
    state
        .registry()
        .flows()
        .iter()
        .filter(|flow| {
            flow.nodes
                .iter()
                .any(|n| n.properties.get(property).and_then(Value::as_str) == Some(id))
        })
        .map(|flow| Usage {
            resource_type: "flow".into(),
            id: flow.id.to_string(),
            display_name: flow.name.clone(),
            behavior_on_delete: "restrict".into(),
        })
        .collect()
}

/// `DELETE /connections/{vendor}/{id}`: 204, refused (409) while a flow names it.
pub(crate) fn delete(state: &AppState, vendor: Vendor, id: &str) -> Result<(), MockError> {
    load(state, vendor, id)?;
    let blocking = dependent_flows(state, vendor, id);
    if !blocking.is_empty() {
        let (code, key, what) = if vendor.is_identity_provider() {
            (
                ApiErrorCode::IdpIDPHasBlockingDependencies,
                "error.idpservice.idp_has_blocking_dependencies_description",
                "identity provider",
            )
        } else {
            (
                ApiErrorCode::SenderSenderHasBlockingDependencies,
                "error.notificationservice.sender_has_blocking_dependencies_description",
                "notification sender",
            )
        };
        let text = format!(
            "The {what} cannot be deleted because {} flow(s) depend on it. Remove or reassign them first.",
            blocking.len()
        );
        return Err(described(code, key, text, &[]));
    }
    if state.is_declarative(Declared::IdentityProvider, id) {
        return Err(MockError::api(ApiErrorCode::IdpIDPDeclarativeReadOnly));
    }
    state.stores().connections.update(|connections| {
        vendor.table_mut(connections).remove(id);
        Ok::<_, MockError>(())
    })
}

/// `GET /connections/{vendor}/{id}/usages`.
pub(crate) fn usages(
    state: &AppState,
    vendor: Vendor,
    id: &str,
) -> Result<UsageResponse, MockError> {
    load(state, vendor, id)?;
    Ok(UsageResponse::of(
        "flow",
        dependent_flows(state, vendor, id),
    ))
}

/// A `connection` document's outcome parts: (id, name, operation, result).
pub(crate) type ImportResult = (String, String, &'static str, Result<(), MockError>);

/// `/import`'s `connection` document: the vendor from `type`, members in their JSON spelling;
/// update by id when upserting (through the service: no secret merging), create with that id
/// when unknown. `Err(text)`: the document does not decode.
pub(crate) fn import(
    state: &AppState,
    document: &Map<String, Value>,
    upsert: bool,
) -> Result<ImportResult, String> {
    let (_, request) = decode_document(document)?;
    let id = member_text(document, "id");
    let name = request.name.clone();
    if upsert && !id.is_empty() {
        match update_record(state, &id, request.clone()) {
            Ok(r) => return Ok((r.id, r.name, "update", Ok(()))),
            Err(e) if !is_not_found(&e) => return Ok((id, name, "update", Err(e))),
            Err(_) => {}
        }
    }
    let requested = (!id.is_empty()).then(|| id.clone());
    Ok(match create_with_id(state, requested, request) {
        Ok(r) => (r.id, r.name, "create", Ok(())),
        Err(e) => (id, name, "create", Err(e)),
    })
}

/// Dry run: whether the document's id names a stored connection of its family.
pub(crate) fn exists(state: &AppState, document: &Map<String, Value>) -> Result<bool, String> {
    let (vendor, _) = decode_document(document)?;
    let connections = state.stores().connections.current();
    Ok(vendor
        .table(&connections)
        .get(&member_text(document, "id"))
        .is_some())
}

fn is_not_found(error: &MockError) -> bool {
    matches!(error, MockError::Api { error, .. }
        if matches!(error.code, ApiErrorCode::IdpIDPNotFound | ApiErrorCode::SenderSenderNotFound))
}

fn decode_document(document: &Map<String, Value>) -> Result<(Vendor, ConnectionRequest), String> {
    let kind = member_text(document, "type");
    let vendor =
        Vendor::from_name(&kind).ok_or_else(|| format!("unsupported connection vendor: {kind}"))?;
    let request = ConnectionRequest::from_value(vendor, &Value::Object(document.clone()))
        .map_err(|()| "failed to parse connection document: invalid member type".to_owned())?;
    Ok((vendor, request))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MockServer;

    /// A server holding `count` identity providers (put straight into the store: a thousand
    /// creates over HTTP would each copy the table).
    fn with_idps(builder: crate::MockServerBuilder, count: usize) -> AppState {
        let state = builder.build_state("http://127.0.0.1:1").unwrap();
        state
            .stores()
            .connections
            .update(|c| {
                for i in 0..count {
                    c.idps.put(ConnectionRecord {
                        id: format!("019a0000-0000-7000-8000-{i:012}"),
                        vendor: "oauth",
                        name: format!("IdP {i}"),
                        description: String::new(),
                        properties: BTreeMap::new(),
                        attribute_configuration: None,
                    });
                }
                Ok::<_, ()>(())
            })
            .unwrap();
        state
    }

    fn code(result: Result<impl std::fmt::Debug, MockError>) -> Option<ApiErrorCode> {
        match result {
            Err(MockError::Api { error, .. }) => Some(error.code),
            other => panic!("not an API error: {other:?}"),
        }
    }

    #[test]
    fn identity_provider_lists_fail_past_the_composite_limit_only_in_composite_mode() {
        let limit = super::super::applications::MAX_COMPOSITE_RECORDS;
        let state = with_idps(MockServer::builder(), limit);
        assert_eq!(
            list(&state, &Query::parse(None)).unwrap().0.total_results,
            limit as u64
        );
        assert_eq!(list_vendor(&state, Vendor::OAuth).unwrap().len(), limit);

        let state = with_idps(MockServer::builder(), limit + 1);
        let over = Some(ApiErrorCode::IdpResultLimitExceededInCompositeMode);
        assert_eq!(code(list(&state, &Query::parse(None))), over);
        assert_eq!(
            code(list(
                &state,
                &Query::parse(Some("category=identity-provider"))
            )),
            over
        );
        assert_eq!(code(list_vendor(&state, Vendor::OAuth)), over);
        assert_eq!(code(list_vendor(&state, Vendor::Google)), over);
        // The paging checks come first; SMS senders do not read the identity providers.
        assert_eq!(
            code(list(&state, &Query::parse(Some("limit=0")))),
            Some(ApiErrorCode::ConnectionInvalidLimit)
        );
        let senders = list(&state, &Query::parse(Some("category=sms-provider"))).unwrap();
        assert_eq!(senders.0.total_results, 0);
        assert!(list_vendor(&state, Vendor::Twilio).unwrap().is_empty());

        // The server's mutable mode has no composite store for identity providers.
        let state = with_idps(MockServer::builder().mutable_resources(), limit + 1);
        assert_eq!(list_vendor(&state, Vendor::OAuth).unwrap().len(), limit + 1);
    }
}
