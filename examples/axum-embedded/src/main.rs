//! `cargo run -p thunderid-example-axum-embedded -- [--port 3000] [--base-url URL]`: the embedded
//! sign-in example, against `cargo xtask mock` by default. Open http://localhost:3000/ and sign in
//! as thor / Thor@12345.

use anyhow::Context;
use axum_embedded::Settings;
use clap::Parser;

/// The embedded sign-in example app.
#[derive(Debug, Parser)]
struct Cli {
    /// The port to listen on (127.0.0.1).
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// The identity server.
    #[arg(long, default_value = "http://127.0.0.1:8090")]
    base_url: String,
    /// The OAuth client.
    #[arg(long, default_value = "sample-web")]
    client_id: String,
    /// The client secret.
    #[arg(
        long,
        default_value = "sample-web-secret",
        env = "THUNDERID_CLIENT_SECRET"
    )]
    client_secret: String,
    /// The application id the sign-in page sends.
    #[arg(long, default_value = axum_embedded::SAMPLE_WEB_APPLICATION_ID)]
    application_id: String,
    /// The registered redirect URI.
    #[arg(long, default_value = "http://localhost:3000/login")]
    after_sign_in_url: String,
    /// The registered post-logout redirect URI.
    #[arg(long, default_value = "http://localhost:3000/logout")]
    after_sign_out_url: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings {
        base_url: cli.base_url,
        client_id: cli.client_id,
        client_secret: cli.client_secret,
        application_id: cli.application_id,
        after_sign_in_url: cli.after_sign_in_url,
        after_sign_out_url: cli.after_sign_out_url,
    };
    let thunder = settings.thunder();
    thunder.check().context("the ThunderID settings")?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", cli.port))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", cli.port))?;
    println!(
        "axum-embedded on http://127.0.0.1:{} (identity server {})",
        cli.port, settings.base_url
    );
    let app = axum_embedded::app_with(thunder, &settings.application_id);
    axum::serve(listener, app).await?;
    Ok(())
}
