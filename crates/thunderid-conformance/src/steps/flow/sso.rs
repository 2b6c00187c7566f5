//! Single sign-on as a browser (or an SDK's cookie jar) sees it: the `tid_sso_*` cookie the server
//! sets after a sign-in and clears at sign-out.

use anyhow::ensure;
use cucumber::{given, then, when};

use crate::world::ConformanceWorld;

fn sso_cookies(world: &ConformanceWorld) -> Vec<&String> {
    world
        .cookies
        .keys()
        .filter(|name| name.starts_with("tid_sso_"))
        .collect()
}

#[then(expr = "the browser holds the SSO cookie {string}")]
async fn holds_cookie(world: &mut ConformanceWorld, name: String) -> anyhow::Result<()> {
    let value = world.cookies.get(&name).cloned().unwrap_or_default();
    ensure!(
        value.len() == 64 && value.chars().all(|c| c.is_ascii_hexdigit()),
        "expected the cookie {name} to hold a 64-hex handle; the jar has {:?}",
        world.cookies.keys().collect::<Vec<_>>()
    );
    Ok(())
}

#[then("the browser holds no SSO cookie")]
async fn holds_no_cookie(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let held = sso_cookies(world);
    ensure!(held.is_empty(), "the browser still holds {held:?}");
    Ok(())
}

#[given("the browser forgets its cookies")]
#[when("the browser forgets its cookies")]
async fn forget(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    world.cookies.clear();
    Ok(())
}

#[then(expr = "the response sets the cookie {string} with {string}")]
async fn sets_cookie(
    world: &mut ConformanceWorld,
    name: String,
    attributes: String,
) -> anyhow::Result<()> {
    let last = world.last()?;
    let found = last
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned);
    let Some(cookie) = found else {
        anyhow::bail!("no Set-Cookie for {name}");
    };
    ensure!(
        cookie.ends_with(&attributes),
        "expected {name}'s attributes to end with {attributes:?}: {cookie}"
    );
    Ok(())
}
