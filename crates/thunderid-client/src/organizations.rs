//! Organizations: the legacy organization APIs the JS SDKs called before `fe15a52` (sdk-http-calls
//! §5.4), the `organization_switch` grant, and ThunderID's organization units.
//!
//! * **Legacy organizations** (WSO2-style; the ThunderID server has none of them, the mock serves
//!   them from its organization units): [`Client::get_my_organizations`]
//!   (`GET /api/users/v1/me/organizations`), [`Client::get_all_organizations`],
//!   [`Client::create_organization`], [`Client::get_organization`] and
//!   [`Client::update_organization`] (`/api/server/v1/organizations[/{id}]`).
//! * **Switching**: [`Client::switch_organization`] sends the custom `organization_switch` grant
//!   (not RFC 8693) with the current access token, and validates the new ID token like any other;
//!   [`crate::SessionManager::switch_organization`] does it for a session. The organization a token
//!   set is in is read from the ID token, without HTTP ([`current_organization`]).
//! * **Organization units** (ThunderID): [`Client::list_organization_units`]
//!   (`GET /organization-units`), [`Client::list_child_organization_units`]
//!   (`GET /organization-units/{id}/ous`) and the HEAD SDK's
//!   [`Client::get_organization_unit_children`] (`GET
//!   /api/server/v1/organization-units/{id}/children`, a path only the mock serves).
//!
//! Every call takes a bearer token. Failures are typed: the API envelope ([`Error::Api`], e.g.
//! `AUTH-4030` without the permission, `OU-1003` for an unknown unit), the OAuth envelope for the
//! switch ([`Error::OAuth`], e.g. `invalid_grant` for a non-member), or
//! [`Error::UnexpectedResponse`].

use std::fmt::Write as _;

use serde::de::DeserializeOwned;
use serde_json::Value;
use thunderid_protocol::oauth2::{OrganizationSwitchGrant, TokenRequestParams};
use thunderid_protocol::oidc::IdTokenClaims;
use thunderid_protocol::organizations::{
    CreateOrganizationRequest, Organization, OrganizationDetails, OrganizationListResponse,
    OrganizationPatchKind, OrganizationPatchOperation, OrganizationType,
    OrganizationUnitChildListResponse, OrganizationUnitListResponse,
};
use thunderid_protocol::secret::{AccessToken, IdToken, RefreshToken};

use crate::error::Error;
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::oauth2::TokenSet;
use crate::{Client, session};

const MY_ORGANIZATIONS: &str = "/api/users/v1/me/organizations";
const ORGANIZATIONS: &str = "/api/server/v1/organizations";
/// The SDKs' page size.
const DEFAULT_LIMIT: u32 = 10;

/// The query of a legacy organization list (`getMeOrganizations`, `getAllOrganizations`). The
/// default is the SDK's: `limit=10&recursive=false`; empty values are left out.
///
/// ```
/// use thunderid_client::organizations::OrganizationQuery;
///
/// let query = OrganizationQuery::new().limit(5).recursive(true).filter("name co Eng");
/// assert_eq!(
///     query.to_query_string(),
///     "limit=5&recursive=true&filter=name+co+Eng"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrganizationQuery {
    /// Page size (the SDK's default 10).
    pub limit: u32,
    /// Whether units below the direct level are included.
    pub recursive: bool,
    /// A filter expression (`name co x and orgHandle eq y`).
    pub filter: Option<String>,
    /// The cursor of the next page (`nextCursor`).
    pub after: Option<String>,
    /// The cursor of the previous page.
    pub before: Option<String>,
    /// `authorizedAppName` (my organizations only).
    pub authorized_app_name: Option<String>,
}

/// The query of an organization-unit list: `limit`, `offset` and (root lists) `filter`, each sent
/// only when set.
///
/// ```
/// use thunderid_client::organizations::OrganizationUnitQuery;
///
/// let query = OrganizationUnitQuery::new().limit(2).offset(2);
/// assert_eq!(query.to_query_string(), "limit=2&offset=2");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrganizationUnitQuery {
    /// Page size (the server's default when unset).
    pub limit: Option<u32>,
    /// Zero-based offset.
    pub offset: Option<u32>,
    /// A filter expression (`name eq "Engineering"`).
    pub filter: Option<String>,
}

impl Default for OrganizationQuery {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            recursive: false,
            filter: None,
            after: None,
            before: None,
            authorized_app_name: None,
        }
    }
}

impl OrganizationQuery {
    /// The SDK's default query.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `limit`.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = limit;
        self
    }

    /// Sets `recursive`.
    pub fn recursive(mut self, recursive: bool) -> Self {
        self.recursive = recursive;
        self
    }

    /// Sets `filter`.
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.filter = Some(filter.into());
        self
    }

    /// Sets `after` (the next page's cursor).
    pub fn after(mut self, cursor: impl Into<String>) -> Self {
        self.after = Some(cursor.into());
        self
    }

    /// Sets `before` (the previous page's cursor).
    pub fn before(mut self, cursor: impl Into<String>) -> Self {
        self.before = Some(cursor.into());
        self
    }

    /// Sets `authorizedAppName`.
    pub fn authorized_app_name(mut self, name: impl Into<String>) -> Self {
        self.authorized_app_name = Some(name.into());
        self
    }

    /// The encoded query, without `?`.
    pub fn to_query_string(&self) -> String {
        let limit = self.limit.to_string();
        let recursive = if self.recursive { "true" } else { "false" };
        encode_query(&[
            ("limit", Some(limit.as_str())),
            ("recursive", Some(recursive)),
            ("filter", self.filter.as_deref()),
            ("after", self.after.as_deref()),
            ("before", self.before.as_deref()),
            ("authorizedAppName", self.authorized_app_name.as_deref()),
        ])
    }
}

impl OrganizationUnitQuery {
    /// No parameters: the server's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `limit`.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets `offset`.
    pub fn offset(mut self, offset: u32) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Sets `filter`.
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.filter = Some(filter.into());
        self
    }

    /// The encoded query, without `?`.
    pub fn to_query_string(&self) -> String {
        let (limit, offset) = (
            self.limit.map(|l| l.to_string()),
            self.offset.map(|o| o.to_string()),
        );
        encode_query(&[
            ("limit", limit.as_deref()),
            ("offset", offset.as_deref()),
            ("filter", self.filter.as_deref()),
        ])
    }
}

/// The organization an ID token names after a switch (`getCurrentOrganization`): its `org_id`,
/// `org_name` and `org_handle`; `None` when it has no `org_id`. No HTTP.
pub fn current_organization(claims: &IdTokenClaims) -> Option<Organization> {
    let organization = &claims.organization;
    let id = organization.organization_id.clone()?;
    Some(Organization {
        id,
        name: organization.organization_name.clone().unwrap_or_default(),
        org_handle: organization.organization_handle.clone().unwrap_or_default(),
        reference: None,
        status: None,
    })
}

/// The SDK's `createPatchOperations`: `REMOVE` of each empty member (`null`, `""`, `[]`, `{}`),
/// `REPLACE` of every other, with paths `/<member>`.
///
/// ```
/// use serde_json::json;
/// use thunderid_client::organizations::patch_operations;
///
/// let changes = json!({"name": "Acme"});
/// let operations = patch_operations(changes.as_object().into_iter().flatten());
/// assert_eq!(
///     serde_json::to_value(&operations)?,
///     json!([{"operation": "REPLACE", "path": "/name", "value": "Acme"}])
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn patch_operations<'a>(
    changes: impl IntoIterator<Item = (&'a String, &'a Value)>,
) -> Vec<OrganizationPatchOperation> {
    changes
        .into_iter()
        .map(|(member, value)| {
            let empty = match value {
                Value::Null => true,
                Value::String(text) => text.is_empty(),
                Value::Array(items) => items.is_empty(),
                Value::Object(members) => members.is_empty(),
                Value::Bool(_) | Value::Number(_) => false,
            };
            OrganizationPatchOperation {
                operation: if empty {
                    OrganizationPatchKind::Remove
                } else {
                    OrganizationPatchKind::Replace
                },
                path: format!("/{member}"),
                value: (!empty).then(|| value.clone()),
            }
        })
        .collect()
}

impl TokenSet {
    /// The organization the ID token names ([`current_organization`]); `None` without an ID token
    /// or outside a switched session.
    pub fn current_organization(&self) -> Option<Organization> {
        self.id_token_claims.as_ref().and_then(current_organization)
    }
}

impl Client {
    /// `getMyOrganizations`:
    /// `GET /api/users/v1/me/organizations?limit&recursive[&filter&after&before]`, the
    /// organizations the signed-in user may switch to. Any access token of the user works.
    pub async fn get_my_organizations(
        &self,
        token: &AccessToken,
        query: &OrganizationQuery,
    ) -> Result<OrganizationListResponse, Error> {
        let url = self.api_url(&[MY_ORGANIZATIONS], Some(query.to_query_string()));
        self.organization_call(HttpRequest::new(Method::Get, url), token, &[200])
            .await
    }

    /// `getAllOrganizations`: `GET /api/server/v1/organizations?limit&recursive[&filter…]`. Needs
    /// `system:ou:view` (or `system`).
    pub async fn get_all_organizations(
        &self,
        token: &AccessToken,
        query: &OrganizationQuery,
    ) -> Result<OrganizationListResponse, Error> {
        let url = self.api_url(&[ORGANIZATIONS], Some(query.to_query_string()));
        self.organization_call(HttpRequest::new(Method::Get, url), token, &[200])
            .await
    }

    /// `createOrganization`: `POST /api/server/v1/organizations` with `{name, description,
    /// orgHandle?, parentId, type}`. `type` is always `TENANT`, as the SDK forces it. Needs
    /// `system:ou`. 201 (the mock's answer) or 200 is success; any other status is an error.
    pub async fn create_organization(
        &self,
        token: &AccessToken,
        request: CreateOrganizationRequest,
    ) -> Result<OrganizationDetails, Error> {
        let body = CreateOrganizationRequest {
            organization_type: OrganizationType::Tenant,
            ..request
        };
        let url = self.api_url(&[ORGANIZATIONS], None);
        let request = HttpRequest::new(Method::Post, url).json(&body)?;
        self.organization_call(request, token, &[200, 201]).await
    }

    /// `getOrganization`: `GET /api/server/v1/organizations/{id}`.
    pub async fn get_organization(
        &self,
        token: &AccessToken,
        organization_id: &str,
    ) -> Result<OrganizationDetails, Error> {
        let url = self.api_url(&[ORGANIZATIONS, &path_segment(organization_id)], None);
        self.organization_call(HttpRequest::new(Method::Get, url), token, &[200])
            .await
    }

    /// `updateOrganization`: `PATCH /api/server/v1/organizations/{id}` with the operations array
    /// (see [`patch_operations`]). An empty array is sent as is (the server refuses it).
    pub async fn update_organization(
        &self,
        token: &AccessToken,
        organization_id: &str,
        operations: &[OrganizationPatchOperation],
    ) -> Result<OrganizationDetails, Error> {
        let url = self.api_url(&[ORGANIZATIONS, &path_segment(organization_id)], None);
        let request = HttpRequest::new(Method::Patch, url).json(&operations)?;
        self.organization_call(request, token, &[200]).await
    }

    /// `switchOrganization`: the `organization_switch` grant with `token` = `access_token`,
    /// `switching_organization` = `organization_id` and `scope` = the configured scopes, the client
    /// authenticating as configured. The new ID token is validated (signature, `iss`, `aud`, time;
    /// no nonce); [`TokenSet::current_organization`] then names the organization. A user who is not
    /// a member gets [`Error::OAuth`] `invalid_grant` ("User is not a member of the organization").
    ///
    /// ```no_run
    /// # use thunderid_client::{Client, Error, TokenSet};
    /// # async fn demo(client: Client, tokens: TokenSet) -> Result<(), Error> {
    /// let switched = client
    ///     .switch_organization(&tokens.access_token, "01900000-0000-7000-8000-000000000004")
    ///     .await?;
    /// println!("now in {:?}", switched.current_organization());
    /// # Ok(()) }
    /// ```
    pub async fn switch_organization(
        &self,
        access_token: &AccessToken,
        organization_id: &str,
    ) -> Result<TokenSet, Error> {
        let settings = self.settings();
        let mut grant = OrganizationSwitchGrant::new(access_token.clone(), organization_id);
        grant.scope = Some(settings.config.effective_scopes().join(" "));
        let params: TokenRequestParams = grant.into();
        let response = self.request_token(&settings, params).await?;
        let claims = match &response.id_token {
            Some(token) => Some(self.validate_id_token_with(&settings, token, None).await?),
            None => None,
        };
        Ok(TokenSet::from_response(response, self.now(), claims))
    }

    /// `GET /organization-units[?limit&offset&filter]`: the root units (a caller without `system`
    /// sees only its own). Needs `system:ou:view`; otherwise [`Error::Api`] 403 `AUTH-4030`.
    pub async fn list_organization_units(
        &self,
        token: &AccessToken,
        query: &OrganizationUnitQuery,
    ) -> Result<OrganizationUnitListResponse, Error> {
        let url = self.api_url(&["/organization-units"], non_empty(query.to_query_string()));
        self.organization_call(HttpRequest::new(Method::Get, url), token, &[200])
            .await
    }

    /// `GET /organization-units/{id}/ous[?limit&offset]`: the children of a unit.
    pub async fn list_child_organization_units(
        &self,
        token: &AccessToken,
        unit_id: &str,
        query: &OrganizationUnitQuery,
    ) -> Result<OrganizationUnitListResponse, Error> {
        let path = ["/organization-units", &path_segment(unit_id), "/ous"];
        let url = self.api_url(&path, non_empty(query.to_query_string()));
        self.organization_call(HttpRequest::new(Method::Get, url), token, &[200])
            .await
    }

    /// The HEAD SDK's `getOrganizationUnitChildren`:
    /// `GET /api/server/v1/organization-units/{id}/children[?limit&offset]` (the `filter` of the
    /// query is not sent). The ThunderID server has no such path (contract §4.3); the mock serves
    /// it.
    pub async fn get_organization_unit_children(
        &self,
        token: &AccessToken,
        unit_id: &str,
        query: &OrganizationUnitQuery,
    ) -> Result<OrganizationUnitChildListResponse, Error> {
        let path = [
            "/api/server/v1/organization-units",
            &path_segment(unit_id),
            "/children",
        ];
        let paging = OrganizationUnitQuery {
            filter: None,
            ..query.clone()
        };
        let url = self.api_url(&path, non_empty(paging.to_query_string()));
        self.organization_call(HttpRequest::new(Method::Get, url), token, &[200])
            .await
    }

    /// `base` + the path pieces (`/a`, `{segment}`, `/b`: segments are already encoded) + `?query`.
    fn api_url(&self, path: &[&str], query: Option<String>) -> String {
        let mut url = self.settings().config.base_url().to_owned();
        let mut pieces = path.iter();
        if let Some(first) = pieces.next() {
            url.push_str(first);
        }
        for piece in pieces {
            if !piece.starts_with('/') {
                url.push('/');
            }
            url.push_str(piece);
        }
        if let Some(query) = query {
            url.push('?');
            url.push_str(&query);
        }
        url
    }

    /// Sends `request` with the bearer token; a status in `accepted` decodes as `T`, any other is
    /// the API error (or the raw response).
    async fn organization_call<T: DeserializeOwned>(
        &self,
        request: HttpRequest,
        token: &AccessToken,
        accepted: &[u16],
    ) -> Result<T, Error> {
        let request = request
            .header("Accept", "application/json")
            .bearer(token.secret());
        let response: HttpResponse = self.http().send(request).await?;
        if accepted.contains(&response.status) {
            response.json()
        } else if response.is_success() {
            Err(response.unexpected())
        } else {
            Err(response.api_failure())
        }
    }
}

/// What a session switch produced.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SwitchedSession {
    /// The new session token, replacing the old cookie (same session id).
    pub session_token: session::SessionToken,
    /// When the new access token expires.
    pub expires_at: u64,
    /// The organization the new ID token names.
    pub organization: Option<Organization>,
}

/// The parts of a switch's token set a session keeps.
pub(crate) struct SwitchedTokens {
    pub(crate) access_token: AccessToken,
    pub(crate) refresh_token: Option<RefreshToken>,
    pub(crate) id_token: Option<IdToken>,
    pub(crate) subject: Option<String>,
    pub(crate) scope: Option<String>,
    pub(crate) expires_in: u64,
    /// `org_id` of the new ID token, else its `ouId`.
    pub(crate) organization_id: Option<String>,
    pub(crate) organization: Option<Organization>,
}

impl From<TokenSet> for SwitchedTokens {
    fn from(tokens: TokenSet) -> Self {
        let organization = tokens.current_organization();
        let claims = tokens.id_token_claims.as_ref();
        let organization_id = claims.and_then(|c| {
            c.organization.organization_id.clone().or_else(|| {
                c.organization
                    .organization_unit_id
                    .as_ref()
                    .map(|id| id.as_str().to_owned())
            })
        });
        Self {
            subject: claims.and_then(|c| c.registered.subject.clone()),
            organization_id,
            organization,
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            id_token: tokens.id_token,
            scope: tokens.scope,
            expires_in: tokens.expires_in,
        }
    }
}

/// `application/x-www-form-urlencoded` pairs, the `None` and empty ones left out.
fn encode_query(pairs: &[(&str, Option<&str>)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            query.append_pair(name, value);
        }
    }
    query.finish()
}

fn non_empty(query: String) -> Option<String> {
    (!query.is_empty()).then_some(query)
}

/// One path segment, percent-encoded (everything but RFC 3986 unreserved characters).
fn path_segment(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_default_query_is_the_sdks() {
        assert_eq!(
            OrganizationQuery::new().to_query_string(),
            "limit=10&recursive=false"
        );
        let query = OrganizationQuery::new()
            .after("YWJj")
            .filter("")
            .authorized_app_name("My App");
        assert_eq!(
            query.to_query_string(),
            "limit=10&recursive=false&after=YWJj&authorizedAppName=My+App"
        );
        assert_eq!(OrganizationUnitQuery::new().to_query_string(), "");
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(path_segment("01900000-0000-7000"), "01900000-0000-7000");
        assert_eq!(path_segment("a/b c?"), "a%2Fb%20c%3F");
        assert_eq!(path_segment("ü"), "%C3%BC");
    }

    #[test]
    fn empty_members_are_removed_and_others_replaced() {
        let changes = json!({"a": null, "b": [], "c": {}, "d": false, "e": 0, "f": ["x"]});
        let operations = patch_operations(changes.as_object().into_iter().flatten());
        let mut kinds: Vec<(String, &str)> = operations
            .iter()
            .map(|op| (op.path.clone(), op.operation.as_str()))
            .collect();
        kinds.sort();
        assert_eq!(
            kinds,
            [
                ("/a".to_owned(), "REMOVE"),
                ("/b".to_owned(), "REMOVE"),
                ("/c".to_owned(), "REMOVE"),
                ("/d".to_owned(), "REPLACE"),
                ("/e".to_owned(), "REPLACE"),
                ("/f".to_owned(), "REPLACE"),
            ]
        );
    }
}
