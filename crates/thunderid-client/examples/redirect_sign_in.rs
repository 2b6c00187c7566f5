//! Redirect sign-in (authorization code + PKCE) against a running mock.
//!
//! ```sh
//! cargo xtask mock                                            # in one terminal
//! cargo run -p thunderid-client --example redirect_sign_in    # in another
//! ```
//!
//! A real app sends the browser to the authorize URL and gets the callback on its redirect URI. Here
//! the sign-in page is played app-natively: the authorize redirect is read (not followed), thor's
//! password goes through the flow, and the auth callback's redirect is the callback URL.

use std::collections::BTreeMap;

use thunderid_client::{AuthorizeOptions, Client, Config, FlowStep};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let base_url =
        std::env::var("THUNDERID_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8090".to_owned());
    let config = Config::new(&base_url)?
        .with_client_id("sample-spa")
        .with_redirect_uri("http://localhost:3000/callback")
        .with_scopes(["openid", "profile", "email"]);
    let client = Client::new(config)?;

    let request = client.authorize_url(AuthorizeOptions::default()).await?;
    println!("a browser would go to:\n  {}\n", request.url);

    let started = client
        .start_flow_via_authorize(AuthorizeOptions::default())
        .await?;
    let mut flow = started.flow;
    let step = flow.resume().await?;
    let FlowStep::Incomplete { actions, .. } = &step else {
        anyhow::bail!("unexpected step: {step:?}")
    };
    let action = actions
        .first()
        .map(|a| a.reference.clone())
        .unwrap_or_default();
    let credentials = BTreeMap::from([
        ("username".to_owned(), "thor".to_owned()),
        ("password".to_owned(), "Thor@12345".to_owned()),
    ]);
    let FlowStep::Complete {
        redirect_uri: Some(callback),
        ..
    } = flow.submit(action, credentials).await?
    else {
        anyhow::bail!("the sign-in did not complete");
    };
    println!("the browser comes back to:\n  {callback}\n");

    let tokens = client.handle_callback(started.pending, &callback).await?;
    let claims = tokens.id_token_claims.as_ref();
    println!(
        "signed in as {:?}",
        claims.and_then(|c| c.registered.subject.as_deref())
    );
    println!(
        "scopes: {:?}, access token expires at {}",
        tokens.scopes(),
        tokens.expires_at
    );
    if let Some(refresh_token) = &tokens.refresh_token {
        let refreshed = client.refresh(refresh_token).await?;
        println!("refreshed; new expiry {}", refreshed.expires_at);
    }
    let mut sign_out = thunderid_client::SignOutOptions::default();
    sign_out.id_token_hint = tokens.id_token;
    println!(
        "sign out at:\n  {}",
        client.end_session_url(sign_out).await?.url
    );
    Ok(())
}
