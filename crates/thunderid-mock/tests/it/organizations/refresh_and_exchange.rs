//! A switched session across a refresh, an RFC 8693 exchange into an organization, and the live unit
//! behind `GET /users/me?include=display`.

use reqwest::Method;
use serde_json::{Map, Value, json};

use super::{ENGINEERING, PLATFORM, ROOT, SALES, THOR, admin, call};
use crate::callback::{M2M, M2M_SECRET, WEB, WEB_SECRET, basic, claims_of, web_tokens};
use crate::support::{Reply, TestServer, assert_json_eq};

const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";
const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";

/// `POST /oauth2/token` as sample-web (Basic) with `form`.
async fn token_request(t: &TestServer, form: &[(&str, &str)]) -> Reply {
    let request = t
        .client
        .post(t.url("/oauth2/token"))
        .header("authorization", basic(WEB, WEB_SECRET))
        .form(form);
    t.send(request).await
}

/// Thor's tokens from a sign-in at sample-web, switched to `organization`.
async fn switched_tokens(t: &TestServer, organization: &str) -> Value {
    let tokens = web_tokens(t, "openid profile email").await;
    let access = tokens["access_token"].as_str().expect("access token");
    let reply = token_request(
        t,
        &[
            ("grant_type", "organization_switch"),
            ("token", access),
            ("switching_organization", organization),
        ],
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

async fn refresh(t: &TestServer, refresh_token: &str) -> Reply {
    token_request(
        t,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

/// A token member of a token response, verified.
fn verified(t: &TestServer, tokens: &Value, name: &str) -> Map<String, Value> {
    let token = tokens[name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name}: {tokens}"));
    claims_of(t, token).1
}

/// The six organization claims of a token (absent ones as `null`).
fn organization_claims(claims: &Map<String, Value>) -> Value {
    let names = [
        "org_id",
        "org_name",
        "org_handle",
        "ouId",
        "ouName",
        "ouHandle",
    ];
    names
        .iter()
        .map(|name| {
            (
                (*name).to_owned(),
                claims.get(*name).cloned().unwrap_or(Value::Null),
            )
        })
        .collect::<Map<String, Value>>()
        .into()
}

fn in_platform(name: &str, handle: &str) -> Value {
    json!({
        "org_id": PLATFORM, "org_name": name, "org_handle": handle,
        "ouId": PLATFORM, "ouName": name, "ouHandle": handle,
    })
}

#[track_caller]
fn assert_oauth_error(reply: &Reply, error: &str, description: &str) {
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_json_eq(
        &reply.json(),
        &json!({"error": error, "error_description": description}),
    );
}

#[tokio::test]
async fn refreshing_a_switched_session_keeps_the_organization() {
    let t = TestServer::start().await;
    let switched = switched_tokens(&t, PLATFORM).await;
    let refresh_claims = verified(&t, &switched, "refresh_token");
    assert_eq!(refresh_claims["org_id"], PLATFORM);
    assert_eq!(refresh_claims["grant_type"], "organization_switch");

    let mut current = switched;
    for round in 0..2 {
        let reply = refresh(&t, current["refresh_token"].as_str().expect("rt")).await;
        assert_eq!(reply.status, 200, "round {round}: {}", reply.body);
        let fresh = reply.json();
        let id_claims = verified(&t, &fresh, "id_token");
        assert_json_eq(
            &organization_claims(&id_claims),
            &in_platform("Platform", "platform"),
        );
        assert_eq!(id_claims["sub"], THOR);
        let access_claims = verified(&t, &fresh, "access_token");
        assert_json_eq(
            &organization_claims(&access_claims),
            &in_platform("Platform", "platform"),
        );
        assert_eq!(access_claims["grant_type"], "organization_switch");
        assert_eq!(verified(&t, &fresh, "refresh_token")["org_id"], PLATFORM);
        current = fresh;
    }

    // The new access token works on the user APIs.
    let access = current["access_token"].as_str().expect("access token");
    let me = call(&t, Method::GET, "/users/me", Some(access), None).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["id"], THOR);
}

#[tokio::test]
async fn an_ordinary_session_refreshes_without_an_organization() {
    let t = TestServer::start().await;
    let tokens = web_tokens(&t, "openid profile email").await;
    assert!(!verified(&t, &tokens, "refresh_token").contains_key("org_id"));
    let reply = refresh(&t, tokens["refresh_token"].as_str().expect("rt")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let fresh = reply.json();
    let id_claims = verified(&t, &fresh, "id_token");
    assert_json_eq(
        &organization_claims(&id_claims),
        &json!({
            "org_id": null, "org_name": null, "org_handle": null,
            "ouId": null, "ouName": null, "ouHandle": null,
        }),
    );
    assert!(!verified(&t, &fresh, "refresh_token").contains_key("org_id"));
}

#[tokio::test]
async fn a_refresh_shows_the_organization_as_it_is_now() {
    let t = TestServer::start().await;
    let switched = switched_tokens(&t, PLATFORM).await;
    let renamed =
        json!({"handle": "platform-team", "name": "Platform Team", "parent": ENGINEERING});
    let path = format!("/organization-units/{PLATFORM}");
    let reply = call(&t, Method::PUT, &path, Some(&admin(&t)), Some(&renamed)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = refresh(&t, switched["refresh_token"].as_str().expect("rt")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let id_claims = verified(&t, &reply.json(), "id_token");
    assert_json_eq(
        &organization_claims(&id_claims),
        &in_platform("Platform Team", "platform-team"),
    );
}

#[tokio::test]
async fn a_refresh_into_a_deleted_organization_is_refused_and_spends_the_token() {
    let t = TestServer::start().await;
    let switched = switched_tokens(&t, PLATFORM).await;
    let path = format!("/organization-units/{PLATFORM}");
    let reply = call(&t, Method::DELETE, &path, Some(&admin(&t)), None).await;
    assert_eq!(reply.status, 204, "{}", reply.body);
    let refresh_token = switched["refresh_token"].as_str().expect("rt");
    assert_oauth_error(
        &refresh(&t, refresh_token).await,
        "invalid_grant",
        "Organization not found",
    );
    assert_oauth_error(
        &refresh(&t, refresh_token).await,
        "invalid_grant",
        "Invalid refresh token",
    );
}

/// A token exchange of thor's access token with `extra` parameters.
async fn exchange(t: &TestServer, extra: &[(&str, &str)]) -> Reply {
    let tokens = web_tokens(t, "openid profile email").await;
    let subject = tokens["access_token"].as_str().expect("access token");
    let mut form = vec![
        ("grant_type", TOKEN_EXCHANGE),
        ("subject_token", subject),
        ("subject_token_type", ACCESS_TOKEN_TYPE),
    ];
    form.extend_from_slice(extra);
    token_request(t, &form).await
}

#[tokio::test]
async fn a_token_exchange_into_an_organization_carries_its_claims() {
    let t = TestServer::start().await;
    for parameter in ["switching_organization", "organization"] {
        let reply = exchange(&t, &[(parameter, PLATFORM)]).await;
        assert_eq!(reply.status, 200, "{parameter}: {}", reply.body);
        let body = reply.json();
        assert_eq!(body["issued_token_type"], ACCESS_TOKEN_TYPE);
        assert_eq!(body["scope"], "openid profile email");
        let claims = verified(&t, &body, "access_token");
        assert_json_eq(
            &organization_claims(&claims),
            &in_platform("Platform", "platform"),
        );
        assert_eq!(
            (claims["sub"].clone(), claims["grant_type"].clone()),
            (json!(THOR), json!(TOKEN_EXCHANGE))
        );
    }
    // Both parameters may be sent when they agree; the user's own unit is allowed too.
    let reply = exchange(
        &t,
        &[
            ("switching_organization", ENGINEERING),
            ("organization", ENGINEERING),
        ],
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let claims = verified(&t, &reply.json(), "access_token");
    assert_eq!(claims["org_handle"], "engineering");
    // Without either, the exchange is the plain RFC 8693 one.
    let reply = exchange(&t, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let claims = verified(&t, &reply.json(), "access_token");
    assert!(!claims.contains_key("org_id"), "{claims:?}");
}

#[tokio::test]
async fn a_token_exchange_into_a_foreign_organization_is_refused() {
    let t = TestServer::start().await;
    for outside in [SALES, ROOT] {
        for parameter in ["switching_organization", "organization"] {
            assert_oauth_error(
                &exchange(&t, &[(parameter, outside)]).await,
                "invalid_grant",
                "User is not a member of the organization",
            );
        }
    }
    assert_oauth_error(
        &exchange(&t, &[("organization", "nope")]).await,
        "invalid_grant",
        "Organization not found",
    );
    assert_oauth_error(
        &exchange(
            &t,
            &[
                ("switching_organization", PLATFORM),
                ("organization", ENGINEERING),
            ],
        )
        .await,
        "invalid_request",
        "Conflicting organization parameters",
    );
}

#[tokio::test]
async fn an_application_token_cannot_be_exchanged_into_an_organization() {
    let t = TestServer::start().await;
    let m2m = t
        .send(
            t.client
                .post(t.url("/oauth2/token"))
                .header("authorization", basic(M2M, M2M_SECRET))
                .form(&[("grant_type", "client_credentials")]),
        )
        .await;
    assert_eq!(m2m.status, 200, "{}", m2m.body);
    let subject = m2m.json()["access_token"]
        .as_str()
        .expect("access token")
        .to_owned();
    let reply = t
        .send(
            t.client
                .post(t.url("/oauth2/token"))
                .header("authorization", basic(M2M, M2M_SECRET))
                .form(&[
                    ("grant_type", TOKEN_EXCHANGE),
                    ("subject_token", subject.as_str()),
                    ("subject_token_type", ACCESS_TOKEN_TYPE),
                    ("organization", ENGINEERING),
                ]),
        )
        .await;
    assert_oauth_error(&reply, "invalid_grant", "Invalid token");
}

#[tokio::test]
async fn users_me_with_display_shows_the_units_current_handle() {
    let t = TestServer::start().await;
    let tokens = web_tokens(&t, "openid").await;
    let access = tokens["access_token"].as_str().expect("access token");
    let me = call(
        &t,
        Method::GET,
        "/users/me?include=display",
        Some(access),
        None,
    )
    .await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(
        (me.json()["ouId"].clone(), me.json()["ouHandle"].clone()),
        (json!(ENGINEERING), json!("engineering"))
    );
    let renamed = json!({"handle": "eng", "name": "Engineering", "parent": ROOT});
    let path = format!("/organization-units/{ENGINEERING}");
    let reply = call(&t, Method::PUT, &path, Some(&admin(&t)), Some(&renamed)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let me = call(
        &t,
        Method::GET,
        "/users/me?include=display",
        Some(access),
        None,
    )
    .await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["ouHandle"], "eng");
    assert_eq!(me.json()["display"], "thor");
}
