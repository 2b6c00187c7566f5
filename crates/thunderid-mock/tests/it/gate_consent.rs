//! The hosted gate's consent step (the bundled `sample-consent` on `consent-flow`): the purposes
//! as the real gate lists them, the time left, and a post without script that reaches the
//! executor as the SDKs' `consent_decisions`; the tokens then carry what was allowed, nothing
//! else; once the time is up, the page's script posts the prompt as a timeout. The same page in a
//! real browser is `tests/browser`.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::callback::{CHALLENGE, claims_of, query_string};
use crate::flow_support::{GateForm, card_text, follow};
use crate::support::{Reply, TestServer};

pub(crate) const CLIENT: &str = "sample-consent";
pub(crate) const APP_ID: &str = "01900000-0000-7000-8000-0000000000ae";
const CALLBACK: &str = "http://localhost:3000/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// Sign thor in at the consent app's gate and return the consent page.
pub(crate) async fn consent_page(t: &TestServer) -> Reply {
    let query = [
        ("response_type", "code".to_owned()),
        ("client_id", CLIENT.to_owned()),
        ("redirect_uri", CALLBACK.to_owned()),
        ("scope", "openid profile email".to_owned()),
        ("state", "xyz".to_owned()),
        ("code_challenge", CHALLENGE.to_owned()),
        ("code_challenge_method", "S256".to_owned()),
    ];
    let authorize = t
        .get(&format!("/oauth2/authorize?{}", query_string(&query)))
        .await;
    let page = follow(t, &authorize).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let form = GateForm::parse(&page.body);
    let consent = form
        .submit(
            t,
            "action_001",
            &[("username", "thor"), ("password", "Thor@12345")],
        )
        .await;
    assert_eq!(consent.status, StatusCode::OK, "{}", consent.body);
    consent
}

/// The `<input …>` tags of a page's consent block, in document order.
fn consent_inputs(html: &str) -> Vec<String> {
    let start = html
        .find("<div class=\"tid-consent\">")
        .expect("a consent block");
    let end = start + html[start..].find("</div>\n<button").expect("its end");
    regex::Regex::new(r"<input[^>]*>")
        .expect("a pattern")
        .find_iter(&html[start..end])
        .map(|m| m.as_str().to_owned())
        .filter(|tag| !tag.contains("type=\"hidden\""))
        .collect()
}

/// Redeem the callback's code and return the ID token's and the access token's claims.
async fn tokens(t: &TestServer, reply: &Reply) -> (Value, Value) {
    let body = redeem(t, reply).await;
    let claims = |name: &str| Value::Object(claims_of(t, body[name].as_str().expect("a token")).1);
    (claims("id_token"), claims("access_token"))
}

/// Redeem the callback's code and return the token response.
pub(crate) async fn redeem(t: &TestServer, reply: &Reply) -> Value {
    let location = reply.location();
    assert!(
        location.as_str().starts_with(CALLBACK),
        "{location}: {}",
        reply.body
    );
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let token = t
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", CALLBACK),
                ("client_id", CLIENT),
                ("code_verifier", VERIFIER),
            ],
        )
        .await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    token.json()
}

#[tokio::test]
async fn the_consent_page_lists_what_the_app_asks_with_the_time_left() {
    let t = TestServer::start().await;
    let page = consent_page(&t).await;
    assert_eq!(
        card_text(&page.body),
        [
            "sample-consent wants to access your account",
            "Please review the information requested by the application and provide your consent to proceed.",
            "This request expires in 5:00. You will then be returned to the application.",
            "Optional Attributes",
            "email",
            "family_name",
            "given_name",
            "Allow",
            "Deny",
        ]
    );
    let prefix = format!("__consent_opt__attributes:{APP_ID}__");
    assert_eq!(
        consent_inputs(&page.body),
        ["email", "family_name", "given_name"]
            .iter()
            .enumerate()
            .map(|(n, name)| format!(
                r#"<input id="tid-consent-0-opt-{n}" name="{prefix}{name}" type="checkbox" value="true">"#
            ))
            .collect::<Vec<_>>()
    );
    let form = GateForm::parse(&page.body);
    assert_eq!(
        form.buttons,
        [
            ("consent_action_allow".to_owned(), "Allow".to_owned()),
            ("consent_action_deny".to_owned(), "Deny".to_owned())
        ]
    );
}

#[tokio::test]
async fn allowing_some_attributes_releases_exactly_those_to_the_tokens() {
    let t = TestServer::start().await;
    let page = consent_page(&t).await;
    let form = GateForm::parse(&page.body);
    let prefix = format!("__consent_opt__attributes:{APP_ID}__");
    let allowed = form
        .submit(
            &t,
            "consent_action_allow",
            &[(&format!("{prefix}email"), "true")],
        )
        .await;
    assert_eq!(allowed.status, StatusCode::FOUND, "{}", allowed.body);
    let (id_token, access_token) = tokens(&t, &allowed).await;
    assert_eq!(id_token["email"], "thor@asgard.example");
    assert_eq!(access_token["email"], "thor@asgard.example");
    for claims in [&id_token, &access_token] {
        assert_eq!(claims.get("given_name"), None, "{claims}");
        assert_eq!(claims.get("family_name"), None, "{claims}");
    }
}

#[tokio::test]
async fn deny_releases_nothing_and_the_next_sign_in_asks_again() {
    let t = TestServer::start().await;
    let page = consent_page(&t).await;
    let form = GateForm::parse(&page.body);
    let prefix = format!("__consent_opt__attributes:{APP_ID}__");
    // A ticked box does not count when the person presses Deny.
    let denied = form
        .submit(
            &t,
            "consent_action_deny",
            &[(&format!("{prefix}email"), "true")],
        )
        .await;
    let (id_token, access_token) = tokens(&t, &denied).await;
    for claims in [&id_token, &access_token] {
        for name in ["email", "given_name", "family_name"] {
            assert_eq!(claims.get(name), None, "{claims}");
        }
    }
    let again = consent_page(&t).await;
    assert_eq!(consent_inputs(&again.body).len(), 3);
}

#[tokio::test]
async fn a_consent_posted_after_the_time_is_up_fails_as_the_server_fails_it() {
    let t = TestServer::start().await;
    let page = consent_page(&t).await;
    let form = GateForm::parse(&page.body);
    t.server.clock().advance(Duration::from_secs(301));
    let late = form.submit(&t, "consent_action_allow", &[]).await;
    // FET-1069 ends the flow; the gate relays it to the application as access_denied.
    let location = late.location();
    assert!(location.as_str().starts_with(CALLBACK), "{location}");
    let error: Vec<(String, String)> = location
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .filter(|(k, _)| k == "error")
        .collect();
    assert_eq!(error, [("error".to_owned(), "access_denied".to_owned())]);
}

#[tokio::test]
async fn the_page_posts_the_prompt_as_a_timeout_when_the_time_is_up() {
    let t = TestServer::start().await;
    let page = consent_page(&t).await;
    // One script, under the page's nonce, set to fire when the 5 minutes are up.
    let csp = page
        .header("content-security-policy")
        .expect("a CSP")
        .to_owned();
    let scripts: Vec<&str> = page
        .body
        .match_indices("<script nonce=\"")
        .map(|(i, _)| &page.body[i..])
        .collect();
    assert_eq!(scripts.len(), 1, "{}", page.body);
    let nonce = scripts[0]["<script nonce=\"".len()..]
        .split('"')
        .next()
        .unwrap_or_default();
    assert!(
        csp.split(';')
            .any(|d| d.trim() == format!("script-src 'self' 'nonce-{nonce}'")),
        "{csp}"
    );
    let script = &scripts[0][..scripts[0].find("</script>").expect("its end")];
    assert!(
        script.ends_with("r.value='timeout';f.appendChild(r);b.click();},300000);});"),
        "{script}"
    );
    // What the script posts: the deny action (the non-primary one) with the timeout reason. The
    // sample's consent node has no failOnDeny, so the sign-in completes; as on the server, a timed
    // out prompt records no consent, so the assertion falls back to what the tokens need.
    let form = GateForm::parse(&page.body);
    let prefix = format!("__consent_opt__attributes:{APP_ID}__");
    t.server.clock().advance(Duration::from_secs(301));
    let timed_out = form
        .submit(
            &t,
            "consent_action_deny",
            &[
                (&format!("{prefix}email"), "true"),
                ("tid-consent-reason", "timeout"),
            ],
        )
        .await;
    let (id_token, access_token) = tokens(&t, &timed_out).await;
    assert_eq!(access_token["email"], "thor@asgard.example");
    assert_eq!(id_token["given_name"], "Thor");
    assert_eq!(access_token["family_name"], "Odinson");
    // Nothing was recorded: the next sign-in asks again.
    let again = consent_page(&t).await;
    assert_eq!(consent_inputs(&again.body).len(), 3);
}
