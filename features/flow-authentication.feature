Feature: Flow authentication
  An app signs users in by driving the server's authentication flow step by step over
  POST /flow/execute: app-native (an embedded app with its flow secret) or behind the hosted
  sign-in page (a browser app, through /oauth2/authorize). Every in-band outcome is HTTP 200 with
  a flow status; refusals of the request itself are HTTP errors with an error code.

  Background:
    Given the application "sample-native"

  Scenario: Starting a sign-in asks for the username and the password
    When the app starts an "AUTHENTICATION" flow
    Then the flow shows a "VIEW" step
    And the flow asks for the inputs:
      | ref       | identifier | type           | required |
      | input_001 | username   | TEXT_INPUT     | true     |
      | input_002 | password   | PASSWORD_INPUT | true     |
    And the flow offers the actions "action_001, action_forgot_password, action_signup"
    And the flow has no error
    And the response carries a fresh challenge token
    And the execution id is a UUIDv7
    And the flow data carries no UI components

  Scenario: A verbose start also describes the form to render
    When the app starts an "AUTHENTICATION" flow in verbose mode
    Then the flow shows a "VIEW" step
    And the flow data carries UI components

  Scenario: The right password completes the flow with an assertion
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    Then the flow completes with an assertion for "thor"
    And the response carries no challenge token
    And the assertion carries the claims:
      | aud        | ${sample-native.id}  |
      | sub        | ${thor.id}           |
      | email      | thor@asgard.example  |
      | given_name | Thor                 |
      | username   | thor                 |
    And the assertion records the authenticators "CredentialsAuthenticator"
    And the assertion has no claim "authorization_request_id"

  Scenario: A wrong password asks again for both inputs with FET-1005
    When the app starts an "AUTHENTICATION" flow
    And the user submits the username "thor" and the password "not-his-password"
    Then the flow status is "INCOMPLETE" and the error code is "FET-1005"
    And the flow shows a "VIEW" step
    And the flow asks for "username, password"
    And the flow offers the actions "action_001, action_forgot_password, action_signup"
    And the response carries a fresh challenge token

  Scenario: An unknown username asks again with FET-1001
    When the app starts an "AUTHENTICATION" flow
    And the user submits the username "nobody" and the password "Whatever@1"
    Then the flow status is "INCOMPLETE" and the error code is "FET-1001"
    And the flow asks for "username, password"

  Scenario: The user can retry after a wrong password
    When the app starts an "AUTHENTICATION" flow
    And the user submits the username "loki" and the password "wrong"
    And the user submits the credentials of "loki"
    Then the flow completes with an assertion for "loki"

  Scenario: Credentials sent with the start are kept, but the action must be chosen again
    # The START node consumes the action of the initiating request; with three actions on the
    # prompt none is chosen automatically, so the step asks for nothing but an action.
    When the app starts an "AUTHENTICATION" flow submitting the credentials of "thor"
    Then the flow shows a "VIEW" step
    And the flow asks for ""
    And the flow offers the actions "action_001, action_forgot_password, action_signup"
    When the user chooses "action_001"
    Then the flow completes with an assertion for "thor"

  Scenario: Choosing the sign-in action first asks only for what is missing
    When the app starts an "AUTHENTICATION" flow
    And the user chooses "action_001" with:
      | username | thor |
    Then the flow shows a "VIEW" step
    And the flow asks for "password"
    And the flow offers no actions
    When the user submits:
      | password | Thor@12345 |
    Then the flow completes with an assertion for "thor"

  Scenario: Inputs without an action re-present the form with what is still missing
    When the app starts an "AUTHENTICATION" flow
    And the user submits without choosing an action:
      | username | thor |
    Then the flow shows a "VIEW" step
    And the flow asks for "password"
    And the flow offers the actions "action_001, action_forgot_password, action_signup"

  Scenario: A browser app may not start a sign-in directly (FES-1010)
    Given the application "sample-spa"
    When the app starts an "AUTHENTICATION" flow
    Then the flow is refused with 403 and the error code "FES-1010"

  Scenario: A machine-to-machine app may not start a sign-in either
    Given the application "sample-m2m"
    When the app starts an "AUTHENTICATION" flow
    Then the flow is refused with 403 and the error code "FES-1010"

  Scenario: An embedded app without its flow secret is refused (FES-1011)
    When the app starts an "AUTHENTICATION" flow without a flow secret
    Then the flow is refused with 401 and the error code "FES-1011"

  Scenario: An embedded app with a wrong flow secret is refused (FES-1012)
    When the app starts an "AUTHENTICATION" flow with the flow secret "guessed"
    Then the flow is refused with 401 and the error code "FES-1012"

  Scenario: An unknown application is refused (FES-1003)
    When the app starts an "AUTHENTICATION" flow for the application id "01900000-0000-7000-8000-0000000000ff"
    Then the flow is refused with 400 and the error code "FES-1003"

  Scenario: An unknown flow type is refused (FES-1005)
    When the app starts a "SIGN_IN" flow
    Then the flow is refused with 400 and the error code "FES-1005"

  Scenario: A body that is not JSON is refused (FES-1001)
    When the client sends POST "/flow/execute" with the JSON body:
      """
      {"applicationId": "01900000-0000-7000-8000-0000000000a3",
      """
    Then the flow is refused with 400 and the error code "FES-1001"

  Scenario: An unknown execution id is refused (FES-1004)
    When the client continues the flow "01900000-0000-7000-8000-00000000dead"
    Then the flow is refused with 400 and the error code "FES-1004"

  Scenario: A completed execution cannot be continued (FES-1004)
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    And the client sends the same flow request again
    Then the flow is refused with 400 and the error code "FES-1004"

  @mock-only @serial
  Scenario: An execution expires an hour after it started (FES-1004)
    When the app starts an "AUTHENTICATION" flow
    And 3601 seconds pass
    And the user submits the credentials of "thor"
    Then the flow is refused with 400 and the error code "FES-1004"

  @mock-only @serial
  Scenario: An execution is still alive just before its hour is up
    When the app starts an "AUTHENTICATION" flow
    And 3590 seconds pass
    And the user submits the credentials of "thor"
    Then the flow completes with an assertion for "thor"

  Scenario: Administrative flows need an authenticated caller (FES-1017)
    When a caller starts an ADMINISTRATION flow "without a token"
    Then the flow is refused with 401 and the error code "FES-1017"

  Scenario: Administrative flows need the system permission (FES-1019)
    When a caller starts an ADMINISTRATION flow "as thor"
    Then the flow is refused with 403 and the error code "FES-1019"

  Scenario: Only administrative flows may be started by id (FES-1018)
    When a caller starts an ADMINISTRATION flow "by flow id as admin"
    Then the flow is refused with 403 and the error code "FES-1018"

  Scenario: Every step rotates the challenge token
    When the app starts an "AUTHENTICATION" flow
    And the user submits the username "thor" and the password "wrong"
    Then the response carries a fresh challenge token
    When the user submits the username "thor" and the password "wrong again"
    Then the response carries a fresh challenge token

  Scenario: A stale challenge token is an in-band ERROR (ICS-1002)
    When the app starts an "AUTHENTICATION" flow
    And the user submits the username "thor" and the password "wrong"
    And the user submits the credentials of "thor" with a stale challenge token
    Then the flow status is "ERROR" and the error code is "ICS-1002"
    And the response carries no challenge token

  Scenario: After ICS-1002 the last issued challenge token still works
    When the app starts an "AUTHENTICATION" flow
    And the user submits the username "thor" and the password "wrong"
    And the user submits the credentials of "thor" with a stale challenge token
    And the user submits the credentials of "thor"
    Then the flow completes with an assertion for "thor"

  Scenario: A continuation without a challenge token is refused in band (ICS-1002)
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor" without a challenge token
    Then the flow status is "ERROR" and the error code is "ICS-1002"
