//! Flow-declared interceptors (`flowexec/interceptor_runner.go`, `flow/interceptor/`).
//!
//! Besides the default ChallengeTokenInterceptor (which the flow service applies to every
//! request), the server knows one interceptor a flow may declare: CaptchaInterceptor, registered
//! only when a captcha provider is plugged in. Each mode runs the graph's declarations in their
//! order (they share one priority); per-node modes keep those whose scope covers the node. The
//! captcha interceptor verifies on PRE_NODE only and fails every other mode without an error,
//! which the server reports as `flowStatus: "ERROR"` with no `error` object (ICS-1001 is assigned
//! and at once overwritten).

use thunderid_protocol::flow::{
    FlowDefinition, InterceptorDefinition, InterceptorMode, InterceptorScope, NodeDefinition,
};
use thunderid_protocol::{ApiError, ApiErrorCode};

use super::env::Env;
use super::node::EngineError;
use crate::store::captcha::Verdict;
use crate::store::execution::Execution;

/// The registered name of the captcha interceptor.
pub(crate) use crate::graph::CAPTCHA_INTERCEPTOR as CAPTCHA;
/// The user input that carries the captcha token (`captchaTokenFieldKey`); one-time use.
pub(crate) const CAPTCHA_TOKEN: &str = "captcha_token";
/// A node property listing the interceptors it opts out of, for scope `ALL` (`skipInterceptors`).
const SKIP_INTERCEPTORS: &str = "skipInterceptors";

/// What a mode's interceptors decided.
#[derive(Debug)]
pub(crate) enum Gate {
    /// Go on; `consumed` says a one-time-use input was read and leaves once the node ran.
    Pass { consumed: bool },
    /// Stop the request with `flowStatus: "ERROR"` and this error, if any.
    Stop(Option<ApiError>),
}

/// Run `graph`'s request-level interceptors of `mode` (PRE_REQUEST or POST_REQUEST): no node
/// scoping applies.
pub(crate) fn run_for_request(graph: &FlowDefinition, mode: &InterceptorMode) -> Gate {
    if graph.interceptors.iter().any(|i| &i.mode == mode) {
        // Only the captcha interceptor can be declared, and it fails outside PRE_NODE.
        return Gate::Stop(None);
    }
    Gate::Pass { consumed: false }
}

/// Run `graph`'s per-node interceptors of `mode` for `node`.
pub(crate) fn run_for_node(
    env: &Env<'_>,
    execution: &Execution,
    graph: &FlowDefinition,
    node: &NodeDefinition,
    mode: &InterceptorMode,
) -> Result<Gate, EngineError> {
    let mut consumed = false;
    for interceptor in graph
        .interceptors
        .iter()
        .filter(|i| &i.mode == mode && applies_to(i, node))
    {
        if mode != &InterceptorMode::PreNode {
            return Ok(Gate::Stop(None));
        }
        let token = execution.inputs.get(CAPTCHA_TOKEN);
        consumed |= token.is_some();
        if let Some(error) = verify_captcha(env, interceptor, token.map(String::as_str))? {
            return Ok(Gate::Stop(Some(error)));
        }
    }
    Ok(Gate::Pass { consumed })
}

/// `shouldApplyToNode`: `SELECTED` covers the listed nodes; `ALL` (or no scope) every node but
/// those naming the interceptor in `skipInterceptors`.
fn applies_to(interceptor: &InterceptorDefinition, node: &NodeDefinition) -> bool {
    match interceptor.scope {
        Some(InterceptorScope::Selected) => interceptor.apply_to.contains(&node.id),
        _ => !node
            .properties
            .get(SKIP_INTERCEPTORS)
            .and_then(serde_json::Value::as_array)
            .is_some_and(|skip| skip.iter().any(|name| name == interceptor.name.as_str())),
    }
}

/// `validateCaptchaToken`: a missing or empty token, or a negative verdict, is ICS-1003; the
/// provider failing is an engine fault (HTTP 500).
fn verify_captcha(
    env: &Env<'_>,
    interceptor: &InterceptorDefinition,
    token: Option<&str>,
) -> Result<Option<ApiError>, EngineError> {
    let Some(provider) = env.captcha else {
        // The flow APIs and the fixtures refuse the declaration without a provider.
        return Err(EngineError::Internal(format!(
            "interceptor {} is not registered",
            interceptor.name
        )));
    };
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(Some(ApiErrorCode::InterceptorCaptchaInvalid.to_error()));
    };
    match provider.write(|tokens| tokens.verify(token, env.now)) {
        Verdict::Pass => Ok(None),
        Verdict::Fail => Ok(Some(ApiErrorCode::InterceptorCaptchaInvalid.to_error())),
        Verdict::Unavailable => Err(EngineError::Internal(
            "captcha verification failed: the provider answered an error".into(),
        )),
    }
}
