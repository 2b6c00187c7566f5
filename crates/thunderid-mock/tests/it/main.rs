//! End-to-end tests of the mock over real HTTP: one binary, one module per area, shared `support`.

mod support;
mod tidy;

// The binary exists only with the `cli` feature (on by default).
#[cfg(feature = "cli")]
mod cli;
mod control;
mod faults;
mod fixtures;
mod hardening;
mod health;
mod keys;
mod tampering;

// OAuth 2.0 / OIDC endpoints.
mod attribute_cache;
mod authorize;
mod callback;
mod introspect_revoke;
mod logout;
mod private_key_jwt;
mod token;
mod userinfo;

// PAR, CIBA, dynamic client registration, request parameters and the release-line switch.
mod ciba;
mod par;
mod registration;
mod request_params;
mod server_version;

// A strict published OIDC relying party (`openidconnect`) signing in through the mock.
mod published_oidc_client;

// Discovery, users, SCIM, CORS.
mod cors;
mod discovery;
mod scim;
mod users_me;

// Organization units, legacy organizations and the organization switch.
mod organizations;

// Users, user types, groups, roles, resource servers, AuthZEN.
mod agents;
mod authn;
mod authn_methods;
mod composite_limits;
mod composite_list_limits;
mod composite_order;
mod connections;
mod declarative;
mod declarative_layers;
mod declarative_memberships;
mod declarative_read_only;
mod design;
mod export;
mod i18n;
mod identity;
mod vc;

// The flow engine.
mod flow_authentication;
mod flow_captcha;
mod flow_credential_setter;
mod flow_cross_ou;
mod flow_gate;
mod flow_http_executor;
mod flow_magic_link;
mod flow_meta;
mod flow_mfa_federated;
mod flow_openid4vp;
mod flow_passkey_attestation;
mod flow_passkeys;
mod flow_properties;
mod flow_registration_recovery;
mod flow_support;
mod gate_consent;
mod gate_pages;

// The V1 app-native sign-in over the same engine.
mod flow_v1;
mod flow_v1_mfa_federated;
mod flow_v1_requests;
