//! Organizations against the mock: the legacy organization APIs, the `organization_switch` grant
//! (client and session facade), the organization the ID token names, and organization units, with
//! the permissions the server checks.

use anyhow::{Context, Result, anyhow, bail};
use serde_json::json;
use thunderid_client::organizations::patch_operations;
use thunderid_client::protocol::ApiErrorCode;
use thunderid_client::protocol::OAuthErrorCode;
use thunderid_client::protocol::organizations::{CreateOrganizationRequest, Organization};
use thunderid_client::session::{SessionManager, SignInOutcome, SignInRequest, SignedIn};
use thunderid_client::{
    AuthorizeOptions, Client, Error, FlowStep, OrganizationQuery, OrganizationUnitQuery, TokenSet,
};

use crate::support::{Env, SESSION_SECRET, THOR_ID, credentials, first_action, form};

const ROOT: &str = "01900000-0000-7000-8000-000000000001";
const ENGINEERING: &str = "01900000-0000-7000-8000-000000000002";
const SALES: &str = "01900000-0000-7000-8000-000000000003";
const PLATFORM: &str = "01900000-0000-7000-8000-000000000004";

/// A redirect sign-in at `client` as `username`, asking for `scopes`.
async fn sign_in_as(
    client: &Client,
    (username, password): (&str, &str),
    scopes: &[&str],
) -> Result<TokenSet> {
    let mut options = AuthorizeOptions::default().with_scopes(scopes.iter().copied());
    // Permission scopes bind to a resource server: `system` is the System resource server's.
    if scopes.contains(&"system") {
        options = options.with_resource("https://localhost:8090/mcp");
    }
    let started = client.start_flow_via_authorize(options).await?;
    let mut flow = started.flow;
    let step = flow.resume().await?;
    let callback = match flow
        .submit(first_action(&step)?, credentials(username, password))
        .await?
    {
        FlowStep::Complete {
            redirect_uri: Some(callback),
            ..
        } => callback,
        other => bail!("expected COMPLETE with a redirect, got {other:?}"),
    };
    Ok(client.handle_callback(started.pending, &callback).await?)
}

async fn thor(client: &Client) -> Result<TokenSet> {
    sign_in_as(
        client,
        ("thor", "Thor@12345"),
        &["openid", "profile", "email"],
    )
    .await
}

async fn admin(client: &Client) -> Result<TokenSet> {
    sign_in_as(client, ("admin", "admin"), &["openid", "profile", "system"]).await
}

fn names(organizations: &[Organization]) -> Vec<&str> {
    organizations.iter().map(|o| o.name.as_str()).collect()
}

#[track_caller]
fn assert_api_error<T: std::fmt::Debug>(
    result: Result<T, Error>,
    status: u16,
    code: ApiErrorCode,
) -> Result<()> {
    match result {
        Err(Error::Api { status: got, body }) => {
            assert_eq!((got, *body), (status, code.to_error()));
            Ok(())
        }
        other => Err(anyhow!("expected {status} {code:?}, got {other:?}")),
    }
}

#[tokio::test]
async fn my_organizations_are_my_unit_and_those_below_it() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = thor(&client).await?;
    let page = client
        .get_my_organizations(&tokens.access_token, &OrganizationQuery::new())
        .await?;
    assert_eq!(names(&page.organizations), ["Engineering", "Platform"]);
    assert_eq!((page.has_more, page.total_count), (Some(false), Some(2)));
    let first = &page.organizations[0];
    assert_eq!(
        (first.id.as_str(), first.org_handle.as_str()),
        (ENGINEERING, "engineering")
    );

    // The SDK's query; empty values are left out, the others sent.
    let query = OrganizationQuery::new()
        .limit(1)
        .recursive(true)
        .filter("name co Eng");
    let page = client
        .get_my_organizations(&tokens.access_token, &query)
        .await?;
    assert_eq!(names(&page.organizations), ["Engineering"]);
    let requests = env.requests("/api/users/v1/me/organizations");
    let queries: Vec<Option<&str>> = requests.iter().map(|r| r.query.as_deref()).collect();
    assert_eq!(
        queries,
        [
            Some("limit=10&recursive=false"),
            Some("limit=1&recursive=true&filter=name+co+Eng"),
        ]
    );

    // Paging with the cursor the page hands out.
    let query = OrganizationQuery::new().limit(1);
    let first = client
        .get_my_organizations(&tokens.access_token, &query)
        .await?;
    let cursor = first.next_cursor.context("a next cursor")?;
    let second = client
        .get_my_organizations(&tokens.access_token, &query.after(cursor))
        .await?;
    assert_eq!(names(&second.organizations), ["Platform"]);
    assert_eq!(second.has_more, Some(false));
    Ok(())
}

#[tokio::test]
async fn the_admin_lists_creates_reads_and_updates_organizations() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = admin(&client).await?;
    let token = &tokens.access_token;
    let roots = client
        .get_all_organizations(token, &OrganizationQuery::new())
        .await?;
    assert_eq!(names(&roots.organizations), ["Default"]);
    let all = client
        .get_all_organizations(token, &OrganizationQuery::new().recursive(true))
        .await?;
    assert_eq!(
        names(&all.organizations),
        ["Default", "Engineering", "Platform", "Sales"]
    );

    let mut request = CreateOrganizationRequest::tenant("Acme Corp");
    request.description = Some("Builds rockets".to_owned());
    request.parent_id = Some(ROOT.to_owned());
    let created = client.create_organization(token, request).await?;
    assert_eq!(
        (
            created.name.as_str(),
            created.org_handle.as_str(),
            created.description.as_deref(),
            created.organization_type.as_ref().map(|t| t.as_str()),
            created.parent.as_ref().map(|p| p.id.as_str()),
        ),
        (
            "Acme Corp",
            "acme-corp",
            Some("Builds rockets"),
            Some("TENANT"),
            Some(ROOT)
        )
    );
    let sent = env.requests("/api/server/v1/organizations");
    let body: serde_json::Value = serde_json::from_str(
        &sent
            .iter()
            .find(|r| r.method == "POST")
            .context("the POST")?
            .body,
    )?;
    assert_eq!(
        body,
        json!({"name": "Acme Corp", "description": "Builds rockets", "parentId": ROOT, "type": "TENANT"})
    );

    let read = client.get_organization(token, &created.id).await?;
    assert_eq!(read, created);
    let changes = json!({"name": "Acme Rockets", "description": ""});
    let operations = patch_operations(changes.as_object().into_iter().flatten());
    let updated = client
        .update_organization(token, &created.id, &operations)
        .await?;
    assert_eq!(
        (updated.name.as_str(), updated.description.as_deref()),
        ("Acme Rockets", None)
    );
    assert_eq!(client.get_organization(token, &created.id).await?, updated);

    // Unknown organizations and bad patches are the unit API's errors.
    let missing = client.get_organization(token, "no-such-org").await;
    assert_api_error(missing, 404, ApiErrorCode::OuNotFound)?;
    let empty = client.update_organization(token, &created.id, &[]).await;
    assert_api_error(empty, 400, ApiErrorCode::OuInvalidRequestFormat)?;
    Ok(())
}

#[tokio::test]
async fn organization_units_are_listed_by_the_admin_and_refused_to_thor() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let admin = admin(&client).await?;
    let token = &admin.access_token;
    let roots = client
        .list_organization_units(token, &OrganizationUnitQuery::new())
        .await?;
    let handles: Vec<&str> = roots
        .organization_units
        .iter()
        .map(|u| u.handle.as_str())
        .collect();
    assert_eq!((roots.total_results, handles), (1, vec!["default"]));
    let children = client
        .list_child_organization_units(token, ROOT, &OrganizationUnitQuery::new().limit(1))
        .await?;
    assert_eq!(
        (
            children.total_results,
            children.count,
            children.organization_units[0].name.as_str()
        ),
        (2, 1, "Engineering")
    );
    assert_eq!(
        env.requests(&format!("/organization-units/{ROOT}/ous"))[0]
            .query
            .as_deref(),
        Some("limit=1")
    );
    let sdk = client
        .get_organization_unit_children(token, ROOT, &OrganizationUnitQuery::new())
        .await?;
    let sdk_children: Vec<(&str, Option<&str>, Option<&str>)> = sdk
        .organization_units
        .iter()
        .map(|child| {
            (
                child.name.as_str(),
                child.parent_id.as_ref().map(|id| id.as_str()),
                child.status.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        sdk_children,
        [
            ("Engineering", Some(ROOT), Some("ACTIVE")),
            ("Sales", Some(ROOT), Some("ACTIVE")),
        ]
    );
    let unknown = client
        .list_child_organization_units(token, "no-such-unit", &OrganizationUnitQuery::new())
        .await;
    assert_api_error(unknown, 404, ApiErrorCode::OuNotFound)?;

    // Thor holds no `system:ou:view`.
    let thor = thor(&client).await?;
    let token = &thor.access_token;
    let refused = client
        .list_organization_units(token, &OrganizationUnitQuery::new())
        .await;
    assert_api_error(refused, 403, ApiErrorCode::AuthForbidden)?;
    let refused = client
        .get_organization_unit_children(token, ROOT, &OrganizationUnitQuery::new())
        .await;
    assert_api_error(refused, 403, ApiErrorCode::AuthForbidden)?;
    let refused = client
        .get_all_organizations(token, &OrganizationQuery::new())
        .await;
    assert_api_error(refused, 403, ApiErrorCode::AuthForbidden)?;
    let refused = client
        .create_organization(token, CreateOrganizationRequest::tenant("Mine"))
        .await;
    assert_api_error(refused, 403, ApiErrorCode::AuthForbidden)?;
    Ok(())
}

#[tokio::test]
async fn a_member_switches_organization_and_uses_the_new_tokens() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = thor(&client).await?;
    assert_eq!(tokens.current_organization(), None, "not switched yet");

    let switched = client
        .switch_organization(&tokens.access_token, PLATFORM)
        .await?;
    let expected = Organization {
        id: PLATFORM.to_owned(),
        name: "Platform".to_owned(),
        org_handle: "platform".to_owned(),
        reference: None,
        status: None,
    };
    assert_eq!(switched.current_organization(), Some(expected.clone()));
    let claims = switched
        .id_token_claims
        .as_ref()
        .context("validated claims")?;
    assert_eq!(claims.registered.subject.as_deref(), Some(THOR_ID));
    assert_eq!(
        claims
            .organization
            .organization_unit_id
            .as_ref()
            .map(|id| id.as_str()),
        Some(PLATFORM)
    );
    assert_eq!(switched.scope.as_deref(), Some("openid profile"));

    // The wire: the custom grant with the current access token and the configured scopes.
    let sent = env.requests("/oauth2/token");
    let body = form(&sent.last().context("the switch")?.body);
    assert_eq!(
        (
            body.get("grant_type").map(String::as_str),
            body.get("token"),
            body.get("switching_organization").map(String::as_str),
            body.get("scope").map(String::as_str),
        ),
        (
            Some("organization_switch"),
            Some(&tokens.access_token.secret().to_owned()),
            Some(PLATFORM),
            Some("openid profile"),
        )
    );

    // The new access token works on /users/me and userinfo.
    let me = client.get_me(&switched.access_token).await?;
    assert_eq!(
        (
            me.user.id.as_str(),
            me.user.organization_unit_id.as_ref().map(|id| id.as_str())
        ),
        (THOR_ID, Some(ENGINEERING)),
        "the user's own unit is unchanged"
    );
    let userinfo = client.userinfo(&switched.access_token).await?;
    assert_eq!(
        serde_json::to_value(&userinfo)?["sub"],
        json!(THOR_ID),
        "{userinfo:?}"
    );

    // A refresh stays in the organization.
    let refresh_token = switched.refresh_token.as_ref().context("a refresh token")?;
    let refreshed = client.refresh(refresh_token).await?;
    assert_eq!(refreshed.current_organization(), Some(expected));
    Ok(())
}

#[tokio::test]
async fn a_non_member_is_refused_with_the_oauth_error() -> Result<()> {
    let env = Env::start().await?;
    let client = env.web()?;
    let tokens = thor(&client).await?;
    for (organization, description) in [
        (SALES, "User is not a member of the organization"),
        (ROOT, "User is not a member of the organization"),
        ("no-such-org", "Organization not found"),
    ] {
        match client
            .switch_organization(&tokens.access_token, organization)
            .await
        {
            Err(Error::OAuth { status, body }) => assert_eq!(
                (status, body.error, body.error_description.as_str()),
                (400, OAuthErrorCode::InvalidGrant, description)
            ),
            other => bail!("expected invalid_grant for {organization}, got {other:?}"),
        }
    }
    Ok(())
}

/// A redirect sign-in through the facade as thor: the authorize URL's 302, the flow, the callback.
async fn session_sign_in(sessions: &SessionManager) -> Result<SignedIn> {
    let SignInOutcome::Redirect { url, temp_session } = sessions
        .sign_in(SignInRequest::Redirect(AuthorizeOptions::default()))
        .await?
    else {
        bail!("expected a redirect");
    };
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let response = http.get(url.as_str()).send().await?;
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .context("a Location")?;
    let (auth_id, execution_id, _) = thunderid_client::flow::parse_sign_in_redirect(location)
        .context("authId and executionId")?;
    let state = serde_json::from_value(json!({"executionId": execution_id, "authId": auth_id}))?;
    let mut flow = sessions.client().resume_flow(state);
    let step = flow.resume().await?;
    let callback = match flow
        .submit(first_action(&step)?, credentials("thor", "Thor@12345"))
        .await?
    {
        FlowStep::Complete {
            redirect_uri: Some(callback),
            ..
        } => callback,
        other => bail!("expected COMPLETE with a redirect, got {other:?}"),
    };
    Ok(sessions.complete_sign_in(&temp_session, &callback).await?)
}

#[tokio::test]
async fn a_session_switches_organization_and_keeps_its_id() -> Result<()> {
    let env = Env::start().await?;
    let sessions =
        SessionManager::new(env.client(env.web_config()?.with_session_secret(SESSION_SECRET))?)?;
    let signed_in = session_sign_in(&sessions).await?;
    let before = sessions
        .session_payload(&signed_in.session_token)
        .await
        .context("a session")?;
    assert_eq!(before.organization_id.as_deref(), None);

    // A refused switch leaves the session as it was.
    let refused = sessions
        .switch_organization(&signed_in.session_token, SALES)
        .await;
    assert!(
        matches!(&refused, Err(Error::OAuth { status: 400, .. })),
        "{refused:?}"
    );
    assert!(sessions.is_signed_in(&signed_in.session_token).await);

    let switched = sessions
        .switch_organization(&signed_in.session_token, PLATFORM)
        .await?;
    assert_eq!(
        switched
            .organization
            .as_ref()
            .map(|o| o.org_handle.as_str()),
        Some("platform")
    );
    let after = sessions
        .session_payload(&switched.session_token)
        .await
        .context("the switched session")?;
    assert_eq!(
        (
            &after.session_id,
            after.sub.as_str(),
            after.organization_id.as_deref(),
            after.exp,
        ),
        (
            &before.session_id,
            THOR_ID,
            Some(PLATFORM),
            switched.expires_at
        )
    );
    assert_ne!(after.access_token, before.access_token);
    let user = sessions.get_user(&switched.session_token).await?;
    assert_eq!(user.get("id"), Some(&json!(THOR_ID)));

    // Refreshing the switched session keeps the organization, in the session and in its tokens.
    let refreshed = sessions.refresh_token(&switched.session_token).await?;
    let payload = sessions
        .session_payload(&refreshed.session_token)
        .await
        .context("the refreshed session")?;
    assert_eq!(payload.organization_id.as_deref(), Some(PLATFORM));
    let access = payload.access_token.context("an access token")?;
    let claims = unverified_claims(access.secret())?;
    assert_eq!(
        (claims["org_id"].clone(), claims["grant_type"].clone()),
        (json!(PLATFORM), json!("organization_switch")),
        "{claims}"
    );
    Ok(())
}

/// A JWT's payload, decoded only (the mock's tests verify its signatures).
fn unverified_claims(token: &str) -> Result<serde_json::Value> {
    use base64::Engine;
    let payload = token.split('.').nth(1).context("a JWS")?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload)?;
    Ok(serde_json::from_slice(&bytes)?)
}
