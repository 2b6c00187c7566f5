//! What a flow response must look like: statuses, steps, inputs and actions, errors, assertions.

use anyhow::{Context, bail, ensure};
use cucumber::gherkin::Step;
use cucumber::then;
use serde_json::Value;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{FlowStatus, FlowType, StepType};

use super::response;
use crate::catalog;
use crate::jwt;
use crate::params::{ApiErrorCodeParam, FlowStatusParam, StepTypeParam};
use crate::world::ConformanceWorld;

#[then(expr = "the flow status is {flow_status}")]
async fn flow_status(world: &mut ConformanceWorld, status: FlowStatusParam) -> anyhow::Result<()> {
    let response = response(world)?;
    let actual = response.get("flowStatus").and_then(Value::as_str);
    ensure!(
        actual == Some(status.0.as_str()),
        "expected flowStatus {}, got {actual:?} in {response}",
        status.0
    );
    check_envelope(response)
}

/// What every in-band response must hold (contract §1.3, §9.1).
fn check_envelope(response: &Value) -> anyhow::Result<()> {
    ensure!(
        response
            .get("executionId")
            .and_then(Value::as_str)
            .is_some(),
        "executionId is missing: {response}"
    );
    ensure!(
        response.get("data").is_some_and(Value::is_object),
        "data must always be an object: {response}"
    );
    ensure!(
        response.get("stepId").is_none(),
        "the server never emits stepId: {response}"
    );
    let incomplete = response.get("flowStatus").and_then(Value::as_str) == Some("INCOMPLETE");
    for key in ["type", "challengeToken"] {
        ensure!(
            response.get(key).is_some() == incomplete,
            "{key} must be present exactly on INCOMPLETE responses: {response}"
        );
    }
    Ok(())
}

#[then(expr = "the flow status is {flow_status} and the error code is {api_error_code}")]
async fn flow_status_and_error(
    world: &mut ConformanceWorld,
    status: FlowStatusParam,
    code: ApiErrorCodeParam,
) -> anyhow::Result<()> {
    flow_status(world, status).await?;
    let response = response(world)?;
    let error = response
        .get("error")
        .with_context(|| format!("expected error {}, got none in {response}", code.0))?;
    check_api_error(error, &code.0)
}

/// An envelope-A error object: the expected code with its message and description keys.
pub fn check_api_error(error: &Value, code: &ApiErrorCode) -> anyhow::Result<()> {
    let actual = error.get("code").and_then(Value::as_str);
    ensure!(
        actual == Some(code.as_str()),
        "expected error code {}, got {actual:?} in {error}",
        code.as_str()
    );
    for (field, key) in [
        ("message", code.message_key()),
        ("description", code.description_key()),
    ] {
        let actual = error
            .pointer(&format!("/{field}/key"))
            .and_then(Value::as_str);
        ensure!(
            actual == Some(key),
            "error {}: expected {field}.key {key:?}, got {actual:?} in {error}",
            code.as_str()
        );
        ensure!(
            error
                .pointer(&format!("/{field}/defaultValue"))
                .and_then(Value::as_str)
                .is_some_and(|v| !v.is_empty()),
            "error {}: {field}.defaultValue is missing in {error}",
            code.as_str()
        );
    }
    Ok(())
}

#[then(expr = "the flow is refused with {int} and the error code {api_error_code}")]
async fn flow_refused(
    world: &mut ConformanceWorld,
    status: u16,
    code: ApiErrorCodeParam,
) -> anyhow::Result<()> {
    let last = world.last()?;
    ensure!(
        last.status == status,
        "expected HTTP {status} with {}, got {}: {}",
        code.0.as_str(),
        last.status,
        last.body
    );
    ensure!(
        code.0.http_status() == status,
        "the protocol table gives {} the status {}, not {status}",
        code.0.as_str(),
        code.0.http_status()
    );
    let body = last.json()?;
    check_api_error(&body, &code.0)
}

#[then(expr = "the flow shows a {step_type} step")]
async fn flow_step(world: &mut ConformanceWorld, step_type: StepTypeParam) -> anyhow::Result<()> {
    flow_status(world, FlowStatusParam(FlowStatus::Incomplete)).await?;
    let response = response(world)?;
    let actual = response.get("type").and_then(Value::as_str);
    ensure!(
        actual == Some(step_type.0.as_str()),
        "expected a {} step, got {actual:?} in {response}",
        step_type.0
    );
    if step_type.0 == StepType::Redirection {
        ensure!(
            response.pointer("/data/redirectURL").is_some(),
            "a REDIRECTION step carries data.redirectURL: {response}"
        );
    }
    Ok(())
}

fn identifiers(response: &Value, list: &str, field: &str) -> Vec<String> {
    response
        .pointer(&format!("/data/{list}"))
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.get(field).and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn split_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[then(expr = "the flow asks for {string}")]
async fn asks_for(world: &mut ConformanceWorld, inputs: String) -> anyhow::Result<()> {
    let response = response(world)?;
    let actual = identifiers(response, "inputs", "identifier");
    let expected = split_list(&inputs);
    ensure!(
        actual == expected,
        "expected the inputs {expected:?}, got {actual:?} in {response}"
    );
    Ok(())
}

#[then(expr = "the flow offers the actions {string}")]
async fn offers_actions(world: &mut ConformanceWorld, actions: String) -> anyhow::Result<()> {
    let response = response(world)?;
    let actual = identifiers(response, "actions", "ref");
    let expected = split_list(&actions);
    ensure!(
        actual == expected,
        "expected the actions {expected:?}, got {actual:?} in {response}"
    );
    Ok(())
}

#[then("the flow offers no actions")]
async fn offers_no_actions(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let response = response(world)?;
    ensure!(
        response.pointer("/data/actions").is_none(),
        "expected no actions, got {response}"
    );
    Ok(())
}

#[then("the flow asks for the inputs:")]
async fn asks_for_table(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let table = step.table.as_ref().context("the step needs a table")?;
    let response = response(world)?;
    let inputs = response
        .pointer("/data/inputs")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let header = table.rows.first().context("the table needs a header row")?;
    ensure!(
        inputs.len() == table.rows.len() - 1,
        "expected {} inputs, got {}: {inputs:?}",
        table.rows.len() - 1,
        inputs.len()
    );
    for (row, input) in table.rows.iter().skip(1).zip(&inputs) {
        for (column, expected) in header.iter().zip(row) {
            let actual = match input.get(column) {
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            ensure!(
                &actual == expected,
                "input {}: expected {column} {expected:?}, got {actual:?}",
                input.get("identifier").unwrap_or(&Value::Null)
            );
        }
    }
    Ok(())
}

#[then("the flow has no error")]
async fn no_error(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let response = response(world)?;
    ensure!(
        response.get("error").is_none(),
        "expected no error, got {response}"
    );
    Ok(())
}

#[then("the response carries a fresh challenge token")]
async fn fresh_challenge(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let response = response(world)?;
    let token = response
        .get("challengeToken")
        .and_then(Value::as_str)
        .with_context(|| format!("no challengeToken in {response}"))?;
    ensure!(
        token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "a challenge token is 64 hex characters, got {:?}",
        jwt::shorten(token)
    );
    ensure!(
        !world.flow.stale_challenge_tokens.iter().any(|t| t == token),
        "the challenge token was not rotated"
    );
    Ok(())
}

#[then("the response carries no challenge token")]
async fn no_challenge(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let response = response(world)?;
    ensure!(
        response.get("challengeToken").is_none(),
        "expected no challengeToken, got {response}"
    );
    Ok(())
}

#[then("the response clears the SSO cookie")]
async fn clears_sso_cookie(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    use sha2::Digest as _;
    let app = catalog::current_application(world)?;
    let flow = world
        .fixtures
        .flows
        .iter()
        .find(|f| f.handle == app.auth_flow && f.flow_type == FlowType::Authentication)
        .with_context(|| format!("no authentication flow {}", app.auth_flow))?;
    // `tid_sso_` + the first 16 hex characters of SHA-256(the login flow's id).
    let digest = sha2::Sha256::digest(flow.id.as_str().as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let expected = format!(
        "tid_sso_{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax",
        &hex[..16]
    );
    let actual = world.last()?.header("set-cookie");
    ensure!(
        actual == Some(expected.as_str()),
        "expected Set-Cookie {expected:?}, got {actual:?}"
    );
    Ok(())
}

#[then("the execution id is a UUIDv7")]
async fn execution_id_uuid_v7(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let id = world
        .flow
        .execution_id
        .as_deref()
        .context("no execution id")?;
    let uuid = url::Url::parse(&format!("urn:uuid:{id}")).ok();
    let version = id.split('-').nth(2).and_then(|group| group.chars().next());
    ensure!(
        uuid.is_some() && id.len() == 36 && version == Some('7'),
        "expected a UUIDv7, got {id:?}"
    );
    Ok(())
}

#[then(expr = "the flow completes with an assertion for {string}")]
async fn completes_with_assertion(
    world: &mut ConformanceWorld,
    username: String,
) -> anyhow::Result<()> {
    flow_status(world, FlowStatusParam(FlowStatus::Complete)).await?;
    let token = response(world)?
        .get("assertion")
        .and_then(Value::as_str)
        .context("COMPLETE without an assertion")?
        .to_owned();
    let verified = jwt::verify(world, &token).await?;
    ensure!(
        verified.typ() == Some("JWT"),
        "an assertion has typ JWT, got {:?}",
        verified.typ()
    );
    let user_id = catalog::user(world, &username)?.id.clone();
    let app_id = world
        .app
        .as_deref()
        .map(|name| catalog::application(world, name).map(|a| a.id.clone()))
        .transpose()?;
    jwt::expect_claim(&verified, "sub", &user_id)?;
    if let Some(app_id) = app_id {
        jwt::expect_claim(&verified, "aud", &app_id)?;
    }
    for claim in ["iat", "exp", "nbf", "jti"] {
        ensure!(
            verified.claim(claim).is_some(),
            "the assertion has no {claim}"
        );
    }
    Ok(())
}

#[then("the flow completes without an assertion")]
async fn completes_without_assertion(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    flow_status(world, FlowStatusParam(FlowStatus::Complete)).await?;
    let response = response(world)?;
    ensure!(
        response.get("assertion").is_none(),
        "expected no assertion, got {response}"
    );
    Ok(())
}

#[then("the assertion carries the claims:")]
async fn assertion_claims(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let token = world.flow.assertion.clone().context("no assertion yet")?;
    let verified = jwt::verify(world, &token).await?;
    check_claims_table(world, &verified, step)
}

#[then(expr = "the assertion has no claim {string}")]
async fn assertion_lacks_claim(world: &mut ConformanceWorld, claim: String) -> anyhow::Result<()> {
    let token = world.flow.assertion.clone().context("no assertion yet")?;
    let verified = jwt::verify(world, &token).await?;
    ensure!(
        verified.claim(&claim).is_none(),
        "expected no {claim} claim, got {}",
        verified.claim(&claim).unwrap_or(&Value::Null)
    );
    Ok(())
}

/// Check every `| claim | value |` row of the step's table against verified claims.
pub fn check_claims_table(
    world: &ConformanceWorld,
    verified: &jwt::Verified,
    step: &Step,
) -> anyhow::Result<()> {
    let table = step.table.as_ref().context("the step needs a table")?;
    for row in &table.rows {
        let [claim, value] = row.as_slice() else {
            bail!("each row needs exactly two cells: claim | value");
        };
        jwt::expect_claim(verified, claim, &catalog::resolve(world, value)?)?;
    }
    Ok(())
}

#[then(expr = "the assertion records the authenticators {string}")]
async fn assertion_authenticators(
    world: &mut ConformanceWorld,
    names: String,
) -> anyhow::Result<()> {
    let token = world.flow.assertion.clone().context("no assertion yet")?;
    let verified = jwt::verify(world, &token).await?;
    let actual: Vec<String> = verified
        .claim("assurance")
        .and_then(|a| a.get("authenticators"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|a| a.get("authenticator").and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let expected = split_list(&names);
    ensure!(
        actual == expected,
        "expected the authenticators {expected:?}, got {actual:?}"
    );
    Ok(())
}

#[then(expr = "the flow data has {string} set to {string}")]
async fn additional_data(
    world: &mut ConformanceWorld,
    key: String,
    value: String,
) -> anyhow::Result<()> {
    let response = response(world)?;
    let actual = response
        .pointer(&format!("/data/additionalData/{key}"))
        .and_then(Value::as_str);
    ensure!(
        actual == Some(value.as_str()),
        "expected data.additionalData.{key} {value:?}, got {actual:?} in {response}"
    );
    Ok(())
}

#[then("the flow data carries UI components")]
async fn has_meta(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let response = response(world)?;
    let components = response
        .pointer("/data/meta/components")
        .and_then(Value::as_array);
    ensure!(
        components.is_some_and(|c| !c.is_empty()),
        "expected data.meta.components, got {response}"
    );
    Ok(())
}

#[then("the flow data carries no UI components")]
async fn has_no_meta(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let response = response(world)?;
    ensure!(
        response.pointer("/data/meta").is_none(),
        "expected no data.meta, got {response}"
    );
    Ok(())
}

#[then(expr = "the flow reports the field error {string} for {string}")]
async fn field_error(
    world: &mut ConformanceWorld,
    message: String,
    identifier: String,
) -> anyhow::Result<()> {
    let response = response(world)?;
    let errors = response
        .pointer("/data/fieldErrors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let found = errors.iter().any(|e| {
        e.get("identifier").and_then(Value::as_str) == Some(identifier.as_str())
            && e.get("message").and_then(Value::as_str) == Some(message.as_str())
    });
    ensure!(
        found,
        "expected the field error {message:?} for {identifier}, got {errors:?}"
    );
    Ok(())
}

#[then(expr = "the response carries an error assertion of type {string}")]
async fn error_assertion(world: &mut ConformanceWorld, error_type: String) -> anyhow::Result<()> {
    let token = world
        .flow
        .error_assertion
        .clone()
        .context("no errorAssertion was received")?;
    let verified = jwt::verify(world, &token).await?;
    jwt::expect_claim(&verified, "flow_error_type", &error_type)?;
    ensure!(
        verified.claim("sub").is_none(),
        "an error assertion has no sub"
    );
    let auth_id = world.oauth.auth_id.clone().context("no authId")?;
    jwt::expect_claim(&verified, "authorization_request_id", &auth_id)
}

#[then("the response carries no error assertion")]
async fn no_error_assertion(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let body = world.last()?.json()?;
    ensure!(
        body.get("errorAssertion").is_none(),
        "expected no errorAssertion, got {body}"
    );
    Ok(())
}

#[then("the flow error names its parameter:")]
async fn error_params(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let response = response(world)?;
    let params = response
        .pointer("/error/message/params")
        .and_then(Value::as_object)
        .with_context(|| format!("no error.message.params in {response}"))?;
    let table = step.table.as_ref().context("the step needs a table")?;
    for row in &table.rows {
        let [name, value] = row.as_slice() else {
            bail!("each row needs exactly two cells: param | value");
        };
        let actual = params.get(name).and_then(Value::as_str);
        ensure!(
            actual == Some(value.as_str()),
            "param {name}: expected {value:?}, got {actual:?}"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use thunderid_protocol::ApiErrorCode;

    use super::check_api_error;

    #[test]
    fn a_drifted_error_code_fails_with_both_codes_in_the_message() {
        // What the mock would send if FET-1005 (wrong password) drifted to FET-1006.
        let drifted = serde_json::to_value(ApiErrorCode::ExecutorUserAuthFailed.to_error())
            .unwrap_or_default();
        let message = check_api_error(&drifted, &ApiErrorCode::ExecutorInvalidCredentials)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            message.contains("expected error code FET-1005") && message.contains("FET-1006"),
            "{message}"
        );
    }

    #[test]
    fn an_error_with_the_right_code_but_another_message_key_fails() {
        let error = json!({"code": "FET-1005",
            "message": {"key": "flows.executor.errors.user_auth_failed", "defaultValue": "x"},
            "description": {"key": "flows.executor.errors.invalid_credentials_desc", "defaultValue": "y"}});
        assert!(check_api_error(&error, &ApiErrorCode::ExecutorInvalidCredentials).is_err());
    }
}
