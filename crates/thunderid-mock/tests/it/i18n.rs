//! The translation API (`i18n.yaml`): what it stores is what `/flow/meta` and the gate show, the
//! checks in the server's order, and `translation` documents through `/import`.

use reqwest::Method;
use serde_json::{Value, json};
use thunderid_protocol::ApiErrorCode;

use crate::callback::{query_string, spa_query};
use crate::flow_support::card_text;
use crate::organizations::{admin, assert_api_error, call};
use crate::support::{Reply, TestServer, assert_json_eq};

async fn as_admin(t: &TestServer, method: Method, path: &str, body: Option<&Value>) -> Reply {
    call(t, method, path, Some(&admin(t)), body).await
}

async fn sign_in_card(t: &TestServer) -> Vec<String> {
    let reply = t
        .get(&format!(
            "/oauth2/authorize?{}",
            query_string(&spa_query("openid"))
        ))
        .await;
    let location = reply.location();
    let page = t
        .get(&format!(
            "{}?{}",
            location.path(),
            location.query().unwrap_or_default()
        ))
        .await;
    card_text(&page.body)
}

#[tokio::test]
async fn a_fresh_server_speaks_the_system_language() {
    let t = TestServer::start().await;
    let reply = t.get("/i18n/languages").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, "{\"languages\":[\"en-US\"]}\n");
}

#[tokio::test]
async fn a_language_set_resolves_each_key_to_its_best_stored_language() {
    let t = TestServer::start().await;
    let body = json!({"translations": {"signout": {"forms.confirm.title": "Se déconnecter ?"}}});
    let reply = as_admin(
        &t,
        Method::POST,
        "/i18n/languages/fr/translations",
        Some(&body),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_json_eq(
        &reply.json(),
        &json!({"language": "fr", "totalResults": 1,
                "translations": {"signout": {"forms.confirm.title": "Se déconnecter ?"}}}),
    );
    assert_json_eq(
        &t.get("/i18n/languages").await.json(),
        &json!({"languages": ["en-US", "fr"]}),
    );
    // fr-CA has no texts of its own: French first, then the system language per key.
    let resolved = t
        .get("/i18n/languages/fr-CA/translations/resolve?namespace=signout")
        .await;
    assert_eq!(resolved.status, 200);
    insta::assert_json_snapshot!(resolved.json());
    let key = t
        .get("/i18n/languages/fr-CA/translations/ns/signout/keys/forms.confirm.title/resolve")
        .await;
    assert_json_eq(
        &key.json(),
        &json!({"language": "fr-CA", "namespace": "signout", "key": "forms.confirm.title",
                "value": "Se déconnecter ?"}),
    );
    // Setting a language again replaces all of its texts.
    let other = json!({"translations": {"signin": {"forms.credentials.title": "Connexion"}}});
    as_admin(
        &t,
        Method::POST,
        "/i18n/languages/fr/translations",
        Some(&other),
    )
    .await;
    let key = t
        .get("/i18n/languages/fr/translations/ns/signout/keys/forms.confirm.title/resolve")
        .await;
    assert_eq!(key.json()["value"], "Sign out?");
}

#[tokio::test]
async fn an_override_shows_in_flow_meta_and_on_the_gate() {
    let t = TestServer::start().await;
    let path = "/i18n/languages/en-US/translations/ns/signin/keys/forms.credentials.title";
    let reply = as_admin(
        &t,
        Method::POST,
        path,
        Some(&json!({"value": "  Welcome back "})),
    )
    .await;
    assert_json_eq(
        &reply.json(),
        &json!({"language": "en-US", "namespace": "signin", "key": "forms.credentials.title",
                "value": "Welcome back"}),
    );
    let meta = t.get("/flow/meta?namespace=signin").await.json();
    assert_eq!(
        meta["i18n"]["translations"]["signin"]["forms.credentials.title"],
        "Welcome back"
    );
    assert_eq!(sign_in_card(&t).await[0], "Welcome back");
    // Clearing the key takes it away; the gate falls back to its own bundle.
    let cleared = as_admin(&t, Method::DELETE, path, None).await;
    assert_eq!((cleared.status.as_u16(), cleared.body.as_str()), (204, ""));
    let gone = t.get(&format!("{path}/resolve")).await;
    assert_api_error(&gone, 404, ApiErrorCode::I18nTranslationNotFound);
}

#[tokio::test]
async fn the_system_texts_answer_for_en_us_and_every_other_language() {
    let t = TestServer::start().await;
    let key =
        "/i18n/languages/de/translations/ns/system/keys/error.i18nservice.invalid_key/resolve";
    assert_json_eq(
        &t.get(key).await.json(),
        &json!({"language": "de", "namespace": "system", "key": "error.i18nservice.invalid_key",
                "value": "Invalid key format"}),
    );
    let all = t
        .get("/i18n/languages/de/translations/resolve?namespace=system")
        .await
        .json();
    let count = all["translations"]["system"]
        .as_object()
        .map_or(0, |m| m.len());
    assert_eq!(all["totalResults"], count);
    // A stored text of a system key competes with the built-in one by language.
    let path = "/i18n/languages/de/translations/ns/system/keys/error.i18nservice.invalid_key";
    as_admin(
        &t,
        Method::POST,
        path,
        Some(&json!({"value": "Ungültiger Schlüssel"})),
    )
    .await;
    let resolved = |language: &'static str| {
        let t = &t;
        async move {
            t.get(&format!(
                "/i18n/languages/{language}/translations/resolve?namespace=system"
            ))
            .await
            .json()["translations"]["system"]["error.i18nservice.invalid_key"]
                .clone()
        }
    };
    assert_eq!(resolved("de-AT").await, "Ungültiger Schlüssel");
    assert_eq!(resolved("fr").await, "Invalid key format");
    // Another namespace leaves them out.
    let other = t
        .get("/i18n/languages/de/translations/resolve?namespace=nothing")
        .await;
    assert_eq!(other.body, "{\"language\":\"de\",\"translations\":{}}\n");
}

#[tokio::test]
async fn checks_run_in_the_servers_order() {
    let t = TestServer::start().await;
    let cases: &[(Method, &str, Option<Value>, u16, ApiErrorCode)] = &[
        (
            Method::GET,
            "/i18n/languages/en-us/translations/resolve",
            None,
            400,
            ApiErrorCode::I18nInvalidLanguage,
        ),
        (
            Method::GET,
            "/i18n/languages/en/translations/resolve?namespace=a.b",
            None,
            400,
            ApiErrorCode::I18nInvalidNamespace,
        ),
        (
            Method::GET,
            "/i18n/languages/en/translations/ns/a.b/keys/k/resolve",
            None,
            400,
            ApiErrorCode::I18nInvalidNamespace,
        ),
        (
            Method::GET,
            "/i18n/languages/en/translations/ns/a/keys/k%20k/resolve",
            None,
            400,
            ApiErrorCode::I18nInvalidKey,
        ),
        (
            Method::GET,
            "/i18n/languages/%20/translations/ns/a/keys/k/resolve",
            None,
            400,
            ApiErrorCode::I18nMissingLanguage,
        ),
        (
            Method::POST,
            "/i18n/languages/fr/translations",
            Some(json!({"translations": []})),
            400,
            ApiErrorCode::I18nInvalidRequestFormat,
        ),
        // The body is read before the language is looked at.
        (
            Method::POST,
            "/i18n/languages/EN/translations",
            Some(json!(7)),
            400,
            ApiErrorCode::I18nInvalidRequestFormat,
        ),
        (
            Method::POST,
            "/i18n/languages/EN/translations",
            Some(json!({})),
            400,
            ApiErrorCode::I18nInvalidLanguage,
        ),
        (
            Method::POST,
            "/i18n/languages/fr/translations",
            Some(json!({"translations": {}})),
            400,
            ApiErrorCode::I18nEmptyTranslations,
        ),
        (
            Method::POST,
            "/i18n/languages/fr/translations",
            Some(json!({"translations": {"a b": {"k": "v"}}})),
            400,
            ApiErrorCode::I18nInvalidNamespace,
        ),
        (
            Method::POST,
            "/i18n/languages/fr/translations",
            Some(json!({"translations": {"a": {"k k": "v"}}})),
            400,
            ApiErrorCode::I18nInvalidKey,
        ),
        (
            Method::POST,
            "/i18n/languages/fr/translations",
            Some(json!({"translations": {"a": {"k": ""}}})),
            400,
            ApiErrorCode::I18nMissingValue,
        ),
        (
            Method::POST,
            "/i18n/languages/fr/translations/ns/a/keys/k",
            Some(json!({"value": "\u{7}  "})),
            400,
            ApiErrorCode::I18nMissingValue,
        ),
        (
            Method::POST,
            "/i18n/languages/fr/translations/ns/a/keys/k",
            Some(json!({"value": 1})),
            400,
            ApiErrorCode::I18nInvalidRequestFormat,
        ),
        (
            Method::DELETE,
            "/i18n/languages/xx/translations",
            None,
            400,
            ApiErrorCode::I18nInvalidLanguage,
        ),
        (
            Method::DELETE,
            "/i18n/languages/fr/translations/ns/a/keys/k%2Fk",
            None,
            400,
            ApiErrorCode::I18nInvalidKey,
        ),
    ];
    for (method, path, body, status, code) in cases {
        let reply = as_admin(&t, method.clone(), path, body.as_ref()).await;
        assert_api_error(&reply, *status, code.clone());
    }
    // A refused replacement leaves the stored texts as they were.
    assert_json_eq(
        &t.get("/i18n/languages").await.json(),
        &json!({"languages": ["en-US"]}),
    );
}

#[tokio::test]
async fn setters_need_system_and_readers_are_public() {
    let t = TestServer::start().await;
    let body = json!({"translations": {"a": {"k": "v"}}});
    let reply = call(
        &t,
        Method::POST,
        "/i18n/languages/fr/translations",
        None,
        Some(&body),
    )
    .await;
    assert_api_error(&reply, 401, ApiErrorCode::AuthUnauthorized);
    let reply = call(
        &t,
        Method::DELETE,
        "/i18n/languages/fr/translations",
        None,
        None,
    )
    .await;
    assert_api_error(&reply, 401, ApiErrorCode::AuthUnauthorized);
    assert_eq!(
        t.get("/i18n/languages/fr/translations/resolve")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_translation_document_replaces_its_language_through_import() {
    let t = TestServer::start().await;
    let content = "resource_type: translation\nlanguage: de\ntranslations:\n  signin:\n    forms.credentials.title: Anmelden\n---\nresource_type: translation\nlanguage: DE\ntranslations:\n  signin:\n    x: y\n";
    let reply = as_admin(
        &t,
        Method::POST,
        "/import",
        Some(&json!({"content": content})),
    )
    .await;
    assert_eq!(reply.status, 200);
    let results = &reply.json()["results"];
    assert_json_eq(
        results,
        &json!([
            {"resourceType": "translation", "resourceName": "de", "operation": "update", "status": "success"},
            {"resourceType": "translation", "resourceName": "DE", "operation": "update", "status": "failed",
             "code": "I18N-1001", "message": "Invalid language tag format"}
        ]),
    );
    let key = t
        .get("/i18n/languages/de/translations/ns/signin/keys/forms.credentials.title/resolve")
        .await;
    assert_eq!(key.json()["value"], "Anmelden");
}

#[tokio::test]
async fn an_applications_localized_name_goes_when_it_becomes_plain_text_or_the_app_goes() {
    let t = TestServer::start().await;
    let app = |name: &str| json!({"name": name, "type": "custom", "ouId": "01900000-0000-7000-8000-000000000001"});
    let created = as_admin(
        &t,
        Method::POST,
        "/applications",
        Some(&app("{{t(custom:app.x.name)}}")),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().expect("an id").to_owned();
    let key =
        |field: &str| format!("/i18n/languages/fr/translations/ns/custom/keys/app.{id}.{field}");
    for field in ["name", "tos_uri"] {
        let reply = as_admin(
            &t,
            Method::POST,
            &key(field),
            Some(&json!({"value": "Kiosque"})),
        )
        .await;
        assert_eq!(reply.status, 200);
    }
    // Still a reference: the text stays.
    as_admin(
        &t,
        Method::PUT,
        &format!("/applications/{id}"),
        Some(&app("{{t(custom:app.y.name)}}")),
    )
    .await;
    assert_eq!(t.get(&format!("{}/resolve", key("name"))).await.status, 200);
    // Plain text now: the name's texts go, the others stay.
    let replaced = as_admin(
        &t,
        Method::PUT,
        &format!("/applications/{id}"),
        Some(&app("Kiosk")),
    )
    .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    assert_api_error(
        &t.get(&format!("{}/resolve", key("name"))).await,
        404,
        ApiErrorCode::I18nTranslationNotFound,
    );
    assert_eq!(
        t.get(&format!("{}/resolve", key("tos_uri"))).await.status,
        200
    );
    as_admin(&t, Method::DELETE, &format!("/applications/{id}"), None).await;
    assert_api_error(
        &t.get(&format!("{}/resolve", key("tos_uri"))).await,
        404,
        ApiErrorCode::I18nTranslationNotFound,
    );
}
