//! The hosted gate in a real browser: every step type a person meets, driven as a person (and the
//! SDKs' end-to-end page object) would, checked with axe-core, ending where the application gets
//! its answer. The application's callback needs no server: the tests read the browser's address.

mod harness;

use std::time::Duration;

use thunderid_mock::{Fixtures, MockServer, bundled};

use crate::harness::Browser;

/// Where the test applications are sent back: a port browsers refuse to contact, so nothing
/// answers and nothing is contacted; the address is what the tests read.
const CALLBACK: &str = "http://127.0.0.1:9/callback";
/// Where they land after signing out.
const SIGNED_OUT: &str = "http://127.0.0.1:9/signed-out";
/// The PKCE verifier of every sign-in, and its S256 challenge.
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// The bundled fixtures with the browser apps sending back to [`CALLBACK`], and `tweak` applied.
async fn mock(tweak: impl FnOnce(&mut Fixtures)) -> MockServer {
    let mut fixtures = Fixtures::bundled();
    for app in &mut fixtures.applications {
        if let Some(oauth) = app.oauth.as_mut().filter(|o| !o.redirect_uris.is_empty()) {
            oauth.redirect_uris = vec![CALLBACK.to_owned()];
            oauth.post_logout_redirect_uris = vec![SIGNED_OUT.to_owned()];
        }
    }
    tweak(&mut fixtures);
    MockServer::builder()
        .fixtures(fixtures)
        .start()
        .await
        .expect("the mock starts")
}

/// Let `client_id`'s users sign up and recover their password.
fn self_service(client_id: &'static str) -> impl FnOnce(&mut Fixtures) {
    move |fixtures| {
        for app in &mut fixtures.applications {
            if app.oauth.as_ref().is_some_and(|o| o.client_id == client_id) {
                app.is_registration_flow_enabled = true;
                app.is_recovery_flow_enabled = true;
            }
        }
    }
}

/// The bundled sign-out flow with `promptOnSignOut` on: a logout without an `id_token_hint` asks
/// for confirmation.
fn ask_before_signing_out(fixtures: &mut Fixtures) {
    let nodes = fixtures
        .flows
        .iter_mut()
        .flat_map(|flow| flow.nodes.iter_mut());
    for node in nodes.filter(|node| node.id == "session_signout") {
        node.properties
            .insert("promptOnSignOut".to_owned(), serde_json::Value::Bool(true));
    }
}

fn authorize_path(client_id: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", CALLBACK)
        .append_pair("response_type", "code")
        .append_pair("scope", "openid profile")
        .append_pair("state", "st-123")
        .append_pair("code_challenge", CHALLENGE)
        .append_pair("code_challenge_method", "S256")
        .finish();
    format!("/oauth2/authorize?{query}")
}

/// Open `client_id`'s sign-in page.
async fn open_sign_in(browser: &Browser, client_id: &str) {
    browser.goto(&authorize_path(client_id)).await;
    browser
        .wait_for_url("the gate", |u| u.path() == "/gate/signin")
        .await;
    browser.wait_for("input[name=\"username\"]").await;
}

/// The browser is on the application's callback with a code and the request's state.
async fn assert_on_callback_with_code(browser: &Browser) -> String {
    let url = browser
        .wait_for_url("the callback", |u| u.as_str().starts_with(CALLBACK))
        .await;
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(param("state").as_deref(), Some("st-123"), "{url}");
    assert_eq!(param("error"), None, "{url}");
    param("code").unwrap_or_else(|| panic!("a code in {url}"))
}

#[tokio::test]
async fn a_person_signs_in_with_the_first_visible_submit_button() {
    let Some(browser) = Browser::open(mock(self_service("sample-spa")).await).await else {
        return;
    };
    open_sign_in(&browser, "sample-spa").await;
    assert_eq!(
        browser.card_text().await,
        "Sign In\nUsername *\nPassword *\nSign In\nForgot password? Reset\nDon't have an account? Sign up"
    );
    assert_eq!(
        browser.attribute("html", "lang").await.as_deref(),
        Some("en-US")
    );
    browser.assert_accessible("the sign-in page").await;
    browser.screenshot("sign-in").await;
    browser.resize(420, 900).await;
    browser.screenshot("sign-in-narrow").await;
    browser
        .assert_accessible("the sign-in page on a narrow screen")
        .await;
    browser.resize(1280, 800).await;
    browser.fill("username", bundled::THOR.username).await;
    browser.fill("password", bundled::THOR.password).await;
    browser.click_first_submit().await;
    assert_on_callback_with_code(&browser).await;
    browser.finish().await;
}

#[tokio::test]
async fn keyboard_only_the_focus_goes_username_password_sign_in_then_the_links() {
    let Some(browser) = Browser::open(mock(self_service("sample-spa")).await).await else {
        return;
    };
    open_sign_in(&browser, "sample-spa").await;
    assert_eq!(browser.focused().await, "username");
    let mut order = Vec::new();
    for _ in 0..4 {
        browser.keys("\u{E004}").await;
        order.push(browser.focused().await);
    }
    assert_eq!(order, ["password", "action_001", "Reset", "Sign up"]);
    // Back to the start, type and press Enter: the primary action is what Enter submits.
    browser.goto(&authorize_path("sample-spa")).await;
    browser.wait_for("input[name=\"username\"]").await;
    browser.keys(bundled::LOKI.username).await;
    browser.keys("\u{E004}").await;
    browser.keys(bundled::LOKI.password).await;
    browser.keys("\u{E007}").await;
    assert_on_callback_with_code(&browser).await;
    browser.finish().await;
}

#[tokio::test]
async fn a_wrong_password_is_said_on_the_page_and_the_next_try_works() {
    let Some(browser) = Browser::open(mock(|_| {}).await).await else {
        return;
    };
    open_sign_in(&browser, "sample-spa").await;
    browser.fill("username", bundled::THOR.username).await;
    browser.fill("password", "not-the-password").await;
    browser.click_first_submit().await;
    browser.wait_for("[role=\"alert\"]").await;
    assert_eq!(
        browser.card_text().await,
        "Invalid credentials provided\nThe credentials provided are invalid\nSign In\nUsername *\nPassword *\nSign In"
    );
    browser
        .assert_accessible("the sign-in page with an error")
        .await;
    browser.screenshot("sign-in-error").await;
    browser.fill("username", bundled::THOR.username).await;
    browser.fill("password", bundled::THOR.password).await;
    browser.click_first_submit().await;
    assert_on_callback_with_code(&browser).await;
    browser.finish().await;
}

#[tokio::test]
async fn mfa_the_code_from_the_outbox_and_a_resend() {
    let Some(browser) = Browser::open(mock(|_| {}).await).await else {
        return;
    };
    let mobile = bundled::THOR.mobile.expect("a mobile number");
    open_sign_in(&browser, "sample-mfa").await;
    browser.fill("username", bundled::THOR.username).await;
    browser.fill("password", bundled::THOR.password).await;
    browser.click_first_submit().await;
    browser.wait_for("input[name=\"otp\"]").await;
    assert_eq!(
        browser.card_text().await,
        "Verify Your Identity\nEnter the verification code sent to your phone\nVerification Code *\nVerify\nResend OTP"
    );
    browser.assert_accessible("the OTP page").await;
    browser.screenshot("otp").await;
    let first = browser.server.last_code_sent_to(mobile).expect("an SMS");
    browser.click_button("Resend OTP").await;
    browser.wait_for("input[name=\"otp\"]").await;
    let second = browser
        .server
        .last_code_sent_to(mobile)
        .expect("another SMS");
    assert_eq!(
        browser.server.outbox_for(mobile).len(),
        2,
        "{first} then {second}"
    );
    browser.fill("otp", &second).await;
    browser.click_first_submit().await;
    assert_on_callback_with_code(&browser).await;
    browser.finish().await;
}

#[tokio::test]
async fn social_sign_in_goes_through_the_fake_idp_and_back() {
    let Some(browser) = Browser::open(mock(|_| {}).await).await else {
        return;
    };
    open_sign_in(&browser, "sample-social").await;
    assert_eq!(
        browser.card_text().await,
        "Sign In\nUsername *\nPassword *\nSign In\nOr\nContinue with Google"
    );
    browser
        .assert_accessible("the sign-in page with social sign-in")
        .await;
    browser.screenshot("sign-in-social").await;
    browser.click_button("Continue with Google").await;
    assert_on_callback_with_code(&browser).await;
    browser.finish().await;
}

#[tokio::test]
async fn registration_shows_field_errors_beside_their_fields() {
    let Some(browser) = Browser::open(mock(self_service("sample-spa")).await).await else {
        return;
    };
    open_sign_in(&browser, "sample-spa").await;
    browser.click_button("Sign up").await;
    // One user type allows self-registration, so the flow does not ask for it.
    browser.wait_for("input[name=\"password\"]").await;
    assert_eq!(
        browser.card_text().await,
        "Sign Up\nUsername *\nPassword *\nContinue\nAlready have an account? Sign in"
    );
    browser.assert_accessible("the sign-up page").await;
    browser.fill("username", "sif").await;
    browser.fill("password", "Sif@12345-long-enough").await;
    browser.click_first_submit().await;
    browser.wait_for("input[name=\"email\"]").await;
    // Nothing typed: the gate's own check sends the step back with the error beside the field.
    browser.click_first_submit().await;
    browser
        .wait_for("input[name=\"email\"][aria-invalid=\"true\"]")
        .await;
    assert_eq!(
        browser
            .attribute("#email", "aria-describedby")
            .await
            .as_deref(),
        Some("email-error")
    );
    assert_eq!(browser.focused().await, "email");
    let error = browser
        .client
        .find(fantoccini::Locator::Id("email-error"))
        .await
        .expect("the error beside the field");
    assert_eq!(error.text().await.expect("text"), "Email is required.");
    browser
        .assert_accessible("the sign-up page with an error")
        .await;
    browser.screenshot("sign-up-error").await;
    browser.fill("email", "sif@asgard.example").await;
    browser.click_first_submit().await;
    assert_on_callback_with_code(&browser).await;
    browser.finish().await;
}

#[tokio::test]
async fn recovery_by_the_emailed_link_then_sign_in_with_the_new_password() {
    let Some(browser) = Browser::open(mock(self_service("sample-spa")).await).await else {
        return;
    };
    open_sign_in(&browser, "sample-spa").await;
    browser.click_button("Reset").await;
    browser.wait_for("input[name=\"username\"]").await;
    assert_eq!(
        browser.card_text().await,
        "Password Recovery\nEnter your username to start the password recovery\nUsername *\nSubmit\nRemember your password? Sign in"
    );
    browser.assert_accessible("the recovery page").await;
    browser.screenshot("recovery").await;
    browser.fill("username", bundled::LOKI.username).await;
    browser.click_first_submit().await;
    browser.wait_for("h1").await;
    assert_eq!(
        browser.card_text().await,
        "✉️\nCheck Your Email\nWe sent you a password reset link. Please check your inbox and click the link to reset your password."
    );
    let mail = browser.server.outbox().pop().expect("the recovery e-mail");
    let link = mail
        .body
        .split_whitespace()
        .find(|w| w.contains("/gate/invite?"))
        .expect("a link in the e-mail");
    browser.goto(link).await;
    browser.wait_for("input[name=\"password\"]").await;
    browser.fill("password", "Trickster@2026").await;
    browser.click_first_submit().await;
    browser.wait_for("h1").await;
    assert_eq!(
        browser.card_text().await,
        "✅\nPassword Reset Successful\nYour password has been successfully reset. You can now sign in with your new password.\nPlease return to the application and try again."
    );
    browser.assert_accessible("the end of the recovery").await;
    open_sign_in(&browser, "sample-spa").await;
    browser.fill("username", bundled::LOKI.username).await;
    browser.fill("password", "Trickster@2026").await;
    browser.click_first_submit().await;
    assert_on_callback_with_code(&browser).await;
    browser.finish().await;
}

#[tokio::test]
async fn sign_out_asks_with_the_real_labels_and_returns_to_the_app() {
    let Some(browser) = Browser::open(mock(ask_before_signing_out).await).await else {
        return;
    };
    open_sign_in(&browser, "sample-spa").await;
    browser.fill("username", bundled::THOR.username).await;
    browser.fill("password", bundled::THOR.password).await;
    browser.click_first_submit().await;
    assert_on_callback_with_code(&browser).await;
    // Without an id_token_hint the sign-out flow asks first.
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", "sample-spa")
        .append_pair("post_logout_redirect_uri", SIGNED_OUT)
        .append_pair("state", "sign_out_success")
        .finish();
    browser.goto(&format!("/oauth2/logout?{query}")).await;
    browser.wait_for("button[type=\"submit\"]").await;
    assert_eq!(
        browser.card_text().await,
        "Sign out?\nYou are about to sign out of your account. Do you want to continue?\nSign out"
    );
    browser.assert_accessible("the sign-out page").await;
    browser.screenshot("sign-out").await;
    browser.click_button("Sign out").await;
    let url = browser
        .wait_for_url("the app", |u| u.as_str().starts_with(SIGNED_OUT))
        .await;
    assert_eq!(url.query(), Some("state=sign_out_success"));
    browser.finish().await;
}

#[tokio::test]
async fn an_expired_sign_in_says_so_and_the_error_page_shows_markup_as_text() {
    let Some(browser) = Browser::open(mock(|_| {}).await).await else {
        return;
    };
    open_sign_in(&browser, "sample-spa").await;
    browser.server.advance(Duration::from_secs(3600));
    browser.fill("username", bundled::THOR.username).await;
    browser.fill("password", bundled::THOR.password).await;
    browser.click_first_submit().await;
    browser.wait_for("[role=\"alert\"]").await;
    assert_eq!(
        browser.card_text().await,
        "Sign In\nInvalid request\nYour session has expired. Please return to the application and sign in again.\nPlease return to the application and try again."
    );
    browser.assert_accessible("an expired sign-in").await;
    browser.screenshot("expired").await;
    let message = format!(
        "<img src=x onerror=alert(1)> Ünïcødé {}",
        "long ".repeat(60)
    );
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("errorCode", "server_error")
        .append_pair("errorMessage", &message)
        .finish();
    browser.goto(&format!("/gate/error?{query}")).await;
    browser.wait_for("h1").await;
    assert_eq!(
        browser.card_text().await,
        format!(
            "Oops, that didn't work\n{}\nserver_error",
            message.trim_end()
        )
    );
    let injected = browser
        .client
        .execute(
            "return document.querySelectorAll('.tid-card img').length;",
            vec![],
        )
        .await
        .expect("a count");
    assert_eq!(injected, 0);
    browser.assert_accessible("the error page").await;
    browser.screenshot("error").await;
    browser.finish().await;
}

/// A mock whose public address is `http://localhost:<port>`: WebAuthn needs a secure context and a
/// relying party id that is a domain, and `localhost` is both (an IP address is never an RP id), so
/// the browser opens the gate there and `sample-passkey`'s relying party `localhost` matches.
async fn mock_on_localhost() -> MockServer {
    // Bound here and handed over, so the port is known before the server is built and no other
    // test can take it in between.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("a bound address").port();
    let mut fixtures = Fixtures::bundled();
    for app in &mut fixtures.applications {
        if let Some(oauth) = app.oauth.as_mut().filter(|o| !o.redirect_uris.is_empty()) {
            oauth.redirect_uris = vec![CALLBACK.to_owned()];
        }
    }
    MockServer::builder()
        .fixtures(fixtures)
        .listener(listener)
        .public_url(format!("http://localhost:{port}"))
        .start()
        .await
        .expect("the mock starts")
}

/// Through `sample-passkey`'s gate: choose the passkey and name Thor.
async fn passkey_for_thor(browser: &Browser) {
    browser.goto(&authorize_path("sample-passkey")).await;
    browser
        .wait_for_url("the gate", |u| u.path() == "/gate/signin")
        .await;
    browser
        .click_and_wait("button[value=\"action_passkey\"]")
        .await;
    browser.fill("username", bundled::THOR.username).await;
    browser.click_first_submit().await;
}

/// The passkey button's script, run by a person's click: Chrome's authenticator answers and the
/// script posts its answer, or the test fails with what the page says.
async fn run_passkey_script(browser: &Browser, what: &str) {
    if let Err(said) = browser.run_passkey_script().await {
        panic!("{what}: the passkey script failed: {said}");
    }
}

/// The attestation object the passkey script posted: its `fmt` and its statement's members.
fn posted_attestation(server: &MockServer) -> (String, Vec<String>) {
    use base64::Engine as _;
    let posted = server
        .received_requests()
        .into_iter()
        .find_map(|entry| {
            url::form_urlencoded::parse(entry.body.as_bytes())
                .find(|(name, _)| name == "attestationObject")
                .map(|(_, value)| value.into_owned())
        })
        .expect("the script posted an attestationObject");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(posted)
        .expect("base64url");
    let object: ciborium::Value = ciborium::de::from_reader(bytes.as_slice()).expect("CBOR");
    let member = |name: &str| {
        object
            .as_map()
            .and_then(|m| m.iter().find(|(k, _)| k.as_text() == Some(name)))
            .map(|(_, v)| v.clone())
            .expect("member")
    };
    let statement = member("attStmt")
        .as_map()
        .map(|m| {
            m.iter()
                .filter_map(|(k, _)| k.as_text().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    (
        member("fmt").as_text().unwrap_or_default().to_owned(),
        statement,
    )
}

#[tokio::test]
async fn a_passkey_made_by_chromes_authenticator_through_the_gate_signs_in_in_the_next_flow() {
    let Some(browser) = Browser::open(mock_on_localhost().await).await else {
        return;
    };
    assert!(browser.server.base_url().starts_with("http://localhost:"));
    browser.add_virtual_authenticator().await;

    passkey_for_thor(&browser).await;
    // Thor has no passkey yet (FET-1019): his password, then the creation options.
    browser.fill("password", bundled::THOR.password).await;
    browser.click_first_submit().await;
    assert_eq!(
        browser
            .attribute("#tid-passkey", "data-mode")
            .await
            .as_deref(),
        Some("create")
    );
    browser.assert_accessible("the passkey creation step").await;
    run_passkey_script(&browser, "registering").await;
    assert_on_callback_with_code(&browser).await;
    // The options ask for `attestation: direct`, but Chrome sends direct attestation only after a
    // person allows it, which an automated browser never does: it sends `none`.
    assert_eq!(
        posted_attestation(&browser.server),
        ("none".to_owned(), vec![])
    );

    passkey_for_thor(&browser).await;
    assert_eq!(
        browser
            .attribute("#tid-passkey", "data-mode")
            .await
            .as_deref(),
        Some("get")
    );
    run_passkey_script(&browser, "signing in").await;
    assert_on_callback_with_code(&browser).await;
    browser.finish().await;
}

/// The PKCE verifier whose S256 challenge is [`CHALLENGE`] (RFC 7636 appendix B).
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

#[tokio::test]
async fn consent_the_ticked_attribute_is_the_only_one_the_tokens_carry() {
    let Some(browser) = Browser::open(mock(|_| {}).await).await else {
        return;
    };
    open_sign_in(&browser, "sample-consent").await;
    browser.fill("username", bundled::THOR.username).await;
    browser.fill("password", bundled::THOR.password).await;
    browser.click_first_submit().await;
    browser.wait_for(".tid-consent").await;
    // The time left is counted on the system clock: 5:00, or 4:59 if a second turned meanwhile.
    let text = browser.card_text().await.replace("4:59", "5:00");
    assert_eq!(
        text,
        "sample-consent wants to access your account\n\
         Please review the information requested by the application and provide your consent to proceed.\n\
         This request expires in 5:00. You will then be returned to the application.\n\
         Optional Attributes\nemail\nfamily_name\ngiven_name\nAllow\nDeny"
    );
    browser.assert_accessible("the consent page").await;
    browser.screenshot("consent").await;
    let given_name = format!(
        "input[name=\"__consent_opt__attributes:{}__given_name\"]",
        bundled::SAMPLE_CONSENT.id
    );
    browser
        .client
        .find(fantoccini::Locator::Css(&given_name))
        .await
        .expect("the given_name box")
        .click()
        .await
        .expect("ticked");
    browser.click_first_submit().await;
    let code = assert_on_callback_with_code(&browser).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("client_id", "sample-consent"),
        ("code_verifier", VERIFIER),
    ];
    let response: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/oauth2/token", browser.server.base_url()))
        .form(&form)
        .send()
        .await
        .expect("the token endpoint answers")
        .json()
        .await
        .expect("a JSON body");
    for token in ["id_token", "access_token"] {
        let jwt = response[token].as_str().expect("a token");
        let claims = browser.server.verify(jwt).expect("a valid token").claims;
        let profile: Vec<(&str, Option<&serde_json::Value>)> =
            ["given_name", "family_name", "email"]
                .iter()
                .map(|name| (*name, claims.get(*name)))
                .collect();
        assert_eq!(
            profile,
            [
                ("given_name", Some(&serde_json::json!("Thor"))),
                ("family_name", None),
                ("email", None)
            ],
            "{token}"
        );
    }
    browser.finish().await;
}
