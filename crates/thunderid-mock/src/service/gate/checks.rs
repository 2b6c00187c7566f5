//! The checks the real gate runs in the browser before it submits a step (`SignInBox`'s and
//! `SignUpBox`'s `validateForm`): a required input must not be blank, an e-mail input must look
//! like an address. The mock's gate runs them on the server: each page's main form lists its
//! inputs (`tid-check`: identifier, type, `required`) and the action they guard (`tid-validate`);
//! a failing submission never reaches the engine and comes back with the errors beside the fields.
//! The messages are the gate's validation keys (`validations:` namespace), filled in by the page.

use std::collections::BTreeMap;

use thunderid_protocol::flow::{FieldError, InputType};

/// One input of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Check {
    pub identifier: String,
    pub input_type: InputType,
    pub required: bool,
}

impl Check {
    /// `"email EMAIL_INPUT required"`; `None` for anything else.
    pub(crate) fn parse(spec: &str) -> Option<Self> {
        let mut words = spec.split(' ');
        let identifier = words.next().filter(|w| !w.is_empty())?.to_owned();
        let input_type: InputType =
            serde_json::from_value(serde_json::Value::from(words.next()?)).ok()?;
        let required = match words.next()? {
            "required" => true,
            "optional" => false,
            _ => return None,
        };
        words.next().is_none().then_some(Self {
            identifier,
            input_type,
            required,
        })
    }

    /// The form of [`Check::parse`].
    pub(crate) fn spec(identifier: &str, input_type: &InputType, required: bool) -> String {
        let kind = serde_json::to_value(input_type)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let requirement = if required { "required" } else { "optional" };
        format!("{identifier} {kind} {requirement}")
    }
}

/// One error per failing input, in page order.
pub(crate) fn failures(checks: &[Check], inputs: &BTreeMap<String, String>) -> Vec<FieldError> {
    checks
        .iter()
        .filter_map(|check| {
            let value = inputs.get(&check.identifier).map_or("", |v| v.trim());
            let message = if check.required && value.is_empty() {
                "form.field.required"
            } else if check.input_type == InputType::Email
                && !value.is_empty()
                && !looks_like_email(value)
            {
                "field.email.invalid"
            } else {
                return None;
            };
            Some(FieldError {
                identifier: check.identifier.clone(),
                message: message.to_owned(),
            })
        })
        .collect()
}

/// The gate's `EMAIL_REGEX`, `^[^\s@]+@[^\s@]+\.[^\s@]+$`.
fn looks_like_email(value: &str) -> bool {
    let plain =
        |part: &str| !part.is_empty() && !part.chars().any(|c| c.is_whitespace() || c == '@');
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let Some((name, top)) = domain.rsplit_once('.') else {
        return false;
    };
    plain(local) && plain(name) && plain(top)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(spec: &str) -> Check {
        Check::parse(spec).expect("a check")
    }

    #[test]
    fn specs_round_trip_and_nonsense_is_ignored() {
        let spec = Check::spec("email", &InputType::Email, true);
        assert_eq!(spec, "email EMAIL_INPUT required");
        assert_eq!(check(&spec).input_type, InputType::Email);
        assert_eq!(Check::parse("x TEXT_INPUT maybe"), None);
        assert_eq!(Check::parse(" TEXT_INPUT required"), None);
        assert_eq!(Check::parse("x TEXT_INPUT required extra"), None);
    }

    #[test]
    fn blank_required_inputs_and_malformed_emails_fail() {
        let checks = [
            check("username TEXT_INPUT required"),
            check("email EMAIL_INPUT optional"),
            check("nickname TEXT_INPUT optional"),
        ];
        let inputs = BTreeMap::from([
            ("username".to_owned(), "  ".to_owned()),
            ("email".to_owned(), "not an <email>".to_owned()),
        ]);
        let messages: Vec<(String, String)> = failures(&checks, &inputs)
            .into_iter()
            .map(|e| (e.identifier, e.message))
            .collect();
        assert_eq!(
            messages,
            [
                ("username".to_owned(), "form.field.required".to_owned()),
                ("email".to_owned(), "field.email.invalid".to_owned()),
            ]
        );
        for good in ["sif@asgard.example", "a.b+c@d.e"] {
            assert!(looks_like_email(good), "{good}");
        }
        for bad in ["sif@asgard", "@a.b", "a@@b.c", "a b@c.d", "a@b."] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }
}
