//! App-native sign-in (`POST /flow/execute`) for a backend app with a Flow-Secret, against a running
//! mock.
//!
//! ```sh
//! cargo xtask mock                                              # in one terminal
//! cargo run -p thunderid-client --example app_native_sign_in    # in another
//! ```

use std::collections::BTreeMap;

use thunderid_client::protocol::secret::AccessToken;
use thunderid_client::{Client, Config, FlowStart, FlowStep};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let base_url =
        std::env::var("THUNDERID_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8090".to_owned());
    let config = Config::new(&base_url)?
        .with_application_id("01900000-0000-7000-8000-0000000000a3")
        .with_flow_secret("sample-native-flow-secret");
    let client = Client::new(config)?;

    let mut flow = client.flow();
    let mut step = flow.start(FlowStart::authentication()).await?;
    let mut password = "wrong-password";
    loop {
        match &step {
            FlowStep::Incomplete {
                inputs,
                actions,
                error,
                ..
            } => {
                if let Some(error) = error {
                    println!("the server says: {error}");
                    password = "Thor@12345";
                }
                let names: Vec<&str> = inputs
                    .iter()
                    .map(|input| input.identifier.as_str())
                    .collect();
                println!("the server asks for {names:?}");
                let action = actions
                    .first()
                    .map(|a| a.reference.clone())
                    .unwrap_or_default();
                let answers = BTreeMap::from([
                    ("username".to_owned(), "thor".to_owned()),
                    ("password".to_owned(), password.to_owned()),
                ]);
                step = flow.submit(action, answers).await?;
            }
            FlowStep::Complete {
                assertion: Some(assertion),
                ..
            } => {
                let claims = client.verify_assertion(assertion).await?;
                println!("signed in as {:?}", claims.registered.subject);
                let me = client.get_me(&AccessToken::new(assertion.secret())).await?;
                println!("profile: {}", serde_json::Value::Object(me.flattened));
                return Ok(());
            }
            other => anyhow::bail!("the flow ended without an assertion: {other:?}"),
        }
    }
}
