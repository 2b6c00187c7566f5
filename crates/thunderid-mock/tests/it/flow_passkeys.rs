//! Passkeys in `passkey-flow` (`sample-passkey`), driven over `/flow/execute` with the crate's
//! software authenticator: a user without a passkey gets FET-1019, proves their password and
//! registers one, and the next flow signs in with it; forged, replayed and wrong-origin responses
//! are refused with FET-1015 (FET-1018 when registering) and the step is asked again.

use serde_json::{Value, json};
use thunderid_mock::{Ceremony, SoftwareAuthenticator};

use crate::flow_mfa_federated::first_step;
use crate::flow_support::*;
use crate::support::TestServer;

/// The body with its meta left out and the WebAuthn options' random values (challenge, credential
/// ids) checked for shape and replaced in the options' JSON text, which the snapshot keeps exact.
fn without_meta(body: &Value) -> Value {
    let mut body = redacted(body);
    if let Some(data) = body["data"].as_object_mut() {
        data.remove("meta");
        if let Some(additional) = data
            .get_mut("additionalData")
            .and_then(Value::as_object_mut)
        {
            for (_, value) in additional.iter_mut() {
                let Some(text) = value.as_str() else { continue };
                let options: Value = serde_json::from_str(text).expect("options JSON");
                let challenge = options["challenge"].as_str().unwrap_or_default();
                assert_eq!(challenge.len(), 43, "32 bytes, base64url: {challenge}");
                // The options stay the server's exact JSON text, random values replaced.
                let mut text = text.replace(challenge, "[challenge]");
                for credential in options
                    .get("allowCredentials")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let id = credential["id"].as_str().unwrap_or_default();
                    assert_eq!(id.len(), 43, "a 32-byte credential id: {id}");
                    text = text.replace(id, "[credential-id]");
                }
                *value = json!(text);
            }
        }
    }
    body
}

pub(crate) fn origin(t: &TestServer) -> String {
    t.server.base_url().trim_end_matches('/').to_owned()
}

/// The inputs a browser posts after `navigator.credentials.create()`.
pub(crate) fn registration_inputs(credential: &Value) -> Value {
    json!({
        "credentialId": credential["id"],
        "clientDataJSON": credential["response"]["clientDataJSON"],
        "attestationObject": credential["response"]["attestationObject"],
    })
}

/// The inputs a browser posts after `navigator.credentials.get()`.
pub(crate) fn assertion_inputs(credential: &Value) -> Value {
    json!({
        "credentialId": credential["id"],
        "clientDataJSON": credential["response"]["clientDataJSON"],
        "authenticatorData": credential["response"]["authenticatorData"],
        "signature": credential["response"]["signature"],
        "userHandle": credential["response"]["userHandle"],
    })
}

/// Choose the passkey and name the user: the challenge (or FET-1019 without a passkey).
async fn passkey_for(t: &TestServer, username: &str) -> Value {
    let first = first_step(t, "sample-passkey").await;
    let identifier = step(t, &first, Some("action_passkey"), json!({})).await;
    step(
        t,
        &identifier,
        Some("action_passkey_identifier"),
        json!({"username": username}),
    )
    .await
}

pub(crate) fn option_text<'a>(body: &'a Value, key: &str) -> &'a str {
    body["data"]["additionalData"][key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key}: {body}"))
}

/// Thor registers a passkey (password first) in one flow.
async fn register(t: &TestServer, authenticator: &mut SoftwareAuthenticator) -> Value {
    let no_passkey = passkey_for(t, "thor").await;
    let creation = step(
        t,
        &no_passkey,
        Some("action_register_passkey"),
        json!({"password": "Thor@12345"}),
    )
    .await;
    let credential = authenticator
        .create(option_text(&creation, "passkeyCreationOptions"), &origin(t))
        .expect("the authenticator creates a credential");
    step(t, &creation, None, registration_inputs(&credential)).await
}

#[tokio::test]
async fn a_passkey_registered_in_one_flow_signs_in_in_the_next() {
    let t = TestServer::start().await;
    let mut authenticator = SoftwareAuthenticator::new();
    let no_passkey = passkey_for(&t, "thor").await;
    insta::assert_json_snapshot!("passkey_none_registered", without_meta(&no_passkey));
    let creation = step(
        &t,
        &no_passkey,
        Some("action_register_passkey"),
        json!({"password": "Thor@12345"}),
    )
    .await;
    insta::assert_json_snapshot!("passkey_creation_options", without_meta(&creation));
    let credential = authenticator
        .create(
            option_text(&creation, "passkeyCreationOptions"),
            &origin(&t),
        )
        .expect("created");
    let registered = step(&t, &creation, None, registration_inputs(&credential)).await;
    assert_eq!(registered["flowStatus"], "COMPLETE", "{registered}");
    let claims = verify_assertion(&t, registered["assertion"].as_str().unwrap_or_default());
    assert_eq!(claims["sub"], THOR_ID);

    let challenge = passkey_for(&t, "thor").await;
    insta::assert_json_snapshot!("passkey_request_options", without_meta(&challenge));
    let assertion = authenticator
        .get(option_text(&challenge, "passkeyChallenge"), &origin(&t))
        .expect("asserted");
    let signed_in = step(&t, &challenge, None, assertion_inputs(&assertion)).await;
    assert_eq!(signed_in["flowStatus"], "COMPLETE", "{signed_in}");
    let claims = verify_assertion(&t, signed_in["assertion"].as_str().unwrap_or_default());
    assert_eq!(claims["sub"], THOR_ID);
    assert_eq!(
        claims.get("assurance"),
        None,
        "PasskeyAuthExecutor is not an authenticator in the assertion's assurance"
    );
}

#[tokio::test]
async fn forged_wrong_origin_and_replayed_assertions_are_fet_1015_and_asked_again() {
    let t = TestServer::start().await;
    let mut authenticator = SoftwareAuthenticator::new();
    assert_eq!(
        register(&t, &mut authenticator).await["flowStatus"],
        "COMPLETE"
    );
    let challenge = passkey_for(&t, "thor").await;
    let options = option_text(&challenge, "passkeyChallenge").to_owned();

    let forged = Ceremony::new().with_corrupt_signature();
    let forged = authenticator
        .get_with(&options, &origin(&t), &forged)
        .expect("asserted");
    let refused = step(&t, &challenge, None, assertion_inputs(&forged)).await;
    insta::assert_json_snapshot!("passkey_invalid", without_meta(&refused));

    let elsewhere = authenticator
        .get(&options, "https://evil.example")
        .expect("asserted");
    let refused = step(&t, &refused, None, assertion_inputs(&elsewhere)).await;
    assert_eq!(refused["error"]["code"], "FET-1015", "{refused}");

    let wrong_rp = Ceremony::new().with_rp_id("evil.example");
    let wrong_rp = authenticator
        .get_with(&options, &origin(&t), &wrong_rp)
        .expect("asserted");
    let refused = step(&t, &refused, None, assertion_inputs(&wrong_rp)).await;
    assert_eq!(refused["error"]["code"], "FET-1015", "{refused}");

    let good = authenticator.get(&options, &origin(&t)).expect("asserted");
    let signed_in = step(&t, &refused, None, assertion_inputs(&good)).await;
    assert_eq!(signed_in["flowStatus"], "COMPLETE", "{signed_in}");

    // The same response again, in a new sign-in: its challenge is not the new one.
    let next = passkey_for(&t, "thor").await;
    let replayed = step(&t, &next, None, assertion_inputs(&good)).await;
    assert_eq!(replayed["error"]["code"], "FET-1015", "{replayed}");
}

#[tokio::test]
async fn a_registration_from_another_origin_is_fet_1018_and_stores_nothing() {
    let t = TestServer::start().await;
    let mut authenticator = SoftwareAuthenticator::new();
    let no_passkey = passkey_for(&t, "thor").await;
    let creation = step(
        &t,
        &no_passkey,
        Some("action_register_passkey"),
        json!({"password": "Thor@12345"}),
    )
    .await;
    let options = option_text(&creation, "passkeyCreationOptions").to_owned();
    let elsewhere = authenticator
        .create(&options, "https://evil.example")
        .expect("created");
    let refused = step(&t, &creation, None, registration_inputs(&elsewhere)).await;
    insta::assert_json_snapshot!("passkey_registration_failed", without_meta(&refused));
    let again = passkey_for(&t, "thor").await;
    assert_eq!(
        again["error"]["code"], "FET-1019",
        "still no passkey: {again}"
    );
}

#[tokio::test]
async fn user_verification_required_by_registration_refuses_an_unverified_user() {
    let t = TestServer::start().await;
    let mut authenticator = SoftwareAuthenticator::new();
    let first = execute(
        &t,
        &json!({"applicationId": "01900000-0000-7000-8000-0000000000ac", "flowType": "REGISTRATION"}),
        None,
    )
    .await;
    assert_eq!(first.status, reqwest::StatusCode::OK, "{}", first.body);
    let first = first.json();
    let details = if first["data"]["inputs"][0]["identifier"] == "userType" {
        step(
            &t,
            &first,
            Some("action_usertype"),
            json!({"userType": "Person"}),
        )
        .await
    } else {
        first
    };
    let creation = step(
        &t,
        &details,
        Some("action_schema_attrs"),
        json!({"username": "sif", "email": "sif@asgard.example"}),
    )
    .await;
    let options = option_text(&creation, "passkeyCreationOptions").to_owned();
    let selection: Value = serde_json::from_str(&options).expect("options");
    assert_eq!(
        selection["authenticatorSelection"],
        json!({"authenticatorAttachment": "platform", "residentKey": "required", "userVerification": "required"})
    );
    assert_eq!(selection["attestation"], "direct");
    let unverified = Ceremony::new().without_user_verification();
    let credential = authenticator
        .create_with(&options, &origin(&t), &unverified)
        .expect("created");
    let refused = step(&t, &creation, None, registration_inputs(&credential)).await;
    assert_eq!(refused["error"]["code"], "FET-1018", "{refused}");
    let credential = authenticator
        .create(&options, &origin(&t))
        .expect("created");
    let registered = step(&t, &refused, None, registration_inputs(&credential)).await;
    assert_eq!(registered["flowStatus"], "COMPLETE", "{registered}");
}

/// An attribute of the passkey button on a gate page.
fn passkey_button_attribute(html: &str, name: &str) -> Option<String> {
    let button = regex::Regex::new(r#"<button id="tid-passkey"[^>]*>"#).ok()?;
    let tag = button.find(html)?.as_str();
    let value = regex::Regex::new(&format!(r#"\b{name}="([^"]*)""#)).ok()?;
    let raw = value.captures(tag)?[1].to_owned();
    Some(
        raw.replace("&#34;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

#[tokio::test]
async fn the_gate_registers_a_passkey_with_a_button_whose_script_runs_under_the_pages_nonce() {
    let t = TestServer::start().await;
    let mut authenticator = SoftwareAuthenticator::new();
    let mut query = crate::callback::spa_query("openid");
    for pair in &mut query {
        if pair.0 == "client_id" {
            pair.1 = "sample-passkey".to_owned();
        }
    }
    let reply = t
        .get(&format!(
            "/oauth2/authorize?{}",
            crate::callback::query_string(&query)
        ))
        .await;
    let page = follow(&t, &reply).await;
    let form = GateForm::parse(&page.body);
    let identifier = form.submit(&t, "action_passkey", &[]).await;
    let form = GateForm::parse(&identifier.body);
    assert_eq!(form.fields, ["username"]);
    let no_passkey = form
        .submit(&t, "action_passkey_identifier", &[("username", "thor")])
        .await;
    let form = GateForm::parse(&no_passkey.body);
    assert_eq!(form.fields, ["password"]);
    let creation = form
        .submit(&t, "action_register_passkey", &[("password", "Thor@12345")])
        .await;
    let form = GateForm::parse(&creation.body);
    let hidden: Vec<&str> = form.hidden.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        hidden[hidden.len() - 3..],
        ["credentialId", "clientDataJSON", "attestationObject"],
        "the passkey inputs are hidden fields the script fills"
    );
    assert_eq!(
        passkey_button_attribute(&creation.body, "data-mode").as_deref(),
        Some("create")
    );
    let policy = creation
        .header("content-security-policy")
        .unwrap_or_default()
        .to_owned();
    let script_nonce = regex::Regex::new(r#"<script nonce="([^"]+)">"#)
        .ok()
        .and_then(|re| re.captures(&creation.body).map(|c| c[1].to_owned()))
        .unwrap_or_default();
    let policy_nonce = regex::Regex::new(r"script-src 'self' 'nonce-([^']+)'")
        .ok()
        .and_then(|re| re.captures(&policy).map(|c| c[1].to_owned()));
    assert_eq!(Some(script_nonce), policy_nonce, "{policy}");

    let options = passkey_button_attribute(&creation.body, "data-options").unwrap_or_default();
    let credential = authenticator
        .create(&options, &origin(&t))
        .expect("created");
    let field = |name: &str| {
        credential["response"][name]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let id = credential["id"].as_str().unwrap_or_default().to_owned();
    let done = form
        .submit(
            &t,
            "",
            &[
                ("credentialId", &id),
                ("clientDataJSON", &field("clientDataJSON")),
                ("attestationObject", &field("attestationObject")),
            ],
        )
        .await;
    assert_eq!(done.status, reqwest::StatusCode::FOUND, "{}", done.body);
    let location = done.location();
    assert_eq!(
        (location.host_str(), location.path()),
        (Some("localhost"), "/callback")
    );
}

/// The passkey API's start answer with its random values (challenge, session token) checked for
/// shape and replaced.
fn redacted_start(body: &Value, member: &str) -> Value {
    let mut body = body.clone();
    let token = body["sessionToken"].as_str().unwrap_or_default();
    assert_eq!(token.len(), 44, "32 bytes, standard base64: {token}");
    body["sessionToken"] = json!("[session-token]");
    let challenge = body[member]["challenge"].as_str().unwrap_or_default();
    assert_eq!(challenge.len(), 43, "32 bytes, base64url: {challenge}");
    body[member]["challenge"] = json!("[challenge]");
    if let Some(allowed) = body[member]
        .get_mut("allowCredentials")
        .and_then(Value::as_array_mut)
    {
        for credential in allowed {
            credential["id"] = json!("[credential-id]");
        }
    }
    body
}

#[tokio::test]
async fn the_passkey_api_registers_and_signs_in_with_the_server_assertion() {
    use crate::authn::direct;
    let t = TestServer::start().await;
    let mut authenticator = SoftwareAuthenticator::new();
    let started = direct(
        &t,
        "/register/passkey/start",
        &json!({"userId": THOR_ID, "relyingPartyId": "localhost", "authenticatorSelection": {"userVerification": "required"}}),
    )
    .await;
    assert_eq!(started.status, reqwest::StatusCode::OK, "{}", started.body);
    let started = started.json();
    insta::assert_json_snapshot!(
        "passkey_api_registration_start",
        redacted_start(&started, "publicKeyCredentialCreationOptions")
    );
    let options = started["publicKeyCredentialCreationOptions"].to_string();
    let credential = authenticator
        .create(&options, &origin(&t))
        .expect("created");
    let finished = direct(
        &t,
        "/register/passkey/finish",
        &json!({"publicKeyCredential": credential, "sessionToken": started["sessionToken"], "skipAssertion": true}),
    )
    .await;
    assert_eq!(
        finished.status,
        reqwest::StatusCode::OK,
        "{}",
        finished.body
    );
    assert_eq!(
        finished.json(),
        json!({"id": THOR_ID, "type": "Person", "ouId": "01900000-0000-7000-8000-000000000002"})
    );

    let started = direct(
        &t,
        "/auth/passkey/start",
        &json!({"userId": THOR_ID, "relyingPartyId": "localhost"}),
    )
    .await;
    let started = started.json();
    insta::assert_json_snapshot!(
        "passkey_api_authentication_start",
        redacted_start(&started, "publicKeyCredentialRequestOptions")
    );
    let options = started["publicKeyCredentialRequestOptions"].to_string();
    let assertion = authenticator.get(&options, &origin(&t)).expect("asserted");
    let body = json!({"publicKeyCredential": assertion, "sessionToken": started["sessionToken"]});
    let signed_in = direct(&t, "/auth/passkey/finish", &body).await;
    assert_eq!(
        signed_in.status,
        reqwest::StatusCode::OK,
        "{}",
        signed_in.body
    );
    let claims = verify_assertion(
        &t,
        signed_in.json()["assertion"].as_str().unwrap_or_default(),
    );
    assert_eq!(claims["sub"], THOR_ID);
    assert_eq!(claims["assurance"]["aal"], "AAL2");
    assert_eq!(
        claims["assurance"]["authenticators"][0]["authenticator"],
        "Passkey"
    );

    let replayed = direct(&t, "/auth/passkey/finish", &body).await;
    assert_eq!(
        (replayed.status, replayed.json()["code"].clone()),
        (reqwest::StatusCode::BAD_REQUEST, json!("AUTHN-PSK-1001")),
        "the session was spent"
    );
    let unknown = direct(
        &t,
        "/register/passkey/start",
        &json!({"userId": "nobody", "relyingPartyId": "localhost"}),
    )
    .await;
    assert_eq!(
        (unknown.status, unknown.json()["code"].clone()),
        (reqwest::StatusCode::BAD_REQUEST, json!("AUTHN-PSK-1002"))
    );
    let blank = direct(&t, "/auth/passkey/start", &json!({"userId": THOR_ID})).await;
    assert_eq!(
        blank.json(),
        json!({"code": "INVALID_INPUT_METADATA", "message": "Validation Failed",
               "description": "One or more inbound fields failed structural edge-boundary rules.",
               "errors": {"relyingPartyId": "The field 'relyingPartyId' is missing but is strictly required."}})
    );
}

#[tokio::test]
async fn the_control_planes_authenticator_answers_options_and_refuses_what_it_cannot_answer() {
    let t = TestServer::start().await;
    let creation = passkey_for(&t, "thor").await;
    let creation = step(
        &t,
        &creation,
        Some("action_register_passkey"),
        json!({"password": "Thor@12345"}),
    )
    .await;
    let options = option_text(&creation, "passkeyCreationOptions");
    let created = t
        .post_json(
            "/__mock/passkeys/attestation",
            &json!({"options": options, "origin": origin(&t), "attestation": "packed"}),
        )
        .await;
    assert_eq!(created.status, reqwest::StatusCode::OK, "{}", created.body);
    let registered = step(&t, &creation, None, registration_inputs(&created.json())).await;
    assert_eq!(registered["flowStatus"], "COMPLETE", "{registered}");

    let challenge = passkey_for(&t, "thor").await;
    let options = option_text(&challenge, "passkeyChallenge");
    let other_rp = options.replace("\"rpId\":\"localhost\"", "\"rpId\":\"example.com\"");
    let refusals = [
        (
            json!({"options": "{}", "origin": origin(&t)}),
            "/__mock/passkeys/assertion",
        ),
        (
            json!({"options": other_rp, "origin": origin(&t)}),
            "/__mock/passkeys/assertion",
        ),
        (
            json!({"options": 7, "origin": origin(&t)}),
            "/__mock/passkeys/attestation",
        ),
        (
            json!({"options": "{}", "origin": origin(&t), "attestation": "tpm"}),
            "/__mock/passkeys/attestation",
        ),
    ];
    for (body, path) in refusals {
        let refused = t.post_json(path, &body).await;
        assert_eq!(
            (refused.status, refused.header("content-type")),
            (
                reqwest::StatusCode::BAD_REQUEST,
                Some("text/plain; charset=utf-8")
            ),
            "{path} {body}: {}",
            refused.body
        );
    }
    let signed = t
        .post_json(
            "/__mock/passkeys/assertion",
            &json!({"options": options, "origin": origin(&t)}),
        )
        .await;
    let signed_in = step(&t, &challenge, None, assertion_inputs(&signed.json())).await;
    assert_eq!(signed_in["flowStatus"], "COMPLETE", "{signed_in}");
}
