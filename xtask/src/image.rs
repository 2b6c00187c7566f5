//! `cargo xtask image`: builds the container image (`Dockerfile`, from scratch) from the context
//! `dist` prepared, then smoke-tests it: the health check turns healthy, and discovery answers
//! with the `--public-url` the container was given. Skipped, with a message, where no container
//! engine answers `docker info`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::dist::Dist;
use crate::run;

const TAG: &str = "thunderid-mock:dev";

pub fn engine_available() -> bool {
    Command::new("docker")
        .arg("info")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

pub fn image(root: &Path, dist: &Dist) -> Result<()> {
    if !engine_available() {
        eprintln!(
            "image: skipped: no container engine answers `docker info` (the image needs one)"
        );
        return Ok(());
    }
    if !dist.triple.contains("-linux-") {
        eprintln!(
            "image: skipped: the image needs a Linux binary, and this host builds {}",
            dist.triple
        );
        return Ok(());
    }
    let tag = format!("thunderid-mock:{}", dist.version);
    let mut build = Command::new("docker");
    build
        .args(["build", "--file"])
        .arg(root.join("Dockerfile"))
        .args(["--tag", &tag, "--tag", TAG])
        .arg(dist.dir.join("image"));
    run(&mut build)?;
    smoke_test(&tag)
}

/// Run the image on a free loopback port with a matching public URL; wait for `healthy`; check
/// discovery; stop it.
fn smoke_test(tag: &str) -> Result<()> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let public_url = format!("http://127.0.0.1:{port}");
    let name = format!("thunderid-mock-smoke-{}", std::process::id());
    let mut start = Command::new("docker");
    start
        .args(["run", "--detach", "--rm", "--name", &name])
        .args(["--publish", &format!("127.0.0.1:{port}:8090")])
        .args(["--env", &format!("THUNDERID_MOCK_PUBLIC_URL={public_url}")])
        .arg(tag);
    run(&mut start)?;
    let result = check_container(&name, port, &public_url);
    let _ = Command::new("docker")
        .args(["stop", "--time", "5", &name])
        .stdout(Stdio::null())
        .status();
    result
}

fn check_container(name: &str, port: u16, public_url: &str) -> Result<()> {
    let started = Instant::now();
    loop {
        let output = Command::new("docker")
            .args(["inspect", "--format", "{{.State.Health.Status}}", name])
            .output()?;
        let status = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        if status == "healthy" {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            bail!("the container is {status:?}, not healthy, after 60 s");
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let (status, body) = http_get(addr, "/.well-known/openid-configuration")?;
    let discovery: serde_json::Value =
        serde_json::from_str(&body).with_context(|| format!("discovery is not JSON: {body}"))?;
    if status != 200 || discovery["issuer"] != public_url {
        bail!(
            "discovery answered {status} with issuer {}",
            discovery["issuer"]
        );
    }
    eprintln!(
        "image: healthy after {:.1} s; discovery names the issuer {public_url}",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// One plain HTTP/1.0 GET: the status and the body.
fn http_get(addr: SocketAddr, path: &str) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, body) = response.split_once("\r\n\r\n").context("no HTTP head")?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .context("no HTTP status")?;
    Ok((status, body.to_owned()))
}
