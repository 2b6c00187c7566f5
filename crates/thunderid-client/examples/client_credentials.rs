//! The `client_credentials` grant for a machine-to-machine client, against a running mock.
//!
//! ```sh
//! cargo xtask mock                                              # in one terminal
//! cargo run -p thunderid-client --example client_credentials    # in another
//! ```

use thunderid_client::{Client, Config};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let base_url =
        std::env::var("THUNDERID_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8090".to_owned());
    let config = Config::new(&base_url)?
        .with_client_id("sample-m2m")
        .with_client_secret("sample-m2m-secret");
    let client = Client::new(config)?;

    let tokens = client.client_credentials(&[]).await?;
    println!(
        "access token ({}), valid {} s",
        tokens.token_type, tokens.expires_in
    );
    let introspection = client.introspect(tokens.access_token.secret()).await?;
    println!(
        "active: {}, client: {:?}, subject: {:?}",
        introspection.active, introspection.client_id, introspection.subject
    );
    Ok(())
}
