//! The key ring over `/__mock/keys` and the `MockServer` handle: keys of every algorithm in the
//! JWKS and discovery, rotation with overlap, retirement, rotation after n tokens, a stale JWKS,
//! fetch counts, malformed requests, and reset.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use thunderid_mock::{Activation, KeyAlgorithm, KeyRingError, KeyState};

use crate::callback::{M2M, M2M_SECRET, basic, spa_tokens};
use crate::support::{EPOCH, Reply, TestServer, assert_json_eq};
use crate::token::{introspect_active, refresh_spa};

/// The `kid` in a token's header.
fn kid_of(token: &str) -> String {
    let header = token.split('.').next().unwrap();
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

/// Random key material replaced by its name, each value first checked for its shape: base64url
/// of the expected size (EC coordinates padded to the curve), and `kid` = `x5t#S256` = the SHA-256
/// of the certificate in `x5c`.
fn redact_jwk(jwk: &Value) -> Value {
    let mut jwk = jwk.clone();
    let der = STANDARD.decode(jwk["x5c"][0].as_str().unwrap()).unwrap();
    let kid = URL_SAFE_NO_PAD.encode(Sha256::digest(&der));
    assert_eq!(jwk["kid"], json!(kid));
    assert_eq!(jwk["x5t#S256"], json!(kid));
    let size = |member: &str| {
        URL_SAFE_NO_PAD
            .decode(jwk[member].as_str().unwrap())
            .unwrap()
            .len()
    };
    let coordinate = match jwk["crv"].as_str() {
        Some("P-256" | "Ed25519") => 32,
        Some("P-384") => 48,
        Some("P-521") => 66,
        _ => 0,
    };
    for member in ["x", "y"] {
        if jwk.get(member).is_some() {
            assert_eq!(size(member), coordinate, "{member} of {jwk}");
        }
    }
    if jwk.get("n").is_some() {
        assert_eq!(size("n"), 256);
    }
    if jwk.get("pub").is_some() {
        // The raw ML-DSA-44 public key (FIPS 204).
        assert_eq!(size("pub"), 1312);
    }
    assert_eq!(size("x5t"), 20);
    for member in ["kid", "x5t#S256", "x5t", "x", "y", "n", "pub"] {
        if jwk.get(member).is_some() {
            jwk[member] = json!(format!("[{member}]"));
        }
    }
    jwk["x5c"] = json!(["[certificate]"]);
    jwk
}

async fn client_credentials(t: &TestServer, client: &str, secret: &str) -> Reply {
    t.send(
        t.client
            .post(t.url("/oauth2/token"))
            .header("authorization", basic(client, secret))
            .form(&[("grant_type", "client_credentials")]),
    )
    .await
}

async fn add_key(t: &TestServer, body: Value) -> Value {
    let reply = t.post_json("/__mock/keys", &body).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()
}

async fn userinfo_status(t: &TestServer, access_token: &str) -> u16 {
    let request = t
        .client
        .get(t.url("/oauth2/userinfo"))
        .bearer_auth(access_token);
    t.send(request).await.status.as_u16()
}

#[tokio::test]
async fn keys_are_listed_with_their_state_algorithm_and_count() {
    let t = TestServer::start().await;
    let fixture = t.server.key_id().to_owned();
    client_credentials(&t, M2M, M2M_SECRET).await;
    let es256 = add_key(&t, json!({"alg": "ES256", "activate": true})).await;
    let eddsa = add_key(&t, json!({"alg": "EdDSA", "activateAfterTokens": 3})).await;
    let token = client_credentials(&t, M2M, M2M_SECRET).await.json();
    assert_eq!(
        kid_of(token["access_token"].as_str().unwrap()),
        es256["kid"].as_str().unwrap()
    );
    let listed = t.get("/__mock/keys").await.json();
    let mut redacted = listed.clone();
    for (key, kid) in redacted.as_array_mut().unwrap().iter_mut().zip([
        fixture.as_str(),
        es256["kid"].as_str().unwrap(),
        eddsa["kid"].as_str().unwrap(),
    ]) {
        assert_eq!(key["kid"], json!(kid));
        key["kid"] = json!("[kid]");
    }
    assert_eq!(
        listed[1],
        es256
            .as_object()
            .map(|o| {
                let mut o = o.clone();
                o.insert("tokensSigned".into(), json!(1));
                Value::Object(o)
            })
            .unwrap()
    );
    insta::assert_json_snapshot!(redacted);
    let typed: Vec<_> = t
        .server
        .keys()
        .into_iter()
        .map(|k| (k.alg, k.state, k.tokens_signed))
        .collect();
    assert_eq!(
        typed,
        [
            (KeyAlgorithm::Rs256, KeyState::Published, 1),
            (KeyAlgorithm::Es256, KeyState::Active, 1),
            (KeyAlgorithm::EdDsa, KeyState::Published, 0),
        ]
    );
    assert_eq!(t.server.keys()[2].activates_after_tokens, Some(2));
}

#[tokio::test]
async fn the_jwks_lists_every_published_key_as_the_server_writes_it() {
    let t = TestServer::start().await;
    t.server
        .add_key(KeyAlgorithm::Es256, Activation::Never)
        .unwrap();
    t.server
        .add_key(KeyAlgorithm::EdDsa, Activation::Never)
        .unwrap();
    t.server
        .add_key(KeyAlgorithm::Es512, Activation::Never)
        .unwrap();
    t.server
        .add_key(KeyAlgorithm::MlDsa44, Activation::Never)
        .unwrap();
    let reply = t.get("/oauth2/jwks").await;
    assert_eq!(reply.status, 200);
    // The server's JWKS handler sets no caching header, and neither does any middleware.
    assert_eq!(reply.header("cache-control"), None);
    let jwks = reply.json();
    let keys: Vec<Value> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(redact_jwk)
        .collect();
    insta::assert_json_snapshot!(keys);
    let discovery = t.get("/.well-known/openid-configuration").await.json();
    assert_json_eq(
        &discovery["id_token_signing_alg_values_supported"],
        &json!(["RS256", "ES256", "EdDSA", "ES512", "ML-DSA-44"]),
    );
}

#[tokio::test]
async fn a_rotation_keeps_old_tokens_valid_until_their_key_is_retired() {
    let t = TestServer::start().await;
    let fixture = t.server.key_id().to_owned();
    let old = spa_tokens(&t, "openid profile").await;
    let old_access = old["access_token"].as_str().unwrap();
    let rotated = t
        .post_json("/__mock/keys/rotate", &json!({"alg": "ES384"}))
        .await;
    assert_eq!(rotated.status, 201);
    let new_kid = rotated.json()["kid"].as_str().unwrap().to_owned();
    assert_eq!(rotated.json()["state"], "active");

    // Overlap: the old key still verifies; the refresh grant answers with the new key's tokens.
    assert_eq!(userinfo_status(&t, old_access).await, 200);
    assert!(introspect_active(&t, old_access).await);
    let refreshed = refresh_spa(&t, old["refresh_token"].as_str().unwrap(), None).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    let refreshed = refreshed.json();
    assert_eq!(kid_of(refreshed["access_token"].as_str().unwrap()), new_kid);
    assert_eq!(kid_of(refreshed["id_token"].as_str().unwrap()), new_kid);
    let jwks = t.get("/oauth2/jwks").await.json();
    assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(2));

    // Retiring the active key is refused; retiring the old one ends its tokens.
    let active = t
        .post_json(&format!("/__mock/keys/{new_kid}/retire"), &json!({}))
        .await;
    assert_eq!(active.status, 409);
    assert_eq!(
        active.body,
        format!("kid: {new_kid} is the active key; activate another key before retiring it\n")
    );
    let retired = t
        .post_json(&format!("/__mock/keys/{fixture}/retire"), &json!({}))
        .await;
    assert_eq!(retired.status, 200);
    assert_eq!(retired.json()["state"], "retired");
    assert_eq!(userinfo_status(&t, old_access).await, 401);
    assert!(!introspect_active(&t, old_access).await);
    assert_eq!(
        userinfo_status(&t, refreshed["access_token"].as_str().unwrap()).await,
        200
    );
    let jwks = t.get("/oauth2/jwks").await.json();
    assert_eq!(jwks["keys"][0]["kid"], json!(new_kid));
    assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(1));

    // Back to the fixture key: it was retired, so it cannot sign again.
    let again = t
        .post_json(&format!("/__mock/keys/{fixture}/activate"), &json!({}))
        .await;
    assert_eq!(
        (again.status.as_u16(), again.body),
        (
            409,
            format!("kid: {fixture} is retired and cannot sign again\n")
        )
    );
}

#[tokio::test]
async fn an_armed_key_signs_from_the_n_plus_first_token() {
    let t = TestServer::start().await;
    let fixture = t.server.key_id().to_owned();
    let armed = add_key(&t, json!({"alg": "RS256", "activateAfterTokens": 2})).await;
    assert_eq!(armed["activatesAfterTokens"], 2);
    let mut kids = Vec::new();
    for _ in 0..3 {
        let reply = client_credentials(&t, M2M, M2M_SECRET).await;
        kids.push(kid_of(reply.json()["access_token"].as_str().unwrap()));
    }
    assert_eq!(
        kids,
        [
            fixture.clone(),
            fixture,
            armed["kid"].as_str().unwrap().to_owned()
        ]
    );
    let listed = t.get("/__mock/keys").await.json();
    assert_eq!(listed[1]["state"], "active");
    assert_eq!(listed[1].get("activatesAfterTokens"), None);
}

#[tokio::test]
async fn a_stale_jwks_answers_n_fetches_and_fetches_are_counted_per_client() {
    let t = TestServer::start().await;
    let fixture = t.server.key_id().to_owned();
    let added = t.server.rotate_key(KeyAlgorithm::Es256).unwrap();
    assert_eq!(
        t.post_json("/__mock/keys/stale-jwks", &json!({"fetches": 1}))
            .await
            .status,
        204
    );
    let t = &t;
    let fetch = |agent: &'static str| {
        let request = t
            .client
            .get(t.url("/oauth2/jwks"))
            .header("user-agent", agent);
        async move { t.send(request).await.json() }
    };
    let kids = |jwks: Value| -> Vec<String> {
        jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(kids(fetch("sdk-a").await), std::slice::from_ref(&fixture));
    assert_eq!(kids(fetch("sdk-a").await), [fixture, added.kid]);
    fetch("sdk-b").await;
    let counts = t.get("/__mock/keys/fetches").await.json();
    assert_eq!(counts["total"], 3);
    assert_json_eq(&counts["byUserAgent"], &json!({"sdk-a": 2, "sdk-b": 1}));
    let peers: u64 = counts["byPeer"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(peers, 3);
    assert!(
        counts["byPeer"]
            .as_object()
            .unwrap()
            .keys()
            .all(|peer| peer.starts_with("127.0.0.1:"))
    );
    let typed = t.server.jwks_fetches();
    assert_eq!(
        (typed.total, typed.by_user_agent.get("sdk-b")),
        (3, Some(&1))
    );
}

#[tokio::test]
async fn malformed_key_requests_are_refused_naming_the_field() {
    let t = TestServer::start().await;
    for (path, body, status, message) in [
        ("/__mock/keys", "[]", 400, "key: must be a JSON object"),
        ("/__mock/keys", "{", 400, "key: invalid JSON body"),
        ("/__mock/keys", "{}", 400, "alg: is required"),
        (
            "/__mock/keys",
            r#"{"alg":"HS256"}"#,
            400,
            "alg: must be one of RS256, ES256, ES384, ES512, EdDSA, ML-DSA-44, ML-DSA-65, ML-DSA-87",
        ),
        (
            "/__mock/keys",
            r#"{"alg":"none"}"#,
            400,
            "alg: must be one of RS256, ES256, ES384, ES512, EdDSA, ML-DSA-44, ML-DSA-65, ML-DSA-87",
        ),
        (
            "/__mock/keys",
            r#"{"alg":"ES256","activate":"yes"}"#,
            400,
            "activate: must be a boolean",
        ),
        (
            "/__mock/keys",
            r#"{"alg":"ES256","activateAfterTokens":-1}"#,
            400,
            "activateAfterTokens: must be a non-negative integer",
        ),
        (
            "/__mock/keys",
            r#"{"alg":"ES256","activate":true,"activateAfterTokens":2}"#,
            400,
            "activateAfterTokens: cannot be given with activate: true",
        ),
        (
            "/__mock/keys",
            r#"{"alg":"ES256","colour":"red"}"#,
            400,
            "colour: unknown field",
        ),
        (
            "/__mock/keys/rotate",
            r#"{"alg":5}"#,
            400,
            "alg: must be one of RS256, ES256, ES384, ES512, EdDSA, ML-DSA-44, ML-DSA-65, ML-DSA-87",
        ),
        ("/__mock/keys/stale-jwks", "{}", 400, "fetches: is required"),
        (
            "/__mock/keys/stale-jwks",
            r#"{"fetches":"2"}"#,
            400,
            "fetches: must be a non-negative integer",
        ),
        ("/__mock/keys/nope/activate", "", 404, "kid: no key nope"),
        ("/__mock/keys/nope/retire", "", 404, "kid: no key nope"),
    ] {
        let request = t
            .client
            .post(t.url(path))
            .header("content-type", "application/json")
            .body(body);
        let reply = t.send(request).await;
        assert_eq!(
            (reply.status.as_u16(), reply.body.as_str()),
            (status, format!("{message}\n").as_str()),
            "{path} {body}"
        );
    }
    // Nothing was added by the refused requests.
    assert_eq!(t.server.keys().len(), 1);
    assert_eq!(
        t.server.retire_key(t.server.key_id()),
        Err(KeyRingError::RetiringActive(t.server.key_id().to_owned()))
    );
}

#[tokio::test]
async fn reset_restores_the_fixture_key_and_servers_do_not_share_keys() {
    let t = TestServer::start().await;
    let other = TestServer::start().await;
    let fixture = t.server.key_id().to_owned();
    let added = t.server.rotate_key(KeyAlgorithm::EdDsa).unwrap();
    t.server.stale_jwks(3);
    t.get("/oauth2/jwks").await;
    let foreign = client_credentials(&t, M2M, M2M_SECRET).await.json();
    assert_eq!(other.server.keys().len(), 1);
    assert_eq!(
        other.get("/oauth2/jwks").await.json()["keys"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(t.post_json("/__mock/reset", &json!({})).await.status, 204);
    let listed = t.get("/__mock/keys").await.json();
    assert_json_eq(
        &listed,
        &json!([{"kid": fixture, "alg": "RS256", "state": "active", "createdAt": EPOCH, "tokensSigned": 0}]),
    );
    let jwks = t.get("/oauth2/jwks").await.json();
    assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(1));
    assert_eq!(t.server.jwks_fetches().total, 1);
    let access = foreign["access_token"].as_str().unwrap();
    assert_eq!(kid_of(access), added.kid);
    assert!(t.server.verify(access).is_err());
}
