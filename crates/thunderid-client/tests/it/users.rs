//! `/users/me` (get, update, meta) with an access token and with an app-native assertion, and SCIM2
//! `/scim2/Me` (get, patch).

use anyhow::{Result, bail};
use serde_json::{Map, Value, json};
use thunderid_client::protocol::ApiErrorCode;
use thunderid_client::protocol::scim::PatchOp;
use thunderid_client::protocol::secret::AccessToken;
use thunderid_client::{Error, FlowStart, FlowStep};

use crate::support::{Env, THOR_ID, credentials, first_action, sign_in};

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[tokio::test]
async fn get_me_returns_the_user_with_flattened_attributes() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = sign_in(&client).await?;
    let me = client.get_me(&tokens.access_token).await?;
    assert_eq!(me.user.id.as_str(), THOR_ID);
    assert_eq!(me.user.user_type.as_deref(), Some("Person"));
    assert_eq!(
        me.flattened.get("email"),
        Some(&json!("thor@asgard.example"))
    );
    assert_eq!(me.flattened.get("id"), Some(&json!(THOR_ID)));
    assert_eq!(me.flattened.get("given_name"), Some(&json!("Thor")));
    Ok(())
}

#[tokio::test]
async fn update_me_replaces_the_attributes() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = sign_in(&client).await?;
    let me = client.get_me(&tokens.access_token).await?;
    let mut attributes = me.user.attributes.unwrap_or_default();
    attributes.insert("given_name".to_owned(), json!("Donar"));
    let updated = client
        .update_me(&tokens.access_token, attributes.clone())
        .await?;
    assert_eq!(updated.flattened.get("given_name"), Some(&json!("Donar")));
    let again = client.get_me(&tokens.access_token).await?;
    assert_eq!(again.user.attributes, Some(attributes));
    Ok(())
}

#[tokio::test]
async fn an_invalid_update_is_an_api_error() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = sign_in(&client).await?;
    let result = client
        .update_me(
            &tokens.access_token,
            object(json!({"username": "thor", "email": "not-an-email"})),
        )
        .await;
    match result {
        Err(Error::Api { status, body }) => assert_eq!(
            (status, *body),
            (400, ApiErrorCode::UserSchemaValidationFailed.to_error())
        ),
        other => bail!("expected USR-1019, got {other:?}"),
    }
    Ok(())
}

#[tokio::test]
async fn the_schema_names_the_profile_fields() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = sign_in(&client).await?;
    let meta = client.get_me_meta(&tokens.access_token).await?;
    let label = |name: &str| {
        meta.schema
            .get(name)
            .and_then(|attribute| attribute.display_name.clone())
    };
    assert_eq!(
        (
            label("given_name").as_deref(),
            label("family_name").as_deref()
        ),
        (Some("First Name"), Some("Last Name"))
    );
    Ok(())
}

#[tokio::test]
async fn an_app_native_assertion_works_as_the_bearer_token() -> Result<()> {
    let env = Env::start().await?;
    let client = env.native()?;
    let mut flow = client.flow();
    let step = flow.start(FlowStart::authentication()).await?;
    let FlowStep::Complete {
        assertion: Some(assertion),
        ..
    } = flow
        .submit(first_action(&step)?, credentials("thor", "Thor@12345"))
        .await?
    else {
        bail!("expected an assertion");
    };
    let me = client.get_me(&AccessToken::new(assertion.secret())).await?;
    assert_eq!(me.user.id.as_str(), THOR_ID);
    Ok(())
}

#[tokio::test]
async fn a_bad_bearer_token_is_auth_4010() -> Result<()> {
    let env = Env::start().await?;
    match env.web()?.get_me(&AccessToken::new("garbage")).await {
        Err(Error::Api { status, body }) => assert_eq!(
            (status, *body),
            (401, ApiErrorCode::AuthUnauthorized.to_error())
        ),
        other => bail!("expected AUTH-4010, got {other:?}"),
    }
    Ok(())
}

#[tokio::test]
async fn scim_me_reads_and_patches_the_user() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = sign_in(&client).await?;
    let user = client.get_scim_me(&tokens.access_token).await?;
    assert_eq!(user.user_name.as_deref(), Some("thor"));
    assert_eq!(
        user.name.as_ref().and_then(|n| n.given_name.as_deref()),
        Some("Thor")
    );

    let patch = PatchOp::replace(json!({"name": {"givenName": "Donar"}}));
    let patched = client.patch_scim_me(&tokens.access_token, &patch).await?;
    assert_eq!(
        patched
            .and_then(|u| u.name)
            .and_then(|n| n.given_name)
            .as_deref(),
        Some("Donar")
    );
    let me = client.get_me(&tokens.access_token).await?;
    assert_eq!(me.flattened.get("given_name"), Some(&json!("Donar")));

    let unauthenticated = client.get_scim_me(&AccessToken::new("garbage")).await;
    assert!(
        matches!(unauthenticated, Err(Error::Scim { status: 401, .. })),
        "{unauthenticated:?}"
    );
    Ok(())
}
