@custom-fixtures
Feature: Flow graphs and configurations beyond the bundled ones
  The flow engine runs any graph an administrator builds. These scenarios give the embedded mock
  small graphs, applications, users and user types of their own to reach what the bundled set
  cannot: executor failures, odd configurations and the engine's limits. Against --server they
  are skipped (a remote server's fixtures cannot be changed from here).

  Scenario: A flow that calls itself stops at the maximum call depth (FES-1013)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000c1", "handle": "loop-flow", "name": "Loop",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "again"},
         {"id": "again", "type": "CALL", "flow": {"ref": "01900000-0000-7000-8000-0000000000c1"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b1", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "loop-flow"}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    Then the flow is refused with 400 and the error code "FES-1013"

  Scenario: A mobile app without attestation configured cannot start a sign-in (FES-1016)
    Given the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b2", "name": "lab-mobile", "type": "mobile"}
      """
    And the application "lab-mobile"
    When the app starts an "AUTHENTICATION" flow
    Then the flow is refused with 400 and the error code "FES-1016"

  Scenario: Asserting before anyone authenticated fails the flow (FET-1004)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000c2", "handle": "assert-only", "name": "Assert only",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "auth_assert"},
         {"id": "auth_assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b3", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "assert-only"}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    Then the flow status is "ERROR" and the error code is "FET-1004"

  Scenario: Credentials that match two users ask again with FET-1006
    Given the server also has the user:
      """
      {"id": "01900000-0000-7000-8000-0000000001a1", "password": "Twin@12345",
       "attributes": {"username": "castor", "email": "castor@gemini.example", "given_name": "Twin"}}
      """
    And the server also has the user:
      """
      {"id": "01900000-0000-7000-8000-0000000001a2", "password": "Twin@12345",
       "attributes": {"username": "pollux", "email": "pollux@gemini.example", "given_name": "Twin"}}
      """
    And the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000c3", "handle": "by-first-name", "name": "By first name",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "ask"},
         {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i1", "identifier": "given_name", "type": "TEXT_INPUT", "required": true},
            {"ref": "i2", "identifier": "password", "type": "PASSWORD_INPUT", "required": true}],
            "action": {"ref": "action_001", "nextNode": "check"}}]},
         {"id": "check", "type": "TASK_EXECUTION", "onSuccess": "assert", "onIncomplete": "ask",
          "executor": {"name": "CredentialsAuthExecutor", "inputs": [
            {"identifier": "given_name", "type": "TEXT_INPUT", "required": true},
            {"identifier": "password", "type": "PASSWORD_INPUT", "required": true}]}},
         {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b4", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "by-first-name"}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user submits:
      | given_name | Twin       |
      | password   | Twin@12345 |
    Then the flow status is "INCOMPLETE" and the error code is "FET-1006"
    And the flow asks for "given_name, password"

  Scenario: Identifying an account that matches two users fails the flow (FET-1003)
    Given the server also has the user:
      """
      {"id": "01900000-0000-7000-8000-0000000001a1", "attributes": {"username": "castor", "email": "castor@gemini.example", "family_name": "Dioscuri"}}
      """
    And the server also has the user:
      """
      {"id": "01900000-0000-7000-8000-0000000001a2", "attributes": {"username": "pollux", "email": "pollux@gemini.example", "family_name": "Dioscuri"}}
      """
    And the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000c4", "handle": "identify", "name": "Identify",
       "flowType": "RECOVERY", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "identify"},
         {"id": "identify", "type": "TASK_EXECUTION", "onSuccess": "end",
          "executor": {"name": "IdentifyingExecutor", "mode": "identify", "inputs": [
            {"identifier": "family_name", "type": "TEXT_INPUT", "required": true}]}},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b5", "name": "lab-app", "type": "custom",
       "isRecoveryFlowEnabled": true, "recoveryFlow": "identify"}
      """
    And the application "lab-app"
    When the app starts a "RECOVERY" flow with the inputs:
      | family_name | Dioscuri |
    Then the flow status is "ERROR" and the error code is "FET-1003"

  Scenario: Provisioning with nothing to store fails (FET-1020)
    Given the server also has the user type:
      """
      {"id": "01900000-0000-7000-8000-000000000012", "name": "Guest", "allowSelfRegistration": true,
       "schema": {"nickname": {"type": "string"}}}
      """
    And the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000c5", "handle": "provision-only", "name": "Provision only",
       "flowType": "REGISTRATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "provisioning"},
         {"id": "provisioning", "type": "TASK_EXECUTION", "executor": {"name": "ProvisioningExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b6", "name": "lab-app", "type": "custom",
       "isRegistrationFlowEnabled": true, "registrationFlow": "provision-only",
       "allowedUserTypes": ["Guest"]}
      """
    And the application "lab-app"
    When the app starts a "REGISTRATION" flow
    Then the flow status is "ERROR" and the error code is "FET-1020"

  Scenario: An e-mail step without a recipient fails (FET-1037)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000c6", "handle": "mail-only", "name": "Mail only",
       "flowType": "RECOVERY", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "mail"},
         {"id": "mail", "type": "TASK_EXECUTION", "properties": {"emailTemplate": "PASSWORD_RECOVERY"},
          "executor": {"name": "EmailExecutor", "mode": "send"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b7", "name": "lab-app", "type": "custom",
       "isRecoveryFlowEnabled": true, "recoveryFlow": "mail-only"}
      """
    And the application "lab-app"
    When the app starts a "RECOVERY" flow
    Then the flow status is "ERROR" and the error code is "FET-1037"

  Scenario: An SMS step without a template fails (FET-1041)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000c7", "handle": "sms-only", "name": "SMS only",
       "flowType": "RECOVERY", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "sms"},
         {"id": "sms", "type": "TASK_EXECUTION", "properties": {"senderId": "lab-sender"},
          "executor": {"name": "SMSExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b8", "name": "lab-app", "type": "custom",
       "isRecoveryFlowEnabled": true, "recoveryFlow": "sms-only"}
      """
    And the application "lab-app"
    When the app starts a "RECOVERY" flow with the inputs:
      | mobile_number | +15550100009 |
    Then the flow status is "ERROR" and the error code is "FET-1041"

  Scenario: A misconfigured step is a server error (SSE-5000)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000c8", "handle": "no-sender", "name": "No sender",
       "flowType": "RECOVERY", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "sms"},
         {"id": "sms", "type": "TASK_EXECUTION", "properties": {"smsTemplate": "OTP"},
          "executor": {"name": "SMSExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b9", "name": "lab-app", "type": "custom",
       "isRecoveryFlowEnabled": true, "recoveryFlow": "no-sender"}
      """
    And the application "lab-app"
    When the app starts a "RECOVERY" flow with the inputs:
      | mobile_number | +15550100009 |
    Then the flow is refused with 500 and the error code "SSE-5000"

  Scenario: Verifying a one-time password that was never generated fails (FLC-1001)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000c9", "handle": "verify-only", "name": "Verify only",
       "flowType": "RECOVERY", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "verify"},
         {"id": "verify", "type": "TASK_EXECUTION", "executor": {"name": "OTPExecutor", "mode": "verify"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000ba", "name": "lab-app", "type": "custom",
       "isRecoveryFlowEnabled": true, "recoveryFlow": "verify-only"}
      """
    And the application "lab-app"
    When the app starts a "RECOVERY" flow
    Then the flow status is "ERROR" and the error code is "FLC-1001"

  Scenario: Resolving a user type for a sign-in when the app allows none fails (FET-1051)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000ca", "handle": "resolve-type", "name": "Resolve type",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "resolve"},
         {"id": "resolve", "type": "TASK_EXECUTION", "executor": {"name": "UserTypeResolver"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000bb", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "resolve-type", "allowedUserTypes": []}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    Then the flow status is "ERROR" and the error code is "FET-1051"

  Scenario: Registration for an app that allows no user type fails (FET-1052)
    Given the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000bc", "name": "lab-app", "type": "custom",
       "isRegistrationFlowEnabled": true, "allowedUserTypes": []}
      """
    And the application "lab-app"
    When the app starts a "REGISTRATION" flow
    Then the flow status is "ERROR" and the error code is "FET-1052"

  Scenario: A registration step limited to user types the app does not allow fails (FET-1053)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000cb", "handle": "robots-only", "name": "Robots only",
       "flowType": "REGISTRATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "resolve"},
         {"id": "resolve", "type": "TASK_EXECUTION", "properties": {"allowedUserTypes": ["Robot"]},
          "executor": {"name": "UserTypeResolver"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000bd", "name": "lab-app", "type": "custom",
       "isRegistrationFlowEnabled": true, "registrationFlow": "robots-only"}
      """
    And the application "lab-app"
    When the app starts a "REGISTRATION" flow
    Then the flow status is "ERROR" and the error code is "FET-1053"

  Scenario: Registration into a user type that does not exist fails (FET-1055)
    Given the server also has the user type:
      """
      {"id": "01900000-0000-7000-8000-000000000015", "name": "Ghost", "allowSelfRegistration": true,
       "schema": {"username": {"type": "string", "required": true, "unique": true}}}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000be", "name": "lab-app", "type": "custom",
       "isRegistrationFlowEnabled": true, "allowedUserTypes": ["Ghost"]}
      """
    And the user type "Ghost" is deleted while still in use
    And the application "lab-app"
    When the app starts a "REGISTRATION" flow
    Then the flow status is "ERROR" and the error code is "FET-1055"

  Scenario: Registration into a user type closed to self-registration fails (FET-1059)
    Given the server also has the user type:
      """
      {"id": "01900000-0000-7000-8000-000000000013", "name": "Staff", "allowSelfRegistration": false,
       "schema": {"username": {"type": "string", "required": true, "unique": true}}}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000bf", "name": "lab-app", "type": "custom",
       "isRegistrationFlowEnabled": true, "allowedUserTypes": ["Staff"]}
      """
    And the application "lab-app"
    When the app starts a "REGISTRATION" flow
    Then the flow status is "ERROR" and the error code is "FET-1059"

  Scenario: A sign-out that must be confirmed asks before ending the session
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000cc", "handle": "confirm-signout", "name": "Confirm sign-out",
       "flowType": "SIGNOUT", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "session_signout"},
         {"id": "session_signout", "type": "TASK_EXECUTION", "properties": {"promptOnSignOut": true},
          "executor": {"name": "SessionSignOutExecutor"}, "onSuccess": "end", "onIncomplete": "prompt_confirm"},
         {"id": "prompt_confirm", "type": "PROMPT", "prompts": [
           {"action": {"ref": "action_confirm", "type": "CONFIRM", "nextNode": "session_signout"}}]},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000c0", "name": "lab-spa", "type": "browser",
       "signOutFlow": "confirm-signout",
       "oauth": {"clientId": "lab-spa", "publicClient": true, "tokenEndpointAuthMethod": "none",
                 "grantTypes": ["authorization_code"], "redirectUris": ["http://localhost:3000/callback"],
                 "postLogoutRedirectUris": ["http://localhost:3000/"]}}
      """
    And the application "lab-spa"
    When the app sends the user to sign out with:
      | client_id                | lab-spa                |
      | post_logout_redirect_uri | http://localhost:3000/ |
    And the sign-out page runs the flow
    Then the flow shows a "VIEW" step
    And the flow offers the actions "action_confirm"
    When the user chooses "action_confirm"
    Then the flow completes without an assertion
    When the sign-out page finishes the logout
    Then the browser is sent to "http://localhost:3000/"
