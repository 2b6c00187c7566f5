//! The operations the load tasks repeat, each on its own connection: a client_credentials token
//! (from the mock or a peer), the two full sign-ins, and a flow start left unfinished.

use std::sync::LazyLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::wire::{self, Body, Conn};
use super::{NATIVE_SECRET, SPA, peers};

/// `Authorization` of the benchmark's client_credentials client.
pub static M2M_AUTH: LazyLock<String> =
    LazyLock::new(|| wire::basic("sample-m2m", "sample-m2m-secret"));

pub async fn client_credentials(mut conn: Conn) -> Conn {
    let reply = conn
        .send(
            "POST",
            "/oauth2/token",
            &[("Authorization", &M2M_AUTH)],
            Body::Form("grant_type=client_credentials"),
        )
        .await;
    assert_eq!(reply.status, 200, "client_credentials");
    conn
}

/// A client_credentials token from a peer, with its client and form.
pub async fn peer_token(mut conn: Conn, peer: peers::Peer) -> Conn {
    let mut form = String::from("grant_type=client_credentials");
    for (name, value) in peer.extra {
        form.push_str(&format!("&{name}={value}"));
    }
    let auth = wire::basic(peer.client.0, peer.client.1);
    let reply = conn
        .send(
            "POST",
            peer.token_path,
            &[("Authorization", &auth)],
            Body::Form(&form),
        )
        .await;
    assert_eq!(reply.status, 200, "{} client_credentials", peer.name);
    conn
}

fn pkce() -> (String, String) {
    let verifier = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// The value of query parameter `name` in a URL (values here are ids and codes: no escapes).
fn query<'a>(url: &'a str, name: &str) -> &'a str {
    let (_, query) = url
        .split_once('?')
        .unwrap_or_else(|| panic!("a query in {url}"));
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("{name} in {url}"))
}

/// POST a JSON body; the answer must be 200.
async fn post_json(conn: &mut Conn, path: &str, body: &str) -> Vec<u8> {
    let reply = conn.send("POST", path, &[], Body::Json(body)).await;
    assert_eq!(
        reply.status,
        200,
        "POST {path}: {}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.body
}

/// A JSON string member of `body` that must be there.
fn member<'a>(body: &'a [u8], name: &str) -> &'a str {
    wire::json_str(body, name)
        .unwrap_or_else(|| panic!("{name} in {}", String::from_utf8_lossy(body)))
}

/// `http://localhost:3000/callback`, form- and query-encoded.
const REDIRECT_URI_ENCODED: &str = "http%3A%2F%2Flocalhost%3A3000%2Fcallback";

pub async fn redirect_sign_in(mut conn: Conn) -> Conn {
    let (verifier, challenge) = pkce();
    let authorize = format!(
        "/oauth2/authorize?response_type=code&client_id={SPA}&redirect_uri={REDIRECT_URI_ENCODED}&scope=openid%20profile&state=bench&code_challenge={challenge}&code_challenge_method=S256"
    );
    let reply = conn.send("GET", &authorize, &[], Body::None).await;
    let location = reply.location.expect("authorize redirects");
    let (auth_id, execution_id) = (query(&location, "authId"), query(&location, "executionId"));
    let step = post_json(
        &mut conn,
        "/flow/execute",
        &format!(r#"{{"executionId":"{execution_id}"}}"#),
    )
    .await;
    let token = member(&step, "challengeToken");
    let done = post_json(
        &mut conn,
        "/flow/execute",
        &format!(
            r#"{{"executionId":"{execution_id}","challengeToken":"{token}","action":"action_001","inputs":{{"username":"thor","password":"Thor@12345"}}}}"#
        ),
    )
    .await;
    let assertion = member(&done, "assertion");
    let callback = post_json(
        &mut conn,
        "/oauth2/auth/callback",
        &format!(r#"{{"authId":"{auth_id}","assertion":"{assertion}"}}"#),
    )
    .await;
    // Go's encoder writes `&` in the redirect URI as `\u0026`; the code is base64url.
    let target = member(&callback, "redirect_uri").replace("\\u0026", "&");
    let code = query(&target, "code");
    let form = format!(
        "grant_type=authorization_code&client_id={SPA}&code={code}&redirect_uri={REDIRECT_URI_ENCODED}&code_verifier={verifier}"
    );
    let reply = conn
        .send("POST", "/oauth2/token", &[], Body::Form(&form))
        .await;
    assert_eq!(reply.status, 200, "code exchange");
    assert!(
        wire::json_str(&reply.body, "id_token").is_some()
            && wire::json_str(&reply.body, "refresh_token").is_some(),
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    conn
}

/// The app-native sign-in of an embedded backend app: start with the Flow-Secret, then submit the
/// credentials. (The START node drops an action sent with the start, as on the real server, so the
/// default flow needs the second call.)
pub async fn direct_sign_in(mut conn: Conn) -> Conn {
    let reply = conn
        .send(
            "POST",
            "/flow/execute",
            &[("Flow-Secret", NATIVE_SECRET)],
            Body::Json(FLOW_START),
        )
        .await;
    assert_eq!(reply.status, 200, "flow start");
    let (execution_id, token) = (
        member(&reply.body, "executionId"),
        member(&reply.body, "challengeToken"),
    );
    let done = post_json(
        &mut conn,
        "/flow/execute",
        &format!(
            r#"{{"executionId":"{execution_id}","challengeToken":"{token}","action":"action_001","inputs":{{"username":"thor","password":"Thor@12345"}}}}"#
        ),
    )
    .await;
    assert_eq!(member(&done, "flowStatus"), "COMPLETE");
    conn
}

/// The body that starts the native app's sign-in.
const FLOW_START: &str =
    r#"{"applicationId":"01900000-0000-7000-8000-0000000000a3","flowType":"AUTHENTICATION"}"#;

/// Start one app-native flow and leave it unfinished.
pub async fn flow_start(mut conn: Conn) -> Conn {
    let reply = conn
        .send(
            "POST",
            "/flow/execute",
            &[("Flow-Secret", NATIVE_SECRET)],
            Body::Json(FLOW_START),
        )
        .await;
    assert_eq!(reply.status, 200, "flow start");
    conn
}
