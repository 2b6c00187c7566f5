//! Properties over generated values: every type round-trips, and no JSON makes a parser panic.

use proptest::prelude::*;

use super::*;
use crate::flow::component::strategies as component_s;
use crate::flow::consent::strategies as consent_s;
use crate::flow::consent::{ConsentDecisions, ConsentPurposePrompt};
use crate::flow::execute::strategies as execute_s;
use crate::flow::graph::strategies as graph_s;
use crate::flow::input::strategies as input_s;
use crate::flow::strategies::json_value;
use crate::flow::v1::strategies as v1_s;

macro_rules! round_trip_properties {
    ($($name:ident: $ty:ty = $strategy:expr;)*) => {
        proptest! {
            $(
                #[test]
                fn $name(value in $strategy) {
                    let json = serde_json::to_value(&value).unwrap();
                    prop_assert_eq!(&serde_json::from_value::<$ty>(json).unwrap(), &value);
                    let text = serde_json::to_string(&value).unwrap();
                    prop_assert_eq!(serde_json::from_str::<$ty>(&text).unwrap(), value);
                }
            )*
        }
    };
}

round_trip_properties! {
    flow_type_round_trips: FlowType = execute_s::flow_type();
    flow_status_round_trips: FlowStatus = execute_s::flow_status();
    step_type_round_trips: StepType = execute_s::step_type();
    input_type_round_trips: InputType = input_s::input_type();
    action_type_round_trips: ActionType = input_s::action_type();
    validation_rule_type_round_trips: ValidationRuleType = input_s::validation_rule_type();
    flow_execute_request_round_trips: FlowExecuteRequest = execute_s::flow_execute_request();
    flow_execute_response_round_trips: FlowExecuteResponse = execute_s::flow_execute_response();
    flow_data_round_trips: FlowData = execute_s::flow_data();
    input_round_trips: Input = input_s::input();
    consent_prompt_round_trips: ConsentPurposePrompt = consent_s::consent_purpose_prompt();
    consent_decisions_round_trips: ConsentDecisions = consent_s::consent_decisions();
    action_round_trips: Action = input_s::action();
    validation_rule_round_trips: ValidationRule = input_s::validation_rule();
    field_error_round_trips: FieldError = input_s::field_error();
    flow_error_response_round_trips: FlowErrorResponse = execute_s::flow_error_response();
    component_type_round_trips: ComponentType = component_s::component_type();
    component_variant_round_trips: ComponentVariant = component_s::component_variant();
    event_type_round_trips: EventType = component_s::event_type();
    text_or_number_round_trips: TextOrNumber = component_s::text_or_number();
    component_option_round_trips: ComponentOption = component_s::component_option();
    prefixes_round_trips: Prefixes = component_s::prefixes();
    component_action_round_trips: ComponentAction = component_s::component_action();
    component_round_trips: Component = component_s::component();
    flow_meta_round_trips: FlowMeta = component_s::flow_meta();
    node_type_round_trips: NodeType = graph_s::node_type();
    node_variant_round_trips: NodeVariant = graph_s::node_variant();
    interceptor_definition_round_trips: InterceptorDefinition = graph_s::interceptor_definition();
    action_definition_round_trips: ActionDefinition = graph_s::action_definition();
    prompt_definition_round_trips: PromptDefinition = graph_s::prompt_definition();
    executor_definition_round_trips: ExecutorDefinition = graph_s::executor_definition();
    condition_definition_round_trips: ConditionDefinition = graph_s::condition_definition();
    node_definition_round_trips: NodeDefinition = graph_s::node_definition();
    flow_definition_round_trips: FlowDefinition = graph_s::flow_definition();
    v1_flow_status_round_trips: V1FlowStatus = v1_s::v1_flow_status();
    v1_step_type_round_trips: V1StepType = v1_s::v1_step_type();
    prompt_type_round_trips: PromptType = v1_s::prompt_type();
    param_type_round_trips: ParamType = v1_s::param_type();
    v1_message_round_trips: V1Message = v1_s::v1_message();
    link_round_trips: Link = v1_s::link();
    authenticator_param_round_trips: AuthenticatorParam = v1_s::authenticator_param();
    authenticator_round_trips: Authenticator = v1_s::authenticator();
    next_step_round_trips: NextStep = v1_s::next_step();
    v1_flow_initiate_response_round_trips: V1FlowInitiateResponse = v1_s::v1_flow_initiate_response();
    authn_request_round_trips: AuthnRequest = v1_s::authn_request();
    auth_data_round_trips: AuthData = v1_s::auth_data();
    authn_response_round_trips: AuthnResponse = v1_s::authn_response();
}

/// Field names of the flow types, so random objects hit real fields with wrong shapes.
const KEYS: &[&str] = &[
    "applicationId",
    "flowType",
    "flowId",
    "executionId",
    "challengeToken",
    "action",
    "inputs",
    "verbose",
    "flowStatus",
    "type",
    "data",
    "assertion",
    "errorAssertion",
    "error",
    "code",
    "message",
    "description",
    "key",
    "defaultValue",
    "params",
    "redirectURL",
    "actions",
    "meta",
    "additionalData",
    "fieldErrors",
    "ref",
    "identifier",
    "required",
    "options",
    "validation",
    "oneTimeUse",
    "nextNode",
    "value",
    "components",
    "id",
    "label",
    "variant",
    "eventType",
    "width",
    "prefixes",
    "label",
    "value",
    "maxLength",
    "config",
    "handle",
    "name",
    "nodes",
    "interceptors",
    "mode",
    "scope",
    "applyTo",
    "properties",
    "prompts",
    "executor",
    "onSuccess",
    "condition",
    "onSkip",
    "flow",
    "layout",
    "nextStep",
    "stepType",
    "authenticators",
    "messages",
    "links",
    "authenticatorId",
    "authenticator",
    "idp",
    "metadata",
    "i18nKey",
    "promptType",
    "param",
    "order",
    "confidential",
    "requiredParams",
    "selectedAuthenticator",
    "authData",
    "state",
    "session_state",
    "href",
    "method",
    "INCOMPLETE",
    "COMPLETE",
    "PROMPT",
    "TEXT",
];

/// Replaces the `n`-th node (pre-order, modulo the node count) of `value` with `with`.
fn replace_nth(value: &mut Value, n: usize, with: Value) {
    fn count(v: &Value) -> usize {
        1 + match v {
            Value::Array(items) => items.iter().map(count).sum(),
            Value::Object(map) => map.values().map(count).sum(),
            _ => 0,
        }
    }
    fn walk(v: &mut Value, n: &mut usize, with: &mut Option<Value>) {
        if *n == 0 {
            if let Some(w) = with.take() {
                *v = w;
            }
            return;
        }
        *n -= 1;
        let children: Vec<&mut Value> = match v {
            Value::Array(items) => items.iter_mut().collect(),
            Value::Object(map) => map.values_mut().collect(),
            _ => Vec::new(),
        };
        for child in children {
            walk(child, n, with);
        }
    }
    let mut n = n % count(value);
    walk(value, &mut n, &mut Some(with));
}

macro_rules! never_panics {
    ($($name:ident: $ty:ty = $strategy:expr;)*) => {
        proptest! {
            $(
                #[test]
                fn $name(random in json_value(KEYS), valid in $strategy, at in any::<usize>()) {
                    // Entirely random JSON, and a valid body with one random subtree swapped in.
                    let _ = serde_json::from_value::<$ty>(random.clone());
                    let mut mutated = serde_json::to_value(&valid).unwrap();
                    replace_nth(&mut mutated, at, random);
                    let _ = serde_json::from_str::<$ty>(&mutated.to_string());
                }
            )*
        }
    };
}

never_panics! {
    random_json_never_panics_flow_execute_request: FlowExecuteRequest = execute_s::flow_execute_request();
    random_json_never_panics_flow_execute_response: FlowExecuteResponse = execute_s::flow_execute_response();
    random_json_never_panics_flow_error_response: FlowErrorResponse = execute_s::flow_error_response();
    random_json_never_panics_flow_meta: FlowMeta = component_s::flow_meta();
    random_json_never_panics_flow_definition: FlowDefinition = graph_s::flow_definition();
    random_json_never_panics_v1_flow_initiate_response: V1FlowInitiateResponse = v1_s::v1_flow_initiate_response();
    random_json_never_panics_authn_request: AuthnRequest = v1_s::authn_request();
    random_json_never_panics_authn_response: AuthnResponse = v1_s::authn_response();
}
