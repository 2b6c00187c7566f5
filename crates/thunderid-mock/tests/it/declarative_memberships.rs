//! Deleting a user or a group as the server's composite stores do: the database's memberships
//! and assignments go, a declarative group's or role's file keeps listing the deleted id, and
//! the member lists count it but drop a missing user from their pages.

use serde_json::{Value, json};
use thunderid_mock::MockServer;

use crate::declarative_layers::{call, scratch};
use crate::support::TestServer;

const THOR: &str = "01900000-0000-7000-8000-000000000101";
const UNIT: &str = "01900000-0000-7000-8000-000000000001";
/// The bundled `staff` group.
const STAFF: &str = "01900000-0000-7000-8000-000000000042";
const DECLARED_GROUP: &str = "/groups/019a0000-0000-7000-8000-0000000000c1/members";
const DECLARED_ROLE: &str = "/roles/019a0000-0000-7000-8000-0000000000c2/assignments";

/// A declarative group and role listing thor and `group`.
fn documents(group: &str) -> String {
    format!(
        r#"
resource_type: group
id: 019a0000-0000-7000-8000-0000000000c1
name: Declared crew
ouHandle: default
members: [{{id: {THOR}, type: user}}, {{id: {group}, type: group}}]
---
resource_type: role
id: 019a0000-0000-7000-8000-0000000000c2
name: Declared crew role
ouHandle: default
assignments: [{{id: {THOR}, type: user}}, {{id: {group}, type: group}}]
"#
    )
}

async fn get(t: &TestServer, path: &str) -> Value {
    let (status, body) = call(t, reqwest::Method::GET, path, None).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

async fn delete(t: &TestServer, path: &str) {
    let (status, body) = call(t, reqwest::Method::DELETE, path, None).await;
    assert_eq!(status, 204, "{path}: {body}");
}

#[tokio::test]
async fn deleted_users_and_groups_stay_in_declarative_groups_and_roles() {
    let dir = scratch("memberships-kept", &documents(STAFF));
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    let _ = std::fs::remove_dir_all(&dir);
    let stored = json!({"name": "Stored crew", "ouId": UNIT,
                        "members": [{"id": THOR, "type": "user"}, {"id": STAFF, "type": "group"}]});
    let (status, created) = call(&t, reqwest::Method::POST, "/groups", Some(&stored)).await;
    assert_eq!(status, 201, "{created}");
    let stored_group = format!("/groups/{}/members", created["id"].as_str().unwrap());
    for path in [stored_group.as_str(), DECLARED_GROUP, DECLARED_ROLE] {
        assert_eq!(get(&t, path).await["totalResults"], json!(2), "{path}");
    }

    delete(&t, &format!("/users/{THOR}")).await;
    delete(&t, &format!("/groups/{STAFF}")).await;
    // The stored group lost both; the declarative group and role still count them, but their
    // pages drop a user that no longer exists and show a missing group by its id.
    assert_eq!(get(&t, &stored_group).await["totalResults"], json!(0));
    insta::assert_json_snapshot!(
        "declarative_group_after_member_deletes",
        get(&t, &format!("{DECLARED_GROUP}?include=display")).await
    );
    insta::assert_json_snapshot!(
        "declarative_role_after_assignee_deletes",
        get(&t, DECLARED_ROLE).await
    );
    // Asked for users only, the role counts the existing ones; for groups, every listed one.
    let users = get(&t, &format!("{DECLARED_ROLE}?type=user")).await;
    assert_eq!(
        (users["totalResults"].clone(), users["count"].clone()),
        (json!(0), json!(0))
    );
    let groups = get(&t, &format!("{DECLARED_ROLE}?type=group")).await;
    assert_eq!(groups["count"], json!(1));

    // Loaded as stored resources (`--mutable-resources`), they lose them as any group does.
    let dir = scratch("memberships-mutable", &documents(STAFF));
    let t = TestServer::with(MockServer::builder().resources(&dir).mutable_resources()).await;
    let _ = std::fs::remove_dir_all(&dir);
    delete(&t, &format!("/users/{THOR}")).await;
    delete(&t, &format!("/groups/{STAFF}")).await;
    for path in [DECLARED_GROUP, DECLARED_ROLE] {
        assert_eq!(get(&t, path).await["totalResults"], json!(0), "{path}");
    }
}
