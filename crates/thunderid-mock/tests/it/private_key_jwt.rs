//! `private_key_jwt` client authentication (`O2/clientauth/clientauth.go` `validateClientAssertion`):
//! a client registered over the application API with an inline JWKS (RS256 and ES256 keys) gets a
//! `client_credentials` token with a signed assertion, and every refusal answers the same
//! `invalid_client` error.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::pkcs8::EncodePrivateKey as _;
use reqwest::Method;

use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

use crate::organizations::{admin, call};
use crate::support::{EPOCH, Reply, TestServer, assert_json_eq};

const DEFAULT_OU: &str = "01900000-0000-7000-8000-000000000001";
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const CLIENT: &str = "pkjwt-client";

/// A client's key pair: its signing key and its public JWK.
struct ClientKey {
    kid: &'static str,
    alg: Algorithm,
    encoding: EncodingKey,
    jwk: Value,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn rsa_key(kid: &'static str) -> ClientKey {
    let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let pem = key.to_pkcs8_pem(rsa::pkcs8::LineEnding::LF).unwrap();
    ClientKey {
        kid,
        alg: Algorithm::RS256,
        encoding: EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
        jwk: json!({"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
            "n": b64(&key.n().to_bytes_be()), "e": b64(&key.e().to_bytes_be())}),
    }
}

fn ec_key(kid: &'static str) -> ClientKey {
    let key = p256::ecdsa::SigningKey::random(&mut rand::rngs::OsRng);
    let pem = key.to_pkcs8_pem(p256::pkcs8::LineEnding::LF).unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    ClientKey {
        kid,
        alg: Algorithm::ES256,
        encoding: EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
        jwk: json!({"kty": "EC", "kid": kid, "crv": "P-256",
            "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap())}),
    }
}

impl ClientKey {
    fn sign(&self, claims: &Value) -> String {
        self.sign_as(self.kid, claims)
    }

    fn sign_as(&self, kid: &str, claims: &Value) -> String {
        let mut header = Header::new(self.alg);
        header.kid = Some(kid.to_owned());
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap()
    }
}

/// The claims a good assertion of `CLIENT` carries, with `jti`.
fn claims(t: &TestServer, jti: &str) -> Value {
    json!({"iss": CLIENT, "sub": CLIENT, "aud": t.server.issuer(), "jti": jti,
        "iat": EPOCH, "exp": EPOCH + 300})
}

/// Register `CLIENT` over the application API with an inline JWKS of `keys`.
async fn register(t: &TestServer, client_id: &str, keys: &[&ClientKey]) {
    let jwks = json!({"keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()});
    register_with(
        t,
        client_id,
        json!({"type": "JWKS", "value": jwks.to_string()}),
    )
    .await;
}

/// Register `client_id` over the application API with `certificate`.
async fn register_with(t: &TestServer, client_id: &str, certificate: Value) {
    let app = json!({"name": client_id, "type": "m2m", "ouId": DEFAULT_OU,
        "inboundAuthConfig": [{"type": "oauth2", "config": {
            "clientId": client_id, "grantTypes": ["client_credentials"],
            "tokenEndpointAuthMethod": "private_key_jwt",
            "certificate": certificate}}]});
    let reply = call(
        t,
        Method::POST,
        "/applications",
        Some(admin(t).as_str()),
        Some(&app),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
}

async fn token(t: &TestServer, extra: &[(&str, &str)]) -> Reply {
    let mut form = vec![("grant_type", "client_credentials")];
    form.extend_from_slice(extra);
    t.post_form("/oauth2/token", &form).await
}

async fn with_assertion(t: &TestServer, assertion: &str) -> Reply {
    token(
        t,
        &[
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", assertion),
        ],
    )
    .await
}

#[track_caller]
fn assert_invalid_assertion(reply: &Reply, case: &str) {
    assert_eq!(reply.status, 401, "{case}: {reply:?}");
    assert_json_eq(
        &reply.json(),
        &json!({"error": "invalid_client", "error_description": "Invalid client assertion"}),
    );
    assert_eq!(reply.header("www-authenticate"), None, "{case}");
}

#[tokio::test]
async fn rs256_and_es256_assertions_get_client_credentials_tokens() {
    let t = TestServer::start().await;
    let (rsa, ec) = (rsa_key("rsa-1"), ec_key("ec-1"));
    register(&t, CLIENT, &[&rsa, &ec]).await;
    for (key, jti) in [(&rsa, "jti-rsa"), (&ec, "jti-ec")] {
        let reply = with_assertion(&t, &key.sign(&claims(&t, jti))).await;
        assert_eq!(reply.status, 200, "{jti}: {}", reply.body);
        let body = reply.json();
        assert_eq!(body["token_type"], "Bearer");
        let access = body["access_token"].as_str().unwrap();
        let payload = access.split('.').nth(1).unwrap();
        let payload: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        assert_eq!(payload["client_id"], CLIENT);
    }
    // A matching client_id in the body is accepted; the assertion's `nbf` within the leeway too.
    let mut early = claims(&t, "jti-nbf");
    early["nbf"] = json!(EPOCH + 30);
    let assertion = rsa.sign(&early);
    let reply = token(
        &t,
        &[
            ("client_id", CLIENT),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", &assertion),
        ],
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[tokio::test]
async fn every_refused_assertion_answers_invalid_client() {
    let t = TestServer::start().await;
    let (rsa, ec) = (rsa_key("rsa-1"), ec_key("ec-1"));
    register(&t, CLIENT, &[&rsa, &ec]).await;
    let issuer = t.server.issuer().to_owned();
    let with = |jti: &str, change: &dyn Fn(&mut Value)| {
        let mut c = claims(&t, jti);
        change(&mut c);
        c
    };
    let cases: Vec<(&str, String)> = vec![
        (
            "aud another server",
            rsa.sign(&with("j1", &|c| c["aud"] = json!("https://other.example"))),
        ),
        (
            "aud an array",
            rsa.sign(&with("j2", &|c| c["aud"] = json!([issuer.clone()]))),
        ),
        (
            "expired (exp + leeway passed)",
            rsa.sign(&with("j3", &|c| c["exp"] = json!(EPOCH - 30))),
        ),
        (
            "no exp",
            rsa.sign(&with("j4", &|c| {
                c.as_object_mut().unwrap().remove("exp");
            })),
        ),
        (
            "not yet valid",
            rsa.sign(&with("j5", &|c| c["nbf"] = json!(EPOCH + 31))),
        ),
        (
            "iss another client",
            rsa.sign(&with("j6", &|c| c["iss"] = json!("someone-else"))),
        ),
        (
            "missing jti",
            rsa.sign(&with("", &|c| {
                c.as_object_mut().unwrap().remove("jti");
            })),
        ),
        ("empty jti", rsa.sign(&with("", &|_| {}))),
        ("unknown kid", rsa.sign_as("rsa-2", &claims(&t, "j7"))),
        // The EC key's kid on an RS256 signature: the key type does not fit the alg.
        (
            "key of another type",
            rsa.sign_as("ec-1", &claims(&t, "j8")),
        ),
        ("bad signature", {
            let good = rsa.sign(&claims(&t, "j9"));
            let (head, _) = good.rsplit_once('.').unwrap();
            let other = ec.sign(&claims(&t, "j9"));
            format!("{head}.{}", other.rsplit_once('.').unwrap().1)
        }),
        ("tampered claims", {
            let good = rsa.sign(&claims(&t, "j10"));
            let parts: Vec<&str> = good.split('.').collect();
            let forged = b64(with("j10", &|c| c["exp"] = json!(EPOCH + 9_999))
                .to_string()
                .as_bytes());
            format!("{}.{forged}.{}", parts[0], parts[2])
        }),
    ];
    for (case, assertion) in &cases {
        assert_invalid_assertion(&with_assertion(&t, assertion).await, case);
    }
    // A wrong assertion type is refused before the assertion is read.
    let good = rsa.sign(&claims(&t, "j11"));
    let reply = token(
        &t,
        &[
            ("client_assertion_type", "urn:example:other"),
            ("client_assertion", &good),
        ],
    )
    .await;
    assert_invalid_assertion(&reply, "wrong type");
    // None of the refused ones used up its jti: the good assertion with one of them still passes.
    let reply = with_assertion(&t, &rsa.sign(&claims(&t, "j7"))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[tokio::test]
async fn a_jti_is_single_use_until_the_assertion_expires() {
    let t = TestServer::start().await;
    let ec = ec_key("ec-1");
    register(&t, CLIENT, &[&ec]).await;
    let assertion = ec.sign(&claims(&t, "once"));
    assert_eq!(with_assertion(&t, &assertion).await.status, 200);
    let reply = with_assertion(&t, &assertion).await;
    insta::assert_json_snapshot!("private_key_jwt_replayed_jti", reply.json());
    assert_invalid_assertion(&reply, "replayed");
    // Another assertion with the same jti is a replay too, whatever else it says.
    let mut other = claims(&t, "once");
    other["exp"] = json!(EPOCH + 600);
    assert_invalid_assertion(&with_assertion(&t, &ec.sign(&other)).await, "same jti");
    // Past exp + leeway the jti is forgotten, and a fresh assertion may reuse it.
    t.server
        .advance(std::time::Duration::from_secs(300 + 30 + 1));
    let mut fresh = claims(&t, "once");
    fresh["exp"] = json!(EPOCH + 900);
    assert_eq!(with_assertion(&t, &ec.sign(&fresh)).await.status, 200);
}

#[tokio::test]
async fn clients_that_do_not_match_the_assertion_are_refused() {
    let t = TestServer::start().await;
    let rsa = rsa_key("rsa-1");
    register(&t, CLIENT, &[&rsa]).await;
    let assertion = rsa.sign(&claims(&t, "j1"));
    // A client_id in the body that is not the assertion's sub.
    let reply = token(
        &t,
        &[
            ("client_id", "sample-m2m"),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", &assertion),
        ],
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_json_eq(
        &reply.json(),
        &json!({"error": "invalid_request", "error_description":
            "client_id in request body does not match client_id from authentication credentials"}),
    );
    // A secret client presenting an assertion (signed by a key it never registered).
    let mut theirs = claims(&t, "j2");
    theirs["sub"] = json!("sample-m2m");
    theirs["iss"] = json!("sample-m2m");
    let reply = with_assertion(&t, &rsa.sign(&theirs)).await;
    assert_eq!(reply.status, 400);
    assert_json_eq(
        &reply.json(),
        &json!({"error": "unauthorized_client", "error_description":
            "Client is not allowed to use the specified authentication method"}),
    );
    // The private_key_jwt client presenting a secret instead.
    let reply = token(&t, &[("client_id", CLIENT), ("client_secret", "guess")]).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.json()["error"], "unauthorized_client");
    // An unknown sub.
    let mut unknown = claims(&t, "j3");
    unknown["sub"] = json!("nobody");
    let reply = with_assertion(&t, &rsa.sign(&unknown)).await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.json()["error_description"],
        "Invalid client credentials"
    );
}

/// A loopback JWKS endpoint serving `jwks` at `/jwks` (404 elsewhere), counting its calls.
async fn serve_jwks(jwks: Value) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().route(
        "/jwks",
        axum::routing::get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let jwks = jwks.clone();
            async move { axum::Json(jwks) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), hits)
}

async fn register_uri(t: &TestServer, client_id: &str, uri: &str) {
    register_with(t, client_id, json!({"type": "JWKS_URI", "value": uri})).await;
}

fn claims_of(t: &TestServer, client_id: &str, jti: &str) -> Value {
    let mut c = claims(t, jti);
    c["sub"] = json!(client_id);
    c["iss"] = json!(client_id);
    c
}

#[tokio::test]
async fn a_jwks_uri_is_fetched_through_the_outbound_client_and_cached_for_five_minutes() {
    let t = TestServer::start().await;
    let ec = ec_key("ec-uri");
    let (base, hits) = serve_jwks(json!({"keys": [ec.jwk.clone()]})).await;
    register_uri(&t, "uri-client", &format!("{base}/jwks")).await;
    for jti in ["u1", "u2"] {
        let reply = with_assertion(&t, &ec.sign(&claims_of(&t, "uri-client", jti))).await;
        assert_eq!(reply.status, 200, "{jti}: {}", reply.body);
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "the second used the cached set"
    );
    t.server.advance(std::time::Duration::from_secs(300));
    let mut late = claims_of(&t, "uri-client", "u3");
    late["exp"] = json!(EPOCH + 900);
    assert_eq!(with_assertion(&t, &ec.sign(&late)).await.status, 200);
    assert_eq!(hits.load(Ordering::SeqCst), 2, "fetched again once stale");
    // A kid the set does not hold is refused after the (cached) fetch.
    let mut other = claims_of(&t, "uri-client", "u4");
    other["exp"] = json!(EPOCH + 900);
    assert_invalid_assertion(
        &with_assertion(&t, &ec.sign_as("nope", &other)).await,
        "kid",
    );
}

#[tokio::test]
async fn a_jwks_uri_that_cannot_be_fetched_refuses_the_assertion() {
    let t = TestServer::start().await;
    let rsa = rsa_key("rsa-1");
    let (base, _) = serve_jwks(json!({"keys": [rsa.jwk.clone()]})).await;
    // A 404, and a host the mock may not call (only loopback unless allowed).
    register_uri(&t, "missing", &format!("{base}/gone")).await;
    register_uri(&t, "remote", "https://keys.example/jwks").await;
    for client in ["missing", "remote"] {
        let reply = with_assertion(&t, &rsa.sign(&claims_of(&t, client, client))).await;
        assert_invalid_assertion(&reply, client);
    }
}

#[tokio::test]
async fn a_client_registered_over_dcr_with_its_jwks_authenticates_with_an_assertion() {
    let t = TestServer::start().await;
    let ec = ec_key("ec-dcr");
    let token = t
        .server
        .mint_access_token(crate::organizations::ADMIN, "sample-spa", &["system"]);
    let body = json!({"client_name": "dcr-pkjwt", "grant_types": ["client_credentials"],
        "token_endpoint_auth_method": "private_key_jwt", "jwks": {"keys": [ec.jwk.clone()]}});
    let reply = t
        .send(
            t.client
                .post(t.url("/oauth2/dcr/register"))
                .bearer_auth(token)
                .json(&body),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let registered = reply.json();
    assert_eq!(registered["token_endpoint_auth_method"], "private_key_jwt");
    assert_eq!(registered["jwks"], json!({"keys": [ec.jwk.clone()]}));
    assert!(registered.get("client_secret").is_none(), "{registered}");
    let client_id = registered["client_id"].as_str().unwrap();
    let mut c = claims(&t, "dcr-1");
    c["sub"] = json!(client_id);
    c["iss"] = json!(client_id);
    let reply = with_assertion(&t, &ec.sign(&c)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[tokio::test]
async fn an_agents_private_key_jwt_client_authenticates_as_the_agent() {
    let t = TestServer::start().await;
    let rsa = rsa_key("agent-rsa");
    let jwks = json!({"keys": [rsa.jwk.clone()]});
    let agent = json!({"name": "Signer agent", "type": "default", "ouId": DEFAULT_OU,
        "inboundAuthConfig": [{"type": "oauth2", "config": {
            "clientId": "signer-agent", "tokenEndpointAuthMethod": "private_key_jwt",
            "certificate": {"type": "JWKS", "value": jwks.to_string()}}}]});
    let reply = call(
        &t,
        Method::POST,
        "/agents",
        Some(admin(&t).as_str()),
        Some(&agent),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let agent_id = reply.json()["id"].as_str().unwrap().to_owned();
    let reply = with_assertion(&t, &rsa.sign(&claims_of(&t, "signer-agent", "a1"))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let access = reply.json()["access_token"].as_str().unwrap().to_owned();
    let payload = access.split('.').nth(1).unwrap();
    let payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!(payload["sub"], agent_id.as_str());
    // The same assertion again is a replay, for agents as for applications.
    let reply = with_assertion(&t, &rsa.sign(&claims_of(&t, "signer-agent", "a1"))).await;
    assert_invalid_assertion(&reply, "agent replay");
}
