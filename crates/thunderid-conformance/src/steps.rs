//! Step definitions, grouped by domain. Steps speak an SDK author's language; HTTP detail stays here.

pub mod app;
pub mod authn;
pub mod captcha;
pub mod ciba;
pub mod client;
pub mod common;
pub mod control;
pub mod discovery;
pub mod faults;
pub mod flow;
pub mod identity;
pub mod keys;
pub mod oauth2;
pub mod organizations;
pub mod passkeys;
pub mod registration;
pub mod retries;
pub mod sdk;
pub mod token;
pub mod users;
pub mod wallet;
pub mod web_service;
