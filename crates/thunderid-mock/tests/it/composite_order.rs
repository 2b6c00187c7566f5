//! The order of lists that mix stored and declarative records: the server's composite stores
//! merge the database's records (in the list's own order) with the file store's, which lists by
//! id (entity types by name); themes and layouts put the files' first.

use serde_json::{Value, json};
use thunderid_mock::MockServer;

use crate::declarative_layers::{call, scratch};
use crate::support::TestServer;

const UNIT: &str = "01900000-0000-7000-8000-000000000001";

/// Two of each kind, so that neither the file's order nor the list's own order is the merged one
/// (roles: newest first would put the second above the first).
const DOCUMENTS: &str = r#"
resource_type: role
id: 019e0000-0000-7000-8000-000000000001
name: Zebra role
ouHandle: default
---
resource_type: role
id: 019e0000-0000-7000-8000-000000000002
name: Aardvark role
ouHandle: default
---
resource_type: group
id: 019e0000-0000-7000-8000-000000000012
name: Aardvarks
ouHandle: default
---
resource_type: group
id: 019e0000-0000-7000-8000-000000000011
name: Zebras
ouHandle: default
---
resource_type: organization_unit
id: 019e0000-0000-7000-8000-000000000022
handle: aardvark
name: Aardvark
---
resource_type: organization_unit
id: 019e0000-0000-7000-8000-000000000021
handle: zebra
name: Zebra
---
resource_type: user_type
id: 019e0000-0000-7000-8000-000000000031
name: Zeta
ouHandle: default
schema: '{"username": {"type": "string"}}'
---
resource_type: user_type
id: 019e0000-0000-7000-8000-000000000032
name: Alpha
ouHandle: default
schema: '{"username": {"type": "string"}}'
---
resource_type: theme
id: 019e0000-0000-7000-8000-000000000042
handle: second-theme
displayName: Second
theme:
  direction: ltr
---
resource_type: theme
id: 019e0000-0000-7000-8000-000000000041
handle: first-theme
displayName: First
theme:
  direction: ltr
"#;

async fn ids(t: &TestServer, path: &str, member: &str) -> Vec<String> {
    let (status, body) = call(t, reqwest::Method::GET, path, None).await;
    assert_eq!(status, 200, "{path}: {body}");
    body[member]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: {body}"))
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn create(t: &TestServer, path: &str, body: Value) -> String {
    let (status, created) = call(t, reqwest::Method::POST, path, Some(&body)).await;
    assert_eq!(status, 201, "{path}: {created}");
    created["id"].as_str().unwrap().to_owned()
}

fn tail(list: &[String], n: usize) -> Vec<&str> {
    list[list.len() - n..].iter().map(String::as_str).collect()
}

#[tokio::test]
async fn mixed_lists_show_the_stored_records_then_the_declarative_ones_by_id() {
    let dir = scratch("composite-order", DOCUMENTS);
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    let _ = std::fs::remove_dir_all(&dir);

    // Roles newest first, then the files' by id, after one created now.
    let role = create(&t, "/roles", json!({"name": "Fresh role", "ouId": UNIT})).await;
    let roles = ids(&t, "/roles?limit=100", "roles").await;
    assert_eq!(roles[0], role);
    let declared_roles = [
        "019e0000-0000-7000-8000-000000000001",
        "019e0000-0000-7000-8000-000000000002",
    ];
    assert_eq!(tail(&roles, 2), declared_roles);
    let unit_roles = ids(&t, &format!("/organization-units/{UNIT}/roles"), "roles").await;
    assert_eq!(tail(&unit_roles, 2), declared_roles);

    // Groups by name, then the files' by id: Zebras (…11) before Aardvarks (…12).
    create(&t, "/groups", json!({"name": "Middle", "ouId": UNIT})).await;
    let declared_groups = [
        "019e0000-0000-7000-8000-000000000011",
        "019e0000-0000-7000-8000-000000000012",
    ];
    assert_eq!(
        tail(&ids(&t, "/groups", "groups").await, 2),
        declared_groups
    );
    assert_eq!(
        tail(&ids(&t, "/groups/tree/default", "groups").await, 2),
        declared_groups
    );

    // Root units, then the files' by id.
    let units = ids(&t, "/organization-units", "organizationUnits").await;
    assert_eq!(
        tail(&units, 2),
        [
            "019e0000-0000-7000-8000-000000000021",
            "019e0000-0000-7000-8000-000000000022"
        ]
    );

    // User types by name, then the files' by name: Person before Alpha.
    let types = ids(&t, "/user-types", "types").await;
    assert_eq!(
        tail(&types, 2),
        [
            "019e0000-0000-7000-8000-000000000032",
            "019e0000-0000-7000-8000-000000000031"
        ]
    );

    // Themes: the files' first, by id, then the stored ones.
    let stored = create(
        &t,
        "/design/themes",
        json!({"handle": "stored", "displayName": "Stored", "theme": {}}),
    )
    .await;
    let themes = ids(&t, "/design/themes", "themes").await;
    assert_eq!(
        themes,
        [
            "019e0000-0000-7000-8000-000000000041",
            "019e0000-0000-7000-8000-000000000042",
            stored.as_str()
        ]
    );
}
