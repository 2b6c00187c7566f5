//! The consent step as an SDK renders it: the purposes in `additionalData.consentPrompt` (a JSON
//! string), and the decisions posted back as the `consent_decisions` input (also a JSON string).

use anyhow::{Context, ensure};
use cucumber::gherkin::Step;
use cucumber::{then, when};
use serde_json::{Map, Value};
use thunderid_protocol::flow::consent::{
    ConsentDecisions, ConsentPurposePrompt, ElementDecision, PurposeDecision,
};

use super::{Challenge, continue_flow, response, submit_action};
use crate::world::ConformanceWorld;

/// The purposes the current step asks about.
fn prompt(world: &ConformanceWorld) -> anyhow::Result<Vec<ConsentPurposePrompt>> {
    let response = response(world)?;
    let text = response
        .pointer("/data/additionalData/consentPrompt")
        .and_then(Value::as_str)
        .with_context(|| format!("no data.additionalData.consentPrompt in {response}"))?;
    serde_json::from_str(text).with_context(|| format!("consentPrompt is not the purposes: {text}"))
}

async fn answer(world: &mut ConformanceWorld, decisions: String) -> anyhow::Result<()> {
    let mut inputs = Map::new();
    inputs.insert("consent_decisions".into(), Value::from(decisions));
    let action = submit_action(world);
    continue_flow(world, action.as_deref(), Some(inputs), Challenge::Current).await
}

#[then("the flow asks for consent to:")]
async fn asks_for_consent(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let expected: Value =
        serde_json::from_str(step.docstring.as_deref().context("a JSON doc string")?)?;
    let actual = serde_json::to_value(prompt(world)?)?;
    ensure!(
        actual == expected,
        "expected the consent prompt {expected}, got {actual}"
    );
    Ok(())
}

#[when("the user answers the consent with:")]
async fn answers_with(world: &mut ConformanceWorld, step: &Step) -> anyhow::Result<()> {
    let text = step
        .docstring
        .as_deref()
        .context("a doc string")?
        .trim()
        .to_owned();
    answer(world, text).await
}

/// Approve every purpose and element of the prompt, or deny them all, as an SDK's Allow and Deny
/// buttons do.
async fn decide_all(world: &mut ConformanceWorld, approved: bool) -> anyhow::Result<()> {
    let purposes = prompt(world)?
        .into_iter()
        .map(|p| PurposeDecision {
            elements: p
                .essential
                .iter()
                .chain(&p.optional)
                .map(|e| ElementDecision {
                    name: e.name.clone(),
                    approved,
                })
                .collect(),
            purpose_name: p.purpose_name,
            approved,
        })
        .collect();
    let decisions = ConsentDecisions {
        approved,
        reason: if approved { "" } else { "user_denied" }.to_owned(),
        purposes,
    };
    answer(world, serde_json::to_string(&decisions)?).await
}

#[when("the user allows everything asked")]
async fn allows_all(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    decide_all(world, true).await
}

#[when("the user denies everything asked")]
async fn denies_all(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    decide_all(world, false).await
}

#[then("the consent step shows when it expires")]
async fn shows_expiry(world: &mut ConformanceWorld) -> anyhow::Result<()> {
    let response = response(world)?;
    let expires = response
        .pointer("/data/additionalData/stepTimeout")
        .and_then(Value::as_str)
        .with_context(|| format!("no data.additionalData.stepTimeout in {response}"))?;
    ensure!(
        expires.len() == 13 && expires.bytes().all(|b| b.is_ascii_digit()),
        "stepTimeout is Unix milliseconds as a decimal string, got {expires:?}"
    );
    Ok(())
}
