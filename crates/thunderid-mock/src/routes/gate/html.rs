//! Server-rendered pages of the hosted gate. No JavaScript: every step is a `<form method="post">`
//! whose fields are named by input identifier (`username`, `password`, `otp`, …) and whose actions
//! are submit buttons (`name="action"`, `value` = the action ref). A plain HTTP client can fill
//! them in as easily as a browser.
//!
//! Labels come from the step's `meta` components when the execution is verbose (template strings
//! such as `{{ t(signin:forms.credentials.actions.submit.label) }}` are resolved to the server's
//! English texts), else from the inputs and actions themselves.

use std::collections::HashSet;

use thunderid_protocol::ApiError;
use thunderid_protocol::flow::{Component, ComponentType, FlowData, Input, InputType};

/// Hidden fields that carry the gate's context from page to page.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageContext {
    /// Where the form posts: `/gate/signin` or `/gate/signout`.
    pub form_action: &'static str,
    pub execution_id: String,
    pub challenge_token: Option<String>,
    pub application_id: String,
    pub auth_id: String,
    pub logout_id: String,
    /// The application's logo, for `{{ meta(application.logoUrl) }}`.
    pub logo_url: Option<String>,
}

/// A step of a flow: its components (or inputs and actions), errors and messages, as a form.
pub(crate) fn step_page(
    context: &PageContext,
    data: &FlowData,
    error: Option<&ApiError>,
) -> String {
    let mut body = String::new();
    if let Some(error) = error {
        body.push_str(&error_banner(error));
    }
    if let Some(message) = data.additional_data.get("message") {
        body.push_str(&format!("<p class=\"message\">{}</p>\n", escape(message)));
    }
    let mut form = String::new();
    let mut rendered = Rendered::default();
    if let Some(meta) = &data.meta {
        for component in &meta.components {
            render_component(&mut form, component, data, context, &mut rendered);
        }
    }
    // Whatever the meta did not cover is rendered plainly, so every requested input and action is
    // always on the page.
    for input in data
        .inputs
        .iter()
        .filter(|i| !rendered.inputs.contains(&i.identifier))
    {
        form.push_str(&field(input, &humanize(&input.identifier), data));
    }
    for action in data
        .actions
        .iter()
        .filter(|a| !rendered.actions.contains(&a.reference))
    {
        form.push_str(&button(
            &action.reference,
            &action_label(&action.reference),
            true,
        ));
    }
    let has_form = !data.inputs.is_empty() || !data.actions.is_empty();
    if has_form {
        body.push_str(&format!(
            "<form method=\"post\" action=\"{}\">\n",
            context.form_action
        ));
        body.push_str(&hidden_fields(context));
        if let Some(primary) = primary_action(data) {
            // Pressing Enter submits with the first submit button in the form: make it the
            // primary action, not a "Forgot password?" link that comes first on the page.
            body.push_str(&format!(
                "<button type=\"submit\" name=\"action\" value=\"{}\" tabindex=\"-1\" aria-hidden=\"true\" \
                 style=\"position:absolute;left:-10000px\">{}</button>\n",
                escape(&primary),
                escape(&action_label(&primary))
            ));
        }
        body.push_str(&form);
        body.push_str("</form>\n");
    } else {
        body.push_str(&form);
    }
    page(&title_of(data), &body)
}

/// A page with just a heading and a message (a flow that completed without a redirect).
pub(crate) fn message_page(title: &str, message: &str) -> String {
    page(
        title,
        &format!(
            "<h1>{}</h1>\n<p class=\"message\">{}</p>\n",
            escape(title),
            escape(message)
        ),
    )
}

/// `/gate/error`: the code and message the server redirected with.
pub(crate) fn error_page(code: &str, message: &str) -> String {
    let body = format!(
        "<h1>Something went wrong</h1>\n<p class=\"error\" role=\"alert\"><code>{}</code> {}</p>\n",
        escape(code),
        escape(message)
    );
    page("Error", &body)
}

/// The action Enter should choose: the meta's PRIMARY action, else the first one offered.
fn primary_action(data: &FlowData) -> Option<String> {
    let offered = |id: &str| data.actions.iter().any(|a| a.reference == id);
    let from_meta = data.meta.as_ref().and_then(|meta| {
        meta.components
            .iter()
            .flat_map(Component::walk)
            .find(|c| {
                c.component_type == ComponentType::Action
                    && c.variant.as_ref().is_some_and(|v| v.as_str() == "PRIMARY")
                    && offered(&c.id)
            })
            .map(|c| c.id.clone())
    });
    from_meta.or_else(|| data.actions.first().map(|a| a.reference.clone()))
}

#[derive(Debug, Default)]
struct Rendered {
    inputs: HashSet<String>,
    actions: HashSet<String>,
}

fn render_component(
    out: &mut String,
    component: &Component,
    data: &FlowData,
    context: &PageContext,
    rendered: &mut Rendered,
) {
    let label = component.label.as_deref().map(resolve).unwrap_or_default();
    match &component.component_type {
        ComponentType::Text => {
            let heading = matches!(
                component.variant.as_ref().map(|v| v.as_str()),
                Some("HEADING_1" | "HEADING_2")
            );
            let tag = if heading { "h1" } else { "p" };
            out.push_str(&format!("<{tag}>{}</{tag}>\n", escape(&label)));
        }
        ComponentType::Image => {
            let src = component
                .src
                .as_deref()
                .map(|s| resolve_meta(s, context))
                .unwrap_or_default();
            if !src.is_empty() {
                let alt = component.alt.as_deref().map(resolve).unwrap_or_default();
                out.push_str(&format!(
                    "<img src=\"{}\" alt=\"{}\" height=\"60\">\n",
                    escape(&src),
                    escape(&alt)
                ));
            }
        }
        ComponentType::Block | ComponentType::Stack => {
            out.push_str("<div class=\"block\">\n");
            for child in component.children() {
                render_component(out, child, data, context, rendered);
            }
            out.push_str("</div>\n");
        }
        ComponentType::Divider => out.push_str(&format!("<hr title=\"{}\">\n", escape(&label))),
        ComponentType::Action => {
            if data.actions.iter().any(|a| a.reference == component.id)
                && rendered.actions.insert(component.id.clone())
            {
                let primary = component
                    .variant
                    .as_ref()
                    .is_some_and(|v| v.as_str() == "PRIMARY");
                let label = if label.is_empty() {
                    action_label(&component.id)
                } else {
                    label
                };
                out.push_str(&button(&component.id, &label, !primary));
            }
        }
        ComponentType::RichText => rich_text(out, component, data, rendered),
        ComponentType::TextInput
        | ComponentType::PasswordInput
        | ComponentType::EmailInput
        | ComponentType::OtpInput
        | ComponentType::PhoneInput
        | ComponentType::Select
        | ComponentType::DateInput
        | ComponentType::OuSelect => {
            let identifier = component
                .reference
                .clone()
                .unwrap_or_else(|| component.id.clone());
            let input = data.inputs.iter().find(|i| i.identifier == identifier);
            if let Some(input) = input.filter(|_| rendered.inputs.insert(identifier.clone())) {
                let label = if label.is_empty() {
                    humanize(&identifier)
                } else {
                    label
                };
                out.push_str(&field(input, &label, data));
            }
        }
        ComponentType::Consent
        | ComponentType::CopyableText
        | ComponentType::Icon
        | ComponentType::Timer
        | ComponentType::QrCode
        | ComponentType::DynamicInputPlaceholder
        | ComponentType::ConsentInput
        | ComponentType::Other(_) => {}
    }
}

/// `Forgot password? <a data-action-ref="…">Reset</a>` becomes the prefix and a submit button.
fn rich_text(out: &mut String, component: &Component, data: &FlowData, rendered: &mut Rendered) {
    let html = component.label.clone().unwrap_or_default();
    let action = component
        .action
        .as_ref()
        .map(|a| a.reference.clone())
        .filter(|r| data.actions.iter().any(|a| &a.reference == r));
    let (before, anchor) = match html.find("<a") {
        Some(start) => {
            let anchor_end = html[start..].find("</a>").map_or(html.len(), |e| start + e);
            (&html[..start], &html[start..anchor_end])
        }
        None => (html.as_str(), ""),
    };
    let prefix = resolve(&strip_tags(before));
    let anchor_text = resolve(&strip_tags(anchor));
    match action {
        Some(reference) if rendered.actions.insert(reference.clone()) => {
            let label = if anchor_text.trim().is_empty() {
                action_label(&reference)
            } else {
                anchor_text
            };
            out.push_str(&format!(
                "<p>{} {}</p>\n",
                escape(prefix.trim()),
                button(&reference, label.trim(), true).trim_end()
            ));
        }
        Some(_) | None => {}
    }
}

fn field(input: &Input, label: &str, data: &FlowData) -> String {
    let name = escape(&input.identifier);
    let required = if input.required { " required" } else { "" };
    let error = data
        .field_errors
        .iter()
        .filter(|e| e.identifier == input.identifier)
        .map(|e| {
            format!(
                "<span class=\"field-error\" role=\"alert\">{}</span>",
                escape(&e.message)
            )
        })
        .collect::<String>();
    let control = match &input.input_type {
        InputType::Select | InputType::OuSelect => {
            let options: String = input
                .options
                .iter()
                .map(|o| format!("<option value=\"{0}\">{0}</option>", escape(o)))
                .collect();
            format!("<select id=\"{name}\" name=\"{name}\"{required}>{options}</select>")
        }
        other => {
            let kind = match other {
                InputType::Password => "password",
                InputType::Email => "email",
                InputType::Phone => "tel",
                InputType::Number => "number",
                InputType::Date => "date",
                InputType::Boolean => "checkbox",
                InputType::Otp => "text\" inputmode=\"numeric\" autocomplete=\"one-time-code",
                InputType::Text
                | InputType::Consent
                | InputType::Hidden
                | InputType::Select
                | InputType::OuSelect
                | InputType::GenericString
                | InputType::Other(_) => "text",
            };
            format!("<input id=\"{name}\" name=\"{name}\" type=\"{kind}\"{required}>")
        }
    };
    format!(
        "<p><label for=\"{name}\">{}</label> {control}{error}</p>\n",
        escape(label)
    )
}

fn button(reference: &str, label: &str, secondary: bool) -> String {
    // Secondary actions (sign-up, forgot password, other sign-in options) skip the browser's
    // required-field check: they take no inputs.
    let novalidate = if secondary { " formnovalidate" } else { "" };
    format!(
        "<button type=\"submit\" name=\"action\" value=\"{}\"{novalidate}>{}</button>\n",
        escape(reference),
        escape(label)
    )
}

fn hidden_fields(context: &PageContext) -> String {
    let mut fields = vec![
        ("executionId", context.execution_id.as_str()),
        ("applicationId", context.application_id.as_str()),
    ];
    if let Some(token) = &context.challenge_token {
        fields.push(("challengeToken", token));
    }
    if !context.auth_id.is_empty() {
        fields.push(("authId", &context.auth_id));
    }
    if !context.logout_id.is_empty() {
        fields.push(("logoutId", &context.logout_id));
    }
    fields
        .into_iter()
        .map(|(name, value)| {
            format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">\n",
                escape(value)
            )
        })
        .collect()
}

fn error_banner(error: &ApiError) -> String {
    let message = error
        .message
        .default_value
        .as_deref()
        .unwrap_or(error.message.key.as_str());
    let description = error
        .description
        .default_value
        .as_deref()
        .unwrap_or_default();
    format!(
        "<p class=\"error\" role=\"alert\" data-code=\"{}\"><strong>{}</strong> {}</p>\n",
        escape(error.code.as_str()),
        escape(message),
        escape(description)
    )
}

/// The page title: the first heading of the meta, else a neutral one.
fn title_of(data: &FlowData) -> String {
    data.meta
        .as_ref()
        .and_then(|m| {
            m.components
                .iter()
                .flat_map(Component::walk)
                .find(|c| c.component_type == ComponentType::Text)
        })
        .and_then(|c| c.label.as_deref())
        .map(resolve)
        .unwrap_or_else(|| "Sign In".to_owned())
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>body{{font-family:sans-serif;\
         max-width:28rem;margin:3rem auto;padding:0 1rem}}label{{display:block}}input,select{{width:100%;\
         padding:.4rem}}button{{margin:.3rem 0}}.error,.field-error{{color:#b00020}}</style>\n</head>\n<body>\n\
         <main>\n{}</main>\n</body>\n</html>\n",
        escape(title),
        body
    )
}

/// Resolve `{{ t(ns:key) }}` templates in `text` to the server's English texts.
pub(crate) fn resolve(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = rest[start + 2..start + len].trim();
        match inner.strip_prefix("t(").and_then(|s| s.strip_suffix(')')) {
            Some(key) => out.push_str(&translate(key.trim())),
            None => out.push_str(&rest[start..start + len + 2]),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

fn resolve_meta(text: &str, context: &PageContext) -> String {
    if text.contains("meta(application.logoUrl)") {
        return context.logo_url.clone().unwrap_or_default();
    }
    resolve(text)
}

/// English texts of the keys the bundled flows use (the server's `en` translations); other keys
/// fall back to their last meaningful segment.
fn translate(key: &str) -> String {
    const TEXTS: &[(&str, &str)] = &[
        ("signin:forms.credentials.title", "Sign In"),
        ("signin:forms.credentials.fields.username.label", "Username"),
        (
            "signin:forms.credentials.fields.username.placeholder",
            "Enter your username",
        ),
        ("signin:forms.credentials.fields.password.label", "Password"),
        (
            "signin:forms.credentials.fields.password.placeholder",
            "Enter your password",
        ),
        ("signin:forms.credentials.actions.submit.label", "Sign In"),
        (
            "signin:forms.credentials.links.forgot_password.prefix",
            "Forgot password?",
        ),
        (
            "signin:forms.credentials.links.forgot_password.label",
            "Reset",
        ),
        (
            "signin:forms.credentials.links.sign_up.prefix",
            "Don't have an account?",
        ),
        ("signin:forms.credentials.links.sign_up.label", "Sign up"),
        ("signin:forms.otp.title", "Verify Your Identity"),
        (
            "signin:forms.otp.description",
            "Enter the verification code sent to your phone",
        ),
        ("signin:forms.otp.fields.otp.label", "Verification Code"),
        ("signin:forms.otp.actions.submit.label", "Verify"),
        ("signin:forms.otp.actions.resend.label", "Resend code"),
        ("signin:forms.divider.or", "OR"),
        ("signin:images.app_logo.alt", "Application logo"),
        ("elements:buttons.google.text", "Continue with Google"),
        ("signup:forms.credentials.title", "Sign Up"),
        ("signup:forms.credentials.fields.username.label", "Username"),
        ("signup:forms.credentials.fields.password.label", "Password"),
        (
            "signup:forms.credentials.actions.continue.label",
            "Continue",
        ),
        (
            "signup:forms.credentials.links.sign_in.prefix",
            "Already have an account?",
        ),
        ("signup:forms.credentials.links.sign_in.label", "Sign in"),
        ("signup:forms.user_type.title", "Sign Up"),
        ("signup:forms.user_type.fields.user_type.label", "User Type"),
        ("signup:forms.user_type.actions.continue.label", "Continue"),
        ("signup:forms.user_info.title", "Sign Up"),
        ("signup:forms.user_info.actions.continue.label", "Continue"),
        ("recovery:forms.username.title", "Forgot Password"),
        (
            "recovery:forms.username.subtitle",
            "Enter your username to receive a password reset link",
        ),
        ("recovery:forms.username.fields.username.label", "Username"),
        ("recovery:forms.username.actions.submit.label", "Continue"),
        (
            "recovery:forms.username.links.sign_in.prefix",
            "Remember your password?",
        ),
        ("recovery:forms.username.links.sign_in.label", "Sign in"),
        ("recovery:forms.email_sent.title", "Check Your Email"),
        ("recovery:forms.new_password.title", "Set a New Password"),
        (
            "recovery:forms.new_password.fields.password.label",
            "New Password",
        ),
        (
            "recovery:forms.new_password.actions.submit.label",
            "Reset Password",
        ),
        ("recovery:forms.complete.title", "Password Reset Successful"),
        ("signout:forms.confirm.title", "Sign Out"),
        (
            "signout:forms.confirm.description",
            "Do you want to sign out?",
        ),
        ("signout:forms.confirm.actions.submit.label", "Sign Out"),
    ];
    if let Some((_, text)) = TEXTS.iter().find(|(k, _)| *k == key) {
        return (*text).to_owned();
    }
    let path = key.split_once(':').map_or(key, |(_, p)| p);
    let generic = ["label", "placeholder", "text", "prefix", "title", "alt"];
    let segment = path
        .split('.')
        .rev()
        .find(|s| !generic.contains(s))
        .unwrap_or(path);
    humanize(segment)
}

/// `mobile_number` → `Mobile number`.
fn humanize(identifier: &str) -> String {
    let words = identifier.replace(['_', '-'], " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A button label for an action the meta does not describe.
fn action_label(reference: &str) -> String {
    match reference {
        "action_001" => "Sign In".to_owned(),
        "action_google" => "Continue with Google".to_owned(),
        "action_confirm" => "Sign Out".to_owned(),
        other => humanize(other.strip_prefix("action_").unwrap_or(other)),
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Escape text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
