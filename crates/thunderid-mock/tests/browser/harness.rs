//! A real browser on the gate: Debian's Chromium driven by chromedriver (WebDriver, through
//! `fantoccini`), one fresh headless browser and one embedded mock per test.
//!
//! * Without Chromium or chromedriver the tests skip with a message, unless
//!   `THUNDERID_BROWSER_TESTS=require` (as in `.ci/run`), which makes a missing browser a failure.
//! * `CHROMIUM` and `CHROMEDRIVER` name the binaries (default: `chromium`/`chromedriver` on the
//!   `PATH`, then `/usr/bin/…`).
//! * axe-core comes from `THUNDERID_AXE_JS` or `target/browser-deps/axe-core-<version>/axe.min.js`
//!   (fetched by `.ci/browser-deps` with its checksum); without it the accessibility checks skip,
//!   again unless required.
//! * `THUNDERID_SCREENSHOTS=1` writes the pages a test names into `docs/screenshots/`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use thunderid_mock::MockServer;

/// The axe-core release `.ci/browser-deps` fetches.
pub const AXE_VERSION: &str = "4.14.1";

/// How long the page may take to reach a state the test waits for.
const PATIENCE: Duration = Duration::from_secs(15);

/// Where the browser runs and what it shows.
pub struct Browser {
    pub client: Client,
    pub server: MockServer,
    driver: Child,
    profile: PathBuf,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser")
            .field("server", &self.server.base_url())
            .finish_non_exhaustive()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        end_group(&mut self.driver);
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// chromedriver runs in its own process group with the browser it started: end them together, by
/// the group's id, even when a test failed before `finish`.
fn end_group(driver: &mut Child) {
    let group = format!("-{}", driver.id());
    let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
    let _ = driver.wait();
}

/// A line on the terminal even when the test harness captures the test's output (it captures the
/// print macros, not the stderr handle).
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Whether a missing browser fails the run.
fn required() -> bool {
    std::env::var("THUNDERID_BROWSER_TESTS").is_ok_and(|v| v == "require")
}

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// An executable: the variable's value, else the first name found on the `PATH` or in
/// `/usr/bin`.
fn find_binary(variable: &str, names: &[&str]) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(variable) {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    dirs.push(PathBuf::from("/usr/bin"));
    names
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

impl Browser {
    /// A headless Chromium on a fresh profile, pointed at `server`; `None` (after saying why)
    /// when this machine has no browser and the run does not require one.
    pub async fn open(server: MockServer) -> Option<Self> {
        let chromium = find_binary(
            "CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        );
        let driver = find_binary("CHROMEDRIVER", &["chromedriver"]);
        let (Some(chromium), Some(driver)) = (chromium, driver) else {
            assert!(
                !required(),
                "THUNDERID_BROWSER_TESTS=require, but Chromium or chromedriver is missing \
                 (apt-get install chromium chromium-driver, or set CHROMIUM and CHROMEDRIVER)"
            );
            say(
                "skipping the browser test: no Chromium/chromedriver found (apt-get install \
                 chromium chromium-driver, or set CHROMIUM and CHROMEDRIVER)",
            );
            return None;
        };
        match Self::launch(server, &chromium, &driver).await {
            Ok(browser) => Some(browser),
            Err(error) => panic!("could not start {}: {error:#}", chromium.display()),
        }
    }

    async fn launch(server: MockServer, chromium: &Path, driver: &Path) -> Result<Self> {
        static PROFILES: AtomicUsize = AtomicUsize::new(0);
        let profile = std::env::temp_dir().join(format!(
            "thunderid-gate-browser-{}-{}",
            std::process::id(),
            PROFILES.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&profile)?;
        let mut child = spawn_driver(driver)?;
        let port = match driver_port(&mut child) {
            Ok(port) => port,
            Err(error) => {
                end_group(&mut child);
                return Err(error);
            }
        };
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--no-default-browser-check",
                    "--lang=en-US", "--window-size=1280,800",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        let Value::Object(capabilities) = capabilities else {
            bail!("capabilities are an object");
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("a WebDriver session")?;
        Ok(Self {
            client,
            server,
            driver: child,
            profile,
        })
    }

    /// End the browser session (the browser closes with it).
    pub async fn finish(self) {
        let _ = self.client.clone().close().await;
    }

    /// Go to a path of the mock, or any absolute URL.
    pub async fn goto(&self, path_or_url: &str) {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_owned()
        } else {
            format!("{}{path_or_url}", self.server.base_url())
        };
        self.client.goto(&url).await.expect("the page loads");
    }

    /// The address the browser shows.
    pub async fn url(&self) -> url::Url {
        self.client.current_url().await.expect("a URL")
    }

    /// Type into the input named `name`.
    pub async fn fill(&self, name: &str, value: &str) {
        let input = self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(&format!(
                "[name=\"{name}\"]:not([type=hidden])"
            )))
            .await
            .unwrap_or_else(|e| panic!("no input {name:?}: {e}"));
        input.clear().await.expect("cleared");
        input.send_keys(value).await.expect("typed");
    }

    /// Click what the SDKs' page object clicks: the first `button[type="submit"]` of the page.
    pub async fn click_first_submit(&self) {
        let button = self
            .client
            .find(Locator::Css("button[type=\"submit\"]"))
            .await
            .expect("a submit button");
        assert!(
            button.is_displayed().await.expect("visibility"),
            "the first submit button is visible"
        );
        self.mark_page().await;
        button.click().await.expect("clicked");
        self.wait_for_next_page().await;
    }

    /// Click the element `css` names and wait for the next page.
    pub async fn click_and_wait(&self, css: &str) {
        let button = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"));
        self.mark_page().await;
        button.click().await.expect("clicked");
        self.wait_for_next_page().await;
    }

    /// Click the passkey step's button and wait for its script to post the form; what the
    /// script wrote on the page instead (`NotAllowedError: …`) when it failed.
    pub async fn run_passkey_script(&self) -> Result<(), String> {
        let button = self
            .client
            .find(Locator::Css("#tid-passkey"))
            .await
            .map_err(|e| format!("no passkey button: {e}"))?;
        self.mark_page().await;
        button.click().await.map_err(|e| e.to_string())?;
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let state = self
                .client
                .execute(
                    "if (!window.__tidOldPage && document.readyState === 'complete') return '';\
                     var s = document.getElementById('tid-passkey-status');\
                     return s && s.textContent ? s.textContent : null;",
                    vec![],
                )
                .await
                .unwrap_or(Value::Null);
            match state.as_str() {
                Some("") => return Ok(()),
                Some(failure) => return Err(failure.to_owned()),
                None if tokio::time::Instant::now() >= deadline => {
                    return Err("the page neither moved on nor said why".to_owned());
                }
                None => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Add Chrome's virtual authenticator to the session (`POST /session/{id}/webauthn/
    /// authenticator`, WebDriver's WebAuthn extension): a CTAP2 platform authenticator that keeps
    /// resident keys and verifies its user, so `navigator.credentials` answers without a person.
    /// The authenticator's id.
    pub async fn add_virtual_authenticator(&self) -> String {
        let answer = self
            .client
            .issue_cmd(AddVirtualAuthenticator)
            .await
            .expect("chromedriver adds a virtual authenticator");
        answer
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("an authenticator id: {answer}"))
    }

    /// Click the button whose text is exactly `text`.
    pub async fn click_button(&self, text: &str) {
        let xpath = format!("//button[normalize-space()=\"{text}\"]");
        let button = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button {text:?}: {e}"));
        self.mark_page().await;
        button.click().await.expect("clicked");
        self.wait_for_next_page().await;
    }

    /// Tag the current document, so [`Self::wait_for_next_page`] can tell it from the next one.
    async fn mark_page(&self) {
        self.client
            .execute("window.__tidOldPage = true;", vec![])
            .await
            .expect("the page runs a script");
    }

    /// Every button of the gate posts a form, so a click is done once a new document has loaded;
    /// without this wait a slow machine reads the old page (the gate has no JavaScript to wait on).
    async fn wait_for_next_page(&self) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let loaded = self
                .client
                .execute(
                    "return !window.__tidOldPage && document.readyState === 'complete';",
                    vec![],
                )
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if loaded {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the click did not load a new page: {}",
                self.url().await
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Wait until the address satisfies `test` and return it.
    pub async fn wait_for_url(&self, what: &str, test: impl Fn(&url::Url) -> bool) -> url::Url {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let url = self.url().await;
            if test(&url) {
                return url;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "waited for {what}, the browser shows {url}:\n{}",
                self.card_text().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Wait until the page has an element matching `css`.
    pub async fn wait_for(&self, css: &str) {
        let found = self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await;
        if let Err(error) = found {
            panic!(
                "no {css:?} on {} ({error}):\n{}",
                self.url().await,
                self.card_text().await
            );
        }
    }

    /// The card's text as a person reads it.
    pub async fn card_text(&self) -> String {
        self.client
            .execute(
                "const c = document.querySelector('.tid-card'); return c ? c.innerText : document.body.innerText;",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// An attribute of the element matching `css`.
    pub async fn attribute(&self, css: &str, name: &str) -> Option<String> {
        self.client
            .find(Locator::Css(css))
            .await
            .ok()?
            .attr(name)
            .await
            .ok()
            .flatten()
    }

    /// The `id` (or, without one, the text) of the focused element.
    pub async fn focused(&self) -> String {
        self.client
            .execute(
                "const e = document.activeElement; return e.id || e.innerText || e.name;",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// Press keys on the focused element (`\u{E004}` is Tab, `\u{E007}` Enter).
    pub async fn keys(&self, keys: &str) {
        self.client
            .active_element()
            .await
            .expect("a focused element")
            .send_keys(keys)
            .await
            .expect("keys sent");
    }

    /// axe-core over the page: no violation of serious or critical impact.
    pub async fn assert_accessible(&self, page: &str) {
        let Some(source) = axe_source() else {
            return;
        };
        self.client
            .execute(&format!("{source}\nreturn true;"), vec![])
            .await
            .expect("axe-core loads");
        let script = "const done = arguments[arguments.length - 1];\
            axe.run(document, {resultTypes: ['violations']})\
              .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,\
                 nodes: v.nodes.map(n => n.target.join(' '))}))))\
              .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));";
        let violations = self
            .client
            .execute_async(script, vec![])
            .await
            .expect("axe-core runs");
        let violations = violations.as_array().cloned().unwrap_or_default();
        let (blocking, other): (Vec<Value>, Vec<Value>) = violations
            .into_iter()
            .partition(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")));
        for v in &other {
            eprintln!("axe ({page}): {} [{}] {}", v["id"], v["impact"], v["help"]);
        }
        assert!(
            blocking.is_empty(),
            "axe-core found serious or critical problems on {page}: {}",
            serde_json::to_string_pretty(&blocking).unwrap_or_default()
        );
    }

    /// Keep the viewport as `docs/screenshots/<name>.png` when `THUNDERID_SCREENSHOTS` asks.
    pub async fn screenshot(&self, name: &str) {
        if std::env::var_os("THUNDERID_SCREENSHOTS").is_none() {
            return;
        }
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = workspace_root().join("docs/screenshots");
        std::fs::create_dir_all(&dir).expect("docs/screenshots");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("the screenshot is written");
    }

    /// Resize the window (CSS pixels of the viewport's outer window).
    pub async fn resize(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("resized");
    }
}

fn spawn_driver(driver: &Path) -> Result<Child> {
    use std::os::unix::process::CommandExt;
    Command::new(driver)
        .arg("--port=0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .with_context(|| format!("starting {}", driver.display()))
}

/// chromedriver prints the port it chose ("ChromeDriver was started successfully on port N.");
/// a thread reads it and keeps draining the output, so chromedriver never writes to a closed pipe.
fn driver_port(child: &mut Child) -> Result<u16> {
    let stdout = child.stdout.take().context("chromedriver's output")?;
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !line.contains("started successfully") {
                continue;
            }
            let port = line
                .rsplit("port ")
                .next()
                .and_then(|rest| rest.trim().trim_end_matches('.').parse::<u16>().ok());
            let _ = sender.send(port);
        }
    });
    match receiver.recv_timeout(PATIENCE) {
        Ok(Some(port)) => Ok(port),
        Ok(None) => bail!("chromedriver announced no port"),
        Err(_) => bail!("chromedriver did not start listening"),
    }
}

/// axe-core's source, or `None` after saying why the check is skipped.
fn axe_source() -> Option<String> {
    let path = std::env::var_os("THUNDERID_AXE_JS").map_or_else(
        || {
            workspace_root()
                .join("target/browser-deps")
                .join(format!("axe-core-{AXE_VERSION}"))
                .join("axe.min.js")
        },
        PathBuf::from,
    );
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(error) => {
            assert!(
                !required(),
                "THUNDERID_BROWSER_TESTS=require, but axe-core is missing at {} ({error}); run .ci/browser-deps",
                path.display()
            );
            say(&format!(
                "skipping the accessibility check: no axe-core at {} (run .ci/browser-deps)",
                path.display()
            ));
            None
        }
    }
}

/// WebDriver's "Add Virtual Authenticator" command, which fantoccini does not wrap.
#[derive(Debug)]
struct AddVirtualAuthenticator;

impl fantoccini::wd::WebDriverCompatibleCommand for AddVirtualAuthenticator {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/webauthn/authenticator",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (hyper::Method, Option<String>) {
        let options = json!({
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": true,
            "hasUserVerification": true,
            "isUserConsenting": true,
            "isUserVerified": true,
        });
        (hyper::Method::POST, Some(options.to_string()))
    }
}
