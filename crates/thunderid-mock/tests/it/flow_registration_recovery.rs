//! Self-registration and password recovery: the bundled REGISTRATION and RECOVERY flows, their
//! executors (user type, provisioning, uniqueness, identification, recovery e-mail, new password)
//! and their errors; the new user signs in, the recovered password works.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::flow_support::*;
use crate::support::{TestServer, assert_json_eq};

const JANE_PASSWORD: &str = "Jane@12345";

/// Sign in as `username` through the app-native default flow; the body of the last response.
async fn sign_in(t: &TestServer, username: &str, password: &str) -> Value {
    let first = start_native(t, "AUTHENTICATION", json!({})).await;
    step(
        t,
        &first,
        Some("action_001"),
        json!({"username": username, "password": password}),
    )
    .await
}

#[tokio::test]
async fn a_registered_user_can_sign_in() {
    let t = TestServer::start().await;
    let first = start_native(&t, "REGISTRATION", json!({"verbose": true})).await;
    insta::assert_json_snapshot!("registration_credentials", redacted(&first));
    let details = step(
        &t,
        &first,
        Some("action_credentials"),
        json!({"username": "jane", "password": JANE_PASSWORD}),
    )
    .await;
    insta::assert_json_snapshot!("registration_schema_attributes", redacted(&details));
    let done = step(
        &t,
        &details,
        Some("action_schema_attrs"),
        json!({"email": "jane@example.com"}),
    )
    .await;
    assert_json_eq(
        &redacted(&done),
        &json!({"executionId": "[execution-id]", "flowStatus": "COMPLETE", "data": {}}),
    );

    let signed_in = sign_in(&t, "jane", JANE_PASSWORD).await;
    assert_eq!(signed_in["flowStatus"], "COMPLETE", "{signed_in}");
    let claims = verify_assertion(&t, signed_in["assertion"].as_str().unwrap_or_default());
    assert_eq!(claims["username"], "jane");
    assert_eq!(claims["email"], "jane@example.com");
    assert_uuid_v7(claims["sub"].as_str().unwrap_or_default());
}

#[tokio::test]
async fn an_existing_username_is_fet_1007_on_the_credentials_prompt() {
    let t = TestServer::start().await;
    let first = start_native(&t, "REGISTRATION", json!({})).await;
    let body = step(
        &t,
        &first,
        Some("action_credentials"),
        json!({"username": "thor", "password": "x"}),
    )
    .await;
    insta::assert_json_snapshot!(redacted(&body));
}

#[tokio::test]
async fn a_taken_email_is_fet_1061_naming_the_attribute() {
    let t = TestServer::start().await;
    let first = start_native(&t, "REGISTRATION", json!({})).await;
    let details = step(
        &t,
        &first,
        Some("action_credentials"),
        json!({"username": "jane", "password": JANE_PASSWORD}),
    )
    .await;
    let taken = step(
        &t,
        &details,
        Some("action_schema_attrs"),
        json!({"email": "thor@asgard.example"}),
    )
    .await;
    insta::assert_json_snapshot!(redacted(&taken));
    let done = step(
        &t,
        &taken,
        Some("action_schema_attrs"),
        json!({"email": "jane@example.com"}),
    )
    .await;
    assert_eq!(done["flowStatus"], "COMPLETE", "{done}");
}

#[tokio::test]
async fn signing_up_from_the_sign_in_page_ends_with_an_assertion() {
    let t = TestServer::start().await;
    let first = start_native(&t, "AUTHENTICATION", json!({})).await;
    let signup = step(&t, &first, Some("action_signup"), json!({})).await;
    let refs: Vec<&str> = signup["data"]["actions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["ref"].as_str())
        .collect();
    assert_eq!(refs, ["action_credentials", "action_signin"]);
    let details = step(
        &t,
        &signup,
        Some("action_credentials"),
        json!({"username": "jane", "password": JANE_PASSWORD}),
    )
    .await;
    let done = step(
        &t,
        &details,
        Some("action_schema_attrs"),
        json!({"email": "jane@example.com"}),
    )
    .await;
    assert_eq!(done["flowStatus"], "COMPLETE", "{done}");
    let claims = verify_assertion(&t, done["assertion"].as_str().expect("an assertion"));
    assert_eq!(claims["username"], "jane");
    assert_eq!(claims["aud"], NATIVE);
}

#[tokio::test]
async fn a_password_is_recovered_through_the_emailed_link() {
    let t = TestServer::start().await;
    let first = start_native(&t, "RECOVERY", json!({"verbose": true})).await;
    let sent = step(
        &t,
        &first,
        Some("action_submit_username"),
        json!({"username": "thor"}),
    )
    .await;
    insta::assert_json_snapshot!("recovery_email_sent", redacted(&sent));

    let messages = outbox(&t, "thor@asgard.example").await;
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(
        (message["channel"].as_str(), message["template"].as_str()),
        (Some("email"), Some("PASSWORD_RECOVERY"))
    );
    let token = message["code"].as_str().expect("the recovery token");
    assert_uuid_v7(token);
    let link = t.url(&format!(
        "/gate/invite?applicationId={NATIVE}&executionId={}&inviteToken={token}",
        sent["executionId"].as_str().unwrap_or_default()
    ));
    assert!(
        message["body"].as_str().unwrap_or_default().contains(&link),
        "{message}"
    );

    // The link arrives from an e-mail, not from the page: no challenge token is needed.
    let body = json!({"executionId": sent["executionId"], "inputs": {"inviteToken": token}});
    let reply = execute(&t, &body, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let new_password = reply.json();
    assert_eq!(
        new_password["data"]["inputs"][0]["identifier"], "password",
        "{new_password}"
    );
    let done = step(
        &t,
        &new_password,
        Some("action_submit_password"),
        json!({"password": "Mjolnir@2026"}),
    )
    .await;
    insta::assert_json_snapshot!("recovery_complete", redacted(&done));

    assert_eq!(
        sign_in(&t, "thor", "Mjolnir@2026").await["flowStatus"],
        "COMPLETE"
    );
    assert_eq!(
        sign_in(&t, "thor", "Thor@12345").await["error"]["code"],
        "FET-1005"
    );
}

#[tokio::test]
async fn the_recovery_link_works_in_the_hosted_gate() {
    let t = TestServer::start().await;
    let first = start_native(&t, "RECOVERY", json!({})).await;
    let sent = step(
        &t,
        &first,
        Some("action_submit_username"),
        json!({"username": "loki"}),
    )
    .await;
    let token = last_code(&t, "loki@asgard.example").await;
    let path = format!(
        "/gate/invite?applicationId={NATIVE}&executionId={}&inviteToken={token}",
        sent["executionId"].as_str().unwrap_or_default()
    );
    let page = t.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    let form = GateForm::parse(&page.body);
    assert_eq!(form.fields, ["password"]);
    let done = form
        .submit(&t, &form.buttons[0].0, &[("password", "Trickster@1")])
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(
        done.body.contains("Password Reset Successful"),
        "{}",
        done.body
    );
    assert_eq!(
        sign_in(&t, "loki", "Trickster@1").await["flowStatus"],
        "COMPLETE"
    );
}

/// The IdentifyingExecutor promotes "user not found" to a re-prompt that keeps the FET-1001 error
/// (`identifying_executor.go` `executeIdentify`); the flow's `onFailure` is for the other failures.
#[tokio::test]
async fn an_unknown_username_is_asked_for_again() {
    let t = TestServer::start().await;
    let first = start_native(&t, "RECOVERY", json!({})).await;
    let body = step(
        &t,
        &first,
        Some("action_submit_username"),
        json!({"username": "nobody"}),
    )
    .await;
    insta::assert_json_snapshot!(redacted(&body));
    assert!(outbox(&t, "nobody").await.is_empty());
}

#[tokio::test]
async fn a_wrong_recovery_token_is_fet_1073() {
    let t = TestServer::start().await;
    let first = start_native(&t, "RECOVERY", json!({})).await;
    let sent = step(
        &t,
        &first,
        Some("action_submit_username"),
        json!({"username": "thor"}),
    )
    .await;
    let reply = execute(
        &t,
        &json!({"executionId": sent["executionId"], "inputs": {"inviteToken": "guess"}}),
        None,
    )
    .await;
    let body = reply.json();
    assert_eq!(
        (body["flowStatus"].as_str(), body["error"]["code"].as_str()),
        (Some("ERROR"), Some("FET-1073"))
    );
}

#[tokio::test]
async fn registration_and_recovery_must_be_enabled() {
    let t = TestServer::start().await;
    for (flow_type, code) in [("REGISTRATION", "FES-1006"), ("RECOVERY", "FES-1009")] {
        let reply = execute(
            &t,
            &json!({"applicationId": SPA, "flowType": flow_type}),
            None,
        )
        .await;
        assert_eq!(
            (reply.status.as_u16(), reply.json()["code"].as_str()),
            (400, Some(code))
        );
    }
}

/// Register `username` through the bundled flow; the last response.
async fn register(t: &TestServer, username: &str) -> Value {
    let first = start_native(t, "REGISTRATION", json!({})).await;
    let details = step(
        t,
        &first,
        Some("action_credentials"),
        json!({"username": username, "password": JANE_PASSWORD}),
    )
    .await;
    step(
        t,
        &details,
        Some("action_schema_attrs"),
        json!({"email": format!("{username}@example.com")}),
    )
    .await
}

#[tokio::test]
async fn self_registration_stops_at_the_user_budget_and_deleting_frees_room() {
    let t = TestServer::with(thunderid_mock::MockServer::builder().user_bytes(12 * 1024)).await;
    let mut registered = Vec::new();
    let refused = loop {
        let name = format!("user{}", registered.len());
        let done = register(&t, &name).await;
        if done["flowStatus"] != "COMPLETE" {
            break done;
        }
        registered.push(name);
        assert!(registered.len() < 100, "the budget never filled");
    };
    assert!(!registered.is_empty(), "{refused}");
    insta::assert_json_snapshot!("registration_directory_full", redacted(&refused));
    // Nothing of the refused user was kept.
    let last = format!("user{}", registered.len());
    let signed_in = sign_in(&t, &last, JANE_PASSWORD).await;
    assert_ne!(signed_in["flowStatus"], "COMPLETE", "{signed_in}");

    // A registered user cannot grow itself past the budget either; an update of the same size goes
    // through.
    let first = sign_in(&t, &registered[0], JANE_PASSWORD).await;
    let sub = verify_assertion(&t, first["assertion"].as_str().unwrap_or_default())["sub"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let token = crate::users_me::access_token(&t, &sub);
    let grow = json!({"attributes": {
        "username": registered[0], "email": "user0@example.com", "given_name": "g".repeat(4096)
    }});
    let reply = crate::users_me::call(&t, Method::PUT, "/users/me", &token, Some(&grow)).await;
    assert_eq!(reply.status, 413);
    assert_eq!(
        reply.body,
        "user directory full: the mock's user budget (--users-mib) is used up\n"
    );
    let same = json!({"attributes": {"username": registered[0], "email": "user0@example.com"}});
    let reply = crate::users_me::call(&t, Method::PUT, "/users/me", &token, Some(&same)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    // An administrator's delete frees the room for the next registration.
    let admin = t
        .server
        .mint_access_token("admin", "sample-spa", &["system"]);
    let reply =
        crate::users_me::call(&t, Method::DELETE, &format!("/users/{sub}"), &admin, None).await;
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert_eq!(register(&t, &last).await["flowStatus"], "COMPLETE");
}
