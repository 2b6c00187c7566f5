//! Wire tests for the OIDC types.
//!
//! Fixtures follow the server's code at `thunder-id/thunderid` 4e69e01: the discovery documents of
//! `O2/discovery/service.go` with the default configuration, a JWKS in the exact shape of
//! `backend/internal/oauth/jwks/service.go` (values from a freshly generated RSA-2048 / P-256
//! certificate pair), and decoded tokens as `tokenservice/builder.go`, `auth_assert_executor.go` and
//! `flowexec/service.go` build them for the bundled CONSOLE app and admin user. Times are fixed at
//! 2026-01-01T00:00:00Z (`iat` 1767225600).

use proptest::prelude::*;
use serde_json::json;

use super::claims::strategies as claims_strategies;
use super::discovery::strategies as discovery_strategies;
use super::jwks::strategies as jwks_strategies;
use super::logout::SIGN_OUT_SUCCESS_STATE;
use super::logout::strategies as logout_strategies;
use super::userinfo::strategies as userinfo_strategies;
use super::*;
use crate::ids::{IssuerUrl, KeyId};
use crate::oauth2::GrantType;
use crate::oauth2::strategies::{json_object_with_keys, json_value};
use crate::oauth2::test_support::{parse_exact, pin_open_enum, round_trips};

const ISSUER: &str = "https://localhost:8090";
const RSA_KID: &str = "gcb0uGQOWoFeRqKF-b_JevJJl8xZYDu1Wb0eylCDJ80";
const ADMIN_USER_ID: &str = "01900000-0000-7000-8000-000000000030";
const CONSOLE_APP_ID: &str = "01900000-0000-7000-8000-000000000060";
const DEFAULT_OU_ID: &str = "01900000-0000-7000-8000-000000000001";
const AUTH_ID: &str = "0198f0a4-6c1e-7d2b-8e3f-4a5b6c7d8e9f";
const IAT: u64 = 1_767_225_600;

fn openid_configuration() -> serde_json::Value {
    json!({
        "issuer": ISSUER,
        "authorization_endpoint": "https://localhost:8090/oauth2/authorize",
        "token_endpoint": "https://localhost:8090/oauth2/token",
        "jwks_uri": "https://localhost:8090/oauth2/jwks",
        "registration_endpoint": "https://localhost:8090/oauth2/dcr/register",
        "revocation_endpoint": "https://localhost:8090/oauth2/revoke",
        "introspection_endpoint": "https://localhost:8090/oauth2/introspect",
        "pushed_authorization_request_endpoint": "https://localhost:8090/oauth2/par",
        "backchannel_authentication_endpoint": "https://localhost:8090/oauth2/bc-authorize",
        "backchannel_token_delivery_modes_supported": ["poll"],
        "backchannel_user_code_parameter_supported": false,
        "response_types_supported": ["code"],
        "grant_types_supported": [
            "client_credentials",
            "authorization_code",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:token-exchange",
            "urn:openid:params:grant-type:ciba",
            "urn:ietf:params:oauth:grant-type:jwt-bearer"
        ],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        "token_endpoint_auth_signing_alg_values_supported":
            ["RS256", "RS512", "PS256", "ES256", "ES384", "ES512", "EdDSA", "ML-DSA-44", "ML-DSA-65", "ML-DSA-87"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
        "dpop_signing_alg_values_supported":
            ["RS256", "RS512", "PS256", "ES256", "ES384", "ES512", "EdDSA", "ML-DSA-44", "ML-DSA-65", "ML-DSA-87"],
        "authorization_grant_profiles_supported": ["urn:ietf:params:oauth:grant-profile:id-jag"],
        "userinfo_endpoint": "https://localhost:8090/oauth2/userinfo",
        "scopes_supported": ["openid", "profile", "email", "phone", "address", "roles"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        "userinfo_signing_alg_values_supported": ["RS256", "ES256"],
        "userinfo_encryption_alg_values_supported":
            ["RSA-OAEP", "RSA-OAEP-256", "ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"],
        "userinfo_encryption_enc_values_supported":
            ["A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512", "A128GCM", "A192GCM", "A256GCM"],
        "id_token_encryption_alg_values_supported":
            ["RSA-OAEP", "RSA-OAEP-256", "ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"],
        "id_token_encryption_enc_values_supported":
            ["A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512", "A128GCM", "A192GCM", "A256GCM"],
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "name", "family_name", "given_name", "middle_name",
            "nickname", "preferred_username", "profile", "picture", "website", "gender", "birthdate", "zoneinfo",
            "locale", "updated_at", "email", "email_verified", "phone_number", "phone_number_verified", "address",
            "roles"
        ],
        "claims_parameter_supported": true,
        "end_session_endpoint": "https://localhost:8090/oauth2/logout"
    })
}

#[test]
fn openid_configuration_of_the_default_server() {
    let document: OpenIdProviderMetadata = parse_exact(openid_configuration());
    let built = OpenIdProviderMetadata::server_default(
        ISSUER,
        IssuerUrl::new(ISSUER),
        vec![JwsAlgorithm::Rs256, JwsAlgorithm::Es256],
    );
    assert_eq!(document, built);
    insta::assert_json_snapshot!("openid_configuration_default", document);
}

#[test]
fn authorization_server_metadata_has_no_scopes() {
    let mut expected = openid_configuration();
    let object = expected.as_object_mut().expect("object");
    for oidc_only in [
        "userinfo_endpoint",
        "scopes_supported",
        "subject_types_supported",
        "id_token_signing_alg_values_supported",
        "userinfo_signing_alg_values_supported",
        "userinfo_encryption_alg_values_supported",
        "userinfo_encryption_enc_values_supported",
        "id_token_encryption_alg_values_supported",
        "id_token_encryption_enc_values_supported",
        "claims_supported",
        "claims_parameter_supported",
        "end_session_endpoint",
    ] {
        object.remove(oidc_only);
    }
    let document: AuthorizationServerMetadata = parse_exact(expected);
    assert_eq!(
        document,
        AuthorizationServerMetadata::server_default(ISSUER, IssuerUrl::new(ISSUER))
    );
    insta::assert_json_snapshot!("oauth_authorization_server_default", document);
}

#[test]
fn discovery_tolerates_unknown_members_and_minimal_documents() {
    // `api/discovery.yaml` example: no lists, no flags.
    let minimal: OpenIdProviderMetadata = serde_json::from_value(json!({
        "issuer": "https://server.example.com",
        "authorization_endpoint": "https://server.example.com/oauth2/authorize",
        "token_endpoint": "https://server.example.com/oauth2/token",
        "userinfo_endpoint": "https://server.example.com/oauth2/userinfo",
        "jwks_uri": "https://server.example.com/oauth2/jwks",
        "introspection_endpoint": "https://server.example.com/oauth2/introspect",
        "pushed_authorization_request_endpoint": "https://server.example.com/oauth2/par",
        "registration_endpoint": "https://server.example.com/oauth2/dcr/register",
        "check_session_iframe": "https://server.example.com/oidc/checksession"
    }))
    .expect("parses");
    assert_eq!(
        minimal.authorization_server.issuer,
        IssuerUrl::new("https://server.example.com")
    );
    assert!(minimal.scopes_supported.is_empty());
}

fn default_jwks() -> serde_json::Value {
    json!({"keys": [
        {
            "kid": RSA_KID,
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "n": "kwgfVkncaVllkmpZbi2oWaeJgSogEaPRwzZFhUzKhMyT3rGrEOw64WO5IKfgS0fb84rSgQ5wyw1dklfVCs3reqaPsoHjMfWrIlHNzxfJcdgaH2F7a7_M6UE1aCX7iM0uAOw7N-9i61Lc_9sUt87s8DU5UcKPdAAH8QL0zUiWAFjtQE5wrfkPbqFaRgEFkiwricPzVdQEfad1ylNa52953QH1btytQ5V995tNiO0MN3Ny_Y3HyhVE2uevwtOMKjFtNFRJU-gSKxaVD6DDeu5jL2o7Wvzv0hDJsl0lZ_qllMt4zLRJns2VX-hB_0XKsCgxscbt6fsWVouciy4kV_g5Tw",
            "e": "AQAB",
            "x5c": ["MIIDCTCCAfGgAwIBAgIUH7OOuUCVyzolesnSwglQM7xJqqYwDQYJKoZIhvcNAQELBQAwFDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI2MTEyMjIzMzAwOVoXDTM2MTExOTIzMzAwOVowFDESMBAGA1UEAwwJbG9jYWxob3N0MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAkwgfVkncaVllkmpZbi2oWaeJgSogEaPRwzZFhUzKhMyT3rGrEOw64WO5IKfgS0fb84rSgQ5wyw1dklfVCs3reqaPsoHjMfWrIlHNzxfJcdgaH2F7a7/M6UE1aCX7iM0uAOw7N+9i61Lc/9sUt87s8DU5UcKPdAAH8QL0zUiWAFjtQE5wrfkPbqFaRgEFkiwricPzVdQEfad1ylNa52953QH1btytQ5V995tNiO0MN3Ny/Y3HyhVE2uevwtOMKjFtNFRJU+gSKxaVD6DDeu5jL2o7Wvzv0hDJsl0lZ/qllMt4zLRJns2VX+hB/0XKsCgxscbt6fsWVouciy4kV/g5TwIDAQABo1MwUTAdBgNVHQ4EFgQUaLxzxOm+u1NiZ/U5+hRUi9k9NgYwHwYDVR0jBBgwFoAUaLxzxOm+u1NiZ/U5+hRUi9k9NgYwDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEAZUEMngq478E1lHnUZLB44a9rJKsJt0tEREWuD0edEd2weAcl8FVjnnm7C4dI3tDLYBamFwFd6T+MIhcaOx5GG8znLZncwkYKGrhnAAZz2L5HE13pvzhg3p5SBCvDDpuPejfNYoGd35cNv6RflsUwyRoNCotGFYEycjZBXJI59xNJsDaaQm257iMmm+zvtNKRGCGfbaNMrrzzFX1V6EryuD9CmNc+U4wI55uAM4AZdDwdTAETf7dVRxP6jKXVtNd11mu/nFLbR7uOzXUqms02afRqE8iDvtWEaNysVLpWNYfyRHX+Sc29d3z6/b2lqN2PjPc3XnrAH73Fz4Cknj1e8w=="],
            "x5t": "HEjVOa_ZdtgKM4LRTnsmjfFCBsw",
            "x5t#S256": RSA_KID
        },
        {
            "kid": "fviwz_0_xNU_w9q9cbJ5wr3y5ZUqhbN2RNGx1qcxd3E",
            "kty": "EC",
            "use": "sig",
            "alg": "ES256",
            "crv": "P-256",
            "x": "x0VkTdk_yR-GC2y_qTZCx5UVZ9vJK46A6BqErmhpIz0",
            "y": "eaEUKzLfreUHpd7Q_PNxO0w6iDHE2dWwI1sH80cH0go",
            "x5c": ["MIIBfDCCASOgAwIBAgIUSHKKEQUlM4bJXZ1IWjxo5Q4qPrkwCgYIKoZIzj0EAwIwFDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI2MTEyMjIzMzAwOVoXDTM2MTExOTIzMzAwOVowFDESMBAGA1UEAwwJbG9jYWxob3N0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEx0VkTdk/yR+GC2y/qTZCx5UVZ9vJK46A6BqErmhpIz15oRQrMt+t5Qel3tD883E7TDqIMcTZ1bAjWwfzRwfSCqNTMFEwHQYDVR0OBBYEFD3Chh+s3UNVc0UwwOPzIaXazzL2MB8GA1UdIwQYMBaAFD3Chh+s3UNVc0UwwOPzIaXazzL2MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgUGRPmKKYFsD8yKWi5rzrrZhF3R6aengrEvTqzYQ6kboCICtCZFgjKqJEwwsGQNPAujQpOnS+t/gf02gc/nBLBTJU"],
            "x5t": "kTgFozpk0QBwIW9NDUv_5zt0YDY",
            "x5t#S256": "fviwz_0_xNU_w9q9cbJ5wr3y5ZUqhbN2RNGx1qcxd3E"
        }
    ]})
}

#[test]
fn jwks_of_the_default_key_pair() {
    let jwks: Jwks = parse_exact(default_jwks());
    insta::assert_json_snapshot!("jwks_default", jwks);
    let rsa = jwks.find(&KeyId::new(RSA_KID)).expect("kid is published");
    assert_eq!(rsa.key_type, KeyType::Rsa);
    assert_eq!(rsa.algorithm, Some(JwsAlgorithm::Rs256));
    assert_eq!(rsa.thumbprint_sha256.as_deref(), Some(RSA_KID));
    assert_eq!(jwks.keys[1].curve.as_deref(), Some("P-256"));

    // `api/oauth2.yaml` example.
    let openapi: Jwks = parse_exact(json!({"keys": [{
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": "key-1",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx...", "e": "AQAB"
    }]}));
    assert_eq!(
        openapi.keys[0],
        Jwk::rsa(
            KeyId::new("key-1"),
            "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx...".to_owned(),
            "AQAB".to_owned()
        )
    );
}

#[test]
fn jws_headers_of_access_and_other_tokens() {
    let access: JwsHeader = parse_exact(json!({"alg": "RS256", "typ": "at+jwt", "kid": RSA_KID}));
    assert!(access.is_access_token());
    assert_eq!(
        access,
        JwsHeader::new(
            JwsAlgorithm::Rs256,
            JwsHeader::TYP_ACCESS_TOKEN,
            KeyId::new(RSA_KID)
        )
    );
    let other: JwsHeader = parse_exact(json!({"alg": "RS256", "typ": "JWT", "kid": RSA_KID}));
    assert!(!other.is_access_token());
    assert_eq!(other.token_type.as_deref(), Some(JwsHeader::TYP_JWT));
    let media: JwsHeader = parse_exact(json!({"alg": "PS256", "typ": "application/at+jwt"}));
    assert!(media.is_access_token());
}

#[test]
fn audience_is_a_string_unless_there_are_several() {
    assert_eq!(
        parse_exact::<Audience>(json!("CONSOLE")),
        Audience::One("CONSOLE".to_owned())
    );
    let many: Audience = parse_exact(json!(["https://a.example", "https://b.example"]));
    assert_eq!(
        many.values(),
        vec!["https://a.example", "https://b.example"]
    );
    assert_eq!(
        Audience::from_values(vec!["CONSOLE".to_owned()]),
        Audience::from("CONSOLE")
    );
    assert_eq!(
        serde_json::to_value(Audience::from_values(vec!["x".to_owned()])).expect("serializes"),
        json!("x")
    );
}

#[test]
fn console_access_token_claims() {
    let claims: AccessTokenClaims = parse_exact(json!({
        "iss": ISSUER,
        "sub": ADMIN_USER_ID,
        "aud": "https://localhost:8090/mcp",
        "exp": IAT + 3600,
        "iat": IAT,
        "nbf": IAT,
        "jti": "0198f0a5-1a2b-7c3d-8e4f-5a6b7c8d9e0f",
        "scope": "system",
        "client_id": "CONSOLE",
        "grant_type": "authorization_code",
        "aci": "0198f0a5-0f1e-7d2c-8b3a-495867768594",
        "tfid": "0198f0a4-7000-7000-8000-0000000000f1",
        "given_name": "Admin",
        "family_name": "User",
        "email": "admin@example.com",
        "groups": ["Administrators"],
        "name": "Administrator",
        "ouId": DEFAULT_OU_ID
    }));
    assert_eq!(claims.grant_type, Some(GrantType::AuthorizationCode));
    assert_eq!(
        claims
            .organization
            .organization_unit_id
            .as_ref()
            .map(|id| id.as_str()),
        Some(DEFAULT_OU_ID)
    );
    assert_eq!(claims.extra["groups"], json!(["Administrators"]));
    insta::assert_json_snapshot!("access_token_claims_console", claims);
}

#[test]
fn dpop_bound_exchanged_access_token_claims() {
    let claims: AccessTokenClaims = parse_exact(json!({
        "iss": ISSUER,
        "sub": ADMIN_USER_ID,
        "aud": ["https://api.example.com", "https://localhost:8090/mcp"],
        "exp": IAT + 3600,
        "iat": IAT,
        "nbf": IAT,
        "jti": "0198f0a5-2b3c-7d4e-8f50-6a7b8c9d0e1f",
        "client_id": "agent-client",
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "act": {"sub": "0198f0a5-aaaa-7bbb-8ccc-dddddddddddd", "iss": ISSUER, "act": {"sub": "upstream-agent"}},
        "cnf": {"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"},
        "claims_req": "{\"userinfo\":{\"email\":{\"essential\":true}}}",
        "claims_locales": "en"
    }));
    assert!(matches!(claims.registered.audience, Audience::Many(ref values) if values.len() == 2));
    insta::assert_json_snapshot!("access_token_claims_exchanged_dpop", claims);
}

#[test]
fn console_id_token_claims() {
    let claims: IdTokenClaims = parse_exact(json!({
        "iss": ISSUER,
        "sub": ADMIN_USER_ID,
        "aud": "CONSOLE",
        "exp": IAT + 3600,
        "iat": IAT,
        "nbf": IAT,
        "jti": "0198f0a5-3c4d-7e5f-8061-7b8c9d0e1f2a",
        "auth_time": IAT - 5,
        "nonce": "n-0S6_WzA2Mj",
        "given_name": "Admin",
        "family_name": "User",
        "name": "Administrator",
        "email": "admin@example.com",
        "email_verified": false,
        "ouId": DEFAULT_OU_ID
    }));
    assert_eq!(claims.registered.audience, Audience::from("CONSOLE"));
    insta::assert_json_snapshot!("id_token_claims_console", claims);
}

#[test]
fn b2b_id_token_organization_claims() {
    // What the legacy `getCurrentOrganizationAction` read after `organization_switch`.
    let claims: IdTokenClaims = parse_exact(json!({
        "iss": ISSUER,
        "sub": ADMIN_USER_ID,
        "aud": "JS_SDK_E2E_NEXTJS",
        "exp": IAT + 3600,
        "iat": IAT,
        "nbf": IAT,
        "jti": "0198f0a5-4d5e-7f60-8172-8c9d0e1f2a3b",
        "org_id": "7d3f1c2e-org",
        "org_name": "Acme Corp",
        "org_handle": "acme"
    }));
    assert_eq!(
        claims.organization.organization_handle.as_deref(),
        Some("acme")
    );
    assert!(claims.extra.is_empty());
}

#[test]
fn console_refresh_token_claims() {
    let claims: RefreshTokenClaims = parse_exact(json!({
        "iss": ISSUER,
        "sub": "CONSOLE",
        "aud": ISSUER,
        "exp": IAT + 86400,
        "iat": IAT,
        "nbf": IAT,
        "jti": "0198f0a5-5e6f-7071-8283-9d0e1f2a3b4c",
        "scope": "system",
        "access_token_sub": ADMIN_USER_ID,
        "access_token_aud": ["https://localhost:8090/mcp"],
        "grant_type": "authorization_code",
        "aci": "0198f0a5-0f1e-7d2c-8b3a-495867768594",
        "tfid": "0198f0a4-7000-7000-8000-0000000000f1"
    }));
    insta::assert_json_snapshot!("refresh_token_claims_console", claims);
    // A nil audience list is written as null by Go.
    let nil: RefreshTokenClaims = parse_exact(json!({
        "iss": ISSUER, "sub": "svc", "aud": ISSUER, "exp": 2, "iat": 1, "nbf": 1, "jti": "j",
        "access_token_sub": "", "access_token_aud": null, "grant_type": "client_credentials"
    }));
    assert_eq!(nil.access_token_audiences, None);
}

#[test]
fn oauth_initiated_flow_assertion_claims() {
    let claims: FlowAssertionClaims = parse_exact(json!({
        "iss": ISSUER,
        "sub": ADMIN_USER_ID,
        "aud": CONSOLE_APP_ID,
        "exp": IAT + 3600,
        "iat": IAT,
        "nbf": IAT,
        "jti": "0198f0a4-9f00-7a11-8b22-c33d44e55f66",
        "assurance": {
            "aal": "AAL1",
            "ial": "IAL1",
            "authenticators": [{"authenticator": "CredentialsAuthenticator", "step": 1, "timestamp": IAT - 2}]
        },
        "authorized_permissions": "system",
        "authorization_request_id": AUTH_ID,
        "tfid": "0198f0a4-7000-7000-8000-0000000000f1",
        "aci": "0198f0a5-0f1e-7d2c-8b3a-495867768594"
    }));
    let assurance = claims.assurance.as_ref().expect("assurance");
    assert_eq!(assurance.authentication_level, AssuranceLevel::Aal1);
    insta::assert_json_snapshot!("flow_assertion_claims_console", claims);
}

#[test]
fn app_native_flow_assertion_carries_attributes_inline() {
    let claims: FlowAssertionClaims = parse_exact(json!({
        "iss": ISSUER,
        "sub": ADMIN_USER_ID,
        "aud": "0198f0a0-1111-7222-8333-444455556666",
        "exp": IAT + 3600,
        "iat": IAT,
        "nbf": IAT,
        "jti": "0198f0a4-9f01-7a11-8b22-c33d44e55f67",
        "assurance": {"aal": "AAL1", "ial": "IAL1", "authenticators": [{"authenticator": "CredentialsAuthenticator", "step": 1, "timestamp": IAT}]},
        "email": "admin@example.com",
        "given_name": "Admin",
        "groups": ["Administrators"],
        "roles": ["Administrator"],
        "userType": "Person",
        "ouId": DEFAULT_OU_ID,
        "ouName": "Default",
        "ouHandle": "default"
    }));
    assert_eq!(claims.user_type.as_deref(), Some("Person"));
    assert_eq!(
        claims.organization.organization_unit_handle.as_deref(),
        Some("default")
    );
    insta::assert_json_snapshot!("flow_assertion_claims_app_native", claims);
}

#[test]
fn error_assertion_claims() {
    let claims: ErrorAssertionClaims = parse_exact(json!({
        "iss": ISSUER,
        "aud": CONSOLE_APP_ID,
        "exp": IAT + 3600,
        "iat": IAT,
        "nbf": IAT,
        "jti": "0198f0a4-9f02-7a11-8b22-c33d44e55f68",
        "authorization_request_id": AUTH_ID,
        "flow_error_type": "end_user_error",
        "flow_error_description": "The credentials provided are invalid"
    }));
    assert!(claims.registered.subject.is_none());
    assert_eq!(claims.flow_error_type, FlowErrorType::EndUserError);
    insta::assert_json_snapshot!("error_assertion_claims", claims);
}

#[test]
fn userinfo_round_trips() {
    // `api/oauth2.yaml` example.
    let info: UserInfo = parse_exact(json!({
        "sub": "user-123", "name": "Alice Smith", "email": "alice@example.com", "email_verified": true
    }));
    assert_eq!(info.claims["email_verified"], json!(true));
    insta::assert_json_snapshot!("userinfo_openapi", info);
    assert_eq!(
        serde_json::to_value(UserInfo::new(ADMIN_USER_ID)).expect("serializes"),
        json!({"sub": ADMIN_USER_ID})
    );
}

#[test]
fn sdk_sign_out_request_and_gate_redirect() {
    // sdk-http-calls §2.4: `post_logout_redirect_uri`, `id_token_hint`, `state=sign_out_success`.
    let request: EndSessionRequest = parse_exact(json!({
        "post_logout_redirect_uri": "http://localhost:3000/logout",
        "id_token_hint": "eyJhbGciOiJSUzI1NiJ9.id.c2ln",
        "state": SIGN_OUT_SUCCESS_STATE
    }));
    assert_eq!(
        format!("{request:?}"),
        concat!(
            "EndSessionRequest { id_token_hint: Some([redacted]), client_id: None, ",
            r#"post_logout_redirect_uri: Some("http://localhost:3000/logout"), state: Some("sign_out_success") }"#,
        )
    );
    insta::assert_json_snapshot!("end_session_request_sdk", request);

    let redirect: SignOutRedirectParams = parse_exact(json!({
        "applicationId": CONSOLE_APP_ID,
        "executionId": "0198f0a9-1b2c-7d3e-8f40-000000000001",
        "logoutId": "0198f0a9-1b2c-7d3e-8f40-5a6b7c8d9e0f"
    }));
    insta::assert_json_snapshot!("sign_out_redirect_params", redirect);
}

#[test]
fn enum_wire_strings_are_pinned() {
    pin_open_enum!(JwsAlgorithm, unknown: "HS256", {
        Rs256 => "RS256",
        Rs384 => "RS384",
        Rs512 => "RS512",
        Ps256 => "PS256",
        Ps384 => "PS384",
        Ps512 => "PS512",
        Es256 => "ES256",
        Es384 => "ES384",
        Es512 => "ES512",
        EdDsa => "EdDSA",
        MlDsa44 => "ML-DSA-44",
        MlDsa65 => "ML-DSA-65",
        MlDsa87 => "ML-DSA-87",
    });
    pin_open_enum!(KeyType, unknown: "oct", {
        Rsa => "RSA",
        Ec => "EC",
        Okp => "OKP",
        Akp => "AKP",
    });
    pin_open_enum!(KeyUse, unknown: "wrap", {
        Signature => "sig",
        Encryption => "enc",
    });
    pin_open_enum!(AssuranceLevel, unknown: "AAL4", {
        Aal1 => "AAL1",
        Aal2 => "AAL2",
        Aal3 => "AAL3",
        Ial1 => "IAL1",
        Ial2 => "IAL2",
        Ial3 => "IAL3",
        Unknown => "UNKNOWN",
    });
    pin_open_enum!(FlowErrorType, unknown: "timeout", {
        EndUserError => "end_user_error",
        ClientError => "client_error",
        ServerError => "server_error",
    });
}

#[rustfmt::skip]
const KEYS: &[&str] = &[
    "issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "grant_types_supported",
    "backchannel_user_code_parameter_supported", "userinfo_endpoint", "scopes_supported",
    "claims_parameter_supported", "keys", "kid", "kty", "use", "alg", "x5c", "x5t#S256", "typ", "iss", "sub",
    "aud", "exp", "iat", "nbf", "jti", "scope", "client_id", "grant_type", "act", "cnf", "ouId", "org_id",
    "auth_time", "nonce", "access_token_sub", "access_token_aud", "assurance", "authorization_request_id",
    "flow_error_type", "flow_error_description", "id_token_hint", "state", "applicationId", "executionId",
    "logoutId",
];

proptest! {
    #[test]
    fn discovery_and_keys_round_trip(
        authorization_server in discovery_strategies::authorization_server_metadata(),
        provider in discovery_strategies::open_id_provider_metadata(),
        jwks in jwks_strategies::jwks(),
        jwk in jwks_strategies::jwk(),
        algorithm in jwks_strategies::jws_algorithm(),
        key_type in jwks_strategies::key_type(),
        key_use in jwks_strategies::key_use(),
    ) {
        round_trips(&authorization_server)?;
        round_trips(&provider)?;
        round_trips(&jwks)?;
        round_trips(&jwk)?;
        round_trips(&algorithm)?;
        round_trips(&key_type)?;
        round_trips(&key_use)?;
    }

    #[test]
    fn claims_round_trip(
        header in claims_strategies::jws_header(),
        audience in claims_strategies::audience(),
        registered in claims_strategies::registered_claims(),
        organization in claims_strategies::organization_claims(),
        access in claims_strategies::access_token_claims(),
        id in claims_strategies::id_token_claims(),
        refresh in claims_strategies::refresh_token_claims(),
    ) {
        round_trips(&header)?;
        round_trips(&audience)?;
        round_trips(&registered)?;
        round_trips(&organization)?;
        round_trips(&access)?;
        round_trips(&id)?;
        round_trips(&refresh)?;
    }

    #[test]
    fn assertions_and_the_rest_round_trip(
        assertion in claims_strategies::flow_assertion_claims(),
        error in claims_strategies::error_assertion_claims(),
        assurance in claims_strategies::assurance(),
        level in claims_strategies::assurance_level(),
        error_type in claims_strategies::flow_error_type(),
        actor in claims_strategies::actor_claim(),
        confirmation in claims_strategies::confirmation(),
        info in userinfo_strategies::user_info(),
        end_session in logout_strategies::end_session_request(),
        sign_out in logout_strategies::sign_out_redirect_params(),
    ) {
        round_trips(&assertion)?;
        round_trips(&error)?;
        round_trips(&assurance)?;
        round_trips(&level)?;
        round_trips(&error_type)?;
        round_trips(&actor)?;
        round_trips(&confirmation)?;
        round_trips(&info)?;
        round_trips(&end_session)?;
        round_trips(&sign_out)?;
    }

    #[test]
    fn parsing_random_json_never_panics(any_value in json_value(), object in json_object_with_keys(KEYS)) {
        for value in [any_value, object] {
            let _ = serde_json::from_value::<AuthorizationServerMetadata>(value.clone());
            let _ = serde_json::from_value::<OpenIdProviderMetadata>(value.clone());
            let _ = serde_json::from_value::<Jwks>(value.clone());
            let _ = serde_json::from_value::<Jwk>(value.clone());
            let _ = serde_json::from_value::<JwsHeader>(value.clone());
            let _ = serde_json::from_value::<Audience>(value.clone());
            let _ = serde_json::from_value::<AccessTokenClaims>(value.clone());
            let _ = serde_json::from_value::<IdTokenClaims>(value.clone());
            let _ = serde_json::from_value::<RefreshTokenClaims>(value.clone());
            let _ = serde_json::from_value::<FlowAssertionClaims>(value.clone());
            let _ = serde_json::from_value::<ErrorAssertionClaims>(value.clone());
            let _ = serde_json::from_value::<UserInfo>(value.clone());
            let _ = serde_json::from_value::<EndSessionRequest>(value.clone());
            let _ = serde_json::from_value::<SignOutRedirectParams>(value.clone());
        }
    }
}
