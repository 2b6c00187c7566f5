//! One input of a step: a visible label tied to the control, the server's validation errors beside
//! it (`aria-invalid`, `aria-describedby`), the browser's own required check, and the
//! `autocomplete` tokens a password manager needs.

use thunderid_protocol::flow::{
    Component, ComponentOption, FieldError, Input, InputType, ValidationRuleType,
};

use super::markup::escape;
use super::texts::{Texts, humanize};

/// What an input renders with.
#[derive(Debug)]
pub(crate) struct Field<'a> {
    pub input: &'a Input,
    /// The meta component describing it, when the step is verbose.
    pub component: Option<&'a Component>,
    /// The server's errors for this input.
    pub errors: Vec<&'a FieldError>,
    /// Whether the browser should put the cursor here first.
    pub autofocus: bool,
    /// What the person typed last time (never a password).
    pub value: Option<&'a str>,
}

impl Field<'_> {
    /// The field as HTML; a HIDDEN input renders nothing (its value comes from a link).
    pub(crate) fn render(&self, texts: &Texts<'_>) -> String {
        let input = self.input;
        if input.input_type == InputType::Hidden {
            return String::new();
        }
        let id = escape(&input.identifier);
        let label = self.label(texts);
        let error_id = format!("{id}-error");
        let mut attributes = self.attributes(texts);
        if !self.errors.is_empty() {
            attributes.push_str(&format!(
                " aria-invalid=\"true\" aria-describedby=\"{error_id}\""
            ));
        }
        let errors: String = self
            .errors
            .iter()
            .map(|e| escape(&self.error_text(texts, e, &label)))
            .collect::<Vec<_>>()
            .join(" ");
        let error = if errors.is_empty() {
            String::new()
        } else {
            format!("\n<p id=\"{error_id}\" class=\"tid-field-error\">{errors}</p>")
        };
        let marker = if input.required {
            "<span class=\"tid-required\" aria-hidden=\"true\"> *</span>"
        } else {
            ""
        };
        match &input.input_type {
            InputType::Boolean => format!(
                "<div class=\"tid-field\"><div class=\"tid-check\"><input id=\"{id}\" name=\"{id}\" \
                 type=\"checkbox\" value=\"true\"{attributes}><label for=\"{id}\">{}{marker}</label></div>{error}</div>\n",
                escape(&label)
            ),
            InputType::Select | InputType::OuSelect => format!(
                "<div class=\"tid-field\"><label for=\"{id}\">{}{marker}</label><select id=\"{id}\" name=\"{id}\" \
                 class=\"tid-input\"{attributes}>{}</select>{error}</div>\n",
                escape(&label),
                self.options(texts)
            ),
            _ => format!(
                "<div class=\"tid-field\"><label for=\"{id}\">{}{marker}</label><input id=\"{id}\" name=\"{id}\" \
                 class=\"tid-input\"{attributes}>{error}</div>\n",
                escape(&label)
            ),
        }
    }

    /// The component's label, else the input's identifier humanized (also when the label is just
    /// the identifier, as on a synthesized component without a display name).
    pub(crate) fn label(&self, texts: &Texts<'_>) -> String {
        self.component
            .and_then(|c| c.label.as_deref())
            .map(|l| texts.resolve(l))
            .filter(|l| !l.trim().is_empty() && *l != self.input.identifier)
            .unwrap_or_else(|| humanize(&self.input.identifier))
    }

    fn attributes(&self, texts: &Texts<'_>) -> String {
        let input = self.input;
        let mut out = String::new();
        let kind = match &input.input_type {
            InputType::Password => "password",
            InputType::Email => "email",
            InputType::Phone => "tel",
            InputType::Number => "number",
            InputType::Date => "date",
            InputType::Otp => "text\" inputmode=\"numeric",
            InputType::Boolean | InputType::Select | InputType::OuSelect | InputType::Hidden => "",
            InputType::Text
            | InputType::Consent
            | InputType::GenericString
            | InputType::Other(_) => "text",
        };
        if !kind.is_empty() {
            out.push_str(&format!(" type=\"{kind}\""));
        }
        if let Some(token) = self.autocomplete() {
            out.push_str(&format!(" autocomplete=\"{token}\""));
        }
        let placeholder = self
            .component
            .and_then(|c| c.placeholder.as_deref())
            .map(|p| texts.resolve(p))
            .filter(|p| !p.trim().is_empty());
        if let (Some(placeholder), false) = (placeholder, is_choice(&input.input_type)) {
            out.push_str(&format!(" placeholder=\"{}\"", escape(&placeholder)));
        }
        if input.required {
            out.push_str(" required");
        }
        for rule in &input.validation {
            let number = rule
                .value
                .as_u64()
                .or_else(|| rule.value.as_str()?.parse().ok());
            match (&rule.rule_type, number) {
                (ValidationRuleType::MinLength, Some(n)) => {
                    out.push_str(&format!(" minlength=\"{n}\""))
                }
                (ValidationRuleType::MaxLength, Some(n)) => {
                    out.push_str(&format!(" maxlength=\"{n}\""))
                }
                _ => {}
            }
        }
        if self.autofocus {
            out.push_str(" autofocus");
        }
        if let (Some(value), false) = (
            self.value,
            is_choice(&input.input_type) || input.input_type == InputType::Password,
        ) {
            out.push_str(&format!(" value=\"{}\"", escape(value)));
        }
        out
    }

    /// What a password manager or the browser should fill.
    fn autocomplete(&self) -> Option<&'static str> {
        let identifier = self.input.identifier.as_str();
        let label_key = self
            .component
            .and_then(|c| c.label.as_deref())
            .unwrap_or_default();
        let token = match (&self.input.input_type, identifier) {
            (InputType::Password, _)
                if label_key.contains("new_password") || label_key.contains("signup:") =>
            {
                "new-password"
            }
            (InputType::Password, _) => "current-password",
            (InputType::Otp, _) | (_, "otp") => "one-time-code",
            (_, "username") => "username",
            (_, "email") => "email",
            (_, "given_name" | "firstName" | "first_name") => "given-name",
            (_, "family_name" | "lastName" | "last_name") => "family-name",
            (_, "mobile_number" | "mobileNumber" | "phone") => "tel",
            _ => return None,
        };
        Some(token)
    }

    fn options(&self, texts: &Texts<'_>) -> String {
        let placeholder = self
            .component
            .and_then(|c| c.placeholder.as_deref())
            .map(|p| texts.resolve(p))
            .unwrap_or_default();
        let mut out = format!("<option value=\"\">{}</option>", escape(&placeholder));
        let labelled: Vec<(String, String)> = self
            .component
            .and_then(|c| c.options.as_ref())
            .map(|options| options.iter().filter_map(option_pair).collect())
            .unwrap_or_default();
        for value in &self.input.options {
            let label = labelled
                .iter()
                .find(|(v, _)| v == value)
                .map_or(value.as_str(), |(_, l)| l.as_str());
            out.push_str(&format!(
                "<option value=\"{}\">{}</option>",
                escape(value),
                escape(&texts.resolve(label))
            ));
        }
        out
    }

    /// A server error's message: the real gate's validation texts for the default keys, with the
    /// field's label and the rule's limit filled in; the message itself otherwise.
    fn error_text(&self, texts: &Texts<'_>, error: &FieldError, label: &str) -> String {
        let key = format!("validations:{}", error.message);
        let limit = |kind: ValidationRuleType| {
            self.input
                .validation
                .iter()
                .find(|r| r.rule_type == kind)
                .map(|r| match &r.value {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .unwrap_or_default()
        };
        match texts.lookup(&key) {
            Some(_) => texts.t_with(
                &key,
                &[
                    ("field", label),
                    ("minLength", &limit(ValidationRuleType::MinLength)),
                    ("maxLength", &limit(ValidationRuleType::MaxLength)),
                ],
            ),
            None => texts.resolve(&error.message),
        }
    }
}

fn is_choice(input_type: &InputType) -> bool {
    matches!(
        input_type,
        InputType::Select | InputType::OuSelect | InputType::Boolean
    )
}

fn option_pair(option: &ComponentOption) -> Option<(String, String)> {
    match option {
        ComponentOption::Text(value) => Some((value.clone(), value.clone())),
        ComponentOption::Labeled(pair) => Some((pair.value.clone(), pair.label.clone())),
        ComponentOption::Other(_) => None,
    }
}
