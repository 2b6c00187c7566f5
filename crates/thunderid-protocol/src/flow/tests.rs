//! Wire tests for the flow area: examples from the reference notes and seeds (each round-trips
//! exactly and is snapshotted), enum wire strings, and properties over generated values.
//!
//! Sources of the examples: `thunderid-server-contract.md` §1.5, §1.7, §1.9, §2.3, §2.4 (read from
//! `thunder-id/thunderid` 4e69e01 and its `bootstrap/01-default-resources.yaml`), the OpenAPI
//! `flow-execution.yaml` examples (without the never-emitted `stepId`), `sdk-http-calls.md` §3–§4 and
//! seed 002 (V1).

use std::collections::BTreeMap;
use std::fmt::{Debug, Display};

use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::component::strategies as component_s;
use super::execute::strategies as execute_s;
use super::graph::strategies as graph_s;
use super::strategies::json_value;
use super::v1::strategies as v1_s;
use super::*;
use crate::error::ApiErrorCode;
use crate::secret::ChallengeToken;

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
    let parsed: T = serde_json::from_value(wire.clone()).unwrap_or_else(|e| panic!("does not parse: {e}\n{wire:#}"));
    let again = serde_json::to_value(&parsed).unwrap();
    assert_eq!(again, wire, "re-serialized JSON differs:\n  got: {again:#}\n want: {wire:#}");
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
    let built = FlowExecuteRequest::start("550e8400-e29b-41d4-a716-446655440000", FlowType::Authentication)
        .with_verbose(true)
        .with_inputs(BTreeMap::from([("requested_permissions".to_owned(), "openid profile".to_owned())]));
    assert_eq!(request, built);
    insta::assert_json_snapshot!(request);
}

#[test]
fn transcript_step_request() {
    let wire = json!({"executionId":EXECUTION_ID,"challengeToken":TOKEN_1,"action":"action_001",
                      "inputs":{"username":"alice","password":"bad"}});
    let request: FlowExecuteRequest = round_trip(wire);
    let inputs = BTreeMap::from([("username".into(), "alice".into()), ("password".into(), "bad".into())]);
    assert_eq!(request, FlowExecuteRequest::step(EXECUTION_ID, ChallengeToken::new(TOKEN_1), "action_001", inputs));
    insta::assert_json_snapshot!(request);
}

#[test]
fn resume_and_admin_start_requests() {
    let resume: FlowExecuteRequest = round_trip(json!({"executionId":EXECUTION_ID,"verbose":true}));
    assert_eq!(resume, FlowExecuteRequest::resume(EXECUTION_ID).with_verbose(true));
    let admin: FlowExecuteRequest = round_trip(json!({"flowId":"01900000-0000-7000-8000-000000000077"}));
    assert_eq!(admin, FlowExecuteRequest::start_by_flow_id("01900000-0000-7000-8000-000000000077"));
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
    let request: FlowExecuteRequest =
        serde_json::from_value(json!({"executionId":"e","inputs":{"password":"hunter2"},"scopes":["openid"]})).unwrap();
    assert_eq!(serde_json::to_value(&request).unwrap(), json!({"executionId":"e","inputs":{"password":"hunter2"}}));
    let debug = format!("{:?}", request.clone().with_verbose(true));
    assert!(!debug.contains("hunter2"), "{debug}");
    let token = format!("{:?}", FlowExecuteRequest::step("e", ChallengeToken::new(TOKEN_1), "a", BTreeMap::new()));
    assert!(!token.contains(TOKEN_1), "{token}");
}

// ---- V2 responses ----

#[test]
fn transcript_first_step_response() {
    let wire = json!({"executionId":EXECUTION_ID,"flowStatus":"INCOMPLETE","type":"VIEW","challengeToken":TOKEN_1,
                      "data":transcript_inputs_and_actions()});
    let response: FlowExecuteResponse = round_trip(wire);
    assert_eq!(response.data.inputs[1].input_type, InputType::Password);
    assert_eq!(response.data.actions[0], Action::new("action_001", "credentials_auth"));
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
    let wire = json!({"executionId":EXECUTION_ID,"flowStatus":"COMPLETE","data":{},"assertion":JWT});
    let response: FlowExecuteResponse = round_trip(wire);
    assert_eq!(response, FlowExecuteResponse::complete(EXECUTION_ID.into(), Some(crate::secret::Assertion::new(JWT))));
    insta::assert_json_snapshot!(response);
}

#[test]
fn complete_without_assertion_and_stray_step_id() {
    // Recovery, sign-out and registration complete without an assertion. `stepId` (in the OpenAPI
    // examples, never sent by the server) is ignored on input and never written.
    let response: FlowExecuteResponse =
        serde_json::from_value(json!({"executionId":"e","flowStatus":"COMPLETE","stepId":"s"})).unwrap();
    assert_eq!(serde_json::to_value(&response).unwrap(), json!({"executionId":"e","flowStatus":"COMPLETE","data":{}}));
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
    assert_eq!(meta.components[0].extra.get("category"), Some(&json!("DISPLAY")));
    assert_eq!(meta.components[0].width, Some(TextOrNumber::Text(String::new())));
    let ids: Vec<&str> = meta.components.iter().flat_map(Component::walk).map(|c| c.id.as_str()).collect();
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
    assert_eq!(response.data.additional_data[additional_data::IDP_NAME], "Google");
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
    assert_eq!(response.data.inputs[1].validation[0].rule_type, ValidationRuleType::MinLength);
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
    assert_eq!(response, FlowExecuteResponse::error(EXECUTION_ID.into(), ApiErrorCode::InterceptorChallengeTokenInvalid.to_error()));
    insta::assert_json_snapshot!(response);
}

#[test]
fn http_error_body_with_error_assertion() {
    // `flowexec/handler.go` flowErrorResponse: envelope A flattened, plus `errorAssertion`.
    let mut wire = error_json("FES-1004","error.flowexecservice.invalid_execution_id","Invalid request",
                              "Invalid flow execution ID provided in the request");
    wire["errorAssertion"] = json!(JWT);
    let body: FlowErrorResponse = round_trip(wire);
    assert_eq!(body.error, ApiErrorCode::FlowInvalidExecutionId.to_error());
    insta::assert_json_snapshot!(body);
    let plain: FlowErrorResponse = round_trip(serde_json::to_value(ApiErrorCode::FlowInvalidFlowType.to_error()).unwrap());
    assert_eq!(plain, FlowErrorResponse::new(ApiErrorCode::FlowInvalidFlowType.to_error()));
}

#[test]
fn closed_flow_status_rejects_unknown_values() {
    let bad = serde_json::from_value::<FlowExecuteResponse>(json!({"executionId":"e","flowStatus":"SUCCESS","data":{}}));
    let message = bad.unwrap_err().to_string();
    assert!(message.starts_with("unknown variant `SUCCESS`"), "{message}");
}

#[test]
fn input_required_is_always_written_and_options_are_strings() {
    let input = Input { options: vec!["Person".into(), "Employee".into()], required: false, ..Input::new("userType", InputType::Select) };
    assert_eq!(serde_json::to_value(&input).unwrap(),
               json!({"identifier":"userType","type":"SELECT","required":false,"options":["Person","Employee"]}));
    let once = Input { one_time_use: true, ..Input::new("inviteToken", InputType::Hidden).with_ref("input_003") };
    assert_eq!(serde_json::to_value(&once).unwrap(),
               json!({"ref":"input_003","identifier":"inviteToken","type":"HIDDEN","required":true,"oneTimeUse":true}));
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
    assert_eq!(graph.node("call_recovery").and_then(|n| n.flow.as_ref()).map(|f| f.reference.as_str()),
               Some("01900000-0000-7000-8000-000000000067"));
    insta::assert_json_snapshot!(graph);
}

#[test]
fn graph_node_features() {
    // Shapes from the bundled sign-out, recovery and onboarding flows and the SMS OTP template.
    let wire = json!({"id":"f","handle":"h","name":"n","flowType":"SIGNOUT","activeVersion":2,"isReadOnly":true,
     "interceptors":[{"name":"CaptchaInterceptor","mode":"PRE_NODE","scope":"SELECTED","applyTo":["prompt_mobile"],
                      "properties":{"provider":"recaptcha"}}],
     "nodes":[
      {"id":"session_signout","type":"TASK_EXECUTION","executor":{"name":"SessionSignOutExecutor"},
       "properties":{"promptOnSignOut":false},"onSuccess":"end","onIncomplete":"prompt_confirm",
       "layout":{"size":{"width":217,"height":113},"position":{"x":1283,"y":470}}},
      {"id":"prompt_confirm","type":"PROMPT","variant":"LOGIN_OPTIONS",
       "prompts":[{"action":{"ref":"action_confirm","type":"CONFIRM","nextNode":"session_signout"}}],
       "meta":{"components":[{"id":"action_confirm","type":"ACTION","variant":"PRIMARY","eventType":"SUBMIT","actionType":"CONFIRM"}]}},
      {"id":"email_sent_status","type":"PROMPT","next":"verify_recovery_token","message":"Check Your Email"},
      {"id":"generate_otp","type":"TASK_EXECUTION","executor":{"name":"OTPExecutor","mode":"generate",
       "inputs":[{"ref":"input_mobile","identifier":"mobile_number","type":"PHONE_INPUT","required":true}]},
       "condition":{"key":"userAmbiguous","value":"false","onSkip":"prompt_mobile"},"onSuccess":"sms_send","onFailure":"prompt_mobile"},
      {"id":"end","type":"END"}]});
    let graph: FlowDefinition = round_trip(wire);
    assert_eq!(graph.interceptors[0].mode, InterceptorMode::PreNode);
    assert_eq!(graph.nodes[1].prompts[0].action.as_ref().unwrap().action_type, Some(ActionType::Confirm));
    insta::assert_json_snapshot!(graph);
}

#[test]
fn graph_meta_as_json_string_is_decoded() {
    // The server's YAML marshaller writes `meta` as a JSON string (BOOT sign-out `prompt_confirm`).
    let node: NodeDefinition = serde_json::from_value(json!({"id":"p","type":"PROMPT",
        "meta":"{\"components\":[{\"id\":\"text_signout_title\",\"type\":\"TEXT\",\"variant\":\"HEADING_1\"}]}",
        "inputs":[{"identifier":"ignored","type":"HIDDEN","required":true}]})).unwrap();
    assert_eq!(serde_json::to_value(&node).unwrap(),
               json!({"id":"p","type":"PROMPT","meta":{"components":[{"id":"text_signout_title","type":"TEXT","variant":"HEADING_1"}]}}));
    assert!(serde_json::from_value::<NodeDefinition>(json!({"id":"p","type":"PROMPT","meta":"{not json"})).is_err());
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
    assert_eq!(google.authenticator_id, authenticator_id("GoogleOIDCAuthenticator", "Google"));
    assert_eq!(google.metadata.prompt_type, PromptType::RedirectionPrompt);
    insta::assert_json_snapshot!(response);
}

#[test]
fn v1_authn_request_from_seed() {
    let wire = json!({"flowId":"a4e0c5b2-7f1d-4c3e-9b8a-1d2e3f4a5b6c","selectedAuthenticator":{
        "authenticatorId":"QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM","params":{"username":"user@example.com","password":"password123"}}});
    let request: AuthnRequest = round_trip(wire);
    assert!(!format!("{request:?}").contains("password123"));
    insta::assert_json_snapshot!(request);
}

#[test]
fn v1_authn_fail_incomplete_repeats_the_step() {
    let wire = json!({"flowId":"a4e0c5b2-7f1d-4c3e-9b8a-1d2e3f4a5b6c","flowStatus":"FAIL_INCOMPLETE","flowType":"AUTHENTICATION",
      "nextStep":{"stepType":"AUTHENTICATOR_PROMPT","authenticators":[basic_authenticator()],
                  "messages":[{"type":"ERROR","message":"Login failed! Please check your username and password and try again."}]},
      "links":authn_link()});
    let response: AuthnResponse = round_trip(wire);
    assert_eq!(response.next_step.as_ref().unwrap().messages[0].message_type, V1MessageType::Error);
    insta::assert_json_snapshot!(response);
}

#[test]
fn v1_authn_success_carries_auth_data() {
    let wire = json!({"flowStatus":"SUCCESS_COMPLETED","authData":{"code":"9b2c7f4e-1a3d-4e5f-8a6b-0c1d2e3f4a5b",
                      "state":"instance_0_request_0","session_state":"5f1c2d3e4a5b6c7d8e9f.0a1b2c3d"}});
    let response: AuthnResponse = round_trip(wire);
    assert_eq!(response.auth_data.as_ref().unwrap().state.as_deref(), Some("instance_0_request_0"));
    assert!(!format!("{response:?}").contains("9b2c7f4e"));
    insta::assert_json_snapshot!(response);
}

#[test]
fn authenticator_ids_match_the_sdk_constants() {
    // `ApplicationNativeAuthenticationConstants.ts`.
    let cases = [
        ("BasicAuthenticator", "LOCAL", "QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM"),
        ("IdentifierExecutor", "LOCAL", "SWRlbnRpZmllckV4ZWN1dG9yOkxPQ0FM"),
        ("email-otp-authenticator", "LOCAL", "ZW1haWwtb3RwLWF1dGhlbnRpY2F0b3I6TE9DQUw"),
        ("sms-otp-authenticator", "LOCAL", "c21zLW90cC1hdXRoZW50aWNhdG9yOkxPQ0FM"),
        ("totp", "LOCAL", "dG90cDpMT0NBTA"),
        ("FIDOAuthenticator", "LOCAL", "RklET0F1dGhlbnRpY2F0b3I6TE9DQUw"),
        ("MagicLinkAuthenticator", "LOCAL", "TWFnaWNMaW5rQXV0aGVudGljYXRvcjpMT0NBTA"),
        ("push-notification-authenticator", "LOCAL", "cHVzaC1ub3RpZmljYXRpb24tYXV0aGVudGljYXRvcjpMT0NBTA"),
        ("GoogleOIDCAuthenticator", "Google", "R29vZ2xlT0lEQ0F1dGhlbnRpY2F0b3I6R29vZ2xl"),
        ("GithubAuthenticator", "GitHub", "R2l0aHViQXV0aGVudGljYXRvcjpHaXRIdWI"),
        ("FacebookAuthenticator", "Facebook", "RmFjZWJvb2tBdXRoZW50aWNhdG9yOkZhY2Vib29r"),
        ("OpenIDConnectAuthenticator", "Microsoft", "T3BlbklEQ29ubmVjdEF1dGhlbnRpY2F0b3I6TWljcm9zb2Z0"),
        ("LinkedInOIDC", "LinkedIn", "TGlua2VkSW5PSURDOkxpbmtlZElu"),
        ("OpenIDConnectAuthenticator", "Sign In With Ethereum", "T3BlbklEQ29ubmVjdEF1dGhlbnRpY2F0b3I6U2lnbiBJbiBXaXRoIEV0aGVyZXVt"),
    ];
    for (name, idp, id) in cases {
        assert_eq!(authenticator_id(name, idp), id, "{name}:{idp}");
    }
    // RFC 4648 §10 vectors (every length modulo 3), and the URL-safe alphabet without padding.
    let vectors: [(&[u8], &str); 8] = [(b"", ""), (b"f", "Zg"), (b"fo", "Zm8"), (b"foo", "Zm9v"), (b"foob", "Zm9vYg"),
                                      (b"fooba", "Zm9vYmE"), (b"foobar", "Zm9vYmFy"), (&[0xfb, 0xff], "-_8")];
    for (input, expected) in vectors {
        assert_eq!(v1::base64url_no_pad(input), expected);
    }
}

// ---- Enum wire strings ----

#[track_caller]
fn pin<T>(all: &[T], table: &[(T, &str)])
where
    T: Serialize + DeserializeOwned + PartialEq + Debug + Display,
{
    assert_eq!(all.len(), table.len(), "table must list every variant");
    for (value, wire) in table {
        assert!(all.contains(value), "{value:?} missing from ALL");
        assert_eq!(serde_json::to_value(value).unwrap(), json!(wire));
        assert_eq!(&serde_json::from_value::<T>(json!(wire)).unwrap(), value);
        assert_eq!(value.to_string(), *wire);
    }
}

#[track_caller]
fn rejects_unknown<T: DeserializeOwned + Debug>(wire: &str) {
    assert!(serde_json::from_value::<T>(json!(wire)).is_err(), "{wire} accepted");
}

#[track_caller]
fn keeps_unknown<T: Serialize + DeserializeOwned + Display>(wire: &str) {
    let value: T = serde_json::from_value(json!(wire)).unwrap();
    assert_eq!((serde_json::to_value(&value).unwrap(), value.to_string()), (json!(wire), wire.to_owned()));
}

#[test]
fn closed_enums_pin_their_wire_strings_and_reject_others() {
    use FlowStatus as F;
    pin(F::ALL, &[(F::Incomplete, "INCOMPLETE"), (F::Complete, "COMPLETE"), (F::Error, "ERROR")]);
    pin(StepType::ALL, &[(StepType::View, "VIEW"), (StepType::Redirection, "REDIRECTION")]);
    use NodeType as N;
    pin(N::ALL, &[(N::Start, "START"), (N::End, "END"), (N::Prompt, "PROMPT"), (N::TaskExecution, "TASK_EXECUTION"), (N::Call, "CALL")]);
    use InterceptorMode as M;
    pin(M::ALL, &[(M::PreRequest, "PRE_REQUEST"), (M::PreNode, "PRE_NODE"), (M::PostNode, "POST_NODE"), (M::PostRequest, "POST_REQUEST")]);
    pin(InterceptorScope::ALL, &[(InterceptorScope::All, "ALL"), (InterceptorScope::Selected, "SELECTED")]);
    use V1FlowStatus as V;
    pin(V::ALL, &[(V::Incomplete, "INCOMPLETE"), (V::SuccessCompleted, "SUCCESS_COMPLETED"),
                  (V::FailIncomplete, "FAIL_INCOMPLETE"), (V::FailCompleted, "FAIL_COMPLETED")]);
    pin(V1StepType::ALL, &[(V1StepType::AuthenticatorPrompt, "AUTHENTICATOR_PROMPT"), (V1StepType::MultiOptionsPrompt, "MULTI_OPTIONS_PROMPT")]);
    use PromptType as P;
    pin(P::ALL, &[(P::UserPrompt, "USER_PROMPT"), (P::InternalPrompt, "INTERNAL_PROMPT"), (P::RedirectionPrompt, "REDIRECTION_PROMPT")]);

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
    pin(F::ALL, &[(F::Authentication, "AUTHENTICATION"), (F::Registration, "REGISTRATION"), (F::Recovery, "RECOVERY"),
                  (F::SignOut, "SIGNOUT"), (F::UserOnboarding, "USER_ONBOARDING"), (F::Administration, "ADMINISTRATION")]);
    use InputType as I;
    pin(I::ALL, &[(I::Text, "TEXT_INPUT"), (I::Email, "EMAIL_INPUT"), (I::Password, "PASSWORD_INPUT"), (I::Otp, "OTP_INPUT"),
                  (I::Phone, "PHONE_INPUT"), (I::Consent, "CONSENT_INPUT"), (I::Hidden, "HIDDEN"), (I::Select, "SELECT"),
                  (I::OuSelect, "OU_SELECT"), (I::Number, "NUMBER_INPUT"), (I::Date, "DATE_INPUT"), (I::Boolean, "BOOLEAN_INPUT"),
                  (I::GenericString, "string")]);
    pin(ActionType::ALL, &[(ActionType::Submit, "SUBMIT"), (ActionType::Reject, "REJECT"), (ActionType::Confirm, "CONFIRM")]);
    use ValidationRuleType as R;
    pin(R::ALL, &[(R::Regex, "regex"), (R::MinLength, "minLength"), (R::MaxLength, "maxLength")]);
    use ComponentType as C;
    pin(C::ALL, &[(C::Action, "ACTION"), (C::Block, "BLOCK"), (C::Consent, "CONSENT"), (C::CopyableText, "COPYABLE_TEXT"),
                  (C::DateInput, "DATE_INPUT"), (C::Divider, "DIVIDER"), (C::EmailInput, "EMAIL_INPUT"), (C::Icon, "ICON"),
                  (C::Image, "IMAGE"), (C::OtpInput, "OTP_INPUT"), (C::OuSelect, "OU_SELECT"), (C::PasswordInput, "PASSWORD_INPUT"),
                  (C::PhoneInput, "PHONE_INPUT"), (C::RichText, "RICH_TEXT"), (C::Select, "SELECT"), (C::Stack, "STACK"),
                  (C::Text, "TEXT"), (C::TextInput, "TEXT_INPUT"), (C::Timer, "TIMER"), (C::QrCode, "QR_CODE"),
                  (C::DynamicInputPlaceholder, "DYNAMIC_INPUT_PLACEHOLDER")]);
    use ComponentVariant as V;
    pin(V::ALL, &[(V::Primary, "PRIMARY"), (V::Secondary, "SECONDARY"), (V::Tertiary, "TERTIARY"), (V::Outlined, "OUTLINED"),
                  (V::Link, "LINK"), (V::Danger, "DANGER"), (V::Info, "INFO"), (V::Success, "SUCCESS"), (V::Warning, "WARNING"),
                  (V::Heading1, "HEADING_1"), (V::Heading2, "HEADING_2"), (V::Heading3, "HEADING_3"), (V::Heading4, "HEADING_4"),
                  (V::Heading5, "HEADING_5"), (V::Heading6, "HEADING_6"), (V::Subtitle1, "SUBTITLE_1"), (V::Subtitle2, "SUBTITLE_2"),
                  (V::Body1, "BODY_1"), (V::Body2, "BODY_2"), (V::Caption, "CAPTION"), (V::Overline, "OVERLINE"),
                  (V::ButtonText, "BUTTON_TEXT")]);
    use EventType as E;
    pin(E::ALL, &[(E::Submit, "SUBMIT"), (E::Trigger, "TRIGGER"), (E::Navigate, "NAVIGATE"), (E::Back, "BACK"),
                  (E::Cancel, "CANCEL"), (E::Reset, "RESET")]);
    pin(NodeVariant::ALL, &[(NodeVariant::LoginOptions, "LOGIN_OPTIONS")]);
    use ParamType as T;
    pin(T::ALL, &[(T::String, "STRING"), (T::Integer, "INTEGER"), (T::MultiValued, "MULTI_VALUED"), (T::OtpCode, "OTPCode")]);
    pin(V1MessageType::ALL, &[(V1MessageType::Info, "INFO"), (V1MessageType::Error, "ERROR")]);

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
    assert_eq!("USER_ONBOARDING".parse::<FlowType>(), Ok(FlowType::UserOnboarding));
}

// ---- Properties ----

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
    input_type_round_trips: InputType = execute_s::input_type();
    action_type_round_trips: ActionType = execute_s::action_type();
    validation_rule_type_round_trips: ValidationRuleType = execute_s::validation_rule_type();
    flow_execute_request_round_trips: FlowExecuteRequest = execute_s::flow_execute_request();
    flow_execute_response_round_trips: FlowExecuteResponse = execute_s::flow_execute_response();
    flow_data_round_trips: FlowData = execute_s::flow_data();
    input_round_trips: Input = execute_s::input();
    action_round_trips: Action = execute_s::action();
    validation_rule_round_trips: ValidationRule = execute_s::validation_rule();
    field_error_round_trips: FieldError = execute_s::field_error();
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
    "applicationId", "flowType", "flowId", "executionId", "challengeToken", "action", "inputs", "verbose", "flowStatus",
    "type", "data", "assertion", "errorAssertion", "error", "code", "message", "description", "key", "defaultValue",
    "params", "redirectURL", "actions", "meta", "additionalData", "fieldErrors", "ref", "identifier", "required",
    "options", "validation", "oneTimeUse", "nextNode", "value", "components", "id", "label", "variant", "eventType",
    "width", "prefixes", "label", "value", "maxLength", "config", "handle", "name", "nodes", "interceptors", "mode",
    "scope", "applyTo", "properties", "prompts", "executor", "onSuccess", "condition", "onSkip", "flow", "layout",
    "nextStep", "stepType", "authenticators", "messages", "links", "authenticatorId", "authenticator", "idp",
    "metadata", "i18nKey", "promptType", "param", "order", "confidential", "requiredParams", "selectedAuthenticator",
    "authData", "state", "session_state", "href", "method", "INCOMPLETE", "COMPLETE", "PROMPT", "TEXT",
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
