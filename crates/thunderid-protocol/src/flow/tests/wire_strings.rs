//! Wire strings: every enum variant against its exact string (both directions; closed enums reject
//! other strings, open enums keep them), and the V1 authenticator ids.

use std::fmt::Display;

use super::*;

#[track_caller]
fn pin<T>(all: &[T], table: &[(T, &str)])
where
    T: Serialize + DeserializeOwned + PartialEq + Debug + Display,
{
    assert_eq!(all.len(), table.len(), "table must list every variant");
    for (value, wire) in table {
        assert!(all.iter().any(|v| v == value), "{value:?} missing from ALL");
        assert_eq!(serde_json::to_value(value).unwrap(), json!(wire));
        assert_eq!(&serde_json::from_value::<T>(json!(wire)).unwrap(), value);
        assert_eq!(value.to_string(), *wire);
    }
}

#[track_caller]
fn rejects_unknown<T: DeserializeOwned + Debug>(wire: &str) {
    assert!(
        serde_json::from_value::<T>(json!(wire)).is_err(),
        "{wire} accepted"
    );
}

#[track_caller]
fn keeps_unknown<T: Serialize + DeserializeOwned + Display>(wire: &str) {
    let value: T = serde_json::from_value(json!(wire)).unwrap();
    assert_eq!(
        (serde_json::to_value(&value).unwrap(), value.to_string()),
        (json!(wire), wire.to_owned())
    );
}

#[test]
fn closed_enums_pin_their_wire_strings_and_reject_others() {
    use FlowStatus as F;
    pin(
        F::ALL,
        &[
            (F::Incomplete, "INCOMPLETE"),
            (F::Complete, "COMPLETE"),
            (F::Error, "ERROR"),
        ],
    );
    pin(
        StepType::ALL,
        &[
            (StepType::View, "VIEW"),
            (StepType::Redirection, "REDIRECTION"),
        ],
    );
    use NodeType as N;
    pin(
        N::ALL,
        &[
            (N::Start, "START"),
            (N::End, "END"),
            (N::Prompt, "PROMPT"),
            (N::TaskExecution, "TASK_EXECUTION"),
            (N::Call, "CALL"),
        ],
    );
    use InterceptorMode as M;
    pin(
        M::ALL,
        &[
            (M::PreRequest, "PRE_REQUEST"),
            (M::PreNode, "PRE_NODE"),
            (M::PostNode, "POST_NODE"),
            (M::PostRequest, "POST_REQUEST"),
        ],
    );
    pin(
        InterceptorScope::ALL,
        &[
            (InterceptorScope::All, "ALL"),
            (InterceptorScope::Selected, "SELECTED"),
        ],
    );
    use V1FlowStatus as V;
    pin(
        V::ALL,
        &[
            (V::Incomplete, "INCOMPLETE"),
            (V::SuccessCompleted, "SUCCESS_COMPLETED"),
            (V::FailIncomplete, "FAIL_INCOMPLETE"),
            (V::FailCompleted, "FAIL_COMPLETED"),
        ],
    );
    pin(
        V1StepType::ALL,
        &[
            (V1StepType::AuthenticatorPrompt, "AUTHENTICATOR_PROMPT"),
            (V1StepType::MultiOptionsPrompt, "MULTI_OPTIONS_PROMPT"),
        ],
    );
    use PromptType as P;
    pin(
        P::ALL,
        &[
            (P::UserPrompt, "USER_PROMPT"),
            (P::InternalPrompt, "INTERNAL_PROMPT"),
            (P::RedirectionPrompt, "REDIRECTION_PROMPT"),
        ],
    );

    rejects_unknown::<FlowStatus>("incomplete");
    rejects_unknown::<FlowStatus>("SUCCESS");
    rejects_unknown::<StepType>("RETRY");
    rejects_unknown::<NodeType>("DECISION");
    rejects_unknown::<InterceptorMode>("PRE");
    rejects_unknown::<InterceptorScope>("NONE");
    rejects_unknown::<V1FlowStatus>("PENDING");
    rejects_unknown::<V1StepType>("PROMPT");
    rejects_unknown::<PromptType>("INIT_PARAM");
    assert_eq!("ERROR".parse::<FlowStatus>(), Ok(FlowStatus::Error));
    let error = "COMPLETED".parse::<FlowStatus>().unwrap_err();
    assert_eq!(error.to_string(), "unknown FlowStatus value \"COMPLETED\"");
}

#[test]
fn open_enums_pin_their_wire_strings_and_keep_others() {
    use FlowType as F;
    pin(
        F::ALL,
        &[
            (F::Authentication, "AUTHENTICATION"),
            (F::Registration, "REGISTRATION"),
            (F::Recovery, "RECOVERY"),
            (F::SignOut, "SIGNOUT"),
            (F::UserOnboarding, "USER_ONBOARDING"),
            (F::Administration, "ADMINISTRATION"),
        ],
    );
    use InputType as I;
    pin(
        I::ALL,
        &[
            (I::Text, "TEXT_INPUT"),
            (I::Email, "EMAIL_INPUT"),
            (I::Password, "PASSWORD_INPUT"),
            (I::Otp, "OTP_INPUT"),
            (I::Phone, "PHONE_INPUT"),
            (I::Consent, "CONSENT_INPUT"),
            (I::Hidden, "HIDDEN"),
            (I::Select, "SELECT"),
            (I::OuSelect, "OU_SELECT"),
            (I::Number, "NUMBER_INPUT"),
            (I::Date, "DATE_INPUT"),
            (I::Boolean, "BOOLEAN_INPUT"),
            (I::GenericString, "string"),
        ],
    );
    pin(
        ActionType::ALL,
        &[
            (ActionType::Submit, "SUBMIT"),
            (ActionType::Reject, "REJECT"),
            (ActionType::Confirm, "CONFIRM"),
        ],
    );
    use ValidationRuleType as R;
    pin(
        R::ALL,
        &[
            (R::Regex, "regex"),
            (R::MinLength, "minLength"),
            (R::MaxLength, "maxLength"),
        ],
    );
    use ComponentType as C;
    pin(
        C::ALL,
        &[
            (C::Action, "ACTION"),
            (C::Block, "BLOCK"),
            (C::Consent, "CONSENT"),
            (C::CopyableText, "COPYABLE_TEXT"),
            (C::DateInput, "DATE_INPUT"),
            (C::Divider, "DIVIDER"),
            (C::EmailInput, "EMAIL_INPUT"),
            (C::Icon, "ICON"),
            (C::Image, "IMAGE"),
            (C::OtpInput, "OTP_INPUT"),
            (C::OuSelect, "OU_SELECT"),
            (C::PasswordInput, "PASSWORD_INPUT"),
            (C::PhoneInput, "PHONE_INPUT"),
            (C::RichText, "RICH_TEXT"),
            (C::Select, "SELECT"),
            (C::Stack, "STACK"),
            (C::Text, "TEXT"),
            (C::TextInput, "TEXT_INPUT"),
            (C::Timer, "TIMER"),
            (C::QrCode, "QR_CODE"),
            (C::DynamicInputPlaceholder, "DYNAMIC_INPUT_PLACEHOLDER"),
            (C::ConsentInput, "CONSENT_INPUT"),
        ],
    );
    use ComponentVariant as V;
    pin(
        V::ALL,
        &[
            (V::Primary, "PRIMARY"),
            (V::Secondary, "SECONDARY"),
            (V::Tertiary, "TERTIARY"),
            (V::Outlined, "OUTLINED"),
            (V::Link, "LINK"),
            (V::Danger, "DANGER"),
            (V::Info, "INFO"),
            (V::Success, "SUCCESS"),
            (V::Warning, "WARNING"),
            (V::Heading1, "HEADING_1"),
            (V::Heading2, "HEADING_2"),
            (V::Heading3, "HEADING_3"),
            (V::Heading4, "HEADING_4"),
            (V::Heading5, "HEADING_5"),
            (V::Heading6, "HEADING_6"),
            (V::Subtitle1, "SUBTITLE_1"),
            (V::Subtitle2, "SUBTITLE_2"),
            (V::Body1, "BODY_1"),
            (V::Body2, "BODY_2"),
            (V::Caption, "CAPTION"),
            (V::Overline, "OVERLINE"),
            (V::ButtonText, "BUTTON_TEXT"),
            (V::Horizontal, "HORIZONTAL"),
            (V::Vertical, "VERTICAL"),
        ],
    );
    use EventType as E;
    pin(
        E::ALL,
        &[
            (E::Submit, "SUBMIT"),
            (E::Trigger, "TRIGGER"),
            (E::Navigate, "NAVIGATE"),
            (E::Back, "BACK"),
            (E::Cancel, "CANCEL"),
            (E::Reset, "RESET"),
        ],
    );
    pin(
        NodeVariant::ALL,
        &[(NodeVariant::LoginOptions, "LOGIN_OPTIONS")],
    );
    use ParamType as T;
    pin(
        T::ALL,
        &[
            (T::String, "STRING"),
            (T::Integer, "INTEGER"),
            (T::MultiValued, "MULTI_VALUED"),
            (T::OtpCode, "OTPCode"),
        ],
    );
    pin(
        V1MessageType::ALL,
        &[
            (V1MessageType::Info, "INFO"),
            (V1MessageType::Error, "ERROR"),
        ],
    );

    keeps_unknown::<FlowType>("SIGN_IN");
    keeps_unknown::<FlowType>("authentication");
    keeps_unknown::<InputType>("TEXTAREA");
    keeps_unknown::<ActionType>("SKIP");
    keeps_unknown::<ValidationRuleType>("oneOf");
    keeps_unknown::<ComponentType>("CHECKBOX");
    keeps_unknown::<ComponentVariant>("GHOST");
    keeps_unknown::<EventType>("ACTIVATE");
    keeps_unknown::<NodeVariant>("OTHER_VARIANT");
    keeps_unknown::<ParamType>("INIT_PARAM");
    keeps_unknown::<V1MessageType>("WARNING");
    assert_eq!(
        "USER_ONBOARDING".parse::<FlowType>(),
        Ok(FlowType::UserOnboarding)
    );
}

#[test]
fn authenticator_ids_match_the_sdk_constants() {
    // `ApplicationNativeAuthenticationConstants.ts`.
    let cases = [
        (
            "BasicAuthenticator",
            "LOCAL",
            "QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM",
        ),
        (
            "IdentifierExecutor",
            "LOCAL",
            "SWRlbnRpZmllckV4ZWN1dG9yOkxPQ0FM",
        ),
        (
            "email-otp-authenticator",
            "LOCAL",
            "ZW1haWwtb3RwLWF1dGhlbnRpY2F0b3I6TE9DQUw",
        ),
        (
            "sms-otp-authenticator",
            "LOCAL",
            "c21zLW90cC1hdXRoZW50aWNhdG9yOkxPQ0FM",
        ),
        ("totp", "LOCAL", "dG90cDpMT0NBTA"),
        (
            "FIDOAuthenticator",
            "LOCAL",
            "RklET0F1dGhlbnRpY2F0b3I6TE9DQUw",
        ),
        (
            "MagicLinkAuthenticator",
            "LOCAL",
            "TWFnaWNMaW5rQXV0aGVudGljYXRvcjpMT0NBTA",
        ),
        (
            "push-notification-authenticator",
            "LOCAL",
            "cHVzaC1ub3RpZmljYXRpb24tYXV0aGVudGljYXRvcjpMT0NBTA",
        ),
        (
            "GoogleOIDCAuthenticator",
            "Google",
            "R29vZ2xlT0lEQ0F1dGhlbnRpY2F0b3I6R29vZ2xl",
        ),
        (
            "GithubAuthenticator",
            "GitHub",
            "R2l0aHViQXV0aGVudGljYXRvcjpHaXRIdWI",
        ),
        (
            "FacebookAuthenticator",
            "Facebook",
            "RmFjZWJvb2tBdXRoZW50aWNhdG9yOkZhY2Vib29r",
        ),
        (
            "OpenIDConnectAuthenticator",
            "Microsoft",
            "T3BlbklEQ29ubmVjdEF1dGhlbnRpY2F0b3I6TWljcm9zb2Z0",
        ),
        ("LinkedInOIDC", "LinkedIn", "TGlua2VkSW5PSURDOkxpbmtlZElu"),
        (
            "OpenIDConnectAuthenticator",
            "Sign In With Ethereum",
            "T3BlbklEQ29ubmVjdEF1dGhlbnRpY2F0b3I6U2lnbiBJbiBXaXRoIEV0aGVyZXVt",
        ),
    ];
    for (name, idp, id) in cases {
        assert_eq!(authenticator_id(name, idp), id, "{name}:{idp}");
    }
    // RFC 4648 §10 vectors (every length modulo 3), and the URL-safe alphabet without padding.
    let vectors: [(&[u8], &str); 8] = [
        (b"", ""),
        (b"f", "Zg"),
        (b"fo", "Zm8"),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg"),
        (b"fooba", "Zm9vYmE"),
        (b"foobar", "Zm9vYmFy"),
        (&[0xfb, 0xff], "-_8"),
    ];
    for (input, expected) in vectors {
        assert_eq!(v1::base64url_no_pad(input), expected);
    }
}
