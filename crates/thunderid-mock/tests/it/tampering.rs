//! Token tampering rules: the next n tokens of a kind are forged, each in the way its name says;
//! the mock itself refuses them; UserInfo can answer another `sub`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use thunderid_mock::{FaultAction, FaultRule, RequestFilter, Tamper, TokenKind};

use crate::callback::{SPA, spa_tokens};
use crate::support::{EPOCH, TestServer};

fn parts(token: &str) -> (Map<String, Value>, Map<String, Value>, String) {
    let mut segments = token.split('.');
    let mut decode = || -> Map<String, Value> {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segments.next().unwrap()).unwrap()).unwrap()
    };
    let (header, claims) = (decode(), decode());
    (header, claims, segments.next().unwrap().to_owned())
}

/// Whether a forged token's header, claims and signature show the tamper.
type Check = Box<dyn Fn(&Map<String, Value>, &Map<String, Value>, &str) -> bool>;

#[tokio::test]
async fn every_tamper_changes_the_id_token_as_named_and_only_the_next_n() {
    let t = TestServer::start().await;
    let kid = t.server.key_id().to_owned();
    let expect: Vec<(&str, Check)> = vec![
        (
            "alg_none",
            Box::new(|h, _, s| h["alg"] == "none" && s.is_empty()),
        ),
        (
            "hs256_public_key",
            Box::new(|h, _, s| h["alg"] == "HS256" && s.len() == 43),
        ),
        ("bad_signature", Box::new(|h, _, _| h["alg"] == "RS256")),
        ("unknown_kid", Box::new(|h, _, _| h["kid"] == "unknown-key")),
        ("missing_kid", Box::new(|h, _, _| !h.contains_key("kid"))),
        (
            "wrong_iss",
            Box::new(|_, c, _| c["iss"].as_str().unwrap().ends_with("/elsewhere")),
        ),
        (
            "wrong_aud",
            Box::new(|_, c, _| c["aud"] == "another-client"),
        ),
        (
            "extra_aud_without_azp",
            Box::new(|_, c, _| {
                c["aud"] == json!([SPA, "another-client"]) && !c.contains_key("azp")
            }),
        ),
        (
            "expired",
            Box::new(|_, c, _| c["exp"] == json!(EPOCH - 3600)),
        ),
        (
            "iat_future",
            Box::new(|_, c, _| c["iat"] == json!(EPOCH + 3600)),
        ),
        (
            "nbf_ahead",
            Box::new(|_, c, _| c["nbf"] == json!(EPOCH + 3600)),
        ),
        (
            "missing_nonce",
            Box::new(|_, c, _| !c.contains_key("nonce")),
        ),
        (
            "wrong_nonce",
            Box::new(|_, c, _| c["nonce"] == "a-nonce-never-sent"),
        ),
        (
            "wrong_at_hash",
            Box::new(|_, c, _| c["at_hash"] == "AAAAAAAAAAAAAAAAAAAAAA"),
        ),
        (
            "wrong_c_hash",
            Box::new(|_, c, _| c["c_hash"] == "AAAAAAAAAAAAAAAAAAAAAA"),
        ),
        ("wrong_typ", Box::new(|h, _, _| h["typ"] == "at+jwt")),
    ];
    for (tamper, holds) in &expect {
        let reply = t
            .post_json(
                "/__mock/faults",
                &json!({"clientId": SPA, "times": 1,
                    "action": {"type": "tamper", "token": "id_token", "tamper": tamper}}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        let tokens = spa_tokens(&t, "openid profile").await;
        let id_token = tokens["id_token"].as_str().unwrap();
        let (header, claims, signature) = parts(id_token);
        assert!(
            holds(&header, &claims, &signature),
            "{tamper}: {header:?} {claims:?}"
        );
        // The mock never accepts what it forged: wrong signatures fail, re-signed ones are denied.
        assert!(
            t.server.verify(id_token).is_err() || tamper_is_claims_only(tamper),
            "{tamper}"
        );
        // The access token of the same answer is untouched.
        assert!(
            t.server
                .verify(tokens["access_token"].as_str().unwrap())
                .is_ok()
        );
        let (header, _, _) = parts(tokens["access_token"].as_str().unwrap());
        assert_eq!(header["kid"], json!(kid));
    }
    // Spent: the next sign-in's ID token verifies.
    let tokens = spa_tokens(&t, "openid profile").await;
    assert!(
        t.server
            .verify(tokens["id_token"].as_str().unwrap())
            .is_ok()
    );
    let journal = t.server.requests(&RequestFilter::path("/oauth2/token"));
    let tampered = journal
        .iter()
        .filter(|e| e.fault.as_ref().is_some_and(|f| f.action == "tamper"))
        .count();
    assert_eq!((journal.len(), tampered), (expect.len() + 1, expect.len()));
}

fn tamper_is_claims_only(tamper: &str) -> bool {
    !matches!(
        tamper,
        "alg_none" | "hs256_public_key" | "bad_signature" | "wrong_iss" | "expired" | "nbf_ahead"
    )
}

#[tokio::test]
async fn a_forged_access_or_refresh_token_is_refused_by_the_mock_itself() {
    let t = TestServer::start().await;
    t.server
        .add_fault(
            FaultRule::new(FaultAction::Tamper {
                token: TokenKind::AccessToken,
                tamper: Tamper::WrongAudience,
            })
            .once(),
        )
        .unwrap();
    let tokens = spa_tokens(&t, "openid profile").await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(parts(access).1["aud"], "another-client");
    let userinfo = t
        .send(t.client.get(t.url("/oauth2/userinfo")).bearer_auth(access))
        .await;
    assert_eq!(userinfo.status, 401, "{}", userinfo.body);
    // One rule applies per answer: the refresh token comes from the next sign-in.
    t.server
        .add_fault(
            FaultRule::new(FaultAction::Tamper {
                token: TokenKind::RefreshToken,
                tamper: Tamper::UnknownKid,
            })
            .once(),
        )
        .unwrap();
    let tokens = spa_tokens(&t, "openid profile").await;
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert_eq!(parts(refresh).0["kid"], "unknown-key");
    let reply = t
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh),
                ("client_id", SPA),
            ],
        )
        .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn userinfo_can_answer_a_sub_that_is_not_the_id_tokens() {
    let t = TestServer::start().await;
    let reply = t
        .post_json(
            "/__mock/faults",
            &json!({"action": {"type": "userinfo_sub_mismatch"}, "times": 1}),
        )
        .await;
    assert_eq!(reply.status, 201);
    let tokens = spa_tokens(&t, "openid profile").await;
    let (_, id_claims, _) = parts(tokens["id_token"].as_str().unwrap());
    let access = tokens["access_token"].as_str().unwrap();
    let userinfo = |token: &str| {
        t.client
            .get(t.url("/oauth2/userinfo"))
            .bearer_auth(token.to_owned())
    };
    let first = t.send(userinfo(access)).await;
    assert_eq!(first.status, 200);
    assert_eq!(
        first.json()["sub"],
        format!(
            "{}-not-the-id-token-sub",
            id_claims["sub"].as_str().unwrap()
        )
    );
    let second = t.send(userinfo(access)).await.json();
    assert_eq!(second["sub"], id_claims["sub"]);
    let view = &t.server.faults()[0];
    assert_eq!((view.seen, view.applied), (2, 1));
}
