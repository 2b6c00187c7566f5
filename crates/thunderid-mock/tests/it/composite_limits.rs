//! The 1000-record limit of the server's composite stores on the user, group and role lists
//! (`serverconst.MaxCompositeStoreRecords`): the entity store is composite in every mode and
//! fails the user list with a 500; the group and role stores are composite only beside
//! declarative files, cap each store's count at the limit, and fail with a 500 and ROL-1017.

use serde_json::{Value, json};
use thunderid_mock::MockServer;

use crate::declarative_layers::{call, scratch};
use crate::support::TestServer;

const UNIT: &str = "01900000-0000-7000-8000-000000000001";

/// `copies` declarative documents of `kind`, each with its own id and name.
fn copies(kind: &str, copies: usize, extra: &str) -> String {
    (0..copies)
        .map(|i| {
            format!(
                "resource_type: {kind}\nid: 019c0000-0000-7000-8000-{i:012}\n\
                 name: Bulk {kind} {i}\nouHandle: default\n{extra}"
            )
        })
        .collect::<Vec<_>>()
        .join("---\n")
}

pub(crate) async fn total(t: &TestServer, path: &str) -> Value {
    let (status, body) = call(t, reqwest::Method::GET, path, None).await;
    assert_eq!(status, 200, "{path}: {body}");
    body["totalResults"].clone()
}

#[tokio::test]
async fn group_and_role_lists_stop_past_a_thousand_stored_and_declarative_records() {
    let plain = TestServer::start().await;
    let groups = total(&plain, "/groups").await.as_u64().unwrap() as usize;
    let roles = total(&plain, "/roles").await.as_u64().unwrap() as usize;
    let documents = [
        copies("group", 1000 - groups, ""),
        copies("role", 1000 - roles, ""),
    ]
    .join("---\n");
    let dir = scratch("composite-groups", &with_distinct_role_ids(&documents));
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    assert_eq!(total(&t, "/groups").await, json!(1000));
    assert_eq!(total(&t, "/roles").await, json!(1000));

    let (status, _) = call(
        &t,
        reqwest::Method::POST,
        "/groups",
        Some(&json!({"name": "One too many", "ouId": UNIT})),
    )
    .await;
    assert_eq!(status, 201);
    let (status, body) = call(&t, reqwest::Method::GET, "/groups", None).await;
    assert_eq!(status, 500);
    insta::assert_json_snapshot!("group_list_over_the_composite_limit", body);

    let (status, _) = call(
        &t,
        reqwest::Method::POST,
        "/roles",
        Some(&json!({"name": "One too many", "ouId": UNIT})),
    )
    .await;
    assert_eq!(status, 201);
    let (status, body) = call(&t, reqwest::Method::GET, "/roles", None).await;
    assert_eq!(status, 400);
    insta::assert_json_snapshot!("role_list_over_the_composite_limit", body);

    // The server's mutable mode has no composite group or role store.
    let t = TestServer::with(MockServer::builder().resources(&dir).mutable_resources()).await;
    for path in ["/groups", "/roles"] {
        let (status, _) = call(
            &t,
            reqwest::Method::POST,
            path,
            Some(&json!({"name": "One too many", "ouId": UNIT})),
        )
        .await;
        assert_eq!(status, 201);
        assert_eq!(total(&t, path).await, json!(1001), "{path}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The role copies numbered past the groups'.
fn with_distinct_role_ids(documents: &str) -> String {
    documents
        .split("---\n")
        .map(|d| {
            if d.starts_with("resource_type: role") {
                d.replace("019c0000-", "019d0000-")
            } else {
                d.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("---\n")
}

#[tokio::test]
async fn the_user_list_fails_past_a_thousand_users_in_every_store_mode() {
    let plain = TestServer::start().await;
    let users = total(&plain, "/users").await.as_u64().unwrap() as usize;
    let user_type = "resource_type: user_type\nid: 019c0000-0000-7000-8000-ffffffffffff\n\
                     name: Bulk\nouHandle: default\n\
                     schema: '{\"username\": {\"type\": \"string\", \"required\": true}}'\n";
    let bulk = (0..1000 - users)
        .map(|i| {
            format!(
                "resource_type: user\nid: 019c0000-0000-7000-8000-{i:012}\ntype: Bulk\n\
                 ouHandle: default\nattributes: {{username: bulk-{i}}}\n"
            )
        })
        .collect::<Vec<_>>()
        .join("---\n");
    let dir = scratch("composite-users", &format!("{user_type}---\n{bulk}"));
    for builder in [
        MockServer::builder().resources(&dir),
        MockServer::builder().resources(&dir).mutable_resources(),
    ] {
        let t = TestServer::with(builder).await;
        assert_eq!(total(&t, "/users").await, json!(1000));
        // A filter or a caller's unit narrows what is counted.
        assert_eq!(
            total(&t, "/users?filter=username%20eq%20%22bulk-1%22").await,
            json!(1)
        );
        let user = json!({"ouId": UNIT, "type": "Bulk", "attributes": {"username": "extra"}});
        let (status, created) = call(&t, reqwest::Method::POST, "/users", Some(&user)).await;
        assert_eq!(status, 201, "{created}");
        let (status, body) = call(&t, reqwest::Method::GET, "/users", None).await;
        assert_eq!(status, 500);
        insta::assert_json_snapshot!("user_list_over_the_composite_limit", body);
        assert_eq!(
            total(&t, "/users?filter=username%20eq%20%22extra%22").await,
            json!(1)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_root_unit_list_is_ou_1013_past_a_thousand_units() {
    let plain = TestServer::start().await;
    let roots = total(&plain, "/organization-units").await.as_u64().unwrap() as usize;
    let units = (0..1000 - roots)
        .map(|i| {
            format!(
                "resource_type: organization_unit\nid: 019c0000-0000-7000-8000-{i:012}\n\
                 handle: bulk-{i}\nname: Bulk unit {i}\n"
            )
        })
        .collect::<Vec<_>>()
        .join("---\n");
    let dir = scratch("composite-units", &units);
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    assert_eq!(total(&t, "/organization-units").await, json!(1000));
    let unit = json!({"handle": "one-more", "name": "One more"});
    let (status, created) = call(
        &t,
        reqwest::Method::POST,
        "/organization-units",
        Some(&unit),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let (status, body) = call(&t, reqwest::Method::GET, "/organization-units", None).await;
    assert_eq!(status, 400);
    insta::assert_json_snapshot!("unit_list_over_the_composite_limit", body);
    // A filter narrows what is counted.
    let one = "/organization-units?filter=handle%20eq%20%22one-more%22";
    assert_eq!(total(&t, one).await, json!(1));

    let t = TestServer::with(MockServer::builder().resources(&dir).mutable_resources()).await;
    let (status, _) = call(
        &t,
        reqwest::Method::POST,
        "/organization-units",
        Some(&unit),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(total(&t, "/organization-units").await, json!(1001));
    let _ = std::fs::remove_dir_all(&dir);
}
