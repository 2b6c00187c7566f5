//! The user management API (`backend/internal/user/handler.go`, `service.go`): each operation's
//! checks in the server's order, then its effect. Non-`system` callers are held to their own unit
//! ([`crate::service::access`]).

use regex::Regex;
use serde_json::{Map, Value};
use std::sync::LazyLock;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::user_management::{UserGroup, UserGroupListResponse, UserListResponse};
use thunderid_protocol::users::User;

use super::{api, invalid_request, update_credentials, user_body, with_status};
use crate::error::MockError;
use crate::fixtures::MemberKind;
use crate::password::PasswordHash;
use crate::service::access::{Action, Caller, accessible_units, check_access, check_user_access};
use crate::service::request::{FieldRules, GoObject, Paging, PagingRules, Query};
use crate::state::AppState;
use crate::store::declared::{Kind as Declared, MAX_COMPOSITE_RECORDS, files_last};
use crate::store::directory::Directory;
use crate::store::groups::MemberRef;
use crate::store::users::{UserRecord, value_at};
use crate::wire::sanitize;

/// The user handler's `limit`/`offset`: strict, USR-1011/USR-1012.
const PAGING: PagingRules = PagingRules {
    limit: ApiErrorCode::UserInvalidLimit,
    offset: ApiErrorCode::UserInvalidOffset,
    lenient: false,
};

/// The members of `CreateUserRequest` / `UpdateUserRequest`.
const USER_FIELDS: &[&str] = &["ouId", "type", "attributes", "groups"];

/// `GET /users[?limit&offset&filter&include=display]`: by id; non-`system` callers see their unit.
/// The entity store is composite in every store mode: more matching users than
/// [`MAX_COMPOSITE_RECORDS`] fail the list (the service's 500).
pub(crate) fn list(
    state: &AppState,
    caller: &Caller,
    query: Option<&str>,
) -> Result<UserListResponse, MockError> {
    let query = Query::parse(query);
    let paging = Paging::parse(&query, &PAGING)?;
    let filter = Filter::from_query(&query)?;
    let paging = paging.validate(&PAGING)?;
    let display = query.include_display();
    let declared = state.declared_ids(Declared::User);
    state.stores().directory.read(|d| {
        let units = accessible_units(caller, Action::ListUsers, None);
        let mut users: Vec<&UserRecord> = d
            .users
            .all()
            .filter(|u| units.as_ref().is_none_or(|ids| ids.contains(&u.ou_id)))
            .filter(|u| filter.as_ref().is_none_or(|f| f.matches(u)))
            .collect();
        files_last(&mut users, |u| {
            declared.contains(&u.id).then_some(u.id.as_str())
        });
        if users.len() > MAX_COMPOSITE_RECORDS {
            return Err(MockError::Internal(anyhow::anyhow!(
                "user entities: result limit exceeded in composite mode"
            )));
        }
        let users = users
            .into_iter()
            .map(|u| user_body(d, u, display, declared.contains(&u.id)))
            .collect();
        let page = paging.page(users, "/users", display_extra(display));
        Ok(UserListResponse {
            total_results: page.total_results,
            start_index: page.start_index,
            count: page.count,
            users: page.items,
            links: page.links,
        })
    })
}

/// `POST /users`: 201 with the new user.
pub(crate) fn create(state: &AppState, caller: &Caller, body: &[u8]) -> Result<User, MockError> {
    create_as(state, caller, body, None)
}

/// [`create`] under `id` when an import names one.
pub(crate) fn create_as(
    state: &AppState,
    caller: &Caller,
    body: &[u8],
    id: Option<String>,
) -> Result<User, MockError> {
    let request = GoObject::decode(body, USER_FIELDS).map_err(|_| invalid_request())?;
    let ou_id = request.string("ouId").map_err(|_| invalid_request())?;
    let user_type = request.string("type").map_err(|_| invalid_request())?;
    request.strings("groups").map_err(|_| invalid_request())?;
    let mut rules = FieldRules::default();
    rules.text("ouId", &ou_id, true, None);
    rules.text("type", &user_type, true, None);
    rules.finish()?;
    create_in(
        state,
        caller,
        &sanitize(&ou_id),
        &sanitize(&user_type),
        &request,
        id,
    )
}

/// `CreateUser` from its authorization on: the type and unit, the schema, uniqueness, then the
/// credentials (taken out of the attributes and hashed).
fn create_in(
    state: &AppState,
    caller: &Caller,
    ou_id: &str,
    user_type: &str,
    request: &GoObject,
    id: Option<String>,
) -> Result<User, MockError> {
    check_access(caller, Action::CreateUser, ou_id)?;
    let attributes = request.raw("attributes").cloned();
    // Hash outside the lock: the credentials the type declares, as given.
    let credential_names: Vec<String> = state.stores().directory.read(|d| {
        d.user_types
            .by_name(user_type)
            .map(|t| t.schema.credentials().map(str::to_owned).collect())
            .unwrap_or_default()
    });
    let hashed: Vec<(String, PasswordHash)> = match &attributes {
        Some(Value::Object(object)) => object
            .iter()
            .filter(|(name, _)| credential_names.contains(name))
            .filter_map(|(name, value)| {
                let text = value.as_str().filter(|t| !t.is_empty())?;
                Some((name.clone(), PasswordHash::new(text)))
            })
            .collect(),
        _ => Vec::new(),
    };
    let id = id.unwrap_or_else(|| crate::ids::uuid_v7(state.now()));
    state.stores().directory.write(|d| {
        check_type_and_unit(d, user_type, ou_id)?;
        let schema = &d
            .user_types
            .by_name(user_type)
            .ok_or_else(|| api(ApiErrorCode::UserTypeNotFound))?
            .schema;
        let (mut stored, attributes_null) = match attributes {
            // Absent (or `{}`) attributes skip validation entirely.
            None => (Map::new(), true),
            Some(Value::Object(object)) if object.is_empty() => (object, false),
            Some(Value::Object(object)) => {
                if !schema.validate(&object, false) {
                    return Err(api(ApiErrorCode::UserSchemaValidationFailed));
                }
                (object, false)
            }
            Some(_) => return Err(api(ApiErrorCode::UserSchemaValidationFailed)),
        };
        d.check_unique(user_type, &stored, None)
            .map_err(|_| api(ApiErrorCode::UserAttributeConflict))?;
        let credential_names: Vec<&str> = schema.credentials().collect();
        let credentials = hashed
            .into_iter()
            .filter(|(name, _)| {
                credential_names.contains(&name.as_str())
                    && stored.get(name).is_some_and(Value::is_string)
            })
            .collect::<Vec<_>>();
        for (name, _) in &credentials {
            stored.remove(name);
        }
        let record = UserRecord {
            id: id.clone(),
            user_type: user_type.to_owned(),
            ou_id: ou_id.to_owned(),
            attributes: stored,
            attributes_null,
            passkeys: Vec::new(),
            credentials: credentials.into_iter().collect(),
        };
        let body = user_body(d, &record, false, false);
        d.users.insert(record);
        Ok(body)
    })
}

/// `validateOrganizationUnitForUserType`: both given, the unit exists (404 USR-1005), the type
/// exists (USR-1021), and the type's unit is the user's or one above it (USR-1023).
fn check_type_and_unit(d: &Directory, user_type: &str, ou_id: &str) -> Result<(), MockError> {
    if user_type.is_empty() {
        return Err(api(ApiErrorCode::UserTypeNotFound));
    }
    if ou_id.is_empty() {
        return Err(api(ApiErrorCode::UserInvalidOuId));
    }
    if d.units.get(ou_id).is_none() {
        return Err(api(ApiErrorCode::UserOrganizationUnitNotFound));
    }
    let user_type = d
        .user_types
        .by_name(user_type)
        .ok_or_else(|| api(ApiErrorCode::UserTypeNotFound))?;
    if !d.units.is_within(ou_id, &user_type.ou_id) {
        return Err(api(ApiErrorCode::UserOrganizationUnitMismatch));
    }
    Ok(())
}

/// `GET /users/{id}[?include=display]`.
pub(crate) fn get(
    state: &AppState,
    caller: &Caller,
    id: &str,
    query: Option<&str>,
) -> Result<User, MockError> {
    if id.is_empty() {
        return Err(with_status(ApiErrorCode::UserMissingUserId, 400));
    }
    let display = Query::parse(query).include_display();
    let read_only = state.is_declarative(Declared::User, id);
    state.stores().directory.read(|d| {
        let user = d
            .users
            .get(id)
            .ok_or_else(|| api(ApiErrorCode::UserNotFound))?;
        check_user_access(caller, Action::ReadUser, &user.ou_id, id)?;
        Ok(user_body(d, user, display, read_only))
    })
}

/// `PUT /users/{id}`: a new type, unit and attribute set (undeclared attributes dropped;
/// credentials untouched).
pub(crate) fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    body: &[u8],
) -> Result<User, MockError> {
    if id.is_empty() {
        return Err(with_status(ApiErrorCode::UserMissingUserId, 400));
    }
    let request = GoObject::decode(body, USER_FIELDS).map_err(|_| invalid_request())?;
    let ou_id = sanitize(&request.string("ouId").map_err(|_| invalid_request())?);
    let user_type = sanitize(&request.string("type").map_err(|_| invalid_request())?);
    let attributes = request.raw("attributes").cloned();
    let declarative = state.is_declarative(Declared::User, id);
    state.stores().directory.write(|d| {
        let current = d
            .users
            .get(id)
            .ok_or_else(|| api(ApiErrorCode::UserNotFound))?;
        check_user_access(caller, Action::UpdateUser, &current.ou_id, id)?;
        if current.ou_id != ou_id {
            check_user_access(caller, Action::UpdateUser, &ou_id, id)?;
        }
        if declarative {
            return Err(api(ApiErrorCode::UserCannotModifyDeclarativeResource));
        }
        check_type_and_unit(d, &user_type, &ou_id)?;
        let schema = &d
            .user_types
            .by_name(&user_type)
            .ok_or_else(|| api(ApiErrorCode::UserTypeNotFound))?
            .schema;
        let declared = match &attributes {
            None => None,
            Some(Value::Object(object)) => {
                if schema.credentials().any(|c| object.contains_key(c)) {
                    return Err(api(ApiErrorCode::UserCredentialUpdateNotAllowed));
                }
                let declared: Map<String, Value> = object
                    .iter()
                    .filter(|(name, _)| schema.property(name).is_some())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if !schema.validate(&declared, true) {
                    return Err(api(ApiErrorCode::UserSchemaValidationFailed));
                }
                Some(declared)
            }
            Some(_) => return Err(api(ApiErrorCode::UserSchemaValidationFailed)),
        };
        if let Some(declared) = &declared {
            d.check_unique(&user_type, declared, Some(id))
                .map_err(|_| api(ApiErrorCode::UserAttributeConflict))?;
        }
        let user = d
            .users
            .update(id, |user| {
                user.ou_id = ou_id;
                user.user_type = user_type;
                user.attributes_null = declared.is_none();
                user.attributes = declared.unwrap_or_default();
                user.clone()
            })
            .ok_or_else(|| api(ApiErrorCode::UserNotFound))?;
        Ok(user_body(d, &user, false, false))
    })
}

/// `GET /users/{id}/groups`: the user's direct groups, by name.
pub(crate) fn groups(
    state: &AppState,
    caller: &Caller,
    id: &str,
    query: Option<&str>,
) -> Result<UserGroupListResponse, MockError> {
    let query = Query::parse(query);
    let paging = Paging::parse(&query, &PAGING)?.validate(&PAGING)?;
    state.stores().directory.read(|d| {
        let user = d
            .users
            .get(id)
            .ok_or_else(|| api(ApiErrorCode::UserNotFound))?;
        check_user_access(caller, Action::ReadUser, &user.ou_id, id)?;
        let mut groups: Vec<UserGroup> = d
            .groups
            .direct(&MemberRef::new(MemberKind::User, id))
            .map(|g| UserGroup {
                id: g.id.clone(),
                name: g.name.clone(),
                organization_unit_id: g.ou_id.clone(),
            })
            .collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        let page = paging.page(groups, &format!("/users/{id}/groups"), "");
        Ok(UserGroupListResponse {
            total_results: page.total_results,
            start_index: page.start_index,
            count: page.count,
            groups: page.items,
            links: page.links,
        })
    })
}

/// `POST /users/{id}/update-credentials` with `{"credentials": {…}}`: 204.
pub(crate) fn update_user_credentials(
    state: &AppState,
    caller: &Caller,
    id: &str,
    body: &[u8],
) -> Result<(), MockError> {
    if id.is_empty() {
        return Err(with_status(ApiErrorCode::UserMissingUserId, 404));
    }
    let request = GoObject::decode(body, &["credentials"]).map_err(|_| invalid_request())?;
    let credentials = match request.raw("credentials") {
        None => return Err(api(ApiErrorCode::UserMissingCredentials)),
        Some(Value::Object(c)) if c.is_empty() => {
            return Err(api(ApiErrorCode::UserMissingCredentials));
        }
        Some(Value::Object(c)) => c.clone(),
        Some(_) => return Err(invalid_request()),
    };
    let declarative = state.is_declarative(Declared::User, id);
    update_credentials(state, id, &credentials, |user| {
        check_user_access(caller, Action::UpdateUser, &user.ou_id, id)?;
        if declarative {
            return Err(api(ApiErrorCode::UserCannotModifyDeclarativeResource));
        }
        Ok(())
    })
}

/// `GET /users/tree/{path}`: the users directly in the unit at this handle path, as `{id,
/// isReadOnly}` (with `ouHandle` and `display` under `include=display`).
pub(crate) fn list_in_tree(
    state: &AppState,
    caller: &Caller,
    path: &str,
    query: Option<&str>,
) -> Result<UserListResponse, MockError> {
    if path.is_empty() {
        return Err(api(ApiErrorCode::UserHandlePathRequired));
    }
    let query = Query::parse(query);
    let paging = Paging::parse(&query, &PAGING)?;
    // Parsed (and refused when malformed) but not applied, as on the server.
    Filter::from_query(&query)?;
    let handles = handle_path(path)?;
    let display = query.include_display();
    let declared = state.declared_ids(Declared::User);
    state.stores().directory.read(|d| {
        let unit = d
            .units
            .by_path(&handles)
            .ok_or_else(|| api(ApiErrorCode::UserOrganizationUnitNotFound))?;
        check_access(caller, Action::ListUsers, &unit.id)?;
        let paging = paging.validate(&PAGING)?;
        let mut users: Vec<&UserRecord> = d.users.all().filter(|u| u.ou_id == unit.id).collect();
        files_last(&mut users, |u| {
            declared.contains(&u.id).then_some(u.id.as_str())
        });
        let users: Vec<User> = users
            .into_iter()
            .map(|u| {
                // The tree lists bare users (`User{ID}`): `isReadOnly` stays false.
                let full = user_body(d, u, display, false);
                User {
                    organization_unit_handle: full.organization_unit_handle,
                    display: full.display,
                    ..User::new(full.id)
                }
            })
            .collect();
        let base = format!("/users/tree/{}", handles.join("/"));
        let page = paging.page(users, &base, display_extra(display));
        Ok(UserListResponse {
            total_results: page.total_results,
            start_index: page.start_index,
            count: page.count,
            users: page.items,
            links: page.links,
        })
    })
}

/// `POST /users/tree/{path}`: create a user in the unit at this handle path.
pub(crate) fn create_in_tree(
    state: &AppState,
    caller: &Caller,
    path: &str,
    body: &[u8],
) -> Result<User, MockError> {
    if path.is_empty() {
        return Err(api(ApiErrorCode::UserHandlePathRequired));
    }
    let request = GoObject::decode(body, USER_FIELDS).map_err(|_| invalid_request())?;
    let user_type = request.string("type").map_err(|_| invalid_request())?;
    request.strings("groups").map_err(|_| invalid_request())?;
    let mut rules = FieldRules::default();
    rules.text("type", &user_type, true, None);
    rules.finish()?;
    let handles = handle_path(path)?;
    let ou_id = state
        .stores()
        .directory
        .read(|d| d.units.by_path(&handles).map(|u| u.id.clone()))
        .ok_or_else(|| api(ApiErrorCode::UserOrganizationUnitNotFound))?;
    create_in(state, caller, &ou_id, &sanitize(&user_type), &request, None)
}

/// A handle path: `/` around it trimmed; blank or with an empty segment is USR-1009.
fn handle_path(path: &str) -> Result<Vec<&str>, MockError> {
    let trimmed = path.trim_matches('/');
    let handles: Vec<&str> = trimmed.split('/').collect();
    if trimmed.trim().is_empty() || handles.iter().any(|h| h.trim().is_empty()) {
        return Err(api(ApiErrorCode::UserInvalidHandlePath));
    }
    Ok(handles)
}

fn display_extra(display: bool) -> &'static str {
    if display { "&include=display" } else { "" }
}

/// The user list's `filter`: `<attribute path> eq "<text>"` or `eq <number|bool>`
/// (`parseFilterExpression`), matched exactly against the user's attributes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Filter {
    path: String,
    value: Value,
}

/// Go's RE2 classes are ASCII: `\w` is `[0-9A-Za-z_]`, `\s` is `[\t\n\f\r ]`.
static FILTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^([0-9A-Za-z_]+(?:\.[0-9A-Za-z_]+)*)[\t\n\x0C\r ]+(eq)[\t\n\x0C\r ]+(?:"([^"]*)"|([0-9A-Za-z_]+))$"#,
    )
    .expect("a valid pattern")
});

impl Filter {
    /// `parseFilterParams`: absent is none; present but blank or malformed is USR-1020.
    pub(crate) fn from_query(query: &Query) -> Result<Option<Self>, MockError> {
        let Some(text) = query.get("filter") else {
            return Ok(None);
        };
        Self::parse(text.trim())
            .map(Some)
            .ok_or_else(|| api(ApiErrorCode::UserInvalidFilter))
    }

    fn parse(text: &str) -> Option<Self> {
        let captures = FILTER.captures(text)?;
        let path = sanitize(&captures[1]);
        let quoted = captures.get(3).map_or("", |m| m.as_str());
        let value = if !quoted.is_empty() {
            Value::from(sanitize(quoted))
        } else {
            let raw = captures.get(4)?.as_str();
            if let Ok(int) = raw.parse::<i64>() {
                Value::from(int)
            } else if let Some(float) = raw.parse::<f64>().ok().filter(|f| f.is_finite()) {
                Value::from(float)
            } else {
                Value::Bool(go_parse_bool(raw)?)
            }
        };
        Some(Self { path, value })
    }

    fn matches(&self, user: &UserRecord) -> bool {
        match (value_at(&user.attributes, &self.path), &self.value) {
            (Some(Value::String(a)), Value::String(b)) => a == b,
            (Some(Value::Number(a)), Value::Number(b)) => a.as_f64() == b.as_f64(),
            (Some(Value::Bool(a)), Value::Bool(b)) => a == b,
            _ => false,
        }
    }
}

/// `strconv.ParseBool`.
fn go_parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_as_the_server_parses_them() {
        let parse = |s: &str| Filter::parse(s).map(|f| (f.path, f.value));
        assert_eq!(
            parse(r#"username eq "thor""#),
            Some(("username".to_owned(), Value::from("thor")))
        );
        assert_eq!(
            parse("address.zip eq 12345"),
            Some(("address.zip".to_owned(), Value::from(12345)))
        );
        assert_eq!(
            parse("active eq true"),
            Some(("active".to_owned(), Value::Bool(true)))
        );
        assert_eq!(parse(r#"username eq """#), None);
        assert_eq!(parse(r#"username ne "x""#), None);
        assert_eq!(parse("username eq thor"), None);
        assert_eq!(parse(r#"username eq "a" and x eq "b""#), None);
        assert_eq!(parse(r#"usérname eq "x""#), None);
    }
}
