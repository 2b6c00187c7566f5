//! ThunderID wire types, exactly as the server speaks them. Serde only: no I/O, no HTTP types.
//!
//! # Layout
//! * [`error`]: the two error envelopes (API `{code,message,description}` and OAuth
//!   `{error,error_description}`) and every error code as an enum with its status and default texts.
//! * [`ids`], [`secret`]: identifier newtypes and redacted secret newtypes.
//! * [`flow`]: `POST /flow/execute` (V2) requests, responses, inputs, actions and the UI component tree;
//!   the flow graph definitions; the app-native V1 protocol (`response_mode=direct`, `/oauth2/authn`).
//! * [`oauth2`]: authorize parameters, token requests and responses for every grant, introspection,
//!   revocation and the auth callback.
//! * [`oidc`]: discovery documents, JWKS, token claims, userinfo and logout.
//! * [`users`], [`scim`], [`organizations`]: `/users/me`, SCIM2, organization units and the legacy
//!   organization APIs.
//! * [`applications`]: the application management API.
//! * [`authn`]: the direct authentication API (`/auth/...`).
//! * [`user_management`], [`groups`], [`roles`], [`resources`], [`authzen`]: identity management
//!   (users, user types, groups, roles, resource servers) and the authorization API.
//!
//! Types are tolerant where the server is (unknown fields are ignored) and strict where a typo would
//! hide a bug (closed enums such as [`flow::FlowStatus`] reject unknown values).

#[macro_use]
mod enums;

pub mod applications;
pub mod authn;
pub mod authzen;
pub mod error;
pub mod flow;
pub mod groups;
pub mod health;
pub mod i18n;
pub mod ids;
pub mod oauth2;
pub mod oidc;
pub mod organizations;
pub mod resources;
pub mod roles;
pub mod scim;
pub mod secret;
pub mod user_management;
pub mod users;

pub use error::{
    ApiError, ApiErrorCode, FieldValidationError, I18nMessage, OAuthErrorCode, OAuthErrorResponse,
};
