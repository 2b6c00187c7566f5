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

#[tokio::test]
async fn openid_configuration_is_the_real_servers_default_document() {
    let t = TestServer::start().await;
    let reply = t.get("/.well-known/openid-configuration").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert!(
        reply.body.ends_with("}\n"),
        "encoded like Go's json.Encoder: {:?}",
        reply.body
    );
    let document = reply.json();
    assert_eq!(document["issuer"], json!(t.server.issuer()));
    insta::assert_json_snapshot!(redact_base(document, t.server.base_url()));
}

#[tokio::test]
async fn authorization_server_metadata_has_no_oidc_members() {
    let t = TestServer::start().await;
    let reply = t.get("/.well-known/oauth-authorization-server").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(redact_base(reply.json(), t.server.base_url()));
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
