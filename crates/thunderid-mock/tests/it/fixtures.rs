use std::path::Path;

use thunderid_mock::{FixtureError, Fixtures};

fn bundled_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/default"))
}

/// A copy of the bundled set in a temp dir, with one file replaced.
fn with_file(name: &str, contents: &str) -> tempdir::Dir {
    let dir = tempdir::Dir::new();
    for entry in std::fs::read_dir(bundled_dir()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    std::fs::write(dir.path().join(name), contents).unwrap();
    dir
}

mod tempdir {
    /// A directory removed on drop; unique per test without extra crates.
    pub struct Dir(std::path::PathBuf);

    impl Dir {
        pub fn new() -> Self {
            let unique = format!("thunderid-mock-test-{}-{}", std::process::id(), uuid_like());
            let path = std::env::temp_dir().join(unique);
            std::fs::create_dir_all(&path).unwrap();
            Self(path)
        }

        pub fn path(&self) -> &std::path::Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn uuid_like() -> u64 {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        NEXT.fetch_add(1, Ordering::Relaxed)
    }
}

#[test]
fn the_bundled_directory_loads_like_the_compiled_in_set() {
    let from_dir = Fixtures::load_dir(bundled_dir()).unwrap();
    let bundled = Fixtures::bundled();
    assert_eq!(from_dir.applications.len(), bundled.applications.len());
    assert_eq!(from_dir.users.len(), bundled.users.len());
    assert_eq!(from_dir.flows.len(), bundled.flows.len());
}

#[test]
fn a_bad_field_is_named_with_file_and_path() {
    let dir = with_file(
        "applications.json",
        r#"[{"id": "x", "name": "x", "type": "spaceship"}]"#,
    );
    let err = Fixtures::load_dir(dir.path()).unwrap_err();
    assert_eq!(err.file, "applications.json");
    assert_eq!(err.field, "[0].type");
    assert!(
        err.reason.starts_with("unknown variant `spaceship`"),
        "{err}"
    );
}

#[test]
fn unknown_fields_are_typos_and_refused() {
    let dir = with_file(
        "server.json",
        r#"{"jwt": {"validityPeriod": 60, "leewy": 1}}"#,
    );
    let err = Fixtures::load_dir(dir.path()).unwrap_err();
    assert_eq!(
        (err.file.as_str(), err.field.as_str()),
        ("server.json", "jwt.leewy")
    );
}

#[test]
fn cross_file_references_are_checked() {
    let users = r#"[{"id": "u1", "ouId": "nope", "attributes": {"username": "u"}}]"#;
    let err = Fixtures::load_dir(with_file("users.json", users).path()).unwrap_err();
    assert_eq!(
        err,
        FixtureError {
            file: "users.json".to_owned(),
            field: "[0].ouId".to_owned(),
            reason: "unknown organization unit nope".to_owned()
        }
    );
}

#[test]
fn redirect_uris_must_be_absolute() {
    let apps = r#"[{"id": "a", "name": "a", "type": "browser", "oauth": {"clientId": "c", "publicClient": true,
        "tokenEndpointAuthMethod": "none", "grantTypes": ["authorization_code"], "redirectUris": ["/cb"]}}]"#;
    let err = Fixtures::load_dir(with_file("applications.json", apps).path()).unwrap_err();
    assert_eq!(err.field, "[0].oauth.redirectUris[0]");
    assert!(err.reason.starts_with("not an absolute URL"), "{err}");
}

#[test]
fn a_missing_directory_is_an_error_not_a_panic() {
    let err = Fixtures::load_dir("/definitely/not/here").unwrap_err();
    assert_eq!(err.reason, "not a directory");
}
