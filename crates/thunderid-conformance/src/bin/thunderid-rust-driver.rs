//! The reference driver for the project's Rust client (`thunderid-client`): driver protocol v1
//! (docs/sdk-driver.md) over `thunderid_client::Client`. It announces its port on stdout, then
//! answers one `POST /command` at a time; `configure` starts a fresh client and session.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::routing::post;
use serde_json::{Value, json};
use thunderid_client::error::{CallbackError, SessionError};
use thunderid_client::protocol::flow::FlowType;
use thunderid_client::protocol::oauth2::{TokenExchangeGrant, TokenTypeUri};
use thunderid_client::{
    AuthorizeOptions, Client, Config, Error, Flow, FlowStart, FlowStep, PendingAuthorization,
    SignOutOptions, TokenSet,
};
use tokio::sync::Mutex;

/// One SDK session: what an app holds between calls.
#[derive(Default)]
struct Session {
    client: Option<Client>,
    pending: Option<PendingAuthorization>,
    tokens: Option<TokenSet>,
    flow: Option<Flow>,
    /// The authorization request of a flow started through `/oauth2/authorize`.
    flow_pending: Option<PendingAuthorization>,
}

/// Commands run one after the other (the suite sends one at a time), so the session is behind an
/// async lock held for the whole command: the client's calls are `.await`s on its state.
type Shared = Arc<Mutex<Session>>;

/// A failure in the protocol's words: `kind`, the server's `code` and `status` when known.
struct Failure {
    kind: &'static str,
    code: Option<String>,
    status: Option<u16>,
    message: String,
}

impl Failure {
    fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            code: None,
            status: None,
            message: message.into(),
        }
    }
}

fn code_of<T: serde::Serialize>(code: &T) -> Option<String> {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let message = error.to_string();
        let (kind, code, status) = match &error {
            Error::OAuth { status, body } => ("server", code_of(&body.error), Some(*status)),
            Error::Api { status, body } => ("server", code_of(&body.code), Some(*status)),
            Error::Scim { status, .. } | Error::UnexpectedResponse { status, .. } => {
                ("server", None, Some(*status))
            }
            Error::Transport(_) | Error::Decode { .. } => ("transport", None, None),
            Error::IdToken(e) => ("id_token", Some(variant(e)), None),
            Error::Callback(CallbackError::MissingState | CallbackError::StateMismatch) => {
                ("state", None, None)
            }
            Error::Callback(CallbackError::Authorization(params)) => {
                ("authorization", code_of(&params.error), None)
            }
            Error::Callback(e) => ("authorization", Some(variant(e)), None),
            Error::Session(SessionError::NotSignedIn | SessionError::NoRefreshToken) => {
                ("not_signed_in", None, None)
            }
            Error::Config(_) => ("invalid_input", None, None),
            _ => ("other", None, None),
        };
        Self {
            kind,
            code,
            status,
            message,
        }
    }
}

/// The variant's name (`UnknownKey`), from its debug form.
fn variant(error: &impl std::fmt::Debug) -> String {
    let debug = format!("{error:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

type Outcome = Result<Value, Failure>;

fn arg<'v>(args: &'v Value, name: &str) -> Option<&'v str> {
    args.get(name).and_then(Value::as_str)
}

fn configure(session: &mut Session, args: &Value) -> Outcome {
    let base = arg(args, "baseUrl").ok_or_else(|| Failure::new("invalid_input", "no baseUrl"))?;
    let mut config = Config::new(base).map_err(Error::from)?;
    if let Some(id) = arg(args, "applicationId") {
        config = config.with_application_id(id);
    }
    if let Some(id) = arg(args, "clientId") {
        config = config.with_client_id(id);
    }
    if let Some(secret) = arg(args, "clientSecret") {
        config = config.with_client_secret(secret);
    }
    if let Some(secret) = arg(args, "flowSecret") {
        config = config.with_flow_secret(secret);
    }
    if let Some(uri) = arg(args, "redirectUri") {
        config = config.with_redirect_uri(uri);
    }
    if let Some(uri) = arg(args, "postLogoutRedirectUri") {
        config = config.with_post_logout_redirect_uri(uri);
    }
    if let Some(scopes) = args.get("scopes").and_then(Value::as_array) {
        config = config.with_scopes(scopes.iter().filter_map(Value::as_str));
    }
    *session = Session {
        client: Some(Client::new(config)?),
        ..Session::default()
    };
    Ok(json!({}))
}

fn client(session: &Session) -> Result<Client, Failure> {
    session
        .client
        .clone()
        .ok_or_else(|| Failure::new("invalid_input", "configure first"))
}

fn signed_in(session: &Session) -> Result<&TokenSet, Failure> {
    session
        .tokens
        .as_ref()
        .ok_or_else(|| Error::Session(SessionError::NotSignedIn).into())
}

/// Keep new tokens; a refresh without an ID token keeps the claims of the one before.
fn keep(session: &mut Session, mut tokens: TokenSet) {
    if tokens.id_token.is_none()
        && let Some(old) = session.tokens.take()
    {
        tokens.id_token = old.id_token;
        tokens.id_token_claims = old.id_token_claims;
    }
    session.tokens = Some(tokens);
}

fn flow_answer(step: &FlowStep, signed_in: bool) -> Value {
    let code = |e: &Option<thunderid_client::protocol::error::ApiError>| {
        e.as_ref().and_then(|e| code_of(&e.code))
    };
    match step {
        FlowStep::Incomplete {
            kind,
            inputs,
            actions,
            error,
            redirect_url,
            ..
        } => json!({
            "status": "INCOMPLETE",
            "stepType": kind,
            "inputs": inputs.iter().map(|i| i.identifier.clone()).collect::<Vec<_>>(),
            "actions": actions.iter().map(|a| a.reference.clone()).collect::<Vec<_>>(),
            "errorCode": code(error),
            "redirectUrl": redirect_url,
        }),
        FlowStep::Complete { assertion, .. } => json!({
            "status": "COMPLETE",
            "assertion": assertion.as_ref().map(|a| a.secret().to_owned()),
            "signedIn": signed_in,
        }),
        FlowStep::Error { error, .. } => json!({"status": "ERROR", "errorCode": code(error)}),
        _ => json!({"status": "UNKNOWN"}),
    }
}

/// A flow step; a COMPLETE of a flow started through `/oauth2/authorize` finishes the sign-in
/// (the redirect URI the callback answered carries the code).
async fn after_step(session: &mut Session, step: Result<FlowStep, Error>) -> Outcome {
    let step = step?;
    let mut done = false;
    if let FlowStep::Complete {
        redirect_uri: Some(back),
        ..
    } = &step
        && let Some(pending) = session.flow_pending.take()
    {
        let tokens = client(session)?.handle_callback(pending, back).await?;
        keep(session, tokens);
        done = true;
    }
    Ok(flow_answer(&step, done))
}

fn inputs(args: &Value) -> BTreeMap<String, String> {
    args.get("inputs")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

async fn run(session: &mut Session, cmd: &str, args: &Value) -> Option<Outcome> {
    Some(match cmd {
        "configure" => configure(session, args),
        "signIn.start" => sign_in_start(session).await,
        "signIn.callback" => sign_in_callback(session, args).await,
        "user.get" => signed_in(session).map(|t| {
            let sub = t
                .id_token_claims
                .as_ref()
                .and_then(|c| c.registered.subject.clone());
            json!({ "sub": sub })
        }),
        "session.get" => Ok(json!({ "signedIn": session.tokens.is_some() })),
        "token.get" => {
            signed_in(session).map(|t| json!({ "accessToken": t.access_token.secret() }))
        }
        "token.refresh" => refresh(session).await,
        "signOut" => sign_out(session).await,
        "flow.start" => flow_start(session, args).await,
        "token.exchange" => exchange(session, args).await,
        "organization.switch" => switch_organization(session, args).await,
        "flow.continue" | "flow.resume" => {
            let Some(mut flow) = session.flow.take() else {
                return Some(Err(Failure::new("invalid_input", "no flow in progress")));
            };
            let step = match arg(args, "action") {
                Some(action) => flow.submit(action, inputs(args)).await,
                None => flow.submit_inputs(inputs(args)).await,
            };
            session.flow = Some(flow);
            after_step(session, step).await
        }
        _ => return None,
    })
}

async fn sign_in_start(session: &mut Session) -> Outcome {
    let request = client(session)?
        .authorize_url(AuthorizeOptions::default())
        .await?;
    session.pending = Some(request.pending);
    Ok(json!({ "url": request.url.as_str() }))
}

async fn sign_in_callback(session: &mut Session, args: &Value) -> Outcome {
    let url = arg(args, "url").ok_or_else(|| Failure::new("invalid_input", "no url"))?;
    let pending = session
        .pending
        .take()
        .ok_or_else(|| Error::Session(SessionError::NoPendingSignIn))?;
    let tokens = client(session)?.handle_callback(pending, url).await?;
    let sub = tokens
        .id_token_claims
        .as_ref()
        .and_then(|c| c.registered.subject.clone());
    keep(session, tokens);
    Ok(json!({ "sub": sub }))
}

async fn refresh(session: &mut Session) -> Outcome {
    let token = signed_in(session)?
        .refresh_token
        .clone()
        .ok_or_else(|| Error::Session(SessionError::NoRefreshToken))?;
    let tokens = client(session)?.refresh(&token).await?;
    let access = tokens.access_token.secret().to_owned();
    keep(session, tokens);
    Ok(json!({ "accessToken": access }))
}

async fn sign_out(session: &mut Session) -> Outcome {
    let options = match signed_in(session)?.id_token.clone() {
        Some(id_token) => SignOutOptions::with_id_token(id_token),
        None => SignOutOptions::default(),
    };
    let url = client(session)?.end_session_url(options).await?;
    session.tokens = None;
    Ok(json!({ "url": url.url.as_str() }))
}

/// RFC 8693: the app's own session is left as it is; the new token is the answer.
async fn exchange(session: &mut Session, args: &Value) -> Outcome {
    let subject = arg(args, "subjectToken")
        .ok_or_else(|| Failure::new("invalid_input", "no subjectToken"))?;
    let kind: TokenTypeUri =
        serde_json::from_value(args.get("subjectTokenType").cloned().unwrap_or_default())
            .map_err(|e| Failure::new("invalid_input", format!("subjectTokenType: {e}")))?;
    let mut grant = TokenExchangeGrant::new(subject, kind);
    if let Some(audience) = arg(args, "audience") {
        grant.audience.push(audience.to_owned());
    }
    let tokens = client(session)?.exchange_token(grant).await?;
    Ok(json!({ "accessToken": tokens.access_token.secret() }))
}

/// The session moves into the organization: its tokens are replaced by the switched ones (whose
/// ID token names the organization), so later commands act there.
async fn switch_organization(session: &mut Session, args: &Value) -> Outcome {
    let organization = arg(args, "organizationId")
        .ok_or_else(|| Failure::new("invalid_input", "no organizationId"))?;
    let current = signed_in(session)?.access_token.clone();
    let tokens = client(session)?
        .switch_organization(&current, organization)
        .await?;
    let access = tokens.access_token.secret().to_owned();
    session.tokens = Some(tokens);
    Ok(json!({ "accessToken": access }))
}

async fn flow_start(session: &mut Session, args: &Value) -> Outcome {
    let client = client(session)?;
    let flow_type: FlowType =
        serde_json::from_value(args.get("flowType").cloned().unwrap_or_default())
            .map_err(|e| Failure::new("invalid_input", format!("flowType: {e}")))?;
    if args.get("viaAuthorize") == Some(&Value::Bool(true)) {
        let started = client
            .start_flow_via_authorize(AuthorizeOptions::default())
            .await?;
        let mut flow = started.flow;
        session.flow_pending = Some(started.pending);
        let step = flow.resume().await;
        session.flow = Some(flow);
        return after_step(session, step).await;
    }
    let mut start = FlowStart::new(flow_type);
    for (name, value) in inputs(args) {
        start = start.with_input(name, value);
    }
    let mut flow = client.flow();
    let step = flow.start(start).await;
    session.flow = Some(flow);
    after_step(session, step).await
}

async fn command(State(shared): State<Shared>, Json(request): Json<Value>) -> Json<Value> {
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let cmd = request
        .get("cmd")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let args = request.get("args").cloned().unwrap_or_else(|| json!({}));
    let mut session = shared.lock().await;
    let answer = match run(&mut session, cmd, &args).await {
        None => json!({ "id": id, "unsupported": true }),
        Some(Ok(data)) => json!({ "id": id, "ok": data }),
        Some(Err(f)) => json!({ "id": id, "error": {
            "kind": f.kind, "code": f.code, "status": f.status, "message": f.message
        }}),
    };
    Json(answer)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let app = axum::Router::new()
        .route("/command", post(command))
        .with_state(Shared::default());
    println!(
        "{}",
        json!({"thunderidDriver": 1, "port": port,
            "sdk": concat!("thunderid-client ", env!("CARGO_PKG_VERSION"))})
    );
    axum::serve(listener, app).await
}
