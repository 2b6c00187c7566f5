//! Wire tests for the flow area: examples from the reference notes and seeds (each round-trips
//! exactly and is snapshotted), enum wire strings, and properties over generated values.
//!
//! Sources of the examples: `thunderid-server-contract.md` §1.5, §1.7, §1.9, §2.3, §2.4 (read from
//! `thunder-id/thunderid` 4e69e01 and its `bootstrap/01-default-resources.yaml`), the OpenAPI
//! `flow-execution.yaml` examples (without the never-emitted `stepId`), `sdk-http-calls.md` §3–§4 and
//! seed 002 (V1).

use std::collections::BTreeMap;
use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::*;
use crate::error::ApiErrorCode;
use crate::secret::ChallengeToken;

mod properties;
mod wire_strings;

const TOKEN_1: &str = "a3f2e1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2";
const TOKEN_2: &str = "b4f3e2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3";
const EXECUTION_ID: &str = "0198c0a4-6f3e-7c21-9d5e-3f1a2b4c5d6e";
const JWT: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl";

/// Parses `wire`, checks that it serializes back to exactly `wire` (also through text), returns it.
#[track_caller]
fn round_trip<T>(wire: Value) -> T
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let parsed: T = serde_json::from_value(wire.clone())
        .unwrap_or_else(|e| panic!("does not parse: {e}\n{wire:#}"));
    let again = serde_json::to_value(&parsed).unwrap();
    assert_eq!(
        again, wire,
        "re-serialized JSON differs:\n  got: {again:#}\n want: {wire:#}"
    );
    let from_text: T = serde_json::from_str(&wire.to_string()).unwrap();
    assert_eq!(from_text, parsed);
    parsed
}

fn transcript_inputs_and_actions() -> Value {
    json!({"inputs":[{"ref":"input_001","identifier":"username","type":"TEXT_INPUT","required":true},
                     {"ref":"input_002","identifier":"password","type":"PASSWORD_INPUT","required":true}],
           "actions":[{"ref":"action_001","nextNode":"credentials_auth"},
                      {"ref":"action_forgot_password","nextNode":"call_recovery"},
                      {"ref":"action_signup","nextNode":"call_registration"}]})
}

fn error_json(code: &str, key: &str, message: &str, description: &str) -> Value {
    json!({"code":code,"message":{"key":key,"defaultValue":message},
           "description":{"key":format!("{key}_description"),"defaultValue":description}})
}

// ---- V2 requests (contract §1.1, §1.9; sdk-http-calls §4.1) ----

#[test]
fn sdk_start_request_with_requested_permissions() {
    let wire = json!({"applicationId":"550e8400-e29b-41d4-a716-446655440000","flowType":"AUTHENTICATION",
                      "verbose":true,"inputs":{"requested_permissions":"openid profile"}});
    let request: FlowExecuteRequest = round_trip(wire);
    let built = FlowExecuteRequest::start(
        "550e8400-e29b-41d4-a716-446655440000",
        FlowType::Authentication,
    )
    .with_verbose(true)
    .with_inputs(BTreeMap::from([(
        "requested_permissions".to_owned(),
        "openid profile".to_owned(),
    )]));
    assert_eq!(request, built);
    insta::assert_json_snapshot!(request);
}

#[test]
fn transcript_step_request() {
    let wire = json!({"executionId":EXECUTION_ID,"challengeToken":TOKEN_1,"action":"action_001",
                      "inputs":{"username":"alice","password":"bad"}});
    let request: FlowExecuteRequest = round_trip(wire);
    let inputs = BTreeMap::from([
        ("username".into(), "alice".into()),
        ("password".into(), "bad".into()),
    ]);
    assert_eq!(
        request,
        FlowExecuteRequest::step(
            EXECUTION_ID,
            ChallengeToken::new(TOKEN_1),
            "action_001",
            inputs
        )
    );
    insta::assert_json_snapshot!(request);
}

#[test]
fn resume_and_admin_start_requests() {
    let resume: FlowExecuteRequest = round_trip(json!({"executionId":EXECUTION_ID,"verbose":true}));
    assert_eq!(
        resume,
        FlowExecuteRequest::resume(EXECUTION_ID).with_verbose(true)
    );
    let admin: FlowExecuteRequest =
        round_trip(json!({"flowId":"01900000-0000-7000-8000-000000000077"}));
    assert_eq!(
        admin,
        FlowExecuteRequest::start_by_flow_id("01900000-0000-7000-8000-000000000077")
    );
}

#[test]
fn express_sign_in_flow_type_is_kept_not_aliased() {
    // The Express SDK starts with `SIGN_IN`; the server answers FES-1005, so it must stay distinct.
    let wire = json!({"applicationId":"app","flowType":"SIGN_IN"});
    let request: FlowExecuteRequest = round_trip(wire);
    assert_eq!(request.flow_type, Some(FlowType::Other("SIGN_IN".into())));
    assert!(!FlowType::parse("SIGN_IN").is_known());
}

#[test]
fn request_ignores_unknown_fields_and_debug_hides_input_values() {
    let request: FlowExecuteRequest = serde_json::from_value(
        json!({"executionId":"e","inputs":{"password":"hunter2"},"scopes":["openid"]}),
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"executionId":"e","inputs":{"password":"hunter2"}})
    );
    // Input values and the challenge token never reach `Debug`; input keys do.
    assert_eq!(
        format!("{:?}", request.with_verbose(true)),
        "FlowExecuteRequest { application_id: None, flow_type: None, flow_id: None, \
         execution_id: Some(ExecutionId(\"e\")), challenge_token: None, action: None, \
         inputs: Some([\"password\"]), verbose: Some(true) }"
    );
    let step = FlowExecuteRequest::step("e", ChallengeToken::new(TOKEN_1), "a", BTreeMap::new());
    assert_eq!(
        format!("{:?}", step.challenge_token),
        "Some(ChallengeToken([redacted]))"
    );
}

// ---- V2 responses ----

#[test]
fn transcript_first_step_response() {
    let wire = json!({"executionId":EXECUTION_ID,"flowStatus":"INCOMPLETE","type":"VIEW","challengeToken":TOKEN_1,
                      "data":transcript_inputs_and_actions()});
    let response: FlowExecuteResponse = round_trip(wire);
    assert_eq!(response.data.inputs[1].input_type, InputType::Password);
    assert_eq!(
        response.data.actions[0],
        Action::new("action_001", "credentials_auth")
    );
    insta::assert_json_snapshot!(response);
}

#[test]
fn transcript_wrong_password_reprompt_carries_error() {
    let wire = json!({"executionId":EXECUTION_ID,"flowStatus":"INCOMPLETE","type":"VIEW","challengeToken":TOKEN_2,
        "data":transcript_inputs_and_actions(),
        "error":{"code":"FET-1005",
                 "message":{"key":"flows.executor.errors.invalid_credentials","defaultValue":"Invalid credentials provided"},
                 "description":{"key":"flows.executor.errors.invalid_credentials_desc","defaultValue":"The credentials provided are invalid"}}});
    let response: FlowExecuteResponse = round_trip(wire);
    let error = response.error.as_ref().unwrap();
    assert_eq!(*error, ApiErrorCode::ExecutorInvalidCredentials.to_error());
    insta::assert_json_snapshot!(response);
}

#[test]
fn transcript_complete_response_writes_empty_data() {
    let wire =
        json!({"executionId":EXECUTION_ID,"flowStatus":"COMPLETE","data":{},"assertion":JWT});
    let response: FlowExecuteResponse = round_trip(wire);
    assert_eq!(
        response,
        FlowExecuteResponse::complete(
            EXECUTION_ID.into(),
            Some(crate::secret::Assertion::new(JWT))
        )
    );
    insta::assert_json_snapshot!(response);
}

#[test]
fn complete_without_assertion_and_stray_step_id() {
    // Recovery, sign-out and registration complete without an assertion. `stepId` (in the OpenAPI
    // examples, never sent by the server) is ignored on input and never written.
    let response: FlowExecuteResponse =
        serde_json::from_value(json!({"executionId":"e","flowStatus":"COMPLETE","stepId":"s"}))
            .unwrap();
    assert_eq!(
        serde_json::to_value(&response).unwrap(),
        json!({"executionId":"e","flowStatus":"COMPLETE","data":{}})
    );
}

#[test]
fn verbose_credentials_prompt_with_components() {
    // BOOT `prompt_credentials` meta, as sent on the first verbose step (nothing is trimmed yet).
    let wire = json!({"executionId":EXECUTION_ID,"flowStatus":"INCOMPLETE","type":"VIEW","challengeToken":TOKEN_1,
      "data":{"inputs":transcript_inputs_and_actions()["inputs"],"actions":transcript_inputs_and_actions()["actions"],
      "meta":{"components":[
        {"alt":"{{ t(signin:images.app_logo.alt) }}","category":"DISPLAY","height":"60","id":"image","resourceType":"ELEMENT",
         "src":"{{ meta(application.logoUrl) }}","type":"IMAGE","width":""},
        {"align":"center","type":"TEXT","id":"text_001","label":"{{ t(signin:forms.credentials.title) }}","variant":"HEADING_1"},
        {"type":"BLOCK","id":"block_001","components":[
          {"id":"input_001","ref":"username","type":"TEXT_INPUT","label":"{{ t(signin:forms.credentials.fields.username.label) }}",
           "required":true,"placeholder":"{{ t(signin:forms.credentials.fields.username.placeholder) }}"},
          {"id":"input_002","ref":"password","type":"PASSWORD_INPUT","label":"{{ t(signin:forms.credentials.fields.password.label) }}",
           "required":true,"placeholder":"{{ t(signin:forms.credentials.fields.password.placeholder) }}"},
          {"category":"DISPLAY","id":"rich_text_forgot_password","action":{"ref":"action_forgot_password"},
           "label":"<p><a href=\"#\" data-action-ref=\"action_forgot_password\">{{ t(signin:forms.credentials.links.forgot_password.label) }}</a></p>",
           "resourceType":"ELEMENT","type":"RICH_TEXT"},
          {"type":"ACTION","id":"action_001","label":"{{ t(signin:forms.credentials.actions.submit.label) }}",
           "variant":"PRIMARY","eventType":"SUBMIT"}]},
        {"category":"DISPLAY","id":"rich_text_signup","action":{"ref":"action_signup"},
         "label":"<p><a href=\"#\" data-action-ref=\"action_signup\">{{ t(signin:forms.credentials.links.sign_up.label) }}</a></p>",
         "resourceType":"ELEMENT","type":"RICH_TEXT"}]}}});
    let response: FlowExecuteResponse = round_trip(wire);
    let meta = response.data.meta.as_ref().unwrap();
    let block = &meta.components[2];
    assert_eq!(block.component_type, ComponentType::Block);
    assert_eq!(block.children()[0].reference.as_deref(), Some("username"));
    assert_eq!(
        meta.components[0].extra.get("category"),
        Some(&json!("DISPLAY"))
    );
    assert_eq!(
        meta.components[0].width,
        Some(TextOrNumber::Text(String::new()))
    );
    let ids: Vec<&str> = meta
        .components
        .iter()
        .flat_map(Component::walk)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(ids.len(), 8);
    insta::assert_json_snapshot!(response);
}

#[test]
fn google_redirection_step() {
    // `oauth_executor.go`: built-in input `code` of type "string", `additionalData.idpName`.
    let wire = json!({"executionId":EXECUTION_ID,"flowStatus":"INCOMPLETE","type":"REDIRECTION","challengeToken":TOKEN_1,
      "data":{"inputs":[{"identifier":"code","type":"string","required":true}],
              "redirectURL":"https://accounts.google.com/o/oauth2/v2/auth?client_id=c&redirect_uri=https%3A%2F%2Flocalhost%3A3000&response_type=code&scope=openid+email+profile&state=s1",
              "additionalData":{"idpName":"Google"}}});
    let response: FlowExecuteResponse = round_trip(wire);
    assert_eq!(response.step_type, Some(StepType::Redirection));
    assert_eq!(response.data.inputs[0].input_type, InputType::GenericString);
    assert_eq!(
        response.data.additional_data[additional_data::IDP_NAME],
        "Google"
    );
    insta::assert_json_snapshot!(response);
}

#[test]
fn validation_failure_with_field_errors() {
    // OpenAPI `validationFailedFlow`, without `stepId`.
    let wire = json!({"executionId":EXECUTION_ID,"flowStatus":"INCOMPLETE","type":"VIEW","challengeToken":TOKEN_2,
      "data":{"inputs":[
          {"ref":"input_username","identifier":"username","type":"TEXT_INPUT","required":true,
           "validation":[{"type":"regex","value":"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$","message":"{{i18n(validation:email.invalid)}}"}]},
          {"ref":"input_password","identifier":"password","type":"PASSWORD_INPUT","required":true,
           "validation":[{"type":"minLength","value":8,"message":"{{i18n(validation:password.minLength.invalid)}}"},
                         {"type":"maxLength","value":128}]}],
        "actions":[{"ref":"action_submit","nextNode":"node_bs12"}],
        "fieldErrors":[{"identifier":"username","message":"{{i18n(validation:email.invalid)}}"},
                       {"identifier":"password","message":"validation.minLength.invalid"}]}});
    let response: FlowExecuteResponse = round_trip(wire);
    assert_eq!(
        response.data.inputs[1].validation[0].rule_type,
        ValidationRuleType::MinLength
    );
    assert_eq!(response.data.inputs[1].validation[0].value, json!(8));
    insta::assert_json_snapshot!(response);
}

#[test]
fn recovery_display_only_prompt_completes_with_meta_and_message() {
    // Contract §1.4/§2.4: reaching END from a display-only prompt keeps its meta and message.
    let wire = json!({"executionId":EXECUTION_ID,"flowStatus":"COMPLETE","data":{
        "meta":{"components":[{"id":"text_done","type":"TEXT","variant":"HEADING_1","align":"center",
                               "label":"{{ t(recovery:forms.complete.title) }}"}]},
        "additionalData":{"message":"Password Reset Successful"}}});
    let response: FlowExecuteResponse = round_trip(wire);
    assert!(response.assertion.is_none());
    insta::assert_json_snapshot!(response);
}

#[test]
fn stale_challenge_token_is_an_in_band_error() {
    // Contract §1.5: HTTP 200, no new token, no step type, `data` still written.
    let wire = json!({"executionId":EXECUTION_ID,"flowStatus":"ERROR","data":{},
        "error":error_json("ICS-1002","error.interceptor.challenge_token_invalid","Invalid challenge token","The challenge token is missing or invalid")});
    let response: FlowExecuteResponse = round_trip(wire);
    assert_eq!(
        response,
        FlowExecuteResponse::error(
            EXECUTION_ID.into(),
            ApiErrorCode::InterceptorChallengeTokenInvalid.to_error()
        )
    );
    insta::assert_json_snapshot!(response);
}

#[test]
fn http_error_body_with_error_assertion() {
    // `flowexec/handler.go` flowErrorResponse: envelope A flattened, plus `errorAssertion`.
    let mut wire = error_json(
        "FES-1004",
        "error.flowexecservice.invalid_execution_id",
        "Invalid request",
        "Invalid flow execution ID provided in the request",
    );
    wire["errorAssertion"] = json!(JWT);
    let body: FlowErrorResponse = round_trip(wire);
    assert_eq!(body.error, ApiErrorCode::FlowInvalidExecutionId.to_error());
    insta::assert_json_snapshot!(body);
    let plain: FlowErrorResponse =
        round_trip(serde_json::to_value(ApiErrorCode::FlowInvalidFlowType.to_error()).unwrap());
    assert_eq!(
        plain,
        FlowErrorResponse::new(ApiErrorCode::FlowInvalidFlowType.to_error())
    );
}

#[test]
fn closed_flow_status_rejects_unknown_values() {
    let bad = serde_json::from_value::<FlowExecuteResponse>(
        json!({"executionId":"e","flowStatus":"SUCCESS","data":{}}),
    );
    assert_eq!(
        bad.unwrap_err().to_string(),
        "unknown variant `SUCCESS`, expected one of `INCOMPLETE`, `COMPLETE`, `ERROR`"
    );
}

#[test]
fn input_required_is_always_written_and_options_are_strings() {
    let input = Input {
        options: vec!["Person".into(), "Employee".into()],
        required: false,
        ..Input::new("userType", InputType::Select)
    };
    assert_eq!(
        serde_json::to_value(&input).unwrap(),
        json!({"identifier":"userType","type":"SELECT","required":false,"options":["Person","Employee"]})
    );
    let once = Input {
        one_time_use: true,
        ..Input::new("inviteToken", InputType::Hidden).with_ref("input_003")
    };
    assert_eq!(
        serde_json::to_value(&once).unwrap(),
        json!({"ref":"input_003","identifier":"inviteToken","type":"HIDDEN","required":true,"oneTimeUse":true})
    );
}

// ---- Flow graphs (contract §2.2–§2.4) ----

#[test]
fn default_authentication_flow_graph() {
    // Contract §2.3 (BOOT lines 102–265, meta and layout stripped).
    let wire = json!({"id":"01900000-0000-7000-8000-000000000061","handle":"default-flow","name":"Default Authentication Flow",
     "flowType":"AUTHENTICATION","nodes":[
      {"id":"start","type":"START","onSuccess":"prompt_credentials"},
      {"id":"prompt_credentials","type":"PROMPT","prompts":[
         {"inputs":[{"ref":"input_001","identifier":"username","type":"TEXT_INPUT","required":true},
                    {"ref":"input_002","identifier":"password","type":"PASSWORD_INPUT","required":true}],
          "action":{"ref":"action_001","nextNode":"credentials_auth"}},
         {"action":{"ref":"action_forgot_password","nextNode":"call_recovery"}},
         {"action":{"ref":"action_signup","nextNode":"call_registration"}}]},
      {"id":"credentials_auth","type":"TASK_EXECUTION","executor":{"name":"CredentialsAuthExecutor"},
       "onSuccess":"authorization_check","onIncomplete":"prompt_credentials"},
      {"id":"authorization_check","type":"TASK_EXECUTION","executor":{"name":"AuthorizationExecutor"},"onSuccess":"auth_assert"},
      {"id":"auth_assert","type":"TASK_EXECUTION","executor":{"name":"AuthAssertExecutor"},"onSuccess":"end"},
      {"id":"call_recovery","type":"CALL","flow":{"ref":"01900000-0000-7000-8000-000000000067"},"onSuccess":"end"},
      {"id":"call_registration","type":"CALL","flow":{"ref":"01900000-0000-7000-8000-000000000064"},"onSuccess":"authorization_check"},
      {"id":"end","type":"END"}]});
    let graph: FlowDefinition = round_trip(wire);
    assert_eq!(graph.start_node().map(|n| n.id.as_str()), Some("start"));
    assert_eq!(
        graph
            .node("call_recovery")
            .and_then(|n| n.flow.as_ref())
            .map(|f| f.reference.as_str()),
        Some("01900000-0000-7000-8000-000000000067")
    );
    insta::assert_json_snapshot!(graph);
}

#[test]
fn graph_node_catalogue() {
    // One node of each remaining shape, from the bundled sign-out and recovery flows, the SMS OTP
    // template and the ACR-options integration test (`acr_options_flow_test.go`).
    let wire = json!({"id":"01900000-0000-7000-8000-0000000000f1","handle":"node-catalogue","name":"Node catalogue",
     "flowType":"AUTHENTICATION","activeVersion":2,"isReadOnly":false,
     "interceptors":[{"name":"CaptchaInterceptor","mode":"PRE_NODE","scope":"SELECTED","applyTo":["prompt_mobile"]}],
     "nodes":[
      {"id":"acr_chooser","type":"PROMPT","variant":"LOGIN_OPTIONS",
       "properties":{"authMethodMapping":{"urn:thunder:acr:password":"pwd_action","urn:thunder:acr:generated-code":"code_action"}},
       "prompts":[{"action":{"ref":"pwd_action","nextNode":"prompt_pwd"}},{"action":{"ref":"code_action","nextNode":"prompt_mobile"}}],
       "layout":{"size":{"width":350,"height":834},"position":{"x":562,"y":312}}},
      {"id":"generate_otp","type":"TASK_EXECUTION","executor":{"name":"OTPExecutor","mode":"generate",
       "inputs":[{"ref":"input_mobile","identifier":"mobile_number","type":"PHONE_INPUT","required":true}]},
       "condition":{"key":"userAmbiguous","value":"false","onSkip":"prompt_mobile"},"onSuccess":"sms_send","onFailure":"prompt_mobile"},
      {"id":"email_sent_status","type":"PROMPT","next":"verify_recovery_token","message":"Check Your Email"},
      {"id":"session_signout","type":"TASK_EXECUTION","executor":{"name":"SessionSignOutExecutor"},
       "properties":{"promptOnSignOut":false},"onSuccess":"end","onIncomplete":"prompt_confirm"},
      {"id":"prompt_confirm","type":"PROMPT",
       "prompts":[{"action":{"ref":"action_confirm","type":"CONFIRM","nextNode":"session_signout"}}],
       "meta":{"components":[{"id":"action_confirm","type":"ACTION","variant":"PRIMARY","eventType":"SUBMIT","actionType":"CONFIRM"}]}},
      {"id":"end","type":"END"}]});
    let graph: FlowDefinition = round_trip(wire);
    assert_eq!(graph.interceptors[0].mode, InterceptorMode::PreNode);
    assert_eq!(graph.nodes[0].variant, Some(NodeVariant::LoginOptions));
    assert_eq!(
        graph.nodes[4].prompts[0]
            .action
            .as_ref()
            .unwrap()
            .action_type,
        Some(ActionType::Confirm)
    );
    insta::assert_json_snapshot!(graph);
}

#[test]
fn graph_meta_as_json_string_is_decoded() {
    // The server's YAML marshaller writes `meta` as a JSON string (BOOT sign-out `prompt_confirm`).
    let node: NodeDefinition = serde_json::from_value(json!({"id":"p","type":"PROMPT",
        "meta":"{\"components\":[{\"id\":\"text_signout_title\",\"type\":\"TEXT\",\"variant\":\"HEADING_1\"}]}",
        "inputs":[{"identifier":"ignored","type":"HIDDEN","required":true}]})).unwrap();
    assert_eq!(
        serde_json::to_value(&node).unwrap(),
        json!({"id":"p","type":"PROMPT","meta":{"components":[{"id":"text_signout_title","type":"TEXT","variant":"HEADING_1"}]}})
    );
    assert!(
        serde_json::from_value::<NodeDefinition>(
            json!({"id":"p","type":"PROMPT","meta":"{not json"})
        )
        .is_err()
    );
    assert!(serde_json::from_value::<NodeDefinition>(json!({"id":"p","type":"DECISION"})).is_err());
}

// ---- V1 (seed 002; sdk-http-calls §3) ----

fn basic_authenticator() -> Value {
    json!({"authenticatorId":"QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM","authenticator":"Username & Password","idp":"LOCAL",
           "metadata":{"i18nKey":"authenticator.basic","promptType":"USER_PROMPT","params":[
             {"param":"username","type":"STRING","order":0,"i18nKey":"username.param","displayName":"Username","confidential":false},
             {"param":"password","type":"STRING","order":1,"i18nKey":"password.param","displayName":"Password","confidential":true}]},
           "requiredParams":["username","password"]})
}

fn authn_link() -> Value {
    json!([{"name":"authentication","href":"https://localhost:8090/oauth2/authn","method":"POST"}])
}

#[test]
fn v1_initiate_response_multi_options() {
    let wire = json!({"flowId":"a4e0c5b2-7f1d-4c3e-9b8a-1d2e3f4a5b6c","flowStatus":"INCOMPLETE","flowType":"AUTHENTICATION",
      "nextStep":{"stepType":"MULTI_OPTIONS_PROMPT","authenticators":[basic_authenticator(),
        {"authenticatorId":"R29vZ2xlT0lEQ0F1dGhlbnRpY2F0b3I6R29vZ2xl","authenticator":"Google","idp":"Google",
         "metadata":{"i18nKey":"authenticator.google","promptType":"REDIRECTION_PROMPT",
                     "additionalData":{"redirectUrl":"https://accounts.google.com/o/oauth2/auth?state=s"}},
         "requiredParams":["code","state"]}]},
      "links":authn_link()});
    let response: V1FlowInitiateResponse = round_trip(wire);
    let google = &response.next_step.authenticators[1];
    assert_eq!(
        google.authenticator_id,
        authenticator_id("GoogleOIDCAuthenticator", "Google")
    );
    assert_eq!(google.metadata.prompt_type, PromptType::RedirectionPrompt);
    insta::assert_json_snapshot!(response);
}

#[test]
fn v1_authn_request_from_seed() {
    let wire = json!({"flowId":"a4e0c5b2-7f1d-4c3e-9b8a-1d2e3f4a5b6c","selectedAuthenticator":{
        "authenticatorId":"QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM","params":{"username":"user@example.com","password":"password123"}}});
    let request: AuthnRequest = round_trip(wire);
    assert_eq!(
        format!("{request:?}"),
        "AuthnRequest { flow_id: FlowId(\"a4e0c5b2-7f1d-4c3e-9b8a-1d2e3f4a5b6c\"), \
         selected_authenticator: SelectedAuthenticator { \
         authenticator_id: \"QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM\", params: [\"password\", \"username\"] } }"
    );
    insta::assert_json_snapshot!(request);
}

#[test]
fn v1_authn_fail_incomplete_repeats_the_step() {
    let wire = json!({"flowId":"a4e0c5b2-7f1d-4c3e-9b8a-1d2e3f4a5b6c","flowStatus":"FAIL_INCOMPLETE","flowType":"AUTHENTICATION",
      "nextStep":{"stepType":"AUTHENTICATOR_PROMPT","authenticators":[basic_authenticator()],
                  "messages":[{"type":"ERROR","message":"Login failed! Please check your username and password and try again."}]},
      "links":authn_link()});
    let response: AuthnResponse = round_trip(wire);
    assert_eq!(
        response.next_step.as_ref().unwrap().messages[0].message_type,
        V1MessageType::Error
    );
    insta::assert_json_snapshot!(response);
}

#[test]
fn v1_authn_success_carries_auth_data() {
    let wire = json!({"flowStatus":"SUCCESS_COMPLETED","authData":{"code":"9b2c7f4e-1a3d-4e5f-8a6b-0c1d2e3f4a5b",
                      "state":"instance_0_request_0","session_state":"5f1c2d3e4a5b6c7d8e9f.0a1b2c3d"}});
    let response: AuthnResponse = round_trip(wire);
    assert_eq!(
        response.auth_data.as_ref().unwrap().state.as_deref(),
        Some("instance_0_request_0")
    );
    assert_eq!(
        format!("{:?}", response.auth_data.as_ref().unwrap()),
        "AuthData { code: \"[redacted]\", state: Some(\"instance_0_request_0\"), \
         session_state: Some(\"5f1c2d3e4a5b6c7d8e9f.0a1b2c3d\") }"
    );
    insta::assert_json_snapshot!(response);
}
