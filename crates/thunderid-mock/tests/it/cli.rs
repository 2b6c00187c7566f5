//! The `thunderid-mock` binary itself: banner, TLS, keygen, fixture errors.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_thunderid-mock"))
}

/// Start the binary and read its banner up to the first blank line after the user table.
fn start(args: &[&str]) -> (Running, Vec<String>) {
    let mut child = binary()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut banner = Vec::new();
    let mut blanks = 0;
    for line in lines.by_ref() {
        let line = line.expect("a line");
        if line.is_empty() {
            blanks += 1;
            if blanks == 3 {
                break;
            }
        }
        banner.push(line);
    }
    std::thread::spawn(move || for _ in lines {});
    (Running(child), banner)
}

fn base_url(banner: &[String]) -> String {
    banner[0]
        .strip_prefix("thunderid-mock listening on ")
        .expect("the first banner line")
        .to_owned()
}

#[tokio::test]
async fn the_banner_names_the_urls_apps_and_users() {
    let (_server, banner) = start(&["--port", "0"]);
    let base = base_url(&banner);
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert_eq!(
        banner[1],
        format!("  discovery: {base}/.well-known/openid-configuration")
    );
    let text = banner.join("\n");
    for needle in [
        "sample-spa",
        "sample-native",
        "(Flow-Secret)",
        "sample-m2m-secret",
        "thor",
        "loki",
        "admin",
    ] {
        assert!(text.contains(needle), "the banner lacks {needle}:\n{text}");
    }
    let response = reqwest::get(format!("{base}/.well-known/openid-configuration"))
        .await
        .expect("discovery");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn tls_serves_a_certificate_clients_can_trust() {
    let path = ready_path("tls");
    let (_server, banner) = start(&[
        "--port",
        "0",
        "--tls",
        "--ready-file",
        path.to_str().unwrap(),
    ]);
    let base = base_url(&banner);
    assert!(base.starts_with("https://localhost:"), "{base}");
    let cert_line = banner
        .iter()
        .find_map(|l| l.trim().strip_prefix("TLS certificate: "))
        .expect("a certificate path");
    let ready = read_ready(&path);
    assert_eq!(ready["tlsCertificate"], cert_line);
    assert_eq!(ready["baseUrl"], base.as_str());
    assert_eq!(
        ready["localUrl"],
        format!("https://127.0.0.1:{}", ready["port"])
    );
    let _ = std::fs::remove_file(path);
    let pem = std::fs::read(cert_line).expect("the certificate file");
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).expect("PEM"))
        .build()
        .expect("client");
    let discovery: serde_json::Value = client
        .get(format!("{base}/.well-known/openid-configuration"))
        .send()
        .await
        .expect("https")
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["issuer"], base.as_str());
    // A client that does not trust the certificate is refused, not silently accepted.
    assert!(
        reqwest::get(format!("{base}/health/liveness"))
            .await
            .is_err()
    );
}

#[test]
fn keygen_writes_a_fresh_rsa_2048_key_and_certificate() {
    let dir = std::env::temp_dir().join(format!("thunderid-mock-keygen-{}", std::process::id()));
    let status = binary()
        .args(["keygen", "--out"])
        .arg(&dir)
        .status()
        .expect("keygen");
    assert!(status.success());
    let key = std::fs::read_to_string(dir.join("signing-key.pem")).unwrap();
    let cert = std::fs::read_to_string(dir.join("signing-cert.pem")).unwrap();
    let fresh = thunderid_mock::SigningKey::from_pem(&key, &cert).expect("a usable key");
    let bundled = thunderid_mock::Fixtures::bundled();
    let fixed =
        thunderid_mock::SigningKey::from_pem(&bundled.signing_key_pem, &bundled.signing_cert_pem)
            .unwrap();
    assert_ne!(fresh.kid, fixed.kid);
    assert_eq!(fresh.n.len(), fixed.n.len(), "both are 2048-bit moduli");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn invalid_fixtures_stop_the_start_with_file_field_and_reason() {
    let dir =
        std::env::temp_dir().join(format!("thunderid-mock-badfixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("users.json"), r#"[{"id": 1}]"#).unwrap();
    let output = binary()
        .args(["--port", "0", "--fixtures"])
        .arg(&dir)
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("users.json: [0].id: invalid type: integer `1`, expected a string"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A fresh path in the temp dir for one test's ready file.
fn ready_path(test: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "thunderid-mock-ready-{test}-{}.json",
        std::process::id()
    ))
}

fn read_ready(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("the ready file exists once the banner is out");
    serde_json::from_str(&text).expect("the ready file is JSON")
}

#[tokio::test]
async fn the_ready_file_names_the_port_that_port_0_bound() {
    let path = ready_path("port0");
    let (server, banner) = start(&["--port", "0", "--ready-file", path.to_str().unwrap()]);
    let ready = read_ready(&path);
    let port = ready["port"].as_u64().expect("a port");
    let base = format!("http://127.0.0.1:{port}");
    assert_eq!(
        ready,
        serde_json::json!({
            "baseUrl": base,
            "issuer": base,
            "localUrl": base,
            "port": port,
            "pid": server.0.id(),
        })
    );
    assert_eq!(base_url(&banner), base);
    let response = reqwest::get(format!("{base}/health/readiness"))
        .await
        .expect("readiness");
    assert_eq!(response.status(), 200);
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_public_url_is_the_base_url_while_the_local_url_stays_the_bound_address() {
    let path = ready_path("public");
    let (_server, _banner) = start(&[
        "--port",
        "0",
        "--public-url",
        "http://mock.test:9000",
        "--ready-file",
        path.to_str().unwrap(),
    ]);
    let ready = read_ready(&path);
    assert_eq!(ready["baseUrl"], "http://mock.test:9000");
    assert_eq!(ready["issuer"], "http://mock.test:9000");
    assert_eq!(
        ready["localUrl"],
        format!("http://127.0.0.1:{}", ready["port"])
    );
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_wildcard_bind_names_localhost_as_its_base_url_and_loopback_as_its_local_url() {
    let path = ready_path("wildcard");
    let (_server, banner) = start(&[
        "--bind",
        "0.0.0.0",
        "--port",
        "0",
        "--ready-file",
        path.to_str().unwrap(),
    ]);
    let ready = read_ready(&path);
    let port = &ready["port"];
    assert_eq!(base_url(&banner), format!("http://localhost:{port}"));
    assert_eq!(ready["baseUrl"], format!("http://localhost:{port}"));
    assert_eq!(ready["localUrl"], format!("http://127.0.0.1:{port}"));
    let _ = std::fs::remove_file(path);
}

#[test]
fn healthcheck_exits_0_while_the_mock_is_ready_and_1_when_nothing_answers() {
    let path = ready_path("health");
    let (server, _banner) = start(&["--port", "0", "--ready-file", path.to_str().unwrap()]);
    let port = read_ready(&path)["port"].to_string();
    let healthy = binary()
        .args(["--port", &port, "healthcheck"])
        .output()
        .expect("healthcheck");
    assert!(healthy.status.success(), "{healthy:?}");
    drop(server);
    let unhealthy = binary()
        .args(["--port", &port, "healthcheck"])
        .output()
        .expect("healthcheck");
    assert_eq!(unhealthy.status.code(), Some(1), "{unhealthy:?}");
    let stderr = String::from_utf8_lossy(&unhealthy.stderr);
    assert!(
        stderr.starts_with(&format!("Error: cannot connect to 127.0.0.1:{port}")),
        "{stderr}"
    );
    let _ = std::fs::remove_file(path);
}

#[test]
fn export_prints_the_start_state_or_writes_it_as_resource_directories() {
    let dir =
        std::env::temp_dir().join(format!("thunderid-mock-cli-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("extra.yaml"),
        "resource_type: group\nid: 019a0000-0000-7000-8000-0000000000c1\nname: Exported staff\nouHandle: default\n",
    )
    .unwrap();
    let resources = dir.to_str().unwrap();
    let printed = binary()
        .args(["--resources", resources, "export"])
        .output()
        .expect("run");
    assert!(printed.status.success(), "{printed:?}");
    let text = String::from_utf8(printed.stdout).unwrap();
    // Kinds in the exporter's order: the bootstrap agent type, then the applications.
    assert!(
        text.starts_with("# File: default.yaml\nresource_type: agent_type\n"),
        "{text}"
    );
    assert!(
        text.contains("\n---\n# File: Console.yaml\nresource_type: application\n"),
        "{text}"
    );
    assert!(
        text.split("\n---\n").any(|d| d.starts_with("# File: Exported_staff.yaml\nresource_type: group\nid: 019a0000-0000-7000-8000-0000000000c1\nname: Exported staff\nouId: 01900000-0000-7000-8000-000000000001\n")),
        "{text}"
    );
    assert!(text.ends_with("\n---\n# .env\n# CONSOLE_CLIENT_ID=CONSOLE\n# CONSOLE_REDIRECT_URIS=[\"https://localhost:8090/console\",\"http://localhost:8090/console\",\"http://127.0.0.1:8090/console\"]\n# MOCK_PID_TRUSTED_AUTHORITIES=[]\n# SAMPLE_CIBA_CLIENT_ID=sample-ciba\n# SAMPLE_CIBA_CLIENT_SECRET=\n# SAMPLE_CIBA_REDIRECT_URIS=[]\n# SAMPLE_CONSENT_CLIENT_ID=sample-consent\n# SAMPLE_CONSENT_REDIRECT_URIS=[\"http://localhost:3000/callback\"]\n# SAMPLE_DASHBOARD_CLIENT_ID=sample-dashboard\n# SAMPLE_DASHBOARD_REDIRECT_URIS=[\"http://localhost:4000/callback\"]\n# SAMPLE_M2M_CLIENT_ID=sample-m2m\n# SAMPLE_M2M_CLIENT_SECRET=\n# SAMPLE_M2M_REDIRECT_URIS=[]\n# SAMPLE_MFA_CLIENT_ID=sample-mfa\n# SAMPLE_MFA_REDIRECT_URIS=[\"http://localhost:3000/callback\"]\n# SAMPLE_PASSKEY_CLIENT_ID=sample-passkey\n# SAMPLE_PASSKEY_REDIRECT_URIS=[\"http://localhost:3000/callback\"]\n# SAMPLE_PORTAL_CLIENT_ID=sample-portal\n# SAMPLE_PORTAL_REDIRECT_URIS=[\"http://localhost:3000/callback\"]\n# SAMPLE_SOCIAL_CLIENT_ID=sample-social\n# SAMPLE_SOCIAL_REDIRECT_URIS=[\"http://localhost:3000/callback\"]\n# SAMPLE_SPA_CLIENT_ID=sample-spa\n# SAMPLE_SPA_REDIRECT_URIS=[\"http://localhost:3000/callback\"]\n# SAMPLE_WALLET_CLIENT_ID=sample-wallet\n# SAMPLE_WALLET_REDIRECT_URIS=[\"http://localhost:3000/callback\"]\n# SAMPLE_WEB_CLIENT_ID=sample-web\n# SAMPLE_WEB_CLIENT_SECRET=\n# SAMPLE_WEB_REDIRECT_URIS=[\"http://localhost:3000/login\"]\n"), "{text}");

    let out = dir.join("state");
    let written = binary()
        .args([
            "--resources",
            resources,
            "export",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .expect("run");
    assert!(written.status.success(), "{written:?}");
    let group = std::fs::read_to_string(out.join("groups/Exported_staff.yaml")).unwrap();
    assert_eq!(
        group,
        "resource_type: group\nid: 019a0000-0000-7000-8000-0000000000c1\nname: Exported staff\nouId: 01900000-0000-7000-8000-000000000001\n"
    );
    assert!(out.join("users/thor.yaml").is_file());
    assert!(out.join("organization_units/Default.yaml").is_file());
    let env = std::fs::read_to_string(out.join(".env")).unwrap();
    assert!(env.starts_with("CONSOLE_CLIENT_ID=CONSOLE\n"), "{env}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn direct_auth_secret_sets_the_secret_of_the_direct_authentication_api() {
    let (_server, banner) = start(&["--port", "0", "--direct-auth-secret", "cli-secret"]);
    let base = base_url(&banner);
    let client = reqwest::Client::new();
    let body = serde_json::json!({"identifiers": {"username": "thor"},
        "credentials": {"password": "Thor@12345"}, "skipAssertion": true});
    let url = format!("{base}/auth/credentials/authenticate");
    for (secret, status) in [("sample-direct-auth-secret", 401), ("cli-secret", 200)] {
        let response = client
            .post(&url)
            .header("direct-auth-secret", secret)
            .json(&body)
            .send()
            .await
            .expect("the mock answers");
        assert_eq!(response.status(), status, "{secret}");
    }
}
