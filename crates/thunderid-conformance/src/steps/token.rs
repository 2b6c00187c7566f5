//! Token endpoint steps (every grant), token checks against the JWKS, introspection, revocation and
//! userinfo.

use anyhow::{Context, bail, ensure};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use serde_json::{Value, json};
use thunderid_mock::fixtures::TokenEndpointAuthMethod;

use super::oauth2::ABSENT;
use crate::catalog;
use crate::jwt;
use crate::params::{OAuthErrorParam, TokenKind};
use crate::world::{ConformanceWorld, TokenSet};

mod assertion;
mod inspect;

/// How a request to the token, introspection or revocation endpoint authenticates its client.
#[derive(Debug, Clone)]
pub enum ClientAuth {
    /// As the application is registered (Basic, post, or only `client_id`).
    Registered(String),
    /// `client_secret_basic` with these credentials.
    Basic(String, String),
    /// `client_secret_post` with these credentials.
    Post(String, String),
    /// Nothing at all.
    Anonymous,
}

/// Build the form and headers of a client-authenticated request.
fn authenticate(
    world: &ConformanceWorld,
    auth: &ClientAuth,
    form: &mut Vec<(String, String)>,
) -> anyhow::Result<Option<String>> {
    let basic = |id: &str, secret: &str| {
        let encode =
            |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        Some(format!(
            "Basic {}",
            STANDARD.encode(format!("{}:{}", encode(id), encode(secret)))
        ))
    };
    Ok(match auth {
        ClientAuth::Anonymous => None,
        ClientAuth::Basic(id, secret) => basic(id, secret),
        ClientAuth::Post(id, secret) => {
            form.push(("client_id".into(), id.clone()));
            form.push(("client_secret".into(), secret.clone()));
            None
        }
        ClientAuth::Registered(name) => {
            let app = catalog::application(world, name)?;
            let oauth = catalog::oauth(app)?;
            let secret = oauth.client_secret.clone().unwrap_or_default();
            match oauth.token_endpoint_auth_method {
                // Sent as a public one here; the signed-assertion steps (`assertion`) sign for it.
                TokenEndpointAuthMethod::None | TokenEndpointAuthMethod::PrivateKeyJwt => {
                    form.push(("client_id".into(), oauth.client_id.clone()));
                    None
                }
                TokenEndpointAuthMethod::ClientSecretPost => {
                    form.push(("client_id".into(), oauth.client_id.clone()));
                    form.push(("client_secret".into(), secret));
                    None
                }
                TokenEndpointAuthMethod::ClientSecretBasic => basic(&oauth.client_id, &secret),
            }
        }
    })
}

/// POST a form to an `/oauth2/*` endpoint as `auth`.
pub async fn post_form(
    world: &mut ConformanceWorld,
    path: &str,
    auth: &ClientAuth,
    params: &[(String, String)],
) -> anyhow::Result<()> {
    let mut form = Vec::new();
    let authorization = authenticate(world, auth, &mut form)?;
    for (name, value) in params {
        let value = catalog::resolve(world, value)?;
        if value != ABSENT {
            form.retain(|(k, _)| k != name);
            form.push((name.clone(), value));
        }
    }
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form.iter())
        .finish();
    let mut request = world
        .http
        .post(world.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(authorization) = authorization {
        request = request.header("authorization", authorization);
    }
    if world.vars.contains_key("dpop") {
        // A syntactically plausible proof; the point is that the server must verify it.
        request = request.header(
            "dpop",
            "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2In0.e30.c2ln",
        );
    }
    world.send(request).await?;
    Ok(())
}

/// Call `/oauth2/token` and keep the tokens of a 200 response.
pub async fn token_request(
    world: &mut ConformanceWorld,
    auth: &ClientAuth,
    params: &[(String, String)],
) -> anyhow::Result<()> {
    post_form(world, "/oauth2/token", auth, params).await?;
    let last = world.last()?;
    if last.status == 200 {
        let body = last.json()?;
        let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
        let tokens = TokenSet {
            access_token: text("access_token"),
            refresh_token: text("refresh_token"),
            id_token: text("id_token"),
            body: body.clone(),
        };
        if let Some(previous) = world.oauth.tokens.replace(tokens) {
            world.oauth.previous_tokens.push(previous);
        }
    }
    Ok(())
}

fn pairs(items: &[(&str, String)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn table_pairs(step: &Step) -> anyhow::Result<Vec<(String, String)>> {
    let table = step.table.as_ref().context("the step needs a table")?;
    table
        .rows
        .iter()
        .map(|row| match row.as_slice() {
            [name, value] => Ok((name.clone(), value.clone())),
            _ => bail!("each row needs exactly two cells: name | value"),
        })
        .collect()
}

fn current_app(world: &ConformanceWorld) -> anyhow::Result<String> {
    world
        .app
        .clone()
        .context("no application chosen: `Given the application \"…\"`")
}

/// Exchange the current code as the current app (SDK style: code, redirect_uri, code_verifier).
pub async fn exchange_code(
    world: &mut ConformanceWorld,
    overrides: &[(String, String)],
) -> anyhow::Result<()> {
    let code = world
        .oauth
        .code
        .clone()
        .context("no authorization code yet")?;
    let mut params = pairs(&[
        ("grant_type", "authorization_code".to_owned()),
        ("code", code),
    ]);
    if let Some(uri) = &world.oauth.redirect_uri {
        params.push(("redirect_uri".into(), uri.clone()));
    }
    if let Some(verifier) = &world.oauth.code_verifier {
        params.push(("code_verifier".into(), verifier.clone()));
    }
    for (name, value) in overrides {
        params.retain(|(k, _)| k != name);
        if value != ABSENT {
            params.push((name.clone(), value.clone()));
        }
    }
    let app = current_app(world)?;
    token_request(world, &ClientAuth::Registered(app), &params).await
}

#[when("the app exchanges the code for tokens")]
async fn exchanges_code(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    exchange_code(world, &[]).await
}

#[when("the app exchanges the code for tokens with:")]
async fn exchanges_code_with(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let overrides = table_pairs(step)?;
    exchange_code(world, &overrides).await
}

#[when(expr = "{string} exchanges the code for tokens")]
async fn other_exchanges_code(world: &mut ConformanceWorld, app: String) -> anyhow::Result<()> {
    let code = world
        .oauth
        .code
        .clone()
        .context("no authorization code yet")?;
    let mut params = pairs(&[
        ("grant_type", "authorization_code".to_owned()),
        ("code", code),
    ]);
    if let Some(uri) = &world.oauth.redirect_uri {
        params.push(("redirect_uri".into(), uri.clone()));
    }
    if let Some(verifier) = &world.oauth.code_verifier {
        params.push(("code_verifier".into(), verifier.clone()));
    }
    token_request(world, &ClientAuth::Registered(app), &params).await
}

#[when(expr = "{string} calls the token endpoint with:")]
async fn calls_token_endpoint(
    world: &mut ConformanceWorld,
    app: String,
    step: &Step,
) -> anyhow::Result<()> {
    let params = table_pairs(step)?;
    token_request(world, &ClientAuth::Registered(app), &params).await
}

#[when("an unauthenticated client calls the token endpoint with:")]
async fn anonymous_token_call(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let params = table_pairs(step)?;
    token_request(world, &ClientAuth::Anonymous, &params).await
}

#[when(
    expr = "a client authenticating as {string} with the secret {string} calls the token endpoint with:"
)]
async fn basic_token_call(
    world: &mut ConformanceWorld,
    client_id: String,
    secret: String,
    step: &Step,
) -> anyhow::Result<()> {
    let params = table_pairs(step)?;
    let (client_id, secret) = (
        catalog::resolve(world, &client_id)?,
        catalog::resolve(world, &secret)?,
    );
    token_request(world, &ClientAuth::Basic(client_id, secret), &params).await
}

#[when(expr = "a client posting {string} and the secret {string} calls the token endpoint with:")]
async fn post_token_call(
    world: &mut ConformanceWorld,
    client_id: String,
    secret: String,
    step: &Step,
) -> anyhow::Result<()> {
    let params = table_pairs(step)?;
    token_request(world, &ClientAuth::Post(client_id, secret), &params).await
}

#[when(expr = "{string} calls the token endpoint with a DPoP proof and:")]
async fn calls_token_endpoint_dpop(
    world: &mut ConformanceWorld,
    app: String,
    step: &Step,
) -> anyhow::Result<()> {
    world.vars.insert("dpop".into(), "1".into());
    let params = table_pairs(step)?;
    let result = token_request(world, &ClientAuth::Registered(app), &params).await;
    world.vars.remove("dpop");
    result
}

#[when(expr = "{string} asks for a token with the client credentials grant")]
async fn client_credentials(world: &mut ConformanceWorld, app: String) -> anyhow::Result<()> {
    let params = pairs(&[("grant_type", "client_credentials".to_owned())]);
    token_request(world, &ClientAuth::Registered(app), &params).await
}

#[when(expr = "{string} asks for a token with the client credentials grant and the scope {string}")]
async fn client_credentials_scope(
    world: &mut ConformanceWorld,
    app: String,
    scope: String,
) -> anyhow::Result<()> {
    let params = pairs(&[
        ("grant_type", "client_credentials".to_owned()),
        ("scope", scope),
    ]);
    token_request(world, &ClientAuth::Registered(app), &params).await
}

#[when("the app refreshes the tokens")]
async fn refreshes(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let app = current_app(world)?;
    refresh(world, &app, None, false).await
}

#[when(expr = "the app refreshes the tokens with the scope {string}")]
async fn refreshes_with_scope(world: &mut ConformanceWorld, scope: String) -> anyhow::Result<()> {
    let app = current_app(world)?;
    refresh(world, &app, Some(scope), false).await
}

#[when("the app refreshes with the previous refresh token")]
async fn refreshes_with_previous(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let app = current_app(world)?;
    refresh(world, &app, None, true).await
}

#[when(expr = "{string} refreshes the tokens")]
async fn other_refreshes(world: &mut ConformanceWorld, app: String) -> anyhow::Result<()> {
    refresh(world, &app, None, false).await
}

async fn refresh(
    world: &mut ConformanceWorld,
    app: &str,
    scope: Option<String>,
    previous: bool,
) -> anyhow::Result<()> {
    let token = if previous {
        world
            .oauth
            .previous_tokens
            .last()
            .and_then(|t| t.refresh_token.clone())
            .context("no previous refresh token")?
    } else {
        world
            .oauth
            .tokens
            .as_ref()
            .and_then(|t| t.refresh_token.clone())
            .context("no refresh token yet")?
    };
    let mut params = pairs(&[
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", token),
    ]);
    if let Some(scope) = scope {
        params.push(("scope".into(), scope));
    }
    token_request(world, &ClientAuth::Registered(app.to_owned()), &params).await
}

fn tokens(world: &ConformanceWorld) -> anyhow::Result<&TokenSet> {
    world
        .oauth
        .tokens
        .as_ref()
        .context("no token response has been received")
}

#[given(expr = "the app keeps the {token_kind} as {string}")]
#[when(expr = "the app keeps the {token_kind} as {string}")]
async fn keep_token(
    world: &mut ConformanceWorld,
    kind: TokenKind,
    name: String,
) -> anyhow::Result<()> {
    let token = token_of(world, kind)?;
    world.vars.insert(name, token);
    Ok(())
}

#[then("the app receives tokens")]
async fn receives_tokens(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        last.status == 200,
        "expected a token response, got {}: {}",
        last.status,
        last.body
    );
    for (name, value) in [("cache-control", "no-store"), ("pragma", "no-cache")] {
        let actual = last.header(name);
        ensure!(
            actual == Some(value),
            "token responses carry {name}: {value}, got {actual:?}"
        );
    }
    let body = &tokens(world)?.body;
    ensure!(
        body.get("token_type").and_then(Value::as_str) == Some("Bearer"),
        "expected token_type Bearer in {body}"
    );
    ensure!(
        body.get("access_token").and_then(Value::as_str).is_some(),
        "no access_token in {body}"
    );
    ensure!(
        body.get("expires_in").and_then(Value::as_u64).is_some(),
        "expires_in must be a number of seconds in {body}"
    );
    Ok(())
}

#[then(expr = "the token response has {string}")]
async fn response_has(world: &mut ConformanceWorld, members: String) -> anyhow::Result<()> {
    let body = &tokens(world)?.body;
    for member in members.split(',').map(str::trim) {
        ensure!(body.get(member).is_some(), "expected {member} in {body}");
    }
    Ok(())
}

#[then(expr = "the token response has no {string}")]
async fn response_lacks(world: &mut ConformanceWorld, members: String) -> anyhow::Result<()> {
    let body = &tokens(world)?.body;
    for member in members.split(',').map(str::trim) {
        ensure!(body.get(member).is_none(), "expected no {member} in {body}");
    }
    Ok(())
}

#[then(expr = "the token response has the scope {string}")]
async fn response_scope(world: &mut ConformanceWorld, scope: String) -> anyhow::Result<()> {
    let body = &tokens(world)?.body;
    let actual = body.get("scope").and_then(Value::as_str);
    ensure!(
        actual == Some(scope.as_str()),
        "expected scope {scope:?}, got {actual:?}"
    );
    Ok(())
}

#[then(expr = "the token request fails with {int} {oauth_error} and {string}")]
async fn token_request_fails(
    world: &mut ConformanceWorld,
    status: u16,
    error: OAuthErrorParam,
    description: String,
) -> anyhow::Result<()> {
    let last = world.last()?;
    let expected = json!({ "error": error.0.as_str(), "error_description": description });
    let body = last.json().unwrap_or(Value::Null);
    ensure!(
        last.status == status && body == expected,
        "expected {status} {expected}, got {} {}",
        last.status,
        last.body
    );
    Ok(())
}

/// The token of this kind from the current token response.
pub fn token_of(world: &ConformanceWorld, kind: TokenKind) -> anyhow::Result<String> {
    let set = tokens(world)?;
    let token = match kind {
        TokenKind::Access => set.access_token.clone(),
        TokenKind::Refresh => set.refresh_token.clone(),
        TokenKind::Id => set.id_token.clone(),
    };
    token.with_context(|| format!("the token response has no {kind}: {}", set.body))
}

/// The current access token, verified against the JWKS, with the access token `typ`.
async fn verified_access_token(world: &mut ConformanceWorld) -> anyhow::Result<jwt::Verified> {
    let token = token_of(world, TokenKind::Access)?;
    let verified = jwt::verify(world, &token).await?;
    ensure!(
        verified.typ() == Some("at+jwt"),
        "an access token has typ at+jwt, got {:?}",
        verified.typ()
    );
    Ok(verified)
}

#[then(expr = "the access token verifies with the subject {string}")]
async fn access_token_subject(world: &mut ConformanceWorld, subject: String) -> anyhow::Result<()> {
    let subject = catalog::resolve(world, &subject)?;
    let verified = verified_access_token(world).await?;
    jwt::expect_claim(&verified, "sub", &subject)
}

#[then(expr = "the access token is a valid access token for {string}")]
async fn valid_access_token(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    let verified = verified_access_token(world).await?;
    let subject = match catalog::user(world, &username) {
        Ok(user) => user.id.clone(),
        Err(_) => catalog::application(world, &username)?.id.clone(),
    };
    jwt::expect_claim(&verified, "sub", &subject)?;
    let client_id = client_id_of_current(world)?;
    jwt::expect_claim(&verified, "client_id", &client_id)?;
    check_lifetime(world, &verified)
}

fn client_id_of_current(world: &ConformanceWorld) -> anyhow::Result<String> {
    let app = catalog::current_application(world)?;
    Ok(catalog::oauth(app)?.client_id.clone())
}

/// `exp - iat` equals the response's `expires_in`.
fn check_lifetime(world: &ConformanceWorld, verified: &jwt::Verified) -> anyhow::Result<()> {
    let expires_in = tokens(world)?
        .body
        .get("expires_in")
        .and_then(Value::as_u64);
    let iat = verified.claim("iat").and_then(Value::as_u64);
    let exp = verified.claim("exp").and_then(Value::as_u64);
    match (iat, exp, expires_in) {
        (Some(iat), Some(exp), Some(expires_in)) => ensure!(
            exp.saturating_sub(iat) == expires_in,
            "exp - iat = {} but expires_in = {expires_in}",
            exp.saturating_sub(iat)
        ),
        _ => bail!("the access token needs iat and exp, the response expires_in"),
    }
    Ok(())
}

#[then(expr = "the ID token is a valid ID token for {string}")]
async fn valid_id_token(world: &mut ConformanceWorld, username: String) -> anyhow::Result<()> {
    let token = token_of(world, TokenKind::Id)?;
    let verified = jwt::verify(world, &token).await?;
    ensure!(
        verified.typ() == Some("JWT"),
        "an ID token has typ JWT, got {:?}",
        verified.typ()
    );
    let user_id = catalog::user(world, &username)?.id.clone();
    jwt::expect_claim(&verified, "sub", &user_id)?;
    jwt::expect_claim(&verified, "aud", &client_id_of_current(world)?)?;
    if let Some(nonce) = world.oauth.nonce.clone() {
        jwt::expect_claim(&verified, "nonce", &nonce)?;
    }
    for claim in ["iat", "exp", "auth_time"] {
        ensure!(
            verified.claim(claim).is_some(),
            "the ID token has no {claim}"
        );
    }
    for claim in ["at_hash", "c_hash", "sid", "azp"] {
        ensure!(
            verified.claim(claim).is_none(),
            "the server's ID tokens carry no {claim}"
        );
    }
    Ok(())
}

#[then(expr = "the {token_kind} carries the claims:")]
async fn token_claims(
    world: &mut ConformanceWorld,
    kind: TokenKind,
    step: &Step,
) -> anyhow::Result<()> {
    let token = token_of(world, kind)?;
    let verified = jwt::verify(world, &token).await?;
    super::flow::check_claims_table(world, &verified, step)
}

#[then(expr = "the {token_kind} has no claim {string}")]
async fn token_lacks_claim(
    world: &mut ConformanceWorld,
    kind: TokenKind,
    claims: String,
) -> anyhow::Result<()> {
    let token = token_of(world, kind)?;
    let verified = jwt::verify(world, &token).await?;
    for claim in claims.split(',').map(str::trim) {
        ensure!(
            verified.claim(claim).is_none(),
            "expected no {claim} claim in the {kind}, got {}",
            verified.claim(claim).unwrap_or(&Value::Null)
        );
    }
    Ok(())
}

#[then(expr = "the {token_kind} has the header typ {string}")]
async fn token_typ(
    world: &mut ConformanceWorld,
    kind: TokenKind,
    typ: String,
) -> anyhow::Result<()> {
    let token = token_of(world, kind)?;
    let verified = jwt::verify(world, &token).await?;
    ensure!(
        verified.typ() == Some(typ.as_str()),
        "expected typ {typ} for the {kind}, got {:?}",
        verified.typ()
    );
    Ok(())
}

#[then("the refresh token has rotated")]
async fn refresh_rotated(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let new = token_of(world, TokenKind::Refresh)?;
    let old = world
        .oauth
        .previous_tokens
        .last()
        .and_then(|t| t.refresh_token.clone())
        .context("no previous refresh token")?;
    ensure!(new != old, "the refresh token was not rotated");
    let new_claims = jwt::verify(world, &new).await?;
    let old_claims = jwt::verify(world, &old).await?;
    ensure!(
        new_claims.claim("jti") != old_claims.claim("jti"),
        "the rotated refresh token reuses its jti"
    );
    ensure!(
        new_claims.claim("exp") == old_claims.claim("exp"),
        "a rotated refresh token keeps the original expiry: {:?} then {:?}",
        old_claims.claim("exp"),
        new_claims.claim("exp")
    );
    Ok(())
}
