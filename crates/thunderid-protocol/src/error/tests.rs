use std::collections::BTreeSet;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::strategies::*;
use super::*;

/// The FES-1004 body of contract §0.2, captured from the real server's error constants.
#[test]
fn api_error_matches_the_server_envelope() {
    let wire = json!({
        "code": "FES-1004",
        "message": {"key": "error.flowexecservice.invalid_execution_id", "defaultValue": "Invalid request"},
        "description": {
            "key": "error.flowexecservice.invalid_execution_id_description",
            "defaultValue": "Invalid flow execution ID provided in the request"
        }
    });
    let built = ApiErrorCode::FlowInvalidExecutionId.to_error();
    assert_eq!(serde_json::to_value(&built).unwrap(), wire);
    assert_eq!(serde_json::from_value::<ApiError>(wire).unwrap(), built);
    insta::assert_json_snapshot!(built);
}

#[test]
fn fet_1061_carries_its_params() {
    let error = ApiErrorCode::ExecutorAttributeNotUnique
        .to_error()
        .with_params([("attribute".to_owned(), "email".to_owned())].into());
    insta::assert_json_snapshot!(error);
}

#[test]
fn oauth_error_always_has_both_keys() {
    let error = OAuthErrorResponse::new(OAuthErrorCode::InvalidGrant, "Invalid authorization code");
    let wire = json!({"error": "invalid_grant", "error_description": "Invalid authorization code"});
    assert_eq!(serde_json::to_value(&error).unwrap(), wire);
    insta::assert_json_snapshot!(error);
}

#[test]
fn every_api_error_code_is_unique_and_round_trips() {
    let mut seen = BTreeSet::new();
    for code in ApiErrorCode::ALL {
        assert!(seen.insert(code.as_str()), "duplicate {code}");
        assert_eq!(&ApiErrorCode::parse(code.as_str()), code);
        assert_eq!(
            serde_json::to_value(code).unwrap(),
            Value::from(code.as_str())
        );
        assert!(
            !code.message_default().is_empty() && !code.description_default().is_empty(),
            "{code}"
        );
    }
    assert_eq!(
        ApiErrorCode::parse("FET-99999"),
        ApiErrorCode::Other("FET-99999".to_owned())
    );
    assert_eq!(ApiErrorCode::Other("X-1".to_owned()).as_str(), "X-1");
}

/// The statuses of contract §1.7, §0.3 and §4.
#[test]
fn http_statuses_follow_the_server_handlers() {
    use ApiErrorCode::*;
    let expected = [
        (FlowInvalidRequestPayload, 400),
        (FlowInvalidAppId, 400),
        (FlowInvalidExecutionId, 400),
        (FlowDirectFlowInitiationNotPermitted, 403),
        (FlowSecretRequired, 401),
        (FlowSecretInvalid, 401),
        (FlowAdministrationPermissionRequired, 403),
        (ServerInternal, 500),
        (ExecutorInvalidCredentials, 200),
        (InterceptorChallengeTokenInvalid, 200),
        (AuthUnauthorized, 401),
        (AuthForbidden, 403),
        (UserNotFound, 404),
        (UserAttributeConflict, 409),
        (UserSchemaValidationFailed, 400),
        (OuNotFound, 404),
        (OuHandleConflict, 409),
        (OuCannotDelete, 400),
    ];
    for (code, status) in expected {
        assert_eq!(code.http_status(), status, "{code}");
    }
    assert_eq!(
        ExecutorInvalidCredentials.transport(),
        ErrorTransport::InBand
    );
    assert_eq!(
        FlowInvalidExecutionId.transport(),
        ErrorTransport::Http(400)
    );
}

#[test]
fn oauth_error_codes_pin_their_wire_strings() {
    let pinned = [
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "unsupported_response_type",
        "invalid_scope",
        "invalid_target",
        "access_denied",
        "server_error",
        "temporarily_unavailable",
        "invalid_token",
        "insufficient_scope",
        "login_required",
        "account_selection_required",
        "consent_required",
        "interaction_required",
        "invalid_request_uri",
        "invalid_request_object",
        "invalid_dpop_proof",
        "authorization_pending",
        "slow_down",
        "expired_token",
        "invalid_client_metadata",
        "invalid_redirect_uri",
        "unsupported_token_type",
        "invalid_binding_message",
        "unknown_user_id",
    ];
    let actual: Vec<&str> = OAuthErrorCode::KNOWN
        .iter()
        .map(OAuthErrorCode::as_str)
        .collect();
    assert_eq!(actual, pinned);
    for s in pinned {
        assert_eq!(OAuthErrorCode::parse(s).as_str(), s);
    }
    assert_eq!(
        OAuthErrorCode::parse("brand_new"),
        OAuthErrorCode::Other("brand_new".to_owned())
    );
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("(code|message|description|key|defaultValue|params|error|error_description|[a-z]{1,6})", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn api_errors_round_trip(error in api_error()) {
        let value = serde_json::to_value(&error).unwrap();
        prop_assert_eq!(serde_json::from_value::<ApiError>(value).unwrap(), error);
    }

    #[test]
    fn oauth_errors_round_trip(error in oauth_error_response()) {
        let value = serde_json::to_value(&error).unwrap();
        prop_assert_eq!(serde_json::from_value::<OAuthErrorResponse>(value).unwrap(), error);
    }

    #[test]
    fn random_json_never_panics(value in arbitrary_json()) {
        let _ = serde_json::from_value::<ApiError>(value.clone());
        let _ = serde_json::from_value::<OAuthErrorResponse>(value.clone());
        let _ = serde_json::from_value::<I18nMessage>(value.clone());
        let _ = serde_json::from_value::<crate::health::ReadinessResponse>(value);
    }
}
