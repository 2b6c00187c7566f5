//! The UI component tree of `data.meta.components` (V2 responses) and of a PROMPT node's `meta`
//! (flow graphs).
//!
//! The server treats components as untyped JSON: it only reads `id`, `ref`, `type`, `required` and
//! `components` while trimming a prompt (`flow/core/prompt_node.go`). The fields below are the ones
//! the SDK renders (`packages/javascript/src/models/embedded-flow.ts`, `EmbeddedFlowComponent`);
//! anything else (flow-builder attributes such as `category` or `resourceType`) is kept in `extra`,
//! so a component read from a fixture is written back unchanged. Template strings such as
//! `{{ t(signin:forms.credentials.title) }}` are plain strings: the client resolves them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use crate::flow::input::ValidationRule;

open_enum! {
    /// A component's `type`: the SDK's `EmbeddedFlowComponentType`, plus the server's
    /// `DYNAMIC_INPUT_PLACEHOLDER` and the flow builder's `CONSENT_INPUT`.
    pub enum ComponentType {
        Action = "ACTION",
        Block = "BLOCK",
        Consent = "CONSENT",
        CopyableText = "COPYABLE_TEXT",
        DateInput = "DATE_INPUT",
        Divider = "DIVIDER",
        EmailInput = "EMAIL_INPUT",
        Icon = "ICON",
        Image = "IMAGE",
        OtpInput = "OTP_INPUT",
        OuSelect = "OU_SELECT",
        PasswordInput = "PASSWORD_INPUT",
        PhoneInput = "PHONE_INPUT",
        RichText = "RICH_TEXT",
        Select = "SELECT",
        Stack = "STACK",
        Text = "TEXT",
        TextInput = "TEXT_INPUT",
        Timer = "TIMER",
        QrCode = "QR_CODE",
        /// Marks where the server splices inputs derived from the user-type schema; it never
        /// reaches the client.
        DynamicInputPlaceholder = "DYNAMIC_INPUT_PLACEHOLDER",
        /// The consent form element of the flow-builder templates (console `elements.ts`).
        ConsentInput = "CONSENT_INPUT",
    }
}

open_enum! {
    /// A component's `variant`: button variants for ACTION, typography variants for TEXT, and the
    /// flow builder's divider variants for DIVIDER.
    pub enum ComponentVariant {
        Primary = "PRIMARY",
        Secondary = "SECONDARY",
        Tertiary = "TERTIARY",
        Outlined = "OUTLINED",
        Link = "LINK",
        Danger = "DANGER",
        Info = "INFO",
        Success = "SUCCESS",
        Warning = "WARNING",
        Heading1 = "HEADING_1",
        Heading2 = "HEADING_2",
        Heading3 = "HEADING_3",
        Heading4 = "HEADING_4",
        Heading5 = "HEADING_5",
        Heading6 = "HEADING_6",
        Subtitle1 = "SUBTITLE_1",
        Subtitle2 = "SUBTITLE_2",
        Body1 = "BODY_1",
        Body2 = "BODY_2",
        Caption = "CAPTION",
        Overline = "OVERLINE",
        ButtonText = "BUTTON_TEXT",
        Horizontal = "HORIZONTAL",
        Vertical = "VERTICAL",
    }
}

open_enum! {
    /// An action's `eventType`.
    pub enum EventType {
        /// Validate the form, then submit.
        Submit = "SUBMIT",
        /// Submit without client-side validation.
        Trigger = "TRIGGER",
        Navigate = "NAVIGATE",
        Back = "BACK",
        Cancel = "CANCEL",
        Reset = "RESET",
    }
}

/// `meta` of a prompt: the component tree plus any other members, kept as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowMeta {
    /// The component tree, rendered in order.
    #[serde(default)]
    pub components: Vec<Component>,
    /// Other members of `meta`, which the server copies through.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One UI component. Every modeled attribute is optional and written only when present, so the
/// component round-trips exactly (an empty `options: []` stays).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Component {
    /// Equals the `ref` of the input or action it renders; on an ACTION, the action to submit.
    pub id: String,
    /// What to render.
    #[serde(rename = "type")]
    pub component_type: ComponentType,
    /// The input `identifier` the value is sent under.
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Field label, button text or displayed text; may hold template strings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Input placeholder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// Whether the input must be filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Visual variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<ComponentVariant>,
    /// ACTION behaviour on click.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<EventType>,
    /// Children of a BLOCK or STACK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<Component>>,
    /// SELECT options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<ComponentOption>>,
    /// Client-side validation rules (re-checked by the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<Vec<ValidationRule>>,
    /// Action wiring of a RICH_TEXT (`<a data-action-ref>` anchors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<ComponentAction>,
    /// IMAGE source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
    /// IMAGE alternative text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    /// IMAGE width: CSS string or pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<TextOrNumber>,
    /// IMAGE height: CSS string or pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<TextOrNumber>,
    /// ICON name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// ICON size in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Number>,
    /// ICON color (CSS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// STACK direction (`row` or `column`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// STACK spacing between children.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<Number>,
    /// Alignment (TEXT, STACK cross axis).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub align: Option<String>,
    /// STACK main-axis justification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justify: Option<String>,
    /// STACK items per row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<TextOrNumber>,
    /// ACTION leading icon URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_icon: Option<String>,
    /// ACTION trailing icon URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_icon: Option<String>,
    /// PHONE_INPUT prefixes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefixes: Option<Prefixes>,
    /// Text shown after the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postfix: Option<String>,
    /// DATE_INPUT display format, e.g. `yyyy-MM-dd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    /// COPYABLE_TEXT: the `additionalData` key whose value is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Space-separated CSS classes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<String>,
    /// Legacy configuration bag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Map<String, Value>>,
    /// Attributes not modeled above (`category`, `resourceType`, `actionType`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `action` of a component: the flow action a RICH_TEXT anchor dispatches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentAction {
    /// The action `ref` to submit.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Defaults to `SUBMIT` on the client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<EventType>,
    /// Other members, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A SELECT option: a bare string or `{label, value}`; any other shape is kept as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ComponentOption {
    /// A bare value, also used as its label.
    Text(String),
    /// `{label, value}`.
    Labeled(LabeledOption),
    /// Any other shape.
    Other(Value),
}

/// `{label, value}` option. Objects with more members fall through to [`ComponentOption::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabeledOption {
    /// Shown to the user.
    pub label: String,
    /// Submitted value.
    pub value: String,
}

/// A width, height or item count: the SDK accepts a CSS string or a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TextOrNumber {
    /// A CSS length or other string, e.g. `"60"` or `"100%"`.
    Text(String),
    /// A plain number (pixels, item count).
    Number(Number),
}

/// PHONE_INPUT `prefixes`: a single string or a list of options; any other shape is kept as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Prefixes {
    /// One fixed prefix.
    Text(String),
    /// A choice of prefixes.
    Options(Vec<PrefixOption>),
    /// Any other shape.
    Other(Value),
}

/// One PHONE_INPUT prefix option, e.g. a country code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrefixOption {
    /// The prefix, e.g. `+94`.
    pub value: String,
    /// Shown to the user, e.g. `Sri Lanka (+94)`.
    pub label: String,
    /// Maximum input length with this prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// Pattern the input must match with this prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
}

impl FlowMeta {
    /// `{"components": [...]}`.
    pub fn new(components: Vec<Component>) -> Self {
        Self {
            components,
            extra: Map::new(),
        }
    }
}

impl Component {
    /// A component with only `id` and `type`.
    pub fn new(id: impl Into<String>, component_type: ComponentType) -> Self {
        Self {
            id: id.into(),
            component_type,
            reference: None,
            label: None,
            placeholder: None,
            required: None,
            variant: None,
            event_type: None,
            components: None,
            options: None,
            validation: None,
            action: None,
            src: None,
            alt: None,
            width: None,
            height: None,
            name: None,
            size: None,
            color: None,
            direction: None,
            gap: None,
            align: None,
            justify: None,
            items: None,
            start_icon: None,
            end_icon: None,
            prefixes: None,
            postfix: None,
            date_format: None,
            source: None,
            classes: None,
            config: None,
            extra: Map::new(),
        }
    }

    /// The children, or an empty slice.
    pub fn children(&self) -> &[Component] {
        self.components.as_deref().unwrap_or_default()
    }

    /// This component and all its descendants, depth first.
    pub fn walk(&self) -> Vec<&Component> {
        let mut out = vec![self];
        for child in self.children() {
            out.extend(child.walk());
        }
        out
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the component tree.
    use proptest::prelude::*;

    use super::*;
    use crate::flow::input::strategies::validation_rule;
    use crate::flow::strategies::{extra_map, open_enum, text, word};

    /// The JSON names of [`Component`]'s modeled fields, which `extra` must not repeat.
    pub const COMPONENT_FIELDS: &[&str] = &[
        "id",
        "type",
        "ref",
        "label",
        "placeholder",
        "required",
        "variant",
        "eventType",
        "components",
        "options",
        "validation",
        "action",
        "src",
        "alt",
        "width",
        "height",
        "name",
        "size",
        "color",
        "direction",
        "gap",
        "align",
        "justify",
        "items",
        "startIcon",
        "endIcon",
        "prefixes",
        "postfix",
        "dateFormat",
        "source",
        "classes",
        "config",
    ];

    /// Arbitrary [`ComponentType`] values.
    pub fn component_type() -> impl Strategy<Value = ComponentType> {
        open_enum(ComponentType::ALL, ComponentType::parse)
    }

    /// Arbitrary [`ComponentVariant`] values.
    pub fn component_variant() -> impl Strategy<Value = ComponentVariant> {
        open_enum(ComponentVariant::ALL, ComponentVariant::parse)
    }

    /// Arbitrary [`EventType`] values.
    pub fn event_type() -> impl Strategy<Value = EventType> {
        open_enum(EventType::ALL, EventType::parse)
    }

    /// Arbitrary [`TextOrNumber`] values.
    pub fn text_or_number() -> impl Strategy<Value = TextOrNumber> {
        prop_oneof![
            text().prop_map(TextOrNumber::Text),
            any::<u16>().prop_map(|n| TextOrNumber::Number(n.into()))
        ]
    }

    /// Arbitrary [`ComponentOption`] values.
    pub fn component_option() -> impl Strategy<Value = ComponentOption> {
        prop_oneof![
            text().prop_map(ComponentOption::Text),
            (text(), text()).prop_map(|(label, value)| ComponentOption::Labeled(LabeledOption {
                label,
                value
            })),
            // A shape neither of the other variants accepts.
            any::<i32>().prop_map(|n| ComponentOption::Other(serde_json::json!({ "value": n }))),
        ]
    }

    /// Arbitrary [`Prefixes`] values.
    pub fn prefixes() -> impl Strategy<Value = Prefixes> {
        let option = (
            text(),
            text(),
            proptest::option::of(any::<u16>().prop_map(u64::from)),
            proptest::option::of(text()),
        )
            .prop_map(|(value, label, max_length, regex)| PrefixOption {
                value,
                label,
                max_length,
                regex,
            });
        prop_oneof![
            text().prop_map(Prefixes::Text),
            prop::collection::vec(option, 0..3).prop_map(Prefixes::Options),
            any::<bool>().prop_map(|b| Prefixes::Other(Value::Bool(b))),
        ]
    }

    /// Arbitrary [`ComponentAction`] values.
    pub fn component_action() -> impl Strategy<Value = ComponentAction> {
        (
            word(),
            proptest::option::of(event_type()),
            extra_map(&["ref", "eventType"]),
        )
            .prop_map(|(reference, event_type, extra)| ComponentAction {
                reference,
                event_type,
                extra,
            })
    }

    /// A leaf component with every attribute possibly set, except children.
    fn leaf() -> impl Strategy<Value = Component> {
        let head = (
            word(),
            component_type(),
            proptest::option::of(word()),
            proptest::option::of(text()),
            proptest::option::of(text()),
            proptest::option::of(any::<bool>()),
            proptest::option::of(component_variant()),
            proptest::option::of(event_type()),
        );
        let middle = (
            proptest::option::of(prop::collection::vec(component_option(), 0..3)),
            proptest::option::of(prop::collection::vec(validation_rule(), 0..2)),
            proptest::option::of(component_action()),
            proptest::option::of(text()),
            proptest::option::of(text_or_number()),
            proptest::option::of(any::<u8>().prop_map(Number::from)),
            proptest::option::of(prefixes()),
            proptest::option::of(word()),
        );
        let tail = (
            extra_map(COMPONENT_FIELDS),
            proptest::option::of(extra_map(&[])),
        );
        (head, middle, tail).prop_map(
            |(
                (id, component_type, reference, label, placeholder, required, variant, event_type),
                (options, validation, action, src, width, gap, prefixes, date_format),
                (extra, config),
            )| {
                Component {
                    reference,
                    label,
                    placeholder,
                    required,
                    variant,
                    event_type,
                    options,
                    validation,
                    action,
                    alt: src.clone(),
                    src,
                    height: width.clone(),
                    width,
                    gap,
                    prefixes,
                    date_format,
                    config,
                    extra,
                    ..Component::new(id, component_type)
                }
            },
        )
    }

    /// A component tree up to three levels deep.
    pub fn component() -> impl Strategy<Value = Component> {
        leaf().prop_recursive(3, 24, 4, |inner| {
            (
                leaf(),
                proptest::option::of(prop::collection::vec(inner, 0..4)),
            )
                .prop_map(|(parent, components)| Component {
                    components,
                    ..parent
                })
        })
    }

    /// Arbitrary [`FlowMeta`] values.
    pub fn flow_meta() -> impl Strategy<Value = FlowMeta> {
        (
            prop::collection::vec(component(), 0..3),
            extra_map(&["components"]),
        )
            .prop_map(|(components, extra)| FlowMeta { components, extra })
    }
}
