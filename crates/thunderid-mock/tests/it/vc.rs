//! The verifiable-credential resources (`vc/presentation`, `vc/credential`; no OpenAPI file):
//! the management APIs with the server's checks in its order, codes and statuses; `/import`
//! (upsert, dry run, continue-on-error) and `/import/delete`; `--resources` files read-only; a
//! reset; and a definition created over the API serving the next OpenID4VP sign-in.

use reqwest::Method;
use serde_json::{Value, json};
use thunderid_mock::{Fixtures, MockServer};
use thunderid_protocol::ApiErrorCode;

use crate::flow_mfa_federated::first_step;
use crate::flow_support::{THOR_ID, step};
use crate::organizations::{admin, assert_api_error, call};
use crate::support::{Reply, TestServer, assert_json_eq};

const DEFINITIONS: &str = "/openid4vp/presentation-definitions";
const CONFIGURATIONS: &str = "/openid4vci/credential-configurations";
const ROOT_OU: &str = "01900000-0000-7000-8000-000000000001";
/// The bundled `mock-pid` definition `wallet-flow` names.
const MOCK_PID: &str = "01900000-0000-7000-8000-000000000501";

async fn as_admin(t: &TestServer, method: Method, path: &str, body: Option<&Value>) -> Reply {
    call(t, method, path, Some(&admin(t)), body).await
}

/// A body with its generated id written as `[id]`.
fn redacted_id(reply: &Reply) -> Value {
    let mut body = reply.json();
    if body["id"].is_string() {
        body["id"] = json!("[id]");
    }
    body
}

/// The definitions' handles, in list order.
async fn handles(t: &TestServer) -> Vec<String> {
    let list = as_admin(t, Method::GET, DEFINITIONS, None).await.json();
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| d["handle"].as_str().unwrap().to_owned())
        .collect()
}

fn definition(handle: &str) -> Value {
    json!({"handle": handle, "ouHandle": "default", "name": " Age check ", "vct": "urn:example:age",
           "requestedClaims": ["age_over_18", "email"], "mandatoryClaims": ["age_over_18"],
           "optionalClaims": ["email"], "claimValues": {"age_over_18": ["true", ""], " ": ["x"]},
           "enforceTrustedIssuer": false, "trustedAuthorities": ["thunderid-mock-pid-issuer-ca"],
           "unknown": "ignored"})
}

#[tokio::test]
async fn a_definition_is_created_read_listed_changed_and_deleted() {
    let t = TestServer::start().await;
    let created = as_admin(&t, Method::POST, DEFINITIONS, Some(&definition("age"))).await;
    assert_eq!(created.status, 201, "{}", created.body);
    // The answer echoes what was given (the unit's handle as given), sanitized and defaulted.
    insta::assert_json_snapshot!("vc_definition_created", redacted_id(&created));
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let path = format!("{DEFINITIONS}/{id}");

    let got = as_admin(&t, Method::GET, &path, None).await;
    assert_eq!(got.status, 200);
    insta::assert_json_snapshot!("vc_definition_get", redacted_id(&got));

    // The list is every summary, unpaged: the fixture's first, in the order written.
    let list = as_admin(&t, Method::GET, DEFINITIONS, None).await;
    assert_eq!(list.status, 200);
    let mut list = list.json();
    list[1]["id"] = json!("[id]");
    insta::assert_json_snapshot!("vc_definition_list", list);

    let changed = json!({"handle": "age-v2", "ouId": ROOT_OU, "vct": "urn:example:age",
                         "mandatoryClaims": ["age_over_18"]});
    let updated = as_admin(&t, Method::PUT, &path, Some(&changed)).await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_json_eq(
        &updated.json(),
        &json!({"id": id, "handle": "age-v2", "ouId": ROOT_OU, "vct": "urn:example:age",
                "format": "dc+sd-jwt", "mandatoryClaims": ["age_over_18"]}),
    );
    let got = as_admin(&t, Method::GET, &path, None).await.json();
    assert_eq!(got["ouHandle"], "default");
    assert_eq!(got["handle"], "age-v2");

    let deleted = as_admin(&t, Method::DELETE, &path, None).await;
    assert_eq!(deleted.status, 204);
    assert!(deleted.body.is_empty());
    // Deleting what is gone is no error.
    assert_eq!(as_admin(&t, Method::DELETE, &path, None).await.status, 204);
    let gone = as_admin(&t, Method::GET, &path, None).await;
    assert_api_error(&gone, 404, ApiErrorCode::VpDefinitionNotFound);
}

#[tokio::test]
async fn definition_checks_run_in_the_servers_order() {
    let t = TestServer::start().await;
    let post = |body: Value| {
        let t = &t;
        async move { as_admin(t, Method::POST, DEFINITIONS, Some(&body)).await }
    };
    let invalid = ApiErrorCode::VpDefinitionInvalidRequest;
    for body in [
        json!({"vct": "urn:x"}),
        json!({"handle": "  ", "vct": "urn:x"}),
        json!({"handle": "h", "vct": "urn:x", "mandatoryClaims": "email"}),
        json!([1]),
    ] {
        assert_api_error(&post(body).await, 400, invalid.clone());
    }
    let bad = t
        .send(
            t.client
                .post(t.url(DEFINITIONS))
                .bearer_auth(admin(&t))
                .body("{"),
        )
        .await;
    assert_api_error(&bad, 400, invalid);
    // The format before the claims, the claims before the unit.
    let reply = post(
        json!({"handle": "h", "vct": "urn:x", "format": "jwt_vc_json",
                            "mandatoryClaims": [""]}),
    )
    .await;
    assert_api_error(&reply, 400, ApiErrorCode::VpDefinitionUnsupportedFormat);
    let reply = post(json!({"handle": "h", "vct": "urn:x", "requestedClaims": ["a", " "]})).await;
    assert_api_error(&reply, 400, ApiErrorCode::VpDefinitionEmptyClaimName);
    // A name in both the mandatory and the optional list; the requested list may repeat them.
    let reply = post(
        json!({"handle": "h", "vct": "urn:x", "requestedClaims": ["email"],
                            "mandatoryClaims": ["email"], "optionalClaims": [" email"]}),
    )
    .await;
    assert_eq!(reply.status, 400);
    insta::assert_json_snapshot!("vc_definition_duplicate_claim", reply.json());
    for unit in [
        json!({}),
        json!({"ouId": "nope"}),
        json!({"ouHandle": "default/nope"}),
    ] {
        let mut body = json!({"handle": "h", "vct": "urn:x"});
        body.as_object_mut()
            .unwrap()
            .extend(unit.as_object().unwrap().clone());
        assert_api_error(&post(body).await, 400, ApiErrorCode::VpDefinitionInvalidOU);
    }
    // The handle is the bundled definition's.
    let reply = post(json!({"handle": "mock-pid", "vct": "urn:x", "ouId": ROOT_OU})).await;
    assert_api_error(&reply, 409, ApiErrorCode::VpDefinitionAlreadyExists);
    // An update checks the body before the id, and the id before the handle.
    let unknown = format!("{DEFINITIONS}/0190ffff-0000-7000-8000-000000000000");
    let reply = as_admin(&t, Method::PUT, &unknown, Some(&json!({"vct": "urn:x"}))).await;
    assert_api_error(&reply, 400, ApiErrorCode::VpDefinitionInvalidRequest);
    let body = json!({"handle": "mock-pid", "vct": "urn:x", "ouId": ROOT_OU});
    let reply = as_admin(&t, Method::PUT, &unknown, Some(&body)).await;
    assert_api_error(&reply, 404, ApiErrorCode::VpDefinitionNotFound);
    let created = post(json!({"handle": "other", "vct": "urn:x", "ouId": ROOT_OU})).await;
    let path = format!("{DEFINITIONS}/{}", created.json()["id"].as_str().unwrap());
    let reply = as_admin(&t, Method::PUT, &path, Some(&body)).await;
    assert_api_error(&reply, 409, ApiErrorCode::VpDefinitionAlreadyExists);
    // Nothing was half-applied.
    assert_eq!(handles(&t).await, ["mock-pid", "other"]);
}

#[tokio::test]
async fn the_apis_need_the_system_permission() {
    let t = TestServer::start().await;
    for path in [DEFINITIONS, CONFIGURATIONS] {
        let anonymous = t.get(path).await;
        assert_eq!(anonymous.status, 401, "{path}");
        let token = t
            .server
            .mint_access_token(THOR_ID, "sample-spa", &["system:user"]);
        let reply = call(&t, Method::GET, path, Some(&token), None).await;
        assert_api_error(&reply, 403, ApiErrorCode::AuthForbidden);
        let preflight = t
            .send(
                t.client
                    .request(Method::OPTIONS, t.url(&format!("{path}/x")))
                    .header("origin", "https://app.example")
                    .header("access-control-request-method", "PUT"),
            )
            .await;
        assert_eq!(preflight.status, 204, "{path}");
    }
}

#[tokio::test]
async fn a_credential_configuration_has_the_same_life_and_its_own_checks() {
    let t = TestServer::start().await;
    let body = json!({"handle": "pid", "ouId": ROOT_OU, "name": "PID", "vct": "urn:example:pid",
                      "claims": [{"name": " email ", "displayName": "E-mail"}, {"name": "given_name"}],
                      "display": {"locale": "", "logoUri": ""}, "validitySeconds": 86400});
    let created = as_admin(&t, Method::POST, CONFIGURATIONS, Some(&body)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    insta::assert_json_snapshot!("vc_configuration_created", redacted_id(&created));
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let list = as_admin(&t, Method::GET, CONFIGURATIONS, None).await.json();
    assert_json_eq(
        &list,
        &json!([{"id": id, "handle": "pid", "ouId": ROOT_OU, "ouHandle": "default",
                 "format": "dc+sd-jwt", "vct": "urn:example:pid", "name": "PID"}]),
    );
    let post = |body: Value| {
        let t = &t;
        async move { as_admin(t, Method::POST, CONFIGURATIONS, Some(&body)).await }
    };
    let reply = post(json!({"handle": "x", "vct": "urn:x", "validitySeconds": 0})).await;
    assert_api_error(&reply, 400, ApiErrorCode::VciConfigurationInvalidRequest);
    let reply = post(json!({"handle": "x", "vct": "urn:x", "validitySeconds": 1.5})).await;
    assert_api_error(&reply, 400, ApiErrorCode::VciConfigurationInvalidRequest);
    let reply = post(json!({"handle": "x", "vct": "urn:x", "format": "mso_mdoc"})).await;
    assert_api_error(&reply, 400, ApiErrorCode::VciConfigurationUnsupportedFormat);
    let reply = post(json!({"handle": "x", "vct": "urn:x", "claims": [{"name": ""}]})).await;
    assert_api_error(&reply, 400, ApiErrorCode::VciConfigurationEmptyClaimName);
    let reply = post(json!({"handle": "x", "vct": "urn:x", "claims": [{"name": "sub"}]})).await;
    assert_eq!(reply.status, 400);
    insta::assert_json_snapshot!("vc_configuration_reserved_claim", reply.json());
    let reply = post(json!({"handle": "x", "vct": "urn:x",
                            "claims": [{"name": "a"}, {"name": "a"}]}))
    .await;
    assert_eq!(reply.json()["code"], "VCI-2009");
    let reply = post(json!({"handle": "x", "vct": "urn:x"})).await;
    assert_api_error(&reply, 400, ApiErrorCode::VciConfigurationInvalidOU);
    let reply = post(json!({"handle": "pid", "vct": "urn:x", "ouId": ROOT_OU})).await;
    assert_api_error(&reply, 409, ApiErrorCode::VciConfigurationAlreadyExists);
    let path = format!("{CONFIGURATIONS}/{id}");
    assert_eq!(as_admin(&t, Method::DELETE, &path, None).await.status, 204);
    let gone = as_admin(&t, Method::GET, &path, None).await;
    assert_api_error(&gone, 404, ApiErrorCode::VciConfigurationNotFound);
}

const DOCUMENTS: &str = r#"
resource_type: credential_configuration
id: 019a0000-0000-7000-8000-0000000000c2
handle: pid
ouHandle: default
vct: urn:example:pid
claims: [{name: email}]
---
resource_type: presentation_definition
id: 019a0000-0000-7000-8000-0000000000c1
handle: age
ouHandle: default
vct: urn:example:age
mandatoryClaims: [age_over_18]
---
resource_type: presentation_definition
handle: no-unit
vct: urn:example:age
---
resource_type: presentation_definition
id: 01900000-0000-7000-8000-000000000501
handle: mock-pid
ouId: 01900000-0000-7000-8000-000000000001
vct: urn:thunderid-mock:pid:2
mandatoryClaims: [username]
---
resource_type: presentation_definition
handle: typed
vct: [not, a, string]
"#;

async fn import(t: &TestServer, body: Value) -> Value {
    let reply = as_admin(t, Method::POST, "/import", Some(&body)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let mut body = reply.json();
    body["summary"]["importedAt"] = json!("[time]");
    body
}

#[tokio::test]
async fn import_applies_both_kinds_with_upsert_dry_run_and_their_codes() {
    let t = TestServer::start().await;
    let dry = import(&t, json!({"content": DOCUMENTS, "dryRun": true})).await;
    insta::assert_json_snapshot!("vc_import_dry_run", dry);
    assert_eq!(
        as_admin(&t, Method::GET, DEFINITIONS, None)
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let applied = import(&t, json!({"content": DOCUMENTS})).await;
    insta::assert_json_snapshot!("vc_import", applied);
    let pid = as_admin(&t, Method::GET, &format!("{DEFINITIONS}/{MOCK_PID}"), None).await;
    assert_eq!(pid.json()["vct"], "urn:thunderid-mock:pid:2");

    // Without upsert the same ids are created again: handles taken.
    let again = import(
        &t,
        json!({"content": DOCUMENTS, "options": {"upsert": false, "continueOnError": false}}),
    )
    .await;
    assert_json_eq(
        &again["summary"],
        &json!({"totalDocuments": 5, "imported": 0, "failed": 1, "importedAt": "[time]"}),
    );
    assert_eq!(again["results"][0]["code"], "VP-2003");

    // `/import/delete` manages declarative files of other kinds only.
    let reply = as_admin(
        &t,
        Method::POST,
        "/import/delete",
        Some(&json!({"resourceType": "presentation_definition", "resourceKey": "age"})),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json()["description"]["defaultValue"],
        "unsupported resource type for declarative file management"
    );
}

/// What `--resources` loaded: unit-less, refused change and delete, listed after stored ones.
async fn check_declared(t: &TestServer) {
    let path = format!("{DEFINITIONS}/019a0000-0000-7000-8000-0000000000d1");
    let got = as_admin(t, Method::GET, &path, None).await;
    assert_json_eq(
        &got.json(),
        &json!({"id": "019a0000-0000-7000-8000-0000000000d1", "handle": "age", "ouId": "",
                "vct": "urn:example:age", "format": "dc+sd-jwt",
                "mandatoryClaims": ["age_over_18"]}),
    );
    let body = json!({"handle": "age", "ouId": ROOT_OU, "vct": "urn:example:age"});
    let put = as_admin(t, Method::PUT, &path, Some(&body)).await;
    assert_api_error(&put, 409, ApiErrorCode::VpDefinitionImmutable);
    let delete = as_admin(t, Method::DELETE, &path, None).await;
    assert_api_error(&delete, 409, ApiErrorCode::VpDefinitionImmutable);
    let path = format!("{CONFIGURATIONS}/019a0000-0000-7000-8000-0000000000d2");
    let delete = as_admin(t, Method::DELETE, &path, None).await;
    assert_api_error(&delete, 409, ApiErrorCode::VciConfigurationImmutable);
    assert_eq!(handles(t).await, ["mock-pid", "age"]);
}

#[tokio::test]
async fn declarative_files_load_read_only_and_come_back_after_a_reset() {
    let dir = std::env::temp_dir().join(format!("thunderid-mock-vc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("presentation_definitions")).unwrap();
    std::fs::create_dir_all(dir.join("credential_configurations")).unwrap();
    // The file shape has no unit: an `ouId` there is not read.
    std::fs::write(
        dir.join("presentation_definitions/age.yaml"),
        "id: 019a0000-0000-7000-8000-0000000000d1\nhandle: age\nouId: x\nvct: urn:example:age\nmandatoryClaims: [age_over_18]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("credential_configurations/pid.yaml"),
        "id: 019a0000-0000-7000-8000-0000000000d2\nhandle: pid\nvct: urn:example:pid\n",
    )
    .unwrap();
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    check_declared(&t).await;
    // An export's `*` leaves them out.
    let export = as_admin(
        &t,
        Method::POST,
        "/export",
        Some(&json!({"presentationDefinitions": ["*"], "credentialConfigurations": ["*"]})),
    )
    .await;
    assert_eq!(export.status, 200);
    let resources = export.json()["resources"].as_str().unwrap().to_owned();
    assert!(
        resources.contains("handle: mock-pid") && !resources.contains("handle: age"),
        "{resources}"
    );
    t.server.reset();
    check_declared(&t).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_export_writes_both_kinds_as_the_server_does() {
    let t = TestServer::start().await;
    let created = as_admin(&t, Method::POST, DEFINITIONS, Some(&definition("age"))).await;
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let body = json!({"handle": "pid", "ouId": ROOT_OU, "vct": "urn:example:pid",
                      "claims": [{"name": "email", "displayName": "E-mail"}],
                      "display": {"locale": "en"}, "validitySeconds": 60});
    let created = as_admin(&t, Method::POST, CONFIGURATIONS, Some(&body)).await;
    let config = created.json()["id"].as_str().unwrap().to_owned();
    let export = as_admin(
        &t,
        Method::POST,
        "/export",
        Some(&json!({"presentationDefinitions": ["*"], "credentialConfigurations": ["*"]})),
    )
    .await;
    assert_eq!(export.status, 200, "{}", export.body);
    let body = export.json();
    let text = body["resources"]
        .as_str()
        .unwrap()
        .replace(&id, "[id]")
        .replace(&config, "[config]");
    insta::assert_snapshot!("vc_export", text);
    insta::assert_snapshot!(
        "vc_export_env",
        body["environment_variables"].as_str().unwrap()
    );
}

/// A definition made over the API serves the next sign-in: the bundled one deleted, the flow
/// fails; created again with its handle, the wallet's presentation signs the holder in.
#[tokio::test]
async fn the_verifier_reads_the_live_definitions() {
    let mut fixtures = Fixtures::bundled();
    let thor = fixtures.users.iter_mut().find(|u| u.id == THOR_ID).unwrap();
    thor.attributes.insert("sub".into(), json!("urn:pid:thor"));
    let t = TestServer::with_fixtures(fixtures).await;
    let path = format!("{DEFINITIONS}/{MOCK_PID}");
    assert_eq!(as_admin(&t, Method::DELETE, &path, None).await.status, 204);
    let failed = first_step(&t, "sample-wallet").await;
    assert_eq!(failed["flowStatus"], "ERROR", "{failed}");

    let body = json!({"handle": "mock-pid", "ouId": ROOT_OU, "vct": "urn:thunderid-mock:pid:1",
                      "mandatoryClaims": ["username"]});
    let created = as_admin(&t, Method::POST, DEFINITIONS, Some(&body)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let waiting = first_step(&t, "sample-wallet").await;
    assert_eq!(waiting["flowStatus"], "INCOMPLETE", "{waiting}");
    let request = json!({"requestUri": waiting["data"]["additionalData"]["openid4vpWalletUri"],
                         "username": "thor"});
    let presented = t.post_json("/__mock/wallet/present", &request).await;
    assert_eq!(presented.status, 200, "{}", presented.body);
    let signed_in = step(&t, &waiting, Some("action_poll"), json!({})).await;
    assert_eq!(signed_in["flowStatus"], "COMPLETE", "{signed_in}");
}

/// Past 1000 resources the list refuses (`MaxCompositeStoreRecords`), as the composite store does.
#[tokio::test]
async fn a_list_past_a_thousand_resources_is_refused() {
    let t = TestServer::start().await;
    let mut documents = Vec::new();
    for i in 0..1000 {
        documents.push(format!(
            "resource_type: presentation_definition\nhandle: d{i}\nouHandle: default\nvct: urn:x\n---\n\
             resource_type: credential_configuration\nhandle: c{i}\nouHandle: default\nvct: urn:x"
        ));
    }
    // The bundled definition makes 1001; the configurations stop at 1000.
    let applied = import(&t, json!({"content": documents.join("\n---\n")})).await;
    assert_eq!(applied["summary"]["failed"], 0);
    let reply = as_admin(&t, Method::GET, DEFINITIONS, None).await;
    assert_api_error(&reply, 400, ApiErrorCode::VpDefinitionResultLimitExceeded);
    let reply = as_admin(&t, Method::GET, CONFIGURATIONS, None).await;
    assert_eq!(reply.json().as_array().map(Vec::len), Some(1000));
    let body = json!({"handle": "one-more", "ouHandle": "default", "vct": "urn:x"});
    assert_eq!(
        as_admin(&t, Method::POST, CONFIGURATIONS, Some(&body))
            .await
            .status,
        201
    );
    let reply = as_admin(&t, Method::GET, CONFIGURATIONS, None).await;
    assert_api_error(
        &reply,
        400,
        ApiErrorCode::VciConfigurationResultLimitExceeded,
    );
}

/// The bundled set signs in through `sample-wallet` as shipped: `freya` holds the `sub` the fake
/// wallet presents. The wallet encrypts with each content encryption the request object advertises.
#[tokio::test]
async fn the_bundled_wallet_user_signs_in_as_shipped() {
    let t = TestServer::start().await;
    for encryption in ["A128GCM", "A256GCM", "A128CBC-HS256", "A256CBC-HS512"] {
        let waiting = first_step(&t, "sample-wallet").await;
        let request = json!({"requestUri": waiting["data"]["additionalData"]["openid4vpWalletUri"],
                             "username": "freya", "encryption": encryption});
        let presented = t.post_json("/__mock/wallet/present", &request).await;
        assert_eq!(presented.status, 200, "{encryption}: {}", presented.body);
        let signed_in = step(&t, &waiting, Some("action_poll"), json!({})).await;
        assert_eq!(signed_in["flowStatus"], "COMPLETE", "{signed_in}");
        let claims = crate::flow_support::verify_assertion(
            &t,
            signed_in["assertion"].as_str().unwrap_or_default(),
        );
        assert_eq!(claims["sub"], "01900000-0000-7000-8000-000000000103");
    }
    let waiting = first_step(&t, "sample-wallet").await;
    let request = json!({"requestUri": waiting["data"]["additionalData"]["openid4vpWalletUri"],
                         "username": "freya", "encryption": "A192GCM"});
    let refused = t.post_json("/__mock/wallet/present", &request).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
}

/// `freya` signs in with each issuer and holder algorithm the request object advertises
/// (`sd-jwt_alg_values`, `kb-jwt_alg_values`: ES256 and EdDSA); another is the wallet's 400.
#[tokio::test]
async fn the_wallet_user_signs_in_with_each_signature_algorithm() {
    let t = TestServer::start().await;
    for credential_alg in ["ES256", "EdDSA"] {
        for holder_alg in ["ES256", "EdDSA"] {
            let waiting = first_step(&t, "sample-wallet").await;
            let uri = &waiting["data"]["additionalData"]["openid4vpWalletUri"];
            let request = json!({"requestUri": uri, "username": "freya",
                                 "credentialAlg": credential_alg, "holderAlg": holder_alg});
            let presented = t.post_json("/__mock/wallet/present", &request).await;
            let combination = format!("{credential_alg}/{holder_alg}");
            assert_eq!(presented.status, 200, "{combination}: {}", presented.body);
            let signed_in = step(&t, &waiting, Some("action_poll"), json!({})).await;
            assert_eq!(
                signed_in["flowStatus"], "COMPLETE",
                "{combination}: {signed_in}"
            );
            let claims = crate::flow_support::verify_assertion(
                &t,
                signed_in["assertion"].as_str().unwrap_or_default(),
            );
            assert_eq!(claims["sub"], "01900000-0000-7000-8000-000000000103");
        }
    }
    for (member, alg) in [("credentialAlg", "RS256"), ("holderAlg", "none")] {
        let waiting = first_step(&t, "sample-wallet").await;
        let uri = &waiting["data"]["additionalData"]["openid4vpWalletUri"];
        let request = json!({"requestUri": uri, "username": "freya", member: alg});
        let refused = t.post_json("/__mock/wallet/present", &request).await;
        assert_eq!(refused.status, 400, "{member} {alg}: {}", refused.body);
        assert!(
            refused.body.contains("advertises ES256, EdDSA"),
            "{}",
            refused.body
        );
    }
}
