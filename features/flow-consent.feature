@custom-fixtures
Feature: Consent
  A ConsentExecutor asks the signed-in user which of the application's attributes (and, after an
  AuthorizationExecutor, which granted permissions) it may have. The step's purposes arrive as a
  JSON string in data.additionalData.consentPrompt; the SDK posts the user's decisions back as the
  consent_decisions input. The server keeps the answers: what was approved is not asked again while
  the record lives (the application's loginConsent.validityPeriod), and the assertion carries only
  what the user allowed.

  Background:
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000d5", "handle": "lab-consent", "name": "Sign in with consent",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "ask"},
         {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i1", "identifier": "username", "type": "TEXT_INPUT", "required": true},
            {"ref": "i2", "identifier": "password", "type": "PASSWORD_INPUT", "required": true}],
            "action": {"ref": "action_001", "nextNode": "check"}}]},
         {"id": "check", "type": "TASK_EXECUTION", "executor": {"name": "CredentialsAuthExecutor"},
          "onSuccess": "authz", "onIncomplete": "ask"},
         {"id": "authz", "type": "TASK_EXECUTION", "executor": {"name": "AuthorizationExecutor"}, "onSuccess": "consent"},
         {"id": "consent", "type": "TASK_EXECUTION", "executor": {"name": "ConsentExecutor"},
          "properties": {"timeout": "60"}, "onSuccess": "assert", "onIncomplete": "ask_consent"},
         {"id": "ask_consent", "type": "PROMPT", "prompts": [
            {"inputs": [{"ref": "consent_input", "identifier": "consent_decisions", "type": "CONSENT_INPUT", "required": true}],
             "action": {"ref": "consent_action_allow", "nextNode": "consent"}},
            {"inputs": [{"ref": "consent_input", "identifier": "consent_decisions", "type": "CONSENT_INPUT", "required": true}],
             "action": {"ref": "consent_action_deny", "nextNode": "consent"}}]},
         {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b9", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "lab-consent",
       "assertion": {"userAttributes": ["email", "given_name", "family_name"]}}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000ba", "name": "lab-app-kept", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "lab-consent",
       "assertion": {"userAttributes": ["email", "given_name", "family_name"]}, "loginConsent": {"validityPeriod": 3600}}
      """

  Scenario: The user shares only what they allow, and is asked again only for the rest
    Given the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    Then the flow asks for consent to:
      """
      [{"purposeName": "attributes:01900000-0000-7000-8000-0000000000b9", "purposeId": "attributes:01900000-0000-7000-8000-0000000000b9",
        "description": "Attribute consent purpose for application 01900000-0000-7000-8000-0000000000b9", "type": "attributes",
        "essential": [], "optional": [{"name": "email"}, {"name": "family_name"}, {"name": "given_name"}]}]
      """
    And the consent step shows when it expires
    When the user answers the consent with:
      """
      {"approved": true, "purposes": [{"purposeName": "attributes:01900000-0000-7000-8000-0000000000b9", "approved": true,
        "elements": [{"name": "email", "approved": true}, {"name": "given_name", "approved": false}]}]}
      """
    Then the flow completes with an assertion for "thor"
    And the assertion carries the claims:
      | email | thor@asgard.example |
    And the assertion has no claim "given_name"
    And the assertion has no claim "family_name"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    Then the flow asks for consent to:
      """
      [{"purposeName": "attributes:01900000-0000-7000-8000-0000000000b9", "purposeId": "attributes:01900000-0000-7000-8000-0000000000b9",
        "description": "Attribute consent purpose for application 01900000-0000-7000-8000-0000000000b9", "type": "attributes",
        "essential": [], "optional": [{"name": "family_name"}, {"name": "given_name"}]}]
      """
    When the user allows everything asked
    Then the flow completes with an assertion for "thor"
    And the assertion carries the claims:
      | email       | thor@asgard.example |
      | given_name  | Thor                |
      | family_name | Odinson             |
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    Then the flow completes with an assertion for "thor"

  Scenario: Granted permissions are asked about too, and a declined one leaves the assertion
    Given the application "lab-app"
    When the app starts an "AUTHENTICATION" flow with the inputs:
      | requested_permissions      | booking:read booking:write  |
      | resource_server_identifier | https://api.booking.example |
    And the user submits the credentials of "thor"
    Then the flow asks for consent to:
      """
      [{"purposeName": "attributes:01900000-0000-7000-8000-0000000000b9", "purposeId": "attributes:01900000-0000-7000-8000-0000000000b9",
        "description": "Attribute consent purpose for application 01900000-0000-7000-8000-0000000000b9", "type": "attributes",
        "essential": [], "optional": [{"name": "email"}, {"name": "family_name"}, {"name": "given_name"}]},
       {"purposeName": "permissions:01900000-0000-7000-8000-0000000000b9", "purposeId": "",
        "description": "Permission consent purpose for application lab-app", "type": "permissions",
        "essential": [], "optional": [{"name": "booking:read"}, {"name": "booking:write"}]}]
      """
    When the user answers the consent with:
      """
      {"approved": true, "purposes": [{"purposeName": "permissions:01900000-0000-7000-8000-0000000000b9", "approved": true,
        "elements": [{"name": "booking:read", "approved": true}]}]}
      """
    Then the flow completes with an assertion for "thor"
    And the assertion carries the claims:
      | authorized_permissions | booking:read |
    And the assertion has no claim "email"

  Scenario: After a redirect sign-in with consent, refreshed tokens and UserInfo carry only what the user allowed
    Given the application "sample-consent"
    When the user opens the sign-in page
    And the user submits the credentials of "thor"
    And the user answers the consent with:
      """
      {"approved": true, "purposes": [{"purposeName": "attributes:01900000-0000-7000-8000-0000000000ae", "approved": true,
        "elements": [{"name": "email", "approved": true}, {"name": "given_name", "approved": false},
                     {"name": "family_name", "approved": false}]}]}
      """
    Then the flow completes with an assertion for "thor"
    And the assertion has no claim "email"
    When the sign-in page hands the assertion to the server
    Then the app receives an authorization code
    When the app exchanges the code for tokens
    Then the access token carries the claims:
      | email | thor@asgard.example |
    And the access token has no claim "given_name, family_name"
    And the access token names the sign-in's attribute cache entry
    And the refresh token names the sign-in's attribute cache entry
    When the app refreshes the tokens
    Then the ID token carries the claims:
      | email | thor@asgard.example |
    And the ID token has no claim "given_name, family_name"
    And the access token names the sign-in's attribute cache entry
    And the refresh token names the sign-in's attribute cache entry
    When the app asks for the user's info
    Then the response status is 200
    And the response body is the JSON:
      """
      {"sub": "${thor.id}", "email": "thor@asgard.example"}
      """

  Scenario: Denying everything still completes, without any attribute
    Given the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    And the user denies everything asked
    Then the flow completes with an assertion for "thor"
    And the assertion has no claim "email"

  @server-main
  Scenario: With failOnDeny a denial fails the flow (FET-1066)
    Given the server's flow is replaced by:
      """
      {"id": "01900000-0000-7000-8000-0000000000d5", "handle": "lab-consent", "name": "Sign in with consent",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "ask"},
         {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i1", "identifier": "username", "type": "TEXT_INPUT", "required": true},
            {"ref": "i2", "identifier": "password", "type": "PASSWORD_INPUT", "required": true}],
            "action": {"ref": "action_001", "nextNode": "check"}}]},
         {"id": "check", "type": "TASK_EXECUTION", "executor": {"name": "CredentialsAuthExecutor"},
          "onSuccess": "authz", "onIncomplete": "ask"},
         {"id": "authz", "type": "TASK_EXECUTION", "executor": {"name": "AuthorizationExecutor"}, "onSuccess": "consent"},
         {"id": "consent", "type": "TASK_EXECUTION", "executor": {"name": "ConsentExecutor"},
          "properties": {"failOnDeny": true}, "onSuccess": "assert", "onIncomplete": "ask_consent"},
         {"id": "ask_consent", "type": "PROMPT", "prompts": [
            {"inputs": [{"ref": "consent_input", "identifier": "consent_decisions", "type": "CONSENT_INPUT", "required": true}],
             "action": {"ref": "consent_action_allow", "nextNode": "consent"}},
            {"inputs": [{"ref": "consent_input", "identifier": "consent_decisions", "type": "CONSENT_INPUT", "required": true}],
             "action": {"ref": "consent_action_deny", "nextNode": "consent"}}]},
         {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    And the user denies everything asked
    Then the flow status is "ERROR" and the error code is "FET-1066"

  @server-1.0
  Scenario: v1.0.0 knows no failOnDeny: a denial completes without attributes
    Given the server's flow is replaced by:
      """
      {"id": "01900000-0000-7000-8000-0000000000d5", "handle": "lab-consent", "name": "Sign in with consent",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "ask"},
         {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i1", "identifier": "username", "type": "TEXT_INPUT", "required": true},
            {"ref": "i2", "identifier": "password", "type": "PASSWORD_INPUT", "required": true}],
            "action": {"ref": "action_001", "nextNode": "check"}}]},
         {"id": "check", "type": "TASK_EXECUTION", "executor": {"name": "CredentialsAuthExecutor"},
          "onSuccess": "authz", "onIncomplete": "ask"},
         {"id": "authz", "type": "TASK_EXECUTION", "executor": {"name": "AuthorizationExecutor"}, "onSuccess": "consent"},
         {"id": "consent", "type": "TASK_EXECUTION", "executor": {"name": "ConsentExecutor"},
          "properties": {"failOnDeny": true}, "onSuccess": "assert", "onIncomplete": "ask_consent"},
         {"id": "ask_consent", "type": "PROMPT", "prompts": [
            {"inputs": [{"ref": "consent_input", "identifier": "consent_decisions", "type": "CONSENT_INPUT", "required": true}],
             "action": {"ref": "consent_action_allow", "nextNode": "consent"}},
            {"inputs": [{"ref": "consent_input", "identifier": "consent_decisions", "type": "CONSENT_INPUT", "required": true}],
             "action": {"ref": "consent_action_deny", "nextNode": "consent"}}]},
         {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    And the user denies everything asked
    Then the flow completes with an assertion for "thor"
    And the assertion has no claim "email"

  @mock-only
  Scenario: An answer after the step's timeout is refused (FET-1069)
    Given the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    And 61 seconds pass
    And the user allows everything asked
    Then the flow status is "ERROR" and the error code is "FET-1069"

  Scenario: A client reporting a timeout completes without consent
    Given the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    And the user answers the consent with:
      """
      {"approved": false, "reason": "timeout", "purposes": []}
      """
    Then the flow completes with an assertion for "thor"
    And the assertion carries the claims:
      | email | thor@asgard.example |

  @server-main
  Scenario: With failOnDeny a reported timeout fails the flow (FET-1069)
    Given the server's flow is replaced by:
      """
      {"id": "01900000-0000-7000-8000-0000000000d5", "handle": "lab-consent", "name": "Sign in with consent",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "ask"},
         {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i1", "identifier": "username", "type": "TEXT_INPUT", "required": true},
            {"ref": "i2", "identifier": "password", "type": "PASSWORD_INPUT", "required": true}],
            "action": {"ref": "action_001", "nextNode": "check"}}]},
         {"id": "check", "type": "TASK_EXECUTION", "executor": {"name": "CredentialsAuthExecutor"},
          "onSuccess": "authz", "onIncomplete": "ask"},
         {"id": "authz", "type": "TASK_EXECUTION", "executor": {"name": "AuthorizationExecutor"}, "onSuccess": "consent"},
         {"id": "consent", "type": "TASK_EXECUTION", "executor": {"name": "ConsentExecutor"},
          "properties": {"failOnDeny": true}, "onSuccess": "assert", "onIncomplete": "ask_consent"},
         {"id": "ask_consent", "type": "PROMPT", "prompts": [
            {"inputs": [{"ref": "consent_input", "identifier": "consent_decisions", "type": "CONSENT_INPUT", "required": true}],
             "action": {"ref": "consent_action_allow", "nextNode": "consent"}},
            {"inputs": [{"ref": "consent_input", "identifier": "consent_decisions", "type": "CONSENT_INPUT", "required": true}],
             "action": {"ref": "consent_action_deny", "nextNode": "consent"}}]},
         {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    And the user answers the consent with:
      """
      {"approved": false, "reason": "timeout", "purposes": []}
      """
    Then the flow status is "ERROR" and the error code is "FET-1069"

  Scenario: Decisions that are not JSON are refused (FET-1068)
    Given the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    And the user answers the consent with:
      """
      {"approved": tru
      """
    Then the flow status is "ERROR" and the error code is "FET-1068"

  Scenario: An empty answer is refused (FET-1067)
    Given the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    And the user submits:
      | consent_decisions | |
    Then the flow status is "ERROR" and the error code is "FET-1067"

  Scenario: Decisions sent before the server asked are refused (FET-1070)
    Given the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user submits:
      | username          | thor                               |
      | password          | Thor@12345                         |
      | consent_decisions | {"approved": true, "purposes": []} |
    Then the flow status is "ERROR" and the error code is "FET-1070"

  Scenario: A consent step before anyone signed in fails (FET-1065)
    Given the server's flow is replaced by:
      """
      {"id": "01900000-0000-7000-8000-0000000000d5", "handle": "lab-consent", "name": "Sign in with consent",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "consent"},
         {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i1", "identifier": "username", "type": "TEXT_INPUT", "required": true},
            {"ref": "i2", "identifier": "password", "type": "PASSWORD_INPUT", "required": true}],
            "action": {"ref": "action_001", "nextNode": "check"}}]},
         {"id": "check", "type": "TASK_EXECUTION", "executor": {"name": "CredentialsAuthExecutor"},
          "onSuccess": "authz", "onIncomplete": "ask"},
         {"id": "authz", "type": "TASK_EXECUTION", "executor": {"name": "AuthorizationExecutor"}, "onSuccess": "consent"},
         {"id": "consent", "type": "TASK_EXECUTION", "executor": {"name": "ConsentExecutor"},
          "properties": {"timeout": "60"}, "onSuccess": "assert", "onIncomplete": "ask_consent"},
         {"id": "ask_consent", "type": "PROMPT", "prompts": [
            {"inputs": [{"ref": "consent_input", "identifier": "consent_decisions", "type": "CONSENT_INPUT", "required": true}],
             "action": {"ref": "consent_action_allow", "nextNode": "consent"}},
            {"inputs": [{"ref": "consent_input", "identifier": "consent_decisions", "type": "CONSENT_INPUT", "required": true}],
             "action": {"ref": "consent_action_deny", "nextNode": "consent"}}]},
         {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    Then the flow status is "ERROR" and the error code is "FET-1065"

  @mock-only
  Scenario: An answer lasts the application's validity period, then is asked for again
    Given the application "lab-app-kept"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    And the user allows everything asked
    Then the flow completes with an assertion for "thor"
    When 3590 seconds pass
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    Then the flow completes with an assertion for "thor"
    When 10 seconds pass
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    Then the flow asks for consent to:
      """
      [{"purposeName": "attributes:01900000-0000-7000-8000-0000000000ba", "purposeId": "attributes:01900000-0000-7000-8000-0000000000ba",
        "description": "Attribute consent purpose for application 01900000-0000-7000-8000-0000000000ba", "type": "attributes",
        "essential": [], "optional": [{"name": "email"}, {"name": "family_name"}, {"name": "given_name"}]}]
      """
