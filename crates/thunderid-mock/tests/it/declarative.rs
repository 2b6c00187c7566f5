//! `--resources` / `MockServerBuilder::resources`: the server's declarative resource files loaded
//! at start through the import pipeline (environment variables filled in), a failing document
//! refusing the start, and a reset bringing them back.

use serde_json::json;
use thunderid_mock::MockServer;

use crate::support::TestServer;

const ADMIN: &str = "01900000-0000-7000-8000-000000000100";

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "thunderid-mock-resources-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("applications")).unwrap();
    dir
}

const APP: &str = r#"
id: 019a0000-0000-7000-8000-0000000000e1
ouHandle: default
name: Declared app
type: browser
authFlowHandle: declared-flow
inboundAuthConfig:
  - type: oauth2
    config:
      clientId: "{{.DECLARED_CLIENT_ID}}"
      redirectUris:
        {{- range .DECLARED_URIS}}
        - {{.}}
        {{- end}}
      tokenEndpointAuthMethod: none
      publicClient: true
      pkceRequired: true
"#;

const FLOW: &str = r"
resource_type: flow
id: 019a0000-0000-7000-8000-0000000000e2
handle: declared-flow
name: Declared flow
flowType: AUTHENTICATION
nodes:
  - {id: start, type: START, onSuccess: assert}
  - {id: assert, type: TASK_EXECUTION, executor: {name: AuthAssertExecutor}, onSuccess: end}
  - {id: end, type: END}
";

#[tokio::test]
async fn a_resource_directory_is_loaded_at_start_and_again_after_a_reset() {
    let dir = scratch("ok");
    std::fs::write(dir.join("applications/declared.yaml"), APP).unwrap();
    std::fs::write(dir.join("flows.yml"), FLOW).unwrap();
    // Mutable, so the delete below is allowed (read-only loading: `declarative_read_only`).
    let builder = MockServer::builder()
        .resources(&dir)
        .mutable_resources()
        .resource_variable("DECLARED_CLIENT_ID", "declared-client")
        .resource_variable("DECLARED_URIS_0", "http://localhost:7001/cb")
        .resource_variable("DECLARED_URIS_1", "http://localhost:7002/cb");
    let t = TestServer::with(builder).await;
    let token = t.server.mint_access_token(ADMIN, "sample-spa", &["system"]);
    let app = t
        .send(
            t.client
                .get(t.url("/applications/019a0000-0000-7000-8000-0000000000e1"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(app.status.as_u16(), 200, "{app:?}");
    let body = app.json();
    assert_eq!(
        body["authFlowId"],
        json!("019a0000-0000-7000-8000-0000000000e2")
    );
    assert_eq!(
        body["inboundAuthConfig"][0]["config"]["redirectUris"],
        json!(["http://localhost:7001/cb", "http://localhost:7002/cb"])
    );

    // Deleted, then back after a reset.
    let deleted = t
        .send(
            t.client
                .delete(t.url("/applications/019a0000-0000-7000-8000-0000000000e1"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(deleted.status.as_u16(), 204);
    t.server.reset();
    let again = t
        .send(
            t.client
                .get(t.url("/applications/019a0000-0000-7000-8000-0000000000e1"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(again.status.as_u16(), 200, "{again:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_failing_document_refuses_the_start_naming_its_file() {
    let dir = scratch("bad");
    std::fs::write(
        dir.join("broken.yaml"),
        "resource_type: flow\nhandle: Bad Handle\nname: x\nflowType: AUTHENTICATION\nnodes: []\n",
    )
    .unwrap();
    let error = MockServer::builder()
        .resources(&dir)
        .start()
        .await
        .expect_err("a broken flow refuses the start");
    let text = error.to_string();
    assert!(
        text.contains("broken.yaml") && text.contains("FLM-1015"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
