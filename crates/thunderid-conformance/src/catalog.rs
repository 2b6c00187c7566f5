//! What the scenarios know about the server's applications and users: the bundled fixture set
//! (`fixtures/default/`), which a server under test (`--server`) is expected
//! to mirror, plus the plain passwords of the bundled users (the fixtures store only hashes).

use std::collections::BTreeMap;

use anyhow::Context;
use thunderid_mock::fixtures::{ApplicationFixture, OAuthProfile, UserFixture};

use crate::world::ConformanceWorld;

/// The bundled users' passwords (README, "The bundled fixtures").
pub fn bundled_passwords() -> BTreeMap<String, String> {
    [
        ("thor", "Thor@12345"),
        ("loki", "Loki@12345"),
        ("admin", "admin"),
    ]
    .into_iter()
    .map(|(user, password)| (user.to_owned(), password.to_owned()))
    .collect()
}

/// An application of the fixture set, by its `name` (which is also the OAuth `client_id` of the
/// bundled apps).
pub fn application<'w>(
    world: &'w ConformanceWorld,
    name: &str,
) -> anyhow::Result<&'w ApplicationFixture> {
    world
        .fixtures
        .applications
        .iter()
        .find(|a| a.name == name || a.oauth.as_ref().is_some_and(|o| o.client_id == name))
        .with_context(|| format!("no application {name:?} in the fixtures"))
}

/// The application the scenario acts as (`Given the application "…"`).
pub fn current_application(world: &ConformanceWorld) -> anyhow::Result<&ApplicationFixture> {
    let name = world
        .app
        .as_deref()
        .context("no application chosen: start the scenario with `Given the application \"…\"`")?;
    application(world, name)
}

/// The OAuth profile of an application.
pub fn oauth(app: &ApplicationFixture) -> anyhow::Result<&OAuthProfile> {
    app.oauth
        .as_ref()
        .with_context(|| format!("application {} has no OAuth profile", app.name))
}

/// A user of the fixture set, by username.
pub fn user<'w>(world: &'w ConformanceWorld, username: &str) -> anyhow::Result<&'w UserFixture> {
    world
        .fixtures
        .users
        .iter()
        .find(|u| u.attributes.get("username").and_then(|v| v.as_str()) == Some(username))
        .with_context(|| format!("no user {username:?} in the fixtures"))
}

/// A user's plain password.
pub fn password<'w>(world: &'w ConformanceWorld, username: &str) -> anyhow::Result<&'w str> {
    world
        .passwords
        .get(username)
        .map(String::as_str)
        .with_context(|| format!("the suite does not know the password of {username:?}"))
}

/// Replace `${issuer}`, `${<user>.id}`, `${<app>.id}`, `${<token>}` and `${var.<name>}` in a value
/// written in a feature file (`$` keeps JSON braces literal).
pub fn resolve(world: &ConformanceWorld, text: &str) -> anyhow::Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 2..start + len];
        out.push_str(&rest[..start]);
        out.push_str(&placeholder(world, name)?);
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn placeholder(world: &ConformanceWorld, name: &str) -> anyhow::Result<String> {
    let tokens = world.oauth.tokens.as_ref();
    let token = |value: Option<&String>, what: &str| {
        value
            .cloned()
            .with_context(|| format!("${{{name}}}: no {what} yet in this scenario"))
    };
    match name {
        "issuer" => return Ok(world.issuer()),
        "base_url" => return Ok(world.target.base_url().to_owned()),
        "access_token" => {
            return token(tokens.and_then(|t| t.access_token.as_ref()), "access token");
        }
        "refresh_token" => {
            return token(
                tokens.and_then(|t| t.refresh_token.as_ref()),
                "refresh token",
            );
        }
        "id_token" => return token(tokens.and_then(|t| t.id_token.as_ref()), "ID token"),
        "assertion" => return token(world.flow.assertion.as_ref(), "assertion"),
        "code" => return token(world.oauth.code.as_ref(), "authorization code"),
        "execution_id" => return token(world.flow.execution_id.as_ref(), "execution"),
        "auth_id" => return token(world.oauth.auth_id.as_ref(), "authorization request"),
        _ => {}
    }
    if let Some(var) = name.strip_prefix("var.") {
        return world
            .vars
            .get(var)
            .cloned()
            .with_context(|| format!("no captured value {var:?}"));
    }
    let Some(owner) = name.strip_suffix(".id") else {
        anyhow::bail!(
            "unknown placeholder ${{{name}}}: use ${{issuer}}, ${{<user>.id}}, ${{<app>.id}}, \
             ${{access_token}}, ${{refresh_token}}, ${{id_token}}, ${{assertion}} or ${{var.<name>}}"
        );
    };
    if let Ok(user) = user(world, owner) {
        return Ok(user.id.clone());
    }
    Ok(application(world, owner)?.id.clone())
}
