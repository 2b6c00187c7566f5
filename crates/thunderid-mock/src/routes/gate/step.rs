//! A flow step as a server-rendered form, from the step's `meta` components (as the real gate's
//! `FlowComponentRenderer` does) or, for a step without meta, from its inputs and actions.
//!
//! The page has two forms. The main form holds the inputs and the **primary action, the first
//! submit button of the page** (Enter submits it; the SDKs' end-to-end tests click the first
//! `button[type="submit"]`). Any action the meta places before it ("Forgot password? Reset") is
//! moved to just after it. Actions that take no inputs (links, social sign-in, resend) are
//! `form="tid-alt"` buttons of a second, empty form, so they skip the required-field check;
//! other SUBMIT actions stay in the main form with `formnovalidate`.
//!
//! Each component type has one function; a new step type (consent, passkey, magic link, …) adds
//! an arm to [`StepRenderer::component`] and, if it is new, a function beside the others.

use std::collections::{BTreeMap, HashSet};

use thunderid_protocol::flow::{
    Component, ComponentType, ComponentVariant, EventType, FlowData, Input, InputType,
};

use thunderid_protocol::{ApiError, I18nMessage};

use crate::service::gate::Check;

use super::fields::Field;
use super::markup::{escape, strip_tags};
use super::page::alert;
use super::texts::{Texts, humanize};

/// The passkey step's script: decode the options' base64url members, ask the browser's
/// authenticator, encode its response into the hidden fields and submit.
const PASSKEY_SCRIPT: &str = "(function(){\
var b=document.getElementById('tid-passkey');\
var enc=function(v){var s='',a=new Uint8Array(v);for(var i=0;i<a.length;i++)s+=String.fromCharCode(a[i]);\
return btoa(s).replace(/\\+/g,'-').replace(/\\//g,'_').replace(/=+$/,'');};\
var dec=function(t){t=t.replace(/-/g,'+').replace(/_/g,'/');while(t.length%4)t+='=';\
var s=atob(t),a=new Uint8Array(s.length);for(var i=0;i<s.length;i++)a[i]=s.charCodeAt(i);return a.buffer;};\
var set=function(k,v){var f=document.getElementById('tid-pk-'+k);if(f)f.value=v?enc(v):'';};\
b.addEventListener('click',function(){\
var o=JSON.parse(b.getAttribute('data-options')),get=b.getAttribute('data-mode')==='get';\
o.challenge=dec(o.challenge);\
(o.allowCredentials||o.excludeCredentials||[]).forEach(function(c){c.id=dec(c.id);});\
if(o.user)o.user.id=dec(o.user.id);\
(get?navigator.credentials.get({publicKey:o}):navigator.credentials.create({publicKey:o})).then(function(c){\
set('credentialId',c.rawId);set('clientDataJSON',c.response.clientDataJSON);\
if(get){set('authenticatorData',c.response.authenticatorData);set('signature',c.response.signature);\
set('userHandle',c.response.userHandle);}else{set('attestationObject',c.response.attestationObject);}\
document.getElementById('tid-form').submit();\
}).catch(function(e){document.getElementById('tid-passkey-status').textContent=e.name+': '+e.message;});\
});})();";

/// The id of the second form.
const ALT_FORM: &str = "tid-alt";

/// What the step's forms carry besides the inputs.
#[derive(Debug)]
pub(crate) struct StepForm<'a> {
    /// Where the forms post.
    pub action: &'a str,
    /// Hidden fields, in order.
    pub hidden: Vec<(&'static str, String)>,
    /// The page's CSP nonce, for the passkey step's script; empty where no script may run.
    pub nonce: &'a str,
    /// When the page is made (Unix ms): a TIMER shows the time left from then.
    pub now_ms: u64,
}

/// A step page's card and its title.
pub(crate) fn step_card(
    texts: &Texts<'_>,
    form: &StepForm<'_>,
    data: &FlowData,
    error: Option<&ApiError>,
    values: &BTreeMap<String, String>,
) -> (String, String) {
    let mut renderer = StepRenderer::new(texts, data, values);
    renderer.now_ms = form.now_ms;
    if let Some(meta) = &data.meta {
        for component in &meta.components {
            renderer.component(component);
        }
    }
    if !form.nonce.is_empty() {
        renderer.passkey(form.nonce);
    }
    let wallet = super::wallet::wallet_link(data, form.nonce);
    renderer.out.push_str(wallet.as_deref().unwrap_or_default());
    renderer.leftovers();
    let mut card = String::new();
    if let Some(error) = error {
        card.push_str(&error_alert(texts, error));
    }
    // A prompt's own message ("Check Your Email") is its heading already when it has components.
    let message = data.additional_data.get("message");
    if let (Some(message), true) = (message, renderer.out.is_empty()) {
        card.push_str(&format!(
            "<p class=\"tid-message\" role=\"status\">{}</p>\n",
            escape(&texts.resolve(message))
        ));
    }
    let hidden = hidden_fields(&form.hidden);
    if data.inputs.is_empty() && data.actions.is_empty() {
        card.push_str(&renderer.out);
    } else {
        card.push_str(&format!(
            "<form id=\"tid-form\" class=\"tid-form\" method=\"post\" action=\"{0}\" novalidate>\n\
             {hidden}{1}{2}</form>\n\
             <form id=\"{ALT_FORM}\" method=\"post\" action=\"{0}\" novalidate>\n{hidden}</form>\n",
            escape(form.action),
            renderer.out,
            renderer.checks()
        ));
    }
    let title = renderer.title.unwrap_or_else(|| texts.t("signin:heading"));
    (title, card)
}

/// The renderer's state while it walks the components.
#[derive(Debug)]
struct StepRenderer<'a> {
    texts: &'a Texts<'a>,
    data: &'a FlowData,
    /// What the person typed before the gate's checks sent the step back.
    values: &'a BTreeMap<String, String>,
    /// The action Enter submits.
    primary: Option<String>,
    out: String,
    /// Controls met before the primary action, placed right after it.
    deferred: String,
    primary_done: bool,
    inputs_done: HashSet<String>,
    actions_done: HashSet<String>,
    /// The level of the last heading, so headings never skip a level.
    heading_level: u8,
    title: Option<String>,
    /// The first input gets the focus (the first invalid one when the server found errors).
    focus: Option<String>,
    /// When the page is made (Unix ms).
    now_ms: u64,
}

impl<'a> StepRenderer<'a> {
    fn new(texts: &'a Texts<'a>, data: &'a FlowData, values: &'a BTreeMap<String, String>) -> Self {
        let focus = data
            .field_errors
            .first()
            .map(|e| e.identifier.clone())
            .or_else(|| data.inputs.first().map(|i| i.identifier.clone()));
        Self {
            texts,
            data,
            values,
            primary: primary_action(data),
            out: String::new(),
            deferred: String::new(),
            primary_done: false,
            inputs_done: HashSet::new(),
            actions_done: HashSet::new(),
            heading_level: 0,
            title: None,
            focus,
            now_ms: 0,
        }
    }

    /// One component: one arm per type.
    fn component(&mut self, component: &Component) {
        match &component.component_type {
            ComponentType::Text => self.text(component),
            ComponentType::Image => self.image(component),
            ComponentType::Block | ComponentType::Stack => {
                self.out.push_str("<div class=\"tid-block\">\n");
                for child in component.children() {
                    self.component(child);
                }
                self.out.push_str("</div>\n");
            }
            ComponentType::Divider => self.out.push_str(&format!(
                "<div class=\"tid-divider\">{}</div>\n",
                escape(&self.resolve(component.label.as_deref()))
            )),
            ComponentType::Action => self.action(component),
            ComponentType::RichText => self.rich_text(component),
            ComponentType::TextInput
            | ComponentType::PasswordInput
            | ComponentType::EmailInput
            | ComponentType::OtpInput
            | ComponentType::PhoneInput
            | ComponentType::Select
            | ComponentType::DateInput
            | ComponentType::OuSelect
            | ComponentType::ConsentInput => {
                let identifier = component.reference.as_deref().unwrap_or(&component.id);
                if let Some(input) = self.data.inputs.iter().find(|i| i.identifier == identifier) {
                    self.field(input, Some(component));
                }
            }
            ComponentType::CopyableText => self.copyable_text(component),
            ComponentType::Timer => {
                let label = self.resolve(component.label.as_deref());
                self.out
                    .push_str(&super::consent::timer(self.data, &label, self.now_ms));
            }
            // Not rendered yet: their inputs and actions still appear through `leftovers`.
            ComponentType::Consent
            | ComponentType::Icon
            | ComponentType::QrCode
            | ComponentType::DynamicInputPlaceholder
            | ComponentType::Other(_) => {}
        }
    }

    /// Inputs and actions no component rendered, so every one the step asks for is on the page.
    fn leftovers(&mut self) {
        let data = self.data;
        for input in &data.inputs {
            self.field(input, None);
        }
        if let (Some(primary), false) = (self.primary.clone(), self.primary_done) {
            self.push_action(&primary, &action_label(&primary), Role::Primary);
        }
        for action in &data.actions {
            let reference = action.reference.clone();
            let role = if data.inputs.is_empty() {
                Role::Secondary
            } else {
                Role::Alternative
            };
            self.push_action(&reference, &action_label(&reference), role);
        }
        let deferred = std::mem::take(&mut self.deferred);
        self.out.push_str(&deferred);
    }

    /// A step carrying WebAuthn options (`passkeyChallenge`, `passkeyCreationOptions`): its inputs
    /// become hidden fields and a button runs `navigator.credentials.get()` or `create()` with the
    /// options, fills the fields with the response (base64url) and submits the form.
    fn passkey(&mut self, nonce: &str) {
        let data = self.data;
        let (mode, options) = match (
            data.additional_data.get("passkeyChallenge"),
            data.additional_data.get("passkeyCreationOptions"),
        ) {
            (Some(options), _) => ("get", options),
            (None, Some(options)) => ("create", options),
            (None, None) => return,
        };
        let label = if mode == "get" {
            "Use your passkey"
        } else {
            "Create a passkey"
        };
        for input in &data.inputs {
            if self.inputs_done.insert(input.identifier.clone()) {
                self.out.push_str(&format!(
                    "<input type=\"hidden\" id=\"tid-pk-{0}\" name=\"{0}\" value=\"\">\n",
                    escape(&input.identifier)
                ));
            }
        }
        self.out.push_str(&format!(
            "<button id=\"tid-passkey\" type=\"button\" class=\"tid-button tid-primary\" \
             data-mode=\"{mode}\" data-options=\"{}\">{label}</button>\n\
             <p id=\"tid-passkey-status\" class=\"tid-field-error\" role=\"alert\"></p>\n\
             <script nonce=\"{}\">{PASSKEY_SCRIPT}</script>\n",
            escape(options),
            escape(nonce)
        ));
        self.primary_done = true;
    }

    fn text(&mut self, component: &Component) {
        let text = self.resolve(component.label.as_deref());
        if text.trim().is_empty() {
            return;
        }
        let align = match component.align.as_deref() {
            Some("center") => " tid-center",
            Some("right") => " tid-right",
            _ => "",
        };
        let variant = component.variant.as_ref();
        let level = match variant {
            Some(ComponentVariant::Heading1) => Some(1),
            Some(ComponentVariant::Heading2) => Some(2),
            Some(ComponentVariant::Heading3) => Some(3),
            Some(ComponentVariant::Heading4) => Some(4),
            Some(ComponentVariant::Heading5) => Some(5),
            Some(ComponentVariant::Heading6) => Some(6),
            _ => None,
        };
        match level {
            Some(look) => {
                let tag = look.min(self.heading_level + 1);
                self.heading_level = tag;
                if self.title.is_none() && text.chars().any(char::is_alphanumeric) {
                    self.title = Some(text.clone());
                }
                self.out.push_str(&format!(
                    "<h{tag} class=\"tid-h{look}{align}\">{}</h{tag}>\n",
                    escape(&text)
                ));
            }
            None => {
                let class = match variant {
                    Some(ComponentVariant::Body2 | ComponentVariant::Subtitle2) => "tid-body2",
                    Some(ComponentVariant::Caption | ComponentVariant::Overline) => "tid-caption",
                    _ => "tid-body1",
                };
                self.out.push_str(&format!(
                    "<p class=\"{class}{align}\">{}</p>\n",
                    escape(&text)
                ));
            }
        }
    }

    fn image(&mut self, component: &Component) {
        let src = self.resolve(component.src.as_deref());
        let loadable = src.starts_with("https://")
            || src.starts_with("http://")
            || src.starts_with("data:image/")
            || (src.starts_with('/') && !src.starts_with("//"));
        if !loadable {
            return;
        }
        self.out.push_str(&format!(
            "<div class=\"tid-image\"><img src=\"{}\" alt=\"{}\"></div>\n",
            escape(&src),
            escape(&self.resolve(component.alt.as_deref()))
        ));
    }

    fn field(&mut self, input: &Input, component: Option<&Component>) {
        if !self.inputs_done.insert(input.identifier.clone()) {
            return;
        }
        if input.input_type == InputType::Consent {
            let approve = self.primary.clone();
            if let Some(consent) = super::consent::purposes(self.data, approve.as_deref()) {
                self.out.push_str(&consent);
                return;
            }
        }
        let field = Field {
            input,
            component,
            errors: self
                .data
                .field_errors
                .iter()
                .filter(|e| e.identifier == input.identifier)
                .collect(),
            autofocus: self.focus.as_deref() == Some(input.identifier.as_str()),
            value: self.values.get(&input.identifier).map(String::as_str),
        };
        self.out.push_str(&field.render(self.texts));
    }

    fn action(&mut self, component: &Component) {
        let label = Some(self.resolve(component.label.as_deref()))
            .filter(|l| !l.trim().is_empty())
            .unwrap_or_else(|| action_label(&component.id));
        let role = if self.primary.as_deref() == Some(component.id.as_str()) {
            Role::Primary
        } else if component.event_type == Some(EventType::Submit) && !self.data.inputs.is_empty() {
            Role::Alternative
        } else if matches!(
            component.variant,
            Some(ComponentVariant::Link | ComponentVariant::Tertiary)
        ) {
            Role::Text
        } else {
            Role::Secondary
        };
        self.push_action(&component.id, &label, role);
    }

    /// `Forgot password? <a data-action-ref="…">Reset</a>`: the prefix and a link-styled button
    /// for the action; hidden as the real gate hides the recovery and sign-up links of an
    /// application that disables those flows.
    fn rich_text(&mut self, component: &Component) {
        let html = component.label.clone().unwrap_or_default();
        let hidden = (html.contains("data-component-ref=\"recovery-link\"")
            && !self.texts.flag("isRecoveryFlowEnabled"))
            || (html.contains("data-component-ref=\"self-sign-up-link\"")
                && !self.texts.flag("isRegistrationFlowEnabled"));
        if hidden {
            // The link's action is not offered on the page either.
            if let Some(action) = &component.action {
                self.actions_done.insert(action.reference.clone());
            }
            return;
        }
        let (before, anchor) = match html.find("<a") {
            Some(start) => {
                let end = html[start..].find("</a>").map_or(html.len(), |e| start + e);
                (&html[..start], &html[start..end])
            }
            None => (html.as_str(), ""),
        };
        let prefix = self.texts.resolve(strip_tags(before).trim());
        let action = component
            .action
            .as_ref()
            .map(|a| a.reference.clone())
            .filter(|r| self.offered(r));
        let Some(reference) = action else {
            if anchor.is_empty() && !prefix.is_empty() {
                self.out
                    .push_str(&format!("<p class=\"tid-rich\">{}</p>\n", escape(&prefix)));
            }
            return;
        };
        if !self.actions_done.insert(reference.clone()) {
            return;
        }
        let label = Some(self.texts.resolve(strip_tags(anchor).trim()))
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| action_label(&reference));
        let html = format!(
            "<p class=\"tid-rich\">{} <button type=\"submit\" form=\"{ALT_FORM}\" name=\"action\" value=\"{}\" \
             class=\"tid-link\">{}</button></p>\n",
            escape(&prefix),
            escape(&reference),
            escape(&label)
        );
        self.place(&html);
    }

    fn copyable_text(&mut self, component: &Component) {
        let value = component
            .source
            .as_deref()
            .and_then(|key| self.data.additional_data.get(key));
        if let Some(value) = value {
            self.out.push_str(&format!(
                "<div class=\"tid-field\"><span class=\"tid-label\">{}</span><output>{}</output></div>\n",
                escape(&self.resolve(component.label.as_deref())),
                escape(value)
            ));
        }
    }

    /// What the gate checks before the primary action is submitted: the rendered inputs.
    fn checks(&self) -> String {
        let Some(primary) = &self.primary else {
            return String::new();
        };
        let mut out = format!(
            "<input type=\"hidden\" name=\"tid-validate\" value=\"{}\">\n",
            escape(primary)
        );
        for input in self.data.inputs.iter().filter(|i| {
            self.inputs_done.contains(&i.identifier) && i.input_type != InputType::Hidden
        }) {
            out.push_str(&format!(
                "<input type=\"hidden\" name=\"tid-check\" value=\"{}\">\n",
                escape(&Check::spec(
                    &input.identifier,
                    &input.input_type,
                    input.required
                ))
            ));
        }
        out
    }

    /// A button for an offered action, once.
    fn push_action(&mut self, reference: &str, label: &str, role: Role) {
        if !self.offered(reference) || !self.actions_done.insert(reference.to_owned()) {
            return;
        }
        let reference = escape(reference);
        let label = escape(label);
        let html = match role {
            Role::Primary => format!(
                "<button id=\"{reference}\" type=\"submit\" name=\"action\" value=\"{reference}\" \
                 class=\"tid-button tid-primary\">{label}</button>\n"
            ),
            Role::Alternative => format!(
                "<button type=\"submit\" name=\"action\" value=\"{reference}\" formnovalidate \
                 class=\"tid-button tid-outlined\">{label}</button>\n"
            ),
            Role::Secondary => format!(
                "<button type=\"submit\" form=\"{ALT_FORM}\" name=\"action\" value=\"{reference}\" \
                 class=\"tid-button tid-outlined\">{label}</button>\n"
            ),
            Role::Text => format!(
                "<button type=\"submit\" form=\"{ALT_FORM}\" name=\"action\" value=\"{reference}\" \
                 class=\"tid-button tid-text-button\">{label}</button>\n"
            ),
        };
        if role == Role::Primary {
            self.primary_done = true;
            self.out.push_str(&html);
            let deferred = std::mem::take(&mut self.deferred);
            self.out.push_str(&deferred);
        } else {
            self.place(&html);
        }
    }

    /// Controls before the primary action wait until it is on the page.
    fn place(&mut self, html: &str) {
        if self.primary.is_some() && !self.primary_done {
            self.deferred.push_str(html);
        } else {
            self.out.push_str(html);
        }
    }

    fn offered(&self, reference: &str) -> bool {
        self.data.actions.iter().any(|a| a.reference == reference)
    }

    fn resolve(&self, text: Option<&str>) -> String {
        text.map(|t| self.texts.resolve(t)).unwrap_or_default()
    }
}

/// How an action renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The main form's first submit button.
    Primary,
    /// Another SUBMIT of the main form: sends the inputs, skips the required check.
    Alternative,
    /// A full-width outlined button of the second form (social sign-in, other options).
    Secondary,
    /// A text button of the second form (resend).
    Text,
}

/// The action Enter should choose: the meta's PRIMARY action, else its first SUBMIT action, else
/// the first action offered.
fn primary_action(data: &FlowData) -> Option<String> {
    let offered = |id: &str| data.actions.iter().any(|a| a.reference == id);
    let actions: Vec<&Component> = data
        .meta
        .iter()
        .flat_map(|meta| meta.components.iter().flat_map(Component::walk))
        .filter(|c| c.component_type == ComponentType::Action && offered(&c.id))
        .collect();
    actions
        .iter()
        .find(|c| c.variant == Some(ComponentVariant::Primary))
        .or_else(|| {
            actions
                .iter()
                .find(|c| c.event_type == Some(EventType::Submit))
        })
        .map(|c| c.id.clone())
        .or_else(|| data.actions.first().map(|a| a.reference.clone()))
}

/// An in-flow error: the server's message with its `{{param(name)}}` values filled in, else the
/// gate's generic text.
fn error_alert(texts: &Texts<'_>, error: &ApiError) -> String {
    let text = |message: &I18nMessage, fallback: &str| {
        let mut text = message
            .default_value
            .clone()
            .unwrap_or_else(|| texts.t(fallback));
        for (name, value) in message.params.iter().flatten() {
            text = text.replace(&format!("{{{{param({name})}}}}"), value);
        }
        text
    };
    alert(
        error.code.as_str(),
        &text(&error.message, "signin:errors.signin.failed.message"),
        &text(
            &error.description,
            "signin:errors.signin.failed.description",
        ),
    )
}

fn hidden_fields(fields: &[(&'static str, String)]) -> String {
    fields
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| {
            format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">\n",
                escape(value)
            )
        })
        .collect()
}

/// A button label for an action the meta does not describe.
fn action_label(reference: &str) -> String {
    match reference {
        "action_001" => "Sign In".to_owned(),
        "action_google" => "Continue with Google".to_owned(),
        "action_confirm" => "Sign out".to_owned(),
        other => humanize(other.strip_prefix("action_").unwrap_or(other)),
    }
}
