//! App-native AUTHENTICATION flows over `POST /flow/execute`: the default credentials flow, its
//! prompt semantics, the assertion, the challenge token, lifetimes and the HTTP-level errors.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::flow_support::*;
use crate::support::{TestServer, assert_json_eq};

#[tokio::test]
async fn the_default_flow_asks_for_credentials_and_lists_every_action() {
    let t = TestServer::start().await;
    let body = start_native(&t, "AUTHENTICATION", json!({})).await;
    insta::assert_json_snapshot!(redacted(&body), @r#"
    {
      "challengeToken": "[challenge]",
      "data": {
        "actions": [
          {
            "nextNode": "credentials_auth",
            "ref": "action_001"
          },
          {
            "nextNode": "call_recovery",
            "ref": "action_forgot_password"
          },
          {
            "nextNode": "call_registration",
            "ref": "action_signup"
          }
        ],
        "inputs": [
          {
            "identifier": "username",
            "ref": "input_001",
            "required": true,
            "type": "TEXT_INPUT"
          },
          {
            "identifier": "password",
            "ref": "input_002",
            "required": true,
            "type": "PASSWORD_INPUT"
          }
        ]
      },
      "executionId": "[execution-id]",
      "flowStatus": "INCOMPLETE",
      "type": "VIEW"
    }
    "#);
}

#[tokio::test]
async fn the_contract_transcript_completes_with_a_signed_assertion() {
    let t = TestServer::start().await;
    let first = start_native(&t, "AUTHENTICATION", json!({})).await;
    let wrong = step(
        &t,
        &first,
        Some("action_001"),
        json!({"username": "thor", "password": "bad"}),
    )
    .await;
    assert_eq!(wrong["executionId"], first["executionId"]);
    assert_ne!(wrong["challengeToken"], first["challengeToken"]);
    insta::assert_json_snapshot!(redacted(&wrong));
    let done = step(
        &t,
        &wrong,
        Some("action_001"),
        json!({"username": "thor", "password": "Thor@12345"}),
    )
    .await;
    let assertion = done["assertion"].as_str().expect("an assertion").to_owned();
    assert_json_eq(
        &redacted(&done),
        &json!({
            "executionId": "[execution-id]", "flowStatus": "COMPLETE", "data": {}, "assertion": "[jwt]"
        }),
    );
    insta::assert_json_snapshot!(verify_assertion(&t, &assertion));
}

#[tokio::test]
async fn an_unknown_user_is_re_prompted_with_fet_1001() {
    let t = TestServer::start().await;
    let first = start_native(&t, "AUTHENTICATION", json!({})).await;
    let body = step(
        &t,
        &first,
        Some("action_001"),
        json!({"username": "nobody", "password": "x"}),
    )
    .await;
    assert_eq!(body["flowStatus"], "INCOMPLETE");
    assert_json_eq(
        &body["error"],
        &json!({
            "code": "FET-1001",
            "message": {"key": "flows.executor.errors.user_not_found", "defaultValue": "User not found"},
            "description": {"key": "flows.executor.errors.user_not_found_desc", "defaultValue": "The user could not be found in the system"}
        }),
    );
    assert_eq!(body["data"]["inputs"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["data"]["actions"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn a_chosen_action_asks_only_for_its_missing_inputs() {
    let t = TestServer::start().await;
    let first = start_native(&t, "AUTHENTICATION", json!({})).await;
    let body = step(&t, &first, Some("action_001"), json!({"username": "thor"})).await;
    assert_json_eq(
        &redacted(&body),
        &json!({
            "executionId": "[execution-id]", "flowStatus": "INCOMPLETE", "type": "VIEW", "challengeToken": "[challenge]",
            "data": {"inputs": [{"ref": "input_002", "identifier": "password", "type": "PASSWORD_INPUT", "required": true}]}
        }),
    );
    // The action stays selected: the password alone completes the flow.
    let done = step(&t, &body, None, json!({"password": "Thor@12345"})).await;
    assert_eq!(done["flowStatus"], "COMPLETE", "{done}");
}

#[tokio::test]
async fn an_unknown_action_re_presents_the_whole_prompt() {
    let t = TestServer::start().await;
    let first = start_native(&t, "AUTHENTICATION", json!({})).await;
    let body = step(&t, &first, Some("action_nope"), json!({})).await;
    assert_eq!(body["flowStatus"], "INCOMPLETE");
    assert_eq!(body["data"]["inputs"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["data"]["actions"].as_array().map(Vec::len), Some(3));
}

/// The START node completes before the prompt runs, and a completing node clears the selected
/// action (`engine.go` `updateContextWithNodeResponse`): an initiating request's inputs are kept,
/// its action is not, so a prompt with several actions still asks which one.
#[tokio::test]
async fn an_initiating_request_keeps_its_inputs_but_not_its_action() {
    let t = TestServer::start().await;
    let inputs = json!({"username": "admin", "password": "admin",
        "requested_permissions": "openid system:ou system unknown",
        "resource_server_identifier": "https://localhost:8090/mcp"});
    let first = start_native(
        &t,
        "AUTHENTICATION",
        json!({"action": "action_001", "inputs": inputs}),
    )
    .await;
    assert_json_eq(
        &redacted(&first),
        &json!({
            "executionId": "[execution-id]", "flowStatus": "INCOMPLETE", "type": "VIEW", "challengeToken": "[challenge]",
            "data": {"actions": [
                {"ref": "action_001", "nextNode": "credentials_auth"},
                {"ref": "action_forgot_password", "nextNode": "call_recovery"},
                {"ref": "action_signup", "nextNode": "call_registration"}
            ]}
        }),
    );
    let body = step(&t, &first, Some("action_001"), json!({})).await;
    assert_eq!(body["flowStatus"], "COMPLETE", "{body}");
    let claims = verify_assertion(&t, body["assertion"].as_str().unwrap_or_default());
    // Exactly what the admin's role grants on the System resource server: no hierarchy, no OIDC
    // scopes.
    assert_eq!(claims["authorized_permissions"], "system");
    assert_eq!(claims["sub"], "01900000-0000-7000-8000-000000000100");
    // Completed executions are gone.
    let again = execute(&t, &json!({"executionId": body["executionId"]}), None).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.json()["code"], "FES-1004");
}

#[tokio::test]
async fn verbose_executions_carry_the_prompt_meta_trimmed_to_the_request() {
    let t = TestServer::start().await;
    let first = start_native(&t, "AUTHENTICATION", json!({"verbose": true})).await;
    insta::assert_json_snapshot!("verbose_first_step", redacted(&first));
    let partial = step(&t, &first, Some("action_001"), json!({"username": "thor"})).await;
    insta::assert_json_snapshot!("verbose_password_only", redacted(&partial));
}

#[tokio::test]
async fn the_password_is_not_kept_once_consumed() {
    let t = TestServer::start().await;
    let first = start_native(&t, "AUTHENTICATION", json!({})).await;
    let wrong = step(
        &t,
        &first,
        Some("action_001"),
        json!({"username": "thor", "password": "bad"}),
    )
    .await;
    let id = wrong["executionId"].as_str().unwrap_or_default();
    let execution = t.server.execution(id).expect("the execution is stored");
    assert!(
        !execution.inputs.contains_key("password"),
        "{:?}",
        execution.inputs.keys()
    );
}

#[tokio::test]
async fn a_stale_token_is_refused_and_the_last_good_one_still_works() {
    let t = TestServer::start().await;
    let first = start_native(&t, "AUTHENTICATION", json!({})).await;
    let second = step(&t, &first, Some("action_001"), json!({"username": "thor"})).await;
    let stale = step(
        &t,
        &first,
        Some("action_001"),
        json!({"username": "thor", "password": "Thor@12345"}),
    )
    .await;
    insta::assert_json_snapshot!(redacted(&stale), @r#"
    {
      "data": {},
      "error": {
        "code": "ICS-1002",
        "description": {
          "defaultValue": "The challenge token is missing or invalid",
          "key": "error.interceptor.challenge_token_invalid_description"
        },
        "message": {
          "defaultValue": "Invalid challenge token",
          "key": "error.interceptor.challenge_token_invalid"
        }
      },
      "executionId": "[execution-id]",
      "flowStatus": "ERROR"
    }
    "#);
    for token in [json!(null), json!("wrong"), json!("")] {
        let body = json!({"executionId": first["executionId"], "challengeToken": token, "action": "action_001"});
        let reply = execute(&t, &body, None).await;
        assert_eq!(reply.json()["error"]["code"], "ICS-1002");
    }
    let done = step(
        &t,
        &second,
        Some("action_001"),
        json!({"username": "thor", "password": "Thor@12345"}),
    )
    .await;
    assert_eq!(done["flowStatus"], "COMPLETE", "{done}");
}

#[tokio::test]
async fn an_execution_expires_after_its_absolute_lifetime() {
    let t = TestServer::start().await;
    let first = start_native(&t, "AUTHENTICATION", json!({})).await;
    t.server.clock().advance(Duration::from_secs(3599));
    let still = step(&t, &first, None, json!({})).await;
    assert_eq!(still["flowStatus"], "INCOMPLETE");
    // Activity does not extend the lifetime.
    t.server.clock().advance(Duration::from_secs(1));
    let body =
        json!({"executionId": first["executionId"], "challengeToken": still["challengeToken"]});
    let reply = execute(&t, &body, None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_json_eq(
        &reply.json(),
        &json!({
            "code": "FES-1004",
            "message": {"key": "error.flowexecservice.invalid_execution_id", "defaultValue": "Invalid request"},
            "description": {"key": "error.flowexecservice.invalid_execution_id_description", "defaultValue": "Invalid flow execution ID provided in the request"}
        }),
    );
}

#[tokio::test]
async fn recovery_executions_live_thirty_minutes() {
    let t = TestServer::start().await;
    let first = start_native(&t, "RECOVERY", json!({})).await;
    t.server.clock().advance(Duration::from_secs(1800));
    let reply = execute(
        &t,
        &json!({"executionId": first["executionId"], "challengeToken": first["challengeToken"]}),
        None,
    )
    .await;
    assert_eq!(reply.json()["code"], "FES-1004");
}

/// The initiation checks, in the server's order, with their exact status and body.
#[tokio::test]
async fn initiation_errors_follow_the_server_order() {
    let t = TestServer::start().await;
    let cases: &[(Value, Option<&str>, u16, &str)] = &[
        (json!({}), None, 400, "FES-1005"),
        (
            json!({"applicationId": NATIVE, "flowType": "SIGN_IN"}),
            Some(NATIVE_SECRET),
            400,
            "FES-1005",
        ),
        (
            json!({"applicationId": "nope", "flowType": "AUTHENTICATION"}),
            None,
            400,
            "FES-1003",
        ),
        (json!({"flowType": "REGISTRATION"}), None, 400, "FES-1003"),
        (
            json!({"applicationId": SPA, "flowType": "AUTHENTICATION"}),
            None,
            403,
            "FES-1010",
        ),
        (
            json!({"applicationId": M2M, "flowType": "SIGNOUT"}),
            None,
            403,
            "FES-1010",
        ),
        (
            json!({"applicationId": WEB, "flowType": "AUTHENTICATION"}),
            Some("x"),
            403,
            "FES-1010",
        ),
        (
            json!({"applicationId": NATIVE, "flowType": "AUTHENTICATION"}),
            None,
            401,
            "FES-1011",
        ),
        (
            json!({"applicationId": NATIVE, "flowType": "AUTHENTICATION"}),
            Some("wrong"),
            401,
            "FES-1012",
        ),
        (
            json!({"applicationId": SPA, "flowType": "REGISTRATION"}),
            None,
            400,
            "FES-1006",
        ),
        (
            json!({"applicationId": SPA, "flowType": "RECOVERY"}),
            None,
            400,
            "FES-1009",
        ),
        (json!({"flowType": "ADMINISTRATION"}), None, 401, "FES-1017"),
        (
            json!({"flowId": "01900000-0000-7000-8000-000000000061"}),
            None,
            401,
            "FES-1017",
        ),
    ];
    for (body, secret, status, code) in cases {
        let reply = execute(&t, body, *secret).await;
        assert_eq!(
            (reply.status.as_u16(), reply.json()["code"].as_str()),
            (*status, Some(*code)),
            "{body}"
        );
    }
}

#[tokio::test]
async fn initiation_error_bodies_are_exact() {
    let t = TestServer::start().await;
    let reply = execute(
        &t,
        &json!({"applicationId": SPA, "flowType": "AUTHENTICATION"}),
        None,
    )
    .await;
    assert_eq!(reply.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!("fes_1010", reply.json());
    let reply = execute(
        &t,
        &json!({"applicationId": NATIVE, "flowType": "AUTHENTICATION"}),
        None,
    )
    .await;
    insta::assert_json_snapshot!("fes_1011", reply.json());
    let reply = execute(
        &t,
        &json!({"applicationId": NATIVE, "flowType": "AUTHENTICATION"}),
        Some("no"),
    )
    .await;
    insta::assert_json_snapshot!("fes_1012", reply.json());
    let reply = execute(
        &t,
        &json!({"applicationId": SPA, "flowType": "REGISTRATION"}),
        None,
    )
    .await;
    insta::assert_json_snapshot!("fes_1006", reply.json());
    let reply = execute(
        &t,
        &json!({"applicationId": SPA, "flowType": "RECOVERY"}),
        None,
    )
    .await;
    insta::assert_json_snapshot!("fes_1009", reply.json());
    let reply = execute(
        &t,
        &json!({"applicationId": "x", "flowType": "RECOVERY"}),
        None,
    )
    .await;
    insta::assert_json_snapshot!("fes_1003", reply.json());
    let reply = execute(&t, &json!({"flowType": "nope"}), None).await;
    insta::assert_json_snapshot!("fes_1005", reply.json());
}

#[tokio::test]
async fn malformed_json_is_fes_1001() {
    let t = TestServer::start().await;
    for body in [
        "{",
        "[]",
        "42",
        "",
        "{\"inputs\": {\"a\": 1}}",
        "{\"verbose\": \"yes\"}",
    ] {
        let reply = t
            .send(t.client.post(t.url("/flow/execute")).body(body.to_owned()))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_json_eq(
            &reply.json(),
            &json!({
                "code": "FES-1001",
                "message": {"key": "error.flowexecservice.invalid_request_payload", "defaultValue": "Invalid request payload"},
                "description": {"key": "error.flowexecservice.invalid_request_payload_description", "defaultValue": "Failed to decode request payload"}
            }),
        );
    }
    // `null` decodes to an empty request; unknown members are ignored.
    let reply = t
        .send(t.client.post(t.url("/flow/execute")).body("null"))
        .await;
    assert_eq!(reply.json()["code"], "FES-1005");
    let reply = execute(
        &t,
        &json!({"flowType": "AUTHENTICATION", "applicationId": NATIVE, "extra": [1]}),
        Some(NATIVE_SECRET),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn request_strings_are_trimmed_like_the_server_does() {
    let t = TestServer::start().await;
    let body = json!({"applicationId": format!(" {NATIVE} "), "flowType": " AUTHENTICATION\u{7}"});
    let reply = execute(&t, &body, Some(NATIVE_SECRET)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[tokio::test]
async fn calls_nested_deeper_than_ten_are_fes_1013_and_end_the_execution() {
    let t = TestServer::start().await;
    let mut body = start_native(&t, "AUTHENTICATION", json!({})).await;
    // Sign-up calls registration, whose sign-in link calls authentication again, and so on.
    for i in 0..10 {
        let action = if i % 2 == 0 {
            "action_signup"
        } else {
            "action_signin"
        };
        body = step(&t, &body, Some(action), json!({})).await;
        assert_eq!(body["flowStatus"], "INCOMPLETE", "{i}: {body}");
    }
    let reply = execute(&t, &json!({
        "executionId": body["executionId"], "challengeToken": body["challengeToken"], "action": "action_signup"
    }), None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    insta::assert_json_snapshot!("fes_1013", reply.json());
    let again = execute(
        &t,
        &json!({"executionId": body["executionId"], "challengeToken": body["challengeToken"]}),
        None,
    )
    .await;
    assert_eq!(again.json()["code"], "FES-1004");
}

#[tokio::test]
async fn the_direct_signout_flow_completes_and_clears_the_sso_cookie() {
    let t = TestServer::start().await;
    let reply = execute(
        &t,
        &json!({"applicationId": NATIVE, "flowType": "SIGNOUT"}),
        Some(NATIVE_SECRET),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_json_eq(
        &redacted(&reply.json()),
        &json!({"executionId": "[execution-id]", "flowStatus": "COMPLETE", "data": {}}),
    );
    let cookie = reply.header("set-cookie").expect("a Set-Cookie header");
    assert!(cookie.starts_with("tid_sso_"), "{cookie}");
    assert_eq!(
        &cookie[24..],
        "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
    );
    let reply = execute(
        &t,
        &json!({"applicationId": SPA, "flowType": "SIGNOUT"}),
        None,
    )
    .await;
    assert_eq!(
        (reply.status.as_u16(), reply.json()["code"].as_str()),
        (403, Some("FES-1010"))
    );
}

#[tokio::test]
async fn an_assertion_is_accepted_as_a_bearer_token_by_users_me() {
    let t = TestServer::start().await;
    let first = start_native(&t, "AUTHENTICATION", json!({})).await;
    let body = step(
        &t,
        &first,
        Some("action_001"),
        json!({"username": "thor", "password": "Thor@12345"}),
    )
    .await;
    let assertion = body["assertion"].as_str().unwrap_or_default();
    let reply = t
        .send(t.client.get(t.url("/users/me")).bearer_auth(assertion))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["id"], THOR_ID);
}
