//! HTTP routes: the one route table, [`ROUTES`], and one module per area with its handlers. A
//! handler extracts, calls one service, and maps the result.
//!
//! [`ROUTES`] lists every path the mock answers (or deliberately does not), with its methods, its
//! CORS policy, who may call it, whether it is also served under `/t/carbon.super`, and the
//! discovery member that advertises it. The router ([`crate::app::router`]), the CORS layer, the
//! security middleware's rules for the mock's own paths and the discovery documents are all built
//! from it, so adding an endpoint is one entry and they cannot drift.
//!
//! CORS policies are the real server's, read from each package's `init.go` at thunder-id/thunderid
//! 4e69e01; mock-only paths say so.

pub(crate) mod agents;
pub(crate) mod authn;
pub(crate) mod authzen;
pub(crate) mod config;
pub(crate) mod connections;
pub(crate) mod control;
pub(crate) mod design;
pub(crate) mod discovery;
pub(crate) mod flow;
pub(crate) mod flows;
pub(crate) mod gate;
pub(crate) mod groups;
pub(crate) mod health;
pub(crate) mod i18n;
pub(crate) mod idp;
pub(crate) mod oauth2;
pub(crate) mod openid4vp;
pub(crate) mod organizations;
pub(crate) mod resources;
mod respond;
pub(crate) mod users;
pub(crate) mod vc;

use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, post};

use crate::cors::Cors;
use crate::security::Access;
use crate::state::AppState;

/// A discovery member naming an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Authorization,
    Token,
    Jwks,
    UserInfo,
    EndSession,
    Introspection,
    Revocation,
    Registration,
    PushedAuthorization,
    Backchannel,
}

/// When a route is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Served {
    Always,
    /// Only with the control plane on (not under `--no-control`).
    WithControl,
}

/// One path.
pub(crate) struct Route {
    /// The path, in axum's syntax.
    pub path: &'static str,
    /// The handlers by method.
    pub handlers: fn() -> MethodRouter<AppState>,
    /// The CORS policy, when the real server registers the path with `WithCORS`.
    pub cors: Option<&'static Cors>,
    /// For the mock's own paths (not in the real server's security tables): who may call them, by
    /// method (`"*"`: any). `None` for the server's paths, judged by its own rules.
    pub access: Option<&'static [(&'static str, Access)]>,
    /// Also served under `/t/{tenant}` (only `carbon.super` answers).
    pub tenant: bool,
    /// Also served under `/o`: the organization-qualified base URL the JS SDKs switch to when the
    /// ID token carries `user_org` (mock-only; the real server has no such paths).
    pub organization: bool,
    pub endpoint: Option<Endpoint>,
    pub served: Served,
}

impl Route {
    const fn new(path: &'static str, handlers: fn() -> MethodRouter<AppState>) -> Self {
        Self {
            path,
            handlers,
            cors: None,
            access: None,
            tenant: false,
            organization: false,
            endpoint: None,
            served: Served::Always,
        }
    }

    const fn cors(mut self, cors: &'static Cors) -> Self {
        self.cors = Some(cors);
        self
    }

    const fn mock_only(mut self, access: &'static [(&'static str, Access)]) -> Self {
        self.access = Some(access);
        self
    }

    const fn tenant(mut self) -> Self {
        self.tenant = true;
        self
    }

    const fn organization(mut self) -> Self {
        self.organization = true;
        self
    }

    const fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    const fn served(mut self, served: Served) -> Self {
        self.served = served;
        self
    }
}

const PUBLIC: &[(&str, Access)] = &[("*", Access::Public)];
const GET_POST: &[&str] = &["GET", "POST", "OPTIONS"];
const POST_OPTIONS: &[&str] = &["POST", "OPTIONS"];
const GET_OPTIONS: &[&str] = &["GET", "OPTIONS"];
/// The direct authentication API's policy (`authn/init.go`): `POST` only in the preflight, so
/// `Direct-Auth-Secret` cannot be sent cross-origin.
const DIRECT_AUTH_CORS: Cors = Cors::new(POST_OPTIONS, "POST");
/// The OpenID4VP endpoints (`openid4vp/init.go`: GET and POST on every path, OPTIONS 204).
const OPENID4VP_CORS: Cors = Cors::new(&["GET", "POST", "OPTIONS"], "GET, POST");
/// The i18n setters' policy.
const SET_CLEAR_CORS: Cors = Cors::new(&["POST", "DELETE", "OPTIONS"], "POST, DELETE");

/// Every path, in no particular order (axum matches by specificity, as Go's `ServeMux`).
pub(crate) static ROUTES: &[Route] = &[
    // Health (healthcheck.yaml).
    Route::new("/health/liveness", || get(health::liveness)),
    Route::new("/health/readiness", || get(health::readiness)),
    // Discovery and keys (O2/discovery, jwks).
    Route::new("/.well-known/openid-configuration", || {
        get(discovery::get_openid_configuration)
    })
    .cors(&Cors::DISCOVERY)
    .tenant(),
    Route::new("/.well-known/oauth-authorization-server", || {
        get(discovery::get_authorization_server_metadata)
    })
    .cors(&Cors::DISCOVERY)
    .tenant(),
    // Mock-only: WSO2 Identity Server's discovery path.
    Route::new("/oauth2/token/.well-known/openid-configuration", || {
        get(discovery::get_openid_configuration)
    })
    .cors(&Cors::DISCOVERY)
    .tenant(),
    Route::new("/oauth2/jwks", || get(discovery::get_jwks))
        .cors(&Cors::new(GET_OPTIONS, "GET, OPTIONS"))
        .tenant()
        .endpoint(Endpoint::Jwks),
    // OAuth 2.0 / OIDC (O2/*). `GET /oauth2/authorize` deliberately has no CORS; the mock-only
    // direct-mode form POST does (a simple request: no OPTIONS).
    Route::new("/oauth2/authorize", || {
        get(oauth2::authorize).post(oauth2::authorize_direct)
    })
    .cors(&Cors::new(&["POST"], "POST"))
    .tenant()
    .endpoint(Endpoint::Authorization),
    // Mock-only: the V1 app-native API (seed 002).
    Route::new("/oauth2/authn", || post(oauth2::authn))
        .cors(&Cors::new(POST_OPTIONS, "POST"))
        .tenant(),
    Route::new("/oauth2/auth/callback", || post(oauth2::auth_callback))
        .cors(&Cors::new(POST_OPTIONS, "POST")),
    Route::new("/oauth2/token", || post(oauth2::issue_token))
        .cors(&Cors::new(&["POST"], "POST"))
        .tenant()
        .endpoint(Endpoint::Token),
    Route::new("/oauth2/introspect", || post(oauth2::introspect))
        .cors(&Cors::new(POST_OPTIONS, "POST, OPTIONS"))
        .endpoint(Endpoint::Introspection),
    Route::new("/oauth2/revoke", || post(oauth2::revoke))
        .cors(&Cors::new(POST_OPTIONS, "POST, OPTIONS"))
        .endpoint(Endpoint::Revocation),
    Route::new("/oauth2/userinfo", || {
        get(oauth2::user_info).post(oauth2::user_info)
    })
    .cors(&Cors::new(GET_POST, "GET, POST, OPTIONS"))
    .endpoint(Endpoint::UserInfo),
    Route::new("/oauth2/logout", || {
        get(oauth2::logout).post(oauth2::logout)
    })
    .cors(&Cors::new(GET_POST, "GET, POST, OPTIONS"))
    .endpoint(Endpoint::EndSession),
    Route::new("/oauth2/logout/callback", || post(oauth2::logout_callback))
        .cors(&Cors::new(POST_OPTIONS, "GET, POST, OPTIONS")),
    Route::new("/oauth2/par", || post(oauth2::push_authorization_request))
        .cors(&Cors::new(&["POST"], "POST"))
        .endpoint(Endpoint::PushedAuthorization),
    Route::new("/oauth2/bc-authorize", || {
        post(oauth2::backchannel_authorize)
    })
    .cors(&Cors::new(&["POST"], "POST"))
    .endpoint(Endpoint::Backchannel),
    Route::new("/oauth2/dcr/register", || post(oauth2::register_client))
        .cors(&Cors::new(POST_OPTIONS, "POST, OPTIONS"))
        .endpoint(Endpoint::Registration),
    // App-native flows (flowexec, flowmeta).
    Route::new("/flow/execute", || post(flow::execute_flow)).cors(&Cors::new(POST_OPTIONS, "POST")),
    Route::new("/flow/meta", || get(flow::flow_meta)).cors(&Cors::new(GET_OPTIONS, "GET, OPTIONS")),
    // The signed-in user (user).
    Route::new("/users/me", || get(users::get_me).put(users::update_me))
        .cors(&Cors::new(&["GET", "PUT", "OPTIONS"], "GET, PUT"))
        .organization(),
    Route::new("/users/me/meta", || get(users::get_my_schema))
        .cors(&Cors::new(GET_OPTIONS, "GET"))
        .organization(),
    Route::new("/users/me/update-credentials", || {
        post(users::update_my_credentials)
    })
    .cors(&Cors::new(POST_OPTIONS, "POST"))
    .organization(),
    // Users and user types (user).
    Route::new("/users", || get(users::list_users).post(users::create_user))
        .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/users/", || {
        get(users::missing_user_id)
            .put(users::missing_user_id)
            .delete(users::missing_user_id)
    })
    .cors(&USER_CORS),
    Route::new("/users/{id}", || {
        get(users::get_user)
            .put(users::update_user)
            .delete(users::delete_user)
    })
    .cors(&USER_CORS),
    Route::new("/users/{id}/{list}", || {
        get(users::get_user_list).post(users::post_user_action)
    })
    .cors(&USER_CORS),
    Route::new("/users/tree/", || {
        get(users::users_tree_without_path).post(users::users_tree_without_path)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/users/tree/{*path}", || {
        get(users::list_users_in_tree).post(users::create_user_in_tree)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/user-types", || {
        get(users::list_user_types).post(users::create_user_type)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/user-types/{id}", || {
        get(users::get_user_type)
            .put(users::update_user_type)
            .delete(users::delete_user_type)
    })
    .cors(&ITEM_CORS),
    // Agents and agent types (agent).
    Route::new("/agents", || {
        get(agents::list_agents).post(agents::create_agent)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/agents/{id}", || {
        get(agents::get_agent)
            .put(agents::update_agent)
            .delete(agents::delete_agent)
    })
    .cors(&ITEM_CORS),
    Route::new("/agents/{id}/groups", || get(agents::agent_groups))
        .cors(&Cors::new(GET_OPTIONS, "GET")),
    Route::new("/agents/{id}/roles", || get(agents::agent_roles))
        .cors(&Cors::new(GET_OPTIONS, "GET")),
    Route::new("/agent-types", || {
        get(agents::list_agent_types).post(agents::create_agent_type)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/agent-types/{id}", || {
        get(agents::get_agent_type)
            .put(agents::update_agent_type)
            .delete(agents::delete_agent_type)
    })
    .cors(&ITEM_CORS),
    // Groups (group).
    Route::new("/groups", || {
        get(groups::list_groups).post(groups::create_group)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/groups/{id}", || {
        get(groups::get_group)
            .put(groups::update_group)
            .delete(groups::delete_group)
    })
    .cors(&GROUP_CORS),
    Route::new("/groups/{id}/{list}", || get(groups::get_group_list)).cors(&GROUP_CORS),
    Route::new("/groups/{id}/{list}/{change}", || {
        post(groups::change_group_members)
    })
    .cors(&Cors::new(POST_OPTIONS, "GET, POST, PUT, DELETE")),
    Route::new("/groups/tree/", || {
        get(groups::groups_tree_without_path).post(groups::groups_tree_without_path)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/groups/tree/{*path}", || {
        get(groups::list_groups_in_tree).post(groups::create_group_in_tree)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    // Roles (role).
    Route::new("/roles", || {
        get(groups::list_roles).post(groups::create_role)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/roles/{id}", || {
        get(groups::get_role)
            .put(groups::update_role)
            .delete(groups::delete_role)
    })
    .cors(&ITEM_CORS),
    Route::new("/roles/{id}/{list}", || get(groups::get_role_list))
        .cors(&Cors::new(GET_OPTIONS, "GET")),
    Route::new("/roles/{id}/assignments/{change}", || {
        post(groups::change_role_assignments)
    })
    .cors(&Cors::new(POST_OPTIONS, "POST")),
    // Resource servers, resources and actions (resource).
    Route::new("/resource-servers", || {
        get(resources::list_servers).post(resources::create_server)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/resource-servers/{id}", || {
        get(resources::get_server)
            .put(resources::update_server)
            .delete(resources::delete_server)
    })
    .cors(&ITEM_CORS),
    Route::new("/resource-servers/{id}/resources", || {
        get(resources::list_resources).post(resources::create_resource)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/resource-servers/{id}/resources/{resource}", || {
        get(resources::get_resource)
            .put(resources::update_resource)
            .delete(resources::delete_resource)
    })
    .cors(&ITEM_CORS),
    Route::new("/resource-servers/{id}/actions", || {
        get(resources::list_server_actions).post(resources::create_server_action)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/resource-servers/{id}/actions/{action}", || {
        get(resources::get_server_action)
            .put(resources::update_server_action)
            .delete(resources::delete_server_action)
    })
    .cors(&ITEM_CORS),
    Route::new(
        "/resource-servers/{id}/resources/{resource}/actions",
        || get(resources::list_resource_actions).post(resources::create_resource_action),
    )
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new(
        "/resource-servers/{id}/resources/{resource}/actions/{action}",
        || {
            get(resources::get_resource_action)
                .put(resources::update_resource_action)
                .delete(resources::delete_resource_action)
        },
    )
    .cors(&ITEM_CORS),
    // The direct authentication API (authn): `Direct-Auth-Secret` on every POST; OPTIONS 204.
    Route::new(
        "/auth/credentials/authenticate",
        authn::authenticate_credentials,
    )
    .cors(&DIRECT_AUTH_CORS),
    Route::new("/auth/otp/sms/send", authn::send_sms_otp).cors(&DIRECT_AUTH_CORS),
    Route::new("/auth/otp/sms/verify", authn::verify_sms_otp).cors(&DIRECT_AUTH_CORS),
    Route::new("/auth/oauth/google/start", authn::google_start).cors(&DIRECT_AUTH_CORS),
    Route::new("/auth/oauth/google/finish", authn::google_finish).cors(&DIRECT_AUTH_CORS),
    Route::new("/auth/oauth/github/start", authn::github_start).cors(&DIRECT_AUTH_CORS),
    Route::new("/auth/oauth/github/finish", authn::github_finish).cors(&DIRECT_AUTH_CORS),
    Route::new("/auth/oauth/standard/start", authn::standard_start).cors(&DIRECT_AUTH_CORS),
    Route::new("/auth/oauth/standard/finish", authn::standard_finish).cors(&DIRECT_AUTH_CORS),
    // The OpenID4VP verifier a wallet talks to (public but the trust anchors).
    Route::new("/openid4vp/request", || get(openid4vp::request_object)).cors(&OPENID4VP_CORS),
    Route::new("/openid4vp/response", || post(openid4vp::submit_response)).cors(&OPENID4VP_CORS),
    Route::new("/openid4vp/status/{txn_id}", || get(openid4vp::status)).cors(&OPENID4VP_CORS),
    Route::new("/openid4vp/initiate", || post(openid4vp::initiate)).cors(&OPENID4VP_CORS),
    Route::new("/openid4vp/trust-anchors", || get(openid4vp::trust_anchors)).cors(&OPENID4VP_CORS),
    // The verifiable-credential management APIs (`vc/presentation`, `vc/credential`: no OpenAPI
    // file; the Go handlers are the spec).
    Route::new("/openid4vp/presentation-definitions", || {
        get(vc::list_definitions).post(vc::create_definition)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/openid4vp/presentation-definitions/{id}", || {
        get(vc::get_definition)
            .put(vc::update_definition)
            .delete(vc::delete_definition)
    })
    .cors(&ITEM_CORS),
    Route::new("/openid4vci/credential-configurations", || {
        get(vc::list_configurations).post(vc::create_configuration)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/openid4vci/credential-configurations/{id}", || {
        get(vc::get_configuration)
            .put(vc::update_configuration)
            .delete(vc::delete_configuration)
    })
    .cors(&ITEM_CORS),
    Route::new("/auth/passkey/start", authn::start_passkey_authentication).cors(&DIRECT_AUTH_CORS),
    Route::new("/auth/passkey/finish", authn::finish_passkey_authentication)
        .cors(&DIRECT_AUTH_CORS),
    Route::new("/register/passkey/start", authn::start_passkey_registration)
        .cors(&DIRECT_AUTH_CORS),
    Route::new(
        "/register/passkey/finish",
        authn::finish_passkey_registration,
    )
    .cors(&DIRECT_AUTH_CORS),
    // AuthZEN (authzen): public paths; the evaluations need `Direct-Auth-Secret`.
    Route::new("/.well-known/authzen-configuration", || {
        get(authzen::configuration)
    })
    .cors(&Cors::without_credentials(GET_OPTIONS, "GET")),
    Route::new("/access/v1/evaluation", || post(authzen::evaluation))
        .cors(&Cors::new(POST_OPTIONS, "POST")),
    Route::new("/access/v1/evaluations", || post(authzen::evaluations))
        .cors(&Cors::new(POST_OPTIONS, "POST")),
    Route::new("/access/v1/search/action", || post(authzen::search_action))
        .cors(&Cors::new(POST_OPTIONS, "POST")),
    // Mock-only: SCIM2 for WSO2 Identity Server clients, with SCIM's own 401.
    Route::new("/scim2/Me", || {
        get(users::get_scim_me).patch(users::patch_scim_me)
    })
    .cors(&Cors::new(&["GET", "PATCH", "OPTIONS"], "GET, PATCH"))
    .mock_only(&[("*", Access::OwnRules)])
    .tenant()
    .organization(),
    Route::new("/scim2/Schemas", || get(users::list_scim_schemas))
        .cors(&Cors::new(GET_OPTIONS, "GET"))
        .mock_only(&[("*", Access::OwnRules)])
        .tenant()
        .organization(),
    // Organization units (ou).
    Route::new("/organization-units", || {
        get(organizations::list_units).post(organizations::create_unit)
    })
    .cors(&Cors::new(GET_POST, "GET, POST"))
    .tenant(),
    Route::new("/organization-units/", || {
        get(organizations::missing_unit_id)
    })
    .cors(&UNIT_CORS)
    .tenant(),
    Route::new("/organization-units/{id}", || {
        get(organizations::get_unit)
            .put(organizations::update_unit)
            .delete(organizations::delete_unit)
    })
    .cors(&UNIT_CORS)
    .tenant(),
    Route::new("/organization-units/{id}/{list}", || {
        get(organizations::list_under_unit)
    })
    .cors(&UNIT_CORS)
    .tenant(),
    Route::new("/organization-units/tree/", || {
        get(organizations::tree_without_path)
            .put(organizations::tree_without_path)
            .delete(organizations::tree_without_path)
    })
    .cors(&UNIT_CORS)
    .tenant(),
    Route::new("/organization-units/tree/{*path}", || {
        get(organizations::get_unit_by_path)
            .put(organizations::update_unit_by_path)
            .delete(organizations::delete_unit_by_path)
    })
    .cors(&UNIT_CORS)
    .tenant(),
    // Mock-only: the JS SDKs' organization calls, with the unit API's permissions.
    Route::new("/api/server/v1/organization-units/{id}/children", || {
        get(organizations::sdk_unit_children)
    })
    .cors(&Cors::new(GET_OPTIONS, "GET"))
    .mock_only(&[("*", Access::Permission("system:ou:view"))])
    .tenant(),
    Route::new("/api/users/v1/me/organizations", || {
        get(organizations::my_organizations)
    })
    .cors(&Cors::new(GET_OPTIONS, "GET"))
    .mock_only(&[("*", Access::Permission(""))])
    .tenant(),
    Route::new("/api/server/v1/organizations", || {
        get(organizations::list_organizations).post(organizations::create_organization)
    })
    .cors(&Cors::new(GET_POST, "GET, POST"))
    .mock_only(&ORGANIZATION_ACCESS)
    .tenant(),
    Route::new("/api/server/v1/organizations/{id}", || {
        get(organizations::get_organization).patch(organizations::patch_organization)
    })
    .cors(&Cors::new(&["GET", "PATCH", "OPTIONS"], "GET, PATCH"))
    .mock_only(&ORGANIZATION_ACCESS)
    .tenant(),
    // The configuration plane (application, server-config, import, export).
    Route::new("/applications", || {
        get(config::list_applications).post(config::create_application)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/applications/{id}", || {
        get(config::get_application)
            .put(config::update_application)
            .delete(config::delete_application)
    })
    .cors(&ITEM_CORS),
    Route::new("/server-config", || get(config::list_server_config))
        .cors(&Cors::new(GET_OPTIONS, "GET")),
    Route::new("/server-config/{name}", || {
        get(config::get_server_config).put(config::put_server_config)
    })
    .cors(&Cors::new(&["GET", "PUT", "OPTIONS"], "GET, PUT")),
    // Flow management (flow-management.yaml).
    Route::new("/flows", || get(flows::list).post(flows::create))
        .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/flows/{id}", || {
        get(flows::get).put(flows::update).delete(flows::delete)
    })
    .cors(&ITEM_CORS),
    Route::new("/flows/{id}/versions", || get(flows::versions))
        .cors(&Cors::new(GET_OPTIONS, "GET")),
    Route::new("/flows/{id}/versions/{version}", || get(flows::version))
        .cors(&Cors::new(GET_OPTIONS, "GET")),
    Route::new("/flows/{id}/restore", || post(flows::restore))
        .cors(&Cors::new(POST_OPTIONS, "POST")),
    Route::new("/flows/{id}/usages", || get(flows::usages)).cors(&Cors::new(GET_OPTIONS, "GET")),
    Route::new("/import", || post(config::import)).cors(&Cors::new(POST_OPTIONS, "POST")),
    Route::new("/import/delete", || post(config::import_delete))
        .cors(&Cors::new(POST_OPTIONS, "POST")),
    Route::new("/export", || post(config::export)).cors(&Cors::new(POST_OPTIONS, "POST")),
    // Connections (connections.yaml): identity providers and SMS senders, by vendor.
    Route::new("/connections", || get(connections::list)).cors(&Cors::new(GET_OPTIONS, "GET")),
    Route::new("/connections/{vendor}", || {
        get(connections::list_vendor).post(connections::create)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/connections/{vendor}/{id}", || {
        get(connections::get)
            .put(connections::update)
            .delete(connections::delete)
    })
    .cors(&ITEM_CORS),
    Route::new("/connections/{vendor}/{id}/usages", || {
        get(connections::usages)
    })
    .cors(&Cors::new(GET_OPTIONS, "GET")),
    // Themes, layouts and the public design resolve.
    Route::new("/design/themes", || {
        get(design::list_themes).post(design::create_theme)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/design/themes/{id}", || {
        get(design::get_theme)
            .put(design::update_theme)
            .delete(design::delete_theme)
    })
    .cors(&ITEM_CORS),
    Route::new("/design/themes/{id}/usages", || get(design::theme_usages))
        .cors(&Cors::new(GET_OPTIONS, "GET")),
    Route::new("/design/layouts", || {
        get(design::list_layouts).post(design::create_layout)
    })
    .cors(&Cors::new(GET_POST, "GET, POST")),
    Route::new("/design/layouts/{id}", || {
        get(design::get_layout)
            .put(design::update_layout)
            .delete(design::delete_layout)
    })
    .cors(&ITEM_CORS),
    Route::new("/design/layouts/{id}/usages", || get(design::layout_usages))
        .cors(&Cors::new(GET_OPTIONS, "GET")),
    Route::new("/design/resolve", || get(design::resolve_design))
        .cors(&Cors::new(GET_OPTIONS, "GET")),
    // Translations (the `GET`s are public).
    Route::new("/i18n/languages", || get(i18n::list_languages))
        .cors(&Cors::new(GET_OPTIONS, "GET")),
    Route::new("/i18n/languages/{language}/translations/resolve", || {
        get(i18n::resolve_translations)
    })
    .cors(&Cors::new(GET_OPTIONS, "GET")),
    Route::new("/i18n/languages/{language}/translations", || {
        post(i18n::set_translations).delete(i18n::clear_translations)
    })
    .cors(&SET_CLEAR_CORS),
    Route::new(
        "/i18n/languages/{language}/translations/ns/{namespace}/keys/{key}/resolve",
        || get(i18n::resolve_translation),
    )
    .cors(&Cors::new(GET_OPTIONS, "GET")),
    Route::new(
        "/i18n/languages/{language}/translations/ns/{namespace}/keys/{key}",
        || post(i18n::set_translation).delete(i18n::clear_translation),
    )
    .cors(&SET_CLEAR_CORS),
    // The hosted gate (public: `/gate/**`).
    Route::new("/gate/signin", || {
        get(gate::signin_page).post(gate::signin_submit)
    }),
    Route::new("/gate/signout", || {
        get(gate::signout_page).post(gate::signout_submit)
    }),
    Route::new("/gate/callback", || get(gate::idp_return)),
    Route::new("/gate/invite", || get(gate::invite_link)),
    Route::new("/gate/error", || get(gate::error_page)),
    // Mock-only: the fake upstream IdP and the control plane.
    Route::new("/__mock/idp/{name}/authorize", || get(idp::idp_authorize))
        .mock_only(PUBLIC)
        .served(Served::WithControl),
    Route::new("/__mock/reset", || post(control::reset))
        .mock_only(PUBLIC)
        .served(Served::WithControl),
    Route::new("/__mock/clock", || {
        get(control::clock).post(control::advance_clock)
    })
    .mock_only(PUBLIC)
    .served(Served::WithControl),
    Route::new("/__mock/requests", || get(control::requests))
        .mock_only(PUBLIC)
        .served(Served::WithControl),
    Route::new("/__mock/outbox", || get(control::outbox))
        .mock_only(PUBLIC)
        .served(Served::WithControl),
    Route::new("/__mock/stats", || get(control::stats))
        .mock_only(PUBLIC)
        .served(Served::WithControl),
    Route::new("/__mock/faults", || {
        get(control::list_faults)
            .post(control::add_fault)
            .delete(control::clear_faults)
    })
    .mock_only(PUBLIC)
    .served(Served::WithControl),
    Route::new("/__mock/faults/{id}", || delete(control::remove_fault))
        .mock_only(PUBLIC)
        .served(Served::WithControl),
    Route::new("/__mock/keys", || {
        get(control::list_keys).post(control::add_key)
    })
    .mock_only(PUBLIC)
    .served(Served::WithControl),
    Route::new("/__mock/keys/rotate", || post(control::rotate_key))
        .mock_only(PUBLIC)
        .served(Served::WithControl),
    Route::new("/__mock/keys/stale-jwks", || post(control::stale_jwks))
        .mock_only(PUBLIC)
        .served(Served::WithControl),
    Route::new("/__mock/keys/fetches", || get(control::jwks_fetches))
        .mock_only(PUBLIC)
        .served(Served::WithControl),
    Route::new("/__mock/keys/{kid}/activate", || {
        post(control::activate_key)
    })
    .mock_only(PUBLIC)
    .served(Served::WithControl),
    Route::new("/__mock/keys/{kid}/retire", || post(control::retire_key))
        .mock_only(PUBLIC)
        .served(Served::WithControl),
    Route::new("/__mock/ciba/{auth_req_id}", || {
        post(control::decide_backchannel)
    })
    .mock_only(PUBLIC)
    .served(Served::WithControl),
    Route::new("/__mock/passkeys/attestation", || {
        post(control::passkey_attestation)
    })
    .mock_only(PUBLIC)
    .served(Served::WithControl),
    Route::new("/__mock/passkeys/assertion", || {
        post(control::passkey_assertion)
    })
    .mock_only(PUBLIC)
    .served(Served::WithControl),
    Route::new("/__mock/wallet/present", || post(openid4vp::wallet_present))
        .mock_only(PUBLIC)
        .served(Served::WithControl),
    Route::new("/__mock/captcha/token", || post(control::captcha_token))
        .mock_only(PUBLIC)
        .served(Served::WithControl),
];

/// `/users/{…}` (`GET|PUT|DELETE|POST /users/`).
static USER_CORS: Cors = Cors::new(
    &["GET", "PUT", "DELETE", "POST", "OPTIONS"],
    "GET, PUT, DELETE, POST",
);

/// `/groups/{id}[/members]`.
static GROUP_CORS: Cors = Cors::new(
    &["GET", "PUT", "DELETE", "OPTIONS"],
    "GET, POST, PUT, DELETE",
);

/// One user type, role, resource server, resource or action.
static ITEM_CORS: Cors = Cors::new(&["GET", "PUT", "DELETE", "OPTIONS"], "GET, PUT, DELETE");

/// Everything under `/organization-units/`.
static UNIT_CORS: Cors = Cors::new(&["GET", "PUT", "DELETE", "OPTIONS"], "GET, PUT, DELETE");

/// The legacy organization APIs read with `system:ou:view` and write with `system:ou`.
const ORGANIZATION_ACCESS: [(&str, Access); 2] = [
    ("GET", Access::Permission("system:ou:view")),
    ("*", Access::Permission("system:ou")),
];

/// Paths under these prefixes are the mock's own: unknown ones are 404 to anyone, as unknown paths
/// under the server's public prefixes are.
const MOCK_PREFIXES: &[&str] = &["/__mock/", "/t/", "/scim2/"];

/// The access rule of a mock-only path (`None`: the real server's rules apply). `path` has no
/// tenant prefix.
pub(crate) fn access(method: &Method, path: &str) -> Option<Access> {
    if let Some(route) = ROUTES
        .iter()
        .find(|route| route.access.is_some() && matches(route.path, path))
    {
        let rules = route.access.unwrap_or_default();
        let method = if *method == Method::HEAD {
            "GET"
        } else {
            method.as_str()
        };
        return rules
            .iter()
            .find(|(m, _)| *m == method || *m == "*")
            .map(|(_, access)| *access);
    }
    MOCK_PREFIXES
        .iter()
        .any(|prefix| path.starts_with(prefix))
        .then_some(Access::Public)
}

/// Whether an axum route path matches a request path (`{x}` one segment, `{*x}` the rest).
fn matches(pattern: &str, path: &str) -> bool {
    let mut pattern_segments = pattern.split('/');
    let mut path_segments = path.split('/');
    loop {
        match (pattern_segments.next(), path_segments.next()) {
            (None, None) => return true,
            (Some(p), Some(_)) if p.starts_with("{*") => return true,
            (Some(p), Some(s)) if p.starts_with('{') && !s.is_empty() => {}
            (Some(p), Some(s)) if p == s => {}
            _ => return false,
        }
    }
}

/// The URL discovery advertises for `endpoint`: `None` when no route serves it; under the tenant
/// prefix when the request came through one and the route is served there.
pub(crate) fn endpoint_url(endpoint: Endpoint, base: &str, prefix: &str) -> Option<String> {
    let route = ROUTES
        .iter()
        .find(|route| route.endpoint == Some(endpoint))?;
    match route.served {
        Served::Always | Served::WithControl if route.tenant && !prefix.is_empty() => {
            Some(format!("{base}{prefix}{}", route.path))
        }
        Served::Always | Served::WithControl => Some(format!("{base}{}", route.path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::security::server_access;

    #[test]
    fn route_paths_match_like_axum() {
        assert!(matches("/organization-units/{id}", "/organization-units/x"));
        assert!(!matches("/organization-units/{id}", "/organization-units/"));
        assert!(matches(
            "/organization-units/tree/{*path}",
            "/organization-units/tree/a/b"
        ));
        assert!(!matches("/oauth2/token", "/oauth2/token/x"));
    }

    #[test]
    fn mock_only_paths_are_exactly_those_the_server_does_not_cover() {
        for route in ROUTES {
            let example = route.path.replace("{id}", "x").replace("{list}", "ous");
            let example = example.replace("{*path}", "a").replace("{name}", "google");
            let public_on_server = server_access(&Method::GET, &example) == Access::Public;
            match route.access {
                // The server's own paths must be judged by its rules: a public path stays public.
                None => assert!(
                    public_on_server || route.cors.is_some(),
                    "{} is neither public on the server nor a CORS route",
                    route.path
                ),
                Some(rules) => assert!(!rules.is_empty(), "{} has no access rules", route.path),
            }
        }
    }

    #[test]
    fn each_endpoint_is_named_once() {
        let mut endpoints: Vec<Endpoint> = ROUTES.iter().filter_map(|r| r.endpoint).collect();
        let count = endpoints.len();
        endpoints.dedup();
        assert_eq!(endpoints.len(), count);
    }
}
