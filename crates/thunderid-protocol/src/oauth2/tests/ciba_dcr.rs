//! Wire tests for CIBA and dynamic client registration.
//!
//! Shapes come from the server's `O2/ciba/model.go`, `O2/dcr/model.go` and `api/oauth2.yaml`;
//! ids and secrets are made up in the server's formats (UUIDv7, 22- and 43-char base64url).

use proptest::prelude::*;
use serde_json::json;

use super::super::ciba::strategies as ciba_strategies;
use super::super::registration::strategies as registration_strategies;
use super::super::strategies::{json_object_with_keys, json_value};
use super::super::test_support::{parse_exact, round_trips};
use super::super::*;
use crate::ids::ClientId;
use crate::secret::ClientSecret;

const AUTH_REQ_ID: &str = "0198f0a4-7a10-7c3e-9d4f-5a6b7c8d9e0f";

#[test]
fn backchannel_request_reads_every_parameter_as_sent() {
    let request: BackchannelAuthenticationRequest = from_form_pairs([
        ("login_hint", "alice"),
        ("scope", "openid profile"),
        ("binding_message", "W4SCT"),
        ("requested_expiry", "300"),
        ("resource", "https://api.example"),
        ("resource", "https://other.example"),
    ])
    .expect("fits");
    assert_eq!(request.login_hint.as_deref(), Some("alice"));
    assert_eq!(request.requested_expiry.as_deref(), Some("300"));
    assert_eq!(
        request.resource,
        vec!["https://api.example", "https://other.example"]
    );
    assert_eq!(
        BackchannelAuthenticationRequest::for_login_hint("alice", "openid").to_pairs(),
        vec![
            ("login_hint", "alice".to_owned()),
            ("scope", "openid".to_owned())
        ]
    );
}

#[test]
fn backchannel_response_is_the_three_members() {
    let response: BackchannelAuthenticationResponse = parse_exact(json!({
        "auth_req_id": AUTH_REQ_ID,
        "expires_in": 120,
        "interval": 5
    }));
    assert_eq!(response.interval, 5);
    // `expires_in` is a JSON number on the wire.
    assert!(
        serde_json::from_value::<BackchannelAuthenticationResponse>(
            json!({"auth_req_id": AUTH_REQ_ID, "expires_in": "120", "interval": 5})
        )
        .is_err()
    );
}

#[test]
fn ciba_grant_body_is_the_grant_type_and_the_request_id() {
    let grant = CibaGrant {
        client_id: Some(ClientId::new("sample-ciba")),
        client_secret: Some(ClientSecret::new("sample-ciba-secret")),
        ..CibaGrant::new(AUTH_REQ_ID)
    };
    let params = TokenRequestParams::from(grant);
    assert_eq!(params.grant_type(), Some(GrantType::Ciba));
    assert_eq!(
        params.to_pairs(),
        vec![
            ("grant_type", "urn:openid:params:grant-type:ciba".to_owned()),
            ("client_id", "sample-ciba".to_owned()),
            ("client_secret", "sample-ciba-secret".to_owned()),
            ("auth_req_id", AUTH_REQ_ID.to_owned()),
        ]
    );
}

#[test]
fn registration_request_keeps_localized_members_apart() {
    let request: ClientRegistrationRequest = parse_exact(json!({
        "redirect_uris": ["https://app.example/cb"],
        "client_name": "My App",
        "client_name#fr-CA": "Mon appli",
        "token_endpoint_auth_method": "none",
        "require_pushed_authorization_requests": true
    }));
    assert_eq!(request.client_name.as_deref(), Some("My App"));
    assert_eq!(
        request.localized.get("client_name#fr-CA"),
        Some(&json!("Mon appli"))
    );
    assert!(request.require_pushed_authorization_requests);
    // The server reads `redirect_uris` as an array only.
    assert!(
        serde_json::from_value::<ClientRegistrationRequest>(
            json!({"redirect_uris": "https://app.example/cb"})
        )
        .is_err()
    );
    assert_eq!(
        serde_json::to_value(ClientRegistrationRequest::default()).expect("serializes"),
        json!({"redirect_uris": []})
    );
}

#[test]
fn registration_response_of_a_confidential_client() {
    let response: ClientRegistrationResponse = parse_exact(json!({
        "app_id": "0198f0a4-7b20-7d4e-8f50-6a7b8c9d0e1f",
        "client_id": "Yl6Qx2m3Xo1bOa9kVt4pRw",
        "client_name": "My App",
        "client_secret": "N0tAR3alS3cretButTh3R1ghtL3ngthF0rTh3Mock1",
        "client_secret_expires_at": 0,
        "grant_types": ["authorization_code"],
        "redirect_uris": ["https://app.example/cb"],
        "response_types": ["code"],
        "scope": "openid profile",
        "token_endpoint_auth_method": "client_secret_basic",
        "client_name#fr-CA": "Mon appli"
    }));
    assert_eq!(response.client_secret_expires_at, 0);
    assert!(!format!("{response:?}").contains("N0tAR3al"));
    insta::assert_json_snapshot!("client_registration_response", response);
}

#[rustfmt::skip]
const KEYS: &[&str] = &[
    "auth_req_id", "expires_in", "interval", "login_hint", "scope", "binding_message", "requested_expiry",
    "redirect_uris", "grant_types", "client_name", "client_name#fr", "client_id", "client_secret",
    "client_secret_expires_at", "jwks", "require_pushed_authorization_requests",
];

proptest! {
    #[test]
    fn ciba_and_registration_types_round_trip(
        request in ciba_strategies::backchannel_authentication_request(),
        response in ciba_strategies::backchannel_authentication_response(),
        registration in registration_strategies::client_registration_request(),
        registered in registration_strategies::client_registration_response(),
    ) {
        round_trips(&request)?;
        round_trips(&response)?;
        round_trips(&registration)?;
        round_trips(&registered)?;
        let pairs = to_form_pairs(&request).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(from_form_pairs::<BackchannelAuthenticationRequest, _, _, _>(pairs).map_err(|e| TestCaseError::fail(e.to_string()))?, request);
    }

    #[test]
    fn parsing_random_json_never_panics(any_value in json_value(), object in json_object_with_keys(KEYS)) {
        for value in [any_value, object] {
            let _ = serde_json::from_value::<BackchannelAuthenticationRequest>(value.clone());
            let _ = serde_json::from_value::<BackchannelAuthenticationResponse>(value.clone());
            let _ = serde_json::from_value::<ClientRegistrationRequest>(value.clone());
            let _ = serde_json::from_value::<ClientRegistrationResponse>(value.clone());
        }
    }
}
