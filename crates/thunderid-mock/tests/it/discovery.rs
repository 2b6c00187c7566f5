//! Discovery documents and the JWKS: the real server's default documents, the WSO2 aliases and the
//! tenant prefix, and a JWKS against which the server's tokens verify.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use thunderid_mock::MockServer;
use thunderid_mock::TokenType;

use crate::support::{EPOCH, TestServer, assert_json_eq};

/// Every string that starts with the server's base URL, with the base URL replaced by `[base]`,
/// after checking the base URL is a loopback address with a port.
pub(crate) fn redact_base(value: Value, base: &str) -> Value {
    let port = base
        .strip_prefix("http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected base URL {base}"));
    assert!(
        !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()),
        "unexpected base URL {base}"
    );
    redact(value, base)
}

fn redact(value: Value, base: &str) -> Value {
    match value {
        Value::String(text) => match text.strip_prefix(base) {
            Some(rest) => Value::String(format!("[base]{rest}")),
            None => Value::String(text),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(|v| redact(v, base)).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, redact(v, base))).collect())
        }
        other => other,
    }
}

/// The server's default documents as its code writes them, checked in with their sources.
const EXPECTED: &str = include_str!("expected/discovery.json");

/// A JSON object's members in the order they came (serde_json's map sorts them).
struct Ordered(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Ordered, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, Value>()? {
                    members.push(member);
                }
                Ok(Ordered(members))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// The server's document with `{base}` filled in, minus what the mock does not serve: the
/// expectation, in the server's member order.
fn expected_document(base: &str, oidc: bool) -> Vec<(String, Value)> {
    let expected: Value = serde_json::from_str(EXPECTED).expect("expected/discovery.json");
    let mut sections = vec![&expected["authorization_server"]];
    if oidc {
        sections.push(&expected["openid_provider"]);
    }
    let mut members: Vec<(String, Value)> = Vec::new();
    for pair in sections
        .iter()
        .flat_map(|s| s.as_array().into_iter().flatten())
    {
        let name = pair[0].as_str().expect("a member name").to_owned();
        let value = match &pair[1] {
            Value::String(text) => Value::String(text.replace("{base}", base)),
            other => other.clone(),
        };
        members.push((name, value));
    }
    for omitted in expected["not_served_by_the_mock"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let member = omitted["member"].as_str().expect("member");
        assert!(
            !omitted["reason"].as_str().unwrap_or_default().is_empty(),
            "{member} needs a reason"
        );
        match omitted["values"].as_array() {
            None => members.retain(|(name, _)| name != member),
            Some(values) => {
                for (_, value) in members.iter_mut().filter(|(name, _)| name == member) {
                    if let Value::Array(items) = value {
                        items.retain(|item| !values.contains(item));
                    }
                }
            }
        }
    }
    members
}

/// Member by member, in order; the members the server writes in a random order compare as sets.
#[track_caller]
fn assert_document(body: &str, expected: &[(String, Value)]) {
    let actual: Ordered = serde_json::from_str(body).expect("a JSON object");
    let names =
        |members: &[(String, Value)]| members.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&actual.0), names(expected), "members and their order");
    let random: Value = serde_json::from_str(EXPECTED).expect("expected/discovery.json");
    for ((name, actual), (_, expected)) in actual.0.iter().zip(expected) {
        let sorted = |value: &Value| {
            let mut items = value.as_array().cloned().unwrap_or_default();
            items.sort_by_key(|v| v.to_string());
            items
        };
        if random["random_order"].get(name).is_some() {
            assert_eq!(sorted(actual), sorted(expected), "{name}");
        } else {
            assert_eq!(actual, expected, "{name}");
        }
    }
}

#[tokio::test]
async fn openid_configuration_is_the_real_servers_default_document_as_served() {
    let t = TestServer::start().await;
    let reply = t.get("/.well-known/openid-configuration").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert!(
        reply.body.ends_with("}\n"),
        "encoded like Go's json.Encoder: {:?}",
        reply.body
    );
    assert_document(&reply.body, &expected_document(t.server.base_url(), true));
    assert_eq!(reply.json()["issuer"], json!(t.server.issuer()));
}

#[tokio::test]
async fn authorization_server_metadata_is_the_real_servers_without_oidc_members() {
    let t = TestServer::start().await;
    let reply = t.get("/.well-known/oauth-authorization-server").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_document(&reply.body, &expected_document(t.server.base_url(), false));
}

#[tokio::test]
async fn every_advertised_endpoint_answers() {
    let t = TestServer::start().await;
    let document = t.get("/.well-known/openid-configuration").await.json();
    for (member, method) in [
        ("authorization_endpoint", reqwest::Method::GET),
        ("token_endpoint", reqwest::Method::POST),
        ("jwks_uri", reqwest::Method::GET),
        ("registration_endpoint", reqwest::Method::POST),
        ("revocation_endpoint", reqwest::Method::POST),
        ("introspection_endpoint", reqwest::Method::POST),
        (
            "pushed_authorization_request_endpoint",
            reqwest::Method::POST,
        ),
        ("backchannel_authentication_endpoint", reqwest::Method::POST),
        ("userinfo_endpoint", reqwest::Method::GET),
        ("end_session_endpoint", reqwest::Method::GET),
    ] {
        let url = document[member]
            .as_str()
            .unwrap_or_else(|| panic!("{member}"))
            .to_owned();
        let reply = t.send(t.client.request(method, url)).await;
        assert_ne!(reply.body, "404 page not found\n", "{member} is served");
    }
}

#[tokio::test]
async fn a_server_that_requires_par_says_so_in_both_documents() {
    let mut fixtures = thunderid_mock::Fixtures::bundled();
    fixtures.server.oauth.par.require_par = true;
    let t = TestServer::with(MockServer::builder().fixtures(fixtures)).await;
    for path in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ] {
        let document = t.get(path).await.json();
        assert_eq!(
            document["require_pushed_authorization_requests"],
            json!(true),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_wso2_discovery_path_serves_the_same_document() {
    let t = TestServer::start().await;
    let canonical = t.get("/.well-known/openid-configuration").await;
    let alias = t
        .get("/oauth2/token/.well-known/openid-configuration")
        .await;
    assert_eq!(alias.status, 200);
    assert_eq!(alias.header("content-type"), Some("application/json"));
    assert_eq!(alias.body, canonical.body);
}

#[tokio::test]
async fn tenant_prefixed_discovery_advertises_the_tenant_served_endpoints_under_the_same_issuer() {
    let t = TestServer::start().await;
    let reply = t
        .get("/t/carbon.super/oauth2/token/.well-known/openid-configuration")
        .await;
    assert_eq!(reply.status, 200);
    let document = reply.json();
    assert_eq!(
        document["issuer"],
        json!(t.server.base_url()),
        "the issuer stays the token issuer"
    );
    assert_eq!(
        document["token_endpoint"],
        json!(t.url("/t/carbon.super/oauth2/token"))
    );
    // Endpoints not served under the prefix keep their base URLs.
    assert_eq!(
        document["userinfo_endpoint"],
        json!(t.url("/oauth2/userinfo"))
    );
    insta::assert_json_snapshot!(redact_base(document.clone(), t.server.base_url()));
    // Every tenant-prefixed URL it advertises is served.
    for (method, key) in [
        (reqwest::Method::GET, "authorization_endpoint"),
        (reqwest::Method::POST, "token_endpoint"),
        (reqwest::Method::GET, "jwks_uri"),
    ] {
        let url = document[key].as_str().unwrap_or_default().to_owned();
        assert!(url.starts_with(&t.url("/t/carbon.super/")), "{key}: {url}");
        let reply = t.send(t.client.request(method, url)).await;
        assert_ne!(reply.body, "404 page not found\n", "{key} is served");
    }

    let same = t
        .get("/t/carbon.super/.well-known/openid-configuration")
        .await;
    assert_eq!(same.status, 200);
    assert_json_eq(&same.json(), &document);
    let metadata = t
        .get("/t/carbon.super/.well-known/oauth-authorization-server")
        .await;
    assert_eq!(metadata.status, 200);
    assert_eq!(
        metadata.json()["jwks_uri"],
        json!(t.url("/t/carbon.super/oauth2/jwks"))
    );
    assert_eq!(metadata.json()["scopes_supported"], Value::Null);
}

#[tokio::test]
async fn other_tenants_are_unknown_paths() {
    let t = TestServer::start().await;
    for path in [
        "/t/wso2.com/.well-known/openid-configuration",
        "/t/wso2.com/.well-known/oauth-authorization-server",
        "/t/wso2.com/oauth2/token/.well-known/openid-configuration",
        "/t/wso2.com/oauth2/jwks",
    ] {
        let reply = t.get(path).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(
            reply.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(reply.body, "404 page not found\n");
    }
}

#[tokio::test]
async fn endpoints_follow_the_public_url_and_the_issuer_is_configurable() {
    let builder = MockServer::builder()
        .public_url("https://idp.example/")
        .issuer("https://issuer.example");
    let t = TestServer::with(builder).await;
    // The public URL does not resolve: talk to the bound address.
    let url = format!(
        "http://{}/.well-known/openid-configuration",
        t.server.address()
    );
    let document = t.send(t.client.get(url)).await.json();
    assert_eq!(document["issuer"], json!("https://issuer.example"));
    assert_eq!(
        document["authorization_endpoint"],
        json!("https://idp.example/oauth2/authorize")
    );
    assert_eq!(
        document["end_session_endpoint"],
        json!("https://idp.example/oauth2/logout")
    );
    assert_eq!(
        document["jwks_uri"],
        json!("https://idp.example/oauth2/jwks")
    );
}

#[tokio::test]
async fn jwks_publishes_the_signing_key_with_its_certificate_and_thumbprints() {
    let t = TestServer::start().await;
    let reply = t.get("/oauth2/jwks").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let jwks = reply.json();
    let key = t.server.signing_key();
    let jwk = &jwks["keys"][0];
    assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(1));
    assert_eq!(jwk["kid"], json!(key.kid));
    assert_eq!(jwk["n"], json!(key.n));
    assert_eq!(jwk["e"], json!("AQAB"));
    let der = STANDARD
        .decode(jwk["x5c"][0].as_str().unwrap_or_default())
        .expect("x5c is base64 DER");
    assert_eq!(
        jwk["x5t#S256"],
        json!(URL_SAFE_NO_PAD.encode(Sha256::digest(&der)))
    );
    assert_eq!(jwk["kid"], jwk["x5t#S256"]);
    assert_eq!(
        jwk["x5t"],
        json!(URL_SAFE_NO_PAD.encode(Sha1::digest(&der)))
    );
    // The bundled key is fixed, so the whole document is.
    insta::assert_json_snapshot!(jwks);

    let tenant = t.get("/t/carbon.super/oauth2/jwks").await;
    assert_eq!(tenant.status, 200);
    assert_eq!(tenant.body, reply.body);
}

#[tokio::test]
async fn tokens_signed_by_the_server_verify_against_the_served_jwk() {
    let t = TestServer::start().await;
    let claims =
        json!({"iss": t.server.issuer(), "sub": "someone", "exp": EPOCH + 60, "iat": EPOCH});
    let token = t.server.sign(TokenType::AccessToken, &claims);
    let jwks = t.get("/oauth2/jwks").await.json();
    let jwk = &jwks["keys"][0];

    let header = jsonwebtoken::decode_header(&token).expect("a JWS header");
    assert_eq!(header.alg, Algorithm::RS256);
    assert_eq!(header.kid.as_deref(), jwk["kid"].as_str());
    assert_eq!(jwk["alg"], json!("RS256"));
    let key = DecodingKey::from_rsa_components(
        jwk["n"].as_str().unwrap_or_default(),
        jwk["e"].as_str().unwrap_or_default(),
    )
    .expect("an RSA JWK");
    let mut validation = Validation::new(Algorithm::RS256);
    // The mock's clock is fixed in the past; time is not what this test is about.
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let decoded =
        jsonwebtoken::decode::<Value>(&token, &key, &validation).expect("the signature verifies");
    assert_eq!(decoded.claims, claims);

    let mut tampered = token.clone();
    tampered.push('A');
    assert!(jsonwebtoken::decode::<Value>(&tampered, &key, &validation).is_err());
}
