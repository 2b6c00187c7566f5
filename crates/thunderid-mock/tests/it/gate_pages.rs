//! The hosted gate's pages as HTML: which control comes first, what the gate checks before the
//! engine, languages, the way back, and values from users and fixtures shown as text. The same
//! pages in a real browser are `tests/browser`.

use reqwest::StatusCode;
use serde_json::json;
use thunderid_mock::Fixtures;

use crate::callback::{SPA, query_string, spa_query};
use crate::flow_support::{GateForm, card_text, gate_cookie};
use crate::support::{Reply, TestServer};

/// The bundled fixtures with `sample-spa` allowing sign-up and recovery, and `tweak` applied.
fn fixtures(tweak: impl FnOnce(&mut Fixtures)) -> Fixtures {
    let mut fixtures = Fixtures::bundled();
    for app in &mut fixtures.applications {
        if app.oauth.as_ref().is_some_and(|o| o.client_id == SPA) {
            app.is_registration_flow_enabled = true;
            app.is_recovery_flow_enabled = true;
        }
    }
    tweak(&mut fixtures);
    fixtures
}

async fn sign_in_page(t: &TestServer, headers: &[(&str, &str)]) -> Reply {
    let reply = t
        .get(&format!(
            "/oauth2/authorize?{}",
            query_string(&spa_query("openid"))
        ))
        .await;
    let location = reply.location();
    let mut request = t.client.get(t.url(&format!(
        "{}?{}",
        location.path(),
        location.query().unwrap_or_default()
    )));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    t.send(request).await
}

/// The `<button …>` tags of a page, in document order.
fn button_tags(html: &str) -> Vec<String> {
    regex::Regex::new(r"<button[^>]*>")
        .expect("a pattern")
        .find_iter(html)
        .map(|m| m.as_str().to_owned())
        .collect()
}

#[tokio::test]
async fn the_primary_action_is_the_first_submit_button_and_the_links_follow_it() {
    let t = TestServer::with_fixtures(fixtures(|_| {})).await;
    let page = sign_in_page(&t, &[]).await;
    assert_eq!(
        button_tags(&page.body),
        [
            r#"<button id="action_001" type="submit" name="action" value="action_001" class="tid-button tid-primary">"#,
            r#"<button type="submit" form="tid-alt" name="action" value="action_forgot_password" class="tid-link">"#,
            r#"<button type="submit" form="tid-alt" name="action" value="action_signup" class="tid-link">"#,
        ]
    );
    assert_eq!(
        card_text(&page.body),
        [
            "Sign In",
            "Username *",
            "Password *",
            "Sign In",
            "Forgot password? Reset",
            "Don't have an account? Sign up"
        ]
    );
    // "Reset" posts the second form: the context, no inputs.
    let form = GateForm::parse(&page.body);
    let recovery = form.submit(&t, "action_forgot_password", &[]).await;
    assert_eq!(recovery.status, StatusCode::OK);
    assert_eq!(
        card_text(&recovery.body),
        [
            "Password Recovery",
            "Enter your username to start the password recovery",
            "Username *",
            "Submit",
            "Remember your password? Sign in"
        ]
    );
}

#[tokio::test]
async fn a_blank_required_field_comes_back_beside_its_field_without_reaching_the_engine() {
    let t = TestServer::with_fixtures(fixtures(|_| {})).await;
    let page = sign_in_page(&t, &[]).await;
    let form = GateForm::parse(&page.body);
    assert_eq!(
        form.hidden
            .iter()
            .filter(|(name, _)| name.starts_with("tid-"))
            .cloned()
            .collect::<Vec<_>>(),
        [
            ("tid-validate".to_owned(), "action_001".to_owned()),
            (
                "tid-check".to_owned(),
                "username TEXT_INPUT required".to_owned()
            ),
            (
                "tid-check".to_owned(),
                "password PASSWORD_INPUT required".to_owned()
            ),
        ]
    );
    let back = form
        .submit(&t, "action_001", &[("username", "thor <\"admin\">")])
        .await;
    assert_eq!(back.status, StatusCode::OK);
    assert_eq!(
        card_text(&back.body),
        [
            "Sign In",
            "Username *",
            "Password *",
            "Password is required.",
            "Sign In",
            "Forgot password? Reset",
            "Don't have an account? Sign up"
        ]
    );
    let fields = regex::Regex::new(r"<input id=[^>]*>")
        .expect("a pattern")
        .find_iter(&back.body)
        .map(|m| m.as_str().to_owned())
        .collect::<Vec<_>>();
    assert_eq!(
        fields,
        [
            r#"<input id="username" name="username" class="tid-input" type="text" autocomplete="username" placeholder="Enter your username" required value="thor &lt;&#34;admin&#34;&gt;">"#,
            r#"<input id="password" name="password" class="tid-input" type="password" autocomplete="current-password" placeholder="Enter your password" required autofocus aria-invalid="true" aria-describedby="password-error">"#,
        ]
    );
    // The engine never saw the attempt: the step goes on from the page it sent back.
    let done = GateForm::parse(&back.body)
        .submit(
            &t,
            "action_001",
            &[("username", "thor"), ("password", "Thor@12345")],
        )
        .await;
    assert_eq!(done.status, StatusCode::FOUND, "{done:?}");
}

#[tokio::test]
async fn an_error_with_params_names_the_attribute() {
    let t = TestServer::with_fixtures(fixtures(|_| {})).await;
    let page = sign_in_page(&t, &[]).await;
    let signup = GateForm::parse(&page.body)
        .submit(&t, "action_signup", &[])
        .await;
    let credentials = GateForm::parse(&signup.body)
        .submit(
            &t,
            "action_credentials",
            &[("username", "sif"), ("password", "Golden@12345")],
        )
        .await;
    let reply = GateForm::parse(&credentials.body)
        .submit(
            &t,
            "action_schema_attrs",
            &[("email", "thor@asgard.example")],
        )
        .await;
    assert_eq!(
        card_text(&reply.body)[..2],
        [
            "User already exists with the provided email",
            "The provided email is already associated with another user and expects a unique value"
        ]
    );
}

#[tokio::test]
async fn the_page_speaks_the_language_the_translations_carry() {
    let t = TestServer::with_fixtures(fixtures(|f| {
        f.translations.insert(
            "fr-FR".to_owned(),
            serde_json::from_value(json!({"signin": {
                "forms.credentials.title": "Se connecter",
                "forms.credentials.actions.submit.label": "<b>Connexion</b> & Ünïcødé"
            }}))
            .expect("translations"),
        );
    }))
    .await;
    let page = sign_in_page(&t, &[("accept-language", "fr-CA, en;q=0.5")]).await;
    assert!(
        page.body
            .starts_with("<!DOCTYPE html>\n<html lang=\"fr-FR\"")
    );
    assert_eq!(
        card_text(&page.body)[..4],
        [
            "Se connecter",
            "Username *",
            "Password *",
            "<b>Connexion</b> & Ünïcødé"
        ]
    );
    let button = button_tags(&page.body).remove(0);
    let primary = format!("{button}&lt;b&gt;Connexion&lt;/b&gt; &amp; Ünïcødé</button>");
    assert_eq!(page.body.matches(&primary).count(), 1);
    let nav = regex::Regex::new(r#"<nav class="tid-lang"[^\n]*</nav>"#)
        .expect("a pattern")
        .find(&page.body)
        .map(|m| m.as_str().to_owned())
        .expect("a language switcher");
    assert!(
        nav.contains(r#"hreflang="en-US" lang="en-US">en-US</a>"#)
            && nav.contains(r#"hreflang="fr-FR" lang="fr-FR" aria-current="true">fr-FR</a>"#),
        "{nav}"
    );
    // An explicit choice wins over the browser's and stays with the form.
    let href = regex::Regex::new(r#"href="([^"]*language=en-US)""#)
        .expect("a pattern")
        .captures(&nav)
        .map(|c| c[1].replace("&amp;", "&"))
        .expect("a link to en-US");
    let english = t
        .send(
            t.client
                .get(t.url(&href))
                .header("accept-language", "fr-FR")
                .header("cookie", gate_cookie(&page)),
        )
        .await;
    assert!(
        english
            .body
            .starts_with("<!DOCTYPE html>\n<html lang=\"en-US\"")
    );
    let form = GateForm::parse(&english.body);
    assert!(
        form.hidden
            .contains(&("language".to_owned(), "en-US".to_owned()))
    );
}

#[tokio::test]
async fn a_finished_sign_in_offers_the_way_back_to_the_application() {
    let t = TestServer::with_fixtures(fixtures(|f| {
        for app in &mut f.applications {
            app.url = Some("https://app.example/home?from=<gate>".to_owned());
        }
    }))
    .await;
    let reply = t
        .get("/gate/signin?applicationId=01900000-0000-7000-8000-0000000000a1&executionId=gone")
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(card_text(&reply.body)[3..], ["Return to application"]);
    assert_eq!(
        reply
            .body
            .matches(
                r#"<a href="https://app.example/home?from=&lt;gate&gt;">Return to application</a>"#
            )
            .count(),
        1
    );
}
