//! OpenID4VP in `wallet-flow` (`sample-wallet`): the executor's first step hands out the wallet
//! link, the control plane's fake wallet presents a credential for a fixture user through
//! `POST /openid4vp/response`, and the next poll signs the holder in; refused presentations,
//! expired and replayed requests, and a misconfigured node end the flow with FET-1076..1079.

use reqwest::StatusCode;
use serde_json::{Value, json};
use thunderid_mock::Fixtures;

use crate::flow_mfa_federated::first_step;
use crate::flow_support::*;
use crate::support::{TestServer, assert_json_eq};

/// Thor holds the mock PID under the subject `urn:pid:thor` (the `sub` attribute the server's
/// entity lookup matches).
fn fixtures() -> Fixtures {
    let mut fixtures = Fixtures::bundled();
    let thor = fixtures
        .users
        .iter_mut()
        .find(|u| u.id == THOR_ID)
        .expect("thor");
    thor.attributes.insert("sub".into(), json!("urn:pid:thor"));
    fixtures
}

/// `wallet-flow` with the verify node's properties replaced.
fn with_properties(properties: Value) -> Fixtures {
    let mut fixtures = fixtures();
    let flow = fixtures
        .flows
        .iter_mut()
        .find(|f| f.handle == "wallet-flow")
        .expect("wallet-flow");
    let node = flow
        .nodes
        .iter_mut()
        .find(|n| n.id == "vp_verify")
        .expect("the verify node");
    node.properties = serde_json::from_value(properties).expect("properties");
    fixtures
}

/// The state a wallet link carries (32 random bytes, base64url).
fn state_of(body: &Value) -> String {
    let uri = body["data"]["additionalData"]["openid4vpRequestUri"]
        .as_str()
        .unwrap_or_else(|| panic!("no request URI: {body}"));
    let state = url::Url::parse(uri)
        .expect("a URL")
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("a state");
    assert_eq!(state.len(), 43, "{state}");
    state
}

/// The step with its meta left out, and the request's state and the server's base URL (plain
/// and URL-encoded) replaced.
fn shown(t: &TestServer, body: &Value, state: &str) -> Value {
    let mut body = redacted(body);
    if let Some(data) = body["data"].as_object_mut() {
        data.remove("meta");
    }
    let base = t.server.base_url().trim_end_matches('/').to_owned();
    let encoded: String = url::form_urlencoded::byte_serialize(base.as_bytes()).collect();
    let text = body
        .to_string()
        .replace(state, "[state]")
        .replace(&encoded, "[base]")
        .replace(&base, "[base]");
    serde_json::from_str(&text).expect("JSON")
}

async fn present(t: &TestServer, step: &Value, defect: Option<&str>) -> crate::support::Reply {
    let mut request = json!({
        "requestUri": step["data"]["additionalData"]["openid4vpWalletUri"],
        "username": "thor",
    });
    if let Some(defect) = defect {
        request["defect"] = json!(defect);
    }
    t.post_json("/__mock/wallet/present", &request).await
}

#[tokio::test]
async fn a_presented_credential_signs_the_holder_in_once() {
    let t = TestServer::with_fixtures(fixtures()).await;
    let waiting = first_step(&t, "sample-wallet").await;
    let state = state_of(&waiting);
    insta::assert_json_snapshot!("openid4vp_wallet_step", shown(&t, &waiting, &state));

    // Before the wallet answers, a poll shows the same link.
    let again = step(&t, &waiting, Some("action_poll"), json!({})).await;
    assert_eq!(shown(&t, &again, &state), shown(&t, &waiting, &state));

    let presented = present(&t, &again, None).await;
    assert_eq!(presented.status, StatusCode::OK, "{}", presented.body);
    assert_json_eq(&presented.json(), &json!({}));

    let signed_in = step(&t, &again, Some("action_poll"), json!({})).await;
    assert_eq!(signed_in["flowStatus"], "COMPLETE", "{signed_in}");
    let claims = verify_assertion(&t, signed_in["assertion"].as_str().unwrap_or_default());
    assert_eq!(claims["sub"], THOR_ID);

    // The result was delivered: the state is gone, and the wallet cannot answer again.
    let status = t.get(&format!("/openid4vp/status/{state}")).await;
    assert_eq!(status.status, StatusCode::NOT_FOUND);
    insta::assert_json_snapshot!("openid4vp_unknown_state", status.json());
    let replayed = present(&t, &again, None).await;
    assert_eq!(replayed.status, StatusCode::NOT_FOUND, "{}", replayed.body);
}

#[tokio::test]
async fn the_request_object_is_signed_and_asks_for_the_definition() {
    let t = TestServer::with_fixtures(fixtures()).await;
    let waiting = first_step(&t, "sample-wallet").await;
    let state = state_of(&waiting);
    let reply = t.get(&format!("/openid4vp/request?state={state}")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header("content-type"),
        Some("application/oauth-authz-req+jwt")
    );
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let parts: Vec<&str> = reply.body.split('.').collect();
    assert_eq!(parts.len(), 3);
    let decode = |part: &str| -> Value {
        let bytes = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, part)
            .expect("base64url");
        serde_json::from_slice(&bytes).expect("JSON")
    };
    let header = decode(parts[0]);
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["typ"], "oauth-authz-req+jwt");
    assert_eq!(header["x5c"].as_array().map(Vec::len), Some(1));
    let mut claims = decode(parts[1]);
    let nonce = claims["nonce"].as_str().expect("nonce").to_owned();
    assert_eq!(nonce.len(), 43);
    for coordinate in ["x", "y"] {
        let value = &mut claims["client_metadata"]["jwks"]["keys"][0][coordinate];
        assert_eq!(value.as_str().map(str::len), Some(43));
        *value = json!("[coordinate]");
    }
    let text = claims
        .to_string()
        .replace(&state, "[state]")
        .replace(&nonce, "[nonce]")
        .replace(t.server.base_url().trim_end_matches('/'), "[base]");
    insta::assert_json_snapshot!(
        "openid4vp_request_object",
        serde_json::from_str::<Value>(&text).expect("JSON")
    );

    let missing = t.get("/openid4vp/request").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.json()["code"], "EUDI-1001");
}

#[tokio::test]
async fn a_refused_presentation_fails_the_flow_with_its_reason() {
    for (defect, reason) in [
        (
            "wrong_nonce",
            "openid4vp: invalid presentation: sdjwt: key binding claim validation failed: nonce mismatch",
        ),
        (
            "wrong_issuer_key",
            "openid4vp: invalid presentation: sdjwt: issuer signature verification failed: signature verification failed",
        ),
        (
            "expired",
            "openid4vp: untrusted credential issuer: x509: certificate has expired or is not yet valid",
        ),
        (
            "missing_claim",
            "openid4vp: mandatory claim missing: username",
        ),
    ] {
        let t = TestServer::with_fixtures(fixtures()).await;
        let waiting = first_step(&t, "sample-wallet").await;
        let refused = present(&t, &waiting, Some(defect)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{defect}");
        assert_eq!(refused.json()["code"], "EUDI-1003", "{defect}");
        let state = state_of(&waiting);
        let failed = step(&t, &waiting, Some("action_poll"), json!({})).await;
        assert_eq!(failed["flowStatus"], "ERROR", "{failed}");
        assert_eq!(
            failed["error"]["description"]["defaultValue"],
            format!("OpenID4VP presentation verification failed: {reason}"),
            "{defect}"
        );
        if defect == "wrong_nonce" {
            insta::assert_json_snapshot!(
                "openid4vp_verification_failed",
                shown(&t, &failed, &state)
            );
        }
    }
}

#[tokio::test]
async fn an_expired_request_fails_the_flow_with_fet_1078() {
    let t = TestServer::with_fixtures(fixtures()).await;
    let waiting = first_step(&t, "sample-wallet").await;
    t.server.advance(std::time::Duration::from_secs(301));
    let expired = step(&t, &waiting, Some("action_poll"), json!({})).await;
    let state = state_of(&waiting);
    insta::assert_json_snapshot!("openid4vp_expired", shown(&t, &expired, &state));
}

#[tokio::test]
async fn a_node_without_a_known_definition_fails_with_fet_1076_or_1077() {
    for (properties, code) in [
        (json!({}), "FET-1076"),
        (
            json!({"presentation_definition_id": "no-such-definition"}),
            "FET-1077",
        ),
    ] {
        let t = TestServer::with_fixtures(with_properties(properties)).await;
        let failed = first_step(&t, "sample-wallet").await;
        assert_eq!(failed["flowStatus"], "ERROR", "{failed}");
        let body = redacted(&failed);
        insta::assert_json_snapshot!(format!("openid4vp_{code}"), body);
    }
}

#[tokio::test]
async fn the_gate_shows_the_wallet_link_and_polls_until_the_wallet_answers() {
    let t = TestServer::with_fixtures(fixtures()).await;
    let (page, _) = crate::flow_gate::sign_in_page(&t, "sample-wallet", "openid").await;
    let csp = page
        .header("content-security-policy")
        .unwrap_or_default()
        .to_owned();
    let nonce = regex::Regex::new(r"'nonce-([^']+)'")
        .expect("a pattern")
        .captures(&csp)
        .map(|c| c[1].to_owned())
        .expect("a CSP nonce");
    let link = regex::Regex::new(
        r#"<a id="tid-wallet" class="tid-button tid-primary" href="([^"]+)">Open your wallet</a>"#,
    )
    .expect("a pattern")
    .captures(&page.body)
    .map(|c| c[1].replace("&amp;", "&"))
    .unwrap_or_else(|| panic!("no wallet link: {}", page.body));
    assert!(
        link.starts_with("openid4vp://?client_id=x509_san_dns%3Alocalhost&request_uri="),
        "{link}"
    );
    let script = format!(
        "<script nonce=\"{nonce}\">setTimeout(function(){{var b=document.querySelector('#tid-form button[name=\"action\"]');if(b)b.click();}},3000);</script>"
    );
    assert_eq!(page.body.matches(&script).count(), 1, "{}", page.body);

    // The page's poll before the wallet answers shows the same link again.
    let form = GateForm::parse(&page.body);
    assert_eq!(
        form.buttons,
        [("action_poll".to_owned(), "I have presented it".to_owned())]
    );
    let waiting = form.submit(&t, "action_poll", &[]).await;
    assert_eq!(waiting.status, StatusCode::OK);
    assert_eq!(waiting.body.matches(&link.replace('&', "&amp;")).count(), 2);

    let presented = t
        .post_json(
            "/__mock/wallet/present",
            &json!({"requestUri": link, "username": "thor"}),
        )
        .await;
    assert_eq!(presented.status, StatusCode::OK, "{}", presented.body);
    let done = GateForm::parse(&waiting.body)
        .submit(&t, "action_poll", &[])
        .await;
    assert_eq!(done.status, StatusCode::FOUND, "{}", done.body);
    assert!(
        done.location()
            .as_str()
            .starts_with("http://localhost:3000/callback?code="),
        "{:?}",
        done.location()
    );
}

#[tokio::test]
async fn a_wallet_posts_only_the_response_to_the_response_uri() {
    let t = TestServer::with_fixtures(fixtures()).await;
    let waiting = first_step(&t, "sample-wallet").await;
    let dry = t
        .post_json(
            "/__mock/wallet/present",
            &json!({
                "requestUri": waiting["data"]["additionalData"]["openid4vpRequestUri"],
                "username": "thor",
                "dryRun": true,
            }),
        )
        .await
        .json();
    let response_uri = dry["responseUri"].as_str().expect("a response URI");
    let state = state_of(&waiting);
    assert_eq!(
        response_uri,
        format!(
            "{}/openid4vp/response?state={state}",
            t.server.base_url().trim_end_matches('/')
        )
    );
    let response = dry["form"]["response"].as_str().expect("the JWE");
    assert_eq!(response.split('.').count(), 5, "a compact JWE");
    // Nothing was posted yet: the flow still waits.
    let still = step(&t, &waiting, Some("action_poll"), json!({})).await;
    assert_eq!(still["flowStatus"], "INCOMPLETE");

    let empty = t
        .send(t.client.post(response_uri).form(&[("other", "x")]))
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert_eq!(empty.json()["code"], "EUDI-1001");
    let posted = t
        .send(t.client.post(response_uri).form(&[("response", response)]))
        .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.body);
    assert_json_eq(&posted.json(), &json!({}));
    let signed_in = step(&t, &still, Some("action_poll"), json!({})).await;
    assert_eq!(signed_in["flowStatus"], "COMPLETE", "{signed_in}");
}

#[tokio::test]
async fn a_relying_party_initiates_and_reads_the_signed_result_once() {
    let t = TestServer::with_fixtures(fixtures()).await;
    let started = t
        .post_json("/openid4vp/initiate", &json!({"definition_id": "mock-pid"}))
        .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    let started = started.json();
    let txn = started["txn_id"].as_str().expect("a txn_id").to_owned();
    assert_eq!(started["status_url"], format!("/openid4vp/status/{txn}"));
    assert_eq!(started["expires_at"], "2026-01-01T00:05:00Z");
    let pending = t.get(&format!("/openid4vp/status/{txn}")).await;
    assert_json_eq(&pending.json(), &json!({"status": "PENDING"}));

    let presented = t
        .post_json(
            "/__mock/wallet/present",
            &json!({"requestUri": started["wallet_url"], "username": "thor"}),
        )
        .await;
    assert_eq!(presented.status, StatusCode::OK, "{}", presented.body);
    let done = t.get(&format!("/openid4vp/status/{txn}")).await.json();
    assert_eq!(done["status"], "COMPLETED");
    let mut claims = verify_assertion(&t, done["result_token"].as_str().expect("a result token"));
    assert_eq!(claims.remove("txn"), Some(json!(txn)));
    assert_eq!(
        claims.remove("aud").as_ref(),
        Some(&json!(t.server.issuer()))
    );
    insta::assert_json_snapshot!("openid4vp_result_token", claims);
    let again = t.get(&format!("/openid4vp/status/{txn}")).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}
