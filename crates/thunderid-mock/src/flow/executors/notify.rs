//! SMSExecutor and EmailExecutor: render the server's notification templates and "send" them into
//! the outbox (`GET /__mock/outbox`), with the secret they carry in `code`.

use std::collections::BTreeMap;

use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{FlowType, InputType};

use super::{ExecResult, Task};
use crate::fixtures::Delivery;
use crate::flow::keys;
use crate::flow::node::EngineError;
use crate::store::outbox::{Channel, OutboxMessage};

/// SMSExecutor: send the `smsTemplate` to the node's phone input, else the resolved user's.
pub(super) fn send_sms(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    let phone_attr = task.input_identifier(&InputType::Phone, "mobile_number");
    let Some(recipient) = recipient(task, &phone_attr) else {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorSmsRecipientMissing.to_error(),
        ));
    };
    if !is_phone_number(&recipient) {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorSmsInvalidPhone.to_error(),
        ));
    }
    if task.property("senderId").is_none_or(str::is_empty) {
        return Err(super::internal(
            "senderId is not configured in node properties".into(),
        ));
    }
    let Some(template) = task
        .property("smsTemplate")
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
    else {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorSmsTemplateMissing.to_error(),
        ));
    };
    let data = template_data(task);
    let body = match template.as_str() {
        "OTP" => otp_message(field(&data, "otpCode"), field(&data, "expiryTime")),
        other => {
            return Err(super::internal(format!(
                "no SMS template for scenario {other}"
            )));
        }
    };
    if task.env.settings.notifications.sms != Delivery::Outbox {
        // The sender refused: only USER_ONBOARDING reports it in band.
        if task.flow_type == &FlowType::UserOnboarding {
            return Ok(ExecResult::failure(
                ApiErrorCode::ExecutorSmsProviderNotConfigured.to_error(),
            ));
        }
        return Err(super::internal("the SMS sender failed".into()));
    }
    let code = data.get("otpCode").cloned();
    task.env.send(OutboxMessage {
        channel: Channel::Sms,
        recipient,
        template,
        body,
        code,
        link: data.get("inviteLink").cloned(),
        sent_at: task.env.now,
    });
    let mut result = ExecResult::complete();
    result
        .additional
        .insert(keys::data::SMS_SENT.to_owned(), "true".to_owned());
    Ok(result)
}

/// EmailExecutor (`send` mode): send the `emailTemplate` to the node's e-mail input, else the
/// resolved user's.
pub(super) fn send_email(task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    if task.execution.runtime_value("skipDelivery") == Some("true") {
        let mut result = ExecResult::complete();
        result
            .additional
            .insert(keys::data::EMAIL_SENT.to_owned(), "true".to_owned());
        return Ok(result);
    }
    let delivery = task.env.settings.notifications.email;
    if delivery == Delivery::Unconfigured {
        let mut result =
            ExecResult::failure(ApiErrorCode::ExecutorEmailServiceNotConfigured.to_error());
        result
            .additional
            .insert(keys::data::EMAIL_SENT.to_owned(), "false".to_owned());
        return Ok(result);
    }
    let email_attr = task.input_identifier(&InputType::Email, "email");
    let Some(recipient) = recipient(task, &email_attr) else {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorEmailRecipientMissing.to_error(),
        ));
    };
    let Some(template) = task
        .property("emailTemplate")
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
    else {
        return Err(super::internal(
            "missing required property: emailTemplate".into(),
        ));
    };
    let data = template_data(task);
    let body = match template.as_str() {
        "PASSWORD_RECOVERY" => recovery_email(&data),
        "USER_INVITE" | "SELF_REGISTRATION" => invite_email(&template, &data),
        "MAGIC_LINK" => magic_link_email(&data),
        "OTP" => otp_message(field(&data, "otpCode"), field(&data, "expiryTime")),
        "CIBA_NOTIFICATION" => ciba_email(&data),
        other => {
            return Err(super::internal(format!(
                "no e-mail template for scenario {other}"
            )));
        }
    };
    if delivery == Delivery::Failing {
        return Ok(ExecResult::failure(
            ApiErrorCode::ExecutorEmailSendFailed.to_error(),
        ));
    }
    let code = data
        .get("magicLink")
        .or_else(|| data.get("otpCode"))
        .cloned()
        .or_else(|| {
            task.execution
                .runtime_value(keys::STORED_INVITE_TOKEN)
                .map(str::to_owned)
        });
    task.env.send(OutboxMessage {
        channel: Channel::Email,
        recipient,
        template,
        body,
        code,
        link: data
            .get("magicLink")
            .or_else(|| data.get("inviteLink"))
            .cloned(),
        sent_at: task.env.now,
    });
    let mut result = ExecResult::complete();
    result
        .additional
        .insert(keys::data::EMAIL_SENT.to_owned(), "true".to_owned());
    Ok(result)
}

/// The server's `OTP` template (SMS and e-mail), rendered as plain text; the direct API's
/// `/auth/otp/sms/send` sends it too.
pub(crate) fn otp_message(code: &str, expiry: &str) -> String {
    format!("Your verification code is: {code}. It expires in {expiry}.")
}

/// The recipient: an input or runtime value of `attribute`, else that attribute of the resolved
/// user (runtime `userID`).
fn recipient(task: &Task<'_, '_>, attribute: &str) -> Option<String> {
    task.value(attribute).or_else(|| {
        let user_id = task.execution.runtime_value(keys::USER_ID)?;
        let user = task.env.user(user_id)?;
        user.attributes
            .get(attribute)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    })
}

/// Template values: runtime data, the application name, then what the previous node forwarded.
fn template_data(task: &Task<'_, '_>) -> BTreeMap<String, String> {
    let mut data = task.execution.runtime.clone();
    if let Some(app) = task.env.app {
        data.insert("appName".to_owned(), app.name.clone());
    }
    data.extend(task.forwarded.template.clone());
    data
}

fn field<'d>(data: &'d BTreeMap<String, String>, key: &str) -> &'d str {
    data.get(key).map_or("", String::as_str)
}

/// `^\+?[0-9\s\-().]{7,20}$` (`sms_executor.go` `phoneNumberRegex`).
fn is_phone_number(value: &str) -> bool {
    let rest = value.strip_prefix('+').unwrap_or(value);
    let count = rest.chars().count();
    (7..=20).contains(&count)
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || matches!(c, '-' | '(' | ')' | '.'))
}

/// The plain-text rendering of the server's `email_ciba_notification.yaml` template: who asks,
/// the binding message, and the approval link.
fn ciba_email(data: &BTreeMap<String, String>) -> String {
    let app = field(data, "appName");
    let message = field(data, "bindingMessage");
    let link = field(data, "inviteLink");
    format!(
        "Authentication Request\n\n{app} is requesting to authenticate you.\n\n{message}\n\n\
         If you recognize this request, follow this link to approve:\n\n{link}\n\n\
         If you did not initiate this request, you can safely ignore this email.\n"
    )
}

/// The plain-text rendering of the server's `password_recovery.yaml` template.
fn recovery_email(data: &BTreeMap<String, String>) -> String {
    let app = field(data, "appName");
    let link = field(data, "inviteLink");
    format!(
        "Reset Your Password\n\nHello,\n\nA request was made to reset your account password for {app}. \
         Use this link to set a new password:\n\n{link}\n\nThis link will expire in 30 minutes for your security.\n\n\
         If you did not request a password reset, you can safely ignore this email; your account will remain unchanged.\n"
    )
}

/// The plain-text rendering of the server's `user_invite.yaml` / `self_registration.yaml`.
fn invite_email(template: &str, data: &BTreeMap<String, String>) -> String {
    let app = field(data, "appName");
    let link = field(data, "inviteLink");
    let heading = if template == "USER_INVITE" {
        "You're Invited to Register"
    } else {
        "Complete Your Registration"
    };
    format!(
        "{heading}\n\nHello,\n\nUse this link to complete your registration{}:\n\n{link}\n\n\
         If you were not expecting this, you can safely ignore this email.\n",
        if app.is_empty() {
            String::new()
        } else {
            format!(" for {app}")
        }
    )
}

/// The plain-text rendering of the server's `magic_link.yaml` template.
fn magic_link_email(data: &BTreeMap<String, String>) -> String {
    let link = field(data, "magicLink");
    let expiry = field(data, "expiryTime");
    format!(
        "Sign in to your account\n\nHello,\n\nUse this link to sign in. It expires in {expiry}:\n\n{link}\n\n\
         If you did not try to sign in, you can safely ignore this email.\n"
    )
}
