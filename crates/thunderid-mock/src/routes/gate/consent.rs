//! The consent step (a ConsentExecutor's prompt), as the real gate's `ConsentAdapter` shows it:
//! per purpose of `additionalData.consentPrompt`, "Essential Attributes" (checked, marked
//! required, not changeable), "Optional Attributes" or "Permissions" (checkboxes, off until the
//! person ticks them; a permission sits under the one it extends). The page needs no script: each
//! optional box posts as the SDKs name it (`__consent_opt__<purposeId>__<name>`), and the prompt
//! itself and the approving action travel as hidden fields, from which the gate's service builds
//! `consent_decisions` as the SDK does on submit ([`crate::service::gate`]). The TIMER component
//! (`stepTimeout`) shows the time left when the page was made.
//!
//! When the time is up, the page does what the real gate's `SignIn` does: a small script under
//! the page's CSP nonce marks the timer "Timed out" and posts the prompt as a denial with the
//! reason `timeout`, through the step's non-primary action (else its first), so the person is not
//! left on a prompt whose actions lead nowhere. It counts from when the page was made on the
//! mock's clock (the real page compares `stepTimeout` with the browser's clock), so a page made
//! after the deadline posts at once. Without script, a late post is FET-1069 as on the server.

use std::collections::BTreeMap;

use thunderid_protocol::flow::consent::{
    ConsentPurposePrompt, PURPOSE_TYPE_PERMISSIONS, PromptElement,
};
use thunderid_protocol::flow::{FlowData, additional_data};

use super::markup::escape;
use crate::service::gate::consent::{ALLOW_FIELD, PROMPT_FIELD, REASON_FIELD, optional_key};

/// The section headings of the real gate's consent view (`ConsentAdapter`).
const ESSENTIAL: &str = "Essential Attributes";
const OPTIONAL: &str = "Optional Attributes";
const PERMISSIONS: &str = "Permissions";
/// What an essential element says beside its name (the SDK's `required` text).
const REQUIRED: &str = "Required";
/// The TIMER text without a label, and once the time is up (`FlowTimer`).
const TIMER_DEFAULT: &str = "Time remaining: {time}";
const TIMED_OUT: &str = "Timed out";

/// The consent purposes of a step, with the hidden fields the post needs; `None` when the step
/// carries no readable prompt (the input then renders as any other).
pub(crate) fn purposes(data: &FlowData, approve_action: Option<&str>) -> Option<String> {
    let raw = data.additional_data.get(additional_data::CONSENT_PROMPT)?;
    let prompts: Vec<ConsentPurposePrompt> = serde_json::from_str(raw).ok()?;
    let mut out = String::from("<div class=\"tid-consent\">\n");
    for (index, purpose) in prompts.iter().enumerate() {
        if purpose.purpose_type == PURPOSE_TYPE_PERMISSIONS {
            out.push_str(&permissions(index, purpose));
        } else {
            out.push_str(&attributes(index, purpose));
        }
    }
    out.push_str(&format!(
        "<input type=\"hidden\" name=\"{PROMPT_FIELD}\" value=\"{}\">\n",
        escape(raw)
    ));
    if let Some(action) = approve_action {
        out.push_str(&format!(
            "<input type=\"hidden\" name=\"{ALLOW_FIELD}\" value=\"{}\">\n",
            escape(action)
        ));
    }
    out.push_str("</div>\n");
    Some(out)
}

/// A TIMER component: its label with `{time}` as `m:ss` left until `stepTimeout` (Unix ms), or
/// "Timed out"; nothing when the step has no timeout.
pub(crate) fn timer(data: &FlowData, label: &str, now_ms: u64) -> String {
    let expires_at = data
        .additional_data
        .get(additional_data::STEP_TIMEOUT)
        .and_then(|t| t.parse::<u64>().ok());
    let Some(expires_at) = expires_at else {
        return String::new();
    };
    let remaining = expires_at.saturating_sub(now_ms) / 1000;
    if remaining == 0 {
        return format!("<div class=\"tid-alert tid-timer\" role=\"status\">{TIMED_OUT}</div>\n");
    }
    let template = if label.trim().is_empty() {
        TIMER_DEFAULT
    } else {
        label
    };
    let time = format!("{}:{:02}", remaining / 60, remaining % 60);
    format!(
        "<p class=\"tid-body2 tid-timer\" role=\"timer\">{}</p>\n",
        escape(&template.replace("{time}", &time))
    )
}

/// The expiry script of a consent step with a `stepTimeout`, under `nonce`; nothing otherwise.
pub(crate) fn expiry(data: &FlowData, nonce: &str, now_ms: u64) -> String {
    let expires_at = data
        .additional_data
        .get(additional_data::STEP_TIMEOUT)
        .and_then(|t| t.parse::<u64>().ok());
    let prompted = data
        .additional_data
        .contains_key(additional_data::CONSENT_PROMPT);
    let Some(expires_at) = expires_at.filter(|_| prompted && !nonce.is_empty()) else {
        return String::new();
    };
    let delay = expires_at.saturating_sub(now_ms);
    format!(
        "<script nonce=\"{}\">document.addEventListener('DOMContentLoaded',function(){{\
         setTimeout(function(){{var f=document.getElementById('tid-form');if(!f)return;\
         var a=f.querySelector('input[name=\"{ALLOW_FIELD}\"]'),\
         bs=[].slice.call(f.querySelectorAll('button[name=\"action\"]')),\
         b=bs.filter(function(x){{return !a||x.value!==a.value;}})[0]||bs[0],\
         t=document.querySelector('.tid-timer');if(t)t.textContent='{TIMED_OUT}';if(!b)return;\
         var r=document.createElement('input');r.type='hidden';r.name='{REASON_FIELD}';\
         r.value='timeout';f.appendChild(r);b.click();}},{delay});}});</script>\n",
        escape(nonce)
    )
}

/// An attribute purpose: the essential elements, then the optional ones.
fn attributes(index: usize, purpose: &ConsentPurposePrompt) -> String {
    let mut out = String::new();
    if !purpose.essential.is_empty() {
        out.push_str(&format!(
            "<fieldset class=\"tid-consent-group\"><legend>{ESSENTIAL}</legend>\n"
        ));
        for (n, element) in purpose.essential.iter().enumerate() {
            let id = format!("tid-consent-{index}-ess-{n}");
            out.push_str(&format!(
                "<div class=\"tid-check tid-consent-item\"><input id=\"{id}\" type=\"checkbox\" checked disabled>\
                 <label for=\"{id}\">{}</label><span class=\"tid-consent-required\">{REQUIRED}</span></div>\n",
                escape(&element.name)
            ));
        }
        out.push_str("</fieldset>\n");
    }
    if !purpose.optional.is_empty() {
        out.push_str(&format!(
            "<fieldset class=\"tid-consent-group\"><legend>{OPTIONAL}</legend>\n"
        ));
        for (n, element) in purpose.optional.iter().enumerate() {
            out.push_str(&optional(index, n, purpose, element, 0));
        }
        out.push_str("</fieldset>\n");
    }
    out
}

/// A permission purpose: every element optional, each under the prompted permission it extends.
fn permissions(index: usize, purpose: &ConsentPurposePrompt) -> String {
    if purpose.optional.is_empty() {
        return String::new();
    }
    let prompted = |name: &str| purpose.optional.iter().any(|e| e.name == name);
    let mut children: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut top = Vec::new();
    for (n, element) in purpose.optional.iter().enumerate() {
        if !element.parent.is_empty() && prompted(&element.parent) {
            children.entry(element.parent.as_str()).or_default().push(n);
        } else {
            top.push(n);
        }
    }
    let mut out = format!("<fieldset class=\"tid-consent-group\"><legend>{PERMISSIONS}</legend>\n");
    // Depth-first, parents before their children; the parent links form a forest (each
    // element's parent is a strictly shorter name), so the walk ends.
    let mut stack: Vec<(usize, usize)> = top.into_iter().rev().map(|n| (n, 0)).collect();
    while let Some((n, depth)) = stack.pop() {
        let element = &purpose.optional[n];
        out.push_str(&optional(index, n, purpose, element, depth));
        if let Some(kids) = children.get(element.name.as_str()) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    out.push_str("</fieldset>\n");
    out
}

/// One optional element: a checkbox, off by default, posting `true` under the SDKs' key.
fn optional(
    index: usize,
    n: usize,
    purpose: &ConsentPurposePrompt,
    element: &PromptElement,
    depth: usize,
) -> String {
    let id = format!("tid-consent-{index}-opt-{n}");
    let indent = if depth > 0 {
        format!(" tid-consent-depth-{}", depth.min(4))
    } else {
        String::new()
    };
    format!(
        "<div class=\"tid-check tid-consent-item{indent}\"><input id=\"{id}\" name=\"{}\" type=\"checkbox\" value=\"true\">\
         <label for=\"{id}\">{}</label></div>\n",
        escape(&optional_key(&purpose.purpose_id, &element.name)),
        escape(&element.name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(prompt: &str, timeout: Option<&str>) -> FlowData {
        let mut data = FlowData::default();
        data.additional_data.insert(
            additional_data::CONSENT_PROMPT.to_owned(),
            prompt.to_owned(),
        );
        if let Some(timeout) = timeout {
            data.additional_data
                .insert(additional_data::STEP_TIMEOUT.to_owned(), timeout.to_owned());
        }
        data
    }

    #[test]
    fn a_permission_sits_under_the_one_it_extends_and_essentials_are_fixed() {
        let data = step(
            r#"[{"purposeName":"attributes:a","purposeId":"attributes:a","type":"attributes",
                 "essential":[{"name":"email"}],"optional":[]},
                {"purposeName":"permissions:a","purposeId":"","type":"permissions","essential":[],
                 "optional":[{"name":"b"},{"name":"b:read","parent":"b"},{"name":"c"},
                             {"name":"b:read:own","parent":"b:read"}]}]"#,
            None,
        );
        let html = purposes(&data, Some("allow")).expect("a consent block");
        let rows: Vec<&str> = html
            .lines()
            .filter(|l| l.contains("tid-consent-item"))
            .collect();
        assert_eq!(
            rows,
            [
                r#"<div class="tid-check tid-consent-item"><input id="tid-consent-0-ess-0" type="checkbox" checked disabled><label for="tid-consent-0-ess-0">email</label><span class="tid-consent-required">Required</span></div>"#,
                r#"<div class="tid-check tid-consent-item"><input id="tid-consent-1-opt-0" name="__consent_opt____b" type="checkbox" value="true"><label for="tid-consent-1-opt-0">b</label></div>"#,
                r#"<div class="tid-check tid-consent-item tid-consent-depth-1"><input id="tid-consent-1-opt-1" name="__consent_opt____b:read" type="checkbox" value="true"><label for="tid-consent-1-opt-1">b:read</label></div>"#,
                r#"<div class="tid-check tid-consent-item tid-consent-depth-2"><input id="tid-consent-1-opt-3" name="__consent_opt____b:read:own" type="checkbox" value="true"><label for="tid-consent-1-opt-3">b:read:own</label></div>"#,
                r#"<div class="tid-check tid-consent-item"><input id="tid-consent-1-opt-2" name="__consent_opt____c" type="checkbox" value="true"><label for="tid-consent-1-opt-2">c</label></div>"#,
            ]
        );
        assert!(html.contains(r#"<input type="hidden" name="tid-consent-allow" value="allow">"#));
        assert_eq!(purposes(&step("not json", None), None), None);
    }

    #[test]
    fn the_timer_counts_down_from_step_timeout_and_says_when_it_ran_out() {
        let data = step("[]", Some("1000065000"));
        assert_eq!(
            timer(&data, "Left: {time}", 1_000_000_000),
            "<p class=\"tid-body2 tid-timer\" role=\"timer\">Left: 1:05</p>\n"
        );
        assert_eq!(
            timer(&data, "", 1_000_065_000),
            "<div class=\"tid-alert tid-timer\" role=\"status\">Timed out</div>\n"
        );
        assert_eq!(timer(&step("[]", None), "x", 0), "");
    }

    #[test]
    fn the_expiry_script_waits_for_the_time_left_and_only_runs_under_a_nonce() {
        let data = step("[]", Some("1000065000"));
        let script = expiry(&data, "n1", 1_000_000_000);
        assert!(script.starts_with("<script nonce=\"n1\">"), "{script}");
        assert!(script.ends_with("},65000);});</script>\n"), "{script}");
        assert!(
            script.contains("r.name='tid-consent-reason';r.value='timeout'"),
            "{script}"
        );
        assert!(expiry(&data, "n1", 1_000_070_000).ends_with("},0);});</script>\n"));
        assert_eq!(expiry(&data, "", 0), "");
        assert_eq!(expiry(&step("[]", None), "n1", 0), "");
        let mut no_prompt = FlowData::default();
        no_prompt
            .additional_data
            .insert(additional_data::STEP_TIMEOUT.to_owned(), "5".to_owned());
        assert_eq!(expiry(&no_prompt, "n1", 0), "");
    }
}
