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
    let (_server, banner) = start(&["--port", "0", "--tls"]);
    let base = base_url(&banner);
    assert!(base.starts_with("https://localhost:"), "{base}");
    let cert_line = banner
        .iter()
        .find_map(|l| l.trim().strip_prefix("TLS certificate: "))
        .expect("a certificate path");
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
