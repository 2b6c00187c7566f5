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

const LOKI: &str = "01900000-0000-7000-8000-000000000102";

async fn send(t: &TestServer, path: &str, body: Value) -> Value {
    let (status, answer) = call(t, reqwest::Method::POST, path, Some(&body)).await;
    assert!(status < 300, "{path}: {status} {answer}");
    answer
}

/// The same members added to (`add`) or removed from (`remove`) `group` and `role`.
async fn change_both(t: &TestServer, group: &str, role: &str, action: &str, who: &Value) {
    send(
        t,
        &format!("{group}/members/{action}"),
        json!({"members": who}),
    )
    .await;
    send(
        t,
        &format!("{role}/assignments/{action}"),
        json!({"assignments": who}),
    )
    .await;
}

fn ids(list: &Value, field: &str) -> Vec<String> {
    list[field]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_api_changes_a_declarative_group_or_role_but_not_what_its_file_lists() {
    let dir = scratch("memberships-api", &documents(STAFF));
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    let _ = std::fs::remove_dir_all(&dir);
    let group = "/groups/019a0000-0000-7000-8000-0000000000c1";
    let role = "/roles/019a0000-0000-7000-8000-0000000000c2";
    let loki = json!([{"id": LOKI, "type": "user"}]);

    // Added members are the database's: listed first, then the file's, in its order. The group's
    // answer shows the file's members only (`GetGroup` reads the file store).
    let added = send(
        &t,
        &format!("{group}/members/add"),
        json!({"members": loki}),
    )
    .await;
    insta::assert_json_snapshot!("declarative_group_after_member_add", added);
    assert_eq!(get(&t, group).await["members"], added["members"]);
    send(
        &t,
        &format!("{role}/assignments/add"),
        json!({"assignments": loki}),
    )
    .await;
    let expected = [LOKI, THOR, STAFF].map(str::to_owned).to_vec();
    assert_eq!(ids(&get(&t, DECLARED_GROUP).await, "members"), expected);
    assert_eq!(ids(&get(&t, DECLARED_ROLE).await, "assignments"), expected);

    // Removing thor and loki removes loki: thor is in the file.
    let both = json!([{"id": LOKI, "type": "user"}, {"id": THOR, "type": "user"}]);
    change_both(&t, group, role, "remove", &both).await;
    let expected = [THOR, STAFF].map(str::to_owned).to_vec();
    assert_eq!(ids(&get(&t, DECLARED_GROUP).await, "members"), expected);
    assert_eq!(ids(&get(&t, DECLARED_ROLE).await, "assignments"), expected);

    // Deleting a user takes its stored memberships from a declarative group and role too.
    change_both(&t, group, role, "add", &loki).await;
    delete(&t, &format!("/users/{LOKI}")).await;
    for path in [DECLARED_GROUP, DECLARED_ROLE] {
        assert_eq!(get(&t, path).await["totalResults"], json!(2), "{path}");
    }
    // A stored group's answer has no members.
    let staff = get(&t, &format!("/groups/{STAFF}")).await;
    assert!(staff.get("members").is_none(), "{staff}");
}

/// `count` documents from `template`, `{i}` standing for a 12-digit index.
fn repeated(count: usize, template: &str) -> String {
    (0..count)
        .map(|i| template.replace("{i}", &format!("{i:012}")))
        .collect::<Vec<_>>()
        .join("---\n")
}

#[tokio::test]
async fn member_and_unit_lists_stop_at_the_composite_limit() {
    const BULK: &str = "019b0000-0000-7000-8000-000000000001";
    let users: Vec<String> = (0..1000)
        .map(|i| format!("{{id: 019b0001-0000-7000-8000-{i:012}, type: user}}"))
        .collect();
    let users = users.join(", ");
    let documents = [
        format!("resource_type: organization_unit\nid: {BULK}\nhandle: bulk\nname: Bulk\n"),
        "resource_type: user_type\nid: 019b0000-0000-7000-8000-0000000000ff\nname: Bulk\n\
         ouHandle: bulk\nschema: '{\"username\": {\"type\": \"string\"}}'\n"
            .to_owned(),
        repeated(
            1000,
            "resource_type: user\nid: 019b0001-0000-7000-8000-{i}\ntype: Bulk\n\
             ouHandle: bulk\nattributes: {username: bulk-{i}}\n",
        ),
        format!(
            "resource_type: group\nid: 019b0002-0000-7000-8000-000000000001\nname: Crowd\n\
             ouHandle: default\nmembers: [{users}]\n"
        ),
        format!(
            "resource_type: role\nid: 019b0003-0000-7000-8000-000000000001\nname: Crowd\n\
             ouHandle: default\nassignments: [{users}]\n"
        ),
        repeated(
            1000,
            "resource_type: group\nid: 019b0004-0000-7000-8000-{i}\nname: Bulk group {i}\n\
             ouHandle: bulk\n",
        ),
        repeated(
            1000,
            "resource_type: role\nid: 019b0005-0000-7000-8000-{i}\nname: Bulk role {i}\n\
             ouHandle: bulk\n",
        ),
        repeated(
            1001,
            &format!(
                "resource_type: organization_unit\nid: 019b0006-0000-7000-8000-{{i}}\n\
                 handle: child-{{i}}\nname: Child {{i}}\nparent: {BULK}\n"
            ),
        ),
    ];
    let dir = scratch("composite-members", &documents.join("---\n"));
    let t = TestServer::with(MockServer::builder().resources(&dir)).await;
    let _ = std::fs::remove_dir_all(&dir);
    let group = "/groups/019b0002-0000-7000-8000-000000000001";
    let role = "/roles/019b0003-0000-7000-8000-000000000001";
    let unit = format!("/organization-units/{BULK}");

    // A thousand in one store is within the limit, each count being capped at it.
    for path in [
        format!("{group}/members"),
        format!("{role}/assignments"),
        format!("{unit}/users"),
        format!("{unit}/groups"),
        format!("{unit}/roles"),
    ] {
        assert_eq!(get(&t, &path).await["totalResults"], json!(1000), "{path}");
    }
    // One more in the database passes it.
    let loki = json!([{"id": LOKI, "type": "user"}]);
    send(
        &t,
        &format!("{group}/members/add"),
        json!({"members": loki}),
    )
    .await;
    send(
        &t,
        &format!("{role}/assignments/add"),
        json!({"assignments": loki}),
    )
    .await;
    send(
        &t,
        "/users",
        json!({"type": "Bulk", "ouId": BULK, "attributes": {"username": "one-more"}}),
    )
    .await;
    send(&t, "/groups", json!({"name": "One more", "ouId": BULK})).await;
    send(&t, "/roles", json!({"name": "One more", "ouId": BULK})).await;
    let (status, body) = call(&t, reqwest::Method::GET, &format!("{group}/members"), None).await;
    assert_eq!(status, 500);
    insta::assert_json_snapshot!("composite_group_members_past_the_limit", body);
    for path in [
        format!("{unit}/users"),
        format!("{unit}/groups"),
        format!("{unit}/roles"),
    ] {
        let (status, body) = call(&t, reqwest::Method::GET, &path, None).await;
        assert_eq!(
            (status, body["code"].clone()),
            (500, json!("SSE-5000")),
            "{path}"
        );
    }
    // Users, apps and agents count as one type; groups apart.
    for query in ["", "?type=user", "?type=app"] {
        let path = format!("{role}/assignments{query}");
        let (status, body) = call(&t, reqwest::Method::GET, &path, None).await;
        assert_eq!(
            (status, body["code"].clone()),
            (400, json!("ROL-1017")),
            "{path}"
        );
    }
    let groups = get(&t, &format!("{role}/assignments?type=group")).await;
    assert_eq!(groups["totalResults"], json!(0));

    // The children are one merged list, uncapped: 1001 are OU-1013, on both paths.
    for path in [
        format!("{unit}/ous"),
        "/organization-units/tree/bulk/ous".to_owned(),
        format!("/api/server/v1/organization-units/{BULK}/children"),
    ] {
        let (status, body) = call(&t, reqwest::Method::GET, &path, None).await;
        assert_eq!(
            (status, body["code"].clone()),
            (400, json!("OU-1013")),
            "{path}"
        );
    }
    let narrowed = get(
        &t,
        &format!("{unit}/ous?filter=handle%20eq%20%22child-000000000001%22"),
    )
    .await;
    assert_eq!(narrowed["totalResults"], json!(1));
}
