//! Sign-in through the mock with a strict, published OIDC relying party (`openidconnect`): discovery
//! and JWKS parsing, the authorization request, the code exchange with PKCE, ID token verification
//! (signature, `iss`, `aud`, `exp`, nonce), refresh and UserInfo, all by the library's own rules;
//! also through PAR (pushed by the test, as the library has no PAR support) and with a `claims`
//! request.
//!
//! The library checks `exp`/`iat` against the system clock, so these tests run the mock on the
//! system clock rather than the harness's fixed one.

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdTokenClaims, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope,
    TokenResponse,
};
use reqwest::StatusCode;
use serde_json::json;
use thunderid_mock::{Clock, MockServer};

use crate::callback::{SPA, SPA_CALLBACK, THOR, WEB, WEB_CALLBACK, WEB_SECRET};
use crate::support::TestServer;

const THOR_EMAIL: &str = "thor@asgard.example";

/// A client built from discovered metadata: the token and UserInfo endpoints are "maybe set".
type DiscoveredClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The mock on a free port with the system clock (see the module docs), and the harness's client,
/// which does not follow redirects (as `openidconnect` requires of its HTTP client, against SSRF).
async fn start_on_system_clock() -> TestServer {
    let server = MockServer::builder()
        .clock(Clock::system())
        .start()
        .await
        .expect("the mock starts");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestServer { server, client }
}

/// Discovery by the library's strict rules (required members, JWKS keys).
async fn discover(t: &TestServer) -> CoreProviderMetadata {
    let issuer = IssuerUrl::new(t.server.issuer().to_owned()).expect("an issuer URL");
    CoreProviderMetadata::discover_async(issuer, &t.client)
        .await
        .unwrap_or_else(|e| panic!("discovery is refused: {e:?}"))
}

/// Drive the authorization URL to a code without a browser: authorize → gate → flow API → callback.
/// Returns the `code`, checking `state` and `iss` on the way.
async fn sign_in_as_thor(t: &TestServer, authorize_url: &url::Url, state: &CsrfToken) -> String {
    let reply = t.send(t.client.get(authorize_url.clone())).await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    let gate = reply.location();
    assert_eq!(gate.path(), "/gate/signin", "{gate}");
    let value = |url: &url::Url, name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| panic!("no {name} in {url}"))
    };
    let execution_id = value(&gate, "executionId");
    let auth_id = value(&gate, "authId");

    let started = t
        .post_json("/flow/execute", &json!({"executionId": execution_id}))
        .await;
    assert_eq!(started.status, StatusCode::OK, "{started:?}");
    let started = started.json();
    assert_eq!(started["flowStatus"], "INCOMPLETE", "{started}");
    let done = t
        .post_json(
            "/flow/execute",
            &json!({
                "executionId": execution_id,
                "challengeToken": started["challengeToken"],
                "action": "action_001",
                "inputs": {"username": "thor", "password": "Thor@12345"}
            }),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{done:?}");
    let done = done.json();
    assert_eq!(done["flowStatus"], "COMPLETE", "{done}");

    let callback = t
        .post_json(
            "/oauth2/auth/callback",
            &json!({"authId": auth_id, "assertion": done["assertion"]}),
        )
        .await;
    assert_eq!(callback.status, StatusCode::OK, "{callback:?}");
    let redirect = url::Url::parse(
        callback.json()["redirect_uri"]
            .as_str()
            .expect("redirect_uri"),
    )
    .expect("a redirect URL");
    assert_eq!(value(&redirect, "state"), *state.secret());
    // RFC 9207: the discovery document promises `iss` on the authorization response.
    assert_eq!(value(&redirect, "iss"), t.server.issuer());
    value(&redirect, "code")
}

/// The ID token claims of Thor's sign-in, as the library verified them.
#[track_caller]
fn assert_thor(claims: &CoreIdTokenClaims, t: &TestServer, client_id: &str) {
    assert_eq!(claims.subject().as_str(), THOR);
    assert_eq!(claims.issuer().as_str(), t.server.issuer());
    assert!(
        claims.audiences().iter().any(|a| a.as_str() == client_id),
        "{:?}",
        claims.audiences()
    );
    assert_eq!(claims.email().map(|e| e.as_str()), Some(THOR_EMAIL));
}

/// The whole sign-in, token, refresh and UserInfo round trip for one client.
async fn round_trip(t: &TestServer, client: &DiscoveredClient, client_id: &str) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (authorize_url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".to_owned()))
        .add_scope(Scope::new("email".to_owned()))
        .set_pkce_challenge(challenge)
        .url();
    let code = sign_in_as_thor(t, &authorize_url, &state).await;

    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .expect("a token endpoint was discovered")
        .set_pkce_verifier(verifier)
        .request_async(&t.client)
        .await
        .unwrap_or_else(|e| panic!("the code exchange is refused: {e:?}"));
    let id_token = tokens.id_token().expect("an ID token");
    let id_verifier = client.id_token_verifier();
    let claims = id_token
        .claims(&id_verifier, &nonce)
        .unwrap_or_else(|e| panic!("the ID token is refused: {e:?}"));
    assert_thor(claims, t, client_id);

    let refresh_token = tokens.refresh_token().expect("a refresh token");
    let refreshed = client
        .exchange_refresh_token(refresh_token)
        .expect("a token endpoint was discovered")
        .request_async(&t.client)
        .await
        .unwrap_or_else(|e| panic!("the refresh is refused: {e:?}"));
    let refreshed_id_token = refreshed.id_token().expect("a refreshed ID token");
    // The real server's refresh grant mints the ID token without a `nonce` (OIDC Core 12.2 has the
    // client check the other claims against the original token; there is no nonce to match).
    let refreshed_claims = refreshed_id_token
        .claims(&id_verifier, |sent: Option<&Nonce>| match sent {
            None => Ok(()),
            Some(sent) => Err(format!("unexpected nonce {}", sent.secret())),
        })
        .unwrap_or_else(|e| panic!("the refreshed ID token is refused: {e:?}"));
    assert_thor(refreshed_claims, t, client_id);

    let user_info: CoreUserInfoClaims = client
        .user_info(
            refreshed.access_token().clone(),
            Some(claims.subject().clone()),
        )
        .expect("a UserInfo endpoint was discovered")
        .request_async(&t.client)
        .await
        .unwrap_or_else(|e| panic!("UserInfo is refused: {e:?}"));
    assert_eq!(user_info.subject().as_str(), THOR);
    assert_eq!(user_info.email().map(|e| e.as_str()), Some(THOR_EMAIL));
}

#[tokio::test]
async fn discovery_and_jwks_pass_the_published_clients_strict_parsing() {
    let t = start_on_system_clock().await;
    let metadata = discover(&t).await;
    assert_eq!(metadata.issuer().as_str(), t.server.issuer());
    assert_eq!(
        metadata.jwks().keys().len(),
        1,
        "the signing key is published"
    );
}

#[tokio::test]
async fn a_public_spa_signs_in_with_pkce_refreshes_and_reads_userinfo() {
    let t = start_on_system_clock().await;
    let client =
        CoreClient::from_provider_metadata(discover(&t).await, ClientId::new(SPA.to_owned()), None)
            .set_redirect_uri(RedirectUrl::new(SPA_CALLBACK.to_owned()).expect("a redirect URL"));
    round_trip(&t, &client, SPA).await;
}

#[tokio::test]
async fn a_confidential_web_app_signs_in_with_basic_auth_refreshes_and_reads_userinfo() {
    let t = start_on_system_clock().await;
    let client = CoreClient::from_provider_metadata(
        discover(&t).await,
        ClientId::new(WEB.to_owned()),
        Some(ClientSecret::new(WEB_SECRET.to_owned())),
    )
    .set_redirect_uri(RedirectUrl::new(WEB_CALLBACK.to_owned()).expect("a redirect URL"));
    round_trip(&t, &client, WEB).await;
}

/// The library has no PAR support (RFC 9126), so the test pushes the parameters of the library's
/// own authorization URL, authenticated as the library would at the token endpoint, and sends the
/// browser with only `client_id` and the `request_uri`. What comes back must pass the library's
/// checks as any other sign-in: the nonce, `claims` and PKCE were all in the pushed request.
#[tokio::test]
async fn a_confidential_web_app_signs_in_through_par_with_a_claims_request() {
    let t = start_on_system_clock().await;
    let metadata = discover(&t).await;
    let discovery = t.get("/.well-known/openid-configuration").await.json();
    let par_endpoint = discovery["pushed_authorization_request_endpoint"]
        .as_str()
        .expect("a PAR endpoint is published")
        .to_owned();
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(WEB.to_owned()),
        Some(ClientSecret::new(WEB_SECRET.to_owned())),
    )
    .set_redirect_uri(RedirectUrl::new(WEB_CALLBACK.to_owned()).expect("a redirect URL"));

    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (library_url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_extra_param("claims", r#"{"id_token":{"given_name":null}}"#)
        .set_pkce_challenge(challenge)
        .url();
    let pushed_params: Vec<(String, String)> = library_url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let pushed = t
        .send(
            t.client
                .post(&par_endpoint)
                .basic_auth(WEB, Some(WEB_SECRET))
                .form(&pushed_params),
        )
        .await;
    assert_eq!(pushed.status, StatusCode::CREATED, "{pushed:?}");
    let request_uri = pushed.json()["request_uri"]
        .as_str()
        .expect("a request_uri")
        .to_owned();
    assert!(request_uri.starts_with("urn:ietf:params:oauth:request_uri:"));

    let mut authorize_url = library_url.clone();
    authorize_url
        .query_pairs_mut()
        .clear()
        .append_pair("client_id", WEB)
        .append_pair("request_uri", &request_uri);
    let code = sign_in_as_thor(&t, &authorize_url, &state).await;

    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .expect("a token endpoint was discovered")
        .set_pkce_verifier(verifier)
        .request_async(&t.client)
        .await
        .unwrap_or_else(|e| panic!("the code exchange is refused: {e:?}"));
    let id_token = tokens.id_token().expect("an ID token");
    let claims = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .unwrap_or_else(|e| panic!("the ID token is refused: {e:?}"));
    assert_eq!(claims.subject().as_str(), THOR);
    assert_eq!(
        claims
            .given_name()
            .and_then(|name| name.get(None))
            .map(|name| name.as_str()),
        Some("Thor"),
        "the pushed claims request reaches the ID token"
    );
    assert_eq!(claims.email(), None, "no email scope, no email claim");

    // The request_uri was spent by the first authorization.
    let replayed = t.send(t.client.get(authorize_url)).await;
    assert_eq!(replayed.status, StatusCode::FOUND, "{replayed:?}");
    assert_eq!(replayed.location().path(), "/gate/error");
}

/// A `claims` request for the ID token and for UserInfo, read back through the library's verified
/// ID token and its UserInfo call (which checks the `sub` against the ID token's).
#[tokio::test]
async fn a_public_spa_gets_the_claims_it_requested_in_the_id_token_and_userinfo() {
    let t = start_on_system_clock().await;
    let client =
        CoreClient::from_provider_metadata(discover(&t).await, ClientId::new(SPA.to_owned()), None)
            .set_redirect_uri(RedirectUrl::new(SPA_CALLBACK.to_owned()).expect("a redirect URL"));
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (authorize_url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_extra_param(
            "claims",
            r#"{"id_token":{"email":{"essential":true}},"userinfo":{"family_name":null}}"#,
        )
        .set_pkce_challenge(challenge)
        .url();
    let code = sign_in_as_thor(&t, &authorize_url, &state).await;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .expect("a token endpoint was discovered")
        .set_pkce_verifier(verifier)
        .request_async(&t.client)
        .await
        .unwrap_or_else(|e| panic!("the code exchange is refused: {e:?}"));
    let claims = tokens
        .id_token()
        .expect("an ID token")
        .claims(&client.id_token_verifier(), &nonce)
        .unwrap_or_else(|e| panic!("the ID token is refused: {e:?}"));
    assert_eq!(claims.email().map(|e| e.as_str()), Some(THOR_EMAIL));
    assert_eq!(claims.family_name(), None, "asked of UserInfo only");

    let user_info: CoreUserInfoClaims = client
        .user_info(
            tokens.access_token().clone(),
            Some(claims.subject().clone()),
        )
        .expect("a UserInfo endpoint was discovered")
        .request_async(&t.client)
        .await
        .unwrap_or_else(|e| panic!("UserInfo is refused: {e:?}"));
    assert_eq!(
        user_info
            .family_name()
            .and_then(|name| name.get(None))
            .map(|name| name.as_str()),
        Some("Odinson")
    );
    assert_eq!(user_info.email(), None, "asked of the ID token only");
}
