//! The OpenID4VP wallet endpoints (`authn/openid4vp/handler.go`) over `flow::openid4vp`, and the
//! control plane's fake wallet (`POST /__mock/wallet/present`). Service errors map as the handler
//! maps them: EUDI-1002 404, the other client errors 400, a policy fault 500.

use serde_json::{Map, Value, json};
use thunderid_protocol::ApiErrorCode;

use crate::error::MockError;
use crate::flow::openid4vp::{VpContext, VpError};
use crate::openid4vp::Status;
use crate::openid4vp::verifier::VerifiedPresentation;
use crate::openid4vp::wallet::{self, Defect};
use crate::state::AppState;
use crate::tokens::TokenType;

fn context(state: &AppState) -> VpContext<'_> {
    let stores = state.stores();
    VpContext {
        verifier: &stores.openid4vp,
        executions: &stores.executions,
        base_url: &state.config().base_url,
        now: state.now(),
    }
}

fn refusal(error: VpError) -> MockError {
    match error {
        VpError::InvalidRequest => MockError::api(ApiErrorCode::EudiInvalidRequest),
        VpError::UnknownState => MockError::api(ApiErrorCode::EudiUnknownState),
        VpError::VerificationFailed(_) => MockError::api(ApiErrorCode::EudiVerificationFailed),
        VpError::UnknownDefinition => MockError::api(ApiErrorCode::EudiUnknownDefinition),
        VpError::Policy(reason) => MockError::Internal(anyhow::anyhow!(reason)),
    }
}

fn required(value: Option<&str>) -> Result<&str, MockError> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| refusal(VpError::InvalidRequest))
}

/// `GET /openid4vp/request?state=`: the signed request object.
pub(crate) fn request_object(
    state: &AppState,
    vp_state: Option<&str>,
) -> Result<String, MockError> {
    let vp_state = required(vp_state)?;
    context(state).request_object(vp_state).map_err(refusal)
}

/// `POST /openid4vp/response` (form): `state`, then `error` or `response`.
pub(crate) fn submit(state: &AppState, form: &Map<String, Value>) -> Result<Value, MockError> {
    let field = |key: &str| form.get(key).and_then(Value::as_str);
    let vp_state = required(field("state"))?;
    let ctx = context(state);
    if let Some(code) = field("error").filter(|c| !c.is_empty()) {
        ctx.submit_error(
            vp_state,
            code,
            field("error_description").unwrap_or_default(),
        )
        .map_err(refusal)?;
        return Ok(json!({}));
    }
    let response = required(field("response"))?;
    ctx.submit_response(vp_state, response).map_err(refusal)?;
    Ok(json!({}))
}

/// `GET /openid4vp/status/{txn_id}`: the status, delivered once when terminal.
pub(crate) fn status(state: &AppState, txn_id: &str) -> Result<Value, MockError> {
    let txn_id = required(Some(txn_id))?;
    let result = context(state).result(txn_id).map_err(refusal)?;
    let mut body = json!({"status": result.status.as_str()});
    if let (Status::Completed, Some(verified)) = (result.status, &result.result) {
        body["result_token"] = result_token(
            state,
            txn_id,
            &result.definition_id,
            &result.client_id,
            verified,
        )
        .into();
    }
    if !result.failure_reason.is_empty() {
        body["error"] = result.failure_reason.into();
    }
    Ok(body)
}

/// The signed result a relying party reads (`GetResult`: the server's JWT service, `typ` `JWT`,
/// 300 s; its default claims override the custom `jti` with a UUIDv7).
fn result_token(
    state: &AppState,
    txn_id: &str,
    definition_id: &str,
    verifier: &str,
    verified: &VerifiedPresentation,
) -> String {
    let issuer = state.config().base_url.trim_end_matches('/').to_owned();
    let now = state.now();
    let claims = json!({
        "aud": issuer,
        "txn": txn_id,
        "definition_id": definition_id,
        "subject": verified.subject,
        "verified_claims": verified.claims,
        "verifier": verifier,
        "iss": issuer,
        "exp": now + RESULT_TOKEN_VALIDITY,
        "iat": now,
        "nbf": now,
        "jti": crate::ids::uuid_v7(now),
        "sub": verified.subject,
    });
    state.signer().sign(TokenType::Jwt, &claims)
}

/// `result_token_validity_seconds`.
const RESULT_TOKEN_VALIDITY: u64 = 300;

/// `POST /openid4vp/initiate` `{"definition_id"}`.
pub(crate) fn initiate(state: &AppState, definition_id: &str) -> Result<Value, MockError> {
    let definition_id = required(Some(definition_id))?;
    let mut rng = rand::thread_rng();
    let started = context(state)
        .initiate(definition_id, &mut rng)
        .map_err(refusal)?;
    Ok(json!({
        "txn_id": started.state,
        "wallet_url": started.wallet_uri,
        "status_url": format!("/openid4vp/status/{}", started.state),
        "expires_at": crate::store::organizations::rfc3339(started.expires_at),
    }))
}

/// `GET /openid4vp/trust-anchors`.
pub(crate) fn trust_anchors(state: &AppState) -> Value {
    Value::Array(
        context(state)
            .trust_anchors()
            .into_iter()
            .map(|(name, subject, ski, not_after)| {
                json!({"name": name, "subject": subject, "ski": ski, "not_after": not_after})
            })
            .collect(),
    )
}

/// `POST /__mock/wallet/present`: what the fake wallet is asked to do.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PresentRequest {
    /// The `openid4vpWalletUri`, or the `openid4vpRequestUri`.
    #[serde(alias = "walletUri")]
    pub request_uri: String,
    pub username: Option<String>,
    pub user_id: Option<String>,
    /// `wrong_issuer_key`, `wrong_nonce`, `wrong_audience`, `expired` or `missing_claim`.
    pub defect: Option<String>,
    /// The response's content encryption (`A128GCM` when absent): any value the request object
    /// advertises (`A128GCM`, `A256GCM`, `A128CBC-HS256`, `A256CBC-HS512`).
    pub encryption: Option<String>,
    /// The credential's signature algorithm (`ES256` when absent, or `EdDSA`: the request
    /// object's `sd-jwt_alg_values`); the mock issuer holds a certified key for each.
    pub credential_alg: Option<String>,
    /// The holder key's algorithm for the key-binding JWT (`ES256` when absent, or `EdDSA`: the
    /// request object's `kb-jwt_alg_values`).
    pub holder_alg: Option<String>,
    /// Return the form without posting it.
    #[serde(default)]
    pub dry_run: bool,
}

fn control(message: impl Into<String>) -> MockError {
    MockError::ControlPlane(message.into())
}

/// The `state` a wallet URI or request URI carries.
fn state_of(uri: &str) -> Option<String> {
    let parsed = url::Url::parse(uri).ok()?;
    let inner = parsed
        .query_pairs()
        .find(|(k, _)| k == "request_uri")
        .and_then(|(_, v)| url::Url::parse(&v).ok())
        .unwrap_or(parsed);
    inner
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
}

/// The fake wallet: fetch the request object, present a credential for the user, and answer
/// what the verifier answered (its status and body), or the form itself with `dryRun`.
pub(crate) fn present(state: &AppState, request: &PresentRequest) -> Result<Value, MockError> {
    let defect = match request.defect.as_deref() {
        None => None,
        Some(name) => Some(Defect::from_name(name).ok_or_else(|| {
            control(format!("defect: unknown {name:?} (wrong_issuer_key, wrong_nonce, wrong_audience, expired, missing_claim)"))
        })?),
    };
    let vp_state = state_of(&request.request_uri)
        .ok_or_else(|| control("requestUri: no state in the wallet or request URI"))?;
    let user = state.stores().directory.read(|d| {
        let users = &d.users;
        match (&request.user_id, &request.username) {
            (Some(id), _) => users.get(id).cloned(),
            (None, Some(name)) => users.find_by_attribute("username", name).cloned(),
            (None, None) => None,
        }
    });
    let user = user.ok_or_else(|| control("username/userId: no such user"))?;
    let attributes = user.attributes.clone();
    let subject = attributes
        .get("sub")
        .and_then(Value::as_str)
        .map_or_else(|| user.id.clone(), str::to_owned);
    let jwt = request_object(state, Some(&vp_state))?;
    let keys = state.stores().openid4vp.keys();
    let answer = wallet::present(
        keys,
        &jwt,
        &subject,
        &attributes,
        defect,
        wallet::Choices {
            enc: request.encryption.as_deref().unwrap_or("A128GCM"),
            credential_alg: request.credential_alg.as_deref().unwrap_or("ES256"),
            holder_alg: request.holder_alg.as_deref().unwrap_or("ES256"),
        },
        state.now(),
    )
    .map_err(|e| control(e.to_string()))?;
    let form = json!({"state": answer.state, "response": answer.response});
    if request.dry_run {
        return Ok(json!({"responseUri": answer.response_uri, "form": form}));
    }
    // The verifier's own answer, error or not, is the control plane's.
    submit(state, form.as_object().unwrap_or(&Map::new()))
}
