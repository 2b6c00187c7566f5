@custom-fixtures
Feature: A captcha in front of a flow step (CaptchaInterceptor)
  A flow can put a captcha in front of a step: the flow declares CaptchaInterceptor for that node,
  the page shows the provider's captcha widget, and the app posts the token the widget gives it
  as the `captcha_token` input along with the step's other inputs. The server checks the token
  with its captcha provider just before the node runs; a missing, used or rejected token ends the
  request with flowStatus ERROR and ICS-1003, and the flow then waits at that node for another
  try. The server only knows the interceptor when a captcha provider is plugged in; the mock's is
  a fake one (`--fake-captcha`) whose tokens the control plane hands out, each good once.

  Scenario: Without a captcha provider a flow cannot declare the captcha interceptor
    Given the caller is an administrator
    When the caller sends POST "/flows" with the JSON body:
      """
      {"handle": "captcha-lab", "name": "Captcha lab", "flowType": "AUTHENTICATION",
       "interceptors": [{"name": "CaptchaInterceptor", "mode": "PRE_NODE"}],
       "nodes": [{"id": "start", "type": "START", "onSuccess": "assert"},
                 {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
                 {"id": "end", "type": "END"}]}
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "FLM-1005",
       "message": {"key": "error.flowmgtservice.invalid_flow_data", "defaultValue": "Invalid flow data"},
       "description": {"key": "error.flowmgtservice.interceptor_not_registered",
         "defaultValue": "Interceptor 'CaptchaInterceptor' is not registered",
         "params": {"interceptorName": "CaptchaInterceptor"}}}
      """

  Scenario: With a captcha provider the flows API keeps the declaration as it was sent
    Given the server verifies captchas with the fake captcha provider
    And the caller is an administrator
    When the caller sends POST "/flows" with the JSON body:
      """
      {"handle": "captcha-lab", "name": "Captcha lab", "flowType": "AUTHENTICATION",
       "interceptors": [{"name": "CaptchaInterceptor", "mode": "PRE_NODE", "scope": "SELECTED", "applyTo": ["assert"]}],
       "nodes": [{"id": "start", "type": "START", "onSuccess": "assert"},
                 {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
                 {"id": "end", "type": "END"}]}
      """
    Then the response status is 201
    And the response body includes the JSON:
      """
      {"interceptors": [{"name": "CaptchaInterceptor", "mode": "PRE_NODE", "scope": "SELECTED", "applyTo": ["assert"]}]}
      """

  Scenario: Submitting a guarded step without a captcha token fails with ICS-1003
    Given the sign-in page has a captcha in front of the password check
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    Then the flow status is "ERROR" and the error code is "ICS-1003"
    And the response carries no challenge token

  Scenario: A solved captcha lets the sign-in through
    Given the sign-in page has a captcha in front of the password check
    And the captcha widget gives the page a token "captcha"
    When the app starts an "AUTHENTICATION" flow
    And the user submits:
      | username      | thor            |
      | password      | Thor@12345      |
      | captcha_token | ${var.captcha}  |
    Then the flow completes with an assertion for "thor"

  Scenario: After ICS-1003 the flow waits at the guarded step, and a new token alone continues it
    Given the sign-in page has a captcha in front of the password check
    And the captcha widget gives a bot the token "rejected"
    And the captcha widget gives the page a token "solved"
    When the app starts an "AUTHENTICATION" flow
    And the user submits:
      | username      | thor            |
      | password      | Thor@12345      |
      | captcha_token | ${var.rejected} |
    Then the flow status is "ERROR" and the error code is "ICS-1003"
    When the user submits without choosing an action:
      | captcha_token | ${var.solved} |
    Then the flow completes with an assertion for "thor"

  Scenario: A captcha token is good for one check only
    Given the sign-in page has a captcha in front of the password check
    And the captcha widget gives the page a token "captcha"
    When the app starts an "AUTHENTICATION" flow
    And the user submits:
      | username      | thor            |
      | password      | Thor@12345      |
      | captcha_token | ${var.captcha}  |
    Then the flow completes with an assertion for "thor"
    When the app starts an "AUTHENTICATION" flow
    And the user submits:
      | username      | thor            |
      | password      | Thor@12345      |
      | captcha_token | ${var.captcha}  |
    Then the flow status is "ERROR" and the error code is "ICS-1003"

  Scenario: A captcha interceptor declared for another mode fails the request without an error
    Given the server verifies captchas with the fake captcha provider
    And the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000e2", "handle": "captcha-lab", "name": "Captcha lab",
       "flowType": "AUTHENTICATION",
       "interceptors": [{"name": "CaptchaInterceptor", "mode": "PRE_REQUEST"}],
       "nodes": [{"id": "start", "type": "START", "onSuccess": "auth"},
                 {"id": "auth", "type": "TASK_EXECUTION", "executor": {"name": "CredentialsAuthExecutor"}, "onSuccess": "assert"},
                 {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
                 {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000e1", "name": "captcha-lab", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "captcha-lab"}
      """
    And the application "captcha-lab"
    When the app starts an "AUTHENTICATION" flow
    Then the flow status is "ERROR"
    And the flow has no error
