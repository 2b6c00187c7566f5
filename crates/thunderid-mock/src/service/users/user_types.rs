//! `/user-types` and `/agent-types` (`backend/internal/entitytype/handler.go`, `service.go`): the
//! entity types of category `user` and `agent` and their schemas, each check in the server's order.
//! One handler serves both; [`Api`] holds what differs (paths, permissions, the error texts, and
//! the agent rules: only `default` may exist, and it cannot be deleted). Users and agents name
//! their type by name; deleting or renaming a user type leaves its users pointing at a name that no
//! longer resolves, as on the server.

use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::user_management::{
    SystemAttributes, UserType, UserTypeListResponse, UserTypeSummary,
};

use crate::error::MockError;
use crate::fixtures::TypeCategory;
use crate::schema::{DisplayError, Schema};
use crate::service::access::{Action, Caller, accessible_units, check_user_type_access};
use crate::service::request::{FieldRules, GoObject, Paging, PagingRules, Query, described};
use crate::state::AppState;
use crate::store::declared::{Kind as Declared, MAX_COMPOSITE_RECORDS, files_last};
use crate::store::directory::Directory;
use crate::store::user_types::UserTypeRecord;
use crate::wire::sanitize;

/// The entity-type handler's `limit`/`offset`: strict, USRS-1005/USRS-1006.
const PAGING: PagingRules = PagingRules {
    limit: ApiErrorCode::UserTypeInvalidLimit,
    offset: ApiErrorCode::UserTypeInvalidOffset,
    lenient: false,
};

/// What differs between the two categories.
#[derive(Debug)]
pub(crate) struct Api {
    category: TypeCategory,
    base: &'static str,
    /// The category's word in texts and keys (`user`, `agent`).
    word: &'static str,
    list: Action,
    create: Action,
    read: Action,
    update: Action,
    /// `CreateEntityType` / `UpdateEntityType` allow only the `default` agent type.
    only_default: bool,
}

/// `/user-types`.
pub(crate) const USER_TYPES: Api = Api {
    category: TypeCategory::User,
    base: "/user-types",
    word: "user",
    list: Action::ListUserTypes,
    create: Action::CreateUserType,
    read: Action::ReadUserType,
    update: Action::UpdateUserType,
    only_default: false,
};

/// `/agent-types`.
pub(crate) const AGENT_TYPES: Api = Api {
    category: TypeCategory::Agent,
    base: "/agent-types",
    word: "agent",
    list: Action::ListAgentTypes,
    create: Action::CreateAgentType,
    read: Action::ReadAgentType,
    update: Action::UpdateAgentType,
    only_default: true,
};

/// Agent types as the server's declarative loader reads them (`entitytype/declarative_resource.go`
/// parses and validates the file without the service's `default`-only rule): any name loads.
pub(crate) const DECLARED_AGENT_TYPES: Api = Api {
    only_default: false,
    ..AGENT_TYPES
};

/// The only agent type the server allows (`DefaultAgentTypeName`).
const DEFAULT_AGENT_TYPE: &str = "default";

impl Api {
    /// The category's variant of an error: the code's texts with the category's word
    /// (`ErrorAgentTypeNotFound` beside `ErrorUserTypeNotFound`).
    fn error(
        &self,
        code: ApiErrorCode,
        suffix: &str,
        message: &str,
        description: &str,
    ) -> MockError {
        if self.category == TypeCategory::User {
            let mut error = code.to_error();
            if !description.is_empty() && code == ApiErrorCode::UserTypeInvalidRequest {
                error.description.default_value = Some(description.to_owned());
            }
            return MockError::api_error(error);
        }
        let mut error = code.to_error();
        error.message.key = format!("error.entitytypeservice.{suffix}");
        error.message.default_value = Some(message.to_owned());
        error.description.key = format!("error.entitytypeservice.{suffix}_description");
        error.description.default_value = Some(description.to_owned());
        MockError::api_error(error)
    }

    fn not_found(&self) -> MockError {
        self.error(
            ApiErrorCode::UserTypeNotFoundInService,
            "agent_type_not_found",
            "Agent type not found",
            "The agent type with the specified id does not exist",
        )
    }

    fn name_conflict(&self) -> MockError {
        self.error(
            ApiErrorCode::UserTypeNameConflict,
            "agent_type_name_conflict",
            "Agent type name conflict",
            "An agent type with the same name already exists",
        )
    }

    /// USRS-1004 with a detail appended to the description.
    fn invalid(&self, detail: &str) -> MockError {
        let word = self.word;
        self.error(
            ApiErrorCode::UserTypeInvalidRequest,
            "invalid_agent_type_request",
            "Invalid agent type request",
            &format!(
                "The {word} type request contains invalid or missing required fields: {detail}"
            ),
        )
    }
}

const FIELDS: &[&str] = &[
    "name",
    "ouId",
    "ouHandle",
    "allowSelfRegistration",
    "systemAttributes",
    "schema",
];

/// `GET /user-types[?limit&offset&include=display]`: by name.
pub(crate) fn list(
    state: &AppState,
    caller: &Caller,
    query: Option<&str>,
) -> Result<UserTypeListResponse, MockError> {
    list_in(&USER_TYPES, state, caller, query)
}

/// `GET /user-types` or `/agent-types`: the category's types by name. In the composite store
/// mode more types of the category than [`MAX_COMPOSITE_RECORDS`] (only those of the caller's
/// units, for a caller restricted to some) fail the list after the paging checks: the service's
/// 500 (`logAndReturnServerError`).
pub(crate) fn list_in(
    api: &Api,
    state: &AppState,
    caller: &Caller,
    query: Option<&str>,
) -> Result<UserTypeListResponse, MockError> {
    let query = Query::parse(query);
    let paging = Paging::parse(&query, &PAGING)?.validate(&PAGING)?;
    let display = query.include_display();
    let declared = state.declared_ids(Declared::EntityType);
    let composite = state.config().read_only_resources;
    state.stores().directory.read(|d| {
        let units = accessible_units(caller, api.list, Some(d));
        let mut types: Vec<&UserTypeRecord> = d
            .user_types
            .in_order(api.category)
            .into_iter()
            .filter(|t| units.as_ref().is_none_or(|ids| ids.contains(&t.ou_id)))
            .collect();
        // The file store sorts its types by name too (`entitytype/file_based_store.go`).
        files_last(&mut types, |t| {
            declared.contains(&t.id).then_some(t.name.as_str())
        });
        if composite && types.len() > MAX_COMPOSITE_RECORDS {
            return Err(MockError::Internal(anyhow::anyhow!(
                "{} types: result limit exceeded in composite mode",
                api.word
            )));
        }
        let types: Vec<UserTypeSummary> = types
            .into_iter()
            .map(|t| {
                let body = body(d, t, display);
                let is_read_only = declared.contains(&body.id);
                UserTypeSummary {
                    id: body.id,
                    name: body.name,
                    organization_unit_id: body.organization_unit_id,
                    organization_unit_handle: body.organization_unit_handle,
                    allow_self_registration: body.allow_self_registration,
                    system_attributes: body.system_attributes,
                    is_read_only,
                }
            })
            .collect();
        let extra = if display { "&include=display" } else { "" };
        let page = paging.page(types, api.base, extra);
        Ok(UserTypeListResponse {
            total_results: page.total_results,
            start_index: page.start_index,
            count: page.count,
            types: page.items,
            links: page.links,
        })
    })
}

/// `POST /user-types`: 201.
pub(crate) fn create(
    state: &AppState,
    caller: &Caller,
    bytes: &[u8],
) -> Result<UserType, MockError> {
    create_as(&USER_TYPES, state, caller, bytes, None)
}

/// [`create`] in `api`'s category, under `id` when an import names one.
pub(crate) fn create_as(
    api: &Api,
    state: &AppState,
    caller: &Caller,
    bytes: &[u8],
    id: Option<String>,
) -> Result<UserType, MockError> {
    let definition = Definition::read(api, bytes, Mode::Create)?;
    let id = id.unwrap_or_else(|| crate::ids::uuid_v7(state.now()));
    state.stores().directory.write(|d| {
        definition.check_unit(api, d)?;
        check_user_type_access(caller, api.create, &definition.ou_id, d)?;
        if d.user_types
            .by_name_in(api.category, &definition.name)
            .is_some()
        {
            return Err(api.name_conflict());
        }
        let record = definition.into_record(api, id);
        let answer = body(d, &record, false);
        d.user_types.put(record);
        Ok(answer)
    })
}

/// `GET /user-types/{id}[?include=display]`.
pub(crate) fn get(
    state: &AppState,
    caller: &Caller,
    id: &str,
    query: Option<&str>,
) -> Result<UserType, MockError> {
    get_in(&USER_TYPES, state, caller, id, query)
}

/// `GET /user-types/{id}` or `/agent-types/{id}`: a type of another category is not found.
pub(crate) fn get_in(
    api: &Api,
    state: &AppState,
    caller: &Caller,
    id: &str,
    query: Option<&str>,
) -> Result<UserType, MockError> {
    let display = Query::parse(query).include_display();
    state.stores().directory.read(|d| {
        let record = d
            .user_types
            .get_in(api.category, id)
            .ok_or_else(|| api.not_found())?;
        check_user_type_access(caller, api.read, &record.ou_id, d)?;
        Ok(body(d, record, display))
    })
}

/// `PUT /user-types/{id}`: the whole definition replaced. Existing users are not re-validated.
pub(crate) fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    body_bytes: &[u8],
) -> Result<UserType, MockError> {
    update_in(&USER_TYPES, state, caller, id, body_bytes)
}

/// `PUT` in `api`'s category.
pub(crate) fn update_in(
    api: &Api,
    state: &AppState,
    caller: &Caller,
    id: &str,
    body_bytes: &[u8],
) -> Result<UserType, MockError> {
    let definition = Definition::read(api, body_bytes, Mode::Update)?;
    // `IsEntityTypeDeclarative` comes before the unit, the access and the existence checks.
    if state.is_declarative(Declared::EntityType, id) {
        return Err(MockError::api(ApiErrorCode::UserTypeDeclarative));
    }
    state.stores().directory.write(|d| {
        definition.check_unit(api, d)?;
        let current = d
            .user_types
            .get_in(api.category, id)
            .ok_or_else(|| api.not_found())?;
        check_user_type_access(caller, api.update, &current.ou_id, d)?;
        if current.ou_id != definition.ou_id {
            check_user_type_access(caller, api.update, &definition.ou_id, d)?;
        }
        if current.name != definition.name
            && d.user_types
                .by_name_in(api.category, &definition.name)
                .is_some()
        {
            return Err(api.name_conflict());
        }
        let record = definition.into_record(api, id.to_owned());
        let answer = body(d, &record, false);
        d.user_types.put(record);
        Ok(answer)
    })
}

/// `DELETE /user-types/{id}`: idempotent; users of the type are left as they are.
pub(crate) fn delete(state: &AppState, caller: &Caller, id: &str) -> Result<(), MockError> {
    let declarative = state.is_declarative(Declared::EntityType, id);
    state.stores().directory.write(|d| {
        let ou_id = d.user_types.get(id).map(|t| t.ou_id.clone());
        check_user_type_access(
            caller,
            Action::DeleteUserType,
            ou_id.as_deref().unwrap_or_default(),
            d,
        )?;
        if declarative && ou_id.is_some() {
            return Err(MockError::api(ApiErrorCode::UserTypeDeclarative));
        }
        d.user_types.remove(id);
        Ok(())
    })
}

/// `DELETE /agent-types/{id}`: refused whatever the id (agent creation depends on `default`).
pub(crate) fn delete_agent_type() -> Result<(), MockError> {
    Err(MockError::api(ApiErrorCode::AgentTypeCannotDelete))
}

/// A user type as the API shows it; `ouHandle` only with `include=display`.
fn body(d: &Directory, record: &UserTypeRecord, display: bool) -> UserType {
    UserType {
        id: record.id.clone(),
        name: record.name.clone(),
        organization_unit_id: record.ou_id.clone(),
        organization_unit_handle: display
            .then(|| d.units.get(&record.ou_id).map(|u| u.handle.clone()))
            .flatten(),
        allow_self_registration: record.allow_self_registration,
        system_attributes: record.system_attributes.clone(),
        schema: record.schema_json.clone(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Create,
    Update,
}

/// A validated request body.
#[derive(Debug)]
struct Definition {
    name: String,
    ou_id: String,
    allow_self_registration: bool,
    system_attributes: Option<SystemAttributes>,
    schema_json: Map<String, Value>,
    schema: Schema,
}

impl Definition {
    /// Decode (USRS-1001 with the handler's text), the struct tags, sanitize, then the service's
    /// definition checks (USRS-1004 with a detail) and the display attribute (USRS-1011/12/13).
    fn read(api: &Api, body: &[u8], mode: Mode) -> Result<Self, MockError> {
        let parse_failed = || {
            let key = match mode {
                Mode::Create => {
                    "error.entitytypeservice.create_schema_request_parse_failed_description"
                }
                Mode::Update => {
                    "error.entitytypeservice.update_schema_request_parse_failed_description"
                }
            };
            described(
                ApiErrorCode::UserTypeInvalidRequestFormat,
                Some(key),
                "Failed to parse request body".to_owned(),
            )
        };
        let request = GoObject::decode(body, FIELDS).map_err(|_| parse_failed())?;
        let name = request.string("name").map_err(|_| parse_failed())?;
        let ou_id = request.string("ouId").map_err(|_| parse_failed())?;
        request.string("ouHandle").map_err(|_| parse_failed())?;
        let allow_self_registration = request
            .bool("allowSelfRegistration")
            .map_err(|_| parse_failed())?;
        let display = match request.raw("systemAttributes") {
            None => None,
            Some(value) => {
                let attributes =
                    GoObject::from_value(value, &["display"]).map_err(|_| parse_failed())?;
                Some(attributes.string("display").map_err(|_| parse_failed())?)
            }
        };
        let schema_given = request.has("schema") || request.is_null("schema");
        let mut rules = FieldRules::default();
        rules.text("name", &name, true, Some(100));
        rules.text("ouId", &ou_id, true, None);
        if mode == Mode::Create {
            rules.present("schema", schema_given);
        }
        rules.finish()?;
        // `CreateEntityType` / `UpdateEntityType`: agent types are restricted to `default`.
        if api.only_default && name != DEFAULT_AGENT_TYPE {
            return Err(MockError::api(ApiErrorCode::AgentTypeOnlyDefault));
        }
        let (name, ou_id) = (sanitize(&name), sanitize(&ou_id));
        let display = display.map(|d| sanitize(&d));
        let invalid = |detail: &str| api.invalid(detail);
        if name.is_empty() {
            return Err(invalid("entity type name must not be empty"));
        }
        if ou_id.is_empty() {
            return Err(invalid("organization unit id must not be empty"));
        }
        if !schema_given {
            return Err(invalid("schema definition must not be empty"));
        }
        let raw = request.raw("schema").cloned().unwrap_or(Value::Null);
        let schema = Schema::compile(&raw).map_err(|detail| invalid(&detail))?;
        let schema_json = match raw {
            Value::Object(object) => object,
            _ => Map::new(),
        };
        if let Some(display) = display.as_deref().filter(|d| !d.is_empty()) {
            schema.check_display(display).map_err(|e| {
                MockError::api(match e {
                    DisplayError::NotInSchema => ApiErrorCode::UserTypeInvalidDisplayAttribute,
                    DisplayError::NotDisplayable => ApiErrorCode::UserTypeNonDisplayableAttribute,
                    DisplayError::Credential => ApiErrorCode::UserTypeCredentialDisplayAttribute,
                })
            })?;
        }
        Ok(Self {
            name,
            ou_id,
            allow_self_registration,
            system_attributes: display.map(|display| SystemAttributes {
                display: Some(display).filter(|d| !d.is_empty()),
            }),
            schema_json,
            schema,
        })
    }

    /// The unit must exist (USRS-1004 with its detail).
    fn check_unit(&self, api: &Api, d: &Directory) -> Result<(), MockError> {
        if d.units.get(&self.ou_id).is_none() {
            return Err(api.invalid("organization unit id does not exist"));
        }
        Ok(())
    }

    fn into_record(self, api: &Api, id: String) -> UserTypeRecord {
        let display = self
            .system_attributes
            .as_ref()
            .and_then(|a| a.display.clone());
        UserTypeRecord {
            id,
            category: api.category,
            name: self.name,
            ou_id: self.ou_id,
            allow_self_registration: self.allow_self_registration,
            display,
            system_attributes: self.system_attributes,
            schema_json: self.schema_json,
            schema: self.schema,
        }
    }
}
